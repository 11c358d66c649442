/*
 * Holidays from an iCalendar file (ics-holidays.h). The structure (lines,
 * unfolding, BEGIN/END nesting) is read here, so every error names its
 * line; each property an event needs is parsed by libical, and yearly
 * recurrences are expanded by its icalrecur iterators.
 */
#include "formats/ics-holidays.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include <libical/ical.h>

#define MAX_DEPTH 16
/* An all-day event longer than a year is no holiday. */
#define MAX_EVENT_DAYS 366
/* Occurrences of one RRULE looked at, before the years asked for too. */
#define MAX_OCCURRENCES 100000

/* One logical line (continuations unfolded) and where it starts. */
struct ics_line {
	char *text;
	size_t lineno;
};

/* The properties of the event being read: the lines that hold them. */
struct ics_event {
	size_t begin;			/* line of BEGIN:VEVENT */
	const struct ics_line *dtstart, *dtend, *duration;
	const struct ics_line **rules, **exdates, **rdates;
	size_t nrules, nexdates, nrdates;
	size_t arules, aexdates, ardates;
	bool cancelled;
};

struct ics_reader {
	const char *name;
	tw_date first, last;		/* the years asked for */
	int to;
	struct ics_holidays *out;
	size_t alloc;
	struct tw_error *err;
};

static int
fail_at(struct ics_reader *r, size_t lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_at(struct ics_reader *r, size_t lineno, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tw_error_set(r->err, TW_EINPUT, "%s:%zu: %s", r->name, lineno, sb.buf);
	strbuf_release(&sb);
	return TW_EINPUT;
}

/* The line as quoted in an error: at most 60 bytes. */
static const char *
excerpt(const char *s, char buf[64])
{
	size_t n = strlen(s);

	if (n <= 60)
		return s;
	memcpy(buf, s, 57);
	memcpy(buf + 57, "...", 4);
	return buf;
}

/*
 * Split text into logical lines: CRLF or LF ends a line, a line that
 * starts with a space or a tab continues the one before (RFC 5545 3.1).
 * Empty lines are dropped.
 */
static int
unfold(struct ics_reader *r, const char *text, size_t len,
       struct ics_line **out, size_t *n)
{
	size_t alloc = 0, lineno = 0;
	const char *p = text, *end = text + len;

	*out = NULL;
	*n = 0;
	if ((p = memchr(text, '\0', len))) {
		for (const char *q = text; q < p; q++)
			lineno += *q == '\n';
		return fail_at(r, lineno + 1,
			       "not a text file (it holds a NUL byte)");
	}
	p = text;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		size_t l = (size_t)(e - p);

		lineno++;
		if (l && p[l - 1] == '\r')
			l--;
		if (l && (*p == ' ' || *p == '\t') && *n) {
			struct ics_line *last = &(*out)[*n - 1];
			size_t old = strlen(last->text);

			last->text = xrealloc(last->text, old + l);
			memcpy(last->text + old, p + 1, l - 1);
			last->text[old + l - 1] = '\0';
		} else if (l) {
			ALLOC_GROW(*out, *n + 1, alloc);
			(*out)[*n].text = xstrndup(p, l);
			(*out)[*n].lineno = lineno;
			(*n)++;
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* The property name of a line: up to ';' or ':'. */
static size_t
name_len(const char *line)
{
	return strcspn(line, ";:");
}

static bool
is_prop(const char *line, const char *name)
{
	size_t n = strlen(name);

	return name_len(line) == n && !strncasecmp(line, name, n);
}

/* "BEGIN:VEVENT" -> "VEVENT" when line is BEGIN (or END) of something. */
static const char *
component(const char *line, const char *what)
{
	size_t n = strlen(what);

	if (strncasecmp(line, what, n) || line[n] != ':')
		return NULL;
	return line + n + 1;
}

static void
add_day(struct ics_reader *r, tw_date d)
{
	if (d < r->first || d > r->last)
		return;
	ALLOC_GROW(r->out->days, r->out->n + 1, r->alloc);
	r->out->days[r->out->n++] = d;
}

static tw_date
ical_date(struct icaltimetype t)
{
	return date_from_ymd(t.year, t.month, t.day);
}

/* libical's property of line, or NULL with the error set. */
static icalproperty *
property(struct ics_reader *r, const struct ics_line *l)
{
	char buf[64];
	icalproperty *p;

	icalerror_clear_errno();
	p = icalproperty_new_from_string(l->text);
	if (!p)
		fail_at(r, l->lineno, "cannot read '%s'", excerpt(l->text, buf));
	return p;
}

/* A date-valued property (DTSTART, DTEND): NULL time when unreadable. */
static int
read_time(struct ics_reader *r, const struct ics_line *l,
	  struct icaltimetype (*get)(const icalproperty *),
	  struct icaltimetype *out)
{
	icalproperty *p = property(r, l);
	char buf[64];

	if (!p)
		return TW_EINPUT;
	*out = get(p);
	icalproperty_free(p);
	if (icaltime_is_null_time(*out) || !ical_date(*out))
		return fail_at(r, l->lineno, "no date in '%s'",
			       excerpt(l->text, buf));
	return 0;
}

/*
 * The values of a multi-valued date property (EXDATE, RDATE), each
 * parsed by libical as a property of its own: "EXDATE;VALUE=DATE:a,b".
 */
static int
read_dates(struct ics_reader *r, const struct ics_line *l, bool rdate,
	   tw_date **days, size_t *n, size_t *alloc)
{
	const char *colon = strchr(l->text, ':');
	const char *v = colon + 1;
	struct strbuf one = STRBUF_INIT;
	int rc = 0;

	while (!rc) {
		size_t len = strcspn(v, ",");
		struct icaltimetype t;
		icalproperty *p;

		strbuf_reset(&one);
		strbuf_add(&one, l->text, (size_t)(colon + 1 - l->text));
		strbuf_add(&one, v, len);
		icalerror_clear_errno();
		p = icalproperty_new_from_string(one.buf);
		if (!p) {
			char buf[64];

			rc = fail_at(r, l->lineno, "cannot read '%s'",
				     excerpt(l->text, buf));
			break;
		}
		t = rdate ? icalproperty_get_rdate(p).time
			  : icalproperty_get_exdate(p);
		icalproperty_free(p);
		if (icaltime_is_null_time(t) || !ical_date(t)) {
			rc = fail_at(r, l->lineno, "%s: expected dates, got "
				     "'%.*s'", rdate ? "RDATE" : "EXDATE",
				     (int)len, v);
			break;
		}
		ALLOC_GROW(*days, *n + 1, *alloc);
		(*days)[(*n)++] = ical_date(t);
		if (!v[len])
			break;
		v += len + 1;
	}
	strbuf_release(&one);
	return rc;
}

/* How many days the event lasts, from DTEND or DURATION (else 1). */
static int
event_days(struct ics_reader *r, const struct ics_event *ev, tw_date start,
	   int *days)
{
	*days = 1;
	if (ev->dtend) {
		struct icaltimetype t;
		int rc = read_time(r, ev->dtend, icalproperty_get_dtend, &t);

		if (rc)
			return rc;
		*days = ical_date(t) - start;
		if (*days <= 0)
			return fail_at(r, ev->dtend->lineno,
				       "DTEND is not after DTSTART");
	} else if (ev->duration) {
		icalproperty *p = property(r, ev->duration);
		struct icaldurationtype d;

		if (!p)
			return TW_EINPUT;
		d = icalproperty_get_duration(p);
		icalproperty_free(p);
		if (d.is_neg || d.hours || d.minutes || d.seconds ||
		    (!d.days && !d.weeks))
			return fail_at(r, ev->duration->lineno,
				       "the DURATION of an all-day event is "
				       "whole days (P1D, P2W)");
		*days = (int)(d.days + 7 * d.weeks);
	}
	if (*days > MAX_EVENT_DAYS)
		return fail_at(r, ev->dtstart->lineno,
			       "an all-day event of %d days (at most %d)",
			       *days, MAX_EVENT_DAYS);
	return 0;
}

/* Every start of the event: DTSTART, its yearly recurrences, RDATEs. */
static int
event_starts(struct ics_reader *r, const struct ics_event *ev,
	     struct icaltimetype dtstart, tw_date **starts, size_t *n,
	     size_t *alloc)
{
	int rc = 0;

	ALLOC_GROW(*starts, *n + 1, *alloc);
	(*starts)[(*n)++] = ical_date(dtstart);
	for (size_t i = 0; i < ev->nrules && !rc; i++) {
		const struct ics_line *l = ev->rules[i];
		icalproperty *p = property(r, l);
		struct icalrecurrencetype rule;
		icalrecur_iterator *it;
		size_t k;

		if (!p)
			return TW_EINPUT;
		rule = icalproperty_get_rrule(p);
		icalproperty_free(p);
		if (rule.freq != ICAL_YEARLY_RECURRENCE)
			return fail_at(r, l->lineno, "only yearly recurrences "
				       "(FREQ=YEARLY) are read, got FREQ=%s",
				       rule.freq == ICAL_NO_RECURRENCE
					       ? "(none)"
					       : icalrecur_freq_to_string(
							 rule.freq));
		if (!(it = icalrecur_iterator_new(rule, dtstart)))
			return fail_at(r, l->lineno, "cannot expand '%s'",
				       l->text);
		for (k = 0; k < MAX_OCCURRENCES; k++) {
			struct icaltimetype t = icalrecur_iterator_next(it);
			tw_date d;

			if (icaltime_is_null_time(t))
				break;
			d = ical_date(t);
			if (!d || d > r->last)
				break;
			ALLOC_GROW(*starts, *n + 1, *alloc);
			(*starts)[(*n)++] = d;
		}
		icalrecur_iterator_free(it);
		if (k == MAX_OCCURRENCES)
			rc = fail_at(r, l->lineno, "the RRULE gives more than "
				     "%d dates up to %d", MAX_OCCURRENCES,
				     r->to);
	}
	for (size_t i = 0; i < ev->nrdates && !rc; i++)
		rc = read_dates(r, ev->rdates[i], true, starts, n, alloc);
	return rc;
}

static int
event_end(struct ics_reader *r, struct ics_event *ev)
{
	struct icaltimetype dtstart;
	tw_date *starts = NULL, *ex = NULL;
	size_t nstarts = 0, astarts = 0, nex = 0, aex = 0;
	int days = 0, rc;

	if (!ev->dtstart)
		return fail_at(r, ev->begin, "event without DTSTART");
	if ((rc = read_time(r, ev->dtstart, icalproperty_get_dtstart,
			    &dtstart)))
		return rc;
	if (!dtstart.is_date || ev->cancelled) {
		r->out->skipped++;
		return 0;
	}
	rc = event_days(r, ev, ical_date(dtstart), &days);
	if (!rc)
		rc = event_starts(r, ev, dtstart, &starts, &nstarts, &astarts);
	for (size_t i = 0; i < ev->nexdates && !rc; i++)
		rc = read_dates(r, ev->exdates[i], false, &ex, &nex, &aex);
	for (size_t i = 0; i < nstarts && !rc; i++) {
		bool excluded = false;

		for (size_t j = 0; j < nex && !excluded; j++)
			excluded = ex[j] == starts[i];
		for (int k = 0; k < days && !excluded; k++)
			add_day(r, starts[i] + k);
	}
	free(starts);
	free(ex);
	return rc;
}

static void
event_reset(struct ics_event *ev, size_t begin)
{
	free(ev->rules);
	free(ev->exdates);
	free(ev->rdates);
	memset(ev, 0, sizeof(*ev));
	ev->begin = begin;
}

/* A property of the event being read. */
static int
event_prop(struct ics_reader *r, struct ics_event *ev,
	   const struct ics_line *l)
{
	const struct ics_line **once = NULL;

	if (is_prop(l->text, "DTSTART"))
		once = &ev->dtstart;
	else if (is_prop(l->text, "DTEND"))
		once = &ev->dtend;
	else if (is_prop(l->text, "DURATION"))
		once = &ev->duration;
	if (once) {
		if (*once)
			return fail_at(r, l->lineno, "a second %.*s in the "
				       "event (line %zu)",
				       (int)name_len(l->text), l->text,
				       (*once)->lineno);
		*once = l;
	} else if (is_prop(l->text, "RRULE")) {
		ALLOC_GROW(ev->rules, ev->nrules + 1, ev->arules);
		ev->rules[ev->nrules++] = l;
	} else if (is_prop(l->text, "EXDATE")) {
		ALLOC_GROW(ev->exdates, ev->nexdates + 1, ev->aexdates);
		ev->exdates[ev->nexdates++] = l;
	} else if (is_prop(l->text, "RDATE")) {
		ALLOC_GROW(ev->rdates, ev->nrdates + 1, ev->ardates);
		ev->rdates[ev->nrdates++] = l;
	} else if (is_prop(l->text, "STATUS")) {
		ev->cancelled = !strcasecmp(strchr(l->text, ':') + 1,
					    "CANCELLED");
	}
	return 0;
}

/* BEGIN/END nesting, line by line; events are read at their END. */
static int
walk(struct ics_reader *r, const struct ics_line *lines, size_t n)
{
	const char *stack[MAX_DEPTH];
	size_t at[MAX_DEPTH], depth = 0;
	struct ics_event ev = { 0 };
	char buf[64];
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		const struct ics_line *l = &lines[i];
		const char *c;

		if (!depth && !component(l->text, "BEGIN")) {
			rc = fail_at(r, l->lineno, i ? "'%s' outside "
				     "BEGIN:VCALENDAR and END:VCALENDAR"
				     : "not an iCalendar file: expected "
				       "BEGIN:VCALENDAR, got '%s'",
				     excerpt(l->text, buf));
		} else if (!strchr(l->text, ':')) {
			rc = fail_at(r, l->lineno, "expected NAME:VALUE, got "
				     "'%s'", excerpt(l->text, buf));
		} else if ((c = component(l->text, "BEGIN"))) {
			if (!depth && strcasecmp(c, "VCALENDAR"))
				rc = fail_at(r, l->lineno, "expected "
					     "BEGIN:VCALENDAR, got '%s'",
					     excerpt(l->text, buf));
			else if (depth == MAX_DEPTH)
				rc = fail_at(r, l->lineno, "components nested "
					     "more than %d deep", MAX_DEPTH);
			if (rc)
				break;
			if (depth == 1 && !strcasecmp(c, "VEVENT"))
				event_reset(&ev, l->lineno);
			stack[depth] = c;
			at[depth++] = l->lineno;
		} else if ((c = component(l->text, "END"))) {
			if (strcasecmp(c, stack[depth - 1]))
				rc = fail_at(r, l->lineno, "END:%s, but "
					     "BEGIN:%s (line %zu) is still "
					     "open", c, stack[depth - 1],
					     at[depth - 1]);
			else if (--depth == 1 && !strcasecmp(c, "VEVENT"))
				rc = event_end(r, &ev);
		} else if (depth == 2 && !strcasecmp(stack[1], "VEVENT")) {
			rc = event_prop(r, &ev, l);
		}
	}
	if (!rc && depth)
		rc = fail_at(r, at[depth - 1], "BEGIN:%s is never closed",
			     stack[depth - 1]);
	if (!rc && !n)
		rc = fail_at(r, 1, "not an iCalendar file: it is empty");
	event_reset(&ev, 0);
	return rc;
}

int
ics_holidays_read(const char *text, size_t len, const char *name, int from,
		  int to, struct ics_holidays *out, struct tw_error *err)
{
	struct ics_reader r = { name, date_from_ymd(from, 1, 1),
				date_from_ymd(to, 12, 31), to, out, 0, err };
	struct ics_line *lines;
	size_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	/* Report errors, never abort on them (a build may make them fatal). */
	icalerror_set_errors_are_fatal(0);
	if ((rc = unfold(&r, text, len, &lines, &n)) == 0)
		rc = walk(&r, lines, n);
	for (size_t i = 0; i < n; i++)
		free(lines[i].text);
	free(lines);
	if (rc) {
		ics_holidays_release(out);
		out->skipped = 0;
		return rc;
	}
	out->n = holidays_normalize(out->days, out->n);
	return 0;
}
