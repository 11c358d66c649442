/*
 * Route matching (router.h): split the path into segments, decode each,
 * and compare them with every route's pattern.
 */
#include "web/router.h"
#include "util/xalloc.h"

#include <string.h>
#include <strings.h>

void
router_init(struct router *r)
{
	memset(r, 0, sizeof(*r));
}

void
router_add(struct router *r, const struct route *table)
{
	ALLOC_GROW(r->tables, r->n + 1, r->alloc);
	r->tables[r->n++] = table;
}

void
router_release(struct router *r)
{
	free(r->tables);
	memset(r, 0, sizeof(*r));
}

void
route_match_init(struct route_match *m)
{
	memset(m, 0, sizeof(*m));
	strbuf_init(&m->allow, 0);
}

void
route_match_release(struct route_match *m)
{
	http_params_release(&m->params);
	strbuf_release(&m->allow);
	memset(m, 0, sizeof(*m));
}

/* The decoded segments of a path. */
struct segments {
	char **items;
	size_t n, alloc;
};

static void
segments_release(struct segments *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

/* "/a/b%20c" into "a", "b c"; -1 for a malformed escape. */
static int
split_path(const char *path, struct segments *out)
{
	const char *p = path + 1;

	for (;;) {
		size_t n = strcspn(p, "/");
		struct strbuf sb = STRBUF_INIT;

		if (http_decode(p, n, false, &sb) < 0) {
			strbuf_release(&sb);
			segments_release(out);
			return -1;
		}
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		out->items[out->n++] = strbuf_detach(&sb, NULL);
		p += n;
		if (!*p)
			return 0;
		p++;
	}
}

/* One pattern segment: literal text, or pre{name}suf. */
struct pat_seg {
	const char *pre;
	size_t npre;
	const char *name;	/* NULL: literal */
	size_t nname;
	const char *suf;
	size_t nsuf;
};

static void
parse_seg(const char *s, size_t n, struct pat_seg *out)
{
	const char *open = memchr(s, '{', n);
	const char *close = open ? memchr(open, '}', n - (size_t)(open - s))
				 : NULL;

	memset(out, 0, sizeof(*out));
	out->pre = s;
	if (!open || !close) {
		out->npre = n;
		return;
	}
	out->npre = (size_t)(open - s);
	out->name = open + 1;
	out->nname = (size_t)(close - open - 1);
	out->suf = close + 1;
	out->nsuf = n - (size_t)(close + 1 - s);
}

/*
 * Match pattern against the segments; on success add the captures to
 * params (when not NULL) and return the route's specificity: the number
 * of literal bytes in its segments. -1 when it does not match.
 */
static long
match_pattern(const char *pattern, const struct segments *segs,
	      struct http_params *params)
{
	const char *p = pattern + 1;
	long score = 0;
	size_t i = 0;

	for (;; i++) {
		size_t n = strcspn(p, "/");
		struct pat_seg ps;
		const char *v;
		size_t vlen;

		if (i >= segs->n)
			return -1;
		v = segs->items[i];
		vlen = strlen(v);
		parse_seg(p, n, &ps);
		if (!ps.name) {
			if (vlen != n || memcmp(v, p, n))
				return -1;
		} else if (vlen <= ps.npre + ps.nsuf ||
			   memcmp(v, ps.pre, ps.npre) ||
			   memcmp(v + vlen - ps.nsuf, ps.suf, ps.nsuf)) {
			return -1;
		}
		score += (long)(ps.npre + ps.nsuf);
		p += n;
		if (!*p)
			break;
		p++;
	}
	if (i + 1 != segs->n)
		return -1;
	if (!params)
		return score;
	/* Matched: take the captures in a second pass. */
	p = pattern + 1;
	for (i = 0; i < segs->n; i++) {
		size_t n = strcspn(p, "/");
		struct pat_seg ps;

		parse_seg(p, n, &ps);
		if (ps.name) {
			const char *v = segs->items[i];
			char *name = xstrndup(ps.name, ps.nname);
			char *value = xstrndup(v + ps.npre, strlen(v) -
							     ps.npre - ps.nsuf);

			http_params_add(params, name, value);
			free(name);
			free(value);
		}
		p += n + (p[n] == '/');
	}
	return score;
}

static bool
method_matches(const char *route_method, const char *method)
{
	if (!strcmp(route_method, method))
		return true;
	return !strcmp(route_method, "GET") && !strcmp(method, "HEAD");
}

/* Add m to the Allow list unless it is there ("GET" brings "HEAD"). */
static void
allow_add(struct strbuf *allow, const char *m)
{
	const char *p = allow->buf;
	size_t n = strlen(m);

	while (*p) {
		size_t len = strcspn(p, ",");

		if (len == n && !memcmp(p, m, n))
			return;
		p += len;
		while (*p == ',' || *p == ' ')
			p++;
	}
	if (allow->len)
		strbuf_addstr(allow, ", ");
	strbuf_addstr(allow, m);
	if (!strcmp(m, "GET"))
		allow_add(allow, "HEAD");
}

enum route_result
router_match(const struct router *r, const char *method, const char *path,
	     struct route_match *m)
{
	struct segments segs = { 0 };
	const struct route *best = NULL;
	long best_score = -1;
	bool path_found = false;

	if (path[0] != '/')
		return ROUTE_NOT_FOUND;
	if (split_path(path, &segs) < 0)
		return ROUTE_BAD_PATH;
	for (size_t t = 0; t < r->n; t++) {
		for (const struct route *rt = r->tables[t]; rt->pattern;
		     rt++) {
			long score = match_pattern(rt->pattern, &segs, NULL);

			if (score < 0)
				continue;
			path_found = true;
			if (!method_matches(rt->method, method)) {
				allow_add(&m->allow, rt->method);
				continue;
			}
			if (score > best_score) {
				best = rt;
				best_score = score;
			}
		}
	}
	if (best) {
		m->route = best;
		match_pattern(best->pattern, &segs, &m->params);
	}
	segments_release(&segs);
	if (best)
		return ROUTE_FOUND;
	return path_found ? ROUTE_BAD_METHOD : ROUTE_NOT_FOUND;
}

/*
 * The path's segments as a browser resolves them: decoded (as sent when
 * they do not decode), empty and "." ones skipped, ".." dropping the one
 * before it.
 */
static void
resolve_segments(const char *path, struct segments *out)
{
	struct strbuf sb = STRBUF_INIT;

	for (const char *p = path; *p;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (!n)
			break;
		strbuf_reset(&sb);
		if (http_decode(p, n, false, &sb) < 0) {
			strbuf_reset(&sb);
			strbuf_add(&sb, p, n);
		}
		p += n;
		if (!strcmp(sb.buf, "."))
			continue;
		if (!strcmp(sb.buf, "..")) {
			if (out->n)
				free(out->items[--out->n]);
			continue;
		}
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		out->items[out->n++] = xstrdup(sb.buf);
	}
	strbuf_release(&sb);
}

/* The segments lie under pattern's literal ones: how long they are, or 0. */
static size_t
under_literal(const char *pattern, const struct segments *segs)
{
	const char *p = pattern;
	size_t i = 0;

	while (*p == '/' && p[1]) {
		size_t n = strcspn(p + 1, "/");

		if (memchr(p + 1, '{', n))
			break;
		if (i >= segs->n || strlen(segs->items[i]) != n ||
		    strncasecmp(segs->items[i], p + 1, n))
			return 0;
		i++;
		p += 1 + n;
	}
	return (size_t)(p - pattern) + (*p == '/');
}

size_t
router_secret_prefix(const struct router *r, const char *path,
		     const char **pattern)
{
	struct segments segs = { 0 };
	size_t len = 0;

	resolve_segments(path, &segs);
	for (size_t t = 0; t < r->n && !len; t++) {
		for (const struct route *rt = r->tables[t]; rt->pattern && !len;
		     rt++) {
			if (!(rt->flags & ROUTE_SECRET_PATH))
				continue;
			len = under_literal(rt->pattern, &segs);
			*pattern = rt->pattern;
		}
	}
	segments_release(&segs);
	return len;
}

bool
route_pattern_valid(const char *pattern)
{
	const char *p = pattern;

	if (!p || *p != '/')
		return false;
	if (!strcmp(p, "/"))
		return true;
	p++;
	for (;;) {
		size_t n = strcspn(p, "/");
		const char *open = memchr(p, '{', n);
		const char *close = memchr(p, '}', n);

		if (!n)
			return false;
		if (open || close) {
			if (!open || !close || close < open + 2)
				return false;
			for (const char *c = open + 1; c < close; c++)
				if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
					return false;
			if (memchr(open + 1, '{', (size_t)(p + n - open - 1)) ||
			    memchr(close + 1, '}', (size_t)(p + n - close - 1)))
				return false;
		}
		p += n;
		if (!*p)
			return true;
		p++;
	}
}
