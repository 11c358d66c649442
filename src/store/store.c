/*
 * Backend-independent parts of the store: choosing a backend from the
 * location (a postgresql:// or postgres:// URL, else an SQLite file),
 * closing, the schema version every backend migrates to, the store_*()
 * functions callers use in front of each backend's operations, and the
 * list types the operations fill.
 */
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store-pg.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Both backends carry the same numbered migrations, so one version number
 * describes a techwin schema whichever database holds it.
 */
#define STORE_SCHEMA_VERSION 14

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

/*
 * Here, not in store-pg.c: store_open asks it of every location, and
 * answering must not load the pg module.
 */
bool
store_location_is_pg(const char *location)
{
	return location && (!strncmp(location, "postgresql://", 13) ||
			    !strncmp(location, "postgres://", 11));
}

int
store_open(struct store **out, const char *location, enum store_mode mode,
	   const char *actor, struct tw_error *err)
{
	struct store *st;
	int rc;

	*out = NULL;
	if (!location || !*location)
		return tw_error_set(err, TW_ESTORE, "no database location");
	/* A URL names a team's PostgreSQL database; anything else a file. */
	if (store_location_is_pg(location))
		rc = store_pg_open(&st, location, mode, err);
	else
		rc = store_sqlite_open(&st, location, mode, err);
	if (rc)
		return rc;
	st->actor = xstrdup_or_null(actor);
	store_rules_check(st);
	*out = st;
	return 0;
}

void
store_close(struct store *st)
{
	char *actor;

	if (!st)
		return;
	/* The backend frees the struct, so keep what we own first. */
	actor = st->actor;
	listing_kept_free(st);
	st->ops->close(st);
	free(actor);
}

void
store_set_actor(struct store *st, const char *actor)
{
	xstrset(&st->actor, actor);
}

const char *
store_actor(const struct store *st)
{
	return st->actor;
}

int
store_begin(struct store *st, struct tw_error *err)
{
	int rc = st->ops->begin(st, err);

	if (rc == 0)
		st->in_tx = true;
	return rc;
}

int
store_begin_bulk(struct store *st, struct tw_error *err)
{
	int rc = st->ops->begin_bulk ? st->ops->begin_bulk(st, err)
				     : st->ops->begin(st, err);

	if (rc == 0)
		st->in_tx = true;
	return rc;
}

int
store_commit(struct store *st, struct tw_error *err)
{
	st->in_tx = false;
	return st->ops->commit(st, err);
}

void
store_rollback(struct store *st)
{
	st->in_tx = false;
	st->ops->rollback(st);
}

int
store_deal_list(struct store *st, struct deal_list *out, struct tw_error *err)
{
	return st->ops->deal_list(st, out, err);
}

int
store_deal_get(struct store *st, const char *slug, struct deal *out,
	       struct tw_error *err)
{
	return st->ops->deal_get(st, slug ? slug : "", out, err);
}

/* What no backend may store is refused before any of them is asked. */
int
store_deal_put(struct store *st, const struct deal *d, struct tw_error *err)
{
	int rc = fields_check_deal(d, err);

	return rc ? rc : st->ops->deal_put(st, d, err);
}

int
store_deal_delete(struct store *st, const char *slug, struct tw_error *err)
{
	return st->ops->deal_delete(st, slug ? slug : "", err);
}

int
store_rows_each(struct store *st, const struct row_stmt *q,
		const struct row_value *v, size_t nv,
		int (*fn)(const char *const *cells, size_t ncols, void *arg,
			  struct tw_error *err),
		void *arg, struct tw_error *err)
{
	struct row_result r;
	int rc;

	if (st->ops->rows_each)
		return st->ops->rows_each(st, q, v, nv, fn, arg, err);
	if ((rc = st->ops->rows(st, q, v, nv, &r, err)) < 0)
		return rc;
	for (size_t i = 0; i < r.nrows && rc == 0; i++)
		rc = fn((const char *const *)&r.cells[i * r.ncols], r.ncols,
			arg, err);
	row_result_release(&r);
	return rc;
}

int
store_corrupt(struct store *st, const char *what, const char *value,
	      struct tw_error *err)
{
	return tw_error_set(err, TW_ESTORE,
			    "database '%s' holds an invalid %s '%s'", st->where,
			    what, value ? value : "");
}

void
history_entry_release(struct history_entry *h)
{
	free(h->at);
	free(h->actor);
	free(h->deal);
	free(h->entity);
	free(h->key);
	free(h->field);
	free(h->old_value);
	free(h->new_value);
}

void
history_list_release(struct history_list *l)
{
	LIST_RELEASE(l, history_entry_release);
}

void
deal_list_release(struct deal_list *l)
{
	LIST_RELEASE(l, deal_release);
}

void
store_user_release(struct store_user *u)
{
	free(u->name);
	free(u->role);
	free(u->pw_hash);
	free(u->created);
	free(u->email);
	free(u->full_name);
	memset(u, 0, sizeof(*u));
}

void
store_user_list_release(struct store_user_list *l)
{
	LIST_RELEASE(l, store_user_release);
}

void
store_session_release(struct store_session *s)
{
	free(s->id_hash);
	free(s->csrf);
	memset(s, 0, sizeof(*s));
}

void
store_token_release(struct store_token *t)
{
	free(t->name);
	free(t->user);
	free(t->hash);
	free(t->created);
	memset(t, 0, sizeof(*t));
}

void
store_token_list_release(struct store_token_list *l)
{
	LIST_RELEASE(l, store_token_release);
}

size_t
store_token_count(const struct store_token_list *l, const char *user)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += !strcmp(l->items[i].user, user);
	return n;
}

void
store_share_release(struct store_share *s)
{
	free(s->deal);
	free(s->hash);
	free(s->created);
	free(s->last_viewed);
	memset(s, 0, sizeof(*s));
}

void
store_share_list_release(struct store_share_list *l)
{
	LIST_RELEASE(l, store_share_release);
}

const char *
store_share_status(const struct store_share *sh, tw_date today)
{
	return sh->expires != DATE_NONE && today > sh->expires ? "expired"
							       : "active";
}
