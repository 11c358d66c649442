/*
 * What a deal_put changes, for both store backends: the new deal is compared
 * with the stored one field by field and child by child (store/fields.h), and
 * the backend is asked to write exactly the rows that differ and to append
 * one history row per created, changed or deleted field. The order of the
 * writes and of the history rows is part of the contract: both backends
 * number history the same way because they share this one comparison.
 *
 * Internal to src/store/: the rest of techwin sees only store.h.
 */
#ifndef TW_STORE_DIFF_H
#define TW_STORE_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

/*
 * The backend's own state for one write (each backend defines it in its
 * file): the comparison only hands it back to the calls below.
 */
struct put_ctx;

/*
 * How a backend writes. Each call returns 0 or a negative tw_err, which
 * ends the comparison and is returned by it. which is T_INSERT or T_UPDATE;
 * t indexes schema_tables; pos is the child's 0-based position in the deal.
 */
struct diff_ops {
	/* Append a history row; old_value or new_value NULL: none. */
	int (*history)(struct put_ctx *c, const char *entity, const char *key,
		       const char *field, const char *old_value,
		       const char *new_value);
	/* Insert or rewrite the deal's own row; an insert learns its id. */
	int (*write_deal)(struct put_ctx *c, int which, const struct deal *d);
	/* Insert or rewrite the row of one child (lists aside). */
	int (*write_child)(struct put_ctx *c, size_t t, int which,
			   const void *obj, size_t pos);
	/* Delete the row of one child. */
	int (*delete_child)(struct put_ctx *c, size_t t, const void *obj,
			    size_t pos);
	/*
	 * Write a phase's criteria (the only list, kept in a table of its
	 * own), replacing the stored ones when replace is set.
	 */
	int (*write_phase_criteria)(struct put_ctx *c, const struct phase *p,
				    bool replace);
};

/* A new deal: its row, "created" history, then every child created. */
int diff_create_deal(const struct diff_ops *ops, struct put_ctx *c,
		     const struct deal *d);

/*
 * A stored deal old becoming d: the changed fields of the deal, then
 * table by table the deleted, created and changed children.
 */
int diff_update_deal(const struct diff_ops *ops, struct put_ctx *c,
		     const struct deal *old, const struct deal *d);

#endif
