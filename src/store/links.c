/*
 * Share links on their deal (store/links.h).
 */
#include "store/links.h"
#include "core/champion.h"
#include "store/deals.h"
#include "store/notify.h"
#include "store/store-internal.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What each of the champion's verbs is worth telling, and about what. */
static int
champion_raise(struct store *st, const char *slug, const struct verb_call *c,
	       const struct verb_result *res, struct tw_error *err)
{
	char subject[32];

	snprintf(subject, sizeof(subject), "link %d", c->link);
	switch (c->verb) {
	case V_VIEW:
		return res->raised ? champion_event(st, slug, "share.opened",
						    subject, err)
				   : 0;
	case V_STEP_DONE:
		return champion_event(st, slug, "champion.step_done", c->key,
				      err);
	case V_PROPOSE:
		return champion_event(st, slug, "champion.date_proposed",
				      c->key, err);
	case V_CONFIRM:
		return champion_event(st, slug, "champion.plan_confirmed",
				      subject, err);
	default:
		return 0;
	}
}

int
store_champion_run(struct store *st, const char *slug,
		   const struct verb_call *c, tw_date today,
		   struct verb_result *res, struct tw_error *err)
{
	struct verb_result ignored;
	struct deal_ctx ctx;
	char actor[64], *was = xstrdup_or_null(store_actor(st));
	bool own = !st->in_tx;
	int r;

	if (!res)
		res = &ignored;
	snprintf(actor, sizeof(actor), CHAMPION_ACTOR_FMT, c->link);
	store_set_actor(st, actor);
	deal_ctx_init(&ctx, today, actor);
	/* The change and its outbox event go together. */
	if (own && (r = store_begin(st, err)) < 0)
		goto out;
	r = store_run_verb(st, slug, c, &ctx, res, NULL, err);
	if (r == 0)
		r = champion_raise(st, slug, c, res, err);
	if (own && r == 0)
		r = store_commit(st, err);
	if (own && r < 0)
		store_rollback(st);
out:
	store_set_actor(st, was);
	free(was);
	deal_ctx_release(&ctx);
	return r;
}

int
store_link_run(struct store *st, const char *slug, long long link,
	       enum verb v, tw_date today, tw_date expires, const char *at,
	       struct verb_result *res, struct tw_error *err)
{
	struct verb_call c;
	struct deal_ctx ctx;
	char stamp[32];
	int r;

	/* A view happens now, by history's clock (TECHWIN_NOW fixes it). */
	if (v == V_VIEW && !at) {
		st->ops->now(st, stamp, sizeof(stamp));
		at = stamp;
	}
	verb_call_init(&c, v, NULL);
	c.link = (int)link;
	c.until = expires;
	c.at = at;
	if (v == V_VIEW) {
		r = store_champion_run(st, slug, &c, today, res, err);
	} else {
		deal_ctx_init(&ctx, today, store_actor(st));
		r = store_run_verb(st, slug, &c, &ctx, res, NULL, err);
		deal_ctx_release(&ctx);
	}
	verb_call_release(&c);
	return r;
}

/*
 * A champion's action as an outbox event (store/notify.h), in the
 * action's transaction: kind (share.opened, champion.*) and what it was
 * about, {"subject": ...}; webhooks get it as it happens.
 */
int
champion_event(struct store *st, const char *slug, const char *kind,
	       const char *subject, struct tw_error *err)
{
	json_t *o = json_object();

	json_object_set_new(o, "subject", json_string(subject));
	return store_outbox_json(st, kind, slug, o, err);
}
