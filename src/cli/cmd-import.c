/*
 * techwin import FILE...: load plan files, all of them or none.
 */
#include "cli/cli.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read a whole file ("-" is stdin) into sb. */
static int
read_file(const char *path, struct strbuf *sb, struct tw_error *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[65536];
	size_t n;

	if (!fp)
		return tw_error_set(err, TW_EINPUT, "cannot open '%s': %s",
				    path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(sb, buf, n);
	if (ferror(fp)) {
		int e = errno;

		if (fp != stdin)
			fclose(fp);
		return tw_error_set(err, TW_EINPUT, "cannot read '%s': %s",
				    path, strerror(e));
	}
	if (fp != stdin)
		fclose(fp);
	return 0;
}

/*
 * A plan file holds what a person writes; the touches logged by `message
 * --log` and the snooze live only in the database. Replacing a deal from
 * its file must not lose them, or unframed-pass would fire again and a
 * snoozed deal would start failing the check after every import.
 */
static void
keep_database_state(struct deal *d, struct deal *old)
{
	if (!d->ntouches) {
		d->touches = old->touches;
		d->ntouches = old->ntouches;
		old->touches = NULL;
		old->ntouches = 0;
	}
	if (!d->snooze_until) {
		d->snooze_until = old->snooze_until;
		xstrset(&d->snooze_reason, old->snooze_reason);
	}
}

static void
progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimporting: %zu/%zu deals", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static int
cmd_import_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	const struct store_ops *ops = ctx->st->ops;
	size_t n = (size_t)(argc - 1), created = 0;
	struct deal *deals;
	bool show = n >= 1000 && isatty(2);
	int r = 0;

	if (argc < 2)
		return cmd_usage_error(&cmd_import_entry, err,
				       "import needs at least one FILE");
	deals = xcalloc(n, sizeof(*deals));

	/* Parse and check everything before the first write. */
	for (size_t i = 0; i < n && r == 0; i++) {
		struct strbuf sb = STRBUF_INIT;

		r = read_file(argv[i + 1], &sb, err);
		if (r == 0)
			r = plan_parse(sb.buf, sb.len, argv[i + 1], &deals[i],
				       err);
		strbuf_release(&sb);
		for (size_t j = 0; r == 0 && j < i; j++)
			if (!strcmp(deals[j].slug, deals[i].slug))
				r = tw_error_set(err, TW_EINPUT,
						 "%s: deal '%s' is also in '%s'",
						 argv[i + 1], deals[i].slug,
						 argv[j + 1]);
	}

	/* One transaction: all the files or none of them. */
	if (r == 0)
		r = ops->begin(ctx->st, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct deal old;

		deal_init(&old);
		r = ops->deal_get(ctx->st, deals[i].slug, &old, err);
		created += r == TW_ENOTFOUND;
		if (r == 0)
			keep_database_state(&deals[i], &old);
		if (r == TW_ENOTFOUND || r == 0)
			r = ops->deal_put(ctx->st, &deals[i], err);
		deal_release(&old);
		if (show && (i + 1 == n || (i + 1) % 1000 == 0))
			progress(i + 1, n);
	}
	if (r == 0)
		r = ops->commit(ctx->st, err);
	else if (n)
		ops->rollback(ctx->st);

	if (r == 0 && !ctx->json)
		printf("imported %zu deal%s (%zu new, %zu replaced)\n", n,
		       n == 1 ? "" : "s", created, n - created);
	for (size_t i = 0; i < n; i++)
		deal_release(&deals[i]);
	free(deals);
	return r;
}

const struct cmd_entry cmd_import_entry = {
	.name = "import",
	.usage = "import FILE...",
	.summary = "load deals from plan files (all files or none)",
	.help =
	"Each FILE is a deal plan file (see docs/plan-format.md); '-' reads\n"
	"standard input. A deal that exists is replaced by the file's\n"
	"version, and the history records every field that changed. What\n"
	"only the database holds is kept: logged touches (message --log)\n"
	"and the snooze (techwin snooze).\n"
	"\n"
	"Every file is read and checked before anything is written, and the\n"
	"whole import is one transaction: if any file has an error, techwin\n"
	"names the file, line and column, exits with status 3, and the\n"
	"database is unchanged.\n",
	.flags = NEED_STORE,
	.exec = cmd_import_exec,
};
