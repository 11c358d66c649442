/*
 * The phased proposal of proposal.h: the model, and its Markdown, HTML and
 * PDF renderers. The PDF flows over pages; the summary's one-page fitting
 * does not apply, since a proposal is read, not pinned to a wall.
 */
#include "render/proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/commercial.h"
#include "core/message.h"
#include "core/risk.h"
#include "render/escape.h"
#include "render/pdf-style.h"
#include "util/xalloc.h"

/* ---- the model ------------------------------------------------------- */

static const char *
nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

static void
fill_phase(struct proposal_phase *pp, const struct deal *d,
	   const struct phase *ph)
{
	struct strbuf sb = STRBUF_INIT;

	pp->number = ph->number;
	pp->name = nonempty(ph->name);
	pp->scope = nonempty(ph->scope);
	pp->justification = nonempty(ph->justification);
	if (ph->has_price)
		msg_fmt_money(&sb, ph->price, d->currency);
	pp->price = strbuf_detach(&sb, NULL);
	if (ph->has_duration)
		msg_fmt_duration(&sb, &ph->duration);
	pp->duration = strbuf_detach(&sb, NULL);
	pp->rows = xcalloc(ph->ncriteria ? ph->ncriteria : 1,
			   sizeof(*pp->rows));
	for (size_t i = 0; i < ph->ncriteria; i++) {
		const struct criterion *c =
			deal_find_criterion(d, ph->criteria[i]);

		/* Validation keeps keys known; skip one that is not. */
		if (c)
			summary_criterion_fill(&pp->rows[pp->nrows++], c);
	}
}

/* The phases that, started on the contract target, land after a risk. */
static void
late_phases(struct proposal *p, const struct deal *d,
	    const struct holidays *h, tw_date today, struct strbuf *note)
{
	struct commercial_plan plan;
	struct phase_late *late;
	tw_date target;
	bool applied;
	size_t n;

	if (d->outcome != OUTCOME_OPEN)
		return;
	commercial_plan_compute(d, h, &plan);
	target = commercial_contract_target(d, &plan, today, &applied);
	commercial_plan_release(&plan);
	late = phases_late(d, target, today, h, &n);
	p->warnings = xcalloc(n ? n : 1, sizeof(*p->warnings));
	for (size_t i = 0; i < n; i++) {
		const struct phase_late *l = &late[i];
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "Phase %d", l->phase->number);
		if (nonempty(l->phase->name))
			strbuf_addf(&sb, " (%s)", l->phase->name);
		strbuf_addf(&sb, " addresses '%s', but started on the "
			    "contract target ",
			    nonempty(l->risk->title) ? l->risk->title
						     : l->risk->key);
		summary_fmt_day(&sb, target);
		strbuf_addstr(&sb, " it ends ");
		summary_fmt_day(&sb, l->end);
		strbuf_addstr(&sb, ", after ");
		summary_fmt_day(&sb, l->go_live_by);
		strbuf_addstr(&sb, ", the day it must be live by.");
		strbuf_addf(note, "%s%s", note->len ? " " : "", sb.buf);
		p->warnings[p->nwarnings++] = strbuf_detach(&sb, NULL);
	}
	free(late);
}

int
proposal_compute(struct proposal *p, const struct deal *d,
		 const struct holidays *h, tw_date start, tw_date today,
		 struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT, tb = STRBUF_INIT;
	const struct phase **ph;
	tw_date cur;
	size_t undated = 0;	/* 1 + index of the phase without one */
	char b[DATE_BUFSZ];

	memset(p, 0, sizeof(*p));
	if (!d->nphases)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no phases to propose",
				    d->slug);
	p->deal = d;
	p->today = today;
	if (start != DATE_NONE) {
		p->start_from = START_GIVEN;
		p->start = start;
	} else if (d->close_date != DATE_NONE) {
		p->start_from = START_CLOSE;
		p->start = d->close_date;
	}
	if (d->has_value)
		msg_fmt_money(&sb, d->value, d->currency);
	p->value = strbuf_detach(&sb, NULL);

	ph = deal_phases_by_number(d);
	p->nphases = d->nphases;
	p->phases = xcalloc(d->nphases, sizeof(*p->phases));
	cur = p->start;
	for (size_t i = 0; i < d->nphases; i++) {
		struct proposal_phase *pp = &p->phases[i];

		fill_phase(pp, d, ph[i]);
		/* Phase n starts the day phase n-1 ends. */
		if (cur != DATE_NONE) {
			pp->start = cur;
			if (ph[i]->has_duration) {
				pp->end = date_add_duration(
					cur, &ph[i]->duration, h);
			} else {
				undated = i + 1;
			}
			cur = pp->end;
		}
	}
	free(ph);
	/* The full scope is delivered when the last phase ends. */
	p->end = p->phases[p->nphases - 1].end;

	summary_totals(d, &sb, &tb);
	p->initial = strbuf_detach(&sb, NULL);
	p->total = strbuf_detach(&tb, NULL);

	switch (p->start_from) {
	case START_GIVEN:
		strbuf_addf(&sb, "Dated from the start date %s",
			    date_format(p->start, b));
		break;
	case START_CLOSE:
		strbuf_addf(&sb, "Dated from the deal's close date %s",
			    date_format(p->start, b));
		break;
	case START_NONE:
	default:
		strbuf_addstr(&sb, "Not dated yet: the deal has no close date "
			      "and no start date was given.");
		break;
	}
	if (p->start_from != START_NONE) {
		strbuf_addstr(&sb, ": each phase starts the day the one before "
			      "it ends");
		if (undated)
			strbuf_addf(&sb, ". Phase %d has no duration, so it "
				    "has no end date%s",
				    p->phases[undated - 1].number,
				    undated < p->nphases
					    ? " and the phases after it are "
					      "not dated"
					    : "");
		else if (p->end != DATE_NONE)
			strbuf_addf(&sb, ", and the full scope is delivered "
				    "by %s", date_format(p->end, b));
		strbuf_addch(&sb, '.');
	}
	deal_deadline_sentence(&sb, d, today, h);
	late_phases(p, d, h, today, &sb);
	p->dates_note = strbuf_detach(&sb, NULL);
	return 0;
}

void
proposal_release(struct proposal *p)
{
	for (size_t i = 0; i < p->nphases; i++) {
		struct proposal_phase *pp = &p->phases[i];

		for (size_t j = 0; j < pp->nrows; j++)
			summary_criterion_release(&pp->rows[j]);
		free(pp->rows);
		free(pp->price);
		free(pp->duration);
	}
	free(p->phases);
	free(p->value);
	free(p->initial);
	free(p->total);
	free(p->dates_note);
	for (size_t i = 0; i < p->nwarnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	memset(p, 0, sizeof(*p));
}

/* "USD 180,000 · 75 days · Fri 2026-07-17 to Wed 2026-09-30" */
static void
phase_meta(struct strbuf *sb, const struct proposal_phase *pp)
{
	const char *sep = "";

	if (*pp->price) {
		strbuf_addstr(sb, pp->price);
		sep = " · ";
	} else {
		strbuf_addstr(sb, "not priced yet");
		sep = " · ";
	}
	if (*pp->duration) {
		strbuf_addf(sb, "%s%s", sep, pp->duration);
		sep = " · ";
	}
	if (pp->start != DATE_NONE) {
		strbuf_addstr(sb, sep);
		if (pp->end == DATE_NONE)
			strbuf_addstr(sb, "from ");
		summary_fmt_day(sb, pp->start);
		if (pp->end != DATE_NONE) {
			strbuf_addstr(sb, " to ");
			summary_fmt_day(sb, pp->end);
		}
	}
}

static void
phase_title(struct strbuf *sb, const struct proposal_phase *pp)
{
	strbuf_addf(sb, "Phase %d", pp->number);
	if (pp->name)
		strbuf_addf(sb, ": %s", pp->name);
}

static void
date_or_dash(char b[DATE_BUFSZ], tw_date d)
{
	if (d == DATE_NONE)
		snprintf(b, DATE_BUFSZ, "–");
	else
		date_format(d, b);
}

/* ---- Markdown -------------------------------------------------------- */

static void
md_people(struct strbuf *out, const struct proposal *p)
{
	const struct deal *d = p->deal;
	struct strbuf sb = STRBUF_INIT;
	char b[DATE_BUFSZ];

	if (nonempty(d->champion)) {
		strbuf_addstr(&sb, d->champion);
		if (nonempty(d->champion_email))
			strbuf_addf(&sb, " (%s)", d->champion_email);
	}
	md_doc_field(out, "Prepared for", sb.buf);
	md_doc_field(out, "Sales engineer", d->se);
	md_doc_field(out, "Account executive", d->ae);
	if (*p->value)
		md_doc_field(out, "Deal value", p->value);
	md_doc_field(out, "Date", date_format(p->today, b));
	strbuf_release(&sb);
}

void
render_proposal_md(const struct proposal *p, struct strbuf *out)
{
	struct strbuf sb = STRBUF_INIT;
	char s[DATE_BUFSZ], e[DATE_BUFSZ];

	strbuf_addstr(out, "# Phased proposal: ");
	md_escape_text(out, p->deal->account);
	strbuf_addstr(out, "\n\n");
	md_people(out, p);

	strbuf_addstr(out, "\n## The phases at a glance\n\n"
		      "| Phase | Duration | Starts | Ends | Price |\n"
		      "|---|---|---|---|---:|\n");
	for (size_t i = 0; i < p->nphases; i++) {
		const struct proposal_phase *pp = &p->phases[i];

		strbuf_reset(&sb);
		phase_title(&sb, pp);
		date_or_dash(s, pp->start);
		date_or_dash(e, pp->end);
		strbuf_addstr(out, "| ");
		md_escape_cell(out, sb.buf);
		strbuf_addstr(out, " | ");
		md_escape_cell(out, *pp->duration ? pp->duration : "–");
		strbuf_addf(out, " | %s | %s | ", s, e);
		md_escape_cell(out, *pp->price ? pp->price : "not priced");
		strbuf_addstr(out, " |\n");
	}
	summary_totals_md(out, p->initial, p->total);
	strbuf_addstr(out, "\n\n");
	md_escape_text(out, p->dates_note);
	strbuf_addch(out, '\n');

	for (size_t i = 0; i < p->nphases; i++) {
		const struct proposal_phase *pp = &p->phases[i];

		strbuf_reset(&sb);
		phase_title(&sb, pp);
		strbuf_addstr(out, "\n## ");
		md_escape_text(out, sb.buf);
		strbuf_addstr(out, "\n\n");
		strbuf_reset(&sb);
		phase_meta(&sb, pp);
		md_escape_text(out, sb.buf);
		strbuf_addstr(out, "\n\n**Scope:** ");
		md_escape_text(out, pp->scope ? pp->scope : "–");
		strbuf_addstr(out, "\n\n**Technical justification:** ");
		md_escape_text(out, pp->justification ? pp->justification
						      : "–");
		strbuf_addstr(out, "\n\n");
		if (pp->nrows) {
			strbuf_addstr(out, "It rests on these POC "
				      "results:\n\n");
			md_criteria_table(out, pp->rows, pp->nrows, true);
		} else {
			strbuf_addstr(out, "It rests on no POC criterion "
				      "yet.\n");
		}
	}
	strbuf_release(&sb);
}

/* ---- HTML ------------------------------------------------------------ */

void
render_proposal_html(const struct proposal *p, enum paper paper,
		     struct strbuf *out)
{
	const struct deal *d = p->deal;
	struct strbuf sb = STRBUF_INIT;
	char b[DATE_BUFSZ], e[DATE_BUFSZ];

	strbuf_addf(&sb, "Phased proposal: %s", d->account);
	html_doc_begin(out, sb.buf, paper, p->brand);
	strbuf_reset(&sb);
	html_doc_header(out, "Phased proposal", d, "Prepared for", p->value,
			p->brand);
	html_doc_field(out, "Date", date_format(p->today, b));
	strbuf_addstr(out, "</dl>\n</header>\n");

	strbuf_addstr(out, "<h2>The phases at a glance</h2>\n<table>\n"
		      "<thead><tr><th>Phase</th><th>Duration</th>"
		      "<th>Starts</th><th>Ends</th><th class=\"num\">Price"
		      "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < p->nphases; i++) {
		const struct proposal_phase *pp = &p->phases[i];

		strbuf_reset(&sb);
		phase_title(&sb, pp);
		date_or_dash(b, pp->start);
		date_or_dash(e, pp->end);
		strbuf_addstr(out, "<tr><td class=\"key\">");
		html_escape(out, sb.buf);
		strbuf_addstr(out, "</td><td class=\"nowrap\">");
		html_escape(out, *pp->duration ? pp->duration : "–");
		strbuf_addf(out, "</td><td class=\"nowrap\">%s</td>"
			    "<td class=\"nowrap\">%s</td><td class=\"num\">",
			    b, e);
		html_escape(out, *pp->price ? pp->price : "not priced");
		strbuf_addstr(out, "</td></tr>\n");
	}
	strbuf_addstr(out, "</tbody>\n</table>\n");
	summary_totals_html(out, p->initial, p->total);
	strbuf_addstr(out, "<p class=\"note\">");
	html_escape(out, p->dates_note);
	strbuf_addstr(out, "</p>\n");

	for (size_t i = 0; i < p->nphases; i++) {
		const struct proposal_phase *pp = &p->phases[i];

		strbuf_reset(&sb);
		phase_title(&sb, pp);
		strbuf_addstr(out, "<section class=\"phase\">\n<h3>");
		html_escape(out, sb.buf);
		strbuf_addstr(out, "</h3>\n<p class=\"meta\">");
		strbuf_reset(&sb);
		phase_meta(&sb, pp);
		html_escape(out, sb.buf);
		strbuf_addstr(out, "</p>\n<p><strong>Scope:</strong> ");
		html_escape(out, pp->scope ? pp->scope : "–");
		strbuf_addstr(out, "</p>\n<p><strong>Technical justification:"
			      "</strong> ");
		html_escape(out, pp->justification ? pp->justification : "–");
		strbuf_addstr(out, "</p>\n");
		if (pp->nrows)
			html_criteria_table(out, pp->rows, pp->nrows, true);
		else
			strbuf_addstr(out, "<p>It rests on no POC criterion "
				      "yet.</p>\n");
		strbuf_addstr(out, "</section>\n");
	}
	strbuf_release(&sb);
	html_doc_end(out, p->brand, p->deal, p->today);
}

/* ---- PDF ------------------------------------------------------------- */

#define FS 9.0

/* Text flowing down pages: y moves down, a block that does not fit
 * starts the next page. */
struct flow {
	struct pdf_doc *doc;
	const struct proposal *p;
	double x, w, top, bottom, y;
	double page_w, page_h, margin;
	int page, pages;		/* pages: counted by the dry run */
};

static void
flow_footer(struct flow *f)
{
	struct pdf_style st = style(6.5, false, C_LIGHT, 0);
	struct strbuf sb = STRBUF_INIT;
	double h;

	summary_prepared(&sb, f->p->brand, f->p->deal, f->p->today);
	strbuf_addf(&sb, " · page %d of %d", f->page, f->pages);
	h = pdf_text_height(f->doc, f->w, sb.buf, &st);
	pdf_text(f->doc, f->x, f->page_h - f->margin * 0.6 - h, f->w, sb.buf,
		 &st);
	strbuf_release(&sb);
}

static void
flow_break(struct flow *f)
{
	flow_footer(f);
	pdf_page_break(f->doc);
	f->page++;
	f->y = f->top;
}

/* Start a new page unless h fits below y (or the page is still empty). */
static bool
flow_need(struct flow *f, double h)
{
	if (f->y + h <= f->bottom || f->y <= f->top)
		return false;
	flow_break(f);
	return true;
}

static double
measure_row(struct flow *f, const double *widths, size_t n,
	    const struct pdf_cell *cells, double pad)
{
	bool draw = pdf_doc_drawing(f->doc);
	double h;

	pdf_doc_set_draw(f->doc, false);
	h = pdf_row(f->doc, 0, 0, widths, n, cells, pad, PDF_NONE);
	pdf_doc_set_draw(f->doc, draw);
	return h;
}

static void
flow_heading(struct flow *f, const char *title)
{
	struct pdf_style st = style(FS * 0.9, true, accent(f->p->brand), 0);

	f->y += FS;
	f->y += pdf_text(f->doc, f->x, f->y, f->w, title, &st) + 1;
	pdf_hline(f->doc, f->x, f->y, f->w, 0.6, C_RULE);
	f->y += FS * 0.35;
}

static void
flow_header(struct flow *f)
{
	const struct proposal *p = f->p;
	const struct pdf_head head = { "PHASED PROPOSAL", "PREPARED FOR",
				       p->value, false, p->today, 0, p->brand };

	f->y = pdf_deal_head(f->doc, f->x, f->y, f->w, FS, p->deal, &head);
}

/* Styles of the overview's cells. */
struct overview_st {
	struct pdf_style body, name, price;
};

/* The overview's row of phase pp; title and the dates hold its texts. */
static void
overview_cells(struct pdf_cell *cells, const struct proposal_phase *pp,
	       const struct overview_st *st, struct strbuf *title, char *b,
	       char *e)
{
	strbuf_reset(title);
	phase_title(title, pp);
	date_or_dash(b, pp->start);
	date_or_dash(e, pp->end);
	cells[0] = (struct pdf_cell){ title->buf, &st->name, NULL, NULL };
	cells[1] = (struct pdf_cell){ *pp->duration ? pp->duration : "–",
				      &st->body, NULL, NULL };
	cells[2] = (struct pdf_cell){ b, &st->body, NULL, NULL };
	cells[3] = (struct pdf_cell){ e, &st->body, NULL, NULL };
	cells[4] = (struct pdf_cell){ *pp->price ? pp->price : "not priced",
				      &st->price, NULL, NULL };
}

static void
flow_overview(struct flow *f)
{
	const struct proposal *p = f->p;
	static const double frac[] = { 0.41, 0.13, 0.15, 0.15, 0.16 };
	static const char *const heads[] = { "PHASE", "DURATION", "STARTS",
		"ENDS", "PRICE" };
	struct pdf_style head = style(FS * 0.7, true, C_GREY, 0);
	struct pdf_style head_r = head;
	struct pdf_style band = style(FS * 1.05, true, accent(f->p->brand), 0);
	struct pdf_style note = style(FS * 0.9, false, C_GREY, 0);
	struct overview_st st = { style(FS, false, C_TEXT, 0),
				  style(FS, true, C_TEXT, 0),
				  style(FS, true, C_TEXT, 0) };
	double widths[5], mins[5] = { 0 }, pad = FS * 0.3;
	struct pdf_cell hcells[5], cells[5];
	struct strbuf sb = STRBUF_INIT;
	char b[DATE_BUFSZ], e[DATE_BUFSZ];

	head_r.align = PDF_RIGHT;
	st.price.align = PDF_RIGHT;
	flow_heading(f, "THE PHASES AT A GLANCE");
	for (size_t i = 0; i < 5; i++) {
		widths[i] = frac[i] * f->w;
		hcells[i] = (struct pdf_cell){ heads[i], i == 4 ? &head_r
								: &head,
					       NULL, NULL };
	}
	/* Columns wide enough to keep every date and price whole. */
	pdf_row_min(f->doc, mins, 5, hcells, pad);
	for (size_t i = 0; i < p->nphases; i++) {
		overview_cells(cells, &p->phases[i], &st, &sb, b, e);
		pdf_row_min(f->doc, mins, 5, cells, pad);
	}
	pdf_fit_widths(widths, mins, 5);
	f->y += pdf_row(f->doc, f->x, f->y, widths, 5, hcells, pad,
			C_HEAD_BG);
	for (size_t i = 0; i < p->nphases; i++) {
		double h;

		overview_cells(cells, &p->phases[i], &st, &sb, b, e);
		h = measure_row(f, widths, 5, cells, pad);
		flow_need(f, h);
		f->y += pdf_row(f->doc, f->x, f->y, widths, 5, cells, pad,
				zebra(i));
	}
	strbuf_reset(&sb);
	strbuf_addf(&sb, "Initial commitment: %s\nFull scope: %s", p->initial,
		    p->total);
	f->y += FS * 0.6;
	flow_need(f, pdf_text_height(f->doc, f->w, sb.buf, &band) + FS);
	f->y += pdf_band(f->doc, f->x, f->y, f->w, sb.buf, &band, C_BAND_BG,
			 accent(f->p->brand));
	f->y += FS * 0.4;
	f->y += pdf_text(f->doc, f->x, f->y, f->w, p->dates_note, &note);
	strbuf_release(&sb);
}

/* A labelled paragraph: "SCOPE" over the text. */
static double
para(struct flow *f, double y, const char *label, const char *text)
{
	struct pdf_style lst = style(FS * 0.72, true, C_GREY, 0);
	struct pdf_style tst = style(FS, false, C_TEXT, 0);
	double h;

	h = pdf_text(f->doc, f->x, y, f->w, label, &lst);
	h += pdf_text(f->doc, f->x, y + h, f->w, text ? text : "–", &tst);
	return h + FS * 0.4;
}

static void
criteria_cells(struct pdf_cell *cells, const struct summary_criterion *c,
	       const struct pdf_style *st)
{
	cells[0] = (struct pdf_cell){ summary_criterion_title(c), &st[0], NULL,
				      NULL };
	cells[1] = (struct pdf_cell){ c->required, &st[2], NULL, NULL };
	cells[2] = (struct pdf_cell){ *c->measured ? c->measured : "–", &st[2],
				      NULL, NULL };
	cells[3] = (struct pdf_cell){ crit_status_name(c->ev.status),
				      c->ev.status == CRIT_PASS   ? &st[3]
				      : c->ev.status == CRIT_FAIL ? &st[4]
								  : &st[5],
				      NULL, NULL };
	cells[4] = (struct pdf_cell){ *c->headroom ? c->headroom : "–", &st[2],
				      NULL, NULL };
	cells[5] = (struct pdf_cell){ *c->growth ? c->growth : "–", &st[6],
				      NULL, NULL };
	cells[6] = (struct pdf_cell){ c->outcome ? c->outcome : "–", &st[7],
				      NULL, NULL };
}

static void
flow_phase(struct flow *f, const struct proposal_phase *pp)
{
	/* Wide enough at 9 pt for "source-connectors", "connectors",
	 * "pending" and "HEADROOM" in DejaVu Sans. */
	static const double frac[] = { 0.19, 0.115, 0.115, 0.088, 0.09, 0.14,
		0.262 };
	static const char *const heads[] = { "CRITERION", "REQUIRED",
		"MEASURED", "RESULT", "HEADROOM", "GROWTH",
		"BUSINESS OUTCOME" };
	struct pdf_style title = style(FS * 1.3, true, accent(f->p->brand), 0);
	struct pdf_style meta = style(FS, true, C_TEXT, 0);
	struct pdf_style head = style(FS * 0.7, true, C_GREY, 0);
	struct pdf_style head_r = head;
	struct pdf_style st[8];
	struct pdf_cell hcells[7], cells[7];
	struct strbuf sb = STRBUF_INIT, mb = STRBUF_INIT;
	double widths[7], mins[7] = { 0 }, pad = FS * 0.25, h, hrow;
	bool draw = pdf_doc_drawing(f->doc);

	st[0] = style(FS, true, C_TEXT, 0);
	st[1] = style(FS * 0.85, false, C_GREY, 0);
	st[2] = style(FS, false, C_TEXT, 0);
	st[2].align = PDF_RIGHT;
	st[3] = style(FS, true, C_GREEN, 0);
	st[4] = style(FS, true, C_RED, 0);
	st[5] = style(FS, false, C_LIGHT, 0);
	st[5].italic = true;
	st[6] = style(FS * 0.9, false, C_TEXT, 0);
	st[7] = style(FS, false, C_TEXT, 0);
	head_r.align = PDF_RIGHT;
	for (size_t i = 0; i < 7; i++) {
		widths[i] = frac[i] * f->w;
		hcells[i] = (struct pdf_cell){ heads[i], &head, NULL, NULL };
		if (i == 1 || i == 2 || i == 4)
			hcells[i].st = &head_r;
	}

	phase_title(&sb, pp);
	phase_meta(&mb, pp);
	pdf_row_min(f->doc, mins, 7, hcells, pad);
	for (size_t i = 0; i < pp->nrows; i++) {
		criteria_cells(cells, &pp->rows[i], st);
		pdf_row_min(f->doc, mins, 7, cells, pad);
	}
	pdf_fit_widths(widths, mins, 7);

	/* The heading, its text and the first result stay together. */
	pdf_doc_set_draw(f->doc, false);
	h = FS * 1.4 + pdf_text_height(f->doc, f->w, sb.buf, &title) +
	    pdf_text_height(f->doc, f->w, mb.buf, &meta) + FS * 0.4 +
	    para(f, 0, "SCOPE", pp->scope) +
	    para(f, 0, "TECHNICAL JUSTIFICATION", pp->justification);
	hrow = pdf_row(f->doc, 0, 0, widths, 7, hcells, pad, PDF_NONE);
	if (pp->nrows) {
		criteria_cells(cells, &pp->rows[0], st);
		h += hrow + pdf_row(f->doc, 0, 0, widths, 7, cells, pad,
				    PDF_NONE);
	}
	pdf_doc_set_draw(f->doc, draw);
	flow_need(f, h);

	f->y += FS * 1.4;
	f->y += pdf_text(f->doc, f->x, f->y, f->w, sb.buf, &title);
	f->y += pdf_text(f->doc, f->x, f->y, f->w, mb.buf, &meta);
	f->y += FS * 0.4;
	f->y += para(f, f->y, "SCOPE", pp->scope);
	f->y += para(f, f->y, "TECHNICAL JUSTIFICATION", pp->justification);
	if (!pp->nrows) {
		struct pdf_style none = style(FS, false, C_GREY, 0);

		f->y += pdf_text(f->doc, f->x, f->y, f->w,
				 "It rests on no POC criterion yet.", &none);
	} else {
		f->y += pdf_row(f->doc, f->x, f->y, widths, 7, hcells, pad,
				C_HEAD_BG);
	}
	for (size_t i = 0; i < pp->nrows; i++) {
		criteria_cells(cells, &pp->rows[i], st);
		h = measure_row(f, widths, 7, cells, pad);
		/* A table going on to the next page repeats its header. */
		if (flow_need(f, h))
			f->y += pdf_row(f->doc, f->x, f->y, widths, 7, hcells,
					pad, C_HEAD_BG);
		f->y += pdf_row(f->doc, f->x, f->y, widths, 7, cells, pad,
				zebra(i));
	}
	strbuf_release(&sb);
	strbuf_release(&mb);
}

static void
flow_all(struct flow *f)
{
	f->page = 1;
	f->y = f->top;
	flow_header(f);
	flow_overview(f);
	for (size_t i = 0; i < f->p->nphases; i++)
		flow_phase(f, &f->p->phases[i]);
	flow_footer(f);
}

int
render_proposal_pdf(const struct proposal *p, enum paper paper,
		    struct strbuf *out, struct pdf_info *info,
		    struct tw_error *err)
{
	struct strbuf title = STRBUF_INIT;
	struct flow f = { 0 };
	struct pdf_info local;
	int r;

	strbuf_addf(&title, "Phased proposal: %s", p->deal->account);
	f.doc = pdf_doc_new(paper, out, title.buf, p->deal->se, p->today);
	strbuf_release(&title);
	f.p = p;
	pdf_doc_page_size(f.doc, &f.page_w, &f.page_h);
	f.margin = f.page_w * 0.065;
	f.x = f.margin;
	f.w = f.page_w - 2 * f.margin;
	f.top = f.margin * 0.9;
	/* Room for the footer under the content. */
	f.bottom = f.page_h - f.margin * 0.6 - 14;

	/* A dry run counts the pages for "page N of M". */
	pdf_doc_set_draw(f.doc, false);
	f.pages = 1;
	flow_all(&f);
	f.pages = f.page;
	pdf_doc_set_draw(f.doc, true);
	flow_all(&f);

	r = pdf_doc_finish(f.doc, info ? info : &local, err);
	if (info)
		info->font_size = FS;
	return r;
}
