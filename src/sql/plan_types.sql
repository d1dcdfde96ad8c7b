/*
 * plan_types.sql -- the row types plan() (plan.sql) and its phases
 * (src/sql/plan/) pass each other: a step as a phase proposes it, and the
 * context every phase reads, computed once per plan (_plan_prepare).
 *
 * State, not code: CREATE TYPE cannot be run again, so an upgrade that
 * changes a type says how in its src/sql/updates/ script (ALTER TYPE ...
 * ADD ATTRIBUTE), as for a table.  The context holds rows of the views
 * campmon.tables and campmon.indexes: a view may gain columns, but dropping
 * or renaming one means dropping the context type first (and its functions
 * with it) and creating it again.
 */

-- One step as a phase proposes it; plan() filters, orders and numbers them.
CREATE TYPE campmon._plan_step AS (
    phase integer,          -- the step's place: 1 drops ... 8 VACUUM FULL, 9 keep rows
    action text,            -- plan().action: 'VACUUM', ..., 'keep'
    relid oid,              -- the table or index (plan().target_relid)
    target text,            -- its name, quoted with format('%I.%I')
    family text,
    reason text,
    gain bigint,            -- plan().expected_gain_bytes
    lock_level text,
    seconds numeric,        -- plan().estimated_seconds
    command text,
    sort_key bigint         -- within a phase, largest first
);

COMMENT ON TYPE campmon._plan_step IS 'A maintenance step as a phase of plan() proposes it (internal)';
REVOKE ALL ON TYPE campmon._plan_step FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_step TO campmon_reader, pg_monitor;

-- A work table as phase 1 (drops) and phase 3 (catalogs) read it: the
-- columns of campmon.stale_tables they use, no more (40,000 of them make
-- the largest part of the context).
CREATE TYPE campmon._plan_work_table AS (
    relid oid,
    schema_name text,
    table_name text,
    verdict text,           -- stale, suspect, held
    reason text,
    total_bytes bigint
);

COMMENT ON TYPE campmon._plan_work_table IS 'A work table and its verdict as plan()''s phases read it (internal)';
REVOKE ALL ON TYPE campmon._plan_work_table FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_work_table TO campmon_reader, pg_monitor;

-- What the phases share.  Arrays of rows rather than temporary tables:
-- plan() runs on a hot standby and must not churn the catalogs it measures.
CREATE TYPE campmon._plan_context AS (
    -- the plan's arguments a phase decides with (plan() applies the others)
    families text[],
    actions text[],
    min_gain_bytes bigint,
    include_suspect boolean,
    allow_blocking boolean,
    show_kept boolean,
    runner name,                 -- the role the steps are for (run_as, else the caller)
    runner_super boolean,
    -- settings, read once
    dead_pct numeric,            -- campmon.vacuum_min_dead_pct
    freeze_pct numeric,          -- campmon.freeze_age_pct
    freeze_max bigint,           -- autovacuum_freeze_max_age
    reindex_pct numeric,         -- campmon.reindex_min_bloat_pct
    reindex_min bigint,          -- campmon.reindex_min_size, in bytes
    analyze_pct numeric,         -- campmon.analyze_min_changed_pct
    analyze_min_rows bigint,     -- campmon.analyze_min_changed_rows
    vacuum_min_rows bigint,      -- campmon.vacuum_min_dead_rows: a VACUUM's floor,
    vacuum_min_bytes bigint,     -- or campmon.vacuum_min_dead_size, in bytes
    full_max bigint,             -- campmon.vacuum_full_max_size, in bytes
    rewrite_pct numeric,         -- campmon.bloat_critical_pct: a rewrite from there
    routine_pct numeric,         -- campmon.bloat_warning_pct: Adobe's routine list from there
    repack boolean,              -- the pg_repack extension is installed here
    repack_margin numeric,       -- campmon.repack_space_margin_pct
    spc_oids oid[],              -- the tablespaces whose file system could be read,
    spc_avail bigint[],          -- and what it has left
    -- the listings
    work_tables campmon._plan_work_table[],
    tables campmon.tables[],     -- no work table, no table with an unreadable page
    indexes campmon.indexes[],   -- the indexes of those tables
    unreadable campmon._plan_step[],       -- keep rows: the tables left out for an unreadable page
    rewrite_blocking campmon.tables[],     -- bloated, VACUUM FULL may take them (phase 8)
    rewrite_online campmon.tables[],       -- bloated, VACUUM FULL may not (phase 7: pg_repack)
    routine oid[],               -- the tables on Adobe's routine rebuild list (campmon.routine_rebuild)
    -- what earlier phases of this plan do, for later ones to leave out
    repacked oid[],              -- tables a REPACK step rewrites
    rewritten oid[],             -- tables a REPACK or VACUUM (FULL) step rewrites
    vacuumed oid[]               -- tables a VACUUM (ANALYZE) step vacuums and analyzes
);

COMMENT ON TYPE campmon._plan_context IS 'What the phases of plan() share, computed once per plan (internal)';
REVOKE ALL ON TYPE campmon._plan_context FROM PUBLIC;
GRANT USAGE ON TYPE campmon._plan_context TO campmon_reader, pg_monitor;
