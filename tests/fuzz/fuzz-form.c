/*
 * Fuzz target: a form post to techwin serve, the whole way through
 * server_dispatch() (web.h's fixture): the cross-site check (Sec-Fetch-Site,
 * Origin, Host), authentication by cookie or bearer token, the CSRF token
 * as a field or a header, the login with its limiter, and the handler.
 * The input picks each part from a list, one byte each:
 *
 *	0  the route: /login, /logout, /deals/acme/measurements,
 *	   /deals/acme/plan/apply, /deals/won-deal/measurements,
 *	   /api/deals/acme/close
 *	1  Cookie: none, alice's session, bob's, an unknown one, both
 *	   sessions, alice's in a second cookie header's worth of junk
 *	2  the CSRF token: none, alice's, bob's, a wrong one, alice's as
 *	   X-CSRF-Token, bob's as X-CSRF-Token
 *	3  Origin: none, this server over http, over https, with the default
 *	   port, another site, "null", this server with a path, upper case,
 *	   or line A of the rest
 *	4  Sec-Fetch-Site: none, same-origin, none, same-site, cross-site,
 *	   or line B of the rest
 *	5  Host: 127.0.0.1:8080, techwin.example, none, or line C
 *	6  the login: alice's password, a wrong one, bob's, an unknown user
 *	7  bit 0: Authorization: Bearer (alice's token); bit 1: Authorization:
 *	   Basic; bit 2: no Content-Type
 *
 * and the rest of the input is lines A, B and C, then form fields that
 * follow the chosen ones in the body.
 *
 * Invariants, each an abort() when broken (and web.h's for every answer):
 *   - a post without a bearer token that the browser says is from another
 *     site (Sec-Fetch-Site other than same-origin or none; without it, an
 *     Origin other than this server's) is 403, writes nothing and sets no
 *     cookie;
 *   - without a bearer token, nothing is written unless the post carries
 *     the CSRF token of the session it is made with, or is a login;
 *   - a login sets a cookie only for the right password, and does set
 *     one for it when the post is same-site and its body is only the
 *     chosen fields.
 */
#include "fuzz.h"
#include "web.h"

#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const routes[] = {
	"/login", "/logout", "/deals/acme/measurements",
	"/deals/acme/plan/apply", "/deals/won-deal/measurements",
	"/api/deals/acme/close",
};
#define N(a) (sizeof(a) / sizeof(*(a)))
#define HOST "127.0.0.1:8080"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_web_setup();
	return 0;
}

/* The next line of the rest of the input (without its newline). */
static char *
next_line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	char *line = xstrndup(*p, (size_t)((nl ? nl : end) - *p));

	*p = nl ? nl + 1 : end;
	return line;
}

/* This server's origin, by an independent reading of csrf.h: scheme,
 * "://", then the Host with or without the scheme's default port. */
static bool
own_origin(const char *origin, const char *host)
{
	static const char *const schemes[][2] = { { "http", "80" },
						  { "https", "443" } };

	if (!host || !*host)
		return false;
	for (size_t i = 0; i < N(schemes); i++) {
		struct strbuf with = STRBUF_INIT, bare = STRBUF_INIT;
		size_t hl = strlen(host), pl = strlen(schemes[i][1]);
		bool ok;

		strbuf_addf(&with, "%s://%s", schemes[i][0], host);
		if (hl > pl + 1 && host[hl - pl - 1] == ':' &&
		    !strcmp(host + hl - pl, schemes[i][1]))
			strbuf_addf(&bare, "%s://%.*s", schemes[i][0],
				    (int)(hl - pl - 1), host);
		else
			strbuf_addf(&bare, "%s:%s", with.buf, schemes[i][1]);
		ok = !strcasecmp(origin, with.buf) ||
		     !strcasecmp(origin, bare.buf);
		strbuf_release(&with);
		strbuf_release(&bare);
		if (ok)
			return true;
	}
	return false;
}

/*
 * The CSRF token the server reads (X-CSRF-Token, else the form field) is
 * that of a session the post sent: cookies 1 and 5 are alice's, 2 bob's,
 * 4 both.
 */
static bool
token_of_sent_session(const struct http_params *headers, const char *field,
		      int cookies, bool no_type)
{
	const char *token = no_type ? NULL : field;

	for (size_t i = 0; i < headers->n; i++)
		if (!strcasecmp(headers->items[i].name, "X-CSRF-Token"))
			token = headers->items[i].value;
	if (!token)
		return false;
	if (cookies == 1 || cookies == 4 || cookies == 5)
		if (!strcmp(token, fx.csrf))
			return true;
	return (cookies == 2 || cookies == 4) && !strcmp(token, fx.vcsrf);
}

/* A header value as libmicrohttpd hands it over: no blanks around it. */
static void
trim(char *s)
{
	size_t n = strlen(s), k = strspn(s, " \t");

	while (n > k && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	memmove(s, s + k, n - k);
	s[n - k] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 8, *end = (const char *)data + size;
	struct http_params headers = { 0 };
	struct strbuf body = STRBUF_INIT, tmp = STRBUF_INIT;
	struct server_reply reply;
	struct server_call call = { 0 };
	char *line[3];
	const char *route, *origin = NULL, *site = NULL, *host = NULL;
	const char *session = NULL, *csrf = NULL;
	bool bearer, cross, login, wrote, right_pw, plain_body;

	/* Header values with a NUL cannot come through libmicrohttpd. */
	if (size < 8 || memchr(p, '\0', (size_t)(end - p)))
		return 0;
	for (int i = 0; i < 3; i++) {
		line[i] = next_line(&p, end);
		trim(line[i]);
	}
	fuzz_web_restore();
	route = routes[data[0] % N(routes)];
	login = !strcmp(route, "/login");

	switch (data[1] % 6) {
	case 1: session = fx.cookie; break;
	case 2: session = fx.vcookie; break;
	case 3: session = "forged"; break;
	case 4: session = fx.cookie; break;
	case 5: session = fx.cookie; break;
	}
	if (session) {
		strbuf_addf(&tmp, "%s=%s", HTTP_SESSION_COOKIE, session);
		if (data[1] % 6 == 4)
			strbuf_addf(&tmp, "; %s=%s", HTTP_SESSION_COOKIE,
				    fx.vcookie);
		if (data[1] % 6 == 5)
			strbuf_addf(&tmp, "; theme=%s", line[0]);
		http_params_add(&headers, "Cookie", tmp.buf);
		strbuf_reset(&tmp);
	}
	switch (data[2] % 6) {
	case 1: csrf = fx.csrf; break;
	case 2: csrf = fx.vcsrf; break;
	case 3: csrf = "wrong"; break;
	case 4: http_params_add(&headers, "X-CSRF-Token", fx.csrf); break;
	case 5: http_params_add(&headers, "X-CSRF-Token", fx.vcsrf); break;
	}
	switch (data[3] % 9) {
	case 1: origin = "http://" HOST; break;
	case 2: origin = "https://" HOST; break;
	case 3: origin = "http://techwin.example:80"; break;
	case 4: origin = "http://evil.example"; break;
	case 5: origin = "null"; break;
	case 6: origin = "http://" HOST "/"; break;
	case 7: origin = "HTTP://127.0.0.1:8080"; break;
	case 8: origin = line[0]; break;
	}
	switch (data[4] % 6) {
	case 1: site = "same-origin"; break;
	case 2: site = "none"; break;
	case 3: site = "same-site"; break;
	case 4: site = "cross-site"; break;
	case 5: site = line[1]; break;
	}
	switch (data[5] % 4) {
	case 0: host = HOST; break;
	case 1: host = "techwin.example"; break;
	case 3: host = line[2]; break;
	}
	if (origin)
		http_params_add(&headers, "Origin", origin);
	if (site)
		http_params_add(&headers, "Sec-Fetch-Site", site);
	if (host)
		http_params_add(&headers, "Host", host);
	bearer = data[7] & 1;
	if (bearer) {
		strbuf_addf(&tmp, "Bearer %s", fx.token);
		http_params_add(&headers, "Authorization", tmp.buf);
		strbuf_reset(&tmp);
	} else if (data[7] & 2) {
		http_params_add(&headers, "Authorization", "Basic YTpi");
	}
	if (!(data[7] & 4))
		http_params_add(&headers, "Content-Type",
				"application/x-www-form-urlencoded");

	if (login) {
		static const char *const logins[] = {
			"name=alice&password=password1",
			"name=alice&password=password2",
			"name=bob&password=password2",
			"name=ghost&password=password1",
		};

		strbuf_addstr(&body, logins[data[6] % N(logins)]);
	} else {
		strbuf_addstr(&body, "criterion=p95&measured=8");
	}
	right_pw = login && data[6] % 4 != 1 && data[6] % 4 != 3;
	if (csrf)
		strbuf_addf(&body, "&csrf_token=%s", csrf);
	plain_body = p == end;
	if (p < end) {
		strbuf_addch(&body, '&');
		strbuf_add(&body, p, (size_t)(end - p));
	}

	/* The oracle: what the browser says about where the post is from. */
	cross = !bearer &&
		(site ? strcasecmp(site, "same-origin") &&
				strcasecmp(site, "none")
		      : origin && !own_origin(origin, host));

	call.method = "POST";
	call.target = route;
	call.headers = &headers;
	call.body = body.buf;
	call.body_len = body.len;
	call.addr = "192.0.2.1";
	wrote = fuzz_web_dispatch(&call, &reply);

	if (cross && (reply.status != 403 || wrote ||
		      server_reply_header(&reply, "Set-Cookie")))
		fuzz_fail("POST %s from another site (Origin %s, "
			  "Sec-Fetch-Site %s, Host %s): %u%s", route,
			  origin ? origin : "-", site ? site : "-",
			  host ? host : "-", reply.status,
			  wrote ? ", and it wrote" : "");
	if (!cross && !bearer && !login && wrote &&
	    !token_of_sent_session(&headers, csrf, data[1] % 6, data[7] & 4))
		fuzz_fail("POST %s wrote without the session's CSRF token "
			  "(%u)", route, reply.status);
	if (login && server_reply_header(&reply, "Set-Cookie") &&
	    (!right_pw || cross))
		fuzz_fail("POST /login: a session for a wrong password or "
			  "from another site");
	if (login && right_pw && !cross && plain_body && !(data[7] & 4) &&
	    !server_reply_header(&reply, "Set-Cookie"))
		fuzz_fail("POST /login: the right password from this site got "
			  "%u and no session: %s", reply.status, reply.body.buf);

	server_reply_release(&reply);
	http_params_release(&headers);
	strbuf_release(&body);
	strbuf_release(&tmp);
	for (int i = 0; i < 3; i++)
		free(line[i]);
	return 0;
}
