/*
 * Random verb sequences over a store, and the invariant of findings as
 * data (store/findings.h) checked after each: every evaluation the store
 * keeps as valid for a day is exactly what the rules compute for that
 * day, and `check` (store_check_kept, which re-evaluates what is not
 * valid and keeps it) reports what a full re-evaluation reports. Shared
 * by the fuzz target tests/fuzz/fuzz-findings.c and the unit test
 * tests/unit/test-findings.c (a seeded random walk over both backends).
 * fdrv_fail() is the includer's: it aborts (fuzz) or fails the test.
 */
#ifndef TW_FINDINGS_DRIVER_H
#define TW_FINDINGS_DRIVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/actions.h"
#include "core/findings.h"
#include "core/pipeline.h"
#include "store/deals.h"
#include "store/findings.h"
#include "store/workspace.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void fdrv_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#define FDRV_DEALS 3

struct fdrv {
	struct store *st;
	tw_date today;
	const uint8_t *p, *end;
	size_t steps;
};

static unsigned
fdrv_byte(struct fdrv *v)
{
	return v->p < v->end ? *v->p++ : 0;
}

static const char *
fdrv_slug(unsigned i)
{
	static const char *const slugs[FDRV_DEALS] = { "alpha", "bravo",
						       "charlie" };
	return slugs[i % FDRV_DEALS];
}

/* Give field name of c->tb the value text. */
static void
fdrv_give(struct verb_call *c, const char *name, const char *text)
{
	const struct field *f = schema_field(c->tb ? c->tb : &schema_deal,
					     name, false);
	struct tw_error err = { 0 };

	if (!f || verb_give_text(c, f, NULL, text, &err) < 0)
		fdrv_fail("cannot give %s '%s': %s", name, text, err.msg);
}

static void
fdrv_date(tw_date d, char buf[DATE_BUFSZ])
{
	date_format(d, buf);
}

/* Run c on the deal; refusals are expected, store failures are not. */
static void
fdrv_run(struct fdrv *v, const char *slug, struct verb_call *c)
{
	struct deal_ctx ctx;
	struct tw_error err = { 0 };
	int r;

	deal_ctx_init(&ctx, v->today, "fuzz");
	r = store_run_verb(v->st, slug, c, &ctx, NULL, NULL, &err);
	if (r == TW_ESTORE || r == TW_EBUSY)
		fdrv_fail("%s on '%s': %s", verb_name(c->verb, c->tb), slug,
			  err.msg);
	deal_ctx_release(&ctx);
	verb_call_release(c);
}

/* A key among a few, so later verbs find what earlier ones made. */
static void
fdrv_key(struct fdrv *v, const char *prefix, char *buf, size_t size)
{
	snprintf(buf, size, "%s%u", prefix, fdrv_byte(v) % 3);
}

/* A day near today: up to 20 days before, or after when ahead. */
static tw_date
fdrv_near(struct fdrv *v, bool ahead)
{
	int n = (int)(fdrv_byte(v) % 21);

	return ahead ? v->today + n : v->today - n;
}

static void
fdrv_step(struct fdrv *v)
{
	unsigned op = fdrv_byte(v) % 16;
	const char *slug = fdrv_slug(fdrv_byte(v));
	char key[16], b[DATE_BUFSZ], num[32];
	struct verb_call c;
	struct tw_error err = { 0 };

	switch (op) {
	case 0:
		verb_call_init(&c, V_DEAL_CREATE, &schema_deal);
		c.key = slug;
		fdrv_give(&c, "account", "Fuzz");
		fdrv_date(fdrv_near(v, fdrv_byte(v) & 1), b);
		fdrv_give(&c, "poc_end", b);
		break;
	case 1:
		verb_call_init(&c, V_ADD, &schema_tables[T_CRITERION]);
		fdrv_key(v, "c", key, sizeof(key));
		fdrv_give(&c, "key", key);
		fdrv_give(&c, "direction", "at_most");
		fdrv_give(&c, "required", "10");
		break;
	case 2:
		verb_call_init(&c, V_RECORD, NULL);
		fdrv_key(v, "c", key, sizeof(key));
		c.key = key;
		c.value = fdrv_byte(v) % 4 ? 5 : 20;
		c.on = fdrv_near(v, false);
		break;
	case 3:
	case 4:
		verb_call_init(&c, V_ADD, &schema_tables[T_EVENT]);
		fdrv_key(v, op == 3 ? "t" : "m", key, sizeof(key));
		fdrv_give(&c, "key", key);
		fdrv_give(&c, "kind", op == 3 ? "technical" : "commercial");
		fdrv_give(&c, "title", key);
		fdrv_date(fdrv_near(v, fdrv_byte(v) & 1), b);
		fdrv_give(&c, "date", b);
		break;
	case 5:
		verb_call_init(&c, V_DONE, NULL);
		fdrv_key(v, fdrv_byte(v) & 1 ? "t" : "m", key, sizeof(key));
		c.key = key;
		c.on = fdrv_near(v, false);
		break;
	case 6:
		verb_call_init(&c, V_TOUCH, NULL);
		c.touch_type = "buying-signal";
		c.on = fdrv_near(v, false);
		break;
	case 7:
		verb_call_init(&c, fdrv_byte(v) & 1 ? V_SNOOZE : V_UNSNOOZE,
			       NULL);
		c.until = fdrv_near(v, true);
		c.reason = "leave";
		break;
	case 8: {
		static const char *const rules[] = {
			"no-commercial-followup", "stale-technical-win",
			"unframed-pass", "deadline-at-risk", "poc-overdue",
			"late-commercial-followup", "start-soon",
		};

		verb_call_init(&c, fdrv_byte(v) % 3 ? V_ACK : V_UNACK, NULL);
		c.rule = rules[fdrv_byte(v) % (sizeof(rules) /
					       sizeof(*rules))];
		c.reason = "known";
		c.until = fdrv_byte(v) & 1 ? fdrv_near(v, true) : DATE_NONE;
		break;
	}
	case 9:
		verb_call_init(&c, V_PLAN_APPLY, NULL);
		break;
	case 10:
		/* Either setting, with any value of 0 to 7. */
		snprintf(num, sizeof(num), "%u", fdrv_byte(v) % 8);
		if (store_setting_set(v->st, fdrv_byte(v) & 1
						 ? "momentum.overdue_grace"
						 : "momentum.max_gap",
				      num, &err))
			fdrv_fail("config set: %s", err.msg);
		return;
	case 11:
		fdrv_date(fdrv_near(v, fdrv_byte(v) & 1), b);
		if (store_setting_set(v->st, "holidays",
				      fdrv_byte(v) & 1 ? b : NULL, &err))
			fdrv_fail("config set holidays: %s", err.msg);
		return;
	case 12:
		verb_call_init(&c, fdrv_byte(v) & 1 ? V_DEAL_CLOSE
						    : V_DEAL_REOPEN, NULL);
		c.outcome = OUTCOME_WON;
		break;
	case 13:
		verb_call_init(&c, V_ADD, &schema_tables[T_RISK]);
		fdrv_key(v, "r", key, sizeof(key));
		fdrv_give(&c, "key", key);
		fdrv_give(&c, "title", key);
		fdrv_date(fdrv_near(v, true) + 20, b);
		fdrv_give(&c, "deadline", b);
		fdrv_give(&c, "duration", "10d");
		break;
	case 14:
		verb_call_init(&c, V_ADD, &schema_tables[T_HOLIDAY]);
		fdrv_date(fdrv_near(v, fdrv_byte(v) & 1), b);
		fdrv_give(&c, "day", b);
		break;
	default:
		/* Time passes (or --today looks back). */
		v->today += (int)(fdrv_byte(v) % 12) - 2;
		return;
	}
	fdrv_run(v, slug, &c);
}

/* ---- the invariant ------------------------------------------------------ */

static bool
fdrv_str_eq(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

/* a (kept) and b (recomputed) hold the same findings, first_seen aside. */
static void
fdrv_same(const char *slug, tw_date day, const struct momentum_report *a,
	  const struct momentum_report *b, const char *what)
{
	char d[DATE_BUFSZ];

	date_format(day, d);
	if (a->n != b->n)
		fdrv_fail("%s '%s' on %s: %zu findings, recomputed %zu", what,
			  slug, d, a->n, b->n);
	if (a->technical_win != b->technical_win ||
	    a->progress != b->progress ||
	    a->has_freshness != b->has_freshness ||
	    (a->has_freshness && a->freshness != b->freshness))
		fdrv_fail("%s '%s' on %s: W, P or freshness differ", what,
			  slug, d);
	for (size_t i = 0; i < a->n; i++) {
		const struct finding *x = &a->findings[i], *y = &b->findings[i];

		if (strcmp(x->rule, y->rule) || strcmp(x->subject, y->subject) ||
		    x->severity != y->severity || x->snoozed != y->snoozed ||
		    strcmp(x->message, y->message) ||
		    strcmp(finding_stored(x), finding_stored(y)) ||
		    x->date != y->date ||
		    x->acknowledged != y->acknowledged ||
		    x->ack_until != y->ack_until ||
		    !fdrv_str_eq(x->ack_by, y->ack_by) ||
		    !fdrv_str_eq(x->ack_reason, y->ack_reason))
			fdrv_fail("%s '%s' on %s: finding %zu differs: %s '%s' "
				  "'%s' against %s '%s' '%s'", what, slug, d,
				  i, x->rule, x->subject, x->message, y->rule,
				  y->subject, y->message);
	}
}

struct fdrv_check {
	struct fdrv *v;
	struct workspace ws;
	tw_date day;
	size_t seen;
};

/* The rules' answer for slug on day, with the workspace's settings. */
static void
fdrv_recompute(struct fdrv_check *k, const char *slug, tw_date day,
	       struct momentum_report *out)
{
	struct holidays wsh = workspace_days(&k->ws), h;
	struct tw_error err = { 0 };
	struct deal d;
	tw_date *buf;

	if (store_deal_get(k->v->st, slug, &d, &err) < 0)
		fdrv_fail("deal_get '%s': %s", slug, err.msg);
	h = deal_merged_holidays(&d, &wsh, &buf);
	findings_evaluate(&d, day, &h, &k->ws.momentum, out);
	free(buf);
	deal_release(&d);
}

/* Every valid kept evaluation is the rules' answer, on every day it covers. */
static int
fdrv_kept(struct kept_eval *e, void *arg, struct tw_error *err)
{
	struct fdrv_check *k = arg;
	struct holidays wsh = workspace_days(&k->ws), h;
	tw_date *buf;

	(void)err;
	if (!e->kept || e->stale)
		return 0;
	if (e->recheck_on <= e->evaluated_on)
		fdrv_fail("'%s': empty interval", e->deal.slug);
	/* Kept messages are rendered with the settings, as check does. */
	h = deal_merged_holidays(&e->deal, &wsh, &buf);
	momentum_report_render(&e->rep, &k->ws.momentum, &h);
	/* At most a few weeks of the interval, each day of it. */
	for (tw_date t = e->evaluated_on;
	     t < e->recheck_on && t < e->evaluated_on + 30; t++) {
		struct momentum_report kept = e->rep, fresh;

		fdrv_recompute(k, e->deal.slug, t, &fresh);
		if (kept.has_freshness)
			kept.freshness = freshness_score(kept.progress, t, &h,
							k->ws.momentum
								.half_life);
		fdrv_same(e->deal.slug, t, &kept, &fresh, "kept");
		momentum_report_release(&fresh);
	}
	free(buf);
	return 0;
}

/* What check reports is the rules' answer for today. */
static int
fdrv_checked(size_t part, const struct deal_check *c, void *arg,
	     struct tw_error *err)
{
	struct fdrv_check *k = arg;
	struct momentum_report fresh;

	(void)part;
	(void)err;
	k->seen++;
	fdrv_recompute(k, c->deal->slug, k->day, &fresh);
	fdrv_same(c->deal->slug, k->day, c->report, &fresh, "checked");
	momentum_report_release(&fresh);
	return 0;
}

static void
fdrv_invariant(struct fdrv *v)
{
	struct fdrv_check k;
	struct tw_error err = { 0 };

	memset(&k, 0, sizeof(k));
	k.v = v;
	k.day = v->today;
	if (workspace_load(v->st, &k.ws, &err) < 0)
		fdrv_fail("workspace_load: %s", err.msg);
	if (store_eval_each(v->st, v->today, false, fdrv_kept, &k, &err) < 0)
		fdrv_fail("eval_each: %s", err.msg);
	if (store_check_kept(v->st, v->today, 1, fdrv_checked, &k, &err) < 0)
		fdrv_fail("check: %s", err.msg);
	/* After check, everything open is kept and valid for today. */
	if (store_eval_each(v->st, v->today, false, fdrv_kept, &k, &err) < 0)
		fdrv_fail("eval_each: %s", err.msg);
	workspace_release(&k.ws);
}

/* Run the verbs data describes on st, checking after each. */
static void
fdrv_run_all(struct store *st, const uint8_t *data, size_t size)
{
	struct fdrv v;

	memset(&v, 0, sizeof(v));
	v.st = st;
	v.p = data;
	v.end = data + size;
	v.today = date_from_ymd(2027, 3, 1);
	while (v.p < v.end && v.steps++ < 64) {
		fdrv_step(&v);
		fdrv_invariant(&v);
	}
}

#endif
