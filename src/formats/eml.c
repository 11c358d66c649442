/*
 * The .eml draft writer (eml.h): RFC 5322 headers with RFC 2047
 * encoded-words where text is not plain ASCII, an RFC 2045 body (8bit, or
 * quoted-printable for lines over the 998-octet limit), CRLF everywhere.
 */
#include "formats/eml.h"
#include "util/utf8.h"

#include <string.h>

/* RFC 5322 2.1.1: a line is at most 998 octets, and should be 78. */
#define LINE_MAX_OCTETS 998
#define LINE_SOFT 78
/*
 * Octets of text per encoded-word: 39 octets are 52 base64 characters,
 * and with "=?UTF-8?B?" and "?=" the word is 64 long, so even the first
 * one fits after "Subject: " within 78 columns.
 */
#define WORD_OCTETS 39
/* RFC 2045 6.7: encoded lines at most 76 characters, the '=' included. */
#define QP_LINE 76

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64_add(struct strbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		strbuf_addch(out, b64[v >> 18 & 63]);
		strbuf_addch(out, b64[v >> 12 & 63]);
		strbuf_addch(out, i + 1 < n ? b64[v >> 6 & 63] : '=');
		strbuf_addch(out, i + 2 < n ? b64[v & 63] : '=');
	}
}

static bool
is_plain_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
			return true;
	return false;
}

/*
 * text as encoded-words separated by folding whitespace, never splitting a
 * UTF-8 sequence across two words (RFC 2047 section 5).
 */
static void
add_encoded_words(struct strbuf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t n = strlen(text);

	while (n) {
		size_t k = n < WORD_OCTETS ? n : WORD_OCTETS;

		while (k < n && k > 1 && (p[k] & 0xC0) == 0x80)
			k--;
		strbuf_addstr(out, "=?UTF-8?B?");
		base64_add(out, p, k);
		strbuf_addstr(out, "?=");
		p += k;
		n -= k;
		if (n)
			strbuf_addstr(out, "\r\n ");
	}
}

/*
 * An unstructured ASCII header value, folded before a space when the line
 * would pass 78 columns (a word longer than that stays whole).
 */
static void
add_folded(struct strbuf *out, size_t col, const char *text)
{
	const char *p = text;

	while (col + strlen(p) > LINE_SOFT) {
		const char *cut = NULL;

		for (const char *q = p + 1;
		     *q && col + (size_t)(q - p) <= LINE_SOFT; q++)
			if (*q == ' ')
				cut = q;
		if (!cut)
			break;
		strbuf_add(out, p, (size_t)(cut - p));
		strbuf_addstr(out, "\r\n");
		p = cut;
		col = 0;
	}
	strbuf_addstr(out, p);
}

/*
 * Text that looks like an encoded-word would be decoded by the reader, so
 * plain ASCII containing "=?" is encoded too.
 */
static bool
needs_encoding(const char *s)
{
	return !is_plain_ascii(s) || strstr(s, "=?");
}

bool
eml_address_is_valid(const char *addr)
{
	const char *at = strchr(addr, '@');

	if (!at || at == addr || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const char *p = addr; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f || strchr("<>()[]\\,;:\"", c))
			return false;
	}
	if (at[1] == '.' || addr[strlen(addr) - 1] == '.' ||
	    strstr(at, ".."))
		return false;
	return true;
}

static void
add_date(struct strbuf *out, time_t t)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
		"Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	/* Names by hand: strftime's %a and %b follow the locale. */
	gmtime_r(&t, &tm);
	strbuf_addf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* "Header: name <email>" with the name quoted or as encoded-words. */
static void
add_address(struct strbuf *out, const char *header, const char *name,
	    const char *email)
{
	strbuf_addf(out, "%s: ", header);
	if (name && *name) {
		if (needs_encoding(name)) {
			add_encoded_words(out, name);
		} else {
			strbuf_addch(out, '"');
			for (const char *p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					strbuf_addch(out, '\\');
				strbuf_addch(out, *p);
			}
			strbuf_addch(out, '"');
		}
		strbuf_addch(out, ' ');
	}
	strbuf_addf(out, "<%s>\r\n", email);
}

/* FNV-1a over s and a separator, continuing from h. */
static unsigned long long
fnv1a(unsigned long long h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

static void
add_message_id(struct strbuf *out, const struct eml_draft *m)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	struct tm tm;

	h = fnv1a(h, m->from_email);
	h = fnv1a(h, m->to_email);
	h = fnv1a(h, m->subject);
	h = fnv1a(h, m->body);
	gmtime_r(&m->date, &tm);
	strbuf_addf(out,
		    "Message-ID: <techwin.%04d%02d%02d%02d%02d%02d.%016llx%s>"
		    "\r\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, h, strchr(m->from_email, '@'));
}

/* Longest line of text in octets, counting "\r\n" and "\n" as breaks. */
static size_t
longest_line(const char *text)
{
	size_t max = 0, cur = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n' || *p == '\r') {
			if (*p == '\r' && p[1] == '\n')
				p++;
			cur = 0;
			continue;
		}
		if (++cur > max)
			max = cur;
	}
	return max;
}

/* One line of the body: "\r\n", "\n" or a lone "\r" end it. */
static const char *
next_line(const char *p, size_t *len)
{
	const char *e = p + strcspn(p, "\r\n");

	*len = (size_t)(e - p);
	if (*e == '\r' && e[1] == '\n')
		return e + 2;
	return *e ? e + 1 : e;
}

static void
add_body_8bit(struct strbuf *out, const char *body)
{
	const char *p = body;

	while (*p) {
		size_t n;
		const char *next = next_line(p, &n);

		strbuf_add(out, p, n);
		strbuf_addstr(out, "\r\n");
		p = next;
	}
}

static void
add_body_qp(struct strbuf *out, const char *body)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p = body;

	while (*p) {
		size_t n, col = 0;
		const char *next = next_line(p, &n);

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)p[i];
			bool last = i + 1 == n;
			char tok[4];
			size_t len;

			/* Trailing white space would be stripped in transit. */
			if ((c >= 33 && c <= 126 && c != '=') ||
			    ((c == ' ' || c == '\t') && !last)) {
				tok[0] = (char)c;
				len = 1;
			} else {
				tok[0] = '=';
				tok[1] = hex[c >> 4];
				tok[2] = hex[c & 15];
				len = 3;
			}
			/* Leave room for the soft break's '='. */
			if (col + len > QP_LINE - 1 &&
			    !(last && col + len <= QP_LINE)) {
				strbuf_addstr(out, "=\r\n");
				col = 0;
			}
			strbuf_add(out, tok, len);
			col += len;
		}
		strbuf_addstr(out, "\r\n");
		p = next;
	}
}

int
eml_write(const struct eml_draft *m, struct strbuf *out, struct tw_error *err)
{
	const char *subject = m->subject ? m->subject : "";
	const char *body = m->body ? m->body : "";
	bool qp;

	if (!m->to_email || !eml_address_is_valid(m->to_email))
		return tw_error_set(err, TW_EINPUT,
				    "invalid email address '%s'",
				    m->to_email ? m->to_email : "");
	if (m->to_name && (has_control(m->to_name) ||
			   !utf8_valid(m->to_name)))
		return tw_error_set(err, TW_EINPUT,
				    "the recipient's name has control "
				    "characters or is not UTF-8");
	if (has_control(subject) || !utf8_valid(subject))
		return tw_error_set(err, TW_EINPUT,
				    "the subject has control characters or is "
				    "not UTF-8");
	if (!utf8_valid(body))
		return tw_error_set(err, TW_EINPUT,
				    "the message body is not UTF-8");

	if (!m->from_email || !eml_address_is_valid(m->from_email))
		return tw_error_set(err, TW_EINPUT,
				    "invalid sender address '%s'",
				    m->from_email ? m->from_email : "");
	if (m->from_name && (has_control(m->from_name) ||
			     !utf8_valid(m->from_name)))
		return tw_error_set(err, TW_EINPUT,
				    "the sender's name has control "
				    "characters or is not UTF-8");
	if (m->message_id && (has_control(m->message_id) ||
			      strpbrk(m->message_id, "<> ") ||
			      !strchr(m->message_id, '@')))
		return tw_error_set(err, TW_EINPUT, "invalid Message-ID '%s'",
				    m->message_id);

	qp = m->message_id || longest_line(body) > LINE_MAX_OCTETS;
	add_date(out, m->date);
	add_address(out, "From", m->from_name, m->from_email);
	add_address(out, "To", m->to_name, m->to_email);
	if (m->message_id)
		strbuf_addf(out, "Message-ID: <%s>\r\n", m->message_id);
	else
		add_message_id(out, m);
	strbuf_addstr(out, "Subject: ");
	if (needs_encoding(subject))
		add_encoded_words(out, subject);
	else
		add_folded(out, strlen("Subject: "), subject);
	strbuf_addstr(out, "\r\n");
	strbuf_addstr(out, "MIME-Version: 1.0\r\n"
			   "Content-Type: text/plain; charset=UTF-8\r\n");
	strbuf_addf(out, "Content-Transfer-Encoding: %s\r\n",
		    qp ? "quoted-printable" : "8bit");
	strbuf_addstr(out, m->message_id ? "\r\n" : "X-Unsent: 1\r\n\r\n");
	if (qp)
		add_body_qp(out, body);
	else
		add_body_8bit(out, body);
	return 0;
}
