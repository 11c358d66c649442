/*
 * The YAML nodes of a plan file, read: scalars as typed values (refusing
 * what the type cannot hold, with the value quoted short), mappings
 * against their field tables, lists item by item. Every message points at
 * the file, line and column of the node.
 */
#include "formats/plan-read.h"
#include "formats/plan.h"
#include "util/strbuf.h"
#include "util/suggest.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
plan_fail(struct plan_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (ctx->nerrors++ == 0 || !ctx->more)
		tw_error_set(ctx->err, TW_EINPUT, "%s:%zu:%zu: %s",
			     ctx->filename, (size_t)mark.line + 1,
			     (size_t)mark.column + 1, sb.buf);
	else if (ctx->nerrors <= PLAN_MAX_ERRORS)
		strbuf_addf(ctx->more, "%s:%zu:%zu: %s\n", ctx->filename,
			    (size_t)mark.line + 1, (size_t)mark.column + 1,
			    sb.buf);
	strbuf_release(&sb);
	return TW_EINPUT;
}

/*
 * Whether the walk goes on past an error (plan_parse_all): past the ones
 * kept too, to count them.
 */
static bool
go_on(const struct plan_ctx *ctx)
{
	return ctx->more && !ctx->hard;
}

void
plan_add_mark(struct plan_ctx *ctx, enum entity_kind entity, size_t index,
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
yaml_node_t *
plan_node(struct plan_ctx *ctx, int id)
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
int
plan_visit(struct plan_ctx *ctx, yaml_node_t *n)
{
	if (ctx->budget == 0) {
		ctx->hard = true;
		return plan_fail(ctx, n->start_mark,
				 "aliases expand to too many values");
	}
	ctx->budget--;
	return 0;
}

static const char *
scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty, "~" or "null" scalar: the field is absent. */
bool
plan_is_null(const yaml_node_t *n)
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
const char *
plan_excerpt(struct plan_ctx *ctx, const yaml_node_t *n)
{
	const unsigned char *s;
	size_t len, o = 0, i;
	char *out = ctx->excerpt;

	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (plan_is_null(n))
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
int
plan_get_scalar(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
		const char *expected, const char **out)
{
	/* Set on every path: -O3 cannot see that failures skip the use. */
	*out = NULL;
	if (v->type != YAML_SCALAR_NODE)
		return plan_fail(ctx, v->start_mark,
				 "expected %s for '%s', got %s", expected, name,
				 plan_excerpt(ctx, v));
	if (strlen(scalar(v)) != v->data.scalar.length)
		return plan_fail(ctx, v->start_mark,
				 "value of '%s' contains a NUL character",
				 name);
	*out = scalar(v);
	return 0;
}

static int
parse_str(struct plan_ctx *ctx, yaml_node_t *v, const char *name, char **out)
{
	const char *s;
	int rc;

	if (plan_is_null(v))
		return 0;
	if ((rc = plan_get_scalar(ctx, v, name, "text", &s)))
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
		return plan_fail(ctx, v->start_mark,
				 "expected %s for '%s', got a quoted string %s",
				 expected, name, plan_excerpt(ctx, v));
	return plan_fail(ctx, v->start_mark, "expected %s for '%s', got %s",
			 expected, name, plan_excerpt(ctx, v));
}

int
plan_read_num(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	      double *out)
{
	bool integral;
	double x;

	if (plan_is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE ||
	    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !number_syntax(scalar(v), &integral))
		return bad_number(ctx, v, name, "a number");
	x = strtod(scalar(v), NULL);
	if (!isfinite(x))
		return plan_fail(ctx, v->start_mark,
				 "number out of range for '%s', got %s", name,
				 plan_excerpt(ctx, v));
	*out = x;
	if (has)
		*has = true;
	return 0;
}

int
plan_read_int(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	      int *out)
{
	bool integral;
	long x;

	if (plan_is_null(v))
		return 0;
	if (v->type != YAML_SCALAR_NODE ||
	    v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    !number_syntax(scalar(v), &integral) || !integral)
		return bad_number(ctx, v, name, "an integer");
	errno = 0;
	x = strtol(scalar(v), NULL, 10);
	if (errno == ERANGE || x < INT_MIN || x > INT_MAX)
		return plan_fail(ctx, v->start_mark,
				 "integer out of range for '%s', got %s", name,
				 plan_excerpt(ctx, v));
	*out = (int)x;
	if (has)
		*has = true;
	return 0;
}

static int
parse_bool(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *out)
{
	const char *s;

	if (plan_is_null(v))
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
	return plan_fail(ctx, v->start_mark,
			 "expected true or false for '%s', got %s", name,
			 plan_excerpt(ctx, v));
}

int
plan_read_date(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	       tw_date *out)
{
	const char *s;
	int rc;

	if (plan_is_null(v))
		return 0;
	if ((rc = plan_get_scalar(ctx, v, name, "a date (YYYY-MM-DD)", &s)))
		return rc;
	if (date_parse(s, out, NULL))
		return plan_fail(ctx, v->start_mark,
				 "invalid date %s (expected YYYY-MM-DD)",
				 plan_excerpt(ctx, v));
	return 0;
}

static int
parse_dur(struct plan_ctx *ctx, yaml_node_t *v, const char *name, bool *has,
	  struct duration *out)
{
	struct tw_error e;
	const char *s;
	int rc;

	if (plan_is_null(v))
		return 0;
	if ((rc = plan_get_scalar(ctx, v, name, "a duration (14d, 10bd, 3w)",
				  &s)))
		return rc;
	if (duration_parse(s, out, &e)) {
		/* date.c's message quotes the whole value; keep long ones short. */
		if (strlen(s) <= 24 && !strpbrk(s, "\n\r\t"))
			return plan_fail(ctx, v->start_mark, "%s", e.msg);
		return plan_fail(ctx, v->start_mark,
				 "invalid duration %s (expected Nd, Nbd or Nw)",
				 plan_excerpt(ctx, v));
	}
	if (has)
		*has = true;
	return 0;
}
static int
parse_enum(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   enum_name_fn names, bool *has, int *out)
{
	struct strbuf choices = STRBUF_INIT;
	int rc;

	if (plan_is_null(v))
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
	rc = plan_fail(ctx, v->start_mark,
		       "expected one of %s for '%s', got %s", choices.buf, name,
		       plan_excerpt(ctx, v));
	strbuf_release(&choices);
	return rc;
}

bool
plan_key_is(const yaml_node_t *k, const char *name)
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
	struct suggest sg;
	int rc;

	suggest_init(&sg, (const char *)k->data.scalar.value);
	for (size_t i = 0; spec->fields[i].name; i++) {
		strbuf_addf(&names, "%s%s", i ? ", " : "",
			    spec->fields[i].name);
		suggest_add(&sg, spec->fields[i].name);
	}
	if (sg.best)
		rc = plan_fail(ctx, k->start_mark,
			       "unknown field %s in %s (did you mean '%s'?)",
			       plan_excerpt(ctx, k), spec->what, sg.best);
	else
		rc = plan_fail(ctx, k->start_mark,
			       "unknown field %s in %s (expected one of: %s)",
			       plan_excerpt(ctx, k), spec->what, names.buf);
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
int
plan_read_map(struct plan_ctx *ctx, yaml_node_t *node,
	      const struct map_spec *spec, size_t index, void *obj,
	      const char *desc, unsigned long long *given)
{
	const struct plan_field *fields = spec->fields;
	yaml_node_pair_t *start, *p, *q;
	unsigned long long seen = 0;	/* the fields so far, by index */
	int rc, failed = 0;

	if (node->type != YAML_MAPPING_NODE)
		return plan_fail(ctx, node->start_mark,
				 "expected a mapping for %s, got %s", desc,
				 plan_excerpt(ctx, node));
	if (spec->record && spec->is_entity)
		plan_add_mark(ctx, spec->entity, index, NULL, 0,
			      node->start_mark);
	if (given)
		*given = 0;
	start = node->data.mapping.pairs.start;
	for (p = start; p < node->data.mapping.pairs.top; p++) {
		yaml_node_t *k = plan_node(ctx, p->key);
		yaml_node_t *v = plan_node(ctx, p->value);
		int f = -1;

		if (k->type != YAML_SCALAR_NODE)
			return plan_fail(ctx, k->start_mark,
					 "expected a field name in %s, got %s",
					 spec->what, plan_excerpt(ctx, k));
		for (int i = 0; fields[i].name; i++)
			if (plan_key_is(k, fields[i].name))
				f = i;
		rc = f < 0 ? unknown_field(ctx, spec, k) : 0;
		for (q = start; !rc && q < p && (seen >> f & 1); q++) {
			yaml_node_t *k2 = plan_node(ctx, q->key);

			if (plan_key_is(k2, fields[f].name))
				rc = plan_fail(
					ctx, k->start_mark,
					"duplicate field '%s' in %s (first at "
					"line %zu, column %zu)",
					fields[f].name, spec->what,
					(size_t)k2->start_mark.line + 1,
					(size_t)k2->start_mark.column + 1);
		}
		if (rc == 0) {
			seen |= 1ULL << f;
			if ((rc = plan_visit(ctx, v)))
				return rc;
			if (spec->record)
				plan_add_mark(ctx, spec->entity, index,
					      fields[f].site ? fields[f].site
							     : fields[f].name,
					      0, v->start_mark);
			rc = read_field(ctx, spec, obj, index, f, v);
		}
		/* Collecting, the next field may have an error too. */
		if (rc && !go_on(ctx))
			return rc;
		failed = failed ? failed : rc;
		if (rc == 0 && given && !plan_is_null(v))
			*given |= 1ULL << f;
	}
	return failed;
}

static int
parse_list(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
	   item_fn fn)
{
	yaml_node_item_t *it;
	size_t i = 0;
	int rc, failed = 0;

	if (plan_is_null(v))
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return plan_fail(ctx, v->start_mark,
				 "expected a list for '%s', got %s", name,
				 plan_excerpt(ctx, v));
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *item = plan_node(ctx, *it);

		if ((rc = plan_visit(ctx, item)))
			return rc;
		/* Collecting, every item is read: each may have errors. */
		if ((rc = fn(ctx, item, i)) && !go_on(ctx))
			return rc;
		failed = failed ? failed : rc;
	}
	return failed;
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
		return plan_read_num(ctx, v, fl->name, has, m);
	case FT_INT:
		return plan_read_int(ctx, v, fl->name, has, m);
	case FT_BOOL:
		return parse_bool(ctx, v, fl->name, m);
	case FT_DATE:
		return plan_read_date(ctx, v, fl->name, m);
	case FT_DUR:
		return parse_dur(ctx, v, fl->name, has, m);
	case FT_ENUM:
		return parse_enum(ctx, v, fl->name, fl->names, has, m);
	case FT_MAP:
		if (plan_is_null(v))
			return 0;
		snprintf(desc, sizeof(desc), "'%s'", fl->name);
		return plan_read_map(ctx, v, fl->map, index, m, desc, NULL);
	case FT_LIST:
		return parse_list(ctx, v, fl->name, fl->item);
	default:
		return spec->own(ctx, obj, index, f, v);
	}
}

/* "'p95'" when the entity has a key, else its 1-based position. */
const char *
plan_label(struct plan_ctx *ctx, const char *key, size_t i)
{
	if (key)
		snprintf(ctx->excerpt, sizeof(ctx->excerpt), "'%.60s'", key);
	else
		snprintf(ctx->excerpt, sizeof(ctx->excerpt), "#%zu", i + 1);
	return ctx->excerpt;
}
