/*
 * Findings as data (findings.h): the evaluation the store keeps, and the
 * acknowledgements that mark findings.
 */
#include "core/findings.h"
#include "core/pipeline.h"
#include "util/xalloc.h"

#include <string.h>

static bool
same(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

const struct ack *
ack_find(const struct deal *d, const char *rule, const char *subject,
	 tw_date today)
{
	for (size_t i = 0; i < d->nacks; i++) {
		const struct ack *a = &d->acks[i];

		if (same(a->rule, rule) && same(a->subject, subject) &&
		    a->until >= today)
			return a;
	}
	return NULL;
}

static void
recheck_by(struct momentum_report *r, tw_date day)
{
	if (!r->recheck_on || day < r->recheck_on)
		r->recheck_on = day;
}

void
findings_evaluate(const struct deal *d, tw_date today,
		  const struct holidays *h, const struct momentum_settings *s,
		  struct momentum_report *out)
{
	momentum_check(d, today, h, s, out);
	/* The snooze ends, or starts (set ahead of --today looking back). */
	if (deal_is_snoozed(d, today))
		recheck_by(out, d->snooze_until + 1);
	for (size_t i = 0; i < out->n; i++) {
		struct finding *f = &out->findings[i];
		const struct ack *a = ack_find(d, f->rule, f->subject, today);

		if (!a)
			continue;
		f->acknowledged = true;
		f->ack_by = xstrdup_or_null(a->actor);
		f->ack_reason = xstrdup_or_null(a->reason);
		f->ack_until = a->until;
		recheck_by(out, a->until + 1);
	}
	/* No later day changes them: valid for as long as a date can be. */
	if (!out->recheck_on)
		out->recheck_on = date_from_ymd(9999, 12, 31);
}

void
findings_carry(struct momentum_report *r, const struct finding_key *old,
	       size_t nold, tw_date today)
{
	for (size_t i = 0; i < r->n; i++) {
		struct finding *f = &r->findings[i];

		f->first_seen = today;
		for (size_t j = 0; j < nold; j++)
			if (same(old[j].rule, f->rule) &&
			    same(old[j].subject, f->subject) &&
			    old[j].first_seen && old[j].first_seen <= today) {
				f->first_seen = old[j].first_seen;
				break;
			}
	}
}

const char *
finding_rule_name(const char *name)
{
	static const char *const rules[] = {
		"no-commercial-followup", "late-commercial-followup",
		"stale-technical-win", "unframed-pass", "deadline-at-risk",
		"start-soon", "failed-criterion", "poc-overdue",
		"phase-unjustified", "commercial-step-overdue", "no-next-step",
		"plan-unopened", "buyer-step-overdue", "date-proposed",
		"commercial-too-late",
	};

	for (size_t i = 0; name && i < sizeof(rules) / sizeof(*rules); i++)
		if (!strcmp(rules[i], name))
			return rules[i];
	return NULL;
}

int
findings_worst(const struct momentum_report *r)
{
	int worst = FINDING_RANKS;

	for (size_t i = 0; i < r->n; i++)
		if (finding_rank(&r->findings[i]) < worst)
			worst = finding_rank(&r->findings[i]);
	return worst;
}

/*
 * Eight bytes a multiply, not one (FNV-1a's): a settings change digests
 * every kept message, some 140 MB at 100k deals. The tail mixes in its
 * length; strings bring their NUL, so fields cannot run together.
 */
static void
digest_bytes(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t x = *h, w;

	for (; n >= 8; b += 8, n -= 8) {
		memcpy(&w, b, 8);
		x = (x ^ w) * 0x9e3779b97f4a7c15ULL;
		x ^= x >> 32;
	}
	if (n) {
		w = 0;
		memcpy(&w, b, n);
		x = (x ^ w ^ ((uint64_t)n << 56)) * 0x9e3779b97f4a7c15ULL;
		x ^= x >> 32;
	}
	*h = x;
}

/* A string and its end (NULL and "" differ), or a number. */
static void
digest_str(uint64_t *h, const char *s)
{
	digest_bytes(h, s ? s : "", s ? strlen(s) + 1 : 1);
	if (!s)
		digest_bytes(h, "\1", 1);
}

static void
digest_num(uint64_t *h, long long n)
{
	digest_bytes(h, &n, sizeof(n));
}

uint64_t
findings_digest(const struct momentum_report *r)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	digest_num(&h, (long long)r->n);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];

		digest_str(&h, f->rule);
		digest_str(&h, f->subject);
		digest_str(&h, finding_stored(f));
		digest_num(&h, f->severity);
		digest_num(&h, f->snoozed);
		digest_num(&h, f->date);
		digest_num(&h, f->acknowledged);
		if (f->acknowledged) {
			digest_str(&h, f->ack_by);
			digest_str(&h, f->ack_reason);
			digest_num(&h, f->ack_until);
		}
	}
	return h;
}
