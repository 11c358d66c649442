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

int
store_link_run(struct store *st, const char *slug, long long link,
	       enum verb v, tw_date today, tw_date expires, const char *at,
	       struct verb_result *res, struct tw_error *err)
{
	struct verb_result ignored;
	struct verb_call c;
	struct deal_ctx ctx;
	char actor[64], *was = NULL;
	int r;

	char stamp[32];

	if (!res)
		res = &ignored;
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
		was = xstrdup_or_null(store_actor(st));
		snprintf(actor, sizeof(actor), CHAMPION_ACTOR_FMT, c.link);
		store_set_actor(st, actor);
	}
	deal_ctx_init(&ctx, today, store_actor(st));
	r = store_run_verb(st, slug, &c, &ctx, res, NULL, err);
	if (r == 0 && v == V_VIEW && res->raised) {
		char subject[32];

		snprintf(subject, sizeof(subject), "link %d", c.link);
		r = champion_event(st, slug, "share.opened", subject, err);
	}
	if (v == V_VIEW) {
		store_set_actor(st, was);
		free(was);
	}
	deal_ctx_release(&ctx);
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
