/*
 * Cycle-time analytics (the war story: "3 weeks after the POC ended, versus
 * the team average of 8"): days from POC end to close for won deals, team
 * and per-SE summaries, and whether deals that kept their momentum close
 * faster and more often. Pure: the caller loads the deals and the settings.
 */
#ifndef TW_STATS_H
#define TW_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/momentum.h"
#include "util/strbuf.h"

/* Summary of a sample; the figures are meaningful only when n > 0. */
struct stats_summary {
	size_t n;
	double median, mean, p25, p75;
};

/*
 * The p-th percentile (0 <= p <= 100) of sorted[0..n-1], n > 0, by linear
 * interpolation between closest ranks (numpy's default): r = p/100 (n - 1),
 * result = x[floor r] + (r - floor r) (x[floor r + 1] - x[floor r]).
 */
double stats_percentile(const double *sorted, size_t n, double p);
/* n, median, mean, p25 and p75 of v[0..n-1] (v is not changed). */
void stats_summarize(const double *v, size_t n, struct stats_summary *out);

/*
 * Calendar days from the POC end to the close date of a won deal; false
 * when the deal is not won or lacks either date. A close before the POC
 * end gives negative days.
 */
bool deal_cycle_days(const struct deal *d, int *days);

/* The findings that mean a deal lost its momentum. */
bool finding_loses_momentum(const char *rule);

/* A closed deal's momentum at its close date. */
enum close_momentum { CM_KEPT, CM_LOST, CM_UNKNOWN };
/* "kept", "lost", "unknown". */
const char *close_momentum_name(enum close_momentum m);

/*
 * Momentum at close: CM_UNKNOWN when no technical event was done on or
 * before the close date (there was no technical result to keep the
 * momentum of). Otherwise run the momentum rules with today = the close
 * date: CM_KEPT when no no-commercial-followup or stale-technical-win
 * finding comes up, else CM_LOST and *why (when not NULL) names the
 * first such rule (a static string; NULL unless lost). A deal without a
 * close date is judged as of DATE_NONE, so callers pass closed deals only.
 */
enum close_momentum deal_momentum_at_close(const struct deal *d,
					   const struct holidays *h,
					   const struct momentum_settings *s,
					   const char **why);

/*
 * "21 days (3 weeks) vs the rest of the team's 61.8 (8.8 weeks)": day
 * counts with at most one decimal, weeks = days / 7 with at most one
 * decimal; others_mean is the mean of the other won deals.
 */
void stats_vs_team_text(double days, double others_mean, struct strbuf *out);
/* A count of days with at most one decimal ("56", "55.5", "-3"). */
void stats_format_days(double days, struct strbuf *out);
/* days / 7 as "3 weeks", "1 week", "7.9 weeks". */
void stats_format_weeks(double days, struct strbuf *out);

/* One won deal with a cycle time. */
struct cycle_deal {
	const struct deal *deal;	/* borrowed */
	int days;			/* POC end -> close */
	/*
	 * The deal against the rest of the team: the mean of every other
	 * won deal with a cycle time (has_others false when there is none,
	 * and both figures 0).
	 */
	bool has_others;
	double others_mean;
	double vs_team_mean;		/* days - others_mean */
	enum close_momentum momentum;
	const char *lost_rule;		/* why momentum was lost, or NULL */
};

struct cycle_se {
	const char *se;			/* borrowed; NULL: deals without SE */
	struct stats_summary s;		/* over all of the SE's won deals */
};

/* Closed deals (won or lost) that kept, lost, or had no momentum. */
struct momentum_group {
	size_t n, won;
	struct stats_summary won_days;	/* cycle days of the won ones */
};

/* Which deals the per-deal figures cover; NULL fields select everything. */
struct cycle_filter {
	const char *se;			/* deals of this SE (exact match) */
	const char *slug;		/* this one deal */
};

struct cycle_report {
	struct stats_summary team;	/* every won deal, never filtered */
	struct cycle_deal *deals;	/* selected, by days then slug */
	size_t ndeals;
	struct cycle_se *by_se;		/* SEs of the selected deals, by name */
	size_t nse;
	struct momentum_group kept, lost;	/* selected closed deals */
	/* Closed without a done technical event: in neither group. */
	struct momentum_group unknown;
	/*
	 * The team's cycle before techwin (the setting stats.baseline_days),
	 * for the caller to fill in: the report only carries it.
	 */
	bool has_baseline;
	double baseline_days;
};

/*
 * Compute the report over deals[0..n-1] (with their children: the
 * momentum rules read events and criteria). Each deal is judged with its
 * own holidays merged with the workspace's (ws may be NULL). The report
 * borrows from deals.
 */
void cycle_report_compute(const struct deal *deals, size_t n,
			  const struct momentum_settings *s,
			  const struct holidays *ws,
			  const struct cycle_filter *f,
			  struct cycle_report *out);
void cycle_report_release(struct cycle_report *r);

#endif
