/*
 * campaign_facts.sql -- what the Campaign checks (src/sql/checks/) read
 * of a Campaign schema: the schemas that hold Campaign's tables with the
 * xtkoption and xtkworkflow tables safe to read (campmon._unsafe_to_read:
 * reading them runs no one's code), the cleanup's last run, the log tables
 * a purge rule covers, and a row count that never scans a large table.
 */

-- The work-table schemas that hold Campaign's tables (an xtkoption, an
-- xtkworkflow or an nmsdelivery), with their xtkoption and xtkworkflow
-- (opt_table, wf_table), and the same when they may be read (opt, wf: NULL
-- with a problem saying why when not -- a view, a policy, a type of
-- someone's, or no SELECT).
CREATE OR REPLACE FUNCTION campmon._campaign_schemas()
RETURNS TABLE (schema_name text, opt regclass, wf regclass, opt_table regclass, wf_table regclass,
               opt_problem text, wf_problem text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    s text;
    o regclass;
    w regclass;
    op text;
    wp text;
BEGIN
    FOREACH s IN ARRAY campmon._work_table_schemas() LOOP
        o := to_regclass(format('%I.xtkoption', s));
        w := to_regclass(format('%I.xtkworkflow', s));
        CONTINUE WHEN o IS NULL AND w IS NULL AND to_regclass(format('%I.nmsdelivery', s)) IS NULL;
        op := CASE WHEN o IS NOT NULL THEN
                       coalesce(campmon._unsafe_to_read(o, 'sname'::text || campmon._option_columns()),
                                CASE WHEN NOT has_table_privilege(o, 'SELECT') THEN format('%s may not be read by %s', o, current_user) END)
              END;
        wp := CASE WHEN w IS NOT NULL THEN campmon._unsafe_to_read(w, ARRAY['sinternalname', 'istate', 'ifailed']) END;
        schema_name := s;
        opt := CASE WHEN op IS NULL THEN o END;
        wf := CASE WHEN wp IS NULL THEN w END;
        opt_table := o;
        wf_table := w;
        opt_problem := op;
        wf_problem := wp;
        RETURN NEXT;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._campaign_schemas() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._campaign_schemas() TO campmon_reader, pg_monitor;

-- Rows of rel matching predicate (built by campmon, never from
-- configuration), without a full scan of a large table: counted when the
-- table is small (128 pages at most), through an index whose first column
-- is key_column (up to 100,000 rows), else estimated from a sample of
-- about 100 pages.  how says which.
CREATE OR REPLACE FUNCTION campmon._estimate_rows(rel regclass, predicate text, key_column text)
RETURNS TABLE (estimate numeric, how text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET enable_seqscan = off
AS $fn$
DECLARE
    pages bigint := pg_relation_size(rel) / 8192;
    n bigint;
    sampled bigint;
    pct numeric;
BEGIN
    IF rel IS NULL OR predicate IS NULL THEN
        RAISE EXCEPTION 'rel and predicate must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF pages <= 128 THEN
        EXECUTE format('SELECT count(*) FROM %s WHERE %s', rel, predicate) INTO n;
        RETURN QUERY SELECT n::numeric, 'counted'::text;
        RETURN;
    END IF;
    IF key_column IS NOT NULL AND EXISTS (
            SELECT FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
            WHERE i.indrelid = rel AND a.attname = key_column AND am.amname = 'btree' AND i.indisvalid
              AND i.indpred IS NULL) THEN
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT 100001) x', rel, predicate) INTO n;
        IF n <= 100000 THEN
            RETURN QUERY SELECT n::numeric, format('counted through an index on %s', key_column);
            RETURN;
        END IF;
    END IF;
    pct := least(100.0, round(100.0 * 100 / pages, 6));
    EXECUTE format('SELECT count(*) FILTER (WHERE %s), count(*) FROM %s TABLESAMPLE SYSTEM (%s) REPEATABLE (1)',
                   predicate, rel, pct) INTO n, sampled;
    RETURN QUERY SELECT round(n * 100.0 / pct), format('estimated from a sample of about 100 pages (%s of %s rows matched)', n, sampled);
END $fn$;

REVOKE ALL ON FUNCTION campmon._estimate_rows(regclass,text,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._estimate_rows(regclass,text,text) TO campmon_reader, pg_monitor;

-- The cleanup's last run (NmsCleanup_LastCleanup), NULL when unknown.
CREATE OR REPLACE FUNCTION campmon._last_cleanup(opt regclass) RETURNS timestamptz
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    v text;
BEGIN
    SELECT o.value INTO v FROM campmon._option(opt, 'NmsCleanup_LastCleanup') o;
    RETURN v::timestamptz;
EXCEPTION WHEN data_exception THEN
    RETURN NULL;
END $fn$;

REVOKE ALL ON FUNCTION campmon._last_cleanup(regclass) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._last_cleanup(regclass) TO campmon_reader, pg_monitor;

-- The log tables a purge rule covers in schema s: those the delivery
-- mappings name (mapping_columns of nmsdeliverymapping; a schema name such
-- as nms:broadLogRcp is table nmsbroadlogrcp) plus extra_schemas; with no
-- readable mapping table (or a rule without mapping columns), the tables
-- whose name matches the rule's pattern.  found_by says which.
CREATE OR REPLACE FUNCTION campmon._purge_tables(s text, r campmon.purge_rule)
RETURNS TABLE (rel regclass, found_by text)
LANGUAGE plpgsql STABLE
ROWS 5
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    mapping regclass := to_regclass(format('%I.nmsdeliverymapping', s));
    cols text[];
    problem text;
    names text[];
BEGIN
    IF mapping IS NOT NULL AND r.mapping_columns IS NOT NULL THEN
        SELECT array_agg(c ORDER BY k) INTO cols FROM unnest(r.mapping_columns) WITH ORDINALITY u(c, k)
        WHERE campmon._has_column(mapping, c);
        problem := coalesce(CASE WHEN cols IS NULL THEN format('%s has none of the columns %s', mapping, array_to_string(r.mapping_columns, ', ')) END,
                            campmon._unsafe_to_read(mapping, cols),
                            CASE WHEN NOT has_table_privilege(mapping, 'SELECT') THEN format('%s may not be read by %s', mapping, current_user) END);
        IF problem IS NULL THEN
            EXECUTE format('SELECT array_agg(DISTINCT lower(replace(trim(x.v), '':'', ''''))) FROM %s m CROSS JOIN LATERAL (VALUES %s) x(v) WHERE nullif(trim(x.v), '''') IS NOT NULL',
                           mapping, (SELECT string_agg(format('(m.%I::text)', c), ', ') FROM unnest(cols) c))
                INTO names;
            RETURN QUERY
            SELECT c.oid::regclass,
                   CASE WHEN t.name = ANY (coalesce(names, '{}')) THEN format('named by %s (%s)', mapping, array_to_string(cols, ', '))
                        ELSE 'always purged (not in the delivery mappings)' END
            FROM (SELECT unnest(coalesce(names, '{}')) AS name
                  UNION SELECT lower(replace(e, ':', '')) FROM unnest(r.extra_schemas) e) t
            JOIN pg_namespace n ON n.nspname = s
            JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = t.name AND c.relkind IN ('r', 'p')
            ORDER BY c.relname;
            RETURN;
        END IF;
        problem := format('%s is not used (%s)', mapping, problem);
    END IF;
    -- the pattern's literal prefix narrows the names first (a LIKE on
    -- 50,000 names costs a tenth of the regular expression); a pattern
    -- with alternatives may match names without it
    RETURN QUERY
    SELECT c.oid::regclass,
           CASE WHEN r.mapping_columns IS NULL THEN format('found by the name pattern %s', r.pattern)
                ELSE format('%s: found by the name pattern %s', coalesce(problem, 'no delivery mapping table'), r.pattern) END
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = s AND c.relkind IN ('r', 'p')
      AND c.relname LIKE CASE WHEN strpos(r.pattern, '|') > 0 THEN '%' ELSE campmon._like_prefix(r.pattern) END
      AND c.relname ~ r.pattern
    ORDER BY c.relname;
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) TO campmon_reader, pg_monitor;
