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

-- The cleanup's tasks (Adobe, "Database cleanup workflow"), one rule per
-- task and table.  Delivery logs: the schemas the delivery mappings name
-- (sbroadlogschema, sbroadlogexclschema) plus nms:broadLogMid; nmsbroadlogmsg
-- is not a delivery log (a small table of SMTP qualifications, not purged by
-- date), hence the fallback pattern's exception.  Tracking logs: the
-- mappings' strackinglogschema.  Where Adobe documents no default for an
-- option, one year is assumed (the longest retention Adobe gives for any
-- log) and said; an assumed default never raises critical.
INSERT INTO campmon.purge_rule (rule, pattern, date_column, option_name, default_delay, documented_default,
                                delay_table, delay_column, filter_columns, filter_ops, filter_values,
                                key_column, parent_table, parent_column, mapping_columns, extra_schemas,
                                task, source, default_note, seeded) VALUES
 ('delivery_logs', '^nmsbroadlog(?!msg$)', 'tslastmodified', 'NmsCleanup_BroadLogPurgeDelay', '180 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, '{sbroadlogschema,sbroadlogexclschema}', '{nms:broadLogMid}',
  'Cleanup of delivery logs', 'Adobe, "Database cleanup workflow" (Cleanup of delivery logs); the default from "Data model best practices"',
  'Adobe''s default, 180 days', true),
 ('tracking_logs', '^nmstrackinglog', 'tslog', 'NmsCleanup_TrackingLogPurgeDelay', '365 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, '{strackinglogschema}', '{}',
  'Cleanup of tracking logs', 'Adobe, "Database cleanup workflow" (Cleanup of tracking logs); "Data model best practices" gives 180 days',
  'Adobe documents both 180 days and one year: the longer is assumed', true),
 ('provider_message_ids', '^nmsprovidermsgid$', 'tscreated', 'NmsCleanup_BroadLogPurgeDelay', '180 days', '180 days',
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of delivery logs (NmsProviderMsgId)', 'Adobe, "Database cleanup workflow" (Cleanup of delivery logs, its last step)',
  'the delivery logs'' delay, Adobe''s default 180 days', true),
 ('tracking_statistics', '^nmstrackingstats$', 'tsstart', 'NmsCleanup_TrackingStatPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of tracking logs (NmsTrackingStats)', 'Adobe, "Database cleanup workflow" (Cleanup of tracking logs; deployment wizard: Consolidated tracking)',
  'Adobe documents no default: one year assumed', true),
 ('import_rejects', '^xtkreject$', 'tslog', 'NmsCleanup_RejectsPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of rejects generated by imports', 'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports; deployment wizard: Import rejects)',
  'Adobe documents no default: one year assumed', true),
 ('import_rejects_orphans', '^xtkreject$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'ijobid', 'xtkjob', 'ijobid', NULL, '{}',
  'Cleanup of rejects generated by imports (orphan rejects)', 'Adobe, "Database cleanup workflow" (Cleanup of rejects generated by imports: rejects whose job is gone)',
  NULL, true),
 ('workflow_logs', '^xtkworkflowlog$', 'tslog', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (logs)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: each workflow''s History in days, default 30)',
  'Adobe''s default History in days, 30', true),
 ('workflow_tasks', '^xtkworkflowtask$', 'tscompletion', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{istatus}', '{<>}', '{0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (finished tasks)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: tasks with iStatus <> 0)',
  'Adobe''s default History in days, 30', true),
 ('workflow_events', '^xtkworkflowevent$', 'tsprocessing', NULL, '30 days', '30 days',
  'xtkworkflow', 'ihistory', '{istatus}', '{>}', '{2}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of workflow instances (finished events)', 'Adobe, "Database cleanup workflow" (Cleanup of workflow instances: events with iStatus > 2)',
  'Adobe''s default History in days, 30', true),
 ('workflow_logins', '^xtkworkflowlogin$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'iworkflowid', 'xtkworkflow', 'iworkflowid', NULL, '{}',
  'Cleanup of workflow logins', 'Adobe, "Database cleanup workflow" (Cleanup of workflow logins: logins of workflows that no longer exist)',
  NULL, true),
 ('visitors', '^nmsvisitor$', 'tslastmodified', 'NmsCleanup_VisitorPurgeDelay', '30 days', '30 days',
  NULL, NULL, '{irecipientid,iorigin}', '{=,=}', '{0,0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of visitors', 'Adobe, "Database cleanup workflow" (Cleanup of visitors: visitors of no recipient and origin 0; its query uses 30 days)',
  'Adobe''s default, 30 days', true),
 ('npai', '^nmsaddress$', 'tslastmodified', NULL, '0', '0',
  NULL, NULL, '{istatus}', '{=}', '{2}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of NPAI', 'Adobe, "Database cleanup workflow" (Cleanup of NPAI: addresses valid again, status 2, are deleted at the next cleanup)',
  'no delay: each cleanup deletes the addresses that became valid since the one before', true),
 ('subscriptions', '^nmssubscription$', 'tslastmodified', NULL, '0', '0',
  NULL, NULL, '{ideletestatus}', '{<>}', '{0}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of subscriptions', 'Adobe, "Database cleanup workflow" (Cleanup of subscriptions: those the user deleted, iDeleteStatus <> 0)',
  'no delay: each cleanup deletes the subscriptions deleted since the one before', true),
 ('app_subscriptions', '^nmsappsubscriptionrcp$', 'tslastmodified', 'NmsCleanup_AppSubscriptionRcpPurgeDelay', '365 days', NULL,
  NULL, NULL, '{idisabled}', '{=}', '{1}', NULL, NULL, NULL, NULL, '{}',
  'Subscription cleanup (NMAC)', 'Adobe, "Database cleanup workflow" (Subscription cleanup (NMAC): disabled subscriptions not updated since the delay)',
  'Adobe documents no default: one year assumed', true),
 ('audit_trail', '^xtkaudit$', 'tschanged', 'XtkCleanup_AuditTrailPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of Audit trail', 'Adobe, "Database cleanup workflow" (Cleanup of Audit trail; deployment wizard: Audit trail)',
  'Adobe documents no default: one year assumed', true),
 ('events', '^nms(rt|batch)event$', 'tscreated', 'NmsCleanup_EventPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleansing expired events (execution instance)', 'Adobe, "Database cleanup workflow" (Cleansing expired events; deployment wizard: Events, Message Center only)',
  'Adobe documents no default: one year assumed', true),
 ('archived_events', '^nmseventhisto$', 'tscreated', 'NmsCleanup_EventHistoPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleansing expired events (control instance archive)', 'Adobe, "Database cleanup workflow" (Cleansing expired events; deployment wizard: Archived events, Message Center only)',
  'Adobe documents no default: one year assumed', true),
 ('propositions', '^nmsproposition', 'tslastmodified', 'NmsCleanup_PropositionPurgeDelay', '365 days', NULL,
  NULL, NULL, '{}', '{}', '{}', NULL, NULL, NULL, NULL, '{}',
  'Cleanup of propositions', 'Adobe, "Database cleanup workflow" (Cleanup of propositions, Interaction module; deployment wizard: Offer propositions)',
  'Adobe documents no default: one year assumed', true),
 ('email_errors', '^nmsemailerror$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'imxip', 'nmsemailerrorstat', 'imxip', NULL, '{}',
  'Cleanup of the NmsEmailError table', 'Adobe, "Database cleanup workflow" (Cleanup of the NmsEmailError table: errors of no MX left in NmsEmailErrorStat)',
  NULL, true),
 ('mx_domains', '^nmsmxdomain$', NULL, NULL, '0', NULL,
  NULL, NULL, '{}', '{}', '{}', 'imxip', 'nmsemailerrorstat', 'imxip', NULL, '{}',
  'Cleanup of the NmsMxDomain table', 'Adobe, "Database cleanup workflow" (Cleanup of the NmsMxDomain table: domains of no MX left in NmsEmailErrorStat)',
  NULL, true);

-- Key sequences by name (Adobe, "Key management in schemas"): XtkNewId,
-- the logs' own NmsBroadLogId and NmsTrackingLogId, and the sequences
-- Campaign generates for custom schemas (XtkSequence_AutoGeneration:
-- auto_<namespace><schema>_seq); keys are 32-bit integers
INSERT INTO campmon.sequence_rule (pattern, key_type, description, source, seeded) VALUES
 ('^xtknewid$', 'integer', 'XtkNewId: the identifiers shared by Campaign''s tables (every out-of-the-box schema''s before ACC 18.10)',
  'Adobe, "Key management in schemas" and "Application objects"', true),
 ('^nmsbroadlogid$', 'integer', 'NmsBroadLogId: the delivery logs'' own sequence, "the tables that contain the most records"',
  'Adobe, "Key management in schemas"', true),
 ('^nmstrackinglogid$', 'integer', 'NmsTrackingLogId: the tracking logs'' own sequence',
  'Adobe, "Key management in schemas"', true),
 ('^auto_[a-z0-9_]+_seq$', 'integer', 'auto_<namespace><schema>_seq: generated for a custom schema with autopk and no pkSequence',
  'Adobe, "Configuring Campaign options" (XtkSequence_AutoGeneration)', true);

-- Signs of an instance's role: the workflows its packages install ("Technical
-- workflows", "Message Center (Execution)", "Message Center (Control)",
-- "Mid-sourcing platform") and the tables "Tables to maintain" ties to a role
INSERT INTO campmon.instance_role_sign (role, kind, name, description, source, seeded) VALUES
 ('marketing', 'workflow', 'operationMgt', 'Campaign jobs (Marketing campaigns package)', 'Adobe, "Technical workflows"', true),
 ('marketing', 'workflow', 'deliveryMgt', 'Jobs on deliveries in campaigns (Marketing campaigns package)', 'Adobe, "Technical workflows"', true),
 ('marketing', 'table_rows', 'nmsoperation', 'marketing campaigns (operations)', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('execution', 'workflow', 'rtEventsProcessing', 'Processing real time events (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'workflow', 'batchEventsProcessing', 'Processing batch events (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'workflow', 'updateEventsStatus', 'Update event status (Transactional message execution)', 'Adobe, "Message Center (Execution)"', true),
 ('execution', 'table_rows', 'nmsrtevent', 'the real-time event queue', 'Adobe, "Tables to maintain" (NmsRtEvent, Message Center execution instance)', true),
 ('execution', 'table_rows', 'nmsbatchevent', 'the batch event queue', 'Adobe, "Event description" (nms:batchEvent)', true),
 ('execution', 'option', 'NmsExecutionInstanceId', 'the execution instance''s identifier', 'Adobe, "Configuring Campaign options" (NmsExecutionInstanceId)', true),
 ('control', 'workflow_prefix', 'mcSynch_', 'Message Center <external account> (Transactional message control)', 'Adobe, "Message Center (Control)"', true),
 ('control', 'workflow', 'agg_messageCenter_full', 'MessageCenter full aggregate calculation (Transactional message control)', 'Adobe, "Technical workflows"', true),
 ('control', 'table_rows', 'nmseventhisto', 'the archive of every execution instance''s events', 'Adobe, "Tables to maintain" (NmsEventHisto, Message Center control instance)', true),
 ('mid_sourcing', 'workflow', 'deliveryIndicators', 'Delivery indicators (Mid-sourcing platform)', 'Adobe, "Mid-sourcing platform"', true),
 ('mid_sourcing', 'table_rows', 'nmsbroadlogmid', 'the delivery logs of a mid-sourcing instance', 'Adobe, "Tables to maintain" (NmsBroadLogMid, on a mid-sourcing instance)', true);

-- Workflow properties for development only (Adobe, "Workflow best
-- practices"); they are attributes of the workflow's XML
INSERT INTO campmon.workflow_option (attribute, column_name, label, advice, source, seeded) VALUES
 ('keepResult', NULL, 'Keep the result of interim populations between two executions',
  'clear it: its work tables stay between executions, the database grows and backups slow down',
  'Adobe, "Workflow best practices" (Logs: "must never be checked in a production workflow")', true),
 ('showSQL', NULL, 'Log SQL queries in the journal',
  'clear it: every SQL query goes to the workflow''s log (xtkworkflowlog grows)',
  'Adobe, "Workflow best practices" (Logs: for development only, not on production)', true);

-- Adobe's typical PostgreSQL maintenance plan, to run regularly
INSERT INTO campmon.routine_rebuild (table_name, source, seeded)
SELECT t, 'Adobe, "RDBMS-specific recommendations" (PostgreSQL, simple maintenance: a typical plan to run regularly)', true
FROM unnest('{nmsdelivery,nmsdeliverystat,xtkworkflow,xtkworkflowevent,xtkworkflowjob,xtkworkflowlog,xtkworkflowtask,xtkjoblog,xtkjob,nmsaddress,nmsdeliverypart,nmsmirrorpageinfo}'::text[]) t;

-- Technical workflows (Adobe, "Technical workflows" and the package pages):
-- roles NULL for the Delivery package's (every instance), the role of the
-- package otherwise; where Adobe documents no period, campmon assumes one
-- and says so
INSERT INTO campmon.technical_workflow (internal_name, expected_period, severity, mid_sourcing_only, roles, name_is_prefix, description, source, seeded) VALUES
 ('cleanup', '1 day', 'critical', false, NULL, false, 'Database cleanup: daily at 4 am by default; when it fails, its later tasks do not run', 'Adobe, "Technical workflows" and "Database cleanup workflow"', true),
 ('tracking', '1 hour', 'warning', false, NULL, false, 'Tracking: recovery and consolidation of tracking logs, hourly by default', 'Adobe, "Technical workflows"', true),
 ('deliverabilityUpdate', '1 day', 'warning', false, NULL, false, 'Update for deliverability: nightly (bounce qualification rules, domains and MXs)', 'Adobe, "Technical workflows"', true),
 ('cleanupPausedWorkflows', '7 days', 'warning', false, NULL, false, 'Paused workflows cleanup: every Monday at 5 am by default', 'Adobe, "Technical workflows" and "Monitoring workflow execution"', true),
 ('aliasCleansing', '1 day', 'warning', false, NULL, false, 'Alias cleansing: daily at 3 am by default', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('forecasting', '1 day', 'warning', false, NULL, false, 'Forecasting: daily at 1 am by default (provisional delivery logs)', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('reportingAggregates', '1 day', 'warning', false, NULL, false, 'Reporting aggregates: daily at 2 am by default', 'Adobe, "Technical workflows" (Delivery package)', true),
 ('billing', '1 month', 'warning', false, '{marketing}', false, 'Billing: the 25th of every month, on the marketing instance', 'Adobe, "Technical workflows"', true),
 ('operationMgt', '1 day', 'warning', false, '{marketing}', false, 'Campaign jobs: Adobe documents no period; campmon expects activity daily', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('deliveryMgt', '1 day', 'warning', false, '{marketing}', false, 'Jobs on deliveries in campaigns: Adobe documents no period; campmon expects activity daily', 'Adobe, "Technical workflows" (Marketing campaigns package)', true),
 ('defaultMidSourcingLog', '1 hour', 'critical', true, '{marketing}', false, 'Mid-sourcing (delivery logs): hourly by default', 'Adobe, "Technical workflows" (Transfer to Mid-sourcing package)', true),
 ('defaultMidSourcingDlv', '10 minutes', 'warning', true, '{marketing}', false, 'Mid-sourcing (delivery counters): every ten minutes by default', 'Adobe, "Technical workflows" (Transfer to Mid-sourcing package)', true),
 ('rtEventsProcessing', '1 hour', 'critical', false, '{execution}', false, 'Processing real time events: Adobe documents no period; it runs continuously, campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('batchEventsProcessing', '1 hour', 'critical', false, '{execution}', false, 'Processing batch events: Adobe documents no period; campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('updateEventsStatus', '1 hour', 'warning', false, '{execution}', false, 'Update event status: Adobe documents no period; campmon expects activity hourly', 'Adobe, "Message Center (Execution)"', true),
 ('mcSynch_', '1 hour', 'warning', false, '{control}', true, 'Message Center <external account> (one per execution instance): hourly', 'Adobe, "Message Center (Control)"', true),
 ('agg_messageCenter_full', '1 day', 'warning', false, '{control}', false, 'MessageCenter full aggregate calculation: daily at 3 am by default', 'Adobe, "Technical workflows" (Transactional message control)', true),
 ('deliveryIndicators', '1 hour', 'warning', false, '{mid_sourcing}', false, 'Delivery indicators: hourly by default', 'Adobe, "Technical workflows" (Mid-sourcing platform package)', true);
