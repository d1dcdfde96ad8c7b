/*
 * exporter_role.sql -- the role postgres_exporter connects as, for
 * campmon-queries.yaml.  Run it in the Campaign database as a superuser (or
 * the owner of the Campaign tables with CREATEROLE), again whenever tables
 * were added:
 *
 *   psql -d campaign -v exporter=campmon_exporter -f contrib/prometheus/exporter_role.sql
 *
 * The role gets:
 *   - campmon_reader: campmon's views and measurement functions;
 *   - pg_monitor: the server statistics postgres_exporter's own metrics read,
 *     and (through pg_stat_scan_tables) the right to measure every table's
 *     bloat without reading its rows;
 *   - SELECT on the Campaign tables that campmon.checks reads (options,
 *     workflows, the owners of work tables, the date columns of the log
 *     tables), in the schemas of campmon.work_table_schemas: without it
 *     those checks say "may not be read" instead of answering;
 *   - in this database: lock and statement timeouts, so that a scrape that
 *     meets a lock (VACUUM FULL of xtkworkflow, say) fails fast instead of
 *     piling up connections.  The measurement modes stay the listings'
 *     defaults (adaptive), so that the dashboard shows what psql shows.
 * It logs in without a password: give it a peer or scram line in
 * pg_hba.conf (doc/prometheus.md).
 */
\set ON_ERROR_STOP 1
\if :{?exporter}
\else
  \set exporter campmon_exporter
\endif

SELECT format('CREATE ROLE %I LOGIN', :'exporter')
WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = :'exporter') \gexec

GRANT campmon_reader, pg_monitor TO :"exporter";

ALTER ROLE :"exporter" IN DATABASE :"DBNAME" SET lock_timeout = '5s';
ALTER ROLE :"exporter" IN DATABASE :"DBNAME" SET statement_timeout = '60s';

-- The Campaign tables and sequences campmon's checks read.  Named by
-- campmon's configuration (owner tables of work-table rules, log tables of
-- purge rules) or by Campaign (the rest).
SELECT format('GRANT SELECT ON %s %s TO %I',
              CASE WHEN c.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass, :'exporter')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY (campmon._work_table_schemas())
  AND c.relkind IN ('r', 'p', 'S')
  AND (c.relname IN ('xtkoption', 'xtkworkflow', 'xtknewid', 'xtksessioninfo',
                     'nmsdelivery', 'nmsdeliverypart', 'nmsmirrorpage', 'nmsmirrorpagesearch')
       OR c.relname IN ('nmsdeliverymapping', 'nmsmirrorpageinfo')
       OR c.relname IN (SELECT r.owner_table FROM campmon.work_table_rule r)
       OR EXISTS (SELECT FROM campmon.purge_rule p WHERE c.relname ~ p.pattern)
       -- the tables the checks count (application objects) or read a delay
       -- or a parent key from (purge rules)
       OR c.relname IN ('xtkfolder')
       OR c.relname IN (SELECT r.parent_table FROM campmon.purge_rule r UNION SELECT r.delay_table FROM campmon.purge_rule r)
       -- the log tables the delivery mappings name (custom ones too)
       OR c.oid IN (SELECT t.rel FROM unnest(campmon._work_table_schemas()) s, campmon.purge_rule r,
                    LATERAL campmon._purge_tables(s, r) t)
       -- the key sequences (XtkNewId, NmsBroadLogId, NmsTrackingLogId, each pkSequence)
       OR c.oid IN (SELECT k.sequence_relid FROM campmon.key_sequences k))
ORDER BY c.oid::regclass::text \gexec
