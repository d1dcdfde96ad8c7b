/*
 * plan.sql -- campmon.plan(): tonight's ordered maintenance steps
 * (DROP of stale work tables, VACUUM, REINDEX, VACUUM FULL, ANALYZE), each
 * with its command, lock level, expected gain and reason; and
 * drop_work_table(), the one way campmon drops a work table.  A plan is a
 * list of commands: nothing runs here.
 */

-- Whether the current role may run a step of this action on this relation,
-- as PostgreSQL decides it (NULL), else who may: a VACUUM or ANALYZE its
-- owner (or a member with its privileges), the database's owner (not on a
-- shared catalog) or a superuser; a REINDEX, a DROP INDEX its table's owner;
-- a DROP TABLE its owner or its schema's; pg_repack and its cleanup a
-- superuser.  plan() turns a step its role may not run into a keep row:
-- a run never fails, or pretends to succeed, on a step it was never
-- allowed (PostgreSQL's VACUUM only warns and skips).
CREATE OR REPLACE FUNCTION campmon._maintain_denied(rel regclass, action text, run_as name DEFAULT current_user) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = run_as) THEN NULL
    WHEN action IN ('REPACK', 'REPACK cleanup') THEN
        format('only a superuser may (pg_repack''s requirement); %s is not one', run_as)
    WHEN c.oid IS NULL THEN NULL            -- gone: the run skips it
    WHEN pg_has_role(run_as, coalesce(t.relowner, c.relowner), 'USAGE') THEN NULL
    WHEN action = 'DROP TABLE' AND pg_has_role(run_as, n.nspowner, 'USAGE') THEN NULL
    WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
         AND pg_has_role(run_as, (SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE') THEN NULL
    ELSE format('only its owner %s%s or a superuser may, and %s is none of them', pg_get_userbyid(coalesce(t.relowner, c.relowner)),
                CASE WHEN action IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE') AND NOT c.relisshared
                     THEN ', the database owner' WHEN action = 'DROP TABLE' THEN format(', the schema''s owner %s', pg_get_userbyid(n.nspowner))
                     ELSE '' END,
                run_as)
END
FROM (SELECT rel AS r) x
LEFT JOIN pg_class c ON c.oid = x.r
LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indexrelid = c.oid
LEFT JOIN pg_class t ON t.oid = i.indrelid $$;

REVOKE ALL ON FUNCTION campmon._maintain_denied(regclass,text,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._maintain_denied(regclass,text,name) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon.plan(
    families text[] DEFAULT NULL,
    actions text[] DEFAULT NULL,
    min_gain_bytes bigint DEFAULT 0,
    max_steps integer DEFAULT NULL,
    include_suspect boolean DEFAULT false,
    allow_blocking boolean DEFAULT false,
    show_kept boolean DEFAULT false,
    targets regclass[] DEFAULT NULL,
    run_as name DEFAULT NULL)
RETURNS TABLE (
    step integer, action text, target text, family text, reason text,
    expected_gain_bytes bigint, lock_level text, estimated_seconds numeric,
    command text, target_relid oid, shell_command text)
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
    -- the role the steps are for: the caller's, or the one named (a report
    -- shows tonight's plan as the nightly job's role would run it)
    runner name := coalesce(run_as, current_user);
    -- pg_repack needs a superuser, and runs as the run's role
    runner_super boolean := (SELECT rolsuper FROM pg_roles WHERE rolname = coalesce(run_as, current_user));
    repack_margin numeric;
    wait_s integer;
    spc_oids oid[] := '{}';
    spc_avail bigint[] := '{}';
    spc record;
    valid_actions text[] := ARRAY['DROP TABLE', 'DROP INDEX CONCURRENTLY', 'VACUUM', 'VACUUM (FREEZE)',
                                  'REINDEX INDEX CONCURRENTLY', 'ANALYZE', 'REPACK cleanup', 'REPACK', 'VACUUM (FULL)', 'keep'];
    a text;
BEGIN
    PERFORM campmon.version();
    dead_pct := current_setting('campmon.vacuum_min_dead_pct')::numeric;
    reindex_pct := current_setting('campmon.reindex_min_bloat_pct')::numeric;
    reindex_min := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size');
    analyze_pct := current_setting('campmon.analyze_min_changed_pct')::numeric;
    freeze_pct := current_setting('campmon.freeze_age_pct')::numeric;
    full_max := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_full_max_size');
    repack_margin := current_setting('campmon.repack_space_margin_pct')::numeric;
    wait_s := (SELECT greatest(ceil(setting::numeric / 1000), 1) FROM pg_settings WHERE name = 'campmon.run_lock_timeout');

    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = runner) THEN
        RAISE EXCEPTION 'role "%" does not exist', run_as USING ERRCODE = 'undefined_object',
            HINT = 'run_as names the role whose steps to plan (the nightly job''s); omit it for your own.';
    END IF;
    IF min_gain_bytes IS NULL OR min_gain_bytes < 0 THEN
        RAISE EXCEPTION 'min_gain_bytes must be 0 or more' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF max_steps IS NOT NULL AND max_steps <= 0 THEN
        RAISE EXCEPTION 'max_steps must be greater than zero, not %', max_steps
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Omit it (NULL) for no limit.';
    END IF;
    PERFORM campmon._check_families(families);
    FOREACH a IN ARRAY coalesce(actions, '{}') LOOP
        IF a IS NULL OR NOT a = ANY (valid_actions) THEN
            RAISE EXCEPTION 'unknown action "%"', a USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Valid actions are: ' || array_to_string(valid_actions, ', ') || '.';
        END IF;
    END LOOP;

    -- what each tablespace's file system has left (a REPACK copies its table
    -- there first); one that cannot be read is left out: no REPACK into it
    IF repack THEN
        FOR spc IN SELECT oid FROM pg_tablespace WHERE spcname <> 'pg_global' LOOP
            BEGIN
                spc_avail := spc_avail || (SELECT available_bytes FROM campmon.tablespace_space(spc.oid));
                spc_oids := spc_oids || spc.oid;
            EXCEPTION WHEN OTHERS THEN
                NULL;
            END;
        END LOOP;
    END IF;

    RETURN QUERY
    -- work tables first: they are dropped or kept, never vacuumed or
    -- reindexed, so the listings below leave them (tens of thousands on a
    -- busy instance) out before measuring anything
    WITH w AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    t0 AS MATERIALIZED (SELECT * FROM campmon.tables t
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = t.relid)),
    i0 AS MATERIALIZED (SELECT * FROM campmon.indexes i
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = i.table_relid)),
    -- a table with an unreadable page, or with such an index, is left alone:
    -- VACUUM or REINDEX would only fail on it (or spread the damage); a
    -- keep row says why (in the modes that read pages only)
    unreadable AS MATERIALIZED (
        SELECT t0.relid, t0.schema_name, t0.table_name, t0.family, t0.basis AS why
        FROM t0 WHERE t0.method = 'unreadable'
        UNION ALL
        SELECT i0.table_relid, t0.schema_name, t0.table_name, t0.family,
               format('index %I: %s', i0.index_name, i0.basis)
        FROM i0 JOIN t0 ON t0.relid = i0.table_relid WHERE i0.method = 'unreadable'),
    t AS MATERIALIZED (SELECT * FROM t0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = t0.relid)),
    i AS MATERIALIZED (SELECT * FROM i0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = i0.table_relid)),
    xid AS (SELECT c.oid, age(c.relfrozenxid) AS xid_age FROM pg_class c WHERE c.relkind = 'r'),
    -- the tables phase 4 vacuums (with ANALYZE)
    vac AS (
        SELECT t.relid, x.xid_age > freeze_pct / 100 * freeze_max AS freeze,
               coalesce(t.dead_bytes, 0) AS gain
        FROM t JOIN xid x ON x.oid = t.relid
        WHERE t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND (x.xid_age > freeze_pct / 100 * freeze_max
               OR coalesce(t.dead_rows, t.n_dead_tup, 0) > dead_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1)
               -- dead rows that are few but wide (VACUUM reclaims dead rows, not free space)
               OR coalesce(t.dead_bytes, 0) >= greatest(dead_pct, 1) / 100 * t.table_bytes
                  AND coalesce(t.dead_rows, t.n_dead_tup, 0) > 0)
    ),
    -- the tables a rewrite would shrink, and whether VACUUM FULL (phase 8)
    -- may take each; the others are phase 7's (pg_repack)
    bloated AS (
        SELECT t.*, allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= full_max AS is_rewrite
        FROM t
        WHERE t.family <> 'catalog' AND t.bloat_pct >= current_setting('campmon.bloat_critical_pct')::numeric
          AND t.bloat_bytes >= reindex_min
    ),
    -- the bloated tables VACUUM FULL may not take, and whether pg_repack can
    -- (its own requirements: a primary key or a unique index on NOT NULL
    -- columns, room for the copy on the table's tablespace)
    online AS (
        SELECT b.*,
               (b.bloat_bytes + coalesce(b.toast_bloat_bytes, 0) +
                   coalesce((SELECT sum(i.bloat_bytes) FROM i WHERE i.table_relid = b.relid), 0))::bigint AS gain,
               EXISTS (SELECT FROM pg_index x
                       WHERE x.indrelid = b.relid AND x.indisvalid AND x.indisunique AND x.indpred IS NULL
                         AND (x.indisprimary OR (0 <> ALL (x.indkey::int2[])
                              AND NOT EXISTS (SELECT FROM pg_attribute att
                                              WHERE att.attrelid = b.relid AND att.attnum = ANY (x.indkey::int2[])
                                                AND NOT att.attnotnull)))) AS has_key,
               ceil(b.total_bytes * (1 + repack_margin / 100))::bigint AS space_needed,
               (SELECT sp.avail FROM unnest(spc_oids, spc_avail) sp(oid, avail)
                WHERE sp.oid = CASE WHEN c.reltablespace = 0
                                    THEN (SELECT dattablespace FROM pg_database WHERE datname = current_database())
                                    ELSE c.reltablespace END) AS space_left,
               coalesce((SELECT spcname FROM pg_tablespace WHERE oid = nullif(c.reltablespace, 0)), 'the default tablespace') AS tablespace,
               -- code of a less privileged role that pg_repack would run
               -- as the run's role (repack.sql): never
               CASE WHEN repack AND runner_super THEN campmon._repack_foreign_code(b.relid) END AS foreign_code
        FROM bloated b JOIN pg_class c ON c.oid = b.relid
        WHERE NOT b.is_rewrite AND b.schema_name <> 'campmon'
    ),
    repacked AS (
        SELECT o.relid FROM online o
        WHERE repack AND runner_super AND o.foreign_code IS NULL AND o.has_key AND o.space_left >= o.space_needed
          AND (actions IS NULL OR 'REPACK' = ANY (actions))
          AND o.gain >= min_gain_bytes
          AND (families IS NULL OR o.family = ANY (families))
    ),
    rewritten AS (
        SELECT b.relid FROM bloated b
        WHERE b.is_rewrite AND (actions IS NULL OR 'VACUUM (FULL)' = ANY (actions))
          AND b.bloat_bytes >= min_gain_bytes
          AND (families IS NULL OR b.family = ANY (families))
        UNION ALL
        SELECT r.relid FROM repacked r
    ),
    candidates AS (
        -- 1. work tables Campaign's cleanup would drop (suspect ones on request)
        SELECT 1 AS phase, 'DROP TABLE'::text AS action, w.relid,
               format('%I.%I', w.schema_name, w.table_name) AS target,
               campmon.family_of(w.schema_name, w.table_name) AS family,
               w.verdict || ': ' || w.reason AS reason,
               w.total_bytes AS gain, 'ACCESS EXCLUSIVE' AS lock_level, 0.05::numeric AS seconds,
               -- through drop_work_table: the verdict is read again under
               -- the table's lock, whoever runs it (\gexec, the worker)
               format('SELECT campmon.drop_work_table(%L::regclass%s)', format('%I.%I', w.schema_name, w.table_name),
                      CASE WHEN w.verdict = 'suspect' THEN ', include_suspect => true' ELSE '' END) AS command,
               w.total_bytes AS sort_key
        FROM w WHERE w.verdict = 'stale' OR (include_suspect AND w.verdict = 'suspect')
        UNION ALL
        -- work tables kept on purpose: reported, never dropped
        SELECT 9, 'keep', w.relid, format('%I.%I', w.schema_name, w.table_name),
               campmon.family_of(w.schema_name, w.table_name),
               w.verdict || ': ' || w.reason, 0, NULL, 0, NULL, 0
        FROM w WHERE show_kept AND (w.verdict = 'held' OR (NOT include_suspect AND w.verdict = 'suspect'))
        UNION ALL
        -- tables with an unreadable page: nothing is planned for them
        SELECT 9, 'keep', u.relid, format('%I.%I', u.schema_name, u.table_name), u.family,
               format('unreadable page, nothing planned: %s; check it with amcheck and pg_checksums', u.why),
               0, NULL, 0, NULL, 0
        FROM unreadable u WHERE show_kept
        UNION ALL
        -- 2. invalid indexes left by failed concurrent builds
        SELECT 2, 'DROP INDEX CONCURRENTLY', i.indexrelid, format('%I.%I', i.schema_name, i.index_name), i.family,
               format('invalid index on %s (a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY left it): it costs every write and serves no read',
                      i.table_name),
               i.index_bytes, 'SHARE UPDATE EXCLUSIVE', 0.5, format('DROP INDEX CONCURRENTLY %I.%I', i.schema_name, i.index_name),
               i.index_bytes
        FROM i WHERE NOT i.is_valid AND i.schema_name NOT IN ('pg_catalog', 'pg_toast')
        UNION ALL
        -- 2. what an interrupted pg_repack left behind, cleaned with
        -- pg_repack's own cleanup (not while a pg_repack works on the table:
        -- clean_repack_leftovers checks under pg_repack's advisory lock)
        SELECT 2, 'REPACK cleanup', l.table_relid, l.target, coalesce(campmon.family_of(n.nspname, c.relname), 'other'),
               format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile); pg_repack''s own cleanup',
                      array_to_string(l.objects, ', ')),
               0::bigint, 'ACCESS EXCLUSIVE', 1.0,
               format('SELECT campmon.clean_repack_leftovers(%s)',
                      CASE WHEN c.oid IS NOT NULL THEN quote_literal(l.target) || '::regclass'
                           ELSE l.table_relid::text || '::oid::regclass' END),
               0::bigint
        FROM campmon._repack_leftovers() l
        LEFT JOIN pg_class c ON c.oid = l.table_relid
        LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
        UNION ALL
        -- 3. system catalogs bloated by work-table churn, after the drops
        SELECT 3, 'VACUUM', t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               format('catalog %s: %s%% bloat, %s dead rows (work tables created and dropped churn the catalogs)',
                      t.table_name, t.bloat_pct, coalesce(t.dead_rows, t.n_dead_tup)),
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
                                coalesce(t.dead_rows, t.n_dead_tup), pg_size_pretty(coalesce(t.dead_bytes, 0)), t.bloat_pct) END,
               coalesce(t.dead_bytes, 0), 'SHARE UPDATE EXCLUSIVE', round(t.table_bytes / 200e6 + 0.1, 1),
               format('VACUUM (%sANALYZE) %I.%I',
                      CASE WHEN x.xid_age > freeze_pct / 100 * freeze_max THEN 'FREEZE, ' ELSE '' END,
                      t.schema_name, t.table_name),
               coalesce(t.dead_bytes, 0)
        FROM t JOIN xid x ON x.oid = t.relid JOIN vac v ON v.relid = t.relid
        -- a table this plan repacks: the copy leaves its dead rows behind
        WHERE x.xid_age > freeze_pct / 100 * freeze_max
           OR NOT EXISTS (SELECT FROM repacked r WHERE r.relid = t.relid)
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
                                round(100.0 * t.n_mod_since_analyze / greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1))) END,
               0, 'SHARE UPDATE EXCLUSIVE', 0.5, format('ANALYZE %I.%I', t.schema_name, t.table_name), 0
        FROM t
        WHERE t.family <> 'catalog' AND t.table_bytes > 0
          AND t.schema_name <> 'campmon'        -- its own history: autovacuum's
          AND ((t.last_analyze IS NULL AND t.last_autoanalyze IS NULL)
               OR t.n_mod_since_analyze > analyze_pct / 100 * greatest(coalesce(t.live_rows, t.n_live_tup, 0), 1))
          -- not when a VACUUM (ANALYZE) or VACUUM (FULL, ANALYZE) of this plan analyzes it
          AND NOT EXISTS (SELECT FROM vac v WHERE v.relid = t.relid
                            AND (actions IS NULL OR CASE WHEN v.freeze THEN 'VACUUM (FREEZE)' ELSE 'VACUUM' END = ANY (actions))
                            AND (v.freeze OR v.gain >= min_gain_bytes))
          AND NOT EXISTS (SELECT FROM rewritten rw WHERE rw.relid = t.relid)
        UNION ALL
        -- 7. online rewrites (pg_repack) where VACUUM FULL may not go: the
        -- delivery logs, tables above campmon.vacuum_full_max_size, or any
        -- table when blocking steps are not allowed
        SELECT 7, CASE WHEN r.relid IS NOT NULL THEN 'REPACK' ELSE 'keep' END,
               o.relid, format('%I.%I', o.schema_name, o.table_name), o.family,
               CASE WHEN r.relid IS NOT NULL
                    THEN format('%s%% bloat: pg_repack gives %s back online (table, TOAST and indexes rebuilt; ACCESS EXCLUSIVE only briefly at the start and the swap); VACUUM FULL not planned: %s; needs %s free on %s (%s left)',
                                o.bloat_pct, pg_size_pretty(o.gain),
                                CASE WHEN NOT allow_blocking THEN 'blocking steps not allowed'
                                     WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                                     ELSE format('larger than campmon.vacuum_full_max_size (%s)', pg_size_pretty(full_max)) END,
                                pg_size_pretty(o.space_needed), o.tablespace, pg_size_pretty(o.space_left))
                    ELSE format('a rewrite would give back %s (%s%% bloat) but is not planned: VACUUM FULL %s; REPACK %s',
                                pg_size_pretty(o.gain), o.bloat_pct,
                                CASE WHEN NOT allow_blocking THEN 'blocks every read and write (allow_blocking => true)'
                                     WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                                     ELSE format('not above campmon.vacuum_full_max_size (%s)', pg_size_pretty(full_max)) END,
                                CASE WHEN NOT repack
                                     THEN 'needs the pg_repack extension: CREATE EXTENSION pg_repack (Debian package postgresql-15-repack)'
                                     WHEN NOT runner_super
                                     THEN format('needs a superuser (pg_repack''s requirement), and %s is not one', runner)
                                     WHEN o.foreign_code IS NOT NULL
                                     THEN format('would run code that %s did not write with its rights (%s): pg_repack builds the copy''s indexes as the role that runs it, where VACUUM FULL and REINDEX switch to the table''s owner (doc/safety.md)',
                                                 runner, o.foreign_code)
                                     WHEN NOT o.has_key
                                     THEN 'needs a primary key or a unique index on NOT NULL columns (pg_repack''s requirement)'
                                     WHEN o.space_left IS NULL
                                     THEN format('needs %s free on %s, whose file system could not be read', pg_size_pretty(o.space_needed), o.tablespace)
                                     WHEN o.space_left < o.space_needed
                                     THEN format('needs %s free on %s for the copy (table, TOAST, indexes and campmon.repack_space_margin_pct %s%%), %s left',
                                                 pg_size_pretty(o.space_needed), o.tablespace, repack_margin, pg_size_pretty(o.space_left))
                                     ELSE 'left out by the arguments' END) END,
               CASE WHEN r.relid IS NOT NULL THEN o.gain ELSE 0 END,
               CASE WHEN r.relid IS NOT NULL THEN 'ACCESS EXCLUSIVE (brief)' END,
               round(o.total_bytes / 50e6 + 1, 1),
               -- SQL that keeps every check (the run plans it again and the
               -- worker guards pg_repack); the client's own command line in
               -- shell_command, each argument in single quotes for the shell
               CASE WHEN r.relid IS NOT NULL
                    THEN format('CALL campmon.run_plan(dry_run => false, actions => ARRAY[''REPACK''], targets => ARRAY[%L::regclass])',
                                format('%I.%I', o.schema_name, o.table_name)) END,
               o.gain
        FROM online o LEFT JOIN repacked r ON r.relid = o.relid
        WHERE r.relid IS NOT NULL OR show_kept
        UNION ALL
        -- 8. blocking rewrites: only when asked, where VACUUM cannot give the space back
        SELECT 8, 'VACUUM (FULL)', t.relid, format('%I.%I', t.schema_name, t.table_name), t.family,
               format('%s%% bloat: only a rewrite gives %s back to the file system; blocks every read and write of the table while it runs, followed by ANALYZE',
                      t.bloat_pct, pg_size_pretty(t.bloat_bytes)),
               t.bloat_bytes, 'ACCESS EXCLUSIVE', round(t.table_bytes / 100e6 + 0.5, 1),
               format('VACUUM (FULL, ANALYZE) %I.%I', t.schema_name, t.table_name),
               -t.table_bytes          -- smallest first
        FROM bloated t
        WHERE t.is_rewrite
    )
    -- a step the role may not run is a keep row saying who may
    , allowed AS (
        SELECT c.*, CASE WHEN c.action <> 'keep' THEN campmon._maintain_denied(c.relid, c.action, runner) END AS denied
        FROM candidates c
        WHERE (families IS NULL OR c.family = ANY (families))
          AND (actions IS NULL OR c.action = ANY (actions))
          AND (targets IS NULL OR c.relid = ANY (targets::oid[]))
          AND (c.action = 'keep' OR c.gain >= min_gain_bytes OR c.action IN ('ANALYZE', 'VACUUM (FREEZE)', 'REPACK cleanup'))
    )
    SELECT (row_number() OVER (ORDER BY CASE WHEN a.denied IS NULL THEN a.phase ELSE 9 END, a.sort_key DESC, a.target))::integer,
           CASE WHEN a.denied IS NULL THEN a.action ELSE 'keep' END, a.target, a.family,
           CASE WHEN a.denied IS NULL THEN a.reason ELSE format('%s not planned: %s (%s)', a.action, a.denied, a.reason) END,
           CASE WHEN a.denied IS NULL THEN a.gain ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.lock_level END,
           CASE WHEN a.denied IS NULL THEN a.seconds ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.command END, a.relid,
           CASE WHEN a.denied IS NULL AND a.action = 'REPACK'
                THEN format('pg_repack --no-kill-backend --wait-timeout=%s --dbname=%s --table=%s', wait_s,
                            '''' || replace(current_database(), '''', '''\''''') || '''',
                            '''' || replace(a.target, '''', '''\''''') || '''') END
    FROM allowed a
    WHERE (a.action <> 'keep' AND a.denied IS NULL) OR show_kept
    ORDER BY 1
    LIMIT max_steps;
END $fn$;

COMMENT ON FUNCTION campmon.plan(text[], text[], bigint, integer, boolean, boolean, boolean, regclass[], name) IS
'Ordered maintenance steps with reason, expected gain, lock level and a ready-to-run command';

REVOKE ALL ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) TO campmon_reader, pg_monitor;

-- drop_work_table: NULL is an error (it answered 'gone already').  The
-- verdict under the lock is that one table's (_stale_tables(rel)): a run of
-- 10,000 drops does not judge every work table 10,000 times.
CREATE OR REPLACE FUNCTION campmon.drop_work_table(rel regclass, include_suspect boolean DEFAULT false)
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
    owner_oid oid;
    st record;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'rel must not be NULL' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass a work table, e.g. ''public.wkf1234_5_1'' or campmon.stale_tables.relid.';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind, n.nspname, c.relname, c.relowner
    INTO name, kind, nsp_name, rel_name, owner_oid
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
    -- Campaign's cleanup never drops postgres's tables; campmon neither, nor
    -- a superuser's, nor those of campmon.never_work_table_owners
    IF owner_oid = ANY (campmon._never_work_table_owners()) THEN
        RAISE EXCEPTION 'not dropped: % is owned by %, whose tables are never work tables', name, pg_get_userbyid(owner_oid)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Tables of postgres, of superusers and of the roles in campmon.never_work_table_owners are never work tables.',
                  HINT = 'If it really is a work table, drop it yourself.';
    END IF;
    -- the lock first: the verdict is then re-read with nobody else inside.
    -- Someone may drop the table between the lookup above and the lock (the
    -- name then names nothing, or another relation): gone already, too.
    BEGIN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', name);
    EXCEPTION WHEN undefined_table THEN
        RETURN 'gone already';
    END;
    IF pg_catalog.to_regclass(name) IS DISTINCT FROM rel THEN
        RETURN 'gone already';
    END IF;
    SELECT * INTO st FROM campmon._stale_tables(rel) s WHERE s.relid = rel;
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

COMMENT ON FUNCTION campmon.drop_work_table(regclass, boolean) IS
'Drop a work table if it is still stale now, checked under its ACCESS EXCLUSIVE lock';

REVOKE ALL ON FUNCTION campmon.drop_work_table(regclass,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.drop_work_table(regclass,boolean) TO campmon_admin;
