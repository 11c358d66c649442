/*
 * The store's deal_each (every deal with its children, one at a time, by
 * slug) on SQLite, and store_each_deal's fallback for a backend without it:
 * each deal handed over must be the deal deal_get reads, children in their
 * written order (not key order), closed deals skipped with open_only, and a
 * callback's error must end the walk. deal_each_parts, the same walk cut
 * into runs of slugs on as many threads: the runs put end to end are
 * deal_each's walk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "formats/plan.h"
#include "store/deals.h"
#include "store/store-internal.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct store *st;
};

static tw_date
day(const char *s)
{
	tw_date d;

	assert_int_equal(date_parse(s, &d, NULL), 0);
	return d;
}

/* Children written out of key order, so position order is tested. */
static void
put_full_deal(struct store *st, const char *slug, enum outcome outcome)
{
	static const char *const ckeys[] = { "zeta", "alpha", "mid" };
	static const char *const ekeys[] = { "readout", "exec", "kickoff" };
	struct tw_error err = { 0 };
	struct deal d;

	deal_init(&d);
	d.slug = xstrdup(slug);
	d.account = xstrdup("Account");
	d.outcome = outcome;
	if (outcome != OUTCOME_OPEN)
		d.close_date = day("2026-10-01");
	deal_add_holiday(&d, day("2026-12-24"));
	deal_add_holiday(&d, day("2026-12-25"));
	for (size_t i = 0; i < 3; i++) {
		struct criterion *c = deal_add_criterion(&d);

		c->key = xstrdup(ckeys[i]);
		c->direction = i ? DIR_AT_LEAST : DIR_AT_MOST;
		c->required = 10.0 + (double)i;
		c->has_measured = i != 2;
		c->measured = 9.5;
		c->measured_on = c->has_measured ? day("2026-11-02") : DATE_NONE;
	}
	for (size_t i = 0; i < 3; i++) {
		struct event *e = deal_add_event(&d);

		e->key = xstrdup(ekeys[i]);
		e->kind = i == 1 ? EVENT_COMMERCIAL : EVENT_TECHNICAL;
		e->title = xstrdup(ekeys[i]);
		e->date = day("2026-11-03") + (tw_date)i;
		e->after = i == 1 ? xstrdup("readout") : NULL;
	}
	for (size_t i = 0; i < 2; i++) {
		struct risk *r = deal_add_risk(&d);

		r->key = xstrdup(i ? "a-risk" : "z-risk");
		r->deadline = day("2027-03-01");
		r->buffer.n = 14;
	}
	for (int i = 2; i >= 1; i--) {
		struct phase *p = deal_add_phase(&d);

		p->number = i;
		p->name = xstrdup(i == 1 ? "One" : "Two");
		p->ncriteria = 2;
		p->criteria = xcalloc(2, sizeof(*p->criteria));
		p->criteria[0] = xstrdup(i == 1 ? "zeta" : "mid");
		p->criteria[1] = xstrdup("alpha");
	}
	for (size_t i = 0; i < 2; i++) {
		struct touch *t = deal_add_touch(&d);

		t->type = xstrdup(i ? "compress" : "buying-signal");
		t->date = day("2026-11-04") + (tw_date)i;
	}
	assert_int_equal(store_deal_put(st, &d, &err), 0);
	deal_release(&d);
}

static int
setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct tw_error err = { 0 };
	struct deal d;

	snprintf(f->dir, sizeof(f->dir), "/tmp/tw-deal-each-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(store_open(&f->st, f->path, STORE_CREATE, "test",
				    &err),
			 0);
	put_full_deal(f->st, "b-open", OUTCOME_OPEN);
	put_full_deal(f->st, "a-won", OUTCOME_WON);
	deal_init(&d);
	d.slug = xstrdup("c-bare");
	d.account = xstrdup("Bare");
	assert_int_equal(store_deal_put(f->st, &d, &err), 0);
	deal_release(&d);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char path[PATH_MAX + 32];

	store_close(f->st);
	unlink(f->path);
	snprintf(path, sizeof(path), "%s-wal", f->path);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", f->path);
	unlink(path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/*
 * What the walk saw: slugs in order, each compared with what deal_get read
 * before the walk (fn may not call the store during it).
 */
struct seen {
	struct deal want[3];	/* a-won, b-open, c-bare from deal_get */
	char slugs[8][DEAL_SLUG_MAX + 1];
	size_t n;
	int stop_at;		/* return TW_EINPUT at this call (1-based) */
};

static void
seen_init(struct seen *s, struct store *st, int stop_at)
{
	static const char *const slugs[] = { "a-won", "b-open", "c-bare" };
	struct tw_error err = { 0 };

	memset(s, 0, sizeof(*s));
	s->stop_at = stop_at;
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(store_deal_get(st, slugs[i], &s->want[i],
						&err),
				 0);
}

static void
seen_release(struct seen *s)
{
	for (size_t i = 0; i < 3; i++)
		deal_release(&s->want[i]);
}

/* Equal as far as plan files go, and the same touches. */
static void
assert_same_deal(const struct deal *a, const struct deal *b)
{
	struct strbuf pa = STRBUF_INIT, pb = STRBUF_INIT;

	plan_emit(a, &pa);
	plan_emit(b, &pb);
	assert_string_equal(pa.buf, pb.buf);
	assert_int_equal(a->ntouches, b->ntouches);
	for (size_t i = 0; i < a->ntouches; i++) {
		assert_string_equal(a->touches[i].type, b->touches[i].type);
		assert_int_equal(a->touches[i].date, b->touches[i].date);
	}
	assert_int_equal(a->outcome, b->outcome);
	strbuf_release(&pa);
	strbuf_release(&pb);
}

static int
collect(const struct deal *d, void *arg, struct tw_error *err)
{
	struct seen *s = arg;
	size_t i;

	assert_true(s->n < 8);
	snprintf(s->slugs[s->n++], DEAL_SLUG_MAX + 1, "%s", d->slug);
	if (s->stop_at && (int)s->n == s->stop_at)
		return tw_error_set(err, TW_EINPUT, "stop at '%s'", d->slug);
	for (i = 0; i < 3 && strcmp(s->want[i].slug, d->slug); i++)
		;
	assert_true(i < 3);
	assert_same_deal(d, &s->want[i]);
	return 0;
}

static void
test_every_deal_by_slug(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct seen s;

	seen_init(&s, f->st, 0);
	assert_non_null(f->st->ops->deal_each);
	assert_int_equal(store_each_deal(f->st, false, collect, &s,
					 &err),
			 0);
	seen_release(&s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.slugs[0], "a-won");
	assert_string_equal(s.slugs[1], "b-open");
	assert_string_equal(s.slugs[2], "c-bare");
}

/* Position order survives: the first criterion is still "zeta". */
static int
check_order(const struct deal *d, void *arg, struct tw_error *err)
{
	(void)arg;
	(void)err;
	if (strcmp(d->slug, "b-open"))
		return 0;
	assert_int_equal(d->ncriteria, 3);
	assert_string_equal(d->criteria[0].key, "zeta");
	assert_string_equal(d->criteria[2].key, "mid");
	assert_string_equal(d->events[0].key, "readout");
	assert_string_equal(d->risks[0].key, "z-risk");
	assert_int_equal(d->phases[0].number, 2);
	assert_int_equal(d->phases[0].ncriteria, 2);
	assert_string_equal(d->phases[0].criteria[0], "mid");
	assert_string_equal(d->phases[1].criteria[0], "zeta");
	assert_int_equal(d->nholidays, 2);
	assert_string_equal(d->touches[0].type, "buying-signal");
	return 0;
}

static void
test_children_in_written_order(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };

	assert_int_equal(store_each_deal(f->st, false, check_order,
					 NULL, &err),
			 0);
}

static void
test_open_only(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct seen s;

	seen_init(&s, f->st, 0);
	assert_int_equal(store_each_deal(f->st, true, collect, &s, &err), 0);
	seen_release(&s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.slugs[0], "b-open");
	assert_string_equal(s.slugs[1], "c-bare");
}

static void
test_callback_error_stops(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct deal d;
	struct seen s;

	seen_init(&s, f->st, 2);
	assert_int_equal(store_each_deal(f->st, false, collect, &s, &err),
			 TW_EINPUT);
	seen_release(&s);
	assert_int_equal(s.n, 2);
	assert_string_equal(err.msg, "stop at 'b-open'");
	/* The read transaction is over: the store still works. */
	assert_int_equal(store_deal_get(f->st, "c-bare", &d, &err), 0);
	deal_release(&d);
}

/* A backend without deal_each: store_each_deal lists and gets instead. */
static void
test_fallback(void **state)
{
	struct fixture *f = *state;
	const struct store_ops *real = f->st->ops;
	struct store_ops ops = *real;
	struct tw_error err = { 0 };
	struct seen all, open;

	seen_init(&all, f->st, 0);
	seen_init(&open, f->st, 0);
	ops.deal_each = NULL;
	f->st->ops = &ops;
	assert_int_equal(store_each_deal(f->st, false, collect, &all, &err),
			 0);
	assert_int_equal(store_each_deal(f->st, true, collect, &open, &err),
			 0);
	assert_int_equal(store_each_deal(f->st, false, check_order, NULL,
					 &err),
			 0);
	f->st->ops = real;
	seen_release(&all);
	seen_release(&open);
	assert_int_equal(all.n, 3);
	assert_string_equal(all.slugs[1], "b-open");
	assert_int_equal(open.n, 2);
	assert_string_equal(open.slugs[0], "b-open");
}

/* ---- deal_each_parts --------------------------------------------------- */

#define NMANY 40
#define NPARTS 3

/* NMANY deals written in reverse slug order (ids do not follow slugs). */
static int
setup_many(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	struct tw_error err = { 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/tw-deal-each-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	assert_int_equal(store_open(&f->st, f->path, STORE_CREATE, "test",
				    &err),
			 0);
	for (int i = NMANY - 1; i >= 0; i--) {
		char slug[16];

		snprintf(slug, sizeof(slug), "d-%02d", i);
		put_full_deal(f->st, slug,
			      i % 7 == 3 ? OUTCOME_WON : OUTCOME_OPEN);
	}
	*state = f;
	return 0;
}

/* What each part saw; fn runs on the parts' threads, so under a lock. */
struct parts_seen {
	pthread_mutex_t lock;
	char slugs[NPARTS][NMANY + 1][DEAL_SLUG_MAX + 1];
	size_t n[NPARTS];
	pthread_t thread[NPARTS];
	bool bad;		/* a deal without its children, a bad part */
	const char *fail_on;	/* return TW_EINPUT for this slug */
};

static int
collect_part(size_t part, const struct deal *d, void *arg,
	     struct tw_error *err)
{
	struct parts_seen *ps = arg;
	int r = 0;

	pthread_mutex_lock(&ps->lock);
	if (part >= NPARTS || ps->n[part] >= NMANY + 1) {
		ps->bad = true;
	} else {
		ps->thread[part] = pthread_self();
		snprintf(ps->slugs[part][ps->n[part]++], DEAL_SLUG_MAX + 1,
			 "%s", d->slug);
		if (d->ncriteria != 3 || d->nevents != 3 || d->nphases != 2 ||
		    strcmp(d->criteria[0].key, "zeta"))
			ps->bad = true;
	}
	pthread_mutex_unlock(&ps->lock);
	if (ps->fail_on && !strcmp(d->slug, ps->fail_on))
		r = tw_error_set(err, TW_EINPUT, "stop at '%s'", d->slug);
	return r;
}

static void
parts_init(struct parts_seen *ps)
{
	memset(ps, 0, sizeof(*ps));
	pthread_mutex_init(&ps->lock, NULL);
}

/* The parts end to end; returns how many parts saw deals. */
static size_t
parts_join(const struct parts_seen *ps, char out[][DEAL_SLUG_MAX + 1],
	   size_t *n)
{
	size_t used = 0;

	*n = 0;
	for (size_t p = 0; p < NPARTS; p++) {
		used += ps->n[p] > 0;
		for (size_t i = 0; i < ps->n[p]; i++)
			memcpy(out[(*n)++], ps->slugs[p][i], DEAL_SLUG_MAX + 1);
	}
	return used;
}

/* The open deals' slugs in order, as deal_each walks them. */
static size_t
open_slugs(char out[][DEAL_SLUG_MAX + 1])
{
	size_t n = 0;

	for (int i = 0; i < NMANY; i++)
		if (i % 7 != 3)
			snprintf(out[n++], DEAL_SLUG_MAX + 1, "d-%02d", i);
	return n;
}

static void
test_parts_end_to_end(void **state)
{
	struct fixture *f = *state;
	char want[NMANY][DEAL_SLUG_MAX + 1], got[NMANY + 1][DEAL_SLUG_MAX + 1];
	struct tw_error err = { 0 };
	struct parts_seen ps;
	size_t nwant = open_slugs(want), ngot, used;

	parts_init(&ps);
	assert_non_null(f->st->ops->deal_each_parts);
	assert_int_equal(store_each_deal_parts(f->st, true, NPARTS,
					       collect_part, &ps, &err),
			 0);
	assert_false(ps.bad);
	used = parts_join(&ps, got, &ngot);
	assert_int_equal(ngot, nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_string_equal(got[i], want[i]);
	/* A file database of 40 deals is split, on threads of their own. */
	assert_int_equal(used, NPARTS);
	assert_true(pthread_equal(ps.thread[0], pthread_self()));
	for (size_t p = 1; p < NPARTS; p++)
		assert_false(pthread_equal(ps.thread[p], pthread_self()));
	pthread_mutex_destroy(&ps.lock);
}

/* More parts than deals, or one part: one walk, all in part 0. */
static void
test_parts_serial(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct parts_seen ps;

	parts_init(&ps);
	assert_int_equal(store_each_deal_parts(f->st, false, 1, collect_part,
					       &ps, &err),
			 0);
	assert_int_equal(ps.n[0], NMANY);
	assert_false(ps.bad);
	pthread_mutex_destroy(&ps.lock);
}

/*
 * Inside begin/commit only this connection sees the transaction's
 * writes: the walk is serial and sees them.
 */
static void
test_parts_in_transaction(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct parts_seen ps;

	parts_init(&ps);
	assert_int_equal(store_begin(f->st, &err), 0);
	put_full_deal(f->st, "e-new", OUTCOME_OPEN);
	assert_int_equal(store_each_deal_parts(f->st, false, NPARTS,
					       collect_part, &ps, &err),
			 0);
	store_rollback(f->st);
	assert_int_equal(ps.n[0], NMANY + 1);
	assert_int_equal(ps.n[1] + ps.n[2], 0);
	assert_string_equal(ps.slugs[0][NMANY], "e-new");
	pthread_mutex_destroy(&ps.lock);
}

/* A failing part stops the others; its error is the walk's. */
static void
test_parts_error(void **state)
{
	struct fixture *f = *state;
	struct tw_error err = { 0 };
	struct parts_seen ps;
	struct deal d;

	parts_init(&ps);
	ps.fail_on = "d-30";
	assert_int_equal(store_each_deal_parts(f->st, true, NPARTS,
					       collect_part, &ps, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "stop at 'd-30'");
	assert_string_equal(ps.slugs[2][ps.n[2] - 1], "d-30");
	/* Every read transaction is over: the store still writes. */
	put_full_deal(f->st, "e-after", OUTCOME_OPEN);
	assert_int_equal(store_deal_get(f->st, "e-after", &d, &err), 0);
	deal_release(&d);
	pthread_mutex_destroy(&ps.lock);
}

/* Without deal_each_parts: the plain walk, all in part 0. */
static void
test_parts_fallback(void **state)
{
	struct fixture *f = *state;
	const struct store_ops *real = f->st->ops;
	struct store_ops ops = *real;
	char want[NMANY][DEAL_SLUG_MAX + 1];
	struct tw_error err = { 0 };
	struct parts_seen ps;
	size_t nwant = open_slugs(want);

	parts_init(&ps);
	ops.deal_each_parts = NULL;
	f->st->ops = &ops;
	assert_int_equal(store_each_deal_parts(f->st, true, NPARTS,
					       collect_part, &ps, &err),
			 0);
	f->st->ops = real;
	assert_int_equal(ps.n[0], nwant);
	for (size_t i = 0; i < nwant; i++)
		assert_string_equal(ps.slugs[0][i], want[i]);
	pthread_mutex_destroy(&ps.lock);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_deal_by_slug, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_children_in_written_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_callback_error_stops,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parts_end_to_end,
						setup_many, teardown),
		cmocka_unit_test_setup_teardown(test_parts_serial, setup_many,
						teardown),
		cmocka_unit_test_setup_teardown(test_parts_in_transaction,
						setup_many, teardown),
		cmocka_unit_test_setup_teardown(test_parts_error, setup_many,
						teardown),
		cmocka_unit_test_setup_teardown(test_parts_fallback,
						setup_many, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
