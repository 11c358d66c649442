/*
 * What the page files of techwin serve share (pages.c holds them): the
 * small HTML pieces every page is built from, the page frame, and the
 * handlers page_routes lists. Internal to src/web/pages*.c.
 */
#ifndef TW_PAGES_INTERNAL_H
#define TW_PAGES_INTERNAL_H

#include <stdbool.h>

#include "core/criterion.h"
#include "core/momentum.h"
#include "render/escape.h"
#include "render/summary.h"
#include "store/deals.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/pages.h"

#define HTML_TYPE "text/html; charset=utf-8"

/* ---- small pieces (pages.c) -------------------------------------------- */

/* A bar, pct of its width filled, in class cls. */
void page_bar(struct strbuf *sb, double pct, const char *cls);
void page_badge(struct strbuf *sb, const char *cls, const char *text);
/* <td data-label="Label">: the label heads the cell on a phone. */
void page_td_open(struct strbuf *sb, const char *label, const char *cls);
/* A cell of text; NULL or "" shows a dash. */
void page_td(struct strbuf *sb, const char *label, const char *cls,
	     const char *text);
/* <thead> of a table whose rows stack into cards on a phone. */
void page_table_open(struct strbuf *sb, const char *caption,
		     const char *const *cols);
void page_table_close(struct strbuf *sb);
/* A date in prose: <time> keeps "Thu 2026-11-26" on one line. */
void page_add_day(struct strbuf *sb, tw_date d);
/* A date for a cell: "Thu 2026-11-26", or "" when there is none. */
const char *page_day_text(struct strbuf *tmp, tw_date d);
void page_days_text(struct strbuf *sb, int n);
/* The deal's value: "USD 415,000", or "" without one. */
void page_deal_value(struct strbuf *sb, const struct deal *d);
const char *page_deal_name(const struct deal *d);
void page_csrf_field(struct strbuf *sb, const struct principal *who);
void page_deal_path(struct strbuf *sb, const char *pre, const char *slug,
		    const char *suf);
/* Editors and admins see the forms; a viewer's POST would be a 403. */
bool page_can_edit(const struct http_request *rq);
const char *page_severity_class(enum severity s, bool snoozed);
const char *page_status_class(enum crit_status s);
void page_headroom_cell(struct strbuf *sb,
			const struct summary_criterion *c);

/* ---- the page frame (pages.c) ------------------------------------------ */

enum nav { NAV_NONE, NAV_PIPELINE, NAV_ANALYTICS, NAV_SETTINGS, NAV_USERS };

void page_head(struct strbuf *sb, const char *title);
void page_begin(struct strbuf *sb, const struct http_request *rq,
		const char *title, enum nav nav);
void page_end(struct strbuf *sb);
void page_send(struct http_response *rs, unsigned status, struct strbuf *sb);
void page_error(struct http_request *rq, struct http_response *rs,
		unsigned status, const char *message);
void page_fail(struct http_request *rq, struct http_response *rs, int rc,
	       const struct tw_error *err);

/* The phases with their prices (pages-deal.c; the share page too). */
void page_phases_table(struct strbuf *sb, const struct deal *d,
		       const struct summary *s, bool justification);

/* ---- the handlers page_routes lists ------------------------------------ */

void pages_pipeline(struct http_request *rq, struct http_response *rs);
void pages_deal(struct http_request *rq, struct http_response *rs);
void pages_record_post(struct http_request *rq, struct http_response *rs);
void pages_apply_post(struct http_request *rq, struct http_response *rs);
void pages_analytics(struct http_request *rq, struct http_response *rs);
void pages_share(struct http_request *rq, struct http_response *rs);

/* The workspace's settings and accounts (pages-admin.c). */
void pages_settings(struct http_request *rq, struct http_response *rs);
void pages_settings_post(struct http_request *rq, struct http_response *rs);
void pages_holiday_add_post(struct http_request *rq,
			    struct http_response *rs);
void pages_holiday_remove_post(struct http_request *rq,
			       struct http_response *rs);
void pages_users(struct http_request *rq, struct http_response *rs);
void pages_user_add_post(struct http_request *rq, struct http_response *rs);
void pages_user_role_post(struct http_request *rq, struct http_response *rs);
void pages_user_password_post(struct http_request *rq,
			      struct http_response *rs);
void pages_user_remove(struct http_request *rq, struct http_response *rs);
void pages_user_remove_post(struct http_request *rq,
			    struct http_response *rs);
void pages_token_add_post(struct http_request *rq, struct http_response *rs);
void pages_token_revoke_post(struct http_request *rq,
			     struct http_response *rs);

#endif
