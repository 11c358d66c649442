/*
 * Forms driven by the model schema (pages-internal.h, "forms"): an input
 * per field of a schema table, with its label, its hint and, after a
 * refusal, the message at it; the posted form read into a verb call with
 * the parser the CLI and the API use (verb_give_text), so what a form
 * takes and refuses is the verb's, never the page's.
 *
 * And the pages built from them: a new deal (/deals/new), a deal's fields
 * (/deals/{slug}/edit), and adding, editing and removing its criteria,
 * events, risks and phases (/deals/{slug}/{kind}...; a removal asks first
 * and names what refers to what it removes). Success is a 303 to the deal
 * page with a notice; a refusal is the form again, 422, with what was
 * typed and the message at its field.
 */
#include "web/pages-internal.h"
#include "core/actions.h"

#include <string.h>

/* ---- labels ------------------------------------------------------------ */

#define KEY_HINT "a-z, 0-9 and -, e.g. p95-latency"
#define DUR_HINT "e.g. 10d, 8bd (business days) or 3w"

/* What a person reads for a field: the schema names it for programs. */
static const struct {
	enum entity_kind e;
	const char *name, *label, *hint;
} labels[] = {
	{ ENT_DEAL, "account", "Account", NULL },
	{ ENT_DEAL, "stage", "Stage", "e.g. discovery, poc, proposal" },
	{ ENT_DEAL, "value", "Value", NULL },
	{ ENT_DEAL, "currency", "Currency", "e.g. USD" },
	{ ENT_DEAL, "ae", "Account executive (AE)", NULL },
	{ ENT_DEAL, "se", "Sales engineer (SE)", NULL },
	{ ENT_DEAL, "procurement_days", "Procurement (business days)", NULL },
	{ ENT_DEAL, "champion", "Champion", NULL },
	{ ENT_DEAL, "champion_email", "Champion's email", NULL },
	{ ENT_DEAL, "poc_start", "POC start", NULL },
	{ ENT_DEAL, "poc_end", "POC end", NULL },
	{ ENT_CRITERION, "key", "Key", KEY_HINT },
	{ ENT_CRITERION, "metric", "Metric", "e.g. p95 latency" },
	{ ENT_CRITERION, "unit", "Unit", "e.g. ms" },
	{ ENT_CRITERION, "direction", "Passes when measured", NULL },
	{ ENT_CRITERION, "required", "Required value", NULL },
	{ ENT_CRITERION, "projected_growth_pct", "Projected growth (%)",
	  NULL },
	{ ENT_CRITERION, "scales_with_load", "Scales with load", NULL },
	{ ENT_CRITERION, "outcome", "Business outcome", NULL },
	{ ENT_EVENT, "key", "Key", KEY_HINT },
	{ ENT_EVENT, "kind", "Kind", NULL },
	{ ENT_EVENT, "title", "Title", NULL },
	{ ENT_EVENT, "owner", "Owner", NULL },
	{ ENT_EVENT, "date", "Date", NULL },
	{ ENT_EVENT, "after", "After event", "the key of the event it follows" },
	{ ENT_RISK, "key", "Key", KEY_HINT },
	{ ENT_RISK, "title", "Title", NULL },
	{ ENT_RISK, "kind", "Kind", NULL },
	{ ENT_RISK, "deadline", "Deadline", NULL },
	{ ENT_RISK, "buffer", "Live this long before the deadline", DUR_HINT },
	{ ENT_RISK, "duration", "Takes", DUR_HINT },
	{ ENT_PHASE, "number", "Number", NULL },
	{ ENT_PHASE, "name", "Name", NULL },
	{ ENT_PHASE, "scope", "Scope", NULL },
	{ ENT_PHASE, "price", "Price", NULL },
	{ ENT_PHASE, "justification", "Justification", NULL },
	{ ENT_PHASE, "criteria", "Rests on criteria",
	  "criterion keys, separated by commas" },
	{ ENT_PHASE, "duration", "Duration", DUR_HINT },
	{ ENT_PHASE, "risks", "Addresses risks",
	  "risk keys, separated by commas" },
};

/* The label of f (a field of an e), else its name as words, in buf. */
static const char *
field_label(enum entity_kind e, const struct field *f, const char **hint,
	    struct strbuf *buf)
{
	const char *name = field_json_name(f);

	*hint = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
		if (labels[i].e == e && !strcmp(labels[i].name, name)) {
			*hint = labels[i].hint;
			return labels[i].label;
		}
	}
	strbuf_reset(buf);
	for (const char *p = name; *p; p++)
		strbuf_addch(buf, p == name && *p >= 'a' && *p <= 'z'
					  ? *p - 'a' + 'A'
				  : *p == '_' ? ' '
					      : *p);
	return buf->buf;
}

/* ---- rendering ----------------------------------------------------------- */

static void
input_id(struct strbuf *sb, const struct page_form *fm, const char *name)
{
	html_escape(sb, fm->id);
	strbuf_addch(sb, '-');
	html_escape(sb, name);
}

const char *
page_form_value(const struct page_form *fm, const char *name,
		const char *dflt)
{
	if (fm->input)
		return http_params_get(fm->input, name);
	return dflt;
}

void
page_form_open(struct strbuf *sb, const struct http_request *rq,
	       const char *action, const struct page_form *fm)
{
	(void)fm;
	page_form_open_as(sb, rq, action, NULL, "panel");
}

void
page_form_open_as(struct strbuf *sb, const struct http_request *rq,
		  const char *action, const char *id, const char *cls)
{
	strbuf_addstr(sb, "<form method=\"post\" action=\"");
	html_escape(sb, action);
	if (id) {
		strbuf_addstr(sb, "\" id=\"");
		html_escape(sb, id);
	}
	if (cls) {
		strbuf_addstr(sb, "\" class=\"");
		html_escape(sb, cls);
	}
	strbuf_addstr(sb, "\" novalidate>\n");
	page_csrf_field(sb, &rq->who);
}

void
page_form_close(struct strbuf *sb, const char *submit, const char *cancel)
{
	strbuf_addstr(sb, "<div class=\"links\"><button type=\"submit\">");
	html_escape(sb, submit);
	strbuf_addstr(sb, "</button>");
	if (cancel) {
		strbuf_addstr(sb, " <a class=\"button secondary\" href=\"");
		html_escape(sb, cancel);
		strbuf_addstr(sb, "\">Cancel</a>");
	}
	strbuf_addstr(sb, "</div>\n</form>\n");
}

void
page_form_summary(struct strbuf *sb, const struct page_form *fm,
		  const char *what)
{
	if (!fm || !fm->error)
		return;
	strbuf_addstr(sb, "<p class=\"notice error\" role=\"alert\">");
	html_escape(sb, what);
	strbuf_addstr(sb, ": ");
	if (fm->error_field) {
		strbuf_addstr(sb, "<a href=\"#");
		input_id(sb, fm, fm->error_field);
		strbuf_addstr(sb, "\">");
	}
	html_escape(sb, fm->error);
	if (fm->error_field)
		strbuf_addstr(sb, "</a>");
	strbuf_addstr(sb, "</p>\n");
}

bool
page_form_at(const struct page_form *fm, const char *name)
{
	return fm->error && fm->error_field && !strcmp(fm->error_field, name);
}

void
page_form_aria(struct strbuf *sb, const struct page_form *fm,
	       const char *name, bool hint)
{
	bool bad = page_form_at(fm, name);

	if (bad)
		strbuf_addstr(sb, " aria-invalid=\"true\"");
	if (!hint && !bad)
		return;
	strbuf_addstr(sb, " aria-describedby=\"");
	if (hint) {
		input_id(sb, fm, name);
		strbuf_addstr(sb, "-hint");
	}
	if (bad) {
		if (hint)
			strbuf_addch(sb, ' ');
		input_id(sb, fm, name);
		strbuf_addstr(sb, "-error");
	}
	strbuf_addch(sb, '"');
}

void
page_form_field_error(struct strbuf *sb, const struct page_form *fm,
		      const char *name)
{
	if (!page_form_at(fm, name))
		return;
	strbuf_addstr(sb, "<span class=\"field-error\" id=\"");
	input_id(sb, fm, name);
	strbuf_addstr(sb, "-error\">");
	html_escape(sb, fm->error);
	strbuf_addstr(sb, "</span>\n");
}

void
page_form_input(struct strbuf *sb, const struct page_form *fm,
		const struct page_input *in)
{
	bool area = !strcmp(in->type, "textarea");
	bool select = !strcmp(in->type, "select");
	const char *value = page_form_value(fm, in->name, in->value);

	strbuf_addstr(sb, area ? "<div class=\"field wide\">"
			       : "<div class=\"field\">");
	strbuf_addstr(sb, "<label for=\"");
	input_id(sb, fm, in->name);
	strbuf_addstr(sb, "\">");
	html_escape(sb, in->label);
	if (!in->required)
		strbuf_addstr(sb, " <span class=\"opt\">(optional)</span>");
	strbuf_addstr(sb, "</label>\n");
	if (in->hint) {
		strbuf_addstr(sb, "<span class=\"hint\" id=\"");
		input_id(sb, fm, in->name);
		strbuf_addstr(sb, "-hint\">");
		html_escape(sb, in->hint);
		strbuf_addstr(sb, "</span>\n");
	}
	page_form_field_error(sb, fm, in->name);
	strbuf_addstr(sb, area ? "<textarea rows=\"3\""
			  : select ? "<select"
				   : "<input");
	strbuf_addstr(sb, " id=\"");
	input_id(sb, fm, in->name);
	strbuf_addstr(sb, "\" name=\"");
	html_escape(sb, in->name);
	strbuf_addch(sb, '"');
	if (!area && !select) {
		strbuf_addstr(sb, " type=\"");
		html_escape(sb, in->type);
		strbuf_addch(sb, '"');
	}
	if (in->attrs) {
		strbuf_addch(sb, ' ');
		strbuf_addstr(sb, in->attrs);
	}
	/* A required select starts with an empty choice (HTML wants it). */
	if (in->required && (!select || (in->options && in->options[0] &&
					 !*in->options[0])))
		strbuf_addstr(sb, " required");
	page_form_aria(sb, fm, in->name, in->hint != NULL);
	if (area) {
		strbuf_addch(sb, '>');
		if (value)
			html_escape(sb, value);
		strbuf_addstr(sb, "</textarea>");
	} else if (select) {
		strbuf_addstr(sb, ">\n");
		for (const char *const *o = in->options; o && o[0]; o += 2) {
			strbuf_addstr(sb, "<option value=\"");
			html_escape(sb, o[0]);
			strbuf_addch(sb, '"');
			if (value && !strcmp(value, o[0]))
				strbuf_addstr(sb, " selected");
			strbuf_addch(sb, '>');
			html_escape(sb, o[1]);
			strbuf_addstr(sb, "</option>\n");
		}
		strbuf_addstr(sb, "</select>");
	} else {
		if (value && page_input_holds(in->type, value)) {
			strbuf_addstr(sb, " value=\"");
			html_escape(sb, value);
			strbuf_addch(sb, '"');
		}
		strbuf_addch(sb, '>');
	}
	strbuf_addstr(sb, "</div>\n");
}

void
page_options_init(struct page_options *o, size_t max, const char *choose)
{
	o->v = xcalloc(2 * max + 3, sizeof(*o->v));
	o->n = 0;
	o->v[o->n++] = xstrdup("");
	o->v[o->n++] = xstrdup(choose);
}

void
page_options_add(struct page_options *o, char *value, char *label)
{
	o->v[o->n++] = value;
	o->v[o->n++] = label;
}

void
page_options_events(struct page_options *o, const struct deal *d,
		    tw_date today, bool buyer_only)
{
	struct strbuf day = STRBUF_INIT, label = STRBUF_INIT;

	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];

		if (event_done_by(e, today) ||
		    (buyer_only && e->side != SIDE_BUYER))
			continue;
		strbuf_reset(&label);
		if (e->date != DATE_NONE)
			strbuf_addf(&label, "%s: ",
				    page_day_text(&day, e->date));
		strbuf_addstr(&label, e->title ? e->title : e->key);
		page_options_add(o, xstrdup(e->key), xstrdup(label.buf));
	}
	strbuf_release(&day);
	strbuf_release(&label);
}

void
page_options_release(struct page_options *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
}

bool
page_form_takes(const struct schema_table *tb, const struct field *f,
		enum page_form_mode mode)
{
	(void)tb;
	if (f->flags & FL_RO)
		return false;
	return mode == FORM_CREATE || !(f->flags & FL_KEY);
}

#define MAX_CHOICES 16

/* One field of tb as an input, starting from obj's value (obj: NULL). */
static void
schema_input(struct strbuf *sb, const struct page_form *fm,
	     const struct schema_table *tb, const struct field *f,
	     const void *obj, enum page_form_mode mode)
{
	static const char *const yes_no[] = { "false", "No", "true", "Yes",
					      NULL };
	const char *opts[2 * MAX_CHOICES + 4];
	char words[MAX_CHOICES][32];
	struct strbuf tmp = STRBUF_INIT, lab = STRBUF_INIT;
	struct page_input in = { 0 };
	size_t n = 0;

	in.name = field_json_name(f);
	in.label = field_label(tb->kind, f, &in.hint, &lab);
	in.type = "text";
	in.value = obj ? field_text(f, obj, &tmp) : NULL;
	in.required = (f->flags & FL_REQ) != 0;
	switch (f->type) {
	case F_STR:
		if (f->flags & FL_MULTI)
			in.type = "textarea";
		else if (f->flags & FL_EMAIL)
			in.type = "email";
		break;
	case F_INT:
	case F_INT_OPT:
		in.type = "number";
		in.attrs = "step=\"1\"";
		break;
	case F_REAL:
	case F_REAL_OPT:
		in.type = "number";
		in.attrs = "step=\"any\"";
		break;
	case F_DATE:
		in.type = "date";
		break;
	case F_BOOL:
		in.type = "select";
		in.options = yes_no;
		break;
	case F_ENUM:
		in.type = "select";
		/* A new entity may leave an enum to the verb's default. */
		if (mode == FORM_CREATE) {
			opts[n++] = "";
			opts[n++] = in.required ? "Choose one" : "(default)";
		}
		for (int v = 0; v < MAX_CHOICES; v++) {
			const char *name = f->en->name(v);
			int back;
			size_t i;

			if (f->en->parse(name, &back) < 0 || back != v)
				break;
			for (i = 0; name[i] && i + 1 < sizeof(words[v]); i++)
				words[v][i] = name[i] == '_' ? ' ' : name[i];
			words[v][i] = '\0';
			opts[n++] = name;
			opts[n++] = words[v];
		}
		opts[n] = NULL;
		in.options = opts;
		break;
	case F_DUR:
	case F_DUR_OPT:
	case F_LIST:
		break;
	}
	page_form_input(sb, fm, &in);
	strbuf_release(&tmp);
	strbuf_release(&lab);
}

void
page_form_fields(struct strbuf *sb, const struct page_form *fm,
		 const struct schema_table *tb, const void *obj,
		 enum page_form_mode mode)
{
	strbuf_addstr(sb, "<div class=\"row\">\n");
	for (size_t i = 0; i < tb->nfields; i++)
		if (page_form_takes(tb, &tb->fields[i], mode))
			schema_input(sb, fm, tb, &tb->fields[i], obj, mode);
	strbuf_addstr(sb, "</div>\n");
}

/* ---- reading a posted form ----------------------------------------------- */

int
page_form_give(const struct http_request *rq, struct verb_call *c,
	       enum page_form_mode mode, struct page_form *fm,
	       struct tw_error *err)
{
	for (size_t i = 0; c->tb && i < c->tb->nfields; i++) {
		const struct field *f = &c->tb->fields[i];
		const char *text = http_params_get(&rq->form,
						   field_json_name(f));
		int r;

		if (!page_form_takes(c->tb, f, mode) || !text)
			continue;
		/* Left empty on a new entity: not given (the verb's default). */
		if (mode == FORM_CREATE && !*text)
			continue;
		if ((r = verb_give_text(c, f, NULL, text, err)) < 0) {
			fm->error = err->msg;
			fm->error_field = field_json_name(f);
			return r;
		}
	}
	return 0;
}

bool
page_form_refused(struct page_form *fm, const struct verb_call *c, int r,
		  const struct validation_site *site,
		  const struct tw_error *err)
{
	const struct schema_table *tb = c->tb;

	if (r != TW_EINPUT && r != TW_EEXIST && r != TW_EUSAGE)
		return false;
	fm->error = err->msg;
	if (fm->error_field || !tb)
		return true;
	if (r == TW_EEXIST) {
		/* The deal's slug, a child's key: taken. */
		fm->error_field = tb == &schema_deal
					  ? "slug"
					  : field_json_name(&tb->fields[0]);
	} else if (r == TW_EUSAGE) {
		/* "criterion add needs title": the first one missing. */
		for (size_t i = 0; i < tb->nfields && !fm->error_field; i++)
			if ((tb->fields[i].flags & FL_REQ) &&
			    !verb_given(c, &tb->fields[i]))
				fm->error_field =
					field_json_name(&tb->fields[i]);
	} else if (site && site->field && site->entity == tb->kind) {
		const char *name = schema_site_field(site);

		if (schema_field(tb, name, true) ||
		    (tb == &schema_deal && !strcmp(name, "slug")))
			fm->error_field = name;
	}
	return true;
}

/* Whether c takes the schema fields of c->tb (as the CLI's options). */
static bool
takes_fields(const struct verb_call *c)
{
	return c->tb && (c->verb == V_ADD || c->verb == V_SET ||
			 c->verb == V_DEAL_CREATE || c->verb == V_DEAL_SET);
}

enum page_form_outcome
page_form_run(struct http_request *rq, const char *slug, struct verb_call *c,
	      enum page_form_mode mode, struct page_form *fm,
	      struct deal_ctx *ctx, struct verb_result *res,
	      struct tw_error *err)
{
	struct validation_site site = { ENT_DEAL, 0, NULL };
	int r = 0;

	deal_ctx_init(ctx, rq->today, rq->who.name);
	if (takes_fields(c))
		r = page_form_give(rq, c, mode, fm, err);
	if (r == 0)
		r = store_run_verb(rq->st, slug, c, ctx, res, &site, err);
	if (r == 0)
		return FORM_DONE;
	return page_form_refused(fm, c, r, &site, err) ? FORM_REFUSED
						       : FORM_FAILED;
}

/* ---- notices and links on the deal page ------------------------------- */

/* The children a deal page edits: their path and where they show. */
static const struct child_kind {
	int t;
	const char *row;	/* the row's id: prefix and key */
	const char *section;	/* the deal page's section */
	const char *a;		/* "a criterion" */
} kinds[] = {
	{ T_CRITERION, "c-", "criteria", "a criterion" },
	{ T_EVENT, "e-", "timeline", "an event" },
	{ T_RISK, "r-", "risks", "a risk" },
	{ T_PHASE, "p-", "phases", "a phase" },
};

static const struct child_kind *
kind_of_table(int t)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].t == t)
			return &kinds[i];
	return NULL;
}

static const struct schema_table *
table_of(const struct child_kind *k)
{
	return &schema_tables[k->t];
}

void
page_child_row_id(struct strbuf *sb, int t, const char *key)
{
	const struct child_kind *k = kind_of_table(t);

	if (!k || !key)
		return;
	strbuf_addf(sb, " id=\"%s", k->row);
	html_escape(sb, key);
	strbuf_addch(sb, '"');
}

/* /deals/SLUG/KIND/KEY/SUF */
static void
child_path(struct strbuf *sb, const char *slug, const struct child_kind *k,
	   const char *key, const char *suf)
{
	page_deal_path(sb, "/deals/", slug, "/");
	strbuf_addstr(sb, table_of(k)->sql);
	if (key) {
		strbuf_addch(sb, '/');
		html_escape(sb, key);
	}
	strbuf_addstr(sb, suf);
}

void
page_child_links(struct strbuf *sb, const char *slug, int t, const char *key)
{
	const struct child_kind *k = kind_of_table(t);
	const char *ent;

	if (!k || !key)
		return;
	ent = table_of(k)->entity;
	strbuf_addstr(sb, "<span class=\"row-actions\"><a href=\"");
	child_path(sb, slug, k, key, "/edit");
	strbuf_addf(sb, "\">Edit<span class=\"vh\"> %s ", ent);
	html_escape(sb, key);
	strbuf_addstr(sb, "</span></a> <a href=\"");
	child_path(sb, slug, k, key, "/remove");
	strbuf_addf(sb, "\">Remove<span class=\"vh\"> %s ", ent);
	html_escape(sb, key);
	strbuf_addstr(sb, "</span></a></span>");
}

static void
add_form_id(struct strbuf *sb, const struct child_kind *k)
{
	strbuf_addf(sb, "add-%s", table_of(k)->sql);
}

void
page_child_add_form(struct strbuf *sb, const struct http_request *rq,
		    const struct deal *d, int t, const struct page_form *kept)
{
	const struct child_kind *k = kind_of_table(t);
	struct strbuf id = STRBUF_INIT, action = STRBUF_INIT,
		      text = STRBUF_INIT;
	struct page_form fm = { 0 };

	if (!k || !page_can_edit(rq))
		return;
	add_form_id(&id, k);
	if (kept)
		fm = *kept;
	fm.id = id.buf;
	strbuf_addf(sb, "<details class=\"add\" id=\"%s\"%s>\n<summary>Add "
		    "%s</summary>\n", id.buf, kept ? " open" : "", k->a);
	child_path(&action, d->slug, k, NULL, "");
	page_form_open(sb, rq, action.buf, &fm);
	page_form_fields(sb, &fm, table_of(k), NULL, FORM_CREATE);
	strbuf_addf(&text, "Add the %s", table_of(k)->entity);
	page_form_close(sb, text.buf, NULL);
	strbuf_addstr(sb, "</details>\n");
	strbuf_release(&id);
	strbuf_release(&action);
	strbuf_release(&text);
}

void
page_child_add_error(struct strbuf *sb, int t, const struct page_form *kept)
{
	const struct child_kind *k = kind_of_table(t);
	struct strbuf id = STRBUF_INIT, what = STRBUF_INIT;
	struct page_form fm;

	if (!k || !kept)
		return;
	add_form_id(&id, k);
	fm = *kept;
	fm.id = id.buf;
	strbuf_addf(&what, "The %s was not added", table_of(k)->entity);
	page_form_summary(sb, &fm, what.buf);
	strbuf_release(&id);
	strbuf_release(&what);
}

void
page_deal_edit_link(struct strbuf *sb, const struct http_request *rq,
		    const struct deal *d)
{
	if (!page_can_edit(rq))
		return;
	page_deal_path(sb, "<p class=\"links\"><a class=\"button secondary\" "
		       "href=\"/deals/", d->slug, "/edit\">Edit the deal</a>"
		       "</p>\n");
}

/* After a form's redirect: ?added=criterion&key=p95 and the like. */
void
page_form_notice(struct strbuf *sb, const struct http_request *rq)
{
	static const char *const done[][2] = {
		{ "added", "Added" }, { "updated", "Saved" },
		{ "removed", "Removed" },
	};
	const char *key = http_params_get(&rq->query, "key");

	for (size_t i = 0; i < ARRAY_SIZE(done); i++) {
		const char *what = http_params_get(&rq->query, done[i][0]);
		const char *ent = NULL;

		for (size_t j = 0; what && j < ARRAY_SIZE(kinds) && !ent; j++)
			if (!strcmp(what, table_of(&kinds[j])->entity))
				ent = table_of(&kinds[j])->entity;
		if (what && !strcmp(what, "deal") && i < 2)
			ent = "deal";
		if (!ent)
			continue;
		strbuf_addstr(sb, "<p class=\"notice ok\" role=\"status\">");
		if (!strcmp(ent, "deal")) {
			strbuf_addstr(sb, i == 0 ? "Deal created."
						 : "Deal saved.");
		} else {
			strbuf_addf(sb, "%s %s", done[i][1], ent);
			if (key) {
				strbuf_addch(sb, ' ');
				html_escape(sb, key);
			}
			strbuf_addch(sb, '.');
		}
		strbuf_addstr(sb, "</p>\n");
	}
}

/* ---- the pages ------------------------------------------------------------ */

/* 303 to the deal page: /deals/SLUG?QUERY#ANCHOR (both checked keys). */
static void
to_deal(struct http_response *rs, const char *slug, const char *query,
	const char *anchor)
{
	struct strbuf loc = STRBUF_INIT;

	strbuf_addf(&loc, "/deals/%s", slug);
	if (query)
		strbuf_addf(&loc, "?%s", query);
	if (anchor)
		strbuf_addf(&loc, "#%s", anchor);
	http_redirect(rs, 303, loc.buf);
	strbuf_release(&loc);
}

/* Pipeline / Deal name: where a form page sits. */
static void
crumbs(struct strbuf *sb, const struct deal *d)
{
	strbuf_addstr(sb, "<p class=\"hint\"><a href=\"/\">Pipeline</a>");
	if (d) {
		page_deal_path(sb, " / <a href=\"/deals/", d->slug, "\">");
		html_escape(sb, page_deal_name(d));
		strbuf_addstr(sb, "</a>");
	}
	strbuf_addstr(sb, "</p>\n");
}

/* The deal the route names; false with the error page answered. */
static bool
load_deal(struct http_request *rq, struct http_response *rs,
	  struct deal_ctx *ctx)
{
	struct tw_error err = { 0 };
	int r;

	deal_ctx_init(ctx, rq->today, rq->who.name);
	r = store_load_ctx(rq->st, http_param(rq, "slug"), ctx, &err);
	if (r < 0)
		page_fail(rq, rs, r, &err);
	return r == 0;
}

/* -- a new deal -- */

static void deal_new_page(struct http_request *rq, struct http_response *rs,
			  unsigned status, const struct page_form *fm);
static void deal_edit_page(struct http_request *rq, struct http_response *rs,
			   unsigned status, const struct page_form *fm);

/* The new deal's form (create), or a deal's (V_DEAL_SET), posted. */
static void
deal_post(struct http_request *rq, struct http_response *rs, bool create)
{
	struct page_form fm = { create ? "new" : "deal", &rq->form, NULL,
				NULL };
	const char *slug = create ? http_params_get(&rq->form, "slug")
				  : http_param(rq, "slug");
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	struct verb_call c;

	verb_call_init(&c, create ? V_DEAL_CREATE : V_DEAL_SET, &schema_deal);
	c.key = create ? (slug ? slug : "") : NULL;
	switch (page_form_run(rq, create ? c.key : slug, &c,
			      create ? FORM_CREATE : FORM_EDIT, &fm, &ctx,
			      NULL, &err)) {
	case FORM_DONE:
		to_deal(rs, ctx.deal.slug, create ? "added=deal"
						  : "updated=deal", NULL);
		break;
	case FORM_REFUSED:
		(create ? deal_new_page : deal_edit_page)(rq, rs, 422, &fm);
		break;
	case FORM_FAILED:
		page_fail(rq, rs, err.code, &err);
		break;
	}
	verb_call_release(&c);
	deal_ctx_release(&ctx);
}


static void
deal_new_page(struct http_request *rq, struct http_response *rs,
	      unsigned status, const struct page_form *fm)
{
	struct strbuf sb = STRBUF_INIT;
	struct page_input slug = { "slug", "Slug",
		"its name in links and on the command line: a-z, 0-9 "
		"and -, e.g. acme-corp", "text", NULL, true, NULL, NULL };

	page_begin(&sb, rq, "New deal", NAV_PIPELINE);
	crumbs(&sb, NULL);
	strbuf_addstr(&sb, "<h1>New deal</h1>\n");
	page_form_summary(&sb, fm, "The deal was not created");
	page_form_open(&sb, rq, "/deals/new", fm);
	strbuf_addstr(&sb, "<div class=\"row\">\n");
	page_form_input(&sb, fm, &slug);
	strbuf_addstr(&sb, "</div>\n");
	page_form_fields(&sb, fm, &schema_deal, NULL, FORM_CREATE);
	page_form_close(&sb, "Create the deal", "/");
	page_end(&sb);
	page_send(rs, status, &sb);
}

void
pages_deal_new(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "new", NULL, NULL, NULL };

	deal_new_page(rq, rs, 200, &fm);
}

void
pages_deal_new_post(struct http_request *rq, struct http_response *rs)
{
	if (http_parse_form(rq, rs))
		deal_post(rq, rs, true);
}

/* -- a deal's fields -- */

/*
 * Below the deal's form: its own holidays, with a calendar's import
 * (pages-import.c), and the way to remove the deal.
 */
static void
deal_edit_extras(struct strbuf *sb, const struct http_request *rq,
		 const struct deal *d)
{
	const char *added = http_params_get(&rq->query, "added");
	unsigned long n = added ? strtoul(added, NULL, 10) : 0;

	strbuf_addstr(sb, "<h2 id=\"holidays\">Holidays of this deal</h2>\n");
	if (added)
		strbuf_addf(sb, "<p class=\"notice ok\" role=\"status\">%lu "
			    "holiday%s added.</p>\n", n, n == 1 ? "" : "s");
	strbuf_addstr(sb, "<p class=\"hint\">Business days skip weekends, "
		      "the workspace's holidays and these.</p>\n");
	if (!d->nholidays)
		strbuf_addstr(sb, "<p class=\"empty\">No holidays of its own."
			      "</p>\n");
	else
		strbuf_addstr(sb, "<ul class=\"holidays\">\n");
	for (size_t i = 0; i < d->nholidays; i++) {
		strbuf_addstr(sb, "<li>");
		page_add_day(sb, d->holidays[i]);
		strbuf_addstr(sb, "</li>\n");
	}
	if (d->nholidays)
		strbuf_addstr(sb, "</ul>\n");
	pages_ics_form(sb, rq, NULL, d->slug);
	strbuf_addstr(sb, "<h2 id=\"remove\">Remove the deal</h2>\n");
	page_deal_path(sb, "<p><a class=\"danger\" href=\"/deals/", d->slug,
		       "/remove\">Remove this deal…</a> (asks first)</p>\n");
}

static void
deal_edit_page(struct http_request *rq, struct http_response *rs,
	       unsigned status, const struct page_form *fm)
{
	struct strbuf sb = STRBUF_INIT, action = STRBUF_INIT,
		      title = STRBUF_INIT;
	struct deal_ctx ctx;
	const struct deal *d = &ctx.deal;

	if (!load_deal(rq, rs, &ctx)) {
		deal_ctx_release(&ctx);
		return;
	}
	strbuf_addf(&title, "Edit %s", page_deal_name(d));
	page_begin(&sb, rq, title.buf, NAV_NONE);
	crumbs(&sb, d);
	strbuf_addstr(&sb, "<h1>");
	html_escape(&sb, title.buf);
	strbuf_addstr(&sb, "</h1>\n");
	page_form_summary(&sb, fm, "The deal was not saved");
	page_deal_path(&action, "/deals/", d->slug, "/edit");
	page_form_open(&sb, rq, action.buf, fm);
	page_form_fields(&sb, fm, &schema_deal, d, FORM_EDIT);
	strbuf_reset(&action);
	page_deal_path(&action, "/deals/", d->slug, "");
	page_form_close(&sb, "Save the deal", action.buf);
	deal_edit_extras(&sb, rq, d);
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&action);
	strbuf_release(&title);
	deal_ctx_release(&ctx);
}

void
pages_deal_edit(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { "deal", NULL, NULL, NULL };

	deal_edit_page(rq, rs, 200, &fm);
}

void
pages_deal_edit_post(struct http_request *rq, struct http_response *rs)
{
	if (http_parse_form(rq, rs))
		deal_post(rq, rs, false);
}

/* -- a deal's children -- */

/* The kind the route's {kind} names; NULL with a 404 answered. */
static const struct child_kind *
route_kind(struct http_request *rq, struct http_response *rs)
{
	const char *kind = http_param(rq, "kind");

	for (size_t i = 0; kind && i < ARRAY_SIZE(kinds); i++)
		if (!strcmp(table_of(&kinds[i])->sql, kind))
			return &kinds[i];
	page_error(rq, rs, 404, "no such page");
	return NULL;
}

/* query "added=criterion&key=p95", anchor "c-p95". */
static void
child_done(struct http_response *rs, const char *slug,
	   const struct child_kind *k, const char *done, const char *key)
{
	struct strbuf q = STRBUF_INIT, a = STRBUF_INIT;

	strbuf_addf(&q, "%s=%s&key=%s", done, table_of(k)->entity, key);
	if (!strcmp(done, "removed"))
		strbuf_addstr(&a, k->section);
	else
		strbuf_addf(&a, "%s%s", k->row, key);
	to_deal(rs, slug, q.buf, a.buf);
	strbuf_release(&q);
	strbuf_release(&a);
}

/* "criterion 'p95'", "phase 2": as the verbs name them. */
static void
child_name(struct strbuf *sb, const struct child_kind *k, const char *key)
{
	const struct schema_table *tb = table_of(k);

	if (tb->fields[0].type == F_STR)
		strbuf_addf(sb, "%s '%s'", tb->entity, key);
	else
		strbuf_addf(sb, "%s %s", tb->entity, key);
}

static void child_edit_page(struct http_request *rq, struct http_response *rs,
			    const struct child_kind *k, unsigned status,
			    const struct page_form *fm);
static void child_remove_page(struct http_request *rq,
			      struct http_response *rs,
			      const struct child_kind *k, unsigned status,
			      const char *error);

/* A child's form posted: 303 to its row, or the refusal shown. */
static void
child_post(struct http_request *rq, struct http_response *rs,
	   const struct child_kind *k, enum verb v)
{
	static const char *const done[] = { [V_ADD] = "added",
		[V_SET] = "updated", [V_REMOVE] = "removed" };
	struct page_form fm = { v == V_SET ? "edit" : NULL, &rq->form, NULL,
				NULL };
	const char *slug = http_param(rq, "slug");
	const char *force = http_params_get(&rq->form, "force");
	struct strbuf key = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct verb_result res;
	struct deal_ctx ctx;
	struct verb_call c;

	verb_call_init(&c, v, table_of(k));
	c.key = http_param(rq, "key");
	c.force = v == V_REMOVE && force && !strcmp(force, "1");
	switch (page_form_run(rq, slug, &c, v == V_ADD ? FORM_CREATE
						       : FORM_EDIT,
			      &fm, &ctx, &res, &err)) {
	case FORM_DONE:
		child_done(rs, slug, k, done[v],
			   v == V_REMOVE ? c.key
					 : field_text(&c.tb->fields[0],
						      c.tb->at(&ctx.deal,
							       res.index),
						      &key));
		break;
	case FORM_REFUSED:
		if (v == V_ADD)
			page_deal_render(rq, rs, 422, k->t, &fm);
		else if (v == V_SET)
			child_edit_page(rq, rs, k, 422, &fm);
		else
			child_remove_page(rq, rs, k, 422, fm.error);
		break;
	case FORM_FAILED:
		page_fail(rq, rs, err.code, &err);
		break;
	}
	strbuf_release(&key);
	verb_call_release(&c);
	deal_ctx_release(&ctx);
}

void
pages_child_add_post(struct http_request *rq, struct http_response *rs)
{
	const struct child_kind *k = route_kind(rq, rs);

	if (k && http_parse_form(rq, rs))
		child_post(rq, rs, k, V_ADD);
}

static void
child_edit_page(struct http_request *rq, struct http_response *rs,
		const struct child_kind *k, unsigned status,
		const struct page_form *fm)
{
	const struct schema_table *tb = table_of(k);
	const char *key = http_param(rq, "key");
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT,
		      action = STRBUF_INIT, what = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	const void *obj;

	if (!load_deal(rq, rs, &ctx)) {
		deal_ctx_release(&ctx);
		return;
	}
	if (!(obj = verb_find(&ctx.deal, tb, key, NULL, &err))) {
		page_fail(rq, rs, err.code, &err);
		deal_ctx_release(&ctx);
		return;
	}
	strbuf_addstr(&title, "Edit ");
	child_name(&title, k, key);
	page_begin(&sb, rq, title.buf, NAV_NONE);
	crumbs(&sb, &ctx.deal);
	strbuf_addstr(&sb, "<h1>");
	html_escape(&sb, title.buf);
	strbuf_addstr(&sb, "</h1>\n");
	strbuf_addf(&what, "The %s was not saved", tb->entity);
	page_form_summary(&sb, fm, what.buf);
	child_path(&action, ctx.deal.slug, k, key, "/edit");
	page_form_open(&sb, rq, action.buf, fm);
	page_form_fields(&sb, fm, tb, obj, FORM_EDIT);
	strbuf_reset(&action);
	page_deal_path(&action, "/deals/", ctx.deal.slug, "#");
	strbuf_addf(&action, "%s", k->row);
	html_escape(&action, key);
	strbuf_reset(&what);
	strbuf_addf(&what, "Save the %s", tb->entity);
	page_form_close(&sb, what.buf, action.buf);
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&title);
	strbuf_release(&action);
	strbuf_release(&what);
	deal_ctx_release(&ctx);
}

void
pages_child_edit(struct http_request *rq, struct http_response *rs)
{
	const struct child_kind *k = route_kind(rq, rs);
	struct page_form fm = { "edit", NULL, NULL, NULL };

	if (k)
		child_edit_page(rq, rs, k, 200, &fm);
}

void
pages_child_edit_post(struct http_request *rq, struct http_response *rs)
{
	const struct child_kind *k = route_kind(rq, rs);

	if (k && http_parse_form(rq, rs))
		child_post(rq, rs, k, V_SET);
}

/*
 * Before a removal: what refers to the child (the verb_references the
 * verb itself refuses to leave dangling), and the button that removes it
 * with them (V_REMOVE with force).
 */
static void
child_remove_page(struct http_request *rq, struct http_response *rs,
		  const struct child_kind *k, unsigned status,
		  const char *error)
{
	const struct schema_table *tb = table_of(k);
	const char *key = http_param(rq, "key");
	struct strbuf sb = STRBUF_INIT, title = STRBUF_INIT,
		      action = STRBUF_INIT, who = STRBUF_INIT,
		      name = STRBUF_INIT;
	struct page_form fm = { "remove", NULL, error, NULL };
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	size_t n;

	if (!load_deal(rq, rs, &ctx)) {
		deal_ctx_release(&ctx);
		return;
	}
	if (!verb_find(&ctx.deal, tb, key, NULL, &err)) {
		page_fail(rq, rs, err.code, &err);
		deal_ctx_release(&ctx);
		return;
	}
	n = verb_references(&ctx.deal, tb, key, &who);
	child_name(&name, k, key);
	strbuf_addf(&title, "Remove %s?", name.buf);
	page_begin(&sb, rq, title.buf, NAV_NONE);
	crumbs(&sb, &ctx.deal);
	strbuf_addstr(&sb, "<h1>");
	html_escape(&sb, title.buf);
	strbuf_addstr(&sb, "</h1>\n");
	page_form_summary(&sb, &fm, "Not removed");
	strbuf_addstr(&sb, "<p>This removes ");
	html_escape(&sb, name.buf);
	strbuf_addstr(&sb, " from ");
	html_escape(&sb, page_deal_name(&ctx.deal));
	strbuf_addstr(&sb, ". The deal's history records the removal.</p>\n");
	if (n) {
		strbuf_addstr(&sb, "<div class=\"notice error\"><p>Referred to "
			      "by: <strong class=\"dependents\">");
		html_escape(&sb, who.buf);
		strbuf_addf(&sb, "</strong>.</p>\n<p>Removing it also removes "
			    "%s to it; %s stay%s otherwise unchanged.</p>"
			    "</div>\n", n == 1 ? "that reference"
					       : "those references",
			    n == 1 ? "it" : "they", n == 1 ? "s" : "");
	}
	child_path(&action, ctx.deal.slug, k, key, "/remove");
	page_form_open(&sb, rq, action.buf, &fm);
	if (n)
		strbuf_addstr(&sb, "<input type=\"hidden\" name=\"force\" "
			      "value=\"1\">\n");
	strbuf_reset(&title);
	strbuf_addf(&title, "Remove %s", name.buf);
	if (n)
		strbuf_addf(&title, " and %zu reference%s", n,
			    n == 1 ? "" : "s");
	strbuf_reset(&action);
	page_deal_path(&action, "/deals/", ctx.deal.slug, "#");
	strbuf_addf(&action, "%s", k->row);
	html_escape(&action, key);
	page_form_close(&sb, title.buf, action.buf);
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&title);
	strbuf_release(&action);
	strbuf_release(&who);
	strbuf_release(&name);
	deal_ctx_release(&ctx);
}

void
pages_child_remove(struct http_request *rq, struct http_response *rs)
{
	const struct child_kind *k = route_kind(rq, rs);

	if (k)
		child_remove_page(rq, rs, k, 200, NULL);
}

void
pages_child_remove_post(struct http_request *rq, struct http_response *rs)
{
	const struct child_kind *k = route_kind(rq, rs);

	if (k && http_parse_form(rq, rs))
		child_post(rq, rs, k, V_REMOVE);
}

/* -- removing the deal -- */

/* "3 criteria, 1 event": what goes with the deal; empty when nothing. */
static void
deal_contents(struct strbuf *sb, const struct deal *d)
{
	const size_t n[] = { d->ncriteria, d->nevents, d->nrisks, d->nphases,
			     d->ntouches };
	static const char *const one[] = { "criterion", "event", "risk",
					   "phase", "logged message" };
	static const char *const many[] = { "criteria", "events", "risks",
					    "phases", "logged messages" };

	for (size_t i = 0; i < ARRAY_SIZE(n); i++)
		if (n[i])
			strbuf_addf(sb, "%s%zu %s", sb->len ? ", " : "", n[i],
				    n[i] == 1 ? one[i] : many[i]);
}

static void
deal_remove_page(struct http_request *rq, struct http_response *rs,
		 unsigned status, const char *error)
{
	struct strbuf sb = STRBUF_INIT, what = STRBUF_INIT,
		      title = STRBUF_INIT, action = STRBUF_INIT;
	struct page_form fm = { "remove", NULL, error, NULL };
	struct deal_ctx ctx;

	if (!load_deal(rq, rs, &ctx)) {
		deal_ctx_release(&ctx);
		return;
	}
	deal_contents(&what, &ctx.deal);
	strbuf_addf(&title, "Remove %s?", page_deal_name(&ctx.deal));
	page_begin(&sb, rq, title.buf, NAV_NONE);
	crumbs(&sb, &ctx.deal);
	strbuf_addstr(&sb, "<h1>");
	html_escape(&sb, title.buf);
	strbuf_addstr(&sb, "</h1>\n");
	page_form_summary(&sb, &fm, "Not removed");
	strbuf_addstr(&sb, "<div class=\"notice error\"><p>This removes the "
		      "deal ");
	html_escape(&sb, ctx.deal.slug);
	if (what.len) {
		strbuf_addstr(&sb, " with <strong class=\"dependents\">");
		html_escape(&sb, what.buf);
		strbuf_addstr(&sb, "</strong>");
	}
	strbuf_addstr(&sb, ", its findings and its share links (they stop "
		      "working). It cannot be undone; the history keeps a "
		      "record of the removal. To keep the deal but stop "
		      "watching it, close it instead.</p></div>\n");
	page_deal_path(&action, "/deals/", ctx.deal.slug, "/remove");
	page_form_open(&sb, rq, action.buf, &fm);
	strbuf_reset(&action);
	page_deal_path(&action, "/deals/", ctx.deal.slug, "/edit");
	page_form_close(&sb, "Remove the deal", action.buf);
	page_end(&sb);
	page_send(rs, status, &sb);
	strbuf_release(&what);
	strbuf_release(&title);
	strbuf_release(&action);
	deal_ctx_release(&ctx);
}

void
pages_deal_remove(struct http_request *rq, struct http_response *rs)
{
	deal_remove_page(rq, rs, 200, NULL);
}

/* The V_DEAL_REMOVE verb, as techwin deal rm; then the pipeline. */
void
pages_deal_remove_post(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };
	struct verb_call c;
	int r;

	if (!http_parse_form(rq, rs))
		return;
	verb_call_init(&c, V_DEAL_REMOVE, NULL);
	r = page_run_verb(rq, &c, NULL, &err);
	if (r == TW_EINPUT)
		deal_remove_page(rq, rs, 422, err.msg);
	else if (r < 0)
		page_fail(rq, rs, r, &err);
	else
		http_redirect(rs, 303, "/?removed=1");
	verb_call_release(&c);
}

const char *
page_form_message_field(const char *msg, const char *const *names,
			const char **text)
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

int
page_form_date(const struct http_request *rq, const char *name,
	       tw_date *out, struct tw_error *err)
{
	const char *s = http_params_get(&rq->form, name);
	struct tw_error why = { 0 };

	*out = DATE_NONE;
	if (!s || !*s)
		return 0;
	if (date_parse(s, out, &why) < 0)
		return tw_error_set(err, TW_EINPUT, "--%s: %s", name, why.msg);
	return 0;
}
