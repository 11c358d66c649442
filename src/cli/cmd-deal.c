/*
 * techwin deal: add, list, show, set, close and remove deals.
 */
#include "cli/cli.h"
#include "core/criterion.h"
#include "core/risk.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum deal_opt {
	O_ACCOUNT = 256, O_VALUE, O_CURRENCY, O_AE, O_SE, O_CHAMPION,
	O_CHAMPION_EMAIL, O_STAGE, O_PROCUREMENT, O_POC_START, O_POC_END,
	O_WON, O_LOST, O_DATE,
};

#define DEAL_FIELD_OPTIONS                                                   \
	{ "account", required_argument, NULL, O_ACCOUNT },                   \
	{ "value", required_argument, NULL, O_VALUE },                       \
	{ "currency", required_argument, NULL, O_CURRENCY },                 \
	{ "ae", required_argument, NULL, O_AE },                             \
	{ "se", required_argument, NULL, O_SE },                             \
	{ "champion", required_argument, NULL, O_CHAMPION },                 \
	{ "champion-email", required_argument, NULL, O_CHAMPION_EMAIL },     \
	{ "stage", required_argument, NULL, O_STAGE },                       \
	{ "procurement-days", required_argument, NULL, O_PROCUREMENT },      \
	{ "poc-start", required_argument, NULL, O_POC_START },               \
	{ "poc-end", required_argument, NULL, O_POC_END }

static const struct option field_options[] = {
	DEAL_FIELD_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* Apply one field option to d; an empty value clears an optional field. */
static int
apply_field(struct deal *d, int opt, const char *v, struct tw_error *err)
{
	bool clear = !*v;

	switch (opt) {
	case O_ACCOUNT:
		xstrset(&d->account, v);
		return 0;
	case O_VALUE:
		d->has_value = !clear;
		return clear ? 0 : opt_number("--value", v, &d->value, err);
	case O_CURRENCY:
		xstrset(&d->currency, clear ? NULL : v);
		return 0;
	case O_AE:
		xstrset(&d->ae, clear ? NULL : v);
		return 0;
	case O_SE:
		xstrset(&d->se, clear ? NULL : v);
		return 0;
	case O_CHAMPION:
		xstrset(&d->champion, clear ? NULL : v);
		return 0;
	case O_CHAMPION_EMAIL:
		xstrset(&d->champion_email, clear ? NULL : v);
		return 0;
	case O_STAGE:
		xstrset(&d->stage, clear ? NULL : v);
		return 0;
	case O_PROCUREMENT:
		d->has_procurement_days = !clear;
		return clear ? 0
			     : opt_int("--procurement-days", v,
				       &d->procurement_days, err);
	case O_POC_START:
		d->poc_start = DATE_NONE;
		return clear ? 0 : opt_date("--poc-start", v, &d->poc_start, err);
	case O_POC_END:
		d->poc_end = DATE_NONE;
		return clear ? 0 : opt_date("--poc-end", v, &d->poc_end, err);
	}
	return tw_error_set(err, TW_EUSAGE, "unexpected option");
}

/* Collect field options from argv into d; leaves positionals at optind. */
static int
parse_fields(int argc, char **argv, struct deal *d, struct tw_error *err)
{
	int c, r;

	optind = 0;
	while ((c = cli_getopt(argc, argv, field_options, err)) != -1) {
		if (c < 0)
			return c;
		if ((r = apply_field(d, c, optarg, err)) < 0)
			return r;
	}
	return 0;
}

static int
deal_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct deal d;
	int r;

	deal_init(&d);
	if ((r = parse_fields(argc, argv, &d, err)) < 0)
		goto out;
	if (optind != argc - 1) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal add takes exactly one SLUG");
		goto out;
	}
	d.slug = xstrdup(argv[optind]);
	if (!d.account) {
		r = cmd_usage_error(&cmd_deal_entry, err,
				    "deal add needs --account NAME");
		goto out;
	}
	if (!d.stage)
		d.stage = xstrdup("poc");
	if ((r = store_create_deal(ctx->st, &d, NULL, err)) < 0)
		goto out;
	if (!ctx->json)
		printf("added deal '%s'\n", d.slug);
	else {
		struct strbuf sb = STRBUF_INIT;

		json_emit(deal_to_json(&d), &sb);
		cli_write(&sb);
		strbuf_release(&sb);
	}
out:
	deal_release(&d);
	return r;
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

static int
deal_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "SLUG", "ACCOUNT", "STAGE",
		"VALUE", "SE", "AE", "OUTCOME" };
	struct deal_list list = { 0 };
	struct strbuf sb = STRBUF_INIT;
	int r;

	if ((r = cli_no_options(&cmd_deal_entry, argc, argv, err)) < 0)
		return r;
	if (argc > 1)
		return cmd_usage_error(&cmd_deal_entry, err,
				       "deal list takes no arguments");
	if ((r = store_deal_list(ctx->st, &list, err)) < 0)
		return r;
	if (ctx->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < list.n; i++)
			json_array_append_new(a, deal_to_json(&list.items[i]));
		json_emit(a, &sb);
	} else {
		struct table t;

		table_init(&t, ARRAY_SIZE(header), header);
		table_right(&t, 3);
		for (size_t i = 0; i < list.n; i++) {
			const struct deal *d = &list.items[i];
			struct strbuf money = STRBUF_INIT;

			format_money(&money, d);
			table_cell(&t, d->slug);
			table_cell(&t, d->account);
			table_cell(&t, d->stage);
			table_cell(&t, money.buf);
			table_cell(&t, d->se);
			table_cell(&t, d->ae);
			table_cell(&t, outcome_name(d->outcome));
			strbuf_release(&money);
		}
		table_render(&t, &sb);
		table_release(&t);
	}
	cli_write(&sb);
	strbuf_release(&sb);
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
	struct workspace ws;
	tw_date *buf = NULL;
	struct holidays h;
	struct deal d;
	int r;

	if ((r = cli_no_options(&cmd_deal_entry, argc, argv, err)) < 0)
		return r;
	if (argc != 2)
		return cmd_usage_error(&cmd_deal_entry, err,
				       "deal show takes exactly one SLUG");
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if ((r = cli_get_deal(ctx, argv[1], &d, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	h = workspace_holidays(&ws, &d, &buf);
	if (ctx->json)
		json_emit(deal_full_to_json(&d, ctx->today, &h), &sb);
	else
		show_human(&d, ctx->today, &h, &sb);
	cli_write(&sb);
	strbuf_release(&sb);
	free(buf);
	workspace_release(&ws);
	deal_release(&d);
	return 0;
}

struct set_args {
	int argc;
	char **argv;
};

static int
set_fields(struct deal *d, void *arg, struct tw_error *err)
{
	struct set_args *a = arg;

	return parse_fields(a->argc, a->argv, d, err);
}

static int
deal_set(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct set_args a = { argc, argv };
	const char *slug = NULL;
	int r, nfields = 0;

	/* Find the slug and count options before touching the store. */
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--", 2)) {
			nfields++;
			if (!strchr(argv[i], '='))
				i++;
		} else if (!slug) {
			slug = argv[i];
		} else {
			return cmd_usage_error(&cmd_deal_entry, err,
					       "unexpected argument '%s'",
					       argv[i]);
		}
	}
	if (!slug || !nfields)
		return cmd_usage_error(&cmd_deal_entry, err,
				       "deal set needs a SLUG and at least one "
				       "--field VALUE");
	if ((r = cli_update_deal(ctx, slug, set_fields, &a, err)) < 0)
		return r;
	if (!ctx->json)
		printf("updated deal '%s'\n", slug);
	return 0;
}

struct close_args {
	enum outcome outcome;
	tw_date date;
};

static int
close_deal(struct deal *d, void *arg, struct tw_error *err)
{
	struct close_args *a = arg;

	(void)err;
	d->outcome = a->outcome;
	d->close_date = a->date;
	return 0;
}

static int
deal_close(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "won", no_argument, NULL, O_WON },
		{ "lost", no_argument, NULL, O_LOST },
		{ "date", required_argument, NULL, O_DATE },
		{ NULL, 0, NULL, 0 },
	};
	struct close_args a = { OUTCOME_OPEN, ctx->today };
	int c, r;

	optind = 0;
	while ((c = cli_getopt(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		if (c == O_WON)
			a.outcome = OUTCOME_WON;
		else if (c == O_LOST)
			a.outcome = OUTCOME_LOST;
		else if ((r = opt_date("--date", optarg, &a.date, err)) < 0)
			return r;
	}
	if (optind != argc - 1 || a.outcome == OUTCOME_OPEN)
		return cmd_usage_error(&cmd_deal_entry, err,
				       "deal close needs a SLUG and --won or "
				       "--lost");
	if ((r = cli_update_deal(ctx, argv[optind], close_deal, &a, err)) < 0)
		return r;
	if (!ctx->json)
		printf("closed deal '%s' as %s\n", argv[optind],
		       outcome_name(a.outcome));
	return 0;
}

static int
deal_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	int r;

	if ((r = cli_no_options(&cmd_deal_entry, argc, argv, err)) < 0)
		return r;
	if (argc != 2)
		return cmd_usage_error(&cmd_deal_entry, err,
				       "deal rm takes exactly one SLUG");
	if ((r = store_deal_delete(ctx->st, argv[1], err)) < 0)
		return r;
	if (!ctx->json)
		printf("removed deal '%s'\n", argv[1]);
	return 0;
}

static const struct subcmd subs[] = {
	{ "add", deal_add },
	{ "close", deal_close },
	{ "list", deal_list },
	{ "rm", deal_rm },
	{ "set", deal_set },
	{ "show", deal_show },
	{ NULL, NULL },
};

static int
cmd_deal_exec(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	return subcmd_dispatch(&cmd_deal_entry, subs, ctx, argc, argv, err);
}

const struct cmd_entry cmd_deal_entry = {
	.name = "deal",
	.usage = "deal add SLUG --account NAME [--value N] [--currency CUR] "
		 "[--ae NAME]\n"
		 "         [--se NAME] [--champion NAME] [--champion-email "
		 "ADDR] [--stage STAGE]\n"
		 "         [--procurement-days N] [--poc-start DATE] "
		 "[--poc-end DATE]\n"
		 "deal list\n"
		 "deal show SLUG\n"
		 "deal set SLUG --FIELD VALUE...\n"
		 "deal close SLUG --won|--lost [--date DATE]\n"
		 "deal rm SLUG",
	.summary = "add, list, show, change, close and remove deals",
	.help =
	"A deal is one opportunity: the account, its champion, the AE and SE,\n"
	"its value, the prospect's procurement lead time and the POC window.\n"
	"\n"
	"  add     create a deal; SLUG is [a-z0-9-], up to 64 characters, and\n"
	"          --account is required; the stage defaults to 'poc'\n"
	"  list    every deal, sorted by slug\n"
	"  show    one deal with a count of its criteria, events, risks and\n"
	"          phases (--json: the deal with every child list)\n"
	"  set     change fields, with the same options as add; an empty\n"
	"          value ('--se=') clears an optional field\n"
	"  close   record the outcome and close date (default: today)\n"
	"  rm      remove a deal and everything that belongs to it\n"
	"\n"
	"Dates are YYYY-MM-DD; --value is a plain number; --currency an ISO\n"
	"4217 code such as USD or EUR; --procurement-days counts business\n"
	"days. Every change is recorded in the history (techwin history).\n",
	.flags = NEED_STORE,
	.exec = cmd_deal_exec,
};
