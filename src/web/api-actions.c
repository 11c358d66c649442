/*
 * The API of a deal's share links and history (api.h): the same store and
 * auth functions as techwin share and techwin history, with their --json
 * field names. A new link's address is in the answer that makes it and
 * never again.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "web/csrf.h"
#include "web/paging.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const no_query[] = { NULL };

/* The deal the route names exists; false with a 404 answered. */
static bool
deal_exists(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct deal d;
	int r = store_deal_get(rq->st, http_param(rq, "slug"), &d, &err);

	if (r < 0) {
		http_fail(rs, r, &err, NULL);
		return false;
	}
	deal_release(&d);
	return true;
}

void
api_shares_list(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct store_share_list l;
	json_t *a;
	int r;

	if (!api_check_query(rq, rs, no_query) || !deal_exists(rq, rs))
		return;
	if ((r = store_share_list(rq->st, http_param(rq, "slug"), &l,
				  &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, share_to_json(&l.items[i], rq->today));
	store_share_list_release(&l);
	http_send_json(rs, 200, a);
}

struct share_args {
	char *expires;		/* a date or "never"; none: the default */
};

static const struct field share_fields[] = {
	{ "expires", F_STR, offsetof(struct share_args, expires), 0, NULL,
	  NULL, FL_LINE },
};

static const struct schema_table share_args = {
	.entity = "share", .fields = share_fields,
	.nfields = ARRAY_SIZE(share_fields), .size = sizeof(struct share_args),
};

/*
 * POST .../shares {"expires": DATE}: 201 with the link as share list
 * shows it and its "url", on this server as the client reached it.
 */
void
api_share_create(struct http_request *rq, struct http_response *rs)
{
	struct strbuf base = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct share_args a = { NULL };
	struct store_share sh;
	tw_date expires;
	uint32_t given = 0;
	char *url = NULL;
	json_t *o;
	int r;

	o = api_read_body(rq, rs, &share_args, &a, &given, BODY_CREATE, true);
	if (!o)
		return;
	json_decref(o);
	csrf_own_origin(rq, &base);
	r = auth_share_expires_parse(a.expires, rq->today, &expires, &err);
	if (r == 0)
		r = auth_share_make(rq->st, http_param(rq, "slug"), expires,
				    rq->today, base.buf, &sh, &url, &err);
	schema_release(&share_args, &a);
	if (r < 0) {
		http_fail(rs, r, &err, r == TW_EINPUT ? "expires" : NULL);
	} else {
		o = share_to_json(&sh, rq->today);
		json_object_set_new(o, "url", json_string(url));
		http_send_json(rs, 201, o);
		store_share_release(&sh);
	}
	auth_secret_free(url);
	strbuf_release(&base);
}

/* DELETE .../shares/{id}: 204; a link of another deal is 404. */
void
api_share_revoke(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	long long id;
	int r;

	if (!api_check_query(rq, rs, no_query))
		return;
	if ((r = auth_share_id_parse(http_param(rq, "id"), &id, &err)) < 0) {
		/* Not a number: no such link, as any other path. */
		http_fail(rs, TW_ENOTFOUND, &err, NULL);
		return;
	}
	if ((r = auth_share_revoke(rq->st, http_param(rq, "slug"), id,
				   rq->today, &err)) < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_empty(rs, 204);
}

/*
 * GET .../history?limit=N&cursor=C: {"history": [...], "next": C or null},
 * newest first, each entry as techwin history --json shows it; with a
 * next page, a Link header to it too (paging.h; the cursor is the last
 * entry's id).
 */
void
api_history(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };
	const char *slug = http_param(rq, "slug");
	struct tw_error err = { 0 };
	struct history_list l;
	long long before;
	char *next = NULL;
	size_t limit;
	json_t *o, *a;
	bool more;
	int r;

	if (!api_check_query(rq, rs, allowed) ||
	    !paging_limit(rq, rs, PAGING_LIMIT_DEFAULT, PAGING_LIMIT_MAX,
			  &limit) ||
	    !paging_cursor_id(rq, rs, &before))
		return;
	if ((r = store_history_page(rq->st, slug, before, limit, &l, &more,
				    &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	/* An empty first page may be a deal that is not there. */
	if (!l.n && !before && !deal_exists(rq, rs)) {
		history_list_release(&l);
		return;
	}
	o = json_object();
	a = json_array();
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(a, history_entry_to_json(&l.items[i]));
	json_object_set_new(o, "history", a);
	if (more && l.n)
		next = paging_cursor_of_id(l.items[l.n - 1].id);
	paging_next(rq, rs, o, next);
	http_send_json(rs, 200, o);
	free(next);
	history_list_release(&l);
}
