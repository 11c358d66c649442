/*
 * The commercial plan: technical win date, blockers, and dated playbook
 * steps (DESIGN.md, "Plan (timeline compression)").
 */
#include "core/commercial.h"
#include "core/criterion.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/*
 * The war story's sequence: executive summary (the SE's, from the POC's
 * numbers), terms discussion, contract review; execution once procurement
 * has run its course (the AE's). A win on a Friday gives Tuesday, Thursday
 * and the next Monday.
 */
static const struct step default_steps[] = {
	{ "Executive summary to the economic buyer", 2, EVENT_COMMERCIAL,
	  false, "exec-summary", "se" },
	{ "Commercial terms discussion", 4, EVENT_COMMERCIAL, false, "terms",
	  "ae" },
	{ "Contract review begins", 6, EVENT_COMMERCIAL, false,
	  "contract-review", "ae" },
	{ "Contract execution target", 6, EVENT_COMMERCIAL, true,
	  "contract-signed", "ae" },
};

const struct step *
default_playbook(size_t *n)
{
	*n = sizeof(default_steps) / sizeof(default_steps[0]);
	return default_steps;
}

const struct step *
commercial_playbook(const struct deal *d, const struct holidays *h,
		    size_t *n)
{
	if (d->nplaybook) {
		*n = d->nplaybook;
		return d->playbook;
	}
	if (h && h->nplaybook) {
		*n = h->nplaybook;
		return h->playbook;
	}
	return default_playbook(n);
}

struct step *
playbook_copy(const struct step *steps, size_t n)
{
	struct step *c = n ? xcalloc(n, sizeof(*c)) : NULL;

	for (size_t i = 0; i < n; i++) {
		c[i] = steps[i];
		c[i].title = xstrdup_or_null(steps[i].title);
		c[i].key = xstrdup_or_null(steps[i].key);
		c[i].owner = xstrdup_or_null(steps[i].owner);
	}
	return c;
}

void
playbook_free(struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(steps[i].title);
		free(steps[i].key);
		free(steps[i].owner);
	}
	free(steps);
}

void
playbook_describe(const struct step *steps, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		bool paren = s->kind != EVENT_COMMERCIAL || s->key || s->owner;

		strbuf_addf(out, "%s%s +%d%s", i ? "; " : "",
			    s->title ? s->title : "", s->offset,
			    s->plus_procurement ? " plus procurement" : "");
		if (!paren)
			continue;
		strbuf_addstr(out, " (");
		if (s->kind != EVENT_COMMERCIAL)
			strbuf_addf(out, "%s%s", event_kind_name(s->kind),
				    s->key || s->owner ? ", " : "");
		if (s->key)
			strbuf_addf(out, "key %s%s", s->key,
				    s->owner ? ", " : "");
		if (s->owner)
			strbuf_addf(out, "%s", !strcmp(s->owner, "ae") ? "AE"
					       : !strcmp(s->owner, "se") ? "SE"
									 : s->owner);
		strbuf_addch(out, ')');
	}
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
key_taken(const struct plan_step *steps, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(steps[i].key, key))
			return true;
	return false;
}

/*
 * The key of every step: the playbook's, else one made from the title.
 * Two steps whose titles give the same key (or the same after the cut) get
 * "-2", "-3" in playbook order, so the keys depend only on the playbook and
 * applying again finds them.
 */
static void
step_keys(struct commercial_plan *p, const struct step *steps)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		char *base = steps[i].key ? xstrdup(steps[i].key)
					  : step_key(steps[i].title);

		p->steps[i].key = xstrdup(base);
		for (int n = 2; key_taken(p->steps, i, p->steps[i].key); n++) {
			struct strbuf sb = STRBUF_INIT;

			/* Leave room for the suffix within the key length. */
			strbuf_addstr(&sb, base);
			if (sb.len > DEAL_SLUG_MAX - 4)
				strbuf_setlen(&sb, DEAL_SLUG_MAX - 4);
			strbuf_addf(&sb, "-%d", n);
			free(p->steps[i].key);
			p->steps[i].key = strbuf_detach(&sb, NULL);
		}
		free(base);
	}
}

void
commercial_plan_compute(const struct deal *d, const struct holidays *h,
			struct commercial_plan *out)
{
	size_t nsteps;
	const struct step *steps = commercial_playbook(d, h, &nsteps);
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

	out->steps = xcalloc(nsteps, sizeof(*out->steps));
	out->nsteps = nsteps;
	for (size_t i = 0; i < nsteps; i++) {
		tw_date t = date_add_bdays(win, steps[i].offset, h);

		if (steps[i].plus_procurement && d->has_procurement_days)
			t = date_add_bdays(t, d->procurement_days, h);
		out->steps[i].title = steps[i].title;
		out->steps[i].kind = steps[i].kind;
		out->steps[i].date = t;
		out->steps[i].owner = steps[i].owner;
	}
	step_keys(out, steps);
	out->contract_target = out->steps[nsteps - 1].date;
}

void
commercial_plan_release(struct commercial_plan *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		free(p->steps[i].key);
	free(p->blocking);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

/* A title's words, lowercase, one space apart: "Contract review begins". */
static void
title_words(const char *title, struct strbuf *sb)
{
	bool space = false;

	for (const char *p = title ? title : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c >= 0x80) {
			if (space && sb->len)
				strbuf_addch(sb, ' ');
			strbuf_addch(sb, (char)c);
			space = false;
		} else {
			space = true;
		}
	}
}

/* Whether the words of short stand, whole, within those of long. */
static bool
words_within(const char *shorter, const char *longer)
{
	size_t n = strlen(shorter);

	if (!n)
		return false;
	for (const char *p = strstr(longer, shorter); p;
	     p = strstr(p + 1, shorter))
		if ((p == longer || p[-1] == ' ') &&
		    (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static bool
titles_similar(const char *a, const char *b)
{
	struct strbuf wa = STRBUF_INIT, wb = STRBUF_INIT;
	bool similar;

	title_words(a, &wa);
	title_words(b, &wb);
	similar = wa.len && wb.len &&
		  (words_within(wa.buf, wb.buf) ||
		   words_within(wb.buf, wa.buf) ||
		   edit_distance(wa.buf, wb.buf, SUGGEST_MAX_DISTANCE) <=
			   SUGGEST_MAX_DISTANCE);
	strbuf_release(&wa);
	strbuf_release(&wb);
	return similar;
}

const struct event *
commercial_step_covered(const struct deal *d, const struct plan_step *s,
			const struct holidays *h)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		int gap;

		if (e->step && !strcmp(e->step, s->key))
			return e;
		if (e->kind != s->kind)
			continue;
		if (!strcmp(e->key, s->key))
			return e;
		if (e->date == DATE_NONE ||
		    !titles_similar(e->title, s->title))
			continue;
		gap = date_bdays_between(e->date, s->date, h);
		if (gap >= -1 && gap <= 1)
			return e;
	}
	return NULL;
}

void
commercial_plan_applied(const struct deal *d,
			const struct commercial_plan *p,
			const struct holidays *h, bool *out)
{
	for (size_t i = 0; i < p->nsteps; i++)
		out[i] = commercial_step_covered(d, &p->steps[i], h) != NULL;
}

/* s's key, or with "-2", "-3" when an event of d holds it. */
static char *
free_event_key(const struct deal *d, const char *key)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, key);
	for (int n = 2; deal_find_event(d, sb.buf); n++) {
		strbuf_reset(&sb);
		strbuf_add(&sb, key, strlen(key) > DEAL_SLUG_MAX - 4
					     ? DEAL_SLUG_MAX - 4
					     : strlen(key));
		strbuf_addf(&sb, "-%d", n);
	}
	return strbuf_detach(&sb, NULL);
}

tw_date
commercial_contract_target(const struct deal *d,
			   const struct commercial_plan *p, tw_date today,
			   bool *applied)
{
	const struct event *e = NULL;
	const char *key;

	*applied = false;
	if (!p->nsteps)
		return p->contract_target;
	/* The event made of the last step: its step, else its key. */
	key = p->steps[p->nsteps - 1].key;
	for (size_t i = 0; i < d->nevents && !e; i++)
		if (d->events[i].step && !strcmp(d->events[i].step, key))
			e = &d->events[i];
	if (!e)
		e = deal_find_event(d, key);
	if (e && event_done_by(e, today)) {
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
	bool *covered;

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
	/* Covered by the events there before: two steps may share one. */
	covered = xcalloc(plan.nsteps, sizeof(*covered));
	commercial_plan_applied(d, &plan, h, covered);
	for (size_t i = 0; i < plan.nsteps; i++) {
		const struct plan_step *s = &plan.steps[i];
		const char *who = !s->owner		 ? NULL
				  : !strcmp(s->owner, "ae") ? d->ae
							 : d->se;
		char *key;
		struct event *e;

		if (covered[i])
			continue;
		key = free_event_key(d, s->key);
		e = deal_add_event(d);
		e->key = key;
		e->kind = s->kind;
		e->title = xstrdup_or_null(s->title);
		e->owner = xstrdup_or_null(who);
		e->date = s->date;
		e->step = xstrdup(s->key);
		(*added)++;
	}
	free(covered);
	commercial_plan_release(&plan);
	return 0;
}
