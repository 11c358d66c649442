/*
 * Unit tests for src/render/proposal.c: phases in number order with the
 * results of the criteria they rest on, the initial commitment against
 * the full scope, phase dates chained from a start date (calendar days,
 * weeks, business days around holidays), and the Markdown and HTML
 * renderers.
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
#include "render/proposal.h"

static void
parse(const char *yaml, struct deal *d)
{
	struct tw_error err = { 0 };

	if (plan_parse(yaml, strlen(yaml), "test.yaml", d, &err))
		fail_msg("%s", err.msg);
}

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
propose(struct proposal *p, const struct deal *d, const char *start,
	const struct holidays *h)
{
	struct holidays dh = deal_holidays(d);
	struct tw_error err = { 0 };

	if (proposal_compute(p, d, h ? h : &dh, start ? D(start) : DATE_NONE,
			     D("2026-06-26"), &err))
		fail_msg("%s", err.msg);
}

static void
test_war_story(void **state)
{
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	propose(&p, &d, NULL, NULL);

	/* From the close date, Fri 2026-07-17: 75d, then 8w, then 12w. */
	assert_int_equal(p.start_from, START_CLOSE);
	assert_int_equal(p.nphases, 3);
	assert_date(p.phases[0].start, "2026-07-17");
	assert_date(p.phases[0].end, "2026-09-30");
	assert_date(p.phases[1].start, "2026-09-30");
	assert_date(p.phases[1].end, "2026-11-25");
	assert_date(p.phases[2].start, "2026-11-25");
	assert_date(p.phases[2].end, "2027-02-17");
	assert_date(p.end, "2027-02-17");
	assert_string_equal(p.dates_note,
			    "Dated from the deal's close date 2026-07-17: "
			    "each phase starts the day the one before it "
			    "ends, and the full scope is delivered by "
			    "2027-02-17.");

	assert_string_equal(p.phases[0].name, "Core data pipeline");
	assert_string_equal(p.phases[0].price, "USD 180,000");
	assert_string_equal(p.phases[0].duration, "75 days");
	assert_string_equal(p.phases[1].justification,
			    "26,500 events/s sustained against a 20,000 "
			    "requirement");
	/* The criteria each phase rests on, in the phase's order. */
	assert_int_equal(p.phases[0].nrows, 4);
	assert_string_equal(p.phases[0].rows[0].key, "batch-runtime");
	assert_string_equal(p.phases[0].rows[0].headroom, "40.0%");
	assert_string_equal(p.phases[0].rows[3].key, "cost-per-run");
	assert_string_equal(p.phases[0].rows[3].measured, "310 USD");
	assert_int_equal(p.phases[1].nrows, 2);
	assert_string_equal(p.phases[1].rows[1].key, "query-p95");
	assert_int_equal(p.phases[2].nrows, 2);

	assert_string_equal(p.initial, "USD 180,000 (phase 1, 43.4% of the "
			    "full scope)");
	assert_string_equal(p.total, "USD 415,000 (3 phases)");
	proposal_release(&p);

	/* A start date given overrides the close date. */
	propose(&p, &d, "2026-08-03", NULL);
	assert_int_equal(p.start_from, START_GIVEN);
	assert_date(p.phases[0].start, "2026-08-03");
	/* 2026-08-03 + 75 days = 2026-10-17. */
	assert_date(p.phases[0].end, "2026-10-17");
	assert_date(p.phases[1].start, "2026-10-17");
	assert_true(!strncmp(p.dates_note, "Dated from the start date "
			     "2026-08-03: ", 38));
	proposal_release(&p);
	deal_release(&d);
}

static const char bd_yaml[] =
	"version: 1\n"
	"deal:\n"
	"  slug: bd\n"
	"  account: Business Days\n"
	"  currency: EUR\n"
	"phases:\n"
	"  - number: 2\n"
	"    name: Second\n"
	"    price: 30000\n"
	"    duration: 2w\n"
	"  - number: 1\n"
	"    name: First\n"
	"    price: 10000\n"
	"    duration: 10bd\n"
	"  - number: 3\n"
	"    name: Third\n"
	"    price: 60000\n"
	"    duration: 5d\n";

static void
test_business_days(void **state)
{
	tw_date days[] = { D("2026-08-05") };
	struct holidays h = { .days = days, .n = 1 };
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse(bd_yaml, &d);
	propose(&p, &d, "2026-08-03", &h);
	/* By number, not by file order. */
	assert_int_equal(p.phases[0].number, 1);
	assert_int_equal(p.phases[2].number, 3);
	/*
	 * Mon 08-03 + 10 business days, Wed 08-05 a holiday: 04, 06, 07,
	 * 10, 11, 12, 13, 14, 17, 18.
	 */
	assert_date(p.phases[0].end, "2026-08-18");
	assert_date(p.phases[1].start, "2026-08-18");
	assert_date(p.phases[1].end, "2026-09-01");
	assert_date(p.phases[2].end, "2026-09-06");
	assert_string_equal(p.initial, "EUR 10,000 (phase 1, 10.0% of the "
			    "full scope)");
	assert_string_equal(p.total, "EUR 100,000 (3 phases)");
	proposal_release(&p);

	/* Without a holiday the first phase ends a day earlier. */
	propose(&p, &d, "2026-08-03", NULL);
	assert_date(p.phases[0].end, "2026-08-17");
	proposal_release(&p);
	deal_release(&d);
}

static void
test_undated(void **state)
{
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse(bd_yaml, &d);
	/* No close date and no start: no dates at all. */
	propose(&p, &d, NULL, NULL);
	assert_int_equal(p.start_from, START_NONE);
	for (size_t i = 0; i < p.nphases; i++) {
		assert_int_equal(p.phases[i].start, DATE_NONE);
		assert_int_equal(p.phases[i].end, DATE_NONE);
	}
	assert_string_equal(p.dates_note, "Not dated yet: the deal has no "
			    "close date and no start date was given.");
	proposal_release(&p);

	/* Phase 2 without a duration: it starts, but nothing after it. */
	deal_find_phase(&d, 2)->has_duration = false;
	propose(&p, &d, "2026-08-03", NULL);
	assert_date(p.phases[1].start, "2026-08-17");
	assert_int_equal(p.phases[1].end, DATE_NONE);
	assert_int_equal(p.phases[2].start, DATE_NONE);
	assert_int_equal(p.end, DATE_NONE);
	assert_string_equal(p.dates_note, "Dated from the start date "
			    "2026-08-03: each phase starts the day the one "
			    "before it ends. Phase 2 has no duration, so it "
			    "has no end date and the phases after it are not "
			    "dated.");
	proposal_release(&p);
	deal_release(&d);
}

static void
test_no_phases(void **state)
{
	struct tw_error err = { 0 };
	struct proposal p;
	struct deal d;
	struct holidays h = { .days = NULL, .n = 0 };

	(void)state;
	deal_init(&d);
	parse("version: 1\ndeal:\n  slug: bare\n  account: Bare\n", &d);
	assert_int_equal(proposal_compute(&p, &d, &h, DATE_NONE,
					  D("2026-06-26"), &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'bare' has no phases to propose");
	deal_release(&d);
}

static void
test_md(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	propose(&p, &d, NULL, NULL);
	render_proposal_md(&p, &sb);
	assert_true(!strncmp(sb.buf, "# Phased proposal: Lakeshore Retail "
			     "Group\n", 40));
	assert_non_null(strstr(sb.buf, "| Phase 1: Core data pipeline | "
			       "75 days | 2026-07-17 | 2026-09-30 | "
			       "USD 180,000 |\n"));
	assert_non_null(strstr(sb.buf, "\n## Phase 2: Real-time streaming\n"
			       "\nUSD 95,000 · 8 weeks · Wed 2026-09-30 to "
			       "Wed 2026-11-25\n"));
	assert_non_null(strstr(sb.buf, "**Technical justification:** Meets "
			       "the 15-minute batch window"));
	/* A criterion is titled by its metric, not its key. */
	assert_non_null(strstr(sb.buf, "| **p95 latency of the "
			       "merchandising dashboards** | ≤ 3 s | 1.8 s "
			       "| pass | 40.0% |"));
	assert_null(strstr(sb.buf, "query-p95"));
	proposal_release(&p);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_html_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	parse("version: 1\n"
	      "deal:\n"
	      "  slug: x\n"
	      "  account: \"<script>alert(1)</script>\"\n"
	      "phases:\n"
	      "  - number: 1\n"
	      "    name: \"<img src=x onerror=alert(1)>\"\n"
	      "    scope: \"a & b | c\"\n"
	      "    price: 10\n", &d);
	propose(&p, &d, NULL, NULL);
	render_proposal_html(&p, PAPER_LETTER, &sb);
	assert_null(strstr(sb.buf, "<script"));
	assert_null(strstr(sb.buf, "<img"));
	assert_non_null(strstr(sb.buf, "<h1>&lt;script&gt;alert(1)&lt;/"
			       "script&gt;</h1>"));
	assert_non_null(strstr(sb.buf, "Phase 1: &lt;img src=x "
			       "onerror=alert(1)&gt;"));
	assert_non_null(strstr(sb.buf, "a &amp; b | c"));
	assert_non_null(strstr(sb.buf, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(sb.buf, "@page{size:letter;"));
	assert_non_null(strstr(sb.buf, "It rests on no POC criterion yet."));
	assert_null(strstr(sb.buf, "http:"));
	assert_null(strstr(sb.buf, "https:"));

	strbuf_reset(&sb);
	render_proposal_md(&p, &sb);
	assert_null(strstr(sb.buf, "<img"));
	assert_non_null(strstr(sb.buf, "**Scope:** a & b \\| c\n"));
	proposal_release(&p);
	deal_release(&d);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_war_story),
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_undated),
		cmocka_unit_test(test_no_phases),
		cmocka_unit_test(test_md),
		cmocka_unit_test(test_html_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
