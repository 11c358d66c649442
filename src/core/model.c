/*
 * Lifecycle, lookups and enum names for the domain model.
 */
#include "core/model.h"
#include "core/schema.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void
deal_init(struct deal *d)
{
	memset(d, 0, sizeof(*d));
}

/* A child's fields, then the child zeroed. */
static void
child_release(size_t t, void *obj)
{
	schema_release(&schema_tables[t], obj);
	memset(obj, 0, schema_tables[t].size);
}

void
event_release(struct event *e)
{
	child_release(T_EVENT, e);
}

void
touch_release(struct touch *t)
{
	child_release(T_TOUCH, t);
}

/* The array of table tb in d, and its count. */
static char **
child_array(const struct schema_table *tb, struct deal *d, size_t **n)
{
	*n = (size_t *)((char *)d + tb->n);
	return (char **)((char *)d + tb->arr);
}

void
deal_release(struct deal *d)
{
	free(d->slug);
	schema_release(&schema_deal, d);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];
		size_t *n;
		char **arr = child_array(tb, d, &n);

		for (size_t i = 0; i < *n; i++)
			schema_release(tb, *arr + i * tb->size);
		free(*arr);
	}
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

static struct criterion *
new_criterion(struct deal *d)
{
	ADD_CHILD(d->criteria, d->ncriteria);
}

/* A criterion scales with the load unless it says otherwise. */
struct criterion *
deal_add_criterion(struct deal *d)
{
	struct criterion *c = new_criterion(d);

	c->scales_with_load = true;
	return c;
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

struct ack *
deal_add_ack(struct deal *d)
{
	ADD_CHILD(d->acks, d->nacks);
}

struct link *
deal_add_link(struct deal *d)
{
	ADD_CHILD(d->links, d->nlinks);
}

void
deal_add_holiday(struct deal *d, tw_date day)
{
	d->holidays = xrealloc(d->holidays,
			       (d->nholidays + 1) * sizeof(*d->holidays));
	d->holidays[d->nholidays++] = day;
	d->nholidays = holidays_normalize(d->holidays, d->nholidays);
}

static int
cmp_phase_number(const void *a, const void *b)
{
	const struct phase *x = *(struct phase *const *)a;
	const struct phase *y = *(struct phase *const *)b;

	return (x->number > y->number) - (x->number < y->number);
}

void
deal_phase_add_criterion(struct deal *d, int number, const char *key,
			 struct phase_finder *f)
{
	struct phase *p = f->last, key_phase, *want = &key_phase, **hit;

	if (!d->nphases)
		return;
	if (!f->by_number) {
		f->by_number = xmalloc(d->nphases * sizeof(*f->by_number));
		for (size_t i = 0; i < d->nphases; i++)
			f->by_number[i] = &d->phases[i];
		qsort(f->by_number, d->nphases, sizeof(*f->by_number),
		      cmp_phase_number);
	}
	if (!p || p->number != number) {
		key_phase.number = number;
		hit = bsearch(&want, f->by_number, d->nphases,
			      sizeof(*f->by_number), cmp_phase_number);
		p = f->last = hit ? *hit : NULL;
	}
	if (!p)
		return;
	p->criteria = xrealloc(p->criteria,
			       (p->ncriteria + 1) * sizeof(*p->criteria));
	p->criteria[p->ncriteria++] = xstrdup(key ? key : "");
}

void
phase_finder_release(struct phase_finder *f)
{
	free(f->by_number);
	f->by_number = NULL;
	f->last = NULL;
}

void
deal_copy(struct deal *dst, const struct deal *src)
{
	deal_init(dst);
	dst->slug = xstrdup_or_null(src->slug);
	for (size_t i = 0; i < schema_deal.nfields; i++)
		field_copy(&schema_deal.fields[i], dst, src);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		for (size_t i = 0; i < tb->count(src); i++)
			schema_copy(tb, tb->add(dst), tb->at(src, i));
	}
}

static int
str_eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

void
deal_drop_internal(struct deal *d)
{
	size_t k = 0;

	for (size_t i = 0; i < d->nevents; i++) {
		if (d->events[i].internal) {
			schema_release(&schema_tables[T_EVENT], &d->events[i]);
			continue;
		}
		d->events[k++] = d->events[i];
	}
	d->nevents = k;
	/* A shared step does not follow one the prospect cannot see. */
	for (size_t i = 0; i < d->nevents; i++)
		if (d->events[i].after &&
		    !deal_find_event(d, d->events[i].after))
			field_release(schema_field(&schema_tables[T_EVENT],
						   "after", false),
				      &d->events[i]);
	k = 0;
	for (size_t i = 0; i < d->nphases; i++) {
		if (d->phases[i].internal) {
			schema_release(&schema_tables[T_PHASE], &d->phases[i]);
			continue;
		}
		d->phases[k++] = d->phases[i];
	}
	d->nphases = k;
}

struct criterion *
deal_find_criterion(const struct deal *d, const char *key)
{
	for (size_t i = 0; i < d->ncriteria; i++)
		if (str_eq(d->criteria[i].key, key))
			return &d->criteria[i];
	return NULL;
}

bool
event_done_by(const struct event *e, tw_date today)
{
	return e->done != DATE_NONE && e->done <= today;
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

struct link *
deal_find_link(const struct deal *d, int id)
{
	for (size_t i = 0; i < d->nlinks; i++)
		if (d->links[i].id == id)
			return &d->links[i];
	return NULL;
}

static int
cmp_phase_ptr(const void *a, const void *b)
{
	const struct phase *pa = *(const struct phase *const *)a;
	const struct phase *pb = *(const struct phase *const *)b;

	return (pa->number > pb->number) - (pa->number < pb->number);
}

const struct phase **
deal_phases_by_number(const struct deal *d)
{
	const struct phase **ph = xcalloc(d->nphases, sizeof(*ph));

	for (size_t i = 0; i < d->nphases; i++)
		ph[i] = &d->phases[i];
	qsort(ph, d->nphases, sizeof(*ph), cmp_phase_ptr);
	return ph;
}

struct holidays
deal_holidays(const struct deal *d)
{
	struct holidays h = { .days = d->holidays, .n = d->nholidays };

	return h;
}

struct holidays
deal_merged_holidays(const struct deal *d, const struct holidays *ws,
		     tw_date **buf)
{
	size_t nws = ws ? ws->n : 0, n = d->nholidays + nws;
	struct holidays h;

	*buf = xmalloc((n ? n : 1) * sizeof(**buf));
	if (d->nholidays)
		memcpy(*buf, d->holidays, d->nholidays * sizeof(**buf));
	if (nws)
		memcpy(*buf + d->nholidays, ws->days, nws * sizeof(**buf));
	h.days = *buf;
	h.n = holidays_normalize(*buf, n);
	h.playbook = ws ? ws->playbook : NULL;
	h.nplaybook = ws ? ws->nplaybook : 0;
	return h;
}

static const char *const direction_names[] = { "at_most", "at_least" };
static const char *const event_kind_names[] = { "technical", "commercial" };
static const char *const risk_kind_names[] = { "scaling", "compliance",
	"security", "cost", "other" };
static const char *const outcome_names[] = { "open", "won", "lost" };
static const char *const side_names[] = { "seller", "buyer" };

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
ENUM_NAMES(event_side, side_names)

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
