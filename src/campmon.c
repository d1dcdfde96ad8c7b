/*-------------------------------------------------------------------------
 *
 * campmon.c
 *	  Shared helpers: the library magic, the names of the measurement modes,
 *	  the bloat arithmetic every measurement uses, the check of a
 *	  measurement function's arguments, and small SQL-callable helpers
 *	  (version, durations, owner ids in work-table names, schema lists).
 *	  The settings are in settings.c.
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

static const char *const mode_names[] = {
	[CAMPMON_MODE_AUTO] = "auto",
	[CAMPMON_MODE_EXACT] = "exact",
	[CAMPMON_MODE_APPROX] = "approx",
	[CAMPMON_MODE_SAMPLED] = "sampled",
	[CAMPMON_MODE_STATS] = "stats",
	[CAMPMON_MODE_ADAPTIVE] = "adaptive",
};

#define VALID_MODES_HINT "Valid modes are: auto, exact, approx, sampled, stats."

/* Is name one of the modes?  (settings.c checks the listings' modes) */
bool
campmon_mode_valid(const char *name)
{
	for (int i = 0; i < lengthof(mode_names); i++)
		if (strcmp(name, mode_names[i]) == 0)
			return true;
	return false;
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
 * A percentage column of a result row (bloat_pct and its interval, leaf
 * density, fragmentation): numeric rounded to two decimals, as the listings
 * and pgstatindex show them, so that a function and a view give one figure.
 * Full precision stays in the byte columns (100.0 * bloat_bytes / size).
 */
Datum
campmon_pct_datum(double pct)
{
	return DirectFunctionCall2(numeric_round,
							   DirectFunctionCall1(float8_numeric, Float8GetDatum(pct)),
							   Int32GetDatum(2));
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
	if (args->mode == CAMPMON_MODE_ADAPTIVE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mode adaptive applies to the listings only"),
				 errdetail("It chooses, relation by relation, between statistics and a small sample under a page budget shared by the whole listing."),
				 errhint("Measure one relation with auto, exact, sampled or stats, e.g. %s.", example)));

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
