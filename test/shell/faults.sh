#!/usr/bin/env bash
# faults: campmon's runs when things go wrong, in the suite's cluster
# (pg_virtualenv: PGVERSION, PGPORT, PG_CLUSTER_CONF_ROOT).
#   - the run's worker terminated (pg_terminate_backend) mid-step;
#   - an immediate shutdown while REINDEX CONCURRENTLY waits: the run is
#     marked interrupted, the invalid index it leaves is reported and planned
#     for DROP INDEX CONCURRENTLY;
#   - a hot standby built from the primary: views and measurements answer,
#     run_plan refuses;
#   - pg_cron (preloaded) runs CALL campmon.run_plan on a schedule (every
#     minute: this test waits up to 80 s), recorded in campmon.history.
# Prints pg_regress-like result lines; exit status 1 if any failed.
set -uo pipefail
db=campmon_faults
cluster=regress
fail=0
check() {   # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        echo "test $1 ... ok"
    else
        echo "test $1 ... FAILED (expected '$2', got '$3')"
        fail=1
    fi
}
# statements one by one (a -c string would be one implicit transaction,
# where VACUUM, ALTER SYSTEM and run_plan's COMMIT are refused)
q() { printf '%s\n' "$1" | psql -X -qtA -v ON_ERROR_STOP=1 -d "$db" -f - 2>&1; }
holder_start() {   # a session holding a lock, in the background
    PGAPPNAME=campmon_holder psql -X -q -d "$db" -c "BEGIN; $1; SELECT pg_sleep(120);" >/dev/null 2>&1 &
    for _ in $(seq 1 100); do
        [ "$(q "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'campmon_holder' AND l.granted AND l.relation IS NOT NULL AND l.relation::regclass::text LIKE 'rf\_%'")" != 0 ] && return
        sleep 0.1
    done
}
holder_stop() { q "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'campmon_holder'" >/dev/null; wait 2>/dev/null; }
wait_ready() { for _ in $(seq 1 100); do psql -X -qtA -d postgres -c "SELECT 1" >/dev/null 2>&1 && return; sleep 0.2; done; }

dropdb --if-exists "$db" 2>/dev/null
createdb "$db" || { echo "test faults_setup ... FAILED"; exit 1; }
q "CREATE EXTENSION campmon;
   INSERT INTO campmon.family (family, pattern) VALUES ('rftest', '^rf_');
   CREATE TABLE rf_busy (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
   INSERT INTO rf_busy SELECT g, repeat('x', 40) FROM generate_series(1, 20000) g;
   DELETE FROM rf_busy WHERE id % 10 <> 0;" >/dev/null
settings="SET campmon.tables_mode = 'exact'; SET campmon.indexes_mode = 'exact'; SET campmon.reindex_min_size = '8kB';"

# 1. the worker terminated while its step waits for a lock
holder_start "LOCK TABLE rf_busy IN SHARE MODE"
run=$(q "$settings SELECT campmon.start_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'], lock_timeout => '60s')" | tail -1)
sleep 1
q "SELECT pg_terminate_backend(worker_pid) FROM campmon.run WHERE run_id = $run" >/dev/null
sleep 1
holder_stop
check terminated_run_left_running "running" "$(q "SELECT status FROM campmon.run WHERE run_id = $run")"
q "CALL campmon.run_plan()" >/dev/null
check terminated_run_interrupted "interrupted" "$(q "SELECT status FROM campmon.run WHERE run_id = $run")"
check terminated_steps_interrupted "interrupted:1" "$(q "SELECT string_agg(outcome || ':' || count, ',') FROM (SELECT outcome, count(*) FROM campmon.run_step WHERE run_id = $run GROUP BY 1) s")"
check terminated_next_run_works "done" "$(q "SELECT status FROM campmon.run ORDER BY run_id DESC LIMIT 1")"

# 2. immediate shutdown while REINDEX CONCURRENTLY waits for a writer
q "CREATE TABLE rf_idx (id int, d int) WITH (autovacuum_enabled = false);
   INSERT INTO rf_idx SELECT g, g % 50 FROM generate_series(1, 50000) g;
   CREATE INDEX rf_idx_d ON rf_idx (d);
   DELETE FROM rf_idx WHERE id % 5 <> 0; VACUUM rf_idx;" >/dev/null
holder_start "INSERT INTO rf_idx VALUES (0, 0)"
run=$(q "$settings SELECT campmon.start_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['REINDEX INDEX CONCURRENTLY'], lock_timeout => '60s')" | tail -1)
for _ in $(seq 1 100); do
    [ "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE 'rf\_idx\_d\_ccnew%'")" != 0 ] && break
    sleep 0.1
done
check crash_reindex_under_way "1" "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE 'rf\_idx\_d\_ccnew%'")"
pg_ctlcluster "$PGVERSION" "$cluster" stop -m immediate >/dev/null 2>&1
wait 2>/dev/null
pg_ctlcluster "$PGVERSION" "$cluster" start >/dev/null 2>&1
wait_ready
check crash_run_left_running "running" "$(q "SELECT status FROM campmon.run WHERE run_id = $run")"
check crash_invalid_index_reported "false" "$(q "SELECT string_agg(is_valid::text, ',') FROM campmon.indexes WHERE index_name LIKE 'rf\_idx\_d\_ccnew%'")"
check crash_invalid_index_planned "DROP INDEX CONCURRENTLY" "$(q "SELECT string_agg(action, ',') FROM campmon.plan() WHERE target LIKE '%rf\_idx\_d\_ccnew%'")"
q "$settings CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['DROP INDEX CONCURRENTLY'])" >/dev/null
check crash_run_interrupted "interrupted" "$(q "SELECT status FROM campmon.run WHERE run_id = $run")"
check crash_step_interrupted "interrupted" "$(q "SELECT string_agg(outcome, ',') FROM campmon.run_step WHERE run_id = $run")"
check crash_invalid_index_dropped "0" "$(q "SELECT count(*) FROM pg_class WHERE relname LIKE 'rf\_idx\_d\_ccnew%'")"

# 3. a hot standby: everything reads, run_plan refuses
standby_root=$(mktemp -d /tmp/campmon-standby.XXXXXX)
chown postgres "$standby_root"
standby=$standby_root/data
sport=$((PGPORT + 100))
# Debian keeps postgresql.conf outside the data directory: the copy gets an empty one
if su postgres -c "pg_basebackup -h /var/run/postgresql -p $PGPORT -D $standby -R -X stream" >/dev/null 2>&1 &&
   su postgres -c "touch $standby/postgresql.conf" &&
   su postgres -c "/usr/lib/postgresql/$PGVERSION/bin/pg_ctl -D $standby -o '-p $sport -k /tmp -c hba_file=$(q "SHOW hba_file") -c ident_file=$(q "SHOW ident_file")' -l $standby.log -w start" >/dev/null 2>&1; then
    sq() { printf '%s\n' "$1" | su postgres -c "psql -X -qtA -h /tmp -p $sport -d $db -f -" 2>&1; }
    check standby_in_recovery "t" "$(sq "SELECT pg_is_in_recovery()")"
    check standby_views_answer "t" "$(sq "SELECT (SELECT count(*) FROM campmon.tables) > 0 AND (SELECT count(*) FROM campmon.indexes) > 0 AND (SELECT count(*) FROM campmon.stale_tables) >= 0 AND (SELECT count(*) FROM campmon.checks) >= 0")"
    check standby_exact_measures "exact" "$(sq "SELECT method FROM campmon.table_bloat('rf_busy', 'exact')")"
    check standby_plan_works "t" "$(sq "SELECT count(*) >= 0 FROM campmon.plan()")"
    check standby_run_refused "cannot run a maintenance plan on a hot standby" "$(sq "CALL campmon.run_plan()" | grep -o 'cannot run a maintenance plan on a hot standby' | head -1)"
    su postgres -c "/usr/lib/postgresql/$PGVERSION/bin/pg_ctl -D $standby -m fast -w stop" >/dev/null 2>&1
else
    echo "test standby_started ... FAILED (see $standby.log)"
    fail=1
fi
[ "$fail" = 0 ] && rm -rf "$standby_root"

# 4. pg_cron runs the plan on a schedule
pg_conftool -s "$PGVERSION" "$cluster" set shared_preload_libraries pg_cron
pg_conftool -s "$PGVERSION" "$cluster" set cron.database_name "$db"
pg_conftool -s "$PGVERSION" "$cluster" set cron.host /var/run/postgresql
pg_ctlcluster "$PGVERSION" "$cluster" restart >/dev/null 2>&1
wait_ready
q "CREATE EXTENSION pg_cron;
   ALTER DATABASE $db SET campmon.tables_mode = 'exact';
   INSERT INTO rf_busy SELECT g, 'y' FROM generate_series(30001, 32000) g;
   DELETE FROM rf_busy WHERE id > 30000 AND id % 2 = 0;" >/dev/null
before=$(q "SELECT coalesce(max(run_id), 0) FROM campmon.run")
q "SELECT cron.schedule('campmon-test', '* * * * *', \$\$CALL campmon.run_plan(dry_run => false, families => ARRAY['rftest'], actions => ARRAY['VACUUM'])\$\$)" >/dev/null
for _ in $(seq 1 80); do      # every minute: the first run starts within 60 s
    [ "$(q "SELECT count(*) FROM campmon.run WHERE run_id > $before AND status = 'done'")" != 0 ] && break
    sleep 1
done
sleep 1
q "SELECT cron.unschedule('campmon-test')" >/dev/null
check cron_run_recorded "t" "$(q "SELECT count(*) > 0 FROM campmon.run WHERE run_id > $before AND status = 'done'")"
check cron_steps_in_history "t" "$(q "SELECT count(*) > 0 FROM campmon.history WHERE run_id = (SELECT min(run_id) FROM campmon.run WHERE run_id > $before) AND outcome = 'done' AND target = 'public.rf_busy'")"
check cron_job_succeeded "succeeded" "$(q "SELECT status FROM cron.job_run_details ORDER BY runid LIMIT 1")"
pg_conftool -s "$PGVERSION" "$cluster" remove shared_preload_libraries
pg_conftool -s "$PGVERSION" "$cluster" remove cron.database_name
pg_conftool -s "$PGVERSION" "$cluster" remove cron.host
pg_ctlcluster "$PGVERSION" "$cluster" restart >/dev/null 2>&1
wait_ready

dropdb "$db" 2>/dev/null
exit $fail
