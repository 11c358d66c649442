/*
 * A share link's row on its deal (issue 16): the verbs V_LINK_ADD,
 * V_LINK_REMOVE and V_VIEW (core/champion.h) run through the store, so
 * each re-evaluates the deal in the transaction that writes it.
 */
#ifndef TW_STORE_LINKS_H
#define TW_STORE_LINKS_H

#include "core/actions.h"
#include "store/store.h"

/*
 * Run verb v (V_LINK_ADD, V_LINK_REMOVE, V_VIEW) on link of the deal
 * slug as of today: expires for V_LINK_ADD, at (UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; NULL: now) for V_VIEW, whose history rows name
 * the actor
 * "champion via share link N". res may be NULL. In the caller's
 * transaction when one is open, else in one of its own.
 */
int store_link_run(struct store *st, const char *slug, long long link,
		   enum verb v, tw_date today, tw_date expires,
		   const char *at, struct verb_result *res,
		   struct tw_error *err);

/*
 * A verb the champion runs through share link c->link (V_VIEW,
 * V_STEP_DONE, V_PROPOSE, V_CONFIRM) on the deal slug as of today: its
 * history rows name the actor "champion via share link N", and what it
 * is worth telling goes to the outbox (share.opened when res->raised,
 * champion.step_done and champion.date_proposed about the step's key,
 * champion.plan_confirmed about "link N"), in the verb's transaction:
 * the caller's when one is open, else one of its own. res may be NULL.
 */
int store_champion_run(struct store *st, const char *slug,
		       const struct verb_call *c, tw_date today,
		       struct verb_result *res, struct tw_error *err);

/*
 * What a champion's action on the deal slug is worth telling: one call
 * site per kind ("share.opened", "champion.step_done",
 * "champion.date_proposed", "champion.plan_confirmed"), in the action's
 * transaction. subject names what it is about ("link 3", an event key).
 */
int champion_event(struct store *st, const char *slug, const char *kind,
		   const char *subject, struct tw_error *err);

#endif
