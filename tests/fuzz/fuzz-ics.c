/*
 * Fuzz target: the holiday calendar reader (formats/ics-holidays.h). The
 * first byte picks the years asked for (from 2020 + its low 3 bits, over
 * 1 + its next 3 bits years); the rest is the calendar. Invariants, each
 * an abort() when broken:
 *   - a refused calendar gets a message that starts with the file's name
 *     and a line number, and holds no days;
 *   - the days of an accepted one are sorted, unique and within the years
 *     asked for;
 *   - reading the same text again gives the same days (no hidden state in
 *     libical's iterators).
 */
#include "fuzz.h"

#include "formats/ics-holidays.h"

#include <stdio.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ics_holidays h = { 0 }, again = { 0 };
	struct tw_error err = { 0 };
	int from, to, r, line;

	if (size < 1)
		return 0;
	from = 2020 + (data[0] & 7);
	to = from + ((data[0] >> 3) & 7);
	r = ics_holidays_read((const char *)data + 1, size - 1, "h.ics", from,
			      to, &h, &err);
	if (r < 0) {
		if (h.days || h.n)
			fuzz_fail("a refused calendar holds %zu days", h.n);
		if (sscanf(err.msg, "h.ics:%d:", &line) != 1 || line < 1)
			fuzz_fail("refusal without its line: '%s'", err.msg);
		return 0;
	}
	for (size_t i = 0; i < h.n; i++) {
		int y, m, d;

		date_to_ymd(h.days[i], &y, &m, &d);
		if (y < from || y > to)
			fuzz_fail("day %zu is in %d, outside %d-%d", i, y,
				  from, to);
		if (i && h.days[i] <= h.days[i - 1])
			fuzz_fail("days %zu and %zu out of order", i - 1, i);
	}
	if (ics_holidays_read((const char *)data + 1, size - 1, "h.ics", from,
			      to, &again, &err) < 0)
		fuzz_fail("the second read refused: %s", err.msg);
	if (again.n != h.n || (h.n && memcmp(again.days, h.days,
					      h.n * sizeof(*h.days))))
		fuzz_fail("the second read gave other days");
	ics_holidays_release(&h);
	ics_holidays_release(&again);
	return 0;
}
