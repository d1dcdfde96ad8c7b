/*
 * autovacuum.sql -- campmon.autovacuum_tables: this database's tables past
 * one of autovacuum's own thresholds, with what autovacuum compares and
 * whether each is in debt (past a vacuum threshold and not vacuumed for
 * longer than campmon.autovacuum_debt_min_age), has autovacuum disabled
 * while it needs it, or has stale statistics.  The checks autovacuum_debt
 * and stale_statistics (checks/autovacuum.sql) and the exporter's
 * campmon_autovacuum metrics read it.
 *
 * The thresholds are autovacuum's (PostgreSQL, "Routine Vacuuming", "The
 * Autovacuum Daemon"): a table is vacuumed when its dead rows pass
 * autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor x
 * reltuples (reltuples counted 0 before the first VACUUM), or its rows
 * inserted since the last vacuum the insert threshold (-1: off); analyzed
 * when its changes since the last ANALYZE pass autovacuum_analyze_threshold
 * + autovacuum_analyze_scale_factor x reltuples; a table's reloptions
 * override each, a TOAST table's toast.* ones, else its table's; TOAST
 * tables and pg_statistic are never analyzed.  Campaign's work tables and
 * lists are left out (dropped, not vacuumed); temporary tables too
 * (autovacuum cannot reach them).  Only the tables the caller may measure.
 */

-- This database's tables past one of their autovacuum thresholds, with
-- what autovacuum compares (only the tables the caller may measure)
CREATE OR REPLACE FUNCTION campmon._autovacuum_tables()
RETURNS TABLE (relid oid, schema_name text, table_name text, label text, is_toast boolean, enabled boolean,
               dead bigint, vacuum_threshold numeric, inserted bigint, insert_threshold numeric,
               changed bigint, analyze_threshold numeric, vacuumed_at timestamptz, analyzed_at timestamptz,
               seen_before timestamptz, in_debt boolean, disabled_with_dead_rows boolean, stale_statistics boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- one snapshot of every table's statistics, read in one go, rather than a
-- lookup in the shared statistics per call (five times faster at 40,000)
SET stats_fetch_consistency = snapshot
AS $$
WITH g AS (
    SELECT current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean AS av_on,
           campmon._seconds('campmon.autovacuum_debt_min_age') AS min_age,
           campmon._setting_num('campmon.stale_statistics_factor') AS factor,
           current_setting('autovacuum_vacuum_threshold')::numeric AS vt,
           current_setting('autovacuum_vacuum_scale_factor')::numeric AS vs,
           current_setting('autovacuum_vacuum_insert_threshold')::numeric AS it,
           current_setting('autovacuum_vacuum_insert_scale_factor')::numeric AS "is",
           current_setting('autovacuum_analyze_threshold')::numeric AS at,
           current_setting('autovacuum_analyze_scale_factor')::numeric AS "as"
),
-- what changed at all: one pass of pg_class and the statistics (tens of
-- thousands of work tables at Campaign: nothing else is computed for a
-- table that did not change)
c AS MATERIALIZED (
    SELECT c.oid, c.relkind, c.relnamespace, c.relname, greatest(c.reltuples, 0)::numeric AS tuples, c.reloptions,
           pg_stat_get_dead_tuples(c.oid) AS dead, pg_stat_get_ins_since_vacuum(c.oid) AS ins,
           CASE WHEN c.relkind <> 't' AND c.oid <> 'pg_catalog.pg_statistic'::regclass
                THEN pg_stat_get_mod_since_analyze(c.oid) END AS mods
    FROM pg_class c
    WHERE c.relkind IN ('r', 'm', 't') AND c.relpersistence <> 't'
),
o AS (
    SELECT c.*, p.relnamespace AS owner_nsp, p.relname AS owner_name,
           -- a TOAST table without reloptions of its own follows its table's
           CASE WHEN c.relkind = 't' AND c.reloptions IS NULL THEN p.reloptions ELSE c.reloptions END AS opts
    FROM c LEFT JOIN pg_class p ON c.relkind = 't' AND p.reltoastrelid = c.oid
    WHERE c.dead > 0 OR c.ins > 0 OR c.mods > 0
),
-- the thresholds, each from the reloptions when set (parsed only then)
t AS (
    SELECT o.*,
           CASE WHEN o.opts IS NULL THEN true
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_enabled')::boolean, true) END AS enabled,
           CASE WHEN o.opts IS NULL THEN g.vt + g.vs * o.tuples
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_threshold')::numeric, g.vt)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_scale_factor')::numeric, g.vs) * o.tuples END AS vthr,
           CASE WHEN o.opts IS NULL THEN CASE WHEN g.it >= 0 THEN g.it + g."is" * o.tuples END
                WHEN coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_threshold')::numeric, g.it) >= 0
                THEN coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_threshold')::numeric, g.it)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_vacuum_insert_scale_factor')::numeric, g."is") * o.tuples END AS ithr,
           CASE WHEN o.opts IS NULL THEN g.at + g."as" * o.tuples
                ELSE coalesce(campmon._reloption(o.opts, 'autovacuum_analyze_threshold')::numeric, g.at)
                     + coalesce(campmon._reloption(o.opts, 'autovacuum_analyze_scale_factor')::numeric, g."as") * o.tuples END AS athr,
           g.av_on, g.min_age, g.factor
    FROM o CROSS JOIN g
),
-- past a threshold: named, Campaign's work tables and lists left out, and
-- what the caller may not measure
f AS (
    SELECT t.*, n.nspname, pn.nspname AS owner_nspname,
           greatest(pg_stat_get_last_vacuum_time(t.oid), pg_stat_get_last_autovacuum_time(t.oid)) AS vacuumed_at,
           greatest(pg_stat_get_last_analyze_time(t.oid), pg_stat_get_last_autoanalyze_time(t.oid)) AS analyzed_at,
           -- the oldest snapshot that already listed it: how long a table
           -- never vacuumed has existed, at least
           (SELECT min(s.taken_at) FROM campmon.snapshot_relation r JOIN campmon.snapshot_taken s ON s.snapshot_id = r.snapshot_id
            WHERE r.schema_name = n.nspname AND r.relation_name = t.relname AND r.relid = t.oid) AS seen_before,
           -- campmon.autovacuum_debt_min_age = 0: at once, whatever the table's age
           CASE WHEN t.min_age <= interval '0' THEN '-infinity'::timestamptz END AS at_once
    FROM t JOIN pg_namespace n ON n.oid = t.relnamespace
    LEFT JOIN pg_namespace pn ON pn.oid = t.owner_nsp
    WHERE (t.dead > t.vthr OR t.ins > t.ithr OR t.mods > t.athr)
      AND coalesce(campmon.family_of(coalesce(pn.nspname, n.nspname), coalesce(t.owner_name, t.relname)), '') NOT IN ('work_table', 'list')
      AND campmon._may_see_figures(t.oid)
)
SELECT f.oid, f.nspname::text, f.relname::text,
       CASE WHEN f.owner_name IS NOT NULL THEN format('%I.%I (TOAST %I.%I)', f.owner_nspname, f.owner_name, f.nspname, f.relname)
            ELSE format('%I.%I', f.nspname, f.relname) END,
       f.relkind = 't', f.enabled,
       f.dead, f.vthr, f.ins, f.ithr, f.mods, f.athr, f.vacuumed_at, f.analyzed_at, f.seen_before,
       -- past a vacuum threshold, autovacuum on for it, and no VACUUM for
       -- longer than campmon.autovacuum_debt_min_age
       coalesce(f.av_on AND f.enabled AND (f.dead > f.vthr OR f.ins > f.ithr)
                AND coalesce(f.vacuumed_at, f.seen_before, f.at_once) < now() - f.min_age, false),
       coalesce(NOT f.enabled AND f.dead > f.vthr, false),
       -- changed since the last ANALYZE by campmon.stale_statistics_factor
       -- times its autoanalyze threshold, for as long
       coalesce(f.mods >= f.factor * f.athr AND coalesce(f.analyzed_at, f.seen_before, f.at_once) < now() - f.min_age, false)
FROM f $$;

REVOKE ALL ON FUNCTION campmon._autovacuum_tables() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._autovacuum_tables() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.autovacuum_tables AS
SELECT * FROM campmon._autovacuum_tables();

COMMENT ON VIEW campmon.autovacuum_tables IS
'Tables past one of autovacuum''s thresholds (dead rows, inserts, changes since ANALYZE; global settings and reloptions), and whether each is in debt, has autovacuum disabled while it needs it, or has stale statistics';

REVOKE ALL ON campmon.autovacuum_tables FROM PUBLIC;
GRANT SELECT ON campmon.autovacuum_tables TO campmon_reader, pg_monitor;
