/*
 * Timeline compression (practice 2): once every criterion passes, the
 * technical win date and the commercial steps that follow it, dated from the
 * deal's playbook (or the workspace's, or the built-in default one) in
 * business days.
 */
#ifndef TW_COMMERCIAL_H
#define TW_COMMERCIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/strbuf.h"

struct plan_step {
	const char *title;	/* borrowed from the playbook */
	enum event_kind kind;
	tw_date date;
	/*
	 * The step's key: the playbook's, else "plan-<title in [a-z0-9-]>"
	 * ("-2", "-3" for titles that give the same one). Owned by the plan.
	 */
	char *key;
	const char *owner;	/* "ae", "se" or NULL (borrowed) */
};

struct commercial_plan {
	tw_date technical_win;	/* DATE_NONE while anything blocks it */
	const char **blocking;	/* keys of pending or failing criteria */
	size_t nblocking;
	struct plan_step *steps;	/* empty without a technical win */
	size_t nsteps;
	tw_date contract_target;	/* the last step's date */
};

/*
 * The technical win is the measured_on date of the last criterion to pass,
 * once all pass (a deal without criteria has none). Each step is dated
 * win + offset business days, plus the deal's procurement days when the
 * step says so. h holds the deal's and the workspace's holidays.
 */
void commercial_plan_compute(const struct deal *d, const struct holidays *h,
			     struct commercial_plan *out);
void commercial_plan_release(struct commercial_plan *p);

/*
 * The event of d that already stands for step s of a plan, or NULL: the
 * event plan --apply made from it (its step is s's key), or an event of
 * s's kind keyed like s or with a similar title (the same words once case
 * and punctuation are put aside, one title's words within the other's, or
 * two letters apart) planned within 1 business day of s.
 */
const struct event *commercial_step_covered(const struct deal *d,
					    const struct plan_step *s,
					    const struct holidays *h);
/* out[i]: whether step i of p is covered (p->nsteps entries). */
void commercial_plan_applied(const struct deal *d,
			     const struct commercial_plan *p,
			     const struct holidays *h, bool *out);
/*
 * The contract execution target of d by today: the date of the event
 * `plan --apply` made of p's last step (its done date once done by today)
 * when it stands and is dated, else p->contract_target (DATE_NONE without
 * a technical win). *applied says whether it is the event's.
 */
tw_date commercial_contract_target(const struct deal *d,
				   const struct commercial_plan *p,
				   tw_date today, bool *applied);
/*
 * Add each step of the plan that no event covers as a planned event of d:
 * its kind from the playbook, keyed by the step's key ("-2", "-3" when
 * another event holds it), its step the step's key, its owner the deal's
 * AE or SE as the step says. Applying twice adds nothing. *added counts
 * the new events, the last *added of d's. TW_EINPUT without a technical
 * win. h holds the deal's and the workspace's holidays.
 */
int commercial_plan_apply(struct deal *d, const struct holidays *h,
			  size_t *added, struct tw_error *err);

/* The built-in playbook, for a workspace without one (borrowed, static). */
const struct step *default_playbook(size_t *n);
/*
 * The playbook d's plan is dated from (borrowed): its own, else the
 * workspace's that h carries, else the built-in default. h may be NULL.
 */
const struct step *commercial_playbook(const struct deal *d,
				       const struct holidays *h, size_t *n);
/*
 * A copy of n steps (NULL when n is 0), and its release: what a workspace
 * keeps of a playbook it loaded or is given.
 */
struct step *playbook_copy(const struct step *steps, size_t n);
void playbook_free(struct step *steps, size_t n);
/*
 * The steps on one line, for the history: "Executive summary +2 (key
 * exec-summary, SE); Contract execution target +6 plus procurement
 * (technical, AE)". Empty for none.
 */
void playbook_describe(const struct step *steps, size_t n, struct strbuf *out);

#endif
