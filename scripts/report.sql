-- The bloat report printed by scripts/demo.sh (any database with campmon).
CREATE EXTENSION IF NOT EXISTS campmon;
\pset footer off

\echo
\echo == Tables by reclaimable space (campmon.tables, mode auto: exact when small, sampled when large)
SET campmon.tables_mode = 'auto';
SELECT table_name,
       method,
       pg_size_pretty(table_bytes)           AS size,
       pg_size_pretty(bloat_bytes)           AS bloat,
       bloat_pct                             AS "bloat %",
       CASE WHEN bloat_pct_low IS NOT NULL
            THEN bloat_pct_low || ' - ' || bloat_pct_high END AS "95% interval",
       dead_rows,
       pg_size_pretty(free_bytes)            AS free,
       pg_size_pretty(toast_bloat_bytes)     AS toast_bloat,
       coalesce(to_char(greatest(last_vacuum, last_autovacuum), 'YYYY-MM-DD HH24:MI'), 'never') AS last_vacuum
FROM campmon.tables
WHERE schema_name NOT IN ('pg_catalog', 'information_schema')
ORDER BY bloat_bytes DESC NULLS LAST, table_name
LIMIT 20;

\echo == The same from statistics only (mode stats: no page read; an estimate)
RESET campmon.tables_mode;
SELECT table_name, pg_size_pretty(table_bytes) AS size, pg_size_pretty(bloat_bytes) AS bloat,
       bloat_pct AS "bloat %", n_dead_tup
FROM campmon.tables
WHERE schema_name NOT IN ('pg_catalog', 'information_schema')
ORDER BY bloat_bytes DESC NULLS LAST, table_name
LIMIT 10;

\echo == The largest delivery log in detail: exact, then a 3000-page sample
SELECT method, scanned_pages, pg_size_pretty(table_bytes) AS size, live_rows, dead_rows,
       pg_size_pretty(min_bytes) AS after_vacuum_full, round(bloat_pct::numeric, 2) AS "bloat %",
       round(bloat_pct_low::numeric, 2) AS low, round(bloat_pct_high::numeric, 2) AS high
FROM (SELECT 'nmsbroadlogrcp'::regclass AS rel) r,
     LATERAL (SELECT * FROM campmon.table_bloat(r.rel, 'exact')
              UNION ALL SELECT * FROM campmon.table_bloat(r.rel, 'sampled')) b;

\echo == Indexes by reclaimable space (campmon.indexes, mode auto)
SET campmon.indexes_mode = 'auto';
SELECT table_name, index_name, method,
       pg_size_pretty(index_bytes) AS size,
       pg_size_pretty(bloat_bytes) AS bloat,
       bloat_pct AS "bloat %",
       avg_leaf_density AS "leaf density %",
       leaf_fragmentation AS "fragmentation %",
       CASE WHEN NOT is_valid THEN 'INVALID' WHEN constraint_name IS NOT NULL THEN 'constraint' ELSE '' END AS note,
       idx_scan AS scans
FROM campmon.indexes
WHERE schema_name NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
ORDER BY bloat_bytes DESC NULLS LAST, index_name
LIMIT 15;
RESET campmon.indexes_mode;

\echo == Work tables: stale (the Campaign cleanup would drop them), suspect (probably dead), held (kept)
SELECT verdict, coalesce(rule, 'no owner rule') AS rule, count(*) AS tables, pg_size_pretty(sum(total_bytes)) AS size
FROM campmon.stale_tables GROUP BY 1, 2 ORDER BY 1, 2;
SELECT table_name, verdict, reason FROM campmon.stale_tables
WHERE verdict <> 'stale' ORDER BY verdict DESC, total_bytes DESC LIMIT 5;

SELECT coalesce(nullif(current_setting('campmon.reference_time', true), ''), 'now') AS reference_time \gset
\echo == Checks that are not ok (campmon.checks; Campaign dates as of campmon.reference_time: :reference_time)
SELECT check_name, status, target, message FROM campmon.checks
WHERE status <> 'ok' AND check_name NOT IN ('delivery_holding_tables')
ORDER BY CASE status WHEN 'critical' THEN 0 ELSE 1 END, check_name, target;

\echo == What campmon would do (campmon.plan; run it with CALL campmon.run_plan(dry_run => false))
SELECT action, count(*) AS steps, pg_size_pretty(sum(expected_gain_bytes)) AS expected_gain
FROM campmon.plan() GROUP BY action ORDER BY min(step);
SELECT step, action, target, left(reason, 90) AS reason, command
FROM campmon.plan() WHERE action <> 'DROP TABLE' ORDER BY step LIMIT 8;
