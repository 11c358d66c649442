/*
 * CRM exports as deals (csv-import.h). libcsv splits records and fields;
 * this file feeds it one physical line at a time so every record knows the
 * line it starts on (a quoted field may hold newlines; a line ends in LF,
 * CRLF or, as in old Mac "CSV (Macintosh)" files, a lone CR), recognises the
 * footer block Salesforce report exports end with, and converts each row
 * through the column mapping into a deal holding only the CRM's fields.
 * Mappings are csv-mapping.c; dates, amounts and slugs csv-cells.c.
 */
#include "formats/csv-import.h"
#include "formats/csv-cells.h"
#include "formats/csv-export.h"
#include "util/utf8.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- parsing ---------------------------------------------------------- */

/* A record after a blank line that may be part of a report footer. */
struct span {
	size_t line, off, len, nfields;
};

struct pstate {
	const char *buf;
	size_t len, start;
	const char *filename;
	const struct crm_mapping *map;
	const struct crm_options *opt;
	struct crm_import *out;
	struct tw_error *err;
	int rc;

	/* The record being read. */
	char **f;
	size_t nf, falloc;
	size_t nl;		/* newlines inside its fields */
	bool nul;		/* a field held a NUL byte */

	/* The physical line being fed to libcsv. */
	size_t line;
	size_t seg_off, seg_end;	/* seg_end: before the line end */

	bool have_header;
	bool *unnamed;		/* by column: no mapping entry names it */
	bool *filled;		/* by column: a data row has a value */
	size_t last_line;	/* the line the previous record ended on */
	bool blank_seen;	/* a blank line since the last data row */
	struct span *pend;
	size_t npend, pend_alloc;
};

static void
record_clear(struct pstate *st)
{
	for (size_t i = 0; i < st->nf; i++)
		free(st->f[i]);
	st->nf = 0;
	st->nl = 0;
	st->nul = false;
}

static void
bad_add(struct crm_import *imp, size_t line, size_t off, size_t len,
	const char *column, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static void
bad_add(struct crm_import *imp, size_t line, size_t off, size_t len,
	const char *column, const char *fmt, ...)
{
	struct crm_bad_row *b;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	ALLOC_GROW(imp->bad, imp->nbad + 1, imp->bad_alloc);
	b = &imp->bad[imp->nbad++];
	b->line = line;
	b->off = off;
	b->len = len;
	b->column = xstrdup_or_null(column);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	b->message = strbuf_detach(&sb, NULL);
}

const char *
crm_column_name(const struct crm_import *imp, enum crm_field f)
{
	if ((size_t)f >= CRM_NFIELDS || imp->col[f] < 0)
		return NULL;
	return imp->header[imp->col[f]];
}

void
crm_bad_row_add(struct crm_import *imp, const struct crm_row *row,
		enum crm_field field, const char *message)
{
	bad_add(imp, row->line, row->off, row->len,
		crm_column_name(imp, field), "%s", message);
}

static int
bad_cmp(const void *a, const void *b)
{
	const struct crm_bad_row *x = a, *y = b;

	return x->line < y->line ? -1 : x->line > y->line;
}

void
crm_bad_rows_sort(struct crm_import *imp)
{
	if (imp->nbad > 1)
		qsort(imp->bad, imp->nbad, sizeof(*imp->bad), bad_cmp);
}

enum crm_field
crm_field_of_site(const char *site)
{
	static const struct {
		const char *site;
		enum crm_field f;
	} map[] = {
		{ "slug", CRM_NAME },
		{ "account", CRM_ACCOUNT },
		{ "stage", CRM_STAGE },
		{ "value", CRM_VALUE },
		{ "currency", CRM_CURRENCY },
		{ "ae", CRM_AE },
		{ "se", CRM_SE },
		{ "procurement_days", CRM_PROCUREMENT_DAYS },
		{ "poc.start", CRM_POC_START },
		{ "poc.end", CRM_POC_END },
		{ "close.outcome", CRM_CLOSE_DATE },
		{ "close.date", CRM_CLOSE_DATE },
		{ "champion.name", CRM_CHAMPION },
		{ "champion.email", CRM_CHAMPION_EMAIL },
		{ "crm_id", CRM_ID },
	};

	for (size_t i = 0; site && i < ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].site, site))
			return map[i].f;
	return CRM_IGNORE;
}

/* The trimmed cell feeding f in the current record; NULL when empty. */
static const char *
cell(const struct pstate *st, enum crm_field f)
{
	int c = st->out->col[f];

	if (c < 0 || (size_t)c >= st->nf || !*st->f[c])
		return NULL;
	return st->f[c];
}

static void
bind_header(struct pstate *st)
{
	struct crm_import *imp = st->out;
	size_t best[CRM_NFIELDS];

	for (int f = 0; f < CRM_NFIELDS; f++) {
		imp->col[f] = -1;
		best[f] = SIZE_MAX;
	}
	st->unnamed = xcalloc(imp->ncols + 1, sizeof(*st->unnamed));
	st->filled = xcalloc(imp->ncols + 1, sizeof(*st->filled));
	for (size_t c = 0; c < imp->ncols; c++) {
		st->unnamed[c] = true;
		for (size_t i = 0; i < st->map->n; i++) {
			const struct crm_map_entry *m = &st->map->entries[i];

			if (strcasecmp(m->column, imp->header[c]))
				continue;
			st->unnamed[c] = false;
			if (m->field != CRM_IGNORE && i < best[m->field]) {
				best[m->field] = i;
				imp->col[m->field] = (int)c;
			}
			break;
		}
	}
}

/* The column a vendor's export names for f, for messages. */
static const char *
expected_column(const struct crm_mapping *m, enum crm_field f)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->entries[i].field == f)
			return m->entries[i].column;
	return crm_field_name(f);
}

/* --slug-column COL: a column of the header, named ignoring case. */
static void
bind_slug_column(struct pstate *st)
{
	struct crm_import *imp = st->out;
	const char *want = st->opt->slug_column;
	struct suggest sg;
	char hint[96];

	suggest_init(&sg, want);
	for (size_t c = 0; c < imp->ncols; c++) {
		if (!strcasecmp(imp->header[c], want)) {
			imp->slug_col = (int)c;
			st->unnamed[c] = false;
			return;
		}
		suggest_add(&sg, imp->header[c]);
	}
	st->rc = tw_error_set(st->err, TW_EINPUT,
			      "%s: no column '%s' for --slug-column%s",
			      st->filename, want,
			      suggest_text(&sg, hint, sizeof(hint)));
}

static void
take_header(struct pstate *st, size_t off, size_t len)
{
	struct crm_import *imp = st->out;
	static const enum crm_field required[] = { CRM_ID, CRM_NAME };

	imp->ncols = st->nf;
	imp->header = st->f;
	st->f = NULL;
	st->nf = st->falloc = 0;
	imp->header_off = off;
	imp->header_len = len;
	imp->crlf = crm_eol_len(st->buf + st->seg_end, st->buf + st->len) == 2;
	st->have_header = true;
	bind_header(st);
	if (st->opt->slug_column)
		bind_slug_column(st);
	for (size_t i = 0; i < ARRAY_SIZE(required) && !st->rc; i++) {
		enum crm_field f = required[i];

		if (imp->col[f] >= 0)
			continue;
		st->rc = tw_error_set(st->err, TW_EINPUT,
				      "%s: no column for the %s export's "
				      "'%s' (map one with --map: "
				      "'COLUMN = %s')",
				      st->filename,
				      crm_vendor_name(st->map->vendor),
				      expected_column(st->map, f),
				      crm_field_name(f));
	}
}

static const char *
date_hint(enum crm_date_order o)
{
	return o == CRM_DMY ? "expected D/M/YYYY or YYYY-MM-DD"
			    : "expected M/D/YYYY or YYYY-MM-DD";
}

static tw_date *
date_slot(struct deal *d, enum crm_field f)
{
	switch (f) {
	case CRM_CLOSE_DATE:
		return &d->close_date;
	case CRM_POC_START:
		return &d->poc_start;
	case CRM_POC_END:
		return &d->poc_end;
	default:
		return NULL;
	}
}

static char **
string_slot(struct deal *d, enum crm_field f)
{
	switch (f) {
	case CRM_ID:
		return &d->crm_id;
	case CRM_ACCOUNT:
		return &d->account;
	case CRM_STAGE:
		return &d->stage;
	case CRM_AE:
		return &d->ae;
	case CRM_SE:
		return &d->se;
	case CRM_CHAMPION:
		return &d->champion;
	case CRM_CHAMPION_EMAIL:
		return &d->champion_email;
	default:
		return NULL;
	}
}

/*
 * One cell into r. Returns 0, or -1 with the reason in why (the column is
 * the cell's).
 */
static int
convert_cell(const struct pstate *st, struct crm_row *r, enum crm_field f,
	     const char *v, char amount_cur[4], struct strbuf *why)
{
	struct deal *d = &r->deal;
	char **sp = string_slot(d, f);
	tw_date *dp = date_slot(d, f);
	enum amount_err ae;
	char *end;
	long n;

	if (!utf8_valid(v)) {
		strbuf_addstr(why, "invalid UTF-8 (export the report as "
				   "UTF-8)");
		return -1;
	}
	if (sp) {
		*sp = xstrdup(v);
		if (f == CRM_STAGE)
			d->outcome = crm_stage_outcome(v);
		return 0;
	}
	if (dp) {
		if (crm_parse_date(v, st->opt->date_order, dp) < 0) {
			strbuf_addf(why, "invalid date '%s' (%s)", v,
				    date_hint(st->opt->date_order));
			return -1;
		}
		return 0;
	}
	switch (f) {
	case CRM_NAME:
		r->name = xstrdup(v);
		return 0;
	case CRM_VALUE:
		ae = crm_amount_parse(v, st->opt->decimal_comma, &d->value,
				      amount_cur);
		if (ae == AMT_OK) {
			d->has_value = true;
			return 0;
		}
		if (ae == AMT_NEGATIVE)
			strbuf_addf(why, "negative amount '%s'", v);
		else if (ae == AMT_AMBIGUOUS && !st->opt->decimal_comma)
			strbuf_addf(why, "invalid amount '%s' (a decimal "
				    "comma? put '@decimal = comma' in the "
				    "mapping file)", v);
		else
			strbuf_addf(why, "invalid amount '%s'", v);
		return -1;
	case CRM_CURRENCY:
		d->currency = xstrdup(v);
		for (char *p = d->currency; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		if (strlen(v) != 3 || !is_upper(d->currency[0]) ||
		    !is_upper(d->currency[1]) || !is_upper(d->currency[2])) {
			strbuf_addf(why, "invalid currency '%s' (expected an "
				    "ISO 4217 code like USD)", v);
			return -1;
		}
		return 0;
	case CRM_PROCUREMENT_DAYS:
		n = strtol(v, &end, 10);
		if (!is_digit(*v) || *end || n > 100000) {
			strbuf_addf(why, "invalid number of days '%s' "
				    "(expected a whole number, 0 or more)",
				    v);
			return -1;
		}
		d->procurement_days = (int)n;
		d->has_procurement_days = true;
		return 0;
	default:
		return 0;
	}
}

/* The current record as a data row: a crm_row, or a bad row. */
static void
convert_row(struct pstate *st, size_t line, size_t off, size_t len)
{
	struct crm_import *imp = st->out;
	struct strbuf why = STRBUF_INIT;
	char amount_cur[4] = "";
	enum crm_field bad = CRM_IGNORE;
	struct crm_row r;
	char a[DATE_BUFSZ], b[DATE_BUFSZ];

	memset(&r, 0, sizeof(r));
	deal_init(&r.deal);
	r.line = line;
	r.off = off;
	r.len = len;
	for (size_t c = 0; c < st->nf && c < imp->ncols; c++)
		st->filled[c] |= st->unnamed[c] && *st->f[c];
	if (imp->slug_col >= 0 && *st->f[imp->slug_col])
		r.slug_text = xstrdup(st->f[imp->slug_col]);
	for (int f = 1; f < CRM_NFIELDS && bad == CRM_IGNORE; f++) {
		const char *v = cell(st, (enum crm_field)f);

		if (imp->col[f] < 0)
			continue;
		if (!v) {
			if (f == CRM_ID || f == CRM_NAME) {
				strbuf_addf(&why, "empty %s",
					    f == CRM_ID ? "record id"
							: "deal name");
				bad = (enum crm_field)f;
			}
			continue;
		}
		if (convert_cell(st, &r, (enum crm_field)f, v, amount_cur,
				 &why) < 0)
			bad = (enum crm_field)f;
		else
			r.present |= 1u << f;
	}
	if (bad == CRM_IGNORE && amount_cur[0]) {
		if (r.deal.currency && strcmp(r.deal.currency, amount_cur)) {
			strbuf_addf(&why, "amount in %s but the currency "
				    "column says %s", amount_cur,
				    r.deal.currency);
			bad = CRM_VALUE;
		} else if (!r.deal.currency) {
			r.deal.currency = xstrdup(amount_cur);
			r.present |= 1u << CRM_CURRENCY;
		}
	}
	if (bad == CRM_IGNORE && r.deal.outcome != OUTCOME_OPEN &&
	    r.deal.close_date == DATE_NONE) {
		strbuf_addf(&why, "stage '%s' needs a close date",
			    r.deal.stage);
		bad = imp->col[CRM_CLOSE_DATE] >= 0 ? CRM_CLOSE_DATE
						   : CRM_STAGE;
	}
	if (bad == CRM_IGNORE && r.deal.poc_start && r.deal.poc_end &&
	    r.deal.poc_end < r.deal.poc_start) {
		strbuf_addf(&why, "poc end '%s' is before poc start '%s'",
			    date_format(r.deal.poc_end, a),
			    date_format(r.deal.poc_start, b));
		bad = CRM_POC_END;
	}
	if (bad != CRM_IGNORE) {
		bad_add(imp, line, off, len, crm_column_name(imp, bad), "%s",
			why.buf);
		free(r.name);
		free(r.slug_text);
		deal_release(&r.deal);
	} else {
		r.deal.crm_source = xstrdup(crm_vendor_name(st->map->vendor));
		ALLOC_GROW(imp->rows, imp->nrows + 1, imp->rows_alloc);
		imp->rows[imp->nrows++] = r;
	}
	strbuf_release(&why);
}

static void
count_mismatch(struct crm_import *imp, size_t line, size_t off, size_t len,
	       size_t nfields)
{
	bad_add(imp, line, off, len, NULL,
		"row has %zu field%s, the header has %zu", nfields,
		nfields == 1 ? "" : "s", imp->ncols);
}

/* Records held as a possible footer turn out to sit inside the data. */
static void
flush_pending(struct pstate *st)
{
	for (size_t i = 0; i < st->npend; i++)
		count_mismatch(st->out, st->pend[i].line, st->pend[i].off,
			       st->pend[i].len, st->pend[i].nfields);
	st->npend = 0;
}

/*
 * Where the record that ends on the current line starts: nl line ends
 * back. The offset is found by walking back over the record's own bytes.
 */
static size_t
record_start(const struct pstate *st, size_t nl)
{
	const char *b = st->buf;
	size_t off = st->seg_off;

	for (size_t k = 0; k < nl && off > st->start; k++) {
		/* Over the previous line's end, a CRLF being one... */
		off--;
		if (off > st->start && b[off] == '\n' && b[off - 1] == '\r')
			off--;
		/* ...and back to where that line starts. */
		while (off > st->start && b[off - 1] != '\n' &&
		       b[off - 1] != '\r')
			off--;
	}
	return off;
}

static void
end_record(struct pstate *st)
{
	size_t line = st->line >= st->nl ? st->line - st->nl : 1;
	size_t off = record_start(st, st->nl);
	size_t len = st->seg_end > off ? st->seg_end - off : 0;
	struct crm_import *imp = st->out;
	bool blank = true;

	if (st->rc)
		return;
	/* libcsv skips empty lines without a word: find them by the gap. */
	if (line > st->last_line + 1 && st->have_header)
		st->blank_seen = true;
	st->last_line = st->line;
	if (!st->have_header) {
		take_header(st, off, len);
		return;
	}
	for (size_t i = 0; i < st->nf && blank; i++)
		blank = !*st->f[i];
	if (blank && !st->nul) {
		st->blank_seen = true;
		return;
	}
	/*
	 * After a blank line, short records may be a report footer ("Generated
	 * By:", the company, the copyright): hold them until a data row shows
	 * they were inside the data after all.
	 */
	if (st->blank_seen && st->nf <= 2 && st->nf < imp->ncols) {
		ALLOC_GROW(st->pend, st->npend + 1, st->pend_alloc);
		st->pend[st->npend++] = (struct span){ line, off, len, st->nf };
		return;
	}
	flush_pending(st);
	st->blank_seen = false;
	if (st->nf != imp->ncols)
		count_mismatch(imp, line, off, len, st->nf);
	else if (st->nul)
		bad_add(imp, line, off, len, NULL, "row holds a NUL byte");
	else
		convert_row(st, line, off, len);
}

/* Line ends in field text, counted as the main loop counts them. */
static size_t
count_newlines(const void *data, size_t len)
{
	const char *p = data;
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == '\r' ||
		     (p[i] == '\n' && (i == 0 || p[i - 1] != '\r'));
	return n;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct pstate *st = arg;
	const char *s = data ? data : "", *e = s + len;

	st->nl += count_newlines(s, len);
	if (len && memchr(s, '\0', len))
		st->nul = true;
	crm_trim(&s, &e);
	ALLOC_GROW(st->f, st->nf + 1, st->falloc);
	st->f[st->nf++] = xstrndup(s, (size_t)(e - s));
}

static void
on_record(int c, void *arg)
{
	struct pstate *st = arg;

	(void)c;
	end_record(st);
	record_clear(st);
}

/*
 * libcsv stopped at a stray quote. Nothing after it on this line can be
 * trusted, so the record so far is a bad row and parsing starts afresh
 * on the next line.
 */
static void
malformed(struct pstate *st, struct csv_parser *p, bool at_eof)
{
	size_t nl = st->nl + count_newlines(p->entry_buf, p->entry_pos);
	size_t line;
	size_t off;
	size_t len;
	const char *column = NULL;

	/* At the end, the file's last line end is in the field but ends it. */
	if (at_eof && nl && st->len &&
	    (st->buf[st->len - 1] == '\n' || st->buf[st->len - 1] == '\r'))
		nl--;
	line = st->line >= nl ? st->line - nl : 1;
	off = record_start(st, nl);
	len = st->seg_end > off ? st->seg_end - off : 0;

	if (!st->have_header) {
		st->rc = tw_error_set(st->err, TW_EINPUT,
				      "%s:%zu: malformed quoting in the "
				      "header", st->filename, line);
		return;
	}
	flush_pending(st);
	st->blank_seen = false;
	if (st->nf < st->out->ncols)
		column = st->out->header[st->nf];
	bad_add(st->out, line, off, len, column, "%s",
		at_eof ? "quoted field never ends (a missing closing quote)"
		       : "malformed quoting (a quote inside a field must be "
			 "doubled, and the field quoted)");
	record_clear(st);
}

static void
progress(const struct pstate *st, size_t done)
{
	if (st->opt->progress)
		st->opt->progress(st->opt->progress_arg, done, st->len,
				  st->out->nrows + st->out->nbad);
}

static int
id_cmp(const void *a, const void *b)
{
	const struct crm_row *x = *(const struct crm_row *const *)a;
	const struct crm_row *y = *(const struct crm_row *const *)b;
	int c = strcmp(x->deal.crm_id, y->deal.crm_id);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* A record id twice in one file: the later rows are bad. */
static void
find_duplicates(struct crm_import *imp)
{
	struct crm_row **idx;
	bool *drop;
	size_t kept = 0;

	if (imp->nrows < 2)
		return;
	idx = xcalloc(imp->nrows, sizeof(*idx));
	drop = xcalloc(imp->nrows, sizeof(*drop));
	for (size_t i = 0; i < imp->nrows; i++)
		idx[i] = &imp->rows[i];
	qsort(idx, imp->nrows, sizeof(*idx), id_cmp);
	for (size_t i = 1, first = 0; i < imp->nrows; i++) {
		if (strcmp(idx[i]->deal.crm_id, idx[first]->deal.crm_id)) {
			first = i;
			continue;
		}
		bad_add(imp, idx[i]->line, idx[i]->off, idx[i]->len,
			crm_column_name(imp, CRM_ID),
			"duplicate record id '%s' (also on line %zu)",
			idx[i]->deal.crm_id, idx[first]->line);
		drop[idx[i] - imp->rows] = true;
	}
	for (size_t i = 0; i < imp->nrows; i++) {
		if (drop[i]) {
			free(imp->rows[i].name);
			deal_release(&imp->rows[i].deal);
		} else {
			imp->rows[kept++] = imp->rows[i];
		}
	}
	imp->nrows = kept;
	free(idx);
	free(drop);
}

int
crm_parse(const char *buf, size_t len, const char *filename,
	  const struct crm_mapping *m, const struct crm_options *opt,
	  struct crm_import *out, struct tw_error *err)
{
	struct pstate st;
	struct csv_parser p;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	for (int f = 0; f < CRM_NFIELDS; f++)
		out->col[f] = -1;
	out->slug_col = -1;
	st.buf = buf;
	st.len = len;
	st.filename = filename;
	st.map = m;
	st.opt = opt;
	st.out = out;
	st.err = err;
	if (len >= 3 && !memcmp(buf, CSV_BOM, 3)) {
		out->bom = true;
		pos = 3;
	}
	st.start = pos;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return tw_error_set(err, TW_EINPUT, "%s: cannot set up the "
				    "CSV parser", filename);
	while (pos < len && !st.rc) {
		const char *eol;
		const char *next = crm_line_next(buf + pos, buf + len, &eol);
		size_t end = (size_t)(next - buf);

		st.line++;
		st.seg_off = pos;
		st.seg_end = (size_t)(eol - buf);
		if (csv_parse(&p, buf + pos, end - pos, on_field, on_record,
			      &st) != end - pos) {
			malformed(&st, &p, false);
			csv_free(&p);
			csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
		}
		pos = end;
		if ((st.line & 1023) == 0)
			progress(&st, pos);
	}
	if (!st.rc && csv_fini(&p, on_field, on_record, &st) != 0)
		malformed(&st, &p, true);
	csv_free(&p);
	record_clear(&st);
	free(st.f);
	for (size_t c = 0; !st.rc && st.filled && c < out->ncols; c++) {
		if (!st.filled[c])
			continue;
		out->unmapped = xrealloc(out->unmapped,
					 (out->nunmapped + 1) *
						 sizeof(*out->unmapped));
		out->unmapped[out->nunmapped++] = out->header[c];
	}
	free(st.unnamed);
	free(st.filled);
	/* Short records after the last data row are the report's footer. */
	out->footer_lines = st.npend;
	free(st.pend);
	if (!st.rc && !st.have_header)
		st.rc = tw_error_set(err, TW_EINPUT,
				     "%s: empty file (expected a header row)",
				     filename);
	if (st.rc) {
		crm_import_release(out);
		return st.rc;
	}
	find_duplicates(out);
	crm_bad_rows_sort(out);
	progress(&st, len);
	return 0;
}

void
crm_import_release(struct crm_import *imp)
{
	for (size_t i = 0; i < imp->ncols; i++)
		free(imp->header[i]);
	free(imp->header);
	for (size_t i = 0; i < imp->nrows; i++) {
		free(imp->rows[i].name);
		free(imp->rows[i].slug_text);
		deal_release(&imp->rows[i].deal);
	}
	free(imp->unmapped);
	free(imp->rows);
	for (size_t i = 0; i < imp->nbad; i++) {
		free(imp->bad[i].column);
		free(imp->bad[i].message);
	}
	free(imp->bad);
	memset(imp, 0, sizeof(*imp));
	for (int f = 0; f < CRM_NFIELDS; f++)
		imp->col[f] = -1;
	imp->slug_col = -1;
}

/* ---- merging into a deal ---------------------------------------------- */

static bool
set_str(char **dst, const char *src)
{
	if (*dst && src && !strcmp(*dst, src))
		return false;
	if (!*dst && !src)
		return false;
	xstrset(dst, src);
	return true;
}

static bool
set_date(tw_date *dst, tw_date src)
{
	if (*dst == src)
		return false;
	*dst = src;
	return true;
}

bool
crm_merge(struct deal *d, const struct crm_row *row)
{
	const struct deal *s = &row->deal;
	bool ch = false;

#define HAS(f) (row->present & (1u << (f)))
	ch |= set_str(&d->crm_source, s->crm_source);
	ch |= set_str(&d->crm_id, s->crm_id);
	if (HAS(CRM_ACCOUNT))
		ch |= set_str(&d->account, s->account);
	else if (!d->account || !*d->account)
		ch |= set_str(&d->account, row->name);
	if (HAS(CRM_STAGE)) {
		ch |= set_str(&d->stage, s->stage);
		if (d->outcome != s->outcome) {
			d->outcome = s->outcome;
			ch = true;
		}
	}
	if (HAS(CRM_VALUE) && (!d->has_value || d->value != s->value)) {
		d->has_value = true;
		d->value = s->value;
		ch = true;
	}
	if (HAS(CRM_CURRENCY))
		ch |= set_str(&d->currency, s->currency);
	if (HAS(CRM_CLOSE_DATE))
		ch |= set_date(&d->close_date, s->close_date);
	if (HAS(CRM_AE))
		ch |= set_str(&d->ae, s->ae);
	if (HAS(CRM_SE))
		ch |= set_str(&d->se, s->se);
	if (HAS(CRM_CHAMPION))
		ch |= set_str(&d->champion, s->champion);
	if (HAS(CRM_CHAMPION_EMAIL))
		ch |= set_str(&d->champion_email, s->champion_email);
	if (HAS(CRM_POC_START))
		ch |= set_date(&d->poc_start, s->poc_start);
	if (HAS(CRM_POC_END))
		ch |= set_date(&d->poc_end, s->poc_end);
	if (HAS(CRM_PROCUREMENT_DAYS) &&
	    (!d->has_procurement_days ||
	     d->procurement_days != s->procurement_days)) {
		d->has_procurement_days = true;
		d->procurement_days = s->procurement_days;
		ch = true;
	}
#undef HAS
	return ch;
}

/* ---- the reject file -------------------------------------------------- */

/*
 * The header's line end, which the reject file repeats. crlf records a
 * CRLF; a lone CR (an old Mac export) is read from buf, which is known to
 * reach past the header's line end only when a row starts after it.
 */
static const char *
reject_eol(const struct crm_import *imp, const char *buf)
{
	size_t h = imp->header_off + imp->header_len;

	if (imp->crlf)
		return "\r\n";
	if ((imp->nbad && imp->bad[0].off > h) ||
	    (imp->nrows && imp->rows[0].off > h))
		return buf[h] == '\r' ? "\r" : "\n";
	return "\n";
}

void
crm_reject_emit(const struct crm_import *imp, const char *buf,
		struct strbuf *out)
{
	const char *eol = reject_eol(imp, buf);

	if (imp->bom)
		strbuf_addstr(out, CSV_BOM);
	strbuf_add(out, buf + imp->header_off, imp->header_len);
	strbuf_addf(out, ",error%s", eol);
	for (size_t i = 0; i < imp->nbad; i++) {
		const struct crm_bad_row *b = &imp->bad[i];
		struct strbuf msg = STRBUF_INIT;

		if (b->column)
			strbuf_addf(&msg, "%s: ", b->column);
		strbuf_addstr(&msg, b->message);
		strbuf_add(out, buf + b->off, b->len);
		strbuf_addch(out, ',');
		csv_quote(out, msg.buf);
		strbuf_addstr(out, eol);
		strbuf_release(&msg);
	}
}
