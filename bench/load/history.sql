-- history.sql: what campmon's runs did during the loaded phase of
-- bench/load_bench.sh (runs with run_id > :after).
\set ON_ERROR_STOP 1
\pset footer off

\echo
\echo run_plan runs: status and summary
SELECT run_id, status, to_char(finished_at - started_at, 'MI:SS.MS') AS took, summary
FROM campmon.run WHERE run_id > :after ORDER BY run_id;

\echo
\echo step outcomes (all runs of the loaded phase)
SELECT action, outcome, count(*) AS steps,
       count(*) FILTER (WHERE target ~ '^public\.(nmsbroadlogrcp|nmstrackinglogrcp|nmsdeliverypart)') AS on_written_tables,
       pg_size_pretty(sum(gained_bytes)) AS gained,
       round(sum(extract(epoch FROM duration))::numeric, 1) AS seconds,
       round(max(extract(epoch FROM duration))::numeric, 2) AS longest_s
FROM campmon.history WHERE run_id > :after
GROUP BY action, outcome ORDER BY action, outcome;

\echo
\echo steps on the tables pgbench writes (nmsbroadlogrcp, nmstrackinglogrcp, nmsdeliverypart and their indexes)
SELECT action, target, outcome, count(*) AS times,
       round(avg(extract(epoch FROM duration))::numeric, 2) AS avg_s,
       round(max(extract(epoch FROM duration))::numeric, 2) AS max_s,
       pg_size_pretty(sum(gained_bytes)) AS gained,
       max(error) AS error
FROM campmon.history
WHERE run_id > :after AND target ~ '^public\.(nmsbroadlogrcp|nmstrackinglogrcp|nmsdeliverypart)'
GROUP BY action, target, outcome ORDER BY action, target, outcome;

\echo
\echo steps not done (skipped, failed, cancelled, interrupted), with why
SELECT run_id, step, action, target, outcome, error
FROM campmon.history WHERE run_id > :after AND outcome NOT IN ('done')
ORDER BY run_id, step LIMIT 20;
