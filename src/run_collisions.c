/*-------------------------------------------------------------------------
 *
 * run_collisions.c
 *	  The collision rules a run's worker checks before each step (run_gate.c
 *	  waits or skips on what they find): work of others that a step would
 *	  disturb, or be disturbed by.
 *
 *	backup_running         a pg_dump (or another backup application of
 *	                       campmon.run_backup_applications) or a base backup
 *	                       runs somewhere on the server: Adobe asks for a slot
 *	                       "that does not collide with backups", and the
 *	                       dump's snapshot keeps every dead row a VACUUM would
 *	                       remove;
 *	cleanup_running        Campaign's Database cleanup workflow is at work: a
 *	                       task of it has started and not completed, or a
 *	                       session of Campaign's role runs VACUUM or ANALYZE
 *	                       (its statistics task vacuums the whole database);
 *	autovacuum_wraparound  an anti-wraparound autovacuum works on the step's
 *	                       table: never cancelled, always waited for;
 *	autovacuum_running     a regular autovacuum works on it: the step's lock
 *	                       would make PostgreSQL cancel it (its work thrown
 *	                       away); waited for or the step skipped
 *	                       (campmon.run_autovacuum);
 *	maintenance_running    another session's VACUUM, ANALYZE, CLUSTER / VACUUM
 *	                       FULL, CREATE INDEX / REINDEX, or a pg_repack works
 *	                       on the same table.
 *
 * What the sessions do is read from PostgreSQL's own shared state -- the
 * backends' status and progress reporting, the process array, the lock
 * table -- not from pg_stat_activity, which hides other roles' sessions
 * from a run role without pg_read_all_stats: a run must see an autovacuum
 * whoever it runs as.  Only what a session is and does is recorded in the
 * history (its pid, role, command, table, since when), never its query.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "commands/progress.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/proc.h"
#include "storage/procarray.h"
#include "utils/backend_progress.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

#include "campmon.h"
#include "run_shared.h"

/* pg_repack's advisory lock on a table it works on: (16185446, OID - 2^31) */
#define REPACK_LOCK_CLASSID 16185446

/* The relations a step's work touches: its target, the table of an index
 * target, and their TOAST tables (a VACUUM vacuums its TOAST too). */
typedef struct StepRelations
{
	Oid			rels[4];
	int			n;
	Oid			table;			/* the table (InvalidOid: none) */
} StepRelations;

static void
add_rel(StepRelations *r, Oid relid)
{
	if (OidIsValid(relid) && r->n < lengthof(r->rels))
		r->rels[r->n++] = relid;
}

static bool
touches(const StepRelations *r, Oid relid)
{
	for (int i = 0; i < r->n; i++)
		if (r->rels[i] == relid)
			return true;
	return false;
}

/* In the caller's transaction: what the step's target is now. */
static void
step_relations(StepToRun *s, StepRelations *r)
{
	HeapTuple	tup;
	Oid			relid = s->relid;

	memset(r, 0, sizeof(*r));
	/* a REINDEX CONCURRENTLY leaves the index under its name with a new OID */
	if (s->relname != NULL)
	{
		Oid			byname = get_relname_relid(s->relname, s->relnamespace);

		if (OidIsValid(byname))
			relid = byname;
	}
	if (!OidIsValid(relid))
		return;
	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return;
	if (((Form_pg_class) GETSTRUCT(tup))->relkind == RELKIND_INDEX)
	{
		HeapTuple	itup = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(relid));

		add_rel(r, relid);
		if (HeapTupleIsValid(itup))
		{
			r->table = ((Form_pg_index) GETSTRUCT(itup))->indrelid;
			ReleaseSysCache(itup);
		}
	}
	else
		r->table = relid;
	ReleaseSysCache(tup);
	if (OidIsValid(r->table))
	{
		add_rel(r, r->table);
		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(r->table));
		if (HeapTupleIsValid(tup))
		{
			add_rel(r, ((Form_pg_class) GETSTRUCT(tup))->reltoastrelid);
			ReleaseSysCache(tup);
		}
	}
}

static const char *
command_name(ProgressCommandType cmd)
{
	switch (cmd)
	{
		case PROGRESS_COMMAND_VACUUM:
			return "VACUUM";
		case PROGRESS_COMMAND_ANALYZE:
			return "ANALYZE";
		case PROGRESS_COMMAND_CLUSTER:
			return "CLUSTER or VACUUM FULL";
		case PROGRESS_COMMAND_CREATE_INDEX:
			return "CREATE INDEX or REINDEX";
		case PROGRESS_COMMAND_BASEBACKUP:
			return "BASE_BACKUP";
		case PROGRESS_COMMAND_COPY:
			return "COPY";
		default:
			return "a command";
	}
}

/* "since 04:00:12 (3 min)" for a session's current command */
static char *
since_text(TimestampTz since)
{
	long		secs;
	int			usecs;

	if (since == 0)
		return pstrdup("");
	TimestampDifference(since, GetCurrentTimestamp(), &secs, &usecs);
	return psprintf(" for %ld s", secs);
}

static char *
role_name(Oid roleid)
{
	char	   *name = OidIsValid(roleid) ? GetUserNameFromId(roleid, true) : NULL;

	return name ? name : pstrdup("(no role)");
}

/* Whether the backend of this pid runs an anti-wraparound autovacuum. */
static bool
vacuum_for_wraparound(int pid)
{
	bool		result = false;
	PGPROC	   *proc;

	LWLockAcquire(ProcArrayLock, LW_SHARED);
	proc = BackendPidGetProcWithLock(pid);
	if (proc != NULL)
		result = (proc->statusFlags & PROC_VACUUM_FOR_WRAPAROUND) != 0;
	LWLockRelease(ProcArrayLock);
	return result;
}

/* Whether name is one of campmon.run_backup_applications. */
static bool
backup_application(const char *name)
{
	char	   *copy;
	List	   *names;
	ListCell   *lc;
	bool		found = false;

	if (name == NULL || name[0] == '\0' || campmon_run_backup_applications == NULL)
		return false;
	copy = pstrdup(campmon_run_backup_applications);
	if (!SplitIdentifierString(copy, ',', &names))
		return false;
	foreach(lc, names)
		if (strcmp((char *) lfirst(lc), name) == 0)
			found = true;
	list_free(names);
	pfree(copy);
	return found;
}

/*
 * The Database cleanup workflow: a task started and not completed in a
 * Campaign schema (campmon._cleanup_at_work(), which reads xtkworkflow and
 * xtkworkflowtask only where that is safe), and the roles that own
 * Campaign's workflow tables (whose VACUUM or ANALYZE is the cleanup's
 * statistics task).  Returns the why of a running task, or NULL.
 */
static char *
cleanup_task(List **campaign_roles)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *why = NULL;

	*campaign_roles = NIL;
	SPI_connect();
	PushActiveSnapshot(GetTransactionSnapshot());
	if (SPI_execute("SELECT campaign_role, task_running FROM campmon._cleanup_at_work()", true, 0) == SPI_OK_SELECT)
	{
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			bool		isnull;
			Datum		role = SPI_getbinval(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 1, &isnull);
			char	   *task = SPI_getvalue(SPI_tuptable->vals[r], SPI_tuptable->tupdesc, 2);
			MemoryContext old = MemoryContextSwitchTo(cxt);

			if (!isnull)
				*campaign_roles = lappend_oid(*campaign_roles, DatumGetObjectId(role));
			if (task != NULL && why == NULL)
				why = pstrdup(task);
			MemoryContextSwitchTo(old);
		}
	}
	PopActiveSnapshot();
	SPI_finish();
	return why;
}

/*
 * The first collision before step s, in the rules' order (the server-wide
 * ones first: they hold every step).  False when there is none.  Runs in a
 * short transaction of its own.
 */
bool
collision_find(StepToRun *s, Collision *c)
{
	MemoryContext cxt = CurrentMemoryContext;
	StepRelations rels;
	List	   *campaign_roles;
	char	   *task;
	int			n;
	bool		found = false;

	memset(c, 0, sizeof(*c));
	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	/* a fresh copy of the backends' status, not the transaction's cached one */
	pgstat_clear_backend_activity_snapshot();
	step_relations(s, &rels);
	task = cleanup_task(&campaign_roles);
	MemoryContextSwitchTo(cxt);
	if (task != NULL)
	{
		c->rule = "cleanup_running";
		c->server_wide = true;
		c->wait = true;
		c->why = psprintf("Campaign's Database cleanup workflow is at work: %s", task);
		found = true;
	}

	n = pgstat_fetch_stat_numbackends();
	for (int i = 1; i <= n && !found; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be;
		ProgressCommandType cmd;
		Oid			target;

		CHECK_FOR_INTERRUPTS();
		if (local == NULL)
			continue;
		be = &local->backendStatus;
		if (be->st_procpid == MyProcPid || be->st_procpid == 0)
			continue;
		cmd = be->st_progress_command;
		target = be->st_progress_command_target;

		/* backup_running: anywhere on the server */
		if (cmd == PROGRESS_COMMAND_BASEBACKUP)
		{
			c->rule = "backup_running";
			c->server_wide = true;
			c->wait = true;
			c->why = psprintf("a base backup is running (process %d, role %s, application \"%s\")%s",
							  be->st_procpid, role_name(be->st_userid), be->st_appname,
							  since_text(be->st_activity_start_timestamp));
			found = true;
			break;
		}
		if (be->st_backendType == B_BACKEND && backup_application(be->st_appname) &&
			(be->st_state == STATE_RUNNING || be->st_state == STATE_IDLEINTRANSACTION ||
			 be->st_state == STATE_IDLEINTRANSACTION_ABORTED || be->st_state == STATE_FASTPATH))
		{
			c->rule = "backup_running";
			c->server_wide = true;
			c->wait = true;
			c->why = psprintf("%s is running in database %s (process %d, role %s)%s (campmon.run_backup_applications)",
							  be->st_appname,
							  OidIsValid(be->st_databaseid) ? get_database_name(be->st_databaseid) : "(none)",
							  be->st_procpid, role_name(be->st_userid),
							  since_text(be->st_xact_start_timestamp));
			found = true;
			break;
		}
		if (be->st_databaseid != MyDatabaseId ||
			(cmd != PROGRESS_COMMAND_VACUUM && cmd != PROGRESS_COMMAND_ANALYZE &&
			 cmd != PROGRESS_COMMAND_CLUSTER && cmd != PROGRESS_COMMAND_CREATE_INDEX))
			continue;

		/* cleanup_running: Campaign's role vacuums or analyzes (any table) */
		if (be->st_backendType != B_AUTOVAC_WORKER &&
			(cmd == PROGRESS_COMMAND_VACUUM || cmd == PROGRESS_COMMAND_ANALYZE) &&
			list_member_oid(campaign_roles, be->st_userid))
		{
			c->rule = "cleanup_running";
			c->server_wide = true;
			c->wait = true;
			c->why = psprintf("role %s, which owns Campaign's workflow tables, runs %s on %s (process %d)%s: the Database cleanup's statistics task",
							  role_name(be->st_userid), command_name(cmd),
							  get_rel_name(target) ? get_rel_name(target) : "a table",
							  be->st_procpid, since_text(be->st_activity_start_timestamp));
			found = true;
			break;
		}
		if (!touches(&rels, target))
			continue;
		if (be->st_backendType == B_AUTOVAC_WORKER)
		{
			bool		wraparound = vacuum_for_wraparound(be->st_procpid);

			c->rule = wraparound ? "autovacuum_wraparound" : "autovacuum_running";
			c->wait = wraparound || campmon_run_autovacuum == RUN_AUTOVACUUM_WAIT;
			c->why = psprintf("%sautovacuum %s works on %s (process %d)%s: %s",
							  wraparound ? "an anti-wraparound " : "an ", command_name(cmd),
							  get_rel_name(target) ? get_rel_name(target) : "the table",
							  be->st_procpid, since_text(be->st_activity_start_timestamp),
							  wraparound ? "never cancelled, waited for" :
							  c->wait ? "the step's lock would cancel it; waited for (campmon.run_autovacuum = wait)" :
							  "the step's lock would cancel it; skipped (campmon.run_autovacuum = skip)");
		}
		else
		{
			c->rule = "maintenance_running";
			c->wait = true;
			c->why = psprintf("another session runs %s on %s (process %d, role %s)%s",
							  command_name(cmd), get_rel_name(target) ? get_rel_name(target) : "the table",
							  be->st_procpid, role_name(be->st_userid),
							  since_text(be->st_activity_start_timestamp));
		}
		found = true;
	}

	/*
	 * maintenance_running: a pg_repack holds its advisory lock on the table
	 * (pg_locks shows every lock to every role; a session-level lock is
	 * seen between its holder's transactions too)
	 */
	if (!found && OidIsValid(rels.table))
	{
		Datum		values[1] = {ObjectIdGetDatum(rels.table)};
		bool		held = false;

		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_execute_with_args("SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.granted "
								  "AND l.classid = " CppAsString2(REPACK_LOCK_CLASSID) " AND l.objsubid = 2 "
								  "AND l.objid = ((($1::pg_catalog.int8 + 2147483648) % 4294967296)::pg_catalog.text)::pg_catalog.oid "
								  "AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "
								  "AND l.pid <> pg_catalog.pg_backend_pid()",
								  1, (Oid[]) {OIDOID}, values, NULL, true, 1) == SPI_OK_SELECT)
			held = SPI_processed > 0;
		PopActiveSnapshot();
		SPI_finish();
		if (held)
		{
			c->rule = "maintenance_running";
			c->wait = true;
			c->why = psprintf("a pg_repack works on %s (it holds its advisory lock on the table)",
							  get_rel_name(rels.table) ? get_rel_name(rels.table) : "the table");
			found = true;
		}
	}
	if (found)
		c->why = MemoryContextStrdup(cxt, c->why);
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	return found;
}
