/*
 * Paging of list routes (paging.h): limit, cursor, next and Link.
 */
#include "web/paging.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

bool
paging_limit(struct http_request *rq, struct http_response *rs, size_t def,
	     size_t max, size_t *out)
{
	const char *s = http_params_get(&rq->query, "limit");
	char *end;
	unsigned long v;

	*out = def;
	if (!s)
		return true;
	v = s[0] >= '0' && s[0] <= '9' ? strtoul(s, &end, 10) : 0;
	if (!v || *end || v > max || strlen(s) > 9) {
		http_error(rs, 400, "limit", "limit must be a whole number "
			   "from 1 to %zu, got '%.40s'", max, s);
		return false;
	}
	*out = v;
	return true;
}

char *
paging_cursor_make(const char *const *fields, size_t n)
{
	struct strbuf raw = STRBUF_INIT;
	size_t len;
	char *out;

	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addch(&raw, '\0');
		strbuf_addstr(&raw, fields[i]);
	}
	len = sodium_base64_ENCODED_LEN(
		raw.len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	out = xmalloc(len);
	sodium_bin2base64(out, len, (const unsigned char *)raw.buf, raw.len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	strbuf_release(&raw);
	return out;
}

int
paging_cursor_parse(const char *text, struct paging_cursor *c)
{
	size_t tlen = strlen(text), len;
	char *p;

	memset(c, 0, sizeof(*c));
	if (!tlen || tlen > PAGING_CURSOR_MAX)
		return -1;
	c->buf = xmalloc(tlen + 1);
	if (sodium_base642bin((unsigned char *)c->buf, tlen, text, tlen, NULL,
			      &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	c->buf[len] = '\0';
	for (p = c->buf;; p += strlen(p) + 1) {
		if (c->n == PAGING_FIELDS_MAX)
			return -1;
		c->field[c->n++] = p;
		if (p + strlen(p) == c->buf + len)
			break;
	}
	return 0;
}

bool
paging_cursor(struct http_request *rq, struct http_response *rs,
	      struct paging_cursor *c)
{
	const char *s = http_params_get(&rq->query, "cursor");

	memset(c, 0, sizeof(*c));
	if (!s)
		return true;
	if (paging_cursor_parse(s, c) == 0)
		return true;
	paging_bad_cursor(rs);
	return false;
}

void
paging_bad_cursor(struct http_response *rs)
{
	http_error(rs, 400, "cursor", "cursor is not one a page of this "
		   "list gave (take \"next\" from the last page)");
}

char *
paging_cursor_of_id(long long id)
{
	char buf[24];
	const char *field = buf;

	snprintf(buf, sizeof(buf), "%lld", id);
	return paging_cursor_make(&field, 1);
}

int
paging_cursor_id_parse(const char *text, long long *out)
{
	struct paging_cursor c;
	size_t n;
	int r = -1;

	*out = 0;
	if (paging_cursor_parse(text, &c) == 0 && c.n == 1) {
		n = strlen(c.field[0]);
		if (n && n <= 18 && strspn(c.field[0], "0123456789") == n &&
		    (*out = strtoll(c.field[0], NULL, 10)) > 0)
			r = 0;
	}
	paging_cursor_release(&c);
	return r;
}

bool
paging_cursor_id(struct http_request *rq, struct http_response *rs,
		 long long *out)
{
	const char *s = http_params_get(&rq->query, "cursor");

	*out = 0;
	if (!s || paging_cursor_id_parse(s, out) == 0)
		return true;
	paging_bad_cursor(rs);
	return false;
}

void
paging_cursor_release(struct paging_cursor *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

void
paging_url_escape(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			strbuf_addch(sb, (char)c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

void
paging_next_url(struct strbuf *sb, const struct http_request *rq,
		const char *next)
{
	char sep = '?';

	strbuf_addstr(sb, rq->path);
	for (size_t i = 0; i < rq->query.n; i++) {
		const struct http_param *p = &rq->query.items[i];

		if (!strcmp(p->name, "cursor"))
			continue;
		strbuf_addch(sb, sep);
		paging_url_escape(sb, p->name);
		strbuf_addch(sb, '=');
		paging_url_escape(sb, p->value);
		sep = '&';
	}
	if (next)
		strbuf_addf(sb, "%ccursor=%s", sep, next);
}

void
paging_link(const struct http_request *rq, struct http_response *rs,
	    const char *next)
{
	struct strbuf sb = STRBUF_INIT;

	if (!next)
		return;
	strbuf_addch(&sb, '<');
	paging_next_url(&sb, rq, next);
	strbuf_addstr(&sb, ">; rel=\"next\"");
	http_response_header(rs, "Link", sb.buf);
	strbuf_release(&sb);
}

void
paging_next(const struct http_request *rq, struct http_response *rs,
	    json_t *o, const char *next)
{
	json_object_set_new(o, "next", next ? json_string(next) : json_null());
	paging_link(rq, rs, next);
}
