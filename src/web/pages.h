/*
 * The HTML pages of techwin serve, rendered here in C: the pipeline, a
 * deal (with the forms that record a measurement and apply the plan), the
 * cycle-time analytics, the login form, and the read-only mutual action
 * plan a share link opens for the champion. Also the assets they use (a
 * stylesheet, a small script, an icon), compiled into the binary. Every
 * user string reaches the HTML through html_escape.
 */
#ifndef TW_PAGES_H
#define TW_PAGES_H

#include <stddef.h>

#include "web/http.h"
#include "web/router.h"

/* GET /, /deals/{slug}, /analytics, /login, /share/{token}, /assets/... */
extern const struct route page_routes[];

/*
 * The login form: a 200 for GET /login, or the answer to a failed login
 * with message (NULL: none). next is where to go after logging in; it is
 * kept only when it is a path on this site.
 */
void pages_login_form(struct http_response *rs, unsigned status,
		      const char *next, const char *message);

/*
 * The 403 page for a signed-in user whose role is below need, on a page
 * route: says which role it takes, in the page frame, with a link back.
 * (An API route answers the JSON error instead.)
 */
void pages_forbidden(struct http_request *rq, struct http_response *rs,
		     enum role need);

/* An embedded file (web-assets.c, made by src/web/assets/embed.cmake). */
struct web_asset {
	const char *name;		/* "techwin.css"; NULL ends the table */
	const char *type;		/* the Content-Type */
	const unsigned char *data;
	size_t len;
	const char *etag;		/* "\"<sha-256 prefix>\"" */
};

extern const struct web_asset web_assets[];

#endif
