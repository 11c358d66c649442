/*
 * Unit tests for src/core/stats.c: percentiles (numpy's linear method),
 * summaries on odd, even, empty, single and tied samples, cycle days, the
 * war-story comparison text, momentum at close, and the whole report with
 * its --se and --deal filters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>
#include <string.h>

#include "core/stats.h"
#include "util/xalloc.h"

#define EPS 1e-9

/* cmocka's assert_float_equal rounds to float; compare doubles. */
static void
assert_near_at(double got, double want, const char *file, int line)
{
	if (fabs(got - want) > EPS) {
		print_error("got %.17g, want %.17g\n", got, want);
		_fail(file, line);
	}
}
#define assert_near(got, want) assert_near_at((got), (want), __FILE__, __LINE__)

static const struct momentum_settings defaults = {
	MOMENTUM_DEFAULT_MAX_GAP, MOMENTUM_DEFAULT_HALF_LIFE,
	MOMENTUM_DEFAULT_OVERDUE_GRACE
};

static void
mkdeal(struct deal *d, const char *slug, const char *se, enum outcome o,
       const char *poc_end, const char *close)
{
	deal_init(d);
	d->slug = xstrdup(slug);
	d->account = xstrdup(slug);
	d->se = xstrdup_or_null(se);
	d->outcome = o;
	d->poc_end = D(poc_end);
	d->close_date = D(close);
}

static void
add_event(struct deal *d, const char *key, enum event_kind kind,
	  const char *date, const char *done)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = kind;
	e->date = D(date);
	e->done = D(done);
}

static void
add_pass(struct deal *d, const char *key, const char *on)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->direction = DIR_AT_MOST;
	c->required = 15;
	c->has_measured = true;
	c->measured = 9;
	c->measured_on = D(on);
}

static void
summarize(const double *v, size_t n, struct stats_summary *s)
{
	stats_summarize(v, n, s);
	assert_int_equal(s->n, n);
}

/* ---- percentiles and summaries ----------------------------------------- */

static void
test_odd_count(void **state)
{
	/* Unsorted on purpose: the summary sorts a copy. */
	double v[] = { 5, 1, 4, 2, 3 };
	struct stats_summary s;

	(void)state;
	summarize(v, 5, &s);
	assert_near(s.median, 3);
	assert_near(s.mean, 3);
	assert_near(s.p25, 2);
	assert_near(s.p75, 4);
	/* The input is left as it was. */
	assert_near(v[0], 5);
	assert_near(v[1], 1);
}

static void
test_even_count(void **state)
{
	double v[] = { 4, 3, 2, 1 };
	double two[] = { 20, 10 };
	struct stats_summary s;

	(void)state;
	/* numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25 */
	summarize(v, 4, &s);
	assert_near(s.median, 2.5);
	assert_near(s.mean, 2.5);
	assert_near(s.p25, 1.75);
	assert_near(s.p75, 3.25);

	/* The example in `techwin help stats`. */
	summarize(two, 2, &s);
	assert_near(s.median, 15);
	assert_near(s.p25, 12.5);
	assert_near(s.p75, 17.5);
}

static void
test_empty_and_single(void **state)
{
	double one[] = { 42 };
	struct stats_summary s;

	(void)state;
	memset(&s, 0xff, sizeof(s));
	summarize(NULL, 0, &s);
	assert_near(s.mean, 0);
	assert_near(s.median, 0);

	summarize(one, 1, &s);
	assert_near(s.median, 42);
	assert_near(s.mean, 42);
	assert_near(s.p25, 42);
	assert_near(s.p75, 42);
}

static void
test_ties(void **state)
{
	double v[] = { 5, 10, 5, 5 };
	double same[] = { 7, 7, 7 };
	struct stats_summary s;

	(void)state;
	/* sorted 5 5 5 10: p75 at rank 2.25 = 5 + 0.25 x 5 */
	summarize(v, 4, &s);
	assert_near(s.median, 5);
	assert_near(s.p25, 5);
	assert_near(s.p75, 6.25);
	assert_near(s.mean, 6.25);

	summarize(same, 3, &s);
	assert_near(s.median, 7);
	assert_near(s.p25, 7);
	assert_near(s.p75, 7);
}

static void
test_percentile_ends_and_negatives(void **state)
{
	double v[] = { -7, -3, 0, 14 };

	(void)state;
	assert_near(stats_percentile(v, 4, 0), -7);
	assert_near(stats_percentile(v, 4, 100), 14);
	/* rank 0.3 x 3 = 0.9: -7 + 0.9 x 4 */
	assert_near(stats_percentile(v, 4, 30), -3.4);
	/* rank 2.5 between 0 and 14 */
	assert_near(stats_percentile(v, 4, 100.0 * 2.5 / 3), 7);
}

/* ---- cycle days and text ------------------------------------------------ */

static void
test_cycle_days(void **state)
{
	struct deal d;
	int days = -1;

	(void)state;
	mkdeal(&d, "lakeshore-retail", "Priya Raman", OUTCOME_WON,
	       "2026-06-26", "2026-07-17");
	assert_true(deal_cycle_days(&d, &days));
	assert_int_equal(days, 21);

	/* Calendar days, across a month and a leap day. */
	d.poc_end = D("2024-02-20");
	d.close_date = D("2024-03-05");
	assert_true(deal_cycle_days(&d, &days));
	assert_int_equal(days, 14);

	/* A close before the POC end is negative, not dropped. */
	d.poc_end = D("2026-07-20");
	d.close_date = D("2026-07-17");
	assert_true(deal_cycle_days(&d, &days));
	assert_int_equal(days, -3);

	days = 99;
	d.outcome = OUTCOME_LOST;
	assert_false(deal_cycle_days(&d, &days));
	d.outcome = OUTCOME_OPEN;
	assert_false(deal_cycle_days(&d, &days));
	d.outcome = OUTCOME_WON;
	d.poc_end = DATE_NONE;
	assert_false(deal_cycle_days(&d, &days));
	assert_int_equal(days, 99);
	deal_release(&d);
}

static void
assert_vs_text(double days, double mean, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	stats_vs_team_text(days, mean, &sb);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_war_story_text(void **state)
{
	(void)state;
	/* "closed 3 weeks after the POC ended, versus the team average of 8" */
	assert_vs_text(21, 56, "21 days (3 weeks) vs the rest of the team's 56 "
		       "(8 weeks)");
	assert_vs_text(7, 55.5, "7 days (1 week) vs the rest of the team's "
		       "55.5 (7.9 weeks)");
	assert_vs_text(1, 39.666666, "1 day (0.1 weeks) vs the rest of the "
		       "team's 39.7 (5.7 weeks)");
	assert_vs_text(-3, 0.04, "-3 days (-0.4 weeks) vs the rest of the "
		       "team's 0 (0 weeks)");
}

static void
test_format(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	stats_format_days(-0.04, &sb);
	assert_string_equal(sb.buf, "0");
	strbuf_reset(&sb);
	stats_format_days(66.5, &sb);
	assert_string_equal(sb.buf, "66.5");
	strbuf_reset(&sb);
	stats_format_weeks(63, &sb);
	assert_string_equal(sb.buf, "9 weeks");
	strbuf_reset(&sb);
	stats_format_weeks(6.8, &sb);
	assert_string_equal(sb.buf, "1 week");
	strbuf_release(&sb);
}

/* ---- momentum at close --------------------------------------------------- */

/*
 * A won deal whose POC readout was done on Friday 2026-06-26; the window
 * for a commercial follow-up ends 5 business days later, Friday 07-03.
 */
static void
readout_deal(struct deal *d, const char *close)
{
	mkdeal(d, "readout", "Priya Raman", OUTCOME_WON, "2026-06-26", close);
	add_event(d, "poc-readout", EVENT_TECHNICAL, NULL, "2026-06-26");
}

static bool
kept(const struct deal *d, const struct momentum_settings *s,
     const char **why)
{
	struct holidays h = deal_holidays(d);

	return deal_momentum_at_close(d, &h, s, why) == CM_KEPT;
}

static void
test_momentum_timely_followup(void **state)
{
	const char *why = "unset";
	struct deal d;

	(void)state;
	readout_deal(&d, "2026-07-17");
	add_event(&d, "exec-summary", EVENT_COMMERCIAL, NULL, "2026-06-30");
	assert_true(kept(&d, &defaults, &why));
	assert_null(why);

	/* Exactly on the last day of the window still counts. */
	d.events[1].done = D("2026-07-03");
	assert_true(kept(&d, &defaults, NULL));
	deal_release(&d);
}

static void
test_momentum_no_followup(void **state)
{
	const char *why = NULL;
	struct deal d;

	(void)state;
	readout_deal(&d, "2026-07-17");
	assert_false(kept(&d, &defaults, &why));
	assert_string_equal(why, "no-commercial-followup");

	/*
	 * A follow-up after the window is a late-commercial-followup warning,
	 * which is not one of the two rules that mean lost momentum.
	 */
	add_event(&d, "pricing", EVENT_COMMERCIAL, NULL, "2026-07-06");
	assert_true(kept(&d, &defaults, &why));
	assert_null(why);
	deal_release(&d);
}

static void
test_momentum_as_of_close(void **state)
{
	struct momentum_settings tight = { 2, 10, 2 };
	const char *why = NULL;
	struct deal d;

	(void)state;
	/*
	 * Closed on Wednesday 07-01, 3 business days after the readout: with
	 * the default gap of 5 nothing was missed yet at close; with a gap of
	 * 2 the follow-up was already overdue.
	 */
	readout_deal(&d, "2026-07-01");
	assert_true(kept(&d, &defaults, NULL));
	assert_false(kept(&d, &tight, &why));
	assert_string_equal(why, "no-commercial-followup");

	/* Closed Monday 07-06: 6 business days, past the default gap... */
	d.close_date = D("2026-07-06");
	assert_false(kept(&d, &defaults, NULL));
	/* ...unless Friday 07-03 is one of the deal's holidays. */
	deal_add_holiday(&d, D("2026-07-03"));
	assert_true(kept(&d, &defaults, NULL));
	deal_release(&d);
}

static void
test_momentum_stale_win(void **state)
{
	const char *why = NULL;
	struct deal d;

	(void)state;
	/* Win on 06-24; the pricing call is planned in the window, never done. */
	readout_deal(&d, "2026-07-17");
	add_pass(&d, "batch", "2026-06-24");
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-06-29", NULL);
	assert_false(kept(&d, &defaults, &why));
	assert_string_equal(why, "stale-technical-win");

	d.events[1].done = D("2026-06-29");
	assert_true(kept(&d, &defaults, &why));
	assert_null(why);
	deal_release(&d);
}

static void
test_momentum_unknown(void **state)
{
	const char *why = "unset";
	struct holidays h;
	struct deal d;

	(void)state;
	/*
	 * Closed with no technical event done: the rules find nothing to
	 * miss, which says nothing about momentum. A planned readout and a
	 * commercial step done change nothing.
	 */
	mkdeal(&d, "quiet", "Priya Raman", OUTCOME_WON, "2026-06-26",
	       "2026-07-17");
	h = deal_holidays(&d);
	assert_int_equal(deal_momentum_at_close(&d, &h, &defaults, &why),
			 CM_UNKNOWN);
	assert_null(why);
	add_event(&d, "readout", EVENT_TECHNICAL, "2026-06-26", NULL);
	add_event(&d, "terms", EVENT_COMMERCIAL, NULL, "2026-06-30");
	assert_int_equal(deal_momentum_at_close(&d, &h, &defaults, NULL),
			 CM_UNKNOWN);
	/* Done after the close is not done at the close. */
	d.events[0].done = D("2026-07-20");
	assert_int_equal(deal_momentum_at_close(&d, &h, &defaults, NULL),
			 CM_UNKNOWN);
	/* Done on the close date counts: then the rules decide. */
	d.events[0].done = D("2026-07-17");
	assert_int_equal(deal_momentum_at_close(&d, &h, &defaults, NULL),
			 CM_KEPT);
	d.events[0].done = D("2026-06-26");
	d.events[1].done = DATE_NONE;
	assert_int_equal(deal_momentum_at_close(&d, &h, &defaults, &why),
			 CM_LOST);
	assert_string_equal(why, "no-commercial-followup");
	assert_string_equal(close_momentum_name(CM_KEPT), "kept");
	assert_string_equal(close_momentum_name(CM_LOST), "lost");
	assert_string_equal(close_momentum_name(CM_UNKNOWN), "unknown");
	deal_release(&d);
}

static void
test_report_workspace_holidays(void **state)
{
	tw_date off = D("2026-07-03");
	struct holidays ws = { .days = &off, .n = 1 };
	struct cycle_report r;
	struct deal d;

	(void)state;
	/* 6 business days from the readout to the close, no follow-up. */
	readout_deal(&d, "2026-07-06");
	cycle_report_compute(&d, 1, &defaults, NULL, NULL, &r);
	assert_int_equal(r.lost.n, 1);
	assert_int_equal(r.kept.n, 0);
	cycle_report_release(&r);

	/* A workspace holiday counts like the deal's own: 5 days, kept. */
	cycle_report_compute(&d, 1, &defaults, &ws, NULL, &r);
	assert_int_equal(r.kept.n, 1);
	assert_int_equal(r.lost.n, 0);
	assert_int_equal(r.deals[0].momentum, CM_KEPT);
	/* The holiday changes business days only, not the cycle time. */
	assert_int_equal(r.deals[0].days, 10);
	cycle_report_release(&r);

	/*
	 * Both sets at once, merged out of order (the deal's 07-03, then the
	 * workspace's 06-01 outside the window): still 5 business days.
	 */
	deal_add_holiday(&d, off);
	off = D("2026-06-01");
	cycle_report_compute(&d, 1, &defaults, &ws, NULL, &r);
	assert_int_equal(r.kept.n, 1);
	cycle_report_release(&r);
	deal_release(&d);
}

static void
test_loses_momentum_rules(void **state)
{
	(void)state;
	assert_true(finding_loses_momentum("no-commercial-followup"));
	assert_true(finding_loses_momentum("stale-technical-win"));
	assert_true(finding_loses_momentum("commercial-step-overdue"));
	assert_true(finding_loses_momentum("no-next-step"));
	assert_false(finding_loses_momentum("late-commercial-followup"));
	assert_false(finding_loses_momentum("unframed-pass"));
	assert_false(finding_loses_momentum("poc-overdue"));
}

/* ---- the report ---------------------------------------------------------- */

#define NPIPE 11

/*
 * Seven won deals of 21, 35, 49, 56, 63, 77 and 91 days (mean and median
 * 56, p25 42, p75 70) across three SEs; a won deal without a POC end; a
 * lost deal that kept momentum and one that did not; an open deal.
 */
static void
pipeline(struct deal *p)
{
	/* followup: a commercial step two business days after the readout */
	static const struct {
		const char *slug, *se, *poc_end, *close, *followup;
	} won[] = {
		{ "lakeshore", "Priya", "2026-06-26", "2026-07-17",
		  "2026-06-30" },
		{ "harbor", "Priya", "2026-03-13", "2026-04-17", "2026-03-17" },
		{ "pinecrest", "Priya", "2026-08-14", "2026-10-16", NULL },
		{ "corvid", "Mara", "2026-02-20", "2026-04-10", "2026-02-24" },
		{ "quarry", "Mara", "2026-05-08", "2026-08-07", NULL },
		{ "tidewater", "Tomas", "2026-01-30", "2026-03-27",
		  "2026-02-03" },
		{ "meridian", "Tomas", "2026-09-04", "2026-11-20", NULL },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(won); i++) {
		mkdeal(&p[i], won[i].slug, won[i].se, OUTCOME_WON,
		       won[i].poc_end, won[i].close);
		add_event(&p[i], "readout", EVENT_TECHNICAL, NULL,
			  won[i].poc_end);
		if (won[i].followup)
			add_event(&p[i], "terms", EVENT_COMMERCIAL, NULL,
				  won[i].followup);
	}
	/* Won without a POC end and without events: no cycle time, momentum
	 * unknown. */
	mkdeal(&p[i++], "northgate", "Priya", OUTCOME_WON, NULL, "2026-05-15");
	mkdeal(&p[i], "granite", "Tomas", OUTCOME_LOST, "2026-05-29",
	       "2026-06-19");
	add_event(&p[i], "readout", EVENT_TECHNICAL, NULL, "2026-05-29");
	add_event(&p[i++], "proposal", EVENT_COMMERCIAL, NULL, "2026-06-02");
	mkdeal(&p[i], "ferrolux", "Mara", OUTCOME_LOST, "2026-09-11",
	       "2026-10-09");
	add_event(&p[i++], "readout", EVENT_TECHNICAL, NULL, "2026-09-11");
	assert_int_equal(i, NPIPE - 1);
	/* Open and overdue: in no figure. */
	mkdeal(&p[i], "summit", "Tomas", OUTCOME_OPEN, "2026-11-06", NULL);
	add_event(&p[i], "readout", EVENT_TECHNICAL, NULL, "2026-11-06");
}

static void
pipeline_release(struct deal *p)
{
	for (size_t i = 0; i < NPIPE; i++)
		deal_release(&p[i]);
}

static void
test_report_team(void **state)
{
	struct deal p[NPIPE];
	struct cycle_report r;
	static const char *const order[] = { "lakeshore", "harbor", "corvid",
		"tidewater", "pinecrest", "meridian", "quarry" };

	(void)state;
	pipeline(p);
	cycle_report_compute(p, NPIPE, &defaults, NULL, NULL, &r);

	assert_int_equal(r.team.n, 7);
	assert_near(r.team.median, 56);
	assert_near(r.team.mean, 56);
	assert_near(r.team.p25, 42);
	assert_near(r.team.p75, 70);

	assert_int_equal(r.ndeals, 7);
	for (size_t i = 0; i < r.ndeals; i++)
		assert_string_equal(r.deals[i].deal->slug, order[i]);
	/*
	 * The war story: 21 days against the rest of the team, the six
	 * other won deals (392 - 21) / 6 = 61.83 days, not the team's 56
	 * that counts the deal itself.
	 */
	assert_int_equal(r.deals[0].days, 21);
	assert_true(r.deals[0].has_others);
	assert_near(r.deals[0].others_mean, 371.0 / 6);
	assert_near(r.deals[0].vs_team_mean, 21 - 371.0 / 6);
	assert_int_equal(r.deals[0].momentum, CM_KEPT);
	assert_int_equal(r.deals[6].days, 91);
	assert_near(r.deals[6].others_mean, 301.0 / 6);
	assert_near(r.deals[6].vs_team_mean, 91 - 301.0 / 6);
	assert_int_equal(r.deals[6].momentum, CM_LOST);
	/* The median deal is at the team's mean, not the rest's. */
	assert_int_equal(r.deals[3].days, 56);
	assert_near(r.deals[3].vs_team_mean, 0);
	assert_string_equal(r.deals[6].lost_rule, "no-commercial-followup");
	assert_null(r.deals[0].lost_rule);

	assert_int_equal(r.nse, 3);
	assert_string_equal(r.by_se[0].se, "Mara");
	assert_int_equal(r.by_se[0].s.n, 2);
	assert_near(r.by_se[0].s.median, 70);
	assert_string_equal(r.by_se[1].se, "Priya");
	assert_int_equal(r.by_se[1].s.n, 3);
	assert_near(r.by_se[1].s.median, 35);
	assert_near(r.by_se[1].s.mean, 119.0 / 3);
	assert_string_equal(r.by_se[2].se, "Tomas");
	assert_near(r.by_se[2].s.mean, 66.5);

	/*
	 * Kept: lakeshore, harbor, corvid, tidewater, granite. Northgate
	 * has no event at all: unknown, in neither group.
	 */
	assert_int_equal(r.kept.n, 5);
	assert_int_equal(r.kept.won, 4);
	assert_int_equal(r.kept.won_days.n, 4);
	assert_near(r.kept.won_days.median, 42);
	assert_int_equal(r.unknown.n, 1);
	assert_int_equal(r.unknown.won, 1);
	assert_int_equal(r.unknown.won_days.n, 0);
	/* Lost: pinecrest, quarry, meridian, ferrolux. */
	assert_int_equal(r.lost.n, 4);
	assert_int_equal(r.lost.won, 3);
	assert_near(r.lost.won_days.median, 77);
	cycle_report_release(&r);
	pipeline_release(p);
}

static void
test_report_filters(void **state)
{
	struct cycle_filter by_se = { "Priya", NULL };
	struct cycle_filter one = { NULL, "ferrolux" };
	struct cycle_filter won = { NULL, "corvid" };
	struct deal p[NPIPE];
	struct cycle_report r;

	(void)state;
	pipeline(p);
	cycle_report_compute(p, NPIPE, &defaults, NULL, &by_se, &r);
	/* The team line is still the whole team's. */
	assert_int_equal(r.team.n, 7);
	assert_near(r.team.mean, 56);
	assert_int_equal(r.ndeals, 3);
	for (size_t i = 0; i < r.ndeals; i++)
		assert_string_equal(r.deals[i].deal->se, "Priya");
	assert_int_equal(r.nse, 1);
	assert_string_equal(r.by_se[0].se, "Priya");
	/* Kept: lakeshore, harbor; lost: pinecrest; northgate unknown. */
	assert_int_equal(r.kept.n, 2);
	assert_int_equal(r.kept.won, 2);
	assert_near(r.kept.won_days.median, 28);
	assert_int_equal(r.unknown.n, 1);
	assert_int_equal(r.lost.n, 1);
	assert_int_equal(r.lost.won, 1);
	assert_near(r.lost.won_days.median, 63);
	cycle_report_release(&r);

	/* A lost deal: no cycle time, one deal in the lost group. */
	cycle_report_compute(p, NPIPE, &defaults, NULL, &one, &r);
	assert_int_equal(r.team.n, 7);
	assert_int_equal(r.ndeals, 0);
	assert_int_equal(r.nse, 0);
	assert_int_equal(r.kept.n, 0);
	assert_int_equal(r.lost.n, 1);
	assert_int_equal(r.lost.won, 0);
	assert_int_equal(r.lost.won_days.n, 0);
	cycle_report_release(&r);

	/* A won deal: its SE's row covers all of the SE's won deals. */
	cycle_report_compute(p, NPIPE, &defaults, NULL, &won, &r);
	assert_int_equal(r.ndeals, 1);
	/* 49 days against the other six: (392 - 49) / 6 = 57.17. */
	assert_near(r.deals[0].others_mean, 343.0 / 6);
	assert_near(r.deals[0].vs_team_mean, 49 - 343.0 / 6);
	assert_int_equal(r.nse, 1);
	assert_int_equal(r.by_se[0].s.n, 2);
	cycle_report_release(&r);
	pipeline_release(p);
}

static void
test_report_empty_and_no_se(void **state)
{
	struct deal p[3];
	struct cycle_report r;

	(void)state;
	cycle_report_compute(NULL, 0, &defaults, NULL, NULL, &r);
	assert_int_equal(r.team.n, 0);
	assert_int_equal(r.ndeals, 0);
	assert_int_equal(r.nse, 0);
	assert_int_equal(r.kept.n, 0);
	assert_int_equal(r.lost.n, 0);
	cycle_report_release(&r);

	/* Deals without an SE form their own row, listed last. */
	mkdeal(&p[0], "a", NULL, OUTCOME_WON, "2026-01-05", "2026-01-15");
	mkdeal(&p[1], "b", "Zoe", OUTCOME_WON, "2026-01-05", "2026-01-25");
	mkdeal(&p[2], "c", NULL, OUTCOME_WON, "2026-01-05", "2026-01-10");
	cycle_report_compute(p, 3, &defaults, NULL, NULL, &r);
	assert_int_equal(r.team.n, 3);
	assert_near(r.team.median, 10);
	assert_string_equal(r.deals[0].deal->slug, "c");
	assert_int_equal(r.nse, 2);
	assert_string_equal(r.by_se[0].se, "Zoe");
	assert_null(r.by_se[1].se);
	assert_int_equal(r.by_se[1].s.n, 2);
	assert_near(r.by_se[1].s.mean, 7.5);
	/*
	 * No events at all: nothing shows the momentum was kept, or lost.
	 * All three are unknown and left out of the comparison.
	 */
	assert_int_equal(r.kept.n, 0);
	assert_int_equal(r.lost.n, 0);
	assert_int_equal(r.unknown.n, 3);
	assert_int_equal(r.unknown.won, 3);
	assert_near(r.unknown.won_days.median, 10);
	for (size_t i = 0; i < r.ndeals; i++) {
		assert_int_equal(r.deals[i].momentum, CM_UNKNOWN);
		assert_null(r.deals[i].lost_rule);
	}
	cycle_report_release(&r);

	/* One won deal alone: no rest of the team to compare it with. */
	cycle_report_compute(p, 1, &defaults, NULL, NULL, &r);
	assert_int_equal(r.ndeals, 1);
	assert_false(r.deals[0].has_others);
	assert_near(r.deals[0].vs_team_mean, 0);
	cycle_report_release(&r);
	for (size_t i = 0; i < 3; i++)
		deal_release(&p[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odd_count),
		cmocka_unit_test(test_even_count),
		cmocka_unit_test(test_empty_and_single),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_percentile_ends_and_negatives),
		cmocka_unit_test(test_cycle_days),
		cmocka_unit_test(test_war_story_text),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_momentum_timely_followup),
		cmocka_unit_test(test_momentum_no_followup),
		cmocka_unit_test(test_momentum_as_of_close),
		cmocka_unit_test(test_momentum_stale_win),
		cmocka_unit_test(test_momentum_unknown),
		cmocka_unit_test(test_report_workspace_holidays),
		cmocka_unit_test(test_loses_momentum_rules),
		cmocka_unit_test(test_report_team),
		cmocka_unit_test(test_report_filters),
		cmocka_unit_test(test_report_empty_and_no_se),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
