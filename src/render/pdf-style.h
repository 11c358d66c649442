/*
 * The house style of the PDF documents (the summary in pdf.c, the proposal
 * in proposal.c): one palette and the text styles built from it, so both
 * look like one family.
 */
#ifndef TW_PDF_STYLE_H
#define TW_PDF_STYLE_H

#include <stdbool.h>
#include <stddef.h>

#include "render/pdf.h"

#define C_TEXT 0x1b1f24u
#define C_NAVY 0x1f3a5fu
#define C_GREY 0x57606au
#define C_LIGHT 0x6e7781u
#define C_GREEN 0x1a7f37u
#define C_RED 0xcf222eu
#define C_AMBER 0x9a6700u
#define C_RULE 0xd0d7deu
#define C_HEAD_BG 0xeef1f4u
#define C_ZEBRA 0xf7f8fau
#define C_GREEN_BG 0xedf7efu
#define C_AMBER_BG 0xfff8e1u
#define C_BAND_BG 0xeaf0f7u	/* the next step, the proposal's totals */

/* The brand's colour, or the house navy. */
static inline unsigned
accent(const struct brand *b)
{
	return b && b->has_color ? b->color : C_NAVY;
}

/* Left-aligned upright text. */
static inline struct pdf_style
style(double size, bool bold, unsigned rgb, int lines)
{
	struct pdf_style st = { size, bold, false, rgb, PDF_LEFT, lines };

	return st;
}

/* The fill of body row i of a table: every other row is shaded. */
static inline unsigned
zebra(size_t i)
{
	return i % 2 ? C_ZEBRA : PDF_NONE;
}

#endif
