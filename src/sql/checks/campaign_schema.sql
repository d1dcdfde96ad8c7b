/*
 * checks/campaign_schema.sql -- campaign_schema: what of Campaign's own
 * tables campmon cannot use, and why.  An xtkoption or xtkworkflow that is
 * not a plain table (or has row-level security, or columns of someone's
 * type) is not read -- reading it could run its owner's code -- and a
 * work-table rule whose owner table lacks a column is skipped (its work
 * tables are then judged by age).  One row per problem; none when all is
 * well.  A database where none of the schemas searched holds a Campaign
 * table (a mistyped campmon.work_table_schemas, or no Campaign at all) gives
 * one warning naming the schemas: every other Campaign check would silently
 * give no row.
 */

CREATE OR REPLACE FUNCTION campmon._check_campaign_schema()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    r campmon.work_table_rule;
    problem text;
    searched text[] := campmon._work_table_schemas();
BEGIN
    IF NOT EXISTS (SELECT FROM campmon._campaign_schemas()) THEN
        RETURN QUERY SELECT 'campaign_schema', 'warning', 'setting:campmon.work_table_schemas', NULL::numeric, NULL::numeric,
            format('no Campaign tables found in %s (campmon.work_table_schemas): none holds an xtkoption, xtkworkflow or nmsdelivery table, so the checks of Campaign''s cleanup, workflows, deliveries, purges and work tables have nothing to read; set campmon.work_table_schemas to the schemas of Campaign''s tables',
                   CASE WHEN cardinality(searched) = 0 THEN 'no schema (the list is empty)'
                        ELSE (CASE WHEN cardinality(searched) = 1 THEN 'schema ' ELSE 'schemas ' END)
                             || (SELECT string_agg(quote_ident(x) || CASE WHEN to_regnamespace(quote_ident(x)) IS NULL THEN ' (which does not exist)' ELSE '' END,
                                                   ', ' ORDER BY k)
                                 FROM unnest(searched) WITH ORDINALITY u(x, k)) END);
        RETURN;
    END IF;
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        IF c.opt_problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', c.opt_table::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s; the cleanup checks skip it and the purge checks assume default retentions',
                       c.opt_table, c.opt_problem);
        END IF;
        IF c.wf_problem IS NOT NULL THEN
            RETURN QUERY SELECT 'campaign_schema', 'warning', c.wf_table::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', c.wf_table, c.wf_problem);
        END IF;
        -- work-table rules that cannot be applied: their tables are judged by age
        FOR r IN SELECT * FROM campmon.work_table_rule ORDER BY priority, rule LOOP
            problem := campmon._rule_problem(r, c.schema_name);
            IF problem IS NOT NULL AND problem <> 'missing' THEN
                RETURN QUERY SELECT 'campaign_schema', 'warning', format('%I.%I', c.schema_name, r.owner_table), NULL::numeric, NULL::numeric,
                    format('work-table rule %s is skipped: %s; its work tables are judged by age only', r.rule, problem);
            END IF;
        END LOOP;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_campaign_schema() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_campaign_schema() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('campaign_schema', 'configuration',
    'Whether the schemas searched (campmon.work_table_schemas) hold Campaign''s tables at all; Campaign tables campmon will not read (a look-alike view, a table with row-level security or columns of someone''s own type: reading it could run its owner''s code) and work-table rules whose owner table lacks a column',
    'warning when no schema searched holds an xtkoption, xtkworkflow or nmsdelivery table (target setting:campmon.work_table_schemas, the schemas named in the message); warning per problem; no row when there is none',
    '{campmon.work_table_schemas,campmon.work_table_rule}',
    'campmon''s privilege rule (doc/safety.md); the rules'' columns from Adobe''s "Database cleanup workflow"',
    'Set campmon.work_table_schemas to the schemas of Campaign''s tables (a superuser setting: ALTER DATABASE ... SET); fix or drop the look-alike; correct the rule in campmon.work_table_rule',
    'campmon._check_campaign_schema', 10);
