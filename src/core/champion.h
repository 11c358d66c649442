/*
 * The champion's side of the mutual action plan (issue 16): the share
 * links of a deal as the deal knows them, and each opening of the share
 * page. Verbs (core/actions.h) like every other change, so a view is a
 * write that re-evaluates the deal and keeps its findings valid.
 *
 * core/: libc and util only.
 */
#ifndef TW_CORE_CHAMPION_H
#define TW_CORE_CHAMPION_H

#include "core/actions.h"

/*
 * The first opening of a link, and the first after more than this many
 * business days without one, are worth telling (share.opened).
 */
#define SHARE_QUIET_BDAYS 5

/* V_LINK_ADD, V_LINK_REMOVE and V_VIEW (dispatched by verb_run). */
int champion_verb(struct deal_ctx *ctx, const struct verb_call *c,
		  struct verb_result *res, struct tw_error *err);

/*
 * Seconds since 1970 of a UTC "YYYY-MM-DDTHH:MM:SSZ" (history's form),
 * and its day in *day (may be NULL); -1 when it is not one.
 */
long long champion_stamp_seconds(const char *at, tw_date *day);

/* Who a share link's actions are by in history: "champion via share link 3". */
#define CHAMPION_ACTOR_FMT "champion via share link %d"

#endif
