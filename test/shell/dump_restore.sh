#!/usr/bin/env bash
# dump_restore: campmon's configuration survives pg_dump / restore.  A DBA's
# own rows (seeded = false) are dumped and restored; seeded rows come back
# from CREATE EXTENSION, once, not twice.  Runs against the server of the
# environment (PGHOST/PGPORT), prints pg_regress-like result lines.
set -uo pipefail
db_src=campmon_dump_src
db_dst=campmon_dump_dst
fail=0
check() {   # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        echo "test $1 ... ok"
    else
        echo "test $1 ... FAILED (expected '$2', got '$3')"
        fail=1
    fi
}
q() { psql -X -qtA -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }

dropdb --if-exists "$db_src" 2>/dev/null; dropdb --if-exists "$db_dst" 2>/dev/null
createdb "$db_src" && createdb "$db_dst" || { echo "test dump_restore_setup ... FAILED"; exit 1; }
q "$db_src" "CREATE EXTENSION campmon" >/dev/null
q "$db_src" "INSERT INTO campmon.family (family, pattern, description) VALUES ('broadlog', '^mylog', 'our own delivery logs')" >/dev/null
q "$db_src" "INSERT INTO campmon.work_table_rule (rule, pattern, owner_table, owner_noun, owner_key) VALUES ('export', '^wkexp_([0-9]+)_', 'myexport', 'export', 'iexportid')" >/dev/null
q "$db_src" "INSERT INTO campmon.purge_rule VALUES ('^mylog', 'tslog', 'My_PurgeDelay', '30 days', false)" >/dev/null
q "$db_src" "INSERT INTO campmon.run (dry_run, status, summary) VALUES (true, 'done', 'a past run')" >/dev/null
q "$db_src" "INSERT INTO campmon.run_step (run_id, step, action, outcome) SELECT max(run_id), 1, 'VACUUM', 'skipped' FROM campmon.run" >/dev/null
seeded=$(q "$db_src" "SELECT (SELECT count(*) FROM campmon.family) || '/' || (SELECT count(*) FROM campmon.work_table_rule) || '/' || (SELECT count(*) FROM campmon.purge_rule) || '/' || (SELECT count(*) FROM campmon.owner_state)")

pg_dump -Fc -d "$db_src" -f /tmp/campmon_dump.$$ && pg_restore -d "$db_dst" /tmp/campmon_dump.$$
rc=$?
rm -f /tmp/campmon_dump.$$
check dump_restore_runs 0 "$rc"
check dump_restore_same_counts "$seeded" "$(q "$db_dst" "SELECT (SELECT count(*) FROM campmon.family) || '/' || (SELECT count(*) FROM campmon.work_table_rule) || '/' || (SELECT count(*) FROM campmon.purge_rule) || '/' || (SELECT count(*) FROM campmon.owner_state)")"
check dump_restore_dba_rows "3" "$(q "$db_dst" "SELECT (SELECT count(*) FROM campmon.family WHERE NOT seeded) + (SELECT count(*) FROM campmon.work_table_rule WHERE NOT seeded) + (SELECT count(*) FROM campmon.purge_rule WHERE NOT seeded)")"
check dump_restore_no_duplicate_seeds "0" "$(q "$db_dst" "SELECT count(*) FROM (SELECT pattern, schema_name FROM campmon.family GROUP BY 1, 2 HAVING count(*) > 1) d")"
check dump_restore_history "1/1/a past run" "$(q "$db_dst" "SELECT (SELECT count(*) FROM campmon.run) || '/' || (SELECT count(*) FROM campmon.history) || '/' || (SELECT summary FROM campmon.run)")"
check dump_restore_run_ids_continue "2" "$(q "$db_dst" "INSERT INTO campmon.run (dry_run) VALUES (true) RETURNING run_id")"
check dump_restore_family_used "broadlog" "$(q "$db_dst" "CREATE TABLE mylog_1 (id int); SELECT family FROM campmon.tables WHERE table_name = 'mylog_1'")"

dropdb "$db_src"; dropdb "$db_dst"
exit $fail
