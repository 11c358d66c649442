/*
 * server_dispatch() (web/server.c), the code every request of techwin serve
 * goes through once it is read, without a socket: authentication by bearer
 * token and session cookie, the CSRF check of cookie-authenticated writes,
 * the size limits, the headers of every answer; the Cookie header parser;
 * the JSON writer of the answers, byte for byte against jansson's
 * json_dumps; and jansson's per-request arena.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/plan.h"
#include "store/deals.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/json-arena.h"
#include "web/server.h"

static const char plan[] = "version: 1\n"
			   "deal:\n"
			   "  slug: acme\n"
			   "  account: Acme Corp\n"
			   "  se: Sam\n"
			   "criteria:\n"
			   "  - key: p95\n"
			   "    metric: p95 report time\n"
			   "    unit: min\n"
			   "    at_most: 15\n";

static const char event_body[] = "{\"key\": \"demo\", \"kind\": "
				 "\"technical\", \"title\": \"Demo\", "
				 "\"date\": \"2026-12-01\"}";

struct fixture {
	struct store *st;
	struct server *srv;
	struct server_config cfg;
	char *token;	/* alice's, an editor */
	char *cookie;	/* alice's session */
	char *csrf;
	struct http_params headers;
	struct server_reply reply;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	struct tw_error err = { 0 };
	struct validation_site site;
	struct principal who;
	struct deal d;

	setenv("TECHWIN_PWHASH_FAST", "1", 1);
	assert_int_equal(auth_init(&err), 0);
	assert_int_equal(store_open(&fx->st, ":memory:", STORE_CREATE,
				    "tester", &err),
			 0);
	assert_int_equal(plan_parse(plan, strlen(plan), "acme.yaml", &d,
				    &err),
			 0);
	assert_int_equal(store_create_deal(fx->st, &d, date_today(), &site,
					   &err),
			 0);
	deal_release(&d);
	server_config_init(&fx->cfg);
	fx->cfg.quiet = true;
	fx->cfg.body_max = 4096;
	assert_int_equal(auth_user_add(fx->st, "alice", ROLE_EDITOR,
				       "password1", &err),
			 0);
	assert_int_equal(auth_token_add(fx->st, "t", "alice", &fx->token,
					&err),
			 0);
	assert_int_equal(auth_login(fx->st, "alice", "password1",
				    (long long)time(NULL), 3600, &fx->cookie,
				    &who, &err),
			 0);
	fx->csrf = xstrdup(who.csrf);
	principal_release(&who);
	assert_int_equal(server_new(&fx->cfg, fx->st, &fx->srv, &err), 0);
	server_reply_init(&fx->reply);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	server_reply_release(&fx->reply);
	http_params_release(&fx->headers);
	server_free(fx->srv);
	store_close(fx->st);
	free(fx->token);
	free(fx->cookie);
	free(fx->csrf);
	free(fx);
	return 0;
}

__attribute__((format(printf, 3, 4))) static void
header(struct fixture *fx, const char *name, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	http_params_add(&fx->headers, name, sb.buf);
	strbuf_release(&sb);
}

static unsigned
dispatch(struct fixture *fx, const char *method, const char *target,
	 const char *body)
{
	struct server_call call = { 0 };

	call.method = method;
	call.target = target;
	call.headers = &fx->headers;
	call.body = body;
	call.body_len = body ? strlen(body) : 0;
	call.addr = "127.0.0.1";
	server_dispatch(fx->srv, &call, &fx->reply);
	http_params_release(&fx->headers);
	return fx->reply.status;
}

static bool
body_has(const struct fixture *fx, const char *s)
{
	return strstr(fx->reply.body.buf, s) != NULL;
}

static void
test_no_auth_401(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 401);
	assert_true(body_has(fx, "\"code\": \"unauthorized\""));
	assert_string_equal(server_reply_header(&fx->reply,
						"WWW-Authenticate"),
			    "Bearer realm=\"techwin\"");
	/* A page sends the browser to the login form instead. */
	assert_int_equal(dispatch(fx, "GET", "/deals/acme", NULL), 303);
	assert_string_equal(server_reply_header(&fx->reply, "Location"),
			    "/login?next=/deals/acme");
	/* An unknown token is no better than none. */
	header(fx, "Authorization", "Bearer %s", "nope");
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 401);
	header(fx, "Authorization", "Basic %s", "YWxpY2U6cGFzc3dvcmQx");
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 401);
	header(fx, "Cookie", "techwin_session=%s", "nope");
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 401);
}

static void
test_bearer_200(void **state)
{
	struct fixture *fx = *state;

	header(fx, "Authorization", "Bearer %s", fx->token);
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 200);
	assert_true(body_has(fx, "\"slug\": \"acme\""));
	assert_string_equal(server_reply_header(&fx->reply, "Content-Type"),
			    "application/json");
	assert_string_equal(server_reply_header(&fx->reply, "Cache-Control"),
			    "no-store");
	assert_string_equal(server_reply_header(&fx->reply,
						"X-Content-Type-Options"),
			    "nosniff");
	assert_non_null(server_reply_header(&fx->reply,
					    "Content-Security-Policy"));
	/* A bearer token needs no CSRF token: browsers never send one. */
	header(fx, "Authorization", "bearer %s", fx->token);
	header(fx, "Content-Type", "%s", "application/json");
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events",
				  event_body),
			 201);
}

static void
test_cookie_csrf(void **state)
{
	struct fixture *fx = *state;

	/* Reading by cookie needs no CSRF token. */
	header(fx, "Cookie", "theme=dark; techwin_session=%s", fx->cookie);
	assert_int_equal(dispatch(fx, "GET", "/api/session", NULL), 200);
	assert_true(body_has(fx, fx->csrf));

	header(fx, "Cookie", "techwin_session=%s", fx->cookie);
	header(fx, "Content-Type", "%s", "application/json");
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events",
				  event_body),
			 403);
	assert_true(body_has(fx, "missing CSRF token"));

	header(fx, "Cookie", "techwin_session=%s", fx->cookie);
	header(fx, "Content-Type", "%s", "application/json");
	header(fx, "X-CSRF-Token", "%s", "wrong");
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events",
				  event_body),
			 403);
	assert_true(body_has(fx, "wrong CSRF token"));

	/* Nothing was written: the right token creates the event now. */
	header(fx, "Cookie", "techwin_session=\"%s\"", fx->cookie);
	header(fx, "Content-Type", "%s", "application/json");
	header(fx, "X-CSRF-Token", "%s", fx->csrf);
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events",
				  event_body),
			 201);
}

static void
test_limits(void **state)
{
	struct fixture *fx = *state;
	struct strbuf big = STRBUF_INIT;
	char name[32];

	header(fx, "Authorization", "Bearer %s", fx->token);
	for (int i = 0; i < HTTP_HEADER_COUNT_MAX; i++) {
		snprintf(name, sizeof(name), "X-H%d", i);
		http_params_add(&fx->headers, name, "v");
	}
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 431);

	strbuf_addchars(&big, 'a', HTTP_HEADERS_MAX);
	header(fx, "Authorization", "Bearer %s", fx->token);
	header(fx, "X-Big", "%s", big.buf);
	assert_int_equal(dispatch(fx, "GET", "/api/deals/acme", NULL), 431);
	strbuf_release(&big);

	/* Announced too large: refused before the body is read. */
	header(fx, "Authorization", "Bearer %s", fx->token);
	header(fx, "Content-Length", "%s", "4097");
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events", "{}"),
			 413);
	/* Larger than announced, or not announced. */
	strbuf_addchars(&big, ' ', 5000);
	header(fx, "Authorization", "Bearer %s", fx->token);
	header(fx, "Content-Type", "%s", "application/json");
	assert_int_equal(dispatch(fx, "POST", "/api/deals/acme/events",
				  big.buf),
			 413);
	strbuf_release(&big);

	strbuf_addstr(&big, "/api/deals/");
	strbuf_addchars(&big, 'a', HTTP_URL_MAX);
	header(fx, "Authorization", "Bearer %s", fx->token);
	assert_int_equal(dispatch(fx, "GET", big.buf, NULL), 414);
	strbuf_release(&big);
}

static void
test_parse_cookies(void **state)
{
	struct http_request rq;

	(void)state;
	http_request_init(&rq, 0);
	http_params_add(&rq.headers, "cookie",
			"a=1;  b=\"two; three\",flag; c=\"\"; d=x=y");
	http_parse_cookies(&rq);
	assert_string_equal(http_cookie(&rq, "a"), "1");
	assert_string_equal(http_cookie(&rq, "b"), "two; three");
	assert_string_equal(http_cookie(&rq, "flag"), "");
	assert_string_equal(http_cookie(&rq, "c"), "");
	assert_string_equal(http_cookie(&rq, "d"), "x=y");
	assert_null(http_cookie(&rq, "e"));
	http_request_release(&rq);
}

/* http_json_dump(j) is what json_emit() writes, without the newline. */
static void
assert_dump_same(json_t *j)
{
	struct strbuf sb = STRBUF_INIT;
	char *want = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));

	strbuf_addstr(&sb, "x");
	if (!want) {
		assert_int_equal(http_json_dump(j, &sb), -1);
		assert_string_equal(sb.buf, "x");
	} else {
		assert_int_equal(http_json_dump(j, &sb), 0);
		assert_string_equal(sb.buf + 1, want);
	}
	free(want);
	strbuf_release(&sb);
	json_decref(j);
}

static void
test_json_dump(void **state)
{
	static const double reals[] = {
		0.1, -0.0, 1.5, 100.0, 1e15, 1e16, 1e17, 1e-5, 0.0001,
		123456789012345678.0, 19.3548387096774, 1e300, -2.5e-7,
		2.0 / 3.0, 4.9e-324, 1.7976931348623157e308,
	};
	json_t *o = json_object(), *a = json_array(), *e = json_object();

	(void)state;
	for (size_t i = 0; i < sizeof(reals) / sizeof(*reals); i++)
		json_array_append_new(a, json_real(reals[i]));
	json_array_append_new(a, json_integer(0));
	json_array_append_new(a, json_integer(-9223372036854775807LL - 1));
	json_array_append_new(a, json_integer(9223372036854775807LL));
	json_array_append_new(a, json_true());
	json_array_append_new(a, json_false());
	json_array_append_new(a, json_null());
	json_array_append_new(a, json_array());
	json_array_append_new(a, json_object());
	json_object_set_new(o, "numbers", a);
	json_object_set_new(o, "esc\"aped\\ \x01 \x1f \x7f \t\n\r\b\f /",
			    json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98"
					"\x80 \"q\" \\ \x02"));
	json_object_set_new(o, "nul", json_stringn("a\0b", 3));
	json_object_set_new(e, "deep", json_pack("{s:[{s:[]}]}", "x", "y"));
	json_object_set_new(o, "", e);
	assert_dump_same(o);
	assert_dump_same(json_array());
	assert_dump_same(json_object());
	/* Not a container, or not UTF-8: json_dumps fails, so do we. */
	assert_dump_same(json_string("top"));
	assert_dump_same(json_integer(1));
	o = json_object();
	json_object_set_new(o, "bad", json_stringn_nocheck("\xff", 1));
	assert_dump_same(o);
	o = json_object();
	json_object_set_new(o, "overlong", json_stringn_nocheck("\xc0\x80",
								2));
	json_object_set_new(o, "surrogate",
			    json_stringn_nocheck("\xed\xa0\x80", 3));
	assert_dump_same(o);
}

static void
test_json_arena(void **state)
{
	struct strbuf big = STRBUF_INIT, sb = STRBUF_INIT;
	json_t *outside, *gone, *o;

	(void)state;
	json_arena_install();
	outside = json_string("made before");
	gone = json_string("freed inside");
	json_arena_enter();
	/* Made by malloc: freed by free() (else LeakSanitizer complains). */
	json_decref(gone);
	o = json_object();
	/* Values large and small, and one freed in the middle. */
	strbuf_addchars(&big, 'b', 100000);
	json_object_set_new(o, "big", json_string(big.buf));
	for (int i = 0; i < 5000; i++)
		json_object_set_new(o, "k", json_integer(i));
	json_object_set(o, "outside", outside);
	assert_int_equal(http_json_dump(o, &sb), 0);
	json_decref(o);
	json_arena_leave();
	assert_true(sb.len > 100000);
	assert_non_null(strstr(sb.buf, "\"k\": 4999,\n  \"outside\": "
				       "\"made before\"\n}"));
	/* Made outside, it outlives the arena and is freed as usual. */
	assert_string_equal(json_string_value(outside), "made before");
	json_decref(outside);
	strbuf_release(&big);
	strbuf_release(&sb);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_no_auth_401),
		T(test_bearer_200),
		T(test_cookie_csrf),
		T(test_limits),
		cmocka_unit_test(test_parse_cookies),
		cmocka_unit_test(test_json_dump),
		cmocka_unit_test(test_json_arena),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
