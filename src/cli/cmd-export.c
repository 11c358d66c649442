/*
 * techwin export SLUG: print a deal as a plan file.
 */
#include "cli/cli.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int
cmd_export_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	const char *out = NULL;
	struct deal d;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else
			return cmd_usage_error(&cmd_export_entry, err,
					       "unknown option or missing value "
					       "'%s'", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_export_entry, err,
				       "export takes exactly one SLUG");
	if ((r = cli_get_deal(ctx, argv[optind], &d, err)) < 0)
		return r;
	plan_emit(&d, &sb);
	if (out)
		r = cli_write_file(out, &sb, err);
	else
		cli_write(&sb);
	strbuf_release(&sb);
	deal_release(&d);
	return r;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "export SLUG [-o FILE]",
	.summary = "print a deal as a plan file",
	.help =
	"Writes the deal in the plan-file format (docs/plan-format.md), in\n"
	"canonical form: importing the output and exporting again gives the\n"
	"same bytes, so plan files diff cleanly in git. -o writes FILE\n"
	"atomically instead of standard output.\n",
	.flags = NEED_STORE,
	.exec = cmd_export_exec,
};
