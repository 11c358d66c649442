/*
 * A deal's inputs to the rules, kept beside its evaluation (the
 * eval_inputs table of store/findings.h): every field of the deal and of
 * its children, as the field tables of core/schema.h describe them, in
 * one text. A settings change makes every evaluation stale but changes
 * no deal, so check re-evaluates from these, one row a deal, instead of
 * walking every child table of every deal.
 *
 * The text is a header naming the field tables it was written with
 * (inputs_version), then each value ended by a unit separator (0x1f): the
 * slug, the deal's fields, and for each child table a count and its
 * children's fields. An absent value is a lone record separator (0x1e);
 * bytes 0x1b to 0x1f within a value are escaped as 0x1b and the byte
 * xor 0x40. Lists are their keys joined by ','. A number is the hex of
 * its double's bits (exact, and read back without strtod's arithmetic),
 * a bool 1 or 0; dates, durations, enums and integers are written as
 * history writes them (field_text).
 *
 * Multi-line prose (FL_MULTI: a criterion's business outcome, a phase's
 * scope and justification) is a third of a deal's text, and no rule
 * reads its words, only whether there are any: a text that is not empty
 * is kept as "~". test-inputs holds that momentum_check says the same of
 * a deal and of its decoded inputs.
 */
#ifndef TW_STORE_INPUTS_H
#define TW_STORE_INPUTS_H

#include <stdint.h>

#include "core/model.h"
#include "util/strbuf.h"

/*
 * The field tables' fingerprint: inputs written by a techwin whose
 * tables differ (a field added, renamed, retyped) are not read. Never
 * 0; fits in a signed 64-bit column.
 */
int64_t inputs_version(void);

/* d's inputs, appended to out. */
void inputs_encode(const struct deal *d, struct strbuf *out);

/*
 * d (initialised, empty) from the inputs text, decoded in place: d's
 * strings point into text, which must outlive d; release d with
 * inputs_release, not deal_release. -1 when text is not inputs of this
 * version (d is then released).
 */
int inputs_decode(char *text, struct deal *d);
void inputs_release(struct deal *d);

#endif
