/*
 * Momentum rules (issue "leverage engine", momentum v2): every technical
 * event must be followed by a commercial one within max_gap business days,
 * a technical win must not sit idle, planned steps must happen, a deal must
 * always have a next step, passes must be framed, risks started in time.
 * The rules themselves are listed in momentum.h; each also says on which
 * later day its answer changes (recheck_on).
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

static const char *const severity_names[] = { "error", "warning" };

const char *
severity_name(enum severity s)
{
	return severity_names[s == SEV_WARNING];
}

bool
deal_is_snoozed(const struct deal *d, tw_date today)
{
	return d->snooze_until != DATE_NONE && today <= d->snooze_until;
}

static void
add_finding(struct momentum_report *r, const char *rule, enum severity sev,
	    const char *subject, tw_date date, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * strbuf_vaddf for the conversions messages use most, %s, %d and %zu,
 * without vsnprintf: over a pipeline of 100k deals there are 540,000
 * findings, and vsnprintf cost more than the rules themselves; even
 * formatting once, it adds 8-10 % to the CPU of `check` at 100k
 * (BENCHMARKS.md). Any other conversion hands the rest of fmt, and of ap,
 * to strbuf_vaddf.
 */
static void
message_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	const char *p = fmt;

	for (;;) {
		const char *pct = strchr(p, '%');
		char num[24], *n = num + sizeof(num);
		unsigned long long v;
		bool neg = false;

		strbuf_add(sb, p, pct ? (size_t)(pct - p) : strlen(p));
		if (!pct)
			return;
		if (pct[1] == 's') {
			const char *str = va_arg(ap, const char *);

			/* What glibc's printf prints for NULL. */
			strbuf_addstr(sb, str ? str : "(null)");
			p = pct + 2;
			continue;
		}
		if (pct[1] == 'd') {
			int i = va_arg(ap, int);

			neg = i < 0;
			v = neg ? 0ULL - (unsigned long long)i
				: (unsigned long long)i;
			p = pct + 2;
		} else if (pct[1] == 'z' && pct[2] == 'u') {
			v = va_arg(ap, size_t);
			p = pct + 3;
		} else {
			strbuf_vaddf(sb, pct, ap);
			return;
		}
		do
			*--n = (char)('0' + v % 10);
		while (v /= 10);
		if (neg)
			*--n = '-';
		strbuf_add(sb, n, (size_t)(num + sizeof(num) - n));
	}
}

static struct finding *
new_finding(struct momentum_report *r, const char *rule, enum severity sev,
	    const char *subject, tw_date date, const char *fmt, va_list ap)
{
	struct strbuf sb;
	struct finding *f;

	/* Room for most messages at once: growing from empty cost a quarter. */
	strbuf_init(&sb, strlen(fmt) + 64);
	message_vaddf(&sb, fmt, ap);
	ALLOC_GROW(r->findings, r->n + 1, r->alloc);
	f = &r->findings[r->n++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	f->snoozed = false;
	f->subject = xstrdup(subject ? subject : "");
	f->message = strbuf_detach(&sb, NULL);
	f->date = date;
	return f;
}

static void
add_finding(struct momentum_report *r, const char *rule, enum severity sev,
	    const char *subject, tw_date date, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	new_finding(r, rule, sev, subject, date, fmt, ap);
	va_end(ap);
}

/*
 * What the settings decide in a message, as tokens (momentum.h's
 * finding_render): "N business days", and the day N business days after
 * a date (its argument), N being max_gap or overdue_grace.
 */
#define TOKEN "\x1f"
#define GAP_DAYS TOKEN "g" TOKEN
#define GAP_END TOKEN "g%s" TOKEN
#define GRACE_DAYS TOKEN "o" TOKEN
#define GRACE_END TOKEN "o%s" TOKEN

/* add_finding for a message with tokens: kept as fmt made it, rendered. */
static void
add_windowed(struct momentum_report *r, const struct momentum_settings *s,
	     const struct holidays *h, const char *rule, enum severity sev,
	     const char *subject, tw_date date, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static void
add_windowed(struct momentum_report *r, const struct momentum_settings *s,
	     const struct holidays *h, const char *rule, enum severity sev,
	     const char *subject, tw_date date, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = new_finding(r, rule, sev, subject, date, fmt, ap);
	va_end(ap);
	finding_render(f->message, s, h, &sb);
	f->stored = f->message;
	f->message = strbuf_detach(&sb, NULL);
}

static const char *
plural(int n)
{
	return n == 1 ? "" : "s";
}

const char *
finding_stored(const struct finding *f)
{
	return f->stored ? f->stored : f->message;
}

bool
finding_has_tokens(const char *kept)
{
	return strchr(kept, TOKEN[0]) != NULL;
}

void
finding_render(const char *kept, const struct momentum_settings *s,
	       const struct holidays *h, struct strbuf *out)
{
	const char *p = kept, *t;

	while ((t = strchr(p, TOKEN[0]))) {
		const char *e = strchr(t + 1, TOKEN[0]);
		char day[DATE_BUFSZ];
		size_t len = e ? (size_t)(e - t - 2) : 0;
		tw_date base = DATE_NONE;
		int n;

		if (!e || e == t + 1 || (t[1] != 'g' && t[1] != 'o') ||
		    len >= sizeof(day) ||
		    (len && (memcpy(day, t + 2, len), day[len] = '\0',
			     date_parse(day, &base, NULL) < 0 || !base))) {
			/* Not a token: as it is, up to the next separator. */
			strbuf_add(out, p, (size_t)(t + 1 - p));
			p = t + 1;
			continue;
		}
		strbuf_add(out, p, (size_t)(t - p));
		n = t[1] == 'g' ? s->max_gap : s->overdue_grace;
		if (len)
			strbuf_addstr(out, date_format(date_add_bdays(base, n, h),
						       day));
		else
			strbuf_addf(out, "%d business day%s", n, plural(n));
		p = e + 1;
	}
	strbuf_addstr(out, p);
}

void
momentum_report_render(struct momentum_report *r,
		       const struct momentum_settings *s,
		       const struct holidays *h)
{
	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->findings[i];
		struct strbuf sb = STRBUF_INIT;

		if (f->stored || !finding_has_tokens(f->message))
			continue;
		finding_render(f->message, s, h, &sb);
		f->stored = f->message;
		f->message = strbuf_detach(&sb, NULL);
	}
}

/*
 * The answer of a rule may change on day t with nothing written:
 * recheck_on is the earliest such day after today (momentum.h).
 */
static void
changes_on(struct momentum_report *r, tw_date today, tw_date t)
{
	if (t > today && (!r->recheck_on || t < r->recheck_on))
		r->recheck_on = t;
}

/*
 * Each rule below compares today with a day computed from the deal alone
 * ("more than N business days since a" is today >= a + (N+1) bd) and
 * notes that day with changes_on(). The other dates rules compare with
 * today, a done date or a touch that is not yet in the past (--today
 * looking back), the end of a snooze, are noted here once for all.
 */
static void
note_dated_changes(const struct deal *d, tw_date today,
		   struct momentum_report *r)
{
	for (size_t i = 0; i < d->nevents; i++)
		changes_on(r, today, d->events[i].done);
	for (size_t i = 0; i < d->ntouches; i++)
		changes_on(r, today, d->touches[i].date);
	changes_on(r, today, d->confirmed_on);
	if (d->snooze_until)
		changes_on(r, today, d->snooze_until + 1);
}

/* When an event happened, or is planned to. */
static tw_date
event_date(const struct event *e)
{
	return e->done ? e->done : e->date;
}

static const char *
event_name(const struct event *e)
{
	return e->title ? e->title : e->key;
}

/*
 * The commercial events after technical event t: whether one is dated in
 * the window [done, end], else the first one done after it (late_done) and
 * the first one still planned after it (late_planned).
 */
static bool
followup_in_window(const struct deal *d, const struct event *t, tw_date end,
		   tw_date today, tw_date *late_done, tw_date *late_planned)
{
	*late_done = *late_planned = DATE_NONE;
	for (size_t j = 0; j < d->nevents; j++) {
		const struct event *c = &d->events[j];
		tw_date cd = event_date(c);
		tw_date *late;

		if (c->kind != EVENT_COMMERCIAL || !cd || cd < t->done)
			continue;
		if (cd <= end)
			return true;
		late = event_done_by(c, today) ? late_done : late_planned;
		if (!*late || cd < *late)
			*late = cd;
	}
	return false;
}

/*
 * A commercial event done late closes the gap, so it is a warning about
 * the past rather than an error that no action could ever clear. While
 * the window is open, a follow-up planned after it is the early warning;
 * once the window has passed with nothing done, it is the error.
 */
static void
check_followups(const struct deal *d, tw_date today, const struct holidays *h,
		const struct momentum_settings *s, struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *t = &d->events[i];
		tw_date end, late_done, late_planned, past_on;
		bool past;

		if (t->kind != EVENT_TECHNICAL || !event_done_by(t, today))
			continue;
		end = date_add_bdays(t->done, s->max_gap, h);
		if (followup_in_window(d, t, end, today, &late_done,
				       &late_planned))
			continue;
		past_on = date_add_bdays(end, 1, h);
		changes_on(r, today, past_on);
		past = today >= past_on;
		/* The done date twice: the window's end is a token's date. */
		date_format(t->done, b1);
		if (past && late_done)
			add_windowed(r, s, h, "late-commercial-followup",
				     SEV_WARNING, t->key, late_done,
				     "the first commercial step after '%s' "
				     "(done %s) was done on %s, later than "
				     GAP_DAYS " (by " GAP_END ")",
				     event_name(t), b1,
				     date_format(late_done, b2), b1);
		else if (past && late_planned)
			add_windowed(r, s, h, "no-commercial-followup",
				     SEV_ERROR, t->key, t->done,
				     "'%s' was done on %s and no commercial "
				     "step followed within " GAP_DAYS
				     " (by " GAP_END "); "
				     "the next one is planned for %s",
				     event_name(t), b1, b1,
				     date_format(late_planned, b2));
		else if (past)
			add_windowed(r, s, h, "no-commercial-followup",
				     SEV_ERROR, t->key, t->done,
				     "'%s' was done on %s and no commercial "
				     "step followed within " GAP_DAYS
				     " (by " GAP_END ")",
				     event_name(t), b1, b1);
		else if (late_planned)
			add_windowed(r, s, h, "late-commercial-followup",
				     SEV_WARNING, t->key, late_planned,
				     "the first commercial step after '%s' "
				     "(done %s) is planned for %s, later than "
				     GAP_DAYS " (by " GAP_END ")",
				     event_name(t), b1,
				     date_format(late_planned, b2), b1);
	}
}

/*
 * A planned commercial step that is not done some business days after
 * its date: the plan says the deal moves, and it has not.
 */
static void
check_overdue(const struct deal *d, tw_date today, const struct holidays *h,
	      const struct momentum_settings *s, struct momentum_report *r)
{
	char b1[DATE_BUFSZ];

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		tw_date end, due_on;

		/* The buyer's own steps: buyer-step-overdue, a warning. */
		if (e->kind != EVENT_COMMERCIAL || !e->date ||
		    event_done_by(e, today) || e->side == SIDE_BUYER)
			continue;
		end = date_add_bdays(e->date, s->overdue_grace, h);
		due_on = date_add_bdays(end, 1, h);
		changes_on(r, today, due_on);
		if (today < due_on)
			continue;
		date_format(e->date, b1);
		add_windowed(r, s, h, "commercial-step-overdue", SEV_ERROR,
			     e->key, e->date,
			     "'%s' was planned for %s and is not done, more "
			     "than " GRACE_DAYS " later (the grace ended "
			     GRACE_END ")",
			     event_name(e), b1, b1);
	}
}

static bool
commercial_done_since(const struct deal *d, tw_date since, tw_date today)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind == EVENT_COMMERCIAL && event_done_by(e, today) &&
		    e->done >= since)
			return true;
	}
	return false;
}

/* A commercial event with a planned date, not done by today. */
static bool
commercial_planned(const struct deal *d, tw_date today)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind == EVENT_COMMERCIAL && e->date &&
		    !event_done_by(e, today))
			return true;
	}
	return false;
}

tw_date
momentum_progress(const struct deal *d, tw_date win, tw_date today)
{
	tw_date p = win;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind == EVENT_COMMERCIAL && event_done_by(e, today) &&
		    e->done > p)
			p = e->done;
	}
	for (size_t i = 0; i < d->ntouches; i++) {
		tw_date t = d->touches[i].date;

		if (t <= today && t > p)
			p = t;
	}
	/* The champion confirming the plan is a touch too (issue 16). */
	if (d->confirmed_on && d->confirmed_on <= today &&
	    d->confirmed_on > p)
		p = d->confirmed_on;
	return p;
}

/*
 * The win and what followed it: stale-technical-win while nothing
 * commercial has been done since the win, no-next-step once something
 * was and nothing is planned. The two never meet.
 */
static void
check_win(const struct deal *d, tw_date today, const struct holidays *h,
	  const struct momentum_settings *s, struct momentum_report *r)
{
	tw_date win = r->technical_win, p = r->progress, end, on;
	char b1[DATE_BUFSZ];
	int gap = s->max_gap;

	if (!commercial_done_since(d, win, today)) {
		end = date_add_bdays(win, gap, h);
		on = date_add_bdays(end, 1, h);
		changes_on(r, today, on);
		date_format(win, b1);
		if (today >= on)
			add_windowed(r, s, h, "stale-technical-win",
				     SEV_ERROR, d->slug, win,
				     "no commercial step has been done since "
				     "the technical win of %s, more than "
				     GAP_DAYS " ago (the window ended "
				     GAP_END ")",
				     b1, b1);
		return;
	}
	if (d->outcome != OUTCOME_OPEN || commercial_planned(d, today))
		return;
	end = date_add_bdays(p, gap, h);
	on = date_add_bdays(end, 1, h);
	changes_on(r, today, on);
	date_format(p, b1);
	if (today >= on)
		add_windowed(r, s, h, "no-next-step", SEV_ERROR, d->slug, p,
			     "no commercial step is planned and nothing has "
			     "moved the deal since %s, more than " GAP_DAYS
			     " ago (the window ended " GAP_END ")",
			     b1, b1);
}

/*
 * A buying-signal touch for the criterion (or naming none) dated on or
 * after the pass, by today: late is still framed.
 */
static bool
pass_is_framed(const struct deal *d, const struct criterion *c, tw_date today)
{
	for (size_t i = 0; i < d->ntouches; i++) {
		const struct touch *t = &d->touches[i];

		if (!t->type || strcmp(t->type, "buying-signal"))
			continue;
		if (t->criterion && strcmp(t->criterion, c->key))
			continue;
		if (t->date >= c->measured_on && t->date <= today)
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
check_pending(const struct deal *d, tw_date today, struct momentum_report *r)
{
	struct strbuf keys = STRBUF_INIT;
	char b[DATE_BUFSZ];
	size_t n = 0;

	if (!d->poc_end)
		return;
	changes_on(r, today, d->poc_end + 1);
	if (d->poc_end >= today)
		return;
	for (size_t i = 0; i < d->ncriteria; i++) {
		if (d->criteria[i].has_measured)
			continue;
		strbuf_addf(&keys, "%s'%s'", n ? ", " : "",
			    d->criteria[i].key);
		n++;
	}
	if (n)
		add_finding(r, "poc-overdue", SEV_WARNING, d->slug, d->poc_end,
			    "the POC ended on %s and %zu criteri%s still "
			    "pending: %s",
			    date_format(d->poc_end, b), n,
			    n == 1 ? "on is" : "a are", keys.buf);
	strbuf_release(&keys);
}

static void
check_criteria(const struct deal *d, tw_date today, const struct holidays *h,
	       struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];

	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		const char *name = c->metric ? c->metric : c->key;
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		/* Still inside the window: there is time to frame it. */
		if (ev.status == CRIT_PASS && c->measured_on) {
			tw_date end = date_add_bdays(c->measured_on,
						     MOMENTUM_FRAME_BDAYS, h);
			tw_date on = date_add_bdays(end, 1, h);

			changes_on(r, today, on);
			if (today >= on && !pass_is_framed(d, c, today))
				add_finding(r, "unframed-pass", SEV_WARNING,
					    c->key, c->measured_on,
					    "'%s' passed on %s and no "
					    "buying-signal message has gone to "
					    "the champion since; one was due "
					    "within %d business days (by %s)",
					    name,
					    date_format(c->measured_on, b1),
					    MOMENTUM_FRAME_BDAYS,
					    date_format(end, b2));
		}
		if (ev.status == CRIT_FAIL &&
		    !technical_event_after(d, c->measured_on))
			add_finding(r, "failed-criterion", SEV_WARNING, c->key,
				    c->measured_on,
				    "'%s' failed (%.15g against %s %.15g) and "
				    "no technical event is planned after it to "
				    "address it",
				    name, c->measured,
				    c->direction == DIR_AT_MOST ? "at most"
								: "at least",
				    c->required);
	}
	check_pending(d, today, r);
}

/* "75 calendar days", "10 business days", "1 week". */
static void
duration_words(const struct duration *du, char *buf, size_t size)
{
	static const char *const unit[] = { [DUR_DAYS] = "calendar day",
		[DUR_BDAYS] = "business day", [DUR_WEEKS] = "week" };

	snprintf(buf, size, "%d %s%s", du->n, unit[du->unit],
		 plural(du->n));
}

/*
 * slack = latest start - today: start-soon from latest start - 10
 * calendar days through the latest start, deadline-at-risk after it.
 */
static void
check_risks(const struct deal *d, tw_date today, const struct holidays *h,
	    struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ], dur[48];

	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *rk = &d->risks[i];
		const char *name = rk->title ? rk->title : rk->key;
		struct risk_eval ev;

		if (!rk->deadline)
			continue;
		risk_evaluate(rk, today, h, &ev);
		changes_on(r, today,
			   ev.latest_start - MOMENTUM_START_SOON_DAYS);
		changes_on(r, today, ev.latest_start + 1);
		if (ev.slack_days > MOMENTUM_START_SOON_DAYS)
			continue;
		duration_words(&rk->duration, dur, sizeof(dur));
		date_format(ev.latest_start, b1);
		date_format(ev.go_live_by, b2);
		if (ev.slack_days < 0)
			add_finding(r, "deadline-at-risk", SEV_ERROR, rk->key,
				    ev.latest_start,
				    "'%s': the latest safe start for "
				    "implementation (%s) was %s; go-live by "
				    "%s is at risk",
				    name, dur, b1, b2);
		else
			add_finding(r, "start-soon", SEV_WARNING, rk->key,
				    ev.latest_start,
				    "'%s': implementation (%s) must start by "
				    "%s, within %d calendar days, to go live "
				    "by %s",
				    name, dur, b1, MOMENTUM_START_SOON_DAYS,
				    b2);
	}
}

/*
 * The contract must be signed by the earliest sign_by of the deal's risks
 * (risk.h); a contract target after it is too late. Neither date moves
 * with today: the target changes only when the contract event is done,
 * a day note_dated_changes() notes, so the rule adds no recheck day.
 */
static void
check_commercial_deadline(const struct deal *d, tw_date today,
			  const struct holidays *h,
			  const struct commercial_plan *p,
			  struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ], b3[DATE_BUFSZ];
	const struct risk *rk;
	struct risk_eval ev;
	tw_date target;
	bool applied;
	int late;

	if (d->outcome != OUTCOME_OPEN)
		return;
	target = commercial_contract_target(d, p, today, &applied);
	rk = deal_first_sign_by(d, today, h, &ev);
	if (!target || !rk || target <= ev.sign_by)
		return;
	late = date_bdays_between(ev.sign_by, target, h);
	add_finding(r, "commercial-too-late", SEV_ERROR, rk->key, ev.sign_by,
		    "the contract execution target %s (%s) is %d business "
		    "day%s after %s, the day the contract must be signed for "
		    "'%s': the last business day on or before its latest "
		    "start %s (business days are Monday to Friday, without "
		    "the deal's and the workspace's holidays)",
		    date_format(target, b1),
		    applied ? "the applied plan" : "computed from the "
						   "technical win",
		    late, plural(late), date_format(ev.sign_by, b2),
		    rk->title ? rk->title : rk->key,
		    date_format(ev.latest_start, b3));
}

static void
check_phases(const struct deal *d, struct momentum_report *r)
{
	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];
		bool nojust = !p->justification || !*p->justification;
		const char *what;
		char num[16];

		if (!nojust && p->ncriteria)
			continue;
		if (nojust && !p->ncriteria)
			what = "no technical justification and no criteria";
		else if (nojust)
			what = "no technical justification";
		else
			what = "no criteria behind it";
		snprintf(num, sizeof(num), "%d", p->number);
		add_finding(r, "phase-unjustified", SEV_WARNING, num, DATE_NONE,
			    "phase %d (%s) has %s", p->number,
			    p->name ? p->name : "unnamed", what);
	}
}

double
freshness_score(tw_date progress, tw_date today, const struct holidays *h,
		double half_life)
{
	int b = date_bdays_between(progress, today, h);

	if (b <= 0)
		return 100.0;
	return 100.0 * pow(0.5, b / half_life);
}

/* A total order, so the output does not depend on qsort's whims. */
static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c;

	if (x->severity != y->severity)
		return x->severity < y->severity ? -1 : 1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if ((c = strcmp(x->rule, y->rule)))
		return c;
	if ((c = strcmp(x->subject, y->subject)))
		return c;
	return strcmp(x->message, y->message);
}

/* ---- the champion's side (issue 16) ------------------------------- */

/*
 * A share link made more than MOMENTUM_UNOPENED_BDAYS business days ago,
 * still working, that the champion never opened (by today).
 */
static void
check_unopened(const struct deal *d, tw_date today, const struct holidays *h,
	       struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ], subject[32];

	for (size_t i = 0; i < d->nlinks; i++) {
		const struct link *l = &d->links[i];
		tw_date end, due_on;

		if (!l->made || (l->opened && l->opened <= today))
			continue;
		changes_on(r, today, l->opened);
		if (l->expires) {
			changes_on(r, today, l->expires + 1);
			if (today > l->expires)
				continue;
		}
		end = date_add_bdays(l->made, MOMENTUM_UNOPENED_BDAYS, h);
		due_on = date_add_bdays(end, 1, h);
		changes_on(r, today, due_on);
		if (today < due_on)
			continue;
		snprintf(subject, sizeof(subject), "link %d", l->id);
		add_finding(r, "plan-unopened", SEV_WARNING, subject, l->made,
			    "share link %d, made on %s, has not been opened "
			    "more than %d business days later (since %s)",
			    l->id, date_format(l->made, b1),
			    MOMENTUM_UNOPENED_BDAYS, date_format(end, b2));
	}
}

/*
 * A step on the buyer's side not done more than overdue_grace business
 * days after its date, and a date the champion proposed that nobody on
 * the team has accepted or declined after MOMENTUM_PROPOSED_BDAYS.
 */
static void
check_buyer_steps(const struct deal *d, tw_date today,
		  const struct holidays *h, const struct momentum_settings *s,
		  struct momentum_report *r)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ], b3[DATE_BUFSZ];

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		tw_date end, due_on;

		if (e->side == SIDE_BUYER && e->date && !event_done_by(e, today)) {
			end = date_add_bdays(e->date, s->overdue_grace, h);
			due_on = date_add_bdays(end, 1, h);
			changes_on(r, today, due_on);
			date_format(e->date, b1);
			if (today >= due_on)
				add_windowed(r, s, h, "buyer-step-overdue",
					     SEV_WARNING, e->key, e->date,
					     "'%s', on the buyer's side, was "
					     "planned for %s and is not done, "
					     "more than " GRACE_DAYS " later "
					     "(the grace ended " GRACE_END ")",
					     event_name(e), b1, b1);
		}
		if (!e->proposed || !e->proposed_on)
			continue;
		changes_on(r, today, e->proposed_on);
		if (e->proposed_on > today)
			continue;
		end = date_add_bdays(e->proposed_on, MOMENTUM_PROPOSED_BDAYS, h);
		due_on = date_add_bdays(end, 1, h);
		changes_on(r, today, due_on);
		if (today < due_on)
			continue;
		add_finding(r, "date-proposed", SEV_WARNING, e->key,
			    e->proposed_on,
			    "the champion proposed %s for '%s' on %s; nobody "
			    "accepted or declined it in %d business days "
			    "(by %s)",
			    date_format(e->proposed, b1), event_name(e),
			    date_format(e->proposed_on, b2),
			    MOMENTUM_PROPOSED_BDAYS, date_format(end, b3));
	}
}

static void
check_champion(const struct deal *d, tw_date today, const struct holidays *h,
	       const struct momentum_settings *s, struct momentum_report *r)
{
	check_unopened(d, today, h, r);
	check_buyer_steps(d, today, h, s, r);
}

void
momentum_check(const struct deal *d, tw_date today, const struct holidays *h,
	       const struct momentum_settings *s, struct momentum_report *out)
{
	struct commercial_plan plan;

	memset(out, 0, sizeof(*out));
	note_dated_changes(d, today, out);
	check_followups(d, today, h, s, out);
	check_overdue(d, today, h, s, out);

	commercial_plan_compute(d, h, &plan);
	if (plan.technical_win) {
		out->technical_win = plan.technical_win;
		out->progress = momentum_progress(d, plan.technical_win, today);
		out->has_freshness = true;
		out->freshness = freshness_score(out->progress, today, h,
						 s->half_life);
		check_win(d, today, h, s, out);
	}
	check_commercial_deadline(d, today, h, &plan, out);
	commercial_plan_release(&plan);

	check_criteria(d, today, h, out);
	check_risks(d, today, h, out);
	check_phases(d, out);
	check_champion(d, today, h, s, out);
	if (out->n)
		qsort(out->findings, out->n, sizeof(*out->findings),
		      cmp_finding);
	if (deal_is_snoozed(d, today))
		for (size_t i = 0; i < out->n; i++)
			out->findings[i].snoozed = true;
}

void
momentum_report_release(struct momentum_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->findings[i].subject);
		free(r->findings[i].message);
		free(r->findings[i].stored);
		free(r->findings[i].ack_by);
		free(r->findings[i].ack_reason);
	}
	free(r->findings);
	memset(r, 0, sizeof(*r));
}
