/*
 * Deals as CSV a spreadsheet opens (export --to csv): deals.csv,
 * criteria.csv and events.csv, one table each. RFC 4180 quoting, CRLF line
 * ends, UTF-8 with a byte order mark so spreadsheets pick the encoding, and
 * text cells that a spreadsheet would run as a formula neutralised.
 */
#ifndef TW_CSV_EXPORT_H
#define TW_CSV_EXPORT_H

#include <stddef.h>

#include "core/model.h"
#include "util/strbuf.h"

#define CSV_BOM "\xEF\xBB\xBF"

/* s RFC 4180 quoted when it holds a comma, quote, CR or LF. */
void csv_quote(struct strbuf *sb, const char *s);
/*
 * A text cell: like csv_quote, but a value starting with '=', '+', '-',
 * '@', a tab or a CR gets a leading single quote first, so a spreadsheet
 * shows it as text instead of evaluating it (formula injection).
 */
void csv_text_cell(struct strbuf *sb, const char *s);

/* The three tables for deals[0..n), each a whole file. */
void csv_export_deals(const struct deal *deals, size_t n, struct strbuf *out);
void csv_export_criteria(const struct deal *deals, size_t n,
			 struct strbuf *out);
void csv_export_events(const struct deal *deals, size_t n,
		       struct strbuf *out);

#endif
