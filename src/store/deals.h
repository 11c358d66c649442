/*
 * Deal-level operations every entry point shares (the CLI commands and the
 * web API): the read-modify-write transaction that validates a deal before
 * it is written, creating a deal, and loading the deals a pipeline-wide
 * report looks at. Written against the store interface only.
 */
#ifndef TW_STORE_DEALS_H
#define TW_STORE_DEALS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/actions.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/stats.h"
#include "core/validate.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/error.h"

/*
 * The context verbs work on (core/actions.h): the deal slug with its
 * children, the workspace's settings and its holidays merged with the
 * deal's. ctx was set up by deal_ctx_init (today, actor); on error it holds
 * no deal. TW_ENOTFOUND for an unknown deal.
 */
int store_load_ctx(struct store *st, const char *slug, struct deal_ctx *ctx,
		   struct tw_error *err);

/*
 * Run a verb on the deal slug in one transaction: load the context, run
 * the verb and the validator (verb_run), write the deal with its history,
 * commit. Nothing is written unless every step succeeds (inside a
 * transaction the caller began, the caller commits or rolls back: a share
 * link and its row on the deal go together). On success ctx
 * holds the deal as written (V_DEAL_REMOVE: as it was). V_DEAL_CREATE makes
 * the deal c->key (TW_EEXIST when taken); slug is ignored. With
 * c->dry_run the same checks run and ctx holds the deal as the call would
 * leave it, but nothing is written.
 */
int store_run_verb(struct store *st, const char *slug,
		   const struct verb_call *c, struct deal_ctx *ctx,
		   struct verb_result *res, struct validation_site *site,
		   struct tw_error *err);

/*
 * Validate d and create it, with its evaluation as of today, in one
 * transaction; TW_EEXIST ("deal 'x' already exists") when the slug is
 * taken. site as above.
 */
int store_create_deal(struct store *st, const struct deal *d, tw_date today,
		      struct validation_site *site, struct tw_error *err);

/* Deals loaded with their children. */
struct deal_array {
	struct deal *items;
	size_t n;
};
void deal_array_release(struct deal_array *a);

/*
 * The nnames named deals (each once, in the order given), or every open
 * deal by slug when nnames is 0. An unknown slug is TW_ENOTFOUND.
 */
int store_load_deals(struct store *st, const char *const *names,
		     size_t nnames, struct deal_array *out,
		     struct tw_error *err);

/*
 * Every deal (open_only: every open deal) with its children, by slug, to
 * fn one at a time: the store's deal_each, or deal_list and deal_get for a
 * backend without it. fn borrows d; a negative return ends the walk.
 */
int store_each_deal(struct store *st, bool open_only,
		    int (*fn)(const struct deal *d, void *arg,
			      struct tw_error *err),
		    void *arg, struct tw_error *err);

/*
 * store_each_deal over nparts consecutive runs of slugs at once, on as
 * many threads (the store's deal_each_parts): fn(part, d) may run
 * concurrently for different parts; concatenating the parts in order
 * gives store_each_deal's order. Without deal_each_parts, every deal goes
 * to part 0 through store_each_deal.
 */
int store_each_deal_parts(struct store *st, bool open_only, size_t nparts,
			  int (*fn)(size_t part, const struct deal *d,
				    void *arg, struct tw_error *err),
			  void *arg, struct tw_error *err);

/*
 * Every closed deal (won or lost), the ones cycle-time analytics use,
 * after checking that f->se names an SE of some deal and f->slug a closed
 * deal, so a typo is an error instead of an empty report.
 */
int store_load_closed_deals(struct store *st, const struct cycle_filter *f,
			    struct deal_array *out, struct tw_error *err);

/* ---- the momentum check over the pipeline ----------------------------- */

/* One deal as the check saw it; fn borrows every pointer. */
struct deal_check {
	const struct deal *deal;
	const struct holidays *hol;	/* its own and the workspace's */
	const struct momentum_report *report;
};

/*
 * The momentum check of every open deal as of today, with the workspace's
 * settings and holidays, walked as store_each_deal_parts walks: fn(part,
 * c) may run concurrently for different parts, and the parts in order
 * are the deals by slug. A negative return from fn ends the walk.
 */
int store_check_each(struct store *st, tw_date today, size_t nparts,
		     int (*fn)(size_t part, const struct deal_check *c,
			       void *arg, struct tw_error *err),
		     void *arg, struct tw_error *err);

/*
 * The same from the kept findings (store/findings.h): what is not valid
 * for today is re-evaluated first, and kept when the database can be
 * written; the rest is read, not recomputed, in parts where the store
 * can (else all in part 0). fn's c->deal then holds only the slug, the
 * snooze and the deal's holidays (what check prints). When most of the
 * pipeline is to be re-evaluated (a settings change), every deal is
 * walked and fn sees what the walk computed (first_seen not set).
 */
int store_check_kept(struct store *st, tw_date today, size_t nparts,
		     int (*fn)(size_t part, const struct deal_check *c,
			       void *arg, struct tw_error *err),
		     void *arg, struct tw_error *err);

/*
 * Only from the kept findings, first_seen and all: what is not valid for
 * today is re-evaluated and kept first, then every open deal is read as
 * kept, in parts (fn's c->deal as store_check_kept gives it). 1, with fn
 * never called, when that cannot be done (a database that cannot be
 * written, or a write meanwhile): the caller recomputes
 * (store_check_deals).
 */
int store_check_from_kept(struct store *st, tw_date today, size_t nparts,
			  int (*fn)(size_t part, const struct deal_check *c,
				    void *arg, struct tw_error *err),
			  void *arg, struct tw_error *err);

/*
 * Re-evaluate and keep every open deal whose kept evaluation is not valid
 * for today, as check does before it reads them (a database that cannot
 * be written keeps nothing, and this is no error).
 */
int store_eval_refresh(struct store *st, tw_date today, struct tw_error *err);

/*
 * The check of the nnames named deals (every open deal when nnames is
 * 0), findings in the pipeline's order (core/pipeline.h). pc borrows
 * from deals. An unknown slug is TW_ENOTFOUND.
 */
struct store_check {
	struct workspace ws;
	struct deal_array deals;
	struct pipeline_check pc;
};
int store_check_deals(struct store *st, const char *const *names,
		      size_t nnames, tw_date today, struct store_check *out,
		      struct tw_error *err);
void store_check_release(struct store_check *c);

/*
 * Cycle-time analytics over the closed deals f selects (core/stats.h),
 * with the workspace's settings and holidays, and its baseline
 * (stats.baseline_days) in the report; rep borrows from deals.
 * Errors as store_load_closed_deals'.
 */
struct store_cycle {
	struct workspace ws;
	struct deal_array deals;
	struct cycle_report rep;
};
int store_cycle_report(struct store *st, const struct cycle_filter *f,
		       struct store_cycle *out, struct tw_error *err);
void store_cycle_release(struct store_cycle *c);

#endif
