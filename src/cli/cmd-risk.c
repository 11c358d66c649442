/*
 * techwin risk: the risk register and its back-schedule (latest safe start).
 */
#include "cli/cli.h"
#include "core/risk.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>

enum risk_opt { O_TITLE = 256, O_KIND, O_DEADLINE, O_BUFFER, O_DURATION };

static int
add_risk(struct deal *d, void *arg, struct tw_error *err)
{
	const struct risk *src = arg;
	struct risk *r;

	if (deal_find_risk(d, src->key))
		return tw_error_set(err, TW_EEXIST,
				    "risk '%s' already exists in deal '%s'",
				    src->key, d->slug);
	r = deal_add_risk(d);
	*r = *src;
	r->key = xstrdup(src->key);
	r->title = xstrdup_or_null(src->title);
	return 0;
}

static int
risk_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "title", required_argument, NULL, O_TITLE },
		{ "kind", required_argument, NULL, O_KIND },
		{ "deadline", required_argument, NULL, O_DEADLINE },
		{ "buffer", required_argument, NULL, O_BUFFER },
		{ "duration", required_argument, NULL, O_DURATION },
		{ NULL, 0, NULL, 0 },
	};
	struct risk rk = { .kind = RISK_OTHER };
	bool has_duration = false;
	int opt, r = 0;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		switch (opt) {
		case O_TITLE:
			rk.title = optarg;
			break;
		case O_KIND:
			if (risk_kind_parse(optarg, &rk.kind) < 0)
				return tw_error_set(err, TW_EINPUT,
						    "--kind: expected scaling, "
						    "compliance, security, cost "
						    "or other, got '%s'",
						    optarg);
			break;
		case O_DEADLINE:
			r = opt_date("--deadline", optarg, &rk.deadline, err);
			break;
		case O_BUFFER:
			r = opt_duration("--buffer", optarg, &rk.buffer, err);
			break;
		case O_DURATION:
			has_duration = true;
			r = opt_duration("--duration", optarg, &rk.duration,
					 err);
			break;
		}
		if (r < 0)
			return r;
	}
	if (optind != argc - 2 || !rk.title || !rk.deadline || !has_duration)
		return cmd_usage_error(&cmd_risk_entry, err,
				       "risk add takes a SLUG, a KEY, --title, "
				       "--deadline and --duration");
	rk.key = argv[optind + 1];
	if ((r = cli_update_deal(ctx, argv[optind], add_risk, &rk, err)) < 0)
		return r;
	if (!ctx->json)
		printf("added risk '%s' to deal '%s'\n", rk.key, argv[optind]);
	return 0;
}

static size_t
risk_count(const struct deal *d)
{
	return d->nrisks;
}

static json_t *
risk_json(const struct deal *d, size_t i, tw_date today,
	  const struct holidays *h)
{
	return risk_to_json(&d->risks[i], today, h);
}

static void
risk_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	 const struct holidays *h)
{
	const struct risk *rk = &d->risks[i];
	char b[DATE_BUFSZ], db[DURATION_BUFSZ];
	struct risk_eval ev;

	risk_evaluate(rk, today, h, &ev);
	table_cell(t, rk->key);
	table_cell(t, rk->title);
	table_cell(t, date_format(rk->deadline, b));
	table_cell(t, duration_format(&rk->buffer, db));
	table_cell(t, duration_format(&rk->duration, db));
	table_cell(t, date_format(ev.go_live_by, b));
	table_cell(t, date_format(ev.latest_start, b));
	table_cellf(t, "%dd", ev.slack_days);
	table_cell(t, ev.at_risk ? "yes" : "no");
}

static int
risk_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "KEY", "TITLE", "DEADLINE",
		"BUFFER", "DURATION", "GO-LIVE BY", "LATEST START", "SLACK",
		"AT RISK" };
	static const size_t right[] = { 7, SIZE_MAX };
	static const struct child_list list = {
		header, ARRAY_SIZE(header), right, risk_count, risk_json,
		risk_row,
	};

	return cli_list_children(&cmd_risk_entry, ctx, argc, argv, &list,
				 err);
}

static const struct subcmd subs[] = {
	{ "add", risk_add },
	{ "list", risk_list },
	{ NULL, NULL },
};

static int
cmd_risk_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	return subcmd_dispatch(&cmd_risk_entry, subs, ctx, argc, argv, err);
}

const struct cmd_entry cmd_risk_entry = {
	.name = "risk",
	.usage = "risk add SLUG KEY --title TEXT --deadline DATE --duration DUR\n"
		 "         [--buffer DUR] [--kind scaling|compliance|security|"
		 "cost|other]\n"
		 "risk list SLUG",
	.summary = "technical risks back-scheduled to a latest safe start date",
	.help =
	"A risk is something in the prospect's current system that will\n"
	"break by a deadline (a peak season, a regulation date). techwin\n"
	"works back from it: go-live by = deadline - buffer; latest start =\n"
	"go-live by - implementation duration; slack = latest start - today\n"
	"in calendar days. A negative slack means the deadline is at risk.\n"
	"\n"
	"Durations are Nd (calendar days), Nbd (business days: Monday to\n"
	"Friday minus the deal's holidays) or Nw (weeks). The buffer\n"
	"defaults to 0d.\n",
	.flags = NEED_STORE,
	.exec = cmd_risk_exec,
};
