-- setup.sql: one database of bench/payoff_bench.sh.  The Campaign-like demo
-- database (demo/campaign_demo.sql: purged and updated delivery and tracking
-- logs, bloated deliveries and workflows, stale work tables) at psql
-- variable scale, autovacuum off on its tables (the state each variant
-- starts from stays as it is until the measured rounds are over; what the
-- rounds write is the same in every variant), then campmon, with the demo's
-- reference time as Campaign's "now" (the plan's work-table verdicts and the
-- workload's dates agree).
\set ON_ERROR_STOP 1
\if :{?scale} \else \set scale 1 \endif
\set no_autovacuum 1
\ir ../../demo/campaign_demo.sql
\set QUIET 1
CREATE EXTENSION campmon;
LOAD 'campmon';
ALTER DATABASE :"DBNAME" SET campmon.reference_time = '2026-11-20 03:00:00';
