/*
 * RFC 5322 message drafts (.eml): a champion message as a file a mail client
 * opens ready to edit and send. UTF-8 throughout: the subject and a
 * non-ASCII display name as RFC 2047 encoded-words, the body as 8bit text
 * (quoted-printable when a line is too long for 8bit), CRLF line endings,
 * a From (RFC 5322 requires one) and a Message-ID, and X-Unsent: 1 so
 * clients open it as a draft rather than a received message.
 */
#ifndef TW_EML_H
#define TW_EML_H

#include <stdbool.h>
#include <time.h>

#include "util/error.h"
#include "util/strbuf.h"

struct eml_draft {
	const char *to_name;	/* display name, or NULL */
	const char *to_email;	/* addr-spec: local@domain */
	const char *subject;	/* UTF-8, one line */
	const char *body;	/* UTF-8, LF or CRLF line endings */
	time_t date;		/* the Date header, in UTC */
	const char *from_name;	/* the sender's display name, or NULL */
	const char *from_email;	/* addr-spec: local@domain */
	/*
	 * A message to send rather than a draft (notify): its Message-ID
	 * (without the angle brackets); then no X-Unsent and a
	 * quoted-printable body, which any SMTP server relays as it is.
	 * NULL: a draft, whose Message-ID is made from its contents.
	 */
	const char *message_id;
};

/*
 * Append the draft to out. TW_EINPUT for an address that is not a plain
 * local@domain, a name or subject with control characters, or text that is
 * not UTF-8 (so a header cannot be injected through a deal's fields). The
 * Message-ID is <techwin.TIME.HASH@DOMAIN>: the time of date, a digest of
 * the draft and the sender's domain, so the same draft written twice has
 * the same id and two drafts have two.
 */
int eml_write(const struct eml_draft *m, struct strbuf *out,
	      struct tw_error *err);

/* local@domain with no spaces, quotes, brackets or control characters. */
bool eml_address_is_valid(const char *addr);

#endif
