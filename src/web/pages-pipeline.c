/*
 * The pipeline page (GET /): every open deal as the momentum check sees
 * it (store_check_each), most urgent first, filtered by SE and stage.
 */
#include "web/pages-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- the pipeline ---------------------------------------------------- */

/* Urgency ranks: the pipeline sorts by these, then by freshness. */
enum rank { RANK_ERROR, RANK_WARNING, RANK_SNOOZED, RANK_CLEAR };

struct pipe_row {
	char *slug, *account, *stage, *se, *value;
	enum rank rank;
	bool has_fresh;
	double fresh;
	tw_date win;
	int win_days, win_bdays;	/* since the win, as of today */
	char *rule, *subject, *message;	/* the worst finding, or NULL */
	enum severity severity;
	size_t nerr, nwarn;
};

struct pipeline {
	tw_date today;
	struct pipe_row *rows;
	size_t n, alloc;
};

static int
pipeline_collect(size_t part, const struct deal_check *c, void *arg,
		 struct tw_error *err)
{
	struct pipeline *p = arg;
	const struct momentum_report *rep = c->report;
	const struct deal *d = c->deal;
	struct pipe_row *row;
	struct strbuf sb = STRBUF_INIT;

	(void)part;
	(void)err;
	ALLOC_GROW(p->rows, p->n + 1, p->alloc);
	row = &p->rows[p->n++];
	memset(row, 0, sizeof(*row));
	row->slug = xstrdup(d->slug);
	row->account = xstrdup(page_deal_name(d));
	row->stage = xstrdup_or_null(d->stage);
	row->se = xstrdup_or_null(d->se);
	page_deal_value(&sb, d);
	row->value = strbuf_detach(&sb, NULL);
	row->has_fresh = rep->has_freshness;
	row->fresh = rep->freshness;
	row->win = rep->technical_win;
	if (row->win != DATE_NONE) {
		row->win_days = p->today - row->win;
		row->win_bdays = date_bdays_between(row->win, p->today, c->hol);
	}
	row->rank = RANK_CLEAR;
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		if (f->snoozed || f->acknowledged)
			continue;
		if (f->severity == SEV_ERROR)
			row->nerr++;
		else
			row->nwarn++;
	}
	if (rep->n) {
		/* The report lists the most severe first. */
		const struct finding *f = &rep->findings[0];

		row->rule = xstrdup(f->rule);
		row->subject = xstrdup_or_null(f->subject);
		row->message = xstrdup_or_null(f->message);
		row->severity = f->severity;
		if (f->snoozed || f->acknowledged)
			row->rank = RANK_SNOOZED;
		else if (f->severity == SEV_ERROR)
			row->rank = RANK_ERROR;
		else
			row->rank = RANK_WARNING;
	}
	return 0;
}

static void
pipeline_release(struct pipeline *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct pipe_row *r = &p->rows[i];

		free(r->slug);
		free(r->account);
		free(r->stage);
		free(r->se);
		free(r->value);
		free(r->rule);
		free(r->subject);
		free(r->message);
	}
	free(p->rows);
}

/* Errors first, then warnings, then the stalest win, then by slug. */
static int
cmp_urgency(const void *a, const void *b)
{
	const struct pipe_row *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->has_fresh != y->has_fresh)
		return x->has_fresh ? -1 : 1;
	if (x->has_fresh && x->fresh != y->fresh)
		return x->fresh < y->fresh ? -1 : 1;
	return strcmp(x->slug, y->slug);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* <select> of the distinct values of a field, with "All" first. */
static void
filter_select(struct strbuf *sb, const struct pipeline *p, const char *name,
	      const char *label, const char *all, const char *chosen)
{
	const char **vals = xcalloc(p->n ? p->n : 1, sizeof(*vals));
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++) {
		const char *v = !strcmp(name, "se") ? p->rows[i].se
						    : p->rows[i].stage;

		if (v && *v)
			vals[n++] = v;
	}
	qsort(vals, n, sizeof(*vals), cmp_str);
	strbuf_addf(sb, "<div><label for=\"f-%s\">%s</label>\n"
		    "<select id=\"f-%s\" name=\"%s\">\n<option value=\"\">%s"
		    "</option>\n", name, label, name, name, all);
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(vals[i], vals[i - 1]))
			continue;
		strbuf_addstr(sb, "<option value=\"");
		html_escape(sb, vals[i]);
		strbuf_addch(sb, '"');
		if (chosen && !strcmp(chosen, vals[i]))
			strbuf_addstr(sb, " selected");
		strbuf_addch(sb, '>');
		html_escape(sb, vals[i]);
		strbuf_addstr(sb, "</option>\n");
	}
	strbuf_addstr(sb, "</select></div>\n");
	free(vals);
}

static const char *
fresh_class(double f)
{
	return f >= 50 ? "pass" : f >= 25 ? "warn" : "fail";
}

static void
pipeline_row(struct strbuf *sb, const struct pipe_row *r)
{
	strbuf_addstr(sb, "<tr>");
	page_td_open(sb, "Deal", "wide deal");
	page_deal_path(sb, "<a href=\"/deals/", r->slug, "\">");
	html_escape(sb, r->account);
	strbuf_addstr(sb, "</a><small>");
	html_escape(sb, r->slug);
	strbuf_addstr(sb, "</small></td>");
	page_td(sb, "Stage", "nowrap", r->stage);
	page_td(sb, "Value", "num", r->value);
	page_td(sb, "SE", NULL, r->se);
	page_td_open(sb, "Freshness", "nowrap");
	if (r->has_fresh) {
		page_bar(sb, r->fresh, fresh_class(r->fresh));
		strbuf_addf(sb, "%.1f", r->fresh);
	} else {
		strbuf_addstr(sb, "<span class=\"hint\">no win yet</span>");
	}
	strbuf_addstr(sb, "</td>");
	page_td_open(sb, "Since the win", "nowrap");
	if (r->win != DATE_NONE) {
		page_days_text(sb, r->win_days);
		strbuf_addstr(sb, "<small>");
		strbuf_addf(sb, "%d business day%s", r->win_bdays,
			    r->win_bdays == 1 ? "" : "s");
		strbuf_addstr(sb, "</small>");
	} else {
		strbuf_addstr(sb, "&mdash;");
	}
	strbuf_addstr(sb, "</td>");
	page_td_open(sb, "Worst finding", "wide");
	if (r->rule) {
		page_badge(sb,
			   page_severity_class(r->severity,
					       r->rank == RANK_SNOOZED),
			   r->rank == RANK_SNOOZED ? "snoozed"
						   : severity_name(r->severity));
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
	strbuf_addstr(sb, "</td></tr>\n");
}

static bool
row_matches(const struct pipe_row *r, const char *se, const char *stage)
{
	if (se && *se && (!r->se || strcmp(r->se, se)))
		return false;
	if (stage && *stage && (!r->stage || strcmp(r->stage, stage)))
		return false;
	return true;
}

void
pages_pipeline(struct http_request *rq, struct http_response *rs)
{
	static const char *const cols[] = { "Deal", "Stage", "#Value", "SE",
		"Freshness", "Since the win", "Worst finding", NULL };
	const char *se = http_params_get(&rq->query, "se");
	const char *stage = http_params_get(&rq->query, "stage");
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct pipeline p = { 0 };
	size_t shown = 0, nerr = 0, nwarn = 0;
	int r;

	p.today = rq->today;
	if ((r = store_check_each(rq->st, rq->today, 1, pipeline_collect, &p,
				  &err)) < 0) {
		page_fail(rq, rs, r, &err);
		goto out;
	}
	qsort(p.rows, p.n, sizeof(*p.rows), cmp_urgency);
	for (size_t i = 0; i < p.n; i++) {
		nerr += p.rows[i].rank == RANK_ERROR;
		nwarn += p.rows[i].rank == RANK_WARNING;
	}

	page_begin(&sb, rq, "Pipeline", NAV_PIPELINE);
	strbuf_addf(&sb, "<h1>Pipeline</h1>\n<p class=\"sub\">%zu open "
		    "deal%s: %zu with errors, %zu with warnings. Most urgent "
		    "first: errors, then warnings, then the stalest technical "
		    "win. As of ", p.n, p.n == 1 ? "" : "s", nerr, nwarn);
	page_add_day(&sb, rq->today);
	strbuf_addstr(&sb, ".</p>\n");

	strbuf_addstr(&sb, "<form method=\"get\" action=\"/\" class=\"panel "
		      "row\" role=\"search\" aria-label=\"Filter deals\">\n");
	filter_select(&sb, &p, "se", "SE", "All SEs", se);
	filter_select(&sb, &p, "stage", "Stage", "All stages", stage);
	strbuf_addstr(&sb, "<div><button type=\"submit\">Filter</button>");
	if ((se && *se) || (stage && *stage))
		strbuf_addstr(&sb, " <a class=\"button secondary\" "
			      "href=\"/\">Show all</a>");
	strbuf_addstr(&sb, "</div>\n</form>\n");

	for (size_t i = 0; i < p.n; i++)
		shown += row_matches(&p.rows[i], se, stage);
	if (!shown) {
		strbuf_addstr(&sb, p.n ? "<p class=\"empty\">No open deal "
				       "matches these filters.</p>\n"
				       : "<p class=\"empty\">No open deals. "
				       "Add one with <code>techwin deal add"
				       "</code> or <code>techwin import"
				       "</code>.</p>\n");
	} else {
		page_table_open(&sb, NULL, cols);
		for (size_t i = 0; i < p.n; i++)
			if (row_matches(&p.rows[i], se, stage))
				pipeline_row(&sb, &p.rows[i]);
		page_table_close(&sb);
		if (shown != p.n)
			strbuf_addf(&sb, "<p class=\"hint\">Showing %zu of %zu "
				    "open deals.</p>\n", shown, p.n);
	}
	page_end(&sb);
	page_send(rs, 200, &sb);
out:
	pipeline_release(&p);
}
