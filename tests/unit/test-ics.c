/*
 * Unit tests for src/render/ics.c: the calendar is parsed back with libical
 * (no parser error, no X-LIC-ERROR, every VEVENT complete), and the raw
 * bytes are checked for what libical forgives: CRLF only, 75-octet lines
 * folded on UTF-8 boundaries, escaping that round-trips, stable UIDs. The
 * war-story deal (examples/lakeshore-retail.yaml) gives the seed's dates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/plan.h"
#include "render/ics.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* 2026-11-26T12:00:00Z */
#define STAMP ((time_t)1795694400)

/* ---- the raw bytes ---- */

/* Length of the UTF-8 sequence a lead byte starts; 0 for a bad lead. */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 0;
}

/* s[0..n) is whole, well-formed UTF-8 (no sequence cut at either end). */
static void
assert_utf8_whole(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_len((unsigned char)s[i]);

		if (!len)
			fail_msg("line starts inside a UTF-8 sequence: '%.*s'",
				 (int)n, s);
		if (i + len > n)
			fail_msg("UTF-8 sequence split at a fold: '%.*s'",
				 (int)n, s);
		for (size_t k = 1; k < len; k++)
			assert_int_equal((unsigned char)s[i + k] & 0xC0, 0x80);
		i += len;
	}
}

/*
 * Every line ends in CRLF (no bare CR or LF anywhere), none is longer than
 * 75 octets, none is empty, and each one is whole UTF-8 on its own.
 */
static void
assert_raw_lines(const char *ics, size_t len)
{
	size_t start = 0;

	assert_true(len >= 2);
	assert_memory_equal(ics + len - 2, "\r\n", 2);
	for (size_t i = 0; i < len; i++) {
		if (ics[i] == '\r') {
			if (i + 1 >= len || ics[i + 1] != '\n')
				fail_msg("bare CR at offset %zu", i);
			if (i - start > 75)
				fail_msg("line of %zu octets: '%.*s'",
					 i - start, (int)(i - start),
					 ics + start);
			assert_true(i > start);
			assert_utf8_whole(ics + start, i - start);
			i++;
			start = i + 1;
		} else if (ics[i] == '\n') {
			fail_msg("bare LF at offset %zu", i);
		}
	}
	assert_int_equal(start, len);
}

/* RFC 5545 unfolding: drop every CRLF followed by one space or tab. */
static char *
unfold(const char *ics)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = ics; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' &&
		    (p[2] == ' ' || p[2] == '\t'))
			p += 2;
		else
			strbuf_addch(&sb, *p);
	}
	return strbuf_detach(&sb, NULL);
}

/* ---- parsing back with libical ---- */

/*
 * Parse ics, failing on a parser error, any X-LIC-ERROR (libical's way of
 * reporting a bad line or value) or a broken RFC 5545 restriction.
 */
static icalcomponent *
parse_ok(const char *ics)
{
	icalcomponent *cal;

	icalerror_clear_errno();
	cal = icalparser_parse_string(ics);
	if (!cal)
		fail_msg("libical could not parse:\n%s", ics);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	if (icalcomponent_count_errors(cal))
		fail_msg("X-LIC-ERROR in:\n%s",
			 icalcomponent_as_ical_string(cal));
	if (!icalrestriction_check(cal))
		fail_msg("restriction broken:\n%s",
			 icalcomponent_as_ical_string(cal));
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	return cal;
}

static void
assert_ymd(struct icaltimetype t, const char *want)
{
	int y, m, d;

	date_to_ymd(D(want), &y, &m, &d);
	assert_true(t.is_date);
	assert_int_equal(t.year, y);
	assert_int_equal(t.month, m);
	assert_int_equal(t.day, d);
}

/* Every VEVENT has UID, DTSTAMP, DTSTART, DTEND and SUMMARY; all-day. */
static size_t
check_vevents(icalcomponent *cal)
{
	size_t n = 0;

	for (icalcomponent *ev =
		     icalcomponent_get_first_component(cal,
						       ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(
			 cal, ICAL_VEVENT_COMPONENT)) {
		static const icalproperty_kind need[] = {
			ICAL_UID_PROPERTY, ICAL_DTSTAMP_PROPERTY,
			ICAL_DTSTART_PROPERTY, ICAL_DTEND_PROPERTY,
			ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,
		};
		struct icaltimetype s, e;

		for (size_t i = 0; i < ARRAY_SIZE(need); i++)
			if (icalcomponent_count_properties(ev, need[i]) != 1)
				fail_msg("VEVENT without exactly one %s:\n%s",
					 icalproperty_kind_to_string(need[i]),
					 icalcomponent_as_ical_string(ev));
		s = icalcomponent_get_dtstart(ev);
		e = icalcomponent_get_dtend(ev);
		assert_true(s.is_date);
		assert_true(e.is_date);
		icaltime_adjust(&s, 1, 0, 0, 0);
		assert_int_equal(icaltime_compare_date_only(s, e), 0);
		assert_true(icaltime_is_utc(icalcomponent_get_dtstamp(ev)));
		n++;
	}
	return n;
}

static icalcomponent *
find_uid(icalcomponent *cal, const char *uid)
{
	for (icalcomponent *ev =
		     icalcomponent_get_first_component(cal,
						       ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(
			 cal, ICAL_VEVENT_COMPONENT))
		if (!strcmp(icalcomponent_get_uid(ev), uid))
			return ev;
	return NULL;
}

static icalcomponent *
need_uid(icalcomponent *cal, const char *uid)
{
	icalcomponent *ev = find_uid(cal, uid);

	if (!ev)
		fail_msg("no VEVENT with UID '%s'", uid);
	return ev;
}

/* The CATEGORIES values of ev joined by commas, in order. */
static void
categories(icalcomponent *ev, struct strbuf *out)
{
	strbuf_reset(out);
	for (icalproperty *p = icalcomponent_get_first_property(
		     ev, ICAL_CATEGORIES_PROPERTY);
	     p; p = icalcomponent_get_next_property(
			ev, ICAL_CATEGORIES_PROPERTY)) {
		if (out->len)
			strbuf_addch(out, ',');
		strbuf_addstr(out, icalproperty_get_categories(p));
	}
}

/* The UIDs of the calendar in order, one per line. */
static char *
uids(icalcomponent *cal)
{
	struct strbuf sb = STRBUF_INIT;

	for (icalcomponent *ev =
		     icalcomponent_get_first_component(cal,
						       ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(
			 cal, ICAL_VEVENT_COMPONENT))
		strbuf_addf(&sb, "%s\n", icalcomponent_get_uid(ev));
	return strbuf_detach(&sb, NULL);
}

/* ---- building input ---- */

static void
render(const struct deal *d, const struct holidays *h, time_t stamp,
       struct strbuf *out)
{
	struct holidays none = { .days = NULL, .n = 0 };
	struct ics_deal in = { d, h ? h : &none };

	strbuf_reset(out);
	ics_render(&in, 1, "test", stamp, out);
}

static void
mkdeal(struct deal *d, const char *slug, const char *account)
{
	deal_init(d);
	d->slug = xstrdup(slug);
	d->account = xstrdup(account);
}

static struct event *
add_event(struct deal *d, const char *key, const char *title,
	  const char *date, const char *done)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = EVENT_TECHNICAL;
	e->title = xstrdup(title);
	e->date = date ? D(date) : DATE_NONE;
	e->done = done ? D(done) : DATE_NONE;
	return e;
}

/* One passed at_most criterion measured on date: the technical win. */
static void
add_win(struct deal *d, const char *date)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup("batch");
	c->direction = DIR_AT_MOST;
	c->required = 15;
	c->has_measured = true;
	c->measured = 9;
	c->measured_on = D(date);
}

static void
add_risk(struct deal *d, const char *key, const char *deadline)
{
	struct risk *r = deal_add_risk(d);

	r->key = xstrdup(key);
	r->title = xstrdup("Peak season");
	r->kind = RISK_SCALING;
	r->deadline = deadline ? D(deadline) : DATE_NONE;
	r->buffer = (struct duration){ 14, DUR_DAYS };
	r->duration = (struct duration){ 75, DUR_DAYS };
}

static char *
read_example(const char *name, size_t *len)
{
	struct strbuf path = STRBUF_INIT, sb = STRBUF_INIT;
	const char *dir = getenv("TW_TEST_DATA");
	char chunk[4096];
	size_t n;
	FILE *f;

	if (dir) {
		strbuf_addf(&path, "%s/../../examples/%s", dir, name);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(&path, __FILE__,
			   slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addf(&path, "/../../examples/%s", name);
	}
	f = fopen(path.buf, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path.buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	assert_false(ferror(f));
	fclose(f);
	strbuf_release(&path);
	return strbuf_detach(&sb, len);
}

/* ---- tests ---- */

/*
 * The seed's war story: win on Friday 2026-06-26, so the plan gives
 * Tuesday, Thursday and the next Monday; the November-peak risk starts by
 * 2026-08-01. Every event is there with its done date.
 */
static void
test_war_story(void **state)
{
	struct strbuf sb = STRBUF_INIT, cats = STRBUF_INIT;
	struct tw_error err;
	icalcomponent *cal, *ev;
	struct deal d;
	size_t len;
	char *yaml = read_example("lakeshore-retail.yaml", &len);
	static const char *const steps[][3] = {
		{ "plan.1.lakeshore-retail@techwin", "2026-06-30",
		  "Lakeshore Retail Group: Executive summary to the economic "
		  "buyer" },
		{ "plan.2.lakeshore-retail@techwin", "2026-07-02",
		  "Lakeshore Retail Group: Commercial terms discussion" },
		{ "plan.3.lakeshore-retail@techwin", "2026-07-06",
		  "Lakeshore Retail Group: Contract review begins" },
		/* + procurement_days 10 */
		{ "plan.4.lakeshore-retail@techwin", "2026-07-20",
		  "Lakeshore Retail Group: Contract execution target" },
	};
	static const int weekday[] = { 1, 3, 0, 0 };	/* Tue Thu Mon Mon */

	(void)state;
	if (plan_parse(yaml, len, "lakeshore-retail.yaml", &d, &err) < 0)
		fail_msg("%s", err.msg);
	/* The input the dates below rest on. */
	assert_int_equal(d.criteria[d.ncriteria - 1].measured_on,
			 D("2026-06-26"));
	assert_int_equal(date_weekday(D("2026-06-26")), 4);
	assert_int_equal(d.procurement_days, 10);
	assert_int_equal(d.nevents, 8);

	/*
	 * Its events cover every step of the plan (exec-summary,
	 * contract-review and contract-signed by key, the terms discussion
	 * by title and date): each is listed once, as the event.
	 */
	render(&d, NULL, STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 8 + 0 + 1);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		assert_null(strstr(sb.buf, steps[i][0]));
	ev = need_uid(cal, "event.contract-signed.lakeshore-retail@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-07-17");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "\nFollows: Contract review begins with "
			       "procurement (contract-review)"));
	icalcomponent_free(cal);

	/* Without the commercial events after the readout, the steps. */
	while (d.nevents > 4)
		event_release(&d.events[--d.nevents]);
	strbuf_reset(&sb);
	render(&d, NULL, STAMP, &sb);
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 4 + 4 + 1);
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		ev = need_uid(cal, steps[i][0]);
		assert_ymd(icalcomponent_get_dtstart(ev), steps[i][1]);
		assert_int_equal(date_weekday(D(steps[i][1])), weekday[i]);
		assert_string_equal(icalcomponent_get_summary(ev),
				    steps[i][2]);
		assert_int_equal(icalcomponent_get_status(ev),
				 ICAL_STATUS_TENTATIVE);
		categories(ev, &cats);
		assert_string_equal(cats.buf, "commercial,plan");
	}

	ev = need_uid(cal, "risk.november-peak.lakeshore-retail@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-08-01");
	assert_ymd(icalcomponent_get_dtend(ev), "2026-08-02");
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Lakeshore Retail Group: latest start: Current "
			    "batch processing will not handle the November "
			    "peak");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "by 2026-08-01 to go live by 2026-10-15, 14d "
			       "before the deadline of 2026-10-29"));
	categories(ev, &cats);
	assert_string_equal(cats.buf, "risk");

	ev = need_uid(cal, "event.poc-readout.lakeshore-retail@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-06-26");
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	categories(ev, &cats);
	assert_string_equal(cats.buf, "technical,done");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "Technical event poc-readout: done on "
			       "2026-06-26 as planned\nOwner: Priya Raman"));

	/* The calendar's own properties. */
	assert_non_null(strstr(sb.buf, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
				       "PRODID:-//techwin//techwin " TW_VERSION
				       "//EN\r\nCALSCALE:GREGORIAN\r\n"
				       "X-WR-CALNAME:test\r\n"));
	assert_non_null(strstr(sb.buf, "DTSTAMP:20261126T120000Z\r\n"));

	icalcomponent_free(cal);
	strbuf_release(&cats);
	strbuf_release(&sb);
	deal_release(&d);
	free(yaml);
}

/* Commas, semicolons, backslashes and newlines come back as written. */
static void
test_escaping(void **state)
{
	static const char *const titles[] = {
		"Review, sign; ship",
		"C:\\path\\to\\file",
		"two\nlines",
		"trailing backslash \\",
		"\\n is not a newline",
		"semi;colon;;and,,commas",
		"quote \" colon : caret ^",
	};
	struct strbuf sb = STRBUF_INIT, want = STRBUF_INIT;
	icalcomponent *cal;
	struct deal d;

	(void)state;
	mkdeal(&d, "acme", "Acme, Inc.; EMEA");
	for (size_t i = 0; i < ARRAY_SIZE(titles); i++) {
		char key[16];
		struct event *e;

		snprintf(key, sizeof(key), "e%zu", i);
		e = add_event(&d, key, titles[i], "2026-06-01", NULL);
		e->owner = xstrdup("O'Brien, Pat\\ops; on call");
	}
	render(&d, NULL, STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);
	/* The escapes themselves, on the wire. */
	assert_non_null(strstr(sb.buf, "SUMMARY:Acme\\, Inc.\\; EMEA: "
				       "Review\\, sign\\; ship\r\n"));
	assert_non_null(strstr(sb.buf, "SUMMARY:Acme\\, Inc.\\; EMEA: "
				       "two\\nlines\r\n"));
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), ARRAY_SIZE(titles));
	for (size_t i = 0; i < ARRAY_SIZE(titles); i++) {
		char uid[64];
		icalcomponent *ev;

		snprintf(uid, sizeof(uid), "event.e%zu.acme@techwin", i);
		ev = need_uid(cal, uid);
		strbuf_reset(&want);
		strbuf_addf(&want, "Acme, Inc.; EMEA: %s", titles[i]);
		assert_string_equal(icalcomponent_get_summary(ev), want.buf);
		assert_non_null(strstr(icalcomponent_get_description(ev),
				       "Deal: Acme, Inc.; EMEA (acme)\n"));
		assert_non_null(strstr(icalcomponent_get_description(ev),
				       "\nOwner: O'Brien, Pat\\ops; on call"));
	}
	icalcomponent_free(cal);
	strbuf_release(&want);
	strbuf_release(&sb);
	deal_release(&d);
}

/* CR, CRLF and other controls never reach the output as such. */
static void
test_escape_controls(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	ics_escape_text(&sb, "a\r\nb\rc\nd\x01" "e\tf\x7f");
	assert_string_equal(sb.buf, "a\\nb\\nc\\nde\tf");
	strbuf_reset(&sb);
	ics_escape_text(&sb, NULL);
	assert_string_equal(sb.buf, "");
	strbuf_release(&sb);
}

/* Lines of exactly 75 octets stay whole; 76 fold; continuations fit. */
static void
test_fold_lengths(void **state)
{
	struct strbuf sb = STRBUF_INIT, line = STRBUF_INIT;
	char *back;

	(void)state;
	strbuf_addchars(&line, 'x', 75);
	ics_add_line(&sb, line.buf, line.len);
	assert_int_equal(sb.len, 77);
	assert_memory_equal(sb.buf + 75, "\r\n", 2);

	strbuf_reset(&sb);
	strbuf_addch(&line, 'y');
	ics_add_line(&sb, line.buf, line.len);
	assert_string_equal(sb.buf + 75, "\r\n y\r\n");

	/* 75 + 74 + 74 + 1: three folds, the last line " z". */
	strbuf_reset(&sb);
	strbuf_reset(&line);
	strbuf_addchars(&line, 'x', 75 + 74 + 74 + 1);
	ics_add_line(&sb, line.buf, line.len);
	assert_raw_lines(sb.buf, sb.len);
	assert_int_equal(sb.len, line.len + 3 * 3 + 2);
	back = unfold(sb.buf);
	assert_int_equal(strlen(back), line.len + 2);
	assert_memory_equal(back, line.buf, line.len);
	free(back);

	strbuf_release(&line);
	strbuf_release(&sb);
}

/*
 * Multi-byte characters across the fold: for every alignment of 2-, 3- and
 * 4-byte sequences against the 75-octet limit, no character is split and
 * unfolding gives the text back.
 */
static void
test_fold_utf8(void **state)
{
	static const char *const chars[] = { "\xc3\xa9", /* é */
		"\xe2\x9c\x93", /* ✓ */
		"\xf0\x9f\x9a\x80", /* 🚀 */ };
	struct strbuf sb = STRBUF_INIT, line = STRBUF_INIT;

	(void)state;
	for (size_t c = 0; c < ARRAY_SIZE(chars); c++) {
		for (size_t pad = 0; pad < 8; pad++) {
			char *back;

			strbuf_reset(&line);
			strbuf_reset(&sb);
			strbuf_addchars(&line, 'a', pad);
			for (int i = 0; i < 60; i++)
				strbuf_addstr(&line, chars[c]);
			ics_add_line(&sb, line.buf, line.len);
			assert_raw_lines(sb.buf, sb.len);
			back = unfold(sb.buf);
			assert_int_equal(strlen(back), line.len + 2);
			assert_memory_equal(back, line.buf, line.len);
			free(back);
		}
	}

	/* 74 octets then a 4-byte emoji: the fold comes before the emoji. */
	strbuf_reset(&line);
	strbuf_reset(&sb);
	strbuf_addchars(&line, 'a', 74);
	strbuf_addstr(&line, chars[2]);
	ics_add_line(&sb, line.buf, line.len);
	assert_int_equal(strcspn(sb.buf, "\r"), 74);
	assert_string_equal(sb.buf + 74, "\r\n \xf0\x9f\x9a\x80\r\n");

	strbuf_release(&line);
	strbuf_release(&sb);
}

/* Accented and emoji titles through the renderer and libical. */
static void
test_utf8_summary(void **state)
{
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT,
		      want = STRBUF_INIT;
	icalcomponent *cal, *ev;
	struct deal d;
	char *back;

	(void)state;
	mkdeal(&d, "zurich", "Zürcher Kantonalbank");
	strbuf_addstr(&title, "Démonstration réussie \xe2\x9c\x93 ");
	for (int i = 0; i < 20; i++)
		strbuf_addstr(&title, "\xf0\x9f\x9a\x80\xc3\xa9, ");
	strbuf_addstr(&title, "fin; voilà");
	add_event(&d, "demo", title.buf, "2026-06-01", "2026-06-02");
	render(&d, NULL, STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);

	/* The SUMMARY really was folded, and unfolds to the escaped text. */
	back = unfold(sb.buf);
	strbuf_addstr(&want, "\r\nSUMMARY:Zürcher Kantonalbank: ");
	ics_escape_text(&want, title.buf);
	strbuf_addstr(&want, "\r\n");
	assert_non_null(strstr(back, want.buf));
	assert_null(strstr(sb.buf, want.buf));
	free(back);

	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 1);
	strbuf_reset(&want);
	strbuf_addf(&want, "Zürcher Kantonalbank: %s", title.buf);
	ev = need_uid(cal, "event.demo.zurich@techwin");
	assert_string_equal(icalcomponent_get_summary(ev), want.buf);
	icalcomponent_free(cal);
	strbuf_release(&want);
	strbuf_release(&title);
	strbuf_release(&sb);
	deal_release(&d);
}

/*
 * UIDs depend on slug, kind and key only: another stamp, a new title or a
 * moved date keep them, so a re-import updates rather than duplicates.
 */
static void
test_uid_stable(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	icalcomponent *ca, *cb, *ev;
	char *ua, *ub;
	struct deal d;

	(void)state;
	mkdeal(&d, "acme", "Acme");
	add_win(&d, "2026-06-26");
	add_event(&d, "readout", "POC readout", "2026-06-26", NULL);
	add_risk(&d, "peak", "2026-10-29");

	render(&d, NULL, STAMP, &a);
	render(&d, NULL, STAMP, &b);
	assert_string_equal(a.buf, b.buf);	/* no randomness */

	ca = parse_ok(a.buf);
	ua = uids(ca);
	assert_string_equal(ua, "event.readout.acme@techwin\n"
				"plan.1.acme@techwin\n"
				"plan.2.acme@techwin\n"
				"plan.3.acme@techwin\n"
				"plan.4.acme@techwin\n"
				"risk.peak.acme@techwin\n");

	/* Another day, another title, another date: same UIDs. */
	xstrset(&d.events[0].title, "POC readout to the CTO, moved");
	d.events[0].date = D("2026-06-29");
	d.criteria[0].measured_on = D("2026-07-01");
	d.risks[0].deadline = D("2026-11-30");
	render(&d, NULL, STAMP + 86400 * 3 + 17, &b);
	assert_string_not_equal(a.buf, b.buf);
	assert_null(strstr(b.buf, "DTSTAMP:20261126T120000Z"));
	assert_non_null(strstr(b.buf, "DTSTAMP:20261129T120017Z\r\n"));
	cb = parse_ok(b.buf);
	ub = uids(cb);
	assert_string_equal(ua, ub);
	ev = need_uid(cb, "event.readout.acme@techwin");
	assert_string_equal(icalcomponent_get_summary(ev),
			    "Acme: POC readout to the CTO, moved");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-06-29");
	/* The UIDs carry no stamp and no date. */
	assert_null(strstr(ub, "2026"));

	free(ua);
	free(ub);
	icalcomponent_free(ca);
	icalcomponent_free(cb);
	strbuf_release(&a);
	strbuf_release(&b);
	deal_release(&d);
}

/* DTSTAMP is the stamp given, in UTC, on every VEVENT. */
static void
test_dtstamp(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct icaltimetype t;
	icalcomponent *cal;
	struct deal d;

	(void)state;
	mkdeal(&d, "acme", "Acme");
	add_event(&d, "a", "A", "2026-06-01", NULL);
	add_event(&d, "b", "B", "2026-06-02", NULL);
	/* 2026-01-02T03:04:05Z */
	render(&d, NULL, (time_t)1767323045, &sb);
	cal = parse_ok(sb.buf);
	for (icalcomponent *ev =
		     icalcomponent_get_first_component(cal,
						       ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(
			 cal, ICAL_VEVENT_COMPONENT)) {
		t = icalcomponent_get_dtstamp(ev);
		assert_true(icaltime_is_utc(t));
		assert_int_equal(t.year, 2026);
		assert_int_equal(t.month, 1);
		assert_int_equal(t.day, 2);
		assert_int_equal(t.hour, 3);
		assert_int_equal(t.minute, 4);
		assert_int_equal(t.second, 5);
	}
	icalcomponent_free(cal);
	strbuf_release(&sb);
	deal_release(&d);
}

/*
 * Which entries appear: planned vs done events, undated ones, risks
 * without a deadline, plan steps only with a technical win.
 */
static void
test_entries(void **state)
{
	struct strbuf sb = STRBUF_INIT, cats = STRBUF_INIT;
	icalcomponent *cal, *ev;
	struct criterion *c;
	struct event *e;
	struct deal d;
	char *u;

	(void)state;
	mkdeal(&d, "acme", "Acme");
	add_event(&d, "planned", "Planned", "2026-06-01", NULL);
	e = add_event(&d, "late", "Done late", "2026-06-01", "2026-06-04");
	e->kind = EVENT_COMMERCIAL;
	add_event(&d, "unplanned", "Done, never planned", NULL, "2026-06-05");
	add_event(&d, "undated", "No date at all", NULL, NULL);
	add_risk(&d, "dated", "2026-10-29");
	add_risk(&d, "open-ended", NULL);
	add_win(&d, "2026-06-26");
	c = deal_add_criterion(&d);	/* pending: no win, no plan */
	c->key = xstrdup("pending");
	c->direction = DIR_AT_LEAST;
	c->required = 1;

	render(&d, NULL, STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 4);
	u = uids(cal);
	assert_string_equal(u, "event.planned.acme@techwin\n"
			       "event.late.acme@techwin\n"
			       "event.unplanned.acme@techwin\n"
			       "risk.dated.acme@techwin\n");
	free(u);

	ev = need_uid(cal, "event.planned.acme@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-06-01");
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_TENTATIVE);
	categories(ev, &cats);
	assert_string_equal(cats.buf, "technical");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "planned for 2026-06-01, not done yet"));

	ev = need_uid(cal, "event.late.acme@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-06-04");
	assert_int_equal(icalcomponent_get_status(ev), ICAL_STATUS_CONFIRMED);
	categories(ev, &cats);
	assert_string_equal(cats.buf, "commercial,done");
	assert_non_null(strstr(icalcomponent_get_description(ev),
			       "done on 2026-06-04 (planned 2026-06-01)"));

	ev = need_uid(cal, "event.unplanned.acme@techwin");
	assert_ymd(icalcomponent_get_dtstart(ev), "2026-06-05");

	ev = need_uid(cal, "risk.dated.acme@techwin");
	assert_int_equal(icalcomponent_count_properties(ev,
							ICAL_STATUS_PROPERTY),
			 0);

	icalcomponent_free(cal);
	strbuf_release(&cats);
	strbuf_release(&sb);
	deal_release(&d);
}

/*
 * Plan steps count business days over the holidays given (the deal's and
 * the workspace's, merged by the caller), and follow a custom playbook.
 */
static void
test_plan_holidays(void **state)
{
	tw_date days[] = { D("2026-06-30") };
	struct holidays h = { .days = days, .n = 1 };
	struct strbuf sb = STRBUF_INIT;
	icalcomponent *cal;
	struct step *s;
	struct deal d;

	(void)state;
	mkdeal(&d, "acme", "Acme");
	add_win(&d, "2026-06-26");
	render(&d, &h, STAMP, &sb);
	cal = parse_ok(sb.buf);
	/* Fri + 2 bd skipping Tue 06-30: Wed 07-01; + 4 bd: Fri 07-03. */
	assert_ymd(icalcomponent_get_dtstart(need_uid(cal,
						      "plan.1.acme@techwin")),
		   "2026-07-01");
	assert_ymd(icalcomponent_get_dtstart(need_uid(cal,
						      "plan.2.acme@techwin")),
		   "2026-07-03");
	icalcomponent_free(cal);

	s = deal_add_step(&d);
	s->title = xstrdup("Security review");
	s->offset = 1;
	s->kind = EVENT_TECHNICAL;
	render(&d, NULL, STAMP, &sb);
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 1);
	assert_ymd(icalcomponent_get_dtstart(need_uid(cal,
						      "plan.1.acme@techwin")),
		   "2026-06-29");
	assert_string_equal(icalcomponent_get_description(
				    need_uid(cal, "plan.1.acme@techwin")),
			    "Deal: Acme (acme)\nPlan step 1 of 1: 1 business "
			    "day after the technical win of 2026-06-26");
	icalcomponent_free(cal);
	strbuf_release(&sb);
	deal_release(&d);
}

/* Several deals in one calendar; none at all is still a valid calendar. */
static void
test_pipeline(void **state)
{
	struct holidays none = { .days = NULL, .n = 0 };
	struct strbuf sb = STRBUF_INIT;
	struct ics_deal in[2];
	icalcomponent *cal;
	struct deal a, b;
	char *u;

	(void)state;
	mkdeal(&a, "acme", "Acme");
	mkdeal(&b, "borealis", "Borealis, Ltd");
	add_event(&a, "kickoff", "Kickoff", "2026-06-01", NULL);
	add_event(&b, "kickoff", "Kickoff", "2026-06-01", NULL);
	in[0] = (struct ics_deal){ &a, &none };
	in[1] = (struct ics_deal){ &b, &none };
	ics_render(in, 2, "techwin: pipeline, all", STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);
	assert_non_null(strstr(sb.buf, "X-WR-CALNAME:techwin: pipeline\\, "
				       "all\r\n"));
	cal = parse_ok(sb.buf);
	assert_int_equal(check_vevents(cal), 2);
	u = uids(cal);
	assert_string_equal(u, "event.kickoff.acme@techwin\n"
			       "event.kickoff.borealis@techwin\n");
	free(u);
	icalcomponent_free(cal);

	strbuf_reset(&sb);
	ics_render(NULL, 0, "empty", STAMP, &sb);
	assert_raw_lines(sb.buf, sb.len);
	assert_string_equal(sb.buf,
			    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//"
			    "techwin//techwin " TW_VERSION "//EN\r\n"
			    "CALSCALE:GREGORIAN\r\nX-WR-CALNAME:empty\r\n"
			    "END:VCALENDAR\r\n");
	cal = icalparser_parse_string(sb.buf);
	assert_non_null(cal);
	assert_int_equal(icalcomponent_count_errors(cal), 0);
	assert_int_equal(check_vevents(cal), 0);
	icalcomponent_free(cal);

	strbuf_release(&sb);
	deal_release(&a);
	deal_release(&b);
}

static int
teardown(void **state)
{
	(void)state;
	/* libical keeps a ring of temporary strings per thread. */
	icalmemory_free_ring();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_war_story),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_fold_lengths),
		cmocka_unit_test(test_fold_utf8),
		cmocka_unit_test(test_utf8_summary),
		cmocka_unit_test(test_uid_stable),
		cmocka_unit_test(test_dtstamp),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_plan_holidays),
		cmocka_unit_test(test_pipeline),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
