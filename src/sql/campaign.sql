/*
 * campaign.sql -- Campaign knowledge used everywhere: the family of a
 * table name, the schemas work tables live in, and whether a relation
 * found by a Campaign name is safe to read.
 */

-- The family of a name, in C (family.c): the listings call it for every
-- relation, and campmon.family is read once per query.
CREATE OR REPLACE FUNCTION campmon.family_of(schema_name text, table_name text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_family_of'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.family_of(text, text) IS 'Campaign family of a table name (campmon.family), else other';

REVOKE ALL ON FUNCTION campmon.family_of(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.family_of(text,text) TO campmon_reader, pg_monitor;

-- campmon.work_table_schemas read as search_path is: names that need them
-- in double quotes, unquoted names case-folded.
CREATE OR REPLACE FUNCTION campmon._work_table_schemas() RETURNS text[]
AS 'MODULE_PATHNAME', 'campmon_work_table_schemas_array'
LANGUAGE C STABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._work_table_schemas() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._work_table_schemas() TO campmon_reader, pg_monitor;

-- Campaign tables are found by name in the work schemas, where a role may
-- be able to create objects: a look-alike must not make campmon run that
-- role's code as whoever reads campmon's views (an admin, a pg_cron job).
-- Reading a relation runs no one's code when it is a table (not a view,
-- nor a foreign table), has no row-level security (policies are
-- expressions), and the columns read have built-in types (a type of the
-- role's own may come with an implicit cast, or an operator, of its own).
-- NULL when it may be read, else why not.
CREATE OR REPLACE FUNCTION campmon._unsafe_to_read(rel regclass, cols text[]) RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT CASE
    WHEN c.oid IS NULL THEN 'missing'
    WHEN c.relkind NOT IN ('r', 'p') THEN
        format('%s is not a table (%s): reading it could run the code of its owner %s', rel,
               CASE c.relkind WHEN 'v' THEN 'a view' WHEN 'm' THEN 'a materialized view'
                              WHEN 'f' THEN 'a foreign table' ELSE 'relkind ' || c.relkind::text END,
               pg_get_userbyid(c.relowner))
    WHEN c.relrowsecurity THEN
        format('%s has row-level security: its policies could run the code of its owner %s', rel, pg_get_userbyid(c.relowner))
    ELSE (SELECT format('column %s of %s has type %s, not a built-in one: its casts and operators could run the code of their owner',
                        a.attname, rel, format_type(a.atttypid, a.atttypmod))
          FROM pg_attribute a
          WHERE a.attrelid = c.oid AND a.attname = ANY (cols) AND a.attnum > 0 AND NOT a.attisdropped
            AND a.atttypid >= 16384     -- FirstNormalObjectId: created after initdb
          ORDER BY a.attnum LIMIT 1)
END
FROM (SELECT rel AS r) x LEFT JOIN pg_class c ON c.oid = x.r $$;

REVOKE ALL ON FUNCTION campmon._unsafe_to_read(regclass,text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._unsafe_to_read(regclass,text[]) TO campmon_reader, pg_monitor;
