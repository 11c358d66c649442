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
	struct verb_result res;
	struct verb_call c;
	struct deal_ctx dc;
	char buf[DATE_BUFSZ];
	int r;

	verb_call_init(&c, V_DONE, NULL);
	deal_ctx_init(&dc, ctx->today, ctx->actor);
	if ((r = cli_verb_options(argc, argv, &c, &cli_on_option, err)) < 0)
		goto out;
	if (optind != argc - 2) {
		r = cmd_usage_error(&cmd_event_entry, err,
				    "event done takes a SLUG and a KEY");
		goto out;
	}
	c.key = argv[optind + 1];
	if ((r = cli_verb_run(ctx, argv[optind], &c, &dc, &res, err)) < 0)
		goto out;
	if (!ctx->json)
		printf("event '%s' done on %s\n", c.key,
		       date_format(dc.deal.events[res.index].done, buf));
out:
	verb_call_release(&c);
	deal_ctx_release(&dc);
	return r;
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
	{ "done", event_done },
	{ NULL, NULL },
};

const struct cmd_entry cmd_event_entry = {
	.name = "event", .flags = NEED_STORE,
	.verbs = verbs, .list = &event_list, .subs = subs,
};
