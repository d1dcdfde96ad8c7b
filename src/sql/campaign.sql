/*
 * campaign.sql -- Campaign knowledge used everywhere: the family of a
 * table name, the schemas work tables live in, whose tables are never
 * work tables, whether a relation found by a Campaign name is safe to
 * read, and the options of xtkoption.
 */

-- The family of a name, in C (family.c): the listings call it for every
-- relation, and campmon.family is read once per query.
CREATE OR REPLACE FUNCTION campmon.family_of(schema_name text, table_name text) RETURNS text
AS 'MODULE_PATHNAME', 'campmon_family_of'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;

COMMENT ON FUNCTION campmon.family_of(text, text) IS 'Campaign family of a table name (campmon.family), else other';

REVOKE ALL ON FUNCTION campmon.family_of(text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.family_of(text,text) TO campmon_reader, pg_monitor;

-- A list of family names given to plan() (and so run_plan, start_plan):
-- each must be a family campmon.family_of can answer, else an error naming
-- the known ones -- a misspelt family would plan nothing, silently.
CREATE OR REPLACE FUNCTION campmon._check_families(families text[]) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    f text;
    known text[] := (SELECT array_agg(DISTINCT x ORDER BY x)
                     FROM (SELECT family FROM campmon.family UNION ALL SELECT 'other') k(x));
BEGIN
    FOREACH f IN ARRAY coalesce(families, '{}') LOOP
        IF f IS NULL OR NOT f = ANY (known) THEN
            RAISE EXCEPTION 'unknown family "%"', f USING ERRCODE = 'invalid_parameter_value',
                HINT = 'Families are: ' || array_to_string(known, ', ') || ' (campmon.family; other is every other table).';
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON FUNCTION campmon._check_families(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_families(text[]) TO campmon_reader, pg_monitor;

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

-- Roles whose tables are never work tables: the cleanup lists candidates
-- with pg_get_userbyid(relowner) <> 'postgres'; campmon also leaves out
-- every superuser's tables and those of the roles in
-- campmon.never_work_table_owners (the DBA's own).  Unknown names are
-- ignored (the setting may name a role that exists on another server).
CREATE OR REPLACE FUNCTION campmon._never_work_table_owner_names() RETURNS text[]
AS 'MODULE_PATHNAME', 'campmon_never_work_table_owners_array'
LANGUAGE C STABLE PARALLEL SAFE;

REVOKE ALL ON FUNCTION campmon._never_work_table_owner_names() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._never_work_table_owner_names() TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._never_work_table_owners() RETURNS oid[]
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT coalesce(array_agg(r.oid ORDER BY r.oid), '{}')
FROM pg_roles r
WHERE r.rolsuper OR r.rolname = 'postgres' OR r.rolname = ANY (campmon._never_work_table_owner_names()) $$;

REVOKE ALL ON FUNCTION campmon._never_work_table_owners() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._never_work_table_owners() TO campmon_reader, pg_monitor;

-- Whether configuration a role wrote may decide drops anywhere: the
-- extension's own rows (NULL) and a superuser's.  Others' rows apply only to
-- the tables they could drop themselves (campaign_config.sql).
CREATE OR REPLACE FUNCTION campmon._editor_trusted(editor name) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT editor IS NULL OR EXISTS (SELECT FROM pg_roles r WHERE r.rolname = editor AND r.rolsuper) $$;

REVOKE ALL ON FUNCTION campmon._editor_trusted(name) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._editor_trusted(name) TO campmon_reader, pg_monitor;

-- Whether configuration a role wrote may make campmon read a relation: the
-- extension's rows and a superuser's, or a role that may read it itself (a
-- role dropped since may read nothing).  What a less privileged editor adds
-- never makes a snapshot, taken as the extension's owner, read more.
CREATE OR REPLACE FUNCTION campmon._editor_may_read(editor name, rel oid) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
SELECT CASE WHEN campmon._editor_trusted(editor) THEN true
            WHEN NOT EXISTS (SELECT FROM pg_roles r WHERE r.rolname = editor) OR rel IS NULL THEN false
            ELSE coalesce(has_table_privilege(editor, rel, 'SELECT'), false) END $$;

REVOKE ALL ON FUNCTION campmon._editor_may_read(name,oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._editor_may_read(name,oid) TO campmon_reader, pg_monitor;

-- Whether a relation has a (live) column of that name.
CREATE OR REPLACE FUNCTION campmon._has_column(rel regclass, col text) RETURNS boolean
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
SELECT EXISTS (SELECT FROM pg_attribute a
               WHERE a.attrelid = rel AND a.attname = col AND a.attnum > 0 AND NOT a.attisdropped) $$;

REVOKE ALL ON FUNCTION campmon._has_column(regclass,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._has_column(regclass,text) TO campmon_reader, pg_monitor;

-- The typed value columns of xtkoption, in the order a value is looked for.
CREATE OR REPLACE FUNCTION campmon._option_columns() RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT '{sstringvalue,ilongvalue,ddoublevalue,tsvalue,mmemovalue}'::text[] $$;

ALTER FUNCTION campmon._option_columns() SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._option_columns() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option_columns() TO campmon_reader, pg_monitor;

-- An option of xtkoption (opt, already judged safe to read): found when a
-- row has that sname; its value is the first non-empty one of the typed
-- columns the table has (sstringvalue, ilongvalue, ddoublevalue, tsvalue,
-- mmemovalue), and source_column says which.
CREATE OR REPLACE FUNCTION campmon._option(opt regclass, option_name text)
RETURNS TABLE (found boolean, value text, source_column text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    vals text;
BEGIN
    IF opt IS NULL OR option_name IS NULL OR NOT campmon._has_column(opt, 'sname') THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text;
        RETURN;
    END IF;
    SELECT string_agg(format('(%s, o.%I::text, %L)', k, c, c), ', ' ORDER BY k) INTO vals
    FROM unnest(campmon._option_columns()) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(opt, c);
    IF vals IS NULL THEN
        RETURN QUERY EXECUTE format('SELECT true, NULL::text, NULL::text FROM %s o WHERE o.sname = %L LIMIT 1', opt, option_name);
    ELSE
        RETURN QUERY EXECUTE format(
            'SELECT true, x.v, x.c FROM %s o LEFT JOIN LATERAL (SELECT v, c FROM (VALUES %s) x(k, v, c) WHERE nullif(trim(v), '''') IS NOT NULL ORDER BY k LIMIT 1) x ON true WHERE o.sname = %L LIMIT 1',
            opt, vals, option_name);
    END IF;
    IF NOT FOUND THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._option(regclass,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option(regclass,text) TO campmon_reader, pg_monitor;

-- A delay option's value (seconds, as Campaign stores them) as an
-- interval; NULL when it is not a number of seconds.
CREATE OR REPLACE FUNCTION campmon._option_seconds(v text) RETURNS interval
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN v ~ '^\s*[0-9]{1,12}(\.[0-9]+)?\s*$' THEN make_interval(secs => trim(v)::double precision) END $$;

ALTER FUNCTION campmon._option_seconds(text) SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION campmon._option_seconds(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._option_seconds(text) TO campmon_reader, pg_monitor;
