/*
 * Unit tests for src/render/summary.c: the Technical Win Summary model on
 * the seed's war-story deal (criteria rows, risks, the plan, phases, the
 * next step) and on deals that are not there yet, and its Markdown and
 * HTML renderers (escaping, self-contained HTML, print paper).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/plan.h"
#include "render/summary.h"
#include "util/xalloc.h"

static void
parse(const char *yaml, struct deal *d)
{
	struct tw_error err = { 0 };

	if (plan_parse(yaml, strlen(yaml), "test.yaml", d, &err))
		fail_msg("%s", err.msg);
}

/* examples/lakeshore-retail.yaml: TW_TEST_DATA is tests/data. */
static void
load_war_story(struct deal *d)
{
	const char *dir = getenv("TW_TEST_DATA");
	struct strbuf path = STRBUF_INIT, buf = STRBUF_INIT;
	struct tw_error err = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	if (dir) {
		strbuf_addf(&path, "%s/../../examples/lakeshore-retail.yaml",
			    dir);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(&path, __FILE__,
			   slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addstr(&path, "/../../examples/lakeshore-retail.yaml");
	}
	f = fopen(path.buf, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path.buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&buf, chunk, n);
	fclose(f);
	if (plan_parse(buf.buf, buf.len, path.buf, d, &err))
		fail_msg("%s", err.msg);
	strbuf_release(&path);
	strbuf_release(&buf);
}

static void
summarize(struct summary *s, const struct deal *d, const char *today)
{
	struct holidays h = deal_holidays(d);

	summary_compute(s, d, &h, D(today));
}

/* ---- paper ----------------------------------------------------------- */

static void
test_paper(void **state)
{
	enum paper p = PAPER_LETTER;
	double w, h;

	(void)state;
	assert_int_equal(paper_parse("a4", &p), 0);
	assert_int_equal(p, PAPER_A4);
	assert_int_equal(paper_parse("Letter", &p), 0);
	assert_int_equal(p, PAPER_LETTER);
	assert_int_equal(paper_parse("legal", &p), -1);
	assert_string_equal(paper_name(PAPER_A4), "a4");
	paper_size(PAPER_A4, &w, &h);
	assert_true(w > 595 && w < 596 && h > 841 && h < 842);
	paper_size(PAPER_LETTER, &w, &h);
	assert_true(w == 612 && h == 792);
}

/* ---- the war story --------------------------------------------------- */

static void
test_war_story_criteria(void **state)
{
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	summarize(&s, &d, "2026-06-26");

	assert_int_equal(s.ncriteria, 6);
	assert_int_equal(s.npass, 6);
	assert_int_equal(s.nfail + s.npending, 0);
	assert_true(s.won);
	/* The champion's words: no "technical win", a date to read. */
	assert_string_equal(s.headline, "All 6 success criteria met on Fri "
			    "26 Jun 2026.");
	assert_string_equal(s.value, "USD 415,000");

	/* The seed: 50M records in 9 minutes against 15, 40 % headroom. */
	assert_string_equal(s.criteria[0].key, "batch-runtime");
	assert_string_equal(s.criteria[0].required, "≤ 15 min");
	assert_string_equal(s.criteria[0].measured, "9 min");
	assert_string_equal(s.criteria[0].headroom, "40.0%");
	/* 15 / 9 - 1 = 66.7 % growth absorbed, against 35 % projected. */
	assert_string_equal(s.criteria[0].growth,
			    "covers 66.7% growth; 35% projected");
	assert_string_equal(s.criteria[0].outcome,
			    "The nightly batch finishes before stores open "
			    "and absorbs next year's volumes without "
			    "re-architecture");
	/* at_least with thousands separators: 26500 / 20000 - 1. */
	assert_string_equal(s.criteria[1].required, "≥ 20,000 events/s");
	assert_string_equal(s.criteria[1].measured, "26,500 events/s");
	assert_string_equal(s.criteria[1].headroom, "32.5%");
	assert_string_equal(s.criteria[1].growth,
			    "covers 32.5% growth; 25% projected");
	/* No projection: the capacity alone (30 / 12 - 1 = 150 %). */
	assert_string_equal(s.criteria[3].growth, "covers 150.0% growth");
	summary_release(&s);
	deal_release(&d);
}

static void
test_war_story_plan(void **state)
{
	static const char *const dates[] = { "2026-06-26", "2026-06-30",
		"2026-07-02", "2026-07-06", "2026-07-20" };
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	summarize(&s, &d, "2026-06-26");

	/* Deadline 2026-10-29, buffer 14d, duration 75d (DESIGN.md). */
	assert_int_equal(s.nrisks, 1);
	assert_date(s.risks[0].ev.go_live_by, "2026-10-15");
	assert_date(s.risks[0].ev.latest_start, "2026-08-01");
	assert_string_equal(s.risks[0].slack, "36 days left");

	/* A win on Friday: Tuesday, Thursday, next Monday, +10 bd. */
	assert_date(s.technical_win, "2026-06-26");
	assert_int_equal(s.nsteps, 5);
	for (size_t i = 0; i < 5; i++)
		assert_date(s.steps[i].date, dates[i]);
	assert_string_equal(s.steps[0].title, "All success criteria met");
	assert_string_equal(s.steps[1].title,
			    "Executive summary to the economic buyer");
	assert_date(s.contract_target, "2026-07-20");
	assert_string_equal(s.timeline_note,
			    "Contract execution target Mon 2026-07-20 "
			    "(procurement lead time 10 business days).");

	assert_int_equal(s.nphases, 3);
	assert_int_equal(s.phases[0].number, 1);
	assert_string_equal(s.phases[0].price, "USD 180,000");
	assert_string_equal(s.phases[0].duration, "75 days");
	assert_string_equal(s.phases[2].duration, "12 weeks");
	/* 180 / 415 = 43.4 %. */
	assert_string_equal(s.initial, "USD 180,000 (phase 1, 43.4% of the "
			    "full scope)");
	assert_string_equal(s.total, "USD 415,000 (3 phases)");

	/*
	 * The executive summary is done on 06-30, after this summary's
	 * date: as of 06-26 it is the next step.
	 */
	assert_int_equal(s.next.kind, NEXT_EVENT);
	assert_string_equal(s.next.text, "Tue 2026-06-30: Executive summary "
			    "delivered to the CFO (Daniel Okafor)");
	summary_release(&s);
	deal_release(&d);
}

static void
test_war_story_later(void **state)
{
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	summarize(&s, &d, "2026-11-26");
	/*
	 * 2026-08-01 is 117 days before 2026-11-26, but the deal closed on
	 * 2026-07-17: its risks are shown as they stood then, 15 days
	 * before the latest start, not as "117 days late" today.
	 */
	assert_false(s.risks[0].ev.at_risk);
	assert_string_equal(s.risks[0].slack, "15 days left");
	assert_int_equal(s.next.kind, NEXT_CLOSED);
	assert_string_equal(s.next.text, "The deal closed won on 2026-07-17.");
	summary_release(&s);
	deal_release(&d);
}

/* ---- deals that are not there yet ------------------------------------ */

static const char blocked_yaml[] =
	"version: 1\n"
	"deal:\n"
	"  slug: acme\n"
	"  account: Acme\n"
	"  ae: Dana\n"
	"criteria:\n"
	"  - key: batch\n"
	"    metric: Batch\n"
	"    unit: min\n"
	"    at_most: 15\n"
	"    measured: 12.5\n"
	"    measured_on: 2026-09-01\n"
	"    growth_pct: 50\n"
	"  - key: tput\n"
	"    at_least: 1000\n"
	"    measured: 800\n"
	"    measured_on: 2026-09-02\n"
	"  - key: p95\n"
	"    unit: ms\n"
	"    at_most: 200\n"
	"phases:\n"
	"  - number: 2\n"
	"    name: Later\n"
	"    price: 50000\n"
	"  - number: 1\n"
	"    name: First\n"
	"  - number: 3\n"
	"    name: Last\n"
	"    price: 25000.5\n";

static void
test_blocked(void **state)
{
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse(blocked_yaml, &d);
	summarize(&s, &d, "2026-09-10");

	assert_int_equal(s.npass, 1);
	assert_int_equal(s.nfail, 1);
	assert_int_equal(s.npending, 1);
	assert_false(s.won);
	assert_string_equal(s.headline, "1 of 3 success criteria met so far; "
			    "1 not met yet; 1 still to measure.");
	/* 15 / 12.5 - 1 = 20 %, short of the 50 % projected. */
	assert_string_equal(s.criteria[0].growth,
			    "covers 20.0% growth; short of 50% projected");
	assert_string_equal(s.criteria[1].headroom, "-20.0%");
	assert_string_equal(s.criteria[1].growth, "no room to grow");
	assert_string_equal(s.criteria[1].required, "≥ 1,000");
	assert_string_equal(s.criteria[2].measured, "");
	assert_string_equal(s.criteria[2].headroom, "");
	assert_string_equal(s.criteria[2].growth, "");
	assert_int_equal(s.criteria[2].ev.status, CRIT_PENDING);

	assert_int_equal(s.nsteps, 0);
	assert_int_equal(s.technical_win, DATE_NONE);
	assert_string_equal(s.timeline_note,
			    "No timeline yet: it starts once every success "
			    "criterion is met; 2 still open: tput (fail), p95 "
			    "(pending).");

	/* By number, whatever the order in the file. */
	assert_int_equal(s.phases[0].number, 1);
	assert_int_equal(s.phases[1].number, 2);
	assert_string_equal(s.phases[0].price, "");
	/* No currency in the deal: the amount alone. */
	assert_string_equal(s.phases[2].price, "25,000.50");
	assert_string_equal(s.initial, "phase 1 is not priced yet");
	assert_string_equal(s.total, "75,000.50 for 2 of 3 phases (1 not "
			    "priced yet)");

	assert_int_equal(s.next.kind, NEXT_NONE);
	assert_string_equal(s.next.text, "Nothing planned yet: close the "
			    "open criteria first.");
	summary_release(&s);
	deal_release(&d);
}

static const char next_yaml[] =
	"version: 1\n"
	"deal:\n"
	"  slug: nx\n"
	"  account: Next\n"
	"  ae: Dana\n"
	"  procurement_days: 5\n"
	"criteria:\n"
	"  - key: a\n"
	"    at_most: 10\n"
	"    measured: 5\n"
	"    measured_on: 2026-06-26\n";

static void
test_next_step_plan(void **state)
{
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse(next_yaml, &d);
	/* Win Fri 06-26: steps 06-30, 07-02, 07-06, 07-13. */
	summarize(&s, &d, "2026-07-01");
	assert_int_equal(s.next.kind, NEXT_PLAN);
	assert_false(s.next.overdue);
	assert_string_equal(s.next.text, "Thu 2026-07-02: Commercial terms "
			    "discussion (Dana)");
	summary_release(&s);

	/* Every step past: the plan's first step, overdue. */
	summarize(&s, &d, "2026-08-03");
	assert_int_equal(s.next.kind, NEXT_PLAN);
	assert_true(s.next.overdue);
	assert_string_equal(s.next.text, "Tue 2026-06-30: Executive summary "
			    "to the economic buyer (Dana), overdue");
	summary_release(&s);
	deal_release(&d);
}

static void
test_next_step_event(void **state)
{
	struct summary s;
	struct deal d;
	struct event *e;

	(void)state;
	deal_init(&d);
	parse(next_yaml, &d);
	/* A done event, a past open one, and two ahead: the earliest. */
	e = deal_add_event(&d);
	e->key = xstrdup("done");
	e->date = e->done = D("2026-07-01");
	e = deal_add_event(&d);
	e->key = xstrdup("overdue");
	e->date = D("2026-06-29");
	e = deal_add_event(&d);
	e->key = xstrdup("later");
	e->title = xstrdup("Later");
	e->date = D("2026-07-20");
	e = deal_add_event(&d);
	e->key = xstrdup("pricing-call");
	e->owner = xstrdup("Sam");
	e->date = D("2026-07-02");
	summarize(&s, &d, "2026-07-01");
	assert_int_equal(s.next.kind, NEXT_EVENT);
	/* No title: the key stands in. */
	assert_string_equal(s.next.text,
			    "Thu 2026-07-02: pricing-call (Sam)");
	summary_release(&s);
	deal_release(&d);
}

static void
test_holidays_move_plan(void **state)
{
	struct summary s;
	struct deal d;
	tw_date days[] = { D("2026-06-30") };
	struct holidays h = { .days = days, .n = 1 };

	(void)state;
	deal_init(&d);
	parse(next_yaml, &d);
	summary_compute(&s, &d, &h, D("2026-06-26"));
	/* Tuesday is a holiday: +2 bd from Friday is Wednesday. */
	assert_date(s.steps[1].date, "2026-07-01");
	assert_date(s.steps[2].date, "2026-07-03");
	summary_release(&s);
	deal_release(&d);
}

/* ---- rendering ------------------------------------------------------- */

static const char nasty_yaml[] =
	"version: 1\n"
	"deal:\n"
	"  slug: nasty\n"
	"  account: \"<script>alert(1)</script>\"\n"
	"  champion:\n"
	"    name: \"Bob & <b>Alice</b>\"\n"
	"criteria:\n"
	"  - key: k1\n"
	"    metric: \"<script>alert(1)</script>\"\n"
	"    at_most: 10\n"
	"    measured: 5\n"
	"    measured_on: 2026-06-26\n"
	"    outcome: \"a | b *c* \\\"q\\\" 'x'\"\n";

/* Cell separators in a Markdown table line: '|' not escaped by '\\'. */
static int
count_pipes(const char *line, size_t len)
{
	int n = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\\')
			i++;
		else if (line[i] == '|')
			n++;
	}
	return n;
}

/* Every row of every table has as many cells as its header. */
static void
check_md_tables(const char *md)
{
	int want = -1;

	for (const char *p = md; *p;) {
		size_t len = strcspn(p, "\n");

		if (*p == '|') {
			int n = count_pipes(p, len);

			if (want < 0)
				want = n;
			else if (n != want)
				fail_msg("table row has %d separators, header "
					 "%d: %.*s", n, want, (int)len, p);
		} else {
			want = -1;
		}
		p += len;
		if (*p)
			p++;
	}
}

static void
render_md(const struct summary *s, struct strbuf *sb)
{
	strbuf_reset(sb);
	render_summary_md(s, sb);
	check_md_tables(sb->buf);
}

static void
test_md(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	summarize(&s, &d, "2026-06-26");
	render_md(&s, &sb);
	assert_non_null(strstr(sb.buf, "# Technical Win Summary: Lakeshore "
			       "Retail Group\n"));
	assert_non_null(strstr(sb.buf,
		"| **50M records processed end to end** | "
		"≤ 15 min | 9 min | pass | 40.0% | covers 66.7% growth; 35% "
		"projected | The nightly batch finishes before stores open "
		"and absorbs next year's volumes without re-architecture |\n"));
	assert_non_null(strstr(sb.buf, "| Current batch processing will not "
			       "handle the November peak | 2026-10-29 | "
			       "2026-10-15 | **2026-08-01** | 36 days left "
			       "|\n"));
	assert_non_null(strstr(sb.buf, "| Mon 2026-07-20 | Contract "
			       "execution target |\n"));
	assert_non_null(strstr(sb.buf, "**Initial commitment:** USD "
			       "180,000"));
	assert_non_null(strstr(sb.buf, "## Next step\n\nTue 2026-06-30: "));
	summary_release(&s);
	deal_release(&d);

	/* Pipes, markup and HTML in the deal are text. */
	deal_init(&d);
	parse(nasty_yaml, &d);
	summarize(&s, &d, "2026-06-26");
	render_md(&s, &sb);
	assert_null(strstr(sb.buf, "<script"));
	assert_non_null(strstr(sb.buf, "# Technical Win Summary: "
			       "&lt;script>alert(1)&lt;/script>\n"));
	assert_non_null(strstr(sb.buf, "| a \\| b \\*c\\* \"q\" 'x' |\n"));
	summary_release(&s);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_html(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse(nasty_yaml, &d);
	summarize(&s, &d, "2026-06-26");
	render_summary_html(&s, PAPER_A4, &sb);

	assert_true(!strncmp(sb.buf, "<!DOCTYPE html>\n", 16));
	assert_non_null(strstr(sb.buf, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(sb.buf, "@page{size:A4;margin:12mm}"));
	assert_non_null(strstr(sb.buf, "@media print{"));
	/* The user's markup is text, everywhere it appears. */
	assert_null(strstr(sb.buf, "<script"));
	assert_null(strstr(sb.buf, "<b>Alice"));
	assert_non_null(strstr(sb.buf, "<title>Technical Win Summary: "
			       "&lt;script&gt;alert(1)&lt;/script&gt;"
			       "</title>"));
	assert_non_null(strstr(sb.buf, "<h1>&lt;script&gt;alert(1)&lt;/"
			       "script&gt;</h1>"));
	assert_non_null(strstr(sb.buf, "Bob &amp; &lt;b&gt;Alice&lt;/b&gt;"));
	assert_non_null(strstr(sb.buf, "a | b *c* &quot;q&quot; &#39;x&#39;"));
	/* Nothing to fetch: no URL, import, font file or script. */
	assert_null(strstr(sb.buf, "http:"));
	assert_null(strstr(sb.buf, "https:"));
	assert_null(strstr(sb.buf, "url("));
	assert_null(strstr(sb.buf, "@import"));
	assert_null(strstr(sb.buf, "src="));
	assert_null(strstr(sb.buf, "<link"));
	assert_non_null(strstr(sb.buf, "default-src 'none'"));
	assert_non_null(strstr(sb.buf, "</html>\n"));

	strbuf_reset(&sb);
	render_summary_html(&s, PAPER_LETTER, &sb);
	assert_non_null(strstr(sb.buf, "@page{size:letter;margin:12mm}"));
	summary_release(&s);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_empty_deal(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct summary s;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse("version: 1\ndeal:\n  slug: bare\n  account: Bare\n", &d);
	summarize(&s, &d, "2026-06-26");
	assert_string_equal(s.headline, "No success criteria recorded yet.");
	assert_string_equal(s.value, "");
	render_summary_md(&s, &sb);
	assert_non_null(strstr(sb.buf, "- **Champion:** –\n"));
	assert_null(strstr(sb.buf, "## Risks"));
	assert_null(strstr(sb.buf, "## Phases"));
	strbuf_reset(&sb);
	render_summary_html(&s, PAPER_A4, &sb);
	assert_non_null(strstr(sb.buf, "No success criteria recorded yet."));
	summary_release(&s);
	deal_release(&d);
	strbuf_release(&sb);
}

/*
 * Figures print as "%.15g" does, with thousands separators in the whole
 * part; exponents, -0 and long fractions as they come.
 */
static void
test_numbers(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "≤ 0 ms" },
		{ -0.0, "≤ -0 ms" },
		{ 7, "≤ 7 ms" },
		{ -42, "≤ -42 ms" },
		{ 1234, "≤ 1,234 ms" },
		{ -1234567, "≤ -1,234,567 ms" },
		{ 999999999999999, "≤ 999,999,999,999,999 ms" },
		{ 1e15, "≤ 1e+15 ms" },
		{ -1e15, "≤ -1e+15 ms" },
		{ 2.5, "≤ 2.5 ms" },
		{ -1234.5, "≤ -1,234.5 ms" },
		{ 0.1, "≤ 0.1 ms" },
		{ 0.05, "≤ 0.05 ms" },
		{ 41.7, "≤ 41.7 ms" },
		{ 1e-4, "≤ 0.0001 ms" },
		{ 9.99e-5, "≤ 9.99e-05 ms" },
		{ 123456.789, "≤ 123,456.789 ms" },
		{ 0.1234567, "≤ 0.1234567 ms" },
		{ 1.0 / 3, "≤ 0.333333333333333 ms" },
		{ 1e-5, "≤ 1e-05 ms" },
	};
	static const struct {
		double pct;
		const char *want;
	} growth[] = {
		{ 35, "covers 100.0% growth; 35% projected" },
		{ 12.5, "covers 100.0% growth; 12.5% projected" },
		{ 250000, "covers 100.0% growth; short of 250000% projected" },
	};
	struct summary_criterion row;
	struct criterion c;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.scales_with_load = true;
	c.key = "k";
	c.unit = "ms";
	c.direction = DIR_AT_MOST;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c.required = cases[i].v;
		summary_criterion_fill(&row, &c);
		assert_string_equal(row.required, cases[i].want);
		summary_criterion_release(&row);
	}
	c.required = 100;
	c.has_measured = true;
	c.measured = 50;
	c.measured_on = D("2026-06-01");
	c.has_growth = true;
	for (size_t i = 0; i < sizeof(growth) / sizeof(growth[0]); i++) {
		c.growth_pct = growth[i].pct;
		summary_criterion_fill(&row, &c);
		assert_string_equal(row.measured, "50 ms");
		assert_string_equal(row.growth, growth[i].want);
		summary_criterion_release(&row);
	}

	/*
	 * Not scaling with load (an error count): no growth claim, the
	 * projected growth aside, passing or failing; nothing while pending.
	 */
	c.scales_with_load = false;
	summary_criterion_fill(&row, &c);
	assert_string_equal(row.growth, "independent of load");
	assert_string_equal(row.headroom, "50.0%");
	summary_criterion_release(&row);
	c.measured = 0;
	summary_criterion_fill(&row, &c);
	assert_string_equal(row.growth, "independent of load");
	summary_criterion_release(&row);
	c.measured = 150;
	summary_criterion_fill(&row, &c);
	assert_string_equal(row.growth, "independent of load");
	summary_criterion_release(&row);
	c.has_measured = false;
	summary_criterion_fill(&row, &c);
	assert_string_equal(row.growth, "");
	summary_criterion_release(&row);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paper),
		cmocka_unit_test(test_war_story_criteria),
		cmocka_unit_test(test_war_story_plan),
		cmocka_unit_test(test_war_story_later),
		cmocka_unit_test(test_blocked),
		cmocka_unit_test(test_next_step_plan),
		cmocka_unit_test(test_next_step_event),
		cmocka_unit_test(test_holidays_move_plan),
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_empty_deal),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
