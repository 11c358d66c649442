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

enum crit_opt { O_AT_MOST = 1, O_AT_LEAST, O_GROWTH, O_NO_LOAD };

/*
 * --at-most N and --at-least N give the direction and the requirement;
 * --no-load is --scales-with-load false.
 */
static int
crit_option(int opt, const char *arg, struct verb_call *c, void *xarg,
	    struct tw_error *err)
{
	const struct schema_table *tb = c->tb;
	const struct field *dir = schema_field(tb, "direction", false);
	const struct field *req = schema_field(tb, "required", false);

	(void)xarg;
	if (opt == O_GROWTH)
		return verb_give_text(c, schema_field(tb, "growth_pct", false),
				      "--growth", arg, err);
	if (opt == O_NO_LOAD)
		return verb_give_text(c, schema_field(tb, "scales_with_load",
						      false),
				      "--no-load", "false", err);
	if (verb_given(c, dir))
		return tw_error_set(err, TW_EUSAGE, "%s needs exactly one of "
				    "--at-most or --at-least",
				    verb_name(c->verb, tb));
	((struct criterion *)c->vals)->direction =
		opt == O_AT_MOST ? DIR_AT_MOST : DIR_AT_LEAST;
	verb_give(c, dir);
	return verb_give_text(c, req, opt == O_AT_MOST ? "--at-most"
						       : "--at-least", arg,
			      err);
}

static int
crit_check(struct verb_call *c, struct tw_error *err)
{
	if (!verb_given(c, schema_field(c->tb, "direction", false)))
		return tw_error_set(err, TW_EUSAGE, "criterion add needs "
				    "exactly one of --at-most or --at-least");
	return 0;
}

static const struct option crit_opts[] = {
	{ "at-most", required_argument, NULL, O_AT_MOST },
	{ "at-least", required_argument, NULL, O_AT_LEAST },
	{ "growth", required_argument, NULL, O_GROWTH },
	{ "no-load", no_argument, NULL, O_NO_LOAD },
	{ NULL, 0, NULL, 0 },
};
static const struct cli_extra crit_extra = { crit_opts, crit_option, NULL };

static const struct cli_child_verb verbs[] = {
	{ "add", V_ADD, T_CRITERION, "criterion add takes a SLUG and a KEY",
	  "KEY", &crit_extra, crit_check },
	{ "set", V_SET, T_CRITERION, "criterion set takes a SLUG and a KEY",
	  "KEY", &crit_extra, NULL },
	{ "rm", V_REMOVE, T_CRITERION, "criterion rm takes a SLUG and a KEY",
	  "KEY", NULL, NULL },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL },
};

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
	else if (ev.unbounded)
		printf(", absorbs unbounded growth");
	else if (!c->scales_with_load)
		printf(", does not scale with load");
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
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, V_RECORD, NULL);
	if ((r = cli_verb_options(argc, argv, &run.c, &cli_on_option,
				  err)) < 0)
		goto out;
	if (optind != argc - 3) {
		r = cmd_usage_error(&cmd_criterion_entry, err,
				    "criterion record takes a SLUG, a KEY "
				    "and a VALUE");
		goto out;
	}
	run.c.key = argv[optind + 1];
	if ((r = opt_number("VALUE", argv[optind + 2], &run.c.value,
			    err)) < 0 ||
	    (r = cli_run_verb(ctx, &run, argv[optind], err)) < 0)
		goto out;
	if (ctx->json)
		json_emit(child_to_json(T_CRITERION, &run.dc.deal,
					run.res.index, run.dc.today,
					&run.dc.hol), &run.out);
	else
		print_one(&run.dc.deal.criteria[run.res.index]);
out:
	return cli_run_finish(&run, r);
}

static void
fmt_pct(struct table *t, bool has, double v)
{
	if (has)
		table_cellf(t, "%.1f%%", v);
	else
		table_cell(t, NULL);
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
	if (ev.unbounded)
		table_cell(t, "unbounded");
	else
		fmt_pct(t, ev.has_growth_capacity, ev.growth_capacity_pct);
	table_cell(t, ev.scales == TRI_NULL   ? NULL
		      : ev.scales == TRI_TRUE ? "yes"
					      : "no");
}

static const char *const criterion_header[] = { "KEY", "METRIC",
	"REQUIRED", "MEASURED", "STATUS", "HEADROOM", "GROWTH CAP", "SCALES" };
static const size_t criterion_right[] = { 2, 3, 5, 6, SIZE_MAX };
static const struct child_list criterion_list = {
	criterion_header, ARRAY_SIZE(criterion_header), criterion_right,
	T_CRITERION, criterion_row,
};

static const struct subcmd subs[] = {
	{ "record", criterion_record, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_criterion_entry = {
	.name = "criterion", .flags = NEED_STORE,
	.verbs = verbs, .list = &criterion_list, .subs = subs,
};
