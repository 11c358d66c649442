/*
 * Unit tests for src/core/criterion.c: status, headroom, growth capacity and
 * "scales" for both directions, with the DESIGN.md worked example.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/criterion.h"

#define EPS 1e-9

static struct criterion
crit(enum direction dir, double required, double measured)
{
	struct criterion c;

	memset(&c, 0, sizeof(c));
	c.scales_with_load = true;	/* as deal_add_criterion makes it */
	c.direction = dir;
	c.required = required;
	c.has_measured = true;
	c.measured = measured;
	return c;
}

static struct criterion
with_growth(struct criterion c, double growth)
{
	c.has_growth = true;
	c.growth_pct = growth;
	return c;
}

static struct criterion_eval
eval(struct criterion c)
{
	struct criterion_eval e;

	memset(&e, 0xa5, sizeof(e));
	criterion_evaluate(&c, &e);
	return e;
}

static void
test_worked_example(void **state)
{
	/* Required <= 15 min, measured 9 min. */
	struct criterion c = crit(DIR_AT_MOST, 15, 9);
	struct criterion_eval e = eval(c);

	(void)state;
	assert_int_equal(e.status, CRIT_PASS);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, 40.0, EPS);
	assert_true(e.has_growth_capacity);
	assert_float_equal(e.growth_capacity_pct, 200.0 / 3.0, EPS);
	assert_float_equal(e.growth_capacity_pct, 66.7, 0.05);
	assert_int_equal(e.scales, TRI_NULL);

	assert_int_equal(eval(with_growth(c, 50)).scales, TRI_TRUE);
	assert_int_equal(eval(with_growth(c, 66.6)).scales, TRI_TRUE);
	assert_int_equal(eval(with_growth(c, 66.7)).scales, TRI_FALSE);
	assert_int_equal(eval(with_growth(c, 100)).scales, TRI_FALSE);
	/* Growth does not change the other figures. */
	e = eval(with_growth(c, 100));
	assert_int_equal(e.status, CRIT_PASS);
	assert_float_equal(e.headroom_pct, 40.0, EPS);
}

static void
test_at_most_failing(void **state)
{
	struct criterion c = crit(DIR_AT_MOST, 15, 20);
	struct criterion_eval e = eval(with_growth(c, 10));

	(void)state;
	assert_int_equal(e.status, CRIT_FAIL);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, -100.0 / 3.0, EPS);
	assert_true(e.headroom_pct < 0);
	assert_true(e.has_growth_capacity);
	assert_float_equal(e.growth_capacity_pct, -25.0, EPS);
	assert_int_equal(e.scales, TRI_FALSE);
	assert_int_equal(eval(c).scales, TRI_NULL);
	/* A shrinking workload can still fit a failing result. */
	assert_int_equal(eval(with_growth(c, -30)).scales, TRI_TRUE);
}

static void
test_at_most_exact(void **state)
{
	struct criterion_eval e =
		eval(with_growth(crit(DIR_AT_MOST, 15, 15), 0));

	(void)state;
	assert_int_equal(e.status, CRIT_PASS);
	assert_float_equal(e.headroom_pct, 0.0, EPS);
	assert_float_equal(e.growth_capacity_pct, 0.0, EPS);
	assert_int_equal(e.scales, TRI_TRUE);
	assert_int_equal(eval(with_growth(crit(DIR_AT_MOST, 15, 15), 1)).scales,
			 TRI_FALSE);
}

static void
test_at_most_measured_zero(void **state)
{
	struct criterion c = crit(DIR_AT_MOST, 15, 0);
	struct criterion_eval e = eval(c);

	(void)state;
	assert_int_equal(e.status, CRIT_PASS);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, 100.0, EPS);
	/* Unbounded: reported as null, not as infinity. */
	assert_false(e.has_growth_capacity);
	assert_int_equal(e.scales, TRI_NULL);

	e = eval(with_growth(c, 1e6));
	assert_int_equal(e.status, CRIT_PASS);
	assert_false(e.has_growth_capacity);
	assert_int_equal(e.scales, TRI_TRUE);
}

static void
test_at_least(void **state)
{
	/* Required >= 1000 req/s, measured 1250. */
	struct criterion c = crit(DIR_AT_LEAST, 1000, 1250);
	struct criterion_eval e = eval(c);

	(void)state;
	assert_int_equal(e.status, CRIT_PASS);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, 25.0, EPS);
	assert_true(e.has_growth_capacity);
	assert_float_equal(e.growth_capacity_pct, 25.0, EPS);
	assert_int_equal(e.scales, TRI_NULL);
	assert_int_equal(eval(with_growth(c, 20)).scales, TRI_TRUE);
	assert_int_equal(eval(with_growth(c, 25)).scales, TRI_TRUE);
	assert_int_equal(eval(with_growth(c, 25.1)).scales, TRI_FALSE);

	/* Accuracy: at least 95 %, measured 99 %. */
	e = eval(crit(DIR_AT_LEAST, 95, 99));
	assert_int_equal(e.status, CRIT_PASS);
	assert_float_equal(e.headroom_pct, 400.0 / 95.0, EPS);
	assert_float_equal(e.growth_capacity_pct, 400.0 / 95.0, EPS);

	/* Exactly at the requirement passes with nothing to spare. */
	e = eval(with_growth(crit(DIR_AT_LEAST, 1000, 1000), 0));
	assert_int_equal(e.status, CRIT_PASS);
	assert_float_equal(e.headroom_pct, 0.0, EPS);
	assert_int_equal(e.scales, TRI_TRUE);
}

static void
test_at_least_failing(void **state)
{
	struct criterion_eval e =
		eval(with_growth(crit(DIR_AT_LEAST, 1000, 800), 10));

	(void)state;
	assert_int_equal(e.status, CRIT_FAIL);
	assert_float_equal(e.headroom_pct, -20.0, EPS);
	assert_float_equal(e.growth_capacity_pct, -20.0, EPS);
	assert_int_equal(e.scales, TRI_FALSE);

	/* Nothing measured on a higher-is-better metric: a total miss. */
	e = eval(with_growth(crit(DIR_AT_LEAST, 1000, 0), 0));
	assert_int_equal(e.status, CRIT_FAIL);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, -100.0, EPS);
	assert_true(e.has_growth_capacity);
	assert_float_equal(e.growth_capacity_pct, -100.0, EPS);
	assert_int_equal(e.scales, TRI_FALSE);
}

static void
test_pending(void **state)
{
	struct criterion c = with_growth(crit(DIR_AT_MOST, 15, 9), 10);
	struct criterion_eval e;

	(void)state;
	c.has_measured = false;
	e = eval(c);
	assert_int_equal(e.status, CRIT_PENDING);
	assert_false(e.has_headroom);
	assert_false(e.has_growth_capacity);
	assert_int_equal(e.scales, TRI_NULL);

	c.direction = DIR_AT_LEAST;
	e = eval(c);
	assert_int_equal(e.status, CRIT_PENDING);
	assert_int_equal(e.scales, TRI_NULL);
}

static void
test_scales_at_exact_boundary(void **state)
{
	(void)state;
	/* 12 / 10 - 1 is 19.999999999999996 in doubles; 20 % growth fits. */
	assert_int_equal(
		eval(with_growth(crit(DIR_AT_MOST, 12, 10), 20)).scales,
		TRI_TRUE);
	assert_int_equal(
		eval(with_growth(crit(DIR_AT_LEAST, 0.1, 0.12), 20)).scales,
		TRI_TRUE);
	assert_int_equal(
		eval(with_growth(crit(DIR_AT_LEAST, 0.1, 0.12), 20.001)).scales,
		TRI_FALSE);
}

/*
 * An accuracy or a count of supported formats does not move with the
 * workload: pass, fail and headroom as usual, but no growth capacity and
 * no answer to "scales", whatever growth is projected.
 */
static void
test_not_scaling_with_load(void **state)
{
	struct criterion c = with_growth(crit(DIR_AT_LEAST, 95, 97.5), 35);
	struct criterion_eval e;

	(void)state;
	c.scales_with_load = false;
	e = eval(c);
	assert_int_equal(e.status, CRIT_PASS);
	assert_true(e.has_headroom);
	assert_float_equal(e.headroom_pct, 2.5 / 95 * 100, EPS);
	assert_false(e.has_growth_capacity);
	assert_float_equal(e.growth_capacity_pct, 0, EPS);
	assert_false(e.unbounded);
	assert_int_equal(e.scales, TRI_NULL);

	/* Failing: no capacity either, not a negative one. */
	c.measured = 90;
	e = eval(c);
	assert_int_equal(e.status, CRIT_FAIL);
	assert_false(e.has_growth_capacity);
	assert_int_equal(e.scales, TRI_NULL);

	/* A measured 0, at most (0 errors): a pass, yet not "unbounded". */
	c = with_growth(crit(DIR_AT_MOST, 2, 0), 35);
	c.scales_with_load = false;
	e = eval(c);
	assert_int_equal(e.status, CRIT_PASS);
	assert_false(e.unbounded);
	assert_false(e.has_growth_capacity);
	assert_int_equal(e.scales, TRI_NULL);

	/* The same criterion scaling with load: capacity and scales. */
	c.scales_with_load = true;
	e = eval(c);
	assert_true(e.unbounded);
	assert_int_equal(e.scales, TRI_TRUE);
	c = with_growth(crit(DIR_AT_LEAST, 95, 97.5), 35);
	e = eval(c);
	assert_true(e.has_growth_capacity);
	assert_false(e.unbounded);
	assert_int_equal(e.scales, TRI_FALSE);
}

static void
test_status_names(void **state)
{
	(void)state;
	assert_string_equal(crit_status_name(CRIT_PENDING), "pending");
	assert_string_equal(crit_status_name(CRIT_PASS), "pass");
	assert_string_equal(crit_status_name(CRIT_FAIL), "fail");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_at_most_failing),
		cmocka_unit_test(test_at_most_exact),
		cmocka_unit_test(test_at_most_measured_zero),
		cmocka_unit_test(test_at_least),
		cmocka_unit_test(test_at_least_failing),
		cmocka_unit_test(test_pending),
		cmocka_unit_test(test_scales_at_exact_boundary),
		cmocka_unit_test(test_not_scaling_with_load),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
