/*
 * techwin chart timeline|cycle: a deal's timeline (technical and commercial
 * lanes, momentum gaps, today) and the team's cycle-time histogram, as SVG
 * or PNG.
 */
#include "cli/cli.h"
#include "cli/doc.h"
#include "cli/workspace.h"
#include "core/stats.h"
#include "render/chart.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum chart_opt { O_PNG = 256, O_DEAL };

struct chart_args {
	enum chart_format fmt;
	const char *output;
	const char *deal;	/* cycle --deal */
};

/* Options both charts take, plus --deal for cycle (deal_opt). */
static int
parse_args(struct cli_ctx *ctx, int argc, char **argv, bool deal_opt,
	   struct chart_args *a, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "png", no_argument, NULL, O_PNG },
		{ "output", required_argument, NULL, 'o' },
		{ "deal", required_argument, NULL, O_DEAL },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->fmt = CHART_SVG;
	optind = 0;
	while ((c = cli_getopt_output(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		if (c == O_PNG)
			a->fmt = CHART_PNG;
		else if (c == 'o')
			a->output = optarg;
		else if (deal_opt)
			a->deal = optarg;
		else
			return tw_error_set(err, TW_EUSAGE,
					    "option '--deal' applies to "
					    "'chart cycle' only");
	}
	if (ctx->json)
		return tw_error_set(err, TW_EUSAGE,
				    "chart draws SVG or PNG; --json does not "
				    "apply (try 'techwin stats --json')");
	/* A PNG is binary: it would only garble a terminal. */
	if (a->fmt == CHART_PNG)
		return doc_refuse_tty("a PNG", a->output, err);
	return 0;
}

static int
chart_timeline(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	struct chart_timeline_opts o;
	struct strbuf sb = STRBUF_INIT;
	struct chart_args a;
	struct deal_ctx dd;
	int r;

	if ((r = parse_args(ctx, argc, argv, false, &a, err)) < 0)
		return r;
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_chart_entry, err,
				       "chart timeline takes exactly one SLUG");
	if ((r = cli_load_ctx(ctx, argv[optind], &dd, err)) < 0)
		return r;
	o.today = ctx->today;
	o.max_gap = dd.settings.max_gap;
	o.h = &dd.hol;
	r = chart_render_timeline(&dd.deal, &o, a.fmt, &sb, err);
	if (!r)
		r = doc_write(a.output, &sb, err);
	strbuf_release(&sb);
	deal_ctx_release(&dd);
	return r;
}

/*
 * Every deal without its children is enough: the histogram and the team
 * median need only outcomes and dates. --deal must name a deal with a
 * cycle time, so a typo is an error rather than a chart without a
 * highlight.
 */
static int
check_selected(const struct deal_list *list, const char *slug,
	       struct tw_error *err)
{
	int days;

	for (size_t i = 0; i < list->n; i++) {
		const struct deal *d = &list->items[i];

		if (strcmp(d->slug, slug))
			continue;
		if (d->outcome == OUTCOME_OPEN)
			return tw_error_set(err, TW_EINPUT,
					    "deal '%s' is still open: it has "
					    "no cycle time yet", slug);
		if (!deal_cycle_days(d, &days))
			return tw_error_set(err, TW_EINPUT,
					    "deal '%s' has no cycle time: it "
					    "needs to be won, with a POC end "
					    "and a close date", slug);
		return 0;
	}
	return tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'", slug);
}

static int
chart_cycle(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct deal_list list = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct cycle_report rep;
	struct chart_args a;
	struct workspace ws;
	struct holidays wsh;
	int r;

	if ((r = parse_args(ctx, argc, argv, true, &a, err)) < 0)
		return r;
	if (optind != argc)
		return cmd_usage_error(&cmd_chart_entry, err,
				       "chart cycle takes no arguments, got "
				       "'%s'", argv[optind]);
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if ((r = store_deal_list(ctx->st, &list, err)) < 0)
		goto out;
	if (a.deal && (r = check_selected(&list, a.deal, err)) < 0)
		goto out;
	wsh = workspace_days(&ws);
	cycle_report_compute(list.items, list.n, &ws.momentum, &wsh, NULL,
			     &rep);
	r = chart_render_cycle(&rep, a.deal, a.fmt, &sb, err);
	if (!r)
		r = doc_write(a.output, &sb, err);
	cycle_report_release(&rep);
	strbuf_release(&sb);
out:
	deal_list_release(&list);
	workspace_release(&ws);
	return r;
}

static int
cmd_chart_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	static const struct subcmd subs[] = {
		{ "timeline", chart_timeline, 0, NULL },
		{ "cycle", chart_cycle, 0, NULL },
		{ NULL, NULL, 0, NULL },
	};

	return subcmd_dispatch(&cmd_chart_entry, subs, ctx, argc, argv, err);
}

const struct cmd_entry cmd_chart_entry = {
	.name = "chart", .flags = NEED_STORE, .exec = cmd_chart_exec,
};
