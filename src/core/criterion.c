/*
 * Criterion evaluation (DESIGN.md, "The computations"): pass/fail against the
 * required value, headroom, growth capacity and whether the measured result
 * absorbs the prospect's projected growth; neither of the last two for a
 * criterion that does not scale with load.
 */
#include "core/criterion.h"

/*
 * Percentages come out of a division, so 12 vs 10 gives 19.999999999999996
 * rather than 20; without this slack a capacity that exactly matches the
 * projected growth would be reported as not scaling.
 */
#define SCALES_EPSILON 1e-9

void
criterion_evaluate(const struct criterion *c, struct criterion_eval *out)
{
	double req = c->required, got = c->measured;
	bool at_most = c->direction == DIR_AT_MOST;
	bool unbounded = false;

	out->status = CRIT_PENDING;
	out->has_headroom = false;
	out->headroom_pct = 0;
	out->has_growth_capacity = false;
	out->growth_capacity_pct = 0;
	out->unbounded = false;
	out->scales = TRI_NULL;
	if (!c->has_measured)
		return;

	out->status = (at_most ? got <= req : got >= req) ? CRIT_PASS
							  : CRIT_FAIL;
	/* required > 0 is validated upstream; never divide by zero here. */
	if (req == 0)
		return;

	out->has_headroom = true;
	if (at_most) {
		out->headroom_pct = (req - got) / req * 100;
		/* Nothing measured: any growth still costs nothing. */
		if (got == 0)
			unbounded = true;
		else
			out->growth_capacity_pct = (req / got - 1) * 100;
	} else {
		out->headroom_pct = (got - req) / req * 100;
		out->growth_capacity_pct = (got / req - 1) * 100;
	}
	/* An accuracy or a count: the workload does not move it. */
	if (!c->scales_with_load) {
		out->growth_capacity_pct = 0;
		return;
	}
	out->has_growth_capacity = !unbounded;
	out->unbounded = unbounded && out->status == CRIT_PASS;

	if (!c->has_growth)
		return;
	if (unbounded)
		out->scales = TRI_TRUE;
	else
		out->scales = out->growth_capacity_pct + SCALES_EPSILON >=
					      c->growth_pct
				      ? TRI_TRUE
				      : TRI_FALSE;
}

const char *
crit_status_name(enum crit_status s)
{
	switch (s) {
	case CRIT_PASS:
		return "pass";
	case CRIT_FAIL:
		return "fail";
	case CRIT_PENDING:
	default:
		return "pending";
	}
}
