/*
 * Risk back-scheduling: from a deadline, its buffer and the implementation
 * duration to the latest safe start date and the slack left today.
 */
#ifndef TW_RISK_H
#define TW_RISK_H

#include <stdbool.h>

#include "core/model.h"

struct risk_eval {
	tw_date go_live_by;	/* deadline - buffer */
	tw_date latest_start;	/* go_live_by - duration */
	int slack_days;		/* latest_start - today, calendar days */
	bool at_risk;		/* slack < 0 */
};

void risk_evaluate(const struct risk *r, tw_date today,
		   const struct holidays *h, struct risk_eval *out);

#endif
