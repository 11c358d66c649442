/*
 * techwin config holidays import FILE.ics [--years FROM-TO] and
 * techwin deal holidays import SLUG FILE.ics [--years FROM-TO]: holidays
 * from the all-day events of a calendar file (formats/ics-holidays.h),
 * added to the workspace's holidays (the "holidays" setting) or to a
 * deal's (the V_HOLIDAYS verb), all of them or none.
 */
#include "cli/cli.h"
#include "cli/holidays.h"
#include "cli/workspace.h"
#include "formats/ics-holidays.h"
#include "formats/json.h"
#include "util/xalloc.h"
#include "util/suggest.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A country's calendar is a few hundred kB; this is no calendar. */
#define ICS_MAX_BYTES (16 * 1024 * 1024)

/*
 * The calendar at path, read whole. A FIFO, a directory or a device is
 * refused before anything is read from it.
 */
static int
read_calendar(const char *path, struct strbuf *sb, struct tw_error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t k = 1;
	char buf[65536];

	if (fd < 0)
		return tw_error_set(err, TW_EINPUT, "cannot open '%s': %s",
				    path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tw_error_set(err, TW_EINPUT, "'%s' is not a regular "
				    "file", path);
	}
	while (sb->len <= ICS_MAX_BYTES &&
	       (k = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)k);
	close(fd);
	if (k < 0)
		return tw_error_set(err, TW_EINPUT, "cannot read '%s': %s",
				    path, strerror(errno));
	if (sb->len > ICS_MAX_BYTES)
		return tw_error_set(err, TW_EINPUT, "'%s' is larger than %d "
				    "MiB: not a holiday calendar", path,
				    ICS_MAX_BYTES >> 20);
	return 0;
}

/* What both imports share: "import ARGS... FILE [--years]" to days. */
struct import_args {
	const char *file;
	const char *slug;	/* deal holidays only */
	int from, to;
	struct ics_holidays cal;
};

static int
import_read(struct cli_ctx *ctx, const struct cmd_entry *e, int nargs,
	    const char *usage, int argc, char **argv, struct import_args *a,
	    struct tw_error *err)
{
	const char *years = NULL;
	const struct cli_opt opts[] = {
		{ "years", OPT_STR, &years },
		{ NULL, 0, NULL },
	};
	struct strbuf sb = STRBUF_INIT;
	int r;

	memset(a, 0, sizeof(*a));
	if (argc >= 2 && strcmp(argv[1], "import")) {
		struct suggest sg;
		char hint[96];

		suggest_init(&sg, argv[1]);
		suggest_add(&sg, "import");
		return cmd_usage_error(e, err, "unknown subcommand '%s "
				       "holidays %s'%s", e->name, argv[1],
				       suggest_text(&sg, hint, sizeof(hint)));
	}
	if (argc < 2)
		return cmd_usage_error(e, err, "%s", usage);
	if ((r = cli_options(argc - 1, argv + 1, opts, err)) < 0)
		return r;
	if (optind + nargs != argc - 1)
		return cmd_usage_error(e, err, "%s", usage);
	if (nargs == 2)
		a->slug = argv[1 + optind++];
	a->file = argv[1 + optind];
	if ((r = ics_years_parse(years, "--years", ctx->today, &a->from,
				   &a->to, err)) < 0)
		return r;
	if ((r = read_calendar(a->file, &sb, err)) == 0)
		r = ics_holidays_read(sb.buf, sb.len, a->file, a->from, a->to,
				      &a->cal, err);
	strbuf_release(&sb);
	return r;
}

/* "added 9 holidays to deal 'acme' (2 already there) from de.ics, ..." */
static void
report(struct cli_ctx *ctx, const struct import_args *a, size_t added,
       const char *where)
{
	size_t present = a->cal.n - added;
	struct strbuf sb = STRBUF_INIT;
	json_t *o;

	if (ctx->json) {
		o = json_object();
		json_object_set_new(o, "file", json_string(a->file));
		if (a->slug)
			json_object_set_new(o, "deal", json_string(a->slug));
		json_object_set_new(o, "from_year", json_integer(a->from));
		json_object_set_new(o, "to_year", json_integer(a->to));
		json_object_set_new(o, "added", json_integer((json_int_t)added));
		json_object_set_new(o, "present",
				    json_integer((json_int_t)present));
		json_object_set_new(o, "skipped_events",
				    json_integer((json_int_t)a->cal.skipped));
		json_emit(o, &sb);
	} else {
		strbuf_addf(&sb, "added %zu holiday%s to %s (%zu already "
			    "there) from %s, %d", added,
			    added == 1 ? "" : "s", where, present, a->file,
			    a->from);
		if (a->to != a->from)
			strbuf_addf(&sb, "-%d", a->to);
		if (a->cal.skipped)
			strbuf_addf(&sb, "; %zu event%s with a time of day or "
				    "cancelled skipped", a->cal.skipped,
				    a->cal.skipped == 1 ? "" : "s");
		strbuf_addch(&sb, '\n');
	}
	cli_write(&sb);
	strbuf_release(&sb);
}

int
cli_config_holidays(struct cli_ctx *ctx, int argc, char **argv,
		    struct tw_error *err)
{
	struct import_args a;
	size_t added = 0;
	int r;

	r = import_read(ctx, &cmd_config_entry, 1,
			"config holidays import takes a FILE", argc, argv,
			&a, err);
	if (r == 0)
		r = workspace_add_holidays(ctx->st, a.cal.days, a.cal.n,
					   &added, err);
	if (r == 0)
		report(ctx, &a, added, "the workspace");
	ics_holidays_release(&a.cal);
	return r;
}

int
cli_deal_holidays(struct cli_ctx *ctx, int argc, char **argv,
		  struct tw_error *err)
{
	struct strbuf where = STRBUF_INIT;
	struct verb_result res;
	struct verb_call c;
	struct import_args a;
	struct deal_ctx dc;
	int r;

	verb_call_init(&c, V_HOLIDAYS, NULL);
	deal_ctx_init(&dc, ctx->today, ctx->actor);
	r = import_read(ctx, &cmd_deal_entry, 2,
			"deal holidays import takes a SLUG and a FILE", argc,
			argv, &a, err);
	if (r == 0) {
		c.days = a.cal.days;
		c.ndays = a.cal.n;
		r = cli_verb_run(ctx, a.slug, &c, &dc, &res, err);
	}
	if (r == 0) {
		strbuf_addf(&where, "deal '%s'", a.slug);
		report(ctx, &a, res.added, where.buf);
	}
	strbuf_release(&where);
	ics_holidays_release(&a.cal);
	verb_call_release(&c);
	deal_ctx_release(&dc);
	return r;
}
