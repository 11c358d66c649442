/*
 * techwin version: the program's version and the schema it writes.
 */
#include "cli/cli.h"

static int
cmd_version_exec(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	(void)argv;
	if (argc > 1)
		return cmd_usage_error(&cmd_version_entry, err,
				       "version takes no arguments");
	if (ctx->json)
		printf("{\n  \"version\": \"%s\",\n  \"schema\": %d\n}\n",
		       TW_VERSION, store_schema_version());
	else
		printf("techwin %s (schema %d)\n", TW_VERSION,
		       store_schema_version());
	return 0;
}

const struct cmd_entry cmd_version_entry = {
	.name = "version", .flags = 0, .exec = cmd_version_exec,
};
