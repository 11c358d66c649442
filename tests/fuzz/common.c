/*
 * Helpers linked into every fuzz target (fuzz.h), in both builds. Not named
 * fuzz-*.c: CMake takes every such file for a target.
 */
#include "fuzz.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant broken: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);

	if (nul)
		size = (size_t)(nul - data);
	return xstrndup((const char *)data, size);
}
