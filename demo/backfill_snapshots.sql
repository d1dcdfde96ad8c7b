/*
 * backfill_snapshots.sql -- SYNTHETIC history for the demo database: takes
 * one real campmon.snapshot() (the model), then makes up a few weeks of
 * snapshots before it, so that the trend views and campmon.report() have
 * something to show on a fresh demo database.  Every made-up snapshot has
 * synthetic = true and note 'synthetic: demo/backfill_snapshots.sql'; the
 * report says so in red.  Never run it on a real database: the figures are
 * invented from the model by the formulas below, not measured.
 *
 *   psql -v ON_ERROR_STOP=1 [-v days=21] [-v every_hours=6] -f demo/backfill_snapshots.sql
 *
 * The story it tells, deterministically: sizes grew 15% over the period;
 * bloat grew from 30% of today's (with a daily ripple); the cleanup
 * workflow started failing about a third of the way in, so stale work
 * tables pile up from then on; each check that is not ok today turned
 * warning, then critical, at a point of the period fixed by a hash of its
 * name; each key sequence took 150,000 identifiers a day; the tablespace lost
 * 1 GB of free space a day.
 */
\set ON_ERROR_STOP 1
\if :{?days}
\else
\set days 21
\endif
\if :{?every_hours}
\else
\set every_hours 6
\endif

SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS campmon;
RESET client_min_messages;
SELECT campmon.snapshot() AS model \gset

BEGIN;
CREATE TEMP TABLE synth ON COMMIT DROP AS
SELECT g AS k, m.taken_at - g * make_interval(hours => :every_hours) AS taken_at,
       g * :every_hours / 24.0 AS days_ago, 1 - g * :every_hours / 24.0 / :days AS f
FROM campmon.snapshot_taken m, generate_series(1, (:days * 24) / :every_hours) g
WHERE m.snapshot_id = :model;

INSERT INTO campmon.snapshot_taken (taken_at, synthetic, tables_mode, indexes_mode, relations, kept_relations, total_bytes, note)
SELECT s.taken_at, true, m.tables_mode, m.indexes_mode, m.relations, m.kept_relations, round(m.total_bytes * (0.85 + 0.15 * s.f)),
       'synthetic: demo/backfill_snapshots.sql'
FROM synth s, campmon.snapshot_taken m WHERE m.snapshot_id = :model;

CREATE TEMP TABLE synth_id ON COMMIT DROP AS
SELECT n.snapshot_id, s.* FROM synth s JOIN campmon.snapshot_taken n ON n.taken_at = s.taken_at AND n.synthetic;

-- relations: size 85% -> 100%, bloat 30% -> 100% of today's with a daily ripple
INSERT INTO campmon.snapshot_relation (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace,
                                       bytes, total_bytes, bloat_bytes, bloat_pct, toast_bloat_bytes, method, dead_rows,
                                       vacuum_count, analyze_count, idx_scan, table_relid)
SELECT s.snapshot_id, r.relid, r.kind, r.schema_name, r.relation_name, r.table_name, r.family, r.tablespace,
       x.bytes, round(r.total_bytes * (0.85 + 0.15 * s.f)), x.bloat,
       CASE WHEN x.bytes > 0 THEN round(100.0 * x.bloat / x.bytes, 2) END,
       round(r.toast_bloat_bytes * (0.3 + 0.7 * s.f)), r.method, round(r.dead_rows * (0.3 + 0.7 * s.f)),
       r.vacuum_count, r.analyze_count, r.idx_scan, r.table_relid
FROM synth_id s
CROSS JOIN campmon.snapshot_relation r
CROSS JOIN LATERAL (SELECT round(r.bytes * (0.85 + 0.15 * s.f))::bigint AS bytes,
                           least(round(r.bloat_bytes * (0.3 + 0.7 * s.f) * (0.95 + 0.05 * cos(2 * pi() * s.days_ago)::numeric)),
                                 round(r.bytes * (0.85 + 0.15 * s.f)))::bigint AS bloat) x
WHERE r.snapshot_id = :model;

-- totals: families as their relations; stale work tables from a third of
-- the way in (the cleanup failing), held and suspect steady
INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes, bloat_bytes, dead_rows)
SELECT s.snapshot_id, g.grouping, g.name, g.tablespace,
       CASE WHEN g.grouping = 'work_tables' AND g.name = 'stale' THEN round(g.relations * greatest(0.05, least(1, (s.f - 0.33) / 0.67)))
            ELSE g.relations END,
       CASE WHEN g.grouping = 'work_tables' AND g.name = 'stale' THEN round(g.total_bytes * greatest(0.05, least(1, (s.f - 0.33) / 0.67)))
            ELSE round(g.total_bytes * (0.85 + 0.15 * s.f)) END,
       round(g.bloat_bytes * (0.3 + 0.7 * s.f) * (0.95 + 0.05 * cos(2 * pi() * s.days_ago)::numeric)),
       round(g.dead_rows * (0.3 + 0.7 * s.f))
FROM synth_id s CROSS JOIN campmon.snapshot_group g
WHERE g.snapshot_id = :model;

-- checks: what is not ok today was ok before a point fixed by its name,
-- then warning, then (if critical today) critical
INSERT INTO campmon.snapshot_check (snapshot_id, taken_at, check_name, target, status, value, threshold, target_relid)
SELECT s.snapshot_id, s.taken_at, c.check_name, c.target,
       CASE WHEN c.status = 'ok' OR s.f < t.turn THEN 'ok'
            WHEN c.status = 'critical' AND s.f < t.turn + 0.2 THEN 'warning'
            ELSE c.status END,
       c.value, c.threshold, c.target_relid
FROM synth_id s CROSS JOIN campmon.snapshot_check c
CROSS JOIN LATERAL (SELECT 0.15 + (abs(hashtext(c.check_name || c.target)) % 50) / 100.0 AS turn) t
WHERE c.snapshot_id = :model;

-- the key sequences: 150,000 identifiers a day each
INSERT INTO campmon.snapshot_sequence (snapshot_id, sequence_name, last_value, used, sequence_relid, wrap_at)
SELECT s.snapshot_id, q.sequence_name, greatest(q.used - round(150000 * s.days_ago), 0), greatest(q.used - round(150000 * s.days_ago), 0),
       q.sequence_relid, q.wrap_at
FROM synth_id s CROSS JOIN campmon.snapshot_sequence q WHERE q.snapshot_id = :model;

-- the tablespace: 1 GB of free space a day
INSERT INTO campmon.snapshot_tablespace (snapshot_id, tablespace, total_bytes, free_bytes, available_bytes)
SELECT s.snapshot_id, t.tablespace, t.total_bytes,
       least(t.free_bytes + round(1073741824 * s.days_ago), t.total_bytes),
       least(t.available_bytes + round(1073741824 * s.days_ago), t.total_bytes)
FROM synth_id s CROSS JOIN campmon.snapshot_tablespace t WHERE t.snapshot_id = :model;
COMMIT;
-- a bulk load: its statistics now, not when autovacuum comes by (the
-- listings' stats mode estimates from them)
ANALYZE campmon.snapshot_taken, campmon.snapshot_relation, campmon.snapshot_group, campmon.snapshot_check,
        campmon.snapshot_sequence, campmon.snapshot_tablespace;

SELECT count(*) FILTER (WHERE synthetic) AS synthetic_snapshots, count(*) FILTER (WHERE NOT synthetic) AS measured_snapshots,
       min(taken_at)::date AS since
FROM campmon.snapshot_taken;
