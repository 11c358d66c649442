/*
 * techwin phase: the phased commercial scope, each phase tied to the
 * criteria that justify it and the risks it addresses.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_child_verb verbs[] = {
	{ "add", V_ADD, T_PHASE, "phase add takes a SLUG, a NUMBER and --name",
	  "NUMBER", NULL, NULL },
	{ "set", V_SET, T_PHASE, "phase set takes a SLUG and a NUMBER",
	  "NUMBER", NULL, NULL },
	{ "rm", V_REMOVE, T_PHASE, "phase rm takes a SLUG and a NUMBER",
	  "NUMBER", NULL, NULL },
	{ NULL, 0, 0, NULL, NULL, NULL, NULL },
};

static void
phase_row(struct table *t, const struct deal *d, size_t i, tw_date today,
	  const struct holidays *h)
{
	const struct phase *p = &d->phases[i];
	struct strbuf keys = STRBUF_INIT, risks = STRBUF_INIT;
	char db[DURATION_BUFSZ];

	(void)today;
	(void)h;
	for (size_t j = 0; j < p->ncriteria; j++)
		strbuf_addf(&keys, "%s%s", j ? "," : "", p->criteria[j]);
	for (size_t j = 0; j < p->nrisks; j++)
		strbuf_addf(&risks, "%s%s", j ? "," : "", p->risks[j]);
	table_cellf(t, "%d", p->number);
	table_cell(t, p->name);
	if (p->has_price)
		table_cellf(t, "%.15g", p->price);
	else
		table_cell(t, NULL);
	table_cell(t, p->has_duration ? duration_format(&p->duration, db)
				      : NULL);
	table_cell(t, keys.buf);
	table_cell(t, risks.buf);
	table_cell(t, p->justification);
	strbuf_release(&keys);
	strbuf_release(&risks);
}

static const char *const phase_header[] = { "#", "NAME", "PRICE",
	"DURATION", "CRITERIA", "RISKS", "JUSTIFICATION" };
static const size_t phase_right[] = { 0, 2, SIZE_MAX };
static const struct child_list phase_list = {
	phase_header, ARRAY_SIZE(phase_header), phase_right, T_PHASE, phase_row,
};

const struct cmd_entry cmd_phase_entry = {
	.name = "phase", .flags = NEED_STORE,
	.verbs = verbs, .list = &phase_list,
};
