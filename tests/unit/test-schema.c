/*
 * Unit tests for src/core/schema.c: the field tables and what every walker
 * of a deal does through them (compare, copy, release, text for history and
 * for the database, parse what a person typed). The round trips run over
 * the tables themselves, so a field added to schema.c is covered here once
 * the full deal below gives it a value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "util/xalloc.h"

#define CRIT (&schema_tables[T_CRITERION])
#define EVENT (&schema_tables[T_EVENT])
#define RISK (&schema_tables[T_RISK])
#define PHASE (&schema_tables[T_PHASE])
#define STEP (&schema_tables[T_STEP])

/* tests/unit/helpers.h will hold the shared D() once it lands. */
static tw_date
D(const char *s)
{
	tw_date d = DATE_NONE;

	assert_int_equal(date_parse(s, &d, NULL), 0);
	return d;
}

static const struct field *
F(const struct schema_table *tb, const char *json)
{
	const struct field *f = schema_field(tb, json, true);

	if (!f)
		fail_msg("%s has no field %s", tb->entity, json);
	return f;
}

static char **
list2(const char *a, const char *b, size_t *n)
{
	char **l = xcalloc(2, sizeof(*l));

	l[0] = xstrdup(a);
	l[1] = xstrdup(b);
	*n = 2;
	return l;
}

/*
 * A deal where every field of every table holds a value that is not a
 * fresh struct's, and every table has two rows.
 */
static void
build_full(struct deal *d)
{
	deal_init(d);
	d->slug = xstrdup("acme");
	d->account = xstrdup("Acme");
	d->stage = xstrdup("pilot");
	d->has_value = true;
	d->value = 120000.5;
	d->currency = xstrdup("EUR");
	d->ae = xstrdup("Alex");
	d->se = xstrdup("Sam");
	d->has_procurement_days = true;
	d->procurement_days = 10;
	d->champion = xstrdup("Dana");
	d->champion_email = xstrdup("dana@acme.example");
	d->poc_start = D("2026-11-02");
	d->poc_end = D("2026-11-27");
	d->close_date = D("2026-12-01");
	d->outcome = OUTCOME_WON;
	d->snooze_until = D("2026-12-20");
	d->snooze_reason = xstrdup("legal");
	d->crm_source = xstrdup("salesforce");
	d->crm_id = xstrdup("006A");
	d->confirmed_by = xstrdup("Dana Ruiz");
	d->confirmed_on = D("2026-12-03");
	deal_add_holiday(d, D("2026-12-24"));
	deal_add_holiday(d, D("2026-12-25"));

	for (int i = 0; i < 2; i++) {
		struct criterion *c = deal_add_criterion(d);
		struct event *e = deal_add_event(d);
		struct risk *r = deal_add_risk(d);
		struct phase *p = deal_add_phase(d);
		struct step *s = deal_add_step(d);
		struct touch *t = deal_add_touch(d);
		struct ack *a = deal_add_ack(d);
		struct link *l = deal_add_link(d);

		c->key = xstrdup(i ? "tput" : "p95");
		c->metric = xstrdup("latency");
		c->unit = xstrdup("ms");
		c->direction = DIR_AT_LEAST;
		c->required = 200 + i;
		c->has_measured = true;
		c->measured = 0.1 + i;
		c->measured_on = D("2026-11-20");
		c->has_growth = true;
		c->growth_pct = 30;
		c->outcome = xstrdup("Checkout\nstays fast");

		e->key = xstrdup(i ? "readout" : "kickoff");
		e->kind = EVENT_COMMERCIAL;
		e->title = xstrdup("Kickoff");
		e->owner = xstrdup("Sam");
		e->date = D("2026-11-02") + i;
		e->done = D("2026-11-03");
		e->after = xstrdup(i ? "kickoff" : "readout-x");
		e->side = SIDE_BUYER;
		e->internal = true;
		e->proposed = D("2026-11-09");
		e->proposed_note = xstrdup("legal is out that week");
		e->proposed_on = D("2026-11-04");
		e->step = xstrdup("exec-summary");

		r->key = xstrdup(i ? "audit" : "peak");
		r->title = xstrdup("Peak season");
		r->kind = RISK_COST;
		r->deadline = D("2027-01-15");
		r->buffer.n = 2;
		r->buffer.unit = DUR_WEEKS;
		r->duration.n = 10;
		r->duration.unit = DUR_BDAYS;

		p->number = 1 + i;
		p->name = xstrdup("Pilot");
		p->scope = xstrdup("One region");
		p->has_price = true;
		p->price = 80000;
		p->justification = xstrdup("Saves\ttime");
		p->criteria = list2("p95", "tput", &p->ncriteria);
		p->risks = list2("peak", "audit", &p->nrisks);
		p->has_duration = true;
		p->duration.n = 3;
		p->duration.unit = DUR_WEEKS;
		p->internal = true;

		s->title = xstrdup("Executive summary");
		s->offset = 2 + i;
		s->kind = EVENT_COMMERCIAL;
		s->plus_procurement = true;
		s->key = xstrdup(i ? "exec-summary" : "terms");
		s->owner = xstrdup("se");

		t->type = xstrdup("pricing");
		t->date = D("2026-12-02");
		t->channel = xstrdup("email");
		t->criterion = xstrdup("p95");

		a->rule = xstrdup("unframed-pass");
		a->subject = xstrdup(i ? "tput" : "p95");
		a->reason = xstrdup("framed on a call");
		a->actor = xstrdup("ann");
		a->until = D("2026-12-18");
		a->acked_on = D("2026-12-04");

		l->id = 3 + i;
		l->made = D("2026-11-30");
		l->expires = D("2027-02-28");
		l->views = 4;
		l->opened = D("2026-12-01");
		l->last_viewed = xstrdup("2026-12-02T10:42:00Z");
	}
}

/* A struct of tb's kind as the verbs make one: zero, dates absent. */
static void *
blank(const struct schema_table *tb)
{
	void *obj = xcalloc(1, tb->size);

	for (size_t i = 0; i < tb->nfields; i++)
		field_release(&tb->fields[i], obj);
	return obj;
}

static void
free_blank(const struct schema_table *tb, void *obj)
{
	schema_release(tb, obj);
	free(obj);
}

/* ---- tables ---------------------------------------------------------- */

static void
test_tables(void **state)
{
	static const enum entity_kind kinds[SCHEMA_NTABLES] = {
		ENT_HOLIDAY, ENT_CRITERION, ENT_EVENT, ENT_RISK, ENT_PHASE,
		ENT_STEP, ENT_TOUCH, ENT_ACK, ENT_LINK,
	};

	(void)state;
	assert_ptr_equal(schema_table_of(ENT_DEAL), &schema_deal);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		assert_int_equal(tb->kind, kinds[t]);
		assert_ptr_equal(schema_table_of(kinds[t]), tb);
		/* verb_call.given has one bit per field. */
		assert_true(tb->nfields <= 32);
		/* Keyed tables are matched by fields[0], which is the key. */
		if (tb->keyed)
			assert_true(tb->fields[0].flags & FL_KEY);
		for (size_t i = 0; i < tb->nfields; i++)
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(
					field_json_name(&tb->fields[i]),
					field_json_name(&tb->fields[j]));
	}
	assert_true(schema_deal.nfields <= 32);
}

static void
test_schema_field(void **state)
{
	const struct field *f;

	(void)state;
	/* The JSON name, which differs from the column. */
	f = schema_field(CRIT, "projected_growth_pct", true);
	assert_non_null(f);
	assert_string_equal(f->name, "growth_pct");
	assert_int_equal(f->type, F_REAL_OPT);
	assert_ptr_equal(schema_field(CRIT, "growth_pct", false), f);
	assert_null(schema_field(CRIT, "growth_pct", true));
	assert_null(schema_field(CRIT, "projected_growth_pct", false));

	/* Without a JSON name the column's is the JSON one. */
	f = schema_field(CRIT, "required", true);
	assert_non_null(f);
	assert_ptr_equal(schema_field(CRIT, "required", false), f);
	assert_string_equal(field_json_name(f), "required");

	assert_null(schema_field(CRIT, "nope", true));
	assert_null(schema_field(CRIT, "", false));
	/* Fields are per table. */
	assert_null(schema_field(CRIT, "deadline", true));
	assert_non_null(schema_field(RISK, "deadline", true));
	f = schema_field(&schema_deal, "account", true);
	assert_non_null(f);
	assert_true(f->flags & FL_REQ);
	assert_true(F(&schema_deal, "crm_id")->flags & FL_RO);
	assert_true(F(PHASE, "number")->flags & FL_KEY);
}

/* ---- copy, compare, release ------------------------------------------- */

/* Every field of obj differs from a blank struct's. */
static void
assert_all_set(const struct schema_table *tb, const void *obj)
{
	void *b = blank(tb);

	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (field_equal(f, obj, b))
			fail_msg("%s.%s is not set in the full deal",
				 tb->entity, f->name);
		assert_true(field_present(f, obj));
	}
	free_blank(tb, b);
}

static void
assert_equal_by_schema(const struct deal *a, const struct deal *b,
		       bool distinct)
{
	if (a->slug || b->slug)
		assert_string_equal(a->slug, b->slug);
	for (size_t i = 0; i < schema_deal.nfields; i++)
		assert_true(field_equal(&schema_deal.fields[i], a, b));
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		assert_int_equal(tb->count(a), tb->count(b));
		for (size_t i = 0; i < tb->count(a); i++) {
			const void *x = tb->at(a, i), *y = tb->at(b, i);

			assert_true(table_key_equal(tb, x, y));
			for (size_t j = 0; j < tb->nfields; j++) {
				const struct field *f = &tb->fields[j];

				if (!field_equal(f, x, y))
					fail_msg("%s %zu: %s differs",
						 tb->entity, i, f->name);
				/* A deep copy shares no string. */
				if (distinct && f->type == F_STR)
					assert_ptr_not_equal(
						*(char *const *)fptr(f, x),
						*(char *const *)fptr(f, y));
			}
		}
	}
}

static void
test_deal_copy(void **state)
{
	struct deal d, cp, cp2;

	(void)state;
	build_full(&d);
	assert_all_set(&schema_deal, &d);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		assert_int_equal(tb->count(&d), 2);
		for (size_t i = 0; i < tb->count(&d); i++)
			assert_all_set(tb, tb->at(&d, i));
	}

	deal_copy(&cp, &d);
	assert_ptr_not_equal(cp.slug, d.slug);
	assert_equal_by_schema(&d, &cp, true);

	/* The copy outlives the original and copies again. */
	deal_release(&d);
	deal_copy(&cp2, &cp);
	assert_equal_by_schema(&cp, &cp2, true);

	/* One change shows. */
	cp2.phases[1].criteria[1][0] = 'T';
	assert_false(field_equal(F(PHASE, "criteria"), &cp.phases[1],
				 &cp2.phases[1]));
	deal_release(&cp);
	deal_release(&cp2);

	/* An empty deal copies to an empty deal. */
	deal_init(&d);
	deal_copy(&cp, &d);
	assert_null(cp.slug);
	assert_int_equal(cp.ncriteria, 0);
	assert_null(cp.criteria);
	assert_equal_by_schema(&d, &cp, false);
	deal_release(&cp);
	deal_release(&d);
}

static void
test_field_equal(void **state)
{
	struct criterion a = { 0 }, b = { 0 };
	struct phase p = { 0 }, q = { 0 };
	const struct field *growth = F(CRIT, "projected_growth_pct");
	const struct field *metric = F(CRIT, "metric");

	(void)state;
	/* An absent optional value is absent whatever the bytes say. */
	a.growth_pct = 1;
	b.growth_pct = 2;
	assert_true(field_equal(growth, &a, &b));
	a.has_growth = true;
	assert_false(field_equal(growth, &a, &b));
	b.has_growth = true;
	assert_false(field_equal(growth, &a, &b));
	b.growth_pct = 1;
	assert_true(field_equal(growth, &a, &b));

	/* NULL is not "". */
	b.metric = "";
	assert_false(field_equal(metric, &a, &b));
	a.metric = "";
	assert_true(field_equal(metric, &a, &b));

	/* Lists compare in order. */
	p.criteria = list2("a", "b", &p.ncriteria);
	q.criteria = list2("b", "a", &q.ncriteria);
	assert_false(field_equal(F(PHASE, "criteria"), &p, &q));
	q.ncriteria = 1;
	assert_false(field_equal(F(PHASE, "criteria"), &p, &q));
	q.ncriteria = 2;
	schema_release(PHASE, &p);
	schema_release(PHASE, &q);
	assert_null(p.criteria);
	assert_int_equal(p.ncriteria, 0);

	/* Durations compare n and unit. */
	{
		struct risk r = { 0 }, s = { 0 };

		r.buffer.n = s.buffer.n = 14;
		r.buffer.unit = DUR_DAYS;
		s.buffer.unit = DUR_BDAYS;
		assert_false(field_equal(F(RISK, "buffer"), &r, &s));
		/* Both keys are absent. */
		assert_true(table_key_equal(RISK, &r, &s));
	}
}

static void
test_schema_copy(void **state)
{
	struct deal d;
	struct phase cp;
	struct criterion cc;
	const struct field *crit = F(PHASE, "criteria");

	(void)state;
	build_full(&d);
	schema_copy(PHASE, &cp, &d.phases[0]);
	for (size_t i = 0; i < PHASE->nfields; i++)
		assert_true(field_equal(&PHASE->fields[i], &cp, &d.phases[0]));
	assert_ptr_not_equal(cp.criteria, d.phases[0].criteria);

	/* field_copy replaces (and frees) what dst held. */
	field_copy(crit, &cp, &d.phases[1]);
	field_copy(F(PHASE, "name"), &cp, &d.phases[1]);
	assert_true(field_equal(crit, &cp, &d.phases[1]));

	/* field_release leaves every optional field absent. */
	for (size_t i = 0; i < PHASE->nfields; i++) {
		const struct field *f = &PHASE->fields[i];

		field_release(f, &cp);
		if (f->type != F_INT && f->type != F_BOOL)
			assert_false(field_present(f, &cp));
	}
	schema_release(PHASE, &cp);

	schema_copy(CRIT, &cc, &d.criteria[1]);
	assert_string_equal(cc.outcome, "Checkout\nstays fast");
	assert_true(cc.measured == d.criteria[1].measured);
	schema_release(CRIT, &cc);
	assert_null(cc.key);
	assert_false(cc.has_measured);
	assert_int_equal(cc.measured_on, DATE_NONE);
	deal_release(&d);
}

/* ---- text --------------------------------------------------------------- */

static void
assert_text(const struct field *f, const void *obj, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	const char *got = field_text(f, obj, &sb);

	if (!want)
		assert_null(got);
	else if (!got)
		fail_msg("%s: NULL, want '%s'", f->name, want);
	else
		assert_string_equal(got, want);
	strbuf_release(&sb);
}

static void
test_field_text(void **state)
{
	struct deal d;
	struct deal empty;

	(void)state;
	build_full(&d);
	assert_text(F(&schema_deal, "value"), &d, "120000.5");
	assert_text(F(&schema_deal, "procurement_days"), &d, "10");
	assert_text(F(&schema_deal, "poc_start"), &d, "2026-11-02");
	assert_text(F(&schema_deal, "outcome"), &d, "won");
	assert_text(F(&schema_deal, "account"), &d, "Acme");
	assert_text(F(CRIT, "measured"), &d.criteria[0], "0.1");
	assert_text(F(CRIT, "required"), &d.criteria[1], "201");
	assert_text(F(CRIT, "direction"), &d.criteria[0], "at_least");
	assert_text(F(EVENT, "kind"), &d.events[0], "commercial");
	assert_text(F(RISK, "kind"), &d.risks[0], "cost");
	assert_text(F(RISK, "buffer"), &d.risks[0], "2w");
	assert_text(F(RISK, "duration"), &d.risks[0], "10bd");
	assert_text(F(PHASE, "number"), &d.phases[1], "2");
	assert_text(F(PHASE, "criteria"), &d.phases[0], "p95,tput");
	assert_text(F(PHASE, "duration"), &d.phases[0], "3w");
	assert_text(F(STEP, "plus_procurement"), &d.playbook[0], "true");
	assert_text(F(STEP, "offset"), &d.playbook[1], "3");
	assert_text(&schema_tables[T_HOLIDAY].fields[0], &d.holidays[1],
		    "2026-12-25");
	d.playbook[0].plus_procurement = false;
	assert_text(F(STEP, "plus_procurement"), &d.playbook[0], "false");

	/* Absent optional fields have no text. */
	deal_init(&empty);
	assert_text(F(&schema_deal, "value"), &empty, NULL);
	assert_text(F(&schema_deal, "procurement_days"), &empty, NULL);
	assert_text(F(&schema_deal, "poc_start"), &empty, NULL);
	assert_text(F(&schema_deal, "champion"), &empty, NULL);
	d.phases[0].has_duration = false;
	assert_text(F(PHASE, "duration"), &d.phases[0], NULL);
	d.criteria[0].has_measured = false;
	assert_text(F(CRIT, "measured"), &d.criteria[0], NULL);
	deal_release(&d);
	deal_release(&empty);
}

static void
test_format_real(void **state)
{
	static const double vals[] = { 9, 0.1, 1.0 / 3, 1e21, 2.5e-7,
				       -0.0, 120000.5, 0.30000000000000004 };
	char buf[40];

	(void)state;
	format_real(9, buf, sizeof(buf));
	assert_string_equal(buf, "9");
	format_real(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	format_real(1.5, buf, sizeof(buf));
	assert_string_equal(buf, "1.5");
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		format_real(vals[i], buf, sizeof(buf));
		assert_true(strtod(buf, NULL) == vals[i]);
	}
}

/* What the database keeps as text reads back as the same value. */
static void
roundtrip_table(const struct schema_table *tb, const void *obj)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];
		void *b = blank(tb);
		const char *text;

		if (f->type != F_STR && f->type != F_DATE &&
		    f->type != F_DUR && f->type != F_DUR_OPT &&
		    f->type != F_ENUM) {
			free_blank(tb, b);
			continue;
		}
		text = field_text(f, obj, &sb);
		assert_non_null(text);
		assert_int_equal(field_from_text(f, b, text), 0);
		if (!field_equal(f, obj, b))
			fail_msg("%s.%s: '%s' reads back differently",
				 tb->entity, f->name, text);

		/* SQL NULL is an absent value, but an enum is never NULL. */
		if (f->type == F_ENUM) {
			assert_int_equal(field_from_text(f, b, NULL), -1);
		} else if (f->type != F_STR) {
			assert_int_equal(field_from_text(f, b, NULL), 0);
			if (f->type != F_DUR)
				assert_false(field_present(f, b));
		}
		free_blank(tb, b);
	}
	strbuf_release(&sb);
}

static void
test_field_from_text(void **state)
{
	struct deal d;
	struct event e = { 0 };
	struct risk r = { 0 };

	(void)state;
	build_full(&d);
	roundtrip_table(&schema_deal, &d);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++)
		roundtrip_table(&schema_tables[t], schema_tables[t].at(&d, 1));
	deal_release(&d);

	/* A NULL column is a NULL string. */
	assert_int_equal(field_from_text(F(EVENT, "owner"), &e, NULL), 0);
	assert_null(e.owner);

	/* What techwin never writes is refused. */
	assert_int_equal(field_from_text(F(EVENT, "date"), &e, "2026-02-30"),
			 -1);
	assert_int_equal(field_from_text(F(EVENT, "kind"), &e, "social"), -1);
	assert_int_equal(field_from_text(F(RISK, "buffer"), &r, "2 weeks"),
			 -1);
}

/* ---- parsing what a person typed -------------------------------------- */

static bool
starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static void
test_parse_number(void **state)
{
	struct criterion c = { 0 };
	struct deal d;
	struct tw_error err = { 0 };
	const struct field *req = F(CRIT, "required");
	const struct field *growth = F(CRIT, "projected_growth_pct");
	const struct field *value = F(&schema_deal, "value");

	(void)state;
	assert_int_equal(field_parse(req, &c, NULL, "12.5", &err), 0);
	assert_true(c.required == 12.5);
	assert_int_equal(field_parse(req, &c, NULL, "-3e2", &err), 0);
	assert_true(c.required == -300);

	assert_int_equal(field_parse(req, &c, NULL, "x", &err), TW_EINPUT);
	assert_string_equal(err.msg, "required: expected a number, got 'x'");
	assert_int_equal(field_parse(req, &c, "--required", "1.5x", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "--required: expected a number, got '1.5x'");
	assert_int_equal(field_parse(req, &c, NULL, "nan", &err), TW_EINPUT);
	assert_int_equal(field_parse(req, &c, NULL, "inf", &err), TW_EINPUT);
	assert_int_equal(field_parse(req, &c, NULL, "1e999", &err),
			 TW_EINPUT);
	/* A required number has no "absent". */
	assert_int_equal(field_parse(req, &c, NULL, "", &err), TW_EINPUT);
	assert_string_equal(err.msg, "required: expected a number, got ''");

	/* Optional: the label is the JSON name; "" clears. */
	assert_int_equal(field_parse(growth, &c, NULL, "30", &err), 0);
	assert_true(c.has_growth && c.growth_pct == 30);
	assert_int_equal(field_parse(growth, &c, NULL, "lots", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "projected_growth_pct: expected a "
				     "number, got 'lots'");
	assert_false(c.has_growth);
	assert_int_equal(field_parse(growth, &c, NULL, "0", &err), 0);
	assert_true(c.has_growth);
	assert_int_equal(field_parse(growth, &c, NULL, "", &err), 0);
	assert_false(c.has_growth);

	deal_init(&d);
	assert_int_equal(field_parse(value, &d, NULL, "120000", &err), 0);
	assert_true(d.has_value && d.value == 120000);
	assert_int_equal(field_parse(value, &d, NULL, "", &err), 0);
	assert_false(d.has_value);
	deal_release(&d);
}

static void
test_parse_int(void **state)
{
	struct phase p = { 0 };
	struct step s = { 0 };
	struct deal d;
	struct tw_error err = { 0 };
	const struct field *num = F(PHASE, "number");
	const struct field *days = F(&schema_deal, "procurement_days");

	(void)state;
	assert_int_equal(field_parse(num, &p, NULL, "3", &err), 0);
	assert_int_equal(p.number, 3);
	assert_int_equal(field_parse(num, &p, NULL, "-1", &err), 0);
	assert_int_equal(p.number, -1);
	assert_int_equal(field_parse(num, &p, NULL, "3.5", &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "number: expected an integer, got '3.5'");
	assert_int_equal(field_parse(num, &p, NULL, "99999999999", &err),
			 TW_EINPUT);
	assert_int_equal(field_parse(num, &p, NULL, "", &err), TW_EINPUT);
	assert_int_equal(field_parse(F(STEP, "offset"), &s, "--offset", "two",
				     &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "--offset: expected an integer, got 'two'");

	deal_init(&d);
	assert_int_equal(field_parse(days, &d, NULL, "10", &err), 0);
	assert_true(d.has_procurement_days);
	assert_int_equal(d.procurement_days, 10);
	assert_int_equal(field_parse(days, &d, NULL, "ten", &err), TW_EINPUT);
	assert_false(d.has_procurement_days);
	assert_int_equal(field_parse(days, &d, NULL, "0", &err), 0);
	assert_true(d.has_procurement_days);
	assert_int_equal(field_parse(days, &d, NULL, "", &err), 0);
	assert_false(d.has_procurement_days);
	deal_release(&d);
}

static void
test_parse_date(void **state)
{
	struct deal d;
	struct tw_error err = { 0 };
	const struct field *f = F(&schema_deal, "poc_end");

	(void)state;
	deal_init(&d);
	assert_int_equal(field_parse(f, &d, NULL, "2026-12-04", &err), 0);
	assert_int_equal(d.poc_end, D("2026-12-04"));
	assert_int_equal(field_parse(f, &d, NULL, "2026-13-01", &err),
			 TW_EINPUT);
	assert_true(starts_with(err.msg, "poc_end: invalid date "
					 "'2026-13-01'"));
	assert_int_equal(d.poc_end, DATE_NONE);
	assert_int_equal(field_parse(f, &d, "--poc-end", "12/04/2026", &err),
			 TW_EINPUT);
	assert_true(starts_with(err.msg, "--poc-end: "));
	assert_int_equal(field_parse(f, &d, NULL, "2026-12-04", &err), 0);
	assert_int_equal(field_parse(f, &d, NULL, "", &err), 0);
	assert_int_equal(d.poc_end, DATE_NONE);
	deal_release(&d);
}

static void
test_parse_duration(void **state)
{
	struct risk r = { 0 };
	struct phase p = { 0 };
	struct tw_error err = { 0 };
	const struct field *buf = F(RISK, "buffer");
	const struct field *dur = F(PHASE, "duration");

	(void)state;
	assert_int_equal(field_parse(buf, &r, NULL, "3w", &err), 0);
	assert_int_equal(r.buffer.n, 3);
	assert_int_equal(r.buffer.unit, DUR_WEEKS);
	assert_int_equal(field_parse(buf, &r, NULL, "10bd", &err), 0);
	assert_int_equal(r.buffer.n, 10);
	assert_int_equal(r.buffer.unit, DUR_BDAYS);
	assert_int_equal(field_parse(buf, &r, NULL, "3 weeks", &err),
			 TW_EINPUT);
	assert_true(starts_with(err.msg, "buffer: invalid duration "
					 "'3 weeks'"));
	/* A duration that is not optional has no "absent". */
	assert_int_equal(field_parse(buf, &r, NULL, "", &err), TW_EINPUT);
	assert_true(starts_with(err.msg, "buffer: "));

	assert_int_equal(field_parse(dur, &p, NULL, "14d", &err), 0);
	assert_true(p.has_duration);
	assert_int_equal(p.duration.n, 14);
	assert_int_equal(p.duration.unit, DUR_DAYS);
	assert_int_equal(field_parse(dur, &p, NULL, "-1d", &err), TW_EINPUT);
	assert_false(p.has_duration);
	assert_int_equal(field_parse(dur, &p, NULL, "2w", &err), 0);
	assert_int_equal(field_parse(dur, &p, NULL, "", &err), 0);
	assert_false(p.has_duration);
}

static void
test_parse_enum(void **state)
{
	struct criterion c = { 0 };
	struct risk r = { 0 };
	struct deal d;
	struct tw_error err = { 0 };
	const struct field *dir = F(CRIT, "direction");

	(void)state;
	assert_int_equal(field_parse(dir, &c, NULL, "at_least", &err), 0);
	assert_int_equal(c.direction, DIR_AT_LEAST);
	assert_int_equal(field_parse(dir, &c, NULL, "at_most", &err), 0);
	assert_int_equal(c.direction, DIR_AT_MOST);
	assert_int_equal(field_parse(dir, &c, NULL, "sideways", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "direction: expected at_most or "
				     "at_least, got 'sideways'");
	assert_int_equal(field_parse(dir, &c, NULL, "", &err), TW_EINPUT);
	assert_string_equal(err.msg,
			    "direction: expected at_most or at_least, got ''");

	assert_int_equal(field_parse(F(RISK, "kind"), &r, "--kind", "legal",
				     &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "--kind: expected scaling, compliance, "
				     "security, cost or other, got 'legal'");
	assert_int_equal(field_parse(F(RISK, "kind"), &r, NULL, "security",
				     &err),
			 0);
	assert_int_equal(r.kind, RISK_SECURITY);
	assert_int_equal(field_parse(F(EVENT, "kind"), &(struct event){ 0 },
				     NULL, "meeting", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "kind: expected technical or "
				     "commercial, got 'meeting'");

	deal_init(&d);
	assert_int_equal(field_parse(F(&schema_deal, "outcome"), &d, NULL,
				     "lost", &err),
			 0);
	assert_int_equal(d.outcome, OUTCOME_LOST);
	assert_int_equal(field_parse(F(&schema_deal, "outcome"), &d, NULL,
				     "draw", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "outcome: expected open, won or lost, got 'draw'");
	deal_release(&d);
}

static void
test_parse_list(void **state)
{
	struct phase p = { 0 };
	struct tw_error err = { 0 };
	const struct field *f = F(PHASE, "criteria");

	(void)state;
	assert_int_equal(field_parse(f, &p, NULL, "a, b", &err), 0);
	assert_int_equal(p.ncriteria, 2);
	assert_string_equal(p.criteria[0], "a");
	assert_string_equal(p.criteria[1], "b");

	/* The old list is replaced, not appended to. */
	assert_int_equal(field_parse(f, &p, NULL, " p95 ,tput,  x ", &err),
			 0);
	assert_int_equal(p.ncriteria, 3);
	assert_string_equal(p.criteria[0], "p95");
	assert_string_equal(p.criteria[1], "tput");
	assert_string_equal(p.criteria[2], "x");

	assert_int_equal(field_parse(f, &p, NULL, "one", &err), 0);
	assert_int_equal(p.ncriteria, 1);
	assert_string_equal(p.criteria[0], "one");

	assert_int_equal(field_parse(f, &p, NULL, "", &err), 0);
	assert_int_equal(p.ncriteria, 0);
	assert_null(p.criteria);

	/* Empty entries, wherever they are, and nothing is kept. */
	assert_int_equal(field_parse(f, &p, NULL, "a,,b", &err), TW_EINPUT);
	assert_string_equal(err.msg, "criteria: expected keys separated by "
				     "commas, got 'a,,b'");
	assert_int_equal(p.ncriteria, 0);
	assert_null(p.criteria);
	assert_int_equal(field_parse(f, &p, NULL, ",a", &err), TW_EINPUT);
	assert_int_equal(field_parse(f, &p, NULL, "a,", &err), TW_EINPUT);
	assert_int_equal(field_parse(f, &p, NULL, "a, ", &err), TW_EINPUT);
	assert_int_equal(field_parse(f, &p, NULL, " ", &err), TW_EINPUT);
	assert_int_equal(p.ncriteria, 0);
	assert_null(p.criteria);
}

static void
test_parse_str_bool(void **state)
{
	struct deal d;
	struct step s = { 0 };
	struct tw_error err = { 0 };
	const struct field *champ = F(&schema_deal, "champion");
	const struct field *plus = F(STEP, "plus_procurement");

	(void)state;
	deal_init(&d);
	assert_int_equal(field_parse(champ, &d, NULL, "Dana", &err), 0);
	assert_string_equal(d.champion, "Dana");
	assert_int_equal(field_parse(champ, &d, NULL, "Lee", &err), 0);
	assert_string_equal(d.champion, "Lee");
	assert_int_equal(field_parse(champ, &d, NULL, "", &err), 0);
	assert_null(d.champion);
	deal_release(&d);

	assert_int_equal(field_parse(plus, &s, NULL, "true", &err), 0);
	assert_true(s.plus_procurement);
	assert_int_equal(field_parse(plus, &s, NULL, "false", &err), 0);
	assert_false(s.plus_procurement);
	assert_int_equal(field_parse(plus, &s, NULL, "yes", &err), TW_EINPUT);
	assert_string_equal(err.msg, "plus_procurement: expected true or "
				     "false, got 'yes'");
	assert_int_equal(field_parse(plus, &s, NULL, "", &err), TW_EINPUT);
}

/* What field_parse accepts, field_text writes back the same way. */
static void
test_parse_text_roundtrip(void **state)
{
	static const struct {
		const char *json;
		const char *text;
	} cases[] = {
		{ "number", "7" },
		{ "name", "Pilot" },
		{ "price", "80000.25" },
		{ "criteria", "p95,tput" },
		{ "duration", "10bd" },
	};
	struct phase p = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct field *f = F(PHASE, cases[i].json);
		const char *text;

		assert_int_equal(field_parse(f, &p, NULL, cases[i].text, &err),
				 0);
		text = field_text(f, &p, &sb);
		assert_non_null(text);
		assert_string_equal(text, cases[i].text);
	}
	strbuf_release(&sb);
	schema_release(PHASE, &p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_schema_field),
		cmocka_unit_test(test_deal_copy),
		cmocka_unit_test(test_field_equal),
		cmocka_unit_test(test_schema_copy),
		cmocka_unit_test(test_field_text),
		cmocka_unit_test(test_format_real),
		cmocka_unit_test(test_field_from_text),
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_date),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_parse_enum),
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_parse_str_bool),
		cmocka_unit_test(test_parse_text_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
