/*
 * A chart laid out as a scene: the shapes chart-timeline.c and
 * chart-cycle.c place with chart.c's helpers, shared with chart-png.c,
 * which paints them with cairo + pango. Kept apart so that techwin only
 * loads cairo (as a module) when a PNG is asked for; not part of chart.h's
 * interface.
 */
#ifndef TW_CHART_SCENE_H
#define TW_CHART_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render/chart.h"
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

/* Building scenes (chart.c). */

/* Colours: one hue per meaning, dark enough for text on white. */
#define C_TEXT 0x111827u
#define C_MUTED 0x6b7280u
#define C_GRID 0xe5e7ebu
#define C_AXIS 0x9ca3afu
#define C_TECH 0x1d4ed8u
#define C_TECH_TINT 0xeff6ffu
#define C_TECH_POC 0xbfdbfeu
#define C_COMM 0x0f766eu
#define C_COMM_TINT 0xf0fdfau
#define C_GAP 0xdc2626u
#define C_GAP_TEXT 0xb91c1cu
#define C_WIN 0x7c3aedu
#define C_TODAY 0x111827u
#define C_BAR 0x94a3b8u
#define C_SELECTED 0xea580cu
#define C_SELECTED_TEXT 0xc2410cu

/*
 * User text made safe in XML and on one line; s cut to maxw with "…";
 * s broken into at most two lines (returns how many, caller frees).
 */
char *chart_clean_text(const char *s);
char *chart_ellipsize(const char *s, double maxw, double size, bool bold);
size_t chart_wrap2(const char *s, double maxw, double size, bool bold,
		   char *line[2]);

void scene_init(struct scene *sc, double w, double h);
void scene_release(struct scene *sc);
/* Shapes, returned for the caller to adjust; text is cleaned. */
struct prim *scene_rect(struct scene *sc, const char *cls, double x,
			double y, double w, double h, uint32_t fill);
struct prim *scene_line(struct scene *sc, const char *cls, double x1,
			double y1, double x2, double y2, uint32_t color,
			double width);
struct prim *scene_circle(struct scene *sc, const char *cls, double cx,
			  double cy, double r, uint32_t fill,
			  uint32_t stroke);
struct prim *scene_text(struct scene *sc, const char *cls, double x,
			double y, double size, bool bold, enum anchor anchor,
			uint32_t color, const char *text);
void prim_tip(struct prim *p, const char *tip);
/* The scene as SVG, or as PNG through the cairo module. */
int scene_emit(const struct scene *sc, enum chart_format fmt,
	       struct strbuf *out, struct tw_error *err);

/* The header every chart starts with: a title and a grey subtitle. */
void scene_header(struct scene *sc, const char *title, const char *subtitle);

/* Legend swatches, left to right from *x on baseline y. */
enum swatch { SW_DONE, SW_PLANNED, SW_STEP, SW_GAP, SW_WIN, SW_TODAY,
	      SW_BAR, SW_SELECTED };
void scene_legend(struct scene *sc, double *x, double y, enum swatch sw,
		  uint32_t color, const char *label);

#endif
