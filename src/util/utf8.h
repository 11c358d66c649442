/*
 * UTF-8, decoded one way everywhere: well-formed means no overlong form,
 * no surrogate, nothing past U+10FFFF and no sequence cut short.
 */
#ifndef TW_UTF8_H
#define TW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The well-formed sequence at s, n bytes available (n >= 1): its length,
 * 1 to 4, with its code point in *cp; 0 when it is malformed.
 */
size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp);

/*
 * The code point at s in a NUL-terminated string (*s not NUL), *len its
 * length; -1 when malformed, with *len = 1 so the caller can skip a byte.
 */
long utf8_char(const unsigned char *s, size_t *len);

/* Whether the NUL-terminated s is well-formed UTF-8. */
bool utf8_valid(const char *s);

#endif
