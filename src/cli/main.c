/*
 * techwin's entry point: parse global options, find the command in one sorted
 * table, open the store it needs, run it, and turn its result into an exit
 * code. Nothing else here turns errors into exit statuses.
 */
#include "cli/cli.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * Sorted by name; adding a command is one file, one line here and its texts
 * in commands.txt.
 */
const struct cmd_entry *const cmd_table[] = {
	&cmd_chart_entry,
	&cmd_check_entry,
	&cmd_config_entry,
	&cmd_criterion_entry,
	&cmd_deal_entry,
	&cmd_event_entry,
	&cmd_export_entry,
	&cmd_help_entry,
	&cmd_history_entry,
	&cmd_ics_entry,
	&cmd_import_entry,
	&cmd_init_entry,
	&cmd_message_entry,
	&cmd_migrate_entry,
	&cmd_notify_entry,
	&cmd_phase_entry,
	&cmd_plan_entry,
	&cmd_proposal_entry,
	&cmd_risk_entry,
	&cmd_serve_entry,
	&cmd_share_entry,
	&cmd_snooze_entry,
	&cmd_stats_entry,
	&cmd_summary_entry,
	&cmd_token_entry,
	&cmd_user_entry,
	&cmd_version_entry,
	NULL,
};

const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i]; i++)
		if (!strcmp(cmd_table[i]->name, name))
			return cmd_table[i];
	return NULL;
}

static const char main_usage[] =
	"usage: techwin [--db PATH] [--json] [--today DATE] COMMAND [ARGS]\n";

void
cli_print_usage(FILE *fp)
{
	fputs(main_usage, fp);
	fputs("\ncommands:\n", fp);
	for (size_t i = 0; cmd_table[i]; i++) {
		fprintf(fp, "  %-11s ", cmd_table[i]->name);
		cmd_print_summary(cmd_table[i], fp);
		fputc('\n', fp);
	}
	fputs("\nSee 'techwin help COMMAND' for one command.\n", fp);
}

static const char *
default_actor(void)
{
	const char *u = getenv("TECHWIN_USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	u = getenv("LOGNAME");
	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}

/* Value of a global option given as "--opt VALUE" or "--opt=VALUE". */
static int
take_value(int argc, char **argv, int *i, const char *opt, const char **out)
{
	size_t n = strlen(opt);

	if (strncmp(argv[*i], opt, n))
		return 0;
	if (argv[*i][n] == '=') {
		*out = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return -1;
	*out = argv[++*i];
	return 1;
}

/*
 * Global options may stand before or after the command (`techwin deal list
 * --json` reads naturally); they are removed from argv here so commands only
 * see their own. "--" ends the scan.
 */
static int
parse_globals(struct cli_ctx *ctx, int *argc, char **argv, const char **today,
	      struct tw_error *err)
{
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		const char *v;
		int r;

		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json")) {
			ctx->json = true;
			continue;
		}
		if ((r = take_value(*argc, argv, &i, "--db", &v))) {
			if (r < 0)
				return tw_error_set(err, TW_EUSAGE,
						    "option '--db' needs a value");
			ctx->db = v;
			continue;
		}
		if ((r = take_value(*argc, argv, &i, "--today", &v))) {
			if (r < 0)
				return tw_error_set(err, TW_EUSAGE,
						    "option '--today' needs a value");
			*today = v;
			continue;
		}
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

static int
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	}
	return 0;
}

/* A full disk must not look like success (git's check at exit). */
static int
close_stdout(void)
{
	int failed;

	/* errno names the cause when the final flush fails (ENOSPC, EPIPE). */
	errno = 0;
	failed = fflush(stdout) || ferror(stdout);
	failed = fclose(stdout) || failed;
	if (failed) {
		fprintf(stderr, "error: could not write output: %s\n",
			errno ? strerror(errno) : "write error");
		return 4;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli_ctx ctx = { 0 };
	struct tw_error err = { 0 };
	const struct cmd_entry *e;
	const char *today = getenv("TECHWIN_TODAY");
	int r, status;

	/*
	 * Past the file size limit (ulimit -f) a write fails with EFBIG,
	 * which the store and the writers report and exit 4 on, as for a
	 * full disk; the signal would kill techwin without a word.
	 */
	signal(SIGXFSZ, SIG_IGN);
	ctx.db = getenv("TECHWIN_DB");
	if (!ctx.db || !*ctx.db)
		ctx.db = "techwin.db";
	ctx.actor = default_actor();

	if (parse_globals(&ctx, &argc, argv, &today, &err) < 0) {
		fprintf(stderr, "error: %s\n%s", err.msg, main_usage);
		return 2;
	}
	cli_escape_terminal(ctx.json);
	if (today && *today) {
		/* A bad date is bad input (3) wherever it is given. */
		if (date_parse(today, &ctx.today, &err) < 0) {
			fprintf(stderr, "error: --today: %s\n", err.msg);
			return tw_exit_code(TW_EINPUT);
		}
		ctx.today_fixed = true;
	} else {
		ctx.today = date_today();
	}

	if (argc < 2) {
		cli_print_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_print_usage(stdout);
		return close_stdout();
	}
	if (!strcmp(argv[1], "--version")) {
		argv[1] = "version";
	}
	e = cmd_find(argv[1]);
	if (!e) {
		struct suggest sg;
		char hint[96];

		suggest_init(&sg, argv[1]);
		for (size_t i = 0; cmd_table[i]; i++)
			suggest_add(&sg, cmd_table[i]->name);
		fprintf(stderr, "error: unknown command '%s'%s\n", argv[1],
			suggest_text(&sg, hint, sizeof(hint)));
		cli_print_usage(stderr);
		return 2;
	}
	if (wants_help(argc - 1, argv + 1)) {
		cmd_print_help(e, stdout);
		return close_stdout();
	}

	if (e->flags & (NEED_STORE | CREATE_STORE)) {
		r = store_open(&ctx.st, ctx.db,
			       (e->flags & CREATE_STORE) ? STORE_CREATE
							 : STORE_OPEN_EXISTING,
			       ctx.actor, &err);
		if (r < 0) {
			fprintf(stderr, "error: %s\n", err.msg);
			return tw_exit_code(r);
		}
	}

	r = e->exec ? e->exec(&ctx, argc - 1, argv + 1, &err)
		    : cli_verb_dispatch(e, &ctx, argc - 1, argv + 1, &err);
	if (ctx.st)
		store_close(ctx.st);

	status = r < 0 ? tw_exit_code(r) : r;
	if (r < 0) {
		fprintf(stderr, "error: %s\n", err.msg);
		if (r == TW_EUSAGE)
			cmd_print_usage(e, stderr);
	}
	r = close_stdout();
	return status ? status : r;
}
