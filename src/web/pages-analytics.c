/*
 * The analytics page (GET /analytics): cycle time from POC end to close,
 * per deal, per SE and for the team, and what momentum did to it.
 */
#include "web/pages-internal.h"
#include "core/stats.h"
#include "render/chart.h"

#include <stdlib.h>
#include <math.h>
#include <string.h>

/* ---- analytics ------------------------------------------------------- */

static void
summary_cell(struct strbuf *sb, const char *label, double days)
{
	struct strbuf tmp = STRBUF_INIT;

	stats_format_days(days, &tmp);
	page_td(sb, label, "num", tmp.buf);
	strbuf_release(&tmp);
}

/* "<dt>Median</dt><dd>31 days (4.4 weeks)</dd>" */
static void
fact_days(struct strbuf *sb, const char *term, double days)
{
	strbuf_addf(sb, "<div><dt>%s</dt><dd>", term);
	stats_format_days(days, sb);
	strbuf_addstr(sb, " days (");
	stats_format_weeks(days, sb);
	strbuf_addstr(sb, ")</dd></div>\n");
}

static void
analytics_team(struct strbuf *sb, const struct stats_summary *t)
{
	if (!t->n) {
		strbuf_addstr(sb, "<p class=\"empty\">No won deal with a POC "
			      "end and a close date yet.</p>\n");
		return;
	}
	strbuf_addf(sb, "<dl class=\"facts\">\n<div><dt>Won deals</dt>"
		    "<dd>%zu</dd></div>\n", t->n);
	fact_days(sb, "Median", t->median);
	fact_days(sb, "Mean", t->mean);
	strbuf_addstr(sb, "<div><dt>Middle half</dt><dd>");
	stats_format_days(t->p25, sb);
	strbuf_addstr(sb, " to ");
	stats_format_days(t->p75, sb);
	strbuf_addstr(sb, " days</dd></div>\n</dl>\n");
}

static void
analytics_deals(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "Deal", "SE", "POC end", "Closed",
		"#Days", "#vs team mean", "Momentum", NULL };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2>Won deals</h2>\n");
	if (!rep->ndeals) {
		strbuf_addstr(sb, "<p class=\"empty\">None yet.</p>\n");
		return;
	}
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->ndeals; i++) {
		const struct cycle_deal *c = &rep->deals[i];

		strbuf_addstr(sb, "<tr>");
		page_td_open(sb, "Deal", "wide");
		page_deal_path(sb, "<a href=\"/deals/", c->deal->slug, "\">");
		html_escape(sb, page_deal_name(c->deal));
		strbuf_addstr(sb, "</a></td>");
		page_td(sb, "SE", NULL, c->deal->se);
		page_td(sb, "POC end", "nowrap",
			page_day_text(&tmp, c->deal->poc_end));
		page_td(sb, "Closed", "nowrap",
			page_day_text(&tmp, c->deal->close_date));
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%d (", c->days);
		stats_format_weeks(c->days, &tmp);
		strbuf_addch(&tmp, ')');
		page_td(sb, "Days", "num", tmp.buf);
		strbuf_reset(&tmp);
		if (round(c->vs_team_mean * 10.0) > 0)
			strbuf_addch(&tmp, '+');
		if (c->has_others)
			stats_format_days(c->vs_team_mean, &tmp);
		page_td(sb, "vs team mean", "num", tmp.buf);
		page_td_open(sb, "Momentum", NULL);
		if (c->momentum == CM_KEPT) {
			page_badge(sb, "ok", "kept");
		} else if (c->momentum == CM_UNKNOWN) {
			page_badge(sb, "muted", "unknown");
		} else {
			page_badge(sb, "error", "lost");
			strbuf_addstr(sb, " <code>");
			html_escape(sb, c->lost_rule);
			strbuf_addstr(sb, "</code>");
		}
		strbuf_addstr(sb, "</td></tr>\n");
	}
	page_table_close(sb);
	strbuf_release(&tmp);
}

static void
analytics_se(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "SE", "#Won", "#Median days",
		"#Mean days", NULL };

	if (!rep->nse)
		return;
	strbuf_addstr(sb, "<h2>By SE</h2>\n");
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < rep->nse; i++) {
		const struct cycle_se *s = &rep->by_se[i];
		struct strbuf n = STRBUF_INIT;

		strbuf_addf(&n, "%zu", s->s.n);
		strbuf_addstr(sb, "<tr>");
		page_td(sb, "SE", NULL, s->se ? s->se : "(no SE)");
		page_td(sb, "Won", "num", n.buf);
		summary_cell(sb, "Median days", s->s.median);
		summary_cell(sb, "Mean days", s->s.mean);
		strbuf_addstr(sb, "</tr>\n");
		strbuf_release(&n);
	}
	page_table_close(sb);
}

static void
analytics_momentum(struct strbuf *sb, const struct cycle_report *rep)
{
	static const char *const cols[] = { "Momentum at close", "#Closed",
		"#Won", "#Win rate", "#Median days (won)", NULL };
	const struct momentum_group *g[2] = { &rep->kept, &rep->lost };
	static const char *const name[2] = { "kept momentum",
		"lost momentum" };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(sb, "<h2>Momentum and closing</h2>\n");
	page_table_open(sb, NULL, cols);
	for (int i = 0; i < 2; i++) {
		strbuf_addstr(sb, "<tr>");
		page_td(sb, "Momentum at close", NULL, name[i]);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%zu", g[i]->n);
		page_td(sb, "Closed", "num", tmp.buf);
		strbuf_reset(&tmp);
		strbuf_addf(&tmp, "%zu", g[i]->won);
		page_td(sb, "Won", "num", tmp.buf);
		strbuf_reset(&tmp);
		if (g[i]->n)
			strbuf_addf(&tmp, "%.0f%%",
				    100.0 * (double)g[i]->won /
					    (double)g[i]->n);
		page_td(sb, "Win rate", "num", tmp.buf);
		if (g[i]->won_days.n) {
			summary_cell(sb, "Median days (won)",
				     g[i]->won_days.median);
		} else {
			page_td(sb, "Median days (won)", "num", NULL);
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	page_table_close(sb);
	strbuf_release(&tmp);
}

void
pages_analytics(struct http_request *rq, struct http_response *rs)
{
	struct cycle_filter f = { NULL, NULL };
	struct strbuf sb = STRBUF_INIT, svg = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct store_cycle c;
	const struct cycle_report *rep = &c.rep;
	const char *start;
	int r;

	if ((r = store_cycle_report(rq->st, &f, &c, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}

	page_begin(&sb, rq, "Analytics", NAV_ANALYTICS);
	strbuf_addstr(&sb, "<h1>Cycle time</h1>\n<p class=\"sub\">Days from "
		      "the end of the POC to the signed contract, for every "
		      "won deal.</p>\n");
	analytics_team(&sb, &rep->team);
	if (rep->team.n &&
	    chart_render_cycle(rep, NULL, CHART_SVG, &svg, &err) == 0 &&
	    (start = strstr(svg.buf, "<svg"))) {
		strbuf_addstr(&sb, "<figure class=\"chart\" tabindex=\"0\" "
			      "aria-label=\"Cycle-time chart\">\n");
		strbuf_addstr(&sb, start);
		strbuf_addstr(&sb, "</figure>\n");
	}
	analytics_deals(&sb, rep);
	analytics_se(&sb, rep);
	analytics_momentum(&sb, rep);
	page_end(&sb);
	page_send(rs, 200, &sb);

	strbuf_release(&svg);
	store_cycle_release(&c);
}
