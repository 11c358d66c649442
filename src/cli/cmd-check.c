/*
 * techwin check [SLUG...]: the momentum check over the pipeline (every open
 * deal, or the ones named). Findings most severe first, then each technical
 * win's freshness; exit 1 when an error is found that is not snoozed, so the
 * check can run from cron or CI.
 */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "core/momentum.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* One deal's report, kept with the deal it is about. */
struct checked {
	struct deal deal;
	struct momentum_report report;
};

/* A finding in the pipeline-wide order. */
struct row {
	const struct checked *c;
	const struct finding *f;
	size_t index;		/* in its deal's report, in the core order */
};

/* Errors, warnings, then what is snoozed (errors first there too). */
static int
rank(const struct finding *f)
{
	return (f->snoozed ? 2 : 0) + (f->severity == SEV_WARNING);
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	if (rank(x->f) != rank(y->f))
		return rank(x->f) < rank(y->f) ? -1 : 1;
	if ((c = strcmp(x->c->deal.slug, y->c->deal.slug)))
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static json_t *
to_json(const struct checked *deals, size_t n, const struct row *rows,
	size_t nrows)
{
	json_t *o = json_object(), *fa = json_array(), *sa = json_array();

	for (size_t i = 0; i < nrows; i++) {
		const struct finding *f = rows[i].f;
		json_t *j = json_object();

		json_object_set_new(j, "deal",
				    json_string(rows[i].c->deal.slug));
		json_object_set_new(j, "rule", json_string(f->rule));
		json_object_set_new(j, "severity",
				    json_string(severity_name(f->severity)));
		json_object_set_new(j, "snoozed", json_boolean(f->snoozed));
		json_object_set_new(j, "subject", json_string(f->subject));
		json_object_set_new(j, "message", json_string(f->message));
		json_object_set_new(j, "date", json_date(f->date));
		json_array_append_new(fa, j);
	}
	for (size_t i = 0; i < n; i++) {
		json_t *j;

		if (!deals[i].report.has_freshness)
			continue;
		j = json_object();
		json_object_set_new(j, "deal", json_string(deals[i].deal.slug));
		json_object_set_new(j, "score",
				    json_num(deals[i].report.freshness));
		json_array_append_new(sa, j);
	}
	json_object_set_new(o, "findings", fa);
	json_object_set_new(o, "freshness", sa);
	return o;
}

static void
to_text(const struct checked *deals, size_t n, const struct row *rows,
	size_t nrows, struct strbuf *sb)
{
	static const char *const fhead[] = { "SEVERITY", "DEAL", "RULE",
		"SUBJECT", "MESSAGE" };
	static const char *const shead[] = { "DEAL", "TECHNICAL WIN",
		"FRESHNESS" };
	size_t nerr = 0, nwarn = 0, nsnoozed = 0, nfresh = 0;
	char b[DATE_BUFSZ];
	struct table t;

	table_init(&t, ARRAY_SIZE(fhead), fhead);
	for (size_t i = 0; i < nrows; i++) {
		const struct finding *f = rows[i].f;
		const struct deal *d = &rows[i].c->deal;

		table_cell(&t, f->snoozed ? "snoozed"
					  : severity_name(f->severity));
		table_cell(&t, d->slug);
		table_cell(&t, f->rule);
		table_cell(&t, f->subject);
		if (f->snoozed)
			table_cellf(&t, "%s [%s, snoozed through %s: %s]",
				    f->message, severity_name(f->severity),
				    date_format(d->snooze_until, b),
				    d->snooze_reason ? d->snooze_reason : "");
		else
			table_cell(&t, f->message);
		if (f->snoozed)
			nsnoozed++;
		else if (f->severity == SEV_ERROR)
			nerr++;
		else
			nwarn++;
	}
	if (nrows)
		table_render(&t, sb);
	table_release(&t);

	table_init(&t, ARRAY_SIZE(shead), shead);
	table_right(&t, 2);
	for (size_t i = 0; i < n; i++) {
		const struct momentum_report *r = &deals[i].report;

		if (!r->has_freshness)
			continue;
		table_cell(&t, deals[i].deal.slug);
		table_cell(&t, date_format(r->technical_win, b));
		table_cellf(&t, "%.1f", r->freshness);
		nfresh++;
	}
	if (nfresh) {
		if (nrows)
			strbuf_addch(sb, '\n');
		table_render(&t, sb);
	}
	table_release(&t);

	if (nrows || nfresh)
		strbuf_addch(sb, '\n');
	strbuf_addf(sb, "%zu deal%s checked: %zu error%s, %zu warning%s, "
		    "%zu snoozed\n",
		    n, n == 1 ? "" : "s", nerr, nerr == 1 ? "" : "s", nwarn,
		    nwarn == 1 ? "" : "s", nsnoozed);
}

/*
 * The deals to check, with their children: the nnames named (each once),
 * or every open deal when none is named.
 */
static int
load_deals(struct cli_ctx *ctx, char **names, size_t nnames,
	   struct checked **out, size_t *n, struct tw_error *err)
{
	struct deal_list all = { 0 };
	size_t want = nnames;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!nnames) {
		if ((r = ctx->st->ops->deal_list(ctx->st, &all, err)) < 0)
			return r;
		want = all.n;
	}
	*out = xcalloc(want ? want : 1, sizeof(**out));
	for (size_t i = 0; i < want && !r; i++) {
		const char *slug = nnames ? names[i] : all.items[i].slug;
		bool skip = !nnames && all.items[i].outcome != OUTCOME_OPEN;

		for (size_t j = 0; j < *n && !skip; j++)
			skip = !strcmp((*out)[j].deal.slug, slug);
		if (skip)
			continue;
		r = cli_get_deal(ctx, slug, &(*out)[*n].deal, err);
		if (!r)
			(*n)++;
	}
	deal_list_release(&all);
	return r;
}

static int
cmd_check_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	static const struct option opts[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	struct workspace ws;
	struct checked *deals;
	struct row *rows = NULL;
	size_t n, nrows = 0, alloc = 0;
	bool failed = false;
	int opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1)
		if (opt < 0)
			return opt;
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if ((r = load_deals(ctx, argv + optind, (size_t)(argc - optind),
			      &deals, &n, err)) < 0)
		goto out;

	for (size_t i = 0; i < n; i++) {
		struct checked *c = &deals[i];
		tw_date *buf;
		struct holidays h = workspace_holidays(&ws, &c->deal, &buf);

		momentum_check(&c->deal, ctx->today, &h, &ws.momentum,
			       &c->report);
		free(buf);
		for (size_t j = 0; j < c->report.n; j++) {
			const struct finding *f = &c->report.findings[j];

			ALLOC_GROW(rows, nrows + 1, alloc);
			rows[nrows++] = (struct row){ c, f, j };
			failed |= f->severity == SEV_ERROR && !f->snoozed;
		}
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_row);
	if (ctx->json)
		json_emit(to_json(deals, n, rows, nrows), &sb);
	else
		to_text(deals, n, rows, nrows, &sb);
	cli_write(&sb);
	r = failed ? 1 : 0;
out:
	for (size_t i = 0; deals && i < n; i++) {
		momentum_report_release(&deals[i].report);
		deal_release(&deals[i].deal);
	}
	free(deals);
	free(rows);
	strbuf_release(&sb);
	workspace_release(&ws);
	return r;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "check [SLUG...]",
	.summary = "momentum check: find where technical wins lose their value",
	.help =
	"Checks every open deal (outcome open), or the deals named, and\n"
	"prints one line per finding, most severe first (errors, warnings,\n"
	"then snoozed findings; by deal within each), then the freshness of\n"
	"each technical win and a count. Exits 1 when any error is found\n"
	"that is not snoozed, else 0; an unknown SLUG is bad input (exit 3).\n"
	"\n"
	"Business days are Monday to Friday minus the deal's holidays and the\n"
	"workspace's (techwin config set holidays ...). max_gap is the\n"
	"setting momentum.max_gap (default 5 business days); \"within N\n"
	"business days after a date\" means on or after it and on or before\n"
	"the date + N business days.\n"
	"\n"
	"Rules (the ids are stable):\n"
	"  no-commercial-followup    error: a technical event was done more\n"
	"      than max_gap business days ago and no commercial event is\n"
	"      dated (done, or planned) within max_gap business days after\n"
	"      it. Exactly max_gap business days later is not yet an error.\n"
	"  late-commercial-followup  warning: the first commercial event\n"
	"      after a done technical event is dated after that window:\n"
	"      it was done late (the gap is closed, late), or, while the\n"
	"      window is still open, it is planned too late. Once the window\n"
	"      has passed with nothing done, it is no-commercial-followup.\n"
	"  stale-technical-win       error: the technical win (every\n"
	"      criterion passed) is more than max_gap business days old and\n"
	"      no commercial event has been done on or after it.\n"
	"  unframed-pass             warning: a passed criterion with no\n"
	"      buying-signal touch (techwin message ... --log) dated within 2\n"
	"      business days after its measurement, once those 2 days have\n"
	"      passed. A touch naming no criterion counts for every pass.\n"
	"  deadline-at-risk          error: a risk whose slack (latest start\n"
	"      - today, calendar days) is negative.\n"
	"  start-soon                warning: a risk whose slack is 0 to 10\n"
	"      days.\n"
	"  failed-criterion          warning: a failing criterion with no\n"
	"      technical event dated after its measurement (a retest, a\n"
	"      tuning session).\n"
	"  poc-overdue               warning: the POC end date has passed\n"
	"      and criteria are still pending.\n"
	"  phase-unjustified         warning: a pricing phase with no\n"
	"      technical justification or no criteria behind it.\n"
	"\n"
	"Freshness, per deal with a technical win: 100 x 0.5^(business days\n"
	"since the win / half_life), half_life being momentum.half_life\n"
	"(default 10): 50 after 10 business days, 25 after 20. It is 100\n"
	"once a commercial event has been done on or after the win.\n"
	"\n"
	"Snoozed deals (techwin snooze) are checked as usual; their findings\n"
	"are shown with severity 'snoozed' and never cause exit 1.\n"
	"\n"
	"With --json: {\"findings\": [{\"deal\", \"rule\", \"severity\",\n"
	"\"snoozed\", \"subject\", \"message\", \"date\"}], \"freshness\":\n"
	"[{\"deal\", \"score\"}]}. \"severity\" is always \"error\" or\n"
	"\"warning\"; a snoozed finding keeps it and has \"snoozed\": true.\n"
	"\"date\" is the date the finding is about (null for a phase).\n",
	.flags = NEED_STORE,
	.exec = cmd_check_exec,
};
