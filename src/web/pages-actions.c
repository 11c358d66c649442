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
#include "core/message.h"
#include "web/csrf.h"

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
};

/* A form the deal page is re-rendered for: its message and input. */
struct action_view {
	enum action_form form;
	const char *field;		/* the input at fault; NULL: the form */
	const char *message;
	const struct http_params *input;
	const char *card;		/* AF_TOUCH: the card's id */
};

/* ---- form pieces --------------------------------------------------------- */

static bool
view_is(const struct action_view *av, enum action_form f)
{
	return av && av->form == f;
}

/* What the user typed into name of form f, when it is being re-rendered. */
static const char *
kept(const struct action_view *av, enum action_form f, const char *name)
{
	return view_is(av, f) ? http_params_get(av->input, name) : NULL;
}

static bool
at_field(const struct action_view *av, enum action_form f, const char *name)
{
	return view_is(av, f) && av->field && !strcmp(av->field, name);
}

/* aria attributes of an input whose value was refused. */
static void
invalid_attrs(struct strbuf *sb, const struct action_view *av,
	      enum action_form f, const char *name, const char *id)
{
	if (at_field(av, f, name))
		strbuf_addf(sb, " aria-invalid=\"true\" "
			    "aria-describedby=\"%s-error\"", id);
}

/* The message at the input it is about. */
static void
field_error(struct strbuf *sb, const struct action_view *av,
	    enum action_form f, const char *name, const char *id)
{
	if (!at_field(av, f, name))
		return;
	strbuf_addf(sb, "<p class=\"field-error\" id=\"%s-error\">", id);
	html_escape(sb, av->message);
	strbuf_addstr(sb, "</p>\n");
}

/* The message of a refusal that names no input, at the top of the form. */
static void
form_error(struct strbuf *sb, const struct action_view *av,
	   enum action_form f)
{
	if (!view_is(av, f) || av->field)
		return;
	strbuf_addstr(sb, "<p class=\"notice error\" role=\"alert\">");
	html_escape(sb, av->message);
	strbuf_addstr(sb, "</p>\n");
}

/* <form> posting to /deals/SLUG/action, with the CSRF token. */
static void
form_open(struct strbuf *sb, const struct http_request *rq,
	  const struct deal *d, const char *action, const char *id,
	  const char *cls)
{
	page_deal_path(sb, "<form method=\"post\" action=\"/deals/", d->slug,
		       "/");
	strbuf_addstr(sb, action);
	strbuf_addch(sb, '"');
	if (id)
		strbuf_addf(sb, " id=\"%s\"", id);
	if (cls)
		strbuf_addf(sb, " class=\"%s\"", cls);
	strbuf_addstr(sb, ">\n");
	page_csrf_field(sb, &rq->who);
}

/* A labelled input of form f: its kept value, else value. */
static void
input(struct strbuf *sb, const struct action_view *av, enum action_form f,
      const char *type, const char *name, const char *id, const char *label,
      const char *value, const char *extra)
{
	const char *v = kept(av, f, name);

	if (v && !page_input_holds(type, v))
		v = "";

	strbuf_addf(sb, "<div><label for=\"%s\">", id);
	html_escape(sb, label);
	strbuf_addf(sb, "</label>\n<input id=\"%s\" name=\"%s\" type=\"%s\"",
		    id, name, type);
	if (v || value) {
		strbuf_addstr(sb, " value=\"");
		html_escape(sb, v ? v : value);
		strbuf_addch(sb, '"');
	}
	if (extra)
		strbuf_addstr(sb, extra);
	invalid_attrs(sb, av, f, name, id);
	strbuf_addstr(sb, ">\n");
	field_error(sb, av, f, name, id);
	strbuf_addstr(sb, "</div>\n");
}

static void
hidden(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, "<input type=\"hidden\" name=\"%s\" value=\"", name);
	html_escape(sb, value ? value : "");
	strbuf_addstr(sb, "\">\n");
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
	const char *outcome = kept(av, AF_CLOSE, "outcome");
	char today[DATE_BUFSZ];

	if (!page_can_edit(rq))
		return;
	/* Reopening an open deal is refused: say so where it was asked. */
	form_error(sb, av, AF_REOPEN);
	if (d->outcome != OUTCOME_OPEN) {
		form_open(sb, rq, d, "reopen", "reopen", "inline");
		strbuf_addstr(sb, "<button type=\"submit\" class=\"secondary\">"
			      "Reopen the deal</button>\n</form>\n");
		return;
	}
	panel_open(sb, av, AF_CLOSE, "Close the deal");
	form_open(sb, rq, d, "close", "close", NULL);
	form_error(sb, av, AF_CLOSE);
	strbuf_addstr(sb, "<fieldset");
	invalid_attrs(sb, av, AF_CLOSE, "outcome", "close-outcome");
	strbuf_addstr(sb, "><legend>Outcome</legend>\n");
	strbuf_addf(sb, "<label class=\"choice\"><input type=\"radio\" "
		    "id=\"close-won\" name=\"outcome\" value=\"won\"%s> Won"
		    "</label>\n", outcome && !strcmp(outcome, "won")
				  ? " checked" : "");
	strbuf_addf(sb, "<label class=\"choice\"><input type=\"radio\" "
		    "id=\"close-lost\" name=\"outcome\" value=\"lost\"%s> Lost"
		    "</label>\n", outcome && !strcmp(outcome, "lost")
				  ? " checked" : "");
	field_error(sb, av, AF_CLOSE, "outcome", "close-outcome");
	strbuf_addstr(sb, "</fieldset>\n<div class=\"row\">\n");
	input(sb, av, AF_CLOSE, "date", "close_date", "close-date",
	      "Closed on", today_text(rq, today), " required");
	strbuf_addstr(sb, "<div><button type=\"submit\">Close the deal"
		      "</button></div>\n</div>\n</form>\n</details>\n");
}

/* A finding's value in the acknowledge form: "RULE" or "RULE|SUBJECT". */
static void
finding_value(struct strbuf *sb, const struct finding *f)
{
	strbuf_addstr(sb, f->rule);
	if (f->subject) {
		strbuf_addch(sb, '|');
		strbuf_addstr(sb, f->subject);
	}
}

static void
snooze_forms(struct strbuf *sb, const struct http_request *rq,
	     const struct deal *d, const struct action_view *av)
{
	if (deal_is_snoozed(d, rq->today)) {
		form_open(sb, rq, d, "unsnooze", "unsnooze", "inline");
		strbuf_addstr(sb, "<button type=\"submit\" class=\"secondary\">"
			      "Unsnooze</button>\n</form>\n");
	}
	panel_open(sb, av, AF_SNOOZE, deal_is_snoozed(d, rq->today)
				      ? "Change the snooze" : "Snooze the deal");
	form_open(sb, rq, d, "snooze", "snooze", NULL);
	strbuf_addstr(sb, "<p class=\"hint\">While snoozed, the findings "
		      "show as snoozed and fail no check.</p>\n");
	form_error(sb, av, AF_SNOOZE);
	strbuf_addstr(sb, "<div class=\"row\">\n");
	input(sb, av, AF_SNOOZE, "date", "until", "snooze-until",
	      "Snoozed through", NULL, NULL);
	input(sb, av, AF_SNOOZE, "text", "reason", "snooze-reason", "Reason",
	      NULL, " maxlength=\"500\"");
	strbuf_addstr(sb, "<div><button type=\"submit\">Snooze</button></div>\n"
		      "</div>\n</form>\n</details>\n");
}

static void
ack_forms(struct strbuf *sb, const struct http_request *rq,
	  const struct deal *d, const struct momentum_report *rep,
	  const struct action_view *av)
{
	const char *chosen = kept(av, AF_ACK, "finding");
	struct strbuf val = STRBUF_INIT;
	size_t open = 0;

	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		if (!f->acknowledged) {
			open++;
			continue;
		}
		form_open(sb, rq, d, "unack", NULL, "inline");
		hidden(sb, "rule", f->rule);
		if (f->subject)
			hidden(sb, "subject", f->subject);
		strbuf_addstr(sb, "<button type=\"submit\" class=\"secondary\">"
			      "Unacknowledge ");
		html_escape(sb, f->rule);
		if (f->subject) {
			strbuf_addstr(sb, " (");
			html_escape(sb, f->subject);
			strbuf_addch(sb, ')');
		}
		strbuf_addstr(sb, "</button>\n</form>\n");
	}
	form_error(sb, av, AF_UNACK);
	if (!open || d->outcome != OUTCOME_OPEN)
		return;
	panel_open(sb, av, AF_ACK, "Acknowledge a finding");
	form_open(sb, rq, d, "acks", "ack", NULL);
	strbuf_addstr(sb, "<p class=\"hint\">An acknowledged finding fails "
		      "no check until the date (by default 5 business "
		      "days).</p>\n");
	form_error(sb, av, AF_ACK);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"ack-finding\">"
		      "Finding</label>\n"
		      "<select id=\"ack-finding\" name=\"finding\" required");
	invalid_attrs(sb, av, AF_ACK, "finding", "ack-finding");
	strbuf_addstr(sb, ">\n<option value=\"\">Choose a finding</option>\n");
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = &rep->findings[i];

		if (f->acknowledged)
			continue;
		strbuf_reset(&val);
		finding_value(&val, f);
		strbuf_addstr(sb, "<option value=\"");
		html_escape(sb, val.buf);
		strbuf_addch(sb, '"');
		if (chosen && !strcmp(chosen, val.buf))
			strbuf_addstr(sb, " selected");
		strbuf_addch(sb, '>');
		html_escape(sb, f->rule);
		if (f->subject) {
			strbuf_addstr(sb, " (");
			html_escape(sb, f->subject);
			strbuf_addch(sb, ')');
		}
		strbuf_addstr(sb, "</option>\n");
	}
	strbuf_addstr(sb, "</select>\n");
	field_error(sb, av, AF_ACK, "finding", "ack-finding");
	strbuf_addstr(sb, "</div>\n");
	input(sb, av, AF_ACK, "text", "reason", "ack-reason", "Reason", NULL,
	      " maxlength=\"500\"");
	input(sb, av, AF_ACK, "date", "until", "ack-until",
	      "Acknowledged through (optional)", NULL, NULL);
	strbuf_addstr(sb, "<div><button type=\"submit\">Acknowledge</button>"
		      "</div>\n</div>\n</form>\n</details>\n");
	strbuf_release(&val);
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
	const char *chosen = kept(av, AF_DONE, "event");
	struct strbuf tmp = STRBUF_INIT;
	char today[DATE_BUFSZ];
	size_t n = 0;

	if (!page_can_edit(rq))
		return;
	for (size_t i = 0; i < d->nevents; i++)
		if (d->events[i].done == DATE_NONE ||
		    d->events[i].done > rq->today)
			n++;
	if (!n)
		return;
	form_open(sb, rq, d, "done", "done", "panel");
	strbuf_addstr(sb, "<h3>Mark an event done</h3>\n");
	form_error(sb, av, AF_DONE);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"done-event\">"
		      "Event</label>\n<select id=\"done-event\" name=\"event\" "
		      "required");
	invalid_attrs(sb, av, AF_DONE, "event", "done-event");
	strbuf_addstr(sb, ">\n<option value=\"\">Choose an event</option>\n");
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (e->done != DATE_NONE && e->done <= rq->today)
			continue;
		strbuf_addstr(sb, "<option value=\"");
		html_escape(sb, e->key);
		strbuf_addch(sb, '"');
		if (chosen && !strcmp(chosen, e->key))
			strbuf_addstr(sb, " selected");
		strbuf_addch(sb, '>');
		if (e->date != DATE_NONE) {
			html_escape(sb, page_day_text(&tmp, e->date));
			strbuf_addstr(sb, ": ");
		}
		html_escape(sb, e->title ? e->title : e->key);
		strbuf_addstr(sb, "</option>\n");
	}
	strbuf_addstr(sb, "</select>\n");
	field_error(sb, av, AF_DONE, "event", "done-event");
	strbuf_addstr(sb, "</div>\n");
	input(sb, av, AF_DONE, "date", "on", "done-on", "Done on",
	      today_text(rq, today), " required");
	strbuf_addstr(sb, "<div><button type=\"submit\">Mark done</button>"
		      "</div>\n</div>\n</form>\n");
	strbuf_release(&tmp);
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
	const char *type = message_type_name(t);
	const struct action_view *mine = NULL;
	const char *channel;
	tw_date last = DATE_NONE;
	char today[DATE_BUFSZ], id[32], chan_id[40], idbuf[32];
	static const char *const channels[] = { "email", "text", "call",
		"meeting" };

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
	snprintf(idbuf, sizeof(idbuf), "msg-%d", card);
	if (view_is(av, AF_TOUCH) && av->card && !strcmp(av->card, idbuf))
		mine = av;
	snprintf(id, sizeof(id), "msg-%d-on", card);
	snprintf(chan_id, sizeof(chan_id), "msg-%d-channel", card);
	form_open(sb, rq, d, "touches", NULL, "log");
	hidden(sb, "card", idbuf);
	hidden(sb, "type", type);
	if (criterion)
		hidden(sb, "criterion", criterion);
	form_error(sb, mine, AF_TOUCH);
	strbuf_addstr(sb, "<div class=\"row\">\n");
	input(sb, mine, AF_TOUCH, "date", "on", id, "Sent on",
	      today_text(rq, today), " required");
	channel = kept(mine, AF_TOUCH, "channel");
	strbuf_addf(sb, "<div><label for=\"%s\">Channel</label>\n<select "
		    "id=\"%s\" name=\"channel\">\n", chan_id, chan_id);
	for (size_t i = 0; i < ARRAY_SIZE(channels); i++)
		strbuf_addf(sb, "<option%s>%s</option>\n",
			    channel && !strcmp(channel, channels[i])
				    ? " selected" : "",
			    channels[i]);
	strbuf_addstr(sb, "</select></div>\n<div><button type=\"submit\" "
		      "class=\"secondary\">Log as sent</button></div>\n"
		      "</div>\n</form>\n");
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

/* The deal's share links, and the forms that make and revoke them. */
void
actions_shares(struct strbuf *sb, struct http_request *rq,
	       const struct deal *d, const struct action_view *av)
{
	static const char *const cols[] = { "Link", "Expires", "Status",
		"Created", NULL };
	struct store_share_list l;
	struct tw_error err = { 0 };
	bool edit = page_can_edit(rq);

	strbuf_addstr(sb, "<h2 id=\"shares\">Share links</h2>\n<p class=\"hint"
		      "\">A share link opens a read-only page of the plan for "
		      "the champion, without logging in.</p>\n");
	form_error(sb, av, AF_REVOKE);
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
				"Revoke", NULL });
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
	form_error(sb, av, AF_SHARE);
	strbuf_addstr(sb, "<div class=\"row\">\n");
	input(sb, av, AF_SHARE, "date", "expires", "share-expires",
	      "Works through (optional)", NULL, NULL);
	strbuf_addstr(sb, "<div><button type=\"submit\">Make a link</button>"
		      "</div>\n</div>\n</form>\n");
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

/* A cursor: a history row's number; false for anything else. */
static bool
parse_cursor(const char *s, long long *out)
{
	char *end;

	*out = 0;
	if (!s)
		return true;
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return false;
	*out = strtoll(s, &end, 10);
	return *out > 0;
}

void
pages_history(struct http_request *rq, struct http_response *rs)
{
	const char *slug = http_param(rq, "slug");
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct history_list l;
	struct deal d;
	long long before;
	bool more;
	int r;

	if (!parse_cursor(http_params_get(&rq->query, "cursor"), &before)) {
		page_error(rq, rs, 400, "cursor must be a change's number, "
			   "as the \"Older changes\" link gives it");
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
		strbuf_addf(&sb, "%lld\">Older changes</a>",
			    l.items[l.n - 1].id);
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
		   parse_cursor(key, &id) && id) {
		share_made(sb, rq, id);
	} else if (!strcmp(did, "revoked") && key &&
		   parse_cursor(key, &id) && id) {
		notice_open(sb);
		strbuf_addf(sb, "Share link %lld revoked: it no longer opens."
			    "</p>\n", id);
	}
}

/* ---- the posts ----------------------------------------------------------- */

/* The input a verb's "--name: ..." message is about, per form. */
static const char *
message_field(const char *msg, const char *const *names, const char **text)
{
	for (; names && *names; names++) {
		size_t n = strlen(*names);

		if (!strncmp(msg, "--", 2) && !strncmp(msg + 2, *names, n) &&
		    !strncmp(msg + 2 + n, ": ", 2)) {
			*text = msg + 4 + n;
			return *names;
		}
	}
	*text = msg;
	return NULL;
}

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
	struct action_view av = { f, NULL, NULL, &rq->form, NULL };
	const char *slug = http_param(rq, "slug");
	struct strbuf loc = STRBUF_INIT;

	if (r == TW_EINPUT || (r == TW_ENOTFOUND && f != AF_NONE)) {
		av.field = message_field(err->msg, names, &av.message);
		if (!av.field)
			av.field = field;
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

/* A date input: empty is none, else it must parse. */
static int
form_date(const struct http_request *rq, const char *name, tw_date *out,
	  struct tw_error *err)
{
	const char *s = http_params_get(&rq->form, name);

	*out = DATE_NONE;
	if (!s || !*s)
		return 0;
	return date_parse(s, out, err);
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
	if ((r = form_date(rq, "on", &c.on, &err)) == 0) {
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
	if ((r = form_date(rq, "on", &c.on, &err)) == 0) {
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
	if ((r = form_date(rq, "until", &c.until, &err)) == 0) {
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
		if ((r = form_date(rq, "until", &c.until, &err)) == 0)
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
		if ((r = form_date(rq, "close_date", &c.on, &err)) == 0)
			r = page_run_verb(rq, &c, NULL, &err);
	}
	answer(rq, rs, r, &err, AF_CLOSE, field, NULL, "closed", NULL, "main");
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
	if ((r = form_date(rq, "expires", &expires, &err)) == 0 &&
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
		r = auth_share_revoke(rq->st, http_param(rq, "slug"), id, &err);
	answer(rq, rs, r, &err, AF_REVOKE, NULL, NULL, "revoked", text,
	       "shares");
}
