/*
 * Calendar dates as day numbers, business days and durations. Pure: libc only.
 *
 * A tw_date is the proleptic Gregorian ordinal (0001-01-01 is 1, like
 * Python's date.toordinal()), so plain subtraction gives calendar days and
 * DATE_NONE (0) can mean "no date".
 */
#ifndef TW_DATE_H
#define TW_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/error.h"

typedef int tw_date;
#define DATE_NONE 0
#define DATE_BUFSZ 11	/* "YYYY-MM-DD" + NUL */

/* Strict ISO 8601 calendar date YYYY-MM-DD, years 0001..9999. 0 or TW_EINPUT. */
int date_parse(const char *s, tw_date *out, struct tw_error *err);
/* Writes "YYYY-MM-DD" (or "" for DATE_NONE) into buf; returns buf. */
char *date_format(tw_date d, char buf[DATE_BUFSZ]);
/* Whether d is a date date_format writes: 0001-01-01 to 9999-12-31. */
bool date_is_valid(tw_date d);
/* DATE_NONE when y-m-d is not a real date. */
tw_date date_from_ymd(int y, int m, int d);

/* Today in local time, by the clock. */
tw_date date_today(void);
/*
 * The day, and the minute of that day (when minute is not NULL), of now
 * in the time zone tz (a TZ value: "Europe/Paris"), or in local time for
 * NULL; thread-safe with date_today.
 */
void date_local(const char *tz, time_t now, tw_date *day, int *minute);
/*
 * Before a program that calls date_local with a zone starts threads: TZ
 * set (to the system's zone when it is unset), so that date_local only
 * ever replaces its value and never grows the environment under a thread
 * reading it.
 */
void date_local_prepare(void);
/*
 * Now as Unix time: TECHWIN_NOW ("YYYY-MM-DDTHH:MM:SSZ", UTC) when it is
 * set and well-formed, so documents stamped with the time are
 * reproducible in tests; else the clock.
 */
time_t date_now_fixed(void);
void date_to_ymd(tw_date date, int *y, int *m, int *d);
bool date_is_leap_year(int y);
int date_days_in_month(int y, int m);
/* 0 = Monday ... 6 = Sunday. */
int date_weekday(tw_date d);

struct step;

/*
 * A sorted, duplicate-free set of holidays (borrowed array): the calendar
 * business days are counted on. The workspace's playbook travels with the
 * workspace's holidays: the steps a deal without a playbook of its own is
 * planned with (borrowed; NULL: the built-in default, default_playbook()).
 */
struct holidays {
	const tw_date *days;
	size_t n;
	const struct step *playbook;
	size_t nplaybook;
};
/* Sort and deduplicate days in place; returns the new count. */
size_t holidays_normalize(tw_date *days, size_t n);
bool date_is_holiday(tw_date d, const struct holidays *h);
/* Monday to Friday and not a holiday. h may be NULL. */
bool date_is_business_day(tw_date d, const struct holidays *h);
/*
 * d + n business days: step one day at a time (backwards when n < 0),
 * counting only business days, until |n| are counted. n == 0 returns d.
 */
tw_date date_add_bdays(tw_date d, int n, const struct holidays *h);
/*
 * Business days x with a < x <= b (the "business days since a" on day b);
 * negative of the count of b < x <= a when b < a.
 */
int date_bdays_between(tw_date a, tw_date b, const struct holidays *h);

enum dur_unit { DUR_DAYS, DUR_BDAYS, DUR_WEEKS };
struct duration {
	int n;			/* >= 0 */
	enum dur_unit unit;
};
/* "14d", "10bd", "3w"; n a non-negative integer. 0 or TW_EINPUT. */
int duration_parse(const char *s, struct duration *out, struct tw_error *err);
/* Canonical text ("14d", "10bd", "3w") into buf; returns buf. */
#define DURATION_BUFSZ 16
char *duration_format(const struct duration *dur, char buf[DURATION_BUFSZ]);
/* d + dur (calendar days, business days or weeks). */
tw_date date_add_duration(tw_date d, const struct duration *dur,
			  const struct holidays *h);
/* d - dur. */
tw_date date_sub_duration(tw_date d, const struct duration *dur,
			  const struct holidays *h);
/* Length of dur in calendar days when laid out from start. */
int duration_days_from(tw_date start, const struct duration *dur,
		       const struct holidays *h);

#endif
