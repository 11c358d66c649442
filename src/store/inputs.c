/*
 * A deal's inputs to the rules as one text (inputs.h), written from the
 * field tables so that no field can be left out.
 */
#include "store/inputs.h"
#include "core/schema.h"
#include "util/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US '\x1f'	/* ends a value */
#define RS '\x1e'	/* alone: an absent value */
#define ESC '\x1b'	/* the next byte, xor 0x40, is 0x1b to 0x1f */
#define PROSE "~"	/* what a multi-line text that is not empty reads */

static int64_t version;
static char header[40];
static pthread_once_t version_once = PTHREAD_ONCE_INIT;

static void
hash_str(uint64_t *h, const char *s)
{
	for (; *s; s++)
		*h = (*h ^ (unsigned char)*s) * 0x100000001b3ULL;
	*h = (*h ^ 0xff) * 0x100000001b3ULL;
}

static void
hash_table(uint64_t *h, const struct schema_table *tb)
{
	char type[16];

	hash_str(h, tb->sql);
	for (size_t i = 0; i < tb->nfields; i++) {
		hash_str(h, tb->fields[i].name);
		snprintf(type, sizeof(type), "%d", (int)tb->fields[i].type);
		hash_str(h, type);
	}
}

static void
version_init(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	hash_str(&h, "techwin-inputs 2");
	hash_table(&h, &schema_deal);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++)
		hash_table(&h, &schema_tables[t]);
	version = (int64_t)(h >> 1);
	if (!version)
		version = 1;
	snprintf(header, sizeof(header), "techwin-inputs:%016" PRIx64,
		 (uint64_t)version);
}

int64_t
inputs_version(void)
{
	pthread_once(&version_once, version_init);
	return version;
}

/* ---- writing ------------------------------------------------------------ */

static void
put(struct strbuf *out, const char *s)
{
	if (!s) {
		strbuf_addch(out, RS);
	} else {
		for (const char *p = s; *p; p++) {
			if (*p >= ESC && *p <= US) {
				strbuf_addch(out, ESC);
				strbuf_addch(out, *p ^ 0x40);
			} else {
				strbuf_addch(out, *p);
			}
		}
	}
	strbuf_addch(out, US);
}

static void
put_fields(struct strbuf *out, const struct schema_table *tb, const void *obj,
	   struct strbuf *tmp)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];
		const char *s;

		/*
		 * A bool as 1 or 0, a number as the hex of its double's
		 * bits (exact, and read without strtod's arithmetic); the
		 * rest as history writes it.
		 */
		if (f->type == F_BOOL) {
			put(out, *(const bool *)fptr(f, obj) ? "1" : "0");
			continue;
		}
		if ((f->type == F_REAL || f->type == F_REAL_OPT) &&
		    field_present(f, obj)) {
			char hex[24];
			uint64_t bits;

			memcpy(&bits, fptr(f, obj), sizeof(bits));
			snprintf(hex, sizeof(hex), "%" PRIx64, bits);
			put(out, hex);
			continue;
		}
		s = field_text(f, obj, tmp);
		/* Prose: whether there is any (inputs.h). */
		put(out, s && *s && (f->flags & FL_MULTI) ? PROSE : s);
	}
}

void
inputs_encode(const struct deal *d, struct strbuf *out)
{
	struct strbuf tmp = STRBUF_INIT;
	char n[32];

	inputs_version();
	put(out, header);
	put(out, d->slug);
	put_fields(out, &schema_deal, d, &tmp);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];
		size_t count = tb->count(d);

		snprintf(n, sizeof(n), "%zu", count);
		put(out, n);
		for (size_t i = 0; i < count; i++)
			put_fields(out, tb, tb->at(d, i), &tmp);
	}
	strbuf_release(&tmp);
}

/* ---- reading ------------------------------------------------------------ */

/* The next value at *p, ended in place; NULL for an absent one. */
static int
next(char **p, char **value)
{
	char *s = *p, *end = s, *r, *w;

	/* Text is above US; other control bytes are part of the value. */
	for (;;) {
		while ((unsigned char)*end > (unsigned char)US)
			end++;
		if (*end == US || *end == ESC || !*end)
			break;
		end++;
	}
	if (*end == US) {	/* the common case: nothing escaped */
		*end = '\0';
		*p = end + 1;
		*value = s[0] == RS && s[1] == '\0' ? NULL : s;
		return 0;
	}
	if (!*end || !(r = strchr(end, US)))
		return -1;
	*r = '\0';
	*p = r + 1;
	*value = s;
	for (r = w = end; *r; r++) {
		if (*r == ESC) {
			if (r[1] < (ESC ^ 0x40) || r[1] > (US ^ 0x40))
				return -1;
			*w++ = *++r ^ 0x40;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return 0;
}

static int
get_long(const char *s, long min, long max, long *out)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || *end || *out < min || *out > max ? -1 : 0;
}

/* A list's keys, split in place at ','. */
static void
get_list(const struct field *f, void *obj, char *s)
{
	size_t n = 1, *count = (size_t *)((char *)obj + f->aux);
	char **l;

	for (const char *c = s; *c; c++)
		n += *c == ',';
	l = xcalloc(n, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		char *comma = strchr(s, ',');

		l[i] = s;
		if (comma) {
			*comma = '\0';
			s = comma + 1;
		}
	}
	*(char ***)((char *)obj + f->off) = l;
	*count = n;
}

static int
get_field(const struct field *f, void *obj, char *s)
{
	char *p = (char *)obj + f->off;
	bool *has = f->aux ? (bool *)((char *)obj + f->aux) : NULL;
	long v;
	int e;

	switch (f->type) {
	case F_STR:
		*(char **)p = s;
		return 0;
	case F_INT_OPT:
		if (!s)
			return 0;
		*has = true;
		/* fall through */
	case F_INT:
		if (get_long(s, -2147483647L - 1, 2147483647L, &v) < 0)
			return -1;
		*(int *)p = (int)v;
		return 0;
	case F_REAL_OPT:
		if (!s)
			return 0;
		*has = true;
		/* fall through */
	case F_REAL: {
		uint64_t bits = 0;
		size_t n = 0;

		/* By hand: strtoull was a sixth of decoding. */
		for (; s && s[n] && n <= 16; n++) {
			int c = (unsigned char)s[n];
			int d = c >= '0' && c <= '9'   ? c - '0'
				: c >= 'a' && c <= 'f' ? c - 'a' + 10
						       : -1;

			if (d < 0)
				return -1;
			bits = bits << 4 | (uint64_t)d;
		}
		if (!n || n > 16)
			return -1;
		memcpy(p, &bits, sizeof(bits));
		return 0;
	}
	case F_BOOL:
		if (!s || (s[0] != '0' && s[0] != '1') || s[1])
			return -1;
		*(bool *)p = *s == '1';
		return 0;
	case F_DATE:
		return s && date_parse(s, (tw_date *)p, NULL) < 0 ? -1 : 0;
	case F_DUR_OPT:
		if (!s)
			return 0;
		*has = true;
		/* fall through */
	case F_DUR:
		return !s || duration_parse(s, (struct duration *)p, NULL) < 0
			       ? -1
			       : 0;
	case F_ENUM:
		if (!s || f->en->parse(s, &e) < 0)
			return -1;
		memcpy(p, &e, sizeof(e));
		return 0;
	case F_LIST:
		if (s && *s)
			get_list(f, obj, s);
		return 0;
	}
	return -1;
}

static int
get_fields(char **p, const struct schema_table *tb, void *obj)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		char *s;

		if (next(p, &s) < 0 || get_field(&tb->fields[i], obj, s) < 0)
			return -1;
	}
	return 0;
}

/* Room for n children of tb, as the model's arrays grow (model.c). */
static int
get_children(char **p, const struct schema_table *tb, struct deal *d)
{
	char **arr = (char **)((char *)d + tb->arr), *s;
	size_t *count = (size_t *)((char *)d + tb->n), cap = 1;
	long n;

	if (next(p, &s) < 0 || get_long(s, 0, 1L << 24, &n) < 0)
		return -1;
	if (!n)
		return 0;
	while (cap < (size_t)n)
		cap *= 2;
	*arr = xcalloc(cap, tb->size);
	for (*count = 0; *count < (size_t)n; (*count)++)
		if (get_fields(p, tb, *arr + *count * tb->size) < 0) {
			(*count)++;	/* its lists are released too */
			return -1;
		}
	return 0;
}

int
inputs_decode(char *text, struct deal *d)
{
	char *p = text, *s;
	int rc = 0;

	inputs_version();
	if (next(&p, &s) < 0 || !s || strcmp(s, header) ||
	    next(&p, &d->slug) < 0 || !d->slug ||
	    get_fields(&p, &schema_deal, d) < 0)
		rc = -1;
	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++)
		rc = get_children(&p, &schema_tables[t], d);
	if (!rc && *p)
		rc = -1;
	if (rc)
		inputs_release(d);
	return rc;
}

void
inputs_release(struct deal *d)
{
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];
		char **arr = (char **)((char *)d + tb->arr);
		size_t n = *(size_t *)((char *)d + tb->n);

		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < tb->nfields; k++)
				if (tb->fields[k].type == F_LIST)
					free(*(char ***)(*arr + i * tb->size +
							 tb->fields[k].off));
		free(*arr);
	}
	deal_init(d);
}
