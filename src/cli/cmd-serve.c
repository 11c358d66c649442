/*
 * techwin serve: the web UI and JSON API over the same database (the
 * server itself is src/web/server.c; this parses the options).
 */
#include "cli/cli.h"
#include "cli/notify-run.h"
#include "web/server.h"

#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum serve_opt { O_LISTEN = 256, O_THREADS, O_QUIET, O_PORT_FILE,
		 O_TRUST_PROXY, O_TIMEOUT, O_PER_ADDRESS };

/* Without an account nobody gets past the login: say how to make one. */
static void
warn_without_users(struct store *st)
{
	struct store_user_list users = { 0 };

	if (store_user_list(st, &users, NULL) == 0 && users.n == 0)
		fprintf(stderr, "warning: no users yet, so nobody can log in: "
			"add one with 'techwin user add NAME --role admin'\n");
	store_user_list_release(&users);
}

/* serve's alert sender (notify-run.h), on a thread of its own. */
struct sender {
	const char *db;
	atomic_bool stop;
};

static void *
sender_main(void *arg)
{
	struct sender *s = arg;

	notify_serve_loop(s->db, &s->stop);
	return NULL;
}

/*
 * server_run, with the sender running beside it until it returns. The
 * thread starts with SIGINT and SIGTERM blocked, so that only
 * server_run's sigwait sees them.
 */
static int
serve_with_sender(const struct server_config *cfg, struct tw_error *err)
{
	struct sender s = { cfg->db, false };
	sigset_t set, old;
	pthread_t t;
	bool started;
	int r;

	/* The sender reads notify.timezone's local time (date_local). */
	date_local_prepare();
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	started = pthread_create(&t, NULL, sender_main, &s) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!started)
		fprintf(stderr, "warning: cannot start the alert sender: "
			"run techwin notify from cron instead\n");
	r = server_run(cfg, err);
	atomic_store(&s.stop, true);
	if (started)
		pthread_join(t, NULL);
	return r;
}

static int
cmd_serve_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "port-file", required_argument, NULL, O_PORT_FILE },
		{ "trust-proxy", no_argument, NULL, O_TRUST_PROXY },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "connections-per-address", required_argument, NULL,
		  O_PER_ADDRESS },
		{ NULL, 0, NULL, 0 },
	};
	struct server_config cfg;
	char *host;
	unsigned port;
	int c, r, n;

	server_config_init(&cfg);
	cfg.db = ctx->db;
	cfg.today = ctx->today;
	cfg.today_fixed = ctx->today_fixed;
	optind = 0;
	while ((c = cli_getopt(argc, argv, opts, err)) != -1) {
		switch (c) {
		case O_LISTEN:
			/* Checked now so a typo is a usage error (exit 2). */
			if ((r = server_parse_listen(optarg, &host, &port,
						     err)) < 0)
				return r;
			free(host);
			cfg.listen = optarg;
			break;
		case O_THREADS:
			if ((r = opt_int("--threads", optarg, &n, err)) < 0)
				return r;
			if (n < 1 || n > 256)
				return tw_error_set(err, TW_EUSAGE,
						    "--threads: expected 1 to "
						    "256, got %d", n);
			cfg.threads = n;
			break;
		case O_QUIET:
			cfg.quiet = true;
			break;
		case O_PORT_FILE:
			cfg.port_file = optarg;
			break;
		case O_TRUST_PROXY:
			cfg.trust_proxy = true;
			break;
		case O_TIMEOUT:
			if ((r = opt_int("--timeout", optarg, &n, err)) < 0)
				return r;
			if (n < 1 || n > 3600)
				return tw_error_set(err, TW_EUSAGE,
						    "--timeout: expected 1 to "
						    "3600 seconds, got %d", n);
			cfg.timeout = (unsigned)n;
			break;
		case O_PER_ADDRESS:
			if ((r = opt_int("--connections-per-address", optarg,
					 &n, err)) < 0)
				return r;
			if (n < 0 || n > SERVER_CONNECTIONS)
				return tw_error_set(err, TW_EUSAGE,
						    "--connections-per-address"
						    ": expected 0 (no limit) "
						    "to %d, got %d",
						    SERVER_CONNECTIONS, n);
			cfg.per_address = n;
			break;
		default:
			return c;
		}
	}
	if (optind != argc)
		return cmd_usage_error(&cmd_serve_entry, err,
				       "serve takes no arguments, got '%s'",
				       argv[optind]);
	warn_without_users(ctx->st);
	return serve_with_sender(&cfg, err);
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve", .flags = NEED_STORE, .exec = cmd_serve_exec,
};
