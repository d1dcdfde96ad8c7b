/*
 * estimates.sql -- how long a step takes on this server, learnt from its
 * own history: per kind of step (action), a fixed cost and a rate in bytes
 * of the target (with TOAST and indexes, as the history's size_before) per
 * second, fitted to the last steps done -- or, where that fits them better
 * (a DROP, an ANALYZE, whose time is not their size's), the median duration.  plan() estimates a step's
 * duration from them (campmon._estimated_seconds), and falls back to
 * campmon's constants where the history has too little to say; the step's
 * reason says which.  A rate is not stretched past twice the largest
 * target it was learnt on: tables a few MB large teach a fixed cost and
 * nothing of how a VACUUM of a GB goes (its index passes, the throttle).
 *
 * What the history's durations count: the step from its start to its end
 * (not the time it waited before starting), so a step that had to ask for
 * its lock again (attempts > 1) or that a collision held is left out.
 * VACUUM and ANALYZE steps are throttled by campmon.run_cost_delay: only
 * runs with today's value of it teach their rates.
 */

CREATE OR REPLACE FUNCTION campmon._step_rates()
RETURNS TABLE (action text, steps bigint, fixed_seconds numeric, bytes_per_second numeric,
               mean_abs_error_pct numeric, last_step_at timestamptz, largest_bytes bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
#variable_conflict use_column
BEGIN
PERFORM campmon.version();          -- defines campmon.run_cost_delay
RETURN QUERY
WITH done AS (
    SELECT s.action, s.size_before::float8 AS bytes,
           extract(epoch FROM s.finished_at - s.started_at)::float8 AS secs, s.finished_at,
           row_number() OVER (PARTITION BY s.action ORDER BY s.finished_at DESC) AS recent
    FROM campmon.run_step s JOIN campmon.run r USING (run_id)
    WHERE s.outcome = 'done' AND NOT r.dry_run AND s.size_before > 0
      AND s.finished_at > s.started_at AND coalesce(s.attempts, 1) = 1
      AND (s.action NOT IN ('VACUUM', 'VACUUM (FREEZE)', 'VACUUM (FULL)', 'ANALYZE')
           OR (r.options ->> 'cost_delay_ms')::float8 = (SELECT x.setting::float8 FROM pg_settings x WHERE x.name = 'campmon.run_cost_delay'))
),
fit AS (
    SELECT d.action, count(*) AS steps,
           regr_slope(d.secs, d.bytes) AS slope, regr_intercept(d.secs, d.bytes) AS intercept,
           sum(d.bytes) / sum(d.secs) AS mean_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY d.secs) AS median_secs,
           max(d.finished_at) AS last_step_at, max(d.bytes) AS largest
    FROM done d WHERE d.recent <= 50
    GROUP BY d.action
),
line AS (
    -- a straight line through the points when it rises and starts at or
    -- above zero; else all bytes over all seconds, with no fixed cost
    SELECT f.*,
           CASE WHEN f.steps >= 3 AND f.slope > 0 AND f.intercept >= 0 THEN f.intercept ELSE 0 END AS fixed,
           CASE WHEN f.steps >= 3 AND f.slope > 0 AND f.intercept >= 0 THEN 1 / f.slope ELSE f.mean_rate END AS rate
    FROM fit f
),
model AS (
    -- the line, or the median duration whatever the size when that fits the
    -- steps better (a DROP, an ANALYZE's sample: their time is not their size's)
    SELECT l.*,
           (SELECT avg(abs(l.fixed + d.bytes / l.rate - d.secs) / d.secs) FROM done d
            WHERE d.action = l.action AND d.recent <= 50 AND l.rate > 0) AS line_error,
           (SELECT avg(abs(l.median_secs - d.secs) / d.secs) FROM done d
            WHERE d.action = l.action AND d.recent <= 50) AS median_error
    FROM line l
)
SELECT m.action, m.steps,
       round((CASE WHEN m.median_error < m.line_error OR m.line_error IS NULL THEN m.median_secs ELSE m.fixed END)::numeric, 3),
       CASE WHEN m.median_error < m.line_error OR m.line_error IS NULL THEN NULL ELSE round(m.rate::numeric) END,
       round((least(m.line_error, m.median_error) * 100)::numeric, 1),
       m.last_step_at, m.largest::bigint
FROM model m
ORDER BY m.action;
END $fn$;

REVOKE ALL ON FUNCTION campmon._step_rates() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._step_rates() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.step_rates AS SELECT * FROM campmon._step_rates();

COMMENT ON VIEW campmon.step_rates IS
'How fast this server''s steps went, per kind of step, from campmon.history: the fixed cost and bytes per second plan() estimates durations with';

REVOKE ALL ON campmon.step_rates FROM PUBLIC;
GRANT SELECT ON campmon.step_rates TO campmon_reader, pg_monitor;

-- A step's duration: from this server's rate for its kind when the history
-- has at least min_steps of them (campmon._step_rates), else the constant
-- estimate the plan gives (fallback), as it is when the target is more
-- than twice the largest of those steps' (a rate; a median is no size's);
-- basis says which.  rates is
-- array_agg of campmon._step_rates(), computed once per plan.
CREATE OR REPLACE FUNCTION campmon._estimated_seconds(action text, bytes bigint, fallback numeric,
    rates campmon.step_rates[], OUT seconds numeric, OUT basis text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN r.action IS NOT NULL AND bytes IS NOT NULL
            THEN round(r.fixed_seconds + coalesce(bytes / r.bytes_per_second, 0), 2) ELSE fallback END,
       CASE WHEN r.action IS NOT NULL AND bytes IS NOT NULL AND r.bytes_per_second IS NULL
            THEN format('estimate from this server''s last %s %s steps (%s s each)', r.steps, r.action, r.fixed_seconds)
            WHEN r.action IS NOT NULL AND bytes IS NOT NULL
            THEN format('estimate from this server''s last %s %s steps (%s/s%s)', r.steps, r.action,
                        pg_size_pretty(r.bytes_per_second), CASE WHEN r.fixed_seconds > 0 THEN format(' + %s s', r.fixed_seconds) END)
            WHEN big.action IS NOT NULL AND bytes IS NOT NULL
            THEN format('estimate at campmon''s default rate (more than twice the largest of this server''s last %s %s steps, %s)',
                        big.steps, big.action, pg_size_pretty(big.largest_bytes))
            ELSE 'estimate at campmon''s default rate' END
FROM (SELECT 1) one
LEFT JOIN LATERAL (SELECT x.* FROM unnest(rates) x
                   WHERE x.action = _estimated_seconds.action AND x.steps >= 3
                     AND (x.bytes_per_second IS NULL
                          OR (x.bytes_per_second > 0 AND bytes / 2.0 <= x.largest_bytes)) LIMIT 1) r ON true
LEFT JOIN LATERAL (SELECT x.* FROM unnest(rates) x
                   WHERE r.action IS NULL AND x.action = _estimated_seconds.action AND x.steps >= 3
                     AND x.bytes_per_second > 0 AND bytes / 2.0 > x.largest_bytes LIMIT 1) big ON true $$;

REVOKE ALL ON FUNCTION campmon._estimated_seconds(text,bigint,numeric,campmon.step_rates[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._estimated_seconds(text,bigint,numeric,campmon.step_rates[]) TO campmon_reader, pg_monitor;
