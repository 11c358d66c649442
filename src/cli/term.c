/*
 * Standard output to a terminal, through term_escape (render/escape.h):
 * every text a command prints reaches the terminal through here, so text
 * stored before input was checked (ESC, BEL, CR, BS...) shows as visible
 * escapes instead of moving the cursor or retitling the window. One place
 * instead of one call per command: escaping to remember is escaping to
 * forget. JSON gets JSON's escapes, so it stays JSON. A pipe or a file
 * gets the bytes as they are.
 */
#define _GNU_SOURCE	/* fopencookie */

#include "cli/cli.h"
#include "render/escape.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct term_out {
	int fd;
	bool json;
	struct strbuf held;	/* what term_escape left for the next piece */
};

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
term_flush(struct term_out *t, const char *buf, size_t n, bool final)
{
	struct strbuf out = STRBUF_INIT;
	size_t used;
	int r;

	strbuf_add(&t->held, buf, n);
	used = term_escape(&out, t->held.buf, t->held.len, final, t->json);
	r = write_all(t->fd, out.buf, out.len);
	memmove(t->held.buf, t->held.buf + used, t->held.len - used);
	strbuf_setlen(&t->held, t->held.len - used);
	strbuf_release(&out);
	return r;
}

static ssize_t
term_write(void *cookie, const char *buf, size_t n)
{
	return term_flush(cookie, buf, n, false) < 0 ? -1 : (ssize_t)n;
}

static int
term_close(void *cookie)
{
	struct term_out *t = cookie;
	int r = term_flush(t, "", 0, true);

	strbuf_release(&t->held);
	free(t);
	return r;
}

void
cli_escape_terminal(bool json)
{
	static const cookie_io_functions_t io = { .write = term_write,
						  .close = term_close };
	struct term_out *t;
	FILE *f;

	if (!isatty(STDOUT_FILENO))
		return;
	t = xmalloc(sizeof(*t));
	*t = (struct term_out){ STDOUT_FILENO, json, STRBUF_INIT };
	f = fopencookie(t, "w", io);
	if (!f) {
		free(t);
		return;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	stdout = f;
}
