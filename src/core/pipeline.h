/*
 * The momentum check over a pipeline (techwin check, GET /api/check): one
 * momentum report per deal, every finding in the pipeline's order (errors,
 * then warnings, then what is snoozed; by deal, then in the core's order
 * within a deal), and whether an error that is not snoozed was found.
 */
#ifndef TW_PIPELINE_H
#define TW_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/momentum.h"

struct pipeline_deal {
	const struct deal *deal;		/* borrowed */
	struct momentum_report report;
};

struct pipeline_finding {
	const struct deal *deal;		/* borrowed */
	const struct finding *f;		/* in its deal's report */
	size_t index;				/* in that report */
};

struct pipeline_check {
	struct pipeline_deal *deals;		/* in the order given */
	size_t n;
	struct pipeline_finding *findings;	/* pipeline order */
	size_t nfindings;
	bool failed;		/* an error that is not snoozed */
};

/*
 * Check deals[0..n-1] as of today; each deal's business days skip its own
 * holidays and ws's (ws may be NULL). The result borrows from deals.
 */
void pipeline_check_run(const struct deal *deals, size_t n,
			const struct holidays *ws, tw_date today,
			const struct momentum_settings *s,
			struct pipeline_check *out);
void pipeline_check_release(struct pipeline_check *pc);

#endif
