/*
 * The store suite: written against the store interface (store_open and the
 * ops), so every backend runs the same checks. It runs once on SQLite and,
 * when TW_TEST_PG_URL names a PostgreSQL server (tests/pg/with-cluster.sh
 * starts a throwaway one), once more on PostgreSQL, each test in a schema
 * of its own; TW_TEST_SQLITE=0 leaves the SQLite run out. Checks that look
 * at raw rows (no row rewritten, cascades, the append-only history, schema
 * versions) go through the backend's own handle, store_sqlite_handle() or
 * store_pg_conn(); the few that only make sense on one backend (pragmas,
 * file bytes) are skipped on the other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/commercial.h"
#include "core/model.h"
#include "core/schema.h"
#include "store/copy.h"
#include "store/deals.h"
#include "store/inputs.h"
#include "store/notify.h"
#include "store/store-pg.h"
#include "store/store-internal.h"
#include "store/store.h"
#include "store/workspace.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void fdrv_fail(const char *fmt, ...);
#include "../fuzz/findings-driver.h"

enum backend { BACKEND_SQLITE, BACKEND_PG };

/* The backend this run of the suite is for. */
static enum backend backend;
/*
 * PostgreSQL: one database for the run, each test's workspace in a schema
 * of its own (a search_path in its URL, as a team sharing a database
 * would have it), which is much quicker to make than a database.
 */
static char pg_db[64];
static PGconn *pg_admin;
static unsigned pg_seq;

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];		/* SQLite: the database file */
	char schema[64];		/* PostgreSQL: the test's schema */
	char location[PATH_MAX * 2];	/* what store_open is given */
	struct store *st;
};

/* ---- PostgreSQL test databases ---------------------------------------- */

/* Percent-encode a URL query value. */
static void
url_add_value(struct strbuf *sb, const char *v)
{
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			strbuf_addch(sb, c);
		else
			strbuf_addf(sb, "%%%02X", c);
	}
}

/*
 * A URL on the server TW_TEST_PG_URL names (its host, port, user and
 * password) for database dbname and, when schema is set, that schema
 * first on the search path, with more server options after it.
 */
static void
pg_url(const char *dbname, const char *schema, const char *options,
       char *out, size_t size)
{
	static const char *const keep[] = { "host", "hostaddr", "port",
					    "user", "password", "sslmode" };
	PQconninfoOption *opts = PQconninfoParse(getenv("TW_TEST_PG_URL"),
						 NULL);
	struct strbuf sb = STRBUF_INIT;
	char sep = '?';

	assert_non_null(opts);
	strbuf_addf(&sb, "postgresql:///%s", dbname);
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
			if (strcmp(o->keyword, keep[i]) || !o->val)
				continue;
			strbuf_addf(&sb, "%c%s=", sep, o->keyword);
			url_add_value(&sb, o->val);
			sep = '&';
		}
	}
	PQconninfoFree(opts);
	if (schema)
		strbuf_addf(&sb, "%coptions=-csearch_path%%3D%s%s%s", sep,
			    schema, options ? "%20" : "", options ? options : "");
	assert_true(sb.len < size);
	snprintf(out, size, "%s", sb.buf);
	strbuf_release(&sb);
}

static void
pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static PGconn *
pg_connect(const char *url)
{
	PGconn *c = PQconnectdb(url);

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", url, PQerrorMessage(c));
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	return c;
}

/* Run sql on c; returns whether it succeeded (the error is in c). */
static bool
pg_try(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);

	PQclear(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static void
pg_ok(PGconn *c, const char *sql)
{
	if (!pg_try(c, sql))
		fail_msg("%s: %s", sql, PQerrorMessage(c));
}

/* The one value sql returns, as text (NULL as ""). */
static void
pg_text(PGconn *c, const char *sql, char *out, size_t size)
{
	PGresult *res = PQexec(c, sql);

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
}

static long long
pg_int(PGconn *c, const char *sql)
{
	char buf[64];

	pg_text(c, sql, buf, sizeof(buf));
	return strtoll(buf, NULL, 10);
}

/* A new, empty schema; the URL of a workspace there in url. */
static void
pg_new_workspace(char *name, size_t nsize, char *url, size_t usize)
{
	char sql[128];

	snprintf(name, nsize, "tw_test_%u", ++pg_seq);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA %s", name);
	pg_ok(pg_admin, sql);
	pg_url(pg_db, name, NULL, url, usize);
}

static void
pg_drop_workspace(const char *name)
{
	char sql[128];

	snprintf(sql, sizeof(sql), "DROP SCHEMA IF EXISTS %s CASCADE", name);
	pg_ok(pg_admin, sql);
}

static int
pg_group_setup(void **state)
{
	PGconn *server = pg_connect(getenv("TW_TEST_PG_URL"));
	char sql[128], url[PATH_MAX];

	(void)state;
	snprintf(pg_db, sizeof(pg_db), "tw_test_%ld", (long)getpid());
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_db);
	pg_ok(server, sql);
	PQfinish(server);
	pg_url(pg_db, NULL, NULL, url, sizeof(url));
	pg_admin = pg_connect(url);
	/* Nothing but the tests' own schemas: no public to fall back on. */
	pg_ok(pg_admin, "DROP SCHEMA public");
	return 0;
}

static int
pg_group_teardown(void **state)
{
	PGconn *server = pg_connect(getenv("TW_TEST_PG_URL"));
	char sql[128];

	(void)state;
	PQfinish(pg_admin);
	pg_admin = NULL;
	snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", pg_db);
	pg_ok(server, sql);
	PQfinish(server);
	return 0;
}

static tw_date
ymd(int y, int m, int d)
{
	tw_date v = date_from_ymd(y, m, d);

	assert_int_not_equal(v, DATE_NONE);
	return v;
}

static void
fixture_path(struct fixture *fx, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", fx->dir, name);

	assert_true(n > 0 && (size_t)n < size);
}

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	struct tw_error err = { 0 };

	snprintf(fx->dir, sizeof(fx->dir), "%s/tw-store-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(fx->dir));
	fixture_path(fx, "techwin.db", fx->path, sizeof(fx->path));
	if (backend == BACKEND_PG)
		pg_new_workspace(fx->schema, sizeof(fx->schema), fx->location,
			     sizeof(fx->location));
	else
		snprintf(fx->location, sizeof(fx->location), "%s", fx->path);
	unsetenv("TECHWIN_NOW");
	if (store_open(&fx->st, fx->location, STORE_CREATE, "tester", &err))
		fail_msg("store_open: %s", err.msg);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	struct dirent *de;
	DIR *dir;

	store_close(fx->st);
	if (fx->schema[0])
		pg_drop_workspace(fx->schema);
	dir = opendir(fx->dir);
	while (dir && (de = readdir(dir))) {
		char p[PATH_MAX * 2];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	if (dir)
		closedir(dir);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* ---- a deal with every field and every kind of child ----------------- */

static void
add_criterion(struct deal *d, const char *key, enum direction dir,
	      double required)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->direction = dir;
	c->required = required;
}

static void
make_deal(struct deal *d, const char *slug)
{
	struct criterion *c;
	struct event *e;
	struct risk *r;
	struct phase *p;
	struct step *s;
	struct touch *t;

	deal_init(d);
	d->slug = xstrdup(slug);
	d->account = xstrdup("Acme Corp");
	d->stage = xstrdup("poc");
	d->has_value = true;
	d->value = 120000.5;
	d->currency = xstrdup("EUR");
	d->ae = xstrdup("Ann Example");
	d->se = xstrdup("Sam Example");
	d->has_procurement_days = true;
	d->procurement_days = 20;
	d->champion = xstrdup("Chris Champion");
	d->champion_email = xstrdup("chris@acme.example");
	d->poc_start = ymd(2026, 3, 2);
	d->poc_end = ymd(2026, 3, 27);
	d->close_date = ymd(2026, 6, 30);
	d->outcome = OUTCOME_OPEN;

	deal_add_holiday(d, ymd(2026, 4, 6));
	deal_add_holiday(d, ymd(2026, 4, 3));

	/* Not in key order, so the store must keep file order. */
	add_criterion(d, "throughput", DIR_AT_LEAST, 1000);
	c = &d->criteria[0];
	c->metric = xstrdup("events ingested per second");
	c->unit = xstrdup("events/s");

	add_criterion(d, "p95-latency", DIR_AT_MOST, 250);
	c = &d->criteria[1];
	c->metric = xstrdup("p95 query latency");
	c->unit = xstrdup("ms");
	c->has_measured = true;
	c->measured = 180.5;
	c->measured_on = ymd(2026, 3, 20);
	c->has_growth = true;
	c->growth_pct = 30;
	c->outcome = xstrdup("dashboards load before the morning stand-up");

	add_criterion(d, "ingest-time", DIR_AT_MOST, 15);
	c = &d->criteria[2];
	c->metric = xstrdup("nightly ingest");
	c->unit = xstrdup("min");
	c->has_measured = true;
	c->measured = 9;
	c->measured_on = ymd(2026, 3, 18);

	e = deal_add_event(d);
	e->key = xstrdup("kickoff");
	e->kind = EVENT_TECHNICAL;
	e->title = xstrdup("POC kickoff");
	e->owner = xstrdup("Sam Example");
	e->date = ymd(2026, 3, 2);
	e->done = ymd(2026, 3, 2);
	e = deal_add_event(d);
	e->key = xstrdup("exec-summary");
	e->kind = EVENT_COMMERCIAL;
	e->title = xstrdup("Executive summary to the buyer");
	e->owner = xstrdup("Ann Example");
	e->date = ymd(2026, 3, 31);
	e->after = xstrdup("kickoff");

	r = deal_add_risk(d);
	r->key = xstrdup("gdpr");
	r->title = xstrdup("GDPR audit");
	r->kind = RISK_COMPLIANCE;
	r->deadline = ymd(2026, 10, 29);
	r->buffer = (struct duration){ 14, DUR_DAYS };
	r->duration = (struct duration){ 75, DUR_DAYS };
	r = deal_add_risk(d);
	r->key = xstrdup("peak");
	r->title = xstrdup("Black Friday peak");
	r->kind = RISK_SCALING;
	r->deadline = ymd(2026, 11, 27);
	r->buffer = (struct duration){ 10, DUR_BDAYS };
	r->duration = (struct duration){ 6, DUR_WEEKS };

	p = deal_add_phase(d);
	p->number = 1;
	p->name = xstrdup("Pilot");
	p->scope = xstrdup("one region");
	p->has_price = true;
	p->price = 50000;
	p->justification = xstrdup("latency and throughput proven");
	p->ncriteria = 2;
	p->criteria = xcalloc(2, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("p95-latency");
	p->criteria[1] = xstrdup("throughput");
	p->has_duration = true;
	p->duration = (struct duration){ 6, DUR_WEEKS };
	p->nrisks = 2;
	p->risks = xcalloc(2, sizeof(*p->risks));
	p->risks[0] = xstrdup("peak");
	p->risks[1] = xstrdup("gdpr");
	p = deal_add_phase(d);
	p->number = 2;
	p->name = xstrdup("Full rollout");
	p->scope = xstrdup("every region");

	s = deal_add_step(d);
	s->title = xstrdup("executive summary");
	s->offset = 2;
	s->kind = EVENT_COMMERCIAL;
	s = deal_add_step(d);
	s->title = xstrdup("commercial terms");
	s->offset = 4;
	s->kind = EVENT_COMMERCIAL;
	s = deal_add_step(d);
	s->title = xstrdup("contract execution");
	s->offset = 6;
	s->kind = EVENT_COMMERCIAL;
	s->plus_procurement = true;

	t = deal_add_touch(d);
	t->type = xstrdup("buying-signal");
	t->date = ymd(2026, 3, 21);
	t->channel = xstrdup("email");
	t->criterion = xstrdup("p95-latency");
	t = deal_add_touch(d);
	t->type = xstrdup("compress");
	t->date = ymd(2026, 3, 24);
	t->channel = xstrdup("call");
}

static size_t
deal_children(const struct deal *d)
{
	return d->nholidays + d->ncriteria + d->nevents + d->nrisks +
	       d->nphases + d->nplaybook + d->ntouches;
}

/* ---- comparing deals -------------------------------------------------- */

static void
assert_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
assert_dur_eq(const struct duration *a, const struct duration *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->unit, b->unit);
}

static void
assert_opt_real_eq(bool ha, double a, bool hb, double b)
{
	assert_int_equal(ha, hb);
	if (ha)
		assert_true(a == b);
}

static void
scalars_equal(const struct deal *a, const struct deal *b)
{
	assert_str_eq(a->slug, b->slug);
	assert_str_eq(a->account, b->account);
	assert_str_eq(a->stage, b->stage);
	assert_opt_real_eq(a->has_value, a->value, b->has_value, b->value);
	assert_str_eq(a->currency, b->currency);
	assert_str_eq(a->ae, b->ae);
	assert_str_eq(a->se, b->se);
	assert_int_equal(a->has_procurement_days, b->has_procurement_days);
	if (a->has_procurement_days)
		assert_int_equal(a->procurement_days, b->procurement_days);
	assert_str_eq(a->champion, b->champion);
	assert_str_eq(a->champion_email, b->champion_email);
	assert_int_equal(a->poc_start, b->poc_start);
	assert_int_equal(a->poc_end, b->poc_end);
	assert_int_equal(a->close_date, b->close_date);
	assert_int_equal(a->outcome, b->outcome);
	assert_int_equal(a->snooze_until, b->snooze_until);
	assert_str_eq(a->snooze_reason, b->snooze_reason);
	assert_str_eq(a->crm_source, b->crm_source);
	assert_str_eq(a->crm_id, b->crm_id);
}

static void
deal_equal(const struct deal *a, const struct deal *b)
{
	scalars_equal(a, b);

	assert_int_equal(a->nholidays, b->nholidays);
	for (size_t i = 0; i < a->nholidays; i++)
		assert_int_equal(a->holidays[i], b->holidays[i]);

	assert_int_equal(a->ncriteria, b->ncriteria);
	for (size_t i = 0; i < a->ncriteria; i++) {
		const struct criterion *x = &a->criteria[i];
		const struct criterion *y = &b->criteria[i];

		assert_str_eq(x->key, y->key);
		assert_str_eq(x->metric, y->metric);
		assert_str_eq(x->unit, y->unit);
		assert_int_equal(x->direction, y->direction);
		assert_true(x->required == y->required);
		assert_opt_real_eq(x->has_measured, x->measured,
				   y->has_measured, y->measured);
		assert_int_equal(x->measured_on, y->measured_on);
		assert_opt_real_eq(x->has_growth, x->growth_pct, y->has_growth,
				   y->growth_pct);
		assert_str_eq(x->outcome, y->outcome);
	}

	assert_int_equal(a->nevents, b->nevents);
	for (size_t i = 0; i < a->nevents; i++) {
		const struct event *x = &a->events[i], *y = &b->events[i];

		assert_str_eq(x->key, y->key);
		assert_int_equal(x->kind, y->kind);
		assert_str_eq(x->title, y->title);
		assert_str_eq(x->owner, y->owner);
		assert_int_equal(x->date, y->date);
		assert_int_equal(x->done, y->done);
		assert_str_eq(x->after, y->after);
	}

	assert_int_equal(a->nrisks, b->nrisks);
	for (size_t i = 0; i < a->nrisks; i++) {
		const struct risk *x = &a->risks[i], *y = &b->risks[i];

		assert_str_eq(x->key, y->key);
		assert_str_eq(x->title, y->title);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->deadline, y->deadline);
		assert_dur_eq(&x->buffer, &y->buffer);
		assert_dur_eq(&x->duration, &y->duration);
	}

	assert_int_equal(a->nphases, b->nphases);
	for (size_t i = 0; i < a->nphases; i++) {
		const struct phase *x = &a->phases[i], *y = &b->phases[i];

		assert_int_equal(x->number, y->number);
		assert_str_eq(x->name, y->name);
		assert_str_eq(x->scope, y->scope);
		assert_opt_real_eq(x->has_price, x->price, y->has_price,
				   y->price);
		assert_str_eq(x->justification, y->justification);
		assert_int_equal(x->ncriteria, y->ncriteria);
		for (size_t j = 0; j < x->ncriteria; j++)
			assert_str_eq(x->criteria[j], y->criteria[j]);
		assert_int_equal(x->nrisks, y->nrisks);
		for (size_t j = 0; j < x->nrisks; j++)
			assert_str_eq(x->risks[j], y->risks[j]);
		assert_int_equal(x->has_duration, y->has_duration);
		if (x->has_duration)
			assert_dur_eq(&x->duration, &y->duration);
	}

	assert_int_equal(a->nplaybook, b->nplaybook);
	for (size_t i = 0; i < a->nplaybook; i++) {
		const struct step *x = &a->playbook[i], *y = &b->playbook[i];

		assert_str_eq(x->title, y->title);
		assert_int_equal(x->offset, y->offset);
		assert_int_equal(x->kind, y->kind);
		assert_int_equal(x->plus_procurement, y->plus_procurement);
	}

	assert_int_equal(a->ntouches, b->ntouches);
	for (size_t i = 0; i < a->ntouches; i++) {
		const struct touch *x = &a->touches[i], *y = &b->touches[i];

		assert_str_eq(x->type, y->type);
		assert_int_equal(x->date, y->date);
		assert_str_eq(x->channel, y->channel);
		assert_str_eq(x->criterion, y->criterion);
	}
}

/* ---- helpers over the interface --------------------------------------- */

static void
put_ok(struct store *st, const struct deal *d)
{
	struct tw_error err = { 0 };
	int rc = store_deal_put(st, d, &err);

	if (rc)
		fail_msg("deal_put: %s", err.msg);
}

static void
get_ok(struct store *st, const char *slug, struct deal *out)
{
	struct tw_error err = { 0 };
	int rc = store_deal_get(st, slug, out, &err);

	if (rc)
		fail_msg("deal_get: %s", err.msg);
}

static void
history_ok(struct store *st, const char *slug, struct history_list *out)
{
	struct tw_error err = { 0 };

	assert_int_equal(store_history(st, slug, out, &err), 0);
}

static size_t
history_count(struct store *st, const char *slug)
{
	struct history_list h;
	size_t n;

	history_ok(st, slug, &h);
	n = h.n;
	history_list_release(&h);
	return n;
}

static void
assert_history(const struct history_entry *h, const char *entity,
	       const char *key, const char *field, const char *old_value,
	       const char *new_value)
{
	assert_str_eq(h->entity, entity);
	assert_str_eq(h->key, key);
	assert_str_eq(h->field, field);
	assert_str_eq(h->old_value, old_value);
	assert_str_eq(h->new_value, new_value);
}

/* Put d and return the history rows it added (caller releases). */
static void
put_and_diff(struct store *st, const struct deal *d, struct history_list *out)
{
	struct history_list all;
	size_t before = history_count(st, NULL);

	put_ok(st, d);
	history_ok(st, NULL, &all);
	assert_true(all.n >= before);
	memset(out, 0, sizeof(*out));
	for (size_t i = before; i < all.n; i++) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		out->items[out->n++] = all.items[i];
		memset(&all.items[i], 0, sizeof(all.items[i]));
	}
	history_list_release(&all);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t n = 0, alloc = 0, got;

	assert_non_null(f);
	do {
		ALLOC_GROW(buf, n + 4096, alloc);
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void
assert_same_bytes(const unsigned char *a, size_t na, const char *path)
{
	size_t nb;
	unsigned char *b = slurp(path, &nb);

	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(b);
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
							    SQLITE_OPEN_CREATE,
					 NULL),
			 SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

static void
raw_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *stmt;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
}

static bool
is_sqlite(struct store *st)
{
	return store_sqlite_handle(st) != NULL;
}

static PGconn *
pg_handle(struct store *st)
{
	return (PGconn *)store_pg_conn(st);
}

/* A one-integer query on the store's own connection, either backend. */
static long long
raw_count(struct store *st, const char *sql)
{
	if (is_sqlite(st))
		return raw_int(store_sqlite_handle(st), sql);
	return pg_int(pg_handle(st), sql);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_put_get_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_and_diff(fx->st, &d, &h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);

	/* One "*" row for the deal and one per child, not one per field. */
	assert_int_equal(h.n, 1 + deal_children(&d));
	assert_history(&h.items[0], "deal", "", "*", NULL, "created");
	for (size_t i = 0; i < h.n; i++) {
		const char *at = h.items[i].at;

		assert_string_equal(h.items[i].field, "*");
		assert_string_equal(h.items[i].new_value, "created");
		assert_string_equal(h.items[i].actor, "tester");
		assert_string_equal(h.items[i].deal, "acme");
		assert_int_equal(strlen(at), 20);
		assert_true(at[4] == '-' && at[7] == '-' && at[10] == 'T' &&
			    at[13] == ':' && at[16] == ':' && at[19] == 'Z');
	}
	assert_history(&h.items[1], "holiday", "2026-04-03", "*", NULL,
		       "created");
	assert_history(&h.items[3], "criterion", "throughput", "*", NULL,
		       "created");
	history_list_release(&h);
	deal_release(&got);
	deal_release(&d);
}

static void
test_minimal_deal(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;

	deal_init(&d);
	d.slug = xstrdup("bare");
	put_ok(fx->st, &d);
	get_ok(fx->st, "bare", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

static void
test_list_sorted_scalars(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal a, b, c;
	struct deal_list l;

	make_deal(&a, "beta");
	make_deal(&b, "alpha");
	xstrset(&b.account, "Alpha Ltd");
	b.has_value = false;
	deal_init(&c);
	c.slug = xstrdup("gamma-2");
	put_ok(fx->st, &a);
	put_ok(fx->st, &b);
	put_ok(fx->st, &c);

	assert_int_equal(store_deal_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 3);
	scalars_equal(&l.items[0], &b);
	scalars_equal(&l.items[1], &a);
	scalars_equal(&l.items[2], &c);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(deal_children(&l.items[i]), 0);
	deal_list_release(&l);
	deal_release(&a);
	deal_release(&b);
	deal_release(&c);
}

static void
test_update_measurement(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	deal_find_criterion(&d, "p95-latency")->measured = 170;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 1);
	assert_history(&h.items[0], "criterion", "p95-latency", "measured",
		       "180.5", "170");
	assert_string_equal(h.items[0].deal, "acme");
	assert_string_equal(h.items[0].actor, "tester");
	history_list_release(&h);

	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

/*
 * A criterion that does not scale with load keeps saying so, and saying it
 * again goes back: one history row each way.
 */
static void
test_scales_with_load(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	get_ok(fx->st, "acme", &got);
	assert_true(deal_find_criterion(&got, "throughput")->scales_with_load);
	deal_release(&got);

	deal_find_criterion(&d, "throughput")->scales_with_load = false;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 1);
	assert_history(&h.items[0], "criterion", "throughput",
		       "scales_with_load", "true", "false");
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	assert_false(deal_find_criterion(&got, "throughput")->scales_with_load);
	assert_true(deal_find_criterion(&got, "p95-latency")->scales_with_load);
	deal_release(&got);

	deal_find_criterion(&d, "throughput")->scales_with_load = true;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 1);
	assert_history(&h.items[0], "criterion", "throughput",
		       "scales_with_load", "false", "true");
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

/*
 * PostgreSQL: every row's version (xmin, ctid) in the deal tables. A
 * rewritten row, even with the same values, gets a new one.
 */
static char *
pg_row_versions(PGconn *c)
{
	static const char *const tables[] = {
		"deals", "holidays", "criteria", "events", "risks",
		"phases", "phase_criteria", "playbook", "touches",
	};
	struct strbuf sql = STRBUF_INIT;
	char *out = xmalloc(65536);

	strbuf_addstr(&sql, "SELECT concat_ws('|'");
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		strbuf_addf(&sql,
			    ", (SELECT string_agg(xmin::text || ctid::text, "
			    "',' ORDER BY ctid) FROM %s)",
			    tables[i]);
	strbuf_addch(&sql, ')');
	pg_text(c, sql.buf, out, 65536);
	strbuf_release(&sql);
	return out;
}

static void
test_reput_identical(void **state)
{
	struct fixture *fx = *state;
	struct deal d, copy, got;
	sqlite3 *db = store_sqlite_handle(fx->st);
	PGconn *pg = pg_handle(fx->st);
	char *versions = NULL, *after;
	int changes;
	size_t n;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	n = history_count(fx->st, NULL);
	changes = db ? sqlite3_total_changes(db) : 0;
	if (pg)
		versions = pg_row_versions(pg);

	deal_copy(&copy, &d);
	put_ok(fx->st, &copy);
	get_ok(fx->st, "acme", &got);
	put_ok(fx->st, &got);

	assert_int_equal(history_count(fx->st, NULL), n);
	/* Not only no history: no row written at all. */
	if (db)
		assert_int_equal(sqlite3_total_changes(db), changes);
	if (pg) {
		after = pg_row_versions(pg);
		assert_true(strlen(versions) > 100);
		assert_string_equal(after, versions);
		free(after);
		free(versions);
	}
	deal_release(&got);
	deal_release(&copy);
	deal_release(&d);
}

static void
test_delete_children(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);

	/* Drop the second event and the last touch. */
	event_release(&d.events[1]);
	d.nevents = 1;
	touch_release(&d.touches[1]);
	d.ntouches = 1;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 2);
	assert_history(&h.items[0], "event", "exec-summary", "*", "deleted",
		       NULL);
	assert_history(&h.items[1], "touch", "2", "*", "deleted", NULL);
	history_list_release(&h);

	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

static void
test_field_kinds(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;
	struct criterion *c;
	struct phase *p;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);

	d.outcome = OUTCOME_WON;				/* enum */
	d.has_procurement_days = false;				/* int gone */
	d.events[1].done = ymd(2026, 3, 30);			/* date set */
	d.risks[0].buffer = (struct duration){ 3, DUR_WEEKS };	/* duration */
	d.playbook[0].plus_procurement = true;			/* bool */
	c = deal_find_criterion(&d, "throughput");
	c->has_measured = true;					/* number set */
	c->measured = 0.1;
	p = deal_find_phase(&d, 1);				/* list */
	free(p->criteria[1]);
	p->ncriteria = 1;
	deal_add_holiday(&d, ymd(2026, 5, 1));			/* holiday */
	xstrset(&d.touches[0].channel, NULL);			/* text gone */

	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 9);
	assert_history(&h.items[0], "deal", "", "procurement_days", "20",
		       NULL);
	assert_history(&h.items[1], "deal", "", "outcome", "open", "won");
	assert_history(&h.items[2], "holiday", "2026-05-01", "*", NULL,
		       "created");
	assert_history(&h.items[3], "criterion", "throughput", "measured",
		       NULL, "0.1");
	assert_history(&h.items[4], "event", "exec-summary", "done", NULL,
		       "2026-03-30");
	assert_history(&h.items[5], "risk", "gdpr", "buffer", "14d", "3w");
	assert_history(&h.items[6], "phase", "1", "criteria",
		       "p95-latency,throughput", "p95-latency");
	assert_history(&h.items[7], "step", "1", "plus_procurement", "false",
		       "true");
	assert_history(&h.items[8], "touch", "1", "channel", "email", NULL);
	history_list_release(&h);

	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

static void
test_order_preserved(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;
	struct criterion tc;
	struct phase tp;
	struct step ts;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);

	/* throughput, p95, ingest -> ingest, throughput, p95. */
	tc = d.criteria[2];
	d.criteria[2] = d.criteria[1];
	d.criteria[1] = d.criteria[0];
	d.criteria[0] = tc;
	tp = d.phases[0];
	d.phases[0] = d.phases[1];
	d.phases[1] = tp;
	/* Moving keyed children changes no field: no history. */
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 0);
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	assert_string_equal(got.criteria[0].key, "ingest-time");
	assert_int_equal(got.phases[0].number, 2);
	deal_release(&got);

	/* Steps are matched by position: swapping rewrites both. */
	ts = d.playbook[0];
	d.playbook[0] = d.playbook[1];
	d.playbook[1] = ts;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 4);
	assert_history(&h.items[0], "step", "1", "title", "executive summary",
		       "commercial terms");
	assert_history(&h.items[1], "step", "1", "offset", "2", "4");
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

static void
test_rekey_child(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	/* A new key is a different criterion: one deleted, one created. */
	xstrset(&d.criteria[2].key, "ingest");
	d.phases[1].number = 3;
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 4);
	assert_history(&h.items[0], "criterion", "ingest-time", "*",
		       "deleted", NULL);
	assert_history(&h.items[1], "criterion", "ingest", "*", NULL,
		       "created");
	assert_history(&h.items[2], "phase", "2", "*", "deleted", NULL);
	assert_history(&h.items[3], "phase", "3", "*", NULL, "created");
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

static void
test_delete_deal(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct history_list h;
	struct deal d, got;
	static const char *const tables[] = {
		"holidays", "criteria", "events", "risks", "phases",
		"phase_criteria", "playbook", "touches",
	};

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	assert_int_equal(store_deal_delete(fx->st, "acme", &err), 0);
	assert_int_equal(store_deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);

	history_ok(fx->st, "acme", &h);
	assert_int_equal(h.n, 2 + deal_children(&d));
	assert_history(&h.items[h.n - 1], "deal", "", "*", "deleted", NULL);
	history_list_release(&h);

	/* The children went with it: foreign keys cascade. */
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
			 tables[i]);
		assert_int_equal(raw_count(fx->st, sql), 0);
	}

	/* And the slug can be used again. */
	put_ok(fx->st, &d);
	deal_release(&d);
}

static void
test_unknown_deal(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct history_list h;
	struct deal got;

	assert_int_equal(store_deal_get(fx->st, "nope", &got, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown deal 'nope'");
	deal_release(&got);
	tw_error_clear(&err);
	assert_int_equal(store_deal_delete(fx->st, "nope", &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown deal 'nope'");
	assert_int_equal(history_count(fx->st, NULL), 0);
	history_ok(fx->st, "nope", &h);
	assert_int_equal(h.n, 0);
	history_list_release(&h);
}

static void
test_history_filter(void **state)
{
	struct fixture *fx = *state;
	struct deal a, b;
	struct history_list h;

	make_deal(&a, "one");
	deal_init(&b);
	b.slug = xstrdup("two");
	put_ok(fx->st, &a);
	put_ok(fx->st, &b);
	xstrset(&a.stage, "proposal");
	put_ok(fx->st, &a);

	history_ok(fx->st, "two", &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.items[0].deal, "two");
	history_list_release(&h);

	history_ok(fx->st, NULL, &h);
	assert_int_equal(h.n, 1 + deal_children(&a) + 1 + 1);
	for (size_t i = 1; i < h.n; i++)
		assert_true(h.items[i].id > h.items[i - 1].id);
	assert_string_equal(h.items[h.n - 1].deal, "one");
	assert_history(&h.items[h.n - 1], "deal", "", "stage", "poc",
		       "proposal");
	history_list_release(&h);
	deal_release(&a);
	deal_release(&b);
}

static void
test_history_time_override(void **state)
{
	struct fixture *fx = *state;
	struct deal d;
	struct history_list h;

	setenv("TECHWIN_NOW", "2026-01-02T03:04:05Z", 1);
	deal_init(&d);
	d.slug = xstrdup("timed");
	put_ok(fx->st, &d);
	unsetenv("TECHWIN_NOW");
	history_ok(fx->st, "timed", &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.items[0].at, "2026-01-02T03:04:05Z");
	history_list_release(&h);
	deal_release(&d);
}

static void
test_bad_deal_rejected(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, bad, got;

	make_deal(&d, "acme");
	deal_copy(&bad, &d);
	xstrset(&bad.criteria[1].key, "throughput");
	assert_int_equal(store_deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "duplicate criterion 'throughput'");
	assert_int_equal(store_deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 0);

	xstrset(&bad.slug, "Not A Slug");
	assert_int_equal(store_deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	deal_release(&bad);

	/* Inside a transaction a failed put leaves the rest alone. */
	assert_int_equal(store_begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	deal_copy(&bad, &d);
	xstrset(&bad.slug, "other");
	bad.criteria[0].required = NAN;
	assert_int_equal(store_deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	assert_int_equal(store_commit(fx->st, &err), 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	assert_int_equal(store_deal_get(fx->st, "other", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	deal_release(&bad);
	deal_release(&d);
}

static void
test_transactions(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, got;

	make_deal(&d, "acme");
	assert_int_equal(store_begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	get_ok(fx->st, "acme", &got);		/* visible inside */
	deal_release(&got);
	assert_int_equal(store_setting_set(fx->st, "k", "v", &err), 0);
	store_rollback(fx->st);

	assert_int_equal(store_deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 0);

	/* A put after the rollback runs in its own transaction again. */
	assert_int_equal(store_begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	assert_int_equal(store_commit(fx->st, &err), 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 1 + deal_children(&d));

	/* Commit and rollback without begin. */
	assert_int_equal(store_commit(fx->st, &err), TW_ESTORE);
	store_rollback(fx->st);
	deal_release(&d);
}

/*
 * SQLite writes a new deal inside a transaction without a savepoint, and
 * takes it back out when a write fails half-way (store-sqlite.c,
 * undo_create); a failure it cannot take back fails the commit.
 */
static void
test_failed_create_in_transaction(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = store_sqlite_handle(fx->st);
	struct tw_error err = { 0 };
	struct deal a, b, big, got;
	char key[16];

	if (!db)
		skip();
	make_deal(&a, "acme");
	make_deal(&b, "other");
	assert_true(b.nrisks > 0 && b.ncriteria > 0);
	/* Its risks go in after its row, criteria and events. */
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TEMP TRIGGER boom BEFORE INSERT "
				      "ON main.risks WHEN NEW.deal_id = (SELECT "
				      "id FROM deals WHERE slug = 'other') "
				      "BEGIN SELECT RAISE(ABORT, 'boom'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(store_begin(fx->st, &err), 0);
	put_ok(fx->st, &a);
	assert_int_equal(store_deal_put(fx->st, &b, &err), TW_ESTORE);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM deals"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM criteria"),
			 a.ncriteria);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM events"), a.nevents);
	assert_int_equal(store_commit(fx->st, &err), 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&a, &got);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 1 + deal_children(&a));
	assert_int_equal(history_count(fx->st, "other"), 0);

	/* Its second history statement fails: the first cannot be undone. */
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	deal_init(&big);
	big.slug = xstrdup("big");
	for (int i = 0; i < 70; i++) {
		struct criterion *c = deal_add_criterion(&big);

		snprintf(key, sizeof(key), "k%d", i);
		c->key = xstrdup(key);
		c->direction = DIR_AT_MOST;
		c->required = 1;
	}
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TEMP TRIGGER boom2 BEFORE INSERT "
				      "ON main.history WHEN NEW.\"key\" = 'k69' "
				      "BEGIN SELECT RAISE(ABORT, 'boom'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(store_begin(fx->st, &err), 0);
	put_ok(fx->st, &b);
	assert_int_equal(store_deal_put(fx->st, &big, &err), TW_ESTORE);
	assert_int_equal(store_deal_put(fx->st, &b, &err), TW_ESTORE);
	assert_int_equal(store_commit(fx->st, &err), TW_ESTORE);
	assert_string_equal(err.msg, "transaction was rolled back after an "
				     "earlier error");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM deals"), 1);
	assert_int_equal(history_count(fx->st, NULL), 1 + deal_children(&a));
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom2", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	deal_release(&big);
	deal_release(&b);
	deal_release(&a);
}

static void
test_settings(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	char *v;

	assert_int_equal(store_setting_get(fx->st, "max_gap", &v, &err),
			 0);
	assert_null(v);
	assert_int_equal(store_setting_set(fx->st, "max_gap", "5", &err),
			 0);
	assert_int_equal(store_setting_set(fx->st, "half_life", "10",
					   &err),
			 0);
	assert_int_equal(store_setting_set(fx->st, "max_gap", "7", &err),
			 0);
	assert_int_equal(store_setting_get(fx->st, "max_gap", &v, &err),
			 0);
	assert_string_equal(v, "7");
	free(v);
	assert_int_equal(store_setting_get(fx->st, "half_life", &v,
					   &err),
			 0);
	assert_string_equal(v, "10");
	free(v);
	assert_int_equal(store_setting_set(fx->st, "max_gap", NULL,
					   &err),
			 0);
	assert_int_equal(store_setting_get(fx->st, "max_gap", &v, &err),
			 0);
	assert_null(v);
}

/* Snoozing and clearing a snooze are field changes with history. */
static void
test_snooze_fields(void **state)
{
	struct fixture *fx = *state;
	struct deal d, got;
	struct history_list h;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	d.snooze_until = ymd(2026, 12, 4);
	d.snooze_reason = xstrdup("champion on leave");
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 2);
	assert_history(&h.items[0], "deal", "", "snooze_until", NULL,
		       "2026-12-04");
	assert_history(&h.items[1], "deal", "", "snooze_reason", NULL,
		       "champion on leave");
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	assert_int_equal(got.snooze_until, ymd(2026, 12, 4));
	assert_string_equal(got.snooze_reason, "champion on leave");
	deal_release(&got);

	d.snooze_until = DATE_NONE;
	xstrset(&d.snooze_reason, NULL);
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 2);
	assert_history(&h.items[0], "deal", "", "snooze_until", "2026-12-04",
		       NULL);
	assert_history(&h.items[1], "deal", "", "snooze_reason",
		       "champion on leave", NULL);
	history_list_release(&h);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);
}

/*
 * The CRM record id round-trips, shows up in the deal list (the import
 * matches on it), changes with history, and one CRM record cannot be
 * attached to two deals.
 */
static void
test_crm_fields(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, other, got;
	struct deal_list list;
	struct history_list h;

	make_deal(&d, "acme");
	d.crm_source = xstrdup("salesforce");
	d.crm_id = xstrdup("0065g00000AbCdEAAZ");
	put_ok(fx->st, &d);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	assert_string_equal(got.crm_source, "salesforce");
	assert_string_equal(got.crm_id, "0065g00000AbCdEAAZ");
	deal_release(&got);

	assert_int_equal(store_deal_list(fx->st, &list, &err), 0);
	assert_int_equal(list.n, 1);
	assert_string_equal(list.items[0].crm_source, "salesforce");
	assert_string_equal(list.items[0].crm_id, "0065g00000AbCdEAAZ");
	deal_list_release(&list);

	/* Putting it again is no change; a new id is one history row. */
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 0);
	history_list_release(&h);
	xstrset(&d.crm_id, "0065g00000ZzZzZAAZ");
	put_and_diff(fx->st, &d, &h);
	assert_int_equal(h.n, 1);
	assert_history(&h.items[0], "deal", "", "crm_id", "0065g00000AbCdEAAZ",
		       "0065g00000ZzZzZAAZ");
	history_list_release(&h);

	/* The same record on a second deal is refused, nothing written. */
	make_deal(&other, "beta");
	other.crm_source = xstrdup("salesforce");
	other.crm_id = xstrdup("0065g00000ZzZzZAAZ");
	assert_true(store_deal_put(fx->st, &other, &err) < 0);
	assert_int_equal(store_deal_get(fx->st, "beta", &got, &err),
			 TW_ENOTFOUND);
	/* The same id from another CRM is another record. */
	xstrset(&other.crm_source, "hubspot");
	put_ok(fx->st, &other);
	/* Deals without a CRM id do not collide with each other. */
	deal_release(&other);
	make_deal(&other, "gamma");
	put_ok(fx->st, &other);
	deal_release(&other);
	make_deal(&other, "delta");
	put_ok(fx->st, &other);
	get_ok(fx->st, "delta", &got);
	assert_null(got.crm_source);
	assert_null(got.crm_id);
	deal_release(&got);
	deal_release(&other);
	deal_release(&d);
}

/* The same on PostgreSQL, where the version lives in techwin_meta. */
static void
migrate_from_1_pg(struct fixture *fx, struct deal *d)
{
	struct tw_error err = { 0 };
	struct deal got;
	PGconn *c = pg_connect(fx->location);
	char v[16];

	pg_ok(c, "DROP TABLE eval_inputs;"
		 "ALTER TABLE evaluations DROP COLUMN inputs;"
		 "DROP TABLE workspace_playbook;"
		 "DROP INDEX evaluations_by_win, evaluations_by_progress,"
		 "  deals_by_value;"
		 "DROP INDEX history_renames;"
		 "ALTER TABLE events DROP COLUMN step;"
		 "ALTER TABLE playbook DROP COLUMN owner, DROP COLUMN \"key\";"
		 "ALTER TABLE phases DROP COLUMN risks;"
		 "DROP TABLE links;"
		 "ALTER TABLE events DROP COLUMN side, DROP COLUMN internal,"
		 "  DROP COLUMN proposed, DROP COLUMN proposed_note,"
		 "  DROP COLUMN proposed_on;"
		 "ALTER TABLE phases DROP COLUMN internal;"
		 "ALTER TABLE deals DROP COLUMN confirmed_by,"
		 "  DROP COLUMN confirmed_on;"
		 "DROP TABLE deliveries, webhooks, subscriptions, outbox;"
		 "DROP TABLE findings, evaluations, acks;"
		 "ALTER TABLE criteria DROP COLUMN scales_with_load;"
		 "DROP TABLE shares, tokens, sessions, users;"
		 "DROP INDEX deals_crm;"
		 "ALTER TABLE deals DROP COLUMN crm_id, DROP COLUMN crm_source,"
		 "  DROP COLUMN snooze_until, DROP COLUMN snooze_reason;"
		 "UPDATE techwin_meta SET value = '1'"
		 "  WHERE \"key\" = 'schema_version'");
	if (store_open(&fx->st, fx->location, STORE_OPEN_EXISTING, "tester",
		       &err))
		fail_msg("store_open: %s", err.msg);
	get_ok(fx->st, "acme", &got);
	deal_equal(d, &got);
	deal_release(&got);
	d->snooze_until = ymd(2026, 12, 4);
	d->snooze_reason = xstrdup("budget freeze");
	put_ok(fx->st, d);
	get_ok(fx->st, "acme", &got);
	deal_equal(d, &got);
	deal_release(&got);

	pg_text(c, "SELECT value FROM techwin_meta "
		   "WHERE \"key\" = 'schema_version'", v, sizeof(v));
	assert_int_equal(atoi(v), store_schema_version());
	assert_int_equal(pg_int(c, "SELECT count(*) FROM "
				   "information_schema.columns WHERE "
				   "table_schema = current_schema() AND "
				   "table_name = 'deals' AND "
				   "column_name = 'snooze_until'"),
			 1);
	PQfinish(c);
}

/*
 * A database at schema 1 (no snooze columns) is migrated on open and keeps
 * its deals, its criteria scaling with load; the snooze fields then work.
 */
static void
test_migrate_from_1(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, got;
	sqlite3 *db;

	make_deal(&d, "acme");
	/* Schema 1 had no phase risks: the rollback drops them. */
	field_release(schema_field(&schema_tables[T_PHASE], "risks", false),
		      &d.phases[0]);
	put_ok(fx->st, &d);
	store_close(fx->st);
	fx->st = NULL;
	if (backend == BACKEND_PG) {
		migrate_from_1_pg(fx, &d);
		deal_release(&d);
		return;
	}
	db = raw_open(fx->path);
	/* Undo every migration after 1, newest first. */
	assert_int_equal(sqlite3_exec(db,
				      "DROP TABLE eval_inputs;"
				      "ALTER TABLE evaluations DROP COLUMN "
				      "inputs;"
				      "DROP TABLE workspace_playbook;"
				      "DROP INDEX evaluations_by_win;"
				      "DROP INDEX evaluations_by_progress;"
				      "DROP INDEX deals_by_value;"
				      "DROP INDEX history_renames;"
				      "ALTER TABLE events DROP COLUMN step;"
				      "ALTER TABLE playbook DROP COLUMN owner;"
				      "ALTER TABLE playbook DROP COLUMN "
				      "\"key\";"
				      "ALTER TABLE phases DROP COLUMN risks;"
				      "DROP TABLE links;"
				      "ALTER TABLE events DROP COLUMN side;"
				      "ALTER TABLE events DROP COLUMN "
				      "internal;"
				      "ALTER TABLE events DROP COLUMN "
				      "proposed;"
				      "ALTER TABLE events DROP COLUMN "
				      "proposed_note;"
				      "ALTER TABLE events DROP COLUMN "
				      "proposed_on;"
				      "ALTER TABLE phases DROP COLUMN "
				      "internal;"
				      "ALTER TABLE deals DROP COLUMN "
				      "confirmed_by;"
				      "ALTER TABLE deals DROP COLUMN "
				      "confirmed_on;"
				      "DROP TABLE deliveries;"
				      "DROP TABLE webhooks;"
				      "DROP TABLE subscriptions;"
				      "DROP TABLE outbox;"
				      "DROP TABLE findings;"
				      "DROP TABLE evaluations;"
				      "DROP TABLE acks;"
				      "ALTER TABLE criteria DROP COLUMN "
				      "scales_with_load;"
				      "DROP TABLE shares; DROP TABLE tokens;"
				      "DROP TABLE sessions; DROP TABLE users;"
				      "DROP INDEX deals_crm;"
				      "ALTER TABLE deals DROP COLUMN crm_id;"
				      "ALTER TABLE deals DROP COLUMN "
				      "crm_source;"
				      "ALTER TABLE deals DROP COLUMN "
				      "snooze_until;"
				      "ALTER TABLE deals DROP COLUMN "
				      "snooze_reason;"
				      "PRAGMA user_version = 1;",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(&fx->st, fx->path, STORE_OPEN_EXISTING,
				    "tester", &err),
			 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	d.snooze_until = ymd(2026, 12, 4);
	d.snooze_reason = xstrdup("budget freeze");
	put_ok(fx->st, &d);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);

	db = raw_open(fx->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"),
			 store_schema_version());
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info"
				     "('deals') WHERE name = 'snooze_until'"),
			 1);
	sqlite3_close(db);
}

static void
test_reopen(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, got;
	sqlite3 *db;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	store_close(fx->st);
	fx->st = NULL;
	assert_int_equal(store_open(&fx->st, fx->location,
				    STORE_OPEN_EXISTING, "tester", &err),
			 0);
	assert_string_equal(store_actor(fx->st), "tester");
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);

	if (!is_sqlite(fx->st)) {
		char v[64];

		pg_text(pg_handle(fx->st),
			"SELECT value FROM techwin_meta "
			"WHERE \"key\" = 'schema_version'",
			v, sizeof(v));
		assert_int_equal(atoi(v), store_schema_version());
		pg_text(pg_handle(fx->st),
			"SELECT value FROM techwin_meta "
			"WHERE \"key\" = 'application'",
			v, sizeof(v));
		assert_string_equal(v, "techwin");
		return;
	}
	db = raw_open(fx->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"),
			 store_schema_version());
	assert_int_not_equal(raw_int(db, "PRAGMA application_id"), 0);
	sqlite3_close(db);
}

static void
test_pragmas(void **state)
{
	struct fixture *fx = *state;
	sqlite3 *db = store_sqlite_handle(fx->st), *raw;
	char mode[32];

	if (!db)
		skip();
	raw_text(db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(raw_int(db, "PRAGMA synchronous"), 2);	/* FULL */
	assert_int_equal(raw_int(db, "PRAGMA foreign_keys"), 1);

	/* WAL is a property of the file: another connection sees it. */
	raw = raw_open(fx->path);
	raw_text(raw, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	sqlite3_close(raw);
}

static void
test_history_append_only(void **state)
{
	struct fixture *fx = *state;
	struct deal d;
	sqlite3 *db;

	deal_init(&d);
	d.slug = xstrdup("acme");
	put_ok(fx->st, &d);
	deal_release(&d);

	if (backend == BACKEND_PG) {
		/* Another connection, as anyone with SQL access would. */
		PGconn *c = pg_connect(fx->location);
		static const char *const sql[] = {
			"UPDATE history SET actor = 'x'",
			"DELETE FROM history",
			"TRUNCATE history",
		};

		for (size_t i = 0; i < ARRAY_SIZE(sql); i++) {
			assert_false(pg_try(c, sql[i]));
			assert_non_null(strstr(PQerrorMessage(c),
					       "append-only"));
		}
		assert_int_equal(pg_int(c, "SELECT count(*) FROM history"), 1);
		PQfinish(c);
		return;
	}
	db = raw_open(fx->path);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE history SET actor = 'x'",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM history", NULL,
					  NULL, NULL),
			     SQLITE_OK);
	assert_non_null(strstr(sqlite3_errmsg(db), "append-only"));
	assert_int_equal(raw_int(db, "SELECT count(*) FROM history"), 1);
	sqlite3_close(db);
}

static void
test_open_missing(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store *st = (struct store *)1;
	char path[PATH_MAX];

	fixture_path(fx, "missing.db", path, sizeof(path));
	assert_int_equal(store_open(&st, path, STORE_OPEN_EXISTING, "t", &err),
			 TW_ESTORE);
	assert_null(st);
	assert_non_null(strstr(err.msg, "no database at '"));
	assert_int_not_equal(access(path, F_OK), 0);
}

static void
test_open_postgres_url(void **state)
{
	struct tw_error err = { 0 };
	struct store *st;

	static const char prefix[] =
		"cannot connect to 'postgresql://tw@127.0.0.1:1/tw': ";
	char buf[256];

	(void)state;
	/* Nothing listens on port 1: a URL goes to libpq, not to a file. */
	assert_int_equal(store_open(&st, "postgresql://tw@127.0.0.1:1/tw",
				    STORE_CREATE, "t", &err),
			 TW_ESTORE);
	assert_null(st);
	if (strncmp(err.msg, prefix, strlen(prefix)))
		fail_msg("unexpected message: %s", err.msg);
	assert_int_not_equal(access("postgresql:", F_OK), 0);

	/* A password never reaches a message. */
	assert_int_equal(store_open(&st, "postgres://bob:s3cret@127.0.0.1:1/tw",
				    STORE_OPEN_EXISTING, "t", &err),
			 TW_ESTORE);
	assert_null(strstr(err.msg, "s3cret"));
	assert_non_null(strstr(err.msg, "'postgres://bob:***@127.0.0.1:1/tw'"));
	assert_string_equal(store_location_redact("postgresql://h/db?user=a&"
						  "password=x%20y&port=5",
						  buf, sizeof(buf)),
			    "postgresql://h/db?user=a&password=***&port=5");
	assert_string_equal(store_location_redact("postgresql://a:b@h/d?"
						  "password=c",
						  buf, sizeof(buf)),
			    "postgresql://a:***@h/d?password=***");
	assert_string_equal(store_location_redact("postgresql://h/"
						  "d?xpassword=c",
						  buf, sizeof(buf)),
			    "postgresql://h/d?xpassword=c");
	assert_string_equal(store_location_redact("postgres://u:p@ss@h/d", buf,
						  sizeof(buf)),
			    "postgres://u:***@h/d");
	assert_string_equal(store_location_redact("/srv/tw:x@y.db", buf,
						  sizeof(buf)),
			    "/srv/tw:x@y.db");
	assert_true(store_location_is_pg("postgres://x"));
	assert_false(store_location_is_pg("postgresql:/x"));
	assert_false(store_location_is_pg("./postgresql://x"));
}

/* Opening path must fail with TW_ESTORE and leave its bytes alone. */
static void
assert_refused(const char *path, const char *msg_part)
{
	static const enum store_mode modes[] = { STORE_OPEN_EXISTING,
						 STORE_CREATE };
	unsigned char *before;
	size_t n;

	before = slurp(path, &n);
	for (size_t i = 0; i < 2; i++) {
		struct tw_error err = { 0 };
		struct store *st;

		assert_int_equal(store_open(&st, path, modes[i], "t", &err),
				 TW_ESTORE);
		assert_null(st);
		if (!strstr(err.msg, msg_part))
			fail_msg("unexpected message: %s", err.msg);
		assert_same_bytes(before, n, path);
	}
	free(before);
}

static void
test_open_text_file(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	FILE *f;

	fixture_path(fx, "notes.txt", path, sizeof(path));
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fprintf(f, "line %d: this is not a database\n", i);
	assert_int_equal(fclose(f), 0);
	assert_refused(path, "is not a techwin database");
}

static void
test_open_foreign_sqlite(void **state)
{
	struct fixture *fx = *state;
	char path[PATH_MAX];
	sqlite3 *db;

	fixture_path(fx, "other.db", path, sizeof(path));
	db = raw_open(path);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE notes (body TEXT);"
				      "INSERT INTO notes VALUES ('hello');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_refused(path, "is not a techwin database");
}

/*
 * Everything in the PostgreSQL database at url, as text: the tables and
 * columns of its schema, and techwin_meta's and notes' rows if present.
 */
static char *
pg_snapshot(const char *url)
{
	PGconn *c = pg_connect(url);
	char *out = xmalloc(65536);

	pg_text(c,
		"SELECT concat_ws('|', "
		" (SELECT string_agg(table_name || '.' || column_name, ',' "
		"   ORDER BY table_name, column_name) "
		"  FROM information_schema.columns "
		"  WHERE table_schema = current_schema()), "
		" (SELECT string_agg(relname, ',' ORDER BY relname) "
		"  FROM pg_class WHERE relnamespace = "
		"  current_schema()::regnamespace), "
		" CASE WHEN to_regclass('techwin_meta') IS NOT NULL THEN "
		"  query_to_xml('SELECT * FROM techwin_meta ORDER BY 1', "
		"  false, false, '')::text END, "
		" CASE WHEN to_regclass('notes') IS NOT NULL THEN "
		"  query_to_xml('SELECT * FROM notes', false, false, "
		"  '')::text END)",
		out, 65536);
	PQfinish(c);
	return out;
}

/* Opening url must fail with TW_ESTORE and change nothing in it. */
static void
pg_assert_refused(const char *url, const char *msg_part)
{
	static const enum store_mode modes[] = { STORE_OPEN_EXISTING,
						 STORE_CREATE };
	char *before = pg_snapshot(url), *after;

	for (size_t i = 0; i < 2; i++) {
		struct tw_error err = { 0 };
		struct store *st;

		assert_int_equal(store_open(&st, url, modes[i], "t", &err),
				 TW_ESTORE);
		assert_null(st);
		if (!strstr(err.msg, msg_part))
			fail_msg("unexpected message: %s", err.msg);
		after = pg_snapshot(url);
		assert_string_equal(after, before);
		free(after);
	}
	free(before);
}

/*
 * A database (here a schema, as techwin sees one) holding someone else's
 * tables is refused, untouched.
 */
static void
test_pg_open_foreign(void **state)
{
	char name[64], url[PATH_MAX];
	PGconn *c;

	(void)state;
	if (backend != BACKEND_PG)
		skip();
	pg_new_workspace(name, sizeof(name), url, sizeof(url));
	c = pg_connect(url);
	pg_ok(c, "CREATE TABLE notes (body text);"
		 "INSERT INTO notes VALUES ('hello')");
	PQfinish(c);
	pg_assert_refused(url, "is not a techwin database");
	pg_drop_workspace(name);

	/* A techwin_meta of someone else's is no marker either. */
	pg_new_workspace(name, sizeof(name), url, sizeof(url));
	c = pg_connect(url);
	pg_ok(c, "CREATE TABLE techwin_meta (\"key\" text, value text);"
		 "INSERT INTO techwin_meta VALUES ('schema_version', '1')");
	PQfinish(c);
	pg_assert_refused(url, "is not a techwin database");
	pg_drop_workspace(name);
}

/*
 * An empty database (schema): opening it as existing is refused without
 * creating anything; creating puts techwin's tables there.
 */
static void
test_pg_open_empty(void **state)
{
	struct tw_error err = { 0 };
	char name[64], url[PATH_MAX], *before, *after;
	struct store *st;

	(void)state;
	if (backend != BACKEND_PG)
		skip();
	pg_new_workspace(name, sizeof(name), url, sizeof(url));
	before = pg_snapshot(url);
	assert_int_equal(store_open(&st, url, STORE_OPEN_EXISTING, "t", &err),
			 TW_ESTORE);
	assert_non_null(strstr(err.msg, "no techwin database at '"));
	after = pg_snapshot(url);
	assert_string_equal(after, before);
	free(after);
	if (store_open(&st, url, STORE_CREATE, "t", &err))
		fail_msg("store_open: %s", err.msg);
	store_close(st);
	if (store_open(&st, url, STORE_OPEN_EXISTING, "t", &err))
		fail_msg("store_open: %s", err.msg);
	store_close(st);
	free(before);
	pg_drop_workspace(name);
}

static void
test_open_newer_schema(void **state)
{
	struct fixture *fx = *state;
	char sql[128];
	sqlite3 *db;

	if (!is_sqlite(fx->st)) {
		snprintf(sql, sizeof(sql),
			 "UPDATE techwin_meta SET value = '%d' "
			 "WHERE \"key\" = 'schema_version'",
			 store_schema_version() + 1);
		pg_ok(pg_handle(fx->st), sql);
		store_close(fx->st);
		fx->st = NULL;
		pg_assert_refused(fx->location, "newer than this techwin");
		return;
	}
	store_close(fx->st);
	fx->st = NULL;
	db = raw_open(fx->path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused(fx->path, "newer than this techwin");
}

/*
 * PostgreSQL locks the deal, not the database: a writer that read the deal
 * inside begin() holds its row, and a second writer of that deal waits
 * for it, then gives up with TW_EBUSY after lock_timeout (shortened here
 * through the URL, which the store respects). Readers do not wait.
 */
static void
busy_pg(struct fixture *fx)
{
	struct tw_error err = { 0 };
	char url[sizeof(fx->location) + 64];
	struct store *other;
	struct deal d, mine, got;

	pg_url(pg_db, fx->schema, "-clock_timeout%3D300", url, sizeof(url));
	if (store_open(&other, url, STORE_OPEN_EXISTING, "other", &err))
		fail_msg("store_open: %s", err.msg);
	deal_init(&d);
	d.slug = xstrdup("acme");
	put_ok(fx->st, &d);
	xstrset(&d.stage, "proposal");

	assert_int_equal(store_begin(fx->st, &err), 0);
	get_ok(fx->st, "acme", &mine);
	assert_int_equal(store_deal_put(other, &d, &err), TW_EBUSY);
	assert_int_equal(strncmp(err.msg, "database is locked", 18), 0);
	/* Readers are not blocked by the writer. */
	get_ok(other, "acme", &got);
	assert_null(got.stage);
	deal_release(&got);
	/* Another deal is not locked. */
	deal_init(&got);
	got.slug = xstrdup("beta");
	put_ok(other, &got);
	deal_release(&got);
	store_rollback(fx->st);
	deal_release(&mine);

	/* The failed put left no transaction open behind it. */
	put_ok(other, &d);
	get_ok(fx->st, "acme", &got);
	assert_string_equal(got.stage, "proposal");
	deal_release(&got);
	store_close(other);
	deal_release(&d);
}

static void
test_busy(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store *other;
	struct deal d, got;

	if (backend == BACKEND_PG) {
		busy_pg(fx);
		return;
	}
	assert_int_equal(store_open(&other, fx->path, STORE_OPEN_EXISTING,
				    "other", &err),
			 0);
	deal_init(&d);
	d.slug = xstrdup("acme");
	assert_int_equal(store_begin(fx->st, &err), 0);
	assert_int_equal(store_deal_put(other, &d, &err), TW_EBUSY);
	assert_int_equal(strncmp(err.msg, "database is locked", 18), 0);
	/* Readers are not blocked by the writer. */
	assert_int_equal(store_deal_get(other, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	store_rollback(fx->st);

	/* The failed put left no transaction open behind it. */
	put_ok(other, &d);
	get_ok(fx->st, "acme", &got);
	deal_release(&got);
	store_close(other);
	deal_release(&d);
}

/* ---- two writers at once ---------------------------------------------- */

#define RACE_WRITES 1000

/*
 * Write i of writer w: even writes record a measurement of criterion c<w>
 * (i + 1), odd ones mark event e<w> done (day0 + i). Each changes exactly
 * one field, so each leaves exactly one history row.
 */
static void
race_change(struct deal *d, int w, int i, tw_date day0)
{
	char key[4] = { i % 2 ? 'e' : 'c', (char)('0' + w), '\0' };

	if (i % 2 == 0)
		deal_find_criterion(d, key)->measured = i + 1;
	else
		deal_find_event(d, key)->done = day0 + i;
}

/*
 * One writer, in its own process with its own connection: n read-modify-
 * write transactions, as store_run_verb runs them for every verb. Runs in
 * a forked child, so it reports on stderr instead of through cmocka.
 */
static int
race_writer(const char *location, int w, int n, tw_date day0)
{
	struct tw_error err = { 0 };
	struct store *st;
	char actor[16];

	snprintf(actor, sizeof(actor), "writer%d", w);
	if (store_open(&st, location, STORE_OPEN_EXISTING, actor, &err)) {
		fprintf(stderr, "writer %d: %s\n", w, err.msg);
		return 1;
	}
	for (int i = 0, busy = 0; i < n; i++) {
		struct deal d;
		int rc;

		deal_init(&d);
		rc = store_begin(st, &err);
		if (!rc)
			rc = store_deal_get(st, "race", &d, &err);
		if (!rc) {
			race_change(&d, w, i, day0);
			rc = store_deal_put(st, &d, &err);
		}
		if (!rc)
			rc = store_commit(st, &err);
		else
			store_rollback(st);
		deal_release(&d);
		/*
		 * The other writer held the lock past the busy timeout (a
		 * loaded machine): refused whole, nothing written; try the
		 * same write again. Lost or stale writes are what is tested.
		 */
		if (rc == TW_EBUSY && ++busy < 50) {
			tw_error_clear(&err);
			i--;
			continue;
		}
		if (rc) {
			fprintf(stderr, "writer %d, write %d: %s\n", w, i,
				err.msg);
			store_close(st);
			return 1;
		}
	}
	store_close(st);
	return 0;
}

/*
 * Two processes write the same deal 1,000 times each. Nothing may be
 * lost: every write leaves its history row, each writer's rows chain (the
 * old value of one is the new value of the one before, so no write was
 * made from a stale read), and the deal ends with each writer's last
 * values.
 */
static void
test_concurrent_writers(void **state)
{
	struct fixture *fx = *state;
	tw_date day0 = ymd(2026, 1, 1);
	struct history_list h;
	struct deal d, got;
	pid_t pids[2];
	size_t setup_rows, mine[2] = { 0, 0 };
	char last[2][2][32] = { { "0.5", "" }, { "0.5", "" } };

	deal_init(&d);
	d.slug = xstrdup("race");
	for (int w = 0; w < 2; w++) {
		char key[3] = { 'c', (char)('0' + w), '\0' };
		struct criterion *c;
		struct event *e;

		add_criterion(&d, key, DIR_AT_LEAST, 1);
		c = &d.criteria[d.ncriteria - 1];
		c->has_measured = true;
		c->measured = 0.5;
		e = deal_add_event(&d);
		key[0] = 'e';
		e->key = xstrdup(key);
		e->kind = EVENT_TECHNICAL;
		e->date = day0;
	}
	put_ok(fx->st, &d);
	setup_rows = history_count(fx->st, "race");
	assert_int_equal(setup_rows, 5);

	fflush(stdout);
	fflush(stderr);
	for (int w = 0; w < 2; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			_exit(race_writer(fx->location, w, RACE_WRITES, day0));
	}
	for (int w = 0; w < 2; w++) {
		int status;

		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}

	history_ok(fx->st, "race", &h);
	assert_int_equal(h.n, setup_rows + 2 * RACE_WRITES);
	for (size_t i = setup_rows; i < h.n; i++) {
		const struct history_entry *e = &h.items[i];
		int w = e->actor[strlen(e->actor) - 1] - '0';
		int which = !strcmp(e->entity, "event");

		assert_true(w == 0 || w == 1);
		assert_int_equal(e->key[1], '0' + w);
		assert_string_equal(e->field, which ? "done" : "measured");
		/* The write was made from the latest value, not a stale one. */
		if (last[w][which][0])
			assert_string_equal(e->old_value, last[w][which]);
		else
			assert_null(e->old_value);
		snprintf(last[w][which], sizeof(last[w][which]), "%s",
			 e->new_value);
		mine[w]++;
	}
	assert_int_equal(mine[0], RACE_WRITES);
	assert_int_equal(mine[1], RACE_WRITES);
	history_list_release(&h);

	get_ok(fx->st, "race", &got);
	for (int w = 0; w < 2; w++) {
		char key[3] = { 'c', (char)('0' + w), '\0' };

		assert_true(deal_find_criterion(&got, key)->measured ==
			    RACE_WRITES - 1);
		key[0] = 'e';
		assert_int_equal(deal_find_event(&got, key)->done,
				 day0 + RACE_WRITES - 1);
	}
	deal_release(&got);
	deal_release(&d);
}

/* ---- accounts: users, sessions, tokens, share links ------------------- */

/* 64 hex digits: the shape of the hashes the auth layer stores. */
static const char hash_a[] =
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hash_b[] =
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char hash_c[] =
	"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

/* Put a user; returns its id. */
static long long
user_ok(struct store *st, const char *name, const char *role)
{
	struct tw_error err = { 0 };
	struct store_user u = { 0 };
	long long id;

	u.name = xstrdup(name);
	u.role = xstrdup(role);
	u.pw_hash = xstrdup("$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA");
	if (store_user_put(st, &u, &err))
		fail_msg("user_put: %s", err.msg);
	assert_true(u.id > 0);
	assert_non_null(u.created);
	id = u.id;
	store_user_release(&u);
	return id;
}

static void
session_ok(struct store *st, const char *hash, long long user_id,
	   long long expires)
{
	struct tw_error err = { 0 };
	struct store_session se = { (char *)hash, user_id, (char *)"csrf-1",
				    expires };

	if (store_session_put(st, &se, &err))
		fail_msg("session_put: %s", err.msg);
}

static void
token_ok(struct store *st, const char *name, const char *user,
	 const char *hash)
{
	struct tw_error err = { 0 };
	struct store_token t = { 0 };

	t.name = xstrdup(name);
	t.user = xstrdup(user);
	t.hash = xstrdup(hash);
	if (store_token_put(st, &t, &err))
		fail_msg("token_put: %s", err.msg);
	assert_true(t.id > 0);
	assert_true(t.user_id > 0);
	assert_non_null(t.created);
	store_token_release(&t);
}

static long long
share_ok(struct store *st, const char *slug, const char *hash,
	 tw_date expires)
{
	struct tw_error err = { 0 };
	struct store_share sh = { 0 };
	long long id;

	sh.deal = xstrdup(slug);
	sh.hash = xstrdup(hash);
	sh.expires = expires;
	if (store_share_put(st, &sh, &err))
		fail_msg("share_put: %s", err.msg);
	assert_true(sh.id > 0);
	assert_non_null(sh.created);
	id = sh.id;
	store_share_release(&sh);
	return id;
}

static void
bare_deal(struct store *st, const char *slug)
{
	struct deal d;

	deal_init(&d);
	d.slug = xstrdup(slug);
	put_ok(st, &d);
	deal_release(&d);
}

static void
test_users(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_user u = { 0 }, got;
	struct store_user_list l;
	long long id;

	setenv("TECHWIN_NOW", "2026-01-02T03:04:05Z", 1);
	u.name = xstrdup("zoe");
	u.role = xstrdup("editor");
	u.pw_hash = xstrdup("$argon2id$first");
	assert_int_equal(store_user_put(fx->st, &u, &err), 0);
	unsetenv("TECHWIN_NOW");
	id = u.id;
	assert_true(id > 0);
	assert_string_equal(u.created, "2026-01-02T03:04:05Z");

	assert_int_equal(store_user_get(fx->st, "zoe", &got, &err), 0);
	assert_int_equal(got.id, id);
	assert_string_equal(got.name, "zoe");
	assert_string_equal(got.role, "editor");
	assert_string_equal(got.pw_hash, "$argon2id$first");
	assert_string_equal(got.created, "2026-01-02T03:04:05Z");
	store_user_release(&got);
	assert_int_equal(store_user_get_by_id(fx->st, id, &got, &err), 0);
	assert_string_equal(got.name, "zoe");
	store_user_release(&got);

	/* Put again: role and hash change, id and created stay. */
	xstrset(&u.role, "admin");
	xstrset(&u.pw_hash, "$argon2id$second");
	u.id = 0;
	assert_int_equal(store_user_put(fx->st, &u, &err), 0);
	assert_int_equal(u.id, id);
	assert_string_equal(u.created, "2026-01-02T03:04:05Z");
	assert_int_equal(store_user_get(fx->st, "zoe", &got, &err), 0);
	assert_string_equal(got.role, "admin");
	assert_string_equal(got.pw_hash, "$argon2id$second");
	store_user_release(&got);

	user_ok(fx->st, "amy", "viewer");
	user_ok(fx->st, "mia", "admin");
	assert_int_equal(store_user_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.items[0].name, "amy");
	assert_string_equal(l.items[1].name, "mia");
	assert_string_equal(l.items[2].name, "zoe");
	assert_string_equal(l.items[0].role, "viewer");
	store_user_list_release(&l);

	/* Unknown users, bad users. */
	assert_int_equal(store_user_get(fx->st, "nobody", &got, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown user 'nobody'");
	assert_int_equal(store_user_get_by_id(fx->st, 999, &got, &err),
			 TW_ENOTFOUND);
	xstrset(&u.role, "root");
	assert_int_equal(store_user_put(fx->st, &u, &err), TW_EINPUT);
	assert_string_equal(err.msg, "invalid role 'root'");
	xstrset(&u.role, "viewer");
	xstrset(&u.pw_hash, "");
	assert_int_equal(store_user_put(fx->st, &u, &err), TW_EINPUT);
	xstrset(&u.pw_hash, "$argon2id$x");
	xstrset(&u.name, "");
	assert_int_equal(store_user_put(fx->st, &u, &err), TW_EINPUT);
	assert_int_equal(store_user_get(fx->st, "zoe", &got, &err), 0);
	assert_string_equal(got.role, "admin");	/* untouched */
	store_user_release(&got);

	assert_int_equal(store_user_delete(fx->st, "zoe", &err), 0);
	assert_int_equal(store_user_get(fx->st, "zoe", &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_user_delete(fx->st, "zoe", &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown user 'zoe'");
	assert_int_equal(store_user_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 2);
	store_user_list_release(&l);
	store_user_release(&u);
}

/* Values go through bound parameters: quotes and SQL are just text. */
static void
test_users_hostile_names(void **state)
{
	struct fixture *fx = *state;
	static const char *const names[] = {
		"o'brien", "x'); DROP TABLE users; --", "\"quoted\"", "%s%n",
	};
	struct tw_error err = { 0 };
	struct store_user got;
	struct store_user_list l;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		user_ok(fx->st, names[i], "viewer");
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_int_equal(store_user_get(fx->st, names[i], &got, &err),
				 0);
		assert_string_equal(got.name, names[i]);
		store_user_release(&got);
	}
	assert_int_equal(store_user_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, ARRAY_SIZE(names));
	store_user_list_release(&l);
	assert_int_equal(store_user_delete(fx->st, "x' OR '1'='1", &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_user_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, ARRAY_SIZE(names));
	store_user_list_release(&l);
}

static void
test_sessions(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_session got, dup, orphan;
	long long amy = user_ok(fx->st, "amy", "viewer");
	long long bob = user_ok(fx->st, "bob", "editor");
	size_t n;

	session_ok(fx->st, hash_a, amy, 100);
	assert_int_equal(store_session_get(fx->st, hash_a, &got, &err), 0);
	assert_string_equal(got.id_hash, hash_a);
	assert_int_equal(got.user_id, amy);
	assert_string_equal(got.csrf, "csrf-1");
	assert_int_equal(got.expires, 100);
	store_session_release(&got);

	/* The same hash twice, an unknown user. */
	dup = (struct store_session){ (char *)hash_a, bob, (char *)"c", 5 };
	orphan = (struct store_session){ (char *)hash_b, 999, (char *)"c", 5 };
	assert_int_equal(store_session_put(fx->st, &dup, &err), TW_EEXIST);
	assert_int_equal(store_session_put(fx->st, &orphan, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_get(fx->st, hash_b, &got, &err),
			 TW_ENOTFOUND);
	/* The message never names the hash. */
	assert_null(strstr(err.msg, hash_b));

	session_ok(fx->st, hash_b, amy, 200);
	session_ok(fx->st, hash_c, bob, 300);

	/* Expired: expires <= now. */
	assert_int_equal(store_session_delete_expired(fx->st, 99, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_session_delete_expired(fx->st, 100, &n, &err),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_session_get(fx->st, hash_a, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_get(fx->st, hash_b, &got, &err), 0);
	store_session_release(&got);

	/* All of one user's sessions, and only those. */
	session_ok(fx->st, hash_a, amy, 400);
	assert_int_equal(store_session_delete_user(fx->st, amy, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(store_session_get(fx->st, hash_a, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_get(fx->st, hash_b, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_get(fx->st, hash_c, &got, &err), 0);
	store_session_release(&got);
	assert_int_equal(store_session_delete_user(fx->st, amy, NULL, &err), 0);

	assert_int_equal(store_session_delete(fx->st, hash_c, &err), 0);
	assert_int_equal(store_session_get(fx->st, hash_c, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_delete(fx->st, hash_c, &err),
			 TW_ENOTFOUND);
}

static void
test_tokens(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_token t = { 0 }, got;
	struct store_token_list l;
	long long amy = user_ok(fx->st, "amy", "viewer");
	size_t n;

	user_ok(fx->st, "bob", "editor");
	setenv("TECHWIN_NOW", "2026-03-04T05:06:07Z", 1);
	t.name = xstrdup("zz-calendar");
	t.user = xstrdup("amy");
	t.hash = xstrdup(hash_a);
	assert_int_equal(store_token_put(fx->st, &t, &err), 0);
	unsetenv("TECHWIN_NOW");
	assert_true(t.id > 0);
	assert_int_equal(t.user_id, amy);
	assert_string_equal(t.created, "2026-03-04T05:06:07Z");
	token_ok(fx->st, "ci", "bob", hash_b);

	assert_int_equal(store_token_find_by_hash(fx->st, hash_a, &got, &err),
			 0);
	assert_int_equal(got.id, t.id);
	assert_string_equal(got.name, "zz-calendar");
	assert_int_equal(got.user_id, amy);
	assert_string_equal(got.user, "amy");
	assert_string_equal(got.hash, hash_a);
	assert_string_equal(got.created, "2026-03-04T05:06:07Z");
	store_token_release(&got);
	assert_int_equal(store_token_find_by_hash(fx->st, hash_c, &got, &err),
			 TW_ENOTFOUND);
	assert_null(strstr(err.msg, hash_c));

	/* A taken name, an unknown user, a hash in use: nothing written. */
	xstrset(&t.hash, hash_c);
	assert_int_equal(store_token_put(fx->st, &t, &err), TW_EEXIST);
	assert_string_equal(err.msg, "token 'zz-calendar' already exists");
	xstrset(&t.name, "other");
	xstrset(&t.user, "nobody");
	assert_int_equal(store_token_put(fx->st, &t, &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown user 'nobody'");
	xstrset(&t.user, "amy");
	xstrset(&t.hash, hash_b);
	assert_int_equal(store_token_put(fx->st, &t, &err), TW_EEXIST);
	assert_string_equal(err.msg, "token hash already in use");
	xstrset(&t.hash, "");
	assert_int_equal(store_token_put(fx->st, &t, &err), TW_EINPUT);

	assert_int_equal(store_token_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].name, "ci");
	assert_string_equal(l.items[0].user, "bob");
	assert_string_equal(l.items[1].name, "zz-calendar");
	assert_string_equal(l.items[1].user, "amy");
	store_token_list_release(&l);

	assert_int_equal(store_token_delete(fx->st, "ci", &err), 0);
	assert_int_equal(store_token_find_by_hash(fx->st, hash_b, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_token_delete(fx->st, "ci", &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown token 'ci'");
	assert_int_equal(store_token_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 1);
	store_token_list_release(&l);

	/* All of one user's tokens, and only those. */
	xstrset(&t.name, "ci");
	xstrset(&t.user, "bob");
	xstrset(&t.hash, hash_b);
	assert_int_equal(store_token_put(fx->st, &t, &err), 0);
	assert_int_equal(store_token_delete_user(fx->st, amy, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(store_token_find_by_hash(fx->st, hash_a, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_token_find_by_hash(fx->st, hash_b, &got, &err),
			 0);
	store_token_release(&got);
	assert_int_equal(store_token_delete_user(fx->st, amy, &n, &err), 0);
	assert_int_equal(n, 0);
	store_token_release(&t);
}

/* Removing a user removes its sessions and tokens, and no one else's. */
static void
test_user_delete_cascades(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_session se;
	struct store_token t;
	struct store_token_list l;
	long long amy = user_ok(fx->st, "amy", "viewer");
	long long bob = user_ok(fx->st, "bob", "viewer");

	session_ok(fx->st, hash_a, amy, 1000);
	session_ok(fx->st, hash_b, bob, 1000);
	token_ok(fx->st, "amy-ci", "amy", hash_a);
	token_ok(fx->st, "bob-ci", "bob", hash_b);
	assert_int_equal(store_user_delete(fx->st, "amy", &err), 0);

	assert_int_equal(store_session_get(fx->st, hash_a, &se, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_token_find_by_hash(fx->st, hash_a, &t, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_session_get(fx->st, hash_b, &se, &err), 0);
	store_session_release(&se);
	assert_int_equal(store_token_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "bob-ci");
	store_token_list_release(&l);

	/* The name can be reused without inheriting anything. */
	user_ok(fx->st, "amy", "admin");
	assert_int_equal(store_session_get(fx->st, hash_a, &se, &err),
			 TW_ENOTFOUND);
}

static void
test_shares(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_share sh = { 0 }, got;
	struct store_share_list l;
	long long one, two, three;

	bare_deal(fx->st, "acme");
	bare_deal(fx->st, "beta");
	setenv("TECHWIN_NOW", "2026-05-06T07:08:09Z", 1);
	one = share_ok(fx->st, "acme", hash_a, ymd(2026, 12, 31));
	unsetenv("TECHWIN_NOW");
	two = share_ok(fx->st, "beta", hash_b, DATE_NONE);
	three = share_ok(fx->st, "acme", hash_c, DATE_NONE);
	assert_true(one < two && two < three);

	assert_int_equal(store_share_find_by_hash(fx->st, hash_a, &got, &err),
			 0);
	assert_int_equal(got.id, one);
	assert_string_equal(got.deal, "acme");
	assert_string_equal(got.hash, hash_a);
	assert_int_equal(got.expires, ymd(2026, 12, 31));
	assert_string_equal(got.created, "2026-05-06T07:08:09Z");
	store_share_release(&got);
	assert_int_equal(store_share_find_by_hash(fx->st, hash_b, &got, &err),
			 0);
	assert_int_equal(got.expires, DATE_NONE);
	store_share_release(&got);
	assert_int_equal(store_share_find_by_hash(fx->st, "nope", &got, &err),
			 TW_ENOTFOUND);

	/* Unknown deal, hash in use. */
	sh.deal = xstrdup("nope");
	sh.hash = xstrdup("dddd");
	assert_int_equal(store_share_put(fx->st, &sh, &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown deal 'nope'");
	xstrset(&sh.deal, "acme");
	xstrset(&sh.hash, hash_a);
	assert_int_equal(store_share_put(fx->st, &sh, &err), TW_EEXIST);
	store_share_release(&sh);

	assert_int_equal(store_share_list(fx->st, NULL, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.items[0].id, one);
	assert_int_equal(l.items[1].id, two);
	assert_int_equal(l.items[2].id, three);
	assert_string_equal(l.items[1].deal, "beta");
	store_share_list_release(&l);
	assert_int_equal(store_share_list(fx->st, "acme", &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[0].id, one);
	assert_int_equal(l.items[1].id, three);
	store_share_list_release(&l);
	assert_int_equal(store_share_list(fx->st, "nope", &l, &err), 0);
	assert_int_equal(l.n, 0);
	store_share_list_release(&l);

	assert_int_equal(store_share_delete(fx->st, one, &err), 0);
	assert_int_equal(store_share_find_by_hash(fx->st, hash_a, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_share_delete(fx->st, one, &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown share link 1");

	/* A deal's links go with it. */
	assert_int_equal(store_deal_delete(fx->st, "acme", &err), 0);
	assert_int_equal(store_share_find_by_hash(fx->st, hash_c, &got, &err),
			 TW_ENOTFOUND);
	assert_int_equal(store_share_list(fx->st, NULL, &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, two);
	store_share_list_release(&l);
}

/* Account writes join the caller's transaction and roll back with it. */
static void
test_accounts_transaction(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_user u;
	struct store_token_list l;
	struct store_token bad = { 0 };

	bare_deal(fx->st, "acme");
	assert_int_equal(store_begin(fx->st, &err), 0);
	user_ok(fx->st, "amy", "viewer");
	token_ok(fx->st, "ci", "amy", hash_a);
	share_ok(fx->st, "acme", hash_b, DATE_NONE);
	store_rollback(fx->st);
	assert_int_equal(store_user_get(fx->st, "amy", &u, &err), TW_ENOTFOUND);
	assert_int_equal(store_token_list(fx->st, &l, &err), 0);
	assert_int_equal(l.n, 0);
	store_token_list_release(&l);

	/* A failed op inside a transaction leaves the others alone. */
	assert_int_equal(store_begin(fx->st, &err), 0);
	user_ok(fx->st, "amy", "viewer");
	bad.name = xstrdup("ci");
	bad.user = xstrdup("nobody");
	bad.hash = xstrdup(hash_a);
	assert_int_equal(store_token_put(fx->st, &bad, &err), TW_ENOTFOUND);
	assert_int_equal(store_commit(fx->st, &err), 0);
	assert_int_equal(store_user_get(fx->st, "amy", &u, &err), 0);
	store_user_release(&u);
	store_token_release(&bad);
}

/* ---- copying a workspace (techwin migrate) ------------------------------- */

/*
 * Settings, users and tokens are recorded in the history with deal "", in
 * the transaction that changes them: a setting set to what it holds adds
 * nothing, a user's password never shows, a token's value or hash neither.
 */
static void
test_workspace_history(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_user u;
	struct history_list h;

	assert_int_equal(store_setting_set(fx->st, "max_gap", "5", &err), 0);
	assert_int_equal(store_setting_set(fx->st, "max_gap", "5", &err), 0);
	assert_int_equal(store_setting_set(fx->st, "max_gap", "7", &err), 0);
	assert_int_equal(store_setting_set(fx->st, "max_gap", NULL, &err), 0);
	assert_int_equal(store_setting_set(fx->st, "max_gap", NULL, &err), 0);
	user_ok(fx->st, "amy", "admin");
	assert_int_equal(store_user_get(fx->st, "amy", &u, &err), 0);
	xstrset(&u.role, "editor");
	assert_int_equal(store_user_put(fx->st, &u, &err), 0);
	xstrset(&u.pw_hash, "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$b3RoZXI");
	assert_int_equal(store_user_put(fx->st, &u, &err), 0);
	store_user_release(&u);
	token_ok(fx->st, "ci", "amy", hash_a);
	assert_int_equal(store_token_delete(fx->st, "ci", &err), 0);
	assert_int_equal(store_user_delete(fx->st, "amy", &err), 0);
	/* A refused change leaves no row. */
	assert_int_equal(store_user_delete(fx->st, "amy", &err), TW_ENOTFOUND);
	assert_int_equal(store_token_delete(fx->st, "ci", &err), TW_ENOTFOUND);

	history_ok(fx->st, NULL, &h);
	assert_int_equal(h.n, 9);
	for (size_t i = 0; i < h.n; i++) {
		assert_string_equal(h.items[i].deal, "");
		assert_null(strstr(h.items[i].new_value ? h.items[i].new_value
							: "", "argon2"));
	}
	assert_history(&h.items[0], "setting", "max_gap", "value", NULL, "5");
	assert_history(&h.items[1], "setting", "max_gap", "value", "5", "7");
	assert_history(&h.items[2], "setting", "max_gap", "value", "7", NULL);
	assert_history(&h.items[3], "user", "amy", "*", NULL, "admin");
	assert_history(&h.items[4], "user", "amy", "role", "admin", "editor");
	assert_history(&h.items[5], "user", "amy", "password", "(hidden)",
		       "(changed)");
	assert_history(&h.items[6], "token", "ci", "*", NULL, "amy");
	assert_history(&h.items[7], "token", "ci", "*", "ci", NULL);
	assert_history(&h.items[8], "user", "amy", "*", "editor", NULL);
	history_list_release(&h);
	/* A deal's history leaves them out. */
	assert_int_equal(history_count(fx->st, "amy"), 0);
}

/*
 * A workspace with something in every table: deals with every kind of
 * child and the database-only fields, edits (so history has changes, not
 * only creations), values a text round trip could bend, settings, users,
 * tokens, share links with a gap in their ids, and a session.
 */
static void
fill_workspace(struct store *st)
{
	struct tw_error err = { 0 };
	struct store_session se;
	struct deal d;
	long long amy;

	setenv("TECHWIN_NOW", "2026-02-03T04:05:06Z", 1);
	make_deal(&d, "acme");
	d.crm_source = xstrdup("salesforce");
	d.crm_id = xstrdup("0065g00000AbCdEAAZ");
	put_ok(st, &d);
	unsetenv("TECHWIN_NOW");
	d.snooze_until = ymd(2026, 12, 4);
	d.snooze_reason = xstrdup("budget 'freeze'\nuntil Q1");
	d.criteria[0].has_measured = true;
	d.criteria[0].measured = 0.1 + 0.2;	/* 0.30000000000000004 */
	d.value = 1e20;
	d.playbook[1].plus_procurement = true;
	put_ok(st, &d);
	deal_release(&d);
	bare_deal(st, "beta");
	make_deal(&d, "gone");
	put_ok(st, &d);
	assert_int_equal(store_deal_delete(st, "gone", &err), 0);
	deal_release(&d);

	assert_int_equal(store_setting_set(st, "momentum.max_gap", "7", &err),
			 0);
	assert_int_equal(store_setting_set(st, "template.buying-signal",
					   "Hi {{champion}},\n'quoted' \"x\"",
					  &err),
			 0);
	{
		struct step pb[2] = {
			{ .title = "Security review", .offset = 1,
			  .kind = EVENT_TECHNICAL, .key = "sec-review",
			  .owner = "se" },
			{ .title = "Signature", .offset = 3,
			  .kind = EVENT_COMMERCIAL, .plus_procurement = true },
		};

		assert_int_equal(store_playbook_set(st, pb, 2, &err), 0);
	}
	amy = user_ok(st, "amy", "admin");
	user_ok(st, "bob", "viewer");
	token_ok(st, "ci", "amy", hash_a);
	token_ok(st, "calendar", "bob", hash_b);
	assert_int_equal(store_token_delete(st, "ci", &err), 0);
	share_ok(st, "acme", hash_a, DATE_NONE);
	share_ok(st, "acme", hash_b, ymd(2026, 12, 31));
	share_ok(st, "beta", hash_c, DATE_NONE);
	assert_int_equal(store_share_delete(st, 1, &err), 0);
	se = (struct store_session){ (char *)hash_c, amy, (char *)"csrf", 9 };
	assert_int_equal(store_session_put(st, &se, &err), 0);
}

/* Everything the interface can read of a and b is the same. */
static void
assert_same_workspace(struct store *a, struct store *b)
{
	static const char *const keys[] = { "momentum.max_gap",
					    "template.buying-signal",
					    "holidays" };
	struct tw_error err = { 0 };
	struct deal_list la, lb;
	struct history_list ha, hb;
	struct store_user_list ua, ub;
	struct store_token_list ta, tb;
	struct store_share_list sa, sb;

	assert_int_equal(store_deal_list(a, &la, &err), 0);
	assert_int_equal(store_deal_list(b, &lb, &err), 0);
	assert_int_equal(la.n, lb.n);
	for (size_t i = 0; i < la.n; i++) {
		struct deal da, db;

		scalars_equal(&la.items[i], &lb.items[i]);
		get_ok(a, la.items[i].slug, &da);
		get_ok(b, la.items[i].slug, &db);
		deal_equal(&da, &db);
		deal_release(&da);
		deal_release(&db);
	}
	deal_list_release(&la);
	deal_list_release(&lb);

	history_ok(a, NULL, &ha);
	history_ok(b, NULL, &hb);
	assert_int_equal(ha.n, hb.n);
	for (size_t i = 0; i < ha.n; i++) {
		const struct history_entry *x = &ha.items[i];
		const struct history_entry *y = &hb.items[i];

		assert_int_equal(x->id, y->id);
		assert_str_eq(x->at, y->at);
		assert_str_eq(x->actor, y->actor);
		assert_str_eq(x->deal, y->deal);
		assert_history(y, x->entity, x->key, x->field, x->old_value,
			       x->new_value);
	}
	history_list_release(&ha);
	history_list_release(&hb);

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		char *va, *vb;

		assert_int_equal(store_setting_get(a, keys[i], &va, &err), 0);
		assert_int_equal(store_setting_get(b, keys[i], &vb, &err), 0);
		assert_str_eq(va, vb);
		free(va);
		free(vb);
	}

	{
		struct step *pa, *pb;
		size_t na, nb;

		assert_int_equal(store_playbook_get(a, &pa, &na, &err), 0);
		assert_int_equal(store_playbook_get(b, &pb, &nb, &err), 0);
		assert_int_equal(na, nb);
		for (size_t i = 0; i < na; i++) {
			assert_str_eq(pa[i].title, pb[i].title);
			assert_int_equal(pa[i].offset, pb[i].offset);
			assert_int_equal(pa[i].kind, pb[i].kind);
			assert_int_equal(pa[i].plus_procurement,
					 pb[i].plus_procurement);
			assert_str_eq(pa[i].key, pb[i].key);
			assert_str_eq(pa[i].owner, pb[i].owner);
		}
		playbook_free(pa, na);
		playbook_free(pb, nb);
	}

	assert_int_equal(store_user_list(a, &ua, &err), 0);
	assert_int_equal(store_user_list(b, &ub, &err), 0);
	assert_int_equal(ua.n, ub.n);
	for (size_t i = 0; i < ua.n; i++) {
		assert_int_equal(ua.items[i].id, ub.items[i].id);
		assert_str_eq(ua.items[i].name, ub.items[i].name);
		assert_str_eq(ua.items[i].role, ub.items[i].role);
		assert_str_eq(ua.items[i].pw_hash, ub.items[i].pw_hash);
		assert_str_eq(ua.items[i].created, ub.items[i].created);
	}
	store_user_list_release(&ua);
	store_user_list_release(&ub);

	assert_int_equal(store_token_list(a, &ta, &err), 0);
	assert_int_equal(store_token_list(b, &tb, &err), 0);
	assert_int_equal(ta.n, tb.n);
	for (size_t i = 0; i < ta.n; i++) {
		assert_int_equal(ta.items[i].id, tb.items[i].id);
		assert_int_equal(ta.items[i].user_id, tb.items[i].user_id);
		assert_str_eq(ta.items[i].name, tb.items[i].name);
		assert_str_eq(ta.items[i].user, tb.items[i].user);
		assert_str_eq(ta.items[i].hash, tb.items[i].hash);
		assert_str_eq(ta.items[i].created, tb.items[i].created);
	}
	store_token_list_release(&ta);
	store_token_list_release(&tb);

	assert_int_equal(store_share_list(a, NULL, &sa, &err), 0);
	assert_int_equal(store_share_list(b, NULL, &sb, &err), 0);
	assert_int_equal(sa.n, sb.n);
	for (size_t i = 0; i < sa.n; i++) {
		assert_int_equal(sa.items[i].id, sb.items[i].id);
		assert_str_eq(sa.items[i].deal, sb.items[i].deal);
		assert_str_eq(sa.items[i].hash, sb.items[i].hash);
		assert_int_equal(sa.items[i].expires, sb.items[i].expires);
		assert_str_eq(sa.items[i].created, sb.items[i].created);
	}
	store_share_list_release(&sa);
	store_share_list_release(&sb);
}

/* A second store of the run's kinds: an SQLite file, or a new schema. */
static struct store *
open_other(struct fixture *fx, bool pg, const char *name, char *dbname,
	   size_t dsize)
{
	struct tw_error err = { 0 };
	char location[PATH_MAX * 2];
	struct store *st;

	dbname[0] = '\0';
	if (pg)
		pg_new_workspace(dbname, dsize, location, sizeof(location));
	else
		fixture_path(fx, name, location, sizeof(location));
	if (store_open(&st, location, STORE_CREATE, "migrator", &err))
		fail_msg("store_open: %s", err.msg);
	return st;
}

static int
verify_fails(struct store *from, struct store *to, void *arg,
	     struct tw_error *err)
{
	struct deal d;

	(void)from;
	/* The copy is there to see, inside the transaction. */
	get_ok(to, "acme", &d);
	deal_release(&d);
	*(int *)arg += 1;
	return tw_error_set(err, TW_ESTORE, "verification refused");
}

/*
 * The workspace goes to a second store and on to a third (on PostgreSQL:
 * to SQLite and back to PostgreSQL), arriving the same each time: ids,
 * history, times and actors included. Sessions stay behind. A non-empty
 * target is refused unless forced; a failed check leaves the target as it
 * was; the copy takes new writes with fresh ids.
 */
static void
test_copy_workspace(void **state)
{
	struct fixture *fx = *state;
	bool pg = backend == BACKEND_PG;
	struct tw_error err = { 0 };
	struct store_copy_counts n;
	struct store *mid, *last, *again;
	struct store_session se;
	char mid_db[64], last_db[64], again_db[64];
	struct history_list h;
	struct deal d;
	int calls = 0;
	long long id;

	fill_workspace(fx->st);
	mid = open_other(fx, false, "mid.db", mid_db, sizeof(mid_db));
	last = open_other(fx, pg, "last.db", last_db, sizeof(last_db));

	/* A failed final check rolls everything back. */
	assert_int_equal(store_copy(fx->st, mid, false, verify_fails, &calls,
				    &n, &err),
			 TW_ESTORE);
	assert_string_equal(err.msg, "verification refused");
	assert_int_equal(calls, 1);
	assert_int_equal(n.deals, 0);
	assert_int_equal(history_count(mid, NULL), 0);

	if (store_copy(fx->st, mid, false, NULL, NULL, &n, &err))
		fail_msg("store_copy: %s", err.msg);
	assert_int_equal(n.deals, 2);
	assert_int_equal(n.history, history_count(fx->st, NULL));
	assert_int_equal(n.settings, 2);
	assert_int_equal(n.users, 2);
	assert_int_equal(n.tokens, 1);
	assert_int_equal(n.shares, 2);
	assert_same_workspace(fx->st, mid);
	if (store_copy(mid, last, false, NULL, NULL, NULL, &err))
		fail_msg("store_copy: %s", err.msg);
	assert_same_workspace(fx->st, last);
	assert_int_equal(store_session_get(mid, hash_c, &se, &err),
			 TW_ENOTFOUND);

	/* A second copy into the same target is refused, nothing written. */
	assert_int_equal(store_copy(fx->st, last, false, NULL, NULL, NULL,
				    &err),
			 TW_EEXIST);
	/*
	 * 17 rows per deal made by make_deal, 5 edits, beta, gone's end;
	 * then the workspace's: 2 settings, the playbook, 2 users, 2 tokens
	 * added and one removed.
	 */
	assert_int_equal(n.history, 17 + 5 + 1 + 17 + 1 + 2 + 1 + 2 + 3);
	assert_string_equal(err.msg,
			    "target is not empty (2 deals, 49 history rows, 2 "
			    "settings, 2 users, 1 tokens, 2 share links, 2 "
			    "playbook steps): "
			    "--force replaces everything in it");
	assert_same_workspace(fx->st, last);

	/* Forced, it replaces what the target had, history included. */
	bare_deal(last, "extra");
	assert_int_equal(store_setting_set(last, "holidays", "2026-12-24",
					   &err),
			 0);
	if (store_copy(fx->st, last, true, NULL, NULL, NULL, &err))
		fail_msg("store_copy --force: %s", err.msg);
	assert_same_workspace(fx->st, last);
	assert_int_equal(store_deal_get(last, "extra", &d, &err),
			 TW_ENOTFOUND);
	deal_release(&d);

	/* The copy lives on: new rows get ids after the copied ones. */
	id = share_ok(last, "beta", "dddd", DATE_NONE);
	assert_int_equal(id, 4);
	assert_true(user_ok(last, "cy", "editor") > 2);
	bare_deal(last, "new");
	history_ok(last, NULL, &h);
	assert_int_equal(h.items[h.n - 1].id, h.items[h.n - 2].id + 1);
	assert_string_equal(h.items[h.n - 1].deal, "new");
	history_list_release(&h);

	/* Two handles on one workspace. */
	again = open_other(fx, false, "again.db", again_db, sizeof(again_db));
	store_close(again);
	{
		struct store *same;

		if (store_open(&same, fx->location, STORE_OPEN_EXISTING, "t",
			       &err))
			fail_msg("store_open: %s", err.msg);
		assert_int_equal(store_copy(fx->st, same, true, NULL, NULL,
					    NULL, &err),
				 TW_EINPUT);
		assert_string_equal(err.msg, "source and target are the same "
					     "workspace");
		store_close(same);
	}
	assert_int_equal(history_count(fx->st, NULL), n.history);

	store_close(mid);
	store_close(last);
	if (last_db[0])
		pg_drop_workspace(last_db);
}

/*
 * deal_each: what the walk saw, checked against what deal_get read before
 * it (fn may not call the store during the walk).
 */
struct each_seen {
	struct deal want[3];	/* ab-c, abb, bare: by slug, byte order */
	char slugs[8][DEAL_SLUG_MAX + 1];
	size_t n;
	size_t stop_at;		/* fail this call (1-based), 0 never */
};

static int
each_collect(const struct deal *d, void *arg, struct tw_error *err)
{
	struct each_seen *s = arg;
	size_t i;

	assert_true(s->n < 8);
	snprintf(s->slugs[s->n++], DEAL_SLUG_MAX + 1, "%s", d->slug);
	if (s->n == s->stop_at)
		return tw_error_set(err, TW_EINPUT, "stop at '%s'", d->slug);
	for (i = 0; i < 3 && strcmp(s->want[i].slug, d->slug); i++)
		;
	assert_true(i < 3);
	deal_equal(&s->want[i], d);
	return 0;
}

static void
each_walk(struct store *st, struct each_seen *s, bool open_only,
	  size_t stop_at, int want_rc)
{
	static const char *const slugs[] = { "ab-c", "abb", "bare" };
	struct tw_error err = { 0 };

	memset(s, 0, sizeof(*s));
	s->stop_at = stop_at;
	for (size_t i = 0; i < 3; i++)
		get_ok(st, slugs[i], &s->want[i]);
	assert_int_equal(store_each_deal(st, open_only, each_collect, s,
					 &err),
			 want_rc);
	if (want_rc)
		assert_string_equal(err.msg, "stop at 'abb'");
	for (size_t i = 0; i < 3; i++)
		deal_release(&s->want[i]);
}

/*
 * Every deal with all its children, by slug in byte order ("ab-c" before
 * "abb", which a linguistic collation would swap), children in written
 * order, closed deals skipped with open_only, a callback's error ending
 * the walk; on its own and inside the caller's transaction, twice there so
 * nothing of the first walk (PostgreSQL cursors) is left to trip the next.
 */
static void
test_deal_each(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct each_seen s;
	struct criterion tc;
	struct deal d;

	assert_non_null(fx->st->ops->deal_each);
	make_deal(&d, "ab-c");
	tc = d.criteria[0];
	d.criteria[0] = d.criteria[2];
	d.criteria[2] = tc;
	put_ok(fx->st, &d);
	deal_release(&d);
	make_deal(&d, "abb");
	d.outcome = OUTCOME_WON;
	put_ok(fx->st, &d);
	deal_release(&d);
	deal_init(&d);
	d.slug = xstrdup("bare");
	put_ok(fx->st, &d);
	deal_release(&d);

	each_walk(fx->st, &s, false, 0, 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.slugs[0], "ab-c");
	assert_string_equal(s.slugs[1], "abb");
	assert_string_equal(s.slugs[2], "bare");

	each_walk(fx->st, &s, true, 0, 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.slugs[0], "ab-c");
	assert_string_equal(s.slugs[1], "bare");

	each_walk(fx->st, &s, false, 2, TW_EINPUT);
	assert_int_equal(s.n, 2);
	get_ok(fx->st, "bare", &d);
	deal_release(&d);

	assert_int_equal(store_begin(fx->st, &err), 0);
	each_walk(fx->st, &s, false, 2, TW_EINPUT);
	each_walk(fx->st, &s, false, 0, 0);
	assert_int_equal(s.n, 3);
	each_walk(fx->st, &s, true, 0, 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(store_commit(fx->st, &err), 0);

	/* An empty walk for a deal-less store is no error. */
	assert_int_equal(store_deal_delete(fx->st, "ab-c", &err), 0);
	assert_int_equal(store_deal_delete(fx->st, "abb", &err), 0);
	assert_int_equal(store_deal_delete(fx->st, "bare", &err), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_each_deal(fx->st, false, each_collect,
					 &s, &err),
			 0);
	assert_int_equal(s.n, 0);
}

/* ---- the schema tables describe every column ------------------------- */

/*
 * The columns a model table has besides its fields (core/schema.h): what
 * ties its rows together. Nothing else may be there: a column without a
 * field is one no read, write or copy knows about.
 */
static const char *const deal_bookkeeping[] = { "id", "slug" };
static const char *const child_bookkeeping[] = { "deal_id", "pos" };

/* The tables that are not the model's: history, settings, accounts. */
static const char *const other_tables[] = {
	"history", "settings", "users", "sessions", "tokens", "shares",
	"workspace_playbook",	/* the workspace's, not a deal's */
	"evaluations", "findings", "eval_inputs", /* derived: findings.h */
	"outbox", "subscriptions", "webhooks", "deliveries",	/* notify.h */
	"techwin_meta",	/* PostgreSQL only: what the database is */
};

struct names {
	char *v[64];
	size_t n;
};

static void
names_add(struct names *ns, const char *name)
{
	assert_true(ns->n < ARRAY_SIZE(ns->v));
	ns->v[ns->n++] = xstrdup(name);
}

static bool
names_has(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i], name))
			return true;
	return false;
}

static void
names_release(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	ns->n = 0;
}

/* The rows of a one-text-column query with at most one parameter. */
static void
raw_names(struct store *st, const char *sqlite_sql, const char *pg_sql,
	  const char *param, struct names *out)
{
	if (is_sqlite(st)) {
		sqlite3_stmt *stmt;
		int rc;

		assert_int_equal(sqlite3_prepare_v2(store_sqlite_handle(st),
						    sqlite_sql, -1, &stmt,
						    NULL),
				 SQLITE_OK);
		if (param)
			sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			names_add(out,
				  (const char *)sqlite3_column_text(stmt, 0));
		assert_int_equal(rc, SQLITE_DONE);
		sqlite3_finalize(stmt);
	} else {
		PGresult *res = PQexecParams(pg_handle(st), pg_sql,
					     param ? 1 : 0, NULL, &param, NULL,
					     NULL, 0);

		assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
		for (int i = 0; i < PQntuples(res); i++)
			names_add(out, PQgetvalue(res, i, 0));
		PQclear(res);
	}
}

/* The columns of a table of the workspace, as the database has them. */
static void
actual_columns(struct store *st, const char *table, struct names *out)
{
	raw_names(st, "SELECT name FROM pragma_table_info(?1)",
		  "SELECT column_name::text FROM information_schema.columns "
		  "WHERE table_schema = current_schema() AND table_name = $1",
		  table, out);
	if (!out->n)
		fail_msg("%s: no table '%s' in the workspace",
			 is_sqlite(st) ? "sqlite" : "postgresql", table);
}

/* The columns table should have, from the schema tables. */
static void
schema_columns(const char *table, struct names *out)
{
	const struct schema_table *tb = NULL;
	const char *const *bk = child_bookkeeping;

	if (!strcmp(table, schema_deal.sql)) {
		tb = &schema_deal;
		bk = deal_bookkeeping;
	}
	for (size_t t = 0; !tb && t < SCHEMA_NTABLES; t++)
		if (!strcmp(table, schema_tables[t].sql))
			tb = &schema_tables[t];
	if (tb) {
		names_add(out, bk[0]);
		names_add(out, bk[1]);
		for (size_t i = 0; i < tb->nfields; i++)
			if (field_in_row(&tb->fields[i]))
				names_add(out, tb->fields[i].name);
		return;
	}
	for (size_t l = 0; l < SCHEMA_NLISTS; l++) {
		const struct schema_list *sl = &schema_lists[l];

		if (strcmp(table, sl->sql))
			continue;
		names_add(out, "deal_id");
		names_add(out, sl->owner->fields[0].name);
		names_add(out, "pos");
		names_add(out, sl->column);
		return;
	}
	fail_msg("no schema table '%s'", table);
}

/* The database's columns of table are exactly the schema's, both ways. */
static void
check_table_columns(struct store *st, const char *table)
{
	const char *db = is_sqlite(st) ? "sqlite" : "postgresql";
	struct names got = { 0 }, want = { 0 };

	actual_columns(st, table, &got);
	schema_columns(table, &want);
	for (size_t i = 0; i < got.n; i++)
		if (!names_has(&want, got.v[i]))
			fail_msg("%s table '%s' has column '%s', which is no "
				 "field of the schema tables (core/schema.c) "
				 "nor bookkeeping",
				 db, table, got.v[i]);
	for (size_t i = 0; i < want.n; i++)
		if (!names_has(&got, want.v[i]))
			fail_msg("%s table '%s' has no column '%s' for the "
				 "schema's field",
				 db, table, want.v[i]);
	assert_int_equal(got.n, want.n);
	names_release(&got);
	names_release(&want);
}

/*
 * Every column of every model table after migration is a field of its
 * schema table or one of the few bookkeeping columns, and every field has
 * its column; every list field has its table; the workspace has no table
 * the schema (or the short list of others) does not know.
 */
static void
test_schema_columns(void **state)
{
	struct fixture *fx = *state;
	struct names model = { 0 }, tables = { 0 };

	names_add(&model, schema_deal.sql);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		names_add(&model, tb->sql);
		for (size_t i = 0; i < tb->nfields; i++) {
			size_t l = 0;

			if (field_in_row(&tb->fields[i]))
				continue;
			while (l < SCHEMA_NLISTS &&
			       (schema_lists[l].owner != tb ||
				strcmp(schema_lists[l].field,
				       tb->fields[i].name)))
				l++;
			if (l == SCHEMA_NLISTS)
				fail_msg("list field '%s' of '%s' has no "
					 "schema_lists entry",
					 tb->fields[i].name, tb->sql);
			names_add(&model, schema_lists[l].sql);
		}
	}
	for (size_t l = 0; l < SCHEMA_NLISTS; l++) {
		const struct field *f = schema_field(schema_lists[l].owner,
						     schema_lists[l].field,
						     false);

		assert_non_null(f);
		assert_int_equal(f->type, F_LIST);
	}
	assert_int_equal(model.n, 1 + SCHEMA_NTABLES + SCHEMA_NLISTS);

	for (size_t i = 0; i < model.n; i++)
		check_table_columns(fx->st, model.v[i]);

	raw_names(fx->st,
		  "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
		  "name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		  "SELECT table_name::text FROM information_schema.tables "
		  "WHERE table_schema = current_schema()",
		  NULL, &tables);
	for (size_t i = 0; i < tables.n; i++) {
		bool other = false;

		for (size_t j = 0; j < ARRAY_SIZE(other_tables); j++)
			other = other || !strcmp(tables.v[i], other_tables[j]);
		if (!other && !names_has(&model, tables.v[i]))
			fail_msg("%s table '%s' is neither a schema table nor "
				 "one of the others",
				 is_sqlite(fx->st) ? "sqlite" : "postgresql",
				 tables.v[i]);
	}
	names_release(&tables);
	names_release(&model);
}

/* ---- findings as data (store/findings.h) ------------------------------- */

static void
fdrv_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fail_msg("%s", msg);
}

/*
 * Random deals, verbs and days (the fuzz target's driver, from seeded
 * bytes): after every step what the store keeps as valid is what the
 * rules compute, and check reports a full re-evaluation's answer.
 */
static void
test_findings_random(void **state)
{
	struct fixture *fx = *state;
	uint8_t data[400];
	uint32_t x = 20270301;

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof(data); i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			data[i] = (uint8_t)x;
		}
		/* Make the three deals first, so most steps land. */
		for (size_t i = 0; i < FDRV_DEALS; i++) {
			data[4 * i] = 0;
			data[4 * i + 1] = (uint8_t)i;
		}
		fdrv_run_all(fx->st, data, sizeof(data));
	}
}

static size_t
count_rows(struct fixture *fx, const char *sql)
{
	return (size_t)raw_count(fx->st, sql);
}

/* The text of a one-cell query on the store's own connection (caller frees). */
static char *
raw_cell(struct store *st, const char *sql)
{
	char *out;

	if (is_sqlite(st)) {
		sqlite3_stmt *stmt;

		assert_int_equal(sqlite3_prepare_v2(store_sqlite_handle(st),
						    sql, -1, &stmt, NULL),
				 SQLITE_OK);
		assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
		out = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
	} else {
		PGresult *res = PQexec(pg_handle(st), sql);

		if (PQresultStatus(res) != PGRES_TUPLES_OK ||
		    PQntuples(res) != 1)
			fail_msg("%s: %s", sql, PQerrorMessage(pg_handle(st)));
		out = xstrdup(PQgetvalue(res, 0, 0));
		PQclear(res);
	}
	return out;
}

/* The deal's kept inputs decode to the deal as the store holds it. */
static void
assert_inputs_kept(struct fixture *fx, const char *slug)
{
	char sql[256], *text;
	struct tw_error err = { 0 };
	struct deal got, kept;

	snprintf(sql, sizeof(sql), "SELECT i.inputs FROM eval_inputs i "
		 "JOIN deals d ON d.id = i.deal_id WHERE d.slug = '%s'", slug);
	text = raw_cell(fx->st, sql);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM evaluations e "
		 "JOIN deals d ON d.id = e.deal_id WHERE d.slug = '%s' AND "
		 "e.inputs = %lld", slug, (long long)inputs_version());
	assert_int_equal(count_rows(fx, sql), 1);
	deal_init(&kept);
	assert_int_equal(inputs_decode(text, &kept), 0);
	assert_int_equal(store_deal_get(fx->st, slug, &got, &err), 0);
	/* Prose aside (kept as "~"), the deal itself. */
	for (size_t i = 0; i < got.ncriteria; i++)
		if (got.criteria[i].outcome && *got.criteria[i].outcome)
			xstrset(&got.criteria[i].outcome, "~");
	for (size_t i = 0; i < got.nphases; i++) {
		if (got.phases[i].scope && *got.phases[i].scope)
			xstrset(&got.phases[i].scope, "~");
		if (got.phases[i].justification &&
		    *got.phases[i].justification)
			xstrset(&got.phases[i].justification, "~");
	}
	deal_equal(&got, &kept);
	deal_release(&got);
	inputs_release(&kept);
	free(text);
}

/*
 * Every evaluation a verb keeps has the deal's inputs beside it
 * (store/inputs.h), in both backends: as the deal is after the verb,
 * and gone with the evaluation when the deal closes.
 */
static void
test_inputs_kept(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	struct verb_call c;
	struct deal d;

	make_deal(&d, "inputs");
	d.outcome = OUTCOME_OPEN;
	assert_int_equal(store_create_deal(fx->st, &d, ymd(2027, 3, 1), NULL,
					   &err), 0);
	deal_release(&d);
	assert_inputs_kept(fx, "inputs");

	verb_call_init(&c, V_SNOOZE, NULL);
	c.until = ymd(2027, 3, 20);
	c.reason = "kept again";
	deal_ctx_init(&ctx, ymd(2027, 3, 1), "tester");
	assert_int_equal(store_run_verb(fx->st, "inputs", &c, &ctx, NULL, NULL,
					&err), 0);
	deal_ctx_release(&ctx);
	verb_call_release(&c);
	assert_inputs_kept(fx, "inputs");

	verb_call_init(&c, V_DEAL_CLOSE, NULL);
	c.outcome = OUTCOME_WON;
	deal_ctx_init(&ctx, ymd(2027, 3, 2), "tester");
	assert_int_equal(store_run_verb(fx->st, "inputs", &c, &ctx, NULL, NULL,
					&err), 0);
	deal_ctx_release(&ctx);
	verb_call_release(&c);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM eval_inputs"), 0);
}

/*
 * A verb keeps its deal's evaluation in its own transaction; acks are
 * part of the deal; a setting change makes every evaluation stale; a
 * deal removed takes its evaluation and findings with it.
 */
static void
test_findings_kept(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal_ctx ctx;
	struct verb_call c;
	struct deal d;

	make_deal(&d, "kept");
	d.outcome = OUTCOME_OPEN;
	assert_int_equal(store_create_deal(fx->st, &d, ymd(2027, 3, 1), NULL,
					   &err), 0);
	deal_release(&d);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations"),
			 1);
	assert_true(count_rows(fx, "SELECT count(*) FROM findings") > 0);

	/* Acknowledge one of its findings: kept, and marked. */
	verb_call_init(&c, V_ACK, NULL);
	deal_ctx_init(&ctx, ymd(2027, 3, 1), "ann");
	assert_int_equal(store_load_ctx(fx->st, "kept", &ctx, &err), 0);
	{
		struct momentum_report r;

		findings_evaluate(&ctx.deal, ctx.today, &ctx.hol,
				  &ctx.settings, &r);
		assert_true(r.n > 0);
		c.rule = r.findings[0].rule;
		c.subject = xstrdup(r.findings[0].subject);
		momentum_report_release(&r);
	}
	c.reason = "waiting on legal";
	assert_int_equal(store_run_verb(fx->st, "kept", &c, &ctx, NULL, NULL,
					&err), 0);
	assert_int_equal(ctx.deal.nacks, 1);
	assert_string_equal(ctx.deal.acks[0].actor, "ann");
	/* Ten business days: Mon 2027-03-01 to Mon 2027-03-15. */
	assert_int_equal(ctx.deal.acks[0].until, ymd(2027, 3, 15));
	deal_ctx_release(&ctx);
	assert_int_equal(store_deal_get(fx->st, "kept", &d, &err), 0);
	assert_int_equal(d.nacks, 1);
	assert_string_equal(d.acks[0].reason, "waiting on legal");
	deal_release(&d);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM findings "
				    "WHERE ack_by = 'ann'"), 1);
	assert_true(history_count(fx->st, "kept") > 0);
	free((char *)c.subject);

	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 0);
	assert_int_equal(store_setting_set(fx->st, "momentum.max_gap", "7",
					   &err), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 1);

	assert_int_equal(store_deal_delete(fx->st, "kept", &err), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations"),
			 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM findings"), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM acks"), 0);
}

/* Evaluate and keep slug as of 2027-03-01, in the caller's transaction. */
static int
eval_one(struct store *st, const char *slug, struct tw_error *err)
{
	struct deal_ctx ctx;
	int rc;

	deal_ctx_init(&ctx, ymd(2027, 3, 1), "ann");
	rc = store_load_ctx(st, slug, &ctx, err);
	if (rc == 0)
		rc = store_eval_deal(st, &ctx.deal, &ctx.hol, &ctx.settings,
				     ctx.today, err);
	deal_ctx_release(&ctx);
	return rc;
}

/*
 * A bulk transaction (check's re-evaluation of many deals) keeps all of
 * its writes or none: on SQLite they run without savepoints, so one that
 * fails leaves nothing for the commit to keep.
 */
static void
test_bulk_transaction(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	const char *const slugs[] = { "bulk-a", "bulk-b" };
	sqlite3 *db;

	for (size_t i = 0; i < ARRAY_SIZE(slugs); i++) {
		struct deal d;

		make_deal(&d, slugs[i]);
		d.outcome = OUTCOME_OPEN;
		assert_int_equal(store_create_deal(fx->st, &d, ymd(2027, 3, 1),
						   NULL, &err), 0);
		deal_release(&d);
	}
	assert_int_equal(store_setting_set(fx->st, "momentum.max_gap", "7",
					   &err), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 2);

	assert_int_equal(store_begin_bulk(fx->st, &err), 0);
	for (size_t i = 0; i < ARRAY_SIZE(slugs); i++)
		assert_int_equal(eval_one(fx->st, slugs[i], &err), 0);
	assert_int_equal(store_commit(fx->st, &err), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 0);
	if (!is_sqlite(fx->st))
		return;

	/* The second deal's write fails: the first is not kept either. */
	assert_int_equal(store_setting_set(fx->st, "momentum.max_gap", "8",
					   &err), 0);
	db = raw_open(fx->path);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TRIGGER boom3 BEFORE UPDATE ON "
				      "evaluations WHEN NEW.deal_id = (SELECT "
				      "id FROM deals WHERE slug = 'bulk-b') "
				      "BEGIN SELECT RAISE(ABORT, 'boom'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(store_begin_bulk(fx->st, &err), 0);
	assert_int_equal(eval_one(fx->st, "bulk-a", &err), 0);
	assert_int_equal(eval_one(fx->st, "bulk-b", &err), TW_ESTORE);
	assert_int_equal(store_commit(fx->st, &err), TW_ESTORE);
	assert_string_equal(err.msg, "transaction was rolled back after an "
				     "earlier error");
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 2);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER boom3", NULL, NULL,
				      NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	/* And the next transaction is an ordinary one again. */
	assert_int_equal(store_begin_bulk(fx->st, &err), 0);
	assert_int_equal(eval_one(fx->st, "bulk-a", &err), 0);
	assert_int_equal(store_commit(fx->st, &err), 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 1);
}

/*
 * The workspace's playbook: kept in order with every field; set to the
 * same steps it is no change, else every evaluation is stale and the
 * history has the steps before and after; refused steps write nothing;
 * none is the built-in default again. Deals planned with it in check.
 */
static void
test_workspace_playbook(void **state)
{
	struct fixture *fx = *state;
	struct step pb[2] = {
		{ .title = "Security review", .offset = 1,
		  .kind = EVENT_TECHNICAL, .key = "sec-review", .owner = "se" },
		{ .title = "Signature", .offset = 3, .kind = EVENT_COMMERCIAL,
		  .plus_procurement = true },
	};
	struct validation_site site = { 0 };
	struct tw_error err = { 0 };
	struct history_list h;
	struct workspace ws;
	struct step *got;
	struct deal d;
	size_t n;

	make_deal(&d, "pb");
	d.outcome = OUTCOME_OPEN;
	assert_int_equal(store_create_deal(fx->st, &d, ymd(2027, 3, 1), NULL,
					   &err), 0);
	deal_release(&d);
	assert_int_equal(store_playbook_get(fx->st, &got, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_null(got);

	assert_int_equal(workspace_playbook_set(fx->st, pb, 2, &site, &err),
			 0);
	assert_int_equal(count_rows(fx, "SELECT count(*) FROM evaluations "
				    "WHERE stale = 1"), 1);
	assert_int_equal(store_playbook_get(fx->st, &got, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].title, "Security review");
	assert_int_equal(got[0].offset, 1);
	assert_int_equal(got[0].kind, EVENT_TECHNICAL);
	assert_false(got[0].plus_procurement);
	assert_string_equal(got[0].key, "sec-review");
	assert_string_equal(got[0].owner, "se");
	assert_true(got[1].plus_procurement);
	assert_null(got[1].key);
	assert_null(got[1].owner);
	playbook_free(got, n);
	assert_int_equal(workspace_load(fx->st, &ws, &err), 0);
	assert_int_equal(ws.nplaybook, 2);
	assert_int_equal(workspace_days(&ws).nplaybook, 2);
	workspace_release(&ws);

	/* The same again: no change, no history row. */
	assert_int_equal(workspace_playbook_set(fx->st, pb, 2, &site, &err),
			 0);
	/* A duplicate key: refused at the step, nothing written. */
	pb[1].key = "sec-review";
	assert_int_equal(workspace_playbook_set(fx->st, pb, 2, &site, &err),
			 TW_EINPUT);
	assert_int_equal(site.entity, ENT_STEP);
	assert_int_equal(site.index, 1);
	assert_string_equal(site.field, "key");
	assert_string_equal(err.msg,
			    "duplicate playbook step key 'sec-review'");
	pb[1].key = NULL;
	assert_int_equal(workspace_playbook_set(fx->st, NULL, 0, &site, &err),
			 0);
	assert_int_equal(store_playbook_get(fx->st, &got, &n, &err), 0);
	assert_int_equal(n, 0);

	history_ok(fx->st, "", &h);
	assert_int_equal(h.n, 2);
	assert_history(&h.items[0], "setting", "playbook", "value", NULL,
		       "Security review +1 (technical, key sec-review, SE); "
		       "Signature +3 plus procurement");
	assert_string_equal(h.items[1].old_value, h.items[0].new_value);
	assert_null(h.items[1].new_value);
	history_list_release(&h);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/*
 * Alerts (store/notify.h), alike on both backends: events in the outbox
 * with their deal's SE and AE, kept only when the transaction is; a
 * webhook gets the events after it was added; deliveries through their
 * statuses.
 */
static void
test_notify_tables(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct notify_scope all = { "all", NULL }, se = { "se", "Sam" };
	struct notify_hook h = { 0 }, got;
	struct notify_sub_list subs;
	struct notify_delivery d = { 0 };
	struct notify_delivery_list dl;
	struct outbox_list ol;
	long long last;
	bool replaced;
	size_t n;

	bare_deal(fx->st, "acme");
	assert_int_equal(store_outbox_add(fx->st, "finding.new", "acme",
					  "{\"rule\":\"r\"}", &err), 0);
	/* Rolled back with the transaction that wrote it. */
	assert_int_equal(store_begin(fx->st, &err), 0);
	assert_int_equal(store_outbox_add(fx->st, "x", "", "{}", &err), 0);
	store_rollback(fx->st);
	assert_int_equal(store_outbox_last(fx->st, &last, &err), 0);
	assert_int_equal(store_outbox_since(fx->st, 0, 10, &ol, &err), 0);
	assert_int_equal(ol.n, 1);
	assert_int_equal(ol.items[0].id, last);
	assert_string_equal(ol.items[0].type, "finding.new");
	assert_string_equal(ol.items[0].deal, "acme");
	assert_string_equal(ol.items[0].payload, "{\"rule\":\"r\"}");
	outbox_list_release(&ol);

	assert_int_equal(store_sub_put(fx->st, "a@x.example", &se, &replaced,
				       &err), 0);
	assert_false(replaced);
	assert_int_equal(store_sub_put(fx->st, "a@x.example", &all, &replaced,
				       &err), 0);
	assert_true(replaced);
	assert_int_equal(store_sub_mark(fx->st, "a@x.example", last,
					"2026-11-26", &err), 0);
	assert_int_equal(store_sub_list(fx->st, &subs, &err), 0);
	assert_int_equal(subs.n, 1);
	assert_string_equal(subs.items[0].scope.scope, "all");
	assert_true(subs.items[0].has_cursor);
	assert_int_equal(subs.items[0].last_event, last);
	assert_string_equal(subs.items[0].last_digest_on, "2026-11-26");
	notify_sub_list_release(&subs);
	assert_int_equal(store_sub_delete(fx->st, "b@x.example", &err),
			 TW_ENOTFOUND);

	h.name = "team";
	h.url = "https://hooks.example/x";
	h.format = "json";
	h.secret = "s";
	h.scope = se;
	assert_int_equal(store_hook_add(fx->st, &h, &err), 0);
	assert_int_equal(store_hook_add(fx->st, &h, &err), TW_EEXIST);
	assert_int_equal(store_hook_get(fx->st, "team", &got, &err), 0);
	assert_int_equal(got.last_event, last);
	assert_string_equal(got.secret, "s");
	assert_string_equal(got.scope.name, "Sam");
	notify_hook_release(&got);

	d.target_kind = "webhook";
	d.target = "team";
	d.kind = "finding.new";
	d.event_id = last;
	d.body = "{}";
	d.created = 1000;
	assert_int_equal(store_delivery_add(fx->st, &d, &err), 0);
	assert_int_equal(strlen(d.id), 32);
	assert_int_equal(store_delivery_due(fx->st, 999, &dl, &err), 0);
	assert_int_equal(dl.n, 0);
	notify_delivery_list_release(&dl);
	assert_int_equal(store_delivery_set(fx->st, d.id, "queued", 1, 5000,
					    "HTTP 500", &err), 0);
	assert_int_equal(store_delivery_due(fx->st, 4999, &dl, &err), 0);
	assert_int_equal(dl.n, 0);
	notify_delivery_list_release(&dl);
	/* 0: everything queued, whatever its backoff. */
	assert_int_equal(store_delivery_due(fx->st, 0, &dl, &err), 0);
	assert_int_equal(dl.n, 1);
	assert_string_equal(dl.items[0].id, d.id);
	assert_int_equal(dl.items[0].attempts, 1);
	assert_string_equal(dl.items[0].last_error, "HTTP 500");
	notify_delivery_list_release(&dl);
	assert_int_equal(store_delivery_set(fx->st, d.id, "failed", 2, 6000,
					    "gone", &err), 0);
	assert_int_equal(store_delivery_count(fx->st, "failed", &n, &err), 0);
	assert_int_equal(n, 1);
	free(d.id);
	assert_int_equal(store_hook_delete(fx->st, "team", &err), 0);
	assert_int_equal(store_hook_delete(fx->st, "team", &err),
			 TW_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_put_get_roundtrip),
		T(test_minimal_deal),
		T(test_notify_tables),
		T(test_list_sorted_scalars),
		T(test_update_measurement),
		T(test_scales_with_load),
		T(test_reput_identical),
		T(test_delete_children),
		T(test_field_kinds),
		T(test_order_preserved),
		T(test_deal_each),
		T(test_rekey_child),
		T(test_delete_deal),
		T(test_unknown_deal),
		T(test_history_filter),
		T(test_history_time_override),
		T(test_bad_deal_rejected),
		T(test_transactions),
		T(test_failed_create_in_transaction),
		T(test_settings),
		T(test_workspace_history),
		T(test_snooze_fields),
		T(test_crm_fields),
		T(test_migrate_from_1),
		T(test_schema_columns),
		T(test_reopen),
		T(test_pragmas),
		T(test_history_append_only),
		T(test_open_missing),
		T(test_open_postgres_url),
		T(test_open_text_file),
		T(test_open_foreign_sqlite),
		T(test_open_newer_schema),
		T(test_pg_open_foreign),
		T(test_pg_open_empty),
		T(test_busy),
		T(test_concurrent_writers),
		T(test_copy_workspace),
		T(test_users),
		T(test_users_hostile_names),
		T(test_sessions),
		T(test_tokens),
		T(test_user_delete_cascades),
		T(test_shares),
		T(test_accounts_transaction),
		T(test_findings_kept),
		T(test_inputs_kept),
		T(test_bulk_transaction),
		T(test_workspace_playbook),
		T(test_findings_random),
	};
	const char *url = getenv("TW_TEST_PG_URL");
	const char *sqlite = getenv("TW_TEST_SQLITE");
	int failed = 0;

	if (!sqlite || strcmp(sqlite, "0")) {
		backend = BACKEND_SQLITE;
		failed += cmocka_run_group_tests_name("store (sqlite)", tests,
						      NULL, NULL);
	}
	if (url && *url) {
		backend = BACKEND_PG;
		failed += cmocka_run_group_tests_name("store (postgresql)",
						      tests, pg_group_setup,
						      pg_group_teardown);
	}
	return failed ? 1 : 0;
}
