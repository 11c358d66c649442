/*
 * Unit tests for src/web/multipart.c: the boundary rules, the parts a
 * browser sends (text fields, files, several files under one name, binary
 * bytes), and every refusal: a body cut short, too many parts, headers
 * too long, a part without a name, a NUL in a text field.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "web/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

static int
parse(const char *body, size_t len, struct multipart *mp,
      struct tw_error *err)
{
	return multipart_parse(body, len, CT, mp, err);
}

static void
test_boundary(void **state)
{
	char b[MULTIPART_BOUNDARY_MAX + 1];
	char long_b[200];

	(void)state;
	assert_int_equal(multipart_boundary(CT, b), 0);
	assert_string_equal(b, "XyZ");
	assert_int_equal(multipart_boundary("Multipart/Form-Data ; charset=x;"
					    " boundary=\"a b:c\"", b), 0);
	assert_string_equal(b, "a b:c");
	/* Not form-data, none, empty, a trailing space, a bad character. */
	assert_int_equal(multipart_boundary("multipart/mixed; boundary=a", b),
			 -1);
	assert_int_equal(multipart_boundary("multipart/form-data", b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=",
					    b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; "
					    "boundary=\"ab \"", b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; "
					    "boundary=\"a<b\"", b), -1);
	assert_int_equal(multipart_boundary("multipart/form-data; boundary=a;"
					    " boundary=b", b), -1);
	assert_int_equal(multipart_boundary(NULL, b), -1);
	/* 70 characters pass, 71 do not. */
	strcpy(long_b, "multipart/form-data; boundary=");
	memset(long_b + strlen(long_b), 'b', 70);
	long_b[30 + 70] = '\0';
	assert_int_equal(multipart_boundary(long_b, b), 0);
	strcat(long_b, "b");
	assert_int_equal(multipart_boundary(long_b, b), -1);
}

static void
test_parts(void **state)
{
	static const char body[] =
		"preamble\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"csrf_token\"\r\n"
		"\r\n"
		"tok\r\n"
		"--XyZ  \r\n"
		"content-disposition: form-data; name=\"plans\"; "
		"filename=\"a.yaml\"\r\n"
		"Content-Type: application/x-yaml\r\n"
		"\r\n"
		"slug: a\r\n\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=plans; "
		"filename=\"b\\\"c.bin\"\r\n"
		"\r\n"
		"\0\1\r\n--Xy\r\n"
		"--XyZ--\r\n"
		"epilogue --XyZ junk";
	struct multipart mp;
	struct tw_error err = { 0 };

	(void)state;
	assert_int_equal(parse(body, sizeof(body) - 1, &mp, &err), 0);
	assert_int_equal(mp.n, 3);
	assert_string_equal(mp.parts[0].name, "csrf_token");
	assert_null(mp.parts[0].filename);
	assert_int_equal(mp.parts[0].len, 3);
	assert_memory_equal(mp.parts[0].data, "tok", 3);
	assert_string_equal(mp.parts[1].name, "plans");
	assert_string_equal(mp.parts[1].filename, "a.yaml");
	assert_string_equal(mp.parts[1].type, "application/x-yaml");
	assert_int_equal(mp.parts[1].len, 9);
	assert_memory_equal(mp.parts[1].data, "slug: a\r\n", 9);
	assert_string_equal(mp.parts[2].filename, "b\"c.bin");
	assert_null(mp.parts[2].type);
	assert_int_equal(mp.parts[2].len, 8);
	assert_memory_equal(mp.parts[2].data, "\0\1\r\n--Xy", 8);
	multipart_release(&mp);

	/* No parts at all. */
	assert_int_equal(parse("--XyZ--", 7, &mp, &err), 0);
	assert_int_equal(mp.n, 0);
	multipart_release(&mp);
}

static void
refused(const char *body, const char *what)
{
	struct multipart mp;
	struct tw_error err = { 0 };

	assert_int_equal(parse(body, strlen(body), &mp, &err), TW_EINPUT);
	assert_non_null(strstr(err.msg, what));
	assert_int_equal(mp.n, 0);
	assert_null(mp.parts);
}

static void
test_refused(void **state)
{
	(void)state;
	refused("", "no boundary delimiter");
	refused("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv",
		"cut short");
	refused("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		"v\r\n--XyZ", "cut short");
	refused("--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
		"v\r\n--XyZx\r\n", "text after a boundary");
	refused("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--",
		"form-data with a name");
	refused("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n"
		"v\r\n--XyZ--", "form-data with a name");
	refused("--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n"
		"\r\nv\r\n--XyZ--", "form-data with a name");
	refused("--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--",
		"without a Content-Disposition");
	refused("--XyZ\r\nno colon\r\n\r\nv\r\n--XyZ--", "has no name");
	refused("--XyZ\r\nContent-Disposition: form-data; name=a\nX: y\r\n"
		"\r\nv\r\n--XyZ--", "control character");
	refused("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n"
		"v\r\n--XyZ--", "form-data with a name");
}

static void
test_nul_in_text(void **state)
{
	static const char body[] = "--XyZ\r\nContent-Disposition: form-data; "
				   "name=a\r\n\r\nx\0y\r\n--XyZ--";
	struct multipart mp;
	struct tw_error err = { 0 };

	(void)state;
	assert_int_equal(parse(body, sizeof(body) - 1, &mp, &err), TW_EINPUT);
	assert_non_null(strstr(err.msg, "NUL"));
}

static void
test_limits(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct multipart mp;
	struct tw_error err = { 0 };

	(void)state;
	for (int i = 0; i < MULTIPART_PARTS_MAX; i++)
		strbuf_addf(&sb, "--XyZ\r\nContent-Disposition: form-data; "
			    "name=f%d\r\n\r\n%d\r\n", i, i);
	strbuf_addstr(&sb, "--XyZ--");
	assert_int_equal(parse(sb.buf, sb.len, &mp, &err), 0);
	assert_int_equal(mp.n, MULTIPART_PARTS_MAX);
	multipart_release(&mp);
	/* One part more. */
	sb.len -= 7;
	strbuf_addstr(&sb, "--XyZ\r\nContent-Disposition: form-data; "
		      "name=last\r\n\r\nx\r\n--XyZ--");
	assert_int_equal(parse(sb.buf, sb.len, &mp, &err), TW_EINPUT);
	assert_non_null(strstr(err.msg, "more than 1000 parts"));

	/* Headers: MULTIPART_HEADER_MAX bytes pass, one more does not. */
	for (size_t extra = 0; extra < 2; extra++) {
		static const char cd[] = "Content-Disposition: form-data; "
					 "name=a\r\nX: ";
		size_t pad = MULTIPART_HEADER_MAX - (sizeof(cd) - 1) - 2 +
			     extra;

		strbuf_release(&sb);
		strbuf_addstr(&sb, "--XyZ\r\n");
		strbuf_addstr(&sb, cd);
		for (size_t i = 0; i < pad; i++)
			strbuf_addch(&sb, 'h');
		strbuf_addstr(&sb, "\r\n\r\nv\r\n--XyZ--");
		if (parse(sb.buf, sb.len, &mp, &err) != (extra ? TW_EINPUT : 0))
			fail_msg("%zu: %s", extra, err.msg);
		if (extra)
			assert_non_null(strstr(err.msg, "headers are longer"));
		multipart_release(&mp);
	}
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_nul_in_text),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
