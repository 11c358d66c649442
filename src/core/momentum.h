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
	int max_gap;		/* business days, >= 0; default 5 */
	double half_life;	/* business days, > 0; default 10 */
	int overdue_grace;	/* business days, >= 0; default 2 */
};
#define MOMENTUM_DEFAULT_MAX_GAP 5
#define MOMENTUM_DEFAULT_HALF_LIFE 10.0
#define MOMENTUM_DEFAULT_OVERDUE_GRACE 2

/* Days a buying-signal message may take after the pass it frames. */
#define MOMENTUM_FRAME_BDAYS 2
/* A risk whose slack is 0 to this many calendar days must start soon. */
#define MOMENTUM_START_SOON_DAYS 10
/* A share link unopened this many business days after it was made. */
#define MOMENTUM_UNOPENED_BDAYS 3
/* A proposed date neither accepted nor declined this many business days. */
#define MOMENTUM_PROPOSED_BDAYS 2

struct finding {
	const char *rule;	/* stable id: "no-commercial-followup", ... */
	enum severity severity;
	bool snoozed;		/* the deal is snoozed: never fails check */
	char *subject;		/* the criterion, event, risk or phase */
	char *message;
	/*
	 * The message as the store keeps it, with what the settings decide
	 * (max_gap, overdue_grace and the windows they end) left as tokens
	 * for finding_render, so that a settings change rewrites only the
	 * findings it really changes. NULL: the message has none.
	 */
	char *stored;
	tw_date date;		/* what the finding is about, or none */
	/*
	 * Set by findings_evaluate() (core/findings.h), not by the rules:
	 * an acknowledgement through ack_until never fails check.
	 */
	bool acknowledged;
	char *ack_by, *ack_reason;
	tw_date ack_until;
	tw_date first_seen;	/* the day it first appeared, or none */
};

struct momentum_report {
	struct finding *findings;	/* most severe first, then by date */
	size_t n, alloc;
	tw_date technical_win;		/* DATE_NONE without a win */
	tw_date progress;		/* P (momentum_progress); DATE_NONE
					   without a win */
	bool has_freshness;		/* only with a technical win */
	double freshness;		/* 0..100, from progress */
	/*
	 * The earliest day after today on which the findings (their rules,
	 * subjects, severities, snoozed flags, messages and dates) or
	 * progress could differ with nothing written: for every t in
	 * [today, recheck_on), momentum_check(d, t) gives the same ones.
	 * Freshness is not among them: it changes every business day and
	 * is computed from progress (freshness_score). DATE_NONE: no later
	 * day changes them.
	 */
	tw_date recheck_on;
};

/*
 * Every rule over one deal as of today. h holds the deal's and the
 * workspace's holidays. Findings of a deal snoozed through today or later
 * carry snoozed = true and keep their severity.
 *
 * Rules (ids are stable; `techwin help check` documents them). Every
 * message states dates and fixed thresholds, never a count that grows by
 * the day, so that it holds until recheck_on:
 *   no-commercial-followup  error    a technical event done more than
 *	max_gap business days ago with no commercial event dated within
 *	max_gap business days after it (a planned one counts)
 *   late-commercial-followup warning the first commercial event after a
 *	done technical event is dated after that window: done late, or
 *	planned late while the window is still open
 *   stale-technical-win  error    the win is more than max_gap business
 *	days old and no commercial event was done on or after it
 *   commercial-step-overdue error a commercial event not done (by today)
 *	whose planned date is more than overdue_grace business days ago
 *	(a buyer-side one is buyer-step-overdue)
 *   no-next-step         error    an open deal with a win, a commercial
 *	event done on or after it, none planned and not done, and more
 *	than max_gap business days since its progress date
 *   unframed-pass        warning  a pass with no buying-signal touch
 *	dated on or after it (by today), once MOMENTUM_FRAME_BDAYS
 *	business days have passed
 *   deadline-at-risk     error    a risk's slack is negative
 *   start-soon           warning  a risk's slack is 0 to
 *	MOMENTUM_START_SOON_DAYS calendar days
 *   commercial-too-late  error    an open deal whose contract execution
 *	target (the applied plan's, else the one computed from the win) is
 *	after the earliest sign_by of its risks (risk.h)
 *   failed-criterion     warning  a failing criterion with no technical
 *	event dated after its measurement
 *   poc-overdue          warning  the POC end is past, criteria pending
 *   phase-unjustified    warning  a phase without a justification or
 *	without criteria
 * The champion's side (issue 16):
 *   plan-unopened        warning  a share link made more than
 *	MOMENTUM_UNOPENED_BDAYS business days ago, not expired, never opened
 *   buyer-step-overdue   warning  a buyer-side event not done whose date
 *	is more than overdue_grace business days ago
 *   date-proposed        warning  a date the champion proposed, neither
 *	accepted nor declined, more than MOMENTUM_PROPOSED_BDAYS business
 *	days after it was proposed
 */
void momentum_check(const struct deal *d, tw_date today,
		    const struct holidays *h,
		    const struct momentum_settings *s,
		    struct momentum_report *out);
void momentum_report_release(struct momentum_report *r);

/*
 * The message kept for f: its stored form when it has one (tokens in
 * place of what the settings decide), else the message itself.
 */
const char *finding_stored(const struct finding *f);

/*
 * Append to out what the kept message text says under the settings s
 * and the business days h: each token (a unit separator, 'g' for
 * max_gap or 'o' for overdue_grace, an optional ISO date, a unit
 * separator) becomes "N business days" or, with a date, the day N
 * business days after it. Anything else, a malformed token included, is
 * copied as it is.
 */
struct strbuf;
bool finding_has_tokens(const char *kept);
void finding_render(const char *kept, const struct momentum_settings *s,
		    const struct holidays *h, struct strbuf *out);

/*
 * Every finding of r whose message is a kept text with tokens gets it
 * as its stored form and the rendered text as its message.
 */
void momentum_report_render(struct momentum_report *r,
			    const struct momentum_settings *s,
			    const struct holidays *h);

const char *severity_name(enum severity s);

/* The deal is snoozed today: a snooze applies through its until date. */
bool deal_is_snoozed(const struct deal *d, tw_date today);

/*
 * The commercial progress date P of a deal whose technical win is win, as
 * of today: the latest of win, the done date of any commercial event done
 * on or after it (and by today), and the date of any touch on or after it
 * (and by today); the day the champion confirmed the plan counts as a
 * touch. A step the champion marked done is done like any other.
 */
tw_date momentum_progress(const struct deal *d, tw_date win, tw_date today);

/*
 * 100 x 0.5^(b / half_life), b the business days since progress (P) as of
 * today (a < x <= today); 100 when b <= 0. It decays from the latest
 * progress: stored findings keep P, and this gives the freshness for any
 * day.
 */
double freshness_score(tw_date progress, tw_date today,
		       const struct holidays *h, double half_life);

#endif
