/*
 * techwin import FILE...: load plan files, all of them or none. With
 * --from, FILE is a CRM export (formats/csv-import.h) whose rows are merged
 * into the deals they were imported as before, matched by CRM record id.
 */
#include "cli/cli.h"
#include "store/findings.h"
#include "core/validate.h"
#include "formats/csv-import.h"
#include "formats/json.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bad rows listed on stderr before "... and N more". */
#define MAX_REPORTED 50
/* Files larger than this get a progress bar (on a terminal). */
#define PROGRESS_MIN_BYTES (1024 * 1024)

/* What a file that is not a regular one is, for messages. */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	return "not a regular file";
}

static int
too_large(const char *path, const char *what, size_t max,
	  struct tw_error *err)
{
	if (!strcmp(path, "-"))
		return tw_error_set(err, TW_EINPUT,
				    "standard input is larger than %zu MiB, "
				    "the limit for %s",
				    max >> 20, what);
	return tw_error_set(err, TW_EINPUT,
			    "'%s' is larger than %zu MiB, the limit for %s",
			    path, max >> 20, what);
}

/*
 * Read a whole file ("-" is standard input), what (for messages) of at
 * most max bytes, into sb. A path must name a regular file, or a symbolic
 * link to one: a FIFO or a device blocks or never ends (/dev/zero), and a
 * directory holds no text. A regular file is read into a buffer of its
 * size, in one read(2) for each of 100k small plan files where stdio
 * would allocate, copy and grow.
 */
static int
read_file(const char *path, const char *what, size_t max, struct strbuf *sb,
	  struct tw_error *err)
{
	bool in = !strcmp(path, "-");
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = in ? STDIN_FILENO
		    : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t size = 65536, got = 0;
	bool regular = false;
	struct stat st;
	ssize_t k = 1;
	char *buf;
	int rc = 0;

	if (fd < 0)
		return tw_error_set(err, TW_EINPUT, "cannot open '%s': %s",
				    path, strerror(errno));
	if (!in && fstat(fd, &st) < 0)
		rc = tw_error_set(err, TW_EINPUT, "cannot read '%s': %s", path,
				  strerror(errno));
	else if (!in && !S_ISREG(st.st_mode))
		rc = tw_error_set(err, TW_EINPUT,
				  "cannot read '%s': it is %s, not a regular "
				  "file",
				  path, file_kind(st.st_mode));
	else if (!in && (uintmax_t)st.st_size > max)
		rc = too_large(path, what, max, err);
	else if (!in)
		size = (size_t)st.st_size, regular = true;
	if (rc) {
		close(fd);
		return rc;
	}
	buf = xmalloc(size + 1);
	/* A regular file ends at its size; what grows meanwhile is not read. */
	while (got <= max && k > 0 && !(regular && got == size)) {
		if (got == size) {
			size = size > max / 2 ? max + 1 : 2 * size;
			buf = xrealloc(buf, size + 1);
		}
		k = read(fd, buf + got, size - got);
		if (k > 0)
			got += (size_t)k;
		else if (k < 0 && errno == EINTR)
			k = 1;
	}
	if (k < 0)
		rc = tw_error_set(err, TW_EINPUT, "cannot read '%s': %s", path,
				  strerror(errno));
	else if (got > max)
		rc = too_large(path, what, max, err);
	else
		strbuf_add(sb, buf, got);
	free(buf);
	if (!in)
		close(fd);
	return rc;
}

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

static void
plan_progress(size_t done, size_t total)
{
	fprintf(stderr, "\rimporting: %zu/%zu deals", done, total);
	if (done == total)
		fputc('\n', stderr);
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
	int rc;
	bool ready;
};

struct parse_pool {
	char **files;
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
		sl->rc = read_file(pool->files[i], "a plan file",
				   PLAN_MAX_BYTES, &sb, &sl->err);
		if (sl->rc == 0)
			sl->rc = plan_parse(sb.buf, sb.len, pool->files[i],
					    &sl->deal, &sl->err);
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

static int
import_plans(struct cli_ctx *ctx, size_t n, char **files,
	     struct tw_error *err)
{
	struct parse_pool pool = { .files = files, .n = n };
	pthread_t tid[MAX_PARSERS];
	struct slug_map seen = { 0 };
	size_t created = 0, nthreads = parser_count(n), started = 0;
	bool show = n >= 1000 && isatty(2), in_tx = false;
	int r;

	pool.slot = xcalloc(PARSE_AHEAD, sizeof(*pool.slot));
	pthread_mutex_init(&pool.mu, NULL);
	pthread_cond_init(&pool.ready, NULL);
	pthread_cond_init(&pool.room, NULL);
	for (size_t t = 0; t < nthreads; t++)
		if (pthread_create(&tid[started], NULL, parse_worker, &pool) ==
		    0)
			started++;

	/* One transaction: all the files or none of them. */
	r = started ? store_begin(ctx->st, err)
		    : tw_error_set(err, TW_ESTORE, "cannot start a thread");
	in_tx = r == 0;
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct parse_slot *sl = parse_wait(&pool, i);
		struct deal old;
		bool created_now = false;
		size_t j;

		if (sl->rc < 0) {
			*err = sl->err;
			r = sl->rc;
		} else if ((j = slug_map_add(&seen, sl->deal.slug, i)) !=
			   SIZE_MAX) {
			r = tw_error_set(err, TW_EINPUT,
					 "%s: deal '%s' is also in '%s'",
					 files[i], sl->deal.slug, files[j]);
		} else {
			deal_init(&old);
			r = store_deal_get(ctx->st, sl->deal.slug, &old, err);
			created_now = r == TW_ENOTFOUND;
			created += created_now;
			if (r == 0)
				keep_database_state(&sl->deal, &old);
			if (r == TW_ENOTFOUND || r == 0)
				r = store_deal_put(ctx->st, &sl->deal, err);
			/* check re-evaluates it: a bulk write only forgets. */
			if (r == 0 && !created_now)
				r = store_eval_forget(ctx->st, sl->deal.slug,
						      err);
			deal_release(&old);
		}
		parse_done_with(&pool, i, r != 0);
		if (r == 0 && show && (i + 1 == n || (i + 1) % 1000 == 0))
			plan_progress(i + 1, n);
	}
	pthread_mutex_lock(&pool.mu);
	pool.stop = true;
	pthread_cond_broadcast(&pool.room);
	pthread_mutex_unlock(&pool.mu);
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (r == 0 && in_tx)
		r = store_commit(ctx->st, err);
	else if (in_tx)
		store_rollback(ctx->st);

	if (r == 0 && !ctx->json)
		printf("imported %zu deal%s (%zu new, %zu replaced)\n", n,
		       n == 1 ? "" : "s", created, n - created);
	/* The deals written last, and any parsed ahead of an error. */
	for (size_t i = 0; i < PARSE_AHEAD; i++)
		deal_release(&pool.slot[i].deal);
	free(pool.slot);
	slug_map_release(&seen);
	pthread_mutex_destroy(&pool.mu);
	pthread_cond_destroy(&pool.ready);
	pthread_cond_destroy(&pool.room);
	return r;
}

/* ---- progress bar -------------------------------------------------------- */

/*
 * On a terminal, for a big file: how far, rows per second and the time
 * left, redrawn at most ten times a second so drawing costs nothing.
 */
struct progress {
	bool on;
	const char *what;
	double start, last;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
progress_start(struct progress *p, const char *what)
{
	p->what = what;
	p->start = now_seconds();
	p->last = 0;
}

static void
progress_draw(struct progress *p, size_t done, size_t total, size_t rows,
	      bool final)
{
	double t, elapsed, frac, rate, eta;
	char bar[25];
	size_t fill;

	if (!p->on)
		return;
	t = now_seconds();
	if (!final && t - p->last < 0.1)
		return;
	p->last = t;
	elapsed = t - p->start;
	frac = total ? (double)done / (double)total : 1.0;
	rate = elapsed > 0 ? (double)rows / elapsed : 0;
	eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
	fill = (size_t)(frac * (sizeof(bar) - 1));
	for (size_t i = 0; i < sizeof(bar) - 1; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[sizeof(bar) - 1] = '\0';
	fprintf(stderr, "\r%-9s [%s] %3d%%  %zu rows  %.0f rows/s  ETA %d:%02d"
		"\033[K", p->what, bar, (int)(frac * 100), rows, rate,
		(int)eta / 60, (int)eta % 60);
	if (final)
		fputc('\n', stderr);
}

static void
parse_progress(void *arg, size_t done, size_t total, size_t rows)
{
	progress_draw(arg, done, total, rows, done == total);
}

/* ---- CRM import ------------------------------------------------------------ */

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

enum action { ACT_NEW, ACT_UPDATED, ACT_UNCHANGED, ACT_BAD };

struct crm_run {
	struct cli_ctx *ctx;
	enum crm_vendor vendor;
	struct crm_import imp;
	struct deal_list list;
	struct crm_ref *refs;
	size_t nrefs;
	struct slug_set slugs;
	bool write;		/* put the deals (no bad rows, or --skip-bad) */
	size_t count[4];	/* by enum action */
	enum action *action;	/* per row */
	char **slug;		/* per row: the deal it went to */
};

/* The slug for a new deal from its name (or, failing that, its id). */
static void
new_slug(struct crm_run *run, const struct crm_row *row,
	 char out[DEAL_SLUG_MAX + 1])
{
	char base[DEAL_SLUG_MAX + 1];

	crm_slugify(row->name, base);
	if (!*base) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s-%s", crm_vendor_name(run->vendor),
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
		crm_bad_row_add(&run->imp, row, crm_field_of_site(site.field),
				verr.msg);
		return 0;
	}
	if (!run->write)
		return 0;
	/* check re-evaluates it: a bulk write only forgets. */
	if ((r = store_deal_put(run->ctx->st, d, err)) < 0)
		return r;
	return store_eval_forget(run->ctx->st, d->slug, err);
}

static int
apply_row(struct crm_run *run, size_t i, struct tw_error *err)
{
	const struct crm_row *row = &run->imp.rows[i];
	struct crm_ref key = { row->deal.crm_id, NULL }, *ref;
	char slug[DEAL_SLUG_MAX + 1];
	struct deal d;
	bool ok;
	int r;

	ref = run->nrefs ? bsearch(&key, run->refs, run->nrefs,
				   sizeof(*run->refs), crm_ref_cmp)
			 : NULL;
	if (ref) {
		run->slug[i] = xstrdup(ref->deal->slug);
		/* The listed deal has every field a row can change. */
		if (!crm_merge(ref->deal, row)) {
			run->action[i] = ACT_UNCHANGED;
			return 0;
		}
		r = store_deal_get(run->ctx->st, ref->deal->slug, &d, err);
		if (r < 0)
			return r;
		crm_merge(&d, row);
		r = check_and_put(run, row, &d, &ok, err);
		run->action[i] = ok ? ACT_UPDATED : ACT_BAD;
		deal_release(&d);
		return r;
	}
	new_slug(run, row, slug);
	run->slug[i] = xstrdup(slug);
	deal_init(&d);
	d.slug = xstrdup(slug);
	crm_merge(&d, row);
	r = check_and_put(run, row, &d, &ok, err);
	run->action[i] = ok ? ACT_NEW : ACT_BAD;
	if (ok)
		slug_set_add(&run->slugs, slug);
	deal_release(&d);
	return r;
}

static int
load_index(struct crm_run *run, struct tw_error *err)
{
	struct store *st = run->ctx->st;
	const char *source = crm_vendor_name(run->vendor);
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

static void
report_bad(const struct crm_import *imp, const char *file, const char *lead)
{
	for (size_t i = 0; i < imp->nbad && i < MAX_REPORTED; i++) {
		const struct crm_bad_row *b = &imp->bad[i];

		if (b->column)
			fprintf(stderr, "%s: %s:%zu: column '%s': %s\n", lead,
				file, b->line, b->column, b->message);
		else
			fprintf(stderr, "%s: %s:%zu: %s\n", lead, file,
				b->line, b->message);
	}
	if (imp->nbad > MAX_REPORTED)
		fprintf(stderr, "... and %zu more bad row%s\n",
			imp->nbad - MAX_REPORTED,
			imp->nbad - MAX_REPORTED == 1 ? "" : "s");
}

static void
set_count(json_t *o, const char *key, size_t n)
{
	json_object_set_new(o, key, json_integer((json_int_t)n));
}

/* The --json summary: counts, then each row's fate and each bad row. */
static json_t *
summary_json(const struct crm_run *run, const char *file, const char *reject)
{
	static const char *const names[] = { "new", "updated", "unchanged",
					     "bad" };
	const struct crm_import *imp = &run->imp;
	json_t *o = json_object(), *rows = json_array(), *bad = json_array();

	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "source",
			    json_string(crm_vendor_name(run->vendor)));
	set_count(o, "imported", run->count[ACT_NEW] + run->count[ACT_UPDATED] +
					 run->count[ACT_UNCHANGED]);
	set_count(o, "new", run->count[ACT_NEW]);
	set_count(o, "updated", run->count[ACT_UPDATED]);
	set_count(o, "unchanged", run->count[ACT_UNCHANGED]);
	set_count(o, "bad", imp->nbad);
	set_count(o, "footer_lines", imp->footer_lines);
	json_object_set_new(o, "reject_file", json_str(reject));
	for (size_t i = 0; i < imp->nrows; i++) {
		const struct crm_row *row = &imp->rows[i];
		json_t *r;

		if (run->action[i] == ACT_BAD)
			continue;
		r = json_object();
		set_count(r, "line", row->line);
		json_object_set_new(r, "crm_id", json_string(row->deal.crm_id));
		json_object_set_new(r, "slug", json_str(run->slug[i]));
		json_object_set_new(r, "action",
				    json_string(names[run->action[i]]));
		json_array_append_new(rows, r);
	}
	json_object_set_new(o, "deals", rows);
	for (size_t i = 0; i < imp->nbad; i++) {
		json_t *b = json_object();

		set_count(b, "line", imp->bad[i].line);
		json_object_set_new(b, "column", json_str(imp->bad[i].column));
		json_object_set_new(b, "error",
				    json_string(imp->bad[i].message));
		json_array_append_new(bad, b);
	}
	json_object_set_new(o, "bad_rows", bad);
	return o;
}

static void
print_summary(const struct crm_run *run, const char *file,
	      const char *reject)
{
	const struct crm_import *imp = &run->imp;
	size_t good = run->count[ACT_NEW] + run->count[ACT_UPDATED] +
		      run->count[ACT_UNCHANGED];
	struct strbuf sb = STRBUF_INIT;

	if (run->ctx->json) {
		json_emit(summary_json(run, file, reject), &sb);
		cli_write(&sb);
		strbuf_release(&sb);
		return;
	}
	strbuf_addf(&sb, "imported %zu row%s from '%s' (%s): %zu new, "
		    "%zu updated, %zu unchanged\n",
		    good, good == 1 ? "" : "s", file,
		    crm_vendor_name(run->vendor), run->count[ACT_NEW],
		    run->count[ACT_UPDATED], run->count[ACT_UNCHANGED]);
	if (imp->nbad)
		strbuf_addf(&sb, "skipped %zu bad row%s, written to '%s'\n",
			    imp->nbad, imp->nbad == 1 ? "" : "s", reject);
	if (imp->footer_lines)
		strbuf_addf(&sb, "skipped the report footer (%zu line%s "
			    "after the data)\n",
			    imp->footer_lines,
			    imp->footer_lines == 1 ? "" : "s");
	cli_write(&sb);
	strbuf_release(&sb);
}

struct crm_args {
	const char *file;
	const char *map;
	const char *reject;
	enum crm_vendor vendor;
	bool has_date_order;
	enum crm_date_order date_order;
	bool skip_bad;
};

static void
crm_run_release(struct crm_run *run)
{
	for (size_t i = 0; i < run->imp.nrows; i++)
		free(run->slug[i]);
	free(run->slug);
	free(run->action);
	crm_import_release(&run->imp);
	deal_list_release(&run->list);
	free(run->refs);
	slug_set_release(&run->slugs);
}

/*
 * Parse the whole export first, then merge every row in one transaction.
 * Bad rows found while parsing or merging are collected, not fatal: the
 * merge goes on so that every bad row is reported, but nothing is written
 * unless there are none (or --skip-bad).
 */
static int
import_crm(struct cli_ctx *ctx, const struct crm_args *a,
	   struct tw_error *err)
{
	struct strbuf data = STRBUF_INIT, mapbuf = STRBUF_INIT;
	struct strbuf rejects = STRBUF_INIT, reject_path = STRBUF_INIT;
	struct crm_mapping map;
	struct crm_options opt = { 0 };
	struct progress prog = { 0 };
	struct crm_run run;
	bool in_tx = false;
	int r;

	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.vendor = a->vendor;
	crm_mapping_init(&map, a->vendor);
	r = a->map ? read_file(a->map, "a mapping file", CRM_MAP_MAX_BYTES,
			       &mapbuf, err)
		   : 0;
	if (r == 0 && a->map)
		r = crm_mapping_load(&map, mapbuf.buf, mapbuf.len, a->map, err);
	if (r == 0)
		r = read_file(a->file, "a CRM export", CRM_MAX_BYTES, &data,
			      err);
	if (r < 0)
		goto out;

	/* The command line's date order beats the mapping file's. */
	opt.date_order = a->has_date_order ? a->date_order
			 : map.has_date_order ? map.date_order : CRM_MDY;
	opt.decimal_comma = map.decimal_comma;
	prog.on = data.len > PROGRESS_MIN_BYTES && isatty(STDERR_FILENO);
	if (prog.on) {
		progress_start(&prog, "reading");
		opt.progress = parse_progress;
		opt.progress_arg = &prog;
	}
	r = crm_parse(data.buf, data.len, a->file, &map, &opt, &run.imp, err);
	if (r < 0)
		goto out;
	run.action = xcalloc(run.imp.nrows + 1, sizeof(*run.action));
	run.slug = xcalloc(run.imp.nrows + 1, sizeof(*run.slug));
	run.write = a->skip_bad || run.imp.nbad == 0;

	if ((r = store_begin(ctx->st, err)) < 0)
		goto out;
	in_tx = true;
	if ((r = load_index(&run, err)) < 0)
		goto out;
	progress_start(&prog, "importing");
	for (size_t i = 0; i < run.imp.nrows && r == 0; i++) {
		/* Rows that fail only after the merge stop the writes too. */
		if (!a->skip_bad && run.imp.nbad)
			run.write = false;
		r = apply_row(&run, i, err);
		run.count[run.action[i]]++;
		progress_draw(&prog, i + 1, run.imp.nrows, i + 1,
			      i + 1 == run.imp.nrows);
	}
	if (r < 0)
		goto out;
	crm_bad_rows_sort(&run.imp);

	if (run.imp.nbad && !a->skip_bad) {
		report_bad(&run.imp, a->file, "error");
		r = tw_error_set(err, TW_EINPUT,
				 "%zu bad row%s in '%s', nothing imported "
				 "(--skip-bad imports the good rows)",
				 run.imp.nbad, run.imp.nbad == 1 ? "" : "s",
				 a->file);
		goto out;
	}
	if (run.imp.nbad) {
		if (a->reject)
			strbuf_addstr(&reject_path, a->reject);
		else
			strbuf_addf(&reject_path, "%s.rejects.csv", a->file);
		report_bad(&run.imp, a->file, "warning");
		crm_reject_emit(&run.imp, data.buf, &rejects);
		/* Written before the commit: a failure here imports nothing. */
		if ((r = cli_write_file(reject_path.buf, &rejects, err)) < 0)
			goto out;
	}
	in_tx = false;
	if ((r = store_commit(ctx->st, err)) < 0)
		goto out;
	print_summary(&run, a->file, run.imp.nbad ? reject_path.buf : NULL);

out:
	if (in_tx)
		store_rollback(ctx->st);
	crm_run_release(&run);
	crm_mapping_release(&map);
	strbuf_release(&data);
	strbuf_release(&mapbuf);
	strbuf_release(&rejects);
	strbuf_release(&reject_path);
	return r;
}

static int
cmd_import_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "date-order", required_argument, NULL, 'd' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "reject", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct crm_args a = { 0 };
	bool from = false;
	int c;

	optind = 0;
	while ((c = cli_getopt(argc, argv, opts, err)) != -1) {
		switch (c) {
		case 'f':
			if (crm_vendor_parse(optarg, &a.vendor) < 0)
				return cmd_usage_error(
					&cmd_import_entry, err,
					"unknown CRM '%s' for --from (expected "
					"salesforce or hubspot)",
					optarg);
			from = true;
			break;
		case 'm':
			a.map = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "mdy") && strcmp(optarg, "dmy"))
				return cmd_usage_error(
					&cmd_import_entry, err,
					"invalid value '%s' for --date-order "
					"(expected mdy or dmy)",
					optarg);
			a.has_date_order = true;
			a.date_order = strcmp(optarg, "dmy") ? CRM_MDY
							     : CRM_DMY;
			break;
		case 's':
			a.skip_bad = true;
			break;
		case 'r':
			a.reject = optarg;
			break;
		default:
			return c;
		}
	}
	if (!from) {
		if (a.map || a.has_date_order || a.skip_bad || a.reject)
			return cmd_usage_error(&cmd_import_entry, err,
					       "--map, --date-order, "
					       "--skip-bad and --reject go "
					       "with --from");
		if (optind >= argc)
			return cmd_usage_error(&cmd_import_entry, err,
					       "import needs at least one "
					       "FILE");
		return import_plans(ctx, (size_t)(argc - optind),
				    argv + optind, err);
	}
	if (optind != argc - 1)
		return cmd_usage_error(&cmd_import_entry, err,
				       "import --from takes exactly one FILE");
	a.file = argv[optind];
	if (a.reject && !a.skip_bad)
		return cmd_usage_error(&cmd_import_entry, err,
				       "--reject goes with --skip-bad");
	if (a.skip_bad && !a.reject && !strcmp(a.file, "-"))
		return cmd_usage_error(&cmd_import_entry, err,
				       "--skip-bad on standard input needs "
				       "--reject FILE");
	return import_crm(ctx, &a, err);
}

const struct cmd_entry cmd_import_entry = {
	.name = "import", .flags = NEED_STORE, .exec = cmd_import_exec,
};
