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
	.name = "init",
	.usage = "init",
	.summary = "create the database (or migrate it to this version)",
	.help =
	"Creates the database named by --db, $TECHWIN_DB or ./techwin.db.\n"
	"Running it on an existing techwin database is safe: it applies any\n"
	"schema migrations this version knows and changes nothing else. A\n"
	"file that is not a techwin database is refused and left untouched.\n",
	.flags = CREATE_STORE,
	.exec = cmd_init_exec,
};
