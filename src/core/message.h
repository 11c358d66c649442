/*
 * Champion messages (practices 1-5): the variables each message type draws
 * from the engine, the built-in templates, and the {{placeholder}} renderer.
 * Pure: the caller reads templates and deals and decides where text goes.
 */
#ifndef TW_MESSAGE_H
#define TW_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/model.h"
#include "util/error.h"
#include "util/strbuf.h"

enum message_type {
	MSG_BUYING_SIGNAL,
	MSG_COMPRESS,
	MSG_URGENCY,
	MSG_PRICING,
	MSG_NEXT_EVENT,
	MSG_NTYPES
};

/* "buying-signal", "compress", ... and back (0 or TW_EUSAGE). */
const char *message_type_name(enum message_type t);
int message_type_parse(const char *s, enum message_type *out,
		       struct tw_error *err);

/* The built-in template of a type (static text). */
const char *message_default_template(enum message_type t);
/* The placeholders a type's templates may use (static, NULL-terminated). */
const char *const *message_placeholders(enum message_type t);

/* Name/value pairs; values are owned copies. */
struct msg_var {
	char *name;
	char *value;
};

struct msg_vars {
	struct msg_var *items;
	size_t n, alloc;
};

/* Set (or replace) name. */
void msg_vars_set(struct msg_vars *vs, const char *name, const char *value);
void msg_vars_setf(struct msg_vars *vs, const char *name, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));
/* The value of name, or NULL when unset (borrowed). */
const char *msg_vars_get(const struct msg_vars *vs, const char *name);
void msg_vars_release(struct msg_vars *vs);
/* msg_vars_get as a render lookup: arg is the struct msg_vars. */
const char *msg_vars_lookup(void *arg, const char *name);

/*
 * Expand every {{name}} in tmpl with lookup(arg, name) and append the text
 * to out. A name the lookup does not know, a malformed name and a '{{'
 * without its '}}' on the same line are TW_EINPUT errors naming the
 * template and the line. Single braces are literal text; in "{{{x}}}" the
 * outer braces are.
 */
int message_render(const char *tmpl, const char *tmpl_name,
		   const char *(*lookup)(void *arg, const char *name),
		   void *arg, struct strbuf *out, struct tw_error *err);

/*
 * Render tmpl against every placeholder of type t set to a dummy value, so
 * a template that would fail on a real deal is refused when it is stored.
 */
int message_template_check(enum message_type t, const char *tmpl,
			   struct tw_error *err);

/*
 * A rendered message whose first line is "Subject: ..." has a subject: it
 * is returned in *subject (malloc'd, trimmed; NULL when there is none) and
 * *body points past that line and the blank lines after it.
 */
void message_split(const char *text, char **subject, const char **body);

/* One message to render: its variables and what it is about. */
struct message {
	char *criterion;	/* buying-signal: the criterion key */
	char *risk;		/* urgency: the risk key */
	char *warning;		/* something the sender should know, or NULL */
	struct msg_vars vars;
};

struct message_list {
	struct message *items;
	size_t n, alloc;
};
void message_list_release(struct message_list *l);

struct message_request {
	enum message_type type;
	const char *criterion;	/* buying-signal: only this criterion */
	const char *risk;	/* urgency: only this risk */
	tw_date today;
};

/*
 * The messages of rq->type for deal d, with every variable of the type set
 * from the engine (criterion.h, commercial.h, risk.h). h holds the deal's
 * and the workspace's holidays. TW_ENOTFOUND for an unknown criterion or
 * risk; TW_EINPUT when the deal has nothing to say for the type (no passed
 * criterion, no technical win, no risk, no priced phases, no next event).
 */
int message_compute(const struct deal *d, const struct holidays *h,
		    const struct message_request *rq, struct message_list *out,
		    struct tw_error *err);

/*
 * How numbers and dates read in messages: percentages with one decimal
 * ("40.0%"), money with thousands separators after the currency code
 * ("USD 1,234,567", cents only when there are any), dates in words
 * ("Tuesday 16 June 2026"), durations in words ("14 days", "3 weeks").
 */
void msg_fmt_pct(struct strbuf *sb, double pct);
void msg_fmt_money(struct strbuf *sb, double amount, const char *currency);
void msg_fmt_date(struct strbuf *sb, tw_date d);
void msg_fmt_duration(struct strbuf *sb, const struct duration *dur);

/* Well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
bool message_is_utf8(const char *s);

#endif
