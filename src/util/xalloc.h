/*
 * Allocation that dies on out-of-memory, so call sites carry no NULL checks
 * (tmux's xmalloc.c, git's wrapper.c).
 */
#ifndef TW_XALLOC_H
#define TW_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup(s) or NULL when s is NULL: optional fields are NULL when absent. */
char *xstrdup_or_null(const char *s);
/* Replace *dst with a copy of src (NULL allowed), freeing the old value. */
void xstrset(char **dst, const char *src);

/*
 * Grow an array (git's ALLOC_GROW): make room for nr elements in x, whose
 * capacity is alloc.
 */
#define ALLOC_GROW(x, nr, alloc)                                             \
	do {                                                                 \
		if ((size_t)(nr) > (alloc)) {                                \
			(alloc) = (alloc) < 8 ? 8 : (alloc) * 2;             \
			if ((alloc) < (size_t)(nr))                          \
				(alloc) = (nr);                              \
			(x) = xrealloc((x), (alloc) * sizeof(*(x)));         \
		}                                                            \
	} while (0)

/*
 * Release a list (items, n, alloc): each item with release(), then the
 * array, leaving the list empty. The caller includes <stdlib.h> and
 * <string.h>.
 */
#define LIST_RELEASE(l, release)                                             \
	do {                                                                 \
		for (size_t i_ = 0; i_ < (l)->n; i_++)                       \
			release(&(l)->items[i_]);                            \
		free((l)->items);                                            \
		memset((l), 0, sizeof(*(l)));                                \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
