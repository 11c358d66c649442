/*
 * The champion's side (core/champion.h): share links on the deal and the
 * views of the share page.
 */
#include "core/champion.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long
champion_stamp_seconds(const char *at, tw_date *day)
{
	char ymd[11];
	int h, m, s, n = 0;
	tw_date d;

	if (!at || strlen(at) != 20 || at[10] != 'T' || at[19] != 'Z')
		return -1;
	memcpy(ymd, at, 10);
	ymd[10] = '\0';
	if (date_parse(ymd, &d, NULL) < 0 ||
	    sscanf(at + 11, "%2d:%2d:%2dZ%n", &h, &m, &s, &n) != 3 ||
	    n != 9 || h > 23 || m > 59 || s > 60)
		return -1;
	if (day)
		*day = d;
	return (long long)(d - date_from_ymd(1970, 1, 1)) * 86400 +
	       h * 3600 + m * 60 + s;
}

static struct link *
link_of(struct deal *d, int id, bool add)
{
	struct link *l = deal_find_link(d, id);

	if (!l && add) {
		l = deal_add_link(d);
		l->id = id;
	}
	return l;
}

/*
 * A view counts once within SHARE_VIEW_GAP_SECONDS of the last one
 * counted; the first, and the first after more than SHARE_QUIET_BDAYS
 * business days without one, are worth telling.
 */
static int
view(struct deal_ctx *ctx, const struct verb_call *c,
     struct verb_result *res, struct tw_error *err)
{
	struct link *l = link_of(&ctx->deal, c->link, true);
	long long now = champion_stamp_seconds(c->at, NULL), last;
	tw_date last_day = DATE_NONE;

	if (now < 0)
		return tw_error_set(err, TW_EINPUT, "a view needs a time "
				    "(YYYY-MM-DDTHH:MM:SSZ), got '%s'",
				    c->at ? c->at : "");
	last = champion_stamp_seconds(l->last_viewed, &last_day);
	if (last >= 0 && now >= last && now - last < SHARE_VIEW_GAP_SECONDS)
		return 0;
	res->counted = true;
	res->raised = !l->views || last < 0 ||
		      date_bdays_between(last_day, ctx->today, &ctx->hol) >
			      SHARE_QUIET_BDAYS;
	l->views++;
	if (l->opened == DATE_NONE)
		l->opened = ctx->today;
	xstrset(&l->last_viewed, c->at);
	return 0;
}

/* ---- the champion's actions ------------------------------------------ */

static const char *
step_name(const struct event *e)
{
	return e->title ? e->title : e->key;
}

/*
 * The shared step key names, as the share page shows it: an internal one
 * is as unknown as a step of another deal.
 */
static struct event *
shared_step(struct deal_ctx *ctx, const char *key, size_t *index,
	    struct tw_error *err)
{
	struct event *e = key ? deal_find_event(&ctx->deal, key) : NULL;

	if (!e || e->internal) {
		tw_error_set(err, TW_ENOTFOUND, "this plan has no step '%s'",
			     key ? key : "");
		return NULL;
	}
	if (index)
		*index = (size_t)(e - ctx->deal.events);
	return e;
}

static int
step_done(struct deal_ctx *ctx, const struct verb_call *c,
	  struct verb_result *res, struct tw_error *err)
{
	struct event *e = shared_step(ctx, c->key, &res->index, err);
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	if (!e)
		return err->code;
	if (e->side != SIDE_BUYER)
		return tw_error_set(err, TW_EINPUT, "'%s' is a step on our "
				    "side: we mark it done", step_name(e));
	if (event_done_by(e, ctx->today))
		return tw_error_set(err, TW_EINPUT, "'%s' is done already "
				    "(%s)", step_name(e),
				    date_format(e->done, a));
	if (c->on != DATE_NONE && c->on > ctx->today)
		return tw_error_set(err, TW_EINPUT, "--on: %s is after today "
				    "(%s): mark a step done once it is",
				    date_format(c->on, a),
				    date_format(ctx->today, b));
	e->done = c->on != DATE_NONE ? c->on : ctx->today;
	return 0;
}

/* s without the spaces around it, in a string the caller frees. */
static char *
trimmed(const char *s)
{
	size_t n;

	if (!s)
		return xstrdup("");
	s += strspn(s, " \t");
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

static int
propose(struct deal_ctx *ctx, const struct verb_call *c,
	struct verb_result *res, struct tw_error *err)
{
	struct event *e = shared_step(ctx, c->key, &res->index, err);
	char a[DATE_BUFSZ], b[DATE_BUFSZ], *note;
	int r = 0;

	if (!e)
		return err->code;
	if (event_done_by(e, ctx->today))
		return tw_error_set(err, TW_EINPUT, "'%s' is done already: "
				    "there is no date to move", step_name(e));
	if (c->on == DATE_NONE)
		return tw_error_set(err, TW_EINPUT, "--date: enter the date "
				    "you propose");
	if (c->on < ctx->today)
		return tw_error_set(err, TW_EINPUT, "--date: %s is in the "
				    "past (today is %s)", date_format(c->on, a),
				    date_format(ctx->today, b));
	if (c->on == e->date)
		return tw_error_set(err, TW_EINPUT, "--date: %s is the step's "
				    "date already", date_format(c->on, a));
	note = trimmed(c->reason);
	if (!*note)
		r = tw_error_set(err, TW_EINPUT, "--note: say why the date "
				 "moves");
	else if (strlen(note) > CHAMPION_NOTE_MAX)
		r = tw_error_set(err, TW_EINPUT, "--note: at most %d "
				 "characters, got %zu", CHAMPION_NOTE_MAX,
				 strlen(note));
	if (r == 0) {
		e->proposed = c->on;
		e->proposed_on = ctx->today;
		xstrset(&e->proposed_note, note);
	}
	free(note);
	return r;
}

static int
confirm(struct deal_ctx *ctx, const struct verb_call *c,
	struct tw_error *err)
{
	char *name = trimmed(c->reason);
	int r = 0;

	if (!*name)
		r = tw_error_set(err, TW_EINPUT, "--name: type your name to "
				 "confirm the plan");
	else if (strlen(name) > CHAMPION_NAME_MAX)
		r = tw_error_set(err, TW_EINPUT, "--name: at most %d "
				 "characters, got %zu", CHAMPION_NAME_MAX,
				 strlen(name));
	if (r == 0) {
		xstrset(&ctx->deal.confirmed_by, name);
		ctx->deal.confirmed_on = ctx->today;
	}
	free(name);
	return r;
}

int
champion_answer(struct deal_ctx *ctx, const struct verb_call *c,
		struct verb_result *res, struct tw_error *err)
{
	struct event *e = verb_find(&ctx->deal, &schema_tables[T_EVENT],
				    c->key, &res->index, err);

	if (!e)
		return err->code;
	if (e->proposed == DATE_NONE)
		return tw_error_set(err, TW_EINPUT, "event '%s' has no "
				    "proposed date to %s", e->key,
				    c->verb == V_ACCEPT ? "accept" : "decline");
	if (c->verb == V_ACCEPT)
		e->date = e->proposed;
	e->proposed = DATE_NONE;
	e->proposed_on = DATE_NONE;
	xstrset(&e->proposed_note, NULL);
	return 0;
}

int
champion_verb(struct deal_ctx *ctx, const struct verb_call *c,
	      struct verb_result *res, struct tw_error *err)
{
	struct deal *d = &ctx->deal;
	struct link *l;

	if (c->link < 1)
		return tw_error_set(err, TW_EINPUT, "no such share link %d",
				    c->link);
	switch (c->verb) {
	case V_STEP_DONE:
		return step_done(ctx, c, res, err);
	case V_PROPOSE:
		return propose(ctx, c, res, err);
	case V_CONFIRM:
		return confirm(ctx, c, err);
	case V_LINK_ADD:
		l = link_of(d, c->link, true);
		l->made = ctx->today;
		l->expires = c->until;
		return 0;
	case V_LINK_REMOVE:
		if ((l = deal_find_link(d, c->link))) {
			size_t i = (size_t)(l - d->links);

			schema_release(&schema_tables[T_LINK], l);
			memmove(l, l + 1, (d->nlinks - i - 1) * sizeof(*l));
			d->nlinks--;
		}
		return 0;
	case V_VIEW:
		return view(ctx, c, res, err);
	default:
		return tw_error_set(err, TW_EUSAGE, "%s is no champion verb",
				    verb_name(c->verb, c->tb));
	}
}
