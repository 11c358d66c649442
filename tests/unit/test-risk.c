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

#include <string.h>

#include "core/risk.h"

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
	struct holidays h = { hd, 2 };
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
	struct holidays h = { hd, 3 };
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
	struct holidays h = { hd, 1 };
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
