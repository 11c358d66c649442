/*
 * Cycle-time analytics: percentiles, the team and per-SE summaries of days
 * from POC end to close, each deal against the rest of the team, and the
 * momentum comparison (rules run as of each deal's close date, with the
 * deal's and the workspace's holidays).
 */
#include "core/stats.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
stats_percentile(const double *sorted, size_t n, double p)
{
	double r = p / 100.0 * (double)(n - 1);
	size_t lo = (size_t)floor(r);

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (r - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

void
stats_summarize(const double *v, size_t n, struct stats_summary *out)
{
	double *sorted, sum = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	if (!n)
		return;
	sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, v, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += sorted[i];
	out->mean = sum / (double)n;
	out->median = stats_percentile(sorted, n, 50);
	out->p25 = stats_percentile(sorted, n, 25);
	out->p75 = stats_percentile(sorted, n, 75);
	free(sorted);
}

bool
deal_cycle_days(const struct deal *d, int *days)
{
	if (d->outcome != OUTCOME_WON || !d->poc_end || !d->close_date)
		return false;
	*days = d->close_date - d->poc_end;
	return true;
}

bool
finding_loses_momentum(const char *rule)
{
	/* The stalls after a win: nothing followed it, or the commercial
	 * steps that did stopped (one overdue, or none planned and none
	 * done lately). */
	return !strcmp(rule, "no-commercial-followup") ||
	       !strcmp(rule, "stale-technical-win") ||
	       !strcmp(rule, "commercial-step-overdue") ||
	       !strcmp(rule, "no-next-step");
}

const char *
close_momentum_name(enum close_momentum m)
{
	switch (m) {
	case CM_KEPT:
		return "kept";
	case CM_LOST:
		return "lost";
	case CM_UNKNOWN:
	default:
		return "unknown";
	}
}

static bool
technical_done_by(const struct deal *d, tw_date day)
{
	for (size_t i = 0; i < d->nevents; i++)
		if (d->events[i].kind == EVENT_TECHNICAL &&
		    event_done_by(&d->events[i], day))
			return true;
	return false;
}

enum close_momentum
deal_momentum_at_close(const struct deal *d, const struct holidays *h,
		       const struct momentum_settings *s, const char **why)
{
	struct momentum_report rep;
	const char *rule = NULL;

	if (why)
		*why = NULL;
	if (!technical_done_by(d, d->close_date))
		return CM_UNKNOWN;
	momentum_check(d, d->close_date, h, s, &rep);
	/* Findings come most severe first, then by date: the first is the
	 * earliest moment the deal lost its momentum. */
	for (size_t i = 0; i < rep.n && !rule; i++)
		if (finding_loses_momentum(rep.findings[i].rule))
			rule = rep.findings[i].rule;
	momentum_report_release(&rep);
	if (why)
		*why = rule;
	return rule ? CM_LOST : CM_KEPT;
}

void
stats_format_days(double days, struct strbuf *out)
{
	strbuf_add_num1(out, days);
}

void
stats_format_weeks(double days, struct strbuf *out)
{
	double w = round(days / 7.0 * 10.0) / 10.0;

	strbuf_add_num1(out, w);
	strbuf_addstr(out, w == 1.0 ? " week" : " weeks");
}

void
stats_vs_team_text(double days, double others_mean, struct strbuf *out)
{
	strbuf_add_num1(out, days);
	strbuf_addstr(out, round(days * 10.0) == 10.0 ? " day (" : " days (");
	stats_format_weeks(days, out);
	strbuf_addstr(out, ") vs the rest of the team's ");
	strbuf_add_num1(out, others_mean);
	strbuf_addstr(out, " (");
	stats_format_weeks(others_mean, out);
	strbuf_addch(out, ')');
}

static bool
same_se(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool
selected(const struct deal *d, const struct cycle_filter *f)
{
	if (!f)
		return true;
	if (f->se && (!d->se || strcmp(d->se, f->se)))
		return false;
	if (f->slug && strcmp(d->slug, f->slug))
		return false;
	return true;
}

static int
cmp_cycle_deal(const void *a, const void *b)
{
	const struct cycle_deal *x = a, *y = b;

	if (x->days != y->days)
		return x->days < y->days ? -1 : 1;
	return strcmp(x->deal->slug, y->deal->slug);
}

/* By name; deals without an SE last. */
static int
cmp_cycle_se(const void *a, const void *b)
{
	const struct cycle_se *x = a, *y = b;

	if (!x->se || !y->se)
		return (x->se == NULL) - (y->se == NULL);
	return strcmp(x->se, y->se);
}

/* The summary over every won deal of one SE, whatever the filter. */
static void
summarize_se(const struct deal *deals, size_t n, const char *se,
	     struct stats_summary *out)
{
	double *v = xmalloc((n ? n : 1) * sizeof(*v));
	size_t nv = 0;
	int days;

	for (size_t i = 0; i < n; i++)
		if (same_se(deals[i].se, se) &&
		    deal_cycle_days(&deals[i], &days))
			v[nv++] = days;
	stats_summarize(v, nv, out);
	free(v);
}

static void
add_to_group(struct momentum_group *g, const struct deal *d, double **v,
	     size_t *nv)
{
	int days;

	g->n++;
	if (d->outcome != OUTCOME_WON)
		return;
	g->won++;
	if (deal_cycle_days(d, &days))
		(*v)[(*nv)++] = days;
}

void
cycle_report_compute(const struct deal *deals, size_t n,
		     const struct momentum_settings *s,
		     const struct holidays *ws, const struct cycle_filter *f,
		     struct cycle_report *out)
{
	size_t alloc = n ? n : 1, nkept = 0, nlost = 0, nunknown = 0;
	size_t nteam = 0;
	double *team = xmalloc(alloc * sizeof(*team));
	double *kept = xmalloc(alloc * sizeof(*kept));
	double *lost = xmalloc(alloc * sizeof(*lost));
	double *unknown = xmalloc(alloc * sizeof(*unknown));
	double team_sum = 0;
	int days;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++)
		if (deal_cycle_days(&deals[i], &days)) {
			team[nteam++] = days;
			team_sum += days;
		}
	stats_summarize(team, nteam, &out->team);

	out->deals = xcalloc(alloc, sizeof(*out->deals));
	for (size_t i = 0; i < n; i++) {
		const struct deal *d = &deals[i];
		const char *why = NULL;
		enum close_momentum m;
		struct holidays h;
		tw_date *buf;

		if (!selected(d, f) || d->outcome == OUTCOME_OPEN ||
		    !d->close_date)
			continue;
		h = deal_merged_holidays(d, ws, &buf);
		m = deal_momentum_at_close(d, &h, s, &why);
		free(buf);
		if (m == CM_KEPT)
			add_to_group(&out->kept, d, &kept, &nkept);
		else if (m == CM_LOST)
			add_to_group(&out->lost, d, &lost, &nlost);
		else
			add_to_group(&out->unknown, d, &unknown, &nunknown);
		if (deal_cycle_days(d, &days)) {
			struct cycle_deal *c = &out->deals[out->ndeals++];

			c->deal = d;
			c->days = days;
			/* The rest of the team: every won deal but this one. */
			c->has_others = nteam > 1;
			if (c->has_others) {
				c->others_mean = (team_sum - days) /
						 (double)(nteam - 1);
				c->vs_team_mean = days - c->others_mean;
			}
			c->momentum = m;
			c->lost_rule = why;
		}
	}
	qsort(out->deals, out->ndeals, sizeof(*out->deals), cmp_cycle_deal);
	stats_summarize(kept, nkept, &out->kept.won_days);
	stats_summarize(lost, nlost, &out->lost.won_days);
	stats_summarize(unknown, nunknown, &out->unknown.won_days);

	/* One row per SE among the selected deals. */
	out->by_se = xcalloc(alloc, sizeof(*out->by_se));
	for (size_t i = 0; i < out->ndeals; i++) {
		const char *se = out->deals[i].deal->se;
		bool seen = false;

		for (size_t j = 0; j < out->nse && !seen; j++)
			seen = same_se(out->by_se[j].se, se);
		if (seen)
			continue;
		out->by_se[out->nse].se = se;
		summarize_se(deals, n, se, &out->by_se[out->nse].s);
		out->nse++;
	}
	qsort(out->by_se, out->nse, sizeof(*out->by_se), cmp_cycle_se);

	free(team);
	free(kept);
	free(lost);
	free(unknown);
}

void
cycle_report_release(struct cycle_report *r)
{
	free(r->deals);
	free(r->by_se);
	memset(r, 0, sizeof(*r));
}
