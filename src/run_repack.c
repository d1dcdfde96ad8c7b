/*-------------------------------------------------------------------------
 *
 * run_repack.c
 *	  A REPACK step: the pg_repack client, started by the run's worker as a
 *	  child process, rebuilds one table and its indexes online.
 *
 * As PostgreSQL runs archive_command, but without a shell: the program is
 * the absolute path a superuser put in campmon.repack_client (empty: the
 * step is skipped, saying so) and every argument is one element of the
 * argument vector -- the table's quoted name too -- so no name can inject
 * anything.  The client connects back to this server (campmon.repack_host,
 * else the first Unix socket directory; this port and database) as the
 * run's role, with the postmaster's environment (PGPASSFILE...).
 *
 * Locks: pg_repack waits --wait-timeout seconds (the run's lock_timeout) for
 * its brief ACCESS EXCLUSIVE locks and is told never to cancel or terminate
 * the sessions in its way (--no-kill-backend): it gives up instead, and the
 * step is skipped.  The worker holds no transaction while the client runs:
 * pg_repack waits for every older transaction before its swap.
 *
 * Privileges: the table's indexes must run no code a less privileged role
 * wrote, checked while pg_repack holds the table's lock, before it creates
 * anything (run_repack_guard.c).  The client's application_name names the
 * run and step, so the guard knows its backend.
 *
 * Stopping: the run's time budget and statement_timeout bound the step;
 * campmon.cancel_run() (a query cancel) and a terminated worker stop the
 * child -- SIGINT first, on which pg_repack drops its temporary objects,
 * then SIGKILL after a grace period; a worker killed outright takes the
 * child with it (PR_SET_PDEATHSIG).  The exit status and the tail of the
 * client's output are the step's record in campmon.history.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "postmaster/postmaster.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"
#include "utils/wait_event.h"

#include "campmon.h"
#include "run_shared.h"

/* bytes of the client's output kept for the history */
#define REPACK_OUTPUT_TAIL 2000
/* after SIGINT, how long pg_repack may take to clean up before SIGKILL */
#define REPACK_GRACE_MS 30000

static pid_t repack_child = 0;
static bool exit_hook_set = false;

/* Stop the child: SIGINT (pg_repack cleans up), then SIGKILL; reap it. */
static void
stop_child(void)
{
	TimestampTz until;
	int			status;

	if (repack_child <= 0)
		return;
	(void) kill(repack_child, SIGINT);
	until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), REPACK_GRACE_MS);
	while (waitpid(repack_child, &status, WNOHANG) == 0)
	{
		if (GetCurrentTimestamp() >= until)
		{
			(void) kill(repack_child, SIGKILL);
			(void) waitpid(repack_child, &status, 0);
			break;
		}
		pg_usleep(100 * 1000L);
	}
	repack_child = 0;
}

/* A worker that exits (terminated, FATAL) takes its child with it. */
static void
stop_child_at_exit(int code, Datum arg)
{
	stop_child();
}

/* Keep the last REPACK_OUTPUT_TAIL bytes of the output in buf. */
static void
keep_tail(StringInfo buf, const char *data, int len)
{
	appendBinaryStringInfo(buf, data, len);
	if (buf->len > 2 * REPACK_OUTPUT_TAIL)
	{
		int			cut = buf->len - REPACK_OUTPUT_TAIL;

		memmove(buf->data, buf->data + cut, buf->len - cut + 1);
		buf->len -= cut;
	}
}

/* The host the client connects to: the setting, else the first socket directory. */
static char *
repack_host(void)
{
	char	   *dirs;
	List	   *list = NIL;

	if (campmon_repack_host != NULL && campmon_repack_host[0] != '\0')
		return pstrdup(campmon_repack_host);
	dirs = pstrdup(Unix_socket_directories ? Unix_socket_directories : "");
	if (SplitDirectoriesString(dirs, ',', &list) && list != NIL)
		return pstrdup((char *) linitial(list));
	return pstrdup("localhost");
}

/*
 * Run the REPACK step s.  Returns its outcome and sets *error and *output
 * (the tail of what the client printed).  deadline: when the run's time
 * budget or the step's statement_timeout ends (0: none).
 */
const char *
run_repack_step(int64 run_id, StepToRun *s, int lock_timeout_ms, TimestampTz deadline,
				char **error, char **output)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *argv[12];
	int			argc = 0;
	char	   *table;
	int			pipefd[2];
	StringInfoData out;
	int			status = 0;
	bool		timed_out = false;
	const char *outcome;
	RepackGuard guard;
	char	   *refused = NULL;

	*error = NULL;
	*output = NULL;
	if (campmon_repack_client == NULL || campmon_repack_client[0] == '\0')
	{
		*error = pstrdup("campmon.repack_client is not set: a superuser sets it to the pg_repack client's path "
						 "(e.g. /usr/lib/postgresql/15/bin/pg_repack) for runs to repack");
		return "skipped";
	}
	if (access(campmon_repack_client, X_OK) != 0)
	{
		*error = psprintf("cannot execute campmon.repack_client \"%s\": %s", campmon_repack_client,
						  strerror(errno));
		return "failed";
	}

	/* names in a short transaction of their own: none is held meanwhile */
	StartTransactionCommand();
	table = get_rel_name(s->relid);
	if (table != NULL)
		table = psprintf("%s.%s", quote_identifier(get_namespace_name(get_rel_namespace(s->relid))),
						 quote_identifier(table));
	argv[argc++] = MemoryContextStrdup(cxt, campmon_repack_client);
	argv[argc++] = "--no-kill-backend";
	argv[argc++] = psprintf("--wait-timeout=%d", Max((lock_timeout_ms + 999) / 1000, 1));
	argv[argc++] = psprintf("--host=%s", repack_host());
	argv[argc++] = psprintf("--port=%d", PostPortNumber);
	argv[argc++] = psprintf("--username=%s", GetUserNameFromId(GetUserId(), false));
	argv[argc++] = psprintf("--dbname=%s", get_database_name(MyDatabaseId));
	argv[argc++] = "--no-password";
	argv[argc++] = table ? psprintf("--table=%s", table) : NULL;
	argv[argc] = NULL;
	for (int i = 0; i < argc; i++)
		argv[i] = argv[i] ? MemoryContextStrdup(cxt, argv[i]) : NULL;
	CommitTransactionCommand();
	MemoryContextSwitchTo(cxt);
	if (table == NULL)
	{
		*error = pstrdup("its target no longer exists");
		return "skipped";
	}

	if (!exit_hook_set)
	{
		on_proc_exit(stop_child_at_exit, (Datum) 0);
		exit_hook_set = true;
	}

	/* pg_repack's schema locked and the table checked before the client starts */
	refused = repack_guard_begin(&guard, s->relid, run_id, s->step);
	if (refused != NULL)
	{
		*error = psprintf("not repacked: %s", refused);
		return "skipped";
	}

	if (pipe(pipefd) != 0)
		ereport(ERROR, (errcode_for_file_access(), errmsg("could not create a pipe for pg_repack: %m")));

	fflush(NULL);
	repack_child = fork();
	if (repack_child < 0)
		ereport(ERROR, (errmsg("could not start pg_repack: %m")));
	if (repack_child == 0)
	{
		/* the child: our output into the pipe, then the client */
#ifdef __linux__
		(void) prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
		(void) dup2(pipefd[1], STDOUT_FILENO);
		(void) dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		pqsignal(SIGINT, SIG_DFL);
		pqsignal(SIGTERM, SIG_DFL);
		pqsignal(SIGQUIT, SIG_DFL);
		pqsignal(SIGPIPE, SIG_DFL);
		/* the guard recognises the client's backend by it */
		setenv("PGAPPNAME", guard.appname, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);

	initStringInfo(&out);
	PG_TRY();
	{
		for (;;)
		{
			char		chunk[1024];
			ssize_t		n;
			int			rc;
			long		wait_ms = guard.holding ? 10 : 1000;

			if (guard.holding)
			{
				char	   *why;
				RepackGuardState gs = repack_guard_poll(&guard, &why);

				if (gs == REPACK_GUARD_REFUSED)
				{
					refused = why;
					break;
				}
			}
			if (deadline != 0)
			{
				long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);

				if (left <= 0)
				{
					timed_out = true;
					break;
				}
				wait_ms = Min(wait_ms, left);
			}
			rc = WaitLatchOrSocket(MyLatch,
								   WL_LATCH_SET | WL_SOCKET_READABLE | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
								   pipefd[0], wait_ms, PG_WAIT_EXTENSION);
			if (rc & WL_LATCH_SET)
				ResetLatch(MyLatch);
			/* a cancel (campmon.cancel_run) or a terminate: stop the child below */
			CHECK_FOR_INTERRUPTS();
			if (rc & WL_SOCKET_READABLE)
			{
				n = read(pipefd[0], chunk, sizeof(chunk));
				if (n > 0)
					keep_tail(&out, chunk, (int) n);
				else if (n == 0 || (errno != EINTR && errno != EAGAIN))
					break;		/* the client closed its output: it is done */
			}
		}
		if (timed_out || refused != NULL)
			stop_child();
		else
		{
			(void) waitpid(repack_child, &status, 0);
			repack_child = 0;
		}
	}
	PG_CATCH();
	{
		close(pipefd[0]);
		stop_child();
		PG_RE_THROW();
	}
	PG_END_TRY();
	close(pipefd[0]);
	/* the client ended before the hand-over (its lock timed out, an error) */
	repack_guard_end(&guard);

	*output = out.len > REPACK_OUTPUT_TAIL ?
		pstrdup(out.data + out.len - REPACK_OUTPUT_TAIL) : pstrdup(out.data);
	if (refused != NULL)
	{
		outcome = "skipped";
		*error = psprintf("not repacked, pg_repack stopped before it created anything: %s", refused);
	}
	else if (timed_out)
	{
		outcome = "failed";
		*error = pstrdup("stopped: the run's time budget or statement_timeout ran out while pg_repack ran (it was interrupted and cleans up after itself)");
	}
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			 strstr(out.data, "timed out") != NULL)
	{
		/* --no-kill-backend: it gave up rather than cancel anyone */
		outcome = "skipped";
		*error = psprintf("could not get its lock within lock_timeout (%d ms): someone is using it; pg_repack gave up without cancelling anyone",
						  lock_timeout_ms);
	}
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		outcome = "done";
	else
	{
		outcome = "failed";
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
			*error = psprintf("could not execute %s", argv[0]);
		else if (WIFEXITED(status))
			*error = psprintf("pg_repack exited with status %d", WEXITSTATUS(status));
		else
			*error = psprintf("pg_repack was terminated by signal %d", WTERMSIG(status));
	}
	return outcome;
}

/*
 * After a REPACK step that was stopped or failed: what pg_repack may have
 * left on the table (its trigger keeps logging every write until someone
 * cleans it up) is cleaned now, as its own client does after an error
 * (campmon.clean_repack_leftovers), rather than at the next run.  Returns
 * what was done, or why not; never throws.
 */
char *
repack_clean_after(Oid relid)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *result = NULL;

	PG_TRY();
	{
		Datum		values[1] = {ObjectIdGetDatum(relid)};
		Oid			types[1] = {OIDOID};

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		SPI_connect();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_execute_with_args("SELECT campmon.clean_repack_leftovers($1::pg_catalog.regclass)",
								  1, types, values, NULL, false, 1) == SPI_OK_SELECT &&
			SPI_processed == 1)
			result = MemoryContextStrdup(cxt, SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1));
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		result = psprintf("could not clean pg_repack's leftovers: %s", edata->message);
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);
	return result;
}
