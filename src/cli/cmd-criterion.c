/*
 * techwin criterion: POC success criteria, their measurements, and what each
 * result means (status, headroom, growth capacity).
 */
#include "cli/cli.h"
#include "core/criterion.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <string.h>

enum crit_opt {
	O_METRIC = 256, O_UNIT, O_AT_MOST, O_AT_LEAST, O_GROWTH, O_OUTCOME,
	O_ON,
};

static int
add_criterion(struct deal *d, void *arg, struct tw_error *err)
{
	struct criterion *src = arg, *c;

	if (deal_find_criterion(d, src->key))
		return tw_error_set(err, TW_EEXIST,
				    "criterion '%s' already exists in deal '%s'",
				    src->key, d->slug);
	c = deal_add_criterion(d);
	*c = *src;
	c->key = xstrdup(src->key);
	c->metric = xstrdup_or_null(src->metric);
	c->unit = xstrdup_or_null(src->unit);
	c->outcome = xstrdup_or_null(src->outcome);
	return 0;
}

static int
criterion_add(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	static const struct option opts[] = {
		{ "metric", required_argument, NULL, O_METRIC },
		{ "unit", required_argument, NULL, O_UNIT },
		{ "at-most", required_argument, NULL, O_AT_MOST },
		{ "at-least", required_argument, NULL, O_AT_LEAST },
		{ "growth", required_argument, NULL, O_GROWTH },
		{ "outcome", required_argument, NULL, O_OUTCOME },
		{ NULL, 0, NULL, 0 },
	};
	struct criterion c = { 0 };
	int ndir = 0, opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		switch (opt) {
		case O_METRIC:
			c.metric = optarg;
			break;
		case O_UNIT:
			c.unit = optarg;
			break;
		case O_AT_MOST:
		case O_AT_LEAST:
			ndir++;
			c.direction = opt == O_AT_MOST ? DIR_AT_MOST
						       : DIR_AT_LEAST;
			r = opt_number(opt == O_AT_MOST ? "--at-most"
							: "--at-least",
				       optarg, &c.required, err);
			if (r < 0)
				return r;
			break;
		case O_GROWTH:
			c.has_growth = true;
			if ((r = opt_number("--growth", optarg, &c.growth_pct,
					    err)) < 0)
				return r;
			break;
		case O_OUTCOME:
			c.outcome = optarg;
			break;
		}
	}
	if (optind != argc - 2)
		return cmd_usage_error(&cmd_criterion_entry, err,
				       "criterion add takes a SLUG and a KEY");
	if (ndir != 1)
		return cmd_usage_error(&cmd_criterion_entry, err,
				       "criterion add needs exactly one of "
				       "--at-most or --at-least");
	c.key = argv[optind + 1];
	if ((r = cli_update_deal(ctx, argv[optind], add_criterion, &c, err)) < 0)
		return r;
	if (!ctx->json)
		printf("added criterion '%s' to deal '%s'\n", c.key,
		       argv[optind]);
	return 0;
}

struct record_args {
	const char *key;
	double value;
	tw_date on;
};

static int
record_measurement(struct deal *d, void *arg, struct tw_error *err)
{
	struct record_args *a = arg;
	struct criterion *c = deal_find_criterion(d, a->key);

	if (!c)
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown criterion '%s' in deal '%s'",
				    a->key, d->slug);
	c->has_measured = true;
	c->measured = a->value;
	c->measured_on = a->on;
	return 0;
}

static void
print_one(const struct criterion *c)
{
	struct criterion_eval ev;

	criterion_evaluate(c, &ev);
	printf("%s: %s", c->key, crit_status_name(ev.status));
	if (ev.has_headroom)
		printf(", headroom %.1f%%", ev.headroom_pct);
	/* A failing result absorbs no growth; say how far it falls short. */
	if (ev.status == CRIT_FAIL && ev.has_growth_capacity)
		printf(", growth capacity %.1f%%", ev.growth_capacity_pct);
	else if (ev.has_growth_capacity)
		printf(", absorbs %.1f%% growth", ev.growth_capacity_pct);
	else if (ev.status == CRIT_PASS)
		printf(", absorbs unbounded growth");
	if (ev.scales == TRI_TRUE)
		printf(" (covers the projected %.15g%%)", c->growth_pct);
	else if (ev.scales == TRI_FALSE)
		printf(" (short of the projected %.15g%%)", c->growth_pct);
	putchar('\n');
}

static int
criterion_record(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	static const struct option opts[] = {
		{ "on", required_argument, NULL, O_ON },
		{ NULL, 0, NULL, 0 },
	};
	struct record_args a = { NULL, 0, ctx->today };
	struct deal d;
	int opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		if ((r = opt_date("--on", optarg, &a.on, err)) < 0)
			return r;
	}
	if (optind != argc - 3)
		return cmd_usage_error(&cmd_criterion_entry, err,
				       "criterion record takes a SLUG, a KEY "
				       "and a VALUE");
	a.key = argv[optind + 1];
	if ((r = opt_number("VALUE", argv[optind + 2], &a.value, err)) < 0)
		return r;
	if ((r = cli_update_deal(ctx, argv[optind], record_measurement, &a,
				 err)) < 0)
		return r;
	if ((r = cli_get_deal(ctx, argv[optind], &d, err)) < 0)
		return r;
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;

		json_emit(criterion_to_json(deal_find_criterion(&d, a.key)),
			  &sb);
		cli_write(&sb);
		strbuf_release(&sb);
	} else {
		print_one(deal_find_criterion(&d, a.key));
	}
	deal_release(&d);
	return 0;
}

static void
fmt_pct(struct table *t, bool has, double v)
{
	if (has)
		table_cellf(t, "%.1f%%", v);
	else
		table_cell(t, NULL);
}

static size_t
criterion_count(const struct deal *d)
{
	return d->ncriteria;
}

static json_t *
criterion_json(const struct deal *d, size_t i, tw_date today,
	       const struct holidays *h)
{
	(void)today;
	(void)h;
	return criterion_to_json(&d->criteria[i]);
}

static void
criterion_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	      const struct holidays *h)
{
	const struct criterion *c = &d->criteria[i];
	const char *unit = c->unit ? c->unit : "";
	const char *sp = *unit ? " " : "";
	struct criterion_eval ev;

	(void)today;
	(void)h;
	criterion_evaluate(c, &ev);
	table_cell(t, c->key);
	table_cell(t, c->metric);
	table_cellf(t, "%s %.15g%s%s",
		    c->direction == DIR_AT_MOST ? "<=" : ">=", c->required,
		    sp, unit);
	if (c->has_measured)
		table_cellf(t, "%.15g%s%s", c->measured, sp, unit);
	else
		table_cell(t, NULL);
	table_cell(t, crit_status_name(ev.status));
	fmt_pct(t, ev.has_headroom, ev.headroom_pct);
	if (ev.status == CRIT_PASS && !ev.has_growth_capacity)
		table_cell(t, "unbounded");
	else
		fmt_pct(t, ev.has_growth_capacity, ev.growth_capacity_pct);
	table_cell(t, ev.scales == TRI_NULL   ? NULL
		      : ev.scales == TRI_TRUE ? "yes"
					      : "no");
}

static int
criterion_list(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	static const char *const header[] = { "KEY", "METRIC", "REQUIRED",
		"MEASURED", "STATUS", "HEADROOM", "GROWTH CAP", "SCALES" };
	static const size_t right[] = { 2, 3, 5, 6, SIZE_MAX };
	static const struct child_list list = {
		header, ARRAY_SIZE(header), right, criterion_count,
		criterion_json, criterion_row,
	};

	return cli_list_children(&cmd_criterion_entry, ctx, argc, argv, &list,
				 err);
}

static const struct subcmd subs[] = {
	{ "add", criterion_add },
	{ "list", criterion_list },
	{ "record", criterion_record },
	{ NULL, NULL },
};

static int
cmd_criterion_exec(struct cli_ctx *ctx, int argc, char **argv,
		   struct tw_error *err)
{
	return subcmd_dispatch(&cmd_criterion_entry, subs, ctx, argc, argv,
			       err);
}

const struct cmd_entry cmd_criterion_entry = {
	.name = "criterion",
	.usage = "criterion add SLUG KEY --metric TEXT (--at-most N | "
		 "--at-least N)\n"
		 "         [--unit UNIT] [--growth PCT] [--outcome TEXT]\n"
		 "criterion record SLUG KEY VALUE [--on DATE]\n"
		 "criterion list SLUG",
	.summary = "POC success criteria: add them, record results, see "
		   "what they prove",
	.help =
	"A criterion is one POC success criterion: a metric with a required\n"
	"value. --at-most means lower is better (time, latency, cost);\n"
	"--at-least means higher is better (throughput, accuracy). --growth\n"
	"is the prospect's projected workload growth in percent; --outcome\n"
	"the business outcome the criterion proves.\n"
	"\n"
	"  record  store a measured value (dated --on, default today) and\n"
	"          print what it means\n"
	"  list    every criterion with its evaluation\n"
	"\n"
	"Status is pending until measured, then pass or fail. Headroom is\n"
	"how far inside the requirement the result is, in percent of the\n"
	"requirement; growth capacity is how much the workload can grow\n"
	"before the requirement breaks, assuming linear scaling. 'scales'\n"
	"says whether that capacity covers the projected growth. A measured\n"
	"0 on an at-most metric passes with unbounded growth capacity\n"
	"(null in JSON).\n",
	.flags = NEED_STORE,
	.exec = cmd_criterion_exec,
};
