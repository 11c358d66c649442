/*
 * Fuzz target: the CRM CSV importer (formats/csv-import.h). The first byte
 * holds the options: bit 0 HubSpot (else Salesforce), bit 1 day-month-year
 * dates, bit 2 decimal commas, bit 3 a mapping file comes first, up to a
 * NUL byte; the rest is the export. Seeds start with '@' (no option) or
 * 'H' (a mapping file), so they stay readable. Invariants, each an abort()
 * when broken:
 *   - a refused export or mapping gets a message naming the file;
 *   - every row and bad row points inside the input, rows come in line
 *     order and bad rows sorted by line;
 *   - a row's name slugifies to "" or a valid slug, and crm_slug_unique
 *     finds a free, valid one;
 *   - a row merged into a new deal that passes deal_validate() survives
 *     the plan file (emit -> parse -> emit byte-identical), as
 *     import --from followed by export does;
 *   - the reject file reads back as an export with the same columns plus
 *     "error".
 */
#include "fuzz.h"

#include "core/validate.h"
#include "formats/csv-import.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define MERGE_CHECKS 8

static bool
slug_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > DEAL_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* The base and its first alternative are taken: the next free is "-3". */
static bool
taken_first(void *arg, const char *slug)
{
	size_t n = strlen(slug);

	return !strcmp(slug, arg) || (n > 2 && !strcmp(slug + n - 2, "-2"));
}

static void
check_slugs(const struct crm_row *r)
{
	char slug[DEAL_SLUG_MAX + 1], unique[DEAL_SLUG_MAX + 1];

	crm_slugify(r->name, slug);
	if (!slug[0])
		return;
	if (!slug_ok(slug))
		fuzz_fail("'%s' slugifies to invalid '%s'", r->name, slug);
	crm_slug_unique(slug, taken_first, slug, unique);
	if (!slug_ok(unique) || taken_first(slug, unique) ||
	    strcmp(unique + strlen(unique) - 2, "-3"))
		fuzz_fail("crm_slug_unique('%s') gave '%s'", slug, unique);
}

static void
check_merge(const struct crm_row *r)
{
	char slug[DEAL_SLUG_MAX + 1];
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct validation_site site;
	struct deal d, back;

	crm_slugify(r->name, slug);
	if (!slug[0])
		return;
	deal_init(&d);
	d.slug = xstrdup(slug);
	crm_merge(&d, r);
	if (!deal_validate(&d, &site, &err)) {
		plan_emit(&d, &a);
		if (plan_parse(a.buf, a.len, "export.yaml", &back, &err))
			fuzz_fail("an imported deal does not survive its plan "
				  "file: %s\n%s", err.msg, a.buf);
		plan_emit(&back, &b);
		if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
			fuzz_fail("an imported deal's plan file changes:\n%s"
				  "\n---\n%s", a.buf, b.buf);
		deal_release(&back);
	}
	deal_release(&d);
	strbuf_release(&a);
	strbuf_release(&b);
}

static void
check_import(const struct crm_import *imp, size_t size)
{
	size_t prev = 0;

	if (imp->header_off + imp->header_len > size)
		fuzz_fail("header span past the input");
	for (size_t i = 0; i < imp->nrows; i++) {
		const struct crm_row *r = &imp->rows[i];

		if (r->off + r->len > size || r->off < imp->header_off)
			fuzz_fail("row %zu spans %zu+%zu of %zu bytes", i,
				  r->off, r->len, size);
		if (r->line <= prev || !r->name)
			fuzz_fail("row %zu: line %zu after %zu", i, r->line,
				  prev);
		prev = r->line;
		check_slugs(r);
		/* A plan round trip per row is slow: a few rows tell enough. */
		if (i < MERGE_CHECKS)
			check_merge(r);
	}
	prev = 0;
	for (size_t i = 0; i < imp->nbad; i++) {
		const struct crm_bad_row *b = &imp->bad[i];

		if (b->off + b->len > size || !b->message || !b->message[0])
			fuzz_fail("bad row %zu spans %zu+%zu of %zu bytes", i,
				  b->off, b->len, size);
		if (b->line < prev || b->line < 1)
			fuzz_fail("bad rows out of line order");
		prev = b->line;
	}
}

static void
check_reject(const struct crm_import *imp, const char *buf,
	     const struct crm_mapping *m, const struct crm_options *opt)
{
	struct strbuf rej = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct crm_import again;

	crm_reject_emit(imp, buf, &rej);
	if (crm_parse(rej.buf, rej.len, "reject.csv", m, opt, &again, &err))
		fuzz_fail("the reject file does not read back: %s\n%s",
			  err.msg, rej.buf);
	if (again.ncols != imp->ncols + 1 ||
	    strcmp(again.header[imp->ncols], "error"))
		fuzz_fail("the reject file has %zu columns, not %zu + error",
			  again.ncols, imp->ncols);
	crm_import_release(&again);
	strbuf_release(&rej);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crm_mapping map;
	struct crm_options opt = { 0 };
	struct crm_import imp;
	struct tw_error err = { 0 };
	const char *csv;
	size_t len;
	unsigned flags;
	int rc;

	if (size < 1)
		return 0;
	flags = data[0];
	csv = (const char *)data + 1;
	len = size - 1;
	crm_mapping_init(&map, (flags & 1) ? CRM_HUBSPOT : CRM_SALESFORCE);
	if (flags & 8) {
		const char *nul = memchr(csv, '\0', len);
		size_t mlen = nul ? (size_t)(nul - csv) : len;

		rc = crm_mapping_load(&map, csv, mlen, "map.txt", &err);
		if (rc) {
			if (strncmp(err.msg, "map.txt:", 8))
				fuzz_fail("mapping error without FILE:LINE: "
					  "'%s'", err.msg);
			crm_mapping_release(&map);
			return 0;
		}
		csv += nul ? mlen + 1 : mlen;
		len -= nul ? mlen + 1 : mlen;
	}
	opt.date_order = map.has_date_order ? map.date_order
		       : (flags & 2) ? CRM_DMY : CRM_MDY;
	opt.decimal_comma = map.decimal_comma || (flags & 4);

	rc = crm_parse(csv, len, "in.csv", &map, &opt, &imp, &err);
	if (rc) {
		if (rc != TW_EINPUT || !strstr(err.msg, "in.csv"))
			fuzz_fail("crm_parse error %d without the file name: "
				  "'%s'", rc, err.msg);
	} else {
		check_import(&imp, len);
		check_reject(&imp, csv, &map, &opt);
		crm_import_release(&imp);
	}
	crm_mapping_release(&map);
	return 0;
}
