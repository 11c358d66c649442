/*
 * Unit tests for src/core/date.c: ordinals, strict parsing, business-day
 * arithmetic (checked against a naive day-stepping loop) and durations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <string.h>

#include "core/date.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* Deterministic pseudo-random numbers, so failures reproduce. */
static uint32_t rng_state = 12345;

static uint32_t
rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* The definition from DESIGN.md, one day at a time. */
static tw_date
naive_add_bdays(tw_date d, int n, const struct holidays *h)
{
	int step = n < 0 ? -1 : 1, left = n < 0 ? -n : n;

	while (left > 0) {
		d += step;
		if (date_is_business_day(d, h))
			left--;
	}
	return d;
}

static int
naive_bdays_between(tw_date a, tw_date b, const struct holidays *h)
{
	int n = 0, sign = 1;
	tw_date x, t;

	if (b < a) {
		t = a;
		a = b;
		b = t;
		sign = -1;
	}
	for (x = a + 1; x <= b; x++)
		if (date_is_business_day(x, h))
			n++;
	return sign * n;
}

static void
test_ordinals(void **state)
{
	(void)state;
	/* Python's date.toordinal(). */
	assert_int_equal(D("0001-01-01"), 1);
	assert_int_equal(D("1970-01-01"), 719163);
	assert_int_equal(D("2000-02-29"), 730179);
	assert_int_equal(D("2026-02-06"), 739653);
	assert_int_equal(D("9999-12-31"), 3652059);
	assert_int_equal(date_from_ymd(2026, 2, 6), 739653);
	assert_int_equal(date_from_ymd(2026, 2, 30), DATE_NONE);
	assert_int_equal(date_from_ymd(0, 1, 1), DATE_NONE);
	assert_int_equal(date_from_ymd(10000, 1, 1), DATE_NONE);
	assert_int_equal(date_from_ymd(2026, 13, 1), DATE_NONE);
	assert_int_equal(date_from_ymd(2026, 1, 0), DATE_NONE);
}

static void
test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(D("0001-01-01")), 0);
	assert_int_equal(date_weekday(D("1970-01-01")), 3);
	assert_int_equal(date_weekday(D("2026-02-06")), 4);
	assert_int_equal(date_weekday(D("2026-02-07")), 5);
	assert_int_equal(date_weekday(D("2026-02-08")), 6);
	assert_int_equal(date_weekday(D("2026-02-09")), 0);
	assert_int_equal(date_weekday(D("2027-01-01")), 4);
}

static void
test_leap_years(void **state)
{
	tw_date d;

	(void)state;
	assert_true(date_is_leap_year(2024));
	assert_true(date_is_leap_year(2000));
	assert_false(date_is_leap_year(1900));
	assert_false(date_is_leap_year(2025));
	assert_int_equal(date_days_in_month(2024, 2), 29);
	assert_int_equal(date_days_in_month(1900, 2), 28);
	assert_int_equal(date_days_in_month(2026, 4), 30);
	assert_int_equal(date_days_in_month(2026, 12), 31);
	assert_int_equal(date_days_in_month(2026, 13), 0);

	assert_int_equal(date_parse("2024-02-29", &d, NULL), 0);
	assert_date(d, "2024-02-29");
	assert_int_equal(date_parse("2000-02-29", &d, NULL), 0);
	assert_int_equal(date_parse("1900-02-29", &d, NULL), TW_EINPUT);
	assert_int_equal(date_parse("2025-02-29", &d, NULL), TW_EINPUT);
	assert_int_equal(D("2024-03-01") - D("2024-02-28"), 2);
	assert_int_equal(D("2025-03-01") - D("2025-02-28"), 1);
	assert_int_equal(D("2025-01-01") - D("2024-01-01"), 366);
}

/* A well-formed but impossible date says what is impossible about it. */
static void
test_parse_explains_values(void **state)
{
	struct tw_error err;
	tw_date d;

	(void)state;
	assert_int_equal(date_parse("2026-02-30", &d, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "invalid date '2026-02-30' (2026-02 has 28 days)");
	assert_int_equal(date_parse("2024-02-30", &d, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "invalid date '2024-02-30' (2024-02 has 29 days)");
	assert_int_equal(date_parse("2026-13-01", &d, &err), TW_EINPUT);
	assert_string_equal(err.msg, "invalid date '2026-13-01' (no month 13)");
	assert_int_equal(date_parse("2026-2-3", &d, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "invalid date '2026-2-3' (expected YYYY-MM-DD)");
}

static void
test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"2026-2-3", "2026-02-30", "20260203", "2026-02-03x", "",
		"0000-01-01", "2026-00-10", "2026-13-01", "2026-04-31",
		"2026-02-00", " 2026-02-03", "2026/02/03", "+026-02-03",
		"2026-02-3 ", "10000-01-01", "2026-0a-03", "abcd-ef-gh",
	};
	struct tw_error err;
	tw_date d = 42;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(date_parse(bad[i], &d, &err), TW_EINPUT);
		assert_int_equal(err.code, TW_EINPUT);
		assert_non_null(strstr(err.msg, "invalid date"));
		/* The message quotes the input. */
		assert_non_null(strstr(err.msg, bad[i]));
		/* The output is left alone on error. */
		assert_int_equal(d, 42);
	}
	assert_string_equal(err.msg,
			    "invalid date 'abcd-ef-gh' (expected YYYY-MM-DD)");
	/* err may be NULL. */
	assert_int_equal(date_parse("nope", &d, NULL), TW_EINPUT);
	assert_int_equal(date_parse(NULL, &d, NULL), TW_EINPUT);
}

static void
test_roundtrip_every_day(void **state)
{
	tw_date d, first = D("1900-01-01"), last = D("2100-12-31"), back;
	char buf[DATE_BUFSZ];
	int y, m, day, py = 1899, pm = 12, pd = 31;

	(void)state;
	for (d = first; d <= last; d++) {
		date_format(d, buf);
		assert_int_equal(strlen(buf), 10);
		assert_int_equal(date_parse(buf, &back, NULL), 0);
		assert_int_equal(back, d);
		date_to_ymd(d, &y, &m, &day);
		assert_int_equal(date_from_ymd(y, m, day), d);
		/* Each ordinal is the calendar day after the previous one. */
		if (day == 1) {
			assert_int_equal(pd, date_days_in_month(py, pm));
			assert_true((m == pm + 1 && y == py) ||
				    (m == 1 && pm == 12 && y == py + 1));
		} else {
			assert_int_equal(day, pd + 1);
			assert_int_equal(m, pm);
			assert_int_equal(y, py);
		}
		py = y;
		pm = m;
		pd = day;
	}
	assert_int_equal(last - first + 1, 73414);
}

static void
test_format_edges(void **state)
{
	char buf[DATE_BUFSZ];

	(void)state;
	assert_string_equal(date_format(DATE_NONE, buf), "");
	assert_string_equal(date_format(-5, buf), "");
	assert_string_equal(date_format(3652060, buf), "");
	assert_string_equal(date_format(1, buf), "0001-01-01");
	assert_string_equal(date_format(3652059, buf), "9999-12-31");
	/* Leap-cycle ends, the tricky case of the ordinal split. */
	assert_date(D("2000-12-31"), "2000-12-31");
	assert_date(D("2000-12-31") + 1, "2001-01-01");
	assert_date(D("2004-12-31"), "2004-12-31");
	assert_date(D("1600-12-31"), "1600-12-31");
}

static void
test_friday_win(void **state)
{
	tw_date fri = D("2026-02-06");

	(void)state;
	assert_int_equal(date_weekday(fri), 4);
	assert_date(date_add_bdays(fri, 2, NULL), "2026-02-10");
	assert_int_equal(date_weekday(date_add_bdays(fri, 2, NULL)), 1);
	assert_date(date_add_bdays(fri, 4, NULL), "2026-02-12");
	assert_int_equal(date_weekday(date_add_bdays(fri, 4, NULL)), 3);
	assert_date(date_add_bdays(fri, 6, NULL), "2026-02-16");
	assert_int_equal(date_weekday(date_add_bdays(fri, 6, NULL)), 0);
	assert_date(date_add_bdays(fri, 1, NULL), "2026-02-09");
	assert_date(date_add_bdays(fri, 0, NULL), "2026-02-06");
	assert_date(date_add_bdays(fri, -1, NULL), "2026-02-05");
	assert_date(date_add_bdays(fri, -5, NULL), "2026-01-30");
}

static void
test_weekend_start(void **state)
{
	tw_date sat = D("2026-02-07"), sun = D("2026-02-08");

	(void)state;
	assert_date(date_add_bdays(sat, 1, NULL), "2026-02-09");
	assert_date(date_add_bdays(sun, 1, NULL), "2026-02-09");
	assert_date(date_add_bdays(sat, -1, NULL), "2026-02-06");
	assert_date(date_add_bdays(sun, -1, NULL), "2026-02-06");
	/* n == 0 returns d even when d is not a business day. */
	assert_date(date_add_bdays(sat, 0, NULL), "2026-02-07");
}

static void
test_year_end(void **state)
{
	tw_date d = D("2026-12-31");

	(void)state;
	assert_date(date_add_bdays(d, 1, NULL), "2027-01-01");
	assert_int_equal(date_weekday(D("2027-01-01")), 4);
	assert_date(date_add_bdays(d, 2, NULL), "2027-01-04");
	assert_date(date_add_bdays(D("2027-01-04"), -2, NULL), "2026-12-31");
	/* With New Year's Day off, the next business day is Monday. */
	{
		tw_date hd[] = { D("2027-01-01") };
		struct holidays h = { .days = hd, .n = 1 };

		assert_date(date_add_bdays(d, 1, &h), "2027-01-04");
		assert_date(date_add_bdays(D("2027-01-04"), -1, &h),
			    "2026-12-31");
	}
}

static void
test_several_weekends(void **state)
{
	tw_date mon = D("2026-02-09");

	(void)state;
	assert_date(date_add_bdays(mon, 5, NULL), "2026-02-16");
	assert_date(date_add_bdays(mon, 15, NULL), "2026-03-02");
	assert_date(date_add_bdays(mon, 17, NULL), "2026-03-04");
	assert_date(date_add_bdays(mon, 23, NULL), "2026-03-12");
	assert_date(date_add_bdays(mon, -23, NULL), "2026-01-07");
	assert_date(date_add_bdays(mon, 260, NULL), "2027-02-08");
	assert_int_equal(date_bdays_between(mon, D("2026-03-12"), NULL), 23);
	assert_int_equal(date_bdays_between(D("2026-03-12"), mon, NULL), -23);
}

static void
test_holidays_normalize(void **state)
{
	tw_date days[] = { 30, 10, 20, 10, 30, 5, 20 };
	size_t n;

	(void)state;
	n = holidays_normalize(days, 7);
	assert_int_equal(n, 4);
	assert_int_equal(days[0], 5);
	assert_int_equal(days[1], 10);
	assert_int_equal(days[2], 20);
	assert_int_equal(days[3], 30);
	assert_int_equal(holidays_normalize(days, 1), 1);
	assert_int_equal(holidays_normalize(NULL, 0), 0);
	{
		struct holidays h = { .days = days, .n = n };

		assert_true(date_is_holiday(5, &h));
		assert_true(date_is_holiday(30, &h));
		assert_false(date_is_holiday(4, &h));
		assert_false(date_is_holiday(11, &h));
		assert_false(date_is_holiday(31, &h));
		assert_false(date_is_holiday(5, NULL));
	}
	{
		struct holidays empty = { .days = NULL, .n = 0 };

		assert_false(date_is_holiday(5, &empty));
		assert_true(date_is_business_day(D("2026-02-06"), &empty));
	}
}

static void
test_holidays_on_weekend(void **state)
{
	tw_date fri = D("2026-02-06");
	tw_date hd[] = { D("2026-02-07"), D("2026-02-08"), D("2026-02-14") };
	struct holidays h = { .days = hd, .n = 3 };
	int n;

	(void)state;
	for (n = -12; n <= 12; n++)
		assert_int_equal(date_add_bdays(fri, n, &h),
				 date_add_bdays(fri, n, NULL));
	assert_int_equal(date_bdays_between(fri, D("2026-02-20"), &h), 10);
	assert_false(date_is_business_day(D("2026-02-07"), &h));
}

static void
test_holidays_in_span(void **state)
{
	tw_date fri = D("2026-02-06");
	/* Mon 9th and Wed 11th off; Tue 10th stays. */
	tw_date hd[] = { D("2026-02-09"), D("2026-02-11") };
	struct holidays h = { .days = hd, .n = 2 };

	(void)state;
	assert_false(date_is_business_day(D("2026-02-09"), &h));
	assert_true(date_is_business_day(D("2026-02-10"), &h));
	assert_date(date_add_bdays(fri, 1, &h), "2026-02-10");
	assert_date(date_add_bdays(fri, 2, &h), "2026-02-12");
	assert_date(date_add_bdays(fri, 4, &h), "2026-02-16");
	assert_date(date_add_bdays(fri, 6, &h), "2026-02-18");
	assert_date(date_add_bdays(D("2026-02-12"), -2, &h), "2026-02-06");
	assert_date(date_add_bdays(D("2026-02-12"), -1, &h), "2026-02-10");
	assert_int_equal(date_bdays_between(fri, D("2026-02-13"), &h), 3);
	assert_int_equal(date_bdays_between(D("2026-02-13"), fri, &h), -3);
	/* A run of holidays, a whole week off, pushes a full week out. */
	{
		tw_date wk[] = { D("2026-02-09"), D("2026-02-10"),
				 D("2026-02-11"), D("2026-02-12"),
				 D("2026-02-13") };
		struct holidays w = { .days = wk, .n = 5 };

		assert_date(date_add_bdays(fri, 1, &w), "2026-02-16");
		assert_date(date_add_bdays(D("2026-02-16"), -1, &w),
			    "2026-02-06");
		assert_int_equal(
			date_bdays_between(fri, D("2026-02-16"), &w), 1);
	}
}

static void
test_bdays_between(void **state)
{
	tw_date fri = D("2026-02-06");

	(void)state;
	assert_int_equal(date_bdays_between(fri, fri, NULL), 0);
	/* a < x <= b: Saturday and Sunday count nothing, Monday one. */
	assert_int_equal(date_bdays_between(fri, fri + 1, NULL), 0);
	assert_int_equal(date_bdays_between(fri, fri + 2, NULL), 0);
	assert_int_equal(date_bdays_between(fri, fri + 3, NULL), 1);
	assert_int_equal(date_bdays_between(fri - 1, fri, NULL), 1);
	assert_int_equal(date_bdays_between(fri + 3, fri, NULL), -1);
	assert_int_equal(date_bdays_between(fri, fri + 7, NULL), 5);
}

/* Random holidays around base, sorted and deduplicated, some on weekends. */
static size_t
random_holidays(tw_date *days, size_t max, tw_date base, int span)
{
	size_t i, n = rng() % (max + 1);

	for (i = 0; i < n; i++)
		days[i] = base + (int)(rng() % (unsigned)span) - span / 2;
	return holidays_normalize(days, n);
}

static void
test_add_bdays_matches_naive(void **state)
{
	tw_date base = D("2026-01-01"), days[64], d;
	struct holidays h;
	int i, n;

	(void)state;
	for (i = 0; i < 20000; i++) {
		h.days = days;
		h.n = random_holidays(days, i % 3 == 0 ? 0 : 60, base, 400);
		d = base + (int)(rng() % 300) - 150;
		n = (int)(rng() % 121) - 60;
		assert_int_equal(date_add_bdays(d, n, &h),
				 naive_add_bdays(d, n, &h));
		assert_int_equal(date_add_bdays(d, n, NULL),
				 naive_add_bdays(d, n, NULL));
	}
	/* Dense holidays: long runs of consecutive days off. */
	for (i = 0; i < 2000; i++) {
		int k;

		for (k = 0; k < 64; k++)
			days[k] = base + k + (int)(rng() % 3);
		h.days = days;
		h.n = holidays_normalize(days, 64);
		d = base + (int)(rng() % 80) - 10;
		n = (int)(rng() % 41) - 20;
		assert_int_equal(date_add_bdays(d, n, &h),
				 naive_add_bdays(d, n, &h));
	}
}

static void
test_bdays_between_matches_naive(void **state)
{
	tw_date base = D("2026-06-01"), days[64], a, b, t;
	struct holidays h;
	int i, n;

	(void)state;
	for (i = 0; i < 20000; i++) {
		h.days = days;
		h.n = random_holidays(days, 40, base, 300);
		a = base + (int)(rng() % 300) - 150;
		b = base + (int)(rng() % 300) - 150;
		assert_int_equal(date_bdays_between(a, b, &h),
				 naive_bdays_between(a, b, &h));
		assert_int_equal(date_bdays_between(a, b, &h),
				 -date_bdays_between(b, a, &h));
		/* "business days since a" on a + n bd is n. */
		n = (int)(rng() % 60) + 1;
		t = date_add_bdays(a, n, &h);
		assert_int_equal(date_bdays_between(a, t, &h), n);
	}
}

static void
test_add_then_sub_is_identity(void **state)
{
	tw_date first = D("2025-01-01"), last = D("2027-12-31"), d, t;
	tw_date hd[] = { D("2025-12-25"), D("2025-12-26"), D("2026-01-01"),
			 D("2026-05-01"), D("2026-05-02"), D("2026-12-25") };
	struct holidays h = { .days = hd, .n = 6 };
	int n;

	(void)state;
	for (d = first; d <= last; d++) {
		if (!date_is_business_day(d, &h))
			continue;
		for (n = 0; n <= 30; n++) {
			t = date_add_bdays(d, n, &h);
			assert_true(date_is_business_day(t, &h));
			assert_int_equal(date_add_bdays(t, -n, &h), d);
			t = date_add_bdays(d, -n, &h);
			assert_true(date_is_business_day(t, &h));
			assert_int_equal(date_add_bdays(t, n, &h), d);
		}
	}
}

static void
test_duration_parse(void **state)
{
	static const struct {
		const char *s;
		int n;
		enum dur_unit unit;
	} ok[] = {
		{ "0d", 0, DUR_DAYS },	   { "14d", 14, DUR_DAYS },
		{ "10bd", 10, DUR_BDAYS }, { "3w", 3, DUR_WEEKS },
		{ "0bd", 0, DUR_BDAYS },   { "36500d", 36500, DUR_DAYS },
	};
	static const char *const bad[] = {
		"d", "-1d", "1.5d", "1x", "1 d", "", "14", "+3d", " 3d", "3d ",
		"3D", "3dd", "3b", "bd", "3wk", "36501d", "99999999999999999d",
		"014d", "0x10d",
	};
	char buf[DURATION_BUFSZ];
	struct duration dur;
	struct tw_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(duration_parse(ok[i].s, &dur, NULL), 0);
		assert_int_equal(dur.n, ok[i].n);
		assert_int_equal(dur.unit, ok[i].unit);
		assert_string_equal(duration_format(&dur, buf), ok[i].s);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(duration_parse(bad[i], &dur, &err), TW_EINPUT);
		assert_int_equal(err.code, TW_EINPUT);
		assert_non_null(strstr(err.msg, bad[i]));
		assert_true(err.msg[strlen(err.msg) - 1] != '.');
	}
	assert_int_equal(duration_parse("1 d", &dur, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "invalid duration '1 d' (expected Nd, Nbd or Nw)");
	assert_int_equal(duration_parse(NULL, &dur, NULL), TW_EINPUT);
}

static void
test_duration_apply(void **state)
{
	struct duration d14 = { 14, DUR_DAYS }, b10 = { 10, DUR_BDAYS };
	struct duration w3 = { 3, DUR_WEEKS }, zero = { 0, DUR_BDAYS };
	tw_date fri = D("2026-02-06");
	tw_date hd[] = { D("2026-02-16") };
	struct holidays h = { .days = hd, .n = 1 };

	(void)state;
	assert_date(date_add_duration(fri, &d14, NULL), "2026-02-20");
	assert_date(date_sub_duration(fri, &d14, NULL), "2026-01-23");
	assert_date(date_add_duration(fri, &w3, NULL), "2026-02-27");
	assert_date(date_sub_duration(fri, &w3, NULL), "2026-01-16");
	assert_date(date_add_duration(fri, &b10, NULL), "2026-02-20");
	assert_date(date_add_duration(fri, &b10, &h), "2026-02-23");
	assert_date(date_sub_duration(fri, &b10, NULL), "2026-01-23");
	assert_date(date_sub_duration(D("2026-02-23"), &b10, &h),
		    "2026-02-06");
	assert_date(date_add_duration(fri, &zero, &h), "2026-02-06");
	/* Calendar days ignore holidays. */
	assert_date(date_add_duration(fri, &d14, &h), "2026-02-20");

	assert_int_equal(duration_days_from(fri, &d14, &h), 14);
	assert_int_equal(duration_days_from(fri, &w3, &h), 21);
	assert_int_equal(duration_days_from(fri, &b10, NULL), 14);
	assert_int_equal(duration_days_from(fri, &b10, &h), 17);
	assert_int_equal(duration_days_from(fri, &zero, NULL), 0);
}

/* 2026-12-07T23:30:00Z */
#define LATE_MONDAY ((time_t)1796686200)

static void
test_local_zones(void **state)
{
	tw_date d;
	int m;

	(void)state;
	setenv("TZ", "UTC0", 1);
	date_local("Asia/Tokyo", LATE_MONDAY, &d, &m);
	assert_date(d, "2026-12-08");
	assert_int_equal(m, 8 * 60 + 30);
	date_local("America/New_York", LATE_MONDAY, &d, &m);
	assert_date(d, "2026-12-07");
	assert_int_equal(m, 18 * 60 + 30);
	date_local("UTC", LATE_MONDAY, &d, &m);
	assert_int_equal(m, 23 * 60 + 30);
	/* The process's zone is put back. */
	assert_string_equal(getenv("TZ"), "UTC0");
	date_local(NULL, LATE_MONDAY, &d, &m);
	assert_date(d, "2026-12-07");
	assert_int_equal(m, 23 * 60 + 30);
}

static atomic_bool zones_stop;
static atomic_int zones_switched;

static void *
switch_zones(void *arg)
{
	tw_date d;
	int m;

	(void)arg;
	while (!atomic_load(&zones_stop)) {
		date_local("Asia/Tokyo", LATE_MONDAY, &d, &m);
		atomic_fetch_add(&zones_switched, 1);
	}
	return NULL;
}

/*
 * serve's sender reads notify.timezone's time while request threads read
 * the local one: never does a local reading see the sender's zone.
 */
static void
test_local_zone_threads(void **state)
{
	pthread_t t;
	int wrong = 0;

	(void)state;
	setenv("TZ", "UTC0", 1);
	date_local_prepare();
	assert_int_equal(pthread_create(&t, NULL, switch_zones, NULL), 0);
	/* Until the other thread has switched zones a thousand times. */
	for (int i = 0; i < 20000 || atomic_load(&zones_switched) < 1000;
	     i++) {
		tw_date d;
		int m;

		date_local(NULL, LATE_MONDAY, &d, &m);
		wrong += m != 23 * 60 + 30;
	}
	atomic_store(&zones_stop, true);
	pthread_join(t, NULL);
	assert_int_equal(wrong, 0);
	assert_string_equal(getenv("TZ"), "UTC0");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinals),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_explains_values),
		cmocka_unit_test(test_roundtrip_every_day),
		cmocka_unit_test(test_format_edges),
		cmocka_unit_test(test_friday_win),
		cmocka_unit_test(test_weekend_start),
		cmocka_unit_test(test_year_end),
		cmocka_unit_test(test_several_weekends),
		cmocka_unit_test(test_holidays_normalize),
		cmocka_unit_test(test_holidays_on_weekend),
		cmocka_unit_test(test_holidays_in_span),
		cmocka_unit_test(test_bdays_between),
		cmocka_unit_test(test_add_bdays_matches_naive),
		cmocka_unit_test(test_bdays_between_matches_naive),
		cmocka_unit_test(test_add_then_sub_is_identity),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_apply),
		cmocka_unit_test(test_local_zones),
		cmocka_unit_test(test_local_zone_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
