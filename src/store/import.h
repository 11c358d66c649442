/*
 * Imports into the store, all or nothing, as `techwin import` and the web
 * import page run them: plan files (store_import_plans) and a CRM export
 * (store_import_crm). Both write in one transaction: an error, or a bad
 * row without skip_bad, leaves the store as it was.
 */
#ifndef TW_STORE_IMPORT_H
#define TW_STORE_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "formats/csv-import.h"
#include "store/store.h"
#include "util/error.h"
#include "util/strbuf.h"

/* ---- plan files ----------------------------------------------------------- */

/*
 * The text of plan file i, called from worker threads (one call per file,
 * any order): appends to out, or fails with err (TW_EINPUT, naming the
 * file). The caller's reading, e.g. from disk or from an upload.
 */
typedef int (*import_load_fn)(void *arg, size_t i, struct strbuf *out,
			      struct tw_error *err);

struct import_plans {
	size_t n;		/* files */
	char *const *names;	/* file i's name, for messages */
	import_load_fn load;
	void *load_arg;
	/* Called after each 1000th file and the last (may be NULL). */
	void (*progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
};

/* The errors of a plan import kept (and listed), at most. */
#define IMPORT_MAX_ERRORS 50

/*
 * What a plan import did: file i made deal slug[i], new when added[i].
 * Or the errors found, in file order: the first nkept (at most
 * IMPORT_MAX_ERRORS) of nerrors, in bad_files of the n files.
 */
struct import_plans_result {
	size_t n, created;
	char **slug;
	bool *added;
	char **errors;
	size_t nkept, nerrors, bad_files;
};

/*
 * Parse every file (worker threads, a few hundred ahead of the writer)
 * and put each deal, keeping what only the database holds (touches,
 * acknowledgements, snooze, CRM id). Every file is read: the errors of
 * each (plan_parse_all), and a slug in two files, go to res->errors, and
 * then the import is TW_EINPUT "N errors in M of K files, nothing
 * imported" (the error itself when it is the only one) and nothing is
 * written.
 */
int store_import_plans(struct store *st, const struct import_plans *in,
		       struct import_plans_result *res, struct tw_error *err);
void import_plans_result_release(struct import_plans_result *res);

/*
 * Put deals already read and checked (import --from techwin: the CSV
 * tables), each in place of the stored deal of its slug as a plan file
 * would be, in one transaction; *created counts the new ones.
 */
int store_import_deals(struct store *st, struct deal *deals, size_t n,
		       size_t *created, struct tw_error *err);

/* ---- CRM exports ------------------------------------------------------------ */

enum import_action { IMPORT_NEW, IMPORT_UPDATED, IMPORT_UNCHANGED,
		     IMPORT_BAD };

struct import_crm_result;

struct import_crm {
	enum crm_vendor vendor;
	const char *name;		/* the export's name, for messages */
	const char *data;
	size_t len;
	const char *map_name;		/* NULL: the vendor's columns */
	const char *map;
	size_t map_len;
	bool has_date_order;		/* date_order beats the mapping's */
	enum crm_date_order date_order;
	bool skip_bad;			/* write the good rows of a bad file */
	const char *slug_column;	/* new deals' slugs; NULL: the name */
	/* Parsing progress (crm_options), then the merge's (done 0 first). */
	void (*parse_progress)(void *arg, size_t bytes_done,
			       size_t bytes_total, size_t rows);
	void (*row_progress)(void *arg, size_t done, size_t total);
	void *progress_arg;
	/*
	 * With skip_bad and bad rows, called before the commit (may be
	 * NULL): a failure imports nothing. The CLI writes the rejects.
	 */
	int (*before_commit)(void *arg, const struct import_crm_result *res,
			     struct tw_error *err);
	void *before_commit_arg;
};

/* Each row's fate (action[i], and the deal slug[i] it went to). */
struct import_crm_result {
	enum crm_vendor vendor;
	struct crm_import imp;		/* rows, bad rows (sorted), footer */
	size_t count[4];		/* by enum import_action */
	enum import_action *action;
	char **slug;
};

/*
 * Parse the whole export, then merge every row into the deal imported
 * from the same CRM record before (a new deal, slug from its name, when
 * none). Bad rows, found parsing or merging, are all collected in
 * res->imp.bad; without skip_bad any of them is TW_EINPUT "N bad rows in
 * 'NAME', nothing imported ..." and nothing is written. res holds what
 * was found either way (a parse error aside).
 */
int store_import_crm(struct store *st, const struct import_crm *in,
		     struct import_crm_result *res, struct tw_error *err);
void import_crm_result_release(struct import_crm_result *res);

/* ---- exports ------------------------------------------------------------------ */

/*
 * Every deal with its children, in slug order: what `techwin export --to
 * csv` and the web's CSV export write (formats/csv-export.h).
 */
int store_deal_load_all(struct store *st, struct deal_list *out,
			struct tw_error *err);

#endif
