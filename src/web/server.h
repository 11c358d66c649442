/*
 * techwin serve: libmicrohttpd in thread-pool mode with epoll, one store
 * connection per worker thread, the limits every request must stay within,
 * authentication and CSRF checks before a route's handler runs, an access
 * log line per request, and a clean shutdown on SIGINT or SIGTERM.
 */
#ifndef TW_SERVER_H
#define TW_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "util/error.h"
#include "util/strbuf.h"
#include "web/http.h"

struct server_config {
	const char *db;		/* the store each worker thread opens */
	const char *listen;	/* "127.0.0.1:8080", "[::1]:0", ... */
	int threads;		/* worker threads */
	bool quiet;		/* no access log */
	/*
	 * Behind a TLS-terminating proxy: believe X-Forwarded-Proto (for
	 * the Secure cookie flag), X-Forwarded-For (the client address
	 * that login attempts are counted by) and X-Forwarded-Host (the
	 * host that Origin is checked against, csrf.h).
	 */
	bool trust_proxy;
	/*
	 * Seconds a connection may sit idle, and may take to send a
	 * request's line and headers however slowly it sends them.
	 */
	unsigned timeout;
	/*
	 * Connections open at once from one address; 0: no limit;
	 * -1: SERVER_PER_ADDRESS, or no limit with trust_proxy (every
	 * connection then comes from the proxy).
	 */
	int per_address;
	size_t body_max;	/* bytes of request body */
	size_t upload_max;	/* ... of an upload route's (ROUTE_UPLOAD) */
	const char *port_file;	/* write the bound port here */
	tw_date today;		/* when today_fixed, else the clock */
	bool today_fixed;
	long long session_ttl;	/* seconds a login lasts */
	unsigned grace;		/* seconds to finish requests at exit */
	int login_attempts;	/* failed logins per address (an
				 * account: RL_ACCOUNT_FACTOR times) ... */
	int login_window;	/* ... per this many seconds */
};

/* Connections open at once, in all and (by default) from one address. */
#define SERVER_CONNECTIONS 512
#define SERVER_PER_ADDRESS 32

/* The defaults: 127.0.0.1:8080, 4 threads, 30 s timeout, 1 MiB bodies. */
void server_config_init(struct server_config *cfg);

/*
 * "HOST:PORT" or "[IPV6]:PORT" into *host (caller frees) and *port;
 * TW_EUSAGE for anything else (a port past 65535, no port, no host).
 */
int server_parse_listen(const char *s, char **host, unsigned *port,
			struct tw_error *err);

struct server;

/*
 * Listen and start the worker threads. Prints where it listens on stderr
 * (and the port to cfg->port_file), with a warning when the address is
 * not a loopback one: techwin does not encrypt traffic.
 */
int server_start(const struct server_config *cfg, struct server **out,
		 struct tw_error *err);
unsigned server_port(const struct server *srv);
/*
 * Stop accepting connections, give requests in flight cfg->grace seconds
 * to finish, stop the threads and close every store connection.
 */
void server_stop(struct server *srv);

/* server_start, wait for SIGINT or SIGTERM, server_stop. */
int server_run(const struct server_config *cfg, struct tw_error *err);

/*
 * A server without a socket, for server_dispatch() (the HTTP fuzzer and
 * tests): no listener and no threads; every request uses st (borrowed).
 * server_free() frees it (and a started server's store connections).
 */
int server_new(const struct server_config *cfg, struct store *st,
	       struct server **out, struct tw_error *err);
void server_free(struct server *srv);

/* A request as read off a connection. */
struct server_call {
	const char *method;
	const char *target;	/* the path and query string as sent */
	const struct http_params *headers;	/* names as sent, in order */
	const char *body;
	size_t body_len;
	const char *addr;	/* the peer's address; NULL: unknown */
};

/* The answer as it would be sent (libmicrohttpd drops a HEAD's body). */
struct server_reply {
	unsigned status;
	struct http_params headers;	/* every header, in order */
	struct strbuf body;
};

void server_reply_init(struct server_reply *r);
void server_reply_release(struct server_reply *r);
/* A header of the reply (case-insensitive name), or NULL. */
const char *server_reply_header(const struct server_reply *r,
				const char *name);

/*
 * Answer call as the libmicrohttpd callbacks answer a request once it is
 * read, through the same code: the limits (414, 431, 413), the query
 * string, routing, the refusal of cross-site writes (csrf.h),
 * authentication (bearer token, ?token=, session cookie), the role, the
 * CSRF check of cookie-authenticated writes, the handler, the headers
 * every answer carries and the access log line.
 * out must have been initialised; its old contents are replaced.
 */
void server_dispatch(struct server *srv, const struct server_call *call,
		     struct server_reply *out);

#endif
