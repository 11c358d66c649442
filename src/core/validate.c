/*
 * Semantic validation of a deal (validate.h): ranges, required fields, key
 * uniqueness and references between entities. The first problem found wins,
 * checked in plan-file order, so a person fixing a file sees errors top down.
 */
#include "core/validate.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const entity_names[] = {
	[ENT_DEAL] = "deal",
	[ENT_HOLIDAY] = "holiday",
	[ENT_CRITERION] = "criterion",
	[ENT_EVENT] = "event",
	[ENT_RISK] = "risk",
	[ENT_PHASE] = "phase",
	[ENT_STEP] = "playbook step",
	[ENT_TOUCH] = "touch",
};

const char *
entity_kind_name(enum entity_kind e)
{
	if ((size_t)e >= sizeof(entity_names) / sizeof(entity_names[0]))
		return "?";
	return entity_names[e];
}

/* Where and what: fills the site and the message, returns TW_EINPUT. */
static int
fail(struct validation_site *site, struct tw_error *err,
     enum entity_kind entity, size_t index, const char *field,
     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static int
fail(struct validation_site *site, struct tw_error *err,
     enum entity_kind entity, size_t index, const char *field,
     const char *fmt, ...)
{
	va_list ap;

	if (site) {
		site->entity = entity;
		site->index = index;
		site->field = field;
	}
	if (err) {
		err->code = TW_EINPUT;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return TW_EINPUT;
}

/* Comparisons are false for NaN, so NaN is rejected with the negatives. */
static bool
is_nonneg(double x)
{
	return x >= 0 && isfinite(x);
}

static bool
is_positive(double x)
{
	return x > 0 && isfinite(x);
}

static bool
is_empty(const char *s)
{
	return !s || !*s;
}

static bool
currency_is_valid(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return s[3] == '\0';
}

static int
check_deal(const struct deal *d, struct validation_site *site,
	   struct tw_error *err)
{
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	if (is_empty(d->slug))
		return fail(site, err, ENT_DEAL, 0, "slug",
			    "deal slug is required");
	if (!slug_is_valid(d->slug))
		return fail(site, err, ENT_DEAL, 0, "slug",
			    "invalid deal slug '%s' (expected [a-z0-9-]{1,64},"
			    " not starting with '-')",
			    d->slug);
	if (is_empty(d->account))
		return fail(site, err, ENT_DEAL, 0, "account",
			    "deal account is required");
	if (d->has_value && !is_nonneg(d->value))
		return fail(site, err, ENT_DEAL, 0, "value",
			    "deal value must be 0 or more, got %g", d->value);
	if (d->currency && !currency_is_valid(d->currency))
		return fail(site, err, ENT_DEAL, 0, "currency",
			    "invalid currency '%s' (expected 3 uppercase "
			    "letters, ISO 4217)",
			    d->currency);
	if (d->has_procurement_days && d->procurement_days < 0)
		return fail(site, err, ENT_DEAL, 0, "procurement_days",
			    "procurement days must be 0 or more, got %d",
			    d->procurement_days);
	if (d->poc_start != DATE_NONE && d->poc_end != DATE_NONE &&
	    d->poc_end < d->poc_start)
		return fail(site, err, ENT_DEAL, 0, "poc.end",
			    "poc end '%s' is before poc start '%s'",
			    date_format(d->poc_end, a),
			    date_format(d->poc_start, b));
	if (d->outcome != OUTCOME_OPEN && d->close_date == DATE_NONE)
		return fail(site, err, ENT_DEAL, 0, "close.outcome",
			    "outcome '%s' requires a close date",
			    outcome_name(d->outcome));
	return 0;
}

static int
check_holidays(const struct deal *d, struct validation_site *site,
	       struct tw_error *err)
{
	for (size_t i = 0; i < d->nholidays; i++)
		if (d->holidays[i] == DATE_NONE)
			return fail(site, err, ENT_HOLIDAY, i, "holidays",
				    "holiday %zu has no date", i + 1);
	return 0;
}

/*
 * Key checks shared by criteria, events and risks. Keys are compared with
 * every earlier one: deals hold tens of children, so quadratic is fine and
 * the duplicate is reported where it is, not where it was first seen.
 */
static int
check_key(const char *key, const char *what, enum entity_kind entity,
	  size_t index, const char *(*key_at)(const struct deal *, size_t),
	  const struct deal *d, struct validation_site *site,
	  struct tw_error *err)
{
	if (is_empty(key))
		return fail(site, err, entity, index, "key",
			    "%s key is required", what);
	if (!key_is_valid(key))
		return fail(site, err, entity, index, "key",
			    "invalid %s key '%s' (expected [a-z0-9-]{1,64}, "
			    "not starting with '-')",
			    what, key);
	for (size_t j = 0; j < index; j++) {
		const char *other = key_at(d, j);

		if (other && !strcmp(other, key))
			return fail(site, err, entity, index, "key",
				    "duplicate %s key '%s'", what, key);
	}
	return 0;
}

static const char *
criterion_key_at(const struct deal *d, size_t i)
{
	return d->criteria[i].key;
}

static const char *
event_key_at(const struct deal *d, size_t i)
{
	return d->events[i].key;
}

static const char *
risk_key_at(const struct deal *d, size_t i)
{
	return d->risks[i].key;
}

static int
check_criteria(const struct deal *d, struct validation_site *site,
	       struct tw_error *err)
{
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		int rc;

		rc = check_key(c->key, "criterion", ENT_CRITERION, i,
			       criterion_key_at, d, site, err);
		if (rc)
			return rc;
		if (!is_positive(c->required))
			return fail(site, err, ENT_CRITERION, i,
				    direction_name(c->direction),
				    "required value must be greater than 0, "
				    "got %g",
				    c->required);
		if (c->has_measured && !is_nonneg(c->measured))
			return fail(site, err, ENT_CRITERION, i, "measured",
				    "measured value must be 0 or more, got %g",
				    c->measured);
		if (!c->has_measured && c->measured_on != DATE_NONE)
			return fail(site, err, ENT_CRITERION, i, "measured_on",
				    "criterion '%s' has a measured_on date but "
				    "no measured value",
				    c->key);
		if (c->has_growth && !is_nonneg(c->growth_pct))
			return fail(site, err, ENT_CRITERION, i, "growth_pct",
				    "growth_pct must be 0 or more, got %g",
				    c->growth_pct);
	}
	return 0;
}

/*
 * Follows 'after' links from event i; a chain longer than the number of
 * events must revisit one, so no visited set is needed.
 */
static bool
event_in_cycle(const struct deal *d, size_t i)
{
	const struct event *e = &d->events[i];

	for (size_t steps = 0; steps <= d->nevents; steps++) {
		if (!e->after)
			return false;
		e = deal_find_event(d, e->after);
		if (!e)
			return false;
		if (e == &d->events[i])
			return true;
	}
	return false;
}

static int
check_events(const struct deal *d, struct validation_site *site,
	     struct tw_error *err)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		int rc;

		rc = check_key(e->key, "event", ENT_EVENT, i, event_key_at, d,
			       site, err);
		if (rc)
			return rc;
	}
	/* References after all keys, so a forward 'after' is fine. */
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (!e->after)
			continue;
		if (!strcmp(e->after, e->key))
			return fail(site, err, ENT_EVENT, i, "after",
				    "event '%s' cannot follow itself", e->key);
		if (!deal_find_event(d, e->after))
			return fail(site, err, ENT_EVENT, i, "after",
				    "event '%s' follows unknown event '%s'",
				    e->key, e->after);
		if (event_in_cycle(d, i))
			return fail(site, err, ENT_EVENT, i, "after",
				    "event '%s' follows itself through '%s'",
				    e->key, e->after);
	}
	return 0;
}

static int
check_risks(const struct deal *d, struct validation_site *site,
	    struct tw_error *err)
{
	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *r = &d->risks[i];
		int rc;

		rc = check_key(r->key, "risk", ENT_RISK, i, risk_key_at, d,
			       site, err);
		if (rc)
			return rc;
		if (r->deadline == DATE_NONE)
			return fail(site, err, ENT_RISK, i, "deadline",
				    "risk '%s' needs a deadline", r->key);
		if (r->buffer.n < 0)
			return fail(site, err, ENT_RISK, i, "buffer",
				    "risk '%s' buffer must be 0 or more, got %d",
				    r->key, r->buffer.n);
		if (r->duration.n < 0)
			return fail(site, err, ENT_RISK, i, "duration",
				    "risk '%s' duration must be 0 or more, "
				    "got %d",
				    r->key, r->duration.n);
	}
	return 0;
}

static int
check_phase_criteria(const struct deal *d, size_t i,
		     struct validation_site *site, struct tw_error *err)
{
	const struct phase *p = &d->phases[i];

	for (size_t j = 0; j < p->ncriteria; j++) {
		const char *key = p->criteria[j];

		if (is_empty(key) || !deal_find_criterion(d, key))
			return fail(site, err, ENT_PHASE, i, "criteria",
				    "phase %d rests on unknown criterion '%s'",
				    p->number, key ? key : "");
		for (size_t k = 0; k < j; k++)
			if (!strcmp(p->criteria[k], key))
				return fail(site, err, ENT_PHASE, i,
					    "criteria",
					    "phase %d lists criterion '%s' "
					    "twice",
					    p->number, key);
	}
	return 0;
}

static int
check_phases(const struct deal *d, struct validation_site *site,
	     struct tw_error *err)
{
	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];
		int rc;

		if (p->number < 1)
			return fail(site, err, ENT_PHASE, i, "number",
				    "phase number must be 1 or more, got %d",
				    p->number);
		for (size_t j = 0; j < i; j++)
			if (d->phases[j].number == p->number)
				return fail(site, err, ENT_PHASE, i, "number",
					    "duplicate phase number %d",
					    p->number);
		if (p->has_price && !is_nonneg(p->price))
			return fail(site, err, ENT_PHASE, i, "price",
				    "phase %d price must be 0 or more, got %g",
				    p->number, p->price);
		rc = check_phase_criteria(d, i, site, err);
		if (rc)
			return rc;
		if (p->has_duration && p->duration.n < 0)
			return fail(site, err, ENT_PHASE, i, "duration",
				    "phase %d duration must be 0 or more, "
				    "got %d",
				    p->number, p->duration.n);
	}
	return 0;
}

static int
check_playbook(const struct deal *d, struct validation_site *site,
	       struct tw_error *err)
{
	for (size_t i = 0; i < d->nplaybook; i++) {
		const struct step *s = &d->playbook[i];

		if (is_empty(s->title))
			return fail(site, err, ENT_STEP, i, "title",
				    "playbook step %zu needs a title", i + 1);
		if (s->offset < 0)
			return fail(site, err, ENT_STEP, i, "offset",
				    "playbook step '%s' offset must be 0 or "
				    "more, got %d",
				    s->title, s->offset);
	}
	return 0;
}

static int
check_touches(const struct deal *d, struct validation_site *site,
	      struct tw_error *err)
{
	for (size_t i = 0; i < d->ntouches; i++) {
		const struct touch *t = &d->touches[i];

		if (is_empty(t->type))
			return fail(site, err, ENT_TOUCH, i, "type",
				    "touch %zu needs a type", i + 1);
		if (t->date == DATE_NONE)
			return fail(site, err, ENT_TOUCH, i, "date",
				    "touch '%s' needs a date", t->type);
	}
	return 0;
}

int
deal_validate(const struct deal *d, struct validation_site *site,
	      struct tw_error *err)
{
	int rc;

	if ((rc = check_deal(d, site, err)) ||
	    (rc = check_holidays(d, site, err)) ||
	    (rc = check_criteria(d, site, err)) ||
	    (rc = check_events(d, site, err)) ||
	    (rc = check_risks(d, site, err)) ||
	    (rc = check_phases(d, site, err)) ||
	    (rc = check_playbook(d, site, err)) ||
	    (rc = check_touches(d, site, err)))
		return rc;
	return 0;
}
