/*
 * Unit tests for src/formats/csv-import.c: every date and amount format the
 * vendors write, the built-in Salesforce and HubSpot mappings on real-looking
 * exports (tests/data/crm/), quoted newlines, a BOM, CRLF, LF, a lone CR
 * (old Mac exports) and all three mixed, the Salesforce report footer, bad
 * rows with their exact physical line and column, the reject file, mapping
 * files, merging into a stored deal, and slugs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv-import.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* TW_TEST_DATA is set by ctest; by hand, the data is next to this file. */
static void
data_path(struct strbuf *sb, const char *rel)
{
	const char *dir = getenv("TW_TEST_DATA");

	strbuf_reset(sb);
	if (dir) {
		strbuf_addf(sb, "%s/%s", dir, rel);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(sb, __FILE__, slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addf(sb, "/../data/%s", rel);
	}
}

static char *
read_data(const char *rel, size_t *len)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	data_path(&path, rel);
	f = fopen(path.buf, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path.buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	assert_false(ferror(f));
	fclose(f);
	strbuf_release(&path);
	return strbuf_detach(&sb, len);
}

static tw_date
ymd(int y, int m, int d)
{
	tw_date v = date_from_ymd(y, m, d);

	assert_int_not_equal(v, DATE_NONE);
	return v;
}

/* ---- cells ------------------------------------------------------------ */

static tw_date
date_ok(const char *s, enum crm_date_order o)
{
	tw_date d = DATE_NONE;

	if (crm_parse_date(s, o, &d) < 0)
		fail_msg("date '%s' did not parse", s);
	return d;
}

static void
test_dates(void **state)
{
	tw_date d;

	(void)state;
	assert_int_equal(date_ok("2026-03-31", CRM_MDY), ymd(2026, 3, 31));
	assert_int_equal(date_ok("3/31/2026", CRM_MDY), ymd(2026, 3, 31));
	assert_int_equal(date_ok("03/04/2026", CRM_MDY), ymd(2026, 3, 4));
	assert_int_equal(date_ok("03/04/2026", CRM_DMY), ymd(2026, 4, 3));
	assert_int_equal(date_ok("31/3/2026", CRM_DMY), ymd(2026, 3, 31));
	assert_int_equal(date_ok("31.12.2026", CRM_DMY), ymd(2026, 12, 31));
	assert_int_equal(date_ok("1.3.2027", CRM_DMY), ymd(2027, 3, 1));
	/* ISO is ISO whatever the order. */
	assert_int_equal(date_ok("2026-04-03", CRM_DMY), ymd(2026, 4, 3));
	/* HubSpot timestamps and Salesforce date-times keep the date. */
	assert_int_equal(date_ok("2026-10-16 14:22", CRM_MDY),
			 ymd(2026, 10, 16));
	assert_int_equal(date_ok("2026-10-16 00:00:59", CRM_MDY),
			 ymd(2026, 10, 16));
	assert_int_equal(date_ok("2026-10-16T14:22:05.123Z", CRM_MDY),
			 ymd(2026, 10, 16));
	assert_int_equal(date_ok("2026-10-16T14:22:05+02:00", CRM_MDY),
			 ymd(2026, 10, 16));
	assert_int_equal(date_ok("11/26/2026 9:14 AM", CRM_MDY),
			 ymd(2026, 11, 26));
	assert_int_equal(date_ok("2024-02-29", CRM_MDY), ymd(2024, 2, 29));

	/* Not dates, or not in this order. */
	assert_int_equal(crm_parse_date("31/3/2026", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("3/31/2026", CRM_DMY, &d), -1);
	assert_int_equal(crm_parse_date("2/30/2026", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("2025-02-29", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("3/31/26", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("2026-3-31", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("2026-", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("3/31-2026", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("3/31/20266", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("2026-10-16 25:00", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("2026-10-16 14:60", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("11/26/2026 13:14 PM", CRM_MDY, &d),
			 -1);
	assert_int_equal(crm_parse_date("2026-10-16 soon", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("next week", CRM_MDY, &d), -1);
	assert_int_equal(crm_parse_date("", CRM_MDY, &d), -1);
}

static void
amount_ok(const char *s, bool dc, double want, const char *cur)
{
	double v = -1;
	char c[4] = "x";

	if (crm_parse_amount(s, dc, &v, c) < 0)
		fail_msg("amount '%s' did not parse", s);
	if (v != want)
		fail_msg("amount '%s': got %.17g, want %.17g", s, v, want);
	assert_string_equal(c, cur);
}

static void
amount_bad(const char *s, bool dc)
{
	double v;
	char c[4];

	if (crm_parse_amount(s, dc, &v, c) == 0)
		fail_msg("amount '%s' parsed as %g", s, v);
}

static void
test_amounts(void **state)
{
	(void)state;
	amount_ok("1250000", false, 1250000, "");
	amount_ok("98000.50", false, 98000.5, "");
	amount_ok("1,250,000.00", false, 1250000, "");
	amount_ok("$1,250,000.00", false, 1250000, "USD");
	amount_ok("US$ 1,250,000", false, 1250000, "USD");
	amount_ok("USD 1,250,000", false, 1250000, "USD");
	amount_ok("1,250,000 USD", false, 1250000, "USD");
	amount_ok("$1,250,000.00 USD", false, 1250000, "USD");
	amount_ok("\xc2\xa3" "310,000.00", false, 310000, "GBP");
	amount_ok("CHF 1'250.00", false, 1250, "CHF");
	amount_ok("0", false, 0, "");
	amount_ok("-0.00", false, 0, "");
	amount_ok("1,250", false, 1250, "");
	/* Decimal comma, as a mapping file's @decimal = comma says. */
	amount_ok("1.250.000,00 \xe2\x82\xac", true, 1250000, "EUR");
	amount_ok("98.500,50 \xe2\x82\xac", true, 98500.5, "EUR");
	amount_ok("1 250 000,50 EUR", true, 1250000.5, "EUR");
	amount_ok("1\xc2\xa0" "250\xc2\xa0" "000,50 \xe2\x82\xac", true,
		  1250000.5, "EUR");
	amount_ok("1\xe2\x80\xaf" "250,5", true, 1250.5, "");
	amount_ok("750 \xe2\x82\xac", true, 750, "EUR");
	amount_ok("1250000", true, 1250000, "");

	amount_bad("1,25", false);		/* a decimal comma? */
	amount_bad("1.250.000,00", false);
	amount_bad("1,250,000.00", true);
	amount_bad("1,2345", false);
	amount_bad("12,34,567", false);
	amount_bad(",250", false);
	amount_bad("1,250.", false);
	amount_bad("1.2.3", false);
	amount_bad("-5,000.00", false);		/* negative */
	amount_bad("(1,000.00)", false);
	amount_bad("$-5", false);
	amount_bad("USD 5 EUR", false);		/* two currencies */
	amount_bad("$5 EUR", false);
	amount_bad("twelve", false);
	amount_bad("$", false);
	amount_bad("USD", false);
	amount_bad("", false);
	amount_bad("1e9", false);
	amount_bad("nan", false);
}

static void
slug_is(const char *name, const char *want)
{
	char out[DEAL_SLUG_MAX + 1];

	crm_slugify(name, out);
	assert_string_equal(out, want);
	if (*out)
		assert_true(slug_is_valid(out));
}

static void
test_slugify(void **state)
{
	(void)state;
	slug_is("Acme Corp - Data Pipeline", "acme-corp-data-pipeline");
	slug_is("Caf\xc3\xa9 M\xc3\xbcller \xe2\x80\x93 Analytics Rollout",
		"cafe-muller-analytics-rollout");
	slug_is("Initech: \"Phase 2\" Expansion", "initech-phase-2-expansion");
	slug_is("  --Hello__World--  ", "hello-world");
	slug_is("Stra\xc3\x9f" "e \xc3\x86on \xc5\x81\xc3\xb3" "d\xc5\xba",
		"strasse-aeon-lod");
	slug_is("\xe6\x97\xa5\xe6\x9c\xac", "");
	slug_is("!!!", "");
	slug_is("bad \xff byte", "bad-byte");
	/*
	 * At most 40, cut after the last word that fits whole: 65
	 * characters keep the three words within 40.
	 */
	slug_is("Globex Corporation Enterprise Observability Platform "
		"Renewal 2027",
		"globex-corporation-enterprise");
	/* 40 exactly stays; the '-' before a word that would not fit goes. */
	slug_is("abcdefghij abcdefghij abcdefghij abcdefg",
		"abcdefghij-abcdefghij-abcdefghij-abcdefg");
	slug_is("abcdefghij abcdefghij abcdefghij abcdefgh x",
		"abcdefghij-abcdefghij-abcdefghij");
	slug_is("abcdefghij abcdefghij abcdefghij abcdefghi",
		"abcdefghij-abcdefghij-abcdefghij");
	/* One word longer than 40 is cut in the word. */
	slug_is("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa "
		"bbbb",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

static bool
in_list(void *arg, const char *slug)
{
	for (const char *const *p = arg; *p; p++)
		if (!strcmp(*p, slug))
			return true;
	return false;
}

static void
test_slug_unique(void **state)
{
	static const char *const taken[] = {
		"acme", "acme-2", "solo-2",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-2",
		"abcdefghijklmnopqrstuvwxyzabcdefghijk-lm",
		NULL,
	};
	char out[DEAL_SLUG_MAX + 1];

	(void)state;
	crm_slug_unique("acme", in_list, (void *)taken, out);
	assert_string_equal(out, "acme-3");
	crm_slug_unique("solo", in_list, (void *)taken, out);
	assert_string_equal(out, "solo");
	/* The suffix fits within 40 too. */
	crm_slug_unique(taken[3], in_list, (void *)taken, out);
	assert_string_equal(out, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-3");
	assert_int_equal(strlen(out), CRM_SLUG_MAX);
	/* Shortening must not leave "--". */
	crm_slug_unique(taken[5], in_list, (void *)taken, out);
	assert_string_equal(out, "abcdefghijklmnopqrstuvwxyzabcdefghijk-2");
	assert_true(slug_is_valid(out));
}

/* ---- whole files ------------------------------------------------------ */

struct parsed {
	struct crm_mapping map;
	struct crm_import imp;
	char *buf;
	size_t len;
};

static int
parse_buf(struct parsed *p, enum crm_vendor v, const char *map,
	  enum crm_date_order order, struct tw_error *err)
{
	struct crm_options opt = { 0 };
	int rc;

	crm_mapping_init(&p->map, v);
	if (map) {
		rc = crm_mapping_load(&p->map, map, strlen(map), "map.txt",
				      err);
		if (rc < 0)
			return rc;
	}
	opt.date_order = p->map.has_date_order ? p->map.date_order : order;
	opt.decimal_comma = p->map.decimal_comma;
	return crm_parse(p->buf, p->len, "in.csv", &p->map, &opt, &p->imp,
			 err);
}

/* Parse a file under tests/data/crm/ with its mapping file, if any. */
static void
parse_file(struct parsed *p, const char *file, enum crm_vendor v,
	   const char *mapfile, enum crm_date_order order)
{
	struct tw_error err = { 0 };
	char *map = NULL;
	size_t n;

	memset(p, 0, sizeof(*p));
	p->buf = read_data(file, &p->len);
	if (mapfile)
		map = read_data(mapfile, &n);
	if (parse_buf(p, v, map, order, &err) < 0)
		fail_msg("%s: %s", file, err.msg);
	free(map);
}

static void
parse_text(struct parsed *p, const char *text, enum crm_vendor v)
{
	struct tw_error err = { 0 };

	memset(p, 0, sizeof(*p));
	p->buf = xstrdup(text);
	p->len = strlen(text);
	if (parse_buf(p, v, NULL, CRM_MDY, &err) < 0)
		fail_msg("%s", err.msg);
}

static void
parsed_release(struct parsed *p)
{
	crm_import_release(&p->imp);
	crm_mapping_release(&p->map);
	free(p->buf);
}

#define HAS(row, f) (((row)->present >> (f)) & 1u)

static void
test_salesforce_report(void **state)
{
	struct parsed p;
	const struct crm_row *r;

	(void)state;
	parse_file(&p, "crm/salesforce-opportunities.csv", CRM_SALESFORCE,
		   NULL, CRM_MDY);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 6);
	assert_int_equal(p.imp.footer_lines, 4);
	assert_true(p.imp.crlf);
	assert_false(p.imp.bom);
	assert_int_equal(p.imp.ncols, 15);
	assert_string_equal(crm_column_name(&p.imp, CRM_ID), "Opportunity ID");
	assert_string_equal(crm_column_name(&p.imp, CRM_CURRENCY),
			    "Amount Currency");
	assert_null(crm_column_name(&p.imp, CRM_SE));

	/* Row 1 spans lines 2-3 (a newline in Next Step). */
	r = &p.imp.rows[0];
	assert_int_equal(r->line, 2);
	assert_string_equal(r->name, "Nordwind - Streaming Platform");
	assert_string_equal(r->deal.crm_source, "salesforce");
	assert_string_equal(r->deal.crm_id, "0065g00000NwLgTAAV");
	assert_string_equal(r->deal.account, "Nordwind Logistics");
	assert_string_equal(r->deal.stage, "Negotiation/Review");
	assert_int_equal(r->deal.outcome, OUTCOME_OPEN);
	assert_true(r->deal.has_value);
	assert_true(r->deal.value == 250000);
	assert_string_equal(r->deal.currency, "EUR");
	assert_int_equal(r->deal.close_date, ymd(2026, 12, 18));
	assert_string_equal(r->deal.ae, "Jonas Becker");
	assert_null(r->deal.se);
	/* The row's text runs over both lines, without the last CRLF. */
	assert_int_equal(r->len, strlen(
		"\"Jonas Becker\",\"Nordwind Logistics\",\"Nordwind - Streaming "
		"Platform\",\"0065g00000NwLgTAAV\",\"Negotiation/Review\","
		"\"Q4-2026\",\"EUR\",\"250,000.00\",\"90\",\"86\","
		"\"12/18/2026\",\"9/1/2026\",\"Send order form\r\nafter the "
		"CFO call\",\"Partner Referral\",\"New Customer\""));
	assert_memory_equal(p.buf + r->off, "\"Jonas Becker\"", 14);

	r = &p.imp.rows[1];
	assert_int_equal(r->line, 4);
	assert_string_equal(r->deal.stage, "Closed Won");
	assert_int_equal(r->deal.outcome, OUTCOME_WON);
	assert_int_equal(r->deal.close_date, ymd(2026, 10, 16));
	assert_true(r->deal.value == 1250000);
	assert_string_equal(r->deal.currency, "USD");

	r = &p.imp.rows[3];
	assert_int_equal(r->line, 6);
	assert_string_equal(r->deal.account, "Caf\xc3\xa9 M\xc3\xbcller GmbH");
	assert_int_equal(r->deal.outcome, OUTCOME_LOST);

	/* An empty amount is no value, not zero. */
	r = &p.imp.rows[4];
	assert_int_equal(r->line, 7);
	assert_false(r->deal.has_value);
	assert_false(HAS(r, CRM_VALUE));
	assert_true(HAS(r, CRM_CURRENCY));

	/* Doubled quotes in a quoted cell; £ agrees with the GBP column. */
	r = &p.imp.rows[5];
	assert_int_equal(r->line, 8);
	assert_string_equal(r->name, "Initech: \"Phase 2\" Expansion");
	assert_true(r->deal.value == 310000);
	assert_string_equal(r->deal.currency, "GBP");
	parsed_release(&p);
}

/* The same export with LF line ends reads the same. */
static void
test_lf_equals_crlf(void **state)
{
	struct parsed a, b;
	struct tw_error err = { 0 };
	size_t j = 0;

	(void)state;
	parse_file(&a, "crm/salesforce-opportunities.csv", CRM_SALESFORCE,
		   NULL, CRM_MDY);
	memset(&b, 0, sizeof(b));
	b.buf = xmalloc(a.len + 1);
	for (size_t i = 0; i < a.len; i++)
		if (a.buf[i] != '\r')
			b.buf[j++] = a.buf[i];
	b.len = j;
	assert_int_equal(parse_buf(&b, CRM_SALESFORCE, NULL, CRM_MDY, &err),
			 0);
	assert_false(b.imp.crlf);
	assert_int_equal(b.imp.nrows, a.imp.nrows);
	assert_int_equal(b.imp.footer_lines, a.imp.footer_lines);
	for (size_t i = 0; i < a.imp.nrows; i++) {
		assert_int_equal(b.imp.rows[i].line, a.imp.rows[i].line);
		assert_string_equal(b.imp.rows[i].deal.crm_id,
				    a.imp.rows[i].deal.crm_id);
		assert_true(b.imp.rows[i].deal.value ==
			    a.imp.rows[i].deal.value);
	}
	parsed_release(&a);
	parsed_release(&b);
}

static void
test_hubspot_export(void **state)
{
	struct parsed p;
	const struct crm_row *r;

	(void)state;
	parse_file(&p, "crm/hubspot-deals.csv", CRM_HUBSPOT,
		   "crm/hubspot-map.txt", CRM_MDY);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 4);
	assert_true(p.imp.bom);
	assert_false(p.imp.crlf);
	assert_int_equal(p.imp.footer_lines, 0);
	/* The BOM is not part of the first column's name. */
	assert_string_equal(p.imp.header[0], "Record ID");
	assert_string_equal(crm_column_name(&p.imp, CRM_SE), "Sales Engineer");

	r = &p.imp.rows[0];
	assert_string_equal(r->deal.crm_source, "hubspot");
	assert_string_equal(r->deal.crm_id, "15502339812");
	assert_string_equal(r->name, "Globex Observability");
	assert_string_equal(r->deal.stage, "closedwon");
	assert_int_equal(r->deal.outcome, OUTCOME_WON);
	assert_int_equal(r->deal.close_date, ymd(2026, 10, 16));
	assert_true(r->deal.value == 1250000);
	assert_string_equal(r->deal.currency, "USD");
	assert_string_equal(r->deal.ae, "Hank Scorpio");
	assert_string_equal(r->deal.account, "Globex Corporation");
	assert_string_equal(r->deal.se, "Mara Lindqvist");
	assert_int_equal(r->deal.poc_start, ymd(2026, 8, 3));
	assert_int_equal(r->deal.poc_end, ymd(2026, 9, 11));
	assert_true(r->deal.has_procurement_days);
	assert_int_equal(r->deal.procurement_days, 20);

	r = &p.imp.rows[1];
	assert_true(r->deal.value == 98000.5);
	assert_string_equal(r->deal.currency, "EUR");
	assert_int_equal(r->deal.outcome, OUTCOME_OPEN);

	/* HubSpot's label "Closed lost" is the same outcome. */
	r = &p.imp.rows[2];
	assert_int_equal(r->deal.outcome, OUTCOME_LOST);
	assert_true(r->deal.value == 420000);
	assert_false(HAS(r, CRM_POC_START));
	assert_false(r->deal.has_procurement_days);

	r = &p.imp.rows[3];
	assert_int_equal(r->line, 5);
	assert_string_equal(r->name,
			    "Wayne Foundation \xe2\x80\x94 \"Data Commons\"");
	assert_false(HAS(r, CRM_ACCOUNT));
	assert_false(r->deal.has_value);
	parsed_release(&p);
}

static void
test_date_orders_and_decimal_comma(void **state)
{
	struct parsed p;

	(void)state;
	parse_file(&p, "crm/salesforce-dmy.csv", CRM_SALESFORCE, NULL,
		   CRM_DMY);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 3);
	assert_int_equal(p.imp.rows[0].deal.close_date, ymd(2027, 3, 31));
	assert_int_equal(p.imp.rows[1].deal.close_date, ymd(2026, 12, 4));
	assert_int_equal(p.imp.rows[2].deal.close_date, ymd(2027, 2, 1));
	/* No currency column: the amount's code is the currency. */
	assert_string_equal(p.imp.rows[0].deal.currency, "GBP");
	assert_true(p.imp.rows[0].deal.value == 310000);
	assert_true(HAS(&p.imp.rows[0], CRM_CURRENCY));
	assert_string_equal(p.imp.rows[1].deal.currency, "USD");
	assert_string_equal(p.imp.rows[2].deal.currency, "GBP");
	assert_true(p.imp.rows[2].deal.value == 1500);
	parsed_release(&p);

	/* Read as M/D/YYYY, 31/3/2027 is no date: row 2, Close Date. */
	parse_file(&p, "crm/salesforce-dmy.csv", CRM_SALESFORCE, NULL,
		   CRM_MDY);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 2);
	assert_string_equal(p.imp.bad[0].column, "Close Date");
	assert_string_equal(p.imp.bad[0].message,
			    "invalid date '31/3/2027' (expected M/D/YYYY or "
			    "YYYY-MM-DD)");
	/* 4/12/2026 is a date both ways: April 12 here. */
	assert_int_equal(p.imp.rows[0].deal.close_date, ymd(2026, 4, 12));
	parsed_release(&p);

	/* The mapping file sets the decimal comma and D.M.YYYY. */
	parse_file(&p, "crm/salesforce-eu.csv", CRM_SALESFORCE,
		   "crm/eu-map.txt", CRM_MDY);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 3);
	assert_true(p.imp.rows[0].deal.value == 1250000);
	assert_string_equal(p.imp.rows[0].deal.currency, "EUR");
	assert_int_equal(p.imp.rows[0].deal.close_date, ymd(2026, 12, 31));
	assert_true(p.imp.rows[1].deal.value == 98500.5);
	assert_int_equal(p.imp.rows[2].deal.close_date, ymd(2027, 3, 1));
	parsed_release(&p);
}

/*
 * Every bad row with the physical line it starts on (two rows hold a
 * newline) and the column at fault; the good rows still convert, and the
 * footer after the blank line is skipped.
 */
static void
test_bad_rows(void **state)
{
	static const struct {
		size_t line;
		const char *column;
		const char *message;
	} want[] = {
		{ 5, "Close Date", "invalid date '2/30/2027' (expected "
				   "M/D/YYYY or YYYY-MM-DD)" },
		{ 6, "Amount", "invalid amount '1.250,00' (a decimal comma? "
			       "put '@decimal = comma' in the mapping file)" },
		{ 7, "Opportunity ID", "empty record id" },
		{ 8, "Close Date", "stage 'Closed Won' needs a close date" },
		{ 9, NULL, "row has 4 fields, the header has 8" },
		{ 10, "Opportunity ID", "duplicate record id "
					"'0065g00000Good002' (also on line 3)" },
		{ 11, "Opportunity Name", "malformed quoting (a quote inside "
					  "a field must be doubled, and the "
					  "field quoted)" },
		{ 12, "Amount", "negative amount '-5,000.00'" },
	};
	struct parsed p;

	(void)state;
	parse_file(&p, "crm/salesforce-bad.csv", CRM_SALESFORCE, NULL,
		   CRM_MDY);
	assert_int_equal(p.imp.nbad, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct crm_bad_row *b = &p.imp.bad[i];

		assert_int_equal(b->line, want[i].line);
		if (want[i].column)
			assert_string_equal(b->column, want[i].column);
		else
			assert_null(b->column);
		assert_string_equal(b->message, want[i].message);
	}
	assert_int_equal(p.imp.nrows, 3);
	assert_int_equal(p.imp.rows[0].line, 2);
	assert_int_equal(p.imp.rows[1].line, 3);
	assert_int_equal(p.imp.rows[2].line, 14);
	assert_string_equal(p.imp.rows[2].deal.currency, "USD");
	assert_int_equal(p.imp.footer_lines, 3);
	parsed_release(&p);
}

/* The reject file: header + error, then each bad row as it was. */
static void
test_reject_file(void **state)
{
	struct parsed p;
	struct strbuf out = STRBUF_INIT;

	(void)state;
	parse_text(&p,
		   "\xef\xbb\xbf" "Opportunity ID,Opportunity Name,Amount\r\n"
		   "1,Good,\"1,000\"\r\n"
		   "2,\"Two\r\nlines\",lots\r\n"
		   "3,Short\r\n"
		   "4,Fine,5\r\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nbad, 2);
	crm_reject_emit(&p.imp, p.buf, &out);
	assert_string_equal(out.buf,
			    "\xef\xbb\xbf" "Opportunity ID,Opportunity Name,"
			    "Amount,error\r\n"
			    "2,\"Two\r\nlines\",lots,"
			    "Amount: invalid amount 'lots'\r\n"
			    "3,Short,\"row has 2 fields, the header has "
			    "3\"\r\n");
	strbuf_release(&out);
	parsed_release(&p);

	/* A message with a comma or quote is quoted. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name,Close Date\n"
		   "1,x,\"1/2/3, \"\"later\"\"\"\n",
		   CRM_SALESFORCE);
	crm_reject_emit(&p.imp, p.buf, &out);
	assert_string_equal(out.buf,
			    "Opportunity ID,Opportunity Name,Close Date,"
			    "error\n"
			    "1,x,\"1/2/3, \"\"later\"\"\",\"Close Date: "
			    "invalid date '1/2/3, \"\"later\"\"' (expected "
			    "M/D/YYYY or YYYY-MM-DD)\"\n");
	strbuf_release(&out);
	parsed_release(&p);
}

static void
test_footer_rules(void **state)
{
	struct parsed p;

	(void)state;
	/* A one-field line without a blank line before it is data. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\n"
		   "1,One\n"
		   "\"Generated By:\"\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 3);
	assert_int_equal(p.imp.footer_lines, 0);
	parsed_release(&p);

	/* Short lines after a blank line, then data again: all bad. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\n"
		   "1,One\n"
		   "\n"
		   "oops\n"
		   "\"also, short\"\n"
		   "2,Two\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 2);
	assert_int_equal(p.imp.nbad, 2);
	assert_int_equal(p.imp.bad[0].line, 4);
	assert_int_equal(p.imp.bad[1].line, 5);
	assert_int_equal(p.imp.footer_lines, 0);
	parsed_release(&p);

	/*
	 * An unquoted copyright line splits at its comma: still footer. A
	 * quoted blank "" line counts as the blank line, and blank lines
	 * between data rows are nothing.
	 */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name,Stage\n"
		   "1,One,Open\n"
		   "\n"
		   "2,Two,Open\n"
		   "\"\"\n"
		   "Copyright (c) 2000-2026 salesforce.com, inc.\n"
		   "\"Lakeshore Inc.\"\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 2);
	assert_int_equal(p.imp.rows[1].line, 4);
	assert_int_equal(p.imp.footer_lines, 2);
	parsed_release(&p);

	/* A full-width row after a blank line is data, not footer. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\n"
		   "1,One\n"
		   "\n"
		   "2,Two\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 2);
	assert_int_equal(p.imp.footer_lines, 0);
	parsed_release(&p);
}

static void
test_malformed(void **state)
{
	struct parsed p;

	(void)state;
	/* A quote that never closes swallows the rest: one bad row. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\n"
		   "1,One\n"
		   "2,\"Two\n"
		   "3,Three\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 1);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 3);
	assert_string_equal(p.imp.bad[0].column, "Opportunity Name");
	assert_string_equal(p.imp.bad[0].message,
			    "quoted field never ends (a missing closing "
			    "quote)");
	parsed_release(&p);

	/* After a stray quote the next line parses again. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\n"
		   "1,\"One\"x\n"
		   "2,Two\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 1);
	assert_string_equal(p.imp.rows[0].deal.crm_id, "2");
	assert_int_equal(p.imp.rows[0].line, 3);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 2);
	parsed_release(&p);

	/* Invalid UTF-8 and a NUL byte in a row. */
	memset(&p, 0, sizeof(p));
	{
		static const char text[] =
			"Opportunity ID,Opportunity Name\n"
			"1,Caf\xe9\n"
			"2,N\0L\n"
			"3,Fine\n";
		struct tw_error err = { 0 };

		p.buf = xmalloc(sizeof(text));
		memcpy(p.buf, text, sizeof(text));
		p.len = sizeof(text) - 1;
		assert_int_equal(parse_buf(&p, CRM_SALESFORCE, NULL, CRM_MDY,
					   &err),
				 0);
	}
	assert_int_equal(p.imp.nrows, 1);
	assert_int_equal(p.imp.nbad, 2);
	assert_int_equal(p.imp.bad[0].line, 2);
	assert_string_equal(p.imp.bad[0].message,
			    "invalid UTF-8 (export the report as UTF-8)");
	assert_int_equal(p.imp.bad[1].line, 3);
	assert_string_equal(p.imp.bad[1].message, "row holds a NUL byte");
	parsed_release(&p);
}

static void
parse_fails(const char *text, enum crm_vendor v, const char *map,
	    const char *want)
{
	struct parsed p;
	struct tw_error err = { 0 };

	memset(&p, 0, sizeof(p));
	p.buf = xstrdup(text);
	p.len = strlen(text);
	assert_int_equal(parse_buf(&p, v, map, CRM_MDY, &err), TW_EINPUT);
	assert_string_equal(err.msg, want);
	parsed_release(&p);
}

static void
test_file_errors(void **state)
{
	(void)state;
	parse_fails("", CRM_SALESFORCE, NULL,
		    "in.csv: empty file (expected a header row)");
	parse_fails("\r\n\r\n", CRM_SALESFORCE, NULL,
		    "in.csv: empty file (expected a header row)");
	parse_fails("Record ID,Deal Name\n1,x\n", CRM_SALESFORCE, NULL,
		    "in.csv: no column for the salesforce export's "
		    "'Opportunity ID' (map one with --map: 'COLUMN = id')");
	parse_fails("Record ID,Name\n1,x\n", CRM_HUBSPOT, NULL,
		    "in.csv: no column for the hubspot export's 'Deal Name' "
		    "(map one with --map: 'COLUMN = name')");
	parse_fails("\"Opportunity ID\"x,Opportunity Name\n", CRM_SALESFORCE,
		    NULL, "in.csv:1: malformed quoting in the header");
	/* Mapping files. */
	parse_fails("a,b\n", CRM_SALESFORCE, "# ok\nDeal = title\n",
		    "map.txt:2: unknown field 'title' (expected one of: "
		    "ignore, id, name, account, stage, value, currency, "
		    "close_date, ae, se, champion, champion_email, poc_start, "
		    "poc_end, procurement_days)");
	parse_fails("a,b\n", CRM_SALESFORCE, "\n\nno equals sign\n",
		    "map.txt:3: expected 'Column = field'");
	parse_fails("a,b\n", CRM_SALESFORCE, " = se\n",
		    "map.txt:1: missing column name");
	parse_fails("a,b\n", CRM_SALESFORCE, "@decimal = dot\n",
		    "map.txt:1: invalid value 'dot' for @decimal (expected "
		    "comma or point)");
	parse_fails("a,b\n", CRM_SALESFORCE, "@date-order = ymd\n",
		    "map.txt:1: invalid value 'ymd' for @date-order (expected "
		    "mdy or dmy)");
	parse_fails("a,b\n", CRM_SALESFORCE, "@delimiter = ;\n",
		    "map.txt:1: unknown option '@delimiter' (expected "
		    "@decimal or @date-order)");
	parse_fails("a,b\n", CRM_SALESFORCE, "SE = se\nse = champion\n",
		    "map.txt:2: column 'se' is mapped twice");
}

/* ---- line ends: a lone CR is one too ---------------------------------- */

/* s[0..n) with every line end (LF, CRLF, CR) made a lone CR. */
static void
to_cr(const char *s, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && i > 0 && s[i - 1] == '\r')
			continue;
		strbuf_addch(out, s[i] == '\n' ? '\r' : s[i]);
	}
}

/* The row text of a, line ends made CRs, is the row text of b. */
static void
assert_span_cr(const char *a, size_t aoff, size_t alen, const char *b,
	       size_t boff, size_t blen)
{
	struct strbuf sb = STRBUF_INIT;

	to_cr(a + aoff, alen, &sb);
	assert_int_equal(blen, sb.len);
	assert_memory_equal(b + boff, sb.buf, sb.len);
	strbuf_release(&sb);
}

/*
 * A file saved as Excel's "CSV (Macintosh)" (every line ending in a lone
 * CR) reads as the LF or CRLF original: the same rows on the same lines
 * with the same spans, the same bad rows, the same footer.
 */
static void
test_cr_equals_lf(void **state)
{
	static const char *const files[] = {
		"crm/salesforce-opportunities.csv",	/* CRLF */
		"crm/salesforce-bad.csv",		/* LF */
	};

	(void)state;
	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		struct parsed a, b;
		struct strbuf sb = STRBUF_INIT;
		struct tw_error err = { 0 };

		parse_file(&a, files[f], CRM_SALESFORCE, NULL, CRM_MDY);
		memset(&b, 0, sizeof(b));
		to_cr(a.buf, a.len, &sb);
		assert_null(memchr(sb.buf, '\n', sb.len));
		b.buf = strbuf_detach(&sb, &b.len);
		assert_int_equal(parse_buf(&b, CRM_SALESFORCE, NULL, CRM_MDY,
					   &err),
				 0);
		assert_false(b.imp.crlf);
		assert_int_equal(b.imp.ncols, a.imp.ncols);
		assert_int_equal(b.imp.header_len, a.imp.header_len);
		assert_int_equal(b.imp.footer_lines, a.imp.footer_lines);
		assert_int_equal(b.imp.nrows, a.imp.nrows);
		for (size_t i = 0; i < a.imp.nrows; i++) {
			const struct crm_row *x = &a.imp.rows[i];
			const struct crm_row *y = &b.imp.rows[i];

			assert_int_equal(y->line, x->line);
			assert_string_equal(y->deal.crm_id, x->deal.crm_id);
			assert_span_cr(a.buf, x->off, x->len, b.buf, y->off,
				       y->len);
		}
		assert_int_equal(b.imp.nbad, a.imp.nbad);
		for (size_t i = 0; i < a.imp.nbad; i++) {
			const struct crm_bad_row *x = &a.imp.bad[i];
			const struct crm_bad_row *y = &b.imp.bad[i];

			assert_int_equal(y->line, x->line);
			assert_string_equal(y->message, x->message);
			assert_span_cr(a.buf, x->off, x->len, b.buf, y->off,
				       y->len);
		}
		parsed_release(&a);
		parsed_release(&b);
	}
}

/*
 * CR-only line ends: each bad row on its own line (not all on line 1),
 * the reject file holding just those rows after a header with "error", in
 * CR line ends, and reading back as an export.
 */
static void
test_cr_line_ends(void **state)
{
	struct parsed p, again;
	struct strbuf out = STRBUF_INIT;
	struct tw_error err = { 0 };
	static const char reject[] =
		"Opportunity ID,Opportunity Name,Amount,error\r"
		"2,\"Two\rlines\",lots,Amount: invalid amount 'lots'\r"
		"3,Short,\"row has 2 fields, the header has 3\"\r";

	(void)state;
	parse_text(&p,
		   "Opportunity ID,Opportunity Name,Amount\r"
		   "1,Good,\"1,000\"\r"
		   "2,\"Two\rlines\",lots\r"
		   "3,Short\r"
		   "4,Fine,5\r"
		   "\r"
		   "\"Generated By:\"\r",
		   CRM_SALESFORCE);
	assert_false(p.imp.crlf);
	assert_int_equal(p.imp.ncols, 3);
	assert_string_equal(p.imp.header[2], "Amount");
	assert_int_equal(p.imp.header_off, 0);
	assert_int_equal(p.imp.header_len,
			 strlen("Opportunity ID,Opportunity Name,Amount"));
	assert_int_equal(p.imp.nrows, 2);
	assert_int_equal(p.imp.rows[0].line, 2);
	assert_int_equal(p.imp.rows[1].line, 6);
	assert_int_equal(p.imp.rows[1].len, strlen("4,Fine,5"));
	assert_memory_equal(p.buf + p.imp.rows[1].off, "4,Fine,5", 8);
	assert_int_equal(p.imp.nbad, 2);
	assert_int_equal(p.imp.bad[0].line, 3);
	assert_string_equal(p.imp.bad[0].column, "Amount");
	assert_int_equal(p.imp.bad[1].line, 5);
	assert_null(p.imp.bad[1].column);
	assert_int_equal(p.imp.footer_lines, 1);

	crm_reject_emit(&p.imp, p.buf, &out);
	assert_string_equal(out.buf, reject);

	/* It reads back as an export, the same rows bad on their lines. */
	memset(&again, 0, sizeof(again));
	again.buf = strbuf_detach(&out, &again.len);
	assert_int_equal(parse_buf(&again, CRM_SALESFORCE, NULL, CRM_MDY,
				   &err),
			 0);
	assert_int_equal(again.imp.ncols, 4);
	assert_string_equal(again.imp.header[3], "error");
	assert_int_equal(again.imp.nrows, 0);
	assert_int_equal(again.imp.nbad, 2);
	assert_int_equal(again.imp.bad[0].line, 2);
	assert_string_equal(again.imp.bad[0].message,
			    "invalid amount 'lots'");
	assert_int_equal(again.imp.bad[1].line, 4);
	assert_string_equal(again.imp.bad[1].message,
			    "row has 3 fields, the header has 4");
	parsed_release(&again);
	parsed_release(&p);

	/* A quote that never closes, and a stray one, in CR files. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\r"
		   "1,One\r"
		   "2,\"Two\r"
		   "3,Three\r",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 1);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 3);
	assert_int_equal(p.imp.bad[0].len, strlen("2,\"Two\r3,Three"));
	assert_string_equal(p.imp.bad[0].message,
			    "quoted field never ends (a missing closing "
			    "quote)");
	parsed_release(&p);
	parse_text(&p,
		   "Opportunity ID,Opportunity Name\r"
		   "1,\"On\re\"x\r"
		   "2,Two\r",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nbad, 1);
	assert_int_equal(p.imp.bad[0].line, 2);
	assert_int_equal(p.imp.nrows, 1);
	assert_int_equal(p.imp.rows[0].line, 4);
	parsed_release(&p);

	/* A mapping file saved with CR line ends counts its lines too. */
	memset(&p, 0, sizeof(p));
	p.buf = xstrdup("Opportunity ID,Opportunity Name,Deal Value\r"
			"1,One,\"2.000,50\"\r");
	p.len = strlen(p.buf);
	assert_int_equal(parse_buf(&p, CRM_SALESFORCE,
				   "# CR line ends\r"
				   "@decimal = comma\r"
				   "Deal Value = value\r",
				   CRM_MDY, &err),
			 0);
	assert_int_equal(p.imp.nbad, 0);
	assert_true(p.imp.rows[0].deal.value == 2000.5);
	parsed_release(&p);
	parse_fails("a,b\r", CRM_SALESFORCE, "\r\rno equals sign\r",
		    "map.txt:3: expected 'Column = field'");
	parse_fails("a,b\r", CRM_SALESFORCE, "SE = se\r\nse = champion\r",
		    "map.txt:2: column 'se' is mapped twice");
}

/*
 * LF, CRLF and lone CR in one file (rows pasted together from several
 * machines), also inside a quoted cell: CRLF is one line end, each of the
 * others one, and the reject file takes the header's CRLF.
 */
static void
test_mixed_line_ends(void **state)
{
	struct parsed p;
	struct strbuf out = STRBUF_INIT;
	static const char three[] = "3,\"Three\r\nlines\rand\nmore\",7";

	(void)state;
	parse_text(&p,
		   "Opportunity ID,Opportunity Name,Amount\r\n" /* 1 */
		   "1,One,5\n"					/* 2 */
		   "2,Two,x\r"					/* 3 */
		   "3,\"Three\r\nlines\rand\nmore\",7\r\n"	/* 4-7 */
		   "4,Four,y\n"					/* 8 */
		   "\r\n"					/* 9 */
		   "5,Five,9\r"					/* 10 */
		   "6,Six,z",					/* 11 */
		   CRM_SALESFORCE);
	assert_true(p.imp.crlf);
	assert_int_equal(p.imp.nrows, 3);
	assert_int_equal(p.imp.rows[0].line, 2);
	assert_int_equal(p.imp.rows[1].line, 4);
	assert_string_equal(p.imp.rows[1].name, "Three\r\nlines\rand\nmore");
	assert_int_equal(p.imp.rows[1].len, strlen(three));
	assert_memory_equal(p.buf + p.imp.rows[1].off, three, strlen(three));
	/* The blank line 9 before a full-width row is nothing. */
	assert_int_equal(p.imp.rows[2].line, 10);
	assert_int_equal(p.imp.footer_lines, 0);
	assert_int_equal(p.imp.nbad, 3);
	assert_int_equal(p.imp.bad[0].line, 3);
	assert_int_equal(p.imp.bad[1].line, 8);
	assert_int_equal(p.imp.bad[2].line, 11);

	crm_reject_emit(&p.imp, p.buf, &out);
	assert_string_equal(out.buf,
			    "Opportunity ID,Opportunity Name,Amount,error\r\n"
			    "2,Two,x,Amount: invalid amount 'x'\r\n"
			    "4,Four,y,Amount: invalid amount 'y'\r\n"
			    "6,Six,z,Amount: invalid amount 'z'\r\n");
	strbuf_release(&out);
	parsed_release(&p);

	/* A header ending in LF gives LF, whatever the rows end in. */
	parse_text(&p,
		   "Opportunity ID,Opportunity Name,Amount\n"
		   "1,One,x\r"
		   "2,Two,y\r\n",
		   CRM_SALESFORCE);
	assert_false(p.imp.crlf);
	assert_int_equal(p.imp.bad[1].line, 3);
	crm_reject_emit(&p.imp, p.buf, &out);
	assert_string_equal(out.buf,
			    "Opportunity ID,Opportunity Name,Amount,error\n"
			    "1,One,x,Amount: invalid amount 'x'\n"
			    "2,Two,y,Amount: invalid amount 'y'\n");
	strbuf_release(&out);
	parsed_release(&p);
}

/* A mapping file's lines beat the built-in ones; headers ignore case. */
static void
test_mapping_overrides(void **state)
{
	struct parsed p;
	struct tw_error err = { 0 };

	(void)state;
	memset(&p, 0, sizeof(p));
	p.buf = xstrdup("opportunity id,OPPORTUNITY NAME,Amount,Deal Value,"
			"\"@ Champion \",Champion Email,Procurement\n"
			"7,Seven,\"1,000\",\"2,000\",Kim,kim@x.example,"
			"12\n");
	p.len = strlen(p.buf);
	assert_int_equal(parse_buf(&p, CRM_SALESFORCE,
				   "Deal Value = value\n"
				   "Amount = ignore\n"
				   "\"@ Champion\" = champion\n"
				   "Champion Email = champion_email\n"
				   "Procurement = procurement_days\n",
				   CRM_MDY, &err),
			 0);
	assert_int_equal(p.imp.nbad, 0);
	assert_int_equal(p.imp.nrows, 1);
	assert_string_equal(p.imp.rows[0].deal.crm_id, "7");
	assert_true(p.imp.rows[0].deal.value == 2000);
	assert_string_equal(p.imp.rows[0].deal.champion, "Kim");
	assert_string_equal(p.imp.rows[0].deal.champion_email,
			    "kim@x.example");
	assert_int_equal(p.imp.rows[0].deal.procurement_days, 12);
	parsed_release(&p);

	/* Bad custom values are bad rows in their column. */
	parse_text(&p, "Opportunity ID,Opportunity Name,Amount Currency\n"
		       "1,One,dollars\n"
		       "2,Two,usd\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nbad, 1);
	assert_string_equal(p.imp.bad[0].message,
			    "invalid currency 'dollars' (expected an ISO 4217 "
			    "code like USD)");
	assert_string_equal(p.imp.rows[0].deal.currency, "USD");
	parsed_release(&p);
}

/*
 * Merging keeps what techwin holds (children, fields the export leaves
 * empty, SE typed into techwin) and says whether anything changed, so a
 * re-import of the same export writes nothing.
 */
static void
test_merge(void **state)
{
	struct parsed p;
	struct deal d;
	struct criterion *c;

	(void)state;
	parse_text(&p, "Opportunity ID,Opportunity Name,Account Name,Stage,"
		       "Amount,Close Date,Opportunity Owner\n"
		       "006A,Acme Expansion,Acme,Closed Won,\"$1,000\","
		       "10/16/2026,Dana\n"
		       "006B,Beta Pilot,,Prospecting,,,\n",
		   CRM_SALESFORCE);
	assert_int_equal(p.imp.nrows, 2);

	deal_init(&d);
	d.slug = xstrdup("acme");
	d.account = xstrdup("Acme Old Name");
	d.se = xstrdup("Mara");
	d.poc_end = ymd(2026, 9, 30);
	c = deal_add_criterion(&d);
	c->key = xstrdup("batch");
	c->required = 15;
	assert_true(crm_merge(&d, &p.imp.rows[0]));
	assert_string_equal(d.slug, "acme");
	assert_string_equal(d.account, "Acme");
	assert_string_equal(d.stage, "Closed Won");
	assert_int_equal(d.outcome, OUTCOME_WON);
	assert_int_equal(d.close_date, ymd(2026, 10, 16));
	assert_true(d.has_value && d.value == 1000);
	assert_string_equal(d.currency, "USD");
	assert_string_equal(d.ae, "Dana");
	assert_string_equal(d.se, "Mara");
	assert_int_equal(d.poc_end, ymd(2026, 9, 30));
	assert_int_equal(d.ncriteria, 1);
	assert_string_equal(d.crm_source, "salesforce");
	assert_string_equal(d.crm_id, "006A");
	assert_false(crm_merge(&d, &p.imp.rows[0]));
	deal_release(&d);

	/* Empty cells keep the stored values; no account: the name. */
	deal_init(&d);
	d.slug = xstrdup("beta");
	d.value = 5;
	d.has_value = true;
	d.close_date = ymd(2027, 1, 1);
	assert_true(crm_merge(&d, &p.imp.rows[1]));
	assert_string_equal(d.account, "Beta Pilot");
	assert_true(d.value == 5);
	assert_int_equal(d.close_date, ymd(2027, 1, 1));
	assert_int_equal(d.outcome, OUTCOME_OPEN);
	assert_false(crm_merge(&d, &p.imp.rows[1]));
	/* Reopened in the CRM: open again. */
	d.outcome = OUTCOME_LOST;
	assert_true(crm_merge(&d, &p.imp.rows[1]));
	assert_int_equal(d.outcome, OUTCOME_OPEN);
	deal_release(&d);
	parsed_release(&p);
}

static void
test_site_fields(void **state)
{
	(void)state;
	assert_int_equal(crm_field_of_site("poc.end"), CRM_POC_END);
	assert_int_equal(crm_field_of_site("close.outcome"), CRM_CLOSE_DATE);
	assert_int_equal(crm_field_of_site("account"), CRM_ACCOUNT);
	assert_int_equal(crm_field_of_site("key"), CRM_IGNORE);
	assert_int_equal(crm_field_of_site(NULL), CRM_IGNORE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_amounts),
		cmocka_unit_test(test_slugify),
		cmocka_unit_test(test_slug_unique),
		cmocka_unit_test(test_salesforce_report),
		cmocka_unit_test(test_lf_equals_crlf),
		cmocka_unit_test(test_hubspot_export),
		cmocka_unit_test(test_date_orders_and_decimal_comma),
		cmocka_unit_test(test_bad_rows),
		cmocka_unit_test(test_reject_file),
		cmocka_unit_test(test_footer_rules),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_cr_equals_lf),
		cmocka_unit_test(test_cr_line_ends),
		cmocka_unit_test(test_mixed_line_ends),
		cmocka_unit_test(test_mapping_overrides),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_site_fields),
	};

	return cmocka_run_group_tests_name("csv-import", tests, NULL, NULL);
}
