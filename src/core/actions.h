/*
 * The verbs: every change a user makes to a deal, written once. The CLI
 * (cli/cmd-*.c), the JSON API (web/api.c) and the pages (web/pages.c) only
 * parse their input (argv, JSON, a form) into a struct verb_call and show
 * the result; the store runs the call in one transaction
 * (store_run_verb(), store/deals.h). So a verb refuses the same input with
 * the same TW_E* code and message wherever it is called from.
 *
 * A verb is a pure function of a deal context: it changes ctx->deal in
 * memory and knows nothing of databases, so it is unit-tested without one
 * (tests/unit/test-actions.c). verb_run() runs one and then the one
 * validator every plan file passes (deal_validate), so a verb cannot store
 * what a plan file could not hold.
 */
#ifndef TW_CORE_ACTIONS_H
#define TW_CORE_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/momentum.h"
#include "core/schema.h"
#include "core/validate.h"
#include "util/error.h"

/*
 * What a verb works on: the deal, the business-day holidays (the deal's
 * merged with the workspace's, and the workspace's playbook), the
 * workspace settings, today and who acts.
 * The store loads it once per command (store_load_ctx()).
 */
struct deal_ctx {
	struct deal deal;
	struct holidays hol;		/* borrows hol_buf and playbook */
	tw_date *hol_buf;
	struct step *playbook;		/* the workspace's (a copy) */
	size_t nplaybook;
	struct momentum_settings settings;
	tw_date today;
	const char *actor;
};

void deal_ctx_init(struct deal_ctx *c, tw_date today, const char *actor);
/*
 * Merge the deal's holidays with the workspace's ws (sorted, unique), and
 * keep a copy of the workspace's playbook ws carries (ws may be NULL).
 */
void deal_ctx_set_holidays(struct deal_ctx *c, const struct holidays *ws);
void deal_ctx_release(struct deal_ctx *c);

enum verb {
	V_DEAL_CREATE,		/* vals: slug in key, fields of schema_deal */
	V_DEAL_SET,		/* vals: fields of schema_deal */
	V_DEAL_CLOSE,		/* outcome (won, lost), on */
	V_DEAL_REOPEN,
	V_DEAL_REMOVE,		/* the store's: removes the deal and its links */
	V_ADD,			/* tb, vals (its key among them) */
	V_SET,			/* tb, key, vals */
	V_REMOVE,		/* tb, key, force */
	V_RECORD,		/* key (a criterion), value, on */
	V_DONE,			/* key (an event), on */
	V_PLAN_APPLY,
	V_SNOOZE,		/* until, reason */
	V_UNSNOOZE,
	V_TOUCH,		/* touch_type, on, channel, criteria */
	V_HOLIDAYS,		/* days: holidays added to the deal's */
	V_ACK,			/* rule, subject, reason, until */
	V_UNACK,		/* rule, subject */
	/* The champion's side (core/champion.h). */
	V_LINK_ADD,		/* link, until (expires): a share link made */
	V_LINK_REMOVE,		/* link: revoked */
	V_VIEW,			/* link, at: the share page opened */
	V_DEAL_RENAME,		/* key: the new slug (the store's too) */
	/* The champion acts on the share page (link: by which link). */
	V_STEP_DONE,		/* link, key (a buyer-side step), on */
	V_PROPOSE,		/* link, key (a shared step), on (the date
				   proposed), reason (the note) */
	V_CONFIRM,		/* link, reason (the name typed) */
	/* The team answers a proposed date. */
	V_ACCEPT,		/* key (an event): its date becomes the
				   proposed one */
	V_DECLINE,		/* key: the proposed date is dropped */
	V_COUNT
};

/* One call of a verb: the arguments the entry point parsed. */
struct verb_call {
	enum verb verb;
	const struct schema_table *tb;	/* V_ADD, V_SET, V_REMOVE */
	const char *key;	/* the child named; a phase by its number */
	void *vals;		/* a struct of tb's kind with the given fields */
	uint32_t given;		/* bit i: tb->fields[i] given (may clear it) */
	double value;		/* V_RECORD */
	tw_date on;		/* V_RECORD, V_DONE, V_DEAL_CLOSE, V_TOUCH,
				   V_STEP_DONE; DATE_NONE: today.
				   V_PROPOSE: the date proposed */
	enum outcome outcome;	/* V_DEAL_CLOSE */
	bool force;		/* V_REMOVE: also drop what refers to it */
	tw_date until;		/* V_SNOOZE; V_ACK (DATE_NONE: default) */
	const char *reason;	/* V_SNOOZE, V_ACK; V_PROPOSE: the note;
				   V_CONFIRM: the name */
	const char *rule;	/* V_ACK, V_UNACK: a finding's rule */
	const char *subject;	/* V_ACK, V_UNACK; NULL: the rule's one */
	const char *touch_type;	/* V_TOUCH: a message type */
	const char *channel;	/* V_TOUCH: "email", "text", ... */
	const char *const *criteria;	/* V_TOUCH: one touch each, or none */
	size_t ncriteria;
	const tw_date *days;	/* V_HOLIDAYS */
	size_t ndays;
	int link;		/* V_LINK_*, V_VIEW, V_STEP_DONE, V_PROPOSE,
				   V_CONFIRM: the share link's number */
	const char *at;		/* V_VIEW: UTC "YYYY-MM-DDTHH:MM:SSZ" */
	bool dry_run;		/* the store runs it and keeps nothing */
};

/* What a verb did, for the entry point to show. */
struct verb_result {
	size_t index;		/* the child added or changed */
	size_t added;		/* V_PLAN_APPLY, V_TOUCH, V_HOLIDAYS: children
				   added (V_PLAN_APPLY: the deal's last
				   events) */
	size_t present;		/* V_TOUCH: already logged; V_HOLIDAYS:
				   already holidays of the deal */
	size_t dropped;		/* V_REMOVE --force: references dropped */
	bool was_snoozed;	/* V_SNOOZE, V_UNSNOOZE: before the call */
	bool counted;		/* V_VIEW: a new view (not within 30 min) */
	bool raised;		/* V_VIEW: worth telling (share.opened) */
};

/* The verb's name in errors and docs: "criterion add", "deal close". */
const char *verb_name(enum verb v, const struct schema_table *tb);

/*
 * Fields for a call: verb_vals() makes a zeroed struct of tb's kind (dates
 * DATE_NONE) that verb_call_release() frees with what it holds.
 * verb_give_text() parses one field from text (field_parse(), label as
 * there) and marks it given; TW_EUSAGE for a field tb does not have.
 */
void verb_call_init(struct verb_call *c, enum verb v,
		    const struct schema_table *tb);
void verb_call_release(struct verb_call *c);
int verb_give_text(struct verb_call *c, const struct field *f,
		   const char *label, const char *text, struct tw_error *err);
/* Mark field f of c->tb given (its value already in c->vals). */
void verb_give(struct verb_call *c, const struct field *f);
bool verb_given(const struct verb_call *c, const struct field *f);

/*
 * Run c on ctx->deal, then validate the whole deal. 0, or a negative
 * TW_E* with err set (and, for validation errors, site) and the deal in an
 * unspecified state: the caller throws it away.
 */
int verb_run(struct deal_ctx *ctx, const struct verb_call *c,
	     struct verb_result *res, struct validation_site *site,
	     struct tw_error *err);

/*
 * A message is logged on the day it was sent, never after today: the
 * check V_TOUCH makes, for an entry point to make before it drafts.
 */
int verb_touch_date_check(tw_date on, tw_date today, struct tw_error *err);

/*
 * What refers to the child key of tb, which V_REMOVE without force
 * refuses to leave dangling: the phases resting on a criterion, the
 * events after an event. Their count, named in who ("phase 1, phase 2",
 * "event 'demo'"), for a page to ask before removing.
 */
size_t verb_references(const struct deal *d, const struct schema_table *tb,
		       const char *key, struct strbuf *who);

/* The phase a key names ("2"); NULL with TW_ENOTFOUND/TW_EINPUT. */
void *verb_find(const struct deal *d, const struct schema_table *tb,
		const char *key, size_t *index, struct tw_error *err);

#endif
