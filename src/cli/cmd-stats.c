/*
 * techwin stats [--se NAME | --deal SLUG]: cycle-time analytics, days from
 * POC end to close for the team, per SE and per deal, and how deals that
 * kept their momentum closed compared with those that did not.
 */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "core/stats.h"
#include "formats/json.h"
#include "store/deals.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ------------------------------------------------------------ */

static char *
days_str(double days)
{
	struct strbuf sb = STRBUF_INIT;

	stats_format_days(days, &sb);
	return strbuf_detach(&sb, NULL);
}

/* Days with a sign: "+3.5", "-35", "0". */
static char *
signed_days_str(double days)
{
	struct strbuf sb = STRBUF_INIT;

	if (round(days * 10.0) > 0)
		strbuf_addch(&sb, '+');
	stats_format_days(days, &sb);
	return strbuf_detach(&sb, NULL);
}

/* "before techwin: 70 days (10 weeks); the mean is now 14 days shorter" */
static void
baseline_to_text(const struct cycle_report *r, struct strbuf *sb)
{
	double diff = round((r->team.mean - r->baseline_days) * 10.0) / 10.0;

	strbuf_addstr(sb, "before techwin: ");
	stats_format_days(r->baseline_days, sb);
	strbuf_addstr(sb, " days (");
	stats_format_weeks(r->baseline_days, sb);
	strbuf_addstr(sb, ", stats.baseline_days)");
	if (r->team.n && diff) {
		strbuf_addstr(sb, "; the mean is now ");
		stats_format_days(fabs(diff), sb);
		strbuf_addf(sb, " day%s %s", fabs(diff) == 1.0 ? "" : "s",
			    diff < 0 ? "shorter" : "longer");
	} else if (r->team.n) {
		strbuf_addstr(sb, "; the mean is the same now");
	}
	strbuf_addch(sb, '\n');
}

static void
team_to_text(const struct cycle_report *r, struct strbuf *sb)
{
	const struct stats_summary *t = &r->team;
	char *s;

	if (!t->n) {
		strbuf_addstr(sb, "team: no closed-won deal with a POC end "
			      "and a close date yet\n");
	} else {
		strbuf_addf(sb, "team: %zu won deal%s, median ", t->n,
			    t->n == 1 ? "" : "s");
		stats_format_days(t->median, sb);
		strbuf_addstr(sb, " days (");
		stats_format_weeks(t->median, sb);
		strbuf_addstr(sb, "), mean ");
		stats_format_days(t->mean, sb);
		strbuf_addstr(sb, " (");
		stats_format_weeks(t->mean, sb);
		s = days_str(t->p25);
		strbuf_addf(sb, "), p25 %s", s);
		free(s);
		s = days_str(t->p75);
		strbuf_addf(sb, ", p75 %s\n", s);
		free(s);
	}
	if (r->has_baseline)
		baseline_to_text(r, sb);
}

static void
by_se_to_text(const struct cycle_report *r, struct strbuf *sb)
{
	static const char *const hdr[] = { "SE", "WON", "MEDIAN DAYS",
		"MEAN DAYS" };
	struct table t;

	table_init(&t, ARRAY_SIZE(hdr), hdr);
	for (size_t i = 1; i < ARRAY_SIZE(hdr); i++)
		table_right(&t, i);
	for (size_t i = 0; i < r->nse; i++) {
		const struct cycle_se *s = &r->by_se[i];
		char *med = days_str(s->s.median), *mean = days_str(s->s.mean);

		table_cell(&t, s->se);
		table_cellf(&t, "%zu", s->s.n);
		table_cell(&t, med);
		table_cell(&t, mean);
		free(med);
		free(mean);
	}
	table_render(&t, sb);
	table_release(&t);
}

static void
deals_to_text(const struct cycle_report *r, struct strbuf *sb)
{
	static const char *const hdr[] = { "DEAL", "SE", "POC END", "CLOSED",
		"DAYS", "WEEKS", "VS TEAM", "MOMENTUM" };
	struct table t;
	char b[DATE_BUFSZ];

	table_init(&t, ARRAY_SIZE(hdr), hdr);
	table_right(&t, 4);
	table_right(&t, 5);
	table_right(&t, 6);
	for (size_t i = 0; i < r->ndeals; i++) {
		const struct cycle_deal *c = &r->deals[i];
		char *vs = signed_days_str(c->vs_team_mean);
		struct strbuf w = STRBUF_INIT;

		stats_format_days(c->days / 7.0, &w);
		table_cell(&t, c->deal->slug);
		table_cell(&t, c->deal->se);
		table_cell(&t, date_format(c->deal->poc_end, b));
		table_cell(&t, date_format(c->deal->close_date, b));
		table_cellf(&t, "%d", c->days);
		table_cell(&t, w.buf);
		table_cell(&t, c->has_others ? vs : NULL);
		if (c->momentum == CM_LOST)
			table_cellf(&t, "lost (%s)", c->lost_rule);
		else
			table_cell(&t, close_momentum_name(c->momentum));
		strbuf_release(&w);
		free(vs);
	}
	table_render(&t, sb);
	table_release(&t);
}

static void
momentum_to_text(const struct cycle_report *r, struct strbuf *sb)
{
	static const char *const hdr[] = { "MOMENTUM AT CLOSE", "DEALS", "WON",
		"WIN RATE", "MEDIAN DAYS (WON)" };
	const struct momentum_group *g[2] = { &r->kept, &r->lost };
	static const char *const name[2] = { "kept momentum",
		"lost momentum" };
	struct table t;

	if (!r->kept.n && !r->lost.n && !r->unknown.n) {
		strbuf_addstr(sb, "momentum at close: no closed deal yet\n");
		return;
	}
	table_init(&t, ARRAY_SIZE(hdr), hdr);
	for (size_t i = 1; i < ARRAY_SIZE(hdr); i++)
		table_right(&t, i);
	for (size_t i = 0; i < 2; i++) {
		table_cell(&t, name[i]);
		table_cellf(&t, "%zu", g[i]->n);
		table_cellf(&t, "%zu", g[i]->won);
		if (g[i]->n)
			table_cellf(&t, "%.0f%%", 100.0 * (double)g[i]->won /
							  (double)g[i]->n);
		else
			table_cell(&t, NULL);
		if (g[i]->won_days.n) {
			char *s = days_str(g[i]->won_days.median);

			table_cell(&t, s);
			free(s);
		} else {
			table_cell(&t, NULL);
		}
	}
	table_render(&t, sb);
	table_release(&t);
	if (r->unknown.n)
		strbuf_addf(sb, "not compared: %zu closed deal%s without a "
			    "done technical event (momentum unknown)\n",
			    r->unknown.n, r->unknown.n == 1 ? "" : "s");
}

/* --deal: the one deal against the rest of the team. */
static void
deal_to_text(const struct cycle_report *r, const struct deal *d,
	     const struct workspace *ws, struct strbuf *sb)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];
	const char *why = NULL;
	tw_date *buf;
	struct holidays h = workspace_holidays(ws, d, &buf);
	enum close_momentum m = deal_momentum_at_close(d, &h, &ws->momentum,
						       &why);

	free(buf);

	team_to_text(r, sb);
	strbuf_addf(sb, "%s", d->slug);
	if (d->se)
		strbuf_addf(sb, " (%s)", d->se);
	if (r->ndeals) {
		const struct cycle_deal *c = &r->deals[0];
		double diff = round(c->vs_team_mean * 10.0) / 10.0;

		strbuf_addf(sb, ": POC ended %s, won %s\n  ",
			    date_format(d->poc_end, b1),
			    date_format(d->close_date, b2));
		if (!c->has_others) {
			stats_format_days(c->days, sb);
			strbuf_addstr(sb, c->days == 1 ? " day (" : " days (");
			stats_format_weeks(c->days, sb);
			strbuf_addstr(sb, "): no other won deal to compare "
				      "with\n");
		} else {
			stats_vs_team_text(c->days, c->others_mean, sb);
			if (diff) {
				strbuf_addstr(sb, ": ");
				stats_format_days(fabs(diff), sb);
				strbuf_addf(sb, " day%s %s than the rest of "
					    "the team's mean\n",
					    fabs(diff) == 1.0 ? "" : "s",
					    diff < 0 ? "faster" : "slower");
			} else {
				strbuf_addstr(sb, ": the rest of the team's "
					      "mean exactly\n");
			}
		}
	} else if (d->outcome == OUTCOME_WON) {
		strbuf_addf(sb, ": won %s without a POC end date, so it has "
			    "no cycle time\n", date_format(d->close_date, b1));
	} else {
		strbuf_addf(sb, ": lost %s, so it has no cycle time\n",
			    date_format(d->close_date, b1));
	}
	if (m == CM_KEPT)
		strbuf_addf(sb, "  momentum at close: kept (neither "
			    "no-commercial-followup nor stale-technical-win "
			    "on %s)\n", date_format(d->close_date, b1));
	else if (m == CM_LOST)
		strbuf_addf(sb, "  momentum at close: lost (%s)\n", why);
	else
		strbuf_addf(sb, "  momentum at close: unknown (no technical "
			    "event done by %s)\n",
			    date_format(d->close_date, b1));
	for (size_t i = 0; i < r->nse; i++) {
		const struct cycle_se *e = &r->by_se[i];

		strbuf_addf(sb, "  %s: %zu won deal%s, median ", e->se, e->s.n,
			    e->s.n == 1 ? "" : "s");
		stats_format_days(e->s.median, sb);
		strbuf_addstr(sb, " days, mean ");
		stats_format_days(e->s.mean, sb);
		strbuf_addch(sb, '\n');
	}
}

static void
report_to_text(const struct cycle_report *r, const struct cycle_filter *f,
	       struct strbuf *sb)
{
	strbuf_addstr(sb, "days from POC end to close, closed-won deals\n");
	team_to_text(r, sb);
	if (f->se)
		strbuf_addf(sb, "deals of SE '%s':%s\n", f->se,
			    r->ndeals ? "" : " no closed-won deal with a POC "
					     "end and a close date");
	if (r->ndeals) {
		strbuf_addch(sb, '\n');
		by_se_to_text(r, sb);
		strbuf_addch(sb, '\n');
		deals_to_text(r, sb);
	}
	strbuf_addch(sb, '\n');
	momentum_to_text(r, sb);
}

static int
cmd_stats_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	struct cycle_filter f = { NULL, NULL };
	const struct cli_opt opts[] = {
		{ "se", OPT_STR, &f.se },
		{ "deal", OPT_STR, &f.slug },
		{ NULL, 0, NULL },
	};
	struct store_cycle c;
	struct strbuf sb = STRBUF_INIT;
	int r;

	if ((r = cli_options(argc, argv, opts, err)) < 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(&cmd_stats_entry, err,
				       "stats takes no arguments, got '%s'",
				       argv[optind]);
	if (f.se && f.slug)
		return cmd_usage_error(&cmd_stats_entry, err,
				       "--se and --deal cannot be combined");
	if ((r = store_cycle_report(ctx->st, &f, &c, err)) < 0)
		return r;
	if (ctx->json) {
		json_emit(cycle_report_to_json(&c.rep), &sb);
	} else if (f.slug) {
		for (size_t i = 0; i < c.deals.n; i++)
			if (!strcmp(c.deals.items[i].slug, f.slug))
				deal_to_text(&c.rep, &c.deals.items[i], &c.ws,
					     &sb);
	} else {
		report_to_text(&c.rep, &f, &sb);
	}
	cli_write(&sb);
	strbuf_release(&sb);
	store_cycle_release(&c);
	return 0;
}

const struct cmd_entry cmd_stats_entry = {
	.name = "stats", .flags = NEED_STORE, .exec = cmd_stats_exec,
};
