/*
 * The commercial plan: technical win date, blockers, and dated playbook
 * steps (DESIGN.md, "Plan (timeline compression)").
 */
#include "core/commercial.h"
#include "core/criterion.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdbool.h>
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

/* "plan-" + the title in [a-z0-9-], cut to a valid key length. */
static char *
step_key(const char *title)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = true;

	strbuf_addstr(&sb, "plan-");
	for (const char *p = title ? title : ""; *p && sb.len < DEAL_SLUG_MAX;
	     p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			strbuf_addch(&sb, c);
			dash = false;
		} else if (!dash) {
			strbuf_addch(&sb, '-');
			dash = true;
		}
	}
	while (sb.len && sb.buf[sb.len - 1] == '-')
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb, NULL);
}

static bool
key_taken(char *const *keys, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

/*
 * The event key of every step. Two steps whose titles give the same key
 * (or the same after the cut) get "-2", "-3" in playbook order, so the
 * keys depend only on the playbook and applying again finds them.
 */
static char **
step_keys(const struct commercial_plan *p)
{
	char **keys = xcalloc(p->nsteps ? p->nsteps : 1, sizeof(*keys));

	for (size_t i = 0; i < p->nsteps; i++) {
		char *base = step_key(p->steps[i].title);

		keys[i] = xstrdup(base);
		for (int n = 2; key_taken(keys, i, keys[i]); n++) {
			struct strbuf sb = STRBUF_INIT;

			/* Leave room for the suffix within the key length. */
			strbuf_addstr(&sb, base);
			if (sb.len > DEAL_SLUG_MAX - 4)
				strbuf_setlen(&sb, DEAL_SLUG_MAX - 4);
			strbuf_addf(&sb, "-%d", n);
			free(keys[i]);
			keys[i] = strbuf_detach(&sb, NULL);
		}
		free(base);
	}
	return keys;
}

void
commercial_plan_applied(const struct deal *d,
			const struct commercial_plan *p, bool *out)
{
	char **keys = step_keys(p);

	for (size_t i = 0; i < p->nsteps; i++) {
		out[i] = deal_find_event(d, keys[i]) != NULL;
		free(keys[i]);
	}
	free(keys);
}

tw_date
commercial_contract_target(const struct deal *d,
			   const struct commercial_plan *p, tw_date today,
			   bool *applied)
{
	const struct event *e = NULL;
	char **keys;

	*applied = false;
	if (!p->nsteps)
		return p->contract_target;
	keys = step_keys(p);
	e = deal_find_event(d, keys[p->nsteps - 1]);
	for (size_t i = 0; i < p->nsteps; i++)
		free(keys[i]);
	free(keys);
	if (e && e->done && e->done <= today) {
		*applied = true;
		return e->done;
	}
	if (e && e->date) {
		*applied = true;
		return e->date;
	}
	return p->contract_target;
}

int
commercial_plan_apply(struct deal *d, const struct holidays *h,
		      size_t *added, struct tw_error *err)
{
	struct commercial_plan plan;
	char **keys;

	*added = 0;
	commercial_plan_compute(d, h, &plan);
	if (!plan.technical_win) {
		commercial_plan_release(&plan);
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no technical win yet; "
				    "nothing to apply", d->slug);
	}
	/* Checked before anything is added: apply is all or nothing. */
	for (size_t i = 0; i < plan.nsteps; i++) {
		if (!date_is_valid(plan.steps[i].date)) {
			commercial_plan_release(&plan);
			return tw_error_set(err, TW_EINPUT,
					    "the commercial plan of deal '%s' "
					    "runs past 9999-12-31", d->slug);
		}
	}
	keys = step_keys(&plan);
	for (size_t i = 0; i < plan.nsteps; i++) {
		struct event *e;

		if (deal_find_event(d, keys[i]))
			continue;
		e = deal_add_event(d);
		e->key = xstrdup(keys[i]);
		e->kind = plan.steps[i].kind;
		e->title = xstrdup_or_null(plan.steps[i].title);
		e->date = plan.steps[i].date;
		(*added)++;
	}
	for (size_t i = 0; i < plan.nsteps; i++)
		free(keys[i]);
	free(keys);
	commercial_plan_release(&plan);
	return 0;
}
