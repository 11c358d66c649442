/*
 * Cross-site writes to techwin serve. A session's writes carry its CSRF
 * token (server.c), but a login has no session yet, so a page on another
 * site could post the login form and sign the victim's browser in to the
 * attacker's account. Every write that a browser could have sent on its
 * own is therefore also checked against what the browser says about where
 * it came from.
 */
#ifndef TW_CSRF_H
#define TW_CSRF_H

#include <stdbool.h>

#include "web/http.h"

/*
 * Why rq, a write (any method but GET, HEAD and OPTIONS) without a bearer
 * token, came from another site, for a 403; NULL when it may go on:
 *   - Sec-Fetch-Site, when sent, decides: same-origin and none (the user
 *     typed it) pass, same-site and cross-site do not;
 *   - else Origin, when sent, must be this server: http or https (https
 *     only when a trusted proxy said X-Forwarded-Proto: https) and the
 *     Host header's host and port (X-Forwarded-Host's, last element, when
 *     the proxy is trusted and sent one); "null" does not pass;
 *   - a request with neither comes from no browser that does CSRF
 *     (curl, scripts), and passes.
 * A bearer token (Authorization: Bearer) is never sent by a browser on
 * its own, so such a request is not checked.
 */
const char *csrf_cross_site(const struct http_request *rq);
/*
 * This server as the browser reached it, the origin a write's Origin must
 * be: https when a trusted proxy said so, else http, and the Host header
 * (X-Forwarded-Host's last element behind a trusted proxy), else the
 * listen address. Where the links it hands out (share links) point.
 */
void csrf_own_origin(const struct http_request *rq, struct strbuf *out);
/* GET, HEAD and OPTIONS change nothing and need no check. */
bool csrf_safe_method(const char *method);

#endif
