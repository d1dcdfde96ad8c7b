/*
 * check_registry.sql -- the list of campmon's checks: one row per
 * check_name that campmon.checks may emit, with what it watches, when it
 * is ok, warning or critical, the settings that set its thresholds, where
 * the rule comes from and what the DBA should do.  Each check's file
 * (src/sql/checks/) registers its rows (campmon._register_check), and
 * campmon.checks calls each producer the registry names; doc/checks.md is
 * generated from it (scripts/checks_doc.sh).  Rows come with the
 * extension, so they are not dumped.
 */

CREATE TABLE campmon.check_definitions (
    check_name   text PRIMARY KEY CHECK (check_name ~ '^[a-z][a-z0-9_]*$'),
    category     text NOT NULL CHECK (category IN ('bloat', 'work tables', 'cleanup', 'workflows', 'deliveries',
                                                   'purge', 'sequences', 'indexes', 'vacuum', 'wraparound',
                                                   'trends', 'configuration', 'maintenance', 'repack')),
    watches      text NOT NULL,         -- what it watches, in a sentence
    statuses     text NOT NULL,         -- when it is ok, warning, critical
    settings     text[] NOT NULL DEFAULT '{}',  -- the settings (or tables) that set its thresholds
    source       text NOT NULL,         -- where the rule comes from (Adobe's page, PostgreSQL's documentation), in words
    advice       text NOT NULL,         -- what the DBA should do about it
    produced_by  text NOT NULL CHECK (produced_by ~ '^campmon\._check_[a-z0-9_]+$'),  -- the function whose rows these are
    run_order    integer NOT NULL       -- producers run in this order (their rows come out in it)
);

COMMENT ON TABLE campmon.check_definitions IS
'Every check campmon.checks may emit: category, what it watches, statuses, threshold settings, source, advice, and the function that produces it (doc/checks.md)';

REVOKE ALL ON campmon.check_definitions FROM PUBLIC;
GRANT SELECT ON campmon.check_definitions TO campmon_reader, pg_monitor;
