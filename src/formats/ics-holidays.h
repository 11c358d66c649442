/*
 * Holidays from an iCalendar file (RFC 5545): the days of its all-day
 * events, the way a country's or a company's holiday calendar lists them.
 * Read with libical, which needs ICU: ics-holidays.c is the 'ical' module
 * that techwin loads on first use (cli/lazy-ical.c).
 */
#ifndef TW_FORMATS_ICS_HOLIDAYS_H
#define TW_FORMATS_ICS_HOLIDAYS_H

#include <stddef.h>
#include <stdlib.h>

#include "core/date.h"
#include "util/error.h"

/* What a calendar holds in the years asked for. */
struct ics_holidays {
	tw_date *days;		/* sorted, unique */
	size_t n;
	size_t skipped;		/* events with a time of day, or cancelled */
};

/*
 * The days of the all-day events (VEVENT whose DTSTART has VALUE=DATE) of
 * the iCalendar text[0..len-1] that fall in the years from to to (both
 * included): every day of a multi-day event (DTEND or DURATION), every
 * yearly recurrence (RRULE with FREQ=YEARLY, expanded with libical's
 * iterators) and RDATE, less the EXDATEs. Events with a time of day and
 * cancelled ones are counted in skipped. A file that is no iCalendar, an
 * unclosed or mismatched component, a property libical cannot read, an
 * event without DTSTART or a recurrence other than yearly is TW_EINPUT
 * "NAME:LINE: what", LINE the line of the offending property (name labels
 * the text, e.g. the file name). On error *out holds nothing.
 */
int ics_holidays_read(const char *text, size_t len, const char *name,
		      int from, int to, struct ics_holidays *out,
		      struct tw_error *err);

/*
 * The years s asks for, "2026-2030" or "2027", into *from and *to; NULL:
 * today's year and the next four. TW_EUSAGE "WHAT: expected ..." when
 * malformed, or not within 1900-2999, or more than 100 years.
 */
int ics_years_parse(const char *s, const char *what, tw_date today,
		    int *from, int *to, struct tw_error *err);

static inline void
ics_holidays_release(struct ics_holidays *h)
{
	free(h->days);
	h->days = NULL;
	h->n = 0;
}

#endif
