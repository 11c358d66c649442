/*
 * Route matching (web/router.h): literal segments and captures, captures
 * inside a segment ("summary.{format}"), decoding per segment, which route
 * wins when several match, 405 with the Allow list, what the access log
 * may show of a path that holds a secret, and the API's own route table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "web/api.h"
#include "web/pages.h"
#include "web/router.h"

/* Handlers are only compared by address here. */
static void
h_list(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_new(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_show(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_create(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_measure(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_doc(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_root(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

static void
h_other(struct http_request *rq, struct http_response *rs)
{
	(void)rq;
	(void)rs;
}

/* The capture route comes first: specificity, not order, decides. */
static const struct route table[] = {
	{ "GET", "/deals/{slug}", h_show, ROLE_VIEWER, 0 },
	{ "GET", "/deals", h_list, ROLE_VIEWER, 0 },
	{ "POST", "/deals", h_create, ROLE_EDITOR, 0 },
	{ "GET", "/deals/new", h_new, ROLE_EDITOR, ROUTE_PAGE },
	{ "POST", "/deals/{slug}/criteria/{key}/measurements", h_measure,
	  ROLE_EDITOR, 0 },
	{ "GET", "/deals/{slug}/summary.{format}", h_doc, ROLE_VIEWER, 0 },
	{ "GET", "/", h_root, ROLE_VIEWER, ROUTE_PAGE },
	{ NULL, NULL, NULL, 0, 0 },
};

/* A second table, as another part of the server would add. */
static const struct route table2[] = {
	{ "DELETE", "/deals/{slug}", h_other, ROLE_EDITOR, 0 },
	{ "GET", "/deals/{id}", h_other, ROLE_VIEWER, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

struct fixture {
	struct router r;
	struct route_match m;
};

static int
setup(void **state)
{
	static struct fixture fx;

	router_init(&fx.r);
	router_add(&fx.r, table);
	router_add(&fx.r, table2);
	route_match_init(&fx.m);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	route_match_release(&fx->m);
	router_release(&fx->r);
	return 0;
}

static enum route_result
match(struct fixture *fx, const char *method, const char *path)
{
	route_match_release(&fx->m);
	route_match_init(&fx->m);
	return router_match(&fx->r, method, path, &fx->m);
}

static void
test_literal_and_capture(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(match(fx, "GET", "/deals"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_list);
	assert_int_equal(fx->m.params.n, 0);
	assert_int_equal(match(fx, "POST", "/deals"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_create);

	assert_int_equal(match(fx, "GET", "/deals/acme"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_show);
	assert_int_equal(fx->m.params.n, 1);
	assert_string_equal(http_params_get(&fx->m.params, "slug"), "acme");

	assert_int_equal(match(fx, "POST",
			       "/deals/acme/criteria/p95/measurements"),
			 ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_measure);
	assert_string_equal(http_params_get(&fx->m.params, "slug"), "acme");
	assert_string_equal(http_params_get(&fx->m.params, "key"), "p95");

	assert_int_equal(match(fx, "GET", "/"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_root);
}

static void
test_capture_in_segment(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(match(fx, "GET", "/deals/acme/summary.pdf"),
			 ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_doc);
	assert_string_equal(http_params_get(&fx->m.params, "format"), "pdf");
	assert_int_equal(match(fx, "GET", "/deals/acme/summary.tar.gz"),
			 ROUTE_FOUND);
	assert_string_equal(http_params_get(&fx->m.params, "format"),
			    "tar.gz");
	/* The capture may not be empty, nor the literal part missing. */
	assert_int_equal(match(fx, "GET", "/deals/acme/summary."),
			 ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "/deals/acme/summary"),
			 ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "/deals/acme/report.md"),
			 ROUTE_NOT_FOUND);
}

static void
test_decoding(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(match(fx, "GET", "/deals/a%20b"), ROUTE_FOUND);
	assert_string_equal(http_params_get(&fx->m.params, "slug"), "a b");
	/* An escaped slash stays inside its segment. */
	assert_int_equal(match(fx, "GET", "/deals/a%2Fb"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_show);
	assert_string_equal(http_params_get(&fx->m.params, "slug"), "a/b");
	/* Literal segments match decoded. */
	assert_int_equal(match(fx, "GET", "/%64eals"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_list);
	/* '+' in a path is a plus. */
	assert_int_equal(match(fx, "GET", "/deals/a+b"), ROUTE_FOUND);
	assert_string_equal(http_params_get(&fx->m.params, "slug"), "a+b");
	assert_int_equal(match(fx, "GET", "/deals/%zz"), ROUTE_BAD_PATH);
	assert_int_equal(match(fx, "GET", "/deals/a%00"), ROUTE_BAD_PATH);
}

static void
test_precedence(void **state)
{
	struct fixture *fx = *state;

	/* "/deals/new" has more literal text than "/deals/{slug}". */
	assert_int_equal(match(fx, "GET", "/deals/new"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_new);
	assert_true(fx->m.route->flags & ROUTE_PAGE);
	/* Equal specificity: the route added first wins. */
	assert_int_equal(match(fx, "GET", "/deals/x"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_show);
	/* A method only the second table has. */
	assert_int_equal(match(fx, "DELETE", "/deals/x"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_other);
}

static void
test_not_found_and_methods(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(match(fx, "GET", "/nothing"), ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "/deals/"), ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "/deals//x"), ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "/deals/a/b"), ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", "deals"), ROUTE_NOT_FOUND);
	assert_int_equal(match(fx, "GET", ""), ROUTE_NOT_FOUND);

	/* HEAD goes where GET goes. */
	assert_int_equal(match(fx, "HEAD", "/deals"), ROUTE_FOUND);
	assert_ptr_equal(fx->m.route->fn, h_list);
	assert_int_equal(match(fx, "POST", "/deals/new/criteria"),
			 ROUTE_NOT_FOUND);

	assert_int_equal(match(fx, "PUT", "/deals"), ROUTE_BAD_METHOD);
	assert_null(fx->m.route);
	assert_string_equal(fx->m.allow.buf, "GET, HEAD, POST");
	/* Each method once, whichever routes brought it. */
	assert_int_equal(match(fx, "PATCH", "/deals/new"), ROUTE_BAD_METHOD);
	assert_string_equal(fx->m.allow.buf, "GET, HEAD, DELETE");
	/* Methods are case-sensitive, as HTTP says. */
	assert_int_equal(match(fx, "get", "/deals"), ROUTE_BAD_METHOD);
}

static void
test_pattern_valid(void **state)
{
	(void)state;
	assert_true(route_pattern_valid("/"));
	assert_true(route_pattern_valid("/api/deals"));
	assert_true(route_pattern_valid("/api/deals/{slug}"));
	assert_true(route_pattern_valid("/a/pre{name}.suf/{key}"));
	assert_false(route_pattern_valid(NULL));
	assert_false(route_pattern_valid(""));
	assert_false(route_pattern_valid("api"));
	assert_false(route_pattern_valid("/api/"));
	assert_false(route_pattern_valid("//api"));
	assert_false(route_pattern_valid("/{}"));
	assert_false(route_pattern_valid("/{Slug}"));
	assert_false(route_pattern_valid("/{a}{b}"));
	assert_false(route_pattern_valid("/{a"));
	assert_false(route_pattern_valid("/a}"));
}

/* The tables the server serves: well formed, no route twice. */
static void
check_table(const struct route *t)
{
	static const char *const methods[] = { "GET", "POST", "PATCH",
		"DELETE", "PUT" };

	for (const struct route *r = t; r->pattern; r++) {
		bool known = false;

		assert_true(route_pattern_valid(r->pattern));
		assert_non_null(r->fn);
		for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
			known |= !strcmp(methods[i], r->method);
		assert_true(known);
		/* Reads are open to viewers, writes are not. */
		if (!(r->flags & ROUTE_PUBLIC) && strcmp(r->pattern, "/logout"))
			assert_int_equal(r->role, strcmp(r->method, "GET")
							  ? ROLE_EDITOR
							  : ROLE_VIEWER);
		for (const struct route *o = t; o < r; o++)
			assert_false(!strcmp(o->method, r->method) &&
				     !strcmp(o->pattern, r->pattern));
	}
}

static void
test_api_table(void **state)
{
	struct router r;
	struct route_match m;

	(void)state;
	check_table(api_routes);
	check_table(login_routes);
	router_init(&r);
	router_add(&r, api_routes);
	router_add(&r, login_routes);
	route_match_init(&m);
	assert_int_equal(router_match(&r, "GET", "/api/calendar.ics", &m),
			 ROUTE_FOUND);
	assert_true(m.route->flags & ROUTE_QUERY_TOKEN);
	route_match_release(&m);
	route_match_init(&m);
	assert_int_equal(router_match(&r, "GET",
				      "/api/deals/acme/calendar.ics", &m),
			 ROUTE_FOUND);
	assert_true(m.route->flags & ROUTE_QUERY_TOKEN);
	assert_string_equal(http_params_get(&m.params, "slug"), "acme");
	route_match_release(&m);
	/* No other route takes ?token=. */
	for (const struct route *t = api_routes; t->pattern; t++)
		if (t->flags & ROUTE_QUERY_TOKEN)
			assert_non_null(strstr(t->pattern, "calendar.ics"));
	route_match_init(&m);
	assert_int_equal(router_match(&r, "POST", "/login", &m), ROUTE_FOUND);
	assert_true(m.route->flags & ROUTE_PUBLIC);
	route_match_release(&m);
	router_release(&r);
}

/* What of a path under a ROUTE_SECRET_PATH route the log may show. */
static void
test_secret_prefix(void **state)
{
	static const struct route secret[] = {
		{ "GET", "/links/open/{token}", h_other, ROLE_VIEWER,
		  ROUTE_PUBLIC | ROUTE_SECRET_PATH },
		{ "GET", "/links/list", h_list, ROLE_VIEWER, 0 },
		{ NULL, NULL, NULL, 0, 0 },
	};
	static const char *const under[] = {
		"/links/open/s3cret", "/links/open/s3cret/x", "/links/open/",
		"/links/open", "//links//open/s3cret", "/Links/OPEN/s3cret",
		"/%6cinks/open/s3cret", "/links/open/s3cret%zz",
		"/links/open/s3cret/..", "/x/../links/open/s3cret",
		"/./links/%2e/open/s3cret", "/links/x/%2E%2E/open/s3cret",
		"/../links/open/s3cret",
	};
	static const char *const not_under[] = {
		"/links/list", "/links", "/links/opened/s3cret", "/open/s3cret",
		"/x/links/open/s3cret", "/links/op%zzen/s3cret", "/",
		"/links/open/../../links/list", "/links/../open/s3cret",
		"/links/open/../x",
	};
	struct router r;
	const char *pattern = NULL;

	(void)state;
	router_init(&r);
	router_add(&r, table);
	router_add(&r, secret);
	for (size_t i = 0; i < sizeof(under) / sizeof(*under); i++) {
		pattern = NULL;
		assert_int_equal(router_secret_prefix(&r, under[i], &pattern),
				 strlen("/links/open/"));
		assert_string_equal(pattern, "/links/open/{token}");
	}
	for (size_t i = 0; i < sizeof(not_under) / sizeof(*not_under); i++)
		assert_int_equal(router_secret_prefix(&r, not_under[i],
						      &pattern),
				 0);
	router_release(&r);

	/*
	 * The share page and its forms are such routes, and the only ones:
	 * each shows in a log as /share/ and the link's number.
	 */
	router_init(&r);
	router_add(&r, api_routes);
	router_add(&r, page_routes);
	router_add(&r, login_routes);
	assert_int_equal(router_secret_prefix(&r, "/share/tok", &pattern),
			 strlen("/share/"));
	assert_int_equal(router_secret_prefix(&r, "/share/tok/done",
					      &pattern),
			 strlen("/share/"));
	assert_true(!strncmp(pattern, "/share/{token}", 14));
	for (const struct route *t = page_routes; t->pattern; t++)
		if (t->flags & ROUTE_SECRET_PATH)
			assert_true(!strncmp(t->pattern, "/share/{token}",
					     14));
	router_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_literal_and_capture,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_capture_in_segment, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_decoding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_precedence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_found_and_methods,
						setup, teardown),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_api_table),
		cmocka_unit_test(test_secret_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
