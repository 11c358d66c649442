/*
 * What both store backends (store-sqlite.c, store-pg.c) know about the model
 * without knowing their database: the field tables that describe every
 * table and column over the model structs, the text a value takes in
 * history rows, field equality, the checks a deal passes before any write,
 * and the DML of a child table. Driving everything from one set of tables
 * means a column cannot be forgotten in one backend or in one of the
 * statements, reads, binds and comparisons of either.
 *
 * Internal to src/store/: the rest of techwin sees only store.h.
 */
#ifndef TW_STORE_FIELDS_H
#define TW_STORE_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "core/model.h"
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
};

/*
 * One column of a table and one field of a struct. name is the column, the
 * field name in history rows and the name in plan files and JSON.
 */
struct field {
	const char *name;
	enum ftype type;
	size_t off;
	size_t aux;
	const struct enum_desc *en;
};

/* The columns of the deals table after id and slug. */
extern const struct field deal_fields[];
extern const size_t ndeal_fields;

/*
 * A child table. Keyed tables match old and new children by fields[0];
 * the others (playbook steps, touches) by position.
 */
struct table {
	const char *entity;	/* in history rows */
	const char *sql;	/* table name */
	bool keyed;
	const struct field *fields;
	size_t nfields;
	size_t (*count)(const struct deal *d);
	void *(*at)(const struct deal *d, size_t i);
	void *(*add)(struct deal *d);
};

/* Holidays, criteria, events, risks, phases, playbook steps, touches. */
#define NTABLES 7
extern const struct table store_tables[NTABLES];

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

/* ---- values ----------------------------------------------------------- */

bool field_equal(const struct field *f, const void *a, const void *b);

/* Whether a and b, children of table tb, have the same key. */
bool table_key_equal(const struct table *tb, const void *a, const void *b);

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
 * F_DUR_OPT, F_ENUM) from a column's text, NULL for SQL NULL; other types
 * are the backend's to read. -1 when the text is no value of the field:
 * the database holds something techwin did not write.
 */
int field_from_text(const struct field *f, void *obj, const char *text);

/*
 * What the store itself relies on, checked before any write: a valid
 * slug, values a database holds faithfully, present and unique keys.
 */
int fields_check_deal(const struct deal *d, struct tw_error *err);

/* ---- history timestamps ----------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SSZ" by shape (digits where the pattern has 9s). */
bool history_is_timestamp(const char *s);

/*
 * A well-formed TECHWIN_NOW into buf, so golden tests can show history
 * with fixed timestamps; false (buf untouched) when it is not set.
 */
bool history_fixed_now(char *buf, size_t size);

/* This machine's clock, UTC, as a history timestamp. */
void history_local_now(char *buf, size_t size);

/* ---- SQL from the field tables ------------------------------------------ */

/* The statements of a child table, by table_sql. */
enum { T_INSERT, T_UPDATE, T_DELETE, T_SELECT, T_MAX };

/* ", \"col\"" for each field but lists (kept in a table of their own). */
void add_column_list(struct strbuf *sb, const struct field *f, size_t n);

/*
 * DML for a child table, with parameters written mark and a number ('?'
 * for SQLite, '$' for PostgreSQL). They are numbered the same way in insert
 * and update (1 deal_id, 2 pos, 3... the columns in field order) so one
 * bind function serves both; delete takes 1 deal_id and 2 key or pos;
 * select takes 1 deal_id and returns pos, then the columns.
 */
void table_sql(const struct table *t, int which, char mark, struct strbuf *sb);

#endif
