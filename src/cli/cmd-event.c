/*
 * techwin event: technical and commercial events, planned and done.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>

static const struct cli_child_verb verbs[] = {
	{ "add", V_ADD, T_EVENT,
	  "event add takes a SLUG, a KEY, --kind and --title", "KEY", NULL,
	  NULL },
	{ "set", V_SET, T_EVENT, "event set takes a SLUG and a KEY", "KEY",
	  NULL, NULL },
	{ "rm", V_REMOVE, T_EVENT, "event rm takes a SLUG and a KEY", "KEY",
	  NULL, NULL },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL },
};

static int
event_done(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct cli_run run;
	char buf[DATE_BUFSZ];
	int r;

	cli_run_init(&run, ctx, V_DONE, NULL);
	if ((r = cli_verb_options(argc, argv, &run.c, &cli_on_option,
				  err)) < 0)
		goto out;
	if (optind != argc - 2) {
		r = cmd_usage_error(&cmd_event_entry, err,
				    "event done takes a SLUG and a KEY");
		goto out;
	}
	run.c.key = argv[optind + 1];
	if ((r = cli_run_verb(ctx, &run, argv[optind], err)) < 0)
		goto out;
	if (!ctx->json)
		printf("event '%s' done on %s\n", run.c.key,
		       date_format(run.dc.deal.events[run.res.index].done,
				   buf));
out:
	return cli_run_finish(&run, r);
}

/*
 * event accept|decline SLUG KEY: the team's answer to a date the champion
 * proposed on the share page.
 */
static int
event_answer(struct cli_ctx *ctx, int argc, char **argv, enum verb v,
	     struct tw_error *err)
{
	const char *what = v == V_ACCEPT ? "accept" : "decline";
	struct cli_run run;
	char buf[DATE_BUFSZ];
	int r;

	cli_run_init(&run, ctx, v, NULL);
	if ((r = cli_verb_options(argc, argv, &run.c, NULL, err)) < 0)
		goto out;
	if (optind != argc - 2) {
		r = cmd_usage_error(&cmd_event_entry, err, "event %s takes a "
				    "SLUG and a KEY", what);
		goto out;
	}
	run.c.key = argv[optind + 1];
	if ((r = cli_run_verb(ctx, &run, argv[optind], err)) < 0)
		goto out;
	if (!ctx->json && v == V_ACCEPT)
		printf("event '%s' now planned for %s\n", run.c.key,
		       date_format(run.dc.deal.events[run.res.index].date,
				   buf));
	else if (!ctx->json)
		printf("event '%s' keeps its date; the proposed one is "
		       "declined\n", run.c.key);
out:
	return cli_run_finish(&run, r);
}

static int
event_accept(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	return event_answer(ctx, argc, argv, V_ACCEPT, err);
}

static int
event_decline(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	return event_answer(ctx, argc, argv, V_DECLINE, err);
}

static void
event_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	  const struct holidays *h)
{
	const struct event *e = &d->events[i];
	char b[DATE_BUFSZ];

	(void)today;
	(void)h;
	table_cell(t, e->key);
	table_cell(t, event_kind_name(e->kind));
	table_cell(t, e->title);
	table_cell(t, e->owner);
	table_cell(t, date_format(e->date, b));
	table_cell(t, date_format(e->done, b));
	table_cell(t, e->after);
}

static const char *const event_header[] = { "KEY", "KIND", "TITLE", "OWNER",
	"DATE", "DONE", "AFTER" };
static const struct child_list event_list = {
	event_header, ARRAY_SIZE(event_header), NULL, T_EVENT,
	event_row,
};

static const struct subcmd subs[] = {
	{ "done", event_done, 0, NULL },
	{ "accept", event_accept, 0, NULL },
	{ "decline", event_decline, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_event_entry = {
	.name = "event", .flags = NEED_STORE,
	.verbs = verbs, .list = &event_list, .subs = subs,
};
