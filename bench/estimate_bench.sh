#!/usr/bin/env bash
# Estimate benchmark: how close plan()'s estimated_seconds, calibrated from
# this server's own history (campmon.step_rates), comes to the durations the
# steps then take -- against campmon's default constants, on the demo
# database at two scales.  Not in CI.
#
# For each scale, in a throw-away cluster (scripts/cluster.sh, fsync off):
#   1. the demo database (demo/campaign_demo.sql, autovacuum off on its tables);
#   2. round 1 (learning): a first run cleans what the demo left; then the
#      tables are churned as Campaign churns them every day
#      (bench/estimate_churn.sql: log rows purged and written again, work
#      tables left behind) and a second run does a night's work -- the
#      history now holds this server's durations for such steps;
#   3. rounds 2 and 3 (measured): the tables churned again, the estimates
#      campmon's constants would give
#      read first (the plan with the history set aside, rolled back), then a
#      real run, whose recorded estimated_seconds are the calibrated ones,
#      each compared with the step's measured duration.
# Printed per scale and round: per kind of step, the steps, their measured
# and estimated seconds (calibrated, constants), the ratio estimate/measured
# for the whole run and per step (median, and the share of steps of at least
# MIN_SECONDS within a factor of 2).
#
#   PG_CONFIG=... bench/estimate_bench.sh
# Environment: SCALES ("10 30"), ROUNDS (measured rounds, 2), MIN_SECONDS
# (0.2: shorter steps' durations are noise), ALLOW_BLOCKING (1: the plan may
# rewrite small tables with VACUUM FULL, so those steps are estimated too).
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$self")/.."

SCALES="${SCALES:-10 30}"
ROUNDS="${ROUNDS:-2}"
MIN_SECONDS="${MIN_SECONDS:-0.2}"
ALLOW_BLOCKING="${ALLOW_BLOCKING:-1}"
export SCALES ROUNDS MIN_SECONDS ALLOW_BLOCKING
[ -n "${PG_CONFIG:-}" ] || { echo "estimate_bench: set PG_CONFIG (the server campmon is built for)" >&2; exit 2; }

if [ -z "${ESTIMATE_BENCH_IN_CLUSTER:-}" ]; then
    bash scripts/build.sh > /dev/null
    export ESTIMATE_BENCH_IN_CLUSTER=1
    exec bash scripts/cluster.sh -o fsync=off -o max_wal_size=2GB -o autovacuum=off bash "$self"
fi

export PATH="$("$PG_CONFIG" --bindir):$PATH"
work="$(mktemp -d /tmp/campmon_estimate.XXXXXX)"
trap 'rm -rf "$work"' EXIT
say() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*"; }
sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
blocking=$([ "$ALLOW_BLOCKING" = 1 ] && echo true || echo false)

say "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(postgres --version)"
for scale in $SCALES; do
    db="estimate_$(echo "$scale" | tr . _)"
    createdb "$db"
    export PGDATABASE="$db"
    say "== scale $scale: loading the demo database"
    psql -X -q -v ON_ERROR_STOP=1 -v scale="$scale" -v no_autovacuum=1 -f demo/campaign_demo.sql > "$work/demo.log"
    sql -c 'CREATE EXTENSION campmon'
    # the bench's own table (the constants' estimates), left out of the report
    sql -c 'CREATE SCHEMA bench; CREATE TABLE bench.default_estimate (action text, target text, seconds numeric); ANALYZE bench.default_estimate'
    say "   $(sql -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"

    say "   round 1 (learning): $(sql -c "CALL campmon.run_plan(dry_run => false, allow_blocking => $blocking)" | tail -1)"
    psql -X -q -v ON_ERROR_STOP=1 -f bench/estimate_churn.sql > /dev/null
    say "   round 1 (learning, a night's work): $(sql -c "CALL campmon.run_plan(dry_run => false, allow_blocking => $blocking)" | tail -1)"
    for (( round = 2; round <= ROUNDS + 1; round++ )); do
        psql -X -q -v ON_ERROR_STOP=1 -f bench/estimate_churn.sql > /dev/null
        # what campmon's constants would say: the plan without any history
        sql > "$work/default.csv" <<EOF
BEGIN;
DELETE FROM campmon.run;
COPY (SELECT action, target, estimated_seconds FROM campmon.plan(allow_blocking => $blocking)) TO STDOUT WITH (FORMAT csv);
ROLLBACK;
EOF
        sql -c 'TRUNCATE bench.default_estimate'
        sql -c "\\copy bench.default_estimate FROM '$work/default.csv' WITH (FORMAT csv)"
        out="$(sql -c "CALL campmon.run_plan(dry_run => false, allow_blocking => $blocking)" | tail -1)"
        say "   round $round: $out"
        psql -X -q -v ON_ERROR_STOP=1 -v min_seconds="$MIN_SECONDS" -f bench/estimate_report.sql | sed 's/^/    /'
    done
    unset PGDATABASE
done
