/*
 * The commercial plan: technical win date, blockers, and dated playbook
 * steps (DESIGN.md, "Plan (timeline compression)").
 */
#include "core/commercial.h"
#include "core/criterion.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/*
 * The war story's sequence: executive summary, terms discussion, contract
 * review; execution once procurement has run its course. A win on a Friday
 * gives Tuesday, Thursday and the next Monday.
 */
static const struct step default_steps[] = {
	{ "Executive summary to the economic buyer", 2, EVENT_COMMERCIAL,
	  false },
	{ "Commercial terms discussion", 4, EVENT_COMMERCIAL, false },
	{ "Contract review begins", 6, EVENT_COMMERCIAL, false },
	{ "Contract execution target", 6, EVENT_COMMERCIAL, true },
};

const struct step *
default_playbook(size_t *n)
{
	*n = sizeof(default_steps) / sizeof(default_steps[0]);
	return default_steps;
}

void
commercial_plan_compute(const struct deal *d, const struct holidays *h,
			struct commercial_plan *out)
{
	const struct step *steps = d->playbook;
	size_t nsteps = d->nplaybook;
	tw_date win = DATE_NONE;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < d->ncriteria; i++) {
		const struct criterion *c = &d->criteria[i];
		struct criterion_eval ev;

		criterion_evaluate(c, &ev);
		if (ev.status != CRIT_PASS) {
			out->blocking = xrealloc(out->blocking,
						 (out->nblocking + 1) *
							 sizeof(*out->blocking));
			out->blocking[out->nblocking++] = c->key;
		} else if (c->measured_on > win) {
			win = c->measured_on;
		}
	}
	if (out->nblocking || !d->ncriteria || win == DATE_NONE)
		return;
	out->technical_win = win;

	if (!nsteps)
		steps = default_playbook(&nsteps);
	out->steps = xcalloc(nsteps, sizeof(*out->steps));
	out->nsteps = nsteps;
	for (size_t i = 0; i < nsteps; i++) {
		tw_date t = date_add_bdays(win, steps[i].offset, h);

		if (steps[i].plus_procurement && d->has_procurement_days)
			t = date_add_bdays(t, d->procurement_days, h);
		out->steps[i].title = steps[i].title;
		out->steps[i].kind = steps[i].kind;
		out->steps[i].date = t;
	}
	out->contract_target = out->steps[nsteps - 1].date;
}

void
commercial_plan_release(struct commercial_plan *p)
{
	free(p->blocking);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}
