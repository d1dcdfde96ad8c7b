--
-- leave_no_trace: the suite runs last here and leaves the server's roles as
-- it found them (`make installcheck` runs against a DBA's server): the demo's
-- owner, made by demo/campaign_demo.sql, goes with what it owns in this
-- database; every other role a test made was dropped by that test
--
DROP OWNED BY regress_campaign;
DROP ROLE regress_campaign;
SELECT rolname FROM pg_roles
WHERE rolname IN ('regress_cad_admin', 'regress_cad_owner', 'regress_campaign', 'regress_campaign_dba', 'regress_campaign_super', 'regress_campmon_admin',
                  'regress_campmon_monitor', 'regress_campmon_nobody', 'regress_campmon_planner',
                  'regress_campmon_reader', 'regress_campmon_reader2', 'regress_campmon_runner',
                  'regress_campmon_scanner', 'regress_ho_admin', 'regress_ho_evil', 'regress_ho_reader',
                  'regress_snap_admin', 'regress_snap_limited', 'regress_snap_nobody', 'regress_snap_reader')
ORDER BY 1;
