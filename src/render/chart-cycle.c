/*
 * The cycle-time histogram (chart.h): won deals by weeks from technical
 * win to close, with the team median and the selected deal marked.
 */
#include "render/chart.h"
#include "render/chart-scene.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CY_W 960.0
#define CY_H 480.0
#define CY_LEFT 72.0
#define CY_RIGHT (CY_W - 32)
#define CY_TOP 150.0
#define CY_BOTTOM (CY_H - 72)

static int
floor_div7(int days)
{
	return days >= 0 ? days / 7 : -((-days + 6) / 7);
}

/* "8" for 56 days: weeks with at most one decimal, as stats prints them. */
static void
add_weeks_number(struct strbuf *sb, double days)
{
	stats_format_days(days / 7.0, sb);
}

struct cy_label {
	const char *cls;
	double x;
	char *text;
	uint32_t color;
	double y;
	bool left;
};

/*
 * The label of a vertical marker goes on the side away from the other
 * marker when it fits there, else on the side with more room, cut with
 * "…" to that room.
 */
static void
cy_label_side(struct cy_label *l, bool prefer_left)
{
	double w = chart_text_width(l->text, 12, true);
	double room_left = l->x - 6 - 8, room_right = CY_W - 8 - l->x - 6;
	char *cut;

	l->left = prefer_left;
	if (w > (l->left ? room_left : room_right))
		l->left = room_left > room_right;
	cut = chart_ellipsize(l->text, l->left ? room_left : room_right, 12,
			      true);
	free(l->text);
	l->text = cut;
}

static void
cy_draw_label(struct scene *sc, const struct cy_label *l, double line_end)
{
	struct prim *p = scene_line(sc, l->cls, l->x, l->y - 12, l->x, line_end,
				    l->color, 2);

	p->dashed = !strcmp(l->cls, "median");
	scene_text(sc, l->cls, l->left ? l->x - 6 : l->x + 6, l->y, 12, true,
		   l->left ? ANCHOR_END : ANCHOR_START, l->color, l->text)
		->halo = 0xffffffu;
}

static bool
cy_label_covers(const struct cy_label *l, double x)
{
	double w = chart_text_width(l->text, 12, true) + 6;

	return l->left ? x > l->x - w - 4 && x < l->x
		       : x > l->x && x < l->x + w + 4;
}

/*
 * The team median and the selected deal (sel may be NULL): a line each
 * with its label on one of two rows above the plot. Each label points
 * away from the other marker; a label that has to cross the other's line
 * takes the upper row, above where that line starts. The deal's line
 * ends above its bin's count (sel_end).
 */
static void
cy_markers(struct scene *sc, const struct cycle_report *rep,
	   const struct cycle_deal *sel, int b_lo, double bw, double sel_end)
{
	struct strbuf sb = STRBUF_INIT;
	struct cy_label med = { "median", 0, NULL, C_TEXT, CY_TOP - 42,
				false };
	struct cy_label dl = { "selected", 0, NULL, C_SELECTED_TEXT,
			       CY_TOP - 22, false };

	med.x = CY_LEFT + (rep->team.median / 7.0 - b_lo) * bw;
	strbuf_addstr(&sb, "team median ");
	stats_format_weeks(rep->team.median, &sb);
	strbuf_addstr(&sb, " (");
	stats_format_days(rep->team.median, &sb);
	strbuf_addstr(&sb, " days)");
	med.text = strbuf_detach(&sb, NULL);
	cy_label_side(&med, sel && sel->days > rep->team.median);
	if (sel) {
		const struct deal *sd = sel->deal;

		/* Over the middle of its block: the label gives the
		 * exact figure. */
		dl.x = CY_LEFT + (floor_div7(sel->days) - b_lo + 0.5) * bw;
		strbuf_addf(&sb, "%s: ",
			    sd->account && *sd->account ? sd->account
							: sd->slug);
		stats_format_weeks(sel->days, &sb);
		strbuf_addstr(&sb, " vs the team's ");
		add_weeks_number(&sb, rep->team.median);
		dl.text = strbuf_detach(&sb, NULL);
		cy_label_side(&dl, sel->days < rep->team.median);
		if (cy_label_covers(&dl, med.x)) {
			dl.y = CY_TOP - 42;
			med.y = CY_TOP - 22;
		}
	}
	cy_draw_label(sc, &med, CY_BOTTOM);
	if (sel)
		cy_draw_label(sc, &dl, sel_end);
	free(med.text);
	free(dl.text);
}

int
chart_render_cycle(const struct cycle_report *rep, const char *selected,
		   enum chart_format fmt, struct strbuf *out,
		   struct tw_error *err)
{
	const struct cycle_deal *sel = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct scene sc;
	int b_lo = 0, b_hi = 6, nb, ymax = 1, ystep = 1, *count, *level;
	double bw, uh, x;
	bool have_median = rep->team.n > 0;
	int r;

	for (size_t i = 0; i < rep->ndeals; i++)
		if (selected && !strcmp(rep->deals[i].deal->slug, selected))
			sel = &rep->deals[i];
	for (size_t i = 0; i < rep->ndeals; i++) {
		int b = floor_div7(rep->deals[i].days);

		if (b < b_lo)
			b_lo = b;
		if (b + 1 > b_hi)
			b_hi = b + 1;
	}
	if (have_median && floor_div7((int)floor(rep->team.median)) + 1 > b_hi)
		b_hi = floor_div7((int)floor(rep->team.median)) + 1;
	if (b_hi - b_lo < 6)
		b_hi = b_lo + 6;
	nb = b_hi - b_lo;
	count = xcalloc((size_t)nb, sizeof(*count));
	level = xcalloc((size_t)nb, sizeof(*level));
	for (size_t i = 0; i < rep->ndeals; i++) {
		int k = floor_div7(rep->deals[i].days) - b_lo;

		if (++count[k] > ymax)
			ymax = count[k];
	}
	/* Headroom over the highest bar for its count, and never so few
	 * rows that a single deal fills the plot. */
	ymax += ymax / 8 > 1 ? ymax / 8 : 1;
	if (ymax < 3)
		ymax = 3;
	while (ymax / ystep > 8)
		ystep = ystep == 1 ? 2 : ystep == 2 ? 5 : ystep * 2;
	ymax = (ymax + ystep - 1) / ystep * ystep;
	bw = (CY_RIGHT - CY_LEFT) / nb;
	uh = (CY_BOTTOM - CY_TOP) / ymax;

	scene_init(&sc, CY_W, CY_H);
	strbuf_addf(&sb, "Days from POC end to close of %zu closed-won "
		    "deal%s, binned by week", rep->ndeals,
		    rep->ndeals == 1 ? "" : "s");
	if (have_median) {
		strbuf_addstr(&sb, "; team median ");
		stats_format_days(rep->team.median, &sb);
		strbuf_addstr(&sb, " days");
	}
	if (sel) {
		strbuf_addf(&sb, "; %s took %d days", sel->deal->slug,
			    sel->days);
	}
	sc.desc = strbuf_detach(&sb, NULL);
	sc.title = xstrdup("Cycle time from POC end to close");

	strbuf_addf(&sb, "%zu closed-won deal%s \xC2\xB7 bins of 7 days",
		    rep->ndeals, rep->ndeals == 1 ? "" : "s");
	if (have_median) {
		strbuf_addstr(&sb, " \xC2\xB7 team median ");
		stats_format_weeks(rep->team.median, &sb);
		strbuf_addstr(&sb, " (");
		stats_format_days(rep->team.median, &sb);
		strbuf_addstr(&sb, " days)");
	}
	scene_header(&sc, "Cycle time: days from POC end to close", sb.buf);
	strbuf_reset(&sb);
	x = 20;
	scene_legend(&sc, &x, 76, SW_BAR, C_BAR, "one closed-won deal");
	if (sel)
		scene_legend(&sc, &x, 76, SW_SELECTED, C_SELECTED,
			     sel->deal->slug);

	/* Grid and the count axis. */
	for (int v = 0; v <= ymax; v += ystep) {
		double y = CY_BOTTOM - v * uh;

		scene_line(&sc, v ? "grid" : "axis", CY_LEFT, y, CY_RIGHT, y,
			   v ? C_GRID : C_AXIS, 1);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%d", v);
		scene_text(&sc, "count", CY_LEFT - 8, y + 4, 11, false,
			   ANCHOR_END, C_MUTED, sb.buf);
	}
	scene_text(&sc, "axis-title", 24, (CY_TOP + CY_BOTTOM) / 2, 12, false,
		   ANCHOR_MIDDLE, C_MUTED, "deals")->rotate = -90;

	/* Week ticks at bin edges, thinned out when the bins are narrow. */
	{
		int every = 1;

		while (bw * every < 26)
			every++;
		for (int b = b_lo; b <= b_hi; b++) {
			double bx = CY_LEFT + (b - b_lo) * bw;

			scene_line(&sc, "tick", bx, CY_BOTTOM, bx,
				   CY_BOTTOM + 5, C_AXIS, 1);
			if ((b - b_lo) % every)
				continue;
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%d", b);
			scene_text(&sc, "week", bx, CY_BOTTOM + 19, 11, false,
				   ANCHOR_MIDDLE, C_MUTED, sb.buf);
		}
	}
	scene_text(&sc, "axis-title", (CY_LEFT + CY_RIGHT) / 2, CY_BOTTOM + 42,
		   12, false, ANCHOR_MIDDLE, C_MUTED,
		   "weeks from POC end to close");

	/* One block per deal, stacked in its week. */
	for (size_t i = 0; i < rep->ndeals; i++) {
		const struct cycle_deal *c = &rep->deals[i];
		int k = floor_div7(c->days) - b_lo;
		double pad = bw > 12 ? 3 : bw / 4;
		bool is_sel = c == sel;
		struct prim *p;

		p = scene_rect(&sc, is_sel ? "deal selected" : "deal",
			       CY_LEFT + k * bw + pad,
			       CY_BOTTOM - (level[k] + 1) * uh + 1,
			       bw - 2 * pad, uh - 2,
			       is_sel ? C_SELECTED : C_BAR);
		p->rx = 2;
		level[k]++;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%s: %d day%s", c->deal->slug, c->days,
			    c->days == 1 ? "" : "s");
		prim_tip(p, sb.buf);
	}
	/* Counts over the bars, when the bars are wide enough for them. */
	for (int k = 0; k < nb && bw >= 16; k++) {
		if (!count[k])
			continue;
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%d", count[k]);
		scene_text(&sc, "bin-count", CY_LEFT + (k + 0.5) * bw,
			   CY_BOTTOM - count[k] * uh - 5, 11, true,
			   ANCHOR_MIDDLE, C_MUTED, sb.buf)->halo = 0xffffffu;
	}

	if (!rep->ndeals)
		scene_text(&sc, "empty", (CY_LEFT + CY_RIGHT) / 2,
			   (CY_TOP + CY_BOTTOM) / 2, 13, false, ANCHOR_MIDDLE,
			   C_MUTED,
			   "no closed-won deal with a POC end and a close "
			   "date yet");

	if (have_median)
		cy_markers(&sc, rep, sel, b_lo, bw,
			   sel ? CY_BOTTOM -
					 count[floor_div7(sel->days) - b_lo] *
						 uh - 18
			       : CY_BOTTOM);

	r = scene_emit(&sc, fmt, out, err);
	scene_release(&sc);
	strbuf_release(&sb);
	free(count);
	free(level);
	return r;
}
