/*
 * What every command file shares: the command table entry (tmux's struct
 * cmd_entry), the per-run context main builds from global options, and small
 * helpers for options and output.
 */
#ifndef TW_CLI_H
#define TW_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/actions.h"
#include "core/model.h"
#include "store/deals.h"
#include "store/store.h"
#include "util/error.h"
#include "util/strbuf.h"

enum cmd_flags {
	NEED_STORE = 1 << 0,	/* open an existing database */
	CREATE_STORE = 1 << 1,	/* create the database when missing */
};

struct cli_ctx {
	const char *db;		/* --db, $TECHWIN_DB or ./techwin.db */
	bool json;		/* --json */
	tw_date today;		/* --today, $TECHWIN_TODAY or the clock */
	bool today_fixed;	/* not the clock: serve keeps it every day */
	const char *actor;	/* $TECHWIN_USER or the login name */
	struct store *st;	/* opened by main for NEED_STORE commands */
};

/* Usage, summary and help come from src/cli/commands.txt, by name. */
struct subcmd;
struct cli_child_verb;
struct child_list;
struct cmd_entry {
	const char *name;
	int flags;
	/* 0 ok, 1 findings (check), or a negative enum tw_err with err set. */
	int (*exec)(struct cli_ctx *ctx, int argc, char **argv,
		    struct tw_error *err);
	/*
	 * A command of subcommands leaves exec NULL and names them: its
	 * verbs (add, set, rm), its child list, and the others.
	 */
	const struct cli_child_verb *verbs;
	const struct child_list *list;
	const struct subcmd *subs;
};

/* commands.txt, compiled in (commands.cmake). */
extern const char cmd_docs[];

/* The sorted command table (main.c) and lookup. */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
void cmd_print_help(const struct cmd_entry *e, FILE *fp);
/* The one-line summary, without a newline. */
void cmd_print_summary(const struct cmd_entry *e, FILE *fp);
/* Only the "usage: techwin ..." lines (after a usage error). */
void cmd_print_usage(const struct cmd_entry *e, FILE *fp);
/* The global usage and the list of commands (techwin help). */
void cli_print_usage(FILE *fp);

/* A usage error for e: sets err and returns TW_EUSAGE. */
int cmd_usage_error(const struct cmd_entry *e, struct tw_error *err,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Option value parsers: TW_EINPUT with "invalid value for --opt: ..." */
int opt_date(const char *opt, const char *s, tw_date *out,
	     struct tw_error *err);
int opt_number(const char *opt, const char *s, double *out,
	       struct tw_error *err);
int opt_int(const char *opt, const char *s, int *out, struct tw_error *err);

/* Read one deal (no transaction needed). */
int cli_get_deal(struct cli_ctx *ctx, const char *slug, struct deal *out,
		 struct tw_error *err);

/* Write sb to stdout; TW_ESTORE-free: output errors are caught at exit. */
void cli_write(const struct strbuf *sb);
/*
 * When stdout is a terminal, show the control characters of everything
 * printed on it as visible escapes (term_escape in render/escape.h), as
 * JSON's \u00XX under --json.
 */
void cli_escape_terminal(bool json);
/*
 * Write sb to path atomically: a temporary file next to it, then rename, so
 * a failure leaves no half-written file. TW_EINPUT when the file cannot be
 * created, TW_ESTORE when writing or renaming fails.
 */
int cli_write_file(const char *path, const struct strbuf *sb,
		   struct tw_error *err);

/* Aligned text tables for the human views. */
struct table {
	size_t ncols;
	char **cells;		/* row-major, ncols per row, header first */
	size_t ncells, alloc;
	bool *right;		/* right-align column */
};
void table_init(struct table *t, size_t ncols, const char *const *header);
void table_right(struct table *t, size_t col);
/* Add one cell; rows fill left to right. NULL prints as "-". */
void table_cell(struct table *t, const char *s);
void table_cellf(struct table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void table_render(const struct table *t, struct strbuf *out);
void table_release(struct table *t);

/*
 * Verbs on the command line (verb.c). Options are the fields of the verb's
 * schema table, named --json-name with '-' for '_' (--champion-email), and
 * the extra options a command adds (their values below 1000), handed to fn.
 */
struct option;
struct cli_extra {
	const struct option *opts;
	int (*fn)(int opt, const char *arg, struct verb_call *c, void *xarg,
		  struct tw_error *err);
	void *arg;
};
int cli_verb_options(int argc, char **argv, struct verb_call *c,
		     const struct cli_extra *x, struct tw_error *err);
/* --on DATE into c->on: the day a measurement, an event or a touch was. */
extern const struct cli_extra cli_on_option;
/* store_run_verb with the command's today and actor; dc is initialised. */
int cli_verb_run(struct cli_ctx *ctx, const char *slug,
		 const struct verb_call *c, struct deal_ctx *dc,
		 struct verb_result *res, struct tw_error *err);

/*
 * One verb on one deal from the command line: the call, the deal it ran on
 * with its settings and holidays, what it did, and the command's output.
 */
struct cli_run {
	struct verb_call c;
	struct deal_ctx dc;
	struct verb_result res;
	struct strbuf out;
};
/* A run of verb v taking the fields of tb (NULL: none) as options. */
void cli_run_init(struct cli_run *run, const struct cli_ctx *ctx, enum verb v,
		  const struct schema_table *tb);
/* cli_verb_run on the deal slug (NULL: V_DEAL_CREATE's c.key). */
int cli_run_verb(struct cli_ctx *ctx, struct cli_run *run, const char *slug,
		 struct tw_error *err);
/* Write run->out unless r is an error, release the run, return r. */
int cli_run_finish(struct cli_run *run, int r);

/*
 * The deal slug with the workspace's settings and merged holidays, for a
 * command that reads (deal_ctx_release() afterwards, also on error).
 */
int cli_load_ctx(struct cli_ctx *ctx, const char *slug, struct deal_ctx *dc,
		 struct tw_error *err);

/* "X add|set|rm SLUG KEY [options]" for one kind of child. */
struct json_t;
struct cli_child_verb {
	const char *name;	/* the subcommand: "add" */
	enum verb verb;		/* V_ADD, V_SET or V_REMOVE */
	size_t table;		/* T_CRITERION, ... */
	const char *usage;	/* the usage error for wrong arguments */
	const char *key_label;	/* "KEY", "NUMBER": names a bad key */
	const struct cli_extra *extra;
	/* More checks of an add's options; a usage error when < 0. */
	int (*check)(struct verb_call *c, struct tw_error *err);
};

/*
 * Subcommands ("deal add", "deal list"): one table per command file. One
 * without options says so with why: it runs only with exactly nargs
 * arguments, and is a usage error saying why otherwise.
 */
struct subcmd {
	const char *name;
	int (*fn)(struct cli_ctx *ctx, int argc, char **argv,
		  struct tw_error *err);
	int nargs;
	const char *why;
};
int cli_child_verb(struct cli_ctx *ctx, const struct cmd_entry *e,
		   const struct cli_child_verb *v, int argc, char **argv,
		   struct tw_error *err);
/*
 * A command without exec: e->verbs (ended by a NULL name) first, then
 * "list" of e->list, then subcmd_dispatch over e->subs (each may be NULL).
 */
struct child_list;
int cli_verb_dispatch(const struct cmd_entry *e, struct cli_ctx *ctx,
		      int argc, char **argv, struct tw_error *err);
/* Run the subcommand named by argv[1]; argv[0] of fn is the subcommand. */
int subcmd_dispatch(const struct cmd_entry *e, const struct subcmd *subs,
		    struct cli_ctx *ctx, int argc, char **argv,
		    struct tw_error *err);
/* The subcommand named name in subs, or NULL. */
const struct subcmd *subcmd_find(const struct subcmd *subs, const char *name);
/* Run s, its arguments checked when it has why; argv[0] is its name. */
int subcmd_run(const struct cmd_entry *e, const struct subcmd *s,
	       struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err);

/*
 * getopt_long over a command's own options, quietly: returns the option's
 * val, -1 at the end, or TW_EUSAGE with err set for an unknown option or a
 * missing value. Positional arguments are gathered at argv[optind..].
 */
struct option;
int cli_getopt(int argc, char **argv, const struct option *opts,
	       struct tw_error *err);
/* The same, with -o FILE as the short form of --output (returns 'o'). */
int cli_getopt_output(int argc, char **argv, const struct option *opts,
		      struct tw_error *err);
/*
 * A command's options as a table: each stores its value in out (a
 * const char **, bool *, int *, tw_date *, enum doc_format * or enum paper *,
 * by kind), checked as opt_int and friends do. "output" also answers to -o.
 */
enum cli_opt_kind { OPT_STR, OPT_FLAG, OPT_INT, OPT_DATE, OPT_FORMAT,
		    OPT_PAPER };
struct cli_opt {
	const char *name;
	enum cli_opt_kind kind;
	void *out;
};
#define CLI_MAX_OPTS 16
/*
 * Parse argv[1..] by opts (ended by a NULL name): 0 with the positional
 * arguments at argv[optind..], or the first error as cli_getopt gives it.
 */
int cli_options(int argc, char **argv, const struct cli_opt *opts,
		struct tw_error *err);

/*
 * The same (cli_no_options when opts is NULL), then a usage error saying why
 * unless exactly nargs arguments are left.
 */
int cli_options_exact(const struct cmd_entry *e, int argc, char **argv,
		      const struct cli_opt *opts, int nargs, const char *why,
		      struct tw_error *err);

/*
 * Read a whole file ("-" is standard input), what (for messages) of at
 * most max bytes, into sb (cmd-import.c). A path must name a regular
 * file, or a symbolic link to one: a FIFO or a device blocks or never
 * ends (/dev/zero), and a directory holds no text. TW_EINPUT otherwise.
 */
int cli_read_file(const char *path, const char *what, size_t max,
		  struct strbuf *sb, struct tw_error *err);

/*
 * For subcommands without options (list, show, rm): a usage error naming
 * the first argument that looks like an option, so `deal list --verbose`
 * says so instead of "takes no arguments".
 */
int cli_no_options(const struct cmd_entry *e, int argc, char **argv,
		   struct tw_error *err);

/*
 * A list on stdout, n items of arg: a JSON array of json(), or with
 * --json off an aligned table of row() under header.
 */
struct cli_list {
	const char *const *header;
	size_t ncols;
	const size_t *right;	/* right-aligned columns, ended by SIZE_MAX */
	struct json_t *(*json)(const struct cli_ctx *ctx, const void *arg,
			       size_t i);
	void (*row)(struct table *t, const struct cli_ctx *ctx,
		    const void *arg, size_t i);
};
void cli_print_list(const struct cli_ctx *ctx, const struct cli_list *l,
		    const void *arg, size_t n);

/*
 * "X list SLUG": one deal's children as a JSON array or an aligned table.
 * The callbacks see the whole deal and the business-day holidays (the
 * deal's merged with the workspace's).
 */
struct child_list {
	const char *const *header;
	size_t ncols;
	const size_t *right;	/* right-aligned columns, ended by SIZE_MAX */
	size_t table;		/* T_CRITERION, ...: counts the children */
	void (*row)(struct table *t, const struct deal *d, size_t i,
		    tw_date today, const struct holidays *h);
};
int cli_list_children(const struct cmd_entry *e, struct cli_ctx *ctx,
		      int argc, char **argv, const struct child_list *l,
		      struct tw_error *err);

/* The document formats of summary and proposal (--format). */
enum doc_format { FMT_MD, FMT_HTML, FMT_PDF };
/* "md" (or "markdown"), "html" or "pdf"; TW_EUSAGE otherwise. */
int doc_format_parse(const char *s, enum doc_format *out,
		     struct tw_error *err);

/* Every command entry. */
extern const struct cmd_entry cmd_chart_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_criterion_entry;
extern const struct cmd_entry cmd_deal_entry;
extern const struct cmd_entry cmd_event_entry;
extern const struct cmd_entry cmd_export_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_ics_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_message_entry;
extern const struct cmd_entry cmd_migrate_entry;
extern const struct cmd_entry cmd_notify_entry;
extern const struct cmd_entry cmd_phase_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_proposal_entry;
extern const struct cmd_entry cmd_risk_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_share_entry;
extern const struct cmd_entry cmd_snooze_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_summary_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_user_entry;
extern const struct cmd_entry cmd_version_entry;

#endif
