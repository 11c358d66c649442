/*
 * techwin check [SLUG...]: the momentum check over the pipeline (every open
 * deal, or the ones named). Findings most severe first, then each technical
 * win with its progress date and freshness; exit 1 when an error is found that is not snoozed, so the
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The summary line names acknowledged findings only when there are some. */
static void
acked_tail(struct strbuf *sb, size_t nacked)
{
	if (!nacked)
		return;
	strbuf_setlen(sb, sb->len - 1);
	strbuf_addf(sb, ", %zu acknowledged\n", nacked);
}

static void
to_text(const struct pipeline_check *pc, struct strbuf *sb)
{
	static const char *const fhead[] = { "SEVERITY", "DEAL", "RULE",
		"SUBJECT", "MESSAGE" };
	static const char *const shead[] = { "DEAL", "TECHNICAL WIN",
		"PROGRESS", "FRESHNESS" };
	size_t nerr = 0, nwarn = 0, nsnoozed = 0, nacked = 0, nfresh = 0;
	struct strbuf msg = STRBUF_INIT;
	char b[DATE_BUFSZ];
	struct table t;

	table_init(&t, ARRAY_SIZE(fhead), fhead);
	for (size_t i = 0; i < pc->nfindings; i++) {
		const struct finding *f = pc->findings[i].f;
		const struct deal *d = pc->findings[i].deal;

		table_cell(&t, finding_state(f));
		table_cell(&t, d->slug);
		table_cell(&t, f->rule);
		table_cell(&t, f->subject);
		strbuf_reset(&msg);
		finding_message(&msg, d, f);
		table_cell(&t, msg.buf);
		if (f->snoozed)
			nsnoozed++;
		else if (f->acknowledged)
			nacked++;
		else if (f->severity == SEV_ERROR)
			nerr++;
		else
			nwarn++;
	}
	if (pc->nfindings)
		table_render(&t, sb);
	table_release(&t);
	strbuf_release(&msg);

	table_init(&t, ARRAY_SIZE(shead), shead);
	table_right(&t, 3);
	for (size_t i = 0; i < pc->n; i++) {
		const struct momentum_report *r = &pc->deals[i].report;

		if (!r->has_freshness)
			continue;
		table_cell(&t, pc->deals[i].deal->slug);
		table_cell(&t, date_format(r->technical_win, b));
		table_cell(&t, date_format(r->progress, b));
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
	acked_tail(sb, nacked);
}

/* ---- the whole pipeline, one deal at a time ----------------------------- */

/*
 * The text view over every open deal without holding the pipeline in
 * memory: 100k deals with their children take about a gigabyte, a check
 * may take 128 MiB (BENCHMARKS.md). Each deal is checked as the store
 * reads it and only its findings' rows are kept. The store walks the
 * pipeline in parts, one per core, each a run of slugs in order
 * (store_each_deal_parts); each part appends each rank's rows (errors,
 * warnings, snoozed errors, snoozed warnings) to its own spool, so the
 * spools of one rank, part after part, are the pipeline's order without
 * a sort, whatever the number of parts. Rows go to temporary files past
 * SPOOL_CHUNK, not memory: a pipeline whose deals have five findings each
 * makes a hundred megabytes of them. The output is the same as
 * to_text()'s, byte for byte.
 */
#define NFCOLS 5
#define NSCOLS 4
#define MAX_PARTS 8

/* Written to the file, and read back, this many bytes at a time. */
#define SPOOL_CHUNK (256 * 1024)

/*
 * Rows of cells, each its struct cell_head then its bytes: the last rows
 * in buf, the rest in fp. The width is kept so it is counted once.
 */
struct cell_head {
	size_t len, width;
};

struct spool {
	FILE *fp;
	struct strbuf buf;
};

/* What one part of the walk found. */
struct check_part {
	struct spool rank[FINDING_RANKS];	/* NFCOLS cells a row */
	struct spool fresh;		/* NSCOLS cells a row */
	size_t fwidth[NFCOLS], swidth[NSCOLS];
	size_t ndeals, nfindings, nfresh, nerr, nwarn, nsnoozed, nacked;
	bool failed;
	struct strbuf cell;
};

struct check_run {
	struct check_part part[MAX_PARTS];
	bool json;		/* spool JSON elements, one cell a row */
};

static const char *const fhead[NFCOLS] = { "SEVERITY", "DEAL", "RULE",
					   "SUBJECT", "MESSAGE" };
static const char *const shead[NSCOLS] = { "DEAL", "TECHNICAL WIN",
					   "PROGRESS", "FRESHNESS" };

/*
 * Display width: UTF-8 code points, as table_render counts them. Cells
 * are mostly ASCII, so eight bytes at a time up to the first that is not.
 */
static size_t
cell_width(const char *s, size_t len)
{
	size_t i = 0, cont = 0;
	uint64_t word;

	for (; i + 8 <= len; i += 8) {
		memcpy(&word, s + i, sizeof(word));
		if (word & 0x8080808080808080ULL)
			break;
	}
	for (; i < len; i++)
		cont += ((unsigned char)s[i] & 0xC0) == 0x80;
	return len - cont;
}

/* Move what buf holds to the file. */
static int
spool_flush(struct spool *sp, struct tw_error *err)
{
	if (!sp->buf.len)
		return 0;
	if (!sp->fp && !(sp->fp = tmpfile()))
		return tw_error_set(err, TW_ESTORE,
				    "cannot create a temporary file: %s",
				    strerror(errno));
	if (fwrite(sp->buf.buf, 1, sp->buf.len, sp->fp) != sp->buf.len)
		return tw_error_set(err, TW_ESTORE,
				    "cannot write a temporary file: %s",
				    strerror(errno));
	strbuf_reset(&sp->buf);
	return 0;
}

static void
spool_cell(struct spool *sp, size_t *width, const char *s)
{
	struct cell_head h;

	h.len = strlen(s);
	h.width = cell_width(s, h.len);
	if (h.width > *width)
		*width = h.width;
	strbuf_add(&sp->buf, &h, sizeof(h));
	strbuf_add(&sp->buf, s, h.len);
}

static void
spool_release(struct spool *sp)
{
	if (sp->fp)
		fclose(sp->fp);
	strbuf_release(&sp->buf);
}

/*
 * j (stolen) as one cell: json_emit's text of it as an element of an
 * array in the top object, each line indented four spaces.
 */
static void
spool_element(struct spool *sp, struct strbuf *tmp, json_t *j)
{
	struct cell_head h = { 0, 0 };
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));

	strbuf_reset(tmp);
	for (const char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		strbuf_addstr(tmp, p == text ? "    " : "\n    ");
		strbuf_add(tmp, p, nl ? (size_t)(nl - p) : strlen(p));
	}
	h.len = tmp->len;
	strbuf_add(&sp->buf, &h, sizeof(h));
	strbuf_add(&sp->buf, tmp->buf, tmp->len);
	free(text);
	json_decref(j);
}

/* Called from the store's threads: each part has its own check_part. */
static int
spool_deal(size_t part, const struct deal_check *c, void *arg,
	   struct tw_error *err)
{
	struct check_run *run = arg;
	struct check_part *cp = &run->part[part];
	bool json = run->json;
	const struct momentum_report *r = c->report;
	const struct deal *d = c->deal;
	char b[DATE_BUFSZ];
	int rc = 0;

	cp->ndeals++;
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const struct finding *f = &r->findings[i];
		struct spool *sp = &cp->rank[finding_rank(f)];

		if (json) {
			spool_element(sp, &cp->cell,
				      finding_to_json(d->slug, f));
		} else {
			strbuf_reset(&cp->cell);
			finding_message(&cp->cell, d, f);
			spool_cell(sp, &cp->fwidth[0], finding_state(f));
			spool_cell(sp, &cp->fwidth[1], d->slug);
			spool_cell(sp, &cp->fwidth[2], f->rule);
			spool_cell(sp, &cp->fwidth[3], f->subject);
			spool_cell(sp, &cp->fwidth[4], cp->cell.buf);
		}
		cp->nfindings++;
		if (f->snoozed)
			cp->nsnoozed++;
		else if (f->acknowledged)
			cp->nacked++;
		else if (f->severity == SEV_ERROR)
			cp->nerr++;
		else
			cp->nwarn++;
		cp->failed |= finding_fails(f);
		if (sp->buf.len >= SPOOL_CHUNK)
			rc = spool_flush(sp, err);
	}
	if (rc == 0 && r->has_freshness) {
		struct spool *sp = &cp->fresh;

		if (json) {
			spool_element(sp, &cp->cell,
				      freshness_to_json(d->slug, r));
		} else {
			strbuf_reset(&cp->cell);
			strbuf_addf(&cp->cell, "%.1f", r->freshness);
			spool_cell(sp, &cp->swidth[0], d->slug);
			spool_cell(sp, &cp->swidth[1],
				   date_format(r->technical_win, b));
			spool_cell(sp, &cp->swidth[2],
				   date_format(r->progress, b));
			spool_cell(sp, &cp->swidth[3], cp->cell.buf);
		}
		cp->nfresh++;
		if (sp->buf.len >= SPOOL_CHUNK)
			rc = spool_flush(sp, err);
	}
	return rc;
}

/* Flush out to stdout once it holds this much. */
#define OUT_CHUNK (256 * 1024)

/*
 * One row of a table_render() table, cell c len[c] bytes and cw[c] wide;
 * right: the last column aligns right.
 */
static void
put_row(struct strbuf *out, const char *const *cells, const size_t *len,
	const size_t *cw, const size_t *width, size_t ncols, bool right)
{
	for (size_t c = 0; c < ncols; c++) {
		size_t pad = width[c] - cw[c];
		bool last = c == ncols - 1;

		if (last && right)
			strbuf_addchars(out, ' ', pad);
		strbuf_add(out, cells[c], len[c]);
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

static void
put_head(struct strbuf *out, const char *const *cells, const size_t *width,
	 size_t ncols, bool right)
{
	size_t len[NFCOLS], cw[NFCOLS];

	for (size_t c = 0; c < ncols; c++) {
		len[c] = strlen(cells[c]);
		cw[c] = cell_width(cells[c], len[c]);
	}
	put_row(out, cells, len, cw, width, ncols, right);
}

/*
 * How spooled rows are put: a table's (ncols cells, the columns' widths,
 * right: the last one aligned right), or JSON elements (one cell a row,
 * separated by commas; first: none put yet).
 */
struct put_fmt {
	const size_t *width;
	size_t ncols;
	bool right, json, first;
};

/* The whole rows at the start of data; returns the bytes they take. */
static size_t
put_rows(struct strbuf *out, const char *data, size_t size,
	 struct put_fmt *f)
{
	const char *p = data, *end = data + size;

	for (;;) {
		const char *cells[NFCOLS], *q = p;
		size_t len[NFCOLS], cw[NFCOLS], c;

		for (c = 0; c < f->ncols; c++) {
			struct cell_head h;

			if ((size_t)(end - q) < sizeof(h))
				break;
			memcpy(&h, q, sizeof(h));
			if ((size_t)(end - q) - sizeof(h) < h.len)
				break;
			cells[c] = q + sizeof(h);
			len[c] = h.len;
			cw[c] = h.width;
			q += sizeof(h) + h.len;
		}
		if (c < f->ncols)
			break;
		if (f->json) {
			strbuf_addstr(out, f->first ? "" : ",\n");
			strbuf_add(out, cells[0], len[0]);
			f->first = false;
			if (out->len >= OUT_CHUNK) {
				cli_write(out);
				strbuf_reset(out);
			}
		} else {
			put_row(out, cells, len, cw, f->width, f->ncols,
				f->right);
		}
		p = q;
	}
	return (size_t)(p - data);
}

/* Every row of a spool, read back in the order written. */
static int
put_spool(struct strbuf *out, struct spool *sp, struct put_fmt *f,
	  struct tw_error *err)
{
	char *in = NULL;
	size_t len = 0, alloc = 0;
	int rc = 0;

	if (sp->fp) {
		if ((rc = spool_flush(sp, err)) < 0)
			return rc;
		rewind(sp->fp);
		for (;;) {
			size_t got, used;

			/* Grows only for a row longer than a chunk. */
			ALLOC_GROW(in, len + SPOOL_CHUNK, alloc);
			got = fread(in + len, 1, SPOOL_CHUNK, sp->fp);
			if (!got)
				break;
			len += got;
			used = put_rows(out, in, len, f);
			memmove(in, in + used, len - used);
			len -= used;
		}
		if (ferror(sp->fp))
			rc = tw_error_set(err, TW_ESTORE,
					  "cannot read a temporary file: %s",
					  strerror(errno));
	} else {
		put_rows(out, sp->buf.buf, sp->buf.len, f);
	}
	free(in);
	return rc;
}

/* One part per core: the walk is as fast as the cores reading it. */
static size_t
check_parts(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_PARTS ? MAX_PARTS : (size_t)n;
}

static struct check_run *
run_new(bool json)
{
	struct check_run *run = xcalloc(1, sizeof(*run));

	run->json = json;
	for (size_t p = 0; p < MAX_PARTS; p++) {
		struct check_part *cp = &run->part[p];

		strbuf_init(&cp->cell, 0);
		for (int k = 0; k < FINDING_RANKS; k++)
			strbuf_init(&cp->rank[k].buf, 0);
		strbuf_init(&cp->fresh.buf, 0);
	}
	return run;
}

static void
run_free(struct check_run *run)
{
	for (size_t p = 0; p < MAX_PARTS; p++) {
		struct check_part *cp = &run->part[p];

		for (int k = 0; k < FINDING_RANKS; k++)
			spool_release(&cp->rank[k]);
		spool_release(&cp->fresh);
		strbuf_release(&cp->cell);
	}
	free(run);
}

/*
 * check --json over the whole pipeline, from the kept findings (first_seen
 * is kept, not computed): json_emit's text of pipeline_check_to_json,
 * byte for byte, put together from the parts' spools. 2 when what is
 * kept cannot be used (a database that cannot be written): the caller
 * then recomputes.
 */
static int
check_all_json(struct cli_ctx *ctx, struct tw_error *err)
{
	struct check_run *run = run_new(true);
	struct strbuf out = STRBUF_INIT;
	struct put_fmt f = { NULL, 1, false, true, true };
	size_t np = check_parts(), nf = 0, ns = 0;
	bool failed = false;
	int r;

	r = store_check_from_kept(ctx->st, ctx->today, np, spool_deal, run,
				  err);
	for (size_t p = 0; p < np; p++) {
		nf += run->part[p].nfindings;
		ns += run->part[p].nfresh;
		failed |= run->part[p].failed;
	}
	if (r == 0) {
		strbuf_addstr(&out, nf ? "{\n  \"findings\": [\n"
				       : "{\n  \"findings\": [],\n");
		for (int k = 0; k < FINDING_RANKS && r == 0; k++)
			for (size_t p = 0; p < np && r == 0; p++)
				r = put_spool(&out, &run->part[p].rank[k], &f,
					      err);
		if (nf)
			strbuf_addstr(&out, "\n  ],\n");
		strbuf_addstr(&out, ns ? "  \"freshness\": [\n"
				       : "  \"freshness\": []\n}\n");
		f.first = true;
		for (size_t p = 0; p < np && r == 0; p++)
			r = put_spool(&out, &run->part[p].fresh, &f, err);
		if (ns)
			strbuf_addstr(&out, "\n  ]\n}\n");
	}
	if (r == 0) {
		cli_write(&out);
		r = failed ? 1 : 0;
	} else if (r == 1) {
		r = 2;
	}
	run_free(run);
	strbuf_release(&out);
	return r;
}

static int
check_all_text(struct cli_ctx *ctx, struct tw_error *err)
{
	struct check_run *run = run_new(false);
	struct check_part all = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t np;
	int r;

	np = check_parts();
	for (size_t c = 0; c < NFCOLS; c++)
		all.fwidth[c] = cell_width(fhead[c], strlen(fhead[c]));
	for (size_t c = 0; c < NSCOLS; c++)
		all.swidth[c] = cell_width(shead[c], strlen(shead[c]));
	r = store_check_kept(ctx->st, ctx->today, np, spool_deal, run, err);
	for (size_t p = 0; p < np; p++) {
		const struct check_part *cp = &run->part[p];

		for (size_t c = 0; c < NFCOLS; c++)
			if (cp->fwidth[c] > all.fwidth[c])
				all.fwidth[c] = cp->fwidth[c];
		for (size_t c = 0; c < NSCOLS; c++)
			if (cp->swidth[c] > all.swidth[c])
				all.swidth[c] = cp->swidth[c];
		all.ndeals += cp->ndeals;
		all.nfindings += cp->nfindings;
		all.nfresh += cp->nfresh;
		all.nerr += cp->nerr;
		all.nwarn += cp->nwarn;
		all.nsnoozed += cp->nsnoozed;
		all.nacked += cp->nacked;
		all.failed |= cp->failed;
	}
	if (r == 0 && all.nfindings) {
		struct put_fmt f = { all.fwidth, NFCOLS, false, false, true };

		put_head(&out, fhead, all.fwidth, NFCOLS, false);
		for (int k = 0; k < FINDING_RANKS && r == 0; k++)
			for (size_t p = 0; p < np && r == 0; p++)
				r = put_spool(&out, &run->part[p].rank[k], &f,
					      err);
	}
	if (r == 0 && all.nfresh) {
		struct put_fmt f = { all.swidth, NSCOLS, true, false, true };

		if (all.nfindings)
			strbuf_addch(&out, '\n');
		put_head(&out, shead, all.swidth, NSCOLS, true);
		for (size_t p = 0; p < np && r == 0; p++)
			r = put_spool(&out, &run->part[p].fresh, &f, err);
	}
	if (r == 0) {
		if (all.nfindings || all.nfresh)
			strbuf_addch(&out, '\n');
		strbuf_addf(&out, "%zu deal%s checked: %zu error%s, "
			    "%zu warning%s, %zu snoozed\n",
			    all.ndeals, all.ndeals == 1 ? "" : "s", all.nerr,
			    all.nerr == 1 ? "" : "s", all.nwarn,
			    all.nwarn == 1 ? "" : "s", all.nsnoozed);
		acked_tail(&out, all.nacked);
		cli_write(&out);
		r = all.failed ? 1 : 0;
	}
	run_free(run);
	strbuf_release(&out);
	return r;
}

/* ---- check ack, check unack ------------------------------------------ */

static json_t *
ack_json(const struct deal *d, const struct verb_call *c, tw_date today)
{
	json_t *o = json_object();
	const struct ack *a = NULL;

	for (size_t i = 0; i < d->nacks && !a; i++)
		if (!strcmp(d->acks[i].rule, c->rule) &&
		    (!c->subject || !strcmp(d->acks[i].subject, c->subject)))
			a = &d->acks[i];
	json_object_set_new(o, "deal", json_string(d->slug));
	json_object_set_new(o, "rule", json_string(c->rule));
	json_object_set_new(o, "acknowledged",
			    json_boolean(a && a->until >= today));
	json_object_set_new(o, "subject",
			    a ? json_string(a->subject) : json_str(c->subject));
	json_object_set_new(o, "acknowledged_by",
			    a ? json_str(a->actor) : json_null());
	json_object_set_new(o, "acknowledged_until",
			    a ? json_date(a->until) : json_null());
	json_object_set_new(o, "reason", a ? json_str(a->reason) : json_null());
	return o;
}

/*
 * check ack SLUG RULE [SUBJECT] --reason TEXT [--until DATE]
 * check unack SLUG RULE [SUBJECT]
 */
static int
check_ack(struct cli_ctx *ctx, int argc, char **argv, bool undo,
	  struct tw_error *err)
{
	struct { tw_date until; const char *reason; } a = { DATE_NONE, NULL };
	const struct cli_opt ack_opts[] = {
		{ "until", OPT_DATE, &a.until },
		{ "reason", OPT_STR, &a.reason },
		{ NULL, 0, NULL },
	};
	const struct cli_opt none[] = { { NULL, 0, NULL } };
	struct strbuf sb = STRBUF_INIT;
	struct verb_call c;
	struct deal_ctx dc;
	char b[DATE_BUFSZ];
	int n, r;

	r = cli_options(argc, argv, undo ? none : ack_opts, err);
	if (r < 0)
		return r;
	n = argc - optind;
	if (n < 2 || n > 3)
		return cmd_usage_error(&cmd_check_entry, err,
				       "check %s takes SLUG RULE [SUBJECT]",
				       undo ? "unack" : "ack");
	if (!undo && !a.reason)
		return cmd_usage_error(&cmd_check_entry, err,
				       "check ack needs --reason");
	verb_call_init(&c, undo ? V_UNACK : V_ACK, NULL);
	c.rule = argv[optind + 1];
	c.subject = n == 3 ? argv[optind + 2] : NULL;
	c.reason = a.reason;
	c.until = a.until;
	deal_ctx_init(&dc, ctx->today, ctx->actor);
	r = cli_verb_run(ctx, argv[optind], &c, &dc, NULL, err);
	if (r == 0 && ctx->json) {
		json_emit(ack_json(&dc.deal, &c, ctx->today), &sb);
	} else if (r == 0 && undo) {
		strbuf_addf(&sb, "deal '%s': %s%s%s%s is no longer "
			    "acknowledged\n", dc.deal.slug, c.rule,
			    c.subject ? " '" : "", c.subject ? c.subject : "",
			    c.subject ? "'" : "");
	} else if (r == 0) {
		for (size_t i = 0; i < dc.deal.nacks; i++) {
			const struct ack *k = &dc.deal.acks[i];

			if (strcmp(k->rule, c.rule) ||
			    (c.subject && strcmp(k->subject, c.subject)))
				continue;
			strbuf_addf(&sb, "deal '%s': %s%s%s%s acknowledged "
				    "through %s\n", dc.deal.slug, k->rule,
				    *k->subject ? " '" : "", k->subject,
				    *k->subject ? "'" : "",
				    date_format(k->until, b));
			break;
		}
	}
	cli_write(&sb);
	strbuf_release(&sb);
	verb_call_release(&c);
	deal_ctx_release(&dc);
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
	struct store_check c;
	int opt, r;

	if (argc > 1 && (!strcmp(argv[1], "ack") || !strcmp(argv[1], "unack")))
		return check_ack(ctx, argc - 1, argv + 1,
				 !strcmp(argv[1], "unack"), err);
	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1)
		if (opt < 0)
			return opt;
	if (optind == argc && !ctx->json)
		return check_all_text(ctx, err);
	if (optind == argc && (r = check_all_json(ctx, err)) != 2)
		return r;
	r = store_check_deals(ctx->st, (const char *const *)argv + optind,
			      (size_t)(argc - optind), ctx->today, &c, err);
	if (r < 0)
		return r;
	if (ctx->json)
		json_emit(pipeline_check_to_json(&c.pc), &sb);
	else
		to_text(&c.pc, &sb);
	cli_write(&sb);
	r = c.pc.failed ? 1 : 0;
	store_check_release(&c);
	strbuf_release(&sb);
	return r;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check", .flags = NEED_STORE, .exec = cmd_check_exec,
};
