/*
 * The one-page Technical Win Summary (the seed's war story): a document
 * model computed once from a deal, and its Markdown and HTML renderers.
 * The PDF renderer (render/pdf.h) draws the same model, so the three
 * formats say the same thing in the same words.
 *
 * The model holds plain text: every value is formatted here ("≤ 15 min",
 * "USD 180,000", "36 days left") and escaped only by the renderer of each
 * format. It borrows the deal's strings, so the deal must outlive it.
 */
#ifndef TW_SUMMARY_H
#define TW_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/brand.h"
#include "core/criterion.h"
#include "core/model.h"
#include "core/risk.h"
#include "util/strbuf.h"

/* Page size for print stylesheets and PDF. */
enum paper { PAPER_A4, PAPER_LETTER };

/* "a4" or "letter" (case-insensitive); 0, or -1 for anything else. */
int paper_parse(const char *s, enum paper *out);
const char *paper_name(enum paper p);
/* Width and height in PostScript points. */
void paper_size(enum paper p, double *w, double *h);

/* One POC criterion: its result and the business outcome it proves. */
struct summary_criterion {
	const char *key;		/* borrowed from the deal */
	const char *metric;		/* NULL when absent */
	const char *outcome;		/* NULL when absent */
	struct criterion_eval ev;
	tw_date measured_on;
	char *required;			/* "≤ 15 min" */
	char *measured;			/* "9 min"; "" while pending */
	char *headroom;			/* "40.0%"; "" while pending */
	char *growth;			/* "covers 66.7% growth; 35%
					   projected" */
};

/*
 * A risk with its back-schedule as of today; a closed deal's as of its
 * close date.
 */
struct summary_risk {
	const char *key, *title;	/* borrowed */
	tw_date deadline;
	struct risk_eval ev;
	char *slack;			/* "36 days left", "12 days late" */
};

/* A line of the proposed commercial timeline. */
struct summary_step {
	const char *title;		/* borrowed (the deal or the default) */
	tw_date date;
};

struct summary_phase {
	int number;
	const char *name, *scope;	/* borrowed, NULL when absent */
	char *price;			/* "USD 180,000"; "" when unpriced */
	char *duration;			/* "75 days"; "" when absent */
};

enum next_kind {
	NEXT_NONE,	/* nothing planned */
	NEXT_EVENT,	/* the first open event on or after today */
	NEXT_PLAN,	/* a step of the commercial plan */
	NEXT_CLOSED,	/* the deal is closed: no next step */
};

struct summary_next {
	enum next_kind kind;
	tw_date date;
	bool overdue;			/* a plan step already past */
	const char *title;		/* borrowed */
	const char *owner;		/* borrowed, NULL when unknown */
	char *text;			/* the whole step as one sentence */
};

struct summary {
	const struct deal *deal;
	const struct brand *brand;	/* NULL: none; the caller sets it */
	tw_date today;
	char *value;			/* "USD 415,000"; "" without a value */
	char *headline;			/* "All 6 success criteria met
					   on Fri 26 Jun 2026." */
	bool won;			/* every criterion passed, win dated */

	struct summary_criterion *criteria;
	size_t ncriteria, npass, nfail, npending;

	struct summary_risk *risks;
	size_t nrisks;

	/* The plan: the technical win, then each playbook step. */
	tw_date technical_win;		/* DATE_NONE without a win */
	struct summary_step *steps;	/* steps[0] is the win itself */
	size_t nsteps;
	tw_date contract_target;
	char *timeline_note;		/* contract target, or why no plan */

	struct summary_phase *phases;	/* by number */
	size_t nphases;
	char *initial;			/* "USD 180,000 (phase 1, ...)" */
	char *total;			/* "USD 415,000 (3 phases)" */

	struct summary_next next;
};

/*
 * Compute the summary of d as of today; h holds the deal's and the
 * workspace's holidays (they date the plan and business-day durations).
 */
void summary_compute(struct summary *s, const struct deal *d,
		     const struct holidays *h, tw_date today);
void summary_release(struct summary *s);

/* Fill one row from a criterion (shared with the proposal). */
void summary_criterion_fill(struct summary_criterion *row,
			    const struct criterion *c);
void summary_criterion_release(struct summary_criterion *row);

/*
 * The initial commitment (the first phase's price and its share) and the
 * full scope (the sum, or which phases are not priced yet) as text.
 */
void summary_totals(const struct deal *d, struct strbuf *initial,
		    struct strbuf *total);
/* Those two as the paragraph under a phase table, in Markdown or HTML. */
void summary_totals_md(struct strbuf *out, const char *initial,
		       const char *total);
void summary_totals_html(struct strbuf *out, const char *initial,
			 const char *total);

/* "Tue 2026-06-30": the date formats every document uses. */
void summary_fmt_day(struct strbuf *sb, tw_date d);
/* "Fri 26 Jun 2026": a date in a sentence. */
void summary_fmt_long_day(struct strbuf *sb, tw_date d);

/*
 * The first line of the plan: the day the last success criterion was
 * met, in the champion's words (not "technical win", the seller's term).
 */
#define SUMMARY_WIN_STEP "All success criteria met"

/* What a document calls a criterion: its metric, else its key. */
const char *summary_criterion_title(const struct summary_criterion *row);

/* "- **Label:** value" and "<div><dt>Label</dt><dd>value</dd></div>". */
void md_doc_field(struct strbuf *out, const char *label, const char *value);
void html_doc_field(struct strbuf *out, const char *label,
		    const char *value);
/*
 * The start of an HTML document's header: the brand's logo, the kicker,
 * the account as its
 * title, then the champion (under champion_label), the SE, the AE and the
 * deal value when there is one. The caller adds its own fields and closes
 * it with "</dl>\n</header>\n".
 */
void html_doc_header(struct strbuf *out, const char *kicker,
		     const struct deal *d, const char *champion_label,
		     const char *value, const struct brand *b);

/* GitHub-flavoured Markdown. */
void render_summary_md(const struct summary *s, struct strbuf *out);
/*
 * One self-contained HTML file: inline CSS with a print stylesheet for
 * paper, no scripts, fonts or images, and a Content-Security-Policy that
 * forbids loading anything.
 */
void render_summary_html(const struct summary *s, enum paper paper,
			 struct strbuf *out);

/*
 * The HTML document frame both documents share: doctype, head with the
 * stylesheet, and the opening of <main>; html_doc_end closes it.
 */
void html_doc_begin(struct strbuf *out, const char *title, enum paper paper,
		    const struct brand *b);
/* The footer ("Prepared by BRAND for ACCOUNT on ..."), and the end. */
void html_doc_end(struct strbuf *out, const struct brand *b,
		  const struct deal *d, tw_date today);

/*
 * "Prepared by Northwind Data for Lakeshore Retail Group on Thu 26 Nov
 * 2026": the brand's name, else the SE's; never the tool or a slug.
 */
void summary_prepared(struct strbuf *sb, const struct brand *b,
		      const struct deal *d, tw_date today);
/* A table of criteria results, with the business outcome column or not. */
void html_criteria_table(struct strbuf *out,
			 const struct summary_criterion *rows, size_t n,
			 bool outcome);
void md_criteria_table(struct strbuf *out,
		       const struct summary_criterion *rows, size_t n,
		       bool outcome);

#endif
