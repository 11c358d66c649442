/*
 * Fuzz target: findings as data (store/findings.h). The input is a
 * sequence of verbs on three deals of an in-memory store, settings
 * changes and days passing (tests/fuzz/findings-driver.h). After each
 * step, every evaluation the store keeps as valid must be what the rules
 * compute for every day it covers, and check must report what a full
 * re-evaluation does; an abort() when not.
 */
#include "fuzz.h"

#include <stdarg.h>

#include "findings-driver.h"

static void
fdrv_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fuzz_fail("%s", msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store *st;
	struct tw_error err = { 0 };

	if (store_open(&st, ":memory:", STORE_CREATE, "fuzz", &err))
		fuzz_fail("store_open: %s", err.msg);
	fdrv_run_all(st, data, size);
	store_close(st);
	return 0;
}
