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
#include "util/strbuf.h"

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
	bool failed;		/* an error not snoozed nor acknowledged */
};

/*
 * One deal's check as of today: its business days skip its own holidays
 * and ws's (ws may be NULL). When h is not NULL, it gets those merged
 * holidays (*buf, the caller frees it); else they are freed here.
 */
void pipeline_check_deal(const struct deal *d, const struct holidays *ws,
			 tw_date today, const struct momentum_settings *s,
			 struct momentum_report *out, struct holidays *h,
			 tw_date **buf);

/*
 * A finding's place in the pipeline's order: errors (0), warnings (1),
 * then what is snoozed or acknowledged: errors (2), warnings (3).
 */
#define FINDING_RANKS 4
int finding_rank(const struct finding *f);

/*
 * The message as check prints it: a snoozed or acknowledged one says
 * until when and why (and an acknowledged one, who).
 */
void finding_message(struct strbuf *sb, const struct deal *d,
		     const struct finding *f);

/* The SEVERITY column: "error", "warning", "snoozed" or "acknowledged". */
const char *finding_state(const struct finding *f);

/* An error neither snoozed nor acknowledged: check exits 1. */
static inline bool
finding_fails(const struct finding *f)
{
	return f->severity == SEV_ERROR && !f->snoozed && !f->acknowledged;
}

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
