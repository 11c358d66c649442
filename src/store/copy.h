/*
 * Copying a whole workspace from one store to another (techwin migrate):
 * SQLite to PostgreSQL and back, or between two of a kind. Rows are copied
 * as they are, ids, history times and actors included, so the copy is the
 * same workspace, not a replay of it.
 */
#ifndef TW_STORE_COPY_H
#define TW_STORE_COPY_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/error.h"

struct store_copy_counts {
	size_t deals;
	size_t history;
	size_t settings;
	size_t users;
	size_t tokens;
	size_t shares;
};

/*
 * Called once everything is copied, with from and to both inside the
 * copy's transactions (to sees the copy, uncommitted): a last check by
 * the caller. A negative return rolls the copy back.
 */
typedef int (*store_copy_verify_fn)(struct store *from, struct store *to,
				    void *arg, struct tw_error *err);

/*
 * Copy every deal with its children, the history, the settings, the users,
 * their API tokens and the share links from from into to, in one
 * transaction on to; from is read in one snapshot (an SQLite source is
 * locked against writers meanwhile). Sign-in sessions are not copied.
 *
 * to must be empty: TW_EEXIST ("target is not empty ...") otherwise,
 * unless force, which first deletes everything in to (its history too).
 * Two handles on one workspace are refused (TW_EINPUT). After copying,
 * every row is read back from both sides and compared, then verify (may
 * be NULL) runs; any difference rolls the copy back with TW_ESTORE.
 * counts (may be NULL) says what was copied.
 */
int store_copy(struct store *from, struct store *to, bool force,
	       store_copy_verify_fn verify, void *arg,
	       struct store_copy_counts *counts, struct tw_error *err);

#endif
