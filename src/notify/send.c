/*
 * The notify module (send.h): libcurl for SMTP and HTTP(S), libsodium for
 * the webhooks' signature.
 */
#include "notify/send.h"
#include "util/strbuf.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void
init_curl(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static CURL *
new_handle(const char *protocols, struct tw_error *err)
{
	CURL *c;

	pthread_once(&curl_once, init_curl);
	if (curl_init_rc != CURLE_OK || !(c = curl_easy_init())) {
		tw_error_set(err, TW_ESTORE, "cannot start libcurl");
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)NOTIFY_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)NOTIFY_TOTAL_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	return c;
}

/* What curl said went wrong, for the message. */
static int
curl_fail(CURLcode rc, const char *errbuf, const char *what, const char *where,
	  struct tw_error *err)
{
	return tw_error_set(err, TW_ESTORE, "%s to %s failed: %s", what, where,
			    *errbuf ? errbuf : curl_easy_strerror(rc));
}

struct reader {
	const char *p;
	size_t left;
};

static size_t
read_message(char *buf, size_t size, size_t n, void *arg)
{
	struct reader *r = arg;
	size_t len = size * n < r->left ? size * n : r->left;

	memcpy(buf, r->p, len);
	r->p += len;
	r->left -= len;
	return len;
}

int
notify_smtp_send(const struct notify_smtp *s, const char *message, size_t len,
		 struct tw_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct strbuf from = STRBUF_INIT, to = STRBUF_INIT;
	struct reader rd = { message, len };
	struct curl_slist *rcpt;
	CURLcode rc;
	CURL *c;

	if (!(c = new_handle("smtp,smtps", err)))
		return TW_ESTORE;
	strbuf_addf(&from, "<%s>", s->from);
	strbuf_addf(&to, "<%s>", s->to);
	rcpt = curl_slist_append(NULL, to.buf);
	curl_easy_setopt(c, CURLOPT_URL, s->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	/* STARTTLS when the server offers it; smtps:// is TLS throughout. */
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	if (s->user && *s->user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
				 s->password ? s->password : "");
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.buf);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	strbuf_release(&from);
	if (rc != CURLE_OK) {
		curl_fail(rc, errbuf, "mail", to.buf, err);
		strbuf_release(&to);
		return TW_ESTORE;
	}
	strbuf_release(&to);
	return 0;
}

/* The answer's body is not kept. */
static size_t
discard(char *buf, size_t size, size_t n, void *arg)
{
	(void)buf, (void)arg;
	return size * n;
}

int
notify_http_post(const struct notify_post *p, struct tw_error *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct strbuf h = STRBUF_INIT;
	struct curl_slist *hdrs = NULL;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int r = 0;

	if (!(c = new_handle("http,https", err)))
		return TW_ESTORE;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "User-Agent: techwin-notify");
	strbuf_addf(&h, "X-Techwin-Delivery: %s", p->delivery_id);
	hdrs = curl_slist_append(hdrs, h.buf);
	if (p->secret) {
		char sig[NOTIFY_SIGNATURE_SIZE];

		notify_signature(p->secret, p->body, strlen(p->body), sig);
		strbuf_reset(&h);
		strbuf_addf(&h, "X-Techwin-Signature: %s", sig);
		hdrs = curl_slist_append(hdrs, h.buf);
	}
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
			 (curl_off_t)strlen(p->body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK)
		r = curl_fail(rc, errbuf, "POST", p->url, err);
	else if (status < 200 || status > 299)
		r = tw_error_set(err, TW_ESTORE, "POST to %s answered HTTP "
				 "%ld", p->url, status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	strbuf_release(&h);
	return r;
}

void
notify_signature(const char *secret, const char *body, size_t len,
		 char out[NOTIFY_SIGNATURE_SIZE])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state s;

	crypto_auth_hmacsha256_init(&s, (const unsigned char *)secret,
				    strlen(secret));
	crypto_auth_hmacsha256_update(&s, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&s, mac);
	memcpy(out, "sha256=", 7);
	sodium_bin2hex(out + 7, 65, mac, sizeof(mac));
}
