-- accuracy_truth.sql: in the copy of the benchmark database (CREATE
-- DATABASE ... TEMPLATE: the same pages), the real rewrites and each mode's
-- error in points against them.  VACUUM FULL of each table (pg_class last:
-- the others' rewrites update its rows) rebuilds its indexes as REINDEX
-- does (live rows only), so the B-trees' truth comes with their table's.
-- Nothing else is created here: the catalogs measured keep their pages.
-- The size before is the one every mode measured (acc_seen, exact's row).
-- Run by bench/accuracy_bench.sh after accuracy_bench.sql.  A TOAST shape's
-- truth is its TOAST relation's size after its table's VACUUM FULL.
\set ON_ERROR_STOP 1
\pset footer off
SELECT format('VACUUM FULL %s', rel) FROM acc_shape WHERE kind = 'table'
ORDER BY rel = 'pg_class'::regclass, shape \gexec

\echo
\echo == error of each mode, in points of bloat_pct, against VACUUM FULL (tables) and REINDEX (B-trees)
WITH truth AS (
    SELECT s.kind, s.shape, e.bytes AS before,
           CASE s.kind WHEN 'toast' THEN pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE oid = s.rel))
                       ELSE pg_relation_size(s.rel) END AS after
    FROM acc_shape s JOIN acc_seen e ON e.kind = s.kind AND e.shape = s.shape AND e.mode = 'exact'
), err AS (
    SELECT t.kind, t.shape, t.before, s.mode, s.basis,
           CASE WHEN s.low IS NOT NULL THEN format('%s-%s', round(s.low::numeric, 1), round(s.high::numeric, 1)) END AS interval,
           (100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0))::numeric AS truth,
           abs(s.bloat_pct::numeric - 100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0)) AS err
    FROM truth t JOIN acc_seen s USING (kind, shape)
)
SELECT kind, shape, pg_size_pretty(max(before)) AS size, round(min(truth), 1) AS truth,
       round(max(err) FILTER (WHERE mode = 'default'), 1) AS "default",
       round(max(err) FILTER (WHERE mode = 'stats'), 1) AS stats,
       round(max(err) FILTER (WHERE mode = 'exact'), 1) AS exact,
       round(max(err) FILTER (WHERE mode = 'sampled'), 1) AS sampled,
       round(max(err) FILTER (WHERE mode = 'sampled 300'), 1) AS "sampled 300",
       max(interval) FILTER (WHERE mode = 'default') AS default_interval,
       left(max(basis) FILTER (WHERE mode = 'default'), 100) AS default_basis
FROM err GROUP BY kind, shape ORDER BY kind DESC, shape
\g
\echo == mean and max (a NULL figure -- no estimate -- counts as the whole truth missed)
WITH truth AS (
    SELECT s.kind, s.shape, e.bytes AS before,
           CASE s.kind WHEN 'toast' THEN pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE oid = s.rel))
                       ELSE pg_relation_size(s.rel) END AS after
    FROM acc_shape s JOIN acc_seen e ON e.kind = s.kind AND e.shape = s.shape AND e.mode = 'exact'
), err AS (
    SELECT t.kind, t.shape, s.mode,
           (100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0))::numeric AS truth,
           abs(s.bloat_pct::numeric - 100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0)) AS err
    FROM truth t JOIN acc_seen s USING (kind, shape)
)
SELECT kind, mode, count(*) AS shapes,
       round(avg(coalesce(err, truth)), 2) AS mean, round(max(coalesce(err, truth)), 1) AS max,
       count(*) FILTER (WHERE err IS NULL) AS no_figure,
       CASE WHEN mode = 'default' THEN
                avg(coalesce(err, truth)) <= CASE kind WHEN 'btree' THEN 3 ELSE 2 END
                AND max(coalesce(err, truth)) <= 10
            WHEN mode IN ('exact', 'sampled') THEN max(coalesce(err, truth)) <= 3 END AS target_met
FROM err GROUP BY kind, mode ORDER BY kind DESC, mode
\g
\echo targets (issues 15, 27): default mean <= 2 and max <= 10 for tables (TOAST rows shown apart), mean <= 3 and max <= 10 for B-trees; exact and sampled max <= 3

\echo
\echo == 95% intervals of the default, where it sampled: how many hold the truth, and their width
WITH truth AS (
    SELECT s.kind, s.shape, e.bytes AS before,
           CASE s.kind WHEN 'toast' THEN pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE oid = s.rel))
                       ELSE pg_relation_size(s.rel) END AS after
    FROM acc_shape s JOIN acc_seen e ON e.kind = s.kind AND e.shape = s.shape AND e.mode = 'exact'
)
SELECT s.kind, count(*) AS sampled,
       count(*) FILTER (WHERE 100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0) BETWEEN s.low - 0.01 AND s.high + 0.01) AS holding,
       round(avg(s.high - s.low)::numeric, 1) AS mean_width, round(max(s.high - s.low)::numeric, 1) AS max_width
FROM acc_seen s JOIN truth t USING (kind, shape)
WHERE s.mode = 'default' AND s.low IS NOT NULL GROUP BY 1 ORDER BY 1 DESC
\g

\echo == intervals of the default that miss the truth
WITH truth AS (
    SELECT s.kind, s.shape, e.bytes AS before,
           CASE s.kind WHEN 'toast' THEN pg_relation_size((SELECT reltoastrelid FROM pg_class WHERE oid = s.rel))
                       ELSE pg_relation_size(s.rel) END AS after
    FROM acc_shape s JOIN acc_seen e ON e.kind = s.kind AND e.shape = s.shape AND e.mode = 'exact'
)
SELECT s.kind, s.shape, round((100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0))::numeric, 2) AS truth,
       round(s.bloat_pct::numeric, 2) AS "default", round(s.low::numeric, 2) AS low, round(s.high::numeric, 2) AS high
FROM acc_seen s JOIN truth t USING (kind, shape)
WHERE s.mode = 'default' AND s.low IS NOT NULL
  AND NOT 100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0) BETWEEN s.low - 0.01 AND s.high + 0.01
ORDER BY 1 DESC, 2
\g

\echo == spread of the default over 20 listings, in points of bloat_pct, max - min per shape: of the same state, and over 20 seeds
SELECT kind, seeds, count(*) AS shapes, round(avg(spread)::numeric, 2) AS mean, round(max(spread)::numeric, 2) AS worst,
       count(*) FILTER (WHERE spread > 2) AS over_2_points
FROM (SELECT kind, shape, seeds, max(bloat_pct) - min(bloat_pct) AS spread FROM acc_spread GROUP BY 1, 2, 3) x
GROUP BY 1, 2 ORDER BY 1 DESC, 2
\g
\echo == shapes whose default moves by more than 2 points over the 20 seeds
SELECT kind, shape, round((max(bloat_pct) - min(bloat_pct))::numeric, 1) AS spread,
       round(min(bloat_pct)::numeric, 1) AS min, round(max(bloat_pct)::numeric, 1) AS max
FROM acc_spread WHERE seeds = 'seeds 1-20' GROUP BY 1, 2 HAVING max(bloat_pct) - min(bloat_pct) > 2 ORDER BY 3 DESC
\g
\echo target (issue 27): the same table read 20 times varies by <= 2 points in the default
