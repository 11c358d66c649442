/*
 * The momentum check (practice 5 and the failure mode): findings that say
 * where a technical win is losing its commercial value, and the win's
 * freshness. Pure: the caller chooses the deals and the settings.
 */
#ifndef TW_MOMENTUM_H
#define TW_MOMENTUM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

enum severity { SEV_ERROR, SEV_WARNING };

struct momentum_settings {
	int max_gap;		/* business days; default 5 */
	double half_life;	/* business days; default 10 */
};
#define MOMENTUM_DEFAULT_MAX_GAP 5
#define MOMENTUM_DEFAULT_HALF_LIFE 10.0

struct finding {
	const char *rule;	/* stable id: "no-commercial-followup", ... */
	enum severity severity;
	char *subject;		/* the criterion, event, risk or phase */
	char *message;
	tw_date date;		/* the date the finding is about */
};

struct momentum_report {
	struct finding *findings;	/* most severe first, then by date */
	size_t n;
	bool has_freshness;		/* only with a technical win */
	double freshness;		/* 0..100 */
};

void momentum_check(const struct deal *d, tw_date today,
		    const struct holidays *h,
		    const struct momentum_settings *s,
		    struct momentum_report *out);
void momentum_report_release(struct momentum_report *r);

const char *severity_name(enum severity s);

/*
 * 100 x 0.5^(business days since the win / half_life), or 100 once a
 * commercial event is done on or after the win.
 */
double freshness_score(const struct deal *d, tw_date win, tw_date today,
		       const struct holidays *h, double half_life);

#endif
