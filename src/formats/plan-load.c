/*
 * Loading a plan file with libyaml (plan-read.h's plan_load()): the node
 * tree yaml_parser_load() would build, composed here from the parser's
 * events so that a hostile file is refused while it is read, at the
 * place that makes it so:
 *   - nesting deeper than PLAN_MAX_DEPTH ('[' * 100000 made libyaml's
 *     scanner, which checks every open level at every token, quadratic);
 *   - aliases that expand the document past PLAN_MAX_EXPANDED (2,000
 *     aliases of a 1 MiB value made a 2 GB deal): every value counts its
 *     bytes plus one, an alias what its anchor counted, and the alias that
 *     goes past the limit is named;
 *   - an alias inside the node it refers to (a cycle);
 *   - a second document.
 * Anchors are found through a keymap, where libyaml searches a list.
 */
#include "formats/plan.h"
#include "formats/plan-read.h"
#include "util/keymap.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct anchor {
	char *name;		/* taken from the event */
	int id;
	size_t start;		/* the expanded size when it opened */
	size_t size;		/* its own, once closed */
	bool open;
	yaml_mark_t mark;
};

struct composer {
	struct plan_ctx *ctx;
	yaml_document_t *doc;
	struct anchor *anchors;
	size_t nanchors, aanchors;
	struct keymap names;	/* anchor name -> index in anchors */
	struct open_node {
		int id;
		int key;	/* a mapping's key waiting for its value */
		size_t anchor;	/* index + 1 in anchors, or 0 */
	} stack[PLAN_MAX_DEPTH];
	size_t depth;
	size_t size;		/* the document's, aliases expanded */
	int docs;
};

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
		return plan_fail(ctx, m, "out of memory while reading YAML");
	case YAML_READER_ERROR:
		m = offset_mark(buf, len, p->problem_offset);
		if (p->problem_value != -1)
			return plan_fail(ctx, m, "%s (byte 0x%02x)", problem,
					 (unsigned)p->problem_value & 0xffu);
		return plan_fail(ctx, m, "%s", problem);
	default:
		break;
	}
	if (p->context)
		return plan_fail(ctx, m, "%s (%s at line %zu, column %zu)",
				 problem, p->context,
				 (size_t)p->context_mark.line + 1,
				 (size_t)p->context_mark.column + 1);
	return plan_fail(ctx, m, "%s", problem);
}

/*
 * Push value on a libyaml stack (start, top, end), doubling it when full:
 * the arrays are libyaml's, which yaml_document_delete() frees.
 */
#define PUSH(st, value)                                                      \
	do {                                                                 \
		if ((st).top == (st).end) {                                  \
			size_t used_ = (size_t)((st).top - (st).start);      \
			size_t cap_ = used_ ? 2 * used_ : 16;                \
			(st).start = xrealloc((st).start,                    \
					      cap_ * sizeof(*(st).start));   \
			(st).top = (st).start + used_;                       \
			(st).end = (st).start + cap_;                        \
		}                                                            \
		*(st).top++ = (value);                                       \
	} while (0)

/*
 * A new node from the event, as libyaml's composer makes it: the event's
 * tag is taken (none and "!" get the default one of the type).
 */
static int
new_node(struct composer *c, yaml_node_type_t type, yaml_char_t **tag,
	 const yaml_event_t *ev)
{
	static const char *const defaults[] = {
		[YAML_SCALAR_NODE] = YAML_DEFAULT_SCALAR_TAG,
		[YAML_SEQUENCE_NODE] = YAML_DEFAULT_SEQUENCE_TAG,
		[YAML_MAPPING_NODE] = YAML_DEFAULT_MAPPING_TAG,
	};
	yaml_node_t n;

	memset(&n, 0, sizeof(n));
	n.type = type;
	if (*tag && strcmp((char *)*tag, "!")) {
		n.tag = *tag;
		*tag = NULL;
	} else {
		n.tag = (yaml_char_t *)xstrdup(defaults[type]);
	}
	n.start_mark = ev->start_mark;
	n.end_mark = ev->end_mark;
	PUSH(c->doc->nodes, n);
	return (int)(c->doc->nodes.top - c->doc->nodes.start);
}

/* The node id the event made goes into its parent, if any. */
static void
attach(struct composer *c, int id)
{
	struct open_node *top;
	yaml_node_t *parent;
	yaml_node_pair_t pair;

	if (!c->depth)
		return;
	top = &c->stack[c->depth - 1];
	parent = &c->doc->nodes.start[top->id - 1];
	if (parent->type == YAML_SEQUENCE_NODE) {
		PUSH(parent->data.sequence.items, id);
	} else if (!top->key) {
		top->key = id;
	} else {
		pair.key = top->key;
		pair.value = id;
		PUSH(parent->data.mapping.pairs, pair);
		top->key = 0;
	}
}

/* Count n more bytes of the expanded document. */
static int
grow(struct composer *c, size_t n, yaml_mark_t mark, bool alias)
{
	c->size += n;
	if (c->size <= PLAN_MAX_EXPANDED)
		return 0;
	if (alias)
		return plan_fail(c->ctx, mark,
				 "aliases expand the plan past %d MiB, the "
				 "limit for a plan file",
				 PLAN_MAX_EXPANDED >> 20);
	return plan_fail(c->ctx, mark,
			 "the plan is larger than %d MiB, the limit for a "
			 "plan file",
			 PLAN_MAX_EXPANDED >> 20);
}

/*
 * The anchor on a new node (*name, taken from the event), registered
 * open: an alias to it is only allowed once it closes. Returns its index
 * + 1 in *slot, 0 without an anchor.
 */
static int
anchor_open(struct composer *c, yaml_char_t **name, int id,
	    yaml_mark_t mark, size_t *slot)
{
	struct anchor *a;
	size_t first;

	*slot = 0;
	if (!*name)
		return 0;
	first = keymap_get_str(&c->names, (char *)*name);
	if (first != KEYMAP_NONE)
		return plan_fail(c->ctx, mark,
				 "found duplicate anchor '&%s' (first at line "
				 "%zu, column %zu)",
				 (char *)*name,
				 (size_t)c->anchors[first].mark.line + 1,
				 (size_t)c->anchors[first].mark.column + 1);
	ALLOC_GROW(c->anchors, c->nanchors + 1, c->aanchors);
	a = &c->anchors[c->nanchors];
	memset(a, 0, sizeof(*a));
	a->name = (char *)*name;
	*name = NULL;
	a->id = id;
	a->start = c->size;
	a->open = true;
	a->mark = mark;
	keymap_add_str(&c->names, a->name, c->nanchors);
	*slot = ++c->nanchors;
	return 0;
}

static void
anchor_close(struct composer *c, size_t slot)
{
	struct anchor *a;

	if (!slot)
		return;
	a = &c->anchors[slot - 1];
	a->size = c->size - a->start;
	a->open = false;
}

static int
add_scalar(struct composer *c, yaml_event_t *ev)
{
	int id = new_node(c, YAML_SCALAR_NODE, &ev->data.scalar.tag, ev);
	yaml_node_t *n = &c->doc->nodes.start[id - 1];
	size_t slot;
	int rc;

	n->data.scalar.value = ev->data.scalar.value;
	n->data.scalar.length = ev->data.scalar.length;
	n->data.scalar.style = ev->data.scalar.style;
	ev->data.scalar.value = NULL;
	if ((rc = anchor_open(c, &ev->data.scalar.anchor, id, ev->start_mark,
			      &slot)) ||
	    (rc = grow(c, n->data.scalar.length + 1, ev->start_mark, false)))
		return rc;
	anchor_close(c, slot);
	attach(c, id);
	return 0;
}

static int
add_alias(struct composer *c, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t i = keymap_get_str(&c->names, name);
	int rc;

	if (i == KEYMAP_NONE)
		return plan_fail(c->ctx, ev->start_mark,
				 "found undefined alias");
	if (c->anchors[i].open)
		return plan_fail(c->ctx, ev->start_mark,
				 "alias '*%s' is inside the node it refers to",
				 name);
	if ((rc = grow(c, c->anchors[i].size, ev->start_mark, true)))
		return rc;
	attach(c, c->anchors[i].id);
	return 0;
}

static int
open_collection(struct composer *c, yaml_event_t *ev)
{
	bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
	struct open_node *o;
	yaml_node_t *n;
	int id, rc;

	if (c->depth == PLAN_MAX_DEPTH)
		return plan_fail(c->ctx, ev->start_mark,
				 "nested deeper than %d levels, the limit for "
				 "a plan file",
				 PLAN_MAX_DEPTH);
	if (seq)
		id = new_node(c, YAML_SEQUENCE_NODE,
			      &ev->data.sequence_start.tag, ev);
	else
		id = new_node(c, YAML_MAPPING_NODE,
			      &ev->data.mapping_start.tag, ev);
	n = &c->doc->nodes.start[id - 1];
	if (seq)
		n->data.sequence.style = ev->data.sequence_start.style;
	else
		n->data.mapping.style = ev->data.mapping_start.style;
	attach(c, id);
	o = &c->stack[c->depth++];
	o->id = id;
	o->key = 0;
	if ((rc = anchor_open(c,
			      seq ? &ev->data.sequence_start.anchor
				  : &ev->data.mapping_start.anchor,
			      id, ev->start_mark, &o->anchor)))
		return rc;
	return grow(c, 1, ev->start_mark, false);
}

static void
close_collection(struct composer *c, const yaml_event_t *ev)
{
	struct open_node *o = &c->stack[--c->depth];

	c->doc->nodes.start[o->id - 1].end_mark = ev->end_mark;
	anchor_close(c, o->anchor);
}

static int
compose_event(struct composer *c, yaml_event_t *ev, bool *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (c->docs++)
			return plan_fail(c->ctx, ev->start_mark,
					 "expected a single YAML document, "
					 "found another");
		c->doc->start_mark = ev->start_mark;
		return 0;
	case YAML_DOCUMENT_END_EVENT:
		c->doc->end_mark = ev->end_mark;
		return 0;
	case YAML_STREAM_END_EVENT:
		*done = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return add_alias(c, ev);
	case YAML_SCALAR_EVENT:
		return add_scalar(c, ev);
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		return open_collection(c, ev);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		close_collection(c, ev);
		return 0;
	default:
		return 0;
	}
}

int
plan_load(struct plan_ctx *ctx, const char *buf, size_t len,
	  yaml_document_t *doc)
{
	struct composer c = { .ctx = ctx, .doc = doc };
	yaml_mark_t origin = { 0, 0, 0 };
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;
	int rc = 0;

	memset(doc, 0, sizeof(*doc));
	doc->start_implicit = doc->end_implicit = 1;
	if (!yaml_parser_initialize(&parser))
		return plan_fail(ctx, origin, "cannot initialize YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!rc && !done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = yaml_fail(ctx, &parser, buf, len);
			break;
		}
		rc = compose_event(&c, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < c.nanchors; i++)
		free(c.anchors[i].name);
	free(c.anchors);
	keymap_release(&c.names);
	if (rc)
		yaml_document_delete(doc);
	return rc;
}
