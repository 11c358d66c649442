/*
 * What the files of the PostgreSQL backend share: the connection's struct,
 * bound parameters and the helpers each file lends the others. store-pg.c
 * opens, checks, migrates and closes, turns libpq's errors into tw_errs
 * and runs accounts.c's statements; store-pg-read.c builds and runs
 * statements, binds and reads fields, runs transactions and reads deals
 * and history; store-pg-walk.c walks every deal (deal_each);
 * store-pg-write.c writes deals. Only they include it.
 */
#ifndef TW_STORE_PG_INTERNAL_H
#define TW_STORE_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/fields.h"
#include "store/store-internal.h"
#include "util/strbuf.h"

/* A deal_put that lost a race to create the same deal tries again. */
#define PUT_TRIES 3

/* ---- the store ------------------------------------------------------- */

enum stmt_id {
	S_DEAL_GET,
	S_DEAL_GET_LOCK,
	S_DEAL_LIST,
	S_DEAL_INSERT,
	S_DEAL_UPDATE,
	S_MAX
};

struct pg_store {
	struct store base;
	PGconn *conn;
	char *where;		/* the URL without its password, for messages */
	bool in_tx;		/* inside an explicit begin */
	bool snapshot;		/* ... begun by store_pg_begin_snapshot */
	/* SQL built once from the field tables. */
	char *sql[S_MAX];
	char *tsql[SCHEMA_NTABLES][T_MAX];
	/* The SQLSTATE and constraint of the last failed statement. */
	char state[6];
	char constraint[64];
};

#define MAX_PARAMS 32

/* Bound parameters as text; numbers and dates are formatted into buf. */
struct params {
	int n;
	Oid types[MAX_PARAMS];	/* 0: the server infers it */
	const char *v[MAX_PARAMS];
	char buf[MAX_PARAMS][48];
};

static inline struct pg_store *
to_pg(struct store *st)
{
	return (struct pg_store *)st;
}

/* Shared between the files of this backend. */

/* store-pg.c */
int pg_fail(struct pg_store *s, const PGresult *res, struct tw_error *err);
int pg_corrupt(struct pg_store *s, const char *what, const char *value,
	       struct tw_error *err);

/* store-pg-read.c */
void pg_param_fmt(struct params *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pg_param_str(struct params *p, const char *v);
int pg_query(struct pg_store *s, const char *sql, const struct params *p,
	     PGresult **out, struct tw_error *err);
int pg_run(struct pg_store *s, const char *sql, struct tw_error *err);
bool pg_failed_with(const struct pg_store *s, const char *state);
void pg_build_sql(struct pg_store *s);
void pg_param_field(struct params *pr, const struct field *f, const void *obj);
void pg_param_fields(struct params *pr, const struct field *f, size_t n,
		     const void *obj);
bool pg_parse_ll(const char *text, long long *out);
int pg_read_fields(struct pg_store *s, const PGresult *res, int row, int first,
		   const struct field *f, size_t n, void *obj,
		   struct tw_error *err);
char *pg_value_dup(const PGresult *res, int row, int col);
long long pg_value_ll(const PGresult *res, int row, int col);
int pg_op_begin(struct pg_store *s, bool write, bool multi,
		struct tw_error *err);
/* COMMIT the open transaction unless rc is an error; roll back on any. */
int pg_end_tx(struct pg_store *s, int rc, struct tw_error *err);
int pg_op_end(struct pg_store *s, bool write, bool multi, int rc,
	      struct tw_error *err);
int pg_begin(struct store *st, struct tw_error *err);
int pg_commit(struct store *st, struct tw_error *err);
void pg_rollback(struct store *st);
int pg_read_deal_row(struct pg_store *s, const PGresult *res, int row,
		     struct deal *d, long long *id, struct tw_error *err);
void pg_param_id(struct params *p, long long id);
int pg_load_deal(struct pg_store *s, const char *slug, bool children, bool lock,
		 struct deal *out, long long *id, struct tw_error *err);
int pg_deal_get(struct store *st, const char *slug, struct deal *out,
		struct tw_error *err);
int pg_deal_list(struct store *st, struct deal_list *out, struct tw_error *err);

/* store-pg-walk.c */
int pg_deal_each(struct store *st, bool open_only,
		 int (*fn)(const struct deal *d, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err);

/* store-pg-write.c */
void pg_now_utc(struct pg_store *s, char *buf, size_t size);
int pg_deal_put(struct store *st, const struct deal *d, struct tw_error *err);
int pg_deal_delete(struct store *st, const char *slug, struct tw_error *err);

#endif
