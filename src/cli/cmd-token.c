/*
 * techwin token: API bearer tokens for scripts and calendar apps that talk
 * to techwin serve. A token acts as its user; it is printed once when made
 * and stored only as a SHA-256 hash.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "util/xalloc.h"
#include "web/auth.h"

#include <getopt.h>
#include <string.h>

static int
token_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *user = NULL, *name;
	const struct cli_opt opts[] = {
		{ "user", OPT_STR, &user },
		{ NULL, 0, NULL },
	};
	struct store_token_list tl;
	char *token;
	int r;

	r = cli_options_exact(&cmd_token_entry, argc, argv, opts, 1,
			      "token add takes exactly one NAME", err);
	if (r < 0)
		return r;
	if (!user)
		return cmd_usage_error(&cmd_token_entry, err,
				       "token add needs --user USER");
	name = argv[optind];
	if ((r = auth_init(err)) < 0 ||
	    (r = auth_token_add(ctx->st, name, user, &token, err)) < 0)
		return r;
	if (!ctx->json) {
		/* The note goes to stderr so $(techwin token add) is the token. */
		fprintf(stderr,
			"added token '%s' for user '%s'; it is shown only "
			"this once (techwin keeps only its hash)\n",
			name, user);
		printf("%s\n", token);
		auth_secret_free(token);
		return 0;
	}
	if ((r = store_token_list(ctx->st, &tl, err)) < 0) {
		auth_secret_free(token);
		return r;
	}
	for (size_t i = 0; i < tl.n; i++) {
		const struct store_token *t = &tl.items[i];
		struct strbuf sb = STRBUF_INIT;
		json_t *o;

		if (strcmp(t->name, name))
			continue;
		o = json_object();
		json_object_set_new(o, "name", json_str(t->name));
		json_object_set_new(o, "user", json_str(t->user));
		json_object_set_new(o, "token", json_str(token));
		json_object_set_new(o, "created", json_str(t->created));
		json_emit(o, &sb);
		cli_write(&sb);
		/* The JSON text held the token too. */
		explicit_bzero(sb.buf, sb.len);
		strbuf_release(&sb);
	}
	store_token_list_release(&tl);
	auth_secret_free(token);
	return 0;
}

static json_t *
token_json(const struct cli_ctx *ctx, const void *arg, size_t i)
{
	const struct store_token_list *tl = arg;
	(void)ctx;
	return token_to_json(&tl->items[i]);
}

static void
token_row(struct table *tb, const struct cli_ctx *ctx, const void *arg,
	  size_t i)
{
	const struct store_token_list *tl = arg;
	const struct store_token *t = &tl->items[i];

	(void)ctx;
	table_cell(tb, t->name);
	table_cell(tb, t->user);
	table_cell(tb, t->created);
}

static int
token_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "NAME", "USER", "CREATED" };
	static const struct cli_list view = { header, ARRAY_SIZE(header), NULL,
					      token_json, token_row };
	struct store_token_list tl;
	int r;

	(void)argc, (void)argv;
	if ((r = store_token_list(ctx->st, &tl, err)) < 0)
		return r;
	cli_print_list(ctx, &view, &tl, tl.n);
	store_token_list_release(&tl);
	return 0;
}

static int
token_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	int r;

	(void)argc;
	/* One statement: the store runs it in a transaction of its own. */
	if ((r = store_token_delete(ctx->st, argv[1], err)) < 0)
		return r;
	if (!ctx->json)
		printf("removed token '%s'; it no longer works\n", argv[1]);
	return 0;
}

static const struct subcmd subs[] = {
	{ "add", token_add, 0, NULL },
	{ "list", token_list, 0, "token list takes no arguments" },
	{ "rm", token_rm, 1, "token rm takes exactly one NAME" },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_token_entry = {
	.name = "token", .flags = NEED_STORE,
	.subs = subs,
};
