/*
 * multipart/form-data bodies (RFC 7578), as a browser sends a form with a
 * file input: the upload routes' bodies. The parser reads a whole body
 * already in memory; a file's bytes are not copied, they point into it.
 * What it takes, and refuses with a message (TW_EINPUT: a 400):
 *   - a boundary of 1 to 70 characters of RFC 2046's set (letters,
 *     digits, '()+_,-./:=? and space, not last), quoted or not;
 *   - a preamble before the first delimiter and an epilogue after the
 *     last one are ignored; a body without the closing delimiter
 *     ("--BOUNDARY--") is refused as cut short;
 *   - at most MULTIPART_PARTS_MAX parts, each with at most
 *     MULTIPART_HEADER_MAX bytes of header lines (CRLF-ended "Name:
 *     value", no NUL, no bare LF) and a Content-Disposition "form-data"
 *     with a name (quoted, or a token) and maybe a filename;
 *   - a field without a filename is text: no NUL byte in it.
 */
#ifndef TW_MULTIPART_H
#define TW_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define MULTIPART_PARTS_MAX 1000
#define MULTIPART_HEADER_MAX 8192
#define MULTIPART_BOUNDARY_MAX 70

struct multipart_part {
	char *name;		/* the field's name */
	char *filename;		/* NULL: a text field ("" : no file chosen) */
	char *type;		/* its Content-Type; NULL when not sent */
	const char *data;	/* into the body; not NUL-terminated */
	size_t len;
};

struct multipart {
	struct multipart_part *parts;
	size_t n;
};

/*
 * The boundary of a Content-Type "multipart/form-data; boundary=B" into
 * out (MULTIPART_BOUNDARY_MAX + 1 bytes); -1 when content_type is not
 * multipart/form-data or its boundary is missing or malformed.
 */
int multipart_boundary(const char *content_type,
		       char out[MULTIPART_BOUNDARY_MAX + 1]);
/*
 * The parts of body[0..len-1], sent with content_type, in order. On
 * error out holds nothing.
 */
int multipart_parse(const char *body, size_t len, const char *content_type,
		    struct multipart *out, struct tw_error *err);
void multipart_release(struct multipart *mp);

#endif
