/*
 * Criterion evaluation: status, headroom, growth capacity, and whether the
 * measured result absorbs the prospect's projected growth (DESIGN.md).
 */
#ifndef TW_CRITERION_H
#define TW_CRITERION_H

#include <stdbool.h>

#include "core/model.h"

enum crit_status { CRIT_PENDING, CRIT_PASS, CRIT_FAIL };

/* Tri-state for JSON booleans that may be null. */
enum tristate { TRI_NULL = -1, TRI_FALSE = 0, TRI_TRUE = 1 };

struct criterion_eval {
	enum crit_status status;
	bool has_headroom;		/* false while pending */
	double headroom_pct;
	/*
	 * Growth capacity: false while pending, when unbounded, and for a
	 * criterion that does not scale with load.
	 */
	bool has_growth_capacity;
	double growth_capacity_pct;
	/* A pass no workload growth can undo: measured 0, at most. */
	bool unbounded;
	/*
	 * TRI_NULL without projected growth, and for a criterion that does
	 * not scale with load (growth says nothing about it).
	 */
	enum tristate scales;
};

void criterion_evaluate(const struct criterion *c, struct criterion_eval *out);
const char *crit_status_name(enum crit_status s);

#endif
