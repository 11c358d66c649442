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
#include "core/schema.h"
#include "util/error.h"
#include "util/strbuf.h"

/*
 * The field tables themselves live in core/schema.h (schema_deal,
 * schema_tables), with what can be done with one field: compare, copy,
 * write as text.
 */

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
void table_sql(const struct schema_table *t, int which, char mark,
	       struct strbuf *sb);

#endif
