/*
 * Calendar dates as proleptic Gregorian ordinals, business-day arithmetic and
 * durations ("14d", "10bd", "3w"). Pure: libc only, no I/O.
 *
 * Business-day offsets are computed in closed form on weekday counts and then
 * extended past the holidays they cover, so they cost O(holidays in range)
 * instead of one step per day, yet give exactly what day-by-day stepping
 * gives (tests/unit/test-date.c checks this against a naive loop).
 */
#include "core/date.h"
#include "util/xalloc.h"

#include <pthread.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DATE_MIN 1		/* 0001-01-01 */
#define DATE_MAX 3652059	/* 9999-12-31 */

/* Duration bounds: about a century, so date sums stay far from overflow. */
#define DUR_MAX_DAYS 36500
#define DUR_MAX_BDAYS 26100
#define DUR_MAX_WEEKS 5215

static const int days_before_month[13] = {
	0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};

bool
date_is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
date_days_in_month(int y, int m)
{
	static const int dim[13] = {
		0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && date_is_leap_year(y))
		return 29;
	return dim[m];
}

tw_date
date_from_ymd(int y, int m, int d)
{
	int py;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > date_days_in_month(y, m))
		return DATE_NONE;
	py = y - 1;
	return py * 365 + py / 4 - py / 100 + py / 400 + days_before_month[m] +
	       (m > 2 && date_is_leap_year(y)) + d;
}

/* Python's _ord2ymd: peel off 400-, 100-, 4- and 1-year cycles. */
void
date_to_ymd(tw_date date, int *y, int *m, int *d)
{
	int n, n400, n100, n4, n1, year, month, before;

	if (date < DATE_MIN) {
		*y = *m = *d = 0;
		return;
	}
	n = date - 1;
	n400 = n / 146097;
	n %= 146097;
	n100 = n / 36524;
	n %= 36524;
	n4 = n / 1461;
	n %= 1461;
	n1 = n / 365;
	n %= 365;
	year = n400 * 400 + n100 * 100 + n4 * 4 + n1 + 1;
	if (n1 == 4 || n100 == 4) {
		/* The last day of a leap cycle: Dec 31 of the previous year. */
		*y = year - 1;
		*m = 12;
		*d = 31;
		return;
	}
	/* n is now the 0-based day of year. */
	for (month = 12;; month--) {
		before = days_before_month[month] +
			 (month > 2 && date_is_leap_year(year));
		if (before <= n)
			break;
	}
	*y = year;
	*m = month;
	*d = n - before + 1;
}

int
date_weekday(tw_date d)
{
	/* Ordinal 1 (0001-01-01) was a Monday. */
	return (int)((((long long)d - 1) % 7 + 7) % 7);
}

static bool
is_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
digits_value(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int
date_parse(const char *s, tw_date *out, struct tw_error *err)
{
	tw_date d;
	int y, m;

	if (!s)
		return tw_error_set(err, TW_EINPUT,
				    "missing date (expected YYYY-MM-DD)");
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !is_digits(s, 4) || !is_digits(s + 5, 2) || !is_digits(s + 8, 2))
		goto bad;
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = date_from_ymd(y, m, digits_value(s + 8, 2));
	if (d == DATE_NONE) {
		/* The shape is right, so say what is wrong with the values. */
		if (y < 1)
			return tw_error_set(err, TW_EINPUT,
					    "invalid date '%s' (years start "
					    "at 0001)", s);
		if (m < 1 || m > 12)
			return tw_error_set(err, TW_EINPUT,
					    "invalid date '%s' (no month %d)",
					    s, m);
		return tw_error_set(err, TW_EINPUT,
				    "invalid date '%s' (%04d-%02d has %d days)",
				    s, y, m, date_days_in_month(y, m));
	}
	*out = d;
	return 0;
bad:
	return tw_error_set(err, TW_EINPUT,
			    "invalid date '%s' (expected YYYY-MM-DD)", s);
}

bool
date_is_valid(tw_date d)
{
	return d >= DATE_MIN && d <= DATE_MAX;
}

char *
date_format(tw_date d, char buf[DATE_BUFSZ])
{
	int y, m, day;

	if (d < DATE_MIN || d > DATE_MAX) {
		buf[0] = '\0';
		return buf;
	}
	date_to_ymd(d, &y, &m, &day);
	/* By hand: snprintf was a tenth of `check`'s time on a big pipeline. */
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + day / 10);
	buf[9] = (char)('0' + day % 10);
	buf[10] = '\0';
	return buf;
}

static int
cmp_date(const void *a, const void *b)
{
	tw_date x = *(const tw_date *)a, y = *(const tw_date *)b;

	return (x > y) - (x < y);
}

size_t
holidays_normalize(tw_date *days, size_t n)
{
	size_t i, out;

	if (n < 2)
		return n;
	qsort(days, n, sizeof(*days), cmp_date);
	for (i = 1, out = 1; i < n; i++)
		if (days[i] != days[out - 1])
			days[out++] = days[i];
	return out;
}

/* Index of the first holiday >= d (h->n when none). */
static size_t
holidays_lower_bound(const struct holidays *h, tw_date d)
{
	size_t lo = 0, hi = h->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (h->days[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool
date_is_holiday(tw_date d, const struct holidays *h)
{
	size_t i;

	if (!h || !h->n)
		return false;
	i = holidays_lower_bound(h, d);
	return i < h->n && h->days[i] == d;
}

bool
date_is_business_day(tw_date d, const struct holidays *h)
{
	return date_weekday(d) < 5 && !date_is_holiday(d, h);
}

static long long
floor_div(long long a, long long b)
{
	long long q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
 * Weekdays (Mon-Fri) among ordinals <= x, up to a constant: only
 * differences matter, and floor division keeps it monotonic below 1 too.
 */
static long long
weekdays_upto(long long x)
{
	long long w = floor_div(x, 7), r = x - w * 7;

	return w * 5 + (r < 5 ? r : 5);
}

/* The weekday t with weekdays_upto(t) == c: the inverse of weekdays_upto. */
static long long
nth_weekday(long long c)
{
	long long w = floor_div(c - 1, 5), r = (c - 1) - w * 5;

	return w * 7 + r + 1;
}

/* Weekday holidays x with a < x <= b (weekend ones change nothing). */
static long long
weekday_holidays_in(const struct holidays *h, long long a, long long b)
{
	long long count = 0;
	size_t i;

	if (!h || !h->n || b <= a)
		return 0;
	for (i = holidays_lower_bound(h, (tw_date)(a + 1));
	     i < h->n && h->days[i] <= b; i++)
		if (date_weekday(h->days[i]) < 5)
			count++;
	return count;
}

tw_date
date_add_bdays(tw_date d, int n, const struct holidays *h)
{
	long long t, prev, k;

	if (n == 0)
		return d;
	if (n > 0) {
		/*
		 * The n-th weekday after d; each holiday covered pushes the
		 * end out by one more weekday, which may cover more holidays.
		 */
		t = nth_weekday(weekdays_upto(d) + n);
		prev = d;
		while ((k = weekday_holidays_in(h, prev, t)) > 0) {
			prev = t;
			t = nth_weekday(weekdays_upto(t) + k);
		}
	} else {
		/* Mirror image: weekdays in [t, d), i.e. (t - 1, d - 1]. */
		t = nth_weekday(weekdays_upto((long long)d - 1) + n + 1);
		prev = d;
		while ((k = weekday_holidays_in(h, t - 1, prev - 1)) > 0) {
			prev = t;
			t = nth_weekday(weekdays_upto(t - 1) - k + 1);
		}
	}
	return (tw_date)t;
}

int
date_bdays_between(tw_date a, tw_date b, const struct holidays *h)
{
	long long n;

	if (b < a)
		return -date_bdays_between(b, a, h);
	n = weekdays_upto(b) - weekdays_upto(a) - weekday_holidays_in(h, a, b);
	return (int)n;
}

static const char *
dur_suffix(enum dur_unit u)
{
	switch (u) {
	case DUR_BDAYS:
		return "bd";
	case DUR_WEEKS:
		return "w";
	case DUR_DAYS:
	default:
		return "d";
	}
}

static int
dur_max(enum dur_unit u)
{
	switch (u) {
	case DUR_BDAYS:
		return DUR_MAX_BDAYS;
	case DUR_WEEKS:
		return DUR_MAX_WEEKS;
	case DUR_DAYS:
	default:
		return DUR_MAX_DAYS;
	}
}

int
duration_parse(const char *s, struct duration *out, struct tw_error *err)
{
	const char *p;
	enum dur_unit unit;
	long v = 0;

	if (!s)
		return tw_error_set(
			err, TW_EINPUT,
			"missing duration (expected Nd, Nbd or Nw)");
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		/* Cap while scanning so long digit strings cannot overflow. */
		if (v <= DUR_MAX_DAYS)
			v = v * 10 + (*p - '0');
	}
	/* A leading zero would not survive a round trip through the format. */
	if (p == s || (s[0] == '0' && p - s > 1))
		goto bad;
	if (!strcmp(p, "d"))
		unit = DUR_DAYS;
	else if (!strcmp(p, "bd"))
		unit = DUR_BDAYS;
	else if (!strcmp(p, "w"))
		unit = DUR_WEEKS;
	else
		goto bad;
	if (v > dur_max(unit))
		return tw_error_set(err, TW_EINPUT,
				    "duration '%s' is too long (at most %d%s)",
				    s, dur_max(unit), dur_suffix(unit));
	out->n = (int)v;
	out->unit = unit;
	return 0;
bad:
	return tw_error_set(err, TW_EINPUT,
			    "invalid duration '%s' (expected Nd, Nbd or Nw)",
			    s);
}

char *
duration_format(const struct duration *dur, char buf[DURATION_BUFSZ])
{
	snprintf(buf, DURATION_BUFSZ, "%d%s", dur->n, dur_suffix(dur->unit));
	return buf;
}

tw_date
date_add_duration(tw_date d, const struct duration *dur,
		  const struct holidays *h)
{
	switch (dur->unit) {
	case DUR_BDAYS:
		return date_add_bdays(d, dur->n, h);
	case DUR_WEEKS:
		return d + 7 * dur->n;
	case DUR_DAYS:
	default:
		return d + dur->n;
	}
}

tw_date
date_sub_duration(tw_date d, const struct duration *dur,
		  const struct holidays *h)
{
	switch (dur->unit) {
	case DUR_BDAYS:
		return date_add_bdays(d, -dur->n, h);
	case DUR_WEEKS:
		return d - 7 * dur->n;
	case DUR_DAYS:
	default:
		return d - dur->n;
	}
}

int
duration_days_from(tw_date start, const struct duration *dur,
		   const struct holidays *h)
{
	return date_add_duration(start, dur, h) - start;
}

/*
 * localtime_r reads TZ, which date_local sets for a call: every reading
 * of local time holds this lock, so none sees another's zone.
 */
static pthread_mutex_t local_lock = PTHREAD_MUTEX_INITIALIZER;

void
date_local(const char *tz, time_t now, tw_date *day, int *minute)
{
	struct tm tm;
	char *old = NULL;

	if (tz && !strcmp(tz, "UTC")) {
		gmtime_r(&now, &tm);
	} else {
		pthread_mutex_lock(&local_lock);
		/*
		 * Put back what TZ was (unset reads the system's
		 * /etc/localtime, as this says). Never unset: other threads
		 * may read the environment meanwhile, and replacing a value
		 * in place does not move the others (date_local_prepare).
		 */
		if (tz) {
			old = xstrdup(getenv("TZ") ? getenv("TZ")
						   : ":/etc/localtime");
			setenv("TZ", tz, 1);
			tzset();
		}
		localtime_r(&now, &tm);
		if (tz) {
			setenv("TZ", old, 1);
			tzset();
			free(old);
		}
		pthread_mutex_unlock(&local_lock);
	}
	*day = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (minute)
		*minute = tm.tm_hour * 60 + tm.tm_min;
}

void
date_local_prepare(void)
{
	setenv("TZ", ":/etc/localtime", 0);
}

tw_date
date_today(void)
{
	tw_date d;

	date_local(NULL, time(NULL), &d, NULL);
	return d;
}

time_t
date_now_fixed(void)
{
	const char *env = getenv("TECHWIN_NOW");
	char day[DATE_BUFSZ];
	int hh, mm, ss;
	char z;
	tw_date d;

	if (!env || strlen(env) != 20 || env[10] != 'T')
		return time(NULL);
	memcpy(day, env, 10);
	day[10] = '\0';
	if (date_parse(day, &d, NULL) < 0 ||
	    sscanf(env + 11, "%2d:%2d:%2d%c", &hh, &mm, &ss, &z) != 4 ||
	    z != 'Z' || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 ||
	    ss > 60)
		return time(NULL);
	return (time_t)(d - date_from_ymd(1970, 1, 1)) * 86400 +
	       hh * 3600 + mm * 60 + ss;
}
