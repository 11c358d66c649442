/*
 * techwin summary SLUG: the one-page Technical Win Summary of a deal as
 * Markdown, HTML or PDF (the seed's war story).
 */
#include "cli/cli.h"
#include "cli/doc.h"
#include "cli/workspace.h"
#include "render/pdf.h"
#include "render/summary.h"
#include "store/deals.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const format_ext[] = { "md", "html", "pdf" };

/* One deal's document in fmt into sb. */
static int
render_deal(struct cli_ctx *ctx, struct workspace *ws, const struct deal *d,
	    enum doc_format fmt, enum paper paper, struct strbuf *sb,
	    struct tw_error *err)
{
	struct summary s;
	struct holidays h;
	tw_date *buf;
	int r = 0;

	h = workspace_holidays(ws, d, &buf);
	summary_compute(&s, d, &h, ctx->today);
	s.brand = &ws->brand;
	switch (fmt) {
	case FMT_HTML:
		render_summary_html(&s, paper, sb);
		break;
	case FMT_PDF:
		r = render_summary_pdf(&s, paper, sb, NULL, err);
		break;
	case FMT_MD:
	default:
		render_summary_md(&s, sb);
		break;
	}
	summary_release(&s);
	free(buf);
	return r;
}

/*
 * --all: every open deal, DIR/SLUG.EXT each, read one deal at a time so a
 * pipeline of any size renders in one run. The store walks the pipeline
 * in one run of slugs per core (store_each_deal_parts), each rendered and
 * written on its own thread: a document takes far longer to lay out and
 * write than to read.
 */
#define ALL_MAX_PARTS 8

/* One run of slugs: its buffers, and the first error in it. */
struct all_part {
	struct strbuf doc, path;
	size_t n;
	int rc;
	struct tw_error err;
};

struct all_run {
	struct cli_ctx *ctx;
	struct workspace *ws;
	enum doc_format fmt;
	enum paper paper;
	const char *dir;
	size_t nparts;
	/* The lowest part that failed; nparts while none has. */
	atomic_size_t failed;
	struct all_part part[ALL_MAX_PARTS];
};

/*
 * A failure stops its part, and the parts after it, which a serial run
 * would never have reached; the parts before it go on, as a serial run
 * would, and the first failure in slug order is the one reported. So fn
 * never fails the walk itself: the store would stop every part at once.
 */
static int
render_one(size_t part, const struct deal *d, void *arg,
	   struct tw_error *err)
{
	struct all_run *run = arg;
	struct all_part *p = &run->part[part];
	size_t failed;
	int r;

	(void)err;
	if (p->rc || part > atomic_load(&run->failed))
		return 0;
	strbuf_reset(&p->doc);
	strbuf_reset(&p->path);
	r = render_deal(run->ctx, run->ws, d, run->fmt, run->paper, &p->doc,
			&p->err);
	strbuf_addf(&p->path, "%s/%s.%s", run->dir, d->slug,
		    format_ext[run->fmt]);
	if (r == 0)
		r = cli_write_file(p->path.buf, &p->doc, &p->err);
	if (r == 0) {
		p->n++;
		return 0;
	}
	p->rc = r;
	failed = atomic_load(&run->failed);
	while (part < failed &&
	       !atomic_compare_exchange_weak(&run->failed, &failed, part))
		;
	return 0;
}

/* One part per core, as many as the store walks at once. */
static size_t
all_parts(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > ALL_MAX_PARTS ? ALL_MAX_PARTS : (size_t)n;
}

static int
summary_all(struct cli_ctx *ctx, enum doc_format fmt, enum paper paper,
	    const char *dir, struct tw_error *err)
{
	struct all_run *run;
	struct workspace ws;
	size_t n = 0;
	int r;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return tw_error_set(err, TW_EINPUT,
				    "cannot create directory '%s': %s", dir,
				    strerror(errno));
	if ((r = workspace_load(ctx->st, &ws, err)) < 0)
		return r;
	run = xcalloc(1, sizeof(*run));
	run->ctx = ctx;
	run->ws = &ws;
	run->fmt = fmt;
	run->paper = paper;
	run->dir = dir;
	run->nparts = all_parts();
	atomic_init(&run->failed, run->nparts);
	for (size_t k = 0; k < run->nparts; k++) {
		strbuf_init(&run->part[k].doc, 0);
		strbuf_init(&run->part[k].path, 0);
	}
	r = store_each_deal_parts(ctx->st, true, run->nparts, render_one, run,
				  err);
	for (size_t k = 0; k < run->nparts; k++) {
		struct all_part *p = &run->part[k];

		if (r == 0 && p->rc) {
			r = p->rc;
			if (err)
				*err = p->err;
		}
		n += p->n;
		strbuf_release(&p->doc);
		strbuf_release(&p->path);
	}
	if (r == 0)
		printf("wrote %zu summar%s to '%s'\n", n, n == 1 ? "y" : "ies",
		       dir);
	free(run);
	workspace_release(&ws);
	return r;
}

static int
cmd_summary_exec(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	bool all = false;
	enum doc_format fmt = FMT_MD;
	enum paper paper = PAPER_A4;
	struct strbuf sb = STRBUF_INIT, layout = STRBUF_INIT;
	const char *output = NULL;
	const struct cli_opt opts[] = {
		{ "format", OPT_FORMAT, &fmt },
		{ "paper", OPT_PAPER, &paper },
		{ "output", OPT_STR, &output },
		{ "all", OPT_FLAG, &all },
		{ NULL, 0, NULL },
	};
	struct workspace ws;
	struct deal d;
	int r;

	if ((r = cli_options(argc, argv, opts, err)) < 0)
		return r;
	if (all && ctx->json)
		return tw_error_set(err, TW_EUSAGE,
				    "summary writes documents; --json does "
				    "not apply");
	if (all && (optind != argc || !output))
		return cmd_usage_error(&cmd_summary_entry, err,
				       "summary --all takes no SLUG and "
				       "needs -o DIR");
	if (all)
		return summary_all(ctx, fmt, paper, output, err);
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_summary_entry, err,
				       "summary takes exactly one SLUG");
	if (ctx->json)
		return tw_error_set(err, TW_EUSAGE,
				    "summary writes a document; --json does "
				    "not apply (try 'techwin deal show "
				    "--json')");
	/* A PDF is binary: it would only garble a terminal. */
	if (fmt == FMT_PDF && (r = doc_refuse_tty("a PDF", output, err)) < 0)
		return r;

	if ((r = cli_get_deal(ctx, argv[optind], &d, err)) < 0)
		return r;
	if ((r = workspace_load(ctx->st, &ws, err)) < 0) {
		deal_release(&d);
		return r;
	}
	if (fmt == FMT_PDF)
		doc_layout_begin(&layout);
	r = render_deal(ctx, &ws, &d, fmt, paper, &sb, err);
	if (r == 0 && fmt == FMT_PDF)
		r = doc_layout_end(&layout, err);
	if (r == 0)
		r = doc_write(output, &sb, err);
	strbuf_release(&sb);
	strbuf_release(&layout);
	workspace_release(&ws);
	deal_release(&d);
	return r;
}

const struct cmd_entry cmd_summary_entry = {
	.name = "summary", .flags = NEED_STORE, .exec = cmd_summary_exec,
};
