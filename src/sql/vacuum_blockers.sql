/*
 * vacuum_blockers.sql -- campmon.vacuum_blockers: what holds back the
 * oldest transaction horizon, so that VACUUM cannot remove dead rows (nor
 * freeze past it): sessions with an old snapshot or transaction, prepared
 * transactions, replication slots (xmin, catalog_xmin), standbys'
 * hot_standby_feedback.  Each row with its age in transactions and in time,
 * what it holds and the advice; campmon advises only: it never ends a
 * session, commits a prepared transaction or drops a slot.
 *
 * Everything is read as the caller, from PostgreSQL's own views: what
 * pg_stat_activity hides from a role (another role's query, state, client
 * and start times, unless it has the privileges of pg_read_all_stats) stays
 * hidden here, and the dead-row figures count only the tables the caller
 * may measure.  The plan and the run ask _horizon_blocks() before a step
 * whose gain the horizon can empty; the texts they record (history) name a
 * blocker only by what every role may read (_blocker_label).
 *
 * PostgreSQL's "Routine Vacuuming" chapter explains why: dead rows a
 * snapshot may still see are "dead but not yet removable"; a replication
 * slot's catalog_xmin holds the system catalogs.
 */

-- A sample of a table's pages, each dead row classified as VACUUM would
-- classify it now (vacuum_horizon.c)
CREATE OR REPLACE FUNCTION campmon._dead_rows_now(rel oid, sample_pages integer DEFAULT 64,
    OUT pages integer, OUT pages_sampled integer, OUT pages_read integer,
    OUT removable bigint, OUT not_removable bigint, OUT horizon xid)
RETURNS record
AS 'MODULE_PATHNAME', 'campmon_dead_rows_now'
LANGUAGE C VOLATILE CALLED ON NULL INPUT PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._dead_rows_now(oid,integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._dead_rows_now(oid,integer) TO campmon_reader, pg_monitor;

-- A transaction id with its epoch, taken from the current counter (xids
-- are 32 bits; the snapshots record the counter with its epoch)
CREATE OR REPLACE FUNCTION campmon._full_xid(x xid) RETURNS bigint
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint - age(x) $$;

REVOKE ALL ON FUNCTION campmon._full_xid(xid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._full_xid(xid) TO campmon_reader, pg_monitor;

-- When the transaction counter passed full_xid, from the counter readings
-- campmon.snapshot() keeps (snapshot_horizon) and the counter now: linear
-- between the two readings around it.  A slot's or a standby's xmin has no
-- time of its own in PostgreSQL; this is how old it is.
CREATE OR REPLACE FUNCTION campmon._xid_time(full_xid bigint, OUT since timestamptz, OUT basis text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
WITH r AS (
    SELECT s.taken_at AS at, h.next_xid AS x
    FROM campmon.snapshot_horizon h JOIN campmon.snapshot_taken s ON s.snapshot_id = h.snapshot_id
    UNION ALL
    SELECT now(), pg_snapshot_xmax(pg_current_snapshot())::text::bigint
),
b AS (SELECT r.at, r.x FROM r WHERE r.x <= full_xid ORDER BY r.x DESC, r.at DESC LIMIT 1),
a AS (SELECT r.at, r.x FROM r WHERE r.x > full_xid ORDER BY r.x, r.at LIMIT 1)
SELECT CASE WHEN b.at IS NOT NULL AND a.at IS NOT NULL
            THEN b.at + (a.at - b.at) * ((full_xid - b.x)::float8 / greatest(a.x - b.x, 1)) END,
       CASE WHEN b.at IS NULL AND (SELECT count(*) FROM r) = 1
            THEN 'unknown: no campmon.snapshot() has recorded the transaction counter yet'
            WHEN b.at IS NULL
            THEN format('unknown: older than campmon''s oldest snapshot (%s)', to_char((SELECT min(r.at) FROM r), 'YYYY-MM-DD HH24:MI'))
            WHEN a.at IS NULL THEN 'unknown'
            ELSE format('estimated from campmon''s snapshots: the transaction counter passed it between %s and %s',
                        to_char(b.at, 'YYYY-MM-DD HH24:MI'), to_char(a.at, 'YYYY-MM-DD HH24:MI')) END
FROM (SELECT 1) one LEFT JOIN b ON true LEFT JOIN a ON true $$;

REVOKE ALL ON FUNCTION campmon._xid_time(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._xid_time(bigint) TO campmon_reader, pg_monitor;

-- The inputs of the horizon, as the caller may see them.  Sessions of
-- other databases hold only the shared catalogs (pg_database, pg_authid...):
-- they are left to that database's campmon.  A plain VACUUM's and
-- autovacuum's snapshots hold nothing (PostgreSQL leaves them out); a
-- standby's walsender is its feedback's row.
CREATE OR REPLACE FUNCTION campmon._vacuum_blockers()
RETURNS TABLE (kind text, holds text, pid integer, user_name text, application_name text, client text,
               database text, state text, name text, since timestamptz, age interval, age_basis text,
               xmin xid, xid_age integer, wal_retained_bytes bigint, query text,
               dead_rows_left bigint, dead_rows_in_reach bigint, dead_rows_note text,
               sets_horizon boolean, advice text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
-- the dead rows of every table: one snapshot of the statistics
SET stats_fetch_consistency = snapshot
AS $$
WITH wal AS (
    SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END AS lsn
),
raw AS (
    -- sessions of this database with a transaction id or a snapshot
    SELECT 'transaction'::text AS kind, 'rows'::text AS holds, a.pid, a.usename::text AS user_name,
           a.application_name::text AS application_name,
           CASE WHEN a.client_addr IS NOT NULL THEN host(a.client_addr) || coalesce(':' || a.client_port, '')
                WHEN a.client_port = -1 THEN 'local socket' END AS client,
           a.datname::text AS database, a.state, NULL::text AS name, a.xact_start AS since,
           CASE WHEN a.xact_start IS NOT NULL THEN 'its transaction''s start (pg_stat_activity.xact_start)'
                ELSE format('hidden from %s: pg_stat_activity shows another role''s times to pg_read_all_stats', current_user) END AS age_basis,
           CASE WHEN a.backend_xid IS NULL THEN a.backend_xmin
                WHEN a.backend_xmin IS NULL THEN a.backend_xid
                WHEN age(a.backend_xid) >= age(a.backend_xmin) THEN a.backend_xid ELSE a.backend_xmin END AS xmin,
           NULL::bigint AS wal_retained_bytes,
           left((regexp_match(a.query, '^\s*([^\n]*)'))[1], 200) AS query,
           false AS estimated,
           -- its xmin is its own transaction (not a snapshot that sees an
           -- older one running: such a snapshot follows the real holder)
           a.backend_xid IS NOT NULL AND (a.backend_xmin IS NULL OR age(a.backend_xid) >= age(a.backend_xmin)) AS own
    FROM pg_stat_activity a
    WHERE a.datid = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
      AND a.pid <> pg_backend_pid() AND a.usesysid IS NOT NULL
      AND (a.backend_xid IS NOT NULL OR a.backend_xmin IS NOT NULL)
      AND a.backend_type IS DISTINCT FROM 'autovacuum worker'
      AND NOT EXISTS (SELECT FROM pg_stat_replication r WHERE r.pid = a.pid)
      AND NOT coalesce(a.state = 'active' AND a.query ~* '^\s*vacuum\M' AND a.query !~* '\mfull\M', false)
    UNION ALL
    -- prepared transactions of this database: nothing ends them but
    -- COMMIT PREPARED or ROLLBACK PREPARED, not even a restart
    SELECT 'prepared transaction', 'rows', NULL, p.owner::text, NULL, NULL, p.database::text, 'prepared', p.gid,
           p.prepared, 'when it was prepared (pg_prepared_xacts.prepared)', p.transaction, NULL, NULL, false, true
    FROM pg_prepared_xacts p WHERE p.database = current_database()
    UNION ALL
    -- replication slots (any database's: a slot's xmin holds every
    -- database's rows, a logical slot's catalog_xmin every database's catalogs)
    SELECT 'replication slot', CASE WHEN s.xmin IS NOT NULL THEN 'rows' ELSE 'catalogs' END, s.active_pid, NULL, NULL, NULL,
           s.database::text,
           format('%s %s%s%s', s.slot_type, CASE WHEN s.active THEN 'active' ELSE 'inactive' END,
                  coalesce(', plugin ' || s.plugin, ''), coalesce(', WAL ' || s.wal_status, '')),
           s.slot_name::text, NULL, NULL, coalesce(s.xmin, s.catalog_xmin),
           pg_wal_lsn_diff((SELECT wal.lsn FROM wal), s.restart_lsn)::bigint, NULL, true, true
    FROM pg_replication_slots s WHERE s.xmin IS NOT NULL OR s.catalog_xmin IS NOT NULL
    UNION ALL
    -- standbys' feedback (hot_standby_feedback without a slot: the
    -- walsender holds the standby's oldest snapshot)
    SELECT 'standby feedback', 'rows', r.pid, r.usename::text, r.application_name::text,
           host(r.client_addr) || coalesce(':' || r.client_port, ''), NULL, r.state, r.application_name::text,
           NULL, NULL, r.backend_xmin, NULL, NULL, true, true
    FROM pg_stat_replication r WHERE r.backend_xmin IS NOT NULL
),
timed AS (
    SELECT r.kind, r.holds, r.pid, r.user_name, r.application_name, r.client, r.database, r.state, r.name,
           CASE WHEN r.estimated THEN e.since ELSE r.since END AS since,
           CASE WHEN r.estimated THEN e.basis ELSE r.age_basis END AS age_basis,
           r.xmin, age(r.xmin) AS xid_age, r.wal_retained_bytes, r.query, r.own
    FROM raw r
    LEFT JOIN LATERAL campmon._xid_time(campmon._full_xid(r.xmin)) e ON r.estimated
),
-- the tables with dead rows the caller may measure, when each was last
-- vacuumed: what a blocker holds is counted there
tabs AS MATERIALIZED (
    SELECT c.oid, n.nspname = 'pg_catalog' OR (n.nspname = 'pg_toast' AND c.oid < 16384) AS is_catalog,
           pg_stat_get_dead_tuples(c.oid) AS dead,
           greatest(pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid)) AS vacuumed_at
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'm', 't') AND pg_stat_get_dead_tuples(c.oid) > 0
      AND campmon._may_see_figures(c.oid)
),
held AS (
    SELECT t.*, h.left_rows, h.left_tables, h.reach_rows, h.reach_tables,
           max(t.xid_age) FILTER (WHERE t.holds = 'rows') OVER () AS oldest_rows,
           row_number() OVER (PARTITION BY t.holds ORDER BY t.xid_age DESC, t.own DESC, t.since NULLS FIRST, t.pid) AS n
    FROM timed t
    LEFT JOIN LATERAL (
        SELECT sum(b.dead) FILTER (WHERE b.vacuumed_at > t.since) AS left_rows,
               count(*) FILTER (WHERE b.vacuumed_at > t.since) AS left_tables,
               sum(b.dead) AS reach_rows, count(*) AS reach_tables
        FROM tabs b WHERE t.holds = 'rows' OR b.is_catalog) h ON true
)
SELECT h.kind, h.holds, h.pid, h.user_name, h.application_name, h.client, h.database, h.state, h.name,
       h.since, date_trunc('second', now() - h.since), h.age_basis, h.xmin, h.xid_age, h.wal_retained_bytes, h.query,
       CASE WHEN h.since IS NOT NULL THEN coalesce(h.left_rows, 0) END::bigint,
       coalesce(h.reach_rows, 0)::bigint,
       concat_ws('; ',
           CASE WHEN h.since IS NOT NULL
                THEN format('at least %s dead rows in %s table%s that a VACUUM or autovacuum since %s could not remove (or that were deleted after it)',
                            coalesce(h.left_rows, 0), h.left_tables, CASE WHEN h.left_tables = 1 THEN '' ELSE 's' END,
                            to_char(h.since, 'YYYY-MM-DD HH24:MI:SS')) END,
           format('up to %s dead rows in %s %s: those deleted after its snapshot%s (PostgreSQL''s dead-row counts of the tables %s may measure)',
                  coalesce(h.reach_rows, 0), coalesce(h.reach_tables, 0),
                  CASE WHEN h.holds = 'catalogs' THEN 'system catalogs (of every database)'
                       WHEN h.reach_tables = 1 THEN 'table' ELSE 'tables' END,
                  CASE WHEN h.since IS NULL THEN ', taken at a time unknown' ELSE '' END, current_user)),
       -- the one that sets it: the oldest of its kind (a catalog_xmin only
       -- when older than every rows' input: those hold the catalogs too)
       h.n = 1 AND (h.holds = 'rows' OR h.xid_age > coalesce(h.oldest_rows, -1)),
       CASE h.kind
           WHEN 'transaction' THEN
               CASE WHEN h.state LIKE 'idle in transaction%'
                    THEN format('the session is idle in a transaction: its application must commit or roll back; else SELECT pg_terminate_backend(%s) ends the session (campmon never does); idle_in_transaction_session_timeout stops it happening again', h.pid)
                    WHEN h.state IS NULL
                    THEN format('its application must end the transaction (commit or roll back) or its query; else SELECT pg_terminate_backend(%s) ends the session (campmon never does)', h.pid)
                    ELSE format('a transaction still working (a long query, or a REPEATABLE READ or SERIALIZABLE transaction keeps its first snapshot): let it end, or SELECT pg_cancel_backend(%s) / pg_terminate_backend(%s) (campmon never does)', h.pid, h.pid) END
           WHEN 'prepared transaction' THEN
               format('a prepared transaction its transaction manager forgot: COMMIT PREPARED %L or ROLLBACK PREPARED %L in database %s, as %s or a superuser (campmon never does); nothing else ends it, not even a restart',
                      h.name, h.name, h.database, h.user_name)
           WHEN 'replication slot' THEN
               CASE WHEN h.state LIKE '% inactive%'
                    THEN format('nothing reads this slot: restart its consumer, or drop it with SELECT pg_drop_replication_slot(%L) (its consumer then needs a new copy; campmon never drops it)', h.name)
                    ELSE format('its consumer (pid %s) lags: let it catch up, or find why it is slow', h.pid) END
           ELSE
               format('a query on standby %s (hot_standby_feedback) keeps this snapshot: end it there, or bound such queries with statement_timeout on the standby', h.application_name)
       END
FROM held h
ORDER BY h.xid_age DESC, h.own DESC, h.since NULLS FIRST, h.pid $$;

REVOKE ALL ON FUNCTION campmon._vacuum_blockers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._vacuum_blockers() TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.vacuum_blockers AS
SELECT * FROM campmon._vacuum_blockers();

COMMENT ON VIEW campmon.vacuum_blockers IS
'What holds back the oldest transaction horizon, so that VACUUM cannot remove dead rows: old sessions and transactions, prepared transactions, replication slots, standbys'' feedback; with their ages, what they hold and the advice (campmon never acts on it)';

REVOKE ALL ON campmon.vacuum_blockers FROM PUBLIC;
GRANT SELECT ON campmon.vacuum_blockers TO campmon_reader, pg_monitor;

-- A blocker described with what the caller may see of it (the checks'
-- messages, read as the caller)
CREATE OR REPLACE FUNCTION campmon._blocker_detail(b campmon.vacuum_blockers) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE b.kind
    WHEN 'transaction' THEN
        format('session pid %s (role %s%s%s%s)%s%s', b.pid, coalesce(b.user_name, '?'),
               coalesce(', application ' || nullif(b.application_name, ''), ''), coalesce(', client ' || b.client, ''),
               coalesce(', ' || b.state, ''),
               CASE WHEN b.since IS NOT NULL THEN format(' in a transaction open since %s', to_char(b.since, 'YYYY-MM-DD HH24:MI:SS')) ELSE '' END,
               coalesce(format(', query: %s', nullif(b.query, '')), ''))
    WHEN 'prepared transaction' THEN
        format('prepared transaction %L (owner %s, prepared %s)', b.name, b.user_name, to_char(b.since, 'YYYY-MM-DD HH24:MI:SS'))
    WHEN 'replication slot' THEN
        format('replication slot %L (%s%s)', b.name, b.state, coalesce(', database ' || b.database, ''))
    WHEN 'standby feedback' THEN
        format('standby %s''s hot_standby_feedback (walsender pid %s%s)', b.application_name, b.pid, coalesce(', ' || b.client, ''))
END $$;

REVOKE ALL ON FUNCTION campmon._blocker_detail(campmon.vacuum_blockers) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._blocker_detail(campmon.vacuum_blockers) TO campmon_reader, pg_monitor;

-- A blocker named by what every role may read in PostgreSQL's views (its
-- pid, role, application, gid, slot name, age in transactions; a prepared
-- transaction's time): the texts the plan and the run record go into the
-- history, which readers read.
CREATE OR REPLACE FUNCTION campmon._blocker_label(kind text, pid integer, user_name text, application_name text,
                                                  name text, xid_age integer, since timestamptz)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE kind
    WHEN 'transaction' THEN format('a session''s transaction: pid %s (role %s%s), %s transactions old',
                                   pid, coalesce(user_name, '?'), coalesce(', application ' || nullif(application_name, ''), ''), xid_age)
    WHEN 'prepared transaction' THEN format('prepared transaction %L (owner %s), prepared %s, %s transactions old',
                                            name, user_name, to_char(since, 'YYYY-MM-DD HH24:MI'), xid_age)
    WHEN 'replication slot' THEN format('replication slot %L%s, %s transactions old', name,
                                        CASE WHEN pid IS NULL THEN ' (inactive)' ELSE format(' (pid %s)', pid) END, xid_age)
    WHEN 'standby feedback' THEN format('standby %s''s hot_standby_feedback (walsender pid %s), %s transactions old', application_name, pid, xid_age)
END $$;

REVOKE ALL ON FUNCTION campmon._blocker_label(text,integer,text,text,text,integer,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._blocker_label(text,integer,text,text,text,integer,timestamptz) TO campmon_reader, pg_monitor;

-- Whether plan() looks at the pages of its VACUUM candidates: when some
-- input of the horizon is older than campmon.vacuum_blocker_min_age, or
-- of an age the caller cannot see (a short query's snapshot is gone by the
-- time the step runs; reading pages for it would only cost).  The run
-- always looks (_horizon_blocks with look => true).
CREATE OR REPLACE FUNCTION campmon._horizon_held() RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT EXISTS (SELECT FROM campmon._vacuum_blockers() b
               WHERE b.age IS NULL OR b.age >= campmon._seconds('campmon.vacuum_blocker_min_age')) $$;

REVOKE ALL ON FUNCTION campmon._horizon_held() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_held() TO campmon_reader, pg_monitor;

-- Why a step cannot do its work now because of the horizon, naming the
-- blocker, or NULL.
--  * VACUUM (and the catalogs' VACUUM): a sample of the table's pages says
--    which of its dead rows VACUUM could remove now (_dead_rows_now); when
--    those alone would not have made it a candidate (dead rows above
--    campmon.vacuum_min_dead_pct of the live ones), the VACUUM would remove
--    about nothing: "dead but not yet removable".
--  * REINDEX INDEX CONCURRENTLY and REPACK wait, before they finish, for
--    every transaction of this database that started before them (a
--    concurrent build waits for older snapshots; pg_repack for older
--    transactions): a session's transaction open longer than
--    campmon.vacuum_blocker_min_age would hold the step until its timeout.
-- VACUUM (FREEZE) and VACUUM (FULL) are never held here: a FREEZE freezes
-- what it can (an old horizon is xmin_horizon's alert), a rewrite gives
-- back the free space whatever the horizon.
CREATE OR REPLACE FUNCTION campmon._horizon_blocks(rel oid, action text, look boolean DEFAULT true) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    d record;
    b record;
    dead bigint;
    live bigint;
    dead_pct numeric;
    is_catalog boolean;
BEGIN
    IF rel IS NULL OR NOT look THEN
        RETURN NULL;
    END IF;
    IF action = 'VACUUM' THEN
        BEGIN
            SELECT * INTO d FROM campmon._dead_rows_now(rel, 64);
        EXCEPTION WHEN OTHERS THEN
            -- a page it cannot read (the VACUUM will say so itself): no
            -- claim about the horizon
            RETURN NULL;
        END;
        IF d.pages IS NULL OR d.not_removable = 0 OR d.removable + d.not_removable = 0 THEN
            RETURN NULL;
        END IF;
        dead_pct := campmon._setting_num('campmon.vacuum_min_dead_pct');
        dead := pg_stat_get_dead_tuples(rel);
        -- the rows the last VACUUM or ANALYZE counted (the statistics'
        -- running count drifts when a load and its VACUUM share a session)
        live := (SELECT CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint ELSE pg_stat_get_live_tuples(rel) END
                 FROM pg_class c WHERE c.oid = rel);
        -- the dead rows VACUUM could remove, in the sample's proportion:
        -- enough for the plan's own rule (campmon.vacuum_min_dead_pct)?
        IF dead * d.removable::numeric / (d.removable + d.not_removable) > dead_pct / 100 * greatest(live, 1) THEN
            RETURN NULL;
        END IF;
        is_catalog := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND (c.relnamespace = 'pg_catalog'::regnamespace
                                                                          OR (c.relnamespace = 'pg_toast'::regnamespace AND c.oid < 16384)));
        SELECT * INTO b FROM campmon._vacuum_blockers() x
        WHERE x.holds = 'rows' OR is_catalog ORDER BY x.xid_age DESC, x.sets_horizon DESC, x.since NULLS FIRST LIMIT 1;
        RETURN format('the horizon makes it useless: %s of the %s dead rows in a sample of %s pages (%s read) are not yet removable, held by %s (campmon.vacuum_blockers)',
                      d.not_removable, d.removable + d.not_removable, d.pages_sampled, d.pages_read,
                      coalesce(campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since),
                               format('something older than transaction %s that %s cannot see', d.horizon, current_user)));
    ELSIF action IN ('REINDEX INDEX CONCURRENTLY', 'REPACK') THEN
        SELECT * INTO b FROM campmon._vacuum_blockers() x
        WHERE x.kind = 'transaction' AND x.age >= campmon._seconds('campmon.vacuum_blocker_min_age')
        ORDER BY x.age DESC LIMIT 1;
        IF b.kind IS NULL THEN
            RETURN NULL;
        END IF;
        RETURN format('%s would wait, before it finishes, for %s, open for over %s (campmon.vacuum_blocker_min_age; campmon.vacuum_blockers)',
                      CASE WHEN action = 'REPACK' THEN 'pg_repack' ELSE 'a concurrent rebuild' END,
                      campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since),
                      campmon._human(campmon._seconds('campmon.vacuum_blocker_min_age')));
    END IF;
    RETURN NULL;
END $fn$;

REVOKE ALL ON FUNCTION campmon._horizon_blocks(oid,text,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_blocks(oid,text,boolean) TO campmon_reader, pg_monitor;

-- The plan's look at its steps (plan.sql): for each VACUUM, REINDEX INDEX
-- CONCURRENTLY or REPACK step the arguments keep, why the xmin horizon
-- makes it useless, or NULL.  Only when plan() looks at all (look).
CREATE OR REPLACE FUNCTION campmon._plan_held(steps campmon._plan_step[], look boolean,
                                              families text[], actions text[], targets regclass[])
RETURNS TABLE (relid oid, action text, why text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT s.relid, s.action, campmon._horizon_blocks(s.relid, s.action, true)
FROM unnest(steps) s
WHERE look AND s.action IN ('VACUUM', 'REINDEX INDEX CONCURRENTLY', 'REPACK')
  AND (families IS NULL OR s.family = ANY (families))
  AND (actions IS NULL OR s.action = ANY (actions))
  AND (targets IS NULL OR s.relid = ANY (targets::oid[])) $$;

REVOKE ALL ON FUNCTION campmon._plan_held(campmon._plan_step[],boolean,text[],text[],regclass[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_held(campmon._plan_step[],boolean,text[],text[],regclass[]) TO campmon_reader, pg_monitor;

-- What a VACUUM left behind, for the history: the dead rows it could not
-- remove and the oldest input of the horizon then (what every role may
-- read of it), or NULL when it left none.
CREATE OR REPLACE FUNCTION campmon._horizon_note(rel oid, dead_left bigint) RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    b record;
    is_catalog boolean;
BEGIN
    IF rel IS NULL OR coalesce(dead_left, 0) <= 0 THEN
        RETURN NULL;
    END IF;
    is_catalog := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND (c.relnamespace = 'pg_catalog'::regnamespace
                                                                      OR (c.relnamespace = 'pg_toast'::regnamespace AND c.oid < 16384)));
    SELECT * INTO b FROM campmon._vacuum_blockers() x WHERE x.holds = 'rows' OR is_catalog
    ORDER BY x.xid_age DESC, x.sets_horizon DESC, x.since NULLS FIRST LIMIT 1;
    RETURN format('%s dead rows left, not yet removable (PostgreSQL''s count after the VACUUM)%s', dead_left,
                  CASE WHEN b.kind IS NOT NULL
                       THEN ': the horizon was held by ' || campmon._blocker_label(b.kind, b.pid, b.user_name, b.application_name, b.name, b.xid_age, b.since)
                       ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._horizon_note(oid,bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._horizon_note(oid,bigint) TO campmon_reader, pg_monitor;
