/*
 * multipart/form-data (multipart.h): a strict reading of RFC 7578 and
 * RFC 2046's framing, over a body already in memory.
 */
#define _GNU_SOURCE	/* memmem */
#include "web/multipart.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
bchar(char c, bool last)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return strchr("'()+_,-./:=?", c) ? c != '\0' : c == ' ' && !last;
}

static bool
tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *
skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/*
 * One parameter "; name=value" of a header value at *p (before end): its
 * name and value (unquoted, malloc'ed). 0 at the end, 1 for a parameter,
 * -1 when malformed.
 */
static int
next_param(const char **p, const char *end, char **name, char **value)
{
	const char *s = skip_ows(*p, end), *n0;
	struct strbuf v = STRBUF_INIT;

	if (s == end)
		return 0;
	if (*s != ';')
		return -1;
	s = skip_ows(s + 1, end);
	for (n0 = s; s < end && tchar(*s); s++)
		;
	if (s == n0)
		return -1;
	*name = xstrndup(n0, (size_t)(s - n0));
	s = skip_ows(s, end);
	if (s == end || *s != '=') {
		free(*name);
		return -1;
	}
	s = skip_ows(s + 1, end);
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < end)
				s++;
			strbuf_addch(&v, *s);
		}
		if (s == end) {
			free(*name);
			strbuf_release(&v);
			return -1;
		}
		s++;
	} else {
		for (n0 = s; s < end && tchar(*s); s++)
			;
		if (s == n0) {
			free(*name);
			return -1;
		}
		strbuf_add(&v, n0, (size_t)(s - n0));
	}
	*value = strbuf_detach(&v, NULL);
	*p = s;
	return 1;
}

int
multipart_boundary(const char *ct, char out[MULTIPART_BOUNDARY_MAX + 1])
{
	static const char type[] = "multipart/form-data";
	const char *p, *end;
	char *name, *value;
	bool found = false;
	int k;

	if (!ct)
		return -1;
	ct = skip_ows(ct, ct + strlen(ct));
	if (strncasecmp(ct, type, sizeof(type) - 1))
		return -1;
	p = ct + sizeof(type) - 1;
	end = p + strlen(p);
	while ((k = next_param(&p, end, &name, &value)) == 1) {
		size_t n = strlen(value);
		bool ok = !found && n >= 1 && n <= MULTIPART_BOUNDARY_MAX;

		if (strcasecmp(name, "boundary")) {
			free(name);
			free(value);
			continue;
		}
		for (size_t i = 0; ok && i < n; i++)
			ok = bchar(value[i], i + 1 == n);
		if (ok)
			memcpy(out, value, n + 1);
		free(name);
		free(value);
		if (!ok)
			return -1;
		found = true;
	}
	return k == 0 && found ? 0 : -1;
}

static void
part_release(struct multipart_part *pt)
{
	free(pt->name);
	free(pt->filename);
	free(pt->type);
}

void
multipart_release(struct multipart *mp)
{
	for (size_t i = 0; i < mp->n; i++)
		part_release(&mp->parts[i]);
	free(mp->parts);
	mp->parts = NULL;
	mp->n = 0;
}

/* Content-Disposition: form-data; name="..."; filename="..." */
static int
disposition(const char *s, const char *end, struct multipart_part *pt)
{
	static const char fd[] = "form-data";
	char *name, *value;
	int k;

	s = skip_ows(s, end);
	if ((size_t)(end - s) < sizeof(fd) - 1 ||
	    strncasecmp(s, fd, sizeof(fd) - 1))
		return -1;
	s += sizeof(fd) - 1;
	while ((k = next_param(&s, end, &name, &value)) == 1) {
		char **slot = !strcasecmp(name, "name")	      ? &pt->name
			      : !strcasecmp(name, "filename") ? &pt->filename
							      : NULL;

		free(name);
		if (slot && *slot)
			k = -1;
		if (slot && !*slot)
			*slot = value;
		else
			free(value);
		if (k < 0)
			return -1;
	}
	return k == 0 && pt->name ? 0 : -1;
}

/* The header lines of one part, [s, end): each "Name: value". */
static int
part_headers(const char *s, const char *end, struct multipart_part *pt,
	     struct tw_error *err)
{
	bool seen = false;

	while (s < end) {
		const char *eol = memmem(s, (size_t)(end - s), "\r\n", 2);
		const char *colon, *v;

		if (!eol)
			eol = end;
		colon = memchr(s, ':', (size_t)(eol - s));
		for (const char *c = s; c < eol; c++)
			if (*c == '\0' || *c == '\r' || *c == '\n')
				return tw_error_set(err, TW_EINPUT, "malformed "
						    "multipart body: a control "
						    "character in a part's "
						    "headers");
		if (!colon || colon == s)
			return tw_error_set(err, TW_EINPUT, "malformed "
					    "multipart body: a part's header "
					    "line has no name");
		for (const char *c = s; c < colon; c++)
			if (!tchar(*c))
				return tw_error_set(err, TW_EINPUT, "malformed "
						    "multipart body: a part's "
						    "header name is not a "
						    "token");
		v = skip_ows(colon + 1, eol);
		if ((size_t)(colon - s) == 19 &&
		    !strncasecmp(s, "Content-Disposition", 19)) {
			if (seen || disposition(v, eol, pt) < 0)
				return tw_error_set(err, TW_EINPUT, "malformed "
						    "multipart body: a part's "
						    "Content-Disposition is "
						    "not form-data with a "
						    "name");
			seen = true;
		} else if ((size_t)(colon - s) == 12 &&
			   !strncasecmp(s, "Content-Type", 12) && !pt->type) {
			pt->type = xstrndup(v, (size_t)(eol - v));
		}
		s = eol + 2;
	}
	if (!seen)
		return tw_error_set(err, TW_EINPUT, "malformed multipart "
				    "body: a part without a "
				    "Content-Disposition");
	return 0;
}

int
multipart_parse(const char *body, size_t len, const char *content_type,
		struct multipart *out, struct tw_error *err)
{
	char b[MULTIPART_BOUNDARY_MAX + 1], delim[MULTIPART_BOUNDARY_MAX + 5];
	const char *end = body + len, *p;
	size_t dlen, alloc = 0;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (multipart_boundary(content_type, b) < 0)
		return tw_error_set(err, TW_EINPUT, "the request body must be "
				    "multipart/form-data with a boundary of 1 "
				    "to %d characters",
				    MULTIPART_BOUNDARY_MAX);
	dlen = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	/* The first delimiter opens the body, or follows a preamble. */
	if (len >= dlen - 2 && !memcmp(body, delim + 2, dlen - 2))
		p = body + dlen - 2;
	else if ((p = memmem(body, len, delim, dlen)))
		p += dlen;
	else
		return tw_error_set(err, TW_EINPUT, "malformed multipart body: "
				    "no boundary delimiter");
	for (;;) {
		struct multipart_part pt = { 0 };
		const char *hend = NULL, *next;
		size_t room;

		/* p is just past a delimiter: "--" closes, else a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		p = skip_ows(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			r = tw_error_set(err, TW_EINPUT, "malformed multipart "
					 "body: %s",
					 p == end ? "cut short before the "
						    "closing boundary"
						  : "text after a boundary");
			break;
		}
		p += 2;
		if (out->n == MULTIPART_PARTS_MAX) {
			r = tw_error_set(err, TW_EINPUT, "the form has more "
					 "than %d parts", MULTIPART_PARTS_MAX);
			break;
		}
		room = (size_t)(end - p);
		if (room > MULTIPART_HEADER_MAX + 2)
			room = MULTIPART_HEADER_MAX + 2;
		if (room >= 2 && p[0] == '\r' && p[1] == '\n')
			hend = p;	/* no headers at all */
		else if ((hend = memmem(p, room, "\r\n\r\n", 4)))
			hend += 2;
		if (!hend) {
			r = tw_error_set(err, TW_EINPUT, "malformed multipart "
					 "body: a part's headers are longer "
					 "than %d bytes or cut short",
					 MULTIPART_HEADER_MAX);
			break;
		}
		if ((r = part_headers(p, hend, &pt, err)) < 0) {
			part_release(&pt);
			break;
		}
		p = hend + 2;
		next = memmem(p, (size_t)(end - p), delim, dlen);
		if (!next) {
			part_release(&pt);
			r = tw_error_set(err, TW_EINPUT, "malformed multipart "
					 "body: cut short before the closing "
					 "boundary");
			break;
		}
		pt.data = p;
		pt.len = (size_t)(next - p);
		if (!pt.filename && memchr(pt.data, '\0', pt.len)) {
			part_release(&pt);
			r = tw_error_set(err, TW_EINPUT, "malformed multipart "
					 "body: a NUL byte in a text field");
			break;
		}
		ALLOC_GROW(out->parts, out->n + 1, alloc);
		out->parts[out->n++] = pt;
		p = next + dlen;
	}
	if (r < 0)
		multipart_release(out);
	return r;
}
