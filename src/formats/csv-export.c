/*
 * Deals as spreadsheet CSV (csv-export.h): one file per table, a header
 * row, then one row per deal or child; children carry their deal's slug in
 * the first column so the tables join on it.
 */
#include "formats/csv-export.h"
#include "core/criterion.h"
#include "core/schema.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
csv_quote(struct strbuf *sb, const char *s)
{
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

/*
 * The characters a spreadsheet reads as the start of a formula, and the
 * tab and CR that some of them skip before looking (OWASP's CSV injection
 * advice). A leading single quote makes the cell text; spreadsheets do not
 * show it. A text that starts with a quote itself gets one more, so
 * reading the file back (import --from techwin) removes exactly one.
 */
void
csv_text_cell(struct strbuf *sb, const char *s)
{
	struct strbuf tmp = STRBUF_INIT;

	if (!s || !*s || !strchr(CSV_GUARDED, *s)) {
		csv_quote(sb, s);
		return;
	}
	strbuf_addch(&tmp, '\'');
	strbuf_addstr(&tmp, s);
	csv_quote(sb, tmp.buf);
	strbuf_release(&tmp);
}

static void
sep(struct strbuf *sb)
{
	strbuf_addch(sb, ',');
}

static void
eol(struct strbuf *sb)
{
	strbuf_addstr(sb, "\r\n");
}

static void
text(struct strbuf *sb, const char *s)
{
	sep(sb);
	csv_text_cell(sb, s);
}

/*
 * A stored number: the shortest text that reads back as the same double,
 * so 0.1 is "0.1". techwin formats it, so it cannot carry a formula and is
 * left a number even when negative.
 */
static void
number(struct strbuf *sb, bool has, double v)
{
	char buf[40];

	sep(sb);
	if (!has)
		return;
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	strbuf_addstr(sb, buf);
}

/*
 * A computed percentage: 15 significant digits (what JSON shows), and
 * an integer when within rounding noise of one (800 against 1000 gives
 * -19.999999999999996, which is -20).
 */
static void
percent(struct strbuf *sb, bool has, double v)
{
	double r = nearbyint(v);

	sep(sb);
	if (!has)
		return;
	if (fabs(v - r) <= 1e-12 * fmax(1.0, fabs(v)))
		v = r == 0 ? 0 : r;
	strbuf_addf(sb, "%.15g", v);
}

static void
date(struct strbuf *sb, tw_date d)
{
	char buf[DATE_BUFSZ];

	sep(sb);
	if (d != DATE_NONE)
		strbuf_addstr(sb, date_format(d, buf));
}

static void
header(struct strbuf *sb, const char *line)
{
	strbuf_addstr(sb, CSV_BOM);
	strbuf_addstr(sb, line);
	eol(sb);
}

void
csv_export_deals(const struct deal *deals, size_t n, struct strbuf *out)
{
	header(out, "slug,account,stage,value,currency,ae,se,"
		    "procurement_days,champion,champion_email,poc_start,"
		    "poc_end,close_date,outcome,crm_source,crm_id");
	for (size_t i = 0; i < n; i++) {
		const struct deal *d = &deals[i];

		csv_text_cell(out, d->slug);
		text(out, d->account);
		text(out, d->stage);
		number(out, d->has_value, d->value);
		text(out, d->currency);
		text(out, d->ae);
		text(out, d->se);
		number(out, d->has_procurement_days, d->procurement_days);
		text(out, d->champion);
		text(out, d->champion_email);
		date(out, d->poc_start);
		date(out, d->poc_end);
		date(out, d->close_date);
		text(out, outcome_name(d->outcome));
		text(out, d->crm_source);
		text(out, d->crm_id);
		eol(out);
	}
}

void
csv_export_criteria(const struct deal *deals, size_t n, struct strbuf *out)
{
	header(out, "deal,key,metric,unit,direction,required,measured,"
		    "measured_on,status,headroom_pct,growth_capacity_pct,"
		    "projected_growth_pct,scales,outcome,scales_with_load");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < deals[i].ncriteria; j++) {
			const struct criterion *c = &deals[i].criteria[j];
			struct criterion_eval ev;

			criterion_evaluate(c, &ev);
			csv_text_cell(out, deals[i].slug);
			text(out, c->key);
			text(out, c->metric);
			text(out, c->unit);
			text(out, direction_name(c->direction));
			number(out, true, c->required);
			number(out, c->has_measured, c->measured);
			date(out, c->measured_on);
			text(out, crit_status_name(ev.status));
			percent(out, ev.has_headroom, ev.headroom_pct);
			percent(out, ev.has_growth_capacity,
				ev.growth_capacity_pct);
			number(out, c->has_growth, c->growth_pct);
			text(out, ev.scales == TRI_NULL ? NULL
				  : ev.scales == TRI_TRUE ? "true" : "false");
			text(out, c->outcome);
			text(out, c->scales_with_load ? "true" : "false");
			eol(out);
		}
	}
}

void
csv_export_events(const struct deal *deals, size_t n, struct strbuf *out)
{
	header(out, "deal,key,kind,title,owner,date,done,after,step,side,"
		    "internal");
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < deals[i].nevents; j++) {
			const struct event *e = &deals[i].events[j];

			csv_text_cell(out, deals[i].slug);
			text(out, e->key);
			text(out, event_kind_name(e->kind));
			text(out, e->title);
			text(out, e->owner);
			date(out, e->date);
			date(out, e->done);
			text(out, e->after);
			text(out, e->step);
			text(out, event_side_name(e->side));
			text(out, e->internal ? "true" : "false");
			eol(out);
		}
	}
}

/*
 * The children of table t, every field of the schema in its order under
 * its JSON name, after the deal's slug: what the plan file holds, so
 * import --from techwin reads it all back.
 */
static void
export_table(const struct deal *deals, size_t n, size_t t,
	     struct strbuf *out)
{
	const struct schema_table *tb = &schema_tables[t];
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addstr(out, CSV_BOM "deal");
	for (size_t f = 0; f < tb->nfields; f++)
		strbuf_addf(out, ",%s", field_json_name(&tb->fields[f]));
	eol(out);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < tb->count(&deals[i]); j++) {
			const void *obj = tb->at(&deals[i], j);

			csv_text_cell(out, deals[i].slug);
			for (size_t f = 0; f < tb->nfields; f++)
				text(out, field_text(&tb->fields[f], obj,
						     &tmp));
			eol(out);
		}
	}
	strbuf_release(&tmp);
}

void
csv_export_holidays(const struct deal *deals, size_t n, struct strbuf *out)
{
	export_table(deals, n, T_HOLIDAY, out);
}

void
csv_export_risks(const struct deal *deals, size_t n, struct strbuf *out)
{
	export_table(deals, n, T_RISK, out);
}

void
csv_export_phases(const struct deal *deals, size_t n, struct strbuf *out)
{
	export_table(deals, n, T_PHASE, out);
}

void
csv_export_playbook(const struct deal *deals, size_t n, struct strbuf *out)
{
	export_table(deals, n, T_STEP, out);
}

const struct csv_export_file csv_export_files[CSV_EXPORT_NFILES] = {
	{ "deals.csv", csv_export_deals },
	{ "criteria.csv", csv_export_criteria },
	{ "events.csv", csv_export_events },
	{ "risks.csv", csv_export_risks },
	{ "phases.csv", csv_export_phases },
	{ "playbook.csv", csv_export_playbook },
	{ "holidays.csv", csv_export_holidays },
};
