/*
 * The HTML pages of techwin serve (pages.h). Each page is built into a
 * strbuf from the same core computations as the CLI (the momentum check,
 * criterion evaluation, the commercial plan, risk back-scheduling, the
 * summary model, champion messages, cycle-time stats) and sent whole. The
 * forms post back here and answer with a redirect to the page they came
 * from (post/redirect/get), or with the page and the error when the input
 * is wrong. No page loads anything from another origin: the stylesheet,
 * script and icon are compiled in, and charts are inline SVG.
 */
#include "web/pages.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "core/message.h"
#include "core/momentum.h"
#include "core/risk.h"
#include "core/stats.h"
#include "render/chart.h"
#include "render/escape.h"
#include "render/summary.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "util/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HTML_TYPE "text/html; charset=utf-8"

/* ---- small pieces ---------------------------------------------------- */

/* A bar's width class, .w0 to .w100 in the stylesheet. */
static int
bar_width(double pct)
{
	if (!(pct > 0))
		return 0;
	if (pct >= 100)
		return 100;
	return (int)lround(pct);
}

static void
bar(struct strbuf *sb, double pct, const char *cls)
{
	strbuf_addf(sb, "<span class=\"bar\" aria-hidden=\"true\"><span "
		    "class=\"%s w%d\"></span></span>", cls, bar_width(pct));
}

static void
badge(struct strbuf *sb, const char *cls, const char *text)
{
	strbuf_addf(sb, "<span class=\"badge %s\">", cls);
	html_escape(sb, text);
	strbuf_addstr(sb, "</span>");
}

/* <td data-label="Label">: the label heads the cell on a phone. */
static void
td_open(struct strbuf *sb, const char *label, const char *cls)
{
	strbuf_addstr(sb, "<td data-label=\"");
	html_escape(sb, label);
	strbuf_addch(sb, '"');
	if (cls) {
		strbuf_addstr(sb, " class=\"");
		html_escape(sb, cls);
		strbuf_addch(sb, '"');
	}
	strbuf_addch(sb, '>');
}

/* A cell of text; NULL or "" shows a dash. */
static void
td(struct strbuf *sb, const char *label, const char *cls, const char *text)
{
	td_open(sb, label, cls);
	if (text && *text)
		html_escape(sb, text);
	else
		strbuf_addstr(sb, "&mdash;");
	strbuf_addstr(sb, "</td>");
}

/* <thead> of a table whose rows stack into cards on a phone. */
static void
table_open(struct strbuf *sb, const char *caption, const char *const *cols)
{
	strbuf_addstr(sb, "<div class=\"table-wrap\"><table class=\"stack\">");
	if (caption) {
		strbuf_addstr(sb, "<caption class=\"hint\">");
		html_escape(sb, caption);
		strbuf_addstr(sb, "</caption>");
	}
	strbuf_addstr(sb, "\n<thead><tr>");
	for (; *cols; cols++) {
		/* A leading '#' right-aligns a numeric column. */
		bool num = **cols == '#';

		strbuf_addstr(sb, num ? "<th scope=\"col\" class=\"num\">"
				      : "<th scope=\"col\">");
		html_escape(sb, *cols + num);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
}

static void
table_close(struct strbuf *sb)
{
	strbuf_addstr(sb, "</tbody>\n</table></div>\n");
}

/* A date in prose: <time> keeps "Thu 2026-11-26" on one line. */
static void
add_day(struct strbuf *sb, tw_date d)
{
	char b[DATE_BUFSZ];

	if (d == DATE_NONE) {
		strbuf_addstr(sb, "&mdash;");
		return;
	}
	strbuf_addf(sb, "<time datetime=\"%s\">", date_format(d, b));
	summary_fmt_day(sb, d);
	strbuf_addstr(sb, "</time>");
}

/* A date for a cell: "Thu 2026-11-26", or "" when there is none. */
static const char *
day_text(struct strbuf *tmp, tw_date d)
{
	strbuf_reset(tmp);
	if (d != DATE_NONE)
		summary_fmt_day(tmp, d);
	return tmp->buf;
}

static void
days_text(struct strbuf *sb, int n)
{
	strbuf_addf(sb, "%d day%s", n, n == 1 || n == -1 ? "" : "s");
}

/* The deal's value: "USD 415,000", or "" without one. */
static void
deal_value(struct strbuf *sb, const struct deal *d)
{
	if (d->has_value)
		msg_fmt_money(sb, d->value, d->currency);
}

static const char *
deal_name(const struct deal *d)
{
	return d->account && *d->account ? d->account : d->slug;
}

static void
csrf_field(struct strbuf *sb, const struct principal *who)
{
	strbuf_addstr(sb, "<input type=\"hidden\" name=\"csrf_token\" "
		      "value=\"");
	html_escape(sb, who->csrf);
	strbuf_addstr(sb, "\">\n");
}

/*
 * A path of a deal: pre SLUG suf. Slugs are [a-z0-9-], checked on the way
 * in, and still go through html_escape like every other stored string.
 */
static void
deal_path(struct strbuf *sb, const char *pre, const char *slug,
	  const char *suf)
{
	strbuf_addstr(sb, pre);
	html_escape(sb, slug);
	strbuf_addstr(sb, suf);
}

/* Editors and admins see the forms; a viewer's POST would be a 403. */
static bool
can_edit(const struct http_request *rq)
{
	return rq->authed && rq->who.role >= ROLE_EDITOR;
}

/* A local path to go to after login: never another site ("//x", "/\x"). */
static bool
local_path(const char *p)
{
	if (!p || p[0] != '/' || p[1] == '/' || p[1] == '\\')
		return false;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

/* ---- the page frame -------------------------------------------------- */

enum nav { NAV_NONE, NAV_PIPELINE, NAV_ANALYTICS };

static void
page_head(struct strbuf *sb, const char *title)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, "
		      "initial-scale=1\">\n<title>");
	html_escape(sb, title);
	strbuf_addstr(sb, " &middot; techwin</title>\n"
		      "<link rel=\"stylesheet\" href=\"/assets/techwin.css\">\n"
		      "<link rel=\"icon\" href=\"/assets/favicon.svg\" "
		      "type=\"image/svg+xml\">\n");
}

static void
nav_link(struct strbuf *sb, const char *href, const char *text, bool here)
{
	strbuf_addf(sb, "<li><a href=\"%s\"%s>%s</a></li>", href,
		    here ? " aria-current=\"page\"" : "", text);
}

/* Head, the header with navigation and logout, and <main>. */
static void
page_begin(struct strbuf *sb, const struct http_request *rq,
	   const char *title, enum nav nav)
{
	page_head(sb, title);
	strbuf_addstr(sb, "<script src=\"/assets/techwin.js\" defer></script>\n"
		      "</head>\n<body>\n"
		      "<a class=\"skip\" href=\"#main\">Skip to content</a>\n"
		      "<header class=\"top\"><div class=\"inner\">\n"
		      "<a class=\"brand\" href=\"/\">techwin</a>\n"
		      "<nav aria-label=\"Main\"><ul>");
	nav_link(sb, "/", "Pipeline", nav == NAV_PIPELINE);
	nav_link(sb, "/analytics", "Analytics", nav == NAV_ANALYTICS);
	strbuf_addstr(sb, "</ul></nav>\n");
	if (rq->authed) {
		strbuf_addstr(sb, "<div class=\"who\"><span>");
		html_escape(sb, rq->who.name);
		strbuf_addf(sb, " (%s)</span>", role_name(rq->who.role));
		/* A bearer token has no session to log out of. */
		if (rq->via_session && rq->who.csrf) {
			strbuf_addstr(sb, "<form method=\"post\" "
				      "action=\"/logout\">");
			csrf_field(sb, &rq->who);
			strbuf_addstr(sb, "<button type=\"submit\">Log out"
				      "</button></form>");
		}
		strbuf_addstr(sb, "</div>\n");
	}
	strbuf_addstr(sb, "</div></header>\n"
		      "<main id=\"main\" tabindex=\"-1\">\n");
}

static void
page_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "</main>\n</body>\n</html>\n");
}

static void
send_page(struct http_response *rs, unsigned status, struct strbuf *sb)
{
	http_send_strbuf(rs, status, HTML_TYPE, sb);
	strbuf_release(sb);
}

/* A page that says what went wrong, for a person rather than a program. */
static void
error_page(struct http_request *rq, struct http_response *rs,
	   unsigned status, const char *message)
{
	struct strbuf sb = STRBUF_INIT;

	page_begin(&sb, rq, http_reason(status), NAV_NONE);
	strbuf_addf(&sb, "<h1>%s</h1>\n<p>", http_reason(status));
	html_escape(&sb, message);
	strbuf_addstr(&sb, "</p>\n<p><a href=\"/\">Back to the pipeline</a>"
		      "</p>\n");
	page_end(&sb);
	send_page(rs, status, &sb);
}

/* A layer's error as a page: a 500 keeps its message for the log. */
static void
fail_page(struct http_request *rq, struct http_response *rs, int rc,
	  const struct tw_error *err)
{
	unsigned status = http_status_for(rc);

	if (status == 500) {
		http_fail(rs, rc, err, NULL);
		return;
	}
	error_page(rq, rs, status, err && err->msg[0] ? err->msg
						     : "request failed");
	if (status == 503)
		http_response_header(rs, "Retry-After", "1");
}

/* ---- assets ---------------------------------------------------------- */

static void
asset_get(struct http_request *rq, struct http_response *rs)
{
	const char *name = http_param(rq, "name");
	const char *inm = http_header(rq, "If-None-Match");

	for (const struct web_asset *a = web_assets; a->name; a++) {
		if (strcmp(a->name, name))
			continue;
		/*
		 * Assets change only with the binary: browsers keep them
		 * but ask each time, and a matching ETag is a 304.
		 */
		if (inm && strstr(inm, a->etag))
			http_send_empty(rs, 304);
		else
			http_send(rs, 200, a->type, a->data, a->len);
		http_response_header(rs, "ETag", a->etag);
		http_response_header(rs, "Cache-Control", "no-cache");
		return;
	}
	http_error(rs, 404, NULL, "no asset '%s'", name);
}

/* ---- login ----------------------------------------------------------- */

void
pages_login_form(struct http_response *rs, unsigned status, const char *next,
		 const char *message)
{
	struct strbuf sb = STRBUF_INIT;

	page_head(&sb, "Log in");
	strbuf_addstr(&sb, "</head>\n<body>\n<main id=\"main\">\n"
		      "<div class=\"login\">\n<h1>techwin</h1>\n");
	if (message) {
		strbuf_addstr(&sb, "<p class=\"notice error\" role=\"alert\">");
		html_escape(&sb, message);
		strbuf_addstr(&sb, "</p>\n");
	}
	strbuf_addstr(&sb, "<form method=\"post\" action=\"/login\">\n");
	if (local_path(next)) {
		strbuf_addstr(&sb, "<input type=\"hidden\" name=\"next\" "
			      "value=\"");
		html_escape(&sb, next);
		strbuf_addstr(&sb, "\">\n");
	}
	strbuf_addstr(&sb, "<p><label for=\"name\">Name</label>\n"
		      "<input id=\"name\" name=\"name\" "
		      "autocomplete=\"username\" required autofocus></p>\n"
		      "<p><label for=\"password\">Password</label>\n"
		      "<input id=\"password\" name=\"password\" "
		      "type=\"password\" autocomplete=\"current-password\" "
		      "required></p>\n"
		      "<p><button type=\"submit\">Log in</button></p>\n"
		      "</form>\n</div>\n");
	page_end(&sb);
	send_page(rs, status, &sb);
}

static void
login_page(struct http_request *rq, struct http_response *rs)
{
	pages_login_form(rs, 200, http_params_get(&rq->query, "next"), NULL);
}

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
	row->account = xstrdup(deal_name(d));
	row->stage = xstrdup_or_null(d->stage);
	row->se = xstrdup_or_null(d->se);
	deal_value(&sb, d);
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

		if (f->snoozed)
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
		if (f->snoozed)
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
severity_class(enum severity s, bool snoozed)
{
	if (snoozed)
		return "snoozed";
	return s == SEV_ERROR ? "error" : "warning";
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
	td_open(sb, "Deal", "wide deal");
	deal_path(sb, "<a href=\"/deals/", r->slug, "\">");
	html_escape(sb, r->account);
	strbuf_addstr(sb, "</a><small>");
	html_escape(sb, r->slug);
	strbuf_addstr(sb, "</small></td>");
	td(sb, "Stage", "nowrap", r->stage);
	td(sb, "Value", "num", r->value);
	td(sb, "SE", NULL, r->se);
	td_open(sb, "Freshness", "nowrap");
	if (r->has_fresh) {
		bar(sb, r->fresh, fresh_class(r->fresh));
		strbuf_addf(sb, "%.1f", r->fresh);
	} else {
		strbuf_addstr(sb, "<span class=\"hint\">no win yet</span>");
	}
	strbuf_addstr(sb, "</td>");
	td_open(sb, "Since the win", "nowrap");
	if (r->win != DATE_NONE) {
		days_text(sb, r->win_days);
		strbuf_addstr(sb, "<small>");
		strbuf_addf(sb, "%d business day%s", r->win_bdays,
			    r->win_bdays == 1 ? "" : "s");
		strbuf_addstr(sb, "</small>");
	} else {
		strbuf_addstr(sb, "&mdash;");
	}
	strbuf_addstr(sb, "</td>");
	td_open(sb, "Worst finding", "wide");
	if (r->rule) {
		badge(sb, severity_class(r->severity, r->rank == RANK_SNOOZED),
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
		badge(sb, "ok", "no findings");
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

static void
pipeline_page(struct http_request *rq, struct http_response *rs)
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
		fail_page(rq, rs, r, &err);
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
	add_day(&sb, rq->today);
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
		table_open(&sb, NULL, cols);
		for (size_t i = 0; i < p.n; i++)
			if (row_matches(&p.rows[i], se, stage))
				pipeline_row(&sb, &p.rows[i]);
		table_close(&sb);
		if (shown != p.n)
			strbuf_addf(&sb, "<p class=\"hint\">Showing %zu of %zu "
				    "open deals.</p>\n", shown, p.n);
	}
	page_end(&sb);
	send_page(rs, 200, &sb);
out:
	pipeline_release(&p);
}

/* ---- a deal ---------------------------------------------------------- */

/* What the deal page shows besides the deal: a form's outcome. */
struct deal_view {
	unsigned status;
	const char *error;		/* the form's input was refused */
	const char *criterion;		/* the form's values, to keep */
	const char *measured;
	const char *measured_on;
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
deal_check(struct strbuf *sb, const struct deal *d, tw_date today,
	   const struct momentum_report *rep)
{
	static const char *const cols[] = { "Severity", "Rule", "Subject",
		"Finding", NULL };

	strbuf_addstr(sb, "<h2 id=\"check\">Momentum check</h2>\n");
	if (!rep->n) {
		strbuf_addstr(sb, "<p>");
		badge(sb, "ok", "no findings");
		strbuf_addstr(sb, " Nothing is losing momentum as of ");
		add_day(sb, today);
		strbuf_addstr(sb, ".</p>\n");
		return;
	}
	if (deal_is_snoozed(d, today)) {
		strbuf_addstr(sb, "<p class=\"hint\">Snoozed through ");
		add_day(sb, d->snooze_until);
		if (d->snooze_reason) {
			strbuf_addstr(sb, ": ");
			html_escape(sb, d->snooze_reason);
		}
		strbuf_addstr(sb, ".</p>\n");
	}
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		strbuf_addstr(sb, "<tr>");
		td_open(sb, "Severity", NULL);
		badge(sb, severity_class(f->severity, f->snoozed),
		      f->snoozed ? "snoozed" : severity_name(f->severity));
		strbuf_addstr(sb, "</td>");
		td_open(sb, "Rule", NULL);
		strbuf_addstr(sb, "<code>");
		html_escape(sb, f->rule);
		strbuf_addstr(sb, "</code></td>");
		td(sb, "Subject", NULL, f->subject);
		td(sb, "Finding", "wide", f->message);
		strbuf_addstr(sb, "</tr>\n");
	}
	table_close(sb);
}

static const char *
status_class(enum crit_status s)
{
	return s == CRIT_PASS ? "pass" : s == CRIT_FAIL ? "fail" : "pending";
}

static void
headroom_cell(struct strbuf *sb, const struct summary_criterion *c)
{
	td_open(sb, "Headroom", "nowrap");
	if (c->ev.has_headroom) {
		bar(sb, fabs(c->ev.headroom_pct),
		    c->ev.status == CRIT_PASS ? "pass" : "fail");
		html_escape(sb, c->headroom);
	} else {
		strbuf_addstr(sb, "&mdash;");
	}
	strbuf_addstr(sb, "</td>");
}

static void
record_form(struct strbuf *sb, const struct http_request *rq,
	    const struct deal *d, const struct deal_view *v)
{
	char today[DATE_BUFSZ];

	deal_path(sb, "<form method=\"post\" action=\"/deals/", d->slug,
		  "/measurements\" class=\"panel\" id=\"record\">\n"
		  "<h3>Record a measurement</h3>\n");
	csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"r-crit\">"
		      "Criterion</label>\n<select id=\"r-crit\" "
		      "name=\"criterion\" required>\n");
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
	if (v->measured) {
		strbuf_addstr(sb, " value=\"");
		html_escape(sb, v->measured);
		strbuf_addch(sb, '"');
	}
	strbuf_addstr(sb, "></div>\n<div><label for=\"r-on\">Measured on"
		      "</label>\n<input id=\"r-on\" name=\"measured_on\" "
		      "type=\"date\" value=\"");
	html_escape(sb, v->measured_on ? v->measured_on
				       : date_format(rq->today, today));
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
		table_open(sb, NULL, cols);
		for (size_t i = 0; i < s->ncriteria; i++) {
			const struct summary_criterion *c = &s->criteria[i];

			strbuf_addstr(sb, "<tr id=\"c-");
			html_escape(sb, c->key);
			strbuf_addstr(sb, "\">");
			td_open(sb, "Criterion", "wide");
			html_escape(sb, c->metric ? c->metric : c->key);
			strbuf_addstr(sb, "<small>");
			html_escape(sb, c->key);
			if (c->outcome) {
				strbuf_addstr(sb, ": ");
				html_escape(sb, c->outcome);
			}
			strbuf_addstr(sb, "</small></td>");
			td(sb, "Required", "num", c->required);
			td_open(sb, "Measured", "num");
			if (*c->measured) {
				html_escape(sb, c->measured);
				strbuf_addstr(sb, "<small>");
				html_escape(sb, day_text(&tmp, c->measured_on));
				strbuf_addstr(sb, "</small>");
			} else {
				strbuf_addstr(sb, "&mdash;");
			}
			strbuf_addstr(sb, "</td>");
			td_open(sb, "Result", NULL);
			badge(sb, status_class(c->ev.status),
			      crit_status_name(c->ev.status));
			strbuf_addstr(sb, "</td>");
			headroom_cell(sb, c);
			td(sb, "Growth", NULL, c->growth);
			strbuf_addstr(sb, "</tr>\n");
		}
		table_close(sb);
	}
	if (can_edit(rq) && d->ncriteria)
		record_form(sb, rq, d, v);
	strbuf_release(&tmp);
}

static void
deal_timeline(struct strbuf *sb, const struct deal *d, tw_date today,
	      const struct momentum_settings *ms, const struct holidays *h)
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
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		bool done = e->done != DATE_NONE && e->done <= today;

		strbuf_addstr(sb, "<tr>");
		td(sb, "Date", "nowrap", day_text(&tmp, e->date));
		td(sb, "Kind", NULL, event_kind_name(e->kind));
		td_open(sb, "Event", "wide");
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, "<small>");
		html_escape(sb, e->key);
		strbuf_addstr(sb, "</small></td>");
		td(sb, "Owner", NULL, e->owner);
		td_open(sb, "Status", "nowrap");
		if (done) {
			badge(sb, "done", "done");
			strbuf_addstr(sb, " ");
			add_day(sb, e->done);
		} else if (e->date != DATE_NONE && e->date < today) {
			badge(sb, "late", "overdue");
		} else {
			badge(sb, "planned", "planned");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	table_close(sb);
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
		add_day(sb, p.technical_win);
		strbuf_addstr(sb, ". The steps are dated in business days "
			      "from it.</p>\n");
		table_open(sb, NULL, cols);
		for (size_t i = 0; i < p.nsteps; i++) {
			strbuf_addstr(sb, "<tr>");
			td(sb, "Date", "nowrap",
			   day_text(&tmp, p.steps[i].date));
			td(sb, "Step", "wide", p.steps[i].title);
			td(sb, "Kind", NULL, event_kind_name(p.steps[i].kind));
			strbuf_addstr(sb, "</tr>\n");
		}
		table_close(sb);
	}
	strbuf_addstr(sb, "<p>");
	html_escape(sb, s->timeline_note);
	strbuf_addstr(sb, "</p>\n");
	if (p.technical_win != DATE_NONE && can_edit(rq)) {
		deal_path(sb, "<form method=\"post\" action=\"/deals/",
			  d->slug, "/plan/apply\" class=\"panel\">\n");
		csrf_field(sb, &rq->who);
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
	   const struct holidays *h)
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
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *r = &d->risks[i];
		struct risk_eval ev;
		int n;

		risk_evaluate(r, today, h, &ev);
		n = ev.slack_days;
		strbuf_addstr(sb, ev.at_risk ? "<tr class=\"late\">" : "<tr>");
		td_open(sb, "Risk", "wide");
		html_escape(sb, r->title ? r->title : r->key);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%s; takes ", risk_kind_name(r->kind));
		msg_fmt_duration(&tmp, &r->duration);
		strbuf_addstr(&tmp, ", to be live ");
		msg_fmt_duration(&tmp, &r->buffer);
		strbuf_addstr(&tmp, " before the deadline");
		strbuf_addstr(sb, "<small>");
		html_escape(sb, tmp.buf);
		strbuf_addstr(sb, "</small></td>");
		td(sb, "Deadline", "nowrap", day_text(&tmp, r->deadline));
		td(sb, "Go-live by", "nowrap", day_text(&tmp, ev.go_live_by));
		td(sb, "Latest start", "nowrap",
		   day_text(&tmp, ev.latest_start));
		td_open(sb, "Countdown", "nowrap");
		strbuf_reset(&tmp);
		if (n > 0) {
			strbuf_addstr(&tmp, "starts in ");
			days_text(&tmp, n);
		} else if (n == 0) {
			strbuf_addstr(&tmp, "starts today");
		} else {
			days_text(&tmp, -n);
			strbuf_addstr(&tmp, " late");
		}
		badge(sb, n < 0 ? "late"
			  : n <= MOMENTUM_START_SOON_DAYS ? "soon"
							  : "planned",
		      tmp.buf);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	table_close(sb);
	strbuf_release(&tmp);
}

/* The phases with their criteria; shared with the share page. */
static void
phases_table(struct strbuf *sb, const struct deal *d,
	     const struct summary *s, bool justification)
{
	static const char *const cols[] = { "Phase", "#Price", "Duration",
		"Rests on", NULL };

	if (!s->nphases) {
		strbuf_addstr(sb, "<p class=\"empty\">No phases yet.</p>\n");
		return;
	}
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < s->nphases; i++) {
		const struct summary_phase *sp = &s->phases[i];
		const struct phase *p = deal_find_phase(d, sp->number);

		strbuf_addstr(sb, "<tr>");
		td_open(sb, "Phase", "wide");
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
		strbuf_addstr(sb, "</td>");
		td(sb, "Price", "num", sp->price);
		td(sb, "Duration", NULL, sp->duration);
		td_open(sb, "Rests on", NULL);
		for (size_t k = 0; p && k < p->ncriteria; k++) {
			const struct criterion *c =
				deal_find_criterion(d, p->criteria[k]);
			struct criterion_eval ev;

			if (k)
				strbuf_addstr(sb, " ");
			if (c) {
				criterion_evaluate(c, &ev);
				strbuf_addf(sb, "<span class=\"badge %s\">",
					    status_class(ev.status));
			} else {
				strbuf_addstr(sb, "<span class=\"badge "
					      "pending\">");
			}
			html_escape(sb, p->criteria[k]);
			strbuf_addstr(sb, "</span>");
		}
		if (!p || !p->ncriteria)
			strbuf_addstr(sb, "&mdash;");
		strbuf_addstr(sb, "</td></tr>\n");
	}
	table_close(sb);
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
one_message(struct strbuf *sb, const struct deal *d, enum message_type t,
	    const struct message *m, const char *tmpl, int id)
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
		    "id=\"msg-%d-status\" role=\"status\"></span>\n</div>\n",
		    id, id);
	free(subject);
	strbuf_release(&text);
}

static void
deal_messages(struct strbuf *sb, struct store *st, const struct deal *d,
	      const struct holidays *h, tw_date today)
{
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
			one_message(sb, d, (enum message_type)t, &ml.items[i],
				    tmpl, ++id);
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
		deal_path(sb, "<a class=\"button secondary\" "
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
			error_page(rq, rs, 404, err.msg);
		else
			fail_page(rq, rs, r, &err);
		deal_ctx_release(&ctx);
		return;
	}
	momentum_check(d, rq->today, h, &ctx.settings, &rep);
	summary_compute(&s, d, h, rq->today);

	page_begin(&sb, rq, deal_name(d), NAV_NONE);
	strbuf_addstr(&sb, "<p class=\"hint\"><a href=\"/\">Pipeline</a> / ");
	html_escape(&sb, d->slug);
	strbuf_addstr(&sb, "</p>\n<h1>");
	html_escape(&sb, deal_name(d));
	strbuf_addstr(&sb, "</h1>\n");
	deal_notice(&sb, rq, &s);
	deal_facts(&sb, d, &rep, &s);
	strbuf_addstr(&sb, "<nav aria-label=\"On this page\" class=\"links\">"
		      "<a href=\"#check\">Check</a> "
		      "<a href=\"#criteria\">Criteria</a> "
		      "<a href=\"#timeline\">Timeline</a> "
		      "<a href=\"#plan\">Plan</a> "
		      "<a href=\"#risks\">Risks</a> "
		      "<a href=\"#phases\">Phases</a> "
		      "<a href=\"#messages\">Messages</a> "
		      "<a href=\"#documents\">Summary</a></nav>\n");
	deal_check(&sb, d, rq->today, &rep);
	deal_criteria(&sb, rq, d, &s, v);
	deal_timeline(&sb, d, rq->today, &ctx.settings, h);
	deal_plan(&sb, rq, d, h, &s);
	deal_risks(&sb, d, rq->today, h);
	strbuf_addstr(&sb, "<h2 id=\"phases\">Phases</h2>\n");
	phases_table(&sb, d, &s, true);
	deal_messages(&sb, rq->st, d, h, rq->today);
	deal_documents(&sb, d);
	page_end(&sb);
	send_page(rs, v->status, &sb);

	summary_release(&s);
	momentum_report_release(&rep);
	deal_ctx_release(&ctx);
}

static void
deal_page(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 200, NULL, NULL, NULL, NULL };

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
static int
run_form_verb(struct http_request *rq, const struct verb_call *c,
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

static void
record_post(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 422, NULL, NULL, NULL, NULL };
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
		r = run_form_verb(rq, &c, NULL, &err);
	verb_call_release(&c);
	if (refused(rq, rs, r, &v, &err))
		return;
	if (r < 0) {
		fail_page(rq, rs, r, &err);
		return;
	}
	/* The key is a checked [a-z0-9-] key: safe in a URL as it is. */
	strbuf_addf(&loc, "/deals/%s?recorded=%s#c-%s", slug, v.criterion,
		    v.criterion);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

static void
apply_post(struct http_request *rq, struct http_response *rs)
{
	struct deal_view v = { 422, NULL, NULL, NULL, NULL };
	const char *slug = http_param(rq, "slug");
	struct strbuf loc = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct verb_result res;
	struct verb_call c;
	int r;

	verb_call_init(&c, V_PLAN_APPLY, NULL);
	r = run_form_verb(rq, &c, &res, &err);
	verb_call_release(&c);
	if (refused(rq, rs, r, &v, &err))
		return;
	if (r < 0) {
		fail_page(rq, rs, r, &err);
		return;
	}
	strbuf_addf(&loc, "/deals/%s?applied=%zu#plan", slug, res.added);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

/* ---- analytics ------------------------------------------------------- */

static void
summary_cell(struct strbuf *sb, const char *label, double days)
{
	struct strbuf tmp = STRBUF_INIT;

	stats_format_days(days, &tmp);
	td(sb, label, "num", tmp.buf);
	strbuf_release(&tmp);
}

static void
analytics_team(struct strbuf *sb, const struct stats_summary *t)
{
	if (!t->n) {
		strbuf_addstr(sb, "<p class=\"empty\">No won deal with a POC "
			      "end and a close date yet.</p>\n");
		return;
	}
	strbuf_addf(sb, "<dl class=\"facts\">\n<div><dt>Won deals</dt>"
		    "<dd>%zu</dd></div>\n<div><dt>Median</dt><dd>", t->n);
	stats_format_days(t->median, sb);
	strbuf_addstr(sb, " days (");
	stats_format_weeks(t->median, sb);
	strbuf_addstr(sb, ")</dd></div>\n<div><dt>Mean</dt><dd>");
	stats_format_days(t->mean, sb);
	strbuf_addstr(sb, " days (");
	stats_format_weeks(t->mean, sb);
	strbuf_addstr(sb, ")</dd></div>\n<div><dt>Middle half</dt><dd>");
	stats_format_days(t->p25, sb);
	strbuf_addstr(sb, " to ");
	stats_format_days(t->p75, sb);
	strbuf_addstr(sb, " days</dd></div>\n</dl>\n");
}

static void
analytics_deals(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "Deal", "SE", "POC end", "Closed",
		"#Days", "#vs team mean", "Momentum", NULL };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2>Won deals</h2>\n");
	if (!rep->ndeals) {
		strbuf_addstr(sb, "<p class=\"empty\">None yet.</p>\n");
		return;
	}
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->ndeals; i++) {
		const struct cycle_deal *c = &rep->deals[i];

		strbuf_addstr(sb, "<tr>");
		td_open(sb, "Deal", "wide");
		deal_path(sb, "<a href=\"/deals/", c->deal->slug, "\">");
		html_escape(sb, deal_name(c->deal));
		strbuf_addstr(sb, "</a></td>");
		td(sb, "SE", NULL, c->deal->se);
		td(sb, "POC end", "nowrap", day_text(&tmp, c->deal->poc_end));
		td(sb, "Closed", "nowrap",
		   day_text(&tmp, c->deal->close_date));
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%d (", c->days);
		stats_format_weeks(c->days, &tmp);
		strbuf_addch(&tmp, ')');
		td(sb, "Days", "num", tmp.buf);
		strbuf_reset(&tmp);
		if (round(c->vs_team_mean * 10.0) > 0)
			strbuf_addch(&tmp, '+');
		stats_format_days(c->vs_team_mean, &tmp);
		td(sb, "vs team mean", "num", tmp.buf);
		td_open(sb, "Momentum", NULL);
		if (c->kept_momentum) {
			badge(sb, "ok", "kept");
		} else {
			badge(sb, "error", "lost");
			strbuf_addstr(sb, " <code>");
			html_escape(sb, c->lost_rule);
			strbuf_addstr(sb, "</code>");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	table_close(sb);
	strbuf_release(&tmp);
}

static void
analytics_se(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "SE", "#Won", "#Median days",
		"#Mean days", NULL };

	if (!rep->nse)
		return;
	strbuf_addstr(sb, "<h2>By SE</h2>\n");
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->nse; i++) {
		const struct cycle_se *s = &rep->by_se[i];
		struct strbuf n = STRBUF_INIT;

		strbuf_addf(&n, "%zu", s->s.n);
		strbuf_addstr(sb, "<tr>");
		td(sb, "SE", NULL, s->se ? s->se : "(no SE)");
		td(sb, "Won", "num", n.buf);
		summary_cell(sb, "Median days", s->s.median);
		summary_cell(sb, "Mean days", s->s.mean);
		strbuf_addstr(sb, "</tr>\n");
		strbuf_release(&n);
	}
	table_close(sb);
}

static void
analytics_momentum(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "Momentum at close", "#Closed",
		"#Won", "#Win rate", "#Median days (won)", NULL };
	const struct momentum_group *g[2] = { &rep->kept, &rep->lost };
	static const char *const name[2] = { "kept momentum",
		"lost momentum" };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2>Momentum and closing</h2>\n");
	table_open(sb, NULL, cols);
	for (int i = 0; i < 2; i++) {
		strbuf_addstr(sb, "<tr>");
		td(sb, "Momentum at close", NULL, name[i]);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%zu", g[i]->n);
		td(sb, "Closed", "num", tmp.buf);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%zu", g[i]->won);
		td(sb, "Won", "num", tmp.buf);
		strbuf_reset(&tmp);
		if (g[i]->n)
			strbuf_addf(&tmp, "%.0f%%",
				    100.0 * (double)g[i]->won /
					    (double)g[i]->n);
		td(sb, "Win rate", "num", tmp.buf);
		if (g[i]->won_days.n) {
			summary_cell(sb, "Median days (won)",
				     g[i]->won_days.median);
		} else {
			td(sb, "Median days (won)", "num", NULL);
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	table_close(sb);
	strbuf_release(&tmp);
}

static void
analytics_page(struct http_request *rq, struct http_response *rs)
{
	struct cycle_filter f = { NULL, NULL };
	struct strbuf sb = STRBUF_INIT, svg = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct cycle_report rep;
	struct deal_array deals;
	struct workspace ws;
	struct holidays wsh;
	const char *start;
	int r;

	if ((r = workspace_load(rq->st, &ws, &err)) < 0) {
		fail_page(rq, rs, r, &err);
		workspace_release(&ws);
		return;
	}
	if ((r = store_load_closed_deals(rq->st, &f, &deals, &err)) < 0) {
		fail_page(rq, rs, r, &err);
		workspace_release(&ws);
		return;
	}
	wsh.days = ws.holidays;
	wsh.n = ws.nholidays;
	cycle_report_compute(deals.items, deals.n, &ws.momentum, &wsh, &f,
			     &rep);

	page_begin(&sb, rq, "Analytics", NAV_ANALYTICS);
	strbuf_addstr(&sb, "<h1>Cycle time</h1>\n<p class=\"sub\">Days from "
		      "the end of the POC to the signed contract, for every "
		      "won deal.</p>\n");
	analytics_team(&sb, &rep.team);
	if (rep.team.n &&
	    chart_render_cycle(&rep, NULL, CHART_SVG, &svg, &err) == 0 &&
	    (start = strstr(svg.buf, "<svg"))) {
		strbuf_addstr(&sb, "<figure class=\"chart\" tabindex=\"0\" "
			      "aria-label=\"Cycle-time chart\">\n");
		strbuf_addstr(&sb, start);
		strbuf_addstr(&sb, "</figure>\n");
	}
	analytics_deals(&sb, &rep);
	analytics_se(&sb, &rep);
	analytics_momentum(&sb, &rep);
	page_end(&sb);
	send_page(rs, 200, &sb);

	strbuf_release(&svg);
	cycle_report_release(&rep);
	deal_array_release(&deals);
	workspace_release(&ws);
}

/* ---- the share page ---------------------------------------------------- */

/* One line of the champion's timeline: an event or a proposed step. */
struct share_item {
	tw_date date;
	const char *title, *owner;
	const char *status;		/* "done", "planned", "proposed" */
};

static int
cmp_item(const void *a, const void *b)
{
	const struct share_item *x = a, *y = b;

	/* Undated items last. */
	if ((x->date == DATE_NONE) != (y->date == DATE_NONE))
		return x->date == DATE_NONE ? 1 : -1;
	return (x->date > y->date) - (x->date < y->date);
}

/*
 * The deal's events, the technical win, and the steps of its plan that no
 * event stands for yet, by date. As on the timeline chart, an event of the
 * step's kind with the step's title or date stands for it (an applied plan
 * is such events). A closed deal proposes nothing more.
 */
static struct share_item *
share_items(const struct deal *d, const struct commercial_plan *p,
	    tw_date today, size_t *n)
{
	struct share_item *it = xcalloc(d->nevents + p->nsteps + 1,
					sizeof(*it));
	size_t k = 0;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		bool done = e->done != DATE_NONE && e->done <= today;

		it[k].date = e->date != DATE_NONE ? e->date : e->done;
		it[k].title = e->title ? e->title : e->key;
		it[k].owner = e->owner;
		it[k].status = done ? "done" : "planned";
		k++;
	}
	if (p->technical_win != DATE_NONE) {
		it[k].date = p->technical_win;
		it[k].title = "Technical win confirmed";
		it[k].status = "done";
		k++;
	}
	for (size_t i = 0; d->outcome == OUTCOME_OPEN && i < p->nsteps; i++) {
		const struct plan_step *st = &p->steps[i];
		bool dup = false;

		for (size_t j = 0; j < d->nevents && !dup; j++) {
			const struct event *e = &d->events[j];

			dup = e->kind == st->kind &&
			      ((e->title && st->title &&
				!strcmp(e->title, st->title)) ||
			       e->date == st->date);
		}
		if (dup)
			continue;
		it[k].date = st->date;
		it[k].title = st->title;
		it[k].status = "proposed";
		k++;
	}
	qsort(it, k, sizeof(*it), cmp_item);
	*n = k;
	return it;
}

static void
share_criteria(struct strbuf *sb, const struct summary *s)
{
	static const char *const cols[] = { "Criterion", "#Required",
		"#Measured", "Result", "Headroom", NULL };

	strbuf_addstr(sb, "<h2>Success criteria</h2>\n<p>");
	html_escape(sb, s->headline);
	strbuf_addstr(sb, "</p>\n");
	if (!s->ncriteria)
		return;
	table_open(sb, NULL, cols);
	for (size_t i = 0; i < s->ncriteria; i++) {
		const struct summary_criterion *c = &s->criteria[i];

		strbuf_addstr(sb, "<tr>");
		td_open(sb, "Criterion", "wide");
		html_escape(sb, c->metric ? c->metric : c->key);
		if (c->outcome) {
			strbuf_addstr(sb, "<small>");
			html_escape(sb, c->outcome);
			strbuf_addstr(sb, "</small>");
		}
		strbuf_addstr(sb, "</td>");
		td(sb, "Required", "num", c->required);
		td(sb, "Measured", "num", c->measured);
		td_open(sb, "Result", NULL);
		badge(sb, status_class(c->ev.status),
		      crit_status_name(c->ev.status));
		strbuf_addstr(sb, "</td>");
		headroom_cell(sb, c);
		strbuf_addstr(sb, "</tr>\n");
	}
	table_close(sb);
}

static void
share_timeline(struct strbuf *sb, const struct deal *d,
	       const struct commercial_plan *p, const struct summary *s)
{
	static const char *const cols[] = { "Date", "Step", "Owner", "Status",
		NULL };
	struct strbuf tmp = STRBUF_INIT;
	size_t n;
	struct share_item *it = share_items(d, p, s->today, &n);

	strbuf_addstr(sb, "<h2>Timeline</h2>\n");
	if (n) {
		table_open(sb, NULL, cols);
		for (size_t i = 0; i < n; i++) {
			strbuf_addstr(sb, "<tr>");
			td(sb, "Date", "nowrap", day_text(&tmp, it[i].date));
			td(sb, "Step", "wide", it[i].title);
			td(sb, "Owner", NULL, it[i].owner);
			td_open(sb, "Status", NULL);
			badge(sb, it[i].status, it[i].status);
			strbuf_addstr(sb, "</td></tr>\n");
		}
		table_close(sb);
	}
	strbuf_addstr(sb, "<p>");
	html_escape(sb, s->timeline_note);
	strbuf_addstr(sb, "</p>\n");
	free(it);
	strbuf_release(&tmp);
}

static void
share_next(struct strbuf *sb, const struct deal *d,
	   const struct commercial_plan *p, const struct summary *s)
{
	struct strbuf tmp = STRBUF_INIT;
	size_t n, shown = 0;
	struct share_item *it = share_items(d, p, s->today, &n);

	strbuf_addstr(sb, "<h2>Next steps</h2>\n<p class=\"next\">");
	html_escape(sb, s->next.text);
	strbuf_addstr(sb, "</p>\n<ol>\n");
	for (size_t i = 0; i < n && shown < 5; i++) {
		if (!strcmp(it[i].status, "done") ||
		    it[i].date == DATE_NONE || it[i].date < s->today)
			continue;
		/* The next step is said above already. */
		if (it[i].date == s->next.date && s->next.title &&
		    !strcmp(it[i].title, s->next.title))
			continue;
		strbuf_addstr(sb, "<li>");
		html_escape(sb, day_text(&tmp, it[i].date));
		strbuf_addstr(sb, ": ");
		html_escape(sb, it[i].title);
		if (it[i].owner) {
			strbuf_addstr(sb, " (");
			html_escape(sb, it[i].owner);
			strbuf_addch(sb, ')');
		}
		strbuf_addstr(sb, "</li>\n");
		shown++;
	}
	strbuf_addstr(sb, "</ol>\n");
	free(it);
	strbuf_release(&tmp);
}

static void
share_page(struct http_request *rq, struct http_response *rs)
{
	const char *token = http_param(rq, "token");
	struct commercial_plan plan;
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	const struct deal *d = &ctx.deal;
	struct summary s;
	char *slug = NULL;
	int r;

	deal_ctx_init(&ctx, rq->today, NULL);
	r = auth_share(rq->st, token, rq->today, &slug, &err);
	if (r == 0)
		r = store_load_ctx(rq->st, slug, &ctx, &err);
	free(slug);
	if (r < 0) {
		/* Unknown, revoked and expired look alike from outside. */
		if (r == TW_ENOTFOUND) {
			page_head(&sb, "Link not found");
			strbuf_addstr(&sb, "</head>\n<body>\n<main id=\"main\">"
				      "\n<h1>This link does not work</h1>\n"
				      "<p>It may have expired or been "
				      "revoked. Ask the person who sent it "
				      "for a new one.</p>\n");
			page_end(&sb);
			send_page(rs, 404, &sb);
		} else {
			http_fail(rs, r, &err, NULL);
		}
		deal_ctx_release(&ctx);
		return;
	}
	summary_compute(&s, d, &ctx.hol, rq->today);
	commercial_plan_compute(d, &ctx.hol, &plan);

	page_head(&sb, deal_name(d));
	/* A private link: search engines must not list it. */
	strbuf_addstr(&sb, "<meta name=\"robots\" content=\"noindex\">\n"
		      "</head>\n<body>\n<header class=\"share-head\"><div "
		      "class=\"inner\">\n<h1>");
	html_escape(&sb, deal_name(d));
	strbuf_addstr(&sb, "</h1>\n<p>Mutual action plan, as of ");
	add_day(&sb, rq->today);
	strbuf_addstr(&sb, "</p>\n</div></header>\n<main id=\"main\">\n");
	share_criteria(&sb, &s);
	share_timeline(&sb, d, &plan, &s);
	share_next(&sb, d, &plan, &s);
	strbuf_addstr(&sb, "<h2>Phases</h2>\n");
	phases_table(&sb, d, &s, false);
	strbuf_addstr(&sb, "<footer>This page is a read-only view shared with "
		      "you; it changes as the plan does.</footer>\n");
	page_end(&sb);
	send_page(rs, 200, &sb);
	http_response_header(rs, "X-Robots-Tag", "noindex");

	commercial_plan_release(&plan);
	summary_release(&s);
	deal_ctx_release(&ctx);
}

const struct route page_routes[] = {
	{ "GET", "/", pipeline_page, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/deals/{slug}", deal_page, ROLE_VIEWER, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/measurements", record_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/plan/apply", apply_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "GET", "/analytics", analytics_page, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/login", login_page, ROLE_VIEWER, ROUTE_PUBLIC },
	{ "GET", "/share/{token}", share_page, ROLE_VIEWER, ROUTE_PUBLIC },
	{ "GET", "/assets/{name}", asset_get, ROLE_VIEWER, ROUTE_PUBLIC },
	{ NULL, NULL, NULL, 0, 0 },
};
