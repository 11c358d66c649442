/*
 * Fuzz target: the HTTP request path of techwin serve without a socket.
 * The input is a request as text:
 *
 *	METHOD TARGET
 *	Header: value
 *	...
 *	<blank line>
 *	body
 *
 * The target (path and query string) goes through http_parse_query() and
 * the real router (api_routes, login_routes) to the real handler, against
 * an in-memory SQLite store holding two deals, restored before every input.
 * A request that does not name an Authorization header is authenticated as
 * an admin with a real API token (auth_bearer), as server.c would; the
 * steps server.c takes in between are repeated here in its order: query
 * 400, route 404/405/400, 401/403, body cap 413, then the handler.
 *
 * Invariants, each an abort() when broken:
 *   - every request is answered, and never with a 500: on a healthy
 *     database any input is the client's fault;
 *   - a JSON answer parses; an error is {"error": {"code", "message",
 *     "field"}} with the code of its status;
 *   - GET and HEAD write nothing to the database;
 *   - no header value holds a CR, LF or NUL (header injection), a redirect
 *     stays on this site, and no HTML page carries a <script>;
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
	struct router router;
	struct server_config cfg;
	char *token;		/* the admin's API token */
	tw_date today;
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
		    store_create_deal(fx.st, &d, &site, &err))
			fuzz_fail("cannot store the fixture deals: %s",
				  err.msg);
		deal_release(&d);
	}
	if (auth_user_add(fx.st, "alice", ROLE_ADMIN, "password1", &err) ||
	    auth_token_add(fx.st, "fuzz", "alice", &fx.token, &err))
		fuzz_fail("cannot add the fixture account: %s", err.msg);
	fx.db = store_sqlite_handle(fx.st);
	if (sqlite3_open(":memory:", &fx.pristine) != SQLITE_OK)
		fuzz_fail("cannot open the pristine copy");
	copy_db(fx.pristine, fx.db, "save");

	router_init(&fx.router);
	router_add(&fx.router, api_routes);
	router_add(&fx.router, login_routes);
	server_config_init(&fx.cfg);
	fx.cfg.quiet = true;
	date_parse("2026-11-26", &fx.today, NULL);
	fx.cfg.today = fx.today;
	fx.cfg.today_fixed = true;
	return 0;
}

/*
 * Split the input into the request line, headers and body, keeping to
 * what libmicrohttpd can hand over: the target ends at a space (the
 * protocol version may follow), lines may end in CRLF, and a header line
 * without a name is dropped.
 */
static void
parse_input(const char *buf, size_t len, struct http_request *rq,
	    char **method, char **target)
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
			http_params_add(&rq->headers, name, value);
			free(name);
			free(value);
		}
		p = nl ? nl + 1 : end;
	}
	if (p < end)
		strbuf_add(&rq->body, p, (size_t)(end - p));
}

/* server.c's authenticate(), for bearer tokens (no cookies here). */
static void
authenticate(struct http_request *rq, struct http_response *rs,
	     const struct route *rt)
{
	const char *authz = http_header(rq, "Authorization");
	const char *token = fx.token;
	struct tw_error err = { 0 };
	int r;

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7)) {
			http_error(rs, 401, NULL, "unsupported scheme");
			return;
		}
		token = authz + 7;
	}
	r = auth_bearer(rq->st, token, &rq->who, &err);
	if (r == TW_ENOTFOUND) {
		http_error(rs, 401, NULL, "unknown or revoked token");
		return;
	}
	if (r < 0) {
		http_fail(rs, r, &err, NULL);
		return;
	}
	rq->authed = true;
	if (rq->who.role < rt->role) {
		http_error(rs, 403, NULL, "role");
		return;
	}
	xstrset(&rq->st->actor, rq->who.name);
}

/* Route, authenticate and run the handler, as server.c's begin/finish. */
static void
dispatch(struct http_request *rq, struct http_response *rs,
	 const char *method, const char *target)
{
	const char *q = strchr(target, '?');
	struct route_match m;
	int changes;

	rq->method = method;
	rq->path = q ? xstrndup(target, (size_t)(q - target))
		     : xstrdup(target);
	if (q && http_parse_query(q + 1, strlen(q + 1), &rq->query) < 0) {
		http_error(rs, 400, NULL, "malformed query string");
		return;
	}
	route_match_init(&m);
	switch (router_match(&fx.router, method, rq->path, &m)) {
	case ROUTE_FOUND:
		break;
	case ROUTE_BAD_METHOD:
		http_error(rs, 405, NULL, "not allowed");
		http_response_header(rs, "Allow", m.allow.buf);
		route_match_release(&m);
		return;
	case ROUTE_BAD_PATH:
		http_error(rs, 400, NULL, "malformed path");
		route_match_release(&m);
		return;
	case ROUTE_NOT_FOUND:
	default:
		http_error(rs, 404, NULL, "no such page or API route");
		route_match_release(&m);
		return;
	}
	rq->params = m.params;
	memset(&m.params, 0, sizeof(m.params));
	xstrset(&rq->st->actor, "web");
	if (!(m.route->flags & ROUTE_PUBLIC))
		authenticate(rq, rs, m.route);
	if (!rs->status && rq->body.toobig)
		http_error(rs, 413, NULL, "the request body is too large");
	if (!rs->status) {
		changes = sqlite3_total_changes(fx.db);
		m.route->fn(rq, rs);
		if (!rs->status)
			fuzz_fail("%s %s: the handler gave no answer", method,
				  target);
		if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) &&
		    sqlite3_total_changes(fx.db) != changes)
			fuzz_fail("%s %s wrote to the database", method,
				  target);
	}
	route_match_release(&m);
}

static void
check_response(const struct http_response *rs, const char *method,
	       const char *target)
{
	if (rs->status < 200 || rs->status > 599)
		fuzz_fail("%s %s: status %u", method, target, rs->status);
	if (rs->status == 500)
		fuzz_fail("%s %s: 500 on a healthy database: %s", method,
			  target, rs->body.buf);
	for (size_t i = 0; i < rs->headers.n; i++) {
		const char *v = rs->headers.items[i].value;

		if (strpbrk(v, "\r\n"))
			fuzz_fail("%s %s: header %s holds a line break",
				  method, target, rs->headers.items[i].name);
		if (!strcasecmp(rs->headers.items[i].name, "Location") &&
		    (v[0] != '/' || v[1] == '/' || v[1] == '\\'))
			fuzz_fail("%s %s: redirect off the site to '%s'",
				  method, target, v);
	}
	if (rs->body.len && !rs->content_type)
		fuzz_fail("%s %s: a body without a content type", method,
			  target);
	if (rs->content_type && !strncmp(rs->content_type, "text/html", 9) &&
	    strstr(rs->body.buf, "<script"))
		fuzz_fail("%s %s: a <script> in a page", method, target);
	if (rs->content_type &&
	    !strcmp(rs->content_type, "application/json")) {
		json_error_t jerr;
		json_t *j = json_loadb(rs->body.buf, rs->body.len, 0, &jerr);
		json_t *e;

		if (!j)
			fuzz_fail("%s %s: the JSON answer does not parse: %s",
				  method, target, jerr.text);
		e = json_object_get(j, "error");
		if (rs->status >= 400 &&
		    (!json_is_object(e) ||
		     !json_is_string(json_object_get(e, "message")) ||
		     !json_is_string(json_object_get(e, "code")) ||
		     strcmp(json_string_value(json_object_get(e, "code")),
			    http_error_code(rs->status)) ||
		     !json_object_get(e, "field")))
			fuzz_fail("%s %s: error %u without its JSON shape: %s",
				  method, target, rs->status, rs->body.buf);
		json_decref(j);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request rq;
	struct http_response rs;
	char *method, *target;

	copy_db(fx.db, fx.pristine, "restore");
	http_request_init(&rq, fx.cfg.body_max);
	http_response_init(&rs);
	rq.cfg = &fx.cfg;
	rq.limiter = rate_limiter_new(fx.cfg.login_attempts,
				      fx.cfg.login_window);
	rq.st = fx.st;
	rq.today = fx.today;
	rq.now = 1795694400;	/* 2026-11-26T12:00:00Z */
	snprintf(rq.addr, sizeof(rq.addr), "127.0.0.1");

	parse_input((const char *)data, size, &rq, &method, &target);
	/* Names and values with a NUL cannot come through libmicrohttpd. */
	if (!memchr(data, '\0', size)) {
		dispatch(&rq, &rs, method, target);
		check_response(&rs, method, target);
	}
	rate_limiter_free(rq.limiter);
	http_request_release(&rq);
	http_response_release(&rs);
	free(method);
	free(target);
	return 0;
}
