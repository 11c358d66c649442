/*
 * techwin check [SLUG...]: the momentum check over the pipeline (every open
 * deal, or the ones named). Findings most severe first, then each technical
 * win's freshness; exit 1 when an error is found that is not snoozed, so the
 * check can run from cron or CI.
 */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "core/momentum.h"
#include "core/pipeline.h"
#include "formats/json.h"
#include "store/deals.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
to_text(const struct pipeline_check *pc, struct strbuf *sb)
{
	static const char *const fhead[] = { "SEVERITY", "DEAL", "RULE",
		"SUBJECT", "MESSAGE" };
	static const char *const shead[] = { "DEAL", "TECHNICAL WIN",
		"FRESHNESS" };
	size_t nerr = 0, nwarn = 0, nsnoozed = 0, nfresh = 0;
	char b[DATE_BUFSZ];
	struct table t;

	table_init(&t, ARRAY_SIZE(fhead), fhead);
	for (size_t i = 0; i < pc->nfindings; i++) {
		const struct finding *f = pc->findings[i].f;
		const struct deal *d = pc->findings[i].deal;

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
	if (pc->nfindings)
		table_render(&t, sb);
	table_release(&t);

	table_init(&t, ARRAY_SIZE(shead), shead);
	table_right(&t, 2);
	for (size_t i = 0; i < pc->n; i++) {
		const struct momentum_report *r = &pc->deals[i].report;

		if (!r->has_freshness)
			continue;
		table_cell(&t, pc->deals[i].deal->slug);
		table_cell(&t, date_format(r->technical_win, b));
		table_cellf(&t, "%.1f", r->freshness);
		nfresh++;
	}
	if (nfresh) {
		if (pc->nfindings)
			strbuf_addch(sb, '\n');
		table_render(&t, sb);
	}
	table_release(&t);

	if (pc->nfindings || nfresh)
		strbuf_addch(sb, '\n');
	strbuf_addf(sb, "%zu deal%s checked: %zu error%s, %zu warning%s, "
		    "%zu snoozed\n",
		    pc->n, pc->n == 1 ? "" : "s", nerr, nerr == 1 ? "" : "s",
		    nwarn, nwarn == 1 ? "" : "s", nsnoozed);
}

/* ---- the whole pipeline, one deal at a time ----------------------------- */

/*
 * The text view over every open deal without holding the pipeline in
 * memory: 100k deals with their children take about a gigabyte, a check
 * may take 128 MiB (BENCHMARKS.md). Each deal is checked as the store
 * reads it and only its findings' rows are kept. Deals come sorted by
 * slug, so appending each rank's rows (errors, warnings, snoozed errors,
 * snoozed warnings) to its own spool is the pipeline's order without a
 * sort. Rows go to temporary files, not memory: a pipeline whose deals
 * have five findings each makes a hundred megabytes of them. The output
 * is the same as to_text()'s, byte for byte.
 */
#define NRANKS 4
#define NFCOLS 5
#define NSCOLS 3

struct check_spool {
	struct workspace *ws;
	tw_date today;
	FILE *rank[NRANKS];	/* rows: NFCOLS cells, each NUL-terminated */
	FILE *fresh;		/* rows: NSCOLS cells */
	size_t fwidth[NFCOLS], swidth[NSCOLS];
	size_t ndeals, nfindings, nfresh, nerr, nwarn, nsnoozed;
	bool failed;
	struct strbuf cell;
};

static const char *const fhead[NFCOLS] = { "SEVERITY", "DEAL", "RULE",
					   "SUBJECT", "MESSAGE" };
static const char *const shead[NSCOLS] = { "DEAL", "TECHNICAL WIN",
					   "FRESHNESS" };

/* Display width: UTF-8 code points, as table_render counts them. */
static size_t
cell_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static FILE *
spool_file(FILE **fp, struct tw_error *err)
{
	if (!*fp && !(*fp = tmpfile()))
		tw_error_set(err, TW_ESTORE,
			     "cannot create a temporary file: %s",
			     strerror(errno));
	return *fp;
}

static void
spool_cell(FILE *fp, size_t *width, const char *s)
{
	size_t w = cell_width(s);

	if (w > *width)
		*width = w;
	fwrite(s, 1, strlen(s) + 1, fp);
}

static int
spool_deal(const struct deal *d, void *arg, struct tw_error *err)
{
	struct check_spool *sp = arg;
	struct momentum_report r;
	struct holidays h;
	char b[DATE_BUFSZ];
	tw_date *buf;
	int rc = 0;

	h = workspace_holidays(sp->ws, d, &buf);
	momentum_check(d, sp->today, &h, &sp->ws->momentum, &r);
	free(buf);
	sp->ndeals++;
	for (size_t i = 0; i < r.n && rc == 0; i++) {
		const struct finding *f = &r.findings[i];
		int rank = (f->snoozed ? 2 : 0) + (f->severity == SEV_WARNING);
		FILE *fp = spool_file(&sp->rank[rank], err);

		if (!fp) {
			rc = TW_ESTORE;
			break;
		}
		strbuf_reset(&sp->cell);
		if (f->snoozed)
			strbuf_addf(&sp->cell, "%s [%s, snoozed through %s: %s]",
				    f->message, severity_name(f->severity),
				    date_format(d->snooze_until, b),
				    d->snooze_reason ? d->snooze_reason : "");
		else
			strbuf_addstr(&sp->cell, f->message);
		spool_cell(fp, &sp->fwidth[0], f->snoozed ? "snoozed"
				   : severity_name(f->severity));
		spool_cell(fp, &sp->fwidth[1], d->slug);
		spool_cell(fp, &sp->fwidth[2], f->rule);
		spool_cell(fp, &sp->fwidth[3], f->subject);
		spool_cell(fp, &sp->fwidth[4], sp->cell.buf);
		sp->nfindings++;
		if (f->snoozed)
			sp->nsnoozed++;
		else if (f->severity == SEV_ERROR)
			sp->nerr++;
		else
			sp->nwarn++;
		sp->failed |= f->severity == SEV_ERROR && !f->snoozed;
	}
	if (rc == 0 && r.has_freshness) {
		FILE *fp = spool_file(&sp->fresh, err);

		if (!fp) {
			rc = TW_ESTORE;
		} else {
			strbuf_reset(&sp->cell);
			strbuf_addf(&sp->cell, "%.1f", r.freshness);
			spool_cell(fp, &sp->swidth[0], d->slug);
			spool_cell(fp, &sp->swidth[1],
				   date_format(r.technical_win, b));
			spool_cell(fp, &sp->swidth[2], sp->cell.buf);
			sp->nfresh++;
		}
	}
	momentum_report_release(&r);
	return rc;
}

/* Flush out to stdout once it holds this much. */
#define OUT_CHUNK (256 * 1024)

/* One row of a table_render() table; right: the last column aligns right. */
static void
put_row(struct strbuf *out, const char *const *cells, const size_t *width,
	size_t ncols, bool right)
{
	for (size_t c = 0; c < ncols; c++) {
		size_t pad = width[c] - cell_width(cells[c]);
		bool last = c == ncols - 1;

		if (last && right)
			strbuf_addchars(out, ' ', pad);
		strbuf_addstr(out, cells[c]);
		if (last)
			strbuf_addch(out, '\n');
		else
			strbuf_addchars(out, ' ', pad + 2);
	}
	if (out->len >= OUT_CHUNK) {
		cli_write(out);
		strbuf_reset(out);
	}
}

/* Every row of a spool, read back in the order written. */
static int
put_spool(struct strbuf *out, FILE *fp, const size_t *width, size_t ncols,
	  bool right, struct tw_error *err)
{
	char *cells[NFCOLS] = { NULL };
	size_t cap[NFCOLS] = { 0 };
	int rc = 0;

	if (!fp)
		return 0;
	rewind(fp);
	for (;;) {
		size_t c;

		for (c = 0; c < ncols; c++)
			if (getdelim(&cells[c], &cap[c], '\0', fp) < 0)
				break;
		if (c < ncols)
			break;
		put_row(out, (const char *const *)cells, width, ncols, right);
	}
	if (ferror(fp))
		rc = tw_error_set(err, TW_ESTORE,
				  "cannot read a temporary file: %s",
				  strerror(errno));
	for (size_t c = 0; c < ncols; c++)
		free(cells[c]);
	return rc;
}

static int
check_all_text(struct cli_ctx *ctx, struct workspace *ws,
	       struct tw_error *err)
{
	struct check_spool sp = { .ws = ws, .today = ctx->today };
	struct strbuf out = STRBUF_INIT;
	int r;

	strbuf_init(&sp.cell, 0);
	for (size_t c = 0; c < NFCOLS; c++)
		sp.fwidth[c] = cell_width(fhead[c]);
	for (size_t c = 0; c < NSCOLS; c++)
		sp.swidth[c] = cell_width(shead[c]);
	r = store_each_deal(ctx->st, true, spool_deal, &sp, err);
	if (r == 0 && sp.nfindings) {
		put_row(&out, fhead, sp.fwidth, NFCOLS, false);
		for (int k = 0; k < NRANKS && r == 0; k++)
			r = put_spool(&out, sp.rank[k], sp.fwidth, NFCOLS,
				      false, err);
	}
	if (r == 0 && sp.nfresh) {
		if (sp.nfindings)
			strbuf_addch(&out, '\n');
		put_row(&out, shead, sp.swidth, NSCOLS, true);
		r = put_spool(&out, sp.fresh, sp.swidth, NSCOLS, true, err);
	}
	if (r == 0) {
		if (sp.nfindings || sp.nfresh)
			strbuf_addch(&out, '\n');
		strbuf_addf(&out, "%zu deal%s checked: %zu error%s, "
			    "%zu warning%s, %zu snoozed\n",
			    sp.ndeals, sp.ndeals == 1 ? "" : "s", sp.nerr,
			    sp.nerr == 1 ? "" : "s", sp.nwarn,
			    sp.nwarn == 1 ? "" : "s", sp.nsnoozed);
		cli_write(&out);
		r = sp.failed ? 1 : 0;
	}
	for (int k = 0; k < NRANKS; k++)
		if (sp.rank[k])
			fclose(sp.rank[k]);
	if (sp.fresh)
		fclose(sp.fresh);
	strbuf_release(&sp.cell);
	strbuf_release(&out);
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
	struct deal_array deals;
	struct pipeline_check pc;
	struct holidays wsh;
	int opt, r;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1)
		if (opt < 0)
			return opt;
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	if (optind == argc && !ctx->json) {
		r = check_all_text(ctx, &ws, err);
		workspace_release(&ws);
		return r;
	}
	r = store_load_deals(ctx->st, (const char *const *)argv + optind,
			     (size_t)(argc - optind), &deals, err);
	if (r < 0)
		goto out;
	wsh.days = ws.holidays;
	wsh.n = ws.nholidays;
	pipeline_check_run(deals.items, deals.n, &wsh, ctx->today,
			   &ws.momentum, &pc);
	if (ctx->json)
		json_emit(pipeline_check_to_json(&pc), &sb);
	else
		to_text(&pc, &sb);
	cli_write(&sb);
	r = pc.failed ? 1 : 0;
	pipeline_check_release(&pc);
	deal_array_release(&deals);
out:
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
