/*
 * campaign_seeds.sql -- the seed rows of campaign_config.sql's tables:
 * Campaign Classic's defaults as Adobe documents them (README, "Where the
 * rules come from").
 */

INSERT INTO campmon.family (family, pattern, schema_name, priority, high_churn, description, seeded) VALUES
 ('broadlog',   '^nmsbroadlog',        NULL, 10, true,  'delivery logs: one row per message, purged by date', true),
 ('tracking',   '^nmstrackinglog',     NULL, 10, true,  'tracking logs: one row per open or click, purged by date', true),
 ('tracking',   '^nmstrackingurl',     NULL, 10, false, 'tracked URLs', true),
 ('delivery',   '^nmsdelivery',        NULL, 10, true,  'deliveries, their parts and statistics: few rows, frequent updates', true),
 ('delivery',   '^nmsmirrorpage',      NULL, 10, true,  'mirror pages of delivered messages', true),
 ('delivery',   '^nmsemailerrorstat',  NULL, 10, false, 'email error statistics', true),
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
 ('catalog',    '.',                   'information_schema', 50, false, 'information schema', true);

INSERT INTO campmon.work_table_rule
 (rule, pattern, owner_table, owner_noun, owner_key, state_column, deleted_column, failed_column, since_column,
  stale_states, suspect_states, missing_owner, held_advice, priority, description, seeded) VALUES
 ('workflow_history', '^wkfhisto([0-9]+)', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified',
  '{}', '{}', 'stale', 'it holds the incremental query history of a live workflow; it goes when the workflow is deleted',
  10, 'incremental-query history of a workflow: dropped only once the workflow is deleted', true),
 ('workflow', '^wkf([0-9]+)_', 'xtkworkflow', 'workflow', 'iworkflowid', 'istate', NULL, 'ifailed', 'tslastmodified',
  '{20}', '{}', 'stale', 'resume or stop the workflow (and fix its error) so that the cleanup can drop its work tables',
  20, 'workflow work tables: dropped unless the workflow exists and is not finished (istate 20)', true),
 ('delivery', '^wkdlv_([0-9]+)_', 'nmsdelivery', 'delivery', 'ideliveryid', 'istate', 'ideletestatus', NULL, 'tslastmodified',
  '{0,85,100}', '{95}', 'stale', 'let the delivery finish, or fix or delete it if it failed, so that the cleanup can drop its work tables',
  20, 'delivery work tables: dropped unless the delivery exists, is not deleted and is not in state 0, 85 or 100', true),
 ('list', '^grp([0-9]+)$', 'nmsgroup', 'list', 'igroupid', NULL, NULL, NULL, 'tslastmodified',
  '{}', '{}', 'stale', 'delete the list when it is no longer needed',
  20, 'list tables: dropped once the list is deleted', true),
 ('simulation', '^wksimu_([0-9]+)_', 'nmssimulation', 'simulation', 'isimulationid', 'istate', NULL, NULL, 'tslastmodified',
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

INSERT INTO campmon.purge_rule VALUES
 ('^nmsbroadlog',    'tslastmodified', 'NmsCleanup_BroadLogPurgeDelay',    '180 days', true),
 ('^nmstrackinglog', 'tslog',          'NmsCleanup_TrackingLogPurgeDelay', '180 days', true);
