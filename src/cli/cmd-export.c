/*
 * techwin export SLUG: print a deal as a plan file. With --to csv: every
 * deal, criterion and event as three CSV tables for a spreadsheet.
 */
#include "cli/cli.h"
#include "cli/doc.h"
#include "formats/csv-export.h"
#include "formats/plan.h"
#include "store/import.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Three files rather than one: each is a plain table a spreadsheet can
 * sort and filter, where one file would need a record-type column and
 * mostly empty cells.
 */
static int
export_csv(struct cli_ctx *ctx, const char *dir, struct tw_error *err)
{
	const struct csv_export_file *files = csv_export_files;
	struct deal_list all;
	int r;

	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		return tw_error_set(err, TW_EINPUT,
				    "cannot create directory '%s': %s", dir,
				    strerror(errno));
	if ((r = store_deal_load_all(ctx->st, &all, err)) < 0)
		return r;
	for (size_t i = 0; i < CSV_EXPORT_NFILES && r == 0; i++) {
		struct strbuf sb = STRBUF_INIT, path = STRBUF_INIT;

		files[i].emit(all.items, all.n, &sb);
		strbuf_addf(&path, "%s/%s", dir, files[i].name);
		r = cli_write_file(path.buf, &sb, err);
		strbuf_release(&sb);
		strbuf_release(&path);
	}
	if (r == 0 && !ctx->json)
		printf("exported %zu deal%s to '%s' (deals.csv, criteria.csv, "
		       "events.csv, risks.csv, phases.csv, playbook.csv, "
		       "holidays.csv)\n", all.n, all.n == 1 ? "" : "s", dir);
	deal_list_release(&all);
	return r;
}

static int
cmd_export_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct strbuf sb = STRBUF_INIT;
	const char *out = NULL;
	bool csv = false;
	struct deal d;
	int c, r;

	optind = 0;
	while ((c = cli_getopt_output(argc, argv, opts, err)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 't' && !strcmp(optarg, "csv"))
			csv = true;
		else if (c == 't')
			return cmd_usage_error(&cmd_export_entry, err,
					       "unknown format '%s' for --to "
					       "(expected csv)",
					       optarg);
		else
			return c;
	}
	if (csv) {
		if (optind != argc)
			return cmd_usage_error(&cmd_export_entry, err,
					       "export --to csv takes no SLUG "
					       "(it writes every deal)");
		if (!out)
			return cmd_usage_error(&cmd_export_entry, err,
					       "export --to csv needs -o DIR "
					       "(it writes seven files there)");
		return export_csv(ctx, out, err);
	}
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_export_entry, err,
				       "export takes exactly one SLUG");
	if ((r = cli_get_deal(ctx, argv[optind], &d, err)) < 0)
		return r;
	plan_emit(&d, &sb);
	r = doc_write(out, &sb, err);
	strbuf_release(&sb);
	deal_release(&d);
	return r;
}

const struct cmd_entry cmd_export_entry = {
	.name = "export", .flags = NEED_STORE, .exec = cmd_export_exec,
};
