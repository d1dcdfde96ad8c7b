/*
 * cadence_due.sql -- which tables a maintenance cadence
 * (campmon.maintenance_cadence) applies to, when each was last re-indexed,
 * rebuilt or vacuumed, and whether that is overdue: what the check
 * maintenance_overdue reports and what plan() plans below the bloat
 * thresholds.
 *
 * When something was last done comes from campmon's history (a step done by
 * a run that was not a dry run): a table's re-index is as old as its least
 * recently rebuilt B-tree index (REINDEX INDEX CONCURRENTLY of it, found by
 * its name, or a rebuild of the table: REPACK, VACUUM (FULL)); a vacuum
 * also counts PostgreSQL's own record of the table's last manual and
 * automatic vacuum.  What campmon did not see (a rebuild by hand) is not
 * known: when nothing is recorded, a cadence is overdue only once campmon's
 * history is older than the cadence, and the message says "not recorded".
 * Tables smaller than campmon.reindex_min_size are left out (nothing to
 * gain), as are tables of other roles for a cadence a non-superuser wrote
 * and tables the caller may not measure (campmon.tables' rule).
 */

CREATE OR REPLACE FUNCTION campmon._cadence_due()
RETURNS TABLE (relid oid, schema_name text, table_name text, family text, maintenance text,
               every interval, source text, last_done timestamptz, last_how text,
               history_since timestamptz, overdue boolean, due_indexes oid[])
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
#variable_conflict use_column
BEGIN
-- plpgsql: installed before the history's tables (runs.sql), read at run time
RETURN QUERY
-- the steps that count, within the longest cadence (older ones are overdue
-- anyway): not the drops, tens of thousands a night on a neglected database
WITH hist AS MATERIALIZED (
    SELECT s.action, s.target, s.target_relid, max(s.finished_at) AS at
    FROM campmon.run_step s JOIN campmon.run r USING (run_id)
    WHERE s.outcome = 'done' AND NOT r.dry_run
      AND s.action IN ('REINDEX INDEX CONCURRENTLY', 'REPACK', 'VACUUM (FULL)', 'VACUUM', 'VACUUM (FREEZE)')
      AND s.finished_at >= now() - (SELECT coalesce(max(m.every), interval '0') FROM campmon.maintenance_cadence m)
    GROUP BY 1, 2, 3
),
since AS (SELECT min(r.started_at) AS at FROM campmon.run r WHERE NOT r.dry_run),
t AS (
    SELECT c.oid, n.nspname::text AS nsp, c.relname::text AS rel, c.relowner,
           campmon.family_of(n.nspname, c.relname) AS fam
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND n.nspname !~ '^pg_temp_' AND n.nspname <> 'campmon'
      -- the tables the caller may measure (campmon.tables' rule)
      AND (pg_has_role(current_user, 'pg_stat_scan_tables', 'USAGE') OR has_table_privilege(c.oid, 'SELECT'))
),
-- the cadence of each table and maintenance: the lowest priority, then the shortest
applies AS (
    SELECT DISTINCT ON (t.oid, m.maintenance) t.*, m.maintenance, m.every, m.source
    FROM t JOIN campmon.maintenance_cadence m
      ON (m.family = t.fam OR t.rel ~ m.table_pattern)
     AND (campmon._editor_trusted(m.edited_by)
          OR (EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = m.edited_by)
              AND pg_has_role(m.edited_by, t.relowner, 'USAGE')))
    ORDER BY t.oid, m.maintenance, m.priority, m.every NULLS LAST
),
-- large enough to count, from the files: no lock (a table someone holds
-- ACCESS EXCLUSIVE must not make plan() wait), and only for the tables a
-- cadence names
sized AS (
    SELECT a.* FROM applies a
    WHERE campmon._total_bytes(a.oid) >= (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size')
),
rebuilt AS (
    SELECT a.oid, max(h.at) AS at, (array_agg(h.action ORDER BY h.at DESC))[1] AS how
    FROM sized a JOIN hist h ON h.target_relid = a.oid AND h.action IN ('REPACK', 'VACUUM (FULL)')
    GROUP BY a.oid
),
idx AS (
    SELECT a.oid, i.indexrelid,
           greatest((SELECT max(h.at) FROM hist h WHERE h.action = 'REINDEX INDEX CONCURRENTLY'
                     AND h.target = format('%I.%I', a.nsp, ic.relname)),
                    (SELECT rb.at FROM rebuilt rb WHERE rb.oid = a.oid)) AS at
    FROM sized a JOIN pg_index i ON i.indrelid = a.oid AND i.indisvalid
    JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
    WHERE a.maintenance = 'reindex'
),
last AS (
    SELECT a.*,
           CASE a.maintenance
               WHEN 'rebuild' THEN (SELECT rb.at FROM rebuilt rb WHERE rb.oid = a.oid)
               WHEN 'reindex' THEN (SELECT CASE WHEN bool_and(x.at IS NOT NULL) THEN min(x.at) END FROM idx x WHERE x.oid = a.oid)
               ELSE greatest((SELECT max(h.at) FROM hist h WHERE h.target_relid = a.oid
                              AND h.action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'REPACK')),
                             pg_stat_get_last_vacuum_time(a.oid), pg_stat_get_last_autovacuum_time(a.oid)) END AS done_at,
           CASE a.maintenance
               WHEN 'rebuild' THEN (SELECT format('%s (campmon.history)', rb.how) FROM rebuilt rb WHERE rb.oid = a.oid)
               WHEN 'reindex' THEN 'REINDEX of its least recently rebuilt index, or a rebuild of the table (campmon.history)'
               ELSE 'the latest of campmon.history''s VACUUM and PostgreSQL''s last vacuum and autovacuum' END AS how
    FROM sized a
    WHERE a.every IS NOT NULL
      -- nothing to re-index in a table without a B-tree
      AND (a.maintenance <> 'reindex' OR EXISTS (SELECT FROM idx x WHERE x.oid = a.oid))
)
SELECT l.oid, l.nsp, l.rel, l.fam, l.maintenance, l.every, l.source, l.done_at,
       CASE WHEN l.done_at IS NOT NULL THEN l.how END,
       (SELECT at FROM since),
       coalesce(l.done_at, (SELECT at FROM since), 'infinity') < now() - l.every,
       CASE WHEN l.maintenance = 'reindex'
            THEN ARRAY(SELECT x.indexrelid FROM idx x WHERE x.oid = l.oid
                         AND coalesce(x.at, (SELECT at FROM since), 'infinity') < now() - l.every
                       ORDER BY x.indexrelid) END
FROM last l
ORDER BY l.nsp, l.rel, l.maintenance;
END $fn$;

REVOKE ALL ON FUNCTION campmon._cadence_due() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cadence_due() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.maintenance_due AS SELECT * FROM campmon._cadence_due();

COMMENT ON VIEW campmon.maintenance_due IS
'Per table and maintenance a cadence of campmon.maintenance_cadence applies to: when it was last done (campmon.history, PostgreSQL''s last vacuums), and whether it is overdue; plan() plans the overdue ones';

REVOKE ALL ON campmon.maintenance_due FROM PUBLIC;
GRANT SELECT ON campmon.maintenance_due TO campmon_reader, pg_monitor;
