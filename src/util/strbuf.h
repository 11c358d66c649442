/*
 * Growable strings (git's strbuf, curl's dynbuf). buf is never NULL and always
 * NUL-terminated. A non-zero cap makes appends past it fail (for anything read
 * from the network) instead of growing without bound.
 */
#ifndef TW_STRBUF_H
#define TW_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	size_t len;
	size_t alloc;
	size_t cap;	/* 0: unlimited */
	bool toobig;	/* an append was refused because of cap */
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, 0, false, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
void strbuf_release(struct strbuf *sb);
/* Hand the buffer to the caller (to free()) and reset sb. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_reset(struct strbuf *sb);
void strbuf_setlen(struct strbuf *sb, size_t len);

/* Appends return 0, or -1 when the cap refused them (sb->toobig is set). */
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_addstr(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, int c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append s n times (padding, rules). */
int strbuf_addchars(struct strbuf *sb, int c, size_t n);
/* v with one decimal at most, never "-0": stable bytes for golden files. */
int strbuf_add_num1(struct strbuf *sb, double v);

#endif
