/*-------------------------------------------------------------------------
 *
 * access_hint.c
 *	  A hint on "permission denied for schema campmon": which roles to grant.
 *
 * PostgreSQL raises that error while parsing a query that names a campmon
 * object, for a role that is a member of neither campmon_reader,
 * campmon_admin nor pg_monitor -- before any campmon code runs, so no
 * function of ours can add a hint to it.  An emit_log_hook can: it sees
 * every error before it is sent, and adds the hint to this one.  It acts in
 * the sessions where the library is loaded: from the session's start when
 * the DBA preloads it for the Campaign database
 *	  ALTER DATABASE campaign SET session_preload_libraries = 'campmon';
 * and otherwise after any campmon call (a SET ROLE to another role later).
 * doc/safety.md documents the error and its fix for every session.
 *
 * The hook reads only the error itself: no catalog access while an error is
 * being reported.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "utils/elog.h"

#include "campmon.h"

static emit_log_hook_type prev_emit_log_hook = NULL;

/* whether msg names the identifier campmon (not campmon_x, not mycampmon) */
static bool
names_campmon(const char *msg)
{
	const char *p = msg;

	while ((p = strstr(p, "campmon")) != NULL)
	{
		bool		before = p == msg || !(isalnum((unsigned char) p[-1]) || p[-1] == '_');
		bool		after = !(isalnum((unsigned char) p[7]) || p[7] == '_');

		if (before && after)
			return true;
		p += 7;
	}
	return false;
}

static void
campmon_emit_log(ErrorData *edata)
{
	if (edata->elevel >= ERROR &&
		edata->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE &&
		edata->hint == NULL &&
		edata->message_id != NULL && edata->message != NULL &&
		strcmp(edata->message_id, "permission denied for schema %s") == 0 &&
		names_campmon(edata->message))
		edata->hint = pstrdup("campmon is for members of campmon_reader (views, measurements, plans, history), "
							  "campmon_admin (runs, snapshots, configuration) or pg_monitor: "
							  "GRANT campmon_reader TO the role (doc/safety.md).");

	if (prev_emit_log_hook)
		prev_emit_log_hook(edata);
}

/* Called once, from _PG_init. */
void
campmon_access_hint_init(void)
{
	prev_emit_log_hook = emit_log_hook;
	emit_log_hook = campmon_emit_log;
}
