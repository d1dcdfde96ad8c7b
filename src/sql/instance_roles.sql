/*
 * instance_roles.sql -- what kind of Campaign instance a schema holds:
 * marketing, Message Center execution, Message Center control, mid-sourcing
 * (Adobe: "Technical workflows", "Transactional messaging architecture",
 * "Tables to maintain").  Each role has its own technical workflows
 * (campmon.technical_workflow.roles), so campmon must know which to expect.
 * The roles are detected from the signs campmon.instance_role_sign lists --
 * a table holding rows (pg_class.reltuples: no scan), a workflow of the
 * role's packages, an option -- or forced by campmon.instance_roles.  A
 * Campaign schema that shows no sign of any role is taken for a marketing
 * instance, and the reason says it was assumed.
 */

-- The roles of the instance whose Campaign tables are in schema s (wf, opt:
-- its xtkworkflow and xtkoption, already judged safe to read, or NULL).
CREATE OR REPLACE FUNCTION campmon._instance_roles(s text, wf regclass, opt regclass)
RETURNS TABLE (role text, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    forced text;
    sg record;
    rel regclass;
    present boolean;
    names text[] := '{}';
    found_roles text[] := '{}';
    found_signs text[] := '{}';
BEGIN
    PERFORM campmon.version();      -- defines the campmon.* settings
    forced := current_setting('campmon.instance_roles');
    IF forced <> '' THEN
        RETURN QUERY
        SELECT x.r, 'set by campmon.instance_roles'::text
        -- read as the setting's check did: quotes dropped, case folded
        FROM (SELECT DISTINCT lower(trim(both ' "' FROM u)) AS r FROM unnest(string_to_array(forced, ',')) u) x
        WHERE x.r <> '' ORDER BY 1;
        RETURN;
    END IF;
    -- the workflows that exist, read once
    IF wf IS NOT NULL AND campmon._has_column(wf, 'sinternalname') THEN
        EXECUTE format('SELECT coalesce(array_agg(DISTINCT w.sinternalname::text), ''{}'') FROM %s w WHERE w.sinternalname = ANY ($1) OR w.sinternalname::text LIKE ANY ($2)', wf)
            INTO names
            USING (SELECT array_agg(g.name) FROM campmon.instance_role_sign g WHERE g.kind = 'workflow'),
                  (SELECT array_agg(replace(replace(replace(g.name, '\', '\\'), '%', '\%'), '_', '\_') || '%')
                   FROM campmon.instance_role_sign g WHERE g.kind = 'workflow_prefix');
    END IF;
    FOR sg IN SELECT * FROM campmon.instance_role_sign ORDER BY role, kind, name LOOP
        present := false;
        IF sg.kind = 'table_rows' THEN
            rel := to_regclass(format('%I.%I', s, sg.name));
            present := EXISTS (SELECT FROM pg_class c WHERE c.oid = rel AND c.relkind IN ('r', 'p')
                               AND (c.reltuples > 0 OR (c.reltuples < 0 AND c.relpages > 0)));
        ELSIF sg.kind = 'workflow' THEN
            present := sg.name = ANY (names);
        ELSIF sg.kind = 'workflow_prefix' THEN
            present := EXISTS (SELECT FROM unnest(names) n WHERE left(n, length(sg.name)) = sg.name);
        ELSIF sg.kind = 'option' THEN
            present := (SELECT o.found FROM campmon._option(opt, sg.name) o);
        END IF;
        IF present THEN
            found_roles := found_roles || sg.role;
            found_signs := found_signs || CASE sg.kind WHEN 'table_rows' THEN format('%s has rows', sg.name)
                                                       WHEN 'workflow' THEN format('workflow %s', sg.name)
                                                       WHEN 'workflow_prefix' THEN format('workflow %s...', sg.name)
                                                       ELSE format('option %s', sg.name) END;
        END IF;
    END LOOP;
    IF cardinality(found_roles) = 0 THEN
        RETURN QUERY SELECT 'marketing'::text, 'assumed: no sign of any role (campmon.instance_role_sign)'::text;
        RETURN;
    END IF;
    RETURN QUERY SELECT x.r, 'detected: ' || string_agg(x.sg, ', ' ORDER BY x.sg)
                 FROM unnest(found_roles, found_signs) x(r, sg) GROUP BY x.r ORDER BY x.r;
END $fn$;

REVOKE ALL ON FUNCTION campmon._instance_roles(text,regclass,regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._instance_roles(text,regclass,regclass) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.instance_roles AS
SELECT c.schema_name, r.role, r.how
FROM campmon._campaign_schemas() c
CROSS JOIN LATERAL campmon._instance_roles(c.schema_name, c.wf, c.opt) r;

COMMENT ON VIEW campmon.instance_roles IS
'The role of the Campaign instance in each Campaign schema (marketing, execution, control, mid_sourcing): forced by campmon.instance_roles, else detected from campmon.instance_role_sign, else marketing assumed; how says which';

REVOKE ALL ON campmon.instance_roles FROM PUBLIC;
GRANT SELECT ON campmon.instance_roles TO campmon_reader, pg_monitor;
