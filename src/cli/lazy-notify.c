/*
 * The stand-ins for the notify module's functions (notify/send.c):
 * sending mail and webhooks with libcurl. Only techwin notify and serve's
 * sender, and only when there is something to send, load it.
 */
#include "cli/module.h"
#include "notify/send.h"

#define FNS(X) X(notify_smtp_send) X(notify_http_post) X(notify_signature)

MODULE_DEFINE(notify, "notify", "sending alerts", FNS);

int
notify_smtp_send(const struct notify_smtp *s, const char *message, size_t len,
		 struct tw_error *err)
{
	int r = module_load(&notify, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(notify, notify_smtp_send)(s, message, len, err);
}

int
notify_http_post(const struct notify_post *p, struct tw_error *err)
{
	int r = module_load(&notify, err);

	if (r < 0)
		return r;
	return MODULE_LOADED(notify, notify_http_post)(p, err);
}

void
notify_signature(const char *secret, const char *body, size_t len,
		 char out[NOTIFY_SIGNATURE_SIZE])
{
	MODULE_CALL(notify, notify_signature)(secret, body, len, out);
}
