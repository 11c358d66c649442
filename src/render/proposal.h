/*
 * The phased proposal (the seed's practice 4, pricing tied to technical
 * scope): each phase with its scope, price, duration, technical
 * justification and the results of the criteria it rests on, the initial
 * commitment against the full scope, and the phases' dates from a start
 * date. A model computed once from a deal, and its Markdown, HTML and PDF
 * renderers. Like the summary, it borrows the deal's strings.
 */
#ifndef TW_PROPOSAL_H
#define TW_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "render/pdf.h"
#include "render/summary.h"
#include "util/error.h"
#include "util/strbuf.h"

struct proposal_phase {
	int number;
	const char *name, *scope, *justification;	/* borrowed or NULL */
	char *price;			/* "USD 180,000"; "" when unpriced */
	char *duration;			/* "75 days"; "" when absent */
	tw_date start, end;		/* DATE_NONE when undated */
	struct summary_criterion *rows;	/* the criteria it rests on */
	size_t nrows;
};

enum proposal_start {
	START_NONE,		/* no dates */
	START_GIVEN,		/* the caller's start date (--start) */
	START_CLOSE,		/* the deal's close date */
};

struct proposal {
	const struct deal *deal;
	const struct brand *brand;	/* NULL: none; the caller sets it */
	tw_date today;
	enum proposal_start start_from;
	tw_date start, end;		/* end: when the last phase ends */
	char *value;			/* "USD 415,000"; "" without a value */
	struct proposal_phase *phases;	/* by number */
	size_t nphases;
	char *initial;			/* as in the summary */
	char *total;
	char *dates_note;		/* where the dates come from, or why
					   there are none */
	/*
	 * For an open deal: each phase that addresses a risk (its risks)
	 * and, started on the contract target, ends after the risk's
	 * go-live-by date. The dates note says them too.
	 */
	char **warnings;
	size_t nwarnings;
};

/*
 * The proposal of d. start is the first phase's start date, or DATE_NONE
 * for the deal's close date (no dates when it has none either). Phase n
 * starts the day phase n-1 ends (start + its duration; business-day
 * durations skip h's holidays); a phase without a duration leaves it and
 * the phases after it undated. TW_EINPUT when the deal has no phases.
 */
int proposal_compute(struct proposal *p, const struct deal *d,
		     const struct holidays *h, tw_date start, tw_date today,
		     struct tw_error *err);
void proposal_release(struct proposal *p);

void render_proposal_md(const struct proposal *p, struct strbuf *out);
void render_proposal_html(const struct proposal *p, enum paper paper,
			  struct strbuf *out);
/*
 * The proposal on as many pages as it takes (a phase moves to the next
 * page rather than split its heading from its text); each page is
 * numbered "page N of M". info may be NULL.
 */
int render_proposal_pdf(const struct proposal *p, enum paper paper,
			struct strbuf *out, struct pdf_info *info,
			struct tw_error *err);

#endif
