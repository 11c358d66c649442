/*
 * bench/static-mhd: the baseline of the serve benchmark (BENCHMARKS.md). A
 * 200-byte static body from libmicrohttpd started the way techwin serve
 * starts it (src/web/server.c: an internal polling thread, epoll, a thread
 * pool, the same connection memory, limit and timeout), so the ratio
 * techwin/static measures what techwin's request path adds on top of the
 * HTTP library: routing, authentication, the database read and the JSON.
 *
 * usage: static-mhd PORT_FILE [THREADS [BYTES]]; listens on 127.0.0.1,
 * an ephemeral port written to PORT_FILE, until SIGINT or SIGTERM. BYTES
 * (default 200) sizes the body: the pages benchmark compares a page with
 * a static asset of its size.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* As src/web/server.c. */
#define CONNECTION_MEMORY (64 * 1024)
#define CONNECTION_LIMIT 512
#define TIMEOUT 30

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * A JSON body of exactly size bytes (200 by default), copied into each
 * response: techwin too makes a fresh body per request (and hands it
 * over with MUST_FREE).
 */
static char *body;
static size_t size = 200;

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload,
       size_t *upload_size, void **con_cls)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	(void)cls;
	(void)url;
	(void)method;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)con_cls;
	resp = MHD_create_response_from_buffer(size, body,
					       MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return ret;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);
	unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : 4;
	struct MHD_Daemon *d;
	FILE *fp;
	int fd, one = 1;

	if (argc < 2) {
		fputs("usage: static-mhd PORT_FILE [THREADS [BYTES]]\n", stderr);
		return 2;
	}
	if (argc > 3 && atol(argv[3]) >= 16)
		size = (size_t)atol(argv[3]);
	body = malloc(size);
	if (!body)
		return 1;
	memset(body, 'x', size);
	memcpy(body, "{\"static\":\"", 11);
	memcpy(body + size - 2, "\"}", 2);

	fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 128) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		perror("static-mhd: listen");
		return 1;
	}
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				     MHD_USE_ITC | MHD_USE_ERROR_LOG,
			     0, NULL, NULL, answer, NULL,
			     MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
			     MHD_OPTION_THREAD_POOL_SIZE, threads,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			     (size_t)CONNECTION_MEMORY,
			     MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)CONNECTION_LIMIT,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)TIMEOUT,
			     MHD_OPTION_END);
	if (!d) {
		fputs("static-mhd: cannot start the daemon\n", stderr);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fp = fopen(argv[1], "w");
	if (!fp || fprintf(fp, "%d\n", ntohs(sa.sin_port)) < 0 || fclose(fp)) {
		perror("static-mhd: port file");
		MHD_stop_daemon(d);
		return 1;
	}
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	return 0;
}
