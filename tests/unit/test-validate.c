/*
 * Unit tests for src/core/validate.c: deal_validate() on structs built in
 * code. Each case breaks one rule of a valid deal and checks the message
 * and the site (entity, index, plan-file field) the plan parser relies on.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/validate.h"
#include "util/xalloc.h"

/* A deal that uses every kind of entity and passes validation. */
static void
build_valid(struct deal *d)
{
	struct criterion *c;
	struct event *e;
	struct risk *r;
	struct phase *p;
	struct step *s;
	struct touch *t;

	deal_init(d);
	d->slug = xstrdup("acme-data");
	d->account = xstrdup("Acme Data");
	d->has_value = true;
	d->value = 120000;
	d->currency = xstrdup("EUR");
	d->has_procurement_days = true;
	d->procurement_days = 10;
	d->poc_start = D("2026-03-02");
	d->poc_end = D("2026-03-27");
	deal_add_holiday(d, D("2026-04-03"));

	c = deal_add_criterion(d);
	c->key = xstrdup("batch");
	c->direction = DIR_AT_MOST;
	c->required = 15;
	c->has_measured = true;
	c->measured = 9;
	c->measured_on = D("2026-03-20");
	c->has_growth = true;
	c->growth_pct = 30;
	c = deal_add_criterion(d);
	c->key = xstrdup("throughput");
	c->direction = DIR_AT_LEAST;
	c->required = 1000;

	e = deal_add_event(d);
	e->key = xstrdup("readout");
	e->kind = EVENT_TECHNICAL;
	e->date = D("2026-03-27");
	e = deal_add_event(d);
	e->key = xstrdup("pricing");
	e->kind = EVENT_COMMERCIAL;
	e->after = xstrdup("readout");
	/* A done date without a planned one is allowed. */
	e->done = D("2026-03-30");

	r = deal_add_risk(d);
	r->key = xstrdup("peak");
	r->kind = RISK_SCALING;
	r->deadline = D("2026-10-29");
	r->buffer.n = 14;
	r->duration.n = 75;

	p = deal_add_phase(d);
	p->number = 1;
	p->has_price = true;
	p->price = 80000;
	p->criteria = xcalloc(2, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("batch");
	p->criteria[1] = xstrdup("throughput");
	p->ncriteria = 2;
	p = deal_add_phase(d);
	p->number = 2;

	s = deal_add_step(d);
	s->title = xstrdup("Executive summary");
	s->offset = 2;

	t = deal_add_touch(d);
	t->type = xstrdup("buying-signal");
	t->date = D("2026-03-21");
}

static void
expect(const struct deal *d, enum entity_kind entity, size_t index,
       const char *field, const char *msg)
{
	struct validation_site site = { ENT_TOUCH, 99, NULL };
	struct tw_error err = { 0 };

	assert_int_equal(deal_validate(d, &site, &err), TW_EINPUT);
	assert_int_equal(err.code, TW_EINPUT);
	assert_string_equal(err.msg, msg);
	assert_int_equal(site.entity, entity);
	assert_int_equal(site.index, index);
	assert_non_null(site.field);
	assert_string_equal(site.field, field);
	/* Both out-parameters are optional. */
	assert_int_equal(deal_validate(d, NULL, NULL), TW_EINPUT);
}

static void
test_valid(void **state)
{
	struct tw_error err = { 0 };
	struct deal d;

	(void)state;
	build_valid(&d);
	assert_int_equal(deal_validate(&d, NULL, &err), 0);
	deal_release(&d);

	/* Only slug and account are required. */
	deal_init(&d);
	d.slug = xstrdup("x");
	d.account = xstrdup("X");
	assert_int_equal(deal_validate(&d, NULL, &err), 0);
	deal_release(&d);
}

static void
test_deal_fields(void **state)
{
	struct validation_site site;
	struct tw_error err;
	struct deal d;

	(void)state;
	build_valid(&d);
	xstrset(&d.slug, NULL);
	expect(&d, ENT_DEAL, 0, "slug", "deal slug is required");
	xstrset(&d.slug, "Acme Data");
	expect(&d, ENT_DEAL, 0, "slug",
	       "invalid deal slug 'Acme Data' (expected [a-z0-9-]{1,64}, not "
	       "starting with '-')");
	xstrset(&d.slug, "-acme");
	expect(&d, ENT_DEAL, 0, "slug",
	       "invalid deal slug '-acme' (expected [a-z0-9-]{1,64}, not "
	       "starting with '-')");
	/* 65 characters is one too many, 64 is fine. */
	d.slug = xrealloc(d.slug, 66);
	memset(d.slug, 'a', 65);
	d.slug[65] = '\0';
	assert_int_equal(deal_validate(&d, &site, &err), TW_EINPUT);
	assert_int_equal(site.entity, ENT_DEAL);
	assert_string_equal(site.field, "slug");
	assert_non_null(strstr(err.msg, "invalid deal slug 'aaaa"));
	d.slug[64] = '\0';
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	xstrset(&d.account, "");
	expect(&d, ENT_DEAL, 0, "account", "deal account is required");
	xstrset(&d.account, "Acme");

	d.value = -5;
	expect(&d, ENT_DEAL, 0, "value", "deal value must be 0 or more, got -5");
	d.value = NAN;
	expect(&d, ENT_DEAL, 0, "value",
	       "deal value must be 0 or more, got nan");
	d.value = 0;

	xstrset(&d.currency, "eur");
	expect(&d, ENT_DEAL, 0, "currency",
	       "invalid currency 'eur' (expected 3 uppercase letters, ISO "
	       "4217)");
	xstrset(&d.currency, "EURO");
	expect(&d, ENT_DEAL, 0, "currency",
	       "invalid currency 'EURO' (expected 3 uppercase letters, ISO "
	       "4217)");
	xstrset(&d.currency, "EU");
	expect(&d, ENT_DEAL, 0, "currency",
	       "invalid currency 'EU' (expected 3 uppercase letters, ISO "
	       "4217)");
	xstrset(&d.currency, NULL);
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	d.procurement_days = -1;
	expect(&d, ENT_DEAL, 0, "procurement_days",
	       "procurement days must be 0 or more, got -1");
	d.procurement_days = 0;

	d.poc_end = d.poc_start - 1;
	expect(&d, ENT_DEAL, 0, "poc.end",
	       "poc end '2026-03-01' is before poc start '2026-03-02'");
	/* Same day is a one-day POC. */
	d.poc_end = d.poc_start;
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	d.outcome = OUTCOME_WON;
	expect(&d, ENT_DEAL, 0, "close.outcome",
	       "outcome 'won' requires a close date");
	d.outcome = OUTCOME_LOST;
	expect(&d, ENT_DEAL, 0, "close.outcome",
	       "outcome 'lost' requires a close date");
	d.close_date = D("2026-05-01");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);
	deal_release(&d);
}

static void
test_criteria(void **state)
{
	struct deal d;
	struct criterion *c;

	(void)state;
	build_valid(&d);
	c = &d.criteria[1];
	xstrset(&c->key, NULL);
	expect(&d, ENT_CRITERION, 1, "key", "criterion key is required");
	xstrset(&c->key, "P95");
	expect(&d, ENT_CRITERION, 1, "key",
	       "invalid criterion key 'P95' (expected [a-z0-9-]{1,64}, not "
	       "starting with '-')");
	xstrset(&c->key, "batch");
	expect(&d, ENT_CRITERION, 1, "key", "duplicate criterion key 'batch'");
	xstrset(&c->key, "throughput");

	c->required = -3;
	expect(&d, ENT_CRITERION, 1, "at_least",
	       "required value must be greater than 0, got -3");
	c->required = 0;
	expect(&d, ENT_CRITERION, 1, "at_least",
	       "required value must be greater than 0, got 0");
	c->direction = DIR_AT_MOST;
	expect(&d, ENT_CRITERION, 1, "at_most",
	       "required value must be greater than 0, got 0");
	c->required = 0.5;

	c->has_measured = true;
	c->measured = -1;
	expect(&d, ENT_CRITERION, 1, "measured",
	       "measured value must be 0 or more, got -1");
	/* Zero is a legitimate measurement (no errors, no cost). */
	c->measured = 0;
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	c->has_measured = false;
	c->measured_on = D("2026-03-20");
	expect(&d, ENT_CRITERION, 1, "measured_on",
	       "criterion 'throughput' has a measured_on date but no measured "
	       "value");
	c->measured_on = DATE_NONE;

	c->has_growth = true;
	c->growth_pct = -10;
	expect(&d, ENT_CRITERION, 1, "growth_pct",
	       "growth_pct must be 0 or more, got -10");
	deal_release(&d);
}

static void
test_events(void **state)
{
	struct deal d;
	struct event *e;

	(void)state;
	build_valid(&d);
	e = &d.events[1];
	xstrset(&e->key, "readout");
	expect(&d, ENT_EVENT, 1, "key", "duplicate event key 'readout'");
	xstrset(&e->key, "pricing");

	xstrset(&e->after, "x");
	expect(&d, ENT_EVENT, 1, "after",
	       "event 'pricing' follows unknown event 'x'");
	xstrset(&e->after, "pricing");
	expect(&d, ENT_EVENT, 1, "after",
	       "event 'pricing' cannot follow itself");

	/* A forward reference is fine, a cycle is not. */
	xstrset(&e->after, NULL);
	xstrset(&d.events[0].after, "pricing");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);
	xstrset(&e->after, "readout");
	expect(&d, ENT_EVENT, 0, "after",
	       "event 'readout' follows itself through 'pricing'");
	deal_release(&d);
}

static void
test_risks(void **state)
{
	struct deal d;
	struct risk *r;

	(void)state;
	build_valid(&d);
	r = deal_add_risk(&d);
	r->key = xstrdup("peak");
	r->deadline = D("2026-12-01");
	expect(&d, ENT_RISK, 1, "key", "duplicate risk key 'peak'");
	xstrset(&r->key, "audit");
	r->deadline = DATE_NONE;
	expect(&d, ENT_RISK, 1, "deadline", "risk 'audit' needs a deadline");
	r->deadline = D("2026-12-01");
	r->buffer.n = -1;
	expect(&d, ENT_RISK, 1, "buffer",
	       "risk 'audit' buffer must be 0 or more, got -1");
	r->buffer.n = 0;
	r->duration.n = -2;
	expect(&d, ENT_RISK, 1, "duration",
	       "risk 'audit' duration must be 0 or more, got -2");
	deal_release(&d);
}

static void
test_phases(void **state)
{
	struct deal d;
	struct phase *p;

	(void)state;
	build_valid(&d);
	p = &d.phases[1];
	p->number = 0;
	expect(&d, ENT_PHASE, 1, "number",
	       "phase number must be 1 or more, got 0");
	p->number = 1;
	expect(&d, ENT_PHASE, 1, "number", "duplicate phase number 1");
	p->number = 3;

	p->has_price = true;
	p->price = -100;
	expect(&d, ENT_PHASE, 1, "price",
	       "phase 3 price must be 0 or more, got -100");
	p->price = 0;

	p->criteria = xcalloc(2, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("batch");
	p->criteria[1] = xstrdup("p99");
	p->ncriteria = 2;
	expect(&d, ENT_PHASE, 1, "criteria",
	       "phase 3 rests on unknown criterion 'p99'");
	xstrset(&p->criteria[1], "batch");
	expect(&d, ENT_PHASE, 1, "criteria",
	       "phase 3 lists criterion 'batch' twice");
	xstrset(&p->criteria[1], "throughput");

	p->has_duration = true;
	p->duration.n = -1;
	expect(&d, ENT_PHASE, 1, "duration",
	       "phase 3 duration must be 0 or more, got -1");
	deal_release(&d);
}

static void
test_playbook_and_touches(void **state)
{
	struct deal d;
	struct step *s;
	struct touch *t;

	(void)state;
	build_valid(&d);
	s = deal_add_step(&d);
	expect(&d, ENT_STEP, 1, "title", "playbook step 2 needs a title");
	s->title = xstrdup("Contract review");
	s->offset = -1;
	expect(&d, ENT_STEP, 1, "offset",
	       "playbook step 'Contract review' offset must be 0 or more, "
	       "got -1");
	s->offset = 0;
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	t = &d.touches[0];
	xstrset(&t->type, NULL);
	expect(&d, ENT_TOUCH, 0, "type", "touch 1 needs a type");
	xstrset(&t->type, "compress");
	t->date = DATE_NONE;
	expect(&d, ENT_TOUCH, 0, "date", "touch 'compress' needs a date");
	deal_release(&d);
}

/* Every byte a single-line field refuses, and the LF and TAB multi-line
 * fields keep; positions count characters, not bytes. */
static void
test_text_find_control(void **state)
{
	unsigned cp = 0;
	char buf[8];

	(void)state;
	assert_int_equal(text_find_control(NULL, false, &cp), 0);
	assert_int_equal(text_find_control("", false, &cp), 0);
	assert_int_equal(text_find_control("Müller & Söhne 🚀", false, &cp),
			 0);
	/* Every C0 control and DEL, alone and after two characters. */
	for (unsigned c = 1; c < 0x80; c++) {
		bool control = c < 0x20 || c == 0x7f;
		bool multi_ok = c == '\n' || c == '\t';

		snprintf(buf, sizeof(buf), "é%c%c", 'a', (char)c);
		cp = 0;
		assert_int_equal(text_find_control(buf, false, &cp),
				 control ? 3 : 0);
		if (control)
			assert_int_equal(cp, c);
		assert_int_equal(text_find_control(buf, true, NULL),
				 control && !multi_ok ? 3 : 0);
	}
	/* C1: U+0080 and U+009F are controls, U+00A0 (nbsp) is not. */
	assert_int_equal(text_find_control("a\xc2\x80", false, &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(text_find_control("a\xc2\x85", true, &cp), 2);
	assert_int_equal(cp, 0x85);
	assert_int_equal(text_find_control("\xc2\x9f", true, &cp), 1);
	assert_int_equal(cp, 0x9f);
	assert_int_equal(text_find_control("a\xc2\xa0" "b", false, NULL), 0);
	assert_int_equal(text_find_control("\xc2\xbf", false, NULL), 0);
	/* Line and paragraph separators are not controls. */
	assert_int_equal(text_find_control("\xe2\x80\xa8", false, NULL), 0);
	/* The first one wins. */
	assert_int_equal(text_find_control("ab\r\n", false, &cp), 3);
	assert_int_equal(cp, '\r');
	assert_int_equal(text_find_control("a\nb\tc\r\n", true, &cp), 6);
	assert_int_equal(cp, '\r');
}

static void
test_email_addr_spec(void **state)
{
	static const char *const good[] = {
		"dana.reyes+poc@example.co.uk",
		"a@b",
		"chris@acme.example",
		"#not-a-comment@tricky.example",
		"=tony@stark.example",
		"!#$%&'*+-/=?^_`{|}~@x.example",
		"\"a b\"@example.com",
		"\"a@b, c\"@example.com",
		"\"quoted\\\"pair\"@example.com",
		"\"\"@example.com",
		"user@[192.0.2.1]",
		"user@[IPv6:2001:db8::1]",
		"jürgen@müller.example",
		"日本@例え.jp",
	};
	static const char *const bad[] = {
		"", "not-an-email", "a@", "@b", "@", "a b@c", "a@b c",
		"a@x, b@y", "a@x,b@y", "<a@x>", "Dana <dana@x.example>",
		"dana@x.example (Dana)", " a@b", "a@b ", "a@@b", "a@b@c",
		".a@b", "a.@b", "a..b@c", "a@.b", "a@b.", "a@b..c",
		"\"unterminated@b", "\"a\"b@c", "a\"b\"@c", "a@[1.2.3.4",
		"a@[a[b]", "a@[a\\]]", "\"a\\\"@b", "a\n@b", "a@b\r\n",
		"a@b\nBcc: eve@evil.example", "a\xc2\x85@b", "a\xff@b",
		"a\xc3@b", "a\xed\xa0\x80@b", "a@b\x7f", "a\\b@c", "a@b;c",
		"(comment)a@b", "a@(comment)b",
	};

	(void)state;
	assert_false(email_addr_spec_valid(NULL));
	for (size_t i = 0; i < ARRAY_SIZE(good); i++)
		if (!email_addr_spec_valid(good[i]))
			fail_msg("refused good address '%s'", good[i]);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (email_addr_spec_valid(bad[i]))
			fail_msg("accepted bad address '%s'", bad[i]);
}

static void
test_single_line_fields(void **state)
{
	struct deal d;
	struct phase *p;
	struct event *e;

	(void)state;
	build_valid(&d);
	xstrset(&d.account, "Acme\nBcc: eve@evil.example");
	expect(&d, ENT_DEAL, 0, "account",
	       "deal account must be a single line without control "
	       "characters, found line feed U+000A at character 5");
	xstrset(&d.account, "Acme\r");
	expect(&d, ENT_DEAL, 0, "account",
	       "deal account must be a single line without control "
	       "characters, found carriage return U+000D at character 5");
	xstrset(&d.account, "Ac\tme");
	expect(&d, ENT_DEAL, 0, "account",
	       "deal account must be a single line without control "
	       "characters, found tab U+0009 at character 3");
	xstrset(&d.account, "Acme \xc2\x85");
	expect(&d, ENT_DEAL, 0, "account",
	       "deal account must be a single line without control "
	       "characters, found control character U+0085 at character 6");
	xstrset(&d.account, "Acme \xc2\xa0 Data");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	xstrset(&d.slug, "acme\n");
	expect(&d, ENT_DEAL, 0, "slug",
	       "deal slug must be a single line without control characters, "
	       "found line feed U+000A at character 5");
	xstrset(&d.slug, "acme-data");
	xstrset(&d.stage, "poc\x1b[31m");
	expect(&d, ENT_DEAL, 0, "stage",
	       "deal stage must be a single line without control characters, "
	       "found control character U+001B at character 4");
	xstrset(&d.stage, NULL);
	xstrset(&d.currency, "EU\x7f");
	expect(&d, ENT_DEAL, 0, "currency",
	       "deal currency must be a single line without control "
	       "characters, found control character U+007F at character 3");
	xstrset(&d.currency, NULL);
	xstrset(&d.ae, "Al\x01");
	expect(&d, ENT_DEAL, 0, "ae",
	       "deal ae must be a single line without control characters, "
	       "found control character U+0001 at character 3");
	xstrset(&d.ae, NULL);
	xstrset(&d.se, "\x1f");
	expect(&d, ENT_DEAL, 0, "se",
	       "deal se must be a single line without control characters, "
	       "found control character U+001F at character 1");
	xstrset(&d.se, NULL);
	xstrset(&d.champion, "Dana\r\nBcc: eve@evil.example");
	expect(&d, ENT_DEAL, 0, "champion.name",
	       "deal champion name must be a single line without control "
	       "characters, found carriage return U+000D at character 5");
	xstrset(&d.champion, "Dana Reyes");
	xstrset(&d.champion_email, "dana@x.example\n");
	expect(&d, ENT_DEAL, 0, "champion.email",
	       "deal champion email must be a single line without control "
	       "characters, found line feed U+000A at character 15");
	xstrset(&d.champion_email, NULL);
	xstrset(&d.snooze_reason, "waiting\non legal");
	expect(&d, ENT_DEAL, 0, "snooze_reason",
	       "deal snooze reason must be a single line without control "
	       "characters, found line feed U+000A at character 8");
	xstrset(&d.snooze_reason, NULL);
	xstrset(&d.crm_id, "0061\t");
	expect(&d, ENT_DEAL, 0, "crm_id",
	       "deal crm id must be a single line without control "
	       "characters, found tab U+0009 at character 5");
	xstrset(&d.crm_id, NULL);
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	xstrset(&d.criteria[1].key, "p95\n");
	expect(&d, ENT_CRITERION, 1, "key",
	       "criterion key must be a single line without control "
	       "characters, found line feed U+000A at character 4");
	xstrset(&d.criteria[1].key, "throughput");
	xstrset(&d.criteria[1].metric, "rows/s\n");
	expect(&d, ENT_CRITERION, 1, "metric",
	       "criterion 'throughput' metric must be a single line without "
	       "control characters, found line feed U+000A at character 7");
	xstrset(&d.criteria[1].metric, "rows/s");
	xstrset(&d.criteria[1].unit, "\t");
	expect(&d, ENT_CRITERION, 1, "unit",
	       "criterion 'throughput' unit must be a single line without "
	       "control characters, found tab U+0009 at character 1");
	xstrset(&d.criteria[1].unit, "rows");

	e = &d.events[0];
	xstrset(&e->title, "Readout\r\n");
	expect(&d, ENT_EVENT, 0, "title",
	       "event 'readout' title must be a single line without control "
	       "characters, found carriage return U+000D at character 8");
	xstrset(&e->title, NULL);
	xstrset(&e->owner, "Al\nice");
	expect(&d, ENT_EVENT, 0, "owner",
	       "event 'readout' owner must be a single line without control "
	       "characters, found line feed U+000A at character 3");
	xstrset(&e->owner, NULL);
	/* Before the reference check, which would quote the value. */
	xstrset(&d.events[1].after, "readout\n");
	expect(&d, ENT_EVENT, 1, "after",
	       "event 'pricing' after must be a single line without control "
	       "characters, found line feed U+000A at character 8");
	xstrset(&d.events[1].after, "readout");

	xstrset(&d.risks[0].title, "Peak\x0b");
	expect(&d, ENT_RISK, 0, "title",
	       "risk 'peak' title must be a single line without control "
	       "characters, found control character U+000B at character 5");
	xstrset(&d.risks[0].title, NULL);

	p = &d.phases[0];
	xstrset(&p->name, "Pilot\n");
	expect(&d, ENT_PHASE, 0, "name",
	       "phase 1 name must be a single line without control "
	       "characters, found line feed U+000A at character 6");
	xstrset(&p->name, "Pilot");
	xstrset(&p->criteria[1], "throughput\n");
	expect(&d, ENT_PHASE, 0, "criteria",
	       "phase 1 criterion key must be a single line without control "
	       "characters, found line feed U+000A at character 11");
	xstrset(&p->criteria[1], "throughput");

	xstrset(&d.playbook[0].title, "Executive\nsummary");
	expect(&d, ENT_STEP, 0, "title",
	       "playbook step 1 title must be a single line without control "
	       "characters, found line feed U+000A at character 10");
	xstrset(&d.playbook[0].title, "Executive summary");

	xstrset(&d.touches[0].type, "buying-signal\n");
	expect(&d, ENT_TOUCH, 0, "type",
	       "touch 1 type must be a single line without control "
	       "characters, found line feed U+000A at character 14");
	xstrset(&d.touches[0].type, "buying-signal");
	xstrset(&d.touches[0].channel, "email\r");
	expect(&d, ENT_TOUCH, 0, "channel",
	       "touch 1 channel must be a single line without control "
	       "characters, found carriage return U+000D at character 6");
	xstrset(&d.touches[0].channel, NULL);
	xstrset(&d.touches[0].criterion, "batch\n");
	expect(&d, ENT_TOUCH, 0, "criterion",
	       "touch 1 criterion must be a single line without control "
	       "characters, found line feed U+000A at character 6");
	xstrset(&d.touches[0].criterion, NULL);
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);
	deal_release(&d);
}

/* Outcome, scope and justification keep paragraphs and tabs. */
static void
test_multi_line_fields(void **state)
{
	struct deal d;
	struct phase *p;

	(void)state;
	build_valid(&d);
	p = &d.phases[0];
	xstrset(&d.criteria[0].outcome, "Nightly batch\nfits the window.\n"
					"\tIndented\n\n");
	xstrset(&p->scope, "Line one\nLine two\twith a tab");
	xstrset(&p->justification, "\n");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);

	xstrset(&d.criteria[0].outcome, "Windows line\r\n");
	expect(&d, ENT_CRITERION, 0, "outcome",
	       "criterion 'batch' outcome may hold line feeds and tabs but no "
	       "other control character, found carriage return U+000D at "
	       "character 13");
	xstrset(&d.criteria[0].outcome, "bell\a");
	expect(&d, ENT_CRITERION, 0, "outcome",
	       "criterion 'batch' outcome may hold line feeds and tabs but no "
	       "other control character, found control character U+0007 at "
	       "character 5");
	xstrset(&d.criteria[0].outcome, NULL);
	xstrset(&p->scope, "NEL \xc2\x85");
	expect(&d, ENT_PHASE, 0, "scope",
	       "phase 1 scope may hold line feeds and tabs but no other "
	       "control character, found control character U+0085 at "
	       "character 5");
	xstrset(&p->scope, NULL);
	xstrset(&p->justification, "x\x7f");
	expect(&d, ENT_PHASE, 0, "justification",
	       "phase 1 justification may hold line feeds and tabs but no "
	       "other control character, found control character U+007F at "
	       "character 2");
	deal_release(&d);
}

static void
test_champion_email(void **state)
{
	struct deal d;

	(void)state;
	build_valid(&d);
	xstrset(&d.champion_email, "dana.reyes+poc@example.co.uk");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);
	/* Empty is absent, as the CLI's --champion-email "" clears it. */
	xstrset(&d.champion_email, "");
	assert_int_equal(deal_validate(&d, NULL, NULL), 0);
	xstrset(&d.champion_email, "a@x, b@y");
	expect(&d, ENT_DEAL, 0, "champion.email",
	       "deal champion email 'a@x, b@y' must be one address (an RFC "
	       "5322 addr-spec such as name@example.com)");
	xstrset(&d.champion_email, "not-an-email");
	expect(&d, ENT_DEAL, 0, "champion.email",
	       "deal champion email 'not-an-email' must be one address (an "
	       "RFC 5322 addr-spec such as name@example.com)");
	deal_release(&d);
}

/* The first problem in plan-file order wins. */
static void
test_order(void **state)
{
	struct deal d;

	(void)state;
	build_valid(&d);
	d.phases[0].price = -1;
	d.criteria[0].required = -1;
	xstrset(&d.events[1].after, "nope");
	expect(&d, ENT_CRITERION, 0, "at_most",
	       "required value must be greater than 0, got -1");
	d.value = -1;
	expect(&d, ENT_DEAL, 0, "value", "deal value must be 0 or more, got -1");
	deal_release(&d);
}

static void
test_entity_names(void **state)
{
	(void)state;
	assert_string_equal(entity_kind_name(ENT_DEAL), "deal");
	assert_string_equal(entity_kind_name(ENT_CRITERION), "criterion");
	assert_string_equal(entity_kind_name(ENT_STEP), "playbook step");
	assert_string_equal(entity_kind_name(ENT_TOUCH), "touch");
	assert_string_equal(entity_kind_name((enum entity_kind)42), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_deal_fields),
		cmocka_unit_test(test_criteria),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_risks),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_playbook_and_touches),
		cmocka_unit_test(test_text_find_control),
		cmocka_unit_test(test_email_addr_spec),
		cmocka_unit_test(test_single_line_fields),
		cmocka_unit_test(test_multi_line_fields),
		cmocka_unit_test(test_champion_email),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_entity_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
