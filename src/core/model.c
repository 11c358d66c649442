/*
 * Lifecycle, lookups and enum names for the domain model.
 */
#include "core/model.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void
deal_init(struct deal *d)
{
	memset(d, 0, sizeof(*d));
}

void
criterion_release(struct criterion *c)
{
	free(c->key);
	free(c->metric);
	free(c->unit);
	free(c->outcome);
	memset(c, 0, sizeof(*c));
}

void
event_release(struct event *e)
{
	free(e->key);
	free(e->title);
	free(e->owner);
	free(e->after);
	memset(e, 0, sizeof(*e));
}

void
risk_release(struct risk *r)
{
	free(r->key);
	free(r->title);
	memset(r, 0, sizeof(*r));
}

void
phase_release(struct phase *p)
{
	for (size_t i = 0; i < p->ncriteria; i++)
		free(p->criteria[i]);
	free(p->criteria);
	free(p->name);
	free(p->scope);
	free(p->justification);
	memset(p, 0, sizeof(*p));
}

void
step_release(struct step *s)
{
	free(s->title);
	memset(s, 0, sizeof(*s));
}

void
touch_release(struct touch *t)
{
	free(t->type);
	free(t->channel);
	free(t->criterion);
	memset(t, 0, sizeof(*t));
}

#define RELEASE_ARRAY(arr, n, fn)                                            \
	do {                                                                 \
		for (size_t i_ = 0; i_ < (n); i_++)                          \
			fn(&(arr)[i_]);                                      \
		free(arr);                                                   \
	} while (0)

void
deal_release(struct deal *d)
{
	free(d->slug);
	free(d->account);
	free(d->stage);
	free(d->currency);
	free(d->ae);
	free(d->se);
	free(d->champion);
	free(d->champion_email);
	free(d->snooze_reason);
	free(d->crm_source);
	free(d->crm_id);
	free(d->holidays);
	RELEASE_ARRAY(d->criteria, d->ncriteria, criterion_release);
	RELEASE_ARRAY(d->events, d->nevents, event_release);
	RELEASE_ARRAY(d->risks, d->nrisks, risk_release);
	RELEASE_ARRAY(d->phases, d->nphases, phase_release);
	RELEASE_ARRAY(d->playbook, d->nplaybook, step_release);
	RELEASE_ARRAY(d->touches, d->ntouches, touch_release);
	deal_init(d);
}

void
deal_free(struct deal *d)
{
	if (!d)
		return;
	deal_release(d);
	free(d);
}

/*
 * Arrays grow one element at a time with realloc: deals hold tens of
 * children, so exact sizing keeps deal_copy and the release loops simple.
 */
/*
 * Child arrays grow to the next power of two: the capacity is implied by
 * the count (it is the smallest power of two >= n), so loading a deal's
 * rows costs log n reallocations instead of n. Counts only ever grow
 * through here or shrink, and shrinking keeps the larger block.
 */
#define ADD_CHILD(arr, n)                                                    \
	do {                                                                 \
		if (!((n) & ((n) - 1)))                                      \
			(arr) = xrealloc((arr), ((n) ? 2 * (n) : 1) *        \
						 sizeof(*(arr)));            \
		memset(&(arr)[(n)], 0, sizeof(*(arr)));                      \
		return &(arr)[(n)++];                                        \
	} while (0)

struct criterion *
deal_add_criterion(struct deal *d)
{
	ADD_CHILD(d->criteria, d->ncriteria);
}

struct event *
deal_add_event(struct deal *d)
{
	ADD_CHILD(d->events, d->nevents);
}

struct risk *
deal_add_risk(struct deal *d)
{
	ADD_CHILD(d->risks, d->nrisks);
}

struct phase *
deal_add_phase(struct deal *d)
{
	ADD_CHILD(d->phases, d->nphases);
}

struct step *
deal_add_step(struct deal *d)
{
	ADD_CHILD(d->playbook, d->nplaybook);
}

struct touch *
deal_add_touch(struct deal *d)
{
	ADD_CHILD(d->touches, d->ntouches);
}

void
deal_add_holiday(struct deal *d, tw_date day)
{
	d->holidays = xrealloc(d->holidays,
			       (d->nholidays + 1) * sizeof(*d->holidays));
	d->holidays[d->nholidays++] = day;
	d->nholidays = holidays_normalize(d->holidays, d->nholidays);
}

void
deal_copy(struct deal *dst, const struct deal *src)
{
	deal_init(dst);
	dst->slug = xstrdup_or_null(src->slug);
	dst->account = xstrdup_or_null(src->account);
	dst->stage = xstrdup_or_null(src->stage);
	dst->has_value = src->has_value;
	dst->value = src->value;
	dst->currency = xstrdup_or_null(src->currency);
	dst->ae = xstrdup_or_null(src->ae);
	dst->se = xstrdup_or_null(src->se);
	dst->has_procurement_days = src->has_procurement_days;
	dst->procurement_days = src->procurement_days;
	dst->champion = xstrdup_or_null(src->champion);
	dst->champion_email = xstrdup_or_null(src->champion_email);
	dst->poc_start = src->poc_start;
	dst->poc_end = src->poc_end;
	dst->close_date = src->close_date;
	dst->outcome = src->outcome;
	dst->snooze_until = src->snooze_until;
	dst->snooze_reason = xstrdup_or_null(src->snooze_reason);
	dst->crm_source = xstrdup_or_null(src->crm_source);
	dst->crm_id = xstrdup_or_null(src->crm_id);

	for (size_t i = 0; i < src->nholidays; i++)
		deal_add_holiday(dst, src->holidays[i]);
	for (size_t i = 0; i < src->ncriteria; i++) {
		const struct criterion *s = &src->criteria[i];
		struct criterion *c = deal_add_criterion(dst);

		*c = *s;
		c->key = xstrdup_or_null(s->key);
		c->metric = xstrdup_or_null(s->metric);
		c->unit = xstrdup_or_null(s->unit);
		c->outcome = xstrdup_or_null(s->outcome);
	}
	for (size_t i = 0; i < src->nevents; i++) {
		const struct event *s = &src->events[i];
		struct event *e = deal_add_event(dst);

		*e = *s;
		e->key = xstrdup_or_null(s->key);
		e->title = xstrdup_or_null(s->title);
		e->owner = xstrdup_or_null(s->owner);
		e->after = xstrdup_or_null(s->after);
	}
	for (size_t i = 0; i < src->nrisks; i++) {
		const struct risk *s = &src->risks[i];
		struct risk *r = deal_add_risk(dst);

		*r = *s;
		r->key = xstrdup_or_null(s->key);
		r->title = xstrdup_or_null(s->title);
	}
	for (size_t i = 0; i < src->nphases; i++) {
		const struct phase *s = &src->phases[i];
		struct phase *p = deal_add_phase(dst);

		*p = *s;
		p->name = xstrdup_or_null(s->name);
		p->scope = xstrdup_or_null(s->scope);
		p->justification = xstrdup_or_null(s->justification);
		p->criteria = s->ncriteria
			? xcalloc(s->ncriteria, sizeof(*p->criteria)) : NULL;
		for (size_t j = 0; j < s->ncriteria; j++)
			p->criteria[j] = xstrdup(s->criteria[j]);
	}
	for (size_t i = 0; i < src->nplaybook; i++) {
		const struct step *s = &src->playbook[i];
		struct step *st = deal_add_step(dst);

		*st = *s;
		st->title = xstrdup_or_null(s->title);
	}
	for (size_t i = 0; i < src->ntouches; i++) {
		const struct touch *s = &src->touches[i];
		struct touch *t = deal_add_touch(dst);

		*t = *s;
		t->type = xstrdup_or_null(s->type);
		t->channel = xstrdup_or_null(s->channel);
		t->criterion = xstrdup_or_null(s->criterion);
	}
}

static int
str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

struct criterion *
deal_find_criterion(const struct deal *d, const char *key)
{
	for (size_t i = 0; i < d->ncriteria; i++)
		if (str_eq(d->criteria[i].key, key))
			return &d->criteria[i];
	return NULL;
}

struct event *
deal_find_event(const struct deal *d, const char *key)
{
	for (size_t i = 0; i < d->nevents; i++)
		if (str_eq(d->events[i].key, key))
			return &d->events[i];
	return NULL;
}

struct risk *
deal_find_risk(const struct deal *d, const char *key)
{
	for (size_t i = 0; i < d->nrisks; i++)
		if (str_eq(d->risks[i].key, key))
			return &d->risks[i];
	return NULL;
}

struct phase *
deal_find_phase(const struct deal *d, int number)
{
	for (size_t i = 0; i < d->nphases; i++)
		if (d->phases[i].number == number)
			return &d->phases[i];
	return NULL;
}

struct holidays
deal_holidays(const struct deal *d)
{
	struct holidays h = { d->holidays, d->nholidays };

	return h;
}

static const char *const direction_names[] = { "at_most", "at_least" };
static const char *const event_kind_names[] = { "technical", "commercial" };
static const char *const risk_kind_names[] = { "scaling", "compliance",
	"security", "cost", "other" };
static const char *const outcome_names[] = { "open", "won", "lost" };

static int
name_lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(names[i], s))
			return (int)i;
	return -1;
}

#define ENUM_NAMES(type, table)                                              \
	const char *type##_name(enum type v)                                 \
	{                                                                    \
		return (size_t)v < ARRAY_SIZE(table) ? table[v] : "?";       \
	}                                                                    \
	int type##_parse(const char *s, enum type *out)                      \
	{                                                                    \
		int i = name_lookup(table, ARRAY_SIZE(table), s);            \
		if (i < 0)                                                   \
			return -1;                                           \
		*out = (enum type)i;                                         \
		return 0;                                                    \
	}

ENUM_NAMES(direction, direction_names)
ENUM_NAMES(event_kind, event_kind_names)
ENUM_NAMES(risk_kind, risk_kind_names)
ENUM_NAMES(outcome, outcome_names)

bool
slug_is_valid(const char *s)
{
	size_t n = 0;

	if (!s || !*s || *s == '-')
		return false;
	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return n <= DEAL_SLUG_MAX;
}

bool
key_is_valid(const char *s)
{
	return slug_is_valid(s);
}
