/*
 * checks/trends.sql -- the campmon.checks rows that read the snapshots'
 * trends (trends.sql): bloat growing fast on a high-churn table
 * (bloat_growth), a tablespace filling (tablespace_filling), a key
 * sequence wrapping (key_sequence_wrap).  Each is ok, saying so, until the
 * trend window holds campmon.trend_min_points snapshots; no snapshot at
 * all: no row.  campmon.snapshot() records these rows too: they then
 * describe the snapshots taken before it.
 */

CREATE OR REPLACE FUNCTION campmon._check_trends()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    growth numeric := campmon._setting_num('campmon.trend_bloat_growth_pct');
    alert_min numeric := campmon._setting_num('campmon.bloat_alert_min_size') * 8192;
    full_warn numeric := campmon._setting_num('campmon.trend_full_warning_days');
    full_crit numeric := campmon._setting_num('campmon.trend_full_critical_days');
    wrap_warn numeric := campmon._setting_num('campmon.trend_wrap_warning_days');
    wrap_crit numeric := campmon._setting_num('campmon.trend_wrap_critical_days');
BEGIN
    -- (the views live in trends.sql, installed after campmon.checks: plpgsql
    -- resolves them when called)
    RETURN QUERY
    SELECT 'bloat_growth'::text,
           CASE WHEN t.note IS NULL AND t.bloat_pct_per_day >= growth AND t.bloat_bytes >= alert_min THEN 'warning' ELSE 'ok' END,
           format('%I.%I', t.schema_name, t.relation_name), t.bloat_pct_per_day, growth,
           CASE WHEN t.note IS NOT NULL THEN t.note
                ELSE format('bloat %s%% (%s), %s points a day (%s a day) over %s snapshots since %s%s%s',
                            t.bloat_pct, pg_size_pretty(t.bloat_bytes), t.bloat_pct_per_day, pg_size_pretty(t.bloat_bytes_per_day),
                            t.points, to_char(t.first_at, 'YYYY-MM-DD HH24:MI'),
                            CASE WHEN t.days_to_critical > 0 THEN format('; critical in %s days', t.days_to_critical) ELSE '' END,
                            CASE WHEN t.bloat_pct_per_day >= growth AND t.bloat_bytes < alert_min
                                 THEN format('; below campmon.bloat_alert_min_size (%s): not alerted', pg_size_pretty(alert_min))
                                 ELSE '' END) END
    FROM campmon.relation_trends t
    -- the tables check table_bloat watches: a high-churn family's rule
    -- matches them
    WHERE t.kind = 'table'
      AND EXISTS (SELECT FROM campmon.family f
                  WHERE f.high_churn AND f.family = t.family AND t.relation_name ~ f.pattern
                    AND (f.schema_name = t.schema_name OR (f.schema_name IS NULL AND t.schema_name = ANY (campmon._work_table_schemas()))))
    ORDER BY 3;

    RETURN QUERY
    SELECT 'tablespace_filling'::text,
           CASE WHEN t.days_to_full <= full_crit THEN 'critical' WHEN t.days_to_full <= full_warn THEN 'warning' ELSE 'ok' END,
           'tablespace:' || t.tablespace, t.days_to_full, full_warn,
           coalesce(t.note,
                    format('%s available of %s, %s a day over %s snapshots: %s (value and threshold in days)',
                           pg_size_pretty(t.available_bytes), pg_size_pretty(t.total_bytes),
                           CASE WHEN t.available_bytes_per_day < 0 THEN '-' || pg_size_pretty(-t.available_bytes_per_day)
                                ELSE '+' || pg_size_pretty(t.available_bytes_per_day) END,
                           t.points,
                           CASE WHEN t.days_to_full IS NULL THEN 'not filling'
                                ELSE format('full in %s days at this rate', t.days_to_full) END))
    FROM campmon.tablespace_trends t
    ORDER BY 3;

    RETURN QUERY
    SELECT 'key_sequence_wrap'::text,
           CASE WHEN t.days_to_wrap <= wrap_crit THEN 'critical' WHEN t.days_to_wrap <= wrap_warn THEN 'warning' ELSE 'ok' END,
           t.sequence_name, t.days_to_wrap, wrap_warn,
           coalesce(t.note,
                    format('%s identifiers a day over %s snapshots, %s%% used: %s (value and threshold in days)',
                           t.ids_per_day, t.points, t.used_pct,
                           CASE WHEN t.days_to_wrap IS NULL THEN 'not advancing'
                                ELSE format('wraps at %s in %s days at this rate',
                                            CASE t.wrap_at WHEN 2147483648 THEN '2^31' WHEN 9223372036854775808 THEN '2^63'
                                                           WHEN 32768 THEN '2^15' ELSE t.wrap_at::text END,
                                            t.days_to_wrap) END))
    FROM campmon.sequence_trends t
    ORDER BY 3;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_trends() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_trends() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('bloat_growth', 'trends',
    'High-churn tables whose bloat grows faster than campmon.trend_bloat_growth_pct points a day over the snapshots'' trend window',
    'warning when growing faster (and the bloat is above campmon.bloat_alert_min_size); ok, saying why, while there is no trend',
    '{campmon.trend_bloat_growth_pct,campmon.bloat_alert_min_size,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'campmon''s snapshots (campmon.relation_trends)',
    'Find what changed (a stopped cleanup, a new workflow, a blocked VACUUM: vacuum_blockers); campmon.plan() acts on the bloat',
    'campmon._check_trends', 130);
SELECT campmon._register_check('tablespace_filling', 'trends',
    'The file system under each tablespace: days until full at the trend of its free space',
    'warning within campmon.trend_full_warning_days, critical within campmon.trend_full_critical_days; ok while there is no trend',
    '{campmon.trend_full_warning_days,campmon.trend_full_critical_days,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'campmon''s snapshots (campmon.tablespace_trends)',
    'Add space, purge (the cleanup), give space back (REPACK, VACUUM FULL)',
    'campmon._check_trends', 131);
SELECT campmon._register_check('key_sequence_wrap', 'trends',
    'Each key sequence (campmon.key_sequences): days until it wraps at its recent rate of use',
    'warning within campmon.trend_wrap_warning_days, critical within campmon.trend_wrap_critical_days; ok while there is no trend',
    '{campmon.trend_wrap_warning_days,campmon.trend_wrap_critical_days,campmon.trend_window,campmon.trend_min_points,campmon.trend_min_span}',
    'Adobe, "Application objects" (monitor the sequence) and campmon''s snapshots (campmon.sequence_trends)',
    'Plan Adobe''s sequence procedure now',
    'campmon._check_trends', 132);
