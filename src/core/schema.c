/*
 * The model schema (schema.h): the field tables and what can be done with a
 * field whatever walks it: compare, copy, release, write as text, read from
 * what a person typed.
 */
#include "core/schema.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- field tables ---------------------------------------------------- */

/* The enums are read and written through int, so they must be int-sized. */
#define ENUM_DESC(type, choices)                                             \
	_Static_assert(sizeof(enum type) == sizeof(int), #type " size");     \
	static const char *type##_name_int(int v)                            \
	{                                                                    \
		return type##_name((enum type)v);                            \
	}                                                                    \
	static int type##_parse_int(const char *s, int *out)                 \
	{                                                                    \
		enum type v;                                                 \
		if (type##_parse(s, &v) < 0)                                 \
			return -1;                                           \
		*out = (int)v;                                               \
		return 0;                                                    \
	}                                                                    \
	static const struct enum_desc type##_desc = {                        \
		type##_name_int, type##_parse_int, choices };

ENUM_DESC(direction, "at_most or at_least")
ENUM_DESC(event_kind, "technical or commercial")
ENUM_DESC(risk_kind, "scaling, compliance, security, cost or other")
ENUM_DESC(outcome, "open, won or lost")
ENUM_DESC(event_side, "seller or buyer")

#define FLD(st, m, t, fl) { #m, t, offsetof(struct st, m), 0, NULL, NULL, fl }
#define FLD_OPT(st, m, t, has, fl) \
	{ #m, t, offsetof(struct st, m), offsetof(struct st, has), NULL, NULL, \
	  fl }
#define FLD_ENUM(st, m, e, fl) \
	{ #m, F_ENUM, offsetof(struct st, m), 0, &e##_desc, NULL, fl }

static const struct field deal_fields[] = {
	FLD(deal, account, F_STR, FL_LINE | FL_REQ),
	FLD(deal, stage, F_STR, FL_LINE),
	FLD_OPT(deal, value, F_REAL_OPT, has_value, 0),
	FLD(deal, currency, F_STR, FL_LINE),
	FLD(deal, ae, F_STR, FL_LINE),
	FLD(deal, se, F_STR, FL_LINE),
	FLD_OPT(deal, procurement_days, F_INT_OPT, has_procurement_days, 0),
	FLD(deal, champion, F_STR, FL_LINE),
	FLD(deal, champion_email, F_STR, FL_LINE | FL_EMAIL),
	FLD(deal, poc_start, F_DATE, 0),
	FLD(deal, poc_end, F_DATE, 0),
	FLD(deal, close_date, F_DATE, FL_RO),
	FLD_ENUM(deal, outcome, outcome, FL_RO),
	FLD(deal, snooze_until, F_DATE, FL_RO),
	FLD(deal, snooze_reason, F_STR, FL_LINE | FL_RO),
	FLD(deal, crm_source, F_STR, FL_LINE | FL_RO),
	FLD(deal, crm_id, F_STR, FL_LINE | FL_RO),
	FLD(deal, confirmed_by, F_STR, FL_LINE | FL_RO),
	FLD(deal, confirmed_on, F_DATE, FL_RO),
};

/* A holiday is a bare tw_date: its value is its key. */
static const struct field holiday_fields[] = {
	{ "day", F_DATE, 0, 0, NULL, NULL, FL_KEY | FL_REQ },
};

static const struct field criterion_fields[] = {
	FLD(criterion, key, F_STR, FL_KEY | FL_LINE | FL_REQ),
	FLD(criterion, metric, F_STR, FL_LINE),
	FLD(criterion, unit, F_STR, FL_LINE),
	FLD_ENUM(criterion, direction, direction, FL_REQ),
	FLD(criterion, required, F_REAL, FL_REQ),
	FLD_OPT(criterion, measured, F_REAL_OPT, has_measured, FL_RO),
	FLD(criterion, measured_on, F_DATE, FL_RO),
	{ "growth_pct", F_REAL_OPT, offsetof(struct criterion, growth_pct),
	  offsetof(struct criterion, has_growth), NULL,
	  "projected_growth_pct", 0 },
	FLD(criterion, scales_with_load, F_BOOL, 0),
	FLD(criterion, outcome, F_STR, FL_MULTI),
};

static const struct field event_fields[] = {
	FLD(event, key, F_STR, FL_KEY | FL_LINE | FL_REQ),
	FLD_ENUM(event, kind, event_kind, FL_REQ),
	FLD(event, title, F_STR, FL_LINE | FL_REQ),
	FLD(event, owner, F_STR, FL_LINE),
	FLD(event, date, F_DATE, 0),
	FLD(event, done, F_DATE, FL_RO),
	FLD(event, after, F_STR, FL_LINE),
	FLD_ENUM(event, side, event_side, 0),
	FLD(event, internal, F_BOOL, 0),
	FLD(event, proposed, F_DATE, FL_RO),
	FLD(event, proposed_note, F_STR, FL_LINE | FL_RO),
	FLD(event, proposed_on, F_DATE, FL_RO),
	FLD(event, step, F_STR, FL_LINE | FL_RO),
};

static const struct field risk_fields[] = {
	FLD(risk, key, F_STR, FL_KEY | FL_LINE | FL_REQ),
	FLD(risk, title, F_STR, FL_LINE | FL_REQ),
	FLD_ENUM(risk, kind, risk_kind, 0),
	FLD(risk, deadline, F_DATE, FL_REQ),
	FLD(risk, buffer, F_DUR, 0),
	FLD(risk, duration, F_DUR, FL_REQ),
};

static const struct field phase_fields[] = {
	FLD(phase, number, F_INT, FL_KEY | FL_REQ),
	FLD(phase, name, F_STR, FL_LINE | FL_REQ),
	FLD(phase, scope, F_STR, FL_MULTI),
	FLD_OPT(phase, price, F_REAL_OPT, has_price, 0),
	FLD(phase, justification, F_STR, FL_MULTI),
	FLD_OPT(phase, criteria, F_LIST, ncriteria, FL_LINE),
	FLD_OPT(phase, duration, F_DUR_OPT, has_duration, 0),
	FLD(phase, internal, F_BOOL, 0),
	FLD_OPT(phase, risks, F_LIST, nrisks, FL_LINE | FL_JOINED),
};

static const struct field step_fields[] = {
	FLD(step, title, F_STR, FL_LINE | FL_REQ),
	FLD(step, offset, F_INT, 0),
	FLD_ENUM(step, kind, event_kind, 0),
	FLD(step, plus_procurement, F_BOOL, 0),
	FLD(step, key, F_STR, FL_LINE),
	FLD(step, owner, F_STR, FL_LINE),
};

static const struct field touch_fields[] = {
	FLD(touch, type, F_STR, FL_LINE | FL_REQ),
	FLD(touch, date, F_DATE, 0),
	FLD(touch, channel, F_STR, FL_LINE),
	FLD(touch, criterion, F_STR, FL_LINE),
};

static const struct field ack_fields[] = {
	FLD(ack, rule, F_STR, FL_LINE | FL_REQ),
	FLD(ack, subject, F_STR, FL_LINE | FL_REQ),
	FLD(ack, reason, F_STR, FL_LINE | FL_REQ),
	FLD(ack, actor, F_STR, FL_LINE),
	FLD(ack, until, F_DATE, FL_REQ),
	FLD(ack, acked_on, F_DATE, 0),
};

static const struct field link_fields[] = {
	{ "link", F_INT, offsetof(struct link, id), 0, NULL, NULL,
	  FL_KEY | FL_REQ | FL_RO },
	FLD(link, made, F_DATE, FL_RO),
	FLD(link, expires, F_DATE, FL_RO),
	FLD(link, views, F_INT, FL_RO),
	FLD(link, opened, F_DATE, FL_RO),
	FLD(link, last_viewed, F_STR, FL_LINE | FL_RO),
};

/* Array access to one kind of child of a deal. */
#define CHILD_ACCESS(name, arr, n, add)                                      \
	static size_t name##_count(const struct deal *d)                     \
	{                                                                    \
		return d->n;                                                 \
	}                                                                    \
	static void *name##_at(const struct deal *d, size_t i)               \
	{                                                                    \
		return &d->arr[i];                                           \
	}                                                                    \
	static void *name##_add(struct deal *d)                              \
	{                                                                    \
		return add(d);                                               \
	}

/*
 * Rows come back in pos order, which is the sorted order deal_add_holiday
 * would produce, so append without re-sorting on every row.
 */
static tw_date *
holiday_append(struct deal *d)
{
	d->holidays = xrealloc(d->holidays,
			       (d->nholidays + 1) * sizeof(*d->holidays));
	d->holidays[d->nholidays] = DATE_NONE;
	return &d->holidays[d->nholidays++];
}

CHILD_ACCESS(holiday, holidays, nholidays, holiday_append)
CHILD_ACCESS(criterion, criteria, ncriteria, deal_add_criterion)
CHILD_ACCESS(event, events, nevents, deal_add_event)
CHILD_ACCESS(risk, risks, nrisks, deal_add_risk)
CHILD_ACCESS(phase, phases, nphases, deal_add_phase)
CHILD_ACCESS(step, playbook, nplaybook, deal_add_step)
CHILD_ACCESS(touch, touches, ntouches, deal_add_touch)
CHILD_ACCESS(ack, acks, nacks, deal_add_ack)
CHILD_ACCESS(link, links, nlinks, deal_add_link)

#define TABLE(ent, sqlname, kind, keyed, fields, type, acc, arr, n)         \
	{ ent, sqlname, kind, keyed, fields, ARRAY_SIZE(fields),             \
	  sizeof(type), offsetof(struct deal, arr), offsetof(struct deal, n), \
	  acc##_count, acc##_at, acc##_add }

const struct schema_table schema_deal = {
	"deal", "deals", ENT_DEAL, true, deal_fields, ARRAY_SIZE(deal_fields),
	sizeof(struct deal), 0, 0, NULL, NULL, NULL,
};

const struct schema_table schema_tables[SCHEMA_NTABLES] = {
	TABLE("holiday", "holidays", ENT_HOLIDAY, true, holiday_fields,
	      tw_date, holiday, holidays, nholidays),
	TABLE("criterion", "criteria", ENT_CRITERION, true, criterion_fields,
	      struct criterion, criterion, criteria, ncriteria),
	TABLE("event", "events", ENT_EVENT, true, event_fields, struct event,
	      event, events, nevents),
	TABLE("risk", "risks", ENT_RISK, true, risk_fields, struct risk, risk,
	      risks, nrisks),
	TABLE("phase", "phases", ENT_PHASE, true, phase_fields, struct phase,
	      phase, phases, nphases),
	TABLE("step", "playbook", ENT_STEP, false, step_fields, struct step,
	      step, playbook, nplaybook),
	TABLE("touch", "touches", ENT_TOUCH, false, touch_fields,
	      struct touch, touch, touches, ntouches),
	TABLE("ack", "acks", ENT_ACK, false, ack_fields, struct ack, ack,
	      acks, nacks),
	TABLE("link", "links", ENT_LINK, true, link_fields, struct link,
	      link, links, nlinks),
};

const struct schema_list schema_lists[SCHEMA_NLISTS] = {
	{ &schema_tables[T_PHASE], "criteria", "phase_criteria", "criterion" },
};

const struct schema_table *
schema_table_of(enum entity_kind e)
{
	for (size_t t = 0; t < SCHEMA_NTABLES; t++)
		if (schema_tables[t].kind == e)
			return &schema_tables[t];
	return &schema_deal;
}

const struct field *
schema_field(const struct schema_table *tb, const char *name, bool json)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (!strcmp(json ? field_json_name(f) : f->name, name))
			return f;
	}
	return NULL;
}

/* ---- values ----------------------------------------------------------- */

static void *
fmut(const struct field *f, void *obj)
{
	return (char *)obj + f->off;
}

static bool *
fhas_mut(const struct field *f, void *obj)
{
	return (bool *)((char *)obj + f->aux);
}

bool
field_present(const struct field *f, const void *obj)
{
	switch (f->type) {
	case F_STR:
		return *(char *const *)fptr(f, obj) != NULL;
	case F_DATE:
		return *(const tw_date *)fptr(f, obj) != DATE_NONE;
	case F_INT_OPT:
	case F_REAL_OPT:
	case F_DUR_OPT:
		return fhas(f, obj);
	case F_LIST: {
		size_t n;

		flist(f, obj, &n);
		return n > 0;
	}
	default:
		return true;
	}
}

static bool
str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool
dur_equal(const struct duration *a, const struct duration *b)
{
	return a->n == b->n && a->unit == b->unit;
}

static size_t field_size(const struct field *f);

bool
field_equal(const struct field *f, const void *a, const void *b)
{
	const void *pa = fptr(f, a), *pb = fptr(f, b);

	switch (f->type) {
	case F_STR:
		return str_equal(*(char *const *)pa, *(char *const *)pb);
	case F_INT:
	case F_DATE:
		return *(const int *)pa == *(const int *)pb;
	case F_INT_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) || *(const int *)pa == *(const int *)pb;
	case F_REAL:
		return *(const double *)pa == *(const double *)pb;
	case F_REAL_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) ||
		       *(const double *)pa == *(const double *)pb;
	case F_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case F_DUR:
		return dur_equal(pa, pb);
	case F_DUR_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) || dur_equal(pa, pb);
	case F_ENUM:
		return fenum(f, a) == fenum(f, b);
	case F_LIST: {
		size_t na, nb;
		char *const *la = flist(f, a, &na);
		char *const *lb = flist(f, b, &nb);

		if (na != nb)
			return false;
		for (size_t i = 0; i < na; i++)
			if (!str_equal(la[i], lb[i]))
				return false;
		return true;
	}
	}
	return false;
}

bool
table_key_equal(const struct schema_table *tb, const void *a, const void *b)
{
	return field_equal(&tb->fields[0], a, b);
}

const void *
table_key_bytes(const struct schema_table *tb, const void *obj, size_t *len)
{
	const struct field *f = &tb->fields[0];
	const char *s;

	if (f->type != F_STR) {
		*len = field_size(f);
		return fptr(f, obj);
	}
	s = *(char *const *)fptr(f, obj);
	*len = s ? strlen(s) : 0;
	return s;
}

void
field_release(const struct field *f, void *obj)
{
	void *p = fmut(f, obj);

	switch (f->type) {
	case F_STR:
		free(*(char **)p);
		*(char **)p = NULL;
		break;
	case F_LIST: {
		size_t *n = (size_t *)((char *)obj + f->aux);
		char **l = *(char ***)p;

		for (size_t i = 0; i < *n; i++)
			free(l[i]);
		free(l);
		*(char ***)p = NULL;
		*n = 0;
		break;
	}
	case F_DATE:
		*(tw_date *)p = DATE_NONE;
		break;
	case F_INT_OPT:
	case F_REAL_OPT:
	case F_DUR_OPT:
		*fhas_mut(f, obj) = false;
		break;
	default:
		break;
	}
}

/* The bytes of a plain value, and its has_ flag. */
static size_t
field_size(const struct field *f)
{
	switch (f->type) {
	case F_INT:
	case F_INT_OPT:
		return sizeof(int);
	case F_REAL:
	case F_REAL_OPT:
		return sizeof(double);
	case F_BOOL:
		return sizeof(bool);
	case F_DATE:
		return sizeof(tw_date);
	case F_DUR:
	case F_DUR_OPT:
		return sizeof(struct duration);
	case F_ENUM:
		return sizeof(int);
	default:
		return 0;
	}
}

void
field_copy(const struct field *f, void *dst, const void *src)
{
	field_release(f, dst);
	switch (f->type) {
	case F_STR:
		*(char **)fmut(f, dst) =
			xstrdup_or_null(*(char *const *)fptr(f, src));
		return;
	case F_LIST: {
		size_t n;
		char *const *l = flist(f, src, &n);
		char **out = n ? xcalloc(n, sizeof(*out)) : NULL;

		for (size_t i = 0; i < n; i++)
			out[i] = xstrdup(l[i]);
		*(char ***)fmut(f, dst) = out;
		*(size_t *)((char *)dst + f->aux) = n;
		return;
	}
	case F_INT_OPT:
	case F_REAL_OPT:
	case F_DUR_OPT:
		*fhas_mut(f, dst) = fhas(f, src);
		/* fall through */
	default:
		memcpy(fmut(f, dst), fptr(f, src), field_size(f));
	}
}

void
schema_release(const struct schema_table *tb, void *obj)
{
	for (size_t i = 0; i < tb->nfields; i++)
		field_release(&tb->fields[i], obj);
}

void
schema_copy(const struct schema_table *tb, void *dst, const void *src)
{
	memcpy(dst, src, tb->size);
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (f->type != F_STR && f->type != F_LIST)
			continue;
		*(char **)fmut(f, dst) = NULL;
		if (f->type == F_LIST)
			*(size_t *)((char *)dst + f->aux) = 0;
		field_copy(f, dst, src);
	}
}

void
format_real(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

const char *
field_text(const struct field *f, const void *obj, struct strbuf *sb)
{
	const void *p = fptr(f, obj);
	char buf[DATE_BUFSZ + DURATION_BUFSZ + 40];

	strbuf_reset(sb);
	switch (f->type) {
	case F_STR:
		return *(char *const *)p;
	case F_INT_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_INT:
		strbuf_addf(sb, "%d", *(const int *)p);
		break;
	case F_REAL_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_REAL:
		format_real(*(const double *)p, buf, sizeof(buf));
		strbuf_addstr(sb, buf);
		break;
	case F_BOOL:
		strbuf_addstr(sb, *(const bool *)p ? "true" : "false");
		break;
	case F_DATE:
		if (*(const tw_date *)p == DATE_NONE)
			return NULL;
		strbuf_addstr(sb, date_format(*(const tw_date *)p, buf));
		break;
	case F_DUR_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_DUR:
		strbuf_addstr(sb, duration_format(p, buf));
		break;
	case F_ENUM:
		strbuf_addstr(sb, f->en->name(fenum(f, obj)));
		break;
	case F_LIST: {
		size_t n;
		char *const *l = flist(f, obj, &n);

		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, "%s%s", i ? "," : "", l[i]);
		break;
	}
	}
	return sb->buf;
}

static int parse_list(const struct field *f, void *obj, const char *label,
		      const char *text, struct tw_error *err);

int
field_from_text(const struct field *f, void *obj, const char *text)
{
	void *p = fmut(f, obj);
	struct tw_error e;
	int v;

	switch (f->type) {
	case F_STR:
		*(char **)p = text ? xstrdup(text) : NULL;
		break;
	case F_DATE:
		*(tw_date *)p = DATE_NONE;
		if (text && date_parse(text, (tw_date *)p, &e) < 0)
			return -1;
		break;
	case F_DUR_OPT:
		*fhas_mut(f, obj) = text != NULL;
		/* fall through */
	case F_DUR:
		memset(p, 0, sizeof(struct duration));
		if (text && duration_parse(text, p, &e) < 0)
			return -1;
		break;
	case F_ENUM:
		if (!text || f->en->parse(text, &v) < 0)
			return -1;
		memcpy(p, &v, sizeof(v));
		break;
	case F_LIST:
		/* A joined list (FL_JOINED): "a,b", NULL when empty. */
		field_release(f, obj);
		if (text && *text && parse_list(f, obj, f->name, text, &e) < 0)
			return -1;
		break;
	case F_INT:
	case F_INT_OPT:
	case F_REAL:
	case F_REAL_OPT:
	case F_BOOL:
		break;
	}
	return 0;
}

/* ---- what a person typed ---------------------------------------------- */

int
value_parse_number(const char *label, const char *s, double *out,
		   struct tw_error *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return tw_error_set(err, TW_EINPUT,
				    "%s: expected a number, got '%s'", label,
				    s);
	*out = v;
	return 0;
}

int
value_parse_int(const char *label, const char *s, int *out,
		struct tw_error *err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < INT_MIN || v > INT_MAX)
		return tw_error_set(err, TW_EINPUT,
				    "%s: expected an integer, got '%s'", label,
				    s);
	*out = (int)v;
	return 0;
}

int
value_parse_date(const char *label, const char *s, tw_date *out,
		 struct tw_error *err)
{
	if (date_parse(s, out, err) < 0) {
		tw_error_prefix(err, "%s", label);
		return TW_EINPUT;
	}
	return 0;
}

int
value_parse_duration(const char *label, const char *s, struct duration *out,
		     struct tw_error *err)
{
	if (duration_parse(s, out, err) < 0) {
		tw_error_prefix(err, "%s", label);
		return TW_EINPUT;
	}
	return 0;
}

/*
 * "a,b , c" as a list of keys; empty entries are an error wherever they
 * are ("a,," and "a," alike). text is not empty: "" clears the field.
 */
static int
parse_list(const struct field *f, void *obj, const char *label,
	   const char *text, struct tw_error *err)
{
	size_t *n = (size_t *)((char *)obj + f->aux);
	char ***l = (char ***)fmut(f, obj);
	const char *p = text;

	for (;;) {
		const char *comma = strchr(p, ','), *end;
		const char *e = comma ? comma : p + strlen(p);

		while (p < e && *p == ' ')
			p++;
		end = e;
		while (end > p && end[-1] == ' ')
			end--;
		if (end == p)
			return tw_error_set(err, TW_EINPUT,
					    "%s: expected keys separated by "
					    "commas, got '%s'", label, text);
		*l = xrealloc(*l, (*n + 1) * sizeof(**l));
		(*l)[(*n)++] = xstrndup(p, (size_t)(end - p));
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* Whether "" leaves the field absent (else it is a value, or an error). */
static bool
clears(const struct field *f)
{
	return f->type == F_STR || f->type == F_INT_OPT ||
	       f->type == F_REAL_OPT || f->type == F_DATE ||
	       f->type == F_DUR_OPT || f->type == F_LIST;
}

int
field_parse(const struct field *f, void *obj, const char *label,
	    const char *text, struct tw_error *err)
{
	void *p = fmut(f, obj);
	int v, r = 0;

	if (!label)
		label = field_json_name(f);
	field_release(f, obj);
	if (!*text && clears(f))
		return 0;
	switch (f->type) {
	case F_STR:
		*(char **)p = xstrdup(text);
		break;
	case F_INT_OPT:
		*fhas_mut(f, obj) = true;
		/* fall through */
	case F_INT:
		r = value_parse_int(label, text, p, err);
		break;
	case F_REAL_OPT:
		*fhas_mut(f, obj) = true;
		/* fall through */
	case F_REAL:
		r = value_parse_number(label, text, p, err);
		break;
	case F_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "false"))
			*(bool *)p = !strcmp(text, "true");
		else
			r = tw_error_set(err, TW_EINPUT, "%s: expected true "
					 "or false, got '%s'", label, text);
		break;
	case F_DATE:
		r = value_parse_date(label, text, p, err);
		break;
	case F_DUR_OPT:
		*fhas_mut(f, obj) = true;
		/* fall through */
	case F_DUR:
		r = value_parse_duration(label, text, p, err);
		break;
	case F_ENUM:
		if (f->en->parse(text, &v) < 0)
			r = tw_error_set(err, TW_EINPUT, "%s: expected %s, got "
					 "'%s'", label, f->en->choices, text);
		else
			memcpy(p, &v, sizeof(v));
		break;
	case F_LIST:
		r = parse_list(f, obj, label, text, err);
		break;
	}
	if (r < 0)
		field_release(f, obj);
	return r;
}

/* ---- where a validation error is -------------------------------------- */

const char *
schema_site_field(const struct validation_site *site)
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

	for (size_t i = 0; i < ARRAY_SIZE(renames); i++)
		if (renames[i].e == site->entity &&
		    !strcmp(renames[i].from, site->field))
			return renames[i].to;
	return site->field;
}
