/*
 * techwin phase: the phased commercial scope, each phase tied to the
 * criteria that justify it.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum phase_opt { O_NAME = 256, O_SCOPE, O_PRICE, O_JUSTIFICATION,
		 O_CRITERIA, O_DURATION };

struct phase_args {
	struct phase p;
	const char *criteria;	/* comma-separated keys */
};

static int
add_phase(struct deal *d, void *arg, struct tw_error *err)
{
	const struct phase_args *a = arg;
	struct phase *p;
	const char *s = a->criteria;

	if (deal_find_phase(d, a->p.number))
		return tw_error_set(err, TW_EEXIST,
				    "phase %d already exists in deal '%s'",
				    a->p.number, d->slug);
	p = deal_add_phase(d);
	*p = a->p;
	p->name = xstrdup_or_null(a->p.name);
	p->scope = xstrdup_or_null(a->p.scope);
	p->justification = xstrdup_or_null(a->p.justification);
	p->criteria = NULL;
	p->ncriteria = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");

		if (n) {
			p->criteria = xrealloc(p->criteria,
					       (p->ncriteria + 1) *
						       sizeof(*p->criteria));
			p->criteria[p->ncriteria++] = xstrndup(s, n);
		}
		s += n + (s[n] == ',');
	}
	return 0;
}

static int
phase_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, O_NAME },
		{ "scope", required_argument, NULL, O_SCOPE },
		{ "price", required_argument, NULL, O_PRICE },
		{ "justification", required_argument, NULL, O_JUSTIFICATION },
		{ "criteria", required_argument, NULL, O_CRITERIA },
		{ "duration", required_argument, NULL, O_DURATION },
		{ NULL, 0, NULL, 0 },
	};
	struct phase_args a = { 0 };
	int opt, r = 0;

	optind = 0;
	while ((opt = cli_getopt(argc, argv, opts, err)) != -1) {
		if (opt < 0)
			return opt;
		switch (opt) {
		case O_NAME:
			a.p.name = optarg;
			break;
		case O_SCOPE:
			a.p.scope = optarg;
			break;
		case O_PRICE:
			a.p.has_price = true;
			r = opt_number("--price", optarg, &a.p.price, err);
			break;
		case O_JUSTIFICATION:
			a.p.justification = optarg;
			break;
		case O_CRITERIA:
			a.criteria = optarg;
			break;
		case O_DURATION:
			a.p.has_duration = true;
			r = opt_duration("--duration", optarg, &a.p.duration,
					 err);
			break;
		}
		if (r < 0)
			return r;
	}
	if (optind != argc - 2 || !a.p.name)
		return cmd_usage_error(&cmd_phase_entry, err,
				       "phase add takes a SLUG, a NUMBER and "
				       "--name");
	if ((r = opt_int("NUMBER", argv[optind + 1], &a.p.number, err)) < 0)
		return r;
	if ((r = cli_update_deal(ctx, argv[optind], add_phase, &a, err)) < 0)
		return r;
	if (!ctx->json)
		printf("added phase %d to deal '%s'\n", a.p.number,
		       argv[optind]);
	return 0;
}

static size_t
phase_count(const struct deal *d)
{
	return d->nphases;
}

static json_t *
phase_json(const struct deal *d, size_t i, tw_date today,
	   const struct holidays *h)
{
	(void)today;
	(void)h;
	return phase_to_json(&d->phases[i]);
}

static void
phase_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	  const struct holidays *h)
{
	const struct phase *p = &d->phases[i];
	struct strbuf keys = STRBUF_INIT;
	char db[DURATION_BUFSZ];

	(void)today;
	(void)h;
	for (size_t j = 0; j < p->ncriteria; j++)
		strbuf_addf(&keys, "%s%s", j ? "," : "", p->criteria[j]);
	table_cellf(t, "%d", p->number);
	table_cell(t, p->name);
	if (p->has_price)
		table_cellf(t, "%.15g", p->price);
	else
		table_cell(t, NULL);
	table_cell(t, p->has_duration ? duration_format(&p->duration, db)
				      : NULL);
	table_cell(t, keys.buf);
	table_cell(t, p->justification);
	strbuf_release(&keys);
}

static int
phase_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "#", "NAME", "PRICE",
		"DURATION", "CRITERIA", "JUSTIFICATION" };
	static const size_t right[] = { 0, 2, SIZE_MAX };
	static const struct child_list list = {
		header, ARRAY_SIZE(header), right, phase_count, phase_json,
		phase_row,
	};

	return cli_list_children(&cmd_phase_entry, ctx, argc, argv, &list,
				 err);
}

static const struct subcmd subs[] = {
	{ "add", phase_add },
	{ "list", phase_list },
	{ NULL, NULL },
};

static int
cmd_phase_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	return subcmd_dispatch(&cmd_phase_entry, subs, ctx, argc, argv, err);
}

const struct cmd_entry cmd_phase_entry = {
	.name = "phase",
	.usage = "phase add SLUG NUMBER --name TEXT [--scope TEXT] [--price N]\n"
		 "         [--justification TEXT] [--criteria KEY,...] "
		 "[--duration DUR]\n"
		 "phase list SLUG",
	.summary = "phased pricing tied to technical scope",
	.help =
	"A phase is one step of a phased proposal: its scope, its price, the\n"
	"technical justification for it, and the criteria whose results it\n"
	"rests on. A small first phase with a clear technical reason is\n"
	"easier for the prospect to approve than the full scope at once.\n",
	.flags = NEED_STORE,
	.exec = cmd_phase_exec,
};
