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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_link_add_remove),
		cmocka_unit_test(test_views),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
