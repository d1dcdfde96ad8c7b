/*
 * plan/index_hygiene.sql -- keep rows (show_kept) for the indexes
 * campmon.index_hygiene finds duplicate, a prefix of another or unused,
 * with its evidence and advice.  Advice only: campmon never drops an index
 * on this evidence (statistics reset by a crash, a monthly report's query,
 * Campaign's own schema that would create it again), so these rows have no
 * command whatever the arguments.  PL/pgSQL: campmon.index_hygiene is
 * installed after the phases, and a plan without show_kept does not pay
 * for it.
 */

CREATE OR REPLACE FUNCTION campmon._plan_index_hygiene(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    IF NOT coalesce(ctx.show_kept, false) THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT 9, 'keep'::text, h.indexrelid, format('%I.%I', h.schema_name, h.index_name),
           coalesce(i.family, campmon.family_of(h.schema_name, h.table_name)),
           format('index hygiene (campmon.index_hygiene), %s%s: %s; %s scans since %s, %s, maintained by %s row writes of %I since; advice only, campmon never drops an index',
                  h.finding, coalesce(' of ' || h.duplicate_of, ''), h.advice,
                  coalesce(h.idx_scan::text, 'no count of'), to_char(h.stats_since, 'YYYY-MM-DD HH24:MI'),
                  pg_size_pretty(h.index_bytes), coalesce(h.table_writes::text, 'an unknown number of'), h.table_name),
           0::bigint, NULL::text, 0::numeric, NULL::text, h.index_bytes
    FROM campmon._index_hygiene_rows(campmon._seconds('campmon.index_unused_min_age')) h
    LEFT JOIN unnest(ctx.indexes) i ON i.indexrelid = h.indexrelid;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_index_hygiene(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_index_hygiene(campmon._plan_context) TO campmon_reader, pg_monitor;
