/*
 * What the charts of chart.h share. A chart is first laid out as a scene
 * (rectangles, lines, circles and text in SVG user units), then written as
 * SVG here or painted with cairo + pango (chart-png.c); the layout measures
 * text with DejaVu Sans advance widths so it needs no font at run time and
 * the SVG is the same byte for byte on every machine. The charts
 * themselves are chart-timeline.c and chart-cycle.c.
 */
#include "render/chart.h"
#include "render/chart-scene.h"
#include "render/escape.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- text measurement ------------------------------------------------ */

/* DejaVu Sans advance widths of ' ' .. '~' in 1/1000 em (from the font). */
static const unsigned short dejavu_regular[95] = {
	318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,
	318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337,
	838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
	295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989,
	685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615,
	352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
	392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
};
static const unsigned short dejavu_bold[95] = {
	348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415,
	380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400,
	838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
	372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103,
	771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678,
	435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
	478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
};

static double
glyph_width(long cp, bool bold)
{
	if (cp >= 0x20 && cp < 0x7F)
		return (bold ? dejavu_bold : dejavu_regular)[cp - 0x20];
	switch (cp) {
	case 0x00B7:	/* middle dot */
		return bold ? 380 : 318;
	case 0x2013:	/* en dash */
		return 500;
	case 0x2014:	/* em dash */
	case 0x2026:	/* ellipsis */
		return 1000;
	}
	/* Wide scripts take a full em; other letters about an 'n'. */
	if (cp >= 0x2E80)
		return 1000;
	return bold ? 720 : 650;
}

double
chart_text_width(const char *s, double size, bool bold)
{
	double w = 0;
	size_t len;

	for (const unsigned char *p = (const unsigned char *)s; p && *p;
	     p += len)
		w += glyph_width(utf8_char(p, &len), bold);
	return w * size / 1000.0;
}

/*
 * A copy of user text that is safe in XML and on one line: malformed UTF-8
 * becomes U+FFFD, control characters (invalid in XML 1.0, or line breaks)
 * and the non-characters U+FFFE/U+FFFF become spaces.
 */
char *
chart_clean_text(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;

	for (const unsigned char *p = (const unsigned char *)s; p && *p;
	     p += len) {
		long cp = utf8_char(p, &len);

		if (cp < 0)
			strbuf_addstr(&sb, "\xEF\xBF\xBD");
		else if (cp < 0x20 || cp == 0x7F || cp == 0xFFFE ||
			 cp == 0xFFFF)
			strbuf_addch(&sb, ' ');
		else
			strbuf_add(&sb, p, len);
	}
	return strbuf_detach(&sb, NULL);
}

/* The longest prefix of s (whole code points) no wider than maxw. */
static size_t
fit_prefix(const char *s, double maxw, double size, bool bold)
{
	double w = 0;
	size_t len, n = 0;

	while (s[n]) {
		double g = glyph_width(utf8_char((const unsigned char *)s + n,
						   &len), bold) * size / 1000.0;

		if (w + g > maxw)
			break;
		w += g;
		n += len;
	}
	return n;
}

/* s cut to maxw with a trailing "…" when it does not fit. */
char *
chart_ellipsize(const char *s, double maxw, double size, bool bold)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n;

	if (chart_text_width(s, size, bold) <= maxw)
		return xstrdup(s);
	n = fit_prefix(s, maxw - chart_text_width("\xE2\x80\xA6", size, bold),
		       size, bold);
	while (n && s[n - 1] == ' ')
		n--;
	strbuf_add(&sb, s, n);
	strbuf_addstr(&sb, "\xE2\x80\xA6");
	return strbuf_detach(&sb, NULL);
}

/*
 * Break s (clean text) into at most two lines no wider than maxw, at
 * spaces where possible; the second line ends in "…" when s is longer.
 * Returns the number of lines (1 or 2) written to line[] (caller frees).
 */
size_t
chart_wrap2(const char *s, double maxw, double size, bool bold, char *line[2])
{
	size_t n, cut;

	while (*s == ' ')
		s++;
	if (chart_text_width(s, size, bold) <= maxw) {
		line[0] = xstrdup(s);
		return 1;
	}
	n = fit_prefix(s, maxw, size, bold);
	/* Break at the last space that fits, unless the word is too long. */
	cut = n;
	while (cut && s[cut] != ' ')
		cut--;
	if (!cut)
		cut = n ? n : 1;
	line[0] = xstrndup(s, cut);
	while (cut && line[0][cut - 1] == ' ')
		line[0][--cut] = '\0';
	s += strlen(line[0]);
	while (*s == ' ')
		s++;
	line[1] = chart_ellipsize(s, maxw, size, bold);
	return 2;
}

/* ---- scenes ---------------------------------------------------------- */

void
scene_init(struct scene *sc, double w, double h)
{
	memset(sc, 0, sizeof(*sc));
	sc->w = w;
	sc->h = h;
}

void
scene_release(struct scene *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		free(sc->p[i].text);
		free(sc->p[i].tip);
	}
	free(sc->p);
	free(sc->title);
	free(sc->desc);
	memset(sc, 0, sizeof(*sc));
}

/* A shape anchored at (x, y); see struct prim for what that means. */
static struct prim *
scene_add(struct scene *sc, enum prim_kind kind, const char *cls, double x,
	  double y)
{
	struct prim *p;

	ALLOC_GROW(sc->p, sc->n + 1, sc->alloc);
	p = &sc->p[sc->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->cls = cls;
	p->x = x;
	p->y = y;
	p->fill = p->stroke = p->halo = COLOR_NONE;
	p->fill_opacity = 1;
	p->stroke_width = 1;
	return p;
}

struct prim *
scene_rect(struct scene *sc, const char *cls, double x, double y, double w,
	   double h, uint32_t fill)
{
	struct prim *p = scene_add(sc, PRIM_RECT, cls, x, y);

	p->w = w > 0 ? w : 0;
	p->h = h > 0 ? h : 0;
	p->fill = fill;
	return p;
}

struct prim *
scene_line(struct scene *sc, const char *cls, double x1, double y1, double x2,
	   double y2, uint32_t color, double width)
{
	struct prim *p = scene_add(sc, PRIM_LINE, cls, x1, y1);

	p->x2 = x2;
	p->y2 = y2;
	p->stroke = color;
	p->stroke_width = width;
	return p;
}

struct prim *
scene_circle(struct scene *sc, const char *cls, double cx, double cy, double r,
	     uint32_t fill, uint32_t stroke)
{
	struct prim *p = scene_add(sc, PRIM_CIRCLE, cls, cx, cy);

	p->r = r;
	p->fill = fill;
	p->stroke = stroke;
	return p;
}

/* Text from the user or from us; it is cleaned here and escaped on output. */
struct prim *
scene_text(struct scene *sc, const char *cls, double x, double y, double size,
	   bool bold, enum anchor anchor, uint32_t color, const char *text)
{
	struct prim *p = scene_add(sc, PRIM_TEXT, cls, x, y);

	p->size = size;
	p->bold = bold;
	p->anchor = anchor;
	p->fill = color;
	p->text = chart_clean_text(text);
	return p;
}

void
prim_tip(struct prim *p, const char *tip)
{
	free(p->tip);
	p->tip = chart_clean_text(tip);
}

/* ---- SVG ------------------------------------------------------------- */

static void
add_attr_num(struct strbuf *sb, const char *name, double v)
{
	strbuf_addf(sb, " %s=\"", name);
	strbuf_add_num1(sb, v);
	strbuf_addch(sb, '"');
}

static void
add_color(struct strbuf *sb, const char *name, uint32_t c)
{
	if (c == COLOR_NONE)
		strbuf_addf(sb, " %s=\"none\"", name);
	else
		strbuf_addf(sb, " %s=\"#%06x\"", name, (unsigned)c);
}

static void
svg_paint_attrs(struct strbuf *sb, const struct prim *p)
{
	add_color(sb, "fill", p->fill);
	if (p->fill != COLOR_NONE && p->fill_opacity < 1)
		add_attr_num(sb, "fill-opacity", p->fill_opacity);
	if (p->stroke != COLOR_NONE) {
		add_color(sb, "stroke", p->stroke);
		add_attr_num(sb, "stroke-width", p->stroke_width);
		if (p->dashed)
			strbuf_addstr(sb, " stroke-dasharray=\"4 3\"");
	}
}

static void
svg_text(struct strbuf *sb, const struct prim *p)
{
	static const char *const anchors[] = { "start", "middle", "end" };

	strbuf_addstr(sb, "<text");
	if (p->cls)
		strbuf_addf(sb, " class=\"%s\"", p->cls);
	add_attr_num(sb, "x", p->x);
	add_attr_num(sb, "y", p->y);
	add_attr_num(sb, "font-size", p->size);
	if (p->bold)
		strbuf_addstr(sb, " font-weight=\"bold\"");
	if (p->anchor != ANCHOR_START)
		strbuf_addf(sb, " text-anchor=\"%s\"", anchors[p->anchor]);
	add_color(sb, "fill", p->fill);
	if (p->halo != COLOR_NONE) {
		add_color(sb, "stroke", p->halo);
		strbuf_addstr(sb, " stroke-width=\"3\" "
			      "stroke-linejoin=\"round\" "
			      "paint-order=\"stroke\"");
	}
	if (p->rotate != 0) {
		strbuf_addstr(sb, " transform=\"rotate(");
		strbuf_add_num1(sb, p->rotate);
		strbuf_addch(sb, ' ');
		strbuf_add_num1(sb, p->x);
		strbuf_addch(sb, ' ');
		strbuf_add_num1(sb, p->y);
		strbuf_addstr(sb, ")\"");
	}
	strbuf_addch(sb, '>');
	html_escape(sb, p->text);
	strbuf_addstr(sb, "</text>\n");
}

static void
svg_prim(struct strbuf *sb, const struct prim *p)
{
	static const char *const tags[] = { "rect", "line", "circle" };

	if (p->kind == PRIM_TEXT) {
		svg_text(sb, p);
		return;
	}
	strbuf_addf(sb, "<%s", tags[p->kind]);
	if (p->cls)
		strbuf_addf(sb, " class=\"%s\"", p->cls);
	switch (p->kind) {
	case PRIM_RECT:
		add_attr_num(sb, "x", p->x);
		add_attr_num(sb, "y", p->y);
		add_attr_num(sb, "width", p->w);
		add_attr_num(sb, "height", p->h);
		if (p->rx > 0)
			add_attr_num(sb, "rx", p->rx);
		break;
	case PRIM_LINE:
		add_attr_num(sb, "x1", p->x);
		add_attr_num(sb, "y1", p->y);
		add_attr_num(sb, "x2", p->x2);
		add_attr_num(sb, "y2", p->y2);
		break;
	default:
		add_attr_num(sb, "cx", p->x);
		add_attr_num(sb, "cy", p->y);
		add_attr_num(sb, "r", p->r);
		break;
	}
	svg_paint_attrs(sb, p);
	if (!p->tip) {
		strbuf_addstr(sb, "/>\n");
		return;
	}
	strbuf_addstr(sb, "><title>");
	html_escape(sb, p->tip);
	strbuf_addf(sb, "</title></%s>\n", tags[p->kind]);
}

static void
scene_svg(const struct scene *sc, struct strbuf *sb)
{
	strbuf_addstr(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	strbuf_addstr(sb, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	add_attr_num(sb, "width", sc->w);
	add_attr_num(sb, "height", sc->h);
	strbuf_addstr(sb, " viewBox=\"0 0 ");
	strbuf_add_num1(sb, sc->w);
	strbuf_addch(sb, ' ');
	strbuf_add_num1(sb, sc->h);
	strbuf_addstr(sb, "\" font-family=\"DejaVu Sans, sans-serif\" "
		      "role=\"img\" aria-labelledby=\"chart-title\">\n");
	strbuf_addstr(sb, "<title id=\"chart-title\">");
	html_escape(sb, sc->title);
	strbuf_addstr(sb, "</title>\n");
	if (sc->desc) {
		strbuf_addstr(sb, "<desc>");
		html_escape(sb, sc->desc);
		strbuf_addstr(sb, "</desc>\n");
	}
	strbuf_addstr(sb, "<rect class=\"background\"");
	add_attr_num(sb, "width", sc->w);
	add_attr_num(sb, "height", sc->h);
	strbuf_addstr(sb, " fill=\"#ffffff\"/>\n");
	for (size_t i = 0; i < sc->n; i++)
		svg_prim(sb, &sc->p[i]);
	strbuf_addstr(sb, "</svg>\n");
}

int
scene_emit(const struct scene *sc, enum chart_format fmt, struct strbuf *out,
	   struct tw_error *err)
{
	if (fmt == CHART_PNG)
		return chart_scene_png(sc, out, err);
	scene_svg(sc, out);
	return 0;
}

/* ---- shared pieces --------------------------------------------------- */


/* The header every chart starts with: a title and a grey subtitle. */
void
scene_header(struct scene *sc, const char *title, const char *subtitle)
{
	char *t = chart_ellipsize(title, sc->w - 40, 18, true);
	char *s = chart_ellipsize(subtitle, sc->w - 40, 12, false);

	scene_text(sc, "chart-title", 20, 30, 18, true, ANCHOR_START, C_TEXT,
		   t);
	scene_text(sc, "chart-subtitle", 20, 50, 12, false, ANCHOR_START,
		   C_MUTED, s);
	free(t);
	free(s);
}

/* Legend swatches, left to right from *x on baseline y. */

void
scene_legend(struct scene *sc, double *x, double y, enum swatch sw,
	     uint32_t color, const char *label)
{
	double cx = *x + 6, cy = y - 4;
	struct prim *p;

	switch (sw) {
	case SW_DONE:
		scene_circle(sc, NULL, cx, cy, 5, color, color);
		break;
	case SW_PLANNED:
		p = scene_circle(sc, NULL, cx, cy, 5, 0xffffffu, color);
		p->stroke_width = 2;
		break;
	case SW_STEP:
		p = scene_circle(sc, NULL, cx, cy, 5, 0xffffffu, color);
		p->stroke_width = 1.5;
		p->dashed = true;
		break;
	case SW_GAP:
		p = scene_rect(sc, NULL, *x, cy - 6, 12, 12, color);
		p->fill_opacity = 0.18;
		break;
	case SW_WIN:
		scene_line(sc, NULL, cx, cy - 7, cx, cy + 7, color, 2);
		break;
	case SW_TODAY:
		p = scene_line(sc, NULL, cx, cy - 7, cx, cy + 7, color, 1.5);
		p->dashed = true;
		break;
	case SW_BAR:
	case SW_SELECTED:
		p = scene_rect(sc, NULL, *x, cy - 6, 12, 12, color);
		p->rx = 2;
		break;
	}
	scene_text(sc, "legend", *x + 17, y, 11, false, ANCHOR_START, C_MUTED,
		   label);
	*x += 17 + chart_text_width(label, 11, false) + 18;
}
