/*
 * checks/wraparound.sql -- xid_wraparound and multixact_wraparound: every
 * database's age, and this database's oldest table's (TOAST tables
 * included, each with its own freeze age from its reloptions), against the
 * age at which autovacuum must freeze it, VACUUM's failsafe and the limit
 * where the server stops assigning IDs (campmon.wraparound); the IDs left
 * and, at the pace campmon's snapshots have seen, the days left.
 * PostgreSQL's "Routine Vacuuming" chapter ("Preventing Transaction ID
 * Wraparound Failures", "Multixacts and Wraparound"); check_postgres'
 * txn_wraparound action watches the databases' transaction ages.
 */

CREATE OR REPLACE FUNCTION campmon._check_wraparound()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    warn_pct numeric := campmon._setting_num('campmon.wraparound_warning_pct');
    crit_days numeric := campmon._setting_num('campmon.wraparound_critical_days');
BEGIN
    -- (campmon.wraparound is installed after the checks: plpgsql finds it
    -- when called)
    RETURN QUERY
    SELECT CASE w.counter WHEN 'xid' THEN 'xid_wraparound' ELSE 'multixact_wraparound' END,
           CASE WHEN w.age >= w.failsafe_age OR (w.age > w.freeze_max_age AND w.days_left < crit_days) THEN 'critical'
                WHEN w.age >= warn_pct / 100 * w.freeze_max_age THEN 'warning'
                ELSE 'ok' END,
           CASE WHEN w.scope = 'database' THEN 'database ' || w.name ELSE w.name END,
           w.age::numeric, round(warn_pct / 100 * w.freeze_max_age),
           format('%s %s is %s %s old: %s%% of %s (%s)%s; VACUUM''s failsafe at %s, the server stops assigning them at %s: %s left%s%s (value and threshold in %s)',
                  CASE WHEN w.scope = 'database' THEN 'database' ELSE 'table' END, w.name, w.age,
                  CASE w.counter WHEN 'xid' THEN 'transaction IDs' ELSE 'multixact IDs' END,
                  round(100.0 * w.age / w.freeze_max_age),
                  CASE WHEN w.scope = 'table' AND w.freeze_max_age < CASE w.counter WHEN 'xid' THEN current_setting('autovacuum_freeze_max_age')::bigint
                                                                           ELSE current_setting('autovacuum_multixact_freeze_max_age')::bigint END
                       THEN 'its own freeze age in its reloptions'
                       WHEN w.counter = 'xid' THEN 'autovacuum_freeze_max_age' ELSE 'autovacuum_multixact_freeze_max_age' END,
                  w.freeze_max_age,
                  CASE WHEN w.age > w.freeze_max_age THEN ', past the age at which autovacuum must freeze it: it is not keeping up' ELSE '' END,
                  w.failsafe_age, w.stop_age, w.remaining,
                  CASE WHEN w.days_left IS NOT NULL THEN format(', %s days at the snapshots'' pace (%s a day)', w.days_left, w.per_day)
                       ELSE '' END,
                  CASE WHEN w.note IS NOT NULL THEN format(' (%s)', w.note) ELSE '' END,
                  CASE w.counter WHEN 'xid' THEN 'transactions' ELSE 'multixacts' END)
    FROM (SELECT x.*, row_number() OVER (PARTITION BY x.counter, x.scope ORDER BY x.age DESC, x.name) AS n
          FROM campmon.wraparound x) w
    -- every database; this database's oldest table (campmon.wraparound
    -- lists a few more)
    WHERE w.scope = 'database' OR w.n = 1
    ORDER BY w.counter DESC, w.scope, w.name;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_wraparound() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_wraparound() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('xid_wraparound', 'wraparound',
    'Transaction-ID age of every database (age(datfrozenxid)) and of this database''s oldest table, TOAST tables included (age(relfrozenxid)), against its freeze age (autovacuum_freeze_max_age, or the table''s own lower autovacuum_freeze_max_age), vacuum_failsafe_age and the limit where the server stops assigning transaction IDs (about 2.1 billion); the IDs and days left (campmon.wraparound)',
    'critical past VACUUM''s failsafe age, or past the freeze age with fewer than campmon.wraparound_critical_days days left at the pace of campmon''s snapshots; warning past campmon.wraparound_warning_pct percent of the freeze age; ok otherwise',
    '{campmon.wraparound_warning_pct,campmon.wraparound_critical_days}',
    'PostgreSQL, "Routine Vacuuming", "Preventing Transaction ID Wraparound Failures" (autovacuum freezes a table at autovacuum_freeze_max_age; the server refuses new transactions a few million IDs before the wrap); check_postgres'' txn_wraparound action',
    'Freeze the oldest tables: campmon.plan() plans VACUUM (FREEZE) for them (CALL campmon.run_plan(dry_run => false, actions => ARRAY[''VACUUM (FREEZE)''])); find what keeps autovacuum from finishing: campmon.vacuum_blockers (an old snapshot or slot stops freezing at its age), autovacuum_debt, a temporary table of a dead session (drop it)',
    'campmon._check_wraparound', 143);
SELECT campmon._register_check('multixact_wraparound', 'wraparound',
    'Multixact age of every database (mxid_age(datminmxid)) and of this database''s oldest table, TOAST tables included (mxid_age(relminmxid)), against autovacuum_multixact_freeze_max_age (or the table''s own), vacuum_multixact_failsafe_age and the limit; the IDs and days left (campmon.wraparound). Row locks taken by several transactions at once (foreign keys, SELECT ... FOR SHARE) use multixacts',
    'critical past VACUUM''s multixact failsafe age, or past the freeze age with fewer than campmon.wraparound_critical_days days left; warning past campmon.wraparound_warning_pct percent of the freeze age; ok otherwise',
    '{campmon.wraparound_warning_pct,campmon.wraparound_critical_days}',
    'PostgreSQL, "Routine Vacuuming", "Multixacts and Wraparound" (autovacuum freezes a table at autovacuum_multixact_freeze_max_age, earlier when the members'' storage fills)',
    'Freeze the oldest tables (campmon.plan() plans VACUUM (FREEZE) for them); find what keeps autovacuum from finishing (campmon.vacuum_blockers, autovacuum_debt)',
    'campmon._check_wraparound', 144);
