/*
 * Fuzz target: multipart/form-data bodies (web/multipart.h), the file
 * uploads of the import page and the holiday calendar. The input's first
 * line is the Content-Type header's value, the rest the body. Invariants,
 * each an abort() when broken:
 *   - a refused body gets a message and holds no parts;
 *   - an accepted one has at most MULTIPART_PARTS_MAX parts, in order,
 *     each inside the body, not overlapping, named, followed in the body
 *     by the delimiter, a text field without a NUL byte;
 *   - the parts written out again with the same boundary (when their
 *     names need no quoting) parse to the same parts.
 */
#include "fuzz.h"

#include "util/strbuf.h"
#include "util/xalloc.h"
#include "web/multipart.h"

#include <stdlib.h>
#include <string.h>

static bool
plain(const char *s)
{
	return !s || !strpbrk(s, "\"\\\r\n");
}

static void
same(const struct multipart *a, const struct multipart *b)
{
	if (a->n != b->n)
		fuzz_fail("written out again: %zu parts, not %zu", b->n, a->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct multipart_part *x = &a->parts[i], *y = &b->parts[i];

		if (strcmp(x->name, y->name) || !x->filename != !y->filename ||
		    (x->filename && strcmp(x->filename, y->filename)) ||
		    x->len != y->len || memcmp(x->data, y->data, x->len))
			fuzz_fail("part %zu differs when written out again", i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	char b[MULTIPART_BOUNDARY_MAX + 1];
	struct multipart mp, again;
	struct tw_error err = { 0 };
	struct strbuf out = STRBUF_INIT;
	const char *body, *prev;
	size_t len;
	char *ct;
	bool rewrite = true;

	if (!nl)
		return 0;
	ct = xstrndup((const char *)data, (size_t)(nl - (const char *)data));
	body = nl + 1;
	len = size - (size_t)(body - (const char *)data);
	/* A copy of its own, so reads past the body are caught. */
	body = memcpy(xmalloc(len + 1), body, len);
	if (multipart_parse(body, len, ct, &mp, &err) < 0) {
		if (!err.msg[0] || mp.n || mp.parts)
			fuzz_fail("a refusal without a message, or with parts");
		goto out;
	}
	if (multipart_boundary(ct, b) < 0)
		fuzz_fail("accepted with a malformed boundary");
	if (mp.n > MULTIPART_PARTS_MAX)
		fuzz_fail("%zu parts", mp.n);
	prev = body;
	for (size_t i = 0; i < mp.n; i++) {
		const struct multipart_part *pt = &mp.parts[i];
		size_t bl = strlen(b);
		const char *after = pt->data + pt->len;

		if (!pt->name || pt->data < prev || after > body + len)
			fuzz_fail("part %zu is outside the body or unnamed", i);
		if ((size_t)(body + len - after) < 4 + bl ||
		    memcmp(after, "\r\n--", 4) || memcmp(after + 4, b, bl))
			fuzz_fail("part %zu is not followed by the delimiter",
				  i);
		if (!pt->filename && memchr(pt->data, '\0', pt->len))
			fuzz_fail("a NUL byte in text field %zu", i);
		prev = after;
		rewrite = rewrite && plain(pt->name) && plain(pt->filename);
		strbuf_addf(&out, "--%s\r\nContent-Disposition: form-data; "
			    "name=\"%s\"", b, pt->name);
		if (pt->filename)
			strbuf_addf(&out, "; filename=\"%s\"", pt->filename);
		strbuf_addstr(&out, "\r\n\r\n");
		strbuf_add(&out, pt->data, pt->len);
		strbuf_addstr(&out, "\r\n");
	}
	strbuf_addf(&out, "--%s--\r\n", b);
	if (rewrite) {
		if (multipart_parse(out.buf, out.len, ct, &again, &err) < 0)
			fuzz_fail("written out again, refused: %s", err.msg);
		same(&mp, &again);
		multipart_release(&again);
	}
	multipart_release(&mp);
out:
	strbuf_release(&out);
	free((void *)body);
	free(ct);
	return 0;
}
