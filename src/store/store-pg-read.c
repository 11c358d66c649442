/*
 * The PostgreSQL backend: its statements and parameters, binding and
 * reading fields, transactions, and reading deals and history.
 */
#include "store/diff.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store-pg-internal.h"
#include "store/store-pg.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char sql_phase_crit_get[] =
	"SELECT number, criterion FROM phase_criteria WHERE deal_id = $1 "
	"ORDER BY number, pos";
/* ---- parameters and statements --------------------------------------- */

void
pg_param_str(struct params *p, const char *v)
{
	if (p->n >= MAX_PARAMS)
		abort();	/* a field table outgrew MAX_PARAMS */
	p->v[p->n++] = v;
}

void
pg_param_fmt(struct params *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n >= MAX_PARAMS)
		abort();
	va_start(ap, fmt);
	vsnprintf(p->buf[p->n], sizeof(p->buf[0]), fmt, ap);
	va_end(ap);
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

/*
 * Run sql with p's parameters (p may be NULL). On success *out (when not
 * NULL) holds the result for the caller to PQclear; on failure the
 * SQLSTATE and constraint are kept in s for callers that map them.
 */
int
pg_query(struct pg_store *s, const char *sql, const struct params *p,
	 PGresult **out, struct tw_error *err)
{
	PGresult *res = PQexecParams(s->conn, sql, p ? p->n : 0,
				     p ? p->types : NULL,
				     p ? p->v : NULL, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	const char *v;
	int rc;

	if (out)
		*out = NULL;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		s->state[0] = '\0';
		s->constraint[0] = '\0';
		if (out)
			*out = res;
		else
			PQclear(res);
		return 0;
	}
	v = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(s->state, sizeof(s->state), "%s", v ? v : "");
	v = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	snprintf(s->constraint, sizeof(s->constraint), "%s", v ? v : "");
	rc = pg_fail(s, res, err);
	PQclear(res);
	return rc;
}

int
pg_run(struct pg_store *s, const char *sql, struct tw_error *err)
{
	return pg_query(s, sql, NULL, NULL, err);
}

bool
pg_failed_with(const struct pg_store *s, const char *state)
{
	return !strcmp(s->state, state);
}

/*
 * The deals table. Reads return id, slug, the fields. Insert takes $1
 * slug, $2... the fields and returns the new id; update takes $1 id, $2
 * slug, $3... the fields.
 */
static void
deal_sql(enum stmt_id id, struct strbuf *sb)
{
	size_t n = schema_deal.nfields;

	switch (id) {
	case S_DEAL_GET:
	case S_DEAL_GET_LOCK:
	case S_DEAL_LIST:
		strbuf_addstr(sb, "SELECT id, slug");
		add_column_list(sb, schema_deal.fields, n);
		strbuf_addstr(sb, " FROM deals ");
		/* Byte order, as SQLite sorts, whatever the collation. */
		if (id == S_DEAL_LIST)
			strbuf_addstr(sb, "ORDER BY slug COLLATE \"C\"");
		else
			strbuf_addstr(sb, "WHERE slug = $1");
		if (id == S_DEAL_GET_LOCK)
			strbuf_addstr(sb, " FOR UPDATE");
		break;
	case S_DEAL_INSERT:
		strbuf_addstr(sb, "INSERT INTO deals (slug");
		add_column_list(sb, schema_deal.fields, n);
		strbuf_addstr(sb, ") VALUES ($1");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", $%zu", i + 2);
		strbuf_addstr(sb, ") RETURNING id");
		break;
	case S_DEAL_UPDATE:
		strbuf_addstr(sb, "UPDATE deals SET slug = $2");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", \"%s\" = $%zu",
				    schema_deal.fields[i].name, i + 3);
		strbuf_addstr(sb, " WHERE id = $1");
		break;
	default:
		break;
	}
}

void
pg_build_sql(struct pg_store *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < S_MAX; i++) {
		deal_sql((enum stmt_id)i, &sb);
		s->sql[i] = strbuf_detach(&sb, NULL);
	}
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		for (int w = 0; w < T_MAX; w++) {
			table_sql(&schema_tables[t], w, '$', &sb);
			s->tsql[t][w] = strbuf_detach(&sb, NULL);
		}
	}
}

/* ---- fields: bind, read ---------------------------------------------- */

static void
param_real(struct params *p, double v)
{
	if (p->n >= MAX_PARAMS)
		abort();
	format_real(v, p->buf[p->n], sizeof(p->buf[0]));
	p->v[p->n] = p->buf[p->n];
	p->n++;
}

/* One field as a parameter; strings are borrowed from obj. */
void
pg_param_field(struct params *pr, const struct field *f, const void *obj)
{
	const void *p = fptr(f, obj);
	char buf[DATE_BUFSZ + DURATION_BUFSZ];

	switch (f->type) {
	case F_STR:
		pg_param_str(pr, *(char *const *)p);
		return;
	case F_INT_OPT:
		if (!fhas(f, obj)) {
			pg_param_str(pr, NULL);
			return;
		}
		/* fall through */
	case F_INT:
		pg_param_fmt(pr, "%d", *(const int *)p);
		return;
	case F_REAL_OPT:
		if (!fhas(f, obj)) {
			pg_param_str(pr, NULL);
			return;
		}
		/* fall through */
	case F_REAL:
		param_real(pr, *(const double *)p);
		return;
	case F_BOOL:
		pg_param_str(pr, *(const bool *)p ? "true" : "false");
		return;
	case F_DATE:
		if (*(const tw_date *)p == DATE_NONE)
			pg_param_str(pr, NULL);
		else
			pg_param_fmt(pr, "%s",
				     date_format(*(const tw_date *)p, buf));
		return;
	case F_DUR_OPT:
		if (!fhas(f, obj)) {
			pg_param_str(pr, NULL);
			return;
		}
		/* fall through */
	case F_DUR:
		pg_param_fmt(pr, "%s", duration_format(p, buf));
		return;
	case F_ENUM:
		pg_param_str(pr, f->en->name(fenum(f, obj)));
		return;
	case F_LIST: {
		/* Only a joined list is a column: "a,b", NULL when empty. */
		struct strbuf sb = STRBUF_INIT;
		const char *v = field_text(f, obj, &sb);

		if (*v)
			pg_param_fmt(pr, "%s", v);
		else
			pg_param_str(pr, NULL);
		strbuf_release(&sb);
		return;
	}
	}
}

/* The fields (list tables skipped) as the next parameters. */
void
pg_param_fields(struct params *pr, const struct field *f, size_t n,
		const void *obj)
{
	for (size_t i = 0; i < n; i++)
		if (field_in_row(&f[i]))
			pg_param_field(pr, &f[i], obj);
}

/* A whole-number column as read back; false when it is not one. */
bool
pg_parse_ll(const char *text, long long *out)
{
	char *end;

	*out = strtoll(text, &end, 10);
	return end != text && !*end;
}

static int
read_field(struct pg_store *s, const PGresult *res, int row, int col,
	   const struct field *f, void *obj, struct tw_error *err)
{
	void *p = (char *)obj + f->off;
	bool *has = (bool *)((char *)obj + f->aux);
	bool null = PQgetisnull(res, row, col);
	const char *text = PQgetvalue(res, row, col);
	long long ll;
	char *end;

	switch (f->type) {
	case F_STR:
	case F_DATE:
	case F_DUR:
	case F_DUR_OPT:
	case F_ENUM:
	case F_LIST:
		if (field_from_text(f, obj, null ? NULL : text) < 0)
			return pg_corrupt(s, f->name, text, err);
		break;
	case F_INT_OPT:
		*has = !null;
		/* fall through */
	case F_INT:
		*(int *)p = 0;
		if (null)
			break;
		if (!pg_parse_ll(text, &ll) || ll < -2147483647 - 1 ||
		    ll > 2147483647)
			return pg_corrupt(s, f->name, text, err);
		*(int *)p = (int)ll;
		break;
	case F_REAL_OPT:
		*has = !null;
		/* fall through */
	case F_REAL:
		*(double *)p = 0;
		if (null)
			break;
		*(double *)p = strtod(text, &end);
		if (end == text || *end)
			return pg_corrupt(s, f->name, text, err);
		break;
	case F_BOOL:
		*(bool *)p = !null && text[0] == 't';
		break;
	}
	return 0;
}

/* Read fields (list tables skipped) from columns first, first + 1, ... */
int
pg_read_fields(struct pg_store *s, const PGresult *res, int row, int first,
	       const struct field *f, size_t n, void *obj, struct tw_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		if (field_in_row(&f[i]))
			rc = read_field(s, res, row, first++, &f[i], obj, err);
	return rc;
}

char *
pg_value_dup(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL
					  : xstrdup(PQgetvalue(res, row, col));
}

long long
pg_value_ll(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

/* ---- transactions ---------------------------------------------------- */

/*
 * Every operation runs between pg_op_begin and op_end. Outside an explicit
 * transaction an operation of several statements gets its own (reads a
 * snapshot, so a deal and its children agree; a single statement is
 * atomic by itself). Inside one, a write runs under a savepoint: a failed
 * statement would otherwise abort the caller's whole transaction, where
 * SQLite leaves the other operations in it alone.
 */
int
pg_op_begin(struct pg_store *s, bool write, bool multi, struct tw_error *err)
{
	if (s->in_tx) {
		if (PQtransactionStatus(s->conn) == PQTRANS_INERROR)
			return tw_error_set(err, TW_ESTORE,
					    "transaction was rolled back after "
					    "an earlier error");
		return write ? pg_run(s, "SAVEPOINT tw_op", err) : 0;
	}
	if (!multi)
		return 0;
	return pg_run(s, write ? "BEGIN"
			    : "BEGIN ISOLATION LEVEL REPEATABLE READ, "
			      "READ ONLY",
		      err);
}

int
pg_end_tx(struct pg_store *s, int rc, struct tw_error *err)
{
	if (!rc)
		rc = pg_run(s, "COMMIT", err);
	/* Never leave a transaction open after a failure, COMMIT's too. */
	if (rc && PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		pg_run(s, "ROLLBACK", NULL);
	return rc;
}

int
pg_op_end(struct pg_store *s, bool write, bool multi, int rc,
	  struct tw_error *err)
{
	if (s->in_tx) {
		if (!write)
			return rc;
		if (rc)
			pg_run(s, "ROLLBACK TO SAVEPOINT tw_op", NULL);
		pg_run(s, "RELEASE SAVEPOINT tw_op", NULL);
		return rc;
	}
	if (!multi)
		return rc;
	return pg_end_tx(s, rc, err);
}

/* Begin an explicit transaction with sql; snapshot for a read-only one. */
static int
begin_with(struct store *st, const char *sql, bool snapshot,
	   struct tw_error *err)
{
	struct pg_store *s = to_pg(st);
	int rc;

	if (s->in_tx)
		return tw_error_set(err, TW_ESTORE,
				    "a transaction is already open");
	rc = pg_run(s, sql, err);
	if (!rc) {
		s->in_tx = true;
		s->snapshot = snapshot;
	}
	return rc;
}

int
pg_begin(struct store *st, struct tw_error *err)
{
	return begin_with(st, "BEGIN", false, err);
}

int
pg_commit(struct store *st, struct tw_error *err)
{
	struct pg_store *s = to_pg(st);

	if (!s->in_tx)
		return tw_error_set(err, TW_ESTORE, "no transaction is open");
	s->in_tx = false;
	s->snapshot = false;
	/* COMMIT of a failed transaction "succeeds" as a rollback. */
	if (PQtransactionStatus(s->conn) == PQTRANS_INERROR) {
		pg_run(s, "ROLLBACK", NULL);
		return tw_error_set(err, TW_ESTORE,
				    "transaction was rolled back after an "
				    "earlier error");
	}
	return pg_end_tx(s, 0, err);
}

void
pg_rollback(struct store *st)
{
	struct pg_store *s = to_pg(st);

	if (!s->in_tx)
		return;
	s->in_tx = false;
	s->snapshot = false;
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		pg_run(s, "ROLLBACK", NULL);
}

int
store_pg_begin_snapshot(struct store *st, struct tw_error *err)
{
	return begin_with(st, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
			  true, err);
}

/* ---- reading deals ---------------------------------------------------- */

/* The deals columns of one row of S_DEAL_GET / S_DEAL_LIST. */
int
pg_read_deal_row(struct pg_store *s, const PGresult *res, int row,
		 struct deal *d, long long *id, struct tw_error *err)
{
	if (id)
		*id = pg_value_ll(res, row, 0);
	d->slug = xstrdup(PQgetvalue(res, row, 1));
	return pg_read_fields(s, res, row, 2, schema_deal.fields,
			      schema_deal.nfields, d, err);
}

void
pg_param_id(struct params *p, long long id)
{
	pg_param_fmt(p, "%lld", id);
}

static int
load_phase_criteria(struct pg_store *s, long long id, struct deal *d,
		    struct tw_error *err)
{
	struct params p = { 0 };
	struct phase_finder finder = PHASE_FINDER_INIT;
	PGresult *res;
	int rc;

	pg_param_id(&p, id);
	rc = pg_query(s, sql_phase_crit_get, &p, &res, err);
	if (rc)
		return rc;
	for (int r = 0; r < PQntuples(res); r++)
		deal_phase_add_criterion(d, (int)pg_value_ll(res, r, 0),
					 PQgetvalue(res, r, 1), &finder);
	phase_finder_release(&finder);
	PQclear(res);
	return 0;
}

static int
load_children(struct pg_store *s, long long id, struct deal *d,
	      struct tw_error *err)
{
	int rc = 0;

	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++) {
		const struct schema_table *tb = &schema_tables[t];
		struct params p = { 0 };
		PGresult *res;

		pg_param_id(&p, id);
		rc = pg_query(s, s->tsql[t][T_SELECT], &p, &res, err);
		for (int r = 0; !rc && r < PQntuples(res); r++)
			rc = pg_read_fields(s, res, r, 1, tb->fields,
					    tb->nfields, tb->add(d), err);
		PQclear(res);
	}
	if (!rc)
		rc = load_phase_criteria(s, id, d, err);
	return rc;
}

/*
 * The stored deal named slug, with its children when children is set,
 * its row locked until the transaction ends when lock is set.
 * TW_ENOTFOUND when absent. out is released on failure.
 */
int
pg_load_deal(struct pg_store *s, const char *slug, bool children, bool lock,
	     struct deal *out, long long *id, struct tw_error *err)
{
	struct params p = { 0 };
	PGresult *res;
	int rc;

	deal_init(out);
	pg_param_str(&p, slug);
	rc = pg_query(s, s->sql[lock ? S_DEAL_GET_LOCK : S_DEAL_GET], &p, &res,
		      err);
	if (rc)
		return rc;
	if (PQntuples(res) == 1)
		rc = pg_read_deal_row(s, res, 0, out, id, err);
	else
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'", slug);
	PQclear(res);
	if (!rc && children)
		rc = load_children(s, *id, out, err);
	if (rc)
		deal_release(out);
	return rc;
}

int
pg_deal_get(struct store *st, const char *slug, struct deal *out,
	    struct tw_error *err)
{
	struct pg_store *s = to_pg(st);
	long long id;
	int rc;

	deal_init(out);
	rc = pg_op_begin(s, false, true, err);
	if (rc)
		return rc;
	/*
	 * Inside begin() the caller means to write the deal back: hold its
	 * row until commit, so another writer waits instead of having its
	 * update overwritten by ours.
	 */
	rc = pg_load_deal(s, slug, true, s->in_tx && !s->snapshot,
			  out, &id, err);
	return pg_op_end(s, false, true, rc, err);
}

int
pg_deal_list(struct store *st, struct deal_list *out, struct tw_error *err)
{
	struct pg_store *s = to_pg(st);
	PGresult *res;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = pg_op_begin(s, false, false, err);
	if (rc)
		return rc;
	rc = pg_query(s, s->sql[S_DEAL_LIST], NULL, &res, err);
	for (int r = 0; !rc && r < PQntuples(res); r++) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		deal_init(&out->items[out->n]);
		rc = pg_read_deal_row(s, res, r, &out->items[out->n++], NULL,
				      err);
	}
	PQclear(res);
	rc = pg_op_end(s, false, false, rc, err);
	if (rc)
		deal_list_release(out);
	return rc;
}
