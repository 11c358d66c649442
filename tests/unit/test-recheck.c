/*
 * recheck_on is conservative-correct (momentum.h): for every day t in
 * [today, recheck_on) momentum_check() gives the same findings (rule,
 * subject, severity, snoozed, message, date) and the same progress date
 * as on today. Random deals are walked day by day the way a store of
 * findings uses them: a report is kept until its recheck_on and compared
 * with the one recomputed on each day before it.
 *
 * TW_RECHECK_SEED=N replays another sequence of deals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/momentum.h"
#include "store/inputs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define NDEALS 3000
/* The walk covers dates around the deal's, before and after all of them. */
#define SPAN 70

static uint64_t rng_state;

/* splitmix64: small, and the same sequence on every platform. */
static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static int
pick(int n)
{
	return (int)(rng() % (uint64_t)n);
}

/* A date around base, or none one time in `none`. */
static tw_date
some_date(tw_date base, int none)
{
	if (none && !pick(none))
		return DATE_NONE;
	return base - SPAN / 2 + pick(SPAN);
}

static const char *const keys[] = { "a", "b", "c", "d", "e" };

static struct duration
some_duration(void)
{
	return (struct duration){ pick(25), (enum dur_unit)pick(3) };
}

static void
random_deal(struct deal *d, tw_date base)
{
	static const char *const types[] = { "buying-signal", "buying-signal",
					     "compress", "urgency" };
	int n;

	deal_init(d);
	d->slug = xstrdup("acme");
	d->outcome = pick(5) ? OUTCOME_OPEN : OUTCOME_WON;
	d->poc_end = some_date(base, 2);
	d->snooze_until = some_date(base, 3);
	if (pick(2)) {
		d->has_procurement_days = true;
		d->procurement_days = pick(15);
	}
	n = pick(4);
	for (int i = 0; i < n; i++) {
		struct criterion *c = deal_add_criterion(d);

		c->key = xstrdup(keys[i]);
		c->direction = pick(2) ? DIR_AT_MOST : DIR_AT_LEAST;
		c->required = 10;
		/* Mostly passing, so that there is often a win. */
		if (pick(6)) {
			bool pass = pick(5);

			c->has_measured = true;
			c->measured = (c->direction == DIR_AT_MOST) == pass
					      ? 5 : 20;
			c->measured_on = some_date(base, 0);
		}
	}
	n = pick(6);
	for (int i = 0; i < n; i++) {
		struct event *e = deal_add_event(d);

		e->key = xstrdup(keys[i]);
		e->kind = pick(2) ? EVENT_COMMERCIAL : EVENT_TECHNICAL;
		e->date = some_date(base, 4);
		e->done = some_date(base, 2);
	}
	/* Sometimes the default plan's contract step, as plan --apply keys
	 * it: its date, then its done date, is the contract target. */
	if (n && !pick(3))
		xstrset(&d->events[n - 1].key, "plan-contract-execution-target");
	n = pick(4);
	for (int i = 0; i < n; i++) {
		struct touch *t = deal_add_touch(d);

		t->type = xstrdup(types[pick(4)]);
		t->date = some_date(base, 0);
		if (pick(2) && d->ncriteria)
			t->criterion = xstrdup(keys[pick((int)d->ncriteria)]);
	}
	n = pick(3);
	for (int i = 0; i < n; i++) {
		struct risk *r = deal_add_risk(d);

		r->key = xstrdup(keys[i]);
		r->deadline = some_date(base + 20, 5);
		r->buffer = some_duration();
		r->duration = some_duration();
	}
	if (!pick(4)) {
		struct phase *p = deal_add_phase(d);

		p->number = 1;
		p->justification = pick(2) ? xstrdup("proven") : NULL;
	}
}

static bool
same_findings(const struct momentum_report *a, const struct momentum_report *b,
	      char *why, size_t size)
{
	if (a->progress != b->progress || a->technical_win != b->technical_win) {
		snprintf(why, size, "progress or win differs");
		return false;
	}
	if (a->n != b->n) {
		snprintf(why, size, "%zu findings, then %zu", a->n, b->n);
		return false;
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct finding *x = &a->findings[i], *y = &b->findings[i];

		if (strcmp(x->rule, y->rule) || strcmp(x->subject, y->subject) ||
		    x->severity != y->severity || x->snoozed != y->snoozed ||
		    x->date != y->date || strcmp(x->message, y->message)) {
			snprintf(why, size, "finding %zu: %s '%s' became "
				 "%s '%s'", i, x->rule, x->message, y->rule,
				 y->message);
			return false;
		}
	}
	return true;
}

/*
 * The rules say the same of d and of the inputs the store keeps of it
 * (store/inputs.h), which a settings change re-evaluates from: prose is
 * kept only as whether there is any.
 */
static void
inputs_agree(const struct deal *d, tw_date day, const struct holidays *h,
	     const struct momentum_settings *s)
{
	struct strbuf sb = STRBUF_INIT;
	struct momentum_report a, b;
	struct deal got;
	char why[512];

	inputs_encode(d, &sb);
	deal_init(&got);
	assert_int_equal(inputs_decode(sb.buf, &got), 0);
	momentum_check(d, day, h, s, &a);
	momentum_check(&got, day, h, s, &b);
	if (!same_findings(&a, &b, why, sizeof(why)) ||
	    a.recheck_on != b.recheck_on)
		fail_msg("from its inputs: %s", why);
	momentum_report_release(&a);
	momentum_report_release(&b);
	inputs_release(&got);
	strbuf_release(&sb);
}

static void
test_recheck_random(void **state)
{
	const char *seed = getenv("TW_RECHECK_SEED");
	size_t days = 0, evals = 0, tight = 0;
	tw_date base0 = D("2027-03-01");

	(void)state;
	rng_state = seed ? strtoull(seed, NULL, 10) : 13;
	for (int k = 0; k < NDEALS; k++) {
		struct momentum_settings s = { pick(7), 10, pick(5) };
		tw_date base = base0 + pick(400), hd[3];
		struct momentum_report kept, now;
		struct holidays h = { .days = hd, .n = 0 };
		tw_date from, evaluated, t;
		struct deal d;
		char why[512];

		h.n = (size_t)pick(4);
		for (size_t i = 0; i < h.n; i++)
			hd[i] = some_date(base, 0);
		h.n = holidays_normalize(hd, h.n);
		random_deal(&d, base);
		inputs_agree(&d, base, &h, &s);

		from = base - SPAN;
		momentum_check(&d, from, &h, &s, &kept);
		evaluated = from;
		evals++;
		for (t = from + 1; t <= base + 2 * SPAN; t++) {
			char b1[DATE_BUFSZ], b2[DATE_BUFSZ], b3[DATE_BUFSZ];
			bool same;

			momentum_check(&d, t, &h, &s, &now);
			days++;
			same = same_findings(&kept, &now, why, sizeof(why));
			if (kept.recheck_on && t >= kept.recheck_on) {
				/* Due: the kept report is replaced. */
				tight += !same;
				if (now.recheck_on && now.recheck_on <= t)
					fail_msg("deal %d: recheck_on %s is "
						 "not after %s", k,
						 date_format(now.recheck_on,
							     b1),
						 date_format(t, b2));
				momentum_report_release(&kept);
				kept = now;
				evaluated = t;
				evals++;
				continue;
			}
			if (!same)
				fail_msg("seed %s, deal %d: evaluated on %s, "
					 "recheck_on %s, differs on %s: %s",
					 seed ? seed : "13", k,
					 date_format(evaluated, b1),
					 date_format(kept.recheck_on, b2),
					 date_format(t, b3), why);
			momentum_report_release(&now);
		}
		momentum_report_release(&kept);
		deal_release(&d);
	}
	print_message("%zu days walked, %zu evaluations, %zu of them with "
		      "changed findings\n", days, evals, tight);
	/* Conservative, not useless: most days reuse a kept report. */
	assert_true(evals * 4 < days);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recheck_random),
	};

	return cmocka_run_group_tests_name("recheck", tests, NULL, NULL);
}
