/*
 * A deal's page (GET /deals/{slug}) and its forms: the facts, the
 * momentum findings, criteria, timeline, commercial plan, risks, phases,
 * champion messages and documents; recording a measurement and applying
 * the plan post back here (post/redirect/get).
 */
#include "web/pages-internal.h"
#include "core/commercial.h"
#include "core/findings.h"
#include "core/message.h"
#include "core/risk.h"
#include "render/chart.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* ---- a deal ---------------------------------------------------------- */

/* What the deal page shows besides the deal: a form's outcome. */
struct deal_view {
	unsigned status;
	const char *error;		/* the form's input was refused */
	const char *criterion;		/* the form's values, to keep */
	const char *measured;
	const char *measured_on;
	int form_table;			/* the add form refused (forms) */
	const struct page_form *form;
	const struct action_view *act;	/* pages-actions.c's form */
};

static void
deal_facts(struct strbuf *sb, const struct deal *d,
	   const struct momentum_report *rep, const struct summary *s)
{
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<dl class=\"facts\">\n");
	html_doc_field(sb, "Stage", d->stage ? d->stage : "");
	html_doc_field(sb, "Value", s->value);
	html_doc_field(sb, "SE", d->se ? d->se : "");
	html_doc_field(sb, "AE", d->ae ? d->ae : "");
	if (d->champion_email)
		strbuf_addf(&tmp, "%s <%s>", d->champion ? d->champion : "",
			    d->champion_email);
	else if (d->champion)
		strbuf_addstr(&tmp, d->champion);
	html_doc_field(sb, "Champion", tmp.buf);
	strbuf_reset(&tmp);
	if (d->has_procurement_days)
		strbuf_addf(&tmp, "%d business day%s", d->procurement_days,
			    d->procurement_days == 1 ? "" : "s");
	html_doc_field(sb, "Procurement", tmp.buf);
	strbuf_reset(&tmp);
	if (d->poc_start || d->poc_end) {
		summary_fmt_day(&tmp, d->poc_start);
		strbuf_addstr(&tmp, " to ");
		summary_fmt_day(&tmp, d->poc_end);
	}
	html_doc_field(sb, "POC", tmp.buf);
	strbuf_reset(&tmp);
	if (rep->technical_win != DATE_NONE)
		summary_fmt_day(&tmp, rep->technical_win);
	else
		strbuf_addstr(&tmp, "not yet");
	html_doc_field(sb, "Technical win", tmp.buf);
	strbuf_reset(&tmp);
	if (rep->has_freshness)
		strbuf_addf(&tmp, "%.1f / 100", rep->freshness);
	html_doc_field(sb, "Freshness", tmp.buf);
	strbuf_reset(&tmp);
	if (d->outcome != OUTCOME_OPEN) {
		strbuf_addstr(&tmp, outcome_name(d->outcome));
		if (d->close_date) {
			strbuf_addstr(&tmp, " on ");
			summary_fmt_day(&tmp, d->close_date);
		}
		html_doc_field(sb, "Closed", tmp.buf);
	}
	strbuf_addstr(sb, "</dl>\n");
	strbuf_release(&tmp);
}

static void
deal_momentum(struct strbuf *sb, const struct deal *d, tw_date today,
	      const struct momentum_report *rep)
{
	static const char *const cols[] = { "Severity", "Rule", "Subject",
		"Finding", NULL };

	strbuf_addstr(sb, "<h2 id=\"check\">Momentum check</h2>\n");
	if (!rep->n) {
		strbuf_addstr(sb, "<p>");
		page_badge(sb, "ok", "no findings");
		strbuf_addstr(sb, " Nothing is losing momentum as of ");
		page_add_day(sb, today);
		strbuf_addstr(sb, ".</p>\n");
		return;
	}
	if (deal_is_snoozed(d, today)) {
		strbuf_addstr(sb, "<p class=\"hint\">Snoozed through ");
		page_add_day(sb, d->snooze_until);
		if (d->snooze_reason) {
			strbuf_addstr(sb, ": ");
			html_escape(sb, d->snooze_reason);
		}
		strbuf_addstr(sb, ".</p>\n");
	}
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		strbuf_addstr(sb, "<tr>");
		page_td_open(sb, "Severity", NULL);
		page_badge(sb, page_severity_class(f->severity,
						   f->snoozed ||
							   f->acknowledged),
			   finding_state(f));
		strbuf_addstr(sb, "</td>");
		page_td_open(sb, "Rule", NULL);
		strbuf_addstr(sb, "<code>");
		html_escape(sb, f->rule);
		strbuf_addstr(sb, "</code></td>");
		page_td(sb, "Subject", NULL, f->subject);
		page_td_open(sb, "Finding", "wide");
		html_escape(sb, f->message);
		if (f->acknowledged) {
			strbuf_addstr(sb, "<small>Acknowledged by ");
			html_escape(sb, f->ack_by ? f->ack_by : "someone");
			strbuf_addstr(sb, " through ");
			page_add_day(sb, f->ack_until);
			strbuf_addstr(sb, ": ");
			html_escape(sb, f->ack_reason);
			strbuf_addstr(sb, "</small>");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	page_table_close(sb);
}

static void
record_form(struct strbuf *sb, const struct http_request *rq,
	    const struct deal *d, const struct deal_view *v)
{
	char today[DATE_BUFSZ];

	page_deal_path(sb, "<form method=\"post\" action=\"/deals/", d->slug,
		       "/measurements\" class=\"panel\" id=\"record\">\n"
		       "<h3>Record a measurement</h3>\n");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"r-crit\">"
		      "Criterion</label>\n<select id=\"r-crit\" "
		      "name=\"criterion\" required>\n"
		      /* A required select's first option is its placeholder. */
		      "<option value=\"\">Choose a criterion</option>\n");
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];

		strbuf_addstr(sb, "<option value=\"");
		html_escape(sb, c->key);
		strbuf_addch(sb, '"');
		if (v->criterion && !strcmp(v->criterion, c->key))
			strbuf_addstr(sb, " selected");
		strbuf_addch(sb, '>');
		html_escape(sb, c->key);
		if (c->unit && *c->unit) {
			strbuf_addstr(sb, " (");
			html_escape(sb, c->unit);
			strbuf_addch(sb, ')');
		}
		strbuf_addstr(sb, "</option>\n");
	}
	strbuf_addstr(sb, "</select></div>\n<div><label for=\"r-value\">"
		      "Measured value</label>\n<input id=\"r-value\" "
		      "name=\"measured\" type=\"number\" step=\"any\" "
		      "min=\"0\" required");
	if (v->measured && page_input_holds("number", v->measured)) {
		strbuf_addstr(sb, " value=\"");
		html_escape(sb, v->measured);
		strbuf_addch(sb, '"');
	}
	strbuf_addstr(sb, "></div>\n<div><label for=\"r-on\">Measured on"
		      "</label>\n<input id=\"r-on\" name=\"measured_on\" "
		      "type=\"date\" value=\"");
	if (!v->measured_on)
		html_escape(sb, date_format(rq->today, today));
	else if (page_input_holds("date", v->measured_on))
		html_escape(sb, v->measured_on);
	strbuf_addstr(sb, "\"></div>\n<div><button type=\"submit\">Record"
		      "</button></div>\n</div>\n</form>\n");
}

static void
deal_criteria(struct strbuf *sb, const struct http_request *rq,
	      const struct deal *d, const struct summary *s,
	      const struct deal_view *v)
{
	static const char *const cols[] = { "Criterion", "#Required",
		"#Measured", "Result", "Headroom", "Growth", NULL };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2 id=\"criteria\">Success criteria</h2>\n<p>");
	html_escape(sb, s->headline);
	strbuf_addstr(sb, "</p>\n");
	if (v->error) {
		strbuf_addstr(sb, "<p class=\"notice error\" role=\"alert\">");
		html_escape(sb, v->error);
		strbuf_addstr(sb, "</p>\n");
	}
	if (s->ncriteria) {
		page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < s->ncriteria; i++) {
			const struct summary_criterion *c = &s->criteria[i];

			strbuf_addstr(sb, "<tr");
			page_child_row_id(sb, T_CRITERION, c->key);
			strbuf_addch(sb, '>');
			page_td_open(sb, "Criterion", "wide");
			html_escape(sb, c->metric ? c->metric : c->key);
			strbuf_addstr(sb, "<small>");
			html_escape(sb, c->key);
			if (c->outcome) {
				strbuf_addstr(sb, ": ");
				html_escape(sb, c->outcome);
			}
			strbuf_addstr(sb, "</small>");
			if (page_can_edit(rq))
				page_child_links(sb, d->slug, T_CRITERION,
						 c->key);
			strbuf_addstr(sb, "</td>");
			page_td(sb, "Required", "num", c->required);
			page_td_open(sb, "Measured", "num");
			if (*c->measured) {
				html_escape(sb, c->measured);
				strbuf_addstr(sb, "<small>");
				html_escape(sb, page_day_text(&tmp,
							      c->measured_on));
				strbuf_addstr(sb, "</small>");
			} else {
				strbuf_addstr(sb, "&mdash;");
			}
			strbuf_addstr(sb, "</td>");
			page_td_open(sb, "Result", NULL);
			page_badge(sb, page_status_class(c->ev.status),
				   crit_status_name(c->ev.status));
			strbuf_addstr(sb, "</td>");
			page_headroom_cell(sb, c);
			page_td(sb, "Growth", NULL, c->growth);
			strbuf_addstr(sb, "</tr>\n");
		}
		page_table_close(sb);
	}
	if (page_can_edit(rq) && d->ncriteria)
		record_form(sb, rq, d, v);
	strbuf_release(&tmp);
}

static void
deal_timeline(struct strbuf *sb, const struct deal *d, tw_date today,
	      const struct momentum_settings *ms, const struct holidays *h,
	      bool edit)
{
	static const char *const cols[] = { "Date", "Kind", "Event", "Owner",
		"Status", NULL };
	struct chart_timeline_opts o = { today, ms->max_gap, h };
	struct strbuf svg = STRBUF_INIT, tmp = STRBUF_INIT;
	struct tw_error err = { 0 };
	const char *start;

	strbuf_addstr(sb, "<h2 id=\"timeline\">Timeline</h2>\n");
	if (chart_render_timeline(d, &o, CHART_SVG, &svg, &err) == 0 &&
	    (start = strstr(svg.buf, "<svg"))) {
		/*
		 * Inline: the XML declaration has no place inside HTML. On a
		 * phone the chart scrolls sideways, so it takes the focus.
		 */
		strbuf_addstr(sb, "<figure class=\"chart\" tabindex=\"0\" "
			      "aria-label=\"Timeline chart\">\n");
		strbuf_addstr(sb, start);
		strbuf_addstr(sb, "</figure>\n");
	}
	strbuf_release(&svg);
	if (!d->nevents) {
		strbuf_addstr(sb, "<p class=\"empty\">No events yet.</p>\n");
		return;
	}
	strbuf_addstr(sb, "<h3>Events</h3>\n");
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		bool done = event_done_by(e, today);

		strbuf_addstr(sb, "<tr");
		page_child_row_id(sb, T_EVENT, e->key);
		strbuf_addch(sb, '>');
		page_td(sb, "Date", "nowrap", page_day_text(&tmp, e->date));
		page_td(sb, "Kind", NULL, event_kind_name(e->kind));
		page_td_open(sb, "Event", "wide");
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, "<small>");
		html_escape(sb, e->key);
		strbuf_addstr(sb, "</small>");
		if (edit)
			page_child_links(sb, d->slug, T_EVENT, e->key);
		strbuf_addstr(sb, "</td>");
		page_td(sb, "Owner", NULL, e->owner);
		page_td_open(sb, "Status", "nowrap");
		if (done) {
			page_badge(sb, "done", "done");
			strbuf_addstr(sb, " ");
			page_add_day(sb, e->done);
		} else if (e->date != DATE_NONE && e->date < today) {
			page_badge(sb, "late", "overdue");
		} else {
			page_badge(sb, "planned", "planned");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	page_table_close(sb);
	strbuf_release(&tmp);
}

static void
deal_plan(struct strbuf *sb, const struct http_request *rq,
	  const struct deal *d, const struct holidays *h,
	  const struct summary *s)
{
	static const char *const cols[] = { "Date", "Step", "Kind", NULL };
	struct commercial_plan p;
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2 id=\"plan\">Commercial plan</h2>\n");
	commercial_plan_compute(d, h, &p);
	if (p.technical_win != DATE_NONE) {
		strbuf_addstr(sb, "<p>Technical win on ");
		page_add_day(sb, p.technical_win);
		strbuf_addstr(sb, ". The steps are dated in business days "
			      "from it.</p>\n");
		page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < p.nsteps; i++) {
			strbuf_addstr(sb, "<tr>");
			page_td(sb, "Date", "nowrap",
				page_day_text(&tmp, p.steps[i].date));
			page_td(sb, "Step", "wide", p.steps[i].title);
			page_td(sb, "Kind", NULL,
				event_kind_name(p.steps[i].kind));
			strbuf_addstr(sb, "</tr>\n");
		}
		page_table_close(sb);
	}
	strbuf_addstr(sb, "<p>");
	html_escape(sb, s->timeline_note);
	strbuf_addstr(sb, "</p>\n");
	if (p.technical_win != DATE_NONE && page_can_edit(rq)) {
		page_deal_path(sb, "<form method=\"post\" action=\"/deals/",
			       d->slug, "/plan/apply\" class=\"panel\">\n");
		page_csrf_field(sb, &rq->who);
		strbuf_addstr(sb, "<p class=\"hint\">Applying adds each step "
			      "as a planned event of the deal; steps already "
			      "added are skipped.</p>\n<button type=\"submit\">"
			      "Apply the plan</button>\n</form>\n");
	}
	commercial_plan_release(&p);
	strbuf_release(&tmp);
}

static void
deal_risks(struct strbuf *sb, const struct deal *d, tw_date today,
	   const struct holidays *h, bool edit)
{
	static const char *const cols[] = { "Risk", "Deadline", "Go-live by",
		"Latest start", "Countdown", NULL };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2 id=\"risks\">Risks</h2>\n");
	if (!d->nrisks) {
		strbuf_addstr(sb, "<p class=\"empty\">No risks recorded."
			      "</p>\n");
		return;
	}
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *r = &d->risks[i];
		struct risk_eval ev;
		int n;

		risk_evaluate(r, today, h, &ev);
		n = ev.slack_days;
		strbuf_addstr(sb, ev.at_risk ? "<tr class=\"late\"" : "<tr");
		page_child_row_id(sb, T_RISK, r->key);
		strbuf_addch(sb, '>');
		page_td_open(sb, "Risk", "wide");
		html_escape(sb, r->title ? r->title : r->key);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%s; takes ", risk_kind_name(r->kind));
		msg_fmt_duration(&tmp, &r->duration);
		strbuf_addstr(&tmp, ", to be live ");
		msg_fmt_duration(&tmp, &r->buffer);
		strbuf_addstr(&tmp, " before the deadline");
		strbuf_addstr(sb, "<small>");
		html_escape(sb, tmp.buf);
		strbuf_addstr(sb, "</small>");
		if (edit)
			page_child_links(sb, d->slug, T_RISK, r->key);
		strbuf_addstr(sb, "</td>");
		page_td(sb, "Deadline", "nowrap",
			page_day_text(&tmp, r->deadline));
		page_td(sb, "Go-live by", "nowrap",
			page_day_text(&tmp, ev.go_live_by));
		page_td(sb, "Latest start", "nowrap",
			page_day_text(&tmp, ev.latest_start));
		page_td_open(sb, "Countdown", "nowrap");
		strbuf_reset(&tmp);
		if (n > 0) {
			strbuf_addstr(&tmp, "starts in ");
			page_days_text(&tmp, n);
		} else if (n == 0) {
			strbuf_addstr(&tmp, "starts today");
		} else {
			page_days_text(&tmp, -n);
			strbuf_addstr(&tmp, " late");
		}
		page_badge(sb, n < 0 ? "late"
			  : n <= MOMENTUM_START_SOON_DAYS ? "soon"
							  : "planned",
		      tmp.buf);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	page_table_close(sb);
	strbuf_release(&tmp);
}

/* The phases with their criteria; shared with the share page. */
void
page_phases_table(struct strbuf *sb, const struct deal *d,
		  const struct summary *s, bool justification, bool edit)
{
	static const char *const cols[] = { "Phase", "#Price", "Duration",
		"Rests on", NULL };

	if (!s->nphases) {
		strbuf_addstr(sb, "<p class=\"empty\">No phases yet.</p>\n");
		return;
	}
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < s->nphases; i++) {
		const struct summary_phase *sp = &s->phases[i];
		const struct phase *p = deal_find_phase(d, sp->number);
		char num[16];

		snprintf(num, sizeof(num), "%d", sp->number);
		strbuf_addstr(sb, "<tr");
		if (edit)
			page_child_row_id(sb, T_PHASE, num);
		strbuf_addch(sb, '>');
		page_td_open(sb, "Phase", "wide");
		strbuf_addf(sb, "%d. ", sp->number);
		html_escape(sb, sp->name);
		if (sp->scope) {
			strbuf_addstr(sb, "<small>");
			html_escape(sb, sp->scope);
			strbuf_addstr(sb, "</small>");
		}
		if (justification && p && p->justification) {
			strbuf_addstr(sb, "<small>Why: ");
			html_escape(sb, p->justification);
			strbuf_addstr(sb, "</small>");
		}
		if (edit && p)
			page_child_links(sb, d->slug, T_PHASE, num);
		strbuf_addstr(sb, "</td>");
		page_td(sb, "Price", "num", sp->price);
		page_td(sb, "Duration", NULL, sp->duration);
		page_td_open(sb, "Rests on", NULL);
		for (size_t k = 0; p && k < p->ncriteria; k++) {
			const struct criterion *c =
				deal_find_criterion(d, p->criteria[k]);
			struct criterion_eval ev;

			if (k)
				strbuf_addstr(sb, " ");
			if (c) {
				criterion_evaluate(c, &ev);
				strbuf_addf(sb, "<span class=\"badge %s\">",
					    page_status_class(ev.status));
			} else {
				strbuf_addstr(sb, "<span class=\"badge "
					      "pending\">");
			}
			/* The champion reads the metric, the team the key. */
			html_escape(sb, !justification && c && c->metric &&
						*c->metric
					? c->metric
					: p->criteria[k]);
			strbuf_addstr(sb, "</span>");
		}
		if (!p || !p->ncriteria)
			strbuf_addstr(sb, "&mdash;");
		strbuf_addstr(sb, "</td></tr>\n");
	}
	page_table_close(sb);
	strbuf_addstr(sb, "<p>Initial commitment: ");
	html_escape(sb, s->initial);
	strbuf_addstr(sb, "<br>Full scope: ");
	html_escape(sb, s->total);
	strbuf_addstr(sb, "</p>\n");
}

static const char *
message_title(enum message_type t)
{
	switch (t) {
	case MSG_BUYING_SIGNAL:
		return "Buying signal";
	case MSG_COMPRESS:
		return "Compress the timeline";
	case MSG_URGENCY:
		return "Urgency";
	case MSG_PRICING:
		return "Pricing tied to scope";
	case MSG_NEXT_EVENT:
	default:
		return "Next event";
	}
}

/* The workspace's template for t, else the built-in one (caller frees). */
static char *
message_template(struct store *st, enum message_type t)
{
	struct strbuf key = STRBUF_INIT;
	struct tw_error err = { 0 };
	char *tmpl = NULL;

	strbuf_addf(&key, "template.%s", message_type_name(t));
	if (store_setting_get(st, key.buf, &tmpl, &err) < 0)
		tmpl = NULL;
	strbuf_release(&key);
	return tmpl ? tmpl : xstrdup(message_default_template(t));
}

static void
one_message(struct strbuf *sb, const struct http_request *rq,
	    const struct deal *d, enum message_type t,
	    const struct message *m, const char *tmpl, int id,
	    const struct action_view *av)
{
	struct strbuf text = STRBUF_INIT;
	struct tw_error err = { 0 };
	char *subject = NULL;
	const char *body;

	strbuf_addstr(sb, "<div class=\"message\">\n<h3>");
	html_escape(sb, message_title(t));
	if (m->criterion || m->risk) {
		strbuf_addstr(sb, ": ");
		html_escape(sb, m->criterion ? m->criterion : m->risk);
	}
	strbuf_addstr(sb, "</h3>\n");
	if (message_render(tmpl, message_type_name(t), msg_vars_lookup,
			   (void *)&m->vars, &text, &err) < 0) {
		strbuf_addstr(sb, "<p class=\"notice error\">");
		html_escape(sb, err.msg);
		strbuf_addstr(sb, "</p>\n</div>\n");
		strbuf_release(&text);
		return;
	}
	message_split(text.buf, &subject, &body);
	if (m->warning) {
		strbuf_addstr(sb, "<p class=\"hint\">Note: ");
		html_escape(sb, m->warning);
		strbuf_addstr(sb, "</p>\n");
	}
	strbuf_addstr(sb, "<p>To: ");
	if (d->champion || d->champion_email) {
		html_escape(sb, d->champion);
		if (d->champion_email) {
			strbuf_addstr(sb, " &lt;");
			html_escape(sb, d->champion_email);
			strbuf_addstr(sb, "&gt;");
		}
	} else {
		strbuf_addstr(sb, "the champion (none recorded)");
	}
	if (subject) {
		strbuf_addstr(sb, "<br>Subject: ");
		html_escape(sb, subject);
	}
	strbuf_addf(sb, "</p>\n<label for=\"msg-%d\">Message</label>\n"
		    "<textarea id=\"msg-%d\" rows=\"10\">", id, id);
	html_escape(sb, body);
	strbuf_addf(sb, "</textarea>\n<button type=\"button\" "
		    "class=\"secondary\" data-copy=\"msg-%d\">Copy the "
		    "message</button><span class=\"copied\" "
		    "id=\"msg-%d-status\" role=\"status\"></span>\n",
		    id, id);
	actions_message(sb, rq, d, t, m->criterion, id, av);
	strbuf_addstr(sb, "</div>\n");
	free(subject);
	strbuf_release(&text);
}

static void
deal_messages(struct strbuf *sb, const struct http_request *rq,
	      const struct deal *d, const struct holidays *h,
	      const struct action_view *av)
{
	struct store *st = rq->st;
	tw_date today = rq->today;
	int id = 0;

	strbuf_addstr(sb, "<h2 id=\"messages\">Champion messages</h2>\n"
		      "<p class=\"hint\">Drafted from the numbers above, "
		      "ready to copy into an email.</p>\n");
	for (int t = 0; t < MSG_NTYPES; t++) {
		struct message_request mrq = { (enum message_type)t, NULL,
					       NULL, today };
		struct message_list ml = { 0 };
		struct tw_error err = { 0 };
		char *tmpl;

		/* TW_EINPUT: the deal has nothing to say of this type. */
		if (message_compute(d, h, &mrq, &ml, &err) < 0) {
			message_list_release(&ml);
			continue;
		}
		tmpl = message_template(st, (enum message_type)t);
		for (size_t i = 0; i < ml.n; i++)
			one_message(sb, rq, d, (enum message_type)t,
				    &ml.items[i], tmpl, ++id, av);
		free(tmpl);
		message_list_release(&ml);
	}
	if (!id)
		strbuf_addstr(sb, "<p class=\"empty\">Nothing to tell the "
			      "champion yet: no criterion has passed.</p>\n");
}

static void
deal_documents(struct strbuf *sb, const struct deal *d)
{
	static const char *const docs[][2] = {
		{ "summary.html", "HTML" },
		{ "summary.pdf", "PDF" },
		{ "summary.md", "Markdown" },
		{ "calendar.ics", "Calendar (.ics)" },
	};

	strbuf_addstr(sb, "<h2 id=\"documents\">Technical Win Summary</h2>\n"
		      "<p class=\"links\">");
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		page_deal_path(sb, "<a class=\"button secondary\" "
			       "href=\"/api/deals/", d->slug, "/");
		strbuf_addf(sb, "%s\">%s</a> ", docs[i][0], docs[i][1]);
	}
	strbuf_addstr(sb, "</p>\n");
}

/* The notice after a form's redirect: ?recorded=KEY or ?applied=N. */
static void
deal_notice(struct strbuf *sb, const struct http_request *rq,
	    const struct summary *s)
{
	const char *key = http_params_get(&rq->query, "recorded");
	const char *applied = http_params_get(&rq->query, "applied");

	for (size_t i = 0; key && i < s->ncriteria; i++) {
		const struct summary_criterion *c = &s->criteria[i];

		if (strcmp(c->key, key) || c->ev.status == CRIT_PENDING)
			continue;
		strbuf_addstr(sb, "<p class=\"notice ok\" role=\"status\">"
			      "Recorded ");
		html_escape(sb, c->measured);
		strbuf_addstr(sb, " for ");
		html_escape(sb, c->key);
		strbuf_addf(sb, ": %s, headroom ",
			    crit_status_name(c->ev.status));
		html_escape(sb, c->headroom);
		strbuf_addstr(sb, ".</p>\n");
	}
	if (applied && strspn(applied, "0123456789") == strlen(applied) &&
	    *applied && strlen(applied) < 6) {
		int n = atoi(applied);

		strbuf_addstr(sb, "<p class=\"notice ok\" role=\"status\">");
		if (n)
			strbuf_addf(sb, "Plan applied: %d planned event%s "
				    "added.", n, n == 1 ? "" : "s");
		else
			strbuf_addstr(sb, "Plan applied: every step was "
				      "already an event.");
		strbuf_addstr(sb, "</p>\n");
	}
}

/* The refused add form of table t, to show again (forms). */
#define KEPT(v, t) ((v)->form_table == (t) ? (v)->form : NULL)

static void
render_deal(struct http_request *rq, struct http_response *rs,
	    const struct deal_view *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct momentum_report rep;
	struct deal_ctx ctx;
	const struct deal *d = &ctx.deal;
	const struct holidays *h = &ctx.hol;
	struct summary s;
	int r;

	deal_ctx_init(&ctx, rq->today, rq->who.name);
	r = store_load_ctx(rq->st, http_param(rq, "slug"), &ctx, &err);
	if (r < 0) {
		if (r == TW_ENOTFOUND)
			page_error(rq, rs, 404, err.msg);
		else
			page_fail(rq, rs, r, &err);
		deal_ctx_release(&ctx);
		return;
	}
	findings_evaluate(d, rq->today, h, &ctx.settings, &rep);
	summary_compute(&s, d, h, rq->today);

	page_begin(&sb, rq, page_deal_name(d), NAV_NONE);
	strbuf_addstr(&sb, "<p class=\"hint\"><a href=\"/\">Pipeline</a> / ");
	html_escape(&sb, d->slug);
	strbuf_addstr(&sb, "</p>\n<h1>");
	html_escape(&sb, page_deal_name(d));
	strbuf_addstr(&sb, "</h1>\n");
	page_deal_edit_link(&sb, rq, d);
	deal_notice(&sb, rq, &s);
	page_form_notice(&sb, rq);
	page_child_add_error(&sb, v->form_table, v->form);
	actions_notice(&sb, rq, d);
	deal_facts(&sb, d, &rep, &s);
	actions_state(&sb, rq, d, v->act);
	strbuf_addstr(&sb, "<nav aria-label=\"On this page\" class=\"links\">"
		      "<a href=\"#check\">Check</a> "
		      "<a href=\"#criteria\">Criteria</a> "
		      "<a href=\"#timeline\">Timeline</a> "
		      "<a href=\"#champion\">Champion</a> "
		      "<a href=\"#plan\">Plan</a> "
		      "<a href=\"#risks\">Risks</a> "
		      "<a href=\"#phases\">Phases</a> "
		      "<a href=\"#messages\">Messages</a> "
		      "<a href=\"#documents\">Summary</a> "
		      "<a href=\"#shares\">Share links</a> "
		      "<a href=\"#history\">History</a></nav>\n");
	deal_momentum(&sb, d, rq->today, &rep);
	actions_momentum(&sb, rq, d, &rep, v->act);
	deal_criteria(&sb, rq, d, &s, v);
	page_child_add_form(&sb, rq, d, T_CRITERION, KEPT(v, T_CRITERION));
	deal_timeline(&sb, d, rq->today, &ctx.settings, h, page_can_edit(rq));
	actions_events(&sb, rq, d, v->act);
	page_child_add_form(&sb, rq, d, T_EVENT, KEPT(v, T_EVENT));
	actions_champion(&sb, rq, d, v->act);
	deal_plan(&sb, rq, d, h, &s);
	deal_risks(&sb, d, rq->today, h, page_can_edit(rq));
	page_child_add_form(&sb, rq, d, T_RISK, KEPT(v, T_RISK));
	strbuf_addstr(&sb, "<h2 id=\"phases\">Phases</h2>\n");
	page_phases_table(&sb, d, &s, true, page_can_edit(rq));
	page_child_add_form(&sb, rq, d, T_PHASE, KEPT(v, T_PHASE));
	deal_messages(&sb, rq, d, h, v->act);
	deal_documents(&sb, d);
	actions_documents(&sb, d);
	/* the plan file's download (pages-import.c) */
	strbuf_addstr(&sb, "<p class=\"links\">");
	pages_import_links(&sb, rq, d->slug);
	strbuf_addstr(&sb, "</p>\n");
	actions_shares(&sb, rq, d, v->act);
	actions_history(&sb, rq, d);
	page_end(&sb);
	page_send(rs, v->status, &sb);

	summary_release(&s);
	momentum_report_release(&rep);
	deal_ctx_release(&ctx);
}

void
pages_deal(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 200, NULL, NULL, NULL, NULL, -1, NULL, NULL };

	render_deal(rq, rs, &v);
}

void
page_deal_render(struct http_request *rq, struct http_response *rs,
		 unsigned status, int t, const struct page_form *fm)
{
	struct deal_view v = { status, NULL, NULL, NULL, NULL, t, fm, NULL };

	render_deal(rq, rs, &v);
}

/* The page with an action form's refusal (pages-actions.c). */
void
pages_deal_render(struct http_request *rq, struct http_response *rs,
		  unsigned status, const struct action_view *av)
{
	struct deal_view v = { status, NULL, NULL, NULL, NULL, -1, NULL, av };

	render_deal(rq, rs, &v);
}

/* ---- the forms -------------------------------------------------------- */

/* The form's number: a plain finite decimal, nothing after it. */
static int
parse_measured(const char *s, double *out, struct tw_error *err)
{
	char *end;

	if (!s || !*s)
		return tw_error_set(err, TW_EINPUT, "enter the measured "
				    "value");
	errno = 0;
	*out = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (end == s || *end || errno || !isfinite(*out))
		return tw_error_set(err, TW_EINPUT, "the measured value must "
				    "be a number, got '%s'", s);
	return 0;
}

/*
 * Run a form's verb on the deal the route names; the deal as written is
 * not needed, the answer is a redirect to the page.
 */
int
page_run_verb(struct http_request *rq, const struct verb_call *c,
	      struct verb_result *res, struct tw_error *err)
{
	struct deal_ctx ctx;
	int r;

	deal_ctx_init(&ctx, rq->today, rq->who.name);
	r = store_run_verb(rq->st, http_param(rq, "slug"), c, &ctx, res, NULL,
			   err);
	deal_ctx_release(&ctx);
	return r;
}

/*
 * A verb's refusal shown on the deal page with the form's values (an
 * unknown criterion is the verb's 404, as in the API); false for other
 * errors.
 */
static bool
refused(struct http_request *rq, struct http_response *rs, int r,
	struct deal_view *v, const struct tw_error *err)
{
	if (r != TW_EINPUT && r != TW_ENOTFOUND)
		return false;
	v->status = http_status_for(r);
	v->error = err->msg;
	render_deal(rq, rs, v);
	return true;
}

void
pages_record_post(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 422, NULL, NULL, NULL, NULL, -1, NULL, NULL };
	struct strbuf loc = STRBUF_INIT;
	struct tw_error err = { 0 };
	const char *slug = http_param(rq, "slug");
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_RECORD, NULL);
	v.criterion = c.key = http_params_get(&rq->form, "criterion");
	v.measured = http_params_get(&rq->form, "measured");
	v.measured_on = http_params_get(&rq->form, "measured_on");
	if (!c.key || !*c.key)
		r = tw_error_set(&err, TW_EINPUT, "choose a criterion");
	else if ((r = parse_measured(v.measured, &c.value, &err)) < 0)
		;
	else if (v.measured_on && *v.measured_on)
		r = date_parse(v.measured_on, &c.on, &err);
	if (r == 0)
		r = page_run_verb(rq, &c, NULL, &err);
	verb_call_release(&c);
	if (refused(rq, rs, r, &v, &err))
		return;
	if (r < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	/* The key is a checked [a-z0-9-] key: safe in a URL as it is. */
	strbuf_addf(&loc, "/deals/%s?recorded=%s#c-%s", slug, v.criterion,
		    v.criterion);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

void
pages_apply_post(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 422, NULL, NULL, NULL, NULL, -1, NULL, NULL };
	const char *slug = http_param(rq, "slug");
	struct strbuf loc = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct verb_result res;
	struct verb_call c;
	int r;

	verb_call_init(&c, V_PLAN_APPLY, NULL);
	r = page_run_verb(rq, &c, &res, &err);
	verb_call_release(&c);
	if (refused(rq, rs, r, &v, &err))
		return;
	if (r < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	strbuf_addf(&loc, "/deals/%s?applied=%zu#plan", slug, res.added);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}
