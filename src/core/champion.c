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
