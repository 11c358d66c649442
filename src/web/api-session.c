/*
 * The session part of the JSON API (api.h): who a request acts as
 * (GET /api/session), and the login and logout flow, for JSON clients and
 * the minimal login form.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "web/pages.h"
#include "formats/json.h"
#include "web/server.h"
#include "util/xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *
session_json(const struct principal *who)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_str(who->name));
	json_object_set_new(o, "role", json_string(role_name(who->role)));
	json_object_set_new(o, "csrf_token", json_str(who->csrf));
	return o;
}

void
api_session_get(struct http_request *rq, struct http_response *rs)
{
	static const char *const no_query[] = { NULL };

	if (api_check_query(rq, rs, no_query))
		http_send_json(rs, 200, session_json(&rq->who));
}
/* ---- login and logout ---------------------------------------------- */

/* A local path to go to after login: never another site ("//x", "/\x"). */
static bool
safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

static void
session_cookie(struct http_request *rq, struct http_response *rs,
	       const char *value, long long max_age)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s=%s; HttpOnly; SameSite=Strict; Path=/; "
		    "Max-Age=%lld", HTTP_SESSION_COOKIE, value, max_age);
	/* Only over TLS, which a trusted proxy in front says it did. */
	if (rq->tls)
		strbuf_addstr(&sb, "; Secure");
	http_response_header(rs, "Set-Cookie", sb.buf);
	strbuf_release(&sb);
}

/* A login's JSON body, read like every other body. */
struct login_body {
	char *name;
	char *password;
};

static const struct field login_fields[] = {
	{ "name", F_STR, offsetof(struct login_body, name), 0, NULL, NULL,
	  FL_REQ },
	{ "password", F_STR, offsetof(struct login_body, password), 0, NULL,
	  NULL, FL_REQ },
};

static const struct schema_table login_table = {
	.entity = "login", .fields = login_fields,
	.nfields = ARRAY_SIZE(login_fields), .size = sizeof(struct login_body),
};

/* A 429 when the limiter says b (RL_ADDRESS, RL_ACCOUNT); true then. */
static bool
too_many(struct http_request *rq, struct http_response *rs, bool form,
	 enum rl_block b, const char *next)
{
	const char *what = b == RL_ADDRESS ? "from this address"
					   : "for this account";
	char secs[32];

	if (b == RL_OPEN)
		return false;
	if (form) {
		struct strbuf msg = STRBUF_INIT;

		strbuf_addf(&msg, "Too many failed logins %s. Try again "
			    "later.", what);
		pages_login_form(rs, 429, next, msg.buf);
		strbuf_release(&msg);
	} else {
		http_error(rs, 429, NULL, "too many failed logins %s: try "
			   "again later", what);
	}
	snprintf(secs, sizeof(secs), "%d", rq->cfg->login_window);
	http_response_header(rs, "Retry-After", secs);
	return true;
}

static void
login(struct http_request *rq, struct http_response *rs)
{
	bool form = http_content_type_is(rq,
					 "application/x-www-form-urlencoded");
	const char *name, *password, *next = NULL;
	struct tw_error err = { 0 };
	struct principal who = { 0 };
	char *cookie = NULL;
	struct login_body body = { NULL, NULL };
	uint32_t given = 0;
	json_t *o = NULL;
	int r;

	/* A blocked address is refused before its body is even read. */
	if (too_many(rq, rs, form, rate_limiter_check(rq->limiter, rq->addr,
						      NULL, rq->now), NULL))
		return;
	if (form) {
		if (!http_parse_form(rq, rs))
			return;
		name = http_params_get(&rq->form, "name");
		password = http_params_get(&rq->form, "password");
		next = http_params_get(&rq->form, "next");
		if (!name || !password) {
			pages_login_form(rs, 400, next, "Enter a name and a "
				   "password.");
			return;
		}
	} else {
		if (!(o = http_json_object(rq, rs, false)))
			return;
		if (!api_read_fields(rs, o, &login_table, &body, &given,
				     BODY_CREATE)) {
			schema_release(&login_table, &body);
			json_decref(o);
			return;
		}
		name = body.name;
		password = body.password;
	}
	/* Counted as a failure now; given back below if it succeeds. */
	if (too_many(rq, rs, form, rate_limiter_attempt(rq->limiter, rq->addr,
							name, rq->now), next))
		goto out;
	r = auth_login(rq->st, name, password, rq->now, rq->cfg->session_ttl,
		       &cookie, &who, &err);
	if (r == TW_ENOTFOUND || r == TW_EINPUT) {
		if (form)
			pages_login_form(rs, 401, next, "Wrong name or password.");
		else
			http_error(rs, 401, NULL, "wrong name or password");
	} else if (r < 0) {
		http_fail(rs, r, &err, NULL);
	} else {
		/* Never forgets the address's other failures (auth.h). */
		rate_limiter_success(rq->limiter, rq->addr, name);
		if (form)
			http_redirect(rs, 303, safe_next(next) ? next : "/");
		else
			http_send_json(rs, 200, session_json(&who));
		session_cookie(rq, rs, cookie, rq->cfg->session_ttl);
		principal_release(&who);
		free(cookie);
	}
out:
	schema_release(&login_table, &body);
	json_decref(o);
}

static void
logout(struct http_request *rq, struct http_response *rs)
{
	const char *cookie = http_cookie(rq, HTTP_SESSION_COOKIE);
	struct tw_error err = { 0 };
	int r;

	if (!rq->via_session || !cookie) {
		http_error(rs, 400, NULL, "not logged in with a session "
			   "cookie: a bearer token is revoked with 'techwin "
			   "token rm'");
		return;
	}
	if ((r = auth_logout(rq->st, cookie, &err)) < 0 && r != TW_ENOTFOUND) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	if (http_content_type_is(rq, "application/x-www-form-urlencoded"))
		http_redirect(rs, 303, "/login");
	else
		http_send_empty(rs, 204);
	session_cookie(rq, rs, "", 0);
}

const struct route login_routes[] = {
	{ "POST", "/login", login, ROLE_VIEWER, ROUTE_PUBLIC },
	{ "POST", "/logout", logout, ROLE_VIEWER, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
