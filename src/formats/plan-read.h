/*
 * Reading the YAML nodes of a plan file (plan-read.c): typed values with
 * file:line:column messages, and mappings walked against a field table.
 * Shared by plan.c's tables and plan_parse(); not part of plan.h.
 */
#ifndef TW_PLAN_READ_H
#define TW_PLAN_READ_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

#include "core/model.h"
#include "core/validate.h"
#include "util/error.h"

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
	size_t budget;		/* node visits left, see plan_visit() */
	size_t aholidays;	/* room in d->holidays */
	yaml_mark_t root_mark;
	char excerpt[128];
	/*
	 * Collecting (more not NULL): an error in one field or list item
	 * does not stop the walk; the first is err's, the others lines of
	 * more. nerrors counts them all; hard stops the walk all the same.
	 */
	struct strbuf *more;
	size_t nerrors;
	bool hard;
	bool playbook_only;	/* a playbook file (plan_parse_playbook) */
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

/* Set "FILE:LINE:COL: message" in ctx->err; returns TW_EINPUT. */
/*
 * The mapping that reads an entity of kind e (the deal, a criterion, an
 * event, a risk, a phase, a playbook step), NULL for the others: for the
 * test that holds the plan file's fields to the model schema.
 */
const struct map_spec *plan_entity_spec(enum entity_kind e);

/*
 * Load buf with libyaml into doc (plan-load.c), refusing what a plan file
 * must not hold: nesting past PLAN_MAX_DEPTH, aliases that expand it past
 * PLAN_MAX_EXPANDED, an alias inside its own anchor, a second document.
 * 0 with doc to yaml_document_delete(), or TW_EINPUT (doc is then empty).
 */
int plan_load(struct plan_ctx *ctx, const char *buf, size_t len,
	      yaml_document_t *doc);

int plan_fail(struct plan_ctx *ctx, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Remember where a field (NULL: the entity itself) was written. */
void plan_add_mark(struct plan_ctx *ctx, enum entity_kind entity,
		   size_t index, const char *field, size_t item,
		   yaml_mark_t mark);
yaml_node_t *plan_node(struct plan_ctx *ctx, int id);
/* Draw on the visit budget that bounds alias expansion. */
int plan_visit(struct plan_ctx *ctx, yaml_node_t *n);
/* A plain empty, "~" or "null" scalar: the field is absent. */
bool plan_is_null(const yaml_node_t *n);
/* A short, single-line rendering of n for messages (in ctx). */
const char *plan_excerpt(struct plan_ctx *ctx, const yaml_node_t *n);
int plan_get_scalar(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
		    const char *expected, const char **out);
/* Typed scalars; null leaves *out (and *has) untouched. */
int plan_read_num(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
		  bool *has, double *out);
int plan_read_int(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
		  bool *has, int *out);
int plan_read_date(struct plan_ctx *ctx, yaml_node_t *v, const char *name,
		   tw_date *out);
bool plan_key_is(const yaml_node_t *k, const char *name);
/*
 * Walk a mapping against spec's field table into obj. *given (may be NULL)
 * gets a bit for each field, by index, with a value that is not null.
 */
int plan_read_map(struct plan_ctx *ctx, yaml_node_t *node,
		  const struct map_spec *spec, size_t index, void *obj,
		  const char *desc, unsigned long long *given);
/* "'p95'" when the entity has a key, else its 1-based position. */
const char *plan_label(struct plan_ctx *ctx, const char *key, size_t i);

#endif
