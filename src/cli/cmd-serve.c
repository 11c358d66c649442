/*
 * techwin serve: the web UI and JSON API over the same database (the
 * server itself is src/web/server.c; this parses the options).
 */
#include "cli/cli.h"
#include "web/server.h"

#include <getopt.h>
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
	return server_run(&cfg, err);
}

const struct cmd_entry cmd_serve_entry = {
	.name = "serve", .flags = NEED_STORE, .exec = cmd_serve_exec,
};
