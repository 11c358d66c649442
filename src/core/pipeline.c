/*
 * The pipeline-wide momentum check (pipeline.h): the CLI's text and JSON
 * views and the web API read the same ordered findings.
 */
#include "core/pipeline.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Errors, warnings, then what is snoozed (errors first there too). */
static int
rank(const struct finding *f)
{
	return (f->snoozed ? 2 : 0) + (f->severity == SEV_WARNING);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct pipeline_finding *x = a, *y = b;
	int c;

	if (rank(x->f) != rank(y->f))
		return rank(x->f) < rank(y->f) ? -1 : 1;
	if ((c = strcmp(x->deal->slug, y->deal->slug)))
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The deal's holidays and the workspace's, merged into *buf. */
static struct holidays
merged_holidays(const struct deal *d, const struct holidays *ws,
		tw_date **buf)
{
	size_t nws = ws ? ws->n : 0, n = d->nholidays + nws;
	struct holidays h;

	*buf = xmalloc((n ? n : 1) * sizeof(**buf));
	if (d->nholidays)
		memcpy(*buf, d->holidays, d->nholidays * sizeof(**buf));
	if (nws)
		memcpy(*buf + d->nholidays, ws->days, nws * sizeof(**buf));
	h.days = *buf;
	h.n = holidays_normalize(*buf, n);
	return h;
}

void
pipeline_check_run(const struct deal *deals, size_t n,
		   const struct holidays *ws, tw_date today,
		   const struct momentum_settings *s,
		   struct pipeline_check *out)
{
	size_t alloc = 0;

	memset(out, 0, sizeof(*out));
	out->deals = xcalloc(n ? n : 1, sizeof(*out->deals));
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		struct pipeline_deal *pd = &out->deals[i];
		tw_date *buf;
		struct holidays h = merged_holidays(&deals[i], ws, &buf);

		pd->deal = &deals[i];
		momentum_check(pd->deal, today, &h, s, &pd->report);
		free(buf);
		for (size_t j = 0; j < pd->report.n; j++) {
			const struct finding *f = &pd->report.findings[j];

			ALLOC_GROW(out->findings, out->nfindings + 1, alloc);
			out->findings[out->nfindings++] =
				(struct pipeline_finding){ pd->deal, f, j };
			out->failed |= f->severity == SEV_ERROR && !f->snoozed;
		}
	}
	if (out->nfindings)
		qsort(out->findings, out->nfindings, sizeof(*out->findings),
		      cmp_finding);
}

void
pipeline_check_release(struct pipeline_check *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		momentum_report_release(&pc->deals[i].report);
	free(pc->deals);
	free(pc->findings);
	memset(pc, 0, sizeof(*pc));
}
