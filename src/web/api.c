/*
 * The JSON API (api.h): each route reads its request into a verb's
 * arguments (core/actions.h) with the one schema-driven reader of
 * api-body.c, runs the verb through the store in one transaction, and
 * answers with the serializers of formats/json.c. No change to a deal is
 * written here: what a verb refuses, it refuses with the same code and
 * message as on the command line and in the pages.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "web/api-list.h"
#include "core/actions.h"
#include "core/commercial.h"
#include "core/message.h"
#include "core/pipeline.h"
#include "core/stats.h"
#include "core/validate.h"
#include "formats/json.h"
#include "render/escape.h"
#include "render/ics.h"
#include "render/pdf.h"
#include "render/proposal.h"
#include "render/summary.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "web/server.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const no_query[] = { NULL };

/* ---- errors from validation ----------------------------------------- */

/*
 * The request field a validation error names: its JSON name
 * (schema_site_field), prefixed with the list and index when the error
 * is about another entity than the one the request changes.
 */
static void
site_field(const struct validation_site *site, enum entity_kind ent,
	   struct strbuf *out)
{
	const char *f = schema_site_field(site);

	if (site->entity == ent || site->entity == ENT_DEAL)
		strbuf_addstr(out, f);
	else
		strbuf_addf(out, "%s[%zu].%s",
			    schema_table_of(site->entity)->sql, site->index,
			    f);
}

/* ---- running a verb --------------------------------------------------- */

/*
 * One verb call of a request, the deal it leaves and what it did; field
 * is what a refusal of the verb itself (not of the validator) names.
 */
struct call {
	struct verb_call c;
	struct deal_ctx ctx;
	struct verb_result res;
	const char *field;
};

static void
call_init(struct call *k, struct http_request *rq, enum verb v,
	  const struct schema_table *tb)
{
	verb_call_init(&k->c, v, tb);
	deal_ctx_init(&k->ctx, rq->today, rq->who.name);
	memset(&k->res, 0, sizeof(k->res));
	k->field = NULL;
}

static void
call_release(struct call *k)
{
	verb_call_release(&k->c);
	deal_ctx_release(&k->ctx);
}

/*
 * Run the call on the deal the route names (a new deal: c.key) in one
 * transaction; false with the error answered, a validation error naming
 * its field as the request of an ent names it.
 */
static bool
run(struct http_request *rq, struct http_response *rs, struct call *k,
    enum entity_kind ent)
{
	struct validation_site site = { ENT_DEAL, 0, NULL };
	struct strbuf field = STRBUF_INIT;
	struct tw_error err = { 0 };
	int r = store_run_verb(rq->st, http_param(rq, "slug"), &k->c, &k->ctx,
			       &k->res, &site, &err);

	if (r == 0)
		return true;
	if (r == TW_EINPUT && site.field)
		site_field(&site, ent, &field);
	else if (r == TW_EINPUT && k->field)
		strbuf_addstr(&field, k->field);
	http_fail(rs, r, &err, field.len ? field.buf : NULL);
	strbuf_release(&field);
	return false;
}

/*
 * The arguments of the verbs that are no entity's fields, read like
 * fields: one struct, and a table per route naming what it takes.
 */
struct verb_args {
	int outcome;
	tw_date on;
	double value;
	tw_date until;
	char *reason;
	int type;
	char *channel;
	char **criteria;
	size_t ncriteria;
	char *rule;
	char *subject;
	bool dry_run;
	char *slug;
};

static const char *
won_lost_name(int v)
{
	return outcome_name((enum outcome)v);
}

/* A close is won or lost: "open" is deal reopen's. */
static int
won_lost_parse(const char *s, int *out)
{
	enum outcome o;

	if (outcome_parse(s, &o) < 0 || o == OUTCOME_OPEN)
		return -1;
	*out = (int)o;
	return 0;
}

static const struct enum_desc won_lost = { won_lost_name, won_lost_parse,
					   "won or lost" };

static const char *
type_name(int v)
{
	return message_type_name((enum message_type)v);
}

/* A message type is a value of the body, refused like one (422). */
static int
type_parse(const char *s, int *out)
{
	enum message_type t;

	if (message_type_parse(s, &t, NULL) < 0)
		return -1;
	*out = (int)t;
	return 0;
}

static const struct enum_desc message_type = {
	type_name, type_parse,
	"buying-signal, compress, urgency, pricing or next-event" };

#define ARG(m, t, json, fl) \
	{ #m, t, offsetof(struct verb_args, m), 0, NULL, json, fl }
#define ARGS(name, ...)                                                      \
	static const struct field name##_fields[] = { __VA_ARGS__ };         \
	static const struct schema_table name##_args = {                     \
		.entity = #name, .fields = name##_fields,                    \
		.nfields = ARRAY_SIZE(name##_fields),                        \
		.size = sizeof(struct verb_args) };

ARGS(close, { "outcome", F_ENUM, offsetof(struct verb_args, outcome), 0,
	      &won_lost, NULL, FL_REQ },
     ARG(on, F_DATE, "close_date", 0))
ARGS(record, ARG(value, F_REAL, "measured", FL_REQ),
     ARG(on, F_DATE, "measured_on", 0))
ARGS(done, ARG(on, F_DATE, "done", 0))
ARGS(snooze, ARG(until, F_DATE, NULL, FL_REQ),
     ARG(reason, F_STR, NULL, FL_LINE | FL_REQ))
ARGS(ack, ARG(rule, F_STR, NULL, FL_LINE | FL_REQ),
     ARG(subject, F_STR, NULL, FL_LINE),
     ARG(reason, F_STR, NULL, FL_LINE | FL_REQ), ARG(until, F_DATE, NULL, 0))
ARGS(touch, { "type", F_ENUM, offsetof(struct verb_args, type), 0,
	      &message_type, NULL, FL_REQ },
     ARG(on, F_DATE, NULL, 0), ARG(channel, F_STR, NULL, FL_LINE),
     { "criteria", F_LIST, offsetof(struct verb_args, criteria),
       offsetof(struct verb_args, ncriteria), NULL, NULL, FL_LINE })

ARGS(apply, ARG(dry_run, F_BOOL, NULL, 0))
ARGS(rename, ARG(slug, F_STR, NULL, FL_LINE | FL_REQ))

/* Reopen and unsnooze take nothing. */
static const struct schema_table none_args = { .entity = "none" };

/*
 * Read the body against args into the call and run it; false when
 * answered. allow_empty: no body is no arguments.
 */
static bool
run_args(struct http_request *rq, struct http_response *rs, struct call *k,
	 const struct schema_table *args, bool allow_empty,
	 enum entity_kind ent)
{
	struct verb_args a;
	uint32_t given = 0;
	json_t *o;
	bool ok;

	memset(&a, 0, sizeof(a));
	o = api_read_body(rq, rs, args, &a, &given, BODY_CREATE, allow_empty);
	if ((ok = o != NULL)) {
		k->c.outcome = (enum outcome)a.outcome;
		k->c.on = a.on;
		k->c.value = a.value;
		k->c.until = a.until;
		k->c.reason = a.reason;
		k->c.rule = a.rule;
		k->c.subject = a.subject;
		k->c.touch_type = args == &touch_args ? type_name(a.type)
						      : NULL;
		k->c.channel = a.channel;
		k->c.criteria = (const char *const *)a.criteria;
		k->c.ncriteria = a.ncriteria;
		k->c.dry_run = a.dry_run;
		if (args == &rename_args)
			k->c.key = a.slug;
		ok = run(rq, rs, k, ent);
	}
	schema_release(args, &a);
	json_decref(o);
	return ok;
}

/* ---- answers ---------------------------------------------------------- */

/* A deal as GET /api/deals/{slug} shows it, from a loaded context. */
static json_t *
deal_json(struct http_request *rq, const struct deal_ctx *ctx)
{
	return deal_full_to_json(&ctx->deal, rq->today, &ctx->hol);
}

/* The child of kind e at index i of the call's deal. */
static json_t *
child_json(const struct call *k, enum entity_kind e)
{
	return child_to_json((size_t)(schema_table_of(e) - schema_tables),
			     &k->ctx.deal, k->res.index, k->ctx.today,
			     &k->ctx.hol);
}

/* The deal the route names with its holidays; false when answered. */
static bool
load_ctx(struct http_request *rq, struct http_response *rs,
	 struct deal_ctx *ctx)
{
	struct tw_error err = { 0 };
	int r;

	deal_ctx_init(ctx, rq->today, rq->who.name);
	r = store_load_ctx(rq->st, http_param(rq, "slug"), ctx, &err);
	if (r < 0)
		http_fail(rs, r, &err, NULL);
	return r == 0;
}

/* ---- deals ------------------------------------------------------- */

/* Where a created deal lives. */
static void
location(struct http_response *rs, const char *slug)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "/api/deals/%s", slug);
	http_response_header(rs, "Location", sb.buf);
	strbuf_release(&sb);
}

/*
 * POST /api/deals: the slug names the new deal (the verb's key), the other
 * fields are the deal's.
 */
static void
deal_create(struct http_request *rq, struct http_response *rs)
{
	struct call k;
	char *slug = NULL;
	json_t *o, *s;

	if (!api_check_query(rq, rs, no_query) ||
	    !(o = http_json_object(rq, rs, false)))
		return;
	call_init(&k, rq, V_DEAL_CREATE, &schema_deal);
	if (!(s = json_object_get(o, "slug")))
		http_error(rs, 422, "slug", "missing field 'slug'");
	else if (!json_is_string(s))
		http_error(rs, 422, "slug", "field 'slug' must be a string");
	else
		k.c.key = slug = xstrdup(json_string_value(s));
	if (slug) {
		json_object_del(o, "slug");
		if (api_read_fields(rs, o, k.c.tb, k.c.vals, &k.c.given,
				    BODY_CREATE) &&
		    run(rq, rs, &k, ENT_DEAL)) {
			http_send_json(rs, 201, deal_json(rq, &k.ctx));
			location(rs, k.ctx.deal.slug);
		}
	}
	free(slug);
	json_decref(o);
	call_release(&k);
}

static void
deal_get(struct http_request *rq, struct http_response *rs)
{
	struct deal_ctx ctx;

	if (!api_check_query(rq, rs, no_query))
		return;
	if (load_ctx(rq, rs, &ctx))
		http_send_json(rs, 200, deal_json(rq, &ctx));
	deal_ctx_release(&ctx);
}

static void
deal_update(struct http_request *rq, struct http_response *rs)
{
	struct call k;
	json_t *o;

	call_init(&k, rq, V_DEAL_SET, &schema_deal);
	o = api_read_body(rq, rs, k.c.tb, k.c.vals, &k.c.given, BODY_SET,
			  false);
	if (o && run(rq, rs, &k, ENT_DEAL))
		http_send_json(rs, 200, deal_json(rq, &k.ctx));
	json_decref(o);
	call_release(&k);
}

/*
 * A verb on the deal that takes args (none_args: nothing) and answers the
 * deal.
 */
static void
deal_verb(struct http_request *rq, struct http_response *rs, enum verb v,
	  const struct schema_table *args)
{
	struct call k;

	call_init(&k, rq, v, NULL);
	/* The reader refused "open": what the verb refuses is the date. */
	if (v == V_DEAL_CLOSE)
		k.field = "close_date";
	if (v == V_DEAL_RENAME)
		k.field = "slug";
	if (run_args(rq, rs, &k, args, args == &none_args, ENT_DEAL))
		http_send_json(rs, 200, deal_json(rq, &k.ctx));
	call_release(&k);
}

static void
deal_close(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_DEAL_CLOSE, &close_args);
}

static void
deal_reopen(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_DEAL_REOPEN, &none_args);
}

/* POST .../rename {"slug": NEW}: the deal under its new slug. */
static void
deal_rename(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_DEAL_RENAME, &rename_args);
}

static void
deal_snooze(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_SNOOZE, &snooze_args);
}

static void
deal_unsnooze(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_UNSNOOZE, &none_args);
}

static void
deal_ack(struct http_request *rq, struct http_response *rs)
{
	deal_verb(rq, rs, V_ACK, &ack_args);
}

/* DELETE .../acks/{key}[?subject=S]: the key is the finding's rule. */
static void
deal_unack(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "subject", NULL };
	struct call k;

	if (!api_check_query(rq, rs, allowed))
		return;
	call_init(&k, rq, V_UNACK, NULL);
	k.c.rule = http_param(rq, "key");
	k.c.subject = http_params_get(&rq->query, "subject");
	if (run(rq, rs, &k, ENT_DEAL))
		http_send_json(rs, 200, deal_json(rq, &k.ctx));
	call_release(&k);
}

static void
deal_remove(struct http_request *rq, struct http_response *rs)
{
	struct call k;

	if (!api_check_query(rq, rs, no_query))
		return;
	call_init(&k, rq, V_DEAL_REMOVE, NULL);
	if (run(rq, rs, &k, ENT_DEAL))
		http_send_empty(rs, 204);
	call_release(&k);
}

/*
 * POST /api/deals/{slug}/touches: log a message sent; 201 when a touch
 * was added, 200 when each was logged already.
 */
static void
touch_create(struct http_request *rq, struct http_response *rs)
{
	struct call k;
	json_t *o, *a;

	call_init(&k, rq, V_TOUCH, NULL);
	if (run_args(rq, rs, &k, &touch_args, false, ENT_TOUCH)) {
		o = json_object();
		a = json_array();
		for (size_t i = 0; i < k.ctx.deal.ntouches; i++)
			json_array_append_new(a, child_to_json(T_TOUCH,
					&k.ctx.deal, i, k.ctx.today,
					&k.ctx.hol));
		json_object_set_new(o, "added",
				    json_integer((json_int_t)k.res.added));
		json_object_set_new(o, "present",
				    json_integer((json_int_t)k.res.present));
		json_object_set_new(o, "touches", a);
		http_send_json(rs, k.res.added ? 201 : 200, o);
	}
	call_release(&k);
}

/* ---- criteria, events, risks, phases ---------------------------------- */

static void
child_add(struct http_request *rq, struct http_response *rs, int t)
{
	const struct schema_table *tb = &schema_tables[t];
	struct call k;
	json_t *o;

	call_init(&k, rq, V_ADD, tb);
	o = api_read_body(rq, rs, tb, k.c.vals, &k.c.given, BODY_CREATE,
			  false);
	if (o && run(rq, rs, &k, tb->kind))
		http_send_json(rs, 201, child_json(&k, tb->kind));
	json_decref(o);
	call_release(&k);
}

static void
child_set(struct http_request *rq, struct http_response *rs, int t)
{
	const struct schema_table *tb = &schema_tables[t];
	struct call k;
	json_t *o;

	call_init(&k, rq, V_SET, tb);
	k.c.key = http_param(rq, "key");
	o = api_read_body(rq, rs, tb, k.c.vals, &k.c.given, BODY_SET, false);
	if (o && run(rq, rs, &k, tb->kind))
		http_send_json(rs, 200, child_json(&k, tb->kind));
	json_decref(o);
	call_release(&k);
}

/*
 * DELETE: refused while another part of the deal refers to the child,
 * unless ?force=true, which drops those references too.
 */
static void
child_remove(struct http_request *rq, struct http_response *rs, int t)
{
	static const char *const allowed[] = { "force", NULL };
	const char *force = http_params_get(&rq->query, "force");
	struct call k;

	if (!api_check_query(rq, rs, allowed))
		return;
	if (force && strcmp(force, "true") && strcmp(force, "false")) {
		http_error(rs, 400, "force", "force must be true or false, "
			   "got '%s'", force);
		return;
	}
	call_init(&k, rq, V_REMOVE, &schema_tables[t]);
	k.c.key = http_param(rq, "key");
	k.c.force = force && !strcmp(force, "true");
	if (run(rq, rs, &k, schema_tables[t].kind))
		http_send_empty(rs, 204);
	call_release(&k);
}

/* The three routes of each kind of child, over the table they change. */
#define CHILD_ROUTES(name, t)                                                \
	static void name##_create(struct http_request *rq,                   \
				  struct http_response *rs)                  \
	{                                                                    \
		child_add(rq, rs, t);                                        \
	}                                                                    \
	static void name##_update(struct http_request *rq,                   \
				  struct http_response *rs)                  \
	{                                                                    \
		child_set(rq, rs, t);                                        \
	}                                                                    \
	static void name##_remove(struct http_request *rq,                   \
				  struct http_response *rs)                  \
	{                                                                    \
		child_remove(rq, rs, t);                                     \
	}

CHILD_ROUTES(criterion, T_CRITERION)
CHILD_ROUTES(event, T_EVENT)
CHILD_ROUTES(risk, T_RISK)
CHILD_ROUTES(phase, T_PHASE)

static void
measurement_create(struct http_request *rq, struct http_response *rs)
{
	struct call k;

	call_init(&k, rq, V_RECORD, NULL);
	k.c.key = http_param(rq, "key");
	if (run_args(rq, rs, &k, &record_args, false, ENT_CRITERION))
		http_send_json(rs, 200, child_json(&k, ENT_CRITERION));
	call_release(&k);
}

static void
event_done(struct http_request *rq, struct http_response *rs)
{
	struct call k;

	call_init(&k, rq, V_DONE, NULL);
	k.c.key = http_param(rq, "key");
	k.field = "done";
	if (run_args(rq, rs, &k, &done_args, true, ENT_EVENT))
		http_send_json(rs, 200, child_json(&k, ENT_EVENT));
	call_release(&k);
}

/*
 * POST .../events/{key}/accept and /decline: the team's answer to the
 * date the champion proposed; the event as it is then.
 */
static void
event_answer(struct http_request *rq, struct http_response *rs, enum verb v)
{
	struct call k;

	call_init(&k, rq, v, NULL);
	k.c.key = http_param(rq, "key");
	if (run_args(rq, rs, &k, &none_args, true, ENT_EVENT))
		http_send_json(rs, 200, child_json(&k, ENT_EVENT));
	call_release(&k);
}

static void
event_accept(struct http_request *rq, struct http_response *rs)
{
	event_answer(rq, rs, V_ACCEPT);
}

static void
event_decline(struct http_request *rq, struct http_response *rs)
{
	event_answer(rq, rs, V_DECLINE);
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
stats_run(struct http_request *rq, struct http_response *rs)
{
	static const char *const allowed[] = { "se", "deal", NULL };
	struct cycle_filter f = { http_params_get(&rq->query, "se"),
				  http_params_get(&rq->query, "deal") };
	struct tw_error err = { 0 };
	struct store_cycle c;
	int r;

	if (!api_check_query(rq, rs, allowed))
		return;
	if (f.se && f.slug) {
		http_error(rs, 400, "deal", "give se or deal, not both");
		return;
	}
	if ((r = store_cycle_report(rq->st, &f, &c, &err)) < 0) {
		http_fail(rs, r, &err, f.se ? "se" : "deal");
		return;
	}
	http_send_json(rs, 200, cycle_report_to_json(&c.rep));
	store_cycle_release(&c);
}

/* ---- one deal's plan, summary and calendar --------------------------- */

/*
 * The plan; after an apply, what it added (or with dry_run would add):
 * the count and the events, the deal's last.
 */
static void
send_plan(struct http_response *rs, const struct deal_ctx *ctx,
	  const struct call *k)
{
	struct commercial_plan plan;
	json_t *j;

	commercial_plan_compute(&ctx->deal, &ctx->hol, &plan);
	j = commercial_plan_to_json(&plan);
	if (k) {
		json_t *ev = json_array();
		const struct deal *d = &ctx->deal;

		for (size_t i = d->nevents - k->res.added; i < d->nevents; i++)
			json_array_append_new(ev, event_to_json(&d->events[i]));
		json_object_set_new(j, "added", json_integer(
						   (json_int_t)k->res.added));
		json_object_set_new(j, "added_events", ev);
		json_object_set_new(j, "dry_run", json_boolean(k->c.dry_run));
	}
	http_send_json(rs, 200, j);
	commercial_plan_release(&plan);
}

static void
plan_get(struct http_request *rq, struct http_response *rs)
{
	struct deal_ctx ctx;

	if (!api_check_query(rq, rs, no_query))
		return;
	if (load_ctx(rq, rs, &ctx))
		send_plan(rs, &ctx, NULL);
	deal_ctx_release(&ctx);
}

static void
plan_apply(struct http_request *rq, struct http_response *rs)
{
	struct call k;

	call_init(&k, rq, V_PLAN_APPLY, NULL);
	if (run_args(rq, rs, &k, &apply_args, true, ENT_EVENT))
		send_plan(rs, &k.ctx, &k);
	call_release(&k);
}

/*
 * cairo and pango keep font caches shared between threads; one PDF at a
 * time keeps them out of each other's way and is plenty for a team.
 */
static pthread_mutex_t pdf_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * GET .../summary.{format} and .../proposal.{format}: the documents of
 * techwin summary and techwin proposal (?start=DATE as its --start).
 */
static void
document_get(struct http_request *rq, struct http_response *rs,
	     bool proposal)
{
	static const char *const summary_query[] = { "paper", NULL };
	static const char *const proposal_query[] = { "paper", "start", NULL };
	const char *format = http_param(rq, "format");
	const char *paper_s = http_params_get(&rq->query, "paper");
	const char *start_s = http_params_get(&rq->query, "start");
	enum paper paper = PAPER_A4;
	struct strbuf sb = STRBUF_INIT, disp = STRBUF_INIT;
	struct tw_error err = { 0 };
	tw_date start = DATE_NONE;
	struct deal_ctx ctx;
	struct brand brand;
	struct proposal p;
	const char *type;
	struct summary s;
	int r = 0;

	if (strcmp(format, "md") && strcmp(format, "html") &&
	    strcmp(format, "pdf")) {
		http_error(rs, 404, NULL, "no %s format '%s' (md, html or "
			   "pdf)", proposal ? "proposal" : "summary", format);
		return;
	}
	if (!api_check_query(rq, rs, proposal ? proposal_query
					      : summary_query))
		return;
	if (paper_s && paper_parse(paper_s, &paper) < 0) {
		http_error(rs, 400, "paper", "paper must be a4 or letter, got "
			   "'%s'", paper_s);
		return;
	}
	if (start_s && date_parse(start_s, &start, &err) < 0) {
		http_fail(rs, TW_EUSAGE, &err, "start");
		return;
	}
	if (!load_ctx(rq, rs, &ctx)) {
		deal_ctx_release(&ctx);
		return;
	}
	if ((r = workspace_brand_load(rq->st, &brand, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		deal_ctx_release(&ctx);
		return;
	}
	if (proposal) {
		memset(&s, 0, sizeof(s));
		/* The proposal goes to the prospect: nothing internal. */
		deal_drop_internal(&ctx.deal);
		r = proposal_compute(&p, &ctx.deal, &ctx.hol, start, rq->today,
				     &err);
		if (r < 0) {
			/* No phases: nothing to propose, as on the CLI. */
			http_fail(rs, r, &err, NULL);
			brand_release(&brand);
			deal_ctx_release(&ctx);
			return;
		}
		p.brand = &brand;
	} else {
		summary_compute(&s, &ctx.deal, &ctx.hol, rq->today);
		s.brand = &brand;
	}
	if (!strcmp(format, "pdf")) {
		pthread_mutex_lock(&pdf_lock);
		r = proposal ? render_proposal_pdf(&p, paper, &sb, NULL, &err)
			     : render_summary_pdf(&s, paper, &sb, NULL, &err);
		pthread_mutex_unlock(&pdf_lock);
		type = "application/pdf";
	} else if (!strcmp(format, "html")) {
		if (proposal)
			render_proposal_html(&p, paper, &sb);
		else
			render_summary_html(&s, paper, &sb);
		type = "text/html; charset=utf-8";
		/* The document's own stylesheet and logo, nothing else. */
		rs->csp = "default-src 'none'; style-src 'unsafe-inline'; "
			  "img-src data:; frame-ancestors 'none'";
	} else {
		if (proposal)
			render_proposal_md(&p, &sb);
		else
			render_summary_md(&s, &sb);
		type = "text/markdown; charset=utf-8";
	}
	if (r < 0) {
		http_fail(rs, r == TW_EINPUT ? TW_ESTORE : r, &err, NULL);
	} else {
		http_send_strbuf(rs, 200, type, &sb);
		strbuf_addf(&disp, "inline; filename=\"%s-%s.%s\"",
			    ctx.deal.slug, proposal ? "proposal" : "summary",
			    format);
		http_response_header(rs, "Content-Disposition", disp.buf);
	}
	strbuf_release(&disp);
	strbuf_release(&sb);
	if (proposal)
		proposal_release(&p);
	else
		summary_release(&s);
	brand_release(&brand);
	deal_ctx_release(&ctx);
}

static void
summary_get(struct http_request *rq, struct http_response *rs)
{
	document_get(rq, rs, false);
}

static void
proposal_get(struct http_request *rq, struct http_response *rs)
{
	document_get(rq, rs, true);
}

static void
send_calendar(struct http_response *rs, const struct ics_deal *entries,
	      size_t n, const char *calname, const char *filename)
{
	struct strbuf sb = STRBUF_INIT, disp = STRBUF_INIT;

	ics_render(entries, n, calname, time(NULL), &sb);
	http_send_strbuf(rs, 200, "text/calendar; charset=utf-8", &sb);
	strbuf_addf(&disp, "inline; filename=\"%s\"", filename);
	http_response_header(rs, "Content-Disposition", disp.buf);
	strbuf_release(&sb);
	strbuf_release(&disp);
}

static const char *const token_query[] = { "token", NULL };

static void
calendar_deal(struct http_request *rq, struct http_response *rs)
{
	struct strbuf name = STRBUF_INIT, file = STRBUF_INIT;
	struct deal_ctx ctx;
	struct ics_deal entry;
	const struct deal *d = &ctx.deal;

	if (!api_check_query(rq, rs, token_query))
		return;
	if (load_ctx(rq, rs, &ctx)) {
		entry.deal = d;
		entry.holidays = &ctx.hol;
		strbuf_addf(&name, "techwin: %s",
			    d->account ? d->account : d->slug);
		strbuf_addf(&file, "%s.ics", d->slug);
		send_calendar(rs, &entry, 1, name.buf, file.buf);
	}
	strbuf_release(&name);
	strbuf_release(&file);
	deal_ctx_release(&ctx);
}

/* Every open deal, each with its holidays merged with the workspace's. */
static void
calendar_pipeline(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct deal_array deals;
	struct workspace ws;
	struct ics_deal *entries;
	struct holidays *hol;
	tw_date **bufs;
	size_t n;
	int r;

	if (!api_check_query(rq, rs, token_query) ||
	    !load_workspace(rq, rs, &ws))
		return;
	if ((r = store_load_deals(rq->st, NULL, 0, &deals, &err)) < 0) {
		http_fail(rs, r, &err, NULL);
		workspace_release(&ws);
		return;
	}
	n = deals.n;
	entries = xcalloc(n ? n : 1, sizeof(*entries));
	hol = xcalloc(n ? n : 1, sizeof(*hol));
	bufs = xcalloc(n ? n : 1, sizeof(*bufs));
	for (size_t i = 0; i < n; i++) {
		hol[i] = workspace_holidays(&ws, &deals.items[i], &bufs[i]);
		entries[i].deal = &deals.items[i];
		entries[i].holidays = &hol[i];
	}
	send_calendar(rs, entries, n, "techwin: pipeline", "techwin.ics");
	for (size_t i = 0; i < n; i++)
		free(bufs[i]);
	free(bufs);
	free(hol);
	free(entries);
	deal_array_release(&deals);
	workspace_release(&ws);
}

/* ---- the routes -------------------------------------------------------- */

#define DEAL "/api/deals/{slug}"

const struct route api_routes[] = {
	{ "GET", "/api/session", api_session_get, ROLE_VIEWER, 0 },
	{ "GET", "/api/deals", api_deals_list, ROLE_VIEWER, 0 },
	{ "POST", "/api/deals", deal_create, ROLE_EDITOR, 0 },
	{ "GET", DEAL, deal_get, ROLE_VIEWER, 0 },
	{ "PATCH", DEAL, deal_update, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL, deal_remove, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/close", deal_close, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/reopen", deal_reopen, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/rename", deal_rename, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/snooze", deal_snooze, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/snooze", deal_unsnooze, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/acks", deal_ack, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/acks/{key}", deal_unack, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/touches", touch_create, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/criteria", criterion_create, ROLE_EDITOR, 0 },
	{ "PATCH", DEAL "/criteria/{key}", criterion_update, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/criteria/{key}", criterion_remove, ROLE_EDITOR,
	  0 },
	{ "POST", DEAL "/criteria/{key}/measurements", measurement_create,
	  ROLE_EDITOR, 0 },
	{ "POST", DEAL "/events", event_create, ROLE_EDITOR, 0 },
	{ "PATCH", DEAL "/events/{key}", event_update, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/events/{key}", event_remove, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/events/{key}/done", event_done, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/events/{key}/accept", event_accept, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/events/{key}/decline", event_decline, ROLE_EDITOR,
	  0 },
	{ "POST", DEAL "/risks", risk_create, ROLE_EDITOR, 0 },
	{ "PATCH", DEAL "/risks/{key}", risk_update, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/risks/{key}", risk_remove, ROLE_EDITOR, 0 },
	{ "POST", DEAL "/phases", phase_create, ROLE_EDITOR, 0 },
	{ "PATCH", DEAL "/phases/{key}", phase_update, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/phases/{key}", phase_remove, ROLE_EDITOR, 0 },
	{ "GET", DEAL "/plan", plan_get, ROLE_VIEWER, 0 },
	{ "POST", DEAL "/plan/apply", plan_apply, ROLE_EDITOR, 0 },
	{ "GET", DEAL "/summary.{format}", summary_get, ROLE_VIEWER, 0 },
	{ "GET", DEAL "/proposal.{format}", proposal_get, ROLE_VIEWER, 0 },
	/* Share links and history (api-actions.c). */
	{ "GET", DEAL "/shares", api_shares_list, ROLE_VIEWER, 0 },
	{ "POST", DEAL "/shares", api_share_create, ROLE_EDITOR, 0 },
	{ "DELETE", DEAL "/shares/{id}", api_share_revoke, ROLE_EDITOR, 0 },
	{ "GET", DEAL "/history", api_history, ROLE_VIEWER, 0 },
	{ "GET", DEAL "/calendar.ics", calendar_deal, ROLE_VIEWER,
	  ROUTE_QUERY_TOKEN },
	{ "GET", "/api/calendar.ics", calendar_pipeline, ROLE_VIEWER,
	  ROUTE_QUERY_TOKEN },
	{ "GET", "/api/check", api_check_list, ROLE_VIEWER, 0 },
	{ "GET", "/api/stats", stats_run, ROLE_VIEWER, 0 },
	{ NULL, NULL, NULL, 0, 0 },
};
