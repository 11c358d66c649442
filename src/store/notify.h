/*
 * Alerts that reach people (issue 15): the outbox of events written in the
 * same transaction as the verb that caused them, the e-mail subscriptions
 * and webhooks they go to, and the deliveries queued for them. Written
 * over the keyed-row helper, once for both backends. Sending is not here:
 * cli/notify-run.c drains the deliveries through the notify module
 * (libcurl).
 */
#ifndef TW_STORE_NOTIFY_H
#define TW_STORE_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/momentum.h"
#include "store/store.h"
#include "util/error.h"

/*
 * The tables, for both backends' migrations: PK is an auto-numbered
 * primary key, INT a 64-bit integer, STRICT SQLite's table option or "".
 * The cursors (last_event) are outbox ids: a subscription's digest covers
 * the events up to it, a webhook has been given those up to it.
 */
#define NOTIFY_TABLES(PK, INT, STRICT)                                      \
	"CREATE TABLE outbox (\n"                                            \
	"  id " PK ",\n"                                                     \
	"  type TEXT NOT NULL,\n"                                            \
	"  deal TEXT NOT NULL,\n"                                            \
	"  payload TEXT NOT NULL,\n"                                         \
	"  created_at TEXT NOT NULL\n"                                       \
	")" STRICT ";\n"                                                     \
	"CREATE TABLE subscriptions (\n"                                     \
	"  email TEXT PRIMARY KEY,\n"                                        \
	"  scope TEXT NOT NULL CHECK (scope IN ('se', 'ae', 'all')),\n"      \
	"  name TEXT,\n"                                                     \
	"  last_event " INT ",\n"                                            \
	"  last_digest_on TEXT,\n"                                           \
	"  created_at TEXT NOT NULL\n"                                       \
	")" STRICT ";\n"                                                     \
	"CREATE TABLE webhooks (\n"                                          \
	"  name TEXT PRIMARY KEY,\n"                                         \
	"  url TEXT NOT NULL,\n"                                             \
	"  format TEXT NOT NULL CHECK (format IN ('slack', 'json')),\n"      \
	"  secret TEXT,\n"                                                   \
	"  scope TEXT NOT NULL CHECK (scope IN ('se', 'ae', 'all')),\n"      \
	"  scope_name TEXT,\n"                                               \
	"  last_event " INT " NOT NULL,\n"                                   \
	"  created_at TEXT NOT NULL\n"                                       \
	")" STRICT ";\n"                                                     \
	"CREATE TABLE deliveries (\n"                                        \
	"  id TEXT PRIMARY KEY,\n"                                           \
	"  target_kind TEXT NOT NULL\n"                                      \
	"    CHECK (target_kind IN ('email', 'webhook')),\n"                 \
	"  target TEXT NOT NULL,\n"                                          \
	"  kind TEXT NOT NULL,\n"                                            \
	"  event_id " INT ",\n"                                              \
	"  subject TEXT,\n"                                                  \
	"  body TEXT NOT NULL,\n"                                            \
	"  status TEXT NOT NULL\n"                                           \
	"    CHECK (status IN ('queued', 'sending', 'sent', 'failed')),\n"   \
	"  attempts INTEGER NOT NULL,\n"                                     \
	"  next_try " INT " NOT NULL,\n"                                     \
	"  created " INT " NOT NULL,\n"                                      \
	"  last_error TEXT\n"                                                \
	")" STRICT ";\n"                                                     \
	"CREATE INDEX deliveries_status ON deliveries(status, next_try);\n"

/* The event types (the outbox's type column). */
#define NOTIFY_TECHNICAL_WIN "technical_win"
#define NOTIFY_CRITERION_PASSED "criterion.passed"
#define NOTIFY_FINDING_NEW "finding.new"
#define NOTIFY_FINDING_RESOLVED "finding.resolved"

/*
 * Add an event to the outbox: type, the deal's slug ("" for none) and a
 * JSON object (the event's own fields). In the caller's transaction when
 * one is open, so the event is kept exactly when the change that caused
 * it is; else in one of its own.
 */
int store_outbox_add(struct store *st, const char *type, const char *deal,
		     const char *payload, struct tw_error *err);
/* The same with the object o (taken) as the payload, written compact. */
int store_outbox_json(struct store *st, const char *type, const char *deal,
		      json_t *o, struct tw_error *err);

/*
 * The events a verb causes, from the deal before (NULL: created) and
 * after it: technical_win when the win appears, criterion.passed for each
 * criterion that now passes and did not; h the business-day holidays.
 */
int store_outbox_verb(struct store *st, const struct deal *before,
		      const struct deal *after, const struct holidays *h,
		      struct tw_error *err);

/* One event, with its deal's SE and AE when the deal exists. */
struct outbox_event {
	long long id;
	char *type, *deal, *payload, *at;
	char *se, *ae;
};
struct outbox_list {
	struct outbox_event *items;
	size_t n, alloc;
};
void outbox_list_release(struct outbox_list *l);

/* At most limit events with an id above after, by id. */
int store_outbox_since(struct store *st, long long after, size_t limit,
		       struct outbox_list *out, struct tw_error *err);
/* The last event's id, 0 when there is none. */
int store_outbox_last(struct store *st, long long *id, struct tw_error *err);

/* Who a subscription or a webhook is about: one SE's, one AE's, all. */
struct notify_scope {
	char *scope;		/* "se", "ae" or "all" */
	char *name;		/* NULL for "all" */
};
/* Whether a deal with this SE and AE is in scope. */
bool notify_scope_has(const struct notify_scope *s, const char *se,
		      const char *ae);

struct notify_sub {
	char *email;
	struct notify_scope scope;
	bool has_cursor;	/* false: no digest yet */
	long long last_event;
	char *last_digest_on;	/* "YYYY-MM-DD" or NULL */
	char *created;
};
struct notify_sub_list {
	struct notify_sub *items;
	size_t n, alloc;
};
void notify_sub_list_release(struct notify_sub_list *l);

/*
 * Subscribe email (its scope replaced when it is subscribed already:
 * *replaced says so; what it was sent stays sent), unsubscribe it
 * (TW_ENOTFOUND when it is not), list them by e-mail.
 */
int store_sub_put(struct store *st, const char *email,
		  const struct notify_scope *scope, bool *replaced,
		  struct tw_error *err);
int store_sub_delete(struct store *st, const char *email,
		     struct tw_error *err);
int store_sub_list(struct store *st, struct notify_sub_list *out,
		   struct tw_error *err);
/* The digest of email covers the events up to last_event, made on day. */
int store_sub_mark(struct store *st, const char *email, long long last_event,
		   const char *day, struct tw_error *err);

struct notify_hook {
	char *name, *url, *format;	/* format "slack" or "json" */
	char *secret;			/* NULL: none */
	struct notify_scope scope;
	long long last_event;
	char *created;
};
struct notify_hook_list {
	struct notify_hook *items;
	size_t n, alloc;
};
void notify_hook_release(struct notify_hook *h);
void notify_hook_list_release(struct notify_hook_list *l);

/*
 * Add a webhook (TW_EEXIST when the name is taken): it gets the events
 * that come after it. Remove one (TW_ENOTFOUND), list them by name, get
 * one (TW_ENOTFOUND), and move its cursor.
 */
int store_hook_add(struct store *st, const struct notify_hook *h,
		   struct tw_error *err);
int store_hook_delete(struct store *st, const char *name,
		      struct tw_error *err);
int store_hook_list(struct store *st, struct notify_hook_list *out,
		    struct tw_error *err);
int store_hook_get(struct store *st, const char *name,
		   struct notify_hook *out, struct tw_error *err);
int store_hook_mark(struct store *st, const char *name, long long last_event,
		    struct tw_error *err);

/* A message queued for one recipient: an e-mail or a webhook's POST. */
struct notify_delivery {
	char *id;		/* stable across retries */
	char *target_kind;	/* "email" or "webhook" */
	char *target;		/* the address or the webhook's name */
	char *kind;		/* "digest", "test" or the event's type */
	long long event_id;	/* 0: none */
	char *subject;		/* an e-mail's subject, or NULL */
	char *body;		/* the whole message, or the POST's body */
	char *status;		/* "queued", "sending", "sent", "failed" */
	int attempts;
	long long next_try, created;	/* Unix time */
	char *last_error;
};
struct notify_delivery_list {
	struct notify_delivery *items;
	size_t n, alloc;
};
void notify_delivery_list_release(struct notify_delivery_list *l);

/* A new delivery id: 32 hex digits from the kernel's random source. */
#define NOTIFY_ID_SIZE 33
int store_delivery_id(char out[NOTIFY_ID_SIZE], struct tw_error *err);

/* Queue d (status queued, no attempts); d->id is made when NULL. */
int store_delivery_add(struct store *st, struct notify_delivery *d,
		       struct tw_error *err);
/*
 * Deliveries by creation: with status (NULL: every one), or with due
 * those to send now (queued or sending, next_try <= now; every one of
 * them when now is 0).
 */
int store_delivery_list(struct store *st, const char *status,
			struct notify_delivery_list *out,
			struct tw_error *err);
int store_delivery_due(struct store *st, long long now,
		       struct notify_delivery_list *out,
		       struct tw_error *err);
/* Record a try: the status, attempts, next try and the error (or NULL). */
int store_delivery_set(struct store *st, const char *id, const char *status,
		       int attempts, long long next_try, const char *error,
		       struct tw_error *err);
/* How many deliveries have status (the pipeline page's banner). */
int store_delivery_count(struct store *st, const char *status, size_t *n,
			 struct tw_error *err);

/*
 * Every open error (kept findings, not snoozed nor acknowledged) with its
 * deal's SE and AE, by deal and position, to fn one row at a time:
 * cells are slug, se, ae, rule, subject, message, first_seen (borrowed),
 * the message rendered with today's settings and the deal's holidays.
 */
int store_open_errors(struct store *st,
		      int (*fn)(const char *const *cells, size_t ncols,
				void *arg, struct tw_error *err),
		      void *arg, struct tw_error *err);

#endif
