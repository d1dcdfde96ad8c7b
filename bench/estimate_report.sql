-- estimate_report.sql: the last run of bench/estimate_bench.sh against its
-- estimates -- the calibrated ones the run recorded (estimated_seconds) and
-- the constants' (table bench.default_estimate: action, target, seconds) -- per
-- kind of step and in all.  Ratios are estimate / measured; "within 2x":
-- the share of the steps of at least :min_seconds whose estimate is between
-- half and twice their duration.
\set ON_ERROR_STOP 1
\pset footer off
WITH s AS (
    SELECT h.action, h.target, extract(epoch FROM h.duration)::numeric AS measured,
           h.estimated_seconds AS calibrated, d.seconds AS dflt
    FROM campmon.history h LEFT JOIN bench.default_estimate d USING (action, target)
    WHERE h.run_id = (SELECT max(run_id) FROM campmon.run) AND h.outcome = 'done' AND h.target NOT LIKE 'bench.%'
),
long AS (SELECT * FROM s WHERE measured >= :min_seconds)
SELECT coalesce(s.action, 'all') AS action, count(*) AS steps,
       round(sum(s.measured), 1) AS measured_s, round(sum(s.calibrated), 1) AS calibrated_s, round(sum(s.dflt), 1) AS default_s,
       round(sum(s.calibrated) / nullif(sum(s.measured), 0), 2) AS calibrated_ratio,
       round(sum(s.dflt) / nullif(sum(s.measured), 0), 2) AS default_ratio,
       (SELECT count(*) FROM long l WHERE l.action = s.action OR s.action IS NULL) AS long_steps,
       (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY l.calibrated / l.measured)::numeric, 2)
        FROM long l WHERE l.action = s.action OR s.action IS NULL) AS calibrated_median,
       (SELECT round(100.0 * count(*) FILTER (WHERE l.calibrated BETWEEN l.measured / 2 AND l.measured * 2) / nullif(count(*), 0))
        FROM long l WHERE l.action = s.action OR s.action IS NULL) AS calibrated_within_2x_pct,
       (SELECT round(100.0 * count(*) FILTER (WHERE l.dflt BETWEEN l.measured / 2 AND l.measured * 2) / nullif(count(*), 0))
        FROM long l WHERE l.action = s.action OR s.action IS NULL) AS default_within_2x_pct
FROM s GROUP BY ROLLUP (s.action) ORDER BY s.action NULLS LAST;
