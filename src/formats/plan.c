/*
 * YAML plan files (docs/plan-format.md). Parsing loads the document with
 * libyaml's document API, whose nodes keep their start marks, walks it with
 * one field table per entity (read by plan-read.c) and records where every
 * field was written, so that both type errors and deal_validate() errors
 * point at a line and column. Files in the plain subset of YAML that
 * techwin itself writes are first loaded into the same node tree by
 * formats/yaml-fast.h, in an eighth of libyaml's time; the rest, and every
 * file with an error, go through libyaml. Emission is plan-emit.c.
 */
#include "formats/plan.h"
#include "formats/plan-read.h"
#include "formats/yaml-fast.h"
#include "util/keymap.h"
#include "util/xalloc.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Enum names by index, NULL past the end, for FT_ENUM fields. */
static const char *
event_kind_at(int i)
{
	return i <= EVENT_COMMERCIAL ? event_kind_name((enum event_kind)i)
				     : NULL;
}

static const char *
risk_kind_at(int i)
{
	return i <= RISK_OTHER ? risk_kind_name((enum risk_kind)i) : NULL;
}

static const char *
side_at(int i)
{
	return i <= SIDE_BUYER ? event_side_name((enum event_side)i) : NULL;
}

static const char *
outcome_at(int i)
{
	return i <= OUTCOME_LOST ? outcome_name((enum outcome)i) : NULL;
}

/*
 * The field tables, one per mapping, in the order plan_emit() writes them.
 * Enums are read as int.
 */
_Static_assert(sizeof(enum event_kind) == sizeof(int) &&
	       sizeof(enum risk_kind) == sizeof(int) &&
	       sizeof(enum outcome) == sizeof(int), "enums are read as int");

/* deal: and its nested champion, poc and close mappings */

static const struct plan_field champion_fields[] = {
	{ .name = "name", .site = "champion.name", .type = FT_STR,
	  .off = offsetof(struct deal, champion) },
	{ .name = "email", .site = "champion.email", .type = FT_STR,
	  .off = offsetof(struct deal, champion_email) },
	{ 0 }
};

static const struct map_spec champion_spec = {
	.what = "champion",
	.fields = champion_fields,
	.record = true,
	.entity = ENT_DEAL,
};

static const struct plan_field poc_fields[] = {
	{ .name = "start", .site = "poc.start", .type = FT_DATE,
	  .off = offsetof(struct deal, poc_start) },
	{ .name = "end", .site = "poc.end", .type = FT_DATE,
	  .off = offsetof(struct deal, poc_end) },
	{ 0 }
};

static const struct map_spec poc_spec = {
	.what = "poc",
	.fields = poc_fields,
	.record = true,
	.entity = ENT_DEAL,
};

static const struct plan_field close_fields[] = {
	{ .name = "date", .site = "close.date", .type = FT_DATE,
	  .off = offsetof(struct deal, close_date) },
	{ .name = "outcome", .site = "close.outcome", .type = FT_ENUM,
	  .off = offsetof(struct deal, outcome), .names = outcome_at },
	{ 0 }
};

static const struct map_spec close_spec = {
	.what = "close",
	.fields = close_fields,
	.record = true,
	.entity = ENT_DEAL,
};

static const struct plan_field deal_fields[] = {
	FIELD(struct deal, "slug", FT_STR, slug),
	FIELD(struct deal, "account", FT_STR, account),
	FIELD(struct deal, "stage", FT_STR, stage),
	FIELD_HAS(struct deal, "value", FT_NUM, value, has_value),
	FIELD(struct deal, "currency", FT_STR, currency),
	FIELD(struct deal, "ae", FT_STR, ae),
	FIELD(struct deal, "se", FT_STR, se),
	FIELD_HAS(struct deal, "procurement_days", FT_INT, procurement_days,
		  has_procurement_days),
	{ .name = "champion", .type = FT_MAP, .map = &champion_spec },
	{ .name = "poc", .type = FT_MAP, .map = &poc_spec },
	{ .name = "close", .type = FT_MAP, .map = &close_spec },
	{ 0 }
};

static const struct map_spec deal_spec = {
	.what = "deal",
	.fields = deal_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_DEAL,
};

static int
holiday_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	tw_date day = DATE_NONE;
	int rc;

	if (plan_is_null(v))
		return plan_fail(ctx, v->start_mark,
				 "expected a date (YYYY-MM-DD) in 'holidays', "
				 "got null");
	if ((rc = plan_read_date(ctx, v, "holidays", &day)))
		return rc;
	plan_add_mark(ctx, ENT_HOLIDAY, i, "holidays", 0, v->start_mark);
	/* Sorted and deduplicated once all are read (parse_root). */
	ALLOC_GROW(ctx->d->holidays, ctx->d->nholidays + 1, ctx->aholidays);
	ctx->d->holidays[ctx->d->nholidays++] = day;
	return 0;
}

/* criteria: at_most and at_least set one direction and its number */

enum { CF_AT_MOST = 3, CF_AT_LEAST };
static const struct plan_field criterion_fields[] = {
	FIELD(struct criterion, "key", FT_STR, key),
	FIELD(struct criterion, "metric", FT_STR, metric),
	FIELD(struct criterion, "unit", FT_STR, unit),
	[CF_AT_MOST] = { .name = "at_most", .type = FT_OWN },
	[CF_AT_LEAST] = { .name = "at_least", .type = FT_OWN },
	FIELD_HAS(struct criterion, "measured", FT_NUM, measured,
		  has_measured),
	FIELD(struct criterion, "measured_on", FT_DATE, measured_on),
	FIELD_HAS(struct criterion, "growth_pct", FT_NUM, growth_pct,
		  has_growth),
	FIELD(struct criterion, "scales_with_load", FT_BOOL,
	      scales_with_load),
	FIELD(struct criterion, "outcome", FT_STR, outcome),
	{ 0 }
};

static int
criterion_direction(struct plan_ctx *ctx, void *obj, size_t index, int f,
		    yaml_node_t *v)
{
	struct criterion *c = obj;
	bool has = false;
	double x = 0;
	int rc;

	(void)index;
	if ((rc = plan_read_num(ctx, v, criterion_fields[f].name, &has, &x)))
		return rc;
	if (has) {
		c->direction = f == CF_AT_MOST ? DIR_AT_MOST : DIR_AT_LEAST;
		c->required = x;
	}
	return 0;
}

static const struct map_spec criterion_spec = {
	.what = "criterion",
	.fields = criterion_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_CRITERION,
	.own = criterion_direction,
};

/* Where the later of at_most and at_least, both given, was written. */
static yaml_mark_t
second_direction(struct plan_ctx *ctx, yaml_node_t *node)
{
	yaml_node_pair_t *p = node->data.mapping.pairs.start;
	yaml_mark_t mark = node->start_mark;

	for (; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = plan_node(ctx, p->key);
		yaml_node_t *v = plan_node(ctx, p->value);

		if ((plan_key_is(k, "at_most") || plan_key_is(k, "at_least")) &&
		    !plan_is_null(v))
			mark = v->start_mark;
	}
	return mark;
}

static int
criterion_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	struct criterion *c = deal_add_criterion(ctx->d);
	unsigned long long given;
	int n, rc;

	if ((rc = plan_read_map(ctx, v, &criterion_spec, i, c, "each criterion",
				&given)))
		return rc;
	n = (int)(given >> CF_AT_MOST & 1) + (int)(given >> CF_AT_LEAST & 1);
	if (n != 1)
		return plan_fail(ctx,
				 n ? second_direction(ctx, v) : v->start_mark,
				 "criterion %s needs exactly one of at_most or "
				 "at_least",
				 plan_label(ctx, c->key, i));
	return 0;
}

/* events: */

enum { EF_KIND = 1 };
static const struct plan_field event_fields[] = {
	FIELD(struct event, "key", FT_STR, key),
	[EF_KIND] = { .name = "kind", .type = FT_ENUM,
		      .off = offsetof(struct event, kind),
		      .names = event_kind_at },
	FIELD(struct event, "title", FT_STR, title),
	FIELD(struct event, "owner", FT_STR, owner),
	FIELD(struct event, "date", FT_DATE, date),
	FIELD(struct event, "done", FT_DATE, done),
	FIELD(struct event, "after", FT_STR, after),
	{ .name = "side", .type = FT_ENUM, .off = offsetof(struct event, side),
	  .names = side_at },
	FIELD(struct event, "internal", FT_BOOL, internal),
	FIELD(struct event, "step", FT_STR, step),
	{ 0 }
};

static const struct map_spec event_spec = {
	.what = "event",
	.fields = event_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_EVENT,
};

static int
event_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	struct event *e = deal_add_event(ctx->d);
	unsigned long long given;
	int rc;

	if ((rc = plan_read_map(ctx, v, &event_spec, i, e, "each event",
				&given)))
		return rc;
	/* No default: technical vs commercial drives the momentum check. */
	if (!(given >> EF_KIND & 1))
		return plan_fail(ctx, v->start_mark,
				 "event %s needs a kind (expected one of "
				 "technical, commercial)",
				 plan_label(ctx, e->key, i));
	return 0;
}

/* risks: */

static const struct plan_field risk_fields[] = {
	FIELD(struct risk, "key", FT_STR, key),
	FIELD(struct risk, "title", FT_STR, title),
	{ .name = "kind", .type = FT_ENUM, .off = offsetof(struct risk, kind),
	  .names = risk_kind_at },
	FIELD(struct risk, "deadline", FT_DATE, deadline),
	FIELD(struct risk, "buffer", FT_DUR, buffer),
	FIELD(struct risk, "duration", FT_DUR, duration),
	{ 0 }
};

static const struct map_spec risk_spec = {
	.what = "risk",
	.fields = risk_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_RISK,
};

static int
risk_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	struct risk *r = deal_add_risk(ctx->d);

	r->kind = RISK_OTHER;
	r->buffer.unit = DUR_DAYS;
	r->duration.unit = DUR_DAYS;
	return plan_read_map(ctx, v, &risk_spec, i, r, "each risk", NULL);
}

/* phases: */

/* criteria and risks: lists of keys (phase_fields[f] names which). */
static int
phase_keys(struct plan_ctx *ctx, void *obj, size_t index, int f,
	   yaml_node_t *v);

static const struct plan_field phase_fields[] = {
	{ .name = "number", .type = FT_INT,
	  .off = offsetof(struct phase, number) },
	FIELD(struct phase, "name", FT_STR, name),
	FIELD(struct phase, "scope", FT_STR, scope),
	FIELD_HAS(struct phase, "price", FT_NUM, price, has_price),
	FIELD(struct phase, "justification", FT_STR, justification),
	{ .name = "criteria", .type = FT_OWN },
	FIELD_HAS(struct phase, "duration", FT_DUR, duration, has_duration),
	FIELD(struct phase, "internal", FT_BOOL, internal),
	{ .name = "risks", .type = FT_OWN },
	{ 0 }
};

static int
phase_keys(struct plan_ctx *ctx, void *obj, size_t index, int f,
	   yaml_node_t *v)
{
	struct phase *p = obj;
	const char *field = phase_fields[f].name;
	bool risks = !strcmp(field, "risks");
	const char *what = risks ? "a risk key" : "a criterion key";
	char ***l = risks ? &p->risks : &p->criteria;
	size_t *n = risks ? &p->nrisks : &p->ncriteria;
	yaml_node_item_t *it;
	size_t alloc = *n;
	const char *s;
	int rc;

	if (plan_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return plan_fail(ctx, v->start_mark,
				 "expected a list of %ss for '%s', got %s",
				 what + 2, field, plan_excerpt(ctx, v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = plan_node(ctx, *it);

		if ((rc = plan_visit(ctx, item)))
			return rc;
		if (plan_is_null(item))
			return plan_fail(ctx, item->start_mark,
					 "expected %s in '%s', got null", what,
					 field);
		if ((rc = plan_get_scalar(ctx, item, field, what, &s)))
			return rc;
		ALLOC_GROW(*l, *n + 1, alloc);
		(*l)[(*n)++] = xstrdup(s);
		plan_add_mark(ctx, ENT_PHASE, index, field, *n,
			      item->start_mark);
	}
	return 0;
}

static const struct map_spec phase_spec = {
	.what = "phase",
	.fields = phase_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_PHASE,
	.own = phase_keys,
};

static int
phase_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	return plan_read_map(ctx, v, &phase_spec, i, deal_add_phase(ctx->d),
			     "each phase", NULL);
}

/* playbook: */

enum { SF_OFFSET = 1 };
static const struct plan_field step_fields[] = {
	FIELD(struct step, "title", FT_STR, title),
	[SF_OFFSET] = FIELD(struct step, "offset", FT_INT, offset),
	{ .name = "kind", .type = FT_ENUM, .off = offsetof(struct step, kind),
	  .names = event_kind_at },
	FIELD(struct step, "plus_procurement", FT_BOOL, plus_procurement),
	FIELD(struct step, "key", FT_STR, key),
	FIELD(struct step, "owner", FT_STR, owner),
	{ 0 }
};

static const struct map_spec step_spec = {
	.what = "playbook step",
	.fields = step_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_STEP,
};

static int
step_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	struct step *s = deal_add_step(ctx->d);
	unsigned long long given;
	int rc;

	/* Playbook steps are commercial unless they say otherwise. */
	s->kind = EVENT_COMMERCIAL;
	if ((rc = plan_read_map(ctx, v, &step_spec, i, s, "each playbook step",
				&given)))
		return rc;
	/* 0 is a valid offset, so a forgotten one must not default to it. */
	if (!(given >> SF_OFFSET & 1))
		return plan_fail(ctx, v->start_mark,
				 "playbook step %s needs an offset (business "
				 "days after the technical win)",
				 plan_label(ctx, s->title, i));
	return 0;
}

/* The top level: its object is the deal. */

static int
top_version(struct plan_ctx *ctx, void *obj, size_t index, int f,
	    yaml_node_t *v)
{
	bool has = false;
	int version = 0, rc;

	(void)obj;
	(void)index;
	(void)f;
	if ((rc = plan_read_int(ctx, v, "version", &has, &version)))
		return rc;
	if (!has)
		return plan_fail(ctx, v->start_mark,
				 "missing version (expected %d)", PLAN_VERSION);
	if (version != PLAN_VERSION)
		return plan_fail(ctx, v->start_mark,
				 "unsupported version %d (expected %d)",
				 version, PLAN_VERSION);
	return 0;
}

enum { TF_VERSION };
static const struct plan_field top_fields[] = {
	[TF_VERSION] = { .name = "version", .type = FT_OWN },
	{ .name = "deal", .type = FT_MAP, .map = &deal_spec },
	{ .name = "holidays", .type = FT_LIST, .item = holiday_item },
	{ .name = "criteria", .type = FT_LIST, .item = criterion_item },
	{ .name = "events", .type = FT_LIST, .item = event_item },
	{ .name = "risks", .type = FT_LIST, .item = risk_item },
	{ .name = "phases", .type = FT_LIST, .item = phase_item },
	{ .name = "playbook", .type = FT_LIST, .item = step_item },
	{ 0 }
};

const struct map_spec *
plan_entity_spec(enum entity_kind e)
{
	switch (e) {
	case ENT_DEAL:
		return &deal_spec;
	case ENT_CRITERION:
		return &criterion_spec;
	case ENT_EVENT:
		return &event_spec;
	case ENT_RISK:
		return &risk_spec;
	case ENT_PHASE:
		return &phase_spec;
	case ENT_STEP:
		return &step_spec;
	default:
		return NULL;
	}
}

static const struct map_spec top_spec = {
	.what = "plan",
	.fields = top_fields,
	.entity = ENT_DEAL,
	.own = top_version,
};

/* A playbook file: the playbook section alone. */
enum { PF_PLAYBOOK };
static const struct plan_field playbook_file_fields[] = {
	[PF_PLAYBOOK] = { .name = "playbook", .type = FT_LIST,
			  .item = step_item },
	{ 0 }
};

static const struct map_spec playbook_file_spec = {
	.what = "playbook file",
	.fields = playbook_file_fields,
	.entity = ENT_DEAL,
};

/*
 * The element of phase index's criteria (or risks) that deal_validate()
 * objected to: the same rule (unknown or repeated key), so the error
 * points at the item.
 */
static size_t
bad_phase_item(const struct deal *d, size_t index, bool risks)
{
	struct keymap known = KEYMAP_INIT, listed = KEYMAP_INIT;
	const struct phase *p;
	char *const *l;
	size_t bad = 0, n;

	if (index >= d->nphases)
		return 0;
	p = &d->phases[index];
	l = risks ? p->risks : p->criteria;
	n = risks ? p->nrisks : p->ncriteria;
	if (risks)
		for (size_t c = 0; c < d->nrisks; c++)
			keymap_add_str(&known, d->risks[c].key, c);
	else
		for (size_t c = 0; c < d->ncriteria; c++)
			keymap_add_str(&known, d->criteria[c].key, c);
	for (size_t j = 0; j < n && !bad; j++)
		if (keymap_get_str(&known, l[j]) == KEYMAP_NONE ||
		    keymap_add_str(&listed, l[j], j) != KEYMAP_NONE)
			bad = j + 1;
	keymap_release(&known);
	keymap_release(&listed);
	return bad;
}

/* Best mark for a validation site: the field, else the entity, else top. */
static yaml_mark_t
site_mark(struct plan_ctx *ctx, const struct validation_site *site)
{
	const struct mark_rec *field = NULL, *entity = NULL;
	size_t want = 0;

	if (site->entity == ENT_PHASE && site->field &&
	    (!strcmp(site->field, "criteria") || !strcmp(site->field, "risks")))
		want = bad_phase_item(ctx->d, site->index,
				      !strcmp(site->field, "risks"));
	for (size_t i = 0; i < ctx->nmarks; i++) {
		const struct mark_rec *m = &ctx->marks[i];

		if (m->entity != site->entity || m->index != site->index)
			continue;
		if (!m->field) {
			entity = m;
		} else if (site->field && !strcmp(m->field, site->field)) {
			if (m->item == want)
				return m->mark;
			if (!m->item)
				field = m;
		}
	}
	if (field)
		return field->mark;
	if (entity)
		return entity->mark;
	return ctx->root_mark;
}

/* Structure and types of the root node, then the deal's meaning. */
static int
parse_root(struct plan_ctx *ctx, yaml_node_t *root)
{
	unsigned long long given;
	struct validation_site site;
	struct tw_error verr;
	int rc;

	ctx->root_mark = root->start_mark;
	if (ctx->playbook_only) {
		if ((rc = plan_read_map(ctx, root, &playbook_file_spec, 0,
					ctx->d, "the playbook file", &given)))
			return rc;
		if (!(given >> PF_PLAYBOOK & 1))
			return plan_fail(ctx, root->start_mark,
					 "missing field 'playbook' in playbook "
					 "file (expected a list of steps)");
		if (playbook_validate(ctx->d->playbook, ctx->d->nplaybook,
				      &site, &verr))
			return plan_fail(ctx, site_mark(ctx, &site), "%s",
					 verr.msg);
		return 0;
	}
	if ((rc = plan_read_map(ctx, root, &top_spec, 0, ctx->d, "the plan",
				&given)))
		return rc;
	ctx->d->nholidays = holidays_normalize(ctx->d->holidays,
					       ctx->d->nholidays);
	if (!(given >> TF_VERSION & 1))
		return plan_fail(ctx, root->start_mark,
				 "missing field 'version' in plan (expected "
				 "version: %d)",
				 PLAN_VERSION);
	if (deal_validate(ctx->d, &site, &verr))
		return plan_fail(ctx, site_mark(ctx, &site), "%s", verr.msg);
	return 0;
}

/*
 * The fast loader's tree for buf, walked; false when it declined buf or
 * the walk found an error (out is then left empty): libyaml reads it again
 * so that what is refused, and how it is worded, stay libyaml's.
 */
static bool
parse_fast(struct plan_ctx *ctx, const char *buf, size_t len)
{
	struct yaml_fast fast;
	bool ok = yaml_fast_load(&fast, buf, len);

	if (ok) {
		ctx->doc = &fast.doc;
		ctx->budget = 4 * (size_t)(fast.doc.nodes.top -
					   fast.doc.nodes.start) +
			      1024;
		ok = parse_root(ctx, yaml_document_get_root_node(&fast.doc)) ==
		     0;
	}
	yaml_fast_release(&fast);
	free(ctx->marks);
	ctx->marks = NULL;
	ctx->nmarks = ctx->amarks = 0;
	if (!ok) {
		deal_release(ctx->d);
		deal_init(ctx->d);
		ctx->aholidays = 0;
		tw_error_clear(ctx->err);
	}
	return ok;
}

/* The composed document walked into ctx->d, then freed. */
static int
walk_doc(struct plan_ctx *ctx, yaml_document_t *doc)
{
	yaml_node_t *root = yaml_document_get_root_node(doc);
	yaml_mark_t origin = { 0, 0, 0 };
	int rc;

	ctx->doc = doc;
	if (!root && ctx->playbook_only) {
		rc = plan_fail(ctx, origin, "empty playbook file (expected "
			       "'playbook:' and a list of steps)");
	} else if (!root) {
		rc = plan_fail(ctx, origin,
			       "empty plan (expected a mapping starting with "
			       "'version: %d')",
			       PLAN_VERSION);
	} else {
		ctx->budget = 4 * (size_t)(doc->nodes.top - doc->nodes.start) +
			      1024;
		rc = parse_root(ctx, root);
	}
	yaml_document_delete(doc);
	return rc;
}

int
plan_parse(const char *buf, size_t len, const char *filename,
	   struct deal *out, struct tw_error *err)
{
	return plan_parse_all(buf, len, filename, out, NULL, NULL, err);
}

static int parse_with(struct plan_ctx *ctx, const char *buf, size_t len,
		      const char *filename, struct deal *out,
		      struct strbuf *more, size_t *nerrors,
		      struct tw_error *err);

int
plan_parse_playbook(const char *buf, size_t len, const char *filename,
		    struct deal *out, struct tw_error *err)
{
	struct plan_ctx ctx = { .playbook_only = true };

	return parse_with(&ctx, buf, len, filename, out, NULL, NULL, err);
}

int
plan_parse_all(const char *buf, size_t len, const char *filename,
	       struct deal *out, struct strbuf *more, size_t *nerrors,
	       struct tw_error *err)
{
	struct plan_ctx ctx = { 0 };

	return parse_with(&ctx, buf, len, filename, out, more, nerrors, err);
}

static int
parse_with(struct plan_ctx *ctx, const char *buf, size_t len,
	   const char *filename, struct deal *out, struct strbuf *more,
	   size_t *nerrors, struct tw_error *err)
{
	yaml_document_t doc;
	yaml_mark_t origin = { 0, 0, 0 };
	size_t more_len = more ? more->len : 0;
	int rc;

	deal_init(out);
	ctx->filename = filename ? filename : "<input>";
	ctx->d = out;
	ctx->err = err;
	ctx->more = more;
	if (len > PLAN_MAX_BYTES) {
		rc = plan_fail(ctx, origin,
			       "larger than %d MiB, the limit for a plan file",
			       PLAN_MAX_BYTES >> 20);
	} else if (parse_fast(ctx, buf, len)) {
		rc = 0;
	} else {
		/* The fast walk's errors are found again, as libyaml reads. */
		ctx->nerrors = 0;
		ctx->hard = false;
		if (more)
			strbuf_setlen(more, more_len);
		if ((rc = plan_load(ctx, buf, len, &doc)) == 0)
			rc = walk_doc(ctx, &doc);
		free(ctx->marks);
		if (rc)
			deal_release(out);
	}
	if (nerrors)
		*nerrors = ctx->nerrors;
	return rc;
}
