/*
 * The verbs (actions.h): each user action on a deal, once.
 */
#include "core/actions.h"
#include "core/champion.h"
#include "core/commercial.h"
#include "core/findings.h"
#include "core/message.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the context ------------------------------------------------------ */

void
deal_ctx_init(struct deal_ctx *c, tw_date today, const char *actor)
{
	memset(c, 0, sizeof(*c));
	deal_init(&c->deal);
	c->settings.max_gap = MOMENTUM_DEFAULT_MAX_GAP;
	c->settings.half_life = MOMENTUM_DEFAULT_HALF_LIFE;
	c->settings.overdue_grace = MOMENTUM_DEFAULT_OVERDUE_GRACE;
	c->today = today;
	c->actor = actor;
}

void
deal_ctx_set_holidays(struct deal_ctx *c, const struct holidays *ws)
{
	size_t n = ws ? ws->nplaybook : 0;
	struct step *pb = playbook_copy(ws ? ws->playbook : NULL, n);

	playbook_free(c->playbook, c->nplaybook);
	c->playbook = pb;
	c->nplaybook = n;
	free(c->hol_buf);
	c->hol = deal_merged_holidays(&c->deal, ws, &c->hol_buf);
	c->hol.playbook = c->playbook;
}

void
deal_ctx_release(struct deal_ctx *c)
{
	deal_release(&c->deal);
	free(c->hol_buf);
	c->hol_buf = NULL;
	playbook_free(c->playbook, c->nplaybook);
	c->playbook = NULL;
	c->nplaybook = 0;
	memset(&c->hol, 0, sizeof(c->hol));
}

/* ---- calls ------------------------------------------------------------- */

static const char *const verb_names[V_COUNT] = {
	[V_DEAL_CREATE] = "deal add", [V_DEAL_SET] = "deal set",
	[V_DEAL_CLOSE] = "deal close", [V_DEAL_REOPEN] = "deal reopen",
	[V_DEAL_REMOVE] = "deal rm", [V_ADD] = "add", [V_SET] = "set",
	[V_REMOVE] = "rm", [V_RECORD] = "criterion record",
	[V_DONE] = "event done", [V_PLAN_APPLY] = "plan --apply",
	[V_SNOOZE] = "snooze", [V_UNSNOOZE] = "snooze --clear",
	[V_TOUCH] = "message --log",
	[V_HOLIDAYS] = "deal holidays import",
	[V_ACK] = "check ack", [V_UNACK] = "check unack",
	[V_LINK_ADD] = "share", [V_LINK_REMOVE] = "share rm",
	[V_VIEW] = "share view",
	[V_DEAL_RENAME] = "deal rename",
	[V_STEP_DONE] = "share done", [V_PROPOSE] = "share propose",
	[V_CONFIRM] = "share confirm", [V_ACCEPT] = "event accept",
	[V_DECLINE] = "event decline",
};

const char *
verb_name(enum verb v, const struct schema_table *tb)
{
	static __thread char buf[48];

	if ((v == V_ADD || v == V_SET || v == V_REMOVE) && tb) {
		snprintf(buf, sizeof(buf), "%s %s", tb->entity, verb_names[v]);
		return buf;
	}
	return (size_t)v < V_COUNT ? verb_names[v] : "?";
}

/* A fresh struct of tb's kind: nothing given, dates absent. */
static void *
blank(const struct schema_table *tb)
{
	void *obj = xcalloc(1, tb->size);

	for (size_t i = 0; i < tb->nfields; i++)
		field_release(&tb->fields[i], obj);
	return obj;
}

void
verb_call_init(struct verb_call *c, enum verb v,
	       const struct schema_table *tb)
{
	memset(c, 0, sizeof(*c));
	c->verb = v;
	c->tb = tb;
	c->on = DATE_NONE;
	c->until = DATE_NONE;
	if (tb)
		c->vals = blank(tb);
}

void
verb_call_release(struct verb_call *c)
{
	if (c->vals) {
		if (c->tb == &schema_deal)
			deal_release(c->vals);
		else
			schema_release(c->tb, c->vals);
		free(c->vals);
	}
	c->vals = NULL;
}

static size_t
field_index(const struct verb_call *c, const struct field *f)
{
	return (size_t)(f - c->tb->fields);
}

void
verb_give(struct verb_call *c, const struct field *f)
{
	c->given |= UINT32_C(1) << field_index(c, f);
}

bool
verb_given(const struct verb_call *c, const struct field *f)
{
	return c->given & (UINT32_C(1) << field_index(c, f));
}

int
verb_give_text(struct verb_call *c, const struct field *f, const char *label,
	       const char *text, struct tw_error *err)
{
	int r;

	if (!c->tb || f < c->tb->fields || f >= c->tb->fields + c->tb->nfields)
		return tw_error_set(err, TW_EUSAGE, "%s has no field %s",
				    c->tb ? c->tb->entity : "?",
				    label ? label : f->name);
	if ((r = field_parse(f, c->vals, label, text, err)) < 0)
		return r;
	verb_give(c, f);
	return 0;
}

/* ---- finding a child ---------------------------------------------------- */

void *
verb_find(const struct deal *d, const struct schema_table *tb,
	  const char *key, size_t *index, struct tw_error *err)
{
	const struct field *kf = &tb->fields[0];
	struct strbuf sb = STRBUF_INIT;
	size_t n = tb->count(d);

	for (size_t i = 0; key && i < n; i++) {
		void *obj = tb->at(d, i);
		const char *k = field_text(kf, obj, &sb);

		if (k && !strcmp(k, key)) {
			if (index)
				*index = i;
			strbuf_release(&sb);
			return obj;
		}
	}
	strbuf_release(&sb);
	tw_error_set(err, TW_ENOTFOUND, kf->type == F_STR
			? "unknown %s '%s' in deal '%s'"
			: "unknown %s %s in deal '%s'",
		     tb->entity, key ? key : "", d->slug);
	return NULL;
}

/* ---- the verbs ------------------------------------------------------------ */

/*
 * The given fields of c onto obj. Read-only fields belong to their own verb
 * and the key names the entity: neither changes here.
 */
static int
apply_given(const struct verb_call *c, void *obj, bool creating,
	    struct tw_error *err)
{
	const struct schema_table *tb = c->tb;

	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (!verb_given(c, f))
			continue;
		if ((f->flags & FL_RO) ||
		    (!creating && (f->flags & FL_KEY) && tb != &schema_deal))
			return tw_error_set(err, TW_EUSAGE,
					    "%s cannot change %s",
					    verb_name(c->verb, tb),
					    field_json_name(f));
		field_copy(f, obj, c->vals);
	}
	return 0;
}

/* Fields a new entity needs that the call did not give. */
static int
check_required(const struct verb_call *c, struct tw_error *err)
{
	for (size_t i = 0; i < c->tb->nfields; i++) {
		const struct field *f = &c->tb->fields[i];

		if ((f->flags & FL_REQ) && !verb_given(c, f))
			return tw_error_set(err, TW_EUSAGE, "%s needs %s",
					    verb_name(c->verb, c->tb),
					    field_json_name(f));
	}
	return 0;
}

/* A set that changes nothing is a mistake in the call, for any entity. */
static int
need_fields(const struct verb_call *c, struct tw_error *err)
{
	if (c->given)
		return 0;
	return tw_error_set(err, TW_EUSAGE, "%s needs at least one field to "
			    "change", verb_name(c->verb, c->tb));
}

static int
deal_set(struct deal_ctx *ctx, const struct verb_call *c, struct tw_error *err)
{
	int r = need_fields(c, err);

	return r < 0 ? r : apply_given(c, &ctx->deal, false, err);
}

static int
deal_create(struct deal_ctx *ctx, const struct verb_call *c,
	    struct tw_error *err)
{
	int r;

	if ((r = check_required(c, err)) < 0)
		return r;
	deal_release(&ctx->deal);
	ctx->deal.slug = xstrdup(c->key ? c->key : "");
	if ((r = apply_given(c, &ctx->deal, true, err)) < 0)
		return r;
	if (!ctx->deal.stage)
		ctx->deal.stage = xstrdup("poc");
	return 0;
}

static int
deal_close(struct deal_ctx *ctx, const struct verb_call *c,
	   struct tw_error *err)
{
	tw_date on = c->on ? c->on : ctx->today;
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	if (c->outcome == OUTCOME_OPEN)
		return tw_error_set(err, TW_EINPUT, "outcome must be won or "
				    "lost, got 'open' (deal reopen reopens a "
				    "deal)");
	if (on > ctx->today)
		return tw_error_set(err, TW_EINPUT, "close date %s is after "
				    "today (%s)", date_format(on, a),
				    date_format(ctx->today, b));
	ctx->deal.outcome = c->outcome;
	ctx->deal.close_date = on;
	free(ctx->deal.stage);
	ctx->deal.stage = xstrdup("closed");
	return 0;
}

static int
deal_reopen(struct deal_ctx *ctx, struct tw_error *err)
{
	if (ctx->deal.outcome == OUTCOME_OPEN)
		return tw_error_set(err, TW_EINPUT, "deal '%s' is already open",
				    ctx->deal.slug);
	ctx->deal.outcome = OUTCOME_OPEN;
	ctx->deal.close_date = DATE_NONE;
	/* close set the stage; the deal itself says which one it is back in. */
	if (ctx->deal.stage && !strcmp(ctx->deal.stage, "closed")) {
		struct commercial_plan plan;

		commercial_plan_compute(&ctx->deal, &ctx->hol, &plan);
		free(ctx->deal.stage);
		ctx->deal.stage = xstrdup(plan.technical_win ? "technical-win"
							     : "poc");
		commercial_plan_release(&plan);
	}
	return 0;
}

static int
child_add(struct deal_ctx *ctx, const struct verb_call *c,
	  struct verb_result *res, struct tw_error *err)
{
	const struct schema_table *tb = c->tb;
	struct strbuf sb = STRBUF_INIT;
	const char *key;
	void *obj;
	int r;

	if ((r = check_required(c, err)) < 0)
		return r;
	key = field_text(&tb->fields[0], c->vals, &sb);
	if (tb->keyed && verb_find(&ctx->deal, tb, key, NULL, NULL)) {
		r = tw_error_set(err, TW_EEXIST, tb->fields[0].type == F_STR
				 ? "%s '%s' already exists in deal '%s'"
				 : "%s %s already exists in deal '%s'",
				 tb->entity, key, ctx->deal.slug);
		strbuf_release(&sb);
		return r;
	}
	strbuf_release(&sb);
	obj = tb->add(&ctx->deal);
	for (size_t i = 0; i < tb->nfields; i++)
		field_release(&tb->fields[i], obj);
	if (tb->kind == ENT_RISK)	/* the plan file's default */
		((struct risk *)obj)->kind = RISK_OTHER;
	res->index = tb->count(&ctx->deal) - 1;
	return apply_given(c, obj, true, err);
}

static int
child_set(struct deal_ctx *ctx, const struct verb_call *c,
	  struct verb_result *res, struct tw_error *err)
{
	void *obj = verb_find(&ctx->deal, c->tb, c->key, &res->index, err);
	int r;

	if (!obj)
		return err->code;
	if ((r = need_fields(c, err)) < 0)
		return r;
	return apply_given(c, obj, false, err);
}

/*
 * The phases whose list (their criteria, or their risks) names key, each
 * named in who; drop takes key out of the lists.
 */
static size_t
phase_references(const struct deal *d, bool risks, const char *key,
		 bool drop, struct strbuf *who)
{
	size_t n = 0;

	for (size_t i = 0; i < d->nphases; i++) {
		struct phase *p = &d->phases[i];
		char **l = risks ? p->risks : p->criteria;
		size_t *nl = risks ? &p->nrisks : &p->ncriteria;

		for (size_t j = 0; j < *nl; j++) {
			if (strcmp(l[j], key))
				continue;
			strbuf_addf(who, "%sphase %d", n++ ? ", " : "",
				    p->number);
			if (!drop)
				continue;
			free(l[j]);
			memmove(&l[j], &l[j + 1], (*nl - j - 1) * sizeof(*l));
			(*nl)--;
			j--;
		}
	}
	return n;
}

/* Who refers to a criterion, a risk or an event, named for a refusal. */
static size_t
references(const struct deal *d, const struct schema_table *tb,
	   const char *key, bool drop, struct strbuf *who)
{
	size_t n = 0;

	if (tb->kind == ENT_CRITERION || tb->kind == ENT_RISK) {
		n = phase_references(d, tb->kind == ENT_RISK, key, drop, who);
	} else if (tb->kind == ENT_EVENT) {
		for (size_t i = 0; i < d->nevents; i++) {
			struct event *e = &d->events[i];

			if (!e->after || strcmp(e->after, key))
				continue;
			strbuf_addf(who, "%sevent '%s'", n++ ? ", " : "",
				    e->key);
			if (drop) {
				free(e->after);
				e->after = NULL;
			}
		}
	}
	return n;
}

size_t
verb_references(const struct deal *d, const struct schema_table *tb,
		const char *key, struct strbuf *who)
{
	/* Not dropping, references() only reads the deal. */
	return references((struct deal *)d, tb, key, false, who);
}

static int
child_remove(struct deal_ctx *ctx, const struct verb_call *c,
	     struct verb_result *res, struct tw_error *err)
{
	const struct schema_table *tb = c->tb;
	struct deal *d = &ctx->deal;
	struct strbuf who = STRBUF_INIT;
	size_t i, n, *count;
	char *obj = verb_find(d, tb, c->key, &i, err);

	if (!obj)
		return err->code;
	if ((n = references(d, tb, c->key, false, &who)) && !c->force) {
		tw_error_set(err, TW_EINPUT, "%s '%s' is referred to by %s "
			     "(force removes it and those references)",
			     tb->entity, c->key, who.buf);
		strbuf_release(&who);
		return TW_EINPUT;
	}
	strbuf_release(&who);
	res->dropped = n ? references(d, tb, c->key, true, &who) : 0;
	strbuf_release(&who);
	schema_release(tb, obj);
	count = (size_t *)((char *)d + tb->n);
	memmove(obj, obj + tb->size, (*count - i - 1) * tb->size);
	(*count)--;
	res->index = i;
	return 0;
}

static int
record(struct deal_ctx *ctx, const struct verb_call *c,
       struct verb_result *res, struct tw_error *err)
{
	struct criterion *cr = verb_find(&ctx->deal,
					 &schema_tables[T_CRITERION], c->key,
					 &res->index, err);

	if (!cr)
		return err->code;
	cr->has_measured = true;
	cr->measured = c->value;
	cr->measured_on = c->on ? c->on : ctx->today;
	return 0;
}

static int
mark_done(struct deal_ctx *ctx, const struct verb_call *c,
	  struct verb_result *res, struct tw_error *err)
{
	struct event *e = verb_find(&ctx->deal, &schema_tables[T_EVENT],
				    c->key, &res->index, err);
	char x[DATE_BUFSZ], y[DATE_BUFSZ];

	if (!e)
		return err->code;
	/* Done is a fact: it happened, so not after today. */
	if (c->on > ctx->today)
		return tw_error_set(err, TW_EINPUT, "--on: %s is after today "
				    "(%s): mark an event done once it is",
				    date_format(c->on, x),
				    date_format(ctx->today, y));
	e->done = c->on ? c->on : ctx->today;
	return 0;
}

static int
snooze(struct deal_ctx *ctx, const struct verb_call *c,
       struct verb_result *res, struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	res->was_snoozed = d->snooze_until != DATE_NONE;
	if (c->verb == V_UNSNOOZE) {
		d->snooze_until = DATE_NONE;
		xstrset(&d->snooze_reason, NULL);
		return 0;
	}
	if (!c->reason || !*c->reason)
		return tw_error_set(err, TW_EINPUT,
				    "--reason: the reason cannot be empty");
	if (c->until < ctx->today)
		return tw_error_set(err, TW_EINPUT,
				    "--until: '%s' is in the past (today is "
				    "%s)", date_format(c->until, a),
				    date_format(ctx->today, b));
	d->snooze_until = c->until;
	xstrset(&d->snooze_reason, c->reason);
	return 0;
}

int
verb_touch_date_check(tw_date on, tw_date today, struct tw_error *err)
{
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	if (on > today)
		return tw_error_set(err, TW_EINPUT, "--on: %s is after today "
				    "(%s): log a message once it is sent",
				    date_format(on, a), date_format(today, b));
	return 0;
}

static bool
same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/*
 * One touch per criterion named (a buying signal frames each), else one;
 * the same touch logged twice on one day is recorded once.
 */
static int
log_touch(struct deal_ctx *ctx, const struct verb_call *c,
	  struct verb_result *res, struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	size_t n = c->ncriteria ? c->ncriteria : 1;
	tw_date on = c->on ? c->on : ctx->today;
	enum message_type type;
	int r;

	/* An entry point that found no type passes NULL: refuse, not crash. */
	if (!c->touch_type)
		return tw_error_set(err, TW_EUSAGE, "%s needs a message type",
				    verb_name(c->verb, c->tb));
	if ((r = message_type_parse(c->touch_type, &type, err)) < 0 ||
	    (r = verb_touch_date_check(on, ctx->today, err)) < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		const char *crit = c->ncriteria ? c->criteria[i] : NULL;
		struct touch *t;
		bool found = false;

		for (size_t j = 0; j < d->ntouches && !found; j++) {
			const struct touch *o = &d->touches[j];

			found = same_str(o->type, message_type_name(type)) &&
				o->date == on &&
				same_str(o->channel, c->channel) &&
				same_str(o->criterion, crit);
		}
		if (found) {
			res->present++;
			continue;
		}
		t = deal_add_touch(d);
		t->type = xstrdup(message_type_name(type));
		t->date = on;
		t->channel = xstrdup_or_null(c->channel);
		t->criterion = xstrdup_or_null(crit);
		res->added++;
	}
	return 0;
}

/*
 * Each day once: the ones the deal has already are counted as present,
 * not added again (days is sorted and unique, as a calendar gives it).
 */
static int
add_holidays(struct deal_ctx *ctx, const struct verb_call *c,
	     struct verb_result *res)
{
	struct deal *d = &ctx->deal;
	size_t n0 = d->nholidays;

	d->holidays = xrealloc(d->holidays, (n0 + c->ndays + 1) *
						    sizeof(*d->holidays));
	if (c->ndays)
		memcpy(d->holidays + n0, c->days,
		       c->ndays * sizeof(*c->days));
	d->nholidays = holidays_normalize(d->holidays, n0 + c->ndays);
	res->added = d->nholidays - n0;
	res->present = c->ndays - res->added;
	return 0;
}

/*
 * The subject c names, or, when it names none, the one subject among
 * the n candidates with c's rule; TW_EINPUT naming them when there is
 * none or more than one.
 */
static int
pick_subject(const struct verb_call *c, const char *const *rules,
	     const char *const *subjects, size_t n, const char *what,
	     const char **out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	size_t found = 0;
	int r = 0;

	*out = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(rules[i], c->rule) ||
		    (c->subject && strcmp(subjects[i], c->subject)))
			continue;
		if (!*out || strcmp(*out, subjects[i]))
			found++;
		if (!*out)
			*out = subjects[i];
	}
	if (found == 1)
		return 0;
	if (found > 1) {
		strbuf_addf(&sb, "%s '%s' has %zu subjects: name one of", what,
			    c->rule, found);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(rules[i], c->rule))
				strbuf_addf(&sb, " '%s'", subjects[i]);
		r = tw_error_set(err, TW_EINPUT, "%s", sb.buf);
	} else {
		strbuf_addf(&sb, "no %s '%s'", what, c->rule);
		if (c->subject)
			strbuf_addf(&sb, " about '%s'", c->subject);
		strbuf_addstr(&sb, n ? ": the deal has"
				     : ": the deal has none");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(&sb, "%s %s%s%s%s", i ? "," : "", rules[i],
				    *subjects[i] ? " '" : "", subjects[i],
				    *subjects[i] ? "'" : "");
		r = tw_error_set(err, TW_EINPUT, "%s", sb.buf);
	}
	*out = NULL;
	strbuf_release(&sb);
	return r;
}

/*
 * Acknowledge a finding the deal has today (one ack per rule and subject:
 * acking again replaces it), through --until or ACK_DEFAULT_BDAYS
 * business days.
 */
static int
ack(struct deal_ctx *ctx, const struct verb_call *c, struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	struct momentum_report rep;
	const char **rules, **subjects, *subject;
	char a[DATE_BUFSZ], b[DATE_BUFSZ];
	tw_date until;
	struct ack *k = NULL;
	int r;

	if (!c->rule || !*c->rule)
		return tw_error_set(err, TW_EUSAGE, "check ack needs a RULE");
	if (!c->reason || !*c->reason)
		return tw_error_set(err, TW_EINPUT,
				    "--reason: the reason cannot be empty");
	until = c->until ? c->until
			 : date_add_bdays(ctx->today, ACK_DEFAULT_BDAYS,
					  &ctx->hol);
	if (until < ctx->today)
		return tw_error_set(err, TW_EINPUT,
				    "--until: '%s' is in the past (today is "
				    "%s)", date_format(until, a),
				    date_format(ctx->today, b));
	if (d->outcome != OUTCOME_OPEN)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' is closed: it has no findings "
				    "to acknowledge", d->slug);
	momentum_check(d, ctx->today, &ctx->hol, &ctx->settings, &rep);
	rules = xcalloc(rep.n + 1, sizeof(*rules));
	subjects = xcalloc(rep.n + 1, sizeof(*subjects));
	for (size_t i = 0; i < rep.n; i++) {
		rules[i] = rep.findings[i].rule;
		subjects[i] = rep.findings[i].subject;
	}
	r = pick_subject(c, rules, subjects, rep.n, "finding", &subject, err);
	for (size_t i = 0; r == 0 && i < d->nacks && !k; i++)
		if (!strcmp(d->acks[i].rule, c->rule) &&
		    !strcmp(d->acks[i].subject, subject))
			k = &d->acks[i];
	if (r == 0) {
		if (!k) {
			k = deal_add_ack(d);
			k->rule = xstrdup(c->rule);
			k->subject = xstrdup(subject);
		}
		xstrset(&k->reason, c->reason);
		xstrset(&k->actor, ctx->actor);
		k->until = until;
		k->acked_on = ctx->today;
	}
	free(rules);
	free(subjects);
	momentum_report_release(&rep);
	return r;
}

static int
unack(struct deal_ctx *ctx, const struct verb_call *c, struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	const char **rules, **subjects, *subject;
	int r;

	if (!c->rule || !*c->rule)
		return tw_error_set(err, TW_EUSAGE, "check unack needs a RULE");
	rules = xcalloc(d->nacks + 1, sizeof(*rules));
	subjects = xcalloc(d->nacks + 1, sizeof(*subjects));
	for (size_t i = 0; i < d->nacks; i++) {
		rules[i] = d->acks[i].rule;
		subjects[i] = d->acks[i].subject;
	}
	r = pick_subject(c, rules, subjects, d->nacks, "acknowledged finding",
			 &subject, err);
	for (size_t i = 0; r == 0 && i < d->nacks; i++) {
		struct ack *k = &d->acks[i];

		if (strcmp(k->rule, c->rule) || strcmp(k->subject, subject))
			continue;
		schema_release(&schema_tables[T_ACK], k);
		memmove(k, k + 1, (d->nacks - i - 1) * sizeof(*k));
		d->nacks--;
		break;
	}
	free(rules);
	free(subjects);
	return r;
}

/*
 * The deal under a new slug (the store renames its row and keeps its
 * history): an acknowledgement of a finding about the deal itself names
 * it by its slug, so it follows.
 */
static int
rename_deal(struct deal_ctx *ctx, const struct verb_call *c,
	    struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	const char *to = c->key ? c->key : "";

	if (!slug_is_valid(to))
		return tw_error_set(err, TW_EINPUT,
				    "invalid slug '%s' (expected "
				    "[a-z0-9-]{1,64}, not starting with '-')",
				    to);
	if (!strcmp(to, d->slug))
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' already has that slug", to);
	for (size_t i = 0; i < d->nacks; i++)
		if (d->acks[i].subject && !strcmp(d->acks[i].subject, d->slug))
			xstrset(&d->acks[i].subject, to);
	xstrset(&d->slug, to);
	return 0;
}

static int
dispatch(struct deal_ctx *ctx, const struct verb_call *c,
	 struct verb_result *res, struct tw_error *err)
{
	switch (c->verb) {
	case V_DEAL_CREATE:
		return deal_create(ctx, c, err);
	case V_DEAL_SET:
		return deal_set(ctx, c, err);
	case V_DEAL_CLOSE:
		return deal_close(ctx, c, err);
	case V_DEAL_REOPEN:
		return deal_reopen(ctx, err);
	case V_ADD:
		return child_add(ctx, c, res, err);
	case V_SET:
		return child_set(ctx, c, res, err);
	case V_REMOVE:
		return child_remove(ctx, c, res, err);
	case V_RECORD:
		return record(ctx, c, res, err);
	case V_DONE:
		return mark_done(ctx, c, res, err);
	case V_PLAN_APPLY:
		return commercial_plan_apply(&ctx->deal, &ctx->hol,
					     &res->added, err);
	case V_SNOOZE:
	case V_UNSNOOZE:
		return snooze(ctx, c, res, err);
	case V_TOUCH:
		return log_touch(ctx, c, res, err);
	case V_HOLIDAYS:
		return add_holidays(ctx, c, res);
	case V_ACK:
		return ack(ctx, c, err);
	case V_UNACK:
		return unack(ctx, c, err);
	case V_LINK_ADD:
	case V_LINK_REMOVE:
	case V_VIEW:
	case V_STEP_DONE:
	case V_PROPOSE:
	case V_CONFIRM:
		return champion_verb(ctx, c, res, err);
	case V_ACCEPT:
	case V_DECLINE:
		return champion_answer(ctx, c, res, err);
	case V_DEAL_RENAME:
		return rename_deal(ctx, c, err);
	case V_DEAL_REMOVE:
	case V_COUNT:
		break;
	}
	return tw_error_set(err, TW_EUSAGE, "%s is the store's to run",
			    verb_name(c->verb, c->tb));
}

int
verb_run(struct deal_ctx *ctx, const struct verb_call *c,
	 struct verb_result *res, struct validation_site *site,
	 struct tw_error *err)
{
	struct verb_result ignored;
	int r;

	if (!res)
		res = &ignored;
	memset(res, 0, sizeof(*res));
	if ((r = dispatch(ctx, c, res, err)) < 0)
		return r;
	return deal_validate(&ctx->deal, site, err);
}
