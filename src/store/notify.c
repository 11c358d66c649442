/*
 * The outbox, subscriptions, webhooks and deliveries (notify.h), over the
 * keyed-row helper, once for both backends; and the events a verb causes.
 */
#include "store/notify.h"
#include "core/commercial.h"
#include "core/criterion.h"
#include "formats/json.h"
#include "store/findings.h"
#include "store/store-internal.h"
#include "store/workspace.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

enum {
	N_OUTBOX_ADD = ROW_STMT_NOTIFY,
	N_OUTBOX_SINCE,
	N_OUTBOX_LAST,
	N_SUB_GET,
	N_SUB_INSERT,
	N_SUB_SCOPE,
	N_SUB_DELETE,
	N_SUB_LIST,
	N_SUB_MARK,
	N_HOOK_ADD,
	N_HOOK_DELETE,
	N_HOOK_LIST,
	N_HOOK_GET,
	N_HOOK_MARK,
	N_DELIVERY_ADD,
	N_DELIVERY_LIST_ALL,
	N_DELIVERY_LIST,
	N_DELIVERY_DUE,
	N_DELIVERY_SET,
	N_DELIVERY_COUNT,
	N_OPEN_ERRORS,
	N_MAX
};

_Static_assert(N_MAX <= ROW_STMT_MAX, "raise ROW_STMT_MAX");

#define W true
#define R false
#define SUB_SELECT                                                         \
	"SELECT email, scope, name, last_event, last_digest_on, created_at " \
	"FROM subscriptions "
#define HOOK_SELECT                                                      \
	"SELECT name, url, format, secret, scope, scope_name, last_event, " \
	"created_at FROM webhooks "
#define DELIVERY_SELECT                                                  \
	"SELECT id, target_kind, target, kind, event_id, subject, body, " \
	"status, attempts, next_try, created, last_error FROM deliveries "

/* Events in the order they happened; digests, without one, first. */
#define DELIVERY_ORDER "ORDER BY created, coalesce(event_id, 0), id"

static const struct row_stmt stmts[N_MAX - ROW_STMT_NOTIFY] = {
#define S(id, w, sql) [id - ROW_STMT_NOTIFY] = { id, w, sql, false }
	S(N_OUTBOX_ADD, W,
	  "INSERT INTO outbox (type, deal, payload, created_at) "
	  "VALUES ($1, $2, $3, $4)"),
	S(N_OUTBOX_SINCE, R,
	  "SELECT o.id, o.type, o.deal, o.payload, o.created_at, d.se, d.ae "
	  "FROM outbox o LEFT JOIN deals d ON d.slug = o.deal "
	  "WHERE o.id > $1 ORDER BY o.id LIMIT $2"),
	S(N_OUTBOX_LAST, R, "SELECT max(id) FROM outbox"),
	S(N_SUB_GET, R, SUB_SELECT "WHERE email = $1"),
	S(N_SUB_INSERT, W,
	  "INSERT INTO subscriptions (email, scope, name, created_at) "
	  "VALUES ($1, $2, $3, $4)"),
	S(N_SUB_SCOPE, W,
	  "UPDATE subscriptions SET scope = $2, name = $3 WHERE email = $1"),
	S(N_SUB_DELETE, W, "DELETE FROM subscriptions WHERE email = $1"),
	S(N_SUB_LIST, R, SUB_SELECT "ORDER BY email COLLATE \"C\""),
	S(N_SUB_MARK, W,
	  "UPDATE subscriptions SET last_event = $2, last_digest_on = $3 "
	  "WHERE email = $1"),
	S(N_HOOK_ADD, W,
	  "INSERT INTO webhooks (name, url, format, secret, scope, "
	  "scope_name, last_event, created_at) "
	  "VALUES ($1, $2, $3, $4, $5, $6, "
	  "(SELECT coalesce(max(id), 0) FROM outbox), $7)"),
	S(N_HOOK_DELETE, W, "DELETE FROM webhooks WHERE name = $1"),
	S(N_HOOK_LIST, R, HOOK_SELECT "ORDER BY name COLLATE \"C\""),
	S(N_HOOK_GET, R, HOOK_SELECT "WHERE name = $1"),
	S(N_HOOK_MARK, W, "UPDATE webhooks SET last_event = $2 WHERE name = $1"),
	S(N_DELIVERY_ADD, W,
	  "INSERT INTO deliveries (id, target_kind, target, kind, event_id, "
	  "subject, body, status, attempts, next_try, created) "
	  "VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0, $8, $8)"),
	S(N_DELIVERY_LIST_ALL, R, DELIVERY_SELECT DELIVERY_ORDER),
	S(N_DELIVERY_LIST, R, DELIVERY_SELECT "WHERE status = $1 "
	  DELIVERY_ORDER),
	S(N_DELIVERY_DUE, R,
	  DELIVERY_SELECT "WHERE status IN ('queued', 'sending') AND "
	  "($1 = 0 OR next_try <= $1) " DELIVERY_ORDER),
	S(N_DELIVERY_SET, W,
	  "UPDATE deliveries SET status = $2, attempts = $3, next_try = $4, "
	  "last_error = $5 WHERE id = $1"),
	S(N_DELIVERY_COUNT, R, "SELECT count(*) FROM deliveries "
	  "WHERE status = $1"),
	S(N_OPEN_ERRORS, R,
	  "SELECT d.slug, d.se, d.ae, f.rule, f.subject, f.message, "
	  "f.first_seen FROM findings f JOIN deals d ON d.id = f.deal_id "
	  "WHERE f.severity = 'error' AND f.snoozed = 0 AND "
	  "f.ack_by IS NULL AND d.outcome = 'open' "
	  "ORDER BY d.slug COLLATE \"C\", f.pos"),
#undef S
};

#undef W
#undef R

static const struct row_stmt *
stmt(int id)
{
	return &stmts[id - ROW_STMT_NOTIFY];
}

static int
run(struct store *st, int id, const struct row_value *v, size_t nv,
    struct row_result *out, struct tw_error *err)
{
	return st->ops->rows(st, stmt(id), v, nv, out, err);
}

/* run, for a statement whose rows do not matter: *changes (may be NULL). */
static int
run_write(struct store *st, int id, const struct row_value *v, size_t nv,
	  size_t *changes, struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, id, v, nv, &r, err);

	if (changes)
		*changes = rc ? 0 : r.changes;
	row_result_release(&r);
	return rc;
}

/* ---- the outbox ------------------------------------------------------- */

int
store_outbox_add(struct store *st, const char *type, const char *deal,
		 const char *payload, struct tw_error *err)
{
	char at[32];

	st->ops->now(st, at, sizeof(at));
	return run_write(st, N_OUTBOX_ADD,
			 (struct row_value[]){ ROW_TEXT(type),
					       ROW_TEXT(deal ? deal : ""),
					       ROW_TEXT(payload ? payload : "{}"),
					       ROW_TEXT(at) },
			 4, NULL, err);
}

int
store_outbox_json(struct store *st, const char *type, const char *deal, json_t *o,
	    struct tw_error *err)
{
	struct strbuf text = STRBUF_INIT;
	int rc;

	json_emit_compact(o, &text);
	rc = store_outbox_add(st, type, deal, text.buf, err);
	strbuf_release(&text);
	return rc;
}

static json_t *
jdate(tw_date d)
{
	char buf[DATE_BUFSZ];

	return d ? json_string(date_format(d, buf)) : json_null();
}

static json_t *
jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The criterion of d keyed key, or NULL. */
static const struct criterion *
find_criterion(const struct deal *d, const char *key)
{
	for (size_t i = 0; d && i < d->ncriteria; i++)
		if (!strcmp(d->criteria[i].key, key))
			return &d->criteria[i];
	return NULL;
}

static bool
passes(const struct criterion *c)
{
	struct criterion_eval ev;

	if (!c)
		return false;
	criterion_evaluate(c, &ev);
	return ev.status == CRIT_PASS;
}

static int
criterion_passed(struct store *st, const struct deal *d,
		 const struct criterion *c, struct tw_error *err)
{
	struct criterion_eval ev;
	struct strbuf cmd = STRBUF_INIT, path = STRBUF_INIT;
	json_t *o = json_object();

	criterion_evaluate(c, &ev);
	strbuf_addf(&cmd, "techwin message %s buying-signal --criterion %s",
		    d->slug, c->key);
	strbuf_addf(&path, "/deals/%s#messages", d->slug);
	json_object_set_new(o, "criterion", json_string(c->key));
	json_object_set_new(o, "metric", jstr(c->metric));
	json_object_set_new(o, "unit", jstr(c->unit));
	json_object_set_new(o, "direction",
			    json_string(direction_name(c->direction)));
	json_object_set_new(o, "required", json_real(c->required));
	json_object_set_new(o, "measured", json_real(c->measured));
	json_object_set_new(o, "measured_on", jdate(c->measured_on));
	json_object_set_new(o, "headroom_pct",
			    ev.has_headroom
				    ? json_real(round(ev.headroom_pct * 10) / 10)
					    : json_null());
	json_object_set_new(o, "message_command", json_string(cmd.buf));
	json_object_set_new(o, "message_path", json_string(path.buf));
	strbuf_release(&cmd);
	strbuf_release(&path);
	return store_outbox_json(st, NOTIFY_CRITERION_PASSED, d->slug, o, err);
}

static int
technical_win(struct store *st, const struct deal *d,
	      const struct commercial_plan *p, const struct holidays *h,
	      struct tw_error *err)
{
	bool *applied = xcalloc(p->nsteps + 1, sizeof(*applied));
	json_t *o = json_object(), *steps = json_array();

	commercial_plan_applied(d, p, h, applied);
	for (size_t i = 0; i < p->nsteps; i++) {
		json_t *s = json_object();

		json_object_set_new(s, "title", jstr(p->steps[i].title));
		json_object_set_new(s, "kind",
				    json_string(event_kind_name(p->steps[i].kind)));
		json_object_set_new(s, "date", jdate(p->steps[i].date));
		json_object_set_new(s, "applied", json_boolean(applied[i]));
		json_array_append_new(steps, s);
	}
	free(applied);
	json_object_set_new(o, "technical_win", jdate(p->technical_win));
	json_object_set_new(o, "contract_target", jdate(p->contract_target));
	json_object_set_new(o, "steps", steps);
	return store_outbox_json(st, NOTIFY_TECHNICAL_WIN, d->slug, o, err);
}

int
store_outbox_verb(struct store *st, const struct deal *before,
		  const struct deal *after, const struct holidays *h,
		  struct tw_error *err)
{
	struct commercial_plan was = { 0 }, now;
	int rc = 0;

	for (size_t i = 0; i < after->ncriteria && rc == 0; i++) {
		const struct criterion *c = &after->criteria[i];

		if (passes(c) && !passes(find_criterion(before, c->key)))
			rc = criterion_passed(st, after, c, err);
	}
	if (rc)
		return rc;
	if (before)
		commercial_plan_compute(before, h, &was);
	commercial_plan_compute(after, h, &now);
	if (now.technical_win && !was.technical_win)
		rc = technical_win(st, after, &now, h, err);
	if (before)
		commercial_plan_release(&was);
	commercial_plan_release(&now);
	return rc;
}

void
outbox_list_release(struct outbox_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct outbox_event *e = &l->items[i];

		free(e->type);
		free(e->deal);
		free(e->payload);
		free(e->at);
		free(e->se);
		free(e->ae);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
store_outbox_since(struct store *st, long long after, size_t limit,
		   struct outbox_list *out, struct tw_error *err)
{
	struct row_result r;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = run(st, N_OUTBOX_SINCE,
		 (struct row_value[]){ ROW_INT(after),
				       ROW_INT((long long)limit) },
		 2, &r, err);
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		struct outbox_event *e;

		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		e = &out->items[out->n++];
		e->id = row_int(&r, i, 0);
		e->type = row_take(&r, i, 1);
		e->deal = row_take(&r, i, 2);
		e->payload = row_take(&r, i, 3);
		e->at = row_take(&r, i, 4);
		e->se = row_take(&r, i, 5);
		e->ae = row_take(&r, i, 6);
	}
	row_result_release(&r);
	return rc;
}

int
store_outbox_last(struct store *st, long long *id, struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, N_OUTBOX_LAST, NULL, 0, &r, err);

	*id = rc == 0 && r.nrows ? row_int(&r, 0, 0) : 0;
	row_result_release(&r);
	return rc;
}

/* ---- scopes and subscriptions ----------------------------------------- */

bool
notify_scope_has(const struct notify_scope *s, const char *se, const char *ae)
{
	if (!strcmp(s->scope, "all"))
		return true;
	if (!s->name)
		return false;
	if (!strcmp(s->scope, "se"))
		return se && !strcmp(se, s->name);
	return ae && !strcmp(ae, s->name);
}

static void
scope_release(struct notify_scope *s)
{
	free(s->scope);
	free(s->name);
}

void
notify_sub_list_release(struct notify_sub_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct notify_sub *s = &l->items[i];

		free(s->email);
		scope_release(&s->scope);
		free(s->last_digest_on);
		free(s->created);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
store_sub_put(struct store *st, const char *email,
	      const struct notify_scope *scope, bool *replaced,
	      struct tw_error *err)
{
	struct row_value key[] = { ROW_TEXT(email) };
	struct row_result r;
	bool own = !st->in_tx;
	char at[32];
	int rc;

	*replaced = false;
	if (own && (rc = store_begin(st, err)) < 0)
		return rc;
	rc = run(st, N_SUB_GET, key, 1, &r, err);
	*replaced = rc == 0 && r.nrows > 0;
	row_result_release(&r);
	st->ops->now(st, at, sizeof(at));
	if (rc == 0)
		rc = run_write(st, *replaced ? N_SUB_SCOPE : N_SUB_INSERT,
			       (struct row_value[]){ ROW_TEXT(email),
						     ROW_TEXT(scope->scope),
						     ROW_TEXT(scope->name),
						     ROW_TEXT(at) },
			       *replaced ? 3 : 4, NULL, err);
	if (own && rc == 0)
		rc = store_commit(st, err);
	if (own && rc < 0)
		store_rollback(st);
	return rc;
}

int
store_sub_delete(struct store *st, const char *email, struct tw_error *err)
{
	size_t n;
	int rc = run_write(st, N_SUB_DELETE,
			   (struct row_value[]){ ROW_TEXT(email) }, 1, &n, err);

	if (rc == 0 && !n)
		rc = tw_error_set(err, TW_ENOTFOUND,
				  "'%s' is not subscribed (see techwin notify "
				  "list)", email);
	return rc;
}

int
store_sub_list(struct store *st, struct notify_sub_list *out,
	       struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, N_SUB_LIST, NULL, 0, &r, err);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		struct notify_sub *s;

		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		s = &out->items[out->n++];
		memset(s, 0, sizeof(*s));
		s->email = row_take(&r, i, 0);
		s->scope.scope = row_take(&r, i, 1);
		s->scope.name = row_take(&r, i, 2);
		s->has_cursor = row_text(&r, i, 3) != NULL;
		s->last_event = row_int(&r, i, 3);
		s->last_digest_on = row_take(&r, i, 4);
		s->created = row_take(&r, i, 5);
	}
	row_result_release(&r);
	return rc;
}

int
store_sub_mark(struct store *st, const char *email, long long last_event,
	       const char *day, struct tw_error *err)
{
	return run_write(st, N_SUB_MARK,
			 (struct row_value[]){ ROW_TEXT(email),
					       ROW_INT(last_event),
					       ROW_TEXT(day) },
			 3, NULL, err);
}

/* ---- webhooks --------------------------------------------------------- */

void
notify_hook_release(struct notify_hook *h)
{
	free(h->name);
	free(h->url);
	free(h->format);
	if (h->secret)
		explicit_bzero(h->secret, strlen(h->secret));
	free(h->secret);
	scope_release(&h->scope);
	free(h->created);
	memset(h, 0, sizeof(*h));
}

void
notify_hook_list_release(struct notify_hook_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		notify_hook_release(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

static void
read_hook(struct row_result *r, size_t i, struct notify_hook *h)
{
	memset(h, 0, sizeof(*h));
	h->name = row_take(r, i, 0);
	h->url = row_take(r, i, 1);
	h->format = row_take(r, i, 2);
	h->secret = row_take(r, i, 3);
	h->scope.scope = row_take(r, i, 4);
	h->scope.name = row_take(r, i, 5);
	h->last_event = row_int(r, i, 6);
	h->created = row_take(r, i, 7);
}

int
store_hook_add(struct store *st, const struct notify_hook *h,
	       struct tw_error *err)
{
	struct row_result r;
	char at[32];
	int rc;

	st->ops->now(st, at, sizeof(at));
	rc = run(st, N_HOOK_ADD,
		 (struct row_value[]){ ROW_TEXT(h->name), ROW_TEXT(h->url),
				       ROW_TEXT(h->format),
				       ROW_TEXT(h->secret),
				       ROW_TEXT(h->scope.scope),
				       ROW_TEXT(h->scope.name), ROW_TEXT(at) },
		 7, &r, err);
	if (rc && r.conflict == ROW_UNIQUE)
		rc = tw_error_set(err, TW_EEXIST, "webhook '%s' already exists "
				  "(remove it first: techwin notify webhook rm "
				  "%s)", h->name, h->name);
	row_result_release(&r);
	return rc;
}

int
store_hook_delete(struct store *st, const char *name, struct tw_error *err)
{
	size_t n;
	int rc = run_write(st, N_HOOK_DELETE,
			   (struct row_value[]){ ROW_TEXT(name) }, 1, &n, err);

	if (rc == 0 && !n)
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown webhook '%s'",
				  name);
	return rc;
}

int
store_hook_list(struct store *st, struct notify_hook_list *out,
		struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, N_HOOK_LIST, NULL, 0, &r, err);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		read_hook(&r, i, &out->items[out->n++]);
	}
	row_result_release(&r);
	return rc;
}

int
store_hook_get(struct store *st, const char *name, struct notify_hook *out,
	       struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, N_HOOK_GET, (struct row_value[]){ ROW_TEXT(name) }, 1,
		     &r, err);

	memset(out, 0, sizeof(*out));
	if (rc == 0 && r.nrows)
		read_hook(&r, 0, out);
	else if (rc == 0)
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown webhook '%s'",
				  name);
	row_result_release(&r);
	return rc;
}

int
store_hook_mark(struct store *st, const char *name, long long last_event,
		struct tw_error *err)
{
	return run_write(st, N_HOOK_MARK,
			 (struct row_value[]){ ROW_TEXT(name),
					       ROW_INT(last_event) },
			 2, NULL, err);
}

/* ---- deliveries ------------------------------------------------------- */

void
notify_delivery_list_release(struct notify_delivery_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct notify_delivery *d = &l->items[i];

		free(d->id);
		free(d->target_kind);
		free(d->target);
		free(d->kind);
		free(d->subject);
		free(d->body);
		free(d->status);
		free(d->last_error);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

int
store_delivery_id(char out[NOTIFY_ID_SIZE], struct tw_error *err)
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return tw_error_set(err, TW_ESTORE, "cannot make a delivery "
				    "id: no random bytes");
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

int
store_delivery_add(struct store *st, struct notify_delivery *d,
		   struct tw_error *err)
{
	char id[NOTIFY_ID_SIZE];
	int rc;

	if (!d->id) {
		if ((rc = store_delivery_id(id, err)) < 0)
			return rc;
		d->id = xstrdup(id);
	}
	return run_write(st, N_DELIVERY_ADD,
			 (struct row_value[]){
				 ROW_TEXT(d->id), ROW_TEXT(d->target_kind),
				 ROW_TEXT(d->target), ROW_TEXT(d->kind),
				 d->event_id ? (struct row_value)ROW_INT(
						       d->event_id)
					     : (struct row_value)ROW_TEXT(NULL),
				 ROW_TEXT(d->subject), ROW_TEXT(d->body),
				 ROW_INT(d->created) },
			 8, NULL, err);
}

static int
read_deliveries(struct store *st, int id, const struct row_value *v,
		size_t nv, struct notify_delivery_list *out,
		struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, id, v, nv, &r, err);

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		struct notify_delivery *d;

		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		d = &out->items[out->n++];
		d->id = row_take(&r, i, 0);
		d->target_kind = row_take(&r, i, 1);
		d->target = row_take(&r, i, 2);
		d->kind = row_take(&r, i, 3);
		d->event_id = row_int(&r, i, 4);
		d->subject = row_take(&r, i, 5);
		d->body = row_take(&r, i, 6);
		d->status = row_take(&r, i, 7);
		d->attempts = (int)row_int(&r, i, 8);
		d->next_try = row_int(&r, i, 9);
		d->created = row_int(&r, i, 10);
		d->last_error = row_take(&r, i, 11);
	}
	row_result_release(&r);
	return rc;
}

int
store_delivery_list(struct store *st, const char *status,
		    struct notify_delivery_list *out, struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(status) };

	return read_deliveries(st, status ? N_DELIVERY_LIST
					  : N_DELIVERY_LIST_ALL,
			       v, status ? 1 : 0, out, err);
}

int
store_delivery_due(struct store *st, long long now,
		   struct notify_delivery_list *out, struct tw_error *err)
{
	struct row_value v[] = { ROW_INT(now) };

	return read_deliveries(st, N_DELIVERY_DUE, v, 1, out, err);
}

int
store_delivery_set(struct store *st, const char *id, const char *status,
		   int attempts, long long next_try, const char *error,
		   struct tw_error *err)
{
	return run_write(st, N_DELIVERY_SET,
			 (struct row_value[]){ ROW_TEXT(id), ROW_TEXT(status),
					       ROW_INT(attempts),
					       ROW_INT(next_try),
					       ROW_TEXT(error) },
			 5, NULL, err);
}

int
store_delivery_count(struct store *st, const char *status, size_t *n,
		     struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, N_DELIVERY_COUNT,
		     (struct row_value[]){ ROW_TEXT(status) }, 1, &r, err);

	*n = rc == 0 && r.nrows ? (size_t)row_int(&r, 0, 0) : 0;
	row_result_release(&r);
	return rc;
}

/*
 * store_open_errors' rows, their messages rendered (finding_render) with
 * the workspace's settings and the deal's business days: days holds
 * every open deal's own holidays (store_open_holidays).
 */
struct open_errors {
	int (*fn)(const char *const *cells, size_t ncols, void *arg,
		  struct tw_error *err);
	void *arg;
	struct store *st;
	const struct workspace *ws;
	struct holidays wsh;
	struct row_result days;
	struct strbuf text;
};

static int
open_error(const char *const *c, size_t ncols, void *arg,
	   struct tw_error *err)
{
	struct open_errors *oe = arg;
	const char *cells[7];
	struct holidays h;
	struct deal d;
	tw_date *buf;
	int rc = 0;

	if (ncols != ARRAY_SIZE(cells) || !c[0] || !c[5] ||
	    !finding_has_tokens(c[5]))
		return oe->fn(c, ncols, oe->arg, err);
	deal_init(&d);
	rc = store_holidays_of(oe->st, &oe->days, c[0], &d, err);
	if (rc == 0) {
		h = deal_merged_holidays(&d, &oe->wsh, &buf);
		strbuf_reset(&oe->text);
		finding_render(c[5], &oe->ws->momentum, &h, &oe->text);
		memcpy(cells, c, sizeof(cells));
		cells[5] = oe->text.buf;
		rc = oe->fn(cells, ncols, oe->arg, err);
		free(buf);
	}
	deal_release(&d);
	return rc;
}

int
store_open_errors(struct store *st,
		  int (*fn)(const char *const *cells, size_t ncols, void *arg,
			    struct tw_error *err),
		  void *arg, struct tw_error *err)
{
	struct workspace ws;
	struct open_errors oe = { fn, arg, st, &ws, { 0 }, { 0 },
				  STRBUF_INIT };
	int rc;

	if ((rc = workspace_load(st, &ws, err)) == 0 &&
	    (rc = store_open_holidays(st, &oe.days, err)) == 0) {
		oe.wsh = workspace_days(&ws);
		rc = store_rows_each(st, stmt(N_OPEN_ERRORS), NULL, 0,
				     open_error, &oe, err);
		row_result_release(&oe.days);
	}
	strbuf_release(&oe.text);
	workspace_release(&ws);
	return rc;
}
