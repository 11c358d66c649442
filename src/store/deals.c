/*
 * The deal operations the CLI and the web API share (store/deals.h), so a
 * change made from a browser is validated and recorded exactly like one
 * made from the command line.
 */
#include "store/deals.h"
#include "store/findings.h"
#include "store/inputs.h"
#include "store/notify.h"
#include "store/store-internal.h"
#include "store/workspace.h"
#include "util/xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The workspace half of a context, for the deal ctx already holds. */
static int
load_workspace(struct store *st, struct deal_ctx *ctx, struct tw_error *err)
{
	struct holidays wsh;
	struct workspace ws;
	int r;

	if ((r = workspace_load(st, &ws, err)) < 0)
		return r;
	ctx->settings = ws.momentum;
	wsh = workspace_days(&ws);
	deal_ctx_set_holidays(ctx, &wsh);
	workspace_release(&ws);
	return 0;
}

int
store_load_ctx(struct store *st, const char *slug, struct deal_ctx *ctx,
	       struct tw_error *err)
{
	int r;

	deal_ctx_release(ctx);
	if ((r = store_deal_get(st, slug, &ctx->deal, err)) < 0 ||
	    (r = load_workspace(st, ctx, err)) < 0)
		deal_ctx_release(ctx);
	return r;
}

/* 0 when no deal has the slug, else TW_EEXIST (or a store error). */
static int
slug_free(struct store *st, const char *slug, struct tw_error *err)
{
	struct deal taken;
	int r;

	deal_init(&taken);
	r = store_deal_get(st, slug ? slug : "", &taken, err);
	deal_release(&taken);
	if (r == 0)
		return tw_error_set(err, TW_EEXIST, "deal '%s' already exists",
				    slug);
	return r == TW_ENOTFOUND ? 0 : r;
}

int
store_run_verb(struct store *st, const char *slug, const struct verb_call *c,
	       struct deal_ctx *ctx, struct verb_result *res,
	       struct validation_site *site, struct tw_error *err)
{
	bool create = c->verb == V_DEAL_CREATE;
	struct deal before;
	/* Inside the caller's transaction, which commits with the rest. */
	bool own = !st->in_tx;
	bool rename = c->verb == V_DEAL_RENAME;
	int r;

	deal_init(&before);
	deal_ctx_release(ctx);
	if (own && (r = store_begin(st, err)) < 0)
		return r;
	if (create)
		r = slug_free(st, c->key, err);
	else
		r = store_deal_get(st, slug, &ctx->deal, err);
	if (r == 0)
		r = load_workspace(st, ctx, err);
	if (r == 0 && rename)
		r = slug_free(st, c->key, err);
	if (r == 0 && c->verb == V_DEAL_REMOVE) {
		r = store_deal_delete(st, slug, err);
	} else if (r == 0) {
		deal_copy(&before, &ctx->deal);
		if ((r = verb_run(ctx, c, res, site, err)) == 0 &&
		    !c->dry_run &&
		    /* The row renamed, the put finds it by its new slug. */
		    (!rename ||
		     (r = store_deal_rename(st, slug, c->key, err)) == 0) &&
		    (r = store_deal_put(st, &ctx->deal, err)) == 0 &&
		    (r = load_workspace(st, ctx, err)) == 0)
			/* The deal's holidays may have changed with it. */
			r = store_eval_deal(st, &ctx->deal, &ctx->hol,
					    &ctx->settings, ctx->today, err);
		/* Its events (notify.h), in the same transaction. */
		if (r == 0 && !c->dry_run)
			r = store_outbox_verb(st, create ? NULL : &before,
					      &ctx->deal, &ctx->hol, err);
	}
	deal_release(&before);
	if (r == 0 && c->dry_run) {
		/* The deal as the call would leave it; nothing kept. */
		if (own)
			store_rollback(st);
		return 0;
	}
	if (r == 0 && own)
		r = store_commit(st, err);
	if (r < 0) {
		if (own)
			store_rollback(st);
		deal_ctx_release(ctx);
	}
	return r;
}

/* Evaluate d with the workspace's settings and holidays, and keep it. */
static int
eval_with_workspace(struct store *st, const struct deal *d, tw_date today,
		    struct tw_error *err)
{
	struct workspace ws;
	struct holidays wsh, h;
	tw_date *buf;
	int r;

	if ((r = workspace_load(st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	wsh = workspace_days(&ws);
	h = deal_merged_holidays(d, &wsh, &buf);
	r = store_eval_deal(st, d, &h, &ws.momentum, today, err);
	free(buf);
	workspace_release(&ws);
	return r;
}

int
store_create_deal(struct store *st, const struct deal *d, tw_date today,
		  struct validation_site *site, struct tw_error *err)
{
	struct deal existing;
	int r;

	if ((r = deal_validate(d, site, err)) < 0)
		return r;
	deal_init(&existing);
	if ((r = store_begin(st, err)) < 0)
		return r;
	r = store_deal_get(st, d->slug, &existing, err);
	if (r == 0)
		r = tw_error_set(err, TW_EEXIST, "deal '%s' already exists",
				 d->slug);
	else if (r == TW_ENOTFOUND)
		r = store_deal_put(st, d, err);
	if (r == 0)
		r = eval_with_workspace(st, d, today, err);
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0)
		store_rollback(st);
	deal_release(&existing);
	return r;
}

void
deal_array_release(struct deal_array *a)
{
	LIST_RELEASE(a, deal_release);
}

/* Load slug with its children as the next item of out. */
static int
load_one(struct store *st, const char *slug, struct deal_array *out,
	 struct tw_error *err)
{
	struct deal *d = &out->items[out->n];
	int r;

	deal_init(d);
	r = store_deal_get(st, slug, d, err);
	if (r < 0) {
		deal_release(d);
		return r;
	}
	out->n++;
	return 0;
}

int
store_load_deals(struct store *st, const char *const *names, size_t nnames,
		 struct deal_array *out, struct tw_error *err)
{
	struct deal_list all = { 0 };
	size_t want = nnames;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!nnames) {
		if ((r = store_deal_list(st, &all, err)) < 0)
			return r;
		want = all.n;
	}
	out->items = xcalloc(want ? want : 1, sizeof(*out->items));
	for (size_t i = 0; i < want && !r; i++) {
		const char *slug = nnames ? names[i] : all.items[i].slug;
		bool skip = !nnames && all.items[i].outcome != OUTCOME_OPEN;

		/* Listed slugs are unique: only named ones may repeat. */
		for (size_t j = 0; nnames && j < out->n && !skip; j++)
			skip = !strcmp(out->items[j].slug, slug);
		if (!skip)
			r = load_one(st, slug, out, err);
	}
	deal_list_release(&all);
	if (r < 0)
		deal_array_release(out);
	return r;
}

int
store_each_deal(struct store *st, bool open_only,
		int (*fn)(const struct deal *d, void *arg, struct tw_error *err),
		void *arg, struct tw_error *err)
{
	struct deal_list all = { 0 };
	int r;

	if (st->ops->deal_each)
		return st->ops->deal_each(st, open_only, fn, arg, err);
	if ((r = store_deal_list(st, &all, err)) < 0)
		return r;
	for (size_t i = 0; i < all.n && r == 0; i++) {
		struct deal d;

		if (open_only && all.items[i].outcome != OUTCOME_OPEN)
			continue;
		if ((r = store_deal_get(st, all.items[i].slug, &d, err)) < 0)
			break;
		r = fn(&d, arg, err);
		deal_release(&d);
	}
	deal_list_release(&all);
	return r;
}

/* A part-less callback behind store_each_deal_parts' fallback. */
struct each_serial {
	int (*fn)(size_t part, const struct deal *d, void *arg,
		  struct tw_error *err);
	void *arg;
};

static int
each_serial_fn(const struct deal *d, void *arg, struct tw_error *err)
{
	struct each_serial *es = arg;

	return es->fn(0, d, es->arg, err);
}

int
store_each_deal_parts(struct store *st, bool open_only, size_t nparts,
		      int (*fn)(size_t part, const struct deal *d, void *arg,
				struct tw_error *err),
		      void *arg, struct tw_error *err)
{
	struct each_serial es = { fn, arg };

	if (st->ops->deal_each_parts && nparts > 1)
		return st->ops->deal_each_parts(st, open_only, nparts, fn, arg,
						err);
	return store_each_deal(st, open_only, each_serial_fn, &es, err);
}

int
store_load_closed_deals(struct store *st, const struct cycle_filter *f,
			struct deal_array *out, struct tw_error *err)
{
	struct deal_list list = { 0 };
	const struct deal *target = NULL;
	bool se_found = false;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = store_deal_list(st, &list, err)) < 0)
		return r;
	for (size_t i = 0; i < list.n; i++) {
		const struct deal *d = &list.items[i];

		if (f->se && d->se && !strcmp(d->se, f->se))
			se_found = true;
		if (f->slug && !strcmp(d->slug, f->slug))
			target = d;
	}
	if (f->se && !se_found) {
		r = tw_error_set(err, TW_ENOTFOUND, "no deal has SE '%s'",
				 f->se);
		goto out;
	}
	if (f->slug && !target) {
		r = tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'",
				 f->slug);
		goto out;
	}
	if (target && target->outcome == OUTCOME_OPEN) {
		r = tw_error_set(err, TW_EINPUT,
				 "deal '%s' is still open: it has no cycle "
				 "time yet", f->slug);
		goto out;
	}
	out->items = xcalloc(list.n ? list.n : 1, sizeof(*out->items));
	for (size_t i = 0; i < list.n && !r; i++)
		if (list.items[i].outcome != OUTCOME_OPEN)
			r = load_one(st, list.items[i].slug, out, err);
	if (r < 0)
		deal_array_release(out);
out:
	deal_list_release(&list);
	return r;
}

/* ---- the momentum check over the pipeline ----------------------------- */

/*
 * Findings are kept (store/findings.h): check re-evaluates, and keeps,
 * only what is not valid for its today, then reads the rest. When more
 * than this share of the pipeline is to be recomputed (a settings change
 * made every evaluation stale, or --today looks back), the parallel walk
 * over whole deals is faster than reading them one at a time.
 */
#define WALK_SHARE 8	/* more than 1/8 of the open deals */
#define WALK_MIN 256

struct stale_scan;
struct eval_spool;

struct check_walk {
	const struct workspace *ws;
	struct holidays wsh;
	tw_date today;
	int (*fn)(size_t part, const struct deal_check *c, void *arg,
		  struct tw_error *err);
	void *arg;
	struct store *st;
	const struct stale_scan *keep;	/* spool these deals' evaluations */
	struct eval_spool *spool;	/* one a part, or NULL */
};

struct keep;
static void spool_eval(const struct check_walk *w, size_t part,
		       const struct deal *d, const struct keep *kp,
		       const struct holidays *h,
		       const struct momentum_report *r);

/*
 * Evaluate d, hand it to w->fn, and spool it when kp says what is kept
 * of it (NULL: it is not to be kept). Called from the store's threads:
 * everything here is the part's own.
 */
static int
check_deal(size_t part, const struct deal *d, const struct keep *kp,
	   const struct check_walk *w, struct tw_error *err)
{
	struct momentum_report rep;
	struct holidays h;
	tw_date *buf;
	struct deal_check c = { d, &h, &rep };
	int r;

	pipeline_check_deal(d, &w->wsh, w->today, &w->ws->momentum, &rep, &h,
			    &buf);
	r = w->fn ? w->fn(part, &c, w->arg, err) : 0;
	if (r == 0 && w->spool && kp)
		spool_eval(w, part, d, kp, &h, &rep);
	momentum_report_release(&rep);
	free(buf);
	return r;
}

/* What the heads of the kept evaluations say is to be done. */
struct stale_scan {
	tw_date today;
	size_t nback;
	struct keep {		/* re-evaluate and keep, by slug */
		char *slug;
		bool has_digest;	/* findings_digest of what is kept */
		uint64_t digest;
		bool has_inputs;	/* its inputs are kept (inputs.h) */
		tw_date win, progress, recheck_on;	/* as kept */
	} *keep;
	size_t nkeep, akeep;
	size_t ninputs;		/* how many of them have inputs */
};

/*
 * Whether check re-evaluates e on today and keeps what it finds: not
 * valid, and not looking back before the evaluation (then it recomputes
 * and keeps nothing).
 */
static bool
keeps(const struct kept_eval *e, tw_date today)
{
	return !e->valid && !(e->kept && today < e->evaluated_on);
}

/* What is kept of e, to compare a re-evaluation with (slug borrowed). */
static struct keep
keep_of(const struct kept_eval *e)
{
	return (struct keep){ e->deal.slug, e->has_digest, e->digest,
			      e->has_inputs, e->rep.technical_win,
			      e->rep.progress, e->recheck_on };
}

static int
scan_one(struct kept_eval *e, void *arg, struct tw_error *err)
{
	struct stale_scan *sc = arg;

	(void)err;
	if (e->valid)
		return 0;
	if (!keeps(e, sc->today)) {
		sc->nback++;
		return 0;
	}
	ALLOC_GROW(sc->keep, sc->nkeep + 1, sc->akeep);
	sc->keep[sc->nkeep] = keep_of(e);
	sc->keep[sc->nkeep++].slug = xstrdup(e->deal.slug);
	sc->ninputs += e->has_inputs;
	return 0;
}

/* Scan the open deals for what is to be done on today, into sc. */
static int
stale_scan(struct store *st, tw_date today, struct stale_scan *sc,
	   struct tw_error *err)
{
	memset(sc, 0, sizeof(*sc));
	sc->today = today;
	return store_eval_each(st, today, true, scan_one, sc, err);
}

static void
stale_scan_release(struct stale_scan *sc)
{
	for (size_t i = 0; i < sc->nkeep; i++)
		free(sc->keep[i].slug);
	free(sc->keep);
}

/*
 * The evaluations a parallel walk made of the deals sc keeps, spooled to
 * a temporary file per part (100k deals' findings take a hundred
 * megabytes) and written after the walk in one transaction: the walk's
 * connections only read.
 */
struct eval_spool {
	FILE *fp;
	bool bad;		/* a write failed: keep none of them */
};

/* Where slug is in sc->keep, or -1. */
static long
scan_keeps(const struct stale_scan *sc, const char *slug)
{
	size_t lo = 0, hi = sc->nkeep;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(sc->keep[mid].slug, slug);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void
put_num(struct eval_spool *sp, long long n)
{
	sp->bad |= fwrite(&n, sizeof(n), 1, sp->fp) != 1;
}

static void
put_str(struct eval_spool *sp, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	put_num(sp, s ? (long long)len : -1);
	sp->bad |= len && fwrite(s, 1, len, sp->fp) != len;
}

/* A deal of a walk, its evaluation spooled when the scan keeps it. */
static int
check_one(size_t part, const struct deal *d, void *arg, struct tw_error *err)
{
	const struct check_walk *w = arg;
	long k = w->keep ? scan_keeps(w->keep, d->slug) : -1;

	return check_deal(part, d, k < 0 ? NULL : &w->keep->keep[k], w, err);
}

/* A deal of store_eval_inputs_each_parts, with its head instead of a scan. */
static int
inputs_one(size_t part, struct kept_eval *e, void *arg, struct tw_error *err)
{
	const struct check_walk *w = arg;
	struct keep k = keep_of(e);

	return check_deal(part, &e->deal, keeps(e, w->today) ? &k : NULL, w,
			  err);
}

static void
spool_eval(const struct check_walk *w, size_t part, const struct deal *d,
	   const struct keep *kp, const struct holidays *h,
	   const struct momentum_report *r)
{
	struct eval_spool *sp = &w->spool[part];
	bool same_rows;

	if (sp->bad)
		return;
	same_rows = kp->has_digest && kp->digest == findings_digest(r);
	/* Found as kept: spool_write's store_eval_freshen dates it today. */
	if (same_rows && kp->has_inputs && kp->win == r->technical_win &&
	    kp->progress == r->progress && kp->recheck_on == r->recheck_on)
		return;
	if (!sp->fp && !(sp->fp = tmpfile())) {
		sp->bad = true;
		return;
	}
	put_str(sp, d->slug);
	put_num(sp, same_rows);
	/* Evaluated from the inputs kept: they stay. Else d's. */
	if (kp->has_inputs) {
		put_str(sp, NULL);
	} else {
		struct strbuf in = STRBUF_INIT;

		inputs_encode(d, &in);
		put_str(sp, in.buf);
		strbuf_release(&in);
	}
	put_num(sp, r->technical_win);
	put_num(sp, r->progress);
	put_num(sp, r->recheck_on);
	/* The business days its messages are rendered with. */
	put_num(sp, (long long)h->n);
	for (size_t i = 0; i < h->n; i++)
		put_num(sp, h->days[i]);
	put_num(sp, (long long)r->n);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];

		put_str(sp, f->rule);
		put_str(sp, f->subject);
		put_str(sp, f->message);
		put_str(sp, f->stored);
		put_str(sp, f->ack_by);
		put_str(sp, f->ack_reason);
		put_num(sp, f->severity);
		put_num(sp, f->snoozed);
		put_num(sp, f->date);
		put_num(sp, f->acknowledged);
		put_num(sp, f->ack_until);
	}
}

static bool
get_num(FILE *fp, long long *n)
{
	return fread(n, sizeof(*n), 1, fp) == 1;
}

/* A string put_str wrote (NULL for NULL); false at the end or on error. */
static bool
get_str(FILE *fp, char **out)
{
	long long len;

	*out = NULL;
	if (!get_num(fp, &len) || len < -1)
		return false;
	if (len < 0)
		return true;
	*out = xmalloc((size_t)len + 1);
	(*out)[len] = '\0';
	return fread(*out, 1, (size_t)len, fp) == (size_t)len;
}

/*
 * One deal spool_eval wrote, into d (slug, open, and as its holidays the
 * business days its messages were rendered with), its inputs (NULL: kept
 * as they are) and r; false at the end.
 */
static bool
get_eval(FILE *fp, struct deal *d, char **inputs, bool *same_rows,
	 struct momentum_report *r)
{
	long long n, same, v[5];
	char *slug, *str[6];

	memset(r, 0, sizeof(*r));
	*inputs = NULL;
	if (!get_str(fp, &slug) || !slug || !get_num(fp, &same) ||
	    !get_str(fp, inputs) ||
	    !get_num(fp, &v[0]) ||
	    !get_num(fp, &v[1]) || !get_num(fp, &v[2]) || !get_num(fp, &n) ||
	    n < 0) {
		free(slug);
		return false;
	}
	d->slug = slug;
	*same_rows = same != 0;
	d->outcome = OUTCOME_OPEN;
	r->technical_win = (tw_date)v[0];
	r->progress = (tw_date)v[1];
	r->recheck_on = (tw_date)v[2];
	for (long long i = 0; i < n; i++) {
		if (!get_num(fp, &v[0]))
			return false;
		deal_add_holiday(d, (tw_date)v[0]);
	}
	if (!get_num(fp, &n) || n < 0)
		return false;
	for (long long i = 0; i < n; i++) {
		struct finding *f;
		bool ok = true;

		for (int k = 0; k < 6; k++)
			ok = get_str(fp, &str[k]) && ok;
		for (int k = 0; k < 5; k++)
			ok = ok && get_num(fp, &v[k]);
		ALLOC_GROW(r->findings, r->n + 1, r->alloc);
		f = &r->findings[r->n++];
		memset(f, 0, sizeof(*f));
		f->rule = finding_rule_name(str[0]);
		free(str[0]);
		f->subject = str[1];
		f->message = str[2];
		f->stored = str[3];
		f->ack_by = str[4];
		f->ack_reason = str[5];
		if (!ok || !f->rule || !f->subject || !f->message)
			return false;
		f->severity = (enum severity)v[0];
		f->snoozed = v[1];
		f->date = (tw_date)v[2];
		f->acknowledged = v[3];
		f->ack_until = (tw_date)v[4];
	}
	return true;
}

/*
 * Write what the parts spooled, part after part (slug order), in one
 * transaction; a failure keeps nothing, as refresh_kept. True when kept.
 */
static bool
spool_write(struct store *st, struct eval_spool *spool, size_t nparts,
	    const struct momentum_settings *s, tw_date today,
	    long long version)
{
	struct tw_error err = { 0 };
	int r = 0;

	for (size_t p = 0; p < nparts; p++)
		if (spool[p].bad)
			return false;
	if (store_begin_bulk(st, &err) < 0)
		return false;
	/* A commit since the walk began: what it read may be out of date. */
	if (store_eval_lock(st, &err) < 0 || store_eval_version(st) != version)
		r = -1;
	for (size_t p = 0; p < nparts && r == 0; p++) {
		FILE *fp = spool[p].fp;

		if (!fp)
			continue;
		rewind(fp);
		while (r == 0) {
			struct momentum_report rep;
			struct deal d;
			char *inputs;
			bool got, same_rows;

			deal_init(&d);
			got = get_eval(fp, &d, &inputs, &same_rows, &rep);
			if (got) {
				struct holidays h = deal_holidays(&d);

				r = store_eval_put(st, &d, &rep, &h, s, today,
						   inputs, same_rows, &err);
			}
			free(inputs);
			momentum_report_release(&rep);
			deal_release(&d);
			if (!got || r)
				break;
		}
		if (ferror(fp) || !feof(fp))
			r = -1;
	}
	if (r == 0)
		r = store_eval_freshen(st, today, &err);
	if (r == 0 && store_commit(st, &err) == 0)
		return true;
	store_rollback(st);
	return false;
}

/*
 * Re-evaluate and keep what sc found, one deal at a time in one
 * transaction (where the store cannot walk the deals not kept: see
 * walk_and_keep). A database
 * that cannot be written (read-only, locked) keeps nothing: check then
 * recomputes those deals as it reads them, and says nothing about it.
 */
static void
refresh_kept(struct store *st, const struct workspace *ws, tw_date today,
	     struct stale_scan *sc)
{
	struct holidays wsh = workspace_days(ws);
	struct tw_error err = { 0 };
	int r;

	if (!sc->nkeep || store_begin(st, &err) < 0)
		goto failed;
	r = 0;
	for (size_t i = 0; i < sc->nkeep && r == 0; i++) {
		struct deal d;
		struct holidays h;
		tw_date *buf;

		deal_init(&d);
		r = store_deal_get(st, sc->keep[i].slug, &d, &err);
		if (r == TW_ENOTFOUND) {	/* removed meanwhile */
			r = 0;
			continue;
		}
		if (r == 0) {
			h = deal_merged_holidays(&d, &wsh, &buf);
			r = store_eval_deal(st, &d, &h, &ws->momentum, today,
					    &err);
			free(buf);
		}
		deal_release(&d);
	}
	if (r == 0 && store_commit(st, &err) == 0)
		return;
	store_rollback(st);
failed:
	/* Every one of them is recomputed as it is read. */
	sc->nback += sc->nkeep;
}

/* A deal kept as valid for w->today, to w->fn in part. */
static int
emit_valid(size_t part, struct kept_eval *e, void *arg,
	   struct tw_error *err)
{
	const struct check_walk *w = arg;
	struct momentum_report *rep = &e->rep;
	struct holidays h;
	tw_date *buf;
	struct deal_check c = { &e->deal, &h, rep };
	int r;

	/* The parts' guard saw every deal valid in their snapshot. */
	if (!e->valid)
		return tw_error_set(err, TW_ESTORE, "deal '%s' changed while "
				    "check read it", e->deal.slug);
	h = deal_merged_holidays(&e->deal, &w->wsh, &buf);
	/* Kept messages say what today's settings and holidays say. */
	momentum_report_render(rep, &w->ws->momentum, &h);
	if (rep->has_freshness)
		rep->freshness = freshness_score(rep->progress, w->today, &h,
						 w->ws->momentum.half_life);
	r = w->fn(part, &c, w->arg, err);
	free(buf);
	return r;
}

/* One deal of the serial walk over what is kept, in part 0. */
static int
emit_kept(struct kept_eval *e, void *arg, struct tw_error *err)
{
	const struct check_walk *w = arg;
	struct momentum_report rep;
	struct holidays h;
	tw_date *buf;
	struct deal d;
	struct deal_check c = { &d, &h, &rep };
	int r;

	if (e->valid)
		return emit_valid(0, e, arg, err);
	/* Not kept for this today: recompute it (as the walk would). */
	if ((r = store_deal_get(w->st, e->deal.slug, &d, err)) < 0)
		return r;
	pipeline_check_deal(&d, &w->wsh, w->today, &w->ws->momentum, &rep, &h,
			    &buf);
	r = w->fn(0, &c, w->arg, err);
	momentum_report_release(&rep);
	free(buf);
	deal_release(&d);
	return r;
}

int
store_check_each(struct store *st, tw_date today, size_t nparts,
		 int (*fn)(size_t part, const struct deal_check *c, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err)
{
	struct workspace ws;
	struct check_walk w = { &ws, { 0 }, today, fn, arg, st, NULL, NULL };
	int r;

	if ((r = workspace_load(st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	w.wsh = workspace_days(&ws);
	r = store_each_deal_parts(st, true, nparts, check_one, &w, err);
	workspace_release(&ws);
	return r;
}

/* Enough of the open deals to walk them all. */
static bool
many(size_t n, size_t nopen)
{
	return n > WALK_MIN && n > nopen / WALK_SHARE;
}

/* Spools for nparts when the database can be written now, else NULL. */
static struct eval_spool *
spools_open(struct store *st, size_t nparts)
{
	struct eval_spool *spool = NULL;
	struct tw_error probe = { 0 };

	if (store_begin(st, &probe) == 0) {
		if (store_eval_lock(st, &probe) == 0)
			spool = xcalloc(nparts, sizeof(*spool));
		store_rollback(st);
	}
	tw_error_clear(&probe);
	return spool;
}

/* Write what was spooled when write is set, and close: true when kept. */
static bool
spools_close(struct store *st, struct eval_spool *spool, size_t nparts,
	     const struct check_walk *w, long long version, bool write)
{
	bool kept = spool && write &&
		    spool_write(st, spool, nparts, &w->ws->momentum, w->today,
				version);

	for (size_t p = 0; spool && p < nparts; p++)
		if (spool[p].fp)
			fclose(spool[p].fp);
	free(spool);
	return kept;
}

/*
 * Many deals to re-evaluate (a settings change) whose inputs are not
 * kept: the parallel walk prints every deal as check_one does and spools
 * the evaluations sc keeps, written after it in one transaction when
 * nothing was committed meanwhile. A database that cannot be written
 * spools nothing. SQLite only: version is its data_version before the
 * walk.
 *
 * With quiet, a few to re-evaluate: the walk reads only the deals sc
 * keeps (the store's deal_each_unkept), in parallel, and prints
 * nothing; what it could not keep is counted in sc->nback, to be
 * recomputed as it is read.
 */
static int
walk_and_keep(struct store *st, const struct check_walk *cw,
	      struct stale_scan *sc, size_t nparts, long long version,
	      bool quiet, struct tw_error *err)
{
	struct check_walk w = *cw;
	int r = 0;

	if (nparts < 1)
		nparts = 1;
	w.keep = sc;
	w.spool = sc->nkeep ? spools_open(st, nparts) : NULL;
	if (quiet) {
		const char **slugs = xcalloc(sc->nkeep + 1, sizeof(*slugs));

		/* sc's, by slug: the scan's order (kept_eval's). */
		for (size_t i = 0; i < sc->nkeep; i++)
			slugs[i] = sc->keep[i].slug;
		w.fn = NULL;
		if (w.spool)
			r = st->ops->deal_each_unkept(st, true, slugs,
						      sc->nkeep, nparts,
						      check_one, &w, err);
		free(slugs);
	} else {
		r = store_each_deal_parts(st, true, nparts, check_one, &w,
					  err);
	}
	if (!spools_close(st, w.spool, nparts, &w, version, r == 0))
		sc->nback += sc->nkeep;
	return r;
}

/*
 * The same from the inputs kept beside each evaluation (store/inputs.h),
 * a row a deal instead of a walk of every child table, and with no scan:
 * each row says what is kept of its deal. Printing, every open deal;
 * quiet, those not valid for today. *kept: whether what was re-evaluated
 * is kept. 1, having printed nothing, when the inputs cannot be used.
 */
static int
inputs_and_keep(struct store *st, const struct check_walk *cw, size_t nparts,
		long long version, bool quiet, bool *kept,
		struct tw_error *err)
{
	struct check_walk w = *cw;
	int r;

	if (nparts < 1)
		nparts = 1;
	w.keep = NULL;
	w.spool = spools_open(st, nparts);
	if (quiet)
		w.fn = NULL;
	r = quiet && !w.spool
		    ? 1
		    : store_eval_inputs_each_parts(st, w.today, !quiet,
						   nparts, inputs_one, &w,
						   err);
	*kept = spools_close(st, w.spool, nparts, &w, version, r == 0);
	return r;
}

/*
 * Re-evaluate and keep the deals sc found not kept for today: walking
 * just those where the store can, else one at a time.
 */
static int
refresh(struct store *st, const struct check_walk *w, struct stale_scan *sc,
	size_t nparts, long long version, struct tw_error *err)
{
	if (sc->nkeep && st->ops->deal_each_unkept && version >= 0)
		return walk_and_keep(st, w, sc, nparts, version, true, err);
	refresh_kept(st, w->ws, w->today, sc);
	return 0;
}

/*
 * Re-evaluate and keep what cnt counts as not kept for today: from the
 * inputs kept when every one has them, else as a scan finds them
 * (refresh). *nback: how many are left to recompute as they are read.
 */
static int
refresh_counted(struct store *st, const struct check_walk *w,
		const struct eval_count *cnt, size_t nparts,
		long long version, size_t *nback, struct tw_error *err)
{
	struct stale_scan sc;
	bool kept;
	int r;

	*nback = cnt->nback;
	if (!cnt->nkeep)
		return 0;
	if (version >= 0 && cnt->ninputs == cnt->nkeep) {
		r = inputs_and_keep(st, w, nparts, version, true, &kept, err);
		if (r != 1) {
			*nback += kept ? 0 : cnt->nkeep;
			return r;
		}
	}
	if ((r = stale_scan(st, w->today, &sc, err)) == 0)
		r = refresh(st, w, &sc, nparts, version, err);
	*nback = sc.nback;
	stale_scan_release(&sc);
	return r;
}

/* Count, then refresh_counted, serially: for a few named deals. */
static int
count_and_refresh(struct store *st, const struct workspace *ws, tw_date today,
		  struct tw_error *err)
{
	struct check_walk w = { ws, workspace_days(ws), today, NULL, NULL, st,
				NULL, NULL };
	long long version = store_eval_version(st);
	struct eval_count cnt;
	size_t nback;
	int r;

	if ((r = store_eval_count(st, today, &cnt, err)) < 0)
		return r;
	return refresh_counted(st, &w, &cnt, 1, version, &nback, err);
}

/*
 * The daily check, once the few deals not kept for today are kept: read
 * what is kept, in parts at once when every open deal is kept as valid;
 * otherwise serially, recomputing the nback others as they are read (or
 * walking them all, when many).
 */
static int
read_kept(struct store *st, struct check_walk *w, size_t nopen, size_t nback,
	  size_t nparts, struct tw_error *err)
{
	int r;

	r = nback ? 1
		  : store_eval_each_parts(st, w->today, nparts, emit_valid, w,
					  err);
	if (r <= 0)
		return r;
	if (many(nback, nopen))
		return store_each_deal_parts(st, true, nparts, check_one, w,
					     err);
	return store_eval_each(st, w->today, false, emit_kept, w, err);
}

int
store_check_kept(struct store *st, tw_date today, size_t nparts,
		 int (*fn)(size_t part, const struct deal_check *c, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err)
{
	struct workspace ws;
	struct check_walk w = { &ws, { 0 }, today, fn, arg, st, NULL, NULL };
	struct eval_count cnt;
	long long version;
	size_t nback;
	bool kept;
	int r;

	if ((r = workspace_load(st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	w.wsh = workspace_days(&ws);
	/*
	 * Before the count: a commit after it makes the pass's write keep
	 * nothing, so what was counted is what the pass re-evaluates.
	 */
	version = store_eval_version(st);
	r = store_eval_count(st, today, &cnt, err);
	if (r == 0 && many(cnt.nkeep + cnt.nback, cnt.nopen) && version >= 0) {
		/* A settings change: every deal printed as re-evaluated. */
		r = cnt.ninputs == cnt.nkeep
			    ? inputs_and_keep(st, &w, nparts, version, false,
					      &kept, err)
			    : 1;
		if (r == 1) {
			struct stale_scan sc;

			if ((r = stale_scan(st, today, &sc, err)) == 0)
				r = walk_and_keep(st, &w, &sc, nparts, version,
						  false, err);
			stale_scan_release(&sc);
		}
	} else if (r == 0) {
		r = refresh_counted(st, &w, &cnt, nparts, version, &nback, err);
		if (r == 0)
			r = read_kept(st, &w, cnt.nopen, nback, nparts, err);
	}
	workspace_release(&ws);
	return r;
}

/* A serial read of what is kept, every deal valid as the refresh left it. */
struct valid_read {
	const struct check_walk *w;
	bool changed;		/* one was not: written to since */
};

static int
emit_if_valid(struct kept_eval *e, void *arg, struct tw_error *err)
{
	struct valid_read *vr = arg;

	if (e->valid)
		return emit_valid(0, e, (void *)vr->w, err);
	vr->changed = true;
	return tw_error_set(err, TW_EBUSY, "deal '%s' changed while check "
			    "read it", e->deal.slug);
}

int
store_check_from_kept(struct store *st, tw_date today, size_t nparts,
		      int (*fn)(size_t part, const struct deal_check *c,
				void *arg, struct tw_error *err),
		      void *arg, struct tw_error *err)
{
	struct workspace ws;
	struct check_walk w = { &ws, { 0 }, today, fn, arg, st, NULL, NULL };
	struct eval_count cnt;
	long long version;
	size_t nback = 0;
	int r;

	if ((r = workspace_load(st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	w.wsh = workspace_days(&ws);
	version = store_eval_version(st);
	r = store_eval_count(st, today, &cnt, err);
	if (r == 0)
		r = refresh_counted(st, &w, &cnt, nparts, version, &nback, err);
	if (r == 0)
		r = nback ? 1
			  : store_eval_each_parts(st, today, nparts,
						  emit_valid, &w, err);
	/* One part (one core, PostgreSQL): the same, serially. */
	if (r == 1 && !nback) {
		struct valid_read vr = { &w, false };

		r = store_eval_each(st, today, false, emit_if_valid, &vr, err);
		if (r < 0 && vr.changed) {
			tw_error_clear(err);
			r = 1;
		}
	}
	workspace_release(&ws);
	return r;
}

int
store_eval_refresh(struct store *st, tw_date today, struct tw_error *err)
{
	struct workspace ws;
	int r;

	if ((r = workspace_load(st, &ws, err)) == 0)
		r = count_and_refresh(st, &ws, today, err);
	workspace_release(&ws);
	return r;
}

int
store_check_deals(struct store *st, const char *const *names, size_t nnames,
		  tw_date today, struct store_check *out, struct tw_error *err)
{
	struct holidays wsh;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = workspace_load(st, &out->ws, err)) == 0)
		r = count_and_refresh(st, &out->ws, today, err);
	if (r < 0 ||
	    (r = store_load_deals(st, names, nnames, &out->deals, err)) < 0) {
		workspace_release(&out->ws);
		return r;
	}
	wsh = workspace_days(&out->ws);
	pipeline_check_run(out->deals.items, out->deals.n, &wsh, today,
			   &out->ws.momentum, &out->pc);
	/* first_seen is what is kept: the rules know no history. */
	for (size_t i = 0; i < out->pc.n && r == 0; i++) {
		struct pipeline_deal *pd = &out->pc.deals[i];
		struct kept_findings k;

		if ((r = store_eval_kept(st, pd->deal->slug, &k, err)) < 0)
			break;
		findings_carry(&pd->report, k.keys, k.n, today);
		kept_findings_release(&k);
	}
	if (r < 0)
		store_check_release(out);
	return r;
}

void
store_check_release(struct store_check *c)
{
	pipeline_check_release(&c->pc);
	deal_array_release(&c->deals);
	workspace_release(&c->ws);
}

/* ---- cycle-time analytics ------------------------------------------------ */

int
store_cycle_report(struct store *st, const struct cycle_filter *f,
		   struct store_cycle *out, struct tw_error *err)
{
	struct holidays wsh;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = workspace_load(st, &out->ws, err)) < 0 ||
	    (r = store_load_closed_deals(st, f, &out->deals, err)) < 0) {
		workspace_release(&out->ws);
		return r;
	}
	wsh = workspace_days(&out->ws);
	cycle_report_compute(out->deals.items, out->deals.n,
			     &out->ws.momentum, &wsh, f, &out->rep);
	out->rep.has_baseline = out->ws.has_baseline;
	out->rep.baseline_days = out->ws.baseline_days;
	return 0;
}

void
store_cycle_release(struct store_cycle *c)
{
	cycle_report_release(&c->rep);
	deal_array_release(&c->deals);
	workspace_release(&c->ws);
}
