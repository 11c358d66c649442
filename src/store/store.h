/*
 * The storage interface: a struct of function pointers with one
 * implementation per backend (store-sqlite.c; store-pg.c for teams). Every
 * implementation passes the same test suite (tests/unit/test-store.c).
 *
 * The unit of writing is a whole deal: a command reads the deal, changes the
 * struct, and puts it back inside a transaction. The store compares the new
 * deal with the stored one, writes only rows that changed, and appends one
 * history row per changed field, so every write path records history the
 * same way.
 */
#ifndef TW_STORE_H
#define TW_STORE_H

#include <stddef.h>

#include "core/model.h"
#include "util/error.h"

struct history_entry {
	long long id;
	char *at;		/* UTC, "YYYY-MM-DDTHH:MM:SSZ" */
	char *actor;
	char *deal;		/* slug */
	char *entity;		/* deal, criterion, event, risk, phase, ... */
	char *key;		/* entity key within the deal ("" for the deal) */
	char *field;		/* "*" for a created or deleted entity */
	char *old_value;	/* NULL: none (created) */
	char *new_value;	/* NULL: none (deleted) */
};

struct history_list {
	struct history_entry *items;
	size_t n, alloc;
};
void history_list_release(struct history_list *l);

struct deal_list {
	struct deal *items;
	size_t n, alloc;
};
void deal_list_release(struct deal_list *l);

struct store;

struct store_ops {
	const char *name;
	void (*close)(struct store *st);

	/*
	 * Transactions. begin takes the write lock at once (BEGIN IMMEDIATE)
	 * so a read-modify-write cannot lose an update; commit makes it
	 * durable. Calls outside begin/commit run in their own transaction.
	 */
	int (*begin)(struct store *st, struct tw_error *err);
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
	 * history for each created, changed or deleted field.
	 */
	int (*deal_put)(struct store *st, const struct deal *d,
			struct tw_error *err);
	/* TW_ENOTFOUND when absent. Children go with it. */
	int (*deal_delete)(struct store *st, const char *slug,
			   struct tw_error *err);

	/* History, oldest first; slug NULL for every deal. */
	int (*history)(struct store *st, const char *slug,
		       struct history_list *out, struct tw_error *err);

	/* Workspace settings. *out is NULL when unset (caller frees). */
	int (*setting_get)(struct store *st, const char *key, char **out,
			   struct tw_error *err);
	int (*setting_set)(struct store *st, const char *key,
			   const char *value, struct tw_error *err);
};

struct store {
	const struct store_ops *ops;
	char *actor;		/* who history rows name */
};

enum store_mode { STORE_OPEN_EXISTING, STORE_CREATE };

/*
 * Open the store at location (a file path, or a postgresql:// URL later).
 * STORE_OPEN_EXISTING fails when the database does not exist; STORE_CREATE
 * creates it. Either way the schema is migrated to the current version. A
 * file that is not a techwin database, or one with a newer schema, is
 * TW_ESTORE and is left untouched.
 */
int store_open(struct store **out, const char *location, enum store_mode mode,
	       const char *actor, struct tw_error *err);
void store_close(struct store *st);

/* Backends. */
int store_sqlite_open(struct store **out, const char *path,
		      enum store_mode mode, struct tw_error *err);

/*
 * The SQLite connection behind st, or NULL when st is another backend: for
 * tests that check per-connection settings (foreign_keys, synchronous).
 */
struct sqlite3;
struct sqlite3 *store_sqlite_handle(struct store *st);

/* The schema version this binary knows. */
int store_schema_version(void);

#endif
