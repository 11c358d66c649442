/*
 * What the files of the SQLite backend share: the connection's struct, its
 * statements and the helpers each file lends the others. store-sqlite.c
 * opens, checks, migrates and closes, turns SQLite's errors into tw_errs
 * and runs accounts.c's statements; store-sqlite-read.c prepares
 * statements, binds and reads fields, runs transactions and reads deals
 * and history; store-sqlite-walk.c walks every deal (deal_each,
 * deal_each_parts); store-sqlite-write.c writes deals. Only they include
 * it.
 */
#ifndef TW_STORE_SQLITE_H
#define TW_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/fields.h"
#include "store/store-internal.h"
#include "util/strbuf.h"

/* ---- the store ------------------------------------------------------- */

enum stmt_id {
	S_BEGIN,
	S_BEGIN_IMMEDIATE,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_DEAL_GET,
	S_DEAL_LIST,
	S_DEAL_INSERT,
	S_DEAL_UPDATE,
	S_DEAL_DELETE,
	S_PHASE_CRIT_GET,
	S_PHASE_CRIT_INSERT,
	S_PHASE_CRIT_DELETE,
	S_MAX
};


/*
 * Rows a deal_put has yet to write, so that they go in multi-row INSERTs
 * (put_flush): one statement per row was half of an import's time in
 * SQLite. The children of a new deal, in the order diff.c creates them,
 * and every history row, its text copied (diff.c reuses its buffers).
 */
struct put_queue {
	struct queued_row {
		size_t b;	 /* schema_tables index, or B_PHASE_CRIT */
		const void *obj; /* the child (B_PHASE_CRIT: its phase) */
		size_t pos;		/* (B_PHASE_CRIT: the criterion's) */
	} *rows, *crit;
	size_t nrows, arows, ncrit, acrit;
	size_t (*hist)[5];	/* in text: entity, key, field, old, new */
	size_t nhist, ahist;
	struct strbuf text;
};

/* Batched INSERTs: the child tables, then these two. */
#define B_PHASE_CRIT SCHEMA_NTABLES
#define B_HISTORY (SCHEMA_NTABLES + 1)
/* At most this many rows per statement (and prepared statement sizes). */
#define BATCH_MAX 64

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	char *path;
	bool in_tx;		/* inside an explicit begin */
	bool tx_failed;		/* a write failed half-way: rollback only */
	bool tx_bulk;		/* sqlite_begin_bulk: no savepoints */
	int tx_puts;		/* deals put in the explicit transaction */
	bool bulk;		/* sqlite_bulk_cache() raised it */
	int cache_size;		/* PRAGMA cache_size before that */
	sqlite3_stmt *stmt[S_MAX];
	sqlite3_stmt *rstmt[ROW_STMT_MAX];	/* accounts.c's */
	sqlite3_stmt *tstmt[SCHEMA_NTABLES][T_MAX];
	/* INSERTs of n rows at [b][n - 1], prepared on first use */
	sqlite3_stmt *bstmt[B_HISTORY + 1][BATCH_MAX];
	struct put_queue queue;
};

static inline struct sqlite_store *
to_sqlite(struct store *st)
{
	return (struct sqlite_store *)st;
}

/* Shared between the files of this backend. */

/* store-sqlite.c */
int sqlite_os_fail_errno(struct sqlite_store *s, int rc, int e,
			 struct tw_error *err);
int sqlite_sql_fail(struct sqlite_store *s, int rc, struct tw_error *err);
int sqlite_corrupt(struct sqlite_store *s, const char *what, const char *value,
		   struct tw_error *err);
int sqlite_query_int(sqlite3 *db, const char *sql, int *out);
void sqlite_store_close(struct sqlite_store *s);
int sqlite_rows(struct store *st, const struct row_stmt *q,
		const struct row_value *v, size_t nv, struct row_result *out,
		struct tw_error *err);
int sqlite_rows_each(struct store *st, const struct row_stmt *q,
		     const struct row_value *v, size_t nv,
		     int (*fn)(const char *const *cells, size_t ncols,
			       void *arg, struct tw_error *err),
		     void *arg, struct tw_error *err);

/* store-sqlite-read.c */
void sqlite_stmt_done(sqlite3_stmt *stmt);
int sqlite_stmt_run(struct sqlite_store *s, sqlite3_stmt *stmt,
		    struct tw_error *err);
int sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **out,
		   struct tw_error *err);
int sqlite_stmt_get(struct sqlite_store *s, int id, sqlite3_stmt **out,
		    struct tw_error *err);
int sqlite_tstmt_get(struct sqlite_store *s, size_t t, int which,
		     sqlite3_stmt **out, struct tw_error *err);
int sqlite_bind_text_or_null(sqlite3_stmt *stmt, int i, const char *v,
			     bool transient);
int sqlite_bind_field(sqlite3_stmt *stmt, int i, const struct field *f,
		      const void *obj);
int sqlite_bind_fields(sqlite3_stmt *stmt, int first, const struct field *f,
		       size_t n, const void *obj);
int sqlite_read_fields(struct sqlite_store *s, sqlite3_stmt *stmt, int first,
		       const struct field *f, size_t n, void *obj,
		       struct tw_error *err);
void sqlite_bulk_cache(struct sqlite_store *s, bool on);
int sqlite_begin_bulk(struct store *st, struct tw_error *err);
int sqlite_op_begin(struct sqlite_store *s, bool write, struct tw_error *err);
int sqlite_op_end(struct sqlite_store *s, bool write, int rc,
		  struct tw_error *err);
int sqlite_begin(struct store *st, struct tw_error *err);
int sqlite_commit(struct store *st, struct tw_error *err);
void sqlite_rollback(struct store *st);
int sqlite_read_deal_row(struct sqlite_store *s, sqlite3_stmt *stmt,
			 struct deal *d, long long *id, struct tw_error *err);
int sqlite_load_deal(struct sqlite_store *s, const char *slug, bool children,
		     struct deal *out, long long *id, struct tw_error *err);
int sqlite_deal_get(struct store *st, const char *slug, struct deal *out,
		    struct tw_error *err);
int sqlite_deal_list(struct store *st, struct deal_list *out,
		     struct tw_error *err);

/* store-sqlite-walk.c */
int sqlite_deal_each(struct store *st, bool open_only,
		     int (*fn)(const struct deal *d, void *arg,
			       struct tw_error *err),
		     void *arg, struct tw_error *err);
int sqlite_deal_each_parts_on(struct store *st, bool open_only,
			      const char *const *slugs, size_t nslugs,
			      size_t nparts,
			      int (*fn)(size_t part, const struct deal *d,
					void *arg, struct tw_error *err),
			      void *arg, struct tw_error *err);
int sqlite_rows_each_parts(struct store *st, const struct row_stmt *q,
			   const struct row_stmt *guard,
			   const struct row_value *v, size_t nv,
			   size_t nparts,
			   int (*fn)(size_t part, const char *const *cells,
				     size_t ncols, void *arg,
				     struct tw_error *err),
			   void *arg, struct tw_error *err);
int sqlite_deal_each_parts(struct store *st, bool open_only, size_t nparts,
			   int (*fn)(size_t part, const struct deal *d,
				     void *arg, struct tw_error *err),
			   void *arg, struct tw_error *err);

/* store-sqlite-write.c */
void sqlite_now_utc(char *buf, size_t size);
void sqlite_queue_release(struct put_queue *q);
int sqlite_deal_put(struct store *st, const struct deal *d,
		    struct tw_error *err);
int sqlite_deal_delete(struct store *st, const char *slug,
		       struct tw_error *err);

#endif
