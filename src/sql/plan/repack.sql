/*
 * plan/repack.sql -- phase 7: REPACK, an online rewrite with pg_repack, of
 * the bloated tables VACUUM FULL may not take (plan() splits them: the
 * delivery logs, tables above campmon.vacuum_full_max_size, or any table
 * when blocking steps are not allowed).  Campaign's writers go on meanwhile;
 * ACCESS EXCLUSIVE is held only briefly, at the start and at the swap.
 * Only where pg_repack's own requirements hold: the extension installed, a
 * superuser run role (and no code another role wrote that pg_repack would
 * run with its rights: repack.sql), a primary key or a unique index on NOT
 * NULL columns, room for the copy on the table's tablespace.  Each table
 * that fails one is a keep row saying which and how to fix it.  plan()
 * leaves the tables repacked here out of phases 4 to 6: the copy leaves the
 * dead rows behind, rebuilds the indexes and is analyzed.
 */

CREATE OR REPLACE FUNCTION campmon._plan_repack(ctx campmon._plan_context)
RETURNS SETOF campmon._plan_step
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH index_bloat AS (
    SELECT i.table_relid, sum(i.bloat_bytes) AS bytes
    FROM unnest(ctx.indexes) i
    WHERE EXISTS (SELECT FROM unnest(ctx.rewrite_online) b WHERE b.relid = i.table_relid)
    GROUP BY i.table_relid
),
online AS (
    SELECT b.*,
           (b.bloat_bytes + coalesce(b.toast_bloat_bytes, 0) + coalesce(ib.bytes, 0))::bigint AS gain,
           EXISTS (SELECT FROM pg_index x
                   WHERE x.indrelid = b.relid AND x.indisvalid AND x.indisunique AND x.indpred IS NULL
                     AND (x.indisprimary OR (0 <> ALL (x.indkey::int2[])
                          AND NOT EXISTS (SELECT FROM pg_attribute att
                                          WHERE att.attrelid = b.relid AND att.attnum = ANY (x.indkey::int2[])
                                            AND NOT att.attnotnull)))) AS has_key,
           ceil(b.total_bytes * (1 + ctx.repack_margin / 100))::bigint AS space_needed,
           (SELECT sp.avail FROM unnest(ctx.spc_oids, ctx.spc_avail) sp(oid, avail)
            WHERE sp.oid = CASE WHEN c.reltablespace = 0
                                THEN (SELECT dattablespace FROM pg_database WHERE datname = current_database())
                                ELSE c.reltablespace END) AS space_left,
           coalesce((SELECT spcname FROM pg_tablespace WHERE oid = nullif(c.reltablespace, 0)), 'the default tablespace') AS tablespace,
           -- code of a less privileged role that pg_repack would run as
           -- the run's role (repack.sql): never
           CASE WHEN ctx.repack AND ctx.runner_super THEN campmon._repack_foreign_code(b.relid) END AS foreign_code
    FROM unnest(ctx.rewrite_online) b
    JOIN pg_class c ON c.oid = b.relid
    LEFT JOIN index_bloat ib ON ib.table_relid = b.relid
    WHERE b.schema_name <> 'campmon'
),
decided AS (
    SELECT o.*,
           coalesce(ctx.repack AND ctx.runner_super AND o.foreign_code IS NULL AND o.has_key
                    AND o.space_left >= o.space_needed
                    AND (ctx.actions IS NULL OR 'REPACK' = ANY (ctx.actions))
                    AND o.gain >= ctx.min_gain_bytes
                    AND (ctx.families IS NULL OR o.family = ANY (ctx.families)), false) AS repacked
    FROM online o
)
SELECT 7, CASE WHEN o.repacked THEN 'REPACK' ELSE 'keep' END,
       o.relid, format('%I.%I', o.schema_name, o.table_name), o.family,
       CASE WHEN o.repacked
            THEN format('%s%% bloat: pg_repack gives %s back online (table, TOAST and indexes rebuilt; ACCESS EXCLUSIVE only briefly at the start and the swap); VACUUM FULL not planned: %s; needs %s free on %s (%s left)',
                        o.bloat_pct, pg_size_pretty(o.gain),
                        CASE WHEN NOT ctx.allow_blocking THEN 'blocking steps not allowed'
                             WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                             ELSE format('larger than campmon.vacuum_full_max_size (%s)', pg_size_pretty(ctx.full_max)) END,
                        pg_size_pretty(o.space_needed), o.tablespace, pg_size_pretty(o.space_left))
            ELSE format('a rewrite would give back %s (%s%% bloat) but is not planned: VACUUM FULL %s; REPACK %s',
                        pg_size_pretty(o.gain), o.bloat_pct,
                        CASE WHEN NOT ctx.allow_blocking THEN 'blocks every read and write (allow_blocking => true)'
                             WHEN o.family = 'broadlog' THEN 'never on the delivery logs'
                             ELSE format('not above campmon.vacuum_full_max_size (%s)', pg_size_pretty(ctx.full_max)) END,
                        CASE WHEN NOT ctx.repack
                             THEN 'needs the pg_repack extension: CREATE EXTENSION pg_repack (Debian package postgresql-15-repack)'
                             WHEN NOT ctx.runner_super
                             THEN format('needs a superuser (pg_repack''s requirement), and %s is not one', ctx.runner)
                             WHEN o.foreign_code IS NOT NULL
                             THEN format('would run code that %s did not write with its rights (%s): pg_repack builds the copy''s indexes as the role that runs it, where VACUUM FULL and REINDEX switch to the table''s owner (doc/safety.md)',
                                         ctx.runner, o.foreign_code)
                             WHEN NOT o.has_key
                             THEN 'needs a primary key or a unique index on NOT NULL columns (pg_repack''s requirement)'
                             WHEN o.space_left IS NULL
                             THEN format('needs %s free on %s, whose file system could not be read', pg_size_pretty(o.space_needed), o.tablespace)
                             WHEN o.space_left < o.space_needed
                             THEN format('needs %s free on %s for the copy (table, TOAST, indexes and campmon.repack_space_margin_pct %s%%), %s left',
                                         pg_size_pretty(o.space_needed), o.tablespace, ctx.repack_margin, pg_size_pretty(o.space_left))
                             ELSE 'left out by the arguments' END) END,
       CASE WHEN o.repacked THEN o.gain ELSE 0 END,
       CASE WHEN o.repacked THEN 'ACCESS EXCLUSIVE (brief)' END,
       round(o.total_bytes / 50e6 + 1, 1),
       -- SQL that keeps every check (the run plans it again and the worker
       -- guards pg_repack); plan() adds the client's own command line in
       -- shell_command
       CASE WHEN o.repacked
            THEN format('CALL campmon.run_plan(dry_run => false, actions => ARRAY[''REPACK''], targets => ARRAY[%L::regclass])',
                        format('%I.%I', o.schema_name, o.table_name)) END,
       o.gain
FROM decided o
WHERE o.repacked OR ctx.show_kept
$$;

REVOKE ALL ON FUNCTION campmon._plan_repack(campmon._plan_context) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._plan_repack(campmon._plan_context) TO campmon_reader, pg_monitor;
