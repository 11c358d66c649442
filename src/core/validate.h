/*
 * Semantic validation of a whole deal: the one set of rules that plan files,
 * CLI edits and the JSON API share. The parser checks syntax and types; this
 * checks meaning (keys unique, references resolve, values in range).
 */
#ifndef TW_VALIDATE_H
#define TW_VALIDATE_H

#include <stddef.h>

#include "core/model.h"

enum entity_kind { ENT_DEAL, ENT_HOLIDAY, ENT_CRITERION, ENT_EVENT, ENT_RISK,
		   ENT_PHASE, ENT_STEP, ENT_TOUCH };

/*
 * Where a validation error is: the entity, its index in the deal's array
 * (0 for ENT_DEAL) and the plan-file field name ("key", "at_most", "after",
 * "price", "champion.email", ...). The plan parser maps it to line/column.
 */
struct validation_site {
	enum entity_kind entity;
	size_t index;
	const char *field;	/* static string */
};

/*
 * 0 when d is valid; else TW_EINPUT with a message in err ("duplicate
 * criterion key 'p95'", "event 'x' follows unknown event 'y'", ...) and, when
 * site is not NULL, where it is.
 */
int deal_validate(const struct deal *d, struct validation_site *site,
		  struct tw_error *err);

const char *entity_kind_name(enum entity_kind e);

#endif
