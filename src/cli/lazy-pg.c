/*
 * Stand-ins for the functions of the pg module (store/store-pg.c and the
 * workspace copy of store/copy.c, which speaks libpq): opening a
 * postgresql:// store and techwin migrate load it, so opening an SQLite
 * file never loads libpq with its Kerberos, LDAP and TLS libraries.
 */
#include "cli/module.h"
#include "store/copy.h"
#include "store/store-pg.h"

#include <stdio.h>

#define FNS(X) X(store_pg_open) X(store_location_redact) X(store_copy)

MODULE_DEFINE(pg, "pg", "PostgreSQL stores and migrate", FNS);

int
store_pg_open(struct store **out, const char *url, enum store_mode mode,
	      struct tw_error *err)
{
	int r = module_load(&pg, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(pg, store_pg_open)(out, url, mode, err);
}

/* A file name has no password to hide (store-pg.c does the same). */
char *
store_location_redact(const char *location, char *buf, size_t size)
{
	if (!store_location_is_pg(location)) {
		snprintf(buf, size, "%s", location ? location : "");
		return buf;
	}
	return MODULE_CALL(pg, store_location_redact)(location, buf, size);
}

int
store_copy(struct store *from, struct store *to, bool force,
	   store_copy_verify_fn verify, void *arg,
	   struct store_copy_counts *counts, struct tw_error *err)
{
	int r = module_load(&pg, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(pg, store_copy)(from, to, force, verify, arg,
					     counts, err);
}
