/*
 * techwin deal: add, list, show, set, close and remove deals.
 */
#include "cli/cli.h"
#include "cli/holidays.h"
#include "core/criterion.h"
#include "core/risk.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum deal_opt { O_WON = 1, O_LOST, O_DATE };

static int
deal_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, V_DEAL_CREATE, &schema_deal);
	if ((r = cli_verb_options(argc, argv, &run.c, NULL, err)) < 0)
		goto out;
	if (optind != argc - 1) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal add takes exactly one SLUG");
		goto out;
	}
	if (!verb_given(&run.c,
			schema_field(&schema_deal, "account", false))) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal add needs --account NAME");
		goto out;
	}
	run.c.key = argv[optind];
	if ((r = cli_run_verb(ctx, &run, NULL, err)) < 0)
		goto out;
	if (!ctx->json)
		printf("added deal '%s'\n", run.dc.deal.slug);
	else
		json_emit(deal_to_json(&run.dc.deal), &run.out);
out:
	return cli_run_finish(&run, r);
}

static void
format_money(struct strbuf *sb, const struct deal *d)
{
	if (!d->has_value) {
		strbuf_addstr(sb, "-");
		return;
	}
	strbuf_addf(sb, "%.15g", d->value);
	if (d->currency)
		strbuf_addf(sb, " %s", d->currency);
}

static json_t *
deal_json(const struct cli_ctx *ctx, const void *arg, size_t i)
{
	const struct deal_list *list = arg;

	(void)ctx;
	return deal_to_json(&list->items[i]);
}

static void
deal_row(struct table *t, const struct cli_ctx *ctx, const void *arg,
	 size_t i)
{
	const struct deal_list *list = arg;
	const struct deal *d = &list->items[i];
	struct strbuf money = STRBUF_INIT;

	(void)ctx;
	format_money(&money, d);
	table_cell(t, d->slug);
	table_cell(t, d->account);
	table_cell(t, d->stage);
	table_cell(t, money.buf);
	table_cell(t, d->se);
	table_cell(t, d->ae);
	table_cell(t, outcome_name(d->outcome));
	strbuf_release(&money);
}

static int
deal_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "SLUG", "ACCOUNT", "STAGE",
		"VALUE", "SE", "AE", "OUTCOME" };
	static const size_t right[] = { 3, SIZE_MAX };
	static const struct cli_list view = { header, ARRAY_SIZE(header),
					      right, deal_json, deal_row };
	struct deal_list list = { 0 };
	int r;

	(void)argc, (void)argv;
	if ((r = store_deal_list(ctx->st, &list, err)) < 0)
		return r;
	cli_print_list(ctx, &view, &list, list.n);
	deal_list_release(&list);
	return 0;
}

static void
show_human(const struct deal *d, tw_date today, const struct holidays *hol,
	   struct strbuf *sb)
{
	char b1[DATE_BUFSZ], b2[DATE_BUFSZ];
	size_t npass = 0, nfail = 0, npending = 0, nrisk = 0;

	strbuf_addf(sb, "deal %s: %s\n", d->slug, d->account);
	strbuf_addf(sb, "  stage:       %s\n", d->stage ? d->stage : "-");
	strbuf_addstr(sb, "  value:       ");
	format_money(sb, d);
	strbuf_addf(sb, "\n  ae / se:     %s / %s\n", d->ae ? d->ae : "-",
		    d->se ? d->se : "-");
	strbuf_addf(sb, "  champion:    %s", d->champion ? d->champion : "-");
	if (d->champion_email)
		strbuf_addf(sb, " <%s>", d->champion_email);
	strbuf_addch(sb, '\n');
	if (d->poc_start || d->poc_end)
		strbuf_addf(sb, "  poc:         %s .. %s\n",
			    d->poc_start ? date_format(d->poc_start, b1) : "?",
			    d->poc_end ? date_format(d->poc_end, b2) : "?");
	if (d->has_procurement_days)
		strbuf_addf(sb, "  procurement: %d business days\n",
			    d->procurement_days);
	strbuf_addf(sb, "  outcome:     %s", outcome_name(d->outcome));
	if (d->close_date)
		strbuf_addf(sb, " (%s)", date_format(d->close_date, b1));
	strbuf_addch(sb, '\n');
	if (d->snooze_until && d->snooze_until >= today)
		strbuf_addf(sb, "  snoozed:     through %s (%s)\n",
			    date_format(d->snooze_until, b1),
			    d->snooze_reason ? d->snooze_reason : "no reason");
	if (d->crm_id)
		strbuf_addf(sb, "  crm:         %s %s\n",
			    d->crm_source ? d->crm_source : "?", d->crm_id);

	for (size_t i = 0; i < d->ncriteria; i++) {
		struct criterion_eval ev;

		criterion_evaluate(&d->criteria[i], &ev);
		npass += ev.status == CRIT_PASS;
		nfail += ev.status == CRIT_FAIL;
		npending += ev.status == CRIT_PENDING;
	}
	for (size_t i = 0; i < d->nrisks; i++) {
		struct risk_eval ev;

		risk_evaluate(&d->risks[i], today, hol, &ev);
		nrisk += ev.at_risk;
	}
	strbuf_addf(sb, "  criteria:    %zu (%zu pass, %zu fail, %zu pending)\n",
		    d->ncriteria, npass, nfail, npending);
	strbuf_addf(sb, "  events:      %zu\n", d->nevents);
	strbuf_addf(sb, "  risks:       %zu (%zu at risk)\n", d->nrisks, nrisk);
	strbuf_addf(sb, "  phases:      %zu\n", d->nphases);
}

static int
deal_show(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	struct deal_ctx dc;
	int r;

	(void)argc;
	if ((r = cli_load_ctx(ctx, argv[1], &dc, err)) < 0)
		return r;
	if (ctx->json)
		json_emit(deal_full_to_json(&dc.deal, ctx->today, &dc.hol),
			  &sb);
	else
		show_human(&dc.deal, ctx->today, &dc.hol, &sb);
	cli_write(&sb);
	strbuf_release(&sb);
	deal_ctx_release(&dc);
	return 0;
}

static int
deal_set(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, V_DEAL_SET, &schema_deal);
	if ((r = cli_verb_options(argc, argv, &run.c, NULL, err)) < 0)
		goto out;
	if (optind != argc - 1 || !run.c.given) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal set needs a SLUG and at least one "
				    "--field VALUE");
		goto out;
	}
	if ((r = cli_run_verb(ctx, &run, argv[optind], err)) < 0)
		goto out;
	if (!ctx->json)
		printf("updated deal '%s'\n", argv[optind]);
out:
	return cli_run_finish(&run, r);
}

static int
close_option(int opt, const char *arg, struct verb_call *c, void *xarg,
	     struct tw_error *err)
{
	(void)xarg;
	if (opt == O_DATE)
		return opt_date("--date", arg, &c->on, err);
	c->outcome = opt == O_WON ? OUTCOME_WON : OUTCOME_LOST;
	return 0;
}

/* deal close SLUG --won|--lost [--date D], deal reopen SLUG, deal rm SLUG */
static int
deal_state(struct cli_ctx *ctx, int argc, char **argv, enum verb v,
	   struct tw_error *err)
{
	static const struct option opts[] = {
		{ "won", no_argument, NULL, O_WON },
		{ "lost", no_argument, NULL, O_LOST },
		{ "date", required_argument, NULL, O_DATE },
		{ NULL, 0, NULL, 0 },
	};
	static const struct cli_extra x = { opts, close_option, NULL };
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, v, NULL);
	if (v == V_DEAL_CLOSE)
		r = cli_verb_options(argc, argv, &run.c, &x, err);
	else if ((r = cli_no_options(&cmd_deal_entry, argc, argv, err)) == 0)
		optind = 1;
	if (r < 0)
		goto out;
	if (optind != argc - 1 ||
	    (v == V_DEAL_CLOSE && run.c.outcome == OUTCOME_OPEN)) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    v == V_DEAL_CLOSE
					    ? "deal close needs a SLUG and "
					      "--won or --lost"
					    : "%s takes exactly one SLUG",
				    verb_name(v, NULL));
		goto out;
	}
	if ((r = cli_run_verb(ctx, &run, argv[optind], err)) < 0 || ctx->json)
		goto out;
	if (v == V_DEAL_CLOSE)
		printf("closed deal '%s' as %s\n", argv[optind],
		       outcome_name(run.c.outcome));
	else
		printf("%s deal '%s'\n", v == V_DEAL_REOPEN ? "reopened"
							    : "removed",
		       argv[optind]);
out:
	return cli_run_finish(&run, r);
}

static int
deal_close(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	return deal_state(ctx, argc, argv, V_DEAL_CLOSE, err);
}

static int
deal_reopen(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	return deal_state(ctx, argc, argv, V_DEAL_REOPEN, err);
}

static int
deal_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	return deal_state(ctx, argc, argv, V_DEAL_REMOVE, err);
}

/* deal rename OLD NEW: the same deal, its history and links kept. */
static int
deal_rename(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, V_DEAL_RENAME, NULL);
	if ((r = cli_no_options(&cmd_deal_entry, argc, argv, err)) == 0 &&
	    argc != 3)
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal rename takes OLD and NEW slugs");
	if (r < 0)
		goto out;
	run.c.key = argv[2];
	if ((r = cli_run_verb(ctx, &run, argv[1], err)) == 0 && !ctx->json)
		printf("renamed deal '%s' to '%s'\n", argv[1], argv[2]);
out:
	return cli_run_finish(&run, r);
}

static const struct subcmd subs[] = {
	{ "add", deal_add, 0, NULL },
	{ "close", deal_close, 0, NULL },
	{ "holidays", cli_deal_holidays, 0, NULL },
	{ "list", deal_list, 0, "deal list takes no arguments" },
	{ "rename", deal_rename, 0, NULL },
	{ "reopen", deal_reopen, 0, NULL },
	{ "rm", deal_rm, 0, NULL },
	{ "set", deal_set, 0, NULL },
	{ "show", deal_show, 1, "deal show takes exactly one SLUG" },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_deal_entry = {
	.name = "deal", .flags = NEED_STORE,
	.subs = subs,
};
