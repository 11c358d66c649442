/*
 * What techwin notify sends, as pure functions (no store, no network): the
 * daily e-mail digest of a subscription, an event as a webhook's body in
 * the "json" or "slack" format, and the RFC 5322 message around a text.
 */
#ifndef TW_NOTIFY_FORMAT_H
#define TW_NOTIFY_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/error.h"
#include "util/strbuf.h"

/* A digest lists at most this many findings of each kind. */
#define DIGEST_LIST_MAX 50

/* What to do about a finding of rule (a sentence; never NULL). */
const char *notify_next_step(const char *rule);

/* base_url + "/deals/" + slug, or "techwin check SLUG" without a base. */
void notify_deal_link(const char *base_url, const char *slug,
		      struct strbuf *out);

struct digest_item {
	char *deal, *rule, *subject, *message;
};

/* One subscription's digest: new errors first, then the others open. */
struct notify_digest {
	struct digest_item *fresh, *open;	/* the listed ones */
	size_t nfresh, nopen, fresh_alloc, open_alloc;
	size_t fresh_total, open_total;	/* listed or not */
};

/* Count one open error; list it while fewer than DIGEST_LIST_MAX are. */
void notify_digest_add(struct notify_digest *dg, bool fresh, const char *deal,
		       const char *rule, const char *subject,
		       const char *message);
void notify_digest_release(struct notify_digest *dg);

/*
 * The digest's subject and plain-text body: the new errors, each with its
 * next step and a link, then the count of errors still open and those of
 * them not new, the same way. whose says whose deals ("the deals where
 * Priya Raman is the SE"); to is the subscriber, for the footer.
 */
void notify_digest_text(const struct notify_digest *dg, const char *whose,
			const char *base_url, const char *to,
			struct strbuf *subject, struct strbuf *body);

/* An outbox event, as the webhook formats read it. */
struct notify_event {
	long long id;
	const char *type, *deal, *at;
	const char *payload;	/* a JSON object */
};

/* One line about the event, for people: a Slack text, a test. */
int notify_event_line(const struct notify_event *e, const char *base_url,
		      struct strbuf *out, struct tw_error *err);

/*
 * The event as a webhook's POST body: "json" is {"type", "id", "at",
 * "deal", "url", ...the payload's fields}, "slack" {"text", "blocks"}
 * (Mattermost and Teams incoming webhooks take the same). TW_EINPUT for
 * a payload that is not a JSON object or an unknown format.
 */
int notify_event_body(const char *format, const struct notify_event *e,
		      const char *base_url, struct strbuf *out,
		      struct tw_error *err);

/* A plain message as a slack or json body (notify test). */
int notify_text_body(const char *format, const char *text, const char *at,
		     struct strbuf *out, struct tw_error *err);

/*
 * The e-mail to send: Date, From, To, Subject, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=UTF-8, quoted-printable, CRLF.
 */
int notify_mail(const char *from, const char *to, const char *subject,
		const char *body, time_t date, const char *message_id,
		struct strbuf *out, struct tw_error *err);

#endif
