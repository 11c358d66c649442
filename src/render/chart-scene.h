/*
 * A chart laid out as a scene: the shapes chart.c places, shared with
 * chart-png.c, which paints them with cairo + pango. Kept apart so that
 * techwin only loads cairo (as a module) when a PNG is asked for; not part
 * of chart.h's interface.
 */
#ifndef TW_CHART_SCENE_H
#define TW_CHART_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/strbuf.h"

#define COLOR_NONE 0xFFFFFFFFu

enum prim_kind { PRIM_RECT, PRIM_LINE, PRIM_CIRCLE, PRIM_TEXT };
enum anchor { ANCHOR_START, ANCHOR_MIDDLE, ANCHOR_END };

/*
 * One shape. Rectangles use x, y, w, h (and rx); lines run from (x, y) to
 * (x2, y2); circles have centre (x, y) and radius r; text sits with its
 * baseline at y and its anchor at x, turned by rotate degrees.
 */
struct prim {
	enum prim_kind kind;
	const char *cls;	/* SVG class, for tests and stylesheets */
	double x, y, w, h, x2, y2, r, rx;
	uint32_t fill, stroke;	/* 0xRRGGBB or COLOR_NONE */
	double fill_opacity;
	double stroke_width;
	bool dashed;
	char *text;		/* clean text */
	double size;
	bool bold;
	enum anchor anchor;
	double rotate;
	uint32_t halo;		/* text outline that hides lines under it */
	char *tip;		/* SVG <title> of the shape (a tooltip) */
};

struct scene {
	double w, h;
	char *title;
	char *desc;
	struct prim *p;
	size_t n, alloc;
};

/*
 * Paint sc at CHART_PNG_SCALE times its size and append the PNG to out.
 * TW_ESTORE when cairo fails.
 */
int chart_scene_png(const struct scene *sc, struct strbuf *out,
		    struct tw_error *err);

#endif
