#!/usr/bin/env bash
# Where the plan puts the VACUUMs that pay: phase 4's order on the bloated
# demo after rounds of the payoff workload, by the reads each VACUUM saves
# (what plan() does, src/sql/plan/vacuum.sql) beside the order by dead bytes
# alone (what it did before issue 29).
#
# In a throw-away cluster: loads the demo (bench/payoff/setup.sql) at the
# scale given (default 1), resets the activity statistics and ANALYZEs (the
# load's own UPDATEs and DELETEs read every table: a production instance's
# statistics hold Campaign's reads, not those of a generator), runs ROUNDS
# rounds (default 5) of bench/payoff/workload.sql, and prints each VACUUM
# step with its step now, its rank by dead bytes, the rows its scans
# returned (seq_tup_read + idx_tup_fetch), and campmon's dead and live rows.
#
#   bench/payoff_order.sh [scale]      about a minute at scale 1
# Environment: ROUNDS, PG_CONFIG (default Debian's).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."
scale="${1:-1}"
ROUNDS="${ROUNDS:-5}"
[[ "$scale" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "payoff_order: a scale is a positive number, not '$scale'" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "payoff_order: ROUNDS must be a positive integer, not '$ROUNDS'" >&2; exit 2; }

if [ -z "${PAYOFF_IN_CLUSTER:-}" ]; then
    export PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
    bash scripts/build.sh >/dev/null
    export PAYOFF_IN_CLUSTER=1 ROUNDS
    exec bash scripts/cluster.sh -o fsync=off -o jit=off bash "$self" "$scale"
fi

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d payoff_order "$@"; }
psql -X -q -c "CREATE DATABASE payoff_order" >/dev/null
sql -v scale="$scale" -f bench/payoff/setup.sql >/dev/null
sql -c "SELECT pg_stat_reset()" >/dev/null
sql -c "ANALYZE" >/dev/null
ed="$(sql -c "SELECT min(ideliveryid) FROM nmsdelivery WHERE istate = 0 AND ideletestatus = 0")"
sent="$(sql -c "SELECT max(ideliveryid) FROM nmsdelivery WHERE istate = 95 AND ideletestatus = 0")"
for r in $(seq 1 "$ROUNDS"); do
    {
        printf '\\set dlv %s\n\\set sent %s\n\\set folder %s\n' "$ed" "$sent" "$(( 1400 + r % 4 ))"
        printf '\\set wk wkdlv_%s_%s\n\\set part0 %s\n' "$ed" "$(( 1000 + r ))" "$(( 7900000 + r * 1000 ))"
        printf "\\\\set ref '2026-11-20 03:00:00'\n\\\\set pfx ''\n\\\\o /dev/null\n\\\\i bench/payoff/workload.sql\n"
    } | sql -f - >/dev/null
done
sql -c "SELECT pg_stat_force_next_flush()" >/dev/null
sleep 1
psql -X -v ON_ERROR_STOP=1 -d payoff_order <<'SQL'
\pset footer off
SELECT p.step AS "step now",
       rank() OVER (ORDER BY p.expected_gain_bytes DESC) AS "by bytes",
       p.target, pg_size_pretty(p.expected_gain_bytes) AS "dead bytes",
       s.seq_tup_read + coalesce(s.idx_tup_fetch, 0) AS "rows read",
       t.dead_tuples || ' / ' || t.live_tuples AS "dead / live rows"
FROM campmon.plan(actions => '{VACUUM}') p
JOIN campmon.tables t ON t.relid = p.target_relid
JOIN pg_stat_user_tables s ON s.relid = p.target_relid
ORDER BY p.step;
SQL
