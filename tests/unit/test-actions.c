/*
 * Unit tests for src/core/actions.c: every verb run on a deal context in
 * memory, no database. Each case checks a verb's boundaries (what it
 * changes, what it leaves alone) and the TW_E* code and message it refuses
 * with, which the CLI, the API and the pages all show unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/actions.h"
#include "util/xalloc.h"

/* Friday; tests/unit/helpers.h will hold the shared D() once it lands. */
#define TODAY "2026-12-04"

#define CRIT (&schema_tables[T_CRITERION])
#define EVENT (&schema_tables[T_EVENT])
#define RISK (&schema_tables[T_RISK])
#define PHASE (&schema_tables[T_PHASE])

static tw_date
D(const char *s)
{
	tw_date d = DATE_NONE;

	assert_int_equal(date_parse(s, &d, NULL), 0);
	return d;
}

static char **
keys(const char *a, const char *b, size_t *n)
{
	char **l = xcalloc(2, sizeof(*l));

	*n = 0;
	if (a)
		l[(*n)++] = xstrdup(a);
	if (b)
		l[(*n)++] = xstrdup(b);
	return l;
}

/*
 * A valid open deal: criteria p95, tput, batch; events kickoff, readout
 * (after kickoff), pricing; risks peak, audit; phases 1 (p95, tput),
 * 2 (tput) and 3 (none).
 */
static void
ctx_setup(struct deal_ctx *ctx)
{
	struct deal *d = &ctx->deal;
	struct criterion *c;
	struct event *e;
	struct risk *r;
	struct phase *p;
	struct tw_error err = { 0 };

	deal_ctx_init(ctx, D(TODAY), "tester");
	d->slug = xstrdup("acme");
	d->account = xstrdup("Acme");
	d->stage = xstrdup("poc");
	d->champion = xstrdup("Dana");
	d->has_value = true;
	d->value = 120000;

	c = deal_add_criterion(d);
	c->key = xstrdup("p95");
	c->metric = xstrdup("p95 latency");
	c->unit = xstrdup("ms");
	c->direction = DIR_AT_MOST;
	c->required = 200;
	c = deal_add_criterion(d);
	c->key = xstrdup("tput");
	c->direction = DIR_AT_LEAST;
	c->required = 1000;
	c = deal_add_criterion(d);
	c->key = xstrdup("batch");
	c->direction = DIR_AT_MOST;
	c->required = 15;

	e = deal_add_event(d);
	e->key = xstrdup("kickoff");
	e->title = xstrdup("Kickoff");
	e->date = D("2026-11-02");
	e = deal_add_event(d);
	e->key = xstrdup("readout");
	e->title = xstrdup("Readout");
	e->after = xstrdup("kickoff");
	e = deal_add_event(d);
	e->key = xstrdup("pricing");
	e->kind = EVENT_COMMERCIAL;
	e->title = xstrdup("Pricing");

	r = deal_add_risk(d);
	r->key = xstrdup("peak");
	r->title = xstrdup("Peak season");
	r->deadline = D("2027-01-15");
	r->duration.n = 4;
	r->duration.unit = DUR_WEEKS;
	r = deal_add_risk(d);
	r->key = xstrdup("audit");
	r->title = xstrdup("Audit");
	r->kind = RISK_COMPLIANCE;
	r->deadline = D("2027-02-01");

	p = deal_add_phase(d);
	p->number = 1;
	p->name = xstrdup("Pilot");
	p->criteria = keys("p95", "tput", &p->ncriteria);
	p = deal_add_phase(d);
	p->number = 2;
	p->name = xstrdup("Rollout");
	p->criteria = keys("tput", NULL, &p->ncriteria);
	p = deal_add_phase(d);
	p->number = 3;
	p->name = xstrdup("Expand");

	deal_ctx_set_holidays(ctx, NULL);
	assert_int_equal(deal_validate(d, NULL, &err), 0);
}

/* Give field json of c's table the text, as an entry point would. */
static void
give(struct verb_call *c, const char *json, const char *text)
{
	const struct field *f = schema_field(c->tb, json, true);
	struct tw_error err = { 0 };

	assert_non_null(f);
	if (verb_give_text(c, f, NULL, text, &err) < 0)
		fail_msg("%s '%s': %s", json, text, err.msg);
}

/* Run c on ctx (then release c); the error's code must be the return. */
static int
run(struct deal_ctx *ctx, struct verb_call *c, struct verb_result *res,
    struct validation_site *site, struct tw_error *err)
{
	struct verb_result ignored;
	int r;

	memset(err, 0, sizeof(*err));
	r = verb_run(ctx, c, res ? res : &ignored, site, err);
	if (r < 0)
		assert_int_equal(err->code, r);
	verb_call_release(c);
	return r;
}

/* Run c and expect success. */
static void
run_ok(struct deal_ctx *ctx, struct verb_call *c, struct verb_result *res)
{
	struct tw_error err;
	struct validation_site site;

	if (run(ctx, c, res, &site, &err) < 0)
		fail_msg("%s: %s", verb_name(c->verb, c->tb), err.msg);
}

/* Run c and expect code with exactly msg. */
static void
run_err(struct deal_ctx *ctx, struct verb_call *c, int code, const char *msg)
{
	struct tw_error err;
	struct validation_site site;

	assert_int_equal(run(ctx, c, NULL, &site, &err), code);
	assert_string_equal(err.msg, msg);
}

static void
assert_keys(const struct deal *d, const struct schema_table *tb,
	    const char *const *want, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(tb->count(d), n);
	for (size_t i = 0; i < n; i++) {
		const char *k = field_text(&tb->fields[0], tb->at(d, i), &sb);

		assert_non_null(k);
		assert_string_equal(k, want[i]);
	}
	strbuf_release(&sb);
}

static void
assert_list(char *const *l, size_t n, const char *const *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(l[i], want[i]);
}

/* ---- names and calls ----------------------------------------------------- */

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(verb_name(V_ADD, CRIT), "criterion add");
	assert_string_equal(verb_name(V_SET, PHASE), "phase set");
	assert_string_equal(verb_name(V_REMOVE, EVENT), "event rm");
	assert_string_equal(verb_name(V_DEAL_CLOSE, &schema_deal),
			    "deal close");
	assert_string_equal(verb_name(V_RECORD, NULL), "criterion record");
	assert_string_equal(verb_name(V_COUNT, NULL), "?");
}

static void
test_give_text(void **state)
{
	struct verb_call c;
	struct tw_error err = { 0 };
	const struct field *req = schema_field(CRIT, "required", true);
	const struct field *title = schema_field(EVENT, "title", true);

	(void)state;
	verb_call_init(&c, V_ADD, CRIT);
	assert_false(verb_given(&c, req));
	/* A field of another table is the caller's mistake. */
	assert_int_equal(verb_give_text(&c, title, NULL, "x", &err),
			 TW_EUSAGE);
	assert_string_equal(err.msg, "criterion has no field title");
	/* A value that does not parse is not given. */
	assert_int_equal(verb_give_text(&c, req, "--required", "lots", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "--required: expected a number, got 'lots'");
	assert_false(verb_given(&c, req));
	assert_int_equal(verb_give_text(&c, req, NULL, "12.5", &err), 0);
	assert_true(verb_given(&c, req));
	assert_true(((struct criterion *)c.vals)->required == 12.5);
	verb_call_release(&c);
	assert_null(c.vals);

	/* Dates of a fresh call are absent, not the epoch. */
	verb_call_init(&c, V_ADD, EVENT);
	assert_int_equal(((struct event *)c.vals)->date, DATE_NONE);
	assert_int_equal(c.on, DATE_NONE);
	verb_call_release(&c);
}

static void
test_store_only(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;

	(void)state;
	ctx_setup(&ctx);
	verb_call_init(&c, V_DEAL_REMOVE, NULL);
	run_err(&ctx, &c, TW_EUSAGE, "deal rm is the store's to run");
	deal_ctx_release(&ctx);
}

/* ---- the deal ------------------------------------------------------------ */

static void
test_deal_create(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct tw_error err;
	struct validation_site site;

	(void)state;
	deal_ctx_init(&ctx, D(TODAY), "tester");

	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "globex";
	give(&c, "stage", "discovery");
	run_err(&ctx, &c, TW_EUSAGE, "deal add needs account");

	/* Only what is given, and the stage defaults to poc. */
	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "globex";
	give(&c, "account", "Globex Corp");
	give(&c, "value", "50000");
	run_ok(&ctx, &c, NULL);
	assert_string_equal(ctx.deal.slug, "globex");
	assert_string_equal(ctx.deal.account, "Globex Corp");
	assert_string_equal(ctx.deal.stage, "poc");
	assert_true(ctx.deal.has_value);
	assert_true(ctx.deal.value == 50000);
	assert_null(ctx.deal.champion);
	assert_false(ctx.deal.has_procurement_days);
	assert_int_equal(ctx.deal.outcome, OUTCOME_OPEN);
	assert_int_equal(ctx.deal.close_date, DATE_NONE);
	assert_int_equal(ctx.deal.poc_start, DATE_NONE);

	/* A given stage is kept. */
	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "initech";
	give(&c, "account", "Initech");
	give(&c, "stage", "pilot");
	run_ok(&ctx, &c, NULL);
	assert_string_equal(ctx.deal.stage, "pilot");

	/* The slug goes through the validator like a plan file's. */
	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "Bad Slug";
	give(&c, "account", "Bad");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_DEAL);
	assert_string_equal(site.field, "slug");
	assert_non_null(strstr(err.msg, "invalid deal slug 'Bad Slug'"));

	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	give(&c, "account", "No slug");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg, "deal slug is required");

	/* Read-only fields have their own verbs, even at creation. */
	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "globex";
	give(&c, "account", "Globex");
	give(&c, "outcome", "won");
	run_err(&ctx, &c, TW_EUSAGE, "deal add cannot change outcome");

	/* Field values are validated too. */
	verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
	c.key = "globex";
	give(&c, "account", "Globex");
	give(&c, "currency", "eur");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(site.field, "currency");

	deal_ctx_release(&ctx);
}

static void
test_deal_set(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct tw_error err;
	struct validation_site site;
	static const char *const ro[] = { "outcome", "close_date", "crm_id",
					  "crm_source", "snooze_until",
					  "snooze_reason" };
	static const char *const ro_text[] = { "won", "2026-12-01", "006x",
					       "salesforce", "2026-12-20",
					       "busy" };

	(void)state;
	ctx_setup(&ctx);

	/* Given fields change; the others stay. */
	verb_call_init(&c, V_DEAL_SET, &schema_deal);
	give(&c, "value", "75000.5");
	give(&c, "champion_email", "dana@acme.example");
	give(&c, "procurement_days", "10");
	run_ok(&ctx, &c, NULL);
	assert_true(ctx.deal.value == 75000.5);
	assert_string_equal(ctx.deal.champion_email, "dana@acme.example");
	assert_int_equal(ctx.deal.procurement_days, 10);
	assert_true(ctx.deal.has_procurement_days);
	assert_string_equal(ctx.deal.slug, "acme");
	assert_string_equal(ctx.deal.account, "Acme");
	assert_string_equal(ctx.deal.stage, "poc");
	assert_string_equal(ctx.deal.champion, "Dana");
	assert_int_equal(ctx.deal.ncriteria, 3);

	/* "" clears an optional field. */
	verb_call_init(&c, V_DEAL_SET, &schema_deal);
	give(&c, "champion", "");
	give(&c, "value", "");
	give(&c, "procurement_days", "");
	run_ok(&ctx, &c, NULL);
	assert_null(ctx.deal.champion);
	assert_false(ctx.deal.has_value);
	assert_false(ctx.deal.has_procurement_days);
	assert_string_equal(ctx.deal.champion_email, "dana@acme.example");

	/* Read-only fields belong to close, snooze and import. */
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		char want[80];

		verb_call_init(&c, V_DEAL_SET, &schema_deal);
		give(&c, ro[i], ro_text[i]);
		snprintf(want, sizeof(want), "deal set cannot change %s",
			 ro[i]);
		run_err(&ctx, &c, TW_EUSAGE, want);
	}

	/* The account is required: clearing it is refused by validation. */
	deal_ctx_release(&ctx);
	ctx_setup(&ctx);
	verb_call_init(&c, V_DEAL_SET, &schema_deal);
	give(&c, "account", "");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg, "deal account is required");
	assert_int_equal(site.entity, ENT_DEAL);
	assert_string_equal(site.field, "account");

	/* poc end before poc start. */
	deal_ctx_release(&ctx);
	ctx_setup(&ctx);
	verb_call_init(&c, V_DEAL_SET, &schema_deal);
	give(&c, "poc_start", "2026-11-10");
	give(&c, "poc_end", "2026-11-09");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(site.field, "poc.end");

	/* A set that gives no field changes nothing: refused, as for a child. */
	verb_call_init(&c, V_DEAL_SET, &schema_deal);
	run_err(&ctx, &c, TW_EUSAGE,
		"deal set needs at least one field to change");

	deal_ctx_release(&ctx);
}

static void
test_deal_close(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;

	(void)state;
	ctx_setup(&ctx);

	/* The date defaults to today. */
	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_WON;
	run_ok(&ctx, &c, NULL);
	assert_int_equal(ctx.deal.outcome, OUTCOME_WON);
	assert_int_equal(ctx.deal.close_date, D(TODAY));
	assert_string_equal(ctx.deal.account, "Acme");
	/* Closing moves the stage too (issue 13). */
	assert_string_equal(ctx.deal.stage, "closed");

	/* An earlier date, and lost. */
	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_LOST;
	c.on = D("2026-11-30");
	run_ok(&ctx, &c, NULL);
	assert_int_equal(ctx.deal.outcome, OUTCOME_LOST);
	assert_int_equal(ctx.deal.close_date, D("2026-11-30"));

	/* Today exactly is fine; tomorrow is not. */
	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_WON;
	c.on = D(TODAY);
	run_ok(&ctx, &c, NULL);
	assert_int_equal(ctx.deal.close_date, D(TODAY));

	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_WON;
	c.on = D("2026-12-05");
	run_err(&ctx, &c, TW_EINPUT,
		"close date 2026-12-05 is after today (2026-12-04)");

	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_OPEN;
	run_err(&ctx, &c, TW_EINPUT,
		"outcome must be won or lost, got 'open' (deal reopen "
		"reopens a deal)");

	deal_ctx_release(&ctx);
}

static void
test_deal_reopen(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_DEAL_REOPEN, &schema_deal);
	run_err(&ctx, &c, TW_EINPUT, "deal 'acme' is already open");

	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_LOST;
	c.on = D("2026-12-01");
	run_ok(&ctx, &c, NULL);

	assert_string_equal(ctx.deal.stage, "closed");

	verb_call_init(&c, V_DEAL_REOPEN, &schema_deal);
	run_ok(&ctx, &c, NULL);
	assert_int_equal(ctx.deal.outcome, OUTCOME_OPEN);
	assert_int_equal(ctx.deal.close_date, DATE_NONE);
	/* No result yet: back in the POC, not 'closed'. */
	assert_string_equal(ctx.deal.stage, "poc");

	verb_call_init(&c, V_DEAL_REOPEN, &schema_deal);
	run_err(&ctx, &c, TW_EINPUT, "deal 'acme' is already open");

	/* Every criterion passed: closed and reopened, it is a technical win. */
	static const char *const keys[] = { "p95", "tput", "batch" };
	static const double values[] = { 150, 1500, 10 };
	for (size_t i = 0; i < 3; i++) {
		verb_call_init(&c, V_RECORD, NULL);
		c.key = keys[i];
		c.value = values[i];
		c.on = D("2026-12-02");
		run_ok(&ctx, &c, NULL);
	}
	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_WON;
	run_ok(&ctx, &c, NULL);
	verb_call_init(&c, V_DEAL_REOPEN, &schema_deal);
	run_ok(&ctx, &c, NULL);
	assert_string_equal(ctx.deal.stage, "technical-win");

	/* A stage that close did not set is the user's: kept. */
	free(ctx.deal.stage);
	ctx.deal.stage = xstrdup("negotiation");
	verb_call_init(&c, V_DEAL_CLOSE, &schema_deal);
	c.outcome = OUTCOME_WON;
	run_ok(&ctx, &c, NULL);
	free(ctx.deal.stage);
	ctx.deal.stage = xstrdup("signed");
	verb_call_init(&c, V_DEAL_REOPEN, &schema_deal);
	run_ok(&ctx, &c, NULL);
	assert_string_equal(ctx.deal.stage, "signed");

	deal_ctx_release(&ctx);
}

/* ---- children: add ------------------------------------------------------- */

static void
test_add(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	const struct criterion *cr;
	const struct event *e;
	const struct risk *r;
	const struct phase *p;
	static const char *const want[] = { "p95", "tput" };

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_ADD, CRIT);
	give(&c, "key", "errors");
	give(&c, "direction", "at_most");
	give(&c, "required", "0.5");
	give(&c, "unit", "%");
	give(&c, "projected_growth_pct", "30");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 3);
	cr = &ctx.deal.criteria[3];
	assert_string_equal(cr->key, "errors");
	assert_int_equal(cr->direction, DIR_AT_MOST);
	assert_true(cr->required == 0.5);
	assert_string_equal(cr->unit, "%");
	assert_true(cr->has_growth && cr->growth_pct == 30);
	assert_null(cr->metric);
	assert_false(cr->has_measured);
	assert_int_equal(cr->measured_on, DATE_NONE);

	verb_call_init(&c, V_ADD, EVENT);
	give(&c, "key", "signoff");
	give(&c, "kind", "commercial");
	give(&c, "title", "Sign-off");
	give(&c, "after", "readout");
	give(&c, "date", "2026-12-18");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 3);
	e = &ctx.deal.events[3];
	assert_string_equal(e->after, "readout");
	assert_int_equal(e->date, D("2026-12-18"));
	assert_int_equal(e->done, DATE_NONE);
	assert_null(e->owner);

	verb_call_init(&c, V_ADD, RISK);
	give(&c, "key", "freeze");
	give(&c, "title", "Change freeze");
	give(&c, "deadline", "2026-12-20");
	give(&c, "duration", "10bd");
	give(&c, "kind", "other");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 2);
	r = &ctx.deal.risks[2];
	assert_int_equal(r->duration.n, 10);
	assert_int_equal(r->duration.unit, DUR_BDAYS);
	assert_int_equal(r->kind, RISK_OTHER);
	assert_int_equal(r->buffer.n, 0);

	verb_call_init(&c, V_ADD, PHASE);
	give(&c, "number", "4");
	give(&c, "name", "Global");
	give(&c, "criteria", "p95, tput");
	give(&c, "price", "90000");
	give(&c, "duration", "3w");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 3);
	p = &ctx.deal.phases[3];
	assert_int_equal(p->number, 4);
	assert_list(p->criteria, p->ncriteria, want, 2);
	assert_true(p->has_price && p->price == 90000);
	assert_true(p->has_duration);
	assert_int_equal(p->duration.n, 3);
	assert_int_equal(p->duration.unit, DUR_WEEKS);
	assert_null(p->scope);

	deal_ctx_release(&ctx);
}

static void
test_add_refused(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_ADD, CRIT);
	give(&c, "key", "tput");
	give(&c, "direction", "at_least");
	give(&c, "required", "5");
	run_err(&ctx, &c, TW_EEXIST,
		"criterion 'tput' already exists in deal 'acme'");

	verb_call_init(&c, V_ADD, EVENT);
	give(&c, "key", "kickoff");
	give(&c, "kind", "technical");
	give(&c, "title", "Again");
	run_err(&ctx, &c, TW_EEXIST,
		"event 'kickoff' already exists in deal 'acme'");

	verb_call_init(&c, V_ADD, RISK);
	give(&c, "key", "audit");
	give(&c, "title", "Audit");
	give(&c, "deadline", "2027-01-01");
	give(&c, "duration", "1w");
	run_err(&ctx, &c, TW_EEXIST,
		"risk 'audit' already exists in deal 'acme'");

	verb_call_init(&c, V_ADD, PHASE);
	give(&c, "number", "2");
	give(&c, "name", "Twice");
	run_err(&ctx, &c, TW_EEXIST,
		"phase 2 already exists in deal 'acme'");

	/* Required fields, named as the JSON names them. */
	verb_call_init(&c, V_ADD, CRIT);
	give(&c, "key", "new");
	give(&c, "direction", "at_least");
	run_err(&ctx, &c, TW_EUSAGE, "criterion add needs required");

	verb_call_init(&c, V_ADD, RISK);
	give(&c, "key", "new");
	give(&c, "title", "New");
	give(&c, "duration", "1w");
	run_err(&ctx, &c, TW_EUSAGE, "risk add needs deadline");

	verb_call_init(&c, V_ADD, EVENT);
	run_err(&ctx, &c, TW_EUSAGE, "event add needs key");

	/* What a later verb records cannot be given at creation. */
	verb_call_init(&c, V_ADD, CRIT);
	give(&c, "key", "new");
	give(&c, "direction", "at_least");
	give(&c, "required", "5");
	give(&c, "measured", "7");
	run_err(&ctx, &c, TW_EUSAGE, "criterion add cannot change measured");

	verb_call_init(&c, V_ADD, EVENT);
	give(&c, "key", "new");
	give(&c, "kind", "technical");
	give(&c, "title", "New");
	give(&c, "done", "2026-12-01");
	run_err(&ctx, &c, TW_EUSAGE, "event add cannot change done");

	deal_ctx_release(&ctx);
}

/* ---- children: set ------------------------------------------------------- */

static void
test_set(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	const struct criterion *cr;
	const struct phase *p;
	static const char *const want[] = { "batch", "p95" };

	(void)state;
	ctx_setup(&ctx);

	/* Given fields only; "" clears an optional one. */
	verb_call_init(&c, V_SET, CRIT);
	c.key = "p95";
	give(&c, "required", "150");
	give(&c, "metric", "");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 0);
	cr = &ctx.deal.criteria[0];
	assert_true(cr->required == 150);
	assert_null(cr->metric);
	assert_string_equal(cr->unit, "ms");
	assert_int_equal(cr->direction, DIR_AT_MOST);
	assert_string_equal(cr->key, "p95");

	verb_call_init(&c, V_SET, EVENT);
	c.key = "readout";
	give(&c, "owner", "Sam");
	give(&c, "after", "");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_string_equal(ctx.deal.events[1].owner, "Sam");
	assert_null(ctx.deal.events[1].after);
	assert_string_equal(ctx.deal.events[1].title, "Readout");

	verb_call_init(&c, V_SET, RISK);
	c.key = "audit";
	give(&c, "buffer", "2w");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_int_equal(ctx.deal.risks[1].buffer.n, 2);
	assert_int_equal(ctx.deal.risks[1].deadline, D("2027-02-01"));

	/* A phase is addressed by its number as text. */
	verb_call_init(&c, V_SET, PHASE);
	c.key = "2";
	give(&c, "criteria", "batch,p95");
	give(&c, "scope", "Two regions\n\tthen all");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	p = &ctx.deal.phases[1];
	assert_int_equal(p->number, 2);
	assert_string_equal(p->name, "Rollout");
	assert_list(p->criteria, p->ncriteria, want, 2);
	assert_string_equal(p->scope, "Two regions\n\tthen all");

	verb_call_init(&c, V_SET, PHASE);
	c.key = "3";
	give(&c, "criteria", "");
	give(&c, "name", "Expand");
	run_ok(&ctx, &c, &res);
	assert_int_equal(ctx.deal.phases[2].ncriteria, 0);

	deal_ctx_release(&ctx);
}

static void
test_set_refused(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_SET, CRIT);
	c.key = "p99";
	give(&c, "required", "1");
	run_err(&ctx, &c, TW_ENOTFOUND,
		"unknown criterion 'p99' in deal 'acme'");

	verb_call_init(&c, V_SET, PHASE);
	c.key = "9";
	give(&c, "name", "Nine");
	run_err(&ctx, &c, TW_ENOTFOUND, "unknown phase 9 in deal 'acme'");

	/* "02" is not how phase 2 is written. */
	verb_call_init(&c, V_SET, PHASE);
	c.key = "02";
	give(&c, "name", "Two");
	run_err(&ctx, &c, TW_ENOTFOUND, "unknown phase 02 in deal 'acme'");

	verb_call_init(&c, V_SET, EVENT);
	give(&c, "title", "No key");
	run_err(&ctx, &c, TW_ENOTFOUND, "unknown event '' in deal 'acme'");

	/* The key names the entity: it never changes. */
	verb_call_init(&c, V_SET, CRIT);
	c.key = "p95";
	give(&c, "key", "p99");
	run_err(&ctx, &c, TW_EUSAGE, "criterion set cannot change key");

	verb_call_init(&c, V_SET, PHASE);
	c.key = "1";
	give(&c, "number", "5");
	run_err(&ctx, &c, TW_EUSAGE, "phase set cannot change number");

	verb_call_init(&c, V_SET, CRIT);
	c.key = "p95";
	give(&c, "measured_on", "2026-12-01");
	run_err(&ctx, &c, TW_EUSAGE, "criterion set cannot change measured_on");

	verb_call_init(&c, V_SET, EVENT);
	c.key = "kickoff";
	give(&c, "done", "2026-12-01");
	run_err(&ctx, &c, TW_EUSAGE, "event set cannot change done");

	verb_call_init(&c, V_SET, RISK);
	c.key = "peak";
	run_err(&ctx, &c, TW_EUSAGE,
		"risk set needs at least one field to change");

	deal_ctx_release(&ctx);
}

/* ---- children: remove ---------------------------------------------------- */

static void
test_remove(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	static const char *const crits[] = { "p95", "tput" };
	static const char *const events[] = { "kickoff", "pricing" };
	static const char *const risks[] = { "audit" };
	static const char *const phases[] = { "1", "3" };

	(void)state;
	ctx_setup(&ctx);

	/* Nothing refers to batch; the others keep their order. */
	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "batch";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 2);
	assert_int_equal(res.dropped, 0);
	assert_keys(&ctx.deal, CRIT, crits, 2);

	/* The middle one: pricing moves up. */
	verb_call_init(&c, V_REMOVE, EVENT);
	c.key = "readout";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_keys(&ctx.deal, EVENT, events, 2);
	assert_string_equal(ctx.deal.events[1].title, "Pricing");

	/* The first one. */
	verb_call_init(&c, V_REMOVE, RISK);
	c.key = "peak";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 0);
	assert_keys(&ctx.deal, RISK, risks, 1);
	assert_string_equal(ctx.deal.risks[0].title, "Audit");

	/* A phase by its number. */
	verb_call_init(&c, V_REMOVE, PHASE);
	c.key = "2";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_keys(&ctx.deal, PHASE, phases, 2);
	assert_string_equal(ctx.deal.phases[1].name, "Expand");

	/* Then an add reuses the array after the shrink. */
	verb_call_init(&c, V_ADD, RISK);
	give(&c, "key", "late");
	give(&c, "title", "Late");
	give(&c, "deadline", "2027-03-01");
	give(&c, "duration", "1w");
	run_ok(&ctx, &c, &res);
	assert_int_equal(ctx.deal.nrisks, 2);

	verb_call_init(&c, V_REMOVE, RISK);
	c.key = "peak";
	run_err(&ctx, &c, TW_ENOTFOUND, "unknown risk 'peak' in deal 'acme'");

	verb_call_init(&c, V_REMOVE, PHASE);
	c.key = "2";
	c.force = true;
	run_err(&ctx, &c, TW_ENOTFOUND, "unknown phase 2 in deal 'acme'");

	deal_ctx_release(&ctx);
}

static void
test_remove_referenced(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	static const char *const p1[] = { "p95" };
	static const char *const crits[] = { "p95", "batch" };
	static const char *const events[] = { "readout", "pricing" };

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "p95";
	run_err(&ctx, &c, TW_EINPUT,
		"criterion 'p95' is referred to by phase 1 (force removes "
		"it and those references)");
	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "tput";
	run_err(&ctx, &c, TW_EINPUT,
		"criterion 'tput' is referred to by phase 1, phase 2 "
		"(force removes it and those references)");
	assert_int_equal(ctx.deal.ncriteria, 3);
	assert_int_equal(ctx.deal.phases[0].ncriteria, 2);

	/* What a page names before it removes: the same references. */
	{
		struct strbuf who = STRBUF_INIT;

		assert_int_equal(verb_references(&ctx.deal, CRIT, "tput",
						 &who), 2);
		assert_string_equal(who.buf, "phase 1, phase 2");
		strbuf_reset(&who);
		assert_int_equal(verb_references(&ctx.deal, EVENT, "kickoff",
						 &who), 1);
		assert_string_equal(who.buf, "event 'readout'");
		strbuf_reset(&who);
		assert_int_equal(verb_references(&ctx.deal, CRIT, "batch",
						 &who), 0);
		assert_int_equal(verb_references(&ctx.deal, RISK, "x", &who),
				 0);
		assert_int_equal(who.len, 0);
		assert_int_equal(ctx.deal.phases[0].ncriteria, 2);
		strbuf_release(&who);
	}

	/* --force drops the references, and counts them. */
	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "tput";
	c.force = true;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.dropped, 2);
	assert_int_equal(res.index, 1);
	assert_keys(&ctx.deal, CRIT, crits, 2);
	assert_list(ctx.deal.phases[0].criteria, ctx.deal.phases[0].ncriteria,
		    p1, 1);
	assert_int_equal(ctx.deal.phases[1].ncriteria, 0);
	assert_int_equal(ctx.deal.phases[2].ncriteria, 0);

	/* Events: 'after' names the one removed. */
	verb_call_init(&c, V_REMOVE, EVENT);
	c.key = "kickoff";
	run_err(&ctx, &c, TW_EINPUT,
		"event 'kickoff' is referred to by event 'readout' (force "
		"removes it and those references)");

	verb_call_init(&c, V_REMOVE, EVENT);
	c.key = "kickoff";
	c.force = true;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.dropped, 1);
	assert_keys(&ctx.deal, EVENT, events, 2);
	assert_null(ctx.deal.events[0].after);
	assert_string_equal(ctx.deal.events[0].title, "Readout");

	/* --force on what nothing refers to drops nothing. */
	verb_call_init(&c, V_REMOVE, EVENT);
	c.key = "pricing";
	c.force = true;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.dropped, 0);
	assert_int_equal(ctx.deal.nevents, 1);

	deal_ctx_release(&ctx);
}

/* A criterion listed first, middle and last in phases loses all of them. */
static void
test_remove_force_positions(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	struct phase *p;
	static const char *const rest[] = { "p95", "batch" };

	(void)state;
	ctx_setup(&ctx);
	p = &ctx.deal.phases[2];
	p->criteria = xcalloc(3, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("p95");
	p->criteria[1] = xstrdup("tput");
	p->criteria[2] = xstrdup("batch");
	p->ncriteria = 3;

	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "tput";
	c.force = true;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.dropped, 3);
	assert_list(p->criteria, p->ncriteria, rest, 2);

	verb_call_init(&c, V_REMOVE, CRIT);
	c.key = "p95";
	c.force = true;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.dropped, 2);
	assert_int_equal(ctx.deal.phases[0].ncriteria, 0);
	assert_list(p->criteria, p->ncriteria, rest + 1, 1);

	deal_ctx_release(&ctx);
}

/* ---- record, done, plan -------------------------------------------------- */

static void
test_record(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	struct tw_error err;
	struct validation_site site;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_RECORD, NULL);
	c.key = "p99";
	c.value = 1;
	run_err(&ctx, &c, TW_ENOTFOUND,
		"unknown criterion 'p99' in deal 'acme'");

	verb_call_init(&c, V_RECORD, NULL);
	c.key = "tput";
	c.value = 1250.5;
	c.on = D("2026-11-20");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_true(ctx.deal.criteria[1].has_measured);
	assert_true(ctx.deal.criteria[1].measured == 1250.5);
	assert_int_equal(ctx.deal.criteria[1].measured_on, D("2026-11-20"));
	assert_false(ctx.deal.criteria[0].has_measured);

	/* The date defaults to today; a new value replaces the old one. */
	verb_call_init(&c, V_RECORD, NULL);
	c.key = "tput";
	c.value = 0;
	run_ok(&ctx, &c, &res);
	assert_true(ctx.deal.criteria[1].measured == 0);
	assert_int_equal(ctx.deal.criteria[1].measured_on, D(TODAY));

	verb_call_init(&c, V_RECORD, NULL);
	c.key = "p95";
	c.value = -1;
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "measured value must be 0 or more, got -1");
	assert_int_equal(site.entity, ENT_CRITERION);
	assert_int_equal(site.index, 0);
	assert_string_equal(site.field, "measured");

	deal_ctx_release(&ctx);
}

static void
test_done(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_DONE, NULL);
	c.key = "signoff";
	run_err(&ctx, &c, TW_ENOTFOUND,
		"unknown event 'signoff' in deal 'acme'");

	verb_call_init(&c, V_DONE, NULL);
	c.key = "readout";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 1);
	assert_int_equal(ctx.deal.events[1].done, D(TODAY));
	assert_int_equal(ctx.deal.events[0].done, DATE_NONE);

	verb_call_init(&c, V_DONE, NULL);
	c.key = "kickoff";
	c.on = D("2026-11-03");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.index, 0);
	assert_int_equal(ctx.deal.events[0].done, D("2026-11-03"));

	/* Not done yet: a day after today is refused, the event unchanged. */
	verb_call_init(&c, V_DONE, NULL);
	c.key = "kickoff";
	c.on = D(TODAY) + 1;
	run_err(&ctx, &c, TW_EINPUT, "--on: 2026-12-05 is after today "
		"(2026-12-04): mark an event done once it is");
	assert_int_equal(ctx.deal.events[0].done, D("2026-11-03"));

	deal_ctx_release(&ctx);
}

static void
record(struct deal_ctx *ctx, const char *key, double v, const char *on)
{
	struct verb_call c;

	verb_call_init(&c, V_RECORD, NULL);
	c.key = key;
	c.value = v;
	c.on = D(on);
	run_ok(ctx, &c, NULL);
}

static void
test_plan_apply(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_PLAN_APPLY, NULL);
	run_err(&ctx, &c, TW_EINPUT,
		"deal 'acme' has no technical win yet; nothing to apply");

	/* Two of three passing is no win yet either. */
	record(&ctx, "p95", 120, "2026-11-20");
	record(&ctx, "tput", 1500, "2026-11-27");
	verb_call_init(&c, V_PLAN_APPLY, NULL);
	run_err(&ctx, &c, TW_EINPUT,
		"deal 'acme' has no technical win yet; nothing to apply");
	assert_int_equal(ctx.deal.nevents, 3);

	record(&ctx, "batch", 9, "2026-11-25");
	verb_call_init(&c, V_PLAN_APPLY, NULL);
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 4);
	assert_int_equal(ctx.deal.nevents, 7);
	/* The win is the latest pass (Fri 11-27); step one is +2 bdays. */
	assert_int_equal(ctx.deal.events[3].date, D("2026-12-01"));
	assert_int_equal(ctx.deal.events[3].kind, EVENT_COMMERCIAL);
	assert_non_null(ctx.deal.events[3].title);

	verb_call_init(&c, V_PLAN_APPLY, NULL);
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 0);
	assert_int_equal(ctx.deal.nevents, 7);

	deal_ctx_release(&ctx);
}

/* ---- snooze -------------------------------------------------------------- */

static void
test_snooze(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = D("2026-12-03");
	c.reason = "waiting on legal";
	run_err(&ctx, &c, TW_EINPUT,
		"--until: '2026-12-03' is in the past (today is 2026-12-04)");

	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = D("2026-12-20");
	c.reason = "";
	run_err(&ctx, &c, TW_EINPUT, "--reason: the reason cannot be empty");

	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = D("2026-12-20");
	run_err(&ctx, &c, TW_EINPUT, "--reason: the reason cannot be empty");
	assert_int_equal(ctx.deal.snooze_until, DATE_NONE);

	/* Today is not the past. */
	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = D(TODAY);
	c.reason = "holiday";
	run_ok(&ctx, &c, &res);
	assert_false(res.was_snoozed);
	assert_int_equal(ctx.deal.snooze_until, D(TODAY));
	assert_string_equal(ctx.deal.snooze_reason, "holiday");

	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = D("2027-01-04");
	c.reason = "waiting on legal";
	run_ok(&ctx, &c, &res);
	assert_true(res.was_snoozed);
	assert_int_equal(ctx.deal.snooze_until, D("2027-01-04"));
	assert_string_equal(ctx.deal.snooze_reason, "waiting on legal");

	verb_call_init(&c, V_UNSNOOZE, NULL);
	run_ok(&ctx, &c, &res);
	assert_true(res.was_snoozed);
	assert_int_equal(ctx.deal.snooze_until, DATE_NONE);
	assert_null(ctx.deal.snooze_reason);

	verb_call_init(&c, V_UNSNOOZE, NULL);
	run_ok(&ctx, &c, &res);
	assert_false(res.was_snoozed);

	deal_ctx_release(&ctx);
}

/* ---- touches ------------------------------------------------------------- */

static void
test_touch(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	static const char *const two[] = { "p95", "tput" };
	static const char *const one[] = { "tput" };

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "pricing";
	c.channel = "email";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 1);
	assert_int_equal(res.present, 0);
	assert_int_equal(ctx.deal.ntouches, 1);
	assert_string_equal(ctx.deal.touches[0].type, "pricing");
	assert_string_equal(ctx.deal.touches[0].channel, "email");
	assert_int_equal(ctx.deal.touches[0].date, D(TODAY));
	assert_null(ctx.deal.touches[0].criterion);

	/* The same touch on the same day is recorded once. */
	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "pricing";
	c.channel = "email";
	c.on = D(TODAY);
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.present, 1);
	assert_int_equal(ctx.deal.ntouches, 1);

	/* Another channel or another day is another touch. */
	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "pricing";
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 1);
	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "pricing";
	c.channel = "email";
	c.on = D("2026-12-03");
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 1);
	assert_int_equal(ctx.deal.ntouches, 3);

	/* One per criterion; then only the new one is added. */
	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "buying-signal";
	c.criteria = two;
	c.ncriteria = 2;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 2);
	assert_int_equal(ctx.deal.ntouches, 5);
	assert_string_equal(ctx.deal.touches[3].criterion, "p95");
	assert_string_equal(ctx.deal.touches[4].criterion, "tput");
	assert_string_equal(ctx.deal.touches[4].type, "buying-signal");

	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "buying-signal";
	c.criteria = one;
	c.ncriteria = 1;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.present, 1);

	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "pricing";
	c.on = D("2026-12-05");
	run_err(&ctx, &c, TW_EINPUT,
		"--on: 2026-12-05 is after today (2026-12-04): log a message "
		"once it is sent");

	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = "hello";
	run_err(&ctx, &c, TW_EUSAGE,
		"unknown message type 'hello' (expected buying-signal, "
		"compress, urgency, pricing or next-event)");

	verb_call_init(&c, V_TOUCH, NULL);
	run_err(&ctx, &c, TW_EUSAGE, "message --log needs a message type");
	assert_int_equal(ctx.deal.ntouches, 5);

	deal_ctx_release(&ctx);
}

static void
test_holidays(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct verb_result res;
	tw_date first[] = { D("2026-12-25"), D("2026-12-26") };
	tw_date second[] = { D("2026-01-01"), D("2026-12-25"),
			     D("2027-01-01") };

	(void)state;
	ctx_setup(&ctx);
	deal_release(&ctx.deal);
	deal_init(&ctx.deal);
	ctx.deal.slug = xstrdup("acme");
	ctx.deal.account = xstrdup("Acme");

	verb_call_init(&c, V_HOLIDAYS, NULL);
	c.days = first;
	c.ndays = 2;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.present, 0);

	/* A day the deal has is counted, not added; the rest stay sorted. */
	verb_call_init(&c, V_HOLIDAYS, NULL);
	c.days = second;
	c.ndays = 3;
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 2);
	assert_int_equal(res.present, 1);
	assert_int_equal(ctx.deal.nholidays, 4);
	assert_int_equal(ctx.deal.holidays[0], D("2026-01-01"));
	assert_int_equal(ctx.deal.holidays[1], D("2026-12-25"));
	assert_int_equal(ctx.deal.holidays[2], D("2026-12-26"));
	assert_int_equal(ctx.deal.holidays[3], D("2027-01-01"));

	/* Nothing to add is no error. */
	verb_call_init(&c, V_HOLIDAYS, NULL);
	run_ok(&ctx, &c, &res);
	assert_int_equal(res.added, 0);
	assert_int_equal(res.present, 0);
	assert_string_equal(verb_name(V_HOLIDAYS, NULL),
			    "deal holidays import");
	deal_ctx_release(&ctx);
}

/* ---- validation after a verb --------------------------------------------- */

static void
test_validation(void **state)
{
	struct deal_ctx ctx;
	struct verb_call c;
	struct tw_error err;
	struct validation_site site;

	(void)state;
	ctx_setup(&ctx);

	verb_call_init(&c, V_ADD, CRIT);
	give(&c, "key", "errors");
	give(&c, "direction", "at_least");
	give(&c, "required", "0");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "required value must be greater than 0, got 0");
	assert_int_equal(site.entity, ENT_CRITERION);
	assert_int_equal(site.index, 3);
	assert_string_equal(site.field, "at_least");
	deal_ctx_release(&ctx);

	ctx_setup(&ctx);
	verb_call_init(&c, V_SET, CRIT);
	c.key = "tput";
	give(&c, "required", "-5");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_CRITERION);
	assert_int_equal(site.index, 1);
	deal_ctx_release(&ctx);

	ctx_setup(&ctx);
	verb_call_init(&c, V_ADD, EVENT);
	give(&c, "key", "signoff");
	give(&c, "kind", "commercial");
	give(&c, "title", "Sign-off");
	give(&c, "after", "ghost");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "event 'signoff' follows unknown event 'ghost'");
	assert_int_equal(site.entity, ENT_EVENT);
	assert_int_equal(site.index, 3);
	assert_string_equal(site.field, "after");
	deal_ctx_release(&ctx);

	/* A cycle through set. */
	ctx_setup(&ctx);
	verb_call_init(&c, V_SET, EVENT);
	c.key = "kickoff";
	give(&c, "after", "readout");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_EVENT);
	assert_string_equal(site.field, "after");
	deal_ctx_release(&ctx);

	/* A key the validator refuses. */
	ctx_setup(&ctx);
	verb_call_init(&c, V_ADD, RISK);
	give(&c, "key", "Big Risk");
	give(&c, "title", "Big");
	give(&c, "deadline", "2027-01-01");
	give(&c, "duration", "1w");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_RISK);
	assert_int_equal(site.index, 2);
	assert_string_equal(site.field, "key");
	deal_ctx_release(&ctx);

	/* A phase on an unknown criterion, and phase 0. */
	ctx_setup(&ctx);
	verb_call_init(&c, V_SET, PHASE);
	c.key = "3";
	give(&c, "criteria", "p95, nope");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "phase 3 rests on unknown criterion 'nope'");
	assert_int_equal(site.entity, ENT_PHASE);
	assert_int_equal(site.index, 2);
	assert_string_equal(site.field, "criteria");
	deal_ctx_release(&ctx);

	ctx_setup(&ctx);
	verb_call_init(&c, V_ADD, PHASE);
	give(&c, "number", "0");
	give(&c, "name", "Zero");
	assert_int_equal(run(&ctx, &c, NULL, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_PHASE);
	assert_string_equal(site.field, "number");
	deal_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_give_text),
		cmocka_unit_test(test_store_only),
		cmocka_unit_test(test_deal_create),
		cmocka_unit_test(test_deal_set),
		cmocka_unit_test(test_deal_close),
		cmocka_unit_test(test_deal_reopen),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_refused),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_set_refused),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_remove_referenced),
		cmocka_unit_test(test_remove_force_positions),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_done),
		cmocka_unit_test(test_plan_apply),
		cmocka_unit_test(test_snooze),
		cmocka_unit_test(test_touch),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_validation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
