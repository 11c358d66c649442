/*
 * Findings as data (issue 13), kept by the store for every open deal: its
 * current findings, W and P, and the interval [evaluated_on, recheck_on)
 * in which they are what the rules compute. Every verb re-evaluates its
 * deal in its own transaction (store_run_verb); a bulk import forgets the
 * evaluations of the deals it replaces; a settings change marks every
 * evaluation stale. check reads what is valid for its today and
 * re-evaluates the rest: from the deal's inputs kept beside its
 * evaluation (store/inputs.h) when they are there, a row a deal, else
 * from the deal's tables. Written over the keyed-row helper, once for
 * both backends.
 */
#ifndef TW_STORE_FINDINGS_H
#define TW_STORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/findings.h"
#include "core/momentum.h"
#include "store/store.h"
#include "util/error.h"

/*
 * The tables, for both backends' migrations: ID is the deal id's type,
 * DATE a date's, STRICT and NOROWID SQLite's table options or "". worst
 * is the smallest finding_rank() (4: none), so the pipeline sorts by
 * urgency, then by P (freshness), from the index.
 */
#define EVALUATION_TABLES(ID, DATE, STRICT, NOROWID)                        \
	"CREATE TABLE evaluations (\n"                                       \
	"  deal_id " ID " PRIMARY KEY\n"                                     \
	"    REFERENCES deals(id) ON DELETE CASCADE,\n"                     \
	"  technical_win " DATE ",\n"                                        \
	"  progress " DATE ",\n"                                             \
	"  evaluated_on " DATE " NOT NULL,\n"                                \
	"  recheck_on " DATE " NOT NULL,\n"                                  \
	"  stale INTEGER NOT NULL CHECK (stale IN (0, 1)),\n"                \
	"  worst INTEGER NOT NULL\n"                                         \
	")" STRICT ";\n"                                                     \
	"CREATE INDEX evaluations_urgency ON evaluations(worst, progress);\n" \
	"CREATE TABLE findings (\n"                                          \
	"  deal_id " ID " NOT NULL\n"                                        \
	"    REFERENCES evaluations(deal_id) ON DELETE CASCADE,\n"          \
	"  pos INTEGER NOT NULL,\n"                                          \
	"  rule TEXT NOT NULL,\n"                                            \
	"  subject TEXT NOT NULL,\n"                                         \
	"  severity TEXT NOT NULL CHECK (severity IN ('error', 'warning')),\n" \
	"  snoozed INTEGER NOT NULL CHECK (snoozed IN (0, 1)),\n"            \
	"  message TEXT NOT NULL,\n"                                         \
	"  \"date\" " DATE ",\n"                                             \
	"  first_seen " DATE " NOT NULL,\n"                                  \
	"  ack_by TEXT,\n"                                                   \
	"  ack_until " DATE ",\n"                                            \
	"  ack_reason TEXT,\n"                                               \
	"  PRIMARY KEY (deal_id, pos)\n"                                     \
	")" STRICT NOROWID ";\n"

/*
 * What each evaluation was made from: the fingerprint of its deal's
 * inputs (store/inputs.h; NULL: none kept), and their text, in a table
 * of its own so that dating every evaluation (a settings change, check's
 * freshening) writes none of it.
 */
#define EVALUATION_INPUTS(ID, STRICT)                                       \
	"ALTER TABLE evaluations ADD COLUMN inputs " ID ";\n"                \
	"CREATE TABLE eval_inputs (\n"                                       \
	"  deal_id " ID " PRIMARY KEY\n"                                     \
	"    REFERENCES evaluations(deal_id) ON DELETE CASCADE,\n"          \
	"  inputs TEXT NOT NULL\n"                                           \
	")" STRICT ";\n"

/*
 * Keep r, the evaluation of the deal d as of today (findings_evaluate
 * with the business days h and the settings s), in place of what was
 * kept: findings that were kept keep their first_seen (r's are set by
 * findings_carry). A finding's message is kept in its stored form
 * (finding_stored), so a settings change rewrites only the findings it
 * changes. inputs is d's (inputs_encode), or NULL when r was evaluated
 * from the inputs kept, which stay. same_rows: r's findings_digest is
 * the one kept, so only the evaluation's row (W, P, the interval) is
 * written, and the findings' rows, first_seen and all, stay. A deal that
 * is not open keeps none. Call it inside store_begin/store_commit.
 */
int store_eval_put(struct store *st, const struct deal *d,
		   struct momentum_report *r, const struct holidays *h,
		   const struct momentum_settings *s, tw_date today,
		   const char *inputs, bool same_rows, struct tw_error *err);

/* Evaluate d as the verbs' context describes it, and keep it. */
int store_eval_deal(struct store *st, const struct deal *d,
		    const struct holidays *h, const struct momentum_settings *s,
		    tw_date today, struct tw_error *err);

/* Forget slug's evaluation: the next check re-evaluates it. */
int store_eval_forget(struct store *st, const char *slug,
		      struct tw_error *err);

/*
 * Take the database's write lock in the caller's transaction, writing
 * nothing: fails at once on a database that cannot be written.
 */
int store_eval_lock(struct store *st, struct tw_error *err);

/*
 * A SQLite database's PRAGMA data_version: it changes when another
 * connection commits. -1 when unknown (PostgreSQL).
 */
long long store_eval_version(struct store *st);

/*
 * Every stale evaluation made on or before today is made today again:
 * for a walk that re-evaluated every one of them and found what is kept
 * (findings_digest), or kept what it found. Inside the walk's write.
 */
int store_eval_freshen(struct store *st, tw_date today,
		       struct tw_error *err);

/* Every evaluation is stale: the settings they were made with changed. */
int store_eval_stale_all(struct store *st, struct tw_error *err);

/* The findings kept for slug (first_seen among them), for findings_carry. */
struct kept_findings {
	struct finding_key *keys;
	size_t n;
	char **text;		/* what keys point into */
	size_t ntext;
};
int store_eval_kept(struct store *st, const char *slug,
		    struct kept_findings *out, struct tw_error *err);
void kept_findings_release(struct kept_findings *k);

/*
 * One open deal as the store keeps it: deal holds only the slug, the
 * snooze and the holidays (what check prints, and freshness counts),
 * rep the kept findings (freshness not set). valid: kept, not stale, and
 * evaluated_on <= today < recheck_on.
 */
struct kept_eval {
	struct deal deal;
	struct momentum_report rep;
	tw_date evaluated_on, recheck_on;
	bool kept, stale, valid;
	bool has_digest;	/* heads only: findings_digest of what is kept */
	uint64_t digest;
	bool has_inputs;	/* heads only: its inputs are kept, readable */
};

/*
 * Every open deal by slug (or, when nnames > 0, the named ones) with
 * what is kept of it, to fn one at a time; fn borrows e, and may change
 * it (momentum_report_render its messages, kept in their stored form).
 * With heads_only, only the deals not valid on today (all of them when
 * the rules changed), and rep holds no findings.
 */
int store_eval_each(struct store *st, tw_date today, bool heads_only,
		    int (*fn)(struct kept_eval *e, void *arg,
			      struct tw_error *err),
		    void *arg, struct tw_error *err);

/*
 * Every open deal's own holidays, as rows of (slug, day) by slug, and
 * slug's among them added to d's.
 */
struct row_result;
int store_open_holidays(struct store *st, struct row_result *out,
			struct tw_error *err);
int store_holidays_of(struct store *st, const struct row_result *days,
		      const char *slug, struct deal *d, struct tw_error *err);

/*
 * store_eval_each (not heads_only) over nparts runs of slugs at once, on
 * a thread and a connection each (the store's rows_each_parts), for when
 * every open deal is kept as valid on today: fn(part, e) is called from
 * part's thread, each part's deals by slug, part k's before part k + 1's.
 * 1, having read nothing, when one is not valid or the store cannot read
 * in parts: the caller then uses store_eval_each.
 */
int store_eval_each_parts(struct store *st, tw_date today, size_t nparts,
			  int (*fn)(size_t part, struct kept_eval *e,
				    void *arg, struct tw_error *err),
			  void *arg, struct tw_error *err);

/*
 * Re-evaluate from the inputs kept (store/inputs.h) instead of the deals'
 * tables, in parts as store_eval_each_parts: fn(part, e) gets each open
 * deal, every one when all is set, else those not valid on today, as
 * its inputs say (e->deal) with its evaluation's head (e->rep holds no
 * findings). e is borrowed until fn returns. 1, having read nothing,
 * when one of them has no inputs this techwin reads, or the store
 * cannot read in parts: the caller then walks the deals.
 */
int store_eval_inputs_each_parts(struct store *st, tw_date today, bool all,
				 size_t nparts,
				 int (*fn)(size_t part, struct kept_eval *e,
					   void *arg, struct tw_error *err),
				 void *arg, struct tw_error *err);

/*
 * What a heads scan (store_eval_each, heads_only) would find, counted in
 * the database: the open deals, those kept from a later day than today
 * (--today looking back: recomputed, never kept), those to re-evaluate
 * and keep, and how many of these have inputs this techwin reads.
 */
struct eval_count {
	size_t nopen, nback, nkeep, ninputs;
};
int store_eval_count(struct store *st, tw_date today, struct eval_count *out,
		     struct tw_error *err);

#endif
