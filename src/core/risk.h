/*
 * Risk back-scheduling: from a deadline, its buffer and the implementation
 * duration to the latest safe start date and the slack left today, and from
 * there to the commercial deadline (seed practice 3): the day the contract
 * must be signed and the day its review must begin.
 */
#ifndef TW_RISK_H
#define TW_RISK_H

#include <stdbool.h>

#include "core/model.h"
#include "util/strbuf.h"

struct risk_eval {
	tw_date go_live_by;	/* deadline - buffer */
	tw_date latest_start;	/* go_live_by - duration */
	int slack_days;		/* latest_start - today, calendar days */
	bool at_risk;		/* slack < 0 */
	/*
	 * The latest business day on or before latest_start: the
	 * implementation cannot start before the contract is signed.
	 */
	tw_date sign_by;
	/* sign_by - procurement days (business days): review begins. */
	tw_date review_by;
};

/*
 * The back-schedule of r as of today; h holds the business days' holidays.
 * review_by counts no procurement days (it is sign_by): risk_evaluate_deal
 * counts the deal's. Every date is DATE_NONE without a deadline.
 */
void risk_evaluate(const struct risk *r, tw_date today,
		   const struct holidays *h, struct risk_eval *out);

/*
 * The deal's procurement lead time in business days: procurement_days, or
 * 0 when it is not on record, as the plan's contract target counts it.
 */
int deal_procurement_bdays(const struct deal *d);

/* risk_evaluate, with review_by = sign_by - d's procurement days. */
void risk_evaluate_deal(const struct deal *d, const struct risk *r,
			tw_date today, const struct holidays *h,
			struct risk_eval *out);

/*
 * The risk of d with a deadline whose sign_by comes first (the first of
 * equals), evaluated into *ev; NULL when no risk has a deadline.
 */
const struct risk *deal_first_sign_by(const struct deal *d, tw_date today,
				      const struct holidays *h,
				      struct risk_eval *ev);

/*
 * A phase that addresses a risk (its risks) and, started on a day, ends
 * after that risk's go_live_by: the implementation lands too late.
 */
struct phase_late {
	const struct phase *phase;
	const struct risk *risk;
	tw_date end;		/* start + the phase's duration */
	tw_date go_live_by;
};

/*
 * Every such phase and risk of d with the phases started on start (the
 * contract target), in phase order; *n of them, in an array the caller
 * frees (NULL when none). A phase without a duration has no end.
 */
struct phase_late *phases_late(const struct deal *d, tw_date start,
			       tw_date today, const struct holidays *h,
			       size_t *n);

/*
 * The seed's sentence: "To be live by Oct 15 the contract must be signed
 * by Fri Jul 30; contract review must begin by Jul 16." A date outside
 * the year of today carries its year ("Jan 12, 2027"). Once review_by is
 * past it says review "had to begin by Jul 16, so it must begin now"; once
 * sign_by is past, the contract "had to be signed by Fri Jul 30, a date
 * that has passed".
 */
void risk_deadline_sentence(struct strbuf *sb, const struct risk_eval *ev,
			    tw_date today);
/*
 * That sentence for the risk of d whose contract must be signed first,
 * after a space when sb is not empty: for an open deal with a risk that
 * has a deadline, else nothing. For the documents (summary, proposal).
 */
void deal_deadline_sentence(struct strbuf *sb, const struct deal *d,
			    tw_date today, const struct holidays *h);

#endif
