/*
 * The one UTF-8 decoder (utf8.h): the message and CRM checks, the HTTP
 * JSON writer, chart text and plan emission all read text through it.
 */
#include "util/utf8.h"

#include <string.h>

size_t
utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

long
utf8_char(const unsigned char *s, size_t *len)
{
	unsigned long cp;

	/* A NUL ends the string, so at most the bytes up to it are read. */
	*len = utf8_decode(s, strnlen((const char *)s, 4), &cp);
	if (!*len) {
		*len = 1;
		return -1;
	}
	return (long)cp;
}

bool
utf8_valid(const char *s)
{
	size_t n = strlen(s), len;
	unsigned long cp;

	for (size_t i = 0; i < n; i += len)
		if (!(len = utf8_decode((const unsigned char *)s + i, n - i,
					&cp)))
			return false;
	return true;
}
