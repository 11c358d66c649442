/*
 * The pipeline-wide momentum check (pipeline.h): the CLI's text and JSON
 * views and the web API read the same ordered findings.
 */
#include "core/pipeline.h"
#include "core/findings.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

int
finding_rank(const struct finding *f)
{
	return (f->snoozed || f->acknowledged ? 2 : 0) +
	       (f->severity == SEV_WARNING);
}

void
finding_message(struct strbuf *sb, const struct deal *d,
		const struct finding *f)
{
	char b[DATE_BUFSZ];

	strbuf_addstr(sb, f->message);
	if (f->snoozed)
		strbuf_addf(sb, " [%s, snoozed through %s: %s]",
			    severity_name(f->severity),
			    date_format(d->snooze_until, b),
			    d->snooze_reason ? d->snooze_reason : "");
	else if (f->acknowledged)
		strbuf_addf(sb, " [%s, acknowledged by %s through %s: %s]",
			    severity_name(f->severity),
			    f->ack_by ? f->ack_by : "someone",
			    date_format(f->ack_until, b),
			    f->ack_reason ? f->ack_reason : "");
}

const char *
finding_state(const struct finding *f)
{
	return f->snoozed	 ? "snoozed"
	       : f->acknowledged ? "acknowledged"
				 : severity_name(f->severity);
}

void
pipeline_check_deal(const struct deal *d, const struct holidays *ws,
		    tw_date today, const struct momentum_settings *s,
		    struct momentum_report *out, struct holidays *h,
		    tw_date **buf)
{
	tw_date *mine;
	struct holidays hol = deal_merged_holidays(d, ws, &mine);

	findings_evaluate(d, today, &hol, s, out);
	if (h) {
		*h = hol;
		*buf = mine;
	} else {
		free(mine);
	}
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct pipeline_finding *x = a, *y = b;
	int c;

	if (finding_rank(x->f) != finding_rank(y->f))
		return finding_rank(x->f) < finding_rank(y->f) ? -1 : 1;
	if ((c = strcmp(x->deal->slug, y->deal->slug)))
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
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

		pd->deal = &deals[i];
		pipeline_check_deal(pd->deal, ws, today, s, &pd->report, NULL,
				    NULL);
		for (size_t j = 0; j < pd->report.n; j++) {
			const struct finding *f = &pd->report.findings[j];

			ALLOC_GROW(out->findings, out->nfindings + 1, alloc);
			out->findings[out->nfindings++] =
				(struct pipeline_finding){ pd->deal, f, j };
			out->failed |= finding_fails(f);
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
