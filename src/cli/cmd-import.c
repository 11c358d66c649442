/*
 * techwin import FILE...: load plan files, all of them or none. With
 * --from, FILE is a CRM export (formats/csv-import.h) whose rows are merged
 * into the deals they were imported as before, matched by CRM record id.
 * The imports themselves are the store's (store/import.h), shared with
 * the web's /import page; this reads the files and prints the outcome.
 */
#include "cli/cli.h"
#include "store/import.h"
#include "formats/csv-import.h"
#include "formats/csv-tables.h"
#include "formats/json.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bad rows listed on stderr before "... and N more". */
#define MAX_REPORTED 50
/* Files larger than this get a progress bar (on a terminal). */
#define PROGRESS_MIN_BYTES (1024 * 1024)

/* What a file that is not a regular one is, for messages. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

static int
too_large(const char *path, const char *what, size_t max,
	  struct tw_error *err)
{
	if (!strcmp(path, "-"))
		return tw_error_set(err, TW_EINPUT,
				    "standard input is larger than %zu MiB, "
				    "the limit for %s",
				    max >> 20, what);
	return tw_error_set(err, TW_EINPUT,
			    "'%s' is larger than %zu MiB, the limit for %s",
			    path, max >> 20, what);
}

/*
 * A regular file is read into a buffer of its size, in one read(2) for
 * each of 100k small plan files where stdio would allocate, copy and grow.
 */
int
cli_read_file(const char *path, const char *what, size_t max,
	      struct strbuf *sb, struct tw_error *err)
{
	bool in = !strcmp(path, "-");
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = in ? STDIN_FILENO
		    : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t size = 65536, got = 0;
	bool regular = false;
	struct stat st;
	ssize_t k = 1;
	char *buf;
	int rc = 0;

	if (fd < 0)
		return tw_error_set(err, TW_EINPUT, "cannot open '%s': %s",
				    path, strerror(errno));
	if (!in && fstat(fd, &st) < 0)
		rc = tw_error_set(err, TW_EINPUT, "cannot read '%s': %s", path,
				  strerror(errno));
	else if (!in && !S_ISREG(st.st_mode))
		rc = tw_error_set(err, TW_EINPUT,
				  "cannot read '%s': it is %s, not a regular "
				  "file",
				  path, file_kind(st.st_mode));
	else if (!in && (uintmax_t)st.st_size > max)
		rc = too_large(path, what, max, err);
	else if (!in)
		size = (size_t)st.st_size, regular = true;
	if (rc) {
		close(fd);
		return rc;
	}
	buf = xmalloc(size + 1);
	/* A regular file ends at its size; what grows meanwhile is not read. */
	while (got <= max && k > 0 && !(regular && got == size)) {
		if (got == size) {
			size = size > max / 2 ? max + 1 : 2 * size;
			buf = xrealloc(buf, size + 1);
		}
		k = read(fd, buf + got, size - got);
		if (k > 0)
			got += (size_t)k;
		else if (k < 0 && errno == EINTR)
			k = 1;
	}
	if (k < 0)
		rc = tw_error_set(err, TW_EINPUT, "cannot read '%s': %s", path,
				  strerror(errno));
	else if (got > max)
		rc = too_large(path, what, max, err);
	else
		strbuf_add(sb, buf, got);
	free(buf);
	if (!in)
		close(fd);
	return rc;
}

static void
plan_progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimporting: %zu/%zu deals", done, total);
	if (done == total)
		fputc('\n', stderr);
}

static int
load_plan(void *arg, size_t i, struct strbuf *out, struct tw_error *err)
{
	char **files = arg;

	return cli_read_file(files[i], "a plan file", PLAN_MAX_BYTES, out, err);
}

static void
plan_progress_cb(void *arg, size_t done, size_t total)
{
	(void)arg;
	plan_progress(done, total);
}

static int
import_plans(struct cli_ctx *ctx, size_t n, char **files,
	     struct tw_error *err)
{
	struct import_plans in = {
		.n = n, .names = files, .load = load_plan, .load_arg = files,
		.progress = n >= 1000 && isatty(2) ? plan_progress_cb : NULL,
	};
	struct import_plans_result res;
	int r = store_import_plans(ctx->st, &in, &res, err);

	/* Every file's errors (the first 50), then how many in all. */
	for (size_t i = 0; res.nerrors > 1 && i < res.nkept; i++)
		fprintf(stderr, "error: %s\n", res.errors[i]);
	if (res.nerrors > res.nkept)
		fprintf(stderr, "... and %zu more error%s\n",
			res.nerrors - res.nkept,
			res.nerrors - res.nkept == 1 ? "" : "s");

	if (r == 0 && ctx->json) {
		struct strbuf sb = STRBUF_INIT;

		json_emit(import_plans_to_json(&res), &sb);
		cli_write(&sb);
		strbuf_release(&sb);
	} else if (r == 0) {
		printf("imported %zu deal%s (%zu new, %zu replaced)\n", n,
		       n == 1 ? "" : "s", res.created, n - res.created);
	}
	import_plans_result_release(&res);
	return r;
}

/* ---- progress bar -------------------------------------------------------- */

/*
 * On a terminal, for a big file: how far, rows per second and the time
 * left, redrawn at most ten times a second so drawing costs nothing.
 */
struct progress {
	bool on;
	const char *what;
	double start, last;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_start(struct progress *p, const char *what)
{
	p->what = what;
	p->start = now_seconds();
	p->last = 0;
}

static void
progress_draw(struct progress *p, size_t done, size_t total, size_t rows,
	      bool final)
{
	double t, elapsed, frac, rate, eta;
	char bar[25];
	size_t fill;

	if (!p->on)
		return;
	t = now_seconds();
	if (!final && t - p->last < 0.1)
		return;
	p->last = t;
	elapsed = t - p->start;
	frac = total ? (double)done / (double)total : 1.0;
	rate = elapsed > 0 ? (double)rows / elapsed : 0;
	eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
	fill = (size_t)(frac * (sizeof(bar) - 1));
	for (size_t i = 0; i < sizeof(bar) - 1; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[sizeof(bar) - 1] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3d%%  %zu rows  %.0f rows/s  ETA %d:%02d"
		"\033[K", p->what, bar, (int)(frac * 100), rows, rate,
		(int)eta / 60, (int)eta % 60);
	if (final)
		fputc('\n', stderr);
}

static void
parse_progress(void *arg, size_t done, size_t total, size_t rows)
{
	progress_draw(arg, done, total, rows, done == total);
}

/* ---- CRM import ------------------------------------------------------------ */

static void
report_bad(const struct crm_import *imp, const char *file, const char *lead)
{
	for (size_t i = 0; i < imp->nbad && i < MAX_REPORTED; i++) {
		const struct crm_bad_row *b = &imp->bad[i];

		if (b->column)
			fprintf(stderr, "%s: %s:%zu: column '%s': %s\n", lead,
				file, b->line, b->column, b->message);
		else
			fprintf(stderr, "%s: %s:%zu: %s\n", lead, file,
				b->line, b->message);
	}
	if (imp->nbad > MAX_REPORTED)
		fprintf(stderr, "... and %zu more bad row%s\n",
			imp->nbad - MAX_REPORTED,
			imp->nbad - MAX_REPORTED == 1 ? "" : "s");
}

/*
 * Columns with values that no field takes: said, with how to take them
 * (or to say they are not wanted), rather than dropped without a word.
 */
static void
report_unmapped(const struct crm_import *imp, const char *file)
{
	const char *first;

	if (!imp->nunmapped)
		return;
	first = imp->unmapped[0];
	fprintf(stderr, "warning: %s: %zu column%s with values not imported:",
		file, imp->nunmapped, imp->nunmapped == 1 ? "" : "s");
	for (size_t i = 0; i < imp->nunmapped; i++)
		fprintf(stderr, "%s '%s'", i ? "," : "", imp->unmapped[i]);
	fprintf(stderr, "\nhint: map a column to a field with --map FILE, a "
		"line '%s = FIELD' (fields: id, name, account, stage, value, "
		"currency, close_date, ae, se, champion, champion_email, "
		"poc_start, poc_end, procurement_days), or '%s = ignore' to "
		"leave it out quietly\n", first, first);
}

static void
print_summary(struct cli_ctx *ctx, const struct import_crm_result *run,
	      const char *file, const char *reject)
{
	const struct crm_import *imp = &run->imp;
	size_t good = run->count[IMPORT_NEW] + run->count[IMPORT_UPDATED] +
		      run->count[IMPORT_UNCHANGED];
	struct strbuf sb = STRBUF_INIT;

	if (ctx->json) {
		json_emit(import_crm_to_json(run, file, reject), &sb);
		cli_write(&sb);
		strbuf_release(&sb);
		return;
	}
	strbuf_addf(&sb, "imported %zu row%s from '%s' (%s): %zu new, "
		    "%zu updated, %zu unchanged\n",
		    good, good == 1 ? "" : "s", file,
		    crm_vendor_name(run->vendor), run->count[IMPORT_NEW],
		    run->count[IMPORT_UPDATED], run->count[IMPORT_UNCHANGED]);
	if (imp->nbad)
		strbuf_addf(&sb, "skipped %zu bad row%s, written to '%s'\n",
			    imp->nbad, imp->nbad == 1 ? "" : "s", reject);
	if (imp->footer_lines)
		strbuf_addf(&sb, "skipped the report footer (%zu line%s "
			    "after the data)\n",
			    imp->footer_lines,
			    imp->footer_lines == 1 ? "" : "s");
	cli_write(&sb);
	strbuf_release(&sb);
}

struct crm_args {
	const char *file;
	const char *map;
	const char *slug_column;
	const char *reject;
	enum crm_vendor vendor;
	bool has_date_order;
	enum crm_date_order date_order;
	bool skip_bad;
};

/* The progress bar's two phases: reading, then importing. */
static void
rows_progress(void *arg, size_t done, size_t total)
{
	if (done == 0)
		progress_start(arg, "importing");
	else
		progress_draw(arg, done, total, done, done == total);
}

struct rejects {
	const struct crm_args *a;
	const char *data;
	struct strbuf path;
};

/* Bad rows skipped: listed, and written to the rejects file. */
static int
write_rejects(void *arg, const struct import_crm_result *res,
	      struct tw_error *err)
{
	struct rejects *rj = arg;
	struct strbuf rows = STRBUF_INIT;
	int r;

	if (rj->a->reject)
		strbuf_addstr(&rj->path, rj->a->reject);
	else
		strbuf_addf(&rj->path, "%s.rejects.csv", rj->a->file);
	report_bad(&res->imp, rj->a->file, "warning");
	crm_reject_emit(&res->imp, rj->data, &rows);
	r = cli_write_file(rj->path.buf, &rows, err);
	strbuf_release(&rows);
	return r;
}

/* The import itself is the store's (store_import_crm): all rows or none. */
static int
import_crm(struct cli_ctx *ctx, const struct crm_args *a,
	   struct tw_error *err)
{
	struct strbuf data = STRBUF_INIT, mapbuf = STRBUF_INIT;
	struct rejects rj = { a, NULL, STRBUF_INIT };
	struct import_crm in = {
		.vendor = a->vendor, .name = a->file, .map_name = a->map,
		.has_date_order = a->has_date_order,
		.date_order = a->date_order, .skip_bad = a->skip_bad,
		.slug_column = a->slug_column,
		.before_commit = write_rejects, .before_commit_arg = &rj,
	};
	struct import_crm_result res = { 0 };
	struct progress prog = { 0 };
	int r;

	r = a->map ? cli_read_file(a->map, "a mapping file", CRM_MAP_MAX_BYTES,
			       &mapbuf, err)
		   : 0;
	if (r == 0)
		r = cli_read_file(a->file, "a CRM export", CRM_MAX_BYTES, &data,
			      err);
	if (r < 0)
		goto out;
	in.map = a->map ? mapbuf.buf : NULL;
	in.map_len = mapbuf.len;
	in.data = rj.data = data.buf;
	in.len = data.len;
	prog.on = data.len > PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
	if (prog.on) {
		progress_start(&prog, "reading");
		in.parse_progress = parse_progress;
		in.row_progress = rows_progress;
		in.progress_arg = &prog;
	}
	r = store_import_crm(ctx->st, &in, &res, err);
	if (r == TW_EINPUT && res.action && res.imp.nbad && !a->skip_bad)
		report_bad(&res.imp, a->file, "error");
	if (r == 0)
		report_unmapped(&res.imp, a->file);
	if (r == 0)
		print_summary(ctx, &res, a->file,
			      res.imp.nbad ? rj.path.buf : NULL);
out:
	import_crm_result_release(&res);
	strbuf_release(&data);
	strbuf_release(&mapbuf);
	strbuf_release(&rj.path);
	return r;
}

/* ---- techwin's own CSV tables ------------------------------------------------ */

static int
load_table(void *arg, const char *name, struct strbuf *out, bool *missing,
	   struct tw_error *err)
{
	struct strbuf path = STRBUF_INIT;
	struct stat st;
	int r = 0;

	strbuf_addf(&path, "%s/%s", (const char *)arg, name);
	if (stat(path.buf, &st) < 0 && errno == ENOENT)
		*missing = true;
	else
		r = cli_read_file(path.buf, "a CSV table", CRM_MAX_BYTES, out,
			      err);
	strbuf_release(&path);
	return r;
}

/*
 * import --from techwin DIR: the tables export --to csv wrote, every deal
 * in place of the stored one of its slug. Every problem is listed (the
 * first 50) and nothing is written unless there is none.
 */
static int
import_tables(struct cli_ctx *ctx, const char *dir, struct tw_error *err)
{
	struct csv_tables t;
	struct stat st;
	size_t created = 0;
	int r;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return tw_error_set(err, TW_EINPUT,
				    "'%s' is not a directory (expected the "
				    "one export --to csv -o DIR wrote)",
				    dir);
	r = csv_tables_read(load_table, (void *)dir, &t, err);
	for (size_t i = 0; i < t.nerrors && i < CSV_TABLES_MAX_ERRORS; i++) {
		const struct csv_tables_error *e = &t.errors[i];

		fprintf(stderr, "error: %s/%s", dir, e->file);
		if (e->line)
			fprintf(stderr, ":%zu", e->line);
		if (e->column)
			fprintf(stderr, ": column '%s'", e->column);
		fprintf(stderr, ": %s\n", e->message);
	}
	if (t.nerrors > CSV_TABLES_MAX_ERRORS)
		fprintf(stderr, "... and %zu more error%s\n",
			t.nerrors - CSV_TABLES_MAX_ERRORS,
			t.nerrors - CSV_TABLES_MAX_ERRORS == 1 ? "" : "s");
	if (r == 0)
		r = store_import_deals(ctx->st, t.deals, t.n, &created, err);
	if (r == 0 && !ctx->json)
		printf("imported %zu deal%s from '%s' (%zu new, %zu "
		       "replaced)\n", t.n, t.n == 1 ? "" : "s", dir, created,
		       t.n - created);
	csv_tables_release(&t);
	return r;
}

static int
cmd_import_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "date-order", required_argument, NULL, 'd' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "reject", required_argument, NULL, 'r' },
		{ "slug-column", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_args a = { 0 };
	bool from = false, tables = false;
	int c;

	optind = 0;
	while ((c = cli_getopt(argc, argv, opts, err)) != -1) {
		switch (c) {
		case 'f':
			tables = !strcmp(optarg, "techwin");
			if (!tables && crm_vendor_parse(optarg, &a.vendor) < 0)
				return cmd_usage_error(
					&cmd_import_entry, err,
					"unknown source '%s' for --from "
					"(expected salesforce, hubspot or "
					"techwin)",
					optarg);
			from = true;
			break;
		case 'm':
			a.map = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "mdy") && strcmp(optarg, "dmy"))
				return cmd_usage_error(
					&cmd_import_entry, err,
					"invalid value '%s' for --date-order "
					"(expected mdy or dmy)",
					optarg);
			a.has_date_order = true;
			a.date_order = strcmp(optarg, "dmy") ? CRM_MDY
							     : CRM_DMY;
			break;
		case 's':
			a.skip_bad = true;
			break;
		case 'r':
			a.reject = optarg;
			break;
		case 'S':
			a.slug_column = optarg;
			break;
		default:
			return c;
		}
	}
	if (!from) {
		if (a.map || a.has_date_order || a.skip_bad || a.reject ||
		    a.slug_column)
			return cmd_usage_error(&cmd_import_entry, err,
					       "--map, --date-order, "
					       "--skip-bad, --reject and "
					       "--slug-column go with --from");
		if (optind >= argc)
			return cmd_usage_error(&cmd_import_entry, err,
					       "import needs at least one "
					       "FILE");
		return import_plans(ctx, (size_t)(argc - optind),
				    argv + optind, err);
	}
	if (tables && (a.map || a.has_date_order || a.skip_bad || a.reject ||
		       a.slug_column))
		return cmd_usage_error(&cmd_import_entry, err,
				       "--map, --date-order, --skip-bad, "
				       "--reject and --slug-column go with a "
				       "CRM's --from");
	if (tables && optind != argc - 1)
		return cmd_usage_error(&cmd_import_entry, err,
				       "import --from techwin takes exactly "
				       "one DIR");
	if (tables)
		return import_tables(ctx, argv[optind], err);
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_import_entry, err,
				       "import --from takes exactly one FILE");
	a.file = argv[optind];
	if (a.reject && !a.skip_bad)
		return cmd_usage_error(&cmd_import_entry, err,
				       "--reject goes with --skip-bad");
	if (a.skip_bad && !a.reject && !strcmp(a.file, "-"))
		return cmd_usage_error(&cmd_import_entry, err,
				       "--skip-bad on standard input needs "
				       "--reject FILE");
	return import_crm(ctx, &a, err);
}

const struct cmd_entry cmd_import_entry = {
	.name = "import", .flags = NEED_STORE, .exec = cmd_import_exec,
};
