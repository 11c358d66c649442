/*
 * The HTML pages of techwin serve (pages.h). Each page is built into a
 * strbuf from the same core computations as the CLI (the momentum check,
 * criterion evaluation, the commercial plan, risk back-scheduling, the
 * summary model, champion messages, cycle-time stats) and sent whole. The
 * forms post back here and answer with a redirect to the page they came
 * from (post/redirect/get), or with the page and the error when the input
 * is wrong. No page loads anything from another origin: the stylesheet,
 * script and icon are compiled in, and charts are inline SVG.
 *
 * This file holds what every page shares (pages-internal.h), the login
 * page, the assets and the route table; each page has its own
 * pages-<page>.c.
 */
#include "web/pages-internal.h"
#include "core/message.h"
#include "web/csrf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void
page_bar(struct strbuf *sb, double pct, const char *cls)
{
	strbuf_addf(sb, "<span class=\"bar\" aria-hidden=\"true\"><span "
		    "class=\"%s w%d\"></span></span>", cls, bar_width(pct));
}

void
page_badge(struct strbuf *sb, const char *cls, const char *text)
{
	strbuf_addf(sb, "<span class=\"badge %s\">", cls);
	html_escape(sb, text);
	strbuf_addstr(sb, "</span>");
}

/* <td data-label="Label">: the label heads the cell on a phone. */
void
page_td_open(struct strbuf *sb, const char *label, const char *cls)
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
void
page_td(struct strbuf *sb, const char *label, const char *cls, const char *text)
{
	page_td_open(sb, label, cls);
	if (text && *text)
		html_escape(sb, text);
	else
		strbuf_addstr(sb, "&mdash;");
	strbuf_addstr(sb, "</td>");
}

/* <thead> of a table whose rows stack into cards on a phone. */
void
page_table_open(struct strbuf *sb, const char *caption, const char *const *cols)
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

void
page_table_close(struct strbuf *sb)
{
	strbuf_addstr(sb, "</tbody>\n</table></div>\n");
}

/* A date in prose: <time> keeps "Thu 2026-11-26" on one line. */
void
page_add_day(struct strbuf *sb, tw_date d)
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
const char *
page_day_text(struct strbuf *tmp, tw_date d)
{
	strbuf_reset(tmp);
	if (d != DATE_NONE)
		summary_fmt_day(tmp, d);
	return tmp->buf;
}

void
page_days_text(struct strbuf *sb, int n)
{
	strbuf_addf(sb, "%d day%s", n, n == 1 || n == -1 ? "" : "s");
}

/* The deal's value: "USD 415,000", or "" without one. */
void
page_deal_value(struct strbuf *sb, const struct deal *d)
{
	if (d->has_value)
		msg_fmt_money(sb, d->value, d->currency);
}

const char *
page_deal_name(const struct deal *d)
{
	return d->account && *d->account ? d->account : d->slug;
}

/* HTML's "valid floating-point number": -?D+(.D+)?([eE][+-]?D+)?, or .D+ */
static bool
html_number(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	n = strspn(s, "0123456789");
	s += n;
	if (*s == '.') {
		if (!isdigit((unsigned char)s[1]))
			return false;
		s += 1 + strspn(s + 1, "0123456789");
	} else if (n == 0) {
		return false;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		s += strspn(s, "0123456789");
	}
	return *s == '\0';
}

bool
page_input_holds(const char *type, const char *value)
{
	tw_date d;

	/* A file input never holds a value, not even "": chosen again. */
	if (!strcmp(type, "file"))
		return false;
	if (!value || !*value)
		return true;
	if (!strcmp(type, "date"))
		return date_parse(value, &d, NULL) == 0;
	if (!strcmp(type, "number"))
		return html_number(value);
	return true;
}

void
page_csrf_field(struct strbuf *sb, const struct principal *who)
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
void
page_deal_path(struct strbuf *sb, const char *pre, const char *slug,
	       const char *suf)
{
	strbuf_addstr(sb, pre);
	html_escape(sb, slug);
	strbuf_addstr(sb, suf);
}

/* Editors and admins see the forms; a viewer's POST would be a 403. */
bool
page_can_edit(const struct http_request *rq)
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

void
page_head(struct strbuf *sb, const char *title)
{
	page_head_as(sb, title, "techwin");
}

void
page_head_as(struct strbuf *sb, const char *title, const char *site)
{
	strbuf_addstr(sb, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		      "<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, "
		      "initial-scale=1\">\n<title>");
	html_escape(sb, title);
	strbuf_addstr(sb, " &middot; ");
	html_escape(sb, site);
	strbuf_addstr(sb, "</title>\n"
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
void
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
	if (rq->authed)
		nav_link(sb, "/settings", "Settings", nav == NAV_SETTINGS);
	if (rq->authed && rq->who.role >= ROLE_ADMIN)
		nav_link(sb, "/users", "Users", nav == NAV_USERS);
	strbuf_addstr(sb, "</ul></nav>\n");
	if (rq->authed) {
		strbuf_addstr(sb, "<div class=\"who\"><span>");
		html_escape(sb, rq->who.name);
		strbuf_addf(sb, " (%s)</span>", role_name(rq->who.role));
		/* A bearer token has no session to log out of. */
		if (rq->via_session && rq->who.csrf) {
			strbuf_addstr(sb, "<form method=\"post\" "
				      "action=\"/logout\">");
			page_csrf_field(sb, &rq->who);
			strbuf_addstr(sb, "<button type=\"submit\">Log out"
				      "</button></form>");
		}
		strbuf_addstr(sb, "</div>\n");
	}
	strbuf_addstr(sb, "</div></header>\n"
		      "<main id=\"main\" tabindex=\"-1\">\n");
}

void
page_end(struct strbuf *sb)
{
	strbuf_addstr(sb, "</main>\n</body>\n</html>\n");
}

void
page_send(struct http_response *rs, unsigned status, struct strbuf *sb)
{
	http_send_strbuf(rs, status, HTML_TYPE, sb);
	strbuf_release(sb);
}

/* A page that says what went wrong, for a person rather than a program. */
void
page_error(struct http_request *rq, struct http_response *rs,
	   unsigned status, const char *message)
{
	struct strbuf sb = STRBUF_INIT;

	page_begin(&sb, rq, http_reason(status), NAV_NONE);
	strbuf_addf(&sb, "<h1>%s</h1>\n<p>", http_reason(status));
	html_escape(&sb, message);
	strbuf_addstr(&sb, "</p>\n<p><a href=\"/\">Back to the pipeline</a>"
		      "</p>\n");
	page_end(&sb);
	page_send(rs, status, &sb);
}

void
pages_forbidden(struct http_request *rq, struct http_response *rs,
		enum role need)
{
	struct strbuf msg = STRBUF_INIT;
	const char *what = rq->who.role == ROLE_VIEWER ? "a" : "an";

	strbuf_addf(&msg, "You need the %s role to %s. You are signed in as "
		    "%s, %s %s.", role_name(need),
		    csrf_safe_method(rq->method) ? "open this page"
						 : "make this change",
		    rq->who.name, what, role_name(rq->who.role));
	page_error(rq, rs, 403, msg.buf);
	strbuf_release(&msg);
}

/* A layer's error as a page: a 500 keeps its message for the log. */
void
page_fail(struct http_request *rq, struct http_response *rs, int rc,
	  const struct tw_error *err)
{
	unsigned status = http_status_for(rc);

	if (status == 500) {
		http_fail(rs, rc, err, NULL);
		return;
	}
	page_error(rq, rs, status, err && err->msg[0] ? err->msg
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
	page_send(rs, status, &sb);
}

static void
login_page(struct http_request *rq, struct http_response *rs)
{
	pages_login_form(rs, 200, http_params_get(&rq->query, "next"), NULL);
}

/* ---- classes shared by the pages --------------------------------------- */

const char *
page_severity_class(enum severity s, bool snoozed)
{
	if (snoozed)
		return "snoozed";
	return s == SEV_ERROR ? "error" : "warning";
}

const char *
page_status_class(enum crit_status s)
{
	return s == CRIT_PASS ? "pass" : s == CRIT_FAIL ? "fail" : "pending";
}

void
page_headroom_cell(struct strbuf *sb, const struct summary_criterion *c)
{
	page_td_open(sb, "Headroom", "nowrap");
	if (c->ev.has_headroom) {
		page_bar(sb, fabs(c->ev.headroom_pct),
			 c->ev.status == CRIT_PASS ? "pass" : "fail");
		html_escape(sb, c->headroom);
	} else {
		strbuf_addstr(sb, "&mdash;");
	}
	strbuf_addstr(sb, "</td>");
}

const struct route page_routes[] = {
	{ "GET", "/", pages_pipeline, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/deals/{slug}", pages_deal, ROLE_VIEWER, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/measurements", pages_record_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/plan/apply", pages_apply_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	/* The deal page's actions (pages-actions.c). */
	{ "GET", "/deals/{slug}/history", pages_history, ROLE_VIEWER,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/done", pages_done_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/touches", pages_touch_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/snooze", pages_snooze_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/unsnooze", pages_unsnooze_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/acks", pages_ack_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/unack", pages_unack_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/close", pages_close_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/reopen", pages_reopen_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/shares", pages_share_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/shares/{id}/revoke", pages_revoke_post,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/events/{key}/accept", pages_accept_post,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/events/{key}/decline", pages_decline_post,
	  ROLE_EDITOR, ROUTE_PAGE },
	/* Schema-driven forms (pages-forms.c); {kind}: criteria, events,
	 * risks or phases. */
	{ "GET", "/deals/new", pages_deal_new, ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/new", pages_deal_new_post, ROLE_EDITOR, ROUTE_PAGE },
	{ "GET", "/deals/{slug}/edit", pages_deal_edit, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/edit", pages_deal_edit_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "GET", "/deals/{slug}/remove", pages_deal_remove, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/remove", pages_deal_remove_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "POST", "/deals/{slug}/holidays/import", pages_holidays_import_post,
	  ROLE_EDITOR, ROUTE_PAGE | ROUTE_UPLOAD },
	{ "POST", "/deals/{slug}/{kind}", pages_child_add_post, ROLE_EDITOR,
	  ROUTE_PAGE },
	{ "GET", "/deals/{slug}/{kind}/{key}/edit", pages_child_edit,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/{kind}/{key}/edit", pages_child_edit_post,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "GET", "/deals/{slug}/{kind}/{key}/remove", pages_child_remove,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/{kind}/{key}/remove", pages_child_remove_post,
	  ROLE_EDITOR, ROUTE_PAGE },
	{ "GET", "/analytics", pages_analytics, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/login", login_page, ROLE_VIEWER, ROUTE_PUBLIC },
	{ "GET", "/share/{token}", pages_share, ROLE_VIEWER,
	  ROUTE_PUBLIC | ROUTE_SECRET_PATH },
	{ "POST", "/share/{token}/done", pages_share_done_post, ROLE_VIEWER,
	  ROUTE_PUBLIC | ROUTE_SECRET_PATH },
	{ "POST", "/share/{token}/propose", pages_share_propose_post,
	  ROLE_VIEWER, ROUTE_PUBLIC | ROUTE_SECRET_PATH },
	{ "POST", "/share/{token}/confirm", pages_share_confirm_post,
	  ROLE_VIEWER, ROUTE_PUBLIC | ROUTE_SECRET_PATH },
	{ "GET", "/assets/{name}", asset_get, ROLE_VIEWER, ROUTE_PUBLIC },
	/* The workspace's settings and accounts (pages-admin.c). */
	{ "GET", "/settings", pages_settings, ROLE_VIEWER, ROUTE_PAGE },
	{ "POST", "/settings", pages_settings_post, ROLE_ADMIN, ROUTE_PAGE },
	{ "POST", "/settings/holidays", pages_holiday_add_post, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/settings/holidays/remove", pages_holiday_remove_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "POST", "/settings/playbook", pages_step_add_post, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "GET", "/settings/playbook/{n}/edit", pages_step_edit, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/settings/playbook/{n}/edit", pages_step_edit_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "GET", "/settings/playbook/{n}/remove", pages_step_remove,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "POST", "/settings/playbook/{n}/remove", pages_step_remove_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "GET", "/settings/playbook/reset", pages_playbook_reset, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/settings/playbook/reset", pages_playbook_reset_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "GET", "/users", pages_users, ROLE_ADMIN, ROUTE_PAGE },
	/* import and export (pages-import.c) */
	{ "GET", "/import", pages_import, ROLE_VIEWER, ROUTE_PAGE },
	{ "POST", "/import/plans", pages_import_plans_post, ROLE_EDITOR,
	  ROUTE_PAGE | ROUTE_UPLOAD },
	{ "POST", "/import/crm", pages_import_crm_post, ROLE_EDITOR,
	  ROUTE_PAGE | ROUTE_UPLOAD },
	{ "GET", "/export.csv", pages_export_csv, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/export/{file}", pages_export_csv, ROLE_VIEWER, ROUTE_PAGE },
	{ "GET", "/deals/{slug}/plan.yaml", pages_plan_yaml, ROLE_VIEWER,
	  ROUTE_PAGE },
	{ "POST", "/settings/holidays/import", pages_holidays_import_post,
	  ROLE_ADMIN, ROUTE_PAGE | ROUTE_UPLOAD },
	{ "POST", "/users", pages_user_add_post, ROLE_ADMIN, ROUTE_PAGE },
	{ "POST", "/users/{name}/role", pages_user_role_post, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/users/{name}/password", pages_user_password_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ "GET", "/users/{name}/remove", pages_user_remove, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/users/{name}/remove", pages_user_remove_post, ROLE_ADMIN,
	  ROUTE_PAGE },
	{ "POST", "/tokens", pages_token_add_post, ROLE_ADMIN, ROUTE_PAGE },
	{ "POST", "/tokens/{name}/revoke", pages_token_revoke_post,
	  ROLE_ADMIN, ROUTE_PAGE },
	{ NULL, NULL, NULL, 0, 0 },
};
