/*
 * Cross-site writes (csrf.h): Sec-Fetch-Site, else Origin against the
 * Host this server was asked as.
 */
#include "web/csrf.h"
#include "web/server.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

bool
csrf_safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") ||
	       !strcmp(m, "OPTIONS");
}

/* The length of host[:port] without the scheme's default port. */
static size_t
authority_len(const char *a, size_t len, const char *default_port)
{
	size_t p = strlen(default_port);

	if (len > p && a[len - p - 1] == ':' &&
	    !memcmp(a + len - p, default_port, p))
		return len - p - 1;
	return len;
}

/* The authority this server was asked as, and its length. */
static const char *
own_authority(const struct http_request *rq, size_t *len)
{
	const char *host = http_header(rq, "Host");
	const char *fwd = rq->cfg && rq->cfg->trust_proxy
				  ? http_header(rq, "X-Forwarded-Host")
				  : NULL;

	if (fwd && *fwd) {
		const char *last = strrchr(fwd, ',');

		host = last ? last + 1 : fwd;
	}
	if (!host)
		return NULL;
	while (*host == ' ' || *host == '\t')
		host++;
	*len = strlen(host);
	while (*len && (host[*len - 1] == ' ' || host[*len - 1] == '\t'))
		(*len)--;
	return *len ? host : NULL;
}

void
csrf_own_origin(const struct http_request *rq, struct strbuf *out)
{
	size_t n = 0;
	const char *host = own_authority(rq, &n);

	strbuf_addstr(out, rq->tls ? "https://" : "http://");
	if (host)
		strbuf_add(out, host, n);
	else
		strbuf_addstr(out, rq->cfg && rq->cfg->listen ? rq->cfg->listen
							    : "localhost");
}

/* Origin is exactly scheme://authority of this server. */
static bool
same_origin(const struct http_request *rq, const char *origin)
{
	const char *own, *auth, *port;
	size_t own_len, n;

	if (!strncasecmp(origin, "https://", 8)) {
		auth = origin + 8;
		port = "443";
	} else if (!strncasecmp(origin, "http://", 7) && !rq->tls) {
		auth = origin + 7;
		port = "80";
	} else {
		return false;	/* "null", another scheme, http behind TLS */
	}
	if (!(own = own_authority(rq, &own_len)))
		return false;
	n = strlen(auth);
	if (!n || strpbrk(auth, "/?#@ \t"))
		return false;
	n = authority_len(auth, n, port);
	own_len = authority_len(own, own_len, port);
	return n == own_len && !strncasecmp(auth, own, n);
}

const char *
csrf_cross_site(const struct http_request *rq)
{
	const char *authz = http_header(rq, "Authorization");
	const char *site = http_header(rq, "Sec-Fetch-Site");
	const char *origin = http_header(rq, "Origin");

	if (!rq->method || csrf_safe_method(rq->method))
		return NULL;
	/* Basic credentials a browser may add by itself; a bearer never. */
	if (authz && !strncasecmp(authz, "Bearer ", 7))
		return NULL;
	if (site) {
		if (!strcasecmp(site, "same-origin") || !strcasecmp(site, "none"))
			return NULL;
		return "a write from another site (Sec-Fetch-Site is not "
		       "same-origin) is refused";
	}
	if (origin && !same_origin(rq, origin))
		return "a write from another site (Origin is not this server) "
		       "is refused";
	return NULL;
}
