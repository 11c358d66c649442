/*
 * Import and export in the browser: GET /import with its two upload
 * forms, POST /import/plans and /import/crm through the same atomic
 * imports as `techwin import` (store/import.h), the CSV export
 * (/export.csv and /export/{file}: `techwin export --to csv`'s files)
 * and a deal's plan file (/deals/{slug}/plan.yaml: `techwin export
 * SLUG`). And the workspace holidays from an .ics upload on /settings
 * (POST /settings/holidays/import: `techwin config holidays import`).
 * Uploads are multipart/form-data (multipart.h), up to the server's
 * upload_max.
 */
#include "web/pages-internal.h"
#include "formats/csv-export.h"
#include "formats/ics-holidays.h"
#include "formats/plan.h"
#include "render/escape.h"
#include "store/import.h"
#include "store/workspace.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const vendors[] = { "salesforce", "Salesforce",
				       "hubspot", "HubSpot", NULL };
static const char *const orders[] = { "", "As the mapping file says "
				      "(else month first)",
				      "mdy", "Month first (3/4/2026 is 4 March)",
				      "dmy", "Day first (3/4/2026 is 3 April)",
				      NULL };

/* The upload form's opening: like page_form_open, with the encoding. */
static void
upload_open(struct strbuf *sb, const struct http_request *rq,
	    const char *action, const char *id, const char *title)
{
	strbuf_addf(sb, "<form method=\"post\" action=\"%s\" id=\"%s\" "
		    "enctype=\"multipart/form-data\" class=\"panel\" "
		    "novalidate>\n<h2>", action, id);
	html_escape(sb, title);
	strbuf_addstr(sb, "</h2>\n");
	page_csrf_field(sb, &rq->who);
}

static void
plans_form(struct strbuf *sb, const struct http_request *rq,
	   const struct page_form *fm)
{
	upload_open(sb, rq, "/import/plans", "import-plans",
		    "Import plan files");
	page_form_summary(sb, fm, "Not imported");
	page_form_input(sb, fm, &(struct page_input){
		.name = "plans", .label = "Plan files", .type = "file",
		.required = true, .attrs = "multiple accept=\".yaml,.yml\"",
		.hint = "One or more plan files (YAML), at most 8 MiB each. "
			"All of them are imported, or none." });
	page_form_close(sb, "Import", NULL);
}

static void
crm_form(struct strbuf *sb, const struct http_request *rq,
	 const struct page_form *fm)
{
	const char *skip = page_form_value(fm, "skip_bad", NULL);

	upload_open(sb, rq, "/import/crm", "import-crm",
		    "Import a CRM export");
	page_form_summary(sb, fm, "Not imported");
	page_form_input(sb, fm, &(struct page_input){
		.name = "vendor", .label = "CRM", .type = "select",
		.required = true, .value = "salesforce", .options = vendors });
	page_form_input(sb, fm, &(struct page_input){
		.name = "file", .label = "Export (CSV)", .type = "file",
		.required = true, .attrs = "accept=\".csv,text/csv\"",
		.hint = "The CRM's report as CSV, at most 32 MiB; rows are "
			"merged into the deals imported from the same "
			"records before." });
	page_form_input(sb, fm, &(struct page_input){
		.name = "map", .label = "Column mapping file", .type = "file",
		.hint = "Columns named otherwise than the CRM's defaults." });
	page_form_input(sb, fm, &(struct page_input){
		.name = "date_order", .label = "Dates", .type = "select",
		.options = orders });
	strbuf_addf(sb, "<div class=\"field\"><input type=\"checkbox\" "
		    "id=\"import-crm-skip_bad\" name=\"skip_bad\" value=\"1\""
		    "%s> <label for=\"import-crm-skip_bad\">Skip bad rows "
		    "(import the good ones; without it, one bad row imports "
		    "nothing)</label></div>\n",
		    skip && *skip ? " checked" : "");
	page_form_close(sb, "Import", NULL);
}

static void
import_links(struct strbuf *sb)
{
	strbuf_addstr(sb, "<h2>Export</h2>\n<ul class=\"links\">"
		      "<li><a href=\"/export.csv\" download>Deals (CSV)</a></li>"
		      "<li><a href=\"/export/criteria.csv\" download>Criteria "
		      "(CSV)</a></li>"
		      "<li><a href=\"/export/events.csv\" download>Events (CSV)"
		      "</a></li></ul>\n<p class=\"hint\">The files of "
		      "<code>techwin export --to csv</code>; each deal's plan "
		      "file is on its page.</p>\n");
}

/* The import page; fm (NULL: none) is the refused form, kept. */
static void
render_import(struct http_request *rq, struct http_response *rs,
	      unsigned status, const struct page_form *fm,
	      const struct strbuf *extra)
{
	struct strbuf sb = STRBUF_INIT;
	bool plans = fm && !strcmp(fm->id, "import-plans");
	bool crm = fm && !strcmp(fm->id, "import-crm");

	page_begin(&sb, rq, "Import and export", NAV_NONE);
	strbuf_addstr(&sb, "<h1>Import and export</h1>\n");
	if (extra)
		strbuf_add(&sb, extra->buf, extra->len);
	if (page_can_edit(rq)) {
		plans_form(&sb, rq, plans ? fm : &(struct page_form){
			.id = "import-plans" });
		crm_form(&sb, rq, crm ? fm : &(struct page_form){
			.id = "import-crm" });
	} else {
		strbuf_addstr(&sb, "<p class=\"sub\">An editor imports.</p>\n");
	}
	import_links(&sb);
	page_end(&sb);
	page_send(rs, status, &sb);
}

void
pages_import(struct http_request *rq, struct http_response *rs)
{
	render_import(rq, rs, 200, NULL, NULL);
}

/* The body parsed, whoever sent it (a session's already is: its CSRF). */
static bool
upload_parse(struct http_request *rq, struct http_response *rs)
{
	return rq->upload.parts || http_parse_multipart(rq, rs);
}

static void
deal_link(struct strbuf *sb, const char *slug)
{
	page_deal_path(sb, "<a href=\"/deals/", slug, "\">");
	html_escape(sb, slug);
	strbuf_addstr(sb, "</a>");
}

/* ---- plan files ---------------------------------------------------------------- */

struct plan_upload {
	const struct multipart_part **part;
	char **names;
};

static int
load_part(void *arg, size_t i, struct strbuf *out, struct tw_error *err)
{
	const struct plan_upload *up = arg;

	if (up->part[i]->len > PLAN_MAX_BYTES)
		return tw_error_set(err, TW_EINPUT, "'%s' is larger than %d "
				    "MiB, the limit for a plan file",
				    up->names[i], PLAN_MAX_BYTES >> 20);
	strbuf_add(out, up->part[i]->data, up->part[i]->len);
	return 0;
}

static void
plans_result(struct strbuf *sb, const struct import_plans_result *res)
{
	for (int added = 1; added >= 0; added--) {
		size_t n = added ? res->created : res->n - res->created;

		strbuf_addf(sb, "<h2>%s: %zu</h2>\n", added ? "Added" :
			    "Changed (replaced from its file)", n);
		if (!n)
			continue;
		strbuf_addf(sb, "<ul class=\"%s\">\n", added ? "added" :
			    "changed");
		for (size_t i = 0; i < res->n; i++)
			if (res->added[i] == added) {
				strbuf_addstr(sb, "<li>");
				deal_link(sb, res->slug[i]);
				strbuf_addstr(sb, "</li>\n");
			}
		strbuf_addstr(sb, "</ul>\n");
	}
}

void
pages_import_plans_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { .id = "import-plans", .error_field = "plans" };
	struct plan_upload up = { 0 };
	struct import_plans in = { 0 };
	struct import_plans_result res = { 0 };
	struct tw_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const struct multipart_part *pt;
	size_t at = 0, n = 0;
	int r;

	if (!upload_parse(rq, rs))
		return;
	fm.input = &rq->form;
	up.part = xcalloc(rq->upload.n + 1, sizeof(*up.part));
	up.names = xcalloc(rq->upload.n + 1, sizeof(*up.names));
	while ((pt = http_upload_file(rq, "plans", &at)))
		if (*pt->filename || pt->len) {
			up.names[n] = *pt->filename ? pt->filename : "plan";
			up.part[n++] = pt;
		}
	if (!n) {
		fm.error = "choose at least one plan file";
		render_import(rq, rs, 422, &fm, NULL);
		goto out;
	}
	in.n = n;
	in.names = up.names;
	in.load = load_part;
	in.load_arg = &up;
	r = store_import_plans(rq->st, &in, &res, &err);
	if (r == TW_EINPUT) {
		fm.error = err.msg;
		strbuf_addstr(&sb, "<p class=\"notice error\">Nothing was "
			      "imported.</p>\n");
		if (res.nerrors > 1)
			strbuf_addstr(&sb, "<ul class=\"errors\">\n");
		for (size_t i = 0; res.nerrors > 1 && i < res.nkept; i++) {
			strbuf_addstr(&sb, "<li>");
			html_escape(&sb, res.errors[i]);
			strbuf_addstr(&sb, "</li>\n");
		}
		if (res.nerrors > 1)
			strbuf_addstr(&sb, "</ul>\n");
		render_import(rq, rs, 422, &fm, &sb);
	} else if (r < 0) {
		page_fail(rq, rs, r, &err);
	} else {
		page_begin(&sb, rq, "Imported", NAV_NONE);
		strbuf_addf(&sb, "<h1>Imported %zu deal%s</h1>\n<p role=\"status\" "
			    "class=\"notice\">%zu new, %zu replaced.</p>\n",
			    n, n == 1 ? "" : "s", res.created,
			    n - res.created);
		plans_result(&sb, &res);
		strbuf_addstr(&sb, "<p><a href=\"/import\">Import more</a> · "
			      "<a href=\"/\">Pipeline</a></p>\n");
		page_end(&sb);
		page_send(rs, 200, &sb);
	}
out:
	import_plans_result_release(&res);
	strbuf_release(&sb);
	free(up.part);
	free(up.names);
}

/* ---- CRM exports --------------------------------------------------------------- */

static void
bad_rows(struct strbuf *sb, const struct crm_import *imp, const char *title)
{
	static const char *const cols[] = { "#Line", "Column", "Reason", NULL };
	char line[32];

	strbuf_addf(sb, "<h2 id=\"rejected\">%s: %zu</h2>\n", title, imp->nbad);
	if (!imp->nbad)
		return;
	page_table_open(sb, NULL, cols);
	for (size_t i = 0; i < imp->nbad; i++) {
		snprintf(line, sizeof(line), "%zu", imp->bad[i].line);
		strbuf_addstr(sb, "<tr>");
		page_td(sb, "Line", "num", line);
		page_td(sb, "Column", NULL,
			imp->bad[i].column ? imp->bad[i].column : "");
		page_td(sb, "Reason", "wide", imp->bad[i].message);
		strbuf_addstr(sb, "</tr>\n");
	}
	page_table_close(sb);
}

static void
crm_rows(struct strbuf *sb, const struct import_crm_result *res,
	 enum import_action which, const char *title)
{
	strbuf_addf(sb, "<h2>%s: %zu</h2>\n", title, res->count[which]);
	if (!res->count[which])
		return;
	strbuf_addstr(sb, "<ul>\n");
	for (size_t i = 0; i < res->imp.nrows; i++) {
		if (res->action[i] != which)
			continue;
		strbuf_addf(sb, "<li>line %zu, record ", res->imp.rows[i].line);
		html_escape(sb, res->imp.rows[i].deal.crm_id);
		strbuf_addstr(sb, ": ");
		deal_link(sb, res->slug[i]);
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ul>\n");
}

static const struct multipart_part *
chosen_file(const struct http_request *rq, const char *name)
{
	const struct multipart_part *pt = http_upload_file(rq, name, NULL);

	return pt && (*pt->filename || pt->len) ? pt : NULL;
}

void
pages_import_crm_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { .id = "import-crm" };
	struct import_crm in = { 0 };
	struct import_crm_result res = { 0 };
	struct tw_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const struct multipart_part *file, *map;
	const char *vendor, *order, *skip;
	int r;

	if (!upload_parse(rq, rs))
		return;
	fm.input = &rq->form;
	vendor = http_params_get(&rq->form, "vendor");
	order = http_params_get(&rq->form, "date_order");
	skip = http_params_get(&rq->form, "skip_bad");
	file = chosen_file(rq, "file");
	map = chosen_file(rq, "map");
	if (!vendor || crm_vendor_parse(vendor, &in.vendor) < 0) {
		fm.error = "choose Salesforce or HubSpot";
		fm.error_field = "vendor";
	} else if (order && *order && strcmp(order, "mdy") &&
		   strcmp(order, "dmy")) {
		fm.error = "choose month first or day first";
		fm.error_field = "date_order";
	} else if (!file) {
		fm.error = "choose the CRM export (CSV)";
		fm.error_field = "file";
	}
	if (fm.error) {
		render_import(rq, rs, 422, &fm, NULL);
		return;
	}
	in.name = *file->filename ? file->filename : "export.csv";
	in.data = file->data;
	in.len = file->len;
	if (map) {
		in.map_name = *map->filename ? map->filename : "mapping";
		in.map = map->data;
		in.map_len = map->len;
	}
	in.has_date_order = order && *order;
	in.date_order = order && !strcmp(order, "dmy") ? CRM_DMY : CRM_MDY;
	in.skip_bad = skip && *skip;
	r = store_import_crm(rq->st, &in, &res, &err);
	if (r == TW_EINPUT) {
		fm.error = res.action && res.imp.nbad
				   ? "bad rows, nothing imported: fix them, "
				     "or skip bad rows"
				   : err.msg;
		fm.error_field = "file";
		strbuf_addstr(&sb, "<p class=\"notice error\" role=\"alert\">");
		html_escape(&sb, err.msg);
		strbuf_addstr(&sb, "</p>\n");
		if (res.action)
			bad_rows(&sb, &res.imp, "Rejected rows");
		render_import(rq, rs, 422, &fm, &sb);
	} else if (r < 0) {
		page_fail(rq, rs, r, &err);
	} else {
		size_t good = res.count[IMPORT_NEW] +
			      res.count[IMPORT_UPDATED] +
			      res.count[IMPORT_UNCHANGED];

		page_begin(&sb, rq, "Imported", NAV_NONE);
		strbuf_addf(&sb, "<h1>Imported %zu row%s</h1>\n<p role=\"status\" "
			    "class=\"notice\">From ", good,
			    good == 1 ? "" : "s");
		html_escape(&sb, in.name);
		strbuf_addf(&sb, " (%s): %zu new, %zu updated, %zu unchanged"
			    "%s.</p>\n", crm_vendor_name(in.vendor),
			    res.count[IMPORT_NEW], res.count[IMPORT_UPDATED],
			    res.count[IMPORT_UNCHANGED],
			    res.imp.nbad ? ", the bad rows skipped" : "");
		if (res.imp.footer_lines)
			strbuf_addf(&sb, "<p>The report footer (%zu line%s "
				    "after the data) was skipped.</p>\n",
				    res.imp.footer_lines,
				    res.imp.footer_lines == 1 ? "" : "s");
		crm_rows(&sb, &res, IMPORT_NEW, "Added");
		crm_rows(&sb, &res, IMPORT_UPDATED, "Changed");
		bad_rows(&sb, &res.imp, "Rejected rows (skipped)");
		strbuf_addstr(&sb, "<p><a href=\"/import\">Import more</a> · "
			      "<a href=\"/\">Pipeline</a></p>\n");
		page_end(&sb);
		page_send(rs, 200, &sb);
	}
	import_crm_result_release(&res);
	strbuf_release(&sb);
}

/* ---- downloads ------------------------------------------------------------------ */

static void
send_download(struct http_response *rs, const char *type,
	      const char *filename, struct strbuf *sb)
{
	struct strbuf disp = STRBUF_INIT;

	http_send_strbuf(rs, 200, type, sb);
	strbuf_addf(&disp, "attachment; filename=\"%s\"", filename);
	http_response_header(rs, "Content-Disposition", disp.buf);
	strbuf_release(&disp);
}

static void
export_file(struct http_request *rq, struct http_response *rs,
	    const char *name)
{
	const struct csv_export_file *files = csv_export_files;
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal_list all;
	size_t i;
	int r;

	for (i = 0; i < CSV_EXPORT_NFILES && strcmp(files[i].name, name); i++)
		;
	if (i == CSV_EXPORT_NFILES) {
		page_error(rq, rs, 404, "no such export: deals.csv, "
			   "criteria.csv, events.csv, risks.csv, phases.csv, "
			   "playbook.csv or holidays.csv");
		return;
	}
	if ((r = store_deal_load_all(rq->st, &all, &err)) < 0) {
		page_fail(rq, rs, r, &err);
		return;
	}
	files[i].emit(all.items, all.n, &sb);
	send_download(rs, "text/csv; charset=utf-8", files[i].name, &sb);
	deal_list_release(&all);
	strbuf_release(&sb);
}

void
pages_export_csv(struct http_request *rq, struct http_response *rs)
{
	const char *name = http_param(rq, "file");

	export_file(rq, rs, name ? name : "deals.csv");
}

void
pages_plan_yaml(struct http_request *rq, struct http_response *rs)
{
	const char *slug = http_param(rq, "slug");
	struct strbuf sb = STRBUF_INIT, name = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct deal d;
	int r;

	deal_init(&d);
	if ((r = store_deal_get(rq->st, slug, &d, &err)) < 0) {
		page_fail(rq, rs, r, &err);
	} else {
		plan_emit(&d, &sb);
		strbuf_addf(&name, "%s.yaml", d.slug);
		send_download(rs, "application/yaml; charset=utf-8", name.buf,
			      &sb);
	}
	deal_release(&d);
	strbuf_release(&sb);
	strbuf_release(&name);
}

/* The links the pipeline and deal pages show (NULL slug: the pipeline). */
void
pages_import_links(struct strbuf *sb, const struct http_request *rq,
		   const char *slug)
{
	if (slug) {
		page_deal_path(sb, "<a class=\"button secondary\" "
			       "href=\"/deals/", slug,
			       "/plan.yaml\" download>Download the plan file"
			       "</a>\n");
		return;
	}
	strbuf_addstr(sb, "<a class=\"button secondary\" href=\"/export.csv\" "
		      "download>Export CSV</a>\n");
	if (page_can_edit(rq))
		strbuf_addstr(sb, "<a class=\"button secondary\" "
			      "href=\"/import\">Import</a>\n");
}

/* ---- holidays from a calendar ----------------------------------------------------- */

void
pages_ics_form(struct strbuf *sb, const struct http_request *rq,
	       const struct page_form *fm, const char *slug)
{
	static const struct page_form none = { .id = "ics" };
	struct strbuf action = STRBUF_INIT;

	if (!fm)
		fm = &none;
	if (slug)
		page_deal_path(&action, "/deals/", slug, "/holidays/import");
	else
		strbuf_addstr(&action, "/settings/holidays/import");
	upload_open(sb, rq, action.buf, "ics-form",
		    "Import holidays from a calendar");
	page_form_summary(sb, fm, "Not imported");
	page_form_input(sb, fm, &(struct page_input){
		.name = "calendar", .label = "Calendar file (.ics)",
		.type = "file", .required = true,
		.attrs = "accept=\".ics,text/calendar\"",
		.hint = slug ? "The all-day events become this deal's "
			       "holidays (the prospect's country, say)."
			     : "The all-day events become workspace "
			       "holidays." });
	page_form_input(sb, fm, &(struct page_input){
		.name = "years", .label = "Years", .type = "text",
		.hint = "FROM-TO (2026-2030) or one year; empty: this year "
			"and the next four." });
	page_form_close(sb, "Import holidays", NULL);
	strbuf_release(&action);
}

static void
ics_refused(struct http_request *rq, struct http_response *rs,
	    struct page_form *fm, const char *slug)
{
	struct strbuf sb = STRBUF_INIT;

	page_begin(&sb, rq, "Holidays not imported", slug ? NAV_NONE
							  : NAV_SETTINGS);
	strbuf_addstr(&sb, "<h1>Holidays not imported</h1>\n<p class=\"notice "
		      "error\">Nothing was changed.</p>\n");
	pages_ics_form(&sb, rq, fm, slug);
	if (slug)
		page_deal_path(&sb, "<p><a href=\"/deals/", slug,
			       "/edit#holidays\">Back to the deal</a></p>\n");
	else
		strbuf_addstr(&sb, "<p><a href=\"/settings#holidays\">Back to "
			      "the settings</a></p>\n");
	page_end(&sb);
	page_send(rs, 422, &sb);
}

/*
 * POST /settings/holidays/import (the workspace's, as techwin config
 * holidays import) and /deals/{slug}/holidays/import (the deal's, the
 * V_HOLIDAYS verb, as techwin deal holidays import).
 */
void
pages_holidays_import_post(struct http_request *rq, struct http_response *rs)
{
	struct page_form fm = { .id = "ics", .error_field = "calendar" };
	const char *slug = http_param(rq, "slug");
	struct ics_holidays cal = { 0 };
	struct tw_error err = { 0 };
	struct strbuf loc = STRBUF_INIT;
	const struct multipart_part *pt;
	struct verb_result res = { 0 };
	struct verb_call c;
	const char *years, *name;
	size_t added = 0;
	int from, to, r;

	if (!upload_parse(rq, rs))
		return;
	fm.input = &rq->form;
	years = http_params_get(&rq->form, "years");
	pt = chosen_file(rq, "calendar");
	if (!pt) {
		fm.error = "choose a calendar file (.ics)";
		ics_refused(rq, rs, &fm, slug);
		return;
	}
	name = *pt->filename ? pt->filename : "calendar.ics";
	r = ics_years_parse(years && *years ? years : NULL, "years", rq->today,
			    &from, &to, &err);
	if (r < 0)
		fm.error_field = "years";
	else
		r = ics_holidays_read(pt->data, pt->len, name, from, to, &cal,
				      &err);
	verb_call_init(&c, V_HOLIDAYS, NULL);
	if (r == 0 && slug) {
		c.days = cal.days;
		c.ndays = cal.n;
		r = page_run_verb(rq, &c, &res, &err);
		added = res.added;
	} else if (r == 0) {
		r = workspace_add_holidays(rq->st, cal.days, cal.n, &added,
					   &err);
	}
	if (r == TW_EINPUT || r == TW_EUSAGE) {
		fm.error = err.msg;
		ics_refused(rq, rs, &fm, slug);
	} else if (r < 0) {
		page_fail(rq, rs, r, &err);
	} else {
		if (slug)
			page_deal_path(&loc, "/deals/", slug, "/edit");
		else
			strbuf_addstr(&loc, "/settings");
		strbuf_addf(&loc, "?added=%zu#holidays", added);
		http_redirect(rs, 303, loc.buf);
	}
	verb_call_release(&c);
	ics_holidays_release(&cal);
	strbuf_release(&loc);
}
