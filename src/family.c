/*-------------------------------------------------------------------------
 *
 * family.c
 *	  campmon.family_of(schema, table): the Campaign table family of a name,
 *	  by the rules of campmon.family (first match by priority, else
 *	  'other').
 *
 * In C because every listing calls it once per relation: 50,000 calls of
 * the SQL version (a subquery and up to one regular expression per rule)
 * took a second.  Here the rules are read once per query (per call site)
 * and a name is tested against a rule's regular expression only when it
 * starts with the rule's literal prefix ('^nmsbroadlog' -> 'nmsbroadlog'),
 * which most names do not.  The answer is the SQL version's: the prefix
 * test only skips expressions that cannot match.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_collation.h"
#include "executor/spi.h"
#include "regex/regex.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "campmon.h"

PG_FUNCTION_INFO_V1(campmon_family_of);
PG_FUNCTION_INFO_V1(campmon_literal_prefix);

typedef struct FamilyRule
{
	text	   *family;
	char	   *schema_name;	/* NULL: any schema but the system ones */
	text	   *pattern;
	char	   *prefix;			/* every match starts with it ("" none) */
	int			prefix_len;
} FamilyRule;

typedef struct FamilyRules
{
	int			nrules;
	FamilyRule *rules;
} FamilyRules;

/*
 * The literal text every match of an anchored pattern starts with: '^'
 * then letters, digits and underscores, less a last one that a quantifier
 * applies to ('^wkdlv_([0-9]+)_' -> 'wkdlv_', '^ab*' -> 'a').
 */
static char *
literal_prefix(const char *pattern, int *len)
{
	int			n = 0;

	*len = 0;
	if (pattern[0] != '^')
		return pstrdup("");
	pattern++;
	while ((pattern[n] >= 'a' && pattern[n] <= 'z') ||
		   (pattern[n] >= 'A' && pattern[n] <= 'Z') ||
		   (pattern[n] >= '0' && pattern[n] <= '9') || pattern[n] == '_')
		n++;
	if (n > 0 && (pattern[n] == '*' || pattern[n] == '+' ||
				  pattern[n] == '?' || pattern[n] == '{'))
		n--;
	*len = n;
	return pnstrdup(pattern, n);
}

/*
 * campmon._literal_prefix(pattern text) -> text: the same rule for SQL
 * (stale_tables and checks filter names by it before their expressions);
 * '' for NULL.
 */
Datum
campmon_literal_prefix(PG_FUNCTION_ARGS)
{
	int			len;

	if (PG_ARGISNULL(0))
		PG_RETURN_TEXT_P(cstring_to_text(""));
	PG_RETURN_TEXT_P(cstring_to_text(literal_prefix(text_to_cstring(PG_GETARG_TEXT_PP(0)),
													&len)));
}

/* campmon.family's rules, by priority, copied into cxt. */
static FamilyRules *
load_rules(MemoryContext cxt)
{
	FamilyRules *fr;
	MemoryContext old;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "campmon: SPI_connect failed");
	if (SPI_execute("SELECT family, schema_name, pattern FROM campmon.family "
					"ORDER BY priority, pattern", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "campmon: could not read campmon.family");

	old = MemoryContextSwitchTo(cxt);
	fr = palloc0(sizeof(FamilyRules));
	fr->rules = palloc0(sizeof(FamilyRule) * Max(SPI_processed, 1));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		FamilyRule *r = &fr->rules[fr->nrules];
		char	   *family = SPI_getvalue(tup, desc, 1);
		char	   *pattern = SPI_getvalue(tup, desc, 3);

		if (family == NULL || pattern == NULL)
			continue;
		r->family = cstring_to_text(family);
		r->schema_name = SPI_getvalue(tup, desc, 2);
		r->pattern = cstring_to_text(pattern);
		r->prefix = literal_prefix(pattern, &r->prefix_len);
		fr->nrules++;
	}
	MemoryContextSwitchTo(old);
	SPI_finish();
	return fr;
}

/* campmon.family_of(schema_name text, table_name text) -> text */
Datum
campmon_family_of(PG_FUNCTION_ARGS)
{
	FamilyRules *fr = (FamilyRules *) fcinfo->flinfo->fn_extra;
	char	   *schema;
	text	   *name;
	bool		system_schema;

	if (fr == NULL)
	{
		fr = load_rules(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = fr;
	}

	schema = PG_ARGISNULL(0) ? NULL : text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (PG_ARGISNULL(1))
		PG_RETURN_TEXT_P(cstring_to_text("other"));
	name = PG_GETARG_TEXT_PP(1);
	system_schema = schema == NULL ||
		strcmp(schema, "pg_catalog") == 0 ||
		strcmp(schema, "information_schema") == 0 ||
		strncmp(schema, "pg_toast", 8) == 0;

	for (int i = 0; i < fr->nrules; i++)
	{
		FamilyRule *r = &fr->rules[i];

		if (r->schema_name != NULL ?
			(schema == NULL || strcmp(r->schema_name, schema) != 0) :
			system_schema)
			continue;
		if (r->prefix_len > 0 &&
			(VARSIZE_ANY_EXHDR(name) < r->prefix_len ||
			 memcmp(VARDATA_ANY(name), r->prefix, r->prefix_len) != 0))
			continue;
		if (RE_compile_and_execute(r->pattern, VARDATA_ANY(name),
								   VARSIZE_ANY_EXHDR(name), REG_ADVANCED,
								   DEFAULT_COLLATION_OID, 0, NULL))
			PG_RETURN_TEXT_P(r->family);
	}
	PG_RETURN_TEXT_P(cstring_to_text("other"));
}
