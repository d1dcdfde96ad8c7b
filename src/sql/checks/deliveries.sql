/*
 * checks/deliveries.sql -- what Campaign's cleanup should have done to
 * deliveries by its last run: close those whose validity is past, delete
 * the parts of stopped and finished ones and the parts whose own validity
 * is past, purge the deleted ones, purge the
 * mirror pages past their web validity.  Left undone, delivery preparation
 * reads more and more (Adobe: "don't leave deliveries failed").
 */

-- What the cleanup should have done to deliveries by its last run
-- (NmsCleanup_LastCleanup; campmon's "now" when unknown): close the ones
-- in state 51-84 whose validity is past, delete the parts of stopped and
-- finished ones, purge deleted ones after NmsCleanup_RecycledDeliveryPurgeDelay
-- (absent: the documented week), purge the mirror pages of deliveries whose
-- tswebvalidity is past.  s: the Campaign schema; opt: its xtkoption (safe
-- to read) or NULL.
CREATE OR REPLACE FUNCTION campmon._delivery_checks(s text, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    dlv regclass := to_regclass(format('%I.nmsdelivery', s));
    parts regclass := to_regclass(format('%I.nmsdeliverypart', s));
    last_cleanup timestamptz := campmon._last_cleanup(opt);
    cutoff timestamptz;
    cutoff_text text;
    filters text := '';
    problem text;
    n bigint;
    ids text;
    o record;
    delay interval;
    delay_text text;
    mirror regclass;
    est record;
    dlv_ids bigint[];
BEGIN
    IF dlv IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(campmon._unsafe_to_read(dlv, ARRAY['ideliveryid', 'istate', 'ideletestatus', 'iismodel', 'ideliverymode',
                                                          'tsvalidity', 'tslastmodified', 'tswebvalidity', 'iwebrespurged']),
                        CASE WHEN NOT has_table_privilege(dlv, 'SELECT') THEN format('%s may not be read by %s', dlv, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'deliveries_not_closed', 'warning', dlv::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s; the delivery checks are skipped', dlv, problem);
        RETURN;
    END IF;
    cutoff := least(ref, coalesce(last_cleanup, ref));
    cutoff_text := CASE WHEN last_cleanup IS NULL OR last_cleanup >= ref THEN 'now'
                        ELSE format('the cleanup''s last run (%s)', to_char(last_cleanup, 'YYYY-MM-DD HH24:MI')) END;
    -- the cleanup's own filters, those the table has
    IF campmon._has_column(dlv, 'ideletestatus') THEN filters := filters || ' AND coalesce(d.ideletestatus, 0) = 0'; END IF;
    IF campmon._has_column(dlv, 'iismodel') THEN filters := filters || ' AND coalesce(d.iismodel, 0) = 0'; END IF;
    IF campmon._has_column(dlv, 'ideliverymode') THEN filters := filters || ' AND d.ideliverymode = 1'; END IF;

    -- deliveries whose validity ended before the cutoff, still in progress
    IF campmon._has_column(dlv, 'ideliveryid') AND campmon._has_column(dlv, 'istate') AND campmon._has_column(dlv, 'tsvalidity') THEN
        EXECUTE format('SELECT count(*), string_agg(x.id::text, '', '') FILTER (WHERE x.k <= 5) FROM (SELECT d.ideliveryid AS id, row_number() OVER (ORDER BY d.tsvalidity, d.ideliveryid) AS k FROM %s d WHERE d.istate >= 51 AND d.istate < 85 AND d.tsvalidity IS NOT NULL AND d.tsvalidity::timestamptz < %L%s) x',
                       dlv, cutoff, filters) INTO n, ids;
        RETURN QUERY SELECT 'deliveries_not_closed', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, dlv::text, n::numeric, 0::numeric,
            CASE WHEN n = 0 THEN format('no delivery in progress (state 51 to 84) is past its validity as of %s', cutoff_text)
                 ELSE format('%s in progress (state 51 to 84) %s past %s validity (tsvalidity) by %s: the cleanup closes %s (state 95); oldest: %s',
                             campmon._count(n, 'delivery', 'deliveries'), CASE WHEN n = 1 THEN 'was' ELSE 'were' END,
                             CASE WHEN n = 1 THEN 'its' ELSE 'their' END, cutoff_text,
                             CASE WHEN n = 1 THEN 'it' ELSE 'them' END, ids) END;
    ELSE
        RETURN QUERY SELECT 'deliveries_not_closed', 'warning', dlv::text, NULL::numeric, NULL::numeric,
            format('%s lacks ideliveryid, istate or tsvalidity: deliveries past their validity cannot be checked', dlv);
    END IF;

    -- stopped or finished deliveries that still have parts
    IF parts IS NOT NULL AND campmon._has_column(parts, 'ideliveryid') AND campmon._has_column(dlv, 'istate') THEN
        problem := coalesce(campmon._unsafe_to_read(parts, ARRAY['ideliveryid']),
                            CASE WHEN NOT has_table_privilege(parts, 'SELECT') THEN format('%s may not be read by %s', parts, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'delivery_parts_left', 'warning', parts::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', parts, problem);
        ELSE
            EXECUTE format('SELECT count(*), string_agg(x.id::text, '', '') FILTER (WHERE x.k <= 5) FROM (SELECT d.ideliveryid AS id, row_number() OVER (ORDER BY d.ideliveryid) AS k FROM %s d WHERE d.istate IN (85, 95)%s AND EXISTS (SELECT FROM %s p WHERE p.ideliveryid = d.ideliveryid)) x',
                           dlv,
                           CASE WHEN campmon._has_column(dlv, 'tslastmodified') THEN format(' AND d.tslastmodified::timestamptz < %L', cutoff) ELSE '' END,
                           parts) INTO n, ids;
            RETURN QUERY SELECT 'delivery_parts_left', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, parts::text, n::numeric, 0::numeric,
                CASE WHEN n = 0 THEN format('no stopped or finished delivery keeps parts in %s', parts)
                     ELSE format('%s (state 85 or 95%s) still %s parts in %s: the cleanup deletes them; first: %s',
                                 campmon._count(n, 'stopped or finished delivery', 'stopped or finished deliveries'),
                                 CASE WHEN campmon._has_column(dlv, 'tslastmodified') THEN ', last changed before ' || cutoff_text ELSE '' END,
                                 CASE WHEN n = 1 THEN 'has' ELSE 'have' END, parts, ids) END;
        END IF;
    END IF;

    -- parts whose own validity ended before the cutoff, whatever the state
    -- of their delivery: the cleanup's second DELETE of NmsDeliveryPart
    IF parts IS NOT NULL AND campmon._has_column(parts, 'tsvalidity') THEN
        problem := coalesce(campmon._unsafe_to_read(parts, ARRAY['tsvalidity']),
                            CASE WHEN NOT has_table_privilege(parts, 'SELECT') THEN format('%s may not be read by %s', parts, current_user) END);
        IF problem IS NOT NULL THEN
            RETURN QUERY SELECT 'delivery_parts_expired', 'warning', parts::text, NULL::numeric, NULL::numeric,
                format('%s is not read: %s', parts, problem);
        ELSE
            SELECT * INTO est FROM campmon._estimate_rows(parts, format('tsvalidity IS NOT NULL AND tsvalidity::timestamptz < %L', cutoff), 'tsvalidity');
            RETURN QUERY SELECT 'delivery_parts_expired', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, parts::text,
                est.estimate, 0::numeric,
                CASE WHEN est.estimate = 0 THEN format('no delivery part of %s was past its validity (tsvalidity) by %s (%s)', parts, cutoff_text, est.how)
                     ELSE format('%s delivery parts of %s were past their validity (tsvalidity) by %s, whatever their delivery''s state (%s): the cleanup deletes them',
                                 est.estimate, parts, cutoff_text, est.how) END;
        END IF;
    END IF;

    -- deleted deliveries older than NmsCleanup_RecycledDeliveryPurgeDelay
    IF campmon._has_column(dlv, 'ideletestatus') AND campmon._has_column(dlv, 'tslastmodified') THEN
        SELECT * INTO o FROM campmon._option(opt, 'NmsCleanup_RecycledDeliveryPurgeDelay');
        delay := campmon._option_seconds(o.value);
        IF o.found AND delay IS NULL THEN
            RETURN QUERY SELECT 'campaign_option', 'warning', format('%s:NmsCleanup_RecycledDeliveryPurgeDelay', opt), NULL::numeric, NULL::numeric,
                format('option NmsCleanup_RecycledDeliveryPurgeDelay has a value that is not a number of seconds (%s, from %s): the documented week is assumed',
                       coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'));
        END IF;
        delay_text := CASE WHEN delay IS NOT NULL THEN format('NmsCleanup_RecycledDeliveryPurgeDelay = %s s, from %s', trim(o.value), o.source_column)
                           ELSE 'NmsCleanup_RecycledDeliveryPurgeDelay absent or unreadable: the documented week is assumed' END;
        delay := coalesce(delay, interval '7 days');
        EXECUTE format('SELECT count(*) FROM %s d WHERE coalesce(d.ideletestatus, 0) <> 0 AND d.tslastmodified::timestamptz < %L',
                       dlv, cutoff - delay) INTO n;
        RETURN QUERY SELECT 'deleted_deliveries_backlog', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, dlv::text, n::numeric, 0::numeric,
            format('%s %s deleted more than %s before %s: the cleanup purges %s and %s logs (%s)',
                   campmon._count(n, 'deleted delivery', 'deleted deliveries'), CASE WHEN n = 1 THEN 'was' ELSE 'were' END,
                   campmon._human(delay), cutoff_text, CASE WHEN n = 1 THEN 'it' ELSE 'them' END,
                   CASE WHEN n = 1 THEN 'its' ELSE 'their' END, delay_text);
    END IF;

    -- mirror pages of deliveries whose tswebvalidity is past, not purged
    IF campmon._has_column(dlv, 'tswebvalidity') AND campmon._has_column(dlv, 'ideliveryid') THEN
        EXECUTE format('SELECT array_agg(d.ideliveryid::bigint ORDER BY d.ideliveryid) FROM %s d WHERE d.tswebvalidity IS NOT NULL AND d.tswebvalidity::timestamptz < %L%s',
                       dlv, cutoff,
                       CASE WHEN campmon._has_column(dlv, 'iwebrespurged') THEN ' AND coalesce(d.iwebrespurged, 0) = 0' ELSE '' END)
            INTO dlv_ids;
        FOR mirror IN SELECT to_regclass(format('%I.%I', s, m)) FROM unnest('{nmsmirrorpageinfo,nmsmirrorpagesearch}'::text[]) m
                      WHERE to_regclass(format('%I.%I', s, m)) IS NOT NULL ORDER BY 1::text LOOP
            problem := coalesce(CASE WHEN NOT campmon._has_column(mirror, 'ideliveryid') THEN format('%s has no column ideliveryid', mirror) END,
                                campmon._unsafe_to_read(mirror, ARRAY['ideliveryid']),
                                CASE WHEN NOT has_table_privilege(mirror, 'SELECT') THEN format('%s may not be read by %s', mirror, current_user) END);
            IF problem IS NOT NULL THEN
                RETURN QUERY SELECT 'mirror_page_backlog', 'warning', mirror::text, NULL::numeric, NULL::numeric,
                    format('%s is not read: %s', mirror, problem);
                CONTINUE;
            END IF;
            IF cardinality(dlv_ids) IS NULL THEN
                RETURN QUERY SELECT 'mirror_page_backlog', 'ok', mirror::text, 0::numeric, 0::numeric,
                    format('no delivery''s mirror pages were due for purge (tswebvalidity past) by %s', cutoff_text);
                CONTINUE;
            END IF;
            SELECT * INTO est FROM campmon._estimate_rows(mirror, format('ideliveryid = ANY (%L::bigint[])', dlv_ids), 'ideliveryid');
            RETURN QUERY SELECT 'mirror_page_backlog', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, mirror::text,
                est.estimate, 0::numeric,
                format('%s of %s belong to %s whose mirror pages were due for purge (tswebvalidity past) by %s (%s)%s',
                       campmon._count(est.estimate, 'row'), mirror,
                       campmon._count(cardinality(dlv_ids), 'delivery', 'deliveries'), cutoff_text, est.how,
                       CASE WHEN est.estimate > 0 THEN ': the cleanup''s mirror-page task has not run' ELSE '' END);
        END LOOP;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

CREATE OR REPLACE FUNCTION campmon._check_deliveries()
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
            RETURN QUERY SELECT * FROM campmon._delivery_checks(c.schema_name, c.opt, ref);
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT 'deliveries_not_closed', 'warning', format('%I.nmsdelivery', c.schema_name), NULL::numeric, NULL::numeric,
                format('cannot check the deliveries of schema %s: %s', c.schema_name, SQLERRM);
        END;
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_deliveries() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_deliveries() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('deliveries_not_closed', 'deliveries',
    'Deliveries in progress (states 51-84) whose validity was past at the cleanup''s last run: the cleanup closes them',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (deliveries to finish) and "Delivery best practices"',
    'Stop the deliveries that are over; check the cleanup and deliveryMgt',
    'campmon._check_deliveries', 50);
SELECT campmon._register_check('delivery_parts_left', 'deliveries',
    'Delivery parts of stopped and finished deliveries that the cleanup should have deleted',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (delivery parts) and the mid-sourcing AppendDeliveryPart path',
    'Check deliveryMgt / defaultMidSourcingDlv and the cleanup',
    'campmon._check_deliveries', 51);
SELECT campmon._register_check('delivery_parts_expired', 'deliveries',
    'Delivery parts (nmsdeliverypart) whose own validity (tsvalidity) ended before the cleanup''s last run, whatever their delivery''s state: the cleanup deletes them',
    'warning when any; ok otherwise (no row when the table has no tsvalidity)',
    NULL, 'Adobe, "Database cleanup workflow" (Cleanup of expired deliveries: DELETE FROM NmsDeliveryPart ... WHERE tsValidity < $(curDate))',
    'The cleanup''s task on expired deliveries is late or failing: fix the cleanup',
    'campmon._check_deliveries', 54);
SELECT campmon._register_check('deleted_deliveries_backlog', 'deliveries',
    'Deleted deliveries older than NmsCleanup_RecycledDeliveryPurgeDelay (absent: a week) that the cleanup has not purged',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (deleted deliveries)',
    'The cleanup''s purge of deleted deliveries is late: fix the cleanup',
    'campmon._check_deliveries', 52);
SELECT campmon._register_check('mirror_page_backlog', 'deliveries',
    'Mirror pages (nmsmirrorpageinfo) of deliveries whose web validity is past, that the cleanup should have purged',
    'warning when any; ok otherwise',
    NULL, 'Adobe, "Database cleanup workflow" (mirror pages)',
    'The cleanup''s mirror-page purge is late: fix the cleanup',
    'campmon._check_deliveries', 53);
