/*
 * Fuzz target: a deal's kept inputs (store/inputs.h), the text check
 * decodes in place from the database after a settings change. The input
 * is the text after the header (the target puts this techwin's header in
 * front, so that the fuzzer need not find the tables' fingerprint).
 * Invariants, each an abort() when broken:
 *   - decoding reads nothing past the text and, when it refuses the text,
 *     leaves the deal empty (no slug);
 *   - a text that decodes encodes to one that decodes again, and that
 *     deal encodes to the same bytes (prose becomes "~" once, then stays);
 *   - the deal decoded from that encoding has the same fields as the
 *     first decoded deal, but for prose that was not empty ("~" now);
 *   - momentum_check runs on every decoded deal.
 */
#include "fuzz.h"

#include "core/momentum.h"
#include "core/schema.h"
#include "store/inputs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* This techwin's header and its unit separator. */
static void
header(struct strbuf *out)
{
	struct deal d;

	deal_init(&d);
	d.slug = xstrdup("x");
	inputs_encode(&d, out);
	strbuf_setlen(out, (size_t)(strchr(out->buf, '\x1f') - out->buf) + 1);
	deal_release(&d);
}

static void
same_fields(const struct schema_table *tb, const void *a, const void *b)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (f->flags & FL_MULTI) {
			const char *x = *(char *const *)fptr(f, a);
			const char *y = *(char *const *)fptr(f, b);

			if ((!x) != (!y) || (x && (*x != 0) != (*y != 0)))
				fuzz_fail("%s.%s: prose %s became %s",
					  tb->entity, f->name, x ? "some" : "none",
					  y ? "some" : "none");
			continue;
		}
		if (!field_equal(f, a, b))
			fuzz_fail("%s.%s differs once encoded again", tb->entity,
				  f->name);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf text = STRBUF_INIT, e1 = STRBUF_INIT, e2 = STRBUF_INIT;
	struct momentum_settings s = { 5, 10, 2 };
	struct holidays none = { 0 };
	struct momentum_report r;
	struct deal d, d2;
	char *body = fuzz_cstr(data, size), *b1;

	header(&text);
	strbuf_addstr(&text, body);
	free(body);
	deal_init(&d);
	if (inputs_decode(text.buf, &d) < 0) {
		if (d.slug || d.nevents || d.ncriteria)
			fuzz_fail("a refused text left a deal behind");
		strbuf_release(&text);
		return 0;
	}
	momentum_check(&d, date_from_ymd(2027, 3, 1), &none, &s, &r);
	momentum_report_release(&r);
	/* Encoded, copied (decoding is in place), decoded: d2. */
	inputs_encode(&d, &e1);
	b1 = xstrdup(e1.buf);
	deal_init(&d2);
	if (inputs_decode(b1, &d2) < 0)
		fuzz_fail("an encoded deal does not decode");
	if (strcmp(d.slug, d2.slug))
		fuzz_fail("the slug changed");
	same_fields(&schema_deal, &d, &d2);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		if (tb->count(&d) != tb->count(&d2))
			fuzz_fail("%s: %zu children became %zu", tb->sql,
				  tb->count(&d), tb->count(&d2));
		for (size_t i = 0; i < tb->count(&d); i++)
			same_fields(tb, tb->at(&d, i), tb->at(&d2, i));
	}
	/* d2 encodes to what d encoded to: prose was "~" already. */
	inputs_encode(&d2, &e2);
	if (strcmp(e1.buf, e2.buf))
		fuzz_fail("encoding a decoded encoding changed it");
	inputs_release(&d2);
	inputs_release(&d);
	free(b1);
	strbuf_release(&e1);
	strbuf_release(&e2);
	strbuf_release(&text);
	return 0;
}
