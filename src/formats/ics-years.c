/*
 * The years a holiday calendar is read for (ics-holidays.h): apart from
 * the ical module, so the CLI and the web read --years alike without
 * loading libical.
 */
#include "formats/ics-holidays.h"

/* Years read when none are given: this one and the next four. */
#define DEFAULT_YEARS 5
#define MAX_YEARS 100

/* A year of four digits at *p; p moves past it. */
static bool
year_at(const char **p, int *y)
{
	const char *s = *p;

	for (int i = 0; i < 4; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	     (s[3] - '0');
	*p = s + 4;
	return true;
}

int
ics_years_parse(const char *s, const char *what, tw_date today, int *from,
		int *to, struct tw_error *err)
{
	const char *p = s;
	int m, d;

	if (!s) {
		date_to_ymd(today, from, &m, &d);
		*to = *from + DEFAULT_YEARS - 1;
		return 0;
	}
	if (!year_at(&p, from) ||
	    (*p == '-' ? (p++, !year_at(&p, to)) : (*to = *from, false)) ||
	    *p)
		return tw_error_set(err, TW_EUSAGE, "%s: expected "
				    "FROM-TO (2026-2030) or one year, got "
				    "'%s'", what, s);
	if (*from < 1900 || *to > 2999 || *from > *to ||
	    *to - *from >= MAX_YEARS)
		return tw_error_set(err, TW_EUSAGE, "%s: expected years "
				    "from 1900 to 2999, at most %d, the "
				    "first not after the last, got '%s'",
				    what, MAX_YEARS, s);
	return 0;
}

