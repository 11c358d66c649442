/*
 * Unit tests for src/formats/eml.c: every draft is parsed back by a small
 * independent reader (CRLF line ends, unfolded headers, RFC 2047 B and
 * quoted-printable decoding), so the tests check what a mail client would
 * see rather than the writer's own strings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "formats/eml.h"
#include "util/xalloc.h"

/* 2026-11-26T12:00:00Z */
#define THURSDAY_NOON ((time_t)1795694400)

struct parsed {
	struct strbuf headers;	/* unfolded, one "Name: value\n" each */
	struct strbuf body;	/* decoded, LF line ends */
};

/* Every LF is preceded by CR and there is no bare CR. */
static void
assert_crlf_only(const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\n')
			assert_true(i > 0 && s[i - 1] == '\r');
		if (s[i] == '\r')
			assert_int_equal(s[i + 1], '\n');
	}
}

static int
b64_value(char c)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				"abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = strchr(t, c);

	return c && p ? (int)(p - t) : -1;
}

static void
b64_decode(struct strbuf *out, const char *s, size_t n)
{
	unsigned long acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n && s[i] != '='; i++) {
		int v = b64_value(s[i]);

		assert_true(v >= 0);
		acc = acc << 6 | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addch(out, (int)(acc >> bits & 0xff));
		}
	}
}

/*
 * Decode the encoded-words of a header value; white space between two
 * adjacent encoded-words is dropped, as RFC 2047 section 6.2 says.
 */
static char *
decode_words(const char *v)
{
	struct strbuf out = STRBUF_INIT, pending = STRBUF_INIT;
	bool after_word = false;

	while (*v) {
		if (!strncmp(v, "=?UTF-8?B?", 10)) {
			const char *end = strstr(v + 10, "?=");

			assert_non_null(end);
			/* An encoded-word is at most 75 characters. */
			assert_true(end + 2 - v <= 75);
			if (!after_word)
				strbuf_addstr(&out, pending.buf);
			strbuf_reset(&pending);
			b64_decode(&out, v + 10, (size_t)(end - v - 10));
			v = end + 2;
			after_word = true;
		} else if (*v == ' ' || *v == '\t') {
			strbuf_addch(&pending, *v++);
		} else {
			strbuf_addstr(&out, pending.buf);
			strbuf_reset(&pending);
			strbuf_addch(&out, *v++);
			after_word = false;
		}
	}
	strbuf_addstr(&out, pending.buf);
	strbuf_release(&pending);
	return strbuf_detach(&out, NULL);
}

static void
qp_decode(struct strbuf *out, const char *s)
{
	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			char hex[3] = { s[1], s[2], 0 };

			assert_non_null(strchr("0123456789ABCDEF", s[1]));
			assert_non_null(strchr("0123456789ABCDEF", s[2]));
			strbuf_addch(out, (int)strtol(hex, NULL, 16));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			strbuf_addch(out, '\n');
			s += 2;
		} else {
			strbuf_addch(out, *s++);
		}
	}
}

/* Split, check the line rules, unfold headers and decode the body. */
static void
parse(const char *msg, struct parsed *p)
{
	const char *sep = strstr(msg, "\r\n\r\n");
	const char *line = msg;
	const char *cte;

	strbuf_init(&p->headers, 0);
	strbuf_init(&p->body, 0);
	assert_crlf_only(msg);
	assert_non_null(sep);
	/* Headers: no line over 78 columns, continuations start with WSP. */
	while (line < sep + 2) {
		const char *eol = strstr(line, "\r\n");

		assert_true(eol - line <= 78);
		if (*line == ' ' || *line == '\t') {
			assert_true(p->headers.len > 0);
			strbuf_setlen(&p->headers, p->headers.len - 1);
		} else {
			assert_non_null(
				memchr(line, ':', (size_t)(eol - line)));
		}
		strbuf_add(&p->headers, line, (size_t)(eol - line));
		strbuf_addch(&p->headers, '\n');
		line = eol + 2;
	}
	cte = strstr(p->headers.buf, "Content-Transfer-Encoding: ");
	assert_non_null(cte);
	if (!strncmp(cte + 27, "quoted-printable\n", 17)) {
		/* Encoded lines are at most 76 characters. */
		for (line = sep + 4; *line;) {
			const char *eol = strstr(line, "\r\n");

			assert_non_null(eol);
			assert_true(eol - line <= 76);
			line = eol + 2;
		}
		qp_decode(&p->body, sep + 4);
	} else {
		assert_int_equal(strncmp(cte + 27, "8bit\n", 5), 0);
		for (const char *s = sep + 4; *s; s++)
			if (*s != '\r')
				strbuf_addch(&p->body, *s);
	}
}

static void
parsed_release(struct parsed *p)
{
	strbuf_release(&p->headers);
	strbuf_release(&p->body);
}

/* The value of header name (unfolded), or NULL. */
static char *
header(const struct parsed *p, const char *name)
{
	size_t n = strlen(name);
	const char *s = p->headers.buf;

	while (*s) {
		const char *eol = strchr(s, '\n');

		if (!strncmp(s, name, n) && s[n] == ':' && s[n + 1] == ' ')
			return xstrndup(s + n + 2, (size_t)(eol - s - n - 2));
		s = eol + 1;
	}
	return NULL;
}

static void
assert_header(const struct parsed *p, const char *name, const char *want)
{
	char *v = header(p, name);

	if (!v)
		fail_msg("no %s header", name);
	assert_string_equal(v, want);
	free(v);
}

static void
assert_decoded_header(const struct parsed *p, const char *name,
		      const char *want)
{
	char *v = header(p, name), *d;

	if (!v)
		fail_msg("no %s header", name);
	d = decode_words(v);
	assert_string_equal(d, want);
	free(d);
	free(v);
}

static void
write_ok(const struct eml_draft *m, struct parsed *p)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };

	assert_int_equal(eml_write(m, &sb, &err), 0);
	parse(sb.buf, p);
	strbuf_release(&sb);
}

static void
test_ascii_draft(void **state)
{
	struct eml_draft m = {
		"Elena Marsh", "elena.marsh@lakeshore.example",
		"POC result: 40.0% headroom",
		"Hi Elena,\n\nNine minutes against fifteen.\n", THURSDAY_NOON,
		"Priya Raman", "priya.raman@vendor.example", NULL,
	};
	struct parsed p;

	(void)state;
	write_ok(&m, &p);
	assert_header(&p, "Date", "Thu, 26 Nov 2026 12:00:00 +0000");
	assert_header(&p, "From",
		      "\"Priya Raman\" <priya.raman@vendor.example>");
	assert_header(&p, "To",
		      "\"Elena Marsh\" <elena.marsh@lakeshore.example>");
	assert_header(&p, "Subject", "POC result: 40.0% headroom");
	assert_header(&p, "MIME-Version", "1.0");
	assert_header(&p, "Content-Type", "text/plain; charset=UTF-8");
	assert_header(&p, "Content-Transfer-Encoding", "8bit");
	assert_header(&p, "X-Unsent", "1");
	assert_string_equal(p.body.buf, m.body);
	parsed_release(&p);
}

static void
test_utf8_subject_and_name(void **state)
{
	/* Long enough to need several encoded-words, with 2-4 byte chars. */
	const char *subject =
		"Résultat du POC : 40,0 % de marge — "
		"l’équipe de Tomás a validé 50 M d’enregistrements "
		"📈 en 9 min";
	struct eml_draft m = {
		"José Núñez", "jose@example.com", subject,
		"Olá José,\n\nÀ bientôt — Priya\n", THURSDAY_NOON,
		"Tomás Ferreira", "tomas@vendor.example", NULL,
	};
	struct parsed p;
	char *raw;

	(void)state;
	write_ok(&m, &p);
	raw = header(&p, "Subject");
	assert_true(!strncmp(raw, "=?UTF-8?B?", 10));
	free(raw);
	assert_decoded_header(&p, "Subject", subject);
	assert_decoded_header(&p, "To", "José Núñez <jose@example.com>");
	assert_decoded_header(&p, "From",
			      "Tomás Ferreira <tomas@vendor.example>");
	assert_header(&p, "Content-Transfer-Encoding", "8bit");
	assert_string_equal(p.body.buf, m.body);
	parsed_release(&p);
}

static void
test_quoted_name_and_folding(void **state)
{
	const char *subject =
		"A long plain subject line that goes on and on about the "
		"proof of concept results and the commercial next steps";
	struct eml_draft m = {
		"Dr. \"Doc\" O\\Brien", "doc@example.com", subject, "x",
		THURSDAY_NOON, NULL, "se@vendor.example", NULL,
	};
	struct parsed p;
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };

	(void)state;
	write_ok(&m, &p);
	assert_header(&p, "To", "\"Dr. \\\"Doc\\\" O\\\\Brien\" "
				"<doc@example.com>");
	/* Folded on a space; unfolding gives the subject back. */
	assert_header(&p, "Subject", subject);
	/* A body without a final newline still ends in CRLF. */
	assert_string_equal(p.body.buf, "x\n");
	parsed_release(&p);

	/* Plain text that looks like an encoded-word is encoded. */
	m.subject = "=?UTF-8?B?SGk=?=";
	write_ok(&m, &p);
	assert_decoded_header(&p, "Subject", "=?UTF-8?B?SGk=?=");
	parsed_release(&p);

	/* No name: the address alone. */
	m.to_name = NULL;
	assert_int_equal(eml_write(&m, &sb, &err), 0);
	assert_non_null(strstr(sb.buf, "\r\nTo: <doc@example.com>\r\n"));
	assert_non_null(strstr(sb.buf, "\r\nFrom: <se@vendor.example>\r\n"));
	strbuf_release(&sb);
}

static void
test_crlf_input_and_qp(void **state)
{
	struct strbuf body = STRBUF_INIT, want = STRBUF_INIT;
	struct eml_draft m = { "A", "a@b.example", "s", NULL, THURSDAY_NOON,
				 "S", "s@v.example", NULL };
	struct parsed p;

	(void)state;
	/* CRLF and lone CR input come out as CRLF once. */
	m.body = "one\r\ntwo\rthree\n";
	write_ok(&m, &p);
	assert_string_equal(p.body.buf, "one\ntwo\nthree\n");
	parsed_release(&p);

	/* A line past 998 octets forces quoted-printable. */
	strbuf_addstr(&body, "Caf\xc3\xa9 = ");
	strbuf_addchars(&body, 'x', 1200);
	strbuf_addstr(&body, " trailing \t\nsecond line \n");
	m.body = body.buf;
	write_ok(&m, &p);
	assert_header(&p, "Content-Transfer-Encoding", "quoted-printable");
	strbuf_addstr(&want, body.buf);
	assert_string_equal(p.body.buf, want.buf);
	parsed_release(&p);
	strbuf_release(&body);
	strbuf_release(&want);
}

static void
test_refused(void **state)
{
	struct eml_draft m = { "A", "a@b.example", "s", "b", THURSDAY_NOON,
				 "S", "s@v.example", NULL };
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	static const char *const bad[] = {
		"", "plain", "@example.com", "a@", "a@@b", "a b@c.d",
		"a@b.c>\r\nBcc: x@y.z", "<a@b.c>", "a@.example", "a@b..c",
		"a\"b@c.d",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.to_email = bad[i];
		assert_false(eml_address_is_valid(bad[i]));
		assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	}
	assert_true(eml_address_is_valid("first.last+tag@sub.example.co.uk"));
	m.to_email = "a@b.example";

	/* No header injection through the name or the subject. */
	m.to_name = "Eve\r\nBcc: x@y.z";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.to_name = "A";
	m.subject = "hi\nBcc: x@y.z";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.subject = "\xff\xfe";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.subject = "s";
	/* The sender: a valid address, a name without control characters. */
	m.from_email = NULL;
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.from_email = "s@v.example>\r\nBcc: x@y.z";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.from_email = "s@v.example";
	m.from_name = "S\r\nBcc: x@y.z";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	m.from_name = "S";
	m.body = "bad \xc3";
	assert_int_equal(eml_write(&m, &sb, &err), TW_EINPUT);
	assert_string_equal(err.msg, "the message body is not UTF-8");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
}

/*
 * The Message-ID: one msg-id in angle brackets on the sender's domain;
 * the same draft gives the same id, another body or time another.
 */
static void
test_message_id(void **state)
{
	struct eml_draft m = { "A", "a@b.example", "s", "b", THURSDAY_NOON,
			       "S", "s@v.example", NULL };
	struct parsed p;
	char *id1, *id2, *id3;

	(void)state;
	write_ok(&m, &p);
	id1 = header(&p, "Message-ID");
	parsed_release(&p);
	assert_true(!strncmp(id1, "<techwin.20261126120000.", 24));
	assert_non_null(strstr(id1, "@v.example>"));
	assert_int_equal(id1[strlen(id1) - 1], '>');
	write_ok(&m, &p);
	id2 = header(&p, "Message-ID");
	parsed_release(&p);
	assert_string_equal(id1, id2);
	m.body = "c";
	write_ok(&m, &p);
	id3 = header(&p, "Message-ID");
	parsed_release(&p);
	assert_string_not_equal(id1, id3);
	free(id1);
	free(id2);
	free(id3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_draft),
		cmocka_unit_test(test_utf8_subject_and_name),
		cmocka_unit_test(test_quoted_name_and_folding),
		cmocka_unit_test(test_crlf_input_and_qp),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_message_id),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
