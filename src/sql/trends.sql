/*
 * trends.sql -- the trend views over campmon's snapshots (snapshots.sql),
 * for psql and BI tools: growth per day by least-squares slope over the
 * snapshots of the last campmon.trend_window (anchored at the latest
 * snapshot, not at now(): a database whose snapshots stopped still shows
 * its last trend), forecasts (days to the critical bloat threshold, to a
 * full tablespace, to a key sequence's wrap), each check's timeline and what
 * each run gave back.  Fewer than campmon.trend_min_points snapshots, or
 * snapshots spanning less than campmon.trend_min_span (five snapshots two
 * minutes apart make no daily rate): the figures are NULL and note says
 * why; no snapshot at all: no row.  A series compares like with like: the
 * snapshots measured in the latest one's modes (snapshot() itself always
 * sees every relation).  Columns are documented in doc/trends.md and stable.
 */

-- A campmon setting as a number (pg_settings' value, in the GUC's base
-- unit); loads the library so that the setting exists.
CREATE OR REPLACE FUNCTION campmon._setting_num(name text) RETURNS numeric
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM campmon.version();
    RETURN (SELECT s.setting::numeric FROM pg_settings s WHERE s.name = $1);
END $$;

REVOKE ALL ON FUNCTION campmon._setting_num(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._setting_num(text) TO campmon_reader, pg_monitor;

-- The snapshots of the trend window: day is the time from the latest
-- snapshot in days (0 for the latest, negative before), the slopes' x.
CREATE OR REPLACE FUNCTION campmon._trend_snapshots()
RETURNS TABLE (snapshot_id bigint, taken_at timestamptz, day double precision, latest boolean)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.snapshot_id, s.taken_at, extract(epoch FROM s.taken_at - l.at)::double precision / 86400, s.taken_at = l.at
    FROM (SELECT x.taken_at AS at, x.tables_mode, x.indexes_mode, campmon._seconds('campmon.trend_window') AS win
          FROM campmon.snapshot_taken x ORDER BY x.taken_at DESC LIMIT 1) l
    JOIN campmon.snapshot_taken s ON s.taken_at > l.at - l.win AND s.taken_at <= l.at
     -- like with like: measured in the same modes
     AND s.tables_mode IS NOT DISTINCT FROM l.tables_mode AND s.indexes_mode IS NOT DISTINCT FROM l.indexes_mode
$$;

REVOKE ALL ON FUNCTION campmon._trend_snapshots() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._trend_snapshots() TO campmon_reader, pg_monitor;

-- Why a trend is missing, or NULL when there is one (the settings read
-- once per query by the views' cfg, not once per row).
CREATE OR REPLACE FUNCTION campmon._no_trend(points bigint, min_points numeric, window_text text,
                                             span interval, min_span interval) RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE WHEN points < min_points
                THEN format('no trend: %s snapshot%s in the last %s, %s needed (campmon.trend_min_points)',
                            points, CASE WHEN points = 1 THEN '' ELSE 's' END, window_text, min_points)
                WHEN span < min_span
                THEN format('no trend: the snapshots span %s, %s needed (campmon.trend_min_span)',
                            campmon._human(span), campmon._human(min_span)) END
$$;

REVOKE ALL ON FUNCTION campmon._no_trend(bigint,numeric,text,interval,interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._no_trend(bigint,numeric,text,interval,interval) TO campmon_reader, pg_monitor;

-- The views read the snapshot tables as their caller (security_invoker):
-- row-level security shows each reader the relations it may measure.

-- Per relation of the latest snapshot
CREATE OR REPLACE VIEW campmon.relation_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._setting_num('campmon.bloat_critical_pct') AS crit,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
cur AS MATERIALIZED (
    SELECT r.* FROM campmon.snapshot_relation r WHERE r.snapshot_id = (SELECT w.snapshot_id FROM w WHERE w.latest)
),
fit AS (
    SELECT r.schema_name, r.relation_name, regr_count(r.bytes::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(r.bytes::float8, w.day) AS bytes_s, regr_slope(r.total_bytes::float8, w.day) AS total_s,
           regr_slope(r.bloat_bytes::float8, w.day) AS bloat_s, regr_slope(r.bloat_pct::float8, w.day) AS pct_s
    FROM campmon.snapshot_relation r JOIN w ON w.snapshot_id = r.snapshot_id
    -- the window's rows by the primary key's index (a join alone hashed
    -- every row of every snapshot: 3 s at 90 days of 2,000 rows)
    WHERE r.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY r.schema_name, r.relation_name
)
SELECT c.schema_name, c.relation_name, c.kind, c.table_name, c.family, c.tablespace,
       f.points, f.first_at, (SELECT w.taken_at FROM w WHERE w.latest) AS last_at,
       c.bytes, c.total_bytes, c.bloat_bytes, c.bloat_pct, c.method,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bytes_s::numeric) END AS bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.total_s::numeric) END AS total_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bloat_s::numeric) END AS bloat_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.pct_s::numeric, 3) END AS bloat_pct_per_day,
       CASE WHEN NOT (f.points >= g.min_points AND f.span >= g.min_span) OR c.bloat_pct IS NULL THEN NULL
            WHEN c.bloat_pct >= g.crit THEN 0::numeric
            WHEN f.pct_s > 0 THEN round(((g.crit - c.bloat_pct) / f.pct_s::numeric), 1) END AS days_to_critical,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.total_s > 0
            THEN round(ts.available_bytes / f.total_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM cur c
JOIN fit f ON f.schema_name = c.schema_name AND f.relation_name = c.relation_name
CROSS JOIN cfg g
LEFT JOIN campmon.snapshot_tablespace ts ON ts.snapshot_id = c.snapshot_id AND ts.tablespace = c.tablespace;

COMMENT ON VIEW campmon.relation_trends IS
'Per relation of the latest snapshot: size and bloat now, their growth per day (least-squares slope over campmon.trend_window), days to the critical bloat threshold and to a full tablespace (doc/trends.md)';

REVOKE ALL ON campmon.relation_trends FROM PUBLIC;
GRANT SELECT ON campmon.relation_trends TO campmon_reader, pg_monitor;

-- Per family (and tablespace) of the latest snapshot: every table of the
-- family with its TOAST and indexes
CREATE OR REPLACE VIEW campmon.family_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._setting_num('campmon.bloat_critical_pct') AS crit,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
grp AS MATERIALIZED (
    SELECT g.*, w.day, w.latest, w.taken_at,
           round(100.0 * g.bloat_bytes / nullif(g.total_bytes, 0), 2) AS bloat_pct
    FROM campmon.snapshot_group g JOIN w ON w.snapshot_id = g.snapshot_id
    WHERE g.grouping = 'family' AND g.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
),
fit AS (
    SELECT g.name, g.tablespace, regr_count(g.total_bytes::float8, g.day) AS points, min(g.taken_at) AS first_at,
           max(g.taken_at) - min(g.taken_at) AS span,
           regr_slope(g.total_bytes::float8, g.day) AS total_s,
           regr_slope(g.bloat_bytes::float8, g.day) AS bloat_s, regr_slope(g.bloat_pct::float8, g.day) AS pct_s
    FROM grp g GROUP BY g.name, g.tablespace
)
SELECT c.name AS family, c.tablespace, f.points, f.first_at, c.taken_at AS last_at,
       c.relations AS tables, c.total_bytes, c.bloat_bytes, c.bloat_pct, c.dead_rows,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.total_s::numeric) END AS total_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.bloat_s::numeric) END AS bloat_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.pct_s::numeric, 3) END AS bloat_pct_per_day,
       CASE WHEN NOT (f.points >= g.min_points AND f.span >= g.min_span) OR c.bloat_pct IS NULL THEN NULL
            WHEN c.bloat_pct >= g.crit THEN 0::numeric
            WHEN f.pct_s > 0 THEN round(((g.crit - c.bloat_pct) / f.pct_s::numeric), 1) END AS days_to_critical,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.total_s > 0
            THEN round(ts.available_bytes / f.total_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM grp c
JOIN fit f ON f.name = c.name AND f.tablespace = c.tablespace
CROSS JOIN cfg g
LEFT JOIN campmon.snapshot_tablespace ts ON ts.snapshot_id = c.snapshot_id AND ts.tablespace = c.tablespace
WHERE c.latest;

COMMENT ON VIEW campmon.family_trends IS
'Per Campaign family and tablespace of the latest snapshot: size and bloat (tables, TOAST, indexes), growth per day, days to the critical bloat threshold and to a full tablespace (doc/trends.md)';

REVOKE ALL ON campmon.family_trends FROM PUBLIC;
GRANT SELECT ON campmon.family_trends TO campmon_reader, pg_monitor;

-- Per tablespace of the latest snapshot: free space and when it runs out
CREATE OR REPLACE VIEW campmon.tablespace_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
fit AS (
    SELECT t.tablespace, regr_count(t.available_bytes::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(t.available_bytes::float8, w.day) AS avail_s
    FROM campmon.snapshot_tablespace t JOIN w ON w.snapshot_id = t.snapshot_id
    WHERE t.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY t.tablespace
)
SELECT c.tablespace, f.points, f.first_at, w.taken_at AS last_at,
       c.total_bytes, c.available_bytes,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.avail_s::numeric) END AS available_bytes_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.avail_s < 0
            THEN round(c.available_bytes / -f.avail_s::numeric, 1) END AS days_to_full,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM campmon.snapshot_tablespace c
JOIN w ON w.snapshot_id = c.snapshot_id AND w.latest
JOIN fit f ON f.tablespace = c.tablespace
CROSS JOIN cfg g;

COMMENT ON VIEW campmon.tablespace_trends IS
'Per tablespace of the latest snapshot: total and available bytes, available bytes per day (negative: filling), days until full (doc/trends.md)';

REVOKE ALL ON campmon.tablespace_trends FROM PUBLIC;
GRANT SELECT ON campmon.tablespace_trends TO campmon_reader, pg_monitor;

-- Per key sequence of the latest snapshot: identifiers a day and days to
-- the wrap (wrap_at: 2^31 for Campaign's 32-bit keys)
CREATE OR REPLACE VIEW campmon.sequence_trends WITH (security_invoker = true) AS
WITH w AS MATERIALIZED (SELECT * FROM campmon._trend_snapshots()),
cfg AS MATERIALIZED (SELECT campmon._setting_num('campmon.trend_min_points') AS min_points,
                            campmon._seconds('campmon.trend_min_span') AS min_span,
                            campmon._human(campmon._seconds('campmon.trend_window')) AS window_text),
fit AS (
    SELECT q.sequence_name, regr_count(q.used::float8, w.day) AS points, min(w.taken_at) AS first_at,
           max(w.taken_at) - min(w.taken_at) AS span,
           regr_slope(q.used::float8, w.day) AS used_s
    FROM campmon.snapshot_sequence q JOIN w ON w.snapshot_id = q.snapshot_id
    WHERE q.snapshot_id = ANY ((SELECT array_agg(w.snapshot_id) FROM w)::bigint[])
    GROUP BY q.sequence_name
)
SELECT c.sequence_name, f.points, f.first_at, w.taken_at AS last_at,
       c.last_value, c.used, c.wrap_at, round(100.0 * c.used / c.wrap_at, 2) AS used_pct,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) THEN round(f.used_s::numeric) END AS ids_per_day,
       CASE WHEN (f.points >= g.min_points AND f.span >= g.min_span) AND f.used_s > 0
            THEN round((c.wrap_at - c.used) / f.used_s::numeric, 1) END AS days_to_wrap,
       campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) AS note
FROM campmon.snapshot_sequence c
JOIN w ON w.snapshot_id = c.snapshot_id AND w.latest
JOIN fit f ON f.sequence_name = c.sequence_name
CROSS JOIN cfg g;

COMMENT ON VIEW campmon.sequence_trends IS
'Per key sequence of the latest snapshot: identifiers used, per day, days until it wraps (wrap_at: 2^31 for 32-bit keys; doc/trends.md)';

REVOKE ALL ON campmon.sequence_trends FROM PUBLIC;
GRANT SELECT ON campmon.sequence_trends TO campmon_reader, pg_monitor;

-- Per check row of the latest snapshot, over every retained snapshot:
-- since when it has its status, since when it is not ok, since when
-- critical.  A few index probes per row (snapshot_check_timeline): the
-- last time it had each status, then the first time after the last change.
CREATE OR REPLACE VIEW campmon.check_timeline WITH (security_invoker = true) AS
WITH l AS MATERIALIZED (SELECT s.snapshot_id, s.taken_at FROM campmon.snapshot_taken s ORDER BY s.taken_at DESC LIMIT 1),
cur AS MATERIALIZED (
    SELECT DISTINCT ON (c.check_name, c.target) c.check_name, c.target, c.status, c.value, c.threshold
    FROM campmon.snapshot_check c JOIN l ON l.snapshot_id = c.snapshot_id
    ORDER BY c.check_name, c.target, CASE c.status WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END
),
last AS (
    SELECT c.*,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'ok') AS last_ok_at,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'warning') AS last_warning_at,
           (SELECT max(h.taken_at) FROM campmon.snapshot_check h
            WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'critical') AS last_critical_at,
           (SELECT min(m.first) FROM (
                SELECT (SELECT min(h.taken_at) FROM campmon.snapshot_check h
                        WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = st) AS first
                FROM unnest(ARRAY['ok', 'warning', 'critical']) st) m) AS first_seen_at
    FROM cur c
),
changes AS (
    SELECT x.*,
           -- the last time it had another status than now
           CASE x.status WHEN 'ok' THEN greatest(x.last_warning_at, x.last_critical_at)
                         WHEN 'warning' THEN greatest(x.last_ok_at, x.last_critical_at)
                         ELSE greatest(x.last_ok_at, x.last_warning_at) END AS last_other_at,
           greatest(x.last_ok_at, x.last_warning_at) AS last_not_critical_at
    FROM last x
)
SELECT c.check_name, c.target, c.status, c.value, c.threshold,
       coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                 WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = c.status AND h.taken_at > c.last_other_at),
                c.first_seen_at) AS since,
       l.taken_at - coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                              WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = c.status AND h.taken_at > c.last_other_at),
                             c.first_seen_at) AS status_for,
       CASE WHEN c.status <> 'ok' THEN
           coalesce((SELECT min(m.first) FROM (
                         SELECT (SELECT min(h.taken_at) FROM campmon.snapshot_check h
                                 WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = st
                                   AND h.taken_at > c.last_ok_at) AS first
                         FROM unnest(ARRAY['warning', 'critical']) st) m), c.first_seen_at) END AS not_ok_since,
       CASE WHEN c.status = 'critical' THEN
           coalesce((SELECT min(h.taken_at) FROM campmon.snapshot_check h
                     WHERE h.check_name = c.check_name AND h.target = c.target AND h.status = 'critical'
                       AND h.taken_at > c.last_not_critical_at), c.first_seen_at) END AS critical_since,
       c.last_ok_at, greatest(c.last_warning_at, c.last_critical_at) AS last_not_ok_at, c.first_seen_at
FROM changes c CROSS JOIN l;

COMMENT ON VIEW campmon.check_timeline IS
'Per campmon.checks row of the latest snapshot: its status, since when (and for how long), since when not ok, since when critical, its last ok and last not-ok snapshots (doc/trends.md)';

REVOKE ALL ON campmon.check_timeline FROM PUBLIC;
GRANT SELECT ON campmon.check_timeline TO campmon_reader, pg_monitor;

-- Per run of run_plan: what campmon.history says it gave back beside what
-- the snapshots before and after it show
CREATE OR REPLACE VIEW campmon.run_gains WITH (security_invoker = true) AS
SELECT r.run_id, r.run_by, r.dry_run, r.status, r.started_at, r.finished_at,
       h.steps_done, h.steps_failed, h.gained_bytes AS history_gained_bytes,
       b.taken_at AS snapshot_before_at, a.taken_at AS snapshot_after_at,
       tg.targets AS targets_in_snapshots, tg.gained AS targets_gained_bytes,
       (SELECT sum(g.total_bytes) FROM campmon.snapshot_group g WHERE g.snapshot_id = b.snapshot_id AND g.grouping = 'work_tables')
     - (SELECT sum(g.total_bytes) FROM campmon.snapshot_group g WHERE g.snapshot_id = a.snapshot_id AND g.grouping = 'work_tables')
           AS work_tables_gained_bytes,
       b.total_bytes - a.total_bytes AS total_gained_bytes
FROM campmon.run r
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE s.outcome = 'done') AS steps_done,
           count(*) FILTER (WHERE s.outcome = 'failed') AS steps_failed,
           sum(s.size_before - s.size_after) FILTER (WHERE s.outcome = 'done') AS gained_bytes
    FROM campmon.run_step s WHERE s.run_id = r.run_id
) h
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at, s.total_bytes FROM campmon.snapshot_taken s
    WHERE s.taken_at <= r.started_at ORDER BY s.taken_at DESC LIMIT 1
) b ON true
LEFT JOIN LATERAL (
    SELECT s.snapshot_id, s.taken_at, s.total_bytes FROM campmon.snapshot_taken s
    WHERE r.finished_at IS NOT NULL AND s.taken_at >= r.finished_at ORDER BY s.taken_at LIMIT 1
) a ON true
LEFT JOIN LATERAL (
    SELECT count(*) AS targets, sum(rb.total_bytes - ra.total_bytes) AS gained
    FROM (SELECT DISTINCT s.target_relid FROM campmon.run_step s WHERE s.run_id = r.run_id AND s.outcome = 'done'
            AND s.target_relid IS NOT NULL) st
    JOIN campmon.snapshot_relation rb ON rb.snapshot_id = b.snapshot_id AND rb.relid = st.target_relid
    JOIN campmon.snapshot_relation ra ON ra.snapshot_id = a.snapshot_id AND ra.relid = st.target_relid
) tg ON true;

COMMENT ON VIEW campmon.run_gains IS
'Per run of campmon.run_plan: steps done and failed, bytes given back per campmon.history, and what the snapshots before and after the run show came back (its targets, the work tables, all tables) (doc/trends.md)';

REVOKE ALL ON campmon.run_gains FROM PUBLIC;
GRANT SELECT ON campmon.run_gains TO campmon_reader, pg_monitor;
