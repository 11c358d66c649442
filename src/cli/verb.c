/*
 * The command line's side of the verbs (core/actions.h): options named from
 * the model schema, parsed into a verb_call, run by the store, and the line
 * that says what was done. Each cmd-*.c keeps only its usage text and the
 * options that are not fields.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define OPT_FIELD 1000		/* option values: OPT_FIELD + field index */
#define MAX_OPTS 48

/* "--champion-email" from "champion_email". */
static char *
option_name(const struct field *f)
{
	char *s = xstrdup(field_json_name(f));

	for (char *p = s; *p; p++)
		if (*p == '_')
			*p = '-';
	return s;
}

/* Whether the verb takes field f as an option. */
static bool
takes_field(const struct verb_call *c, const struct field *f)
{
	if (c->verb != V_ADD && c->verb != V_SET && c->verb != V_DEAL_CREATE &&
	    c->verb != V_DEAL_SET)
		return false;
	return !(f->flags & (FL_RO | FL_KEY));
}

/*
 * The value of a yes/no option: "--internal=false", "--internal false"
 * (as "--scales-with-load true" has always been written: the next word,
 * unless it is an option) or "--internal" alone, which is true.
 */
static const char *
bool_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return "true";
}

int
cli_verb_options(int argc, char **argv, struct verb_call *c,
		 const struct cli_extra *x, struct tw_error *err)
{
	struct option opts[MAX_OPTS];
	char *names[MAX_OPTS];
	size_t n = 0, nnames = 0;
	int opt, r = 0;

	for (size_t i = 0; c->tb && i < c->tb->nfields; i++) {
		const struct field *f = &c->tb->fields[i];

		if (!takes_field(c, f) || n + 1 >= MAX_OPTS)
			continue;
		names[nnames] = option_name(f);
		/* A yes/no field may stand alone: --internal is true. */
		opts[n++] = (struct option){ names[nnames++],
					     f->type == F_BOOL ?
					     optional_argument :
					     required_argument, NULL,
					     OPT_FIELD + (int)i };
	}
	for (size_t i = 0; x && x->opts[i].name && n + 1 < MAX_OPTS; i++)
		opts[n++] = x->opts[i];
	opts[n] = (struct option){ NULL, 0, NULL, 0 };

	optind = 0;
	while (r == 0 && (opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0) {
			r = opt;
		} else if (opt >= OPT_FIELD) {
			const struct field *f = &c->tb->fields[opt - OPT_FIELD];
			char label[64] = "";

			for (size_t i = 0; i < n; i++)
				if (opts[i].val == opt)
					snprintf(label, sizeof(label), "--%s",
						 opts[i].name);
			r = verb_give_text(c, f, label,
					   f->type == F_BOOL ?
					   bool_arg(argc, argv) : optarg, err);
		} else {
			r = x->fn(opt, optarg, c, x->arg, err);
		}
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	return r;
}

static int
on_option(int opt, const char *arg, struct verb_call *c, void *xarg,
	  struct tw_error *err)
{
	(void)opt, (void)xarg;
	return opt_date("--on", arg, &c->on, err);
}

static const struct option on_opts[] = {
	{ "on", required_argument, NULL, 1 },
	{ NULL, 0, NULL, 0 },
};
const struct cli_extra cli_on_option = { on_opts, on_option, NULL };

int
cli_verb_run(struct cli_ctx *ctx, const char *slug, const struct verb_call *c,
	     struct deal_ctx *dc, struct verb_result *res,
	     struct tw_error *err)
{
	deal_ctx_init(dc, ctx->today, ctx->actor);
	return store_run_verb(ctx->st, slug, c, dc, res, NULL, err);
}

void
cli_run_init(struct cli_run *run, const struct cli_ctx *ctx, enum verb v,
	     const struct schema_table *tb)
{
	memset(run, 0, sizeof(*run));
	verb_call_init(&run->c, v, tb);
	deal_ctx_init(&run->dc, ctx->today, ctx->actor);
	strbuf_init(&run->out, 0);
}

int
cli_run_verb(struct cli_ctx *ctx, struct cli_run *run, const char *slug,
	     struct tw_error *err)
{
	return cli_verb_run(ctx, slug, &run->c, &run->dc, &run->res, err);
}

int
cli_run_finish(struct cli_run *run, int r)
{
	if (r >= 0)
		cli_write(&run->out);
	strbuf_release(&run->out);
	verb_call_release(&run->c);
	deal_ctx_release(&run->dc);
	return r;
}

int
cli_load_ctx(struct cli_ctx *ctx, const char *slug, struct deal_ctx *dc,
	     struct tw_error *err)
{
	deal_ctx_init(dc, ctx->today, ctx->actor);
	return store_load_ctx(ctx->st, slug, dc, err);
}

/* "criterion 'p95'", "phase 2", "technical event 'kickoff'". */
static void
child_name(const struct schema_table *tb, const void *obj, struct strbuf *sb)
{
	struct strbuf key = STRBUF_INIT;
	const char *k = field_text(&tb->fields[0], obj, &key);

	if (tb->kind == ENT_EVENT)
		strbuf_addf(sb, "%s ",
			    event_kind_name(((const struct event *)obj)->kind));
	if (tb->fields[0].type == F_STR)
		strbuf_addf(sb, "%s '%s'", tb->entity, k);
	else
		strbuf_addf(sb, "%s %s", tb->entity, k);
	strbuf_release(&key);
}

static int
set_force(int opt, const char *arg, struct verb_call *c, void *xarg,
	  struct tw_error *err)
{
	(void)opt, (void)arg, (void)xarg, (void)err;
	c->force = true;
	return 0;
}

int
cli_child_verb(struct cli_ctx *ctx, const struct cmd_entry *e,
	       const struct cli_child_verb *v, int argc, char **argv,
	       struct tw_error *err)
{
	const struct schema_table *tb = &schema_tables[v->table];
	struct cli_run run;
	struct verb_call *c = &run.c;
	const char *slug;
	int r;
	static const struct option force_opt[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_extra xforce = { force_opt, set_force, NULL };

	cli_run_init(&run, ctx, v->verb, tb);
	r = cli_verb_options(argc, argv, c,
			     v->verb == V_REMOVE ? &xforce : v->extra, err);
	if (r < 0)
		goto out;
	if (optind != argc - 2 ||
	    (v->verb == V_ADD && v->check && (r = v->check(c, err)) < 0)) {
		if (r >= 0)
			r = cmd_usage_error(e, err, "%s", v->usage);
		goto out;
	}
	slug = argv[optind];
	if (v->verb == V_ADD) {
		r = verb_give_text(c, &tb->fields[0], v->key_label,
				   argv[optind + 1], err);
		if (r < 0)
			goto out;
		for (size_t i = 0; i < tb->nfields; i++)
			if ((tb->fields[i].flags & FL_REQ) &&
			    !verb_given(c, &tb->fields[i])) {
				r = cmd_usage_error(e, err, "%s", v->usage);
				goto out;
			}
	} else {
		c->key = argv[optind + 1];
	}
	if ((r = cli_run_verb(ctx, &run, slug, err)) < 0)
		goto out;
	if (v->verb == V_REMOVE) {
		if (!ctx->json) {
			printf(tb->fields[0].type == F_STR
				       ? "removed %s '%s' from deal '%s'"
				       : "removed %s %s from deal '%s'",
			       tb->entity, c->key, slug);
			if (run.res.dropped)
				printf(" and %zu reference%s to it",
				       run.res.dropped,
				       run.res.dropped == 1 ? "" : "s");
			putchar('\n');
		}
		goto out;
	}
	if (ctx->json && v->verb == V_SET) {
		json_emit(child_to_json(v->table, &run.dc.deal, run.res.index,
					run.dc.today, &run.dc.hol), &run.out);
	} else if (!ctx->json) {
		struct strbuf name = STRBUF_INIT;

		child_name(tb, tb->at(&run.dc.deal, run.res.index), &name);
		printf("%s %s %s deal '%s'\n",
		       v->verb == V_ADD ? "added" : "updated", name.buf,
		       v->verb == V_ADD ? "to" : "in", slug);
		strbuf_release(&name);
	}
out:
	return cli_run_finish(&run, r);
}

int
cli_verb_dispatch(const struct cmd_entry *e, struct cli_ctx *ctx, int argc,
		  char **argv, struct tw_error *err)
{
	static const struct subcmd none[] = { { NULL, NULL, 0, NULL } };

	for (size_t i = 0; argc >= 2 && e->verbs && e->verbs[i].name; i++)
		if (!strcmp(e->verbs[i].name, argv[1]))
			return cli_child_verb(ctx, e, &e->verbs[i], argc - 1,
					      argv + 1, err);
	if (argc >= 2 && e->list && !strcmp(argv[1], "list"))
		return cli_list_children(e, ctx, argc - 1, argv + 1, e->list,
					 err);
	return subcmd_dispatch(e, e->subs ? e->subs : none, ctx, argc, argv,
			       err);
}
