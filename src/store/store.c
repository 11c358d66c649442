/*
 * Backend-independent parts of the store: choosing a backend from the
 * location, closing, the schema version every backend migrates to, and the
 * list types the operations fill.
 */
#include "store/store.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * Both backends carry the same numbered migrations, so one version number
 * describes a techwin schema whichever database holds it.
 */
#define STORE_SCHEMA_VERSION 2

int
store_schema_version(void)
{
	return STORE_SCHEMA_VERSION;
}

static int
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
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
	if (has_prefix(location, "postgresql://") ||
	    has_prefix(location, "postgres://"))
		return tw_error_set(err, TW_ESTORE,
				    "postgresql support is not built in");
	rc = store_sqlite_open(&st, location, mode, err);
	if (rc)
		return rc;
	st->actor = xstrdup_or_null(actor);
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
	st->ops->close(st);
	free(actor);
}

void
history_list_release(struct history_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct history_entry *h = &l->items[i];

		free(h->at);
		free(h->actor);
		free(h->deal);
		free(h->entity);
		free(h->key);
		free(h->field);
		free(h->old_value);
		free(h->new_value);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void
deal_list_release(struct deal_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		deal_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}
