/*
 * Semantic validation of a deal (validate.h): ranges, required fields, key
 * uniqueness, references between entities, text that can be shown (no
 * control characters; line feeds only where a field is multi-line) and a
 * champion email that is one address. The first problem found wins,
 * checked in plan-file order, so a person fixing a file sees errors top down.
 */
#include "core/validate.h"
#include "util/keymap.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
	[ENT_ACK] = "acknowledgement",
	[ENT_LINK] = "share link",
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

size_t
text_find_control(const char *s, bool multiline, unsigned *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t pos = 0;

	for (; p && *p; p++) {
		unsigned c = *p;

		if ((c & 0xc0) != 0x80)
			pos++;
		if (c < 0x20 || c == 0x7f) {
			if (multiline && (c == '\n' || c == '\t'))
				continue;
		} else if (c == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			c = p[1];	/* U+0080-U+009F */
		} else {
			continue;
		}
		if (cp)
			*cp = c;
		return pos;
	}
	return 0;
}

/*
 * Length of the UTF-8 sequence at p for a character from U+00A0 up
 * (RFC 6532's UTF8-non-ascii, less the C1 controls); 0 when p does not
 * start one.
 */
static size_t
utf8_non_ascii(const unsigned char *p)
{
	unsigned cp, min;
	size_t n;

	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2;
		cp = *p & 0x1f;
		min = 0xa0;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3;
		cp = *p & 0x0f;
		min = 0x800;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4;
		cp = *p & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* RFC 5322 atext, one character (of n bytes); 0 when p is not one. */
static size_t
atext_len(const unsigned char *p)
{
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	    (*p >= '0' && *p <= '9'))
		return 1;
	if (*p && strchr("!#$%&'*+-/=?^_`{|}~", *p))
		return 1;
	return utf8_non_ascii(p);
}

/* dot-atom-text: 1*atext *("." 1*atext); NULL when p does not start one. */
static const unsigned char *
scan_dot_atom(const unsigned char *p)
{
	size_t n;

	for (;;) {
		if (!(n = atext_len(p)))
			return NULL;	/* empty atom: leading, trailing or ".." */
		while ((n = atext_len(p)))
			p += n;
		if (*p != '.')
			return p;
		p++;
	}
}

/*
 * quoted-string without CFWS around it: qtext, quoted-pair and the
 * spaces and tabs of FWS (line folding is a control, refused anyway).
 * With open '"' and close '"' it is also the domain-literal, "[...]",
 * whose dtext leaves out '[', ']' and '\\' and has no quoted-pair.
 */
static const unsigned char *
scan_quoted(const unsigned char *p, unsigned char open, unsigned char close)
{
	size_t n;

	if (*p++ != open)
		return NULL;
	while (*p != close) {
		if (*p == ' ' || *p == '\t') {
			p++;
		} else if (open == '"' && *p == '\\') {
			if (!(p[1] == ' ' || p[1] == '\t' ||
			      (p[1] >= 0x21 && p[1] <= 0x7e)))
				return NULL;
			p += 2;
		} else if (*p >= 0x21 && *p <= 0x7e && *p != '\\' &&
			   (open == '"' || (*p != '[' && *p != ']'))) {
			p++;
		} else if ((n = utf8_non_ascii(p))) {
			p += n;
		} else {
			return NULL;	/* a control, or the end */
		}
	}
	return p + 1;
}

bool
email_addr_spec_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!p)
		return false;
	p = *p == '"' ? scan_quoted(p, '"', '"') : scan_dot_atom(p);
	if (!p || *p++ != '@')
		return false;
	p = *p == '[' ? scan_quoted(p, '[', ']') : scan_dot_atom(p);
	return p && !*p;
}

static const char *
control_name(unsigned cp)
{
	switch (cp) {
	case '\n':
		return "line feed";
	case '\r':
		return "carriage return";
	case '\t':
		return "tab";
	default:
		return "control character";
	}
}

/* A text field of an entity: where it is, what a person calls it. */
struct text_field {
	const char *site;	/* plan-file field name */
	const char *name;	/* in messages */
	const char *value;
	bool multiline;
};

/*
 * The first field of fields[0..n) holding a character it may not hold,
 * reported as "<owner> <name> must be ..."; the value is not quoted, so
 * that the message itself stays one line.
 */
static int
check_texts(const struct text_field *fields, size_t n, const char *owner,
	    enum entity_kind entity, size_t index,
	    struct validation_site *site, struct tw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct text_field *f = &fields[i];
		unsigned cp = 0;
		size_t at = text_find_control(f->value, f->multiline, &cp);

		if (!at)
			continue;
		if (f->multiline)
			return fail(site, err, entity, index, f->site,
				    "%s %s may hold line feeds and tabs but "
				    "no other control character, found %s "
				    "U+%04X at character %zu",
				    owner, f->name, control_name(cp), cp, at);
		return fail(site, err, entity, index, f->site,
			    "%s %s must be a single line without control "
			    "characters, found %s U+%04X at character %zu",
			    owner, f->name, control_name(cp), cp, at);
	}
	return 0;
}

#define CHECK_TEXTS(fields, owner, entity, index, site, err)                 \
	check_texts(fields, sizeof(fields) / sizeof((fields)[0]), owner,      \
		    entity, index, site, err)

static int
check_deal(const struct deal *d, struct validation_site *site,
	   struct tw_error *err)
{
	const struct text_field slug[] = {
		{ "slug", "slug", d->slug, false },
	};
	/* Plan-file order, then the database-only fields. */
	const struct text_field texts[] = {
		{ "account", "account", d->account, false },
		{ "stage", "stage", d->stage, false },
		{ "currency", "currency", d->currency, false },
		{ "ae", "ae", d->ae, false },
		{ "se", "se", d->se, false },
		{ "champion.name", "champion name", d->champion, false },
		{ "champion.email", "champion email", d->champion_email,
		  false },
		{ "snooze_reason", "snooze reason", d->snooze_reason, false },
		{ "crm_source", "crm source", d->crm_source, false },
		{ "crm_id", "crm id", d->crm_id, false },
	};
	char a[DATE_BUFSZ], b[DATE_BUFSZ];
	int rc;

	if (is_empty(d->slug))
		return fail(site, err, ENT_DEAL, 0, "slug",
			    "deal slug is required");
	if ((rc = CHECK_TEXTS(slug, "deal", ENT_DEAL, 0, site, err)))
		return rc;
	if (!slug_is_valid(d->slug))
		return fail(site, err, ENT_DEAL, 0, "slug",
			    "invalid deal slug '%s' (expected [a-z0-9-]{1,64},"
			    " not starting with '-')",
			    d->slug);
	if (is_empty(d->account))
		return fail(site, err, ENT_DEAL, 0, "account",
			    "deal account is required");
	if ((rc = CHECK_TEXTS(texts, "deal", ENT_DEAL, 0, site, err)))
		return rc;
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
	if (!is_empty(d->champion_email) &&
	    !email_addr_spec_valid(d->champion_email))
		return fail(site, err, ENT_DEAL, 0, "champion.email",
			    "deal champion email '%s' must be one address "
			    "(an RFC 5322 addr-spec such as "
			    "name@example.com)",
			    d->champion_email);
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
 * Key checks shared by criteria, events and risks. seen holds the keys
 * before this one, so a duplicate is reported where it is, not where it
 * was first seen, in O(1): a file may hold thousands of children.
 */
static int
check_key(const char *key, const char *what, enum entity_kind entity,
	  size_t index, struct keymap *seen, struct validation_site *site,
	  struct tw_error *err)
{
	const struct text_field text[] = { { "key", "key", key, false } };
	int rc;

	if (is_empty(key))
		return fail(site, err, entity, index, "key",
			    "%s key is required", what);
	if ((rc = CHECK_TEXTS(text, what, entity, index, site, err)))
		return rc;
	if (!key_is_valid(key))
		return fail(site, err, entity, index, "key",
			    "invalid %s key '%s' (expected [a-z0-9-]{1,64}, "
			    "not starting with '-')",
			    what, key);
	if (keymap_add_str(seen, key, index) != KEYMAP_NONE)
		return fail(site, err, entity, index, "key",
			    "duplicate %s key '%s'", what, key);
	return 0;
}

/* The deal's keys, gathered by the checks that go first. */
struct keys {
	struct keymap criteria, events, risks, phases;
	size_t *listed;		/* by criterion: the phase that listed it */
	size_t *listed_risks;	/* by risk: the phase that listed it */
};

static int
check_criteria(const struct deal *d, struct keys *keys,
	       struct validation_site *site, struct tw_error *err)
{
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];

		const struct text_field texts[] = {
			{ "metric", "metric", c->metric, false },
			{ "unit", "unit", c->unit, false },
			{ "outcome", "outcome", c->outcome, true },
		};
		char owner[96];
		int rc;

		rc = check_key(c->key, "criterion", ENT_CRITERION, i,
			       &keys->criteria, site, err);
		if (rc)
			return rc;
		snprintf(owner, sizeof(owner), "criterion '%s'", c->key);
		if ((rc = CHECK_TEXTS(texts, owner, ENT_CRITERION, i, site,
				      err)))
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
 * Which events are on a cycle of 'after' links. An event follows at most
 * one other, so a walk from each event not seen yet ends at an event seen
 * before; when it is this walk that saw it, the events from there on are
 * a cycle. Every event is walked once: linear in the number of events.
 */
static bool *
events_on_cycle(const struct deal *d, const struct keymap *events)
{
	size_t n = d->nevents, *walk = xcalloc(n + 1, sizeof(*walk));
	bool *cycle = xcalloc(n + 1, sizeof(*cycle));

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		while (j != KEYMAP_NONE && !walk[j]) {
			walk[j] = i + 1;
			j = keymap_get_str(events, d->events[j].after);
		}
		if (j != KEYMAP_NONE && walk[j] == i + 1)
			for (; !cycle[j];
			     j = keymap_get_str(events, d->events[j].after))
				cycle[j] = true;
	}
	free(walk);
	return cycle;
}

static int
check_events(const struct deal *d, struct keys *keys,
	     struct validation_site *site, struct tw_error *err)
{
	bool *cycle;
	int rc = 0;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		const struct text_field texts[] = {
			{ "title", "title", e->title, false },
			{ "owner", "owner", e->owner, false },
			{ "after", "after", e->after, false },
			{ "step", "step", e->step, false },
		};
		char owner[96];

		rc = check_key(e->key, "event", ENT_EVENT, i, &keys->events,
			       site, err);
		if (rc)
			return rc;
		snprintf(owner, sizeof(owner), "event '%s'", e->key);
		if ((rc = CHECK_TEXTS(texts, owner, ENT_EVENT, i, site, err)))
			return rc;
		if (e->step && !key_is_valid(e->step))
			return fail(site, err, ENT_EVENT, i, "step",
				    "event '%s' step '%s' is not a playbook "
				    "step key (expected [a-z0-9-]{1,64})",
				    e->key, e->step);
	}
	/* References after all keys, so a forward 'after' is fine. */
	cycle = events_on_cycle(d, &keys->events);
	for (size_t i = 0; i < d->nevents && !rc; i++) {
		const struct event *e = &d->events[i];

		if (!e->after)
			continue;
		if (!strcmp(e->after, e->key))
			rc = fail(site, err, ENT_EVENT, i, "after",
				  "event '%s' cannot follow itself", e->key);
		else if (keymap_get_str(&keys->events, e->after) ==
			 KEYMAP_NONE)
			rc = fail(site, err, ENT_EVENT, i, "after",
				  "event '%s' follows unknown event '%s'",
				  e->key, e->after);
		else if (cycle[i])
			rc = fail(site, err, ENT_EVENT, i, "after",
				  "event '%s' follows itself through '%s'",
				  e->key, e->after);
	}
	free(cycle);
	return rc;
}

static int
check_risks(const struct deal *d, struct keys *keys,
	    struct validation_site *site, struct tw_error *err)
{
	for (size_t i = 0; i < d->nrisks; i++) {
		const struct risk *r = &d->risks[i];
		const struct text_field texts[] = {
			{ "title", "title", r->title, false },
		};
		char owner[96];
		int rc;

		rc = check_key(r->key, "risk", ENT_RISK, i, &keys->risks, site,
			       err);
		if (rc)
			return rc;
		snprintf(owner, sizeof(owner), "risk '%s'", r->key);
		if ((rc = CHECK_TEXTS(texts, owner, ENT_RISK, i, site, err)))
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

/*
 * The keys a phase lists in field (its criteria, the risks it addresses):
 * known keys of known, each once. A key listed twice in one phase names
 * the same one twice, so the phase is marked on it (listed) instead of
 * compared with every earlier key. noun is "criterion" or "risk"; verb
 * what the phase does with it ("rests on").
 */
static int
check_phase_keys(const struct phase *p, size_t i, const char *field,
		 char *const *list, size_t n, const struct keymap *known,
		 size_t *listed, const char *noun, const char *verb,
		 struct validation_site *site, struct tw_error *err)
{
	for (size_t j = 0; j < n; j++) {
		const char *key = list[j];
		char what[32];
		const struct text_field text[] = {
			{ field, what, key, false },
		};
		char owner[32];
		size_t c;
		int rc;

		snprintf(what, sizeof(what), "%s key", noun);
		snprintf(owner, sizeof(owner), "phase %d", p->number);
		if ((rc = CHECK_TEXTS(text, owner, ENT_PHASE, i, site, err)))
			return rc;
		c = is_empty(key) ? KEYMAP_NONE : keymap_get_str(known, key);
		if (c == KEYMAP_NONE)
			return fail(site, err, ENT_PHASE, i, field,
				    "phase %d %s unknown %s '%s'", p->number,
				    verb, noun, key ? key : "");
		if (listed[c] == i + 1)
			return fail(site, err, ENT_PHASE, i, field,
				    "phase %d lists %s '%s' twice", p->number,
				    noun, key);
		listed[c] = i + 1;
	}
	return 0;
}

static int
check_phases(const struct deal *d, struct keys *keys,
	     struct validation_site *site, struct tw_error *err)
{
	keys->listed = xcalloc(d->ncriteria + 1, sizeof(*keys->listed));
	keys->listed_risks = xcalloc(d->nrisks + 1,
				     sizeof(*keys->listed_risks));
	for (size_t i = 0; i < d->nphases; i++) {
		const struct phase *p = &d->phases[i];
		const struct text_field texts[] = {
			{ "name", "name", p->name, false },
			{ "scope", "scope", p->scope, true },
			{ "justification", "justification", p->justification,
			  true },
		};
		char owner[32];
		int rc;

		if (p->number < 1)
			return fail(site, err, ENT_PHASE, i, "number",
				    "phase number must be 1 or more, got %d",
				    p->number);
		if (keymap_add(&keys->phases, &p->number, sizeof(p->number),
			       i) != KEYMAP_NONE)
			return fail(site, err, ENT_PHASE, i, "number",
				    "duplicate phase number %d", p->number);
		snprintf(owner, sizeof(owner), "phase %d", p->number);
		if ((rc = CHECK_TEXTS(texts, owner, ENT_PHASE, i, site, err)))
			return rc;
		if (p->has_price && !is_nonneg(p->price))
			return fail(site, err, ENT_PHASE, i, "price",
				    "phase %d price must be 0 or more, got %g",
				    p->number, p->price);
		rc = check_phase_keys(p, i, "criteria", p->criteria,
				      p->ncriteria, &keys->criteria,
				      keys->listed, "criterion", "rests on",
				      site, err);
		if (!rc)
			rc = check_phase_keys(p, i, "risks", p->risks,
					      p->nrisks, &keys->risks,
					      keys->listed_risks, "risk",
					      "addresses", site, err);
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
check_step(const struct step *s, size_t i, struct keymap *seen,
	   struct validation_site *site, struct tw_error *err)
{
	const struct text_field texts[] = {
		{ "title", "title", s->title, false },
		{ "owner", "owner", s->owner, false },
	};
	char owner[48];
	int rc;

	if (is_empty(s->title))
		return fail(site, err, ENT_STEP, i, "title",
			    "playbook step %zu needs a title", i + 1);
	snprintf(owner, sizeof(owner), "playbook step %zu", i + 1);
	if ((rc = CHECK_TEXTS(texts, owner, ENT_STEP, i, site, err)))
		return rc;
	if (s->offset < 0)
		return fail(site, err, ENT_STEP, i, "offset",
			    "playbook step '%s' offset must be 0 or "
			    "more, got %d",
			    s->title, s->offset);
	if (s->key && (rc = check_key(s->key, "playbook step",
				      ENT_STEP, i, seen, site, err)))
		return rc;
	if (s->owner && strcmp(s->owner, "ae") &&
	    strcmp(s->owner, "se"))
		return fail(site, err, ENT_STEP, i, "owner",
			    "playbook step '%s' owner must be ae or "
			    "se, got '%s'",
			    s->title, s->owner);
	return 0;
}

int
playbook_validate(const struct step *steps, size_t n,
		  struct validation_site *site, struct tw_error *err)
{
	struct keymap seen = KEYMAP_INIT;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		rc = check_step(&steps[i], i, &seen, site, err);
	keymap_release(&seen);
	return rc;
}

static int
check_playbook(const struct deal *d, struct validation_site *site,
	       struct tw_error *err)
{
	return playbook_validate(d->playbook, d->nplaybook, site, err);
}

static int
check_touches(const struct deal *d, struct validation_site *site,
	      struct tw_error *err)
{
	for (size_t i = 0; i < d->ntouches; i++) {
		const struct touch *t = &d->touches[i];
		const struct text_field texts[] = {
			{ "type", "type", t->type, false },
			{ "channel", "channel", t->channel, false },
			{ "criterion", "criterion", t->criterion, false },
		};
		char owner[32];
		int rc;

		if (is_empty(t->type))
			return fail(site, err, ENT_TOUCH, i, "type",
				    "touch %zu needs a type", i + 1);
		snprintf(owner, sizeof(owner), "touch %zu", i + 1);
		if ((rc = CHECK_TEXTS(texts, owner, ENT_TOUCH, i, site, err)))
			return rc;
		if (t->date == DATE_NONE)
			return fail(site, err, ENT_TOUCH, i, "date",
				    "touch '%s' needs a date", t->type);
	}
	return 0;
}

static int
check_all(const struct deal *d, struct keys *keys,
	  struct validation_site *site, struct tw_error *err)
{
	int rc;

	if ((rc = check_deal(d, site, err)) ||
	    (rc = check_holidays(d, site, err)) ||
	    (rc = check_criteria(d, keys, site, err)) ||
	    (rc = check_events(d, keys, site, err)) ||
	    (rc = check_risks(d, keys, site, err)) ||
	    (rc = check_phases(d, keys, site, err)) ||
	    (rc = check_playbook(d, site, err)) ||
	    (rc = check_touches(d, site, err)))
		return rc;
	return 0;
}

int
deal_validate(const struct deal *d, struct validation_site *site,
	      struct tw_error *err)
{
	struct keys keys = { KEYMAP_INIT, KEYMAP_INIT, KEYMAP_INIT,
			     KEYMAP_INIT, NULL, NULL };
	int rc = check_all(d, &keys, site, err);

	keymap_release(&keys.criteria);
	keymap_release(&keys.events);
	keymap_release(&keys.risks);
	keymap_release(&keys.phases);
	free(keys.listed);
	free(keys.listed_risks);
	return rc;
}
