/*
 * repack.sql -- what an interrupted pg_repack leaves behind, for
 * campmon.checks (repack_leftovers) and plan() (its cleanup step).
 *
 * pg_repack copies a table into repack.table_<oid>, logs the writes made
 * meanwhile into repack.log_<oid> through a trigger named repack_trigger
 * on the table, and swaps at the end.  Killed in between (kill -9, a crash,
 * a lost connection), it leaves the three behind, and the trigger keeps
 * logging every write to the table.  pg_repack's documentation says how to
 * clean up: DROP EXTENSION pg_repack CASCADE, then CREATE EXTENSION
 * pg_repack.  (An invalid index it left, index_<oid>, is phase 2's DROP INDEX
 * CONCURRENTLY.)
 *
 * And what a REPACK may touch at all: pg_repack runs as the run's role (it
 * needs a superuser) and builds and fills the copy's indexes as that role,
 * where VACUUM FULL, CLUSTER and REINDEX switch to the table's owner.  So a
 * table is repacked only when everything its rebuild can evaluate was
 * written by a superuser (_repack_foreign_code); the worker checks it again
 * while pg_repack holds the table's lock (run_repack_guard.c).
 */

-- The first piece of code a rebuild of the table could run that a role
-- other than a superuser wrote, as "function f(integer) of towner, in index
-- t_idx", or NULL when there is none.  What a rebuild evaluates: its
-- indexes' expressions and predicates (the functions, the operators' functions
-- and the types they name), and for its columns' types and those types' own
-- parts (a domain's constraints, a composite's columns, a range's functions)
-- whatever they call.  pg_depend holds each of those references.  Code is
-- another role's when its function is in a trusted language (SQL, PL/pgSQL...:
-- any role may write those) and not owned by a superuser; functions in C or
-- internal code can only be created by a superuser.  Operator classes and
-- families need a superuser to be created and are not followed.
CREATE OR REPLACE FUNCTION campmon._repack_foreign_code(rel oid) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
WITH RECURSIVE reached(classid, objid, origin) AS (
    SELECT 'pg_class'::regclass::oid, i.indexrelid, format('index %s', i.indexrelid::regclass)
    FROM pg_index i WHERE i.indrelid = rel
    UNION
    SELECT 'pg_type'::regclass::oid, a.atttypid, format('column %I of %s', a.attname, rel::regclass)
    FROM pg_attribute a WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped
    UNION
    SELECT e.refclassid, e.refobjid, r.origin
    FROM reached r
    CROSS JOIN LATERAL (
        -- what an object's definition references
        SELECT d.refclassid, d.refobjid FROM pg_depend d
        WHERE d.classid = r.classid AND d.objid = r.objid
          AND (d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass, 'pg_type'::regclass)
               -- a composite type is its relation's row
               OR d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_type'::regclass)
        UNION ALL
        -- an operator runs its function
        SELECT 'pg_proc'::regclass, o.oprcode::oid FROM pg_operator o
        WHERE r.classid = 'pg_operator'::regclass AND o.oid = r.objid AND o.oprcode <> 0
        UNION ALL
        -- a domain checks its constraints (whose expressions pg_depend holds)
        SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c
        WHERE r.classid = 'pg_type'::regclass AND c.contypid = r.objid
        UNION ALL
        -- a composite type's relation has its columns' types
        SELECT 'pg_type'::regclass, a.atttypid FROM pg_attribute a
        WHERE r.classid = 'pg_class'::regclass AND a.attrelid = r.objid AND a.attnum > 0 AND NOT a.attisdropped
          AND EXISTS (SELECT FROM pg_class c WHERE c.oid = r.objid AND c.relkind = 'c')) e
)
SELECT format('function %s of %s, in %s', p.oid::regprocedure, pg_get_userbyid(p.proowner), r.origin)
FROM reached r
JOIN pg_proc p ON p.oid = r.objid
JOIN pg_language l ON l.oid = p.prolang
WHERE r.classid = 'pg_proc'::regclass
  AND l.lanpltrusted
  AND NOT EXISTS (SELECT FROM pg_roles o WHERE o.oid = p.proowner AND o.rolsuper)
ORDER BY r.origin, p.oid
LIMIT 1 $$;

REVOKE ALL ON FUNCTION campmon._repack_foreign_code(oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_foreign_code(oid) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._repack_leftovers()
RETURNS TABLE (table_relid oid, target text, objects text[])
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH repack_schema AS (
        -- the extension's objects live in schema repack, whatever schema it
        -- was created in
        SELECT n.oid AS nsp FROM pg_namespace n
        WHERE n.nspname = 'repack' AND EXISTS (SELECT FROM pg_extension e WHERE e.extname = 'pg_repack')
    ),
    left_behind AS (
        -- the trigger on the table being repacked
        SELECT t.tgrelid AS relid, format('trigger repack_trigger on %s', t.tgrelid::regclass) AS object
        FROM pg_trigger t WHERE t.tgname = 'repack_trigger'
        UNION ALL
        -- its copy and its log, named after its OID
        SELECT substring(c.relname FROM '^(?:log|table)_([0-9]+)$')::oid,
               format('%s.%s', quote_ident(n.nspname), quote_ident(c.relname))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN repack_schema r ON r.nsp = c.relnamespace
        WHERE c.relkind = 'r' AND c.relname ~ '^(log|table)_[0-9]{1,10}$'
    )
    SELECT l.relid, coalesce(format('%I.%I', n.nspname, c.relname), format('(dropped table %s)', l.relid)),
           array_agg(l.object ORDER BY l.object)
    FROM left_behind l
    LEFT JOIN pg_class c ON c.oid = l.relid
    LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
    GROUP BY 1, 2
$$;

REVOKE ALL ON FUNCTION campmon._repack_leftovers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_leftovers() TO campmon_reader, pg_monitor;

-- campmon.checks' rows about pg_repack: a warning per table with leftovers,
-- else one ok row (none when pg_repack is not installed)
CREATE OR REPLACE FUNCTION campmon._repack_checks()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'repack_leftovers', 'warning', l.target, cardinality(l.objects)::numeric, 0::numeric,
           format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile): '
                  'clean up as pg_repack documents, DROP EXTENSION pg_repack CASCADE then CREATE EXTENSION pg_repack, '
                  'when no pg_repack runs (campmon.plan() plans it)', array_to_string(l.objects, ', '))
    FROM campmon._repack_leftovers() l
    UNION ALL
    SELECT 'repack_leftovers', 'ok', NULL, 0, 0, 'no pg_repack leftovers'
    FROM pg_extension e
    WHERE e.extname = 'pg_repack' AND NOT EXISTS (SELECT FROM campmon._repack_leftovers())
$$;

REVOKE ALL ON FUNCTION campmon._repack_checks() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_checks() TO campmon_reader, pg_monitor;
