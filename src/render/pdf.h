/*
 * PDF documents drawn with cairo and pango into a strbuf (never a file):
 * a small canvas of text blocks, table rows and rules that measures before
 * it draws, and the one-page Technical Win Summary laid out on it. Text is
 * real text in embedded font subsets, so pdftotext gets it back.
 */
#ifndef TW_PDF_H
#define TW_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "render/summary.h"
#include "util/error.h"
#include "util/strbuf.h"

/* What a rendered document looks like, for tests and the CLI. */
struct pdf_info {
	int pages;
	double page_w, page_h;		/* points */
	/* Union of the ink and logical extents of everything drawn. */
	double min_x, min_y, max_x, max_y;
	double font_size;		/* body size the layout settled on */
	/* Summary only: rows shown of each table (the rest are "… more"). */
	size_t criteria_shown, risks_shown, steps_shown, phases_shown;
	/*
	 * Text boxes drawn whose text was cut (its end ellipsized, or a
	 * word split where no line may break), those of them with a digit
	 * (a number, a date, a figure with its unit), and glyphs that no
	 * font has (drawn as boxes).
	 */
	unsigned texts_cut, numbers_cut, unknown_glyphs;
};

/*
 * The layout log: while sb is set (NULL stops it), every text box drawn
 * adds a line to it, tab-separated: page, x, y, the width given, the
 * width needed (its widest word, a sign kept with its figure), its width
 * on one line, "whole", "ellipsized" or "broken" (a word split), the
 * count of glyphs no font has, and the text (tabs and newlines as
 * spaces). TECHWIN_PDF_LAYOUT=FILE makes the CLI write it to FILE.
 */
void pdf_layout_log(struct strbuf *sb);

/*
 * The summary on one page of paper. The body type starts at 9 pt and
 * shrinks in steps down to a 6.5 pt floor until everything fits; at the
 * floor the longest table loses rows, one at a time, to a closing line
 * "… and N more criteria". info may be NULL. TW_EINPUT when cairo fails.
 */
int render_summary_pdf(const struct summary *s, enum paper paper,
		       struct strbuf *out, struct pdf_info *info,
		       struct tw_error *err);

/* ---- the canvas (proposal.c draws on it too) ------------------------ */

struct pdf_doc;

enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT };

/* No fill (for pdf_row). */
#define PDF_NONE 0x1000000u

struct pdf_style {
	double size;			/* points */
	bool bold, italic;
	unsigned rgb;			/* 0xRRGGBB */
	enum pdf_align align;
	int lines;			/* at most this many, the last one
					   ellipsized; 0: wrap freely */
};

/*
 * A new document whose pages have paper's size. The title, author and
 * date go into the PDF metadata (the date also makes the output
 * reproducible: cairo would otherwise stamp the clock).
 */
struct pdf_doc *pdf_doc_new(enum paper paper, struct strbuf *out,
			    const char *title, const char *author,
			    tw_date date);
void pdf_doc_page_size(const struct pdf_doc *doc, double *w, double *h);
/* false: measure only, so a layout can try sizes before it draws. */
void pdf_doc_set_draw(struct pdf_doc *doc, bool draw);
bool pdf_doc_drawing(const struct pdf_doc *doc);

/*
 * Text in a box w wide with its top-left corner at (x, y), wrapped at
 * words (inside a word when one is wider than the box). Returns the
 * height it takes. Invalid UTF-8 is shown with replacement characters.
 */
double pdf_text(struct pdf_doc *doc, double x, double y, double w,
		const char *text, const struct pdf_style *st);
/* The narrowest box text fits without a word split (its widest word). */
double pdf_text_min_width(struct pdf_doc *doc, const char *text,
			  const struct pdf_style *st);
/*
 * Texts with a digit that were cut since the document began, measuring
 * or drawing; reset sets the count back to 0 (a layout trying sizes asks
 * after each try).
 */
unsigned pdf_doc_numbers_cut(struct pdf_doc *doc, bool reset);
/*
 * Text with a digit wraps freely whatever its style's line limit, unless
 * cut is set: the last resort of a page too full for anything else.
 */
void pdf_doc_cut_figures(struct pdf_doc *doc, bool cut);
/* The height pdf_text would take, without drawing. */
double pdf_text_height(struct pdf_doc *doc, double w, const char *text,
		       const struct pdf_style *st);
void pdf_rect(struct pdf_doc *doc, double x, double y, double w, double h,
	      unsigned rgb);
/* A horizontal rule of the given thickness whose top edge is at y. */
void pdf_hline(struct pdf_doc *doc, double x, double y, double w,
	       double thickness, unsigned rgb);
/* End the page and start the next one. */
void pdf_page_break(struct pdf_doc *doc);

/* A table cell: text, and an optional second text below it (sub). */
struct pdf_cell {
	const char *text;
	const struct pdf_style *st;
	const char *sub;
	const struct pdf_style *sub_st;
};

/*
 * One table row of n cells in columns of the given widths, each cell
 * padded by pad; fill is the background (PDF_NONE for none). Returns the
 * row's height (the tallest cell).
 */
double pdf_row(struct pdf_doc *doc, double x, double y, const double *widths,
	       size_t n, const struct pdf_cell *cells, double pad,
	       unsigned fill);

/*
 * Column widths that keep words whole: pdf_row_min raises mins[i] to what
 * cell i of a row needs (its widest word, plus padding); pdf_fit_widths
 * then widens each column below its minimum at the expense of those with
 * room to spare, keeping the total. When the total cannot hold every
 * minimum, columns get their minimum's share of it.
 */
void pdf_row_min(struct pdf_doc *doc, double *mins, size_t n,
		 const struct pdf_cell *cells, double pad);
void pdf_fit_widths(double *widths, const double *mins, size_t n);

/* Text in a tinted band with a bar on its left; returns its height. */
double pdf_band(struct pdf_doc *doc, double x, double y, double w,
		const char *text, const struct pdf_style *st, unsigned bg,
		unsigned bar);

/*
 * The head of a deal's document, body size fs: the brand's logo at the
 * top right (a PNG or an SVG data: URI; one that does not decode is left
 * out), the kicker over the
 * account, labelled values three to a row ("CHAMPION" over "Elena Marsh":
 * the champion with the email, SE, AE, the value when not empty, the POC
 * dates when poc is set and the deal has them, the date), then a rule.
 * Returns the y below it.
 */
struct pdf_head {
	const char *kicker;		/* "TECHNICAL WIN SUMMARY" */
	const char *champion_label;	/* "CHAMPION" */
	const char *value;		/* the deal's value, "" for none */
	bool poc;
	tw_date today;
	double gap;			/* space below the rule */
	const struct brand *brand;	/* its logo top right, its colour */
};
double pdf_deal_head(struct pdf_doc *doc, double x, double y, double w,
		     double fs, const struct deal *d,
		     const struct pdf_head *h);

/*
 * Finish the document into the strbuf given to pdf_doc_new and free doc.
 * info (may be NULL) receives the page count and extents.
 */
int pdf_doc_finish(struct pdf_doc *doc, struct pdf_info *info,
		   struct tw_error *err);

#endif
