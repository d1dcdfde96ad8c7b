/*-------------------------------------------------------------------------
 *
 * campmon.c
 *	  Module entry point: the library magic, campmon's GUCs and the names
 *	  of the measurement modes.
 *
 * The library needs no shared_preload_libraries entry: it is loaded by the
 * first call of one of its functions, and _PG_init then defines the GUCs.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"

#include <limits.h>

#include "fmgr.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "mb/pg_wchar.h"
#include "regex/regex.h"
#include "storage/bufmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"
#include "utils/guc.h"
#include "utils/varlena.h"

#include "campmon.h"

PG_MODULE_MAGIC;

int			campmon_sample_pages = 3000;
int			campmon_index_sample_pages = 1000;
int			campmon_auto_exact_max_pages = 8192;	/* 64MB at 8kB pages */
int			campmon_sample_seed = 0;
static char *campmon_tables_mode = NULL;
static int	campmon_stale_min_age = 7 * 86400;
static int	campmon_held_max_idle = 7 * 86400;
static int	campmon_cleanup_max_age = 2 * 86400;
static int	campmon_bloat_warning_pct = 30;
static int	campmon_bloat_critical_pct = 60;
static int	campmon_stale_tables_critical = 1000;
static char *campmon_work_table_schemas = NULL;
static int	campmon_vacuum_min_dead_pct = 20;
static int	campmon_reindex_min_bloat_pct = 30;
static int	campmon_reindex_min_size = 1280;	/* 10MB in blocks */
static int	campmon_analyze_min_changed_pct = 10;
static int	campmon_freeze_age_pct = 80;
static int	campmon_vacuum_full_max_size = 655360;	/* 5GB in blocks */
static int	campmon_run_lock_timeout = 5000;
static int	campmon_run_statement_timeout = 3600 * 1000;
static int	campmon_run_time_budget = 4 * 3600;
static double campmon_run_cost_delay = 2;
static char *campmon_reference_time = NULL;
static char *campmon_indexes_mode = NULL;
static int	campmon_bloat_alert_min_size = 8192;	/* 64MB in blocks */
static char *campmon_never_work_table_owners = NULL;

static const char *const mode_names[] = {
	[CAMPMON_MODE_AUTO] = "auto",
	[CAMPMON_MODE_EXACT] = "exact",
	[CAMPMON_MODE_APPROX] = "approx",
	[CAMPMON_MODE_SAMPLED] = "sampled",
	[CAMPMON_MODE_STATS] = "stats",
};

#define VALID_MODES_HINT "Valid modes are: auto, exact, approx, sampled, stats."

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

static bool
check_view_mode(char **newval, void **extra, GucSource source)
{
	for (int i = 0; i < lengthof(mode_names); i++)
		if (strcmp(*newval, mode_names[i]) == 0)
			return true;
	GUC_check_errdetail("Unknown mode \"%s\".", *newval);
	GUC_check_errhint(VALID_MODES_HINT);
	return false;
}

/* as check_view_mode, less approx, which needs a visibility map */
static bool
check_index_view_mode(char **newval, void **extra, GucSource source)
{
	if (strcmp(*newval, "approx") == 0)
	{
		GUC_check_errdetail("Mode approx applies to tables only.");
		GUC_check_errhint("Use auto, exact, sampled or stats for indexes.");
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
							"Seed of the page sampler; 0 draws a new sample on every call.",
							"Set it to repeat a sample exactly, e.g. in tests.",
							&campmon_sample_seed,
							0, INT_MIN, INT_MAX,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("campmon.tables_mode",
							   "Mode the campmon.tables view measures with.",
							   "The default, stats, reads no pages so that the view answers in seconds on any database.",
							   &campmon_tables_mode,
							   "stats",
							   PGC_USERSET, 0,
							   check_view_mode, NULL, NULL);

	DefineCustomStringVariable("campmon.indexes_mode",
							   "Mode the campmon.indexes view measures with.",
							   "The default, stats, reads no pages so that the view answers in seconds on any database.",
							   &campmon_indexes_mode,
							   "stats",
							   PGC_USERSET, 0,
							   check_index_view_mode, NULL, NULL);

	/* Campaign knowledge: thresholds of campmon.stale_tables and campmon.checks */
	DefineCustomIntVariable("campmon.stale_min_age",
							"A work table without owner rule is suspect once unwritten for this long.",
							NULL, &campmon_stale_min_age, 7 * 86400, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_S, NULL, NULL, NULL);
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
							   PGC_USERSET, GUC_LIST_INPUT,
							   check_work_table_schemas, NULL, NULL);
	DefineCustomStringVariable("campmon.reference_time",
							   "Evaluate Campaign dates (last cleanup, purge backlog) as of this time; empty: now.",
							   "For what-if analysis and repeatable tests; file ages always use the real clock.",
							   &campmon_reference_time, "",
							   PGC_USERSET, 0, check_reference_time, NULL, NULL);

	/* plans and their runs */
	DefineCustomIntVariable("campmon.vacuum_min_dead_pct",
							"campmon.plan vacuums tables whose dead rows exceed this share of live rows (percent).",
							NULL, &campmon_vacuum_min_dead_pct, 20, 0, 100,
							PGC_USERSET, 0, NULL, NULL, NULL);
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

	/* issue 14: alerts worth waking for; roles whose tables are never work tables */
	DefineCustomIntVariable("campmon.bloat_alert_min_size",
							"campmon.checks raises bloat warnings and criticals only for bloat larger than this.",
							"Smaller bloat is an ok row with its figure in the message.",
							&campmon_bloat_alert_min_size, 8192, 0, INT_MAX,
							PGC_USERSET, GUC_UNIT_BLOCKS, NULL, NULL, NULL);
	DefineCustomStringVariable("campmon.never_work_table_owners",
							   "Roles (comma-separated) whose tables are never work tables, besides postgres and every superuser.",
							   "Such tables are not in campmon.stale_tables, never planned for DROP, and drop_work_table refuses them.",
							   &campmon_never_work_table_owners, "",
							   PGC_USERSET, GUC_LIST_INPUT,
							   check_never_work_table_owners, NULL, NULL);

	MarkGUCPrefixReserved("campmon");
}

CampmonMode
campmon_parse_mode(const char *name)
{
	for (int i = 0; i < lengthof(mode_names); i++)
		if (strcmp(name, mode_names[i]) == 0)
			return (CampmonMode) i;

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown mode \"%s\"", name),
			 errhint(VALID_MODES_HINT)));
	pg_unreachable();
}

const char *
campmon_mode_name(CampmonMode mode)
{
	return mode_names[mode];
}

/* auto: exact up to campmon.auto_exact_max_size, sampled above */
CampmonMode
campmon_resolve_auto(Relation rel, CampmonMode mode)
{
	if (mode != CAMPMON_MODE_AUTO)
		return mode;
	return RelationGetNumberOfBlocks(rel) <= (BlockNumber) campmon_auto_exact_max_pages ?
		CAMPMON_MODE_EXACT : CAMPMON_MODE_SAMPLED;
}

/* bloat_bytes = size - min_bytes, never below 0 */
double
campmon_bloat_bytes(BlockNumber total_pages, double min_pages)
{
	double		bloat = ((double) total_pages - min_pages) * BLCKSZ;

	return Max(bloat, 0);
}

/* bloat_pct = 100 * bloat_bytes / size, 0 for an empty relation */
double
campmon_bloat_pct(BlockNumber total_pages, double min_pages)
{
	if (total_pages == 0)
		return 0;
	return 100.0 * campmon_bloat_bytes(total_pages, min_pages) /
		((double) total_pages * BLCKSZ);
}

/*
 * Check the (rel, mode, sample_pages) arguments of a measurement function.
 * Returns false, with missing_ok, for a NULL rel (nothing to measure);
 * every other bad argument is an error.  example names a relation for the
 * hint, e.g. "campmon.table_bloat('nmsbroadlogrcp')"; sample_guc names the
 * GUC that gives the default sample size.
 */
bool
campmon_measure_args(FunctionCallInfo fcinfo, bool missing_ok,
					 const char *example, const char *sample_guc,
					 int default_sample_pages, MeasureArgs *args)
{
	/* the other arguments first: a NULL rel does not excuse a bad mode */
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("mode must not be NULL"),
				 errhint(VALID_MODES_HINT)));
	args->mode = campmon_parse_mode(text_to_cstring(PG_GETARG_TEXT_PP(1)));

	args->sample_pages = default_sample_pages;
	if (!PG_ARGISNULL(2))
	{
		args->sample_pages = PG_GETARG_INT32(2);
		if (args->sample_pages <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample_pages must be greater than zero, not %d",
							args->sample_pages),
					 errhint("Omit it to use %s (%d).",
							 sample_guc, default_sample_pages)));
		if (args->mode != CAMPMON_MODE_SAMPLED && args->mode != CAMPMON_MODE_AUTO)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sample_pages applies only to modes sampled and auto, not %s",
							campmon_mode_name(args->mode))));
	}

	if (PG_ARGISNULL(0))
	{
		if (missing_ok)
			return false;
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("rel must not be NULL"),
				 errhint("Pass a relation, e.g. %s.", example)));
	}
	args->relid = PG_GETARG_OID(0);
	return true;
}

PG_FUNCTION_INFO_V1(campmon_work_table_schemas_array);

/*
 * campmon._work_table_schemas() -> text[]: the schemas of
 * campmon.work_table_schemas, unquoted and case-folded as search_path's
 * are (SplitIdentifierString).
 */
Datum
campmon_work_table_schemas_array(PG_FUNCTION_ARGS)
{
	char	   *copy = pstrdup(campmon_work_table_schemas);
	List	   *names;
	ListCell   *lc;
	ArrayBuildState *astate = NULL;

	if (!SplitIdentifierString(copy, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in campmon.work_table_schemas")));
	foreach(lc, names)
		astate = accumArrayResult(astate, CStringGetTextDatum((char *) lfirst(lc)),
								  false, TEXTOID, CurrentMemoryContext);
	if (astate == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

PG_FUNCTION_INFO_V1(campmon_never_work_table_owners_array);

/*
 * campmon._never_work_table_owner_names() -> text[]: the roles of
 * campmon.never_work_table_owners, unquoted and case-folded as identifiers.
 */
Datum
campmon_never_work_table_owners_array(PG_FUNCTION_ARGS)
{
	char	   *copy = pstrdup(campmon_never_work_table_owners);
	List	   *names;
	ListCell   *lc;
	ArrayBuildState *astate = NULL;

	if (!SplitIdentifierString(copy, ',', &names))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid list syntax in campmon.never_work_table_owners"),
				 errhint("Role names separated by commas, with double quotes where a name needs them.")));
	foreach(lc, names)
		astate = accumArrayResult(astate, CStringGetTextDatum((char *) lfirst(lc)),
								  false, TEXTOID, CurrentMemoryContext);
	if (astate == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}

PG_FUNCTION_INFO_V1(campmon_human);

/*
 * campmon._human(interval) -> text: a duration for messages, "5 days 2 h",
 * "3 h 20 min", "12 min" (months count as 30 days).  In C because the
 * listings call it for every row.
 */
Datum
campmon_human(PG_FUNCTION_ARGS)
{
	Interval   *i = PG_GETARG_INTERVAL_P(0);
	int64		secs;
	int64		days;

	secs = i->time / USECS_PER_SEC +
		((int64) i->day + (int64) i->month * DAYS_PER_MONTH) * SECS_PER_DAY;
	if (secs < 0)
		secs = 0;
	days = secs / SECS_PER_DAY;

	if (days > 0)
	{
		int64		hours = (secs % SECS_PER_DAY) / SECS_PER_HOUR;

		if (hours > 0)
			PG_RETURN_TEXT_P(cstring_to_text(psprintf(INT64_FORMAT " %s " INT64_FORMAT " h",
													  days, days == 1 ? "day" : "days", hours)));
		PG_RETURN_TEXT_P(cstring_to_text(psprintf(INT64_FORMAT " %s", days,
												  days == 1 ? "day" : "days")));
	}
	if (secs >= SECS_PER_HOUR)
		PG_RETURN_TEXT_P(cstring_to_text(psprintf(INT64_FORMAT " h " INT64_FORMAT " min",
												  secs / SECS_PER_HOUR,
												  (secs % SECS_PER_HOUR) / SECS_PER_MINUTE)));
	PG_RETURN_TEXT_P(cstring_to_text(psprintf(INT64_FORMAT " min", secs / SECS_PER_MINUTE)));
}

PG_FUNCTION_INFO_V1(campmon_match_id);

/*
 * campmon._match_id(name text, pattern text, prefix text) -> bigint
 *
 * The owner id a work-table name carries: the first group of pattern, when
 * it is 1 to 18 digits; NULL otherwise (no match, or a "number" that cannot
 * be an id).  prefix is the literal text every match starts with: names
 * without it are rejected before the regular expression runs, which is
 * what keeps a listing of tens of thousands of work tables fast.
 */
Datum
campmon_match_id(PG_FUNCTION_ARGS)
{
	text	   *name = PG_GETARG_TEXT_PP(0);
	text	   *pattern = PG_GETARG_TEXT_PP(1);
	text	   *prefix = PG_GETARG_TEXT_PP(2);
	const char *n = VARDATA_ANY(name);
	int			nlen = VARSIZE_ANY_EXHDR(name);
	int			plen = VARSIZE_ANY_EXHDR(prefix);
	regex_t    *re;
	pg_wchar   *wide;
	int			wlen;
	regmatch_t	match[2];
	int			rc;
	int64		id = 0;

	if (plen > nlen || memcmp(n, VARDATA_ANY(prefix), plen) != 0)
		PG_RETURN_NULL();

	re = RE_compile_and_cache(pattern, REG_ADVANCED, C_COLLATION_OID);
	wide = (pg_wchar *) palloc((nlen + 1) * sizeof(pg_wchar));
	wlen = pg_mb2wchar_with_len(n, wide, nlen);
	rc = pg_regexec(re, wide, wlen, 0, NULL, lengthof(match), match, 0);
	if (rc == REG_NOMATCH || (rc == REG_OKAY && match[1].rm_so < 0))
		PG_RETURN_NULL();
	if (rc != REG_OKAY)
	{
		char		errmsg_buf[100];

		pg_regerror(rc, re, errmsg_buf, sizeof(errmsg_buf));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_REGULAR_EXPRESSION),
				 errmsg("regular expression failed: %s", errmsg_buf)));
	}

	if (match[1].rm_eo - match[1].rm_so < 1 || match[1].rm_eo - match[1].rm_so > 18)
		PG_RETURN_NULL();
	for (regoff_t k = match[1].rm_so; k < match[1].rm_eo; k++)
	{
		if (wide[k] < '0' || wide[k] > '9')
			PG_RETURN_NULL();
		id = id * 10 + (wide[k] - '0');
	}
	pfree(wide);
	PG_RETURN_INT64(id);
}

/*
 * InitMaterializedSRF for the functions the views call once per row.  With
 * the expected descriptor the executor passes, rather than one built from
 * pg_proc by get_call_result_type: that one leaves a few kB of argument
 * names and types in the query's memory at every call, which at 40,000
 * rows was over 100 MB.
 */
void
campmon_init_srf(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo,
						rsinfo != NULL && IsA(rsinfo, ReturnSetInfo) &&
						rsinfo->expectedDesc != NULL ?
						MAT_SRF_USE_EXPECTED_DESC : 0);
}
