/*
 * Findings as data (issue 13): what the store keeps of a deal's momentum
 * check, and the acknowledgements (techwin check ack) that mark findings.
 * Pure, as the rest of core/: the store keeps what findings_evaluate()
 * returns, and check compares nothing else.
 */
#ifndef TW_CORE_FINDINGS_H
#define TW_CORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/momentum.h"

/* An acknowledgement without --until lasts this many business days. */
#define ACK_DEFAULT_BDAYS 10

/*
 * The check of one deal as of today, as the store keeps it: the rules
 * (momentum_check), every finding acknowledged through today marked with
 * who, why and until when, freshness from P, and recheck_on no later than
 * the day after a snooze or an acknowledgement ends (9999-12-31 when no
 * later day changes them). first_seen is left DATE_NONE:
 * findings_carry() sets it.
 */
void findings_evaluate(const struct deal *d, tw_date today,
		       const struct holidays *h,
		       const struct momentum_settings *s,
		       struct momentum_report *out);

/* A finding's identity across evaluations: its rule and its subject. */
struct finding_key {
	const char *rule, *subject;
	tw_date first_seen;
};

/*
 * Each finding of r gets the first_seen of the old finding with its rule
 * and subject, when there is one seen by today, else today.
 */
void findings_carry(struct momentum_report *r, const struct finding_key *old,
		    size_t nold, tw_date today);

/*
 * The ack of d for rule and subject that is in force today (until on or
 * after today), or NULL.
 */
const struct ack *ack_find(const struct deal *d, const char *rule,
			   const char *subject, tw_date today);

/*
 * The rule id as the rules spell it (a string that lives as long as the
 * program), or NULL for a name no rule has: findings read back from the
 * store point at it, as the rules' own do.
 */
const char *finding_rule_name(const char *name);

/*
 * A 64-bit digest of r's findings as the store keeps them, first_seen
 * aside: every finding's fields (its message as kept, finding_stored).
 * Two evaluations with the same digest keep the same findings rows, so a
 * re-evaluation that finds what is kept need not write them again, nor,
 * when W, P and recheck_on are the same too, anything (store/deals.c).
 */
uint64_t findings_digest(const struct momentum_report *r);

/*
 * The SHA-256 (hex, 32 digits) of the core's sources, generated at build
 * time (rules-digest.cmake): findings kept by a core of another digest
 * may have been made by other rules, and are evaluated again.
 */
extern const char findings_rules_digest[];

/* The smallest rank among r's findings (pipeline.h), FINDING_RANKS if none. */
int findings_worst(const struct momentum_report *r);

#endif
