/*
 * Unit tests for src/core/risk.c: back-scheduling from a deadline through a
 * buffer and an implementation duration in days, business days and weeks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "core/risk.h"
#include "util/xalloc.h"

static struct risk
mkrisk(const char *deadline, const char *buffer, const char *duration)
{
	struct risk r;

	memset(&r, 0, sizeof(r));
	r.deadline = D(deadline);
	assert_int_equal(duration_parse(buffer, &r.buffer, NULL), 0);
	assert_int_equal(duration_parse(duration, &r.duration, NULL), 0);
	return r;
}

static void
test_worked_example(void **state)
{
	struct risk r = mkrisk("2026-10-29", "14d", "75d");
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-07-01"), NULL, &e);
	assert_date(e.go_live_by, "2026-10-15");
	assert_date(e.latest_start, "2026-08-01");
	assert_int_equal(e.slack_days, 31);
	assert_false(e.at_risk);
}

static void
test_slack_boundary(void **state)
{
	struct risk r = mkrisk("2026-10-29", "14d", "75d");
	struct risk_eval e;

	(void)state;
	/* Starting on the latest start day is still on time. */
	risk_evaluate(&r, D("2026-08-01"), NULL, &e);
	assert_int_equal(e.slack_days, 0);
	assert_false(e.at_risk);
	risk_evaluate(&r, D("2026-08-02"), NULL, &e);
	assert_int_equal(e.slack_days, -1);
	assert_true(e.at_risk);
	/* Past the deadline itself. */
	risk_evaluate(&r, D("2026-11-30"), NULL, &e);
	assert_int_equal(e.slack_days, -121);
	assert_true(e.at_risk);
}

static void
test_calendar_days_ignore_holidays(void **state)
{
	struct risk r = mkrisk("2026-10-29", "14d", "75d");
	tw_date hd[] = { D("2026-08-10"), D("2026-10-20") };
	struct holidays h = { .days = hd, .n = 2 };
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-07-01"), &h, &e);
	assert_date(e.go_live_by, "2026-10-15");
	assert_date(e.latest_start, "2026-08-01");
}

static void
test_business_days(void **state)
{
	/* Deadline Thursday 2026-10-29. */
	struct risk r = mkrisk("2026-10-29", "10bd", "20bd");
	tw_date hd[] = { D("2026-09-07"), D("2026-10-03"), D("2026-10-20") };
	struct holidays h = { .days = hd, .n = 3 };
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-09-01"), NULL, &e);
	assert_date(e.go_live_by, "2026-10-15");
	assert_date(e.latest_start, "2026-09-17");
	assert_int_equal(e.slack_days, 16);
	assert_false(e.at_risk);

	/* A weekday holiday inside the buffer moves everything a day back;
	 * the Saturday one changes nothing. */
	risk_evaluate(&r, D("2026-09-17"), &h, &e);
	assert_date(e.go_live_by, "2026-10-14");
	assert_date(e.latest_start, "2026-09-16");
	assert_int_equal(e.slack_days, -1);
	assert_true(e.at_risk);
}

static void
test_business_days_from_weekend(void **state)
{
	/* A Sunday deadline: 1bd back is the Friday before. */
	struct risk r = mkrisk("2026-11-01", "1bd", "5bd");
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-10-23"), NULL, &e);
	assert_date(e.go_live_by, "2026-10-30");
	assert_date(e.latest_start, "2026-10-23");
	assert_int_equal(e.slack_days, 0);
	assert_false(e.at_risk);
}

static void
test_weeks(void **state)
{
	struct risk r = mkrisk("2026-10-29", "2w", "11w");
	tw_date hd[] = { D("2026-10-20") };
	struct holidays h = { .days = hd, .n = 1 };
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-08-01"), &h, &e);
	assert_date(e.go_live_by, "2026-10-15");
	assert_date(e.latest_start, "2026-07-30");
	assert_int_equal(e.slack_days, -2);
	assert_true(e.at_risk);
}

static void
test_mixed_and_zero(void **state)
{
	struct risk r = mkrisk("2026-10-29", "10bd", "30d");
	struct risk_eval e;

	(void)state;
	risk_evaluate(&r, D("2026-09-01"), NULL, &e);
	assert_date(e.go_live_by, "2026-10-15");
	assert_date(e.latest_start, "2026-09-15");
	assert_int_equal(e.slack_days, 14);

	r = mkrisk("2026-10-29", "0d", "0bd");
	risk_evaluate(&r, D("2026-10-29"), NULL, &e);
	assert_date(e.go_live_by, "2026-10-29");
	assert_date(e.latest_start, "2026-10-29");
	assert_int_equal(e.slack_days, 0);
	assert_false(e.at_risk);
}

static void
test_no_deadline(void **state)
{
	struct risk r = mkrisk("2026-10-29", "14d", "75d");
	struct risk_eval e;

	(void)state;
	r.deadline = DATE_NONE;
	risk_evaluate(&r, D("2026-07-01"), NULL, &e);
	assert_int_equal(e.go_live_by, DATE_NONE);
	assert_int_equal(e.latest_start, DATE_NONE);
	assert_false(e.at_risk);
}

/*
 * The commercial deadline (DESIGN.md): sign_by is the latest business day
 * on or before the latest start, review_by that minus the deal's
 * procurement days. The worked example: latest start Sat 2027-04-17,
 * procurement 12 business days, no holidays.
 */
static void
test_sign_by_worked_example(void **state)
{
	struct risk r = mkrisk("2027-04-17", "0d", "0d");
	struct risk_eval e;
	struct deal d;

	(void)state;
	deal_init(&d);
	d.procurement_days = 12;
	d.has_procurement_days = true;
	risk_evaluate_deal(&d, &r, D("2027-01-04"), NULL, &e);
	assert_date(e.latest_start, "2027-04-17");
	assert_date(e.sign_by, "2027-04-16");
	assert_date(e.review_by, "2027-03-31");
	/* Without the deal, no procurement days are counted. */
	risk_evaluate(&r, D("2027-01-04"), NULL, &e);
	assert_date(e.review_by, "2027-04-16");
	deal_release(&d);
}

/* The day before, of and after each edge: weekend and holidays. */
static void
test_sign_by_edges(void **state)
{
	static const struct {
		const char *latest, *sign, *review;
		bool holidays;
	} cases[] = {
		/* A business day signs on itself. */
		{ "2027-04-15", "2027-04-15", "2027-04-13", false },
		{ "2027-04-16", "2027-04-16", "2027-04-14", false },
		/* Saturday and Sunday go back to the Friday. */
		{ "2027-04-17", "2027-04-16", "2027-04-14", false },
		{ "2027-04-18", "2027-04-16", "2027-04-14", false },
		{ "2027-04-19", "2027-04-19", "2027-04-15", false },
		/* Holidays Fri 04-16 and Wed 04-14: back to Thursday, and
		 * the review skips the Wednesday. */
		{ "2027-04-17", "2027-04-15", "2027-04-12", true },
		{ "2027-04-16", "2027-04-15", "2027-04-12", true },
		{ "2027-04-15", "2027-04-15", "2027-04-12", true },
		{ "2027-04-19", "2027-04-19", "2027-04-13", true },
	};
	tw_date hd[] = { D("2027-04-14"), D("2027-04-16") };
	struct holidays h = { .days = hd, .n = 2 };
	struct deal d;

	(void)state;
	deal_init(&d);
	d.procurement_days = 2;
	d.has_procurement_days = true;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct risk r = mkrisk(cases[i].latest, "0d", "0d");
		struct risk_eval e;

		risk_evaluate_deal(&d, &r, D("2027-01-04"),
				   cases[i].holidays ? &h : NULL, &e);
		assert_date(e.sign_by, cases[i].sign);
		assert_date(e.review_by, cases[i].review);
	}
	deal_release(&d);
}

/* The risk whose contract must be signed first, of several. */
static void
test_first_sign_by(void **state)
{
	const struct risk *first;
	struct risk_eval e;
	struct deal d;
	struct risk *r;

	(void)state;
	deal_init(&d);
	assert_null(deal_first_sign_by(&d, D("2027-01-04"), NULL, &e));
	r = deal_add_risk(&d);
	r->key = xstrdup("late");
	r->deadline = D("2027-06-30");
	r = deal_add_risk(&d);
	r->key = xstrdup("undated");
	r = deal_add_risk(&d);
	r->key = xstrdup("early");
	r->deadline = D("2027-04-18");
	first = deal_first_sign_by(&d, D("2027-01-04"), NULL, &e);
	assert_string_equal(first->key, "early");
	assert_date(e.sign_by, "2027-04-16");
	deal_release(&d);
}

/*
 * A phase addressing a risk, started on the contract target: live by Fri
 * 2027-10-15; a 10d phase from 10-05 ends on 10-15 (in time), from 10-06
 * on 10-16 (late). A phase without a duration or naming no risk never is.
 */
static void
test_phases_late(void **state)
{
	struct phase_late *late;
	struct phase *p;
	struct risk *r;
	struct deal d;
	size_t n;

	(void)state;
	deal_init(&d);
	r = deal_add_risk(&d);
	r->key = xstrdup("peak");
	r->deadline = D("2027-10-29");
	r->buffer = (struct duration){ 14, DUR_DAYS };
	p = deal_add_phase(&d);
	p->number = 2;
	p->has_duration = true;
	p->duration = (struct duration){ 10, DUR_DAYS };
	p->risks = xcalloc(1, sizeof(*p->risks));
	p->risks[p->nrisks++] = xstrdup("peak");
	p = deal_add_phase(&d);
	p->number = 1;
	p->risks = xcalloc(1, sizeof(*p->risks));
	p->risks[p->nrisks++] = xstrdup("peak");

	late = phases_late(&d, D("2027-10-05"), D("2027-06-01"), NULL, &n);
	assert_int_equal(n, 0);
	free(late);
	late = phases_late(&d, D("2027-10-06"), D("2027-06-01"), NULL, &n);
	assert_int_equal(n, 1);
	assert_int_equal(late[0].phase->number, 2);
	assert_string_equal(late[0].risk->key, "peak");
	assert_date(late[0].end, "2027-10-16");
	assert_date(late[0].go_live_by, "2027-10-15");
	free(late);
	/* No contract target, no start. */
	late = phases_late(&d, DATE_NONE, D("2027-06-01"), NULL, &n);
	assert_int_equal(n, 0);
	free(late);
	deal_release(&d);
}

/* The seed's words, with the year only outside today's. */
static void
test_deadline_sentence(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct risk_eval e;
	struct risk r = mkrisk("2027-10-29", "14d", "76d");
	struct deal d;

	(void)state;
	deal_init(&d);
	d.procurement_days = 10;
	d.has_procurement_days = true;
	/* Live by Fri Oct 15; start by Sat Jul 31; sign by Fri Jul 30. */
	risk_evaluate_deal(&d, &r, D("2027-06-01"), NULL, &e);
	risk_deadline_sentence(&sb, &e, D("2027-06-01"));
	assert_string_equal(sb.buf, "To be live by Oct 15 the contract must "
			    "be signed by Fri Jul 30; contract review must "
			    "begin by Jul 16.");
	strbuf_reset(&sb);
	risk_deadline_sentence(&sb, &e, D("2026-12-01"));
	assert_string_equal(sb.buf, "To be live by Oct 15, 2027 the contract "
			    "must be signed by Fri Jul 30, 2027; contract "
			    "review must begin by Jul 16, 2027.");
	/* Past dates are not promised. */
	strbuf_reset(&sb);
	risk_deadline_sentence(&sb, &e, D("2027-07-17"));
	assert_string_equal(sb.buf, "To be live by Oct 15 the contract must "
			    "be signed by Fri Jul 30; contract review had to "
			    "begin by Jul 16, so it must begin now.");
	strbuf_reset(&sb);
	risk_deadline_sentence(&sb, &e, D("2027-07-31"));
	assert_string_equal(sb.buf, "To be live by Oct 15 the contract had to "
			    "be signed by Fri Jul 30, a date that has "
			    "passed.");
	strbuf_release(&sb);
	deal_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_slack_boundary),
		cmocka_unit_test(test_calendar_days_ignore_holidays),
		cmocka_unit_test(test_business_days),
		cmocka_unit_test(test_business_days_from_weekend),
		cmocka_unit_test(test_weeks),
		cmocka_unit_test(test_mixed_and_zero),
		cmocka_unit_test(test_no_deadline),
		cmocka_unit_test(test_sign_by_worked_example),
		cmocka_unit_test(test_sign_by_edges),
		cmocka_unit_test(test_first_sign_by),
		cmocka_unit_test(test_deadline_sentence),
		cmocka_unit_test(test_phases_late),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
