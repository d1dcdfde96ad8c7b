/*
 * checks/maintenance_overdue.sql -- maintenance_overdue: tables that a
 * cadence of campmon.maintenance_cadence (Adobe's "Tables to maintain" and
 * "Types of maintenance", or the DBA's) says should have been re-indexed,
 * rebuilt or vacuumed by now, from campmon's history
 * (campmon._cadence_due).  Bloat thresholds miss a table kept just under
 * them: the cadence does not.  plan() plans what is overdue.
 */

CREATE OR REPLACE FUNCTION campmon._check_maintenance_overdue()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 'maintenance_overdue',
       CASE WHEN d.overdue THEN 'warning' ELSE 'ok' END,
       format('%I.%I %s', d.schema_name, d.table_name, d.maintenance),
       round((extract(epoch FROM now() - d.last_done) / 86400)::numeric, 1),
       round((extract(epoch FROM d.every) / 86400)::numeric, 1),
       format('%s %s; cadence: every %s (%s)',
              format('%I.%I', d.schema_name, d.table_name),
              CASE WHEN d.last_done IS NOT NULL AND d.overdue
                   THEN format('not %s for %s (last: %s)', v.done, campmon._human(now() - d.last_done), d.last_how)
                   WHEN d.last_done IS NOT NULL
                   THEN format('%s %s ago (%s), due again in %s', v.done, campmon._human(now() - d.last_done), d.last_how,
                               campmon._human(d.last_done + d.every - now()))
                   WHEN d.overdue
                   THEN format('not %s in the last %s, as far as campmon''s history tells (it began %s ago)', v.done,
                               campmon._human(d.every), campmon._human(now() - d.history_since))
                   WHEN d.history_since IS NULL
                   THEN format('no %s recorded: campmon has no history of runs yet', v.noun)
                   ELSE format('no %s recorded yet: campmon''s history began %s ago, less than the cadence', v.noun,
                               campmon._human(now() - d.history_since)) END,
              campmon._human(d.every), d.source)
FROM campmon._cadence_due() d
CROSS JOIN LATERAL (SELECT CASE d.maintenance WHEN 'reindex' THEN 're-indexed' WHEN 'rebuild' THEN 'rebuilt'
                                              ELSE 'vacuumed' END AS done,
                           CASE d.maintenance WHEN 'reindex' THEN 're-index' ELSE d.maintenance END AS noun) v $$;

REVOKE ALL ON FUNCTION campmon._check_maintenance_overdue() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_maintenance_overdue() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('maintenance_overdue', 'maintenance',
    'Tables a maintenance cadence (campmon.maintenance_cadence: Adobe''s, or the DBA''s) says should have been re-indexed, rebuilt or vacuumed by now, whatever their bloat; from campmon.history (and PostgreSQL''s last vacuum times); one row per table and maintenance',
    'warning when the last one is older than the cadence, or none is recorded and campmon''s history is older than the cadence; ok otherwise (value: days since the last one, threshold: the cadence in days)',
    '{campmon.maintenance_cadence,campmon.reindex_min_size}',
    'Adobe, "Tables to maintain" (re-index the delivery logs every other week to start with, rebuild them once a month; recreate the Message Center event tables'' indexes and rebuild them regularly) and "Types of maintenance" (re-index frequently updated tables once a week, full rebuilds once a month)',
    'Let campmon.plan() schedule it (it plans overdue re-indexes and rebuilds online: REINDEX CONCURRENTLY, REPACK), or change the cadence in campmon.maintenance_cadence',
    'campmon._check_maintenance_overdue', 150);
