/*
 * The route tables of techwin serve: each route is a method, a path pattern
 * with captures ("/api/deals/{slug}/criteria/{key}/measurements",
 * "/api/deals/{slug}/summary.{format}"), the handler, the least role that
 * may call it and how it authenticates. A part of the server adds its
 * table with one router_add call (the JSON API, the login form, pages).
 */
#ifndef TW_ROUTER_H
#define TW_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"
#include "web/auth.h"
#include "web/http.h"

/*
 * A handler answers through rs: http_send_json, http_error, http_fail...
 * The dispatcher has checked the role and the CSRF token before; the
 * captures are in rq->params, decoded.
 */
typedef void (*route_fn)(struct http_request *rq, struct http_response *rs);

enum route_flags {
	/* Anyone may call it: no session or token is looked at. */
	ROUTE_PUBLIC = 1 << 0,
	/*
	 * A bearer token may come as ?token= (calendar feeds, which a
	 * calendar application fetches without headers). Only such routes
	 * look at the query for a token, so it does not leak elsewhere.
	 */
	ROUTE_QUERY_TOKEN = 1 << 1,
	/*
	 * An HTML page: without a session the answer is a redirect to
	 * /login?next=PATH instead of a JSON 401.
	 */
	ROUTE_PAGE = 1 << 2,
	/*
	 * The path holds a secret (a share link's token): the access log
	 * shows the path up to the first capture and the handler's
	 * rs->log_id in place of the rest (router_secret_prefix).
	 */
	ROUTE_SECRET_PATH = 1 << 3,
	/*
	 * A file upload (multipart/form-data): its body may be as large as
	 * the server's upload_max instead of body_max.
	 */
	ROUTE_UPLOAD = 1 << 4,
};

struct route {
	const char *method;	/* "GET" answers HEAD too */
	const char *pattern;	/* NULL ends a table */
	route_fn fn;
	enum role role;		/* the least role that may call it */
	unsigned flags;		/* enum route_flags */
};

struct router {
	const struct route **tables;	/* borrowed, static tables */
	size_t n, alloc;
};

void router_init(struct router *r);
/* Add a table (ended by a NULL pattern); it must outlive the router. */
void router_add(struct router *r, const struct route *table);
void router_release(struct router *r);

enum route_result {
	ROUTE_FOUND,
	ROUTE_NOT_FOUND,	/* 404 */
	ROUTE_BAD_METHOD,	/* 405; allow lists the methods */
	ROUTE_BAD_PATH,		/* 400: a malformed percent-escape */
};

struct route_match {
	const struct route *route;
	struct http_params params;	/* the captures, decoded */
	struct strbuf allow;		/* "GET, HEAD, POST" */
};

void route_match_init(struct route_match *m);
void route_match_release(struct route_match *m);

/*
 * Find the route for method and path (as sent: percent-escapes are
 * decoded segment by segment, so "%2F" inside a slug never splits it).
 * Segments match literally, or a pattern segment "pre{name}suf" matches
 * a non-empty value between pre and suf. When several routes match, the
 * one with the most literal text in its segments wins ("/deals/new"
 * before "/deals/{slug}"), then the one added first.
 */
enum route_result router_match(const struct router *r, const char *method,
			       const char *path, struct route_match *m);

/*
 * Where path lies under a ROUTE_SECRET_PATH route, whatever the method
 * and whatever follows: the length of that route's literal part ("/share/"
 * of "/share/{token}") with *pattern set to it, so the access log shows
 * no more than that; else 0. Segments are compared decoded (as sent when
 * they do not decode) and case-insensitively, with empty and dot segments
 * resolved, so that a mangled link ("//Share/x/../TOKEN/") is caught too.
 */
size_t router_secret_prefix(const struct router *r, const char *path,
			    const char **pattern);

/*
 * The pattern is well formed: "/" alone, or '/'-separated non-empty
 * segments with at most one {name} each, names in [a-z_].
 */
bool route_pattern_valid(const char *pattern);

#endif
