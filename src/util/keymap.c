/* The key map (util/keymap.h): linear probing, at most half full. */
#include "util/keymap.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static size_t
hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return (size_t)(h ^ h >> 32);
}

static struct keymap_slot *
find(const struct keymap *m, const void *key, size_t len)
{
	size_t i = hash(key, len) & (m->cap - 1);

	while (m->slot[i].key &&
	       (m->slot[i].len != len || memcmp(m->slot[i].key, key, len)))
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

size_t
keymap_add(struct keymap *m, const void *key, size_t len, size_t value)
{
	struct keymap_slot *s;

	if (2 * (m->n + 1) > m->cap) {
		struct keymap bigger = { NULL, m->cap ? 2 * m->cap : 16, m->n };

		bigger.slot = xcalloc(bigger.cap, sizeof(*bigger.slot));
		for (size_t i = 0; i < m->cap; i++)
			if (m->slot[i].key)
				*find(&bigger, m->slot[i].key,
				      m->slot[i].len) = m->slot[i];
		free(m->slot);
		*m = bigger;
	}
	s = find(m, key, len);
	if (s->key)
		return s->value;
	s->key = key;
	s->len = len;
	s->value = value;
	m->n++;
	return KEYMAP_NONE;
}

size_t
keymap_get(const struct keymap *m, const void *key, size_t len)
{
	const struct keymap_slot *s;

	if (!m->cap)
		return KEYMAP_NONE;
	s = find(m, key, len);
	return s->key ? s->value : KEYMAP_NONE;
}

size_t
keymap_add_str(struct keymap *m, const char *key, size_t value)
{
	return key ? keymap_add(m, key, strlen(key), value) : KEYMAP_NONE;
}

size_t
keymap_get_str(const struct keymap *m, const char *key)
{
	return key ? keymap_get(m, key, strlen(key)) : KEYMAP_NONE;
}

void
keymap_release(struct keymap *m)
{
	free(m->slot);
	m->slot = NULL;
	m->cap = m->n = 0;
}
