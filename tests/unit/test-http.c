/*
 * The request and response helpers of techwin serve (web/http.h):
 * percent-decoding, query strings and form bodies, the tw_err to HTTP
 * status mapping, the JSON error shape, JSON bodies and the capped body,
 * and what the log may show of a client's bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/xalloc.h"
#include "web/http.h"

/* Decode s; returns the result (caller frees) or NULL on failure. */
static char *
decode(const char *s, bool plus)
{
	struct strbuf sb = STRBUF_INIT;

	if (http_decode(s, strlen(s), plus, &sb) < 0) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

static void
assert_decodes(const char *s, bool plus, const char *want)
{
	char *got = decode(s, plus);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_rejects(const char *s)
{
	assert_null(decode(s, true));
}

static void
test_decode(void **state)
{
	(void)state;
	assert_decodes("", true, "");
	assert_decodes("plain", true, "plain");
	assert_decodes("a%20b", true, "a b");
	assert_decodes("%41%42c", true, "ABc");
	assert_decodes("%e2%82%ac", true, "\xe2\x82\xac");
	assert_decodes("%2F%2f", true, "//");
	assert_decodes("a+b", true, "a b");
	/* In a path '+' is itself. */
	assert_decodes("a+b", false, "a+b");
	assert_rejects("%");
	assert_rejects("a%4");
	assert_rejects("%zz");
	assert_rejects("%g0");
	/* No techwin value may contain NUL. */
	assert_rejects("a%00b");
}

static void
test_query(void **state)
{
	struct http_params p = { 0 };
	const char *q = "a=1&b=x%20y+z&c&&d=&a=2&=v&e=%3D%26";

	(void)state;
	assert_int_equal(http_parse_query(q, strlen(q), &p), 0);
	assert_int_equal(p.n, 7);
	assert_string_equal(http_params_get(&p, "a"), "1");
	assert_int_equal(http_params_count(&p, "a"), 2);
	assert_string_equal(p.items[4].name, "a");
	assert_string_equal(p.items[4].value, "2");
	assert_string_equal(http_params_get(&p, "b"), "x y z");
	assert_string_equal(http_params_get(&p, "c"), "");
	assert_string_equal(http_params_get(&p, "d"), "");
	assert_string_equal(http_params_get(&p, ""), "v");
	assert_string_equal(http_params_get(&p, "e"), "=&");
	assert_null(http_params_get(&p, "missing"));
	assert_int_equal(http_params_count(&p, "missing"), 0);
	http_params_release(&p);

	/* Only len bytes count: the rest of the buffer is not the query. */
	assert_int_equal(http_parse_query("x=1&y=2", 3, &p), 0);
	assert_int_equal(p.n, 1);
	assert_string_equal(http_params_get(&p, "x"), "1");
	http_params_release(&p);

	/* A bad escape fails; what came before it is kept. */
	q = "ok=1&bad=%zz&after=2";
	assert_int_equal(http_parse_query(q, strlen(q), &p), -1);
	assert_int_equal(p.n, 1);
	assert_string_equal(http_params_get(&p, "ok"), "1");
	http_params_release(&p);
	q = "%00=1";
	assert_int_equal(http_parse_query(q, strlen(q), &p), -1);
	http_params_release(&p);

	assert_int_equal(http_parse_query("", 0, &p), 0);
	assert_int_equal(p.n, 0);
	http_params_release(&p);
}

static void
test_status_mapping(void **state)
{
	(void)state;
	assert_int_equal(http_status_for(TW_EUSAGE), 400);
	assert_int_equal(http_status_for(TW_EINPUT), 422);
	assert_int_equal(http_status_for(TW_ENOTFOUND), 404);
	assert_int_equal(http_status_for(TW_EEXIST), 409);
	assert_int_equal(http_status_for(TW_EBUSY), 503);
	assert_int_equal(http_status_for(TW_ESTORE), 500);
	assert_int_equal(http_status_for(-99), 500);
	assert_string_equal(http_error_code(404), "not_found");
	assert_string_equal(http_error_code(422), "invalid");
	assert_string_equal(http_error_code(413), "too_large");
	assert_string_equal(http_error_code(414), "uri_too_long");
	assert_string_equal(http_error_code(431), "headers_too_large");
	assert_string_equal(http_error_code(418), "bad_request");
	assert_string_equal(http_error_code(599), "internal");
	assert_string_equal(http_reason(405), "Method Not Allowed");
}

/* The body of rs as JSON, checked to be an error of status/code. */
static json_t *
error_body(const struct http_response *rs, unsigned status, const char *code)
{
	json_error_t jerr;
	json_t *j = json_loadb(rs->body.buf, rs->body.len, 0, &jerr);
	json_t *e;

	assert_non_null(j);
	assert_int_equal(rs->status, status);
	assert_string_equal(rs->content_type, "application/json");
	assert_int_equal(json_object_size(j), 1);
	e = json_object_get(j, "error");
	assert_true(json_is_object(e));
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(json_string_value(json_object_get(e, "code")),
			    code);
	return j;
}

static const char *
err_field(json_t *j, const char *name)
{
	json_t *v = json_object_get(json_object_get(j, "error"), name);

	return json_is_null(v) ? NULL : json_string_value(v);
}

static void
test_errors(void **state)
{
	struct http_response rs;
	struct tw_error err = { 0 };
	json_t *j;

	(void)state;
	http_response_init(&rs);
	http_error(&rs, 422, "currency", "invalid currency '%s'", "usd");
	j = error_body(&rs, 422, "invalid");
	assert_string_equal(err_field(j, "field"), "currency");
	assert_string_equal(err_field(j, "message"), "invalid currency 'usd'");
	json_decref(j);

	/* A success's Location does not survive into an error. */
	http_response_header(&rs, "Location", "/api/deals/x");
	tw_error_set(&err, TW_ENOTFOUND, "unknown deal '%s'", "x");
	http_fail(&rs, TW_ENOTFOUND, &err, NULL);
	j = error_body(&rs, 404, "not_found");
	assert_null(err_field(j, "field"));
	assert_string_equal(err_field(j, "message"), "unknown deal 'x'");
	assert_int_equal(rs.headers.n, 0);
	json_decref(j);

	tw_error_set(&err, TW_EEXIST, "deal 'x' already exists");
	http_fail(&rs, TW_EEXIST, &err, "slug");
	j = error_body(&rs, 409, "conflict");
	assert_string_equal(err_field(j, "field"), "slug");
	json_decref(j);

	/* A storage failure does not show its message (paths, SQL). */
	tw_error_set(&err, TW_ESTORE, "disk I/O error in /secret/path.db");
	http_fail(&rs, TW_ESTORE, &err, NULL);
	j = error_body(&rs, 500, "internal");
	assert_null(strstr(err_field(j, "message"), "/secret"));
	json_decref(j);

	tw_error_set(&err, TW_EBUSY, "database is locked");
	http_fail(&rs, TW_EBUSY, &err, NULL);
	j = error_body(&rs, 503, "busy");
	assert_string_equal(http_params_get(&rs.headers, "Retry-After"), "1");
	json_decref(j);
	http_response_release(&rs);
}

/* An error quoting what the client sent is JSON even when that is not
 * UTF-8: bad bytes are shown as \xNN, good ones pass. */
static void
test_error_not_utf8(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "unknown deal '\xff'", "unknown deal '\\xff'" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		/* Overlong '/', a surrogate, a cut sequence, past U+10FFFF. */
		{ "\xc0\xaf", "\\xc0\\xaf" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80" },
		{ "a\xe2\x82", "a\\xe2\\x82" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80" },
	};
	struct http_response rs;

	(void)state;
	http_response_init(&rs);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		json_t *j;

		http_error(&rs, 400, cases[i].in, "%s", cases[i].in);
		j = error_body(&rs, 400, "bad_request");
		assert_string_equal(err_field(j, "message"), cases[i].out);
		assert_string_equal(err_field(j, "field"), cases[i].out);
		json_decref(j);
	}
	http_response_release(&rs);
}

static void
test_responses(void **state)
{
	struct http_response rs;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	http_response_init(&rs);
	http_send_json(&rs, 201, json_pack("{s:i}", "n", 1));
	assert_int_equal(rs.status, 201);
	assert_string_equal(rs.body.buf, "{\n  \"n\": 1\n}\n");
	http_send(&rs, 200, "text/plain", "hi", 2);
	assert_string_equal(rs.body.buf, "hi");
	assert_string_equal(rs.content_type, "text/plain");
	strbuf_addstr(&sb, "document");
	http_send_strbuf(&rs, 200, "text/markdown", &sb);
	assert_string_equal(rs.body.buf, "document");
	assert_int_equal(sb.len, 0);
	http_redirect(&rs, 303, "/login");
	assert_int_equal(rs.status, 303);
	assert_int_equal(rs.body.len, 0);
	assert_null(rs.content_type);
	assert_string_equal(http_params_get(&rs.headers, "Location"),
			    "/login");
	http_send_empty(&rs, 204);
	assert_int_equal(rs.status, 204);
	strbuf_release(&sb);
	http_response_release(&rs);

	/* The headers every response carries. */
	assert_string_equal(http_security_headers[0][0],
			    "X-Content-Type-Options");
	assert_string_equal(http_security_headers[0][1], "nosniff");
	assert_string_equal(http_security_headers[1][1], "no-referrer");
	assert_string_equal(http_security_headers[2][1], "DENY");
	assert_null(http_security_headers[3][0]);
	assert_non_null(strstr(HTTP_CSP_DEFAULT, "default-src 'self'"));
}

static void
request(struct http_request *rq, const char *type, const char *body)
{
	http_request_init(rq, 64);
	if (type)
		http_params_add(&rq->headers, "Content-Type", type);
	strbuf_addstr(&rq->body, body);
}

static void
test_json_body(void **state)
{
	struct http_request rq;
	struct http_response rs;
	json_t *j;

	(void)state;
	http_response_init(&rs);

	request(&rq, "application/json; charset=utf-8", "{\"a\": [1]}");
	j = http_json_object(&rq, &rs, false);
	assert_non_null(j);
	assert_true(json_is_array(json_object_get(j, "a")));
	assert_int_equal(rs.status, 0);
	json_decref(j);
	http_request_release(&rq);

	/* Media types compare without case or parameters, but whole. */
	request(&rq, "Application/JSON", "{}");
	j = http_json_object(&rq, &rs, false);
	assert_non_null(j);
	json_decref(j);
	http_request_release(&rq);
	request(&rq, "application/jsonx", "{}");
	assert_null(http_json_object(&rq, &rs, false));
	json_decref(error_body(&rs, 415, "unsupported_media_type"));
	http_request_release(&rq);

	request(&rq, NULL, "");
	j = http_json_object(&rq, &rs, true);
	assert_non_null(j);
	assert_int_equal(json_object_size(j), 0);
	json_decref(j);
	assert_null(http_json_object(&rq, &rs, false));
	json_decref(error_body(&rs, 415, "unsupported_media_type"));
	http_request_release(&rq);

	request(&rq, "application/json", "{\"a\": ");
	assert_null(http_json_object(&rq, &rs, false));
	json_decref(error_body(&rs, 400, "bad_request"));
	http_request_release(&rq);

	request(&rq, "application/json", "{\"a\": 1, \"a\": 2}");
	assert_null(http_json_object(&rq, &rs, false));
	json_decref(error_body(&rs, 400, "bad_request"));
	http_request_release(&rq);

	request(&rq, "application/json", "[1, 2]");
	assert_null(http_json_object(&rq, &rs, false));
	json_decref(error_body(&rs, 422, "invalid"));
	http_request_release(&rq);
	http_response_release(&rs);
}

static void
test_body_cap(void **state)
{
	struct http_request rq;

	(void)state;
	http_request_init(&rq, 8);
	assert_int_equal(strbuf_add(&rq.body, "12345678", 8), 0);
	assert_false(rq.body.toobig);
	assert_int_equal(strbuf_add(&rq.body, "9", 1), -1);
	assert_true(rq.body.toobig);
	assert_int_equal(rq.body.len, 8);
	http_request_release(&rq);
}

static void
test_form(void **state)
{
	struct http_request rq;
	struct http_response rs;

	(void)state;
	http_response_init(&rs);
	request(&rq, "application/x-www-form-urlencoded",
		"name=al+ice&password=p%26w");
	assert_true(http_parse_form(&rq, &rs));
	assert_string_equal(http_params_get(&rq.form, "name"), "al ice");
	assert_string_equal(http_params_get(&rq.form, "password"), "p&w");
	http_request_release(&rq);

	request(&rq, "application/json", "name=x");
	assert_false(http_parse_form(&rq, &rs));
	json_decref(error_body(&rs, 415, "unsupported_media_type"));
	http_request_release(&rq);

	request(&rq, "application/x-www-form-urlencoded", "name=%zz");
	assert_false(http_parse_form(&rq, &rs));
	json_decref(error_body(&rs, 400, "bad_request"));
	http_request_release(&rq);
	http_response_release(&rs);
}

static void
test_log_escape(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *longer = xmalloc(HTTP_LOG_FIELD_MAX + 2);

	(void)state;
	http_log_escape(&sb, "GET a b\r\n\x1b[2J\"\\\xc3\xa9\x7f~", true);
	assert_string_equal(sb.buf, "GET\\x20a\\x20b\\x0d\\x0a\\x1b[2J\\x22"
			    "\\x5c\\xc3\\xa9\\x7f~");
	strbuf_reset(&sb);
	/* A message keeps its spaces and its length. */
	http_log_escape(&sb, "no such deal 'a\tb'", false);
	assert_string_equal(sb.buf, "no such deal 'a\\x09b'");
	strbuf_reset(&sb);
	memset(longer, 'a', HTTP_LOG_FIELD_MAX + 1);
	longer[HTTP_LOG_FIELD_MAX + 1] = '\0';
	http_log_escape(&sb, longer, true);
	assert_int_equal(sb.len, HTTP_LOG_FIELD_MAX + 3);
	assert_string_equal(sb.buf + HTTP_LOG_FIELD_MAX, "...");
	strbuf_reset(&sb);
	http_log_escape(&sb, longer, false);
	assert_int_equal(sb.len, HTTP_LOG_FIELD_MAX + 1);
	free(longer);
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_not_utf8),
		cmocka_unit_test(test_responses),
		cmocka_unit_test(test_json_body),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_log_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
