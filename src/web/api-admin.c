/*
 * The workspace's API routes, for admins: settings (techwin config), the
 * workspace's holidays and playbook, users (techwin user) and API tokens (techwin
 * token). Each calls the function the CLI and the pages call, answers with
 * the CLI's --json shapes (setting_to_json, user_to_json, token_to_json)
 * and so records the change in the history the same way.
 *
 * The lists are paged as every list route is (paging.h) and answer
 * {"items": [...], "next": cursor or null} with a Link: rel="next" header.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "formats/json.h"
#include "store/workspace.h"
#include "util/xalloc.h"
#include "web/paging.h"

#include <stdlib.h>
#include <string.h>

static const char *const no_query[] = { NULL };
static const char *const list_query[] = { "limit", "cursor", NULL };

/* ---- lists ---------------------------------------------------------- */

/*
 * Answer a page of a, whose items are objects sorted by their string
 * field key (byte order): those after the cursor (paging.h: the key of
 * the last item shown), at most limit of them. Steals a.
 */
static void
list_page(struct http_request *rq, struct http_response *rs, json_t *a,
	  const char *key)
{
	struct paging_cursor cur = { 0 };
	json_t *items, *o;
	const char *last = NULL;
	char *next = NULL;
	size_t limit, i = 0, n = json_array_size(a);

	if (!api_check_query(rq, rs, list_query) ||
	    !paging_limit(rq, rs, PAGING_LIMIT_DEFAULT, PAGING_LIMIT_MAX,
			  &limit) ||
	    !paging_cursor(rq, rs, &cur)) {
		paging_cursor_release(&cur);
		json_decref(a);
		return;
	}
	if (cur.n > 1) {
		paging_bad_cursor(rs);
		paging_cursor_release(&cur);
		json_decref(a);
		return;
	}
	while (cur.n && i < n &&
	       strcmp(json_string_value(json_object_get(
			      json_array_get(a, i), key)),
		      cur.field[0]) <= 0)
		i++;
	items = json_array();
	for (; i < n && json_array_size(items) < limit; i++) {
		json_array_append(items, json_array_get(a, i));
		last = json_string_value(
			json_object_get(json_array_get(a, i), key));
	}
	if (i < n && last)
		next = paging_cursor_make(&last, 1);
	o = json_object();
	json_object_set_new(o, "items", items);
	paging_next(rq, rs, o, next);
	http_send_json(rs, 200, o);
	free(next);
	paging_cursor_release(&cur);
	json_decref(a);
}

/* ---- settings ------------------------------------------------------- */

static json_t *
setting_now(struct http_request *rq, const struct setting_def *def,
	    struct tw_error *err, int *r)
{
	char *v = NULL;
	json_t *o;

	if ((*r = store_setting_get(rq->st, def->key, &v, err)) < 0)
		return NULL;
	o = setting_to_json(def, v);
	free(v);
	return o;
}

static void
settings_list(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	json_t *a = json_array(), *o;
	int r = 0;

	for (size_t i = 0; setting_defs[i].key; i++) {
		if (!(o = setting_now(rq, &setting_defs[i], &err, &r))) {
			json_decref(a);
			http_fail(rs, r, &err, NULL);
			return;
		}
		json_array_append_new(a, o);
	}
	list_page(rq, rs, a, "key");
}

static const struct setting_def *
route_setting(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	const struct setting_def *def = setting_find(http_param(rq, "key"),
						     &err);

	if (!def)
		http_error(rs, 404, NULL, "%s", err.msg);
	return def;
}

static void
setting_get(struct http_request *rq, struct http_response *rs)
{
	const struct setting_def *def;
	struct tw_error err = { 0 };
	json_t *o;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(def = route_setting(rq, rs)))
		return;
	if (!(o = setting_now(rq, def, &err, &r)))
		http_fail(rs, r, &err, NULL);
	else
		http_send_json(rs, 200, o);
}

/*
 * A JSON value as the text config set takes: a string as it is, a number
 * as written, an array of strings (holidays) joined by commas; NULL for
 * null (unset). False for anything else.
 */
static bool
value_text(json_t *v, struct strbuf *out, bool *unset)
{
	size_t i;
	json_t *x;

	*unset = false;
	if (json_is_null(v)) {
		*unset = true;
	} else if (json_is_string(v)) {
		strbuf_addstr(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		strbuf_addf(out, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		strbuf_addf(out, "%.17g", json_real_value(v));
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (!json_is_string(x))
				return false;
			strbuf_addf(out, "%s%s", i ? "," : "",
				    json_string_value(x));
		}
	} else {
		return false;
	}
	return true;
}

static void
setting_change(struct http_request *rq, struct http_response *rs,
	       bool unset)
{
	const struct setting_def *def;
	struct strbuf text = STRBUF_INIT;
	struct tw_error err = { 0 };
	json_t *body = NULL, *o;
	bool null = unset;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(def = route_setting(rq, rs)))
		return;
	if (!unset) {
		if (!(body = http_json_object(rq, rs, false)))
			return;
		if (json_object_size(body) != 1 ||
		    !json_object_get(body, "value") ||
		    !value_text(json_object_get(body, "value"), &text,
				&null)) {
			http_error(rs, 422, "value", "expected {\"value\": "
				   "VALUE}: a string, a number, an array of "
				   "dates (holidays) or null");
			json_decref(body);
			return;
		}
	}
	r = workspace_setting_set(rq->st, def->key, null ? NULL : text.buf,
				  NULL, &err);
	if (r < 0)
		http_fail(rs, r, &err, "value");
	else if (!(o = setting_now(rq, def, &err, &r)))
		http_fail(rs, r, &err, NULL);
	else
		http_send_json(rs, 200, o);
	json_decref(body);
	strbuf_release(&text);
}

static void
setting_put(struct http_request *rq, struct http_response *rs)
{
	setting_change(rq, rs, false);
}

static void
setting_delete(struct http_request *rq, struct http_response *rs)
{
	setting_change(rq, rs, true);
}

/* POST /api/settings/holidays {"days": [...]}: as holidays import does. */
static void
holidays_add(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	json_t *body, *o;
	tw_date *d = NULL;
	size_t n = 0, added = 0;
	int r = 0;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	if (json_object_size(body) != 1) {
		http_error(rs, 422, "days", "expected {\"days\": "
			   "[\"YYYY-MM-DD\", ...]}");
		json_decref(body);
		return;
	}
	r = api_read_days(json_object_get(body, "days"), &d, &n, &err);
	if (r == 0)
		r = workspace_add_holidays(rq->st, d, n, &added, &err);
	if (r < 0) {
		http_fail(rs, r, &err, "days");
	} else {
		o = json_object();
		json_object_set_new(o, "added", json_integer((json_int_t)added));
		json_object_set_new(o, "present",
				    json_integer((json_int_t)(n - added)));
		http_send_json(rs, 200, o);
	}
	free(d);
	json_decref(body);
}

/* DELETE /api/settings/holidays/{day}: 404 when it is no holiday. */
static void
holidays_remove(struct http_request *rq, struct http_response *rs)
{
	const char *text = http_param(rq, "day");
	struct tw_error err = { 0 };
	size_t removed = 0;
	tw_date day;
	int r;

	if (!api_check_query(rq, rs, no_query))
		return;
	if ((r = date_parse(text, &day, &err)) == 0)
		r = workspace_remove_holidays(rq->st, &day, 1, &removed, &err);
	if (r == 0 && !removed)
		r = tw_error_set(&err, TW_ENOTFOUND, "%s is not a workspace "
				 "holiday", text);
	if (r < 0)
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? NULL : "day");
	else
		http_send_empty(rs, 204);
}

/* ---- the workspace's playbook ----------------------------------------- */

/* The playbook in effect, as config playbook --json shows it. */
static void
playbook_answer(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	const struct step *steps;
	struct workspace ws;
	size_t n;
	bool set;
	int r;

	if ((r = workspace_load(rq->st, &ws, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
	} else {
		steps = workspace_playbook(&ws, &n, &set);
		http_send_json(rs, 200, playbook_to_json(steps, n, set));
	}
	workspace_release(&ws);
}

static void
playbook_get(struct http_request *rq, struct http_response *rs)
{
	if (api_check_query(rq, rs, no_query))
		playbook_answer(rq, rs);
}

/*
 * PUT /api/settings/playbook {"playbook": [step, ...]}: each step with the
 * fields of deal show's (kind commercial unless it says), as config
 * playbook set reads a file; a refused step is a 422 naming
 * "playbook[i].field".
 */
static void
playbook_put(struct http_request *rq, struct http_response *rs)
{
	const struct schema_table *tb = &schema_tables[T_STEP];
	size_t offset = (size_t)(schema_field(tb, "offset", false) -
				 tb->fields);
	struct validation_site site = { ENT_STEP, 0, NULL };
	struct strbuf field = STRBUF_INIT;
	struct tw_error err = { 0 };
	json_t *body, *list, *o;
	struct deal pb;
	size_t i;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	list = json_object_get(body, "playbook");
	if (json_object_size(body) != 1 || !json_is_array(list) ||
	    !json_array_size(list)) {
		http_error(rs, 422, "playbook", "expected {\"playbook\": "
			   "[{\"title\", \"offset\", ...}, ...]} with one "
			   "step or more (DELETE resets it to the built-in "
			   "default)");
		json_decref(body);
		return;
	}
	deal_init(&pb);
	json_array_foreach(list, i, o) {
		struct step *s = deal_add_step(&pb);
		uint32_t given = 0;

		s->kind = EVENT_COMMERCIAL;
		strbuf_reset(&field);
		strbuf_addf(&field, "playbook[%zu]", i);
		if (!json_is_object(o)) {
			http_error(rs, 422, field.buf, "expected a step "
				   "object");
			goto out;
		}
		if (!api_read_fields(rs, o, tb, s, &given, BODY_CREATE))
			goto out;
		if (!(given >> offset & 1)) {
			http_error(rs, 422, field.buf, "playbook step %zu "
				   "needs an offset (business days after the "
				   "technical win)", i + 1);
			goto out;
		}
	}
	r = workspace_playbook_set(rq->st, pb.playbook, pb.nplaybook, &site,
				   &err);
	if (r < 0) {
		strbuf_reset(&field);
		strbuf_addf(&field, "playbook[%zu]%s%s", site.index,
			    site.field ? "." : "", site.field ? site.field : "");
		http_fail(rs, r, &err, field.buf);
	} else {
		playbook_answer(rq, rs);
	}
out:
	deal_release(&pb);
	strbuf_release(&field);
	json_decref(body);
}

/* DELETE /api/settings/playbook: the built-in default again. */
static void
playbook_delete(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	int r;

	if (!api_check_query(rq, rs, no_query))
		return;
	if ((r = workspace_playbook_set(rq->st, NULL, 0, NULL, &err)) < 0)
		http_fail(rs, r, &err, NULL);
	else
		playbook_answer(rq, rs);
}

/* ---- users ---------------------------------------------------------- */

/* The user name as user list --json shows it, or NULL with rs answered. */
static json_t *
user_now(struct http_request *rq, struct http_response *rs, const char *name)
{
	struct tw_error err = { 0 };
	struct store_token_list tl;
	struct store_user u;
	json_t *o;
	int r;

	if ((r = store_user_get(rq->st, name, &u, &err)) < 0 ||
	    (r = store_token_list(rq->st, &tl, &err)) < 0) {
		store_user_release(&u);
		http_fail(rs, r, &err, NULL);
		return NULL;
	}
	o = user_to_json(&u, store_token_count(&tl, u.name));
	store_token_list_release(&tl);
	store_user_release(&u);
	return o;
}

static void
users_list(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct store_user_list ul;
	struct store_token_list tl;
	json_t *a;
	int r;

	if ((r = store_user_list(rq->st, &ul, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	if ((r = store_token_list(rq->st, &tl, &err)) < 0) {
		store_user_list_release(&ul);
		http_fail(rs, r, &err, NULL);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < ul.n; i++) {
		const struct store_user *u = &ul.items[i];

		json_array_append_new(a, user_to_json(u, store_token_count(
						      &tl, u->name)));
	}
	store_user_list_release(&ul);
	store_token_list_release(&tl);
	list_page(rq, rs, a, "name");
}

static void
user_get(struct http_request *rq, struct http_response *rs)
{
	json_t *o;

	if (api_check_query(rq, rs, no_query) &&
	    (o = user_now(rq, rs, http_param(rq, "name"))))
		http_send_json(rs, 200, o);
}

static bool
parse_role(struct http_response *rs, const char *text, enum role *role)
{
	if (role_parse(text, role) == 0)
		return true;
	http_error(rs, 422, "role", "invalid role '%s' (use admin, editor or "
		   "viewer)", text);
	return false;
}

static void
user_create(struct http_request *rq, struct http_response *rs)
{
	static const char *const fields[] = { "name", "role", "password",
					      NULL };
	const char *name, *role_text, *pw;
	struct tw_error err = { 0 };
	enum role role;
	json_t *body, *o;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	if (!api_only_members(rs, body, fields) ||
	    !api_opt_string(rs, body, "name", &name) ||
	    !api_opt_string(rs, body, "role", &role_text) ||
	    !api_opt_string(rs, body, "password", &pw))
		goto out;
	if (!role_text) {
		http_error(rs, 422, "role", "a user needs a role (admin, "
			   "editor or viewer)");
		goto out;
	}
	if (!parse_role(rs, role_text, &role))
		goto out;
	if ((r = auth_check_name("user", name, &err)) < 0) {
		http_fail(rs, r, &err, "name");
		goto out;
	}
	if ((r = auth_check_password(pw, &err)) < 0) {
		http_fail(rs, r, &err, "password");
		goto out;
	}
	if ((r = auth_user_add(rq->st, name, role, pw, &err)) < 0) {
		http_fail(rs, r, &err, "name");
		goto out;
	}
	if ((o = user_now(rq, rs, name)))
		http_send_json(rs, 201, o);
out:
	json_decref(body);
}

/* PATCH /api/users/{name}: {"role"}, {"password", "keep_tokens"}. */
static void
user_update(struct http_request *rq, struct http_response *rs)
{
	static const char *const fields[] = { "role", "password",
					      "keep_tokens", NULL };
	const char *name = http_param(rq, "name"), *role_text, *pw;
	struct tw_error err = { 0 };
	json_t *body, *keep, *o;
	enum role role;
	int r = 0;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	keep = json_object_get(body, "keep_tokens");
	if (!api_only_members(rs, body, fields) ||
	    !api_opt_string(rs, body, "role", &role_text) ||
	    !api_opt_string(rs, body, "password", &pw))
		goto out;
	if (keep && (!json_is_boolean(keep) || !pw)) {
		http_error(rs, 422, "keep_tokens", "keep_tokens is true or "
			   "false, and goes with password");
		goto out;
	}
	if (role_text && !parse_role(rs, role_text, &role))
		goto out;
	if (pw && (r = auth_user_passwd(rq->st, name, pw, json_is_true(keep),
					NULL, &err)) < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? NULL : "password");
		goto out;
	}
	if (role_text && (r = auth_user_role(rq->st, name, role, &err)) < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? NULL : "role");
		goto out;
	}
	if ((o = user_now(rq, rs, name)))
		http_send_json(rs, 200, o);
out:
	json_decref(body);
}

static void
user_remove(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	int r;

	if (!api_check_query(rq, rs, no_query))
		return;
	r = auth_user_remove(rq->st, http_param(rq, "name"), NULL, &err);
	if (r < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_empty(rs, 204);
}

/* ---- tokens --------------------------------------------------------- */

static void
tokens_list(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct store_token_list tl;
	json_t *a;
	int r;

	if ((r = store_token_list(rq->st, &tl, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < tl.n; i++)
		json_array_append_new(a, token_to_json(&tl.items[i]));
	store_token_list_release(&tl);
	list_page(rq, rs, a, "name");
}

/* POST /api/tokens {"name", "user"}: the token is in this answer only. */
static void
token_create(struct http_request *rq, struct http_response *rs)
{
	static const char *const fields[] = { "name", "user", NULL };
	const char *name, *user;
	struct tw_error err = { 0 };
	struct store_token_list tl;
	char *token = NULL;
	json_t *body, *o;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	if (!api_only_members(rs, body, fields) ||
	    !api_opt_string(rs, body, "name", &name) ||
	    !api_opt_string(rs, body, "user", &user))
		goto out;
	if (!user) {
		http_error(rs, 422, "user", "a token needs a user");
		goto out;
	}
	r = auth_token_add(rq->st, name ? name : "", user, &token, &err);
	if (r == 0)
		r = store_token_list(rq->st, &tl, &err);
	if (r < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? "user" : "name");
		goto out;
	}
	for (size_t i = 0; i < tl.n; i++) {
		if (strcmp(tl.items[i].name, name))
			continue;
		o = token_to_json(&tl.items[i]);
		json_object_set_new(o, "token", json_string(token));
		http_send_json(rs, 201, o);
	}
	store_token_list_release(&tl);
out:
	auth_secret_free(token);
	json_decref(body);
}

static void
token_remove(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	int r;

	if (!api_check_query(rq, rs, no_query))
		return;
	if ((r = store_token_delete(rq->st, http_param(rq, "name"), &err)) < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_empty(rs, 204);
}

const struct route admin_api_routes[] = {
	{ "GET", "/api/settings", settings_list, ROLE_ADMIN, 0 },
	{ "GET", "/api/settings/{key}", setting_get, ROLE_ADMIN, 0 },
	{ "PUT", "/api/settings/{key}", setting_put, ROLE_ADMIN, 0 },
	{ "DELETE", "/api/settings/{key}", setting_delete, ROLE_ADMIN, 0 },
	{ "POST", "/api/settings/holidays", holidays_add, ROLE_ADMIN, 0 },
	{ "GET", "/api/settings/playbook", playbook_get, ROLE_ADMIN, 0 },
	{ "PUT", "/api/settings/playbook", playbook_put, ROLE_ADMIN, 0 },
	{ "DELETE", "/api/settings/playbook", playbook_delete, ROLE_ADMIN,
	  0 },
	{ "DELETE", "/api/settings/holidays/{day}", holidays_remove,
	  ROLE_ADMIN, 0 },
	{ "GET", "/api/users", users_list, ROLE_ADMIN, 0 },
	{ "POST", "/api/users", user_create, ROLE_ADMIN, 0 },
	{ "GET", "/api/users/{name}", user_get, ROLE_ADMIN, 0 },
	{ "PATCH", "/api/users/{name}", user_update, ROLE_ADMIN, 0 },
	{ "DELETE", "/api/users/{name}", user_remove, ROLE_ADMIN, 0 },
	{ "GET", "/api/tokens", tokens_list, ROLE_ADMIN, 0 },
	{ "POST", "/api/tokens", token_create, ROLE_ADMIN, 0 },
	{ "DELETE", "/api/tokens/{name}", token_remove, ROLE_ADMIN, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
