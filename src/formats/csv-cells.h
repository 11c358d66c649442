/*
 * What the CRM import's files share (csv-mapping.c, csv-cells.c,
 * csv-import.c): lines as libcsv ends them, and cell text. Not part of
 * csv-import.h.
 */
#ifndef TW_CSV_CELLS_H
#define TW_CSV_CELLS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

/*
 * The line end starting at p, before end: 2 for CRLF, 1 for LF or a lone
 * CR, 0 for none. libcsv ends a record at a lone CR as at LF, so every
 * place that counts or slices lines must agree with it.
 */
size_t crm_eol_len(const char *p, const char *end);
/*
 * The line at p, before end: *eol gets where its text ends (its line end
 * starts there, or it is end); returns where the next line starts.
 */
const char *crm_line_next(const char *p, const char *end, const char **eol);
/* [*s, *e) without surrounding white space. */
void crm_trim(const char **s, const char **e);
/* crm_parse_amount(), saying why an amount is refused. */
enum amount_err { AMT_OK, AMT_INVALID, AMT_AMBIGUOUS, AMT_NEGATIVE };
enum amount_err crm_amount_parse(const char *str, bool decimal_comma,
				 double *value, char currency[4]);
/* "closed won", "Closed Won", "closedwon" and "Closed - Won" alike. */
enum outcome crm_stage_outcome(const char *stage);

#endif
