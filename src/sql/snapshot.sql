/*
 * snapshot.sql -- campmon.snapshot(): records, in campmon's own tables
 * (snapshots.sql), what the listings, campmon.stale_tables and
 * campmon.checks say now, in a bounded number of rows, and prunes the
 * snapshots older than campmon.snapshot_retention.  One pass of each
 * listing in its default mode: a few seconds at 50,000 relations
 * (doc/performance.md).  Takes no lock beyond the listings' AccessShareLock.
 *
 * It runs as the extension's owner (SECURITY DEFINER): whoever takes it
 * (an admin, a nightly job), a snapshot sees every relation, so that two
 * snapshots always compare like with like, and only this function writes
 * the snapshot tables (no role may forge one).  What it runs as the owner
 * is campmon's own measurement -- page reads and catalogs, and Campaign's
 * tables only where campmon._unsafe_to_read allows (no one's code) -- and
 * readers see its rows through row-level security (snapshots.sql).
 * taken_by is the role that called snapshot().
 */

-- The relation a check row's target names (schema.table), or NULL.
CREATE OR REPLACE FUNCTION campmon._target_relation(target text) RETURNS oid
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parts text[];
BEGIN
    -- schema.relation, either part quoted (a quote inside doubled, a dot
    -- inside allowed: a hostile name is a name)
    IF target IS NULL OR target !~ '^("([^"]|"")+"|[^".]+)\.("([^"]|"")+"|[^".]+)$' THEN
        RETURN NULL;
    END IF;
    parts := parse_ident(target);
    RETURN (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = parts[1] AND c.relname = parts[2]);
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END $$;

REVOKE ALL ON FUNCTION campmon._target_relation(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._target_relation(text) TO campmon_reader, pg_monitor;

-- The snapshot itself, as the extension's owner; taken_by is the role that
-- asked (snapshot() passes its current_user), one the session's login role
-- may become: nobody records a snapshot in another's name.
CREATE OR REPLACE FUNCTION campmon._snapshot_take(taken_by name) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '4MB'
AS $fn$
DECLARE
    t0 timestamptz := clock_timestamp();
    id bigint;
    retention interval := campmon._seconds('campmon.snapshot_retention');
    min_size bigint := (SELECT setting::bigint * 8192 FROM pg_settings WHERE name = 'campmon.snapshot_min_size');
    max_rel integer := current_setting('campmon.snapshot_max_relations')::integer;
    db_spc oid := (SELECT dattablespace FROM pg_database WHERE datname = current_database());
    chk campmon.snapshot_check[];
    kept integer;
    spc record;
    sp record;
BEGIN
    IF taken_by IS NULL OR NOT pg_has_role(session_user, taken_by, 'MEMBER') THEN
        RAISE EXCEPTION 'a snapshot is taken by the role that asks for it, not by %', coalesce(taken_by::text, 'NULL')
            USING ERRCODE = 'insufficient_privilege', HINT = 'Call SELECT campmon.snapshot();';
    END IF;
    -- the checks first: their trend rows read the snapshots taken so far,
    -- not this one half-written
    SELECT array_agg(ROW(0, now(), c.check_name, coalesce(c.target, ''), c.status, c.value, c.threshold, NULL)::campmon.snapshot_check)
    INTO chk FROM campmon.checks c;

    INSERT INTO campmon.snapshot_taken (taken_by, tables_mode, indexes_mode)
    VALUES (taken_by, coalesce(current_setting('campmon.tables_mode', true), 'adaptive'),
            coalesce(current_setting('campmon.indexes_mode', true), 'adaptive'))
    RETURNING snapshot_id INTO id;

    WITH t AS MATERIALIZED (
        SELECT t.relid, t.schema_name, t.table_name, t.family, t.table_bytes, t.toast_bytes, t.total_bytes,
               t.bloat_bytes, t.bloat_pct, t.toast_bloat_bytes, t.method, t.n_dead_tup,
               t.vacuum_count + t.autovacuum_count AS vacuum_count, t.analyze_count + t.autoanalyze_count AS analyze_count,
               coalesce(ts.spcname::text, '') AS tablespace
        FROM campmon.tables t
        JOIN pg_class c ON c.oid = t.relid
        LEFT JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
    ),
    i AS MATERIALIZED (
        SELECT i.indexrelid, i.schema_name, i.index_name, i.table_relid, i.table_name, i.family, i.index_bytes,
               i.bloat_bytes, i.bloat_pct, i.method, i.idx_scan,
               coalesce(ts.spcname::text, '') AS tablespace
        FROM campmon.indexes i
        JOIN pg_class c ON c.oid = i.indexrelid
        LEFT JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
    ),
    per_table AS (
        SELECT i.table_relid, count(*) AS n, sum(i.bloat_bytes) AS bloat FROM i GROUP BY i.table_relid
    ),
    -- the tables worth a row: catalogs, then Campaign's families (not its
    -- work tables and lists, nor families 'other' and 'campmon'), then by size; while they and their indexes
    -- fit in campmon.snapshot_max_relations
    ranked AS (
        SELECT t.relid,
               sum(1 + coalesce(p.n, 0)) OVER (ORDER BY CASE WHEN t.family = 'catalog' THEN 0
                                                            WHEN t.family NOT IN ('work_table', 'list', 'other', 'campmon') THEN 1 ELSE 2 END,
                                                       t.total_bytes DESC NULLS LAST, t.relid) AS running
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.family IS NOT NULL AND t.family NOT IN ('work_table', 'list', 'other', 'campmon')
           OR t.total_bytes >= min_size
    ),
    keep AS (SELECT relid FROM ranked WHERE running <= max_rel),
    ins_tables AS (
        INSERT INTO campmon.snapshot_relation
            (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace, bytes, total_bytes,
             bloat_bytes, bloat_pct, toast_bloat_bytes, method, dead_rows, vacuum_count, analyze_count, idx_scan, table_relid)
        SELECT id, t.relid, 'table', t.schema_name, t.table_name, t.table_name, t.family, t.tablespace,
               t.table_bytes, t.total_bytes, t.bloat_bytes, t.bloat_pct, t.toast_bloat_bytes, t.method, t.n_dead_tup,
               t.vacuum_count, t.analyze_count, NULL, t.relid
        FROM t WHERE t.relid IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    ins_indexes AS (
        INSERT INTO campmon.snapshot_relation
            (snapshot_id, relid, kind, schema_name, relation_name, table_name, family, tablespace, bytes, total_bytes,
             bloat_bytes, bloat_pct, toast_bloat_bytes, method, dead_rows, vacuum_count, analyze_count, idx_scan, table_relid)
        SELECT id, i.indexrelid, 'index', i.schema_name, i.index_name, i.table_name, i.family, i.tablespace,
               i.index_bytes, i.index_bytes, i.bloat_bytes, i.bloat_pct, NULL, i.method, NULL, NULL, NULL, i.idx_scan, i.table_relid
        FROM i WHERE i.table_relid IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    ins_groups AS (
        INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes, bloat_bytes, dead_rows)
        SELECT id, 'family', t.family, t.tablespace, count(*), coalesce(sum(t.total_bytes), 0),
               sum(coalesce(t.bloat_bytes, 0) + coalesce(t.toast_bloat_bytes, 0) + coalesce(p.bloat, 0)), sum(t.n_dead_tup)
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.family IS NOT NULL
        GROUP BY t.family, t.tablespace
        UNION ALL
        SELECT id, 'other', 'tables without a row', '', count(t.relid), coalesce(sum(t.total_bytes), 0),
               sum(coalesce(t.bloat_bytes, 0) + coalesce(t.toast_bloat_bytes, 0) + coalesce(p.bloat, 0)), sum(t.n_dead_tup)
        FROM t LEFT JOIN per_table p ON p.table_relid = t.relid
        WHERE t.relid NOT IN (SELECT relid FROM keep)
        RETURNING 1
    ),
    upd AS (
        UPDATE campmon.snapshot_taken s
        SET relations = (SELECT count(*) FROM t) + (SELECT count(*) FROM i),
            kept_relations = (SELECT count(*) FROM ins_tables) + (SELECT count(*) FROM ins_indexes),
            total_bytes = (SELECT coalesce(sum(t.total_bytes), 0) FROM t)
        WHERE s.snapshot_id = id
        RETURNING s.kept_relations
    )
    SELECT u.kept_relations + 0 * (SELECT count(*) FROM ins_groups) INTO kept FROM upd u;

    -- work tables by verdict (all three, empty ones too: the charts need the zeros)
    INSERT INTO campmon.snapshot_group (snapshot_id, grouping, name, tablespace, relations, total_bytes)
    SELECT id, 'work_tables', v.verdict, '', count(st.relid), coalesce(sum(st.total_bytes), 0)
    FROM (VALUES ('stale'), ('suspect'), ('held')) v(verdict)
    LEFT JOIN campmon._stale_tables() st ON st.verdict = v.verdict
    GROUP BY v.verdict;

    INSERT INTO campmon.snapshot_check (snapshot_id, taken_at, check_name, target, status, value, threshold, target_relid)
    SELECT id, (SELECT s.taken_at FROM campmon.snapshot_taken s WHERE s.snapshot_id = id),
           c.check_name, c.target, c.status, c.value, c.threshold, campmon._target_relation(nullif(c.target, ''))
    FROM unnest(chk) c;

    -- the counters, the wraparound ages and the horizon's oldest input
    -- (only what every role may read: campmon.vacuum_blockers' kind and
    -- age in transactions, not its session's times or query)
    INSERT INTO campmon.snapshot_horizon (snapshot_id, next_xid, next_mxid, xid_age, mxid_age, oldest_table_xid_age,
                                          oldest_table_mxid_age, horizon_xid_age, horizon_kind, blockers)
    SELECT id, pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
           (d.datminmxid::text::bigint + mxid_age(d.datminmxid)) % 4294967296,
           age(d.datfrozenxid), mxid_age(d.datminmxid),
           (SELECT max(age(c.relfrozenxid)) FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')),
           (SELECT max(mxid_age(c.relminmxid)) FROM pg_class c WHERE c.relkind IN ('r', 'm', 't')),
           b.xid_age, b.kind, coalesce(b.n, 0)
    FROM pg_database d
    LEFT JOIN LATERAL (SELECT x.xid_age, x.kind, count(*) OVER () AS n FROM campmon.vacuum_blockers x
                       ORDER BY x.xid_age DESC, x.sets_horizon DESC LIMIT 1) b ON true
    WHERE d.datname = current_database();

    -- the key sequences' positions (campmon.key_sequences, as the owner:
    -- every one; readers see those they may read, snapshots.sql)
    INSERT INTO campmon.snapshot_sequence (snapshot_id, sequence_name, last_value, used, sequence_relid, wrap_at)
    SELECT id, format('%I.%I', k.schema_name, k.sequence_name), k.last_value, k.used, k.sequence_relid, k.wrap_at
    FROM campmon.key_sequences k
    WHERE k.readable;

    -- the file systems under the database's tablespaces
    FOR spc IN SELECT DISTINCT ts.oid, ts.spcname::text AS name
               FROM (SELECT DISTINCT reltablespace FROM pg_class) c
               JOIN pg_tablespace ts ON ts.oid = CASE WHEN c.reltablespace = 0 THEN db_spc ELSE c.reltablespace END
               WHERE ts.spcname <> 'pg_global' LOOP
        BEGIN
            SELECT * INTO sp FROM campmon.tablespace_space(spc.oid);
            INSERT INTO campmon.snapshot_tablespace VALUES (id, spc.name, sp.total_bytes, sp.free_bytes, sp.available_bytes);
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'campmon.snapshot_taken: tablespace % not recorded: %', spc.name, SQLERRM;
        END;
    END LOOP;

    UPDATE campmon.snapshot_taken SET duration = clock_timestamp() - t0 WHERE snapshot_id = id;

    -- retention (0: keep every snapshot)
    IF retention > interval '0' THEN
        DELETE FROM campmon.snapshot_taken WHERE taken_at < now() - retention;
    END IF;
    RETURN id;
END $fn$;

REVOKE ALL ON FUNCTION campmon._snapshot_take(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._snapshot_take(name) TO campmon_admin;

CREATE OR REPLACE FUNCTION campmon.snapshot() RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT campmon._snapshot_take(current_user) $$;

COMMENT ON FUNCTION campmon.snapshot() IS
'Records the listings, work tables by verdict, campmon.checks, the transaction counters, wraparound ages and the horizon, the key sequences'' positions and the tablespaces'' free space in campmon''s snapshot tables; prunes snapshots older than campmon.snapshot_retention; returns the new snapshot_id';

REVOKE ALL ON FUNCTION campmon.snapshot() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.snapshot() TO campmon_admin;
