/*
 * The Technical Win Summary: the document model of summary.h computed from
 * a deal, and its Markdown and HTML renderers.
 */
#include "render/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/commercial.h"
#include "core/message.h"
#include "render/escape.h"
#include "util/xalloc.h"

/* ---- paper ----------------------------------------------------------- */

int
paper_parse(const char *s, enum paper *out)
{
	if (!strcasecmp(s, "a4"))
		*out = PAPER_A4;
	else if (!strcasecmp(s, "letter"))
		*out = PAPER_LETTER;
	else
		return -1;
	return 0;
}

const char *
paper_name(enum paper p)
{
	return p == PAPER_LETTER ? "letter" : "a4";
}

void
paper_size(enum paper p, double *w, double *h)
{
	if (p == PAPER_LETTER) {
		*w = 612;
		*h = 792;
	} else {
		/* 210 x 297 mm */
		*w = 595.2756;
		*h = 841.8898;
	}
}

/* ---- formatting ------------------------------------------------------ */

static const char *const wday[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat", "Sun" };

void
summary_fmt_day(struct strbuf *sb, tw_date d)
{
	char b[DATE_BUFSZ];

	strbuf_addstr(sb, wday[date_weekday(d)]);
	strbuf_addch(sb, ' ');
	strbuf_addstr(sb, date_format(d, b));
}

void
summary_fmt_long_day(struct strbuf *sb, tw_date d)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	strbuf_addf(sb, "%s %d %s %d", wday[date_weekday(d)], day,
		    mon[m - 1], y);
}

/*
 * "%.15g" with thousands separators in the integer part ("26,500"), so a
 * CFO reads the figures the way the money column shows them.
 */
static void
fmt_number(struct strbuf *sb, double v)
{
	char digits[64];
	const char *p = digits;
	size_t lead, n;

	snprintf(digits, sizeof(digits), "%.15g", v);
	if (strchr(digits, 'e')) {
		strbuf_addstr(sb, digits);
		return;
	}
	if (*p == '-')
		strbuf_addch(sb, *p++);
	n = strspn(p, "0123456789");
	lead = n % 3 ? n % 3 : 3;
	strbuf_add(sb, p, lead);
	for (size_t i = lead; i < n; i += 3) {
		strbuf_addch(sb, ',');
		strbuf_add(sb, p + i, 3);
	}
	strbuf_addstr(sb, p + n);
}

/* "9 min", "95%": a value with its unit. */
static void
fmt_value(struct strbuf *sb, double v, const char *unit)
{
	fmt_number(sb, v);
	if (!unit || !*unit)
		return;
	if (strcmp(unit, "%"))
		strbuf_addch(sb, ' ');
	strbuf_addstr(sb, unit);
}

static char *
detach(struct strbuf *sb)
{
	return strbuf_detach(sb, NULL);
}

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* ---- the model ------------------------------------------------------- */

void
summary_criterion_fill(struct summary_criterion *row,
		       const struct criterion *c)
{
	struct strbuf sb = STRBUF_INIT;
	const struct criterion_eval *ev = &row->ev;

	memset(row, 0, sizeof(*row));
	row->key = c->key;
	row->metric = nonempty(c->metric);
	row->outcome = nonempty(c->outcome);
	row->measured_on = c->measured_on;
	criterion_evaluate(c, &row->ev);

	strbuf_addstr(&sb, c->direction == DIR_AT_MOST ? "≤ " : "≥ ");
	fmt_value(&sb, c->required, c->unit);
	row->required = detach(&sb);

	if (ev->status != CRIT_PENDING)
		fmt_value(&sb, c->measured, c->unit);
	row->measured = detach(&sb);

	if (ev->has_headroom)
		msg_fmt_pct(&sb, ev->headroom_pct);
	row->headroom = detach(&sb);

	/*
	 * How much workload growth the result absorbs, against the growth
	 * the prospect projects: the seed's "scale to next year's volumes
	 * without re-architecture".
	 */
	if (!c->scales_with_load) {
		/* An accuracy or a count: growth says nothing about it. */
		if (ev->status != CRIT_PENDING)
			strbuf_addstr(&sb, "independent of load");
	} else if (ev->status == CRIT_FAIL) {
		strbuf_addstr(&sb, "no room to grow");
	} else if (ev->unbounded) {
		strbuf_addstr(&sb, "covers any growth");
	} else if (ev->status == CRIT_PASS) {
		strbuf_addstr(&sb, "covers ");
		msg_fmt_pct(&sb, ev->growth_capacity_pct);
		strbuf_addstr(&sb, " growth");
	}
	if (ev->status == CRIT_PASS && c->has_growth && c->scales_with_load) {
		char g[64];

		snprintf(g, sizeof(g), "%.15g", c->growth_pct);
		strbuf_addstr(&sb, ev->scales == TRI_FALSE ? "; short of "
							   : "; ");
		strbuf_addstr(&sb, g);
		strbuf_addstr(&sb, "% projected");
	}
	row->growth = detach(&sb);
}

const char *
summary_criterion_title(const struct summary_criterion *row)
{
	return row->metric ? row->metric : row->key;
}

void
summary_criterion_release(struct summary_criterion *row)
{
	free(row->required);
	free(row->measured);
	free(row->headroom);
	free(row->growth);
}

static void
compute_criteria(struct summary *s, const struct deal *d)
{
	struct strbuf sb = STRBUF_INIT;

	s->ncriteria = d->ncriteria;
	s->criteria = xcalloc(d->ncriteria ? d->ncriteria : 1,
			      sizeof(*s->criteria));
	for (size_t i = 0; i < d->ncriteria; i++) {
		struct summary_criterion *row = &s->criteria[i];

		summary_criterion_fill(row, &d->criteria[i]);
		if (row->ev.status == CRIT_PASS)
			s->npass++;
		else if (row->ev.status == CRIT_FAIL)
			s->nfail++;
		else
			s->npending++;
	}

	/* The champion's words: criteria met, on a day, not a "win". */
	if (!d->ncriteria) {
		strbuf_addstr(&sb, "No success criteria recorded yet.");
	} else if (s->npass == d->ncriteria) {
		if (d->ncriteria == 1)
			strbuf_addstr(&sb, "The success criterion was met");
		else
			strbuf_addf(&sb, "All %zu success criteria met",
				    d->ncriteria);
		if (s->technical_win) {
			strbuf_addstr(&sb, " on ");
			summary_fmt_long_day(&sb, s->technical_win);
		}
		strbuf_addch(&sb, '.');
	} else {
		strbuf_addf(&sb, "%zu of %zu success criteri%s met so far",
			    s->npass, d->ncriteria,
			    d->ncriteria == 1 ? "on" : "a");
		if (s->nfail)
			strbuf_addf(&sb, "; %zu not met yet", s->nfail);
		if (s->npending)
			strbuf_addf(&sb, "; %zu still to measure",
				    s->npending);
		strbuf_addch(&sb, '.');
	}
	s->headline = detach(&sb);
}

static void
compute_risks(struct summary *s, const struct deal *d,
	      const struct holidays *h)
{
	struct strbuf sb = STRBUF_INIT;
	/* A closed deal's risks as they stood when it closed. */
	tw_date as_of = d->outcome != OUTCOME_OPEN && d->close_date &&
				d->close_date <= s->today
			? d->close_date
			: s->today;

	s->nrisks = d->nrisks;
	s->risks = xcalloc(d->nrisks ? d->nrisks : 1, sizeof(*s->risks));
	for (size_t i = 0; i < d->nrisks; i++) {
		struct summary_risk *r = &s->risks[i];
		int n;

		r->key = d->risks[i].key;
		r->title = nonempty(d->risks[i].title);
		r->deadline = d->risks[i].deadline;
		risk_evaluate(&d->risks[i], as_of, h, &r->ev);
		n = r->ev.slack_days < 0 ? -r->ev.slack_days
					 : r->ev.slack_days;
		if (r->ev.slack_days == 0)
			strbuf_addstr(&sb, "start today");
		else
			strbuf_addf(&sb, "%d day%s %s", n, n == 1 ? "" : "s",
				    r->ev.at_risk ? "late: at risk" : "left");
		r->slack = detach(&sb);
	}
}

static void
compute_plan(struct summary *s, const struct deal *d,
	     const struct holidays *h)
{
	struct strbuf sb = STRBUF_INIT;
	struct commercial_plan p;

	commercial_plan_compute(d, h, &p);
	s->technical_win = p.technical_win;
	s->won = p.technical_win != DATE_NONE;
	s->contract_target = p.contract_target;
	if (s->won) {
		s->nsteps = p.nsteps + 1;
		s->steps = xcalloc(s->nsteps, sizeof(*s->steps));
		s->steps[0].title = SUMMARY_WIN_STEP;
		s->steps[0].date = p.technical_win;
		for (size_t i = 0; i < p.nsteps; i++) {
			s->steps[i + 1].title = p.steps[i].title
							? p.steps[i].title
							: "";
			s->steps[i + 1].date = p.steps[i].date;
		}
		strbuf_addstr(&sb, "Contract execution target ");
		summary_fmt_day(&sb, p.contract_target);
		if (d->has_procurement_days)
			strbuf_addf(&sb, " (procurement lead time %d business "
				    "day%s)", d->procurement_days,
				    d->procurement_days == 1 ? "" : "s");
		strbuf_addch(&sb, '.');
	} else if (!d->ncriteria) {
		strbuf_addstr(&sb, "No timeline yet: it starts once the "
			      "success criteria are agreed and met.");
	} else if (!p.nblocking) {
		strbuf_addstr(&sb, "No timeline yet: every success criterion "
			      "is met, and the timeline starts from the day "
			      "the last one was measured.");
	} else {
		strbuf_addf(&sb, "No timeline yet: it starts once every "
			    "success criterion is met; %zu still open: ",
			    p.nblocking);
		for (size_t i = 0; i < p.nblocking; i++) {
			const struct criterion *c =
				deal_find_criterion(d, p.blocking[i]);
			struct criterion_eval ev;

			criterion_evaluate(c, &ev);
			strbuf_addf(&sb, "%s%s (%s)", i ? ", " : "",
				    nonempty(c->metric) ? c->metric : c->key,
				    crit_status_name(ev.status));
		}
		strbuf_addch(&sb, '.');
	}
	deal_deadline_sentence(&sb, d, s->today, h);
	s->timeline_note = detach(&sb);
	commercial_plan_release(&p);
}

static int
cmp_phase(const void *a, const void *b)
{
	const struct summary_phase *pa = a, *pb = b;

	return (pa->number > pb->number) - (pa->number < pb->number);
}

void
summary_totals(const struct deal *d, struct strbuf *initial,
	       struct strbuf *total)
{
	const struct phase *first = NULL;
	double sum = 0;
	size_t npriced = 0;

	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];

		if (p->has_price) {
			sum += p->price;
			npriced++;
		}
		if (!first || p->number < first->number)
			first = p;
	}
	/*
	 * The initial commitment is the first phase: what the champion asks
	 * approval for before the full scope (the seed's practice 4).
	 */
	if (first && first->has_price) {
		msg_fmt_money(initial, first->price, d->currency);
		strbuf_addf(initial, " (phase %d", first->number);
		/* A share of an incomplete total would flatter it. */
		if (sum > 0 && d->nphases > 1 && npriced == d->nphases) {
			strbuf_addstr(initial, ", ");
			msg_fmt_pct(initial, first->price / sum * 100);
			strbuf_addstr(initial, " of the full scope");
		}
		strbuf_addch(initial, ')');
	} else if (first) {
		strbuf_addf(initial, "phase %d is not priced yet",
			    first->number);
	}

	if (npriced) {
		msg_fmt_money(total, sum, d->currency);
		if (npriced == d->nphases)
			strbuf_addf(total, " (%zu phase%s)", d->nphases,
				    d->nphases == 1 ? "" : "s");
		else
			strbuf_addf(total, " for %zu of %zu phases (%zu not "
				    "priced yet)", npriced, d->nphases,
				    d->nphases - npriced);
	} else if (d->nphases) {
		strbuf_addstr(total, "no phase is priced yet");
	}
}

void
summary_totals_md(struct strbuf *out, const char *initial, const char *total)
{
	strbuf_addstr(out, "\n**Initial commitment:** ");
	md_escape_text(out, initial);
	strbuf_addstr(out, "  \n**Full scope:** ");
	md_escape_text(out, total);
}

void
summary_totals_html(struct strbuf *out, const char *initial,
		    const char *total)
{
	strbuf_addstr(out, "<div class=\"totals\"><p><strong>Initial "
		      "commitment:</strong> ");
	html_escape(out, initial);
	strbuf_addstr(out, "</p><p><strong>Full scope:</strong> ");
	html_escape(out, total);
	strbuf_addstr(out, "</p></div>\n");
}

static void
compute_phases(struct summary *s, const struct deal *d)
{
	struct strbuf sb = STRBUF_INIT, tb = STRBUF_INIT;

	s->nphases = d->nphases;
	s->phases = xcalloc(d->nphases ? d->nphases : 1, sizeof(*s->phases));
	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];
		struct summary_phase *sp = &s->phases[i];

		sp->number = p->number;
		sp->name = nonempty(p->name);
		sp->scope = nonempty(p->scope);
		if (p->has_price)
			msg_fmt_money(&sb, p->price, d->currency);
		sp->price = detach(&sb);
		if (p->has_duration)
			msg_fmt_duration(&sb, &p->duration);
		sp->duration = detach(&sb);
	}
	qsort(s->phases, s->nphases, sizeof(*s->phases), cmp_phase);
	summary_totals(d, &sb, &tb);
	s->initial = detach(&sb);
	s->total = detach(&tb);
}

/*
 * The next step: the first open event dated on or after today; else the
 * first plan step on or after today; else the plan's first step, marked
 * overdue. A closed deal has none.
 */
static void
compute_next(struct summary *s, const struct deal *d)
{
	struct summary_next *n = &s->next;
	struct strbuf sb = STRBUF_INIT;
	const struct event *best = NULL;
	char b[DATE_BUFSZ];

	n->kind = NEXT_NONE;
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		/* Done after today is not done yet as of today. */
		if (event_done_by(e, s->today) ||
		    e->date == DATE_NONE || e->date < s->today)
			continue;
		if (!best || e->date < best->date)
			best = e;
	}
	/* Closed as of today: a summary dated before the close is not. */
	if (d->outcome != OUTCOME_OPEN &&
	    (d->close_date == DATE_NONE || d->close_date <= s->today)) {
		n->kind = NEXT_CLOSED;
		n->date = d->close_date;
	} else if (best) {
		n->kind = NEXT_EVENT;
		n->date = best->date;
		n->title = nonempty(best->title) ? best->title : best->key;
		n->owner = nonempty(best->owner);
	} else if (s->nsteps > 1) {
		/* steps[0] is the win itself, which is not a step to take. */
		const struct summary_step *st = &s->steps[1];

		for (size_t i = 1; i < s->nsteps; i++) {
			if (s->steps[i].date >= s->today) {
				st = &s->steps[i];
				break;
			}
		}
		n->kind = NEXT_PLAN;
		n->date = st->date;
		n->title = st->title;
		n->owner = nonempty(d->ae);
		n->overdue = st->date < s->today;
	}

	switch (n->kind) {
	case NEXT_CLOSED:
		strbuf_addf(&sb, "The deal closed %s",
			    outcome_name(d->outcome));
		if (d->close_date)
			strbuf_addf(&sb, " on %s",
				    date_format(d->close_date, b));
		strbuf_addch(&sb, '.');
		break;
	case NEXT_EVENT:
	case NEXT_PLAN:
		summary_fmt_day(&sb, n->date);
		strbuf_addf(&sb, ": %s", n->title);
		if (n->owner)
			strbuf_addf(&sb, " (%s)", n->owner);
		if (n->overdue)
			strbuf_addstr(&sb, ", overdue");
		break;
	case NEXT_NONE:
	default:
		strbuf_addstr(&sb, s->won ? "Nothing planned yet: add the "
					    "next commercial event."
					  : "Nothing planned yet: close the "
					    "open criteria first.");
		break;
	}
	n->text = detach(&sb);
}

void
summary_compute(struct summary *s, const struct deal *d,
		const struct holidays *h, tw_date today)
{
	struct strbuf sb = STRBUF_INIT;

	memset(s, 0, sizeof(*s));
	s->deal = d;
	s->today = today;
	if (d->has_value)
		msg_fmt_money(&sb, d->value, d->currency);
	s->value = detach(&sb);
	/* The plan first: the headline names the win date. */
	compute_plan(s, d, h);
	compute_criteria(s, d);
	compute_risks(s, d, h);
	compute_phases(s, d);
	compute_next(s, d);
}

void
summary_release(struct summary *s)
{
	for (size_t i = 0; i < s->ncriteria; i++)
		summary_criterion_release(&s->criteria[i]);
	free(s->criteria);
	for (size_t i = 0; i < s->nrisks; i++)
		free(s->risks[i].slack);
	free(s->risks);
	free(s->steps);
	for (size_t i = 0; i < s->nphases; i++) {
		free(s->phases[i].price);
		free(s->phases[i].duration);
	}
	free(s->phases);
	free(s->value);
	free(s->headline);
	free(s->timeline_note);
	free(s->initial);
	free(s->total);
	free(s->next.text);
	memset(s, 0, sizeof(*s));
}

/* ---- Markdown -------------------------------------------------------- */

void
md_doc_field(struct strbuf *out, const char *label, const char *value)
{
	strbuf_addf(out, "- **%s:** ", label);
	if (value && *value)
		md_escape_text(out, value);
	else
		strbuf_addstr(out, "–");
	strbuf_addch(out, '\n');
}

/* A cell, or an en dash for an empty one so the table keeps its shape. */
static void
md_cell(struct strbuf *out, const char *s)
{
	strbuf_addstr(out, " ");
	if (s && *s)
		md_escape_cell(out, s);
	else
		strbuf_addstr(out, "–");
	strbuf_addstr(out, " |");
}

static void
md_header(struct strbuf *out, const struct summary *s)
{
	const struct deal *d = s->deal;
	struct strbuf sb = STRBUF_INIT;
	char b[DATE_BUFSZ], e[DATE_BUFSZ];

	strbuf_addstr(out, "# Technical Win Summary: ");
	md_escape_text(out, d->account);
	strbuf_addstr(out, "\n\n");

	if (nonempty(d->champion)) {
		strbuf_addstr(&sb, d->champion);
		if (nonempty(d->champion_email))
			strbuf_addf(&sb, " (%s)", d->champion_email);
	}
	md_doc_field(out, "Champion", sb.buf);
	strbuf_reset(&sb);
	md_doc_field(out, "Sales engineer", d->se);
	md_doc_field(out, "Account executive", d->ae);
	if (*s->value)
		md_doc_field(out, "Deal value", s->value);
	if (d->poc_start || d->poc_end) {
		strbuf_addf(&sb, "%s to %s", date_format(d->poc_start, b),
			    date_format(d->poc_end, e));
		md_doc_field(out, "POC", sb.buf);
		strbuf_reset(&sb);
	}
	md_doc_field(out, "Date", date_format(s->today, b));
	strbuf_release(&sb);

	strbuf_addstr(out, "\n**");
	md_escape_text(out, s->headline);
	strbuf_addstr(out, "**\n");
}

void
md_criteria_table(struct strbuf *out, const struct summary_criterion *rows,
		  size_t n, bool outcome)
{
	strbuf_addstr(out, "| Criterion | Required | Measured | Result | "
		      "Headroom | Growth |");
	strbuf_addstr(out, outcome ? " Business outcome |\n" : "\n");
	strbuf_addstr(out, "|---|---:|---:|---|---:|---|");
	strbuf_addstr(out, outcome ? "---|\n" : "\n");
	for (size_t i = 0; i < n; i++) {
		const struct summary_criterion *c = &rows[i];

		strbuf_addstr(out, "| **");
		md_escape_cell(out, summary_criterion_title(c));
		strbuf_addstr(out, "** |");
		md_cell(out, c->required);
		md_cell(out, c->measured);
		if (c->ev.status == CRIT_FAIL)
			strbuf_addstr(out, " **fail** |");
		else
			md_cell(out, crit_status_name(c->ev.status));
		md_cell(out, c->headroom);
		md_cell(out, c->growth);
		if (outcome)
			md_cell(out, c->outcome);
		strbuf_addch(out, '\n');
	}
}

static void
md_criteria(struct strbuf *out, const struct summary *s)
{
	strbuf_addstr(out, "\n## POC results and the business outcomes they "
		      "prove\n\n");
	if (!s->ncriteria)
		strbuf_addstr(out, "No success criteria recorded yet.\n");
	else
		md_criteria_table(out, s->criteria, s->ncriteria, true);
}

static void
md_risks(struct strbuf *out, const struct summary *s)
{
	char b[DATE_BUFSZ];

	if (!s->nrisks)
		return;
	strbuf_addstr(out, "\n## Risks and latest start dates\n\n"
		      "| Risk | Deadline | Go-live by | Latest start | "
		      "Slack |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < s->nrisks; i++) {
		const struct summary_risk *r = &s->risks[i];

		strbuf_addch(out, '|');
		md_cell(out, r->title ? r->title : r->key);
		md_cell(out, date_format(r->deadline, b));
		md_cell(out, date_format(r->ev.go_live_by, b));
		strbuf_addf(out, " **%s** |",
			    date_format(r->ev.latest_start, b));
		if (r->ev.at_risk)
			strbuf_addf(out, " **%s** |", r->slack);
		else
			md_cell(out, r->slack);
		strbuf_addch(out, '\n');
	}
}

static void
md_timeline(struct strbuf *out, const struct summary *s)
{
	strbuf_addstr(out, "\n## Proposed commercial timeline\n\n");
	if (s->nsteps) {
		strbuf_addstr(out, "| Date | Step |\n|---|---|\n");
		for (size_t i = 0; i < s->nsteps; i++) {
			struct strbuf day = STRBUF_INIT;

			summary_fmt_day(&day, s->steps[i].date);
			strbuf_addch(out, '|');
			md_cell(out, day.buf);
			md_cell(out, s->steps[i].title);
			strbuf_addch(out, '\n');
			strbuf_release(&day);
		}
		strbuf_addch(out, '\n');
	}
	md_escape_text(out, s->timeline_note);
	strbuf_addch(out, '\n');
}

static void
md_phases(struct strbuf *out, const struct summary *s)
{
	if (!s->nphases)
		return;
	strbuf_addstr(out, "\n## Phases\n\n"
		      "| Phase | Scope | Duration | Price |\n"
		      "|---|---|---|---:|\n");
	for (size_t i = 0; i < s->nphases; i++) {
		const struct summary_phase *p = &s->phases[i];

		strbuf_addf(out, "| %d", p->number);
		if (p->name) {
			strbuf_addstr(out, ". ");
			md_escape_cell(out, p->name);
		}
		strbuf_addstr(out, " |");
		md_cell(out, p->scope);
		md_cell(out, p->duration);
		md_cell(out, *p->price ? p->price : "not priced");
		strbuf_addch(out, '\n');
	}
	summary_totals_md(out, s->initial, s->total);
	strbuf_addch(out, '\n');
}

void
render_summary_md(const struct summary *s, struct strbuf *out)
{
	md_header(out, s);
	md_criteria(out, s);
	md_risks(out, s);
	md_timeline(out, s);
	md_phases(out, s);
	strbuf_addstr(out, "\n## Next step\n\n");
	md_escape_text(out, s->next.text);
	strbuf_addch(out, '\n');
}

/* ---- HTML ------------------------------------------------------------ */

/*
 * One stylesheet for the summary and the proposal. On screen a sheet of
 * paper on a grey desk; in print the page box of the chosen paper with
 * sizes that keep the war-story deal on one page.
 */
static const char html_css[] =
	":root{color-scheme:light}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0;background:#eef0f3;color:#1b1f24;"
	"font:14px/1.45 \"DejaVu Sans\",\"Segoe UI\",Helvetica,Arial,"
	/* Every script: Noto for CJK and emoji (fonts-noto-cjk, -emoji). */
	"\"Noto Sans CJK JP\",\"Noto Color Emoji\",sans-serif}\n"
	"main{max-width:60rem;margin:1.5rem auto;background:#fff;"
	"padding:2rem 2.5rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}\n"
	"header{border-bottom:3px solid #1f3a5f;padding-bottom:.5rem}\n"
	".logo{float:right;max-height:3rem;max-width:12rem}\n"
	".kicker{margin:0;font-size:.75rem;letter-spacing:.1em;"
	"text-transform:uppercase;color:#57606a}\n"
	"h1{margin:.1rem 0 .5rem;font-size:1.6rem;color:#1f3a5f}\n"
	"dl{display:flex;flex-wrap:wrap;gap:.25rem 1.75rem;margin:0}\n"
	"dl div{min-width:8rem}\n"
	"dt{font-size:.7rem;text-transform:uppercase;letter-spacing:.05em;"
	"color:#57606a}\n"
	"dd{margin:0;font-weight:600}\n"
	".headline{margin:.9rem 0 0;padding:.5rem .8rem;font-weight:700;"
	"border-left:4px solid #1a7f37;background:#edf7ef}\n"
	".headline.open{border-color:#9a6700;background:#fff8e1}\n"
	"h2{margin:1.2rem 0 .4rem;font-size:.85rem;text-transform:uppercase;"
	"letter-spacing:.06em;color:#1f3a5f;border-bottom:1px solid #d0d7de;"
	"padding-bottom:.15rem}\n"
	"h3{margin:1rem 0 .3rem;font-size:1rem;color:#1f3a5f}\n"
	"table{width:100%;border-collapse:collapse;font-size:.82rem}\n"
	"th,td{padding:.25rem .45rem;text-align:left;vertical-align:top;"
	"border-bottom:1px solid #e3e7eb}\n"
	"th{font-size:.7rem;text-transform:uppercase;letter-spacing:.03em;"
	"color:#57606a;background:#f6f8fa}\n"
	".num{text-align:right;white-space:nowrap}\n"
	".nowrap{white-space:nowrap}\n"
	".key{font-weight:700}\n"
	"td>.key{white-space:nowrap}\n"
	".shrink{width:1%;white-space:nowrap}\n"
	".meta{font-weight:700}\n"
	".note{color:#57606a;font-size:.9em}\n"
	".sub{display:block;color:#57606a;font-size:.9em}\n"
	".pass{color:#1a7f37;font-weight:700}\n"
	".fail,.late{color:#cf222e;font-weight:700}\n"
	".pending{color:#6e7781;font-style:italic}\n"
	"p{margin:.4rem 0}\n"
	".totals{display:flex;gap:2rem;margin:.4rem 0}\n"
	".next{margin:.3rem 0;padding:.5rem .8rem;border:1px solid #1f3a5f;"
	"border-radius:4px;font-weight:600}\n"
	"footer{margin-top:1rem;font-size:.7rem;color:#6e7781}\n"
	"@media print{\n"
	"body{background:#fff;font-size:8pt}\n"
	"main{max-width:none;margin:0;padding:0;box-shadow:none}\n"
	"h1{margin:0 0 3pt;font-size:14pt}\n"
	"h2{margin:6pt 0 2pt;font-size:7.5pt}\n"
	"h3{margin:6pt 0 2pt;font-size:9pt}\n"
	"table{font-size:7pt}\n"
	"th{font-size:6pt}\n"
	"th,td{padding:1pt 3pt}\n"
	"p{margin:2pt 0}\n"
	".headline{margin-top:5pt;padding:3pt 6pt}\n"
	".next{padding:3pt 6pt}\n"
	"footer{margin-top:4pt}\n"
	"tr,.next,.headline{break-inside:avoid}\n"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"}\n";

void
html_doc_begin(struct strbuf *out, const char *title, enum paper paper,
	       const struct brand *b)
{
	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, "
		      "initial-scale=1\">\n"
		      /* Nothing may load: the file must work offline. */
		      "<meta http-equiv=\"Content-Security-Policy\" "
		      "content=\"default-src 'none'; style-src "
		      "'unsafe-inline'; img-src data:\">\n"
		      "<meta name=\"generator\" content=\"techwin\">\n"
		      "<title>");
	html_escape(out, title);
	strbuf_addstr(out, "</title>\n<style>\n");
	strbuf_addstr(out, html_css);
	strbuf_addf(out, "@page{size:%s;margin:12mm}\n",
		    paper == PAPER_LETTER ? "letter" : "A4");
	/* The brand's colour where the house navy would be. */
	if (b && b->has_color)
		strbuf_addf(out, "header{border-color:#%06x}h1,h2,h3{color:"
			    "#%06x}.next{border-color:#%06x}\n", b->color,
			    b->color, b->color);
	strbuf_addstr(out, "</style>\n</head>\n<body>\n<main>\n");
}

void
summary_prepared(struct strbuf *sb, const struct brand *b,
		 const struct deal *d, tw_date today)
{
	const char *by = b && b->name ? b->name : nonempty(d->se);

	strbuf_addstr(sb, "Prepared");
	if (by)
		strbuf_addf(sb, " by %s", by);
	strbuf_addf(sb, " for %s on ", d->account);
	summary_fmt_long_day(sb, today);
}

void
html_doc_end(struct strbuf *out, const struct brand *b, const struct deal *d,
	     tw_date today)
{
	struct strbuf sb = STRBUF_INIT;

	summary_prepared(&sb, b, d, today);
	strbuf_addstr(out, "<footer>");
	html_escape(out, sb.buf);
	strbuf_addstr(out, ".</footer>\n</main>\n</body>\n</html>\n");
	strbuf_release(&sb);
}

void
html_doc_field(struct strbuf *out, const char *label, const char *value)
{
	strbuf_addstr(out, "<div><dt>");
	strbuf_addstr(out, label);
	strbuf_addstr(out, "</dt><dd>");
	html_escape(out, value && *value ? value : "–");
	strbuf_addstr(out, "</dd></div>\n");
}

void
html_doc_header(struct strbuf *out, const char *kicker, const struct deal *d,
		const char *champion_label, const char *value,
		const struct brand *b)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(out, "<header>\n");
	/* A data: URI the setting checked: it is its own escape. */
	if (b && b->logo) {
		strbuf_addf(out, "<img class=\"logo\" src=\"%s\" alt=\"",
			    b->logo);
		html_escape(out, b->name ? b->name : "");
		strbuf_addstr(out, "\">\n");
	}
	strbuf_addf(out, "<p class=\"kicker\">%s</p>\n<h1>", kicker);
	html_escape(out, d->account);
	strbuf_addstr(out, "</h1>\n<dl>\n");
	if (nonempty(d->champion)) {
		strbuf_addstr(&sb, d->champion);
		if (nonempty(d->champion_email))
			strbuf_addf(&sb, " (%s)", d->champion_email);
	}
	html_doc_field(out, champion_label, sb.buf);
	html_doc_field(out, "Sales engineer", d->se);
	html_doc_field(out, "Account executive", d->ae);
	if (*value)
		html_doc_field(out, "Deal value", value);
	strbuf_release(&sb);
}

/* <td> with an optional class; an empty cell shows an en dash. */
static void
html_td(struct strbuf *out, const char *cls, const char *s)
{
	if (cls) {
		strbuf_addstr(out, "<td class=\"");
		strbuf_addstr(out, cls);
		strbuf_addstr(out, "\">");
	} else {
		strbuf_addstr(out, "<td>");
	}
	html_escape(out, s && *s ? s : "–");
	strbuf_addstr(out, "</td>");
}

static void
html_header(struct strbuf *out, const struct summary *s)
{
	const struct deal *d = s->deal;
	struct strbuf sb = STRBUF_INIT;
	char b[DATE_BUFSZ], e[DATE_BUFSZ];

	html_doc_header(out, "Technical Win Summary", d, "Champion", s->value,
			s->brand);
	if (d->poc_start || d->poc_end) {
		strbuf_addf(&sb, "%s to %s", date_format(d->poc_start, b),
			    date_format(d->poc_end, e));
		html_doc_field(out, "POC", sb.buf);
	}
	html_doc_field(out, "Date", date_format(s->today, b));
	strbuf_release(&sb);
	strbuf_addstr(out, "</dl>\n</header>\n");
	strbuf_addf(out, "<p class=\"headline%s\">", s->won ? "" : " open");
	html_escape(out, s->headline);
	strbuf_addstr(out, "</p>\n");
}

/* The rows of a criteria table (the proposal shows the same columns). */
static void
html_criterion_row(struct strbuf *out, const struct summary_criterion *c,
		   bool outcome)
{
	strbuf_addstr(out, "<tr><td class=\"key\">");
	html_escape(out, summary_criterion_title(c));
	strbuf_addstr(out, "</td>");
	html_td(out, "num", c->required);
	html_td(out, "num", c->measured);
	html_td(out, crit_status_name(c->ev.status),
		crit_status_name(c->ev.status));
	html_td(out, "num", c->headroom);
	html_td(out, NULL, c->growth);
	if (outcome)
		html_td(out, NULL, c->outcome);
	strbuf_addstr(out, "</tr>\n");
}

void
html_criteria_table(struct strbuf *out, const struct summary_criterion *rows,
		    size_t n, bool outcome)
{
	strbuf_addstr(out, "<table>\n<thead><tr><th>Criterion</th>"
		      "<th class=\"num\">Required</th>"
		      "<th class=\"num\">Measured</th><th>Result</th>"
		      "<th class=\"num\">Headroom</th><th>Growth</th>");
	if (outcome)
		strbuf_addstr(out, "<th>Business outcome</th>");
	strbuf_addstr(out, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		html_criterion_row(out, &rows[i], outcome);
	strbuf_addstr(out, "</tbody>\n</table>\n");
}

static void
html_risks(struct strbuf *out, const struct summary *s)
{
	char b[DATE_BUFSZ];

	if (!s->nrisks)
		return;
	strbuf_addstr(out, "<h2>Risks and latest start dates</h2>\n"
		      "<table>\n<thead><tr><th>Risk</th><th>Deadline</th>"
		      "<th>Go-live by</th><th>Latest start</th>"
		      "<th>Slack</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nrisks; i++) {
		const struct summary_risk *r = &s->risks[i];

		strbuf_addstr(out, "<tr>");
		html_td(out, NULL, r->title ? r->title : r->key);
		html_td(out, "nowrap", date_format(r->deadline, b));
		html_td(out, "nowrap", date_format(r->ev.go_live_by, b));
		html_td(out, "nowrap key", date_format(r->ev.latest_start, b));
		html_td(out, r->ev.at_risk ? "late" : NULL, r->slack);
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</tbody>\n</table>\n");
}

static void
html_timeline(struct strbuf *out, const struct summary *s)
{
	strbuf_addstr(out, "<h2>Proposed commercial timeline</h2>\n");
	if (s->nsteps) {
		strbuf_addstr(out, "<table>\n<thead><tr><th>Date</th>"
			      "<th>Step</th></tr></thead>\n<tbody>\n");
		for (size_t i = 0; i < s->nsteps; i++) {
			struct strbuf day = STRBUF_INIT;

			summary_fmt_day(&day, s->steps[i].date);
			strbuf_addstr(out, "<tr>");
			html_td(out, "shrink", day.buf);
			html_td(out, NULL, s->steps[i].title);
			strbuf_addstr(out, "</tr>\n");
			strbuf_release(&day);
		}
		strbuf_addstr(out, "</tbody>\n</table>\n");
	}
	strbuf_addstr(out, "<p>");
	html_escape(out, s->timeline_note);
	strbuf_addstr(out, "</p>\n");
}

static void
html_phases(struct strbuf *out, const struct summary *s)
{
	if (!s->nphases)
		return;
	strbuf_addstr(out, "<h2>Phases</h2>\n<table>\n<thead><tr>"
		      "<th>Phase</th><th>Scope</th><th>Duration</th>"
		      "<th class=\"num\">Price</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < s->nphases; i++) {
		const struct summary_phase *p = &s->phases[i];

		strbuf_addf(out, "<tr><td class=\"key\">%d", p->number);
		if (p->name) {
			strbuf_addstr(out, ". ");
			html_escape(out, p->name);
		}
		strbuf_addstr(out, "</td>");
		html_td(out, NULL, p->scope);
		html_td(out, "nowrap", p->duration);
		html_td(out, "num", *p->price ? p->price : "not priced");
		strbuf_addstr(out, "</tr>\n");
	}
	strbuf_addstr(out, "</tbody>\n</table>\n");
	summary_totals_html(out, s->initial, s->total);
}

void
render_summary_html(const struct summary *s, enum paper paper,
		    struct strbuf *out)
{
	struct strbuf title = STRBUF_INIT;

	strbuf_addf(&title, "Technical Win Summary: %s", s->deal->account);
	html_doc_begin(out, title.buf, paper, s->brand);
	strbuf_release(&title);
	html_header(out, s);
	strbuf_addstr(out, "<h2>POC results and the business outcomes they "
		      "prove</h2>\n");
	if (s->ncriteria)
		html_criteria_table(out, s->criteria, s->ncriteria, true);
	else
		strbuf_addstr(out, "<p>No success criteria recorded "
			      "yet.</p>\n");
	html_risks(out, s);
	html_timeline(out, s);
	html_phases(out, s);
	strbuf_addstr(out, "<h2>Next step</h2>\n<p class=\"next\">");
	html_escape(out, s->next.text);
	strbuf_addstr(out, "</p>\n");
	html_doc_end(out, s->brand, s->deal, s->today);
}
