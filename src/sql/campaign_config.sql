/*
 * campaign_config.sql -- Campaign knowledge as data: the configuration
 * tables a DBA may edit (families of tables, work-table rules, the labels
 * of owners' states, the log purge rules).  Rows that come with the
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
    seeded       boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.family IS
'Table families by name pattern (regular expression on the table name); first match by priority wins; schema_name NULL: any schema but pg_catalog, information_schema, pg_toast';

CREATE UNIQUE INDEX family_rule ON campmon.family (pattern, coalesce(schema_name, ''));

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
    stale_states    integer[] NOT NULL DEFAULT '{}',
    suspect_states  integer[] NOT NULL DEFAULT '{}',
    missing_owner   text NOT NULL DEFAULT 'stale' CHECK (missing_owner IN ('stale', 'suspect', 'held')),
    held_advice     text,
    priority        integer NOT NULL DEFAULT 100,
    description     text,
    seeded          boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.work_table_rule IS
'Work tables and their owners: pattern is a regular expression on the table name whose first group is the owner id; the owner''s state decides the verdict';

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
    pattern        text PRIMARY KEY CHECK (campmon._valid_regex(pattern)),
    date_column    text NOT NULL,
    option_name    text NOT NULL,
    default_delay  interval NOT NULL,
    seeded         boolean NOT NULL DEFAULT false
);

COMMENT ON TABLE campmon.purge_rule IS
'Log tables Campaign''s cleanup purges by date: the date column, the xtkoption holding the delay (seconds) and the delay assumed when the option is absent';

SELECT pg_catalog.pg_extension_config_dump('campmon.purge_rule', 'WHERE NOT seeded');

REVOKE ALL ON campmon.purge_rule FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.purge_rule TO campmon_admin;
GRANT SELECT ON campmon.purge_rule TO campmon_reader, pg_monitor;
