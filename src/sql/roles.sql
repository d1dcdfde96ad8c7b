/*
 * roles.sql -- campmon's two roles and the schema's privileges.
 *
 * campmon_reader reads the views, the measurement functions and the
 * history; campmon_admin is a reader that may also plan, run and edit the
 * configuration.  PUBLIC gets nothing; members of pg_monitor read.  Every
 * later file grants its own objects to these roles, right after them.
 */

-- Roles are cluster-wide: create them once, keep them when the extension is
-- dropped (other databases of the cluster may use them).
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'campmon_reader') THEN
        CREATE ROLE campmon_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'campmon_admin') THEN
        CREATE ROLE campmon_admin NOLOGIN;
    END IF;
    IF NOT pg_catalog.pg_has_role('campmon_admin', 'campmon_reader', 'MEMBER') THEN
        GRANT campmon_reader TO campmon_admin;
    END IF;
END
$roles$;

COMMENT ON ROLE campmon_reader IS 'campmon: may read campmon''s views and call its measurement functions';
COMMENT ON ROLE campmon_admin IS 'campmon: campmon_reader, and may plan and run maintenance';

REVOKE ALL ON SCHEMA campmon FROM PUBLIC;
GRANT USAGE ON SCHEMA campmon TO campmon_reader, pg_monitor;
