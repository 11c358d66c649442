/*
 * Charts as SVG or PNG: a deal's timeline (technical and commercial lanes,
 * playbook steps, momentum gaps, today) and the team's cycle-time
 * histogram. Each chart is laid out once as a list of shapes, then written
 * as SVG text or drawn with cairo + pango into a PNG at twice the size, so
 * both formats show the same picture. Renderers write into a strbuf and
 * never open files.
 */
#ifndef TW_CHART_H
#define TW_CHART_H

#include "core/date.h"
#include "core/model.h"
#include "core/stats.h"
#include "util/error.h"
#include "util/strbuf.h"

enum chart_format { CHART_SVG, CHART_PNG };

/* PNG pixels per SVG unit: a PNG is this many times the SVG's size. */
#define CHART_PNG_SCALE 2

struct chart_timeline_opts {
	tw_date today;
	int max_gap;			/* business days (momentum.max_gap) */
	const struct holidays *h;	/* the deal's and the workspace's */
};

/*
 * The deal's events and the steps of its commercial plan on a date axis.
 * An event is done when its done date is on or before today (filled
 * marker), else planned (outlined); a playbook step is outlined dashed and
 * left out when an event of the same kind has its title or its date. A
 * done technical event whose next commercial event (by the date shown) is
 * more than max_gap business days later, or that has none and is more
 * than max_gap business days before today, is shaded up to that event (or
 * today) and labelled "N bd gap"; several technical events waiting for the
 * same commercial event share one band from the earliest of them.
 * 0, or TW_ESTORE when cairo fails to draw the PNG.
 */
int chart_render_timeline(const struct deal *d,
			  const struct chart_timeline_opts *o,
			  enum chart_format fmt, struct strbuf *out,
			  struct tw_error *err);

/*
 * Days from POC end to close of rep's deals (cycle_report_compute without
 * a filter: every won deal) as a histogram of 7-day bins labelled in
 * weeks, the team median (rep->team) marked, and the deal whose slug is
 * selected (NULL: none; it must be one of rep's deals) highlighted with
 * "N weeks vs the team's M".
 */
int chart_render_cycle(const struct cycle_report *rep, const char *selected,
		       enum chart_format fmt, struct strbuf *out,
		       struct tw_error *err);

/* Estimated advance width of UTF-8 text in DejaVu Sans at size px. */
double chart_text_width(const char *s, double size, bool bold);

#endif
