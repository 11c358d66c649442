/*
 * The deal page's actions: mark an event done, log a message as sent from
 * its card, snooze and unsnooze, acknowledge a finding and take it back,
 * close won or lost and reopen, make and revoke share links; and the
 * deal's history (GET /deals/{slug}/history, newest first, by pages).
 *
 * Each form posts to its own route, which parses the form into the verb's
 * arguments (core/actions.h) and runs the verb through the store as the
 * CLI and the API do; share links go through the same auth_share_make()
 * and auth_share_revoke() as techwin share. Success is a 303 back to the
 * deal page with a notice; a refusal re-renders the page (422, or the
 * verb's 404) with the user's input and the message at its field.
 *
 * pages-deal.c calls the render hooks below at their places on the page.
 */
#include "web/pages-internal.h"
#include "core/champion.h"
#include "core/message.h"
#include "web/csrf.h"
#include "web/paging.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Changes a page of the history shows. */
#define HISTORY_PAGE 50
/* The newest changes the deal page shows. */
#define HISTORY_RECENT 5

enum action_form {
	AF_NONE,
	AF_DONE,
	AF_TOUCH,
	AF_SNOOZE,
	AF_ACK,
	AF_UNACK,
	AF_CLOSE,
	AF_REOPEN,
	AF_SHARE,
	AF_REVOKE,
	AF_ANSWER,		/* accept or decline a proposed date */
};

/*
 * A form the deal page is re-rendered for: the user's input, and the
 * message with the input at fault (NULL: the form's) as pages-forms.c's
 * struct page_form holds them.
 */
struct action_view {
	enum action_form form;
	struct page_form fm;
	const char *card;		/* AF_TOUCH: the card's id */
};

/* ---- form pieces --------------------------------------------------------- */

static bool
view_is(const struct action_view *av, enum action_form f)
{
	return av && av->form == f;
}

/* Form f, its inputs' ids prefixed id: av's input and refusal if f's. */
static struct page_form
form_of(const struct action_view *av, enum action_form f, const char *id)
{
	struct page_form fm = { id, NULL, NULL, NULL };

	if (view_is(av, f)) {
		fm = av->fm;
		fm.id = id;
	}
	return fm;
}

/* <form> posting to /deals/SLUG/action, with the CSRF token. */
static void
form_open(struct strbuf *sb, const struct http_request *rq,
	  const struct deal *d, const char *action, const char *id,
	  const char *cls)
{
	struct strbuf path = STRBUF_INIT;

	strbuf_addf(&path, "/deals/%s/%s", d->slug, action);
	page_form_open_as(sb, rq, path.buf, id, cls);
	strbuf_release(&path);
}

/* The end of a form's .row: its button, then </form>. */
static void
form_submit(struct strbuf *sb, const char *label)
{
	strbuf_addstr(sb, "<div><button type=\"submit\">");
	html_escape(sb, label);
	strbuf_addstr(sb, "</button></div>\n</div>\n</form>\n");
}

/* A form of one button. */
static void
button_form(struct strbuf *sb, const struct http_request *rq,
	    const struct deal *d, const char *action, const char *id,
	    const char *label)
{
	form_open(sb, rq, d, action, id, "inline");
	strbuf_addstr(sb, "<button type=\"submit\" class=\"secondary\">");
	html_escape(sb, label);
	strbuf_addstr(sb, "</button>\n</form>\n");
}

static void
hidden(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	html_escape(sb, value ? value : "");
	strbuf_addstr(sb, "\">\n");
}

/* A labelled input of fm (its kept value, else value). */
static void
input(struct strbuf *sb, const struct page_form *fm, const char *type,
      const char *name, const char *label, const char *value,
      bool required, const char *attrs)
{
	struct page_input in = { name, label, NULL, type, value, required,
				 attrs, NULL };

	page_form_input(sb, fm, &in);
}

static void
select_input(struct strbuf *sb, const struct page_form *fm,
	     const char *name, const char *label,
	     const struct page_options *o)
{
	struct page_input in = { name, label, NULL, "select", NULL, true,
				 NULL, (const char *const *)o->v };

	page_form_input(sb, fm, &in);
}

static const char *
today_text(const struct http_request *rq, char *buf)
{
	return date_format(rq->today, buf);
}

/*
 * A panel that opens to show its form: shut until the user opens it, open
 * when the form is being re-rendered with a message.
 */
static void
panel_open(struct strbuf *sb, const struct action_view *av,
	   enum action_form f, const char *summary)
{
	strbuf_addstr(sb, view_is(av, f) ? "<details class=\"panel\" open>"
					 : "<details class=\"panel\">");
	strbuf_addstr(sb, "<summary>");
	html_escape(sb, summary);
	strbuf_addstr(sb, "</summary>\n");
}

/* ---- the hooks the deal page calls ---------------------------------------- */

/* Close won or lost, with a date; reopen a closed deal. */
void
actions_state(struct strbuf *sb, const struct http_request *rq,
	      const struct deal *d, const struct action_view *av)
{
	struct page_form fm = form_of(av, AF_CLOSE, "close");
	struct page_form re = form_of(av, AF_REOPEN, "reopen");
	const char *outcome = page_form_value(&fm, "outcome", NULL);
	char today[DATE_BUFSZ];

	if (!page_can_edit(rq))
		return;
	/* Reopening an open deal is refused: say so where it was asked. */
	page_form_summary(sb, &re, "Not reopened");
	if (d->outcome != OUTCOME_OPEN) {
		button_form(sb, rq, d, "reopen", "reopen", "Reopen the deal");
		return;
	}
	panel_open(sb, av, AF_CLOSE, "Close the deal");
	form_open(sb, rq, d, "close", "close", NULL);
	page_form_summary(sb, &fm, "Not closed");
	strbuf_addstr(sb, "<fieldset id=\"close-outcome\"");
	page_form_aria(sb, &fm, "outcome", false);
	strbuf_addstr(sb, "><legend>Outcome</legend>\n");
	page_form_field_error(sb, &fm, "outcome");
	strbuf_addf(sb, "<label class=\"choice\"><input type=\"radio\" "
		    "id=\"close-won\" name=\"outcome\" value=\"won\"%s> Won"
		    "</label>\n", outcome && !strcmp(outcome, "won")
				  ? " checked" : "");
	strbuf_addf(sb, "<label class=\"choice\"><input type=\"radio\" "
		    "id=\"close-lost\" name=\"outcome\" value=\"lost\"%s> Lost"
		    "</label>\n", outcome && !strcmp(outcome, "lost")
				  ? " checked" : "");
	strbuf_addstr(sb, "</fieldset>\n<div class=\"row\">\n");
	input(sb, &fm, "date", "close_date", "Closed on",
	      today_text(rq, today), true, NULL);
	form_submit(sb, "Close the deal");
	strbuf_addstr(sb, "</details>\n");
}

/*
 * A finding as text: its rule, then its subject (when it has one) between
 * open and close: "RULE|SUBJECT" is the acknowledge form's value, "RULE
 * (SUBJECT)" what the user reads.
 */
static char *
finding_text(const struct finding *f, const char *open, const char *close)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, f->rule);
	if (f->subject)
		strbuf_addf(&sb, "%s%s%s", open, f->subject, close);
	return strbuf_detach(&sb, NULL);
}

static void
snooze_forms(struct strbuf *sb, const struct http_request *rq,
	     const struct deal *d, const struct action_view *av)
{
	struct page_form fm = form_of(av, AF_SNOOZE, "snooze");
	bool snoozed = deal_is_snoozed(d, rq->today);

	if (snoozed)
		button_form(sb, rq, d, "unsnooze", "unsnooze", "Unsnooze");
	panel_open(sb, av, AF_SNOOZE, snoozed ? "Change the snooze"
					      : "Snooze the deal");
	form_open(sb, rq, d, "snooze", "snooze", NULL);
	strbuf_addstr(sb, "<p class=\"hint\">While snoozed, the findings "
		      "show as snoozed and fail no check.</p>\n");
	page_form_summary(sb, &fm, "Not snoozed");
	strbuf_addstr(sb, "<div class=\"row\">\n");
	input(sb, &fm, "date", "until", "Snoozed through", NULL, true, NULL);
	input(sb, &fm, "text", "reason", "Reason", NULL, true,
	      "maxlength=\"500\"");
	form_submit(sb, "Snooze");
	strbuf_addstr(sb, "</details>\n");
}

static void
ack_forms(struct strbuf *sb, const struct http_request *rq,
	  const struct deal *d, const struct momentum_report *rep,
	  const struct action_view *av)
{
	struct page_form fm = form_of(av, AF_ACK, "ack");
	struct page_form un = form_of(av, AF_UNACK, "unack");
	struct page_options opts;

	page_options_init(&opts, rep->n, "Choose a finding");
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];
		char *name = finding_text(f, " (", ")");

		if (!f->acknowledged) {
			page_options_add(&opts, finding_text(f, "|", ""), name);
			continue;
		}
		form_open(sb, rq, d, "unack", NULL, "inline");
		hidden(sb, "rule", f->rule);
		if (f->subject)
			hidden(sb, "subject", f->subject);
		strbuf_addstr(sb, "<button type=\"submit\" class=\"secondary\">"
			      "Unacknowledge ");
		html_escape(sb, name);
		strbuf_addstr(sb, "</button>\n</form>\n");
		free(name);
	}
	page_form_summary(sb, &un, "Not unacknowledged");
	if (opts.n > 2 && d->outcome == OUTCOME_OPEN) {
		panel_open(sb, av, AF_ACK, "Acknowledge a finding");
		form_open(sb, rq, d, "acks", "ack", NULL);
		strbuf_addstr(sb, "<p class=\"hint\">An acknowledged finding "
			      "fails no check until the date (by default 5 "
			      "business days).</p>\n");
		page_form_summary(sb, &fm, "Not acknowledged");
		strbuf_addstr(sb, "<div class=\"row\">\n");
		select_input(sb, &fm, "finding", "Finding", &opts);
		input(sb, &fm, "text", "reason", "Reason", NULL, true,
		      "maxlength=\"500\"");
		input(sb, &fm, "date", "until", "Acknowledged through", NULL,
		      false, NULL);
		form_submit(sb, "Acknowledge");
		strbuf_addstr(sb, "</details>\n");
	}
	page_options_release(&opts);
}

/* After the momentum check: snooze, unsnooze, acknowledge, unacknowledge. */
void
actions_momentum(struct strbuf *sb, const struct http_request *rq,
		 const struct deal *d, const struct momentum_report *rep,
		 const struct action_view *av)
{
	if (!page_can_edit(rq))
		return;
	if (d->outcome == OUTCOME_OPEN)
		snooze_forms(sb, rq, d, av);
	ack_forms(sb, rq, d, rep, av);
}

/* After the events: mark one done, today or on a chosen day. */
void
actions_events(struct strbuf *sb, const struct http_request *rq,
	       const struct deal *d, const struct action_view *av)
{
	struct page_form fm = form_of(av, AF_DONE, "done");
	char today[DATE_BUFSZ];
	struct page_options opts;

	if (!page_can_edit(rq))
		return;
	page_options_init(&opts, d->nevents, "Choose an event");
	page_options_events(&opts, d, rq->today, false);
	if (opts.n > 2) {
		form_open(sb, rq, d, "done", "done", "panel");
		strbuf_addstr(sb, "<h3>Mark an event done</h3>\n");
		page_form_summary(sb, &fm, "Not marked done");
		strbuf_addstr(sb, "<div class=\"row\">\n");
		select_input(sb, &fm, "event", "Event", &opts);
		input(sb, &fm, "date", "on", "Done on", today_text(rq, today),
		      true, NULL);
		form_submit(sb, "Mark done");
	}
	page_options_release(&opts);
}

/*
 * At the end of a message's card (id "msg-N"): when it was logged as
 * sent, and the form that logs it.
 */
void
actions_message(struct strbuf *sb, const struct http_request *rq,
		const struct deal *d, enum message_type t,
		const char *criterion, int card,
		const struct action_view *av)
{
	static const char *const channels[] = { "email", "email", "text",
		"text", "call", "call", "meeting", "meeting", NULL };
	const char *type = message_type_name(t);
	struct page_form fm;
	tw_date last = DATE_NONE;
	char today[DATE_BUFSZ], id[32];
	struct page_input chan = { "channel", "Channel", NULL, "select", NULL,
				   true, NULL, channels };

	/* A buying signal is logged per criterion, as the CLI logs it. */
	if (t != MSG_BUYING_SIGNAL)
		criterion = NULL;
	for (size_t i = 0; i < d->ntouches; i++) {
		const struct touch *o = &d->touches[i];

		if (o->type && !strcmp(o->type, type) &&
		    (!criterion ||
		     (o->criterion && !strcmp(o->criterion, criterion))) &&
		    (last == DATE_NONE || o->date > last))
			last = o->date;
	}
	if (last != DATE_NONE) {
		strbuf_addstr(sb, "<p class=\"hint\">Logged as sent on ");
		page_add_day(sb, last);
		strbuf_addstr(sb, ".</p>\n");
	}
	if (!page_can_edit(rq))
		return;
	snprintf(id, sizeof(id), "msg-%d", card);
	fm = form_of(av && av->card && !strcmp(av->card, id) ? av : NULL,
		     AF_TOUCH, id);
	form_open(sb, rq, d, "touches", NULL, "log");
	hidden(sb, "card", id);
	hidden(sb, "type", type);
	if (criterion)
		hidden(sb, "criterion", criterion);
	page_form_summary(sb, &fm, "Not logged");
	strbuf_addstr(sb, "<div class=\"row\">\n");
	input(sb, &fm, "date", "on", "Sent on", today_text(rq, today), true,
	      NULL);
	page_form_input(sb, &fm, &chan);
	strbuf_addstr(sb, "<div><button type=\"submit\" class=\"secondary\">"
		      "Log as sent</button></div>\n</div>\n</form>\n");
}

/* ---- share links ----------------------------------------------------- */

/*
 * A new link is shown once: the form's POST keeps its address here for
 * the GET it redirects to, which takes it out. Keyed by the session (its
 * CSRF token) and the link's number; forgotten after FLASH_TTL seconds.
 */
#define FLASH_SLOTS 32
#define FLASH_TTL 600

static struct flash {
	char *who;
	long long id;
	char *url;
	long long at;
} flashes[FLASH_SLOTS];
static pthread_mutex_t flash_lock = PTHREAD_MUTEX_INITIALIZER;

static void
flash_clear(struct flash *f)
{
	free(f->who);
	auth_secret_free(f->url);
	memset(f, 0, sizeof(*f));
}

static const char *
flash_who(const struct http_request *rq)
{
	return rq->who.csrf ? rq->who.csrf : rq->who.name;
}

static void
flash_put(const struct http_request *rq, long long id, char *url)
{
	struct flash *slot = &flashes[0];

	pthread_mutex_lock(&flash_lock);
	for (size_t i = 0; i < FLASH_SLOTS; i++) {
		struct flash *f = &flashes[i];

		if (f->url && rq->now - f->at > FLASH_TTL)
			flash_clear(f);
		if (!f->url || f->at < slot->at)
			slot = f;
		if (!slot->url)
			break;
	}
	flash_clear(slot);
	slot->who = xstrdup(flash_who(rq) ? flash_who(rq) : "");
	slot->id = id;
	slot->url = url;
	slot->at = rq->now;
	pthread_mutex_unlock(&flash_lock);
}

/* The address of link id made by this session, once; NULL after. */
static char *
flash_take(const struct http_request *rq, long long id)
{
	const char *who = flash_who(rq) ? flash_who(rq) : "";
	char *url = NULL;

	pthread_mutex_lock(&flash_lock);
	for (size_t i = 0; i < FLASH_SLOTS && !url; i++) {
		struct flash *f = &flashes[i];

		if (!f->url || f->id != id || strcmp(f->who, who))
			continue;
		if (rq->now - f->at <= FLASH_TTL) {
			url = f->url;
			f->url = NULL;
		}
		flash_clear(f);
	}
	pthread_mutex_unlock(&flash_lock);
	return url;
}

/*
 * How often the champion opened a link (issue 16): "never opened",
 * "opened 4 times, last Tue 10:42 UTC" (the weekday within the last 6
 * days, else the date).
 */
static void
share_views_text(struct strbuf *sb, const struct store_share *sh,
		 tw_date today)
{
	static const char *const wday[] = { "Mon", "Tue", "Wed", "Thu", "Fri",
					    "Sat", "Sun" };
	char day[DATE_BUFSZ];
	tw_date d = DATE_NONE;

	strbuf_reset(sb);
	if (!sh->views || champion_stamp_seconds(sh->last_viewed, &d) < 0) {
		strbuf_addstr(sb, "never opened");
		return;
	}
	if (sh->views == 1)
		strbuf_addstr(sb, "opened once, ");
	else
		strbuf_addf(sb, "opened %d times, ", sh->views);
	if (d <= today && today - d < 7)
		strbuf_addf(sb, "last %s", wday[date_weekday(d)]);
	else
		strbuf_addf(sb, "last %s", date_format(d, day));
	strbuf_addf(sb, " %.5s UTC", sh->last_viewed + 11);
}

/* The deal's share links, and the forms that make and revoke them. */
void
actions_shares(struct strbuf *sb, struct http_request *rq,
	       const struct deal *d, const struct action_view *av)
{
	static const char *const cols[] = { "Link", "Expires", "Status",
		"Created", "Opened", NULL };
	struct store_share_list l;
	struct tw_error err = { 0 };
	bool edit = page_can_edit(rq);
	struct page_form fm = form_of(av, AF_SHARE, "share");
	struct page_form rv = form_of(av, AF_REVOKE, "revoke");

	strbuf_addstr(sb, "<h2 id=\"shares\">Share links</h2>\n<p class=\"hint"
		      "\">A share link opens a read-only page of the plan for "
		      "the champion, without logging in.</p>\n");
	page_form_summary(sb, &rv, "Not revoked");
	if (store_share_list(rq->st, d->slug, &l, &err) < 0) {
		strbuf_addstr(sb, "<p class=\"notice error\">");
		html_escape(sb, err.msg);
		strbuf_addstr(sb, "</p>\n");
	} else if (!l.n) {
		strbuf_addstr(sb, "<p class=\"empty\">No share links.</p>\n");
	} else {
		struct strbuf tmp = STRBUF_INIT;

		if (edit)
			page_table_open(sb, NULL, (const char *const[]){
				"Link", "Expires", "Status", "Created",
				"Opened", "Revoke", NULL });
		else
			page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < l.n; i++) {
			const struct store_share *sh = &l.items[i];

			strbuf_addf(sb, "<tr id=\"share-%lld\">", sh->id);
			strbuf_reset(&tmp);
			strbuf_addf(&tmp, "link %lld", sh->id);
			page_td(sb, "Link", NULL, tmp.buf);
			page_td(sb, "Expires", "nowrap",
				sh->expires != DATE_NONE
					? page_day_text(&tmp, sh->expires)
					: "never");
			page_td(sb, "Status", NULL,
				store_share_status(sh, rq->today));
			page_td(sb, "Created", "nowrap", sh->created);
			share_views_text(&tmp, sh, rq->today);
			page_td(sb, "Opened", NULL, tmp.buf);
			if (edit) {
				page_td_open(sb, "Revoke", NULL);
				strbuf_reset(&tmp);
				strbuf_addf(&tmp, "shares/%lld/revoke",
					    sh->id);
				form_open(sb, rq, d, tmp.buf, NULL, "inline");
				strbuf_addf(sb, "<button type=\"submit\" "
					    "class=\"secondary\">Revoke link "
					    "%lld</button>\n</form></td>",
					    sh->id);
			}
			strbuf_addstr(sb, "</tr>\n");
		}
		page_table_close(sb);
		strbuf_release(&tmp);
		store_share_list_release(&l);
	}
	if (!edit)
		return;
	form_open(sb, rq, d, "shares", "share", "panel");
	strbuf_addstr(sb, "<h3>Make a share link</h3>\n");
	page_form_summary(sb, &fm, "No link made");
	strbuf_addstr(sb, "<div class=\"row\">\n");
	strbuf_addf(sb, "<p class=\"hint\">A link works for %d days unless "
		    "you choose its last day, or that it works until "
		    "revoked.</p>\n", SHARE_DEFAULT_DAYS);
	input(sb, &fm, "date", "expires", "Works through", NULL, false, NULL);
	strbuf_addf(sb, "<div><label class=\"choice\"><input type=\"checkbox"
		    "\" id=\"share-never\" name=\"never\" value=\"1\"%s> "
		    "Works until revoked</label></div>\n",
		    page_form_value(&fm, "never", NULL) ? " checked" : "");
	form_submit(sb, "Make a link");
}

/* ---- what the champion did on the share page (issue 16) -------------- */

/* The newest history rows looked through for the champion's actions. */
#define CHAMPION_HISTORY 500

static bool
by_champion(const struct history_entry *h)
{
	return h->actor && !strncmp(h->actor, "champion via share link ",
				    strlen("champion via share link "));
}

/*
 * The plan as the champion confirmed it, the dates they proposed (each
 * with the team's accept and decline buttons) and the steps they marked
 * done, from the newest CHAMPION_HISTORY changes.
 */
void
actions_champion(struct strbuf *sb, struct http_request *rq,
		 const struct deal *d, const struct action_view *av)
{
	struct page_form fm = form_of(av, AF_ANSWER, "answer");
	struct strbuf tmp = STRBUF_INIT, path = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct history_list l = { 0 };
	bool more, any = false;

	strbuf_addstr(sb, "<h2 id=\"champion\">From the champion</h2>\n");
	page_form_summary(sb, &fm, "Not answered");
	if (d->confirmed_by) {
		strbuf_addstr(sb, "<p id=\"confirmed\">The champion confirmed "
			      "the plan: ");
		html_escape(sb, d->confirmed_by);
		strbuf_addstr(sb, ", on ");
		page_add_day(sb, d->confirmed_on);
		strbuf_addstr(sb, ".</p>\n");
		any = true;
	}
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->proposed == DATE_NONE)
			continue;
		any = true;
		strbuf_addf(sb, "<div class=\"panel proposal\" "
			    "id=\"proposed-%s\">\n<p>", e->key);
		strbuf_addstr(sb, "Proposed on ");
		page_add_day(sb, e->proposed_on);
		strbuf_addstr(sb, ": move <strong>");
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, "</strong> from ");
		strbuf_addstr(sb, e->date != DATE_NONE
				  ? page_day_text(&tmp, e->date) : "no date");
		strbuf_addstr(sb, " to ");
		page_add_day(sb, e->proposed);
		strbuf_addstr(sb, ". &ldquo;");
		html_escape(sb, e->proposed_note ? e->proposed_note : "");
		strbuf_addstr(sb, "&rdquo;</p>\n");
		if (page_can_edit(rq)) {
			for (int k = 0; k < 2; k++) {
				strbuf_reset(&path);
				strbuf_addf(&path, "events/%s/%s", e->key,
					    k ? "decline" : "accept");
				form_open(sb, rq, d, path.buf, NULL, "inline");
				strbuf_addf(sb, "<button type=\"submit\"%s>"
					    "%s the date for ",
					    k ? " class=\"secondary\"" : "",
					    k ? "Decline" : "Accept");
				html_escape(sb, e->key);
				strbuf_addstr(sb, "</button>\n</form>\n");
			}
		}
		strbuf_addstr(sb, "</div>\n");
	}
	if (store_history_page(rq->st, d->slug, 0, CHAMPION_HISTORY, &l,
			       &more, &err) == 0) {
		for (size_t i = 0; i < l.n; i++) {
			const struct history_entry *h = &l.items[i];
			const struct event *e;

			if (!by_champion(h) || !h->entity || !h->field ||
			    strcmp(h->entity, "event") ||
			    strcmp(h->field, "done") || !h->new_value ||
			    !(e = deal_find_event(d, h->key)))
				continue;
			any = true;
			strbuf_addstr(sb, "<p class=\"champion-done\">");
			html_escape(sb, e->title ? e->title : e->key);
			strbuf_addstr(sb, " was marked done (");
			html_escape(sb, h->new_value);
			strbuf_addstr(sb, ") by the ");
			html_escape(sb, h->actor);
			strbuf_addstr(sb, " at ");
			html_escape(sb, h->at);
			strbuf_addstr(sb, ".</p>\n");
		}
	}
	history_list_release(&l);
	if (!any)
		strbuf_addstr(sb, "<p class=\"empty\">Nothing yet: on the "
			      "share page the champion can mark their steps "
			      "done, propose dates and confirm the plan."
			      "</p>\n");
	strbuf_release(&tmp);
	strbuf_release(&path);
}

/* ---- history --------------------------------------------------------- */

static void
history_rows(struct strbuf *sb, const struct history_list *l)
{
	static const char *const cols[] = { "When", "Who", "What", "Change",
		NULL };
	struct strbuf tmp = STRBUF_INIT;

	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < l->n; i++) {
		const struct history_entry *h = &l->items[i];
		bool whole = !h->field || !strcmp(h->field, "*");

		strbuf_addf(sb, "<tr id=\"h-%lld\">", h->id);
		page_td(sb, "When", "nowrap", h->at);
		page_td(sb, "Who", NULL, h->actor);
		strbuf_reset(&tmp);
		strbuf_addstr(&tmp, h->entity ? h->entity : "");
		if (h->key && *h->key)
			strbuf_addf(&tmp, " '%s'", h->key);
		if (!whole)
			strbuf_addf(&tmp, " %s", h->field);
		page_td(sb, "What", NULL, tmp.buf);
		strbuf_reset(&tmp);
		if (whole)
			strbuf_addstr(&tmp, h->new_value ? "created"
							 : "deleted");
		else
			strbuf_addf(&tmp, "%s \u2192 %s",
				    h->old_value ? h->old_value : "(none)",
				    h->new_value ? h->new_value : "(none)");
		page_td(sb, "Change", "wide", tmp.buf);
		strbuf_addstr(sb, "</tr>\n");
	}
	page_table_close(sb);
	strbuf_release(&tmp);
}

/* The newest changes, and where the rest are. */
void
actions_history(struct strbuf *sb, struct http_request *rq,
		const struct deal *d)
{
	struct history_list l;
	struct tw_error err = { 0 };
	bool more;

	strbuf_addstr(sb, "<h2 id=\"history\">History</h2>\n");
	if (store_history_page(rq->st, d->slug, 0, HISTORY_RECENT, &l, &more,
			       &err) < 0) {
		strbuf_addstr(sb, "<p class=\"notice error\">");
		html_escape(sb, err.msg);
		strbuf_addstr(sb, "</p>\n");
		return;
	}
	if (l.n)
		history_rows(sb, &l);
	else
		strbuf_addstr(sb, "<p class=\"empty\">No changes recorded."
			      "</p>\n");
	if (more)
		page_deal_path(sb, "<p><a href=\"/deals/", d->slug,
			       "/history\">Every change, newest first</a>"
			       "</p>\n");
	history_list_release(&l);
}

void
pages_history(struct http_request *rq, struct http_response *rs)
{
	const char *slug = http_param(rq, "slug");
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct history_list l;
	struct deal d;
	const char *cursor = http_params_get(&rq->query, "cursor");
	long long before = 0;
	char *next;
	bool more;
	int r;

	if (cursor && paging_cursor_id_parse(cursor, &before) < 0) {
		page_error(rq, rs, 400, "cursor is not one the \"Older "
			   "changes\" link gave");
		return;
	}
	if ((r = store_deal_get(rq->st, slug, &d, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	if ((r = store_history_page(rq->st, slug, before, HISTORY_PAGE, &l,
				    &more, &err)) < 0) {
		deal_release(&d);
		page_fail(rq, rs, r, &err);
		return;
	}
	strbuf_addf(&title, "History of %s", page_deal_name(&d));
	page_begin(&sb, rq, title.buf, NAV_NONE);
	page_deal_path(&sb, "<p class=\"hint\"><a href=\"/\">Pipeline</a> / "
		       "<a href=\"/deals/", d.slug, "\">");
	html_escape(&sb, d.slug);
	strbuf_addstr(&sb, "</a> / history</p>\n<h1>");
	html_escape(&sb, title.buf);
	strbuf_addstr(&sb, "</h1>\n<p class=\"hint\">Who changed what, newest "
		      "first.</p>\n");
	if (l.n)
		history_rows(&sb, &l);
	else
		strbuf_addstr(&sb, "<p class=\"empty\">No more changes.</p>\n");
	strbuf_addstr(&sb, "<nav aria-label=\"History pages\" "
		      "class=\"links\">");
	if (before)
		page_deal_path(&sb, "<a class=\"button secondary\" "
			       "href=\"/deals/", d.slug, "/history\">"
			       "Newest changes</a> ");
	if (more) {
		page_deal_path(&sb, "<a class=\"button secondary\" rel=\"next\" "
			       "href=\"/deals/", d.slug, "/history?cursor=");
		next = paging_cursor_of_id(l.items[l.n - 1].id);
		strbuf_addf(&sb, "%s\">Older changes</a>", next);
		free(next);
	}
	strbuf_addstr(&sb, "</nav>\n");
	page_end(&sb);
	page_send(rs, 200, &sb);
	strbuf_release(&title);
	history_list_release(&l);
	deal_release(&d);
}

/* Proposal documents, next to the summary's. */
void
actions_documents(struct strbuf *sb, const struct deal *d)
{
	static const char *const docs[][2] = {
		{ "proposal.html", "HTML" },
		{ "proposal.pdf", "PDF" },
		{ "proposal.md", "Markdown" },
	};

	if (!d->nphases)
		return;
	strbuf_addstr(sb, "<h3 id=\"proposal\">Phased proposal</h3>\n"
		      "<p class=\"links\">");
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		page_deal_path(sb, "<a class=\"button secondary\" "
			       "href=\"/api/deals/", d->slug, "/");
		strbuf_addf(sb, "%s\">Proposal (%s)</a> ", docs[i][0],
			    docs[i][1]);
	}
	strbuf_addstr(sb, "</p>\n");
}

/* ---- notices after a redirect ----------------------------------------- */

static void
notice_open(struct strbuf *sb)
{
	strbuf_addstr(sb, "<p class=\"notice ok\" role=\"status\">");
}

/* The link just made, shown once with a copy button. */
static void
share_made(struct strbuf *sb, const struct http_request *rq, long long id)
{
	char *url = flash_take(rq, id);

	if (!url) {
		strbuf_addf(sb, "<p class=\"notice ok\" role=\"status\">Share "
			    "link %lld was made. Its address is shown only "
			    "once: if it was not copied, revoke the link and "
			    "make another.</p>\n", id);
		return;
	}
	strbuf_addf(sb, "<div class=\"notice ok\" role=\"status\" "
		    "id=\"share-made\">\n<p>Share link %lld made. Copy it now: "
		    "it is shown only this once.</p>\n<label for=\"share-url\">"
		    "Share link</label>\n<input id=\"share-url\" "
		    "class=\"share-url\" type=\"text\" readonly value=\"", id);
	html_escape(sb, url);
	strbuf_addstr(sb, "\">\n<button type=\"button\" class=\"secondary\" "
		      "data-copy=\"share-url\">Copy the link</button><span "
		      "class=\"copied\" id=\"share-url-status\" "
		      "role=\"status\"></span>\n</div>\n");
	auth_secret_free(url);
}

/* What the last action did (?did=...), from the deal as it is now. */
void
actions_notice(struct strbuf *sb, const struct http_request *rq,
	       const struct deal *d)
{
	const char *did = http_params_get(&rq->query, "did");
	const char *key = http_params_get(&rq->query, "key");
	long long id = 0;

	if (!did)
		return;
	if (!strcmp(did, "done") && key) {
		const struct event *e = deal_find_event(d, key);

		if (!e || e->done == DATE_NONE)
			return;
		notice_open(sb);
		strbuf_addstr(sb, "Marked ");
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, " done on ");
		page_add_day(sb, e->done);
		strbuf_addstr(sb, ".</p>\n");
	} else if (!strcmp(did, "logged") || !strcmp(did, "present")) {
		notice_open(sb);
		strbuf_addstr(sb, !strcmp(did, "logged")
				  ? "Logged the message as sent."
				  : "That message was already logged as sent "
				    "on that day.");
		strbuf_addstr(sb, "</p>\n");
	} else if (!strcmp(did, "snoozed") &&
		   deal_is_snoozed(d, rq->today)) {
		notice_open(sb);
		strbuf_addstr(sb, "Snoozed through ");
		page_add_day(sb, d->snooze_until);
		strbuf_addstr(sb, ".</p>\n");
	} else if (!strcmp(did, "unsnoozed")) {
		notice_open(sb);
		strbuf_addstr(sb, "The deal is no longer snoozed.</p>\n");
	} else if (!strcmp(did, "acked") || !strcmp(did, "unacked")) {
		notice_open(sb);
		strbuf_addstr(sb, !strcmp(did, "acked")
				  ? "Finding acknowledged."
				  : "The finding is no longer acknowledged.");
		strbuf_addstr(sb, "</p>\n");
	} else if (!strcmp(did, "closed") && d->outcome != OUTCOME_OPEN) {
		notice_open(sb);
		strbuf_addf(sb, "Closed as %s on ", outcome_name(d->outcome));
		page_add_day(sb, d->close_date);
		strbuf_addstr(sb, ".</p>\n");
	} else if (!strcmp(did, "reopened") && d->outcome == OUTCOME_OPEN) {
		notice_open(sb);
		strbuf_addstr(sb, "The deal is open again.</p>\n");
	} else if (!strcmp(did, "shared") && key &&
		   auth_share_id_parse(key, &id, NULL) == 0) {
		share_made(sb, rq, id);
	} else if (!strcmp(did, "accepted") && key &&
		   deal_find_event(d, key)) {
		const struct event *e = deal_find_event(d, key);

		notice_open(sb);
		strbuf_addstr(sb, "Accepted: ");
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, " is now planned for ");
		page_add_day(sb, e->date);
		strbuf_addstr(sb, ".</p>\n");
	} else if (!strcmp(did, "declined")) {
		notice_open(sb);
		strbuf_addstr(sb, "Declined: the step keeps its date.</p>\n");
	} else if (!strcmp(did, "revoked") && key &&
		   auth_share_id_parse(key, &id, NULL) == 0) {
		notice_open(sb);
		strbuf_addf(sb, "Share link %lld revoked: it no longer opens."
			    "</p>\n", id);
	}
}

/* ---- the posts ----------------------------------------------------------- */

/*
 * The end of a post: a 303 to the deal page with the notice did (and key)
 * when r is 0; else the page re-rendered with the message at the field
 * it names (the verb's "--until: ...", else field), or an error page.
 */
static void
answer(struct http_request *rq, struct http_response *rs, int r,
       const struct tw_error *err, enum action_form f, const char *field,
       const char *const *names, const char *did, const char *key,
       const char *anchor)
{
	struct action_view av = { f, { NULL, &rq->form, NULL, NULL }, NULL };
	const char *slug = http_param(rq, "slug");
	struct strbuf loc = STRBUF_INIT;

	if (r == TW_EINPUT || (r == TW_ENOTFOUND && f != AF_NONE)) {
		av.fm.error_field = page_form_message_field(
			err->msg, names, &av.fm.error);
		if (!av.fm.error_field)
			av.fm.error_field = field;
		if (f == AF_TOUCH)
			av.card = http_params_get(&rq->form, "card");
		pages_deal_render(rq, rs, r == TW_EINPUT ? 422 : 404, &av);
		return;
	}
	if (r < 0) {
		page_fail(rq, rs, r, err);
		return;
	}
	/* Slugs and keys are [a-z0-9-], safe in a URL as they are. */
	strbuf_addf(&loc, "/deals/%s?did=%s", slug, did);
	if (key && *key && strspn(key, "abcdefghijklmnopqrstuvwxyz"
				       "0123456789-") == strlen(key))
		strbuf_addf(&loc, "&key=%s", key);
	strbuf_addf(&loc, "#%s", anchor);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

static const char *
form_text(const struct http_request *rq, const char *name)
{
	const char *s = http_params_get(&rq->form, name);

	return s && *s ? s : NULL;
}

void
pages_done_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "on", NULL };
	struct tw_error err = { 0 };
	const char *field = "on";
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_DONE, NULL);
	c.key = form_text(rq, "event");
	if ((r = page_form_date(rq, "on", &c.on, &err)) == 0) {
		if (!c.key)
			r = tw_error_set(&err, TW_EINPUT, "choose an event");
		else
			r = page_run_verb(rq, &c, NULL, &err);
	}
	/* No event, or one the deal does not have: at the event. */
	if (!c.key || r == TW_ENOTFOUND)
		field = "event";
	answer(rq, rs, r, &err, AF_DONE, field, names, "done", c.key,
	       "timeline");
	verb_call_release(&c);
}

void
pages_touch_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "on", NULL };
	struct tw_error err = { 0 };
	struct verb_result res = { 0 };
	const char *crit;
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_TOUCH, NULL);
	c.touch_type = form_text(rq, "type");
	c.channel = form_text(rq, "channel");
	if ((crit = form_text(rq, "criterion"))) {
		c.criteria = &crit;
		c.ncriteria = 1;
	}
	if ((r = page_form_date(rq, "on", &c.on, &err)) == 0) {
		/* A form without its type is no card's: not a user's slip. */
		if (!c.touch_type)
			r = tw_error_set(&err, TW_EUSAGE, "the form has no "
					 "message type");
		else
			r = page_run_verb(rq, &c, &res, &err);
	}
	answer(rq, rs, r, &err, AF_TOUCH, "on", names,
	       res.added ? "logged" : "present", NULL, "messages");
	verb_call_release(&c);
}

void
pages_snooze_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "until", "reason", NULL };
	struct tw_error err = { 0 };
	const char *field = "until";
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_SNOOZE, NULL);
	c.reason = form_text(rq, "reason");
	if ((r = page_form_date(rq, "until", &c.until, &err)) == 0) {
		if (c.until == DATE_NONE)
			r = tw_error_set(&err, TW_EINPUT, "enter the last day "
					 "of the snooze");
		else
			r = page_run_verb(rq, &c, NULL, &err);
	}
	answer(rq, rs, r, &err, AF_SNOOZE, field, names, "snoozed", NULL,
	       "check");
	verb_call_release(&c);
}

void
pages_unsnooze_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	verb_call_init(&c, V_UNSNOOZE, NULL);
	r = page_run_verb(rq, &c, NULL, &err);
	answer(rq, rs, r, &err, AF_SNOOZE, NULL, NULL, "unsnoozed", NULL,
	       "check");
	verb_call_release(&c);
}

void
pages_ack_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "until", "reason", NULL };
	struct tw_error err = { 0 };
	const char *finding, *bar;
	char *rule = NULL;
	struct verb_call c;
	int r = 0;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_ACK, NULL);
	c.reason = form_text(rq, "reason");
	if (!(finding = form_text(rq, "finding"))) {
		r = tw_error_set(&err, TW_EINPUT, "choose a finding");
	} else {
		/* "RULE|SUBJECT": rules are plain words, subjects anything. */
		bar = strchr(finding, '|');
		c.rule = rule = bar ? xstrndup(finding, (size_t)(bar - finding))
				    : xstrdup(finding);
		c.subject = bar ? bar + 1 : NULL;
		if ((r = page_form_date(rq, "until", &c.until, &err)) == 0)
			r = page_run_verb(rq, &c, NULL, &err);
	}
	/* What the verb refuses of the finding itself is at the finding. */
	answer(rq, rs, r, &err, AF_ACK, "finding", names, "acked", NULL,
	       "check");
	verb_call_release(&c);
	free(rule);
}

void
pages_unack_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r = 0;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_UNACK, NULL);
	c.rule = form_text(rq, "rule");
	c.subject = form_text(rq, "subject");
	if (!c.rule)
		r = tw_error_set(&err, TW_EUSAGE, "the form has no rule");
	else
		r = page_run_verb(rq, &c, NULL, &err);
	answer(rq, rs, r, &err, AF_UNACK, NULL, NULL, "unacked", NULL,
	       "check");
	verb_call_release(&c);
}

void
pages_close_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "close_date", NULL };
	struct tw_error err = { 0 };
	const char *outcome, *field = "outcome";
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_DEAL_CLOSE, NULL);
	outcome = form_text(rq, "outcome");
	if (!outcome || outcome_parse(outcome, &c.outcome) < 0 ||
	    c.outcome == OUTCOME_OPEN) {
		r = tw_error_set(&err, TW_EINPUT, "choose won or lost");
	} else {
		field = "close_date";
		if ((r = page_form_date(rq, "close_date", &c.on, &err)) == 0)
			r = page_run_verb(rq, &c, NULL, &err);
	}
	answer(rq, rs, r, &err, AF_CLOSE, field, names, "closed", NULL,
	       "main");
	verb_call_release(&c);
}

void
pages_reopen_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	verb_call_init(&c, V_DEAL_REOPEN, NULL);
	r = page_run_verb(rq, &c, NULL, &err);
	answer(rq, rs, r, &err, AF_REOPEN, NULL, NULL, "reopened", NULL,
	       "main");
	verb_call_release(&c);
}

void
pages_share_post(struct http_request *rq, struct http_response *rs)
{
	static const char *const names[] = { "expires", "base-url", NULL };
	struct strbuf base = STRBUF_INIT, id = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct store_share sh = { 0 };
	tw_date expires;
	char *url = NULL;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	csrf_own_origin(rq, &base);
	/* "Works until revoked" is said explicitly, else 90 days. */
	if (form_text(rq, "never"))
		r = auth_share_expires_parse("never", rq->today, &expires,
					     &err);
	else
		r = auth_share_expires_parse(form_text(rq, "expires"),
					     rq->today, &expires, &err);
	if (r == 0 &&
	    (r = auth_share_make(rq->st, http_param(rq, "slug"), expires,
				 rq->today, base.buf, &sh, &url, &err)) == 0) {
		flash_put(rq, sh.id, url);
		strbuf_addf(&id, "%lld", sh.id);
	}
	/* A deal that is not there is the page's 404, not the form's. */
	answer(rq, rs, r, &err, r == TW_ENOTFOUND ? AF_NONE : AF_SHARE,
	       "expires", names, "shared", id.buf, "main");
	store_share_release(&sh);
	strbuf_release(&base);
	strbuf_release(&id);
}

void
pages_revoke_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	const char *text = http_param(rq, "id");
	long long id;
	int r;

	if ((r = auth_share_id_parse(text, &id, &err)) == 0)
		r = auth_share_revoke(rq->st, http_param(rq, "slug"), id,
				      rq->today, &err);
	answer(rq, rs, r, &err, AF_REVOKE, NULL, NULL, "revoked", text,
	       "shares");
}

/* The team's answer to a date the champion proposed. */
static void
answer_post(struct http_request *rq, struct http_response *rs, enum verb v)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	verb_call_init(&c, v, NULL);
	c.key = http_param(rq, "key");
	r = page_run_verb(rq, &c, NULL, &err);
	answer(rq, rs, r, &err, AF_ANSWER, NULL, NULL,
	       v == V_ACCEPT ? "accepted" : "declined", c.key, "champion");
	verb_call_release(&c);
}

void
pages_accept_post(struct http_request *rq, struct http_response *rs)
{
	answer_post(rq, rs, V_ACCEPT);
}

void
pages_decline_post(struct http_request *rq, struct http_response *rs)
{
	answer_post(rq, rs, V_DECLINE);
}
