/*
 * The timeline chart (chart.h): a deal's technical and commercial events
 * on two lanes, with the gaps where nothing happened, the technical win
 * and today.
 */
#include "render/chart.h"
#include "render/chart-scene.h"
#include "core/commercial.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const wday_abbr[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat", "Sun" };
static const char *const month_abbr[] = { "Jan", "Feb", "Mar", "Apr", "May",
	"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* "Fri 26 Jun", with " 2026" when year is set. */
static void
add_day(struct strbuf *sb, tw_date d, bool year)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	strbuf_addf(sb, "%s %d %s", wday_abbr[date_weekday(d)], dd,
		    month_abbr[m - 1]);
	if (year)
		strbuf_addf(sb, " %d", y);
}

#define TL_W 960.0
#define TL_LEFT 124.0		/* lane names live left of this */
#define TL_RIGHT (TL_W - 24)
#define TL_LABEL_MAX 210.0	/* widest title line */
#define TL_LABEL_EDGE (TL_W - 14)	/* labels end before this */
#define TL_TITLE_SIZE 12.0
#define TL_SUB_SIZE 10.5
#define TL_LINE_H 14.0
#define TL_MARK_R 6.0
#define TL_NEAR 12.0		/* label distance from the lane line */
#define TL_LANE_SEP 92.0	/* technical to commercial lane line */

enum mark { MARK_DONE, MARK_PLANNED, MARK_STEP };

struct tl_item {
	enum event_kind lane;
	tw_date date;
	enum mark mark;
	const char *title;	/* borrowed */
	char *line[2];
	size_t nlines;
	char *sub;
	/* Layout: marker x, label size, placed extent and distance. */
	double x, w, h, x1, x2, d;
	bool left;		/* label left of the marker */
};

struct tl_gap {
	tw_date from, to;
	int bdays;
	bool open;		/* no commercial event yet: runs to today */
};

struct timeline {
	const struct deal *d;
	const struct chart_timeline_opts *o;
	struct commercial_plan plan;
	struct tl_item *items;
	size_t nitems, alloc;
	struct tl_gap *gaps;
	size_t ngaps, gaps_alloc;
	size_t nevents, nsteps;
	tw_date lo, hi;		/* first and last day on the axis */
	double ppd;		/* pixels per day */
};


/* Where an event is drawn: done date once done, else the planned date. */
static tw_date
shown_date(const struct event *e, tw_date today)
{
	if (event_done_by(e, today))
		return e->done;
	return e->date ? e->date : e->done;
}

static bool
same_title(const char *a, const char *b)
{
	return a && b && !strcasecmp(a, b);
}

/* A playbook step already on the calendar as an event is not drawn twice. */
static bool
step_is_scheduled(const struct deal *d, const struct plan_step *s,
		  tw_date today)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->kind != s->kind)
			continue;
		if (shown_date(e, today) == s->date || e->date == s->date ||
		    same_title(e->title, s->title))
			return true;
	}
	return false;
}

static void
widen(tw_date *lo, tw_date *hi, tw_date d)
{
	if (!d)
		return;
	if (!*lo || d < *lo)
		*lo = d;
	if (!*hi || d > *hi)
		*hi = d;
}

static void
tl_add_item(struct timeline *tl, enum event_kind lane, tw_date date,
	    enum mark mark, const char *title)
{
	struct tl_item *it;
	char *clean;

	ALLOC_GROW(tl->items, tl->nitems + 1, tl->alloc);
	it = &tl->items[tl->nitems++];
	memset(it, 0, sizeof(*it));
	it->lane = lane;
	it->date = date;
	it->mark = mark;
	it->title = title;
	clean = chart_clean_text(title);
	it->nlines = chart_wrap2(clean, TL_LABEL_MAX, TL_TITLE_SIZE, false,
				 it->line);
	free(clean);
}

/*
 * The grey line under each title: "done Fri 26 Jun", "planned ...",
 * "playbook ...", with ", overdue" for a planned event before today, and
 * the year when the chart spans more than one.
 */
static void
tl_subtitles(struct timeline *tl)
{
	tw_date lo = DATE_NONE, hi = DATE_NONE;
	int y1, y2, m, d;
	bool year;

	for (size_t i = 0; i < tl->nitems; i++)
		widen(&lo, &hi, tl->items[i].date);
	widen(&lo, &hi, tl->d->poc_start);
	widen(&lo, &hi, tl->d->poc_end);
	widen(&lo, &hi, tl->o->today);
	date_to_ymd(lo, &y1, &m, &d);
	date_to_ymd(hi, &y2, &m, &d);
	year = y1 != y2;
	for (size_t i = 0; i < tl->nitems; i++) {
		struct tl_item *it = &tl->items[i];
		struct strbuf sb = STRBUF_INIT;

		strbuf_addstr(&sb, it->mark == MARK_DONE ? "done " :
				   it->mark == MARK_PLANNED ? "planned "
							    : "playbook ");
		add_day(&sb, it->date, year);
		if (it->mark == MARK_PLANNED && it->date < tl->o->today)
			strbuf_addstr(&sb, ", overdue");
		it->sub = strbuf_detach(&sb, NULL);
	}
}

static void
tl_collect_items(struct timeline *tl)
{
	const struct deal *d = tl->d;
	tw_date today = tl->o->today;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		tw_date at = shown_date(e, today);

		if (!at)
			continue;
		tl_add_item(tl, e->kind, at,
			    event_done_by(e, today) ? MARK_DONE : MARK_PLANNED,
			    e->title && *e->title ? e->title : e->key);
		tl->nevents++;
	}
	for (size_t i = 0; i < tl->plan.nsteps; i++) {
		const struct plan_step *s = &tl->plan.steps[i];

		if (step_is_scheduled(d, s, today))
			continue;
		tl_add_item(tl, s->kind, s->date, MARK_STEP, s->title);
		tl->nsteps++;
	}
}

/*
 * The momentum rule of `techwin check`, drawn: after a technical event
 * done by today, a commercial event must be dated within max_gap business
 * days. A later one (or none while the window has passed) is a gap.
 */
static void
tl_find_gaps(struct timeline *tl)
{
	const struct deal *d = tl->d;
	const struct chart_timeline_opts *o = tl->o;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *t = &d->events[i];
		tw_date next = DATE_NONE, end;
		struct tl_gap g;
		bool merged = false;

		if (t->kind != EVENT_TECHNICAL || !event_done_by(t, o->today))
			continue;
		for (size_t j = 0; j < d->nevents; j++) {
			const struct event *c = &d->events[j];
			tw_date cd = shown_date(c, o->today);

			if (c->kind == EVENT_COMMERCIAL && cd &&
			    cd >= t->done && (!next || cd < next))
				next = cd;
		}
		end = date_add_bdays(t->done, o->max_gap, o->h);
		g.from = t->done;
		if (next) {
			if (next <= end)
				continue;
			g.to = next;
			g.open = false;
		} else {
			if (date_bdays_between(t->done, o->today, o->h) <=
			    o->max_gap)
				continue;
			g.to = o->today;
			g.open = true;
		}
		g.bdays = date_bdays_between(g.from, g.to, o->h);
		/* Technical events waiting for the same one share a band. */
		for (size_t k = 0; k < tl->ngaps; k++) {
			struct tl_gap *x = &tl->gaps[k];

			if (x->to != g.to || x->open != g.open)
				continue;
			if (g.from < x->from) {
				x->from = g.from;
				x->bdays = g.bdays;
			}
			merged = true;
		}
		if (merged)
			continue;
		ALLOC_GROW(tl->gaps, tl->ngaps + 1, tl->gaps_alloc);
		tl->gaps[tl->ngaps++] = g;
	}
}


static double
tl_ppd(tw_date lo, tw_date hi)
{
	return (TL_RIGHT - TL_LEFT) / (double)(hi - lo + 1);
}

/* The middle of day d, and the line between d - 1 and d. */
static double
tl_x(const struct timeline *tl, tw_date d)
{
	return TL_LEFT + ((double)(d - tl->lo) + 0.5) * tl->ppd;
}

static double
tl_x_start(const struct timeline *tl, tw_date d)
{
	return TL_LEFT + (double)(d - tl->lo) * tl->ppd;
}

/* Every label fits to the right of its marker. */
static bool
tl_labels_fit(const struct timeline *tl)
{
	for (size_t i = 0; i < tl->nitems; i++) {
		const struct tl_item *it = &tl->items[i];

		if (tl_x(tl, it->date) + it->w > TL_LABEL_EDGE)
			return false;
	}
	return true;
}

/*
 * The days on the axis: everything drawn and today, with a little margin,
 * and on the right as many more days (up to 60 % of the span) as it takes
 * for the last labels to fit to the right of their markers, where they
 * stack best.
 */
static void
tl_range(struct timeline *tl)
{
	tw_date lo = DATE_NONE, hi = DATE_NONE;
	tw_date last = date_from_ymd(9999, 12, 31);
	int span, pad;

	for (size_t i = 0; i < tl->nitems; i++)
		widen(&lo, &hi, tl->items[i].date);
	widen(&lo, &hi, tl->d->poc_start);
	widen(&lo, &hi, tl->d->poc_end);
	widen(&lo, &hi, tl->plan.technical_win);
	widen(&lo, &hi, tl->o->today);
	span = hi - lo;
	if (span < 21) {
		lo -= (21 - span) / 2;
		hi = lo + 21;
		span = 21;
	}
	pad = span / 25 > 2 ? span / 25 : 2;
	/* Day numbers exist from 0001-01-01 (1) to 9999-12-31 (last). */
	tl->lo = lo - pad >= 1 ? lo - pad : 1;
	hi = hi < last - pad ? hi + pad : last;
	/* More days move every marker left: search the fewest that do. */
	{
		int few = 0, many = span * 6 / 10;

		if (many > last - hi)
			many = last - hi;
		while (few < many) {
			int mid = few + (many - few) / 2;

			tl->hi = hi + mid;
			tl->ppd = tl_ppd(tl->lo, tl->hi);
			if (tl_labels_fit(tl))
				many = mid;
			else
				few = mid + 1;
		}
		tl->hi = hi + few;
		tl->ppd = tl_ppd(tl->lo, tl->hi);
	}
}

/* Right-extending labels right to left, then left-extending ones. */
static int
cmp_item_order(const void *a, const void *b)
{
	const struct tl_item *x = *(const struct tl_item *const *)a;
	const struct tl_item *y = *(const struct tl_item *const *)b;

	if (x->left != y->left)
		return x->left ? 1 : -1;
	if (x->date != y->date)
		return (x->date > y->date) == !x->left ? -1 : 1;
	/* Done before planned before playbook: the record nearest. */
	if (x->mark != y->mark)
		return x->mark < y->mark ? -1 : 1;
	return x < y ? -1 : x > y;
}

/*
 * The label of it at distance d collides with placed label p: their boxes
 * overlap, or (strict) a leader line runs through the other's box.
 */
static bool
label_collides(const struct tl_item *it, double d, const struct tl_item *p,
	       bool strict)
{
	const double padx = 6, pady = 4;

	if (it->x1 < p->x2 + padx && p->x1 < it->x2 + padx &&
	    d < p->d + p->h + pady && p->d < d + it->h + pady)
		return true;
	if (!strict)
		return false;
	/* Leaders on the same day and side are one line. */
	if (fabs(it->x - p->x) < 0.5 && it->left == p->left)
		return false;
	if (it->x > p->x1 - 3 && it->x < p->x2 + 3 && p->d < d)
		return true;
	if (p->x > it->x1 - 3 && p->x < it->x2 + 3 && d < p->d)
		return true;
	return false;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The nearest distance where it fits among placed[0..n-1], or -1. */
static double
nearest_fit(const struct tl_item *it, struct tl_item **placed, size_t n,
	    double *cand, bool strict)
{
	size_t nc = 0;

	cand[nc++] = TL_NEAR;
	for (size_t j = 0; j < n; j++)
		cand[nc++] = placed[j]->d + placed[j]->h + 6;
	qsort(cand, nc, sizeof(*cand), cmp_double);
	for (size_t c = 0; c < nc; c++) {
		bool ok = cand[c] >= TL_NEAR;

		for (size_t j = 0; ok && j < n; j++)
			ok = !label_collides(it, cand[c], placed[j], strict);
		if (ok)
			return cand[c];
	}
	return -1;
}

/*
 * A right-extending label may go left of its marker instead when that
 * puts it nearer the line, as long as its box covers no marker still to
 * be placed (whose leader would then have to cross it).
 */
static void
try_left(struct tl_item *it, struct tl_item **v, size_t i, size_t n,
	 double *cand)
{
	double d, x1 = it->x1, x2 = it->x2;

	/* Inside the lanes' panel: the gutter holds the lane names. */
	if (it->x - it->w < TL_LEFT - 4)
		return;
	for (size_t j = i + 1; j < n; j++)
		if (v[j]->x > it->x - it->w - 3 && v[j]->x < it->x - 0.5)
			return;
	it->left = true;
	it->x1 = it->x - it->w;
	it->x2 = it->x;
	d = nearest_fit(it, v, i, cand, true);
	if (d >= 0 && (it->d < 0 || d < it->d)) {
		it->d = d;
		return;
	}
	it->left = false;
	it->x1 = x1;
	it->x2 = x2;
}

/*
 * Stack one lane's labels away from its line. A label extends right of
 * its marker (left near the right edge). Taking right-extending labels
 * from the last date back, each goes to the nearest distance where
 * neither it nor its leader line touches a label already placed, so
 * earlier labels climb over later markers like stairs. Only when no such
 * place exists may a leader cross another label. Returns how far the
 * labels reach.
 */
static double
tl_place_lane(struct timeline *tl, enum event_kind lane)
{
	struct tl_item **v = xcalloc(tl->nitems + 1, sizeof(*v));
	double *cand = xcalloc(tl->nitems + 1, sizeof(*cand));
	double reach = 0;
	size_t n = 0;

	for (size_t i = 0; i < tl->nitems; i++) {
		struct tl_item *it = &tl->items[i];

		if (it->lane != lane)
			continue;
		it->left = it->x + it->w > TL_LABEL_EDGE;
		it->x1 = it->left ? it->x - it->w : it->x;
		it->x2 = it->left ? it->x : it->x + it->w;
		v[n++] = it;
	}
	qsort(v, n, sizeof(*v), cmp_item_order);
	for (size_t i = 0; i < n; i++) {
		struct tl_item *it = v[i];

		it->d = nearest_fit(it, v, i, cand, true);
		if (!it->left)
			try_left(it, v, i, n, cand);
		if (it->d < 0)
			it->d = nearest_fit(it, v, i, cand, false);
		if (it->d + it->h > reach)
			reach = it->d + it->h;
	}
	free(cand);
	free(v);
	return reach;
}

/* Label sizes first: the axis range depends on them. */
static void
tl_measure(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nitems; i++) {
		struct tl_item *it = &tl->items[i];
		double w = chart_text_width(it->sub, TL_SUB_SIZE, false);

		for (size_t l = 0; l < it->nlines; l++) {
			double lw = chart_text_width(it->line[l], TL_TITLE_SIZE,
						     false);

			if (lw > w)
				w = lw;
		}
		it->w = w + 7;
		it->h = (double)it->nlines * TL_LINE_H + 13;
	}
}

static void
tl_position(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nitems; i++)
		tl->items[i].x = tl_x(tl, tl->items[i].date);
}

/* A label: lines of title, then the grey status line; and its leader. */
static void
tl_draw_label(struct scene *sc, const struct tl_item *it, double lane_y,
	      int dir, uint32_t color, uint32_t halo)
{
	/* Top of the label box: above the line (dir -1) or below it. */
	double top = dir < 0 ? lane_y - it->d - it->h : lane_y + it->d;
	double tx = it->left ? it->x - 5 : it->x + 5;
	enum anchor a = it->left ? ANCHOR_END : ANCHOR_START;
	double y1 = dir < 0 ? lane_y - TL_MARK_R - 1 : lane_y + TL_MARK_R + 1;
	double y2 = dir < 0 ? top + 2 : top + it->h - 2;

	scene_line(sc, "leader", it->x, y1, it->x, y2, color, 1);
	for (size_t l = 0; l < it->nlines; l++)
		scene_text(sc, "event-title", tx, top + 11 + TL_LINE_H * l,
			   TL_TITLE_SIZE, false, a, C_TEXT, it->line[l])->halo =
			halo;
	scene_text(sc, "event-date", tx, top + TL_LINE_H * it->nlines + 10,
		   TL_SUB_SIZE, false, a, C_MUTED, it->sub)->halo = halo;
}

static void
tl_draw_marker(struct scene *sc, const struct tl_item *it, double lane_y,
	       uint32_t color)
{
	static const char *const cls[] = { "event done", "event planned",
		"step" };
	struct prim *p;

	if (it->mark == MARK_DONE) {
		p = scene_circle(sc, cls[it->mark], it->x, lane_y, TL_MARK_R,
				 color, color);
	} else {
		p = scene_circle(sc, cls[it->mark], it->x, lane_y, TL_MARK_R,
				 0xffffffu, color);
		p->stroke_width = it->mark == MARK_STEP ? 1.5 : 2;
		p->dashed = it->mark == MARK_STEP;
	}
	prim_tip(p, it->title);
}

/* Month ticks (every month, or every 2, 3, 6, 12 when crowded), Mondays. */
static void
tl_draw_axis(struct scene *sc, const struct timeline *tl, double top,
	     double axis_y)
{
	static const int steps[] = { 1, 2, 3, 6, 12 };
	int y, m, d, step = 12;
	bool first = true;

	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		if (steps[i] * 30.4 * tl->ppd >= 64) {
			step = steps[i];
			break;
		}
	}
	scene_line(sc, "axis", TL_LEFT, axis_y, TL_RIGHT, axis_y, C_AXIS, 1);
	if (7 * tl->ppd >= 10) {
		for (tw_date t = tl->lo; t <= tl->hi; t++)
			if (date_weekday(t) == 0)
				scene_line(sc, "week-tick", tl_x_start(tl, t),
					   axis_y, tl_x_start(tl, t),
					   axis_y + 4, C_AXIS, 1);
	}
	date_to_ymd(tl->lo, &y, &m, &d);
	/* The partial month the axis starts in, when its name fits. */
	if (d != 1) {
		tw_date next = m == 12 ? date_from_ymd(y + 1, 1, 1)
				       : date_from_ymd(y, m + 1, 1);
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s %d", month_abbr[m - 1], y);
		if (next && tl_x_start(tl, next) - TL_LEFT >=
		    chart_text_width(sb.buf, 11, false) + 12) {
			scene_text(sc, "month", TL_LEFT + 4, axis_y + 17, 11,
				   false, ANCHOR_START, C_MUTED, sb.buf);
			first = false;
		}
		strbuf_release(&sb);
	}
	for (tw_date t = tl->lo + 1; t <= tl->hi; t++) {
		struct strbuf sb = STRBUF_INIT;
		double x;

		date_to_ymd(t, &y, &m, &d);
		if (d != 1 || (m - 1) % step)
			continue;
		x = tl_x_start(tl, t);
		scene_line(sc, "month-grid", x, top, x, axis_y, C_GRID, 1);
		scene_line(sc, "month-tick", x, axis_y, x, axis_y + 7, C_AXIS,
			   1);
		if (first || m == 1)
			strbuf_addf(&sb, "%s %d", month_abbr[m - 1], y);
		else
			strbuf_addstr(&sb, month_abbr[m - 1]);
		if (x + 4 + chart_text_width(sb.buf, 11, false) <= TL_W - 4)
			scene_text(sc, "month", x + 4, axis_y + 17, 11, false,
				   ANCHOR_START, C_MUTED, sb.buf);
		first = false;
		strbuf_release(&sb);
	}
}

/* A vertical reference (technical win, today) with its label on top. */
struct tl_ref {
	const char *cls;
	double x;
	const char *label;
	char *sub;		/* the date */
	uint32_t color;
	bool dashed;
	double w, x1, x2;
	int row;
	bool left;
};

/* Two rows for the labels of the references, nearest the lanes first. */
static int
tl_place_refs(struct tl_ref *r, size_t n)
{
	int rows = 0;

	for (size_t i = 0; i < n; i++) {
		r[i].w = chart_text_width(r[i].label, 11, true) + 4 +
			 chart_text_width(r[i].sub, 11, false) + 6;
		r[i].left = r[i].x + r[i].w > TL_LABEL_EDGE;
		r[i].x1 = r[i].left ? r[i].x - r[i].w : r[i].x;
		r[i].x2 = r[i].left ? r[i].x : r[i].x + r[i].w;
		r[i].row = 0;
		for (size_t j = 0; j < i; j++)
			if (r[j].row == r[i].row && r[i].x1 < r[j].x2 + 8 &&
			    r[j].x1 < r[i].x2 + 8)
				r[i].row++;
		if (r[i].row + 1 > rows)
			rows = r[i].row + 1;
	}
	return rows;
}

static void
tl_draw_ref_line(struct scene *sc, const struct tl_ref *r, double label_y,
		 double bottom)
{
	struct prim *p = scene_line(sc, r->cls, r->x, label_y - 11, r->x,
				    bottom, r->color, r->dashed ? 1.5 : 2);

	p->dashed = r->dashed;
}

/* Drawn over the lanes' labels, with a halo where a line crosses them. */
static void
tl_draw_ref_label(struct scene *sc, const struct tl_ref *r, double label_y)
{
	double lw = chart_text_width(r->label, 11, true);
	double sw = chart_text_width(r->sub, 11, false);
	double lx = r->left ? r->x - 9 - sw - lw : r->x + 5;

	scene_text(sc, r->cls, lx, label_y, 11, true, ANCHOR_START, r->color,
		   r->label)->halo = 0xffffffu;
	scene_text(sc, r->cls, lx + lw + 4, label_y, 11, false, ANCHOR_START,
		   C_MUTED, r->sub)->halo = 0xffffffu;
}

static void
tl_release(struct timeline *tl)
{
	for (size_t i = 0; i < tl->nitems; i++) {
		for (size_t l = 0; l < tl->items[i].nlines; l++)
			free(tl->items[i].line[l]);
		free(tl->items[i].sub);
	}
	free(tl->items);
	free(tl->gaps);
	commercial_plan_release(&tl->plan);
}

static void
tl_header(struct scene *sc, const struct timeline *tl)
{
	const struct deal *d = tl->d;
	struct strbuf title = STRBUF_INIT, sub = STRBUF_INIT;
	double x = 20;

	strbuf_addf(&title, "%s \xE2\x80\x94 deal timeline",
		    d->account && *d->account ? d->account : d->slug);
	strbuf_addstr(&sub, d->slug);
	if (tl->plan.technical_win) {
		strbuf_addstr(&sub, " \xC2\xB7 technical win ");
		add_day(&sub, tl->plan.technical_win, true);
	} else {
		strbuf_addstr(&sub, " \xC2\xB7 no technical win yet");
	}
	strbuf_addstr(&sub, " \xC2\xB7 as of ");
	add_day(&sub, tl->o->today, true);
	scene_header(sc, title.buf, sub.buf);

	strbuf_reset(&sub);
	strbuf_addf(&sub, "gap over %d business day%s", tl->o->max_gap,
		    tl->o->max_gap == 1 ? "" : "s");
	scene_legend(sc, &x, 76, SW_DONE, C_MUTED, "done");
	scene_legend(sc, &x, 76, SW_PLANNED, C_MUTED, "planned");
	scene_legend(sc, &x, 76, SW_STEP, C_MUTED, "playbook step");
	scene_legend(sc, &x, 76, SW_GAP, C_GAP, sub.buf);
	scene_legend(sc, &x, 76, SW_WIN, C_WIN, "technical win");
	scene_legend(sc, &x, 76, SW_TODAY, C_TODAY, "today");

	sc->title = strbuf_detach(&title, NULL);
	strbuf_reset(&sub);
	strbuf_addf(&sub, "Deal %s: %zu event%s and %zu playbook step%s on a "
		    "date axis in a technical and a commercial lane; %zu "
		    "gap%s longer than %d business days between a technical "
		    "event and the next commercial one; as of ",
		    d->slug, tl->nevents, tl->nevents == 1 ? "" : "s",
		    tl->nsteps, tl->nsteps == 1 ? "" : "s", tl->ngaps,
		    tl->ngaps == 1 ? "" : "s", tl->o->max_gap);
	add_day(&sub, tl->o->today, true);
	sc->desc = strbuf_detach(&sub, NULL);
	strbuf_release(&sub);
}

static void
tl_draw_gaps(struct scene *sc, const struct timeline *tl, double top,
	     double bottom, double mid_y)
{
	double last_x2[2] = { -1e9, -1e9 };

	for (size_t i = 0; i < tl->ngaps; i++) {
		const struct tl_gap *g = &tl->gaps[i];
		double x1 = tl_x(tl, g->from), x2 = tl_x(tl, g->to);
		double cx = (x1 + x2) / 2;
		struct strbuf sb = STRBUF_INIT;
		struct prim *p;
		double w;
		int row;

		p = scene_rect(sc, "gap", x1, top, x2 - x1, bottom - top,
			       C_GAP);
		p->fill_opacity = 0.1;
		strbuf_addf(&sb, "%d bd gap", g->bdays);
		if (g->open)
			strbuf_addstr(&sb, " so far");
		w = chart_text_width(sb.buf, 11, true);
		/* Side by side on one row when they fit, else the next. */
		row = cx - w / 2 < last_x2[0] + 8 ? 1 : 0;
		if (row == 1 && cx - w / 2 < last_x2[1] + 8)
			row = 0;
		last_x2[row] = cx + w / 2;
		scene_text(sc, "gap-label", cx, mid_y + 14 * row, 11, true,
			   ANCHOR_MIDDLE, C_GAP_TEXT, sb.buf)->halo = 0xffffffu;
		strbuf_release(&sb);
	}
}

static void
tl_build(struct scene *sc, struct timeline *tl)
{
	const struct deal *d = tl->d;
	struct tl_ref refs[2];
	size_t nrefs = 0;
	double reach_t, reach_c, plot_top, y_t, y_c, bottom, axis_y;
	int ref_rows;

	tl_collect_items(tl);
	tl_subtitles(tl);
	tl_find_gaps(tl);
	tl_measure(tl);
	tl_range(tl);
	tl_position(tl);
	reach_t = tl_place_lane(tl, EVENT_TECHNICAL);
	reach_c = tl_place_lane(tl, EVENT_COMMERCIAL);
	if (reach_t < 30)
		reach_t = 30;
	if (reach_c < 30)
		reach_c = 30;

	memset(refs, 0, sizeof(refs));
	if (tl->plan.technical_win) {
		struct strbuf sb = STRBUF_INIT;

		add_day(&sb, tl->plan.technical_win, false);
		refs[nrefs++] = (struct tl_ref){ "technical-win",
			tl_x(tl, tl->plan.technical_win), "technical win",
			strbuf_detach(&sb, NULL), C_WIN, false, 0, 0, 0, 0,
			false };
	}
	{
		struct strbuf sb = STRBUF_INIT;

		add_day(&sb, tl->o->today, false);
		refs[nrefs++] = (struct tl_ref){ "today",
			tl_x(tl, tl->o->today), "today",
			strbuf_detach(&sb, NULL), C_TODAY, true, 0, 0, 0, 0,
			false };
	}
	ref_rows = tl_place_refs(refs, nrefs);

	/* Top down: header, reference labels, technical lane, commercial. */
	plot_top = 96 + 16.0 * ref_rows;
	y_t = plot_top + 8 + reach_t;
	y_c = y_t + TL_LANE_SEP;
	bottom = y_c + reach_c + 10;
	axis_y = bottom + 6;
	/* Whole units, so the PNG is exactly twice the SVG. */
	sc->h = ceil(axis_y + 34);

	tl_header(sc, tl);
	scene_rect(sc, "lane technical", TL_LEFT - 4, plot_top,
		   TL_RIGHT - TL_LEFT + 8, y_t + 26 - plot_top, C_TECH_TINT);
	scene_rect(sc, "lane commercial", TL_LEFT - 4, y_c - 26,
		   TL_RIGHT - TL_LEFT + 8, bottom - (y_c - 26), C_COMM_TINT);
	tl_draw_axis(sc, tl, plot_top, axis_y);
	/*
	 * The win's and today's lines under every label: each label drawn
	 * after them has a halo that hides them where they cross it.
	 */
	for (size_t i = 0; i < nrefs; i++)
		tl_draw_ref_line(sc, &refs[i],
				 plot_top - 6 - 16.0 * refs[i].row, bottom);
	tl_draw_gaps(sc, tl, y_t, y_c, (y_t + y_c) / 2 - 2);

	scene_text(sc, "lane-name", 20, y_t + 4, 13, true, ANCHOR_START, C_TECH,
		   "Technical");
	scene_text(sc, "lane-name", 20, y_c + 4, 13, true, ANCHOR_START, C_COMM,
		   "Commercial");
	scene_line(sc, "lane-line", TL_LEFT, y_t, TL_RIGHT, y_t, C_TECH_POC, 2);
	scene_line(sc, "lane-line", TL_LEFT, y_c, TL_RIGHT, y_c, 0x99f6e4u, 2);

	if (d->poc_start && d->poc_end && d->poc_end >= d->poc_start) {
		struct strbuf sb = STRBUF_INIT;
		double x1 = tl_x(tl, d->poc_start), x2 = tl_x(tl, d->poc_end);
		struct prim *p = scene_rect(sc, "poc", x1 - 4, y_t - 5,
					    x2 - x1 + 8, 10, C_TECH_POC);

		p->rx = 5;
		strbuf_addstr(&sb, "POC ");
		add_day(&sb, d->poc_start, false);
		strbuf_addstr(&sb, " \xE2\x80\x93 ");
		add_day(&sb, d->poc_end, false);
		prim_tip(p, sb.buf);
		if (chart_text_width(sb.buf, 10, false) > x2 - x1 - 8) {
			strbuf_reset(&sb);
			strbuf_addstr(&sb, "POC");
		}
		scene_text(sc, "poc-label", x1, y_t + 19, 10, false,
			   ANCHOR_START, C_TECH, sb.buf)->halo = C_TECH_TINT;
		strbuf_release(&sb);
	}

	for (size_t i = 0; i < tl->nitems; i++) {
		const struct tl_item *it = &tl->items[i];
		bool tech = it->lane == EVENT_TECHNICAL;

		tl_draw_label(sc, it, tech ? y_t : y_c, tech ? -1 : 1,
			      tech ? C_TECH : C_COMM,
			      tech ? C_TECH_TINT : C_COMM_TINT);
	}
	for (size_t i = 0; i < nrefs; i++)
		tl_draw_ref_label(sc, &refs[i],
				  plot_top - 6 - 16.0 * refs[i].row);
	for (size_t i = 0; i < tl->nitems; i++) {
		const struct tl_item *it = &tl->items[i];
		bool tech = it->lane == EVENT_TECHNICAL;

		tl_draw_marker(sc, it, tech ? y_t : y_c,
			       tech ? C_TECH : C_COMM);
	}
	if (!tl->nitems)
		scene_text(sc, "empty", (TL_LEFT + TL_RIGHT) / 2, y_t - 14, 12,
			   false, ANCHOR_MIDDLE, C_MUTED,
			   "no dated events yet")->halo = C_TECH_TINT;
	for (size_t i = 0; i < nrefs; i++)
		free(refs[i].sub);
}

int
chart_render_timeline(const struct deal *d,
		      const struct chart_timeline_opts *o,
		      enum chart_format fmt, struct strbuf *out,
		      struct tw_error *err)
{
	struct timeline tl;
	struct scene sc;
	int r;

	memset(&tl, 0, sizeof(tl));
	tl.d = d;
	tl.o = o;
	commercial_plan_compute(d, o->h, &tl.plan);
	scene_init(&sc, TL_W, 0);
	tl_build(&sc, &tl);
	r = scene_emit(&sc, fmt, out, err);
	scene_release(&sc);
	tl_release(&tl);
	return r;
}
