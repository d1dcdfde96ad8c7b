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
 */

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
