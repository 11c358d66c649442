/*
 * techwin init: create (or bring up to date) the database.
 */
#include "cli/cli.h"
#include "store/store-pg.h"

static int
cmd_init_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	char where[1024];

	(void)argv;
	if (argc > 1)
		return cmd_usage_error(&cmd_init_entry, err,
				       "init takes no arguments (use --db PATH)");
	if (!ctx->json)
		printf("initialized techwin database '%s' (schema %d)\n",
		       store_location_redact(ctx->db, where, sizeof(where)),
		       store_schema_version());
	return 0;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init", .flags = CREATE_STORE, .exec = cmd_init_exec,
};
