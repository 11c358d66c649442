/*
 * The SQLite backend: its statements, binding and reading fields,
 * transactions, and reading deals and history.
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

static const char *const fixed_sql[S_MAX] = {
	[S_BEGIN] = "BEGIN",
	[S_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT tw_op",
	[S_RELEASE] = "RELEASE tw_op",
	[S_ROLLBACK_TO] = "ROLLBACK TO tw_op",
	[S_PHASE_CRIT_GET] = "SELECT number, criterion FROM phase_criteria "
			     "WHERE deal_id = ?1 ORDER BY number, pos",
	[S_PHASE_CRIT_INSERT] = "INSERT INTO phase_criteria "
				"(deal_id, number, pos, criterion) "
				"VALUES (?1, ?2, ?3, ?4)",
	[S_PHASE_CRIT_DELETE] = "DELETE FROM phase_criteria "
				"WHERE deal_id = ?1 AND number = ?2",
};
/* ---- statements ------------------------------------------------------ */

void
sqlite_stmt_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Step a statement that returns no rows, then reset it. */
int
sqlite_stmt_run(struct sqlite_store *s, sqlite3_stmt *stmt,
		struct tw_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		rc = sqlite_sql_fail(s, rc, err);
	else
		rc = 0;
	sqlite_stmt_done(stmt);
	return rc;
}

static int
run_fixed(struct sqlite_store *s, enum stmt_id id, struct tw_error *err)
{
	sqlite3_stmt *stmt;
	int rc = sqlite_stmt_get(s, id, &stmt, err);

	return rc ? rc : sqlite_stmt_run(s, stmt, err);
}

/*
 * The deals table: ?1 id, ?2 slug, ?3... the fields. Insert binds ?1 NULL
 * so SQLite picks the id.
 */
static void
deal_sql(enum stmt_id id, struct strbuf *sb)
{
	size_t n = schema_deal.nfields;

	switch (id) {
	case S_DEAL_GET:
	case S_DEAL_LIST:
		strbuf_addstr(sb, "SELECT id, slug");
		add_column_list(sb, schema_deal.fields, n);
		strbuf_addstr(sb, " FROM deals ");
		strbuf_addstr(sb, id == S_DEAL_GET ? "WHERE slug = ?1"
						   : "ORDER BY slug");
		break;
	case S_DEAL_INSERT:
		strbuf_addstr(sb, "INSERT INTO deals (id, slug");
		add_column_list(sb, schema_deal.fields, n);
		strbuf_addstr(sb, ") VALUES (?1, ?2");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", ?%zu", i + 3);
		strbuf_addch(sb, ')');
		break;
	case S_DEAL_UPDATE:
		strbuf_addstr(sb, "UPDATE deals SET slug = ?2");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", \"%s\" = ?%zu",
				    schema_deal.fields[i].name, i + 3);
		strbuf_addstr(sb, " WHERE id = ?1");
		break;
	case S_DEAL_DELETE:
		strbuf_addstr(sb, "DELETE FROM deals WHERE id = ?1");
		break;
	default:
		break;
	}
}

int
sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **out,
	       struct tw_error *err)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    out, NULL);

	if (rc != SQLITE_OK) {
		rc = sqlite_sql_fail(s, rc, err);
		tw_error_prefix(err, "cannot sqlite_prepare statement");
	}
	return rc;
}

/*
 * Statements are prepared on first use and kept for the connection's life:
 * preparing all of them at open was half of a one-deal command's time.
 */
int
sqlite_stmt_get(struct sqlite_store *s, int id, sqlite3_stmt **out,
		struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (s->stmt[id]) {
		*out = s->stmt[id];
		return 0;
	}
	if (fixed_sql[id])
		strbuf_addstr(&sb, fixed_sql[id]);
	else
		deal_sql((enum stmt_id)id, &sb);
	rc = sqlite_prepare(s, sb.buf, &s->stmt[id], err);
	strbuf_release(&sb);
	*out = s->stmt[id];
	return rc;
}

int
sqlite_tstmt_get(struct sqlite_store *s, size_t t, int which,
		 sqlite3_stmt **out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (s->tstmt[t][which]) {
		*out = s->tstmt[t][which];
		return 0;
	}
	table_sql(&schema_tables[t], which, '?', &sb);
	rc = sqlite_prepare(s, sb.buf, &s->tstmt[t][which], err);
	strbuf_release(&sb);
	*out = s->tstmt[t][which];
	return rc;
}

/* ---- fields: bind, read ---------------------------------------------- */

int
sqlite_bind_text_or_null(sqlite3_stmt *stmt, int i, const char *v,
			 bool transient)
{
	if (!v)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, v, -1,
				 transient ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

/* Strings are bound SQLITE_STATIC: the deal outlives the step. */
int
sqlite_bind_field(sqlite3_stmt *stmt, int i, const struct field *f,
		  const void *obj)
{
	const void *p = fptr(f, obj);
	char buf[DATE_BUFSZ + DURATION_BUFSZ];

	switch (f->type) {
	case F_STR:
		return sqlite_bind_text_or_null(stmt, i, *(char *const *)p,
						false);
	case F_INT_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_INT:
		return sqlite3_bind_int(stmt, i, *(const int *)p);
	case F_REAL_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_REAL:
		return sqlite3_bind_double(stmt, i, *(const double *)p);
	case F_BOOL:
		return sqlite3_bind_int(stmt, i, *(const bool *)p);
	case F_DATE:
		if (*(const tw_date *)p == DATE_NONE)
			return sqlite3_bind_null(stmt, i);
		return sqlite_bind_text_or_null(
			stmt, i, date_format(*(const tw_date *)p, buf), true);
	case F_DUR_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_DUR:
		return sqlite_bind_text_or_null(stmt, i,
						duration_format(p, buf), true);
	case F_ENUM:
		return sqlite_bind_text_or_null(
		    stmt, i, f->en->name(fenum(f, obj)), false);
	case F_LIST: {
		/* Only a joined list is a column: "a,b", NULL when empty. */
		struct strbuf sb = STRBUF_INIT;
		const char *v = field_text(f, obj, &sb);
		int rc = sqlite_bind_text_or_null(stmt, i, *v ? v : NULL,
						  true);

		strbuf_release(&sb);
		return rc;
	}
	}
	return SQLITE_OK;
}

/* Bind fields (list tables skipped) to parameters first, first + 1, ... */
int
sqlite_bind_fields(sqlite3_stmt *stmt, int first, const struct field *f,
		   size_t n, const void *obj)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
		if (field_in_row(&f[i]))
			rc = sqlite_bind_field(stmt, first++, &f[i], obj);
	return rc;
}

static int
read_field(struct sqlite_store *s, sqlite3_stmt *stmt, int col,
	   const struct field *f, void *obj, struct tw_error *err)
{
	void *p = (char *)obj + f->off;
	bool *has = (bool *)((char *)obj + f->aux);
	bool null;
	const char *text;

	/*
	 * Strings are most of what a walk reads (BENCHMARKS.md): SQL NULL
	 * is a NULL text, and the length is known, so neither the type nor
	 * strlen is asked for.
	 */
	if (f->type == F_STR) {
		text = (const char *)sqlite3_column_text(stmt, col);
		*(char **)p =
		    text ? xstrndup(text,
				    (size_t)sqlite3_column_bytes(stmt, col))
			 : NULL;
		return 0;
	}
	/* Ask for the type first: a conversion would change the answer. */
	null = sqlite3_column_type(stmt, col) == SQLITE_NULL;
	switch (f->type) {
	case F_STR:
	case F_DATE:
	case F_DUR:
	case F_DUR_OPT:
	case F_ENUM:
	case F_LIST:
		text =
		    null ? NULL : (const char *)sqlite3_column_text(stmt, col);
		if (field_from_text(f, obj, text) < 0)
			return sqlite_corrupt(s, f->name, text, err);
		break;
	case F_INT_OPT:
		*has = !null;
		/* fall through */
	case F_INT:
		*(int *)p = sqlite3_column_int(stmt, col);
		break;
	case F_REAL_OPT:
		*has = !null;
		/* fall through */
	case F_REAL:
		*(double *)p = sqlite3_column_double(stmt, col);
		break;
	case F_BOOL:
		*(bool *)p = sqlite3_column_int(stmt, col) != 0;
		break;
	}
	return 0;
}

/* Read fields (list tables skipped) from columns first, first + 1, ... */
int
sqlite_read_fields(struct sqlite_store *s, sqlite3_stmt *stmt, int first,
		   const struct field *f, size_t n, void *obj,
		   struct tw_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		if (field_in_row(&f[i]))
			rc = read_field(s, stmt, first++, &f[i], obj, err);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

/*
 * A transaction that puts many deals (an import) gets a page cache of
 * BULK_CACHE_KIB until it ends. With SQLite's 2 MB, the pages at the
 * growing edge of every table and index were spilled to the WAL and read
 * back over and over: a fifth of the writer's time importing 100k deals.
 */
#define BULK_CACHE_KIB 131072

void
sqlite_bulk_cache(struct sqlite_store *s, bool on)
{
	char sql[64];

	/* Only the speed depends on it: a failure changes nothing else. */
	if (on && sqlite_query_int(s->db, "PRAGMA cache_size",
				   &s->cache_size) != SQLITE_OK)
		return;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d",
		 on ? -BULK_CACHE_KIB : s->cache_size);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	s->bulk = on;
}

/*
 * Write a transaction's dirty pages before its COMMIT, a one-deal import's
 * too. A write that fails inside COMMIT is followed by a rollback whose
 * system calls leave sqlite3_system_errno() without the cause (a file over
 * ulimit -f read "disk I/O error"); after sqlite3_db_cacheflush() errno
 * still has it.
 */
static int
commit_flush(struct sqlite_store *s, struct tw_error *err)
{
	int rc = sqlite3_db_cacheflush(s->db), e = errno;

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_IOERR)
		return sqlite_os_fail_errno(s, rc, e, err);
	return sqlite_sql_fail(s, rc, err);
}

/* The explicit transaction ends: back to the usual cache. */
static void
tx_end(struct sqlite_store *s)
{
	if (s->bulk)
		sqlite_bulk_cache(s, false);
	s->tx_puts = 0;
	s->tx_bulk = false;
	s->tx_failed = false;
	s->in_tx = false;
}

/*
 * Every operation runs between sqlite_op_begin and op_end. Outside an explicit
 * transaction it gets its own (writes take the lock at once); inside one,
 * a write runs under a savepoint so a failed operation leaves no half of
 * itself behind in the caller's transaction.
 */
int
sqlite_op_begin(struct sqlite_store *s, bool write, struct tw_error *err)
{
	if (s->in_tx) {
		/*
		 * SQLite rolls back by itself after some errors (full disk);
		 * a failed put that could not be undone poisons it too.
		 */
		if (s->tx_failed || sqlite3_get_autocommit(s->db))
			return tw_error_set(err, TW_ESTORE,
					    "transaction was rolled back after "
					    "an earlier error");
		return write && !s->tx_bulk ? run_fixed(s, S_SAVEPOINT, err)
					    : 0;
	}
	return run_fixed(s, write ? S_BEGIN_IMMEDIATE : S_BEGIN, err);
}

int
sqlite_op_end(struct sqlite_store *s, bool write, int rc, struct tw_error *err)
{
	if (s->in_tx) {
		if (!write || sqlite3_get_autocommit(s->db))
			return rc;
		/* No savepoint to go back to: the whole of it, then. */
		if (s->tx_bulk) {
			s->tx_failed = s->tx_failed || rc;
			return rc;
		}
		if (rc)
			run_fixed(s, S_ROLLBACK_TO, NULL);
		run_fixed(s, S_RELEASE, NULL);
		return rc;
	}
	if (!rc)
		rc = run_fixed(s, S_COMMIT, err);
	if (rc && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	return rc;
}

int
sqlite_begin(struct store *st, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	int rc;

	if (s->in_tx)
		return tw_error_set(err, TW_ESTORE,
				    "a transaction is already open");
	rc = run_fixed(s, S_BEGIN_IMMEDIATE, err);
	if (!rc)
		s->in_tx = true;
	return rc;
}

/*
 * A bulk transaction (store_begin_bulk): each write's savepoint would copy
 * every page it touches to a statement journal first (a re-evaluation of
 * 100k deals wrote it more than the database), and the bulk cache keeps
 * the pages of the indexes it updates out of the WAL until the commit.
 */
int
sqlite_begin_bulk(struct store *st, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	int rc = sqlite_begin(st, err);

	if (rc == 0) {
		s->tx_bulk = true;
		sqlite_bulk_cache(s, true);
	}
	return rc;
}

int
sqlite_commit(struct store *st, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	int rc;

	if (!s->in_tx)
		return tw_error_set(err, TW_ESTORE, "no transaction is open");
	if (s->tx_failed && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	if (sqlite3_get_autocommit(s->db)) {
		tx_end(s);
		return tw_error_set(err, TW_ESTORE,
				    "transaction was rolled back after an "
				    "earlier error");
	}
	rc = commit_flush(s, err);
	if (!rc)
		rc = run_fixed(s, S_COMMIT, err);
	/* Never leave the write lock held after a failed commit. */
	if (rc && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	tx_end(s);
	return rc;
}

void
sqlite_rollback(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);

	if (!s->in_tx)
		return;
	if (!sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	tx_end(s);
}

/* ---- reading deals ---------------------------------------------------- */

/* The deals columns of the current row of S_DEAL_GET / S_DEAL_LIST. */
int
sqlite_read_deal_row(struct sqlite_store *s, sqlite3_stmt *stmt, struct deal *d,
		     long long *id, struct tw_error *err)
{
	if (id)
		*id = sqlite3_column_int64(stmt, 0);
	d->slug = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	return sqlite_read_fields(s, stmt, 2, schema_deal.fields,
				  schema_deal.nfields, d, err);
}

static int
load_phase_criteria(struct sqlite_store *s, long long id, struct deal *d,
		    struct tw_error *err)
{
	struct phase_finder finder = PHASE_FINDER_INIT;
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite_stmt_get(s, S_PHASE_CRIT_GET, &stmt, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		deal_phase_add_criterion(
			d, sqlite3_column_int(stmt, 0),
			(const char *)sqlite3_column_text(stmt, 1), &finder);
	phase_finder_release(&finder);
	rc = rc == SQLITE_DONE ? 0 : sqlite_sql_fail(s, rc, err);
	sqlite_stmt_done(stmt);
	return rc;
}

static int
load_children(struct sqlite_store *s, long long id, struct deal *d,
	      struct tw_error *err)
{
	int rc = 0;

	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++) {
		const struct schema_table *tb = &schema_tables[t];
		sqlite3_stmt *stmt;

		rc = sqlite_tstmt_get(s, t, T_SELECT, &stmt, err);
		if (rc)
			break;
		sqlite3_bind_int64(stmt, 1, id);
		while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
			rc = sqlite_read_fields(s, stmt, 1, tb->fields,
						tb->nfields, tb->add(d), err);
		if (rc == SQLITE_DONE)
			rc = 0;
		else if (rc > 0)
			rc = sqlite_sql_fail(s, rc, err);
		sqlite_stmt_done(stmt);
	}
	if (!rc)
		rc = load_phase_criteria(s, id, d, err);
	return rc;
}

/*
 * The stored deal named slug, with its children when children is set.
 * TW_ENOTFOUND when absent. out is released on failure.
 */
int
sqlite_load_deal(struct sqlite_store *s, const char *slug, bool children,
		 struct deal *out, long long *id, struct tw_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite_stmt_get(s, S_DEAL_GET, &stmt, err);
	if (rc)
		return rc;
	deal_init(out);
	sqlite3_bind_text(stmt, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = sqlite_read_deal_row(s, stmt, out, id, err);
	else if (rc == SQLITE_DONE)
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'", slug);
	else
		rc = sqlite_sql_fail(s, rc, err);
	sqlite_stmt_done(stmt);
	if (!rc && children)
		rc = load_children(s, *id, out, err);
	if (rc)
		deal_release(out);
	return rc;
}

int
sqlite_deal_get(struct store *st, const char *slug, struct deal *out,
		struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	long long id;
	int rc;

	deal_init(out);
	rc = sqlite_op_begin(s, false, err);
	if (rc)
		return rc;
	rc = sqlite_load_deal(s, slug, true, out, &id, err);
	return sqlite_op_end(s, false, rc, err);
}

int
sqlite_deal_list(struct store *st, struct deal_list *out,
		 struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite_stmt_get(s, S_DEAL_LIST, &stmt, err);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = sqlite_op_begin(s, false, err);
	if (rc)
		return rc;
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		deal_init(&out->items[out->n]);
		rc = sqlite_read_deal_row(s, stmt, &out->items[out->n++], NULL,
					  err);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sqlite_sql_fail(s, rc, err);
	sqlite_stmt_done(stmt);
	rc = sqlite_op_end(s, false, rc, err);
	if (rc)
		deal_list_release(out);
	return rc;
}
