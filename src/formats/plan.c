/*
 * YAML plan files (docs/plan-format.md). Parsing loads the document with
 * libyaml's document API, whose nodes keep their start marks, walks it with
 * one field table per entity and records where every field was written, so
 * that both type errors and deal_validate() errors point at a line and
 * column. Files in the plain subset of YAML that techwin itself writes are
 * first loaded into the same node tree by formats/yaml-fast.h, in an
 * eighth of libyaml's time; the rest, and every file with an error, go
 * through libyaml.
 * Emission is hand-written: fixed field order, block style, and the
 * lightest quoting that reads back to the same string.
 */
#include "formats/plan.h"
#include "core/validate.h"
#include "formats/yaml-fast.h"
#include "util/xalloc.h"

#include <yaml.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where a field's value was written, so validation errors can point at it. */
struct mark_rec {
	enum entity_kind entity;
	size_t index;
	const char *field;	/* site name ("at_most", "poc.end"); NULL: the
				 * entity's own mapping */
	size_t item;		/* 1-based element of a list field, else 0 */
	yaml_mark_t mark;
};

struct plan_ctx {
	const char *filename;
	yaml_document_t *doc;
	struct deal *d;
	struct tw_error *err;
	struct mark_rec *marks;
	size_t nmarks, amarks;
	size_t budget;		/* node visits left, see visit() */
	yaml_mark_t root_mark;
	char excerpt[128];
};

struct map_spec;
typedef int (*item_fn)(struct plan_ctx *ctx, yaml_node_t *item, size_t i);
/* Enum names by index, NULL past the end. */
typedef const char *(*enum_name_fn)(int i);
/* Reads a field of type FT_OWN (index into the spec's fields). */
typedef int (*field_fn)(struct plan_ctx *ctx, void *obj, size_t index,
			int field, yaml_node_t *val);

/* How a field's value is read, and into what member of the entity. */
enum field_type { FT_STR, FT_NUM, FT_INT, FT_BOOL, FT_DATE, FT_DUR, FT_ENUM,
		  FT_MAP, FT_LIST, FT_OWN };

struct plan_field {
	const char *name;		/* in the file */
	const char *site;		/* validation_site name; NULL: name */
	enum field_type type;
	size_t off;			/* the member, in the entity */
	size_t has;			/* its bool has_ flag; 0: none */
	enum_name_fn names;		/* FT_ENUM */
	const struct map_spec *map;	/* FT_MAP: more fields of the entity */
	item_fn item;			/* FT_LIST: reads each element */
};

#define FIELD(st, name_, type_, member)                                      \
	{ .name = name_, .type = type_, .off = offsetof(st, member) }
#define FIELD_HAS(st, name_, type_, member, has_)                            \
	{ .name = name_, .type = type_, .off = offsetof(st, member),         \
	  .has = offsetof(st, has_) }

struct map_spec {
	const char *what;		/* "criterion", for messages */
	const struct plan_field *fields;	/* ended by a NULL name */
	bool record;			/* record marks for validation errors */
	bool is_entity;			/* the mapping is the entity itself */
	enum entity_kind entity;
	field_fn own;			/* reads the FT_OWN fields */
};

static int
fail_at(struct plan_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_at(struct plan_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	tw_error_set(ctx->err, TW_EINPUT, "%s:%zu:%zu: %s", ctx->filename,
		     (size_t)mark.line + 1, (size_t)mark.column + 1, sb.buf);
	strbuf_release(&sb);
	return TW_EINPUT;
}

static void
add_mark(struct plan_ctx *ctx, enum entity_kind entity, size_t index,
	 const char *field, size_t item, yaml_mark_t mark)
{
	struct mark_rec *m;

	ALLOC_GROW(ctx->marks, ctx->nmarks + 1, ctx->amarks);
	m = &ctx->marks[ctx->nmarks++];
	m->entity = entity;
	m->index = index;
	m->field = field;
	m->item = item;
	m->mark = mark;
}

/* yaml_document_get_node(), without a call into the library per node. */
static yaml_node_t *
node_at(struct plan_ctx *ctx, int id)
{
	yaml_document_t *doc = ctx->doc;

	if (id > 0 && id <= doc->nodes.top - doc->nodes.start)
		return doc->nodes.start + id - 1;
	return NULL;
}

/*
 * Aliases let a few bytes stand for a whole subtree, so a small file could
 * expand into millions of phases and keys ("billion laughs"). Every visit
 * of a value draws on a budget proportional to the document's own size.
 */
static int
visit(struct plan_ctx *ctx, yaml_node_t *n)
{
	if (ctx->budget == 0)
		return fail_at(ctx, n->start_mark,
			       "aliases expand to too many values");
	ctx->budget--;
	return 0;
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, "~" or "null" scalar: the field is absent. */
static bool
is_null(const yaml_node_t *n)
{
	const char *s;

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = scalar(n);
	switch (*s) {
	case '\0':
		return true;
	case '~':
		return !s[1];
	case 'n':
	case 'N':
		return !strcmp(s, "null") || !strcmp(s, "Null") ||
		       !strcmp(s, "NULL");
	default:
		return false;
	}
}

/*
 * A short, single-line rendering of a node for messages: values can be
 * whole paragraphs, and a message must stay on one line.
 */
static const char *
excerpt(struct plan_ctx *ctx, const yaml_node_t *n)
{
	const unsigned char *s;
	size_t len, o = 0, i;
	char *out = ctx->excerpt;

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (is_null(n))
		return "null";
	s = n->data.scalar.value;
	len = n->data.scalar.length;
	out[o++] = '\'';
	for (i = 0; i < len && o < 64; i++) {
		if (s[i] == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			out[o++] = '?';
		} else {
			out[o++] = (char)s[i];
		}
	}
	/* Never cut a UTF-8 sequence in half. */
	while (i < len && (s[i] & 0xc0) == 0x80 && o > 1) {
		o--;
		i--;
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o++] = '\'';
	out[o] = '\0';
	return out;
}

/* The scalar's text, refusing NUL characters a C string cannot carry. */
static int
get_scalar(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   const char *expected, const char **out)
{
	/* Set on every path: -O3 cannot see that failures skip the use. */
	*out = NULL;
	if (v->type != YAML_SCALAR_NODE)
		return fail_at(ctx, v->start_mark, "expected %s for '%s', got %s",
			       expected, name, excerpt(ctx, v));
	if (strlen(scalar(v)) != v->data.scalar.length)
		return fail_at(ctx, v->start_mark,
			       "value of '%s' contains a NUL character", name);
	*out = scalar(v);
	return 0;
}

static int
parse_str(struct plan_ctx *ctx, yaml_node_t *v, const char *name, char **out)
{
	const char *s;
	int rc;

	if (is_null(v))
		return 0;
	if ((rc = get_scalar(ctx, v, name, "text", &s)))
		return rc;
	xstrset(out, s);
	return 0;
}

/* YAML 1.2 core schema numbers, without .inf and .nan. */
static bool
number_syntax(const char *s, bool *integral)
{
	bool digits = false;

	*integral = true;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits = true;
	if (*s == '.') {
		*integral = false;
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits = true;
	}
	if (!digits)
		return false;
	if (*s == 'e' || *s == 'E') {
		*integral = false;
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static int
bad_number(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   const char *expected)
{
	if (v->type == YAML_SCALAR_NODE &&
	    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return fail_at(ctx, v->start_mark,
			       "expected %s for '%s', got a quoted string %s",
			       expected, name, excerpt(ctx, v));
	return fail_at(ctx, v->start_mark, "expected %s for '%s', got %s",
		       expected, name, excerpt(ctx, v));
}

static int
parse_num(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	  double *out)
{
	bool integral;
	double x;

	if (is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE ||
	    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !number_syntax(scalar(v), &integral))
		return bad_number(ctx, v, name, "a number");
	x = strtod(scalar(v), NULL);
	if (!isfinite(x))
		return fail_at(ctx, v->start_mark,
			       "number out of range for '%s', got %s", name,
			       excerpt(ctx, v));
	*out = x;
	if (has)
		*has = true;
	return 0;
}

static int
parse_int(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	  int *out)
{
	bool integral;
	long x;

	if (is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE ||
	    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !number_syntax(scalar(v), &integral) || !integral)
		return bad_number(ctx, v, name, "an integer");
	errno = 0;
	x = strtol(scalar(v), NULL, 10);
	if (errno == ERANGE || x < INT_MIN || x > INT_MAX)
		return fail_at(ctx, v->start_mark,
			       "integer out of range for '%s', got %s", name,
			       excerpt(ctx, v));
	*out = (int)x;
	if (has)
		*has = true;
	return 0;
}

static int
parse_bool(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *out)
{
	const char *s;

	if (is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE &&
	    v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		s = scalar(v);
		if (!strcmp(s, "true") || !strcmp(s, "True") ||
		    !strcmp(s, "TRUE")) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, "false") || !strcmp(s, "False") ||
		    !strcmp(s, "FALSE")) {
			*out = false;
			return 0;
		}
	}
	return fail_at(ctx, v->start_mark,
		       "expected true or false for '%s', got %s", name,
		       excerpt(ctx, v));
}

static int
parse_date(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   tw_date *out)
{
	const char *s;
	int rc;

	if (is_null(v))
		return 0;
	if ((rc = get_scalar(ctx, v, name, "a date (YYYY-MM-DD)", &s)))
		return rc;
	if (date_parse(s, out, NULL))
		return fail_at(ctx, v->start_mark,
			       "invalid date %s (expected YYYY-MM-DD)",
			       excerpt(ctx, v));
	return 0;
}

static int
parse_dur(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	  struct duration *out)
{
	struct tw_error e;
	const char *s;
	int rc;

	if (is_null(v))
		return 0;
	if ((rc = get_scalar(ctx, v, name, "a duration (14d, 10bd, 3w)", &s)))
		return rc;
	if (duration_parse(s, out, &e)) {
		/* date.c's message quotes the whole value; keep long ones short. */
		if (strlen(s) <= 24 && !strpbrk(s, "\n\r\t"))
			return fail_at(ctx, v->start_mark, "%s", e.msg);
		return fail_at(ctx, v->start_mark,
			       "invalid duration %s (expected Nd, Nbd or Nw)",
			       excerpt(ctx, v));
	}
	if (has)
		*has = true;
	return 0;
}

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
outcome_at(int i)
{
	return i <= OUTCOME_LOST ? outcome_name((enum outcome)i) : NULL;
}

static int
parse_enum(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   enum_name_fn names, bool *has, int *out)
{
	struct strbuf choices = STRBUF_INIT;
	int rc;

	if (is_null(v))
		return 0;
	if (v->type == YAML_SCALAR_NODE) {
		for (int i = 0; names(i); i++) {
			if (!strcmp(names(i), scalar(v))) {
				*out = i;
				if (has)
					*has = true;
				return 0;
			}
		}
	}
	for (int i = 0; names(i); i++)
		strbuf_addf(&choices, "%s%s", i ? ", " : "", names(i));
	rc = fail_at(ctx, v->start_mark,
		     "expected one of %s for '%s', got %s", choices.buf, name,
		     excerpt(ctx, v));
	strbuf_release(&choices);
	return rc;
}

static bool
key_is(const yaml_node_t *k, const char *name)
{
	size_t n;

	/* Most names differ from the key at once. */
	if (!k->data.scalar.length || *scalar(k) != *name)
		return false;
	n = strlen(name);
	return k->data.scalar.length == n && !memcmp(scalar(k), name, n);
}

static int
unknown_field(struct plan_ctx *ctx, const struct map_spec *spec,
	      yaml_node_t *k)
{
	struct strbuf names = STRBUF_INIT;
	int rc;

	for (size_t i = 0; spec->fields[i].name; i++)
		strbuf_addf(&names, "%s%s", i ? ", " : "",
			    spec->fields[i].name);
	rc = fail_at(ctx, k->start_mark,
		     "unknown field %s in %s (expected one of: %s)",
		     excerpt(ctx, k), spec->what, names.buf);
	strbuf_release(&names);
	return rc;
}

static int read_field(struct plan_ctx *ctx, const struct map_spec *spec,
		      void *obj, size_t index, int f, yaml_node_t *v);

/*
 * Walk a mapping against its field table: keys must be known and appear
 * once (YAML forbids duplicates, and a silent "last one wins" would hide
 * typos); values go to read_field(). *given (may be NULL) gets a bit for
 * each field, by index, with a value that is not null.
 */
static int
parse_map(struct plan_ctx *ctx, yaml_node_t *node, const struct map_spec *spec,
	  size_t index, void *obj, const char *desc,
	  unsigned long long *given)
{
	const struct plan_field *fields = spec->fields;
	yaml_node_pair_t *start, *p, *q;
	unsigned long long seen = 0;	/* the fields so far, by index */
	int rc;

	if (node->type != YAML_MAPPING_NODE)
		return fail_at(ctx, node->start_mark,
			       "expected a mapping for %s, got %s", desc,
			       excerpt(ctx, node));
	if (spec->record && spec->is_entity)
		add_mark(ctx, spec->entity, index, NULL, 0, node->start_mark);
	if (given)
		*given = 0;
	start = node->data.mapping.pairs.start;
	for (p = start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node_at(ctx, p->key);
		yaml_node_t *v = node_at(ctx, p->value);
		int f = -1;

		if (k->type != YAML_SCALAR_NODE)
			return fail_at(ctx, k->start_mark,
				       "expected a field name in %s, got %s",
				       spec->what, excerpt(ctx, k));
		for (int i = 0; fields[i].name; i++)
			if (key_is(k, fields[i].name))
				f = i;
		if (f < 0)
			return unknown_field(ctx, spec, k);
		for (q = start; q < p && (seen >> f & 1); q++) {
			yaml_node_t *k2 = node_at(ctx, q->key);

			if (key_is(k2, fields[f].name))
				return fail_at(ctx, k->start_mark,
					       "duplicate field '%s' in %s "
					       "(first at line %zu, column %zu)",
					       fields[f].name, spec->what,
					       (size_t)k2->start_mark.line + 1,
					       (size_t)k2->start_mark.column + 1);
		}
		seen |= 1ULL << f;
		if ((rc = visit(ctx, v)))
			return rc;
		if (spec->record)
			add_mark(ctx, spec->entity, index,
				 fields[f].site ? fields[f].site
						: fields[f].name,
				 0, v->start_mark);
		if ((rc = read_field(ctx, spec, obj, index, f, v)))
			return rc;
		if (given && !is_null(v))
			*given |= 1ULL << f;
	}
	return 0;
}

static int
parse_list(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   item_fn fn)
{
	yaml_node_item_t *it;
	size_t i = 0;
	int rc;

	if (is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(ctx, v->start_mark,
			       "expected a list for '%s', got %s", name,
			       excerpt(ctx, v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *item = node_at(ctx, *it);

		if ((rc = visit(ctx, item)) || (rc = fn(ctx, item, i)))
			return rc;
	}
	return 0;
}

/* Field f of a mapping, read by its type into its member of obj. */
static int
read_field(struct plan_ctx *ctx, const struct map_spec *spec, void *obj,
	   size_t index, int f, yaml_node_t *v)
{
	const struct plan_field *fl = &spec->fields[f];
	void *m = (char *)obj + fl->off;
	bool *has = fl->has ? (bool *)((char *)obj + fl->has) : NULL;
	char desc[40];

	switch (fl->type) {
	case FT_STR:
		return parse_str(ctx, v, fl->name, m);
	case FT_NUM:
		return parse_num(ctx, v, fl->name, has, m);
	case FT_INT:
		return parse_int(ctx, v, fl->name, has, m);
	case FT_BOOL:
		return parse_bool(ctx, v, fl->name, m);
	case FT_DATE:
		return parse_date(ctx, v, fl->name, m);
	case FT_DUR:
		return parse_dur(ctx, v, fl->name, has, m);
	case FT_ENUM:
		return parse_enum(ctx, v, fl->name, fl->names, has, m);
	case FT_MAP:
		if (is_null(v))
			return 0;
		snprintf(desc, sizeof(desc), "'%s'", fl->name);
		return parse_map(ctx, v, fl->map, index, m, desc, NULL);
	case FT_LIST:
		return parse_list(ctx, v, fl->name, fl->item);
	default:
		return spec->own(ctx, obj, index, f, v);
	}
}

/* "'p95'" when the entity has a key, else its 1-based position. */
static const char *
label(struct plan_ctx *ctx, const char *key, size_t i)
{
	if (key)
		snprintf(ctx->excerpt, sizeof(ctx->excerpt), "'%.60s'", key);
	else
		snprintf(ctx->excerpt, sizeof(ctx->excerpt), "#%zu", i + 1);
	return ctx->excerpt;
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

	if (is_null(v))
		return fail_at(ctx, v->start_mark,
			       "expected a date (YYYY-MM-DD) in 'holidays', "
			       "got null");
	if ((rc = parse_date(ctx, v, "holidays", &day)))
		return rc;
	add_mark(ctx, ENT_HOLIDAY, i, "holidays", 0, v->start_mark);
	/* Sorted and deduplicated on insert: the order in the file is free. */
	deal_add_holiday(ctx->d, day);
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
	if ((rc = parse_num(ctx, v, criterion_fields[f].name, &has, &x)))
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
		yaml_node_t *k = node_at(ctx, p->key);
		yaml_node_t *v = node_at(ctx, p->value);

		if ((key_is(k, "at_most") || key_is(k, "at_least")) &&
		    !is_null(v))
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

	if ((rc = parse_map(ctx, v, &criterion_spec, i, c, "each criterion",
			    &given)))
		return rc;
	n = (int)(given >> CF_AT_MOST & 1) + (int)(given >> CF_AT_LEAST & 1);
	if (n != 1)
		return fail_at(ctx, n ? second_direction(ctx, v) : v->start_mark,
			       "criterion %s needs exactly one of at_most or "
			       "at_least",
			       label(ctx, c->key, i));
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

	if ((rc = parse_map(ctx, v, &event_spec, i, e, "each event", &given)))
		return rc;
	/* No default: technical vs commercial drives the momentum check. */
	if (!(given >> EF_KIND & 1))
		return fail_at(ctx, v->start_mark,
			       "event %s needs a kind (expected one of "
			       "technical, commercial)",
			       label(ctx, e->key, i));
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
	return parse_map(ctx, v, &risk_spec, i, r, "each risk", NULL);
}

/* phases: */

static int
phase_criteria(struct plan_ctx *ctx, void *obj, size_t index, int f,
	       yaml_node_t *v)
{
	struct phase *p = obj;
	yaml_node_item_t *it;
	const char *s;
	int rc;

	(void)f;
	if (is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return fail_at(ctx, v->start_mark,
			       "expected a list of criterion keys for "
			       "'criteria', got %s",
			       excerpt(ctx, v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++) {
		yaml_node_t *item = node_at(ctx, *it);

		if ((rc = visit(ctx, item)))
			return rc;
		if (is_null(item))
			return fail_at(ctx, item->start_mark,
				       "expected a criterion key in "
				       "'criteria', got null");
		if ((rc = get_scalar(ctx, item, "criteria", "a criterion key",
				     &s)))
			return rc;
		p->criteria = xrealloc(p->criteria, (p->ncriteria + 1) *
							    sizeof(*p->criteria));
		p->criteria[p->ncriteria++] = xstrdup(s);
		add_mark(ctx, ENT_PHASE, index, "criteria", p->ncriteria,
			 item->start_mark);
	}
	return 0;
}

static const struct plan_field phase_fields[] = {
	{ .name = "number", .type = FT_INT,
	  .off = offsetof(struct phase, number) },
	FIELD(struct phase, "name", FT_STR, name),
	FIELD(struct phase, "scope", FT_STR, scope),
	FIELD_HAS(struct phase, "price", FT_NUM, price, has_price),
	FIELD(struct phase, "justification", FT_STR, justification),
	{ .name = "criteria", .type = FT_OWN },
	FIELD_HAS(struct phase, "duration", FT_DUR, duration, has_duration),
	{ 0 }
};

static const struct map_spec phase_spec = {
	.what = "phase",
	.fields = phase_fields,
	.record = true,
	.is_entity = true,
	.entity = ENT_PHASE,
	.own = phase_criteria,
};

static int
phase_item(struct plan_ctx *ctx, yaml_node_t *v, size_t i)
{
	return parse_map(ctx, v, &phase_spec, i, deal_add_phase(ctx->d),
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
	if ((rc = parse_map(ctx, v, &step_spec, i, s, "each playbook step",
			    &given)))
		return rc;
	/* 0 is a valid offset, so a forgotten one must not default to it. */
	if (!(given >> SF_OFFSET & 1))
		return fail_at(ctx, v->start_mark,
			       "playbook step %s needs an offset (business "
			       "days after the technical win)",
			       label(ctx, s->title, i));
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
	if ((rc = parse_int(ctx, v, "version", &has, &version)))
		return rc;
	if (!has)
		return fail_at(ctx, v->start_mark,
			       "missing version (expected %d)", PLAN_VERSION);
	if (version != PLAN_VERSION)
		return fail_at(ctx, v->start_mark,
			       "unsupported version %d (expected %d)", version,
			       PLAN_VERSION);
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

static const struct map_spec top_spec = {
	.what = "plan",
	.fields = top_fields,
	.entity = ENT_DEAL,
	.own = top_version,
};

/*
 * The element of phase index's criteria that deal_validate() objected to:
 * the same rule (unknown or repeated key), so the error points at the item.
 */
static size_t
bad_phase_item(const struct deal *d, size_t index)
{
	const struct phase *p;

	if (index >= d->nphases)
		return 0;
	p = &d->phases[index];
	for (size_t j = 0; j < p->ncriteria; j++) {
		if (!deal_find_criterion(d, p->criteria[j]))
			return j + 1;
		for (size_t k = 0; k < j; k++)
			if (!strcmp(p->criteria[k], p->criteria[j]))
				return j + 1;
	}
	return 0;
}

/* Best mark for a validation site: the field, else the entity, else top. */
static yaml_mark_t
site_mark(struct plan_ctx *ctx, const struct validation_site *site)
{
	const struct mark_rec *field = NULL, *entity = NULL;
	size_t want = 0;

	if (site->entity == ENT_PHASE && site->field &&
	    !strcmp(site->field, "criteria"))
		want = bad_phase_item(ctx->d, site->index);
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

/* A reader error has only a byte offset: count lines and characters. */
static yaml_mark_t
offset_mark(const char *buf, size_t len, size_t offset)
{
	yaml_mark_t m = { offset, 0, 0 };

	for (size_t i = 0; i < offset && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	return m;
}

static int
yaml_fail(struct plan_ctx *ctx, const yaml_parser_t *p, const char *buf,
	  size_t len)
{
	yaml_mark_t m = p->problem_mark;
	const char *problem = p->problem ? p->problem : "invalid YAML";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return fail_at(ctx, m, "out of memory while reading YAML");
	case YAML_READER_ERROR:
		m = offset_mark(buf, len, p->problem_offset);
		if (p->problem_value != -1)
			return fail_at(ctx, m, "%s (byte 0x%02x)", problem,
				       (unsigned)p->problem_value & 0xffu);
		return fail_at(ctx, m, "%s", problem);
	default:
		break;
	}
	if (p->context)
		return fail_at(ctx, m, "%s (%s at line %zu, column %zu)",
			       problem, p->context,
			       (size_t)p->context_mark.line + 1,
			       (size_t)p->context_mark.column + 1);
	return fail_at(ctx, m, "%s", problem);
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
	if ((rc = parse_map(ctx, root, &top_spec, 0, ctx->d, "the plan",
			    &given)))
		return rc;
	if (!(given >> TF_VERSION & 1))
		return fail_at(ctx, root->start_mark,
			       "missing field 'version' in plan (expected "
			       "version: %d)",
			       PLAN_VERSION);
	if (deal_validate(ctx->d, &site, &verr))
		return fail_at(ctx, site_mark(ctx, &site), "%s", verr.msg);
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
		tw_error_clear(ctx->err);
	}
	return ok;
}

int
plan_parse(const char *buf, size_t len, const char *filename,
	   struct deal *out, struct tw_error *err)
{
	struct plan_ctx ctx = { 0 };
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	yaml_node_t *root, *more;
	yaml_mark_t origin = { 0, 0, 0 };
	int rc;

	deal_init(out);
	ctx.filename = filename ? filename : "<input>";
	ctx.d = out;
	ctx.err = err;
	if (parse_fast(&ctx, buf, len))
		return 0;
	ctx.doc = &doc;
	if (!yaml_parser_initialize(&parser))
		return fail_at(&ctx, origin, "cannot initialize YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = yaml_fail(&ctx, &parser, buf, len);
		yaml_parser_delete(&parser);
		return rc;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		rc = fail_at(&ctx, origin,
			     "empty plan (expected a mapping starting with "
			     "'version: %d')",
			     PLAN_VERSION);
		goto out;
	}
	ctx.budget = 4 * (size_t)(doc.nodes.top - doc.nodes.start) + 1024;
	/* A second document would be silently ignored: refuse it. */
	if (!yaml_parser_load(&parser, &extra)) {
		rc = yaml_fail(&ctx, &parser, buf, len);
		goto out;
	}
	more = yaml_document_get_root_node(&extra);
	rc = more ? fail_at(&ctx, extra.start_mark,
			    "expected a single YAML document, found another")
		  : 0;
	yaml_document_delete(&extra);
	if (!rc)
		rc = parse_root(&ctx, root);
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	free(ctx.marks);
	if (rc)
		deal_release(out);
	return rc;
}

/*
 * Emission. Quoting: plain when the text cannot be read as anything but this
 * string, single quotes when it only needs protecting from YAML's syntax or
 * type resolution, double quotes with escapes when it holds characters a
 * reader would fold, normalize or reject (line breaks, tabs, controls).
 */

/* Decode one UTF-8 sequence; 0 when invalid (overlong, surrogate, ...). */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that are written as they are, in any quoting style. */
static bool
is_safe_char(unsigned long c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
		return false;
	/* Line and paragraph separators, BOM and non-characters. */
	return c != 0x2028 && c != 0x2029 && c != 0xfeff && c != 0xfffe &&
	       c != 0xffff;
}

static bool
needs_escapes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	unsigned long c;

	for (size_t i = 0; i < n; i += len) {
		len = utf8_decode(p + i, n - i, &c);
		if (!len || !is_safe_char(c))
			return true;
	}
	return false;
}

static bool
str_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a;

		if (x != *b)
			return false;
	}
	return *a == *b;
}

/* Words some YAML reader resolves to null, a boolean or a merge key. */
static bool
is_reserved(const char *s)
{
	static const char *const words[] = { "null", "true", "false", "yes",
		"no", "on", "off", "y", "n", "~", "<<", "=" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (str_ieq(s, words[i]))
			return true;
	return false;
}

/*
 * Numbers, dates, times and sexagesimals all start with a digit, sign or
 * dot and (but for timestamps) contain no space.
 */
static bool
looks_typed(const char *s)
{
	bool date = true;

	if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '.'))
		return false;
	if (!strchr(s, ' '))
		return true;
	for (int i = 0; i < 10 && date; i++) {
		if (i == 4 || i == 7)
			date = s[i] == '-';
		else
			date = s[i] >= '0' && s[i] <= '9';
	}
	return date;
}

static bool
plain_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || strchr("-?:,[]{}#&*!|>'\"%@` ", s[0]))
		return false;
	if (s[n - 1] == ' ' || s[n - 1] == ':')
		return false;
	if (strstr(s, ": ") || strstr(s, " #"))
		return false;
	return !is_reserved(s) && !looks_typed(s);
}

static void
add_double_quoted(struct strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	unsigned long c;

	strbuf_addch(out, '"');
	for (size_t i = 0; i < n; i += len) {
		len = utf8_decode(p + i, n - i, &c);
		if (!len) {
			/* Not UTF-8: YAML cannot carry the byte, mark it. */
			strbuf_addstr(out, "\\uFFFD");
			len = 1;
			continue;
		}
		switch (c) {
		case '"':
			strbuf_addstr(out, "\\\"");
			continue;
		case '\\':
			strbuf_addstr(out, "\\\\");
			continue;
		case '\a':
			strbuf_addstr(out, "\\a");
			continue;
		case '\b':
			strbuf_addstr(out, "\\b");
			continue;
		case '\t':
			strbuf_addstr(out, "\\t");
			continue;
		case '\n':
			strbuf_addstr(out, "\\n");
			continue;
		case '\v':
			strbuf_addstr(out, "\\v");
			continue;
		case '\f':
			strbuf_addstr(out, "\\f");
			continue;
		case '\r':
			strbuf_addstr(out, "\\r");
			continue;
		case 0x1b:
			strbuf_addstr(out, "\\e");
			continue;
		case 0x85:
			strbuf_addstr(out, "\\N");
			continue;
		case 0x2028:
			strbuf_addstr(out, "\\L");
			continue;
		case 0x2029:
			strbuf_addstr(out, "\\P");
			continue;
		default:
			break;
		}
		if (is_safe_char(c))
			strbuf_add(out, p + i, len);
		else if (c <= 0xff)
			strbuf_addf(out, "\\x%02lX", c);
		else
			strbuf_addf(out, "\\u%04lX", c);
	}
	strbuf_addch(out, '"');
}

static void
add_scalar(struct strbuf *out, const char *s)
{
	if (needs_escapes(s)) {
		add_double_quoted(out, s);
	} else if (plain_ok(s)) {
		strbuf_addstr(out, s);
	} else {
		strbuf_addch(out, '\'');
		for (; *s; s++) {
			if (*s == '\'')
				strbuf_addch(out, '\'');
			strbuf_addch(out, *s);
		}
		strbuf_addch(out, '\'');
	}
}

/* Integers as integers; anything else in the fewest digits that read back. */
static void
add_number(struct strbuf *out, double v)
{
	char buf[40];

	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, sizeof(buf), "%.0f", v);
	} else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof(buf), "%.*g", prec, v);
			if (strtod(buf, NULL) == v)
				break;
		}
	}
	strbuf_addstr(out, buf);
}

struct emitter {
	struct strbuf *out;
	int indent;
	bool dash;	/* the next key opens a list item */
};

static void
emit_key(struct emitter *e, const char *key)
{
	if (e->dash) {
		strbuf_addchars(e->out, ' ', (size_t)e->indent - 2);
		strbuf_addstr(e->out, "- ");
		e->dash = false;
	} else {
		strbuf_addchars(e->out, ' ', (size_t)e->indent);
	}
	strbuf_addstr(e->out, key);
	strbuf_addch(e->out, ':');
}

static void
emit_str(struct emitter *e, const char *key, const char *s)
{
	if (!s)
		return;
	emit_key(e, key);
	strbuf_addch(e->out, ' ');
	add_scalar(e->out, s);
	strbuf_addch(e->out, '\n');
}

static void
emit_num(struct emitter *e, const char *key, bool has, double v)
{
	if (!has)
		return;
	emit_key(e, key);
	strbuf_addch(e->out, ' ');
	add_number(e->out, v);
	strbuf_addch(e->out, '\n');
}

static void
emit_int(struct emitter *e, const char *key, bool has, int v)
{
	if (!has)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %d\n", v);
}

static void
emit_date(struct emitter *e, const char *key, tw_date d)
{
	char buf[DATE_BUFSZ];

	if (d == DATE_NONE)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", date_format(d, buf));
}

static void
emit_dur(struct emitter *e, const char *key, bool has,
	 const struct duration *dur)
{
	char buf[DURATION_BUFSZ];

	if (!has)
		return;
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", duration_format(dur, buf));
}

/* Words the parser matches exactly, never in need of quotes. */
static void
emit_word(struct emitter *e, const char *key, const char *word)
{
	emit_key(e, key);
	strbuf_addf(e->out, " %s\n", word);
}

static void
emit_open(struct emitter *e, const char *key)
{
	emit_key(e, key);
	strbuf_addch(e->out, '\n');
	e->indent += 2;
}

/* Close a list item; one with no field at all still has to exist. */
static void
emit_item_end(struct emitter *e)
{
	if (e->dash) {
		strbuf_addchars(e->out, ' ', (size_t)e->indent - 2);
		strbuf_addstr(e->out, "- {}\n");
		e->dash = false;
	}
}

static void
emit_deal(struct emitter *e, const struct deal *d)
{
	emit_open(e, "deal");
	emit_str(e, "slug", d->slug);
	emit_str(e, "account", d->account);
	emit_str(e, "stage", d->stage);
	emit_num(e, "value", d->has_value, d->value);
	emit_str(e, "currency", d->currency);
	emit_str(e, "ae", d->ae);
	emit_str(e, "se", d->se);
	emit_int(e, "procurement_days", d->has_procurement_days,
		 d->procurement_days);
	if (d->champion || d->champion_email) {
		emit_open(e, "champion");
		emit_str(e, "name", d->champion);
		emit_str(e, "email", d->champion_email);
		e->indent -= 2;
	}
	if (d->poc_start != DATE_NONE || d->poc_end != DATE_NONE) {
		emit_open(e, "poc");
		emit_date(e, "start", d->poc_start);
		emit_date(e, "end", d->poc_end);
		e->indent -= 2;
	}
	if (d->close_date != DATE_NONE || d->outcome != OUTCOME_OPEN) {
		emit_open(e, "close");
		emit_date(e, "date", d->close_date);
		if (d->outcome != OUTCOME_OPEN)
			emit_word(e, "outcome", outcome_name(d->outcome));
		e->indent -= 2;
	}
	e->indent -= 2;
}

static bool
deal_has_fields(const struct deal *d)
{
	return d->slug || d->account || d->stage || d->has_value ||
	       d->currency || d->ae || d->se || d->has_procurement_days ||
	       d->champion || d->champion_email || d->poc_start != DATE_NONE ||
	       d->poc_end != DATE_NONE || d->close_date != DATE_NONE ||
	       d->outcome != OUTCOME_OPEN;
}

static void
emit_criterion(struct emitter *e, const struct criterion *c)
{
	emit_str(e, "key", c->key);
	emit_str(e, "metric", c->metric);
	emit_str(e, "unit", c->unit);
	emit_num(e, direction_name(c->direction), true, c->required);
	emit_num(e, "measured", c->has_measured, c->measured);
	emit_date(e, "measured_on", c->measured_on);
	emit_num(e, "growth_pct", c->has_growth, c->growth_pct);
	emit_str(e, "outcome", c->outcome);
}

static void
emit_event(struct emitter *e, const struct event *ev)
{
	emit_str(e, "key", ev->key);
	emit_word(e, "kind", event_kind_name(ev->kind));
	emit_str(e, "title", ev->title);
	emit_str(e, "owner", ev->owner);
	emit_date(e, "date", ev->date);
	emit_date(e, "done", ev->done);
	emit_str(e, "after", ev->after);
}

static void
emit_risk(struct emitter *e, const struct risk *r)
{
	emit_str(e, "key", r->key);
	emit_str(e, "title", r->title);
	emit_word(e, "kind", risk_kind_name(r->kind));
	emit_date(e, "deadline", r->deadline);
	emit_dur(e, "buffer", true, &r->buffer);
	emit_dur(e, "duration", true, &r->duration);
}

static void
emit_phase(struct emitter *e, const struct phase *p)
{
	emit_int(e, "number", true, p->number);
	emit_str(e, "name", p->name);
	emit_str(e, "scope", p->scope);
	emit_num(e, "price", p->has_price, p->price);
	emit_str(e, "justification", p->justification);
	if (p->ncriteria) {
		emit_key(e, "criteria");
		strbuf_addch(e->out, '\n');
		for (size_t i = 0; i < p->ncriteria; i++) {
			strbuf_addchars(e->out, ' ', (size_t)e->indent + 2);
			strbuf_addstr(e->out, "- ");
			add_scalar(e->out, p->criteria[i]);
			strbuf_addch(e->out, '\n');
		}
	}
	emit_dur(e, "duration", p->has_duration, &p->duration);
}

static void
emit_step(struct emitter *e, const struct step *s)
{
	emit_str(e, "title", s->title);
	emit_int(e, "offset", true, s->offset);
	emit_word(e, "kind", event_kind_name(s->kind));
	if (s->plus_procurement)
		emit_word(e, "plus_procurement", "true");
}

/* One list section: "name:" then each element as a "- " item. */
#define EMIT_LIST(e, name, arr, n, fn)                                       \
	do {                                                                 \
		if ((n) == 0)                                                \
			break;                                               \
		strbuf_addstr((e)->out, name ":\n");                         \
		(e)->indent = 4;                                             \
		for (size_t i_ = 0; i_ < (n); i_++) {                        \
			(e)->dash = true;                                    \
			fn((e), &(arr)[i_]);                                 \
			emit_item_end(e);                                    \
		}                                                            \
		(e)->indent = 0;                                             \
	} while (0)

void
plan_emit(const struct deal *d, struct strbuf *out)
{
	struct emitter e = { out, 0, false };
	char buf[DATE_BUFSZ];

	strbuf_addf(out, "version: %d\n", PLAN_VERSION);
	if (deal_has_fields(d))
		emit_deal(&e, d);
	if (d->nholidays) {
		strbuf_addstr(out, "holidays:\n");
		for (size_t i = 0; i < d->nholidays; i++)
			strbuf_addf(out, "  - %s\n",
				    date_format(d->holidays[i], buf));
	}
	EMIT_LIST(&e, "criteria", d->criteria, d->ncriteria, emit_criterion);
	EMIT_LIST(&e, "events", d->events, d->nevents, emit_event);
	EMIT_LIST(&e, "risks", d->risks, d->nrisks, emit_risk);
	EMIT_LIST(&e, "phases", d->phases, d->nphases, emit_phase);
	EMIT_LIST(&e, "playbook", d->playbook, d->nplaybook, emit_step);
}
