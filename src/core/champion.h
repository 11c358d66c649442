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

/*
 * V_LINK_ADD, V_LINK_REMOVE, V_VIEW and the champion's actions on the
 * share page (dispatched by verb_run):
 *   V_STEP_DONE  a buyer-side step done, on a day not after today;
 *   V_PROPOSE    a new date for a shared step, not in the past, with a
 *                note: kept beside the step (proposed, proposed_note,
 *                proposed_on), it changes nothing until the team answers;
 *   V_CONFIRM    the plan confirmed, with the name the champion typed.
 * A share link sees only the shared steps of its deal: an internal step
 * is as unknown as another deal's (TW_ENOTFOUND), a seller-side step's
 * done state is refused (TW_EINPUT). A refusal of one input starts
 * "--on: ", "--date: ", "--note: " or "--name: ", for a form to show at
 * its field.
 */
int champion_verb(struct deal_ctx *ctx, const struct verb_call *c,
		  struct verb_result *res, struct tw_error *err);
/*
 * V_ACCEPT and V_DECLINE: the team's answer to a proposed date. Accepting
 * makes it the event's date; either drops the proposal. TW_EINPUT when
 * the event has none.
 */
int champion_answer(struct deal_ctx *ctx, const struct verb_call *c,
		    struct verb_result *res, struct tw_error *err);

/*
 * Seconds since 1970 of a UTC "YYYY-MM-DDTHH:MM:SSZ" (history's form),
 * and its day in *day (may be NULL); -1 when it is not one.
 */
long long champion_stamp_seconds(const char *at, tw_date *day);

/* Who a share link's actions are by in history: "champion via share link 3". */
#define CHAMPION_ACTOR_FMT "champion via share link %d"
/* The longest name the champion may type to confirm the plan. */
#define CHAMPION_NAME_MAX 100
/* The longest note with a proposed date. */
#define CHAMPION_NOTE_MAX 500

#endif
