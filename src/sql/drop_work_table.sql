/*
 * drop_work_table.sql -- campmon.drop_work_table(), the one way campmon
 * drops a work table: the command of plan()'s DROP TABLE steps, run by the
 * worker or by psql's \gexec.  It reads the table's verdict again under the
 * table's ACCESS EXCLUSIVE lock, whoever runs it.
 */

-- drop_work_table: NULL is an error (it answered 'gone already').  The
-- verdict under the lock is that one table's (_stale_tables(rel)): a run of
-- 10,000 drops does not judge every work table 10,000 times.
CREATE OR REPLACE FUNCTION campmon.drop_work_table(rel regclass, include_suspect boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    name text;
    kind "char";
    nsp_name text;
    rel_name text;
    owner_oid oid;
    st record;
BEGIN
    IF rel IS NULL THEN
        RAISE EXCEPTION 'rel must not be NULL' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'Pass a work table, e.g. ''public.wkf1234_5_1'' or campmon.stale_tables.relid.';
    END IF;
    SELECT format('%I.%I', n.nspname, c.relname), c.relkind, n.nspname, c.relname, c.relowner
    INTO name, kind, nsp_name, rel_name, owner_oid
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel;
    IF name IS NULL THEN
        RETURN 'gone already';
    END IF;
    -- what cannot be a work table (campmon.stale_tables' kind, schema and
    -- name filter) is refused before the lock: a wrong OID must not take,
    -- or queue for, ACCESS EXCLUSIVE on a live table or a catalog
    IF kind NOT IN ('r', 'v')
       OR NOT nsp_name = ANY (campmon._work_table_schemas())
       OR NOT EXISTS (SELECT FROM campmon.family f WHERE f.family IN ('work_table', 'list') AND rel_name ~ f.pattern
                      UNION ALL SELECT FROM campmon.work_table_rule w WHERE rel_name ~ w.pattern) THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- Campaign's cleanup never drops postgres's tables; campmon neither, nor
    -- a superuser's, nor those of campmon.never_work_table_owners
    IF owner_oid = ANY (campmon._never_work_table_owners()) THEN
        RAISE EXCEPTION 'not dropped: % is owned by %, whose tables are never work tables', name, pg_get_userbyid(owner_oid)
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Tables of postgres, of superusers and of the roles in campmon.never_work_table_owners are never work tables.',
                  HINT = 'If it really is a work table, drop it yourself.';
    END IF;
    -- the lock first: the verdict is then re-read with nobody else inside.
    -- Someone may drop the table between the lookup above and the lock (the
    -- name then names nothing, or another relation): gone already, too.
    BEGIN
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', name);
    EXCEPTION WHEN undefined_table THEN
        RETURN 'gone already';
    END;
    IF pg_catalog.to_regclass(name) IS DISTINCT FROM rel THEN
        RETURN 'gone already';
    END IF;
    SELECT * INTO st FROM campmon._stale_tables(rel) s WHERE s.relid = rel;
    IF st IS NULL THEN
        RAISE EXCEPTION 'not dropped: % is not a work table', name USING ERRCODE = 'object_not_in_prerequisite_state';
    ELSIF st.verdict = 'stale' OR (include_suspect AND st.verdict = 'suspect') THEN
        EXECUTE format('DROP %s %s', CASE kind WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, name);
        RETURN format('dropped %s (%s: %s)', name, st.verdict, st.reason);
    ELSE
        RAISE EXCEPTION 'not dropped: % is % now', name, st.verdict
            USING ERRCODE = 'object_not_in_prerequisite_state', DETAIL = st.reason;
    END IF;
END $fn$;

COMMENT ON FUNCTION campmon.drop_work_table(regclass, boolean) IS
'Drop a work table if it is still stale now, checked under its ACCESS EXCLUSIVE lock';

REVOKE ALL ON FUNCTION campmon.drop_work_table(regclass,boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon.drop_work_table(regclass,boolean) TO campmon_admin;
