/*
 * The store suite: written against the store interface (store_open and the
 * ops), so every backend runs the same checks. The few SQLite-specific
 * checks (pragmas, file bytes, raw SQL on the history table) go through
 * store_sqlite_handle() or a second sqlite3 connection and are skipped for
 * other backends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "store/store.h"
#include "util/xalloc.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct store *st;
};

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
	unsetenv("TECHWIN_NOW");
	assert_int_equal(store_open(&fx->st, fx->path, STORE_CREATE, "tester",
				    &err),
			 0);
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
	int rc = st->ops->deal_put(st, d, &err);

	if (rc)
		fail_msg("deal_put: %s", err.msg);
}

static void
get_ok(struct store *st, const char *slug, struct deal *out)
{
	struct tw_error err = { 0 };
	int rc = st->ops->deal_get(st, slug, out, &err);

	if (rc)
		fail_msg("deal_get: %s", err.msg);
}

static void
history_ok(struct store *st, const char *slug, struct history_list *out)
{
	struct tw_error err = { 0 };

	assert_int_equal(st->ops->history(st, slug, out, &err), 0);
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

	assert_int_equal(fx->st->ops->deal_list(fx->st, &l, &err), 0);
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

static void
test_reput_identical(void **state)
{
	struct fixture *fx = *state;
	struct deal d, copy, got;
	sqlite3 *db = store_sqlite_handle(fx->st);
	int changes;
	size_t n;

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	n = history_count(fx->st, NULL);
	changes = db ? sqlite3_total_changes(db) : 0;

	deal_copy(&copy, &d);
	put_ok(fx->st, &copy);
	get_ok(fx->st, "acme", &got);
	put_ok(fx->st, &got);

	assert_int_equal(history_count(fx->st, NULL), n);
	/* Not only no history: no row written at all. */
	if (db)
		assert_int_equal(sqlite3_total_changes(db), changes);
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
	sqlite3 *db = store_sqlite_handle(fx->st);
	static const char *const tables[] = {
		"holidays", "criteria", "events", "risks", "phases",
		"phase_criteria", "playbook", "touches",
	};

	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	assert_int_equal(fx->st->ops->deal_delete(fx->st, "acme", &err), 0);
	assert_int_equal(fx->st->ops->deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);

	history_ok(fx->st, "acme", &h);
	assert_int_equal(h.n, 2 + deal_children(&d));
	assert_history(&h.items[h.n - 1], "deal", "", "*", "deleted", NULL);
	history_list_release(&h);

	/* The children went with it: foreign keys cascade. */
	for (size_t i = 0; db && i < sizeof(tables) / sizeof(tables[0]);
	     i++) {
		char sql[128];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s",
			 tables[i]);
		assert_int_equal(raw_int(db, sql), 0);
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

	assert_int_equal(fx->st->ops->deal_get(fx->st, "nope", &got, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown deal 'nope'");
	deal_release(&got);
	tw_error_clear(&err);
	assert_int_equal(fx->st->ops->deal_delete(fx->st, "nope", &err),
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
	assert_int_equal(fx->st->ops->deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "duplicate criterion 'throughput'");
	assert_int_equal(fx->st->ops->deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 0);

	xstrset(&bad.slug, "Not A Slug");
	assert_int_equal(fx->st->ops->deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	deal_release(&bad);

	/* Inside a transaction a failed put leaves the rest alone. */
	assert_int_equal(fx->st->ops->begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	deal_copy(&bad, &d);
	xstrset(&bad.slug, "other");
	bad.criteria[0].required = NAN;
	assert_int_equal(fx->st->ops->deal_put(fx->st, &bad, &err),
			 TW_EINPUT);
	assert_int_equal(fx->st->ops->commit(fx->st, &err), 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	assert_int_equal(fx->st->ops->deal_get(fx->st, "other", &got, &err),
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
	assert_int_equal(fx->st->ops->begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	get_ok(fx->st, "acme", &got);		/* visible inside */
	deal_release(&got);
	assert_int_equal(fx->st->ops->setting_set(fx->st, "k", "v", &err), 0);
	fx->st->ops->rollback(fx->st);

	assert_int_equal(fx->st->ops->deal_get(fx->st, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 0);

	/* A put after the rollback runs in its own transaction again. */
	assert_int_equal(fx->st->ops->begin(fx->st, &err), 0);
	put_ok(fx->st, &d);
	assert_int_equal(fx->st->ops->commit(fx->st, &err), 0);
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	assert_int_equal(history_count(fx->st, NULL), 1 + deal_children(&d));

	/* Commit and rollback without begin. */
	assert_int_equal(fx->st->ops->commit(fx->st, &err), TW_ESTORE);
	fx->st->ops->rollback(fx->st);
	deal_release(&d);
}

static void
test_settings(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	char *v;

	assert_int_equal(fx->st->ops->setting_get(fx->st, "max_gap", &v, &err),
			 0);
	assert_null(v);
	assert_int_equal(fx->st->ops->setting_set(fx->st, "max_gap", "5", &err),
			 0);
	assert_int_equal(fx->st->ops->setting_set(fx->st, "half_life", "10",
						  &err),
			 0);
	assert_int_equal(fx->st->ops->setting_set(fx->st, "max_gap", "7", &err),
			 0);
	assert_int_equal(fx->st->ops->setting_get(fx->st, "max_gap", &v, &err),
			 0);
	assert_string_equal(v, "7");
	free(v);
	assert_int_equal(fx->st->ops->setting_get(fx->st, "half_life", &v,
						  &err),
			 0);
	assert_string_equal(v, "10");
	free(v);
	assert_int_equal(fx->st->ops->setting_set(fx->st, "max_gap", NULL,
						  &err),
			 0);
	assert_int_equal(fx->st->ops->setting_get(fx->st, "max_gap", &v, &err),
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
 * A database at schema 1 (no snooze columns) is migrated on open and keeps
 * its deals; the snooze fields then work.
 */
static void
test_migrate_from_1(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d, got;
	sqlite3 *db;

	if (!is_sqlite(fx->st))
		skip();
	make_deal(&d, "acme");
	put_ok(fx->st, &d);
	store_close(fx->st);
	fx->st = NULL;
	db = raw_open(fx->path);
	assert_int_equal(sqlite3_exec(db,
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
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 2);
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
	assert_int_equal(store_open(&fx->st, fx->path, STORE_OPEN_EXISTING,
				    "tester", &err),
			 0);
	assert_string_equal(fx->st->actor, "tester");
	get_ok(fx->st, "acme", &got);
	deal_equal(&d, &got);
	deal_release(&got);
	deal_release(&d);

	if (!is_sqlite(fx->st))
		return;
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

	if (!is_sqlite(fx->st))
		skip();
	deal_init(&d);
	d.slug = xstrdup("acme");
	put_ok(fx->st, &d);
	deal_release(&d);

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

	(void)state;
	assert_int_equal(store_open(&st, "postgresql://localhost/tw",
				    STORE_CREATE, "t", &err),
			 TW_ESTORE);
	assert_string_equal(err.msg, "postgresql support is not built in");
	assert_int_equal(store_open(&st, "postgres://localhost/tw",
				    STORE_OPEN_EXISTING, "t", &err),
			 TW_ESTORE);
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

static void
test_open_newer_schema(void **state)
{
	struct fixture *fx = *state;
	char sql[64];
	sqlite3 *db;

	if (!is_sqlite(fx->st))
		skip();
	store_close(fx->st);
	fx->st = NULL;
	db = raw_open(fx->path);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		 store_schema_version() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_refused(fx->path, "newer than this techwin");
}

static void
test_busy(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store *other;
	struct deal d, got;

	assert_int_equal(store_open(&other, fx->path, STORE_OPEN_EXISTING,
				    "other", &err),
			 0);
	deal_init(&d);
	d.slug = xstrdup("acme");
	assert_int_equal(fx->st->ops->begin(fx->st, &err), 0);
	assert_int_equal(other->ops->deal_put(other, &d, &err), TW_EBUSY);
	assert_string_equal(err.msg, "database is locked");
	/* Readers are not blocked by the writer. */
	assert_int_equal(other->ops->deal_get(other, "acme", &got, &err),
			 TW_ENOTFOUND);
	deal_release(&got);
	fx->st->ops->rollback(fx->st);

	/* The failed put left no transaction open behind it. */
	put_ok(other, &d);
	get_ok(fx->st, "acme", &got);
	deal_release(&got);
	store_close(other);
	deal_release(&d);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_put_get_roundtrip),
		T(test_minimal_deal),
		T(test_list_sorted_scalars),
		T(test_update_measurement),
		T(test_reput_identical),
		T(test_delete_children),
		T(test_field_kinds),
		T(test_order_preserved),
		T(test_rekey_child),
		T(test_delete_deal),
		T(test_unknown_deal),
		T(test_history_filter),
		T(test_history_time_override),
		T(test_bad_deal_rejected),
		T(test_transactions),
		T(test_settings),
		T(test_snooze_fields),
		T(test_migrate_from_1),
		T(test_reopen),
		T(test_pragmas),
		T(test_history_append_only),
		T(test_open_missing),
		T(test_open_postgres_url),
		T(test_open_text_file),
		T(test_open_foreign_sqlite),
		T(test_open_newer_schema),
		T(test_busy),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
