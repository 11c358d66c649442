/*
 * Semantic validation of a whole deal: the one set of rules that plan files,
 * CLI edits and the JSON API share. The parser checks syntax and types; this
 * checks meaning (keys unique, references resolve, values in range).
 */
#ifndef TW_VALIDATE_H
#define TW_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

enum entity_kind { ENT_DEAL, ENT_HOLIDAY, ENT_CRITERION, ENT_EVENT, ENT_RISK,
		   ENT_PHASE, ENT_STEP, ENT_TOUCH, ENT_ACK, ENT_LINK };

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

/*
 * The rules of deal_validate for a playbook on its own (a workspace's):
 * every step titled, offsets 0 or more, keys valid and unique, owners ae
 * or se. site->index is the step's.
 */
int playbook_validate(const struct step *steps, size_t n,
		      struct validation_site *site, struct tw_error *err);

const char *entity_kind_name(enum entity_kind e);

/*
 * Text a person reads and techwin copies into subjects, headers and
 * pages. A single-line field (account, names, titles, metric, unit, keys,
 * emails) holds no control character; a multi-line field (outcome, scope,
 * justification) may hold line feeds and tabs, and no other. Control
 * characters are C0 (U+0000-U+001F), DEL (U+007F) and C1 (U+0080-U+009F,
 * as UTF-8). Returns the 1-based character position of the first one s
 * may not hold, with its code point in *cp (when not NULL); 0 when s is
 * fine or NULL.
 */
size_t text_find_control(const char *s, bool multiline, unsigned *cp);

/*
 * Whether s is exactly one RFC 5322 addr-spec: a dot-atom or
 * quoted-string local part, '@', a dot-atom or domain-literal domain,
 * with nothing around it (no display name, comment, list or whitespace).
 * UTF-8 beyond ASCII is accepted where RFC 6532 allows it.
 */
bool email_addr_spec_valid(const char *s);

#endif
