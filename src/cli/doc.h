/*
 * What the commands that write one deal's document share (summary,
 * proposal, chart timeline): the deal with its workspace and holidays,
 * the refusal of binary output on a terminal, and writing to -o or stdout.
 */
#ifndef TW_CLI_DOC_H
#define TW_CLI_DOC_H

#include "cli/cli.h"
#include "store/workspace.h"

struct doc_deal {
	struct deal d;
	struct workspace ws;
	struct holidays h;	/* the deal's and the workspace's */
	tw_date *buf;		/* behind h */
};

/* Read the deal slug and the workspace; release with doc_deal_release(). */
int doc_deal_load(struct cli_ctx *ctx, const char *slug, struct doc_deal *dd,
		  struct tw_error *err);
void doc_deal_release(struct doc_deal *dd);

/* TW_EUSAGE when a binary document ("a PDF") would go to a terminal. */
int doc_refuse_tty(const char *what, const char *output,
		   struct tw_error *err);

/* sb to the file output (atomically), or to stdout when output is NULL. */
int doc_write(const char *output, const struct strbuf *sb,
	      struct tw_error *err);

#endif
