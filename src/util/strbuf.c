/*
 * struct strbuf: the one growable string type every layer writes into.
 */
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_slopbuf[1];

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	struct strbuf blank = STRBUF_INIT;

	*sb = blank;
	if (hint) {
		sb->buf = xmalloc(hint + 1);
		sb->alloc = hint + 1;
		sb->buf[0] = '\0';
	}
}

void
strbuf_release(struct strbuf *sb)
{
	size_t cap = sb->cap;

	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
	sb->cap = cap;
}

char *
strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	if (len)
		*len = sb->len;
	res = sb->alloc ? sb->buf : xstrdup("");
	strbuf_init(sb, 0);
	return res;
}

void
strbuf_reset(struct strbuf *sb)
{
	strbuf_setlen(sb, 0);
	sb->toobig = false;
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len < sb->len ? len : sb->len;
	sb->buf[sb->len] = '\0';
}

/* Make room for extra more bytes plus the NUL; -1 when the cap forbids it. */
static int
strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (sb->cap && sb->len + extra > sb->cap) {
		sb->toobig = true;
		return -1;
	}
	if (want <= sb->alloc)
		return 0;
	if (!sb->alloc)
		sb->buf = NULL;
	sb->alloc = want < 64 ? 64 : want * 3 / 2;
	sb->buf = xrealloc(sb->buf, sb->alloc);
	if (sb->len == 0)
		sb->buf[0] = '\0';
	return 0;
}

int
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (strbuf_grow(sb, len) < 0)
		return -1;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_addstr(struct strbuf *sb, const char *s)
{
	return strbuf_add(sb, s, strlen(s));
}

int
strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return strbuf_add(sb, &ch, 1);
}

int
strbuf_addchars(struct strbuf *sb, int c, size_t n)
{
	if (strbuf_grow(sb, n) < 0)
		return -1;
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
	return 0;
}

int
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	size_t avail = sb->alloc ? sb->alloc - sb->len : 0;
	int n;

	/*
	 * Format straight into the spare room first: most calls fit, and
	 * formatting twice (measure, then write) was a visible share of
	 * every command's time.
	 */
	va_copy(cp, ap);
	n = vsnprintf(avail ? sb->buf + sb->len : NULL, avail, fmt, cp);
	va_end(cp);
	if (n < 0) {
		if (avail)
			sb->buf[sb->len] = '\0';
		return -1;
	}
	if ((size_t)n < avail) {
		sb->len += (size_t)n;
		return 0;
	}
	if (strbuf_grow(sb, (size_t)n) < 0)
		return -1;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
	return 0;
}

int
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return r;
}

int
strbuf_add_num1(struct strbuf *sb, double v)
{
	double r = round(v * 10.0) / 10.0;

	if (r == 0)
		r = 0;
	return strbuf_addf(sb, r == floor(r) ? "%.0f" : "%.1f", r);
}
