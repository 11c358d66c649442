/*
 * Fuzz target: the plan-file parser (formats/plan.h) and what runs on every
 * deal it accepts. Invariants, each an abort() when broken:
 *   - a refused file gets a "FILE:LINE:COL: message" error;
 *   - an accepted file emits a plan that parses again, and whose emission
 *     is byte-identical (parse -> emit -> parse -> emit);
 *   - deal_copy() of the deal emits the same bytes;
 *   - plan apply on it either refuses (no technical win) or gives a deal
 *     that still emits and parses: the engine never writes a deal the
 *     parser would refuse.
 * The engine's views (plan, momentum check, JSON) run on the deal too, so
 * the sanitizers see them handle whatever the parser lets through.
 */
#include "fuzz.h"

#include "core/commercial.h"
#include "core/momentum.h"
#include "formats/json.h"
#include "formats/plan.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_FILE "fuzz.yaml"

/* "fuzz.yaml:12:3: ..." with a non-empty message after it. */
static void
check_error(const struct tw_error *err)
{
	const char *p = err->msg;
	size_t n = strlen(FUZZ_FILE);

	if (strncmp(p, FUZZ_FILE ":", n + 1))
		fuzz_fail("plan error without 'FILE:': '%s'", err->msg);
	p += n + 1;
	for (int part = 0; part < 2; part++) {
		if (!isdigit((unsigned char)*p))
			fuzz_fail("plan error without LINE:COL: '%s'", err->msg);
		while (isdigit((unsigned char)*p))
			p++;
		if (*p++ != ':')
			fuzz_fail("plan error without LINE:COL: '%s'", err->msg);
	}
	if (p[0] != ' ' || !p[1])
		fuzz_fail("plan error without a message: '%s'", err->msg);
}

/* emit(d) parses and emits to the same bytes; they are left in out. */
static void
check_round_trip(const struct deal *d, const char *what, struct strbuf *out)
{
	struct strbuf again = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal d2;

	plan_emit(d, out);
	if (plan_parse(out->buf, out->len, FUZZ_FILE, &d2, &err))
		fuzz_fail("%s: the emitted plan does not parse: %s\n%s", what,
			  err.msg, out->buf);
	plan_emit(&d2, &again);
	if (again.len != out->len || memcmp(again.buf, out->buf, out->len))
		fuzz_fail("%s: emit -> parse -> emit differs:\n%s\n---\n%s",
			  what, out->buf, again.buf);
	strbuf_release(&again);
	deal_release(&d2);
}

static void
run_engine(const struct deal *d, tw_date today)
{
	struct holidays h = deal_holidays(d);
	struct momentum_settings ms = { MOMENTUM_DEFAULT_MAX_GAP,
					MOMENTUM_DEFAULT_HALF_LIFE,
					MOMENTUM_DEFAULT_OVERDUE_GRACE };
	struct commercial_plan cp;
	struct momentum_report mr;
	struct strbuf sb = STRBUF_INIT;

	commercial_plan_compute(d, &h, &cp);
	json_emit(commercial_plan_to_json(&cp), &sb);
	commercial_plan_release(&cp);
	momentum_check(d, today, &h, &ms, &mr);
	momentum_report_release(&mr);
	json_emit(deal_full_to_json(d, today, &h), &sb);
	strbuf_release(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf first = STRBUF_INIT, other = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal d, copy;
	struct holidays h;
	size_t added;
	tw_date today;

	if (plan_parse((const char *)data, size, FUZZ_FILE, &d, &err)) {
		check_error(&err);
		return 0;
	}
	check_round_trip(&d, "parsed", &first);

	deal_copy(&copy, &d);
	plan_emit(&copy, &other);
	if (other.len != first.len || memcmp(other.buf, first.buf, first.len))
		fuzz_fail("deal_copy emits differently:\n%s\n---\n%s",
			  first.buf, other.buf);
	strbuf_reset(&other);

	date_parse("2026-11-26", &today, NULL);
	run_engine(&d, today);

	h = deal_holidays(&copy);
	if (!commercial_plan_apply(&copy, &h, &added, &err)) {
		check_round_trip(&copy, "plan applied", &other);
		run_engine(&copy, today);
	}

	deal_release(&copy);
	deal_release(&d);
	strbuf_release(&first);
	strbuf_release(&other);
	return 0;
}
