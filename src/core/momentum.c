/*
 * Momentum rules (issue "leverage engine"): every technical event must be
 * followed by a commercial one within max_gap business days, a technical win
 * must not sit idle, passes must be framed, risks started in time.
 */
#include "core/momentum.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "core/risk.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days a buying-signal message may take after the pass it frames. */
#define FRAME_WINDOW_BDAYS 2
/* A risk whose latest start is this close (calendar days) is flagged. */
#define START_SOON_DAYS 10

static const char *const severity_names[] = { "error", "warning" };

const char *
severity_name(enum severity s)
{
	return severity_names[s == SEV_WARNING];
}

static void
add_finding(struct momentum_report *r, const char *rule, enum severity sev,
	    const char *subject, tw_date date, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
add_finding(struct momentum_report *r, const char *rule, enum severity sev,
	    const char *subject, tw_date date, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r->findings = xrealloc(r->findings, (r->n + 1) * sizeof(*r->findings));
	f = &r->findings[r->n++];
	f->rule = rule;
	f->severity = sev;
	f->subject = xstrdup(subject ? subject : "");
	f->message = strbuf_detach(&sb, NULL);
	f->date = date;
}

/* When an event happened, or is planned to. */
static tw_date
event_date(const struct event *e)
{
	return e->done ? e->done : e->date;
}

static void
check_followups(const struct deal *d, tw_date today, const struct holidays *h,
		int max_gap, struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *t = &d->events[i];
		tw_date end, late = DATE_NONE;
		bool in_window = false;

		if (t->kind != EVENT_TECHNICAL || !t->done)
			continue;
		end = date_add_bdays(t->done, max_gap, h);
		for (size_t j = 0; j < d->nevents; j++) {
			const struct event *c = &d->events[j];
			tw_date cd = event_date(c);

			if (c->kind != EVENT_COMMERCIAL || !cd || cd < t->done)
				continue;
			if (cd <= end)
				in_window = true;
			else if (!late || cd < late)
				late = cd;
		}
		if (in_window)
			continue;
		if (late)
			add_finding(r, "late-commercial-followup", SEV_WARNING,
				    t->key, late,
				    "the first commercial step after '%s' "
				    "(done %s) is on %s, later than %d "
				    "business days",
				    t->title ? t->title : t->key,
				    date_format(t->done, b1),
				    date_format(late, b2), max_gap);
		else if (date_bdays_between(t->done, today, h) > max_gap)
			add_finding(r, "no-commercial-followup", SEV_ERROR,
				    t->key, t->done,
				    "'%s' was done on %s and no commercial step "
				    "followed within %d business days (by %s)",
				    t->title ? t->title : t->key,
				    date_format(t->done, b1), max_gap,
				    date_format(end, b2));
	}
}

static bool
commercial_done_since(const struct deal *d, tw_date since)
{
	for (size_t i = 0; i < d->nevents; i++)
		if (d->events[i].kind == EVENT_COMMERCIAL &&
		    d->events[i].done && d->events[i].done >= since)
			return true;
	return false;
}

static bool
pass_is_framed(const struct deal *d, const struct criterion *c,
	       const struct holidays *h)
{
	tw_date end = date_add_bdays(c->measured_on, FRAME_WINDOW_BDAYS, h);

	for (size_t i = 0; i < d->ntouches; i++) {
		const struct touch *t = &d->touches[i];

		if (!t->type || strcmp(t->type, "buying-signal"))
			continue;
		if (t->criterion && strcmp(t->criterion, c->key))
			continue;
		if (t->date >= c->measured_on && t->date <= end)
			return true;
	}
	return false;
}

static bool
technical_event_after(const struct deal *d, tw_date after)
{
	for (size_t i = 0; i < d->nevents; i++)
		if (d->events[i].kind == EVENT_TECHNICAL &&
		    event_date(&d->events[i]) > after)
			return true;
	return false;
}

static void
check_criteria(const struct deal *d, tw_date today, const struct holidays *h,
	       struct momentum_report *r)
{
	char b[DATE_BUFSZ];
	size_t npending = 0;

	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		npending += ev.status == CRIT_PENDING;
		if (ev.status == CRIT_PASS && c->measured_on &&
		    date_bdays_between(c->measured_on, today, h) >
			    FRAME_WINDOW_BDAYS &&
		    !pass_is_framed(d, c, h))
			add_finding(r, "unframed-pass", SEV_WARNING, c->key,
				    c->measured_on,
				    "'%s' passed on %s but no buying-signal "
				    "message went to the champion within %d "
				    "business days",
				    c->metric ? c->metric : c->key,
				    date_format(c->measured_on, b),
				    FRAME_WINDOW_BDAYS);
		if (ev.status == CRIT_FAIL &&
		    !technical_event_after(d, c->measured_on))
			add_finding(r, "failed-criterion", SEV_WARNING, c->key,
				    c->measured_on,
				    "'%s' failed (%.15g against %s %.15g) and "
				    "no technical event is planned to address "
				    "it",
				    c->metric ? c->metric : c->key, c->measured,
				    c->direction == DIR_AT_MOST ? "at most"
								: "at least",
				    c->required);
	}
	if (d->poc_end && d->poc_end < today && npending)
		add_finding(r, "poc-overdue", SEV_WARNING, d->slug, d->poc_end,
			    "the POC ended on %s and %zu criteri%s still "
			    "pending",
			    date_format(d->poc_end, b), npending,
			    npending == 1 ? "on is" : "a are");
}

static void
check_risks(const struct deal *d, tw_date today, const struct holidays *h,
	    struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];

	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *rk = &d->risks[i];
		struct risk_eval ev;

		if (!rk->deadline)
			continue;
		risk_evaluate(rk, today, h, &ev);
		if (ev.slack_days < 0)
			add_finding(r, "deadline-at-risk", SEV_ERROR, rk->key,
				    ev.latest_start,
				    "'%s': the latest safe start was %s, %d "
				    "days ago; go-live by %s is at risk",
				    rk->title ? rk->title : rk->key,
				    date_format(ev.latest_start, b1),
				    -ev.slack_days,
				    date_format(ev.go_live_by, b2));
		else if (ev.slack_days <= START_SOON_DAYS)
			add_finding(r, "start-soon", SEV_WARNING, rk->key,
				    ev.latest_start,
				    "'%s': implementation must start by %s "
				    "(%d days left) to go live by %s",
				    rk->title ? rk->title : rk->key,
				    date_format(ev.latest_start, b1),
				    ev.slack_days,
				    date_format(ev.go_live_by, b2));
	}
}

static void
check_phases(const struct deal *d, struct momentum_report *r)
{
	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];
		char num[16];
		bool nojust = !p->justification || !*p->justification;

		if (!nojust && p->ncriteria)
			continue;
		snprintf(num, sizeof(num), "%d", p->number);
		add_finding(r, "phase-unjustified", SEV_WARNING, num, DATE_NONE,
			    "phase %d (%s) has no %s", p->number,
			    p->name ? p->name : "unnamed",
			    nojust && !p->ncriteria ? "technical justification "
						      "and no criteria"
			    : nojust		    ? "technical justification"
						    : "criteria behind it");
	}
}

double
freshness_score(const struct deal *d, tw_date win, tw_date today,
		const struct holidays *h, double half_life)
{
	int idle;

	if (commercial_done_since(d, win))
		return 100.0;
	idle = date_bdays_between(win, today, h);
	if (idle <= 0)
		return 100.0;
	return 100.0 * pow(0.5, idle / half_life);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->rule, y->rule);
}

void
momentum_check(const struct deal *d, tw_date today, const struct holidays *h,
	       const struct momentum_settings *s, struct momentum_report *out)
{
	struct commercial_plan plan;
	char b[DATE_BUFSZ];

	memset(out, 0, sizeof(*out));
	check_followups(d, today, h, s->max_gap, out);

	commercial_plan_compute(d, h, &plan);
	if (plan.technical_win) {
		int age = date_bdays_between(plan.technical_win, today, h);

		if (age > s->max_gap &&
		    !commercial_done_since(d, plan.technical_win))
			add_finding(out, "stale-technical-win", SEV_ERROR,
				    d->slug, plan.technical_win,
				    "the technical win of %s is %d business "
				    "days old and no commercial step has been "
				    "done since",
				    date_format(plan.technical_win, b), age);
		out->has_freshness = true;
		out->freshness = freshness_score(d, plan.technical_win, today,
						 h, s->half_life);
	}
	commercial_plan_release(&plan);

	check_criteria(d, today, h, out);
	check_risks(d, today, h, out);
	check_phases(d, out);
	qsort(out->findings, out->n, sizeof(*out->findings), cmp_finding);
}

void
momentum_report_release(struct momentum_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].subject);
		free(r->findings[i].message);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}
