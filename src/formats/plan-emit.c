/*
 * Plan files written (plan.h): fixed field order, block style, and the
 * lightest quoting that reads back to the same string, so that
 * parse -> emit -> parse -> emit is byte-identical.
 */
#include "formats/plan.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Emission. Quoting: plain when the text cannot be read as anything but this
 * string, single quotes when it only needs protecting from YAML's syntax or
 * type resolution, double quotes with escapes when it holds characters a
 * reader would fold, normalize or reject (line breaks, tabs, controls).
 */

/* Characters that are written as they are, in any quoting style. */
static bool
is_safe_char(unsigned long c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
		return false;
	/* Line and paragraph separators, BOM and non-characters. */
	return c != 0x2028 && c != 0x2029 && c != 0xfeff && c != 0xfffe &&
	       c != 0xffff;
}

static bool
needs_escapes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	unsigned long c;

	for (size_t i = 0; i < n; i += len) {
		len = utf8_decode(p + i, n - i, &c);
		if (!len || !is_safe_char(c))
			return true;
	}
	return false;
}

static bool
str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;

		if (x != *b)
			return false;
	}
	return *a == *b;
}

/* Words some YAML reader resolves to null, a boolean or a merge key. */
static bool
is_reserved(const char *s)
{
	static const char *const words[] = { "null", "true", "false", "yes",
		"no", "on", "off", "y", "n", "~", "<<", "=" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (str_ieq(s, words[i]))
			return true;
	return false;
}

/*
 * Numbers, dates, times and sexagesimals all start with a digit, sign or
 * dot and (but for timestamps) contain no space.
 */
static bool
looks_typed(const char *s)
{
	bool date = true;

	if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '.'))
		return false;
	if (!strchr(s, ' '))
		return true;
	for (int i = 0; i < 10 && date; i++) {
		if (i == 4 || i == 7)
			date = s[i] == '-';
		else
			date = s[i] >= '0' && s[i] <= '9';
	}
	return date;
}

static bool
plain_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]))
		return false;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strstr(s, ": ") || strstr(s, " #"))
		return false;
	return !is_reserved(s) && !looks_typed(s);
}

static void
add_double_quoted(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	unsigned long c;

	strbuf_addch(out, '"');
	for (size_t i = 0; i < n; i += len) {
		len = utf8_decode(p + i, n - i, &c);
		if (!len) {
			/* Not UTF-8: YAML cannot carry the byte, mark it. */
			strbuf_addstr(out, "\\uFFFD");
			len = 1;
			continue;
		}
		switch (c) {
		case '"':
			strbuf_addstr(out, "\\\"");
			continue;
		case '\\':
			strbuf_addstr(out, "\\\\");
			continue;
		case '\a':
			strbuf_addstr(out, "\\a");
			continue;
		case '\b':
			strbuf_addstr(out, "\\b");
			continue;
		case '\t':
			strbuf_addstr(out, "\\t");
			continue;
		case '\n':
			strbuf_addstr(out, "\\n");
			continue;
		case '\v':
			strbuf_addstr(out, "\\v");
			continue;
		case '\f':
			strbuf_addstr(out, "\\f");
			continue;
		case '\r':
			strbuf_addstr(out, "\\r");
			continue;
		case 0x1b:
			strbuf_addstr(out, "\\e");
			continue;
		case 0x85:
			strbuf_addstr(out, "\\N");
			continue;
		case 0x2028:
			strbuf_addstr(out, "\\L");
			continue;
		case 0x2029:
			strbuf_addstr(out, "\\P");
			continue;
		default:
			break;
		}
		if (is_safe_char(c))
			strbuf_add(out, p + i, len);
		else if (c <= 0xff)
			strbuf_addf(out, "\\x%02lX", c);
		else
			strbuf_addf(out, "\\u%04lX", c);
	}
	strbuf_addch(out, '"');
}

static void
add_scalar(struct strbuf *out, const char *s)
{
	if (needs_escapes(s)) {
		add_double_quoted(out, s);
	} else if (plain_ok(s)) {
		strbuf_addstr(out, s);
	} else {
		strbuf_addch(out, '\'');
		for (; *s; s++) {
			if (*s == '\'')
				strbuf_addch(out, '\'');
			strbuf_addch(out, *s);
		}
		strbuf_addch(out, '\'');
	}
}

/* Integers as integers; anything else in the fewest digits that read back. */
static void
add_number(struct strbuf *out, double v)
{
	char buf[40];

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, sizeof(buf), "%.0f", v);
	} else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	}
	strbuf_addstr(out, buf);
}

struct emitter {
	struct strbuf *out;
	int indent;
	bool dash;	/* the next key opens a list item */
};

static void
emit_key(struct emitter *e, const char *key)
{
	if (e->dash) {
		strbuf_addchars(e->out, ' ', (size_t)e->indent - 2);
		strbuf_addstr(e->out, "- ");
		e->dash = false;
	} else {
		strbuf_addchars(e->out, ' ', (size_t)e->indent);
	}
	strbuf_addstr(e->out, key);
	strbuf_addch(e->out, ':');
}

static void
emit_str(struct emitter *e, const char *key, const char *s)
{
	if (!s)
		return;
	emit_key(e, key);
	strbuf_addch(e->out, ' ');
	add_scalar(e->out, s);
	strbuf_addch(e->out, '\n');
}

static void
emit_num(struct emitter *e, const char *key, bool has, double v)
{
	if (!has)
		return;
	emit_key(e, key);
	strbuf_addch(e->out, ' ');
	add_number(e->out, v);
	strbuf_addch(e->out, '\n');
}

static void
emit_int(struct emitter *e, const char *key, bool has, int v)
{
	if (!has)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %d\n", v);
}

static void
emit_date(struct emitter *e, const char *key, tw_date d)
{
	char buf[DATE_BUFSZ];

	if (d == DATE_NONE)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", date_format(d, buf));
}

static void
emit_dur(struct emitter *e, const char *key, bool has,
	 const struct duration *dur)
{
	char buf[DURATION_BUFSZ];

	if (!has)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", duration_format(dur, buf));
}

/* Words the parser matches exactly, never in need of quotes. */
static void
emit_word(struct emitter *e, const char *key, const char *word)
{
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", word);
}

static void
emit_open(struct emitter *e, const char *key)
{
	emit_key(e, key);
	strbuf_addch(e->out, '\n');
	e->indent += 2;
}

/* Close a list item; one with no field at all still has to exist. */
static void
emit_item_end(struct emitter *e)
{
	if (e->dash) {
		strbuf_addchars(e->out, ' ', (size_t)e->indent - 2);
		strbuf_addstr(e->out, "- {}\n");
		e->dash = false;
	}
}

static void
emit_deal(struct emitter *e, const struct deal *d)
{
	emit_open(e, "deal");
	emit_str(e, "slug", d->slug);
	emit_str(e, "account", d->account);
	emit_str(e, "stage", d->stage);
	emit_num(e, "value", d->has_value, d->value);
	emit_str(e, "currency", d->currency);
	emit_str(e, "ae", d->ae);
	emit_str(e, "se", d->se);
	emit_int(e, "procurement_days", d->has_procurement_days,
		 d->procurement_days);
	if (d->champion || d->champion_email) {
		emit_open(e, "champion");
		emit_str(e, "name", d->champion);
		emit_str(e, "email", d->champion_email);
		e->indent -= 2;
	}
	if (d->poc_start != DATE_NONE || d->poc_end != DATE_NONE) {
		emit_open(e, "poc");
		emit_date(e, "start", d->poc_start);
		emit_date(e, "end", d->poc_end);
		e->indent -= 2;
	}
	if (d->close_date != DATE_NONE || d->outcome != OUTCOME_OPEN) {
		emit_open(e, "close");
		emit_date(e, "date", d->close_date);
		if (d->outcome != OUTCOME_OPEN)
			emit_word(e, "outcome", outcome_name(d->outcome));
		e->indent -= 2;
	}
	e->indent -= 2;
}

static bool
deal_has_fields(const struct deal *d)
{
	return d->slug || d->account || d->stage || d->has_value ||
	       d->currency || d->ae || d->se || d->has_procurement_days ||
	       d->champion || d->champion_email || d->poc_start != DATE_NONE ||
	       d->poc_end != DATE_NONE || d->close_date != DATE_NONE ||
	       d->outcome != OUTCOME_OPEN;
}

static void
emit_criterion(struct emitter *e, const struct criterion *c)
{
	emit_str(e, "key", c->key);
	emit_str(e, "metric", c->metric);
	emit_str(e, "unit", c->unit);
	emit_num(e, direction_name(c->direction), true, c->required);
	emit_num(e, "measured", c->has_measured, c->measured);
	emit_date(e, "measured_on", c->measured_on);
	emit_num(e, "growth_pct", c->has_growth, c->growth_pct);
	if (!c->scales_with_load)
		emit_word(e, "scales_with_load", "false");
	emit_str(e, "outcome", c->outcome);
}

static void
emit_event(struct emitter *e, const struct event *ev)
{
	emit_str(e, "key", ev->key);
	emit_word(e, "kind", event_kind_name(ev->kind));
	emit_str(e, "title", ev->title);
	emit_str(e, "owner", ev->owner);
	emit_date(e, "date", ev->date);
	emit_date(e, "done", ev->done);
	emit_str(e, "after", ev->after);
	/* The defaults (seller, shared) go unsaid, as in a file written by hand. */
	if (ev->side != SIDE_SELLER)
		emit_word(e, "side", event_side_name(ev->side));
	if (ev->internal)
		emit_word(e, "internal", "true");
	emit_str(e, "step", ev->step);
}

static void
emit_risk(struct emitter *e, const struct risk *r)
{
	emit_str(e, "key", r->key);
	emit_str(e, "title", r->title);
	emit_word(e, "kind", risk_kind_name(r->kind));
	emit_date(e, "deadline", r->deadline);
	emit_dur(e, "buffer", true, &r->buffer);
	emit_dur(e, "duration", true, &r->duration);
}

/* A list of keys as a block sequence; nothing when it is empty. */
static void
emit_keys(struct emitter *e, const char *name, char *const *l, size_t n)
{
	if (!n)
		return;
	emit_key(e, name);
	strbuf_addch(e->out, '\n');
	for (size_t i = 0; i < n; i++) {
		strbuf_addchars(e->out, ' ', (size_t)e->indent + 2);
		strbuf_addstr(e->out, "- ");
		add_scalar(e->out, l[i]);
		strbuf_addch(e->out, '\n');
	}
}

static void
emit_phase(struct emitter *e, const struct phase *p)
{
	emit_int(e, "number", true, p->number);
	emit_str(e, "name", p->name);
	emit_str(e, "scope", p->scope);
	emit_num(e, "price", p->has_price, p->price);
	emit_str(e, "justification", p->justification);
	emit_keys(e, "criteria", p->criteria, p->ncriteria);
	emit_dur(e, "duration", p->has_duration, &p->duration);
	if (p->internal)
		emit_word(e, "internal", "true");
	emit_keys(e, "risks", p->risks, p->nrisks);
}

static void
emit_step(struct emitter *e, const struct step *s)
{
	emit_str(e, "title", s->title);
	emit_int(e, "offset", true, s->offset);
	emit_word(e, "kind", event_kind_name(s->kind));
	if (s->plus_procurement)
		emit_word(e, "plus_procurement", "true");
	emit_str(e, "key", s->key);
	emit_str(e, "owner", s->owner);
}

/* One list section: "name:" then each element as a "- " item. */
#define EMIT_LIST(e, name, arr, n, fn)                                       \
	do {                                                                 \
		if ((n) == 0)                                                \
			break;                                               \
		strbuf_addstr((e)->out, name ":\n");                         \
		(e)->indent = 4;                                             \
		for (size_t i_ = 0; i_ < (n); i_++) {                        \
			(e)->dash = true;                                    \
			fn((e), &(arr)[i_]);                                 \
			emit_item_end(e);                                    \
		}                                                            \
		(e)->indent = 0;                                             \
	} while (0)

void
plan_emit(const struct deal *d, struct strbuf *out)
{
	struct emitter e = { out, 0, false };
	char buf[DATE_BUFSZ];

	strbuf_addf(out, "version: %d\n", PLAN_VERSION);
	if (deal_has_fields(d))
		emit_deal(&e, d);
	if (d->nholidays) {
		strbuf_addstr(out, "holidays:\n");
		for (size_t i = 0; i < d->nholidays; i++)
			strbuf_addf(out, "  - %s\n",
				    date_format(d->holidays[i], buf));
	}
	EMIT_LIST(&e, "criteria", d->criteria, d->ncriteria, emit_criterion);
	EMIT_LIST(&e, "events", d->events, d->nevents, emit_event);
	EMIT_LIST(&e, "risks", d->risks, d->nrisks, emit_risk);
	EMIT_LIST(&e, "phases", d->phases, d->nphases, emit_phase);
	EMIT_LIST(&e, "playbook", d->playbook, d->nplaybook, emit_step);
}

void
plan_emit_playbook(const struct step *steps, size_t n, struct strbuf *out)
{
	struct emitter e = { out, 0, false };

	EMIT_LIST(&e, "playbook", steps, n, emit_step);
}
