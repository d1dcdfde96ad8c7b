/*
 * campaign_config.sql -- Campaign knowledge as data: the configuration
 * tables a DBA may edit (families of tables, work-table rules, the labels
 * of owners' states, the log purge rules, the technical workflows).  Rows that come with the
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

CREATE TABLE campmon.purge_rule (
    pattern          text PRIMARY KEY CHECK (campmon._valid_regex(pattern)),
    date_column      text NOT NULL,
    option_name      text NOT NULL,
    default_delay    interval NOT NULL,
    mapping_columns  text[],
    extra_schemas    text[] NOT NULL DEFAULT '{}',
    default_note     text,
    seeded           boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.purge_rule IS
'Log tables Campaign''s cleanup purges by date: the date column, the xtkoption holding the delay (seconds) and the delay assumed when the option is absent (never critical).  The tables are those nmsdeliverymapping names in mapping_columns (a schema name such as nms:broadLogRcp is table nmsbroadlogrcp), plus extra_schemas; without a mapping table, the tables whose name matches pattern';

COMMENT ON COLUMN campmon.purge_rule.mapping_columns IS
'Columns of nmsdeliverymapping naming the purged schemas (NULL: tables found by pattern only)';
COMMENT ON COLUMN campmon.purge_rule.extra_schemas IS
'Schemas purged although no mapping names them (nms:broadLogMid, mid-sourcing)';
COMMENT ON COLUMN campmon.purge_rule.default_note IS
'Said in the message when the option is absent (why default_delay was assumed)';

SELECT pg_catalog.pg_extension_config_dump('campmon.purge_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.purge_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.purge_rule TO campmon_admin;
GRANT SELECT ON campmon.purge_rule TO campmon_reader, pg_monitor;

-- Campaign's technical workflows: what campmon.checks' technical_workflow
-- rows expect of each (a row per configured workflow).
CREATE TABLE campmon.technical_workflow (
    internal_name      text PRIMARY KEY,
    expected_period    interval NOT NULL CHECK (expected_period > interval '0'),
    severity           text NOT NULL DEFAULT 'warning' CHECK (severity IN ('warning', 'critical')),
    mid_sourcing_only  boolean NOT NULL DEFAULT false,
    description        text,
    seeded             boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.technical_workflow IS
'Technical workflows (xtkworkflow.sinternalname) that must run: paused, stopped, in error, or without activity for twice expected_period gives a row of this severity; mid_sourcing_only ones are ok when not installed';

SELECT pg_catalog.pg_extension_config_dump('campmon.technical_workflow', 'WHERE NOT seeded');

REVOKE ALL ON campmon.technical_workflow FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.technical_workflow TO campmon_admin;
GRANT SELECT ON campmon.technical_workflow TO campmon_reader, pg_monitor;
