/*
 * checks/index_size.sql -- index_larger_than_table: a high-churn Campaign
 * table whose indexes outgrew the table with its TOAST.  Adobe
 * ("Performance and throughput issues"): "If index size is larger than
 * table size, then a vacuum is required".
 */

CREATE OR REPLACE FUNCTION campmon._check_index_size()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    schemas text[] := campmon._work_table_schemas();
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN;
    END IF;
    -- indexes larger than their table, bloat on high-churn tables
    RETURN QUERY
    SELECT 'index_larger_than_table',
           CASE WHEN x.idx > x.heap AND x.heap > 0 THEN 'warning' ELSE 'ok' END,
           x.rel::text, x.idx::numeric, x.heap::numeric,
           format('indexes %s, table %s (TOAST included)%s', pg_size_pretty(x.idx), pg_size_pretty(x.heap),
                  CASE WHEN x.idx > x.heap AND x.heap > 0 THEN ': the indexes outgrew the table, a sign that VACUUM (and REINDEX) are due' ELSE '' END)
    -- the table with its TOAST (nmsmirrorpageinfo is mostly TOAST): its
    -- indexes outgrowing the main fork alone is no sign of anything
    FROM (SELECT c.oid::regclass AS rel, pg_indexes_size(c.oid) AS idx, pg_table_size(c.oid) AS heap
          FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
          WHERE c.relkind = 'r' AND ns.nspname = ANY (schemas)
            AND campmon.family_of(ns.nspname, c.relname) IN ('broadlog', 'tracking', 'delivery', 'workflow', 'recipient',
                                                             'session', 'message_center')) x
    ORDER BY x.rel::text;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_index_size() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_index_size() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('index_larger_than_table', 'bloat',
    'Campaign''s high-churn tables (delivery and tracking logs, deliveries, workflows, recipients, sessions, Message Center) whose indexes are larger than the table with its TOAST',
    'warning when the indexes outgrew the table; ok otherwise (one row per table)',
    NULL,
    'Adobe, "Performance and throughput issues" ("If index size is larger than table size, then a vacuum is required")',
    'VACUUM the table and REINDEX its bloated indexes (campmon.plan() plans both when the measurements say so)',
    'campmon._check_index_size', 100);
