/*
 * techwin history [SLUG]: the append-only record of every change.
 */
#include "cli/cli.h"
#include "formats/json.h"

#include <getopt.h>
#include <stdlib.h>

static int
cmd_history_exec(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	struct history_list list = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *slug = NULL;
	int r, limit = 0;
	const struct cli_opt opts[] = {
		{ "limit", OPT_INT, &limit },
		{ NULL, 0, NULL },
	};
	size_t from = 0;

	if ((r = cli_options(argc, argv, opts, err)) < 0)
		return r;
	if (optind < argc - 1)
		return cmd_usage_error(&cmd_history_entry, err,
				       "history takes at most one SLUG");
	if (optind == argc - 1)
		slug = argv[optind];
	if ((r = store_history(ctx->st, slug, &list, err)) < 0)
		return r;
	if (limit > 0 && list.n > (size_t)limit)
		from = list.n - (size_t)limit;
	if (ctx->json) {
		json_t *a = json_array();

		for (size_t i = from; i < list.n; i++)
			json_array_append_new(a,
					      history_entry_to_json(&list.items[i]));
		json_emit(a, &sb);
	} else {
		for (size_t i = from; i < list.n; i++) {
			const struct history_entry *h = &list.items[i];

			/* A setting, user or token: no deal. */
			strbuf_addf(&sb, "%s  %s  %s", h->at, h->actor,
				    *h->deal ? h->deal : "(workspace)");
			if (h->key && *h->key)
				strbuf_addf(&sb, " %s '%s'", h->entity, h->key);
			else if (h->entity && *h->entity)
				strbuf_addf(&sb, " %s", h->entity);
			if (h->field && !(h->field[0] == '*' && !h->field[1]))
				strbuf_addf(&sb, " %s: %s -> %s", h->field,
					    h->old_value ? h->old_value : "(none)",
					    h->new_value ? h->new_value : "(none)");
			else
				strbuf_addf(&sb, " %s",
					    h->new_value ? "created" : "deleted");
			strbuf_addch(&sb, '\n');
		}
	}
	cli_write(&sb);
	strbuf_release(&sb);
	history_list_release(&list);
	return 0;
}

const struct cmd_entry cmd_history_entry = {
	.name = "history", .flags = NEED_STORE, .exec = cmd_history_exec,
};
