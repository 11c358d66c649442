/*
 * What message.c lends message-compute.c: setting a variable from a
 * formatted value, and the small phrases messages are built of.
 */
#ifndef TW_MESSAGE_INTERNAL_H
#define TW_MESSAGE_INTERNAL_H

#include "core/message.h"
#include "util/strbuf.h"

/* Set name from a strbuf and empty it for the next value. */
void msg_set_sb(struct msg_vars *vs, const char *name, struct strbuf *sb);
/* Set name to d, pct or amount as msg_fmt_date/_pct/_money write it. */
void msg_set_date(struct msg_vars *vs, const char *name, tw_date d);
void msg_set_pct(struct msg_vars *vs, const char *name, double pct);
void msg_set_money(struct msg_vars *vs, const char *name, double amount,
		   const char *currency);
/* "9 min", "95%", "1250 rec/s": a value with its unit. */
void msg_fmt_value(struct strbuf *sb, double v, const char *unit);
/* "at most 15 min" */
void msg_fmt_requirement(struct strbuf *sb, const struct criterion *c);
/* s, or fallback when s is NULL or "". */
const char *msg_or_default(const char *s, const char *fallback);
/* Append s as a sentence: with a full stop unless it already ends one. */
void msg_add_sentence(struct strbuf *sb, const char *s);

#endif
