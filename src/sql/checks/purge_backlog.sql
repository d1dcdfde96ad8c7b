/*
 * checks/purge_backlog.sql -- what Campaign's cleanup deletes, rule by rule
 * (campmon.purge_rule, seeded with every task of Adobe's "Database cleanup
 * workflow"): how far behind a purge by date is (purge_backlog), the rows
 * an orphan task should have deleted (cleanup_orphans), and an option that
 * sets a purge delay but cannot be read as seconds (campaign_option).
 * Found through an index on the date column or a sample, never a full scan
 * of a large table.  A table the rules name that does not exist gives no
 * row.
 */

-- The delay a date rule applies in schema s: the option's (seconds, any
-- typed column of xtkoption), else the largest delay_column of delay_table
-- (days), else the rule's default.  assumed: the default was taken (an
-- assumed delay never raises critical); how: what the message says.
CREATE OR REPLACE FUNCTION campmon._purge_delay(s text, r campmon.purge_rule, options regclass)
RETURNS TABLE (delay interval, assumed boolean, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    o record;
    d interval;
    src regclass;
    days numeric;
    why text;
BEGIN
    IF r.option_name IS NOT NULL THEN
        SELECT * INTO o FROM campmon._option(options, r.option_name);
        d := campmon._option_seconds(o.value);
        IF d IS NOT NULL THEN
            RETURN QUERY SELECT d, false, format('%s = %s s, from %s', r.option_name, trim(o.value), o.source_column);
            RETURN;
        END IF;
        why := format('%s %s', r.option_name, CASE WHEN o.found THEN 'unreadable' ELSE 'absent' END);
    ELSIF r.delay_table IS NOT NULL THEN
        src := to_regclass(format('%I.%I', s, r.delay_table));
        IF src IS NOT NULL AND campmon._has_column(src, r.delay_column)
           AND campmon._unsafe_to_read(src, ARRAY[r.delay_column]) IS NULL AND has_table_privilege(src, 'SELECT')
           AND campmon._editor_may_read(r.edited_by, src) THEN
            EXECUTE format('SELECT max(x.%1$I)::numeric FROM %2$s x WHERE x.%1$I > 0', r.delay_column, src) INTO days;
            IF days IS NOT NULL THEN
                RETURN QUERY SELECT make_interval(days => least(days, 100000)::integer), false,
                    format('the longest %s.%s, %s days', src, r.delay_column, days);
                RETURN;
            END IF;
        END IF;
        why := format('no %s.%s to read', coalesce(src::text, quote_ident(r.delay_table)), r.delay_column);
    ELSE
        RETURN QUERY SELECT r.default_delay, false, coalesce(r.default_note, 'no option sets it');
        RETURN;
    END IF;
    RETURN QUERY SELECT r.default_delay, true,
        format('%s: %s assumed (%s)', why, campmon._human(r.default_delay), coalesce(r.default_note, 'campmon''s default'));
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_delay(text,campmon.purge_rule,regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_delay(text,campmon.purge_rule,regclass) TO campmon_reader, pg_monitor;

-- A rule's row filter as SQL (identifiers quoted, operators from the
-- table's fixed list, numbers): 'true' when it has none; NULL when the
-- table lacks one of its columns.
CREATE OR REPLACE FUNCTION campmon._purge_filter(rel regclass, r campmon.purge_rule)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN coalesce(cardinality(r.filter_columns), 0) = 0 THEN 'true'
            WHEN bool_and(campmon._has_column(rel, f.c)) THEN string_agg(format('%I %s %s', f.c, f.op, f.v), ' AND ' ORDER BY f.k) END
FROM unnest(r.filter_columns, r.filter_ops, r.filter_values) WITH ORDINALITY f(c, op, v, k)
WHERE f.op = ANY ('{=,<>,<,>,<=,>=}') $$;

REVOKE ALL ON FUNCTION campmon._purge_filter(regclass,campmon.purge_rule) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_filter(regclass,campmon.purge_rule) TO campmon_reader, pg_monitor;

-- Purge backlog of one table under a date rule (r; s its schema, found_by
-- how the table was found): its oldest date, found through an index on the
-- date column (the first 10,000 rows in date order when the rule filters
-- rows, then a sample) or a sample of about 100 pages, never a full scan;
-- rows past retention from the column's histogram, or counted as
-- campmon._estimate_rows does when the rule filters rows.
CREATE OR REPLACE FUNCTION campmon._purge_backlog(rel regclass, r campmon.purge_rule, options regclass,
                                                  ref timestamptz, found_by text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    date_column text := r.date_column;
    s text := (SELECT nspname FROM pg_namespace WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = rel));
    dl record;
    filter text := campmon._purge_filter(rel, r);
    oldest timestamptz;
    cutoff timestamptz;
    backlog interval;
    how text;
    frac double precision;
    pages double precision := greatest(pg_relation_size(rel) / 8192, 1);
    rows_past text;
    est record;
BEGIN
    IF NOT campmon._has_column(rel, date_column) OR filter IS NULL THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s has no column %s: its purge (%s) cannot be checked', rel,
                   CASE WHEN filter IS NULL THEN array_to_string(r.filter_columns, ' or ') ELSE date_column END, r.task);
        RETURN;
    END IF;
    IF NOT has_table_privilege(rel, 'SELECT') THEN
        RETURN QUERY SELECT 'purge_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s may not be read by %s: its purge cannot be checked', rel, current_user);
        RETURN;
    END IF;

    SELECT * INTO dl FROM campmon._purge_delay(s, r, options);
    cutoff := ref - dl.delay;

    IF EXISTS (SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
               JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
               WHERE i.indrelid = rel AND a.attname = date_column AND am.amname = 'btree' AND i.indisvalid
                 AND i.indpred IS NULL) THEN
        -- without a filter the first row in date order is the oldest (one
        -- index probe, as before); with one, the first 10,000 rows are read
        IF filter = 'true' THEN
            EXECUTE format('SELECT %1$I::timestamptz FROM %2$s WHERE %1$I IS NOT NULL ORDER BY %1$I LIMIT 1', date_column, rel) INTO oldest;
            how := 'index';
        ELSE
            EXECUTE format('SELECT min(x.d) FROM (SELECT %1$I::timestamptz AS d, %3$s AS ok FROM %2$s WHERE %1$I IS NOT NULL ORDER BY %1$I LIMIT 10000) x WHERE x.ok',
                           date_column, rel, filter) INTO oldest;
            how := 'index, the first 10,000 rows in date order';
        END IF;
    END IF;
    IF oldest IS NULL AND (how IS NULL OR filter <> 'true') THEN
        EXECUTE format('SELECT min(%1$I)::timestamptz FROM %2$s TABLESAMPLE SYSTEM (%3$s) REPEATABLE (1) WHERE %4$s',
                       date_column, rel, least(100.0, 100.0 * 100 / pages), filter) INTO oldest;
        how := concat_ws(', then ', how, 'sample of about 100 pages');
    END IF;

    IF oldest IS NULL THEN
        RETURN QUERY SELECT 'purge_backlog', 'ok', rel::text, 0::numeric, 1::numeric,
            format('%s has no row %s purges; retention %s (%s; %s)', rel, r.task,
                   CASE WHEN dl.delay = interval '0' THEN 'none' ELSE campmon._human(dl.delay) END, dl.how, found_by);
        RETURN;
    END IF;

    backlog := cutoff - oldest;
    IF backlog > interval '1 day' AND filter <> 'true' THEN
        SELECT * INTO est FROM campmon._estimate_rows(rel, format('%I < %L AND %s', date_column, cutoff, filter), date_column);
        rows_past := format('about %s rows past retention (%s)', est.estimate, est.how);
    ELSIF backlog > interval '1 day' THEN
        -- share of rows older than the cutoff, from the histogram of the column
        SELECT (SELECT count(*) FILTER (WHERE b::timestamptz < cutoff)::double precision / nullif(count(*) - 1, 0)
                FROM unnest(st.histogram_bounds::text::text[]) b)
        INTO frac
        FROM pg_stats st
        WHERE st.schemaname = s AND st.tablename = (SELECT relname FROM pg_class WHERE oid = rel) AND st.attname = date_column;
        rows_past := CASE WHEN frac IS NULL THEN 'rows past retention unknown (no histogram: run ANALYZE)'
                          ELSE format('about %s (%s) past retention, from the column histogram (an estimate)',
                                      campmon._count(round(greatest(frac, 0) * greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 0))::numeric, 'row'),
                                      pg_size_pretty((greatest(frac, 0) * pg_relation_size(rel))::bigint)) END;
    END IF;

    RETURN QUERY SELECT 'purge_backlog',
        CASE WHEN backlog > dl.delay AND NOT dl.assumed AND (r.option_name IS NOT NULL OR r.delay_table IS NOT NULL) THEN 'critical'
             WHEN backlog > interval '1 day' THEN 'warning' ELSE 'ok' END,
        rel::text,
        round((extract(epoch FROM greatest(backlog, interval '0')) / 86400)::numeric, 1),
        1::numeric,
        format('oldest %s%s is %s (found by %s); retention %s (%s; %s)%s',
               date_column, CASE WHEN filter <> 'true' THEN format(' of the rows %s purges (%s)', r.task, filter) ELSE '' END,
               to_char(oldest, 'YYYY-MM-DD HH24:MI'), how,
               CASE WHEN dl.delay = interval '0' THEN 'none' ELSE campmon._human(dl.delay) END, dl.how, found_by,
               CASE WHEN backlog > interval '1 day'
                    THEN format(': %s days behind the purge; %s', round((extract(epoch FROM backlog) / 86400)::numeric, 1), rows_past)
                    ELSE ': the purge keeps up' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_backlog(regclass,campmon.purge_rule,regclass,timestamp with time zone,text) TO campmon_reader, pg_monitor;

-- Rows of rel an orphan rule (r) says the cleanup deletes: those whose
-- key_column names no row of parent_table (in the same schema), estimated
-- as campmon._estimate_rows does (an anti-join, no full scan of a large
-- table).  A NULL key is no orphan, as in the cleanup's NOT IN.
CREATE OR REPLACE FUNCTION campmon._cleanup_orphans(rel regclass, r campmon.purge_rule, found_by text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    s text := (SELECT nspname FROM pg_namespace WHERE oid = (SELECT relnamespace FROM pg_class WHERE oid = rel));
    name text := (SELECT relname FROM pg_class WHERE oid = rel);
    parent regclass := to_regclass(format('%I.%I', s, r.parent_table));
    problem text;
    est record;
BEGIN
    problem := coalesce(
        CASE WHEN parent IS NULL THEN format('its parent table %I.%I does not exist', s, r.parent_table) END,
        CASE WHEN NOT campmon._has_column(rel, r.key_column) THEN format('%s has no column %s', rel, r.key_column) END,
        CASE WHEN NOT campmon._has_column(parent, r.parent_column) THEN format('%s has no column %s', parent, r.parent_column) END,
        campmon._unsafe_to_read(parent, ARRAY[r.parent_column]),
        CASE WHEN NOT has_table_privilege(rel, 'SELECT') OR NOT has_table_privilege(parent, 'SELECT')
             THEN format('%s or %s may not be read by %s', rel, parent, current_user) END,
        CASE WHEN NOT campmon._editor_may_read(r.edited_by, parent)
             THEN format('rule %s was written by %s, who may not read %s', r.rule, r.edited_by, parent) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'cleanup_orphans', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s is not checked: %s', r.task, problem);
        RETURN;
    END IF;
    SELECT * INTO est FROM campmon._estimate_rows(rel,
        format('%1$I.%2$I IS NOT NULL AND NOT EXISTS (SELECT FROM %3$s p WHERE p.%4$I = %1$I.%2$I)', name, r.key_column, parent, r.parent_column),
        r.key_column);
    RETURN QUERY SELECT 'cleanup_orphans', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, rel::text,
        est.estimate, 0::numeric,
        format('%s rows of %s whose %s names no row of %s (%s; %s): %s',
               est.estimate, rel, r.key_column, parent, est.how, found_by,
               CASE WHEN est.estimate > 0
                    THEN format('%s deletes them at each run; a few just after a deletion are normal, the same ones day after day mean the task does not run', r.task)
                    ELSE format('%s keeps up', r.task) END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._cleanup_orphans(regclass,campmon.purge_rule,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._cleanup_orphans(regclass,campmon.purge_rule,text) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_purge_backlog()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
    pr campmon.purge_rule;
    o record;
    rec record;
    problem text;
    reported text[] := '{}';
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        -- the log tables the delivery mappings name (campmon._purge_tables), else found by name
        FOR pr IN SELECT * FROM campmon.purge_rule ORDER BY rule LOOP
            -- one campaign_option row per option, however many rules read it
            IF pr.option_name IS NOT NULL AND NOT pr.option_name = ANY (reported) THEN
                reported := reported || pr.option_name;
                SELECT * INTO o FROM campmon._option(c.opt, pr.option_name);
                IF o.found AND campmon._option_seconds(o.value) IS NULL THEN
                    RETURN QUERY SELECT 'campaign_option', 'warning', format('%s:%s', c.opt, pr.option_name), NULL::numeric, NULL::numeric,
                        format('option %s has a value that is not a number of seconds (%s, from %s): %s is assumed',
                               pr.option_name, coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'),
                               campmon._human(pr.default_delay));
                END IF;
            END IF;
            FOR rec IN SELECT * FROM campmon._purge_tables(c.schema_name, pr) LOOP
                -- a rule a non-superuser wrote: only the tables that role may read
                CONTINUE WHEN NOT campmon._editor_may_read(pr.edited_by, rec.rel);
                problem := campmon._unsafe_to_read(rec.rel, array_remove(ARRAY[pr.date_column, pr.key_column] || pr.filter_columns, NULL));
                IF problem IS NOT NULL THEN
                    RETURN QUERY SELECT CASE WHEN pr.date_column IS NULL THEN 'cleanup_orphans' ELSE 'purge_backlog' END,
                        'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('%s is not read: %s', rec.rel, problem);
                    CONTINUE;
                END IF;
                -- one purge rule that does not fit its table (a date column of
                -- another type, say) is a warning row, not the end of the checks
                BEGIN
                    IF pr.date_column IS NOT NULL THEN
                        RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, pr, c.opt, ref, rec.found_by);
                    ELSE
                        RETURN QUERY SELECT * FROM campmon._cleanup_orphans(rec.rel, pr, rec.found_by);
                    END IF;
                EXCEPTION WHEN OTHERS THEN
                    RETURN QUERY SELECT CASE WHEN pr.date_column IS NULL THEN 'cleanup_orphans' ELSE 'purge_backlog' END,
                        'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('cannot check %s on %s (rule %s): %s', pr.task, rec.rel, pr.rule, SQLERRM);
                END;
            END LOOP;
        END LOOP;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_purge_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_purge_backlog() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('purge_backlog', 'purge',
    'Each table a date rule of campmon.purge_rule covers -- every purge of Adobe''s cleanup: delivery and tracking logs, provider message ids, tracking statistics, import rejects, workflow logs, tasks and events, visitors, NPAI, subscriptions, audit trail, Message Center events, propositions: the oldest row the task deletes against the retention (its option, else Adobe''s default or campmon''s assumption, said), rows past it estimated',
    'warning when more than a day behind the purge; critical when behind by more than the retention itself and the retention comes from the option or the workflows'' history (an assumed default never raises critical)',
    '{campmon.purge_rule,campmon.reference_time}',
    'Adobe, "Database cleanup workflow" (each task and its option: NmsCleanup_BroadLogPurgeDelay, NmsCleanup_TrackingLogPurgeDelay, NmsCleanup_TrackingStatPurgeDelay, NmsCleanup_RejectsPurgeDelay, NmsCleanup_VisitorPurgeDelay, NmsCleanup_EventPurgeDelay, NmsCleanup_EventHistoPurgeDelay, NmsCleanup_PropositionPurgeDelay, XtkCleanup_AuditTrailPurgeDelay, NmsCleanup_AppSubscriptionRcpPurgeDelay, History in days); defaults from "Data model best practices"',
    'Fix the cleanup (cleanup_workflow, cleanup_last_run); after a big purge, VACUUM the table (space reused) or REPACK it (space given back)',
    'campmon._check_purge_backlog', 40);
SELECT campmon._register_check('cleanup_orphans', 'purge',
    'Each table an orphan rule of campmon.purge_rule covers (import rejects of deleted jobs, logins of deleted workflows, NmsEmailError and NmsMxDomain rows of no MX left): the rows the cleanup deletes because their parent row is gone, estimated without a full scan',
    'warning when any (a few just after a deletion are normal until the next cleanup); ok otherwise',
    '{campmon.purge_rule}',
    'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports, of workflow logins, of the NmsEmailError and NmsMxDomain tables)',
    'If the same orphans stay day after day, the cleanup''s task fails: read the cleanup''s log (cleanup_workflow)',
    'campmon._check_purge_backlog', 42);
SELECT campmon._register_check('campaign_option', 'configuration',
    'A Campaign option that sets a purge delay or a period but is not a number',
    'warning; the rule''s documented default is assumed meanwhile',
    '{campmon.purge_rule}',
    'Adobe, "Database cleanup workflow" (the options hold seconds) and "Monitoring workflow execution" (NmsServer_PausedWorkflowPeriod, days)',
    'Correct the option in Campaign (Administration > Platform > Options)',
    'campmon._check_purge_backlog', 41);
