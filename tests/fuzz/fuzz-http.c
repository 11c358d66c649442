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
 * against an in-memory SQLite store holding two deals, an admin (alice)
 * with an API token and a logged-in session, and a viewer (bob) with a
 * token, restored before every input. In the input, $TOKEN, $VIEWER,
 * $SESSION and $CSRF stand for alice's token, bob's token, the session
 * cookie's value and the session's CSRF token. A request with neither an
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
 *   - GET and HEAD write nothing to the database, and neither does a
 *     write that sends the session cookie alone without its CSRF token;
 *     nor does it succeed (an error, or a page's redirect to the login);
 *   - no header value holds a CR, LF or NUL (header injection), a redirect
 *     stays on this site, and an HTML page has no <script> but the
 *     site's own script file;
 *   - the handler leaves no transaction or statement open (the restore of
 *     the database for the next input would fail).
 */
#include "fuzz.h"

#include "formats/plan.h"
#include "store/deals.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "web/api.h"
#include "web/server.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const fixture_deals[] = {
	"version: 1\n"
	"deal:\n"
	"  slug: acme\n"
	"  account: Acme Corp\n"
	"  value: 180000\n"
	"  currency: USD\n"
	"  se: Sam\n"
	"  ae: Ada\n"
	"  procurement_days: 10\n"
	"  champion:\n"
	"    name: Elena\n"
	"    email: elena@acme.example\n"
	"  poc:\n"
	"    start: 2026-11-02\n"
	"    end: 2026-11-20\n"
	"criteria:\n"
	"  - key: p95\n"
	"    metric: p95 report time\n"
	"    unit: min\n"
	"    at_most: 15\n"
	"    measured: 9\n"
	"    measured_on: 2026-11-20\n"
	"    growth_pct: 35\n"
	"  - key: tput\n"
	"    metric: Throughput\n"
	"    unit: rows/s\n"
	"    at_least: 1000\n"
	"events:\n"
	"  - key: readout\n"
	"    kind: technical\n"
	"    title: POC readout\n"
	"    owner: Sam\n"
	"    date: 2026-11-20\n"
	"    done: 2026-11-20\n"
	"  - key: call\n"
	"    kind: commercial\n"
	"    title: Pricing call\n"
	"    owner: Ada\n"
	"    date: 2026-11-24\n"
	"    after: readout\n"
	"risks:\n"
	"  - key: dora\n"
	"    title: DORA reporting\n"
	"    kind: compliance\n"
	"    deadline: 2026-10-29\n"
	"    buffer: 14d\n"
	"    duration: 75d\n"
	"phases:\n"
	"  - number: 1\n"
	"    name: Pilot\n"
	"    scope: One site\n"
	"    price: 60000\n"
	"    justification: p95 proven\n"
	"    criteria: [p95, tput]\n"
	"    duration: 3w\n",

	"version: 1\n"
	"deal:\n"
	"  slug: won-deal\n"
	"  account: Won Inc\n"
	"  se: Kim\n"
	"  poc:\n"
	"    start: 2026-09-01\n"
	"    end: 2026-10-01\n"
	"  close:\n"
	"    date: 2026-10-22\n"
	"    outcome: won\n",
};

static struct {
	struct store *st;
	sqlite3 *db;		/* the store's connection */
	sqlite3 *pristine;	/* the database every input starts from */
	struct server_config cfg;
	char *token;		/* alice's (an admin's) API token */
	char *viewer;		/* bob's (a viewer's) API token */
	char *cookie;		/* alice's session */
	char *csrf;		/* and its CSRF token */
} fx;

static void
copy_db(sqlite3 *to, sqlite3 *from, const char *what)
{
	sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
	int rc;

	if (!b)
		fuzz_fail("cannot %s the database: %s", what,
			  sqlite3_errmsg(to));
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		fuzz_fail("cannot %s the database (%s): the last request "
			  "left a transaction or a statement open", what,
			  sqlite3_errstr(rc));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tw_error err = { 0 };
	struct validation_site site;
	struct principal who;

	(void)argc;
	(void)argv;
	/* Accounts hashed at the lowest cost: logging in stays fast. */
	setenv("TECHWIN_PWHASH_FAST", "1", 1);
	setenv("TECHWIN_NOW", "2026-11-26T12:00:00Z", 1);
	if (auth_init(&err) ||
	    store_open(&fx.st, ":memory:", STORE_CREATE, "fuzz", &err))
		fuzz_fail("cannot set up the store: %s", err.msg);
	for (size_t i = 0; i < sizeof(fixture_deals) / sizeof(*fixture_deals);
	     i++) {
		const char *y = fixture_deals[i];
		struct deal d;

		if (plan_parse(y, strlen(y), "fixture.yaml", &d, &err) ||
		    store_create_deal(fx.st, &d, date_today(), &site, &err))
			fuzz_fail("cannot store the fixture deals: %s",
				  err.msg);
		deal_release(&d);
	}
	server_config_init(&fx.cfg);
	fx.cfg.quiet = true;
	date_parse("2026-11-26", &fx.cfg.today, NULL);
	fx.cfg.today_fixed = true;
	/* The server checks sessions against the clock: log in now. */
	if (auth_user_add(fx.st, "alice", ROLE_ADMIN, "password1", &err) ||
	    auth_token_add(fx.st, "fuzz", "alice", &fx.token, &err) ||
	    auth_user_add(fx.st, "bob", ROLE_VIEWER, "password2", &err) ||
	    auth_token_add(fx.st, "fuzz-viewer", "bob", &fx.viewer, &err) ||
	    auth_login(fx.st, "alice", "password1", (long long)time(NULL),
		       fx.cfg.session_ttl, &fx.cookie, &who, &err))
		fuzz_fail("cannot add the fixture accounts: %s", err.msg);
	fx.csrf = xstrdup(who.csrf);
	principal_release(&who);
	fx.db = store_sqlite_handle(fx.st);
	if (sqlite3_open(":memory:", &fx.pristine) != SQLITE_OK)
		fuzz_fail("cannot open the pristine copy");
	copy_db(fx.pristine, fx.db, "save");
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

/* Only the site's own script file may be in a page. */
static bool
foreign_script(const char *html)
{
	static const char own[] = "<script src=\"/assets/techwin.js\" "
				  "defer></script>";

	for (const char *p = html; (p = strchr(p, '<')); p++)
		if (!strncasecmp(p, "<script", 7) &&
		    strncmp(p, own, sizeof(own) - 1))
			return true;
	return false;
}

/* A page refused without a session sends the browser to log in. */
static bool
to_login(const struct server_reply *r)
{
	const char *loc = server_reply_header(r, "Location");

	return r->status == 303 && loc && !strncmp(loc, "/login?next=", 12);
}

static void
check_response(const struct server_reply *r, const char *method,
	       const char *target)
{
	const char *type = server_reply_header(r, "Content-Type");

	if (r->status < 200 || r->status > 599)
		fuzz_fail("%s %s: status %u", method, target, r->status);
	if (r->status == 500)
		fuzz_fail("%s %s: 500 on a healthy database: %s", method,
			  target, r->body.buf);
	if (!server_reply_header(r, "Content-Security-Policy") ||
	    !server_reply_header(r, "X-Content-Type-Options") ||
	    !server_reply_header(r, "X-Frame-Options"))
		fuzz_fail("%s %s: a security header is missing", method,
			  target);
	for (size_t i = 0; i < r->headers.n; i++) {
		const char *v = r->headers.items[i].value;

		if (strpbrk(v, "\r\n"))
			fuzz_fail("%s %s: header %s holds a line break",
				  method, target, r->headers.items[i].name);
		if (!strcasecmp(r->headers.items[i].name, "Location") &&
		    (v[0] != '/' || v[1] == '/' || v[1] == '\\'))
			fuzz_fail("%s %s: redirect off the site to '%s'",
				  method, target, v);
	}
	if (r->body.len && !type)
		fuzz_fail("%s %s: a body without a content type", method,
			  target);
	if (type && !strncmp(type, "text/html", 9) &&
	    foreign_script(r->body.buf))
		fuzz_fail("%s %s: a <script> in a page", method, target);
	if (type && !strcmp(type, "application/json")) {
		json_error_t jerr;
		json_t *j = json_loadb(r->body.buf, r->body.len, 0, &jerr);
		json_t *e;

		if (!j)
			fuzz_fail("%s %s: the JSON answer does not parse: %s",
				  method, target, jerr.text);
		e = json_object_get(j, "error");
		if (r->status >= 400 &&
		    (!json_is_object(e) ||
		     !json_is_string(json_object_get(e, "message")) ||
		     !json_is_string(json_object_get(e, "code")) ||
		     strcmp(json_string_value(json_object_get(e, "code")),
			    http_error_code(r->status)) ||
		     !json_object_get(e, "field")))
			fuzz_fail("%s %s: error %u without its JSON shape: %s",
				  method, target, r->status, r->body.buf);
		json_decref(j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_params headers = { 0 };
	struct strbuf text = STRBUF_INIT, body = STRBUF_INIT;
	struct server_reply reply;
	struct server_call call = { 0 };
	struct tw_error err = { 0 };
	struct server *srv;
	char *method, *target;
	bool cookie_only;
	int changes;

	/* Names and values with a NUL cannot come through libmicrohttpd. */
	if (memchr(data, '\0', size))
		return 0;
	copy_db(fx.db, fx.pristine, "restore");
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
		      strncmp(target, "/login", 6);

	/* A fresh server each time: the login limiter starts empty. */
	if (server_new(&fx.cfg, fx.st, &srv, &err))
		fuzz_fail("cannot set up the server: %s", err.msg);
	call.method = method;
	call.target = target;
	call.headers = &headers;
	call.body = body.buf;
	call.body_len = body.len;
	call.addr = "127.0.0.1";
	server_reply_init(&reply);
	changes = sqlite3_total_changes(fx.db);
	server_dispatch(srv, &call, &reply);
	if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
	    sqlite3_total_changes(fx.db) != changes)
		fuzz_fail("%s %s wrote to the database", method, target);
	if (cookie_only && (sqlite3_total_changes(fx.db) != changes ||
			    (reply.status < 400 && !to_login(&reply))))
		fuzz_fail("%s %s: a write by cookie without the CSRF token "
			  "got %u", method, target, reply.status);
	check_response(&reply, method, target);

	server_reply_release(&reply);
	server_free(srv);
	http_params_release(&headers);
	strbuf_release(&text);
	strbuf_release(&body);
	free(method);
	free(target);
	return 0;
}
