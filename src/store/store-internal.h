/*
 * What a backend of the store implements (git's refs-internal.h to
 * store.h's refs.h): the operations behind the store_*() functions, and
 * the struct every backend's store begins with. Only src/store includes
 * this; callers use store.h. Each operation is documented at its store_*()
 * function; store.c runs the checks every backend would repeat before
 * calling one.
 */
#ifndef TW_STORE_INTERNAL_H
#define TW_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/*
 * The renames of deals (store_deal_rename) by the slug they left, for a
 * deal's history (store/accounts.c): the same in both databases.
 */
#define HISTORY_RENAMES_INDEX                                         \
	"CREATE INDEX history_renames ON history(\"old\", id)\n"        \
	"  WHERE entity = 'deal' AND field = 'slug';\n"

/*
 * The pipeline sorted by value, freshness or days since the win
 * (store/listing.c's sort keys, expression for expression): a page is a
 * walk of an index to its LIMIT, not a sort of every deal.
 */
#define LISTING_INDEXES(COLLATE)                                        \
	"CREATE INDEX deals_by_value ON deals((COALESCE(-value, 1e308)),\n" \
	"  slug" COLLATE ");\n"                                          \
	"CREATE INDEX evaluations_by_progress ON evaluations(\n"          \
	"  (COALESCE(progress, '9999-12-31')));\n"                        \
	"CREATE INDEX evaluations_by_win ON evaluations(\n"               \
	"  (COALESCE(technical_win, '9999-12-31')));\n"

/*
 * The workspace's playbook (store_playbook_get/set), a step a row in
 * order of pos: the same in both databases but for SQLite's STRICT.
 */
#define WORKSPACE_PLAYBOOK_TABLE(strict)                                   \
	"CREATE TABLE workspace_playbook (\n"                              \
	"  pos INTEGER PRIMARY KEY,\n"                                     \
	"  title TEXT NOT NULL,\n"                                         \
	"  \"offset\" INTEGER NOT NULL,\n"                                 \
	"  kind TEXT NOT NULL CHECK (kind IN ('technical', 'commercial')),\n" \
	"  plus_procurement INTEGER NOT NULL\n"                            \
	"    CHECK (plus_procurement IN (0, 1)),\n"                        \
	"  \"key\" TEXT,\n"                                                \
	"  owner TEXT\n"                                                   \
	")" strict ";\n"

/*
 * The keyed-row helper. A statement is written once, in PostgreSQL's
 * dialect with $1, $2... parameters (SQLite's backend reads them as ?1,
 * ?2...; both sort with COLLATE "C"); id numbers it among the ROW_STMT_MAX
 * statements so a backend can keep it prepared. A write runs in its own
 * transaction, or under a savepoint inside begin/commit.
 */
#define ROW_STMT_MAX 128
/*
 * accounts.c numbers its statements below ROW_STMT_FINDINGS, findings.c
 * from it, listing.c from ROW_STMT_LISTING, notify.c from ROW_STMT_NOTIFY;
 * each asserts that it ends before the next one starts.
 */
#define ROW_STMT_FINDINGS 40
#define ROW_STMT_LISTING 64
#define ROW_STMT_NOTIFY 96

struct row_stmt {
	int id;
	bool write;
	const char *sql;
	bool tx;		/* a read in a transaction of its own */
};

/* A bound value: text (NULL: SQL NULL), a date as text, or an integer. */
enum row_type { ROW_TEXT, ROW_DATE, ROW_INT };

struct row_value {
	enum row_type type;
	const char *text;
	long long num;
};

#define ROW_TEXT(s) { ROW_TEXT, (s), 0 }
#define ROW_DATE(s) { ROW_DATE, (s), 0 }
#define ROW_INT(n) { ROW_INT, NULL, (n) }

/* Which constraint a failed write broke, when that is why it failed. */
enum row_conflict { ROW_NO_CONFLICT, ROW_UNIQUE, ROW_FOREIGN_KEY };

/*
 * What a statement returned: nrows rows of ncols values as text (NULL for
 * SQL NULL), and for a write how many rows it changed. When it failed
 * because of a constraint, conflict says which kind and column names it
 * as "table.column" where the backend knows ("tokens.name").
 */
struct row_result {
	char **cells;		/* row r, column c at cells[r * ncols + c] */
	size_t nrows, ncols;
	size_t changes;
	enum row_conflict conflict;
	char column[64];
};
void row_result_release(struct row_result *r);

/* Row r's column c as text (may be NULL), or as an integer. */
const char *row_text(const struct row_result *r, size_t row, size_t col);
long long row_int(const struct row_result *r, size_t row, size_t col);
/* Row r's column c handed over to the caller, to free(). */
char *row_take(struct row_result *r, size_t row, size_t col);

struct store_ops {
	const char *name;
	void (*close)(struct store *st);

	/*
	 * Transactions. begin takes the write lock at once (BEGIN IMMEDIATE)
	 * so a read-modify-write cannot lose an update; commit makes it
	 * durable. Calls outside begin/commit run in their own transaction.
	 */
	int (*begin)(struct store *st, struct tw_error *err);
	/* begin for store_begin_bulk; NULL: begin. */
	int (*begin_bulk)(struct store *st, struct tw_error *err);
	int (*commit)(struct store *st, struct tw_error *err);
	void (*rollback)(struct store *st);

	/* Every deal, sorted by slug, without children (counts zero). */
	int (*deal_list)(struct store *st, struct deal_list *out,
			 struct tw_error *err);
	/* One deal with all its children. TW_ENOTFOUND when absent. */
	int (*deal_get)(struct store *st, const char *slug, struct deal *out,
			struct tw_error *err);
	/*
	 * Create or replace a whole deal, children included, recording
	 * history for each created, changed or deleted field. store.c has
	 * checked d with fields_check_deal, and made a NULL slug "" for
	 * deal_get and deal_delete.
	 */
	int (*deal_put)(struct store *st, const struct deal *d,
			struct tw_error *err);
	/* TW_ENOTFOUND when absent. Children go with it. */
	int (*deal_delete)(struct store *st, const char *slug,
			   struct tw_error *err);
	/*
	 * Every deal with all its children, sorted by slug, handed to fn one
	 * at a time, so a pipeline-wide report never holds the pipeline in
	 * memory (techwin check over 100k deals, BENCHMARKS.md). With
	 * open_only, deals whose outcome is not open are skipped unread. fn
	 * borrows d: the store releases it when fn returns. fn returns 0 to
	 * go on, or a negative tw_err that ends the walk and is returned.
	 * The whole walk reads one snapshot, in a read transaction: fn must
	 * not call the store. May be NULL in a backend:
	 * store_each_deal() (store/deals.h) then falls back to deal_list and
	 * deal_get.
	 */
	int (*deal_each)(struct store *st, bool open_only,
			 int (*fn)(const struct deal *d, void *arg,
				   struct tw_error *err),
			 void *arg, struct tw_error *err);
	/*
	 * deal_each cut into nparts consecutive runs of slugs walked at
	 * once, each on its own thread and connection, all reading one
	 * snapshot. fn(part, d) is called from part's thread, so calls for
	 * different parts run concurrently; within a part the deals come by
	 * slug, and every deal of part k sorts before those of part k + 1:
	 * concatenating what each part saw gives deal_each's order. A part
	 * may see no deals: the store walks serially, all in part 0, when
	 * the pipeline is small, inside begin/commit, or when a commit
	 * lands while the connections start. A negative return from fn
	 * stops every part; the error of the lowest failing part is
	 * returned. May be NULL: store_each_deal_parts() then uses
	 * deal_each, all in part 0.
	 */
	int (*deal_each_parts)(struct store *st, bool open_only, size_t nparts,
			       int (*fn)(size_t part, const struct deal *d,
					 void *arg, struct tw_error *err),
			       void *arg, struct tw_error *err);
	/*
	 * deal_each_parts over just the deals named in slugs (nslugs of
	 * them, in byte order): those whose kept evaluation
	 * (store/findings.h) check must re-evaluate, without reading the
	 * rest. May be NULL: the caller reads those deals one at a time.
	 */
	int (*deal_each_unkept)(struct store *st, bool open_only,
				const char *const *slugs, size_t nslugs,
				size_t nparts,
				int (*fn)(size_t part, const struct deal *d,
					  void *arg, struct tw_error *err),
				void *arg, struct tw_error *err);

	/*
	 * The primitives the account, settings and history code
	 * (accounts.c) is
	 * written over, once for every backend: run the statement q with
	 * nv bound values and collect its rows. now() is the time rows are
	 * created at, as history records it.
	 */
	int (*rows)(struct store *st, const struct row_stmt *q,
		    const struct row_value *v, size_t nv,
		    struct row_result *out, struct tw_error *err);
	void (*now)(struct store *st, char *buf, size_t size);
	/*
	 * rows, one row at a time without a copy: fn gets the ncols cells
	 * of each row (NULL for SQL NULL), borrowed until it returns, and
	 * a negative return from it ends the walk. May be NULL:
	 * store_rows_each() then runs rows and hands fn its rows.
	 */
	int (*rows_each)(struct store *st, const struct row_stmt *q,
			 const struct row_value *v, size_t nv,
			 int (*fn)(const char *const *cells, size_t ncols,
				   void *arg, struct tw_error *err),
			 void *arg, struct tw_error *err);
	/*
	 * rows_each over nparts runs of slugs at once, as deal_each_parts:
	 * a thread and a connection each, one snapshot. q takes the run as
	 * ?1 <= slug < ?2, then v from ?3. First guard, bound to v as ?1...,
	 * runs in that snapshot: unless its one cell is 0, nothing is read
	 * and 1 is returned. fn(part, ...) runs on part's thread; a
	 * negative return stops every part. May be NULL.
	 */
	int (*rows_each_parts)(struct store *st, const struct row_stmt *q,
			       const struct row_stmt *guard,
			       const struct row_value *v, size_t nv,
			       size_t nparts,
			       int (*fn)(size_t part, const char *const *cells,
					 size_t ncols, void *arg,
					 struct tw_error *err),
			       void *arg, struct tw_error *err);
};

int store_rows_each(struct store *st, const struct row_stmt *q,
		    const struct row_value *v, size_t nv,
		    int (*fn)(const char *const *cells, size_t ncols,
			      void *arg, struct tw_error *err),
		    void *arg, struct tw_error *err);

struct listing_kept;

struct store {
	const struct store_ops *ops;
	char *actor;		/* who history rows name */
	const char *where;	/* the backend's location, for messages */
	bool in_tx;		/* inside store_begin/store_commit */
	struct listing_kept *kept;	/* listing.c's totals, or NULL */
	/* Kept findings are another core's (store_rules_check). */
	bool rules_outdated;
};

/*
 * After the schema is current: kept findings made by another techwin's
 * rules are marked stale (accounts.c). The digest of the rules that made
 * them is the setting STORE_RULES_KEY, the database's own: not a user's
 * setting, never copied to another database (copy.c).
 */
#define STORE_RULES_KEY "techwin.rules"
void store_rules_check(struct store *st);

/* Free st->kept (listing.c), before the backend frees st. */
void listing_kept_free(struct store *st);

/* TW_ESTORE: the database holds a value techwin never writes. */
int store_corrupt(struct store *st, const char *what, const char *value,
		  struct tw_error *err);

#endif
