/*
 * The web fixture and reply checks of the fuzz targets (web.h). Not named
 * fuzz-*.c: CMake takes every such file for a target.
 */
#include "fuzz.h"
#include "web.h"

#include "formats/plan.h"
#include "store/deals.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "web/api.h"
#include "web/auth.h"

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

struct fuzz_web fx;
static sqlite3 *db;		/* the store's connection */
static sqlite3 *pristine;	/* the database every input starts from */

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

/* A session for user, its cookie value and CSRF token into *cookie, *csrf. */
static void
log_in(const char *user, const char *password, char **cookie, char **csrf)
{
	struct tw_error err = { 0 };
	struct principal who;

	/* The server checks sessions against the clock: log in now. */
	if (auth_login(fx.st, user, password, (long long)time(NULL),
		       fx.cfg.session_ttl, cookie, &who, &err))
		fuzz_fail("cannot log %s in: %s", user, err.msg);
	*csrf = xstrdup(who.csrf);
	principal_release(&who);
}

/*
 * A share link to acme (link 1), and the CSRF token its page gives: the
 * value of the cookie the first opening sets ("techwin_share_1=V; ...").
 */
static void
share_link(void)
{
	struct tw_error err = { 0 };
	struct store_share made;
	struct server_reply reply;
	struct server_call call = { 0 };
	struct http_params none = { 0 };
	struct strbuf target = STRBUF_INIT;
	const char *set, *eq, *semi;
	char *url;

	if (auth_share_make(fx.st, "acme", DATE_NONE, fx.cfg.today,
			    "http://localhost", &made, &url, &err))
		fuzz_fail("cannot make the share link: %s", err.msg);
	store_share_release(&made);
	fx.share = xstrdup(strstr(url, "/share/") + 7);
	auth_secret_free(url);
	strbuf_addf(&target, "/share/%s", fx.share);
	call.method = "GET";
	call.target = target.buf;
	call.headers = &none;
	call.body = "";
	call.addr = "127.0.0.1";
	fuzz_web_dispatch(&call, &reply);
	set = server_reply_header(&reply, "Set-Cookie");
	if (reply.status != 200 || !set || !(eq = strchr(set, '=')) ||
	    !(semi = strchr(eq, ';')))
		fuzz_fail("the share page gave no CSRF cookie (%u)",
			  reply.status);
	fx.share_csrf = xstrndup(eq + 1, (size_t)(semi - eq - 1));
	server_reply_release(&reply);
	strbuf_release(&target);
}

void
fuzz_web_setup(void)
{
	struct tw_error err = { 0 };
	struct validation_site site;

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
		    store_create_deal(fx.st, &d, date_today(), &site,
				      &err))
			fuzz_fail("cannot store the fixture deals: %s",
				  err.msg);
		deal_release(&d);
	}
	server_config_init(&fx.cfg);
	fx.cfg.quiet = true;
	date_parse("2026-11-26", &fx.cfg.today, NULL);
	fx.cfg.today_fixed = true;
	if (auth_user_add(fx.st, "alice", ROLE_ADMIN, "password1", &err) ||
	    auth_token_add(fx.st, "fuzz", "alice", &fx.token, &err) ||
	    auth_user_add(fx.st, "bob", ROLE_VIEWER, "password2", &err) ||
	    auth_token_add(fx.st, "fuzz-viewer", "bob", &fx.viewer, &err))
		fuzz_fail("cannot add the fixture accounts: %s", err.msg);
	log_in("alice", "password1", &fx.cookie, &fx.csrf);
	log_in("bob", "password2", &fx.vcookie, &fx.vcsrf);
	db = store_sqlite_handle(fx.st);
	share_link();
	if (sqlite3_open(":memory:", &pristine) != SQLITE_OK)
		fuzz_fail("cannot open the pristine copy");
	copy_db(pristine, db, "save");
}

void
fuzz_web_restore(void)
{
	copy_db(db, pristine, "restore");
}

bool
fuzz_web_dispatch(const struct server_call *call, struct server_reply *reply)
{
	struct tw_error err = { 0 };
	struct server *srv;
	int changes;

	if (server_new(&fx.cfg, fx.st, &srv, &err))
		fuzz_fail("cannot set up the server: %s", err.msg);
	server_reply_init(reply);
	changes = sqlite3_total_changes(db);
	server_dispatch(srv, call, reply);
	server_free(srv);
	fuzz_web_check_reply(reply, call->method, call->target);
	return sqlite3_total_changes(db) != changes;
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

bool
fuzz_web_to_login(const struct server_reply *r)
{
	const char *loc = server_reply_header(r, "Location");

	return r->status == 303 && loc && !strncmp(loc, "/login?next=", 12);
}

void
fuzz_web_check_reply(const struct server_reply *r, const char *method,
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

