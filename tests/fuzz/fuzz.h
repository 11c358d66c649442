/*
 * What every fuzz target shares: the libFuzzer entry points (declared here
 * so -Wmissing-prototypes holds), and fuzz_fail() for a broken invariant.
 * A target is built twice: with -fsanitize=fuzzer by tests/fuzz/run, and
 * with standalone.c as a plain program that replays files under ctest.
 */
#ifndef TW_FUZZ_H
#define TW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional per target: one-time set-up before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/*
 * An invariant does not hold: print why and abort(), which both libFuzzer
 * and ctest report as a crash of this input.
 */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2),
						    noreturn));

/* data[0..size) as a NUL-terminated string (cut at the first NUL). */
char *fuzz_cstr(const uint8_t *data, size_t size);

#endif
