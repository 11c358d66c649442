/*
 * The SQLite backend: writing deals (deal_put, deal_delete), queued
 * into multi-row INSERTs.
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

/* ---- writing deals ---------------------------------------------------- */

/* What one deal_put or deal_delete needs along the way. */
struct put_ctx {
	struct sqlite_store *s;
	const char *slug;
	long long id;
	bool creating;		/* a new deal: its children are queued */
	bool history_written;	/* put_flush wrote some history rows */
	char at[32];
	struct tw_error *err;
};

/* UTC now, unless TECHWIN_NOW fixes it. */
void
sqlite_now_utc(char *buf, size_t size)
{
	if (!history_fixed_now(buf, size))
		history_local_now(buf, size);
}

/* ---- the write queue (struct put_queue) ---- */

static void
queue_reset(struct put_queue *q)
{
	q->nrows = q->ncrit = q->nhist = 0;
	strbuf_reset(&q->text);
}

void
sqlite_queue_release(struct put_queue *q)
{
	free(q->rows);
	free(q->crit);
	free(q->hist);
	strbuf_release(&q->text);
}

/* Where a copy of s starts in q->text; SIZE_MAX for NULL. */
static size_t
queue_text(struct put_queue *q, const char *s)
{
	size_t off = q->text.len;

	if (!s)
		return SIZE_MAX;
	strbuf_add(&q->text, s, strlen(s) + 1);
	return off;
}

static const char *
queued_text(const struct put_queue *q, size_t off)
{
	return off == SIZE_MAX ? NULL : q->text.buf + off;
}

static void
queue_row(struct queued_row **rows, size_t *n, size_t *alloc, size_t b,
	  const void *obj, size_t pos)
{
	ALLOC_GROW(*rows, *n + 1, *alloc);
	(*rows)[(*n)++] = (struct queued_row){ b, obj, pos };
}

/* Parameters per row of batched table b (history: besides ?1-?3). */
static size_t
batch_columns(size_t b)
{
	size_t n = 2;

	if (b == B_HISTORY)
		return 5;
	if (b == B_PHASE_CRIT)
		return 4;
	for (size_t i = 0; i < schema_tables[b].nfields; i++)
		n += field_in_row(&schema_tables[b].fields[i]);
	return n;
}

/*
 * INSERT of rows rows into batched table b, parameters numbered row by
 * row; history rows share ?1 at, ?2 actor and ?3 deal.
 */
static void
batch_sql(size_t b, size_t rows, struct strbuf *sb)
{
	size_t k = batch_columns(b), param = b == B_HISTORY ? 4 : 1;

	if (b == B_HISTORY)
		strbuf_addstr(sb, "INSERT INTO history (at, actor, deal, "
			      "entity, \"key\", field, old, new)");
	else if (b == B_PHASE_CRIT)
		strbuf_addstr(sb, "INSERT INTO phase_criteria "
			      "(deal_id, number, pos, criterion)");
	else {
		strbuf_addf(sb, "INSERT INTO %s (deal_id, pos",
			    schema_tables[b].sql);
		add_column_list(sb, schema_tables[b].fields,
				schema_tables[b].nfields);
		strbuf_addch(sb, ')');
	}
	strbuf_addstr(sb, " VALUES ");
	for (size_t r = 0; r < rows; r++) {
		strbuf_addstr(sb, r ? ", (" : "(");
		if (b == B_HISTORY)
			strbuf_addstr(sb, "?1, ?2, ?3, ");
		for (size_t j = 0; j < k; j++)
			strbuf_addf(sb, "%s?%zu", j ? ", " : "", param++);
		strbuf_addch(sb, ')');
	}
}

static int
batch_stmt(struct sqlite_store *s, size_t b, size_t rows, sqlite3_stmt **out,
	   struct tw_error *err)
{
	sqlite3_stmt **stmt = &s->bstmt[b][rows - 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	if (!*stmt) {
		batch_sql(b, rows, &sb);
		rc = sqlite_prepare(s, sb.buf, stmt, err);
		strbuf_release(&sb);
	}
	*out = *stmt;
	return rc;
}

static int
bind_queued(sqlite3_stmt *stmt, int first, long long id,
	    const struct queued_row *q)
{
	const struct phase *p = q->obj;

	sqlite3_bind_int64(stmt, first, id);
	if (q->b != B_PHASE_CRIT) {
		sqlite3_bind_int64(stmt, first + 1, (long long)q->pos);
		return sqlite_bind_fields(stmt, first + 2,
					  schema_tables[q->b].fields,
					  schema_tables[q->b].nfields, q->obj);
	}
	sqlite3_bind_int(stmt, first + 1, p->number);
	sqlite3_bind_int64(stmt, first + 2, (long long)q->pos);
	return sqlite3_bind_text(stmt, first + 3, p->criteria[q->pos], -1,
				 SQLITE_STATIC);
}

/* Queued rows of one table after another, BATCH_MAX at most at once. */
static int
flush_rows(struct put_ctx *c, const struct queued_row *rows, size_t n)
{
	size_t i = 0, run, cols;
	sqlite3_stmt *stmt;
	int rc = 0;

	while (!rc && i < n) {
		for (run = 1; i + run < n && run < BATCH_MAX &&
			      rows[i + run].b == rows[i].b;
		     run++)
			;
		cols = batch_columns(rows[i].b);
		rc = batch_stmt(c->s, rows[i].b, run, &stmt, c->err);
		for (size_t r = 0; !rc && r < run; r++) {
			rc = bind_queued(stmt, (int)(r * cols + 1), c->id,
					 &rows[i + r]);
			if (rc != SQLITE_OK) {
				rc = sqlite_sql_fail(c->s, rc, c->err);
				sqlite_stmt_done(stmt);
			}
		}
		if (!rc)
			rc = sqlite_stmt_run(c->s, stmt, c->err);
		i += run;
	}
	return rc;
}

static int
flush_history(struct put_ctx *c)
{
	const struct put_queue *q = &c->s->queue;
	const char *actor = c->s->base.actor;
	sqlite3_stmt *stmt;
	size_t run;
	int rc = 0;

	for (size_t i = 0; !rc && i < q->nhist; i += run) {
		run = q->nhist - i < BATCH_MAX ? q->nhist - i : BATCH_MAX;
		rc = batch_stmt(c->s, B_HISTORY, run, &stmt, c->err);
		if (rc)
			break;
		sqlite3_bind_text(stmt, 1, c->at, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, actor ? actor : "", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, c->slug, -1, SQLITE_STATIC);
		for (size_t r = 0; r < run; r++)
			for (size_t j = 0; j < 5; j++)
				sqlite_bind_text_or_null(
					stmt, (int)(4 + 5 * r + j),
					queued_text(q, q->hist[i + r][j]),
					false);
		rc = sqlite_stmt_run(c->s, stmt, c->err);
		c->history_written |= !rc;
	}
	return rc;
}

/*
 * Write what the put queued: the children (phases before the criteria
 * that refer to them), then the history, each new deal's in one
 * statement unless it has more than BATCH_MAX rows.
 */
static int
put_flush(struct put_ctx *c)
{
	struct put_queue *q = &c->s->queue;
	int rc = flush_rows(c, q->rows, q->nrows);

	if (!rc)
		rc = flush_rows(c, q->crit, q->ncrit);
	if (!rc)
		rc = flush_history(c);
	queue_reset(q);
	return rc;
}

static int
history_add(struct put_ctx *c, const char *entity, const char *key,
	    const char *field, const char *old_value, const char *new_value)
{
	struct put_queue *q = &c->s->queue;
	size_t *h;

	ALLOC_GROW(q->hist, q->nhist + 1, q->ahist);
	h = q->hist[q->nhist++];
	h[0] = queue_text(q, entity);
	h[1] = queue_text(q, key);
	h[2] = queue_text(q, field);
	h[3] = queue_text(q, old_value);
	h[4] = queue_text(q, new_value);
	return 0;
}

static int
write_phase_criteria(struct put_ctx *c, const struct phase *p, bool replace)
{
	struct put_queue *q = &c->s->queue;
	sqlite3_stmt *stmt;
	int rc = 0;

	if (c->creating) {
		for (size_t i = 0; i < p->ncriteria; i++)
			queue_row(&q->crit, &q->ncrit, &q->acrit, B_PHASE_CRIT,
				  p, i);
		return 0;
	}
	if (replace) {
		rc = sqlite_stmt_get(c->s, S_PHASE_CRIT_DELETE, &stmt, c->err);
		if (rc)
			return rc;
		sqlite3_bind_int64(stmt, 1, c->id);
		sqlite3_bind_int(stmt, 2, p->number);
		rc = sqlite_stmt_run(c->s, stmt, c->err);
	}
	if (!rc)
		rc = sqlite_stmt_get(c->s, S_PHASE_CRIT_INSERT, &stmt, c->err);
	for (size_t i = 0; i < p->ncriteria && !rc; i++) {
		sqlite3_bind_int64(stmt, 1, c->id);
		sqlite3_bind_int(stmt, 2, p->number);
		sqlite3_bind_int64(stmt, 3, (long long)i);
		sqlite3_bind_text(stmt, 4, p->criteria[i], -1, SQLITE_STATIC);
		rc = sqlite_stmt_run(c->s, stmt, c->err);
	}
	return rc;
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the row of one child. */
static int
write_child(struct put_ctx *c, size_t t, int which, const void *obj,
	    size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	sqlite3_stmt *stmt;
	struct put_queue *q = &c->s->queue;
	int rc;

	rc = sqlite_tstmt_get(c->s, t, which, &stmt, c->err);
	if (rc)
		return rc;
	if (c->creating && which == T_INSERT) {
		queue_row(&q->rows, &q->nrows, &q->arows, t, obj, pos);
		return 0;
	}
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, (long long)pos);
	rc = sqlite_bind_fields(stmt, 3, tb->fields, tb->nfields, obj);
	if (rc != SQLITE_OK) {
		rc = sqlite_sql_fail(c->s, rc, c->err);
		sqlite_stmt_done(stmt);
		return rc;
	}
	return sqlite_stmt_run(c->s, stmt, c->err);
}

/* Delete the row of one child: by its key, or by its position. */
static int
delete_child_row(struct put_ctx *c, size_t t, const void *obj, size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	sqlite3_stmt *stmt;
	int rc = sqlite_tstmt_get(c->s, t, T_DELETE, &stmt, c->err);

	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, c->id);
	if (tb->keyed)
		sqlite_bind_field(stmt, 2, &tb->fields[0], obj);
	else
		sqlite3_bind_int64(stmt, 2, (long long)pos);
	return sqlite_stmt_run(c->s, stmt, c->err);
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the deals row. */
static int
write_deal_row(struct put_ctx *c, int which, const struct deal *d)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite_stmt_get(c->s,
			     which == T_INSERT ? S_DEAL_INSERT : S_DEAL_UPDATE,
			     &stmt, c->err);
	if (rc)
		return rc;
	if (which == T_INSERT)
		sqlite3_bind_null(stmt, 1);
	else
		sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_text(stmt, 2, d->slug, -1, SQLITE_STATIC);
	rc = sqlite_bind_fields(stmt, 3, schema_deal.fields,
				schema_deal.nfields, d);
	if (rc != SQLITE_OK) {
		rc = sqlite_sql_fail(c->s, rc, c->err);
		sqlite_stmt_done(stmt);
		return rc;
	}
	rc = sqlite_stmt_run(c->s, stmt, c->err);
	if (!rc && which == T_INSERT)
		c->id = sqlite3_last_insert_rowid(c->s->db);
	return rc;
}

/* deal_put's writes, as the comparison (store/diff.h) asks for them. */
static const struct diff_ops put_ops = {
	.history = history_add,
	.write_deal = write_deal_row,
	.write_child = write_child,
	.delete_child = delete_child_row,
	.write_phase_criteria = write_phase_criteria,
};

static void
put_ctx_init(struct put_ctx *c, struct sqlite_store *s, const char *slug,
	     struct tw_error *err)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->slug = slug;
	c->err = err;
	sqlite_now_utc(c->at, sizeof(c->at));
	queue_reset(&s->queue);
}

static int
create_deal(struct put_ctx *c, const struct deal *d)
{
	int rc;

	c->creating = true;
	rc = diff_create_deal(&put_ops, c, d);
	return rc ? rc : put_flush(c);
}

static int
update_deal(struct put_ctx *c, const struct deal *old, const struct deal *d)
{
	int rc = diff_update_deal(&put_ops, c, old, d);

	return rc ? rc : put_flush(c);
}

/*
 * Take a new deal that failed half-way back out of the caller's
 * transaction: its children go with its row (ON DELETE CASCADE), and its
 * history was to be written last, in one statement, so none is left.
 * When that cannot be done the transaction can only be rolled back.
 */
static void
undo_create(struct put_ctx *c)
{
	sqlite3_stmt *stmt;

	/* SQLite rolled the whole transaction back itself (full disk). */
	if (sqlite3_get_autocommit(c->s->db) || !c->id)
		return;
	if (!c->history_written &&
	    sqlite_stmt_get(c->s, S_DEAL_DELETE, &stmt, NULL) == 0) {
		sqlite3_bind_int64(stmt, 1, c->id);
		if (sqlite_stmt_run(c->s, stmt, NULL) == 0)
			return;
	}
	c->s->tx_failed = true;
}

/*
 * Inside the caller's transaction a new deal is written without
 * op_begin's savepoint: the savepoint copies every page the put touches
 * to a journal first (400,000 writes to a temporary file importing 10k
 * deals), and a new deal is easily taken back out instead (undo_create).
 * A stored deal is changed under the savepoint.
 */
static int
put_in_tx(struct sqlite_store *s, struct put_ctx *c, const struct deal *d)
{
	struct deal old;
	int rc = sqlite_op_begin(s, false, c->err);

	if (++s->tx_puts == 2)
		sqlite_bulk_cache(s, true);
	if (!rc)
		rc = sqlite_load_deal(s, d->slug, true, &old, &c->id, c->err);
	if (rc == TW_ENOTFOUND) {
		tw_error_clear(c->err);
		rc = create_deal(c, d);
		if (rc)
			undo_create(c);
		return rc;
	}
	if (rc)
		return rc;
	rc = sqlite_op_begin(s, true, c->err);
	if (!rc)
		rc = sqlite_op_end(s, true, update_deal(c, &old, d), c->err);
	deal_release(&old);
	return rc;
}

int
sqlite_deal_put(struct store *st, const struct deal *d, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct put_ctx c;
	struct deal old;
	int rc;

	put_ctx_init(&c, s, d->slug, err);
	if (s->in_tx)
		return put_in_tx(s, &c, d);
	rc = sqlite_op_begin(s, true, err);
	if (rc)
		return rc;
	rc = sqlite_load_deal(s, d->slug, true, &old, &c.id, err);
	if (rc == TW_ENOTFOUND) {
		tw_error_clear(err);
		rc = create_deal(&c, d);
	} else if (!rc) {
		rc = update_deal(&c, &old, d);
		deal_release(&old);
	}
	return sqlite_op_end(s, true, rc, err);
}

int
sqlite_deal_delete(struct store *st, const char *slug, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct put_ctx c;
	struct deal old;
	int rc;

	rc = sqlite_op_begin(s, true, err);
	if (rc)
		return rc;
	put_ctx_init(&c, s, slug, err);
	rc = sqlite_load_deal(s, slug, false, &old, &c.id, err);
	if (!rc) {
		sqlite3_stmt *stmt;

		deal_release(&old);
		rc = sqlite_stmt_get(s, S_DEAL_DELETE, &stmt, err);
		if (!rc) {
			sqlite3_bind_int64(stmt, 1, c.id);
			rc = sqlite_stmt_run(s, stmt, err);
		}
	}
	if (!rc)
		rc = history_add(&c, "deal", "", "*", "deleted", NULL);
	if (!rc)
		rc = put_flush(&c);
	return sqlite_op_end(s, true, rc, err);
}
