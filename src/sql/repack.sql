/*
 * repack.sql -- what an interrupted pg_repack leaves behind, for
 * campmon.checks (repack_leftovers) and plan() (its cleanup step).
 *
 * pg_repack copies a table into repack.table_<oid>, logs the writes made
 * meanwhile into repack.log_<oid> through a trigger named repack_trigger
 * on the table, and swaps at the end.  Killed in between (kill -9, a crash,
 * a lost connection), it leaves the three behind, and the trigger keeps
 * logging every write to the table.  campmon cleans them up table by table
 * with pg_repack's own cleanup function (clean_repack_leftovers), which is
 * what pg_repack's client runs after an error, rather than the documented
 * DROP EXTENSION pg_repack CASCADE of every table's.  (An invalid index it
 * left, index_<oid>, is phase 2's DROP INDEX CONCURRENTLY.)
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
CREATE OR REPLACE FUNCTION campmon._repack_foreign_code(rel regclass) RETURNS text
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

REVOKE ALL ON FUNCTION campmon._repack_foreign_code(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_foreign_code(regclass) TO campmon_reader, pg_monitor;

-- pg_repack's leftovers, recognised by what pg_repack itself creates, never
-- by a name a user may choose: triggers that call pg_repack's own trigger
-- function, and the log_<oid> and table_<oid> tables and pk_<oid> types in
-- pg_repack's own schema (members of the extension pg_repack, where only
-- the superuser who created it may create anything).  A table owner's own
-- trigger named repack_trigger is not one.
CREATE OR REPLACE FUNCTION campmon._repack_leftovers()
RETURNS TABLE (table_relid oid, target text, objects text[])
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH members AS (
        SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
        WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'pg_repack'
    ),
    repack_schema AS (
        SELECT n.oid AS nsp FROM pg_namespace n
        JOIN members m ON m.classid = 'pg_namespace'::regclass AND m.objid = n.oid
        WHERE n.nspname = 'repack'
    ),
    trigger_function AS (
        SELECT p.oid FROM pg_proc p JOIN members m ON m.classid = 'pg_proc'::regclass AND m.objid = p.oid
        WHERE p.proname = 'repack_trigger'
    ),
    left_behind AS (
        -- the trigger on the table being repacked
        SELECT t.tgrelid::text::numeric AS relid, format('trigger %I on %s', t.tgname, t.tgrelid::regclass) AS object
        FROM pg_trigger t JOIN trigger_function f ON f.oid = t.tgfoid
        UNION ALL
        -- its copy and its log, named after its OID
        SELECT substring(c.relname FROM '^(?:log|table)_([0-9]+)$')::numeric,
               format('%I.%I', n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN repack_schema r ON r.nsp = c.relnamespace
        WHERE c.relkind = 'r' AND c.relname ~ '^(log|table)_[0-9]{1,10}$'
        UNION ALL
        -- the type of its primary key
        SELECT substring(t.typname FROM '^pk_([0-9]+)$')::numeric, format('type %I.%I', n.nspname, t.typname)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        JOIN repack_schema r ON r.nsp = t.typnamespace
        WHERE t.typtype = 'c' AND t.typname ~ '^pk_[0-9]{1,10}$'
    )
    SELECT l.relid::text::oid,
           coalesce(format('%I.%I', n.nspname, c.relname), format('(dropped table %s)', l.relid)),
           array_agg(l.object ORDER BY l.object)
    FROM left_behind l
    LEFT JOIN pg_class c ON c.oid = l.relid::text::oid
    LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE l.relid <= 4294967295
      -- not while a pg_repack works on the table: it holds its advisory
      -- lock (16185446, OID - 2^31) for as long as it does
      AND NOT EXISTS (SELECT FROM pg_locks k
                      WHERE k.locktype = 'advisory' AND k.classid = 16185446 AND k.objsubid = 2 AND k.granted
                        AND k.objid = ((l.relid + 2147483648) % 4294967296)::text::oid
                        AND k.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
    GROUP BY 1, 2
$$;

REVOKE ALL ON FUNCTION campmon._repack_leftovers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_leftovers() TO campmon_reader, pg_monitor;

-- Clean what an interrupted pg_repack left on one table (NULL: on every
-- table), as pg_repack's own client cleans up after an error:
-- repack.repack_drop(table, 4) drops its log, its type, its trigger and its
-- copy.  A table a pg_repack is working on is left alone: pg_repack holds
-- an advisory lock on it (16185446, OID - 2^31) for as long as it works,
-- and this takes the same lock first.  Leftovers of a dropped table are
-- dropped by name.  The run's REPACK cleanup steps call it; so does the
-- worker after it stopped a REPACK step.  pg_repack's objects are a
-- superuser's: so is this.
CREATE OR REPLACE FUNCTION campmon.clean_repack_leftovers(rel regclass DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    l record;
    key integer;
    cleaned text[] := '{}';
    busy text[] := '{}';
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RAISE EXCEPTION 'permission denied to clean pg_repack''s leftovers' USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'pg_repack''s objects belong to the superuser who ran it, and its cleanup function is a superuser''s.',
            HINT = 'Run it as a superuser (the nightly job''s role).';
    END IF;
    FOR l IN SELECT * FROM campmon._repack_leftovers() x WHERE rel IS NULL OR x.table_relid = rel ORDER BY 1 LOOP
        key := (l.table_relid::bigint - 2147483648)::integer;
        IF NOT pg_try_advisory_lock(16185446, key) THEN
            busy := busy || l.target;
            CONTINUE;
        END IF;
        BEGIN
            IF EXISTS (SELECT FROM pg_class WHERE oid = l.table_relid) THEN
                PERFORM repack.repack_drop(l.table_relid, 4);
            ELSE
                EXECUTE format('DROP TABLE IF EXISTS repack.%I, repack.%I CASCADE',
                               'log_' || l.table_relid, 'table_' || l.table_relid);
                EXECUTE format('DROP TYPE IF EXISTS repack.%I', 'pk_' || l.table_relid);
            END IF;
        EXCEPTION WHEN OTHERS THEN
            PERFORM pg_advisory_unlock(16185446, key);
            RAISE;
        END;
        PERFORM pg_advisory_unlock(16185446, key);
        cleaned := cleaned || l.target;
    END LOOP;
    RETURN CASE WHEN cardinality(cleaned) = 0 AND cardinality(busy) = 0 THEN 'no pg_repack leftovers'
                ELSE concat_ws('; ',
                               CASE WHEN cardinality(cleaned) > 0 THEN 'cleaned ' || array_to_string(cleaned, ', ') END,
                               CASE WHEN cardinality(busy) > 0 THEN 'left alone, a pg_repack works on it: ' || array_to_string(busy, ', ') END)
           END;
END $fn$;

COMMENT ON FUNCTION campmon.clean_repack_leftovers(regclass) IS
'Drop what an interrupted pg_repack left on a table (NULL: every table), as pg_repack cleans up; not while a pg_repack works on it';

REVOKE ALL ON FUNCTION campmon.clean_repack_leftovers(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.clean_repack_leftovers(regclass) TO campmon_admin;
