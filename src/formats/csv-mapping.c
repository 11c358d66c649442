/*
 * CRM column mappings (csv-import.h): the vendors' and fields' names, the
 * built-in mapping of each vendor's export, and mapping files that extend
 * or replace it ("Column = field", "@option = value").
 */
#include "formats/csv-import.h"
#include "formats/csv-cells.h"
#include "formats/csv-export.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- names ----------------------------------------------------------- */

static const char *const vendor_names[] = { "salesforce", "hubspot" };

const char *
crm_vendor_name(enum crm_vendor v)
{
	return (size_t)v < ARRAY_SIZE(vendor_names) ? vendor_names[v] : "?";
}

int
crm_vendor_parse(const char *s, enum crm_vendor *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(vendor_names); i++) {
		if (!strcmp(s, vendor_names[i])) {
			*out = (enum crm_vendor)i;
			return 0;
		}
	}
	return -1;
}

/* The names are the deal's plan-file and JSON names where there is one. */
static const char *const field_names[CRM_NFIELDS] = {
	[CRM_IGNORE] = "ignore",
	[CRM_ID] = "id",
	[CRM_NAME] = "name",
	[CRM_ACCOUNT] = "account",
	[CRM_STAGE] = "stage",
	[CRM_VALUE] = "value",
	[CRM_CURRENCY] = "currency",
	[CRM_CLOSE_DATE] = "close_date",
	[CRM_AE] = "ae",
	[CRM_SE] = "se",
	[CRM_CHAMPION] = "champion",
	[CRM_CHAMPION_EMAIL] = "champion_email",
	[CRM_POC_START] = "poc_start",
	[CRM_POC_END] = "poc_end",
	[CRM_PROCUREMENT_DAYS] = "procurement_days",
};

const char *
crm_field_name(enum crm_field f)
{
	return (size_t)f < CRM_NFIELDS ? field_names[f] : "?";
}

static int
field_parse(const char *s, enum crm_field *out)
{
	for (int i = 0; i < CRM_NFIELDS; i++) {
		if (!strcmp(s, field_names[i])) {
			*out = (enum crm_field)i;
			return 0;
		}
	}
	return -1;
}

/* ---- mappings --------------------------------------------------------- */

struct builtin {
	const char *column;
	enum crm_field field;
};

/*
 * A Salesforce opportunity report ("Details Only", exported as CSV). With
 * multiple currencies on, the amount's currency is its own column, named
 * by the org's settings; the first one present wins.
 */
static const struct builtin salesforce_map[] = {
	{ "Opportunity ID", CRM_ID },
	{ "Opportunity Name", CRM_NAME },
	{ "Account Name", CRM_ACCOUNT },
	{ "Stage", CRM_STAGE },
	{ "Amount", CRM_VALUE },
	{ "Amount Currency", CRM_CURRENCY },
	{ "Opportunity Currency", CRM_CURRENCY },
	{ "Currency", CRM_CURRENCY },
	{ "Close Date", CRM_CLOSE_DATE },
	{ "Opportunity Owner", CRM_AE },
	{ "Type", CRM_IGNORE },
	{ "Probability (%)", CRM_IGNORE },
	{ "Created Date", CRM_IGNORE },
	{ "Fiscal Period", CRM_IGNORE },
	{ "Age", CRM_IGNORE },
	{ "Next Step", CRM_IGNORE },
	{ "Lead Source", CRM_IGNORE },
	{ "Forecast Category", CRM_IGNORE },
};

/* A HubSpot deals export (Deals > Export, CSV). */
static const struct builtin hubspot_map[] = {
	{ "Record ID", CRM_ID },
	{ "Deal Name", CRM_NAME },
	{ "Associated Company", CRM_ACCOUNT },
	{ "Associated Company (Primary)", CRM_ACCOUNT },
	{ "Deal Stage", CRM_STAGE },
	{ "Amount", CRM_VALUE },
	{ "Currency", CRM_CURRENCY },
	{ "Close Date", CRM_CLOSE_DATE },
	{ "Deal owner", CRM_AE },
	{ "Create Date", CRM_IGNORE },
	{ "Pipeline", CRM_IGNORE },
	{ "Deal Type", CRM_IGNORE },
	{ "Last Activity Date", CRM_IGNORE },
};

static void
map_insert(struct crm_mapping *m, size_t at, const char *column,
	   enum crm_field field)
{
	ALLOC_GROW(m->entries, m->n + 1, m->alloc);
	memmove(&m->entries[at + 1], &m->entries[at],
		(m->n - at) * sizeof(*m->entries));
	m->entries[at].column = xstrdup(column);
	m->entries[at].field = field;
	m->n++;
}

void
crm_mapping_init(struct crm_mapping *m, enum crm_vendor v)
{
	const struct builtin *b = v == CRM_HUBSPOT ? hubspot_map
						   : salesforce_map;
	size_t n = v == CRM_HUBSPOT ? ARRAY_SIZE(hubspot_map)
				    : ARRAY_SIZE(salesforce_map);

	memset(m, 0, sizeof(*m));
	m->vendor = v;
	for (size_t i = 0; i < n; i++)
		map_insert(m, m->n, b[i].column, b[i].field);
}

void
crm_mapping_release(struct crm_mapping *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->entries[i].column);
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

static int
mapping_option(struct crm_mapping *m, const char *name, const char *value,
	       const char *filename, size_t line, struct tw_error *err)
{
	if (!strcmp(name, "@decimal")) {
		if (!strcmp(value, "comma") || !strcmp(value, "point")) {
			m->decimal_comma = !strcmp(value, "comma");
			return 0;
		}
		return tw_error_set(err, TW_EINPUT,
				    "%s:%zu: invalid value '%s' for @decimal "
				    "(expected comma or point)",
				    filename, line, value);
	}
	if (!strcmp(name, "@date-order")) {
		if (!strcmp(value, "mdy") || !strcmp(value, "dmy")) {
			m->has_date_order = true;
			m->date_order = !strcmp(value, "dmy") ? CRM_DMY : CRM_MDY;
			return 0;
		}
		return tw_error_set(err, TW_EINPUT,
				    "%s:%zu: invalid value '%s' for @date-order "
				    "(expected mdy or dmy)",
				    filename, line, value);
	}
	return tw_error_set(err, TW_EINPUT,
			    "%s:%zu: unknown option '%s' (expected @decimal "
			    "or @date-order)",
			    filename, line, name);
}

/* One "Column = field" or "@option = value" line. */
static int
mapping_line(struct crm_mapping *m, size_t *nuser, const char *s,
	     const char *e, const char *filename, size_t line,
	     struct tw_error *err)
{
	const char *eq = NULL, *ls = s, *le, *rs, *re = e;
	char *column, *value;
	enum crm_field field;
	bool quoted = false;
	int rc = 0;

	for (const char *p = s; p < e; p++)
		if (*p == '=')
			eq = p;
	if (!eq)
		return tw_error_set(err, TW_EINPUT,
				    "%s:%zu: expected 'Column = field'",
				    filename, line);
	le = eq;
	rs = eq + 1;
	crm_trim(&ls, &le);
	crm_trim(&rs, &re);
	/* Quotes keep a column name's own spaces, '#' or '@'. */
	if (le - ls >= 2 && *ls == '"' && le[-1] == '"') {
		ls++;
		le--;
		quoted = true;
	}
	if (ls == le)
		return tw_error_set(err, TW_EINPUT,
				    "%s:%zu: missing column name", filename,
				    line);
	column = xstrndup(ls, (size_t)(le - ls));
	value = xstrndup(rs, (size_t)(re - rs));
	if (!quoted && *column == '@') {
		rc = mapping_option(m, column, value, filename, line, err);
	} else if (field_parse(value, &field) < 0) {
		struct strbuf names = STRBUF_INIT;

		for (int i = 0; i < CRM_NFIELDS; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "",
				    field_names[i]);
		rc = tw_error_set(err, TW_EINPUT,
				  "%s:%zu: unknown field '%s' (expected one "
				  "of: %s)",
				  filename, line, value, names.buf);
		strbuf_release(&names);
	} else {
		for (size_t i = 0; i < *nuser && !rc; i++)
			if (!strcasecmp(m->entries[i].column, column))
				rc = tw_error_set(err, TW_EINPUT,
						  "%s:%zu: column '%s' is "
						  "mapped twice",
						  filename, line, column);
		if (!rc)
			map_insert(m, (*nuser)++, column, field);
	}
	free(column);
	free(value);
	return rc;
}

int
crm_mapping_load(struct crm_mapping *m, const char *buf, size_t len,
		 const char *filename, struct tw_error *err)
{
	const char *p = buf, *end = buf + len;
	size_t line = 0, nuser = 0;
	int rc = 0;

	if (len >= 3 && !memcmp(buf, CSV_BOM, 3))
		p += 3;
	while (p < end && !rc) {
		const char *s = p, *e;

		line++;
		p = crm_line_next(p, end, &e);
		crm_trim(&s, &e);
		if (s == e || *s == '#')
			continue;
		if (memchr(s, '\0', (size_t)(e - s)))
			return tw_error_set(err, TW_EINPUT,
					    "%s:%zu: NUL byte", filename,
					    line);
		rc = mapping_line(m, &nuser, s, e, filename, line, err);
	}
	return rc;
}
