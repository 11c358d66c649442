/*
 * Imports, all or nothing (store/import.h): the plan files and CRM exports
 * of `techwin import` and of the web import page.
 */
#include "store/import.h"
#include "store/findings.h"
#include "core/validate.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * A plan file holds what a person writes; the touches logged by `message
 * --log`, the snooze, acknowledged findings and the CRM record id live only
 * in the database.
 * Replacing a deal from its file must not lose them, or unframed-pass would
 * fire again, a snoozed deal would start failing the check after every
 * import, and the next CRM import would make a second deal.
 */
static void
keep_database_state(struct deal *d, struct deal *old)
{
	if (!d->ntouches) {
		d->touches = old->touches;
		d->ntouches = old->ntouches;
		old->touches = NULL;
		old->ntouches = 0;
	}
	/* Plan files never hold acknowledgements: they stay as they were. */
	d->acks = old->acks;
	d->nacks = old->nacks;
	old->acks = NULL;
	old->nacks = 0;
	if (!d->snooze_until) {
		d->snooze_until = old->snooze_until;
		xstrset(&d->snooze_reason, old->snooze_reason);
	}
	if (!d->crm_id) {
		xstrset(&d->crm_source, old->crm_source);
		xstrset(&d->crm_id, old->crm_id);
	}
	/*
	 * The champion's side: the share links' views, the confirmed plan
	 * and a date proposed for a step the file still has.
	 */
	d->links = old->links;
	d->nlinks = old->nlinks;
	old->links = NULL;
	old->nlinks = 0;
	if (!d->confirmed_by) {
		xstrset(&d->confirmed_by, old->confirmed_by);
		d->confirmed_on = old->confirmed_on;
	}
	for (size_t i = 0; i < d->nevents; i++) {
		struct event *e = &d->events[i];
		const struct event *o = deal_find_event(old, e->key);

		if (o && o->proposed != DATE_NONE && e->proposed == DATE_NONE) {
			e->proposed = o->proposed;
			e->proposed_on = o->proposed_on;
			xstrset(&e->proposed_note, o->proposed_note);
		}
	}
}

/*
 * Put d in place of the stored deal of its slug, keeping what only the
 * database holds; *created when there was none. Inside the caller's
 * transaction.
 */
static int
put_replacing(struct store *st, struct deal *d, bool *created,
	      struct tw_error *err)
{
	struct deal old;
	int r;

	deal_init(&old);
	r = store_deal_get(st, d->slug, &old, err);
	*created = r == TW_ENOTFOUND;
	if (r == 0)
		keep_database_state(d, &old);
	if (r == TW_ENOTFOUND || r == 0)
		r = store_deal_put(st, d, err);
	/* check re-evaluates it: a bulk write only forgets. */
	if (r == 0 && !*created)
		r = store_eval_forget(st, d->slug, err);
	deal_release(&old);
	return r;
}

int
store_import_deals(struct store *st, struct deal *deals, size_t n,
		   size_t *created, struct tw_error *err)
{
	int r = store_begin(st, err);

	*created = 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		bool c = false;

		r = put_replacing(st, &deals[i], &c, err);
		*created += c;
	}
	if (r == 0)
		return store_commit(st, err);
	store_rollback(st);
	return r;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/*
 * The slugs of the files imported so far and the file each came from
 * (open addressing), so a duplicate costs one lookup, not a pass over
 * every earlier file: that pass was quadratic, 5e9 string compares for
 * 100k files.
 */
struct slug_map {
	struct slug_map_entry {
		char *slug;
		size_t file;
	} *slot;
	size_t cap, n;
};

static struct slug_map_entry *
slug_map_slot(const struct slug_map *m, const char *slug)
{
	size_t i = hash_str(slug) & (m->cap - 1);

	while (m->slot[i].slug && strcmp(m->slot[i].slug, slug))
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

/* The file that already holds slug, or SIZE_MAX after adding it. */
static size_t
slug_map_add(struct slug_map *m, const char *slug, size_t file)
{
	struct slug_map_entry *e;

	if (2 * (m->n + 1) > m->cap) {
		struct slug_map bigger = { NULL, m->cap ? 2 * m->cap : 1024,
					   m->n };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].slug)
				*slug_map_slot(&bigger, m->slot[i].slug) =
					m->slot[i];
		free(m->slot);
		*m = bigger;
	}
	e = slug_map_slot(m, slug);
	if (e->slug)
		return e->file;
	e->slug = xstrdup(slug);
	e->file = file;
	m->n++;
	return SIZE_MAX;
}

static void
slug_map_release(struct slug_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slot[i].slug);
	free(m->slot);
}

/*
 * Plan files are parsed by worker threads while the main thread writes the
 * deals parsed so far: parsing and SQLite each took about half of the time
 * (BENCHMARKS.md), so overlapping them on two cores nearly halves it.
 * Workers claim files in order and stay less than PARSE_AHEAD files ahead
 * of the writer, so a ring of PARSE_AHEAD slots holds every deal in
 * flight, not the whole import. A worker frees the deal it finds in a slot
 * before reusing it: it allocated it, and frees from the writer's thread
 * went through the workers' malloc arenas under their locks. The writer
 * wakes workers that wait for room every ROOM_STEP files, not every file.
 * Every write happens inside one transaction, so an error in any file
 * still leaves the database unchanged.
 */
#define PARSE_AHEAD 256
#define ROOM_STEP 32
#define MAX_PARSERS 8

struct parse_slot {
	struct deal deal;	/* kept after writing, until the slot's reuse */
	struct tw_error err;
	struct strbuf more;	/* the file's errors after the first */
	size_t nerrors;
	int rc;
	bool ready;
};

struct parse_pool {
	const struct import_plans *in;
	size_t n;
	struct parse_slot *slot;	/* file i is in slot[i % PARSE_AHEAD] */
	size_t next;		/* next file to claim */
	size_t written;		/* files the writer is done with */
	bool stop;
	pthread_mutex_t mu;
	pthread_cond_t ready;	/* a slot became ready */
	pthread_cond_t room;	/* the writer moved on, or stop */
};

static void *
parse_worker(void *arg)
{
	struct parse_pool *pool = arg;

	for (;;) {
		struct parse_slot *sl;
		struct strbuf sb = STRBUF_INIT;
		size_t i;

		pthread_mutex_lock(&pool->mu);
		while (!pool->stop && pool->next < pool->n &&
		       pool->next >= pool->written + PARSE_AHEAD)
			pthread_cond_wait(&pool->room, &pool->mu);
		if (pool->stop || pool->next >= pool->n) {
			pthread_mutex_unlock(&pool->mu);
			return NULL;
		}
		i = pool->next++;
		pthread_mutex_unlock(&pool->mu);

		sl = &pool->slot[i % PARSE_AHEAD];
		deal_release(&sl->deal);
		strbuf_reset(&sl->more);
		sl->nerrors = 1;
		sl->rc = pool->in->load(pool->in->load_arg, i, &sb, &sl->err);
		if (sl->rc == 0)
			sl->rc = plan_parse_all(sb.buf, sb.len,
						pool->in->names[i], &sl->deal,
						&sl->more, &sl->nerrors,
						&sl->err);
		strbuf_release(&sb);

		pthread_mutex_lock(&pool->mu);
		sl->ready = true;
		pthread_cond_broadcast(&pool->ready);
		pthread_mutex_unlock(&pool->mu);
	}
}

/* Wait for file i to be parsed; its slot is the caller's from then on. */
static struct parse_slot *
parse_wait(struct parse_pool *pool, size_t i)
{
	struct parse_slot *sl = &pool->slot[i % PARSE_AHEAD];

	pthread_mutex_lock(&pool->mu);
	while (!sl->ready)
		pthread_cond_wait(&pool->ready, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
	return sl;
}

/* The writer is done with file i: its slot may take another file. */
static void
parse_done_with(struct parse_pool *pool, size_t i, bool stop)
{
	pthread_mutex_lock(&pool->mu);
	pool->slot[i % PARSE_AHEAD].ready = false;
	pool->written = i + 1;
	pool->stop |= stop;
	if (stop || pool->written % ROOM_STEP == 0)
		pthread_cond_broadcast(&pool->room);
	pthread_mutex_unlock(&pool->mu);
}

static size_t
parser_count(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = cpus > 0 ? (size_t)cpus : 1;

	if (k > MAX_PARSERS)
		k = MAX_PARSERS;
	return k < n ? k : n;
}

/* One more error of the import: kept when among the first 50. */
static void
import_error(struct import_plans_result *res, const char *msg)
{
	if (res->nerrors++ >= IMPORT_MAX_ERRORS)
		return;
	res->errors = xrealloc(res->errors,
			       (res->nkept + 1) * sizeof(*res->errors));
	res->errors[res->nkept++] = xstrdup(msg);
}

/* A file that did not parse: its first error, then the others. */
static void
bad_file(struct import_plans_result *res, const struct parse_slot *sl)
{
	const char *p = sl->more.buf ? sl->more.buf : "";

	res->bad_files++;
	import_error(res, sl->err.msg);
	for (size_t k = 1; k < sl->nerrors; k++) {
		size_t len = strcspn(p, "\n");
		char *line;

		if (!*p) {
			/* Past the file's own limit: counted, not kept. */
			res->nerrors++;
			continue;
		}
		line = xstrndup(p, len);
		import_error(res, line);
		free(line);
		p += len + (p[len] == '\n');
	}
}

int
store_import_plans(struct store *st, const struct import_plans *in,
		   struct import_plans_result *res, struct tw_error *err)
{
	struct parse_pool pool = { .in = in, .n = in->n };
	pthread_t tid[MAX_PARSERS];
	struct slug_map seen = { 0 };
	size_t n = in->n, nthreads = parser_count(n), started = 0;
	char *const *files = in->names;
	bool in_tx = false;
	int r;

	memset(res, 0, sizeof(*res));
	res->n = n;
	res->slug = xcalloc(n + 1, sizeof(*res->slug));
	res->added = xcalloc(n + 1, sizeof(*res->added));
	pool.slot = xcalloc(PARSE_AHEAD, sizeof(*pool.slot));
	for (size_t i = 0; i < PARSE_AHEAD; i++)
		strbuf_init(&pool.slot[i].more, 0);
	pthread_mutex_init(&pool.mu, NULL);
	pthread_cond_init(&pool.ready, NULL);
	pthread_cond_init(&pool.room, NULL);
	for (size_t t = 0; t < nthreads; t++)
		if (pthread_create(&tid[started], NULL, parse_worker, &pool) ==
		    0)
			started++;

	/* One transaction: all the files or none of them. */
	r = started ? store_begin(st, err)
		    : tw_error_set(err, TW_ESTORE, "cannot start a thread");
	in_tx = r == 0;
	/*
	 * A file with errors: they are listed, every file is still read
	 * for its own, and nothing is written after the first.
	 */
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct parse_slot *sl = parse_wait(&pool, i);
		bool created_now = false;
		size_t j;

		if (sl->rc == TW_EINPUT) {
			bad_file(res, sl);
		} else if (sl->rc < 0) {
			*err = sl->err;
			r = sl->rc;
		} else if ((j = slug_map_add(&seen, sl->deal.slug, i)) !=
			   SIZE_MAX) {
			struct tw_error dup;

			tw_error_set(&dup, TW_EINPUT,
				     "%s: deal '%s' is also in '%s'",
				     files[i], sl->deal.slug, files[j]);
			import_error(res, dup.msg);
		} else if (!res->nerrors) {
			r = put_replacing(st, &sl->deal, &created_now, err);
			res->created += created_now;
			res->slug[i] = xstrdup(sl->deal.slug);
			res->added[i] = created_now;
		}
		parse_done_with(&pool, i, r != 0);
		if (r == 0 && in->progress &&
		    (i + 1 == n || (i + 1) % 1000 == 0))
			in->progress(in->progress_arg, i + 1, n);
	}
	pthread_mutex_lock(&pool.mu);
	pool.stop = true;
	pthread_cond_broadcast(&pool.room);
	pthread_mutex_unlock(&pool.mu);
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (r == 0 && res->nerrors == 1)
		r = tw_error_set(err, TW_EINPUT, "%s", res->errors[0]);
	else if (r == 0 && res->nerrors)
		r = tw_error_set(err, TW_EINPUT,
				 "%zu error%s in %zu of %zu file%s, nothing "
				 "imported",
				 res->nerrors, res->nerrors == 1 ? "" : "s",
				 res->bad_files, n, n == 1 ? "" : "s");
	if (r == 0 && in_tx)
		r = store_commit(st, err);
	else if (in_tx)
		store_rollback(st);

	/* The deals written last, and any parsed ahead of an error. */
	for (size_t i = 0; i < PARSE_AHEAD; i++) {
		deal_release(&pool.slot[i].deal);
		strbuf_release(&pool.slot[i].more);
	}
	free(pool.slot);
	slug_map_release(&seen);
	pthread_mutex_destroy(&pool.mu);
	pthread_cond_destroy(&pool.ready);
	pthread_cond_destroy(&pool.room);
	return r;
}

void
import_plans_result_release(struct import_plans_result *res)
{
	for (size_t i = 0; i < res->nkept; i++)
		free(res->errors[i]);
	free(res->errors);
	for (size_t i = 0; i < res->n; i++)
		free(res->slug[i]);
	free(res->slug);
	free(res->added);
	memset(res, 0, sizeof(*res));
}

/* Slugs in use, stored deals' and new ones' (open addressing). */
struct slug_set {
	char **slot;
	size_t cap, n;
};

static bool
slug_set_has(void *arg, const char *s)
{
	struct slug_set *set = arg;

	if (!set->cap)
		return false;
	for (size_t i = hash_str(s) & (set->cap - 1); set->slot[i];
	     i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->slot[i], s))
			return true;
	return false;
}

static void
slug_set_insert(struct slug_set *set, char *s)
{
	size_t i = hash_str(s) & (set->cap - 1);

	while (set->slot[i])
		i = (i + 1) & (set->cap - 1);
	set->slot[i] = s;
	set->n++;
}

static void
slug_set_add(struct slug_set *set, const char *s)
{
	if (2 * (set->n + 1) > set->cap) {
		struct slug_set bigger = { NULL, set->cap ? 2 * set->cap : 64,
					   0 };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t i = 0; i < set->cap; i++)
			if (set->slot[i])
				slug_set_insert(&bigger, set->slot[i]);
		free(set->slot);
		*set = bigger;
	}
	slug_set_insert(set, xstrdup(s));
}

static void
slug_set_release(struct slug_set *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slot[i]);
	free(set->slot);
	memset(set, 0, sizeof(*set));
}

/* The stored deals of one CRM, by record id. */
struct crm_ref {
	const char *id;
	struct deal *deal;	/* in the deal list, without children */
};

static int
crm_ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct crm_ref *)a)->id,
		      ((const struct crm_ref *)b)->id);
}

/* One CRM import in progress; what it found goes to res. */
struct crm_run {
	struct store *st;
	struct import_crm_result *res;
	struct deal_list list;
	struct crm_ref *refs;
	size_t nrefs;
	struct slug_set slugs;
	bool write;		/* put the deals (no bad rows, or skip_bad) */
};

/*
 * The slug for a new deal from its name or its --slug-column cell (or,
 * failing that, its id).
 */
static void
new_slug(struct crm_run *run, const struct crm_row *row,
	 char out[DEAL_SLUG_MAX + 1])
{
	char base[DEAL_SLUG_MAX + 1];

	crm_slugify(row->slug_text ? row->slug_text : row->name, base);
	if (!*base) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s-%s", crm_vendor_name(run->res->vendor),
			    row->deal.crm_id);
		crm_slugify(sb.buf, base);
		strbuf_release(&sb);
	}
	if (!*base)
		snprintf(base, sizeof(base), "deal");
	crm_slug_unique(base, slug_set_has, &run->slugs, out);
}

/*
 * Check the merged deal and put it. A deal that fails deal_validate() is a
 * bad row (with the column behind the failing field); a store failure
 * ends the import.
 */
static int
check_and_put(struct crm_run *run, const struct crm_row *row,
	      const struct deal *d, bool *ok, struct tw_error *err)
{
	struct validation_site site;
	struct tw_error verr = { 0 };
	int r;

	*ok = deal_validate(d, &site, &verr) == 0;
	if (!*ok) {
		crm_bad_row_add(&run->res->imp, row, crm_field_of_site(site.field),
				verr.msg);
		return 0;
	}
	if (!run->write)
		return 0;
	/* check re-evaluates it: a bulk write only forgets. */
	if ((r = store_deal_put(run->st, d, err)) < 0)
		return r;
	return store_eval_forget(run->st, d->slug, err);
}

static int
apply_row(struct crm_run *run, size_t i, struct tw_error *err)
{
	const struct crm_row *row = &run->res->imp.rows[i];
	struct crm_ref key = { row->deal.crm_id, NULL }, *ref;
	char slug[DEAL_SLUG_MAX + 1];
	struct deal d;
	bool ok;
	int r;

	ref = run->nrefs ? bsearch(&key, run->refs, run->nrefs,
				   sizeof(*run->refs), crm_ref_cmp)
			 : NULL;
	if (ref) {
		run->res->slug[i] = xstrdup(ref->deal->slug);
		/* The listed deal has every field a row can change. */
		if (!crm_merge(ref->deal, row)) {
			run->res->action[i] = IMPORT_UNCHANGED;
			return 0;
		}
		r = store_deal_get(run->st, ref->deal->slug, &d, err);
		if (r < 0)
			return r;
		crm_merge(&d, row);
		r = check_and_put(run, row, &d, &ok, err);
		run->res->action[i] = ok ? IMPORT_UPDATED : IMPORT_BAD;
		deal_release(&d);
		return r;
	}
	new_slug(run, row, slug);
	run->res->slug[i] = xstrdup(slug);
	deal_init(&d);
	d.slug = xstrdup(slug);
	crm_merge(&d, row);
	r = check_and_put(run, row, &d, &ok, err);
	run->res->action[i] = ok ? IMPORT_NEW : IMPORT_BAD;
	if (ok)
		slug_set_add(&run->slugs, slug);
	deal_release(&d);
	return r;
}

static int
load_index(struct crm_run *run, struct tw_error *err)
{
	struct store *st = run->st;
	const char *source = crm_vendor_name(run->res->vendor);
	int r = store_deal_list(st, &run->list, err);

	if (r < 0)
		return r;
	run->refs = xcalloc(run->list.n + 1, sizeof(*run->refs));
	for (size_t i = 0; i < run->list.n; i++) {
		struct deal *d = &run->list.items[i];

		slug_set_add(&run->slugs, d->slug);
		if (d->crm_id && d->crm_source &&
		    !strcmp(d->crm_source, source))
			run->refs[run->nrefs++] = (struct crm_ref){ d->crm_id,
								    d };
	}
	qsort(run->refs, run->nrefs, sizeof(*run->refs), crm_ref_cmp);
	return 0;
}

/*
 * Parse the whole export first, then merge every row in one transaction.
 * Bad rows found while parsing or merging are collected, not fatal: the
 * merge goes on so that every bad row is reported, but nothing is written
 * unless there are none (or skip_bad).
 */
int
store_import_crm(struct store *st, const struct import_crm *in,
		 struct import_crm_result *res, struct tw_error *err)
{
	struct crm_mapping map;
	struct crm_options opt = { 0 };
	struct crm_run run;
	bool in_tx = false;
	int r = 0;

	memset(res, 0, sizeof(*res));
	memset(&run, 0, sizeof(run));
	run.st = st;
	run.res = res;
	res->vendor = in->vendor;
	crm_mapping_init(&map, in->vendor);
	if (in->map)
		r = crm_mapping_load(&map, in->map, in->map_len, in->map_name,
				     err);
	if (r < 0)
		goto out;
	/* The caller's date order beats the mapping file's. */
	opt.date_order = in->has_date_order ? in->date_order
			 : map.has_date_order ? map.date_order : CRM_MDY;
	opt.decimal_comma = map.decimal_comma;
	opt.slug_column = in->slug_column;
	opt.progress = in->parse_progress;
	opt.progress_arg = in->progress_arg;
	r = crm_parse(in->data, in->len, in->name, &map, &opt, &res->imp, err);
	if (r < 0)
		goto out;
	res->action = xcalloc(res->imp.nrows + 1, sizeof(*res->action));
	res->slug = xcalloc(res->imp.nrows + 1, sizeof(*res->slug));
	run.write = in->skip_bad || res->imp.nbad == 0;

	if ((r = store_begin(st, err)) < 0)
		goto out;
	in_tx = true;
	if ((r = load_index(&run, err)) < 0)
		goto out;
	if (in->row_progress)
		in->row_progress(in->progress_arg, 0, res->imp.nrows);
	for (size_t i = 0; i < res->imp.nrows && r == 0; i++) {
		/* Rows that fail only after the merge stop the writes too. */
		if (!in->skip_bad && res->imp.nbad)
			run.write = false;
		r = apply_row(&run, i, err);
		res->count[res->action[i]]++;
		if (in->row_progress)
			in->row_progress(in->progress_arg, i + 1,
					 res->imp.nrows);
	}
	if (r < 0)
		goto out;
	crm_bad_rows_sort(&res->imp);

	if (res->imp.nbad && !in->skip_bad) {
		r = tw_error_set(err, TW_EINPUT,
				 "%zu bad row%s in '%s', nothing imported "
				 "(--skip-bad imports the good rows)",
				 res->imp.nbad, res->imp.nbad == 1 ? "" : "s",
				 in->name);
		goto out;
	}
	if (res->imp.nbad && in->before_commit &&
	    (r = in->before_commit(in->before_commit_arg, res, err)) < 0)
		goto out;
	in_tx = false;
	r = store_commit(st, err);

out:
	if (in_tx)
		store_rollback(st);
	deal_list_release(&run.list);
	free(run.refs);
	slug_set_release(&run.slugs);
	crm_mapping_release(&map);
	return r;
}

void
import_crm_result_release(struct import_crm_result *res)
{
	for (size_t i = 0; res->slug && i < res->imp.nrows; i++)
		free(res->slug[i]);
	free(res->slug);
	free(res->action);
	crm_import_release(&res->imp);
	memset(res, 0, sizeof(*res));
}

int
store_deal_load_all(struct store *st, struct deal_list *out,
		    struct tw_error *err)
{
	struct deal_list list;
	int r = store_deal_list(st, &list, err);

	memset(out, 0, sizeof(*out));
	if (r < 0)
		return r;
	out->items = xcalloc(list.n + 1, sizeof(*out->items));
	out->alloc = list.n + 1;
	for (size_t i = 0; i < list.n && r == 0; i++) {
		r = store_deal_get(st, list.items[i].slug, &out->items[out->n],
				   err);
		if (r == 0)
			out->n++;
	}
	deal_list_release(&list);
	if (r < 0)
		deal_list_release(out);
	return r;
}
