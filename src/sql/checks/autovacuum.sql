/*
 * checks/autovacuum.sql -- whether autovacuum keeps up: autovacuum_debt
 * (tables past their own vacuum thresholds -- the global settings and their
 * reloptions -- and not vacuumed for longer than a setting; autovacuum
 * disabled on a table with dead rows past its threshold; autovacuum off;
 * every worker busy while tables wait; an anti-wraparound autovacuum
 * running) and stale_statistics (tables whose rows changed well past their
 * autoanalyze threshold since the last ANALYZE), from
 * campmon.autovacuum_tables (autovacuum.sql: the thresholds as autovacuum
 * computes them).  Prior art: check_postgres' last_autovacuum and
 * last_autoanalyze actions watch the times alone.
 */

CREATE OR REPLACE FUNCTION campmon._check_autovacuum()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    min_age interval := campmon._seconds('campmon.autovacuum_debt_min_age');
    factor numeric := campmon._setting_num('campmon.stale_statistics_factor');
    av_on boolean := current_setting('autovacuum')::boolean AND current_setting('track_counts')::boolean;
    debt integer;
    r record;
    sees boolean := pg_has_role(current_user, 'pg_read_all_stats', 'USAGE');
BEGIN
    -- one pass of the catalogs and statistics for both checks
    -- (campmon.autovacuum_tables is installed after the checks: plpgsql
    -- finds it when called)
    RETURN QUERY
    WITH a AS MATERIALIZED (SELECT * FROM campmon.autovacuum_tables),
    d AS (SELECT a.*, row_number() OVER (ORDER BY a.dead DESC, a.label) AS n FROM a WHERE a.in_debt),
    x AS (SELECT a.*, row_number() OVER (ORDER BY a.dead DESC, a.label) AS n FROM a WHERE a.disabled_with_dead_rows),
    st AS (SELECT a.*, a.changed / greatest(a.analyze_threshold, 1) AS ratio,
                  row_number() OVER (ORDER BY a.changed / greatest(a.analyze_threshold, 1) DESC, a.label) AS n FROM a
           WHERE a.stale_statistics),
    nd AS (SELECT count(*) AS n, string_agg(d.label, ', ' ORDER BY d.n) FILTER (WHERE d.n <= 3) AS worst FROM d),
    nx AS (SELECT count(*) AS n FROM x),
    ns AS (SELECT count(*) AS n, string_agg(st.label, ', ' ORDER BY st.n) FILTER (WHERE st.n <= 3) AS worst FROM st)
    SELECT 'autovacuum_debt'::text, 'warning'::text, d.label,
           round((extract(epoch FROM now() - coalesce(d.vacuumed_at, d.seen_before)) / 3600)::numeric, 1),
           round((extract(epoch FROM min_age) / 3600)::numeric, 1),
           format('%s dead rows (threshold %s)%s, %s: autovacuum has not vacuumed it for %s (value and threshold in hours)',
                  d.dead, round(d.vacuum_threshold),
                  CASE WHEN d.inserted > d.insert_threshold THEN format(', %s rows inserted since its last vacuum (threshold %s)', d.inserted, round(d.insert_threshold)) ELSE '' END,
                  CASE WHEN d.vacuumed_at IS NULL THEN 'never vacuumed' ELSE 'last vacuumed ' || to_char(d.vacuumed_at, 'YYYY-MM-DD HH24:MI') END,
                  campmon._human(now() - coalesce(d.vacuumed_at, d.seen_before)))
    FROM d WHERE d.n <= 10
    UNION ALL
    SELECT 'autovacuum_debt', 'warning', x.label, x.dead::numeric, round(x.vacuum_threshold),
           format('autovacuum is disabled on it (autovacuum_enabled = false in its reloptions) and it has %s dead rows, past its threshold %s: only an anti-wraparound vacuum or a manual VACUUM (campmon.plan()) cleans it (value and threshold in dead rows)',
                  x.dead, round(x.vacuum_threshold))
    FROM x WHERE x.n <= 10
    UNION ALL
    SELECT 'autovacuum_debt', CASE WHEN NOT av_on OR nd.n > 0 OR nx.n > 0 THEN 'warning' ELSE 'ok' END,
           'autovacuum', nd.n::numeric, 0::numeric,
           concat_ws('; ',
               CASE WHEN NOT current_setting('track_counts')::boolean THEN 'track_counts is off: autovacuum cannot see what changed and runs only to prevent wraparound'
                    WHEN NOT current_setting('autovacuum')::boolean THEN 'autovacuum is off: only anti-wraparound vacuums run, dead rows pile up until a manual VACUUM' END,
               format('%s table%s past %s autovacuum threshold%s and not vacuumed for over %s%s', nd.n, CASE WHEN nd.n = 1 THEN '' ELSE 's' END,
                      CASE WHEN nd.n = 1 THEN 'its' ELSE 'their' END, CASE WHEN nd.n = 1 THEN '' ELSE 's' END,
                      campmon._human(min_age), coalesce(' (the most dead rows: ' || nd.worst || ')', '')),
               CASE WHEN nx.n > 0 THEN format('%s with autovacuum disabled and dead rows past the threshold', nx.n) END)
           || ' (value: tables in debt)'
    FROM nd CROSS JOIN nx
    UNION ALL
    SELECT 'stale_statistics', 'warning', st.label, round(st.ratio, 1), factor,
           format('%s rows changed since %s, %s times its autoanalyze threshold (%s): the planner''s estimates for it are stale; ANALYZE it (campmon.plan() plans it)',
                  st.changed, coalesce('its last ANALYZE (' || to_char(st.analyzed_at, 'YYYY-MM-DD HH24:MI') || ')', 'it was created (never analyzed)'),
                  round(st.ratio, 1), round(st.analyze_threshold))
    FROM st WHERE st.n <= 10
    UNION ALL
    SELECT 'stale_statistics', CASE WHEN ns.n > 0 THEN 'warning' ELSE 'ok' END, 'statistics', ns.n::numeric, 0::numeric,
           format('%s table%s changed since %s last ANALYZE by %s times %s autoanalyze threshold or more, for over %s%s (value: tables)',
                  ns.n, CASE WHEN ns.n = 1 THEN '' ELSE 's' END, CASE WHEN ns.n = 1 THEN 'its' ELSE 'their' END, factor,
                  CASE WHEN ns.n = 1 THEN 'its' ELSE 'their' END, campmon._human(min_age),
                  coalesce(' (the most: ' || ns.worst || ')', ''))
    FROM ns;
    -- the workers (their rows in pg_stat_activity are pg_read_all_stats')
    IF NOT sees THEN
        RETURN QUERY SELECT 'autovacuum_debt'::text, 'ok'::text, 'autovacuum workers'::text, NULL::numeric,
            current_setting('autovacuum_max_workers')::numeric,
            format('the autovacuum workers are not visible to %s (pg_stat_activity shows them to pg_read_all_stats)', current_user);
    ELSE
        SELECT count(*) AS busy,
               string_agg(substring(a.query FROM '^autovacuum: VACUUM (?:ANALYZE )?(\S+) \(to prevent wraparound\)'), ', ')
                 FILTER (WHERE a.query LIKE '%(to prevent wraparound)%') AS wrap
        INTO r
        FROM pg_stat_activity a WHERE a.backend_type = 'autovacuum worker';
        debt := 0;
        IF r.busy >= current_setting('autovacuum_max_workers')::integer THEN
            -- do tables wait meanwhile?
            SELECT count(*) INTO debt FROM campmon.autovacuum_tables a WHERE a.in_debt;
        END IF;
        RETURN QUERY SELECT 'autovacuum_debt'::text,
            CASE WHEN r.wrap IS NOT NULL OR (r.busy >= current_setting('autovacuum_max_workers')::integer AND debt > 0)
                 THEN 'warning' ELSE 'ok' END,
            'autovacuum workers'::text, r.busy::numeric, current_setting('autovacuum_max_workers')::numeric,
            concat_ws('; ',
                format('%s of %s autovacuum workers busy%s', r.busy, current_setting('autovacuum_max_workers'),
                       CASE WHEN r.busy >= current_setting('autovacuum_max_workers')::integer AND debt > 0
                            THEN ' while tables wait: raise autovacuum_max_workers, or let campmon''s nightly run vacuum the largest' ELSE '' END),
                CASE WHEN r.wrap IS NOT NULL
                     THEN format('an anti-wraparound autovacuum runs on %s: it does not give way to other lock requests (DDL, LOCK TABLE, a VACUUM FULL waits behind it), and cancelling it only delays it', r.wrap) END);
    END IF;

END $fn$;

REVOKE ALL ON FUNCTION campmon._check_autovacuum() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_autovacuum() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('autovacuum_debt', 'vacuum',
    'Whether autovacuum keeps up: tables past their own vacuum thresholds (dead rows, or rows inserted since the last vacuum; global settings and reloptions) and not vacuumed for longer than a setting (the 10 with the most dead rows, and a summary row ''autovacuum''); autovacuum disabled on a table with dead rows past its threshold; autovacuum or track_counts off; every worker busy while tables wait, or an anti-wraparound autovacuum running (row ''autovacuum workers'')',
    'warning for each such table, when autovacuum is off, when every worker is busy while tables wait, or while an anti-wraparound autovacuum runs; ok otherwise',
    '{campmon.autovacuum_debt_min_age}',
    'PostgreSQL, "Routine Vacuuming", "The Autovacuum Daemon" (the vacuum, insert and analyze thresholds, per-table storage parameters, anti-wraparound vacuums); Campaign work tables and lists are left out (dropped, not vacuumed)',
    'Look at what stops autovacuum: campmon.vacuum_blockers (it runs but removes nothing), its throttling (autovacuum_vacuum_cost_limit), autovacuum_max_workers; lower a large table''s scale factor in its reloptions; meanwhile campmon''s nightly run vacuums what the plan lists',
    'campmon._check_autovacuum', 145);
SELECT campmon._register_check('stale_statistics', 'vacuum',
    'Tables whose rows changed since their last ANALYZE (n_mod_since_analyze) by several times their autoanalyze threshold (global settings and reloptions), for longer than campmon.autovacuum_debt_min_age: the 10 worst and a summary row ''statistics''',
    'warning for each such table, and on the summary row when there is any; ok otherwise',
    '{campmon.stale_statistics_factor,campmon.autovacuum_debt_min_age}',
    'PostgreSQL, "Routine Vacuuming", "Updating Planner Statistics" and the autoanalyze threshold; Adobe, "RDBMS-specific recommendations" (always ANALYZE) and the seeds'' "monitor table statistics"',
    'ANALYZE them (campmon.plan() plans an ANALYZE for tables changed by campmon.analyze_min_changed_pct); for a large table that changes steadily, lower autovacuum_analyze_scale_factor in its reloptions',
    'campmon._check_autovacuum', 146);
