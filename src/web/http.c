/*
 * Request and response helpers of techwin serve (http.h): decoding,
 * cookies without a connection, the JSON writer of every answer, the JSON
 * error shape and the tw_err to HTTP status mapping.
 */
#include "web/http.h"
#include "formats/json.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <microhttpd.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const http_security_headers[][2] = {
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	{ NULL, NULL },
};

void
http_params_add(struct http_params *p, const char *name, const char *value)
{
	ALLOC_GROW(p->items, p->n + 1, p->alloc);
	p->items[p->n].name = xstrdup(name);
	p->items[p->n].value = xstrdup(value);
	p->n++;
}

const char *
http_params_get(const struct http_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->items[i].name, name))
			return p->items[i].value;
	return NULL;
}

size_t
http_params_count(const struct http_params *p, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += !strcmp(p->items[i].name, name);
	return n;
}

void
http_params_release(struct http_params *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].name);
		free(p->items[i].value);
	}
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
http_decode(const char *s, size_t len, bool plus, struct strbuf *out)
{
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (len - i < 3)
				return -1;
			hi = hex_value(s[i + 1]);
			lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		} else if (c == '+' && plus) {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		strbuf_addch(out, c);
	}
	return 0;
}

int
http_parse_query(const char *s, size_t len, struct http_params *out)
{
	size_t i = 0;

	while (i < len) {
		const char *item = s + i;
		const char *amp = memchr(item, '&', len - i);
		size_t n = amp ? (size_t)(amp - item) : len - i;
		const char *eq = memchr(item, '=', n);
		size_t nlen = eq ? (size_t)(eq - item) : n;
		struct strbuf name = STRBUF_INIT, value = STRBUF_INIT;
		int r = 0;

		i += n + (amp != NULL);
		if (!n)
			continue;
		r = http_decode(item, nlen, true, &name);
		if (!r && eq)
			r = http_decode(eq + 1, n - nlen - 1, true, &value);
		if (!r)
			http_params_add(out, name.buf, value.buf);
		strbuf_release(&name);
		strbuf_release(&value);
		if (r)
			return -1;
	}
	return 0;
}

void
http_request_init(struct http_request *rq, size_t body_max)
{
	memset(rq, 0, sizeof(*rq));
	strbuf_init(&rq->body, 0);
	rq->body.cap = body_max;
}

void
http_request_release(struct http_request *rq)
{
	free(rq->path);
	http_params_release(&rq->query);
	http_params_release(&rq->params);
	http_params_release(&rq->form);
	multipart_release(&rq->upload);
	http_params_release(&rq->headers);
	http_params_release(&rq->cookies);
	strbuf_release(&rq->body);
	if (rq->authed)
		principal_release(&rq->who);
	memset(rq, 0, sizeof(*rq));
}

const char *
http_header(const struct http_request *rq, const char *name)
{
	if (rq->conn)
		return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
						   name);
	for (size_t i = 0; i < rq->headers.n; i++)
		if (!strcasecmp(rq->headers.items[i].name, name))
			return rq->headers.items[i].value;
	return NULL;
}

const char *
http_cookie(const struct http_request *rq, const char *name)
{
	if (!rq->conn)
		return http_params_get(&rq->cookies, name);
	return MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name);
}

static void
add_cookie(struct http_request *rq, const char *name, size_t nlen,
	   const char *value, size_t vlen)
{
	char *n = xstrndup(name, nlen), *v = xstrndup(value, vlen);

	http_params_add(&rq->cookies, n, v);
	free(n);
	free(v);
}

void
http_parse_cookies(struct http_request *rq)
{
	const char *h = http_header(rq, "Cookie");

	http_params_release(&rq->cookies);
	while (h && *h) {
		const char *name, *value, *end;
		size_t nlen;
		bool quoted = false;

		while (*h == ' ')
			h++;
		name = h;
		h += strcspn(h, ",;=");
		nlen = (size_t)(h - name);
		while (nlen && name[nlen - 1] == ' ')
			nlen--;
		if (*h != '=') {
			add_cookie(rq, name, nlen, "", 0);
			if (*h)
				h++;
			continue;
		}
		value = ++h;
		/* To the next ';' or ',' outside double quotes. */
		for (; *h && (quoted || (*h != ';' && *h != ',')); h++)
			if (*h == '"')
				quoted = !quoted;
		end = h;
		if (*h)
			h++;
		if (end - value >= 2 && value[0] == '"' && end[-1] == '"') {
			value++;
			end--;
		}
		add_cookie(rq, name, nlen, value, (size_t)(end - value));
	}
}

struct header_size {
	size_t count, bytes;
};

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key,
	     const char *value)
{
	struct header_size *hs = cls;

	(void)kind;
	hs->count++;
	hs->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

void
http_headers_size(const struct http_request *rq, size_t *count,
		  size_t *bytes)
{
	struct header_size hs = { 0, 0 };

	if (rq->conn)
		MHD_get_connection_values(rq->conn, MHD_HEADER_KIND,
					  count_header, &hs);
	else
		for (size_t i = 0; i < rq->headers.n; i++)
			count_header(&hs, MHD_HEADER_KIND,
				     rq->headers.items[i].name,
				     rq->headers.items[i].value);
	*count = hs.count;
	*bytes = hs.bytes;
}

const char *
http_param(const struct http_request *rq, const char *name)
{
	return http_params_get(&rq->params, name);
}

bool
http_content_type_is(const struct http_request *rq, const char *type)
{
	const char *ct = http_header(rq, "Content-Type");
	size_t n = strlen(type);

	if (!ct)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, n))
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

void
http_response_init(struct http_response *rs)
{
	memset(rs, 0, sizeof(*rs));
	strbuf_init(&rs->body, 0);
}

void
http_response_release(struct http_response *rs)
{
	strbuf_release(&rs->body);
	http_params_release(&rs->headers);
	memset(rs, 0, sizeof(*rs));
}

void
http_response_header(struct http_response *rs, const char *name,
		     const char *value)
{
	http_params_add(&rs->headers, name, value);
}

/*
 * The JSON text is gathered in a buffer on the stack and appended in
 * blocks: most pieces are a few bytes, too small for a call each.
 */
struct jout {
	struct strbuf *sb;
	size_t n;
	char buf[4096];
};

static void
jflush(struct jout *out)
{
	strbuf_add(out->sb, out->buf, out->n);
	out->n = 0;
}

static int
jadd(struct jout *out, const void *p, size_t len)
{
	if (len > sizeof(out->buf) - out->n) {
		jflush(out);
		if (len > sizeof(out->buf))
			return strbuf_add(out->sb, p, len);
	}
	memcpy(out->buf + out->n, p, len);
	out->n += len;
	return 0;
}

static int
jaddch(struct jout *out, char c)
{
	if (out->n == sizeof(out->buf))
		jflush(out);
	out->buf[out->n++] = c;
	return 0;
}

/* Bytes a JSON string holds as they are: printable ASCII but '"', '\\'. */
static inline bool
json_plain(unsigned char c)
{
	return (unsigned)(c - 0x20) < 0x60 && c != '"' && c != '\\';
}

/* A JSON string as jansson writes it: only '"', '\\' and controls escaped. */
static int
dump_string(const char *s, size_t n, struct jout *out)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	jaddch(out, '"');
	while (i < n) {
		unsigned char c;
		char esc[6] = { '\\', 'u', '0', '0', 0, 0 };
		size_t elen = 2, len;
		unsigned long cp;

		while (i < n && json_plain(p[i]))
			i++;
		if (i == n)
			break;
		c = p[i];
		if (c >= 0x80) {
			/* json_dumps fails on such a string, and so do we. */
			if (!(len = utf8_decode(p + i, n - i, &cp)))
				return -1;
			i += len;
			continue;
		}
		jadd(out, s + run, i - run);
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		jadd(out, esc, elen);
		run = ++i;
	}
	jadd(out, s + run, n - run);
	return jaddch(out, '"');
}

static void
dump_newline(int depth, struct jout *out)
{
	static const char indent[] = "\n                                "
				     "                                ";
	size_t n = (size_t)depth * 2;

	if (n < sizeof(indent) - 1) {
		jadd(out, indent, n + 1);
		return;
	}
	jaddch(out, '\n');
	while (n--)
		jaddch(out, ' ');
}

/* As jansson's jsonp_dtostr: "%.15g", then ".0" or a bare exponent. */
static int
dump_real(double v, struct jout *out)
{
	char buf[64], *e, *p;
	int n = snprintf(buf, sizeof(buf) - 3, "%.15g", v);
	size_t len;

	if (n < 0 || (size_t)n >= sizeof(buf) - 3)
		return -1;
	len = (size_t)n;
	/* jansson turns the locale's decimal point back into '.'. */
	if ((p = strchr(buf, ',')))
		*p = '.';
	if (!strchr(buf, '.') && !strchr(buf, 'e')) {
		memcpy(buf + len, ".0", 3);
		len += 2;
	}
	/* "1e+15" is "1e15", "1e-05" is "1e-5". */
	if ((e = strchr(buf, 'e'))) {
		char *start = e + 1, *end = e + 2;

		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, len - (size_t)(end - buf) + 1);
			len -= (size_t)(end - start);
		}
	}
	return jadd(out, buf, len);
}

static int
dump_integer(json_int_t v, struct jout *out)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? -(unsigned long long)v
				      : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	return jadd(out, p, (size_t)(buf + sizeof(buf) - p));
}

static int
dump_value(const json_t *j, int depth, struct jout *out)
{
	size_t n;

	switch (json_typeof(j)) {
	case JSON_NULL:
		return jadd(out, "null", 4);
	case JSON_TRUE:
		return jadd(out, "true", 4);
	case JSON_FALSE:
		return jadd(out, "false", 5);
	case JSON_INTEGER:
		return dump_integer(json_integer_value(j), out);
	case JSON_REAL:
		return dump_real(json_real_value(j), out);
	case JSON_STRING:
		return dump_string(json_string_value(j), json_string_length(j),
				   out);
	case JSON_ARRAY:
		n = json_array_size(j);
		jaddch(out, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				jaddch(out, ',');
			dump_newline(depth + 1, out);
			if (dump_value(json_array_get(j, i), depth + 1, out) < 0)
				return -1;
		}
		if (n)
			dump_newline(depth, out);
		return jaddch(out, ']');
	case JSON_OBJECT: {
		void *it = json_object_iter((json_t *)j);

		jaddch(out, '{');
		for (bool first = true; it; first = false) {
			if (!first)
				jaddch(out, ',');
			dump_newline(depth + 1, out);
			if (dump_string(json_object_iter_key(it),
					json_object_iter_key_len(it), out) < 0)
				return -1;
			jadd(out, ": ", 2);
			if (dump_value(json_object_iter_value(it), depth + 1,
				       out) < 0)
				return -1;
			it = json_object_iter_next((json_t *)j, it);
			if (!it)
				dump_newline(depth, out);
		}
		return jaddch(out, '}');
	}
	}
	return -1;
}

int
http_json_dump(const json_t *j, struct strbuf *out)
{
	struct jout jo;
	size_t len = out->len;

	/* json_dumps without JSON_ENCODE_ANY: an object or an array. */
	if (!json_is_object(j) && !json_is_array(j))
		return -1;
	jo.sb = out;
	jo.n = 0;
	if (dump_value(j, 0, &jo) < 0) {
		strbuf_setlen(out, len);
		return -1;
	}
	jflush(&jo);
	return 0;
}

void
http_send_json(struct http_response *rs, unsigned status, json_t *j)
{
	strbuf_reset(&rs->body);
	if (http_json_dump(j, &rs->body) == 0)
		strbuf_addch(&rs->body, '\n');
	json_decref(j);
	rs->status = status;
	rs->content_type = "application/json";
}

void
http_send(struct http_response *rs, unsigned status, const char *type,
	  const void *data, size_t len)
{
	strbuf_reset(&rs->body);
	strbuf_add(&rs->body, data, len);
	rs->status = status;
	rs->content_type = type;
}

void
http_send_strbuf(struct http_response *rs, unsigned status, const char *type,
		 struct strbuf *sb)
{
	struct strbuf tmp = rs->body;

	rs->body = *sb;
	*sb = tmp;
	strbuf_reset(sb);
	rs->status = status;
	rs->content_type = type;
}

void
http_send_empty(struct http_response *rs, unsigned status)
{
	strbuf_reset(&rs->body);
	rs->status = status;
	rs->content_type = NULL;
}

void
http_redirect(struct http_response *rs, unsigned status, const char *location)
{
	http_send_empty(rs, status);
	http_response_header(rs, "Location", location);
}

static const struct {
	unsigned status;
	const char *code;
	const char *reason;
} statuses[] = {
	{ 200, "ok", "OK" },
	{ 201, "created", "Created" },
	{ 204, "no_content", "No Content" },
	{ 303, "see_other", "See Other" },
	{ 400, "bad_request", "Bad Request" },
	{ 401, "unauthorized", "Unauthorized" },
	{ 403, "forbidden", "Forbidden" },
	{ 404, "not_found", "Not Found" },
	{ 405, "method_not_allowed", "Method Not Allowed" },
	{ 408, "timeout", "Request Timeout" },
	{ 409, "conflict", "Conflict" },
	{ 413, "too_large", "Content Too Large" },
	{ 414, "uri_too_long", "URI Too Long" },
	{ 415, "unsupported_media_type", "Unsupported Media Type" },
	{ 422, "invalid", "Unprocessable Content" },
	{ 429, "too_many_requests", "Too Many Requests" },
	{ 431, "headers_too_large", "Request Header Fields Too Large" },
	{ 500, "internal", "Internal Server Error" },
	{ 503, "busy", "Service Unavailable" },
};

const char *
http_error_code(unsigned status)
{
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		if (statuses[i].status == status)
			return statuses[i].code;
	return status >= 500 ? "internal" : "bad_request";
}

const char *
http_reason(unsigned status)
{
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		if (statuses[i].status == status)
			return statuses[i].reason;
	return "Unknown";
}

/*
 * A JSON string of s with every byte that is not well-formed UTF-8
 * written as "\xNN": an error may quote what the client sent (a query
 * parameter's name, a slug from the path), which need not be UTF-8, and
 * the answer must still be JSON.
 */
static json_t *
json_text(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n;
	json_t *j;

	if (!s)
		return json_null();
	n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned long cp;
		size_t len = utf8_decode((const unsigned char *)s + i, n - i,
					 &cp);

		if (len) {
			strbuf_add(&sb, s + i, len);
			i += len;
		} else {
			strbuf_addf(&sb, "\\x%02x", (unsigned char)s[i]);
			i++;
		}
	}
	j = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return j;
}

static void
send_error(struct http_response *rs, unsigned status, const char *field,
	   const char *message)
{
	json_t *e = json_object(), *o = json_object();

	json_object_set_new(e, "code", json_string(http_error_code(status)));
	json_object_set_new(e, "message", json_text(message));
	json_object_set_new(e, "field", json_text(field));
	json_object_set_new(o, "error", e);
	/* Headers set for a success (Location) do not belong to an error. */
	http_params_release(&rs->headers);
	http_send_json(rs, status, o);
}

void
http_error(struct http_response *rs, unsigned status, const char *field,
	   const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	send_error(rs, status, field, msg.buf);
	strbuf_release(&msg);
}

unsigned
http_status_for(int rc)
{
	switch (rc) {
	case TW_EUSAGE:
		return 400;
	case TW_EINPUT:
		return 422;
	case TW_ENOTFOUND:
		return 404;
	case TW_EEXIST:
		return 409;
	case TW_EBUSY:
		return 503;
	default:
		return 500;
	}
}

void
http_log_escape(struct strbuf *sb, const char *s, bool field)
{
	size_t n = 0;

	for (const char *p = s; *p; p++, n++) {
		unsigned char c = (unsigned char)*p;

		if (field && n == HTTP_LOG_FIELD_MAX) {
			strbuf_addstr(sb, "...");
			return;
		}
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\' ||
		    (field && c == ' '))
			strbuf_addf(sb, "\\x%02x", c);
		else
			strbuf_addch(sb, (char)c);
	}
}

void
http_fail(struct http_response *rs, int rc, const struct tw_error *err,
	  const char *field)
{
	unsigned status = http_status_for(rc);
	const char *msg = err && err->msg[0] ? err->msg : "request failed";

	if (status == 500) {
		struct strbuf line = STRBUF_INIT;

		strbuf_addstr(&line, "techwin: error: ");
		http_log_escape(&line, msg, false);
		strbuf_addch(&line, '\n');
		fwrite(line.buf, 1, line.len, stderr);
		strbuf_release(&line);
		send_error(rs, status, NULL, "storage failure (see the server "
			   "log)");
		return;
	}
	send_error(rs, status, field, msg);
	if (status == 503)
		http_response_header(rs, "Retry-After", "1");
}

json_t *
http_json_object(const struct http_request *rq, struct http_response *rs,
		 bool allow_empty)
{
	json_error_t jerr;
	json_t *j;

	if (!rq->body.len && allow_empty)
		return json_object();
	if (!http_content_type_is(rq, "application/json")) {
		http_error(rs, 415, NULL,
			   "the request body must be application/json");
		return NULL;
	}
	j = json_loadb(rq->body.buf, rq->body.len, JSON_REJECT_DUPLICATES,
		       &jerr);
	if (!j) {
		http_error(rs, 400, NULL, "malformed JSON at line %d, column "
			   "%d: %s", jerr.line, jerr.column, jerr.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_error(rs, 422, NULL, "the request body must be a JSON "
			   "object");
		return NULL;
	}
	return j;
}

bool
http_parse_form(struct http_request *rq, struct http_response *rs)
{
	if (!http_content_type_is(rq, "application/x-www-form-urlencoded")) {
		http_error(rs, 415, NULL, "the request body must be "
			   "application/x-www-form-urlencoded");
		return false;
	}
	http_params_release(&rq->form);
	if (http_parse_query(rq->body.buf, rq->body.len, &rq->form) < 0) {
		http_error(rs, 400, NULL, "malformed form body");
		return false;
	}
	return true;
}

bool
http_parse_multipart(struct http_request *rq, struct http_response *rs)
{
	struct tw_error err = { 0 };

	if (!http_content_type_is(rq, "multipart/form-data")) {
		http_error(rs, 415, NULL, "the request body must be "
			   "multipart/form-data");
		return false;
	}
	http_params_release(&rq->form);
	multipart_release(&rq->upload);
	if (multipart_parse(rq->body.buf, rq->body.len,
			    http_header(rq, "Content-Type"), &rq->upload,
			    &err) < 0) {
		http_error(rs, 400, NULL, "%s", err.msg);
		return false;
	}
	/* Text fields are read as a url-encoded form's. */
	for (size_t i = 0; i < rq->upload.n; i++) {
		const struct multipart_part *pt = &rq->upload.parts[i];
		char *v;

		if (pt->filename)
			continue;
		v = xstrndup(pt->data, pt->len);
		http_params_add(&rq->form, pt->name, v);
		free(v);
	}
	return true;
}

const struct multipart_part *
http_upload_file(const struct http_request *rq, const char *name, size_t *at)
{
	for (size_t i = at ? *at : 0; i < rq->upload.n; i++) {
		const struct multipart_part *pt = &rq->upload.parts[i];

		if (pt->filename && !strcmp(pt->name, name)) {
			if (at)
				*at = i + 1;
			return pt;
		}
	}
	if (at)
		*at = rq->upload.n;
	return NULL;
}
