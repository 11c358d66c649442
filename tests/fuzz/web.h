/*
 * The web fixture that the fuzz targets of techwin serve share (fuzz-http,
 * fuzz-form): an in-memory SQLite store with two deals (acme, won-deal),
 * an admin alice with an API token and a logged-in session, and a viewer
 * bob with a token and a session, a share link to acme with its CSRF
 * token (issue 16); fuzz_web_restore() puts the database
 * back as it was before each input. Also the invariants every answer of
 * server_dispatch() must hold.
 */
#ifndef TW_FUZZ_WEB_H
#define TW_FUZZ_WEB_H

#include <stdbool.h>

#include "web/server.h"

struct fuzz_web {
	struct store *st;
	struct server_config cfg;	/* quiet, today fixed */
	char *token;		/* alice's (an admin's) API token */
	char *viewer;		/* bob's (a viewer's) API token */
	char *cookie;		/* alice's session */
	char *csrf;		/* and its CSRF token */
	char *vcookie;		/* bob's session */
	char *vcsrf;		/* and its CSRF token */
	char *share;		/* a share link's token (acme's, link 1) */
	char *share_csrf;	/* the link's CSRF token (its cookie's value,
				   techwin_share_1) */
};
extern struct fuzz_web fx;

/* Once, from LLVMFuzzerInitialize; alice's password is "password1", bob's
 * "password2". */
void fuzz_web_setup(void);
/* The database as fuzz_web_setup left it; aborts when the last request
 * left a transaction or statement open. */
void fuzz_web_restore(void);
/*
 * call through server_dispatch() of a fresh server (so the login limiter
 * starts empty) into reply (initialised here; the caller releases it),
 * with fuzz_web_check_reply's checks. True when it wrote to the database.
 */
bool fuzz_web_dispatch(const struct server_call *call,
		       struct server_reply *reply);

/*
 * Every answer: a status, never 500; the security headers; no line break
 * in a header; redirects on the site; a JSON answer parses and an error
 * has its shape; no <script> but the site's own in a page.
 */
void fuzz_web_check_reply(const struct server_reply *r, const char *method,
			  const char *target);
/* A page refused without a session sends the browser to log in. */
bool fuzz_web_to_login(const struct server_reply *r);

#endif
