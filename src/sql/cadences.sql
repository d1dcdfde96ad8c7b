/*
 * cadences.sql -- maintenance cadences as data: how often a family of
 * tables (or the tables a pattern names) should be re-indexed, rebuilt or
 * vacuumed whatever its bloat, seeded with Adobe's documented cadences,
 * each with its source.  A DBA edits them (campmon_admin); rows that come
 * with the extension have seeded = true and are not dumped, a DBA's rows
 * are.  The check maintenance_overdue reads them against the history
 * (campmon._cadence_due), and plan() plans what is overdue.
 *
 * A cadence never widens what a run does to other roles' tables: every row
 * records who wrote it (a trigger, whatever the statement says), and a row
 * a role that is not a superuser wrote applies only to the tables whose
 * owner's privileges it has -- the tables it could re-index or vacuum
 * itself.  The plan still holds only steps its run role may run, and only
 * online ones (REINDEX CONCURRENTLY, REPACK) unless blocking is allowed.
 */

CREATE TABLE campmon.maintenance_cadence (
    family         text CHECK (family ~ '^[a-z_]+$'),
    table_pattern  text CHECK (table_pattern IS NULL OR campmon._valid_regex(table_pattern)),
    maintenance    text NOT NULL CHECK (maintenance IN ('reindex', 'rebuild', 'vacuum')),
    every          interval CHECK (every >= interval '1 hour'),
    priority       integer NOT NULL DEFAULT 100,
    source         text NOT NULL,
    seeded         boolean NOT NULL DEFAULT false,
    edited_by      name,
    CHECK ((family IS NULL) <> (table_pattern IS NULL))
);

COMMENT ON TABLE campmon.maintenance_cadence IS
'How often tables should be re-indexed, rebuilt or vacuumed whatever their bloat: by family (campmon.family) or by a regular expression on the table name; for a table and a maintenance the row with the lowest priority applies (every NULL: none); a non-superuser''s row applies only to tables whose owner''s privileges it has';

COMMENT ON COLUMN campmon.maintenance_cadence.maintenance IS
'reindex: its B-tree indexes rebuilt (REINDEX INDEX CONCURRENTLY, or a rebuild of the table); rebuild: the table rewritten (REPACK or VACUUM FULL); vacuum: a VACUUM (campmon''s, a manual one or autovacuum''s)';

COMMENT ON COLUMN campmon.maintenance_cadence.every IS
'The cadence; NULL: no cadence (a DBA''s row with a lower priority switches a seeded one off)';

COMMENT ON COLUMN campmon.maintenance_cadence.edited_by IS
'The role that last wrote the row (set by a trigger): a row of a role that is not a superuser applies only to tables whose owner''s privileges that role has';

CREATE UNIQUE INDEX maintenance_cadence_rule
    ON campmon.maintenance_cadence (coalesce(family, ''), coalesce(table_pattern, ''), maintenance, priority);

CREATE TRIGGER stamp_editor BEFORE INSERT OR UPDATE ON campmon.maintenance_cadence
FOR EACH ROW EXECUTE FUNCTION campmon._stamp_editor();

SELECT pg_catalog.pg_extension_config_dump('campmon.maintenance_cadence', 'WHERE NOT seeded');

REVOKE ALL ON campmon.maintenance_cadence FROM PUBLIC;
GRANT DELETE, INSERT, UPDATE ON campmon.maintenance_cadence TO campmon_admin;
GRANT SELECT ON campmon.maintenance_cadence TO campmon_reader, pg_monitor;

-- Adobe's cadences (doc/campaign_rules.md, "Maintenance cadences").
INSERT INTO campmon.maintenance_cadence (family, table_pattern, maintenance, every, priority, source, seeded) VALUES
 ('broadlog', NULL, 'reindex', '14 days', 100,
  'Adobe, "Tables to maintain": re-index NmsBroadLogRcp (and every YyyBroadLogXxx, NmsBroadLogMid) regularly, every other week to start with', true),
 ('broadlog', NULL, 'rebuild', '30 days', 100,
  'Adobe, "Tables to maintain": rebuild NmsBroadLogRcp completely from time to time, once a month or when performance is impacted (NmsBroadLogMid: "very important to rebuild it from time to time")', true),
 ('message_center', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": regularly recreate the index of NmsRtEvent (NmsEventHisto is similar); "Types of maintenance": re-index frequently updated tables once a week', true),
 ('message_center', NULL, 'rebuild', '30 days', 100,
  'Adobe, "Tables to maintain": rebuild NmsRtEvent regularly; "Types of maintenance": full table rebuilds once a month', true),
 ('delivery', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": indexes of NmsDelivery, NmsDeliveryPart and NmsDeliveryStat tend to fragment rapidly; "Types of maintenance": re-index frequently updated tables once a week', true),
 ('workflow', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": XtkWorkflow* are updated, inserted and purged all the time; "Types of maintenance": re-index frequently updated tables once a week', true),
 ('session', NULL, 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": XtkSessionInfo has very many insertions and deletions; "Types of maintenance": re-index frequently updated tables once a week', true),
 (NULL, '^nmsaddress$', 'reindex', '7 days', 100,
  'Adobe, "Tables to maintain": NmsAddress is updated frequently by the quarantine process; "Types of maintenance": re-index frequently updated tables once a week', true);
