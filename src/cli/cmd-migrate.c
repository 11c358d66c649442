/*
 * techwin migrate --from SRC --to DST: move a whole workspace from one
 * database to another, an SE's SQLite file into the team's PostgreSQL
 * database or back. The rows are copied by the store (store/copy.c) in one
 * transaction on the target; before it commits, this command checks the
 * copy the way a person would: every deal's plan file (techwin export) and
 * the deal list (deal list --json) and history (history --json) must read
 * the same from both databases.
 */
#include "cli/cli.h"
#include "formats/json.h"
#include "formats/plan.h"
#include "store/copy.h"
#include "store/store-pg.h"
#include "util/xalloc.h"

#include <getopt.h>
#include <stdbool.h>
#include <string.h>

/* What a list of deals and the history look like as --json output. */
static int
list_json(struct store *st, struct strbuf *deals, struct strbuf *history,
	  struct deal_list *out, struct tw_error *err)
{
	struct history_list h;
	json_t *a;
	int r;

	if ((r = store_deal_list(st, out, err)) < 0)
		return r;
	a = json_array();
	for (size_t i = 0; i < out->n; i++)
		json_array_append_new(a, deal_to_json(&out->items[i]));
	json_emit(a, deals);
	if ((r = store_history(st, NULL, &h, err)) < 0)
		return r;
	a = json_array();
	for (size_t i = 0; i < h.n; i++)
		json_array_append_new(a, history_entry_to_json(&h.items[i]));
	json_emit(a, history);
	history_list_release(&h);
	return 0;
}

/* The plan file of each deal, read from from and from to, must match. */
static int
same_exports(struct store *from, struct store *to,
	     const struct deal_list *list, struct tw_error *err)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	int r = 0;

	for (size_t i = 0; i < list->n && !r; i++) {
		const char *slug = list->items[i].slug;
		struct deal da, db;

		deal_init(&da);
		deal_init(&db);
		r = store_deal_get(from, slug, &da, err);
		if (!r)
			r = store_deal_get(to, slug, &db, err);
		if (!r) {
			strbuf_reset(&a);
			strbuf_reset(&b);
			plan_emit(&da, &a);
			plan_emit(&db, &b);
			if (strcmp(a.buf, b.buf))
				r = tw_error_set(err, TW_ESTORE,
						 "copy differs from the "
						 "source: the export of deal "
						 "'%s'",
						 slug);
		}
		deal_release(&da);
		deal_release(&db);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	return r;
}

static int
verify_copy(struct store *from, struct store *to, void *arg,
	    struct tw_error *err)
{
	struct strbuf da = STRBUF_INIT, db = STRBUF_INIT;
	struct strbuf ha = STRBUF_INIT, hb = STRBUF_INIT;
	struct deal_list la = { 0 }, lb = { 0 };
	int r;

	(void)arg;
	r = list_json(from, &da, &ha, &la, err);
	if (!r)
		r = list_json(to, &db, &hb, &lb, err);
	if (!r && strcmp(da.buf, db.buf))
		r = tw_error_set(err, TW_ESTORE,
				 "copy differs from the source: the deal list");
	if (!r && strcmp(ha.buf, hb.buf))
		r = tw_error_set(err, TW_ESTORE,
				 "copy differs from the source: the history");
	if (!r)
		r = same_exports(from, to, &la, err);
	deal_list_release(&la);
	deal_list_release(&lb);
	strbuf_release(&da);
	strbuf_release(&db);
	strbuf_release(&ha);
	strbuf_release(&hb);
	return r;
}

static void
print_report(const struct cli_ctx *ctx, const char *from, const char *to,
	     const struct store_copy_counts *n)
{
	struct strbuf sb = STRBUF_INIT;

	if (ctx->json) {
		const struct {
			const char *key;
			size_t n;
		} counts[] = {
			{ "deals", n->deals },
			{ "history", n->history },
			{ "settings", n->settings },
			{ "users", n->users },
			{ "tokens", n->tokens },
			{ "shares", n->shares },
		};
		json_t *o = json_object();

		json_object_set_new(o, "from", json_str(from));
		json_object_set_new(o, "to", json_str(to));
		for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
			json_int_t v = (json_int_t)counts[i].n;

			json_object_set_new(o, counts[i].key, json_integer(v));
		}
		json_object_set_new(o, "verified", json_true());
		json_emit(o, &sb);
	} else {
		strbuf_addf(&sb,
			    "migrated '%s' to '%s': %zu deals, %zu history "
			    "rows, %zu settings, %zu users, %zu tokens, %zu "
			    "share links (verified)\n",
			    from, to, n->deals, n->history, n->settings,
			    n->users, n->tokens, n->shares);
	}
	cli_write(&sb);
	strbuf_release(&sb);
}

static int
cmd_migrate_exec(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	const char *from = ctx->db, *to = NULL;
	struct store *src = NULL, *dst = NULL;
	struct store_copy_counts n;
	char from_shown[1024], to_shown[1024];
	bool force = false;
	const struct cli_opt opts[] = {
		{ "from", OPT_STR, &from },
		{ "to", OPT_STR, &to },
		{ "force", OPT_FLAG, &force },
		{ NULL, 0, NULL },
	};
	int r;

	r = cli_options_exact(&cmd_migrate_entry, argc, argv, opts, 0,
			      "migrate takes no arguments (use --from and "
			      "--to)", err);
	if (r < 0)
		return r;
	if (!from || !*from)
		return cmd_usage_error(&cmd_migrate_entry, err,
				       "migrate needs --from DATABASE");
	if (to && !strcmp(from, to))
		return cmd_usage_error(&cmd_migrate_entry, err,
				       "--from and --to name the same "
				       "database");
	/*
	 * The source first: like every command that reads the database, a
	 * missing one is the error to report (exit 4), before a missing --to.
	 */
	r = store_open(&src, from, STORE_OPEN_EXISTING, ctx->actor, err);
	if (r < 0)
		return r;
	if (!to || !*to) {
		store_close(src);
		return cmd_usage_error(&cmd_migrate_entry, err,
				       "migrate needs --to DATABASE");
	}
	/* Passwords in URLs stay out of messages and output. */
	store_location_redact(from, from_shown, sizeof(from_shown));
	store_location_redact(to, to_shown, sizeof(to_shown));
	r = store_open(&dst, to, STORE_CREATE, ctx->actor, err);
	if (r == 0)
		r = store_copy(src, dst, force, verify_copy, NULL, &n, err);
	if (r == TW_EEXIST)
		tw_error_prefix(err, "cannot migrate to '%s'", to_shown);
	if (r == 0)
		print_report(ctx, from_shown, to_shown, &n);
	store_close(dst);
	store_close(src);
	return r;
}

const struct cmd_entry cmd_migrate_entry = {
	.name = "migrate", .flags = 0, .exec = cmd_migrate_exec,
};
