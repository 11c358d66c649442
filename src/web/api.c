/*
 * The JSON API (api.h): each handler reads its JSON body against a field
 * table (unknown, read-only, missing and mistyped fields are 422 naming the
 * field), changes a deal through the same read-modify-write transaction and
 * validation as the CLI, and answers with the serializers of formats/json.c.
 * Also the login and logout flow, for JSON clients and a minimal form.
 */
#include "web/api.h"
#include "web/pages.h"
#include "core/commercial.h"
#include "core/pipeline.h"
#include "core/stats.h"
#include "core/validate.h"
#include "formats/json.h"
#include "render/escape.h"
#include "render/ics.h"
#include "render/pdf.h"
#include "render/summary.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "web/server.h"
#include "util/xalloc.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- request fields ------------------------------------------------ */

enum ftype { FT_STRING, FT_NUMBER, FT_INT, FT_DATE, FT_DURATION, FT_KEYS };

enum fflag {
	FF_REQUIRED = 1 << 0,	/* present and not null */
	FF_NOTNULL = 1 << 1,	/* may be absent, not null */
	FF_READONLY = 1 << 2,	/* in the answers, never in a request */
};

struct field_spec {
	const char *name;
	enum ftype type;
	unsigned flags;
};

static const struct field_spec *
find_spec(const struct field_spec *spec, const char *name)
{
	for (; spec->name; spec++)
		if (!strcmp(spec->name, name))
			return spec;
	return NULL;
}

static bool
check_type(struct http_response *rs, const struct field_spec *f, json_t *v)
{
	struct tw_error err = { 0 };
	struct duration dur;
	tw_date day;
	size_t i;
	json_t *item;

	switch (f->type) {
	case FT_STRING:
		if (json_is_string(v))
			return true;
		http_error(rs, 422, f->name, "field '%s' must be a string",
			   f->name);
		return false;
	case FT_NUMBER:
		if (json_is_number(v))
			return true;
		http_error(rs, 422, f->name, "field '%s' must be a number",
			   f->name);
		return false;
	case FT_INT:
		if (json_is_integer(v) && json_integer_value(v) >= INT_MIN &&
		    json_integer_value(v) <= INT_MAX)
			return true;
		http_error(rs, 422, f->name, "field '%s' must be an integer",
			   f->name);
		return false;
	case FT_DATE:
		if (!json_is_string(v)) {
			http_error(rs, 422, f->name, "field '%s' must be a "
				   "date string YYYY-MM-DD", f->name);
			return false;
		}
		if (date_parse(json_string_value(v), &day, &err) < 0) {
			http_error(rs, 422, f->name, "field '%s': %s", f->name,
				   err.msg);
			return false;
		}
		return true;
	case FT_DURATION:
		if (!json_is_string(v)) {
			http_error(rs, 422, f->name, "field '%s' must be a "
				   "duration string such as \"14d\", \"10bd\" "
				   "or \"3w\"", f->name);
			return false;
		}
		if (duration_parse(json_string_value(v), &dur, &err) < 0) {
			http_error(rs, 422, f->name, "field '%s': %s", f->name,
				   err.msg);
			return false;
		}
		return true;
	case FT_KEYS:
		if (!json_is_array(v)) {
			http_error(rs, 422, f->name, "field '%s' must be an "
				   "array of keys", f->name);
			return false;
		}
		json_array_foreach(v, i, item)
			if (!json_is_string(item)) {
				http_error(rs, 422, f->name, "field '%s' must "
					   "be an array of keys (strings)",
					   f->name);
				return false;
			}
		return true;
	}
	return false;
}

/*
 * Check a request object against spec; false with a 422 naming the
 * field: an unknown or read-only field, a null where none is allowed, a
 * wrong type, a missing required field.
 */
static bool
check_fields(struct http_response *rs, json_t *obj,
	     const struct field_spec *spec)
{
	const char *k;
	json_t *v;

	json_object_foreach(obj, k, v) {
		const struct field_spec *f = find_spec(spec, k);

		if (!f) {
			http_error(rs, 422, k, "unknown field '%s'", k);
			return false;
		}
		if (f->flags & FF_READONLY) {
			http_error(rs, 422, k, "field '%s' is read-only here",
				   k);
			return false;
		}
		if (json_is_null(v)) {
			if (!(f->flags & (FF_REQUIRED | FF_NOTNULL)))
				continue;
			http_error(rs, 422, k, "field '%s' must not be null",
				   k);
			return false;
		}
		if (!check_type(rs, f, v))
			return false;
	}
	for (; spec->name; spec++)
		if ((spec->flags & FF_REQUIRED) &&
		    !json_object_get(obj, spec->name)) {
			http_error(rs, 422, spec->name, "missing field '%s'",
				   spec->name);
			return false;
		}
	return true;
}

/* Readers for checked objects: absent and null read as "none". */
static bool
jhas(json_t *o, const char *k)
{
	return json_object_get(o, k) != NULL;
}

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static double
jnum(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static tw_date
jdate(json_t *o, const char *k)
{
	const char *s = jstr(o, k);
	tw_date d = DATE_NONE;

	if (s)
		date_parse(s, &d, NULL);
	return d;
}

static struct duration
jduration(json_t *o, const char *k)
{
	struct duration d = { 0, DUR_DAYS };
	const char *s = jstr(o, k);

	if (s)
		duration_parse(s, &d, NULL);
	return d;
}

/* Set *dst from field k when present: null clears it. */
static void
jset_str(json_t *o, const char *k, char **dst)
{
	if (jhas(o, k))
		xstrset(dst, jstr(o, k));
}

/* Only these query parameters; anything else is a 400 naming it. */
static bool
check_query(struct http_request *rq, struct http_response *rs,
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

static const char *const no_query[] = { NULL };

/* ---- errors from validation ----------------------------------------- */

static const char *
list_name(enum entity_kind e)
{
	switch (e) {
	case ENT_HOLIDAY:
		return "holidays";
	case ENT_CRITERION:
		return "criteria";
	case ENT_EVENT:
		return "events";
	case ENT_RISK:
		return "risks";
	case ENT_PHASE:
		return "phases";
	case ENT_STEP:
		return "playbook";
	case ENT_TOUCH:
		return "touches";
	case ENT_DEAL:
	default:
		return "deal";
	}
}

/*
 * The request field a validation error names: the plan-file name
 * translated to the JSON one ("poc.end" is "poc_end", a criterion's
 * "at_most" is "required"), prefixed with the list and index when the
 * error is about another entity than the one the request changes.
 */
static void
site_field(const struct validation_site *site, enum entity_kind ent,
	   struct strbuf *out)
{
	static const struct {
		enum entity_kind e;
		const char *from, *to;
	} renames[] = {
		{ ENT_DEAL, "poc.start", "poc_start" },
		{ ENT_DEAL, "poc.end", "poc_end" },
		{ ENT_DEAL, "close.outcome", "close_date" },
		{ ENT_DEAL, "close.date", "close_date" },
		{ ENT_DEAL, "champion.name", "champion" },
		{ ENT_DEAL, "champion.email", "champion_email" },
		{ ENT_CRITERION, "at_most", "required" },
		{ ENT_CRITERION, "at_least", "required" },
		{ ENT_CRITERION, "growth_pct", "projected_growth_pct" },
	};
	const char *f = site->field;

	for (size_t i = 0; i < ARRAY_SIZE(renames); i++)
		if (renames[i].e == site->entity &&
		    !strcmp(renames[i].from, f))
			f = renames[i].to;
	if (site->entity == ent || site->entity == ENT_DEAL)
		strbuf_addstr(out, f);
	else
		strbuf_addf(out, "%s[%zu].%s", list_name(site->entity),
			    site->index, f);
}

/* A failed change: validation errors name their field. */
static void
fail_change(struct http_response *rs, int r, const struct tw_error *err,
	    const struct validation_site *site, enum entity_kind ent)
{
	struct strbuf field = STRBUF_INIT;

	if (r == TW_EINPUT && site->field)
		site_field(site, ent, &field);
	http_fail(rs, r, err, field.len ? field.buf : NULL);
	strbuf_release(&field);
}

/* Where a created deal lives. */
static void
location(struct http_response *rs, const char *slug)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "/api/deals/%s", slug);
	http_response_header(rs, "Location", sb.buf);
	strbuf_release(&sb);
}

/* ---- deals ------------------------------------------------------- */

static const struct field_spec deal_fields[] = {
	{ "slug", FT_STRING, FF_REQUIRED },
	{ "account", FT_STRING, FF_REQUIRED },
	{ "stage", FT_STRING, 0 },
	{ "value", FT_NUMBER, 0 },
	{ "currency", FT_STRING, 0 },
	{ "ae", FT_STRING, 0 },
	{ "se", FT_STRING, 0 },
	{ "champion", FT_STRING, 0 },
	{ "champion_email", FT_STRING, 0 },
	{ "procurement_days", FT_INT, 0 },
	{ "poc_start", FT_DATE, 0 },
	{ "poc_end", FT_DATE, 0 },
	{ "outcome", FT_STRING, FF_READONLY },
	{ "close_date", FT_DATE, FF_READONLY },
	{ "crm_source", FT_STRING, FF_READONLY },
	{ "crm_id", FT_STRING, FF_READONLY },
	{ "holidays", FT_KEYS, FF_READONLY },
	{ "criteria", FT_KEYS, FF_READONLY },
	{ "events", FT_KEYS, FF_READONLY },
	{ "risks", FT_KEYS, FF_READONLY },
	{ "phases", FT_KEYS, FF_READONLY },
	{ NULL, 0, 0 },
};

/* PATCH: the slug names the deal in the path and cannot change. */
static const struct field_spec deal_patch_fields[] = {
	{ "slug", FT_STRING, FF_READONLY },
	{ "account", FT_STRING, FF_NOTNULL },
	{ "stage", FT_STRING, 0 },
	{ "value", FT_NUMBER, 0 },
	{ "currency", FT_STRING, 0 },
	{ "ae", FT_STRING, 0 },
	{ "se", FT_STRING, 0 },
	{ "champion", FT_STRING, 0 },
	{ "champion_email", FT_STRING, 0 },
	{ "procurement_days", FT_INT, 0 },
	{ "poc_start", FT_DATE, 0 },
	{ "poc_end", FT_DATE, 0 },
	{ "outcome", FT_STRING, FF_READONLY },
	{ "close_date", FT_DATE, FF_READONLY },
	{ "crm_source", FT_STRING, FF_READONLY },
	{ "crm_id", FT_STRING, FF_READONLY },
	{ "holidays", FT_KEYS, FF_READONLY },
	{ "criteria", FT_KEYS, FF_READONLY },
	{ "events", FT_KEYS, FF_READONLY },
	{ "risks", FT_KEYS, FF_READONLY },
	{ "phases", FT_KEYS, FF_READONLY },
	{ NULL, 0, 0 },
};

/* The deal fields present in o onto d (null clears an optional one). */
static void
apply_deal_fields(struct deal *d, json_t *o)
{
	jset_str(o, "account", &d->account);
	jset_str(o, "stage", &d->stage);
	jset_str(o, "currency", &d->currency);
	jset_str(o, "ae", &d->ae);
	jset_str(o, "se", &d->se);
	jset_str(o, "champion", &d->champion);
	jset_str(o, "champion_email", &d->champion_email);
	if (jhas(o, "value")) {
		d->has_value = !json_is_null(json_object_get(o, "value"));
		d->value = jnum(o, "value");
	}
	if (jhas(o, "procurement_days")) {
		json_t *v = json_object_get(o, "procurement_days");

		d->has_procurement_days = !json_is_null(v);
		d->procurement_days = (int)json_integer_value(v);
	}
	if (jhas(o, "poc_start"))
		d->poc_start = jdate(o, "poc_start");
	if (jhas(o, "poc_end"))
		d->poc_end = jdate(o, "poc_end");
}

/*
 * A deal as JSON, its risks scheduled with the deal's and the workspace's
 * holidays (the deal's alone if the workspace cannot be read).
 */
static json_t *
deal_json(struct http_request *rq, const struct deal *d)
{
	struct tw_error err = { 0 };
	struct workspace ws;
	tw_date *buf = NULL;
	struct holidays h;
	json_t *j;

	if (workspace_load(rq->st, &ws, &err) < 0)
		return deal_full_to_json(d, rq->today, NULL);
	h = workspace_holidays(&ws, d, &buf);
	j = deal_full_to_json(d, rq->today, &h);
	free(buf);
	workspace_release(&ws);
	return j;
}

static void
deals_list(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "se", "stage", "outcome",
		NULL };
	const char *se = http_params_get(&rq->query, "se");
	const char *stage = http_params_get(&rq->query, "stage");
	const char *outcome = http_params_get(&rq->query, "outcome");
	struct deal_list list = { 0 };
	struct tw_error err = { 0 };
	enum outcome want = OUTCOME_OPEN;
	json_t *a;
	int r;

	if (!check_query(rq, rs, allowed))
		return;
	if (outcome && outcome_parse(outcome, &want) < 0) {
		http_error(rs, 400, "outcome", "outcome must be open, won or "
			   "lost, got '%s'", outcome);
		return;
	}
	if ((r = store_deal_list(rq->st, &list, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	a = json_array();
	for (size_t i = 0; i < list.n; i++) {
		const struct deal *d = &list.items[i];

		if (se && (!d->se || strcmp(d->se, se)))
			continue;
		if (stage && (!d->stage || strcmp(d->stage, stage)))
			continue;
		if (outcome && d->outcome != want)
			continue;
		json_array_append_new(a, deal_to_json(d));
	}
	deal_list_release(&list);
	http_send_json(rs, 200, a);
}

static void
deal_create(struct http_request *rq, struct http_response *rs)
{
	struct validation_site site = { ENT_DEAL, 0, NULL };
	struct tw_error err = { 0 };
	struct deal d;
	json_t *o;
	int r;

	if (!check_query(rq, rs, no_query))
		return;
	if (!(o = http_json_object(rq, rs, false)))
		return;
	if (!check_fields(rs, o, deal_fields)) {
		json_decref(o);
		return;
	}
	deal_init(&d);
	d.slug = xstrdup(jstr(o, "slug"));
	apply_deal_fields(&d, o);
	if (!d.stage)
		d.stage = xstrdup("poc");
	json_decref(o);
	if ((r = store_create_deal(rq->st, &d, &site, &err)) < 0) {
		fail_change(rs, r, &err, &site, ENT_DEAL);
	} else {
		http_send_json(rs, 201, deal_json(rq, &d));
		location(rs, d.slug);
	}
	deal_release(&d);
}

static void
deal_get(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct deal d;
	int r;

	if (!check_query(rq, rs, no_query))
		return;
	deal_init(&d);
	r = store_deal_get(rq->st, http_param(rq, "slug"), &d, &err);
	if (r < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_json(rs, 200, deal_json(rq, &d));
	deal_release(&d);
}

/*
 * A change to one deal: the callback changes the struct, and after it the
 * deal as it will be written is kept for the answer.
 */
struct change {
	json_t *body;
	tw_date today;
	const char *key;	/* the child the route names */
	struct deal after;	/* a copy of the changed deal */
	size_t index;		/* of the child added or changed */
	const struct workspace *ws;
	size_t added;
};

static void
change_init(struct change *c, json_t *body, tw_date today)
{
	memset(c, 0, sizeof(*c));
	c->body = body;
	c->today = today;
	deal_init(&c->after);
}

static void
change_release(struct change *c)
{
	deal_release(&c->after);
	json_decref(c->body);
}

static void
keep_copy(struct change *c, const struct deal *d)
{
	deal_release(&c->after);
	deal_copy(&c->after, d);
}

/*
 * Run fn over the deal named by the route in one transaction; false
 * with the error answered (validation errors naming their field).
 */
static bool
change_deal(struct http_request *rq, struct http_response *rs,
	    int (*fn)(struct deal *d, void *arg, struct tw_error *err),
	    struct change *c, enum entity_kind ent)
{
	struct validation_site site = { ENT_DEAL, 0, NULL };
	struct tw_error err = { 0 };
	int r;

	r = store_update_deal(rq->st, http_param(rq, "slug"), fn, c, &site,
			      &err);
	if (r < 0) {
		fail_change(rs, r, &err, &site, ent);
		return false;
	}
	return true;
}

/* The body of a route, checked against spec; NULL when answered. */
static json_t *
read_body(struct http_request *rq, struct http_response *rs,
	  const struct field_spec *spec, bool allow_empty)
{
	json_t *o;

	if (!check_query(rq, rs, no_query))
		return NULL;
	if (!(o = http_json_object(rq, rs, allow_empty)))
		return NULL;
	if (!check_fields(rs, o, spec)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int
patch_deal(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;

	(void)err;
	apply_deal_fields(d, c->body);
	keep_copy(c, d);
	return 0;
}

static void
deal_update(struct http_request *rq, struct http_response *rs)
{
	struct change c;
	json_t *o = read_body(rq, rs, deal_patch_fields, false);

	if (!o)
		return;
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, patch_deal, &c, ENT_DEAL))
		http_send_json(rs, 200, deal_json(rq, &c.after));
	change_release(&c);
}

static void
deal_remove(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	int r;

	if (!check_query(rq, rs, no_query))
		return;
	r = store_deal_delete(rq->st, http_param(rq, "slug"), &err);
	if (r < 0)
		http_fail(rs, r, &err, NULL);
	else
		http_send_empty(rs, 204);
}

static const struct field_spec close_fields[] = {
	{ "outcome", FT_STRING, FF_REQUIRED },
	{ "close_date", FT_DATE, 0 },
	{ NULL, 0, 0 },
};

static int
close_deal(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	const char *outcome = jstr(c->body, "outcome");

	if (outcome_parse(outcome, &d->outcome) < 0 ||
	    d->outcome == OUTCOME_OPEN)
		return tw_error_set(err, TW_EINPUT, "outcome must be won or "
				    "lost, got '%s'", outcome);
	d->close_date = jdate(c->body, "close_date");
	if (!d->close_date)
		d->close_date = c->today;
	keep_copy(c, d);
	return 0;
}

static void
deal_close(struct http_request *rq, struct http_response *rs)
{
	struct change c;
	json_t *o = read_body(rq, rs, close_fields, false);
	const char *outcome;
	enum outcome v;

	if (!o)
		return;
	outcome = jstr(o, "outcome");
	if (outcome_parse(outcome, &v) < 0 || v == OUTCOME_OPEN) {
		http_error(rs, 422, "outcome", "outcome must be won or lost, "
			   "got '%s'", outcome);
		json_decref(o);
		return;
	}
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, close_deal, &c, ENT_DEAL))
		http_send_json(rs, 200, deal_json(rq, &c.after));
	change_release(&c);
}

/* ---- criteria ------------------------------------------------------ */

static const struct field_spec criterion_fields[] = {
	{ "key", FT_STRING, FF_REQUIRED },
	{ "metric", FT_STRING, 0 },
	{ "unit", FT_STRING, 0 },
	{ "direction", FT_STRING, FF_REQUIRED },
	{ "required", FT_NUMBER, FF_REQUIRED },
	{ "projected_growth_pct", FT_NUMBER, 0 },
	{ "outcome", FT_STRING, 0 },
	{ "measured", FT_NUMBER, FF_READONLY },
	{ "measured_on", FT_DATE, FF_READONLY },
	{ "status", FT_STRING, FF_READONLY },
	{ "headroom_pct", FT_NUMBER, FF_READONLY },
	{ "growth_capacity_pct", FT_NUMBER, FF_READONLY },
	{ "scales", FT_STRING, FF_READONLY },
	{ NULL, 0, 0 },
};

static int
add_criterion(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	json_t *o = c->body;
	const char *key = jstr(o, "key");
	struct criterion *cr;

	if (deal_find_criterion(d, key))
		return tw_error_set(err, TW_EEXIST, "criterion '%s' already "
				    "exists in deal '%s'", key, d->slug);
	cr = deal_add_criterion(d);
	cr->key = xstrdup(key);
	cr->metric = xstrdup_or_null(jstr(o, "metric"));
	cr->unit = xstrdup_or_null(jstr(o, "unit"));
	cr->outcome = xstrdup_or_null(jstr(o, "outcome"));
	direction_parse(jstr(o, "direction"), &cr->direction);
	cr->required = jnum(o, "required");
	cr->has_growth = jhas(o, "projected_growth_pct") &&
			 !json_is_null(json_object_get(o,
						       "projected_growth_pct"));
	cr->growth_pct = jnum(o, "projected_growth_pct");
	c->index = d->ncriteria - 1;
	keep_copy(c, d);
	return 0;
}

static void
criterion_create(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, criterion_fields, false);
	enum direction dir;
	struct change c;

	if (!o)
		return;
	if (direction_parse(jstr(o, "direction"), &dir) < 0) {
		http_error(rs, 422, "direction", "direction must be at_most or "
			   "at_least, got '%s'", jstr(o, "direction"));
		json_decref(o);
		return;
	}
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, add_criterion, &c, ENT_CRITERION))
		http_send_json(rs, 201,
			       criterion_to_json(&c.after.criteria[c.index]));
	change_release(&c);
}

static const struct field_spec measurement_fields[] = {
	{ "measured", FT_NUMBER, FF_REQUIRED },
	{ "measured_on", FT_DATE, 0 },
	{ NULL, 0, 0 },
};

static int
record_measurement(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	struct criterion *cr = deal_find_criterion(d, c->key);

	if (!cr)
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown criterion '%s' in deal '%s'",
				    c->key, d->slug);
	cr->has_measured = true;
	cr->measured = jnum(c->body, "measured");
	cr->measured_on = jdate(c->body, "measured_on");
	if (!cr->measured_on)
		cr->measured_on = c->today;
	c->index = (size_t)(cr - d->criteria);
	keep_copy(c, d);
	return 0;
}

static void
measurement_create(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, measurement_fields, false);
	struct change c;

	if (!o)
		return;
	change_init(&c, o, rq->today);
	c.key = http_param(rq, "key");
	if (change_deal(rq, rs, record_measurement, &c, ENT_CRITERION))
		http_send_json(rs, 200,
			       criterion_to_json(&c.after.criteria[c.index]));
	change_release(&c);
}

/* ---- events -------------------------------------------------------- */

static const struct field_spec event_fields[] = {
	{ "key", FT_STRING, FF_REQUIRED },
	{ "kind", FT_STRING, FF_REQUIRED },
	{ "title", FT_STRING, FF_REQUIRED },
	{ "owner", FT_STRING, 0 },
	{ "date", FT_DATE, 0 },
	{ "after", FT_STRING, 0 },
	{ "done", FT_DATE, FF_READONLY },
	{ NULL, 0, 0 },
};

static int
add_event(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	json_t *o = c->body;
	const char *key = jstr(o, "key");
	struct event *e;

	if (deal_find_event(d, key))
		return tw_error_set(err, TW_EEXIST,
				    "event '%s' already exists in deal '%s'",
				    key, d->slug);
	e = deal_add_event(d);
	e->key = xstrdup(key);
	event_kind_parse(jstr(o, "kind"), &e->kind);
	e->title = xstrdup(jstr(o, "title"));
	e->owner = xstrdup_or_null(jstr(o, "owner"));
	e->date = jdate(o, "date");
	e->after = xstrdup_or_null(jstr(o, "after"));
	c->index = d->nevents - 1;
	keep_copy(c, d);
	return 0;
}

static void
event_create(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, event_fields, false);
	enum event_kind kind;
	struct change c;

	if (!o)
		return;
	if (event_kind_parse(jstr(o, "kind"), &kind) < 0) {
		http_error(rs, 422, "kind", "kind must be technical or "
			   "commercial, got '%s'", jstr(o, "kind"));
		json_decref(o);
		return;
	}
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, add_event, &c, ENT_EVENT))
		http_send_json(rs, 201,
			       event_to_json(&c.after.events[c.index]));
	change_release(&c);
}

static const struct field_spec done_fields[] = {
	{ "done", FT_DATE, 0 },
	{ NULL, 0, 0 },
};

static int
mark_done(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	struct event *e = deal_find_event(d, c->key);

	if (!e)
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown event '%s' in deal '%s'", c->key,
				    d->slug);
	e->done = jdate(c->body, "done");
	if (!e->done)
		e->done = c->today;
	c->index = (size_t)(e - d->events);
	keep_copy(c, d);
	return 0;
}

static void
event_done(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, done_fields, true);
	struct change c;

	if (!o)
		return;
	change_init(&c, o, rq->today);
	c.key = http_param(rq, "key");
	if (change_deal(rq, rs, mark_done, &c, ENT_EVENT))
		http_send_json(rs, 200,
			       event_to_json(&c.after.events[c.index]));
	change_release(&c);
}

/* ---- risks and phases ---------------------------------------------- */

static const struct field_spec risk_fields[] = {
	{ "key", FT_STRING, FF_REQUIRED },
	{ "title", FT_STRING, FF_REQUIRED },
	{ "kind", FT_STRING, 0 },
	{ "deadline", FT_DATE, FF_REQUIRED },
	{ "buffer", FT_DURATION, 0 },
	{ "duration", FT_DURATION, FF_REQUIRED },
	{ "go_live_by", FT_DATE, FF_READONLY },
	{ "latest_start", FT_DATE, FF_READONLY },
	{ "slack_days", FT_INT, FF_READONLY },
	{ "at_risk", FT_STRING, FF_READONLY },
	{ NULL, 0, 0 },
};

static int
add_risk(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	json_t *o = c->body;
	const char *key = jstr(o, "key");
	struct risk *r;

	if (deal_find_risk(d, key))
		return tw_error_set(err, TW_EEXIST,
				    "risk '%s' already exists in deal '%s'",
				    key, d->slug);
	r = deal_add_risk(d);
	r->key = xstrdup(key);
	r->title = xstrdup(jstr(o, "title"));
	r->kind = RISK_OTHER;
	if (jstr(o, "kind"))
		risk_kind_parse(jstr(o, "kind"), &r->kind);
	r->deadline = jdate(o, "deadline");
	r->buffer = jduration(o, "buffer");
	r->duration = jduration(o, "duration");
	c->index = d->nrisks - 1;
	keep_copy(c, d);
	return 0;
}

static void
risk_create(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, risk_fields, false);
	enum risk_kind kind;
	struct change c;

	if (!o)
		return;
	if (jstr(o, "kind") && risk_kind_parse(jstr(o, "kind"), &kind) < 0) {
		http_error(rs, 422, "kind", "kind must be scaling, compliance, "
			   "security, cost or other, got '%s'",
			   jstr(o, "kind"));
		json_decref(o);
		return;
	}
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, add_risk, &c, ENT_RISK)) {
		const struct risk *r = &c.after.risks[c.index];
		struct holidays h = deal_holidays(&c.after);

		http_send_json(rs, 201, risk_to_json(r, rq->today, &h));
	}
	change_release(&c);
}

static const struct field_spec phase_fields[] = {
	{ "number", FT_INT, FF_REQUIRED },
	{ "name", FT_STRING, FF_REQUIRED },
	{ "scope", FT_STRING, 0 },
	{ "price", FT_NUMBER, 0 },
	{ "justification", FT_STRING, 0 },
	{ "criteria", FT_KEYS, 0 },
	{ "duration", FT_DURATION, 0 },
	{ NULL, 0, 0 },
};

static int
add_phase(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	json_t *o = c->body, *keys = json_object_get(o, "criteria"), *k;
	int number = (int)json_integer_value(json_object_get(o, "number"));
	struct phase *p;
	size_t i;

	if (deal_find_phase(d, number))
		return tw_error_set(err, TW_EEXIST,
				    "phase %d already exists in deal '%s'",
				    number, d->slug);
	p = deal_add_phase(d);
	p->number = number;
	p->name = xstrdup(jstr(o, "name"));
	p->scope = xstrdup_or_null(jstr(o, "scope"));
	p->justification = xstrdup_or_null(jstr(o, "justification"));
	p->has_price = json_is_number(json_object_get(o, "price"));
	p->price = jnum(o, "price");
	p->has_duration = jstr(o, "duration") != NULL;
	p->duration = jduration(o, "duration");
	if (json_is_array(keys) && json_array_size(keys)) {
		p->criteria = xcalloc(json_array_size(keys),
				      sizeof(*p->criteria));
		json_array_foreach(keys, i, k)
			p->criteria[p->ncriteria++] =
				xstrdup(json_string_value(k));
	}
	c->index = d->nphases - 1;
	keep_copy(c, d);
	return 0;
}

static void
phase_create(struct http_request *rq, struct http_response *rs)
{
	json_t *o = read_body(rq, rs, phase_fields, false);
	struct change c;

	if (!o)
		return;
	change_init(&c, o, rq->today);
	if (change_deal(rq, rs, add_phase, &c, ENT_PHASE))
		http_send_json(rs, 201,
			       phase_to_json(&c.after.phases[c.index]));
	change_release(&c);
}

/* ---- pipeline-wide reports ------------------------------------------ */

static bool
load_workspace(struct http_request *rq, struct http_response *rs,
	       struct workspace *ws)
{
	struct tw_error err = { 0 };
	int r = workspace_load(rq->st, ws, &err);

	if (r < 0)
		http_fail(rs, r, &err, NULL);
	return r == 0;
}

static void
check_run(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "deal", NULL };
	struct tw_error err = { 0 };
	struct pipeline_check pc;
	struct deal_array deals;
	struct workspace ws;
	struct holidays wsh;
	const char **names;
	size_t n = 0;
	int r;

	if (!check_query(rq, rs, allowed) || !load_workspace(rq, rs, &ws))
		return;
	names = xcalloc(rq->query.n ? rq->query.n : 1, sizeof(*names));
	for (size_t i = 0; i < rq->query.n; i++)
		names[n++] = rq->query.items[i].value;
	r = store_load_deals(rq->st, names, n, &deals, &err);
	free(names);
	if (r < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? "deal" : NULL);
		workspace_release(&ws);
		return;
	}
	wsh.days = ws.holidays;
	wsh.n = ws.nholidays;
	pipeline_check_run(deals.items, deals.n, &wsh, rq->today, &ws.momentum,
			   &pc);
	http_send_json(rs, 200, pipeline_check_to_json(&pc));
	pipeline_check_release(&pc);
	deal_array_release(&deals);
	workspace_release(&ws);
}

static void
stats_run(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "se", "deal", NULL };
	struct cycle_filter f = { http_params_get(&rq->query, "se"),
				  http_params_get(&rq->query, "deal") };
	struct tw_error err = { 0 };
	struct cycle_report rep;
	struct deal_array deals;
	struct workspace ws;
	struct holidays wsh;
	int r;

	if (!check_query(rq, rs, allowed))
		return;
	if (f.se && f.slug) {
		http_error(rs, 400, "deal", "give se or deal, not both");
		return;
	}
	if (!load_workspace(rq, rs, &ws))
		return;
	if ((r = store_load_closed_deals(rq->st, &f, &deals, &err)) < 0) {
		http_fail(rs, r, &err, f.se ? "se" : "deal");
		workspace_release(&ws);
		return;
	}
	wsh.days = ws.holidays;
	wsh.n = ws.nholidays;
	cycle_report_compute(deals.items, deals.n, &ws.momentum, &wsh, &f,
			     &rep);
	http_send_json(rs, 200, cycle_report_to_json(&rep));
	cycle_report_release(&rep);
	deal_array_release(&deals);
	workspace_release(&ws);
}

/* ---- one deal's plan, summary and calendar --------------------------- */

/* The deal the route names and the workspace; false when answered. */
static bool
load_deal(struct http_request *rq, struct http_response *rs, struct deal *d,
	  struct workspace *ws)
{
	struct tw_error err = { 0 };
	int r;

	deal_init(d);
	if (!load_workspace(rq, rs, ws))
		return false;
	r = store_deal_get(rq->st, http_param(rq, "slug"), d, &err);
	if (r < 0) {
		http_fail(rs, r, &err, NULL);
		deal_release(d);
		workspace_release(ws);
		return false;
	}
	return true;
}

static void
send_plan(struct http_response *rs, const struct deal *d,
	  const struct workspace *ws, const size_t *added)
{
	struct commercial_plan plan;
	tw_date *buf;
	struct holidays h = workspace_holidays(ws, d, &buf);
	json_t *j;

	commercial_plan_compute(d, &h, &plan);
	j = commercial_plan_to_json(&plan);
	if (added)
		json_object_set_new(j, "added", json_integer(
						   (json_int_t)*added));
	http_send_json(rs, 200, j);
	commercial_plan_release(&plan);
	free(buf);
}

static void
plan_get(struct http_request *rq, struct http_response *rs)
{
	struct workspace ws;
	struct deal d;

	if (!check_query(rq, rs, no_query) || !load_deal(rq, rs, &d, &ws))
		return;
	send_plan(rs, &d, &ws, NULL);
	deal_release(&d);
	workspace_release(&ws);
}

static int
apply_plan(struct deal *d, void *arg, struct tw_error *err)
{
	struct change *c = arg;
	tw_date *buf;
	struct holidays h = workspace_holidays(c->ws, d, &buf);
	int r = commercial_plan_apply(d, &h, &c->added, err);

	free(buf);
	if (r == 0)
		keep_copy(c, d);
	return r;
}

static void
plan_apply(struct http_request *rq, struct http_response *rs)
{
	static const struct field_spec none[] = { { NULL, 0, 0 } };
	json_t *o = read_body(rq, rs, none, true);
	struct workspace ws;
	struct change c;

	if (!o)
		return;
	if (!load_workspace(rq, rs, &ws)) {
		json_decref(o);
		return;
	}
	change_init(&c, o, rq->today);
	c.ws = &ws;
	if (change_deal(rq, rs, apply_plan, &c, ENT_EVENT))
		send_plan(rs, &c.after, &ws, &c.added);
	change_release(&c);
	workspace_release(&ws);
}

/*
 * cairo and pango keep font caches shared between threads; one PDF at a
 * time keeps them out of each other's way and is plenty for a team.
 */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;

static void
summary_get(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "paper", NULL };
	const char *format = http_param(rq, "format");
	const char *paper_s = http_params_get(&rq->query, "paper");
	enum paper paper = PAPER_A4;
	struct strbuf sb = STRBUF_INIT, disp = STRBUF_INIT;
	struct tw_error err = { 0 };
	const char *type;
	struct workspace ws;
	struct summary s;
	struct holidays h;
	tw_date *buf;
	struct deal d;
	int r = 0;

	if (strcmp(format, "md") && strcmp(format, "html") &&
	    strcmp(format, "pdf")) {
		http_error(rs, 404, NULL, "no summary format '%s' (md, html "
			   "or pdf)", format);
		return;
	}
	if (!check_query(rq, rs, allowed))
		return;
	if (paper_s && paper_parse(paper_s, &paper) < 0) {
		http_error(rs, 400, "paper", "paper must be a4 or letter, got "
			   "'%s'", paper_s);
		return;
	}
	if (!load_deal(rq, rs, &d, &ws))
		return;
	h = workspace_holidays(&ws, &d, &buf);
	summary_compute(&s, &d, &h, rq->today);
	if (!strcmp(format, "pdf")) {
		pthread_mutex_lock(&pdf_lock);
		r = render_summary_pdf(&s, paper, &sb, NULL, &err);
		pthread_mutex_unlock(&pdf_lock);
		type = "application/pdf";
	} else if (!strcmp(format, "html")) {
		render_summary_html(&s, paper, &sb);
		type = "text/html; charset=utf-8";
		/* The document's own inline stylesheet, and nothing else. */
		rs->csp = "default-src 'none'; style-src 'unsafe-inline'; "
			  "frame-ancestors 'none'";
	} else {
		render_summary_md(&s, &sb);
		type = "text/markdown; charset=utf-8";
	}
	if (r < 0) {
		http_fail(rs, r == TW_EINPUT ? TW_ESTORE : r, &err, NULL);
	} else {
		http_send_strbuf(rs, 200, type, &sb);
		strbuf_addf(&disp, "inline; filename=\"%s-summary.%s\"", d.slug,
			    format);
		http_response_header(rs, "Content-Disposition", disp.buf);
	}
	strbuf_release(&disp);
	strbuf_release(&sb);
	summary_release(&s);
	free(buf);
	deal_release(&d);
	workspace_release(&ws);
}

static void
send_calendar(struct http_response *rs, const struct deal *deals, size_t n,
	      const struct workspace *ws, const char *calname,
	      const char *filename)
{
	struct ics_deal *entries = xcalloc(n ? n : 1, sizeof(*entries));
	struct holidays *hol = xcalloc(n ? n : 1, sizeof(*hol));
	tw_date **bufs = xcalloc(n ? n : 1, sizeof(*bufs));
	struct strbuf sb = STRBUF_INIT, disp = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		hol[i] = workspace_holidays(ws, &deals[i], &bufs[i]);
		entries[i].deal = &deals[i];
		entries[i].holidays = &hol[i];
	}
	ics_render(entries, n, calname, time(NULL), &sb);
	http_send_strbuf(rs, 200, "text/calendar; charset=utf-8", &sb);
	strbuf_addf(&disp, "inline; filename=\"%s\"", filename);
	http_response_header(rs, "Content-Disposition", disp.buf);
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(hol);
	free(entries);
	strbuf_release(&sb);
	strbuf_release(&disp);
}

static const char *const token_query[] = { "token", NULL };

static void
calendar_deal(struct http_request *rq, struct http_response *rs)
{
	struct strbuf name = STRBUF_INIT, file = STRBUF_INIT;
	struct workspace ws;
	struct deal d;

	if (!check_query(rq, rs, token_query) || !load_deal(rq, rs, &d, &ws))
		return;
	strbuf_addf(&name, "techwin: %s", d.account ? d.account : d.slug);
	strbuf_addf(&file, "%s.ics", d.slug);
	send_calendar(rs, &d, 1, &ws, name.buf, file.buf);
	strbuf_release(&name);
	strbuf_release(&file);
	deal_release(&d);
	workspace_release(&ws);
}

static void
calendar_pipeline(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct deal_array deals;
	struct workspace ws;
	int r;

	if (!check_query(rq, rs, token_query) || !load_workspace(rq, rs, &ws))
		return;
	if ((r = store_load_deals(rq->st, NULL, 0, &deals, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
	} else {
		send_calendar(rs, deals.items, deals.n, &ws,
			      "techwin: pipeline", "techwin.ics");
		deal_array_release(&deals);
	}
	workspace_release(&ws);
}

/* ---- the session --------------------------------------------------- */

static json_t *
session_json(const struct principal *who)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_str(who->name));
	json_object_set_new(o, "role", json_string(role_name(who->role)));
	json_object_set_new(o, "csrf_token", json_str(who->csrf));
	return o;
}

static void
session_get(struct http_request *rq, struct http_response *rs)
{
	if (check_query(rq, rs, no_query))
		http_send_json(rs, 200, session_json(&rq->who));
}

const struct route api_routes[] = {
	{ "GET", "/api/session", session_get, ROLE_VIEWER, 0 },
	{ "GET", "/api/deals", deals_list, ROLE_VIEWER, 0 },
	{ "POST", "/api/deals", deal_create, ROLE_EDITOR, 0 },
	{ "GET", "/api/deals/{slug}", deal_get, ROLE_VIEWER, 0 },
	{ "PATCH", "/api/deals/{slug}", deal_update, ROLE_EDITOR, 0 },
	{ "DELETE", "/api/deals/{slug}", deal_remove, ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/close", deal_close, ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/criteria", criterion_create, ROLE_EDITOR,
	  0 },
	{ "POST", "/api/deals/{slug}/criteria/{key}/measurements",
	  measurement_create, ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/events", event_create, ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/events/{key}/done", event_done,
	  ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/risks", risk_create, ROLE_EDITOR, 0 },
	{ "POST", "/api/deals/{slug}/phases", phase_create, ROLE_EDITOR, 0 },
	{ "GET", "/api/deals/{slug}/plan", plan_get, ROLE_VIEWER, 0 },
	{ "POST", "/api/deals/{slug}/plan/apply", plan_apply, ROLE_EDITOR,
	  0 },
	{ "GET", "/api/deals/{slug}/summary.{format}", summary_get,
	  ROLE_VIEWER, 0 },
	{ "GET", "/api/deals/{slug}/calendar.ics", calendar_deal,
	  ROLE_VIEWER, ROUTE_QUERY_TOKEN },
	{ "GET", "/api/calendar.ics", calendar_pipeline, ROLE_VIEWER,
	  ROUTE_QUERY_TOKEN },
	{ "GET", "/api/check", check_run, ROLE_VIEWER, 0 },
	{ "GET", "/api/stats", stats_run, ROLE_VIEWER, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};

/* ---- login and logout ---------------------------------------------- */

/* A local path to go to after login: never another site ("//x", "/\x"). */
static bool
safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return false;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
			return false;
	return true;
}

static void
session_cookie(struct http_request *rq, struct http_response *rs,
	       const char *value, long long max_age)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s=%s; HttpOnly; SameSite=Strict; Path=/; "
		    "Max-Age=%lld", HTTP_SESSION_COOKIE, value, max_age);
	/* Only over TLS, which a trusted proxy in front says it did. */
	if (rq->tls)
		strbuf_addstr(&sb, "; Secure");
	http_response_header(rs, "Set-Cookie", sb.buf);
	strbuf_release(&sb);
}

static const struct field_spec login_fields[] = {
	{ "name", FT_STRING, FF_REQUIRED },
	{ "password", FT_STRING, FF_REQUIRED },
	{ NULL, 0, 0 },
};

static void
login(struct http_request *rq, struct http_response *rs)
{
	bool form = http_content_type_is(rq,
					 "application/x-www-form-urlencoded");
	const char *name, *password, *next = NULL;
	struct tw_error err = { 0 };
	struct principal who = { 0 };
	char *cookie = NULL;
	json_t *o = NULL;
	int r;

	if (rate_limiter_blocked(rq->limiter, rq->addr, rq->now)) {
		char secs[32];

		snprintf(secs, sizeof(secs), "%d", rq->cfg->login_window);
		if (form)
			pages_login_form(rs, 429, NULL, "Too many failed logins from "
				   "this address. Try again later.");
		else
			http_error(rs, 429, NULL, "too many failed logins from "
				   "this address: try again later");
		http_response_header(rs, "Retry-After", secs);
		return;
	}
	if (form) {
		if (!http_parse_form(rq, rs))
			return;
		name = http_params_get(&rq->form, "name");
		password = http_params_get(&rq->form, "password");
		next = http_params_get(&rq->form, "next");
		if (!name || !password) {
			pages_login_form(rs, 400, next, "Enter a name and a "
				   "password.");
			return;
		}
	} else {
		if (!(o = http_json_object(rq, rs, false)))
			return;
		if (!check_fields(rs, o, login_fields)) {
			json_decref(o);
			return;
		}
		name = jstr(o, "name");
		password = jstr(o, "password");
	}
	r = auth_login(rq->st, name, password, rq->now, rq->cfg->session_ttl,
		       &cookie, &who, &err);
	if (r == TW_ENOTFOUND || r == TW_EINPUT) {
		rate_limiter_fail(rq->limiter, rq->addr, rq->now);
		if (form)
			pages_login_form(rs, 401, next, "Wrong name or password.");
		else
			http_error(rs, 401, NULL, "wrong name or password");
	} else if (r < 0) {
		http_fail(rs, r, &err, NULL);
	} else {
		rate_limiter_reset(rq->limiter, rq->addr);
		if (form)
			http_redirect(rs, 303, safe_next(next) ? next : "/");
		else
			http_send_json(rs, 200, session_json(&who));
		session_cookie(rq, rs, cookie, rq->cfg->session_ttl);
		principal_release(&who);
		free(cookie);
	}
	json_decref(o);
}

static void
logout(struct http_request *rq, struct http_response *rs)
{
	const char *cookie = http_cookie(rq, HTTP_SESSION_COOKIE);
	struct tw_error err = { 0 };
	int r;

	if (!rq->via_session || !cookie) {
		http_error(rs, 400, NULL, "not logged in with a session "
			   "cookie: a bearer token is revoked with 'techwin "
			   "token rm'");
		return;
	}
	if ((r = auth_logout(rq->st, cookie, &err)) < 0 && r != TW_ENOTFOUND) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	if (http_content_type_is(rq, "application/x-www-form-urlencoded"))
		http_redirect(rs, 303, "/login");
	else
		http_send_empty(rs, 204);
	session_cookie(rq, rs, "", 0);
}

const struct route login_routes[] = {
	{ "POST", "/login", login, ROLE_VIEWER, ROUTE_PUBLIC },
	{ "POST", "/logout", logout, ROLE_VIEWER, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
