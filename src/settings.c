/*-------------------------------------------------------------------------
 *
 * settings.c
 *	  campmon's settings (GUCs): their variables, the checks that refuse a
 *	  bad value when it is set, and _PG_init, which defines them.
 *
 * The library needs no shared_preload_libraries entry: it is loaded by the
 * first call of one of its functions, and _PG_init then defines the GUCs.
 * Every setting is documented in doc/settings.md.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/timestamp.h"
#include "utils/varlena.h"

#include "campmon.h"

int			campmon_sample_pages = 3000;
int			campmon_index_sample_pages = 1000;
int			campmon_auto_exact_max_pages = 8192;	/* 64MB at 8kB pages */
int			campmon_sample_seed = 0;
int			campmon_listing_page_budget = 4096; /* 32MB at 8kB pages */
static char *campmon_tables_mode = NULL;
static int	campmon_stale_min_age = 7 * 86400;
static int	campmon_held_max_idle = 7 * 86400;
static int	campmon_cleanup_max_age = 2 * 86400;
static int	campmon_bloat_warning_pct = 30;
static int	campmon_bloat_critical_pct = 60;
static int	campmon_stale_tables_critical = 1000;
char	   *campmon_work_table_schemas = NULL;
static int	campmon_vacuum_min_dead_pct = 20;
static int	campmon_reindex_min_bloat_pct = 30;
static int	campmon_reindex_min_size = 1280;	/* 10MB in blocks */
static int	campmon_analyze_min_changed_pct = 10;
static int	campmon_analyze_min_changed_rows = 1000;
static int	campmon_vacuum_min_dead_rows = 1000;
static int	campmon_vacuum_min_dead_size = 128;	/* 1MB in blocks */
static int	campmon_freeze_age_pct = 80;
static int	campmon_vacuum_full_max_size = 655360;	/* 5GB in blocks */
static int	campmon_run_lock_timeout = 5000;
static int	campmon_run_statement_timeout = 3600 * 1000;
static int	campmon_run_time_budget = 4 * 3600;
static double campmon_run_cost_delay = 2;
static char *campmon_reference_time = NULL;
static char *campmon_indexes_mode = NULL;
static int	campmon_bloat_alert_min_size = 8192;	/* 64MB in blocks */
char	   *campmon_never_work_table_owners = NULL;
static int	campmon_repack_space_margin_pct = 20;
char	   *campmon_repack_client = NULL;
char	   *campmon_repack_host = NULL;
/* snapshots and trends (snapshot.sql, trends.sql, trend_checks.sql) */
static int	campmon_snapshot_retention = 90 * 86400;
static int	campmon_snapshot_min_size = 1024;	/* 8MB in blocks */
static int	campmon_snapshot_max_relations = 2000;
static int	campmon_trend_window = 7 * 86400;
static int	campmon_trend_min_points = 3;
static int	campmon_trend_min_span = 86400;
static double campmon_trend_bloat_growth_pct = 2;
static int	campmon_trend_full_warning_days = 30;
static int	campmon_trend_full_critical_days = 7;
static int	campmon_trend_wrap_warning_days = 365;
static int	campmon_trend_wrap_critical_days = 90;
/* what stops VACUUM, wraparound, autovacuum (vacuum_blockers.sql, checks/) */
static int	campmon_vacuum_blocker_min_age = 60;
static int	campmon_xmin_horizon_warning_age = 3600;
static int	campmon_xmin_horizon_critical_age = 6 * 3600;
static int	campmon_xmin_horizon_warning_xids = 20000000;
static int	campmon_xmin_horizon_critical_xids = 100000000;
static int	campmon_prepared_transaction_warning_age = 300;
static int	campmon_prepared_transaction_critical_age = 3600;
static int	campmon_slot_wal_warning_size = 1024;	/* MB */
static int	campmon_slot_wal_critical_size = 10240; /* MB */
static int	campmon_wraparound_warning_pct = 125;
static int	campmon_wraparound_critical_days = 7;
static int	campmon_autovacuum_debt_min_age = 3600;
static double campmon_stale_statistics_factor = 2;

/* Campaign as Adobe documents it, part 2 (checks/sequences.sql, roles.sql) */
static int	campmon_sequence_warning_pct = 75;
static int	campmon_sequence_critical_pct = 90;
static int	campmon_log_rows_max = 1000000000;
static char *campmon_instance_roles = NULL;
static int	campmon_index_unused_min_age = 30 * 86400;
/* a run on a live database (run_gate.c, run_collisions.c, run_pacing.c) */
char	   *campmon_maintenance_window = NULL;
int			campmon_run_autovacuum = RUN_AUTOVACUUM_WAIT;
int			campmon_run_collision_wait = 600;
char	   *campmon_run_backup_applications = NULL;
int			campmon_run_max_replay_lag = 1024 * 1024;	/* 1GB in kB */
int			campmon_run_max_slot_wal = 0;
int			campmon_run_wal_budget = 0;
int			campmon_run_lock_retries = 3;

static const struct config_enum_entry run_autovacuum_options[] = {
	{"wait", RUN_AUTOVACUUM_WAIT, false},
	{"skip", RUN_AUTOVACUUM_SKIP, false},
	{NULL, 0, false}
};


/*
 * campmon.work_table_schemas is a list of identifiers, as search_path: a
 * name that needs quotes is written with them ("Campaign Data", public).
 */
static bool
check_work_table_schemas(char **newval, void **extra, GucSource source)
{
	char	   *copy = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(copy, ',', &names);

	list_free(names);
	pfree(copy);
	if (!ok)
	{
		GUC_check_errdetail("List syntax is invalid: schema names separated by commas, with double quotes where a name needs them.");
		/* extensions may not have GUC_LIST_QUOTE: SET's list form drops quotes */
		GUC_check_errhint("Give the list as one string, e.g. SET campmon.work_table_schemas = '\"Campaign Data\", public'.");
	}
	return ok;
}

/* campmon.never_work_table_owners: role names, as search_path's identifiers */
static bool
check_never_work_table_owners(char **newval, void **extra, GucSource source)
{
	char	   *copy = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(copy, ',', &names);

	list_free(names);
	pfree(copy);
	if (!ok)
	{
		GUC_check_errdetail("List syntax is invalid: role names separated by commas, with double quotes where a name needs them.");
		GUC_check_errhint("Give the list as one string, e.g. SET campmon.never_work_table_owners = 'dba, \"Ops Team\"'.");
	}
	return ok;
}

/*
 * campmon.instance_roles: empty (detected), or a comma-separated list of
 * Campaign instance roles, each known: a misspelt role would silently
 * expect no workflow of its own.
 */
static bool
check_instance_roles(char **newval, void **extra, GucSource source)
{
	static const char *const known[] = {"marketing", "execution", "control", "mid_sourcing"};
	char	   *copy = pstrdup(*newval);
	List	   *names;
	ListCell   *lc;
	bool		ok = SplitIdentifierString(copy, ',', &names);

	if (!ok)
		GUC_check_errdetail("List syntax is invalid: role names separated by commas.");
	else
	{
		foreach(lc, names)
		{
			const char *name = (const char *) lfirst(lc);
			int			i;

			for (i = 0; i < lengthof(known); i++)
				if (strcmp(name, known[i]) == 0)
					break;
			if (i == lengthof(known))
			{
				GUC_check_errdetail("Unknown Campaign instance role \"%s\".", name);
				ok = false;
				break;
			}
		}
	}
	if (!ok)
		GUC_check_errhint("Known roles: marketing, execution, control, mid_sourcing; empty to detect them.");
	list_free(names);
	pfree(copy);
	return ok;
}

/*
 * campmon.reference_time is empty (now) or a finite timestamp with time
 * zone: refused when set, rather than failing every campmon.checks later.
 * Parsed as timestamptz_in does, without raising an error here.
 */
static bool
check_reference_time(char **newval, void **extra, GucSource source)
{
	char		workbuf[MAXDATELEN + MAXDATEFIELDS];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	struct pg_tm tt;
	fsec_t		fsec;
	int			tz;

	if ((*newval)[0] == '\0')
		return true;
	if (strlen(*newval) < MAXDATELEN &&
		ParseDateTime(*newval, workbuf, sizeof(workbuf), field, ftype,
					  MAXDATEFIELDS, &nf) == 0 &&
		DecodeDateTime(field, ftype, nf, &dtype, &tt, &fsec, &tz) == 0 &&
		dtype == DTK_DATE)
		return true;
	GUC_check_errdetail("\"%s\" is not a finite timestamp with time zone.", *newval);
	GUC_check_errhint("Use e.g. '2026-11-23 06:00+01', or '' for the current time.");
	return false;
}

/* campmon.repack_client: empty, or an absolute path (no search, no shell) */
static bool
check_repack_client(char **newval, void **extra, GucSource source)
{
	if (*newval == NULL || (*newval)[0] == '\0' || is_absolute_path(*newval))
		return true;
	GUC_check_errdetail("campmon.repack_client must be an absolute path, e.g. /usr/lib/postgresql/15/bin/pg_repack.");
	return false;
}

/*
 * "HH:MM-HH:MM": the minutes after midnight of its start and end (the end
 * may be earlier than the start: a window across midnight).  False when the
 * text is not such a window or both ends are the same minute.
 */
bool
campmon_parse_window(const char *text, int *start_min, int *end_min)
{
	int			h1,
				m1,
				h2,
				m2,
				len = 0;

	if (text == NULL ||
		sscanf(text, " %2d:%2d - %2d:%2d %n", &h1, &m1, &h2, &m2, &len) != 4 ||
		text[len] != '\0' ||
		h1 < 0 || h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59 ||
		(h1 == 24 && m1 != 0) || (h2 == 24 && m2 != 0))
		return false;
	*start_min = (h1 * 60 + m1) % 1440;
	*end_min = (h2 * 60 + m2) % 1440;
	return *start_min != *end_min;
}

/* campmon.maintenance_window: empty (none) or HH:MM-HH:MM */
static bool
check_maintenance_window(char **newval, void **extra, GucSource source)
{
	int			s,
				e;

	if (*newval == NULL || (*newval)[0] == '\0' || campmon_parse_window(*newval, &s, &e))
		return true;
	GUC_check_errdetail("\"%s\" is not a window of the form HH:MM-HH:MM with two different times.", *newval);
	GUC_check_errhint("Use e.g. '01:00-05:00', or '22:30-01:45' across midnight, in the server's time zone; '' for no window.");
	return false;
}

/* campmon.run_backup_applications: application names, as search_path's identifiers */
static bool
check_backup_applications(char **newval, void **extra, GucSource source)
{
	char	   *copy = pstrdup(*newval);
	List	   *names;
	bool		ok = SplitIdentifierString(copy, ',', &names);

	list_free(names);
	pfree(copy);
	if (!ok)
	{
		GUC_check_errdetail("List syntax is invalid: application names separated by commas, with double quotes where a name needs them.");
		GUC_check_errhint("Give the list as one string, e.g. SET campmon.run_backup_applications = 'pg_dump, \"pgBackRest [backup]\"'.");
	}
	return ok;
}

static bool
check_view_mode(char **newval, void **extra, GucSource source)
{
	if (campmon_mode_valid(*newval))
		return true;
	GUC_check_errdetail("Unknown mode \"%s\".", *newval);
	GUC_check_errhint("Valid modes are: adaptive, auto, exact, approx, sampled, stats.");
	return false;
}

/* as check_view_mode, less approx, which needs a visibility map */
static bool
check_index_view_mode(char **newval, void **extra, GucSource source)
{
	if (strcmp(*newval, "approx") == 0)
	{
		GUC_check_errdetail("Mode approx applies to tables only.");
		GUC_check_errhint("Use adaptive, auto, exact, sampled or stats for indexes.");
		return false;
	}
	return check_view_mode(newval, extra, source);
}

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("campmon.sample_pages",
							"Pages read by the sampled mode when sample_pages is not given.",
							"Larger samples narrow the 95% interval; the cost does not depend on the table's size.",
							&campmon_sample_pages,
							3000, 1, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("campmon.index_sample_pages",
							"Pages read by the sampled mode of index_bloat when sample_pages is not given.",
							"Also the number of leaves whose tuples exact mode reads for the deduplication ratio.",
							&campmon_index_sample_pages,
							1000, 1, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomIntVariable("campmon.auto_exact_max_size",
							"Largest relation that mode auto measures exactly; larger ones are sampled.",
							NULL,
							&campmon_auto_exact_max_pages,
							8192, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS,
							NULL, NULL, NULL);

	DefineCustomIntVariable("campmon.sample_seed",
							"Seed of the page sampler; 0 seeds each sample from its relation's file and size, so that the same relation state gives the same sample.",
							"Set it to draw other samples, or the same one for every relation, e.g. in tests.",
							&campmon_sample_seed,
							0, INT_MIN, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("campmon.tables_mode",
							   "Mode the campmon.tables view measures with.",
							   "The default, adaptive, reads no pages where the statistics can be trusted and a small sample (campmon.listing_page_budget) where not; stats never reads a page.",
							   &campmon_tables_mode,
							   "adaptive",
							   PGC_USERSET, 0,
							   check_view_mode, NULL, NULL);

	DefineCustomStringVariable("campmon.indexes_mode",
							   "Mode the campmon.indexes view measures with.",
							   "The default, adaptive, reads no pages where the statistics can be trusted and a small sample (campmon.listing_page_budget) where not; stats never reads a page.",
							   &campmon_indexes_mode,
							   "adaptive",
							   PGC_USERSET, 0,
							   check_index_view_mode, NULL, NULL);

	DefineCustomIntVariable("campmon.listing_page_budget",
							"Pages the adaptive mode of a listing may read in all, per query.",
							"Relations whose statistics cannot be trusted get a small sample each, the largest first, while the budget lasts; the others, and those beyond it, are estimated from statistics.",
							&campmon_listing_page_budget,
							4096, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS,
							NULL, NULL, NULL);

	/*
	 * Campaign knowledge: thresholds of campmon.stale_tables and
	 * campmon.checks.  The settings that decide which tables a run may drop
	 * (the schemas, the owners never touched, Campaign's "now", the age of a
	 * suspect) are a superuser's (PGC_SUSET): a database owner could
	 * otherwise set them with ALTER DATABASE for the superuser's nightly run.
	 */
	DefineCustomIntVariable("campmon.stale_min_age",
							"A work table without owner rule is suspect once unwritten for this long.",
							NULL, &campmon_stale_min_age, 7 * 86400, 0, INT_MAX,
							PGC_SUSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.held_max_idle",
							"campmon.checks warns of held work tables unwritten for longer than this.",
							NULL, &campmon_held_max_idle, 7 * 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.cleanup_max_age",
							"campmon.checks warns when Campaign's cleanup last ran longer ago than this.",
							"Critical beyond three times as long.",
							&campmon_cleanup_max_age, 2 * 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.bloat_warning_pct",
							"campmon.checks warns of high-churn tables with more bloat than this (percent).",
							NULL, &campmon_bloat_warning_pct, 30, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.bloat_critical_pct",
							"campmon.checks is critical about high-churn tables with more bloat than this (percent).",
							NULL, &campmon_bloat_critical_pct, 60, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.stale_tables_critical",
							"campmon.checks is critical from this many stale work tables.",
							NULL, &campmon_stale_tables_critical, 1000, 1, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.work_table_schemas",
							   "Schemas (comma-separated) where Campaign keeps its work tables.",
							   "Tables named like work tables elsewhere are not work tables.",
							   &campmon_work_table_schemas, "public",
							   PGC_SUSET, GUC_LIST_INPUT,
							   check_work_table_schemas, NULL, NULL);
	DefineCustomStringVariable("campmon.reference_time",
							   "Evaluate Campaign dates (last cleanup, purge backlog) as of this time; empty: now.",
							   "For what-if analysis and repeatable tests; file ages always use the real clock.",
							   &campmon_reference_time, "",
							   PGC_SUSET, 0, check_reference_time, NULL, NULL);

	/* plans and their runs */
	DefineCustomIntVariable("campmon.vacuum_min_dead_pct",
							"campmon.plan vacuums tables whose dead rows exceed this share of live rows (percent).",
							NULL, &campmon_vacuum_min_dead_pct, 20, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.vacuum_min_dead_rows",
							"campmon.plan vacuums a table (catalogs included) only for at least this many dead rows, or campmon.vacuum_min_dead_size of dead bytes.",
							"A VACUUM below both floors is not worth a step: autovacuum takes care of it.",
							&campmon_vacuum_min_dead_rows, 1000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.vacuum_min_dead_size",
							"campmon.plan vacuums a table (catalogs included) only for at least this much dead bytes, or campmon.vacuum_min_dead_rows dead rows.",
							NULL, &campmon_vacuum_min_dead_size, 128, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.reindex_min_bloat_pct",
							"campmon.plan rebuilds B-tree indexes with at least this much bloat (percent).",
							NULL, &campmon_reindex_min_bloat_pct, 30, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.reindex_min_size",
							"campmon.plan rebuilds or rewrites only what gives back at least this much.",
							NULL, &campmon_reindex_min_size, 1280, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.analyze_min_changed_pct",
							"campmon.plan analyzes tables whose rows changed by more than this since the last ANALYZE (percent).",
							NULL, &campmon_analyze_min_changed_pct, 10, 0, 1000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.analyze_min_changed_rows",
							"campmon.plan analyzes a table after changes only when at least this many rows changed (besides campmon.analyze_min_changed_pct).",
							"Below it, a table is analyzed only when it never was.",
							&campmon_analyze_min_changed_rows, 1000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.freeze_age_pct",
							"campmon.plan freezes tables whose transaction id age passes this share of autovacuum_freeze_max_age (percent).",
							NULL, &campmon_freeze_age_pct, 80, 1, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.vacuum_full_max_size",
							"campmon.plan never rewrites (VACUUM FULL) tables larger than this.",
							NULL, &campmon_vacuum_full_max_size, 655360, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_lock_timeout",
							"lock_timeout of each step of campmon.run_plan; a step that waits longer is skipped.",
							NULL, &campmon_run_lock_timeout, 5000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_statement_timeout",
							"statement_timeout of each step of campmon.run_plan (0: none).",
							NULL, &campmon_run_statement_timeout, 3600 * 1000, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_time_budget",
							"campmon.run_plan starts no step after this much time (0: no budget).",
							NULL, &campmon_run_time_budget, 4 * 3600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomRealVariable("campmon.run_cost_delay",
							 "vacuum_cost_delay of the VACUUM and ANALYZE steps of campmon.run_plan (0: full speed).",
							 "2 ms, as autovacuum: the steps share the machine with Campaign's writers.",
							 &campmon_run_cost_delay, 2, 0, 100,
							 PGC_USERSET, GUC_UNIT_MS, NULL, NULL, NULL);

	DefineCustomIntVariable("campmon.bloat_alert_min_size",
							"campmon.checks raises bloat warnings and criticals only for bloat larger than this.",
							"Smaller bloat is an ok row with its figure in the message.",
							&campmon_bloat_alert_min_size, 8192, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.never_work_table_owners",
							   "Roles (comma-separated) whose tables are never work tables, besides postgres and every superuser.",
							   "Such tables are not in campmon.stale_tables, never planned for DROP, and drop_work_table refuses them.",
							   &campmon_never_work_table_owners, "",
							   PGC_SUSET, GUC_LIST_INPUT,
							   check_never_work_table_owners, NULL, NULL);
	DefineCustomIntVariable("campmon.repack_space_margin_pct",
							"Free space a REPACK step needs on its tablespace beyond the table's size, with TOAST and indexes, in percent.",
							"pg_repack writes a copy of the table and its indexes before it drops the old ones; the log of concurrent writes needs room too.",
							&campmon_repack_space_margin_pct, 20, 0, 1000000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.repack_client",
							   "Absolute path of the pg_repack client that campmon.run_plan's worker starts for REPACK steps.",
							   "Empty (the default): REPACK steps are skipped, saying so. Only a superuser may set it: the worker runs this program.",
							   &campmon_repack_client, "",
							   PGC_SUSET, 0, check_repack_client, NULL, NULL);
	DefineCustomStringVariable("campmon.repack_host",
							   "Host or socket directory the pg_repack client connects to.",
							   "Empty (the default): the server's first unix_socket_directories entry. The client connects to this server's port and database as the run's role.",
							   &campmon_repack_host, "",
							   PGC_SUSET, 0, NULL, NULL, NULL);

	/* snapshots and trends */
	DefineCustomIntVariable("campmon.snapshot_retention",
							"campmon.snapshot() deletes snapshots older than this (0: keeps them all).",
							NULL, &campmon_snapshot_retention, 90 * 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.snapshot_min_size",
							"campmon.snapshot() keeps a row for any table this large (with TOAST and indexes), whatever its family.",
							"Tables of Campaign's families (not work tables or lists) and the catalogs always have one.",
							&campmon_snapshot_min_size, 1024, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.snapshot_max_relations",
							"Most relations (tables and indexes) a snapshot keeps a row for; the rest are counted in totals.",
							NULL, &campmon_snapshot_max_relations, 2000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_window",
							"The trend views fit their slopes over the snapshots of this last period.",
							NULL, &campmon_trend_window, 7 * 86400, 1, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_min_points",
							"Fewest snapshots in the window for a trend; with fewer, no trend (said so) and the trend checks are ok.",
							NULL, &campmon_trend_min_points, 3, 2, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_min_span",
							"Shortest time the snapshots of a trend must span; less, no trend (said so) and the trend checks are ok.",
							"A daily rate from snapshots minutes apart is noise: five snapshots two minutes apart once made a tablespace \"full in 0.1 days\".",
							&campmon_trend_min_span, 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomRealVariable("campmon.trend_bloat_growth_pct",
							 "campmon.checks warns of high-churn tables whose bloat grows faster than this (percentage points per day).",
							 NULL, &campmon_trend_bloat_growth_pct, 2, 0, 100,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_full_warning_days",
							"campmon.checks warns of a tablespace full within this many days at its current growth.",
							NULL, &campmon_trend_full_warning_days, 30, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_full_critical_days",
							"campmon.checks is critical about a tablespace full within this many days.",
							NULL, &campmon_trend_full_critical_days, 7, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_wrap_warning_days",
							"campmon.checks warns when a key sequence wraps within this many days at its current rate.",
							NULL, &campmon_trend_wrap_warning_days, 365, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.trend_wrap_critical_days",
							"campmon.checks is critical when a key sequence wraps within this many days.",
							NULL, &campmon_trend_wrap_critical_days, 90, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);

	/* key sequences, log tables, instance roles, index hygiene */
	DefineCustomIntVariable("campmon.sequence_warning_pct",
							"campmon.checks warns when a key sequence has used this share of its identifiers (percent).",
							"Campaign's keys are 32-bit: the sequence wraps at 2^31 (Adobe, \"Application objects\").",
							&campmon_sequence_warning_pct, 75, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.sequence_critical_pct",
							"campmon.checks is critical when a key sequence has used this share of its identifiers (percent).",
							NULL, &campmon_sequence_critical_pct, 90, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.log_rows_max",
							"campmon.checks warns of a delivery or tracking log table holding this many rows or more.",
							"Adobe (\"Data model best practices\") advises no more than about a billion rows at a time in these tables, half of the 32-bit identifiers.",
							&campmon_log_rows_max, 1000000000, 1, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.instance_roles",
							   "Roles of this Campaign instance (marketing, execution, control, mid_sourcing), a comma-separated list; empty: detected.",
							   "campmon expects the technical workflows of these roles (campmon.technical_workflow.roles).",
							   &campmon_instance_roles, "",
							   PGC_USERSET, 0, check_instance_roles, NULL, NULL);
	DefineCustomIntVariable("campmon.index_unused_min_age",
							"campmon.index_hygiene calls an index unused only when the statistics have counted its scans for at least this long.",
							NULL, &campmon_index_unused_min_age, 30 * 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);

	/*
	 * What stops VACUUM (campmon.vacuum_blockers), wraparound and
	 * autovacuum.  None widens what a run does: a blocker only turns steps
	 * into keep rows or skipped steps.
	 */
	DefineCustomIntVariable("campmon.vacuum_blocker_min_age",
							"campmon.plan reads its VACUUM candidates' pages for the horizon, and keeps REINDEX CONCURRENTLY and REPACK back, only for a blocker at least this old.",
							"A younger snapshot is taken to be a short query that ends before the step runs; the run always looks again before each step.",
							&campmon_vacuum_blocker_min_age, 60, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.xmin_horizon_warning_age",
							"campmon.checks warns when the oldest input of the xmin horizon is older than this.",
							NULL, &campmon_xmin_horizon_warning_age, 3600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.xmin_horizon_critical_age",
							"campmon.checks is critical when the oldest input of the xmin horizon is older than this.",
							NULL, &campmon_xmin_horizon_critical_age, 6 * 3600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.xmin_horizon_warning_xids",
							"campmon.checks warns when the oldest input of the xmin horizon is this many transactions old.",
							NULL, &campmon_xmin_horizon_warning_xids, 20000000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.xmin_horizon_critical_xids",
							"campmon.checks is critical when the oldest input of the xmin horizon is this many transactions old.",
							NULL, &campmon_xmin_horizon_critical_xids, 100000000, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.prepared_transaction_warning_age",
							"campmon.checks warns of prepared transactions older than this.",
							NULL, &campmon_prepared_transaction_warning_age, 300, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.prepared_transaction_critical_age",
							"campmon.checks is critical about prepared transactions older than this.",
							NULL, &campmon_prepared_transaction_critical_age, 3600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.slot_wal_warning_size",
							"campmon.checks warns of an inactive replication slot retaining more WAL than this.",
							NULL, &campmon_slot_wal_warning_size, 1024, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MB, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.slot_wal_critical_size",
							"campmon.checks is critical about a replication slot retaining more WAL than this.",
							NULL, &campmon_slot_wal_critical_size, 10240, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_MB, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.wraparound_warning_pct",
							"campmon.checks warns when a database's or table's ID age passes this share of its freeze age (percent).",
							"Autovacuum freezes at the freeze age (autovacuum_freeze_max_age, autovacuum_multixact_freeze_max_age or the table's own): an age well past it says it does not keep up.",
							&campmon_wraparound_warning_pct, 125, 1, 1000,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.wraparound_critical_days",
							"campmon.checks is critical when an age past the freeze age reaches the wraparound limit within this many days at the snapshots' pace.",
							"Also critical, whatever the pace, past VACUUM's failsafe age.",
							&campmon_wraparound_critical_days, 7, 0, INT_MAX,
							PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.autovacuum_debt_min_age",
							"campmon.checks warns of tables past their autovacuum threshold and not vacuumed for longer than this.",
							NULL, &campmon_autovacuum_debt_min_age, 3600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomRealVariable("campmon.stale_statistics_factor",
							 "campmon.checks warns of tables whose rows changed since the last ANALYZE by this many times their autoanalyze threshold.",
							 NULL, &campmon_stale_statistics_factor, 2, 1, 1000,
							 PGC_USERSET, 0, NULL, NULL, NULL);

	/*
	 * A run on a live database: its window, what it waits for or skips, what
	 * paces it.  Each only makes a run do less or later, never more: any
	 * role may set them for its own runs.
	 */
	DefineCustomStringVariable("campmon.maintenance_window",
							   "Daily window (HH:MM-HH:MM, the server's time zone) in which campmon.run_plan starts steps; empty: none.",
							   "A step whose estimated duration would pass the window's end is not started (skipped, saying so); outside the window no step starts.",
							   &campmon_maintenance_window, "",
							   PGC_USERSET, 0, check_maintenance_window, NULL, NULL);
	DefineCustomEnumVariable("campmon.run_autovacuum",
							 "What a step does when a regular autovacuum works on its table: wait for it to finish, or skip the step.",
							 "An anti-wraparound autovacuum is always waited for (never cancelled), within campmon.run_collision_wait.",
							 &campmon_run_autovacuum, RUN_AUTOVACUUM_WAIT, run_autovacuum_options,
							 PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_collision_wait",
							"How long a step waits for a collision (autovacuum, another maintenance command, a backup, Campaign's cleanup) to end before it is skipped.",
							"A backup or the cleanup still running then stops the run: every later step would wait for it too.",
							&campmon_run_collision_wait, 600, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.run_backup_applications",
							   "Application names (comma-separated) of backup sessions a run waits for, in any database of the server.",
							   "A base backup (pg_stat_progress_basebackup) is waited for whatever its name.",
							   &campmon_run_backup_applications,
							   "pg_dump, pg_dumpall, pg_basebackup, \"pgBackRest [backup]\", barman",
							   PGC_USERSET, GUC_LIST_INPUT, check_backup_applications, NULL, NULL);
	DefineCustomIntVariable("campmon.run_max_replay_lag",
							"campmon.run_plan pauses between steps while a standby's replay lag (WAL not yet replayed) exceeds this (0: never).",
							"It resumes when the lag drops, up to the end of the window or time budget.",
							&campmon_run_max_replay_lag, 1024 * 1024, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_max_slot_wal",
							"campmon.run_plan pauses between steps while a replication slot retains more WAL than this (0: never).",
							"An inactive slot stops the run instead: no wait lowers it.",
							&campmon_run_max_slot_wal, 0, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_wal_budget",
							"campmon.run_plan starts no step once the run has written this much WAL (0: no budget).",
							NULL, &campmon_run_wal_budget, 0, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_KB, NULL, NULL, NULL);
	DefineCustomIntVariable("campmon.run_lock_retries",
							"How many more times a step that could not get its lock within lock_timeout is tried, with a growing pause between tries.",
							"Each try waits at most lock_timeout in the lock queue: nobody waits behind the step's request longer than that.",
							&campmon_run_lock_retries, 3, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);

	MarkGUCPrefixReserved("campmon");

	/* not a setting, but this is the library's one _PG_init */
	campmon_access_hint_init();
}
