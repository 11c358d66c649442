/*
 * The pipeline page (GET /): the deals the filters select (SE, AE, stage,
 * outcome, "has errors", a search over account and slug), most urgent
 * first or by value, freshness or days since the win, 50 a page by
 * keyset cursor (store/listing.h), with the totals of all of them. Only
 * the page's rows are read, so the page costs the same at any pipeline
 * size.
 */
#include "web/pages-internal.h"

#include "core/message.h"
#include "core/pipeline.h"
#include "store/listing.h"
#include "store/notify.h"
#include "web/paging.h"

#include <stdlib.h>
#include <string.h>

#define PIPELINE_PAGE 50
#define BAD_LINK "This page link is not one the pipeline made: start " \
		 "again from the first page."

static const char *
fresh_class(double f)
{
	return f >= 50 ? "pass" : f >= 25 ? "warn" : "fail";
}

static void
finding_cell(struct strbuf *sb, const struct listing_row *r)
{
	page_td_open(sb, "Worst finding", "wide");
	if (r->deal.outcome != OUTCOME_OPEN) {
		page_badge(sb, "ok", outcome_name(r->deal.outcome));
	} else if (r->rule) {
		bool quiet = r->snoozed || r->acknowledged;
		enum severity sev = r->worst % 2 ? SEV_WARNING : SEV_ERROR;

		page_badge(sb, page_severity_class(sev, quiet),
			   r->snoozed ? "snoozed"
			   : r->acknowledged ? "acknowledged"
					     : severity_name(sev));
		strbuf_addstr(sb, " <code>");
		html_escape(sb, r->rule);
		strbuf_addstr(sb, "</code><span class=\"finding\">");
		html_escape(sb, r->message);
		strbuf_addstr(sb, "</span>");
		if (r->nerr + r->nwarn > 1)
			strbuf_addf(sb, "<small>%zu error%s, %zu warning%s in "
				    "all</small>", r->nerr,
				    r->nerr == 1 ? "" : "s", r->nwarn,
				    r->nwarn == 1 ? "" : "s");
	} else {
		page_badge(sb, "ok", "no findings");
	}
	strbuf_addstr(sb, "</td>");
}

static void
pipeline_row(struct strbuf *sb, const struct listing_row *r)
{
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<tr>");
	page_td_open(sb, "Deal", "wide deal");
	page_deal_path(sb, "<a href=\"/deals/", r->deal.slug, "\">");
	html_escape(sb, page_deal_name(&r->deal));
	strbuf_addstr(sb, "</a><small>");
	html_escape(sb, r->deal.slug);
	strbuf_addstr(sb, "</small></td>");
	page_td(sb, "Stage", "nowrap", r->deal.stage);
	page_deal_value(&tmp, &r->deal);
	page_td(sb, "Value", "num", tmp.buf);
	page_td(sb, "SE", NULL, r->deal.se);
	page_td(sb, "AE", NULL, r->deal.ae);
	page_td_open(sb, "Freshness", "nowrap");
	if (r->has_freshness) {
		page_bar(sb, r->freshness, fresh_class(r->freshness));
		strbuf_addf(sb, "%.1f", r->freshness);
	} else {
		strbuf_addstr(sb, "<span class=\"hint\">no win yet</span>");
	}
	strbuf_addstr(sb, "</td>");
	page_td_open(sb, "Since the win", "nowrap");
	if (r->technical_win != DATE_NONE) {
		page_days_text(sb, r->win_days);
		strbuf_addf(sb, "<small>%d business day%s</small>",
			    r->win_bdays, r->win_bdays == 1 ? "" : "s");
	} else {
		strbuf_addstr(sb, "&mdash;");
	}
	strbuf_addstr(sb, "</td>");
	finding_cell(sb, r);
	strbuf_addstr(sb, "</tr>\n");
	strbuf_release(&tmp);
}

static void
text_filter(struct strbuf *sb, const char *name, const char *label,
	    const char *type, const char *value)
{
	strbuf_addf(sb, "<div><label for=\"f-%s\">%s</label>\n<input "
		    "type=\"%s\" id=\"f-%s\" name=\"%s\" value=\"", name, label,
		    type, name, name);
	html_escape(sb, value ? value : "");
	strbuf_addstr(sb, "\"></div>\n");
}

/* A <select> of values[] (labels[]), the first value "" or not. */
static void
select_filter(struct strbuf *sb, const char *name, const char *label,
	      const char *const *values, const char *const *labels,
	      const char *chosen)
{
	strbuf_addf(sb, "<div><label for=\"f-%s\">%s</label>\n<select "
		    "id=\"f-%s\" name=\"%s\">\n", name, label, name, name);
	for (size_t i = 0; values[i]; i++)
		strbuf_addf(sb, "<option value=\"%s\"%s>%s</option>\n",
			    values[i],
			    !strcmp(chosen, values[i]) ? " selected" : "",
			    labels[i]);
	strbuf_addstr(sb, "</select></div>\n");
}

static void
filters_form(struct strbuf *sb, const struct listing_query *q,
	     const char *outcome, bool filtered)
{
	static const char *const outcomes[] = { "open", "won", "lost", "all",
		NULL };
	static const char *const outcome_labels[] = { "Open", "Won", "Lost",
		"All", NULL };
	static const char *const sort_values[] = { "urgency", "value",
		"freshness", "win", NULL };
	static const char *const sort_labels[] = { "Urgency", "Value",
		"Freshness (stalest first)", "Days since the win", NULL };

	strbuf_addstr(sb, "<form method=\"get\" action=\"/\" class=\"panel "
		      "row\" role=\"search\" aria-label=\"Filter deals\">\n");
	text_filter(sb, "q", "Account or slug", "search", q->search);
	text_filter(sb, "se", "SE", "text", q->se);
	text_filter(sb, "ae", "AE", "text", q->ae);
	text_filter(sb, "stage", "Stage", "text", q->stage);
	select_filter(sb, "outcome", "Outcome", outcomes, outcome_labels,
		      outcome);
	select_filter(sb, "sort", "Sort by", sort_values, sort_labels,
		      listing_sort_name(q->sort));
	strbuf_addf(sb, "<div class=\"check\"><input type=\"checkbox\" "
		    "id=\"f-errors\" "
		    "name=\"errors\" value=\"1\"%s> <label for=\"f-errors\">"
		    "Has errors</label></div>\n",
		    q->errors_only ? " checked" : "");
	strbuf_addstr(sb, "<div><button type=\"submit\">Filter</button>");
	if (filtered)
		strbuf_addstr(sb, " <a class=\"button secondary\" "
			      "href=\"/\">Show all</a>");
	strbuf_addstr(sb, "</div>\n</form>\n");
}

static void
totals_text(struct strbuf *sb, const struct listing *l, const char *what)
{
	bool any = false;

	strbuf_addf(sb, "<p class=\"sub\" id=\"totals\">%zu %s deal%s: "
		    "%zu with errors", l->count, what,
		    l->count == 1 ? "" : "s", l->nerr);
	for (size_t i = 0; i < l->ntotals; i++) {
		const struct listing_total *t = &l->totals[i];
		struct strbuf m = STRBUF_INIT;

		if (!t->nerr)
			continue;
		strbuf_addstr(sb, any ? " + " : ", value at stake ");
		msg_fmt_money(&m, t->at_stake, t->currency);
		html_escape(sb, m.buf);
		strbuf_release(&m);
		any = true;
	}
	strbuf_addstr(sb, ".</p>\n");
}

/* Next page, and back to the first once past it. */
static void
pager(struct strbuf *sb, struct http_request *rq, const struct listing *l,
      bool paged)
{
	char *next = NULL;

	if (!l->more && !paged)
		return;
	strbuf_addstr(sb, "<nav class=\"pager\" aria-label=\"Pages\">");
	if (paged) {
		struct strbuf url = STRBUF_INIT;

		/* The same filters without the cursor: the first page. */
		paging_next_url(&url, rq, NULL);
		strbuf_addstr(sb, "<a class=\"button secondary\" id=\"first\" "
			      "href=\"");
		html_escape(sb, url.buf);
		strbuf_addstr(sb, "\">First page</a> ");
		strbuf_release(&url);
	}
	if (l->more) {
		const struct listing_row *last = &l->rows[l->n - 1];
		struct strbuf url = STRBUF_INIT;

		next = paging_cursor_make((const char *const *)last->key,
					  last->nkey);
		paging_next_url(&url, rq, next);
		strbuf_addstr(sb, "<a class=\"button\" id=\"next\" rel=\"next\" "
			      "href=\"");
		html_escape(sb, url.buf);
		strbuf_addf(sb, "\">Next %d</a>", PIPELINE_PAGE);
		strbuf_release(&url);
	}
	strbuf_addstr(sb, "</nav>\n");
	free(next);
}

static bool
given(const char *s)
{
	return s && *s;
}

/* Alerts that could not be delivered for a day (store/notify.h). */
static void
failed_alerts(struct strbuf *sb, const struct http_request *rq)
{
	struct tw_error err = { 0 };
	size_t n = 0;

	if (store_delivery_count(rq->st, "failed", &n, &err) < 0 || !n) {
		tw_error_clear(&err);
		return;
	}
	strbuf_addf(sb, "<p class=\"notice error\" role=\"alert\" "
		    "id=\"alerts-failed\">%zu %s could not be delivered: see "
		    "<code>techwin notify list --failed</code>.</p>\n", n,
		    n == 1 ? "alert" : "alerts");
}

void
pages_pipeline(struct http_request *rq, struct http_response *rs)
{
	static const char *const cols[] = { "Deal", "Stage", "#Value", "SE",
		"AE", "Freshness", "Since the win", "Worst finding", NULL };
	const char *outcome = http_params_get(&rq->query, "outcome");
	const char *sort = http_params_get(&rq->query, "sort");
	const char *errors = http_params_get(&rq->query, "errors");
	const char *cursor = http_params_get(&rq->query, "cursor");
	struct listing_query q = { 0 };
	struct paging_cursor cur;
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct listing l = { 0 };
	enum outcome oc = OUTCOME_OPEN;
	bool filtered;
	int r;

	q.se = http_params_get(&rq->query, "se");
	q.ae = http_params_get(&rq->query, "ae");
	q.stage = http_params_get(&rq->query, "stage");
	q.search = http_params_get(&rq->query, "q");
	q.errors_only = given(errors);
	q.limit = PIPELINE_PAGE;
	q.details = true;
	if (!given(outcome))
		outcome = "open";
	if (strcmp(outcome, "all") && outcome_parse(outcome, &oc) < 0) {
		page_error(rq, rs, 400, "outcome must be open, won, lost or "
			   "all");
		return;
	}
	q.outcome = strcmp(outcome, "all") ? (int)oc : -1;
	if (given(sort) && (listing_sort_parse(sort, &q.sort) < 0 ||
			    q.sort == LIST_BY_SLUG)) {
		page_error(rq, rs, 400, "sort must be urgency, value, "
			   "freshness or win");
		return;
	} else if (!given(sort)) {
		q.sort = LIST_BY_URGENCY;
	}
	memset(&cur, 0, sizeof(cur));
	if (cursor && (paging_cursor_parse(cursor, &cur) < 0 ||
		       cur.n > LISTING_KEY_MAX)) {
		paging_cursor_release(&cur);
		page_error(rq, rs, 400, BAD_LINK);
		return;
	}
	memcpy(q.after, cur.field, cur.n * sizeof(*cur.field));
	q.nafter = cur.n;
	r = store_listing(rq->st, &q, rq->today, true, &l, &err);
	paging_cursor_release(&cur);
	if (r == TW_EUSAGE) {
		page_error(rq, rs, 400, BAD_LINK);
		tw_error_clear(&err);
		return;
	}
	if (r < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}

	filtered = given(q.se) || given(q.ae) || given(q.stage) ||
		   given(q.search) || q.errors_only || q.outcome != OUTCOME_OPEN;
	page_begin(&sb, rq, "Pipeline", NAV_PIPELINE);
	strbuf_addstr(&sb, "<div class=\"row\"><h1>Pipeline</h1>");
	if (page_can_edit(rq))
		strbuf_addstr(&sb, "<p><a class=\"button\" id=\"new-deal\" "
			      "href=\"/deals/new\">New deal</a></p>");
	/* import and export (pages-import.c) */
	strbuf_addstr(&sb, "<p class=\"links\">");
	pages_import_links(&sb, rq, NULL);
	strbuf_addstr(&sb, "</p>");
	strbuf_addstr(&sb, "</div>\n");
	/* After a deal's removal page (pages-forms.c). */
	if (http_params_get(&rq->query, "removed"))
		strbuf_addstr(&sb, "<p class=\"notice ok\" role=\"status\">"
			      "Deal removed.</p>\n");
	failed_alerts(&sb, rq);
	totals_text(&sb, &l, q.outcome < 0 ? "" : outcome);
	strbuf_addstr(&sb, "<p class=\"hint\">As of ");
	page_add_day(&sb, rq->today);
	strbuf_addstr(&sb, q.sort == LIST_BY_URGENCY
				   ? ". Most urgent first: errors, then "
				     "warnings, then the stalest commercial "
				     "progress.</p>\n"
				   : ".</p>\n");
	filters_form(&sb, &q, outcome, filtered);
	if (!l.n) {
		strbuf_addstr(&sb, filtered || q.nafter
					   ? "<p class=\"empty\">No deal "
					     "matches these filters.</p>\n"
					   : "<p class=\"empty\">No open deals. "
					     "Add one with <code>techwin deal "
					     "add</code> or <code>techwin "
					     "import</code>.</p>\n");
	} else {
		page_table_open(&sb, NULL, cols);
		for (size_t i = 0; i < l.n; i++)
			pipeline_row(&sb, &l.rows[i]);
		page_table_close(&sb);
	}
	pager(&sb, rq, &l, q.nafter != 0);
	page_end(&sb);
	page_send(rs, 200, &sb);
	listing_release(&l);
}
