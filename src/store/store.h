/*
 * The storage interface callers see: store_*() functions, implemented once
 * in store.c over a struct of operations with one implementation per
 * backend (store-internal.h: SQLite; PostgreSQL for teams), as git's refs.h
 * sits over refs-internal.h. Every backend passes the same test suite
 * (tests/unit/test-store.c).
 *
 * The unit of writing is a whole deal: a command reads the deal, changes the
 * struct, and puts it back inside a transaction. The store compares the new
 * deal with the stored one, writes only rows that changed, and appends one
 * history row per changed field, so every write path records history the
 * same way.
 */
#ifndef TW_STORE_H
#define TW_STORE_H

#include <stdbool.h>
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
void history_entry_release(struct history_entry *h);
void history_list_release(struct history_list *l);

struct deal_list {
	struct deal *items;
	size_t n, alloc;
};
void deal_list_release(struct deal_list *l);

/*
 * Accounts for techwin serve. Secrets never reach the store: a user keeps
 * an Argon2id string, and sessions, API tokens and share links keep only
 * the SHA-256 hex of the random value that was handed out. created is UTC
 * "YYYY-MM-DDTHH:MM:SSZ", set by the store when the row is created
 * (TECHWIN_NOW fixes it, as for history).
 */
struct store_user {
	long long id;
	char *name;
	char *role;		/* "admin", "editor" or "viewer" */
	char *pw_hash;		/* crypto_pwhash_str output */
	char *created;
	/*
	 * The From of the drafts the user writes as a deal's SE (techwin
	 * user set): an addr-spec and a display name, NULL when not set.
	 * The SE of a deal is the user whose full_name (or name) it is.
	 */
	char *email;
	char *full_name;
};

struct store_user_list {
	struct store_user *items;
	size_t n, alloc;
};
void store_user_release(struct store_user *u);
void store_user_list_release(struct store_user_list *l);

struct store_session {
	char *id_hash;		/* hash of the cookie value */
	long long user_id;
	char *csrf;		/* the session's CSRF token */
	long long expires;	/* Unix time; valid while now < expires */
};
void store_session_release(struct store_session *s);

struct store_token {
	long long id;
	char *name;
	long long user_id;
	char *user;		/* the user's name */
	char *hash;		/* hash of the bearer token */
	char *created;
};

struct store_token_list {
	struct store_token *items;
	size_t n, alloc;
};
void store_token_release(struct store_token *t);
void store_token_list_release(struct store_token_list *l);
/* How many of l's tokens are user's. */
size_t store_token_count(const struct store_token_list *l, const char *user);

struct store_share {
	long long id;
	char *deal;		/* slug */
	char *hash;		/* hash of the link's token */
	tw_date expires;	/* last day the link works; DATE_NONE: never */
	char *created;
	int views;		/* openings counted (issue 16) */
	char *last_viewed;	/* UTC timestamp of the last, or NULL */
};

struct store_share_list {
	struct store_share *items;
	size_t n, alloc;
};
void store_share_release(struct store_share *s);
void store_share_list_release(struct store_share_list *l);
/* "active", or "expired" once today is past the link's last day. */
const char *store_share_status(const struct store_share *sh, tw_date today);

/*
 * A store is opaque to its callers: the backends (store-internal.h) fill in
 * the operations behind these functions.
 */
struct store;

/* Who history rows name from now on (NULL: nobody). */
void store_set_actor(struct store *st, const char *actor);
const char *store_actor(const struct store *st);

/*
 * Transactions. store_begin takes the write lock at once (BEGIN IMMEDIATE)
 * so a read-modify-write cannot lose an update; store_commit makes it
 * durable. Calls outside begin/commit run in their own transaction.
 */
int store_begin(struct store *st, struct tw_error *err);
/*
 * store_begin for a transaction of many writes that is kept whole or not
 * at all: its writes run without a savepoint each, so a write that fails
 * leaves the transaction to be rolled back (store_commit refuses it),
 * and the store may give it a larger cache.
 */
int store_begin_bulk(struct store *st, struct tw_error *err);
int store_commit(struct store *st, struct tw_error *err);
void store_rollback(struct store *st);

/* Every deal, sorted by slug, without children (counts zero). */
int store_deal_list(struct store *st, struct deal_list *out,
		    struct tw_error *err);
/* One deal with all its children. TW_ENOTFOUND when absent. */
int store_deal_get(struct store *st, const char *slug, struct deal *out,
		   struct tw_error *err);
/*
 * Create or replace a whole deal, children included, recording history for
 * each created, changed or deleted field.
 */
int store_deal_put(struct store *st, const struct deal *d,
		   struct tw_error *err);
/* TW_ENOTFOUND when absent. Children go with it. */
int store_deal_delete(struct store *st, const char *slug,
		      struct tw_error *err);
/*
 * Give the deal from the slug to (free, checked by the caller), with a
 * history row under to (entity deal, field slug) through which
 * store_history(to) finds the rows recorded under from. Everything else
 * refers to the deal by its id. V_DEAL_RENAME (store_run_verb) calls it.
 */
int store_deal_rename(struct store *st, const char *from, const char *to,
		      struct tw_error *err);
/*
 * Walking every deal one at a time (or in parts at once) is
 * store_each_deal() and store_each_deal_parts() in store/deals.h.
 */

/* History, oldest first; slug NULL for every deal. */
int store_history(struct store *st, const char *slug, struct history_list *out,
		  struct tw_error *err);

/*
 * One page of a deal's history, newest first (the web UI's and the API's
 * pages): at most limit entries with an id below before (0: from the
 * newest); *more says whether older ones follow. A keyset, so rows written
 * meanwhile never shift a page.
 */
int store_history_page(struct store *st, const char *slug, long long before,
		       size_t limit, struct history_list *out, bool *more,
		       struct tw_error *err);

/* Workspace settings. *out is NULL when unset (caller frees). */
int store_setting_get(struct store *st, const char *key, char **out,
		      struct tw_error *err);
/* A NULL value removes the setting. */
int store_setting_set(struct store *st, const char *key, const char *value,
		      struct tw_error *err);

/*
 * The workspace's playbook (config playbook): its steps in order (caller
 * frees them with playbook_free, core/commercial.h); none (*n 0) when it
 * is not set, and the built-in default applies.
 */
int store_playbook_get(struct store *st, struct step **out, size_t *n,
		       struct tw_error *err);
/*
 * Replace it (n 0: remove it, back to the built-in default), in the
 * caller's transaction or one of its own. As a setting: the same steps
 * are no change; a change marks every evaluation stale and is a history
 * row (setting "playbook", the steps on one line). The steps are not
 * checked here: workspace_playbook_set (store/workspace.h) does.
 */
int store_playbook_set(struct store *st, const struct step *steps, size_t n,
		       struct tw_error *err);

/*
 * Users. store_user_put creates the user named u->name or replaces its
 * role and pw_hash, and fills u->id and u->created (TW_EINPUT for an empty
 * name or hash or an unknown role). The getters return TW_ENOTFOUND when
 * absent; the list is sorted by name. Deleting a user deletes its sessions
 * and tokens with it.
 */
int store_user_put(struct store *st, struct store_user *u,
		   struct tw_error *err);
int store_user_get(struct store *st, const char *name, struct store_user *out,
		   struct tw_error *err);
int store_user_get_by_id(struct store *st, long long id,
			 struct store_user *out, struct tw_error *err);
int store_user_list(struct store *st, struct store_user_list *out,
		    struct tw_error *err);
int store_user_delete(struct store *st, const char *name,
		      struct tw_error *err);

/*
 * Sessions, by the hash of their cookie. store_session_put: TW_ENOTFOUND
 * for an unknown user, TW_EEXIST for a hash already in use. The store does
 * not look at expires: callers compare it with now. The bulk deletes
 * report how many went in *n (n may be NULL).
 */
int store_session_put(struct store *st, const struct store_session *s,
		      struct tw_error *err);
int store_session_get(struct store *st, const char *id_hash,
		      struct store_session *out, struct tw_error *err);
int store_session_delete(struct store *st, const char *id_hash,
			 struct tw_error *err);
/* Every session of one user (a password change signs them out). */
int store_session_delete_user(struct store *st, long long user_id, size_t *n,
			      struct tw_error *err);
/* Sessions with expires <= now. */
int store_session_delete_expired(struct store *st, long long now, size_t *n,
				 struct tw_error *err);

/*
 * API tokens. store_token_put creates t->name for the user named t->user
 * (TW_ENOTFOUND when unknown, TW_EEXIST when the name is taken) and fills
 * t->id, t->user_id and t->created. The list is sorted by name; reads fill
 * user with the user's name.
 */
int store_token_put(struct store *st, struct store_token *t,
		    struct tw_error *err);
int store_token_find_by_hash(struct store *st, const char *hash,
			     struct store_token *out, struct tw_error *err);
int store_token_list(struct store *st, struct store_token_list *out,
		     struct tw_error *err);
int store_token_delete(struct store *st, const char *name,
		       struct tw_error *err);
/* Every token of one user (a password change revokes them). */
int store_token_delete_user(struct store *st, long long user_id, size_t *n,
			    struct tw_error *err);

/*
 * Share links. store_share_put creates a link to the deal sh->deal
 * (TW_ENOTFOUND when unknown) and fills sh->id and sh->created. The list is
 * sorted by id, for one deal or (slug NULL) every deal; the store does not
 * look at expires. A deal's links go when it goes.
 */
int store_share_put(struct store *st, struct store_share *sh,
		    struct tw_error *err);
int store_share_find_by_hash(struct store *st, const char *hash,
			     struct store_share *out, struct tw_error *err);
int store_share_list(struct store *st, const char *slug,
		     struct store_share_list *out, struct tw_error *err);
int store_share_delete(struct store *st, long long id, struct tw_error *err);

enum store_mode { STORE_OPEN_EXISTING, STORE_CREATE };

/*
 * Open the store at location (a file path, or a postgresql:// URL).
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
