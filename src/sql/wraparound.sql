/*
 * wraparound.sql -- campmon.wraparound: how far each database, and the
 * oldest tables of this one (TOAST tables included), are from the
 * transaction-ID and multixact wraparound limits: their age against the
 * age at which autovacuum must freeze them (autovacuum_freeze_max_age,
 * autovacuum_multixact_freeze_max_age, or a table's own lower value in its
 * reloptions), against VACUUM's failsafe (vacuum_failsafe_age,
 * vacuum_multixact_failsafe_age) and against the limit where the server
 * stops assigning new IDs; the IDs left, and the days left at the pace
 * campmon's snapshots have seen the counters move.
 *
 * PostgreSQL's "Routine Vacuuming" chapter ("Preventing Transaction ID
 * Wraparound Failures", "Multixacts and Wraparound"): IDs are 32 bits; a
 * row older than 2^31 transactions would seem to be in the future, so the
 * server refuses new IDs a few million before that (about 2.1 billion).
 * Everything here is readable by every role in PostgreSQL's catalogs
 * (pg_database, pg_class).
 */

-- The limit: 2^31 IDs less the safety margin the server keeps (it stops
-- assigning within 3 million of the wrap)
CREATE OR REPLACE FUNCTION campmon._wraparound_stop_age() RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT 2147483647::bigint - 3000000 $$;

REVOKE ALL ON FUNCTION campmon._wraparound_stop_age() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound_stop_age() TO campmon_reader, pg_monitor;

-- The counters' pace per day over campmon.trend_window: the snapshots'
-- readings (snapshot_horizon) and the counters now, summed step by step
-- (the multixact counter is 32 bits and wraps); NULL, and note says why,
-- with fewer than campmon.trend_min_points readings or a span shorter than
-- campmon.trend_min_span.
CREATE OR REPLACE FUNCTION campmon._counter_pace(OUT xids_per_day numeric, OUT mxids_per_day numeric, OUT note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH r AS (
    SELECT s.taken_at AS at, h.next_xid AS x, h.next_mxid AS m
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id
    WHERE s.taken_at > now() - campmon._seconds('campmon.trend_window') AND s.taken_at < now()
    UNION ALL
    SELECT now(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
           (SELECT (d.datminmxid::text::bigint + mxid_age(d.datminmxid)) % 4294967296
            FROM pg_database d WHERE d.datname = current_database())
),
steps AS (
    SELECT r.at, r.x - lag(r.x) OVER (ORDER BY r.at) AS dx,
           (r.m - lag(r.m) OVER (ORDER BY r.at) + 4294967296) % 4294967296 AS dm
    FROM r
),
fit AS (
    SELECT count(*) AS points, max(s.at) - min(s.at) AS span, sum(s.dx) AS dx, sum(s.dm) AS dm FROM steps s
),
cfg AS (
    SELECT campmon._setting_num('campmon.trend_min_points') AS min_points, campmon._seconds('campmon.trend_min_span') AS min_span,
           campmon._human(campmon._seconds('campmon.trend_window')) AS window_text
)
SELECT CASE WHEN n.note IS NULL THEN round(f.dx / (extract(epoch FROM f.span)::numeric / 86400)) END,
       CASE WHEN n.note IS NULL THEN round(f.dm / (extract(epoch FROM f.span)::numeric / 86400)) END,
       n.note
FROM fit f CROSS JOIN cfg g
CROSS JOIN LATERAL (SELECT CASE WHEN f.span <= interval '0' THEN 'no pace yet: no snapshot has recorded the counters (campmon.snapshot())'
                                ELSE campmon._no_trend(f.points, g.min_points, g.window_text, f.span, g.min_span) END AS note) n $$;

REVOKE ALL ON FUNCTION campmon._counter_pace() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._counter_pace() TO campmon_reader, pg_monitor;

-- This database's oldest tables by transaction-ID and by multixact age,
-- TOAST tables included (named after their table), with their reloptions
-- (a TOAST table's are its toast.* ones): one pass of pg_class, names for
-- the few kept.  Another session's temporary table is one that autovacuum
-- cannot freeze (an orphaned one holds the database's age back for ever).
CREATE OR REPLACE FUNCTION campmon._wraparound_tables(tables integer DEFAULT 5)
RETURNS TABLE (counter text, oid oid, label text, reloptions text[], age bigint, temp_note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH c AS MATERIALIZED (
    -- narrow: the ages only (at 50,000 relations, the rest is for the few kept)
    SELECT c.oid, age(c.relfrozenxid)::bigint AS xa, mxid_age(c.relminmxid)::bigint AS ma
    FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')
),
top AS (
    SELECT k.counter, k.oid, k.age, r.relkind, r.relnamespace, r.relname, r.reloptions, r.relpersistence
    FROM ((SELECT 'xid'::text AS counter, c.oid, c.xa AS age FROM c ORDER BY c.xa DESC, c.oid LIMIT tables)
          UNION ALL
          (SELECT 'multixact', c.oid, c.ma FROM c ORDER BY c.ma DESC, c.oid LIMIT tables)) k
    JOIN pg_class r ON r.oid = k.oid
)
SELECT t.counter, t.oid,
       CASE WHEN p.oid IS NOT NULL THEN format('%I.%I (TOAST %I.%I)', pn.nspname, p.relname, n.nspname, t.relname)
            ELSE format('%I.%I', n.nspname, t.relname) END,
       t.reloptions, t.age,
       CASE WHEN t.relpersistence = 't' AND pg_is_other_temp_schema(t.relnamespace)
            THEN 'a temporary table of another session: autovacuum cannot freeze it, only that session can; if the session is gone, drop it (an orphaned temporary table)' END
FROM top t JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_class p ON t.relkind = 't' AND p.reltoastrelid = t.oid
LEFT JOIN pg_namespace pn ON pn.oid = p.relnamespace $$;

REVOKE ALL ON FUNCTION campmon._wraparound_tables(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound_tables(integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._wraparound(tables integer DEFAULT 5)
RETURNS TABLE (counter text, scope text, name text, relid oid, age bigint, freeze_max_age bigint, failsafe_age bigint,
               stop_age bigint, remaining bigint, per_day numeric, days_left numeric, note text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH cfg AS (
    SELECT current_setting('autovacuum_freeze_max_age')::bigint AS xid_max,
           current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_max,
           -- VACUUM uses at least 105% of the freeze age as its failsafe
           greatest(current_setting('vacuum_failsafe_age')::bigint,
                    ceil(1.05 * current_setting('autovacuum_freeze_max_age')::bigint)::bigint) AS xid_failsafe,
           greatest(current_setting('vacuum_multixact_failsafe_age')::bigint,
                    ceil(1.05 * current_setting('autovacuum_multixact_freeze_max_age')::bigint)::bigint) AS mxid_failsafe,
           campmon._wraparound_stop_age() AS stop
),
pace AS (SELECT * FROM campmon._counter_pace()),
objects AS (
    -- every database (the server stops for the oldest one)
    SELECT 'xid'::text AS counter, 'database'::text AS scope, d.datname::text AS name, NULL::oid AS relid,
           age(d.datfrozenxid)::bigint AS age, g.xid_max AS freeze_max, NULL::text AS note
    FROM pg_database d CROSS JOIN cfg g
    UNION ALL
    SELECT 'multixact', 'database', d.datname::text, NULL, mxid_age(d.datminmxid)::bigint, g.mxid_max, NULL
    FROM pg_database d CROSS JOIN cfg g
    UNION ALL
    -- this database's oldest tables, TOAST tables with them, each with its
    -- own (lower) freeze age when its reloptions set one
    SELECT t.counter, 'table', t.label, t.oid, t.age,
           CASE WHEN t.counter = 'xid'
                THEN least(g.xid_max, campmon._reloption(t.reloptions, 'autovacuum_freeze_max_age')::bigint)
                ELSE least(g.mxid_max, campmon._reloption(t.reloptions, 'autovacuum_multixact_freeze_max_age')::bigint) END,
           t.temp_note
    FROM campmon._wraparound_tables(tables) t CROSS JOIN cfg g
)
SELECT o.counter, o.scope, o.name, o.relid, o.age, o.freeze_max,
       CASE WHEN o.counter = 'xid' THEN g.xid_failsafe ELSE g.mxid_failsafe END,
       g.stop, g.stop - o.age,
       CASE WHEN o.counter = 'xid' THEN p.xids_per_day ELSE p.mxids_per_day END,
       CASE WHEN o.counter = 'xid' AND p.xids_per_day > 0 THEN round((g.stop - o.age) / p.xids_per_day, 1)
            WHEN o.counter = 'multixact' AND p.mxids_per_day > 0 THEN round((g.stop - o.age) / p.mxids_per_day, 1) END,
       concat_ws('; ', o.note, p.note)
FROM objects o CROSS JOIN cfg g CROSS JOIN pace p
ORDER BY o.counter DESC, o.scope, o.age DESC, o.name $$;

REVOKE ALL ON FUNCTION campmon._wraparound(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._wraparound(integer) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.wraparound AS
SELECT * FROM campmon._wraparound();

COMMENT ON VIEW campmon.wraparound IS
'Transaction-ID and multixact ages of every database and of this database''s oldest tables (TOAST included) against the freeze age, the failsafe and the limit, with the IDs and, from the snapshots'' pace, the days left';

REVOKE ALL ON campmon.wraparound FROM PUBLIC;
GRANT SELECT ON campmon.wraparound TO campmon_reader, pg_monitor;
