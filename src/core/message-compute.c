/*
 * The variables each champion message type takes from the engine
 * (message_compute). Every number and date a message states is computed
 * here from the deal, so the wording can change per workspace but the
 * facts cannot.
 */
#include "core/message.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "core/message-internal.h"
#include "core/risk.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the variables of each type -------------------------------------- */

static void
set_common(struct msg_vars *vs, const struct deal *d, tw_date today)
{
	const char *account = msg_or_default(d->account, d->slug);

	msg_vars_set(vs, "account", account);
	msg_vars_set(vs, "slug", d->slug);
	/* A greeting still reads when the champion is not on record. */
	if (d->champion && *d->champion)
		msg_vars_set(vs, "champion", d->champion);
	else
		msg_vars_setf(vs, "champion", "%s team", account);
	msg_vars_set(vs, "champion_email", d->champion_email);
	msg_vars_set(vs, "ae", msg_or_default(d->ae, "our account executive"));
	msg_vars_set(vs, "se", msg_or_default(d->se, "Your sales engineer"));
	msg_set_date(vs, "today", today);
}

static struct message *
add_message(struct message_list *l, const struct deal *d, tw_date today)
{
	struct message *m;

	ALLOC_GROW(l->items, l->n + 1, l->alloc);
	m = &l->items[l->n++];
	memset(m, 0, sizeof(*m));
	set_common(&m->vars, d, today);
	return m;
}

/* What the growth capacity means against the projected growth. */
static void
growth_sentence(struct strbuf *sb, const struct criterion *c,
		const struct criterion_eval *ev)
{
	struct strbuf gc = STRBUF_INIT, pg = STRBUF_INIT;

	if (!c->scales_with_load) {
		strbuf_addstr(sb, "This result does not depend on the size "
				  "of the workload.");
		return;
	}
	if (ev->unbounded) {
		strbuf_addstr(sb, "Workload growth cannot push this result "
				  "past the requirement.");
		return;
	}
	msg_fmt_pct(&gc, ev->growth_capacity_pct);
	if (c->has_growth)
		msg_fmt_pct(&pg, c->growth_pct);
	if (ev->growth_capacity_pct < 0.05)
		strbuf_addstr(sb, "The result sits right at the requirement, "
				  "so any workload growth needs capacity "
				  "planned for it");
	else
		strbuf_addf(sb, "Your workload can grow by %s before this "
			    "requirement is at risk", gc.buf);
	if (ev->scales == TRI_TRUE)
		strbuf_addf(sb, ", which covers the %s growth you project, "
			    "without re-architecture.", pg.buf);
	else if (ev->scales == TRI_FALSE)
		strbuf_addf(sb, ", short of the %s growth you project, so we "
			    "should size production for that growth from the "
			    "start.", pg.buf);
	else
		strbuf_addch(sb, '.');
	strbuf_release(&gc);
	strbuf_release(&pg);
}

static void
buying_signal_vars_set(struct msg_vars *vs, const struct criterion *c,
		       const struct criterion_eval *ev)
{
	struct strbuf sb = STRBUF_INIT;

	msg_vars_set(vs, "criterion", c->key);
	msg_vars_set(vs, "metric", msg_or_default(c->metric, c->key));
	msg_vars_set(vs, "unit", c->unit);
	msg_vars_set(vs, "direction",
		     c->direction == DIR_AT_MOST ? "at most" : "at least");
	msg_vars_setf(vs, "measured", "%.15g", c->measured);
	msg_vars_setf(vs, "required", "%.15g", c->required);
	msg_fmt_value(&sb, c->measured, c->unit);
	msg_set_sb(vs, "result", &sb);
	msg_fmt_requirement(&sb, c);
	msg_set_sb(vs, "requirement", &sb);
	msg_set_date(vs, "measured_on", c->measured_on);
	msg_set_pct(vs, "headroom_pct", ev->headroom_pct);
	if (ev->has_growth_capacity)
		msg_set_pct(vs, "growth_capacity_pct", ev->growth_capacity_pct);
	else if (ev->unbounded)
		msg_vars_set(vs, "growth_capacity_pct", "unbounded");
	else
		msg_vars_set(vs, "growth_capacity_pct", "n/a");
	if (c->has_growth && c->scales_with_load)
		msg_set_pct(vs, "projected_growth_pct", c->growth_pct);
	else
		msg_vars_set(vs, "projected_growth_pct", "n/a");
	msg_vars_set(vs, "scales", ev->scales == TRI_TRUE    ? "yes"
				   : ev->scales == TRI_FALSE ? "no"
							     : "n/a");
	growth_sentence(&sb, c, ev);
	msg_vars_set(vs, "growth", sb.buf);
	msg_vars_set(vs, "outcome", c->outcome);
	/* The meaning: the business outcome it proves, then the growth. */
	if (c->outcome && *c->outcome) {
		struct strbuf m = STRBUF_INIT;

		strbuf_addstr(&m, "For your team, this means: ");
		msg_add_sentence(&m, c->outcome);
		strbuf_addf(&m, " %s", sb.buf);
		msg_set_sb(vs, "meaning", &m);
		strbuf_release(&m);
	} else {
		msg_vars_set(vs, "meaning", sb.buf);
	}
	strbuf_release(&sb);
}

static int
compute_buying_signal(const struct deal *d, const struct message_request *rq,
		      struct message_list *out, struct tw_error *err)
{
	if (rq->criterion && !deal_find_criterion(d, rq->criterion))
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown criterion '%s' in deal '%s'",
				    rq->criterion, d->slug);
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		struct criterion_eval ev;
		struct message *m;

		if (rq->criterion && strcmp(c->key, rq->criterion))
			continue;
		criterion_evaluate(c, &ev);
		if (ev.status != CRIT_PASS) {
			if (!rq->criterion)
				continue;
			return tw_error_set(err, TW_EINPUT,
					    "criterion '%s' has not passed "
					    "(%s): only a passed criterion is "
					    "a buying signal",
					    c->key,
					    crit_status_name(ev.status));
		}
		m = add_message(out, d, rq->today);
		m->criterion = xstrdup(c->key);
		buying_signal_vars_set(&m->vars, c, &ev);
	}
	if (!out->n)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no passed criterion to "
				    "frame as a buying signal",
				    d->slug);
	return 0;
}

/* True when needle occurs in hay, ignoring ASCII case. */
static bool
contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       (hay[i] | 0x20) == (needle[i] | 0x20))
			i++;
		if (i == n)
			return true;
	}
	return false;
}

/*
 * The step that puts a proposal in front of the prospect: the first
 * commercial step that says "proposal", else the first commercial step
 * (in the default playbook, the executive summary), else the first step.
 */
static const struct plan_step *
proposal_step(const struct commercial_plan *p)
{
	const struct plan_step *first = NULL;

	for (size_t i = 0; i < p->nsteps; i++) {
		if (p->steps[i].kind != EVENT_COMMERCIAL)
			continue;
		if (p->steps[i].title &&
		    contains_nocase(p->steps[i].title, "proposal"))
			return &p->steps[i];
		if (!first)
			first = &p->steps[i];
	}
	return first ? first : &p->steps[0];
}

static int
blocked_error(const struct deal *d, const struct commercial_plan *p,
	      struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;

	if (!d->ncriteria)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no success criteria, so "
				    "there is no technical win to build on",
				    d->slug);
	for (size_t i = 0; i < p->nblocking; i++) {
		const struct criterion *c =
			deal_find_criterion(d, p->blocking[i]);
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		strbuf_addf(&sb, "%s'%s' (%s)", i ? ", " : "", c->key,
			    crit_status_name(ev.status));
	}
	tw_error_set(err, TW_EINPUT,
		     "deal '%s' has no technical win yet: blocked by %s",
		     d->slug, sb.buf);
	strbuf_release(&sb);
	return TW_EINPUT;
}

/*
 * A message never promises a date that has passed: when the plan's
 * proposal date is behind today, the proposal moves to the next business
 * day and every step with it by as many business days (a step still
 * before today is dated today), and the message says so (rescheduled,
 * and a warning). Otherwise rescheduled is empty.
 */
static void
reschedule(struct message *m, struct commercial_plan *p,
	   const struct plan_step *ps, const struct holidays *h,
	   tw_date today)
{
	struct strbuf sb = STRBUF_INIT;
	tw_date was = ps->date, next;
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];
	int shift;

	if (was >= today) {
		msg_vars_set(&m->vars, "rescheduled", "");
		return;
	}
	next = date_add_bdays(today, 1, h);
	shift = date_bdays_between(was, next, h);
	for (size_t i = 0; i < p->nsteps; i++) {
		tw_date t = date_add_bdays(p->steps[i].date, shift, h);

		p->steps[i].date = t < today ? today : t;
	}
	p->contract_target = p->steps[p->nsteps - 1].date;
	strbuf_addstr(&sb, "The plan had the proposal for ");
	msg_fmt_date(&sb, was);
	strbuf_addstr(&sb, ", which has passed, so these dates start from "
		      "the next business day. ");
	msg_set_sb(&m->vars, "rescheduled", &sb);
	strbuf_addf(&sb, "the plan's proposal date %s is already past (the "
		    "technical win is %d business days old): the message "
		    "proposes the next business day, %s, and moves the "
		    "steps after it as much",
		    date_format(was, b1),
		    date_bdays_between(p->technical_win, today, h),
		    date_format(next, b2));
	m->warning = strbuf_detach(&sb, NULL);
}

static int
compute_compress(const struct deal *d, const struct holidays *h,
		 const struct message_request *rq, struct message_list *out,
		 struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct commercial_plan p;
	const struct plan_step *ps;
	struct message *m;

	commercial_plan_compute(d, h, &p);
	if (!p.technical_win) {
		int r = blocked_error(d, &p, err);

		commercial_plan_release(&p);
		return r;
	}
	m = add_message(out, d, rq->today);
	msg_set_date(&m->vars, "technical_win_date", p.technical_win);
	msg_vars_setf(&m->vars, "criteria_count", "%zu", d->ncriteria);
	if (d->ncriteria == 1)
		msg_vars_set(&m->vars, "criteria_summary",
			     "your success criterion");
	else if (d->ncriteria == 2)
		msg_vars_set(&m->vars, "criteria_summary",
			     "both of your success criteria");
	else
		msg_vars_setf(&m->vars, "criteria_summary",
			      "all %zu of your success criteria",
			      d->ncriteria);
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		strbuf_addf(&sb, "%s- %s: ", i ? "\n" : "",
			    msg_or_default(c->metric, c->key));
		msg_fmt_value(&sb, c->measured, c->unit);
		strbuf_addstr(&sb, " against ");
		msg_fmt_requirement(&sb, c);
		strbuf_addstr(&sb, " (");
		msg_fmt_pct(&sb, ev.headroom_pct);
		strbuf_addstr(&sb, " headroom)");
	}
	msg_set_sb(&m->vars, "results", &sb);
	ps = proposal_step(&p);
	reschedule(m, &p, ps, h, rq->today);
	msg_vars_set(&m->vars, "proposal_step", ps->title);
	msg_set_date(&m->vars, "proposal_date", ps->date);
	msg_set_date(&m->vars, "contract_target", p.contract_target);
	if (d->has_procurement_days)
		msg_vars_setf(&m->vars, "procurement", "%d business day%s",
			      d->procurement_days,
			      d->procurement_days == 1 ? "" : "s");
	else
		msg_vars_set(&m->vars, "procurement", "not on record");
	for (size_t i = 0; i < p.nsteps; i++) {
		strbuf_addstr(&sb, i ? "\n- " : "- ");
		msg_fmt_date(&sb, p.steps[i].date);
		strbuf_addf(&sb, ": %s", p.steps[i].title);
	}
	msg_set_sb(&m->vars, "steps", &sb);
	strbuf_release(&sb);
	commercial_plan_release(&p);
	return 0;
}

static void
later_start_sentence(struct strbuf *sb, const struct msg_vars *vs,
		     const struct risk *r, const struct risk_eval *ev,
		     tw_date no_buffer_start, tw_date today)
{
	const char *latest = msg_vars_get(vs, "latest_start");
	const char *deadline = msg_vars_get(vs, "deadline");
	const char *buffer = msg_vars_get(vs, "buffer");
	const char *last = msg_vars_get(vs, "no_buffer_start");

	if (today > no_buffer_start) {
		strbuf_addf(sb, "Even a start today would not fit the %s of "
			    "implementation before the %s deadline, so we "
			    "should agree now on what can be live by then.",
			    msg_vars_get(vs, "duration"), deadline);
	} else if (ev->slack_days < 0) {
		strbuf_addf(sb, "The latest safe start, %s, was %d day%s "
			    "ago, so part of the %s of buffer is already gone; "
			    "a start after %s puts the %s deadline itself at "
			    "risk.",
			    latest, -ev->slack_days,
			    ev->slack_days == -1 ? "" : "s", buffer, last,
			    deadline);
	} else if (r->buffer.n == 0) {
		strbuf_addf(sb, "There is no buffer: a start after %s puts "
			    "the %s deadline at risk.", latest, deadline);
	} else {
		strbuf_addf(sb, "Every day we start after %s comes out of "
			    "the %s of buffer, and a start after %s puts the "
			    "%s deadline itself at risk.",
			    latest, buffer, last, deadline);
	}
}

static void
urgency_vars_set(struct msg_vars *vs, const struct deal *d,
		 const struct risk *r, const struct holidays *h, tw_date today)
{
	struct strbuf sb = STRBUF_INIT;
	struct risk_eval ev;
	tw_date no_buffer_start;

	risk_evaluate_deal(d, r, today, h, &ev);
	/* Starting here lands exactly on the deadline, with no buffer left. */
	no_buffer_start = date_sub_duration(r->deadline, &r->duration, h);
	msg_vars_set(vs, "risk", msg_or_default(r->title, r->key));
	msg_vars_set(vs, "risk_key", r->key);
	msg_vars_set(vs, "risk_kind", risk_kind_name(r->kind));
	msg_set_date(vs, "deadline", r->deadline);
	msg_fmt_duration(&sb, &r->buffer);
	msg_set_sb(vs, "buffer", &sb);
	msg_fmt_duration(&sb, &r->duration);
	msg_set_sb(vs, "duration", &sb);
	msg_set_date(vs, "go_live_by", ev.go_live_by);
	msg_set_date(vs, "latest_start", ev.latest_start);
	msg_set_date(vs, "no_buffer_start", no_buffer_start);
	msg_vars_setf(vs, "slack_days", "%d", ev.slack_days);
	if (ev.slack_days == 0)
		msg_vars_set(vs, "slack", "today");
	else
		msg_vars_setf(vs, "slack", "%d day%s %s", abs(ev.slack_days),
			      abs(ev.slack_days) == 1 ? "" : "s",
			      ev.slack_days > 0 ? "from today" : "ago");
	later_start_sentence(&sb, vs, r, &ev, no_buffer_start, today);
	msg_set_sb(vs, "later_start", &sb);
	msg_set_date(vs, "sign_by", ev.sign_by);
	msg_set_date(vs, "review_by", ev.review_by);
	risk_deadline_sentence(&sb, &ev, today);
	msg_set_sb(vs, "contract_deadline", &sb);
	strbuf_release(&sb);
}

static int
compute_urgency(const struct deal *d, const struct holidays *h,
		const struct message_request *rq, struct message_list *out,
		struct tw_error *err)
{
	if (!d->nrisks)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no risks to create urgency "
				    "from",
				    d->slug);
	if (rq->risk && !deal_find_risk(d, rq->risk))
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown risk '%s' in deal '%s'", rq->risk,
				    d->slug);
	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *r = &d->risks[i];
		struct message *m;

		if (rq->risk && strcmp(r->key, rq->risk))
			continue;
		/* Without a deadline there is no date to be urgent about. */
		if (r->deadline == DATE_NONE)
			continue;
		m = add_message(out, d, rq->today);
		m->risk = xstrdup(r->key);
		urgency_vars_set(&m->vars, d, r, h, rq->today);
	}
	if (!out->n)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no risk with a deadline to "
				    "create urgency from",
				    d->slug);
	return 0;
}

/* "Nightly load (28 min against at most 45 min)" for one phase criterion. */
static void
phase_criterion(struct strbuf *sb, const struct deal *d, const char *key)
{
	const struct criterion *c = deal_find_criterion(d, key);
	struct criterion_eval ev;

	if (!c) {
		strbuf_addstr(sb, key);
		return;
	}
	criterion_evaluate(c, &ev);
	strbuf_addf(sb, "%s (", msg_or_default(c->metric, c->key));
	if (ev.status == CRIT_PENDING) {
		strbuf_addstr(sb, "not measured yet)");
		return;
	}
	msg_fmt_value(sb, c->measured, c->unit);
	strbuf_addstr(sb, ev.status == CRIT_PASS ? " against " : ", short of ");
	msg_fmt_requirement(sb, c);
	strbuf_addch(sb, ')');
}

static void
phase_text(struct strbuf *sb, const struct deal *d, const struct phase *p)
{
	strbuf_addf(sb, "Phase %d", p->number);
	if (p->name && *p->name)
		strbuf_addf(sb, ", %s", p->name);
	strbuf_addstr(sb, ": ");
	msg_fmt_money(sb, p->price, d->currency);
	if (p->scope && *p->scope)
		strbuf_addf(sb, "\n  Scope: %s", p->scope);
	if (p->justification && *p->justification)
		strbuf_addf(sb, "\n  Technical reason: %s", p->justification);
	for (size_t i = 0; i < p->ncriteria; i++) {
		strbuf_addstr(sb, i ? "; " : "\n  Rests on: ");
		phase_criterion(sb, d, p->criteria[i]);
	}
	if (p->has_duration) {
		strbuf_addstr(sb, "\n  Duration: ");
		msg_fmt_duration(sb, &p->duration);
	}
}

static int
compute_pricing(const struct deal *d, const struct message_request *rq,
		struct message_list *out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct phase **ph;
	const struct phase *first;
	struct message *m;
	double total = 0;

	if (!d->nphases)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no phases to price",
				    d->slug);
	/* A total that leaves out an unpriced phase would mislead. */
	for (size_t i = 0; i < d->nphases; i++)
		if (!d->phases[i].has_price)
			return tw_error_set(err, TW_EINPUT,
					    "phase %d of deal '%s' has no "
					    "price; every phase needs one for "
					    "a pricing message",
					    d->phases[i].number, d->slug);
	ph = deal_phases_by_number(d);
	first = ph[0];

	m = add_message(out, d, rq->today);
	for (size_t i = 0; i < d->nphases; i++) {
		if (i)
			strbuf_addstr(&sb, "\n\n");
		phase_text(&sb, d, ph[i]);
		total += ph[i]->price;
	}
	msg_set_sb(&m->vars, "phases", &sb);
	msg_vars_setf(&m->vars, "phase_count", "%zu", d->nphases);
	strbuf_addf(&sb, "Phase %d", first->number);
	if (first->name && *first->name)
		strbuf_addf(&sb, " (%s)", first->name);
	msg_set_sb(&m->vars, "initial_phase", &sb);
	msg_set_money(&m->vars, "initial_commitment", first->price,
		      d->currency);
	msg_set_money(&m->vars, "total", total, d->currency);
	msg_set_money(&m->vars, "remaining", total - first->price, d->currency);
	msg_set_pct(&m->vars, "initial_share_pct",
		    total > 0 ? first->price / total * 100 : 0);
	msg_vars_set(&m->vars, "currency", d->currency);
	strbuf_release(&sb);
	free(ph);
	return 0;
}

/* The earliest planned, not-done technical event on or after today. */
static const struct event *
next_technical(const struct deal *d, tw_date today)
{
	const struct event *best = NULL;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind != EVENT_TECHNICAL || e->done != DATE_NONE ||
		    e->date == DATE_NONE || e->date < today)
			continue;
		if (!best || e->date < best->date)
			best = e;
	}
	return best;
}

/*
 * The commercial decision a technical event should trigger: the commercial
 * event that names it in `after`, else the next open commercial event on
 * or after its date.
 */
static const struct event *
triggered_commercial(const struct deal *d, const struct event *t)
{
	const struct event *best = NULL;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind == EVENT_COMMERCIAL && e->after &&
		    !strcmp(e->after, t->key))
			return e;
	}
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind != EVENT_COMMERCIAL || e->done != DATE_NONE ||
		    e->date == DATE_NONE || e->date < t->date)
			continue;
		if (!best || e->date < best->date)
			best = e;
	}
	return best;
}

static int
compute_next_event(const struct deal *d, const struct holidays *h,
		   const struct message_request *rq, struct message_list *out,
		   struct tw_error *err)
{
	const struct event *t = next_technical(d, rq->today), *c;
	struct message *m;
	char b[DATE_BUFSZ];
	int gap;

	if (!t)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no planned technical event "
				    "on or after %s",
				    d->slug, date_format(rq->today, b));
	c = triggered_commercial(d, t);
	if (!c)
		return tw_error_set(err, TW_EINPUT,
				    "no commercial event follows technical "
				    "event '%s' in deal '%s' (add one with "
				    "--after %s)",
				    t->key, d->slug, t->key);
	m = add_message(out, d, rq->today);
	msg_vars_set(&m->vars, "tech_event", msg_or_default(t->title, t->key));
	msg_vars_set(&m->vars, "tech_event_key", t->key);
	msg_set_date(&m->vars, "tech_date", t->date);
	msg_vars_set(&m->vars, "tech_owner",
		     msg_or_default(t->owner, "our team"));
	msg_vars_set(&m->vars, "commercial_event",
		     msg_or_default(c->title, c->key));
	msg_vars_set(&m->vars, "commercial_event_key", c->key);
	msg_set_date(&m->vars, "commercial_date", c->date);
	msg_vars_set(&m->vars, "commercial_owner",
		     msg_or_default(c->owner, msg_vars_get(&m->vars, "ae")));
	if (c->date == DATE_NONE) {
		msg_vars_set(&m->vars, "gap", "when it suits you");
		return 0;
	}
	gap = date_bdays_between(t->date, c->date, h);
	if (gap == 0)
		msg_vars_set(&m->vars, "gap", "the same day");
	else if (gap == 1)
		msg_vars_set(&m->vars, "gap", "the next business day");
	else if (gap > 0)
		msg_vars_setf(&m->vars, "gap", "%d business days later", gap);
	else
		msg_vars_setf(&m->vars, "gap", "%d business day%s before it",
			      -gap, gap == -1 ? "" : "s");
	return 0;
}

int
message_compute(const struct deal *d, const struct holidays *h,
		const struct message_request *rq, struct message_list *out,
		struct tw_error *err)
{
	int r;

	memset(out, 0, sizeof(*out));
	switch (rq->type) {
	case MSG_BUYING_SIGNAL:
		r = compute_buying_signal(d, rq, out, err);
		break;
	case MSG_COMPRESS:
		r = compute_compress(d, h, rq, out, err);
		break;
	case MSG_URGENCY:
		r = compute_urgency(d, h, rq, out, err);
		break;
	case MSG_PRICING:
		r = compute_pricing(d, rq, out, err);
		break;
	case MSG_NEXT_EVENT:
		r = compute_next_event(d, h, rq, out, err);
		break;
	case MSG_NTYPES:
	default:
		r = tw_error_set(err, TW_EUSAGE, "unknown message type");
		break;
	}
	if (r < 0)
		message_list_release(out);
	return r;
}

void
message_list_release(struct message_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].criterion);
		free(l->items[i].risk);
		free(l->items[i].warning);
		msg_vars_release(&l->items[i].vars);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
