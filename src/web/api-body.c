/*
 * The JSON API's request reader (api-body.h): the JSON type of each field
 * comes from its schema type, its name from field_json_name() and what a
 * request may do with it from its flags.
 */
#include "web/api-body.h"
#include "util/suggest.h"
#include "util/xalloc.h"
#include "util/suggest.h"

#include <limits.h>
#include <string.h>

/*
 * Keys the answers carry that are no field of the entity: computed values
 * and the deal's children. A request naming one is refused as read-only,
 * not as unknown, so the client learns it read them from an answer.
 */
static const struct {
	const struct schema_table *tb;
	const char *const keys[8];
} answer_only[] = {
	{ &schema_deal, { "slug", "holidays", "criteria", "events", "risks",
			  "phases", "touches", NULL } },
	{ &schema_tables[T_CRITERION], { "status", "headroom_pct",
					 "growth_capacity_pct", "scales",
					 NULL } },
	{ &schema_tables[T_RISK], { "go_live_by", "latest_start",
				    "slack_days", "at_risk", "sign_by",
				    "review_by", NULL } },
};

static bool
is_answer_only(const struct schema_table *tb, const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(answer_only); i++) {
		if (answer_only[i].tb != tb)
			continue;
		for (const char *const *p = answer_only[i].keys; *p; p++)
			if (!strcmp(*p, k))
				return true;
	}
	return false;
}

/* Whether the field can hold "no value", which null asks for. */
static bool
nullable(const struct field *f)
{
	return !(f->flags & FL_REQ) &&
	       (f->type == F_STR || f->type == F_DATE ||
		f->type == F_INT_OPT || f->type == F_REAL_OPT ||
		f->type == F_DUR_OPT || f->type == F_LIST);
}

/* What a JSON value of the field must be, for the type error. */
static const char *
json_kind(const struct field *f)
{
	switch (f->type) {
	case F_STR:
		return "a string";
	case F_INT:
	case F_INT_OPT:
		return "an integer";
	case F_REAL:
	case F_REAL_OPT:
		return "a number";
	case F_BOOL:
		return "true or false";
	case F_DATE:
		return "a date string YYYY-MM-DD";
	case F_DUR:
	case F_DUR_OPT:
		return "a duration string such as \"14d\", \"10bd\" or \"3w\"";
	case F_ENUM:
		return "a string";
	case F_LIST:
		return "an array of keys (strings)";
	}
	return "a value";
}

static bool
is_list_of_strings(json_t *v)
{
	size_t i;
	json_t *item;

	if (!json_is_array(v))
		return false;
	json_array_foreach(v, i, item)
		if (!json_is_string(item))
			return false;
	return true;
}

/* Whether v has the JSON type the field takes. */
static bool
type_ok(const struct field *f, json_t *v)
{
	switch (f->type) {
	case F_INT:
	case F_INT_OPT:
		return json_is_integer(v) && json_integer_value(v) >= INT_MIN &&
		       json_integer_value(v) <= INT_MAX;
	case F_REAL:
	case F_REAL_OPT:
		return json_is_number(v);
	case F_BOOL:
		return json_is_boolean(v);
	case F_LIST:
		return is_list_of_strings(v);
	case F_DATE:
	case F_DUR:
	case F_DUR_OPT:
	case F_ENUM:
		/* "" would read as "absent" in field_parse: not a value. */
		return json_is_string(v) && *json_string_value(v);
	case F_STR:
		return json_is_string(v);
	}
	return false;
}

/*
 * Set the field from v (of the right type): numbers and strings as they
 * are, everything with a text form (dates, durations, enum names) through
 * field_parse, which gives every entry point the same errors.
 */
static int
take_value(const struct field *f, void *obj, json_t *v, struct tw_error *err)
{
	char *p = (char *)obj + f->off;
	bool *has = (bool *)((char *)obj + f->aux);
	size_t i;
	json_t *item;

	field_release(f, obj);
	switch (f->type) {
	case F_STR:
		*(char **)p = xstrdup(json_string_value(v));
		return 0;
	case F_INT_OPT:
		*has = true;
		/* fall through */
	case F_INT:
		*(int *)p = (int)json_integer_value(v);
		return 0;
	case F_REAL_OPT:
		*has = true;
		/* fall through */
	case F_REAL:
		*(double *)p = json_number_value(v);
		return 0;
	case F_BOOL:
		*(bool *)p = json_is_true(v);
		return 0;
	case F_LIST: {
		size_t *n = (size_t *)((char *)obj + f->aux);
		char **l = json_array_size(v) ? xcalloc(json_array_size(v),
							 sizeof(*l))
					      : NULL;

		json_array_foreach(v, i, item)
			l[(*n)++] = xstrdup(json_string_value(item));
		*(char ***)p = l;
		return 0;
	}
	default:
		return field_parse(f, obj, NULL, json_string_value(v), err);
	}
}

bool
api_read_fields(struct http_response *rs, json_t *o,
		const struct schema_table *tb, void *obj, uint32_t *given,
		enum body_mode mode)
{
	const char *k;
	json_t *v;

	json_object_foreach(o, k, v) {
		const struct field *f = schema_field(tb, k, true);
		struct tw_error err = { 0 };

		if (!f && !is_answer_only(tb, k)) {
			struct suggest sg;
			char hint[96];

			suggest_init(&sg, k);
			for (size_t i = 0; i < tb->nfields; i++)
				suggest_add(&sg,
					    field_json_name(&tb->fields[i]));
			http_error(rs, 422, k, "unknown field '%s'%s", k,
				   suggest_text(&sg, hint, sizeof(hint)));
			return false;
		}
		if (!f || (f->flags & FL_RO) ||
		    (mode == BODY_SET && (f->flags & FL_KEY))) {
			http_error(rs, 422, k, "field '%s' is read-only here",
				   k);
			return false;
		}
		if (json_is_null(v)) {
			/* A new entity's default is what null asks for. */
			if (!nullable(f) &&
			    (mode == BODY_SET || (f->flags & FL_REQ))) {
				http_error(rs, 422, k, "field '%s' must not be "
					   "null", k);
				return false;
			}
			field_release(f, obj);
			if (nullable(f))
				*given |= UINT32_C(1) << (f - tb->fields);
			continue;
		}
		if (!type_ok(f, v)) {
			http_error(rs, 422, k, "field '%s' must be %s", k,
				   json_kind(f));
			return false;
		}
		if (take_value(f, obj, v, &err) < 0) {
			http_error(rs, 422, k, "%s", err.msg);
			return false;
		}
		*given |= UINT32_C(1) << (f - tb->fields);
	}
	for (size_t i = 0; mode == BODY_CREATE && i < tb->nfields; i++) {
		const char *name = field_json_name(&tb->fields[i]);

		if ((tb->fields[i].flags & FL_REQ) &&
		    !(*given & (UINT32_C(1) << i))) {
			http_error(rs, 422, name, "missing field '%s'", name);
			return false;
		}
	}
	return true;
}

bool
api_check_query(struct http_request *rq, struct http_response *rs,
		const char *const *allowed)
{
	for (size_t i = 0; i < rq->query.n; i++) {
		const char *name = rq->query.items[i].name;
		bool ok = false;

		for (size_t j = 0; allowed[j] && !ok; j++)
			ok = !strcmp(allowed[j], name);
		if (!ok) {
			http_error(rs, 400, name, "unknown query parameter "
				   "'%s'", name);
			return false;
		}
	}
	return true;
}

json_t *
api_read_body(struct http_request *rq, struct http_response *rs,
	      const struct schema_table *tb, void *obj, uint32_t *given,
	      enum body_mode mode, bool allow_empty)
{
	static const char *const no_query[] = { NULL };
	json_t *o;

	if (!api_check_query(rq, rs, no_query))
		return NULL;
	if (!(o = http_json_object(rq, rs, allow_empty)))
		return NULL;
	if (!api_read_fields(rs, o, tb, obj, given, mode)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A string member of o, or NULL; false with a 422 when it is no string. */
bool
api_opt_string(struct http_response *rs, json_t *o, const char *key,
	   const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return true;
	if (!json_is_string(v)) {
		http_error(rs, 422, key, "%s must be a string", key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

/* Only the named members; else a 422 naming the first other one. */
bool
api_only_members(struct http_response *rs, json_t *o, const char *const *names)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		bool ok = false;

		for (size_t i = 0; names[i] && !ok; i++)
			ok = !strcmp(names[i], key);
		if (!ok) {
			struct suggest sg;
			char hint[96];

			suggest_init(&sg, key);
			for (size_t i = 0; names[i]; i++)
				suggest_add(&sg, names[i]);
			http_error(rs, 422, key, "unknown field '%s'%s", key,
				   suggest_text(&sg, hint, sizeof(hint)));
			return false;
		}
	}
	return true;
}

int
api_read_days(json_t *days, tw_date **out, size_t *n, struct tw_error *err)
{
	json_t *x;
	size_t i;
	int r = 0;

	*out = NULL;
	*n = 0;
	if (!json_is_array(days) || !json_array_size(days))
		return tw_error_set(err, TW_EINPUT, "expected {\"days\": "
				    "[\"YYYY-MM-DD\", ...]}");
	*out = xcalloc(json_array_size(days), sizeof(**out));
	json_array_foreach(days, i, x) {
		if (!json_is_string(x))
			r = tw_error_set(err, TW_EINPUT, "days[%zu]: expected "
					 "a date YYYY-MM-DD", i);
		else
			r = date_parse(json_string_value(x), &(*out)[(*n)++],
				       err);
		if (r < 0)
			break;
	}
	return r;
}
