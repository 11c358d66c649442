/*
 * Fuzz target: date and duration parsing (core/date.h) and the CRM date
 * cells (formats/csv-import.h). The input is whitespace-separated words;
 * each goes through every parser. Invariants, each an abort() when broken:
 *   - a date that parses formats back to exactly the same text, and
 *     date_from_ymd(date_to_ymd(d)) == d;
 *   - a duration that parses formats back to exactly the same text;
 *   - a CRM date that parses is a real date, with the same value whether
 *     it is read again in ISO form;
 *   - with the first date d, the later dates as holidays and each
 *     duration: d + n bd is what stepping one day at a time gives,
 *     "business days between" d and it is n, and (d + n bd) - n bd = d
 *     when d is a business day (DESIGN.md); days and weeks subtract back.
 */
#include "fuzz.h"

#include "core/date.h"
#include "formats/csv-import.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define DATE_MAX_ORDINAL 3652059	/* 9999-12-31 */
/* Stepping day by day is slow: compare against it for shorter spans only. */
#define NAIVE_MAX 800

static void
check_date_word(const char *w, tw_date *first, tw_date *hol, size_t *nhol)
{
	char buf[DATE_BUFSZ];
	struct tw_error err = { 0 };
	tw_date d;
	int y, m, day;

	if (date_parse(w, &d, &err)) {
		if (err.code != TW_EINPUT || !err.msg[0])
			fuzz_fail("date_parse('%s') failed without a message", w);
		return;
	}
	if (d < 1 || d > DATE_MAX_ORDINAL)
		fuzz_fail("date_parse('%s') gave ordinal %d", w, d);
	if (strcmp(date_format(d, buf), w))
		fuzz_fail("date '%s' formats as '%s'", w, buf);
	date_to_ymd(d, &y, &m, &day);
	if (date_from_ymd(y, m, day) != d)
		fuzz_fail("date '%s' does not survive ymd", w);
	if (date_weekday(d) < 0 || date_weekday(d) > 6)
		fuzz_fail("date '%s' has weekday %d", w, date_weekday(d));
	if (*first == DATE_NONE)
		*first = d;
	else if (*nhol < 64)
		hol[(*nhol)++] = d;
}

static void
check_crm_word(const char *w)
{
	enum crm_date_order orders[] = { CRM_MDY, CRM_DMY };
	char buf[DATE_BUFSZ];
	tw_date d, again;

	for (size_t i = 0; i < 2; i++) {
		if (crm_parse_date(w, orders[i], &d))
			continue;
		if (!date_format(d, buf)[0])
			fuzz_fail("crm date '%s' gave ordinal %d", w, d);
		if (crm_parse_date(buf, orders[i], &again) || again != d)
			fuzz_fail("crm date '%s' is %s, which reads back as "
				  "something else", w, buf);
	}
}

/* The definition in DESIGN.md: one day at a time. */
static tw_date
naive_add_bdays(tw_date d, int n, const struct holidays *h)
{
	int step = n < 0 ? -1 : 1;

	for (int left = abs(n); left > 0;) {
		d += step;
		if (date_is_business_day(d, h))
			left--;
	}
	return d;
}

static void
check_arith(tw_date d, const struct duration *dur, const struct holidays *h)
{
	char buf[DATE_BUFSZ], dbuf[DURATION_BUFSZ];
	tw_date end = date_add_duration(d, dur, h);
	tw_date back = date_sub_duration(end, dur, h);
	int n = dur->n;

	date_format(d, buf);
	duration_format(dur, dbuf);
	if (duration_days_from(d, dur, h) != end - d)
		fuzz_fail("%s + %s: duration_days_from disagrees", buf, dbuf);
	if (dur->unit != DUR_BDAYS) {
		if (back != d)
			fuzz_fail("%s + %s - %s is not %s", buf, dbuf, dbuf, buf);
		return;
	}
	if (n <= NAIVE_MAX) {
		if (end != naive_add_bdays(d, n, h))
			fuzz_fail("%s + %s: %d, stepping gives %d", buf, dbuf,
				  end, naive_add_bdays(d, n, h));
		if (date_sub_duration(d, dur, h) != naive_add_bdays(d, -n, h))
			fuzz_fail("%s - %s differs from stepping", buf, dbuf);
	}
	if (n > 0 && !date_is_business_day(end, h))
		fuzz_fail("%s + %s is not a business day", buf, dbuf);
	if (date_bdays_between(d, end, h) != n)
		fuzz_fail("business days from %s to %s + %s: %d", buf, buf,
			  dbuf, date_bdays_between(d, end, h));
	if (date_is_business_day(d, h) && back != d)
		fuzz_fail("(%s + %s) - %s is not %s", buf, dbuf, dbuf, buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), *save = NULL, *w;
	struct duration durs[16];
	size_t ndur = 0, nhol = 0;
	tw_date first = DATE_NONE, hol[64];
	struct holidays h;

	for (w = strtok_r(text, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save)) {
		struct duration dur;
		char buf[DURATION_BUFSZ];

		check_date_word(w, &first, hol, &nhol);
		check_crm_word(w);
		if (duration_parse(w, &dur, NULL))
			continue;
		if (strcmp(duration_format(&dur, buf), w))
			fuzz_fail("duration '%s' formats as '%s'", w, buf);
		if (ndur < 16)
			durs[ndur++] = dur;
	}
	nhol = holidays_normalize(hol, nhol);
	h.days = hol;
	h.n = nhol;
	/* Stay clear of the ends of the calendar, which no deal comes near. */
	if (first != DATE_NONE && first > 40000 && first < 3600000) {
		for (size_t i = 0; i < ndur; i++) {
			check_arith(first, &durs[i], NULL);
			check_arith(first, &durs[i], &h);
		}
	}
	free(text);
	return 0;
}
