#!/usr/bin/env bash
# Inside the throw-away cluster of bench/trends_bench.sh.
set -euo pipefail
db=trends_bench
n="$CAMPMON_RELATIONS"
createdb "$db"
psql -X -q -d "$db" -v relations="$n" -f bench/scale_setup.sql >/dev/null
rels=$(psql -X -qtA -d "$db" -c "SELECT count(*) FROM pg_class")

# seconds of one statement in a fresh session
measure() {
    psql -X -qtA -v ON_ERROR_STOP=1 -d "$db" <<EOF | tail -n 1
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
\o /dev/null
$1;
\o
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3);
EOF
}
row() { printf "%-44s %10s %s\n" "$1" "$2" "${3:-}"; }

echo "== snapshots and trends, $rels relations ($(date -u +%F), $(nproc) cores)"
row "statement" "seconds" "notes"
for i in 1 2 3; do
    s=$(measure "SELECT campmon.snapshot()")
    kept=$(psql -X -qtA -d "$db" -c "SELECT kept_relations || ' relation rows, ' || (SELECT count(*) FROM campmon.snapshot_check c WHERE c.snapshot_id = s.snapshot_id) || ' check rows' FROM campmon.snapshot_taken s ORDER BY taken_at DESC LIMIT 1")
    row "campmon.snapshot() #$i" "$s" "$kept"
done

views=("SELECT * FROM campmon.relation_trends" "SELECT * FROM campmon.family_trends" "SELECT * FROM campmon.tablespace_trends"
       "SELECT * FROM campmon.sequence_trends" "SELECT * FROM campmon.check_timeline" "SELECT * FROM campmon.run_gains"
       "SELECT * FROM campmon._check_trends()" "SELECT campmon.report()")
for variant in default floor0; do
    psql -X -q -d "$db" -c "DELETE FROM campmon.snapshot_taken" >/dev/null
    if [ "$variant" = floor0 ]; then
        PGOPTIONS="-c campmon.snapshot_min_size=0" psql -X -q -d "$db" -c "SELECT campmon.snapshot()" >/dev/null
        echo "-- campmon.snapshot_min_size = 0: as many rows as campmon.snapshot_max_relations allows"
    else
        psql -X -q -d "$db" -c "SELECT campmon.snapshot()" >/dev/null
        echo "-- default settings"
    fi
    t0=$(date +%s)
    # the model snapshot is the backfill's own first call: drop the one above
    psql -X -q -d "$db" -c "DELETE FROM campmon.snapshot_taken" >/dev/null
    PGOPTIONS="$([ "$variant" = floor0 ] && echo "-c campmon.snapshot_min_size=0")" \
        psql -X -q -v ON_ERROR_STOP=1 -d "$db" -v days=90 -v every_hours=1 -f demo/backfill_snapshots.sql >/dev/null
    sizes=$(psql -X -qtA -d "$db" -c "SELECT (SELECT count(*) FROM campmon.snapshot_taken) || ' snapshots, ' || (SELECT count(*) FROM campmon.snapshot_relation) || ' relation rows, ' || (SELECT count(*) FROM campmon.snapshot_check) || ' check rows, ' || pg_size_pretty((SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c WHERE c.relnamespace = 'campmon'::regnamespace AND c.relkind = 'r' AND c.relname LIKE 'snapshot%'))")
    row "90 days hourly (synthetic)" "$(( $(date +%s) - t0 ))" "$sizes"
    for q in "${views[@]}"; do
        row "$q" "$(measure "$q")"
    done
done
