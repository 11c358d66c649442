/*
 * The JSON names of every domain object, in one place.
 */
#include "formats/json.h"
#include "core/criterion.h"
#include "core/risk.h"
#include "core/schema.h"

#include <math.h>
#include <stdlib.h>

/*
 * Percentages come out of divisions: 800 against 1000 gives
 * -19.999999999999996. Values within a relative 1e-12 of an integer are that
 * integer, so JSON shows -20 rather than -20.0 or a string of nines.
 */
json_t *
json_num(double d)
{
	double r = nearbyint(d);

	if (fabs(r) < 9007199254740992.0 &&
	    fabs(d - r) <= 1e-12 * fmax(1.0, fabs(d)))
		return json_integer((json_int_t)r);
	return json_real(d);
}

json_t *
json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *
json_date(tw_date d)
{
	char buf[DATE_BUFSZ];

	return d == DATE_NONE ? json_null() : json_string(date_format(d, buf));
}

static json_t *
json_duration(const struct duration *dur)
{
	char buf[DURATION_BUFSZ];

	return json_string(duration_format(dur, buf));
}

json_t *
field_to_json(const struct field *f, const void *obj)
{
	const void *p = fptr(f, obj);
	size_t n;
	char *const *l;
	json_t *a;

	if (!field_present(f, obj))
		return f->type == F_LIST ? json_array() : json_null();
	switch (f->type) {
	case F_STR:
		return json_string(*(char *const *)p);
	case F_INT:
	case F_INT_OPT:
		return json_integer(*(const int *)p);
	case F_REAL:
	case F_REAL_OPT:
		return json_num(*(const double *)p);
	case F_BOOL:
		return json_boolean(*(const bool *)p);
	case F_DATE:
		return json_date(*(const tw_date *)p);
	case F_DUR:
	case F_DUR_OPT:
		return json_duration(p);
	case F_ENUM:
		return json_string(f->en->name(fenum(f, obj)));
	case F_LIST:
		a = json_array();
		l = flist(f, obj, &n);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_string(l[i]));
		return a;
	}
	return json_null();
}

/* Every field of tb in obj onto o, by JSON name, in schema order. */
static json_t *
fields_to_json(json_t *o, const struct schema_table *tb, const void *obj)
{
	for (size_t i = 0; i < tb->nfields; i++)
		json_object_set_new(o, field_json_name(&tb->fields[i]),
				    field_to_json(&tb->fields[i], obj));
	return o;
}

json_t *
deal_to_json(const struct deal *d)
{
	json_t *o = json_object();

	json_object_set_new(o, "slug", json_str(d->slug));
	return fields_to_json(o, &schema_deal, d);
}

static json_t *
json_tristate(enum tristate t)
{
	return t == TRI_NULL ? json_null() : json_boolean(t == TRI_TRUE);
}

/* The stored fields, then what they mean. */
json_t *
criterion_to_json(const struct criterion *c)
{
	struct criterion_eval ev;
	json_t *o = fields_to_json(json_object(), &schema_tables[T_CRITERION],
				   c);

	criterion_evaluate(c, &ev);
	json_object_set_new(o, "status",
			    json_string(crit_status_name(ev.status)));
	json_object_set_new(o, "headroom_pct",
			    ev.has_headroom ? json_num(ev.headroom_pct)
					    : json_null());
	json_object_set_new(o, "growth_capacity_pct",
			    ev.has_growth_capacity
				    ? json_num(ev.growth_capacity_pct)
				    : json_null());
	json_object_set_new(o, "scales", json_tristate(ev.scales));
	return o;
}

json_t *
event_to_json(const struct event *e)
{
	return fields_to_json(json_object(), &schema_tables[T_EVENT], e);
}

json_t *
risk_to_json(const struct deal *d, const struct risk *r, tw_date today,
	     const struct holidays *h)
{
	struct risk_eval ev;
	json_t *o = fields_to_json(json_object(), &schema_tables[T_RISK], r);

	risk_evaluate_deal(d, r, today, h, &ev);
	json_object_set_new(o, "go_live_by", json_date(ev.go_live_by));
	json_object_set_new(o, "latest_start", json_date(ev.latest_start));
	json_object_set_new(o, "slack_days", json_integer(ev.slack_days));
	json_object_set_new(o, "at_risk", json_boolean(ev.at_risk));
	json_object_set_new(o, "sign_by", json_date(ev.sign_by));
	json_object_set_new(o, "review_by", json_date(ev.review_by));
	return o;
}

json_t *
phase_to_json(const struct phase *p)
{
	return fields_to_json(json_object(), &schema_tables[T_PHASE], p);
}

json_t *
child_to_json(size_t table, const struct deal *d, size_t i, tw_date today,
	      const struct holidays *h)
{
	switch (table) {
	case T_CRITERION:
		return criterion_to_json(&d->criteria[i]);
	case T_EVENT:
		return event_to_json(&d->events[i]);
	case T_RISK:
		return risk_to_json(d, &d->risks[i], today, h);
	case T_PHASE:
		return phase_to_json(&d->phases[i]);
	default:
		return fields_to_json(json_object(), &schema_tables[table],
				      schema_tables[table].at(d, i));
	}
}

json_t *
playbook_to_json(const struct step *steps, size_t n, bool set)
{
	json_t *o = json_object(), *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, fields_to_json(json_object(),
							&schema_tables[T_STEP],
							&steps[i]));
	json_object_set_new(o, "source", json_string(set ? "set"
							  : "default"));
	json_object_set_new(o, "playbook", a);
	return o;
}

json_t *
deal_full_to_json(const struct deal *d, tw_date today,
		  const struct holidays *hol)
{
	struct holidays h = hol ? *hol : deal_holidays(d);
	json_t *o = deal_to_json(d);
	json_t *a;

	a = json_array();
	for (size_t i = 0; i < d->nholidays; i++)
		json_array_append_new(a, json_date(d->holidays[i]));
	json_object_set_new(o, "holidays", a);
	a = json_array();
	for (size_t i = 0; i < d->ncriteria; i++)
		json_array_append_new(a, criterion_to_json(&d->criteria[i]));
	json_object_set_new(o, "criteria", a);
	a = json_array();
	for (size_t i = 0; i < d->nevents; i++)
		json_array_append_new(a, event_to_json(&d->events[i]));
	json_object_set_new(o, "events", a);
	a = json_array();
	for (size_t i = 0; i < d->nrisks; i++)
		json_array_append_new(a,
				      risk_to_json(d, &d->risks[i], today, &h));
	json_object_set_new(o, "risks", a);
	a = json_array();
	for (size_t i = 0; i < d->nphases; i++)
		json_array_append_new(a, phase_to_json(&d->phases[i]));
	json_object_set_new(o, "phases", a);
	return o;
}

json_t *
history_entry_to_json(const struct history_entry *h)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(h->id));
	json_object_set_new(o, "at", json_str(h->at));
	json_object_set_new(o, "actor", json_str(h->actor));
	json_object_set_new(o, "deal", json_str(h->deal));
	json_object_set_new(o, "entity", json_str(h->entity));
	json_object_set_new(o, "key", json_str(h->key));
	json_object_set_new(o, "field", json_str(h->field));
	json_object_set_new(o, "old", json_str(h->old_value));
	json_object_set_new(o, "new", json_str(h->new_value));
	return o;
}

json_t *
share_to_json(const struct store_share *sh, tw_date today)
{
	json_t *o = json_object();

	/* Never the hash: the token cannot be shown again. */
	json_object_set_new(o, "id", json_integer((json_int_t)sh->id));
	json_object_set_new(o, "deal", json_str(sh->deal));
	json_object_set_new(o, "expires", json_date(sh->expires));
	json_object_set_new(o, "status",
			    json_string(store_share_status(sh, today)));
	json_object_set_new(o, "created", json_str(sh->created));
	json_object_set_new(o, "views", json_integer(sh->views));
	json_object_set_new(o, "last_viewed", json_str(sh->last_viewed));
	return o;
}

json_t *
user_to_json(const struct store_user *u, size_t ntokens)
{
	json_t *o = json_object();

	/* Never the hash: it is all an offline guesser would need. */
	json_object_set_new(o, "name", json_str(u->name));
	json_object_set_new(o, "role", json_str(u->role));
	json_object_set_new(o, "tokens", json_integer((json_int_t)ntokens));
	json_object_set_new(o, "created", json_str(u->created));
	json_object_set_new(o, "email", json_str(u->email));
	json_object_set_new(o, "full_name", json_str(u->full_name));
	return o;
}

json_t *
token_to_json(const struct store_token *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_str(t->name));
	json_object_set_new(o, "user", json_str(t->user));
	json_object_set_new(o, "created", json_str(t->created));
	return o;
}

/* ---- imports ---------------------------------------------------------- */

static void
set_count(json_t *o, const char *key, size_t n)
{
	json_object_set_new(o, key, json_integer((json_int_t)n));
}

json_t *
import_crm_to_json(const struct import_crm_result *run, const char *file,
	     const char *reject)
{
	static const char *const names[] = { "new", "updated", "unchanged",
					     "bad" };
	const struct crm_import *imp = &run->imp;
	json_t *o = json_object(), *rows = json_array(), *bad = json_array();
	json_t *a;

	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "source",
			    json_string(crm_vendor_name(run->vendor)));
	set_count(o, "imported", run->count[IMPORT_NEW] + run->count[IMPORT_UPDATED] +
					 run->count[IMPORT_UNCHANGED]);
	set_count(o, "new", run->count[IMPORT_NEW]);
	set_count(o, "updated", run->count[IMPORT_UPDATED]);
	set_count(o, "unchanged", run->count[IMPORT_UNCHANGED]);
	set_count(o, "bad", imp->nbad);
	set_count(o, "footer_lines", imp->footer_lines);
	json_object_set_new(o, "reject_file", json_str(reject));
	a = json_array();
	for (size_t i = 0; i < imp->nunmapped; i++)
		json_array_append_new(a, json_string(imp->unmapped[i]));
	json_object_set_new(o, "unmapped_columns", a);
	for (size_t i = 0; i < imp->nrows; i++) {
		const struct crm_row *row = &imp->rows[i];
		json_t *r;

		if (run->action[i] == IMPORT_BAD)
			continue;
		r = json_object();
		set_count(r, "line", row->line);
		json_object_set_new(r, "crm_id", json_string(row->deal.crm_id));
		json_object_set_new(r, "slug", json_str(run->slug[i]));
		json_object_set_new(r, "action",
				    json_string(names[run->action[i]]));
		json_array_append_new(rows, r);
	}
	json_object_set_new(o, "deals", rows);
	for (size_t i = 0; i < imp->nbad; i++) {
		json_t *b = json_object();

		set_count(b, "line", imp->bad[i].line);
		json_object_set_new(b, "column", json_str(imp->bad[i].column));
		json_object_set_new(b, "error",
				    json_string(imp->bad[i].message));
		json_array_append_new(bad, b);
	}
	json_object_set_new(o, "bad_rows", bad);
	return o;
}

json_t *
import_plans_to_json(const struct import_plans_result *res)
{
	json_t *o = json_object(), *rows = json_array();

	set_count(o, "imported", res->n);
	set_count(o, "new", res->created);
	set_count(o, "replaced", res->n - res->created);
	for (size_t i = 0; i < res->n; i++) {
		json_t *r = json_object();

		json_object_set_new(r, "slug", json_string(res->slug[i]));
		json_object_set_new(r, "action", json_string(res->added[i]
							     ? "new"
							     : "replaced"));
		json_array_append_new(rows, r);
	}
	json_object_set_new(o, "deals", rows);
	return o;
}

void
json_emit(json_t *j, struct strbuf *out)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));

	if (s) {
		strbuf_addstr(out, s);
		strbuf_addch(out, '\n');
		free(s);
	}
	json_decref(j);
}

static int
add_text(const char *buf, size_t len, void *arg)
{
	strbuf_add(arg, buf, len);
	return 0;
}

void
json_emit_compact(json_t *j, struct strbuf *out)
{
	json_dump_callback(j, add_text, out, JSON_COMPACT | JSON_SORT_KEYS |
			   JSON_REAL_PRECISION(15));
	json_decref(j);
}

json_t *
commercial_plan_to_json(const struct commercial_plan *p)
{
	json_t *o = json_object(), *a = json_array();

	json_object_set_new(o, "technical_win_date",
			    json_date(p->technical_win));
	for (size_t i = 0; i < p->nblocking; i++)
		json_array_append_new(a, json_string(p->blocking[i]));
	json_object_set_new(o, "blocking", a);
	a = json_array();
	for (size_t i = 0; i < p->nsteps; i++) {
		json_t *s = json_object();

		json_object_set_new(s, "title", json_str(p->steps[i].title));
		json_object_set_new(
			s, "kind",
			json_string(event_kind_name(p->steps[i].kind)));
		json_object_set_new(s, "date", json_date(p->steps[i].date));
		json_object_set_new(s, "key", json_str(p->steps[i].key));
		json_object_set_new(s, "owner", json_str(p->steps[i].owner));
		json_array_append_new(a, s);
	}
	json_object_set_new(o, "steps", a);
	json_object_set_new(o, "contract_target",
			    json_date(p->contract_target));
	return o;
}

json_t *
finding_to_json(const char *slug, const struct finding *f)
{
	json_t *j = json_object();

	json_object_set_new(j, "deal", json_string(slug));
	json_object_set_new(j, "rule", json_string(f->rule));
	json_object_set_new(j, "severity",
			    json_string(severity_name(f->severity)));
	json_object_set_new(j, "snoozed", json_boolean(f->snoozed));
	json_object_set_new(j, "subject", json_string(f->subject));
	json_object_set_new(j, "message", json_string(f->message));
	json_object_set_new(j, "date", json_date(f->date));
	json_object_set_new(j, "acknowledged", json_boolean(f->acknowledged));
	json_object_set_new(j, "acknowledged_by",
			    f->acknowledged ? json_str(f->ack_by) : json_null());
	json_object_set_new(j, "acknowledged_until",
			    f->acknowledged ? json_date(f->ack_until)
					    : json_null());
	json_object_set_new(j, "acknowledged_reason",
			    f->acknowledged ? json_str(f->ack_reason)
					    : json_null());
	json_object_set_new(j, "first_seen", json_date(f->first_seen));
	return j;
}

json_t *
freshness_to_json(const char *slug, const struct momentum_report *r)
{
	json_t *j = json_object();

	json_object_set_new(j, "deal", json_string(slug));
	json_object_set_new(j, "technical_win", json_date(r->technical_win));
	json_object_set_new(j, "progress", json_date(r->progress));
	json_object_set_new(j, "score", json_num(r->freshness));
	return j;
}

json_t *
pipeline_check_to_json(const struct pipeline_check *pc)
{
	json_t *o = json_object(), *fa = json_array(), *sa = json_array();

	for (size_t i = 0; i < pc->nfindings; i++)
		json_array_append_new(fa, finding_to_json(
			pc->findings[i].deal->slug, pc->findings[i].f));
	for (size_t i = 0; i < pc->n; i++) {
		const struct pipeline_deal *pd = &pc->deals[i];

		if (pd->report.has_freshness)
			json_array_append_new(sa, freshness_to_json(
				pd->deal->slug, &pd->report));
	}
	json_object_set_new(o, "findings", fa);
	json_object_set_new(o, "freshness", sa);
	return o;
}

static json_t *
num_or_null(size_t n, double v)
{
	return n ? json_num(v) : json_null();
}

static json_t *
momentum_group_to_json(const struct momentum_group *g)
{
	json_t *o = json_object();
	double rate = g->n ? (double)g->won / (double)g->n : 0;

	json_object_set_new(o, "n", json_integer((json_int_t)g->n));
	json_object_set_new(o, "won", json_integer((json_int_t)g->won));
	json_object_set_new(o, "win_rate", num_or_null(g->n, rate));
	json_object_set_new(o, "median_days",
			    num_or_null(g->won_days.n, g->won_days.median));
	return o;
}

json_t *
cycle_report_to_json(const struct cycle_report *r)
{
	json_t *o = json_object(), *team = json_object(), *a, *m;
	const struct stats_summary *t = &r->team;

	json_object_set_new(team, "n", json_integer((json_int_t)t->n));
	json_object_set_new(team, "median_days", num_or_null(t->n, t->median));
	json_object_set_new(team, "mean_days", num_or_null(t->n, t->mean));
	json_object_set_new(team, "p25_days", num_or_null(t->n, t->p25));
	json_object_set_new(team, "p75_days", num_or_null(t->n, t->p75));
	json_object_set_new(team, "baseline_days",
			    num_or_null(r->has_baseline, r->baseline_days));
	json_object_set_new(team, "vs_baseline_days",
			    num_or_null(r->has_baseline && t->n,
					t->mean - r->baseline_days));
	json_object_set_new(o, "team", team);

	a = json_array();
	for (size_t i = 0; i < r->nse; i++) {
		const struct cycle_se *s = &r->by_se[i];
		json_t *e = json_object();

		json_object_set_new(e, "se", json_str(s->se));
		json_object_set_new(e, "n", json_integer((json_int_t)s->s.n));
		json_object_set_new(e, "median_days",
				    num_or_null(s->s.n, s->s.median));
		json_object_set_new(e, "mean_days",
				    num_or_null(s->s.n, s->s.mean));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "by_se", a);

	a = json_array();
	for (size_t i = 0; i < r->ndeals; i++) {
		const struct cycle_deal *c = &r->deals[i];
		json_t *e = json_object();

		json_object_set_new(e, "slug", json_str(c->deal->slug));
		json_object_set_new(e, "se", json_str(c->deal->se));
		json_object_set_new(e, "days_poc_to_close",
				    json_integer(c->days));
		json_object_set_new(e, "others_mean_days",
				    num_or_null(c->has_others, c->others_mean));
		json_object_set_new(e, "vs_team_mean_days",
				    num_or_null(c->has_others,
						c->vs_team_mean));
		json_object_set_new(e, "momentum", json_string(
				close_momentum_name(c->momentum)));
		json_object_set_new(e, "lost_rule", json_str(c->lost_rule));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "deals", a);

	m = json_object();
	json_object_set_new(m, "kept", momentum_group_to_json(&r->kept));
	json_object_set_new(m, "lost", momentum_group_to_json(&r->lost));
	json_object_set_new(m, "unknown", momentum_group_to_json(&r->unknown));
	json_object_set_new(o, "momentum", m);
	return o;
}
