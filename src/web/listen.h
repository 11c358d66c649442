/*
 * Listening for techwin serve (server.c), apart from libmicrohttpd.
 */
#ifndef TW_WEB_LISTEN_H
#define TW_WEB_LISTEN_H

#include <stdbool.h>

#include "util/error.h"
#include "util/strbuf.h"

/*
 * Bind and listen on spec (HOST:PORT) ourselves rather than through
 * libmicrohttpd, so port 0 works (the kernel picks a free port and
 * getsockname says which) and any address family does. *loopback says
 * whether the address is a loopback one; shown gets it as HOST:PORT.
 */
int open_listener(const char *spec, int *fd_out, bool *loopback,
		  struct strbuf *shown, unsigned *port, struct tw_error *err);

/* The port, atomically: a test polling for the file never reads half. */
int write_port_file(const char *path, unsigned port, struct tw_error *err);

#endif
