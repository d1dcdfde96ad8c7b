/*
 * campaign_demo.sql -- a deterministic, Adobe-Campaign-Classic-like database for campmon
 *
 * Builds, in schema public of the CURRENT database, the lower-case tables of a Campaign Classic
 * instance (delivery logs, tracking logs, deliveries, the workflow engine, recipients, quarantine,
 * options, ...), fills them in time order and then replays the churn that bloats them in the field:
 *
 *   - log tables: status updates from MTA feedback, a purge-by-date of the oldest ~40 % (the
 *     Database cleanup workflow), then status updates on ~10 % of what is left.  nmstrackinglogrcp
 *     and nmsaddress are VACUUMed afterwards (their bloat shows as free space); the other log
 *     tables are not (their bloat shows as dead tuples plus free space);
 *   - nmsdelivery, nmsdeliverypart, nmsdeliverystat, xtkworkflow*, xtkjob, xtkoption: few rows,
 *     35 update passes (20 of them inside one long transaction, as when a long export holds the
 *     xmin horizon), so that live rows are a few % of these tables, the rest dead tuples and free space;
 *   - nmsmirrorpagesearch carries ~5 kB incompressible personalisation data on one row in ten, so
 *     its TOAST table has content, and loses it to the purge (TOAST bloat);
 *   - work tables wkf<workflowId>_<n>_1, wkfhisto<workflowId>_<n>, wkdlv_<deliveryId>_<n>,
 *     grp<groupId>, wksimu_<simulationId>_1 whose owners are in every state (or deleted), one
 *     table without an owner, and as many transient work tables created and dropped again (the
 *     catalog churn of workflows that recreate their temporary tables at every run);
 *   - xtkoption: NmsCleanup_LastCleanup 5 days before the reference date (the cleanup workflow is
 *     paused in error), purge delays, XtkCleanup_NoStats.
 *
 * Usage (scale defaults to 1):
 *   psql -v ON_ERROR_STOP=1 -v scale=1 -f demo/campaign_demo.sql
 *
 * psql variables:
 *   scale          multiplies the big tables (log tables, recipients, quarantine, ...) linearly;
 *                  decimals are allowed (0.1).  scale 1 = ~40 MB of tables in a few seconds
 *                  (regression tests), scale 30 = ~0.9 GB (demo).  Deliveries, workflows, jobs,
 *                  options stay (almost) constant.
 *   work_tables    number of work tables to leave behind (default 200).
 *   work_churn     number of transient work tables created and dropped (default work_tables).
 *   no_autovacuum  if set (to anything), every table is created WITH (autovacuum_enabled = false,
 *                  toast.autovacuum_enabled = false) so that tests can freeze its state.
 *   ref_ts         reference "now" (default '2026-11-20 03:00:00'); every timestamp is derived
 *                  from it, never from now().
 *   set_reference_time  if set (to anything; a superuser's), the database carries ref_ts as its
 *                  campmon.reference_time (ALTER DATABASE ... SET), so that every later session
 *                  judges Campaign's dates as of the data's "now", as scripts/demo.sh's report does.
 *   owner          the role that owns the tables, as Campaign's own role (default campmon_demo):
 *                  run as a superuser, the script creates it (NOLOGIN) if needed and builds as it,
 *                  so that the work tables are not a superuser's (campmon never treats those as
 *                  work tables); a superuser's look-alike, wkf<id>_0_dba_copy, is added at the end.
 *
 * Determinism: no random(); every value is an arithmetic hash of generate_series() values; parallel
 * query, synchronized seq scans and index/bitmap scans are switched off so that the physical layout
 * does not depend on plans, and memory settings are pinned.  Quiescent end state: a read prunes (opportunistically) the pages whose
 * dead tuples are dead to everybody, so the script ends with a sequential read of every table and
 * TOAST table; pgstattuple (which prunes as it reads) and a reader that does not prune then see the
 * same pages, and a second pgstattuple gives the same numbers as the first.  Two runs in two fresh
 * clusters give identical pgstattuple/pgstatindex numbers (checked at scale 1, with and without
 * no_autovacuum).  What can break it: another session holding a snapshot while the script runs
 * (it postpones pruning), a checkpoint pinning a buffer at the wrong moment (large scales), and,
 * without no_autovacuum, autovacuum visiting the tables after the script.
 *
 * The script refuses to run if public already holds Campaign tables that it did not create itself
 * (it drops and recreates its own tables and only the work tables that it marked with a comment).
 * Never run it in a real Campaign database.
 */

\set ON_ERROR_STOP 1
\set QUIET 1

\if :{?scale}
\else
  \set scale 1
\endif
\if :{?work_tables}
\else
  \set work_tables 200
\endif
\if :{?ref_ts}
\else
  \set ref_ts '2026-11-20 03:00:00'
\endif
\if :{?owner}
\else
  \set owner campmon_demo
\endif
\if :{?no_autovacuum}
  \set tabopts 'WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)'
\else
  \set tabopts ''
\endif

SET client_min_messages = warning;
SET search_path = public, pg_catalog;
SET max_parallel_workers_per_gather = 0;
SET max_parallel_maintenance_workers = 0;
SET synchronize_seqscans = off;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SET default_toast_compression = 'pglz';
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
SET synchronous_commit = off;
SET jit = off;
-- memory and statistics at PostgreSQL's defaults whatever the server's configuration says: with
-- more work_mem a hash replaces a sort and rows land in another order; ANALYZE's sample follows
-- default_statistics_target
SET work_mem = '4MB';
SET hash_mem_multiplier = 2.0;
SET maintenance_work_mem = '64MB';
SET default_statistics_target = 100;

-- parameter checks ------------------------------------------------------------------------------
SELECT :'scale' ~ '^[0-9]+(\.[0-9]+)?$' AS scale_ok,
       :'work_tables' ~ '^[0-9]+$' AS work_tables_ok,
       :'ref_ts' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?$' AS ref_ts_ok
\gset
\if :scale_ok
  SELECT :'scale'::numeric > 0 AS scale_ok \gset
\endif
\if :work_tables_ok
  SELECT :'work_tables'::int >= 1 AS work_tables_ok \gset
\endif
\if :scale_ok
\else
  SELECT format('DO $$BEGIN RAISE EXCEPTION %L; END$$', 'campaign_demo.sql: scale must be a positive number, got ' || :'scale') \gexec
\endif
\if :work_tables_ok
\else
  SELECT format('DO $$BEGIN RAISE EXCEPTION %L; END$$', 'campaign_demo.sql: work_tables must be a positive integer, got ' || :'work_tables') \gexec
\endif
\if :ref_ts_ok
\else
  SELECT format('DO $$BEGIN RAISE EXCEPTION %L; END$$', 'campaign_demo.sql: ref_ts must look like YYYY-MM-DD hh:mm:ss, got ' || :'ref_ts') \gexec
\endif

-- row counts at this scale ----------------------------------------------------------------------
SELECT ceil(34000 * s)::int  AS n_blrcp,      -- nmsbroadlogrcp
       ceil(9000 * s)::int   AS n_blmsg,      -- nmsbroadlogmsg
       ceil(9000 * s)::int   AS n_blmid,      -- nmsbroadlogmid
       ceil(16000 * s)::int  AS n_trk,        -- nmstrackinglogrcp
       ceil(9000 * s)::int   AS n_rcp,        -- nmsrecipient
       ceil(3000 * s)::int   AS n_mirror,     -- nmsmirrorpagesearch (1 row in 10 TOASTed)
       ceil(4000 * s)::int   AS n_addr,       -- nmsaddress
       ceil(2500 * s)::int   AS n_errstat,    -- nmsemailerrorstat
       ceil(8000 * s)::int   AS n_wflog,      -- xtkworkflowlog
       ceil(5000 * s)::int   AS n_joblog,     -- xtkjoblog
       ceil(1500 * s)::int   AS n_wftask,     -- xtkworkflowtask
       200 + ceil(10 * s)::int AS n_dlv_sent, -- deliveries that were sent (have logs)
       20                    AS n_dlv_edit,   -- deliveries being edited (no logs)
       150                   AS n_wkf,        -- workflows (8 technical + user workflows)
       300                   AS n_job,        -- xtkjob
       60                    AS n_grp,        -- nmsgroup (lists)
       16                    AS n_simu        -- nmssimulation
FROM (SELECT :'scale'::numeric AS s) p
\gset

-- reference dates: everything is relative to ref_ts, never to now()
SELECT (:'ref_ts'::timestamp)                                        AS ref,
       (:'ref_ts'::timestamp - interval '5 days')                    AS last_cleanup,
       (:'ref_ts'::timestamp - interval '5 days' - interval '180 days') AS bl_cutoff,
       (:'ref_ts'::timestamp - interval '5 days' - interval '365 days') AS trk_cutoff,
       (:'ref_ts'::timestamp - interval '300 days')                  AS bl_start,
       (:'ref_ts'::timestamp - interval '610 days')                  AS trk_start
\gset

\echo campaign_demo: scale=:scale work_tables=:work_tables ref_ts=:'ref_ts'

-- deterministic hash helpers ----------------------------------------------------------------------
-- h(i, a, k): a multiplicative (Weyl) hash of i, in [0, k); a is one of a few large odd multipliers.
-- Plain SQL, immutable, each parameter used once: inlined by the planner, no function call per row.
CREATE OR REPLACE FUNCTION pg_temp.h(i bigint, a bigint, k bigint) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((i * a) % 2147483647) % k $$;
-- e-mail address of recipient r (the same in nmsrecipient and in the logs)
CREATE OR REPLACE FUNCTION pg_temp.email(r bigint) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower((ARRAY['Anna','Bruno','Chloe','David','Emma','Felix','Gabriel','Hugo','Ines','Jules',
                      'Karin','Louis','Manon','Nina','Oscar','Paul','Quentin','Rose','Sarah','Theo'])
                 [1 + ((r * 2246822519) % 2147483647) % 20])
      || '.' ||
         lower((ARRAY['Martin','Bernard','Dubois','Thomas','Robert','Richard','Petit','Durand','Leroy',
                      'Moreau','Simon','Laurent','Lefebvre','Michel','Garcia','David','Bertrand','Roux',
                      'Vincent','Fournier','Muller','Schmidt','Smith','Jones','Brown'])
                 [1 + ((r * 3266489917) % 2147483647) % 25])
      || r::text || '@' ||
         (ARRAY['gmail.com','yahoo.fr','orange.fr','hotmail.com','outlook.com','free.fr','laposte.net',
                'gmx.de','web.de','icloud.com','sfr.fr','wanadoo.fr'])[1 + ((r * 668265263) % 2147483647) % 12]
$$;

-- safety: never drop Campaign tables that this script did not create ----------------------------
DO $guard$
DECLARE
  foreign_tables text;
BEGIN
  SELECT string_agg(c.relname, ', ' ORDER BY c.relname) INTO foreign_tables
  FROM pg_class c
  WHERE c.relnamespace = 'public'::regnamespace
    AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    AND c.relname IN ('nmsbroadlogrcp','nmsbroadlogmsg','nmsbroadlogmid','nmstrackinglogrcp','nmstrackingurl',
                      'nmsdelivery','nmsdeliverypart','nmsdeliverystat','nmsrecipient','nmsaddress',
                      'nmsmirrorpagesearch','nmsemailerrorstat','nmsgroup','nmssimulation',
                      'xtkworkflow','xtkworkflowtask','xtkworkflowjob','xtkworkflowevent','xtkworkflowlog',
                      'xtkjob','xtkjoblog','xtkoption','nmsdeliverymapping','xtksessioninfo','nmsmirrorpageinfo',
                      'nmsrtevent','nmsbatchevent','nmseventhisto','cusbroadlogcustomer','xtknewid',
                      'xtkreject','xtkworkflowlogin','nmsvisitor','nmssubscription','nmsprovidermsgid','xtkaudit',
                      'nmstrackingstats','xtkfolder','cusloyalty','cusexportlog','nmsbroadlogid','nmstrackinglogid',
                      'auto_cusloyalty_seq')
    AND coalesce(obj_description(c.oid, 'pg_class'), '') NOT LIKE 'campmon demo%';
  -- the execution instance's schema, when it is not the demo's
  IF foreign_tables IS NULL AND EXISTS (SELECT FROM pg_namespace n WHERE n.nspname = 'mcexec'
                                        AND coalesce(obj_description(n.oid, 'pg_namespace'), '') NOT LIKE 'campmon demo%') THEN
    foreign_tables := 'schema mcexec';
  END IF;
  IF foreign_tables IS NOT NULL THEN
    RAISE EXCEPTION 'campaign_demo.sql: public already holds tables it did not create (%); refusing to drop them', foreign_tables
      USING HINT = 'Run the demo in an empty scratch database.';
  END IF;
END
$guard$;

-- drop what a previous run created -------------------------------------------------------------
DO $drop$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t, c.relkind
           FROM pg_class c
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'S')
             AND obj_description(c.oid, 'pg_class') LIKE 'campmon demo%'
           ORDER BY c.relname
  LOOP
    EXECUTE format('DROP %s IF EXISTS %s CASCADE', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.t);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p
           WHERE p.pronamespace = 'public'::regnamespace AND obj_description(p.oid, 'pg_proc') LIKE 'campmon demo%'
  LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s', r.f);
  END LOOP;
  IF EXISTS (SELECT FROM pg_namespace n WHERE n.nspname = 'mcexec' AND obj_description(n.oid, 'pg_namespace') LIKE 'campmon demo%') THEN
    DROP SCHEMA mcexec CASCADE;
  END IF;
END
$drop$;

-- Campaign owns its tables with a role of its own, never postgres (the cleanup
-- leaves postgres's tables alone, and so does campmon): run as a superuser,
-- the script creates role :owner (NOLOGIN) if needed and builds everything
-- as that role; run as another role, that role owns everything.
SELECT rolsuper AS demo_is_super FROM pg_roles WHERE rolname = current_user \gset
\if :demo_is_super
  SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') AS demo_create_owner \gset
  \if :demo_create_owner
    CREATE ROLE :"owner" NOLOGIN;
  \endif
  GRANT USAGE, CREATE ON SCHEMA public TO :"owner";
  SET ROLE :"owner";
\endif

\echo campaign_demo: creating tables

-- ================================================================================================
-- tables (indexes are created before the data: Campaign inserts into indexed tables)
-- ================================================================================================

CREATE TABLE xtkoption (
  sname          varchar(64)  NOT NULL,
  idatatype      smallint     NOT NULL DEFAULT 6,
  sstringvalue   varchar(255),
  ilongvalue     integer,
  ddoublevalue   double precision,
  tsvalue        timestamp,
  mmemovalue     text,
  sdescription   varchar(255),
  tslastmodified timestamp    NOT NULL,
  CONSTRAINT xtkoption_pkey PRIMARY KEY (sname)
) :tabopts;

CREATE TABLE xtkworkflow (
  iworkflowid    integer      NOT NULL,
  sinternalname  varchar(64)  NOT NULL,
  slabel         varchar(128) NOT NULL,
  istate         smallint     NOT NULL DEFAULT 0,   -- 0 edited, 11 started, 13 paused, 20 finished
  ifailed        smallint     NOT NULL DEFAULT 0,
  iproduction    smallint     NOT NULL DEFAULT 0,
  ibuiltin       smallint     NOT NULL DEFAULT 0,
  ifolderid      integer      NOT NULL DEFAULT 0,
  ioperationid   integer      NOT NULL DEFAULT 0,
  icreatedbyid   integer      NOT NULL DEFAULT 0,
  imodifiedbyid  integer      NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  tsstart        timestamp,
  tsprocessing   timestamp,
  iruncount      integer      NOT NULL DEFAULT 0,
  sserver        varchar(64),
  ihistory       smallint     NOT NULL DEFAULT 30,  -- History in days (the cleanup purges its logs after it)
  mdata          text,                               -- the workflow's XML (its properties: keepResult, showSQL...)
  CONSTRAINT xtkworkflow_pkey PRIMARY KEY (iworkflowid)
) :tabopts;
CREATE UNIQUE INDEX xtkworkflow_internalname ON xtkworkflow (sinternalname);
CREATE INDEX xtkworkflow_lastmodified ON xtkworkflow (tslastmodified);
CREATE INDEX xtkworkflow_folderid ON xtkworkflow (ifolderid);

CREATE TABLE xtkworkflowtask (
  itaskid        bigint       NOT NULL,
  iworkflowid    integer      NOT NULL,
  sactivity      varchar(64)  NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  ierrorcode     integer      NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tscompletion   timestamp,
  CONSTRAINT xtkworkflowtask_pkey PRIMARY KEY (itaskid)
) :tabopts;
CREATE INDEX xtkworkflowtask_workflowid ON xtkworkflowtask (iworkflowid);

CREATE TABLE xtkworkflowjob (
  iworkflowjobid bigint       NOT NULL,
  iworkflowid    integer      NOT NULL,
  scommand       varchar(32)  NOT NULL,
  sarg           varchar(255),
  istatus        smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  CONSTRAINT xtkworkflowjob_pkey PRIMARY KEY (iworkflowjobid)
) :tabopts;
CREATE INDEX xtkworkflowjob_workflowid ON xtkworkflowjob (iworkflowid);

CREATE TABLE xtkworkflowevent (
  ieventid       bigint       NOT NULL,
  iworkflowid    integer      NOT NULL,
  itaskid        bigint       NOT NULL DEFAULT 0,
  sactivity      varchar(64),
  stransition    varchar(64),
  istatus        smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tsprocessing   timestamp,
  mvars          text,
  CONSTRAINT xtkworkflowevent_pkey PRIMARY KEY (ieventid)
) :tabopts;
CREATE INDEX xtkworkflowevent_workflowid ON xtkworkflowevent (iworkflowid);

CREATE TABLE xtkworkflowlog (
  ilogid         bigint       NOT NULL,
  iworkflowid    integer      NOT NULL,
  itaskid        bigint       NOT NULL DEFAULT 0,
  ilogtype       smallint     NOT NULL DEFAULT 0,
  tslog          timestamp    NOT NULL,
  sactivity      varchar(64),
  smessage       varchar(1024),
  CONSTRAINT xtkworkflowlog_pkey PRIMARY KEY (ilogid)
) :tabopts;
CREATE INDEX xtkworkflowlog_workflowid ON xtkworkflowlog (iworkflowid);
CREATE INDEX xtkworkflowlog_log ON xtkworkflowlog (tslog);

CREATE TABLE xtkjob (
  ijobid         integer      NOT NULL,
  slabel         varchar(128),
  sserver        varchar(64),
  istatus        smallint     NOT NULL DEFAULT 0,
  iprogress      integer      NOT NULL DEFAULT 0,
  ipid           integer      NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT xtkjob_pkey PRIMARY KEY (ijobid)
) :tabopts;
CREATE INDEX xtkjob_lastmodified ON xtkjob (tslastmodified);

CREATE TABLE xtkjoblog (
  ijoblogid      bigint       NOT NULL,
  ijobid         integer      NOT NULL,
  ilogtype       smallint     NOT NULL DEFAULT 0,
  tslog          timestamp    NOT NULL,
  stext          varchar(1024),
  CONSTRAINT xtkjoblog_pkey PRIMARY KEY (ijoblogid)
) :tabopts;
CREATE INDEX xtkjoblog_jobid ON xtkjoblog (ijobid);

CREATE TABLE nmsdelivery (
  ideliveryid    integer      NOT NULL,
  sinternalname  varchar(64)  NOT NULL,
  slabel         varchar(128) NOT NULL,
  istate         smallint     NOT NULL DEFAULT 0,
  ideletestatus  smallint     NOT NULL DEFAULT 0,
  imessagetype   smallint     NOT NULL DEFAULT 0,
  iismodel       smallint     NOT NULL DEFAULT 0,
  ioperationid   integer      NOT NULL DEFAULT 0,
  iworkflowid    integer      NOT NULL DEFAULT 0,
  ifolderid      integer      NOT NULL DEFAULT 0,
  itodeliver     integer      NOT NULL DEFAULT 0,
  iprocessed     integer      NOT NULL DEFAULT 0,
  isent          integer      NOT NULL DEFAULT 0,
  isuccess       integer      NOT NULL DEFAULT 0,
  ierror         integer      NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  tscontact      timestamp,
  tsvalidity     timestamp,
  tswebvalidity  timestamp,
  iwebrespurged  smallint     NOT NULL DEFAULT 0,
  CONSTRAINT nmsdelivery_pkey PRIMARY KEY (ideliveryid)
) :tabopts;
CREATE UNIQUE INDEX nmsdelivery_internalname ON nmsdelivery (sinternalname);
CREATE INDEX nmsdelivery_lastmodified ON nmsdelivery (tslastmodified);
CREATE INDEX nmsdelivery_operationid ON nmsdelivery (ioperationid);
CREATE INDEX nmsdelivery_workflowid ON nmsdelivery (iworkflowid);

CREATE TABLE nmsdeliverypart (
  ideliverypartid integer     NOT NULL,
  ideliveryid    integer      NOT NULL,
  ipartnum       integer      NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  icount         integer      NOT NULL DEFAULT 0,
  iprocessed     integer      NOT NULL DEFAULT 0,
  sserver        varchar(64),
  tscreated      timestamp,
  tslastmodified timestamp,
  tsvalidity     timestamp,
  CONSTRAINT nmsdeliverypart_pkey PRIMARY KEY (ideliverypartid)
) :tabopts;
CREATE INDEX nmsdeliverypart_deliveryid ON nmsdeliverypart (ideliveryid);
CREATE INDEX nmsdeliverypart_lastmodified ON nmsdeliverypart (tslastmodified);

CREATE TABLE nmsdeliverystat (
  ideliverystatid integer     NOT NULL,
  ideliveryid    integer      NOT NULL,
  iprocessed     integer      NOT NULL DEFAULT 0,
  isent          integer      NOT NULL DEFAULT 0,
  isuccess       integer      NOT NULL DEFAULT 0,
  ierror         integer      NOT NULL DEFAULT 0,
  iopen          integer      NOT NULL DEFAULT 0,
  iclick         integer      NOT NULL DEFAULT 0,
  iunsub         integer      NOT NULL DEFAULT 0,
  tscomputed     timestamp,
  CONSTRAINT nmsdeliverystat_pkey PRIMARY KEY (ideliverystatid)
) :tabopts;
CREATE INDEX nmsdeliverystat_deliveryid ON nmsdeliverystat (ideliveryid);

CREATE TABLE nmsgroup (
  igroupid       integer      NOT NULL,
  sname          varchar(64)  NOT NULL,
  slabel         varchar(128),
  itype          smallint     NOT NULL DEFAULT 0,
  icount         integer      NOT NULL DEFAULT 0,
  ifolderid      integer      NOT NULL DEFAULT 0,
  ideletestatus  smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  tsexpirationdate timestamp,
  CONSTRAINT nmsgroup_pkey PRIMARY KEY (igroupid)
) :tabopts;
CREATE UNIQUE INDEX nmsgroup_name ON nmsgroup (sname);

CREATE TABLE nmssimulation (
  isimulationid  integer      NOT NULL,
  sinternalname  varchar(64)  NOT NULL,
  slabel         varchar(128),
  istate         smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmssimulation_pkey PRIMARY KEY (isimulationid)
) :tabopts;

CREATE TABLE nmsrecipient (
  irecipientid   integer      NOT NULL,
  semail         varchar(128),
  sfirstname     varchar(64),
  slastname      varchar(64),
  saccount       varchar(32),
  scountrycode   varchar(2),
  scity          varchar(50),
  szipcode       varchar(10),
  dbirthdate     date,
  iblacklist     smallint     NOT NULL DEFAULT 0,
  iblacklistemail smallint    NOT NULL DEFAULT 0,
  iemailformat   smallint     NOT NULL DEFAULT 0,
  ifolderid      integer      NOT NULL DEFAULT 0,
  icreatedbyid   integer      NOT NULL DEFAULT 0,
  imodifiedbyid  integer      NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmsrecipient_pkey PRIMARY KEY (irecipientid)
) :tabopts;
CREATE INDEX nmsrecipient_email ON nmsrecipient (semail);
CREATE INDEX nmsrecipient_lastname ON nmsrecipient (slastname);
CREATE INDEX nmsrecipient_lastmodified ON nmsrecipient (tslastmodified);
CREATE INDEX nmsrecipient_folderid ON nmsrecipient (ifolderid);

CREATE TABLE nmsbroadlogrcp (
  ibroadlogid    bigint       NOT NULL,
  ideliveryid    integer      NOT NULL,
  irecipientid   integer      NOT NULL,
  imsgid         integer      NOT NULL DEFAULT 0,
  istatus        smallint     NOT NULL DEFAULT 0,   -- 1 sent, 2 failed, 4 delivered, 5 opened, 6 bounced ...
  iflags         integer      NOT NULL DEFAULT 0,
  ideliverypartid integer     NOT NULL DEFAULT 0,
  tsevent        timestamp,
  tslastmodified timestamp,
  saddress       varchar(128),
  CONSTRAINT nmsbroadlogrcp_pkey PRIMARY KEY (ibroadlogid)
) :tabopts;
CREATE INDEX nmsbroadlogrcp_deliveryid ON nmsbroadlogrcp (ideliveryid);
CREATE INDEX nmsbroadlogrcp_recipientid ON nmsbroadlogrcp (irecipientid);
CREATE INDEX nmsbroadlogrcp_event ON nmsbroadlogrcp (tsevent);
CREATE INDEX nmsbroadlogrcp_lastmodified ON nmsbroadlogrcp (tslastmodified);

CREATE TABLE nmsbroadlogmsg (
  ibroadlogmsgid integer      NOT NULL,
  ifailuretype   smallint     NOT NULL DEFAULT 0,
  ifailurereason smallint     NOT NULL DEFAULT 0,
  itype          smallint     NOT NULL DEFAULT 0,
  istatus        smallint     NOT NULL DEFAULT 0,
  icount         integer      NOT NULL DEFAULT 1,
  irule          integer      NOT NULL DEFAULT 0,
  sdomain        varchar(64),
  smessage       varchar(1024),
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmsbroadlogmsg_pkey PRIMARY KEY (ibroadlogmsgid)
) :tabopts;
CREATE INDEX nmsbroadlogmsg_created ON nmsbroadlogmsg (tscreated);
CREATE INDEX nmsbroadlogmsg_lastmodified ON nmsbroadlogmsg (tslastmodified);

CREATE TABLE nmsbroadlogmid (
  ibroadlogid    bigint       NOT NULL,
  ideliveryid    integer      NOT NULL,
  irecipientid   integer      NOT NULL DEFAULT 0,
  imsgid         integer      NOT NULL DEFAULT 0,
  istatus        smallint     NOT NULL DEFAULT 0,
  iflags         integer      NOT NULL DEFAULT 0,
  tsevent        timestamp,
  tslastmodified timestamp,
  saddress       varchar(128),
  CONSTRAINT nmsbroadlogmid_pkey PRIMARY KEY (ibroadlogid)
) :tabopts;
CREATE INDEX nmsbroadlogmid_deliveryid ON nmsbroadlogmid (ideliveryid);
CREATE INDEX nmsbroadlogmid_event ON nmsbroadlogmid (tsevent);
CREATE INDEX nmsbroadlogmid_lastmodified ON nmsbroadlogmid (tslastmodified);

CREATE TABLE nmstrackingurl (
  iurlid         integer      NOT NULL,
  ideliveryid    integer      NOT NULL,
  itype          smallint     NOT NULL DEFAULT 1,
  slabel         varchar(128),
  stagid         varchar(64),
  ssource        varchar(2048),
  tscreated      timestamp,
  CONSTRAINT nmstrackingurl_pkey PRIMARY KEY (iurlid)
) :tabopts;
CREATE INDEX nmstrackingurl_deliveryid ON nmstrackingurl (ideliveryid);

CREATE TABLE nmstrackinglogrcp (
  itrackinglogid bigint       NOT NULL,
  ibroadlogid    bigint       NOT NULL DEFAULT 0,
  ideliveryid    integer      NOT NULL,
  irecipientid   integer      NOT NULL,
  iurlid         integer      NOT NULL,
  iuseragentid   integer      NOT NULL DEFAULT 0,
  tslog          timestamp    NOT NULL,
  ssourceip      varchar(40),
  suseragent     text,
  CONSTRAINT nmstrackinglogrcp_pkey PRIMARY KEY (itrackinglogid)
) :tabopts;
CREATE INDEX nmstrackinglogrcp_log ON nmstrackinglogrcp (tslog);
CREATE INDEX nmstrackinglogrcp_deliveryid ON nmstrackinglogrcp (ideliveryid);
CREATE INDEX nmstrackinglogrcp_recipientid ON nmstrackinglogrcp (irecipientid);

CREATE TABLE nmsmirrorpagesearch (
  imirrorpagesearchid bigint  NOT NULL,
  ibroadlogid    bigint       NOT NULL,
  ideliveryid    integer      NOT NULL,
  irecipientid   integer      NOT NULL,
  tsevent        timestamp,
  skey           varchar(64),
  mdata          text,
  CONSTRAINT nmsmirrorpagesearch_pkey PRIMARY KEY (imirrorpagesearchid)
) :tabopts;
CREATE INDEX nmsmirrorpagesearch_broadlogid ON nmsmirrorpagesearch (ibroadlogid);
CREATE INDEX nmsmirrorpagesearch_deliveryid ON nmsmirrorpagesearch (ideliveryid);

CREATE TABLE nmsaddress (
  saddress       varchar(128) NOT NULL,
  itype          smallint     NOT NULL DEFAULT 0,   -- 0 e-mail, 1 SMS, ...
  istatus        smallint     NOT NULL DEFAULT 0,   -- 0 valid, 1 quarantine, 2 denylisted, 3 on allow list
  ierrorcount    smallint     NOT NULL DEFAULT 0,
  ierrorreason   smallint     NOT NULL DEFAULT 0,
  sdomain        varchar(64),
  serrortext     varchar(255),
  tscreated      timestamp,
  tslasterror    timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmsaddress_pkey PRIMARY KEY (saddress, itype)
) :tabopts;
CREATE INDEX nmsaddress_lastmodified ON nmsaddress (tslastmodified);
CREATE INDEX nmsaddress_status ON nmsaddress (istatus);

CREATE TABLE nmsemailerrorstat (
  iemailerrorstatid integer   NOT NULL,
  sdomain        varchar(64)  NOT NULL,
  smta           varchar(64),
  tsstart        timestamp    NOT NULL,
  tsend          timestamp,
  iconnections   integer      NOT NULL DEFAULT 0,
  imessages      integer      NOT NULL DEFAULT 0,
  ierror         integer      NOT NULL DEFAULT 0,
  iabort         integer      NOT NULL DEFAULT 0,
  itimeout       integer      NOT NULL DEFAULT 0,
  CONSTRAINT nmsemailerrorstat_pkey PRIMARY KEY (iemailerrorstatid)
) :tabopts;
CREATE INDEX nmsemailerrorstat_start ON nmsemailerrorstat (tsstart);
CREATE INDEX nmsemailerrorstat_domain ON nmsemailerrorstat (sdomain);

-- delivery mappings: which delivery- and tracking-log tables the cleanup purges (a custom mapping
-- names a custom table, cusbroadlogcustomer; tables a mapping names that do not exist are skipped)
CREATE TABLE nmsdeliverymapping (
  imappingid     integer      NOT NULL,
  sname          varchar(64)  NOT NULL,
  sbroadlogschema varchar(64),
  sbroadlogexclschema varchar(64),
  strackinglogschema varchar(64),
  CONSTRAINT nmsdeliverymapping_pkey PRIMARY KEY (imappingid)
) :tabopts;

CREATE TABLE cusbroadlogcustomer (
  ibroadlogid    bigint       NOT NULL,
  ideliveryid    integer      NOT NULL,
  icustomerid    integer      NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  tsevent        timestamp,
  tslastmodified timestamp,
  CONSTRAINT cusbroadlogcustomer_pkey PRIMARY KEY (ibroadlogid)
) :tabopts;
CREATE INDEX cusbroadlogcustomer_lastmodified ON cusbroadlogcustomer (tslastmodified);

-- user sessions: very many inserts and deletes; the cleanup deletes the expired ones
CREATE TABLE xtksessioninfo (
  isessionid     bigint       NOT NULL,
  soperator      varchar(64),
  sserver        varchar(64),
  tscreated      timestamp    NOT NULL,
  tsexpiration   timestamp    NOT NULL,
  CONSTRAINT xtksessioninfo_pkey PRIMARY KEY (isessionid)
) :tabopts;
CREATE INDEX xtksessioninfo_expiration ON xtksessioninfo (tsexpiration);

-- mirror page data: a memo (CLOB) per message, so the table is mostly TOAST
CREATE TABLE nmsmirrorpageinfo (
  imirrorpageinfoid bigint    NOT NULL,
  ideliveryid    integer      NOT NULL,
  imessageid     bigint       NOT NULL,
  mdata          text,
  CONSTRAINT nmsmirrorpageinfo_pkey PRIMARY KEY (imirrorpageinfoid)
) :tabopts;
CREATE INDEX nmsmirrorpageinfo_deliveryid ON nmsmirrorpageinfo (ideliveryid);
CREATE INDEX nmsmirrorpageinfo_messageid ON nmsmirrorpageinfo (imessageid);

-- Message Center: event queues (execution instance) and their archive (control instance)
CREATE TABLE nmsrtevent (
  ieventid       bigint       NOT NULL,
  seventtype     varchar(64)  NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tsprocessing   timestamp,
  mdata          text,
  CONSTRAINT nmsrtevent_pkey PRIMARY KEY (ieventid)
) :tabopts;
CREATE INDEX nmsrtevent_created ON nmsrtevent (tscreated);
CREATE TABLE nmsbatchevent (LIKE nmsrtevent INCLUDING DEFAULTS) :tabopts;
ALTER TABLE nmsbatchevent ADD CONSTRAINT nmsbatchevent_pkey PRIMARY KEY (ieventid);
CREATE TABLE nmseventhisto (LIKE nmsrtevent INCLUDING DEFAULTS) :tabopts;
ALTER TABLE nmseventhisto ADD CONSTRAINT nmseventhisto_pkey PRIMARY KEY (ieventid);

-- the identifier sequence (wraps at 2^31): at 1.65 billion, 77 % used
CREATE SEQUENCE xtknewid;
SELECT setval('xtknewid', 1650000000) AS xtknewid \gset
COMMENT ON SEQUENCE xtknewid IS 'campmon demo: xtknewid';

DO $comment$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['xtkoption','xtkworkflow','xtkworkflowtask','xtkworkflowjob','xtkworkflowevent',
                           'xtkworkflowlog','xtkjob','xtkjoblog','nmsdelivery','nmsdeliverypart','nmsdeliverystat',
                           'nmsgroup','nmssimulation','nmsrecipient','nmsbroadlogrcp','nmsbroadlogmsg',
                           'nmsbroadlogmid','nmstrackingurl','nmstrackinglogrcp','nmsmirrorpagesearch',
                           'nmsaddress','nmsemailerrorstat','nmsdeliverymapping','cusbroadlogcustomer',
                           'xtksessioninfo','nmsmirrorpageinfo','nmsrtevent','nmsbatchevent','nmseventhisto']
  LOOP
    EXECUTE format('COMMENT ON TABLE public.%I IS %L', t, 'campmon demo: ' || t);
  END LOOP;
END
$comment$;

-- ================================================================================================
-- reference data: options, workflows, deliveries, lists, simulations, recipients
-- ================================================================================================
\echo campaign_demo: reference data

INSERT INTO xtkoption (sname, idatatype, sstringvalue, ilongvalue, tsvalue, sdescription, tslastmodified) VALUES
  ('NmsCleanup_LastCleanup',            7, to_char(:'last_cleanup'::timestamp, 'YYYY-MM-DD HH24:MI:SS'), NULL,
                                           :'last_cleanup'::timestamp, 'Last database cleanup', :'last_cleanup'::timestamp),
  ('NmsCleanup_BroadLogPurgeDelay',     6, '15552000', NULL, NULL, 'Delivery logs purge delay (s, 180 days)', :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_TrackingLogPurgeDelay',  6, '31536000', NULL, NULL, 'Tracking logs purge delay (s, 365 days)', :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_EventPurgeDelay',        6, '2592000',  NULL, NULL, 'Events purge delay (s, 30 days)',         :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_RejectsPurgeDelay',      6, '15552000', NULL, NULL, 'Import rejects purge delay (s)',          :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_VisitorPurgeDelay',      6, '2592000',  NULL, NULL, 'Visitors purge delay (s)',                :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_PropositionPurgeDelay',  6, '31536000', NULL, NULL, 'Offer propositions purge delay (s)',      :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_SimulationPurgeDelay',   6, '2592000',  NULL, NULL, 'Simulations purge delay (s)',             :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_ConsolidatedTrackingPurgeDelay', 6, '31536000', NULL, NULL, 'Consolidated tracking purge delay (s)', :'ref'::timestamp - interval '400 days'),
  ('XtkCleanup_NoStats',                3, '0', 0, NULL, 'Do not update statistics during the cleanup', :'ref'::timestamp - interval '400 days'),
  ('XtkCleanup_WorkflowPurgeDelay',     6, '604800',   NULL, NULL, 'Workflow logs purge delay (s)',           :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_RecycledDeliveryPurgeDelay', 3, NULL, 604800, NULL, 'Deleted deliveries purge delay (s, a week; in ilongvalue)', :'ref'::timestamp - interval '400 days'),
  ('NmsTracking_LastConsolidation',     7, to_char(:'ref'::timestamp - interval '10 minutes', 'YYYY-MM-DD HH24:MI:SS'), NULL,
                                           :'ref'::timestamp - interval '10 minutes', 'Last tracking consolidation', :'ref'::timestamp - interval '10 minutes'),
  ('NmsBilling_MainActionThreshold',    3, '100', 100, NULL, NULL, :'ref'::timestamp - interval '400 days'),
  ('NmsDelivery_MidSourcingMode',       3, '0', 0, NULL, NULL, :'ref'::timestamp - interval '400 days'),
  ('NmsServer_URL',                     6, 'https://campaign.example.com', NULL, NULL, 'Public URL', :'ref'::timestamp - interval '400 days'),
  ('NmsTracking_ServerUrl',             6, 'https://t.example.com', NULL, NULL, 'Tracking URL', :'ref'::timestamp - interval '400 days'),
  ('XtkDatabaseId',                     6, 'u1B2C3D4E5F6A7B8C', NULL, NULL, NULL, :'ref'::timestamp - interval '900 days'),
  ('XtkEmail_Characters',               6, 'abcdefghijklmnopqrstuvwxyz0123456789.-_@', NULL, NULL, NULL, :'ref'::timestamp - interval '900 days'),
  ('WdbcTimeZone',                      6, 'Europe/Paris', NULL, NULL, NULL, :'ref'::timestamp - interval '900 days'),
  ('NmsEmail_DefaultErrorAddr',         6, 'error@campaign.example.com', NULL, NULL, NULL, :'ref'::timestamp - interval '900 days');

-- workflows: 8 technical ones (the Database cleanup is paused in error), then user workflows in
-- every state: 0 edited, 11 started, 13 paused, 20 finished, plus ifailed = 1 on some.  History in
-- days: Adobe's 30, 45 on one in 25; three keep their interim results or log their SQL queries, which
-- Adobe says never to do in production.
INSERT INTO xtkworkflow (iworkflowid, sinternalname, slabel, istate, ifailed, iproduction, ibuiltin, ifolderid,
                         ioperationid, tscreated, tslastmodified, tsstart, tsprocessing, iruncount, sserver,
                         ihistory, mdata)
SELECT 24000 + k,
       CASE WHEN k <= 8 THEN (ARRAY['cleanup','tracking','deliveryMgt','aliasCleansing','defaultMidSourcingLog',
                                    'operationMgt','cleanupPausedWorkflows','deliverabilityUpdate'])[k]
            ELSE 'WKF' || lpad((24000 + k)::text, 6, '0') END,
       CASE WHEN k <= 8 THEN (ARRAY['Database cleanup','Tracking','Jobs on deliveries','Alias cleansing','Mid-sourcing (delivery logs)',
                                    'Campaign jobs','Paused workflows cleanup','Update for deliverability'])[k]
            ELSE (ARRAY['Weekly newsletter','Birthday campaign','Abandoned cart','Welcome journey','Reactivation',
                        'Loyalty points export','CRM import','Score refresh','Store opening','Survey reminder'])[1 + k % 10]
                 || ' #' || k END,
       CASE WHEN k = 1 THEN 13                                  -- cleanup: paused
            WHEN k = 6 THEN 20                                  -- operationMgt: stopped
            WHEN k <= 8 THEN 11                                 -- technical: started
            ELSE (ARRAY[0, 0, 11, 11, 11, 11, 13, 20, 20, 20])[1 + k % 10] END,
       CASE WHEN k = 1 THEN 1                                   -- cleanup: in error
            WHEN k > 8 AND k % 20 IN (5, 16) THEN 1 ELSE 0 END,
       CASE WHEN k <= 8 OR k % 3 <> 0 THEN 1 ELSE 0 END,
       CASE WHEN k <= 8 THEN 1 ELSE 0 END,
       CASE WHEN k <= 8 THEN 1010 ELSE 1100 + k % 7 END,
       CASE WHEN k <= 8 THEN 0 ELSE 3000 + k % 12 END,
       :'ref'::timestamp - (900 - k * 5) * interval '1 day',
       :'ref'::timestamp - (k % 40) * interval '1 day',
       :'ref'::timestamp - (k % 40 + 1) * interval '1 day',
       CASE WHEN k = 1 THEN :'last_cleanup'::timestamp ELSE :'ref'::timestamp - (k % 40) * interval '1 day' END,
       k * 37 % 500,
       'app' || (1 + k % 2) || '.campaign.example.com',
       CASE WHEN k % 25 = 0 THEN 45 ELSE 30 END,
       CASE WHEN k IN (17, 23) THEN format('<workflow internalName="WKF%s" keepResult="true" label="x"/>', lpad((24000 + k)::text, 6, '0'))
            WHEN k = 45 THEN format('<workflow internalName="WKF%s" showSQL="true" label="x"/>', lpad((24000 + k)::text, 6, '0')) END
FROM generate_series(1::bigint, :n_wkf) k
ORDER BY k;

-- deliveries: the sent ones cover the log period in id order (1 400 001 ...), then the ones being edited.
-- istate: 0 edited, 45 start pending, 51 start in progress, 55 in progress, 61 pause requested, 65 paused,
--         71 stop requested, 75 stopping, 85 stopped, 95 finished, 100 deleted; ideletestatus 1 = in the bin.
INSERT INTO nmsdelivery (ideliveryid, sinternalname, slabel, istate, ideletestatus, imessagetype, ioperationid,
                         iworkflowid, ifolderid, itodeliver, iprocessed, isent, isuccess, ierror,
                         tscreated, tslastmodified, tscontact, tsvalidity, tswebvalidity, iwebrespurged)
SELECT 1400000 + d,
       'DM' || lpad(d::text, 6, '0'),
       (ARRAY['Newsletter','Promo','Welcome','Birthday','Reminder','Survey','Flash sale','Loyalty'])[1 + d % 8]
         || ' ' || to_char(tc, 'YYYY-MM-DD'),
       st,
       CASE WHEN st = 100 OR d % 19 = 0 THEN 1 ELSE 0 END,
       CASE WHEN d % 9 = 0 THEN 1 ELSE 0 END,
       3000 + d % 12,
       CASE WHEN d % 3 = 0 THEN 24009 + d % 140 ELSE 0 END,
       1200 + d % 5,
       CASE WHEN st = 0 THEN 0 ELSE 1000 + pg_temp.h(d, 2654435761, 50000) END,
       0, 0, 0, 0,
       -- the first three were created two and a half years ago (Adobe: purge deliveries older than two years)
       CASE WHEN d <= 3 THEN tc - interval '600 days' ELSE tc END, tc + interval '1 day', tc + interval '1 day',
       -- two deliveries in progress whose validity ended before the last cleanup: it should have closed them
       CASE WHEN d IN (:n_dlv_sent - 12, :n_dlv_sent - 6) THEN :'ref'::timestamp - interval '10 days' ELSE tc + interval '8 days' END,
       -- mirror pages stay valid 90 days; the cleanup's mirror-page task has not purged any for a month
       CASE WHEN d <= :n_dlv_sent THEN tc + interval '90 days' END,
       CASE WHEN d <= :n_dlv_sent AND tc + interval '90 days' < :'last_cleanup'::timestamp - interval '30 days' THEN 1 ELSE 0 END
FROM (
  SELECT d,
         CASE WHEN d > :n_dlv_sent THEN :'ref'::timestamp - (d - :n_dlv_sent) * interval '1 day'
              ELSE :'bl_start'::timestamp + (d - 1) * (:'ref'::timestamp - :'bl_start'::timestamp) / :n_dlv_sent
                   - interval '1 day' END AS tc,
         CASE WHEN d > :n_dlv_sent THEN 0                                                 -- edited, never sent
              WHEN d > :n_dlv_sent - 14 THEN (ARRAY[45, 51, 55, 55, 61, 65, 65, 71, 75, 55, 55, 65, 51, 45])[:n_dlv_sent - d + 1]
              WHEN d % 13 = 0 THEN 100
              WHEN d % 11 = 0 THEN 85
              ELSE 95 END AS st
  FROM generate_series(1::bigint, :n_dlv_sent + :n_dlv_edit) d
  OFFSET 0
) s
ORDER BY d;

-- a part is valid as long as its delivery: the parts of the two deliveries past their validity
-- are past theirs too (the cleanup deletes expired parts whatever the delivery's state)
INSERT INTO nmsdeliverypart (ideliverypartid, ideliveryid, ipartnum, istatus, icount, iprocessed, sserver, tscreated, tslastmodified,
                             tsvalidity)
SELECT 7000000 + (d - 1) * 2 + p, 1400000 + d, p, CASE WHEN d > :n_dlv_sent - 14 THEN 1 ELSE 2 END,
       500 + pg_temp.h(d * 2 + p, 2246822519, 2000), 0,
       'mta' || (1 + p % 3) || '.campaign.example.com',
       :'bl_start'::timestamp + (d - 1) * (:'ref'::timestamp - :'bl_start'::timestamp) / :n_dlv_sent,
       :'bl_start'::timestamp + (d - 1) * (:'ref'::timestamp - :'bl_start'::timestamp) / :n_dlv_sent,
       (SELECT dl.tsvalidity FROM nmsdelivery dl WHERE dl.ideliveryid = 1400000 + d)
FROM generate_series(1::bigint, :n_dlv_sent) d, generate_series(1, 2) p
ORDER BY d, p;

INSERT INTO nmsdeliverystat (ideliverystatid, ideliveryid, tscomputed)
SELECT 8000000 + d, 1400000 + d, :'ref'::timestamp - interval '1 day'
FROM generate_series(1::bigint, :n_dlv_sent) d
ORDER BY d;

-- lists: one in ten deleted (ideletestatus 1), one in ten expired (tsexpirationdate past), half of
-- type 0 (the cleanup's orphan task counts only lists of type > 0)
INSERT INTO nmsgroup (igroupid, sname, slabel, itype, icount, ifolderid, ideletestatus, tscreated, tslastmodified, tsexpirationdate)
SELECT 5000 + g, 'LST' || lpad(g::text, 5, '0'),
       (ARRAY['Seed list','VIP customers','Test recipients','Import','Churners','Prospects'])[1 + g % 6] || ' ' || g,
       g % 2, 10 + pg_temp.h(g, 3266489917, 5000), 1300,
       CASE WHEN g % 10 = 3 THEN 1 ELSE 0 END,
       :'ref'::timestamp - (700 - g * 9) * interval '1 day',
       :'ref'::timestamp - (g % 30) * interval '1 day',
       CASE g % 10 WHEN 7 THEN :'ref'::timestamp - interval '3 days' WHEN 8 THEN :'ref'::timestamp + interval '30 days' END
FROM generate_series(1::bigint, :n_grp) g
ORDER BY g;

-- simulation istate: 0 edited, 11 running, 20 finished, 95 finished with results
INSERT INTO nmssimulation (isimulationid, sinternalname, slabel, istate, tscreated, tslastmodified)
SELECT 700 + s, 'SIM' || lpad(s::text, 5, '0'), 'Simulation ' || s,
       (ARRAY[0, 11, 20, 95])[1 + s % 4],
       :'ref'::timestamp - (200 - s * 10) * interval '1 day',
       :'ref'::timestamp - (s % 20) * interval '1 day'
FROM generate_series(1::bigint, :n_simu) s
ORDER BY s;

INSERT INTO nmsrecipient (irecipientid, semail, sfirstname, slastname, saccount, scountrycode, scity, szipcode,
                          dbirthdate, iblacklist, iblacklistemail, iemailformat, ifolderid, tscreated, tslastmodified)
SELECT r, pg_temp.email(r),
       (ARRAY['Anna','Bruno','Chloe','David','Emma','Felix','Gabriel','Hugo','Ines','Jules',
              'Karin','Louis','Manon','Nina','Oscar','Paul','Quentin','Rose','Sarah','Theo'])[1 + ((r * 2246822519) % 2147483647) % 20],
       (ARRAY['Martin','Bernard','Dubois','Thomas','Robert','Richard','Petit','Durand','Leroy',
              'Moreau','Simon','Laurent','Lefebvre','Michel','Garcia','David','Bertrand','Roux',
              'Vincent','Fournier','Muller','Schmidt','Smith','Jones','Brown'])[1 + ((r * 3266489917) % 2147483647) % 25],
       'C' || lpad((r * 7)::text, 9, '0'),
       (ARRAY['FR','FR','FR','DE','BE','CH','ES','IT','GB','NL'])[1 + pg_temp.h(r, 374761393, 10)],
       (ARRAY['Paris','Lyon','Marseille','Toulouse','Nantes','Lille','Bordeaux','Berlin','Bruxelles','Geneve'])[1 + pg_temp.h(r, 1103515245, 10)],
       lpad(pg_temp.h(r, 2891336453, 99999)::text, 5, '0'),
       date '1950-01-01' + pg_temp.h(r, 1540483477, 20000)::int,
       CASE WHEN pg_temp.h(r, 2654435761, 100) < 2 THEN 1 ELSE 0 END,
       CASE WHEN pg_temp.h(r, 2246822519, 100) < 3 THEN 1 ELSE 0 END,
       pg_temp.h(r, 668265263, 3)::smallint,
       1400 + pg_temp.h(r, 3266489917, 4),
       :'ref'::timestamp - interval '1500 days' + (r - 1) * interval '1 day' * 1400 / :n_rcp,
       :'ref'::timestamp - interval '1500 days' + (r - 1) * interval '1 day' * 1400 / :n_rcp
FROM generate_series(1::bigint, :n_rcp) r
ORDER BY r;

INSERT INTO nmstrackingurl (iurlid, ideliveryid, itype, slabel, stagid, ssource, tscreated)
SELECT 900000 + (d - 1) * 6 + u, 1400000 + d, CASE WHEN u = 6 THEN 3 ELSE 1 END,
       (ARRAY['Header logo','Main offer','Product 1','Product 2','Mirror page','Unsubscribe'])[u],
       'tag' || lpad(((d - 1) * 6 + u)::text, 7, '0'),
       'https://www.example.com/' || (ARRAY['home','offer','p/1','p/2','mirror','unsub'])[u]
         || '?utm_source=campaign&utm_medium=email&utm_campaign=DM' || lpad(d::text, 6, '0') || '&cid=<%= recipient.id %>',
       :'bl_start'::timestamp + (d - 1) * (:'ref'::timestamp - :'bl_start'::timestamp) / :n_dlv_sent
FROM generate_series(1::bigint, :n_dlv_sent) d, generate_series(1, 6) u
ORDER BY d, u;

-- ================================================================================================
-- logs, inserted in time order (ids and timestamps grow together)
-- ================================================================================================
\echo campaign_demo: logs

-- delivery logs: 300 days; delivery d owns a contiguous block of ids; istatus 1 = sent
INSERT INTO nmsbroadlogrcp (ibroadlogid, ideliveryid, irecipientid, imsgid, istatus, iflags, ideliverypartid,
                            tsevent, tslastmodified, saddress)
SELECT i, 1400001 + (i - 1) * :n_dlv_sent / :n_blrcp, r,
       0, 1, CASE WHEN pg_temp.h(i, 1103515245, 10) = 0 THEN 2 ELSE 0 END,
       7000000 + ((i - 1) * :n_dlv_sent / :n_blrcp) * 2 + 1 + i % 2,
       ts, ts, pg_temp.email(r)
FROM (SELECT i, 1 + pg_temp.h(i, 2654435761, :n_rcp) AS r,
             :'bl_start'::timestamp + ((i - 1) * 25920000 / :n_blrcp) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_blrcp) i
      OFFSET 0) s
ORDER BY i;

-- delivery log messages (bounce texts qualified by the MTA), 300 days
INSERT INTO nmsbroadlogmsg (ibroadlogmsgid, ifailuretype, ifailurereason, itype, istatus, icount, irule, sdomain,
                            smessage, tscreated, tslastmodified)
SELECT i, 1 + pg_temp.h(i, 2246822519, 3), pg_temp.h(i, 3266489917, 20), 1, 0, 1, 0,
       (ARRAY['gmail.com','yahoo.fr','orange.fr','hotmail.com','outlook.com','free.fr','laposte.net','gmx.de'])[1 + pg_temp.h(i, 668265263, 8)],
       (ARRAY['550 5.1.1 The email account that you tried to reach does not exist',
              '552 5.2.2 Mailbox full: user is over quota',
              '421 4.7.0 Temporary System Problem. Try again later',
              '554 5.7.1 Message rejected because of policy reasons',
              '451 4.3.0 Mail server temporarily rejected message'])[1 + pg_temp.h(i, 374761393, 5)]
         || ' (id ' || i || ', mta' || (1 + i % 3) || ')',
       ts, ts
FROM (SELECT i, :'bl_start'::timestamp + ((i - 1) * 25920000 / :n_blmsg) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_blmsg) i OFFSET 0) s
ORDER BY i;

-- mid-sourcing delivery logs, 300 days
INSERT INTO nmsbroadlogmid (ibroadlogid, ideliveryid, irecipientid, imsgid, istatus, iflags, tsevent, tslastmodified, saddress)
SELECT 50000000 + i, 1400001 + (i - 1) * :n_dlv_sent / :n_blmid, r, 0, 1, 0, ts, ts, pg_temp.email(r)
FROM (SELECT i, 1 + pg_temp.h(i, 3266489917, :n_rcp) AS r,
             :'bl_start'::timestamp + ((i - 1) * 25920000 / :n_blmid) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_blmid) i OFFSET 0) s
ORDER BY i;

-- tracking logs (opens and clicks), 610 days
INSERT INTO nmstrackinglogrcp (itrackinglogid, ibroadlogid, ideliveryid, irecipientid, iurlid, iuseragentid, tslog, ssourceip, suseragent)
SELECT i, 1 + pg_temp.h(i, 1540483477, :n_blrcp), 1400001 + dd, 1 + pg_temp.h(i, 2891336453, :n_rcp),
       900001 + dd * 6 + pg_temp.h(i, 374761393, 6), ua,
       :'trk_start'::timestamp + ((i - 1) * 52704000 / :n_trk) * interval '1 second',
       '10.' || pg_temp.h(i, 2654435761, 256) || '.' || pg_temp.h(i, 2246822519, 256) || '.' || pg_temp.h(i, 3266489917, 256),
       (ARRAY['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
              'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
              'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
              'Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36',
              'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
              'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)',
              'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
              'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html'])[1 + ua]
FROM (SELECT i, (i - 1) * :n_dlv_sent / :n_trk AS dd, pg_temp.h(i, 1103515245, 8) AS ua
      FROM generate_series(1::bigint, :n_trk) i OFFSET 0) s
ORDER BY i;

-- mirror page search: 300 days, one row in ten carries ~5 kB of incompressible personalisation data
-- (an md5 chain, hexadecimal: pglz cannot compress it, so it is stored out of line in TOAST)
INSERT INTO nmsmirrorpagesearch (imirrorpagesearchid, ibroadlogid, ideliveryid, irecipientid, tsevent, skey, mdata)
SELECT i, b, 1400001 + (b - 1) * :n_dlv_sent / :n_blrcp, 1 + pg_temp.h(b, 2654435761, :n_rcp),
       :'bl_start'::timestamp + ((b - 1) * 25920000 / :n_blrcp) * interval '1 second',
       md5('key' || i),
       CASE WHEN i % 10 = 0
            THEN (SELECT string_agg(md5(i::text || ':' || j::text), '' ORDER BY j) FROM generate_series(1, 160) j)
            ELSE '<ctx><rcp id="' || i || '" firstName="Anna" lastName="Martin"/><offer code="OF' || (i % 97) || '"/></ctx>' END
FROM (SELECT i, 1 + (i - 1) * :n_blrcp / :n_mirror AS b FROM generate_series(1::bigint, :n_mirror) i OFFSET 0) s
ORDER BY i;

-- quarantine: addresses seen in error over 300 days
INSERT INTO nmsaddress (saddress, itype, istatus, ierrorcount, ierrorreason, sdomain, serrortext, tscreated, tslasterror, tslastmodified)
SELECT pg_temp.email(r), 0,
       CASE WHEN i % 10 < 6 THEN 0 WHEN i % 10 < 9 THEN 1 ELSE 2 END,
       1 + i % 5, 1 + pg_temp.h(i, 374761393, 20),
       split_part(pg_temp.email(r), '@', 2),
       (ARRAY['User unknown','Mailbox full','Refused','Unreachable','Invalid domain'])[1 + pg_temp.h(i, 2891336453, 5)],
       ts, ts, ts
FROM (SELECT i, 1000000 + i AS r,
             :'bl_start'::timestamp + ((i - 1) * 25920000 / :n_addr) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_addr) i OFFSET 0) s
ORDER BY i;

-- e-mail error statistics per domain and MTA, 300 days
INSERT INTO nmsemailerrorstat (iemailerrorstatid, sdomain, smta, tsstart, tsend, iconnections, imessages, ierror, iabort, itimeout)
SELECT i,
       (ARRAY['gmail.com','yahoo.fr','orange.fr','hotmail.com','outlook.com','free.fr','laposte.net','gmx.de'])[1 + i % 8],
       'mta' || (1 + i % 3), ts, ts + interval '1 hour',
       pg_temp.h(i, 2654435761, 500), pg_temp.h(i, 2246822519, 5000), pg_temp.h(i, 3266489917, 50),
       pg_temp.h(i, 668265263, 5), pg_temp.h(i, 374761393, 5)
FROM (SELECT i, :'bl_start'::timestamp + ((i - 1) * 25920000 / :n_errstat) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_errstat) i OFFSET 0) s
ORDER BY i;

-- workflow logs: 120 days
INSERT INTO xtkworkflowlog (ilogid, iworkflowid, itaskid, ilogtype, tslog, sactivity, smessage)
SELECT i, 24001 + pg_temp.h(i, 2654435761, :n_wkf), i / 4,
       CASE WHEN pg_temp.h(i, 3266489917, 50) = 0 THEN 2 ELSE 0 END,
       :'ref'::timestamp - interval '120 days' + ((i - 1) * 10368000 / :n_wflog) * interval '1 second',
       (ARRAY['query','enrich','split','delivery','fork','end','start','scheduler','fileImport','sql'])[1 + i % 10],
       (ARRAY['Query: ', 'Enrichment: ', 'Split: ', 'Delivery: ', 'Fork: '])[1 + i % 5]
         || (1000 + pg_temp.h(i, 2246822519, 90000)) || ' record(s) processed in '
         || (1 + pg_temp.h(i, 668265263, 300)) || 's (temporary table wkf' || (24001 + pg_temp.h(i, 2654435761, :n_wkf)) || '_' || (i % 40) || '_1)'
FROM generate_series(1::bigint, :n_wflog) i
ORDER BY i;

-- jobs and job logs
INSERT INTO xtkjob (ijobid, slabel, sserver, istatus, iprogress, ipid, tscreated, tslastmodified)
SELECT 600000 + j,
       (ARRAY['Delivery analysis','Delivery','Export','Import','Workflow start','Stats computation'])[1 + j % 6] || ' ' || j,
       'app' || (1 + j % 2) || '.campaign.example.com',
       CASE WHEN j > :n_job - 40 THEN 1 ELSE 4 END, CASE WHEN j > :n_job - 40 THEN 0 ELSE 100 END,
       10000 + j, :'ref'::timestamp - (:n_job - j) * interval '3 hours', :'ref'::timestamp - (:n_job - j) * interval '3 hours'
FROM generate_series(1::bigint, :n_job) j
ORDER BY j;

INSERT INTO xtkjoblog (ijoblogid, ijobid, ilogtype, tslog, stext)
SELECT i, 600001 + ((i - 1) * :n_job / :n_joblog)::int,
       CASE WHEN pg_temp.h(i, 1103515245, 40) = 0 THEN 2 ELSE 0 END,
       :'ref'::timestamp - (:n_job * interval '3 hours') + ((i - 1) * (:n_job * 10800) / :n_joblog) * interval '1 second',
       (ARRAY['Start of job', 'Preparing messages', 'Message personalisation', 'Sending to MTA', 'End of job'])[1 + i % 5]
         || ' (' || pg_temp.h(i, 2891336453, 100000) || ' messages)'
FROM generate_series(1::bigint, :n_joblog) i
ORDER BY i;

-- workflow tasks: 60 days
INSERT INTO xtkworkflowtask (itaskid, iworkflowid, sactivity, istatus, ierrorcode, tscreated, tscompletion)
SELECT i, 24001 + pg_temp.h(i, 3266489917, :n_wkf),
       (ARRAY['query','enrich','split','delivery','fork','end','start','scheduler','fileImport','sql'])[1 + i % 10],
       3, 0, ts, ts + interval '90 seconds'
FROM (SELECT i, :'ref'::timestamp - interval '60 days' + ((i - 1) * 5184000 / :n_wftask) * interval '1 second' AS ts
      FROM generate_series(1::bigint, :n_wftask) i OFFSET 0) s
ORDER BY i;

-- delivery mappings: recipients (the standard tables) and a custom customer mapping
INSERT INTO nmsdeliverymapping (imappingid, sname, sbroadlogschema, sbroadlogexclschema, strackinglogschema) VALUES
  (1, 'mapRecipient', 'nms:broadLogRcp', 'nms:excludeLogRcp', 'nms:trackingLogRcp'),
  (2, 'mapCustomer', 'cus:broadLogCustomer', NULL, 'cus:trackingLogCustomer'),
  (3, 'mapVisitor', NULL, NULL, NULL);

-- the custom mapping's delivery logs: 300 days, never purged (the cleanup purges every mapped table)
INSERT INTO cusbroadlogcustomer (ibroadlogid, ideliveryid, icustomerid, istatus, tsevent, tslastmodified)
SELECT i, 1400001 + (i - 1) * :n_dlv_sent / ceil(600 * :scale)::int, 1 + pg_temp.h(i, 2654435761, 5000), 1, ts, ts
FROM (SELECT i, :'bl_start'::timestamp + ((i - 1) * 25920000 / ceil(600 * :scale)::int) * interval '1 second' AS ts
      FROM generate_series(1::bigint, ceil(600 * :scale)::int) i OFFSET 0) x
ORDER BY i;

-- sessions over 12 days, expiring after a day (one in seven after a week); the cleanups until a week
-- ago deleted the expired ones
INSERT INTO xtksessioninfo (isessionid, soperator, sserver, tscreated, tsexpiration)
SELECT i, 'operator' || (1 + i % 25), 'app' || (1 + i % 2) || '.campaign.example.com', ts,
       ts + CASE WHEN i % 7 = 0 THEN interval '7 days' ELSE interval '1 day' END
FROM (SELECT i, :'ref'::timestamp - interval '12 days' + ((i - 1) * 1036800 / ceil(3000 * :scale)::int) * interval '1 second' AS ts
      FROM generate_series(1::bigint, ceil(3000 * :scale)::int) i OFFSET 0) x
ORDER BY i;
DELETE FROM xtksessioninfo WHERE tsexpiration < :'ref'::timestamp - interval '7 days';

-- mirror page data of the deliveries whose mirror pages are not purged yet (~3.5 kB of
-- incompressible personalisation per message: out of line, in TOAST)
INSERT INTO nmsmirrorpageinfo (imirrorpageinfoid, ideliveryid, imessageid, mdata)
SELECT i, dl.ideliveryid, 90000000 + i,
       (SELECT string_agg(md5('mp' || i::text || ':' || j::text), '' ORDER BY j) FROM generate_series(1, 110) j)
FROM generate_series(1::bigint, ceil(1500 * :scale)::int) i
JOIN (SELECT ideliveryid, (row_number() OVER (ORDER BY ideliveryid) - 1)::int AS k, (count(*) OVER ())::int AS n
      FROM nmsdelivery WHERE iwebrespurged = 0 AND tswebvalidity IS NOT NULL) dl ON dl.k = i % dl.n
ORDER BY i;

-- Message Center: this instance is also the control instance, which archives the events of the
-- execution instances (nmseventhisto); its own queues (nmsrtevent, nmsbatchevent) stay empty:
-- those fill on an execution instance (schema mcexec below)
INSERT INTO nmseventhisto (ieventid, seventtype, istatus, tscreated, tsprocessing, mdata)
SELECT 2000000 + i, (ARRAY['ORDER_CONFIRMATION','PASSWORD_RESET','SHIPPING'])[1 + i % 3], 1,
       :'ref'::timestamp - (400 - i) * interval '5 minutes', :'ref'::timestamp - (400 - i) * interval '5 minutes' + interval '3 seconds',
       '<ctx><order id="' || i || '"/></ctx>'
FROM generate_series(1, 400) i ORDER BY i;

-- ================================================================================================
-- churn on the log tables
-- ================================================================================================
\echo campaign_demo: churn on the log tables

-- 1. MTA feedback: a status update on 25 % of the logs, two days after sending (non-HOT: the
--    indexed tslastmodified changes, the new versions go to the end of the table)
UPDATE nmsbroadlogrcp SET istatus = CASE WHEN ibroadlogid % 8 = 1 THEN 2 ELSE 4 END,
                          tslastmodified = LEAST(tsevent + interval '2 days', :'ref'::timestamp)
 WHERE ibroadlogid % 4 = 1;
UPDATE nmsbroadlogmid SET istatus = 4, tslastmodified = LEAST(tsevent + interval '2 days', :'ref'::timestamp)
 WHERE ibroadlogid % 4 = 1;
UPDATE nmsbroadlogmsg SET icount = icount + 1, istatus = 1,
                          tslastmodified = LEAST(tscreated + interval '2 days', :'ref'::timestamp)
 WHERE ibroadlogmsgid % 4 = 1;
UPDATE nmsaddress SET ierrorcount = ierrorcount + 1, tslasterror = LEAST(tslasterror + interval '3 days', :'ref'::timestamp),
                      tslastmodified = LEAST(tslastmodified + interval '3 days', :'ref'::timestamp)
 WHERE istatus > 0;

-- 2. purge by date, as the Database cleanup does (last run 5 days ago): delivery logs older than
--    180 days, tracking logs older than 365 days; mirror pages and MTA stats go with the delivery logs
DELETE FROM nmsbroadlogrcp WHERE tslastmodified < :'bl_cutoff'::timestamp;
DELETE FROM nmsbroadlogmid WHERE tslastmodified < :'bl_cutoff'::timestamp;
DELETE FROM nmsbroadlogmsg WHERE tslastmodified < :'bl_cutoff'::timestamp;
DELETE FROM nmstrackinglogrcp WHERE tslog < :'trk_cutoff'::timestamp;
DELETE FROM nmsmirrorpagesearch WHERE tsevent < :'bl_cutoff'::timestamp;
DELETE FROM nmsemailerrorstat WHERE tsstart < :'bl_cutoff'::timestamp;
DELETE FROM nmsaddress WHERE istatus = 0 AND tslastmodified < :'bl_cutoff'::timestamp;   -- valid again: forgotten
DELETE FROM xtkworkflowlog WHERE tslog < :'ref'::timestamp - interval '5 days' - interval '50 days';
DELETE FROM xtkjoblog WHERE tslog < :'ref'::timestamp - interval '5 days' - interval '20 days';

-- 3. later status changes (opens, bounces...) on ~10 % of what is left
UPDATE nmsbroadlogrcp SET istatus = CASE WHEN ibroadlogid % 20 = 3 THEN 5 ELSE 6 END, iflags = iflags | 8,
                          tslastmodified = LEAST(tsevent + interval '7 days', :'ref'::timestamp)
 WHERE ibroadlogid % 10 = 3;
UPDATE nmsbroadlogmid SET istatus = 5, tslastmodified = LEAST(tsevent + interval '7 days', :'ref'::timestamp)
 WHERE ibroadlogid % 10 = 3;
UPDATE nmsbroadlogmsg SET icount = icount + 1, tslastmodified = LEAST(tscreated + interval '7 days', :'ref'::timestamp)
 WHERE ibroadlogmsgid % 10 = 3;
UPDATE nmsemailerrorstat SET ierror = ierror + 1, tsend = tsend + interval '1 minute' WHERE iemailerrorstatid % 10 = 3;
UPDATE nmsrecipient SET slastname = upper(slastname), tslastmodified = :'ref'::timestamp - (irecipientid % 30) * interval '1 day'
 WHERE irecipientid % 20 = 7;
DELETE FROM nmsrecipient WHERE irecipientid % 97 = 11;

-- ================================================================================================
-- churn on the small, hot tables: 35 update passes.  The first 20 run in one long transaction (a
-- long export held the xmin horizon: nothing could be pruned meanwhile); during them the deliveries,
-- workflows and jobs that are not active any more stop being updated one after the other, so their
-- last versions end up spread over the pages.  A read (a report) then prunes what is dead, and the
-- last 15 passes, each in its own transaction, update every row again: the new versions land next
-- to the old ones on pages that still have room, where the dead ones stay until a VACUUM.
-- ================================================================================================
\echo campaign_demo: update passes on deliveries, workflows and jobs

-- one pass of the delivery engine, the workflow server and the job monitor
-- long_passes > 0: pass p of the long transaction, where a row that is not active any more is
-- updated only until pass 1 + (id * 7) % long_passes; long_passes = 0: every row is updated.
CREATE OR REPLACE FUNCTION pg_temp.hot_pass(p int, ref timestamp, long_passes int) RETURNS void
LANGUAGE plpgsql AS $pass$
BEGIN
  -- deliveries: in-progress ones move (non-HOT: tslastmodified is indexed), others get their indicators refreshed (HOT)
  UPDATE nmsdelivery
     SET iprocessed = iprocessed + CASE WHEN istate BETWEEN 45 AND 75 THEN 37 ELSE 0 END,
         isent      = isent      + CASE WHEN istate BETWEEN 45 AND 75 THEN 35 ELSE 0 END,
         isuccess   = CASE WHEN istate >= 85 THEN itodeliver - ideliveryid % 17 ELSE isuccess + 1 END,
         ierror     = ideliveryid % 17,
         tslastmodified = CASE WHEN istate BETWEEN 45 AND 75 THEN ref - interval '1 hour' + p * interval '1 minute'
                               ELSE tslastmodified END
   WHERE long_passes = 0 OR istate BETWEEN 45 AND 75 OR (ideliveryid * 7) % long_passes >= p - 1;
  UPDATE nmsdeliverypart
     SET iprocessed = iprocessed + 10,
         tslastmodified = CASE WHEN istatus = 1 THEN ref - interval '1 hour' + p * interval '1 minute'
                               ELSE tslastmodified + interval '1 second' END
   WHERE long_passes = 0 OR istatus = 1 OR (ideliverypartid * 7) % long_passes >= p - 1;
  UPDATE nmsdeliverystat
     SET iprocessed = iprocessed + 37, isent = isent + 35, isuccess = isuccess + 34, ierror = ierror + 1,
         iopen = iopen + ideliveryid % 7, iclick = iclick + ideliveryid % 3, tscomputed = ref - interval '1 hour' + p * interval '1 minute'
   WHERE long_passes = 0 OR (ideliverystatid * 7) % long_passes >= p - 1;
  -- workflows: the server touches every workflow at each scheduling pass
  UPDATE xtkworkflow
     SET tslastmodified = CASE WHEN istate = 11 THEN ref - interval '1 hour' + p * interval '1 minute' ELSE tslastmodified END,
         tsprocessing = CASE WHEN istate = 11 THEN ref - interval '1 hour' + p * interval '1 minute' ELSE tsprocessing END,
         iruncount = iruncount + CASE WHEN istate = 11 THEN 1 ELSE 0 END
   WHERE long_passes = 0 OR istate = 11 OR (iworkflowid * 7) % long_passes >= p - 1;
  UPDATE xtkworkflowtask SET istatus = CASE WHEN istatus = 3 THEN 2 ELSE 3 END, tscompletion = tscompletion + interval '1 second'
   WHERE itaskid % 10 = p % 10;
  -- pending commands: posted, then consumed
  INSERT INTO xtkworkflowjob (iworkflowjobid, iworkflowid, scommand, sarg, istatus, tscreated)
  SELECT p * 1000 + k, 24000 + k, (ARRAY['start','stop','pause','resume','wakeup'])[1 + (p + k) % 5], 'pass ' || p, 0,
         ref - interval '1 hour' + p * interval '1 minute'
  FROM generate_series(1, 150) k;
  DELETE FROM xtkworkflowjob WHERE iworkflowjobid < p * 1000 + 140 AND iworkflowjobid >= p * 1000 - 1000;
  -- events: created, processed, purged
  INSERT INTO xtkworkflowevent (ieventid, iworkflowid, itaskid, sactivity, stransition, istatus, tscreated, mvars)
  SELECT p * 1000 + k, 24000 + k, k, 'signal' || k % 4, 'ok', 0, ref - interval '1 hour' + p * interval '1 minute',
         '<variables pass="' || p || '" count="' || k * 13 || '"/>'
  FROM generate_series(1, 150) k;
  UPDATE xtkworkflowevent SET istatus = 1, tsprocessing = tscreated + interval '2 seconds' WHERE istatus = 0 AND ieventid < p * 1000 + 100;
  DELETE FROM xtkworkflowevent WHERE istatus = 1 AND ieventid < (p - 2) * 1000;
  -- jobs: progress of the running ones (non-HOT), heartbeat of the others (HOT)
  UPDATE xtkjob SET iprogress = LEAST(iprogress + 2, 100),
                    tslastmodified = CASE WHEN istatus = 1 THEN ref - interval '1 hour' + p * interval '1 minute' ELSE tslastmodified END,
                    ipid = ipid + CASE WHEN istatus = 1 THEN 0 ELSE 1 END
   WHERE long_passes = 0 OR istatus = 1 OR (ijobid * 7) % long_passes >= p - 1;
  UPDATE xtkoption SET sstringvalue = to_char(ref - interval '1 hour' + p * interval '1 minute', 'YYYY-MM-DD HH24:MI:SS'),
                       tsvalue = ref - interval '1 hour' + p * interval '1 minute',
                       tslastmodified = ref - interval '1 hour' + p * interval '1 minute'
   WHERE sname = 'NmsTracking_LastConsolidation';
END
$pass$;

-- 20 passes in one transaction (DO runs as a single transaction)
SELECT format('DO $$BEGIN FOR p IN 1 .. 20 LOOP PERFORM pg_temp.hot_pass(p, %L::timestamp, 20); END LOOP; END$$', :'ref')
\gexec

-- a read of each hot table (a report, the console): prunes what the long transaction left
SELECT count(*) AS n FROM nmsdelivery \gset
SELECT count(*) AS n FROM nmsdeliverypart \gset
SELECT count(*) AS n FROM nmsdeliverystat \gset
SELECT count(*) AS n FROM xtkworkflow \gset
SELECT count(*) AS n FROM xtkworkflowtask \gset
SELECT count(*) AS n FROM xtkworkflowjob \gset
SELECT count(*) AS n FROM xtkworkflowevent \gset
SELECT count(*) AS n FROM xtkjob \gset
SELECT count(*) AS n FROM xtkoption \gset

-- 15 passes, each in its own transaction
SELECT format('DO $$BEGIN PERFORM pg_temp.hot_pass(%s, %L::timestamp, 0); END$$', p, :'ref')
FROM generate_series(21, 35) p
ORDER BY p
\gexec

-- deliverabilityUpdate (nightly) has not run for 3 days
UPDATE xtkworkflow SET tsprocessing = :'ref'::timestamp - interval '3 days', tslastmodified = :'ref'::timestamp - interval '3 days'
 WHERE sinternalname = 'deliverabilityUpdate';

-- ================================================================================================
-- work tables
-- ================================================================================================
\echo campaign_demo: work tables
\if :{?work_churn}
\else
  \set work_churn :work_tables
\endif

-- owner classes, in a fixed order; ids NULL = the owner does not exist any more (deleted)
CREATE TEMP TABLE demo_owner_class (kind text, ord int, cls text, ids int[], deleted_base int);
INSERT INTO demo_owner_class
SELECT 'wkf', ord, cls, array_agg(iworkflowid ORDER BY iworkflowid), NULL
FROM (SELECT iworkflowid,
             CASE WHEN ifailed = 1 THEN 5 ELSE CASE istate WHEN 0 THEN 1 WHEN 11 THEN 2 WHEN 13 THEN 3 ELSE 4 END END AS ord,
             CASE WHEN ifailed = 1 THEN 'workflow ifailed=1' ELSE 'workflow istate=' || istate END AS cls
      FROM xtkworkflow) w
GROUP BY ord, cls;
INSERT INTO demo_owner_class VALUES ('wkf', 6, 'workflow deleted', NULL, 100000);
INSERT INTO demo_owner_class
SELECT 'wkfhisto', 1, cls, ids, NULL FROM demo_owner_class WHERE kind = 'wkf' AND cls = 'workflow istate=11';
INSERT INTO demo_owner_class VALUES ('wkfhisto', 2, 'workflow deleted', NULL, 200000);
INSERT INTO demo_owner_class
SELECT 'wkdlv', row_number() OVER (ORDER BY ideletestatus, istate), cls, ids, NULL
FROM (SELECT istate, ideletestatus,
             'delivery istate=' || istate || CASE WHEN ideletestatus = 1 THEN ' ideletestatus=1' ELSE '' END AS cls,
             array_agg(ideliveryid ORDER BY ideliveryid DESC) AS ids
      FROM nmsdelivery GROUP BY istate, ideletestatus) d;
INSERT INTO demo_owner_class VALUES ('wkdlv', 100, 'delivery deleted', NULL, 1300000);
INSERT INTO demo_owner_class
SELECT 'grp', ord, cls, array_agg(igroupid ORDER BY igroupid), NULL
FROM (SELECT igroupid,
             CASE WHEN ideletestatus <> 0 THEN 3 WHEN tsexpirationdate <= :'ref'::timestamp THEN 4 ELSE 2 - itype END AS ord,
             CASE WHEN ideletestatus <> 0 THEN 'list ideletestatus=1'
                  WHEN tsexpirationdate <= :'ref'::timestamp THEN 'list expired'
                  ELSE 'list itype=' || itype END AS cls
      FROM nmsgroup) g
GROUP BY ord, cls;
INSERT INTO demo_owner_class VALUES ('grp', 5, 'list deleted', NULL, 9000);
INSERT INTO demo_owner_class
SELECT 'wksimu', row_number() OVER (ORDER BY istate), 'simulation istate=' || istate, ids, NULL
FROM (SELECT istate, array_agg(isimulationid ORDER BY isimulationid) AS ids FROM nmssimulation GROUP BY istate) s;
INSERT INTO demo_owner_class VALUES ('wksimu', 100, 'simulation deleted', NULL, 800);

CREATE TEMP TABLE demo_worktable (
  k int PRIMARY KEY, relname text UNIQUE NOT NULL, kind text, owner_id int, owner_class text, nrows int, churn boolean);
INSERT INTO demo_worktable
WITH plan AS (
  SELECT k, CASE WHEN k % 20 < 7 THEN 'wkf' WHEN k % 20 = 7 THEN 'wkfhisto' WHEN k % 20 < 15 THEN 'wkdlv'
                 WHEN k % 20 < 18 THEN 'grp' ELSE 'wksimu' END AS kind
  FROM generate_series(1, :work_tables - 1) k
), numbered AS (
  SELECT k, kind, (row_number() OVER (PARTITION BY kind ORDER BY k) - 1)::int AS m FROM plan
), classes AS (
  SELECT kind, cls, ids, deleted_base,
         (row_number() OVER (PARTITION BY kind ORDER BY ord, cls) - 1)::int AS ci,
         (count(*) OVER (PARTITION BY kind))::int AS nc
  FROM demo_owner_class
), owned AS (
  SELECT n.k, n.kind, n.m,
         CASE WHEN c.ids IS NULL THEN c.cls
              WHEN n.kind IN ('grp', 'wksimu') AND n.m / c.nc >= cardinality(c.ids) THEN d.cls
              ELSE c.cls END AS cls,
         CASE WHEN c.ids IS NULL THEN c.deleted_base + n.m
              WHEN n.kind IN ('grp', 'wksimu') AND n.m / c.nc >= cardinality(c.ids) THEN d.deleted_base + n.m
              ELSE c.ids[1 + (n.m / c.nc) % cardinality(c.ids)] END AS owner_id
  FROM numbered n
  JOIN classes c ON c.kind = n.kind AND c.ci = n.m % c.nc
  JOIN classes d ON d.kind = n.kind AND d.ids IS NULL
)
SELECT k,
       CASE kind WHEN 'wkf'      THEN format('wkf%s_%s_1', owner_id, m + 1)
                 WHEN 'wkfhisto' THEN format('wkfhisto%s_%s', owner_id, m + 1)
                 WHEN 'wkdlv'    THEN format('wkdlv_%s_%s', owner_id, m + 1)
                 WHEN 'grp'      THEN format('grp%s', owner_id)
                 ELSE                 format('wksimu_%s_1', owner_id) END,
       kind, owner_id, cls, 20 + pg_temp.h(k, 2654435761, 180)::int, k % 3 = 0
FROM owned
UNION ALL   -- one work table that no owner row explains (a DBA's manual copy)
SELECT :work_tables, 'wkf_backup_20260115', 'wkf', NULL, 'no owner', 120, false
ORDER BY 1;

SELECT format('CREATE TABLE public.%I (%s) %s',
              relname,
              CASE kind WHEN 'wkdlv'    THEN 'iid integer, irecipientid integer, ssegmentcode varchar(32), imessagetype smallint, saddress varchar(128)'
                        WHEN 'wkfhisto' THEN 'iid integer, irecipientid integer, tsprocessed timestamp'
                        ELSE                 'iid integer, irecipientid integer, ssegmentcode varchar(32)' END,
              :'tabopts')
    || format('; COMMENT ON TABLE public.%I IS %L', relname,
              'campmon demo work table: ' || coalesce(owner_class || ' ' || owner_id, owner_class))
    || CASE kind
         WHEN 'wkdlv' THEN
           format('; CREATE INDEX %I ON public.%I (iid)', relname || '_id', relname)
           || format('; INSERT INTO public.%I SELECT g, 1 + pg_temp.h(g + %s * 1000, 2246822519, %s), ''SEG'' || g %% 7, 0, pg_temp.email(1 + pg_temp.h(g + %s * 1000, 2246822519, %s)) FROM generate_series(1, %s) g',
                     relname, k, :n_rcp, k, :n_rcp, nrows)
         WHEN 'wkfhisto' THEN
           format('; INSERT INTO public.%I SELECT g, 1 + pg_temp.h(g + %s * 1000, 2246822519, %s), %L::timestamp - g * interval ''1 hour'' FROM generate_series(1, %s) g',
                  relname, k, :n_rcp, :'ref', nrows)
         ELSE
           format('; INSERT INTO public.%I SELECT g, 1 + pg_temp.h(g + %s * 1000, 2246822519, %s), ''SEG'' || g %% 7 FROM generate_series(1, %s) g',
                  relname, k, :n_rcp, nrows)
       END
    || CASE WHEN churn AND kind <> 'wkfhisto'
            THEN format('; UPDATE public.%I SET ssegmentcode = ssegmentcode || ''-B'' WHERE iid %% 2 = 0', relname)
            WHEN churn
            THEN format('; UPDATE public.%I SET tsprocessed = tsprocessed + interval ''1 day'' WHERE iid %% 2 = 0', relname)
            ELSE '' END
FROM demo_worktable
ORDER BY k
\gexec

-- transient work tables, created and dropped again (each workflow run recreates its temporary
-- tables): dead rows in pg_class, pg_attribute, pg_type, pg_depend ...
SELECT format('CREATE TABLE public.%I (iid integer, irecipientid integer, ssegmentcode varchar(32)); DROP TABLE public.%I',
              'wkf' || (24001 + pg_temp.h(j, 3266489917, :n_wkf)) || '_' || j || '_9',
              'wkf' || (24001 + pg_temp.h(j, 3266489917, :n_wkf)) || '_' || j || '_9')
FROM generate_series(1, :work_churn) j
ORDER BY j
\gexec

-- ================================================================================================
-- Campaign as Adobe documents it, part 2: the cleanup's other tasks, key sequences, the instance's
-- roles, application objects, index hygiene (doc/campaign_rules.md)
-- ================================================================================================
\echo campaign_demo: cleanup tasks, key sequences, roles, application objects, indexes

-- technical workflows of the Delivery package, and of the control role (this instance archives the
-- execution instances' events, nmseventhisto): all running.  deliveryIndicators, a mid-sourcing
-- platform's, is not installed, though nmsbroadlogmid holds rows: a sign of a mid-sourcing instance.
INSERT INTO xtkworkflow (iworkflowid, sinternalname, slabel, istate, ifailed, iproduction, ibuiltin, ifolderid,
                         tscreated, tslastmodified, tsstart, tsprocessing, sserver, ihistory)
SELECT 24000 + :n_wkf + w.j, w.name, w.label, 11, 0, 1, 1, 1010,
       :'ref'::timestamp - interval '900 days', :'ref'::timestamp - w.ago, :'ref'::timestamp - w.ago - interval '1 hour',
       :'ref'::timestamp - w.ago, 'app1.campaign.example.com', 30
FROM (VALUES (1, 'forecasting', 'Forecasting', interval '2 hours'),
             (2, 'reportingAggregates', 'Reporting aggregates', interval '1 hour'),
             (3, 'billing', 'Billing', interval '26 days'),
             (4, 'mcSynch_exec1', 'Message Center execution instance 1', interval '20 minutes'),
             (5, 'agg_messageCenter_full', 'MessageCenter full aggregate calculation', interval '1 hour')) w(j, name, label, ago)
ORDER BY w.j;

-- import rejects over the last 185 days (NmsCleanup_RejectsPurgeDelay 180 days, the cleanup paused 5
-- days ago); one in twenty of a job deleted since: orphans, which the cleanup deletes too
CREATE TABLE xtkreject (
  irejectid      integer      NOT NULL,
  ijobid         integer      NOT NULL,
  tslog          timestamp,
  sline          text,
  CONSTRAINT xtkreject_pkey PRIMARY KEY (irejectid)
) :tabopts;
CREATE INDEX xtkreject_log ON xtkreject (tslog);
INSERT INTO xtkreject (irejectid, ijobid, tslog, sline)
SELECT i, CASE WHEN i % 20 = 0 THEN 700000 + i ELSE 600001 + i % :n_job END,
       :'bl_cutoff'::timestamp + (i - 1) * ((:'ref'::timestamp - :'bl_cutoff'::timestamp) / ceil(1000 * :scale)::int),
       'line ' || i || ': invalid e-mail address'
FROM generate_series(1, ceil(1000 * :scale)::int) i ORDER BY i;

-- workflow logins: one per workflow, and six of workflows deleted since (orphans)
CREATE TABLE xtkworkflowlogin (
  iworkflowid    integer      NOT NULL,
  ioperatorid    integer      NOT NULL,
  tscreated      timestamp,
  CONSTRAINT xtkworkflowlogin_pkey PRIMARY KEY (iworkflowid, ioperatorid)
) :tabopts;
INSERT INTO xtkworkflowlogin (iworkflowid, ioperatorid, tscreated)
SELECT w, 3000 + w % 7, :'ref'::timestamp - interval '30 days'
FROM (SELECT generate_series(24001, 24000 + :n_wkf) AS w UNION ALL SELECT 100000 + generate_series(1, 6)) x
ORDER BY w;

-- visitors last modified over 35 days (NmsCleanup_VisitorPurgeDelay 30 days, paused 5 days ago); the
-- cleanup deletes those of no recipient (irecipientid 0) and of origin 0 only
CREATE TABLE nmsvisitor (
  ivisitorid     integer      NOT NULL,
  irecipientid   integer      NOT NULL DEFAULT 0,
  iorigin        smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmsvisitor_pkey PRIMARY KEY (ivisitorid)
) :tabopts;
CREATE INDEX nmsvisitor_lastmodified ON nmsvisitor (tslastmodified);
INSERT INTO nmsvisitor (ivisitorid, irecipientid, iorigin, tscreated, tslastmodified)
SELECT i, CASE WHEN i % 2 = 0 THEN 1 + pg_temp.h(i, 2654435761, :n_rcp) ELSE 0 END, CASE WHEN i % 10 = 3 THEN 1 ELSE 0 END, ts, ts
FROM (SELECT i, :'ref'::timestamp - interval '35 days' + (i - 1) * (interval '35 days' / ceil(1000 * :scale)::int) AS ts
      FROM generate_series(1, ceil(1000 * :scale)::int) i OFFSET 0) x
ORDER BY i;

-- subscriptions: one in fifty deleted by its recipient over the last 20 days; those deleted before
-- the last cleanup should be gone
CREATE TABLE nmssubscription (
  isubscriptionid integer     NOT NULL,
  irecipientid   integer      NOT NULL,
  iserviceid     integer      NOT NULL,
  ideletestatus  smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tslastmodified timestamp,
  CONSTRAINT nmssubscription_pkey PRIMARY KEY (isubscriptionid)
) :tabopts;
CREATE INDEX nmssubscription_lastmodified ON nmssubscription (tslastmodified);
INSERT INTO nmssubscription (isubscriptionid, irecipientid, iserviceid, ideletestatus, tscreated, tslastmodified)
SELECT i, 1 + pg_temp.h(i, 2246822519, :n_rcp), 1 + i % 4, CASE WHEN i % 50 = 7 THEN 1 ELSE 0 END,
       :'ref'::timestamp - interval '400 days' + i * interval '1 hour',
       CASE WHEN i % 50 = 7 THEN :'ref'::timestamp - (i % 20) * interval '1 day'
            ELSE :'ref'::timestamp - interval '400 days' + i * interval '1 hour' END
FROM generate_series(1, 500) i ORDER BY i;

-- provider message ids of the SMS sent over 185 days (the delivery logs' delay, 180 days)
CREATE TABLE nmsprovidermsgid (
  ibroadlogid    integer      NOT NULL,
  sprovidermsgid varchar(64),
  tscreated      timestamp,
  CONSTRAINT nmsprovidermsgid_pkey PRIMARY KEY (ibroadlogid)
) :tabopts;
CREATE INDEX nmsprovidermsgid_created ON nmsprovidermsgid (tscreated);
INSERT INTO nmsprovidermsgid (ibroadlogid, sprovidermsgid, tscreated)
SELECT 80000000 + i, md5('sms' || i), :'bl_cutoff'::timestamp + (i - 1) * ((:'ref'::timestamp - :'bl_cutoff'::timestamp) / ceil(800 * :scale)::int)
FROM generate_series(1, ceil(800 * :scale)::int) i ORDER BY i;

-- the audit trail over 200 days (XtkCleanup_AuditTrailPurgeDelay absent: campmon assumes one year);
-- tracking statistics over 400 days (NmsCleanup_TrackingStatPurgeDelay absent -- the demo's option
-- of another name does not count -- one year assumed: 35 days behind, a warning, never critical)
CREATE TABLE xtkaudit (
  iauditid       integer      NOT NULL,
  sentity        varchar(64),
  iaction        smallint     NOT NULL DEFAULT 0,
  tschanged      timestamp,
  CONSTRAINT xtkaudit_pkey PRIMARY KEY (iauditid)
) :tabopts;
CREATE INDEX xtkaudit_changed ON xtkaudit (tschanged);
INSERT INTO xtkaudit (iauditid, sentity, iaction, tschanged)
SELECT i, (ARRAY['xtk:workflow','nms:delivery','xtk:option','xtk:operator'])[1 + i % 4], i % 3,
       :'ref'::timestamp - interval '200 days' + i * interval '5 hours'
FROM generate_series(1, 950) i ORDER BY i;
CREATE TABLE nmstrackingstats (
  itrackingstatsid integer    NOT NULL,
  ideliveryid    integer      NOT NULL,
  tsstart        timestamp,
  iopens         integer      NOT NULL DEFAULT 0,
  iclicks        integer      NOT NULL DEFAULT 0,
  CONSTRAINT nmstrackingstats_pkey PRIMARY KEY (itrackingstatsid)
) :tabopts;
CREATE INDEX nmstrackingstats_start ON nmstrackingstats (tsstart);
INSERT INTO nmstrackingstats (itrackingstatsid, ideliveryid, tsstart, iopens, iclicks)
SELECT i, 1400001 + i % :n_dlv_sent, :'ref'::timestamp - interval '400 days' + i * interval '12 hours', i % 97, i % 13
FROM generate_series(1, 800) i ORDER BY i;

-- folders: 1,200 (Adobe: fewer than 1,000), and Campaign's row of id 0
CREATE TABLE xtkfolder (
  ifolderid      integer      NOT NULL,
  iparentid      integer      NOT NULL DEFAULT 0,
  sname          varchar(64),
  slabel         varchar(128),
  CONSTRAINT xtkfolder_pkey PRIMARY KEY (ifolderid)
) :tabopts;
INSERT INTO xtkfolder (ifolderid, iparentid, sname, slabel)
SELECT f, CASE WHEN f = 0 THEN 0 ELSE 1000 + f % 50 END, 'folder' || f, 'Folder ' || f
FROM generate_series(0, 1200) f ORDER BY f;

-- key sequences: the delivery and tracking logs' own (NmsBroadLogId at 40 %, NmsTrackingLogId at 9 %),
-- each with Campaign's GetNew<Name>Ids function; the sequence Campaign generates for a custom schema
-- (auto_cusloyalty_seq, behind a 32-bit key); a DBA's table whose bigint identity is no Campaign key
CREATE SEQUENCE nmsbroadlogid;
SELECT setval('nmsbroadlogid', 860000000) AS nmsbroadlogid \gset
CREATE SEQUENCE nmstrackinglogid;
SELECT setval('nmstrackinglogid', 200000000) AS nmstrackinglogid \gset
CREATE FUNCTION getnewnmsbroadlogids(integer) RETURNS text LANGUAGE sql
AS $f$SELECT string_agg(nextval('public.nmsbroadlogid')::text, ',') FROM generate_series(1, $1)$f$;
CREATE FUNCTION getnewnmstrackinglogids(integer) RETURNS text LANGUAGE sql
AS $f$SELECT string_agg(nextval('public.nmstrackinglogid')::text, ',') FROM generate_series(1, $1)$f$;
COMMENT ON FUNCTION getnewnmsbroadlogids(integer) IS 'campmon demo: GetNewNmsBroadLogIds';
COMMENT ON FUNCTION getnewnmstrackinglogids(integer) IS 'campmon demo: GetNewNmsTrackingLogIds';
CREATE SEQUENCE auto_cusloyalty_seq START 1000;
CREATE TABLE cusloyalty (
  iloyaltyid     integer      NOT NULL DEFAULT nextval('auto_cusloyalty_seq'),
  irecipientid   integer      NOT NULL,
  ipoints        integer      NOT NULL DEFAULT 0,
  CONSTRAINT cusloyalty_pkey PRIMARY KEY (iloyaltyid)
) :tabopts;
INSERT INTO cusloyalty (irecipientid, ipoints) SELECT r, r % 500 FROM generate_series(1, 300) r ORDER BY r;
CREATE TABLE cusexportlog (
  iexportid      bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tsexport       timestamp,
  sfile          text
) :tabopts;
INSERT INTO cusexportlog (tsexport, sfile) SELECT :'ref'::timestamp - g * interval '1 day', 'export_' || g || '.csv' FROM generate_series(1, 30) g ORDER BY g;
DO $comment$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['xtkreject','xtkworkflowlogin','nmsvisitor','nmssubscription','nmsprovidermsgid','xtkaudit',
                           'nmstrackingstats','xtkfolder','cusloyalty','cusexportlog']
  LOOP
    EXECUTE format('COMMENT ON TABLE public.%I IS %L', t, 'campmon demo: ' || t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['nmsbroadlogid','nmstrackinglogid','auto_cusloyalty_seq']
  LOOP
    EXECUTE format('COMMENT ON SEQUENCE public.%I IS %L', t, 'campmon demo: ' || t);
  END LOOP;
END
$comment$;

-- index hygiene: a DBA's copy of a Campaign index (the same key), a DBA's index that makes Campaign's
-- nmsrecipient_lastname redundant (its key leads it), a unique index repeating the primary key (never
-- listed: unique), a partial index (another predicate: no duplicate)
CREATE INDEX idx_broadlog_delivery ON nmsbroadlogrcp (ideliveryid);
CREATE INDEX ix_recipient_names ON nmsrecipient (slastname, sfirstname);
CREATE UNIQUE INDEX nmsdelivery_id ON nmsdelivery (ideliveryid);
CREATE INDEX nmsaddress_quarantined ON nmsaddress (istatus) WHERE istatus > 0;

-- ================================================================================================
-- a Message Center execution instance in miniature -- its own database in the field, schema mcexec
-- here (SET campmon.work_table_schemas = 'mcexec' to look at it): event queues and their delivery
-- logs, the execution workflows (batchEventsProcessing paused, updateEventsStatus late), events 5 days
-- behind their purge, NmsBroadLogId at 92 %, NmsServer_PausedWorkflowPeriod at 14 days
-- ================================================================================================
\if :demo_is_super
  RESET ROLE;
  CREATE SCHEMA mcexec AUTHORIZATION :"owner";
  COMMENT ON SCHEMA mcexec IS 'campmon demo: a Message Center execution instance';
  SET ROLE :"owner";
  SELECT true AS demo_mcexec \gset
\else
  SELECT has_database_privilege(current_database(), 'CREATE') AS demo_mcexec \gset
  \if :demo_mcexec
    CREATE SCHEMA mcexec;
    COMMENT ON SCHEMA mcexec IS 'campmon demo: a Message Center execution instance';
  \else
    \echo campaign_demo: no CREATE on the database: the execution instance (schema mcexec) is left out
  \endif
\endif
\if :demo_mcexec
\echo campaign_demo: a Message Center execution instance (schema mcexec)
CREATE TABLE mcexec.xtkoption (
  sname          varchar(64)  NOT NULL,
  sstringvalue   varchar(255),
  ilongvalue     integer,
  tsvalue        timestamp,
  tslastmodified timestamp,
  CONSTRAINT xtkoption_pkey PRIMARY KEY (sname)
) :tabopts;
INSERT INTO mcexec.xtkoption (sname, sstringvalue, ilongvalue, tsvalue, tslastmodified) VALUES
  ('NmsCleanup_LastCleanup', to_char(:'ref'::timestamp - interval '20 hours', 'YYYY-MM-DD HH24:MI:SS'), NULL,
                             :'ref'::timestamp - interval '20 hours', :'ref'::timestamp - interval '20 hours'),
  ('NmsExecutionInstanceId', 'exec1', NULL, NULL, :'ref'::timestamp - interval '900 days'),
  ('NmsCleanup_EventPurgeDelay', '604800', NULL, NULL, :'ref'::timestamp - interval '400 days'),
  ('NmsCleanup_BroadLogPurgeDelay', '2592000', NULL, NULL, :'ref'::timestamp - interval '400 days'),
  ('NmsServer_PausedWorkflowPeriod', '14', NULL, NULL, :'ref'::timestamp - interval '400 days');
CREATE TABLE mcexec.xtkworkflow (
  iworkflowid    integer      NOT NULL,
  sinternalname  varchar(64)  NOT NULL,
  slabel         varchar(128),
  istate         smallint     NOT NULL DEFAULT 0,
  ifailed        smallint     NOT NULL DEFAULT 0,
  tslastmodified timestamp,
  tsprocessing   timestamp,
  ihistory       smallint     NOT NULL DEFAULT 30,
  mdata          text,
  CONSTRAINT xtkworkflow_pkey PRIMARY KEY (iworkflowid)
) :tabopts;
INSERT INTO mcexec.xtkworkflow (iworkflowid, sinternalname, slabel, istate, tslastmodified, tsprocessing)
SELECT 5000 + w.k, w.name, w.name, w.state, :'ref'::timestamp - w.ago, :'ref'::timestamp - w.ago
FROM (VALUES (1, 'cleanup', 11, interval '20 hours'), (2, 'tracking', 11, interval '30 minutes'),
             (3, 'deliverabilityUpdate', 11, interval '10 hours'), (4, 'cleanupPausedWorkflows', 11, interval '3 days'),
             (5, 'aliasCleansing', 11, interval '2 hours'), (6, 'forecasting', 11, interval '2 hours'),
             (7, 'reportingAggregates', 11, interval '1 hour'), (8, 'rtEventsProcessing', 11, interval '2 minutes'),
             (9, 'batchEventsProcessing', 13, interval '6 hours'), (10, 'updateEventsStatus', 11, interval '5 hours'),
             (11, 'WKFEXEC011', 13, interval '20 days'), (12, 'WKFEXEC012', 13, interval '10 days'),
             (13, 'WKFEXEC013', 11, interval '1 hour')) w(k, name, state, ago)
ORDER BY w.k;
CREATE TABLE mcexec.nmsrtevent (
  ieventid       bigint       NOT NULL,
  seventtype     varchar(64)  NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  tscreated      timestamp,
  tsprocessing   timestamp,
  mdata          text,
  CONSTRAINT nmsrtevent_pkey PRIMARY KEY (ieventid)
) :tabopts;
CREATE INDEX nmsrtevent_created ON mcexec.nmsrtevent (tscreated);
CREATE TABLE mcexec.nmsbatchevent (LIKE mcexec.nmsrtevent INCLUDING ALL) :tabopts;
-- real-time events over 12 days (NmsCleanup_EventPurgeDelay 7 days: 5 days behind, though the cleanup
-- ran 20 hours ago), batch events over 6 days
INSERT INTO mcexec.nmsrtevent (ieventid, seventtype, istatus, tscreated, tsprocessing, mdata)
SELECT i, (ARRAY['ORDER_CONFIRMATION','PASSWORD_RESET','SHIPPING'])[1 + i % 3], 1, ts, ts + interval '3 seconds',
       '<ctx><order id="' || i || '"/></ctx>'
FROM (SELECT i, :'ref'::timestamp - interval '12 days' + (i - 1) * (interval '12 days' / 600) AS ts FROM generate_series(1, 600) i OFFSET 0) x
ORDER BY i;
INSERT INTO mcexec.nmsbatchevent (ieventid, seventtype, istatus, tscreated, tsprocessing, mdata)
SELECT 1000000 + i, 'NEWSLETTER_DIGEST', 1, ts, ts + interval '1 minute', '<ctx/>'
FROM (SELECT i, :'ref'::timestamp - interval '6 days' + (i - 1) * (interval '6 days' / 200) AS ts FROM generate_series(1, 200) i OFFSET 0) x
ORDER BY i;
CREATE TABLE mcexec.nmsdeliverymapping (
  imappingid     integer      NOT NULL,
  sname          varchar(64),
  sbroadlogschema varchar(64),
  sbroadlogexclschema varchar(64),
  strackinglogschema varchar(64),
  CONSTRAINT nmsdeliverymapping_pkey PRIMARY KEY (imappingid)
) :tabopts;
INSERT INTO mcexec.nmsdeliverymapping VALUES (1, 'mapRtEvent', 'nms:broadLogRtEvent', NULL, 'nms:trackingLogRtEvent'),
                                             (2, 'mapBatchEvent', 'nms:broadLogBatchEvent', NULL, 'nms:trackingLogBatchEvent');
CREATE TABLE mcexec.nmsbroadlogrtevent (
  ibroadlogid    integer      NOT NULL,
  ideliveryid    integer      NOT NULL,
  ieventid       bigint       NOT NULL,
  istatus        smallint     NOT NULL DEFAULT 0,
  tslastmodified timestamp,
  CONSTRAINT nmsbroadlogrtevent_pkey PRIMARY KEY (ibroadlogid)
) :tabopts;
CREATE INDEX nmsbroadlogrtevent_lastmodified ON mcexec.nmsbroadlogrtevent (tslastmodified);
-- the events' delivery logs over 25 days (NmsCleanup_BroadLogPurgeDelay 30 days: it keeps up)
INSERT INTO mcexec.nmsbroadlogrtevent (ibroadlogid, ideliveryid, ieventid, istatus, tslastmodified)
SELECT 1979990000 + i, 6001 + i % 12, i, 1, :'ref'::timestamp - interval '25 days' + (i - 1) * (interval '25 days' / 1000)
FROM generate_series(1, 1000) i ORDER BY i;
CREATE TABLE mcexec.nmsdelivery (
  ideliveryid    integer      NOT NULL,
  sinternalname  varchar(64)  NOT NULL,
  istate         smallint     NOT NULL DEFAULT 0,
  ideletestatus  smallint     NOT NULL DEFAULT 0,
  iismodel       smallint     NOT NULL DEFAULT 0,
  ideliverymode  smallint     NOT NULL DEFAULT 1,
  tscreated      timestamp,
  tslastmodified timestamp,
  tsvalidity     timestamp,
  tswebvalidity  timestamp,
  iwebrespurged  smallint     NOT NULL DEFAULT 0,
  CONSTRAINT nmsdelivery_pkey PRIMARY KEY (ideliveryid)
) :tabopts;
-- the published transactional messages: one continuous delivery each
INSERT INTO mcexec.nmsdelivery (ideliveryid, sinternalname, istate, tscreated, tslastmodified)
SELECT 6000 + d, 'DM_RT' || d, 55, :'ref'::timestamp - interval '400 days' + d * interval '7 days', :'ref'::timestamp - interval '1 hour'
FROM generate_series(1, 12) d ORDER BY d;
-- its key sequences: XtkNewId little used; NmsBroadLogId at 92 %: transactional messages consume
-- identifiers fastest
CREATE SEQUENCE mcexec.xtknewid;
SELECT setval('mcexec.xtknewid', 50000000) AS mcexec_xtknewid \gset
CREATE SEQUENCE mcexec.nmsbroadlogid;
SELECT setval('mcexec.nmsbroadlogid', 1980000000) AS mcexec_nmsbroadlogid \gset
CREATE FUNCTION mcexec.getnewnmsbroadlogids(integer) RETURNS text LANGUAGE sql
AS $f$SELECT string_agg(nextval('mcexec.nmsbroadlogid')::text, ',') FROM generate_series(1, $1)$f$;
DO $comment$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t, c.relkind FROM pg_class c
           WHERE c.relnamespace = 'mcexec'::regnamespace AND c.relkind IN ('r', 'S') ORDER BY c.relname
  LOOP
    EXECUTE format('COMMENT ON %s %s IS %L', CASE r.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.t, 'campmon demo: ' || r.t);
  END LOOP;
END
$comment$;
\endif

-- ================================================================================================
-- end state: VACUUM where the cleanup would have, settle, ANALYZE
-- ================================================================================================
-- back to the invoking role: the settle below reads TOAST tables directly, which only a superuser may
\if :demo_is_super
  RESET ROLE;
\endif
\echo campaign_demo: vacuum, settle, analyze

-- the counts of this session's writes reach the cumulative statistics now,
-- before VACUUM and ANALYZE set them, not after (whenever the session next
-- idles a second later): otherwise they would be added twice, or not, by chance
DO $flush$ BEGIN PERFORM pg_stat_force_next_flush(); END $flush$;
-- the purge of these two was followed by a VACUUM: their bloat is free space, not dead tuples
VACUUM nmstrackinglogrcp;
VACUUM nmsaddress;

-- Settle: read every table and TOAST table once, sequentially.  A read prunes the pages whose dead
-- tuples are dead to everybody (when the page is nearly full), as any query in the field would do;
-- doing it here means that the state left behind does not change when pgstattuple or campmon
-- reads it first.  Dead tuples that survive it sit on pages with free space (until a VACUUM).
DO $settle$
DECLARE
  r record;
  n bigint;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t, c.reltoastrelid
           FROM pg_class c
           WHERE c.relnamespace IN ('public'::regnamespace, to_regnamespace('mcexec')) AND c.relkind = 'r'
             AND obj_description(c.oid, 'pg_class') LIKE 'campmon demo%'
           ORDER BY c.relnamespace, c.relname
  LOOP
    EXECUTE format('SELECT count(*) FROM %s', r.t) INTO n;
    IF r.reltoastrelid <> 0 THEN
      EXECUTE format('SELECT count(*) FROM %s', r.reltoastrelid::regclass) INTO n;
    END IF;
  END LOOP;
END
$settle$;

-- statistics (not VACUUM: the dead tuples stay); what the settling reads
-- pruned is counted first, as above
DO $flush$ BEGIN PERFORM pg_stat_force_next_flush(); END $flush$;
DO $analyze$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT c.oid::regclass AS t
           FROM pg_class c
           WHERE c.relnamespace IN ('public'::regnamespace, to_regnamespace('mcexec')) AND c.relkind = 'r'
             AND obj_description(c.oid, 'pg_class') LIKE 'campmon demo%'
           ORDER BY c.relnamespace, c.relname
  LOOP
    EXECUTE format('ANALYZE %s', r.t);
  END LOOP;
END
$analyze$;

\if :demo_is_super
  -- a look-alike: a superuser's copy named like a work table of a finished workflow.  Campaign's
  -- cleanup never drops postgres's tables (relowner <> 'postgres'), campmon neither: it is not a
  -- work table for campmon.stale_tables, plan() or drop_work_table
  SELECT format('CREATE TABLE public.%I (iid integer, irecipientid integer); INSERT INTO public.%I SELECT g, g FROM generate_series(1, 50) g; COMMENT ON TABLE public.%I IS %L',
                n, n, n, 'campmon demo look-alike: a superuser''s copy named like a work table of finished workflow ' || w.iworkflowid)
  FROM (SELECT iworkflowid, format('wkf%s_0_dba_copy', iworkflowid) AS n FROM xtkworkflow
        WHERE istate = 20 AND ifailed = 0 AND iworkflowid > 24008 ORDER BY iworkflowid LIMIT 1) w
  \gexec
\endif

\if :{?set_reference_time}
  -- the data's "now", for every later session of this database (a superuser setting)
  \if :demo_is_super
  \else
    DO $$BEGIN RAISE EXCEPTION 'campaign_demo.sql: set_reference_time needs a superuser (campmon.reference_time is a superuser setting)'; END$$;
  \endif
  ALTER DATABASE :"DBNAME" SET campmon.reference_time = :'ref_ts';
\endif

-- leave the session as it was (the script may be run with \i)
DROP FUNCTION pg_temp.hot_pass(int, timestamp, int);
DROP TABLE demo_worktable, demo_owner_class;
RESET client_min_messages;
RESET max_parallel_workers_per_gather;
RESET max_parallel_maintenance_workers;
RESET synchronize_seqscans;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;
RESET default_toast_compression;
RESET synchronous_commit;
RESET jit;

SELECT count(*) AS demo_tables,
       count(*) FILTER (WHERE obj_description(c.oid, 'pg_class') LIKE 'campmon demo work table%') AS demo_work_tables,
       pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS demo_total_size
FROM pg_class c
WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
  AND obj_description(c.oid, 'pg_class') LIKE 'campmon demo%'
\gset
\echo campaign_demo: done: :demo_tables tables (:demo_work_tables work tables), :demo_total_size
