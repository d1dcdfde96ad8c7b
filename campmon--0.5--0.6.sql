/* campmon--0.5--0.6.sql: plan() leaves work tables out before measuring
   the rest (memory and time at 50,000 relations), the listings read the
   activity statistics of the rows they return only, and fixes found by
   the production-proof tests. */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION campmon UPDATE TO '0.6'" to load this file. \quit

-- The activity columns straight from pg_stat_get_*() for the listed rows:
-- joining pg_stat_all_tables/pg_stat_all_indexes computed them (and cached
-- the statistics entry) for every relation of the database first.
CREATE OR REPLACE VIEW campmon.tables AS
SELECT
    c.oid                                   AS relid,
    n.nspname::text                         AS schema_name,
    c.relname::text                         AS table_name,
    b.method,
    b.is_estimate,
    b.table_bytes,
    COALESCE(b.toast_bytes, 0)              AS toast_bytes,
    b.indexes_bytes,
    b.total_bytes,
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
    pg_catalog.pg_stat_get_live_tuples(c.oid)           AS n_live_tup,
    pg_catalog.pg_stat_get_dead_tuples(c.oid)           AS n_dead_tup,
    pg_catalog.pg_stat_get_mod_since_analyze(c.oid)     AS n_mod_since_analyze,
    pg_catalog.pg_stat_get_last_vacuum_time(c.oid)      AS last_vacuum,
    pg_catalog.pg_stat_get_last_autovacuum_time(c.oid)  AS last_autovacuum,
    pg_catalog.pg_stat_get_last_analyze_time(c.oid)     AS last_analyze,
    pg_catalog.pg_stat_get_last_autoanalyze_time(c.oid) AS last_autoanalyze,
    pg_catalog.pg_stat_get_vacuum_count(c.oid)          AS vacuum_count,
    pg_catalog.pg_stat_get_autovacuum_count(c.oid)      AS autovacuum_count,
    pg_catalog.pg_stat_get_analyze_count(c.oid)         AS analyze_count,
    pg_catalog.pg_stat_get_autoanalyze_count(c.oid)     AS autoanalyze_count,
    campmon.family_of(n.nspname, c.relname) AS family
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL campmon._list_table(
    c.oid,
    COALESCE(pg_catalog.current_setting('campmon.tables_mode', true), 'stats'),
    NULL) b
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
    pg_catalog.pg_stat_get_numscans(x.indexrelid)         AS idx_scan,
    pg_catalog.pg_stat_get_tuples_returned(x.indexrelid)  AS idx_tup_read,
    pg_catalog.pg_stat_get_tuples_fetched(x.indexrelid)   AS idx_tup_fetch,
    campmon.family_of(tn.nspname, t.relname)  AS family
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = i.relnamespace
JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
CROSS JOIN LATERAL campmon._list_index(
    x.indexrelid,
    COALESCE(pg_catalog.current_setting('campmon.indexes_mode', true), 'stats'),
    NULL) b
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
WHERE i.relkind = 'i'
  AND (i.relpersistence <> 't' OR i.relnamespace = pg_catalog.pg_my_temp_schema());

CREATE OR REPLACE FUNCTION campmon.plan(
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    show_kept boolean DEFAULT false)
RETURNS TABLE (
    step integer, action text, target text, family text, reason text,
    expected_gain_bytes bigint, lock_level text, estimated_seconds numeric,
    command text, target_relid oid)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
AS $fn$
DECLARE
    dead_pct numeric;
    reindex_pct numeric;
    reindex_min bigint;
    analyze_pct numeric;
    freeze_pct numeric;
    full_max bigint;
    freeze_max bigint := current_setting('autovacuum_freeze_max_age')::bigint;
    repack boolean := EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_repack');
    valid_actions text[] := ARRAY['DROP TABLE', 'DROP INDEX CONCURRENTLY', 'VACUUM', 'VACUUM (FREEZE)',
                                  'REINDEX INDEX CONCURRENTLY', 'ANALYZE', 'VACUUM (FULL)', 'keep'];
    a text;
BEGIN
    PERFORM campmon.version();
    dead_pct := current_setting('campmon.vacuum_min_dead_pct')::numeric;
    reindex_pct := current_setting('campmon.reindex_min_bloat_pct')::numeric;
    reindex_min := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size');
    analyze_pct := current_setting('campmon.analyze_min_changed_pct')::numeric;
    freeze_pct := current_setting('campmon.freeze_age_pct')::numeric;
    full_max := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_full_max_size');

    IF min_gain_bytes IS NULL OR min_gain_bytes < 0 THEN
        RAISE EXCEPTION 'min_gain_bytes must be 0 or more' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_steps IS NOT NULL AND max_steps <= 0 THEN
        RAISE EXCEPTION 'max_steps must be greater than zero, not %', max_steps
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Omit it (NULL) for no limit.';
    END IF;
    FOREACH a IN ARRAY coalesce(actions, '{}') LOOP
        IF a IS NULL OR NOT a = ANY (valid_actions) THEN
            RAISE EXCEPTION 'unknown action "%"', a USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Valid actions are: ' || array_to_string(valid_actions, ', ') || '.';
        END IF;
    END LOOP;

    RETURN QUERY
    -- work tables first: they are dropped or kept, never vacuumed or
    -- reindexed, so the listings below leave them (tens of thousands on a
    -- busy instance) out before measuring anything
    WITH w AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    t AS MATERIALIZED (SELECT * FROM campmon.tables t
                       WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = t.relid)),
    i AS MATERIALIZED (SELECT * FROM campmon.indexes i
                       WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = i.table_relid)),
    xid AS (SELECT c.oid, age(c.relfrozenxid) AS xid_age FROM pg_class c WHERE c.relkind = 'r'),
    -- the tables phase 4 vacuums (with ANALYZE)
    vac AS (
        SELECT t.relid, x.xid_age > freeze_pct / 100 * freeze_max AS freeze,
               coalesce(t.dead_bytes, 0) AS gain
        FROM t JOIN xid x ON x.oid = t.relid
        WHERE t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND (x.xid_age > freeze_pct / 100 * freeze_max
               OR coalesce(t.dead_tuples, t.n_dead_tup, 0) > dead_pct / 100 * greatest(coalesce(t.live_tuples, t.n_live_tup, 0), 1)
               -- dead rows that are few but wide (VACUUM reclaims dead rows, not free space)
               OR coalesce(t.dead_bytes, 0) >= greatest(dead_pct, 1) / 100 * t.table_bytes
                  AND coalesce(t.dead_tuples, t.n_dead_tup, 0) > 0)
    ),
    -- the tables phase 7 rewrites (VACUUM FULL rebuilds their indexes too)
    -- phase 7's tables, and whether each is rewritten or only reported
    bloated AS (
        SELECT t.*, allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= full_max AS is_rewrite
        FROM t
        WHERE t.family <> 'catalog' AND t.bloat_pct >= current_setting('campmon.bloat_critical_pct')::numeric
          AND t.bloat_bytes >= reindex_min
    ),
    rewritten AS (
        SELECT b.relid FROM bloated b
        WHERE b.is_rewrite AND (actions IS NULL OR 'VACUUM (FULL)' = ANY (actions))
          AND b.bloat_bytes >= min_gain_bytes
          AND (families IS NULL OR b.family = ANY (families))
    ),
    candidates AS (
        -- 1. work tables Campaign's cleanup would drop (suspect ones on request)
        SELECT 1 AS phase, 'DROP TABLE'::text AS action, w.relid,
               format('%I.%I', w.schema_name, w.table_name) AS target,
               campmon.family_of(w.schema_name, w.table_name) AS family,
               w.verdict || ': ' || w.reason AS reason,
               w.total_bytes AS gain, 'ACCESS EXCLUSIVE' AS lock_level, 0.05::numeric AS seconds,
               format('DROP %s %I.%I', CASE w.table_kind WHEN 'view' THEN 'VIEW' ELSE 'TABLE' END,
                      w.schema_name, w.table_name) AS command,
               w.total_bytes AS sort_key
        FROM w WHERE w.verdict = 'stale' OR (include_suspect AND w.verdict = 'suspect')
        UNION ALL
        -- work tables kept on purpose: reported, never dropped
        SELECT 9, 'keep', w.relid, format('%I.%I', w.schema_name, w.table_name),
               campmon.family_of(w.schema_name, w.table_name),
               w.verdict || ': ' || w.reason, 0, NULL, 0, NULL, 0
        FROM w WHERE show_kept AND (w.verdict = 'held' OR (NOT include_suspect AND w.verdict = 'suspect'))
        UNION ALL
        -- 2. invalid indexes left by failed concurrent builds
        SELECT 2, 'DROP INDEX CONCURRENTLY', i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
               format('invalid index on %s (a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY left it): it costs every write and serves no read',
                      i.table_name),
               i.index_bytes, 'SHARE UPDATE EXCLUSIVE', 0.5, format('DROP INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
               i.index_bytes
        FROM i WHERE NOT i.is_valid AND i.schema_name NOT IN ('pg_catalog', 'pg_toast')
        UNION ALL
        -- 3. system catalogs bloated by work-table churn, after the drops
        SELECT 3, 'VACUUM', t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               format('catalog %s: %s%% bloat, %s dead rows (work tables created and dropped churn the catalogs)',
                      t.table_name, t.bloat_pct, coalesce(t.dead_tuples, t.n_dead_tup)),
               coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
               format('VACUUM (ANALYZE) %I.%I', t.schema_name, t.table_name), t.bloat_bytes
        FROM t WHERE t.family = 'catalog'
          AND t.table_name IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend', 'pg_statistic')
          -- dead rows (not free space, which VACUUM cannot give back), or
          -- the dead rows this plan's drops are about to leave there
          AND (coalesce(t.dead_bytes, 0) >= greatest(dead_pct, 1) / 100 * t.table_bytes
               OR coalesce(t.n_dead_tup, 0) > 0.2 * greatest(t.n_live_tup, 1)
               OR EXISTS (SELECT FROM w WHERE w.verdict = 'stale' OR (include_suspect AND w.verdict = 'suspect')))
        UNION ALL
        -- 4. tables: VACUUM (FREEZE) near wraparound, else VACUUM where dead rows or bloat pile up
        SELECT 4, CASE WHEN x.xid_age > freeze_pct / 100 * freeze_max THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END,
               t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               CASE WHEN x.xid_age > freeze_pct / 100 * freeze_max
                    THEN format('transaction id age %s is past %s%% of autovacuum_freeze_max_age (%s): freeze before an anti-wraparound vacuum does it at the worst time',
                                x.xid_age, freeze_pct, freeze_max)
                    ELSE format('%s dead rows (%s), %s%% bloat: VACUUM makes the space reusable (it does not shrink the file)',
                                coalesce(t.dead_tuples, t.n_dead_tup), pg_size_pretty(coalesce(t.dead_bytes, 0)), t.bloat_pct) END,
               coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
               format('VACUUM (%sANALYZE) %I.%I',
                      CASE WHEN x.xid_age > freeze_pct / 100 * freeze_max THEN 'FREEZE, ' ELSE '' END,
                      t.schema_name, t.table_name),
               coalesce(t.dead_bytes, 0)
        FROM t JOIN xid x ON x.oid = t.relid JOIN vac v ON v.relid = t.relid
        UNION ALL
        -- 5. bloated B-tree indexes, rebuilt without blocking writes
        SELECT 5, 'REINDEX INDEX CONCURRENTLY', i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
               format('%s%% bloat (%s of %s), leaf density %s%%%s%s', i.bloat_pct, pg_size_pretty(i.bloat_bytes),
                      pg_size_pretty(i.index_bytes), coalesce(i.avg_leaf_density::text, 'unknown'),
                      CASE WHEN i.idx_scan = 0 THEN '; never scanned since the statistics reset: consider dropping it instead' ELSE '' END,
                      CASE WHEN i.constraint_name IS NOT NULL THEN format('; backs constraint %s', i.constraint_name) ELSE '' END),
               i.bloat_bytes, 'SHARE UPDATE EXCLUSIVE', round(i.index_bytes / 50e6 + 0.5, 1),
               format('REINDEX INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name), i.bloat_bytes
        FROM i WHERE i.is_valid AND i.access_method = 'btree'
          AND i.schema_name NOT IN ('pg_catalog', 'pg_toast', 'information_schema')
          AND i.bloat_pct >= reindex_pct AND i.bloat_bytes >= reindex_min
          -- a table this plan rewrites gets its indexes rebuilt with it
          AND NOT EXISTS (SELECT FROM rewritten rw WHERE rw.relid = i.table_relid)
        UNION ALL
        -- 6. statistics gone stale
        SELECT 6, 'ANALYZE', t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               CASE WHEN t.last_analyze IS NULL AND t.last_autoanalyze IS NULL
                    THEN 'never analyzed: the planner works blind (Campaign''s queries suffer most on its big tables)'
                    ELSE format('%s rows changed since the last ANALYZE (%s%% of the table)', t.n_mod_since_analyze,
                                round(100.0 * t.n_mod_since_analyze / greatest(coalesce(t.live_tuples, t.n_live_tup, 0), 1))) END,
               0, 'SHARE UPDATE EXCLUSIVE', 0.5, format('ANALYZE %I.%I', t.schema_name, t.table_name), 0
        FROM t
        WHERE t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND ((t.last_analyze IS NULL AND t.last_autoanalyze IS NULL)
               OR t.n_mod_since_analyze > analyze_pct / 100 * greatest(coalesce(t.live_tuples, t.n_live_tup, 0), 1))
          -- not when a VACUUM (ANALYZE) or VACUUM (FULL, ANALYZE) of this plan analyzes it
          AND NOT EXISTS (SELECT FROM vac v WHERE v.relid = t.relid
                            AND (actions IS NULL OR CASE WHEN v.freeze THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END = ANY (actions))
                            AND (v.freeze OR v.gain >= min_gain_bytes))
          AND NOT EXISTS (SELECT FROM rewritten rw WHERE rw.relid = t.relid)
        UNION ALL
        -- 7. rewrites: only when asked, where VACUUM cannot give the space back
        SELECT 7, CASE WHEN t.is_rewrite THEN 'VACUUM (FULL)' ELSE 'keep' END,
               t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               CASE WHEN t.is_rewrite
                    THEN format('%s%% bloat: only a rewrite gives %s back to the file system; blocks every read and write of the table while it runs, followed by ANALYZE',
                                t.bloat_pct, pg_size_pretty(t.bloat_bytes))
                    ELSE format('a rewrite would give back %s (%s%% bloat) but is not planned: %s; online alternative: pg_repack (%s)',
                                pg_size_pretty(t.bloat_bytes), t.bloat_pct,
                                CASE WHEN NOT allow_blocking THEN 'blocking steps not allowed (allow_blocking => true)'
                                     WHEN t.family = 'broadlog' THEN 'never on the delivery logs'
                                     ELSE format('larger than campmon.vacuum_full_max_size (%s)', pg_size_pretty(full_max)) END,
                                CASE WHEN repack THEN 'installed' ELSE 'not installed' END) END,
               CASE WHEN t.is_rewrite THEN t.bloat_bytes ELSE 0 END,
               CASE WHEN t.is_rewrite THEN 'ACCESS EXCLUSIVE' END,
               round(t.table_bytes / 100e6 + 0.5, 1),
               CASE WHEN t.is_rewrite THEN format('VACUUM (FULL, ANALYZE) %I.%I', t.schema_name, t.table_name) END,
               -t.table_bytes          -- smallest first
        FROM bloated t
        WHERE allow_blocking OR show_kept
    )
    SELECT (row_number() OVER (ORDER BY c.phase, c.sort_key DESC, c.target))::integer,
           c.action, c.target, c.family, c.reason, c.gain, c.lock_level, c.seconds, c.command, c.relid
    FROM candidates c
    WHERE (families IS NULL OR c.family = ANY (families))
      AND (actions IS NULL OR c.action = ANY (actions))
      AND (c.action = 'keep' OR c.gain >= min_gain_bytes OR c.action IN ('ANALYZE', 'VACUUM (FREEZE)'))
      AND (c.action <> 'keep' OR show_kept)
    ORDER BY 1
    LIMIT max_steps;
END $fn$;


-- run_plan returns once the worker has let the run lock go, not only once
-- the run's status is final (an immediate next run was sometimes refused).
CREATE OR REPLACE PROCEDURE campmon.run_plan(
    dry_run boolean DEFAULT true,
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    lock_timeout interval DEFAULT NULL,
    statement_timeout interval DEFAULT NULL,
    time_budget interval DEFAULT NULL,
    INOUT run_id bigint DEFAULT NULL,
    INOUT summary text DEFAULT NULL)
LANGUAGE plpgsql
AS $proc$
DECLARE
    st text;
    failed bigint;
    wpid integer;
    k integer;
BEGIN
    run_id := campmon.start_plan(dry_run, families, actions, min_gain_bytes, max_steps,
                                 include_suspect, allow_blocking, lock_timeout,
                                 statement_timeout, time_budget);
    LOOP
        COMMIT;
        SELECT r.status, r.summary INTO st, summary FROM campmon.run r
        WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
        EXIT WHEN st OPERATOR(pg_catalog.<>) 'running' AND st OPERATOR(pg_catalog.<>) 'cancelling';
        PERFORM pg_catalog.pg_sleep(0.1);
    END LOOP;
    -- the worker writes the final status, then lets the run lock go: wait
    -- for that (a few ms; 5 s at most), so that a run started right after
    -- this one returns is not refused as "another campmon run is in progress"
    SELECT r.worker_pid INTO wpid FROM campmon.run r WHERE r.run_id OPERATOR(pg_catalog.=) run_plan.run_id;
    FOR k IN 1..500 LOOP
        EXIT WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_locks l
                              WHERE l.pid OPERATOR(pg_catalog.=) wpid
                                AND l.locktype OPERATOR(pg_catalog.=) 'advisory'
                                AND l.database OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d
                                                                       WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database()));
        PERFORM pg_catalog.pg_sleep(0.01);
    END LOOP;
    SELECT pg_catalog.count(*) INTO failed FROM campmon.run_step s
    WHERE s.run_id OPERATOR(pg_catalog.=) run_plan.run_id AND s.outcome OPERATOR(pg_catalog.=) 'failed';
    IF failed OPERATOR(pg_catalog.>) 0 THEN
        RAISE EXCEPTION 'campmon run %: % steps failed', run_id, failed
            USING ERRCODE = 'triggered_action_exception', DETAIL = summary,
                  HINT = pg_catalog.format('SELECT step, command, error FROM campmon.history WHERE run_id = %s AND outcome = ''failed'';', run_id);
    END IF;
    RAISE NOTICE 'campmon run %: %', run_id, summary;
END
$proc$;


-- campmon.work_table_schemas read as search_path is: names that need them
-- in double quotes, unquoted names case-folded (it was split on commas
-- with the quotes kept, so a quoted schema never matched).
CREATE FUNCTION campmon._work_table_schemas() RETURNS text[]
AS 'MODULE_PATHNAME', 'campmon_work_table_schemas_array'
LANGUAGE C STABLE PARALLEL SAFE;
REVOKE ALL ON FUNCTION campmon._work_table_schemas() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._work_table_schemas() TO campmon_reader, pg_monitor;

-- Campaign tables are found by name in the work schemas, where a role may
-- be able to create objects: a look-alike must not make campmon run that
-- role's code as whoever reads campmon's views (an admin, a pg_cron job).
-- Reading a relation runs no one's code when it is a table (not a view,
-- nor a foreign table), has no row-level security (policies are
-- expressions), and the columns read have built-in types (a type of the
-- role's own may come with an implicit cast, or an operator, of its own).
-- NULL when it may be read, else why not.
CREATE FUNCTION campmon._unsafe_to_read(rel regclass, cols text[]) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN c.oid IS NULL THEN 'missing'
    WHEN c.relkind NOT IN ('r', 'p') THEN
        format('%s is not a table (%s): reading it could run the code of its owner %s', rel,
               CASE c.relkind WHEN 'v' THEN 'a view' WHEN 'm' THEN 'a materialized view'
                              WHEN 'f' THEN 'a foreign table' ELSE 'relkind ' || c.relkind::text END,
               pg_get_userbyid(c.relowner))
    WHEN c.relrowsecurity THEN
        format('%s has row-level security: its policies could run the code of its owner %s', rel, pg_get_userbyid(c.relowner))
    ELSE (SELECT format('column %s of %s has type %s, not a built-in one: its casts and operators could run the code of their owner',
                        a.attname, rel, format_type(a.atttypid, a.atttypmod))
          FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = ANY (cols) AND a.attnum > 0 AND NOT a.attisdropped
            AND a.atttypid >= 16384     -- FirstNormalObjectId: created after initdb
          ORDER BY a.attnum LIMIT 1)
END
FROM (SELECT rel AS r) x LEFT JOIN pg_class c ON c.oid = x.r $$;
REVOKE ALL ON FUNCTION campmon._unsafe_to_read(regclass, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unsafe_to_read(regclass, text[]) TO campmon_reader, pg_monitor;

-- A work-table rule whose owner table is not safe to read is skipped (its
-- tables judged by age), and campmon.checks says why.
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
    RETURN campmon._unsafe_to_read(owner, ARRAY[r.owner_key, r.state_column, r.deleted_column, r.failed_column, r.since_column]);
END $$;


-- campmon's own catalog queries join and sort one row per relation: with
-- the server's work_mem (often 64MB and more on a Campaign instance) every
-- hash and sort of them could hold that much at 50,000 relations (111 MB
-- for campmon.stale_tables at work_mem = 64MB, 29 MB at 2MB, for the same
-- time).  plan(), _stale_tables() and _checks() run with work_mem = 2MB,
-- which bounds their memory whatever the server's.
CREATE OR REPLACE FUNCTION campmon._stale_tables()
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
    work_re text;
    r campmon.work_table_rule;
    s text;
    k integer := 0;
    ids text := '';
    parts text[] := '{}';
    sql text;
BEGIN
    schemas := campmon._work_table_schemas();

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

-- campmon.checks: schemas as above; a purge rule that fails on its table
-- is a warning row instead of an error for the whole view; invalid indexes
-- are reported.
CREATE OR REPLACE FUNCTION campmon._checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
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
    schemas := campmon._work_table_schemas();

    FOREACH s IN ARRAY schemas LOOP
        opt := to_regclass(format('%I.xtkoption', s));
        wf := to_regclass(format('%I.xtkworkflow', s));
        CONTINUE WHEN opt IS NULL AND wf IS NULL AND to_regclass(format('%I.nmsdelivery', s)) IS NULL;
        has_campaign := true;

        -- look-alikes that reading would run someone's code in are not read
        problem := CASE WHEN opt IS NOT NULL THEN campmon._unsafe_to_read(opt, ARRAY['sname', 'sstringvalue']) END;
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', opt::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s; the cleanup checks skip it and the purge checks assume default retentions', opt, problem);
            opt := NULL;
        END IF;
        problem := CASE WHEN wf IS NOT NULL THEN campmon._unsafe_to_read(wf, ARRAY['sinternalname', 'istate', 'ifailed']) END;
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', wf::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', wf, problem);
            wf := NULL;
        END IF;

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
            problem := campmon._unsafe_to_read(rec.rel, ARRAY[rec.date_column]);
            IF problem IS NOT NULL THEN
                RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                    format('%s is not read: %s', rec.rel, problem);
                CONTINUE;
            END IF;
            -- one purge rule that does not fit its table (a date column of
            -- another type, say) is a warning row, not the end of the checks
            BEGIN
                RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, rec.date_column, rec.option_name, rec.default_delay, opt, ref);
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                    format('cannot check the purge of %s by column %s: %s', rec.rel, rec.date_column, SQLERRM);
            END;
        END LOOP;
    END LOOP;

    -- invalid indexes (a failed CREATE INDEX CONCURRENTLY or REINDEX
    -- CONCURRENTLY leaves one): every write maintains it, no read uses it
    RETURN QUERY
    SELECT 'invalid_index', 'warning', format('%I.%I', n.nspname, ic.relname), pg_relation_size(ic.oid)::numeric, 0::numeric,
           format('invalid index on %s (%s): a failed concurrent build left it; it slows every write and serves no read. campmon.plan() drops it (DROP INDEX CONCURRENTLY)',
                  x.indrelid::regclass, pg_size_pretty(pg_relation_size(ic.oid)))
    FROM pg_index x
    JOIN pg_class ic ON ic.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = ic.relnamespace
    WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'pg_toast')
      AND (ic.relpersistence <> 't' OR ic.relnamespace = pg_my_temp_schema())
    ORDER BY 3;

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

-- drop_work_table: NULL is an error (it answered 'gone already').
CREATE OR REPLACE FUNCTION campmon.drop_work_table(rel oid, include_suspect boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    name text;
    kind "char";
    nsp_name text;
    rel_name text;
    st record;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'rel must not be NULL' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass the OID of a work table, e.g. from campmon.stale_tables.relid.';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind, n.nspname, c.relname INTO name, kind, nsp_name, rel_name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    IF name IS NULL THEN
        RETURN 'gone already';
    END IF;
    -- what cannot be a work table (campmon.stale_tables' kind, schema and
    -- name filter) is refused before the lock: a wrong OID must not take,
    -- or queue for, ACCESS EXCLUSIVE on a live table or a catalog
    IF kind NOT IN ('r', 'v')
       OR NOT nsp_name = ANY (campmon._work_table_schemas())
       OR NOT EXISTS (SELECT FROM campmon.family f WHERE f.family IN ('work_table', 'list') AND rel_name ~ f.pattern
                      UNION ALL SELECT FROM campmon.work_table_rule w WHERE rel_name ~ w.pattern) THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- the lock first: the verdict is then re-read with nobody else inside
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', name);
    SELECT * INTO st FROM campmon._stale_tables() s WHERE s.relid = rel;
    IF st IS NULL THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    ELSIF st.verdict = 'stale' OR (include_suspect AND st.verdict = 'suspect') THEN
        EXECUTE format('DROP %s %s', CASE kind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, name);
        RETURN format('dropped %s (%s: %s)', name, st.verdict, st.reason);
    ELSE
        RAISE EXCEPTION 'not dropped: % is % now', name, st.verdict
            USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = st.reason;
    END IF;
END $fn$;


-- The size of a relation with its TOAST table and indexes, as
-- pg_total_relation_size, from the files and without a lock (0 once gone):
-- the run worker records it when each step starts and ends, and must not
-- wait behind a lock held on the target to do so.
CREATE FUNCTION campmon._total_bytes(rel oid) RETURNS bigint
AS 'MODULE_PATHNAME', 'campmon_total_bytes'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE ALL ON FUNCTION campmon._total_bytes(oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._total_bytes(oid) TO campmon_reader, pg_monitor;

-- The literal prefix of a pattern: family_of's C rule, one copy of it
-- (the SQL version was a twin that had to be kept in step).
CREATE OR REPLACE FUNCTION campmon._literal_prefix(pattern text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_literal_prefix'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

-- No JIT for campmon's catalog queries.  _stale_tables' enable_nestloop =
-- off gives every plan with an unavoidable nested loop a cost past
-- jit_above_cost, so each call compiled its queries: 0.5 s of CPU (on a
-- database of 800 relations, for a 7 ms query), per plan(), per checks and
-- per work table dropped -- the CPU that Campaign's writers wait for.
-- The functions above say SET jit = off; so does _purge_backlog.
ALTER FUNCTION campmon._purge_backlog(regclass, text, text, interval, regclass, timestamptz) SET jit = off;
