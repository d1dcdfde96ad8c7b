#!/usr/bin/env bash
# Inside the throw-away cluster of bench/scale_bench.sh: build each
# database size, run every listing in a fresh session, append a line per
# listing to $CAMPMON_WORK/table.
set -euo pipefail
# name@mode: the listing with campmon.tables_mode = mode (issue 15: auto,
# every table measured from its pages, under the same goals)
queries=("campmon.stale_tables" "campmon.tables" "campmon.indexes" "campmon.plan()" "campmon.checks" "campmon.tables@auto")
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
        rm -f "$CAMPMON_WORK/stop" "$CAMPMON_WORK/peak"
        mode=""
        [ "${q#*@}" != "$q" ] && mode="${q#*@}"
        opts="${wm:+-c work_mem=$wm}${mode:+ -c campmon.tables_mode=$mode}"
        read -r rows secs < <(PGOPTIONS="$opts" psql -X -qtA -v ON_ERROR_STOP=1 -d "$db" -v q="${q%@*}" -f bench/scale_measure.sql)
        for _ in $(seq 1 100); do [ -s "$CAMPMON_WORK/peak" ] && break; sleep 0.05; done
        read -r start peak < "$CAMPMON_WORK/peak"
        awk -v r="$rels" -v q="$q${wm:+ (wm $wm)}" -v n="$rows" -v s="$secs" -v m="$(( (peak - start) / 1024 ))" \
            'BEGIN { printf "%-10s %-30s %8s %9.2f %12.1f %8s\n", r, q, n, s, s * 1e6 / r, m }' >> "$CAMPMON_WORK/table"
    done
    done
    dropdb "$db"
done
