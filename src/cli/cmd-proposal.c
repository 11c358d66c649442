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

enum proposal_opt { O_FORMAT = 256, O_PAPER, O_START };

static int
cmd_proposal_exec(struct cli_ctx *ctx, int argc, char **argv,
		  struct tw_error *err)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, O_FORMAT },
		{ "paper", required_argument, NULL, O_PAPER },
		{ "start", required_argument, NULL, O_START },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	enum doc_format fmt = FMT_MD;
	enum paper paper = PAPER_A4;
	struct strbuf sb = STRBUF_INIT;
	const char *output = NULL;
	tw_date start = DATE_NONE;
	struct deal_ctx dd;
	struct proposal p;
	int c, r;

	optind = 0;
	while ((c = cli_getopt_output(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		if (c == O_FORMAT && (r = doc_format_parse(optarg, &fmt, err)) < 0)
			return r;
		if (c == O_PAPER && paper_parse(optarg, &paper) < 0)
			return tw_error_set(err, TW_EUSAGE,
					    "unknown paper '%s' (expected a4 "
					    "or letter)", optarg);
		if (c == O_START &&
		    (r = opt_date("--start", optarg, &start, err)) < 0)
			return r;
		if (c == 'o')
			output = optarg;
	}
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_proposal_entry, err,
				       "proposal takes exactly one SLUG");
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
	if ((r = proposal_compute(&p, &dd.deal, &dd.hol, start, ctx->today,
				  err)) < 0)
		goto out;
	switch (fmt) {
	case FMT_HTML:
		render_proposal_html(&p, paper, &sb);
		break;
	case FMT_PDF:
		r = render_proposal_pdf(&p, paper, &sb, NULL, err);
		break;
	case FMT_MD:
	default:
		render_proposal_md(&p, &sb);
		break;
	}
	if (r == 0)
		r = doc_write(output, &sb, err);
	strbuf_release(&sb);
	proposal_release(&p);
out:
	deal_ctx_release(&dd);
	return r;
}

const struct cmd_entry cmd_proposal_entry = {
	"proposal", NEED_STORE, cmd_proposal_exec,
};
