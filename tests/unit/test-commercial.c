/*
 * Unit tests for src/core/commercial.c: the technical win date, what blocks
 * it, and the playbook steps dated in business days (the default playbook
 * from the war story, custom playbooks, procurement, holidays).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <string.h>

#include "core/commercial.h"
#include "util/xalloc.h"

/* A criterion "at most 15": measured NULL is pending, > 15 fails. */
static void
add_crit(struct deal *d, const char *key, const char *measured,
	 const char *on)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->direction = DIR_AT_MOST;
	c->required = 15;
	if (measured) {
		c->has_measured = true;
		c->measured = strcmp(measured, "fail") ? 9 : 20;
	}
	c->measured_on = on ? D(on) : DATE_NONE;
}

static void
add_step(struct deal *d, const char *title, int offset, enum event_kind kind,
	 bool plus_procurement)
{
	struct step *s = deal_add_step(d);

	s->title = xstrdup(title);
	s->offset = offset;
	s->kind = kind;
	s->plus_procurement = plus_procurement;
}

static void
mkdeal(struct deal *d, int procurement_days)
{
	deal_init(d);
	d->slug = xstrdup("acme");
	if (procurement_days >= 0) {
		d->has_procurement_days = true;
		d->procurement_days = procurement_days;
	}
}

/* The win is the last pass, not the last criterion in the list. */
static void
test_win_is_last_pass(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "a", "pass", "2026-09-15");
	add_crit(&d, "b", "pass", "2026-09-18");
	add_crit(&d, "c", "pass", "2026-09-10");
	commercial_plan_compute(&d, NULL, &p);
	assert_date(p.technical_win, "2026-09-18");
	assert_int_equal(p.nblocking, 0);
	assert_int_equal(p.nsteps, 4);
	commercial_plan_release(&p);
	deal_release(&d);
}

/*
 * The war story: a win on a Friday gives Tuesday, Thursday and the next
 * Monday; the contract target is that Monday + 20 business days.
 */
static void
test_default_playbook_friday(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "2026-09-18");
	assert_int_equal(date_weekday(D("2026-09-18")), 4);
	commercial_plan_compute(&d, NULL, &p);
	assert_int_equal(p.nsteps, 4);
	assert_string_equal(p.steps[0].title,
			    "Executive summary to the economic buyer");
	assert_date(p.steps[0].date, "2026-09-22");
	assert_int_equal(date_weekday(p.steps[0].date), 1);
	assert_string_equal(p.steps[1].title, "Commercial terms discussion");
	assert_date(p.steps[1].date, "2026-09-24");
	assert_int_equal(date_weekday(p.steps[1].date), 3);
	assert_string_equal(p.steps[2].title, "Contract review begins");
	assert_date(p.steps[2].date, "2026-09-28");
	assert_int_equal(date_weekday(p.steps[2].date), 0);
	assert_string_equal(p.steps[3].title, "Contract execution target");
	assert_date(p.steps[3].date, "2026-10-26");
	assert_date(p.contract_target, "2026-10-26");
	for (size_t i = 0; i < p.nsteps; i++)
		assert_int_equal(p.steps[i].kind, EVENT_COMMERCIAL);
	commercial_plan_release(&p);
	deal_release(&d);
}

/*
 * After apply, every step is an event; commercial_plan_applied says so, and
 * an event the user removed makes its step unapplied again.
 */
static void
test_applied_steps(void **state)
{
	struct commercial_plan p;
	bool applied[4];
	size_t added;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "2026-09-18");
	commercial_plan_compute(&d, NULL, &p);
	commercial_plan_applied(&d, &p, NULL, applied);
	for (size_t i = 0; i < 4; i++)
		assert_false(applied[i]);
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 4);
	commercial_plan_applied(&d, &p, NULL, applied);
	for (size_t i = 0; i < 4; i++)
		assert_true(applied[i]);
	/* Remove the third step's event: only that step is unapplied. */
	event_release(&d.events[2]);
	d.events[2] = d.events[--d.nevents];
	commercial_plan_applied(&d, &p, NULL, applied);
	assert_true(applied[0]);
	assert_true(applied[1]);
	assert_false(applied[2]);
	assert_true(applied[3]);
	commercial_plan_release(&p);
	deal_release(&d);
}

/*
 * A technical win at the end of the calendar: the steps would fall after
 * 9999-12-31, which no date can hold, so apply refuses and adds nothing
 * (found by fuzz-plan).
 */
static void
test_apply_past_calendar(void **state)
{
	struct tw_error err;
	size_t added = 7;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "9999-12-31");
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "the commercial plan of deal 'acme' "
				     "runs past 9999-12-31");
	assert_int_equal(added, 0);
	assert_int_equal(d.nevents, 0);
	deal_release(&d);
	assert_true(date_is_valid(D("9999-12-31")));
	assert_false(date_is_valid(D("9999-12-31") + 1));
	assert_false(date_is_valid(DATE_NONE));
}

static void
test_default_playbook_table(void **state)
{
	const struct step *s;
	size_t n;

	(void)state;
	s = default_playbook(&n);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].offset, 2);
	assert_int_equal(s[1].offset, 4);
	assert_int_equal(s[2].offset, 6);
	assert_int_equal(s[3].offset, 6);
	assert_false(s[2].plus_procurement);
	assert_true(s[3].plus_procurement);
}

/* Without a procurement lead time the target is the contract review. */
static void
test_no_procurement_days(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, -1);
	add_crit(&d, "batch", "pass", "2026-09-18");
	commercial_plan_compute(&d, NULL, &p);
	assert_date(p.contract_target, "2026-09-28");
	commercial_plan_release(&p);
	deal_release(&d);
}

static void
test_blocking(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "ok", "pass", "2026-09-18");
	add_crit(&d, "pending", NULL, NULL);
	add_crit(&d, "slow", "fail", "2026-09-17");
	commercial_plan_compute(&d, NULL, &p);
	assert_int_equal(p.technical_win, DATE_NONE);
	assert_int_equal(p.nblocking, 2);
	assert_string_equal(p.blocking[0], "pending");
	assert_string_equal(p.blocking[1], "slow");
	assert_int_equal(p.nsteps, 0);
	assert_int_equal(p.contract_target, DATE_NONE);
	commercial_plan_release(&p);

	/* Once the last one passes, the win is its date. */
	add_crit(&d, "x", NULL, NULL);
	deal_find_criterion(&d, "pending")->has_measured = true;
	deal_find_criterion(&d, "pending")->measured = 10;
	deal_find_criterion(&d, "pending")->measured_on = D("2026-09-21");
	deal_find_criterion(&d, "slow")->measured = 14;
	deal_find_criterion(&d, "x")->has_measured = true;
	deal_find_criterion(&d, "x")->measured = 1;
	deal_find_criterion(&d, "x")->measured_on = D("2026-09-20");
	commercial_plan_compute(&d, NULL, &p);
	assert_date(p.technical_win, "2026-09-21");
	assert_int_equal(p.nblocking, 0);
	commercial_plan_release(&p);
	deal_release(&d);
}

static void
test_no_criteria_no_win(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	commercial_plan_compute(&d, NULL, &p);
	assert_int_equal(p.technical_win, DATE_NONE);
	assert_int_equal(p.nblocking, 0);
	assert_int_equal(p.nsteps, 0);
	assert_int_equal(p.contract_target, DATE_NONE);
	commercial_plan_release(&p);
	deal_release(&d);
}

/* Custom offsets, kinds kept, procurement added only where asked. */
static void
test_custom_playbook(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 10);
	add_crit(&d, "batch", "pass", "2026-11-04");
	add_step(&d, "Demo to the CFO", 1, EVENT_COMMERCIAL, false);
	add_step(&d, "Security review", 3, EVENT_TECHNICAL, false);
	add_step(&d, "Signature", 5, EVENT_COMMERCIAL, true);
	commercial_plan_compute(&d, NULL, &p);
	assert_int_equal(p.nsteps, 3);
	assert_string_equal(p.steps[0].title, "Demo to the CFO");
	assert_date(p.steps[0].date, "2026-11-05");
	assert_int_equal(p.steps[1].kind, EVENT_TECHNICAL);
	assert_date(p.steps[1].date, "2026-11-09");
	/* Wed 11-04 + 5 bd = Wed 11-11, + 10 bd = Wed 11-25. */
	assert_date(p.steps[2].date, "2026-11-25");
	assert_date(p.contract_target, "2026-11-25");
	commercial_plan_release(&p);
	deal_release(&d);
}

/*
 * The workspace's playbook (carried with its holidays) replaces the
 * built-in default for a deal without one; a deal's own wins over both;
 * apply makes the workspace's steps, keys and owners.
 */
static void
test_workspace_playbook_fallback(void **state)
{
	struct step ws[2] = {
		{ .title = "Security review", .offset = 1,
		  .kind = EVENT_TECHNICAL, .key = "sec-review", .owner = "se" },
		{ .title = "Signature", .offset = 3, .kind = EVENT_COMMERCIAL,
		  .plus_procurement = true, .owner = "ae" },
	};
	struct holidays h = { .playbook = ws, .nplaybook = 2 };
	struct commercial_plan p;
	const struct step *s;
	struct deal d;
	size_t n, added;

	(void)state;
	mkdeal(&d, 2);
	d.ae = xstrdup("ann");
	d.se = xstrdup("sam");
	add_crit(&d, "batch", "pass", "2026-09-18");	/* a Friday */
	commercial_plan_compute(&d, &h, &p);
	assert_int_equal(p.nsteps, 2);
	assert_string_equal(p.steps[0].title, "Security review");
	assert_int_equal(p.steps[0].kind, EVENT_TECHNICAL);
	assert_string_equal(p.steps[0].key, "sec-review");
	assert_date(p.steps[0].date, "2026-09-21");
	assert_string_equal(p.steps[1].key, "plan-signature");
	/* +3 and 2 procurement days: Wednesday, then Friday. */
	assert_date(p.contract_target, "2026-09-25");
	commercial_plan_release(&p);
	s = commercial_playbook(&d, &h, &n);
	assert_ptr_equal(s, ws);
	assert_int_equal(n, 2);

	/* Without one in h: the built-in default, as before. */
	h.nplaybook = 0;
	commercial_plan_compute(&d, &h, &p);
	assert_int_equal(p.nsteps, 4);
	assert_string_equal(p.steps[0].key, "exec-summary");
	commercial_plan_release(&p);
	h.nplaybook = 2;

	assert_int_equal(commercial_plan_apply(&d, &h, &added, NULL), 0);
	assert_int_equal(added, 2);
	assert_string_equal(d.events[0].key, "sec-review");
	assert_string_equal(d.events[0].owner, "sam");
	assert_int_equal(d.events[0].kind, EVENT_TECHNICAL);
	assert_string_equal(d.events[1].step, "plan-signature");
	assert_string_equal(d.events[1].owner, "ann");

	/* The deal's own playbook wins over the workspace's. */
	add_step(&d, "Own step", 5, EVENT_COMMERCIAL, false);
	commercial_plan_compute(&d, &h, &p);
	assert_int_equal(p.nsteps, 1);
	assert_string_equal(p.steps[0].title, "Own step");
	commercial_plan_release(&p);
	deal_release(&d);
}

/* A copy owns its strings; the history's line names every field. */
static void
test_playbook_copy_describe(void **state)
{
	struct step ws[2] = {
		{ .title = "Security review", .offset = 1,
		  .kind = EVENT_TECHNICAL, .key = "sec-review", .owner = "se" },
		{ .title = "Signature", .offset = 3, .kind = EVENT_COMMERCIAL,
		  .plus_procurement = true },
	};
	struct strbuf sb = STRBUF_INIT;
	struct step *c = playbook_copy(ws, 2);

	(void)state;
	assert_ptr_not_equal(c[0].title, ws[0].title);
	assert_string_equal(c[0].title, "Security review");
	assert_null(c[1].key);
	playbook_describe(c, 2, &sb);
	assert_string_equal(sb.buf, "Security review +1 (technical, key "
			    "sec-review, SE); Signature +3 plus procurement");
	playbook_free(c, 2);
	assert_null(playbook_copy(NULL, 0));
	strbuf_release(&sb);
}

/* Christmas inside the span pushes the later steps, not the earlier. */
static void
test_holidays_in_span(void **state)
{
	tw_date hd[] = { D("2026-12-24"), D("2026-12-25") };
	struct holidays h = { .days = hd, .n = 2 };
	tw_date h3[3];
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 0);
	add_crit(&d, "batch", "pass", "2026-12-18");
	commercial_plan_compute(&d, NULL, &p);
	assert_date(p.steps[1].date, "2026-12-24");
	assert_date(p.steps[2].date, "2026-12-28");
	commercial_plan_release(&p);

	commercial_plan_compute(&d, &h, &p);
	assert_date(p.steps[0].date, "2026-12-22");
	assert_date(p.steps[1].date, "2026-12-28");
	assert_date(p.steps[2].date, "2026-12-30");
	assert_date(p.contract_target, "2026-12-30");
	commercial_plan_release(&p);

	/* Holidays inside the procurement span count too. */
	d.procurement_days = 2;
	commercial_plan_compute(&d, &h, &p);
	assert_date(p.contract_target, "2027-01-01");
	commercial_plan_release(&p);
	h3[0] = hd[0];
	h3[1] = hd[1];
	h3[2] = D("2026-12-31");
	h.days = h3;
	h.n = 3;
	commercial_plan_compute(&d, &h, &p);
	assert_date(p.steps[2].date, "2026-12-30");
	assert_date(p.contract_target, "2027-01-04");
	commercial_plan_release(&p);
	deal_release(&d);
}

/* An undated pass does not move the win; with no date at all, none. */
static void
test_undated_pass(void **state)
{
	struct commercial_plan p;
	struct deal d;

	(void)state;
	mkdeal(&d, 0);
	add_crit(&d, "a", "pass", NULL);
	commercial_plan_compute(&d, NULL, &p);
	assert_int_equal(p.technical_win, DATE_NONE);
	assert_int_equal(p.nblocking, 0);
	commercial_plan_release(&p);
	add_crit(&d, "b", "pass", "2026-11-04");
	commercial_plan_compute(&d, NULL, &p);
	assert_date(p.technical_win, "2026-11-04");
	commercial_plan_release(&p);
	deal_release(&d);
}


/*
 * The default playbook's steps have short keys and owners: apply keys the
 * events by them, keeps the step's key on each and names the deal's SE or
 * AE as its owner.
 */
static void
test_apply_keys_owners(void **state)
{
	static const char *const keys[] = { "exec-summary", "terms",
					     "contract-review",
					     "contract-signed" };
	size_t added;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	d.ae = xstrdup("Daniel Okafor");
	d.se = xstrdup("Priya Raman");
	add_crit(&d, "batch", "pass", "2026-09-18");
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(d.events[i].key, keys[i]);
		assert_string_equal(d.events[i].step, keys[i]);
		assert_string_equal(d.events[i].owner,
				    i ? "Daniel Okafor" : "Priya Raman");
	}
	deal_release(&d);
}

static struct event *
add_event(struct deal *d, const char *key, const char *title, const char *on)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = EVENT_COMMERCIAL;
	e->title = xstrdup(title);
	e->date = D(on);
	return e;
}

/*
 * An event already there covers a step when it has a similar title within
 * 1 business day: "contract review" on Friday covers "Contract review
 * begins" on Monday 2026-09-28; the terms call a week late does not cover
 * "Commercial terms discussion", and an event under the step's key covers
 * it whatever its title or date.
 */
static void
test_apply_skips_covered(void **state)
{
	struct commercial_plan p;
	bool applied[4];
	size_t added;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "2026-09-18");
	add_event(&d, "review", "contract review", "2026-09-25");
	add_event(&d, "call", "Commercial terms discussion", "2026-10-01");
	add_event(&d, "contract-signed", "Signature", "2027-01-04");
	commercial_plan_compute(&d, NULL, &p);
	commercial_plan_applied(&d, &p, NULL, applied);
	assert_false(applied[0]);
	assert_false(applied[1]);
	assert_true(applied[2]);
	assert_true(applied[3]);
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 2);
	assert_string_equal(d.events[3].key, "exec-summary");
	assert_string_equal(d.events[4].key, "terms");
	/* Two business days off is not within 1: Thursday for Monday. */
	deal_release(&d);
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "2026-09-18");
	add_event(&d, "review", "Contract Review Begins!", "2026-09-24");
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 4);
	commercial_plan_release(&p);
	deal_release(&d);
}

/*
 * A step's key held by an event that does not cover it (another kind):
 * the new event gets "-2", keeps the step's key in step, and has no owner
 * when the playbook names none.
 */
static void
test_apply_key_taken(void **state)
{
	size_t added;
	struct deal d;

	(void)state;
	mkdeal(&d, 20);
	add_crit(&d, "batch", "pass", "2026-09-18");
	add_step(&d, "Send the proposal", 1, EVENT_COMMERCIAL, false);
	d.playbook[0].key = xstrdup("proposal");
	add_event(&d, "proposal-draft", "Draft", "2026-09-01")->kind =
		EVENT_TECHNICAL;
	add_event(&d, "proposal", "Write up", "2026-09-01")->kind =
		EVENT_TECHNICAL;
	assert_int_equal(commercial_plan_apply(&d, NULL, &added, NULL), 0);
	assert_int_equal(added, 1);
	assert_string_equal(d.events[2].key, "proposal-2");
	assert_string_equal(d.events[2].step, "proposal");
	assert_null(d.events[2].owner);
	deal_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_win_is_last_pass),
		cmocka_unit_test(test_default_playbook_friday),
		cmocka_unit_test(test_default_playbook_table),
		cmocka_unit_test(test_workspace_playbook_fallback),
		cmocka_unit_test(test_playbook_copy_describe),
		cmocka_unit_test(test_applied_steps),
		cmocka_unit_test(test_no_procurement_days),
		cmocka_unit_test(test_blocking),
		cmocka_unit_test(test_no_criteria_no_win),
		cmocka_unit_test(test_custom_playbook),
		cmocka_unit_test(test_holidays_in_span),
		cmocka_unit_test(test_undated_pass),
		cmocka_unit_test(test_apply_past_calendar),
		cmocka_unit_test(test_apply_keys_owners),
		cmocka_unit_test(test_apply_skips_covered),
		cmocka_unit_test(test_apply_key_taken),
	};

	return cmocka_run_group_tests_name("commercial", tests, NULL, NULL);
}
