/*
 * The domain model of DESIGN.md: a deal and everything that hangs off it.
 * Plain data, owned by the struct: strings are malloc'd (NULL = absent),
 * dates are DATE_NONE when absent, optional numbers carry a has_ flag.
 * Children keep the order in which they were written.
 */
#ifndef TW_MODEL_H
#define TW_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"

enum direction { DIR_AT_MOST, DIR_AT_LEAST };
enum event_kind { EVENT_TECHNICAL, EVENT_COMMERCIAL };
/* Whose step an event is in the mutual action plan: ours or the buyer's. */
enum event_side { SIDE_SELLER, SIDE_BUYER };
enum risk_kind { RISK_SCALING, RISK_COMPLIANCE, RISK_SECURITY, RISK_COST,
		 RISK_OTHER };
enum outcome { OUTCOME_OPEN, OUTCOME_WON, OUTCOME_LOST };

struct criterion {
	char *key;
	char *metric;
	char *unit;
	enum direction direction;
	double required;		/* > 0 */
	bool has_measured;		/* absent: pending */
	double measured;		/* >= 0 */
	tw_date measured_on;
	bool has_growth;
	double growth_pct;		/* projected growth, percent */
	/*
	 * Whether the result moves with the workload (a latency, a
	 * throughput). False for one that does not (an accuracy, a count of
	 * supported formats): it has no growth capacity. deal_add_criterion
	 * makes it true.
	 */
	bool scales_with_load;
	char *outcome;			/* business outcome it proves */
};

struct event {
	char *key;
	enum event_kind kind;
	char *title;
	char *owner;
	tw_date date;			/* planned */
	tw_date done;			/* DATE_NONE until done */
	char *after;			/* key of the event it follows */
	enum event_side side;		/* SIDE_SELLER unless said */
	bool internal;			/* never shown to the prospect */
	/*
	 * Database-only: a new date the champion proposed on the share page
	 * (proposed_on), with a note. It changes nothing until the team
	 * accepts it (the date becomes proposed) or declines it.
	 */
	tw_date proposed;
	char *proposed_note;
	tw_date proposed_on;
	char *step;			/* the playbook step that made it
					   (plan --apply), else NULL */
};

struct risk {
	char *key;
	char *title;
	enum risk_kind kind;
	tw_date deadline;
	struct duration buffer;
	struct duration duration;
};

struct phase {
	int number;
	char *name;
	char *scope;
	bool has_price;
	double price;			/* >= 0 */
	char *justification;
	char **criteria;		/* criterion keys */
	size_t ncriteria;
	bool has_duration;
	struct duration duration;
	bool internal;			/* never shown to the prospect */
	char **risks;			/* keys of the risks it addresses */
	size_t nrisks;
};

/*
 * A playbook step: offset business days after the technical win. Its key
 * (NULL: one made from the title) names the event plan --apply makes; its
 * owner, "ae" or "se" (or NULL), says whose name that event carries.
 */
struct step {
	char *title;
	int offset;
	enum event_kind kind;
	bool plus_procurement;
	char *key;
	char *owner;
};

/* A logged message to the prospect. */
struct touch {
	char *type;			/* buying-signal, compress, ... */
	tw_date date;
	char *channel;
	char *criterion;		/* key, optional */
};

/*
 * A share link of the deal, as the momentum check and the deal page see
 * it (database-only; the link's secret lives in the shares table): made
 * on which day, its last day (DATE_NONE: never expires), and how often
 * the champion opened it. A view is counted once within
 * SHARE_VIEW_GAP_SECONDS; no address or browser is kept.
 */
struct link {
	int id;				/* the share link's number */
	tw_date made;
	tw_date expires;
	int views;
	tw_date opened;			/* first counted view, or none */
	char *last_viewed;		/* UTC "YYYY-MM-DDTHH:MM:SSZ", or NULL */
};
#define SHARE_VIEW_GAP_SECONDS (30 * 60)

/*
 * An acknowledged finding (techwin check ack): the finding of rule about
 * subject is reported as acknowledged, and never fails the check, through
 * until. Database-only, like the snooze.
 */
struct ack {
	char *rule;
	char *subject;			/* "" when the rule names none */
	char *reason;
	char *actor;			/* who acknowledged it */
	tw_date until;
	tw_date acked_on;		/* when */
};

struct deal {
	char *slug;			/* [a-z0-9-]{1,64} */
	char *account;
	char *stage;
	bool has_value;
	double value;
	char *currency;			/* ISO 4217 */
	char *ae;
	char *se;
	bool has_procurement_days;
	int procurement_days;		/* business days */
	char *champion;
	char *champion_email;
	tw_date poc_start, poc_end;
	tw_date close_date;
	enum outcome outcome;
	/*
	 * Database-only state (not in plan files): the momentum check
	 * reports the deal's findings as snoozed through this date.
	 */
	tw_date snooze_until;
	char *snooze_reason;
	/*
	 * Database-only too: the CRM record the deal was imported from
	 * (import --from), so a later export of the CRM updates this deal
	 * instead of creating another. Both NULL for a deal made in techwin.
	 */
	char *crm_source;		/* "salesforce", "hubspot" */
	char *crm_id;			/* the CRM's record id */
	/*
	 * Database-only: the champion confirmed the plan on the share page,
	 * typing their name, on that day.
	 */
	char *confirmed_by;
	tw_date confirmed_on;

	tw_date *holidays;		/* sorted, unique */
	size_t nholidays;
	struct criterion *criteria;
	size_t ncriteria;
	struct event *events;
	size_t nevents;
	struct risk *risks;
	size_t nrisks;
	struct phase *phases;
	size_t nphases;
	struct step *playbook;
	size_t nplaybook;
	struct touch *touches;
	size_t ntouches;
	struct ack *acks;		/* database-only */
	size_t nacks;
	struct link *links;		/* database-only */
	size_t nlinks;
};

#define DEAL_SLUG_MAX 64

void deal_init(struct deal *d);
void deal_release(struct deal *d);
void deal_free(struct deal *d);
/* Deep copy of src into dst (dst is overwritten, not released). */
void deal_copy(struct deal *dst, const struct deal *src);

void event_release(struct event *e);
void touch_release(struct touch *t);

/* Append a zeroed child and return it (the deal owns it). */
struct criterion *deal_add_criterion(struct deal *d);
struct event *deal_add_event(struct deal *d);
struct risk *deal_add_risk(struct deal *d);
struct phase *deal_add_phase(struct deal *d);
struct step *deal_add_step(struct deal *d);
struct touch *deal_add_touch(struct deal *d);
struct ack *deal_add_ack(struct deal *d);
struct link *deal_add_link(struct deal *d);
void deal_add_holiday(struct deal *d, tw_date day);
/*
 * Append key to the criteria of phase number (none: nothing), for a store
 * reading rows of phase criteria once the phases are loaded. The finder
 * sorts the phases by number on its first use, so a deal of thousands of
 * phases costs a binary search a row, not a pass over the phases.
 */
struct phase_finder {
	struct phase **by_number;
	struct phase *last;	/* the row before's */
};
#define PHASE_FINDER_INIT { NULL, NULL }
void deal_phase_add_criterion(struct deal *d, int number, const char *key,
			      struct phase_finder *f);
void phase_finder_release(struct phase_finder *f);

/*
 * Leave out what the prospect must never see: internal events (and an
 * "after" naming one) and internal phases. For the share page, the
 * proposal and the shared calendar, on a deal the caller owns.
 */
void deal_drop_internal(struct deal *d);

/*
 * Whether e is done as of today. A done date after today only appears when
 * --today looks back in time; then the event had not happened yet.
 */
bool event_done_by(const struct event *e, tw_date today);

/* Lookups by key; NULL when absent. */
struct criterion *deal_find_criterion(const struct deal *d, const char *key);
struct event *deal_find_event(const struct deal *d, const char *key);
struct risk *deal_find_risk(const struct deal *d, const char *key);
struct phase *deal_find_phase(const struct deal *d, int number);
struct link *deal_find_link(const struct deal *d, int id);
/* The deal's phases by number, as an array for the caller to free(). */
const struct phase **deal_phases_by_number(const struct deal *d);

/* The deal's holidays as a struct holidays view (borrowed). */
struct holidays deal_holidays(const struct deal *d);
/*
 * The deal's holidays and ws's (ws may be NULL), sorted and unique, in
 * *buf: the caller frees *buf, the view borrows it. Business days are
 * Monday to Friday minus both. The view borrows ws's playbook too.
 */
struct holidays deal_merged_holidays(const struct deal *d,
				     const struct holidays *ws, tw_date **buf);

/* Names of enum values as they appear in files and JSON, and back. */
const char *direction_name(enum direction v);
const char *event_kind_name(enum event_kind v);
const char *risk_kind_name(enum risk_kind v);
const char *outcome_name(enum outcome v);
const char *event_side_name(enum event_side v);
int direction_parse(const char *s, enum direction *out);
int event_kind_parse(const char *s, enum event_kind *out);
int risk_kind_parse(const char *s, enum risk_kind *out);
int outcome_parse(const char *s, enum outcome *out);
int event_side_parse(const char *s, enum event_side *out);

/* Slugs and keys: [a-z0-9-]{1,64}, not starting with '-'. */
bool slug_is_valid(const char *s);
bool key_is_valid(const char *s);

#endif
