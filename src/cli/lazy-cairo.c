/*
 * Stand-ins for the functions of the cairo module (render/pdf.c and
 * render/chart-png.c): PDF documents and PNG charts. Each forwards to the
 * module's function of the same name, loading the module on first use, so
 * only commands that draw a PDF or a PNG load cairo, pango and theirs.
 */
#include "cli/module.h"
#include "render/chart-scene.h"
#include "render/pdf.h"

#define FNS(X)                                                            \
	X(render_summary_pdf) X(pdf_doc_new) X(pdf_doc_page_size)        \
	X(pdf_doc_set_draw) X(pdf_doc_drawing) X(pdf_text)                \
	X(pdf_text_height) X(pdf_rect) X(pdf_hline) X(pdf_page_break)     \
	X(pdf_row) X(pdf_band) X(pdf_deal_head) X(pdf_doc_finish)            \
	X(pdf_row_min) X(pdf_fit_widths) X(pdf_layout_log) X(chart_scene_png)

MODULE_DEFINE(cairo, "cairo", "PDF and PNG output", FNS);

int
render_summary_pdf(const struct summary *s, enum paper paper,
		   struct strbuf *out, struct pdf_info *info,
		   struct tw_error *err)
{
	int r = module_load(&cairo, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(cairo, render_summary_pdf)(s, paper, out, info,
							err);
}

int
chart_scene_png(const struct scene *sc, struct strbuf *out,
		struct tw_error *err)
{
	int r = module_load(&cairo, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(cairo, chart_scene_png)(sc, out, err);
}

/* The canvas has no error to return until pdf_doc_finish. */
struct pdf_doc *
pdf_doc_new(enum paper paper, struct strbuf *out, const char *title,
	    const char *author, tw_date date)
{
	return MODULE_CALL(cairo, pdf_doc_new)(paper, out, title, author,
					       date);
}

void
pdf_doc_page_size(const struct pdf_doc *doc, double *w, double *h)
{
	MODULE_CALL(cairo, pdf_doc_page_size)(doc, w, h);
}

void
pdf_doc_set_draw(struct pdf_doc *doc, bool draw)
{
	MODULE_CALL(cairo, pdf_doc_set_draw)(doc, draw);
}

bool
pdf_doc_drawing(const struct pdf_doc *doc)
{
	return MODULE_CALL(cairo, pdf_doc_drawing)(doc);
}

double
pdf_text(struct pdf_doc *doc, double x, double y, double w, const char *text,
	 const struct pdf_style *st)
{
	return MODULE_CALL(cairo, pdf_text)(doc, x, y, w, text, st);
}

double
pdf_text_height(struct pdf_doc *doc, double w, const char *text,
		const struct pdf_style *st)
{
	return MODULE_CALL(cairo, pdf_text_height)(doc, w, text, st);
}

void
pdf_rect(struct pdf_doc *doc, double x, double y, double w, double h,
	 unsigned rgb)
{
	MODULE_CALL(cairo, pdf_rect)(doc, x, y, w, h, rgb);
}

void
pdf_hline(struct pdf_doc *doc, double x, double y, double w, double thickness,
	  unsigned rgb)
{
	MODULE_CALL(cairo, pdf_hline)(doc, x, y, w, thickness, rgb);
}

void
pdf_page_break(struct pdf_doc *doc)
{
	MODULE_CALL(cairo, pdf_page_break)(doc);
}

double
pdf_row(struct pdf_doc *doc, double x, double y, const double *widths,
	size_t n, const struct pdf_cell *cells, double pad, unsigned fill)
{
	return MODULE_CALL(cairo, pdf_row)(doc, x, y, widths, n, cells, pad,
					   fill);
}

void
pdf_row_min(struct pdf_doc *doc, double *mins, size_t n,
	    const struct pdf_cell *cells, double pad)
{
	MODULE_CALL(cairo, pdf_row_min)(doc, mins, n, cells, pad);
}

void
pdf_fit_widths(double *widths, const double *mins, size_t n)
{
	MODULE_CALL(cairo, pdf_fit_widths)(widths, mins, n);
}

void
pdf_layout_log(struct strbuf *sb)
{
	MODULE_CALL(cairo, pdf_layout_log)(sb);
}

double
pdf_band(struct pdf_doc *doc, double x, double y, double w, const char *text,
	 const struct pdf_style *st, unsigned bg, unsigned bar)
{
	return MODULE_CALL(cairo, pdf_band)(doc, x, y, w, text, st, bg, bar);
}

double
pdf_deal_head(struct pdf_doc *doc, double x, double y, double w, double fs,
	      const struct deal *d, const struct pdf_head *h)
{
	return MODULE_CALL(cairo, pdf_deal_head)(doc, x, y, w, fs, d, h);
}

int
pdf_doc_finish(struct pdf_doc *doc, struct pdf_info *info,
	       struct tw_error *err)
{
	int r = module_load(&cairo, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(cairo, pdf_doc_finish)(doc, info, err);
}
