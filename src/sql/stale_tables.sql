/*
 * stale_tables.sql -- campmon.stale_tables: every table a workflow,
 * delivery, list or simulation left behind, with its owner's state and
 * the verdict (stale, suspect, in use) that the plan and drop_work_table
 * act on.
 */

-- A work-table rule whose owner table is not safe to read is skipped (its
-- tables judged by age), and campmon.checks says why.  Only the columns the
-- verdict needs are required (owner key, state, deleted, expiry, type); the
-- failed and since columns only add to the reason, and the reason is
-- shorter without them.
CREATE OR REPLACE FUNCTION campmon._rule_problem(r campmon.work_table_rule, schema_name text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
DECLARE
    owner regclass := to_regclass(format('%I.%I', schema_name, r.owner_table));
    col text;
BEGIN
    IF owner IS NULL THEN
        RETURN 'missing';
    END IF;
    FOREACH col IN ARRAY ARRAY[r.owner_key, r.state_column, r.deleted_column, r.expires_column, r.exists_column] LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT campmon._has_column(owner, col) THEN
            RETURN format('%s has no column %s', owner, col);
        END IF;
    END LOOP;
    IF NOT has_table_privilege(owner, 'SELECT') THEN
        RETURN format('%s may not be read by %s', owner, current_user);
    END IF;
    RETURN campmon._unsafe_to_read(owner, ARRAY[r.owner_key, r.state_column, r.deleted_column, r.expires_column,
                                                r.exists_column, r.failed_column, r.since_column]);
END $$;

REVOKE ALL ON FUNCTION campmon._rule_problem(campmon.work_table_rule,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._rule_problem(campmon.work_table_rule,text) TO campmon_reader, pg_monitor;

-- campmon's own catalog queries join and sort one row per relation: with
-- the server's work_mem (often 64MB and more on a Campaign instance) every
-- hash and sort of them could hold that much at 50,000 relations (111 MB
-- for campmon.stale_tables at work_mem = 64MB, 29 MB at 2MB, for the same
-- time).  plan(), _stale_tables() and _checks() run with work_mem = 2MB,
-- which bounds their memory whatever the server's.
CREATE OR REPLACE FUNCTION campmon._stale_tables(only_relid regclass DEFAULT NULL)
RETURNS TABLE (
    relid oid, schema_name text, table_name text, table_kind text, table_owner text,
    rule text, owner_table text, owner_id bigint, owner_state integer, owner_state_label text,
    verdict text, reason text, total_bytes bigint, last_write timestamptz, idle interval)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- the owner lookups join thousands of work tables with thousands of owners;
-- the planner cannot know (CTE and function row estimates), so say it
SET enable_nestloop = off
-- bounded memory whatever the server's work_mem (see plan())
SET work_mem = '2MB'
AS $fn$
DECLARE
    schemas text[];
    min_age interval := campmon._seconds('campmon.stale_min_age');
    ref timestamptz := campmon._reference_time();
    never_owners oid[] := campmon._never_work_table_owners();
    owner regclass;
    name_filter text;
    r campmon.work_table_rule;
    editor_ok text;
    s text;
    k integer := 0;
    ids text := '';
    parts text[] := '{}';
    sql text;
BEGIN
    schemas := campmon._work_table_schemas();

    -- the names a work table may have: one regular expression for the
    -- patterns superusers wrote (or the extension seeded), one per other
    -- editor, which applies only to the tables that editor could drop
    -- itself (it has the privileges of their owner; campaign_config.sql)
    SELECT string_agg(CASE WHEN e.trusted THEN format('c.relname ~ %L', e.re)
                           ELSE format('(c.relname ~ %L AND pg_has_role(%L::name, c.relowner, ''USAGE''))', e.re, e.editor) END,
                      ' OR ')
    INTO name_filter
    FROM (SELECT x.trusted, CASE WHEN x.trusted THEN NULL ELSE x.editor END AS editor,
                 string_agg('(' || x.p || ')', '|') AS re
          FROM (SELECT p, editor, campmon._editor_trusted(editor) AS trusted
                FROM (SELECT f.pattern AS p, f.edited_by AS editor FROM campmon.family f WHERE f.family IN ('work_table', 'list')
                      UNION SELECT w.pattern, w.edited_by FROM campmon.work_table_rule w) y) x
          WHERE x.trusted OR EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = x.editor)
          GROUP BY 1, 2) e;
    IF name_filter IS NULL THEN
        RETURN;
    END IF;

    -- one part per rule and schema whose owner table can be read; the
    -- owner id each such rule reads in a name is computed once, in c0
    FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
        FOREACH s IN ARRAY schemas LOOP
            CONTINUE WHEN campmon._rule_problem(r, s) IS NOT NULL;
            owner := to_regclass(format('%I.%I', s, r.owner_table));
            -- a rule of a role that is not a superuser: only for the tables it could drop
            editor_ok := CASE WHEN campmon._editor_trusted(r.edited_by) THEN 'true'
                              WHEN NOT EXISTS (SELECT FROM pg_roles ro WHERE ro.rolname = r.edited_by) THEN 'false'
                              ELSE format('pg_has_role(%L::name, w.owner_oid, ''USAGE'')', r.edited_by) END;
            k := k + 1;
            ids := ids || format(', CASE WHEN n.nspname = %L THEN campmon._match_id(c.relname, %L, %L) END AS id_%s',
                                 s, r.pattern, campmon._literal_prefix(r.pattern), k);
            parts := parts || format($part$
SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write,
       %1$L::text AS rule, %2$L::text AS owner_table, w.id_%15$s AS owner_id, %3$s AS priority,
       o.%4$I IS NOT NULL AS owner_exists, %17$s AS owner_counts, %18$s AS exists_value,
       %5$s AS state, %6$s AS deleted, %7$s AS failed, %8$s AS since, %19$s AS expires,
       %9$L::int[] AS stale_states, %10$L::int[] AS suspect_states, %11$L::text AS missing_owner,
       %12$L::text AS owner_noun, %13$L::text AS held_advice, %20$L::text AS exists_column
FROM w
LEFT JOIN %14$I.%16$I o ON o.%4$I = w.id_%15$s
WHERE w.id_%15$s IS NOT NULL AND %21$s$part$,
                r.rule, r.owner_table, r.priority, r.owner_key,
                CASE WHEN r.state_column IS NULL THEN 'NULL::integer' ELSE format('o.%I::integer', r.state_column) END,
                CASE WHEN r.deleted_column IS NULL THEN 'false' ELSE format('coalesce(o.%I, 0) <> 0', r.deleted_column) END,
                -- optional columns: absent, the reason only gets shorter
                CASE WHEN r.failed_column IS NULL OR NOT campmon._has_column(owner, r.failed_column) THEN 'false'
                     ELSE format('coalesce(o.%I, 0) <> 0', r.failed_column) END,
                CASE WHEN r.since_column IS NULL OR NOT campmon._has_column(owner, r.since_column) THEN 'NULL::timestamptz'
                     ELSE format('o.%I::timestamptz', r.since_column) END,
                r.stale_states, r.suspect_states, r.missing_owner, r.owner_noun, r.held_advice,
                s, k, r.owner_table,
                CASE WHEN r.exists_column IS NULL THEN 'true' ELSE format('coalesce(o.%I, 0) > 0', r.exists_column) END,
                CASE WHEN r.exists_column IS NULL THEN 'NULL::bigint' ELSE format('o.%I::bigint', r.exists_column) END,
                CASE WHEN r.expires_column IS NULL THEN 'NULL::timestamptz'
                     ELSE format('CASE WHEN o.%1$I::timestamptz <= %2$L::timestamptz THEN o.%1$I::timestamptz END',
                                 r.expires_column, ref) END,
                r.exists_column, editor_ok);
        END LOOP;
    END LOOP;

    sql := format($q$
WITH c0 AS MATERIALIZED (
    SELECT c.oid AS relid, c.reltoastrelid, n.nspname::text AS schema_name, c.relname::text AS table_name,
           CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS table_kind,
           pg_get_userbyid(c.relowner)::text AS table_owner, c.relowner AS owner_oid %5$s
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (%1$L::text[]) AND c.relkind IN ('r', 'v') AND (%2$s)
      -- never a work table: owned by postgres, a superuser or a role of
      -- campmon.never_work_table_owners (the cleanup: relowner <> 'postgres')
      AND c.relowner <> ALL (%6$L::oid[])
      -- one table only (drop_work_table's verdict under its lock)
      AND (%7$L::oid IS NULL OR c.oid = %7$L::oid)
),
-- each work table with its TOAST table and the indexes of both
parts AS (
    SELECT relid, relid AS part FROM c0
    UNION ALL SELECT relid, reltoastrelid FROM c0 WHERE reltoastrelid <> 0
    UNION ALL SELECT c0.relid, i.indexrelid FROM c0 JOIN pg_index i ON i.indrelid = c0.relid
    UNION ALL SELECT c0.relid, i.indexrelid FROM c0 JOIN pg_index i ON i.indrelid = c0.reltoastrelid
),
files AS (
    SELECT p.relid, sum(f.bytes)::bigint AS total_bytes, max(f.last_write) AS last_write
    FROM parts p
    JOIN campmon._relation_files((SELECT array_agg(part) FROM parts)) f ON f.relid = p.part
    GROUP BY p.relid
),
w AS MATERIALIZED (
    SELECT c0.*, coalesce(files.total_bytes, 0) AS total_bytes, files.last_write
    FROM c0 LEFT JOIN files ON files.relid = c0.relid
),
matched AS (
    SELECT DISTINCT ON (relid) * FROM (%3$s) x ORDER BY relid, priority, rule
),
-- labels of the (few) owner states that occur
labels AS (
    SELECT s.owner_table, s.state,
           coalesce((SELECT os.label FROM campmon.owner_state os
                     WHERE os.owner_table = s.owner_table AND s.state BETWEEN os.state_from AND os.state_to
                     ORDER BY os.state_from LIMIT 1), 'state ' || s.state) AS label
    FROM (SELECT DISTINCT owner_table, state FROM matched WHERE state IS NOT NULL) s
)
SELECT m.relid, m.schema_name, m.table_name, m.table_kind, m.table_owner,
       m.rule, m.owner_table, m.owner_id, m.state, l.label,
       v.verdict, v.reason, m.total_bytes, m.last_write, now() - m.last_write
FROM matched m
LEFT JOIN labels l ON l.owner_table = m.owner_table AND l.state = m.state
CROSS JOIN LATERAL (SELECT
    CASE
        WHEN NOT m.owner_exists OR NOT m.owner_counts THEN m.missing_owner
        WHEN m.deleted THEN 'stale'
        WHEN m.expires IS NOT NULL THEN 'stale'
        WHEN m.state = ANY (m.stale_states) THEN 'stale'
        WHEN m.state = ANY (m.suspect_states) THEN 'suspect'
        ELSE 'held'
    END AS verdict,
    CASE
        WHEN NOT m.owner_exists THEN
            format('%%s %%s no longer exists: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
        WHEN NOT m.owner_counts THEN
            format('%%s %%s has %%s = %%s: Campaign''s cleanup counts only owners with %%s > 0 and drops the others'' work tables as orphans',
                   m.owner_noun, m.owner_id, m.exists_column, coalesce(m.exists_value::text, 'NULL'), m.exists_column)
        WHEN m.deleted THEN
            format('%%s %%s is deleted: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
        WHEN m.expires IS NOT NULL THEN
            format('%%s %%s expired on %%s: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id,
                   to_char(m.expires, 'YYYY-MM-DD HH24:MI'))
        WHEN m.state = ANY (m.stale_states) THEN
            format('%%s %%s is %%s: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id,
                   CASE WHEN l.label = 'state ' || m.state THEN l.label ELSE format('%%s (state %%s)', l.label, m.state) END)
        WHEN m.state = ANY (m.suspect_states) THEN
            format('%%s %%s is %%s: Campaign''s cleanup keeps its work tables, but nothing uses them any more', m.owner_noun, m.owner_id,
                   CASE WHEN l.label = 'state ' || m.state THEN l.label ELSE format('%%s (state %%s)', l.label, m.state) END)
        ELSE
            format('held by %%s %%s%%s%%s%%s%%s: %%s',
                   m.owner_noun, m.owner_id,
                   CASE WHEN m.state IS NULL THEN ''
                        WHEN l.label = 'state ' || m.state THEN format(', state %%s', m.state)
                        ELSE format(', %%s (state %%s)', l.label, m.state) END,
                   CASE WHEN m.failed THEN ', in error' ELSE '' END,
                   CASE WHEN m.since IS NOT NULL THEN format(' since %%s', to_char(m.since, 'YYYY-MM-DD HH24:MI')) ELSE '' END,
                   CASE WHEN m.last_write IS NOT NULL THEN format('; not written for %%s', campmon._human(now() - m.last_write)) ELSE '' END,
                   m.held_advice)
    END AS reason) v
UNION ALL
SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner,
       NULL, NULL, NULL, NULL, NULL,
       CASE WHEN w.last_write < now() - %4$L::interval THEN 'suspect' ELSE 'held' END,
       CASE
           WHEN w.last_write IS NULL THEN
               'no owner rule applies and its age is unknown (no file): kept'
           WHEN w.last_write < now() - %4$L::interval THEN
               format('no owner rule applies; not written for %%s (campmon.stale_min_age = %%s): probably dead, check before dropping',
                      campmon._human(now() - w.last_write), campmon._human(%4$L::interval))
           ELSE
               format('no owner rule applies; written %%s ago: kept until unwritten for campmon.stale_min_age (%%s)',
                      campmon._human(now() - w.last_write), campmon._human(%4$L::interval))
       END,
       w.total_bytes, w.last_write, now() - w.last_write
FROM w
WHERE w.relid NOT IN (SELECT relid FROM matched)
$q$,
        schemas, name_filter,
        CASE WHEN cardinality(parts) = 0
             THEN 'SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write, NULL::text AS rule, NULL::text AS owner_table, NULL::bigint AS owner_id, 0 AS priority, false AS owner_exists, false AS owner_counts, NULL::bigint AS exists_value, NULL::integer AS state, false AS deleted, false AS failed, NULL::timestamptz AS since, NULL::timestamptz AS expires, NULL::int[] AS stale_states, NULL::int[] AS suspect_states, NULL::text AS missing_owner, NULL::text AS owner_noun, NULL::text AS held_advice, NULL::text AS exists_column FROM w WHERE false'
             ELSE array_to_string(parts, E'\nUNION ALL\n') END,
        min_age, ids, never_owners, only_relid::oid);
    RETURN QUERY EXECUTE sql;
END $fn$;

REVOKE ALL ON FUNCTION campmon._stale_tables(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._stale_tables(regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.stale_tables AS
SELECT * FROM campmon._stale_tables();

COMMENT ON VIEW campmon.stale_tables IS
'Every work table with its owner, the owner''s state and a verdict: stale (Campaign''s cleanup would drop it), suspect (probably dead), held (kept, and by what); tables of postgres, of superusers and of campmon.never_work_table_owners are never work tables';

REVOKE ALL ON campmon.stale_tables FROM PUBLIC;
GRANT SELECT ON campmon.stale_tables TO campmon_reader, pg_monitor;
