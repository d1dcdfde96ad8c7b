-- history.sql: what campmon's runs did during the loaded phase of
-- bench/load_bench.sh (runs with run_id > :after).
\set ON_ERROR_STOP 1
\pset footer off

\echo
\echo run_plan runs: the first (the whole plan) and the others (what the writers bloated again since)
SELECT CASE WHEN r.run_id = f.first THEN 'first' ELSE 'later' END AS runs,
       count(*) AS n, string_agg(DISTINCT r.status, ', ') AS status,
       round(avg((SELECT count(*) FROM campmon.run_step s WHERE s.run_id = r.run_id)), 1) AS avg_steps,
       round(avg(extract(epoch FROM r.finished_at - r.started_at))::numeric, 2) AS avg_s,
       round(max(extract(epoch FROM r.finished_at - r.started_at))::numeric, 2) AS max_s,
       min(r.summary) AS summary_example
FROM campmon.run r, (SELECT min(run_id) AS first FROM campmon.run WHERE run_id > :after) f
WHERE r.run_id > :after
GROUP BY 1 ORDER BY 1;

\echo
\echo step outcomes (all runs of the loaded phase)
SELECT action, outcome, count(*) AS steps,
       count(*) FILTER (WHERE target ~ '^public\.(nmsbroadlogrcp|nmstrackinglogrcp|nmsdeliverypart)') AS on_written_tables,
       round(sum(extract(epoch FROM duration))::numeric, 1) AS seconds,
       round(max(extract(epoch FROM duration))::numeric, 2) AS longest_s
FROM campmon.history WHERE run_id > :after
GROUP BY action, outcome ORDER BY action, outcome;

\echo
\echo steps by target: every step on the tables pgbench writes (nmsbroadlogrcp, nmstrackinglogrcp,
\echo nmsdeliverypart and their indexes), and other targets met more than once
SELECT action, target, outcome, count(*) AS times,
       round(avg(extract(epoch FROM duration))::numeric, 2) AS avg_s,
       round(max(extract(epoch FROM duration))::numeric, 2) AS max_s,
       pg_size_pretty(min(size_before)) AS size_first,
       max(error) AS error
FROM campmon.history
WHERE run_id > :after
GROUP BY action, target, outcome
HAVING bool_or(target ~ '^public\.(nmsbroadlogrcp|nmstrackinglogrcp|nmsdeliverypart)') OR count(*) > 1
ORDER BY target !~ '^public\.(nmsbroadlogrcp|nmstrackinglogrcp|nmsdeliverypart)', action, target, outcome;

\echo
\echo steps not done (skipped, failed, cancelled, interrupted), with why (first 20)
SELECT run_id, step, action, target, outcome, error
FROM campmon.history WHERE run_id > :after AND outcome <> 'done'
ORDER BY run_id, step LIMIT 20;
