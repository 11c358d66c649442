/*
 * Risk back-scheduling (DESIGN.md): go_live_by = deadline - buffer,
 * latest_start = go_live_by - duration, slack = latest_start - today;
 * sign_by = the latest business day on or before latest_start, review_by =
 * sign_by - procurement days.
 */
#include "core/risk.h"

#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

void
risk_evaluate(const struct risk *r, tw_date today, const struct holidays *h,
	      struct risk_eval *out)
{
	memset(out, 0, sizeof(*out));
	/* Without a deadline there is nothing to schedule back from. */
	if (r->deadline == DATE_NONE)
		return;
	out->go_live_by = date_sub_duration(r->deadline, &r->buffer, h);
	out->latest_start = date_sub_duration(out->go_live_by, &r->duration, h);
	out->slack_days = out->latest_start - today;
	out->at_risk = out->slack_days < 0;
	/* One business day back from the day after: on or before it. */
	out->sign_by = date_add_bdays(out->latest_start + 1, -1, h);
	out->review_by = out->sign_by;
}

int
deal_procurement_bdays(const struct deal *d)
{
	return d->has_procurement_days ? d->procurement_days : 0;
}

void
risk_evaluate_deal(const struct deal *d, const struct risk *r, tw_date today,
		   const struct holidays *h, struct risk_eval *out)
{
	risk_evaluate(r, today, h, out);
	if (out->sign_by)
		out->review_by = date_add_bdays(out->sign_by,
						-deal_procurement_bdays(d), h);
}

const struct risk *
deal_first_sign_by(const struct deal *d, tw_date today,
		   const struct holidays *h, struct risk_eval *ev)
{
	const struct risk *best = NULL;

	for (size_t i = 0; i < d->nrisks; i++) {
		struct risk_eval e;

		if (!d->risks[i].deadline)
			continue;
		risk_evaluate_deal(d, &d->risks[i], today, h, &e);
		if (!best || e.sign_by < ev->sign_by) {
			best = &d->risks[i];
			*ev = e;
		}
	}
	return best;
}

static void
short_day(struct strbuf *sb, tw_date d, bool weekday, tw_date today)
{
	static const char *const wd[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat", "Sun" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int y, m, day, ty, tm, td;

	date_to_ymd(d, &y, &m, &day);
	date_to_ymd(today, &ty, &tm, &td);
	if (weekday)
		strbuf_addf(sb, "%s ", wd[date_weekday(d)]);
	strbuf_addf(sb, "%s %d", mon[m - 1], day);
	if (y != ty)
		strbuf_addf(sb, ", %d", y);
}

void
risk_deadline_sentence(struct strbuf *sb, const struct risk_eval *ev,
		       tw_date today)
{
	strbuf_addstr(sb, "To be live by ");
	short_day(sb, ev->go_live_by, false, today);
	/* Never a date that has passed as if it were still ahead. */
	if (ev->sign_by < today) {
		strbuf_addstr(sb, " the contract had to be signed by ");
		short_day(sb, ev->sign_by, true, today);
		strbuf_addstr(sb, ", a date that has passed.");
		return;
	}
	strbuf_addstr(sb, " the contract must be signed by ");
	short_day(sb, ev->sign_by, true, today);
	if (ev->review_by < today) {
		strbuf_addstr(sb, "; contract review had to begin by ");
		short_day(sb, ev->review_by, false, today);
		strbuf_addstr(sb, ", so it must begin now.");
		return;
	}
	strbuf_addstr(sb, "; contract review must begin by ");
	short_day(sb, ev->review_by, false, today);
	strbuf_addch(sb, '.');
}

void
deal_deadline_sentence(struct strbuf *sb, const struct deal *d,
		       tw_date today, const struct holidays *h)
{
	struct risk_eval ev;

	if (d->outcome != OUTCOME_OPEN || !deal_first_sign_by(d, today, h, &ev))
		return;
	if (sb->len)
		strbuf_addch(sb, ' ');
	risk_deadline_sentence(sb, &ev, today);
}

struct phase_late *
phases_late(const struct deal *d, tw_date start, tw_date today,
	    const struct holidays *h, size_t *n)
{
	const struct phase **ph = deal_phases_by_number(d);
	struct phase_late *out = NULL;
	size_t alloc = 0;

	*n = 0;
	for (size_t i = 0; start && i < d->nphases; i++) {
		const struct phase *p = ph[i];
		tw_date end;

		if (!p->has_duration || !p->nrisks)
			continue;
		end = date_add_duration(start, &p->duration, h);
		for (size_t j = 0; j < p->nrisks; j++) {
			const struct risk *r = deal_find_risk(d, p->risks[j]);
			struct risk_eval ev;

			if (!r)
				continue;
			risk_evaluate(r, today, h, &ev);
			if (!ev.go_live_by || end <= ev.go_live_by)
				continue;
			ALLOC_GROW(out, *n + 1, alloc);
			out[(*n)++] = (struct phase_late){ p, r, end,
							  ev.go_live_by };
		}
	}
	free((void *)ph);
	return out;
}
