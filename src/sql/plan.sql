/*
 * plan.sql -- campmon.plan(): tonight's ordered maintenance steps (DROP of
 * stale work tables, VACUUM, REINDEX, VACUUM FULL, ANALYZE), each with its
 * command, lock level, expected gain and reason.  A plan is a list of
 * commands: nothing runs here.
 *
 * The steps come from the phases, one file each under plan/ (each says what
 * it plans and why).  _plan_prepare() computes once what they share -- the
 * work tables' verdicts, the table and index listings (about 0.5 s each at
 * 50,000 relations), the settings, the tablespaces' free space -- into a
 * campmon._plan_context (plan_types.sql); plan() runs the phases, tells
 * the later ones what the earlier ones rewrite or vacuum, then filters,
 * orders and numbers the steps.
 *
 * Both run their queries with generic plans (plan_cache_mode): a custom
 * plan folds the context into a constant, a copy of its megabytes (40,000
 * work tables' rows at 50,000 relations) for every query that reads it,
 * 10 ms each.
 */

-- What the phases share, computed once per plan.
CREATE OR REPLACE FUNCTION campmon._plan_prepare(
    families text[], actions text[], min_gain_bytes bigint, include_suspect boolean,
    allow_blocking boolean, show_kept boolean, runner name)
RETURNS campmon._plan_context
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '2MB'
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
    ctx campmon._plan_context;
    spc record;
BEGIN
    PERFORM campmon.version();        -- defines the campmon.* settings
    ctx.families := families;
    ctx.actions := actions;
    ctx.min_gain_bytes := min_gain_bytes;
    ctx.include_suspect := include_suspect;
    ctx.allow_blocking := allow_blocking;
    ctx.show_kept := show_kept;
    ctx.runner := runner;
    -- pg_repack needs a superuser, and runs as the run's role
    ctx.runner_super := (SELECT rolsuper FROM pg_roles WHERE rolname = runner);
    ctx.dead_pct := current_setting('campmon.vacuum_min_dead_pct')::numeric;
    ctx.freeze_pct := current_setting('campmon.freeze_age_pct')::numeric;
    ctx.freeze_max := current_setting('autovacuum_freeze_max_age')::bigint;
    ctx.reindex_pct := current_setting('campmon.reindex_min_bloat_pct')::numeric;
    ctx.reindex_min := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.reindex_min_size');
    ctx.analyze_pct := current_setting('campmon.analyze_min_changed_pct')::numeric;
    ctx.analyze_min_rows := current_setting('campmon.analyze_min_changed_rows')::bigint;
    ctx.vacuum_min_rows := current_setting('campmon.vacuum_min_dead_rows')::bigint;
    ctx.vacuum_min_bytes := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_min_dead_size');
    ctx.full_max := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.vacuum_full_max_size');
    ctx.rewrite_pct := current_setting('campmon.bloat_critical_pct')::numeric;
    ctx.routine_pct := current_setting('campmon.bloat_warning_pct')::numeric;
    ctx.repack := EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_repack');
    ctx.repack_margin := current_setting('campmon.repack_space_margin_pct')::numeric;
    ctx.spc_oids := '{}';
    ctx.spc_avail := '{}';
    ctx.repacked := '{}';
    ctx.rewritten := '{}';
    ctx.vacuumed := '{}';

    -- what each tablespace's file system has left (a REPACK copies its table
    -- there first); one that cannot be read is left out: no REPACK into it
    IF ctx.repack THEN
        FOR spc IN SELECT oid FROM pg_tablespace WHERE spcname <> 'pg_global' LOOP
            BEGIN
                ctx.spc_avail := ctx.spc_avail || (SELECT available_bytes FROM campmon.tablespace_space(spc.oid));
                ctx.spc_oids := ctx.spc_oids || spc.oid;
            EXCEPTION WHEN OTHERS THEN
                NULL;
            END;
        END LOOP;
    END IF;

    -- work tables first: they are dropped or kept, never vacuumed or
    -- reindexed, so the listings leave them (tens of thousands on a busy
    -- instance) out before measuring anything
    WITH w AS MATERIALIZED (SELECT * FROM campmon._stale_tables()),
    t0 AS MATERIALIZED (SELECT t FROM campmon.tables t
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = t.relid)),
    i0 AS MATERIALIZED (SELECT i FROM campmon.indexes i
                        WHERE NOT EXISTS (SELECT FROM w WHERE w.relid = i.table_relid)),
    -- a table with an unreadable page, or with such an index, is left alone:
    -- VACUUM or REINDEX would only fail on it (or spread the damage); a
    -- keep row says why (in the modes that read pages only)
    unreadable AS MATERIALIZED (
        SELECT (t0.t).relid, (t0.t).schema_name, (t0.t).table_name, (t0.t).family, (t0.t).basis AS why
        FROM t0 WHERE (t0.t).method = 'unreadable'
        UNION ALL
        SELECT (i0.i).table_relid, (t0.t).schema_name, (t0.t).table_name, (t0.t).family,
               format('index %I: %s', (i0.i).index_name, (i0.i).basis)
        FROM i0 JOIN t0 ON (t0.t).relid = (i0.i).table_relid WHERE (i0.i).method = 'unreadable')
    SELECT ARRAY(SELECT ROW(w.relid, w.schema_name, w.table_name, w.verdict, w.reason, w.total_bytes)::campmon._plan_work_table
                 FROM w),
           ARRAY(SELECT t0.t FROM t0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = (t0.t).relid)),
           ARRAY(SELECT i0.i FROM i0 WHERE NOT EXISTS (SELECT FROM unreadable u WHERE u.relid = (i0.i).table_relid)),
           ARRAY(SELECT ROW(9, 'keep', u.relid, format('%I.%I', u.schema_name, u.table_name), u.family,
                            format('unreadable page, nothing planned: %s; check it with amcheck and pg_checksums', u.why),
                            0, NULL, 0, NULL, 0)::campmon._plan_step
                 FROM unreadable u)
    INTO ctx.work_tables, ctx.tables, ctx.indexes, ctx.unreadable;

    -- Adobe's routine rebuild list (campmon.routine_rebuild), in the Campaign
    -- schemas; a row a non-superuser wrote names only the tables that role
    -- owns (it could rewrite them itself): what it adds never makes a
    -- superuser's run rewrite another role's table
    ctx.routine := ARRAY(
        SELECT t.relid
        FROM unnest(ctx.tables) t
        JOIN pg_class c ON c.oid = t.relid
        JOIN campmon.routine_rebuild r ON r.table_name = t.table_name
        WHERE t.schema_name = ANY (campmon._work_table_schemas())
          AND CASE WHEN campmon._editor_trusted(r.edited_by) THEN true
                   WHEN NOT EXISTS (SELECT FROM pg_roles e WHERE e.rolname = r.edited_by) THEN false
                   ELSE pg_has_role(r.edited_by, c.relowner, 'USAGE') END);

    -- the tables a rewrite would shrink (bloat from campmon.bloat_critical_pct,
    -- from campmon.bloat_warning_pct for the routine list), and whether
    -- VACUUM FULL (phase 8) may take each; the others are phase 7's (pg_repack)
    WITH bloated AS (
        SELECT t, ctx.allow_blocking AND t.family <> 'broadlog' AND t.table_bytes <= ctx.full_max AS is_rewrite
        FROM unnest(ctx.tables) t
        -- a sampled figure by its 95% interval's low end (_bloat_judged)
        CROSS JOIN LATERAL (SELECT (campmon._bloat_judged(t.method, t.bloat_pct, t.bloat_pct_low, t.bloat_pct_high,
                                                          ctx.rewrite_pct, ctx.rewrite_pct)).sure_pct AS pct) j
        WHERE t.family <> 'catalog' AND t.bloat_bytes >= ctx.reindex_min
          AND (j.pct >= ctx.rewrite_pct
               OR (j.pct >= ctx.routine_pct AND t.relid = ANY (ctx.routine))))
    SELECT ARRAY(SELECT b.t FROM bloated b WHERE b.is_rewrite),
           ARRAY(SELECT b.t FROM bloated b WHERE NOT b.is_rewrite)
    INTO ctx.rewrite_blocking, ctx.rewrite_online;
    RETURN ctx;
END $fn$;

REVOKE ALL ON FUNCTION campmon._plan_prepare(text[],text[],bigint,boolean,boolean,boolean,name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_prepare(text[],text[],bigint,boolean,boolean,boolean,name) TO campmon_reader, pg_monitor;

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
SET plan_cache_mode = force_generic_plan
AS $fn$
DECLARE
    ctx campmon._plan_context;
    -- the steps of the phases that later phases read
    early campmon._plan_step[];
    -- the role the steps are for: the caller's, or the one named (a report
    -- shows tonight's plan as the nightly job's role would run it)
    runner name := coalesce(run_as, current_user);
    wait_s integer;
    -- what a maintenance cadence says is overdue (plan/cadence.sql), and
    -- this server's rates per kind of step (estimates.sql)
    due campmon.maintenance_due[];
    rates campmon.step_rates[];
    valid_actions text[] := ARRAY['DROP TABLE', 'DROP INDEX CONCURRENTLY', 'VACUUM', 'VACUUM (FREEZE)',
                                  'REINDEX INDEX CONCURRENTLY', 'ANALYZE', 'REPACK cleanup', 'REPACK', 'VACUUM (FULL)', 'keep'];
    a text;
    -- what stops VACUUM (vacuum_blockers.sql): whether to look at all, and
    -- the steps of the phases read first that were looked at (relid,
    -- action, and why the xmin horizon makes it useless, or NULL)
    look boolean;
    held_relids oid[] := '{}';
    held_actions text[] := '{}';
    held_whys text[] := '{}';
BEGIN
    PERFORM campmon.version();
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

    ctx := campmon._plan_prepare(families, actions, min_gain_bytes, include_suspect, allow_blocking, show_kept, runner);
    -- only when some input of the horizon is old enough to last until the
    -- step (campmon.vacuum_blocker_min_age), or of an age we cannot see
    look := campmon._horizon_held();
    -- overdue rebuilds join the rewrites phases 7 and 8 plan, whatever their bloat
    due := ARRAY(SELECT d FROM campmon.maintenance_due d WHERE d.overdue);
    ctx := campmon._plan_cadence_rewrites(ctx, due);
    rates := ARRAY(SELECT r FROM campmon.step_rates r);

    -- The phases that later ones read come first.  pg_repack: phase 4
    -- leaves out the tables it repacks (the copy leaves the dead rows
    -- behind) unless they need freezing.
    early := ARRAY(SELECT s FROM campmon._plan_repack(ctx) s);
    SELECT held_relids || coalesce(array_agg(h.relid), '{}'), held_actions || coalesce(array_agg(h.action), '{}'),
           held_whys || coalesce(array_agg(h.why), '{}')
    INTO held_relids, held_actions, held_whys FROM campmon._plan_held(early, look, families, actions, targets) h;
    ctx.repacked := ARRAY(SELECT s.relid FROM unnest(early) s WHERE s.action = 'REPACK'
                          AND NOT EXISTS (SELECT FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                                          WHERE h.relid = s.relid AND h.action = 'REPACK' AND h.why IS NOT NULL));
    -- VACUUM FULL and VACUUM: phases 5 and 6 leave out the tables this plan
    -- rewrites (the rewrite rebuilds the indexes, ANALYZE follows it), phase
    -- 6 those it vacuums (VACUUM (ANALYZE)) -- the steps the arguments keep
    -- (as below; targets aside)
    early := early || ARRAY(SELECT s FROM campmon._plan_vacuum_full(ctx) s
                            UNION ALL SELECT s FROM campmon._plan_vacuum(ctx) s);
    early := early || ARRAY(SELECT s FROM campmon._plan_cadence_vacuum(ctx, due, early) s);
    -- a VACUUM the horizon makes useless is a keep row: not one that
    -- analyzes its table for phase 6
    SELECT held_relids || coalesce(array_agg(h.relid), '{}'), held_actions || coalesce(array_agg(h.action), '{}'),
           held_whys || coalesce(array_agg(h.why), '{}')
    INTO held_relids, held_actions, held_whys
    FROM campmon._plan_held(ARRAY(SELECT s FROM unnest(early) s WHERE s.action = 'VACUUM'), look, families, actions, targets) h;
    SELECT ctx.repacked || coalesce(array_agg(s.relid) FILTER (WHERE s.action = 'VACUUM (FULL)'), '{}'),
           coalesce(array_agg(s.relid) FILTER (WHERE s.action <> 'VACUUM (FULL)'), '{}')
    INTO ctx.rewritten, ctx.vacuumed
    FROM unnest(early) s
    WHERE s.action IN ('VACUUM (FULL)', 'VACUUM', 'VACUUM (FREEZE)')
      AND (families IS NULL OR s.family = ANY (families))
      AND (actions IS NULL OR s.action = ANY (actions))
      AND (s.gain >= min_gain_bytes OR s.action = 'VACUUM (FREEZE)')
      AND NOT EXISTS (SELECT FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                      WHERE h.relid = s.relid AND h.action = s.action AND h.why IS NOT NULL);

    RETURN QUERY
    -- every phase's steps (plan/<phase>.sql; the drops straight from their
    -- phase: tens of thousands on a neglected database)
    WITH candidates AS (
        SELECT * FROM unnest(ctx.unreadable)
        UNION ALL SELECT * FROM unnest(early)
        UNION ALL SELECT * FROM campmon._plan_drop_work_tables(ctx)
        UNION ALL SELECT * FROM campmon._plan_invalid_indexes(ctx)
        UNION ALL SELECT * FROM campmon._plan_repack_cleanup(ctx)
        UNION ALL SELECT * FROM campmon._plan_catalogs(ctx)
        UNION ALL SELECT * FROM campmon._plan_reindex(ctx)
        UNION ALL SELECT * FROM campmon._plan_cadence_reindex(ctx, due)
        UNION ALL SELECT * FROM campmon._plan_analyze(ctx)
        -- keep rows only (show_kept): the routine list's tables that need
        -- no rewrite, and index hygiene's advice
        UNION ALL SELECT * FROM campmon._plan_routine_rebuild(ctx)
        UNION ALL SELECT * FROM campmon._plan_index_hygiene(ctx)
    ),
    -- a step the role may not run is a keep row saying who may; a
    -- superuser may run every step (_maintain_denied's first answer: not
    -- asked once per step).  MATERIALIZED: asked once per step, not once
    -- per use of denied below (inlined, 25,000 drops asked it seven times
    -- each: 5 s at 50,000 relations)
    allowed AS MATERIALIZED (
        SELECT c.*, coalesce(CASE WHEN c.action <> 'keep' AND NOT ctx.runner_super
                                  THEN campmon._maintain_denied(c.relid, c.action, runner) END,
                             -- the xmin horizon makes it useless: the early
                             -- phases' steps were looked at above, the others here
                             CASE WHEN NOT look OR c.action NOT IN ('VACUUM', 'REINDEX INDEX CONCURRENTLY', 'REPACK') THEN NULL
                                  WHEN EXISTS (SELECT FROM unnest(held_relids, held_actions) h(relid, action)
                                               WHERE h.relid = c.relid AND h.action = c.action)
                                  THEN (SELECT h.why FROM unnest(held_relids, held_actions, held_whys) h(relid, action, why)
                                        WHERE h.relid = c.relid AND h.action = c.action LIMIT 1)
                                  ELSE campmon._horizon_blocks(c.relid, c.action, look) END) AS denied
        FROM candidates c
        WHERE (families IS NULL OR c.family = ANY (families))
          AND (actions IS NULL OR c.action = ANY (actions))
          AND (targets IS NULL OR c.relid = ANY (targets::oid[]))
          AND (c.action = 'keep' OR c.gain >= min_gain_bytes OR c.action IN ('ANALYZE', 'VACUUM (FREEZE)', 'REPACK cleanup'))
    )
    -- a step's duration from this server's history of such steps, else
    -- the phase's constant (estimates.sql); its reason says which
    , estimated AS (
        SELECT a.*, e.seconds AS est, e.basis AS est_basis
        FROM allowed a
        LEFT JOIN LATERAL campmon._estimated_seconds(a.action,
                      CASE WHEN a.action = 'DROP TABLE' THEN a.gain ELSE campmon._total_bytes(a.relid) END,
                      a.seconds, rates) e ON a.action <> 'keep' AND a.denied IS NULL
    )
    SELECT (row_number() OVER (ORDER BY CASE WHEN a.denied IS NULL THEN a.phase ELSE 9 END, a.sort_key DESC, a.target))::integer,
           CASE WHEN a.denied IS NULL THEN a.action ELSE 'keep' END, a.target, a.family,
           -- a rewrite a cadence asked for says so first
           concat_ws('; ', CASE WHEN a.phase IN (7, 8) THEN campmon._plan_cadence_note(due, a.relid, 'rebuild') END,
                     CASE WHEN a.denied IS NULL THEN a.reason ELSE format('%s not planned: %s (%s)', a.action, a.denied, a.reason) END,
                     a.est_basis),
           CASE WHEN a.denied IS NULL THEN a.gain ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.lock_level END,
           CASE WHEN a.denied IS NULL THEN coalesce(a.est, a.seconds) ELSE 0 END,
           CASE WHEN a.denied IS NULL THEN a.command END, a.relid,
           CASE WHEN a.denied IS NULL AND a.action = 'REPACK'
                THEN format('pg_repack --no-kill-backend --wait-timeout=%s --dbname=%s --table=%s', wait_s,
                            '''' || replace(current_database(), '''', '''\''''') || '''',
                            '''' || replace(a.target, '''', '''\''''') || '''') END
    FROM estimated a
    WHERE (a.action <> 'keep' AND a.denied IS NULL) OR show_kept
    ORDER BY 1
    LIMIT max_steps;
END $fn$;

COMMENT ON FUNCTION campmon.plan(text[], text[], bigint, integer, boolean, boolean, boolean, regclass[], name) IS
'Ordered maintenance steps with reason, expected gain, lock level and a ready-to-run command';

REVOKE ALL ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.plan(text[],text[],bigint,integer,boolean,boolean,boolean,regclass[],name) TO campmon_reader, pg_monitor;
