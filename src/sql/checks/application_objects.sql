/*
 * checks/application_objects.sql -- application_objects: the limits of
 * Adobe's "Application objects" page -- fewer than 1,000 folders, fewer
 * than 1,000 deliveries at any time, none older than two years, and more
 * than 10 new deliveries a day to be checked against the business.  Counted
 * without a full scan of a large table (campmon._estimate_rows); a table
 * that does not exist gives no row.
 */

CREATE OR REPLACE FUNCTION campmon._application_objects(s text, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    folders regclass := to_regclass(format('%I.xtkfolder', s));
    dlv regclass := to_regclass(format('%I.nmsdelivery', s));
    problem text;
    est record;
    real_rows text;
BEGIN
    IF folders IS NOT NULL THEN
        problem := coalesce(campmon._unsafe_to_read(folders, '{}'),
                            CASE WHEN NOT has_table_privilege(folders, 'SELECT') THEN format('%s may not be read by %s', folders, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, 'folders'::text, NULL::numeric, 1000::numeric,
                format('%s is not read: %s', folders, problem);
        ELSE
            real_rows := CASE WHEN campmon._has_column(folders, 'ifolderid') THEN 'ifolderid <> 0' ELSE 'true' END;
            SELECT * INTO est FROM campmon._estimate_rows(folders, real_rows, NULL);
            RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate >= 1000 THEN 'warning' ELSE 'ok' END,
                'folders'::text, est.estimate, 1000::numeric,
                format('%s folders in %s (%s)%s', est.estimate, folders, est.how,
                       CASE WHEN est.estimate >= 1000 THEN ': Adobe advises fewer than 1,000, more slow the client console down; find who creates so many' ELSE '' END);
        END IF;
    END IF;

    IF dlv IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(campmon._unsafe_to_read(dlv, ARRAY['ideliveryid', 'tscreated']),
                        CASE WHEN NOT has_table_privilege(dlv, 'SELECT') THEN format('%s may not be read by %s', dlv, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, 'deliveries'::text, NULL::numeric, 1000::numeric,
            format('%s is not read: %s', dlv, problem);
        RETURN;
    END IF;
    -- Campaign's row of id 0 (the outer-join stand-in) is no delivery
    real_rows := CASE WHEN campmon._has_column(dlv, 'ideliveryid') THEN 'ideliveryid <> 0' ELSE 'true' END;
    SELECT * INTO est FROM campmon._estimate_rows(dlv, real_rows, NULL);
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate >= 1000 THEN 'warning' ELSE 'ok' END,
        'deliveries'::text, est.estimate, 1000::numeric,
        format('%s deliveries in %s (%s)%s', est.estimate, dlv, est.how,
               CASE WHEN est.estimate >= 1000 THEN ': Adobe advises fewer than 1,000 at any time (continuous deliveries create fewer)' ELSE '' END);
    IF NOT campmon._has_column(dlv, 'tscreated') THEN
        RETURN;
    END IF;
    SELECT * INTO est FROM campmon._estimate_rows(dlv, format('%s AND tscreated::timestamptz < %L', real_rows, ref - interval '2 years'), 'tscreated');
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END,
        'deliveries older than two years'::text, est.estimate, 0::numeric,
        format('%s deliveries of %s were created more than two years ago (%s)%s', est.estimate, dlv, est.how,
               CASE WHEN est.estimate > 0 THEN ': Adobe advises purging them from the instance' ELSE '' END);
    SELECT * INTO est FROM campmon._estimate_rows(dlv, format('%s AND tscreated::timestamptz >= %L AND tscreated::timestamptz < %L',
                                                              real_rows, ref - interval '7 days', ref), 'tscreated');
    RETURN QUERY SELECT 'application_objects'::text, CASE WHEN est.estimate / 7 > 10 THEN 'warning' ELSE 'ok' END,
        'deliveries a day'::text, round(est.estimate / 7, 1), 10::numeric,
        format('%s deliveries a day created over the last 7 days (%s)%s', round(est.estimate / 7, 1), est.how,
               CASE WHEN est.estimate / 7 > 10 THEN ': more than 10 a day is to be checked against the business (continuous deliveries create fewer)' ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._application_objects(text,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._application_objects(text,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_application_objects()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    c record;
    ref timestamptz := campmon._reference_time();
BEGIN
    FOR c IN SELECT * FROM campmon._campaign_schemas() LOOP
        BEGIN
            RETURN QUERY SELECT * FROM campmon._application_objects(c.schema_name, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'application_objects'::text, 'warning'::text, quote_ident(c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot count the application objects of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_application_objects() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_application_objects() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('application_objects', 'configuration',
    'Adobe''s limits on application objects, one row each: folders (xtkfolder), deliveries (nmsdelivery), deliveries created more than two years ago, new deliveries a day over the last week',
    'warning from 1,000 folders, from 1,000 deliveries, when any delivery is older than two years, above 10 new deliveries a day; ok otherwise; no row for a table that does not exist',
    NULL,
    'Adobe, "Application objects" (Folders: fewer than 1,000; Deliveries: fewer than 1,000 at any time, more than 10 a day checked against the business, those older than two years purged)',
    'Purge old deliveries and folders; use continuous deliveries; find the operators who create the most objects',
    'campmon._check_application_objects', 55);
