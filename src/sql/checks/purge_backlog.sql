/*
 * checks/purge_backlog.sql -- the delivery and tracking logs that
 * Campaign's cleanup purges by date (campmon.purge_rule): how far behind
 * its purge is (purge_backlog), and an option that sets a purge delay but
 * cannot be read as seconds (campaign_option).  Found through an index on
 * the date column or a sample, never a full scan of a log table.
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
                      ELSE format('about %s (%s) past retention, from the column histogram (an estimate)',
                                  campmon._count(round(greatest(frac, 0) * greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 0))::numeric, 'row'),
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
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        -- the log tables the delivery mappings name (campmon._purge_tables), else found by name
        FOR pr IN SELECT * FROM campmon.purge_rule ORDER BY pattern LOOP
            SELECT * INTO o FROM campmon._option(c.opt, pr.option_name);
            IF o.found AND campmon._option_seconds(o.value) IS NULL THEN
                RETURN QUERY SELECT 'campaign_option', 'warning', format('%s:%s', c.opt, pr.option_name), NULL::numeric, NULL::numeric,
                    format('option %s has a value that is not a number of seconds (%s, from %s): %s is assumed',
                           pr.option_name, coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'),
                           campmon._human(pr.default_delay));
            END IF;
            FOR rec IN SELECT * FROM campmon._purge_tables(c.schema_name, pr) LOOP
                problem := campmon._unsafe_to_read(rec.rel, ARRAY[pr.date_column]);
                IF problem IS NOT NULL THEN
                    RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('%s is not read: %s', rec.rel, problem);
                    CONTINUE;
                END IF;
                -- one purge rule that does not fit its table (a date column of
                -- another type, say) is a warning row, not the end of the checks
                BEGIN
                    RETURN QUERY SELECT * FROM campmon._purge_backlog(rec.rel, pr, c.opt, ref, rec.found_by);
                EXCEPTION WHEN OTHERS THEN
                    RETURN QUERY SELECT 'purge_backlog', 'warning', rec.rel::text, NULL::numeric, NULL::numeric,
                        format('cannot check the purge of %s by column %s: %s', rec.rel, pr.date_column, SQLERRM);
                END;
            END LOOP;
        END LOOP;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_purge_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_purge_backlog() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('purge_backlog', 'purge',
    'Each log table Campaign''s cleanup purges by date (campmon.purge_rule: delivery logs by tslastmodified, tracking logs by tslog): the oldest row against the retention, rows past it estimated from the column''s histogram',
    'warning when more than a day behind the purge; critical when behind by more than the retention itself and the retention comes from the option (an assumed default never raises critical)',
    '{campmon.purge_rule,campmon.reference_time}',
    'Adobe, "Database cleanup workflow" (the purge tasks, NmsCleanup_BroadLogPurgeDelay, NmsCleanup_TrackingLogPurgeDelay); tracking retention: 180 days or one year depending on the page',
    'Fix the cleanup (cleanup_workflow, cleanup_last_run); after a big purge, VACUUM the table (space reused) or REPACK it (space given back)',
    'campmon._check_purge_backlog', 40);
SELECT campmon._register_check('campaign_option', 'configuration',
    'A Campaign option that sets a purge delay but is not a number of seconds',
    'warning; the rule''s documented default is assumed meanwhile',
    '{campmon.purge_rule}',
    'Adobe, "Database cleanup workflow" (the options hold seconds)',
    'Correct the option in Campaign (Administration > Platform > Options)',
    'campmon._check_purge_backlog', 41);
