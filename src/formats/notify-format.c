/*
 * What techwin notify sends (notify-format.h): digests, webhook bodies and
 * e-mails, from data only.
 */
#include "formats/notify-format.h"
#include "formats/eml.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *rule, *step;
} next_steps[] = {
	{ "no-commercial-followup",
	  "Schedule the commercial follow-up: add a commercial event dated "
	  "within the gap (techwin event add SLUG KEY --kind commercial)." },
	{ "stale-technical-win",
	  "Turn the win into a commercial step: send the buying-signal "
	  "message and apply the plan (techwin plan SLUG --apply)." },
	{ "commercial-step-overdue",
	  "Mark the event done, or move its date (techwin event done SLUG "
	  "KEY)." },
	{ "no-next-step",
	  "Plan the next commercial step (techwin plan SLUG --apply, or "
	  "techwin event add)." },
	{ "deadline-at-risk",
	  "Start the risk's work now, or agree a later deadline with the "
	  "prospect." },
};

const char *
notify_next_step(const char *rule)
{
	for (size_t i = 0; i < ARRAY_SIZE(next_steps); i++)
		if (rule && !strcmp(rule, next_steps[i].rule))
			return next_steps[i].step;
	return "Review the deal and its findings (techwin check SLUG).";
}

void
notify_deal_link(const char *base_url, const char *slug, struct strbuf *out)
{
	size_t n = base_url ? strlen(base_url) : 0;

	if (!n) {
		strbuf_addf(out, "techwin check %s", slug);
		return;
	}
	while (n && base_url[n - 1] == '/')
		n--;
	strbuf_addf(out, "%.*s/deals/%s", (int)n, base_url, slug);
}

/* ---- digests ------------------------------------------------------------ */

void
notify_digest_add(struct notify_digest *dg, bool fresh, const char *deal,
		  const char *rule, const char *subject, const char *message)
{
	struct digest_item **items = fresh ? &dg->fresh : &dg->open;
	size_t *n = fresh ? &dg->nfresh : &dg->nopen;
	size_t *alloc = fresh ? &dg->fresh_alloc : &dg->open_alloc;
	struct digest_item *it;

	(*(fresh ? &dg->fresh_total : &dg->open_total))++;
	if (*n >= DIGEST_LIST_MAX)
		return;
	ALLOC_GROW(*items, *n + 1, *alloc);
	it = &(*items)[(*n)++];
	it->deal = xstrdup(deal ? deal : "");
	it->rule = xstrdup(rule ? rule : "");
	it->subject = xstrdup(subject ? subject : "");
	it->message = xstrdup(message ? message : "");
}

static void
items_release(struct digest_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].deal);
		free(items[i].rule);
		free(items[i].subject);
		free(items[i].message);
	}
	free(items);
}

void
notify_digest_release(struct notify_digest *dg)
{
	items_release(dg->fresh, dg->nfresh);
	items_release(dg->open, dg->nopen);
	memset(dg, 0, sizeof(*dg));
}

/* The step's text with SLUG replaced by the deal's slug. */
static void
add_step(struct strbuf *out, const char *step, const char *slug)
{
	const char *p;

	while ((p = strstr(step, "SLUG"))) {
		strbuf_add(out, step, (size_t)(p - step));
		strbuf_addstr(out, slug);
		step = p + 4;
	}
	strbuf_addstr(out, step);
}

static void
add_items(struct strbuf *out, const struct digest_item *items, size_t n,
	  size_t total, const char *base_url)
{
	for (size_t i = 0; i < n; i++) {
		const struct digest_item *it = &items[i];

		strbuf_addf(out, "* %s: %s (%s)\n  %s\n  Next step: ", it->deal,
			    it->rule, it->subject, it->message);
		add_step(out, notify_next_step(it->rule), it->deal);
		strbuf_addstr(out, "\n  ");
		notify_deal_link(base_url, it->deal, out);
		strbuf_addstr(out, "\n\n");
	}
	if (total > n)
		strbuf_addf(out, "... and %zu more (techwin check).\n\n",
			    total - n);
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void
notify_digest_text(const struct notify_digest *dg, const char *whose,
		   const char *base_url, const char *to,
		   struct strbuf *subject, struct strbuf *body)
{
	size_t open = dg->fresh_total + dg->open_total;

	strbuf_addf(subject, "techwin: %zu new %s, %zu open on %s",
		    dg->fresh_total, plural(dg->fresh_total, "error", "errors"),
		    open, whose);
	strbuf_addf(body, "New since the last digest: %zu %s on %s.\n\n",
		    dg->fresh_total, plural(dg->fresh_total, "error", "errors"),
		    whose);
	add_items(body, dg->fresh, dg->nfresh, dg->fresh_total, base_url);
	strbuf_addf(body, "Still open: %zu %s in all", open,
		    plural(open, "error", "errors"));
	if (dg->open_total)
		strbuf_addf(body, "; %zu of them from before:\n\n",
			    dg->open_total);
	else
		strbuf_addstr(body, ", all of them new.\n\n");
	add_items(body, dg->open, dg->nopen, dg->open_total, base_url);
	strbuf_addf(body, "-- \nSent by techwin notify to %s. To stop these "
		    "digests: techwin notify unsubscribe %s\n", to, to);
}

/* ---- events ------------------------------------------------------------- */

static const char *
jtext(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *
parse_payload(const struct notify_event *e, struct tw_error *err)
{
	json_t *o = json_loads(e->payload ? e->payload : "{}", 0, NULL);

	if (!json_is_object(o)) {
		json_decref(o);
		tw_error_set(err, TW_EINPUT,
			     "event %lld: its payload is not a JSON object",
			     e->id);
		return NULL;
	}
	return o;
}

static void
line_of(const struct notify_event *e, json_t *o, const char *base_url,
	struct strbuf *out)
{
	const char *t = e->type;

	if (!strcmp(t, "technical_win")) {
		json_t *steps = json_object_get(o, "steps"), *s;
		size_t i;

		strbuf_addf(out, "Technical win on %s (%s): every criterion "
			    "passed.", e->deal, jtext(o, "technical_win"));
		json_array_foreach(steps, i, s)
			strbuf_addf(out, "%s %s %s (%s)", i ? ";" : " Next:",
				    jtext(s, "title"), jtext(s, "date"),
				    json_is_true(json_object_get(s, "applied"))
					    ? "planned" : "proposed");
		if (json_array_size(steps))
			strbuf_addch(out, '.');
	} else if (!strcmp(t, "criterion.passed")) {
		json_t *h = json_object_get(o, "headroom_pct");

		strbuf_addf(out, "%s: criterion %s passed", e->deal,
			    jtext(o, "criterion"));
		if (json_is_number(h))
			strbuf_addf(out, " with %.1f%% headroom",
				    json_number_value(h));
		strbuf_addstr(out, ". Send the buying-signal message: ");
		if (base_url && *base_url) {
			size_t n = strlen(base_url);

			while (n && base_url[n - 1] == '/')
				n--;
			strbuf_addf(out, "%.*s%s", (int)n, base_url,
				    jtext(o, "message_path"));
		} else {
			strbuf_addstr(out, jtext(o, "message_command"));
		}
	} else if (!strcmp(t, "finding.new")) {
		strbuf_addf(out, "%s: new error %s (%s): %s Next step: ",
			    e->deal, jtext(o, "rule"), jtext(o, "subject"),
			    jtext(o, "message"));
		add_step(out, notify_next_step(jtext(o, "rule")), e->deal);
	} else if (!strcmp(t, "finding.resolved")) {
		strbuf_addf(out, "%s: resolved %s (%s)", e->deal,
			    jtext(o, "rule"), jtext(o, "subject"));
	} else {
		strbuf_addf(out, "%s: %s", *e->deal ? e->deal : "techwin", t);
	}
}

int
notify_event_line(const struct notify_event *e, const char *base_url,
		  struct strbuf *out, struct tw_error *err)
{
	json_t *o = parse_payload(e, err);

	if (!o)
		return TW_EINPUT;
	line_of(e, o, base_url, out);
	json_decref(o);
	return 0;
}

/* o dumped into out (o is taken). */
static int
dump(json_t *o, struct strbuf *out, struct tw_error *err)
{
	(void)err;
	json_emit_compact(o, out);
	return 0;
}

static json_t *
slack(const char *text)
{
	json_t *o = json_object(), *block = json_object(), *t = json_object();

	json_object_set_new(t, "type", json_string("mrkdwn"));
	json_object_set_new(t, "text", json_string(text));
	json_object_set_new(block, "type", json_string("section"));
	json_object_set_new(block, "text", t);
	json_object_set_new(o, "text", json_string(text));
	json_object_set_new(o, "blocks", json_pack("[o]", block));
	return o;
}

static int
bad_format(const char *format, struct tw_error *err)
{
	return tw_error_set(err, TW_EINPUT, "unknown webhook format '%s' "
			    "(known: slack, json)", format ? format : "");
}

int
notify_event_body(const char *format, const struct notify_event *e,
		  const char *base_url, struct strbuf *out,
		  struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *o, *body;
	int r;

	if (!format || (strcmp(format, "json") && strcmp(format, "slack")))
		return bad_format(format, err);
	if (!(o = parse_payload(e, err)))
		return TW_EINPUT;
	if (!strcmp(format, "slack")) {
		line_of(e, o, base_url, &sb);
		json_decref(o);
		r = dump(slack(sb.buf), out, err);
		strbuf_release(&sb);
		return r;
	}
	body = json_object();
	json_object_update(body, o);
	json_decref(o);
	json_object_set_new(body, "type", json_string(e->type));
	json_object_set_new(body, "id", json_integer(e->id));
	json_object_set_new(body, "at", json_string(e->at ? e->at : ""));
	json_object_set_new(body, "deal", *e->deal ? json_string(e->deal)
						   : json_null());
	if (*e->deal && base_url && *base_url) {
		notify_deal_link(base_url, e->deal, &sb);
		json_object_set_new(body, "url", json_string(sb.buf));
	}
	strbuf_release(&sb);
	return dump(body, out, err);
}

int
notify_text_body(const char *format, const char *text, const char *at,
		 struct strbuf *out, struct tw_error *err)
{
	if (format && !strcmp(format, "slack"))
		return dump(slack(text), out, err);
	if (format && !strcmp(format, "json"))
		return dump(json_pack("{s:s, s:n, s:s, s:n, s:s}", "type",
				      "test", "id", "at", at, "deal", "text",
				      text),
			    out, err);
	return bad_format(format, err);
}

int
notify_mail(const char *from, const char *to, const char *subject,
	    const char *body, time_t date, const char *message_id,
	    struct strbuf *out, struct tw_error *err)
{
	struct eml_draft m = { 0 };

	m.to_email = to;
	m.subject = subject;
	m.body = body;
	m.date = date;
	m.from_email = from;
	m.message_id = message_id;
	return eml_write(&m, out, err);
}
