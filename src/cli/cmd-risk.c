/*
 * techwin risk: the risk register and its back-schedule (latest safe start),
 * down to the commercial deadline (sign by, review by).
 */
#include "cli/cli.h"
#include "core/risk.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>

static const struct cli_child_verb verbs[] = {
	{ "add", V_ADD, T_RISK,
	  "risk add takes a SLUG, a KEY, --title, --deadline and --duration",
	  "KEY", NULL, NULL },
	{ "set", V_SET, T_RISK, "risk set takes a SLUG and a KEY", "KEY", NULL,
	  NULL },
	{ "rm", V_REMOVE, T_RISK, "risk rm takes a SLUG and a KEY", "KEY", NULL,
	  NULL },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL },
};

static void
risk_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	 const struct holidays *h)
{
	const struct risk *rk = &d->risks[i];
	char b[DATE_BUFSZ], db[DURATION_BUFSZ];
	struct risk_eval ev;

	risk_evaluate_deal(d, rk, today, h, &ev);
	table_cell(t, rk->key);
	table_cell(t, rk->title);
	table_cell(t, date_format(rk->deadline, b));
	table_cell(t, duration_format(&rk->buffer, db));
	table_cell(t, duration_format(&rk->duration, db));
	table_cell(t, date_format(ev.go_live_by, b));
	table_cell(t, date_format(ev.latest_start, b));
	table_cellf(t, "%dd", ev.slack_days);
	table_cell(t, ev.at_risk ? "yes" : "no");
	table_cell(t, date_format(ev.sign_by, b));
	table_cell(t, date_format(ev.review_by, b));
}

static const char *const risk_header[] = { "KEY", "TITLE", "DEADLINE",
	"BUFFER", "DURATION", "GO-LIVE BY", "LATEST START", "SLACK",
	"AT RISK", "SIGN BY", "REVIEW BY" };
static const size_t risk_right[] = { 7, SIZE_MAX };
static const struct child_list risk_list = {
	risk_header, ARRAY_SIZE(risk_header), risk_right, T_RISK,
	risk_row,
};

const struct cmd_entry cmd_risk_entry = {
	.name = "risk", .flags = NEED_STORE,
	.verbs = verbs, .list = &risk_list,
};
