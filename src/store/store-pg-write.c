/*
 * The PostgreSQL backend: writing deals (deal_put, deal_delete).
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

static const char sql_deal_delete[] = "DELETE FROM deals WHERE id = $1";
static const char sql_phase_crit_insert[] =
	"INSERT INTO phase_criteria (deal_id, number, pos, criterion) "
	"VALUES ($1, $2, $3, $4)";
static const char sql_phase_crit_delete[] =
	"DELETE FROM phase_criteria WHERE deal_id = $1 AND number = $2";
static const char sql_history_insert[] =
	"INSERT INTO history (at, actor, deal, entity, \"key\", field, "
	"\"old\", \"new\") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
/* ---- writing deals ---------------------------------------------------- */

/* What one deal_put or deal_delete needs along the way. */
struct put_ctx {
	struct pg_store *s;
	const char *slug;
	long long id;
	char at[32];
	struct tw_error *err;
};

/*
 * UTC now, in the form SQLite's backend writes. The team's SE machines
 * may disagree about the time, so the server's clock says it (the start
 * of the transaction); this machine's only if the server cannot. A
 * well-formed TECHWIN_NOW overrides both, so tests can show fixed times.
 */
void
pg_now_utc(struct pg_store *s, char *buf, size_t size)
{
	PGresult *res;

	if (history_fixed_now(buf, size))
		return;
	if (PQtransactionStatus(s->conn) != PQTRANS_INERROR &&
	    !pg_query(s,
		      "SELECT to_char(now() AT TIME ZONE 'UTC', "
		      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
		      NULL, &res, NULL)) {
		snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		if (history_is_timestamp(buf))
			return;
	}
	history_local_now(buf, size);
}

static int
history_add(struct put_ctx *c, const char *entity, const char *key,
	    const char *field, const char *old_value, const char *new_value)
{
	const char *actor = c->s->base.actor;
	struct params p = { 0 };

	pg_param_str(&p, c->at);
	pg_param_str(&p, actor ? actor : "");
	pg_param_str(&p, c->slug);
	pg_param_str(&p, entity);
	pg_param_str(&p, key);
	pg_param_str(&p, field);
	pg_param_str(&p, old_value);
	pg_param_str(&p, new_value);
	return pg_query(c->s, sql_history_insert, &p, NULL, c->err);
}

static int
write_phase_criteria(struct put_ctx *c, const struct phase *ph, bool replace)
{
	struct params p;
	int rc = 0;

	if (replace) {
		memset(&p, 0, sizeof(p));
		pg_param_id(&p, c->id);
		pg_param_fmt(&p, "%d", ph->number);
		rc = pg_query(c->s, sql_phase_crit_delete, &p, NULL, c->err);
	}
	for (size_t i = 0; i < ph->ncriteria && !rc; i++) {
		memset(&p, 0, sizeof(p));
		pg_param_id(&p, c->id);
		pg_param_fmt(&p, "%d", ph->number);
		pg_param_fmt(&p, "%zu", i);
		pg_param_str(&p, ph->criteria[i]);
		rc = pg_query(c->s, sql_phase_crit_insert, &p, NULL, c->err);
	}
	return rc;
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the row of one child. */
static int
write_child(struct put_ctx *c, size_t t, int which, const void *obj,
	    size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	struct params p = { 0 };

	pg_param_id(&p, c->id);
	pg_param_fmt(&p, "%zu", pos);
	pg_param_fields(&p, tb->fields, tb->nfields, obj);
	return pg_query(c->s, c->s->tsql[t][which], &p, NULL, c->err);
}

/* Delete the row of one child: by its key, or by its position. */
static int
delete_child_row(struct put_ctx *c, size_t t, const void *obj, size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	struct params p = { 0 };

	pg_param_id(&p, c->id);
	if (tb->keyed)
		pg_param_field(&p, &tb->fields[0], obj);
	else
		pg_param_fmt(&p, "%zu", pos);
	return pg_query(c->s, c->s->tsql[t][T_DELETE], &p, NULL, c->err);
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the deals row. */
static int
write_deal_row(struct put_ctx *c, int which, const struct deal *d)
{
	struct params p = { 0 };
	PGresult *res;
	int rc;

	if (which == T_UPDATE)
		pg_param_id(&p, c->id);
	pg_param_str(&p, d->slug);
	pg_param_fields(&p, schema_deal.fields, schema_deal.nfields, d);
	rc = pg_query(
	    c->s, c->s->sql[which == T_INSERT ? S_DEAL_INSERT : S_DEAL_UPDATE],
	    &p, &res, c->err);
	if (rc && pg_failed_with(c->s, "23505") &&
	    !strcmp(c->s->constraint, "deals_slug_key"))
		/* Another writer created the same deal since we looked. */
		return tw_error_set(c->err, TW_EBUSY,
				    "deal '%s' was written concurrently: "
				    "try again",
				    d->slug);
	if (rc)
		return rc;
	if (which == T_INSERT)
		c->id = pg_value_ll(res, 0, 0);
	PQclear(res);
	return 0;
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
put_ctx_init(struct put_ctx *c, struct pg_store *s, const char *slug,
	     struct tw_error *err)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->slug = slug;
	c->err = err;
	pg_now_utc(s, c->at, sizeof(c->at));
}

/* Delete the deal c names, with a history row saying so. */
static int
delete_deal_row(struct put_ctx *c)
{
	struct params p = { 0 };
	int rc;

	pg_param_id(&p, c->id);
	rc = pg_query(c->s, sql_deal_delete, &p, NULL, c->err);
	return rc ? rc : history_add(c, "deal", "", "*", "deleted", NULL);
}

/*
 * Put d, or delete the deal slug when d is NULL, in one operation that
 * locks the stored row first: the comparison must see the latest deal.
 */
static int
write_deal(struct pg_store *s, const char *slug, const struct deal *d,
	   struct tw_error *err)
{
	struct put_ctx c;
	struct deal old;
	int rc;

	rc = pg_op_begin(s, true, true, err);
	if (rc)
		return rc;
	put_ctx_init(&c, s, slug, err);
	rc = pg_load_deal(s, slug, d != NULL, true, &old, &c.id, err);
	if (rc == TW_ENOTFOUND && d) {
		tw_error_clear(err);
		rc = diff_create_deal(&put_ops, &c, d);
	} else if (!rc) {
		rc = d ? diff_update_deal(&put_ops, &c, &old, d)
		       : delete_deal_row(&c);
		deal_release(&old);
	}
	return pg_op_end(s, true, true, rc, err);
}

int
pg_deal_put(struct store *st, const struct deal *d, struct tw_error *err)
{
	struct pg_store *s = to_pg(st);
	int rc;

	/*
	 * Two writers creating one new deal: the loser's insert fails on
	 * the slug. On its own it may simply try again (and update the
	 * winner's deal, as SQLite would after waiting for the lock); inside
	 * the caller's transaction only the caller can.
	 */
	for (int i = 0; i < PUT_TRIES; i++) {
		rc = write_deal(s, d->slug, d, err);
		if (rc != TW_EBUSY || s->in_tx)
			break;
	}
	return rc;
}

int
pg_deal_delete(struct store *st, const char *slug, struct tw_error *err)
{
	return write_deal(to_pg(st), slug, NULL, err);
}
