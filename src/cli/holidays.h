/*
 * The holidays subcommands (cmd-holidays.c): config holidays import and
 * deal holidays import, which read an iCalendar file.
 */
#ifndef TW_CLI_HOLIDAYS_H
#define TW_CLI_HOLIDAYS_H

#include "cli/cli.h"

/* argv[0] is "holidays". */
int cli_config_holidays(struct cli_ctx *ctx, int argc, char **argv,
			struct tw_error *err);
int cli_deal_holidays(struct cli_ctx *ctx, int argc, char **argv,
		      struct tw_error *err);

#endif
