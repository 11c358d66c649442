/*
 * The page a champion is sent (GET /share/{token}): what was proven,
 * the timeline and the next steps, without anything internal; and its
 * forms (issue 16), each posting to /share/{token}/...: mark a step of
 * theirs done, propose a new date for a step, confirm the plan. Each
 * runs its verb (core/champion.h) through store_champion_run(), so the
 * change is in history as "champion via share link N" with its outbox
 * event. A form's post needs the link's CSRF token (a double-submit
 * cookie bound to the link), passes the server's Origin check, and is
 * counted against the link's rate limit; a revoked or expired link
 * answers 404 to its forms as to its page.
 */
#include "web/pages-internal.h"
#include "core/champion.h"
#include "core/commercial.h"
#include "store/links.h"
#include "store/workspace.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

/* ---- the share page ---------------------------------------------------- */

/* One line of the champion's timeline: an event or a proposed step. */
struct share_item {
	tw_date date;			/* the done date of a step done */
	const char *title, *owner;
	const char *status;		/* "done", "planned", "proposed" */
	const struct event *event;	/* NULL: the win or a plan step */
	bool step;			/* counts in "N of M steps done" */
};

/*
 * Chronological: a step done by its done date, the others by their
 * planned date; on one day what is done first; undated items last.
 */
static int
cmp_item(const void *a, const void *b)
{
	const struct share_item *x = a, *y = b;
	bool xd = !strcmp(x->status, "done"), yd = !strcmp(y->status, "done");

	if ((x->date == DATE_NONE) != (y->date == DATE_NONE))
		return x->date == DATE_NONE ? 1 : -1;
	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	return (int)yd - (int)xd;
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
		bool done = event_done_by(e, today);

		it[k].date = done ? e->done : e->date;
		it[k].title = e->title ? e->title : e->key;
		it[k].owner = e->owner;
		it[k].status = done ? "done" : "planned";
		it[k].event = e;
		it[k].step = true;
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
		it[k].step = true;
		k++;
	}
	qsort(it, k, sizeof(*it), cmp_item);
	*n = k;
	return it;
}

/*
 * The plan's next step: the first not done, dated today or later (the
 * first overdue one when all that is left is late). -1: none.
 */
static long
share_next_index(const struct share_item *it, size_t n, tw_date today)
{
	long late = -1;

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(it[i].status, "done") || it[i].date == DATE_NONE)
			continue;
		if (it[i].date >= today)
			return (long)i;
		if (late < 0)
			late = (long)i;
	}
	return late;
}

/* Whose step it is, as the champion reads it: theirs or ours. */
static void
share_whose(struct strbuf *sb, const struct share_item *it)
{
	bool theirs = it->event && it->event->side == SIDE_BUYER;

	strbuf_addstr(sb, theirs ? "Your side" : "Our side");
	if (it->owner && *it->owner) {
		strbuf_addstr(sb, " (");
		html_escape(sb, it->owner);
		strbuf_addch(sb, ')');
	}
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
	static const char *const cols[] = { "Date", "Step", "Whose", "Status",
		NULL };
	struct strbuf tmp = STRBUF_INIT;
	size_t n, done = 0, steps = 0;
	struct share_item *it = share_items(d, p, s->today, &n);
	long next = share_next_index(it, n, s->today);

	strbuf_addstr(sb, "<h2 id=\"timeline\">Timeline</h2>\n");
	for (size_t i = 0; i < n; i++) {
		steps += it[i].step;
		done += it[i].step && !strcmp(it[i].status, "done");
	}
	if (steps)
		strbuf_addf(sb, "<p class=\"progress\" id=\"progress\">%zu of "
			    "%zu step%s done</p>\n", done, steps,
			    steps == 1 ? "" : "s");
	if (n) {
		page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < n; i++) {
			const struct event *e = it[i].event;

			strbuf_addstr(sb, (long)i == next
					  ? "<tr class=\"next-step\" "
					    "aria-current=\"step\">"
					  : "<tr>");
			page_td(sb, "Date", "nowrap",
				page_day_text(&tmp, it[i].date));
			page_td_open(sb, "Step", "wide");
			html_escape(sb, it[i].title);
			if ((long)i == next)
				strbuf_addstr(sb, " <strong>(next "
					      "step)</strong>");
			if (e && e->proposed != DATE_NONE) {
				strbuf_addstr(sb, "<small>You proposed ");
				page_add_day(sb, e->proposed);
				strbuf_addstr(sb, ": ");
				html_escape(sb, e->proposed_note
						? e->proposed_note : "");
				strbuf_addstr(sb, " (waiting for our "
					      "answer)</small>");
			}
			strbuf_addstr(sb, "</td>");
			page_td_open(sb, "Whose", NULL);
			share_whose(sb, &it[i]);
			strbuf_addstr(sb, "</td>");
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

/* ---- the champion's forms (issue 16) ------------------------------- */

/* The forms of the share page, and the one a refusal re-renders. */
enum share_form { SF_NONE, SF_DONE, SF_PROPOSE, SF_CONFIRM };

struct share_view {
	unsigned status;
	const char *token;		/* checked: URL-safe base64 */
	long long link;
	const char *csrf;		/* the link's CSRF token */
	enum share_form form;		/* refused, with fm's input */
	struct page_form fm;
};

/* The forms' fields, each form's in order; ids are "FORM-FIELD". */
static const char *const form_ids[] = { NULL, "done", "propose",
					"confirm" };

/*
 * The CSRF token of a link: NONCE.MAC, MAC the first 32 hex digits of
 * SHA-256(NONCE:TOKEN), so a token made for one link is refused by every
 * other (a "foreign" one) and only someone holding the link can make one.
 * It goes in a cookie scoped to /share/ and in each form (double submit).
 */
#define SHARE_MAC_LEN 32

static char *
share_mac(const char *nonce, size_t n, const char *token)
{
	struct strbuf sb = STRBUF_INIT;
	char *mac;

	strbuf_add(&sb, nonce, n);
	strbuf_addch(&sb, ':');
	strbuf_addstr(&sb, token);
	mac = auth_secret_hash(sb.buf);
	mac[SHARE_MAC_LEN] = '\0';
	explicit_bzero(sb.buf, sb.len);
	strbuf_release(&sb);
	return mac;
}

static bool
share_csrf_bound(const char *value, const char *token)
{
	const char *dot = value ? strchr(value, '.') : NULL;
	char *mac;
	bool ok;

	if (!dot || dot == value)
		return false;
	mac = share_mac(value, (size_t)(dot - value), token);
	ok = auth_equal(mac, dot + 1);
	free(mac);
	return ok;
}

static void
share_cookie_name(char *buf, size_t n, long long link)
{
	snprintf(buf, n, "techwin_share_%lld", link);
}

/*
 * The link's CSRF token for this browser: its cookie's when it is one of
 * this link's, else a new one set in the cookie (caller frees).
 */
static char *
share_csrf(struct http_request *rq, struct http_response *rs,
	   const char *token, long long link)
{
	struct strbuf sb = STRBUF_INIT;
	char name[48], *nonce, *mac, *value;
	const char *had;

	share_cookie_name(name, sizeof(name), link);
	had = http_cookie(rq, name);
	if (had && share_csrf_bound(had, token))
		return xstrdup(had);
	nonce = auth_random_token();
	mac = share_mac(nonce, strlen(nonce), token);
	strbuf_addf(&sb, "%s.%s", nonce, mac);
	value = xstrdup(sb.buf);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%s=%s; HttpOnly; SameSite=Strict; Path=/share/",
		    name, value);
	/* Only over TLS, which a trusted proxy in front says it did. */
	if (rq->tls)
		strbuf_addstr(&sb, "; Secure");
	http_response_header(rs, "Set-Cookie", sb.buf);
	strbuf_release(&sb);
	free(nonce);
	free(mac);
	return value;
}

/* <form> posting to /share/TOKEN/action, with the link's CSRF token. */
static void
share_form_open(struct strbuf *sb, const struct share_view *v,
		const char *action, const char *heading)
{
	strbuf_addf(sb, "<form method=\"post\" action=\"/share/%s/%s\" "
		    "id=\"%s\" class=\"panel\" novalidate>\n", v->token,
		    action, action);
	strbuf_addstr(sb, "<input type=\"hidden\" name=\"csrf_token\" "
		      "value=\"");
	html_escape(sb, v->csrf);
	strbuf_addf(sb, "\">\n<h3>%s</h3>\n", heading);
}

static struct page_form
share_form_of(const struct share_view *v, enum share_form f)
{
	struct page_form fm = { form_ids[f], NULL, NULL, NULL };

	if (v->form == f) {
		fm = v->fm;
		fm.id = form_ids[f];
	}
	return fm;
}

static void
share_input(struct strbuf *sb, const struct page_form *fm, const char *type,
	    const char *name, const char *label, const char *hint,
	    const char *value, const char *attrs)
{
	struct page_input in = { name, label, hint, type, value, true, attrs,
				 NULL };

	page_form_input(sb, fm, &in);
}

/* A select of the steps not done: value the key, label its day and title. */
static void
share_step_select(struct strbuf *sb, const struct page_form *fm,
		  const struct deal *d, tw_date today, bool buyer_only)
{
	struct page_options opts;
	struct page_input in = { "event", "Step", NULL, "select", NULL, true,
				 NULL, NULL };

	page_options_init(&opts, d->nevents, "Choose a step");
	page_options_events(&opts, d, today, buyer_only);
	in.options = (const char *const *)opts.v;
	page_form_input(sb, fm, &in);
	page_options_release(&opts);
}

static void
share_submit(struct strbuf *sb, const char *label)
{
	strbuf_addf(sb, "<div><button type=\"submit\">%s</button></div>\n"
		    "</div>\n</form>\n", label);
}

static bool
share_has_steps(const struct deal *d, tw_date today, bool buyer_only)
{
	for (size_t i = 0; i < d->nevents; i++)
		if (!event_done_by(&d->events[i], today) &&
		    (!buyer_only || d->events[i].side == SIDE_BUYER))
			return true;
	return false;
}

/* What the champion can do on the page: three plain forms. */
static void
share_forms(struct strbuf *sb, const struct share_view *v,
	    const struct deal *d, tw_date today)
{
	struct page_form fm;
	char day[DATE_BUFSZ];

	strbuf_addstr(sb, "<h2 id=\"act\">Your part of the plan</h2>\n");
	if (share_has_steps(d, today, true)) {
		fm = share_form_of(v, SF_DONE);
		share_form_open(sb, v, "done", "Mark a step of yours done");
		page_form_summary(sb, &fm, "Not marked done");
		strbuf_addstr(sb, "<div class=\"row\">\n");
		share_step_select(sb, &fm, d, today, true);
		share_input(sb, &fm, "date", "on", "Done on", NULL,
			    date_format(today, day), NULL);
		share_submit(sb, "Mark done");
	}
	if (share_has_steps(d, today, false)) {
		fm = share_form_of(v, SF_PROPOSE);
		share_form_open(sb, v, "propose", "Propose a new date");
		strbuf_addstr(sb, "<p class=\"hint\">The step keeps its date "
			      "until we accept yours.</p>\n");
		page_form_summary(sb, &fm, "Not proposed");
		strbuf_addstr(sb, "<div class=\"row\">\n");
		share_step_select(sb, &fm, d, today, false);
		share_input(sb, &fm, "date", "date", "New date", NULL, NULL,
			    NULL);
		share_input(sb, &fm, "text", "note", "Why it moves", NULL,
			    NULL, "maxlength=\"500\"");
		share_submit(sb, "Propose the date");
	}
	fm = share_form_of(v, SF_CONFIRM);
	share_form_open(sb, v, "confirm", "Confirm the plan");
	if (d->confirmed_by) {
		strbuf_addstr(sb, "<p id=\"confirmed\">Confirmed by ");
		html_escape(sb, d->confirmed_by);
		strbuf_addstr(sb, " on ");
		page_add_day(sb, d->confirmed_on);
		strbuf_addstr(sb, ".</p>\n");
	}
	strbuf_addstr(sb, "<p class=\"hint\">Type your name to tell us the "
		      "plan works for your side.</p>\n");
	page_form_summary(sb, &fm, "Not confirmed");
	strbuf_addstr(sb, "<div class=\"row\">\n");
	share_input(sb, &fm, "text", "name", "Your name", NULL, NULL,
		    "maxlength=\"100\" autocomplete=\"name\"");
	share_submit(sb, "Confirm the plan");
}

/* What the last form did (?did=...). */
static void
share_notice(struct strbuf *sb, const struct http_request *rq)
{
	const char *did = http_params_get(&rq->query, "did");
	const char *text = NULL;

	if (!did)
		return;
	if (!strcmp(did, "done"))
		text = "Thank you: the step is marked done.";
	else if (!strcmp(did, "proposed"))
		text = "Thank you: we will answer the date you proposed.";
	else if (!strcmp(did, "confirmed"))
		text = "Thank you for confirming the plan.";
	if (text)
		strbuf_addf(sb, "<p class=\"notice ok\" role=\"status\">%s"
			    "</p>\n", text);
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

/* A page of the share link's own: not found, refused, too many. */
static void
share_message(struct http_response *rs, unsigned status, const char *title,
	      const char *text)
{
	struct strbuf sb = STRBUF_INIT;

	page_head(&sb, title);
	strbuf_addstr(&sb, "<meta name=\"robots\" content=\"noindex\">\n"
		      "</head>\n<body>\n<main id=\"main\">\n<h1>");
	html_escape(&sb, title);
	strbuf_addstr(&sb, "</h1>\n<p>");
	html_escape(&sb, text);
	strbuf_addstr(&sb, "</p>\n");
	page_end(&sb);
	page_send(rs, status, &sb);
	http_response_header(rs, "X-Robots-Tag", "noindex");
}

/* Unknown, revoked and expired look alike from outside. */
static void
share_gone(struct http_response *rs)
{
	share_message(rs, 404, "This link does not work", "It may have "
		      "expired or been revoked. Ask the person who sent it "
		      "for a new one.");
}

/* The deal the link shows; false with the answer given. */
static bool
share_open(struct http_request *rq, struct http_response *rs, char **slug)
{
	struct tw_error err = { 0 };
	int r = auth_share(rq->st, http_param(rq, "token"), rq->today, slug,
			   &rs->log_id, &err);

	if (r == TW_ENOTFOUND)
		share_gone(rs);
	else if (r < 0)
		http_fail(rs, r, &err, NULL);
	return r == 0;
}

static void
share_render(struct http_request *rq, struct http_response *rs,
	     const char *slug, const struct share_view *v)
{
	struct commercial_plan plan;
	struct strbuf sb = STRBUF_INIT, tmp = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	const struct deal *d = &ctx.deal;
	struct brand brand = { 0 };
	struct summary s;
	int r;

	deal_ctx_init(&ctx, rq->today, NULL);
	r = store_load_ctx(rq->st, slug, &ctx, &err);
	if (r == 0)
		r = workspace_brand_load(rq->st, &brand, &err);
	if (r < 0) {
		if (r == TW_ENOTFOUND)
			share_gone(rs);
		else
			http_fail(rs, r, &err, NULL);
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
	if (v->status == 200)
		share_notice(&sb, rq);
	share_criteria(&sb, &s);
	share_timeline(&sb, d, &plan, &s);
	share_next(&sb, d, &plan, &s);
	share_forms(&sb, v, d, rq->today);
	strbuf_addstr(&sb, "<h2>Phases</h2>\n");
	page_phases_table(&sb, d, &s, false, false);
	strbuf_addstr(&sb, "<footer>");
	summary_prepared(&tmp, &brand, d, rq->today);
	html_escape(&sb, tmp.buf);
	strbuf_addstr(&sb, ". This page is shared with you; it changes as "
		      "the plan does.</footer>\n");
	page_end(&sb);
	page_send(rs, v->status, &sb);
	/* The logo is a data: URI. */
	rs->csp = HTTP_CSP_DEFAULT "; img-src 'self' data:";
	http_response_header(rs, "X-Robots-Tag", "noindex");

	commercial_plan_release(&plan);
	summary_release(&s);
	strbuf_release(&tmp);
	brand_release(&brand);
	deal_ctx_release(&ctx);
}

void
pages_share(struct http_request *rq, struct http_response *rs)
{
	struct share_view v = { 200, http_param(rq, "token"), 0, NULL,
				SF_NONE, { NULL, NULL, NULL, NULL } };
	char *slug = NULL, *csrf;

	if (!share_open(rq, rs, &slug))
		return;
	v.link = rs->log_id;
	share_count_view(rq, slug, v.link);
	v.csrf = csrf = share_csrf(rq, rs, v.token, v.link);
	share_render(rq, rs, slug, &v);
	free(csrf);
	free(slug);
}

/* The input a verb's "--name: ..." message is about, else dflt. */
static const char *
share_field(const char *msg, const char *dflt, const char **text)
{
	static const char *const names[] = { "on", "date", "note", "name",
					     NULL };
	const char *f = page_form_message_field(msg, names, text);

	return f ? f : dflt;
}

/*
 * The link's CSRF token came back twice, in its cookie and in the form,
 * the same, and made for this link; NULL, else why not.
 */
static const char *
share_csrf_refused(const struct http_request *rq, const char *token,
		   long long link)
{
	const char *sent = http_params_get(&rq->form, "csrf_token");
	const char *had;
	char name[48];

	share_cookie_name(name, sizeof(name), link);
	had = http_cookie(rq, name);
	if (!sent || !*sent || !had || !*had)
		return "The form came without its security token (cookies "
		       "may be blocked). Open the link again and retry.";
	if (!auth_equal(sent, had) || !share_csrf_bound(sent, token))
		return "The form's security token is not this link's. Open "
		       "the link again and retry.";
	return NULL;
}

/*
 * A form's post: the link (404 when it does not work), its rate limit,
 * its CSRF token, then the verb as the champion; a 303 back to the page,
 * or the page again with the refusal at its field (422).
 */
static void
share_post(struct http_request *rq, struct http_response *rs,
	   enum share_form f)
{
	static const char *const did[] = { NULL, "done", "proposed",
					   "confirmed" };
	struct share_view v = { 422, http_param(rq, "token"), 0, NULL, f,
				{ NULL, &rq->form, NULL, NULL } };
	struct tw_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct verb_call c;
	const char *why;
	char *slug = NULL, *csrf = NULL, key[32];
	int r = 0;

	if (!share_open(rq, rs, &slug))
		return;
	v.link = rs->log_id;
	snprintf(key, sizeof(key), "link %lld", v.link);
	if (rate_limiter_attempt(rq->share_limiter, key, NULL, rq->now) !=
	    RL_OPEN) {
		share_message(rs, 429, "Too many changes", "This link has "
			      "sent many changes in a short time. Wait a few "
			      "minutes and try again.");
		http_response_header(rs, "Retry-After", "60");
		free(slug);
		return;
	}
	if (!http_parse_form(rq, rs)) {
		free(slug);
		return;
	}
	if ((why = share_csrf_refused(rq, v.token, v.link))) {
		share_message(rs, 403, "This form has expired", why);
		free(slug);
		return;
	}
	verb_call_init(&c, f == SF_DONE ? V_STEP_DONE
			   : f == SF_PROPOSE ? V_PROPOSE : V_CONFIRM, NULL);
	c.link = (int)v.link;
	c.key = http_params_get(&rq->form, "event");
	if (f == SF_DONE)
		r = page_form_date(rq, "on", &c.on, &err);
	else if (f == SF_PROPOSE)
		r = page_form_date(rq, "date", &c.on, &err);
	c.reason = http_params_get(&rq->form, f == SF_CONFIRM ? "name"
							      : "note");
	if (r == 0 && f != SF_CONFIRM && (!c.key || !*c.key))
		r = tw_error_set(&err, TW_EINPUT, "choose a step");
	if (r == 0)
		r = store_champion_run(rq->st, slug, &c, rq->today, NULL,
				       &err);
	if (r == 0) {
		strbuf_addf(&sb, "/share/%s?did=%s#act", v.token, did[f]);
		http_redirect(rs, 303, sb.buf);
	} else if (r == TW_EINPUT || r == TW_ENOTFOUND) {
		v.fm.error_field = share_field(err.msg, f == SF_CONFIRM
						       ? "name" : "event",
					       &v.fm.error);
		v.csrf = csrf = share_csrf(rq, rs, v.token, v.link);
		share_render(rq, rs, slug, &v);
	} else {
		http_fail(rs, r, &err, NULL);
	}
	verb_call_release(&c);
	strbuf_release(&sb);
	free(csrf);
	free(slug);
}

void
pages_share_done_post(struct http_request *rq, struct http_response *rs)
{
	share_post(rq, rs, SF_DONE);
}

void
pages_share_propose_post(struct http_request *rq, struct http_response *rs)
{
	share_post(rq, rs, SF_PROPOSE);
}

void
pages_share_confirm_post(struct http_request *rq, struct http_response *rs)
{
	share_post(rq, rs, SF_CONFIRM);
}
