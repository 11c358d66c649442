/*
 * Risk back-scheduling (DESIGN.md): go_live_by = deadline - buffer,
 * latest_start = go_live_by - duration, slack = latest_start - today.
 */
#include "core/risk.h"

void
risk_evaluate(const struct risk *r, tw_date today, const struct holidays *h,
	      struct risk_eval *out)
{
	/* Without a deadline there is nothing to schedule back from. */
	if (r->deadline == DATE_NONE) {
		out->go_live_by = DATE_NONE;
		out->latest_start = DATE_NONE;
		out->slack_days = 0;
		out->at_risk = false;
		return;
	}
	out->go_live_by = date_sub_duration(r->deadline, &r->buffer, h);
	out->latest_start = date_sub_duration(out->go_live_by, &r->duration, h);
	out->slack_days = out->latest_start - today;
	out->at_risk = out->slack_days < 0;
}
