/*
 * The sending side of alerts, shared by techwin notify and serve's
 * background sender: queue each subscription's digest and each webhook's
 * events as deliveries, then send what is due through the notify module.
 * A delivery is marked sending before the network call and sent after,
 * each in a transaction of its own, so a process killed while sending
 * sends it again at most once, with the same delivery id.
 */
#ifndef TW_CLI_NOTIFY_RUN_H
#define TW_CLI_NOTIFY_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "core/date.h"
#include "store/notify.h"
#include "store/store.h"
#include "util/error.h"

/* Retries wait 1 min, 2, 4... at most this long; a day on, it failed. */
#define NOTIFY_BACKOFF_MAX (6 * 3600)
#define NOTIFY_GIVE_UP (24 * 3600)

/* The notify.* settings, and the SMTP password (never in the database). */
struct notify_settings {
	char *smtp_url, *smtp_user, *smtp_password, *from, *base_url;
	char *digest_at, *timezone;
};
int notify_settings_load(struct store *st, struct notify_settings *ns,
			 struct tw_error *err);
void notify_settings_release(struct notify_settings *ns);
/* TW_EINPUT naming what to set when mail cannot be sent. */
int notify_settings_mail_ok(const struct notify_settings *ns,
			    struct tw_error *err);

struct notify_report {
	size_t queued;		/* deliveries queued by this run */
	size_t sent;
	size_t retry;		/* failed, queued for another try */
	size_t failed;		/* failed for good (a day of tries) */
};

/*
 * Queue in one transaction: each subscription's digest of the errors new
 * since its last one (when only_due, only those not yet made on today,
 * the day in notify.timezone), and every webhook's events since its
 * last. dry_run: print what would be queued to out, and roll back.
 */
int notify_queue(struct store *st, const struct notify_settings *ns,
		 tw_date today, bool digests, bool only_due, bool dry_run,
		 FILE *out, struct notify_report *rep, struct tw_error *err);

/*
 * Send the deliveries due at now (all queued ones when now is 0, as
 * techwin notify does), each marked sending first. out (may be NULL)
 * gets a line per delivery. Stops early when *stop becomes true.
 */
int notify_send_due(struct store *st, const struct notify_settings *ns,
		    time_t now, FILE *out, const atomic_bool *stop,
		    struct notify_report *rep, struct tw_error *err);

/* Send one test message to a webhook name or an e-mail address. */
int notify_send_test(struct store *st, const struct notify_settings *ns,
		     const char *target, struct tw_error *err);

/*
 * serve's background sender: opens its own connection to db and, every
 * few seconds until *stop, queues the webhooks' events and sends what is
 * due; on business days at notify.digest_at it queues the digests.
 */
void notify_serve_loop(const char *db, const atomic_bool *stop);

#endif
