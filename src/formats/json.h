/*
 * JSON views of the domain (jansson). The CLI's --json output and the web
 * API share these, so field names are defined once, here.
 */
#ifndef TW_JSON_H
#define TW_JSON_H

#include <jansson.h>

#include "core/commercial.h"
#include "core/model.h"
#include "core/pipeline.h"
#include "core/stats.h"
#include "store/import.h"
#include "store/store.h"
#include "util/strbuf.h"

/* A number: an integer when d is integral, else a real. */
json_t *json_num(double d);
/* A string or null. */
json_t *json_str(const char *s);
/* "YYYY-MM-DD" or null. */
json_t *json_date(tw_date d);

/*
 * One field of the model schema as JSON: null when absent, [] for an empty
 * list. The serializers below are the schema's fields in its order, then
 * what they mean (a criterion's status, a risk's back-schedule).
 */
struct field;
json_t *field_to_json(const struct field *f, const void *obj);

/* Deal fields only (the deal list object). */
json_t *deal_to_json(const struct deal *d);
/* A criterion with its evaluation. */
json_t *criterion_to_json(const struct criterion *c);
json_t *event_to_json(const struct event *e);
/*
 * A risk of d with its back-schedule as of today, and its commercial
 * deadline (sign_by, review_by: the deal's procurement days).
 */
json_t *risk_to_json(const struct deal *d, const struct risk *r,
		     tw_date today, const struct holidays *h);
json_t *phase_to_json(const struct phase *p);
/* Child i of schema_tables[table] in d, as the serializer above gives it. */
json_t *child_to_json(size_t table, const struct deal *d, size_t i,
		      tw_date today, const struct holidays *h);
/*
 * Deal fields plus every child list (deal show); risks are scheduled with h
 * (the deal's and the workspace's holidays; NULL: the deal's only).
 */
json_t *deal_full_to_json(const struct deal *d, tw_date today,
			  const struct holidays *h);
/*
 * The workspace's playbook as config playbook --json shows it:
 * {"source": "set" or "default", "playbook": [steps as deal show's]}.
 */
json_t *playbook_to_json(const struct step *steps, size_t n, bool set);
json_t *history_entry_to_json(const struct history_entry *h);
/* A share link as techwin share list --json shows it (never its hash). */
json_t *share_to_json(const struct store_share *sh, tw_date today);

/*
 * A user as techwin user list --json shows it ({"name", "role", "tokens",
 * "created", "email", "full_name"}: never the hash), and an API token
 * ({"name", "user", "created"}: never the hash).
 */
json_t *user_to_json(const struct store_user *u, size_t ntokens);
json_t *token_to_json(const struct store_token *t);

/*
 * The commercial plan (techwin plan --json): technical_win_date, blocking
 * criterion keys, steps [{title, kind, date}] and contract_target.
 */
json_t *commercial_plan_to_json(const struct commercial_plan *p);
/*
 * The pipeline check (techwin check --json): findings [{deal, rule,
 * severity, snoozed, subject, message, date}] in pipeline order and
 * freshness [{deal, technical_win, progress, score}] of each deal with a
 * technical win (progress: the commercial progress date P).
 */
json_t *pipeline_check_to_json(const struct pipeline_check *pc);
/* One finding of deal slug, and its freshness: the elements of those. */
json_t *finding_to_json(const char *slug, const struct finding *f);
json_t *freshness_to_json(const char *slug, const struct momentum_report *r);
/* Cycle-time analytics (techwin stats --json): team, by_se, deals, momentum. */
json_t *cycle_report_to_json(const struct cycle_report *r);

/*
 * What an import did, as techwin import --json shows it. Plan files:
 * {"imported", "new", "replaced", "deals": [{"slug", "action"}]}. A CRM
 * export: counts by fate, "deals" [{"line", "crm_id", "slug", "action"}]
 * and "bad_rows" [{"line", "column", "error"}]; reject is the file the bad
 * rows were written to, or NULL.
 */
json_t *import_plans_to_json(const struct import_plans_result *res);
json_t *import_crm_to_json(const struct import_crm_result *run,
			   const char *file, const char *reject);

/* Serialize (indented, stable order) with a trailing newline; steals j. */
void json_emit(json_t *j, struct strbuf *out);
/*
 * j on one line, keys sorted, appended to out, and j released. Written
 * through a callback, so it allocates nothing of its own: safe where
 * jansson's allocator is serve's per-request arena.
 */
void json_emit_compact(json_t *j, struct strbuf *out);

#endif
