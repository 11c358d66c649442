/*
 * The CSV tables of export --to csv read back into deals (csv-tables.h):
 * libcsv gives each record's cells, the header names the field of each
 * column, and every cell is parsed as the CLI and the API parse a field
 * (field_parse), so the same text means the same value everywhere.
 */
#include "formats/csv-tables.h"
#include "formats/csv-export.h"
#include "core/schema.h"
#include "core/validate.h"
#include "util/keymap.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <csv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_KEPT CSV_TABLES_MAX_ERRORS

/* The first column's name and table of each file; -1 is the deal's. */
static const char *const criteria_computed[] = {
	"status", "headroom_pct", "growth_capacity_pct", "scales", NULL
};

static const struct table_file {
	const char *name;
	int table;
	const char *const *computed;	/* columns skipped */
} table_files[] = {
	{ "deals.csv", -1, NULL },
	{ "holidays.csv", T_HOLIDAY, NULL },
	{ "criteria.csv", T_CRITERION, criteria_computed },
	{ "events.csv", T_EVENT, NULL },
	{ "risks.csv", T_RISK, NULL },
	{ "phases.csv", T_PHASE, NULL },
	{ "playbook.csv", T_STEP, NULL },
};
#define NFILES (sizeof(table_files) / sizeof(table_files[0]))

/* Where each deal and child came from, for the validator's errors. */
struct origin {
	size_t line;
	bool bad;		/* a cell did not parse: not validated */
	size_t *child[SCHEMA_NTABLES];
	size_t nchild[SCHEMA_NTABLES];
};

struct reader {
	const struct table_file *tf;
	const struct schema_table *tb;
	struct csv_tables *out;
	struct origin *origin;
	size_t origin_alloc, deals_alloc;
	struct keymap slugs;
	/* The record being read. */
	char **cell;
	size_t ncell, cell_alloc;
	size_t line, nl;
	/* The header: a field per column (NULL: skipped). */
	const struct field **col;
	size_t ncol;
	size_t row_deal;	/* the deal of the row being read */
	bool have_header, bad_header;
};

const char *
csv_unguard(const char *s)
{
	if (s && s[0] == '\'' && s[1] && strchr(CSV_GUARDED, s[1]))
		return s + 1;
	return s;
}

static void
problem(struct csv_tables *out, const char *file, size_t line,
	const char *column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
problem(struct csv_tables *out, const char *file, size_t line,
	const char *column, const char *fmt, ...)
{
	struct csv_tables_error *e;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (out->nerrors++ >= MAX_KEPT)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(out->errors, out->nerrors, out->errors_alloc);
	e = &out->errors[out->nerrors - 1];
	e->file = file;
	e->line = line;
	e->column = xstrdup_or_null(column);
	e->message = strbuf_detach(&sb, NULL);
}

/* The header: the key column first, then fields by their JSON names. */
static void
take_header(struct reader *r)
{
	const char *key = r->tf->table < 0 ? "slug" : "deal";

	r->have_header = true;
	r->ncol = r->ncell;
	r->col = xcalloc(r->ncol + 1, sizeof(*r->col));
	if (!r->ncell || strcmp(r->cell[0], key)) {
		problem(r->out, r->tf->name, r->line, NULL,
			"the first column must be '%s', got '%s'", key,
			r->ncell ? r->cell[0] : "");
		r->bad_header = true;
		return;
	}
	for (size_t i = 1; i < r->ncell; i++) {
		const char *name = r->cell[i];
		bool computed = false;
		struct suggest s;
		char hint[96];

		for (const char *const *c = r->tf->computed; c && *c; c++)
			computed |= !strcmp(*c, name);
		if (computed)
			continue;
		if ((r->col[i] = schema_field(r->tb, name, true)))
			continue;
		suggest_init(&s, name);
		for (size_t f = 0; f < r->tb->nfields; f++)
			suggest_add(&s, field_json_name(&r->tb->fields[f]));
		problem(r->out, r->tf->name, r->line, NULL,
			"unknown column '%s'%s", name,
			suggest_text(&s, hint, sizeof(hint)));
		r->bad_header = true;
	}
}

static size_t *
child_line(struct origin *o, size_t t)
{
	o->child[t] = xrealloc(o->child[t],
			       (o->nchild[t] + 1) * sizeof(*o->child[t]));
	return &o->child[t][o->nchild[t]++];
}

/* A deals.csv row makes a deal; another file's row, a child of one. */
static void *
row_object(struct reader *r)
{
	struct csv_tables *out = r->out;
	const char *slug = r->cell[0];
	size_t i;

	if (r->tf->table < 0) {
		i = keymap_get_str(&r->slugs, slug);
		if (i != KEYMAP_NONE) {
			problem(out, r->tf->name, r->line, "slug",
				"deal '%s' is also on line %zu", slug,
				r->origin[i].line);
			return NULL;
		}
		ALLOC_GROW(out->deals, out->n + 1, r->deals_alloc);
		ALLOC_GROW(r->origin, out->n + 1, r->origin_alloc);
		deal_init(&out->deals[out->n]);
		memset(&r->origin[out->n], 0, sizeof(*r->origin));
		r->origin[out->n].line = r->line;
		out->deals[out->n].slug = xstrdup(slug);
		r->row_deal = out->n;
		/* The slug's own text: the keymap does not copy keys. */
		keymap_add_str(&r->slugs, out->deals[out->n].slug, out->n);
		return &out->deals[out->n++];
	}
	i = keymap_get_str(&r->slugs, slug);
	if (i == KEYMAP_NONE) {
		problem(out, r->tf->name, r->line, "deal",
			"deal '%s' is not in deals.csv", slug);
		return NULL;
	}
	*child_line(&r->origin[i], (size_t)r->tf->table) = r->line;
	r->row_deal = i;
	return r->tb->add(&out->deals[i]);
}

static void
take_row(struct reader *r)
{
	void *obj;

	if (r->ncell != r->ncol) {
		problem(r->out, r->tf->name, r->line, NULL,
			"expected %zu cells as in the header, got %zu",
			r->ncol, r->ncell);
		return;
	}
	if (!(obj = row_object(r)))
		return;
	for (size_t i = 1; i < r->ncell; i++) {
		const struct field *f = r->col[i];
		const char *text = r->cell[i];
		struct tw_error e = { 0 };

		/* Empty is absent: the zero value (or default) stays. */
		if (!f || !*text)
			continue;
		if (f->type == F_STR)
			text = csv_unguard(text);
		/* The message names the field: "required: expected ...". */
		if (field_parse(f, obj, NULL, text, &e) < 0) {
			problem(r->out, r->tf->name, r->line, NULL, "%s",
				e.msg);
			r->origin[r->row_deal].bad = true;
		}
	}
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct reader *r = arg;
	const char *s = data ? data : "";

	for (size_t i = 0; i < len; i++)
		r->nl += s[i] == '\n';
	ALLOC_GROW(r->cell, r->ncell + 1, r->cell_alloc);
	r->cell[r->ncell++] = xstrndup(s, len);
}

static void
on_record(int c, void *arg)
{
	struct reader *r = arg;

	(void)c;
	if (!r->have_header)
		take_header(r);
	else if (!r->bad_header)
		take_row(r);
	for (size_t i = 0; i < r->ncell; i++)
		free(r->cell[i]);
	r->ncell = 0;
	r->line += 1 + r->nl;
	r->nl = 0;
}

static void
read_file(struct reader *r, const char *buf, size_t len)
{
	struct csv_parser p;
	size_t pos = 0;

	if (len >= 3 && !memcmp(buf, CSV_BOM, 3))
		pos = 3;
	r->line = 1;
	r->nl = 0;
	r->have_header = r->bad_header = false;
	free(r->col);
	r->col = NULL;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		problem(r->out, r->tf->name, 0, NULL,
			"cannot set up the CSV parser");
		return;
	}
	if (csv_parse(&p, buf + pos, len - pos, on_field, on_record, r) !=
		    len - pos ||
	    csv_fini(&p, on_field, on_record, r) != 0)
		problem(r->out, r->tf->name, r->line + r->nl, NULL,
			"malformed CSV (%s)", csv_strerror(csv_error(&p)));
	csv_free(&p);
	for (size_t i = 0; i < r->ncell; i++)
		free(r->cell[i]);
	r->ncell = 0;
	if (!r->have_header && r->tf->table < 0)
		problem(r->out, r->tf->name, 0, NULL,
			"empty file (expected a header row)");
}

/* The validator's complaint about deal i, where the tables hold it. */
static void
validate_deal(struct reader *r, size_t i)
{
	struct validation_site site = { ENT_DEAL, 0, NULL };
	const struct origin *o = &r->origin[i];
	const char *file = table_files[0].name;
	struct tw_error e = { 0 };
	size_t line = o->line;

	if (o->bad || deal_validate(&r->out->deals[i], &site, &e) == 0)
		return;
	for (size_t f = 1; site.entity != ENT_DEAL && f < NFILES; f++) {
		size_t t = (size_t)table_files[f].table;

		if (schema_tables[t].kind != site.entity)
			continue;
		file = table_files[f].name;
		line = site.index < o->nchild[t] ? o->child[t][site.index]
						 : 0;
	}
	problem(r->out, file, line, site.field ? schema_site_field(&site)
					       : NULL,
		"%s", e.msg);
}

int
csv_tables_read(csv_tables_load_fn load, void *arg, struct csv_tables *out,
		struct tw_error *err)
{
	struct reader r;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.out = out;
	for (size_t f = 0; f < NFILES && rc == 0; f++) {
		struct strbuf sb = STRBUF_INIT;
		bool missing = false;

		r.tf = &table_files[f];
		r.tb = r.tf->table < 0 ? &schema_deal
				       : &schema_tables[r.tf->table];
		rc = load(arg, r.tf->name, &sb, &missing, err);
		if (rc == 0 && missing && f == 0)
			rc = tw_error_set(err, TW_EINPUT,
					  "no deals.csv: expected the files "
					  "of export --to csv");
		if (rc == 0 && !missing)
			read_file(&r, sb.buf ? sb.buf : "", sb.len);
		strbuf_release(&sb);
	}
	for (size_t i = 0; rc == 0 && i < out->n; i++)
		validate_deal(&r, i);
	if (rc == 0 && out->nerrors)
		rc = tw_error_set(err, TW_EINPUT, "%zu error%s in the CSV "
				  "tables, nothing imported",
				  out->nerrors, out->nerrors == 1 ? "" : "s");
	for (size_t i = 0; i < out->n; i++)
		for (size_t t = 0; t < SCHEMA_NTABLES; t++)
			free(r.origin[i].child[t]);
	free(r.origin);
	free(r.cell);
	free(r.col);
	keymap_release(&r.slugs);
	return rc;
}

void
csv_tables_release(struct csv_tables *t)
{
	for (size_t i = 0; i < t->n; i++)
		deal_release(&t->deals[i]);
	free(t->deals);
	for (size_t i = 0; i < t->nerrors && i < MAX_KEPT; i++) {
		free(t->errors[i].column);
		free(t->errors[i].message);
	}
	free(t->errors);
	memset(t, 0, sizeof(*t));
}
