/*
 * Unit tests for src/util/strbuf.c: appending formatted text must give the
 * same bytes whether it fits in the spare room, fits exactly, or needs the
 * buffer to grow, starting from an empty (unallocated) buffer or not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"

static void
test_addf_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(strbuf_addf(&sb, "%s=%d", "n", 42), 0);
	assert_string_equal(sb.buf, "n=42");
	assert_int_equal(sb.len, 4);
	strbuf_release(&sb);
}

static void
test_addf_appends(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	int i;

	(void)state;
	strbuf_addstr(&sb, "[");
	for (i = 0; i < 1000; i++)
		assert_int_equal(strbuf_addf(&sb, "%d,", i % 10), 0);
	strbuf_addstr(&sb, "]");
	assert_int_equal(sb.len, 2002);
	assert_int_equal(strlen(sb.buf), sb.len);
	assert_memory_equal(sb.buf, "[0,1,2,", 7);
	assert_memory_equal(sb.buf + 1989, "4,5,6,7,8,9,]", 13);
	strbuf_release(&sb);
}

/*
 * Every length around the spare room's size: text that fits with its
 * terminating NUL is written in one go, one byte more must grow the
 * buffer, and either way the whole text must arrive.
 */
static void
test_addf_boundaries(void **state)
{
	char text[128];
	size_t hint, len;

	(void)state;
	memset(text, 'y', sizeof(text));
	for (hint = 2; hint < 70; hint++) {
		for (len = 0; len < hint + 4; len++) {
			struct strbuf sb;

			strbuf_init(&sb, hint);
			strbuf_addstr(&sb, "ab");
			assert_int_equal(strbuf_addf(&sb, "%.*s", (int)len,
						     text), 0);
			assert_int_equal(sb.len, len + 2);
			assert_int_equal(strlen(sb.buf), len + 2);
			assert_memory_equal(sb.buf, "ab", 2);
			assert_memory_equal(sb.buf + 2, text, len);
			strbuf_release(&sb);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addf_empty),
		cmocka_unit_test(test_addf_appends),
		cmocka_unit_test(test_addf_boundaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
