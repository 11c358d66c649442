/*
 * The model schema: one table per entity of model.h that names every field,
 * its type and where it lives in the struct. Everything that walks a deal
 * field by field is driven from here, so adding a field means model.h, a
 * line in schema.c and a migration per backend:
 *
 *   - deal_copy() and deal_release() (model.c);
 *   - the store's columns, reads, binds, comparisons and history rows
 *     (store/fields.c and both backends);
 *   - the JSON names and the request fields the API accepts (formats/json.c,
 *     web/api.c);
 *   - the verbs' arguments (core/actions.h), whichever entry point parsed
 *     them: CLI options, JSON keys and form inputs are named here.
 *
 * core/: libc and util only.
 */
#ifndef TW_CORE_SCHEMA_H
#define TW_CORE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/model.h"
#include "core/validate.h"
#include "util/error.h"
#include "util/strbuf.h"

enum ftype {
	F_STR,		/* char *, NULL = absent */
	F_INT,		/* int */
	F_INT_OPT,	/* int, with a bool has_ flag at aux */
	F_REAL,		/* double */
	F_REAL_OPT,	/* double, with a bool has_ flag at aux */
	F_BOOL,		/* bool */
	F_DATE,		/* tw_date, DATE_NONE = absent */
	F_DUR,		/* struct duration */
	F_DUR_OPT,	/* struct duration, with a bool has_ flag at aux */
	F_ENUM,		/* an int-sized enum, stored by name */
	F_LIST,		/* char **, count (size_t) at aux; a separate table */
};

struct enum_desc {
	const char *(*name)(int v);
	int (*parse)(const char *s, int *out);
	const char *choices;	/* "technical or commercial", for errors */
};

/* What a field is to the people who edit it. */
enum field_flag {
	FL_LINE = 1 << 0,	/* single-line text: no control characters */
	FL_MULTI = 1 << 1,	/* multi-line text: LF and TAB allowed */
	FL_REQ = 1 << 2,	/* needed to create the entity */
	FL_RO = 1 << 3,		/* changed by its own verb, never by "set" */
	FL_KEY = 1 << 4,	/* the entity's key: names it, never changes */
	FL_EMAIL = 1 << 5,	/* one RFC 5322 addr-spec */
	/*
	 * An F_LIST of keys kept in the entity's own row, joined by ','
	 * (NULL when empty), rather than in a table of its own.
	 */
	FL_JOINED = 1 << 6,
};

/*
 * One field of a struct and one column of a table. name is the column and
 * the field name in history rows; json is its name in JSON and forms (NULL:
 * the same as name); CLI options are json with '_' written '-'.
 */
struct field {
	const char *name;
	enum ftype type;
	size_t off;
	size_t aux;
	const struct enum_desc *en;
	const char *json;
	unsigned flags;
};

/* The JSON (and form, and CLI option) name of f. */
static inline const char *
field_json_name(const struct field *f)
{
	return f->json ? f->json : f->name;
}

/*
 * An entity: the deal itself (whose fields come after its slug) or one kind
 * of child. Keyed children are matched by fields[0]; the others (playbook
 * steps, touches) by position.
 */
struct schema_table {
	const char *entity;	/* "criterion", in history rows and errors */
	const char *sql;	/* "criteria": table name, JSON list name */
	enum entity_kind kind;
	bool keyed;
	const struct field *fields;
	size_t nfields;
	size_t size;		/* sizeof the struct */
	size_t arr, n;		/* offsets of the array and count in a deal */
	size_t (*count)(const struct deal *d);
	void *(*at)(const struct deal *d, size_t i);
	void *(*add)(struct deal *d);
};

/* The deal's own fields after the slug. */
extern const struct schema_table schema_deal;

/*
 * Holidays, criteria, events, risks, phases, playbook steps, touches,
 * acknowledged findings and share links (the last two database-only, as
 * the snooze).
 */
#define SCHEMA_NTABLES 9
extern const struct schema_table schema_tables[SCHEMA_NTABLES];
enum { T_HOLIDAY, T_CRITERION, T_EVENT, T_RISK, T_PHASE, T_STEP, T_TOUCH,
       T_ACK, T_LINK };

/*
 * A list field (F_LIST) is a table of its own, one row per element: the
 * deal's id, the key column of the entity holding the list, the element's
 * pos in the list and the element itself (text).
 */
struct schema_list {
	const struct schema_table *owner;	/* phases */
	const char *field;			/* "criteria", F_LIST in owner */
	const char *sql;			/* "phase_criteria" */
	const char *column;			/* "criterion" */
};

#define SCHEMA_NLISTS 1
extern const struct schema_list schema_lists[SCHEMA_NLISTS];

/* The table of an entity kind (ENT_DEAL: schema_deal). */
const struct schema_table *schema_table_of(enum entity_kind e);
/* The field of tb named name (or, when json, by its JSON name); NULL. */
const struct field *schema_field(const struct schema_table *tb,
				 const char *name, bool json);

/*
 * The JSON (and form) name of the field a validation error is at: the
 * plan-file name translated ("poc.end" is "poc_end", a criterion's
 * "at_most" is "required"). site->field is not NULL.
 */
const char *schema_site_field(const struct validation_site *site);

/* ---- reaching a field of a struct ------------------------------------- */

static inline const void *
fptr(const struct field *f, const void *obj)
{
	return (const char *)obj + f->off;
}

static inline bool
fhas(const struct field *f, const void *obj)
{
	return *(const bool *)((const char *)obj + f->aux);
}

static inline int
fenum(const struct field *f, const void *obj)
{
	int v;

	memcpy(&v, fptr(f, obj), sizeof(v));
	return v;
}

static inline char *const *
flist(const struct field *f, const void *obj, size_t *n)
{
	*n = *(const size_t *)((const char *)obj + f->aux);
	return *(char *const *const *)fptr(f, obj);
}

/* Whether the field is a column of the entity's row (not a list table). */
static inline bool
field_in_row(const struct field *f)
{
	return f->type != F_LIST || (f->flags & FL_JOINED);
}

/* Whether the field holds a value (an optional one may be absent). */
bool field_present(const struct field *f, const void *obj);

/* ---- values ----------------------------------------------------------- */

bool field_equal(const struct field *f, const void *a, const void *b);

/* Whether a and b, children of table tb, have the same key. */
bool table_key_equal(const struct schema_table *tb, const void *a,
		     const void *b);
/*
 * The bytes of obj's key, child of keyed table tb (a text's characters, a
 * number's bytes), in *len: equal keys have equal bytes, so a keymap finds
 * them. NULL when the key is an absent text.
 */
const void *table_key_bytes(const struct schema_table *tb, const void *obj,
			    size_t *len);

/* Free what the field owns and leave it absent. */
void field_release(const struct field *f, void *obj);
/* dst's field becomes a deep copy of src's (dst's old value released). */
void field_copy(const struct field *f, void *dst, const void *src);

/* Every field of an entity of tb: release, deep copy (dst uninitialised). */
void schema_release(const struct schema_table *tb, void *obj);
void schema_copy(const struct schema_table *tb, void *dst, const void *src);

/*
 * Shortest text that reads back as the same double, so history shows "9"
 * and "0.1", never "0.10000000000000001", and a database that takes the
 * value as text stores exactly the double it was given. size >= 32.
 */
void format_real(double v, char *buf, size_t size);

/* The field as history text in sb; NULL when the field is absent. */
const char *field_text(const struct field *f, const void *obj,
		       struct strbuf *sb);

/*
 * Set a field that both databases keep as text (F_STR, F_DATE, F_DUR,
 * F_DUR_OPT, F_ENUM, an FL_JOINED F_LIST) from a column's text, NULL for
 * SQL NULL; other types
 * are the backend's to read. -1 when the text is no value of the field:
 * the database holds something techwin did not write.
 */
int field_from_text(const struct field *f, void *obj, const char *text);

/*
 * Values from what a person typed, with the errors every entry point gives:
 * TW_EINPUT "LABEL: expected a number, got 'x'" (label is "--value" on the
 * command line, the field's name elsewhere).
 */
int value_parse_number(const char *label, const char *s, double *out,
		       struct tw_error *err);
int value_parse_int(const char *label, const char *s, int *out,
		    struct tw_error *err);
int value_parse_date(const char *label, const char *s, tw_date *out,
		     struct tw_error *err);
int value_parse_duration(const char *label, const char *s,
			 struct duration *out, struct tw_error *err);

/*
 * Set any field from text: numbers, dates ("2026-12-04"), durations
 * ("3w"), enum names, lists as comma-separated keys; "" clears an optional
 * field. TW_EINPUT naming label (NULL: the field's JSON name) when the
 * text is no value of the field. The old value is released.
 */
int field_parse(const struct field *f, void *obj, const char *label,
		const char *text, struct tw_error *err);

#endif
