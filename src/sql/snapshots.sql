/*
 * snapshots.sql -- campmon's history of measurements: one row per
 * campmon.snapshot() call and, per snapshot, a bounded number of rows
 * (the relations worth keeping, totals for the rest and for the work tables
 * by verdict, every campmon.checks row, the key sequences' positions, the
 * tablespaces' free space).  The trend views (trends.sql) and the report
 * (report.sql) read them.  Dumped with the database; old snapshots are
 * pruned by campmon.snapshot() itself (campmon.snapshot_retention).
 *
 * Written by campmon.snapshot() only (it runs as the extension's owner and
 * sees every relation, so that every snapshot is comparable): no role is
 * granted INSERT, UPDATE or DELETE.  Read with row-level security: a
 * reader sees the rows of the relations it may measure (SELECT on the
 * table, or the privileges of pg_stat_scan_tables) -- the rule of the
 * listings -- and the totals only with pg_stat_scan_tables, since they sum
 * every table.
 */

-- Whether the current role may see a relation's figures: SELECT on the
-- table (an index: its table), or pg_stat_scan_tables' privileges; a
-- relation dropped since (or NULL) only with the latter.
CREATE FUNCTION campmon._may_see_figures(rel regclass) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT pg_has_role(current_user, 'pg_stat_scan_tables', 'USAGE')
       OR coalesce(has_table_privilege(current_user, rel, 'SELECT'), false) $$;

REVOKE ALL ON FUNCTION campmon._may_see_figures(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._may_see_figures(regclass) TO campmon_reader, pg_monitor;

-- Whether the current role may see a check row that snapshot() (as the
-- extension's owner) computed from what pg_stat_activity shows only to
-- pg_read_all_stats: another role's session times (xmin_horizon's status
-- rests on them) and the autovacuum workers.  The same rule as
-- PostgreSQL's.
CREATE FUNCTION campmon._may_see_session_figures(check_name text, target text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT NOT (check_name = 'xmin_horizon' OR (check_name = 'autovacuum_debt' AND target = 'autovacuum workers'))
       OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') $$;

REVOKE ALL ON FUNCTION campmon._may_see_session_figures(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._may_see_session_figures(text,text) TO campmon_reader, pg_monitor;

CREATE TABLE campmon.snapshot_taken (
    snapshot_id     bigserial PRIMARY KEY,
    taken_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    taken_by        text NOT NULL DEFAULT current_user,
    synthetic       boolean NOT NULL DEFAULT false,     -- made up (demo back-fill, benchmarks), never measured
    tables_mode     text,
    indexes_mode    text,
    relations       integer,        -- tables and indexes of the database when it was taken
    kept_relations  integer,        -- of which have a row in snapshot_relation
    total_bytes     bigint,         -- every table with its TOAST and indexes (campmon.tables)
    duration        interval,
    note            text
);

CREATE UNIQUE INDEX snapshot_taken_at ON campmon.snapshot_taken (taken_at);

COMMENT ON TABLE campmon.snapshot_taken IS
'Snapshots taken by campmon.snapshot(): when, by whom, whether synthetic (made up by the demo or a benchmark)';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_taken', '');
SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_taken_snapshot_id_seq', '');

REVOKE ALL ON SEQUENCE campmon.snapshot_taken_snapshot_id_seq FROM PUBLIC;

REVOKE ALL ON campmon.snapshot_taken FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_taken TO campmon_reader, pg_monitor;

-- One row per relation worth keeping: the tables of a Campaign family (not
-- the work tables and lists), the catalogs, anything whose total size
-- reaches campmon.snapshot_min_size, and their indexes; at most
-- campmon.snapshot_max_relations of them (catalogs and families first, then
-- by size).  Figures as campmon.tables / campmon.indexes give them in
-- their modes of the time (method says which).
CREATE TABLE campmon.snapshot_relation (
    snapshot_id         bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    relid               oid NOT NULL,
    kind                text NOT NULL CHECK (kind IN ('table', 'index')),
    schema_name         text NOT NULL,
    relation_name       text NOT NULL,
    table_name          text NOT NULL,      -- an index's table; a table's own name
    family              text,
    tablespace          text NOT NULL,
    bytes               bigint,             -- table: main fork; index: the index
    total_bytes         bigint,             -- table: with TOAST and indexes; index: the index
    bloat_bytes         bigint,
    bloat_pct           numeric,
    toast_bloat_bytes   bigint,
    method              text,
    dead_rows           bigint,             -- pg_stat n_dead_tup (tables)
    vacuum_count        bigint,             -- manual and autovacuum (tables)
    analyze_count       bigint,             -- manual and autoanalyze (tables)
    idx_scan            bigint,             -- indexes
    table_relid         oid,                -- the table (an index's table), whose privileges decide who sees the row
    PRIMARY KEY (snapshot_id, schema_name, relation_name)
);

CREATE INDEX snapshot_relation_name ON campmon.snapshot_relation (schema_name, relation_name, snapshot_id);

COMMENT ON TABLE campmon.snapshot_relation IS
'Per snapshot, the relations worth keeping (Campaign families, catalogs, above campmon.snapshot_min_size) with size, bloat, dead rows and vacuum/analyze counts';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_relation', '');

REVOKE ALL ON campmon.snapshot_relation FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_relation TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_relation ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_relation FOR SELECT USING (campmon._may_see_figures(table_relid));

-- Totals per snapshot: grouping 'family' (every table of a family, kept or
-- not, with TOAST and indexes, per tablespace), 'other' (the tables without
-- a relation row, with theirs), 'work_tables' (campmon.stale_tables by
-- verdict).  bloat_bytes: tables, TOAST and indexes.
CREATE TABLE campmon.snapshot_group (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    grouping        text NOT NULL CHECK (grouping IN ('family', 'other', 'work_tables')),
    name            text NOT NULL,
    tablespace      text NOT NULL DEFAULT '',
    relations       integer NOT NULL,       -- tables
    total_bytes     bigint NOT NULL,
    bloat_bytes     bigint,
    dead_rows       bigint,
    PRIMARY KEY (snapshot_id, grouping, name, tablespace)
);

COMMENT ON TABLE campmon.snapshot_group IS
'Per snapshot, totals per family (and tablespace), for the tables without a row of their own, and for the work tables by verdict';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_group', '');

REVOKE ALL ON campmon.snapshot_group FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_group TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_group ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_group FOR SELECT USING (campmon._may_see_figures(NULL));

-- Every campmon.checks row of the snapshot, message left out.  taken_at
-- is the snapshot's, copied so that check_timeline finds a row's last
-- status change by index (check, target, status, time) in a few probes
-- whatever the number of snapshots.
CREATE TABLE campmon.snapshot_check (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    taken_at        timestamptz NOT NULL,
    check_name      text NOT NULL,
    target          text NOT NULL DEFAULT '',
    status          text NOT NULL,
    value           numeric,
    threshold       numeric,
    target_relid    oid             -- the relation the target names, if any: whose privileges decide who sees the row
);

CREATE INDEX snapshot_check_snapshot ON campmon.snapshot_check (snapshot_id);
CREATE INDEX snapshot_check_timeline ON campmon.snapshot_check (check_name, target, status, taken_at);

COMMENT ON TABLE campmon.snapshot_check IS 'Per snapshot, each campmon.checks row''s status and value';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_check', '');

REVOKE ALL ON campmon.snapshot_check FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_check TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_check ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_check FOR SELECT
    USING ((target_relid IS NULL OR campmon._may_see_figures(target_relid))
           AND campmon._may_see_session_figures(check_name, target));

-- The key sequences' positions (campmon.key_sequences): used is the count
-- of identifiers handed out of the wrap_at there are before the wrap (2^31
-- for Campaign's 32-bit keys; a negative last_value, after a wrap, counts
-- the negative half as check key_sequence does)
CREATE TABLE campmon.snapshot_sequence (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    sequence_name   text NOT NULL,
    last_value      bigint,
    used            numeric NOT NULL,
    sequence_relid  oid,            -- whose SELECT privilege decides who sees the row
    wrap_at         numeric NOT NULL DEFAULT 2147483648,
    PRIMARY KEY (snapshot_id, sequence_name)
);

COMMENT ON TABLE campmon.snapshot_sequence IS 'Per snapshot, the position of each key sequence (campmon.key_sequences)';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_sequence', '');

REVOKE ALL ON campmon.snapshot_sequence FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_sequence TO campmon_reader, pg_monitor;
ALTER TABLE campmon.snapshot_sequence ENABLE ROW LEVEL SECURITY;
CREATE POLICY readable ON campmon.snapshot_sequence FOR SELECT USING (campmon._may_see_figures(sequence_relid));

-- The file systems under the tablespaces the database uses
-- (campmon.tablespace_space)
CREATE TABLE campmon.snapshot_tablespace (
    snapshot_id     bigint NOT NULL REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    tablespace      text NOT NULL,
    total_bytes     bigint,
    free_bytes      bigint,
    available_bytes bigint,
    PRIMARY KEY (snapshot_id, tablespace)
);

COMMENT ON TABLE campmon.snapshot_tablespace IS 'Per snapshot, total and available bytes of the file system under each tablespace';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_tablespace', '');

REVOKE ALL ON campmon.snapshot_tablespace FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_tablespace TO campmon_reader, pg_monitor;

-- What stops VACUUM and how far wraparound is, per snapshot: the
-- transaction and multixact counters (their pace gives the days left to
-- the wraparound limits, campmon.wraparound, and the time a slot's or a
-- standby's xmin was taken, campmon.vacuum_blockers), the database's and
-- its oldest table's ages, and the age of the oldest input of the xmin
-- horizon (campmon.vacuum_blockers).  Figures every role may read in
-- PostgreSQL's own views (pg_database, pg_class, the xids of
-- pg_stat_activity, pg_prepared_xacts and pg_replication_slots): no
-- query, no user, no start time of another role's session, which
-- pg_stat_activity hides from readers without pg_read_all_stats.
CREATE TABLE campmon.snapshot_horizon (
    snapshot_id             bigint PRIMARY KEY REFERENCES campmon.snapshot_taken ON DELETE CASCADE,
    next_xid                bigint NOT NULL,    -- the next transaction id, with its epoch (pg_current_snapshot's xmax)
    next_mxid               bigint NOT NULL,    -- the next multixact id (32 bits: the pace is taken modulo 2^32)
    xid_age                 bigint,             -- age(datfrozenxid) of this database
    mxid_age                bigint,             -- mxid_age(datminmxid) of this database
    oldest_table_xid_age    bigint,             -- the oldest table's (TOAST included) age(relfrozenxid)
    oldest_table_mxid_age   bigint,             -- ... and mxid_age(relminmxid)
    horizon_xid_age         bigint,             -- the oldest input of the xmin horizon: its age in transactions
    horizon_kind            text,               -- what it is (campmon.vacuum_blockers.kind), NULL when none
    blockers                integer NOT NULL    -- rows of campmon.vacuum_blockers
);

COMMENT ON TABLE campmon.snapshot_horizon IS
'Per snapshot, the transaction and multixact counters, the database''s and its oldest table''s wraparound ages, and the age of the oldest input of the xmin horizon';

SELECT pg_catalog.pg_extension_config_dump('campmon.snapshot_horizon', '');

REVOKE ALL ON campmon.snapshot_horizon FROM PUBLIC;
GRANT SELECT ON campmon.snapshot_horizon TO campmon_reader, pg_monitor;
