/*
 * The API of a deal's share links and history (api.h): the same store and
 * auth functions as techwin share and techwin history, with their --json
 * field names. A new link's address is in the answer that makes it and
 * never again.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "web/csrf.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* History entries a page holds by default, and at most. */
#define HISTORY_LIMIT 100
#define HISTORY_LIMIT_MAX 1000

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
	tw_date expires;
};

static const struct field share_fields[] = {
	{ "expires", F_DATE, offsetof(struct share_args, expires), 0, NULL,
	  NULL, 0 },
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
	struct share_args a = { DATE_NONE };
	struct store_share sh;
	uint32_t given = 0;
	char *url = NULL;
	json_t *o;
	int r;

	o = api_read_body(rq, rs, &share_args, &a, &given, BODY_CREATE, true);
	if (!o)
		return;
	json_decref(o);
	csrf_own_origin(rq, &base);
	r = auth_share_make(rq->st, http_param(rq, "slug"), a.expires,
			    rq->today, base.buf, &sh, &url, &err);
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
				   &err)) < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_empty(rs, 204);
}

/* A positive decimal of at most 18 digits; false for anything else. */
static bool
parse_count(const char *s, long long *out)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 18 || strspn(s, "0123456789") != n)
		return false;
	*out = strtoll(s, NULL, 10);
	return *out > 0;
}

/*
 * GET .../history?limit=N&cursor=C: {"history": [...], "next": C or null},
 * newest first, each entry as techwin history --json shows it; with a
 * next page, a Link header to it too.
 */
void
api_history(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "limit", "cursor", NULL };
	const char *limit_s = http_params_get(&rq->query, "limit");
	const char *cursor_s = http_params_get(&rq->query, "cursor");
	const char *slug = http_param(rq, "slug");
	long long limit = HISTORY_LIMIT, before = 0;
	struct tw_error err = { 0 };
	struct history_list l;
	json_t *o, *a;
	bool more;
	int r;

	if (!api_check_query(rq, rs, allowed))
		return;
	if (limit_s && (!parse_count(limit_s, &limit) ||
			limit > HISTORY_LIMIT_MAX)) {
		http_error(rs, 400, "limit", "limit must be a number from 1 to "
			   "%d, got '%s'", HISTORY_LIMIT_MAX, limit_s);
		return;
	}
	if (cursor_s && !parse_count(cursor_s, &before)) {
		http_error(rs, 400, "cursor", "cursor must be the \"next\" of "
			   "a page, got '%s'", cursor_s);
		return;
	}
	if ((r = store_history_page(rq->st, slug, before, (size_t)limit, &l,
				    &more, &err)) < 0) {
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
	if (more && l.n) {
		struct strbuf next = STRBUF_INIT, link = STRBUF_INIT;

		strbuf_addf(&next, "%lld", l.items[l.n - 1].id);
		json_object_set_new(o, "next", json_string(next.buf));
		/* The slug is a checked [a-z0-9-] key: safe in a URL. */
		strbuf_addf(&link, "</api/deals/%s/history?limit=%lld&cursor="
			    "%s>; rel=\"next\"", l.items[0].deal, limit,
			    next.buf);
		http_response_header(rs, "Link", link.buf);
		strbuf_release(&next);
		strbuf_release(&link);
	} else {
		json_object_set_new(o, "next", json_null());
	}
	http_send_json(rs, 200, o);
	history_list_release(&l);
}
