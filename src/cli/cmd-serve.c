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
		 O_TRUST_PROXY, O_TIMEOUT };

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
	.name = "serve",
	.usage = "serve [--listen HOST:PORT] [--threads N] [--quiet] "
		 "[--port-file FILE]\n"
		 "      [--trust-proxy] [--timeout SECONDS]",
	.summary = "serve the web UI and the JSON API",
	.help =
	"Serves the pipeline to a browser and the JSON API under /api (see\n"
	"docs/api.md) from the database given by --db. Every page and route\n"
	"needs a login (techwin user add) or an API token (techwin token\n"
	"add); viewers can read, editors and admins can change deals.\n"
	"\n"
	"  --listen HOST:PORT  where to listen (default 127.0.0.1:8080;\n"
	"                      [::1]:8080 for IPv6). Port 0 takes a free\n"
	"                      port; the address is printed on stderr.\n"
	"                      techwin does not do TLS: an address that is\n"
	"                      not loopback prints a warning, and belongs\n"
	"                      behind a TLS-terminating proxy\n"
	"  --threads N         worker threads, 1 to 256 (default 4); each\n"
	"                      has its own database connection\n"
	"  --quiet             no access log; otherwise each request writes\n"
	"                      'ADDRESS METHOD PATH STATUS BYTES TIMEus' to\n"
	"                      stderr (the query string is never logged)\n"
	"  --port-file FILE    write the bound port to FILE once listening\n"
	"  --trust-proxy       behind a proxy: X-Forwarded-Proto: https marks\n"
	"                      the session cookie Secure, and the last\n"
	"                      X-Forwarded-For address is the client's (for\n"
	"                      the login attempt limit)\n"
	"  --timeout SECONDS   close a connection idle this long (default\n"
	"                      30)\n"
	"\n"
	"Limits: a request body over 1 MiB is answered 413, a request\n"
	"target over 8 KiB 414, headers over 16 KiB (or 100 of them) 431.\n"
	"Five failed logins from one address within 5 minutes block it for\n"
	"the rest of that time (429). A session lasts 12 hours.\n"
	"\n"
	"SIGINT or SIGTERM stops accepting connections, lets requests in\n"
	"flight finish (up to 10 seconds), closes the database and exits 0.\n"
	"With --today (or TECHWIN_TODAY) every request is computed as of that\n"
	"date; otherwise as of the server's clock on each request.\n",
	.flags = NEED_STORE,
	.exec = cmd_serve_exec,
};
