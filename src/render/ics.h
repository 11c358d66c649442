/*
 * The calendar feed (RFC 5545): every dated event, commercial plan step and
 * risk latest-start date of some deals as all-day VEVENTs in one VCALENDAR.
 * UIDs depend only on the deal slug, the kind of entry and its key, so
 * importing a re-export updates the entries instead of duplicating them.
 * Lines end in CRLF and are folded at 75 octets on UTF-8 boundaries.
 */
#ifndef TW_ICS_H
#define TW_ICS_H

#include <stddef.h>
#include <time.h>

#include "core/model.h"
#include "util/strbuf.h"

/* One deal to put in the calendar, with the holidays its dates use. */
struct ics_deal {
	const struct deal *deal;
	/* The deal's holidays and the workspace's, merged. */
	const struct holidays *holidays;
};

/*
 * Append a whole VCALENDAR to out: X-WR-CALNAME is calname, every VEVENT's
 * DTSTAMP is dtstamp (UTC; the caller reads the clock, so tests can fix
 * it). Deals appear in the order given; within a deal its events, then its
 * plan steps, then its risks.
 */
void ics_render(const struct ics_deal *deals, size_t n, const char *calname,
		time_t dtstamp, struct strbuf *out);

/* RFC 5545 TEXT: backslash, semicolon and comma escaped, newlines as \n. */
void ics_escape_text(struct strbuf *out, const char *s);

/*
 * Append one content line ("NAME;PARAM=x:value", without line ending),
 * folded so no physical line exceeds 75 octets, each ending in CRLF.
 */
void ics_add_line(struct strbuf *out, const char *line, size_t len);

#endif
