#!/usr/bin/env bash
# Drop benchmark: how fast a run drops stale work tables when there are
# many (issue 22: drop_work_table() judged every work table again for each
# DROP, 118 ms a step at 10,000).  Builds N stale work tables (workflows
# finished, tables of Campaign's role) in a throw-away cluster, then one
# real run of the DROP steps within a time budget; prints the tables
# dropped and the milliseconds a step took.  Usage:
#   bench/drop_bench.sh [work_tables] [budget_seconds]     (10000 30)
# With PG_CONFIG set, that (private) server is built and used.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
budget="${2:-30}"
bash scripts/build.sh >/dev/null
bash scripts/cluster.sh -o fsync=off -o max_locks_per_transaction=256 bash -c '
set -euo pipefail
n=$1; budget=$2
psql -Xq -v ON_ERROR_STOP=1 <<SQL >/dev/null
CREATE EXTENSION campmon;
CREATE ROLE camp_owner;
GRANT CREATE ON SCHEMA public TO camp_owner;
SET ROLE camp_owner;
CREATE TABLE xtkworkflow (iworkflowid int PRIMARY KEY, sinternalname text, istate smallint, ifailed smallint, tslastmodified timestamp);
INSERT INTO xtkworkflow SELECT g, '"'"'wf'"'"' || g, 20, 0, '"'"'2026-11-01'"'"' FROM generate_series(1, $n) g;
SELECT format('"'"'CREATE TABLE wkf%s_1_1 (id int)'"'"', g) FROM generate_series(1, $n) g \gexec
SQL
psql -XAtq -c "SELECT count(*) || '"'"' stale work tables'"'"' FROM campmon.stale_tables WHERE verdict = '"'"'stale'"'"'"
psql -XAtq -c "CALL campmon.run_plan(dry_run => false, actions => ARRAY['"'"'DROP TABLE'"'"'], time_budget => '"'"'$budget s'"'"')" >/dev/null 2>&1 || true
psql -XAtq -c "SELECT format('"'"'dropped %s in %s s budget: %s ms a step (median %s ms)'"'"', count(*), $budget,
                      round(avg(extract(epoch FROM finished_at - started_at)) * 1000, 1),
                      round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) * 1000)::numeric, 1))
               FROM campmon.run_step WHERE outcome = '"'"'done'"'"'"
' _ "$n" "$budget"
