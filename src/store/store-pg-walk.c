/*
 * The PostgreSQL backend: walking every deal with its children, one at
 * a time, through cursors in one snapshot (deal_each).
 */
#include "store/diff.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store-pg-internal.h"
#include "store/store-pg.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- every deal, one at a time ----------------------------------------- */

/*
 * deal_each reads one snapshot (its own read-only repeatable-read
 * transaction, or the caller's) through one server-side cursor for the
 * deals and one per child table, each ordered by the deal's slug in byte
 * order as deal_list is, so one pass merges them: a deal's children are
 * the rows a cursor is on while their deal id is the deal's. Nine
 * statements for the whole pipeline instead of eight per deal, and cursors
 * fetched in batches so neither side holds the pipeline in memory.
 */
#define EACH_BATCH 1000

struct each_cursor {
	char name[24];
	PGresult *res;		/* the current batch */
	int row;
	bool open;		/* declared, to be closed */
	bool done;		/* no batch after this one */
};

/*
 * SQL of cursor t: a child table, phase_criteria at SCHEMA_NTABLES. Deals are
 * joined as a subquery of two renamed columns so the child's own columns
 * (add_column_list, unqualified) can never be ambiguous.
 */
static void
each_sql(size_t t, bool open_only, struct strbuf *sb)
{
	const char *where = open_only ? " WHERE outcome = 'open'" : "";

	if (t == SCHEMA_NTABLES)
		strbuf_addstr(sb, "SELECT deal_id, number, criterion "
			      "FROM phase_criteria");
	else {
		strbuf_addstr(sb, "SELECT deal_id, pos");
		add_column_list(sb, schema_tables[t].fields,
				schema_tables[t].nfields);
		strbuf_addf(sb, " FROM %s", schema_tables[t].sql);
	}
	strbuf_addf(sb, " JOIN (SELECT id AS tw_id, slug AS tw_slug "
		    "FROM deals%s) d ON d.tw_id = deal_id "
		    "ORDER BY d.tw_slug COLLATE \"C\", %s", where,
		    t == SCHEMA_NTABLES ? "number, pos" : "pos");
}

static int
each_declare(struct pg_store *s, struct each_cursor *c, const char *name,
	     const char *sql, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	snprintf(c->name, sizeof(c->name), "%s", name);
	strbuf_addf(&sb, "DECLARE %s NO SCROLL CURSOR FOR %s", c->name, sql);
	rc = pg_run(s, sb.buf, err);
	strbuf_release(&sb);
	c->open = !rc;
	return rc;
}

static bool
each_on_row(const struct each_cursor *c)
{
	return c->res && c->row < PQntuples(c->res);
}

/* Fetch the next batch once the current one is used up. */
static int
each_fill(struct pg_store *s, struct each_cursor *c, struct tw_error *err)
{
	char sql[64];
	int rc;

	if (each_on_row(c) || c->done)
		return 0;
	PQclear(c->res);
	c->res = NULL;
	c->row = 0;
	snprintf(sql, sizeof(sql), "FETCH %d FROM %s", EACH_BATCH, c->name);
	rc = pg_query(s, sql, NULL, &c->res, err);
	if (rc)
		return rc;
	c->done = PQntuples(c->res) < EACH_BATCH;
	return 0;
}

static int
each_next(struct pg_store *s, struct each_cursor *c, struct tw_error *err)
{
	c->row++;
	return each_fill(s, c, err);
}

/* True while cursor c is on a row of deal id. */
static bool
each_at(const struct each_cursor *c, long long id)
{
	return each_on_row(c) && pg_value_ll(c->res, c->row, 0) == id;
}

/* Read deal id's children from every cursor into d, in position order. */
static int
each_children(struct pg_store *s, struct each_cursor *cur, long long id,
	      struct deal *d, struct tw_error *err)
{
	struct each_cursor *pc = &cur[SCHEMA_NTABLES];
	struct phase_finder finder = PHASE_FINDER_INIT;
	int rc = 0;

	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++) {
		const struct schema_table *tb = &schema_tables[t];

		while (!rc && each_at(&cur[t], id)) {
			rc = pg_read_fields(s, cur[t].res, cur[t].row, 2,
					    tb->fields, tb->nfields, tb->add(d),
					    err);
			if (!rc)
				rc = each_next(s, &cur[t], err);
		}
	}
	while (!rc && each_at(pc, id)) {
		deal_phase_add_criterion(
			d, (int)pg_value_ll(pc->res, pc->row, 1),
			PQgetvalue(pc->res, pc->row, 2), &finder);
		rc = each_next(s, pc, err);
	}
	phase_finder_release(&finder);
	return rc;
}

int
pg_deal_each(struct store *st, bool open_only,
	     int (*fn)(const struct deal *d, void *arg, struct tw_error *err),
	     void *arg, struct tw_error *err)
{
	struct pg_store *s = to_pg(st);
	struct each_cursor cur[SCHEMA_NTABLES + 2];
	struct each_cursor *deals = &cur[SCHEMA_NTABLES + 1];
	struct strbuf sb = STRBUF_INIT;
	char name[24];
	int rc;

	memset(cur, 0, sizeof(cur));
	rc = pg_op_begin(s, false, true, err);
	if (rc)
		return rc;
	for (size_t t = 0; t <= SCHEMA_NTABLES && !rc; t++) {
		strbuf_reset(&sb);
		each_sql(t, open_only, &sb);
		snprintf(name, sizeof(name), "tw_each_%zu", t);
		rc = each_declare(s, &cur[t], name, sb.buf, err);
		if (!rc)
			rc = each_fill(s, &cur[t], err);
	}
	if (!rc)
		rc = each_declare(s, deals, "tw_each_deals",
				  s->sql[S_DEAL_LIST], err);
	if (!rc)
		rc = each_fill(s, deals, err);
	while (!rc && each_on_row(deals)) {
		struct deal d;
		long long id;

		deal_init(&d);
		rc = pg_read_deal_row(s, deals->res, deals->row, &d, &id, err);
		if (!rc && (!open_only || d.outcome == OUTCOME_OPEN)) {
			rc = each_children(s, cur, id, &d, err);
			if (!rc)
				rc = fn(&d, arg, err);
		}
		deal_release(&d);
		if (!rc)
			rc = each_next(s, deals, err);
	}
	/*
	 * In the caller's transaction the cursors outlive the walk unless
	 * closed (a failed transaction has dropped them already); our own
	 * transaction's end closes them.
	 */
	for (size_t t = 0; t < SCHEMA_NTABLES + 2; t++) {
		PQclear(cur[t].res);
		if (cur[t].open && s->in_tx &&
		    PQtransactionStatus(s->conn) != PQTRANS_INERROR) {
			strbuf_reset(&sb);
			strbuf_addf(&sb, "CLOSE %s", cur[t].name);
			pg_run(s, sb.buf, NULL);
		}
	}
	strbuf_release(&sb);
	return pg_op_end(s, false, true, rc, err);
}
