/*
 * Queuing and sending alerts (notify-run.h): the digests and webhook
 * events become deliveries in one transaction; each delivery is then sent
 * through the notify module, marked sending before and sent after.
 */
#include "cli/notify-run.h"
#include "formats/notify-format.h"
#include "notify/send.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "util/keymap.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Events read from the outbox at a time. */
#define EVENT_PAGE 1000

/* ---- settings ----------------------------------------------------------- */

static int
get(struct store *st, const char *key, const char *def, char **out,
    struct tw_error *err)
{
	int r = store_setting_get(st, key, out, err);

	if (r == 0 && !*out && def)
		*out = xstrdup(def);
	return r;
}

/* The password file's first line. */
static int
read_password(const char *path, char **out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[256];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (!fp)
		return tw_error_set(err, TW_EINPUT, "notify.smtp_password_file: "
				    "cannot read '%s': %s", path,
				    strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	sb.buf[strcspn(sb.buf, "\r\n")] = '\0';
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

int
notify_settings_load(struct store *st, struct notify_settings *ns,
		     struct tw_error *err)
{
	const char *env = getenv("TECHWIN_SMTP_PASSWORD");
	char *file = NULL;
	int r;

	memset(ns, 0, sizeof(*ns));
	if ((r = get(st, "notify.smtp_url", NULL, &ns->smtp_url, err)) < 0 ||
	    (r = get(st, "notify.smtp_user", NULL, &ns->smtp_user, err)) < 0 ||
	    (r = get(st, "notify.from", NULL, &ns->from, err)) < 0 ||
	    (r = get(st, "notify.base_url", NULL, &ns->base_url, err)) < 0 ||
	    (r = get(st, "notify.digest_at", "08:00", &ns->digest_at,
		     err)) < 0 ||
	    (r = get(st, "notify.timezone", "UTC", &ns->timezone, err)) < 0 ||
	    (r = get(st, "notify.smtp_password_file", NULL, &file, err)) < 0)
		return r;
	if (env && *env)
		ns->smtp_password = xstrdup(env);
	else if (file)
		r = read_password(file, &ns->smtp_password, err);
	free(file);
	return r;
}

void
notify_settings_release(struct notify_settings *ns)
{
	if (ns->smtp_password)
		explicit_bzero(ns->smtp_password, strlen(ns->smtp_password));
	free(ns->smtp_password);
	free(ns->smtp_url);
	free(ns->smtp_user);
	free(ns->from);
	free(ns->base_url);
	free(ns->digest_at);
	free(ns->timezone);
	memset(ns, 0, sizeof(*ns));
}

int
notify_settings_mail_ok(const struct notify_settings *ns,
			struct tw_error *err)
{
	if (!ns->smtp_url)
		return tw_error_set(err, TW_EINPUT, "e-mail needs a server: "
				    "techwin config set notify.smtp_url "
				    "smtp://HOST:PORT");
	if (!ns->from)
		return tw_error_set(err, TW_EINPUT, "e-mail needs a sender: "
				    "techwin config set notify.from ADDRESS");
	return 0;
}

/* ---- digests ------------------------------------------------------------ */

/* The newest finding.new event of each deal, rule and subject. */
struct fresh_map {
	struct keymap map;
	char **keys;
	long long *ids;
	size_t n, alloc, ids_alloc;
};

static void
fresh_key(struct strbuf *sb, const char *deal, const char *rule,
	  const char *subject)
{
	strbuf_reset(sb);
	strbuf_addf(sb, "%s%c%s%c%s", deal ? deal : "", 0x1f,
		    rule ? rule : "", 0x1f, subject ? subject : "");
}

static void
fresh_add(struct fresh_map *fm, const struct outbox_event *e,
	  struct strbuf *key)
{
	json_t *o = json_loads(e->payload, 0, NULL);
	size_t at;

	if (!o)
		return;
	fresh_key(key, e->deal, json_string_value(json_object_get(o, "rule")),
		  json_string_value(json_object_get(o, "subject")));
	json_decref(o);
	at = keymap_get_str(&fm->map, key->buf);
	if (at != KEYMAP_NONE) {
		fm->ids[at] = e->id;
		return;
	}
	ALLOC_GROW(fm->keys, fm->n + 1, fm->alloc);
	ALLOC_GROW(fm->ids, fm->n + 1, fm->ids_alloc);
	fm->keys[fm->n] = xstrdup(key->buf);
	fm->ids[fm->n] = e->id;
	keymap_add_str(&fm->map, fm->keys[fm->n], fm->n);
	fm->n++;
}

static void
fresh_release(struct fresh_map *fm)
{
	keymap_release(&fm->map);
	for (size_t i = 0; i < fm->n; i++)
		free(fm->keys[i]);
	free(fm->keys);
	free(fm->ids);
	memset(fm, 0, sizeof(*fm));
}

/* The finding.new events after after, into fm. */
static int
fresh_load(struct store *st, long long after, struct fresh_map *fm,
	   struct tw_error *err)
{
	struct strbuf key = STRBUF_INIT;
	struct outbox_list l;
	size_t n;
	int r;

	do {
		if ((r = store_outbox_since(st, after, EVENT_PAGE, &l, err)) < 0)
			break;
		for (size_t i = 0; i < l.n; i++)
			if (!strcmp(l.items[i].type, NOTIFY_FINDING_NEW))
				fresh_add(fm, &l.items[i], &key);
		if ((n = l.n))
			after = l.items[n - 1].id;
		outbox_list_release(&l);
	} while (n);
	strbuf_release(&key);
	return r;
}

struct digest_walk {
	const struct notify_sub *subs;
	const bool *due;
	struct notify_digest *dg;
	size_t nsubs;
	const struct fresh_map *fm;
	struct strbuf key;
};

static int
digest_row(const char *const *c, size_t ncols, void *arg,
	   struct tw_error *err)
{
	struct digest_walk *w = arg;
	long long eid = 0;
	size_t at;

	(void)ncols, (void)err;
	if (w->fm->n) {
		fresh_key(&w->key, c[0], c[3], c[4]);
		at = keymap_get_str(&w->fm->map, w->key.buf);
		eid = at == KEYMAP_NONE ? 0 : w->fm->ids[at];
	}
	for (size_t i = 0; i < w->nsubs; i++) {
		const struct notify_sub *s = &w->subs[i];

		if (!w->due[i] || !notify_scope_has(&s->scope, c[1], c[2]))
			continue;
		notify_digest_add(&w->dg[i],
				  !s->has_cursor || eid > s->last_event, c[0],
				  c[3], c[4], c[5]);
	}
	return 0;
}

static void
whose(const struct notify_scope *s, struct strbuf *out)
{
	if (!strcmp(s->scope, "all"))
		strbuf_addstr(out, "every deal");
	else
		strbuf_addf(out, "the deals where %s is the %s", s->name,
			    !strcmp(s->scope, "se") ? "SE" : "AE");
}

/* The domain of an address, for Message-IDs. */
static const char *
domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;

	return at ? at + 1 : "techwin.invalid";
}

/* Queue the digest dg for s (when not empty) and mark s as sent. */
static int
queue_digest(struct store *st, const struct notify_settings *ns,
	     const struct notify_sub *s, const struct notify_digest *dg,
	     long long last, tw_date today, bool dry_run, FILE *out,
	     struct notify_report *rep, struct tw_error *err)
{
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	struct strbuf who = STRBUF_INIT, msg = STRBUF_INIT;
	struct notify_delivery d = { 0 };
	char id[NOTIFY_ID_SIZE], day[DATE_BUFSZ], mid[128];
	int r = 0;

	if (dg->fresh_total) {
		whose(&s->scope, &who);
		notify_digest_text(dg, who.buf, ns->base_url, s->email,
				   &subject, &body);
		if ((r = store_delivery_id(id, err)) == 0) {
			snprintf(mid, sizeof(mid), "%s@%s", id,
				 domain_of(ns->from));
			r = notify_mail(ns->from ? ns->from
						 : "techwin@techwin.invalid",
					s->email, subject.buf, body.buf,
					date_now_fixed(), mid, &msg, err);
		}
		d.id = id;
		d.target_kind = "email";
		d.target = s->email;
		d.kind = "digest";
		d.subject = subject.buf;
		d.body = msg.buf;
		d.created = (long long)date_now_fixed();
		if (r == 0 && dry_run)
			fprintf(out, "would send a digest to %s: %s\n",
				s->email, subject.buf);
		if (r == 0)
			r = store_delivery_add(st, &d, err);
		if (r == 0)
			rep->queued++;
	}
	if (r == 0)
		r = store_sub_mark(st, s->email, last, date_format(today, day),
				   err);
	strbuf_release(&subject);
	strbuf_release(&body);
	strbuf_release(&who);
	strbuf_release(&msg);
	return r;
}

static int
queue_digests(struct store *st, const struct notify_settings *ns,
	      const struct notify_sub_list *subs, const bool *due,
	      long long last, tw_date today, bool dry_run, FILE *out,
	      struct notify_report *rep, struct tw_error *err)
{
	struct notify_digest *dg = xcalloc(subs->n + 1, sizeof(*dg));
	struct fresh_map fm = { KEYMAP_INIT, NULL, NULL, 0, 0, 0 };
	struct digest_walk w = { subs->items, due, dg, subs->n, &fm,
				 STRBUF_INIT };
	long long from = last;
	int r;

	/* The oldest cursor: events after it may be new to someone. */
	for (size_t i = 0; i < subs->n; i++)
		if (due[i] && subs->items[i].has_cursor &&
		    subs->items[i].last_event < from)
			from = subs->items[i].last_event;
	r = from < last ? fresh_load(st, from, &fm, err) : 0;
	if (r == 0)
		r = store_open_errors(st, digest_row, &w, err);
	for (size_t i = 0; i < subs->n && r == 0; i++)
		if (due[i])
			r = queue_digest(st, ns, &subs->items[i], &dg[i], last,
					 today, dry_run, out, rep, err);
	for (size_t i = 0; i < subs->n; i++)
		notify_digest_release(&dg[i]);
	free(dg);
	fresh_release(&fm);
	strbuf_release(&w.key);
	return r;
}

/* ---- webhook events ----------------------------------------------------- */

static int
queue_hook(struct store *st, const struct notify_settings *ns,
	   const struct notify_hook *h, bool dry_run, FILE *out,
	   struct notify_report *rep, struct tw_error *err)
{
	long long after = h->last_event;
	struct outbox_list l;
	size_t n;
	int r;

	do {
		if ((r = store_outbox_since(st, after, EVENT_PAGE, &l, err)) < 0)
			return r;
		for (size_t i = 0; i < l.n && r == 0; i++) {
			const struct outbox_event *e = &l.items[i];
			struct notify_event ev = { e->id, e->type, e->deal,
						   e->at, e->payload };
			struct notify_delivery d = { 0 };
			struct strbuf body = STRBUF_INIT;

			if (!notify_scope_has(&h->scope, e->se, e->ae))
				continue;
			r = notify_event_body(h->format, &ev, ns->base_url,
					      &body, err);
			d.target_kind = "webhook";
			d.target = h->name;
			d.kind = e->type;
			d.event_id = e->id;
			d.body = body.buf;
			d.created = (long long)date_now_fixed();
			if (r == 0)
				r = store_delivery_add(st, &d, err);
			if (r == 0 && dry_run)
				fprintf(out, "would send %s (event %lld) to "
					"webhook %s\n", e->type, e->id,
					h->name);
			if (r == 0)
				rep->queued++;
			free(d.id);
			strbuf_release(&body);
		}
		if ((n = l.n))
			after = l.items[n - 1].id;
		outbox_list_release(&l);
	} while (r == 0 && n);
	if (r == 0 && after != h->last_event)
		r = store_hook_mark(st, h->name, after, err);
	return r;
}

int
notify_queue(struct store *st, const struct notify_settings *ns,
	     tw_date today, bool digests, bool only_due, bool dry_run,
	     FILE *out, struct notify_report *rep, struct tw_error *err)
{
	struct notify_sub_list subs = { 0 };
	struct notify_hook_list hooks = { 0 };
	char day[DATE_BUFSZ];
	long long last = 0;
	bool *due = NULL, any = false;
	int r;

	if ((r = store_sub_list(st, &subs, err)) < 0 ||
	    (r = store_hook_list(st, &hooks, err)) < 0 ||
	    (r = store_outbox_last(st, &last, err)) < 0)
		goto out;
	date_format(today, day);
	due = xcalloc(subs.n + 1, sizeof(*due));
	for (size_t i = 0; digests && i < subs.n; i++) {
		const char *on = subs.items[i].last_digest_on;

		due[i] = !only_due || !on || strcmp(on, day);
		any = any || due[i];
	}
	for (size_t i = 0; i < hooks.n; i++)
		any = any || hooks.items[i].last_event < last;
	/* Nothing to queue: no write, not even the lock. */
	if (!any)
		goto out;
	/*
	 * The findings as of today first, kept as check keeps them (a
	 * dry run too: it is what check would write), then queue.
	 */
	if (digests && (r = store_eval_refresh(st, today, err)) < 0)
		goto out;
	if ((r = store_begin(st, err)) < 0)
		goto out;
	/* Events the refresh wrote belong in this run. */
	r = store_outbox_last(st, &last, err);
	if (r == 0 && digests)
		r = queue_digests(st, ns, &subs, due, last, today, dry_run,
				  out, rep, err);
	for (size_t i = 0; i < hooks.n && r == 0; i++)
		r = queue_hook(st, ns, &hooks.items[i], dry_run, out, rep, err);
	if (r == 0 && !dry_run)
		r = store_commit(st, err);
	else
		store_rollback(st);
out:
	free(due);
	notify_sub_list_release(&subs);
	notify_hook_list_release(&hooks);
	return r;
}

/* ---- sending ------------------------------------------------------------ */

static int
send_mail(const struct notify_settings *ns, const char *to, const char *msg,
	  struct tw_error *err)
{
	struct notify_smtp s = { ns->smtp_url, ns->smtp_user,
				 ns->smtp_password, ns->from, to };
	int r;

	if ((r = notify_settings_mail_ok(ns, err)) < 0)
		return r;
	return notify_smtp_send(&s, msg, strlen(msg), err);
}

static int
send_one(struct store *st, const struct notify_settings *ns,
	 const struct notify_delivery *d, struct tw_error *err)
{
	struct notify_hook h;
	struct notify_post p;
	int r;

	if (!strcmp(d->target_kind, "email"))
		return send_mail(ns, d->target, d->body, err);
	if ((r = store_hook_get(st, d->target, &h, err)) < 0) {
		if (r == TW_ENOTFOUND)
			tw_error_set(err, TW_ESTORE, "webhook '%s' was "
				     "removed", d->target);
		return TW_ESTORE;
	}
	p.url = h.url;
	p.body = d->body;
	p.delivery_id = d->id;
	p.secret = h.secret;
	r = notify_http_post(&p, err);
	notify_hook_release(&h);
	return r;
}

/* Seconds to wait after the nth failed try: 1 min, doubling, capped. */
static long long
backoff(int attempts)
{
	long long s = 60;

	for (int i = 1; i < attempts && s < NOTIFY_BACKOFF_MAX; i++)
		s *= 2;
	return s < NOTIFY_BACKOFF_MAX ? s : NOTIFY_BACKOFF_MAX;
}

static void
describe(const struct notify_delivery *d, struct strbuf *sb)
{
	if (!strcmp(d->target_kind, "email"))
		strbuf_addf(sb, "%s to %s", d->kind, d->target);
	else
		strbuf_addf(sb, "%s (event %lld) to webhook %s", d->kind,
			    d->event_id, d->target);
}

int
notify_send_due(struct store *st, const struct notify_settings *ns,
		time_t now, FILE *out, const atomic_bool *stop,
		struct notify_report *rep, struct tw_error *err)
{
	struct notify_delivery_list l;
	int r;

	if ((r = store_delivery_due(st, (long long)now, &l, err)) < 0)
		return r;
	for (size_t i = 0; i < l.n && r == 0; i++) {
		const struct notify_delivery *d = &l.items[i];
		struct strbuf what = STRBUF_INIT;
		struct tw_error e = { 0 };
		int attempts = d->attempts + 1;
		long long t;

		if (stop && atomic_load(stop))
			break;
		describe(d, &what);
		/* Sending: a kill from here on resends it, with its id. */
		r = store_delivery_set(st, d->id, "sending", attempts,
				       d->next_try, d->last_error, err);
		if (r == 0 && send_one(st, ns, d, &e) == 0) {
			r = store_delivery_set(st, d->id, "sent", attempts,
					       d->next_try, NULL, err);
			if (r == 0 && out)
				fprintf(out, "sent %s\n", what.buf);
			if (r == 0)
				rep->sent++;
		} else if (r == 0) {
			t = (long long)date_now_fixed();
			if (t - d->created >= NOTIFY_GIVE_UP) {
				r = store_delivery_set(st, d->id, "failed",
						       attempts, t, e.msg, err);
				if (r == 0 && out)
					fprintf(out, "failed %s: %s (a day "
						"of tries: given up)\n",
						what.buf, e.msg);
				rep->failed++;
			} else {
				r = store_delivery_set(st, d->id, "queued",
						       attempts,
						       t + backoff(attempts),
						       e.msg, err);
				if (r == 0 && out)
					fprintf(out, "failed %s: %s (queued "
						"for another try)\n",
						what.buf, e.msg);
				rep->retry++;
			}
		}
		tw_error_clear(&e);
		strbuf_release(&what);
	}
	notify_delivery_list_release(&l);
	return r;
}

int
notify_send_test(struct store *st, const struct notify_settings *ns,
		 const char *target, struct tw_error *err)
{
	static const char text[] =
		"This is a test message from techwin notify: alerts reach "
		"this address.";
	struct strbuf msg = STRBUF_INIT;
	char id[NOTIFY_ID_SIZE], mid[128], at[32];
	struct notify_hook h;
	struct notify_post p;
	time_t now = date_now_fixed();
	struct tm tm;
	int r;

	if ((r = store_delivery_id(id, err)) < 0)
		return r;
	if (strchr(target, '@')) {
		if ((r = notify_settings_mail_ok(ns, err)) < 0)
			return r;
		snprintf(mid, sizeof(mid), "%s@%s", id, domain_of(ns->from));
		r = notify_mail(ns->from, target, "techwin: test message", text,
				now, mid, &msg, err);
		if (r == 0)
			r = send_mail(ns, target, msg.buf, err);
		strbuf_release(&msg);
		return r;
	}
	if ((r = store_hook_get(st, target, &h, err)) < 0) {
		if (r == TW_ENOTFOUND)
			tw_error_set(err, TW_ENOTFOUND, "no webhook named '%s' "
				     "and not an e-mail address (see techwin "
				     "notify list)", target);
		return r;
	}
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	r = notify_text_body(h.format, text, at, &msg, err);
	p.url = h.url;
	p.body = msg.buf;
	p.delivery_id = id;
	p.secret = h.secret;
	if (r == 0)
		r = notify_http_post(&p, err);
	notify_hook_release(&h);
	strbuf_release(&msg);
	return r;
}

/* ---- serve's sender ----------------------------------------------------- */

/* One round: queue what is due, send it. */
static int
serve_round(struct store *st, const atomic_bool *stop, struct tw_error *err)
{
	struct notify_settings ns;
	struct notify_report rep = { 0 };
	struct workspace ws;
	struct holidays h;
	tw_date day;
	int minute, at_h = 8, at_m = 0, r;
	bool digests;

	if ((r = notify_settings_load(st, &ns, err)) < 0)
		return r;
	date_local(ns.timezone, date_now_fixed(), &day, &minute);
	sscanf(ns.digest_at, "%d:%d", &at_h, &at_m);
	if ((r = workspace_load(st, &ws, err)) == 0) {
		h = workspace_days(&ws);
		digests = minute >= at_h * 60 + at_m &&
			  date_is_business_day(day, &h);
		r = notify_queue(st, &ns, day, digests, true, false, NULL,
				 &rep, err);
	}
	workspace_release(&ws);
	if (r == 0)
		r = notify_send_due(st, &ns, date_now_fixed(), NULL, stop,
				    &rep, err);
	notify_settings_release(&ns);
	return r;
}

void
notify_serve_loop(const char *db, const atomic_bool *stop)
{
	const char *env = getenv("TECHWIN_NOTIFY_INTERVAL");
	int interval = env && atoi(env) > 0 ? atoi(env) : 5;
	struct tw_error err = { 0 };
	char last[sizeof(err.msg)] = "";
	struct store *st;

	if (store_open(&st, db, STORE_OPEN_EXISTING, "techwin-notify",
		       &err) < 0) {
		fprintf(stderr, "techwin: notify: %s: alerts are not sent\n",
			err.msg);
		return;
	}
	while (!atomic_load(stop)) {
		if (serve_round(st, stop, &err) < 0 && strcmp(err.msg, last)) {
			/* Each new error once, not every round. */
			fprintf(stderr, "techwin: notify: %s\n", err.msg);
			snprintf(last, sizeof(last), "%s", err.msg);
		}
		tw_error_clear(&err);
		for (int i = 0; i < interval * 10 && !atomic_load(stop); i++)
			usleep(100000);
	}
	store_close(st);
}
