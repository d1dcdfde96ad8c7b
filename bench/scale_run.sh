#!/usr/bin/env bash
# Inside the throw-away cluster of bench/scale_bench.sh: build each
# database size, run every listing in a fresh session, append a line per
# listing to $CAMPMON_WORK/table.
set -euo pipefail
# name@mode: the listing with campmon.tables_mode = mode (issue 15: auto,
# every table measured from its pages, under the same goals)
queries=("campmon.stale_tables" "campmon.tables" "campmon.indexes" "campmon.plan()" "campmon.checks" "campmon.tables@auto"
         "campmon.vacuum_blockers" "campmon.wraparound" "campmon.autovacuum_tables")
# with an old snapshot held (issue 24: what stops VACUUM): the blockers'
# dead-row figures, the checks that name it, and plan() reading its VACUUM
# candidates' pages (campmon.vacuum_blocker_min_age = 0)
blocked=("campmon.vacuum_blockers" "campmon.checks" "campmon.plan()")

# one listing in a fresh session: "relations listing rows seconds us/relation MB"
measure() {
    local db=$1 rels=$2 q=$3 label=$4 opts=$5 rows secs start peak
    rm -f "$CAMPMON_WORK/stop" "$CAMPMON_WORK/peak"
    read -r rows secs < <(PGOPTIONS="$opts" psql -X -qtA -v ON_ERROR_STOP=1 -d "$db" -v q="$q" -f bench/scale_measure.sql)
    for _ in $(seq 1 100); do [ -s "$CAMPMON_WORK/peak" ] && break; sleep 0.05; done
    read -r start peak < "$CAMPMON_WORK/peak"
    awk -v r="$rels" -v q="$label" -v n="$rows" -v s="$secs" -v m="$(( (peak - start) / 1024 ))" \
        'BEGIN { printf "%-10s %-30s %8s %9.2f %12.1f %8s\n", r, q, n, s, s * 1e6 / r, m }' >> "$CAMPMON_WORK/table"
}

for n in $CAMPMON_SIZES; do
    db=scale_$n
    createdb "$db"
    psql -X -q -d "$db" -v relations="$n" -f bench/scale_setup.sql >/dev/null
    rels=$(psql -X -qtA -d "$db" -c "SELECT count(*) FROM pg_class")
    # the largest size once more with a server work_mem of 64MB, common on
    # Campaign instances: campmon's own queries must not grow with it
    work_mems=("")
    [ "$n" = "${CAMPMON_SIZES##* }" ] && work_mems=("" "64MB")
    for wm in "${work_mems[@]}"; do
    for q in "${queries[@]}"; do
        mode=""
        [ "${q#*@}" != "$q" ] && mode="${q#*@}"
        measure "$db" "$rels" "${q%@*}" "$q${wm:+ (wm $wm)}" "${wm:+-c work_mem=$wm}${mode:+ -c campmon.tables_mode=$mode}"
    done
    done
    # a BI session's REPEATABLE READ snapshot, then rows deleted: it holds them
    PGAPPNAME=campmon_bench_holder psql -X -q -d "$db" \
        -c "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM nmsrecipient; SELECT pg_sleep(3600)" >/dev/null 2>&1 &
    holder=$!
    sleep 1
    psql -X -q -d "$db" -c "DELETE FROM nmsrecipient WHERE ctid IN (SELECT ctid FROM nmsrecipient TABLESAMPLE SYSTEM (30))" >/dev/null
    for q in "${blocked[@]}"; do
        measure "$db" "$rels" "$q" "$q (blocked)" "-c campmon.vacuum_blocker_min_age=0"
    done
    # the benchmark's own holder session, by its application name
    psql -X -q -d "$db" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'campmon_bench_holder'" >/dev/null
    wait "$holder" 2>/dev/null || true
    dropdb "$db"
done
