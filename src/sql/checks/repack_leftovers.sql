/*
 * checks/repack_leftovers.sql -- repack_leftovers: what an interrupted
 * pg_repack left on a table (its trigger goes on logging every write),
 * recognised by what pg_repack creates (repack.sql).
 */

-- campmon.checks' rows about pg_repack: a warning per table with leftovers,
-- else one ok row (none when pg_repack is not installed)
CREATE OR REPLACE FUNCTION campmon._check_repack_leftovers()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT 'repack_leftovers', 'warning', l.target, cardinality(l.objects)::numeric, 0::numeric,
           format('an interrupted pg_repack left %s behind (its trigger logs every write to the table meanwhile): '
                  'clean up with SELECT campmon.clean_repack_leftovers() as a superuser (pg_repack''s own cleanup, '
                  'not while a pg_repack works on the table; campmon.plan() plans it)', array_to_string(l.objects, ', '))
    FROM campmon._repack_leftovers() l
    UNION ALL
    SELECT 'repack_leftovers', 'ok', 'extension:pg_repack', 0, 0, 'no pg_repack leftovers'
    FROM pg_extension e
    WHERE e.extname = 'pg_repack' AND NOT EXISTS (SELECT FROM campmon._repack_leftovers())
$$;

REVOKE ALL ON FUNCTION campmon._check_repack_leftovers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_repack_leftovers() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('repack_leftovers', 'repack',
    'What an interrupted pg_repack left behind on a table: a trigger calling pg_repack''s own function, its log and copy tables and pk type (no row when pg_repack is not installed)',
    'warning per table with leftovers; one ok row otherwise',
    NULL, 'pg_repack''s documentation (an interrupted run leaves its objects; its own cleanup drops them)',
    'SELECT campmon.clean_repack_leftovers() as a superuser when no pg_repack works on the table (plan() plans it)',
    'campmon._check_repack_leftovers', 120);
