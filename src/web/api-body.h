/*
 * The JSON API's request reader, shared by its routes (api.c,
 * api-session.c): one reader of a JSON object into a struct described by
 * a schema table (core/schema.h), so a body field is named, typed and
 * flagged once, in the schema, and the routes only hand the result to a
 * verb (core/actions.h). Also the query check every route makes.
 */
#ifndef TW_API_BODY_H
#define TW_API_BODY_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/schema.h"
#include "web/http.h"

enum body_mode {
	/* A new entity, or a verb's arguments: FL_REQ fields are needed. */
	BODY_CREATE,
	/* A change: the key is read-only, null clears an optional field. */
	BODY_SET,
};

/*
 * Read o into obj, a struct of tb's kind (zeroed, or blank from
 * verb_call_init); bit i of *given is set for each fields[i] the body
 * holds, a null that clears it included (a null for a new entity's field
 * that cannot be absent leaves its default). False with a 422 naming the
 * field: an unknown one, a read-only one (FL_RO, the key in BODY_SET, or a
 * value only answers carry: a criterion's "status"), a wrong type, a null
 * for a field that cannot be absent, a missing FL_REQ one (BODY_CREATE).
 */
bool api_read_fields(struct http_response *rs, json_t *o,
		     const struct schema_table *tb, void *obj,
		     uint32_t *given, enum body_mode mode);

/*
 * The request's body as a JSON object read by api_read_fields, after
 * checking that the query is empty; NULL when answered. allow_empty: no
 * body reads as {}. The caller decrefs the object, which owns no field of
 * obj.
 */
json_t *api_read_body(struct http_request *rq, struct http_response *rs,
		      const struct schema_table *tb, void *obj,
		      uint32_t *given, enum body_mode mode, bool allow_empty);

/* Only the allowed query parameters (NULL-ended); else a 400 naming one. */
bool api_check_query(struct http_request *rq, struct http_response *rs,
		     const char *const *allowed);

/*
 * A string member key of o, or NULL when absent; false with a 422 naming
 * it when it is no string.
 */
bool api_opt_string(struct http_response *rs, json_t *o, const char *key,
		    const char **out);
/* Only the named members (NULL-ended); else a 422 naming the first other. */
bool api_only_members(struct http_response *rs, json_t *o,
		      const char *const *names);
/*
 * days, a non-empty JSON array of "YYYY-MM-DD", as *n dates in *out
 * (the caller frees it, also on failure); TW_EINPUT naming the bad one.
 */
int api_read_days(json_t *days, tw_date **out, size_t *n,
		  struct tw_error *err);

#endif
