/*
 * CRM exports as deals (import --from): a Salesforce opportunity report or
 * a HubSpot deals export, read with libcsv and turned into deals through a
 * column mapping (built in per vendor, extended by a mapping file), with the
 * vendors' date and amount formats. Pure of store I/O: parsing gives the
 * converted rows and every bad row with its physical line and column; the
 * caller matches rows to stored deals and writes them (cli/cmd-import.c).
 */
#ifndef TW_CSV_IMPORT_H
#define TW_CSV_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/error.h"
#include "util/strbuf.h"

/*
 * The largest export and mapping file import --from reads: a report of
 * 100k opportunities is some 26 MB, and every row is held in memory.
 */
#define CRM_MAX_BYTES ((size_t)256 << 20)
#define CRM_MAP_MAX_BYTES ((size_t)1 << 20)

enum crm_vendor { CRM_SALESFORCE, CRM_HUBSPOT };
enum crm_date_order { CRM_MDY, CRM_DMY };

/* What a column feeds: a deal field, or nothing. */
enum crm_field {
	CRM_IGNORE,
	CRM_ID,			/* the CRM record id (required) */
	CRM_NAME,		/* deal name: the slug of a new deal (required) */
	CRM_ACCOUNT,
	CRM_STAGE,		/* kept as text; closed won/lost set outcome */
	CRM_VALUE,		/* amount, maybe with a currency in it */
	CRM_CURRENCY,
	CRM_CLOSE_DATE,
	CRM_AE,
	CRM_SE,
	CRM_CHAMPION,
	CRM_CHAMPION_EMAIL,
	CRM_POC_START,
	CRM_POC_END,
	CRM_PROCUREMENT_DAYS,
	CRM_NFIELDS
};

const char *crm_vendor_name(enum crm_vendor v);
int crm_vendor_parse(const char *s, enum crm_vendor *out);
/* The field's name in mapping files ("close_date", "ignore"). */
const char *crm_field_name(enum crm_field f);

struct crm_map_entry {
	char *column;		/* header text, matched ignoring case */
	enum crm_field field;
};

/*
 * A column mapping. Entries are searched in order and the first entry
 * naming a header column decides what it feeds; when several present
 * columns feed one field, the earliest entry wins. A mapping file's lines
 * go before the built-in ones, so they override them.
 */
struct crm_mapping {
	enum crm_vendor vendor;
	struct crm_map_entry *entries;
	size_t n, alloc;
	bool decimal_comma;	/* amounts read "1.250.000,00" */
	bool has_date_order;	/* the file said @date-order */
	enum crm_date_order date_order;
};

/* The built-in mapping of vendor v. */
void crm_mapping_init(struct crm_mapping *m, enum crm_vendor v);
/*
 * Add a mapping file's lines (docs/teams.md): "Column = field", "# ..."
 * comments, "@decimal = comma|point", "@date-order = mdy|dmy". TW_EINPUT
 * with "FILE:LINE: message" on a bad line.
 */
int crm_mapping_load(struct crm_mapping *m, const char *buf, size_t len,
		     const char *filename, struct tw_error *err);
void crm_mapping_release(struct crm_mapping *m);

struct crm_options {
	enum crm_date_order date_order;
	bool decimal_comma;
	/* The column a new deal's slug comes from (NULL: the deal name). */
	const char *slug_column;
	/* Called now and then while parsing (may be NULL). */
	void (*progress)(void *arg, size_t bytes_done, size_t bytes_total,
			 size_t rows);
	void *progress_arg;
};

/* A data row that converted. */
struct crm_row {
	size_t line;		/* physical line the row starts on, from 1 */
	size_t off, len;	/* its text in the input, without line end */
	char *name;		/* the deal name */
	char *slug_text;	/* the slug column's cell, or NULL */
	unsigned present;	/* 1u << CRM_x for each field with a value */
	struct deal deal;	/* those fields plus crm_source and crm_id */
};

/* A row that did not: where, which column (NULL: the row) and why. */
struct crm_bad_row {
	size_t line;
	size_t off, len;
	char *column;
	char *message;
};

struct crm_import {
	char **header;		/* column names, trimmed */
	size_t ncols;
	size_t header_off, header_len;
	bool bom;		/* the input started with a UTF-8 BOM */
	bool crlf;		/* the header line ended in CRLF */
	int col[CRM_NFIELDS];	/* the column feeding each field, or -1 */
	int slug_col;		/* opt->slug_column's, or -1 */
	/*
	 * Columns no mapping entry names (not even as ignore) that hold a
	 * value in some row: what the import leaves out, in header order.
	 */
	const char **unmapped;	/* borrowed from header */
	size_t nunmapped;
	struct crm_row *rows;
	size_t nrows, rows_alloc;
	struct crm_bad_row *bad;
	size_t nbad, bad_alloc;
	size_t footer_lines;	/* report footer records skipped */
};

/*
 * Parse len bytes of a CRM export. Returns 0 with the converted rows and
 * the bad rows (sorted by line) in out, or TW_EINPUT for a file that
 * cannot be read as an export at all (no header, a required column
 * missing), with filename in the message. out is overwritten.
 */
int crm_parse(const char *buf, size_t len, const char *filename,
	      const struct crm_mapping *m, const struct crm_options *opt,
	      struct crm_import *out, struct tw_error *err);
void crm_import_release(struct crm_import *imp);

/* Record a bad row found later (by the caller's checks on merged deals). */
void crm_bad_row_add(struct crm_import *imp, const struct crm_row *row,
		     enum crm_field field, const char *message);
/* Keep the bad rows in line order after crm_bad_row_add. */
void crm_bad_rows_sort(struct crm_import *imp);
/* The header name of the column feeding f, or NULL. */
const char *crm_column_name(const struct crm_import *imp, enum crm_field f);
/* The CRM field behind a deal_validate() site field, or CRM_IGNORE. */
enum crm_field crm_field_of_site(const char *site_field);

/*
 * Merge the fields the row has into d (a stored deal, or a new one whose
 * slug the caller set): the CRM is the source of the fields it fills, and
 * everything else (children, fields the export leaves empty) is kept. A
 * deal without an account takes the deal name. Returns whether d changed.
 */
bool crm_merge(struct deal *d, const struct crm_row *row);

/* The longest slug an import makes from a name. */
#define CRM_SLUG_MAX 40

/*
 * Slug from a deal name: lowercase ASCII letters and digits, accented
 * Latin letters by their base letter, anything else one '-', trimmed, at
 * most CRM_SLUG_MAX, cut after the last whole word that fits (a word
 * longer than that is cut). "" when nothing is left.
 */
void crm_slugify(const char *name, char out[DEAL_SLUG_MAX + 1]);
/*
 * base, or base-2, base-3, ... (shortened to fit CRM_SLUG_MAX) whichever
 * taken() says is free. base must be a valid slug.
 */
void crm_slug_unique(const char *base,
		     bool (*taken)(void *arg, const char *slug), void *arg,
		     char out[DEAL_SLUG_MAX + 1]);

/*
 * The reject file: the header and every bad row as they were in buf, each
 * with an added last column "error", RFC 4180 quoted, in the input's line
 * endings.
 */
void crm_reject_emit(const struct crm_import *imp, const char *buf,
		     struct strbuf *out);

/* The cell parsers, exposed for tests. 0 or -1. */
int crm_parse_date(const char *s, enum crm_date_order order, tw_date *out);
/*
 * An amount: digits with thousands separators and an optional currency
 * symbol or ISO code before or after. *currency gets the code ("" when the
 * amount names none). A negative amount is -1.
 */
int crm_parse_amount(const char *s, bool decimal_comma, double *value,
		     char currency[4]);

#endif
