/*
 * checks.sql -- campmon.checks: the alerts, one row per check and target
 * with a status (ok, warning, critical), a value and a message that says
 * what to do.  Check names and columns are stable: BI tools read them.
 */

-- Purge backlog of one log table (r: its purge rule; found_by: how the
-- table was found): its oldest date, found through an index on the date
-- column or a sample of about 100 pages, never a full scan; rows and bytes
-- past retention estimated from the column's histogram.  The delay is the
-- option's (any typed column of xtkoption); absent or unreadable, the
-- rule's default is assumed, and an assumed default never raises critical.
CREATE OR REPLACE FUNCTION campmon._purge_backlog(rel regclass, r campmon.purge_rule, options regclass,
                                                  ref timestamptz, found_by text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    date_column text := r.date_column;
    delay interval;
    o record;
    delay_text text;
    oldest timestamptz;
    cutoff timestamptz;
    backlog interval;
    how text;
    frac double precision;
    pages double precision;
    rows_past text;
BEGIN
    IF NOT campmon._has_column(rel, date_column) THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s has no column %s: its purge cannot be checked', rel, date_column);
        RETURN;
    END IF;
    IF NOT has_table_privilege(rel, 'SELECT') THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s may not be read by %s: its purge cannot be checked', rel, current_user);
        RETURN;
    END IF;

    SELECT * INTO o FROM campmon._option(options, r.option_name);
    delay := campmon._option_seconds(o.value);
    IF delay IS NOT NULL THEN
        delay_text := format('%s = %s s, from %s', r.option_name, trim(o.value), o.source_column);
    ELSIF o.found THEN
        delay_text := format('%s unreadable: %s assumed (%s)', r.option_name, campmon._human(r.default_delay),
                             coalesce(r.default_note, 'campmon''s default'));
    ELSE
        delay_text := format('%s absent: %s assumed (%s)', r.option_name, campmon._human(r.default_delay),
                             coalesce(r.default_note, 'campmon''s default'));
    END IF;
    delay := coalesce(delay, r.default_delay);
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
            format('%s is empty (retention %s; %s; %s)', rel, campmon._human(delay), delay_text, found_by);
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
        CASE WHEN backlog > delay AND o.value IS NOT NULL AND campmon._option_seconds(o.value) IS NOT NULL THEN 'critical'
             WHEN backlog > interval '1 day' THEN 'warning' ELSE 'ok' END,
        rel::text,
        round((extract(epoch FROM greatest(backlog, interval '0')) / 86400)::numeric, 1),
        1::numeric,
        format('oldest %s is %s (found by %s); retention %s (%s; %s)%s',
               date_column, to_char(oldest, 'YYYY-MM-DD HH24:MI'), how, campmon._human(delay), delay_text, found_by,
               CASE WHEN backlog > interval '1 day'
                    THEN format(': %s days behind the purge; %s', round((extract(epoch FROM backlog) / 86400)::numeric, 1), rows_past)
                    ELSE ': the purge keeps up' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) TO campmon_reader, pg_monitor;

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
    alert_min bigint := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.bloat_alert_min_size');
    s text;
    pr campmon.purge_rule;
    o record;
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
        problem := CASE WHEN opt IS NOT NULL THEN
                            coalesce(campmon._unsafe_to_read(opt, 'sname'::text || campmon._option_columns()),
                                     CASE WHEN NOT has_table_privilege(opt, 'SELECT') THEN format('%s may not be read by %s', opt, current_user) END)
                   END;
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
                SELECT x.value INTO v FROM campmon._option(opt, 'NmsCleanup_LastCleanup') x;
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
                SELECT x.value INTO v FROM campmon._option(opt, 'XtkCleanup_NoStats') x;
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

        -- technical workflows, workflows in error or paused
        IF wf IS NOT NULL THEN
            BEGIN
                RETURN QUERY SELECT * FROM campmon._workflow_checks(wf, ref);
            EXCEPTION WHEN OTHERS THEN
                RETURN QUERY SELECT 'technical_workflow', 'warning', wf::text, NULL::numeric, NULL::numeric,
                    format('cannot read the workflows of %s: %s', wf, SQLERRM);
            END;
        END IF;

        -- work-table rules that cannot be applied: their tables are judged by age
        FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
            problem := campmon._rule_problem(r, s);
            IF problem IS NOT NULL AND problem <> 'missing' THEN
                RETURN QUERY SELECT 'campaign_schema', 'warning', format('%I.%I', s, r.owner_table), NULL::numeric, NULL::numeric,
                    format('work-table rule %s is skipped: %s; its work tables are judged by age only', r.rule, problem);
            END IF;
        END LOOP;

        -- purge backlog of the log tables: those the delivery mappings name
        -- (campmon._purge_tables), else found by name
        FOR pr IN SELECT * FROM campmon.purge_rule ORDER BY pattern LOOP
            SELECT * INTO o FROM campmon._option(opt, pr.option_name);
            IF o.found AND campmon._option_seconds(o.value) IS NULL THEN
                RETURN QUERY SELECT 'campaign_option', 'warning', format('%s.%s', opt, pr.option_name), NULL::numeric, NULL::numeric,
                    format('option %s has a value that is not a number of seconds (%s, from %s): %s is assumed',
                           pr.option_name, coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'),
                           campmon._human(pr.default_delay));
            END IF;
            FOR rec IN SELECT * FROM campmon._purge_tables(s, pr) LOOP
                problem := campmon._unsafe_to_read(rec.rel, ARRAY[pr.date_column]);
                IF problem IS NOT NULL THEN
                    RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('%s is not read: %s', rec.rel, problem);
                    CONTINUE;
                END IF;
                -- one purge rule that does not fit its table (a date column of
                -- another type, say) is a warning row, not the end of the checks
                BEGIN
                    RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, pr, opt, ref, rec.found_by);
                EXCEPTION WHEN OTHERS THEN
                    RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('cannot check the purge of %s by column %s: %s', rec.rel, pr.date_column, SQLERRM);
                END;
            END LOOP;
        END LOOP;

        -- what the cleanup should have done to deliveries, sessions; the
        -- identifier sequence
        BEGIN
            RETURN QUERY SELECT * FROM campmon._delivery_checks(s, opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'deliveries_not_closed', 'warning', format('%I.nmsdelivery', s), NULL::numeric, NULL::numeric,
                format('cannot check the deliveries of schema %s: %s', s, SQLERRM);
        END;
        BEGIN
            RETURN QUERY SELECT * FROM campmon._session_backlog(s, opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'session_backlog', 'warning', format('%I.xtksessioninfo', s), NULL::numeric, NULL::numeric,
                format('cannot check the sessions of schema %s: %s', s, SQLERRM);
        END;
        BEGIN
            RETURN QUERY SELECT * FROM campmon._sequence_checks(s);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'xtknewid_sequence', 'warning', format('%I.xtknewid', s), NULL::numeric, NULL::numeric,
                format('cannot read the identifier sequence of schema %s: %s', s, SQLERRM);
        END;
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
           format('indexes %s, table %s (TOAST included)%s', pg_size_pretty(x.idx), pg_size_pretty(x.heap),
                  CASE WHEN x.idx > x.heap AND x.heap > 0 THEN ': the indexes outgrew the table, a sign that VACUUM (and REINDEX) are due' ELSE '' END)
    -- the table with its TOAST (nmsmirrorpageinfo is mostly TOAST): its
    -- indexes outgrowing the main fork alone is no sign of anything
    FROM (SELECT c.oid::regclass AS rel, pg_indexes_size(c.oid) AS idx, pg_table_size(c.oid) AS heap
          FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
          WHERE c.relkind = 'r' AND ns.nspname = ANY (schemas)
            AND campmon.family_of(ns.nspname, c.relname) IN ('broadlog', 'tracking', 'delivery', 'workflow', 'recipient',
                                                             'session', 'message_center')) x
    ORDER BY x.rel::text;

    -- bloat of the high-churn tables and their B-tree indexes: candidates
    -- by name first (a LIKE on the pattern's literal prefix, then the
    -- pattern), then measured; warning and critical only above
    -- campmon.bloat_alert_min_size (a 300 kB table at 91% is no alert)
    -- (a relation's family is its first matching rule, campmon.family_of
    -- in C: one call per relation, 40 ms at 50,000, where testing every
    -- rule's pattern on every name took 600 ms; then that family's
    -- high-churn rules decide)
    RETURN QUERY
    WITH pre AS MATERIALIZED (
        SELECT c.oid, ns.nspname::text AS nspname, c.relname::text AS relname, campmon.family_of(ns.nspname, c.relname) AS family
        FROM pg_class c
        JOIN pg_namespace ns ON ns.oid = c.relnamespace
        WHERE c.relkind = 'r'
          AND (ns.nspname = ANY (schemas)
               OR ns.nspname IN (SELECT fam.schema_name FROM campmon.family fam WHERE fam.high_churn))
    ),
    t AS MATERIALIZED (
        SELECT p.oid, p.nspname, p.relname, p.family
        FROM pre p
        WHERE p.family IN (SELECT fam.family FROM campmon.family fam WHERE fam.high_churn)
          AND EXISTS (SELECT FROM campmon.family fam
                      WHERE fam.high_churn AND fam.family = p.family AND p.relname ~ fam.pattern
                        AND (fam.schema_name = p.nspname OR (fam.schema_name IS NULL AND p.nspname = ANY (schemas))))
    )
    SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'table_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN b.bloat_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN b.bloat_pct >= crit_pct THEN 'critical'
                WHEN b.bloat_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, t.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                            t.nspname, t.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.table_bytes), t.family, b.method,
                            CASE WHEN b.bloat_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) END
    FROM t
    CROSS JOIN LATERAL campmon._list_table(t.oid,
        COALESCE(current_setting('campmon.tables_mode', true), 'adaptive'), NULL) b
    WHERE b.table_bytes > 0
    UNION ALL
    (SELECT CASE WHEN b.method = 'unreadable' THEN 'unreadable_page' ELSE 'index_bloat' END,
           CASE WHEN b.method = 'unreadable' THEN 'critical'
                WHEN b.bloat_pct IS NULL THEN 'warning'
                WHEN b.bloat_pct >= warn_pct AND b.bloat_bytes < alert_min THEN 'ok'
                WHEN b.bloat_pct >= crit_pct THEN 'critical'
                WHEN b.bloat_pct >= warn_pct THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.nspname, ic.relname), round(b.bloat_pct::numeric, 2), warn_pct,
           CASE WHEN b.method = 'unreadable'
                THEN format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                            t.nspname, ic.relname, b.basis)
                WHEN b.bloat_pct IS NULL THEN 'bloat unknown: no statistics yet (run ANALYZE)'
                ELSE format('%s%% bloat (%s of %s, index of %s, %s, mode %s)%s', round(b.bloat_pct::numeric, 2),
                            pg_size_pretty(b.bloat_bytes), pg_size_pretty(b.index_bytes), t.relname, t.family, b.method,
                            CASE WHEN b.bloat_pct >= warn_pct AND b.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) END
     FROM t
     JOIN pg_index x ON x.indrelid = t.oid
     JOIN pg_class ic ON ic.oid = x.indexrelid
     JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
     CROSS JOIN LATERAL campmon._list_index(x.indexrelid,
         COALESCE(current_setting('campmon.indexes_mode', true), 'adaptive'), NULL) b
     WHERE x.indisvalid AND b.index_bytes > 0)
    ORDER BY 1 DESC, 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._checks() TO campmon_reader, pg_monitor;

-- Relations with an unreadable page (a checksum failure, a damaged header
-- or line pointer): the listings, in a mode that reads pages, give them a
-- row with method 'unreadable'; each is critical here.  The catalog-only
-- stats mode reads no page, so it cannot know (and costs nothing here); the
-- default, adaptive, reads a few relations only, and _checks reports those
-- it measures itself (listing every relation again cost 1.5 s at 50,000).
CREATE OR REPLACE FUNCTION campmon._unreadable_checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
BEGIN
    IF coalesce(current_setting('campmon.tables_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', t.schema_name, t.table_name), 1::numeric, 0::numeric,
               format('table %I.%I has an unreadable page (%s): check it with amcheck (verify_heapam) and pg_checksums; campmon plans nothing for it',
                      t.schema_name, t.table_name, t.basis)
        FROM campmon.tables t WHERE t.method = 'unreadable';
    END IF;
    IF coalesce(current_setting('campmon.indexes_mode', true), 'adaptive') NOT IN ('stats', 'adaptive') THEN
        RETURN QUERY
        SELECT 'unreadable_page', 'critical', format('%I.%I', i.schema_name, i.index_name), 1::numeric, 0::numeric,
               format('index %I.%I has an unreadable page (%s): check it with amcheck (bt_index_check) and pg_checksums, then REINDEX it; campmon plans nothing for its table',
                      i.schema_name, i.index_name, i.basis)
        FROM campmon.indexes i WHERE i.method = 'unreadable';
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._unreadable_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unreadable_checks() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.checks AS
SELECT * FROM campmon._checks()
UNION ALL SELECT * FROM campmon._repack_checks()
UNION ALL SELECT * FROM campmon._unreadable_checks()
UNION ALL SELECT * FROM campmon._trend_checks();

COMMENT ON VIEW campmon.checks IS
'Alert rows (check_name, status ok|warning|critical, target, value, threshold, message): cleanup health, technical workflows, purge and cleanup backlogs, work tables, the xtknewid sequence, bloat, trends of the snapshots';

REVOKE ALL ON campmon.checks FROM PUBLIC;
GRANT SELECT ON campmon.checks TO campmon_reader, pg_monitor;
