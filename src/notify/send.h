/*
 * Sending what techwin notify queued, with libcurl: an e-mail over SMTP
 * (smtp:// with STARTTLS when the server offers it, or smtps://) and a
 * webhook's POST over HTTP(S), TLS verified, with connect and total
 * timeouts. Nothing here speaks a protocol by hand. This is the notify
 * module (techwin-notify.so): commands that send nothing do not load
 * libcurl.
 */
#ifndef TW_NOTIFY_SEND_H
#define TW_NOTIFY_SEND_H

#include <stddef.h>

#include "util/error.h"

/* Seconds to connect, and for a whole transfer. */
#define NOTIFY_CONNECT_TIMEOUT 10
#define NOTIFY_TOTAL_TIMEOUT 30

struct notify_smtp {
	const char *url;		/* smtp://host[:port] or smtps://... */
	const char *user, *password;	/* NULL: no login */
	const char *from, *to;		/* envelope addresses */
};

/* Send message (RFC 5322, CRLF). TW_ESTORE with curl's reason on failure. */
int notify_smtp_send(const struct notify_smtp *s, const char *message,
		     size_t len, struct tw_error *err);

struct notify_post {
	const char *url;		/* http:// or https:// */
	const char *body;		/* JSON */
	const char *delivery_id;	/* X-Techwin-Delivery */
	const char *secret;		/* NULL: no X-Techwin-Signature */
};

/*
 * POST p->body as application/json. 0 on a 2xx answer; TW_ESTORE naming
 * the status or curl's reason otherwise.
 */
int notify_http_post(const struct notify_post *p, struct tw_error *err);

/* "sha256=" and the hex HMAC-SHA256 of body with secret (libsodium). */
#define NOTIFY_SIGNATURE_SIZE (7 + 64 + 1)
void notify_signature(const char *secret, const char *body, size_t len,
		      char out[NOTIFY_SIGNATURE_SIZE]);

#endif
