/*
 * The workspace's pages: /settings (the momentum settings, the workspace's
 * holidays and playbook; anyone may read them, an admin changes them) and /users (admins: users and API tokens). Every form
 * calls the function the CLI calls (workspace_setting_set and
 * workspace_add/remove_holidays and workspace_playbook_set as techwin
 * config; auth_user_* as techwin
 * user; auth_token_add and store_token_delete as techwin token), so a
 * change is refused with the same message and recorded in the history the
 * same way. A refused form comes back as a 422 with the input kept and the
 * message at its field; a done one is a 303 to the page, except a new API
 * token, whose value is shown on the answer itself, once.
 */
#include "web/pages-internal.h"
#include "core/commercial.h"
#include "store/workspace.h"

#include <stdlib.h>
#include <string.h>

/* The settings the momentum form edits: every key but the holidays. */
#define NSET 8

/*
 * The settings the form edits: not the holidays (their own section), nor
 * the brand (brand.logo is a file: techwin config set), nor where alerts
 * go (techwin notify).
 */
static bool
form_key(const char *key)
{
	return strcmp(key, "holidays") && strncmp(key, "brand.", 6) &&
	       strncmp(key, "notify.", 7);
}

struct settings_view {
	unsigned status;
	const char *val[NSET];		/* the form's values, to keep */
	char *err[NSET];		/* a refused value's message */
	const char *day;		/* the holiday form's value */
	const char *day_err;
	const char *notice;		/* what was done (from the query) */
	struct page_form *step;		/* the refused "Add a step" form */
};

/* Where one message for a field goes: after its input, tied to it. */
static void
field_error(struct strbuf *sb, const char *id, const char *msg)
{
	if (!msg)
		return;
	strbuf_addf(sb, "<p class=\"notice error\" id=\"%s-error\">", id);
	html_escape(sb, msg);
	strbuf_addstr(sb, "</p>\n");
}

/* The attributes of an input with an error: invalid, described by it. */
static void
field_invalid(struct strbuf *sb, const char *id, const char *msg)
{
	if (msg)
		strbuf_addf(sb, " aria-invalid=\"true\" "
			    "aria-describedby=\"%s-error\"", id);
}

static void
value_attr(struct strbuf *sb, const char *v)
{
	if (!v || !*v)
		return;
	strbuf_addstr(sb, " value=\"");
	html_escape(sb, v);
	strbuf_addch(sb, '"');
}

/* "momentum.max_gap" as an id: "set-momentum-max_gap". */
static void
setting_id(char *buf, size_t size, const char *key)
{
	snprintf(buf, size, "set-%s", key);
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '-';
}

static bool
is_admin(const struct http_request *rq)
{
	return rq->authed && rq->who.role >= ROLE_ADMIN;
}

static void
notice_ok(struct strbuf *sb, const char *text)
{
	if (!text)
		return;
	strbuf_addstr(sb, "<p class=\"notice ok\" role=\"status\">");
	html_escape(sb, text);
	strbuf_addstr(sb, "</p>\n");
}

/* ---- /settings ------------------------------------------------------ */

static void
settings_momentum(struct strbuf *sb, const struct http_request *rq,
		  const struct settings_view *v)
{
	static const char *const cols[] = { "Setting", "Value", "Source",
					    NULL };
	struct tw_error err = { 0 };
	bool admin = is_admin(rq);
	size_t k = 0;

	strbuf_addstr(sb, "<h2 id=\"momentum\">Momentum</h2>\n"
		      "<p class=\"hint\">How check counts momentum for every "
		      "deal (techwin config). An empty value is the "
		      "default.</p>\n");
	if (!admin)
		page_table_open(sb, NULL, cols);
	else {
		strbuf_addstr(sb, "<form method=\"post\" action=\"/settings\" "
			      "class=\"panel\" id=\"settings-form\" "
			      "novalidate>\n");
		page_csrf_field(sb, &rq->who);
		strbuf_addstr(sb, "<div class=\"row\">\n");
	}
	for (size_t i = 0; setting_defs[i].key && k < NSET; i++) {
		const struct setting_def *def = &setting_defs[i];
		char id[64], *stored = NULL;
		const char *shown;

		if (!form_key(def->key))
			continue;
		if (store_setting_get(rq->st, def->key, &stored, &err) < 0)
			stored = NULL;
		shown = v->status == 422 ? v->val[k] : stored;
		setting_id(id, sizeof(id), def->key);
		if (!admin) {
			strbuf_addstr(sb, "<tr>");
			page_td(sb, "Setting", NULL, def->key);
			page_td(sb, "Value", NULL, stored ? stored : def->def);
			page_td(sb, "Source", NULL, stored ? "set" : "default");
			strbuf_addstr(sb, "</tr>\n");
		} else {
			strbuf_addf(sb, "<div><label for=\"%s\">", id);
			html_escape(sb, def->key);
			strbuf_addf(sb, "</label>\n<input id=\"%s\" name=\"", id);
			html_escape(sb, def->key);
			strbuf_addstr(sb, "\" inputmode=\"decimal\"");
			value_attr(sb, shown);
			if (*def->def) {
				strbuf_addstr(sb, " placeholder=\"default ");
				html_escape(sb, def->def);
				strbuf_addch(sb, '"');
			}
			field_invalid(sb, id, v->err[k]);
			strbuf_addstr(sb, ">\n");
			field_error(sb, id, v->err[k]);
			strbuf_addstr(sb, "</div>\n");
		}
		free(stored);
		k++;
	}
	if (!admin)
		page_table_close(sb);
	else
		strbuf_addstr(sb, "<div><button type=\"submit\">Save settings"
			      "</button></div>\n</div>\n</form>\n");
}

static void
settings_holidays(struct strbuf *sb, const struct http_request *rq,
		  const struct workspace *ws, const struct settings_view *v)
{
	bool admin = is_admin(rq);
	char buf[DATE_BUFSZ];

	strbuf_addstr(sb, "<h2 id=\"holidays\">Holidays</h2>\n"
		      "<p class=\"hint\">Business days skip weekends, these "
		      "days and each deal's own holidays.</p>\n");
	if (!ws->nholidays)
		strbuf_addstr(sb, "<p class=\"empty\">No workspace holidays."
			      "</p>\n");
	else
		strbuf_addstr(sb, "<ul class=\"holidays\">\n");
	for (size_t i = 0; i < ws->nholidays; i++) {
		date_format(ws->holidays[i], buf);
		strbuf_addstr(sb, "<li>");
		page_add_day(sb, ws->holidays[i]);
		if (admin) {
			strbuf_addstr(sb, " <form method=\"post\" action=\""
				      "/settings/holidays/remove\" "
				      "class=\"inline\">");
			page_csrf_field(sb, &rq->who);
			strbuf_addf(sb, "<input type=\"hidden\" name=\"day\" "
				    "value=\"%s\"><button type=\"submit\" "
				    "class=\"secondary\" aria-label=\"Remove "
				    "the holiday %s\">Remove</button></form>",
				    buf, buf);
		}
		strbuf_addstr(sb, "</li>\n");
	}
	if (ws->nholidays)
		strbuf_addstr(sb, "</ul>\n");
	if (!admin)
		return;
	strbuf_addstr(sb, "<form method=\"post\" action=\"/settings/holidays\" "
		      "class=\"panel\" id=\"holiday-form\" novalidate>\n"
		      "<h3>Add a holiday</h3>\n");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"h-day\">Day"
		      "</label>\n<input id=\"h-day\" name=\"day\" "
		      "type=\"date\"");
	if (page_input_holds("date", v->day))
		value_attr(sb, v->day);
	field_invalid(sb, "h-day", v->day_err);
	strbuf_addstr(sb, ">\n");
	field_error(sb, "h-day", v->day_err);
	strbuf_addstr(sb, "</div>\n<div><button type=\"submit\">Add</button>"
		      "</div>\n</div>\n</form>\n");
	/* from an .ics file (pages-import.c) */
	pages_ics_form(sb, rq, NULL, NULL);
}

/* Step n (1-based) of the playbook in effect: "/settings/playbook/N/..." */
static void
step_path(struct strbuf *sb, size_t n, const char *what)
{
	strbuf_addf(sb, "/settings/playbook/%zu/%s", n, what);
}

static void
settings_playbook(struct strbuf *sb, const struct http_request *rq,
		  const struct workspace *ws, const struct settings_view *v)
{
	static const char *const cols[] = { "#No.", "Step", "#Business days "
					    "after the win", "Kind", "Key",
					    "Owner", NULL };
	static const char *const admin_cols[] = { "#No.", "Step",
		"#Business days after the win", "Kind", "Key", "Owner",
		"Change", NULL };
	struct page_form fm = { "add-step", NULL, NULL, NULL };
	bool admin = is_admin(rq), set;
	const struct step *st;
	size_t n;

	st = workspace_playbook(ws, &n, &set);
	strbuf_addstr(sb, "<h2 id=\"playbook\">Playbook</h2>\n"
		      "<p class=\"hint\">The commercial steps planned after "
		      "a technical win for every deal without a playbook of "
		      "its own (a deal's playbook is part of its plan file). ");
	strbuf_addstr(sb, set ? "These are the workspace's.</p>\n"
			      : "These are the built-in default: the "
				"workspace has none of its own yet.</p>\n");
	page_table_open(sb, NULL, admin ? admin_cols : cols);
	for (size_t i = 0; i < n; i++) {
		struct strbuf off = STRBUF_INIT, num = STRBUF_INIT;

		strbuf_addf(&num, "%zu", i + 1);
		strbuf_addf(&off, "+%d%s", st[i].offset,
			    st[i].plus_procurement ? " plus procurement" : "");
		strbuf_addstr(sb, "<tr>");
		page_td(sb, "No.", "num", num.buf);
		page_td(sb, "Step", "wide", st[i].title);
		page_td(sb, "Business days after the win", "num", off.buf);
		page_td(sb, "Kind", NULL, event_kind_name(st[i].kind));
		page_td(sb, "Key", NULL, st[i].key);
		page_td(sb, "Owner", NULL, st[i].owner);
		if (admin) {
			page_td_open(sb, "Change", "nowrap");
			strbuf_addstr(sb, "<a href=\"");
			step_path(sb, i + 1, "edit");
			strbuf_addf(sb, "\" aria-label=\"Edit step %zu\">Edit"
				    "</a> <a href=\"", i + 1);
			step_path(sb, i + 1, "remove");
			strbuf_addf(sb, "\" aria-label=\"Remove step %zu\">"
				    "Remove&hellip;</a></td>", i + 1);
		}
		strbuf_addstr(sb, "</tr>\n");
		strbuf_release(&off);
		strbuf_release(&num);
	}
	page_table_close(sb);
	if (!admin)
		return;
	if (set)
		strbuf_addstr(sb, "<p><a class=\"button secondary\" "
			      "href=\"/settings/playbook/reset\">Reset to the "
			      "built-in default&hellip;</a></p>\n");
	if (v->step)
		fm = *v->step;
	page_form_open_as(sb, rq, "/settings/playbook", "playbook-form",
			  "panel");
	strbuf_addstr(sb, "<h3>Add a step</h3>\n");
	page_form_summary(sb, &fm, "The step");
	page_form_fields(sb, &fm, &schema_tables[T_STEP], NULL, FORM_CREATE);
	page_form_close(sb, "Add step", NULL);
}

static void
render_settings(struct http_request *rq, struct http_response *rs,
		struct settings_view *v)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct workspace ws;
	int r;

	if ((r = workspace_load(rq->st, &ws, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	page_begin(&sb, rq, "Settings", NAV_SETTINGS);
	strbuf_addstr(&sb, "<h1>Settings</h1>\n");
	if (!is_admin(rq))
		strbuf_addstr(&sb, "<p class=\"sub\">Read only: an admin "
			      "changes the settings.</p>\n");
	notice_ok(&sb, v->notice);
	settings_momentum(&sb, rq, v);
	settings_holidays(&sb, rq, &ws, v);
	settings_playbook(&sb, rq, &ws, v);
	page_end(&sb);
	page_send(rs, v->status, &sb);
	workspace_release(&ws);
}

static void
settings_view_release(struct settings_view *v)
{
	for (size_t i = 0; i < NSET; i++)
		free(v->err[i]);
}

/* What the query of a 303 says was done. */
static const char *
settings_notice(const struct http_request *rq, struct strbuf *sb)
{
	const char *q;

	if (http_params_get(&rq->query, "saved"))
		return "Settings saved.";
	if ((q = http_params_get(&rq->query, "playbook")))
		return !strcmp(q, "added")     ? "Step added to the playbook."
		       : !strcmp(q, "changed") ? "Playbook step changed."
		       : !strcmp(q, "removed") ? "Playbook step removed."
		       : !strcmp(q, "reset")   ? "The playbook is the "
						 "built-in default again."
					       : NULL;
	if ((q = http_params_get(&rq->query, "added")))
		strbuf_addf(sb, "%s holiday%s added.", q, strcmp(q, "1") ? "s"
									 : "");
	else if ((q = http_params_get(&rq->query, "removed")))
		strbuf_addf(sb, "%s holiday%s removed.", q,
			    strcmp(q, "1") ? "s" : "");
	return sb->len ? sb->buf : NULL;
}

void
pages_settings(struct http_request *rq, struct http_response *rs)
{
	struct settings_view v = { .status = 200 };
	struct strbuf note = STRBUF_INIT;

	v.notice = settings_notice(rq, &note);
	render_settings(rq, rs, &v);
	strbuf_release(&note);
}

/*
 * Every field is checked first, so each refused one gets its message;
 * then all are set in one transaction, through the function config set
 * calls. A setting left as it was is no change and no history row.
 */
void
pages_settings_post(struct http_request *rq, struct http_response *rs)
{
	struct settings_view v = { .status = 422 };
	struct tw_error err = { 0 };
	const char *key[NSET];
	size_t n = 0;
	bool bad = false;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	for (size_t i = 0; setting_defs[i].key && n < NSET; i++) {
		const struct setting_def *def = &setting_defs[i];
		char *canon = NULL;

		if (!form_key(def->key))
			continue;
		key[n] = def->key;
		v.val[n] = http_params_get(&rq->form, def->key);
		if (v.val[n] && *v.val[n] &&
		    def->parse(v.val[n], &canon, &err) < 0) {
			v.err[n] = xstrdup(err.msg);
			bad = true;
		}
		free(canon);
		n++;
	}
	if (bad) {
		render_settings(rq, rs, &v);
		settings_view_release(&v);
		return;
	}
	r = store_begin(rq->st, &err);
	for (size_t i = 0; i < n && r == 0; i++)
		if (v.val[i])
			r = workspace_setting_set(rq->st, key[i],
						  *v.val[i] ? v.val[i] : NULL,
						  NULL, &err);
	if (r == 0)
		r = store_commit(rq->st, &err);
	else
		store_rollback(rq->st);
	if (r < 0)
		page_fail(rq, rs, r, &err);
	else
		http_redirect(rs, 303, "/settings?saved=1#momentum");
	settings_view_release(&v);
}

/* POST /settings/holidays and /settings/holidays/remove: one day. */
static void
holiday_post(struct http_request *rq, struct http_response *rs, bool add)
{
	struct settings_view v = { .status = 422 };
	struct strbuf loc = STRBUF_INIT;
	struct tw_error err = { 0 };
	size_t changed = 0;
	tw_date day;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	v.day = http_params_get(&rq->form, "day");
	if (!v.day || !*v.day)
		r = tw_error_set(&err, TW_EINPUT, "enter a day (YYYY-MM-DD)");
	else
		r = date_parse(v.day, &day, &err);
	if (r == 0 && add)
		r = workspace_add_holidays(rq->st, &day, 1, &changed, &err);
	else if (r == 0)
		r = workspace_remove_holidays(rq->st, &day, 1, &changed, &err);
	if (r == TW_EINPUT || r == TW_EUSAGE) {
		v.day_err = err.msg;
		render_settings(rq, rs, &v);
		return;
	}
	if (r < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	strbuf_addf(&loc, "/settings?%s=%zu#holidays",
		    add ? "added" : "removed", changed);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

void
pages_holiday_add_post(struct http_request *rq, struct http_response *rs)
{
	holiday_post(rq, rs, true);
}

void
pages_holiday_remove_post(struct http_request *rq, struct http_response *rs)
{
	holiday_post(rq, rs, false);
}

/* ---- the playbook (/settings/playbook) ------------------------------ */

/* A step's number in a route: 1 or more, else 0. */
static size_t
step_number(const char *text)
{
	char *end;
	unsigned long n;

	if (!text || *text < '1' || *text > '9')
		return 0;
	n = strtoul(text, &end, 10);
	return *end || n > 1000000 ? 0 : n;
}

/*
 * The playbook in effect into pb's (a scratch deal's): the workspace's,
 * else the built-in default, which the first change makes the
 * workspace's. *n of the route's step number (0: none) is checked.
 */
static int
steps_load(struct http_request *rq, struct deal *pb, size_t *n,
	   struct tw_error *err)
{
	const struct step *st;
	struct workspace ws;
	struct step *copy;
	size_t count;
	bool set;
	int r;

	deal_init(pb);
	if ((r = workspace_load(rq->st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	st = workspace_playbook(&ws, &count, &set);
	copy = playbook_copy(st, count);
	for (size_t i = 0; i < count; i++)
		*deal_add_step(pb) = copy[i];
	free(copy);
	workspace_release(&ws);
	if (n && (*n = step_number(http_param(rq, "n"))) == 0)
		return tw_error_set(err, TW_ENOTFOUND, "no step %s in the "
				    "playbook", http_param(rq, "n"));
	if (n && *n > pb->nplaybook)
		return tw_error_set(err, TW_ENOTFOUND, "no step %zu in the "
				    "playbook (it has %zu)", *n,
				    pb->nplaybook);
	return 0;
}

/* The step page: edit step n, with fm's input and refusal. */
static void
step_page(struct http_request *rq, struct http_response *rs, unsigned status,
	  struct page_form *fm)
{
	struct strbuf sb = STRBUF_INIT, action = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal pb;
	size_t n;
	int r;

	if ((r = steps_load(rq, &pb, &n, &err)) < 0) {
		deal_release(&pb);
		page_fail(rq, rs, r, &err);
		return;
	}
	page_begin(&sb, rq, "Edit a playbook step", NAV_SETTINGS);
	strbuf_addf(&sb, "<h1>Edit playbook step %zu</h1>\n", n);
	page_form_summary(&sb, fm, "The step");
	step_path(&action, n, "edit");
	page_form_open_as(&sb, rq, action.buf, "step-form", "panel");
	page_form_fields(&sb, fm, &schema_tables[T_STEP], &pb.playbook[n - 1],
			 FORM_EDIT);
	page_form_close(&sb, "Save step", "/settings#playbook");
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&action);
	deal_release(&pb);
}

void
pages_step_edit(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "step", NULL, NULL, NULL };

	step_page(rq, rs, 200, &fm);
}

/*
 * Add a step (n 0) or change step n: the posted fields read as the deal
 * forms read them, then the whole playbook set through the function
 * config playbook set calls, in one transaction with the read. FORM_DONE,
 * FORM_REFUSED (fm holds the message and the input at fault) or
 * FORM_FAILED (err).
 */
static enum page_form_outcome
step_change(struct http_request *rq, bool at_step, bool remove,
	    struct page_form *fm, struct tw_error *err)
{
	size_t n = 0;
	const struct schema_table *tb = &schema_tables[T_STEP];
	struct validation_site site = { ENT_STEP, 0, NULL };
	const struct field *off = schema_field(tb, "offset", false);
	struct verb_call c;
	struct step *s;
	struct deal pb;
	int r;

	verb_call_init(&c, at_step ? V_SET : V_ADD, tb);
	if ((r = store_begin(rq->st, err)) < 0) {
		verb_call_release(&c);
		return FORM_FAILED;
	}
	r = steps_load(rq, &pb, at_step ? &n : NULL, err);
	if (r == 0 && !remove)
		r = page_form_give(rq, &c, n ? FORM_EDIT : FORM_CREATE, fm,
				   err);
	if (r == 0 && !n && !verb_given(&c, off)) {
		fm->error_field = "offset";
		r = tw_error_set(err, TW_EINPUT, "a playbook step needs an "
				 "offset (business days after the technical "
				 "win)");
	}
	if (r == 0 && remove) {
		schema_release(tb, &pb.playbook[n - 1]);
		memmove(&pb.playbook[n - 1], &pb.playbook[n],
			(pb.nplaybook - n) * sizeof(*pb.playbook));
		pb.nplaybook--;
	} else if (r == 0) {
		s = n ? &pb.playbook[n - 1] : deal_add_step(&pb);
		if (!n)		/* the plan file's default */
			s->kind = EVENT_COMMERCIAL;
		for (size_t i = 0; i < tb->nfields; i++)
			if (verb_given(&c, &tb->fields[i]))
				field_copy(&tb->fields[i], s, c.vals);
	}
	if (r == 0 && remove && !pb.nplaybook)
		r = tw_error_set(err, TW_EINPUT, "the playbook needs one step "
				 "or more: reset it to go back to the built-in "
				 "default");
	if (r == 0)
		r = workspace_playbook_set(rq->st, pb.playbook, pb.nplaybook,
					   &site, err);
	if (r == 0)
		r = store_commit(rq->st, err);
	else
		store_rollback(rq->st);
	deal_release(&pb);
	/* The message outlives c: it is err's. */
	if (r < 0 && page_form_refused(fm, &c, r, &site, err)) {
		fm->error = err->msg;
		verb_call_release(&c);
		return FORM_REFUSED;
	}
	verb_call_release(&c);
	return r < 0 ? FORM_FAILED : FORM_DONE;
}

void
pages_step_add_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "add-step", NULL, NULL, NULL };
	struct settings_view v = { .status = 422, .step = &fm };
	struct tw_error err = { 0 };

	if (!http_parse_form(rq, rs))
		return;
	switch (step_change(rq, false, false, &fm, &err)) {
	case FORM_DONE:
		http_redirect(rs, 303, "/settings?playbook=added#playbook");
		break;
	case FORM_REFUSED:
		fm.input = &rq->form;
		render_settings(rq, rs, &v);
		break;
	case FORM_FAILED:
		page_fail(rq, rs, err.code, &err);
		break;
	}
}

void
pages_step_edit_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "step", NULL, NULL, NULL };
	struct tw_error err = { 0 };
	if (!http_parse_form(rq, rs))
		return;
	switch (step_change(rq, true, false, &fm, &err)) {
	case FORM_DONE:
		http_redirect(rs, 303, "/settings?playbook=changed#playbook");
		break;
	case FORM_REFUSED:
		fm.input = &rq->form;
		step_page(rq, rs, 422, &fm);
		break;
	case FORM_FAILED:
		page_fail(rq, rs, err.code, &err);
		break;
	}
}

/*
 * GET /settings/playbook/{n}/remove and /settings/playbook/reset: what
 * goes, and the button (n 0: the reset).
 */
static void
step_confirm_page(struct http_request *rq, struct http_response *rs,
		  unsigned status, const char *error)
{
	struct strbuf sb = STRBUF_INIT, action = STRBUF_INIT;
	struct tw_error err = { 0 };
	bool reset = !http_param(rq, "n");
	struct deal pb;
	size_t n = 0;
	int r;

	if ((r = steps_load(rq, &pb, reset ? NULL : &n, &err)) < 0) {
		deal_release(&pb);
		page_fail(rq, rs, r, &err);
		return;
	}
	page_begin(&sb, rq, reset ? "Reset the playbook"
				  : "Remove a playbook step", NAV_SETTINGS);
	if (reset) {
		strbuf_addstr(&sb, "<h1>Reset the playbook?</h1>\n<p>The "
			      "workspace's steps go, and every deal without "
			      "a playbook of its own is planned with the "
			      "built-in default again.</p>\n");
		strbuf_addstr(&action, "/settings/playbook/reset");
	} else {
		strbuf_addf(&sb, "<h1>Remove playbook step %zu?</h1>\n<p>", n);
		html_escape(&sb, pb.playbook[n - 1].title);
		strbuf_addstr(&sb, " goes from the playbook of every deal "
			      "without one of its own; events already made of "
			      "it stay.</p>\n");
		step_path(&action, n, "remove");
	}
	if (error) {
		strbuf_addstr(&sb, "<p class=\"notice error\" role=\"alert\">");
		html_escape(&sb, error);
		strbuf_addstr(&sb, "</p>\n");
	}
	page_form_open_as(&sb, rq, action.buf, NULL, "links");
	strbuf_addf(&sb, "<button type=\"submit\">%s</button> <a "
		    "class=\"button secondary\" href=\"/settings#playbook\">"
		    "Cancel</a></form>\n", reset ? "Reset" : "Remove step");
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&action);
	deal_release(&pb);
}

void
pages_step_remove(struct http_request *rq, struct http_response *rs)
{
	step_confirm_page(rq, rs, 200, NULL);
}

void
pages_step_remove_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "remove", NULL, NULL, NULL };
	struct tw_error err = { 0 };
	if (!http_parse_form(rq, rs))
		return;
	switch (step_change(rq, true, true, &fm, &err)) {
	case FORM_DONE:
		http_redirect(rs, 303, "/settings?playbook=removed#playbook");
		break;
	case FORM_REFUSED:
		step_confirm_page(rq, rs, 422, err.msg);
		break;
	case FORM_FAILED:
		page_fail(rq, rs, err.code, &err);
		break;
	}
}

void
pages_playbook_reset(struct http_request *rq, struct http_response *rs)
{
	step_confirm_page(rq, rs, 200, NULL);
}

void
pages_playbook_reset_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	int r;

	if (!http_parse_form(rq, rs))
		return;
	if ((r = workspace_playbook_set(rq->st, NULL, 0, NULL, &err)) < 0)
		page_fail(rq, rs, r, &err);
	else
		http_redirect(rs, 303, "/settings?playbook=reset#playbook");
}

/* ---- /users --------------------------------------------------------- */

/* The form that was refused, its input and its message. */
struct users_view {
	unsigned status;
	const char *form;	/* "add", "role", "password", "token" */
	const char *user;	/* the row of a role or password form */
	const char *name, *role, *token_user;
	const char *field;	/* the field at fault */
	const char *error;
	const char *notice;
	const char *new_token;	/* shown once */
	const char *new_token_name;
};

static bool
at(const struct users_view *v, const char *form, const char *field)
{
	return v->error && v->form && !strcmp(v->form, form) && v->field &&
	       !strcmp(v->field, field);
}

static void
role_select(struct strbuf *sb, const char *id, const char *selected)
{
	static const char *const roles[] = { "viewer", "editor", "admin" };

	strbuf_addf(sb, "<select id=\"%s\" name=\"role\">\n", id);
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		strbuf_addf(sb, "<option%s>%s</option>\n",
			    selected && !strcmp(selected, roles[i])
				    ? " selected" : "",
			    roles[i]);
	strbuf_addstr(sb, "</select>\n");
}

/* One user's row: its role form, its password form, its removal link. */
static void
user_row(struct strbuf *sb, const struct http_request *rq,
	 const struct store_user *u, size_t ntokens,
	 const struct users_view *v)
{
	bool mine = v->user && !strcmp(v->user, u->name);
	struct strbuf id = STRBUF_INIT;
	const char *msg;

	strbuf_addstr(sb, "<tr>");
	page_td(sb, "User", "wide", u->name);
	page_td_open(sb, "Role", NULL);
	strbuf_addstr(sb, "<form method=\"post\" action=\"/users/");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "/role\" class=\"row\">");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(&id, "role-");
	html_escape(&id, u->name);
	strbuf_addstr(sb, "<div><label for=\"");
	strbuf_add(sb, id.buf, id.len);
	strbuf_addstr(sb, "\">Role of ");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "</label>\n");
	role_select(sb, id.buf, mine && at(v, "role", "role") ? v->role
							       : u->role);
	msg = mine && at(v, "role", "role") ? v->error : NULL;
	field_error(sb, id.buf, msg);
	strbuf_addstr(sb, "</div><div><button type=\"submit\" "
		      "class=\"secondary\">Change role</button></div></form>"
		      "</td>");
	strbuf_reset(&id);
	strbuf_addstr(&id, "pw-");
	html_escape(&id, u->name);
	page_td_open(sb, "Password", NULL);
	strbuf_addstr(sb, "<form method=\"post\" action=\"/users/");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "/password\" class=\"row\">");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div><label for=\"");
	strbuf_add(sb, id.buf, id.len);
	strbuf_addstr(sb, "\">New password for ");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "</label>\n<input type=\"password\" id=\"");
	strbuf_add(sb, id.buf, id.len);
	strbuf_addstr(sb, "\" name=\"password\" autocomplete=\"new-password\""
		      " minlength=\"8\"");
	msg = mine && at(v, "password", "password") ? v->error : NULL;
	field_invalid(sb, id.buf, msg);
	strbuf_addstr(sb, ">\n");
	field_error(sb, id.buf, msg);
	strbuf_addf(sb, "<small>Signs the user out and revokes its %zu API "
		    "token%s.</small></div><div><button type=\"submit\" "
		    "class=\"secondary\">Reset password</button></div>"
		    "</form></td>", ntokens, ntokens == 1 ? "" : "s");
	page_td(sb, "Created", "nowrap", u->created);
	page_td_open(sb, "Remove", NULL);
	strbuf_addstr(sb, "<a href=\"/users/");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "/remove\">Remove ");
	html_escape(sb, u->name);
	strbuf_addstr(sb, "&hellip;</a></td></tr>\n");
	strbuf_release(&id);
}

static void
add_user_form(struct strbuf *sb, const struct http_request *rq,
	      const struct users_view *v)
{
	bool mine = v->form && !strcmp(v->form, "add");

	strbuf_addstr(sb, "<form method=\"post\" action=\"/users\" "
		      "class=\"panel\" id=\"add-user\" novalidate>\n"
		      "<h3>Add a user</h3>\n");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"u-name\">"
		      "Name</label>\n<input id=\"u-name\" name=\"name\" "
		      "autocomplete=\"off\" maxlength=\"64\"");
	if (mine)
		value_attr(sb, v->name);
	field_invalid(sb, "u-name", at(v, "add", "name") ? v->error : NULL);
	strbuf_addstr(sb, ">\n");
	field_error(sb, "u-name", at(v, "add", "name") ? v->error : NULL);
	strbuf_addstr(sb, "</div>\n<div><label for=\"u-role\">Role</label>\n");
	role_select(sb, "u-role", mine ? v->role : "viewer");
	field_error(sb, "u-role", at(v, "add", "role") ? v->error : NULL);
	strbuf_addstr(sb, "</div>\n<div><label for=\"u-password\">Password"
		      "</label>\n<input id=\"u-password\" name=\"password\" "
		      "type=\"password\" autocomplete=\"new-password\" "
		      "minlength=\"8\"");
	field_invalid(sb, "u-password",
		      at(v, "add", "password") ? v->error : NULL);
	strbuf_addstr(sb, ">\n");
	field_error(sb, "u-password",
		    at(v, "add", "password") ? v->error : NULL);
	strbuf_addstr(sb, "<small>At least 8 characters.</small></div>\n"
		      "<div><button type=\"submit\">Add user</button></div>\n"
		      "</div>\n</form>\n");
}

static void
tokens_section(struct strbuf *sb, const struct http_request *rq,
	       const struct store_user_list *ul,
	       const struct store_token_list *tl, const struct users_view *v)
{
	static const char *const cols[] = { "Token", "User", "Created",
					    "Revoke", NULL };
	bool mine = v->form && !strcmp(v->form, "token");

	strbuf_addstr(sb, "<h2 id=\"tokens\">API tokens</h2>\n<p class=\"hint\">"
		      "A token acts as its user for scripts and calendar "
		      "apps (Authorization: Bearer). techwin keeps only its "
		      "hash: it is shown once, when it is made.</p>\n");
	if (v->new_token) {
		strbuf_addstr(sb, "<div class=\"panel\" id=\"new-token-panel\">"
			      "<p class=\"notice ok\" role=\"status\">Token "
			      "&lsquo;");
		html_escape(sb, v->new_token_name);
		strbuf_addstr(sb, "&rsquo; made. Copy it now: it is not shown "
			      "again.</p>\n<label for=\"new-token\">The new "
			      "token</label>\n<input id=\"new-token\" "
			      "readonly size=\"44\" value=\"");
		html_escape(sb, v->new_token);
		strbuf_addstr(sb, "\">\n<button type=\"button\" "
			      "class=\"secondary\" data-copy=\"new-token\">"
			      "Copy</button><span class=\"copied\" "
			      "id=\"new-token-status\" role=\"status\">"
			      "</span></div>\n");
	}
	if (!tl->n) {
		strbuf_addstr(sb, "<p class=\"empty\">No API tokens.</p>\n");
	} else {
		page_table_open(sb, NULL, cols);
		for (size_t i = 0; i < tl->n; i++) {
			const struct store_token *t = &tl->items[i];

			strbuf_addstr(sb, "<tr>");
			page_td(sb, "Token", "wide", t->name);
			page_td(sb, "User", NULL, t->user);
			page_td(sb, "Created", "nowrap", t->created);
			page_td_open(sb, "Revoke", NULL);
			strbuf_addstr(sb, "<form method=\"post\" action=\""
				      "/tokens/");
			html_escape(sb, t->name);
			strbuf_addstr(sb, "/revoke\">");
			page_csrf_field(sb, &rq->who);
			strbuf_addstr(sb, "<button type=\"submit\" "
				      "class=\"secondary\" aria-label=\"Revoke "
				      "the token ");
			html_escape(sb, t->name);
			strbuf_addstr(sb, "\">Revoke</button></form></td></tr>"
				      "\n");
		}
		page_table_close(sb);
	}
	strbuf_addstr(sb, "<form method=\"post\" action=\"/tokens\" "
		      "class=\"panel\" id=\"make-token\" novalidate>\n"
		      "<h3>Make a token</h3>\n");
	page_csrf_field(sb, &rq->who);
	strbuf_addstr(sb, "<div class=\"row\">\n<div><label for=\"t-name\">"
		      "Name</label>\n<input id=\"t-name\" name=\"name\" "
		      "autocomplete=\"off\" maxlength=\"64\"");
	if (mine)
		value_attr(sb, v->name);
	field_invalid(sb, "t-name", at(v, "token", "name") ? v->error : NULL);
	strbuf_addstr(sb, ">\n");
	field_error(sb, "t-name", at(v, "token", "name") ? v->error : NULL);
	strbuf_addstr(sb, "</div>\n<div><label for=\"t-user\">Acts as"
		      "</label>\n<select id=\"t-user\" name=\"user\">\n");
	for (size_t i = 0; i < ul->n; i++) {
		const char *name = ul->items[i].name;

		strbuf_addstr(sb, "<option");
		if (mine && v->token_user && !strcmp(v->token_user, name))
			strbuf_addstr(sb, " selected");
		strbuf_addch(sb, '>');
		html_escape(sb, name);
		strbuf_addstr(sb, "</option>\n");
	}
	strbuf_addstr(sb, "</select>\n");
	field_error(sb, "t-user", at(v, "token", "user") ? v->error : NULL);
	strbuf_addstr(sb, "</div>\n<div><button type=\"submit\">Make token"
		      "</button></div>\n</div>\n</form>\n");
}

static void
render_users(struct http_request *rq, struct http_response *rs,
	     const struct users_view *v)
{
	static const char *const cols[] = { "User", "Role", "Password",
					    "Created", "Remove", NULL };
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct store_user_list ul;
	struct store_token_list tl;
	int r;

	if ((r = store_user_list(rq->st, &ul, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	if ((r = store_token_list(rq->st, &tl, &err)) < 0) {
		store_user_list_release(&ul);
		page_fail(rq, rs, r, &err);
		return;
	}
	page_begin(&sb, rq, "Users", NAV_USERS);
	strbuf_addstr(&sb, "<h1>Users</h1>\n<p class=\"sub\">Who signs in: "
		      "a viewer reads, an editor also changes deals, an admin "
		      "also manages settings and users.</p>\n");
	notice_ok(&sb, v->notice);
	if (v->error && (!v->form || !v->field)) {
		strbuf_addstr(&sb, "<p class=\"notice error\" role=\"alert\">");
		html_escape(&sb, v->error);
		strbuf_addstr(&sb, "</p>\n");
	}
	strbuf_addstr(&sb, "<h2 id=\"accounts\">Accounts</h2>\n");
	page_table_open(&sb, NULL, cols);
	for (size_t i = 0; i < ul.n; i++)
		user_row(&sb, rq, &ul.items[i],
			 store_token_count(&tl, ul.items[i].name), v);
	page_table_close(&sb);
	add_user_form(&sb, rq, v);
	tokens_section(&sb, rq, &ul, &tl, v);
	page_end(&sb);
	page_send(rs, v->status, &sb);
	store_user_list_release(&ul);
	store_token_list_release(&tl);
}

void
pages_users(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 200 };
	struct strbuf note = STRBUF_INIT;
	const char *q;

	if ((q = http_params_get(&rq->query, "added")))
		strbuf_addf(&note, "User '%s' added.", q);
	else if ((q = http_params_get(&rq->query, "role")))
		strbuf_addf(&note, "User '%s' has a new role.", q);
	else if ((q = http_params_get(&rq->query, "password")))
		strbuf_addf(&note, "The password of '%s' is reset; it is "
			    "signed out.", q);
	else if ((q = http_params_get(&rq->query, "removed")))
		strbuf_addf(&note, "User '%s' removed.", q);
	else if ((q = http_params_get(&rq->query, "revoked")))
		strbuf_addf(&note, "Token '%s' revoked.", q);
	v.notice = note.len ? note.buf : NULL;
	render_users(rq, rs, &v);
	strbuf_release(&note);
}

/*
 * A refused form: bad input (422) or an unknown user or token (404) comes
 * back as the page with the message at the field; anything else is an
 * error page.
 */
static void
users_refused(struct http_request *rq, struct http_response *rs, int r,
	      struct users_view *v, const struct tw_error *err)
{
	if (r == TW_EINPUT || r == TW_EEXIST || r == TW_ENOTFOUND ||
	    r == TW_EUSAGE) {
		v->status = r == TW_ENOTFOUND ? 404
			    : r == TW_EEXIST  ? 409
					      : 422;
		v->error = err->msg;
		render_users(rq, rs, v);
		return;
	}
	page_fail(rq, rs, r, err);
}

/* 303 to /users?what=name (names are [A-Za-z0-9._@-]: safe in a URL). */
static void
users_done(struct http_response *rs, const char *what, const char *name,
	   const char *anchor)
{
	struct strbuf loc = STRBUF_INIT;

	strbuf_addf(&loc, "/users?%s=%s#%s", what, name, anchor);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

void
pages_user_add_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "add" };
	struct tw_error err = { 0 };
	const char *pw;
	enum role role = ROLE_VIEWER;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	v.name = http_params_get(&rq->form, "name");
	v.role = http_params_get(&rq->form, "role");
	pw = http_params_get(&rq->form, "password");
	/* The checks auth_user_add makes, first, to know the field. */
	v.field = "name";
	r = auth_check_name("user", v.name, &err);
	if (r == 0 && role_parse(v.role ? v.role : "", &role) < 0) {
		v.field = "role";
		r = tw_error_set(&err, TW_EINPUT, "invalid role '%s' (use "
				 "admin, editor or viewer)",
				 v.role ? v.role : "");
	}
	if (r == 0 && (r = auth_check_password(pw, &err)) < 0)
		v.field = "password";
	if (r == 0)
		r = auth_user_add(rq->st, v.name, role, pw, &err);
	if (r < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	users_done(rs, "added", v.name, "main");
}

void
pages_user_role_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "role",
				.user = http_param(rq, "name") };
	struct tw_error err = { 0 };
	enum role role;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	v.role = http_params_get(&rq->form, "role");
	v.field = "role";
	if (role_parse(v.role ? v.role : "", &role) < 0)
		r = tw_error_set(&err, TW_EINPUT, "invalid role '%s' (use "
				 "admin, editor or viewer)",
				 v.role ? v.role : "");
	else
		r = auth_user_role(rq->st, v.user, role, &err);
	if (r == TW_ENOTFOUND)
		v.field = NULL;
	if (r < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	users_done(rs, "role", v.user, "main");
}

void
pages_user_password_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "password",
				.user = http_param(rq, "name") };
	struct tw_error err = { 0 };
	const char *pw;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	pw = http_params_get(&rq->form, "password");
	v.field = "password";
	/* As techwin user passwd: sessions signed out, tokens revoked. */
	r = auth_user_passwd(rq->st, v.user, pw, false, NULL, &err);
	if (r == TW_ENOTFOUND)
		v.field = NULL;
	if (r < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	users_done(rs, "password", v.user, "main");
}

/* GET /users/{name}/remove: what goes with the user, and a button. */
void
pages_user_remove(struct http_request *rq, struct http_response *rs)
{
	const char *name = http_param(rq, "name");
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct store_token_list tl;
	struct store_user u;
	size_t n;
	int r;

	if ((r = store_user_get(rq->st, name, &u, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	if ((r = store_token_list(rq->st, &tl, &err)) < 0) {
		store_user_release(&u);
		page_fail(rq, rs, r, &err);
		return;
	}
	n = store_token_count(&tl, name);
	page_begin(&sb, rq, "Remove a user", NAV_USERS);
	strbuf_addstr(&sb, "<h1>Remove user ");
	html_escape(&sb, u.name);
	strbuf_addstr(&sb, "?</h1>\n<p>");
	html_escape(&sb, u.name);
	strbuf_addf(&sb, " (%s) can no longer sign in; its sessions and its "
		    "%zu API token%s go with it", u.role, n, n == 1 ? "" : "s");
	for (size_t i = 0, k = 0; i < tl.n; i++) {
		if (strcmp(tl.items[i].user, name))
			continue;
		strbuf_addstr(&sb, k++ ? ", " : ": ");
		html_escape(&sb, tl.items[i].name);
	}
	strbuf_addstr(&sb, ".</p>\n<form method=\"post\" action=\"/users/");
	html_escape(&sb, u.name);
	strbuf_addstr(&sb, "/remove\" class=\"links\">");
	page_csrf_field(&sb, &rq->who);
	strbuf_addstr(&sb, "<button type=\"submit\">Remove ");
	html_escape(&sb, u.name);
	strbuf_addstr(&sb, "</button> <a class=\"button secondary\" "
		      "href=\"/users\">Cancel</a></form>\n");
	page_end(&sb);
	page_send(rs, 200, &sb);
	store_token_list_release(&tl);
	store_user_release(&u);
}

void
pages_user_remove_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "remove",
				.user = http_param(rq, "name") };
	struct tw_error err = { 0 };
	int r;

	r = auth_user_remove(rq->st, v.user, NULL, &err);
	if (r < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	users_done(rs, "removed", v.user, "main");
}

/* POST /tokens: the answer shows the token, once; it is no redirect. */
void
pages_token_add_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "token" };
	struct tw_error err = { 0 };
	char *token = NULL;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	v.name = http_params_get(&rq->form, "name");
	v.token_user = http_params_get(&rq->form, "user");
	r = auth_token_add(rq->st, v.name ? v.name : "", v.token_user, &token,
			   &err);
	v.field = r == TW_ENOTFOUND ? "user" : "name";
	if (r < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	v = (struct users_view){ .status = 201 };
	v.new_token = token;
	v.new_token_name = http_params_get(&rq->form, "name");
	render_users(rq, rs, &v);
	/* The page is never stored (Cache-Control: no-store, as all are). */
	auth_secret_free(token);
}

void
pages_token_revoke_post(struct http_request *rq, struct http_response *rs)
{
	struct users_view v = { .status = 422, .form = "revoke" };
	const char *name = http_param(rq, "name");
	struct tw_error err = { 0 };
	int r;

	if ((r = store_token_delete(rq->st, name, &err)) < 0) {
		users_refused(rq, rs, r, &v, &err);
		return;
	}
	users_done(rs, "revoked", name, "tokens");
}
