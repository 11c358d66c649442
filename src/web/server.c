/*
 * techwin serve on libmicrohttpd (server.h). Each request is an exchange
 * that lives from the URI-log callback (which sees the request target
 * first, so its length can be capped and the clock started) to the
 * completion callback (which writes the access log line). The access
 * handler checks limits, finds the route, authenticates, collects the
 * capped body, checks CSRF and calls the route's handler; server_dispatch
 * takes the same steps for a request that comes without a socket (the
 * fuzzer, tests), so both share one path. A watchman thread cuts off
 * connections that take longer than the timeout to send a request's
 * headers, which libmicrohttpd's idle timeout alone cannot do.
 */
#include "web/server.h"
#include "web/api.h"
#include "web/auth.h"
#include "web/csrf.h"
#include "web/http.h"
#include "web/json-arena.h"
#include "web/listen.h"
#include "web/pages.h"
#include "web/router.h"
#include "store/store.h"
#include "util/xalloc.h"

#include <microhttpd.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/*
 * Memory for one connection's request line and headers (and read
 * buffers). Larger than the soft caps, so a request over them still
 * reaches the handler and gets a JSON 414/431; past this libmicrohttpd
 * answers 414/431 itself.
 */
#define CONNECTION_MEMORY (64 * 1024)
/* libmicrohttpd's messages: kinds told apart, one of each per 10 s. */
#define MHD_LOG_KINDS 32
#define MHD_LOG_EVERY_MS 10000
/* How often the watchman looks for connections past their deadline. */
#define WATCH_TICK_MS 250
#define FORM_TYPE "application/x-www-form-urlencoded"
#define MULTIPART_TYPE "multipart/form-data"

struct server {
	struct server_config cfg;
	struct MHD_Daemon *daemon;
	unsigned port;
	struct router router;
	struct rate_limiter *limiter;
	struct rate_limiter *share_limiter;

	struct store *store;		/* server_new's, borrowed */
	/* Else one store connection per worker thread, closed at stop. */
	pthread_key_t store_key;
	pthread_mutex_t lock;		/* stores, inflight, log_kinds */
	struct store **stores;
	size_t nstores, alloc;
	long inflight;			/* requests begun, not done */
	struct mhd_log_kind {
		const char *fmt;	/* NULL: a free slot */
		long long last;		/* when last written */
		unsigned long dropped;	/* left out since */
	} log_kinds[MHD_LOG_KINDS];

	pthread_mutex_t watch_lock;	/* watched and its entries */
	pthread_cond_t watch_cond;	/* on the monotonic clock */
	struct conn_watch *watched;	/* every open connection */
	pthread_t watchman;		/* started with the daemon */
	bool stopping;
};

/*
 * An open connection, for the deadline on a request's line and headers:
 * one still sending them cfg.timeout seconds after it opened (or after
 * its previous answer) is shut down by the watchman thread, however
 * often it sends a byte, which the idle timeout alone cannot do.
 */
struct conn_watch {
	struct conn_watch *prev, *next;
	int fd;
	long long since;		/* monotonic milliseconds */
	bool reading;			/* a request's line and headers */
	bool cut;			/* shut down at the deadline */
};

/* One request and its answer. */
struct exchange {
	struct http_request rq;
	struct http_response rs;
	struct route_match m;
	char *query;			/* the raw query string, or NULL */
	char *method;
	size_t target_len;		/* the request target as sent */
	struct timespec start;
	bool started;			/* the access handler has run */
	bool queued;			/* a response is queued */
	bool by_mhd;			/* libmicrohttpd's own answer */
	unsigned status;
	size_t bytes;
};

void
server_config_init(struct server_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->listen = "127.0.0.1:8080";
	cfg->threads = 4;
	cfg->timeout = 30;
	cfg->per_address = -1;
	cfg->body_max = HTTP_BODY_MAX;
	cfg->upload_max = HTTP_UPLOAD_MAX;
	cfg->session_ttl = 12 * 60 * 60;
	cfg->grace = 10;
	cfg->login_attempts = 5;
	cfg->login_window = 5 * 60;
}

/* ---- the header deadline ------------------------------------------ */

static long long
monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * libmicrohttpd tells of each connection as it opens and before it
 * closes the socket, so the watchman only ever shuts down a socket that
 * is still this connection's.
 */
static void
notify_connection(void *cls, struct MHD_Connection *conn,
		  void **socket_context,
		  enum MHD_ConnectionNotificationCode code)
{
	struct server *srv = cls;
	struct conn_watch *w = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_CONNECTION_FD);

		if (!ci)
			return;
		w = xcalloc(1, sizeof(*w));
		w->fd = ci->connect_fd;
		w->since = monotonic_ms();
		w->reading = true;
		pthread_mutex_lock(&srv->watch_lock);
		w->next = srv->watched;
		if (w->next)
			w->next->prev = w;
		srv->watched = w;
		pthread_mutex_unlock(&srv->watch_lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	pthread_mutex_lock(&srv->watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->watch_lock);
	free(w);
	*socket_context = NULL;
}

/*
 * The connection has read a request's headers (reading false) or answered
 * one and waits for the next (true, the clock starts again). True when
 * the watchman cut it off.
 */
static bool
watch_reading(struct server *srv, struct MHD_Connection *conn, bool reading)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_watch *w = ci ? ci->socket_context : NULL;
	bool cut = false;

	if (!w)
		return false;
	pthread_mutex_lock(&srv->watch_lock);
	w->reading = reading;
	w->since = monotonic_ms();
	cut = w->cut;
	pthread_mutex_unlock(&srv->watch_lock);
	return cut;
}

/*
 * Shut down every connection past its deadline: libmicrohttpd then reads
 * the end of the stream and closes the connection in its own thread.
 */
static void *
watchman(void *arg)
{
	struct server *srv = arg;
	long long limit = (long long)srv->cfg.timeout * 1000;
	long long now = monotonic_ms();

	pthread_mutex_lock(&srv->watch_lock);
	while (!srv->stopping) {
		long long next = now + WATCH_TICK_MS;
		struct timespec until = { (time_t)(next / 1000),
					  (long)(next % 1000) * 1000000 };

		/* server_stop signals: no waiting out the tick at exit. */
		pthread_cond_timedwait(&srv->watch_cond, &srv->watch_lock,
				       &until);
		now = monotonic_ms();
		for (struct conn_watch *w = srv->watched; w; w = w->next) {
			if (!w->reading || w->cut || now - w->since < limit)
				continue;
			shutdown(w->fd, SHUT_RDWR);
			w->cut = true;
		}
	}
	pthread_mutex_unlock(&srv->watch_lock);
	return NULL;
}

/* ---- per-request plumbing ----------------------------------------- */

static struct store *
thread_store(struct server *srv, struct tw_error *err)
{
	struct store *st = pthread_getspecific(srv->store_key);

	if (srv->store)
		return srv->store;
	if (st)
		return st;
	if (store_open(&st, srv->cfg.db, STORE_OPEN_EXISTING, "web", err) < 0)
		return NULL;
	pthread_mutex_lock(&srv->lock);
	ALLOC_GROW(srv->stores, srv->nstores + 1, srv->alloc);
	srv->stores[srv->nstores++] = st;
	pthread_mutex_unlock(&srv->lock);
	pthread_setspecific(srv->store_key, st);
	return st;
}

/* The peer's address, known before any header is parsed. */
static void
peer_address(struct MHD_Connection *conn, char *buf, size_t size)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(buf, size, "-");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
			  &((const struct sockaddr_in *)ci->client_addr)
				   ->sin_addr,
			  buf, (socklen_t)size);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)ci->client_addr)
				   ->sin6_addr,
			  buf, (socklen_t)size);
}

/* The largest body any route takes. */
static size_t
body_limit(const struct server_config *cfg)
{
	return cfg->body_max > cfg->upload_max ? cfg->body_max
					       : cfg->upload_max;
}

/* A Content-Length past max: 413 now, before the body is read. */
static bool
body_too_large(struct exchange *x, const char *cl, size_t max)
{
	if (strtoull(cl, NULL, 10) <= max)
		return false;
	http_error(&x->rs, 413, NULL, "the request body is %s bytes; the "
		   "limit is %zu", cl, max);
	return true;
}

/* A new exchange for the request target uri (path and query as sent). */
static void
exchange_init(struct server *srv, struct exchange *x, const char *uri)
{
	size_t n = strcspn(uri, "?");

	memset(x, 0, sizeof(*x));
	clock_gettime(CLOCK_MONOTONIC, &x->start);
	http_request_init(&x->rq, srv->cfg.body_max);
	http_response_init(&x->rs);
	route_match_init(&x->m);
	x->target_len = strlen(uri);
	x->rq.path = xstrndup(uri, n);
	if (uri[n])
		x->query = xstrdup(uri + n + 1);
}

static void
exchange_release(struct exchange *x)
{
	http_request_release(&x->rq);
	http_response_release(&x->rs);
	route_match_release(&x->m);
	free(x->query);
	free(x->method);
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct server *srv = cls;
	struct exchange *x = xmalloc(sizeof(*x));

	exchange_init(srv, x, uri);
	peer_address(conn, x->rq.addr, sizeof(x->rq.addr));
	pthread_mutex_lock(&srv->lock);
	srv->inflight++;
	pthread_mutex_unlock(&srv->lock);
	return x;
}

/*
 * The last element of an X-Forwarded-For list as an IP address, written
 * the canonical way into buf; false when it is not one.
 */
static bool
forwarded_address(const char *fwd, char *buf, size_t size)
{
	const char *last = strrchr(fwd, ',');
	unsigned char bin[sizeof(struct in6_addr)];
	char tmp[INET6_ADDRSTRLEN];
	size_t n;

	last = last ? last + 1 : fwd;
	last += strspn(last, " \t");
	n = strcspn(last, " \t");
	if (!n || n >= sizeof(tmp) || last[n + strspn(last + n, " \t")])
		return false;
	memcpy(tmp, last, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return inet_ntop(AF_INET, bin, buf, (socklen_t)size);
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return inet_ntop(AF_INET6, bin, buf, (socklen_t)size);
	return false;
}

/*
 * Behind a trusted proxy, what the proxy says about the client. The
 * proxy appends the address it saw, so the last one is its own; anything
 * but an IP address there leaves the peer's address in place.
 */
static void
proxy_headers(struct server *srv, struct exchange *x)
{
	const char *fwd;
	char addr[sizeof(x->rq.addr)];

	if (!srv->cfg.trust_proxy)
		return;
	fwd = http_header(&x->rq, "X-Forwarded-Proto");
	x->rq.tls = fwd && !strcasecmp(fwd, "https");
	fwd = http_header(&x->rq, "X-Forwarded-For");
	if (fwd && forwarded_address(fwd, addr, sizeof(addr)))
		memcpy(x->rq.addr, addr, sizeof(addr));
}

/* "/login?next=PATH" for a page that needs a session. */
static void
redirect_to_login(struct exchange *x)
{
	struct strbuf loc = STRBUF_INIT;

	strbuf_addstr(&loc, "/login?next=");
	for (const char *p = x->rq.path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c))
			strbuf_addch(&loc, c);
		else
			strbuf_addf(&loc, "%%%02X", c);
	}
	http_redirect(&x->rs, 303, loc.buf);
	strbuf_release(&loc);
}

static void
unauthorized(struct exchange *x, const char *msg)
{
	if (x->m.route->flags & ROUTE_PAGE) {
		redirect_to_login(x);
		return;
	}
	http_error(&x->rs, 401, NULL, "%s", msg);
	http_response_header(&x->rs, "WWW-Authenticate",
			     "Bearer realm=\"techwin\"");
}

/*
 * Who is calling: an Authorization: Bearer token first (API clients; a
 * browser never sends one on its own, so it needs no CSRF token), then
 * ?token= on the routes that take it, then the session cookie.
 */
static void
authenticate(struct exchange *x)
{
	struct http_request *rq = &x->rq;
	const struct route *rt = x->m.route;
	const char *authz = http_header(rq, "Authorization");
	const char *cookie = http_cookie(rq, HTTP_SESSION_COOKIE);
	const char *qtoken = (rt->flags & ROUTE_QUERY_TOKEN)
				     ? http_params_get(&rq->query, "token")
				     : NULL;
	struct tw_error err = { 0 };
	const char *what;
	int r;

	if (authz) {
		if (strncasecmp(authz, "Bearer ", 7)) {
			unauthorized(x, "unsupported authorization scheme "
				     "(expected 'Bearer TOKEN')");
			return;
		}
		authz += 7;
		while (*authz == ' ')
			authz++;
		what = "bearer token";
		r = auth_bearer(rq->st, authz, &rq->who, &err);
	} else if (qtoken) {
		what = "token";
		r = auth_bearer(rq->st, qtoken, &rq->who, &err);
	} else if (cookie) {
		what = "session";
		r = auth_session(rq->st, cookie, rq->now, &rq->who, &err);
		rq->via_session = r == 0;
	} else {
		unauthorized(x, "authentication required: log in (a session "
			     "cookie) or send 'Authorization: Bearer TOKEN'");
		return;
	}
	if (r == TW_ENOTFOUND) {
		unauthorized(x, what[0] == 's' ? "unknown or expired session: "
				"log in again" : "unknown or revoked token");
		return;
	}
	if (r < 0) {
		http_fail(&x->rs, r, &err, NULL);
		return;
	}
	rq->authed = true;
	if (rq->who.role < rt->role) {
		/* A person in a browser gets a page, a program the JSON. */
		if (rt->flags & ROUTE_PAGE) {
			pages_forbidden(rq, &x->rs, rt->role);
			return;
		}
		http_error(&x->rs, 403, NULL, "user '%s' is %s %s: this needs "
			   "the %s role", rq->who.name,
			   rq->who.role == ROLE_VIEWER ? "a" : "an",
			   role_name(rq->who.role), role_name(rt->role));
		return;
	}
	/* History rows name the user who made the change. */
	store_set_actor(rq->st, rq->who.name);
}

/*
 * The first call for a request: everything that can be decided from the
 * request line and the headers, before any body is read. A response
 * queued here means the body is never read.
 */
static void
begin_request(struct server *srv, struct exchange *x)
{
	struct http_request *rq = &x->rq;
	struct tw_error err = { 0 };
	size_t count, bytes;
	const char *cl, *why;

	rq->cfg = &srv->cfg;
	rq->limiter = srv->limiter;
	rq->share_limiter = srv->share_limiter;
	rq->now = (long long)time(NULL);
	rq->today = srv->cfg.today_fixed ? srv->cfg.today : date_today();
	proxy_headers(srv, x);

	if (x->target_len > HTTP_URL_MAX) {
		http_error(&x->rs, 414, NULL, "the request target is %zu "
			   "bytes; the limit is %d", x->target_len,
			   HTTP_URL_MAX);
		return;
	}
	http_headers_size(rq, &count, &bytes);
	if (bytes > HTTP_HEADERS_MAX || count > HTTP_HEADER_COUNT_MAX) {
		http_error(&x->rs, 431, NULL, "the request headers are too "
			   "large (%zu headers, %zu bytes; the limit is %d "
			   "headers, %d bytes)", count, bytes,
			   HTTP_HEADER_COUNT_MAX, HTTP_HEADERS_MAX);
		return;
	}
	/* Past both limits, refused before the route is looked up. */
	cl = http_header(rq, "Content-Length");
	if (cl && body_too_large(x, cl, body_limit(&srv->cfg)))
		return;
	if (x->query && http_parse_query(x->query, strlen(x->query),
					 &rq->query) < 0) {
		http_error(&x->rs, 400, NULL, "malformed query string");
		return;
	}
	switch (router_match(&srv->router, x->method, rq->path, &x->m)) {
	case ROUTE_FOUND:
		break;
	case ROUTE_BAD_METHOD:
		http_error(&x->rs, 405, NULL, "%s is not allowed here "
			   "(allowed: %s)", x->method, x->m.allow.buf);
		http_response_header(&x->rs, "Allow", x->m.allow.buf);
		return;
	case ROUTE_BAD_PATH:
		http_error(&x->rs, 400, NULL, "malformed path");
		return;
	case ROUTE_NOT_FOUND:
	default:
		http_error(&x->rs, 404, NULL, "no such page or API route");
		return;
	}
	/* The captures belong to the request from here on. */
	rq->params = x->m.params;
	memset(&x->m.params, 0, sizeof(x->m.params));
	/* An upload route takes a larger body; the others body_max. */
	rq->body.cap = x->m.route->flags & ROUTE_UPLOAD ? srv->cfg.upload_max
							: srv->cfg.body_max;
	if (cl && body_too_large(x, cl, rq->body.cap))
		return;
	if ((why = csrf_cross_site(rq))) {
		http_error(&x->rs, 403, NULL, "%s", why);
		return;
	}

	rq->st = thread_store(srv, &err);
	if (!rq->st) {
		http_fail(&x->rs, TW_ESTORE, &err, NULL);
		return;
	}
	store_set_actor(rq->st, "web");
	if (!(x->m.route->flags & ROUTE_PUBLIC))
		authenticate(x);
}

/* The whole body is in: CSRF, then the handler. */
static void
finish_request(struct exchange *x)
{
	struct http_request *rq = &x->rq;

	if (rq->body.toobig) {
		http_error(&x->rs, 413, NULL, "the request body is larger than "
			   "the limit of %zu bytes", rq->body.cap);
		return;
	}
	if (rq->via_session && !csrf_safe_method(x->method)) {
		const char *token = http_header(rq, "X-CSRF-Token");

		/* A form cannot set headers: it sends the token as a field. */
		if (!token && http_content_type_is(rq, FORM_TYPE)) {
			if (!http_parse_form(rq, &x->rs))
				return;
			token = http_params_get(&rq->form, "csrf_token");
		}
		/* An upload's form sends it as a text part. */
		if (!token && (x->m.route->flags & ROUTE_UPLOAD) &&
		    http_content_type_is(rq, MULTIPART_TYPE)) {
			if (!http_parse_multipart(rq, &x->rs))
				return;
			token = http_params_get(&rq->form, "csrf_token");
		}
		if (!token || !auth_csrf_ok(&rq->who, token)) {
			http_error(&x->rs, 403, NULL, "%s CSRF token: send the "
				   "session's token in X-CSRF-Token",
				   token ? "wrong" : "missing");
			return;
		}
	}
	x->m.route->fn(rq, &x->rs);
	if (!x->rs.status)
		http_error(&x->rs, 500, NULL, "the handler gave no answer");
}

/*
 * The two steps of every request, each with its JSON values in the
 * thread's arena: nothing jansson made outlives the step.
 */
static void
begin(struct server *srv, struct exchange *x)
{
	json_arena_enter();
	begin_request(srv, x);
	json_arena_leave();
}

static void
finish(struct exchange *x)
{
	json_arena_enter();
	finish_request(x);
	json_arena_leave();
}

/* Past the cap the rest is dropped: 413 once the whole body is in. */
static void
body_add(struct exchange *x, const char *data, size_t len)
{
	if (!x->rq.body.toobig)
		strbuf_add(&x->rq.body, data, len);
}

static bool
has_header(const struct http_params *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (!strcasecmp(h->items[i].name, name))
			return true;
	return false;
}

typedef void (*header_fn)(void *ctx, const char *name, const char *value);

/* Every header of the answer, in the order they are sent. */
static void
reply_headers(const struct http_response *rs, header_fn add, void *ctx)
{
	if (rs->content_type)
		add(ctx, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
	for (size_t i = 0; http_security_headers[i][0]; i++)
		add(ctx, http_security_headers[i][0],
		    http_security_headers[i][1]);
	add(ctx, "Content-Security-Policy", rs->csp ? rs->csp
						     : HTTP_CSP_DEFAULT);
	/* Everything here is private to the account: keep it off disks. */
	if (!has_header(&rs->headers, "Cache-Control"))
		add(ctx, "Cache-Control", "no-store");
	for (size_t i = 0; i < rs->headers.n; i++)
		add(ctx, rs->headers.items[i].name,
		    rs->headers.items[i].value);
}

static void
add_mhd_header(void *ctx, const char *name, const char *value)
{
	MHD_add_response_header(ctx, name, value);
}

static enum MHD_Result
respond(struct exchange *x, struct MHD_Connection *conn)
{
	struct http_response *rs = &x->rs;
	struct MHD_Response *resp;
	enum MHD_Result ret;

	x->bytes = rs->body.len;
	if (rs->body.len) {
		size_t len;
		char *buf = strbuf_detach(&rs->body, &len);

		/* The body is handed over, not copied: libmicrohttpd frees it. */
		resp = MHD_create_response_from_buffer(len, buf,
						       MHD_RESPMEM_MUST_FREE);
		if (!resp)
			free(buf);
	} else {
		resp = MHD_create_response_from_buffer(0, (void *)"",
						       MHD_RESPMEM_PERSISTENT);
	}
	if (!resp)
		return MHD_NO;
	reply_headers(rs, add_mhd_header, resp);
	x->status = rs->status;
	x->queued = true;
	ret = MHD_queue_response(conn, rs->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
handle_request(void *cls, struct MHD_Connection *conn, const char *url,
	       const char *method, const char *version,
	       const char *upload_data, size_t *upload_data_size,
	       void **con_cls)
{
	struct server *srv = cls;
	struct exchange *x = *con_cls;

	(void)url;
	(void)version;
	if (!x)
		return MHD_NO;
	if (!x->started) {
		watch_reading(srv, conn, false);
		x->started = true;
		x->rq.conn = conn;
		x->method = xstrdup(method);
		x->rq.method = x->method;
		begin(srv, x);
		return x->rs.status ? respond(x, conn) : MHD_YES;
	}
	if (*upload_data_size) {
		/* The answer (413) can only be queued once the body is in. */
		if (!x->queued)
			body_add(x, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (x->queued)
		return MHD_YES;
	finish(x);
	return respond(x, conn);
}

/*
 * The path as the log shows it: a share link's as "/share/ID" (or
 * "/share/-" when it named no link), whatever was sent after "/share/".
 */
static void
log_path(struct server *srv, struct strbuf *sb, const struct exchange *x)
{
	const char *pattern = NULL;
	size_t n;

	if (!x->rq.path) {
		strbuf_addch(sb, '-');
		return;
	}
	n = router_secret_prefix(&srv->router, x->rq.path, &pattern);
	if (!n) {
		http_log_escape(sb, x->rq.path, true);
		return;
	}
	strbuf_add(sb, pattern, n);
	if (x->rs.log_id > 0)
		strbuf_addf(sb, "%lld", x->rs.log_id);
	else
		strbuf_addch(sb, '-');
}

/* The access log line of a finished exchange. */
static void
log_exchange(struct server *srv, const struct exchange *x,
	     enum MHD_RequestTerminationCode toe)
{
	struct strbuf line = STRBUF_INIT;
	struct timespec end;
	long long us;

	if (srv->cfg.quiet)
		return;
	clock_gettime(CLOCK_MONOTONIC, &end);
	us = (long long)(end.tv_sec - x->start.tv_sec) * 1000000 +
	     (end.tv_nsec - x->start.tv_nsec) / 1000;
	/* The query is left out: it may carry a calendar token. */
	http_log_escape(&line, x->rq.addr[0] ? x->rq.addr : "-", true);
	strbuf_addch(&line, ' ');
	http_log_escape(&line, x->method ? x->method : "-", true);
	strbuf_addch(&line, ' ');
	log_path(srv, &line, x);
	if (x->status)
		strbuf_addf(&line, " %u %zu %lldus", x->status, x->bytes, us);
	else
		strbuf_addf(&line, " - 0 %lldus", us);
	if (x->by_mhd)
		strbuf_addstr(&line, " (libmicrohttpd)");
	else if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
		strbuf_addstr(&line, " (timeout)");
	else if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		strbuf_addstr(&line, " (aborted)");
	strbuf_addch(&line, '\n');
	fwrite(line.buf, 1, line.len, stderr);
	strbuf_release(&line);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct exchange *x = *con_cls;

	/* Cut off at the deadline: the socket's end was only the effect. */
	if (watch_reading(srv, conn, true))
		toe = MHD_REQUEST_TERMINATED_TIMEOUT_REACHED;
	if (!x)
		return;
	/*
	 * Answered before the access handler ran: libmicrohttpd's own 400,
	 * 413, 414, 431 or 505 to a request it could not take.
	 */
	if (!x->status) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			conn, MHD_CONNECTION_INFO_HTTP_STATUS);

		if (ci && ci->http_status) {
			x->status = ci->http_status;
			x->by_mhd = true;
		}
	}
	log_exchange(srv, x, toe);
	exchange_release(x);
	free(x);
	*con_cls = NULL;
	pthread_mutex_lock(&srv->lock);
	srv->inflight--;
	pthread_mutex_unlock(&srv->lock);
}

/* ---- without a socket ---------------------------------------------- */

static void
add_reply_header(void *ctx, const char *name, const char *value)
{
	http_params_add(ctx, name, value);
}

void
server_dispatch(struct server *srv, const struct server_call *call,
		struct server_reply *out)
{
	struct exchange x;

	exchange_init(srv, &x, call->target);
	snprintf(x.rq.addr, sizeof(x.rq.addr), "%s",
		 call->addr ? call->addr : "-");
	for (size_t i = 0; call->headers && i < call->headers->n; i++)
		http_params_add(&x.rq.headers, call->headers->items[i].name,
				call->headers->items[i].value);
	/* What libmicrohttpd does with the headers it has read. */
	http_parse_cookies(&x.rq);
	x.started = true;
	x.method = xstrdup(call->method);
	x.rq.method = x.method;

	/* As handle_request: an answer from begin means no body is read. */
	begin(srv, &x);
	if (!x.rs.status) {
		body_add(&x, call->body ? call->body : "", call->body_len);
		finish(&x);
	}
	out->status = x.rs.status;
	http_params_release(&out->headers);
	reply_headers(&x.rs, add_reply_header, &out->headers);
	x.status = x.rs.status;
	x.bytes = x.rs.body.len;
	strbuf_release(&out->body);
	out->body = x.rs.body;
	strbuf_init(&x.rs.body, 0);
	log_exchange(srv, &x, MHD_REQUEST_TERMINATED_COMPLETED_OK);
	exchange_release(&x);
}

void
server_reply_init(struct server_reply *r)
{
	memset(r, 0, sizeof(*r));
	strbuf_init(&r->body, 0);
}

void
server_reply_release(struct server_reply *r)
{
	http_params_release(&r->headers);
	strbuf_release(&r->body);
	memset(r, 0, sizeof(*r));
}

const char *
server_reply_header(const struct server_reply *r, const char *name)
{
	for (size_t i = 0; i < r->headers.n; i++)
		if (!strcasecmp(r->headers.items[i].name, name))
			return r->headers.items[i].value;
	return NULL;
}

/*
 * libmicrohttpd's messages, each kind (its format) at most once per
 * MHD_LOG_EVERY_MS, with the number left out since: a flood of refused
 * or cut-off connections must not flood the log.
 */
__attribute__((format(printf, 2, 0))) static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct server *srv = cls;
	struct strbuf sb = STRBUF_INIT, msg = STRBUF_INIT;
	struct mhd_log_kind *k = NULL;
	long long now = monotonic_ms();
	unsigned long dropped = 0;

	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < MHD_LOG_KINDS && !k; i++)
		if (!srv->log_kinds[i].fmt || srv->log_kinds[i].fmt == fmt)
			k = &srv->log_kinds[i];
	if (k && k->fmt && now - k->last < MHD_LOG_EVERY_MS) {
		k->dropped++;
		pthread_mutex_unlock(&srv->lock);
		return;
	}
	if (k) {
		k->fmt = fmt;
		k->last = now;
		dropped = k->dropped;
		k->dropped = 0;
	}
	pthread_mutex_unlock(&srv->lock);
	strbuf_vaddf(&msg, fmt, ap);
	while (msg.len && msg.buf[msg.len - 1] == '\n')
		strbuf_setlen(&msg, msg.len - 1);
	strbuf_addstr(&sb, "techwin: http: ");
	http_log_escape(&sb, msg.buf, false);
	strbuf_release(&msg);
	if (dropped)
		strbuf_addf(&sb, " (and %lu more like it before)", dropped);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, stderr);
	strbuf_release(&sb);
}

/* ---- start and stop ------------------------------------------------ */

void
server_free(struct server *srv)
{
	for (size_t i = 0; i < srv->nstores; i++)
		store_close(srv->stores[i]);
	free(srv->stores);
	router_release(&srv->router);
	if (srv->limiter)
		rate_limiter_free(srv->limiter);
	if (srv->share_limiter)
		rate_limiter_free(srv->share_limiter);
	pthread_key_delete(srv->store_key);
	pthread_mutex_destroy(&srv->lock);
	pthread_mutex_destroy(&srv->watch_lock);
	pthread_cond_destroy(&srv->watch_cond);
	free(srv);
}

/* Everything but the listener and the threads. */
static struct server *
server_create(const struct server_config *cfg)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	pthread_condattr_t ca;

	srv->cfg = *cfg;
	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->watch_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&srv->watch_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_key_create(&srv->store_key, NULL);
	router_init(&srv->router);
	/* Each part of the server adds its table here. */
	router_add(&srv->router, api_routes);
	router_add(&srv->router, admin_api_routes);
	router_add(&srv->router, import_api_routes);
	router_add(&srv->router, page_routes);	/* before login: GET /login */
	router_add(&srv->router, login_routes);
	srv->limiter = rate_limiter_new(cfg->login_attempts,
					cfg->login_window);
	srv->share_limiter = rate_limiter_new(SHARE_POSTS_MAX,
					      SHARE_POSTS_WINDOW);
	json_arena_install();
	return srv;
}

int
server_new(const struct server_config *cfg, struct store *st,
	   struct server **out, struct tw_error *err)
{
	int r;

	*out = NULL;
	if ((r = auth_init(err)) < 0)
		return r;
	*out = server_create(cfg);
	(*out)->store = st;
	return 0;
}

int
server_start(const struct server_config *cfg, struct server **out,
	     struct tw_error *err)
{
	struct MHD_OptionItem pool[] = {
		{ MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct server *srv;
	struct strbuf shown = STRBUF_INIT;
	bool loopback = false;
	int fd = -1, r;
	unsigned threads, per_address;

	*out = NULL;
	if (cfg->threads < 1 || cfg->threads > 256)
		return tw_error_set(err, TW_EUSAGE, "--threads: expected 1 to "
				    "256, got %d", cfg->threads);
	if ((r = auth_init(err)) < 0)
		return r;
	srv = server_create(cfg);
	r = open_listener(cfg->listen, &fd, &loopback, &shown, &srv->port,
			  err);
	if (r < 0) {
		server_free(srv);
		strbuf_release(&shown);
		return r;
	}
	threads = (unsigned)cfg->threads;
	/* One thread is the polling thread itself, not a pool of one. */
	if (threads > 1)
		pool[0] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
						   (intptr_t)threads, NULL };
	if (cfg->per_address >= 0)
		per_address = (unsigned)cfg->per_address;
	else
		per_address = cfg->trust_proxy ? 0 : SERVER_PER_ADDRESS;
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
		MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		MHD_OPTION_ARRAY, pool,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVER_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address,
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, srv,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, srv,
		MHD_OPTION_NOTIFY_COMPLETED, completed, srv,
		MHD_OPTION_END);
	if (!srv->daemon) {
		close(fd);
		server_free(srv);
		tw_error_set(err, TW_ESTORE, "cannot start the HTTP server on "
			     "%s", shown.buf);
		strbuf_release(&shown);
		return TW_ESTORE;
	}
	if ((r = pthread_create(&srv->watchman, NULL, watchman, srv))) {
		MHD_stop_daemon(srv->daemon);	/* closes the listener */
		server_free(srv);
		tw_error_set(err, TW_ESTORE, "cannot start the HTTP server on "
			     "%s: %s", shown.buf, strerror(r));
		strbuf_release(&shown);
		return TW_ESTORE;
	}
	if (!loopback)
		fprintf(stderr, "warning: listening on %s, which is not a "
			"loopback address: techwin does not encrypt traffic "
			"(no TLS), so passwords and data cross the network "
			"in clear; put a TLS-terminating proxy in front\n",
			shown.buf);
	fprintf(stderr, "techwin: listening on http://%s/ (%u thread%s)\n",
		shown.buf, threads, threads == 1 ? "" : "s");
	strbuf_release(&shown);
	if (cfg->port_file &&
	    (r = write_port_file(cfg->port_file, srv->port, err)) < 0) {
		server_stop(srv);
		return r;
	}
	*out = srv;
	return 0;
}

unsigned
server_port(const struct server *srv)
{
	return srv->port;
}

void
server_stop(struct server *srv)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	long waited = 0, limit = (long)srv->cfg.grace * 100;
	MHD_socket fd;

	/* Stop accepting; connections already open carry on. */
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (;;) {
		long n;

		pthread_mutex_lock(&srv->lock);
		n = srv->inflight;
		pthread_mutex_unlock(&srv->lock);
		if (!n || waited++ >= limit)
			break;
		nanosleep(&tick, NULL);
	}
	pthread_mutex_lock(&srv->watch_lock);
	srv->stopping = true;
	pthread_cond_signal(&srv->watch_cond);
	pthread_mutex_unlock(&srv->watch_lock);
	pthread_join(srv->watchman, NULL);
	MHD_stop_daemon(srv->daemon);
	server_free(srv);
}

int
server_run(const struct server_config *cfg, struct tw_error *err)
{
	struct server *srv;
	sigset_t set, old;
	int sig = 0, r;

	/*
	 * Block the signals before the workers start, so they inherit the
	 * mask and only sigwait below sees SIGINT and SIGTERM.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	signal(SIGPIPE, SIG_IGN);
	if ((r = server_start(cfg, &srv, err)) < 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return r;
	}
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "techwin: %s: finishing requests and shutting "
		"down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	server_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
