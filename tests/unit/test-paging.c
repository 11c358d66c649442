/*
 * Unit tests for src/web/paging.c: a cursor reads back as the fields it
 * was made of, whatever bytes they hold; what no list made (bad base64,
 * padding, too many fields, too long) is refused; an id cursor holds one
 * positive number; limit takes whole numbers from 1 to the maximum only;
 * the next page's URL keeps the query, escaped, with the cursor replaced.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "web/paging.h"

static void
roundtrip(const char *const *fields, size_t n)
{
	struct paging_cursor c;
	char *text = paging_cursor_make(fields, n);

	/* URL-safe: nothing to escape in a query. */
	assert_int_equal(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
				      "klmnopqrstuvwxyz0123456789-_"),
			 strlen(text));
	assert_int_equal(paging_cursor_parse(text, &c), 0);
	assert_int_equal(c.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(c.field[i], fields[i]);
	paging_cursor_release(&c);
	free(text);
}

static void
test_cursor_roundtrip(void **state)
{
	const char *const urgency[] = { "0", "2026-05-29", "58690" };
	const char *const value[] = { "-180000.5", "acme" };
	const char *const odd[] = { "a&b=c?/+ é", "", "x" };
	const char *const one[] = { "deal-000001" };

	(void)state;
	roundtrip(urgency, 3);
	roundtrip(value, 2);
	roundtrip(odd, 3);
	roundtrip(one, 1);
}

static void
test_cursor_refused(void **state)
{
	const char *const many[] = { "1", "2", "3", "4", "5", "6", "7", "8",
		"9" };
	struct paging_cursor c;
	char *text = paging_cursor_make(many, 9);
	char *big = malloc(PAGING_CURSOR_MAX + 2);

	(void)state;
	assert_int_equal(paging_cursor_parse(text, &c), -1);
	paging_cursor_release(&c);
	free(text);
	assert_int_equal(paging_cursor_parse("", &c), -1);
	paging_cursor_release(&c);
	assert_int_equal(paging_cursor_parse("YWJj=", &c), -1);	/* padded */
	paging_cursor_release(&c);
	assert_int_equal(paging_cursor_parse("YW+j", &c), -1);	/* not URL-safe */
	paging_cursor_release(&c);
	assert_int_equal(paging_cursor_parse("a b", &c), -1);
	paging_cursor_release(&c);
	memset(big, 'A', PAGING_CURSOR_MAX + 1);
	big[PAGING_CURSOR_MAX + 1] = '\0';
	assert_int_equal(paging_cursor_parse(big, &c), -1);
	paging_cursor_release(&c);
	free(big);
}

static void
test_cursor_id(void **state)
{
	const char *const two[] = { "5", "6" };
	const char *const bad[] = { "0", "-5", "5x", "",
		"1234567890123456789" };
	char *text = paging_cursor_of_id(1234);
	long long id;

	(void)state;
	assert_int_equal(paging_cursor_id_parse(text, &id), 0);
	assert_int_equal(id, 1234);
	free(text);
	/* A raw number, as the cursors before paging.c were, is refused. */
	assert_int_equal(paging_cursor_id_parse("1234", &id), -1);
	text = paging_cursor_make(two, 2);
	assert_int_equal(paging_cursor_id_parse(text, &id), -1);
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		text = paging_cursor_make(&bad[i], 1);
		assert_int_equal(paging_cursor_id_parse(text, &id), -1);
		assert_int_equal(id, 0);
		free(text);
	}
}

static unsigned
limit_of(const char *value, size_t *out)
{
	struct http_request rq;
	struct http_response rs;
	unsigned status;

	http_request_init(&rq, 0);
	http_response_init(&rs);
	if (value)
		http_params_add(&rq.query, "limit", value);
	status = paging_limit(&rq, &rs, 100, 1000, out) ? 200 : rs.status;
	http_response_release(&rs);
	http_request_release(&rq);
	return status;
}

static void
test_limit(void **state)
{
	static const char *const bad[] = { "0", "1001", "-1", "+5", "1.5",
		"", "ten", "99999999999999999999", " 5", "5 " };
	size_t n;

	(void)state;
	assert_int_equal(limit_of(NULL, &n), 200);
	assert_int_equal(n, 100);
	assert_int_equal(limit_of("1", &n), 200);
	assert_int_equal(n, 1);
	assert_int_equal(limit_of("1000", &n), 200);
	assert_int_equal(n, 1000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(limit_of(bad[i], &n), 400);
}

static void
test_next_url(void **state)
{
	struct http_request rq;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	http_request_init(&rq, 0);
	rq.path = strdup("/api/deals");
	http_params_add(&rq.query, "se", "Kim Lee");
	http_params_add(&rq.query, "cursor", "old");
	http_params_add(&rq.query, "q", "a&b");
	paging_next_url(&sb, &rq, "NEW");
	assert_string_equal(sb.buf,
			    "/api/deals?se=Kim%20Lee&q=a%26b&cursor=NEW");
	strbuf_release(&sb);
	http_request_release(&rq);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor_roundtrip),
		cmocka_unit_test(test_cursor_refused),
		cmocka_unit_test(test_cursor_id),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_next_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
