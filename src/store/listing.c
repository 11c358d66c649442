/*
 * Pages of the pipeline (listing.h) over the keyed-row helper, once for
 * both backends.
 */
#include "store/listing.h"
#include "core/momentum.h"
#include "core/pipeline.h"
#include "core/schema.h"
#include "store/deals.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/workspace.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- sorts ------------------------------------------------------------- */

/*
 * Each sort is a key of columns ending with a unique one (the tie: the
 * slug, or for urgency the deal's id, the order of the urgency index),
 * all ascending, so that a page starts after a row by one row-value
 * comparison. Absent dates and values sort last: they are read through
 * COALESCE as a day no date reaches, or the largest double. Both
 * backends give these keys back as text that binds back to the same
 * value.
 */
#define NO_DAY "'9999-12-31'"

static const struct sort_desc {
	const char *name;
	size_t nkey;			/* the tie included */
	const char *cols;		/* the key before the tie */
	enum row_type type[LISTING_KEY_MAX];	/* ROW_TEXT: a number */
	bool by_id;			/* the tie: d.id (else d.slug) */
} sorts[LIST_SORTS] = {
	[LIST_BY_SLUG] = { "slug", 1, "", { ROW_TEXT }, false },
	[LIST_BY_URGENCY] = { "urgency", 3,
		"COALESCE(e.worst, 4), COALESCE(e.progress, " NO_DAY ")",
		{ ROW_INT, ROW_DATE, ROW_INT }, true },
	[LIST_BY_VALUE] = { "value", 2, "COALESCE(-d.value, 1e308)",
		{ ROW_TEXT, ROW_TEXT }, false },
	[LIST_BY_FRESHNESS] = { "freshness", 2,
		"COALESCE(e.progress, " NO_DAY ")", { ROW_DATE, ROW_TEXT },
		false },
	[LIST_BY_WIN] = { "win", 2, "COALESCE(e.technical_win, " NO_DAY ")",
		{ ROW_DATE, ROW_TEXT }, false },
};

const char *
listing_sort_name(enum listing_sort s)
{
	return s < LIST_SORTS ? sorts[s].name : NULL;
}

int
listing_sort_parse(const char *s, enum listing_sort *out)
{
	for (int i = 0; i < LIST_SORTS; i++)
		if (s && !strcmp(s, sorts[i].name)) {
			*out = (enum listing_sort)i;
			return 0;
		}
	return -1;
}

/* ---- the statements ---------------------------------------------------- */

/*
 * Parameters: $1 se, $2 ae, $3 stage, $4 the search as a LIKE pattern,
 * $5 outcome ('' for any of them), $6 errors only (0, 1); a page's $7 is
 * its LIMIT, $8 whether it starts after a key, $9... that key; the
 * totals' $7 is today. SQLite's slug index is in byte order already; a
 * PostgreSQL database may sort text otherwise, so it says COLLATE "C".
 */
#define FILTERS                                                             \
	" ($1 = '' OR d.se = $1) AND ($2 = '' OR d.ae = $2)"                 \
	" AND ($3 = '' OR d.stage = $3) AND ($4 = '' OR lower(d.slug) LIKE"  \
	" $4 ESCAPE '\\' OR lower(d.account) LIKE $4 ESCAPE '\\')"          \
	" AND ($5 = '' OR d.outcome = $5) AND ($6 = 0 OR e.worst = 0)"
#define FROM_WHERE                                                          \
	" FROM deals d LEFT JOIN evaluations e ON e.deal_id = d.id WHERE"    \
	FILTERS

/*
 * Columns of a page's row: the key (padded to three, the tie last), then
 * the deal's fields from DEAL_COL on.
 */
enum { C_SLUG, C_WORST, C_WIN, C_P, C_KEY, DEAL_COL = C_KEY + 3 };

/*
 * The urgency index's walk (SQLite): the open deals of one worst rank
 * ($7) with a P, by P and id, then those without, by id; "after" starts
 * after ($9, $10) or $9. $8 is the LIMIT.
 */
enum { U_P, U_P_AFTER, U_NONE, U_NONE_AFTER, U_PARTS };

enum {
	L_PAGE = ROW_STMT_LISTING,	/* + 2 * sort + pg */
	L_TOTALS = L_PAGE + 2 * LIST_SORTS,	/* + pg */
	L_FINDINGS = L_TOTALS + 2,
	L_HOLIDAYS,
	L_VERSION,
	L_URGENT,			/* + U_* */
	L_WALK = L_URGENT + U_PARTS,	/* + sort - LIST_BY_FRESHNESS */
	L_MAX = L_WALK + 2
};

_Static_assert(L_MAX <= ROW_STMT_NOTIFY, "raise ROW_STMT_NOTIFY");

static struct row_stmt stmts[L_MAX - ROW_STMT_LISTING];
static pthread_once_t stmts_once = PTHREAD_ONCE_INIT;

static void
select_cols(struct strbuf *sb, const char *cols, size_t nkey, const char *tie)
{
	strbuf_addstr(sb, "SELECT d.slug, COALESCE(e.worst, 4), "
		      "e.technical_win, e.progress");
	strbuf_addf(sb, "%s%s", *cols ? ", " : "", cols);
	for (size_t i = nkey - 1; i < 2; i++)
		strbuf_addstr(sb, ", NULL");
	strbuf_addf(sb, ", %s", tie);
	add_column_list(sb, schema_deal.fields, schema_deal.nfields);
}

/* Key i of s as the statement's parameter $9 + i. */
static void
key_param(struct strbuf *sb, const struct sort_desc *s, size_t i)
{
	/* A number is bound as text: its exact digits. */
	strbuf_addf(sb, s->type[i] == ROW_TEXT && i + 1 < s->nkey
				? "CAST($%d AS DOUBLE PRECISION)"
				: "$%d", 9 + (int)i);
}

/*
 * A page of deals sorted by s. With walk, the evaluations are walked in
 * the order of their index on the sort's column (freshness, win), each
 * looking its deal up: only for pages where every deal selected is
 * evaluated. A sort by one column before the tie also says the column's
 * lower bound, $9 (no_key's lowest value on the first page), so that
 * SQLite starts the index on it where the page starts.
 */
static void
page_sql(struct strbuf *sb, const struct sort_desc *s, bool pg, bool walk)
{
	const char *tie = s->by_id ? "d.id" : pg ? "d.slug COLLATE \"C\""
						 : "d.slug";
	const char *sep = *s->cols ? ", " : "";

	select_cols(sb, s->cols, s->nkey, tie);
	strbuf_addstr(sb, walk ? " FROM evaluations e CROSS JOIN deals d "
				 "ON d.id = e.deal_id WHERE" FILTERS
			       : FROM_WHERE);
	if (s->nkey == 2 && *s->cols) {
		strbuf_addf(sb, " AND %s >= ", s->cols);
		key_param(sb, s, 0);
	}
	strbuf_addf(sb, " AND ($8 = 0 OR (%s%s%s) > (", s->cols, sep, tie);
	for (size_t i = 0; i < s->nkey; i++) {
		key_param(sb, s, i);
		strbuf_addstr(sb, i + 1 < s->nkey ? ", " : "");
	}
	strbuf_addf(sb, ")) ORDER BY %s%s%s LIMIT $7", s->cols, sep, tie);
}

static void
urgent_sql(struct strbuf *sb, int part)
{
	select_cols(sb, sorts[LIST_BY_URGENCY].cols, 3, "d.id");
	/* CROSS JOIN: SQLite walks the index, then looks the deal up. */
	strbuf_addstr(sb, " FROM evaluations e CROSS JOIN deals d "
		      "ON d.id = e.deal_id WHERE e.worst = $7 AND" FILTERS);
	switch (part) {
	case U_P:
		strbuf_addstr(sb, " AND e.progress IS NOT NULL");
		break;
	case U_P_AFTER:
		strbuf_addstr(sb, " AND e.progress IS NOT NULL AND "
			      "(e.progress, e.deal_id) > ($9, $10)");
		break;
	case U_NONE:
		strbuf_addstr(sb, " AND e.progress IS NULL");
		break;
	case U_NONE_AFTER:
		strbuf_addstr(sb, " AND e.progress IS NULL AND e.deal_id > $9");
		break;
	}
	strbuf_addstr(sb, part == U_P || part == U_P_AFTER
				  ? " ORDER BY e.progress, e.deal_id LIMIT $8"
				  : " ORDER BY e.deal_id LIMIT $8");
}

/*
 * The details of a page are read DETAIL_BATCH deals at a time: the
 * PostgreSQL backend binds at most 32 values (MAX_PARAMS).
 */
#define DETAIL_BATCH 25

static void
batch_params(struct strbuf *sb)
{
	for (int i = 1; i <= DETAIL_BATCH; i++)
		strbuf_addf(sb, "%s$%d", i > 1 ? ", " : "", i);
}

static void
stmts_build(void)
{
	struct strbuf sb = STRBUF_INIT;

	for (int s = 0; s < LIST_SORTS; s++)
		for (int pg = 0; pg < 2; pg++) {
			struct row_stmt *q = &stmts[2 * s + pg];

			page_sql(&sb, &sorts[s], pg, false);
			q->id = L_PAGE + 2 * s + pg;
			q->sql = strbuf_detach(&sb, NULL);
		}
	for (int s = LIST_BY_FRESHNESS; s <= LIST_BY_WIN; s++) {
		struct row_stmt *q =
			&stmts[L_WALK + s - LIST_BY_FRESHNESS - ROW_STMT_LISTING];

		page_sql(&sb, &sorts[s], false, true);
		q->id = L_WALK + s - LIST_BY_FRESHNESS;
		q->sql = strbuf_detach(&sb, NULL);
	}
	for (int pg = 0; pg < 2; pg++) {
		struct row_stmt *q = &stmts[L_TOTALS - ROW_STMT_LISTING + pg];

		strbuf_addf(&sb,
			    "SELECT d.currency, count(*), "
			    "count(CASE WHEN e.worst = 0 THEN 1 END), "
			    "sum(CASE WHEN e.worst = 0 THEN d.value END), "
			    "sum(CASE WHEN d.outcome = 'open' AND "
			    "(e.deal_id IS NULL OR e.stale <> 0 OR "
			    "e.evaluated_on > $7 OR e.recheck_on <= $7) "
			    "THEN 1 ELSE 0 END)" FROM_WHERE
			    " GROUP BY d.currency ORDER BY d.currency%s",
			    pg ? " COLLATE \"C\"" : "");
		q->id = L_TOTALS + pg;
		q->sql = strbuf_detach(&sb, NULL);
	}
	for (int u = 0; u < U_PARTS; u++) {
		struct row_stmt *q = &stmts[L_URGENT - ROW_STMT_LISTING + u];

		urgent_sql(&sb, u);
		q->id = L_URGENT + u;
		q->sql = strbuf_detach(&sb, NULL);
	}
	/* A batch of deals by slug: $1 to $DETAIL_BATCH, "" for none. */
	/* In no order: sorting the messages cost more than the rest. */
	strbuf_addstr(&sb, "SELECT d.slug, f.rule, f.subject, f.severity, "
		      "f.snoozed, f.message, f.ack_until, f.pos FROM findings f "
		      "JOIN deals d ON d.id = f.deal_id WHERE d.slug IN (");
	batch_params(&sb);
	strbuf_addstr(&sb, ")");
	stmts[L_FINDINGS - ROW_STMT_LISTING] = (struct row_stmt){
		L_FINDINGS, false, strbuf_detach(&sb, NULL), false };
	strbuf_addstr(&sb, "SELECT d.slug, h.day FROM holidays h "
		      "JOIN deals d ON d.id = h.deal_id WHERE d.slug IN (");
	batch_params(&sb);
	strbuf_addstr(&sb, ")");
	stmts[L_HOLIDAYS - ROW_STMT_LISTING] = (struct row_stmt){
		L_HOLIDAYS, false, strbuf_detach(&sb, NULL), false };
	/* What changes when any connection writes: SQLite's own. */
	stmts[L_VERSION - ROW_STMT_LISTING] = (struct row_stmt){
		L_VERSION, false,
		"SELECT data_version, total_changes() FROM pragma_data_version",
		false };
}

static const struct row_stmt *
stmt(int id)
{
	pthread_once(&stmts_once, stmts_build);
	return &stmts[id - ROW_STMT_LISTING];
}

/* ---- reading a page ---------------------------------------------------- */

void
listing_release(struct listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct listing_row *r = &l->rows[i];

		deal_release(&r->deal);
		free(r->rule);
		free(r->subject);
		free(r->message);
		for (size_t k = 0; k < r->nkey; k++)
			free(r->key[k]);
	}
	free(l->rows);
	for (size_t i = 0; i < l->ntotals; i++)
		free(l->totals[i].currency);
	free(l->totals);
	memset(l, 0, sizeof(*l));
}

struct page_walk {
	struct store *st;
	const struct sort_desc *sort;
	struct listing *out;
	size_t limit;
};

static int
cell_date(const char *text, tw_date *out)
{
	*out = DATE_NONE;
	return text && date_parse(text, out, NULL) < 0 ? -1 : 0;
}

static int
page_row(const char *const *c, size_t ncols, void *arg, struct tw_error *err)
{
	struct page_walk *w = arg;
	struct listing *l = w->out;
	struct listing_row *r;
	size_t col = DEAL_COL;

	if (ncols < DEAL_COL || !c[C_SLUG] || !c[C_WORST])
		return store_corrupt(w->st, "row", "", err);
	if (l->n == w->limit) {	/* the one past the page */
		l->more = true;
		return 0;
	}
	ALLOC_GROW(l->rows, l->n + 1, l->alloc);
	r = &l->rows[l->n++];
	memset(r, 0, sizeof(*r));
	deal_init(&r->deal);
	r->deal.slug = xstrdup(c[C_SLUG]);
	r->worst = atoi(c[C_WORST]);
	if (cell_date(c[C_WIN], &r->technical_win) < 0)
		return store_corrupt(w->st, "technical_win", c[C_WIN], err);
	if (cell_date(c[C_P], &r->progress) < 0)
		return store_corrupt(w->st, "progress", c[C_P], err);
	for (size_t k = 0; k + 1 < w->sort->nkey; k++)
		r->key[r->nkey++] = xstrdup(c[C_KEY + k] ? c[C_KEY + k] : "");
	r->key[r->nkey++] = xstrdup(c[C_KEY + 2] ? c[C_KEY + 2] : "");
	for (size_t i = 0; i < schema_deal.nfields; i++) {
		const struct field *f = &schema_deal.fields[i];

		if (f->type == F_LIST)
			continue;
		if (col >= ncols)
			return store_corrupt(w->st, "row", "", err);
		if (c[col] && field_parse(f, &r->deal, f->name, c[col], NULL) < 0)
			return store_corrupt(w->st, f->name, c[col], err);
		col++;
	}
	return 0;
}

/* The row of l's rows[from..to) whose slug is slug, or NULL. */
static struct listing_row *
row_of(struct listing *l, size_t from, size_t to, const char *slug)
{
	for (size_t i = from; slug && i < to; i++)
		if (!strcmp(l->rows[i].deal.slug, slug))
			return &l->rows[i];
	return NULL;
}

/*
 * The findings (the first and the counts) and holidays of l's rows
 * [from, to), at most DETAIL_BATCH of them, in two statements; then
 * freshness and the days since the win.
 */
static int
batch_details(struct store *st, struct listing *l, size_t from, size_t to,
	      tw_date today, const struct workspace *ws, struct tw_error *err)
{
	struct row_value v[DETAIL_BATCH];
	struct holidays wsh = workspace_days(ws);
	struct row_result res;
	int rc;

	for (size_t i = 0; i < DETAIL_BATCH; i++)
		v[i] = (struct row_value)ROW_TEXT(
			from + i < to ? l->rows[from + i].deal.slug : "");
	if ((rc = st->ops->rows(st, stmt(L_FINDINGS), v, DETAIL_BATCH, &res,
				err)) < 0)
		return rc;
	for (size_t i = 0; i < res.nrows; i++) {
		struct listing_row *r = row_of(l, from, to, row_text(&res, i, 0));
		bool snoozed = row_int(&res, i, 4) != 0;
		bool acked = row_text(&res, i, 6) != NULL;
		const char *sev = row_text(&res, i, 3);

		long long pos = row_int(&res, i, 7);

		if (!r)
			continue;
		if (!r->rule || pos < r->first_pos) {	/* the first, by pos */
			free(r->rule);
			free(r->subject);
			free(r->message);
			r->first_pos = pos;
			r->rule = row_take(&res, i, 1);
			r->subject = row_take(&res, i, 2);
			r->message = row_take(&res, i, 5);
			r->snoozed = snoozed;
			r->acknowledged = acked;
		}
		if (!snoozed && !acked)
			*(sev && !strcmp(sev, "error") ? &r->nerr
						       : &r->nwarn) += 1;
	}
	row_result_release(&res);
	if ((rc = st->ops->rows(st, stmt(L_HOLIDAYS), v, DETAIL_BATCH, &res,
				err)) < 0)
		return rc;
	for (size_t i = 0; i < res.nrows && rc == 0; i++) {
		struct listing_row *r = row_of(l, from, to, row_text(&res, i, 0));
		tw_date t;

		if (cell_date(row_text(&res, i, 1), &t) < 0 || !t)
			rc = store_corrupt(st, "holiday", row_text(&res, i, 1),
					   err);
		else if (r)
			deal_add_holiday(&r->deal, t);
	}
	row_result_release(&res);
	for (size_t i = from; i < to && rc == 0; i++) {
		struct listing_row *r = &l->rows[i];
		struct holidays h;
		tw_date *buf;

		h = deal_merged_holidays(&r->deal, &wsh, &buf);
		/* The first finding's message, kept in its stored form. */
		if (r->message && finding_has_tokens(r->message)) {
			struct strbuf text = STRBUF_INIT;

			finding_render(r->message, &ws->momentum, &h, &text);
			free(r->message);
			r->message = strbuf_detach(&text, NULL);
		}
		r->has_freshness = r->technical_win != DATE_NONE;
		if (r->has_freshness) {
			r->freshness = freshness_score(r->progress, today, &h,
						       ws->momentum.half_life);
			r->win_days = today - r->technical_win;
			r->win_bdays = date_bdays_between(r->technical_win,
							  today, &h);
		}
		free(buf);
	}
	return rc;
}

/* The filter's parameters, $1 to $6; pattern is the search's buffer. */
static void
filter_values(const struct listing_query *q, struct strbuf *pattern,
	      struct row_value *v)
{
	const char *s = q->search && *q->search ? q->search : NULL;

	if (s) {
		strbuf_addch(pattern, '%');
		for (; *s; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				strbuf_addch(pattern, '\\');
			strbuf_addch(pattern, *s >= 'A' && *s <= 'Z'
						      ? *s - 'A' + 'a' : *s);
		}
		strbuf_addch(pattern, '%');
	}
	v[0] = (struct row_value)ROW_TEXT(q->se ? q->se : "");
	v[1] = (struct row_value)ROW_TEXT(q->ae ? q->ae : "");
	v[2] = (struct row_value)ROW_TEXT(q->stage ? q->stage : "");
	v[3] = (struct row_value)ROW_TEXT(pattern->len ? pattern->buf : "");
	v[4] = (struct row_value)ROW_TEXT(
		q->outcome >= 0 ? outcome_name((enum outcome)q->outcome) : "");
	v[5] = (struct row_value)ROW_INT(q->errors_only);
}

/*
 * The totals, and how many selected open deals are not valid for today.
 * Counting them reads every deal the filter selects; SQLite's answer is
 * kept, per thread, until any connection writes (data_version for the
 * others' commits, total_changes() for its own) or the day or filter
 * changes: paging through the pipeline counts once. Each connection
 * (st->kept) keeps its own.
 */
#define TOTALS_KEPT 4

struct totals_kept {
	long long version, changes;
	tw_date today;
	char *filter;		/* NULL: none kept here */
	struct listing totals;	/* only the totals */
	size_t invalid;
};

/* Each store (connection) keeps its own: one thread uses it at a time. */
struct listing_kept {
	struct totals_kept k[TOTALS_KEPT];
	unsigned next;
};

void
listing_kept_free(struct store *st)
{
	if (!st->kept)
		return;
	for (size_t i = 0; i < TOTALS_KEPT; i++) {
		free(st->kept->k[i].filter);
		listing_release(&st->kept->k[i].totals);
	}
	free(st->kept);
	st->kept = NULL;
}

static void
totals_copy(struct listing *dst, const struct listing *src)
{
	for (size_t i = 0; i < dst->ntotals; i++)
		free(dst->totals[i].currency);
	dst->ntotals = 0;
	for (size_t i = 0; i < src->ntotals; i++) {
		ALLOC_GROW(dst->totals, dst->ntotals + 1, dst->talloc);
		dst->totals[dst->ntotals] = src->totals[i];
		dst->totals[dst->ntotals++].currency =
			xstrdup_or_null(src->totals[i].currency);
	}
	dst->count = src->count;
	dst->nerr = src->nerr;
}

/* The filter's values, as one string. */
static char *
filter_key(const struct row_value *v)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < 6; i++) {
		if (v[i].type == ROW_INT)
			strbuf_addf(&sb, "%lld", v[i].num);
		else
			strbuf_addstr(&sb, v[i].text ? v[i].text : "");
		strbuf_addch(&sb, '\0');
	}
	return strbuf_detach(&sb, NULL);
}

static bool
same_filter(const char *a, const char *b)
{
	for (int i = 0; i < 6; i++) {
		if (strcmp(a, b))
			return false;
		a += strlen(a) + 1;
		b += strlen(b) + 1;
	}
	return true;
}

/* SQLite's data_version and total_changes(); false if unknown. */
static bool
store_version(struct store *st, long long *version, long long *changes)
{
	struct tw_error err = { 0 };
	struct row_result r;
	bool ok;

	if (strcmp(st->ops->name, "sqlite"))
		return false;
	ok = st->ops->rows(st, stmt(L_VERSION), NULL, 0, &r, &err) == 0 &&
	     r.nrows == 1 && row_text(&r, 0, 0) && row_text(&r, 0, 1);
	if (ok) {
		*version = row_int(&r, 0, 0);
		*changes = row_int(&r, 0, 1);
	}
	row_result_release(&r);
	tw_error_clear(&err);
	return ok;
}

static int
count_totals(struct store *st, const struct row_value *fv, tw_date today,
	     bool pg, struct listing *out, size_t *invalid,
	     struct tw_error *err)
{
	char day[DATE_BUFSZ];
	struct row_value v[7];
	struct row_result res;
	int rc;

	memcpy(v, fv, 6 * sizeof(*v));
	v[6] = (struct row_value)ROW_DATE(date_format(today, day));
	if ((rc = st->ops->rows(st, stmt(L_TOTALS + pg), v, 7, &res, err)) < 0)
		return rc;
	for (size_t i = 0; i < out->ntotals; i++)
		free(out->totals[i].currency);
	out->ntotals = out->count = out->nerr = *invalid = 0;
	for (size_t i = 0; i < res.nrows; i++) {
		struct listing_total *t;

		ALLOC_GROW(out->totals, out->ntotals + 1, out->talloc);
		t = &out->totals[out->ntotals++];
		t->currency = row_take(&res, i, 0);
		t->n = (size_t)row_int(&res, i, 1);
		t->nerr = (size_t)row_int(&res, i, 2);
		t->at_stake = row_text(&res, i, 3)
				      ? strtod(row_text(&res, i, 3), NULL) : 0;
		out->count += t->n;
		out->nerr += t->nerr;
		*invalid += (size_t)row_int(&res, i, 4);
	}
	row_result_release(&res);
	return 0;
}

static int
read_totals(struct store *st, const struct row_value *fv, tw_date today,
	    bool pg, struct listing *out, size_t *invalid,
	    struct tw_error *err)
{
	long long version = 0, changes = 0, v2, c2;
	bool known = store_version(st, &version, &changes);
	char *filter = filter_key(fv);
	struct totals_kept *k;
	int rc;

	if (known && !st->kept)
		st->kept = xcalloc(1, sizeof(*st->kept));
	for (size_t i = 0; known && i < TOTALS_KEPT; i++) {
		k = &st->kept->k[i];
		if (k->version == version &&
		    k->changes == changes && k->today == today && k->filter &&
		    same_filter(k->filter, filter)) {
			totals_copy(out, &k->totals);
			*invalid = k->invalid;
			free(filter);
			return 0;
		}
	}
	rc = count_totals(st, fv, today, pg, out, invalid, err);
	/* Kept only when nothing was written meanwhile. */
	if (rc == 0 && known && store_version(st, &v2, &c2) &&
	    v2 == version && c2 == changes) {
		k = &st->kept->k[st->kept->next++ % TOTALS_KEPT];
		free(k->filter);
		k->version = version;
		k->changes = changes;
		k->today = today;
		k->filter = filter;
		k->invalid = *invalid;
		totals_copy(&k->totals, out);
		filter = NULL;
	}
	free(filter);
	return rc;
}

/* The cursor's key as q->sort's parameters $9...; TW_EUSAGE if it is not. */
static int
key_values(const struct listing_query *q, const struct sort_desc *s,
	   struct row_value *v, struct tw_error *err)
{
	for (size_t i = 0; i < s->nkey; i++) {
		const char *k = q->after[i];
		enum row_type type = s->type[i];
		bool number = type == ROW_TEXT && i + 1 < s->nkey;
		bool ok = k != NULL && *k;
		tw_date d;
		char *end;

		if (ok && type == ROW_INT) {
			v[i] = (struct row_value)ROW_INT(strtoll(k, &end, 10));
			ok = !*end;
		} else if (ok && type == ROW_DATE) {
			v[i] = (struct row_value)ROW_DATE(k);
			ok = date_parse(k, &d, NULL) == 0 ||
			     !strcmp(k, "9999-12-31");
		} else if (ok) {
			v[i] = (struct row_value)ROW_TEXT(k);
			if (number) {
				strtod(k, &end);
				ok = !*end;
			}
		}
		if (!ok)
			return tw_error_set(err, TW_EUSAGE, "cursor: not a "
					    "cursor of this list sorted by %s",
					    s->name);
	}
	return 0;
}

static bool
given(const char *s)
{
	return s && *s;
}

/*
 * Values of the types the SQL reads, for a key no cursor gave: each the
 * lowest of its kind, as page_sql's lower bound reads the first.
 */
static void
no_key(const struct sort_desc *s, struct row_value *v)
{
	for (size_t i = 0; i < s->nkey; i++)
		v[i] = s->type[i] == ROW_INT ? (struct row_value)ROW_INT(0)
		       : s->type[i] == ROW_DATE
			       ? (struct row_value)ROW_DATE("0001-01-01")
			       : (struct row_value)ROW_TEXT(
					 "-1.7976931348623157e308");
}

/*
 * The urgency index's walk (SQLite, open deals, every one evaluated):
 * each worst rank in turn, those with a P and then those without, from
 * the cursor's on, until the page (and the one row past it) is full. As
 * the generic statement orders them: (worst, P or NO_DAY, id).
 */
static int
urgent_walk(struct store *st, const struct listing_query *q,
	    struct row_value *v, struct page_walk *w, struct tw_error *err)
{
	long long w0 = q->nafter ? v[8].num : 0;
	bool none0 = q->nafter && !strcmp(v[9].text, "9999-12-31");
	int rc = 0;

	for (long long rank = w0; rank <= FINDING_RANKS && rc == 0; rank++)
		for (int none = 0; none < 2 && rc == 0; none++) {
			bool at = q->nafter && rank == w0;
			struct row_value u[10];
			int part;
			size_t nv = 8;

			if (w->out->n > w->limit || w->out->more)
				return 0;
			if (at && none < none0)
				continue;	/* before the cursor */
			memcpy(u, v, 6 * sizeof(*u));
			u[6] = (struct row_value)ROW_INT(rank);
			u[7] = (struct row_value)ROW_INT(
				(long long)(w->limit + 1 - w->out->n));
			if (!none) {
				part = at ? U_P_AFTER : U_P;
				if (at) {
					u[8] = v[9];
					u[9] = v[10];
					nv = 10;
				}
			} else {
				part = at && none0 ? U_NONE_AFTER : U_NONE;
				if (at && none0) {
					u[8] = v[10];
					nv = 9;
				}
			}
			rc = store_rows_each(st, stmt(L_URGENT + part), u, nv,
					     page_row, w, err);
		}
	return rc;
}

int
store_listing(struct store *st, const struct listing_query *q,
	      tw_date today, bool totals, struct listing *out,
	      struct tw_error *err)
{
	const struct sort_desc *s = &sorts[q->sort];
	bool pg = strcmp(st->ops->name, "sqlite") != 0;
	bool evals = q->sort == LIST_BY_URGENCY ||
		     q->sort == LIST_BY_FRESHNESS || q->sort == LIST_BY_WIN ||
		     q->errors_only;
	struct strbuf pattern = STRBUF_INIT;
	struct row_value v[8 + LISTING_KEY_MAX];
	struct workspace ws;
	struct page_walk w = { st, s, out, q->limit };
	size_t invalid = 0;
	bool walk;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&ws, 0, sizeof(ws));
	if (q->nafter && q->nafter != s->nkey)
		return tw_error_set(err, TW_EUSAGE, "cursor: not a cursor of "
				    "this list sorted by %s", s->name);
	filter_values(q, &pattern, v);
	if (q->nafter)
		rc = key_values(q, s, &v[8], err);
	else
		no_key(s, &v[8]);
	/*
	 * The totals count what is not valid for today among the deals
	 * selected: those are re-evaluated and kept first, once.
	 */
	if (rc == 0 && (totals || evals) &&
	    (rc = read_totals(st, v, today, pg, out, &invalid, err)) == 0 &&
	    invalid) {
		if ((rc = store_eval_refresh(st, today, err)) == 0)
			rc = read_totals(st, v, today, pg, out, &invalid, err);
	}
	if (rc < 0)
		goto out;
	v[6] = (struct row_value)ROW_INT((long long)q->limit + 1);
	v[7] = (struct row_value)ROW_INT(q->nafter != 0);
	/*
	 * The open deals by urgency, freshness or win, every one of them
	 * evaluated: SQLite walks the evaluations' index of the sort,
	 * reading the page's rows only (by value, the statement walks the
	 * deals' own index). Not with a filter on the deal: the walk would
	 * look up every deal it passes (3 times slower than the
	 * statement's one scan when few match).
	 */
	walk = q->outcome == OUTCOME_OPEN && !pg && !invalid && !given(q->se) &&
	       !given(q->ae) && !given(q->stage) && !given(q->search);
	if (walk && q->sort == LIST_BY_URGENCY)
		rc = urgent_walk(st, q, v, &w, err);
	else if (walk && (q->sort == LIST_BY_FRESHNESS ||
			  q->sort == LIST_BY_WIN))
		rc = store_rows_each(st, stmt(L_WALK + (int)q->sort -
					       LIST_BY_FRESHNESS),
				     v, 8 + s->nkey, page_row, &w, err);
	else
		rc = store_rows_each(st, stmt(L_PAGE + 2 * (int)q->sort + pg),
				     v, 8 + s->nkey, page_row, &w, err);
	if (rc == 0 && q->details && out->n &&
	    (rc = workspace_load(st, &ws, err)) == 0)
		for (size_t i = 0; i < out->n && rc == 0; i += DETAIL_BATCH)
			rc = batch_details(st, out, i,
					   i + DETAIL_BATCH < out->n
						   ? i + DETAIL_BATCH : out->n,
					   today, &ws, err);
out:
	workspace_release(&ws);
	strbuf_release(&pattern);
	if (rc < 0)
		listing_release(out);
	return rc;
}
