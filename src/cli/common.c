/*
 * Helpers every command uses: help and usage text, option value parsing, the
 * read-modify-write transaction around one deal, atomic file output and
 * aligned tables.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "render/summary.h"
#include "store/deals.h"
#include "store/workspace.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A command's texts in commands.txt: "== NAME", its usage lines, "-- " and
 * the summary, then the help up to the next "== " (each may be empty).
 */
struct cmd_doc {
	const char *usage, *summary, *help;
	int nusage, nsummary, nhelp;
};

static void
cmd_doc_find(const struct cmd_entry *e, struct cmd_doc *d)
{
	char head[64];
	const char *p, *q;

	snprintf(head, sizeof(head), "\n== %s\n", e->name);
	memset(d, 0, sizeof(*d));
	if (!(p = strstr(cmd_docs, head)) || !(q = strstr(p, "\n-- ")))
		return;
	d->usage = p + strlen(head);
	d->nusage = (int)(q + 1 - d->usage);
	d->summary = q + 4;
	d->nsummary = (int)strcspn(d->summary, "\n");
	d->help = d->summary + d->nsummary + (d->summary[d->nsummary] != 0);
	q = strstr(d->help, "\n== ");
	d->nhelp = q ? (int)(q + 1 - d->help) : (int)strlen(d->help);
}

/*
 * Print each usage line as "usage: techwin LINE" / "   or: ...". A line
 * that starts with a space continues the synopsis above it, so it is
 * indented under it rather than printed as another way to call techwin.
 */
void
cmd_print_usage(const struct cmd_entry *e, FILE *fp)
{
	struct cmd_doc d;
	const char *lead = "usage: ";

	cmd_doc_find(e, &d);
	for (const char *p = d.usage, *end = p + d.nusage; p < end; p++) {
		int n = (int)strcspn(p, "\n");

		if (*p == ' ')
			fprintf(fp, "%15s%.*s\n", "", n, p);
		else
			fprintf(fp, "%stechwin %.*s\n", lead, n, p);
		lead = "   or: ";
		p += n;
	}
}

void
cmd_print_summary(const struct cmd_entry *e, FILE *fp)
{
	struct cmd_doc d;

	cmd_doc_find(e, &d);
	fprintf(fp, "%.*s", d.nsummary, d.summary);
}

void
cmd_print_help(const struct cmd_entry *e, FILE *fp)
{
	struct cmd_doc d;

	cmd_doc_find(e, &d);
	cmd_print_usage(e, fp);
	fprintf(fp, "\n%.*s\n", d.nsummary, d.summary);
	if (d.nhelp)
		fprintf(fp, "\n%.*s", d.nhelp, d.help);
}

int
cmd_usage_error(const struct cmd_entry *e, struct tw_error *err,
		const char *fmt, ...)
{
	va_list ap;

	(void)e;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = TW_EUSAGE;
	return TW_EUSAGE;
}

int
opt_date(const char *opt, const char *s, tw_date *out, struct tw_error *err)
{
	return value_parse_date(opt, s, out, err);
}

int
opt_number(const char *opt, const char *s, double *out, struct tw_error *err)
{
	return value_parse_number(opt, s, out, err);
}

int
opt_int(const char *opt, const char *s, int *out, struct tw_error *err)
{
	return value_parse_int(opt, s, out, err);
}

int
cli_get_deal(struct cli_ctx *ctx, const char *slug, struct deal *out,
	     struct tw_error *err)
{
	deal_init(out);
	return store_deal_get(ctx->st, slug, out, err);
}

void
cli_write(const struct strbuf *sb)
{
	fwrite(sb->buf, 1, sb->len, stdout);
}

int
cli_write_file(const char *path, const struct strbuf *sb,
	       struct tw_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	const char *p = sb->buf;
	size_t left = sb->len;
	int fd, ok = 1, saved;
	struct stat st;
	bool special = stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
		       !S_ISDIR(st.st_mode);

	/*
	 * A temporary file renamed over path: a reader sees the old file or
	 * the new one, never half of one. No fsync: documents are made again
	 * from the database, which is what must survive a crash, and a sync
	 * per file would dominate summary --all. open and write(2) rather
	 * than stdio, which would stat, buffer and copy every one of them.
	 * What is not a regular file (/dev/stdout, a FIFO, /dev/null) is
	 * written in place: a rename would put a file where it stands.
	 */
	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(special ? path : tmp.buf,
		  O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		tw_error_set(err, TW_EINPUT, "cannot write '%s': %s", path,
			     strerror(errno));
		strbuf_release(&tmp);
		return TW_EINPUT;
	}
	while (ok && left) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ENOSPC;
		ok = n > 0;
		if (ok) {
			p += n;
			left -= (size_t)n;
		}
	}
	saved = errno;
	if (close(fd) < 0 && ok) {
		ok = 0;
		saved = errno;
	}
	if (ok && !special && rename(tmp.buf, path) < 0) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		tw_error_set(err, TW_ESTORE, "cannot write '%s': %s", path,
			     strerror(saved));
		if (!special)
			unlink(tmp.buf);
		strbuf_release(&tmp);
		return TW_ESTORE;
	}
	strbuf_release(&tmp);
	return 0;
}

void
table_init(struct table *t, size_t ncols, const char *const *header)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->right = xcalloc(ncols, sizeof(*t->right));
	for (size_t i = 0; i < ncols; i++)
		table_cell(t, header[i]);
}

void
table_right(struct table *t, size_t col)
{
	t->right[col] = true;
}

void
table_cell(struct table *t, const char *s)
{
	ALLOC_GROW(t->cells, t->ncells + 1, t->alloc);
	t->cells[t->ncells++] = xstrdup(s && *s ? s : "-");
}

void
table_cellf(struct table *t, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	table_cell(t, sb.buf);
	strbuf_release(&sb);
}

/* Display width: UTF-8 code points, which is right for the text we print. */
static size_t
text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

void
table_render(const struct table *t, struct strbuf *out)
{
	size_t *width = xcalloc(t->ncols, sizeof(*width));

	for (size_t i = 0; i < t->ncells; i++) {
		size_t w = text_width(t->cells[i]);

		if (w > width[i % t->ncols])
			width[i % t->ncols] = w;
	}
	for (size_t i = 0; i < t->ncells; i++) {
		size_t col = i % t->ncols;
		size_t pad = width[col] - text_width(t->cells[i]);
		bool last = col == t->ncols - 1;

		if (t->right[col])
			strbuf_addchars(out, ' ', pad);
		strbuf_addstr(out, t->cells[i]);
		if (last)
			strbuf_addch(out, '\n');
		else if (t->right[col])
			strbuf_addstr(out, "  ");
		else
			strbuf_addchars(out, ' ', pad + 2);
	}
	free(width);
}

void
table_release(struct table *t)
{
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->right);
	memset(t, 0, sizeof(*t));
}

int
subcmd_dispatch(const struct cmd_entry *e, const struct subcmd *subs,
		struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	const struct subcmd *s;
	struct suggest sg;
	char hint[96];

	if (argc < 2)
		return cmd_usage_error(e, err, "'%s' needs a subcommand",
				       e->name);
	if ((s = subcmd_find(subs, argv[1])))
		return subcmd_run(e, s, ctx, argc - 1, argv + 1, err);
	suggest_init(&sg, argv[1]);
	for (size_t i = 0; subs[i].name; i++)
		suggest_add(&sg, subs[i].name);
	return cmd_usage_error(e, err, "unknown subcommand '%s %s'%s", e->name,
			       argv[1], suggest_text(&sg, hint, sizeof(hint)));
}

const struct subcmd *
subcmd_find(const struct subcmd *subs, const char *name)
{
	for (size_t i = 0; subs && subs[i].name; i++)
		if (!strcmp(subs[i].name, name))
			return &subs[i];
	return NULL;
}

int
subcmd_run(const struct cmd_entry *e, const struct subcmd *s,
	   struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	int r;

	if (s->why && (r = cli_options_exact(e, argc, argv, NULL, s->nargs,
					     s->why, err)) < 0)
		return r;
	return s->fn(ctx, argc, argv, err);
}

/*
 * A negative number among the arguments ("criterion record acme p95 -5")
 * is not an option: getopt would read "-5" as the options 5. Before a
 * scan, every argument that is a negative number and not the value of an
 * option before it starts with HIDDEN instead of '-', so getopt leaves it
 * (and permutes it) as any other argument; the scan's end puts the '-'
 * back. An option's own value ("--value -5") is getopt's already.
 */
#define HIDDEN '\x1f'

static bool
is_negative_number(const char *s)
{
	char *end;

	if (s[0] != '-' || !(isdigit((unsigned char)s[1]) ||
			     (s[1] == '.' && isdigit((unsigned char)s[2]))))
		return false;
	(void)strtod(s, &end);
	return *end == '\0';
}

/* Whether --name (a prefix as getopt takes it) expects a value. */
static bool
long_takes_value(const char *name, size_t n, const struct option *opts)
{
	const struct option *hit = NULL;

	for (size_t i = 0; opts && opts[i].name; i++) {
		if (strncmp(opts[i].name, name, n))
			continue;
		if (strlen(opts[i].name) == n)
			return opts[i].has_arg == required_argument;
		hit = hit ? hit : &opts[i];
	}
	return hit && hit->has_arg == required_argument;
}

static void
hide_negatives(int argc, char **argv, const char *shortopts,
	       const struct option *opts)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			return;
		if (!strncmp(a, "--", 2)) {
			size_t n = strcspn(a + 2, "=");

			i += !a[2 + n] && long_takes_value(a + 2, n, opts);
		} else if (is_negative_number(a)) {
			argv[i][0] = HIDDEN;
		} else if (a[0] == '-' && a[1]) {
			const char *o = strchr(shortopts, a[1]);

			i += o && o[1] == ':' && !a[2];
		}
	}
}

static void
unhide_negatives(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == HIDDEN)
			argv[i][0] = '-';
}

/* "unknown option '--acount' (did you mean '--account'?)" */
static int
unknown_long(const char *arg, const struct option *opts,
	     struct tw_error *err)
{
	size_t n = strcspn(arg, "=");
	char *name = xstrndup(arg, n), hint[96];
	struct suggest sg;

	suggest_init(&sg, name + strspn(name, "-"));
	for (size_t i = 0; opts && opts[i].name; i++)
		suggest_add(&sg, opts[i].name);
	if (sg.best)
		snprintf(hint, sizeof(hint), " (did you mean '--%.60s'?)",
			 sg.best);
	else
		hint[0] = '\0';
	tw_error_set(err, TW_EUSAGE, "unknown option '%s'%s", name, hint);
	free(name);
	return TW_EUSAGE;
}

static int
getopt_checked(int argc, char **argv, const char *shortopts,
	       const struct option *opts, struct tw_error *err)
{
	int c;

	opterr = 0;
	if (optind == 0)
		hide_negatives(argc, argv, shortopts, opts);
	c = getopt_long(argc, argv, shortopts, opts, NULL);
	if (c == -1 || c == '?' || c == ':')
		unhide_negatives(argc, argv);
	/*
	 * A long option that takes no value, given one ("--force=yes"):
	 * getopt sets optopt to the option's value, no character to print.
	 */
	if (c == '?' && optopt && !strncmp(argv[optind - 1], "--", 2) &&
	    strchr(argv[optind - 1], '='))
		return tw_error_set(err, TW_EUSAGE,
				    "option '%.*s' takes no value",
				    (int)strcspn(argv[optind - 1], "="),
				    argv[optind - 1]);
	/*
	 * For a short option getopt may still be inside the argument
	 * ("-15"), so argv[optind - 1] would name the one before it; optopt
	 * holds the character. For an unknown long option optopt is 0.
	 */
	if (c == '?' && optopt && isdigit(optopt))
		return tw_error_set(err, TW_EUSAGE,
				    "unknown option '-%c' (put a negative "
				    "number after '--')",
				    optopt);
	if (c == '?' && optopt)
		return tw_error_set(err, TW_EUSAGE, "unknown option '-%c'",
				    optopt);
	if (c == '?')
		return unknown_long(argv[optind - 1], opts, err);
	if (c == ':')
		return tw_error_set(err, TW_EUSAGE, "option '%s' needs a value",
				    argv[optind - 1]);
	return c;
}

int
cli_getopt(int argc, char **argv, const struct option *opts,
	   struct tw_error *err)
{
	return getopt_checked(argc, argv, ":", opts, err);
}

int
cli_getopt_output(int argc, char **argv, const struct option *opts,
		  struct tw_error *err)
{
	return getopt_checked(argc, argv, ":o:", opts, err);
}

int
cli_options(int argc, char **argv, const struct cli_opt *opts,
	    struct tw_error *err)
{
	struct option lo[CLI_MAX_OPTS + 1];
	const char *shortopts = ":";
	size_t n;
	int c, r = 0;

	for (n = 0; opts[n].name && n < CLI_MAX_OPTS; n++) {
		lo[n] = (struct option){ opts[n].name,
					 opts[n].kind == OPT_FLAG ?
					 no_argument : required_argument,
					 NULL, 256 + (int)n };
		if (!strcmp(opts[n].name, "output")) {
			lo[n].val = 'o';
			shortopts = ":o:";
		}
	}
	lo[n] = (struct option){ NULL, 0, NULL, 0 };
	optind = 0;
	while (r == 0 &&
	       (c = getopt_checked(argc, argv, shortopts, lo, err)) != -1) {
		const struct cli_opt *o;
		char label[64];

		if (c < 0)
			return c;
		for (o = opts; lo[o - opts].val != c; o++)
			;
		snprintf(label, sizeof(label), "--%s", o->name);
		switch (o->kind) {
		case OPT_STR:
			*(const char **)o->out = optarg;
			break;
		case OPT_FLAG:
			*(bool *)o->out = true;
			break;
		case OPT_INT:
			r = opt_int(label, optarg, o->out, err);
			break;
		case OPT_DATE:
			r = opt_date(label, optarg, o->out, err);
			break;
		case OPT_FORMAT:
			r = doc_format_parse(optarg, o->out, err);
			break;
		case OPT_PAPER:
			if (paper_parse(optarg, o->out) < 0)
				r = tw_error_set(err, TW_EUSAGE,
						 "unknown paper '%s' (expected "
						 "a4 or letter)", optarg);
			break;
		}
	}
	return r;
}

int
cli_options_exact(const struct cmd_entry *e, int argc, char **argv,
		  const struct cli_opt *opts, int nargs, const char *why,
		  struct tw_error *err)
{
	int r;

	if (opts) {
		r = cli_options(argc, argv, opts, err);
	} else {
		r = cli_no_options(e, argc, argv, err);
		optind = 1;
	}
	if (r == 0 && argc - optind != nargs)
		r = cmd_usage_error(e, err, "%s", why);
	return r;
}

int
cli_no_options(const struct cmd_entry *e, int argc, char **argv,
	       struct tw_error *err)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return 0;
		if (argv[i][0] == '-' && argv[i][1])
			return cmd_usage_error(e, err, "unknown option '%s'",
					       argv[i]);
	}
	return 0;
}

void
cli_print_list(const struct cli_ctx *ctx, const struct cli_list *l,
	       const void *arg, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	if (ctx->json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, l->json(ctx, arg, i));
		json_emit(a, &sb);
	} else {
		struct table t;

		table_init(&t, l->ncols, l->header);
		for (const size_t *c = l->right; c && *c != SIZE_MAX; c++)
			table_right(&t, *c);
		for (size_t i = 0; i < n; i++)
			l->row(&t, ctx, arg, i);
		table_render(&t, &sb);
		table_release(&t);
	}
	cli_write(&sb);
	strbuf_release(&sb);
}

/* The children of one deal, for cli_print_list. */
struct children {
	const struct child_list *l;
	const struct deal_ctx *dc;
};

static json_t *
child_json(const struct cli_ctx *ctx, const void *arg, size_t i)
{
	const struct children *c = arg;

	return child_to_json(c->l->table, &c->dc->deal, i, ctx->today,
			     &c->dc->hol);
}

static void
child_row(struct table *t, const struct cli_ctx *ctx, const void *arg,
	  size_t i)
{
	const struct children *c = arg;

	c->l->row(t, &c->dc->deal, i, ctx->today, &c->dc->hol);
}

int
cli_list_children(const struct cmd_entry *e, struct cli_ctx *ctx, int argc,
		  char **argv, const struct child_list *l,
		  struct tw_error *err)
{
	const struct cli_list view = { l->header, l->ncols, l->right,
				       child_json, child_row };
	struct deal_ctx dc;
	const struct children c = { l, &dc };
	int r;

	if ((r = cli_no_options(e, argc, argv, err)) < 0)
		return r;
	if (argc != 2)
		return cmd_usage_error(e, err, "%s list takes exactly one SLUG",
				       e->name);
	if ((r = cli_load_ctx(ctx, argv[1], &dc, err)) < 0)
		return r;
	cli_print_list(ctx, &view, &c, schema_tables[l->table].count(&dc.deal));
	deal_ctx_release(&dc);
	return 0;
}

int
doc_format_parse(const char *s, enum doc_format *out, struct tw_error *err)
{
	if (!strcmp(s, "md") || !strcmp(s, "markdown"))
		*out = FMT_MD;
	else if (!strcmp(s, "html"))
		*out = FMT_HTML;
	else if (!strcmp(s, "pdf"))
		*out = FMT_PDF;
	else
		return tw_error_set(err, TW_EUSAGE,
				    "unknown format '%s' (expected md, html or "
				    "pdf)", s);
	return 0;
}
