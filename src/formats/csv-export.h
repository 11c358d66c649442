/*
 * Deals as CSV a spreadsheet opens (export --to csv): deals.csv,
 * criteria.csv, events.csv, risks.csv, phases.csv, playbook.csv and
 * holidays.csv, one table each, which together hold everything a plan file
 * holds (import --from techwin reads them back, formats/csv-tables.h).
 * RFC 4180 quoting, CRLF line ends, UTF-8 with a byte order mark so
 * spreadsheets pick the encoding, and text cells that a spreadsheet would
 * run as a formula neutralised.
 */
#ifndef TW_CSV_EXPORT_H
#define TW_CSV_EXPORT_H

#include <stddef.h>

#include "core/model.h"
#include "util/strbuf.h"

#define CSV_BOM "\xEF\xBB\xBF"
/* The first characters of a text cell that get a leading single quote. */
#define CSV_GUARDED "=+-@\t\r'"

/* s RFC 4180 quoted when it holds a comma, quote, CR or LF. */
void csv_quote(struct strbuf *sb, const char *s);
/*
 * A text cell: like csv_quote, but a value starting with '=', '+', '-',
 * '@', a tab or a CR gets a leading single quote first, so a spreadsheet
 * shows it as text instead of evaluating it (formula injection); so does
 * one starting with a single quote, so that reading back removes one.
 */
void csv_text_cell(struct strbuf *sb, const char *s);

/* The tables for deals[0..n), each a whole file. */
void csv_export_deals(const struct deal *deals, size_t n, struct strbuf *out);
void csv_export_criteria(const struct deal *deals, size_t n,
			 struct strbuf *out);
void csv_export_events(const struct deal *deals, size_t n,
		       struct strbuf *out);
/* Every field of the schema's table, under its JSON name. */
void csv_export_risks(const struct deal *deals, size_t n, struct strbuf *out);
void csv_export_phases(const struct deal *deals, size_t n, struct strbuf *out);
void csv_export_playbook(const struct deal *deals, size_t n,
			 struct strbuf *out);
void csv_export_holidays(const struct deal *deals, size_t n,
			 struct strbuf *out);

/* The files of export --to csv, in the order written. */
struct csv_export_file {
	const char *name;
	void (*emit)(const struct deal *deals, size_t n, struct strbuf *out);
};
#define CSV_EXPORT_NFILES 7
extern const struct csv_export_file csv_export_files[CSV_EXPORT_NFILES];

#endif
