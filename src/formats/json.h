/*
 * JSON views of the domain (jansson). The CLI's --json output and the web
 * API share these, so field names are defined once, here.
 */
#ifndef TW_JSON_H
#define TW_JSON_H

#include <jansson.h>

#include "core/model.h"
#include "store/store.h"
#include "util/strbuf.h"

/* A number: an integer when d is integral, else a real. */
json_t *json_num(double d);
/* A string or null. */
json_t *json_str(const char *s);
/* "YYYY-MM-DD" or null. */
json_t *json_date(tw_date d);

/* Deal fields only (the deal list object). */
json_t *deal_to_json(const struct deal *d);
/* A criterion with its evaluation. */
json_t *criterion_to_json(const struct criterion *c);
json_t *event_to_json(const struct event *e);
/* A risk with its back-schedule as of today. */
json_t *risk_to_json(const struct risk *r, tw_date today,
		     const struct holidays *h);
json_t *phase_to_json(const struct phase *p);
/* Deal fields plus every child list (deal show). */
json_t *deal_full_to_json(const struct deal *d, tw_date today);
json_t *history_entry_to_json(const struct history_entry *h);

/* Serialize (indented, stable order) with a trailing newline; steals j. */
void json_emit(json_t *j, struct strbuf *out);

#endif
