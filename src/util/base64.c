/*
 * Standard base64 (util/base64.h).
 */
#include "util/base64.h"

#include <stdbool.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(struct strbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		size_t k = n - i < 3 ? n - i : 3;

		if (k > 1)
			v |= (unsigned)p[i + 1] << 8;
		if (k > 2)
			v |= p[i + 2];
		strbuf_addch(out, alphabet[v >> 18 & 63]);
		strbuf_addch(out, alphabet[v >> 12 & 63]);
		strbuf_addch(out, k > 1 ? alphabet[v >> 6 & 63] : '=');
		strbuf_addch(out, k > 2 ? alphabet[v & 63] : '=');
	}
}

static int
value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
base64_decode(struct strbuf *out, const char *s, size_t len)
{
	if (len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		int a = value(s[i]), b = value(s[i + 1]);
		int c = s[i + 2] == '=' ? 0 : value(s[i + 2]);
		int d = s[i + 3] == '=' ? 0 : value(s[i + 3]);
		bool last = i + 4 == len;
		unsigned v;

		if (a < 0 || b < 0 || c < 0 || d < 0 ||
		    ((s[i + 2] == '=' || s[i + 3] == '=') && !last) ||
		    (s[i + 2] == '=' && s[i + 3] != '='))
			return -1;
		v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 |
		    (unsigned)d;
		strbuf_addch(out, (char)(v >> 16));
		if (s[i + 2] != '=')
			strbuf_addch(out, (char)(v >> 8 & 0xff));
		if (s[i + 3] != '=')
			strbuf_addch(out, (char)(v & 0xff));
	}
	return 0;
}
