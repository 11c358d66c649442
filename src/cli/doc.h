/*
 * What the commands that write one deal's document share (summary,
 * proposal, chart timeline; the deal with its holidays is a deal_ctx from
 * store_load_ctx): the refusal of binary output on a terminal, and writing to -o or stdout.
 */
#ifndef TW_CLI_DOC_H
#define TW_CLI_DOC_H

#include "cli/cli.h"

/* TW_EUSAGE when a binary document ("a PDF") would go to a terminal. */
int doc_refuse_tty(const char *what, const char *output,
		   struct tw_error *err);

/* sb to the file output (atomically), or to stdout when output is NULL. */
int doc_write(const char *output, const struct strbuf *sb,
	      struct tw_error *err);

/*
 * TECHWIN_PDF_LAYOUT=FILE: the layout log of the PDF drawn between the
 * two calls (render/pdf.h, pdf_layout_log) is written to FILE, for tests
 * that check nothing was cut. Without it both do nothing.
 */
void doc_layout_begin(struct strbuf *log);
int doc_layout_end(struct strbuf *log, struct tw_error *err);

#endif
