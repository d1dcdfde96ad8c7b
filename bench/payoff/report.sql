-- report.sql: bench/payoff_bench.sh's figures as Markdown, from
-- payoff_result (one row per variant, round and statement: time, shared
-- buffers), payoff_run, payoff_size and payoff_shape.  psql variable
-- variants: the variants in column order ("before plan ...").
--   time cell:    median / p95 ms over the rounds, and the median of the
--                 rounds' paired ratios to before (the rounds interleave the
--                 variants, so a round's ratio compares like with like)
--   buffers cell: median shared buffers touched (hit + read) and the ratio
--                 of the medians to before's; the mix row adds the median
--                 reads (from outside shared_buffers)
\set ON_ERROR_STOP 1
\pset format unaligned
\pset tuples_only on
\pset footer off

CREATE TEMP TABLE v AS
SELECT v.name, v.pos FROM unnest(string_to_array(:'variants', ' ')) WITH ORDINALITY v(name, pos) WHERE v.name <> '';

-- the mixes: a round's preparation statements, its dashboard reads, and
-- every statement of it, summed
CREATE TEMP TABLE r AS
SELECT scale, variant, round, label, ms, hit + read AS bufs, read FROM payoff_result
UNION ALL
SELECT scale, variant, round, CASE WHEN label LIKE 'dash\_%' THEN '(dashboard)' ELSE '(preparation)' END,
       sum(ms), sum(hit + read), sum(read)
FROM payoff_result GROUP BY 1, 2, 3, 4
UNION ALL
SELECT scale, variant, round, '(mix)', sum(ms), sum(hit + read), sum(read) FROM payoff_result GROUP BY 1, 2, 3;

CREATE TEMP TABLE stat AS
SELECT r.scale, r.variant, r.label,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.ms) AS med_ms,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY r.ms) AS p95_ms,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.bufs) AS med_bufs,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY r.read) AS med_read,
       count(*) AS rounds
FROM r GROUP BY 1, 2, 3;

CREATE TEMP TABLE ratio AS
SELECT a.scale, a.variant, a.label,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.ms / nullif(b.ms, 0)) AS time_ratio,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY a.ms / nullif(b.ms, 0)) AS q1,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY a.ms / nullif(b.ms, 0)) AS q3
FROM r a JOIN r b ON b.scale = a.scale AND b.variant = 'before' AND b.round = a.round AND b.label = a.label
GROUP BY 1, 2, 3;

-- statements in workload order, the mixes last
CREATE TEMP TABLE lbl AS
SELECT l.label, l.pos FROM unnest(ARRAY['dlv_start', 'wk_create', 'target', 'wk_index', 'excl_denylist', 'excl_quarantine',
                                        'excl_pressure', 'parts', 'dlv_counters', 'dash_list', 'dash_stat', 'dash_status',
                                        'dash_sendlogs', 'dash_urls', 'dash_tracking', 'dash_parts',
                                        '(preparation)', '(dashboard)', '(mix)'])
       WITH ORDINALITY l(label, pos);

CREATE FUNCTION pg_temp.x(ratio float8) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN ratio IS NULL THEN '' ELSE ' (×' || to_char(ratio, 'FM990.00') || ')' END $$;
CREATE FUNCTION pg_temp.ms(v float8) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN v >= 100 THEN to_char(v, 'FM99990') WHEN v >= 10 THEN to_char(v, 'FM990.0') ELSE to_char(v, 'FM990.00') END $$;
CREATE FUNCTION pg_temp.name(label text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE label WHEN '(mix)' THEN '**whole mix**' WHEN '(preparation)' THEN '**preparation**'
                     WHEN '(dashboard)' THEN '**dashboard**' ELSE label END $$;
-- a table's title line, header and separator: one column per variant
CREATE FUNCTION pg_temp.head(title text, first text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT E'\n' || title || E'\n\n| ' || first || ' | ' || string_agg(name, ' | ' ORDER BY pos) || E' |\n|---|'
           || string_agg('---', '|') || '|'
    FROM pg_temp.v $$;

WITH lines(scale, section, ord, line) AS (
    SELECT scale, 0, 0::numeric, format(E'\n## Scale %s (%s measured rounds, %s)', scale, max(rounds), to_char(now(), 'YYYY-MM-DD'))
    FROM stat GROUP BY scale
    UNION ALL
    -- what each variant ran
    SELECT DISTINCT scale, 1, 0, E'\nWhat each variant ran before the rounds:\n\n| variant | seconds | steps done | not done |\n|---|---|---|---|'
    FROM payoff_run
    UNION ALL
    SELECT u.scale, 1, v.pos, format('| %s | %s | %s | %s |', u.variant, u.seconds,
                                      CASE u.variant WHEN 'before' THEN 'nothing'
                                                     WHEN 'control' THEN 'VACUUM (FULL, ANALYZE) of the whole database'
                                                     ELSE coalesce(nullif(u.steps, ''), 'none') END,
                                      u.failed)
    FROM payoff_run u JOIN v ON v.name = u.variant
    UNION ALL
    -- sizes
    SELECT DISTINCT scale, 2, 0, pg_temp.head('Sizes of what the workload touches (table with TOAST + its indexes):', 'relation')
    FROM payoff_size
    UNION ALL
    SELECT z.scale, 2, CASE WHEN z.relation = '(database)' THEN 1e6 ELSE 1 END,
           format('| %s | %s |', z.relation,
                  string_agg(CASE WHEN z.index_bytes IS NULL THEN pg_size_pretty(z.table_bytes)
                                  ELSE pg_size_pretty(z.table_bytes) || ' + ' || pg_size_pretty(z.index_bytes) END,
                             ' | ' ORDER BY v.pos))
    FROM payoff_size z JOIN v ON v.name = z.variant GROUP BY z.scale, z.relation
    UNION ALL
    -- time
    SELECT DISTINCT scale, 3, 0, pg_temp.head('Time, median / p95 ms (× before: the median of the rounds'' paired ratios):', 'statement')
    FROM stat
    UNION ALL
    SELECT st.scale, 3, l.pos,
           format('| %s | %s |', pg_temp.name(l.label),
                  string_agg(coalesce(pg_temp.ms(st.med_ms) || ' / ' || pg_temp.ms(st.p95_ms)
                                      || CASE WHEN v.name = 'before' THEN '' ELSE pg_temp.x(ra.time_ratio) END, '—'),
                             ' | ' ORDER BY v.pos))
    FROM (SELECT DISTINCT scale, label FROM stat) sl
    JOIN lbl l ON l.label = sl.label
    CROSS JOIN v
    LEFT JOIN stat st ON st.scale = sl.scale AND st.variant = v.name AND st.label = sl.label
    LEFT JOIN ratio ra ON ra.scale = sl.scale AND ra.variant = v.name AND ra.label = sl.label
    GROUP BY st.scale, l.pos, l.label
    UNION ALL
    SELECT ra.scale, 3, 1e6 + l.pos, format(E'%s%s''s paired time ratios to before, median (interquartile range over the rounds): ',
                                            CASE WHEN l.label = '(preparation)' THEN E'\n' ELSE '' END, pg_temp.name(l.label))
           || string_agg(format('%s ×%s (%s–%s)', v.name, to_char(ra.time_ratio, 'FM990.00'), to_char(ra.q1, 'FM990.00'),
                                to_char(ra.q3, 'FM990.00')), ', ' ORDER BY v.pos) || '.'
    FROM ratio ra JOIN v ON v.name = ra.variant JOIN lbl l ON l.label = ra.label
    WHERE ra.label LIKE '(%' AND ra.variant <> 'before' GROUP BY ra.scale, l.pos, l.label
    UNION ALL
    -- buffers
    SELECT DISTINCT scale, 4, 0, pg_temp.head('Shared buffers touched (hit + read), median (× before), and the median of those read from outside shared_buffers where any:', 'statement')
    FROM stat
    UNION ALL
    SELECT sl.scale, 4, l.pos,
           format('| %s | %s |', pg_temp.name(l.label),
                  string_agg(coalesce(round(st.med_bufs)::text
                                      || CASE WHEN v.name = 'before' THEN '' ELSE pg_temp.x(st.med_bufs / nullif(b.med_bufs, 0)) END
                                      || CASE WHEN st.med_read >= 1 OR l.label LIKE '(%' THEN format(', %s read', round(st.med_read)) ELSE '' END, '—'),
                             ' | ' ORDER BY v.pos))
    FROM (SELECT DISTINCT scale, label FROM stat) sl
    JOIN lbl l ON l.label = sl.label
    CROSS JOIN v
    LEFT JOIN stat st ON st.scale = sl.scale AND st.variant = v.name AND st.label = sl.label
    LEFT JOIN stat b ON b.scale = sl.scale AND b.variant = 'before' AND b.label = sl.label
    GROUP BY sl.scale, l.pos, l.label
    UNION ALL
    -- plans
    SELECT DISTINCT scale, 5, 0, pg_temp.head('Scans in each statement''s plan (EXPLAIN of one more round):', 'statement')
    FROM payoff_shape
    UNION ALL
    SELECT sl.scale, 5, l.pos,
           format('| %s | %s |', l.label, string_agg(coalesce(sh.shape, '—'), ' | ' ORDER BY v.pos))
    FROM (SELECT DISTINCT scale, label FROM payoff_shape) sl
    JOIN lbl l ON l.label = sl.label
    CROSS JOIN v
    LEFT JOIN payoff_shape sh ON sh.scale = sl.scale AND sh.variant = v.name AND sh.label = sl.label
    GROUP BY sl.scale, l.pos, l.label
)
SELECT line FROM lines ORDER BY scale, section, ord, line;
