--
-- install: the extension, its schema, roles and default privileges
--
CREATE EXTENSION pgstattuple;
-- one install script, built from src/sql/ (1.0 has no upgrade path yet)
CREATE EXTENSION campmon;
SELECT e.extname, e.extversion, e.extrelocatable, n.nspname
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'campmon';

-- both roles exist, cannot log in, and an admin is a reader (a server's
-- other roles, campmon_demo among them, are not this test's business)
SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN ('campmon_reader', 'campmon_admin') ORDER BY 1;
SELECT pg_has_role('campmon_admin', 'campmon_reader', 'MEMBER') AS admin_is_reader;

-- every object lives in schema campmon
SELECT pg_describe_object(classid, objid, 0) AS object
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass
  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'campmon')
  AND deptype = 'e'
ORDER BY 1;

-- PUBLIC may execute or select nothing; campmon_reader and pg_monitor may
SELECT p.oid::regprocedure AS function,
       bool_or(a.grantee = 0) AS public,
       bool_or(a.grantee = 'campmon_reader'::regrole) AS campmon_reader,
       bool_or(a.grantee = 'pg_monitor'::regrole) AS pg_monitor
FROM pg_proc p, aclexplode(p.proacl) a
WHERE p.pronamespace = 'campmon'::regnamespace
GROUP BY p.oid ORDER BY p.oid::regprocedure::text;   -- by name, not creation order
SELECT c.relname,
       bool_or(a.grantee = 0) AS public,
       bool_or(a.grantee = 'campmon_reader'::regrole AND a.privilege_type = 'SELECT') AS campmon_reader,
       bool_or(a.grantee = 'pg_monitor'::regrole AND a.privilege_type = 'SELECT') AS pg_monitor,
       -- what an admin may write: configuration only, never the history
       string_agg(DISTINCT a.privilege_type, ',') FILTER (WHERE a.grantee = 'campmon_admin'::regrole) AS admin_writes
FROM pg_class c, aclexplode(c.relacl) a
WHERE c.relnamespace = 'campmon'::regnamespace
GROUP BY c.relname ORDER BY 1;

-- the extension cannot be moved
ALTER EXTENSION campmon SET SCHEMA public;

-- GUCs exist once the library is loaded, with their defaults
SELECT count(*) FROM campmon.table_bloat('pg_class', 'stats');
SELECT name, setting, unit FROM pg_settings WHERE name LIKE 'campmon.%' ORDER BY 1;
SHOW campmon.indexes_mode;
SET campmon.tables_mode = 'fast';
SET campmon.sample_pages = 0;

-- every SQL and PL/pgSQL function has a fixed search_path (the procedure
-- run_plan cannot: transaction control), none is SECURITY DEFINER
SELECT p.oid::regprocedure AS without_fixed_search_path
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'campmon'::regnamespace AND l.lanname <> 'c'
  AND NOT coalesce(array_to_string(p.proconfig, ',') LIKE '%search_path=pg_catalog, pg_temp%', false)
ORDER BY 1;
SELECT count(*) AS security_definer FROM pg_proc WHERE pronamespace = 'campmon'::regnamespace AND prosecdef;
