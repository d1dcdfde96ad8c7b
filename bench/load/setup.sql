-- setup.sql: the database of bench/load_bench.sh.  The Campaign-like demo
-- database (demo/campaign_demo.sql: delivery and tracking logs purged and
-- updated, bloated deliveries and workflows, stale and held work tables) at
-- psql variable scale, autovacuum off on its tables (so that both phases
-- see the same background and the bloat is still there when campmon's phase
-- starts), then campmon and the id sequences the writers draw from.
\set ON_ERROR_STOP 1
\if :{?scale} \else \set scale 10 \endif
\set no_autovacuum 1
\ir ../../demo/campaign_demo.sql
\set QUIET 0

CREATE EXTENSION campmon;

-- Campaign draws log ids from sequences; the demo wrote them explicitly.
SELECT max(ibroadlogid) + 1 AS bl_next FROM nmsbroadlogrcp \gset
SELECT max(itrackinglogid) + 1 AS tl_next FROM nmstrackinglogrcp \gset
CREATE SEQUENCE bench_broadlogid START :bl_next;
CREATE SEQUENCE bench_trackinglogid START :tl_next;

SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size,
       (SELECT count(*) FROM campmon.plan()) AS plan_steps_now;
