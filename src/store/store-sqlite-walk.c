/*
 * The SQLite backend: walking every deal with its children, one at a
 * time or in parts at once on helper connections (deal_each,
 * deal_each_parts).
 */
#include "store/diff.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store-sqlite.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- every deal, one at a time ----------------------------------------- */

/*
 * deal_each walks the deals by slug with one more cursor per child table,
 * each ordered the same way (by the deal's slug), so one pass merges them:
 * a deal's children are the rows the cursors are on while their deal id is
 * the deal's. Eight statements for the whole pipeline instead of eight per
 * deal; they are prepared per walk, not at open, since only pipeline
 * reports need them. A deal's children come in key order (the primary
 * key) and are put in position order here: ordering by position in SQL
 * costs a sorter per deal and per table, a quarter of the walk.
 */
struct each_cursor {
	sqlite3_stmt *stmt;
	bool on_row;
};

/* Where a walk is: its deals, its slugs from <= slug < to (NULL: open). */
struct each_walk {
	bool open_only;
	const char *from, *to;
	/* Only these deals (in byte order), when listed: the run's. */
	const char *const *slugs;
	size_t nslugs;
	bool listed;
	size_t part;
	int (*fn)(size_t part, const struct deal *d, void *arg,
		  struct tw_error *err);
	void *arg;
	atomic_bool *stop;	/* set by a part that failed; may be NULL */
};

static void
each_where(const struct each_walk *w, struct strbuf *sb)
{
	const char *and = " WHERE";

	if (w->open_only && !w->listed) {
		strbuf_addf(sb, "%s d.outcome = 'open'", and);
		and = " AND";
	}
	if (w->listed)		/* each_unkept took the run */
		return;
	if (w->from) {
		strbuf_addf(sb, "%s d.slug >= ?1", and);
		and = " AND";
	}
	if (w->to)
		strbuf_addf(sb, "%s d.slug < ?2", and);
}

/*
 * The deals the walk reads, and their order: when listed, from the
 * temporary table each_unkept fills, so that each cursor reads only
 * those deals rather than testing every deal.
 */
static void
each_from(const struct each_walk *w, struct strbuf *sb)
{
	strbuf_addstr(sb, w->listed ? " FROM temp.unkept u JOIN deals d "
					 "ON d.id = u.id"
				       : " FROM deals d");
}

static const char *
each_order(const struct each_walk *w)
{
	return w->listed ? "u.slug" : "d.slug";
}

/*
 * A child table's rows, as " FROM ... c": a listed walk needs no deal
 * row for them (temp.unkept has the ids, of open deals only).
 */
static void
each_child_from(const struct each_walk *w, const char *table,
		struct strbuf *sb)
{
	if (w->listed)
		strbuf_addf(sb, " FROM temp.unkept u JOIN %s c "
			    "ON c.deal_id = u.id", table);
	else
		strbuf_addf(sb, " FROM deals d JOIN %s c ON c.deal_id = d.id",
			    table);
}

/* The listed deals of w's run, into temp.unkept. */
static int
each_unkept(struct sqlite_store *s, const struct each_walk *w,
	    struct tw_error *err)
{
	sqlite3_stmt *stmt;
	size_t lo = 0, hi = w->nslugs;
	int rc;

	rc = sqlite3_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS unkept "
			  "(slug TEXT PRIMARY KEY, id INTEGER NOT NULL) "
			  "WITHOUT ROWID; DELETE FROM temp.unkept",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sqlite_sql_fail(s, rc, err);
	rc = sqlite_prepare(s, "INSERT OR IGNORE INTO temp.unkept "
			    "SELECT slug, id FROM deals WHERE slug = ?1 AND "
			    "(?2 = 0 OR outcome = 'open')", &stmt, err);
	if (rc)
		return rc;
	/* The first slug of the run, then each one before its end. */
	while (w->from && lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(w->slugs[mid], w->from) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_bind_int(stmt, 2, w->open_only);
	for (size_t i = lo; i < w->nslugs && rc == 0; i++) {
		if (w->to && strcmp(w->slugs[i], w->to) >= 0)
			break;
		sqlite3_bind_text(stmt, 1, w->slugs[i], -1, SQLITE_STATIC);
		if (sqlite3_step(stmt) != SQLITE_DONE)
			rc = sqlite_sql_fail(s, sqlite3_errcode(s->db), err);
		sqlite3_reset(stmt);
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * SQL of cursor t: a child table, phase_criteria at SCHEMA_NTABLES, the deals
 * themselves at SCHEMA_NTABLES + 1.
 */
static void
each_sql(size_t t, const struct each_walk *w, struct strbuf *sb)
{
	if (t == SCHEMA_NTABLES + 1) {
		strbuf_addstr(sb, "SELECT d.id, d.slug");
		add_column_list(sb, schema_deal.fields, schema_deal.nfields);
		each_from(w, sb);
		each_where(w, sb);
		strbuf_addf(sb, " ORDER BY %s", each_order(w));
		return;
	}
	if (t == SCHEMA_NTABLES) {
		strbuf_addstr(sb, "SELECT c.deal_id, c.number, c.criterion");
		each_child_from(w, "phase_criteria", sb);
		each_where(w, sb);
		strbuf_addf(sb, " ORDER BY %s, c.number, c.pos",
			    each_order(w));
		return;
	}
	strbuf_addstr(sb, "SELECT c.deal_id, c.pos");
	for (size_t i = 0; i < schema_tables[t].nfields; i++)
		if (field_in_row(&schema_tables[t].fields[i]))
			strbuf_addf(sb, ", c.\"%s\"",
				    schema_tables[t].fields[i].name);
	each_child_from(w, schema_tables[t].sql, sb);
	each_where(w, sb);
	strbuf_addf(sb, " ORDER BY %s", each_order(w));
}

static int
each_step(struct sqlite_store *s, struct each_cursor *c, struct tw_error *err)
{
	int rc = sqlite3_step(c->stmt);

	c->on_row = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE
		   ? 0
		   : sqlite_sql_fail(s, rc, err);
}

/* True while cursor c is on a row of deal id. */
static bool
each_at(const struct each_cursor *c, long long id)
{
	return c->on_row && sqlite3_column_int64(c->stmt, 0) == id;
}

/* Room for any one child, to swap two of them. */
union any_child {
	tw_date holiday;
	struct criterion criterion;
	struct event event;
	struct risk risk;
	struct phase phase;
	struct step step;
	struct touch touch;
};

/* Insertion sort of a deal's children of table tb (few) by pos. */
static void
each_sort(const struct schema_table *tb, struct deal *d, long long *pos, size_t n)
{
	size_t size;
	union any_child tmp;

	if (n < 2)
		return;
	size = (size_t)((char *)tb->at(d, 1) - (char *)tb->at(d, 0));
	for (size_t i = 1; i < n; i++) {
		long long p = pos[i];
		size_t j = i;

		memcpy(&tmp, tb->at(d, i), size);
		for (; j > 0 && pos[j - 1] > p; j--) {
			pos[j] = pos[j - 1];
			memcpy(tb->at(d, j), tb->at(d, j - 1), size);
		}
		pos[j] = p;
		memcpy(tb->at(d, j), &tmp, size);
	}
}

/* Read deal id's children from every cursor into d, in position order. */
static int
each_children(struct sqlite_store *s, struct each_cursor *cur, long long id,
	      struct deal *d, struct tw_error *err)
{
	struct phase_finder finder = PHASE_FINDER_INIT;
	long long *pos = NULL;
	size_t alloc = 0;
	int rc = 0;

	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++) {
		const struct schema_table *tb = &schema_tables[t];
		size_t n = 0;

		while (!rc && each_at(&cur[t], id)) {
			ALLOC_GROW(pos, n + 1, alloc);
			pos[n++] = sqlite3_column_int64(cur[t].stmt, 1);
			rc = sqlite_read_fields(s, cur[t].stmt, 2, tb->fields,
						tb->nfields, tb->add(d), err);
			if (!rc)
				rc = each_step(s, &cur[t], err);
		}
		if (!rc)
			each_sort(tb, d, pos, n);
	}
	free(pos);
	while (!rc && each_at(&cur[SCHEMA_NTABLES], id)) {
		sqlite3_stmt *stmt = cur[SCHEMA_NTABLES].stmt;

		deal_phase_add_criterion(
			d, sqlite3_column_int(stmt, 1),
			(const char *)sqlite3_column_text(stmt, 2), &finder);
		rc = each_step(s, &cur[SCHEMA_NTABLES], err);
	}
	phase_finder_release(&finder);
	return rc;
}

/*
 * One walk on connection s, inside a read transaction the caller holds:
 * every deal of w's run of slugs to w->fn. Stops early, returning 0, once
 * another part has failed.
 */
static int
each_walk(struct sqlite_store *s, const struct each_walk *w,
	  struct tw_error *err)
{
	struct each_cursor cur[SCHEMA_NTABLES + 2];
	struct each_cursor *deals = &cur[SCHEMA_NTABLES + 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	memset(cur, 0, sizeof(cur));
	if (w->listed)
		rc = each_unkept(s, w, err);
	for (size_t t = 0; t <= SCHEMA_NTABLES + 1 && !rc; t++) {
		strbuf_reset(&sb);
		each_sql(t, w, &sb);
		rc = sqlite_prepare(s, sb.buf, &cur[t].stmt, err);
		if (!rc && w->from && !w->listed)
			sqlite3_bind_text(cur[t].stmt, 1, w->from, -1,
					  SQLITE_STATIC);
		if (!rc && w->to && !w->listed)
			sqlite3_bind_text(cur[t].stmt, 2, w->to, -1,
					  SQLITE_STATIC);
		if (!rc && t <= SCHEMA_NTABLES)
			rc = each_step(s, &cur[t], err);
	}
	while (!rc && !(rc = each_step(s, deals, err)) && deals->on_row) {
		struct deal d;
		long long id;

		if (w->stop && atomic_load_explicit(w->stop,
						    memory_order_relaxed))
			break;
		deal_init(&d);
		rc = sqlite_read_deal_row(s, deals->stmt, &d, &id, err);
		if (!rc)
			rc = each_children(s, cur, id, &d, err);
		if (!rc)
			rc = w->fn(w->part, &d, w->arg, err);
		deal_release(&d);
	}
	if (rc && w->stop)
		atomic_store(w->stop, true);
	for (size_t t = 0; t <= SCHEMA_NTABLES + 1; t++)
		sqlite3_finalize(cur[t].stmt);
	strbuf_release(&sb);
	return rc;
}

/* deal_each's callback, behind each_walk's. */
struct each_plain {
	int (*fn)(const struct deal *d, void *arg, struct tw_error *err);
	void *arg;
};

static int
each_plain_fn(size_t part, const struct deal *d, void *arg,
	      struct tw_error *err)
{
	struct each_plain *p = arg;

	(void)part;
	return p->fn(d, p->arg, err);
}

int
sqlite_deal_each(struct store *st, bool open_only,
		 int (*fn)(const struct deal *d, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct each_plain p = { fn, arg };
	struct each_walk w = { .open_only = open_only, .fn = each_plain_fn,
			       .arg = &p };
	int rc;

	rc = sqlite_op_begin(s, false, err);
	if (rc)
		return rc;
	rc = each_walk(s, &w, err);
	return sqlite_op_end(s, false, rc, err);
}

/* ---- every deal, in parts at once ---------------------------------------- */

/*
 * deal_each_parts: part 0 walks on the store's own connection and thread,
 * part k on a read-only connection of its own and a thread. The parts cut
 * the slugs into runs of the same number of deals (closed ones counted:
 * the slug index alone answers), found in the snapshot part 0 reads.
 *
 * One snapshot without sqlite3_snapshot_open (Debian's SQLite is built
 * without it): a connection's PRAGMA data_version changes when a read
 * transaction starts on a database another connection committed to. Each
 * helper reads it outside a transaction, then part 0's transaction starts,
 * then the helper's; when no helper's value moved, no commit landed in
 * between and all read what part 0 reads. Otherwise, or when a helper
 * cannot be opened, the walk is serial, all in part 0.
 */
#define EACH_MAX_PARTS 8
#define EACH_MAX_VALUES 8

struct each_part {
	struct sqlite_store *s; /* a helper's; part 0: the store */
	struct each_walk w;	/* a walk over deals, or (q set) rows: */
	const struct row_stmt *q;
	struct row_value v[EACH_MAX_VALUES];
	size_t nv;
	int (*rows_fn)(size_t part, const char *const *cells, size_t ncols,
		       void *arg, struct tw_error *err);
	struct tw_error err;
	int rc;
	pthread_t thread;
	bool started;
	long long version;		/* data_version before part 0 began */
};

/* The one integer sql returns on db, or -1. */
static long long
each_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The slug at position pos in slug order (caller frees), or NULL. */
static char *
each_slug_at(sqlite3 *db, int pos)
{
	sqlite3_stmt *stmt;
	char *slug = NULL;

	if (sqlite3_prepare_v2(db, "SELECT slug FROM deals ORDER BY slug "
			       "LIMIT 1 OFFSET ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int(stmt, 1, pos);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		slug = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return slug;
}

/* A read-only connection to s's file, or NULL. */
static struct sqlite_store *
each_helper_open(struct sqlite_store *s)
{
	const char *file = sqlite3_db_filename(s->db, "main");
	struct sqlite_store *h;

	/* An in-memory or temporary database has no file to share. */
	if (!file || !*file)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	h->base.ops = s->base.ops;
	h->path = xstrdup(s->path);
	h->base.where = h->path;
	if (sqlite3_open_v2(file, &h->db,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		sqlite3_close(h->db);
		free(h->path);
		free(h);
		return NULL;
	}
	/*
	 * No busy timeout: a helper that cannot start reading at once makes
	 * the walk serial, and only part 0 waits for a lock, as deal_each.
	 */
	sqlite3_extended_result_codes(h->db, 1);
	return h;
}

static void
each_helper_close(struct sqlite_store *h)
{
	if (!h)
		return;
	if (!sqlite3_get_autocommit(h->db))
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	/* Finalizes what a row job prepared on it, closes and frees it. */
	sqlite_store_close(h);
}

/* A row job's callback, with its part. */
static int
each_rows_fn(const char *const *cells, size_t ncols, void *arg,
	     struct tw_error *err)
{
	struct each_part *p = arg;

	if (p->w.stop && atomic_load_explicit(p->w.stop,
					      memory_order_relaxed))
		return TW_ESTORE;	/* ends this part; the first error wins */
	return p->rows_fn(p->w.part, cells, ncols, p->w.arg, err);
}

static int
each_part_run(struct each_part *p)
{
	int rc;

	if (!p->q)
		return each_walk(p->s, &p->w, &p->err);
	rc = sqlite_rows_each(&p->s->base, p->q, p->v, p->nv, each_rows_fn,
			      p, &p->err);
	if (rc && p->w.stop)
		atomic_store(p->w.stop, true);
	return rc;
}

static void *
each_thread(void *arg)
{
	struct each_part *p = arg;

	p->rc = each_part_run(p);
	return NULL;
}

/*
 * Open helpers for parts 1..n-1 and set the parts' runs, in part 0's
 * transaction (already begun). Returns how many parts to walk: n, or 1
 * when the walk must be serial.
 */
static size_t
each_split(struct sqlite_store *s, struct each_part *parts, size_t n,
	   char **cuts)
{
	long long ndeals;
	size_t k;

	for (k = 1; k < n; k++) {
		parts[k].s = each_helper_open(s);
		if (!parts[k].s)
			return 1;
		parts[k].version = each_int(parts[k].s->db,
					    "PRAGMA data_version");
		if (parts[k].version < 0)
			return 1;
	}
	/* Part 0's snapshot starts here. */
	ndeals = each_int(s->db, "SELECT count(*) FROM deals");
	if (ndeals < (long long)n)
		return 1;
	for (k = 1; k < n; k++) {
		cuts[k] = each_slug_at(s->db, (int)(ndeals * (long long)k /
						    (long long)n));
		if (!cuts[k])
			return 1;
	}
	for (k = 1; k < n; k++) {
		if (sqlite3_exec(parts[k].s->db, "BEGIN", NULL, NULL,
				 NULL) != SQLITE_OK)
			return 1;
		if (each_int(parts[k].s->db, "PRAGMA data_version") !=
		    parts[k].version)
			return 1;
	}
	return n;
}

/*
 * Run the parts, set up as walks or row jobs for their runs of slugs,
 * part 0 here and the others on threads; n of them, the helpers of 1..n-1
 * open. Returns the lowest failing part's error.
 */
static int
each_parts_run(struct each_part *parts, size_t n, char **cuts,
	       struct tw_error *err)
{
	int rc = 0;

	for (size_t k = 1; k < n; k++) {
		if (pthread_create(&parts[k].thread, NULL, each_thread,
				   &parts[k]) == 0) {
			parts[k].started = true;
		} else {
			parts[k].rc = tw_error_set(&parts[k].err, TW_ESTORE,
						   "cannot start a thread");
			atomic_store(parts[k].w.stop, true);
		}
	}
	parts[0].rc = each_part_run(&parts[0]);
	for (size_t k = 0; k < EACH_MAX_PARTS; k++) {
		if (parts[k].started)
			pthread_join(parts[k].thread, NULL);
		if (k < n && parts[k].rc && !rc) {
			rc = parts[k].rc;
			if (err)
				*err = parts[k].err;
		}
		if (k > 0)
			each_helper_close(parts[k].s);
		free(cuts[k]);
	}
	return rc;
}

/* Begin part 0's read and cut the slugs: how many parts to run. */
static size_t
each_parts_begin(struct sqlite_store *s, size_t nparts,
		 struct each_part *parts, char **cuts, atomic_bool *stop)
{
	size_t n = nparts < EACH_MAX_PARTS ? nparts : EACH_MAX_PARTS;

	if (n < 1)
		n = 1;
	/* Inside begin/commit, other connections cannot see our writes. */
	n = n > 1 && !s->in_tx ? each_split(s, parts, n, cuts) : 1;
	parts[0].s = s;
	for (size_t k = 0; k < n; k++)
		parts[k].w = (struct each_walk){ .from = cuts[k],
			.to = k + 1 < n ? cuts[k + 1] : NULL, .part = k,
			.stop = n > 1 ? stop : NULL };
	return n;
}

int
sqlite_deal_each_parts(struct store *st, bool open_only, size_t nparts,
		       int (*fn)(size_t part, const struct deal *d, void *arg,
				 struct tw_error *err),
		       void *arg, struct tw_error *err)
{
	return sqlite_deal_each_parts_on(st, open_only, NULL, 0, nparts, fn,
					 arg, err);
}

/* With slugs (not NULL), only the deals they name. */
int
sqlite_deal_each_parts_on(struct store *st, bool open_only,
			  const char *const *slugs, size_t nslugs,
			  size_t nparts,
			  int (*fn)(size_t part, const struct deal *d,
				    void *arg, struct tw_error *err),
			  void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct each_part parts[EACH_MAX_PARTS];
	char *cuts[EACH_MAX_PARTS + 1] = { NULL };
	atomic_bool stop = false;
	size_t n;
	int rc;

	memset(parts, 0, sizeof(parts));
	if ((rc = sqlite_op_begin(s, false, err)))
		return rc;
	n = each_parts_begin(s, nparts, parts, cuts, &stop);
	for (size_t k = 0; k < n; k++) {
		parts[k].w.open_only = open_only;
		parts[k].w.listed = slugs != NULL;
		parts[k].w.slugs = slugs;
		parts[k].w.nslugs = nslugs;
		parts[k].w.fn = fn;
		parts[k].w.arg = arg;
	}
	rc = each_parts_run(parts, n, cuts, err);
	return sqlite_op_end(s, false, rc, err);
}

int
sqlite_rows_each_parts(struct store *st, const struct row_stmt *q,
		       const struct row_stmt *guard,
		       const struct row_value *v, size_t nv, size_t nparts,
		       int (*fn)(size_t part, const char *const *cells,
				 size_t ncols, void *arg,
				 struct tw_error *err),
		       void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct each_part parts[EACH_MAX_PARTS];
	char *cuts[EACH_MAX_PARTS + 1] = { NULL };
	atomic_bool stop = false;
	struct row_result g;
	size_t n;
	int rc;

	if (nv + 2 > EACH_MAX_VALUES)
		return tw_error_set(err, TW_ESTORE, "too many values for a "
				    "walk in parts");
	memset(parts, 0, sizeof(parts));
	if ((rc = sqlite_op_begin(s, false, err)))
		return rc;
	n = each_parts_begin(s, nparts, parts, cuts, &stop);
	/* The guard reads the snapshot every part reads. */
	rc = sqlite_rows(st, guard, v, nv, &g, err);
	if (rc == 0 && (g.nrows != 1 || g.ncols != 1 || !g.cells[0] ||
			strcmp(g.cells[0], "0")))
		rc = 1;
	row_result_release(&g);
	for (size_t k = 0; k < n && rc == 0; k++) {
		/* Slugs are UTF-8: no byte of them is 0xff. */
		parts[k].v[0] = (struct row_value){ ROW_TEXT,
			cuts[k] ? cuts[k] : "", 0 };
		parts[k].v[1] = (struct row_value){ ROW_TEXT,
			k + 1 < n ? cuts[k + 1] : "\xff", 0 };
		memcpy(&parts[k].v[2], v, nv * sizeof(*v));
		parts[k].nv = nv + 2;
		parts[k].q = q;
		parts[k].rows_fn = fn;
		parts[k].w.arg = arg;
	}
	if (rc == 0) {
		rc = each_parts_run(parts, n, cuts, err);
	} else {
		for (size_t k = 0; k < EACH_MAX_PARTS; k++) {
			if (k > 0)
				each_helper_close(parts[k].s);
			free(cuts[k]);
		}
	}
	return sqlite_op_end(s, false, rc, err);
}
