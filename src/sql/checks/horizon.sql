/*
 * checks/horizon.sql -- what stops VACUUM (campmon.vacuum_blockers):
 * xmin_horizon (the worst input of the horizon, by its age in time and in
 * transactions), replication_slot (slots nobody reads that hold rows,
 * catalogs or WAL), prepared_transaction (prepared transactions left
 * behind).  While the horizon is held, VACUUM removes nothing deleted
 * since and freezes nothing past it: bloat grows every night whatever the
 * plan runs, and wraparound comes closer (PostgreSQL, "Routine Vacuuming").
 * Prior art: check_postgres' txn_idle, txn_time, prepared_txns and
 * replication_slots actions, which watch the same things one by one; here
 * they are tied to the rows they hold and to the plan.
 *
 * Read as the caller: another role's session times, state and query stay
 * hidden from a reader without pg_read_all_stats, as pg_stat_activity hides
 * them (the status then rests on the ages it may see).
 */

CREATE OR REPLACE FUNCTION campmon._check_horizon()
RETURNS TABLE (check_name text, status text, target text, value numeric, threshold numeric, message text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    warn_age interval := campmon._seconds('campmon.xmin_horizon_warning_age');
    crit_age interval := campmon._seconds('campmon.xmin_horizon_critical_age');
    warn_x bigint := campmon._setting_num('campmon.xmin_horizon_warning_xids');
    crit_x bigint := campmon._setting_num('campmon.xmin_horizon_critical_xids');
    pwarn interval := campmon._seconds('campmon.prepared_transaction_warning_age');
    pcrit interval := campmon._seconds('campmon.prepared_transaction_critical_age');
    wal_warn bigint := campmon._setting_num('campmon.slot_wal_warning_size');   -- MB (the GUC's unit)
    wal_crit bigint := campmon._setting_num('campmon.slot_wal_critical_size');
    b record;
    n integer;
    hidden boolean := NOT pg_has_role(current_user, 'pg_read_all_stats', 'USAGE');
BEGIN
    -- (campmon.vacuum_blockers and _blocker_detail are installed after the
    -- checks: plpgsql finds them when called)
    -- xmin_horizon: the worst input, by time then transactions
    SELECT x.*, campmon._blocker_detail(x) AS detail,
           CASE WHEN x.age >= crit_age OR x.xid_age >= crit_x THEN 'critical'
                WHEN x.age >= warn_age OR x.xid_age >= warn_x THEN 'warning' ELSE 'ok' END AS st,
           count(*) OVER () AS n
    INTO b
    FROM campmon.vacuum_blockers x
    ORDER BY CASE WHEN x.age >= crit_age OR x.xid_age >= crit_x THEN 2
                  WHEN x.age >= warn_age OR x.xid_age >= warn_x THEN 1 ELSE 0 END DESC,
             x.xid_age DESC, x.sets_horizon DESC, x.age DESC NULLS LAST
    LIMIT 1;
    IF b.kind IS NULL THEN
        RETURN QUERY SELECT 'xmin_horizon'::text, 'ok'::text, 'xmin horizon'::text, 0::numeric, warn_x::numeric,
            'nothing holds the xmin horizon back: VACUUM can remove the dead rows of every finished transaction';
    ELSE
        RETURN QUERY SELECT 'xmin_horizon'::text, b.st, 'xmin horizon'::text, b.xid_age::numeric, warn_x::numeric,
            format('%s holds the xmin horizon%s: %s transactions old%s (value and threshold in transactions; campmon.xmin_horizon_warning_age %s). VACUUM cannot remove what was deleted since%s, nor freeze past it. Held: %s. %s%s%s',
                   b.detail, CASE WHEN b.holds = 'catalogs' THEN ' of the system catalogs' ELSE '' END, b.xid_age,
                   CASE WHEN b.age IS NOT NULL THEN format(', %s', campmon._human(b.age)) ELSE format(', time %s', b.age_basis) END,
                   campmon._human(warn_age),
                   CASE WHEN b.holds = 'catalogs' THEN ' in the catalogs (the churn of work tables piles up in pg_class, pg_attribute...)' ELSE '' END,
                   b.dead_rows_note, b.advice,
                   CASE WHEN b.n > 1 THEN format('; %s more in campmon.vacuum_blockers', b.n - 1) ELSE '' END,
                   CASE WHEN hidden THEN format(' (other roles'' session times are hidden from %s: pg_read_all_stats sees them)', current_user) ELSE '' END);
    END IF;

    -- replication_slot: every slot; those nobody reads hold rows, catalogs or WAL
    n := 0;
    FOR b IN
        SELECT s.slot_name::text AS slot, s.slot_type, s.active, s.active_pid, s.wal_status, s.database,
               coalesce(s.xmin, s.catalog_xmin) AS held, CASE WHEN s.xmin IS NOT NULL THEN 'rows' WHEN s.catalog_xmin IS NOT NULL THEN 'catalogs' END AS holds,
               age(coalesce(s.xmin, s.catalog_xmin)) AS xid_age,
               pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() ELSE pg_current_wal_lsn() END, s.restart_lsn) AS wal
        FROM pg_replication_slots s ORDER BY s.slot_name
    LOOP
        n := n + 1;
        RETURN QUERY SELECT 'replication_slot'::text,
            CASE WHEN b.wal_status IN ('lost', 'unreserved')
                      OR (NOT b.active AND (b.wal >= wal_crit * 1048576 OR b.xid_age >= crit_x)) THEN 'critical'
                 -- nobody reads it and it holds something; or its reader lags far behind
                 WHEN (NOT b.active AND (b.held IS NOT NULL OR b.wal >= wal_warn * 1048576))
                      OR b.wal >= wal_crit * 1048576 OR b.xid_age >= crit_x THEN 'warning'
                 ELSE 'ok' END,
            b.slot, round(coalesce(b.wal, 0) / 1048576.0, 1), wal_warn::numeric,
            format('%s slot %s is %s%s; it retains %s of WAL%s%s (value and threshold in MB)%s',
                   b.slot_type, quote_literal(b.slot),
                   CASE WHEN b.active THEN format('read (pid %s)', b.active_pid) ELSE 'not read by anyone' END,
                   coalesce(', database ' || b.database, ''),
                   pg_size_pretty(coalesce(b.wal, 0)::bigint), coalesce(format(' (wal_status %s)', b.wal_status), ''),
                   CASE WHEN b.holds = 'rows' THEN format(' and holds every table''s dead rows since transaction %s (%s transactions ago)', b.held, b.xid_age)
                        WHEN b.holds = 'catalogs' THEN format(' and holds the system catalogs'' dead rows since transaction %s (%s transactions ago: the churn of work tables stays in pg_class, pg_attribute...)', b.held, b.xid_age)
                        ELSE '' END,
                   CASE WHEN NOT b.active
                        THEN format('. Restart its consumer, or drop it: SELECT pg_drop_replication_slot(%L) (campmon never does)', b.slot)
                        ELSE '' END);
    END LOOP;
    IF n = 0 THEN
        RETURN QUERY SELECT 'replication_slot'::text, 'ok'::text, 'replication slots'::text, 0::numeric, wal_warn::numeric,
            'no replication slot';
    END IF;

    -- prepared_transaction: this database's
    n := 0;
    FOR b IN SELECT p.gid, p.owner, p.prepared, age(p.transaction) AS xid_age, now() - p.prepared AS age
             FROM pg_prepared_xacts p WHERE p.database = current_database() ORDER BY p.prepared LOOP
        n := n + 1;
        RETURN QUERY SELECT 'prepared_transaction'::text,
            CASE WHEN b.age >= pcrit THEN 'critical' WHEN b.age >= pwarn THEN 'warning' ELSE 'ok' END,
            b.gid::text, round((extract(epoch FROM b.age) / 60)::numeric, 1), round((extract(epoch FROM pwarn) / 60)::numeric, 1),
            format('transaction %L prepared by %s %s ago (%s transactions; value and threshold in minutes) holds its locks and the xmin horizon until COMMIT PREPARED %L or ROLLBACK PREPARED %L; nothing else ends it, not even a restart (campmon never does)',
                   b.gid, b.owner, campmon._human(b.age), b.xid_age, b.gid, b.gid);
    END LOOP;
    IF n = 0 THEN
        RETURN QUERY SELECT 'prepared_transaction'::text, 'ok'::text, 'prepared transactions'::text, 0::numeric,
            round((extract(epoch FROM pwarn) / 60)::numeric, 1),
            CASE WHEN current_setting('max_prepared_transactions')::integer = 0
                 THEN 'no prepared transaction (max_prepared_transactions is 0: none can be made)'
                 ELSE 'no prepared transaction in this database' END;
    END IF;
END $fn$;

REVOKE ALL ON FUNCTION campmon._check_horizon() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._check_horizon() TO campmon_reader, pg_monitor;

SELECT campmon._register_check('xmin_horizon', 'vacuum',
    'The oldest input of the xmin horizon (campmon.vacuum_blockers): a session with an old snapshot or transaction, idle in transaction or not, a prepared transaction, a replication slot, a standby''s hot_standby_feedback; what it holds (dead rows VACUUM cannot remove) and what to do',
    'warning when older than campmon.xmin_horizon_warning_age or campmon.xmin_horizon_warning_xids transactions; critical beyond campmon.xmin_horizon_critical_age or campmon.xmin_horizon_critical_xids; ok otherwise or when nothing holds it',
    '{campmon.xmin_horizon_warning_age,campmon.xmin_horizon_critical_age,campmon.xmin_horizon_warning_xids,campmon.xmin_horizon_critical_xids}',
    'PostgreSQL, "Routine Vacuuming" (dead rows an open snapshot may still see are not removable; freezing stops at the oldest one); check_postgres'' txn_idle and txn_time actions watch old transactions likewise',
    'End what holds it: the application commits or rolls back its transaction (else SELECT pg_terminate_backend(pid)); COMMIT or ROLLBACK PREPARED; restart or drop an unread slot; end the standby''s long query. campmon only advises. Set idle_in_transaction_session_timeout so that it does not come back',
    'campmon._check_horizon', 140);
SELECT campmon._register_check('replication_slot', 'vacuum',
    'Every replication slot: whether anyone reads it, the WAL it retains, the rows (xmin) or system catalogs (catalog_xmin) it holds back',
    'critical when its WAL is lost or unreserved, or an unread slot retains more than campmon.slot_wal_critical_size or is campmon.xmin_horizon_critical_xids transactions old; warning when nobody reads it and it holds rows, catalogs or more WAL than campmon.slot_wal_warning_size; ok otherwise or when there is none',
    '{campmon.slot_wal_warning_size,campmon.slot_wal_critical_size,campmon.xmin_horizon_critical_xids}',
    'PostgreSQL, "Routine Vacuuming" and "Replication Slots" (a slot keeps WAL and, with hot_standby_feedback or logical decoding, rows and catalog rows until its consumer confirms them); check_postgres'' replication_slots action watches the WAL',
    'Restart the slot''s consumer; if it is gone for good, drop the slot (SELECT pg_drop_replication_slot(name)): a logical slot nobody reads keeps every dead row of the catalogs that Campaign''s work tables churn. campmon never drops it. max_slot_wal_keep_size bounds the WAL',
    'campmon._check_horizon', 141);
SELECT campmon._register_check('prepared_transaction', 'vacuum',
    'Prepared transactions (two-phase commit) of this database and how long ago they were prepared: one left behind holds its locks and the horizon across restarts',
    'warning when older than campmon.prepared_transaction_warning_age, critical beyond campmon.prepared_transaction_critical_age; ok otherwise or when there is none',
    '{campmon.prepared_transaction_warning_age,campmon.prepared_transaction_critical_age}',
    'PostgreSQL, "PREPARE TRANSACTION" and "Routine Vacuuming"; check_postgres'' prepared_txns action',
    'Ask its transaction manager; if none will finish it, COMMIT PREPARED or ROLLBACK PREPARED it by its gid, as its owner or a superuser (campmon never does)',
    'campmon._check_horizon', 142);
