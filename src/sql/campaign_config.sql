/*
 * campaign_config.sql -- Campaign knowledge as data: the configuration
 * tables a DBA may edit (families of tables, work-table rules, the labels
 * of owners' states, the cleanup's purge rules, the key sequences, the signs
 * of an instance's role, the technical workflows, the workflow options not
 * meant for production, Adobe's routine rebuild list).  Rows that come with the
 * extension (campaign_seeds.sql) have seeded = true and are not dumped;
 * rows a DBA adds are dumped with the database (pg_extension_config_dump)
 * and restored.  To change a seeded rule, add a row with a lower priority
 * number.
 */

CREATE TABLE campmon.family (
    family       text NOT NULL CHECK (family ~ '^[a-z_]+$'),
    pattern      text NOT NULL CHECK (campmon._valid_regex(pattern)),
    schema_name  text,
    priority     integer NOT NULL DEFAULT 100,
    high_churn   boolean NOT NULL DEFAULT false,
    description  text,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.family IS
'Table families by name pattern (regular expression on the table name); first match by priority wins; schema_name NULL: any schema but pg_catalog, information_schema, pg_toast';

CREATE UNIQUE INDEX family_rule ON campmon.family (pattern, coalesce(schema_name, ''));

-- Who wrote a row that decides what a run may drop (campmon.family's
-- work-table and list patterns, campmon.work_table_rule): set on every
-- INSERT and UPDATE, whatever the statement says.  A row a non-superuser
-- wrote applies only to the tables that role could drop itself (it has the
-- privileges of their owner): configuration written by a less privileged
-- role never widens what a superuser's run drops (campmon._stale_tables).
-- Only a superuser may name another editor: a restore (pg_restore copies
-- the rows a DBA added, edited_by included) keeps who wrote them.
CREATE FUNCTION campmon._stamp_editor() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       OR NEW.edited_by IS NULL
       OR (TG_OP = 'UPDATE' AND NEW.edited_by IS NOT DISTINCT FROM OLD.edited_by) THEN
        NEW.edited_by := current_user;
    END IF;
    RETURN NEW;
END $$;

REVOKE ALL ON FUNCTION campmon._stamp_editor() FROM PUBLIC;

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.family
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.family', 'WHERE NOT seeded');

REVOKE ALL ON campmon.family FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.family TO campmon_admin;
GRANT SELECT ON campmon.family TO campmon_reader, pg_monitor;

CREATE TABLE campmon.work_table_rule (
    rule            text PRIMARY KEY CHECK (rule ~ '^[a-z_]+$'),
    pattern         text NOT NULL CHECK (campmon._valid_regex(pattern)),
    owner_table     text NOT NULL,
    owner_noun      text NOT NULL,
    owner_key       text NOT NULL,
    state_column    text,
    deleted_column  text,
    failed_column   text,
    since_column    text,
    expires_column  text,
    exists_column   text,
    stale_states    integer[] NOT NULL DEFAULT '{}',
    suspect_states  integer[] NOT NULL DEFAULT '{}',
    missing_owner   text NOT NULL DEFAULT 'stale' CHECK (missing_owner IN ('stale', 'suspect', 'held')),
    held_advice     text,
    priority        integer NOT NULL DEFAULT 100,
    description     text,
    seeded          boolean NOT NULL DEFAULT false,
    edited_by       name
);

COMMENT ON TABLE campmon.work_table_rule IS
'Work tables and their owners: pattern is a regular expression on the table name whose first group is the owner id; the owner''s state decides the verdict.  Decision columns (owner_key, state_column, deleted_column, expires_column, exists_column) are required; failed_column and since_column only add to the reason';

COMMENT ON COLUMN campmon.work_table_rule.expires_column IS
'Owner date column: the owner is stale once it is at or before campmon''s "now" (lists: tsexpirationdate)';
COMMENT ON COLUMN campmon.work_table_rule.exists_column IS
'Owner column that must be greater than 0 for the owner row to count (lists: itype, as the cleanup''s orphan task); else judged as a missing owner';

COMMENT ON COLUMN campmon.work_table_rule.edited_by IS
'The role that last wrote the row (set by a trigger): a rule of a role that is not a superuser applies only to tables that role could drop itself';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.work_table_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.work_table_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.work_table_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.work_table_rule TO campmon_admin;
GRANT SELECT ON campmon.work_table_rule TO campmon_reader, pg_monitor;

CREATE TABLE campmon.owner_state (
    owner_table  text NOT NULL,
    state_from   integer NOT NULL,
    state_to     integer NOT NULL,
    label        text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (owner_table, state_from),
    CHECK (state_from <= state_to)
);

COMMENT ON TABLE campmon.owner_state IS 'Labels of the owners'' state codes';

SELECT pg_catalog.pg_extension_config_dump('campmon.owner_state', 'WHERE NOT seeded');

REVOKE ALL ON campmon.owner_state FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.owner_state TO campmon_admin;
GRANT SELECT ON campmon.owner_state TO campmon_reader, pg_monitor;

-- The cleanup's purges and deletions (Adobe, "Database cleanup workflow"),
-- one row per task and table pattern.  Two shapes: a date rule (date_column:
-- rows older than the delay should be gone; filter_* narrow the rows the
-- task deletes) and an orphan rule (key_column: rows whose key names no row
-- of parent_table should be gone).  Everything a rule names is an
-- identifier, an operator of a fixed list or a number: no SQL text comes
-- from this table.  A rule a non-superuser wrote (edited_by) applies only to
-- the tables that role may read itself.
CREATE TABLE campmon.purge_rule (
    rule                text PRIMARY KEY CHECK (rule ~ '^[a-z][a-z0-9_]*$'),
    pattern             text NOT NULL CHECK (campmon._valid_regex(pattern)),
    date_column         text,
    option_name         text,
    default_delay       interval NOT NULL DEFAULT '0',
    documented_default  interval,
    delay_table         text,
    delay_column        text,
    filter_columns      text[] NOT NULL DEFAULT '{}',
    filter_ops          text[] NOT NULL DEFAULT '{}' CHECK (filter_ops <@ '{=,<>,<,>,<=,>=}'),
    filter_values       bigint[] NOT NULL DEFAULT '{}',
    key_column          text,
    parent_table        text,
    parent_column       text,
    mapping_columns     text[],
    extra_schemas       text[] NOT NULL DEFAULT '{}',
    task                text NOT NULL,
    source              text NOT NULL,
    default_note        text,
    seeded              boolean NOT NULL DEFAULT false,
    edited_by           name,
    CHECK (cardinality(filter_columns) = cardinality(filter_ops) AND cardinality(filter_ops) = cardinality(filter_values)),
    CHECK ((date_column IS NOT NULL AND key_column IS NULL AND parent_table IS NULL AND parent_column IS NULL)
           OR (date_column IS NULL AND key_column IS NOT NULL AND parent_table IS NOT NULL AND parent_column IS NOT NULL
               AND option_name IS NULL AND delay_table IS NULL AND mapping_columns IS NULL)),
    CHECK ((delay_table IS NULL) = (delay_column IS NULL))
);

COMMENT ON TABLE campmon.purge_rule IS
'What Campaign''s cleanup deletes, per task: date rules (rows of the tables matching pattern older than the delay: the xtkoption option_name in seconds, else the largest delay_column of delay_table in days, else default_delay, never critical when assumed) and orphan rules (rows whose key_column names no row of parent_table).  Delivery and tracking logs are the tables nmsdeliverymapping names in mapping_columns (nms:broadLogRcp is table nmsbroadlogrcp) plus extra_schemas';

COMMENT ON COLUMN campmon.purge_rule.mapping_columns IS
'Columns of nmsdeliverymapping naming the purged schemas (NULL: tables found by pattern only)';
COMMENT ON COLUMN campmon.purge_rule.extra_schemas IS
'Schemas purged although no mapping names them (nms:broadLogMid, mid-sourcing)';
COMMENT ON COLUMN campmon.purge_rule.documented_default IS
'The default Adobe documents for the option (NULL: none documented; default_delay is then campmon''s assumption, said in the message)';
COMMENT ON COLUMN campmon.purge_rule.default_note IS
'Said in the message when the option is absent (why default_delay was assumed)';
COMMENT ON COLUMN campmon.purge_rule.delay_column IS
'Delay in days read from this column of delay_table (in the same schema): the largest value, so that no row is called late that one owner still keeps (workflow history, ihistory)';
COMMENT ON COLUMN campmon.purge_rule.filter_columns IS
'The task deletes only the rows where each filter_columns[i] filter_ops[i] filter_values[i] holds';
COMMENT ON COLUMN campmon.purge_rule.edited_by IS
'The role that last wrote the row (set by a trigger): a rule of a role that is not a superuser applies only to tables that role may read';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.purge_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.purge_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.purge_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.purge_rule TO campmon_admin;
GRANT SELECT ON campmon.purge_rule TO campmon_reader, pg_monitor;

-- Sequences behind Campaign's keys, by name (Adobe, "Key management in
-- schemas": XtkNewId, NmsBroadLogId, NmsTrackingLogId, any pkSequence);
-- besides these, campmon finds the sequences a GetNew<Name>Ids function
-- names and those integer columns' defaults call (key_sequences.sql).
CREATE TABLE campmon.sequence_rule (
    pattern      text PRIMARY KEY CHECK (campmon._valid_regex(pattern)),
    key_type     text NOT NULL DEFAULT 'integer' CHECK (key_type IN ('smallint', 'integer', 'bigint')),
    description  text,
    source       text,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.sequence_rule IS
'Key sequences by name (regular expression on the sequence name, in the work-table schemas) and the type of the keys they feed: Campaign''s keys are 32-bit integers';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.sequence_rule
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.sequence_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.sequence_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.sequence_rule TO campmon_admin;
GRANT SELECT ON campmon.sequence_rule TO campmon_reader, pg_monitor;

-- What tells a Campaign instance's role (roles.sql): a table holding rows,
-- a workflow (by internal name, or name prefix), an option.  A setting
-- (campmon.instance_roles) overrides the detection.
CREATE TABLE campmon.instance_role_sign (
    role         text NOT NULL CHECK (role IN ('marketing', 'execution', 'control', 'mid_sourcing')),
    kind         text NOT NULL CHECK (kind IN ('table_rows', 'workflow', 'workflow_prefix', 'option')),
    name         text NOT NULL,
    description  text,
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    PRIMARY KEY (role, kind, name)
);

COMMENT ON TABLE campmon.instance_role_sign IS
'Signs of a Campaign instance role: a table with rows (pg_class.reltuples, no scan), a workflow of that internal name (or name prefix), an xtkoption of that name';

SELECT pg_catalog.pg_extension_config_dump('campmon.instance_role_sign', 'WHERE NOT seeded');

REVOKE ALL ON campmon.instance_role_sign FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.instance_role_sign TO campmon_admin;
GRANT SELECT ON campmon.instance_role_sign TO campmon_reader, pg_monitor;

-- Workflow options that are not meant for production (Adobe, "Workflow best
-- practices"): a column of xtkworkflow when the table has it, else the
-- attribute in the workflow's XML (mdata).
CREATE TABLE campmon.workflow_option (
    attribute    text PRIMARY KEY CHECK (attribute ~ '^[A-Za-z][A-Za-z0-9]*$'),
    column_name  text CHECK (column_name ~ '^[a-z][a-z0-9_]*$'),
    label        text NOT NULL,
    advice       text NOT NULL,
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.workflow_option IS
'Workflow properties that must not be set on a production workflow: xtkworkflow.column_name <> 0 when the table has that column, else attribute="true" (or "1") in xtkworkflow.mdata';

SELECT pg_catalog.pg_extension_config_dump('campmon.workflow_option', 'WHERE NOT seeded');

REVOKE ALL ON campmon.workflow_option FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.workflow_option TO campmon_admin;
GRANT SELECT ON campmon.workflow_option TO campmon_reader, pg_monitor;

-- Adobe's routine VACUUM (FULL, ANALYZE) list ("RDBMS-specific
-- recommendations", PostgreSQL maintenance plan): plan() rewrites them from
-- campmon.bloat_warning_pct rather than bloat_critical_pct (REPACK when
-- pg_repack may, else VACUUM FULL with allow_blocking), smallest first,
-- never the delivery logs; a keep row for each that needs no rewrite.
CREATE TABLE campmon.routine_rebuild (
    table_name   text PRIMARY KEY CHECK (table_name ~ '^[a-z][a-z0-9_]*$'),
    source       text NOT NULL,
    seeded       boolean NOT NULL DEFAULT false,
    edited_by    name
);

COMMENT ON TABLE campmon.routine_rebuild IS
'Tables Adobe lists for a routine VACUUM (FULL, ANALYZE) (in each work-table schema that has them); a DBA may add the tables of their own data model that are much updated.  A row a non-superuser wrote applies only to the tables that role owns';

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.routine_rebuild
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.routine_rebuild', 'WHERE NOT seeded');

REVOKE ALL ON campmon.routine_rebuild FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.routine_rebuild TO campmon_admin;
GRANT SELECT ON campmon.routine_rebuild TO campmon_reader, pg_monitor;

-- Campaign's technical workflows: what campmon.checks' technical_workflow
-- rows expect of each (a row per configured workflow).
CREATE TABLE campmon.technical_workflow (
    internal_name      text PRIMARY KEY,
    expected_period    interval NOT NULL CHECK (expected_period > interval '0'),
    severity           text NOT NULL DEFAULT 'warning' CHECK (severity IN ('warning', 'critical')),
    mid_sourcing_only  boolean NOT NULL DEFAULT false,
    roles              text[] CHECK (roles <@ '{marketing,execution,control,mid_sourcing}'),
    name_is_prefix     boolean NOT NULL DEFAULT false,
    description        text,
    source             text,
    seeded             boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.technical_workflow IS
'Technical workflows (xtkworkflow.sinternalname) that must run: paused, stopped, in error, or without activity for twice expected_period gives a row of this severity; mid_sourcing_only ones are ok when not installed; roles: the instance roles that run it (NULL: every role); name_is_prefix: every workflow whose internal name starts with internal_name (mcSynch_<account>)';

SELECT pg_catalog.pg_extension_config_dump('campmon.technical_workflow', 'WHERE NOT seeded');

REVOKE ALL ON campmon.technical_workflow FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.technical_workflow TO campmon_admin;
GRANT SELECT ON campmon.technical_workflow TO campmon_reader, pg_monitor;
