/*
 * PDF output with cairo and pango (pdf.h): the canvas primitives, and the
 * one-page Technical Win Summary, which measures itself at shrinking type
 * sizes and truncates its longest table before it would overflow the page.
 */
#include "render/pdf.h"
#include "render/pdf-style.h"

#include <float.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include "util/xalloc.h"

/*
 * Text laid out once per thread. The summary measures every cell before
 * it draws it, at each type size it tries, and labels, dates, keys and
 * outcomes repeat from one deal to the next: shaping them again was half
 * of summary --all --format pdf. A layout depends only on the text, the
 * font, the box and the line limit (the colour is set when it is drawn),
 * and every PDF surface gives pango the same font options, so one
 * context and its layouts serve every document a thread draws.
 */
struct lay {
	struct lay *next;		/* in its hash chain */
	uint32_t hash;
	double size;
	int width, lines;		/* pango units; -1 for no width */
	bool bold, italic;
	bool shared;			/* by more than one document */
	unsigned gen;			/* the last document to use it */
	enum pdf_align align;
	PangoLayout *layout;
	PangoRectangle ink, logical;
	/* What the box did to its text (pdf_doc_finish's counts). */
	bool ellipsized;		/* the end replaced with "…" */
	bool broken;			/* a word split across lines */
	bool numeric;			/* it holds a digit */
	int unknown;			/* glyphs no font has */
	size_t len;
	char text[];
};

/*
 * Layouts kept per thread (about 3 KiB each); past it, those only one
 * document used are dropped (lay_sweep).
 */
#define LAY_MAX 2048

struct pdf_thread {
	struct pdf_thread *prev, *next;	/* every live thread's, see below */
	PangoContext *ctx;
	PangoFontDescription *font;
	struct lay **bucket;		/* LAY_MAX chains */
	size_t n;
	unsigned gen;			/* documents begun */
};

struct pdf_doc {
	struct strbuf *out;
	cairo_surface_t *surface;
	cairo_t *cr;
	struct pdf_thread *th;
	double page_w, page_h;
	bool draw;
	bool cut_figures;		/* pdf_doc_cut_figures */
	int pages;
	double min_x, min_y, max_x, max_y;
	/* Counted over every pass, measuring or drawing (pdf_doc_cuts). */
	unsigned numbers_cut;
	/* Counted while drawing, for pdf_info. */
	unsigned texts_cut, drawn_numbers_cut, unknown_glyphs;
};

/* The layout log (pdf_layout_log): one line per text box drawn. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct strbuf *layout_log;

/*
 * The thread's cache lives until the thread ends. The list of them keeps
 * the main thread's reachable until exit, for LeakSanitizer.
 */
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t thread_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pdf_thread *threads;

/*
 * Free the layouts only one document used (all of them when all is set):
 * what one deal said goes, the labels and values deals share stay.
 */
static void
lay_sweep(struct pdf_thread *th, bool all)
{
	for (size_t i = 0; i < LAY_MAX; i++) {
		struct lay **p = &th->bucket[i];

		while (*p) {
			struct lay *l = *p;

			if (!all && l->shared) {
				p = &l->next;
				continue;
			}
			*p = l->next;
			g_object_unref(l->layout);
			free(l);
			th->n--;
		}
	}
}

static void
thread_free(void *arg)
{
	struct pdf_thread *th = arg;

	pthread_mutex_lock(&thread_lock);
	if (th->prev)
		th->prev->next = th->next;
	else
		threads = th->next;
	if (th->next)
		th->next->prev = th->prev;
	pthread_mutex_unlock(&thread_lock);
	lay_sweep(th, true);
	free(th->bucket);
	if (th->ctx)
		g_object_unref(th->ctx);
	pango_font_description_free(th->font);
	free(th);
}

static void
thread_key_init(void)
{
	if (pthread_key_create(&thread_key, thread_free) != 0)
		abort();
}

static struct pdf_thread *
thread_get(void)
{
	struct pdf_thread *th;

	pthread_once(&thread_once, thread_key_init);
	th = pthread_getspecific(thread_key);
	if (th)
		return th;
	th = xcalloc(1, sizeof(*th));
	th->bucket = xcalloc(LAY_MAX, sizeof(*th->bucket));
	/*
	 * DejaVu ships with Debian (fonts-dejavu-core) and covers ≤ ≥ … –;
	 * pango falls back, glyph by glyph, to the Noto fonts install-deps
	 * adds for the other scripts (Chinese, Japanese, Korean, emoji).
	 */
	th->font = pango_font_description_from_string("DejaVu Sans");
	pthread_mutex_lock(&thread_lock);
	th->next = threads;
	if (threads)
		threads->prev = th;
	threads = th;
	pthread_mutex_unlock(&thread_lock);
	if (pthread_setspecific(thread_key, th) != 0)
		abort();
	return th;
}

static cairo_status_t
write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	struct strbuf *sb = closure;

	if (strbuf_add(sb, data, len) < 0)
		return CAIRO_STATUS_WRITE_ERROR;
	return CAIRO_STATUS_SUCCESS;
}

static void
set_rgb(cairo_t *cr, unsigned rgb)
{
	cairo_set_source_rgb(cr, ((rgb >> 16) & 0xff) / 255.0,
			     ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0);
}

static void
extend(struct pdf_doc *doc, double x0, double y0, double x1, double y1)
{
	if (x0 < doc->min_x)
		doc->min_x = x0;
	if (y0 < doc->min_y)
		doc->min_y = y0;
	if (x1 > doc->max_x)
		doc->max_x = x1;
	if (y1 > doc->max_y)
		doc->max_y = y1;
}

/* cairo refuses invalid UTF-8 and would fail the whole document. */
static void
set_metadata(cairo_surface_t *surface, cairo_pdf_metadata_t key,
	     const char *value)
{
	gchar *valid = g_utf8_make_valid(value, -1);

	cairo_pdf_surface_set_metadata(surface, key, valid);
	g_free(valid);
}

struct pdf_doc *
pdf_doc_new(enum paper paper, struct strbuf *out, const char *title,
	    const char *author, tw_date date)
{
	struct pdf_doc *doc = xcalloc(1, sizeof(*doc));
	cairo_font_options_t *fo;
	char b[DATE_BUFSZ], stamp[32];

	doc->out = out;
	paper_size(paper, &doc->page_w, &doc->page_h);
	doc->surface = cairo_pdf_surface_create_for_stream(
		write_cb, out, doc->page_w, doc->page_h);
	set_metadata(doc->surface, CAIRO_PDF_METADATA_TITLE, title);
	if (author && *author)
		set_metadata(doc->surface, CAIRO_PDF_METADATA_AUTHOR, author);
	cairo_pdf_surface_set_metadata(doc->surface,
				       CAIRO_PDF_METADATA_CREATOR, "techwin");
	if (date != DATE_NONE) {
		snprintf(stamp, sizeof(stamp), "%sT00:00:00Z",
			 date_format(date, b));
		cairo_pdf_surface_set_metadata(
			doc->surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp);
		cairo_pdf_surface_set_metadata(
			doc->surface, CAIRO_PDF_METADATA_MOD_DATE, stamp);
	}
	doc->cr = cairo_create(doc->surface);

	/*
	 * Unhinted metrics: what is measured is what a viewer lays out at
	 * any zoom, so a measured fit stays a fit.
	 */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_set_font_options(doc->cr, fo);
	doc->th = thread_get();
	doc->th->gen++;
	if (!doc->th->ctx) {
		doc->th->ctx = pango_cairo_create_context(doc->cr);
		pango_cairo_context_set_font_options(doc->th->ctx, fo);
	}
	cairo_font_options_destroy(fo);

	doc->draw = true;
	doc->pages = 1;
	doc->min_x = doc->min_y = DBL_MAX;
	doc->max_x = doc->max_y = -DBL_MAX;
	return doc;
}

void
pdf_doc_page_size(const struct pdf_doc *doc, double *w, double *h)
{
	*w = doc->page_w;
	*h = doc->page_h;
}

void
pdf_doc_set_draw(struct pdf_doc *doc, bool draw)
{
	doc->draw = draw;
}

bool
pdf_doc_drawing(const struct pdf_doc *doc)
{
	return doc->draw;
}

static uint32_t
lay_hash(const char *text, size_t len, double size, int width, int lines,
	 unsigned flags)
{
	uint32_t h = 2166136261u;
	unsigned char b[sizeof(size) + 3 * sizeof(int)];

	memcpy(b, &size, sizeof(size));
	memcpy(b + sizeof(size), &width, sizeof(int));
	memcpy(b + sizeof(size) + sizeof(int), &lines, sizeof(int));
	memcpy(b + sizeof(size) + 2 * sizeof(int), &flags, sizeof(int));
	for (size_t i = 0; i < sizeof(b); i++)
		h = (h ^ b[i]) * 16777619u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 16777619u;
	return h;
}

/*
 * What laying the text out in its box did to it: the end ellipsized, a
 * word broken where the line-breaking rules allow no break (pango falls
 * back to characters when a word is wider than the box), glyphs missing
 * from every font.
 */
static void
lay_inspect(struct lay *l)
{
	const PangoLogAttr *attrs;
	const char *text = pango_layout_get_text(l->layout);
	PangoLayoutIter *it = pango_layout_get_iter(l->layout);
	gint nattrs;

	attrs = pango_layout_get_log_attrs_readonly(l->layout, &nattrs);
	l->broken = false;
	while (pango_layout_iter_next_line(it)) {
		PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
		glong at = g_utf8_pointer_to_offset(text,
						    text + line->start_index);

		if (at > 0 && at < nattrs && !attrs[at].is_line_break)
			l->broken = true;
	}
	pango_layout_iter_free(it);
	l->ellipsized = pango_layout_is_ellipsized(l->layout);
	l->unknown = pango_layout_get_unknown_glyphs_count(l->layout);
}

/* As a box width: lay the text out one word a line (lay_widest_word). */
#define LAY_WORDS (-2.0)

/* text laid out in a box w wide in style st: from the cache, or new. */
static const struct lay *
lay_get(struct pdf_doc *doc, double w, const char *s,
	const struct pdf_style *st)
{
	const char *text = s ? s : "";
	struct pdf_thread *th = doc->th;
	/* LAY_WORDS: a box one unit wide, so each word takes a line. */
	int width = w == LAY_WORDS ? 1 : w > 0 ? (int)(w * PANGO_SCALE) : -1;
	unsigned flags = (unsigned)st->bold | (unsigned)st->italic << 1 |
			 (unsigned)st->align << 2;
	size_t len = strlen(text);
	/*
	 * A number, a date or a unit is not cut: such text wraps, unless
	 * the page is so full that it must (pdf_doc_cut_figures).
	 */
	bool numeric = strpbrk(text, "0123456789") != NULL;
	int lines = numeric && !doc->cut_figures ? 0 : st->lines;
	uint32_t hash = lay_hash(text, len, st->size, width, lines, flags);
	struct lay **chain = &th->bucket[hash % LAY_MAX], *l;
	PangoFontDescription *fd;
	gchar *valid;

	for (l = *chain; l; l = l->next) {
		if (l->hash != hash || l->size != st->size ||
		    l->width != width || l->lines != lines ||
		    l->bold != st->bold || l->italic != st->italic ||
		    l->align != st->align || l->len != len ||
		    memcmp(l->text, text, len))
			continue;
		l->shared |= l->gen != th->gen;
		l->gen = th->gen;
		return l;
	}
	if (th->n >= LAY_MAX) {
		lay_sweep(th, false);
		if (th->n >= LAY_MAX / 2)
			lay_sweep(th, true);
	}

	l = xmalloc(sizeof(*l) + len + 1);
	l->hash = hash;
	l->size = st->size;
	l->width = width;
	l->lines = lines;
	l->numeric = numeric;
	l->bold = st->bold;
	l->italic = st->italic;
	l->align = st->align;
	l->shared = false;
	l->gen = th->gen;
	l->len = len;
	if (len)
		memcpy(l->text, text, len);
	l->text[len] = '\0';
	l->layout = pango_layout_new(th->ctx);

	fd = pango_font_description_copy(th->font);
	pango_font_description_set_absolute_size(fd, st->size * PANGO_SCALE);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD
						       : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC
							: PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l->layout, fd);
	pango_font_description_free(fd);

	pango_layout_set_width(l->layout, width);
	pango_layout_set_wrap(l->layout, width == 1 ? PANGO_WRAP_WORD
						    : PANGO_WRAP_WORD_CHAR);
	if (lines > 0) {
		pango_layout_set_ellipsize(l->layout, PANGO_ELLIPSIZE_END);
		/* A negative height is a number of lines. */
		pango_layout_set_height(l->layout, -lines);
	} else {
		pango_layout_set_ellipsize(l->layout, PANGO_ELLIPSIZE_NONE);
		pango_layout_set_height(l->layout, -1);
	}
	pango_layout_set_alignment(l->layout,
				   st->align == PDF_RIGHT ? PANGO_ALIGN_RIGHT
				   : st->align == PDF_CENTER
					   ? PANGO_ALIGN_CENTER
					   : PANGO_ALIGN_LEFT);
	/* Pango wants valid UTF-8; a stray byte must not lose the line. */
	valid = g_utf8_make_valid(l->text, -1);
	pango_layout_set_text(l->layout, valid, -1);
	g_free(valid);
	pango_layout_get_extents(l->layout, &l->ink, &l->logical);
	lay_inspect(l);

	l->next = *chain;
	*chain = l;
	th->n++;
	return l;
}

void
pdf_layout_log(struct strbuf *sb)
{
	pthread_mutex_lock(&log_lock);
	layout_log = sb;
	pthread_mutex_unlock(&log_lock);
}

/* A word of signs only ("≥", "≤", "~", "–"), not of letters or digits. */
static bool
signs_only(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (g_ascii_isalnum(w[i]))
			return false;
	return n > 0 && n <= 3;
}

/*
 * The widest run of text that no line may break: its longest word, laid
 * out one word a line. A sign on its own stays with the word it
 * qualifies ("≥ 2,000,000" reads as one figure): the space after it is
 * measured as a no-break space; and a unit is one word ("readings/h"),
 * though the line-breaking rules allow a break after its slash.
 */
static double
lay_widest_word(struct pdf_doc *doc, const char *text,
		const struct pdf_style *st)
{
	struct pdf_style one = *st;
	struct strbuf m = STRBUF_INIT;
	const char *word = text;
	double w;

	one.lines = 0;
	one.align = PDF_LEFT;
	for (const char *p = text; p && *p; p++) {
		if (*p == ' ' && signs_only(word, (size_t)(p - word))) {
			strbuf_addstr(&m, "\u00a0");
			word = p + 1;
			continue;
		}
		if (*p == ' ' || *p == '\n')
			word = p + 1;
		strbuf_addch(&m, *p);
		/* A unit stays whole: "readings/h", "events/s". */
		if (*p == '/')
			strbuf_addstr(&m, "\u2060");
	}
	w = (double)lay_get(doc, LAY_WORDS, m.buf, &one)->logical.width /
	    PANGO_SCALE;
	strbuf_release(&m);
	return w;
}

double
pdf_text_min_width(struct pdf_doc *doc, const char *text,
		   const struct pdf_style *st)
{
	return lay_widest_word(doc, text, st);
}

/*
 * One line of the layout log, tab-separated (pdf.h). Called once the box
 * is drawn: measuring here may sweep the layout cache.
 */
static void
log_box(struct pdf_doc *doc, double x, double y, double w, const char *text,
	const struct pdf_style *st, const char *what, int unknown)
{
	struct pdf_style one = *st;
	double need = lay_widest_word(doc, text, st), natural;

	one.lines = 0;
	natural = (double)lay_get(doc, -1, text, &one)->logical.width /
		  PANGO_SCALE;
	pthread_mutex_lock(&log_lock);
	if (layout_log) {
		strbuf_addf(layout_log, "%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%d\t",
			    doc->pages, x, y, w, need, natural, what, unknown);
		for (const char *p = text; *p; p++)
			strbuf_addch(layout_log,
				     *p == '\t' || *p == '\n' ? ' ' : *p);
		strbuf_addch(layout_log, '\n');
	}
	pthread_mutex_unlock(&log_lock);
}

void
pdf_doc_cut_figures(struct pdf_doc *doc, bool cut)
{
	doc->cut_figures = cut;
}

unsigned
pdf_doc_numbers_cut(struct pdf_doc *doc, bool reset)
{
	unsigned n = doc->numbers_cut;

	if (reset)
		doc->numbers_cut = 0;
	return n;
}

double
pdf_text(struct pdf_doc *doc, double x, double y, double w,
	 const char *text, const struct pdf_style *st)
{
	const struct lay *l = lay_get(doc, w, text, st);
	const PangoRectangle *ink = &l->ink, *logical = &l->logical;
	double h = (double)logical->height / PANGO_SCALE;
	bool cut = l->ellipsized || l->broken;
	const char *what = l->ellipsized ? "ellipsized"
			   : l->broken   ? "broken"
					 : "whole";
	int unknown = l->unknown;

	if (l->numeric && cut)
		doc->numbers_cut++;
	if (doc->draw && text && *text) {
		doc->texts_cut += cut;
		doc->drawn_numbers_cut += l->numeric && cut;
		doc->unknown_glyphs += (unsigned)l->unknown;
		cairo_move_to(doc->cr, x, y);
		set_rgb(doc->cr, st->rgb);
		pango_cairo_show_layout(doc->cr, l->layout);
		extend(doc, x + (double)ink->x / PANGO_SCALE,
		       y + (double)ink->y / PANGO_SCALE,
		       x + (double)(ink->x + ink->width) / PANGO_SCALE,
		       y + (double)(ink->y + ink->height) / PANGO_SCALE);
		extend(doc, x + (double)logical->x / PANGO_SCALE,
		       y + (double)logical->y / PANGO_SCALE,
		       x + (double)(logical->x + logical->width) / PANGO_SCALE,
		       y + (double)(logical->y + logical->height) /
				   PANGO_SCALE);
		/* l may not outlive this: logging measures more text. */
		if (layout_log)
			log_box(doc, x, y, w, text, st, what, unknown);
	}
	return h;
}

double
pdf_text_height(struct pdf_doc *doc, double w, const char *text,
		const struct pdf_style *st)
{
	bool draw = doc->draw;
	double h;

	doc->draw = false;
	h = pdf_text(doc, 0, 0, w, text, st);
	doc->draw = draw;
	return h;
}

void
pdf_rect(struct pdf_doc *doc, double x, double y, double w, double h,
	 unsigned rgb)
{
	if (!doc->draw || rgb == PDF_NONE)
		return;
	set_rgb(doc->cr, rgb);
	cairo_rectangle(doc->cr, x, y, w, h);
	cairo_fill(doc->cr);
	extend(doc, x, y, x + w, y + h);
}

void
pdf_hline(struct pdf_doc *doc, double x, double y, double w,
	  double thickness, unsigned rgb)
{
	pdf_rect(doc, x, y, w, thickness, rgb);
}

void
pdf_page_break(struct pdf_doc *doc)
{
	if (!doc->draw)
		return;
	cairo_show_page(doc->cr);
	doc->pages++;
}

static double
cell_height(struct pdf_doc *doc, double w, const struct pdf_cell *c)
{
	double h = 0;

	if (c->text)
		h += pdf_text_height(doc, w, c->text, c->st);
	if (c->sub && *c->sub)
		h += pdf_text_height(doc, w, c->sub, c->sub_st);
	return h;
}

double
pdf_row(struct pdf_doc *doc, double x, double y, const double *widths,
	size_t n, const struct pdf_cell *cells, double pad, unsigned fill)
{
	double h = 0, total = 0, cx = x;

	for (size_t i = 0; i < n; i++) {
		double ch = cell_height(doc, widths[i] - 2 * pad, &cells[i]);

		if (ch > h)
			h = ch;
		total += widths[i];
	}
	h += 2 * pad;
	if (!doc->draw)
		return h;
	pdf_rect(doc, x, y, total, h, fill);
	for (size_t i = 0; i < n; i++) {
		const struct pdf_cell *c = &cells[i];
		double w = widths[i] - 2 * pad, ty = y + pad;

		if (c->text)
			ty += pdf_text(doc, cx + pad, ty, w, c->text, c->st);
		if (c->sub && *c->sub)
			pdf_text(doc, cx + pad, ty, w, c->sub, c->sub_st);
		cx += widths[i];
	}
	return h;
}

void
pdf_row_min(struct pdf_doc *doc, double *mins, size_t n,
	    const struct pdf_cell *cells, double pad)
{
	for (size_t i = 0; i < n; i++) {
		const struct pdf_cell *c = &cells[i];
		double m = 0, sub = 0;

		if (c->text)
			m = pdf_text_min_width(doc, c->text, c->st);
		if (c->sub && *c->sub)
			sub = pdf_text_min_width(doc, c->sub, c->sub_st);
		m = (m > sub ? m : sub) + 2 * pad;
		if (m > mins[i])
			mins[i] = m;
	}
}

void
pdf_fit_widths(double *widths, const double *mins, size_t n)
{
	double deficit = 0, surplus = 0, total = 0, summin = 0;

	for (size_t i = 0; i < n; i++) {
		if (widths[i] < mins[i])
			deficit += mins[i] - widths[i];
		else
			surplus += widths[i] - mins[i];
		total += widths[i];
		summin += mins[i];
	}
	if (deficit <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (deficit > surplus)
			/* Too narrow for its words: share out in proportion. */
			widths[i] = mins[i] * total / summin;
		else if (widths[i] < mins[i])
			widths[i] = mins[i];
		else
			widths[i] -= (widths[i] - mins[i]) * deficit / surplus;
	}
}

double
pdf_band(struct pdf_doc *doc, double x, double y, double w, const char *text,
	 const struct pdf_style *st, unsigned bg, unsigned bar)
{
	double pad = st->size * 0.55, bw = 3;
	double h = pdf_text_height(doc, w - 2 * pad - bw, text, st);

	pdf_rect(doc, x, y, w, h + pad, bg);
	pdf_rect(doc, x, y, bw, h + pad, bar);
	pdf_text(doc, x + bw + pad, y + pad / 2, w - 2 * pad - bw, text, st);
	return h + pad;
}

/* Labelled values three to a row, body size fs; returns the height. */
static double
pdf_fields(struct pdf_doc *doc, double x, double y, double w, double fs,
	   const char *const *labels, const char *const *values, size_t n)
{
	/* The first column is wider: a champion's name and email. */
	static const double colx[] = { 0, 0.4, 0.7, 1 };
	struct pdf_style label = { fs * 0.72, false, false, 0x57606au,
				   PDF_LEFT, 1 };
	struct pdf_style value = { fs * 0.95, true, false, 0x1b1f24u,
				   PDF_LEFT, 0 };
	double rowh = 0, y0 = y;

	for (size_t i = 0; i < n; i++) {
		double cx = x + colx[i % 3] * w;
		double colw = (colx[i % 3 + 1] - colx[i % 3]) * w - 8;
		const char *v = values[i] && *values[i] ? values[i] : "–";
		double h;

		h = pdf_text(doc, cx, y, colw, labels[i], &label);
		h += pdf_text(doc, cx, y + h, colw, v, &value);
		if (h > rowh)
			rowh = h;
		if (i % 3 == 2 || i == n - 1) {
			y += rowh + fs * 0.25;
			rowh = 0;
		}
	}
	return y - y0;
}

/* Reads a PNG from memory for cairo. */
struct png_src {
	const unsigned char *p;
	size_t n;
};

static cairo_status_t
png_read(void *closure, unsigned char *data, unsigned int len)
{
	struct png_src *src = closure;

	if (len > src->n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, src->p, len);
	src->p += len;
	src->n -= len;
	return CAIRO_STATUS_SUCCESS;
}

/*
 * The logo (a data: URI) fitted in a box h high and at most maxw wide,
 * its right edge at x + maxw, top at y; returns the width it took, 0 when
 * there is none or it does not decode. Only measures while not drawing.
 */
static double
pdf_logo(struct pdf_doc *doc, double x, double y, double maxw, double h,
	 const char *uri)
{
	const char *comma = uri ? strchr(uri, ',') : NULL;
	bool svg = uri && !strncmp(uri, "data:image/svg+xml;", 19);
	cairo_surface_t *img = NULL;
	RsvgHandle *rsvg = NULL;
	double iw = 0, ih = 0, scale, w = 0;
	guchar *bytes;
	gsize n;

	if (!comma)
		return 0;
	bytes = g_base64_decode(comma + 1, &n);
	if (svg) {
		gdouble sw, sh;

		rsvg = rsvg_handle_new_from_data(bytes, n, NULL);
		if (rsvg && rsvg_handle_get_intrinsic_size_in_pixels(rsvg, &sw,
								      &sh)) {
			iw = sw;
			ih = sh;
		}
	} else {
		struct png_src src = { bytes, n };

		img = cairo_image_surface_create_from_png_stream(png_read,
								 &src);
		if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS) {
			iw = cairo_image_surface_get_width(img);
			ih = cairo_image_surface_get_height(img);
		}
	}
	if (iw > 0 && ih > 0) {
		scale = h / ih;
		if (iw * scale > maxw)
			scale = maxw / iw;
		w = iw * scale;
		if (doc->draw) {
			double lx = x + maxw - w;

			cairo_save(doc->cr);
			if (rsvg) {
				RsvgRectangle vp = { lx, y, w, ih * scale };

				rsvg_handle_render_document(rsvg, doc->cr, &vp,
							    NULL);
			} else {
				cairo_translate(doc->cr, lx, y);
				cairo_scale(doc->cr, scale, scale);
				cairo_set_source_surface(doc->cr, img, 0, 0);
				cairo_paint(doc->cr);
			}
			cairo_restore(doc->cr);
			extend(doc, lx, y, lx + w, y + ih * scale);
		}
	}
	if (img)
		cairo_surface_destroy(img);
	if (rsvg)
		g_object_unref(rsvg);
	g_free(bytes);
	return w;
}

double
pdf_deal_head(struct pdf_doc *doc, double x, double y, double w, double fs,
	      const struct deal *d, const struct pdf_head *h)
{
	struct pdf_style kicker = style(fs * 0.8, true, C_GREY, 0);
	struct pdf_style title = style(fs * 2.1, true, accent(h->brand), 0);
	struct strbuf champ = STRBUF_INIT, dates = STRBUF_INIT;
	char b[DATE_BUFSZ], e[DATE_BUFSZ], day[DATE_BUFSZ];
	const char *labels[6], *values[6];
	size_t n = 0;
	/* The account's title keeps clear of the logo. */
	double logo = pdf_logo(doc, x + w * 0.7, y, w * 0.3, fs * 3.4,
			       h->brand ? h->brand->logo : NULL);
	double tw = logo > 0 ? w - logo - fs : w;

	y += pdf_text(doc, x, y, tw, h->kicker, &kicker);
	y += pdf_text(doc, x, y, tw, d->account, &title);
	y += fs * 0.3;
	if (d->champion && *d->champion) {
		strbuf_addstr(&champ, d->champion);
		if (d->champion_email && *d->champion_email)
			strbuf_addf(&champ, " (%s)", d->champion_email);
	}
	labels[n] = h->champion_label;
	values[n++] = champ.buf;
	labels[n] = "SALES ENGINEER";
	values[n++] = d->se;
	labels[n] = "ACCOUNT EXECUTIVE";
	values[n++] = d->ae;
	if (*h->value) {
		labels[n] = "DEAL VALUE";
		values[n++] = h->value;
	}
	if (h->poc && (d->poc_start || d->poc_end)) {
		strbuf_addf(&dates, "%s to %s", date_format(d->poc_start, b),
			    date_format(d->poc_end, e));
		labels[n] = "POC";
		values[n++] = dates.buf;
	}
	labels[n] = "DATE";
	values[n++] = date_format(h->today, day);
	y += pdf_fields(doc, x, y, w, fs, labels, values, n);
	strbuf_release(&champ);
	strbuf_release(&dates);
	y += fs * 0.2;
	pdf_hline(doc, x, y, w, 1.6, accent(h->brand));
	return y + (1.6 + h->gap);
}

int
pdf_doc_finish(struct pdf_doc *doc, struct pdf_info *info,
	       struct tw_error *err)
{
	cairo_status_t st;

	if (info) {
		memset(info, 0, sizeof(*info));
		info->pages = doc->pages;
		info->page_w = doc->page_w;
		info->page_h = doc->page_h;
		info->min_x = doc->min_x;
		info->min_y = doc->min_y;
		info->max_x = doc->max_x;
		info->max_y = doc->max_y;
		info->texts_cut = doc->texts_cut;
		info->numbers_cut = doc->drawn_numbers_cut;
		info->unknown_glyphs = doc->unknown_glyphs;
	}
	cairo_destroy(doc->cr);
	cairo_surface_finish(doc->surface);
	st = cairo_surface_status(doc->surface);
	cairo_surface_destroy(doc->surface);
	free(doc);
	if (st != CAIRO_STATUS_SUCCESS)
		return tw_error_set(err, TW_EINPUT, "cannot draw the PDF: %s",
				    cairo_status_to_string(st));
	return 0;
}

/* ---- the summary ----------------------------------------------------- */

#define FS_MAX 9.0		/* body type, points */
#define FS_MIN 6.5		/* the floor before anything is cut */
#define FS_STEP 0.25
#define SP_TIGHT 0.6		/* spacing at the floor, before cutting */

/*
 * How hard the layout squeezes: spacing, lines per cell, rows of each
 * table (the rest become "… and N more").
 */
struct limits {
	double sp;		/* 1, or SP_TIGHT */
	bool compact;		/* text cells limited to a few lines */
	size_t crit, risks, steps, phases;
};

/* The state of one layout pass at one body size. */
struct sum_layout {
	struct pdf_doc *doc;
	const struct summary *s;
	double fs;			/* body size */
	double sp;			/* spacing factor */
	bool compact;			/* fewer lines per cell */
	double x, w;			/* content box */
	double y;			/* next free line */
	struct pdf_style body, bold, head, head_r, num, key, more;
};

/* At most n lines once compact, else as many as the text takes. */
static int
lines(const struct sum_layout *L, int n)
{
	return L->compact ? n : 0;
}

static void
lay_styles(struct sum_layout *L)
{
	double fs = L->fs;

	L->body = style(fs, false, C_TEXT, lines(L, 2));
	L->bold = style(fs, true, C_TEXT, lines(L, 2));
	L->head = style(fs * 0.7, true, C_GREY, 0);
	L->head_r = L->head;
	L->head_r.align = PDF_RIGHT;
	L->num = style(fs, false, C_TEXT, 0);
	L->num.align = PDF_RIGHT;
	L->key = style(fs, true, C_TEXT, lines(L, 2));
	L->more = style(fs * 0.9, false, C_GREY, 0);
	L->more.italic = true;
}

static void
lay_heading(struct sum_layout *L, const char *title)
{
	struct pdf_style st = style(L->fs * 0.9, true, accent(L->s->brand), 0);

	L->y += L->fs * 0.9 * L->sp;
	L->y += pdf_text(L->doc, L->x, L->y, L->w, title, &st);
	L->y += 1;
	pdf_hline(L->doc, L->x, L->y, L->w, 0.6, C_RULE);
	L->y += L->fs * 0.35 * L->sp;
}

/* A "… and 12 more criteria" line closing a cut table. */
static void
lay_more(struct sum_layout *L, size_t n, const char *what)
{
	char text[128];

	if (!n)
		return;
	snprintf(text, sizeof(text), "… and %zu more %s", n, what);
	L->y += pdf_text(L->doc, L->x + 3, L->y + 1.5, L->w - 6, text,
			 &L->more) + 3;
}

/* What a row's cells point at: its own styles and texts. */
struct row_scratch {
	struct pdf_style st[3];
	char dates[3][DATE_BUFSZ];
	struct strbuf title;
};

/*
 * A table: the header, then rows 0 to n-1 that row() fills, in columns
 * as wide as frac says unless a column needs more to keep its words whole.
 */
struct table {
	size_t ncols;
	const double *frac;
	const struct pdf_cell *heads;
	double pad;
	void (*row)(struct sum_layout *L, size_t i, struct pdf_cell *cells,
		    struct row_scratch *rs);
};

#define MAX_COLS 8

static void
lay_table(struct sum_layout *L, const struct table *t, size_t n)
{
	double widths[MAX_COLS], mins[MAX_COLS] = { 0 };
	struct pdf_cell cells[MAX_COLS];
	struct row_scratch rs = { .title = STRBUF_INIT };
	double pad = t->pad * L->sp;

	pdf_row_min(L->doc, mins, t->ncols, t->heads, pad);
	for (size_t i = 0; i < n; i++) {
		t->row(L, i, cells, &rs);
		pdf_row_min(L->doc, mins, t->ncols, cells, pad);
	}
	for (size_t i = 0; i < t->ncols; i++)
		widths[i] = t->frac[i] * L->w;
	pdf_fit_widths(widths, mins, t->ncols);
	L->y += pdf_row(L->doc, L->x, L->y, widths, t->ncols, t->heads, pad,
			C_HEAD_BG);
	for (size_t i = 0; i < n; i++) {
		t->row(L, i, cells, &rs);
		L->y += pdf_row(L->doc, L->x, L->y, widths, t->ncols, cells,
				pad, zebra(i));
	}
	strbuf_release(&rs.title);
}

static void
lay_header(struct sum_layout *L)
{
	const struct summary *s = L->s;
	struct pdf_style headline = style(L->fs * 1.05, true, C_TEXT, 0);
	const struct pdf_head head = { "TECHNICAL WIN SUMMARY", "CHAMPION",
				       s->value, true, s->today,
				       L->fs * 0.6 * L->sp, s->brand };

	L->y = pdf_deal_head(L->doc, L->x, L->y, L->w, L->fs, s->deal, &head);

	/* The headline in a tinted band with a bar: green once won. */
	L->y += pdf_band(L->doc, L->x, L->y, L->w, s->headline, &headline,
			 s->won ? C_GREEN_BG : C_AMBER_BG,
			 s->won ? C_GREEN : C_AMBER);
}

static void
crit_row(struct sum_layout *L, size_t i, struct pdf_cell *cells,
	 struct row_scratch *rs)
{
	const struct summary_criterion *c = &L->s->criteria[i];
	struct pdf_style *st = rs->st;

	/* st[0]: the result, st[1]: growth, st[2]: outcome */
	st[0] = style(L->fs, c->ev.status != CRIT_PENDING,
		      c->ev.status == CRIT_PASS   ? C_GREEN
		      : c->ev.status == CRIT_FAIL ? C_RED
						  : C_LIGHT,
		      0);
	st[0].italic = c->ev.status == CRIT_PENDING;
	st[1] = style(L->fs * 0.9, false, C_TEXT, lines(L, 2));
	st[2] = style(L->fs, false, C_TEXT, lines(L, 2));
	cells[0] = (struct pdf_cell){ summary_criterion_title(c), &L->key, NULL,
				      NULL };
	cells[1] = (struct pdf_cell){ c->required, &L->num, NULL, NULL };
	cells[2] = (struct pdf_cell){ *c->measured ? c->measured : "–",
				      &L->num, NULL, NULL };
	cells[3] = (struct pdf_cell){ crit_status_name(c->ev.status), &st[0],
				      NULL, NULL };
	cells[4] = (struct pdf_cell){ *c->headroom ? c->headroom : "–",
				      &L->num, NULL, NULL };
	cells[5] = (struct pdf_cell){ *c->growth ? c->growth : "–", &st[1],
				      NULL, NULL };
	cells[6] = (struct pdf_cell){ c->outcome ? c->outcome : "–", &st[2],
				      NULL, NULL };
}

static void
lay_criteria(struct sum_layout *L, size_t limit)
{
	const struct summary *s = L->s;
	/* The criterion is titled by its metric: a few words. */
	static const double frac[] = { 0.22, 0.11, 0.11, 0.08, 0.09, 0.14,
		0.25 };
	static const char *const heads[] = { "CRITERION", "REQUIRED",
		"MEASURED", "RESULT", "HEADROOM", "GROWTH",
		"BUSINESS OUTCOME" };
	struct pdf_cell hcells[7];
	struct table t = { 7, frac, hcells, L->fs * 0.25, crit_row };
	size_t n = limit < s->ncriteria ? limit : s->ncriteria;

	lay_heading(L, "POC RESULTS AND THE BUSINESS OUTCOMES THEY PROVE");
	if (!s->ncriteria) {
		L->y += pdf_text(L->doc, L->x, L->y, L->w,
				 "No success criteria recorded yet.", &L->body);
		return;
	}
	for (size_t i = 0; i < 7; i++)
		hcells[i] = (struct pdf_cell){ heads[i],
			i == 1 || i == 2 || i == 4 ? &L->head_r : &L->head,
			NULL, NULL };
	lay_table(L, &t, n);
	lay_more(L, s->ncriteria - n,
		 s->ncriteria - n == 1 ? "criterion" : "criteria");
}

static void
risk_row(struct sum_layout *L, size_t i, struct pdf_cell *cells,
	 struct row_scratch *rs)
{
	const struct summary_risk *r = &L->s->risks[i];
	struct pdf_style *st = rs->st;

	st[0] = style(L->fs, r->ev.at_risk, r->ev.at_risk ? C_RED : C_TEXT,
		      0);
	st[1] = style(L->fs, true, C_TEXT, 0);
	cells[0] = (struct pdf_cell){ r->title ? r->title : r->key, &L->body,
				      NULL, NULL };
	cells[1] = (struct pdf_cell){ date_format(r->deadline, rs->dates[0]),
				      &L->body, NULL, NULL };
	cells[2] = (struct pdf_cell){ date_format(r->ev.go_live_by,
						  rs->dates[1]),
				      &L->body, NULL, NULL };
	cells[3] = (struct pdf_cell){ date_format(r->ev.latest_start,
						  rs->dates[2]),
				      &st[1], NULL, NULL };
	cells[4] = (struct pdf_cell){ r->slack, &st[0], NULL, NULL };
}

static void
lay_risks(struct sum_layout *L, size_t limit)
{
	const struct summary *s = L->s;
	static const double frac[] = { 0.4, 0.13, 0.13, 0.14, 0.2 };
	static const char *const heads[] = { "RISK", "DEADLINE", "GO-LIVE BY",
		"LATEST START", "SLACK" };
	struct pdf_cell hcells[5];
	struct table t = { 5, frac, hcells, L->fs * 0.3, risk_row };
	size_t n = limit < s->nrisks ? limit : s->nrisks;

	if (!s->nrisks)
		return;
	lay_heading(L, "RISKS AND LATEST START DATES");
	for (size_t i = 0; i < 5; i++)
		hcells[i] = (struct pdf_cell){ heads[i], &L->head, NULL,
					       NULL };
	lay_table(L, &t, n);
	lay_more(L, s->nrisks - n, s->nrisks - n == 1 ? "risk" : "risks");
}

static void
lay_timeline(struct sum_layout *L, size_t limit)
{
	const struct summary *s = L->s;
	double widths[2] = { L->w * 0.2, L->w * 0.8 }, pad = L->fs * 0.3;
	struct pdf_cell cells[2];
	struct pdf_style note = L->body;
	size_t shown = 0;

	pad *= L->sp;
	lay_heading(L, "PROPOSED COMMERCIAL TIMELINE");
	/*
	 * Cut from the middle: the win and the contract target stay, the
	 * steps between them go first.
	 */
	for (size_t i = 0; i < s->nsteps; i++) {
		struct strbuf day = STRBUF_INIT;
		bool ends = i == 0 || i == s->nsteps - 1;

		if (s->nsteps > limit && i + 1 >= limit && i + 1 < s->nsteps) {
			if (i + 1 == limit)
				lay_more(L, s->nsteps - limit, "steps");
			continue;
		}
		summary_fmt_day(&day, s->steps[i].date);
		cells[0] = (struct pdf_cell){ day.buf, ends ? &L->bold
							    : &L->body,
					      NULL, NULL };
		cells[1] = (struct pdf_cell){ s->steps[i].title,
					      ends ? &L->bold : &L->body, NULL,
					      NULL };
		L->y += pdf_row(L->doc, L->x, L->y, widths, 2, cells, pad,
				zebra(shown));
		shown++;
		strbuf_release(&day);
	}
	note.lines = lines(L, 3);
	L->y += L->fs * 0.3 * L->sp;
	L->y += pdf_text(L->doc, L->x, L->y, L->w, s->timeline_note, &note);
}

static void
phase_row(struct sum_layout *L, size_t i, struct pdf_cell *cells,
	  struct row_scratch *rs)
{
	const struct summary_phase *p = &L->s->phases[i];
	struct pdf_style *st = rs->st;
	struct strbuf *title = &rs->title;

	st[0] = L->bold;			/* the name */
	st[1] = style(L->fs, false, C_TEXT, lines(L, 2));	/* scope */
	st[2] = L->bold;			/* the price */
	st[2].lines = 0;
	st[2].align = PDF_RIGHT;
	strbuf_reset(title);
	strbuf_addf(title, "%d", p->number);
	if (p->name)
		strbuf_addf(title, ". %s", p->name);
	cells[0] = (struct pdf_cell){ title->buf, &st[0], NULL, NULL };
	cells[1] = (struct pdf_cell){ p->scope ? p->scope : "–", &st[1],
				      NULL, NULL };
	cells[2] = (struct pdf_cell){ *p->duration ? p->duration : "–",
				      &L->body, NULL, NULL };
	cells[3] = (struct pdf_cell){ *p->price ? p->price : "not priced",
				      &st[2], NULL, NULL };
}

static void
lay_phases(struct sum_layout *L, size_t limit)
{
	const struct summary *s = L->s;
	static const double frac[] = { 0.25, 0.47, 0.12, 0.16 };
	static const char *const heads[] = { "PHASE", "SCOPE", "DURATION",
		"PRICE" };
	struct pdf_cell hcells[4];
	struct table t = { 4, frac, hcells, L->fs * 0.3, phase_row };
	size_t n = limit < s->nphases ? limit : s->nphases;
	struct strbuf sb = STRBUF_INIT;

	if (!s->nphases)
		return;
	lay_heading(L, "PHASES");
	for (size_t i = 0; i < 4; i++)
		hcells[i] = (struct pdf_cell){ heads[i],
			i == 3 ? &L->head_r : &L->head, NULL, NULL };
	lay_table(L, &t, n);
	lay_more(L, s->nphases - n, s->nphases - n == 1 ? "phase" : "phases");

	L->y += L->fs * 0.4 * L->sp;
	strbuf_addf(&sb, "Initial commitment: %s", s->initial);
	L->y += pdf_text(L->doc, L->x, L->y, L->w, sb.buf, &L->bold);
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Full scope: %s", s->total);
	L->y += pdf_text(L->doc, L->x, L->y, L->w, sb.buf, &L->body);
	strbuf_release(&sb);
}

static void
lay_next(struct sum_layout *L)
{
	struct pdf_style st = style(L->fs * 1.05, true, accent(L->s->brand),
				    0);

	lay_heading(L, "NEXT STEP");
	L->y += pdf_band(L->doc, L->x, L->y, L->w, L->s->next.text, &st,
			 C_BAND_BG, accent(L->s->brand));
}

/* Lay the whole page out at body size fs; returns the bottom of it. */
static double
lay_summary(struct pdf_doc *doc, const struct summary *s, double fs,
	    const struct limits *lim)
{
	struct sum_layout L = { 0 };
	double pw, ph, margin;

	pdf_doc_page_size(doc, &pw, &ph);
	margin = pw * 0.065;
	L.doc = doc;
	L.s = s;
	L.fs = fs;
	L.sp = lim->sp;
	L.compact = lim->compact;
	L.x = margin;
	L.w = pw - 2 * margin;
	L.y = margin * 0.9;
	lay_styles(&L);
	lay_header(&L);
	lay_criteria(&L, lim->crit);
	lay_risks(&L, lim->risks);
	lay_timeline(&L, lim->steps);
	lay_phases(&L, lim->phases);
	lay_next(&L);
	return L.y;
}

/* The footer sits at the foot of the page, under the content area. */
static double
lay_footer(struct pdf_doc *doc, const struct summary *s, bool draw_it)
{
	struct pdf_style st = style(6.5, false, C_LIGHT, 0);
	struct strbuf sb = STRBUF_INIT;
	double pw, ph, margin, h;

	pdf_doc_page_size(doc, &pw, &ph);
	margin = pw * 0.065;
	summary_prepared(&sb, s->brand, s->deal, s->today);
	h = pdf_text_height(doc, pw - 2 * margin, sb.buf, &st);
	if (draw_it)
		pdf_text(doc, margin, ph - margin * 0.6 - h, pw - 2 * margin,
			 sb.buf, &st);
	strbuf_release(&sb);
	/* The content must end above the footer, with a gap. */
	return ph - margin * 0.6 - h - 6;
}

static size_t *
largest(struct limits *lim)
{
	size_t *best = NULL;
	/* A table keeps at least this many rows: cutting a short table
	 * saves little and loses what it says. Ties go to the criteria. */
	struct {
		size_t *n;
		size_t min;
	} t[] = {
		{ &lim->crit, 3 },
		{ &lim->risks, 2 },
		{ &lim->steps, 3 },
		{ &lim->phases, 2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (*t[i].n > t[i].min && (!best || *t[i].n > *best))
			best = t[i].n;
	return best;
}

/* lim after n cuts, each a row off the longest table; false: no more. */
static bool
cuts(struct limits *lim, size_t n)
{
	size_t *cut;

	for (size_t i = 0; i < n; i++) {
		if (!(cut = largest(lim)))
			return false;
		(*cut)--;
	}
	return true;
}

/*
 * The fewest rows to cut, each off the longest table at the time, for
 * the page to hold the rest (all it can cut when even that is too much).
 * A page is shorter with every row cut, so a binary search over the
 * number of cuts finds it in a few layouts, not one per row.
 */
static void
cut_rows(struct pdf_doc *doc, const struct summary *s, double fs,
	 struct limits *lim, double bottom)
{
	struct limits full = *lim, t;
	size_t lo = 0, hi = 1;

	if (lay_summary(doc, s, fs, lim) <= bottom)
		return;
	/* Double until the page holds it, or nothing is left to cut. */
	for (;;) {
		t = full;
		if (!cuts(&t, hi))
			break;
		if (lay_summary(doc, s, fs, &t) <= bottom)
			break;
		lo = hi;
		hi *= 2;
	}
	/* lo cuts are too few; hi cuts fit or cut all there is. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		t = full;
		if (cuts(&t, mid) && lay_summary(doc, s, fs, &t) > bottom)
			lo = mid;
		else
			hi = mid;
	}
	*lim = full;
	cuts(lim, hi);
}

/* The page holds everything at fs, no number cut on the way. */
static bool
fits(struct pdf_doc *doc, const struct summary *s, double fs,
     const struct limits *lim, double bottom)
{
	pdf_doc_numbers_cut(doc, true);
	return lay_summary(doc, s, fs, lim) <= bottom &&
	       !pdf_doc_numbers_cut(doc, true);
}

int
render_summary_pdf(const struct summary *s, enum paper paper,
		   struct strbuf *out, struct pdf_info *info,
		   struct tw_error *err)
{
	struct strbuf title = STRBUF_INIT;
	struct limits lim = { 1, false, s->ncriteria, s->nrisks, s->nsteps,
			      s->nphases };
	struct pdf_info local;
	struct pdf_doc *doc;
	double fs, bottom;
	int r;

	strbuf_addf(&title, "Technical Win Summary: %s", s->deal->account);
	doc = pdf_doc_new(paper, out, title.buf, s->deal->se, s->today);
	strbuf_release(&title);

	/*
	 * Fit before cutting: smaller type down to a floor, then tighter
	 * spacing, then a few lines per text cell, and only then fewer
	 * rows. Numbers, dates and units wrap but are never cut.
	 */
	pdf_doc_set_draw(doc, false);
	bottom = lay_footer(doc, s, false);
	for (fs = FS_MAX; fs > FS_MIN; fs -= FS_STEP)
		if (fits(doc, s, fs, &lim, bottom))
			break;
	if (fs <= FS_MIN) {
		fs = FS_MIN;
		lim.sp = SP_TIGHT;
		if (!fits(doc, s, fs, &lim, bottom)) {
			struct limits full = lim;

			lim.compact = true;
			cut_rows(doc, s, fs, &lim, bottom);
			/*
			 * The last resort, on a page that is full even so:
			 * text with figures in it is cut too (a value cell
			 * never is: it has no line limit).
			 */
			if (lay_summary(doc, s, fs, &lim) > bottom) {
				lim = full;
				lim.compact = true;
				pdf_doc_cut_figures(doc, true);
				cut_rows(doc, s, fs, &lim, bottom);
			}
		}
	}
	pdf_doc_set_draw(doc, true);
	lay_summary(doc, s, fs, &lim);
	lay_footer(doc, s, true);

	r = pdf_doc_finish(doc, info ? info : &local, err);
	if (info) {
		info->font_size = fs;
		info->criteria_shown = lim.crit;
		info->risks_shown = lim.risks;
		info->steps_shown = lim.steps;
		info->phases_shown = lim.phases;
	}
	return r;
}
