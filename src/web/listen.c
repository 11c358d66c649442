/*
 * techwin serve (server.c): listening, open_listener and the port
 * file. server_parse_listen itself is in server.h.
 */
#include "web/listen.h"
#include "web/server.h"
#include "util/xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
server_parse_listen(const char *s, char **host, unsigned *port,
		    struct tw_error *err)
{
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	unsigned long v;

	*host = NULL;
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			goto bad;
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			goto bad;
		hlen = (size_t)(colon - s);
		/* An IPv6 address needs brackets: "::1:80" is ambiguous. */
		if (memchr(s, ':', hlen))
			goto bad;
	}
	if (!hlen || colon[1] < '0' || colon[1] > '9')
		goto bad;
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (*end || errno || v > 65535)
		goto bad;
	*host = xstrndup(h, hlen);
	*port = (unsigned)v;
	return 0;
bad:
	return tw_error_set(err, TW_EUSAGE,
			    "--listen: expected HOST:PORT or [IPV6]:PORT, "
			    "got '%s'",
			    s);
}

static bool
is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)sa;
		const unsigned char *b = in6->sin6_addr.s6_addr;

		if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			return true;
		return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && b[12] == 127;
	}
	return false;
}

/* "127.0.0.1:8080" or "[::1]:8080" for a bound address. */
static void
format_addr(const struct sockaddr *sa, struct strbuf *out, unsigned *port)
{
	char buf[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
			(const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof(buf));
		*port = ntohs(in6->sin6_port);
		strbuf_addf(out, "[%s]:%u", buf, *port);
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, buf, sizeof(buf));
		*port = ntohs(in->sin_port);
		strbuf_addf(out, "%s:%u", buf, *port);
	}
}

/* Without libmicrohttpd, so port 0 and any address family work. */
int
open_listener(const char *spec, int *fd_out, bool *loopback,
	      struct strbuf *shown, unsigned *port, struct tw_error *err)
{
	struct addrinfo hints = { 0 }, *res = NULL, *ai;
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	char portbuf[16];
	char *host;
	unsigned p;
	int fd = -1, rc, saved = 0;

	if ((rc = server_parse_listen(spec, &host, &p, err)) < 0)
		return rc;
	snprintf(portbuf, sizeof(portbuf), "%u", p);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, portbuf, &hints, &res);
	if (rc) {
		tw_error_set(err, TW_EUSAGE, "--listen: cannot resolve '%s': "
			     "%s", host, gai_strerror(rc));
		free(host);
		return TW_EUSAGE;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		int one = 1;

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (ai->ai_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				   sizeof(one));
		if (!bind(fd, ai->ai_addr, ai->ai_addrlen) &&
		    !listen(fd, 128))
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		tw_error_set(err, TW_ESTORE, "cannot listen on '%s': %s", spec,
			     strerror(saved));
		free(host);
		return TW_ESTORE;
	}
	free(host);
	/* The workers share the socket: accept must not block them. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	getsockname(fd, (struct sockaddr *)&ss, &sslen);
	*loopback = is_loopback((struct sockaddr *)&ss);
	format_addr((struct sockaddr *)&ss, shown, port);
	*fd_out = fd;
	return 0;
}

/* The port, atomically: a test polling for the file never reads half. */
int
write_port_file(const char *path, unsigned port, struct tw_error *err)
{
	struct strbuf tmp = STRBUF_INIT;
	FILE *fp;
	int ok;

	strbuf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fp = fopen(tmp.buf, "w");
	if (!fp) {
		tw_error_set(err, TW_EUSAGE, "--port-file: cannot write '%s': "
			     "%s", path, strerror(errno));
		strbuf_release(&tmp);
		return TW_EUSAGE;
	}
	ok = fprintf(fp, "%u\n", port) > 0;
	ok = !fclose(fp) && ok;
	if (!ok || rename(tmp.buf, path) < 0) {
		tw_error_set(err, TW_EUSAGE, "--port-file: cannot write '%s': "
			     "%s", path, strerror(errno));
		unlink(tmp.buf);
		strbuf_release(&tmp);
		return TW_EUSAGE;
	}
	strbuf_release(&tmp);
	return 0;
}

