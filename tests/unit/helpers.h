/*
 * Helpers every unit test may use, kept once instead of in each file
 * (git's t/test-lib.sh does the same for its scripts). Include it after
 * the cmocka headers; everything here is static inline, so a test that
 * uses none of it pays nothing.
 */
#ifndef TW_TEST_HELPERS_H
#define TW_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/date.h"

/* The date an ISO 8601 string names, failing the test when it names none;
 * NULL is DATE_NONE, for tables where a date is optional. */
static inline tw_date
D(const char *s)
{
	tw_date d = DATE_NONE;

	if (!s)
		return DATE_NONE;
	assert_int_equal(date_parse(s, &d, NULL), 0);
	return d;
}

/* got, formatted as YYYY-MM-DD, is want. */
static inline void
assert_date(tw_date got, const char *want)
{
	char buf[DATE_BUFSZ];

	assert_string_equal(date_format(got, buf), want);
}

#endif
