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

static bool
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * An http(s) URL with a host and nothing that would break the link when
 * pasted into a message: no spaces, controls, query or fragment. Trailing
 * slashes are dropped so the link has exactly one before "share".
 */
static int
parse_base_url(const char *s, char **out, struct tw_error *err)
{
	const char *host;
	size_t n = strlen(s);

	*out = NULL;
	if (has_prefix(s, "http://"))
		host = s + 7;
	else if (has_prefix(s, "https://"))
		host = s + 8;
	else
		return tw_error_set(err, TW_EINPUT,
				    "--base-url: expected an http:// or "
				    "https:// URL, got '%s'",
				    s);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '?' ||
		    *p == '#')
			return tw_error_set(err, TW_EINPUT,
					    "--base-url: '%s' has a space, a "
					    "control character, a query or a "
					    "fragment",
					    s);
	if (!*host || *host == '/')
		return tw_error_set(err, TW_EINPUT,
				    "--base-url: '%s' has no host", s);
	while (n > (size_t)(host - s) && s[n - 1] == '/')
		n--;
	*out = xstrndup(s, n);
	return 0;
}

static const char *
share_status(const struct store_share *sh, tw_date today)
{
	return sh->expires != DATE_NONE && today > sh->expires ? "expired"
							       : "active";
}

static json_t *
share_to_json(const struct store_share *sh, tw_date today)
{
	json_t *o = json_object();

	/* Never the hash: the token cannot be shown again. */
	json_object_set_new(o, "id", json_integer((json_int_t)sh->id));
	json_object_set_new(o, "deal", json_str(sh->deal));
	json_object_set_new(o, "expires", json_date(sh->expires));
	json_object_set_new(o, "status",
			    json_string(share_status(sh, today)));
	json_object_set_new(o, "created", json_str(sh->created));
	return o;
}

static int
print_json_link(struct cli_ctx *ctx, const char *slug, long long id,
		const char *url, struct tw_error *err)
{
	struct store_share_list l;
	int r;

	if ((r = store_share_list(ctx->st, slug, &l, err)) < 0)
		return r;
	for (size_t i = 0; i < l.n; i++) {
		struct strbuf sb = STRBUF_INIT;
		json_t *o;

		if (l.items[i].id != id)
			continue;
		o = share_to_json(&l.items[i], ctx->today);
		json_object_set_new(o, "url", json_string(url));
		json_emit(o, &sb);
		cli_write(&sb);
		explicit_bzero(sb.buf, sb.len);
		strbuf_release(&sb);
	}
	store_share_list_release(&l);
	return 0;
}

static int
share_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *base_text = DEFAULT_BASE_URL, *slug;
	tw_date expires = DATE_NONE;
	const struct cli_opt opts[] = {
		{ "expires", OPT_DATE, &expires },
		{ "base-url", OPT_STR, &base_text },
		{ NULL, 0, NULL },
	};
	struct strbuf url = STRBUF_INIT;
	char *base = NULL, *token = NULL, day[DATE_BUFSZ];
	long long id = 0;
	int r;

	r = cli_options_exact(&cmd_share_entry, argc, argv, opts, 1,
			      "share takes exactly one SLUG", err);
	if (r < 0)
		return r;
	slug = argv[optind];
	if (expires != DATE_NONE && expires < ctx->today)
		return tw_error_set(err, TW_EINPUT,
				    "--expires: '%s' is in the past",
				    date_format(expires, day));
	if ((r = parse_base_url(base_text, &base, err)) < 0)
		return r;
	if ((r = auth_init(err)) < 0 ||
	    (r = auth_share_add(ctx->st, slug, expires, &token, &id, err)) < 0)
		goto out;
	strbuf_addf(&url, "%s/share/%s", base, token);
	if (ctx->json) {
		r = print_json_link(ctx, slug, id, url.buf, err);
	} else {
		/* The note goes to stderr so $(techwin share) is the link. */
		if (expires != DATE_NONE)
			fprintf(stderr,
				"share link %lld for deal '%s', works through "
				"%s; it is shown only this once\n",
				id, slug, date_format(expires, day));
		else
			fprintf(stderr,
				"share link %lld for deal '%s', works until "
				"revoked; it is shown only this once\n",
				id, slug);
		printf("%s\n", url.buf);
	}
out:
	explicit_bzero(url.buf, url.len);
	strbuf_release(&url);
	auth_secret_free(token);
	free(base);
	return r;
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
	table_cell(t, share_status(sh, ctx->today));
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
	char *end;
	int r;

	(void)argc;
	errno = 0;
	id = strtoll(argv[1], &end, 10);
	if (!*argv[1] || *end || errno || id < 1)
		return tw_error_set(err, TW_EINPUT,
				    "ID: expected a share link number (see "
				    "'techwin share list'), got '%s'",
				    argv[1]);
	/* One statement: the store runs it in a transaction of its own. */
	if ((r = store_share_delete(ctx->st, id, err)) < 0)
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
