/*
 * campaign_checks.sql -- the campmon.checks rows that watch what Adobe's
 * documentation tells a Campaign DBA to watch (doc/campaign_rules.md):
 * technical workflows, workflows in error or paused, deliveries the cleanup
 * should have closed or purged, the mirror-page and session backlogs, the
 * xtknewid sequence.  Each function reads one Campaign schema and returns
 * rows of campmon.checks; a table or column it needs that is missing gives
 * no row or a warning row, never an error (_checks also catches errors).
 */

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

-- Technical workflows (campmon.technical_workflow), workflows in error,
-- workflows paused (Adobe: a warning after 7 days), from xtkworkflow
-- (wf, already judged safe to read for sinternalname, istate, ifailed).
-- A workflow's last activity is the latest of its tsprocessing and
-- tslastmodified, those the table has.
CREATE OR REPLACE FUNCTION campmon._workflow_checks(wf regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    act_cols text[];
    activity text;
    since text;
    problem text;
    src text;
BEGIN
    SELECT array_agg(c ORDER BY k) INTO act_cols
    FROM unnest('{tsprocessing,tslastmodified}'::text[]) WITH ORDINALITY u(c, k)
    WHERE campmon._has_column(wf, c);
    problem := campmon._unsafe_to_read(wf, act_cols);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'technical_workflow', 'warning', wf::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s', wf, problem);
        RETURN;
    END IF;
    activity := CASE WHEN act_cols IS NULL THEN 'NULL::timestamptz'
                     ELSE format('greatest(%s)', (SELECT string_agg(format('o.%I::timestamptz', c), ', ') FROM unnest(act_cols) c)) END;
    since := CASE WHEN campmon._has_column(wf, 'tslastmodified') THEN 'o.tslastmodified::timestamptz' ELSE 'NULL::timestamptz' END;
    IF NOT campmon._has_column(wf, 'sinternalname') OR NOT campmon._has_column(wf, 'istate') THEN
        RETURN QUERY SELECT 'technical_workflow', 'warning', wf::text, NULL::numeric, NULL::numeric,
            format('%s lacks sinternalname or istate: the workflows cannot be checked', wf);
        RETURN;
    END IF;

    -- ifailed is optional: without it, no workflow counts as in error
    src := format('(SELECT o.sinternalname::text AS internal_name, o.istate::integer AS state, %s AS failed, %s AS activity, %s AS since FROM %s o)',
                  CASE WHEN campmon._has_column(wf, 'ifailed') THEN 'coalesce(o.ifailed, 0) <> 0' ELSE 'false' END,
                  activity, since, wf);

    -- one row per configured technical workflow
    RETURN QUERY EXECUTE replace($q$
    SELECT 'technical_workflow'::text,
           CASE WHEN w.internal_name IS NULL THEN CASE WHEN t.mid_sourcing_only THEN 'ok' ELSE 'warning' END
                WHEN w.failed OR w.state IN (0, 13, 20) THEN t.severity
                WHEN w.state = 11 AND w.activity IS NULL THEN 'warning'
                WHEN w.state = 11 AND $1 - w.activity > 2 * t.expected_period THEN t.severity
                WHEN w.state = 11 THEN 'ok'
                ELSE 'warning' END,
           t.internal_name,
           round((extract(epoch FROM $1 - w.activity) / 3600)::numeric, 1),
           round((extract(epoch FROM 2 * t.expected_period) / 3600)::numeric, 1),
           CASE WHEN w.internal_name IS NULL AND t.mid_sourcing_only
                THEN format('%s is not installed in %s: it runs only on instances that use mid-sourcing', t.internal_name, $2)
                WHEN w.internal_name IS NULL
                THEN format('no workflow named %s in %s: is its package installed? (%s)', t.internal_name, $2, t.description)
                ELSE format('%s is %s%s; last activity %s (expected every %s; value and threshold in hours)',
                            t.internal_name,
                            coalesce((SELECT os.label FROM campmon.owner_state os WHERE os.owner_table = 'xtkworkflow'
                                      AND w.state BETWEEN os.state_from AND os.state_to ORDER BY os.state_from LIMIT 1),
                                     'in state ' || w.state),
                            CASE WHEN w.failed THEN ', in error: restart it once the error is fixed'
                                 WHEN w.state = 13 THEN ': resume it'
                                 WHEN w.state IN (0, 20) THEN ': start it'
                                 WHEN w.state = 11 AND $1 - w.activity > 2 * t.expected_period THEN ', but late'
                                 ELSE '' END,
                            CASE WHEN w.activity IS NULL THEN 'unknown (no tsprocessing or tslastmodified column)'
                                 ELSE format('%s ago (%s)', campmon._human(greatest($1 - w.activity, interval '0')),
                                             to_char(w.activity, 'YYYY-MM-DD HH24:MI')) END,
                            campmon._human(t.expected_period)) END
    FROM campmon.technical_workflow t
    LEFT JOIN LATERAL (SELECT * FROM @SRC@ x WHERE x.internal_name = t.internal_name LIMIT 1) w ON true
    ORDER BY t.internal_name$q$, '@SRC@', src) USING ref, wf::text;

    -- workflows in error ("restart all workflows in failed status"): the
    -- technical ones first, then the longest in error
    RETURN QUERY EXECUTE replace($q$
    SELECT 'workflows_failed'::text, CASE WHEN count(*) > 0 THEN 'warning' ELSE 'ok' END, NULL::text,
           count(*)::numeric, 0::numeric,
           CASE WHEN count(*) = 0 THEN format('no workflow of %s is in error', $2)
                ELSE format('%s workflows of %s are in error: %s%s; fix and restart them (their work tables stay until then)',
                            count(*), $2,
                            string_agg(x.label, ', ' ORDER BY x.rank) FILTER (WHERE x.rank <= 5),
                            CASE WHEN count(*) > 5 THEN format(' and %s more', count(*) - 5) ELSE '' END) END
    FROM (SELECT format('%s%s%s', f.internal_name,
                        CASE WHEN tw.internal_name IS NOT NULL THEN ' (technical)' ELSE '' END,
                        CASE WHEN f.since IS NOT NULL THEN ' since ' || to_char(f.since, 'YYYY-MM-DD') ELSE '' END) AS label,
                 row_number() OVER (ORDER BY tw.internal_name IS NULL, f.since NULLS LAST, f.internal_name) AS rank
          FROM @SRC@ f LEFT JOIN campmon.technical_workflow tw ON tw.internal_name = f.internal_name
          WHERE f.failed) x$q$, '@SRC@', src) USING ref, wf::text;

    -- paused workflows: their work tables are never purged; Adobe warns
    -- after 7 days, and cleanupPausedWorkflows stops them after a month
    RETURN QUERY EXECUTE replace($q$
    SELECT 'workflows_paused'::text,
           CASE WHEN p.since IS NULL OR $1 - p.since > interval '7 days' THEN 'warning' ELSE 'ok' END,
           p.internal_name,
           round((extract(epoch FROM $1 - p.since) / 86400)::numeric, 1), 7::numeric,
           CASE WHEN p.since IS NULL THEN format('%s is paused, since when is unknown (no tslastmodified column)', p.internal_name)
                ELSE format('%s is paused since %s (%s%s; value and threshold in days)%s', p.internal_name,
                            to_char(p.since, 'YYYY-MM-DD HH24:MI'), campmon._human(greatest($1 - p.since, interval '0')),
                            CASE WHEN p.failed THEN ', in error' ELSE '' END,
                            CASE WHEN $1 - p.since > interval '30 days'
                                 THEN ': over a month, cleanupPausedWorkflows should have stopped it; its work tables stay until it is resumed or stopped'
                                 WHEN $1 - p.since > interval '7 days'
                                 THEN ': its work tables stay until it is resumed or stopped'
                                 ELSE '' END) END
    FROM @SRC@ p
    WHERE p.state = 13
    ORDER BY p.since NULLS FIRST, p.internal_name$q$, '@SRC@', src) USING ref, wf::text;
END $fn$;

REVOKE ALL ON FUNCTION campmon._workflow_checks(regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._workflow_checks(regclass,timestamptz) TO campmon_reader, pg_monitor;

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
                 ELSE format('%s deliveries in progress (state 51 to 84) were past their validity (tsvalidity) by %s: the cleanup closes them (state 95); oldest: %s',
                             n, cutoff_text, ids) END;
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
                     ELSE format('%s stopped or finished deliveries (state 85 or 95%s) still have parts in %s: the cleanup deletes them; first: %s',
                                 n, CASE WHEN campmon._has_column(dlv, 'tslastmodified') THEN ', last changed before ' || cutoff_text ELSE '' END,
                                 parts, ids) END;
        END IF;
    END IF;

    -- deleted deliveries older than NmsCleanup_RecycledDeliveryPurgeDelay
    IF campmon._has_column(dlv, 'ideletestatus') AND campmon._has_column(dlv, 'tslastmodified') THEN
        SELECT * INTO o FROM campmon._option(opt, 'NmsCleanup_RecycledDeliveryPurgeDelay');
        delay := campmon._option_seconds(o.value);
        IF o.found AND delay IS NULL THEN
            RETURN QUERY SELECT 'campaign_option', 'warning', format('%s.NmsCleanup_RecycledDeliveryPurgeDelay', opt), NULL::numeric, NULL::numeric,
                format('option NmsCleanup_RecycledDeliveryPurgeDelay has a value that is not a number of seconds (%s, from %s): the documented week is assumed',
                       coalesce(o.value, 'empty'), coalesce(o.source_column, 'no value column'));
        END IF;
        delay_text := CASE WHEN delay IS NOT NULL THEN format('NmsCleanup_RecycledDeliveryPurgeDelay = %s s, from %s', trim(o.value), o.source_column)
                           ELSE 'NmsCleanup_RecycledDeliveryPurgeDelay absent or unreadable: the documented week is assumed' END;
        delay := coalesce(delay, interval '7 days');
        EXECUTE format('SELECT count(*) FROM %s d WHERE coalesce(d.ideletestatus, 0) <> 0 AND d.tslastmodified::timestamptz < %L',
                       dlv, cutoff - delay) INTO n;
        RETURN QUERY SELECT 'deleted_deliveries_backlog', CASE WHEN n > 0 THEN 'warning' ELSE 'ok' END, dlv::text, n::numeric, 0::numeric,
            format('%s deleted deliveries were deleted more than %s before %s: the cleanup purges them and their logs (%s)',
                   n, campmon._human(delay), cutoff_text, delay_text);
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
                format('%s rows of %s belong to %s deliveries whose mirror pages were due for purge (tswebvalidity past) by %s (%s)%s',
                       est.estimate, mirror, cardinality(dlv_ids), cutoff_text, est.how,
                       CASE WHEN est.estimate > 0 THEN ': the cleanup''s mirror-page task has not run' ELSE '' END);
        END LOOP;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._delivery_checks(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

-- Sessions (xtksessioninfo) that expired before the cleanup's last run:
-- it deletes them (tsexpiration < now).
CREATE OR REPLACE FUNCTION campmon._session_backlog(s text, opt regclass, ref timestamptz)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    rel regclass := to_regclass(format('%I.xtksessioninfo', s));
    last_cleanup timestamptz := campmon._last_cleanup(opt);
    cutoff timestamptz;
    problem text;
    est record;
BEGIN
    IF rel IS NULL THEN
        RETURN;
    END IF;
    problem := coalesce(CASE WHEN NOT campmon._has_column(rel, 'tsexpiration') THEN format('%s has no column tsexpiration', rel) END,
                        campmon._unsafe_to_read(rel, ARRAY['tsexpiration']),
                        CASE WHEN NOT has_table_privilege(rel, 'SELECT') THEN format('%s may not be read by %s', rel, current_user) END);
    IF problem IS NOT NULL THEN
        RETURN QUERY SELECT 'session_backlog', 'warning', rel::text, NULL::numeric, NULL::numeric,
            format('%s is not read: %s', rel, problem);
        RETURN;
    END IF;
    cutoff := least(ref, coalesce(last_cleanup, ref));
    SELECT * INTO est FROM campmon._estimate_rows(rel, format('tsexpiration::timestamptz < %L', cutoff), 'tsexpiration');
    RETURN QUERY SELECT 'session_backlog', CASE WHEN est.estimate > 0 THEN 'warning' ELSE 'ok' END, rel::text, est.estimate, 0::numeric,
        format('%s sessions expired before %s (%s)%s', est.estimate,
               CASE WHEN last_cleanup IS NULL OR last_cleanup >= ref THEN 'now'
                    ELSE format('the cleanup''s last run (%s)', to_char(last_cleanup, 'YYYY-MM-DD HH24:MI')) END,
               est.how, CASE WHEN est.estimate > 0 THEN ': the cleanup deletes them (XtkSessionInfo, tsexpiration)' ELSE '' END);
END $fn$;

REVOKE ALL ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._session_backlog(text,regclass,timestamptz) TO campmon_reader, pg_monitor;

-- The identifier sequence xtknewid wraps at 2^31 (Adobe: "must be
-- monitored"): percent used, warning at 75, critical at 90.  A sequence
-- that has cycled to negative ids counts the negative half.  The rate of
-- use per day comes from campmon.snapshot()'s readings (sequence_trends),
-- once there are enough of them; until then the message says it is unknown.
CREATE OR REPLACE FUNCTION campmon._sequence_checks(s text)
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    q record;
    pct numeric;
    wrap constant numeric := 2147483648;
    rate text;
BEGIN
    FOR q IN SELECT c.oid::regclass AS seq, ps.last_value
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             LEFT JOIN pg_sequences ps ON ps.schemaname = n.nspname AND ps.sequencename = c.relname
             WHERE n.nspname = s AND c.relkind = 'S' AND c.relname = 'xtknewid' LOOP
        IF NOT has_sequence_privilege(q.seq, 'SELECT') AND NOT has_sequence_privilege(q.seq, 'USAGE') THEN
            RETURN QUERY SELECT 'xtknewid_sequence', 'warning', q.seq::text, NULL::numeric, 75::numeric,
                format('%s may not be read by %s: its use cannot be checked', q.seq, current_user);
            CONTINUE;
        END IF;
        -- the snapshots' rate (trends.sql is installed after this file: the
        -- view is looked up when the check runs)
        SELECT CASE WHEN t.ids_per_day IS NULL
                    THEN format('the rate of use per day is not known yet (%s)', t.note)
                    ELSE format('%s used a day over campmon''s snapshots%s', t.ids_per_day,
                                CASE WHEN t.days_to_wrap IS NOT NULL
                                     THEN format(', the wrap in %s days at that pace', t.days_to_wrap) ELSE '' END) END
        INTO rate
        FROM campmon.sequence_trends t WHERE t.sequence_name = format('%I.xtknewid', s);
        pct := CASE WHEN q.last_value IS NULL THEN 0
                    WHEN q.last_value < 0 THEN round(100 * (q.last_value + wrap) / wrap, 2)
                    ELSE round(100 * q.last_value / wrap, 2) END;
        RETURN QUERY SELECT 'xtknewid_sequence',
            CASE WHEN pct >= 90 THEN 'critical' WHEN pct >= 75 THEN 'warning' ELSE 'ok' END,
            q.seq::text, pct, 75::numeric,
            format('%s is at %s of %s (%s%% used%s; warning at 75%%, critical at 90%%)%s; %s (Adobe: check it against the business when it passes 100,000 a day)',
                   q.seq, coalesce(q.last_value::text, 'its start (never used)'), wrap, pct,
                   CASE WHEN q.last_value < 0 THEN ', in the negative range after a wrap' ELSE '' END,
                   CASE WHEN pct >= 75 THEN ': give the largest tables a sequence of their own (pkSequence) before it wraps' ELSE '' END,
                   coalesce(rate, 'no snapshot has read it yet: the rate of use per day is unknown until campmon.snapshot() keeps readings'));
    END LOOP;
END $fn$;

REVOKE ALL ON FUNCTION campmon._sequence_checks(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._sequence_checks(text) TO campmon_reader, pg_monitor;

-- The log tables a purge rule covers in schema s: those the delivery
-- mappings name (mapping_columns of nmsdeliverymapping; a schema name such
-- as nms:broadLogRcp is table nmsbroadlogrcp) plus extra_schemas; with no
-- readable mapping table (or a rule without mapping columns), the tables
-- whose name matches the rule's pattern.  found_by says which.
CREATE OR REPLACE FUNCTION campmon._purge_tables(s text, r campmon.purge_rule)
RETURNS TABLE (rel regclass, found_by text)
LANGUAGE plpgsql STABLE
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
    RETURN QUERY
    SELECT c.oid::regclass,
           format('%s: found by the name pattern %s', coalesce(problem, 'no delivery mapping table'), r.pattern)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = s AND c.relkind IN ('r', 'p') AND c.relname ~ r.pattern
    ORDER BY c.relname;
END $fn$;

REVOKE ALL ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._purge_tables(text,campmon.purge_rule) TO campmon_reader, pg_monitor;
