/*
 * Copying a whole workspace between stores (store/copy.h), for techwin
 * migrate. The copy works on rows, below the store interface: deal_put
 * would write fresh history rows for every deal it creates, while a
 * migration must carry the history, the ids and the creation times over as
 * they are. Each backend is reached through its own handle
 * (store_sqlite_handle, store_pg_conn); values pass through one normalised
 * text form and are bound as parameters on the way in.
 *
 * The model's tables and columns are the schema's (core/schema.h), the
 * others are listed here. Both backends' column lists are checked against
 * these before anything is written, so a migration that adds a column
 * without adding its field (or, outside the model, its line here) fails
 * loudly instead of losing data quietly.
 */
#include "store/copy.h"
#include "core/schema.h"
#include "store/store-internal.h"
#include "store/store-pg.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Rows read and written at a time. */
#define BATCH_ROWS 500

enum ctype { C_TEXT, C_INT, C_REAL, C_BOOL, C_DATE };

struct ccol {
	const char *name;
	enum ctype type;
};

struct ctable {
	const char *name;
	const struct ccol *cols;
	size_t ncols;
	const char *const *order;	/* the primary key, NULL-terminated */
	bool has_id;			/* an id PostgreSQL generates */
	const char *where;		/* the rows copied, or NULL: all */
};

static const struct ccol history_cols[] = {
	{ "id", C_INT },
	{ "at", C_TEXT },
	{ "actor", C_TEXT },
	{ "deal", C_TEXT },
	{ "entity", C_TEXT },
	{ "key", C_TEXT },
	{ "field", C_TEXT },
	{ "old", C_TEXT },
	{ "new", C_TEXT },
};

static const struct ccol settings_cols[] = {
	{ "key", C_TEXT },
	{ "value", C_TEXT },
};

static const struct ccol users_cols[] = {
	{ "id", C_INT },
	{ "name", C_TEXT },
	{ "role", C_TEXT },
	{ "pw_hash", C_TEXT },
	{ "created", C_TEXT },
	{ "email", C_TEXT },
	{ "full_name", C_TEXT },
};

static const struct ccol tokens_cols[] = {
	{ "id", C_INT },
	{ "name", C_TEXT },
	{ "user_id", C_INT },
	{ "hash", C_TEXT },
	{ "created", C_TEXT },
};

static const struct ccol shares_cols[] = {
	{ "id", C_INT },
	{ "deal_id", C_INT },
	{ "hash", C_TEXT },
	{ "expires", C_DATE },
	{ "created", C_TEXT },
};

/* Alerts (store/notify.h): what was sent and queued goes along. */
static const struct ccol outbox_cols[] = {
	{ "id", C_INT },
	{ "type", C_TEXT },
	{ "deal", C_TEXT },
	{ "payload", C_TEXT },
	{ "created_at", C_TEXT },
};

static const struct ccol subscriptions_cols[] = {
	{ "email", C_TEXT },
	{ "scope", C_TEXT },
	{ "name", C_TEXT },
	{ "last_event", C_INT },
	{ "last_digest_on", C_TEXT },
	{ "created_at", C_TEXT },
};

static const struct ccol webhooks_cols[] = {
	{ "name", C_TEXT },
	{ "url", C_TEXT },
	{ "format", C_TEXT },
	{ "secret", C_TEXT },
	{ "scope", C_TEXT },
	{ "scope_name", C_TEXT },
	{ "last_event", C_INT },
	{ "created_at", C_TEXT },
};

static const struct ccol deliveries_cols[] = {
	{ "id", C_TEXT },
	{ "target_kind", C_TEXT },
	{ "target", C_TEXT },
	{ "kind", C_TEXT },
	{ "event_id", C_INT },
	{ "subject", C_TEXT },
	{ "body", C_TEXT },
	{ "status", C_TEXT },
	{ "attempts", C_INT },
	{ "next_try", C_INT },
	{ "created", C_INT },
	{ "last_error", C_TEXT },
};

/* The workspace's playbook (config playbook), a step a row. */
static const struct ccol workspace_playbook_cols[] = {
	{ "pos", C_INT },
	{ "title", C_TEXT },
	{ "offset", C_INT },
	{ "kind", C_TEXT },
	{ "plus_procurement", C_INT },
	{ "key", C_TEXT },
	{ "owner", C_TEXT },
};

static const char *const by_id[] = { "id", NULL };
static const char *const by_pos[] = { "pos", NULL };
static const char *const by_key[] = { "key", NULL };
static const char *const by_email[] = { "email", NULL };
static const char *const by_name[] = { "name", NULL };

#define CTABLE(name, order, has_id) \
	{ #name, name##_cols, ARRAY_SIZE(name##_cols), order, has_id, NULL }
/* The settings of the workspace: not the database's own digest. */
#define NOT_RULES "\"key\" <> '" STORE_RULES_KEY "'"

/*
 * The model's tables (the deals, their children and the children's lists)
 * come first, their columns from the schema tables; then these, a row's
 * parents before it.
 */
static const struct ctable other_tables[] = {
	CTABLE(history, by_id, true),
	{ "settings", settings_cols, ARRAY_SIZE(settings_cols), by_key, false,
	  NOT_RULES },
	CTABLE(workspace_playbook, by_pos, false),
	CTABLE(users, by_id, true),
	CTABLE(tokens, by_id, true),
	CTABLE(shares, by_id, true),
	CTABLE(outbox, by_id, true),
	CTABLE(subscriptions, by_email, false),
	CTABLE(webhooks, by_name, false),
	CTABLE(deliveries, by_id, false),
};

#define NMODEL (1 + SCHEMA_NTABLES + SCHEMA_NLISTS)
/* The most columns of a model table: its fields and two more. */
#define MODEL_COLS_MAX 24

static struct ctable ctables[NMODEL + ARRAY_SIZE(other_tables)];
static struct ccol model_cols[NMODEL][MODEL_COLS_MAX];
static const char *model_order[NMODEL][4];
static pthread_once_t ctables_once = PTHREAD_ONCE_INIT;

/* How a field's value is kept in both databases. */
static enum ctype
field_ctype(const struct field *f)
{
	switch (f->type) {
	case F_INT:
	case F_INT_OPT:
		return C_INT;
	case F_REAL:
	case F_REAL_OPT:
		return C_REAL;
	case F_BOOL:
		return C_BOOL;
	case F_DATE:
		return C_DATE;
	default:
		return C_TEXT;
	}
}

/* The next model table; add_col() fills in its columns. */
static size_t
model_table(size_t *n, const char *name, bool has_id)
{
	ctables[*n].name = name;
	ctables[*n].cols = model_cols[*n];
	ctables[*n].order = model_order[*n];
	ctables[*n].has_id = has_id;
	return (*n)++;
}

static void
add_col(size_t t, const char *name, enum ctype type)
{
	size_t c = ctables[t].ncols++;

	if (c >= MODEL_COLS_MAX)
		abort();
	model_cols[t][c].name = name;
	model_cols[t][c].type = type;
}

/* The fields of tb but list tables, from the first one on. */
static void
add_field_cols(size_t t, const struct schema_table *tb, size_t first)
{
	for (size_t i = first; i < tb->nfields; i++)
		if (field_in_row(&tb->fields[i]))
			add_col(t, tb->fields[i].name,
				field_ctype(&tb->fields[i]));
}

/*
 * deals (id, slug, its fields); each child table (deal_id, its key, pos,
 * its other fields; deal_id, pos and its fields when it has no key), each
 * followed by its lists' tables (deal_id, the child's key, pos, the
 * element).
 */
static void
ctables_build(void)
{
	size_t n = 0, t = model_table(&n, schema_deal.sql, true);

	add_col(t, "id", C_INT);
	add_col(t, "slug", C_TEXT);
	add_field_cols(t, &schema_deal, 0);
	model_order[t][0] = "id";
	for (size_t i = 0; i < SCHEMA_NTABLES; i++) {
		const struct schema_table *tb = &schema_tables[i];
		const struct field *key = &tb->fields[0];

		t = model_table(&n, tb->sql, false);
		add_col(t, "deal_id", C_INT);
		if (tb->keyed)
			add_col(t, key->name, field_ctype(key));
		add_col(t, "pos", C_INT);
		add_field_cols(t, tb, tb->keyed ? 1 : 0);
		model_order[t][0] = "deal_id";
		model_order[t][1] = tb->keyed ? key->name : "pos";
		for (size_t l = 0; l < SCHEMA_NLISTS; l++) {
			const struct schema_list *sl = &schema_lists[l];

			if (sl->owner != tb)
				continue;
			t = model_table(&n, sl->sql, false);
			add_col(t, "deal_id", C_INT);
			add_col(t, key->name, field_ctype(key));
			add_col(t, "pos", C_INT);
			add_col(t, sl->column, C_TEXT);
			model_order[t][0] = "deal_id";
			model_order[t][1] = key->name;
			model_order[t][2] = "pos";
		}
	}
	if (n != NMODEL)
		abort();
	for (size_t i = 0; i < ARRAY_SIZE(other_tables); i++)
		ctables[n++] = other_tables[i];
}

/*
 * Tables a workspace has that are not copied: sign-in sessions (everyone
 * signs in again on the new database), PostgreSQL's techwin_meta, which
 * describes the database, not the workspace, and the kept evaluations
 * (store/findings.h), which the first check on the new database makes
 * again from the deals.
 */
static const char *const not_copied[] = { "sessions", "techwin_meta",
					   "evaluations", "findings",
					   "eval_inputs" };

/* ---- the two sides ---------------------------------------------------- */

struct side {
	struct store *st;
	sqlite3 *db;		/* one of these two */
	PGconn *pg;
	const char *role;	/* "source" or "target", for messages */
};

static int
side_fail(struct side *sd, const PGresult *res, const char *what,
	  struct tw_error *err)
{
	const char *msg;
	char buf[512];

	if (sd->db) {
		msg = sqlite3_errmsg(sd->db);
	} else {
		msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
			  : NULL;
		if (!msg) {
			msg = PQerrorMessage(sd->pg);
			snprintf(buf, sizeof(buf), "%.*s",
				 (int)strcspn(msg, "\n"), msg);
			msg = buf;
		}
	}
	return tw_error_set(err, TW_ESTORE, "%s: %s: %s", sd->role, what, msg);
}

/* A statement without values (DDL, cursors, counts). */
static int
side_exec(struct side *sd, const char *sql, PGresult **out, const char *what,
	  struct tw_error *err)
{
	PGresult *res;
	ExecStatusType st;
	int rc;

	if (out)
		*out = NULL;
	if (sd->db) {
		if (sqlite3_exec(sd->db, sql, NULL, NULL, NULL) != SQLITE_OK)
			return side_fail(sd, NULL, what, err);
		return 0;
	}
	res = PQexecParams(sd->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = side_fail(sd, res, what, err);
		PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		PQclear(res);
	return 0;
}

/* A one-integer query with one optional text parameter. */
static int
side_int(struct side *sd, const char *sql, const char *param, long long *out,
	 const char *what, struct tw_error *err)
{
	*out = 0;
	if (sd->db) {
		sqlite3_stmt *stmt;
		int rc = sqlite3_prepare_v2(sd->db, sql, -1, &stmt, NULL);

		if (rc != SQLITE_OK)
			return side_fail(sd, NULL, what, err);
		if (param)
			sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int64(stmt, 0);
		else if (rc != SQLITE_DONE)
			rc = side_fail(sd, NULL, what, err);
		sqlite3_finalize(stmt);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : rc;
	} else {
		PGresult *res = PQexecParams(sd->pg, sql, param ? 1 : 0, NULL,
					     &param, NULL, NULL, 0);
		int rc = 0;

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = side_fail(sd, res, what, err);
		else if (PQntuples(res) == 1)
			*out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
		return rc;
	}
}

/* ---- values ------------------------------------------------------------ */

/* Shortest text that reads back as the same double. */
static char *
real_text(double v)
{
	char buf[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return xstrdup(buf);
}

static char *
int_text(long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	return xstrdup(buf);
}

/*
 * Every value in one text form whichever side it came from, so values can
 * be compared as strings: integers in decimal, reals in their shortest
 * exact form, booleans as "true"/"false", dates as YYYY-MM-DD.
 */
static char *
sqlite_value(sqlite3_stmt *stmt, int col, enum ctype type)
{
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return NULL;
	switch (type) {
	case C_INT:
		return int_text(sqlite3_column_int64(stmt, col));
	case C_REAL:
		return real_text(sqlite3_column_double(stmt, col));
	case C_BOOL:
		return xstrdup(sqlite3_column_int(stmt, col) ? "true"
							     : "false");
	case C_TEXT:
	case C_DATE:
		break;
	}
	return xstrdup((const char *)sqlite3_column_text(stmt, col));
}

static char *
pg_value(const PGresult *res, int row, int col, enum ctype type)
{
	const char *text = PQgetvalue(res, row, col);

	if (PQgetisnull(res, row, col))
		return NULL;
	switch (type) {
	case C_INT:
		return int_text(strtoll(text, NULL, 10));
	case C_REAL:
		return real_text(strtod(text, NULL));
	case C_BOOL:
		return xstrdup(text[0] == 't' ? "true" : "false");
	case C_TEXT:
	case C_DATE:
		break;
	}
	return xstrdup(text);
}

static const char *
pg_type(enum ctype type)
{
	switch (type) {
	case C_INT:
		return "bigint";
	case C_REAL:
		return "double precision";
	case C_BOOL:
		return "boolean";
	case C_DATE:
		return "date";
	case C_TEXT:
		break;
	}
	return "text";
}

/* A batch of rows, ncols values each; NULL is SQL NULL. */
struct rowset {
	size_t ncols, nrows, alloc;
	char **v;
};

static void
rowset_clear(struct rowset *rs)
{
	for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
		free(rs->v[i]);
	rs->nrows = 0;
}

static void
rowset_release(struct rowset *rs)
{
	rowset_clear(rs);
	free(rs->v);
	memset(rs, 0, sizeof(*rs));
}

static char **
rowset_add(struct rowset *rs)
{
	ALLOC_GROW(rs->v, (rs->nrows + 1) * rs->ncols, rs->alloc);
	return &rs->v[rs->nrows++ * rs->ncols];
}

/* ---- reading a table --------------------------------------------------- */

static void
select_sql(const struct ctable *t, bool pg, struct strbuf *sb)
{
	strbuf_addstr(sb, "SELECT ");
	for (size_t i = 0; i < t->ncols; i++)
		strbuf_addf(sb, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
	strbuf_addf(sb, " FROM %s%s%s ORDER BY ", t->name,
		    t->where ? " WHERE " : "", t->where ? t->where : "");
	for (size_t i = 0; t->order[i]; i++) {
		bool text = false;

		for (size_t j = 0; j < t->ncols; j++)
			if (!strcmp(t->cols[j].name, t->order[i]))
				text = t->cols[j].type == C_TEXT;
		strbuf_addf(sb, "%s\"%s\"", i ? ", " : "", t->order[i]);
		/* Both sides in byte order, as SQLite sorts text. */
		if (pg && text)
			strbuf_addstr(sb, " COLLATE \"C\"");
	}
}

struct reader {
	struct side *sd;
	const struct ctable *t;
	sqlite3_stmt *stmt;
	bool open;
	bool done;	/* SQLite would start over after its last row */
};

/* A PostgreSQL side reads through a cursor, BATCH_ROWS at a time. */
static int
reader_open(struct reader *r, struct side *sd, const struct ctable *t,
	    struct tw_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	int rc = 0;

	memset(r, 0, sizeof(*r));
	r->sd = sd;
	r->t = t;
	if (sd->pg)
		strbuf_addstr(&sql, "DECLARE tw_copy NO SCROLL CURSOR FOR ");
	select_sql(t, sd->pg != NULL, &sql);
	if (sd->db) {
		if (sqlite3_prepare_v2(sd->db, sql.buf, -1, &r->stmt, NULL) !=
		    SQLITE_OK)
			rc = side_fail(sd, NULL, t->name, err);
	} else {
		rc = side_exec(sd, sql.buf, NULL, t->name, err);
	}
	r->open = !rc;
	strbuf_release(&sql);
	return rc;
}

/* The next rows into rs; none at the end. */
static int
reader_next(struct reader *r, struct rowset *rs, struct tw_error *err)
{
	const struct ctable *t = r->t;
	char fetch[64];
	PGresult *res;
	int rc;

	rowset_clear(rs);
	rs->ncols = t->ncols;
	if (r->sd->db) {
		while (!r->done && rs->nrows < BATCH_ROWS) {
			char **row;

			rc = sqlite3_step(r->stmt);
			if (rc == SQLITE_DONE) {
				r->done = true;
				break;
			}
			if (rc != SQLITE_ROW)
				return side_fail(r->sd, NULL, t->name, err);
			row = rowset_add(rs);
			for (size_t c = 0; c < t->ncols; c++)
				row[c] = sqlite_value(r->stmt, (int)c,
						      t->cols[c].type);
		}
		return 0;
	}
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM tw_copy", BATCH_ROWS);
	rc = side_exec(r->sd, fetch, &res, t->name, err);
	if (rc)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		char **row = rowset_add(rs);

		for (size_t c = 0; c < t->ncols; c++)
			row[c] = pg_value(res, i, (int)c, t->cols[c].type);
	}
	PQclear(res);
	return 0;
}

static void
reader_close(struct reader *r)
{
	if (!r->open)
		return;
	if (r->stmt)
		sqlite3_finalize(r->stmt);
	else if (PQtransactionStatus(r->sd->pg) == PQTRANS_INTRANS)
		side_exec(r->sd, "CLOSE tw_copy", NULL, "", NULL);
	r->open = false;
}

/* ---- writing a table --------------------------------------------------- */

static int
insert_sqlite(struct side *sd, const struct ctable *t, sqlite3_stmt *stmt,
	      const struct rowset *rs, struct tw_error *err)
{
	for (size_t r = 0; r < rs->nrows; r++) {
		char *const *row = &rs->v[r * rs->ncols];
		int rc;

		for (size_t c = 0; c < t->ncols; c++) {
			int i = (int)c + 1;

			if (!row[c]) {
				sqlite3_bind_null(stmt, i);
				continue;
			}
			switch (t->cols[c].type) {
			case C_INT:
				sqlite3_bind_int64(stmt, i,
						   strtoll(row[c], NULL, 10));
				break;
			case C_REAL:
				sqlite3_bind_double(stmt, i,
						    strtod(row[c], NULL));
				break;
			case C_BOOL:
				sqlite3_bind_int(stmt, i,
						 !strcmp(row[c], "true"));
				break;
			case C_TEXT:
			case C_DATE:
				sqlite3_bind_text(stmt, i, row[c], -1,
						  SQLITE_STATIC);
				break;
			}
		}
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		sqlite3_clear_bindings(stmt);
		if (rc != SQLITE_DONE)
			return side_fail(sd, NULL, t->name, err);
	}
	return 0;
}

/* One multi-row INSERT per batch, every value a typed parameter. */
static int
insert_pg(struct side *sd, const struct ctable *t, const struct rowset *rs,
	  struct tw_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	PGresult *res;
	int param = 1, rc = 0;

	if (!rs->nrows)
		return 0;
	strbuf_addf(&sql, "INSERT INTO %s (", t->name);
	for (size_t c = 0; c < t->ncols; c++)
		strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "", t->cols[c].name);
	strbuf_addstr(&sql, ") VALUES ");
	for (size_t r = 0; r < rs->nrows; r++) {
		strbuf_addstr(&sql, r ? ", (" : "(");
		for (size_t c = 0; c < t->ncols; c++)
			strbuf_addf(&sql, "%s$%d::%s", c ? ", " : "", param++,
				    pg_type(t->cols[c].type));
		strbuf_addch(&sql, ')');
	}
	res = PQexecParams(sd->pg, sql.buf, (int)(rs->nrows * rs->ncols),
			   NULL, (const char *const *)rs->v, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = side_fail(sd, res, t->name, err);
	PQclear(res);
	strbuf_release(&sql);
	return rc;
}

static int
copy_table(struct side *src, struct side *dst, const struct ctable *t,
	   size_t *n, struct tw_error *err)
{
	struct rowset rs = { 0 };
	struct strbuf sql = STRBUF_INIT;
	sqlite3_stmt *stmt = NULL;
	struct reader r;
	int rc = 0;

	*n = 0;
	if (dst->db) {
		strbuf_addf(&sql, "INSERT INTO %s (", t->name);
		for (size_t c = 0; c < t->ncols; c++)
			strbuf_addf(&sql, "%s\"%s\"", c ? ", " : "",
				    t->cols[c].name);
		strbuf_addstr(&sql, ") VALUES (");
		for (size_t c = 0; c < t->ncols; c++)
			strbuf_addf(&sql, "%s?%zu", c ? ", " : "", c + 1);
		strbuf_addch(&sql, ')');
		if (sqlite3_prepare_v2(dst->db, sql.buf, -1, &stmt, NULL) !=
		    SQLITE_OK)
			rc = side_fail(dst, NULL, t->name, err);
		strbuf_release(&sql);
		if (rc)
			return rc;
	}
	rc = reader_open(&r, src, t, err);
	while (!rc) {
		rc = reader_next(&r, &rs, err);
		if (rc || !rs.nrows)
			break;
		if (dst->db)
			rc = insert_sqlite(dst, t, stmt, &rs, err);
		else
			rc = insert_pg(dst, t, &rs, err);
		*n += rs.nrows;
	}
	reader_close(&r);
	rowset_release(&rs);
	sqlite3_finalize(stmt);
	return rc;
}

static bool
value_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Read t back from both sides and compare every value. */
static int
verify_table(struct side *src, struct side *dst, const struct ctable *t,
	     struct tw_error *err)
{
	struct rowset a = { 0 }, b = { 0 };
	struct reader ra, rb;
	size_t row = 0;
	int rc;

	rc = reader_open(&ra, src, t, err);
	if (!rc)
		rc = reader_open(&rb, dst, t, err);
	else
		rb.open = false;
	while (!rc) {
		rc = reader_next(&ra, &a, err);
		if (!rc)
			rc = reader_next(&rb, &b, err);
		if (rc)
			break;
		if (a.nrows != b.nrows) {
			rc = tw_error_set(err, TW_ESTORE,
					  "copy differs from the source: "
					  "table '%s' has %zu rows, expected "
					  "%zu",
					  t->name, row + b.nrows,
					  row + a.nrows);
			break;
		}
		if (!a.nrows)
			break;
		for (size_t i = 0; i < a.nrows * a.ncols && !rc; i++)
			if (!value_equal(a.v[i], b.v[i]))
				rc = tw_error_set(
					err, TW_ESTORE,
					"copy differs from the source: table "
					"'%s', row %zu, column '%s'",
					t->name, row + i / a.ncols + 1,
					t->cols[i % a.ncols].name);
		row += a.nrows;
	}
	reader_close(&ra);
	reader_close(&rb);
	rowset_release(&a);
	rowset_release(&b);
	return rc;
}

/* ---- checks before copying ----------------------------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_not_copied(const char *table)
{
	for (size_t i = 0; i < ARRAY_SIZE(not_copied); i++)
		if (!strcmp(table, not_copied[i]))
			return true;
	return false;
}

static const struct ctable *
find_ctable(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ctables); i++)
		if (!strcmp(ctables[i].name, name))
			return &ctables[i];
	return NULL;
}

/* The columns of table t in the database, sorted and comma-joined. */
static int
actual_columns(struct side *sd, const char *t, struct strbuf *out,
	       struct tw_error *err)
{
	char **names = NULL;
	size_t n = 0, alloc = 0;
	int rc = 0;

	if (sd->db) {
		sqlite3_stmt *stmt;

		if (sqlite3_prepare_v2(sd->db,
				       "SELECT name FROM pragma_table_info(?1)",
				       -1, &stmt, NULL) != SQLITE_OK)
			return side_fail(sd, NULL, t, err);
		sqlite3_bind_text(stmt, 1, t, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(
				(const char *)sqlite3_column_text(stmt, 0));
		}
		rc = rc == SQLITE_DONE ? 0 : side_fail(sd, NULL, t, err);
		sqlite3_finalize(stmt);
	} else {
		PGresult *res = PQexecParams(
			sd->pg,
			"SELECT a.attname FROM pg_attribute a "
			"WHERE a.attrelid = to_regclass($1) "
			"AND a.attnum > 0 AND NOT a.attisdropped",
			1, NULL, &t, NULL, NULL, 0);

		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = side_fail(sd, res, t, err);
		for (int i = 0; !rc && i < PQntuples(res); i++) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(PQgetvalue(res, i, 0));
		}
		PQclear(res);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		strbuf_addf(out, "%s%s", i ? "," : "", names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * The columns of every copied table are the ones listed here, on this
 * side; an SQLite workspace has no table left out.
 */
static int
check_columns(struct side *sd, struct tw_error *err)
{
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;
	const char *names[32];
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ctables) && !rc; i++) {
		const struct ctable *t = &ctables[i];

		for (size_t c = 0; c < t->ncols; c++)
			names[c] = t->cols[c].name;
		qsort(names, t->ncols, sizeof(*names), cmp_str);
		strbuf_reset(&want);
		for (size_t c = 0; c < t->ncols; c++)
			strbuf_addf(&want, "%s%s", c ? "," : "", names[c]);
		strbuf_reset(&got);
		rc = actual_columns(sd, t->name, &got, err);
		if (!rc && strcmp(want.buf, got.buf))
			rc = tw_error_set(err, TW_ESTORE,
					  "internal error: %s table '%s' has "
					  "columns (%s), migrate copies (%s)",
					  sd->role, t->name, got.buf,
					  want.buf);
	}
	if (!rc && sd->db) {
		sqlite3_stmt *stmt = NULL;

		if (sqlite3_prepare_v2(sd->db,
				       "SELECT name FROM sqlite_schema WHERE "
				       "type = 'table' AND name NOT LIKE "
				       "'sqlite\\_%' ESCAPE '\\'",
				       -1, &stmt, NULL) != SQLITE_OK)
			rc = side_fail(sd, NULL, "schema", err);
		while (!rc && sqlite3_step(stmt) == SQLITE_ROW) {
			const char *name =
				(const char *)sqlite3_column_text(stmt, 0);

			if (!find_ctable(name) && !is_not_copied(name))
				rc = tw_error_set(err, TW_ESTORE,
						  "internal error: %s table "
						  "'%s' is not copied",
						  sd->role, name);
		}
		if (stmt)
			sqlite3_finalize(stmt);
	}
	strbuf_release(&want);
	strbuf_release(&got);
	return rc;
}

/*
 * Whether from and to are one workspace: the same SQLite file, or the same
 * PostgreSQL techwin schema (its random instance id). --force would
 * otherwise empty the source before reading it.
 */
static bool
same_workspace(struct side *a, struct side *b)
{
	if (a->db && b->db) {
		const char *pa = sqlite3_db_filename(a->db, "main");
		const char *pb = sqlite3_db_filename(b->db, "main");
		struct stat sa, sb;

		return pa && pb && *pa && *pb && !stat(pa, &sa) &&
		       !stat(pb, &sb) && sa.st_dev == sb.st_dev &&
		       sa.st_ino == sb.st_ino;
	}
	if (a->pg && b->pg) {
		static const char sql[] = "SELECT value FROM techwin_meta "
					  "WHERE \"key\" = 'instance'";
		PGresult *ra = PQexec(a->pg, sql), *rb = PQexec(b->pg, sql);
		bool same = PQresultStatus(ra) == PGRES_TUPLES_OK &&
			    PQresultStatus(rb) == PGRES_TUPLES_OK &&
			    PQntuples(ra) == 1 && PQntuples(rb) == 1 &&
			    !strcmp(PQgetvalue(ra, 0, 0),
				    PQgetvalue(rb, 0, 0));

		PQclear(ra);
		PQclear(rb);
		return same;
	}
	return false;
}

/* The tables whose rows make a workspace non-empty, as counted. */
static const struct {
	const char *table, *what, *where;
} counted[] = {
	{ "deals", "deals", NULL },
	{ "history", "history rows", NULL },
	{ "settings", "settings", NOT_RULES },
	{ "users", "users", NULL },
	{ "tokens", "tokens", NULL },
	{ "shares", "share links", NULL },
	{ "workspace_playbook", "playbook steps", NULL },
};

/* Delete everything in an SQLite target, the append-only history too. */
static int
wipe_sqlite(struct side *sd, struct tw_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	char **triggers = NULL;
	size_t n = 0, alloc = 0;
	sqlite3_stmt *stmt;
	int rc = 0;

	/* The triggers that guard history go, and come back as they were. */
	if (sqlite3_prepare_v2(sd->db,
			       "SELECT name, sql FROM sqlite_schema WHERE "
			       "type = 'trigger' AND tbl_name = 'history'",
			       -1, &stmt, NULL) != SQLITE_OK)
		return side_fail(sd, NULL, "history", err);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		ALLOC_GROW(triggers, n + 2, alloc);
		triggers[n++] =
			xstrdup((const char *)sqlite3_column_text(stmt, 0));
		triggers[n++] =
			xstrdup((const char *)sqlite3_column_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	for (size_t i = 0; i < n && !rc; i += 2) {
		strbuf_reset(&sql);
		strbuf_addstr(&sql, "DROP TRIGGER \"");
		/* An identifier, not a value: quoted, its quotes doubled. */
		for (const char *p = triggers[i]; *p; p++) {
			if (*p == '"')
				strbuf_addch(&sql, '"');
			strbuf_addch(&sql, *p);
		}
		strbuf_addch(&sql, '"');
		rc = side_exec(sd, sql.buf, NULL, "history", err);
	}
	for (size_t i = ARRAY_SIZE(ctables); i > 0 && !rc; i--) {
		strbuf_reset(&sql);
		strbuf_addf(&sql, "DELETE FROM %s", ctables[i - 1].name);
		rc = side_exec(sd, sql.buf, NULL, ctables[i - 1].name, err);
	}
	if (!rc)
		rc = side_exec(sd, "DELETE FROM sessions", NULL, "sessions",
			       err);
	for (size_t i = 0; i < n && !rc; i += 2)
		rc = side_exec(sd, triggers[i + 1], NULL, "history", err);
	for (size_t i = 0; i < n; i++)
		free(triggers[i]);
	free(triggers);
	strbuf_release(&sql);
	return rc;
}

/* The same on PostgreSQL: the history triggers are off for the moment. */
static int
wipe_pg(struct side *sd, struct tw_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	int rc;

	/* The kept evaluations refer to deals: they go with them. */
	strbuf_addstr(&sql, "TRUNCATE sessions, eval_inputs, findings, "
			    "evaluations");
	for (size_t i = 0; i < ARRAY_SIZE(ctables); i++)
		strbuf_addf(&sql, ", %s", ctables[i].name);
	rc = side_exec(sd, "ALTER TABLE history DISABLE TRIGGER USER", NULL,
		       "history", err);
	if (!rc)
		rc = side_exec(sd, sql.buf, NULL, "truncate", err);
	if (!rc)
		rc = side_exec(sd, "ALTER TABLE history ENABLE TRIGGER USER",
			       NULL, "history", err);
	strbuf_release(&sql);
	return rc;
}

/* An empty target, or (force) one emptied now. */
static int
prepare_target(struct side *dst, bool force, struct tw_error *err)
{
	struct strbuf what = STRBUF_INIT;
	bool empty = true;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(counted) && !rc; i++) {
		char sql[128];
		long long n;

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s%s%s",
			 counted[i].table, counted[i].where ? " WHERE " : "",
			 counted[i].where ? counted[i].where : "");
		rc = side_int(dst, sql, NULL, &n, counted[i].table, err);
		if (!rc && n)
			empty = false;
		if (!rc)
			strbuf_addf(&what, "%s%lld %s", i ? ", " : "", n,
				    counted[i].what);
	}
	if (!rc && !empty && !force)
		rc = tw_error_set(err, TW_EEXIST,
				  "target is not empty (%s): --force replaces "
				  "everything in it",
				  what.buf);
	else if (!rc && !empty)
		rc = dst->db ? wipe_sqlite(dst, err) : wipe_pg(dst, err);
	strbuf_release(&what);
	return rc;
}

/* PostgreSQL hands out ids after the largest one copied. */
static int
reset_ids(struct side *dst, struct tw_error *err)
{
	struct strbuf sql = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ctables) && !rc; i++) {
		if (!ctables[i].has_id)
			continue;
		strbuf_reset(&sql);
		strbuf_addf(&sql,
			    "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
			    "coalesce(max(id), 0) + 1, false) FROM %s",
			    ctables[i].name, ctables[i].name);
		rc = side_exec(dst, sql.buf, NULL, ctables[i].name, err);
	}
	strbuf_release(&sql);
	return rc;
}

static void
count(struct store_copy_counts *c, const char *table, size_t n)
{
	if (!strcmp(table, "deals"))
		c->deals = n;
	else if (!strcmp(table, "history"))
		c->history = n;
	else if (!strcmp(table, "settings"))
		c->settings = n;
	else if (!strcmp(table, "users"))
		c->users = n;
	else if (!strcmp(table, "tokens"))
		c->tokens = n;
	else if (!strcmp(table, "shares"))
		c->shares = n;
}

static void
side_init(struct side *sd, struct store *st, const char *role)
{
	sd->st = st;
	sd->db = store_sqlite_handle(st);
	sd->pg = (PGconn *)store_pg_conn(st);
	sd->role = role;
}

int
store_copy(struct store *from, struct store *to, bool force,
	   store_copy_verify_fn verify, void *arg,
	   struct store_copy_counts *counts, struct tw_error *err)
{
	struct store_copy_counts local;
	struct side src, dst;
	bool src_tx = false, dst_tx = false;
	int rc;

	pthread_once(&ctables_once, ctables_build);
	if (!counts)
		counts = &local;
	memset(counts, 0, sizeof(*counts));
	side_init(&src, from, "source");
	side_init(&dst, to, "target");
	if ((!src.db && !src.pg) || (!dst.db && !dst.pg))
		return tw_error_set(err, TW_ESTORE,
				    "internal error: unknown store backend");
	if (same_workspace(&src, &dst))
		return tw_error_set(err, TW_EINPUT,
				    "source and target are the same "
				    "workspace");

	/*
	 * One snapshot of the source: an SQLite source is locked against
	 * writers until the copy is done, a PostgreSQL one is read in a
	 * repeatable-read transaction.
	 */
	rc = src.pg ? store_pg_begin_snapshot(from, err)
		    : store_begin(from, err);
	if (!rc) {
		src_tx = true;
		rc = store_begin(to, err);
		dst_tx = !rc;
	}
	if (!rc)
		rc = check_columns(&src, err);
	if (!rc)
		rc = check_columns(&dst, err);
	if (!rc)
		rc = prepare_target(&dst, force, err);
	for (size_t i = 0; i < ARRAY_SIZE(ctables) && !rc; i++) {
		size_t n;

		rc = copy_table(&src, &dst, &ctables[i], &n, err);
		if (!rc)
			count(counts, ctables[i].name, n);
	}
	if (!rc && dst.pg)
		rc = reset_ids(&dst, err);
	for (size_t i = 0; i < ARRAY_SIZE(ctables) && !rc; i++)
		rc = verify_table(&src, &dst, &ctables[i], err);
	if (!rc && verify)
		rc = verify(from, to, arg, err);
	if (!rc) {
		rc = store_commit(to, err);
		dst_tx = false;
	}
	if (dst_tx)
		store_rollback(to);
	if (src_tx)
		store_rollback(from);
	if (rc)
		memset(counts, 0, sizeof(*counts));
	return rc;
}
