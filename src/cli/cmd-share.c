/*
 * techwin share: read-only links to a deal's mutual action plan for the
 * champion, served by techwin serve. The link's token is printed once and
 * stored only as a SHA-256 hash; a link can expire and can be revoked.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"
#include "web/auth.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_BASE_URL "http://127.0.0.1:8080"

static int
share_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *base = DEFAULT_BASE_URL, *slug, *until = NULL;
	tw_date expires = DATE_NONE;
	const struct cli_opt opts[] = {
		{ "expires", OPT_STR, &until },
		{ "base-url", OPT_STR, &base },
		{ NULL, 0, NULL },
	};
	struct store_share sh;
	char *url = NULL, day[DATE_BUFSZ];
	int r;

	r = cli_options_exact(&cmd_share_entry, argc, argv, opts, 1,
			      "share takes exactly one SLUG", err);
	if (r < 0)
		return r;
	slug = argv[optind];
	if ((r = auth_share_expires_parse(until, ctx->today, &expires,
					  err)) < 0 ||
	    (r = auth_init(err)) < 0 ||
	    (r = auth_share_make(ctx->st, slug, expires, ctx->today, base, &sh,
				 &url, err)) < 0)
		return r;
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;
		json_t *o = share_to_json(&sh, ctx->today);

		json_object_set_new(o, "url", json_string(url));
		json_emit(o, &sb);
		cli_write(&sb);
		explicit_bzero(sb.buf, sb.len);
		strbuf_release(&sb);
	} else {
		/* The note goes to stderr so $(techwin share) is the link. */
		if (expires != DATE_NONE)
			fprintf(stderr,
				"share link %lld for deal '%s', works through "
				"%s; it is shown only this once\n",
				sh.id, slug, date_format(expires, day));
		else
			fprintf(stderr,
				"share link %lld for deal '%s', works until "
				"revoked; it is shown only this once\n",
				sh.id, slug);
		printf("%s\n", url);
	}
	store_share_release(&sh);
	auth_secret_free(url);
	return 0;
}

static json_t *
share_json(const struct cli_ctx *ctx, const void *arg, size_t i)
{
	const struct store_share_list *l = arg;

	return share_to_json(&l->items[i], ctx->today);
}

static void
share_row(struct table *t, const struct cli_ctx *ctx, const void *arg,
	  size_t i)
{
	const struct store_share_list *l = arg;
	const struct store_share *sh = &l->items[i];
	char day[DATE_BUFSZ];

	table_cellf(t, "%lld", sh->id);
	table_cell(t, sh->deal);
	table_cell(t, sh->expires != DATE_NONE ? date_format(sh->expires, day)
					       : "never");
	table_cell(t, store_share_status(sh, ctx->today));
	table_cell(t, sh->created);
}

static int
share_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "ID", "DEAL", "EXPIRES",
					      "STATUS", "CREATED" };
	static const size_t right[] = { 0, SIZE_MAX };
	static const struct cli_list view = { header, ARRAY_SIZE(header),
					      right, share_json, share_row };
	const char *slug = NULL;
	struct store_share_list l;
	int r;

	if ((r = cli_no_options(&cmd_share_entry, argc, argv, err)) < 0)
		return r;
	if (argc > 2)
		return cmd_usage_error(&cmd_share_entry, err,
				       "share list takes at most one SLUG");
	if (argc == 2) {
		struct deal d;

		slug = argv[1];
		/* An unknown deal is an error, not an empty list. */
		if ((r = cli_get_deal(ctx, slug, &d, err)) < 0)
			return r;
		deal_release(&d);
	}
	if ((r = store_share_list(ctx->st, slug, &l, err)) < 0)
		return r;
	cli_print_list(ctx, &view, &l, l.n);
	store_share_list_release(&l);
	return 0;
}

static int
share_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	long long id;
	int r;

	(void)argc;
	if ((r = auth_share_id_parse(argv[1], &id, err)) < 0 ||
	    (r = auth_share_revoke(ctx->st, NULL, id, ctx->today, err)) < 0)
		return r;
	if (!ctx->json)
		printf("revoked share link %lld\n", id);
	return 0;
}

/* "add" spells the default out, for a deal named list or rm. */
static const struct subcmd subs[] = {
	{ "add", share_add, 0, NULL },
	{ "list", share_list, 0, NULL },
	{ "rm", share_rm, 1, "share rm takes exactly one ID" },
	{ NULL, NULL, 0, NULL },
};

static int
cmd_share_exec(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	const struct subcmd *s;

	if (argc < 2)
		return cmd_usage_error(&cmd_share_entry, err,
				       "share needs a SLUG or a subcommand");
	if ((s = subcmd_find(subs, argv[1])))
		return subcmd_run(&cmd_share_entry, s, ctx, argc - 1, argv + 1,
				  err);
	return share_add(ctx, argc, argv, err);
}

const struct cmd_entry cmd_share_entry = {
	.name = "share", .flags = NEED_STORE, .exec = cmd_share_exec,
};
