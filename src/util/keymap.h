/*
 * A map from byte strings to indexes (open addressing, FNV-1a), so that
 * finding a key among n costs O(1) instead of a pass over the n: checks
 * for duplicate keys and lookups of references stay linear in the size
 * of a deal or a file. Keys are not copied: they must outlive the map.
 */
#ifndef TW_KEYMAP_H
#define TW_KEYMAP_H

#include <stddef.h>
#include <stdint.h>

#define KEYMAP_NONE SIZE_MAX

struct keymap {
	struct keymap_slot {
		const void *key;
		size_t len;
		size_t value;
	} *slot;
	size_t cap, n;
};

#define KEYMAP_INIT { NULL, 0, 0 }

/*
 * Map key to value, unless key is there already: then its value is
 * returned and kept (the first one wins). KEYMAP_NONE after adding.
 */
size_t keymap_add(struct keymap *m, const void *key, size_t len,
		  size_t value);
/* The value of key, or KEYMAP_NONE. */
size_t keymap_get(const struct keymap *m, const void *key, size_t len);
/* Both for a NUL-terminated string; NULL is never in the map. */
size_t keymap_add_str(struct keymap *m, const char *key, size_t value);
size_t keymap_get_str(const struct keymap *m, const char *key);
void keymap_release(struct keymap *m);

#endif
