/*
 * The PostgreSQL backend of the store interface (store-pg.c), for teams that
 * share one database: what store.c needs to open it, and what the workspace
 * copy (copy.c) and the tests need to reach the connection behind it.
 */
#ifndef TW_STORE_PG_H
#define TW_STORE_PG_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/error.h"

/*
 * Open the techwin schema in the database named by a postgresql:// or
 * postgres:// URL (libpq's URI form). STORE_OPEN_EXISTING fails on a
 * database without a techwin schema; STORE_CREATE creates it there. A
 * database holding other tables, or a newer techwin schema, is TW_ESTORE
 * and is left untouched.
 */
int store_pg_open(struct store **out, const char *url, enum store_mode mode,
		  struct tw_error *err);

/* Whether location is a PostgreSQL URL (postgresql:// or postgres://). */
bool store_location_is_pg(const char *location);

/*
 * location fit for a message: a password in a URL (user:secret@ or
 * password=secret) is replaced by "***". Returns buf.
 */
char *store_location_redact(const char *location, char *buf, size_t size);

/*
 * Begin a read-only transaction on st (a PostgreSQL store) that sees one
 * snapshot of the whole database, for reading a workspace while others may
 * write it; deal_get takes no row locks in it. End it with commit or
 * rollback, as one begun by begin().
 */
int store_pg_begin_snapshot(struct store *st, struct tw_error *err);

/*
 * The libpq connection behind st (a PGconn *), or NULL when st is another
 * backend: for copying a workspace and for tests that look at raw rows.
 */
struct pg_conn;
struct pg_conn *store_pg_conn(struct store *st);

#endif
