/*
 * Unit tests for src/formats/csv-export.c: RFC 4180 quoting, formula
 * injection neutralised in every text cell, and the three tables byte for
 * byte (BOM, CRLF, empty cells for absent values, computed columns).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "formats/csv-export.h"
#include "formats/csv-tables.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void
quote_is(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	csv_quote(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
cell_is(const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	csv_text_cell(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_quote(void **state)
{
	(void)state;
	quote_is("plain", "plain");
	quote_is("", "");
	quote_is(NULL, "");
	quote_is("a,b", "\"a,b\"");
	quote_is("say \"hi\"", "\"say \"\"hi\"\"\"");
	quote_is("two\nlines", "\"two\nlines\"");
	quote_is("cr\rhere", "\"cr\rhere\"");
	quote_is(" padded ", " padded ");
	quote_is("Caf\xc3\xa9", "Caf\xc3\xa9");
}

static void
test_formula_injection(void **state)
{
	(void)state;
	cell_is("=1+1", "'=1+1");
	cell_is("+1", "'+1");
	cell_is("-2+3", "'-2+3");
	cell_is("@SUM(A1:A2)", "'@SUM(A1:A2)");
	cell_is("\tcmd", "'\tcmd");
	cell_is("\r=1", "\"'\r=1\"");
	/* Neutralised and quoted: the quote goes inside the quotes. */
	cell_is("=HYPERLINK(\"http://x.example\",\"click\")",
		"\"'=HYPERLINK(\"\"http://x.example\"\",\"\"click\"\")\"");
	cell_is("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0");
	/* A leading quote gets one more, so reading back removes one. */
	cell_is("'quoted", "''quoted");
	cell_is("'=1", "''=1");
	/* Only the first character counts. */
	cell_is("a=b", "a=b");
	cell_is("it's", "it's");
	cell_is("x@example.com", "x@example.com");
	cell_is("Closed - Won", "Closed - Won");
	cell_is("", "");
	cell_is(NULL, "");
}

/* csv_unguard undoes csv_text_cell's guard, and only that. */
static void
test_unguard(void **state)
{
	static const char *const texts[] = { "=1+1", "+1", "-2", "@x", "\tcmd",
					     "\r=1", "'quoted", "''", "'",
					     "plain", "it's", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		const char *cell;

		csv_text_cell(&sb, texts[i]);
		/* Unquoted for these: none holds a comma, quote or LF. */
		cell = sb.buf[0] == '"' ? NULL : sb.buf;
		if (cell)
			assert_string_equal(csv_unguard(cell), texts[i]);
		strbuf_release(&sb);
	}
	assert_string_equal(csv_unguard("'a"), "'a");
	assert_string_equal(csv_unguard("'"), "'");
	assert_string_equal(csv_unguard("''"), "'");
}

static tw_date
ymd(int y, int m, int d)
{
	return date_from_ymd(y, m, d);
}

static void
make_deals(struct deal d[2])
{
	struct criterion *c;
	struct event *e;

	deal_init(&d[0]);
	d[0].slug = xstrdup("acme");
	d[0].account = xstrdup("Acme, Inc.");
	d[0].stage = xstrdup("=EVIL()");
	d[0].has_value = true;
	d[0].value = 1250000.5;
	d[0].currency = xstrdup("USD");
	d[0].ae = xstrdup("Dana");
	d[0].se = xstrdup("+Sam");
	d[0].has_procurement_days = true;
	d[0].procurement_days = 10;
	d[0].champion = xstrdup("Chris \"CL\" Lee");
	d[0].champion_email = xstrdup("@chris");
	d[0].poc_start = ymd(2026, 9, 1);
	d[0].poc_end = ymd(2026, 9, 30);
	d[0].close_date = ymd(2026, 10, 16);
	d[0].outcome = OUTCOME_WON;
	d[0].crm_source = xstrdup("salesforce");
	d[0].crm_id = xstrdup("0065g00000AcMeQAAR");

	c = deal_add_criterion(&d[0]);
	c->key = xstrdup("batch");
	c->metric = xstrdup("50M records\nend to end");
	c->unit = xstrdup("min");
	c->direction = DIR_AT_MOST;
	c->required = 15;
	c->has_measured = true;
	c->measured = 9;
	c->measured_on = ymd(2026, 9, 18);
	c->has_growth = true;
	c->growth_pct = 50;
	c->outcome = xstrdup("-no re-architecture");
	c = deal_add_criterion(&d[0]);
	c->key = xstrdup("rate");
	c->metric = xstrdup("Ingest");
	c->direction = DIR_AT_LEAST;
	c->required = 1000;
	c->has_measured = true;
	c->measured = 800;
	c = deal_add_criterion(&d[0]);
	c->key = xstrdup("p95");
	c->direction = DIR_AT_MOST;
	c->required = 2.5;

	e = deal_add_event(&d[0]);
	e->key = xstrdup("readout");
	e->kind = EVENT_TECHNICAL;
	e->title = xstrdup("POC results, to the CTO");
	e->owner = xstrdup("Mara");
	e->date = ymd(2026, 9, 24);
	e->done = ymd(2026, 9, 24);
	e = deal_add_event(&d[0]);
	e->key = xstrdup("pricing");
	e->kind = EVENT_COMMERCIAL;
	e->title = xstrdup("@pricing call");
	e->date = ymd(2026, 9, 28);
	e->after = xstrdup("readout");

	deal_init(&d[1]);
	d[1].slug = xstrdup("bare");
	d[1].account = xstrdup("Bare");
}

static void
test_tables(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct deal d[2];

	(void)state;
	make_deals(d);
	csv_export_deals(d, 2, &sb);
	assert_string_equal(
		sb.buf,
		"\xef\xbb\xbf"
		"slug,account,stage,value,currency,ae,se,procurement_days,"
		"champion,champion_email,poc_start,poc_end,close_date,outcome,"
		"crm_source,crm_id\r\n"
		"acme,\"Acme, Inc.\",'=EVIL(),1250000.5,USD,Dana,'+Sam,10,"
		"\"Chris \"\"CL\"\" Lee\",'@chris,2026-09-01,2026-09-30,"
		"2026-10-16,won,salesforce,0065g00000AcMeQAAR\r\n"
		"bare,Bare,,,,,,,,,,,,open,,\r\n");

	strbuf_reset(&sb);
	csv_export_criteria(d, 2, &sb);
	/*
	 * batch: headroom (15 - 9) / 15 = 40 %, growth capacity 15 / 9 - 1 =
	 * 66.67 %, scales (>= 50). rate: (800 - 1000) / 1000 = -20 %,
	 * 800 / 1000 - 1 = -20 % (a number, not neutralised). p95 pending.
	 */
	assert_string_equal(
		sb.buf,
		"\xef\xbb\xbf"
		"deal,key,metric,unit,direction,required,measured,measured_on,"
		"status,headroom_pct,growth_capacity_pct,projected_growth_pct,"
		"scales,outcome,scales_with_load\r\n"
		"acme,batch,\"50M records\nend to end\",min,at_most,15,9,"
		"2026-09-18,pass,40,66.6666666666667,50,true,"
		"'-no re-architecture,true\r\n"
		"acme,rate,Ingest,,at_least,1000,800,,fail,-20,-20,,,,true\r\n"
		"acme,p95,,,at_most,2.5,,,pending,,,,,,true\r\n");

	strbuf_reset(&sb);
	csv_export_events(d, 2, &sb);
	assert_string_equal(
		sb.buf,
		"\xef\xbb\xbf"
		"deal,key,kind,title,owner,date,done,after,step,side,"
		"internal\r\n"
		"acme,readout,technical,\"POC results, to the CTO\",Mara,"
		"2026-09-24,2026-09-24,,,seller,false\r\n"
		"acme,pricing,commercial,'@pricing call,,2026-09-28,,"
		"readout,,seller,false\r\n");

	/* No deals: the header alone. */
	strbuf_reset(&sb);
	csv_export_events(d, 0, &sb);
	assert_string_equal(sb.buf, "\xef\xbb\xbf"
				    "deal,key,kind,title,owner,date,done,"
				    "after,step,side,internal\r\n");
	strbuf_release(&sb);
	deal_release(&d[0]);
	deal_release(&d[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_formula_injection),
		cmocka_unit_test(test_unguard),
		cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests_name("csv-export", tests, NULL, NULL);
}
