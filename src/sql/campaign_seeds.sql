/*
 * campaign_seeds.sql -- the seed rows of campaign_config.sql's tables:
 * Campaign Classic's defaults as Adobe documents them (README, "Where the
 * rules come from").
 */

INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn, description, seeded) VALUES
 ('broadlog',   '^nmsbroadlog',        NULL, 10, true,  'delivery logs: one row per message, purged by date', true),
 ('tracking',   '^nmstrackinglog',     NULL, 10, true,  'tracking logs: one row per open or click, purged by date', true),
 ('tracking',   '^nmstrackingurl',     NULL, 10, false, 'tracked URLs', true),
 ('configuration', '^nmsdeliverymapping$', NULL, 5, false, 'delivery mappings: which log tables a target population uses; few rows', true),
 ('delivery',   '^nmsdelivery',        NULL, 10, true,  'deliveries, their parts and statistics: few rows, frequent updates', true),
 ('delivery',   '^nmsmirrorpage',      NULL, 10, true,  'mirror pages of delivered messages (nmsmirrorpageinfo: mostly TOAST)', true),
 ('delivery',   '^nmsemailerrorstat',  NULL, 10, true,  'email error statistics: inserted, updated, aggregated and deleted by the cleanup', true),
 ('session',    '^xtksessioninfo$',    NULL, 10, true,  'user sessions: very many inserts and deletes', true),
 ('message_center', '^nms(rtevent|batchevent|eventhisto)', NULL, 10, true,
                'Message Center events: queued, updated as processed, purged (execution) or archived (control)', true),
 ('workflow',   '^xtkworkflow',        NULL, 10, true,  'workflow engine: workflows, tasks, jobs, events, logs', true),
 ('workflow',   '^xtkjob',             NULL, 10, true,  'jobs and their logs', true),
 ('recipient',  '^nmsaddress$',        NULL, 10, true,  'quarantined addresses', true),
 ('recipient',  '^nmsrecipient',       NULL, 10, false, 'recipients', true),
 ('work_table', '^wkf',                NULL, 20, false, 'workflow work tables (wkf<id>_..., wkfhisto<id>...)', true),
 ('work_table', '^wkdlv_',             NULL, 20, false, 'delivery work tables (wkdlv_<id>_<n>)', true),
 ('work_table', '^wksimu_',            NULL, 20, false, 'simulation work tables (wksimu_<id>_...)', true),
 ('list',       '^grp[0-9]+$',         NULL, 20, false, 'list tables (grp<groupId>)', true),
 ('catalog',    '^pg_(class|attribute|type|depend|statistic)$', 'pg_catalog', 10, true,
                'system catalogs that work-table churn bloats', true),
 ('catalog',    '.',                   'pg_catalog', 50, false, 'other system catalogs', true),
 ('campmon',    '.',                   'campmon', 5, false,
                'campmon''s own tables: the run history, the snapshots, the configuration (autovacuum''s: no plan maintains them, no report lists them as reclaimable)', true),
 ('catalog',    '.',                   'information_schema', 50, false, 'information schema', true);

INSERT INTO campmon.work_table_rule
 (rule, pattern, owner_table, owner_noun, owner_key, state_column, deleted_column, failed_column, since_column,
  expires_column, exists_column, stale_states, suspect_states, missing_owner, held_advice, priority, description, seeded) VALUES
 ('workflow_history', '^wkfhisto([0-9]+)', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified', NULL, NULL,
  '{}', '{}', 'stale', 'it holds the incremental query history of a live workflow; it goes when the workflow is deleted',
  10, 'incremental-query history of a workflow: dropped only once the workflow is deleted', true),
 ('workflow', '^wkf([0-9]+)_', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified', NULL, NULL,
  '{20}', '{}', 'stale', 'resume or stop the workflow (and fix its error) so that the cleanup can drop its work tables',
  20, 'workflow work tables: dropped unless the workflow exists and is not finished (istate 20)', true),
 ('delivery', '^wkdlv_([0-9]+)_', 'nmsdelivery', 'delivery', 'ideliveryid', 'istate', 'ideletestatus', NULL, 'tslastmodified', NULL, NULL,
  '{0,85,100}', '{95}', 'stale', 'let the delivery finish, or fix or delete it if it failed, so that the cleanup can drop its work tables',
  20, 'delivery work tables: dropped unless the delivery exists, is not deleted and is not in state 0, 85 or 100', true),
 ('list', '^grp([0-9]+)$', 'nmsgroup', 'list', 'igroupid', NULL, 'ideletestatus', NULL, 'tslastmodified', 'tsexpirationdate', 'itype',
  '{}', '{}', 'stale', 'delete the list, or let it expire, when it is no longer needed',
  20, 'list tables: dropped once the list is deleted (ideletestatus <> 0) or expired (tsexpirationdate), or when no list of type > 0 has its id', true),
 ('simulation', '^wksimu_([0-9]+)_', 'nmssimulation', 'simulation', 'isimulationid', 'istate', NULL, NULL, 'tslastmodified', NULL, NULL,
  '{}', '{}', 'stale', 'delete the simulation when it is no longer needed',
  20, 'simulation work tables: dropped once the simulation is deleted', true);

INSERT INTO campmon.owner_state VALUES
 ('xtkworkflow', 0, 0, 'being edited', true),
 ('xtkworkflow', 11, 11, 'started', true),
 ('xtkworkflow', 13, 13, 'paused', true),
 ('xtkworkflow', 20, 20, 'finished', true),
 ('nmsdelivery', 0, 0, 'being edited', true),
 ('nmsdelivery', 1, 50, 'in preparation', true),
 ('nmsdelivery', 51, 75, 'start pending, in progress, in recovery, pause requested or paused', true),
 ('nmsdelivery', 85, 85, 'stopped', true),
 ('nmsdelivery', 95, 95, 'finished', true),
 ('nmsdelivery', 100, 100, 'deleted', true);

-- Delivery logs: the schemas the delivery mappings name (sbroadlogschema,
-- sbroadlogexclschema) plus nms:broadLogMid; nmsbroadlogmsg is not a
-- delivery log (a small table of SMTP qualifications, not purged by date),
-- hence the fallback pattern's exception.  Tracking logs: the mappings'
-- strackinglogschema.  Tracking-log retention without the option: Adobe
-- gives 180 days and one year; the longer is assumed (never critical).
INSERT INTO campmon.purge_rule (pattern, date_column, option_name, default_delay, mapping_columns, extra_schemas, default_note, seeded) VALUES
 ('^nmsbroadlog(?!msg$)', 'tslastmodified', 'NmsCleanup_BroadLogPurgeDelay', '180 days',
  '{sbroadlogschema,sbroadlogexclschema}', '{nms:broadLogMid}', 'Adobe''s default, 180 days', true),
 ('^nmstrackinglog', 'tslog', 'NmsCleanup_TrackingLogPurgeDelay', '365 days',
  '{strackinglogschema}', '{}', 'Adobe documents both 180 days and one year: the longer is assumed', true);

INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity, mid_sourcing_only, description, seeded) VALUES
 ('cleanup', '1 day', 'critical', false, 'Database cleanup: daily at 4 am by default; when it fails, its later tasks do not run', true),
 ('tracking', '1 hour', 'warning', false, 'Tracking: recovery and consolidation of tracking logs, hourly by default', true),
 ('deliverabilityUpdate', '1 day', 'warning', false, 'Update for deliverability: nightly (bounce qualification rules, domains and MXs)', true),
 ('operationMgt', '1 day', 'warning', false, 'Campaign jobs: Adobe documents no period; campmon expects activity daily', true),
 ('deliveryMgt', '1 day', 'warning', false, 'Jobs on deliveries in campaigns: Adobe documents no period; campmon expects activity daily', true),
 ('cleanupPausedWorkflows', '7 days', 'warning', false, 'Paused workflows cleanup: every Monday at 5 am by default', true),
 ('defaultMidSourcingLog', '1 hour', 'critical', true, 'Mid-sourcing (delivery logs): hourly by default', true),
 ('defaultMidSourcingDlv', '10 minutes', 'warning', true, 'Mid-sourcing (delivery counters): every ten minutes by default', true);
