/*
 * checks/sequences.sql -- key_sequence: every sequence behind Campaign's
 * keys (campmon.key_sequences: XtkNewId, NmsBroadLogId, NmsTrackingLogId,
 * each pkSequence) against the wrap of the 32-bit keys it feeds, with its
 * rate of use from the snapshots (Adobe, "Application objects", "Key
 * management in schemas"); log_table_rows: the delivery and tracking logs
 * against the billion rows Adobe advises not to pass ("Data model best
 * practices"), from the statistics, never a scan.
 */

-- One key sequence (q: a row of campmon.key_sequences): percent used,
-- warning and critical from the settings; the rate of use per day and the
-- days to the wrap from campmon.snapshot()'s readings (sequence_trends).
CREATE OR REPLACE FUNCTION campmon._key_sequence_row(q campmon.key_sequences, warn numeric, crit numeric)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    seq text := format('%I.%I', q.schema_name, q.sequence_name);
    rate text;
BEGIN
    IF NOT q.readable THEN
        RETURN QUERY SELECT 'key_sequence'::text, 'warning'::text, seq, NULL::numeric, warn,
            format('%s may not be read by %s: its use cannot be checked (found by %s)', seq, current_user, q.found_by);
        RETURN;
    END IF;
    -- the snapshots' rate (trends.sql is installed after this file: the
    -- view is looked up when the check runs)
    SELECT CASE WHEN t.ids_per_day IS NULL
                THEN format('the rate of use per day is not known yet (%s)', t.note)
                ELSE format('%s used a day over campmon''s snapshots%s', t.ids_per_day,
                            CASE WHEN t.days_to_wrap IS NOT NULL
                                 THEN format(', the wrap in %s days at that pace', t.days_to_wrap) ELSE '' END) END
    INTO rate
    FROM campmon.sequence_trends t WHERE t.sequence_name = seq;
    RETURN QUERY SELECT 'key_sequence'::text,
        CASE WHEN q.used_pct >= crit THEN 'critical' WHEN q.used_pct >= warn THEN 'warning' ELSE 'ok' END,
        seq, q.used_pct, warn,
        format('%s is at %s of %s (%s%% used%s; %s keys; warning at %s%%, critical at %s%%)%s; %s (found by %s; Adobe: check a use of 100,000 a day or more against the business)',
               seq, coalesce(q.last_value::text, 'its start (never used)'), q.wrap_at, q.used_pct,
               CASE WHEN q.last_value < 0 THEN ', in the negative range after a wrap' ELSE '' END,
               q.key_type, warn, crit,
               CASE WHEN q.used_pct < warn THEN ''
                    WHEN q.sequence_name = 'xtknewid'
                    THEN ': give the largest tables a sequence of their own (pkSequence) and plan Adobe''s procedure before it wraps'
                    ELSE ': shorten the retention of the tables it feeds and plan Adobe''s procedure before it wraps' END,
               coalesce(rate, 'no snapshot has read it yet: the rate of use per day is unknown until campmon.snapshot() keeps readings'),
               q.found_by);
END $fn$;

REVOKE ALL ON FUNCTION campmon._key_sequence_row(campmon.key_sequences,numeric,numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._key_sequence_row(campmon.key_sequences,numeric,numeric) TO campmon_reader, pg_monitor;

-- The delivery and tracking logs of schema s (the tables the delivery
-- mappings name, as the purge rules with mapping columns find them): rows
-- from pg_class.reltuples (the statistics' n_live_tup before any ANALYZE),
-- warning from campmon.log_rows_max.
CREATE OR REPLACE FUNCTION campmon._log_table_rows(s text, max_rows numeric)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT 'log_table_rows'::text,
       CASE WHEN x.n >= max_rows THEN 'warning' ELSE 'ok' END,
       x.rel::text, x.n, max_rows,
       CASE WHEN x.n IS NULL THEN format('the rows of %s are not known (never analyzed): ANALYZE it', x.rel)
            ELSE format('%s holds about %s rows (%s, no scan), %s%% of the 2^31 identifiers of its 32-bit keys%s', x.rel, x.n, x.how,
                        round(100 * x.n / 2147483648, 1),
                        CASE WHEN x.n >= max_rows
                             THEN format(': more than campmon.log_rows_max (%s); Adobe advises no more than about a billion at a time: shorten the retention (%s)',
                                         max_rows, x.option_name)
                             ELSE '' END) END
FROM (SELECT y.rel, y.option_name,
             CASE WHEN y.reltuples >= 0 THEN round(y.reltuples::numeric) ELSE pg_stat_get_live_tuples(y.rel) END AS n,
             CASE WHEN y.reltuples >= 0 THEN 'pg_class.reltuples' ELSE 'statistics of a table never analyzed' END AS how
      FROM (SELECT DISTINCT ON (t.rel) t.rel, r.option_name,
                   -- a lookup per table (a join would hash all of pg_class)
                   (SELECT pc.reltuples FROM pg_class pc WHERE pc.oid = t.rel) AS reltuples
            FROM campmon.purge_rule r
            CROSS JOIN LATERAL campmon._purge_tables(s, r) t
            WHERE r.mapping_columns IS NOT NULL AND campmon._editor_may_read(r.edited_by, t.rel)
            ORDER BY t.rel, r.rule) y) x
ORDER BY x.rel::text $$;

REVOKE ALL ON FUNCTION campmon._log_table_rows(text,numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._log_table_rows(text,numeric) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_sequences()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    q campmon.key_sequences;
    warn numeric := campmon._setting_num('campmon.sequence_warning_pct');
    crit numeric := campmon._setting_num('campmon.sequence_critical_pct');
    max_rows numeric := campmon._setting_num('campmon.log_rows_max');
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            FOR q IN SELECT * FROM campmon.key_sequences k WHERE k.schema_name = c.schema_name LOOP
                RETURN QUERY SELECT * FROM campmon._key_sequence_row(q, warn, crit);
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'key_sequence'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot read the key sequences of schema %s: %s', c.schema_name, SQLERRM);
        END;
        BEGIN
            RETURN QUERY SELECT * FROM campmon._log_table_rows(c.schema_name, max_rows);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'log_table_rows'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot count the log tables of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_sequences() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_sequences() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('key_sequence', 'sequences',
    'Each sequence behind Campaign''s keys (campmon.key_sequences: XtkNewId, NmsBroadLogId, NmsTrackingLogId, every pkSequence with its GetNew<Name>Ids function, integer columns'' defaults): identifiers used before the wrap of the keys it feeds (2^31 for Campaign''s 32-bit keys), and at what rate (from the snapshots)',
    'warning from campmon.sequence_warning_pct (75%) used, critical from campmon.sequence_critical_pct (90%); warning when the sequence may not be read',
    '{campmon.sequence_warning_pct,campmon.sequence_critical_pct,campmon.sequence_rule}',
    'Adobe, "Application objects" (the sequence must be monitored; dedicated sequences with pkSequence), "Key management in schemas" (NmsBroadLogId, NmsTrackingLogId, GetNew<Name>Ids, 32-bit keys) and "Data model best practices" (running out of identifiers)',
    'Shorten the retention of the tables the sequence feeds; give large tables a sequence of their own; plan Adobe''s sequence procedure with Adobe support before it wraps',
    'campmon._check_sequences', 70);
SELECT campmon._register_check('log_table_rows', 'sequences',
    'Each delivery and tracking log table (those the delivery mappings name): its rows from the statistics (pg_class.reltuples, no scan) against the billion Adobe advises not to pass, half of the 32-bit identifiers',
    'warning from campmon.log_rows_max rows (1,000,000,000); ok below; the figure is an estimate',
    '{campmon.log_rows_max,campmon.purge_rule}',
    'Adobe, "Data model best practices" (no more than about a billion records at a time in the log tables, about half of the 2.14 billion identifiers)',
    'Lower the retention (NmsCleanup_BroadLogPurgeDelay, NmsCleanup_TrackingLogPurgeDelay) so that the logs stay under a billion rows',
    'campmon._check_sequences', 71);
