/*
 * Fuzz target: the HTTP request path of techwin serve without a socket,
 * through server_dispatch(), the code the libmicrohttpd callbacks run once
 * a request is read: limits, query string, routing, authentication
 * (bearer token, ?token=, session cookie), roles, the CSRF check, the
 * handler and the headers of the answer. The input is a request as text:
 *
 *	METHOD TARGET
 *	Header: value
 *	...
 *	<blank line>
 *	body
 *
 * against the web fixture (web.h: two deals, an admin alice with an API
 * token and a logged-in session, a viewer bob with a token), restored
 * before every input. In the input, $TOKEN, $VIEWER,
 * $SESSION and $CSRF stand for alice's token, bob's token, the session
 * cookie's value and the session's CSRF token; $SHARECSRF and $SHARE for
 * the share link's CSRF token (its cookie techwin_share_1) and the
 * link's token (/share/$SHARE and its forms). A request with neither an
 * Authorization nor a Cookie header gets "Authorization: Bearer $TOKEN",
 * so most inputs reach the handlers, unless it has an X-Fuzz-Anonymous
 * header (which is not sent).
 *
 * Invariants, each an abort() when broken:
 *   - every request is answered, and never with a 500: on a healthy
 *     database any input is the client's fault;
 *   - every answer carries the security headers; a JSON answer parses;
 *     an error is {"error": {"code", "message", "field"}} with the code
 *     of its status;
 *   - GET and HEAD write nothing to the database (but the share page,
 *     which counts its views), and neither does a
 *     write that sends the session cookie alone without its CSRF token;
 *     nor does it succeed (an error, or a page's redirect to the login);
 *   - no header value holds a CR, LF or NUL (header injection), a redirect
 *     stays on this site, and an HTML page has no <script> but the
 *     site's own script file;
 *   - the handler leaves no transaction or statement open (the restore of
 *     the database for the next input would fail).
 */
#include "fuzz.h"
#include "web.h"

#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_web_setup();
	return 0;
}

/* The input with the placeholders replaced by the fixture's secrets. */
static void
substitute(const char *in, size_t len, struct strbuf *out)
{
	const struct {
		const char *name;
		const char *value;
	} subs[] = {
		{ "$TOKEN", fx.token },
		{ "$VIEWER", fx.viewer },
		{ "$SESSION", fx.cookie },
		{ "$CSRF", fx.csrf },
		/* Before $SHARE, which it starts with. */
		{ "$SHARECSRF", fx.share_csrf },
		{ "$SHARE", fx.share },
	};
	size_t i = 0;

	while (i < len) {
		size_t k;

		for (k = 0; k < sizeof(subs) / sizeof(*subs); k++) {
			size_t n = strlen(subs[k].name);

			if (len - i >= n && !memcmp(in + i, subs[k].name, n))
				break;
		}
		if (k < sizeof(subs) / sizeof(*subs)) {
			strbuf_addstr(out, subs[k].value);
			i += strlen(subs[k].name);
		} else {
			strbuf_addch(out, in[i++]);
		}
	}
}

/*
 * Split the input into the request line, headers and body, keeping to
 * what libmicrohttpd can hand over: the target ends at a space (the
 * protocol version may follow), lines may end in CRLF, and a header line
 * without a name is dropped.
 */
static void
parse_input(const char *buf, size_t len, struct http_params *headers,
	    struct strbuf *body, char **method, char **target)
{
	const char *p = buf, *end = buf + len;
	const char *eol = memchr(p, '\n', len);
	const char *le = eol ? eol : end;
	const char *sp;

	if (le > p && le[-1] == '\r')
		le--;
	sp = memchr(p, ' ', (size_t)(le - p));
	if (sp) {
		const char *t = sp + 1, *te = memchr(t, ' ', (size_t)(le - t));

		*method = xstrndup(p, (size_t)(sp - p));
		*target = xstrndup(t, (size_t)((te ? te : le) - t));
	} else {
		*method = xstrndup(p, (size_t)(le - p));
		*target = xstrdup("/");
	}
	p = eol ? eol + 1 : end;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *colon;
		char *name, *value;

		le = nl ? nl : end;
		if (le > p && le[-1] == '\r')
			le--;
		if (le == p) {	/* the blank line before the body */
			p = nl ? nl + 1 : end;
			break;
		}
		colon = memchr(p, ':', (size_t)(le - p));
		if (colon && colon > p) {
			const char *v = colon + 1;

			while (v < le && *v == ' ')
				v++;
			name = xstrndup(p, (size_t)(colon - p));
			value = xstrndup(v, (size_t)(le - v));
			http_params_add(headers, name, value);
			free(name);
			free(value);
		}
		p = nl ? nl + 1 : end;
	}
	if (p < end)
		strbuf_add(body, p, (size_t)(end - p));
}

static const char *
header_get(const struct http_params *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcasecmp(h->items[i].name, name))
			return h->items[i].value;
	return NULL;
}

static bool
is_safe(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD") ||
	       !strcmp(method, "OPTIONS");
}

/* The share page counts its openings: a GET of it is a write. */
static bool
is_share_view(const char *method, const char *target)
{
	return !strcmp(method, "GET") && !strncmp(target, "/share/", 7) &&
	       !strchr(target + 7, '/');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_params headers = { 0 };
	struct strbuf text = STRBUF_INIT, body = STRBUF_INIT;
	struct server_reply reply;
	struct server_call call = { 0 };
	char *method, *target;
	bool cookie_only, wrote;

	/* Names and values with a NUL cannot come through libmicrohttpd. */
	if (memchr(data, '\0', size))
		return 0;
	fuzz_web_restore();
	substitute((const char *)data, size, &text);
	parse_input(text.buf, text.len, &headers, &body, &method, &target);
	if (header_get(&headers, "X-Fuzz-Anonymous")) {
		struct http_params kept = { 0 };

		for (size_t i = 0; i < headers.n; i++)
			if (strcasecmp(headers.items[i].name,
				       "X-Fuzz-Anonymous"))
				http_params_add(&kept, headers.items[i].name,
						headers.items[i].value);
		http_params_release(&headers);
		headers = kept;
	} else if (!header_get(&headers, "Authorization") &&
		   !header_get(&headers, "Cookie")) {
		struct strbuf authz = STRBUF_INIT;

		strbuf_addf(&authz, "Bearer %s", fx.token);
		http_params_add(&headers, "Authorization", authz.buf);
		strbuf_release(&authz);
	}
	/* A write with the cookie alone must bring the CSRF token. */
	cookie_only = !is_safe(method) && header_get(&headers, "Cookie") &&
		      !header_get(&headers, "Authorization") &&
		      !strstr(text.buf, fx.csrf) &&
		      /* The share link's forms carry their own. */
		      !strstr(text.buf, fx.share_csrf) &&
		      strncmp(target, "/login", 6);

	call.method = method;
	call.target = target;
	call.headers = &headers;
	call.body = body.buf;
	call.body_len = body.len;
	call.addr = "127.0.0.1";
	wrote = fuzz_web_dispatch(&call, &reply);
	if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) && wrote &&
	    !is_share_view(method, target))
		fuzz_fail("%s %s wrote to the database", method, target);
	if (cookie_only && (wrote || (reply.status < 400 &&
				      !fuzz_web_to_login(&reply))))
		fuzz_fail("%s %s: a write by cookie without the CSRF token "
			  "got %u", method, target, reply.status);

	server_reply_release(&reply);
	http_params_release(&headers);
	strbuf_release(&text);
	strbuf_release(&body);
	free(method);
	free(target);
	return 0;
}
