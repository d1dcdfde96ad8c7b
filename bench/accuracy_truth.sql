-- accuracy_truth.sql: in the copy of the benchmark database (CREATE
-- DATABASE ... TEMPLATE: the same pages), the real rewrites -- REINDEX of
-- each B-tree first (VACUUM FULL of its table would rebuild it), then
-- VACUUM FULL of each table -- and each mode's error in points against
-- them.  Run by bench/accuracy_bench.sh after accuracy_bench.sql.
\set ON_ERROR_STOP 1
\pset footer off
CREATE TEMP TABLE acc_truth AS
SELECT kind, shape, rel, pg_relation_size(rel) AS before, NULL::bigint AS after FROM acc_shape;

SELECT format('REINDEX INDEX %s', rel) FROM acc_truth WHERE kind = 'btree' ORDER BY shape \gexec
UPDATE acc_truth SET after = pg_relation_size(rel) WHERE kind = 'btree';
SELECT format('VACUUM FULL %s', rel) FROM acc_truth WHERE kind = 'table' ORDER BY shape \gexec
UPDATE acc_truth SET after = pg_relation_size(rel) WHERE kind = 'table';

CREATE TEMP TABLE acc_err AS
SELECT t.kind, t.shape, s.mode, s.method, s.basis,
       100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0) AS truth,
       s.bloat_pct, s.bytes = t.before AS same_size,
       abs(s.bloat_pct - 100.0 * greatest(t.before - t.after, 0) / nullif(t.before, 0)) AS err
FROM acc_truth t JOIN acc_seen s USING (kind, shape);

\echo
\echo == error of each mode, in points of bloat_pct, against VACUUM FULL (tables) and REINDEX (B-trees)
SELECT kind, shape, pg_size_pretty(max(t.before)) AS size, round(min(e.truth), 1) AS truth,
       round(max(e.err) FILTER (WHERE mode = 'default'), 1) AS "default",
       round(max(e.err) FILTER (WHERE mode = 'stats'), 1) AS stats,
       round(max(e.err) FILTER (WHERE mode = 'exact'), 1) AS exact,
       round(max(e.err) FILTER (WHERE mode = 'sampled'), 1) AS sampled,
       left(max(e.basis) FILTER (WHERE mode = 'default'), 90) AS default_basis
FROM acc_err e JOIN acc_truth t USING (kind, shape)
GROUP BY kind, shape ORDER BY kind DESC, shape;

\echo == mean and max (a NULL figure -- no estimate -- counts as the whole truth missed)
SELECT kind, mode, count(*) AS shapes,
       round(avg(coalesce(err, truth)), 2) AS mean, round(max(coalesce(err, truth)), 1) AS max,
       count(*) FILTER (WHERE err IS NULL) AS no_figure
FROM acc_err GROUP BY kind, mode ORDER BY kind DESC, mode;

\echo == targets (issue 15): default mean <= 2 and max <= 10 for tables, mean <= 3 and max <= 10 for B-trees; exact and sampled max <= 3
SELECT kind, mode,
       CASE WHEN mode = 'default' THEN
                avg(coalesce(err, truth)) <= CASE kind WHEN 'table' THEN 2 ELSE 3 END
                AND max(coalesce(err, truth)) <= 10
            WHEN mode IN ('exact', 'sampled') THEN max(coalesce(err, truth)) <= 3 END AS met
FROM acc_err WHERE mode <> 'stats' GROUP BY kind, mode ORDER BY kind DESC, mode;
