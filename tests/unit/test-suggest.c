/*
 * Unit tests for src/util/suggest.c: the bounded edit distance and the
 * "did you mean" it gives for unknown names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/suggest.h"

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("list", "list", 2), 0);
	assert_int_equal(edit_distance("lst", "list", 2), 1);
	assert_int_equal(edit_distance("acount", "account", 2), 1);
	assert_int_equal(edit_distance("kitten", "sitting", 5), 3);
	assert_int_equal(edit_distance("", "abc", 5), 3);
	assert_int_equal(edit_distance("abc", "", 5), 3);
	/* Past the bound: max + 1, however far. */
	assert_int_equal(edit_distance("kitten", "sitting", 2), 3);
	assert_int_equal(edit_distance("a", "abcdefgh", 2), 3);
	assert_int_equal(edit_distance("abcdefgh", "hgfedcba", 2), 3);
	/* A swap of neighbours is one edit. */
	assert_int_equal(edit_distance("tilte", "title", 2), 1);
	assert_int_equal(edit_distance("ab", "ba", 2), 1);
}

static const char *
best(const char *word, const char *const *cands)
{
	static struct suggest s;

	suggest_init(&s, word);
	for (; *cands; cands++)
		suggest_add(&s, *cands);
	return s.best;
}

static void
test_suggest(void **state)
{
	static const char *const subs[] = { "add", "list", "show", "set",
					    "close", "reopen", "rm", "rename",
					    NULL };
	static const char *const fields[] = { "account", "stage", "value",
					      "procurement_days", NULL };
	char buf[64];
	struct suggest s;

	(void)state;
	assert_string_equal(best("lst", subs), "list");
	assert_string_equal(best("shwo", subs), "show");
	assert_string_equal(best("renmae", subs), "rename");
	assert_string_equal(best("acount", fields), "account");
	assert_string_equal(best("procurement-days", fields),
			    "procurement_days");
	/* The nearest wins; ties keep the first. */
	assert_string_equal(best("sat", subs), "set");
	/* Too far, or too short to tell: nothing. */
	assert_null(best("frobnicate", subs));
	assert_null(best("xy", subs));
	assert_null(best("value", (const char *const[]){ "value", NULL }));

	suggest_init(&s, "acount");
	suggest_add(&s, NULL);
	suggest_add(&s, "account");
	assert_string_equal(suggest_text(&s, buf, sizeof(buf)),
			    " (did you mean 'account'?)");
	suggest_init(&s, "zzz");
	suggest_add(&s, "account");
	assert_string_equal(suggest_text(&s, buf, sizeof(buf)), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_suggest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
