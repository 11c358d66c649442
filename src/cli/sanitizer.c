/*
 * LeakSanitizer defaults for every program of a sanitizer build: techwin,
 * the unit tests and the fuzz targets (TW_SANITIZE=ON adds this file to
 * each; CMakeLists.txt). fontconfig keeps its configuration cache until
 * exit, in memory LeakSanitizer cannot see into (in techwin it is loaded
 * with the cairo module), so it would be reported as a leak. It is
 * suppressed here as in tests/lsan.supp, so a plain ctest in the ASan build
 * passes, and the suppression's statistics are not printed, so golden
 * transcripts of PDF and PNG commands stay the same. LeakSanitizer looks
 * these hooks up in the executable only: a module's would not count.
 */
const char *__lsan_default_options(void);
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
