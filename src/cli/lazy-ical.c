/*
 * The stand-in for the ical module's function (formats/ics-holidays.c):
 * reading a holiday calendar. libical needs ICU, so only the commands that
 * import a calendar load it.
 */
#include "cli/module.h"
#include "formats/ics-holidays.h"

#define FNS(X) X(ics_holidays_read)

MODULE_DEFINE(ical, "ical", "calendar import", FNS);

int
ics_holidays_read(const char *text, size_t len, const char *name, int from,
		  int to, struct ics_holidays *out, struct tw_error *err)
{
	int r = module_load(&ical, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(ical, ics_holidays_read)(text, len, name, from,
						       to, out, err);
}
