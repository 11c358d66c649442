/*
 * Unit tests for src/core/momentum.c: every rule at its boundaries (exactly
 * on the gap, holidays inside the window, planned vs done follow-ups), the
 * freshness formula, the order of findings and snoozes expiring today.
 *
 * November 2026: Mon 2, Fri 6, Mon 9, Fri 13, Mon 16, Fri 20, Mon 23.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/commercial.h"
#include "core/momentum.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const struct momentum_settings defaults = {
	MOMENTUM_DEFAULT_MAX_GAP, MOMENTUM_DEFAULT_HALF_LIFE,
	MOMENTUM_DEFAULT_OVERDUE_GRACE
};

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.17g, want %.17g", got, want);
}

static void
mkdeal(struct deal *d)
{
	deal_init(d);
	d->slug = xstrdup("acme");
}

/* planned/done may be NULL. */
static struct event *
add_event(struct deal *d, const char *key, enum event_kind kind,
	  const char *planned, const char *done)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = kind;
	e->title = xstrdup(key);
	e->date = planned ? D(planned) : DATE_NONE;
	e->done = done ? D(done) : DATE_NONE;
	return e;
}

/* "at most 15 min": measured 9 passes, 20 fails, NULL is pending. */
static struct criterion *
add_crit(struct deal *d, const char *key, double measured, const char *on)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->direction = DIR_AT_MOST;
	c->required = 15;
	if (on) {
		c->has_measured = true;
		c->measured = measured;
		c->measured_on = D(on);
	}
	return c;
}

static struct touch *
add_touch(struct deal *d, const char *type, const char *date,
	  const char *criterion)
{
	struct touch *t = deal_add_touch(d);

	t->type = xstrdup(type);
	t->date = D(date);
	t->criterion = xstrdup_or_null(criterion);
	return t;
}

static void
run(const struct deal *d, const char *today, const struct holidays *h,
    const struct momentum_settings *s, struct momentum_report *r)
{
	momentum_check(d, D(today), h, s ? s : &defaults, r);
}

static size_t
count(const struct momentum_report *r, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += !strcmp(r->findings[i].rule, rule);
	return n;
}

static const struct finding *
find(const struct momentum_report *r, const char *rule)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->findings[i].rule, rule))
			return &r->findings[i];
	fail_msg("no '%s' finding", rule);
	return NULL;
}

/* Run and say how many findings of rule there are. */
static size_t
rule_count(const struct deal *d, const char *today, const struct holidays *h,
	   const struct momentum_settings *s, const char *rule)
{
	struct momentum_report r;
	size_t n;

	run(d, today, h, s, &r);
	n = count(&r, rule);
	momentum_report_release(&r);
	return n;
}

/* ---- no-commercial-followup / late-commercial-followup ---------------- */

/*
 * Done Mon 11-02, max_gap 5: the window ends Mon 11-09. On 11-09 it is not
 * yet an error; on Tue 11-10 it is.
 */
static void
test_followup_exactly_on_gap(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, "2026-11-02", "2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-06", NULL, NULL,
				    "no-commercial-followup"), 0);
	assert_int_equal(rule_count(&d, "2026-11-09", NULL, NULL,
				    "no-commercial-followup"), 0);
	run(&d, "2026-11-10", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "no-commercial-followup");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->subject, "readout");
	assert_date(f->date, "2026-11-02");
	assert_non_null(strstr(f->message, "by 2026-11-09"));
	assert_false(f->snoozed);
	momentum_report_release(&r);
	/* The weekend after the window does not add business days. */
	assert_int_equal(rule_count(&d, "2026-11-08", NULL, NULL,
				    "no-commercial-followup"), 0);
	deal_release(&d);
}

/* max_gap is a setting: 0 means the same day or it is late. */
static void
test_followup_gap_setting(void **state)
{
	struct momentum_settings s = { 0, 10, 2 };
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-02", NULL, &s,
				    "no-commercial-followup"), 0);
	assert_int_equal(rule_count(&d, "2026-11-03", NULL, &s,
				    "no-commercial-followup"), 1);
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-02", NULL);
	assert_int_equal(rule_count(&d, "2026-11-03", NULL, &s,
				    "no-commercial-followup"), 0);
	s.max_gap = 10;
	deal_release(&d);
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-16", NULL, &s,
				    "no-commercial-followup"), 0);
	assert_int_equal(rule_count(&d, "2026-11-17", NULL, &s,
				    "no-commercial-followup"), 1);
	deal_release(&d);
}

/* A holiday inside the window moves its end (Wed 11-04: to Tue 11-10). */
static void
test_followup_holiday_in_window(void **state)
{
	tw_date hd[] = { D("2026-11-04") };
	struct holidays h = { .days = hd, .n = 1 };
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-10", NULL, NULL,
				    "no-commercial-followup"), 1);
	assert_int_equal(rule_count(&d, "2026-11-10", &h, NULL,
				    "no-commercial-followup"), 0);
	assert_int_equal(rule_count(&d, "2026-11-11", &h, NULL,
				    "no-commercial-followup"), 1);

	/* A follow-up done on 11-10 is late without the holiday only. */
	add_event(&d, "pricing", EVENT_COMMERCIAL, NULL, "2026-11-10");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "late-commercial-followup"), 1);
	assert_int_equal(rule_count(&d, "2026-11-26", &h, NULL,
				    "late-commercial-followup"), 0);
	assert_int_equal(rule_count(&d, "2026-11-26", &h, NULL,
				    "no-commercial-followup"), 0);
	deal_release(&d);
}

/* A commercial event planned inside the window clears the rule. */
static void
test_followup_planned_in_window(void **state)
{
	struct momentum_report r;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-09", NULL);
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(count(&r, "no-commercial-followup"), 0);
	assert_int_equal(count(&r, "late-commercial-followup"), 0);
	/* Planned and never done: overdue, which is another rule. */
	assert_int_equal(r.n, 1);
	assert_int_equal(count(&r, "commercial-step-overdue"), 1);
	momentum_report_release(&r);

	/* On the done day itself counts; the day before does not. */
	d.events[1].date = D("2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "no-commercial-followup"), 0);
	d.events[1].date = D("2026-10-30");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "no-commercial-followup"), 1);
	deal_release(&d);
}

/* Done late: the gap is closed, late; a warning dated the follow-up. */
static void
test_followup_done_late(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-05", "2026-11-12");
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "late-commercial-followup");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "readout");
	assert_date(f->date, "2026-11-12");
	momentum_report_release(&r);
	deal_release(&d);
}

/*
 * Planned late: a warning while the window is open, the error once it has
 * passed with nothing done.
 */
static void
test_followup_planned_late(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-20", NULL);
	run(&d, "2026-11-04", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "late-commercial-followup");
	assert_date(f->date, "2026-11-20");
	momentum_report_release(&r);

	run(&d, "2026-11-09", NULL, NULL, &r);
	assert_int_equal(count(&r, "late-commercial-followup"), 1);
	assert_int_equal(count(&r, "no-commercial-followup"), 0);
	momentum_report_release(&r);

	run(&d, "2026-11-10", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "no-commercial-followup");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_non_null(strstr(f->message, "planned for 2026-11-20"));
	momentum_report_release(&r);
	deal_release(&d);
}

/* Only done technical events, done by today, start a window. */
static void
test_followup_needs_done(void **state)
{
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, "2026-11-02", NULL);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "no-commercial-followup"), 0);
	d.events[0].done = D("2026-11-20");
	assert_int_equal(rule_count(&d, "2026-11-10", NULL, NULL,
				    "no-commercial-followup"), 0);
	/* A commercial event is not followed by anything. */
	d.events[0].kind = EVENT_COMMERCIAL;
	assert_int_equal(rule_count(&d, "2026-12-31", NULL, NULL,
				    "no-commercial-followup"), 0);
	deal_release(&d);
}

/* ---- stale-technical-win and freshness -------------------------------- */

/* Every criterion passed by Fri 11-06: the win. */
static void
mkwin(struct deal *d)
{
	mkdeal(d);
	add_crit(d, "batch", 9, "2026-11-03");
	add_crit(d, "latency", 9, "2026-11-06");
	/* Framed, so unframed-pass stays out of the way. */
	add_touch(d, "buying-signal", "2026-11-03", "batch");
	add_touch(d, "buying-signal", "2026-11-06", "latency");
}

static void
test_stale_win_boundary(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkwin(&d);
	run(&d, "2026-11-13", NULL, NULL, &r);
	assert_int_equal(r.n, 0);
	assert_date(r.technical_win, "2026-11-06");
	momentum_report_release(&r);

	run(&d, "2026-11-16", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "stale-technical-win");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->subject, "acme");
	assert_date(f->date, "2026-11-06");
	assert_string_equal(f->message,
			    "no commercial step has been done since the "
			    "technical win of 2026-11-06, more than 5 "
			    "business days ago (the window ended 2026-11-13)");
	momentum_report_release(&r);

	/* A pending criterion: no win, nothing stale. */
	add_crit(&d, "pending", 0, NULL);
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(count(&r, "stale-technical-win"), 0);
	assert_false(r.has_freshness);
	momentum_report_release(&r);
	deal_release(&d);
}

static void
test_stale_win_needs_done_commercial(void **state)
{
	struct deal d;
	struct event *e;

	(void)state;
	mkwin(&d);
	/* Planned is not done. */
	e = add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-10", NULL);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "stale-technical-win"), 1);
	/* Done before the win does not count. */
	e->done = D("2026-11-05");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "stale-technical-win"), 1);
	/* Done on the win day does. */
	e->done = D("2026-11-06");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "stale-technical-win"), 0);
	/* Done after today (looking back with --today) has not happened. */
	e->done = D("2026-11-20");
	assert_int_equal(rule_count(&d, "2026-11-16", NULL, NULL,
				    "stale-technical-win"), 1);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "stale-technical-win"), 0);
	deal_release(&d);
}

static double
freshness_on(const struct deal *d, const char *today,
	     const struct holidays *h, const struct momentum_settings *s)
{
	struct momentum_report r;
	double v;

	run(d, today, h, s, &r);
	assert_true(r.has_freshness);
	v = r.freshness;
	momentum_report_release(&r);
	return v;
}

/* 100 x 0.5^(bd since P / 10): 10 bd -> 50, 20 bd -> 25. */
static void
test_freshness(void **state)
{
	tw_date hd[] = { D("2026-11-11") };
	struct holidays h = { .days = hd, .n = 1 };
	struct momentum_settings s = { 5, 5, 2 };
	struct deal d;

	(void)state;
	mkwin(&d);
	assert_near(freshness_on(&d, "2026-11-06", NULL, NULL), 100);
	assert_near(freshness_on(&d, "2026-11-20", NULL, NULL), 50);
	assert_near(freshness_on(&d, "2026-12-04", NULL, NULL), 25);
	/* Weekends do not age it: Fri 11-20 and Sun 11-22 are the same. */
	assert_near(freshness_on(&d, "2026-11-22", NULL, NULL), 50);
	/* 1 bd: 100 x 0.5^0.1. */
	assert_near(freshness_on(&d, "2026-11-09", NULL, NULL),
		    100 * pow(0.5, 0.1));
	/* A holiday inside: 11-20 is then 9 bd after the win. */
	assert_near(freshness_on(&d, "2026-11-20", &h, NULL),
		    100 * pow(0.5, 0.9));
	assert_near(freshness_on(&d, "2026-11-23", &h, NULL), 50);
	/* half_life is a setting. */
	assert_near(freshness_on(&d, "2026-11-20", NULL, &s), 25);
	/* Before the win (--today looking back): nothing has aged. */
	assert_near(freshness_on(&d, "2026-11-02", NULL, NULL), 100);
	deal_release(&d);
}

/*
 * The progress date P: the latest of the win, a commercial event done
 * on or after it and a touch on or after it, each by today. Freshness
 * decays from P: one done step does not freeze it at 100 (issue 13).
 */
static void
test_progress_date(void **state)
{
	struct momentum_report r;
	struct deal d;
	struct event *e;

	(void)state;
	mkwin(&d);
	run(&d, "2026-11-20", NULL, NULL, &r);
	assert_date(r.progress, "2026-11-06");
	momentum_report_release(&r);

	/* Planned is not progress; done is, from its done date. */
	e = add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-10", NULL);
	assert_date(momentum_progress(&d, D("2026-11-06"), D("2026-11-20")),
		    "2026-11-06");
	e->done = D("2026-11-10");
	run(&d, "2026-11-20", NULL, NULL, &r);
	assert_date(r.progress, "2026-11-10");
	assert_near(r.freshness, 100 * pow(0.5, 0.8));
	momentum_report_release(&r);
	/* 10 bd after P it is 50 again, not 100. */
	assert_near(freshness_on(&d, "2026-11-24", NULL, NULL), 50);
	/* Done after today has not happened yet. */
	assert_date(momentum_progress(&d, D("2026-11-06"), D("2026-11-09")),
		    "2026-11-06");
	/* Done before the win is not progress since it. */
	e->done = D("2026-11-05");
	assert_date(momentum_progress(&d, D("2026-11-06"), D("2026-11-20")),
		    "2026-11-06");

	/* Any touch counts, of any type; by today only. */
	add_touch(&d, "compress", "2026-11-16", NULL);
	assert_date(momentum_progress(&d, D("2026-11-06"), D("2026-11-20")),
		    "2026-11-16");
	assert_date(momentum_progress(&d, D("2026-11-06"), D("2026-11-13")),
		    "2026-11-06");
	deal_release(&d);
}

/* The example: W = P = Fri 2027-03-05, today Fri 03-19: 50.0. */
static void
test_freshness_v2_example(void **state)
{
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 9, "2027-03-05");
	add_touch(&d, "buying-signal", "2027-03-05", NULL);
	add_event(&d, "recap", EVENT_COMMERCIAL, "2027-03-05", "2027-03-05");
	assert_near(freshness_on(&d, "2027-03-19", NULL, NULL), 50);
	assert_near(freshness_score(D("2027-03-05"), D("2027-03-19"), NULL,
				    10),
		    50);
	assert_near(freshness_score(D("2027-03-05"), D("2027-03-05"), NULL,
				    10),
		    100);
	assert_near(freshness_score(D("2027-03-19"), D("2027-03-05"), NULL,
				    10),
		    100);
	deal_release(&d);
}

/* ---- unframed-pass ---------------------------------------------------- */

static void
test_unframed_pass(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 9, "2026-11-02");
	add_crit(&d, "pending", 0, NULL);
	/* Inside the 2-day window there is still time. */
	assert_int_equal(rule_count(&d, "2026-11-04", NULL, NULL,
				    "unframed-pass"), 0);
	run(&d, "2026-11-05", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "unframed-pass");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "batch");
	assert_date(f->date, "2026-11-02");
	assert_string_equal(f->message,
			    "'batch' passed on 2026-11-02 and no buying-signal "
			    "message has gone to the champion since; one was "
			    "due within 2 business days (by 2026-11-04)");
	momentum_report_release(&r);

	/* The wrong type, one for another criterion, one before the pass. */
	add_touch(&d, "compress", "2026-11-03", "batch");
	add_touch(&d, "buying-signal", "2026-11-03", "latency");
	add_touch(&d, "buying-signal", "2026-10-30", "batch");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "unframed-pass"), 1);
	/*
	 * Logged after the window, the pass was framed late: from the
	 * touch's date on, no finding (issue 13).
	 */
	add_touch(&d, "buying-signal", "2026-11-10", "batch");
	assert_int_equal(rule_count(&d, "2026-11-09", NULL, NULL,
				    "unframed-pass"), 1);
	assert_int_equal(rule_count(&d, "2026-11-10", NULL, NULL,
				    "unframed-pass"), 0);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "unframed-pass"), 0);
	/* Exactly 2 business days after clears it too. */
	d.touches[d.ntouches - 1].date = D("2026-11-04");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "unframed-pass"), 0);
	deal_release(&d);
}

/* A touch naming no criterion frames every pass; holidays widen it. */
static void
test_unframed_pass_general_touch(void **state)
{
	tw_date hd[] = { D("2026-11-03") };
	struct holidays h = { .days = hd, .n = 1 };
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 9, "2026-11-02");
	add_crit(&d, "latency", 9, "2026-11-02");
	assert_int_equal(rule_count(&d, "2026-11-05", NULL, NULL,
				    "unframed-pass"), 2);
	/* With the holiday the window ends Thu 11-05. */
	assert_int_equal(rule_count(&d, "2026-11-05", &h, NULL,
				    "unframed-pass"), 0);
	assert_int_equal(rule_count(&d, "2026-11-06", &h, NULL,
				    "unframed-pass"), 2);
	add_touch(&d, "buying-signal", "2026-11-05", NULL);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "unframed-pass"), 0);
	/* A failing or pending criterion has nothing to frame. */
	d.criteria[0].measured = 20;
	d.touches[0].date = D("2026-10-30");
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "unframed-pass"), 1);
	deal_release(&d);
}

/* ---- commercial-too-late ----------------------------------------------- */

/*
 * A risk whose latest start is Sat 2027-04-17 (no buffer, no duration):
 * sign by Fri 2027-04-16. The default playbook's contract target is the
 * win + 6 business days (no procurement days), so a win on Thu 04-08
 * gives Fri 04-16, on time; a win on Fri 04-09 gives Mon 04-19, after the
 * weekend: too late.
 */
static void
too_late_deal(struct deal *d, const char *win)
{
	struct risk *r;

	mkdeal(d);
	add_crit(d, "batch", 9, win);
	r = deal_add_risk(d);
	r->key = xstrdup("peak");
	r->title = xstrdup("Spring peak");
	r->deadline = D("2027-04-17");
}

static void
test_commercial_too_late(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	/* Target Thu 04-15 and Fri 04-16: on time, the day of and before. */
	too_late_deal(&d, "2027-04-07");
	assert_int_equal(rule_count(&d, "2027-04-08", NULL, NULL,
				    "commercial-too-late"), 0);
	deal_release(&d);
	too_late_deal(&d, "2027-04-08");
	assert_int_equal(rule_count(&d, "2027-04-08", NULL, NULL,
				    "commercial-too-late"), 0);
	deal_release(&d);

	/* Target Mon 04-19, the business day after: an error. */
	too_late_deal(&d, "2027-04-09");
	run(&d, "2027-04-09", NULL, NULL, &r);
	f = find(&r, "commercial-too-late");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->subject, "peak");
	assert_date(f->date, "2027-04-16");
	assert_string_equal(f->message,
			    "the contract execution target 2027-04-19 "
			    "(computed from the technical win) is 1 business "
			    "day after 2027-04-16, the day the contract must "
			    "be signed for 'Spring peak': the last business "
			    "day on or before its latest start 2027-04-17 "
			    "(business days are Monday to Friday, without the "
			    "deal's and the workspace's holidays)");
	/* Nothing in it moves with today. */
	assert_int_equal(r.recheck_on == DATE_NONE ||
				 r.recheck_on > D("2027-04-09"), 1);
	momentum_report_release(&r);

	/* A closed deal is no longer checked. */
	d.outcome = OUTCOME_WON;
	assert_int_equal(rule_count(&d, "2027-04-09", NULL, NULL,
				    "commercial-too-late"), 0);
	deal_release(&d);
}

/*
 * Holiday Fri 04-16: sign by Thu 04-15. A win on Wed 04-07 gives Thu
 * 04-15 (on time); on Thu 04-08 the target skips the holiday and the
 * weekend to Mon 04-19, 1 business day late.
 */
static void
test_commercial_too_late_holiday(void **state)
{
	tw_date hd[] = { D("2027-04-16") };
	struct holidays h = { .days = hd, .n = 1 };
	struct momentum_report r;
	struct deal d;

	(void)state;
	too_late_deal(&d, "2027-04-07");
	assert_int_equal(rule_count(&d, "2027-04-08", &h, NULL,
				    "commercial-too-late"), 0);
	deal_release(&d);
	too_late_deal(&d, "2027-04-08");
	run(&d, "2027-04-08", &h, NULL, &r);
	assert_date(find(&r, "commercial-too-late")->date, "2027-04-15");
	assert_non_null(strstr(find(&r, "commercial-too-late")->message,
			       "target 2027-04-19 (computed from the "
			       "technical win) is 1 business day after "
			       "2027-04-15"));
	momentum_report_release(&r);
	deal_release(&d);
}

/*
 * The applied plan's contract step counts over the computed one, and its
 * done date once it is done: moved to Fri 04-16 the deal is on time; done
 * on Tue 04-20 (today looking back first, then after) it is late from
 * that day, which recheck_on names.
 */
static void
test_commercial_too_late_applied(void **state)
{
	struct momentum_report r;
	struct event *e;
	struct deal d;
	size_t added;

	(void)state;
	too_late_deal(&d, "2027-04-09");
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	e = &d.events[d.nevents - 1];
	assert_date(e->date, "2027-04-19");
	e->date = D("2027-04-16");
	assert_int_equal(rule_count(&d, "2027-04-12", NULL, NULL,
				    "commercial-too-late"), 0);

	e->done = D("2027-04-20");
	run(&d, "2027-04-12", NULL, NULL, &r);
	assert_int_equal(count(&r, "commercial-too-late"), 0);
	assert_true(r.recheck_on <= D("2027-04-20"));
	momentum_report_release(&r);
	run(&d, "2027-04-20", NULL, NULL, &r);
	assert_non_null(strstr(find(&r, "commercial-too-late")->message,
			       "target 2027-04-20 (the applied plan) is 2 "
			       "business days after 2027-04-16"));
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- deadline-at-risk / start-soon ------------------------------------ */

static void
add_risk(struct deal *d, const char *deadline)
{
	struct risk *r = deal_add_risk(d);

	r->key = xstrdup("peak");
	r->title = xstrdup("November peak");
	r->kind = RISK_SCALING;
	r->deadline = D(deadline);
	r->buffer = (struct duration){ 14, DUR_DAYS };
	r->duration = (struct duration){ 75, DUR_DAYS };
}

/* The seed: deadline 10-29, buffer 14d, 75d -> latest start 08-01. */
static void
test_risk_slack(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_risk(&d, "2026-10-29");
	run(&d, "2026-07-21", NULL, NULL, &r);
	assert_int_equal(r.n, 0);
	momentum_report_release(&r);

	run(&d, "2026-07-22", NULL, NULL, &r);
	f = find(&r, "start-soon");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "peak");
	assert_date(f->date, "2026-08-01");
	assert_string_equal(f->message,
			    "'November peak': implementation (75 calendar "
			    "days) must start by 2026-08-01, within 10 "
			    "calendar days, to go live by 2026-10-15");
	momentum_report_release(&r);

	run(&d, "2026-08-01", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "start-soon");
	assert_non_null(strstr(f->message, "within 10 calendar days"));
	momentum_report_release(&r);

	run(&d, "2026-08-02", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "deadline-at-risk");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_date(f->date, "2026-08-01");
	assert_string_equal(f->message,
			    "'November peak': the latest safe start for "
			    "implementation (75 calendar days) was "
			    "2026-08-01; go-live by 2026-10-15 is at risk");
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- failed-criterion ------------------------------------------------- */

static void
test_failed_criterion(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;
	struct event *e;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 20, "2026-11-02");
	run(&d, "2026-11-03", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "failed-criterion");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "batch");
	assert_date(f->date, "2026-11-02");
	assert_non_null(strstr(f->message, "20 against at most 15"));
	momentum_report_release(&r);

	/* Same day, or commercial: not a technical event after it. */
	add_event(&d, "tuning", EVENT_TECHNICAL, "2026-11-02", NULL);
	add_event(&d, "call", EVENT_COMMERCIAL, "2026-11-05", NULL);
	assert_int_equal(rule_count(&d, "2026-11-03", NULL, NULL,
				    "failed-criterion"), 1);
	/* add_event may move the array: look the event up again. */
	e = deal_find_event(&d, "tuning");
	e->date = D("2026-11-05");
	assert_int_equal(rule_count(&d, "2026-11-03", NULL, NULL,
				    "failed-criterion"), 0);
	deal_release(&d);
}

/*
 * Whole messages: momentum.c formats %s, %d and %zu itself and hands any
 * other conversion, with the rest of the format, to vsnprintf.
 */
static void
test_messages_whole(void **state)
{
	struct momentum_report r;
	struct deal d;
	struct risk *rk;

	(void)state;
	mkdeal(&d);
	d.poc_end = D("2026-11-20");
	add_crit(&d, "batch", 20.5, "2026-11-02")->metric = xstrdup("p99");
	for (int i = 0; i < 12; i++) {
		char key[8];

		snprintf(key, sizeof(key), "k%d", i);
		add_crit(&d, key, 0, NULL);
	}
	rk = deal_add_risk(&d);
	rk->key = xstrdup("peak");
	rk->deadline = D("2026-10-29");
	rk->buffer = (struct duration){ 14, DUR_DAYS };
	rk->duration = (struct duration){ 75, DUR_DAYS };
	add_event(&d, "demo", EVENT_TECHNICAL, NULL, "2026-11-02");
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_string_equal(find(&r, "failed-criterion")->message,
			    "'p99' failed (20.5 against at most 15) and no "
			    "technical event is planned after it to address "
			    "it");
	assert_string_equal(find(&r, "poc-overdue")->message,
			    "the POC ended on 2026-11-20 and 12 criteria are "
			    "still pending: 'k0', 'k1', 'k2', 'k3', 'k4', "
			    "'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11'");
	assert_string_equal(find(&r, "deadline-at-risk")->message,
			    "'peak': the latest safe start for "
			    "implementation (75 calendar days) was "
			    "2026-08-01; go-live by 2026-10-15 is at risk");
	assert_string_equal(find(&r, "no-commercial-followup")->message,
			    "'demo' was done on 2026-11-02 and no commercial "
			    "step followed within 5 business days (by "
			    "2026-11-09)");
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- poc-overdue ------------------------------------------------------ */

static void
test_poc_overdue(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;

	(void)state;
	mkdeal(&d);
	d.poc_end = D("2026-11-20");
	add_crit(&d, "batch", 9, "2026-11-19");
	add_crit(&d, "latency", 0, NULL);
	add_crit(&d, "cost", 0, NULL);
	add_touch(&d, "buying-signal", "2026-11-19", NULL);
	assert_int_equal(rule_count(&d, "2026-11-20", NULL, NULL,
				    "poc-overdue"), 0);
	run(&d, "2026-11-21", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "poc-overdue");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "acme");
	assert_date(f->date, "2026-11-20");
	assert_non_null(strstr(f->message, "2 criteria are still pending: "
					   "'latency', 'cost'"));
	momentum_report_release(&r);
	deal_release(&d);

	/* Everything measured, even failing: nothing overdue. */
	mkdeal(&d);
	d.poc_end = D("2026-11-20");
	add_crit(&d, "batch", 20, "2026-11-19");
	add_event(&d, "retest", EVENT_TECHNICAL, "2026-11-30", NULL);
	assert_int_equal(rule_count(&d, "2026-11-26", NULL, NULL,
				    "poc-overdue"), 0);
	deal_release(&d);
}

/* ---- phase-unjustified ------------------------------------------------ */

static struct phase *
add_phase(struct deal *d, int number, const char *justification,
	  const char *criterion)
{
	struct phase *p = deal_add_phase(d);

	p->number = number;
	p->name = xstrdup("Pilot");
	p->justification = xstrdup_or_null(justification);
	if (criterion) {
		p->criteria = xcalloc(1, sizeof(*p->criteria));
		p->criteria[0] = xstrdup(criterion);
		p->ncriteria = 1;
	}
	return p;
}

static void
test_phase_unjustified(void **state)
{
	struct momentum_report r;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_phase(&d, 1, "latency proven", "batch");
	add_phase(&d, 2, NULL, "batch");
	add_phase(&d, 3, "latency proven", NULL);
	add_phase(&d, 4, NULL, NULL);
	add_phase(&d, 5, "", "batch");
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(r.n, 4);
	for (size_t i = 0; i < r.n; i++) {
		assert_string_equal(r.findings[i].rule, "phase-unjustified");
		assert_int_equal(r.findings[i].severity, SEV_WARNING);
		assert_int_equal(r.findings[i].date, DATE_NONE);
	}
	/* Same rule and date: ordered by subject. */
	assert_string_equal(r.findings[0].subject, "2");
	assert_non_null(strstr(r.findings[0].message,
			       "no technical justification"));
	assert_string_equal(r.findings[1].subject, "3");
	assert_non_null(strstr(r.findings[1].message, "no criteria"));
	assert_string_equal(r.findings[2].subject, "4");
	assert_non_null(strstr(r.findings[2].message,
			       "no technical justification and no criteria"));
	assert_string_equal(r.findings[3].subject, "5");
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- order and snooze -------------------------------------------------- */

static void
test_order_most_severe_first(void **state)
{
	struct momentum_report r;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_phase(&d, 1, NULL, NULL);		/* warning, no date */
	add_crit(&d, "batch", 9, "2026-11-10");	/* unframed 11-10 */
	add_crit(&d, "slow", 20, "2026-11-05");	/* failed 11-05 */
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-04");
	add_event(&d, "kickoff", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_risk(&d, "2026-10-29");			/* at risk 08-01 */
	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(r.n, 6);
	assert_string_equal(r.findings[0].rule, "deadline-at-risk");
	assert_string_equal(r.findings[1].rule, "no-commercial-followup");
	assert_string_equal(r.findings[1].subject, "kickoff");
	assert_string_equal(r.findings[2].rule, "no-commercial-followup");
	assert_string_equal(r.findings[2].subject, "readout");
	assert_string_equal(r.findings[3].rule, "phase-unjustified");
	assert_string_equal(r.findings[4].rule, "failed-criterion");
	assert_string_equal(r.findings[5].rule, "unframed-pass");
	for (size_t i = 0; i < r.n; i++)
		assert_int_equal(r.findings[i].severity,
				 i < 3 ? SEV_ERROR : SEV_WARNING);
	momentum_report_release(&r);
	deal_release(&d);
}

/* A snooze until today still applies today and expires the day after. */
static void
test_snooze_expiring_today(void **state)
{
	struct momentum_report r;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_phase(&d, 1, NULL, NULL);
	assert_false(deal_is_snoozed(&d, D("2026-11-26")));
	d.snooze_until = D("2026-11-26");
	d.snooze_reason = xstrdup("champion on leave");
	assert_true(deal_is_snoozed(&d, D("2026-11-20")));
	assert_true(deal_is_snoozed(&d, D("2026-11-26")));
	assert_false(deal_is_snoozed(&d, D("2026-11-27")));

	run(&d, "2026-11-26", NULL, NULL, &r);
	assert_int_equal(r.n, 2);
	for (size_t i = 0; i < r.n; i++)
		assert_true(r.findings[i].snoozed);
	/* The severity is kept: a snoozed error is still an error. */
	assert_int_equal(find(&r, "no-commercial-followup")->severity,
			 SEV_ERROR);
	momentum_report_release(&r);

	run(&d, "2026-11-27", NULL, NULL, &r);
	assert_int_equal(r.n, 2);
	for (size_t i = 0; i < r.n; i++)
		assert_false(r.findings[i].snoozed);
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- commercial-step-overdue ----------------------------------------- */

/* The example: planned Tue 2027-03-09, grace 2: Fri 03-12. */
static void
test_overdue(void **state)
{
	struct momentum_settings s = defaults;
	struct momentum_report r;
	const struct finding *f;
	struct deal d;
	struct event *e;

	(void)state;
	mkdeal(&d);
	e = add_event(&d, "exec-summary", EVENT_COMMERCIAL, "2027-03-09",
		      NULL);
	free(e->title);
	e->title = xstrdup("Executive summary");
	assert_int_equal(rule_count(&d, "2027-03-11", NULL, NULL,
				    "commercial-step-overdue"), 0);
	run(&d, "2027-03-12", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "commercial-step-overdue");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->subject, "exec-summary");
	assert_date(f->date, "2027-03-09");
	assert_string_equal(f->message,
			    "'Executive summary' was planned for 2027-03-09 "
			    "and is not done, more than 2 business days later "
			    "(the grace ended 2027-03-11)");
	momentum_report_release(&r);

	/* Done by today clears it; done after today has not happened. */
	e->done = D("2027-03-15");
	assert_int_equal(rule_count(&d, "2027-03-12", NULL, NULL,
				    "commercial-step-overdue"), 1);
	assert_int_equal(rule_count(&d, "2027-03-15", NULL, NULL,
				    "commercial-step-overdue"), 0);
	e->done = DATE_NONE;

	/* overdue_grace is a setting: 0 is late the next business day. */
	s.overdue_grace = 0;
	assert_int_equal(rule_count(&d, "2027-03-09", NULL, &s,
				    "commercial-step-overdue"), 0);
	assert_int_equal(rule_count(&d, "2027-03-10", NULL, &s,
				    "commercial-step-overdue"), 1);
	s.overdue_grace = 1;
	run(&d, "2027-03-11", NULL, &s, &r);
	assert_non_null(strstr(find(&r, "commercial-step-overdue")->message,
			       "more than 1 business day later (the grace "
			       "ended 2027-03-10)"));
	momentum_report_release(&r);

	/* Technical events, and events with no planned date, are not. */
	e->kind = EVENT_TECHNICAL;
	assert_int_equal(rule_count(&d, "2027-04-30", NULL, NULL,
				    "commercial-step-overdue"), 0);
	e->kind = EVENT_COMMERCIAL;
	e->date = DATE_NONE;
	assert_int_equal(rule_count(&d, "2027-04-30", NULL, NULL,
				    "commercial-step-overdue"), 0);
	deal_release(&d);
}

/*
 * The new user's case (issue 13): a win on Fri 2026-12-04, a recap done
 * that day, the plan applied, nothing since. On 2027-02-15 every applied
 * step is overdue and freshness is below 10.
 */
static void
test_overdue_new_user(void **state)
{
	struct momentum_report r;
	size_t added = 0;
	struct deal d;

	(void)state;
	mkdeal(&d);
	d.has_procurement_days = true;
	d.procurement_days = 10;
	add_crit(&d, "batch", 9, "2026-12-04");
	add_event(&d, "recap", EVENT_COMMERCIAL, "2026-12-04", "2026-12-04");
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 4);
	run(&d, "2027-02-15", NULL, NULL, &r);
	assert_int_equal(count(&r, "commercial-step-overdue"), 4);
	assert_int_equal(count(&r, "stale-technical-win"), 0);
	assert_int_equal(count(&r, "no-next-step"), 0);
	assert_date(r.progress, "2026-12-04");
	assert_true(r.has_freshness);
	assert_true(r.freshness < 10);
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- no-next-step ----------------------------------------------------- */

static void
test_no_next_step(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;
	struct event *e;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 9, "2027-03-05");
	add_touch(&d, "buying-signal", "2027-03-05", NULL);
	e = add_event(&d, "recap", EVENT_COMMERCIAL, "2027-03-05",
		      "2027-03-05");
	/* P = Fri 03-05: 5 bd end Fri 03-12, the rule from Mon 03-15. */
	assert_int_equal(rule_count(&d, "2027-03-14", NULL, NULL,
				    "no-next-step"), 0);
	run(&d, "2027-03-15", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "no-next-step");
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->subject, "acme");
	assert_date(f->date, "2027-03-05");
	assert_string_equal(f->message,
			    "no commercial step is planned and nothing has "
			    "moved the deal since 2027-03-05, more than 5 "
			    "business days ago (the window ended 2027-03-12)");
	momentum_report_release(&r);

	/* A touch after the win moves P: Wed 03-10 -> from Thu 03-18. */
	add_touch(&d, "compress", "2027-03-10", NULL);
	assert_int_equal(rule_count(&d, "2027-03-17", NULL, NULL,
				    "no-next-step"), 0);
	assert_int_equal(rule_count(&d, "2027-03-18", NULL, NULL,
				    "no-next-step"), 1);

	/* A commercial step planned and not done is a next step. */
	add_event(&d, "terms", EVENT_COMMERCIAL, "2027-04-30", NULL);
	assert_int_equal(rule_count(&d, "2027-03-25", NULL, NULL,
				    "no-next-step"), 0);
	/* Done: nothing is planned any more; done on 03-22, P moves. */
	e = deal_find_event(&d, "terms");
	e->done = D("2027-03-22");
	assert_int_equal(rule_count(&d, "2027-03-29", NULL, NULL,
				    "no-next-step"), 0);
	assert_int_equal(rule_count(&d, "2027-03-30", NULL, NULL,
				    "no-next-step"), 1);
	/* A closed deal needs no next step. */
	d.outcome = OUTCOME_WON;
	assert_int_equal(rule_count(&d, "2027-03-30", NULL, NULL,
				    "no-next-step"), 0);
	d.outcome = OUTCOME_OPEN;

	/* Nothing done since the win: that is stale-technical-win. */
	deal_find_event(&d, "recap")->done = D("2027-03-04");
	e = deal_find_event(&d, "terms");
	e->done = DATE_NONE;
	e->date = DATE_NONE;
	run(&d, "2027-03-30", NULL, NULL, &r);
	assert_int_equal(count(&r, "no-next-step"), 0);
	assert_int_equal(count(&r, "stale-technical-win"), 1);
	momentum_report_release(&r);
	deal_release(&d);
}

/* ---- boundaries: the day before, of and after each edge --------------- */

/*
 * 2027-03: Mon 01, Tue 02, Thu 04, Fri 05, Mon 08, Tue 09, Wed 10, Thu 11,
 * Fri 12, Mon 15, Tue 16, Fri 19. Each setup builds a deal around at.
 */
static void
setup_technical(struct deal *d, tw_date at)
{
	add_event(d, "readout", EVENT_TECHNICAL, NULL, NULL)->done = at;
}

static void
setup_technical_late(struct deal *d, tw_date at)
{
	setup_technical(d, at);
	add_event(d, "pricing", EVENT_COMMERCIAL, "2027-04-30", NULL);
}

static void
setup_win(struct deal *d, tw_date at)
{
	add_crit(d, "batch", 9, NULL)->measured_on = at;
	d->criteria[0].has_measured = true;
	add_touch(d, "buying-signal", "2027-01-01", NULL)->date = at;
}

static void
setup_progress(struct deal *d, tw_date at)
{
	setup_win(d, at);
	add_event(d, "recap", EVENT_COMMERCIAL, NULL, NULL)->done = at;
}

static void
setup_planned(struct deal *d, tw_date at)
{
	add_event(d, "pricing", EVENT_COMMERCIAL, NULL, NULL)->date = at;
}

static void
setup_pass(struct deal *d, tw_date at)
{
	add_crit(d, "batch", 9, NULL)->measured_on = at;
	d->criteria[0].has_measured = true;
	add_crit(d, "pending", 0, NULL);
}

/* Passed Mon 03-01, framed late on at. */
static void
setup_framed_late(struct deal *d, tw_date at)
{
	setup_pass(d, D("2027-03-01"));
	add_touch(d, "buying-signal", "2027-01-01", "batch")->date = at;
}

/* Deadline at, no buffer, 5 business days of implementation. */
static void
setup_risk(struct deal *d, tw_date at)
{
	struct risk *r = deal_add_risk(d);

	r->key = xstrdup("peak");
	r->deadline = at;
	r->buffer = (struct duration){ 0, DUR_DAYS };
	r->duration = (struct duration){ 5, DUR_BDAYS };
}

static void
setup_poc(struct deal *d, tw_date at)
{
	d->poc_end = at;
	add_crit(d, "pending", 0, NULL);
}

/* The champion's side (issue 16). */
static void
setup_link(struct deal *d, tw_date at)
{
	struct link *l = deal_add_link(d);

	l->id = 1;
	l->made = at;
}

static void
setup_buyer_step(struct deal *d, tw_date at)
{
	add_event(d, "security", EVENT_TECHNICAL, NULL, NULL)->date = at;
	d->events[0].side = SIDE_BUYER;
}

static void
setup_proposed(struct deal *d, tw_date at)
{
	struct event *e = add_event(d, "legal", EVENT_TECHNICAL, NULL, NULL);

	e->proposed = D("2027-04-01");
	e->proposed_on = at;
}

struct edge_case {
	const char *rule;
	void (*setup)(struct deal *d, tw_date at);
	const char *at;
	const char *holiday;	/* NULL: none */
	const char *edge;	/* the first day the answer differs */
	bool starts;		/* the finding starts there (else ends) */
};

static const struct edge_case edges[] = {
	/* Done Tue 03-02: 5 bd end Tue 03-09. */
	{ "no-commercial-followup", setup_technical, "2027-03-02", NULL,
	  "2027-03-10", true },
	/* Done Fri 03-05: end Fri 03-12, the day before is a Sunday. */
	{ "no-commercial-followup", setup_technical, "2027-03-05", NULL,
	  "2027-03-15", true },
	/* A holiday Thu 03-04 inside: end Wed 03-10. */
	{ "no-commercial-followup", setup_technical, "2027-03-02",
	  "2027-03-04", "2027-03-11", true },
	{ "late-commercial-followup", setup_technical_late, "2027-03-02",
	  NULL, "2027-03-10", false },
	{ "late-commercial-followup", setup_technical_late, "2027-03-05",
	  NULL, "2027-03-15", false },
	{ "late-commercial-followup", setup_technical_late, "2027-03-02",
	  "2027-03-04", "2027-03-11", false },
	{ "stale-technical-win", setup_win, "2027-03-02", NULL,
	  "2027-03-10", true },
	{ "stale-technical-win", setup_win, "2027-03-05", NULL,
	  "2027-03-15", true },
	{ "stale-technical-win", setup_win, "2027-03-05", "2027-03-08",
	  "2027-03-16", true },
	/* Planned Tue 03-09, grace 2 bd: ends Thu 03-11. */
	{ "commercial-step-overdue", setup_planned, "2027-03-09", NULL,
	  "2027-03-12", true },
	{ "commercial-step-overdue", setup_planned, "2027-03-11", NULL,
	  "2027-03-16", true },
	{ "commercial-step-overdue", setup_planned, "2027-03-09",
	  "2027-03-10", "2027-03-15", true },
	{ "no-next-step", setup_progress, "2027-03-02", NULL, "2027-03-10",
	  true },
	{ "no-next-step", setup_progress, "2027-03-05", NULL, "2027-03-15",
	  true },
	{ "no-next-step", setup_progress, "2027-03-05", "2027-03-08",
	  "2027-03-16", true },
	/* Passed Mon 03-01: framed by Wed 03-03. */
	{ "unframed-pass", setup_pass, "2027-03-01", NULL, "2027-03-04",
	  true },
	{ "unframed-pass", setup_pass, "2027-03-04", NULL, "2027-03-09",
	  true },
	{ "unframed-pass", setup_pass, "2027-03-04", "2027-03-05",
	  "2027-03-10", true },
	/* Framed late: the finding ends on the touch's date. */
	{ "unframed-pass", setup_framed_late, "2027-03-10", NULL,
	  "2027-03-10", false },
	{ "unframed-pass", setup_framed_late, "2027-03-15", NULL,
	  "2027-03-15", false },
	/* Deadline Fri 03-19 - 5 bd: latest start Fri 03-12. */
	{ "deadline-at-risk", setup_risk, "2027-03-19", NULL, "2027-03-13",
	  true },
	/* A holiday Tue 03-16: latest start Thu 03-11. */
	{ "deadline-at-risk", setup_risk, "2027-03-19", "2027-03-16",
	  "2027-03-12", true },
	{ "start-soon", setup_risk, "2027-03-19", NULL, "2027-03-02", true },
	{ "start-soon", setup_risk, "2027-03-19", NULL, "2027-03-13", false },
	{ "start-soon", setup_risk, "2027-03-19", "2027-03-16", "2027-03-01",
	  true },
	{ "start-soon", setup_risk, "2027-03-19", "2027-03-16", "2027-03-12",
	  false },
	/* Calendar days: a weekend or a holiday does not move it. */
	{ "poc-overdue", setup_poc, "2027-03-05", NULL, "2027-03-06", true },
	{ "poc-overdue", setup_poc, "2027-03-05", "2027-03-05", "2027-03-06",
	  true },
	{ "poc-overdue", setup_poc, "2027-03-10", NULL, "2027-03-11", true },
	/* Made Tue 03-02, 3 bd: ends Fri 03-05, fires Mon 03-08. */
	{ "plan-unopened", setup_link, "2027-03-02", NULL, "2027-03-08",
	  true },
	/* Made Fri 03-05: ends Wed 03-10, across the weekend. */
	{ "plan-unopened", setup_link, "2027-03-05", NULL, "2027-03-11",
	  true },
	/* A holiday Wed 03-03 inside: ends Mon 03-08. */
	{ "plan-unopened", setup_link, "2027-03-02", "2027-03-03",
	  "2027-03-09", true },
	/* Planned Tue 03-09, grace 2 bd: ends Thu 03-11. */
	{ "buyer-step-overdue", setup_buyer_step, "2027-03-09", NULL,
	  "2027-03-12", true },
	{ "buyer-step-overdue", setup_buyer_step, "2027-03-11", NULL,
	  "2027-03-16", true },
	{ "buyer-step-overdue", setup_buyer_step, "2027-03-09",
	  "2027-03-10", "2027-03-15", true },
	/* Proposed Tue 03-02, 2 bd: ends Thu 03-04. */
	{ "date-proposed", setup_proposed, "2027-03-02", NULL, "2027-03-05",
	  true },
	{ "date-proposed", setup_proposed, "2027-03-04", NULL, "2027-03-09",
	  true },
	{ "date-proposed", setup_proposed, "2027-03-04", "2027-03-08",
	  "2027-03-10", true },
};

/*
 * The champion's side: messages, what ends the findings (an opening, an
 * expiry, a done step, an answer to the proposal), and a buyer-side
 * commercial step that is the buyer's warning, not our error.
 */
static void
test_champion_rules(void **state)
{
	struct momentum_report r;
	const struct finding *f;
	struct deal d;
	struct link *l;
	struct event *e;

	(void)state;
	mkdeal(&d);
	l = deal_add_link(&d);
	l->id = 3;
	l->made = D("2027-03-02");
	run(&d, "2027-03-08", NULL, NULL, &r);
	f = find(&r, "plan-unopened");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_string_equal(f->subject, "link 3");
	assert_string_equal(f->message,
			    "share link 3, made on 2027-03-02, has not been "
			    "opened more than 3 business days later (since "
			    "2027-03-05)");
	momentum_report_release(&r);
	/* Opened by today: gone; opened after today has not happened yet. */
	l->opened = D("2027-03-09");
	assert_int_equal(rule_count(&d, "2027-03-08", NULL, NULL,
				    "plan-unopened"), 1);
	assert_int_equal(rule_count(&d, "2027-03-09", NULL, NULL,
				    "plan-unopened"), 0);
	/* Expired: it can no longer be opened, so it is no finding. */
	l->opened = DATE_NONE;
	l->expires = D("2027-03-10");
	assert_int_equal(rule_count(&d, "2027-03-10", NULL, NULL,
				    "plan-unopened"), 1);
	run(&d, "2027-03-10", NULL, NULL, &r);
	assert_date(r.recheck_on, "2027-03-11");
	momentum_report_release(&r);
	assert_int_equal(rule_count(&d, "2027-03-11", NULL, NULL,
				    "plan-unopened"), 0);
	/* A link whose making day is unknown (older than its row). */
	l->made = DATE_NONE;
	assert_int_equal(rule_count(&d, "2027-03-10", NULL, NULL,
				    "plan-unopened"), 0);
	deal_release(&d);

	mkdeal(&d);
	e = add_event(&d, "procurement", EVENT_COMMERCIAL, "2027-03-09", NULL);
	e->side = SIDE_BUYER;
	run(&d, "2027-03-12", NULL, NULL, &r);
	assert_int_equal(r.n, 1);
	f = find(&r, "buyer-step-overdue");
	assert_string_equal(f->message,
			    "'procurement', on the buyer's side, was planned "
			    "for 2027-03-09 and is not done, more than 2 "
			    "business days later (the grace ended "
			    "2027-03-11)");
	momentum_report_release(&r);
	e->done = D("2027-03-12");
	assert_int_equal(rule_count(&d, "2027-03-12", NULL, NULL,
				    "buyer-step-overdue"), 0);
	e->done = DATE_NONE;
	e->side = SIDE_SELLER;
	assert_int_equal(rule_count(&d, "2027-03-12", NULL, NULL,
				    "buyer-step-overdue"), 0);
	assert_int_equal(rule_count(&d, "2027-03-12", NULL, NULL,
				    "commercial-step-overdue"), 1);

	e->proposed = D("2027-03-19");
	e->proposed_note = xstrdup("legal is out");
	e->proposed_on = D("2027-03-09");
	run(&d, "2027-03-12", NULL, NULL, &r);
	f = find(&r, "date-proposed");
	assert_string_equal(f->subject, "procurement");
	assert_string_equal(f->message,
			    "the champion proposed 2027-03-19 for "
			    "'procurement' on 2027-03-09; nobody accepted or "
			    "declined it in 2 business days (by 2027-03-11)");
	momentum_report_release(&r);
	/* Accepted or declined: the proposal is gone. */
	e->proposed = DATE_NONE;
	assert_int_equal(rule_count(&d, "2027-03-12", NULL, NULL,
				    "date-proposed"), 0);
	deal_release(&d);
}

static bool
has_finding(const struct momentum_report *r, const char *rule)
{
	return count(r, rule) > 0;
}

/*
 * The finding is absent the day before the edge and present on the day
 * and the day after (or the reverse), and on the day before recheck_on
 * is the edge itself: it must be after today and no later than the
 * first day the answer changes.
 */
static void
test_edges(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(edges); i++) {
		const struct edge_case *c = &edges[i];
		tw_date hd[1] = { D(c->holiday) }, e = D(c->edge);
		struct holidays h = { .days = hd, .n = c->holiday ? 1 : 0 };
		char b1[DATE_BUFSZ], b2[DATE_BUFSZ];
		struct deal d;

		mkdeal(&d);
		c->setup(&d, D(c->at));
		for (int k = -1; k <= 1; k++) {
			struct momentum_report r;
			bool want = (k >= 0) == c->starts;

			momentum_check(&d, e + k, &h, &defaults, &r);
			if (has_finding(&r, c->rule) != want)
				fail_msg("case %zu: %s %s on %s", i, c->rule,
					 want ? "missing" : "found",
					 date_format(e + k, b1));
			if (k == -1 && r.recheck_on != e)
				fail_msg("case %zu: %s: recheck_on %s on %s, "
					 "want %s", i, c->rule,
					 date_format(r.recheck_on, b1),
					 date_format(e - 1, b2), c->edge);
			momentum_report_release(&r);
		}
		deal_release(&d);
	}
}

/*
 * failed-criterion and phase-unjustified do not depend on the day: no
 * recheck. A technical event the day after the measurement clears
 * failed-criterion; on the day, or the day before, it does not.
 */
static void
test_undated_rules(void **state)
{
	struct momentum_report r;
	struct deal d;
	struct event *e;

	(void)state;
	mkdeal(&d);
	add_crit(&d, "batch", 20, "2027-03-05");
	add_phase(&d, 1, NULL, NULL);
	run(&d, "2027-03-05", NULL, NULL, &r);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.recheck_on, DATE_NONE);
	momentum_report_release(&r);
	e = add_event(&d, "retest", EVENT_TECHNICAL, "2027-03-04", NULL);
	assert_int_equal(rule_count(&d, "2027-03-08", NULL, NULL,
				    "failed-criterion"), 1);
	e->date = D("2027-03-05");
	assert_int_equal(rule_count(&d, "2027-03-08", NULL, NULL,
				    "failed-criterion"), 1);
	e->date = D("2027-03-06");
	assert_int_equal(rule_count(&d, "2027-03-08", NULL, NULL,
				    "failed-criterion"), 0);
	deal_release(&d);
}

/* A snooze through Fri 03-12: recheck on Sat 03-13, when it ends. */
static void
test_snooze_recheck(void **state)
{
	struct momentum_report r;
	struct deal d;

	(void)state;
	mkdeal(&d);
	add_phase(&d, 1, NULL, NULL);
	d.snooze_until = D("2027-03-12");
	run(&d, "2027-03-11", NULL, NULL, &r);
	assert_date(r.recheck_on, "2027-03-13");
	assert_true(r.findings[0].snoozed);
	momentum_report_release(&r);
	run(&d, "2027-03-12", NULL, NULL, &r);
	assert_date(r.recheck_on, "2027-03-13");
	assert_true(r.findings[0].snoozed);
	momentum_report_release(&r);
	run(&d, "2027-03-13", NULL, NULL, &r);
	assert_int_equal(r.recheck_on, DATE_NONE);
	assert_false(r.findings[0].snoozed);
	momentum_report_release(&r);
	deal_release(&d);
}

static void
test_severity_names(void **state)
{
	(void)state;
	assert_string_equal(severity_name(SEV_ERROR), "error");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
}

/* ---- kept messages: the settings as tokens (finding_render) ---------- */

static char *
render(const char *kept, const struct momentum_settings *s,
       const struct holidays *h)
{
	struct strbuf sb = STRBUF_INIT;

	finding_render(kept, s, h, &sb);
	return strbuf_detach(&sb, NULL);
}

/*
 * A token is "N business days" (max_gap 'g', overdue_grace 'o'), or with
 * a date the day N business days after it, across weekends and holidays;
 * anything else is copied as it is.
 */
static void
test_render_tokens(void **state)
{
	struct momentum_settings s = { 1, 10, 3 };
	tw_date hd[] = { D("2026-11-09") };
	struct holidays h = { .days = hd, .n = 1 };
	char *t;

	(void)state;
	t = render("more than \x1fg\x1f ago (ended \x1fg2026-11-06\x1f)", &s,
		   NULL);
	assert_string_equal(t, "more than 1 business day ago (ended 2026-11-09)");
	free(t);
	/* The holiday on Mon 11-09: Tue 11-10; grace 3 from Thu 11-12. */
	t = render("\x1fg2026-11-06\x1f, \x1fo\x1f by \x1fo2026-11-12\x1f", &s,
		   &h);
	assert_string_equal(t, "2026-11-10, 3 business days by 2026-11-17");
	free(t);
	/* Not tokens: an unknown letter, no end, no date, a lone separator. */
	t = render("a\x1fx\x1f b\x1fg c\x1fg2026-13-01\x1f d\x1f", &s, NULL);
	assert_string_equal(t, "a\x1fx\x1f b\x1fg c\x1fg2026-13-01\x1f d\x1f");
	free(t);
	t = render("no token here", &s, NULL);
	assert_string_equal(t, "no token here");
	free(t);
	assert_false(finding_has_tokens("no token here"));
	assert_true(finding_has_tokens("\x1fg\x1f"));
}

/*
 * The windowed rules keep their message with tokens, and the message is
 * what those tokens say under the settings they ran with.
 */
static void
test_render_rules(void **state)
{
	struct momentum_settings s = { 4, 10, 1 };
	struct momentum_report r;
	const struct finding *f;
	struct deal d;
	char *t;

	(void)state;
	mkdeal(&d);
	add_event(&d, "readout", EVENT_TECHNICAL, NULL, "2026-11-02");
	add_event(&d, "pricing", EVENT_COMMERCIAL, "2026-11-04", NULL);
	run(&d, "2026-11-23", NULL, &s, &r);
	f = find(&r, "commercial-step-overdue");
	assert_non_null(f->stored);
	assert_true(finding_has_tokens(f->stored));
	assert_string_equal(finding_stored(f), f->stored);
	assert_non_null(strstr(f->message, "more than 1 business day later "
				      "(the grace ended 2026-11-05)"));
	t = render(f->stored, &s, NULL);
	assert_string_equal(t, f->message);
	free(t);
	/* Another grace, the same kept text: only the rendering differs. */
	s.overdue_grace = 2;
	t = render(f->stored, &s, NULL);
	assert_non_null(strstr(t, "more than 2 business days later (the "
				  "grace ended 2026-11-06)"));
	free(t);
	momentum_report_release(&r);
	deal_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_followup_exactly_on_gap),
		cmocka_unit_test(test_followup_gap_setting),
		cmocka_unit_test(test_followup_holiday_in_window),
		cmocka_unit_test(test_followup_planned_in_window),
		cmocka_unit_test(test_followup_done_late),
		cmocka_unit_test(test_followup_planned_late),
		cmocka_unit_test(test_followup_needs_done),
		cmocka_unit_test(test_stale_win_boundary),
		cmocka_unit_test(test_stale_win_needs_done_commercial),
		cmocka_unit_test(test_freshness),
		cmocka_unit_test(test_progress_date),
		cmocka_unit_test(test_freshness_v2_example),
		cmocka_unit_test(test_unframed_pass),
		cmocka_unit_test(test_unframed_pass_general_touch),
		cmocka_unit_test(test_risk_slack),
		cmocka_unit_test(test_commercial_too_late),
		cmocka_unit_test(test_commercial_too_late_holiday),
		cmocka_unit_test(test_commercial_too_late_applied),
		cmocka_unit_test(test_failed_criterion),
		cmocka_unit_test(test_poc_overdue),
		cmocka_unit_test(test_phase_unjustified),
		cmocka_unit_test(test_order_most_severe_first),
		cmocka_unit_test(test_snooze_expiring_today),
		cmocka_unit_test(test_severity_names),
		cmocka_unit_test(test_messages_whole),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_overdue_new_user),
		cmocka_unit_test(test_no_next_step),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_champion_rules),
		cmocka_unit_test(test_undated_rules),
		cmocka_unit_test(test_snooze_recheck),
		cmocka_unit_test(test_render_tokens),
		cmocka_unit_test(test_render_rules),
	};

	return cmocka_run_group_tests_name("momentum", tests, NULL, NULL);
}
