/*
 * Unit tests for src/formats/plan.c: a full plan parsed field by field, the
 * canonical round trip (byte-identical on the second pass), every error
 * class with its exact file:line:column, strings that need quoting, and
 * every example deal under examples/.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "core/schema.h"
#include "formats/plan.h"
#include "formats/plan-read.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/*
 * TW_TEST_DATA is set by ctest; run by hand, the data sits next to this
 * source file (CMake compiles it by absolute path).
 */
static void
data_path(struct strbuf *sb, const char *rel)
{
	const char *dir = getenv("TW_TEST_DATA");

	strbuf_reset(sb);
	if (dir) {
		strbuf_addf(sb, "%s/%s", dir, rel);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(sb, __FILE__, slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addf(sb, "/../data/%s", rel);
	}
}

static char *
read_path(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	assert_false(ferror(f));
	fclose(f);
	return strbuf_detach(&sb, len);
}

static char *
read_data(const char *rel, size_t *len)
{
	struct strbuf path = STRBUF_INIT;
	char *buf;

	data_path(&path, rel);
	buf = read_path(path.buf, len);
	strbuf_release(&path);
	return buf;
}

/* Parse a data file that must be valid. */
static void
parse_data(const char *rel, struct deal *d)
{
	struct tw_error err = { 0 };
	size_t len;
	char *buf = read_data(rel, &len);

	if (plan_parse(buf, len, rel, d, &err))
		fail_msg("%s", err.msg);
	free(buf);
}

static char *
emit(const struct deal *d)
{
	struct strbuf sb = STRBUF_INIT;

	plan_emit(d, &sb);
	return strbuf_detach(&sb, NULL);
}

static void
assert_str_or_null(const char *got, const char *want)
{
	if (!want || !got) {
		assert_ptr_equal(got, want);
		return;
	}
	assert_string_equal(got, want);
}

static void
assert_dur(const struct duration *dur, const char *want)
{
	char buf[DURATION_BUFSZ];

	assert_string_equal(duration_format(dur, buf), want);
}

/* Field by field, as the round-trip contract says. */
static void
assert_deal_equal(const struct deal *a, const struct deal *b)
{
	assert_str_or_null(a->slug, b->slug);
	assert_str_or_null(a->account, b->account);
	assert_str_or_null(a->stage, b->stage);
	assert_int_equal(a->has_value, b->has_value);
	assert_true(a->value == b->value);
	assert_str_or_null(a->currency, b->currency);
	assert_str_or_null(a->ae, b->ae);
	assert_str_or_null(a->se, b->se);
	assert_int_equal(a->has_procurement_days, b->has_procurement_days);
	assert_int_equal(a->procurement_days, b->procurement_days);
	assert_str_or_null(a->champion, b->champion);
	assert_str_or_null(a->champion_email, b->champion_email);
	assert_int_equal(a->poc_start, b->poc_start);
	assert_int_equal(a->poc_end, b->poc_end);
	assert_int_equal(a->close_date, b->close_date);
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(a->nholidays, b->nholidays);
	for (size_t i = 0; i < a->nholidays; i++)
		assert_int_equal(a->holidays[i], b->holidays[i]);
	assert_int_equal(a->ncriteria, b->ncriteria);
	for (size_t i = 0; i < a->ncriteria; i++) {
		const struct criterion *x = &a->criteria[i], *y = &b->criteria[i];

		assert_str_or_null(x->key, y->key);
		assert_str_or_null(x->metric, y->metric);
		assert_str_or_null(x->unit, y->unit);
		assert_int_equal(x->direction, y->direction);
		assert_true(x->required == y->required);
		assert_int_equal(x->has_measured, y->has_measured);
		assert_true(x->measured == y->measured);
		assert_int_equal(x->measured_on, y->measured_on);
		assert_int_equal(x->has_growth, y->has_growth);
		assert_true(x->growth_pct == y->growth_pct);
		assert_int_equal(x->scales_with_load, y->scales_with_load);
		assert_str_or_null(x->outcome, y->outcome);
	}
	assert_int_equal(a->nevents, b->nevents);
	for (size_t i = 0; i < a->nevents; i++) {
		const struct event *x = &a->events[i], *y = &b->events[i];

		assert_str_or_null(x->key, y->key);
		assert_int_equal(x->kind, y->kind);
		assert_str_or_null(x->title, y->title);
		assert_str_or_null(x->owner, y->owner);
		assert_int_equal(x->date, y->date);
		assert_int_equal(x->done, y->done);
		assert_str_or_null(x->after, y->after);
	}
	assert_int_equal(a->nrisks, b->nrisks);
	for (size_t i = 0; i < a->nrisks; i++) {
		const struct risk *x = &a->risks[i], *y = &b->risks[i];

		assert_str_or_null(x->key, y->key);
		assert_str_or_null(x->title, y->title);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->deadline, y->deadline);
		assert_int_equal(x->buffer.n, y->buffer.n);
		assert_int_equal(x->buffer.unit, y->buffer.unit);
		assert_int_equal(x->duration.n, y->duration.n);
		assert_int_equal(x->duration.unit, y->duration.unit);
	}
	assert_int_equal(a->nphases, b->nphases);
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *x = &a->phases[i], *y = &b->phases[i];

		assert_int_equal(x->number, y->number);
		assert_str_or_null(x->name, y->name);
		assert_str_or_null(x->scope, y->scope);
		assert_int_equal(x->has_price, y->has_price);
		assert_true(x->price == y->price);
		assert_str_or_null(x->justification, y->justification);
		assert_int_equal(x->ncriteria, y->ncriteria);
		for (size_t j = 0; j < x->ncriteria; j++)
			assert_string_equal(x->criteria[j], y->criteria[j]);
		assert_int_equal(x->has_duration, y->has_duration);
		if (x->has_duration) {
			assert_int_equal(x->duration.n, y->duration.n);
			assert_int_equal(x->duration.unit, y->duration.unit);
		}
	}
	assert_int_equal(a->nplaybook, b->nplaybook);
	for (size_t i = 0; i < a->nplaybook; i++) {
		const struct step *x = &a->playbook[i], *y = &b->playbook[i];

		assert_str_or_null(x->title, y->title);
		assert_int_equal(x->offset, y->offset);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->plus_procurement, y->plus_procurement);
	}
	assert_int_equal(a->ntouches, 0);
	assert_int_equal(b->ntouches, 0);
}

/*
 * The contract: parse(F) -> E1, parse(E1) -> E2 with E1 == E2 byte for byte
 * and parse(E1) equal to parse(F). Returns E1 (the caller frees it).
 */
static char *
check_round_trip(const struct deal *d, const char *name)
{
	struct tw_error err = { 0 };
	struct deal again;
	char *e1 = emit(d), *e2;

	if (plan_parse(e1, strlen(e1), name, &again, &err))
		fail_msg("re-parsing emitted %s: %s\n%s", name, err.msg, e1);
	assert_deal_equal(d, &again);
	e2 = emit(&again);
	assert_string_equal(e1, e2);
	free(e2);
	deal_release(&again);
	return e1;
}

static void
test_parse_full(void **state)
{
	struct deal d;
	const struct criterion *c;
	const struct event *e;
	const struct risk *r;
	const struct phase *p;
	const struct step *s;

	(void)state;
	parse_data("plan/full.yaml", &d);
	assert_string_equal(d.slug, "nordwind-logistics");
	assert_string_equal(d.account, "Nordwind Logistics GmbH");
	assert_string_equal(d.stage, "technical-win");
	assert_true(d.has_value);
	assert_true(d.value == 250000);
	assert_string_equal(d.currency, "EUR");
	assert_string_equal(d.ae, "Jonas Becker");
	assert_string_equal(d.se, "Mara Lindqvist");
	assert_true(d.has_procurement_days);
	assert_int_equal(d.procurement_days, 15);
	assert_string_equal(d.champion, "Katrin Vogel");
	assert_string_equal(d.champion_email, "k.vogel@nordwind.example");
	assert_int_equal(d.poc_start, D("2026-05-04"));
	assert_int_equal(d.poc_end, D("2026-06-12"));
	assert_int_equal(d.close_date, D("2026-07-10"));
	assert_int_equal(d.outcome, OUTCOME_WON);

	/* Holidays come back sorted whatever the order in the file. */
	assert_int_equal(d.nholidays, 3);
	assert_int_equal(d.holidays[0], D("2026-05-14"));
	assert_int_equal(d.holidays[1], D("2026-05-25"));
	assert_int_equal(d.holidays[2], D("2026-12-25"));

	assert_int_equal(d.ncriteria, 4);
	c = &d.criteria[0];
	assert_string_equal(c->key, "batch-runtime");
	assert_string_equal(c->metric, "50M records processed end to end");
	assert_string_equal(c->unit, "min");
	assert_int_equal(c->direction, DIR_AT_MOST);
	assert_true(c->required == 15);
	assert_true(c->has_measured);
	assert_true(c->measured == 9);
	assert_int_equal(c->measured_on, D("2026-06-02"));
	assert_true(c->has_growth);
	assert_true(c->growth_pct == 40);
	/* Scaling with load is the default. */
	assert_true(c->scales_with_load);
	assert_string_equal(c->outcome,
			    "Next year's volumes fit without re-architecture");
	c = &d.criteria[1];
	assert_int_equal(c->direction, DIR_AT_LEAST);
	assert_true(c->required == 120000);
	assert_true(c->measured == 150000.5);
	assert_false(c->has_growth);
	assert_null(c->outcome);
	c = &d.criteria[2];
	assert_true(c->required == 2.5);
	assert_false(c->has_measured);
	assert_int_equal(c->measured_on, DATE_NONE);
	assert_true(c->growth_pct == 0.1);
	assert_true(c->scales_with_load);
	c = &d.criteria[3];
	assert_string_equal(c->key, "export-formats");
	assert_false(c->scales_with_load);

	assert_int_equal(d.nevents, 2);
	e = &d.events[0];
	assert_string_equal(e->key, "poc-readout");
	assert_int_equal(e->kind, EVENT_TECHNICAL);
	assert_string_equal(e->title, "POC results to the CTO");
	assert_string_equal(e->owner, "Mara Lindqvist");
	assert_int_equal(e->date, D("2026-06-11"));
	assert_int_equal(e->done, D("2026-06-12"));
	assert_null(e->after);
	/* Seller-side and shared unless said. */
	assert_int_equal(e->side, SIDE_SELLER);
	assert_false(e->internal);
	e = &d.events[1];
	assert_int_equal(e->kind, EVENT_COMMERCIAL);
	assert_int_equal(e->done, DATE_NONE);
	assert_string_equal(e->after, "poc-readout");
	assert_int_equal(e->side, SIDE_BUYER);
	assert_true(e->internal);

	assert_int_equal(d.nrisks, 2);
	r = &d.risks[0];
	assert_string_equal(r->key, "peak-season");
	assert_string_equal(r->title,
			    "Batch window breaks during the November peak");
	assert_int_equal(r->kind, RISK_SCALING);
	assert_int_equal(r->deadline, D("2026-10-29"));
	assert_dur(&r->buffer, "14d");
	assert_dur(&r->duration, "75d");
	r = &d.risks[1];
	assert_int_equal(r->kind, RISK_COMPLIANCE);
	assert_dur(&r->buffer, "2w");
	assert_dur(&r->duration, "30bd");

	assert_int_equal(d.nphases, 2);
	p = &d.phases[0];
	assert_int_equal(p->number, 1);
	assert_string_equal(p->name, "Core data pipeline");
	assert_string_equal(p->scope, "Batch ingestion and the warehouse model");
	assert_true(p->has_price);
	assert_true(p->price == 120000);
	assert_string_equal(p->justification,
			    "Carries the 50M-record nightly batch");
	assert_int_equal(p->ncriteria, 2);
	assert_string_equal(p->criteria[0], "batch-runtime");
	assert_string_equal(p->criteria[1], "p95-query");
	assert_true(p->has_duration);
	assert_dur(&p->duration, "8w");
	assert_false(p->internal);
	p = &d.phases[1];
	assert_true(p->price == 80000.75);
	assert_true(p->internal);
	assert_null(p->scope);
	assert_null(p->justification);
	assert_dur(&p->duration, "40bd");

	assert_int_equal(d.nplaybook, 3);
	s = &d.playbook[0];
	assert_string_equal(s->title, "Executive summary to the CFO");
	assert_int_equal(s->offset, 2);
	assert_int_equal(s->kind, EVENT_COMMERCIAL);	/* the default */
	assert_false(s->plus_procurement);
	s = &d.playbook[1];
	assert_int_equal(s->offset, 0);
	assert_int_equal(s->kind, EVENT_TECHNICAL);
	s = &d.playbook[2];
	assert_int_equal(s->offset, 6);
	assert_true(s->plus_procurement);
	assert_int_equal(d.ntouches, 0);
	deal_release(&d);
}

static void
test_full_canonical(void **state)
{
	struct deal d;
	size_t len;
	char *want = read_data("plan/full.expected.yaml", &len);
	char *e1;

	(void)state;
	parse_data("plan/full.yaml", &d);
	e1 = check_round_trip(&d, "full");
	assert_string_equal(e1, want);
	free(e1);
	deal_release(&d);

	/* The canonical file is a fixed point. */
	parse_data("plan/full.expected.yaml", &d);
	e1 = emit(&d);
	assert_string_equal(e1, want);
	free(e1);
	free(want);
	deal_release(&d);
}

static const struct {
	const char *file;
	const char *msg;
} error_cases[] = {
	{ "unknown-field", "7:5: unknown field 'metrc' in criterion (did you "
	  "mean 'metric'?)" },
	{ "wrong-type", "8:12: expected a number for 'price', got 'abc'" },
	{ "wrong-type-list", "5:11: expected a list for 'criteria', got 'p95'" },
	{ "quoted-number", "5:10: expected a number for 'value', got a quoted "
	  "string '250000'" },
	{ "bad-date", "8:11: invalid date '2026-02-30' (expected YYYY-MM-DD)" },
	{ "duplicate-key", "9:5: duplicate field 'metric' in criterion (first "
	  "at line 7, column 5)" },
	{ "duplicate-criterion", "8:10: duplicate criterion key 'p95'" },
	{ "after-missing", "12:12: event 'pricing' follows unknown event 'x'" },
	{ "both-directions", "8:15: criterion 'p95' needs exactly one of "
	  "at_most or at_least" },
	{ "no-direction", "8:5: criterion 'p95' needs exactly one of at_most "
	  "or at_least" },
	{ "required-nonpositive", "7:14: required value must be greater than "
	  "0, got -3" },
	{ "negative-measured", "8:15: measured value must be 0 or more, got "
	  "-1.5" },
	{ "negative-price", "8:12: phase 1 price must be 0 or more, got -100" },
	{ "bad-version", "1:10: unsupported version 2 (expected 1)" },
	{ "missing-version", "1:1: missing field 'version' in plan (expected "
	  "version: 1)" },
	{ "syntax-error", "5:9: did not find expected ',' or ']' (while "
	  "parsing a flow sequence at line 4, column 12)" },
	{ "tab-indent", "3:1: found character that cannot start any token "
	  "(while scanning for the next token at line 3, column 1)" },
	{ "bad-utf8", "4:17: invalid leading UTF-8 octet (byte 0xff)" },
	{ "phase-unknown-criterion", "12:9: phase 1 rests on unknown "
	  "criterion 'p99'" },
	{ "bad-duration", "8:13: invalid duration '2 weeks' (expected Nd, Nbd "
	  "or Nw)" },
	{ "non-integer-offset", "7:13: expected an integer for 'offset', got "
	  "'2.5'" },
	{ "missing-offset", "6:5: playbook step 'Executive summary' needs an "
	  "offset (business days after the technical win)" },
	{ "event-no-kind", "6:5: event 'kickoff' needs a kind (expected one "
	  "of technical, commercial)" },
	{ "bad-enum", "7:11: expected one of scaling, compliance, security, "
	  "cost, other for 'kind', got 'scale'" },
	{ "bad-slug", "3:9: invalid deal slug 'Acme Corp' (expected "
	  "[a-z0-9-]{1,64}, not starting with '-')" },
	{ "missing-account", "3:3: deal account is required" },
	{ "poc-backwards", "5:33: poc end '2026-03-01' is before poc start "
	  "'2026-03-10'" },
	{ "won-no-date", "6:14: outcome 'won' requires a close date" },
	{ "bad-currency", "5:13: invalid currency 'usd' (expected 3 uppercase "
	  "letters, ISO 4217)" },
	{ "duplicate-phase", "7:13: duplicate phase number 1" },
	{ "risk-no-deadline", "6:5: risk 'peak' needs a deadline" },
	{ "two-documents", "5:1: expected a single YAML document, found "
	  "another" },
	{ "empty", "1:1: empty plan (expected a mapping starting with "
	  "'version: 1')" },
	{ "nul-string", "5:7: value of 'se' contains a NUL character" },
};

static void
test_errors(void **state)
{
	struct strbuf rel = STRBUF_INIT, want = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
		struct tw_error err = { 0 };
		struct deal d;
		size_t len;
		char *buf;
		int rc;

		strbuf_reset(&rel);
		strbuf_addf(&rel, "plan/errors/%s.yaml", error_cases[i].file);
		buf = read_data(rel.buf, &len);
		rc = plan_parse(buf, len, rel.buf, &d, &err);
		free(buf);
		strbuf_reset(&want);
		strbuf_addf(&want, "%s:%s", rel.buf, error_cases[i].msg);
		if (rc != TW_EINPUT || strcmp(err.msg, want.buf))
			fail_msg("%s: rc %d\n got: %s\nwant: %s",
				 error_cases[i].file, rc, err.msg, want.buf);
		assert_int_equal(err.code, TW_EINPUT);
		/* Nothing half-filled is left behind. */
		assert_null(d.slug);
		assert_int_equal(d.ncriteria, 0);
		assert_int_equal(d.nevents, 0);
		assert_int_equal(d.nphases, 0);
		assert_null(d.criteria);
	}
	strbuf_release(&rel);
	strbuf_release(&want);
}

/*
 * Inline snippets for errors whose exact bytes matter. Mismatches are
 * printed and counted, so one run shows all of them.
 */
static int
expect_error(const char *yaml, const char *want)
{
	struct tw_error err = { 0 };
	struct deal d;
	int rc = plan_parse(yaml, strlen(yaml), "deals/acme.yaml", &d, &err);

	if (rc == TW_EINPUT && !strcmp(err.msg, want))
		return 0;
	print_error("rc %d\n got: %s\nwant: %s\n", rc, err.msg, want);
	if (!rc)
		deal_release(&d);
	return 1;
}

static void
test_more_errors(void **state)
{
	int bad = 0;

	(void)state;
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "playbook:\n  - title: x\n    offset: 1\n"
		     "    plus_procurement: yes\n",
		     "deals/acme.yaml:6:23: expected true or false for "
		     "'plus_procurement', got 'yes'");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "events:\n  - key: a\n    kind: technical\n"
		     "    after: a\n",
		     "deals/acme.yaml:6:12: event 'a' cannot follow itself");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "events:\n  - {key: a, kind: technical, after: b}\n"
		     "  - {key: b, kind: commercial, after: a}\n",
		     "deals/acme.yaml:4:38: event 'a' follows itself through "
		     "'b'");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "criteria:\n  - {key: x, at_least: 1, measured_on: "
		     "2026-01-05}\n",
		     "deals/acme.yaml:4:40: criterion 'x' has a measured_on "
		     "date but no measured value");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme, "
		     "procurement_days: 10.0}\n",
		     "deals/acme.yaml:2:53: expected an integer for "
		     "'procurement_days', got '10.0'");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme, value: "
		     "1e999}\n",
		     "deals/acme.yaml:2:42: number out of range for 'value', "
		     "got '1e999'");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "phases:\n  - number: 0\n",
		     "deals/acme.yaml:4:13: phase number must be 1 or more, "
		     "got 0");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "criteria:\n  - {key: x, at_most: 5, growth_pct: -5}\n",
		     "deals/acme.yaml:4:38: growth_pct must be 0 or more, "
		     "got -5");
	bad += expect_error("- version: 1\n",
		     "deals/acme.yaml:1:1: expected a mapping for the plan, "
		     "got a list");
	bad += expect_error("version: 1\ndeal: [acme]\n",
		     "deals/acme.yaml:2:7: expected a mapping for 'deal', got "
		     "a list");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "criteria:\n  - p95\n",
		     "deals/acme.yaml:4:5: expected a mapping for each "
		     "criterion, got 'p95'");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "phases:\n  - number: 1\n    criteria: [{a: b}]\n",
		     "deals/acme.yaml:5:16: expected a criterion key for "
		     "'criteria', got a mapping");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
		     "holidays: [2026-12-25, 2026-13-01]\n",
		     "deals/acme.yaml:3:24: invalid date '2026-13-01' "
		     "(expected YYYY-MM-DD)");
	bad += expect_error("version: 1\n? [a]\n: b\n",
		     "deals/acme.yaml:2:3: expected a field name in plan, got "
		     "a list");
	bad += expect_error("version: 1\ndeal: {slug: acme, account: Acme}\n"
			    "risks:\n  - {key: r, deadline: 2026-10-29, "
			    "buffer: -3d}\n",
			    "deals/acme.yaml:4:44: invalid duration '-3d' "
			    "(expected Nd, Nbd or Nw)");
	bad += expect_error("version: 1\ncriteria: *nope\n",
		     "deals/acme.yaml:2:11: found undefined alias");
	assert_int_equal(bad, 0);
}

static void
test_error_without_filename(void **state)
{
	struct tw_error err = { 0 };
	struct deal d;
	const char *yaml = "version: one\n";

	(void)state;
	assert_int_equal(plan_parse(yaml, strlen(yaml), NULL, &d, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "<input>:1:10: expected an integer for "
				     "'version', got 'one'");
	/* A NULL err is allowed: the caller only wants the code. */
	assert_int_equal(plan_parse(yaml, strlen(yaml), NULL, &d, NULL),
			 TW_EINPUT);
}

static void
test_nulls_are_absent(void **state)
{
	struct tw_error err = { 0 };
	struct deal d;
	const char *yaml = "version: 1\n"
			   "deal:\n  slug: acme\n  account: Acme\n"
			   "  stage: ~\n  value:\n  champion:\n  close: null\n"
			   "holidays: ~\n"
			   "criteria:\n  - key: x\n    at_most: ~\n"
			   "    at_least: 3\n    measured: null\n"
			   "    scales_with_load: ~\n"
			   "events: []\n";

	(void)state;
	if (plan_parse(yaml, strlen(yaml), "n.yaml", &d, &err))
		fail_msg("%s", err.msg);
	assert_null(d.stage);
	assert_false(d.has_value);
	assert_null(d.champion);
	assert_int_equal(d.outcome, OUTCOME_OPEN);
	assert_int_equal(d.criteria[0].direction, DIR_AT_LEAST);
	assert_false(d.criteria[0].has_measured);
	assert_true(d.criteria[0].scales_with_load);
	deal_release(&d);
}

static void
test_anchors(void **state)
{
	struct tw_error err = { 0 };
	struct deal d;
	const char *yaml = "version: 1\n"
			   "deal: {slug: acme, account: &acct Acme}\n"
			   "events:\n  - {key: a, kind: technical, owner: "
			   "*acct}\n";

	(void)state;
	if (plan_parse(yaml, strlen(yaml), "a.yaml", &d, &err))
		fail_msg("%s", err.msg);
	assert_string_equal(d.events[0].owner, "Acme");
	deal_release(&d);
}

/* A few bytes of aliases must not expand into millions of values. */
static void
test_alias_expansion_is_bounded(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal d;

	(void)state;
	strbuf_addstr(&sb, "version: 1\ndeal: {slug: a, account: A}\n"
			   "phases:\n  - &p {number: 1, criteria: [");
	for (int i = 0; i < 2000; i++)
		strbuf_addstr(&sb, i ? ", a" : "a");
	strbuf_addstr(&sb, "]}\n");
	for (int i = 0; i < 2000; i++)
		strbuf_addstr(&sb, "  - *p\n");
	assert_int_equal(plan_parse(sb.buf, sb.len, "bomb.yaml", &d, &err),
			 TW_EINPUT);
	assert_non_null(strstr(err.msg, ": aliases expand to too many values"));
	assert_int_equal(d.nphases, 0);
	strbuf_release(&sb);
}

static void
test_minimal_emit(void **state)
{
	struct deal d;
	char *out;

	(void)state;
	deal_init(&d);
	out = emit(&d);
	assert_string_equal(out, "version: 1\n");
	free(out);
	d.slug = xstrdup("acme");
	d.account = xstrdup("Acme");
	out = check_round_trip(&d, "minimal");
	assert_string_equal(out, "version: 1\ndeal:\n  slug: acme\n"
				 "  account: Acme\n");
	free(out);
	deal_release(&d);
}

static void
test_tricky_file(void **state)
{
	struct deal d;
	char *e1;

	(void)state;
	parse_data("plan/tricky.yaml", &d);
	assert_string_equal(d.account, "Müller & Söhne: \"Data\" AG");
	assert_string_equal(d.stage, "yes");
	assert_string_equal(d.ae, "null");
	assert_string_equal(d.se, "- leading dash");
	assert_string_equal(d.champion, "  padded  ");
	assert_string_equal(d.champion_email,
			    "#not-a-comment@tricky.example");
	assert_string_equal(d.criteria[0].metric,
			    "it's 50% faster: really # honestly");
	assert_string_equal(d.criteria[0].unit, "1.0");
	assert_string_equal(d.criteria[0].outcome, "line one\nline two\n");
	assert_string_equal(d.criteria[1].metric, "2026-01-01");
	assert_string_equal(d.criteria[1].unit, "~");
	assert_true(d.criteria[1].required == 1e-7);
	assert_string_equal(d.criteria[1].outcome,
			    "tab\there, backslash \\, LS \xe2\x80\xa8, emoji "
			    "\xf0\x9f\x9a\x80");
	assert_string_equal(d.events[0].title, "[bracketed] {braced}");
	assert_string_equal(d.events[0].owner, "日本語の担当者");
	assert_string_equal(d.events[1].title, "");
	assert_string_equal(d.events[1].owner, "trailing colon:");
	e1 = check_round_trip(&d, "tricky");
	/* Only what needs quotes is quoted. */
	assert_non_null(strstr(e1, "\n    owner: 日本語の担当者\n"));
	assert_non_null(strstr(e1, "\n  stage: 'yes'\n"));
	assert_non_null(
		strstr(e1, "\n    outcome: \"line one\\nline two\\n\"\n"));
	free(e1);
	deal_release(&d);
}

/*
 * Each string as a phase scope (multi-line) and, when it is one line, as an
 * event title and owner: emitted, parsed back, emitted again. A string with
 * a control character a field may not hold is emitted, then refused.
 */
static void
test_tricky_strings(void **state)
{
	static const char *const strings[] = {
		"plain text", "", " ", "  leading", "trailing  ", "yes", "No",
		"OFF", "y", "n", "true", "False", "null", "NULL", "~", "1",
		"-1", "+1", "1.0", ".5", "1e3", "0x1F", "0o17", "1:30", ".inf",
		"-.inf", ".NaN", "2026-01-01", "2026-01-01 10:00:00",
		"12 monkeys", "50M records in under 15 minutes", "- item",
		"-", "--- doc", "...", "? key", "?", ":", "a: b", "a:b", "a:",
		"http://example.com/x?y=1#z", "a #b", "a#b", "# comment", "'",
		"''", "\"", "it's", "say \"hi\"", "back\\slash", "%tag", "@at",
		"`tick", "!bang", "&anchor", "*alias", "|", ">", "{", "}", "[",
		"]", ",comma", "a, b", "<<", "=", "line\nbreak", "\n",
		"trailing\n", "\r\n", "tab\tin", "\ttab", "nul\x01", "del\x7f",
		"C1 \xc2\x80 \xc2\x9f", "NEL \xc2\x85", "nbsp \xc2\xa0 x",
		"LS \xe2\x80\xa8 PS \xe2\x80\xa9", "BOM \xef\xbb\xbf",
		"nonchar \xef\xbf\xbe", "Ünïcödé", "日本語", "emoji 🚀 ok",
		"\xf0\x9f\x9a\x80", "mixed 'single' and \"double\"",
		"ends with backslash \\", "multi\n\nparagraph\n\n",
	};
	struct tw_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(strings); i++) {
		bool one_line = !text_find_control(strings[i], false, NULL);
		bool text = !text_find_control(strings[i], true, NULL);
		struct deal d, back;
		struct event *e;
		struct phase *p;
		char *e1, *e2;
		int rc;

		deal_init(&d);
		d.slug = xstrdup("s");
		d.account = xstrdup("A");
		if (one_line) {
			e = deal_add_event(&d);
			e->key = xstrdup("e");
			e->title = xstrdup(strings[i]);
			e->owner = xstrdup(strings[i]);
		}
		p = deal_add_phase(&d);
		p->number = 1;
		p->scope = xstrdup(strings[i]);
		e1 = emit(&d);
		rc = plan_parse(e1, strlen(e1), "s.yaml", &back, &err);
		if (!text) {
			if (rc != TW_EINPUT ||
			    !strstr(err.msg, "phase 1 scope may hold line "
					     "feeds and tabs but no other "
					     "control character"))
				fail_msg("string %zu: rc %d: %s\n%s", i, rc,
					 err.msg, e1);
			free(e1);
			deal_release(&d);
			continue;
		}
		if (rc)
			fail_msg("string %zu: %s\n%s", i, err.msg, e1);
		if (strcmp(back.phases[0].scope, strings[i]) ||
		    (one_line && strcmp(back.events[0].title, strings[i])))
			fail_msg("string %zu: got '%s'\n%s", i,
				 back.phases[0].scope, e1);
		assert_deal_equal(&d, &back);
		e2 = emit(&back);
		assert_string_equal(e1, e2);
		free(e1);
		free(e2);
		deal_release(&d);
		deal_release(&back);
	}
}

static void
test_numbers(void **state)
{
	static const struct {
		double v;
		const char *text;
	} cases[] = {
		{ 250000, "250000" },	  { 9.5, "9.5" },
		{ 0.1, "0.1" },		  { 15, "15" },
		{ 0, "0" },		  { 1e-7, "1e-07" },
		{ 123456.789, "123456.789" }, { 1.0 / 3, "0.3333333333333333" },
		{ 1e20, "1e+20" },	  { 99999999999999, "99999999999999" },
		{ 2.675, "2.675" },	  { 5e-324, "5e-324" },
	};
	struct tw_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf want = STRBUF_INIT;
		struct deal d, back;
		struct criterion *c;
		char *e1;

		deal_init(&d);
		d.slug = xstrdup("n");
		d.account = xstrdup("N");
		d.has_value = true;
		d.value = cases[i].v;
		c = deal_add_criterion(&d);
		c->key = xstrdup("c");
		c->direction = DIR_AT_LEAST;
		c->required = cases[i].v ? cases[i].v : 1;
		e1 = emit(&d);
		strbuf_addf(&want, "\n  value: %s\n", cases[i].text);
		if (!strstr(e1, want.buf))
			fail_msg("%g: want '%s' in\n%s", cases[i].v,
				 cases[i].text, e1);
		assert_int_equal(plan_parse(e1, strlen(e1), "n.yaml", &back,
					    &err),
				 0);
		assert_true(back.value == cases[i].v);
		assert_true(back.criteria[0].required == c->required);
		strbuf_release(&want);
		free(e1);
		deal_release(&d);
		deal_release(&back);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every examples/<slug>.yaml parses, round-trips and is named after its slug. */
static void
test_examples(void **state)
{
	struct strbuf dir = STRBUF_INIT, path = STRBUF_INIT;
	char **names = NULL;
	size_t n = 0;
	struct dirent *ent;
	DIR *dp;

	(void)state;
	data_path(&dir, "../../examples");
	dp = opendir(dir.buf);
	if (!dp)
		fail_msg("cannot open '%s'", dir.buf);
	while ((ent = readdir(dp))) {
		size_t len = strlen(ent->d_name);

		if (len > 5 && !strcmp(ent->d_name + len - 5, ".yaml")) {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(ent->d_name);
		}
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), cmp_str);
	assert_true(n >= 5);
	for (size_t i = 0; i < n; i++) {
		struct tw_error err = { 0 };
		struct deal d;
		size_t len;
		char *buf, *e1;

		strbuf_reset(&path);
		strbuf_addf(&path, "%s/%s", dir.buf, names[i]);
		buf = read_path(path.buf, &len);
		if (plan_parse(buf, len, names[i], &d, &err))
			fail_msg("%s", err.msg);
		assert_int_equal(strlen(d.slug) + 5, strlen(names[i]));
		assert_memory_equal(d.slug, names[i], strlen(d.slug));
		e1 = check_round_trip(&d, names[i]);
		free(e1);
		free(buf);
		free(names[i]);
		deal_release(&d);
	}
	free(names);
	strbuf_release(&dir);
	strbuf_release(&path);
}

/*
 * The plan file's fields and the model schema describe the same structs:
 * every schema field a plan file holds is read by a plan field of the same
 * member and a matching type, and every plan field of a member is a schema
 * field. A field added to the schema but not to the plan file (or the
 * other way round) fails here. The deal's database-only state and the
 * fields a plan file writes its own way are named.
 */
static bool
plan_type_matches(enum field_type pt, enum ftype st)
{
	switch (pt) {
	case FT_STR:
		return st == F_STR;
	case FT_NUM:
		return st == F_REAL || st == F_REAL_OPT;
	case FT_INT:
		return st == F_INT || st == F_INT_OPT;
	case FT_BOOL:
		return st == F_BOOL;
	case FT_DATE:
		return st == F_DATE;
	case FT_DUR:
		return st == F_DUR || st == F_DUR_OPT;
	case FT_ENUM:
		return st == F_ENUM;
	default:
		return false;
	}
}

/* The plan field of member off in spec and its nested mappings. */
static const struct plan_field *
plan_field_at(const struct map_spec *spec, size_t off)
{
	for (const struct plan_field *pf = spec->fields; pf->name; pf++) {
		const struct plan_field *in;

		if (pf->type == FT_MAP && (in = plan_field_at(pf->map, off)))
			return in;
		if (pf->type != FT_MAP && pf->type != FT_LIST &&
		    pf->type != FT_OWN && pf->off == off)
			return pf;
	}
	return NULL;
}

/* Schema fields a plan file does not hold as one member of its own. */
static bool
plan_skips(enum entity_kind e, const char *name)
{
	static const struct {
		enum entity_kind e;
		const char *name;
	} skip[] = {
		{ ENT_DEAL, "snooze_until" },	/* database-only */
		{ ENT_DEAL, "snooze_reason" },
		{ ENT_DEAL, "crm_source" },
		{ ENT_DEAL, "crm_id" },
		{ ENT_DEAL, "confirmed_by" },	/* the champion's, on the */
		{ ENT_DEAL, "confirmed_on" },	/* share page */
		{ ENT_EVENT, "proposed" },
		{ ENT_EVENT, "proposed_note" },
		{ ENT_EVENT, "proposed_on" },
		{ ENT_CRITERION, "direction" },	/* at_most / at_least */
		{ ENT_CRITERION, "required" },
		{ ENT_PHASE, "criteria" },	/* a list of keys */
		{ ENT_PHASE, "risks" },
	};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (skip[i].e == e && !strcmp(skip[i].name, name))
			return true;
	return false;
}

/* Each member spec and its nested mappings read is a schema field. */
static void
check_plan_members(const struct map_spec *spec, const struct schema_table *tb)
{
	for (const struct plan_field *pf = spec->fields; pf->name; pf++) {
		bool found = false;

		if (pf->type == FT_MAP) {
			check_plan_members(pf->map, tb);
			continue;
		}
		if (pf->type == FT_LIST || pf->type == FT_OWN ||
		    (tb->kind == ENT_DEAL && !strcmp(pf->name, "slug")))
			continue;
		for (size_t i = 0; i < tb->nfields && !found; i++)
			found = tb->fields[i].off == pf->off;
		if (!found)
			fail_msg("plan field '%s' of %s is no schema field",
				 pf->name, tb->entity);
	}
}

static void
check_spec(const struct map_spec *spec, const struct schema_table *tb)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];
		const struct plan_field *pf = plan_field_at(spec, f->off);

		if (plan_skips(tb->kind, f->name))
			continue;
		if (!pf)
			fail_msg("schema field %s.%s has no plan-file field",
				 tb->entity, f->name);
		if (!plan_type_matches(pf->type, f->type))
			fail_msg("plan field '%s' and schema field %s.%s have "
				 "different types", pf->name, tb->entity,
				 f->name);
		if ((f->type == F_REAL_OPT || f->type == F_INT_OPT ||
		     f->type == F_DUR_OPT) && pf->has != f->aux)
			fail_msg("plan field '%s' sets another has_ flag than "
				 "schema field %s.%s", pf->name, tb->entity,
				 f->name);
	}
	check_plan_members(spec, tb);
}

static void
test_fields_match_schema(void **state)
{
	static const enum entity_kind kinds[] = { ENT_CRITERION, ENT_EVENT,
		ENT_RISK, ENT_PHASE, ENT_STEP };

	(void)state;
	check_spec(plan_entity_spec(ENT_DEAL), &schema_deal);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		assert_non_null(plan_entity_spec(kinds[i]));
		check_spec(plan_entity_spec(kinds[i]),
			   schema_table_of(kinds[i]));
	}
	assert_null(plan_entity_spec(ENT_TOUCH));
}

/*
 * plan_parse_all goes on past an error in a field or an item: every one
 * is found, the first in err and the others in more; plan_parse stops at
 * the first. A field far from every name lists them all.
 */
static void
test_parse_all(void **state)
{
	static const char yaml[] =
		"version: 1\n"
		"deal:\n"
		"  slug: a\n"
		"  acount: A\n"
		"  value: abc\n"
		"criteria:\n"
		"  - key: p95\n"
		"    zzzzzz: x\n"
		"    at_most: 5\n"
		"  - key: p99\n"
		"    at_most: lots\n";
	struct strbuf more = STRBUF_INIT;
	struct tw_error err = { 0 };
	size_t n = 0;
	struct deal d;

	(void)state;
	assert_int_equal(plan_parse_all(yaml, sizeof(yaml) - 1, "a.yaml", &d,
					&more, &n, &err),
			 TW_EINPUT);
	assert_int_equal(n, 4);
	assert_string_equal(err.msg, "a.yaml:4:3: unknown field 'acount' in "
				     "deal (did you mean 'account'?)");
	assert_string_equal(
		more.buf,
		"a.yaml:5:10: expected a number for 'value', got 'abc'\n"
		"a.yaml:8:5: unknown field 'zzzzzz' in criterion (expected "
		"one of: key, metric, unit, at_most, at_least, measured, "
		"measured_on, growth_pct, scales_with_load, outcome)\n"
		"a.yaml:11:14: expected a number for 'at_most', got 'lots'\n");
	assert_int_equal(d.ncriteria, 0);
	assert_int_equal(plan_parse(yaml, sizeof(yaml) - 1, "a.yaml", &d,
				    &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "a.yaml:4:3: unknown field 'acount' in "
				     "deal (did you mean 'account'?)");
	strbuf_release(&more);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_full),
		cmocka_unit_test(test_full_canonical),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_all),
		cmocka_unit_test(test_more_errors),
		cmocka_unit_test(test_error_without_filename),
		cmocka_unit_test(test_nulls_are_absent),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_alias_expansion_is_bounded),
		cmocka_unit_test(test_minimal_emit),
		cmocka_unit_test(test_tricky_file),
		cmocka_unit_test(test_tricky_strings),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_fields_match_schema),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
