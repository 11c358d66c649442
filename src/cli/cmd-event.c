/*
 * techwin event: technical and commercial events, planned and done.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>

enum event_opt { O_KIND = 256, O_TITLE, O_OWNER, O_DATE, O_AFTER, O_ON };

static int
add_event(struct deal *d, void *arg, struct tw_error *err)
{
	const struct event *src = arg;
	struct event *e;

	if (deal_find_event(d, src->key))
		return tw_error_set(err, TW_EEXIST,
				    "event '%s' already exists in deal '%s'",
				    src->key, d->slug);
	e = deal_add_event(d);
	*e = *src;
	e->key = xstrdup(src->key);
	e->title = xstrdup_or_null(src->title);
	e->owner = xstrdup_or_null(src->owner);
	e->after = xstrdup_or_null(src->after);
	return 0;
}

static int
event_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "kind", required_argument, NULL, O_KIND },
		{ "title", required_argument, NULL, O_TITLE },
		{ "owner", required_argument, NULL, O_OWNER },
		{ "date", required_argument, NULL, O_DATE },
		{ "after", required_argument, NULL, O_AFTER },
		{ NULL, 0, NULL, 0 },
	};
	struct event e = { 0 };
	bool has_kind = false;
	int opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		switch (opt) {
		case O_KIND:
			if (event_kind_parse(optarg, &e.kind) < 0)
				return tw_error_set(err, TW_EINPUT,
						    "--kind: expected technical "
						    "or commercial, got '%s'",
						    optarg);
			has_kind = true;
			break;
		case O_TITLE:
			e.title = optarg;
			break;
		case O_OWNER:
			e.owner = optarg;
			break;
		case O_DATE:
			if ((r = opt_date("--date", optarg, &e.date, err)) < 0)
				return r;
			break;
		case O_AFTER:
			e.after = optarg;
			break;
		}
	}
	if (optind != argc - 2 || !has_kind || !e.title)
		return cmd_usage_error(&cmd_event_entry, err,
				       "event add takes a SLUG, a KEY, --kind "
				       "and --title");
	e.key = argv[optind + 1];
	if ((r = cli_update_deal(ctx, argv[optind], add_event, &e, err)) < 0)
		return r;
	if (!ctx->json)
		printf("added %s event '%s' to deal '%s'\n",
		       event_kind_name(e.kind), e.key, argv[optind]);
	return 0;
}

struct done_args {
	const char *key;
	tw_date on;
};

static int
mark_done(struct deal *d, void *arg, struct tw_error *err)
{
	struct done_args *a = arg;
	struct event *e = deal_find_event(d, a->key);

	if (!e)
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown event '%s' in deal '%s'", a->key,
				    d->slug);
	e->done = a->on;
	return 0;
}

static int
event_done(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "on", required_argument, NULL, O_ON },
		{ NULL, 0, NULL, 0 },
	};
	struct done_args a = { NULL, ctx->today };
	char buf[DATE_BUFSZ];
	int opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		if ((r = opt_date("--on", optarg, &a.on, err)) < 0)
			return r;
	}
	if (optind != argc - 2)
		return cmd_usage_error(&cmd_event_entry, err,
				       "event done takes a SLUG and a KEY");
	a.key = argv[optind + 1];
	if ((r = cli_update_deal(ctx, argv[optind], mark_done, &a, err)) < 0)
		return r;
	if (!ctx->json)
		printf("event '%s' done on %s\n", a.key, date_format(a.on, buf));
	return 0;
}

static size_t
event_count(const struct deal *d)
{
	return d->nevents;
}

static json_t *
event_json(const struct deal *d, size_t i, tw_date today,
	   const struct holidays *h)
{
	(void)today;
	(void)h;
	return event_to_json(&d->events[i]);
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

static int
event_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "KEY", "KIND", "TITLE", "OWNER",
		"DATE", "DONE", "AFTER" };
	static const struct child_list list = {
		header, ARRAY_SIZE(header), NULL, event_count, event_json,
		event_row,
	};

	return cli_list_children(&cmd_event_entry, ctx, argc, argv, &list,
				 err);
}

static const struct subcmd subs[] = {
	{ "add", event_add },
	{ "done", event_done },
	{ "list", event_list },
	{ NULL, NULL },
};

static int
cmd_event_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	return subcmd_dispatch(&cmd_event_entry, subs, ctx, argc, argv, err);
}

const struct cmd_entry cmd_event_entry = {
	.name = "event",
	.usage = "event add SLUG KEY --kind technical|commercial --title TEXT\n"
		 "         [--owner NAME] [--date DATE] [--after KEY]\n"
		 "event done SLUG KEY [--on DATE]\n"
		 "event list SLUG",
	.summary = "technical and commercial events: plan them, mark them done",
	.help =
	"Technical events (POC readout, architecture sign-off) are the\n"
	"moments that should trigger a commercial one (pricing call,\n"
	"proposal, contract review). --date is the planned date; --after\n"
	"names the event this one follows.\n"
	"\n"
	"  done    mark an event done (--on, default today)\n"
	"  list    every event of the deal in the order it was added\n",
	.flags = NEED_STORE,
	.exec = cmd_event_exec,
};
