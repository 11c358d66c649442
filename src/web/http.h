/*
 * Requests and responses of techwin serve, independent of libmicrohttpd's
 * callbacks: percent-decoding and query strings, the capped request body,
 * JSON bodies, and responses with the headers every answer carries. This is
 * the one place where an enum tw_err becomes an HTTP status, and where
 * errors take their JSON shape {"error": {"code", "message", "field"}}.
 */
#ifndef TW_HTTP_H
#define TW_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/date.h"
#include "store/store.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "web/auth.h"
#include "web/multipart.h"

/* Default limits; techwin serve can lower or raise the body cap. */
#define HTTP_BODY_MAX (1024 * 1024)	/* bytes of request body: 413 */
/* An upload's (import, holiday calendar): plan files, a CRM export. */
#define HTTP_UPLOAD_MAX (32 * 1024 * 1024)
#define HTTP_URL_MAX 8192		/* bytes of request target: 414 */
#define HTTP_HEADERS_MAX 16384		/* bytes of all headers: 431 */
#define HTTP_HEADER_COUNT_MAX 100	/* number of headers: 431 */

/* Every response carries these (the CSP can be replaced per response). */
#define HTTP_CSP_DEFAULT                                                     \
	"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "      \
	"form-action 'self'"

/* Decoded name/value pairs: a query string, a form body, route captures. */
struct http_param {
	char *name;
	char *value;
};

struct http_params {
	struct http_param *items;
	size_t n, alloc;
};

void http_params_add(struct http_params *p, const char *name,
		     const char *value);
/* The first value of name, or NULL (borrowed). */
const char *http_params_get(const struct http_params *p, const char *name);
/* How many times name occurs. */
size_t http_params_count(const struct http_params *p, const char *name);
void http_params_release(struct http_params *p);

/*
 * Percent-decode s[0..len) onto out; '+' is a space when plus is true
 * (form bodies and query strings, not paths). -1 for a malformed escape
 * ("%4", "%zz") or an encoded NUL, which no techwin value may contain.
 */
int http_decode(const char *s, size_t len, bool plus, struct strbuf *out);
/*
 * Parse "a=1&b=x%20y" (a query string or an
 * application/x-www-form-urlencoded body) onto out, in order. Empty items
 * ("a=1&&b=2") are skipped; "a" alone has the value "". -1 when an item
 * does not decode; out then holds the items before it.
 */
int http_parse_query(const char *s, size_t len, struct http_params *out);

struct MHD_Connection;
struct server_config;
struct rate_limiter;

struct http_request {
	struct MHD_Connection *conn;	/* NULL in unit tests ... */
	struct http_params headers;	/* ... or server_dispatch(), which */
	struct http_params cookies;	/* set headers and cookies here */
	const char *method;		/* as sent: "GET", "POST", ... */
	char *path;			/* as sent, without the query */
	struct http_params query;	/* decoded */
	struct http_params params;	/* route captures: {slug}, {key} */
	struct strbuf body;		/* capped: toobig past the cap */
	struct http_params form;	/* a form body, once parsed */
	struct multipart upload;	/* a multipart body's parts, once */

	const struct server_config *cfg;
	struct rate_limiter *limiter;	/* failed logins per address */
	struct rate_limiter *share_limiter;	/* share forms per link */
	struct store *st;		/* this worker thread's connection */
	tw_date today;
	long long now;			/* Unix time */
	char addr[64];			/* the client's address */
	bool tls;			/* X-Forwarded-Proto: https, trusted */

	bool authed;
	bool via_session;		/* by cookie: writes need CSRF */
	struct principal who;
};

void http_request_init(struct http_request *rq, size_t body_max);
void http_request_release(struct http_request *rq);

/* A request header (case-insensitive name) or cookie; NULL when absent. */
const char *http_header(const struct http_request *rq, const char *name);
const char *http_cookie(const struct http_request *rq, const char *name);
/*
 * Without a connection: split the first Cookie header into rq->cookies
 * as libmicrohttpd does ("a=1; b=\"2\""; a name without '=' has the
 * value "").
 */
void http_parse_cookies(struct http_request *rq);
/* The request headers' number and bytes (name, value and 4 per line). */
void http_headers_size(const struct http_request *rq, size_t *count,
		       size_t *bytes);
/* A route capture ({slug}); NULL when the route has none by that name. */
const char *http_param(const struct http_request *rq, const char *name);
/* The media type of the body is type (parameters and case ignored). */
bool http_content_type_is(const struct http_request *rq, const char *type);

/* The session cookie's name. */
#define HTTP_SESSION_COOKIE "techwin_session"

struct http_response {
	unsigned status;		/* 0: nothing answered yet */
	const char *content_type;	/* static; NULL without a body */
	const char *csp;		/* static; NULL: HTTP_CSP_DEFAULT */
	struct strbuf body;
	struct http_params headers;	/* more headers, in order */
	/*
	 * A route whose path holds a secret (ROUTE_SECRET_PATH): the number
	 * the access log shows in its place (a share link's ID); 0: "-".
	 */
	long long log_id;
};

void http_response_init(struct http_response *rs);
void http_response_release(struct http_response *rs);
void http_response_header(struct http_response *rs, const char *name,
			  const char *value);

/* Answer with j serialized like the CLI's --json (steals j). */
void http_send_json(struct http_response *rs, unsigned status, json_t *j);
/*
 * Append j as json_emit() writes it (jansson's json_dumps with
 * JSON_INDENT(2) | JSON_REAL_PRECISION(15), byte for byte, without the
 * final newline), but straight into out. -1 with out unchanged where
 * json_dumps fails: j is not an object or array, or a string is not UTF-8.
 */
int http_json_dump(const json_t *j, struct strbuf *out);
/* Answer with a copy of data. */
void http_send(struct http_response *rs, unsigned status, const char *type,
	       const void *data, size_t len);
/* Answer with sb's contents (sb is left empty). */
void http_send_strbuf(struct http_response *rs, unsigned status,
		      const char *type, struct strbuf *sb);
/* An empty answer (204) or a redirect (303 See Other and the like). */
void http_send_empty(struct http_response *rs, unsigned status);
void http_redirect(struct http_response *rs, unsigned status,
		   const char *location);

/*
 * The JSON error {"error": {"code", "message", "field"}}: code is a stable
 * word for the status ("not_found", "invalid", ...), field names the
 * request field at fault or is null.
 */
void http_error(struct http_response *rs, unsigned status, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * The error for a layer's result: TW_EUSAGE 400, TW_EINPUT 422,
 * TW_ENOTFOUND 404, TW_EEXIST 409, TW_EBUSY 503, TW_ESTORE (or anything
 * else) 500. A 500 does not show the message, which may name files or
 * SQL; it goes to stderr instead.
 */
void http_fail(struct http_response *rs, int rc, const struct tw_error *err,
	       const char *field);
unsigned http_status_for(int rc);
/* The error code word of a status ("not_found"). */
const char *http_error_code(unsigned status);
/* "Not Found" and the like, for logs and pages. */
const char *http_reason(unsigned status);

/* Bytes of one access log field before it is cut with "...". */
#define HTTP_LOG_FIELD_MAX 512
/*
 * s for the server's log: control characters, quotes, backslashes and
 * bytes past ASCII as \xNN, so no client can forge a line or hide
 * anything in one. For one field of the access log (field), spaces too,
 * and at most HTTP_LOG_FIELD_MAX bytes of s, then "...".
 */
void http_log_escape(struct strbuf *sb, const char *s, bool field);

/*
 * The request body as a JSON object. An empty body is {} when
 * allow_empty. Otherwise the body must be application/json (415), parse
 * (400, also for a duplicate key) and be an object (422). On failure rs
 * holds the error and NULL is returned.
 */
json_t *http_json_object(const struct http_request *rq,
			 struct http_response *rs, bool allow_empty);

/*
 * The form body (application/x-www-form-urlencoded) parsed into
 * rq->form; false with a 400 or 415 in rs when it is not one.
 */
bool http_parse_form(struct http_request *rq, struct http_response *rs);
/*
 * A multipart/form-data body (multipart.h) parsed: its files into
 * rq->upload, its text fields into rq->form as a form's; false with a 400
 * (the parser's message) or 415 in rs.
 */
bool http_parse_multipart(struct http_request *rq, struct http_response *rs);
/*
 * The next file part named name from *at (NULL: the first), or NULL;
 * *at moves past it.
 */
const struct multipart_part *http_upload_file(const struct http_request *rq,
					      const char *name, size_t *at);

/* The security headers every response carries, NULL-terminated pairs. */
extern const char *const http_security_headers[][2];

#endif
