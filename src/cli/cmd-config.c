/*
 * techwin config: workspace settings stored in the database (the momentum
 * check's max_gap and half-life, workspace holidays). Only known keys, each
 * validated before it is stored, so check and plan can trust what they read.
 */
#include "cli/cli.h"
#include "cli/holidays.h"
#include "cli/workspace.h"
#include "core/commercial.h"
#include "formats/json.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The stored text of def->key, or NULL when unset (caller frees). */
static int
get_raw(struct cli_ctx *ctx, const struct setting_def *def, char **out,
	struct tw_error *err)
{
	return store_setting_get(ctx->st, def->key, out, err);
}

static void
emit(json_t *j)
{
	struct strbuf sb = STRBUF_INIT;

	json_emit(j, &sb);
	cli_write(&sb);
	strbuf_release(&sb);
}

static const struct setting_def *
one_key(int argc, char **argv, int want, const char *what,
	struct tw_error *err)
{
	if (argc != want) {
		cmd_usage_error(&cmd_config_entry, err, "config %s takes %s",
				argv[0], what);
		return NULL;
	}
	return setting_find(argv[1], err);
}

/*
 * brand.logo FILE: the image as the data: URI the setting stores. One
 * byte past the limit is enough to refuse a file too large.
 */
static int
read_logo(const char *path, char **uri, struct tw_error *err)
{
	struct strbuf img = STRBUF_INIT;
	FILE *fp = fopen(path, "rb");
	char buf[4096];
	size_t n;
	int r;

	if (!fp)
		return tw_error_set(err, TW_EINPUT,
				    "brand.logo: cannot read '%s': %s", path,
				    strerror(errno));
	while (img.len <= BRAND_LOGO_MAX &&
	       (n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&img, buf, n);
	r = ferror(fp);
	fclose(fp);
	if (r) {
		strbuf_release(&img);
		return tw_error_set(err, TW_EINPUT,
				    "brand.logo: cannot read '%s'", path);
	}
	r = workspace_logo_uri(path, (unsigned char *)img.buf, img.len, uri,
			       err);
	strbuf_release(&img);
	return r;
}

static int
config_set(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const struct setting_def *def;
	char *canon = NULL;
	int r;

	/* "--" lets a value start with '-' reach the parser and be refused. */
	if (argc > 1 && !strcmp(argv[1], "--")) {
		argc--;
		argv++;
	}
	if (argc != 3)
		return cmd_usage_error(&cmd_config_entry, err,
				       "config set takes a KEY and a VALUE");
	if (!(def = setting_find(argv[1], err)))
		return err->code;
	if (!strcmp(def->key, "brand.logo") && strncmp(argv[2], "data:", 5)) {
		char *uri;

		if ((r = read_logo(argv[2], &uri, err)) < 0)
			return r;
		r = workspace_setting_set(ctx->st, def->key, uri, &canon, err);
		free(uri);
	} else {
		r = workspace_setting_set(ctx->st, def->key, argv[2], &canon,
					  err);
	}
	if (r == 0 && ctx->json)
		emit(setting_to_json(def, canon));
	else if (r == 0)
		printf("%s = %s\n", def->key, canon);
	free(canon);
	return r;
}

static int
config_get(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const struct setting_def *def;
	char *v;
	int r;

	if ((r = cli_no_options(&cmd_config_entry, argc, argv, err)) < 0)
		return r;
	if (!(def = one_key(argc, argv, 2, "exactly one KEY", err)))
		return err->code;
	if ((r = get_raw(ctx, def, &v, err)) < 0)
		return r;
	if (ctx->json)
		emit(setting_to_json(def, v));
	else
		printf("%s\n", v ? v : def->def);
	free(v);
	return 0;
}

static int
config_unset(struct cli_ctx *ctx, int argc, char **argv,
	     struct tw_error *err)
{
	const struct setting_def *def;
	int r;

	if ((r = cli_no_options(&cmd_config_entry, argc, argv, err)) < 0)
		return r;
	if (!(def = one_key(argc, argv, 2, "exactly one KEY", err)))
		return err->code;
	if ((r = workspace_setting_set(ctx->st, def->key, NULL, NULL,
					 err)) < 0)
		return r;
	if (ctx->json)
		emit(setting_to_json(def, NULL));
	else if (*def->def)
		printf("%s unset (default %s)\n", def->key, def->def);
	else
		printf("%s unset\n", def->key);
	return 0;
}

static int
config_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "KEY", "VALUE", "SOURCE" };
	struct strbuf sb = STRBUF_INIT;
	struct table t;
	json_t *a;
	int r = 0;

	(void)argc, (void)argv;
	a = json_array();
	table_init(&t, ARRAY_SIZE(header), header);
	for (size_t i = 0; setting_defs[i].key; i++) {
		const struct setting_def *def = &setting_defs[i];
		char *v;

		if ((r = get_raw(ctx, def, &v, err)) < 0)
			break;
		json_array_append_new(a, setting_to_json(def, v));
		table_cell(&t, def->key);
		table_cell(&t, v ? v : def->def);
		table_cell(&t, v ? "set" : "default");
		free(v);
	}
	if (r == 0 && ctx->json) {
		json_emit(a, &sb);
		a = NULL;
	} else if (r == 0) {
		table_render(&t, &sb);
	}
	if (r == 0)
		cli_write(&sb);
	json_decref(a);
	table_release(&t);
	strbuf_release(&sb);
	return r;
}

/* ---- config playbook ---------------------------------------------------- */

/* The playbook in effect, as a file set takes back (or --json). */
static int
playbook_show(struct cli_ctx *ctx, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	const struct step *steps;
	struct workspace ws;
	size_t n;
	bool set;
	int r;

	if ((r = workspace_load(ctx->st, &ws, err)) < 0) {
		workspace_release(&ws);
		return r;
	}
	steps = workspace_playbook(&ws, &n, &set);
	if (ctx->json) {
		json_emit(playbook_to_json(steps, n, set), &sb);
	} else {
		strbuf_addstr(&sb, set ? "# The workspace playbook "
					 "(techwin config playbook set FILE)\n"
				       : "# The built-in default playbook: the "
					 "workspace has none of its own\n");
		plan_emit_playbook(steps, n, &sb);
	}
	cli_write(&sb);
	strbuf_release(&sb);
	workspace_release(&ws);
	return 0;
}

static int
playbook_set(struct cli_ctx *ctx, const char *file, struct tw_error *err)
{
	struct strbuf text = STRBUF_INIT;
	struct deal pb;
	int r;

	deal_init(&pb);
	r = cli_read_file(file, "a playbook file", PLAN_MAX_BYTES, &text,
			  err);
	if (r == 0)
		r = plan_parse_playbook(text.buf, text.len, file, &pb, err);
	if (r == 0 && !pb.nplaybook)
		r = tw_error_set(err, TW_EINPUT, "%s: the playbook has no "
				 "steps ('techwin config playbook reset' goes "
				 "back to the built-in default)", file);
	if (r == 0)
		r = workspace_playbook_set(ctx->st, pb.playbook, pb.nplaybook,
					   NULL, err);
	if (r == 0 && !ctx->json)
		printf("the workspace playbook has %zu step%s\n",
		       pb.nplaybook, pb.nplaybook == 1 ? "" : "s");
	else if (r == 0)
		emit(playbook_to_json(pb.playbook, pb.nplaybook, true));
	deal_release(&pb);
	strbuf_release(&text);
	return r;
}

static int
playbook_reset(struct cli_ctx *ctx, struct tw_error *err)
{
	const struct step *steps;
	size_t n;
	int r = workspace_playbook_set(ctx->st, NULL, 0, NULL, err);

	if (r < 0)
		return r;
	steps = default_playbook(&n);
	if (ctx->json)
		emit(playbook_to_json(steps, n, false));
	else
		printf("the workspace playbook is the built-in default "
		       "again\n");
	return 0;
}

/* config playbook [show], config playbook set FILE, config playbook reset */
static int
config_playbook(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	const char *sub = argc > 1 ? argv[1] : "show";
	int r;

	if ((r = cli_no_options(&cmd_config_entry, argc, argv, err)) < 0)
		return r;
	if (!strcmp(sub, "show") && argc <= 2)
		return playbook_show(ctx, err);
	if (!strcmp(sub, "set") && argc == 3)
		return playbook_set(ctx, argv[2], err);
	if (!strcmp(sub, "reset") && argc == 2)
		return playbook_reset(ctx, err);
	if (!strcmp(sub, "set"))
		return cmd_usage_error(&cmd_config_entry, err,
				       "config playbook set takes a FILE");
	if (!strcmp(sub, "show") || !strcmp(sub, "reset"))
		return cmd_usage_error(&cmd_config_entry, err,
				       "config playbook %s takes no arguments",
				       sub);
	return cmd_usage_error(&cmd_config_entry, err,
			       "unknown config playbook subcommand '%s' "
			       "(expected show, set or reset)", sub);
}

static const struct subcmd config_subs[] = {
	{ "get", config_get, 0, NULL },
	{ "holidays", cli_config_holidays, 0, NULL },
	{ "list", config_list, 0, "config list takes no arguments" },
	{ "playbook", config_playbook, 0, NULL },
	{ "set", config_set, 0, NULL },
	{ "unset", config_unset, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_config_entry = {
	.name = "config", .flags = NEED_STORE,
	.subs = config_subs,
};
