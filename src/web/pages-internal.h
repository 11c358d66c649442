/*
 * What the page files of techwin serve share (pages.c holds them): the
 * small HTML pieces every page is built from, the page frame, and the
 * handlers page_routes lists. Internal to src/web/pages*.c.
 */
#ifndef TW_PAGES_INTERNAL_H
#define TW_PAGES_INTERNAL_H

#include <stdbool.h>

#include "core/actions.h"
#include "core/criterion.h"
#include "core/message.h"
#include "core/momentum.h"
#include "render/escape.h"
#include "render/summary.h"
#include "store/deals.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/pages.h"

#define HTML_TYPE "text/html; charset=utf-8"

/* ---- small pieces (pages.c) -------------------------------------------- */

/* A bar, pct of its width filled, in class cls. */
void page_bar(struct strbuf *sb, double pct, const char *cls);
void page_badge(struct strbuf *sb, const char *cls, const char *text);
/* <td data-label="Label">: the label heads the cell on a phone. */
void page_td_open(struct strbuf *sb, const char *label, const char *cls);
/* A cell of text; NULL or "" shows a dash. */
void page_td(struct strbuf *sb, const char *label, const char *cls,
	     const char *text);
/* <thead> of a table whose rows stack into cards on a phone. */
void page_table_open(struct strbuf *sb, const char *caption,
		     const char *const *cols);
void page_table_close(struct strbuf *sb);
/* A date in prose: <time> keeps "Thu 2026-11-26" on one line. */
void page_add_day(struct strbuf *sb, tw_date d);
/* A date for a cell: "Thu 2026-11-26", or "" when there is none. */
const char *page_day_text(struct strbuf *tmp, tw_date d);
void page_days_text(struct strbuf *sb, int n);
/* The deal's value: "USD 415,000", or "" without one. */
void page_deal_value(struct strbuf *sb, const struct deal *d);
const char *page_deal_name(const struct deal *d);
void page_csrf_field(struct strbuf *sb, const struct principal *who);
/*
 * Whether an <input> of type can hold value: not a refused "2026-02-30"
 * in a date input nor "ten" in a number input (HTML forbids the value, and
 * a browser would show the input empty; the error message quotes it),
 * nor anything in a file input.
 */
bool page_input_holds(const char *type, const char *value);
void page_deal_path(struct strbuf *sb, const char *pre, const char *slug,
		    const char *suf);
/* Editors and admins see the forms; a viewer's POST would be a 403. */
bool page_can_edit(const struct http_request *rq);
const char *page_severity_class(enum severity s, bool snoozed);
const char *page_status_class(enum crit_status s);
void page_headroom_cell(struct strbuf *sb,
			const struct summary_criterion *c);

/* ---- the page frame (pages.c) ------------------------------------------ */

enum nav { NAV_NONE, NAV_PIPELINE, NAV_ANALYTICS, NAV_SETTINGS, NAV_USERS };

void page_head(struct strbuf *sb, const char *title);
/* The same with another name than techwin after the title. */
void page_head_as(struct strbuf *sb, const char *title, const char *site);
void page_begin(struct strbuf *sb, const struct http_request *rq,
		const char *title, enum nav nav);
void page_end(struct strbuf *sb);
void page_send(struct http_response *rs, unsigned status, struct strbuf *sb);
void page_error(struct http_request *rq, struct http_response *rs,
		unsigned status, const char *message);
void page_fail(struct http_request *rq, struct http_response *rs, int rc,
	       const struct tw_error *err);

/*
 * Run a form's verb on the deal the route names, in one transaction
 * (pages-deal.c; the action forms too). res may be NULL.
 */
int page_run_verb(struct http_request *rq, const struct verb_call *c,
		  struct verb_result *res, struct tw_error *err);

/*
 * The phases with their prices (pages-deal.c; the share page too);
 * justification: the team's view, with each phase's technical
 * justification and its criteria by key (without it, the champion's:
 * criteria by metric); edit: each row's Edit and Remove links.
 */
void page_phases_table(struct strbuf *sb, const struct deal *d,
		       const struct summary *s, bool justification,
		       bool edit);

/* ---- forms (pages-forms.c) ---------------------------------------------- */

/*
 * A form's state: the prefix of its inputs' ids (several forms share a
 * page: input "key" of form "add-criteria" is #add-criteria-key), the
 * posted values to show again after a refusal (NULL: the entity's, or
 * none), and the refusal with the input it is at (NULL: the form's).
 */
struct page_form {
	const char *id;
	const struct http_params *input;
	const char *error;
	const char *error_field;
};

/*
 * <form method="post" action=ACTION class="panel"> and the CSRF field
 * (page_form_open_as: with the form's id and class, NULL: none);
 * page_form_close() writes the submit button, a Cancel link to cancel
 * (NULL: none) and </form>. The server answers every refusal (novalidate):
 * its message is the verb's, at the field.
 */
void page_form_open(struct strbuf *sb, const struct http_request *rq,
		    const char *action, const struct page_form *fm);
void page_form_open_as(struct strbuf *sb, const struct http_request *rq,
		       const char *action, const char *id, const char *cls);
void page_form_close(struct strbuf *sb, const char *submit,
		     const char *cancel);
/* "WHAT: message", linked to its input (role=alert); nothing when fine. */
void page_form_summary(struct strbuf *sb, const struct page_form *fm,
		       const char *what);
/* The value an input shows: the posted one when the form keeps input. */
const char *page_form_value(const struct page_form *fm, const char *name,
			    const char *dflt);
/*
 * For an input page_form_input() does not write (a fieldset of radios):
 * whether the refusal is at input name; its aria-invalid and
 * aria-describedby (the input's hint, when hint, and the message); and
 * the message itself, to stand after its label.
 */
bool page_form_at(const struct page_form *fm, const char *name);
void page_form_aria(struct strbuf *sb, const struct page_form *fm,
		    const char *name, bool hint);
/*
 * The input of names a verb's "--name: ..." message msg is about (NULL
 * when none), *text the message without its "--name: ".
 */
const char *page_form_message_field(const char *msg, const char *const *names,
				    const char **text);
/*
 * The date input name of a posted form into *out: DATE_NONE when empty,
 * TW_EINPUT "--NAME: why" when it is no date (page_form_message_field
 * finds the input).
 */
int page_form_date(const struct http_request *rq, const char *name,
		   tw_date *out, struct tw_error *err);
void page_form_field_error(struct strbuf *sb, const struct page_form *fm,
			   const char *name);

/*
 * One input with its <label for>, hint and, when the refusal is at it,
 * its message (aria-invalid, aria-describedby). type: an <input> type,
 * "textarea" or "select" (options: value, label pairs, NULL-ended; a
 * required select is marked so only when its first value is empty).
 */
struct page_input {
	const char *name;
	const char *label;
	const char *hint;		/* NULL: none */
	const char *type;
	const char *value;		/* NULL: empty */
	bool required;
	const char *attrs;		/* more attributes, trusted: "step=\"1\"" */
	const char *const *options;
};
void page_form_input(struct strbuf *sb, const struct page_form *fm,
		     const struct page_input *in);

/*
 * A required select's options (page_input's): value, label pairs after
 * an empty choice labelled choose, NULL-ended, room for max pairs;
 * page_options_add() takes both strings. page_options_events() adds the
 * events of d not done by today (with buyer_only, the buyer's alone),
 * each labelled "Thu 2026-12-02: Title" (its title or key).
 */
struct page_options {
	char **v;
	size_t n;
};
void page_options_init(struct page_options *o, size_t max,
		       const char *choose);
void page_options_add(struct page_options *o, char *value, char *label);
void page_options_events(struct page_options *o, const struct deal *d,
			 tw_date today, bool buyer_only);
void page_options_release(struct page_options *o);

/*
 * Schema-driven: FORM_CREATE has an input for every field but the
 * read-only ones (a child's key included), FORM_EDIT also leaves out the
 * key. page_form_fields() writes them in a .row, with obj's values (NULL:
 * empty); page_form_give() reads the posted ones into c with
 * verb_give_text (FORM_CREATE: an empty one is not given), setting
 * fm->error and error_field on a value that does not parse.
 */
enum page_form_mode { FORM_CREATE, FORM_EDIT };
bool page_form_takes(const struct schema_table *tb, const struct field *f,
		     enum page_form_mode mode);
void page_form_fields(struct strbuf *sb, const struct page_form *fm,
		      const struct schema_table *tb, const void *obj,
		      enum page_form_mode mode);
int page_form_give(const struct http_request *rq, struct verb_call *c,
		   enum page_form_mode mode, struct page_form *fm,
		   struct tw_error *err);
/*
 * Whether the verb's refusal r of c is the input's (TW_EINPUT, TW_EEXIST,
 * TW_EUSAGE: to show again, 422), with fm->error set and error_field at
 * the input the validator's site, a taken key or a missing field names.
 */
bool page_form_refused(struct page_form *fm, const struct verb_call *c,
		       int r, const struct validation_site *site,
		       const struct tw_error *err);

/*
 * A form's post run: c's schema fields read in (page_form_give; only for
 * the verbs that take them, as the CLI's options), then c run on the deal
 * slug by the store in one transaction (ctx and res as store_run_verb's;
 * ctx is initialised here, the caller releases it). FORM_DONE: redirect;
 * FORM_REFUSED: the input's fault, in fm, for the form again with 422;
 * FORM_FAILED: err (its code) for page_fail().
 */
enum page_form_outcome { FORM_DONE, FORM_REFUSED, FORM_FAILED };
enum page_form_outcome page_form_run(struct http_request *rq,
				     const char *slug, struct verb_call *c,
				     enum page_form_mode mode,
				     struct page_form *fm,
				     struct deal_ctx *ctx,
				     struct verb_result *res,
				     struct tw_error *err);

/*
 * The deal page's hooks for its children (t: T_CRITERION, T_EVENT,
 * T_RISK, T_PHASE): a row's id (" id=\"c-p95\""), its Edit and Remove
 * links, the collapsed add form (open, with kept's input and message,
 * after a refusal; editors only), the refusal at the top of the page,
 * the "Edit the deal" button and the notice after a form's redirect.
 */
void page_child_row_id(struct strbuf *sb, int t, const char *key);
void page_child_links(struct strbuf *sb, const char *slug, int t,
		      const char *key);
void page_child_add_form(struct strbuf *sb, const struct http_request *rq,
			 const struct deal *d, int t,
			 const struct page_form *kept);
void page_child_add_error(struct strbuf *sb, int t,
			  const struct page_form *kept);
void page_deal_edit_link(struct strbuf *sb, const struct http_request *rq,
			 const struct deal *d);
void page_form_notice(struct strbuf *sb, const struct http_request *rq);

/*
 * The deal page with status, and the add form of child table t showing
 * fm's input and refusal (fm NULL: the plain page). pages-deal.c.
 */
void page_deal_render(struct http_request *rq, struct http_response *rs,
		      unsigned status, int t, const struct page_form *fm);

/* ---- the deal page's actions (pages-actions.c) -------------------------- */

/* An action form being re-rendered: its message and the user's input. */
struct action_view;

/* The deal page, with a refused action form when av is not NULL. */
void pages_deal_render(struct http_request *rq, struct http_response *rs,
		       unsigned status, const struct action_view *av);
/* The hooks the deal page calls, each at its place (pages-deal.c). */
void actions_notice(struct strbuf *sb, const struct http_request *rq,
		    const struct deal *d);
void actions_state(struct strbuf *sb, const struct http_request *rq,
		   const struct deal *d, const struct action_view *av);
void actions_momentum(struct strbuf *sb, const struct http_request *rq,
		      const struct deal *d, const struct momentum_report *rep,
		      const struct action_view *av);
void actions_events(struct strbuf *sb, const struct http_request *rq,
		    const struct deal *d, const struct action_view *av);
void actions_message(struct strbuf *sb, const struct http_request *rq,
		     const struct deal *d, enum message_type t,
		     const char *criterion, int card,
		     const struct action_view *av);
void actions_shares(struct strbuf *sb, struct http_request *rq,
		    const struct deal *d, const struct action_view *av);
void actions_champion(struct strbuf *sb, struct http_request *rq,
		      const struct deal *d, const struct action_view *av);
void actions_documents(struct strbuf *sb, const struct deal *d);
void actions_history(struct strbuf *sb, struct http_request *rq,
		     const struct deal *d);

/* ---- the handlers page_routes lists ------------------------------------ */

/* ---- import and export (pages-import.c) ---------------------------------- */

void pages_import(struct http_request *rq, struct http_response *rs);
void pages_import_plans_post(struct http_request *rq,
			     struct http_response *rs);
void pages_import_crm_post(struct http_request *rq, struct http_response *rs);
void pages_export_csv(struct http_request *rq, struct http_response *rs);
void pages_plan_yaml(struct http_request *rq, struct http_response *rs);
void pages_holidays_import_post(struct http_request *rq,
				struct http_response *rs);
/* Export (and import) links: the pipeline's (slug NULL) or a deal's. */
void pages_import_links(struct strbuf *sb, const struct http_request *rq,
			const char *slug);
/*
 * The .ics upload form (fm NULL: empty): the workspace's holidays on
 * /settings (slug NULL), or a deal's on its edit page.
 */
void pages_ics_form(struct strbuf *sb, const struct http_request *rq,
		    const struct page_form *fm, const char *slug);

/* Removing a deal: the page that asks, and its post (pages-forms.c). */
void pages_deal_remove(struct http_request *rq, struct http_response *rs);
void pages_deal_remove_post(struct http_request *rq,
			    struct http_response *rs);
void pages_pipeline(struct http_request *rq, struct http_response *rs);
void pages_deal(struct http_request *rq, struct http_response *rs);
void pages_record_post(struct http_request *rq, struct http_response *rs);
void pages_apply_post(struct http_request *rq, struct http_response *rs);
void pages_analytics(struct http_request *rq, struct http_response *rs);
void pages_share(struct http_request *rq, struct http_response *rs);
/* The share page's forms (pages-share.c). */
void pages_share_done_post(struct http_request *rq, struct http_response *rs);
void pages_share_propose_post(struct http_request *rq,
			      struct http_response *rs);
void pages_share_confirm_post(struct http_request *rq,
			      struct http_response *rs);
/* pages-forms.c */
void pages_deal_new(struct http_request *rq, struct http_response *rs);
void pages_deal_new_post(struct http_request *rq, struct http_response *rs);
void pages_deal_edit(struct http_request *rq, struct http_response *rs);
void pages_deal_edit_post(struct http_request *rq, struct http_response *rs);
void pages_child_add_post(struct http_request *rq, struct http_response *rs);
void pages_child_edit(struct http_request *rq, struct http_response *rs);
void pages_child_edit_post(struct http_request *rq,
			   struct http_response *rs);
void pages_child_remove(struct http_request *rq, struct http_response *rs);
void pages_child_remove_post(struct http_request *rq,
			     struct http_response *rs);

/* pages-actions.c */
void pages_history(struct http_request *rq, struct http_response *rs);
void pages_done_post(struct http_request *rq, struct http_response *rs);
void pages_touch_post(struct http_request *rq, struct http_response *rs);
void pages_snooze_post(struct http_request *rq, struct http_response *rs);
void pages_unsnooze_post(struct http_request *rq, struct http_response *rs);
void pages_ack_post(struct http_request *rq, struct http_response *rs);
void pages_unack_post(struct http_request *rq, struct http_response *rs);
void pages_close_post(struct http_request *rq, struct http_response *rs);
void pages_reopen_post(struct http_request *rq, struct http_response *rs);
void pages_share_post(struct http_request *rq, struct http_response *rs);
void pages_revoke_post(struct http_request *rq, struct http_response *rs);
void pages_accept_post(struct http_request *rq, struct http_response *rs);
void pages_decline_post(struct http_request *rq, struct http_response *rs);

/* The workspace's settings and accounts (pages-admin.c). */
void pages_settings(struct http_request *rq, struct http_response *rs);
void pages_settings_post(struct http_request *rq, struct http_response *rs);
void pages_holiday_add_post(struct http_request *rq,
			    struct http_response *rs);
/* The playbook's forms: add, edit and remove a step, reset. */
void pages_step_add_post(struct http_request *rq, struct http_response *rs);
void pages_step_edit(struct http_request *rq, struct http_response *rs);
void pages_step_edit_post(struct http_request *rq, struct http_response *rs);
void pages_step_remove(struct http_request *rq, struct http_response *rs);
void pages_step_remove_post(struct http_request *rq,
			    struct http_response *rs);
void pages_playbook_reset(struct http_request *rq, struct http_response *rs);
void pages_playbook_reset_post(struct http_request *rq,
			       struct http_response *rs);
void pages_holiday_remove_post(struct http_request *rq,
			       struct http_response *rs);
void pages_users(struct http_request *rq, struct http_response *rs);
void pages_user_add_post(struct http_request *rq, struct http_response *rs);
void pages_user_role_post(struct http_request *rq, struct http_response *rs);
void pages_user_password_post(struct http_request *rq,
			      struct http_response *rs);
void pages_user_remove(struct http_request *rq, struct http_response *rs);
void pages_user_remove_post(struct http_request *rq,
			    struct http_response *rs);
void pages_token_add_post(struct http_request *rq, struct http_response *rs);
void pages_token_revoke_post(struct http_request *rq,
			     struct http_response *rs);

#endif
