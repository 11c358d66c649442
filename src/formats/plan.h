/*
 * The deal plan file (docs/plan-format.md): a whole deal as YAML that a
 * person writes and keeps in git. Parsing checks syntax and types, then runs
 * deal_validate() and reports every problem as file:line:column. Emission
 * is canonical, so parse -> emit -> parse -> emit is byte-identical.
 */
#ifndef TW_PLAN_H
#define TW_PLAN_H

#include <stddef.h>

#include "core/model.h"
#include "util/error.h"
#include "util/strbuf.h"

#define PLAN_VERSION 1

/*
 * Limits that keep a hostile plan file from costing more than a real one
 * can (docs/plan-format.md): its size; how deep mappings and lists nest
 * (plan files nest four levels); and its size with aliases expanded,
 * counted as the bytes of every value plus one for each value, mapping
 * and list. A file past one is refused with its line and column.
 */
#define PLAN_MAX_BYTES (8 << 20)
#define PLAN_MAX_DEPTH 32
#define PLAN_MAX_EXPANDED (8 << 20)

/*
 * Parse len bytes of YAML into out, which is overwritten (not released
 * first). filename only labels messages ("<input>" when NULL). Returns 0, or
 * TW_EINPUT with "FILE:LINE:COL: message" in err and out left empty.
 * Touches are not part of the plan file and are never filled.
 */
int plan_parse(const char *buf, size_t len, const char *filename,
	       struct deal *out, struct tw_error *err);

/* The errors plan_parse_all lists in one file, at most. */
#define PLAN_MAX_ERRORS 50
/*
 * plan_parse, going on past an error in a field or a list item to find
 * the others (a YAML syntax error or a limit still stops it): the first in
 * err, the next ones (up to PLAN_MAX_ERRORS in all) appended to more as
 * "FILE:LINE:COL: message" lines; *nerrors counts them all (the walk
 * goes on to count those past the limit). The checks of
 * the whole deal (deal_validate) run only on a file without such errors.
 */
int plan_parse_all(const char *buf, size_t len, const char *filename,
		   struct deal *out, struct strbuf *more, size_t *nerrors,
		   struct tw_error *err);

/* Append the canonical plan file for d to out (d->touches are ignored). */
void plan_emit(const struct deal *d, struct strbuf *out);

/*
 * A playbook file (techwin config playbook set): a mapping whose one
 * field, playbook, is a list of steps as a plan file's playbook section,
 * with its rules (playbook_validate). The steps go to out->playbook (out
 * is overwritten); errors are plan_parse's, FILE:LINE:COL: message. An
 * empty list is no error: the caller says what none means.
 */
int plan_parse_playbook(const char *buf, size_t len, const char *filename,
			struct deal *out, struct tw_error *err);
/* The steps as such a file: "playbook:" and a "- " item each. */
void plan_emit_playbook(const struct step *steps, size_t n,
			struct strbuf *out);

#endif
