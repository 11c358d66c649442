/*
 * Unit tests for src/core/champion.c: a share link's row on the deal and
 * the views of the share page, counted once within 30 minutes, worth
 * telling (share.opened) the first time and after more than 5 business
 * days without one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/champion.h"
#include "helpers.h"
#include "util/xalloc.h"

/* A deal with no share link yet, as of today (no holidays but h). */
static void
setup_ctx(struct deal_ctx *ctx, const char *today)
{
	deal_ctx_init(ctx, D(today), "tester");
	ctx->deal.slug = xstrdup("acme");
	ctx->deal.account = xstrdup("Acme");
}

static int
run(struct deal_ctx *ctx, enum verb v, int link, const char *at,
    struct verb_result *res)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	verb_call_init(&c, v, NULL);
	c.link = link;
	c.at = at;
	c.until = D("2027-02-24");
	r = verb_run(ctx, &c, res, NULL, &err);
	verb_call_release(&c);
	return r;
}

static void
test_stamp(void **state)
{
	tw_date day = DATE_NONE;

	(void)state;
	assert_int_equal(champion_stamp_seconds("1970-01-02T00:00:01Z", &day),
			 86401);
	assert_date(day, "1970-01-02");
	assert_int_equal(champion_stamp_seconds("2026-11-26T10:42:00", NULL),
			 -1);
	assert_int_equal(champion_stamp_seconds("2026-11-26 10:42:00Z", NULL),
			 -1);
	assert_int_equal(champion_stamp_seconds("2026-11-26T24:00:00Z", NULL),
			 -1);
	assert_int_equal(champion_stamp_seconds(NULL, NULL), -1);
}

static void
test_link_add_remove(void **state)
{
	struct deal_ctx ctx;

	(void)state;
	setup_ctx(&ctx, "2026-11-26");
	assert_int_equal(run(&ctx, V_LINK_ADD, 3, NULL, NULL), 0);
	assert_int_equal(ctx.deal.nlinks, 1);
	assert_int_equal(ctx.deal.links[0].id, 3);
	assert_date(ctx.deal.links[0].made, "2026-11-26");
	assert_date(ctx.deal.links[0].expires, "2027-02-24");
	assert_int_equal(ctx.deal.links[0].views, 0);
	assert_int_equal(run(&ctx, V_LINK_ADD, 4, NULL, NULL), 0);
	assert_int_equal(run(&ctx, V_LINK_REMOVE, 3, NULL, NULL), 0);
	assert_int_equal(ctx.deal.nlinks, 1);
	assert_int_equal(ctx.deal.links[0].id, 4);
	/* Revoking a link the deal never knew (made before) is no error. */
	assert_int_equal(run(&ctx, V_LINK_REMOVE, 9, NULL, NULL), 0);
	assert_int_equal(run(&ctx, V_LINK_ADD, 0, NULL, NULL), TW_EINPUT);
	deal_ctx_release(&ctx);
}

static void
test_views(void **state)
{
	struct deal_ctx ctx;
	struct verb_result res;
	struct link *l;

	(void)state;
	setup_ctx(&ctx, "2026-11-26");	/* a Thursday */
	assert_int_equal(run(&ctx, V_LINK_ADD, 1, NULL, NULL), 0);
	/* The first opening counts and is worth telling. */
	assert_int_equal(run(&ctx, V_VIEW, 1, "2026-11-26T10:00:00Z", &res),
			 0);
	l = &ctx.deal.links[0];
	assert_true(res.counted && res.raised);
	assert_int_equal(l->views, 1);
	assert_date(l->opened, "2026-11-26");
	assert_string_equal(l->last_viewed, "2026-11-26T10:00:00Z");
	/* Within 30 minutes: nothing changes. */
	assert_int_equal(run(&ctx, V_VIEW, 1, "2026-11-26T10:29:59Z", &res),
			 0);
	assert_false(res.counted || res.raised);
	assert_int_equal(l->views, 1);
	assert_string_equal(l->last_viewed, "2026-11-26T10:00:00Z");
	/* 30 minutes after the last one counted: counted, not raised. */
	assert_int_equal(run(&ctx, V_VIEW, 1, "2026-11-26T10:30:00Z", &res),
			 0);
	assert_true(res.counted);
	assert_false(res.raised);
	assert_int_equal(l->views, 2);
	assert_date(l->opened, "2026-11-26");

	/*
	 * Exactly 5 business days later (Thu -> next Thu) is not "more than
	 * 5 without one"; 6 (the Friday) is. A view with no row makes one.
	 */
	deal_ctx_release(&ctx);
	setup_ctx(&ctx, "2026-12-03");
	l = deal_add_link(&ctx.deal);
	l->id = 2;
	l->views = 1;
	l->last_viewed = xstrdup("2026-11-26T10:00:00Z");
	assert_int_equal(run(&ctx, V_VIEW, 2, "2026-12-03T09:00:00Z", &res),
			 0);
	assert_true(res.counted);
	assert_false(res.raised);
	xstrset(&ctx.deal.links[0].last_viewed, "2026-11-26T10:00:00Z");
	ctx.today = D("2026-12-04");
	assert_int_equal(run(&ctx, V_VIEW, 2, "2026-12-04T09:00:00Z", &res),
			 0);
	assert_true(res.counted && res.raised);
	/* A link the deal did not know yet gets its row on its first view. */
	assert_int_equal(run(&ctx, V_VIEW, 7, "2026-12-04T09:00:00Z", &res),
			 0);
	assert_true(res.raised);
	assert_non_null(deal_find_link(&ctx.deal, 7));
	assert_int_equal(run(&ctx, V_VIEW, 7, "yesterday", &res), TW_EINPUT);
	deal_ctx_release(&ctx);
}

/* A deal with a shared buyer step, a seller step and an internal one. */
static void
setup_steps(struct deal_ctx *ctx)
{
	static const struct {
		const char *key;
		enum event_side side;
		bool internal;
		enum event_kind kind;
	} steps[] = {
		{ "sec-review", SIDE_BUYER, false, EVENT_COMMERCIAL },
		{ "demo", SIDE_SELLER, false, EVENT_TECHNICAL },
		{ "deal-desk", SIDE_BUYER, true, EVENT_COMMERCIAL },
	};

	setup_ctx(ctx, "2026-11-26");
	for (size_t i = 0; i < 3; i++) {
		struct event *e = deal_add_event(&ctx->deal);

		e->key = xstrdup(steps[i].key);
		e->title = xstrdup(steps[i].key);
		e->side = steps[i].side;
		e->internal = steps[i].internal;
		e->kind = steps[i].kind;
		e->date = D("2026-12-02");
	}
}

/* Run v by link 1 on key with on and text; the error's message in msg. */
static int
act(struct deal_ctx *ctx, enum verb v, const char *key, const char *on,
    const char *text, char *msg, size_t n)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	verb_call_init(&c, v, NULL);
	c.link = 1;
	c.key = key;
	c.on = on ? D(on) : DATE_NONE;
	c.reason = text;
	r = verb_run(ctx, &c, NULL, NULL, &err);
	if (msg)
		snprintf(msg, n, "%s", r < 0 ? err.msg : "");
	verb_call_release(&c);
	return r;
}

static void
test_step_done(void **state)
{
	struct deal_ctx ctx;
	char msg[1100];

	(void)state;
	setup_steps(&ctx);
	/* Our step, an internal one, another deal's: refused. */
	assert_int_equal(act(&ctx, V_STEP_DONE, "demo", NULL, NULL, msg,
			     sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "'demo' is a step on our side: we mark it "
			    "done");
	assert_int_equal(act(&ctx, V_STEP_DONE, "deal-desk", NULL, NULL, msg,
			     sizeof(msg)), TW_ENOTFOUND);
	assert_string_equal(msg, "this plan has no step 'deal-desk'");
	assert_int_equal(act(&ctx, V_STEP_DONE, "other", NULL, NULL, msg,
			     sizeof(msg)), TW_ENOTFOUND);
	assert_string_equal(msg, "this plan has no step 'other'");
	/* Not after today. */
	assert_int_equal(act(&ctx, V_STEP_DONE, "sec-review", "2026-11-27",
			     NULL, msg, sizeof(msg)), TW_EINPUT);
	assert_true(!strncmp(msg, "--on: 2026-11-27 is after today", 31));
	assert_int_equal(ctx.deal.events[0].done, DATE_NONE);
	assert_int_equal(act(&ctx, V_STEP_DONE, "sec-review", "2026-11-25",
			     NULL, NULL, 0), 0);
	assert_date(ctx.deal.events[0].done, "2026-11-25");
	assert_int_equal(act(&ctx, V_STEP_DONE, "sec-review", NULL, NULL, msg,
			     sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "'sec-review' is done already (2026-11-25)");
	deal_ctx_release(&ctx);
}

static void
test_propose_accept_decline(void **state)
{
	struct deal_ctx ctx;
	struct event *e;
	char msg[1100];

	(void)state;
	setup_steps(&ctx);
	e = &ctx.deal.events[1];
	/* Any shared step, ours too; not an internal one. */
	assert_int_equal(act(&ctx, V_PROPOSE, "deal-desk", "2026-12-09",
			     "later", NULL, 0), TW_ENOTFOUND);
	assert_int_equal(act(&ctx, V_PROPOSE, "demo", NULL, "later", msg,
			     sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "--date: enter the date you propose");
	assert_int_equal(act(&ctx, V_PROPOSE, "demo", "2026-11-25", "later",
			     msg, sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "--date: 2026-11-25 is in the past (today "
			    "is 2026-11-26)");
	assert_int_equal(act(&ctx, V_PROPOSE, "demo", "2026-12-02", "later",
			     msg, sizeof(msg)), TW_EINPUT);
	assert_int_equal(act(&ctx, V_PROPOSE, "demo", "2026-12-09", "  ",
			     msg, sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "--note: say why the date moves");
	assert_int_equal(e->proposed, DATE_NONE);
	assert_int_equal(act(&ctx, V_PROPOSE, "demo", "2026-12-09",
			     " Our CISO is out ", NULL, 0), 0);
	assert_date(e->proposed, "2026-12-09");
	assert_date(e->proposed_on, "2026-11-26");
	assert_string_equal(e->proposed_note, "Our CISO is out");
	/* A proposal changes nothing until the team accepts it. */
	assert_date(e->date, "2026-12-02");
	assert_int_equal(act(&ctx, V_ACCEPT, "demo", NULL, NULL, NULL, 0), 0);
	assert_date(e->date, "2026-12-09");
	assert_int_equal(e->proposed, DATE_NONE);
	assert_null(e->proposed_note);
	assert_int_equal(act(&ctx, V_ACCEPT, "demo", NULL, NULL, msg,
			     sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "event 'demo' has no proposed date to "
			    "accept");
	assert_int_equal(act(&ctx, V_PROPOSE, "sec-review", "2026-12-10",
			     "legal", NULL, 0), 0);
	assert_int_equal(act(&ctx, V_DECLINE, "sec-review", NULL, NULL, NULL,
			     0), 0);
	assert_date(ctx.deal.events[0].date, "2026-12-02");
	assert_int_equal(ctx.deal.events[0].proposed, DATE_NONE);
	assert_int_equal(act(&ctx, V_DECLINE, "nope", NULL, NULL, NULL, 0),
			 TW_ENOTFOUND);
	/* A done step has no date to move. */
	ctx.deal.events[0].done = D("2026-11-20");
	assert_int_equal(act(&ctx, V_PROPOSE, "sec-review", "2026-12-10",
			     "legal", NULL, 0), TW_EINPUT);
	deal_ctx_release(&ctx);
}

static void
test_confirm(void **state)
{
	struct deal_ctx ctx;
	struct momentum_report rep;
	char msg[1100], longname[CHAMPION_NAME_MAX + 2];

	(void)state;
	setup_steps(&ctx);
	assert_int_equal(act(&ctx, V_CONFIRM, NULL, NULL, " ", msg,
			     sizeof(msg)), TW_EINPUT);
	assert_string_equal(msg, "--name: type your name to confirm the plan");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(act(&ctx, V_CONFIRM, NULL, NULL, longname, NULL, 0),
			 TW_EINPUT);
	assert_null(ctx.deal.confirmed_by);
	assert_int_equal(act(&ctx, V_CONFIRM, NULL, NULL, "Dana Cho", NULL,
			     0), 0);
	assert_string_equal(ctx.deal.confirmed_by, "Dana Cho");
	assert_date(ctx.deal.confirmed_on, "2026-11-26");
	/* Confirming the plan is a touch: it moves the progress date P. */
	assert_date(momentum_progress(&ctx.deal, D("2026-11-02"),
				      D("2026-11-26")), "2026-11-26");
	assert_date(momentum_progress(&ctx.deal, D("2026-11-02"),
				      D("2026-11-25")), "2026-11-02");
	momentum_check(&ctx.deal, D("2026-11-25"), &ctx.hol, &ctx.settings,
		       &rep);
	assert_date(rep.recheck_on, "2026-11-26");
	momentum_report_release(&rep);
	/* No link, no action. */
	struct tw_error err = { 0 };
	struct verb_call c;

	verb_call_init(&c, V_CONFIRM, NULL);
	c.reason = "Dana";
	assert_int_equal(verb_run(&ctx, &c, NULL, NULL, &err), TW_EINPUT);
	verb_call_release(&c);
	deal_ctx_release(&ctx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_link_add_remove),
		cmocka_unit_test(test_views),
		cmocka_unit_test(test_step_done),
		cmocka_unit_test(test_propose_accept_decline),
		cmocka_unit_test(test_confirm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
