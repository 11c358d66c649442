/*
 * The charts of chart.h. A chart is first laid out as a scene (rectangles,
 * lines, circles and text in SVG user units), then written as SVG or
 * painted with cairo + pango (chart-png.c); the layout measures text with
 * DejaVu Sans advance widths so it needs no font at run time and the SVG
 * is the same byte for byte on every machine.
 */
#include "render/chart.h"
#include "render/chart-scene.h"
#include "core/commercial.h"
#include "render/escape.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/*
 * Decode one UTF-8 code point at s (not NUL); *len gets its byte length.
 * -1 for a malformed sequence (overlong, surrogate, out of range), with
 * *len = 1 so the caller can skip the byte.
 */
static long
utf8_decode(const unsigned char *s, size_t *len)
{
	long cp;
	size_t n;

	*len = 1;
	if (s[0] < 0x80)
		return s[0];
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*len = n;
	return cp;
}

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
		w += glyph_width(utf8_decode(p, &len), bold);
	return w * size / 1000.0;
}

/*
 * A copy of user text that is safe in XML and on one line: malformed UTF-8
 * becomes U+FFFD, control characters (invalid in XML 1.0, or line breaks)
 * and the non-characters U+FFFE/U+FFFF become spaces.
 */
static char *
clean_text(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t len;

	for (const unsigned char *p = (const unsigned char *)s; p && *p;
	     p += len) {
		long cp = utf8_decode(p, &len);

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
		double g = glyph_width(utf8_decode((const unsigned char *)s + n,
						   &len), bold) * size / 1000.0;

		if (w + g > maxw)
			break;
		w += g;
		n += len;
	}
	return n;
}

/* s cut to maxw with a trailing "…" when it does not fit. */
static char *
ellipsize(const char *s, double maxw, double size, bool bold)
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
static size_t
wrap2(const char *s, double maxw, double size, bool bold, char *line[2])
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
	line[1] = ellipsize(s, maxw, size, bold);
	return 2;
}

/* ---- scenes ---------------------------------------------------------- */

static void
scene_init(struct scene *sc, double w, double h)
{
	memset(sc, 0, sizeof(*sc));
	sc->w = w;
	sc->h = h;
}

static void
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

static struct prim *
scene_add(struct scene *sc, enum prim_kind kind, const char *cls)
{
	struct prim *p;

	ALLOC_GROW(sc->p, sc->n + 1, sc->alloc);
	p = &sc->p[sc->n++];
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->cls = cls;
	p->fill = p->stroke = p->halo = COLOR_NONE;
	p->fill_opacity = 1;
	p->stroke_width = 1;
	return p;
}

static struct prim *
add_rect(struct scene *sc, const char *cls, double x, double y, double w,
	 double h, uint32_t fill)
{
	struct prim *p = scene_add(sc, PRIM_RECT, cls);

	p->x = x;
	p->y = y;
	p->w = w > 0 ? w : 0;
	p->h = h > 0 ? h : 0;
	p->fill = fill;
	return p;
}

static struct prim *
add_line(struct scene *sc, const char *cls, double x1, double y1, double x2,
	 double y2, uint32_t color, double width)
{
	struct prim *p = scene_add(sc, PRIM_LINE, cls);

	p->x = x1;
	p->y = y1;
	p->x2 = x2;
	p->y2 = y2;
	p->stroke = color;
	p->stroke_width = width;
	return p;
}

static struct prim *
add_circle(struct scene *sc, const char *cls, double cx, double cy, double r,
	   uint32_t fill, uint32_t stroke)
{
	struct prim *p = scene_add(sc, PRIM_CIRCLE, cls);

	p->x = cx;
	p->y = cy;
	p->r = r;
	p->fill = fill;
	p->stroke = stroke;
	return p;
}

/* Text from the user or from us; it is cleaned here and escaped on output. */
static struct prim *
add_text(struct scene *sc, const char *cls, double x, double y, double size,
	 bool bold, enum anchor anchor, uint32_t color, const char *text)
{
	struct prim *p = scene_add(sc, PRIM_TEXT, cls);

	p->x = x;
	p->y = y;
	p->size = size;
	p->bold = bold;
	p->anchor = anchor;
	p->fill = color;
	p->text = clean_text(text);
	return p;
}

static void
prim_tip(struct prim *p, const char *tip)
{
	free(p->tip);
	p->tip = clean_text(tip);
}

/* ---- SVG ------------------------------------------------------------- */

/* One decimal at most, never "-0": stable bytes for golden files. */
static void
add_num(struct strbuf *sb, double v)
{
	double r = round(v * 10.0) / 10.0;

	if (r == 0)
		r = 0;
	if (r == floor(r))
		strbuf_addf(sb, "%.0f", r);
	else
		strbuf_addf(sb, "%.1f", r);
}

static void
add_attr_num(struct strbuf *sb, const char *name, double v)
{
	strbuf_addf(sb, " %s=\"", name);
	add_num(sb, v);
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
		add_num(sb, p->rotate);
		strbuf_addch(sb, ' ');
		add_num(sb, p->x);
		strbuf_addch(sb, ' ');
		add_num(sb, p->y);
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
	add_num(sb, sc->w);
	strbuf_addch(sb, ' ');
	add_num(sb, sc->h);
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

static int
scene_emit(const struct scene *sc, enum chart_format fmt, struct strbuf *out,
	   struct tw_error *err)
{
	if (fmt == CHART_PNG)
		return chart_scene_png(sc, out, err);
	scene_svg(sc, out);
	return 0;
}

/* ---- shared pieces --------------------------------------------------- */

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

/* The header every chart starts with: a title and a grey subtitle. */
static void
add_header(struct scene *sc, const char *title, const char *subtitle)
{
	char *t = ellipsize(title, sc->w - 40, 18, true);
	char *s = ellipsize(subtitle, sc->w - 40, 12, false);

	add_text(sc, "chart-title", 20, 30, 18, true, ANCHOR_START, C_TEXT, t);
	add_text(sc, "chart-subtitle", 20, 50, 12, false, ANCHOR_START,
		 C_MUTED, s);
	free(t);
	free(s);
}

/* Legend swatches, left to right from *x on baseline y. */
enum swatch { SW_DONE, SW_PLANNED, SW_STEP, SW_GAP, SW_WIN, SW_TODAY,
	      SW_BAR, SW_SELECTED };

static void
add_legend(struct scene *sc, double *x, double y, enum swatch sw,
	   uint32_t color, const char *label)
{
	double cx = *x + 6, cy = y - 4;
	struct prim *p;

	switch (sw) {
	case SW_DONE:
		add_circle(sc, NULL, cx, cy, 5, color, color);
		break;
	case SW_PLANNED:
		p = add_circle(sc, NULL, cx, cy, 5, 0xffffffu, color);
		p->stroke_width = 2;
		break;
	case SW_STEP:
		p = add_circle(sc, NULL, cx, cy, 5, 0xffffffu, color);
		p->stroke_width = 1.5;
		p->dashed = true;
		break;
	case SW_GAP:
		p = add_rect(sc, NULL, *x, cy - 6, 12, 12, color);
		p->fill_opacity = 0.18;
		break;
	case SW_WIN:
		add_line(sc, NULL, cx, cy - 7, cx, cy + 7, color, 2);
		break;
	case SW_TODAY:
		p = add_line(sc, NULL, cx, cy - 7, cx, cy + 7, color, 1.5);
		p->dashed = true;
		break;
	case SW_BAR:
	case SW_SELECTED:
		p = add_rect(sc, NULL, *x, cy - 6, 12, 12, color);
		p->rx = 2;
		break;
	}
	add_text(sc, "legend", *x + 17, y, 11, false, ANCHOR_START, C_MUTED,
		 label);
	*x += 17 + chart_text_width(label, 11, false) + 18;
}

/* ---- timeline -------------------------------------------------------- */

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

static bool
done_by(const struct event *e, tw_date today)
{
	return e->done != DATE_NONE && e->done <= today;
}

/* Where an event is drawn: done date once done, else the planned date. */
static tw_date
shown_date(const struct event *e, tw_date today)
{
	if (done_by(e, today))
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
	clean = clean_text(title);
	it->nlines = wrap2(clean, TL_LABEL_MAX, TL_TITLE_SIZE, false,
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
			    done_by(e, today) ? MARK_DONE : MARK_PLANNED,
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

		if (t->kind != EVENT_TECHNICAL || !done_by(t, o->today))
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

	add_line(sc, "leader", it->x, y1, it->x, y2, color, 1);
	for (size_t l = 0; l < it->nlines; l++)
		add_text(sc, "event-title", tx, top + 11 + TL_LINE_H * l,
			 TL_TITLE_SIZE, false, a, C_TEXT, it->line[l])->halo =
			halo;
	add_text(sc, "event-date", tx, top + TL_LINE_H * it->nlines + 10,
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
		p = add_circle(sc, cls[it->mark], it->x, lane_y, TL_MARK_R,
			       color, color);
	} else {
		p = add_circle(sc, cls[it->mark], it->x, lane_y, TL_MARK_R,
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
	add_line(sc, "axis", TL_LEFT, axis_y, TL_RIGHT, axis_y, C_AXIS, 1);
	if (7 * tl->ppd >= 10) {
		for (tw_date t = tl->lo; t <= tl->hi; t++)
			if (date_weekday(t) == 0)
				add_line(sc, "week-tick", tl_x_start(tl, t),
					 axis_y, tl_x_start(tl, t), axis_y + 4,
					 C_AXIS, 1);
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
			add_text(sc, "month", TL_LEFT + 4, axis_y + 17, 11,
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
		add_line(sc, "month-grid", x, top, x, axis_y, C_GRID, 1);
		add_line(sc, "month-tick", x, axis_y, x, axis_y + 7, C_AXIS, 1);
		if (first || m == 1)
			strbuf_addf(&sb, "%s %d", month_abbr[m - 1], y);
		else
			strbuf_addstr(&sb, month_abbr[m - 1]);
		if (x + 4 + chart_text_width(sb.buf, 11, false) <= TL_W - 4)
			add_text(sc, "month", x + 4, axis_y + 17, 11, false,
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
	struct prim *p = add_line(sc, r->cls, r->x, label_y - 11, r->x, bottom,
				  r->color, r->dashed ? 1.5 : 2);

	p->dashed = r->dashed;
}

/* Drawn over the lanes' labels, with a halo where a line crosses them. */
static void
tl_draw_ref_label(struct scene *sc, const struct tl_ref *r, double label_y)
{
	double lw = chart_text_width(r->label, 11, true);
	double sw = chart_text_width(r->sub, 11, false);
	double lx = r->left ? r->x - 9 - sw - lw : r->x + 5;

	add_text(sc, r->cls, lx, label_y, 11, true, ANCHOR_START, r->color,
		 r->label)->halo = 0xffffffu;
	add_text(sc, r->cls, lx + lw + 4, label_y, 11, false, ANCHOR_START,
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
	add_header(sc, title.buf, sub.buf);

	strbuf_reset(&sub);
	strbuf_addf(&sub, "gap over %d business day%s", tl->o->max_gap,
		    tl->o->max_gap == 1 ? "" : "s");
	add_legend(sc, &x, 76, SW_DONE, C_MUTED, "done");
	add_legend(sc, &x, 76, SW_PLANNED, C_MUTED, "planned");
	add_legend(sc, &x, 76, SW_STEP, C_MUTED, "playbook step");
	add_legend(sc, &x, 76, SW_GAP, C_GAP, sub.buf);
	add_legend(sc, &x, 76, SW_WIN, C_WIN, "technical win");
	add_legend(sc, &x, 76, SW_TODAY, C_TODAY, "today");

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

		p = add_rect(sc, "gap", x1, top, x2 - x1, bottom - top, C_GAP);
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
		add_text(sc, "gap-label", cx, mid_y + 14 * row, 11, true,
			 ANCHOR_MIDDLE, C_GAP_TEXT, sb.buf);
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
	add_rect(sc, "lane technical", TL_LEFT - 4, plot_top,
		 TL_RIGHT - TL_LEFT + 8, y_t + 26 - plot_top, C_TECH_TINT);
	add_rect(sc, "lane commercial", TL_LEFT - 4, y_c - 26,
		 TL_RIGHT - TL_LEFT + 8, bottom - (y_c - 26), C_COMM_TINT);
	tl_draw_axis(sc, tl, plot_top, axis_y);
	tl_draw_gaps(sc, tl, y_t, y_c, (y_t + y_c) / 2 - 2);
	for (size_t i = 0; i < nrefs; i++)
		tl_draw_ref_line(sc, &refs[i],
				 plot_top - 6 - 16.0 * refs[i].row, bottom);

	add_text(sc, "lane-name", 20, y_t + 4, 13, true, ANCHOR_START, C_TECH,
		 "Technical");
	add_text(sc, "lane-name", 20, y_c + 4, 13, true, ANCHOR_START, C_COMM,
		 "Commercial");
	add_line(sc, "lane-line", TL_LEFT, y_t, TL_RIGHT, y_t, C_TECH_POC, 2);
	add_line(sc, "lane-line", TL_LEFT, y_c, TL_RIGHT, y_c, 0x99f6e4u, 2);

	if (d->poc_start && d->poc_end && d->poc_end >= d->poc_start) {
		struct strbuf sb = STRBUF_INIT;
		double x1 = tl_x(tl, d->poc_start), x2 = tl_x(tl, d->poc_end);
		struct prim *p = add_rect(sc, "poc", x1 - 4, y_t - 5,
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
		add_text(sc, "poc-label", x1, y_t + 19, 10, false,
			 ANCHOR_START, C_TECH, sb.buf);
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
		add_text(sc, "empty", (TL_LEFT + TL_RIGHT) / 2, y_t - 14, 12,
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

/* ---- cycle-time histogram -------------------------------------------- */

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
	cut = ellipsize(l->text, l->left ? room_left : room_right, 12, true);
	free(l->text);
	l->text = cut;
}

static void
cy_draw_label(struct scene *sc, const struct cy_label *l, double line_end)
{
	struct prim *p = add_line(sc, l->cls, l->x, l->y - 12, l->x, line_end,
				  l->color, 2);

	p->dashed = !strcmp(l->cls, "median");
	add_text(sc, l->cls, l->left ? l->x - 6 : l->x + 6, l->y, 12, true,
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
	add_header(&sc, "Cycle time: days from POC end to close", sb.buf);
	strbuf_reset(&sb);
	x = 20;
	add_legend(&sc, &x, 76, SW_BAR, C_BAR, "one closed-won deal");
	if (sel)
		add_legend(&sc, &x, 76, SW_SELECTED, C_SELECTED,
			   sel->deal->slug);

	/* Grid and the count axis. */
	for (int v = 0; v <= ymax; v += ystep) {
		double y = CY_BOTTOM - v * uh;

		add_line(&sc, v ? "grid" : "axis", CY_LEFT, y, CY_RIGHT, y,
			 v ? C_GRID : C_AXIS, 1);
		strbuf_reset(&sb);
		strbuf_addf(&sb, "%d", v);
		add_text(&sc, "count", CY_LEFT - 8, y + 4, 11, false,
			 ANCHOR_END, C_MUTED, sb.buf);
	}
	add_text(&sc, "axis-title", 24, (CY_TOP + CY_BOTTOM) / 2, 12, false,
		 ANCHOR_MIDDLE, C_MUTED, "deals")->rotate = -90;

	/* Week ticks at bin edges, thinned out when the bins are narrow. */
	{
		int every = 1;

		while (bw * every < 26)
			every++;
		for (int b = b_lo; b <= b_hi; b++) {
			double bx = CY_LEFT + (b - b_lo) * bw;

			add_line(&sc, "tick", bx, CY_BOTTOM, bx, CY_BOTTOM + 5,
				 C_AXIS, 1);
			if ((b - b_lo) % every)
				continue;
			strbuf_reset(&sb);
			strbuf_addf(&sb, "%d", b);
			add_text(&sc, "week", bx, CY_BOTTOM + 19, 11, false,
				 ANCHOR_MIDDLE, C_MUTED, sb.buf);
		}
	}
	add_text(&sc, "axis-title", (CY_LEFT + CY_RIGHT) / 2, CY_BOTTOM + 42,
		 12, false, ANCHOR_MIDDLE, C_MUTED,
		 "weeks from POC end to close");

	/* One block per deal, stacked in its week. */
	for (size_t i = 0; i < rep->ndeals; i++) {
		const struct cycle_deal *c = &rep->deals[i];
		int k = floor_div7(c->days) - b_lo;
		double pad = bw > 12 ? 3 : bw / 4;
		bool is_sel = c == sel;
		struct prim *p;

		p = add_rect(&sc, is_sel ? "deal selected" : "deal",
			     CY_LEFT + k * bw + pad,
			     CY_BOTTOM - (level[k] + 1) * uh + 1, bw - 2 * pad,
			     uh - 2, is_sel ? C_SELECTED : C_BAR);
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
		add_text(&sc, "bin-count", CY_LEFT + (k + 0.5) * bw,
			 CY_BOTTOM - count[k] * uh - 5, 11, true,
			 ANCHOR_MIDDLE, C_MUTED, sb.buf)->halo = 0xffffffu;
	}

	if (!rep->ndeals)
		add_text(&sc, "empty", (CY_LEFT + CY_RIGHT) / 2,
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
