/*
 * The paging convention of every list route (docs/api.md): ?limit= (a
 * default, at most a maximum), ?cursor= (opaque: where the previous page
 * ended), and in the answer "next" (the cursor of the next page, or null)
 * with a Link: <...>; rel="next" header. A cursor is the fields of the
 * last row's sort key, NUL-separated, in URL-safe base64 without padding.
 */
#ifndef TW_WEB_PAGING_H
#define TW_WEB_PAGING_H

#include <stdbool.h>
#include <stddef.h>

#include "web/http.h"

#define PAGING_LIMIT_DEFAULT 100
#define PAGING_LIMIT_MAX 1000
/* A cursor holds at most this many fields, of this many bytes in all. */
#define PAGING_FIELDS_MAX 8
#define PAGING_CURSOR_MAX 1024

/*
 * ?limit, def when absent; a value that is not a whole number from 1 to
 * max is answered 400 naming "limit", and this returns false.
 */
bool paging_limit(struct http_request *rq, struct http_response *rs,
		  size_t def, size_t max, size_t *out);

struct paging_cursor {
	char *buf;
	const char *field[PAGING_FIELDS_MAX];	/* into buf */
	size_t n;				/* 0: no cursor given */
};

/*
 * ?cursor decoded into c; a cursor that no list made is answered 400
 * naming "cursor", and this returns false. Release c either way.
 */
bool paging_cursor(struct http_request *rq, struct http_response *rs,
		   struct paging_cursor *c);
void paging_cursor_release(struct paging_cursor *c);
/* The 400 naming "cursor" for a cursor that no page of the list gave. */
void paging_bad_cursor(struct http_response *rs);

/*
 * A list keyed by one positive number (a row's id): ?cursor's number into
 * *out (0: no cursor), false after paging_bad_cursor(); the cursor of id
 * (caller frees); text's number, or -1 for a cursor that is not one.
 */
bool paging_cursor_id(struct http_request *rq, struct http_response *rs,
		      long long *out);
char *paging_cursor_of_id(long long id);
int paging_cursor_id_parse(const char *text, long long *out);

/* The cursor of the n fields (caller frees); pure, for unit tests. */
char *paging_cursor_make(const char *const *fields, size_t n);
/* text's fields into c (0) or -1: what paging_cursor reads. */
int paging_cursor_parse(const char *text, struct paging_cursor *c);

/*
 * rq's path and query, with cursor=next in place of any cursor (next
 * NULL: without one, the first page).
 */
void paging_next_url(struct strbuf *sb, const struct http_request *rq,
		     const char *next);

/* The Link: <...>; rel="next" header, when next is not NULL. */
void paging_link(const struct http_request *rq, struct http_response *rs,
		 const char *next);
/* "next" (null when next is NULL) into the answer o, and the Link. */
void paging_next(const struct http_request *rq, struct http_response *rs,
		 json_t *o, const char *next);

/* One query value, percent-encoded (all but unreserved characters). */
void paging_url_escape(struct strbuf *sb, const char *s);

#endif
