/*
 * The JSON API's imports, for editors: plan files and a CRM export sent as
 * JSON text, run by the import `techwin import` and the /import page run
 * (store/import.h), so all of it is written or none. The answers are
 * techwin import --json's (import_plans_to_json, import_crm_to_json).
 * And a deal's holidays, as dates or from a calendar's text, added by the
 * verb techwin deal holidays import runs (V_HOLIDAYS). Uploads: their
 * body may be as large as the server's upload_max.
 */
#include "web/api.h"
#include "web/api-body.h"
#include "core/actions.h"
#include "formats/ics-holidays.h"
#include "formats/json.h"
#include "formats/plan.h"
#include "store/deals.h"
#include "store/import.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const char *const no_query[] = { NULL };

/* ---- plan files ------------------------------------------------------------- */

struct plan_texts {
	json_t *files;
};

static int
load_text(void *arg, size_t i, struct strbuf *out, struct tw_error *err)
{
	const struct plan_texts *pt = arg;
	json_t *text = json_object_get(json_array_get(pt->files, i), "text");
	size_t len = json_string_length(text);

	if (len > PLAN_MAX_BYTES)
		return tw_error_set(err, TW_EINPUT, "files[%zu] is larger than "
				    "%d MiB, the limit for a plan file", i,
				    PLAN_MAX_BYTES >> 20);
	strbuf_add(out, json_string_value(text), len);
	return 0;
}

/*
 * POST /api/import/plans {"files": [{"name", "text"}, ...]}: each text a
 * plan file, named for messages.
 */
static void
import_plans(struct http_request *rq, struct http_response *rs)
{
	static const char *const top[] = { "files", NULL };
	static const char *const member[] = { "name", "text", NULL };
	struct plan_texts pt;
	struct import_plans in = { 0 };
	struct import_plans_result res = { 0 };
	struct tw_error err = { 0 };
	char **names = NULL;
	json_t *body, *f;
	size_t i, n;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	pt.files = json_object_get(body, "files");
	n = json_array_size(pt.files);
	if (!api_only_members(rs, body, top))
		goto out;
	if (!json_is_array(pt.files) || !n) {
		http_error(rs, 422, "files", "expected {\"files\": [{\"name\", "
			   "\"text\"}, ...]}, at least one");
		goto out;
	}
	names = xcalloc(n, sizeof(*names));
	json_array_foreach(pt.files, i, f) {
		const char *name;
		char field[48];

		snprintf(field, sizeof(field), "files[%zu]", i);
		if (!json_is_object(f) || !api_only_members(rs, f, member) ||
		    !json_is_string(json_object_get(f, "text")) ||
		    !api_opt_string(rs, f, "name", &name)) {
			if (!rs->status)
				http_error(rs, 422, field, "%s: expected "
					   "{\"name\": string, \"text\": "
					   "string}", field);
			goto out;
		}
		/* Unnamed: "files[i]", kept in the body so it lives as long. */
		if (!name)
			json_object_set_new(f, "name", json_string(field));
		names[i] = (char *)json_string_value(json_object_get(f, "name"));
	}
	in.n = n;
	in.names = names;
	in.load = load_text;
	in.load_arg = &pt;
	r = store_import_plans(rq->st, &in, &res, &err);
	if (r < 0)
		http_fail(rs, r, &err, "files");
	else
		http_send_json(rs, 200, import_plans_to_json(&res));
	import_plans_result_release(&res);
out:
	free(names);
	json_decref(body);
}

/* ---- CRM exports ---------------------------------------------------------- */

/*
 * POST /api/import/crm {"vendor": "salesforce"|"hubspot", "csv", "name",
 * "map" (a mapping file's text), "date_order": "mdy"|"dmy", "skip_bad"}.
 * Bad rows without skip_bad: 422 with the summary under "import".
 */
static void
import_crm(struct http_request *rq, struct http_response *rs)
{
	static const char *const top[] = { "vendor", "csv", "name", "map",
					   "date_order", "skip_bad", NULL };
	struct import_crm in = { 0 };
	struct import_crm_result res = { 0 };
	struct tw_error err = { 0 };
	const char *vendor, *csv, *name, *map, *order;
	json_t *body, *skip;
	int r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	skip = json_object_get(body, "skip_bad");
	if (!api_only_members(rs, body, top) ||
	    !api_opt_string(rs, body, "vendor", &vendor) ||
	    !api_opt_string(rs, body, "csv", &csv) ||
	    !api_opt_string(rs, body, "name", &name) ||
	    !api_opt_string(rs, body, "map", &map) ||
	    !api_opt_string(rs, body, "date_order", &order))
		goto out;
	if (!vendor || crm_vendor_parse(vendor, &in.vendor) < 0) {
		http_error(rs, 422, "vendor", "vendor: expected \"salesforce\" "
			   "or \"hubspot\"");
		goto out;
	}
	if (!csv) {
		http_error(rs, 422, "csv", "csv: expected the export's text");
		goto out;
	}
	if (order && strcmp(order, "mdy") && strcmp(order, "dmy")) {
		http_error(rs, 422, "date_order", "date_order: expected "
			   "\"mdy\" or \"dmy\"");
		goto out;
	}
	if (skip && !json_is_boolean(skip)) {
		http_error(rs, 422, "skip_bad", "skip_bad: expected a boolean");
		goto out;
	}
	in.name = name ? name : "export.csv";
	in.data = csv;
	in.len = json_string_length(json_object_get(body, "csv"));
	if (map) {
		in.map_name = "map";
		in.map = map;
		in.map_len = strlen(map);
	}
	in.has_date_order = order != NULL;
	in.date_order = order && !strcmp(order, "dmy") ? CRM_DMY : CRM_MDY;
	in.skip_bad = json_is_true(skip);
	r = store_import_crm(rq->st, &in, &res, &err);
	if (r == TW_EINPUT && res.action) {
		json_t *o = json_object(), *e = json_object();

		json_object_set_new(e, "code", json_string("invalid"));
		json_object_set_new(e, "message", json_string(err.msg));
		json_object_set_new(e, "field", json_string("csv"));
		json_object_set_new(o, "error", e);
		json_object_set_new(o, "import",
				    import_crm_to_json(&res, in.name, NULL));
		http_send_json(rs, 422, o);
	} else if (r < 0) {
		http_fail(rs, r, &err, "csv");
	} else {
		http_send_json(rs, 200, import_crm_to_json(&res, in.name, NULL));
	}
	import_crm_result_release(&res);
out:
	json_decref(body);
}

/* ---- a deal's holidays ---------------------------------------------------- */

/*
 * POST /api/deals/{slug}/holidays {"days": [...]} or {"calendar": the
 * text of an .ics file, "years": "FROM-TO"}: 200 {"deal", "added",
 * "present"} (and, from a calendar, "from_year", "to_year",
 * "skipped_events"), as techwin deal holidays import --json says it.
 */
static void
holidays_import(struct http_request *rq, struct http_response *rs)
{
	static const char *const top[] = { "days", "calendar", "years",
					   NULL };
	const char *slug = http_param(rq, "slug"), *text, *years;
	struct ics_holidays cal = { 0 };
	struct tw_error err = { 0 };
	struct verb_result res = { 0 };
	struct verb_call c;
	struct validation_site site = { ENT_DEAL, 0, NULL };
	struct deal_ctx ctx;
	const char *field;
	json_t *body, *o;
	tw_date *days = NULL;
	size_t n = 0;
	int from = 0, to = 0, r;

	if (!api_check_query(rq, rs, no_query) ||
	    !(body = http_json_object(rq, rs, false)))
		return;
	if (!api_only_members(rs, body, top) ||
	    !api_opt_string(rs, body, "calendar", &text) ||
	    !api_opt_string(rs, body, "years", &years))
		goto out;
	if (!text == !json_object_get(body, "days") ||
	    (years && !text)) {
		http_error(rs, 422, text ? "days" : "calendar", "expected "
			   "{\"days\": [\"YYYY-MM-DD\", ...]} or "
			   "{\"calendar\": \"BEGIN:VCALENDAR...\", "
			   "\"years\": \"FROM-TO\"}");
		goto out;
	}
	if (text) {
		field = "years";
		/* The CLI's usage error (--years) is a body's bad field. */
		if (ics_years_parse(years, "years", rq->today, &from, &to,
				    &err) < 0)
			r = err.code = TW_EINPUT;
		else
			r = 0;
		if (r == 0) {
			field = "calendar";
			r = ics_holidays_read(text, strlen(text), "calendar",
					      from, to, &cal, &err);
		}
	} else {
		field = "days";
		r = api_read_days(json_object_get(body, "days"), &days, &n,
				  &err);
	}
	if (r < 0) {
		http_fail(rs, r, &err, field);
		goto out;
	}
	verb_call_init(&c, V_HOLIDAYS, NULL);
	c.days = text ? cal.days : days;
	c.ndays = text ? cal.n : n;
	deal_ctx_init(&ctx, rq->today, rq->who.name);
	r = store_run_verb(rq->st, slug, &c, &ctx, &res, &site, &err);
	if (r < 0) {
		http_fail(rs, r, &err, r == TW_ENOTFOUND ? NULL : field);
	} else {
		o = json_object();
		json_object_set_new(o, "deal", json_string(slug));
		if (text) {
			json_object_set_new(o, "from_year", json_integer(from));
			json_object_set_new(o, "to_year", json_integer(to));
			json_object_set_new(o, "skipped_events",
				json_integer((json_int_t)cal.skipped));
		}
		json_object_set_new(o, "added",
				    json_integer((json_int_t)res.added));
		json_object_set_new(o, "present",
				    json_integer((json_int_t)(c.ndays -
							      res.added)));
		http_send_json(rs, 200, o);
	}
	verb_call_release(&c);
	deal_ctx_release(&ctx);
out:
	free(days);
	ics_holidays_release(&cal);
	json_decref(body);
}

const struct route import_api_routes[] = {
	{ "POST", "/api/import/plans", import_plans, ROLE_EDITOR,
	  ROUTE_UPLOAD },
	{ "POST", "/api/import/crm", import_crm, ROLE_EDITOR, ROUTE_UPLOAD },
	{ "POST", "/api/deals/{slug}/holidays", holidays_import, ROLE_EDITOR,
	  ROUTE_UPLOAD },
	{ NULL, NULL, NULL, 0, 0 },
};
