/*
 * Standard base64 (RFC 4648 section 4, with padding), for data: URIs.
 */
#ifndef TW_UTIL_BASE64_H
#define TW_UTIL_BASE64_H

#include <stddef.h>

#include "util/strbuf.h"

void base64_encode(struct strbuf *out, const unsigned char *p, size_t n);
/* Decode s (len bytes) into out; -1 on a character or length that is not
 * base64. */
int base64_decode(struct strbuf *out, const char *s, size_t len);

#endif
