-- scale_measure.sql: one listing (:q) in this fresh session, timed, while
-- bench/rss_peak.sh samples the backend's private memory.  Prints
-- "rows seconds".  Run by bench/scale_run.sh.
SELECT pg_backend_pid() AS pid \gset
\setenv CAMPMON_PID :pid
\! bash bench/rss_peak.sh $CAMPMON_PID $CAMPMON_WORK/peak $CAMPMON_WORK/stop &
\! sleep 0.1
SELECT extract(epoch FROM clock_timestamp()) AS t0 \gset
\o /dev/null
SELECT * FROM :q;
\o
SELECT round((extract(epoch FROM clock_timestamp()) - :t0)::numeric, 3) AS secs \gset
\! touch $CAMPMON_WORK/stop; sleep 0.1
SELECT count(*) || ' ' || :secs FROM :q;
