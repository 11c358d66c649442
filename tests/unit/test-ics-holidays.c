/*
 * Unit tests for src/formats/ics-holidays.c: the all-day events of a real
 * holiday calendar (tests/data/ics/de-berlin.ics: yearly RRULEs, one-off
 * dates, RDATE, EXDATE, DTEND and DURATION spans, a folded line, a timed
 * and a cancelled event, a VTIMEZONE and a VALARM), the years asked for,
 * recurrence rules with BYDAY, and every error with its line number.
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

#include "formats/ics-holidays.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static char *
read_fixture(const char *rel, size_t *len)
{
	const char *dir = getenv("TW_TEST_DATA");
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *fp;

	strbuf_addf(&path, "%s/%s", dir ? dir : "tests/data", rel);
	fp = fopen(path.buf, "rb");
	if (!fp)
		fail_msg("cannot open %s", path.buf);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	strbuf_release(&path);
	*len = sb.len;
	return strbuf_detach(&sb, NULL);
}

/* The days of text in the years, as "YYYY-MM-DD,..." (caller frees). */
static char *
days_of(const char *text, int from, int to, size_t *skipped)
{
	struct tw_error err = { 0 };
	struct ics_holidays h;
	struct strbuf sb = STRBUF_INIT;
	char buf[DATE_BUFSZ];

	if (ics_holidays_read(text, strlen(text), "t.ics", from, to, &h, &err))
		fail_msg("%s", err.msg);
	for (size_t i = 0; i < h.n; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "",
			    date_format(h.days[i], buf));
	if (skipped)
		*skipped = h.skipped;
	ics_holidays_release(&h);
	return strbuf_detach(&sb, NULL);
}

static void
assert_days(const char *text, int from, int to, const char *want)
{
	char *got = days_of(text, from, to, NULL);

	assert_string_equal(got, want);
	free(got);
}

/* The error text reads fails with. */
static void
assert_error(const char *text, const char *want)
{
	struct tw_error err = { 0 };
	struct ics_holidays h;

	assert_int_equal(ics_holidays_read(text, strlen(text), "t.ics", 2026,
					   2030, &h, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, want);
	assert_null(h.days);
	assert_int_equal(h.n, 0);
}

#define CAL(events) "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" events \
		    "END:VCALENDAR\r\n"
#define EVENT(props) "BEGIN:VEVENT\r\n" props "END:VEVENT\r\n"

static void
test_country_calendar(void **state)
{
	size_t len, skipped = 0;
	char *text = read_fixture("ics/de-berlin.ics", &len);
	char *got;

	(void)state;
	/*
	 * 2026 to 2028: New Year, Women's Day and Labour Day every year
	 * (RRULE), Easter 2026 and 2027 as one-off dates (2027's Easter
	 * Monday an RDATE), Ascension (DTEND the next day) and Whit Monday
	 * 2026, Unity Day except 2028 (EXDATE), both Christmas days
	 * (DURATION:P2D, yearly) and the closure from 12-28 to 12-31 2026
	 * (DTEND 2027-01-01, not included). The evening party (timed) and
	 * the cancelled summer party are skipped, not added.
	 */
	got = days_of(text, 2026, 2028, &skipped);
	assert_string_equal(got,
		"2026-01-01,2026-03-08,2026-04-03,2026-04-06,2026-05-01,"
		"2026-05-14,2026-05-25,2026-10-03,2026-12-25,2026-12-26,"
		"2026-12-28,2026-12-29,2026-12-30,2026-12-31,"
		"2027-01-01,2027-03-08,2027-03-26,2027-03-29,2027-05-01,"
		"2027-10-03,2027-12-25,2027-12-26,"
		"2028-01-01,2028-03-08,2028-05-01,2028-12-25,2028-12-26");
	assert_int_equal(skipped, 2);
	free(got);

	/* One year: the yearly rules started in 2019 and 2020. */
	got = days_of(text, 2030, 2030, NULL);
	assert_string_equal(got, "2030-01-01,2030-03-08,2030-05-01,"
				 "2030-10-03,2030-12-25,2030-12-26");
	free(got);
	/* Before the rules start there is nothing. */
	got = days_of(text, 2000, 2018, NULL);
	assert_string_equal(got, "");
	free(got);
	free(text);
}

static void
test_rules(void **state)
{
	(void)state;
	/* Thanksgiving: the fourth Thursday of November. */
	assert_days(CAL(EVENT("DTSTART;VALUE=DATE:20231123\r\n"
			      "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\r\n")),
		    2026, 2028, "2026-11-26,2027-11-25,2028-11-23");
	/* COUNT and UNTIL end a rule. */
	assert_days(CAL(EVENT("DTSTART;VALUE=DATE:20260704\r\n"
			      "RRULE:FREQ=YEARLY;COUNT=2\r\n")),
		    2026, 2030, "2026-07-04,2027-07-04");
	assert_days(CAL(EVENT("DTSTART;VALUE=DATE:20260704\r\n"
			      "RRULE:FREQ=YEARLY;UNTIL=20280101\r\n")),
		    2026, 2030, "2026-07-04,2027-07-04");
	/* 29 February comes back in leap years only. */
	assert_days(CAL(EVENT("DTSTART;VALUE=DATE:20240229\r\n"
			      "RRULE:FREQ=YEARLY\r\n")),
		    2024, 2032, "2024-02-29,2028-02-29,2032-02-29");
	/* Several EXDATEs in one property, lower case names, LF endings. */
	assert_days("begin:vcalendar\nbegin:vevent\n"
		    "dtstart;value=date:20260101\nrrule:FREQ=YEARLY\n"
		    "exdate;value=date:20270101,20290101\n"
		    "end:vevent\nend:vcalendar\n",
		    2026, 2030, "2026-01-01,2028-01-01,2030-01-01");
	/* A two-week event and a day repeated by two events: each day once. */
	assert_days(CAL(EVENT("DTSTART;VALUE=DATE:20260803\r\n"
			      "DURATION:P2W\r\n")
			EVENT("DTSTART;VALUE=DATE:20260814\r\n")),
		    2026, 2026,
		    "2026-08-03,2026-08-04,2026-08-05,2026-08-06,"
		    "2026-08-07,2026-08-08,2026-08-09,2026-08-10,"
		    "2026-08-11,2026-08-12,2026-08-13,2026-08-14,"
		    "2026-08-15,2026-08-16");
	/* A calendar with no all-day event gives no day, and no error. */
	assert_days(CAL(""), 2026, 2030, "");
}

static void
test_errors(void **state)
{
	(void)state;
	assert_error("", "t.ics:1: not an iCalendar file: it is empty");
	assert_error("hello\n", "t.ics:1: not an iCalendar file: expected "
				"BEGIN:VCALENDAR, got 'hello'");
	assert_error("BEGIN:VEVENT\r\n", "t.ics:1: expected BEGIN:VCALENDAR, "
					 "got 'BEGIN:VEVENT'");
	assert_error(CAL(EVENT("SUMMARY:x\r\n")),
		     "t.ics:3: event without DTSTART");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260230\r\n")),
		     "t.ics:4: no date in 'DTSTART;VALUE=DATE:20260230'");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260101\r\n"
			       "RRULE:FREQ=WEEKLY\r\n")),
		     "t.ics:5: only yearly recurrences (FREQ=YEARLY) are read, "
		     "got FREQ=WEEKLY");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260101\r\n"
			       "DTSTART;VALUE=DATE:20260102\r\n")),
		     "t.ics:5: a second DTSTART in the event (line 4)");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260105\r\n"
			       "DTEND;VALUE=DATE:20260105\r\n")),
		     "t.ics:5: DTEND is not after DTSTART");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260105\r\n"
			       "DURATION:PT8H\r\n")),
		     "t.ics:5: the DURATION of an all-day event is whole days "
		     "(P1D, P2W)");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260105\r\n"
			       "DTEND;VALUE=DATE:20280105\r\n")),
		     "t.ics:4: an all-day event of 730 days (at most 366)");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260105\r\n"
			       "EXDATE;VALUE=DATE:20270105,soon\r\n")),
		     "t.ics:5: cannot read 'EXDATE;VALUE=DATE:20270105,soon'");
	/* A folded line is reported at the line it starts on. */
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260101\r\n"
			       "RRULE:FREQ=YEARLY;\r\n BYMONTH=13\r\n")),
		     "t.ics:5: cannot expand 'RRULE:FREQ=YEARLY;BYMONTH=13'");
	assert_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		     "DTSTART;VALUE=DATE:20260101\r\nEND:VCALENDAR\r\n",
		     "t.ics:4: END:VCALENDAR, but BEGIN:VEVENT (line 2) is "
		     "still open");
	assert_error("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
		     "DTSTART;VALUE=DATE:20260101\r\n",
		     "t.ics:2: BEGIN:VEVENT is never closed");
	assert_error(CAL("") "X-AFTER:1\r\n",
		     "t.ics:4: 'X-AFTER:1' outside BEGIN:VCALENDAR and "
		     "END:VCALENDAR");
	assert_error(CAL(EVENT("DTSTART;VALUE=DATE:20260101\r\nno colon\r\n")),
		     "t.ics:5: expected NAME:VALUE, got 'no colon'");
}

/* NUL inside a string literal ends strlen: read the whole buffer. */
static void
test_nul_byte(void **state)
{
	static const char text[] = "BEGIN:VCALENDAR\r\nX:a\0b\r\n";
	struct tw_error err = { 0 };
	struct ics_holidays h;

	(void)state;
	assert_int_equal(ics_holidays_read(text, sizeof(text) - 1, "t.ics",
					   2026, 2026, &h, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "t.ics:2: not a text file (it holds a NUL byte)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_country_calendar),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
