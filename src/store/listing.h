/*
 * Pages of the pipeline (issue 14): the deals a filter selects, in one of
 * a few orders, a page at a time by keyset (the last row's sort key, never
 * an OFFSET, so a write between two pages neither repeats nor skips a row
 * the write did not move), with the totals of everything the filter
 * selects. Only the page's rows are read: the pipeline page, /api/deals
 * and /api/check cost the same at 100k deals as at 100. Urgency comes
 * from the kept evaluations (store/findings.h), refreshed first where
 * they are not valid for today, as check refreshes them.
 */
#ifndef TW_STORE_LISTING_H
#define TW_STORE_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "store/store.h"
#include "util/error.h"

enum listing_sort {
	LIST_BY_SLUG,		/* a to z */
	LIST_BY_URGENCY,	/* worst finding first, then the stalest P */
	LIST_BY_VALUE,		/* largest first, no value last */
	LIST_BY_FRESHNESS,	/* least fresh (oldest P) first, no win last */
	LIST_BY_WIN,		/* longest since the technical win first */
	LIST_SORTS
};

/* "slug", "urgency", "value", "freshness", "win"; parse: -1 if unknown. */
const char *listing_sort_name(enum listing_sort s);
int listing_sort_parse(const char *s, enum listing_sort *out);

/* A page's keyset cursor has at most this many fields. */
#define LISTING_KEY_MAX 3

struct listing_query {
	const char *se, *ae, *stage;	/* NULL or "": any */
	const char *search;		/* in account or slug, any case */
	int outcome;			/* enum outcome, or -1: any */
	bool errors_only;		/* an error neither snoozed nor acked */
	enum listing_sort sort;
	size_t limit;			/* rows a page, >= 1 */
	bool details;			/* findings, freshness: the page's */
	/* The key of the last row of the previous page, or nafter == 0. */
	const char *after[LISTING_KEY_MAX];
	size_t nafter;
};

/*
 * One deal of a page: its own fields (no children), what is kept of its
 * evaluation, and the first of its findings (the worst: the report lists
 * the most severe first). Freshness and the days since the win are as of
 * today, counted with the deal's and the workspace's holidays.
 */
struct listing_row {
	struct deal deal;
	int worst;			/* finding_rank(); FINDING_RANKS: none */
	tw_date technical_win, progress;
	bool has_freshness;
	double freshness;
	int win_days, win_bdays;
	char *rule, *subject, *message;	/* the first finding, or NULL */
	long long first_pos;		/* its place in the deal's findings */
	bool snoozed, acknowledged;
	size_t nerr, nwarn;		/* neither snoozed nor acknowledged */
	char *key[LISTING_KEY_MAX];	/* this row's sort key, for a cursor */
	size_t nkey;
};

/* Totals over every deal the filter selects, by currency. */
struct listing_total {
	char *currency;			/* NULL: none given */
	size_t n, nerr;			/* deals, deals with errors */
	double at_stake;		/* the value of those with errors */
};

struct listing {
	struct listing_row *rows;
	size_t n, alloc;
	bool more;			/* another page follows */
	struct listing_total *totals;
	size_t ntotals, talloc;
	size_t count, nerr;		/* over every currency */
};

/*
 * The page q asks for, as of today. A cursor (q->after) that is no key
 * of q->sort is TW_EUSAGE ("cursor: ..."). Deals whose evaluation is not
 * valid for today are re-evaluated and kept first (when the database can
 * be written; else the page sorts by what is kept, as it was last
 * evaluated). With totals, out->totals and the counts are filled.
 */
int store_listing(struct store *st, const struct listing_query *q,
		  tw_date today, bool totals, struct listing *out,
		  struct tw_error *err);
void listing_release(struct listing *l);

#endif
