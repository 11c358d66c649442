/*
 * techwin help [COMMAND]: the command list, or one command's full help.
 */
#include "cli/cli.h"

static int
cmd_help_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	const struct cmd_entry *e;

	(void)ctx;
	if (argc == 1) {
		cli_print_usage(stdout);
		return 0;
	}
	if (argc > 2)
		return cmd_usage_error(&cmd_help_entry, err,
				       "help takes at most one COMMAND");
	if (!(e = cmd_find(argv[1])))
		return tw_error_set(err, TW_EUSAGE, "unknown command '%s'",
				    argv[1]);
	cmd_print_help(e, stdout);
	return 0;
}

const struct cmd_entry cmd_help_entry = {
	.name = "help", .flags = 0, .exec = cmd_help_exec,
};
