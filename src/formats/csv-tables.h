/*
 * techwin's own CSV export read back (import --from techwin DIR): the files
 * export --to csv writes (formats/csv-export.h), joined on the deal's slug,
 * into whole deals. Every cell is read as the field its column names (the
 * JSON name, as in the header techwin writes), so what a plan file holds
 * comes back, outcome and close date and the CRM record id included; the
 * leading single quote that guards a text cell against formulas is
 * removed. Columns techwin computes (status, headroom_pct, ...) are
 * skipped. Pure of I/O: the caller reads the files.
 */
#ifndef TW_CSV_TABLES_H
#define TW_CSV_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "util/error.h"
#include "util/strbuf.h"

/*
 * File name's text into out; *missing (and 0) when there is no such file,
 * which is an error only for deals.csv: an export of an older techwin has
 * fewer tables.
 */
typedef int (*csv_tables_load_fn)(void *arg, const char *name,
				  struct strbuf *out, bool *missing,
				  struct tw_error *err);

/* One problem: FILE:LINE: [column 'C': ]message. */
struct csv_tables_error {
	const char *file;	/* static: "criteria.csv" */
	size_t line;		/* 0: the file as a whole */
	char *column;
	char *message;
};

struct csv_tables {
	struct deal *deals;	/* in deals.csv's order */
	size_t n;
	/* The first CSV_TABLES_MAX_ERRORS problems, of nerrors. */
	struct csv_tables_error *errors;
	size_t nerrors, errors_alloc;
};
#define CSV_TABLES_MAX_ERRORS 50

/*
 * Read every table and check every deal (deal_validate). 0 with out->deals
 * when all is well; TW_EINPUT "N errors in the CSV tables" with every
 * problem in out->errors (out->deals then unspecified), or another error
 * from load.
 */
int csv_tables_read(csv_tables_load_fn load, void *arg,
		    struct csv_tables *out, struct tw_error *err);
void csv_tables_release(struct csv_tables *t);

/*
 * A text cell as it was before csv_text_cell guarded it: a leading single
 * quote before one of CSV_GUARDED is dropped. Borrowed from s.
 */
const char *csv_unguard(const char *s);

#endif
