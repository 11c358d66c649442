/*
 * LeakSanitizer defaults for techwin in sanitizer builds (TW_SANITIZE=ON
 * adds this file; CMakeLists.txt). fontconfig keeps its configuration
 * cache until exit; since pango and fontconfig are loaded with the cairo
 * module (module.c), LeakSanitizer no longer finds that cache reachable and
 * calls it a leak. It is suppressed here as in tests/lsan.supp, so a plain
 * ctest in the ASan build passes, and the suppression's statistics are not
 * printed, so golden transcripts of PDF and PNG commands stay the same.
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
