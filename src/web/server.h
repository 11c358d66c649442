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

struct server_config {
	const char *db;		/* the store each worker thread opens */
	const char *listen;	/* "127.0.0.1:8080", "[::1]:0", ... */
	int threads;		/* worker threads */
	bool quiet;		/* no access log */
	/*
	 * Behind a TLS-terminating proxy: believe X-Forwarded-Proto (for
	 * the Secure cookie flag) and X-Forwarded-For (the client address
	 * that login attempts are counted by).
	 */
	bool trust_proxy;
	unsigned timeout;	/* seconds a connection may sit idle */
	size_t body_max;	/* bytes of request body */
	const char *port_file;	/* write the bound port here */
	tw_date today;		/* when today_fixed, else the clock */
	bool today_fixed;
	long long session_ttl;	/* seconds a login lasts */
	unsigned grace;		/* seconds to finish requests at exit */
	int login_attempts;	/* failed logins per address ... */
	int login_window;	/* ... per this many seconds */
};

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

#endif
