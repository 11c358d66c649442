/*
 * techwin proposal SLUG: the phased proposal of a deal (scope, price,
 * duration, justification and the POC results behind each phase) as
 * Markdown, HTML or PDF.
 */
#include "cli/cli.h"
#include "cli/doc.h"
#include "cli/workspace.h"
#include "render/proposal.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
cmd_proposal_exec(struct cli_ctx *ctx, int argc, char **argv,
		  struct tw_error *err)
{
	enum doc_format fmt = FMT_MD;
	enum paper paper = PAPER_A4;
	struct strbuf sb = STRBUF_INIT, layout = STRBUF_INIT;
	const char *output = NULL;
	tw_date start = DATE_NONE;
	const struct cli_opt opts[] = {
		{ "format", OPT_FORMAT, &fmt },
		{ "paper", OPT_PAPER, &paper },
		{ "start", OPT_DATE, &start },
		{ "output", OPT_STR, &output },
		{ NULL, 0, NULL },
	};
	struct brand brand = { 0 };
	struct deal_ctx dd;
	struct proposal p;
	int r;

	r = cli_options_exact(&cmd_proposal_entry, argc, argv, opts, 1,
			      "proposal takes exactly one SLUG", err);
	if (r < 0)
		return r;
	if (ctx->json)
		return tw_error_set(err, TW_EUSAGE,
				    "proposal writes a document; --json does "
				    "not apply (try 'techwin phase list "
				    "--json')");
	/* A PDF is binary: it would only garble a terminal. */
	if (fmt == FMT_PDF && (r = doc_refuse_tty("a PDF", output, err)) < 0)
		return r;

	if ((r = cli_load_ctx(ctx, argv[optind], &dd, err)) < 0)
		return r;
	/* The proposal goes to the prospect: nothing internal. */
	deal_drop_internal(&dd.deal);
	if ((r = workspace_brand_load(ctx->st, &brand, err)) < 0)
		goto out;
	if ((r = proposal_compute(&p, &dd.deal, &dd.hol, start, ctx->today,
				  err)) < 0)
		goto out;
	p.brand = &brand;
	switch (fmt) {
	case FMT_HTML:
		render_proposal_html(&p, paper, &sb);
		break;
	case FMT_PDF:
		doc_layout_begin(&layout);
		r = render_proposal_pdf(&p, paper, &sb, NULL, err);
		if (r == 0)
			r = doc_layout_end(&layout, err);
		break;
	case FMT_MD:
	default:
		render_proposal_md(&p, &sb);
		break;
	}
	for (size_t i = 0; r == 0 && i < p.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", p.warnings[i]);
	if (r == 0)
		r = doc_write(output, &sb, err);
	strbuf_release(&sb);
	strbuf_release(&layout);
	proposal_release(&p);
out:
	brand_release(&brand);
	deal_ctx_release(&dd);
	return r;
}

const struct cmd_entry cmd_proposal_entry = {
	.name = "proposal", .flags = NEED_STORE, .exec = cmd_proposal_exec,
};
