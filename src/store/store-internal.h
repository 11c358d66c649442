/*
 * What a backend of the store implements (git's refs-internal.h to
 * store.h's refs.h): the operations behind the store_*() functions, and
 * the struct every backend's store begins with. Only src/store includes
 * this; callers use store.h. Each operation is documented at its store_*()
 * function; store.c runs the checks every backend would repeat before
 * calling one.
 */
#ifndef TW_STORE_INTERNAL_H
#define TW_STORE_INTERNAL_H

#include "store/store.h"

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
	/*
	 * Every deal with all its children, sorted by slug, handed to fn one
	 * at a time, so a pipeline-wide report never holds the pipeline in
	 * memory (techwin check over 100k deals, BENCHMARKS.md). With
	 * open_only, deals whose outcome is not open are skipped unread. fn
	 * borrows d: the store releases it when fn returns. fn returns 0 to
	 * go on, or a negative tw_err that ends the walk and is returned.
	 * The whole walk reads one snapshot, in a read transaction: fn must
	 * not call the store. May be NULL in a backend:
	 * store_each_deal() (store/deals.h) then falls back to deal_list and
	 * deal_get.
	 */
	int (*deal_each)(struct store *st, bool open_only,
			 int (*fn)(const struct deal *d, void *arg,
				   struct tw_error *err),
			 void *arg, struct tw_error *err);
	/*
	 * deal_each cut into nparts consecutive runs of slugs walked at
	 * once, each on its own thread and connection, all reading one
	 * snapshot. fn(part, d) is called from part's thread, so calls for
	 * different parts run concurrently; within a part the deals come by
	 * slug, and every deal of part k sorts before those of part k + 1:
	 * concatenating what each part saw gives deal_each's order. A part
	 * may see no deals: the store walks serially, all in part 0, when
	 * the pipeline is small, inside begin/commit, or when a commit
	 * lands while the connections start. A negative return from fn
	 * stops every part; the error of the lowest failing part is
	 * returned. May be NULL: store_each_deal_parts() then uses
	 * deal_each, all in part 0.
	 */
	int (*deal_each_parts)(struct store *st, bool open_only, size_t nparts,
			       int (*fn)(size_t part, const struct deal *d,
					 void *arg, struct tw_error *err),
			       void *arg, struct tw_error *err);

	/* History, oldest first; slug NULL for every deal. */
	int (*history)(struct store *st, const char *slug,
		       struct history_list *out, struct tw_error *err);

	/* Workspace settings. *out is NULL when unset (caller frees). */
	int (*setting_get)(struct store *st, const char *key, char **out,
			   struct tw_error *err);
	int (*setting_set)(struct store *st, const char *key,
			   const char *value, struct tw_error *err);

	/*
	 * Users. user_put creates the user named u->name or replaces its
	 * role and pw_hash, and fills u->id and u->created (TW_EINPUT for an
	 * empty name or hash or an unknown role). The getters return
	 * TW_ENOTFOUND when absent; the list is sorted by name. Deleting a
	 * user deletes its sessions and tokens with it.
	 */
	int (*user_put)(struct store *st, struct store_user *u,
			struct tw_error *err);
	int (*user_get)(struct store *st, const char *name,
			struct store_user *out, struct tw_error *err);
	int (*user_get_by_id)(struct store *st, long long id,
			      struct store_user *out, struct tw_error *err);
	int (*user_list)(struct store *st, struct store_user_list *out,
			 struct tw_error *err);
	int (*user_delete)(struct store *st, const char *name,
			   struct tw_error *err);

	/*
	 * Sessions, by the hash of their cookie. session_put: TW_ENOTFOUND
	 * for an unknown user, TW_EEXIST for a hash already in use. The
	 * store does not look at expires: callers compare it with now.
	 * The bulk deletes report how many went in *n (n may be NULL).
	 */
	int (*session_put)(struct store *st, const struct store_session *s,
			   struct tw_error *err);
	int (*session_get)(struct store *st, const char *id_hash,
			   struct store_session *out, struct tw_error *err);
	int (*session_delete)(struct store *st, const char *id_hash,
			      struct tw_error *err);
	/* Every session of one user (a password change signs them out). */
	int (*session_delete_user)(struct store *st, long long user_id,
				   size_t *n, struct tw_error *err);
	/* Sessions with expires <= now. */
	int (*session_delete_expired)(struct store *st, long long now,
				      size_t *n, struct tw_error *err);

	/*
	 * API tokens. token_put creates t->name for the user named t->user
	 * (TW_ENOTFOUND when unknown, TW_EEXIST when the name is taken) and
	 * fills t->id, t->user_id and t->created. The list is sorted by
	 * name; reads fill user with the user's name.
	 */
	int (*token_put)(struct store *st, struct store_token *t,
			 struct tw_error *err);
	int (*token_find_by_hash)(struct store *st, const char *hash,
				  struct store_token *out,
				  struct tw_error *err);
	int (*token_list)(struct store *st, struct store_token_list *out,
			  struct tw_error *err);
	int (*token_delete)(struct store *st, const char *name,
			    struct tw_error *err);

	/*
	 * Share links. share_put creates a link to the deal sh->deal
	 * (TW_ENOTFOUND when unknown) and fills sh->id and sh->created. The
	 * list is sorted by id, for one deal or (slug NULL) every deal; the
	 * store does not look at expires. A deal's links go when it goes.
	 */
	int (*share_put)(struct store *st, struct store_share *sh,
			 struct tw_error *err);
	int (*share_find_by_hash)(struct store *st, const char *hash,
				  struct store_share *out,
				  struct tw_error *err);
	int (*share_list)(struct store *st, const char *slug,
			  struct store_share_list *out, struct tw_error *err);
	int (*share_delete)(struct store *st, long long id,
			    struct tw_error *err);
};

struct store {
	const struct store_ops *ops;
	char *actor;		/* who history rows name */
};

#endif
