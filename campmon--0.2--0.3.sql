/* campmon--0.2--0.3.sql: Campaign knowledge -- table families, stale work
   tables, relation file facts and the campmon.checks alerts */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION campmon UPDATE TO '0.3'" to load this file. \quit

------------------------------------------------------------------------------
-- C functions: library version, relation file facts
------------------------------------------------------------------------------

CREATE FUNCTION campmon.version() RETURNS text
AS 'MODULE_PATHNAME', 'campmon_version'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION campmon.version() IS 'Version of the campmon library';

CREATE FUNCTION campmon.relation_last_write(rel regclass) RETURNS timestamptz
AS 'MODULE_PATHNAME', 'campmon_relation_last_write'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;
COMMENT ON FUNCTION campmon.relation_last_write(regclass) IS
'When the files of a relation were last written (NULL for a relation without files)';

-- Size of every fork and segment and newest modification time of one
-- relation's files, from its pg_class fields: no lock, no catalog lookup.
CREATE FUNCTION campmon._relfile_stats(
    relid oid, relfilenode oid, reltablespace oid, relkind "char",
    relpersistence "char", relnamespace oid,
    OUT bytes bigint, OUT last_write timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_relfile_stats'
LANGUAGE C STRICT VOLATILE PARALLEL SAFE;

-- A duration for messages: "5 days 2 h", "3 h 20 min", "12 min".
CREATE FUNCTION campmon._human(i interval) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_human'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The facts of many relations, in one pass over pg_class.
CREATE FUNCTION campmon._relation_files(relids oid[])
RETURNS TABLE (relid oid, bytes bigint, last_write timestamptz)
AS 'MODULE_PATHNAME', 'campmon_relation_files'
LANGUAGE C VOLATILE PARALLEL SAFE;

-- The literal text every match of an anchored pattern starts with
-- ('^wkdlv_([0-9]+)_' -> 'wkdlv_'), '' when there is none, and the same as a
-- LIKE pattern ('wkdlv\_%'): cheap filters before the regular expression,
-- never a different answer.
CREATE FUNCTION campmon._literal_prefix(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce((regexp_match(pattern, '^\^([A-Za-z0-9_]+)(?![*+?{])'))[1], '') $$;

CREATE FUNCTION campmon._like_prefix(pattern text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT replace(campmon._literal_prefix(pattern), '_', '\_') || '%' $$;

-- The owner id in a work-table name: the pattern's first group, if 1 to 18
-- digits (C: called for every work table and rule).
CREATE FUNCTION campmon._match_id(name text, pattern text, prefix text) RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_match_id'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- A campmon GUC counted in seconds (loads the library so that it exists).
CREATE FUNCTION campmon._seconds(name text) RETURNS interval
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN make_interval(secs => (SELECT setting::double precision FROM pg_settings s WHERE s.name = $1));
END $$;

-- "Now" for Campaign dates: campmon.reference_time when set.
CREATE FUNCTION campmon._reference_time() RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN coalesce(nullif(current_setting('campmon.reference_time'), '')::timestamptz, now());
END $$;

------------------------------------------------------------------------------
-- Configuration: Campaign knowledge as data.  Seeded rows (seeded = true)
-- come with the extension and are not dumped; rows a DBA adds are dumped
-- with the database (pg_extension_config_dump) and restored.  To change a
-- seeded rule, add your own row with a lower priority number.
------------------------------------------------------------------------------

CREATE FUNCTION campmon._valid_regex(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$ SELECT ('' ~ pattern) IS NOT NULL $$;

CREATE TABLE campmon.family (
    family       text NOT NULL CHECK (family ~ '^[a-z_]+$'),
    pattern      text NOT NULL CHECK (campmon._valid_regex(pattern)),
    schema_name  text,
    priority     integer NOT NULL DEFAULT 100,
    high_churn   boolean NOT NULL DEFAULT false,
    description  text,
    seeded       boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX family_rule ON campmon.family (pattern, coalesce(schema_name, ''));
COMMENT ON TABLE campmon.family IS
'Table families by name pattern (regular expression on the table name); first match by priority wins; schema_name NULL: any schema but pg_catalog, information_schema, pg_toast';

INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn, description, seeded) VALUES
 ('broadlog',   '^nmsbroadlog',        NULL, 10, true,  'delivery logs: one row per message, purged by date', true),
 ('tracking',   '^nmstrackinglog',     NULL, 10, true,  'tracking logs: one row per open or click, purged by date', true),
 ('tracking',   '^nmstrackingurl',     NULL, 10, false, 'tracked URLs', true),
 ('delivery',   '^nmsdelivery',        NULL, 10, true,  'deliveries, their parts and statistics: few rows, frequent updates', true),
 ('delivery',   '^nmsmirrorpage',      NULL, 10, true,  'mirror pages of delivered messages', true),
 ('delivery',   '^nmsemailerrorstat',  NULL, 10, false, 'email error statistics', true),
 ('workflow',   '^xtkworkflow',        NULL, 10, true,  'workflow engine: workflows, tasks, jobs, events, logs', true),
 ('workflow',   '^xtkjob',             NULL, 10, true,  'jobs and their logs', true),
 ('recipient',  '^nmsaddress$',        NULL, 10, true,  'quarantined addresses', true),
 ('recipient',  '^nmsrecipient',       NULL, 10, false, 'recipients', true),
 ('work_table', '^wkf',                NULL, 20, false, 'workflow work tables (wkf<id>_..., wkfhisto<id>...)', true),
 ('work_table', '^wkdlv_',             NULL, 20, false, 'delivery work tables (wkdlv_<id>_<n>)', true),
 ('work_table', '^wksimu_',            NULL, 20, false, 'simulation work tables (wksimu_<id>_...)', true),
 ('list',       '^grp[0-9]+$',         NULL, 20, false, 'list tables (grp<groupId>)', true),
 ('catalog',    '^pg_(class|attribute|type|depend|statistic)$', 'pg_catalog', 10, true,
                'system catalogs that work-table churn bloats', true),
 ('catalog',    '.',                   'pg_catalog', 50, false, 'other system catalogs', true),
 ('catalog',    '.',                   'information_schema', 50, false, 'information schema', true);

CREATE TABLE campmon.work_table_rule (
    rule            text PRIMARY KEY CHECK (rule ~ '^[a-z_]+$'),
    pattern         text NOT NULL CHECK (campmon._valid_regex(pattern)),
    owner_table     text NOT NULL,
    owner_noun      text NOT NULL,
    owner_key       text NOT NULL,
    state_column    text,
    deleted_column  text,
    failed_column   text,
    since_column    text,
    stale_states    integer[] NOT NULL DEFAULT '{}',
    suspect_states  integer[] NOT NULL DEFAULT '{}',
    missing_owner   text NOT NULL DEFAULT 'stale' CHECK (missing_owner IN ('stale', 'suspect', 'held')),
    held_advice     text,
    priority        integer NOT NULL DEFAULT 100,
    description     text,
    seeded          boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE campmon.work_table_rule IS
'Work tables and their owners: pattern is a regular expression on the table name whose first group is the owner id; the owner''s state decides the verdict';

INSERT INTO campmon.work_table_rule
 (rule, pattern, owner_table, owner_noun, owner_key, state_column, deleted_column, failed_column, since_column,
  stale_states, suspect_states, missing_owner, held_advice, priority, description, seeded) VALUES
 ('workflow_history', '^wkfhisto([0-9]+)', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified',
  '{}', '{}', 'stale', 'it holds the incremental query history of a live workflow; it goes when the workflow is deleted',
  10, 'incremental-query history of a workflow: dropped only once the workflow is deleted', true),
 ('workflow', '^wkf([0-9]+)_', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified',
  '{20}', '{}', 'stale', 'resume or stop the workflow (and fix its error) so that the cleanup can drop its work tables',
  20, 'workflow work tables: dropped unless the workflow exists and is not finished (istate 20)', true),
 ('delivery', '^wkdlv_([0-9]+)_', 'nmsdelivery', 'delivery', 'ideliveryid', 'istate', 'ideletestatus', NULL, 'tslastmodified',
  '{0,85,100}', '{95}', 'stale', 'let the delivery finish, or fix or delete it if it failed, so that the cleanup can drop its work tables',
  20, 'delivery work tables: dropped unless the delivery exists, is not deleted and is not in state 0, 85 or 100', true),
 ('list', '^grp([0-9]+)$', 'nmsgroup', 'list', 'igroupid', NULL, NULL, NULL, 'tslastmodified',
  '{}', '{}', 'stale', 'delete the list when it is no longer needed',
  20, 'list tables: dropped once the list is deleted', true),
 ('simulation', '^wksimu_([0-9]+)_', 'nmssimulation', 'simulation', 'isimulationid', 'istate', NULL, NULL, 'tslastmodified',
  '{}', '{}', 'stale', 'delete the simulation when it is no longer needed',
  20, 'simulation work tables: dropped once the simulation is deleted', true);

CREATE TABLE campmon.owner_state (
    owner_table  text NOT NULL,
    state_from   integer NOT NULL,
    state_to     integer NOT NULL,
    label        text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (owner_table, state_from),
    CHECK (state_from <= state_to)
);
COMMENT ON TABLE campmon.owner_state IS 'Labels of the owners'' state codes';

INSERT INTO campmon.owner_state VALUES
 ('xtkworkflow', 0, 0, 'being edited', true),
 ('xtkworkflow', 11, 11, 'started', true),
 ('xtkworkflow', 13, 13, 'paused', true),
 ('xtkworkflow', 20, 20, 'finished', true),
 ('nmsdelivery', 0, 0, 'being edited', true),
 ('nmsdelivery', 1, 50, 'in preparation', true),
 ('nmsdelivery', 51, 75, 'start pending, in progress, in recovery, pause requested or paused', true),
 ('nmsdelivery', 85, 85, 'stopped', true),
 ('nmsdelivery', 95, 95, 'finished', true),
 ('nmsdelivery', 100, 100, 'deleted', true);

CREATE TABLE campmon.purge_rule (
    pattern        text PRIMARY KEY CHECK (campmon._valid_regex(pattern)),
    date_column    text NOT NULL,
    option_name    text NOT NULL,
    default_delay  interval NOT NULL,
    seeded         boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE campmon.purge_rule IS
'Log tables Campaign''s cleanup purges by date: the date column, the xtkoption holding the delay (seconds) and the delay assumed when the option is absent';

INSERT INTO campmon.purge_rule VALUES
 ('^nmsbroadlog',    'tslastmodified', 'NmsCleanup_BroadLogPurgeDelay',    '180 days', true),
 ('^nmstrackinglog', 'tslog',          'NmsCleanup_TrackingLogPurgeDelay', '180 days', true);

SELECT pg_catalog.pg_extension_config_dump('campmon.family', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('campmon.work_table_rule', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('campmon.owner_state', 'WHERE NOT seeded');
SELECT pg_catalog.pg_extension_config_dump('campmon.purge_rule', 'WHERE NOT seeded');

------------------------------------------------------------------------------
-- Families
------------------------------------------------------------------------------

CREATE FUNCTION campmon.family_of(schema_name text, table_name text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(
        (SELECT f.family FROM campmon.family f
         WHERE (f.schema_name = $1
                OR (f.schema_name IS NULL AND $1 NOT IN ('pg_catalog', 'information_schema')
                    AND $1 !~ '^pg_toast'))
           AND $2 ~ f.pattern
         ORDER BY f.priority, f.pattern
         LIMIT 1),
        'other')
$$;
COMMENT ON FUNCTION campmon.family_of(text, text) IS 'Campaign family of a table name (campmon.family), else other';

-- campmon.tables and campmon.indexes gain the family, as their last column
CREATE OR REPLACE VIEW campmon.tables AS
SELECT
    c.oid                                   AS relid,
    n.nspname::text                         AS schema_name,
    c.relname::text                         AS table_name,
    b.method,
    b.is_estimate,
    b.table_bytes,
    COALESCE(b.toast_bytes, 0)              AS toast_bytes,
    pg_catalog.pg_indexes_size(c.oid)       AS indexes_bytes,
    pg_catalog.pg_total_relation_size(c.oid) AS total_bytes,
    b.live_tuples,
    b.dead_tuples,
    b.live_bytes,
    b.dead_bytes,
    b.free_bytes,
    b.min_bytes,
    b.bloat_bytes,
    round(b.bloat_pct::numeric, 2)          AS bloat_pct,
    round(b.bloat_pct_low::numeric, 2)      AS bloat_pct_low,
    round(b.bloat_pct_high::numeric, 2)     AS bloat_pct_high,
    b.toast_bloat_bytes,
    round(b.toast_bloat_pct::numeric, 2)    AS toast_bloat_pct,
    s.n_live_tup,
    s.n_dead_tup,
    s.n_mod_since_analyze,
    s.last_vacuum,
    s.last_autovacuum,
    s.last_analyze,
    s.last_autoanalyze,
    s.vacuum_count,
    s.autovacuum_count,
    s.analyze_count,
    s.autoanalyze_count,
    campmon.family_of(n.nspname, c.relname) AS family
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL campmon.try_table_bloat(
    c.oid,
    COALESCE(pg_catalog.current_setting('campmon.tables_mode', true), 'stats')) b
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind = 'r'
  AND (c.relpersistence <> 't' OR c.relnamespace = pg_catalog.pg_my_temp_schema());

CREATE OR REPLACE VIEW campmon.indexes AS
SELECT
    i.oid                                     AS indexrelid,
    n.nspname::text                           AS schema_name,
    i.relname::text                           AS index_name,
    x.indrelid                                AS table_relid,
    t.relname::text                           AS table_name,
    b.access_method,
    b.method,
    b.is_estimate,
    x.indisvalid                              AS is_valid,
    x.indisready                              AS is_ready,
    x.indisprimary                            AS is_primary,
    x.indisunique                             AS is_unique,
    con.conname::text                         AS constraint_name,
    b.index_bytes,
    b.tree_level,
    b.leaf_pages,
    b.internal_pages,
    b.empty_pages,
    b.deleted_pages,
    round(b.avg_leaf_density::numeric, 2)     AS avg_leaf_density,
    round(b.leaf_fragmentation::numeric, 2)   AS leaf_fragmentation,
    b.leaf_items,
    b.min_bytes,
    b.bloat_bytes,
    round(b.bloat_pct::numeric, 2)            AS bloat_pct,
    round(b.bloat_pct_low::numeric, 2)        AS bloat_pct_low,
    round(b.bloat_pct_high::numeric, 2)       AS bloat_pct_high,
    s.idx_scan,
    s.idx_tup_read,
    s.idx_tup_fetch,
    campmon.family_of(tn.nspname, t.relname)  AS family
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
CROSS JOIN LATERAL campmon.try_index_bloat(
    x.indexrelid,
    COALESCE(pg_catalog.current_setting('campmon.indexes_mode', true), 'stats')) b
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_catalog.pg_stat_all_indexes s ON s.indexrelid = x.indexrelid
WHERE i.relkind = 'i'
  AND (i.relpersistence <> 't' OR i.relnamespace = pg_catalog.pg_my_temp_schema());

------------------------------------------------------------------------------
-- Stale work tables
------------------------------------------------------------------------------

-- Why a work-table rule cannot be applied in a schema (NULL: it can): its
-- owner table is missing (the rule is then simply skipped), lacks a column
-- the rule names, or may not be read by the caller.
CREATE FUNCTION campmon._rule_problem(r campmon.work_table_rule, schema_name text)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner regclass := to_regclass(format('%I.%I', schema_name, r.owner_table));
    col text;
BEGIN
    IF owner IS NULL THEN
        RETURN 'missing';
    END IF;
    FOREACH col IN ARRAY ARRAY[r.owner_key, r.state_column, r.deleted_column, r.failed_column, r.since_column] LOOP
        CONTINUE WHEN col IS NULL;
        IF NOT EXISTS (SELECT FROM pg_attribute a
                       WHERE a.attrelid = owner AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) THEN
            RETURN format('%s has no column %s', owner, col);
        END IF;
    END LOOP;
    IF NOT has_table_privilege(owner, 'SELECT') THEN
        RETURN format('%s may not be read by %s', owner, current_user);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION campmon._stale_tables()
RETURNS TABLE (
    relid oid, schema_name text, table_name text, table_kind text, table_owner text,
    rule text, owner_table text, owner_id bigint, owner_state integer, owner_state_label text,
    verdict text, reason text, total_bytes bigint, last_write timestamptz, idle interval)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
-- the owner lookups join thousands of work tables with thousands of owners;
-- the planner cannot know (CTE and function row estimates), so say it
SET enable_nestloop = off
AS $fn$
DECLARE
    schemas text[];
    min_age interval := campmon._seconds('campmon.stale_min_age');
    work_re text;
    r campmon.work_table_rule;
    s text;
    k integer := 0;
    ids text := '';
    parts text[] := '{}';
    sql text;
BEGIN
    schemas := string_to_array(replace(current_setting('campmon.work_table_schemas'), ' ', ''), ',');

    -- one regular expression for every name a work table may have
    SELECT string_agg('(' || p || ')', '|') INTO work_re
    FROM (SELECT f.pattern AS p FROM campmon.family f WHERE f.family IN ('work_table', 'list')
          UNION SELECT w.pattern FROM campmon.work_table_rule w) x;
    IF work_re IS NULL THEN
        RETURN;
    END IF;

    -- one part per rule and schema whose owner table can be read; the
    -- owner id each such rule reads in a name is computed once, in c0
    FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
        FOREACH s IN ARRAY schemas LOOP
            CONTINUE WHEN campmon._rule_problem(r, s) IS NOT NULL;
            k := k + 1;
            ids := ids || format(', CASE WHEN n.nspname = %L THEN campmon._match_id(c.relname, %L, %L) END AS id_%s',
                                 s, r.pattern, campmon._literal_prefix(r.pattern), k);
            parts := parts || format($part$
SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write,
       %1$L::text AS rule, %2$L::text AS owner_table, w.id_%15$s AS owner_id, %3$s AS priority,
       o.%4$I IS NOT NULL AS owner_exists,
       %5$s AS state, %6$s AS deleted, %7$s AS failed, %8$s AS since,
       %9$L::int[] AS stale_states, %10$L::int[] AS suspect_states, %11$L::text AS missing_owner,
       %12$L::text AS owner_noun, %13$L::text AS held_advice
FROM w
LEFT JOIN %14$I.%16$I o ON o.%4$I = w.id_%15$s
WHERE w.id_%15$s IS NOT NULL$part$,
                r.rule, r.owner_table, r.priority, r.owner_key,
                CASE WHEN r.state_column IS NULL THEN 'NULL::integer' ELSE format('o.%I::integer', r.state_column) END,
                CASE WHEN r.deleted_column IS NULL THEN 'false' ELSE format('coalesce(o.%I, 0) <> 0', r.deleted_column) END,
                CASE WHEN r.failed_column IS NULL THEN 'false' ELSE format('coalesce(o.%I, 0) <> 0', r.failed_column) END,
                CASE WHEN r.since_column IS NULL THEN 'NULL::timestamptz' ELSE format('o.%I::timestamptz', r.since_column) END,
                r.stale_states, r.suspect_states, r.missing_owner, r.owner_noun, r.held_advice,
                s, k, r.owner_table);
        END LOOP;
    END LOOP;

    sql := format($q$
WITH c0 AS MATERIALIZED (
    SELECT c.oid AS relid, c.reltoastrelid, n.nspname::text AS schema_name, c.relname::text AS table_name,
           CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END AS table_kind,
           pg_get_userbyid(c.relowner)::text AS table_owner %5$s
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY (%1$L::text[]) AND c.relkind IN ('r', 'v') AND c.relname ~ %2$L
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
        WHEN NOT m.owner_exists THEN m.missing_owner
        WHEN m.deleted THEN 'stale'
        WHEN m.state = ANY (m.stale_states) THEN 'stale'
        WHEN m.state = ANY (m.suspect_states) THEN 'suspect'
        ELSE 'held'
    END AS verdict,
    CASE
        WHEN NOT m.owner_exists THEN
            format('%%s %%s no longer exists: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
        WHEN m.deleted THEN
            format('%%s %%s is deleted: Campaign''s cleanup drops its work tables', m.owner_noun, m.owner_id)
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
        schemas, work_re,
        CASE WHEN cardinality(parts) = 0
             THEN 'SELECT w.relid, w.schema_name, w.table_name, w.table_kind, w.table_owner, w.total_bytes, w.last_write, NULL::text AS rule, NULL::text AS owner_table, NULL::bigint AS owner_id, 0 AS priority, false AS owner_exists, NULL::integer AS state, false AS deleted, false AS failed, NULL::timestamptz AS since, NULL::int[] AS stale_states, NULL::int[] AS suspect_states, NULL::text AS missing_owner, NULL::text AS owner_noun, NULL::text AS held_advice FROM w WHERE false'
             ELSE array_to_string(parts, E'\nUNION ALL\n') END,
        min_age, ids);
    RETURN QUERY EXECUTE sql;
END $fn$;

CREATE VIEW campmon.stale_tables AS
SELECT * FROM campmon._stale_tables();
COMMENT ON VIEW campmon.stale_tables IS
'Every work table with its owner, the owner''s state and a verdict: stale (Campaign''s cleanup would drop it), suspect (probably dead), held (kept, and by what)';

------------------------------------------------------------------------------
-- Checks: alert rows for pg_cron jobs, BI tiles and monitoring probes
------------------------------------------------------------------------------

CREATE FUNCTION campmon._checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    schemas text[];
    ref timestamptz := campmon._reference_time();
    max_age interval := campmon._seconds('campmon.cleanup_max_age');
    held_idle interval := campmon._seconds('campmon.held_max_idle');
    warn_pct numeric := current_setting('campmon.bloat_warning_pct')::numeric;
    crit_pct numeric := current_setting('campmon.bloat_critical_pct')::numeric;
    stale_crit integer := current_setting('campmon.stale_tables_critical')::integer;
    s text;
    opt regclass;
    wf regclass;
    v text;
    ts timestamptz;
    rec record;
    r campmon.work_table_rule;
    problem text;
    n bigint;
    b bigint;
    has_campaign boolean := false;
BEGIN
    schemas := string_to_array(replace(current_setting('campmon.work_table_schemas'), ' ', ''), ',');

    FOREACH s IN ARRAY schemas LOOP
        opt := to_regclass(format('%I.xtkoption', s));
        wf := to_regclass(format('%I.xtkworkflow', s));
        CONTINUE WHEN opt IS NULL AND wf IS NULL AND to_regclass(format('%I.nmsdelivery', s)) IS NULL;
        has_campaign := true;

        -- the cleanup workflow's last run
        IF opt IS NOT NULL THEN
            BEGIN
                EXECUTE format('SELECT sstringvalue FROM %s WHERE sname = %L', opt, 'NmsCleanup_LastCleanup') INTO v;
                IF v IS NULL THEN
                    RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s.NmsCleanup_LastCleanup', opt), NULL::numeric,
                        round(extract(epoch FROM max_age) / 3600), 'the cleanup has never recorded a run (option NmsCleanup_LastCleanup is absent)';
                ELSE
                    ts := v::timestamptz;
                    RETURN QUERY SELECT 'cleanup_last_run',
                        CASE WHEN ref - ts > 3 * max_age THEN 'critical' WHEN ref - ts > max_age THEN 'warning' ELSE 'ok' END,
                        format('%s.NmsCleanup_LastCleanup', opt),
                        round((extract(epoch FROM ref - ts) / 3600)::numeric, 1),
                        round((extract(epoch FROM max_age) / 3600)::numeric, 1),
                        format('the cleanup last ran %s ago (%s; value and threshold in hours, campmon.cleanup_max_age)',
                               campmon._human(ref - ts), v);
                END IF;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_last_run', 'warning', format('%s.NmsCleanup_LastCleanup', opt), NULL::numeric, NULL::numeric,
                    format('cannot read the last cleanup time: %s', SQLERRM);
            END;

            -- statistics skipped by the cleanup
            BEGIN
                EXECUTE format('SELECT sstringvalue FROM %s WHERE sname = %L', opt, 'XtkCleanup_NoStats') INTO v;
                RETURN QUERY SELECT 'cleanup_statistics',
                    CASE WHEN trim(v) IN ('1', '2') THEN 'warning' ELSE 'ok' END,
                    format('%s.XtkCleanup_NoStats', opt), nullif(trim(coalesce(v, '0')), '')::numeric, 0::numeric,
                    CASE trim(v)
                        WHEN '1' THEN 'the cleanup skips its VACUUM ANALYZE (XtkCleanup_NoStats = 1): statistics and free space are left to autovacuum'
                        WHEN '2' THEN 'the cleanup runs ANALYZE only, no VACUUM (XtkCleanup_NoStats = 2)'
                        ELSE 'the cleanup runs its VACUUM ANALYZE' END;
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'cleanup_statistics', 'warning', format('%s.XtkCleanup_NoStats', opt), NULL::numeric, NULL::numeric,
                    format('cannot read option XtkCleanup_NoStats: %s', SQLERRM);
            END;
        END IF;

        -- the cleanup workflow itself
        IF wf IS NOT NULL THEN
            problem := campmon._rule_problem((SELECT x FROM campmon.work_table_rule x WHERE x.rule = 'workflow'), s);
            IF problem IS NOT NULL AND problem <> 'missing' THEN
                NULL;   -- reported by the campaign_schema check below
            ELSE
                BEGIN
                    EXECUTE format('SELECT istate::integer AS istate, coalesce(ifailed, 0)::integer AS ifailed FROM %s WHERE sinternalname = %L', wf, 'cleanup')
                        INTO rec;
                    IF rec IS NULL THEN
                        RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s cleanup', wf), NULL::numeric, NULL::numeric,
                            'no workflow named cleanup: is the Database cleanup workflow installed?';
                    ELSE
                        RETURN QUERY SELECT 'cleanup_workflow',
                            CASE WHEN rec.ifailed <> 0 OR rec.istate IN (13, 20) THEN 'critical'
                                 WHEN rec.istate = 11 THEN 'ok' ELSE 'warning' END,
                            format('%s cleanup', wf), rec.istate::numeric, 11::numeric,
                            format('the Database cleanup workflow is %s (state %s)%s%s',
                                   coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                             AND rec.istate BETWEEN os.state_from AND os.state_to LIMIT 1), 'in state ' || rec.istate),
                                   rec.istate,
                                   CASE WHEN rec.ifailed <> 0 THEN ', in error: its later tasks do not run, so work tables and bloat accumulate' ELSE '' END,
                                   CASE WHEN rec.istate IN (13, 20) AND rec.ifailed = 0 THEN ': nothing is purged or dropped until it runs again' ELSE '' END);
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    RETURN QUERY SELECT 'cleanup_workflow', 'warning', format('%s cleanup', wf), NULL::numeric, NULL::numeric,
                        format('cannot read the cleanup workflow: %s', SQLERRM);
                END;
            END IF;
        END IF;

        -- work-table rules that cannot be applied: their tables are judged by age
        FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
            problem := campmon._rule_problem(r, s);
            IF problem IS NOT NULL AND problem <> 'missing' THEN
                RETURN QUERY SELECT 'campaign_schema', 'warning', format('%I.%I', s, r.owner_table), NULL::numeric, NULL::numeric,
                    format('work-table rule %s is skipped: %s; its work tables are judged by age only', r.rule, problem);
            END IF;
        END LOOP;

        -- purge backlog of the log tables
        FOR rec IN
            SELECT c.oid::regclass AS rel, p.date_column, p.option_name, p.default_delay
            FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
            JOIN LATERAL (SELECT * FROM campmon.purge_rule pr WHERE c.relname ~ pr.pattern ORDER BY pr.pattern LIMIT 1) p ON true
            WHERE ns.nspname = s AND c.relkind = 'r'
            ORDER BY c.relname
        LOOP
            RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, rec.date_column, rec.option_name, rec.default_delay, opt, ref);
        END LOOP;
    END LOOP;

    IF NOT has_campaign THEN
        RETURN;
    END IF;

    -- work tables: one evaluation of campmon.stale_tables for every check
    RETURN QUERY
    WITH st AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    per_verdict AS (
        SELECT v.verdict, count(st.relid) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b
        FROM (VALUES ('stale'), ('suspect')) v(verdict) LEFT JOIN st ON st.verdict = v.verdict
        GROUP BY v.verdict
    ),
    held_idle AS (
        SELECT count(*) AS n, coalesce(sum(st.total_bytes), 0)::bigint AS b FROM st
        WHERE st.verdict = 'held' AND st.idle > held_idle
    ),
    deliveries AS (
        SELECT st.owner_id, count(*) AS n, sum(st.total_bytes)::bigint AS b, min(st.reason) AS reason
        FROM st WHERE st.rule = 'delivery' AND st.verdict = 'stale'
          AND st.reason NOT LIKE '%no longer exists%'
        GROUP BY st.owner_id
    )
    SELECT 'stale_work_tables'::text,
           CASE WHEN p.n >= stale_crit THEN 'critical' WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'work tables'::text, p.n::numeric, stale_crit::numeric,
           format('%s work tables (%s) that Campaign''s cleanup would drop are still there: see campmon.stale_tables', p.n, pg_size_pretty(p.b))
    FROM per_verdict p WHERE p.verdict = 'stale'
    UNION ALL
    SELECT 'suspect_work_tables', CASE WHEN p.n > 0 THEN 'warning' ELSE 'ok' END,
           'work tables', p.n::numeric, 0::numeric,
           format('%s work tables (%s) are probably dead but not covered by Campaign''s cleanup: see campmon.stale_tables', p.n, pg_size_pretty(p.b))
    FROM per_verdict p WHERE p.verdict = 'suspect'
    UNION ALL
    SELECT 'held_idle_work_tables', CASE WHEN h.n > 0 THEN 'warning' ELSE 'ok' END,
           'work tables', h.n::numeric, round(extract(epoch FROM held_idle) / 86400)::numeric,
           format('%s held work tables (%s) have not been written for more than %s (campmon.held_max_idle; threshold in days): their owners keep them',
                  h.n, pg_size_pretty(h.b), campmon._human(held_idle))
    FROM held_idle h
    UNION ALL
    SELECT 'deliveries_holding_tables', CASE WHEN count(d.owner_id) > 0 THEN 'warning' ELSE 'ok' END,
           'nmsdelivery', count(d.owner_id)::numeric, 0::numeric,
           format('%s stopped, deleted or unsent deliveries still have %s work tables (%s): the cleanup has not run since, or failed',
                  count(d.owner_id), coalesce(sum(d.n), 0), pg_size_pretty(coalesce(sum(d.b), 0)))
    FROM deliveries d
    UNION ALL
    (SELECT 'delivery_holding_tables', 'warning', format('delivery %s', d.owner_id), d.n::numeric, 0::numeric,
            format('%s; yet %s work tables (%s) are still there', d.reason, d.n, pg_size_pretty(d.b))
     FROM deliveries d ORDER BY d.b DESC, d.owner_id LIMIT 10);

    -- indexes larger than their table, bloat on high-churn tables
    RETURN QUERY
    SELECT 'index_larger_than_table',
           CASE WHEN x.idx > x.heap AND x.heap > 0 THEN 'warning' ELSE 'ok' END,
           x.rel::text, x.idx::numeric, x.heap::numeric,
           format('indexes %s, table %s%s', pg_size_pretty(x.idx), pg_size_pretty(x.heap),
                  CASE WHEN x.idx > x.heap AND x.heap > 0 THEN ': the indexes outgrew the table, a sign that VACUUM (and REINDEX) are due' ELSE '' END)
    FROM (SELECT c.oid::regclass AS rel, pg_indexes_size(c.oid) AS idx, pg_relation_size(c.oid) AS heap
          FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
          WHERE c.relkind = 'r' AND ns.nspname = ANY (schemas)
            AND campmon.family_of(ns.nspname, c.relname) IN ('broadlog', 'tracking', 'delivery', 'workflow', 'recipient')) x
    ORDER BY x.rel::text;

    -- bloat of the high-churn tables: candidates by name first (a LIKE on
    -- the pattern's literal prefix, then the pattern), then measured
    RETURN QUERY
    SELECT 'table_bloat',
           CASE WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN b.bloat_pct >= crit_pct THEN 'critical'
                WHEN b.bloat_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, t.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, %s, mode %s)', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.table_bytes), t.family, b.method) END
    FROM (SELECT c.oid, ns.nspname, c.relname, f.family
          FROM pg_class c
          JOIN pg_namespace ns ON ns.oid = c.relnamespace
          CROSS JOIN LATERAL (SELECT fam.family FROM campmon.family fam
                              WHERE fam.high_churn
                                AND c.relname LIKE campmon._like_prefix(fam.pattern) AND c.relname ~ fam.pattern
                                AND (fam.schema_name = ns.nspname OR (fam.schema_name IS NULL AND ns.nspname = ANY (schemas)))
                              ORDER BY fam.priority LIMIT 1) f
          WHERE c.relkind = 'r') t
    CROSS JOIN LATERAL campmon.try_table_bloat(t.oid,
        COALESCE(current_setting('campmon.tables_mode', true), 'stats')) b
    WHERE b.table_bytes > 0
    ORDER BY t.nspname, t.relname;
END $fn$;

-- Purge backlog of one log table: its oldest date, found through an index
-- on the date column or a sample of about 100 pages, never a full scan;
-- rows and bytes past retention estimated from the column's histogram.
CREATE FUNCTION campmon._purge_backlog(rel regclass, date_column text, option_name text,
                                       default_delay interval, options regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    delay interval := default_delay;
    v text;
    oldest timestamptz;
    cutoff timestamptz;
    backlog interval;
    how text;
    frac double precision;
    pages double precision;
    rows_past text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_attribute WHERE attrelid = rel AND attname = date_column AND NOT attisdropped) THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s has no column %s: its purge cannot be checked', rel, date_column);
        RETURN;
    END IF;
    IF NOT has_table_privilege(rel, 'SELECT') THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s may not be read by %s: its purge cannot be checked', rel, current_user);
        RETURN;
    END IF;

    IF options IS NOT NULL THEN
        EXECUTE format('SELECT sstringvalue FROM %s WHERE sname = %L', options, option_name) INTO v;
        IF v ~ '^\s*[0-9]+\s*$' THEN
            delay := make_interval(secs => trim(v)::double precision);
        END IF;
    END IF;
    cutoff := ref - delay;

    IF EXISTS (SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
               WHERE i.indrelid = rel AND a.attname = date_column AND am.amname = 'btree' AND i.indisvalid
                 AND i.indpred IS NULL) THEN
        EXECUTE format('SELECT %1$I::timestamptz FROM %2$s WHERE %1$I IS NOT NULL ORDER BY %1$I LIMIT 1', date_column, rel) INTO oldest;
        how := 'index';
    ELSE
        pages := greatest(pg_relation_size(rel) / 8192, 1);
        EXECUTE format('SELECT min(%1$I)::timestamptz FROM %2$s TABLESAMPLE SYSTEM (%3$s) REPEATABLE (1)',
                       date_column, rel, least(100.0, 100.0 * 100 / pages)) INTO oldest;
        how := 'sample of about 100 pages';
    END IF;

    IF oldest IS NULL THEN
        RETURN QUERY SELECT 'purge_backlog', 'ok', rel::text, 0::numeric, 1::numeric,
            format('%s is empty (retention %s)', rel, campmon._human(delay));
        RETURN;
    END IF;

    backlog := cutoff - oldest;
    -- share of rows older than the cutoff, from the histogram of the column
    SELECT (SELECT count(*) FILTER (WHERE b::timestamptz < cutoff)::double precision / nullif(count(*) - 1, 0)
            FROM unnest(st.histogram_bounds::text::text[]) b)
    INTO frac
    FROM pg_stats st
    WHERE st.schemaname = (SELECT nspname FROM pg_namespace WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = rel))
      AND st.tablename = (SELECT relname FROM pg_class WHERE oid = rel) AND st.attname = date_column;
    rows_past := CASE WHEN frac IS NULL THEN 'rows past retention unknown (no histogram: run ANALYZE)'
                      ELSE format('about %s rows (%s) past retention, from the column histogram (an estimate)',
                                  round(greatest(frac, 0) * greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 0)),
                                  pg_size_pretty((greatest(frac, 0) * pg_relation_size(rel))::bigint)) END;

    RETURN QUERY SELECT 'purge_backlog',
        CASE WHEN backlog > delay THEN 'critical' WHEN backlog > interval '1 day' THEN 'warning' ELSE 'ok' END,
        rel::text,
        round((extract(epoch FROM greatest(backlog, interval '0')) / 86400)::numeric, 1),
        1::numeric,
        format('oldest %s is %s (found by %s); retention %s (%s)%s',
               date_column, to_char(oldest, 'YYYY-MM-DD HH24:MI'), how, campmon._human(delay),
               CASE WHEN v ~ '^\s*[0-9]+\s*$' THEN option_name || ' = ' || trim(v) || ' s' ELSE option_name || ' absent: default' END,
               CASE WHEN backlog > interval '1 day'
                    THEN format(': %s days behind the purge; %s', round((extract(epoch FROM backlog) / 86400)::numeric, 1), rows_past)
                    ELSE ': the purge keeps up' END);
END $fn$;

CREATE VIEW campmon.checks AS
SELECT * FROM campmon._checks();
COMMENT ON VIEW campmon.checks IS
'Alert rows (check_name, status ok|warning|critical, target, value, threshold, message): cleanup health, purge backlog, work tables, bloat';

------------------------------------------------------------------------------
-- Privileges
------------------------------------------------------------------------------

REVOKE ALL ON FUNCTION campmon.version() FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon.relation_last_write(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._relfile_stats(oid, oid, oid, "char", "char", oid) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._relation_files(oid[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._seconds(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._human(interval) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._like_prefix(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._literal_prefix(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._match_id(text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._reference_time() FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._valid_regex(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon.family_of(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._rule_problem(campmon.work_table_rule, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._stale_tables() FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._checks() FROM PUBLIC;
REVOKE ALL ON FUNCTION campmon._purge_backlog(regclass, text, text, interval, regclass, timestamptz) FROM PUBLIC;
REVOKE ALL ON campmon.family, campmon.work_table_rule, campmon.owner_state, campmon.purge_rule,
              campmon.stale_tables, campmon.checks FROM PUBLIC;

GRANT EXECUTE ON FUNCTION campmon.version(), campmon.relation_last_write(regclass),
    campmon._relfile_stats(oid, oid, oid, "char", "char", oid), campmon._relation_files(oid[]),
    campmon._seconds(text), campmon._human(interval), campmon._like_prefix(text), campmon._literal_prefix(text),
    campmon._match_id(text, text, text), campmon._reference_time(), campmon._valid_regex(text),
    campmon.family_of(text, text), campmon._rule_problem(campmon.work_table_rule, text),
    campmon._stale_tables(), campmon._checks(),
    campmon._purge_backlog(regclass, text, text, interval, regclass, timestamptz)
    TO campmon_reader, pg_monitor;
GRANT SELECT ON campmon.family, campmon.work_table_rule, campmon.owner_state, campmon.purge_rule,
                campmon.stale_tables, campmon.checks TO campmon_reader, pg_monitor;
GRANT INSERT, UPDATE, DELETE ON campmon.family, campmon.work_table_rule, campmon.owner_state, campmon.purge_rule
    TO campmon_admin;
