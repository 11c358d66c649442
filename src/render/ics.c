/*
 * The iCalendar renderer of ics.h: VCALENDAR framing, one all-day VEVENT per
 * dated event, plan step and risk latest start, RFC 5545 text escaping and
 * 75-octet line folding.
 */
#include "render/ics.h"
#include "core/commercial.h"
#include "core/risk.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#ifndef TW_VERSION
#define TW_VERSION "unknown"
#endif

/* RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, CRLF excluded. */
#define ICS_LINE_MAX 75

void
ics_escape_text(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '\\':
		case ';':
		case ',':
			strbuf_addch(out, '\\');
			strbuf_addch(out, c);
			break;
		case '\r':
			/* CRLF and a lone CR are both one line break. */
			if (s[1] == '\n')
				s++;
			/* fall through */
		case '\n':
			strbuf_addstr(out, "\\n");
			break;
		case '\t':
			strbuf_addch(out, c);
			break;
		default:
			/* TEXT excludes other controls (RFC 5545 3.3.11). */
			if (c >= 0x20 && c != 0x7f)
				strbuf_addch(out, c);
		}
	}
}

void
ics_add_line(struct strbuf *out, const char *line, size_t len)
{
	size_t limit = ICS_LINE_MAX;

	while (len > limit) {
		size_t cut = limit;

		/*
		 * Back up to the first byte of a UTF-8 sequence so no
		 * character is split across lines; the guard only matters
		 * for input that is not UTF-8 at all.
		 */
		while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
			cut--;
		if (!cut)
			cut = limit;
		strbuf_add(out, line, cut);
		strbuf_addstr(out, "\r\n ");
		line += cut;
		len -= cut;
		/* The leading space of a continuation counts too. */
		limit = ICS_LINE_MAX - 1;
	}
	strbuf_add(out, line, len);
	strbuf_addstr(out, "\r\n");
}

static void
add_raw(struct strbuf *out, const char *name, const char *value)
{
	struct strbuf line = STRBUF_INIT;

	strbuf_addf(&line, "%s:%s", name, value);
	ics_add_line(out, line.buf, line.len);
	strbuf_release(&line);
}

static void
add_text(struct strbuf *out, const char *name, const char *text)
{
	struct strbuf line = STRBUF_INIT;

	strbuf_addf(&line, "%s:", name);
	ics_escape_text(&line, text);
	ics_add_line(out, line.buf, line.len);
	strbuf_release(&line);
}

static void
add_date(struct strbuf *out, const char *name, tw_date date)
{
	struct strbuf line = STRBUF_INIT;
	int y, m, d;

	date_to_ymd(date, &y, &m, &d);
	strbuf_addf(&line, "%s;VALUE=DATE:%04d%02d%02d", name, y, m, d);
	ics_add_line(out, line.buf, line.len);
	strbuf_release(&line);
}

/* What one VEVENT says; text fields are raw (escaped on output). */
struct vevent {
	struct strbuf uid;
	tw_date date;
	struct strbuf summary;
	struct strbuf description;
	const char *categories;	/* fixed words, comma-separated */
	const char *status;	/* NULL: no STATUS */
};

static void
vevent_init(struct vevent *v)
{
	struct strbuf blank = STRBUF_INIT;

	v->uid = blank;
	v->summary = blank;
	v->description = blank;
	v->date = DATE_NONE;
	v->categories = NULL;
	v->status = NULL;
}

static void
vevent_release(struct vevent *v)
{
	strbuf_release(&v->uid);
	strbuf_release(&v->summary);
	strbuf_release(&v->description);
}

static void
vevent_emit(struct vevent *v, const char *stamp, struct strbuf *out)
{
	add_raw(out, "BEGIN", "VEVENT");
	add_raw(out, "UID", v->uid.buf);
	add_raw(out, "DTSTAMP", stamp);
	add_date(out, "DTSTART", v->date);
	/* All-day: DTEND is exclusive, so the next day. */
	add_date(out, "DTEND", v->date + 1);
	add_text(out, "SUMMARY", v->summary.buf);
	add_text(out, "DESCRIPTION", v->description.buf);
	add_raw(out, "CATEGORIES", v->categories);
	if (v->status)
		add_raw(out, "STATUS", v->status);
	/* A milestone is not a meeting: it must not show the day as busy. */
	add_raw(out, "TRANSP", "TRANSPARENT");
	add_raw(out, "END", "VEVENT");
	vevent_release(v);
}

static void
deal_line(struct vevent *v, const struct deal *d)
{
	strbuf_addf(&v->description, "Deal: %s (%s)\n",
		    d->account ? d->account : d->slug, d->slug);
}

static void
summary_start(struct vevent *v, const struct deal *d)
{
	strbuf_addf(&v->summary, "%s: ", d->account ? d->account : d->slug);
}

static void
render_event(const struct deal *d, const struct event *e, const char *stamp,
	     struct strbuf *out)
{
	bool done = e->done != DATE_NONE;
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];
	struct vevent v;

	if (!done && e->date == DATE_NONE)
		return;
	vevent_init(&v);
	strbuf_addf(&v.uid, "event.%s.%s@techwin", e->key, d->slug);
	v.date = done ? e->done : e->date;
	summary_start(&v, d);
	strbuf_addstr(&v.summary, e->title ? e->title : e->key);

	deal_line(&v, d);
	strbuf_addf(&v.description, "%s event %s: ",
		    e->kind == EVENT_TECHNICAL ? "Technical" : "Commercial",
		    e->key);
	if (done && e->done == e->date)
		strbuf_addf(&v.description, "done on %s as planned\n",
			    date_format(e->done, b1));
	else if (done && e->date != DATE_NONE)
		strbuf_addf(&v.description, "done on %s (planned %s)\n",
			    date_format(e->done, b1), date_format(e->date, b2));
	else if (done)
		strbuf_addf(&v.description, "done on %s\n",
			    date_format(e->done, b1));
	else
		strbuf_addf(&v.description, "planned for %s, not done yet\n",
			    date_format(e->date, b1));
	if (e->owner)
		strbuf_addf(&v.description, "Owner: %s\n", e->owner);
	if (e->after) {
		const struct event *a = deal_find_event(d, e->after);

		strbuf_addf(&v.description, "Follows: %s (%s)\n",
			    a && a->title ? a->title : e->after, e->after);
	}
	strbuf_setlen(&v.description, v.description.len - 1);

	if (e->kind == EVENT_TECHNICAL)
		v.categories = done ? "technical,done" : "technical";
	else
		v.categories = done ? "commercial,done" : "commercial";
	v.status = done ? "CONFIRMED" : "TENTATIVE";
	vevent_emit(&v, stamp, out);
}

static void
render_plan(const struct deal *d, const struct holidays *h, const char *stamp,
	    struct strbuf *out)
{
	struct commercial_plan plan;
	char b[DATE_BUFSZ];
	bool *applied;
	size_t nsteps;
	/* The steps as commercial_plan_compute reads them, for offsets. */
	const struct step *steps = commercial_playbook(d, h, &nsteps);

	commercial_plan_compute(d, h, &plan);
	/* An applied step is an event already: list it once, as the event. */
	applied = xcalloc(plan.nsteps ? plan.nsteps : 1, sizeof(*applied));
	commercial_plan_applied(d, &plan, h, applied);
	for (size_t i = 0; i < plan.nsteps && i < nsteps; i++) {
		const struct plan_step *s = &plan.steps[i];
		struct vevent v;

		if (applied[i])
			continue;

		vevent_init(&v);
		strbuf_addf(&v.uid, "plan.%zu.%s@techwin", i + 1, d->slug);
		v.date = s->date;
		summary_start(&v, d);
		strbuf_addstr(&v.summary, s->title ? s->title : "plan step");

		deal_line(&v, d);
		strbuf_addf(&v.description,
			    "Plan step %zu of %zu: %d business day%s after the "
			    "technical win of %s",
			    i + 1, plan.nsteps, steps[i].offset,
			    steps[i].offset == 1 ? "" : "s",
			    date_format(plan.technical_win, b));
		if (steps[i].plus_procurement && d->has_procurement_days)
			strbuf_addf(&v.description,
				    ", then %d business day%s of procurement",
				    d->procurement_days,
				    d->procurement_days == 1 ? "" : "s");

		v.categories = s->kind == EVENT_TECHNICAL ? "technical,plan"
							  : "commercial,plan";
		v.status = "TENTATIVE";
		vevent_emit(&v, stamp, out);
	}
	free(applied);
	commercial_plan_release(&plan);
}

static void
render_risk(const struct deal *d, const struct risk *r,
	    const struct holidays *h, const char *stamp, struct strbuf *out)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ], b3[DATE_BUFSZ];
	char dur[DURATION_BUFSZ], buf[DURATION_BUFSZ];
	struct risk_eval ev;
	struct vevent v;

	/* Slack depends on today; the calendar shows only fixed dates. */
	risk_evaluate(r, DATE_NONE, h, &ev);
	if (ev.latest_start == DATE_NONE)
		return;
	vevent_init(&v);
	strbuf_addf(&v.uid, "risk.%s.%s@techwin", r->key, d->slug);
	v.date = ev.latest_start;
	summary_start(&v, d);
	strbuf_addf(&v.summary, "latest start: %s",
		    r->title ? r->title : r->key);

	deal_line(&v, d);
	strbuf_addf(&v.description, "Risk %s (%s): %s\n", r->key,
		    risk_kind_name(r->kind), r->title ? r->title : r->key);
	strbuf_addf(&v.description,
		    "Start the implementation (%s) by %s to go live by %s, "
		    "%s before the deadline of %s. A later start spends the "
		    "buffer.",
		    duration_format(&r->duration, dur),
		    date_format(ev.latest_start, b1),
		    date_format(ev.go_live_by, b2),
		    duration_format(&r->buffer, buf),
		    date_format(r->deadline, b3));
	v.categories = "risk";
	vevent_emit(&v, stamp, out);
}

static void
format_stamp(time_t t, char buf[17])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void
ics_render(const struct ics_deal *deals, size_t n, const char *calname,
	   time_t dtstamp, struct strbuf *out)
{
	char stamp[17];

	format_stamp(dtstamp, stamp);
	add_raw(out, "BEGIN", "VCALENDAR");
	add_raw(out, "VERSION", "2.0");
	add_raw(out, "PRODID", "-//techwin//techwin " TW_VERSION "//EN");
	add_raw(out, "CALSCALE", "GREGORIAN");
	add_text(out, "X-WR-CALNAME", calname ? calname : "techwin");
	for (size_t i = 0; i < n; i++) {
		const struct deal *d = deals[i].deal;
		const struct holidays *h = deals[i].holidays;

		for (size_t j = 0; j < d->nevents; j++)
			render_event(d, &d->events[j], stamp, out);
		render_plan(d, h, stamp, out);
		for (size_t j = 0; j < d->nrisks; j++)
			render_risk(d, &d->risks[j], h, stamp, out);
	}
	add_raw(out, "END", "VCALENDAR");
}
