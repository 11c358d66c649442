/*
 * The page a champion is sent (GET /share/{token}): what was proven,
 * the timeline and the next steps, without anything internal.
 */
#include "web/pages-internal.h"
#include "core/commercial.h"
#include "store/links.h"
#include "store/workspace.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

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
		it[k].title = SUMMARY_WIN_STEP;
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
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < s->ncriteria; i++) {
		const struct summary_criterion *c = &s->criteria[i];

		strbuf_addstr(sb, "<tr>");
		page_td_open(sb, "Criterion", "wide");
		html_escape(sb, c->metric ? c->metric : c->key);
		if (c->outcome) {
			strbuf_addstr(sb, "<small>");
			html_escape(sb, c->outcome);
			strbuf_addstr(sb, "</small>");
		}
		strbuf_addstr(sb, "</td>");
		page_td(sb, "Required", "num", c->required);
		page_td(sb, "Measured", "num", c->measured);
		page_td_open(sb, "Result", NULL);
		page_badge(sb, page_status_class(c->ev.status),
			   crit_status_name(c->ev.status));
		strbuf_addstr(sb, "</td>");
		page_headroom_cell(sb, c);
		strbuf_addstr(sb, "</tr>\n");
	}
	page_table_close(sb);
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
		page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < n; i++) {
			strbuf_addstr(sb, "<tr>");
			page_td(sb, "Date", "nowrap",
				page_day_text(&tmp, it[i].date));
			page_td(sb, "Step", "wide", it[i].title);
			page_td(sb, "Owner", NULL, it[i].owner);
			page_td_open(sb, "Status", NULL);
			page_badge(sb, it[i].status, it[i].status);
			strbuf_addstr(sb, "</td></tr>\n");
		}
		page_table_close(sb);
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
		html_escape(sb, page_day_text(&tmp, it[i].date));
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

/* ---- views (issue 16) ------------------------------------------------ */

/*
 * The champion opened the page: a view of link id, counted once within
 * 30 minutes, with no address and no browser kept. A HEAD (a link
 * preview) is no opening. Not being able to count it (a read-only
 * database) must not keep the champion from the plan, so a failure is
 * only logged.
 */
static void
share_count_view(struct http_request *rq, const char *slug, long long id)
{
	struct tw_error err = { 0 };

	if (!strcmp(rq->method, "HEAD"))
		return;
	if (store_link_run(rq->st, slug, id, V_VIEW, rq->today, DATE_NONE,
			   NULL, NULL, &err) < 0)
		fprintf(stderr, "techwin serve: share link %lld: view not "
			"counted: %s\n", id, err.msg);
}

void
pages_share(struct http_request *rq, struct http_response *rs)
{
	const char *token = http_param(rq, "token");
	struct commercial_plan plan;
	struct strbuf sb = STRBUF_INIT, tmp = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	const struct deal *d = &ctx.deal;
	struct brand brand = { 0 };
	struct summary s;
	char *slug = NULL;
	int r;

	deal_ctx_init(&ctx, rq->today, NULL);
	r = auth_share(rq->st, token, rq->today, &slug, &rs->log_id, &err);
	if (r == 0)
		share_count_view(rq, slug, rs->log_id);
	if (r == 0)
		r = store_load_ctx(rq->st, slug, &ctx, &err);
	if (r == 0)
		r = workspace_brand_load(rq->st, &brand, &err);
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
			page_send(rs, 404, &sb);
		} else {
			http_fail(rs, r, &err, NULL);
		}
		brand_release(&brand);
		deal_ctx_release(&ctx);
		return;
	}
	/* The champion sees nothing internal (issue 16). */
	deal_drop_internal(&ctx.deal);
	summary_compute(&s, d, &ctx.hol, rq->today);
	s.brand = &brand;
	commercial_plan_compute(d, &ctx.hol, &plan);

	/* The prospect's page: named for the brand, not the tool. */
	page_head_as(&sb, page_deal_name(d),
		     brand.name ? brand.name : "Mutual action plan");
	/* A private link: search engines must not list it. */
	strbuf_addstr(&sb, "<meta name=\"robots\" content=\"noindex\">\n");
	strbuf_addstr(&sb, "</head>\n<body>\n<header class=\"share-head\">");
	/*
	 * The brand's colour as a bar over the header, its logo beside the
	 * name: images, so the page keeps its policy of no inline styles.
	 */
	if (brand.has_color)
		strbuf_addf(&sb, "<img class=\"share-bar\" alt=\"\" src=\""
			    "data:image/svg+xml,%%3Csvg xmlns='http://www.w3."
			    "org/2000/svg' viewBox='0 0 1 1' preserveAspect"
			    "Ratio='none'%%3E%%3Crect width='1' height='1' "
			    "fill='%%23%06x'/%%3E%%3C/svg%%3E\">", brand.color);
	strbuf_addstr(&sb, "<div class=\"inner\">\n");
	if (brand.logo) {
		strbuf_addf(&sb, "<img class=\"share-logo\" src=\"%s\" "
			    "alt=\"", brand.logo);
		html_escape(&sb, brand.name ? brand.name : "");
		strbuf_addstr(&sb, "\" height=\"40\">\n");
	}
	strbuf_addstr(&sb, "<h1>");
	html_escape(&sb, page_deal_name(d));
	strbuf_addstr(&sb, "</h1>\n<p>Mutual action plan, as of ");
	page_add_day(&sb, rq->today);
	strbuf_addstr(&sb, "</p>\n</div></header>\n<main id=\"main\">\n");
	share_criteria(&sb, &s);
	share_timeline(&sb, d, &plan, &s);
	share_next(&sb, d, &plan, &s);
	strbuf_addstr(&sb, "<h2>Phases</h2>\n");
	page_phases_table(&sb, d, &s, false, false);
	strbuf_addstr(&sb, "<footer>");
	summary_prepared(&tmp, &brand, d, rq->today);
	html_escape(&sb, tmp.buf);
	strbuf_addstr(&sb, ". This page is a read-only view shared with "
		      "you; it changes as the plan does.</footer>\n");
	page_end(&sb);
	page_send(rs, 200, &sb);
	/* The logo is a data: URI. */
	rs->csp = HTTP_CSP_DEFAULT "; img-src 'self' data:";
	http_response_header(rs, "X-Robots-Tag", "noindex");

	commercial_plan_release(&plan);
	summary_release(&s);
	strbuf_release(&tmp);
	brand_release(&brand);
	deal_ctx_release(&ctx);
}
