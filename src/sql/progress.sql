/*
 * progress.sql -- campmon.progress: the run under way and its step, with
 * PostgreSQL's own progress reporting for it (pg_stat_progress_vacuum,
 * _analyze, _create_index, _cluster) or, for a REPACK step, pg_repack's
 * phase as far as it can be seen (the query of its backend, the size of its
 * copy against the table's, the size of its log of writes to replay); the
 * share done, the time elapsed and the time left.
 *
 * The share done is a weighted sum over the command's phases (the weights
 * are campmon's, from where the time goes on the demo database: the heap
 * scans dominate); the time left extrapolates the elapsed time by it, or,
 * before 1% is done, is the plan's estimate less the elapsed time.  The
 * progress views show another role's backends only to members of that role
 * or of pg_read_all_stats: otherwise basis says so and the share is NULL.
 */

-- pg_repack's phase, from its backend's query (app) when it can be read,
-- else from the objects it has made so far: its copy repack.table_<oid>,
-- the copy's indexes, its log repack.log_<oid>.
CREATE OR REPLACE FUNCTION campmon._repack_progress(rel oid, app text,
    OUT phase text, OUT fraction numeric, OUT detail text, OUT basis text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    q text;
    copy_rel oid;
    log_rel oid;
    -- sizes from the files, without a lock (pg_repack takes ACCESS
    -- EXCLUSIVE at its start and its swap: the view must not wait)
    heap bigint;
    copied bigint;
    built integer;
    indexes integer := (SELECT count(*) FROM pg_index WHERE indrelid = rel AND indisvalid);
    copy_f numeric;
BEGIN
    IF rel IS NULL THEN
        basis := 'no table';
        RETURN;
    END IF;
    SELECT a.query INTO q FROM pg_stat_activity a
    WHERE a.application_name = app AND a.datname = current_database() AND a.state = 'active'
      AND a.query NOT IN ('<insufficient privilege>', '')
    LIMIT 1;
    copy_rel := to_regclass(format('repack.%I', 'table_' || rel));
    log_rel := to_regclass(format('repack.%I', 'log_' || rel));
    -- the table with its TOAST, without its indexes: what the copy fills
    heap := campmon._total_bytes(rel)
            - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = rel), 0);
    copied := CASE WHEN copy_rel IS NOT NULL THEN campmon._total_bytes(copy_rel)
                   - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = copy_rel), 0) END;
    built := (SELECT count(*) FROM pg_index WHERE indrelid = copy_rel);
    copy_f := least(coalesce(copied, 0)::numeric / greatest(heap, 8192), 1);
    detail := concat_ws(', ',
        CASE WHEN copied IS NOT NULL THEN format('copy %s of %s', pg_size_pretty(copied), pg_size_pretty(heap)) END,
        CASE WHEN copy_rel IS NOT NULL THEN format('%s of %s indexes built', built, indexes) END,
        CASE WHEN log_rel IS NOT NULL THEN format('log of writes to replay %s', pg_size_pretty(campmon._total_bytes(log_rel))) END);
    basis := CASE WHEN q IS NOT NULL THEN 'pg_repack''s query, the size of its copy and log'
                  ELSE 'the size of pg_repack''s copy and log (its query is not visible to this role)' END;
    phase := CASE
        WHEN q ~* '^\s*INSERT INTO repack\.table_' OR (q IS NULL AND copy_rel IS NOT NULL AND built = 0) THEN 'copying the table'
        WHEN q ~* 'CREATE (UNIQUE )?INDEX' OR (q IS NULL AND copy_rel IS NOT NULL AND built < indexes) THEN 'building the copy''s indexes'
        WHEN q ~* 'repack_apply' OR (q IS NULL AND copy_rel IS NOT NULL) THEN 'replaying the writes made meanwhile'
        WHEN q ~* 'virtualxid' THEN 'waiting for older transactions to end'
        WHEN q ~* 'repack_swap' THEN 'swapping the copy in'
        WHEN q ~* 'repack_drop' THEN 'dropping the old table'
        WHEN q ~* '^\s*ANALYZE' THEN 'analyzing'
        WHEN log_rel IS NULL AND copy_rel IS NULL AND q IS NULL THEN 'starting or finishing'
        ELSE 'setting up (lock, log table, trigger)' END;
    fraction := CASE phase
        WHEN 'setting up (lock, log table, trigger)' THEN 0.02
        WHEN 'copying the table' THEN 0.05 + 0.55 * copy_f
        WHEN 'building the copy''s indexes' THEN 0.60 + 0.30 * built / greatest(indexes, 1)
        WHEN 'replaying the writes made meanwhile' THEN 0.90
        WHEN 'waiting for older transactions to end' THEN 0.92
        WHEN 'swapping the copy in' THEN 0.95
        WHEN 'dropping the old table' THEN 0.97
        WHEN 'analyzing' THEN 0.98 END;
END $fn$;

REVOKE ALL ON FUNCTION campmon._repack_progress(oid,text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._repack_progress(oid,text) TO campmon_reader, pg_monitor;

-- A step's progress from PostgreSQL's progress views (the worker's pid):
-- the phase, the share done, the figures it rests on, and which view.
CREATE OR REPLACE FUNCTION campmon._step_progress(pid integer, action text, rel oid,
    OUT phase text, OUT fraction numeric, OUT detail text, OUT basis text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $fn$
DECLARE
    v record;
    main bigint;
    toast oid;
    share numeric := 1;
    f numeric;
    -- a progress row without its figures: another role's, not ours to see
    hidden text := format('not visible to %s: PostgreSQL shows another role''s progress to members of that role or of pg_read_all_stats', current_user);
BEGIN
    SELECT p.* INTO v FROM pg_stat_progress_vacuum p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        -- the table, then its TOAST table: each its share of the pages
        -- (sizes from the files: no lock on the table)
        SELECT c.reltoastrelid INTO toast FROM pg_class c WHERE c.oid = rel;
        IF toast <> 0 THEN
            main := campmon._total_bytes(rel) - campmon._total_bytes(toast)
                    - coalesce((SELECT sum(campmon._total_bytes(i.indexrelid)) FROM pg_index i WHERE i.indrelid = rel), 0);
            share := main::numeric / greatest(main + campmon._total_bytes(toast), 1);
        END IF;
        f := CASE v.phase
            WHEN 'initializing' THEN 0
            WHEN 'scanning heap' THEN v.heap_blks_scanned::numeric / greatest(v.heap_blks_total, 1)
                                      / CASE WHEN v.num_dead_tuples > 0 OR v.index_vacuum_count > 0 THEN 2 ELSE 1 END
            WHEN 'vacuuming indexes' THEN 0.5 + 0.5 * v.heap_blks_vacuumed / greatest(v.heap_blks_total, 1)
            WHEN 'vacuuming heap' THEN 0.5 + 0.5 * v.heap_blks_vacuumed / greatest(v.heap_blks_total, 1)
            ELSE 0.97 END;
        phase := format('VACUUM: %s%s', v.phase, CASE WHEN v.relid = toast THEN ' (its TOAST table)' END);
        fraction := 0.9 * CASE WHEN v.relid = toast THEN share + (1 - share) * f ELSE share * f END;
        detail := format('heap %s of %s blocks scanned, %s vacuumed, %s index passes, %s dead rows collected',
                         v.heap_blks_scanned, v.heap_blks_total, v.heap_blks_vacuumed, v.index_vacuum_count, v.num_dead_tuples);
        basis := 'pg_stat_progress_vacuum';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_cluster p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('%s: %s', v.command, v.phase);
        fraction := CASE v.phase
            WHEN 'initializing' THEN 0
            WHEN 'seq scanning heap' THEN 0.6 * v.heap_blks_scanned / greatest(v.heap_blks_total, 1)
            WHEN 'index scanning heap' THEN 0.3
            WHEN 'sorting tuples' THEN 0.6
            WHEN 'writing new heap' THEN 0.6 + 0.1 * least(v.heap_tuples_written::numeric
                                                            / greatest((SELECT reltuples FROM pg_class WHERE oid = rel), 1), 1)
            WHEN 'swapping relation files' THEN 0.7
            WHEN 'rebuilding index' THEN 0.7 + 0.25 * v.index_rebuild_count
                                                / greatest((SELECT count(*) FROM pg_index WHERE indrelid = rel), 1)
            ELSE 0.97 END * CASE WHEN action = 'VACUUM (FULL)' THEN 0.9 ELSE 1 END;
        detail := format('heap %s of %s blocks scanned, %s rows written, %s indexes rebuilt',
                         v.heap_blks_scanned, v.heap_blks_total, v.heap_tuples_written, v.index_rebuild_count);
        basis := 'pg_stat_progress_cluster';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_create_index p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('%s: %s', v.command, v.phase);
        fraction := CASE
            WHEN v.phase = 'building index: scanning table' THEN 0.45 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase = 'building index: sorting live tuples' THEN 0.45
            WHEN v.phase ~ '^building index' THEN 0.5 + 0.1 * v.tuples_done / greatest(v.tuples_total, 1)
            WHEN v.phase = 'waiting for writers before validation' THEN 0.6
            WHEN v.phase = 'index validation: scanning index' THEN 0.6 + 0.05 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase = 'index validation: sorting tuples' THEN 0.67
            WHEN v.phase = 'index validation: scanning table' THEN 0.7 + 0.25 * v.blocks_done / greatest(v.blocks_total, 1)
            WHEN v.phase ~ '^waiting' AND v.phase <> 'waiting for writers before build' THEN 0.96
            ELSE 0 END;
        detail := format('%s of %s blocks, %s of %s tuples%s', v.blocks_done, v.blocks_total, v.tuples_done, v.tuples_total,
                         CASE WHEN v.lockers_total > 0 THEN format(', waiting for %s of %s sessions', v.lockers_total - v.lockers_done, v.lockers_total) END);
        basis := 'pg_stat_progress_create_index';
        RETURN;
    END IF;
    SELECT p.* INTO v FROM pg_stat_progress_analyze p WHERE p.pid = _step_progress.pid;
    IF FOUND AND v.phase IS NULL THEN
        basis := hidden;
        RETURN;
    END IF;
    IF FOUND THEN
        phase := format('ANALYZE: %s', v.phase);
        f := CASE v.phase
            WHEN 'acquiring sample rows' THEN 0.8 * v.sample_blks_scanned / greatest(v.sample_blks_total, 1)
            WHEN 'computing statistics' THEN 0.85
            WHEN 'computing extended statistics' THEN 0.9 + 0.05 * v.ext_stats_computed / greatest(v.ext_stats_total, 1)
            WHEN 'finalizing analyze' THEN 0.98
            ELSE 0 END;
        -- after the VACUUM or the rewrite of a VACUUM (…, ANALYZE) step
        fraction := CASE WHEN action = 'ANALYZE' THEN f ELSE 0.9 + 0.1 * f END;
        detail := format('%s of %s sample blocks', v.sample_blks_scanned, v.sample_blks_total);
        basis := 'pg_stat_progress_analyze';
        RETURN;
    END IF;
    basis := CASE WHEN EXISTS (SELECT FROM pg_stat_activity a WHERE a.pid = _step_progress.pid AND a.query = '<insufficient privilege>')
                  THEN hidden
                  ELSE 'no progress reported (the command has not started, or reports none)' END;
END $fn$;

REVOKE ALL ON FUNCTION campmon._step_progress(integer,text,oid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION campmon._step_progress(integer,text,oid) TO campmon_reader, pg_monitor;

CREATE OR REPLACE VIEW campmon.progress AS
WITH r AS (
    SELECT r.run_id, r.run_by, r.worker_pid, r.started_at, r.status,
           (SELECT count(*) FROM campmon.run_step x WHERE x.run_id = r.run_id) AS steps,
           (SELECT count(*) FROM campmon.run_step x WHERE x.run_id = r.run_id AND x.outcome NOT IN ('pending', 'running')) AS steps_finished
    FROM campmon.run r WHERE r.status IN ('running', 'cancelling') AND NOT r.dry_run
),
s AS (
    -- the step running, else the one about to start (it may be waiting)
    SELECT DISTINCT ON (s.run_id) s.*
    FROM campmon.run_step s JOIN r USING (run_id)
    WHERE s.outcome IN ('running', 'pending')
    ORDER BY s.run_id, s.outcome = 'running' DESC, s.step
),
p AS (
    SELECT s.run_id, s.step, x.*
    FROM s JOIN r USING (run_id)
    CROSS JOIN LATERAL (
        SELECT * FROM campmon._repack_progress(s.target_relid, format('campmon repack %s.%s', s.run_id, s.step))
        WHERE s.action = 'REPACK' AND s.outcome = 'running'
        UNION ALL
        SELECT * FROM campmon._step_progress(r.worker_pid, s.action, s.target_relid)
        WHERE s.action <> 'REPACK' AND s.outcome = 'running') x
)
SELECT r.run_id, r.run_by, r.worker_pid, r.steps, r.steps_finished,
       s.step, s.action, s.target,
       CASE WHEN s.step IS NULL THEN 'finishing'
            WHEN s.outcome = 'pending' AND s.waited_for IS NOT NULL THEN 'waiting'
            WHEN s.outcome = 'pending' THEN 'starting'
            WHEN EXISTS (SELECT FROM pg_locks l WHERE l.pid = r.worker_pid AND NOT l.granted) THEN 'waiting for a lock'
            ELSE 'running' END AS state,
       CASE WHEN s.outcome = 'pending' AND s.waited_for IS NOT NULL THEN format('%s: %s', s.rule, s.waited_for)
            ELSE p.phase END AS phase,
       round(100 * p.fraction, 1) AS percent_done,
       CASE WHEN s.outcome = 'running' THEN date_trunc('second', clock_timestamp() - s.started_at) END AS elapsed,
       s.estimated_seconds,
       CASE WHEN s.outcome <> 'running' THEN NULL
            WHEN p.fraction >= 0.01
            THEN date_trunc('second', (clock_timestamp() - s.started_at) * ((1 - p.fraction) / p.fraction)::float8)
            ELSE greatest(make_interval(secs => s.estimated_seconds::float8) - date_trunc('second', clock_timestamp() - s.started_at),
                          interval '0') END AS time_left,
       CASE WHEN s.outcome <> 'running' THEN NULL
            WHEN p.fraction >= 0.01 THEN 'elapsed time and share done'
            ELSE 'the plan''s estimate less the elapsed time' END AS time_left_basis,
       p.detail, p.basis,
       r.started_at AS run_started_at, s.started_at AS step_started_at
FROM r LEFT JOIN s USING (run_id) LEFT JOIN p ON p.run_id = s.run_id AND p.step = s.step;

COMMENT ON VIEW campmon.progress IS
'The maintenance run under way: its step, the phase and share done from PostgreSQL''s progress reporting (or pg_repack''s copy), elapsed and estimated time left, or what the step waits for';

REVOKE ALL ON campmon.progress FROM PUBLIC;
GRANT SELECT ON campmon.progress TO campmon_reader, pg_monitor;
