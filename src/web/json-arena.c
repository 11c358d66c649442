/*
 * The per-request jansson arena of techwin serve (json-arena.h): chunks of
 * memory handed out front to back, all freed when the request's work is
 * done. Chunks are freed with free(), so AddressSanitizer reports a
 * json_t used after json_arena_leave(); space not handed out yet is
 * poisoned, so it reports reading past a value too.
 */
#include "web/json-arena.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

/* A deal with all its children takes about 40 KiB of jansson values. */
#define CHUNK_SIZE (64 * 1024)
#define ALIGN (sizeof(max_align_t))

struct chunk {
	size_t size, used;
	max_align_t data[];
};

struct arena {
	/*
	 * By address, so that free() can tell an arena pointer from a
	 * malloc'ed one in a few steps: a list of 10,000 deals is a
	 * hundred chunks and a million frees.
	 */
	struct chunk **chunks;
	size_t n, alloc;
	struct chunk *fill;	/* the chunk small values come from */
	int depth;		/* enter calls not yet left */
};

static _Thread_local struct arena arena;

/* The index of the last chunk starting at or before p, or n when none. */
static size_t
chunk_find(const struct arena *a, const void *p)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((const char *)a->chunks[mid]->data <= (const char *)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : a->n;
}

static struct chunk *
chunk_new(struct arena *a, size_t size)
{
	struct chunk *c = xmalloc(sizeof(*c) + size);
	size_t i;

	c->size = size;
	c->used = 0;
	/* Unpoisoned piece by piece: reading past a value is caught. */
	ASAN_POISON_MEMORY_REGION(c->data, size);
	ALLOC_GROW(a->chunks, a->n + 1, a->alloc);
	i = chunk_find(a, c->data);
	i = i == a->n ? 0 : i + 1;
	memmove(a->chunks + i + 1, a->chunks + i,
		(a->n - i) * sizeof(*a->chunks));
	a->chunks[i] = c;
	a->n++;
	return c;
}

static void *
arena_malloc(size_t n)
{
	struct arena *a = &arena;
	struct chunk *c = a->fill;
	void *p;

	if (!a->depth)
		return malloc(n);
	n = n ? (n + ALIGN - 1) / ALIGN * ALIGN : ALIGN;
	if (n > CHUNK_SIZE / 4) {
		/* A big one (a long string) gets a chunk of its own. */
		c = chunk_new(a, n);
		c->used = n;
		ASAN_UNPOISON_MEMORY_REGION(c->data, n);
		return c->data;
	}
	if (!c || c->size - c->used < n)
		c = a->fill = chunk_new(a, CHUNK_SIZE);
	p = (char *)c->data + c->used;
	c->used += n;
	ASAN_UNPOISON_MEMORY_REGION(p, n);
	return p;
}

static void
arena_free(void *p)
{
	struct arena *a = &arena;
	size_t i;

	if (!p)
		return;
	/* Memory of the open arena goes with it. */
	if (a->depth && (i = chunk_find(a, p)) < a->n &&
	    (char *)p < (char *)a->chunks[i]->data + a->chunks[i]->size)
		return;
	free(p);
}

static void
install(void)
{
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void
json_arena_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, install);
}

void
json_arena_enter(void)
{
	arena.depth++;
}

void
json_arena_leave(void)
{
	struct arena *a = &arena;

	if (--a->depth)
		return;
	for (size_t i = 0; i < a->n; i++) {
		ASAN_UNPOISON_MEMORY_REGION(a->chunks[i]->data,
					    a->chunks[i]->size);
		free(a->chunks[i]);
	}
	free(a->chunks);
	a->chunks = NULL;
	a->n = a->alloc = 0;
	a->fill = NULL;
}
