/*
 * techwin notify: alerts that reach people. E-mail subscriptions get a
 * daily digest of the errors new on their deals; webhooks get every event
 * (technical_win, criterion.passed, finding.new, finding.resolved) as it
 * happens. `techwin notify` queues and sends; serve does it in the
 * background (cli/notify-run.c).
 */
#include "cli/cli.h"
#include "cli/notify-run.h"
#include "formats/eml.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

/* --se NAME, --ae NAME or --all, exactly one, into s (borrowing NAME). */
static int
parse_scope(const char *se, const char *ae, bool all, const char *what,
	    struct notify_scope *s, struct tw_error *err)
{
	if ((se != NULL) + (ae != NULL) + all != 1)
		return cmd_usage_error(&cmd_notify_entry, err,
				       "%s needs one of --se NAME, --ae NAME "
				       "or --all", what);
	s->scope = se ? "se" : ae ? "ae" : "all";
	s->name = (char *)(se ? se : ae);
	if (s->name && !*s->name)
		return cmd_usage_error(&cmd_notify_entry, err,
				       "--%s needs a name", s->scope);
	return 0;
}

/* A name no deal has as its SE (AE) is a typo: say which names there are. */
static int
check_scope_name(struct cli_ctx *ctx, const struct notify_scope *s,
		 struct tw_error *err)
{
	struct deal_list l = { 0 };
	struct strbuf known = STRBUF_INIT;
	bool se = !strcmp(s->scope, "se"), found = false;
	int r;

	if (!s->name || (r = store_deal_list(ctx->st, &l, err)) < 0)
		return s->name ? r : 0;
	for (size_t i = 0; i < l.n && !found; i++) {
		const char *n = se ? l.items[i].se : l.items[i].ae;

		found = n && !strcmp(n, s->name);
	}
	for (size_t i = 0; i < l.n && !found; i++) {
		const char *n = se ? l.items[i].se : l.items[i].ae;

		if (n && !strstr(known.buf, n))
			strbuf_addf(&known, "%s'%s'", known.len ? ", " : "",
				    n);
	}
	r = found ? 0 : tw_error_set(err, TW_EINPUT,
				     "no deal has '%s' as its %s (known: %s)",
				     s->name, se ? "SE" : "AE",
				     known.len ? known.buf : "none");
	strbuf_release(&known);
	deal_list_release(&l);
	return r;
}

static int
notify_subscribe(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	const char *se = NULL, *ae = NULL, *email;
	bool all = false, replaced;
	const struct cli_opt opts[] = {
		{ "se", OPT_STR, &se },
		{ "ae", OPT_STR, &ae },
		{ "all", OPT_FLAG, &all },
		{ NULL, 0, NULL },
	};
	struct notify_scope s;
	int r;

	if ((r = cli_options_exact(&cmd_notify_entry, argc, argv, opts, 1,
				   "notify subscribe takes exactly one EMAIL",
				   err)) < 0 ||
	    (r = parse_scope(se, ae, all, "notify subscribe", &s, err)) < 0)
		return r;
	email = argv[optind];
	if (!eml_address_is_valid(email))
		return tw_error_set(err, TW_EINPUT, "invalid e-mail address "
				    "'%s' (expected local@domain)", email);
	if ((r = check_scope_name(ctx, &s, err)) < 0 ||
	    (r = store_sub_put(ctx->st, email, &s, &replaced, err)) < 0)
		return r;
	if (!ctx->json)
		printf("%s %s: a digest of the new errors on %s%s%s%s\n",
		       replaced ? "changed" : "subscribed", email,
		       s.name ? "the deals where " : "every deal",
		       s.name ? s.name : "",
		       s.name ? (!strcmp(s.scope, "se") ? " is the SE"
							: " is the AE")
			      : "",
		       replaced ? " from now on" : ", each business day");
	return 0;
}

static int
notify_unsubscribe(struct cli_ctx *ctx, int argc, char **argv,
		   struct tw_error *err)
{
	int r;

	(void)argc;
	if ((r = store_sub_delete(ctx->st, argv[1], err)) < 0)
		return r;
	if (!ctx->json)
		printf("unsubscribed %s\n", argv[1]);
	return 0;
}

/* The first line of path: a webhook's secret. */
static int
read_secret(const char *path, char **out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[256];
	size_t n;
	FILE *fp = fopen(path, "r");

	if (!fp)
		return tw_error_set(err, TW_EINPUT, "--secret-file: cannot read "
				    "'%s': %s", path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	explicit_bzero(buf, sizeof(buf));
	sb.buf[strcspn(sb.buf, "\r\n")] = '\0';
	if (!*sb.buf) {
		strbuf_release(&sb);
		return tw_error_set(err, TW_EINPUT, "--secret-file: '%s' holds "
				    "no secret on its first line", path);
	}
	*out = strbuf_detach(&sb, NULL);
	return 0;
}

static int
webhook_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *se = NULL, *ae = NULL, *format = "slack", *file = NULL;
	bool all = false;
	const struct cli_opt opts[] = {
		{ "format", OPT_STR, &format },
		{ "secret-file", OPT_STR, &file },
		{ "se", OPT_STR, &se },
		{ "ae", OPT_STR, &ae },
		{ "all", OPT_FLAG, &all },
		{ NULL, 0, NULL },
	};
	struct notify_hook h = { 0 };
	const char *url;
	char *secret = NULL;
	int r;

	if ((r = cli_options_exact(&cmd_notify_entry, argc, argv, opts, 2,
				   "notify webhook add takes a NAME and a URL",
				   err)) < 0)
		return r;
	if (!se && !ae)
		all = true;	/* a channel for the whole team by default */
	if ((r = parse_scope(se, ae, all, "notify webhook add", &h.scope,
			     err)) < 0)
		return r;
	if (strcmp(format, "slack") && strcmp(format, "json"))
		return cmd_usage_error(&cmd_notify_entry, err,
				       "--format: expected slack or json, got "
				       "'%s'", format);
	h.name = argv[optind];
	url = argv[optind + 1];
	if (!*h.name || strchr(h.name, '@') || strpbrk(h.name, " \t\n"))
		return tw_error_set(err, TW_EINPUT, "invalid webhook name '%s' "
				    "(no spaces, no '@')", h.name);
	if ((strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) ||
	    strpbrk(url, " \t\r\n") || !url[strcspn(url, ":") + 3])
		return tw_error_set(err, TW_EINPUT, "invalid webhook URL '%s' "
				    "(expected http:// or https://)", url);
	h.url = (char *)url;
	h.format = (char *)format;
	if ((r = check_scope_name(ctx, &h.scope, err)) < 0 ||
	    (file && (r = read_secret(file, &secret, err)) < 0))
		return r;
	h.secret = secret;
	r = store_hook_add(ctx->st, &h, err);
	if (secret)
		explicit_bzero(secret, strlen(secret));
	free(secret);
	if (r == 0 && !ctx->json)
		printf("added webhook '%s' (%s%s): it gets every event from "
		       "now on\n", h.name, format,
		       file ? ", signed" : "");
	return r;
}

static int
webhook_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	int r;

	(void)argc;
	if ((r = store_hook_delete(ctx->st, argv[1], err)) < 0)
		return r;
	if (!ctx->json)
		printf("removed webhook '%s'\n", argv[1]);
	return 0;
}

static const struct subcmd webhook_subs[] = {
	{ "add", webhook_add, 0, NULL },
	{ "rm", webhook_rm, 1, "notify webhook rm takes exactly one NAME" },
	{ NULL, NULL, 0, NULL },
};

static int
notify_webhook(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	const struct subcmd *s = argc > 1 ? subcmd_find(webhook_subs, argv[1])
					  : NULL;

	if (!s)
		return cmd_usage_error(&cmd_notify_entry, err,
				       "notify webhook needs 'add' or 'rm'");
	return subcmd_run(&cmd_notify_entry, s, ctx, argc - 1, argv + 1, err);
}

static json_t *
scope_json(const struct notify_scope *s)
{
	return json_pack("{s:s, s:o}", "scope", s->scope, "name",
			 json_str(s->name));
}

static void
scope_text(const struct notify_scope *s, struct strbuf *sb)
{
	strbuf_addstr(sb, s->scope);
	if (s->name)
		strbuf_addf(sb, " %s", s->name);
}

static int
list_failed(struct cli_ctx *ctx, struct tw_error *err)
{
	static const char *const header[] = { "ID", "STATUS", "TO", "KIND",
					      "TRIES", "ERROR" };
	struct notify_delivery_list l, q;
	struct strbuf sb = STRBUF_INIT;
	struct table t;
	json_t *a;
	int r;

	/* Given up, then those queued again after a failed try. */
	if ((r = store_delivery_list(ctx->st, "failed", &l, err)) < 0)
		return r;
	if ((r = store_delivery_list(ctx->st, "queued", &q, err)) < 0) {
		notify_delivery_list_release(&l);
		return r;
	}
	for (size_t i = 0; i < q.n; i++) {
		if (!q.items[i].attempts)
			continue;
		ALLOC_GROW(l.items, l.n + 1, l.alloc);
		l.items[l.n++] = q.items[i];
		memset(&q.items[i], 0, sizeof(q.items[i]));
	}
	notify_delivery_list_release(&q);
	if (ctx->json) {
		a = json_array();
		for (size_t i = 0; i < l.n; i++) {
			const struct notify_delivery *d = &l.items[i];

			json_array_append_new(
				a, json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, "
					     "s:o}", "id", d->id, "status",
					     d->status, "target_kind",
					     d->target_kind, "target",
					     d->target, "kind", d->kind,
					     "attempts", d->attempts,
					     "last_error",
					     json_str(d->last_error)));
		}
		json_emit(a, &sb);
	} else {
		table_init(&t, ARRAY_SIZE(header), header);
		for (size_t i = 0; i < l.n; i++) {
			const struct notify_delivery *d = &l.items[i];

			table_cell(&t, d->id);
			table_cell(&t, d->status);
			table_cell(&t, d->target);
			table_cell(&t, d->kind);
			table_cellf(&t, "%d", d->attempts);
			table_cell(&t, d->last_error);
		}
		if (l.n)
			table_render(&t, &sb);
		else
			strbuf_addstr(&sb, "no failed deliveries\n");
		table_release(&t);
	}
	cli_write(&sb);
	strbuf_release(&sb);
	notify_delivery_list_release(&l);
	return 0;
}

static int
notify_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const sh[] = { "EMAIL", "SCOPE", "LAST DIGEST" };
	static const char *const hh[] = { "WEBHOOK", "URL", "FORMAT", "SCOPE",
					  "SIGNED" };
	bool failed = false;
	const struct cli_opt opts[] = {
		{ "failed", OPT_FLAG, &failed },
		{ NULL, 0, NULL },
	};
	struct notify_sub_list subs = { 0 };
	struct notify_hook_list hooks = { 0 };
	struct strbuf sb = STRBUF_INIT, sc = STRBUF_INIT;
	size_t queued = 0, nfailed = 0;
	struct table t;
	int r;

	if ((r = cli_options_exact(&cmd_notify_entry, argc, argv, opts, 0,
				   "notify list takes no arguments", err)) < 0)
		return r;
	if (failed)
		return list_failed(ctx, err);
	if ((r = store_sub_list(ctx->st, &subs, err)) < 0 ||
	    (r = store_hook_list(ctx->st, &hooks, err)) < 0 ||
	    (r = store_delivery_count(ctx->st, "queued", &queued, err)) < 0 ||
	    (r = store_delivery_count(ctx->st, "failed", &nfailed, err)) < 0)
		goto out;
	if (ctx->json) {
		json_t *o = json_object(), *a = json_array(), *b = json_array();

		for (size_t i = 0; i < subs.n; i++) {
			json_t *s = scope_json(&subs.items[i].scope);

			json_object_set_new(s, "email",
					    json_string(subs.items[i].email));
			json_object_set_new(
				s, "last_digest_on",
				json_str(subs.items[i].last_digest_on));
			json_array_append_new(a, s);
		}
		for (size_t i = 0; i < hooks.n; i++) {
			const struct notify_hook *h = &hooks.items[i];
			json_t *w = scope_json(&h->scope);

			/* Never the secret: whether there is one. */
			json_object_set_new(w, "webhook", json_string(h->name));
			json_object_set_new(w, "url", json_string(h->url));
			json_object_set_new(w, "format", json_string(h->format));
			json_object_set_new(w, "signed",
					    json_boolean(h->secret != NULL));
			json_array_append_new(b, w);
		}
		json_object_set_new(o, "subscriptions", a);
		json_object_set_new(o, "webhooks", b);
		json_object_set_new(o, "queued", json_integer((json_int_t)queued));
		json_object_set_new(o, "failed",
				    json_integer((json_int_t)nfailed));
		json_emit(o, &sb);
		goto write;
	}
	table_init(&t, ARRAY_SIZE(sh), sh);
	for (size_t i = 0; i < subs.n; i++) {
		strbuf_reset(&sc);
		scope_text(&subs.items[i].scope, &sc);
		table_cell(&t, subs.items[i].email);
		table_cell(&t, sc.buf);
		table_cell(&t, subs.items[i].last_digest_on);
	}
	if (subs.n)
		table_render(&t, &sb);
	else
		strbuf_addstr(&sb, "no subscriptions\n");
	table_release(&t);
	strbuf_addch(&sb, '\n');
	table_init(&t, ARRAY_SIZE(hh), hh);
	for (size_t i = 0; i < hooks.n; i++) {
		strbuf_reset(&sc);
		scope_text(&hooks.items[i].scope, &sc);
		table_cell(&t, hooks.items[i].name);
		table_cell(&t, hooks.items[i].url);
		table_cell(&t, hooks.items[i].format);
		table_cell(&t, sc.buf);
		table_cell(&t, hooks.items[i].secret ? "yes" : "no");
	}
	if (hooks.n)
		table_render(&t, &sb);
	else
		strbuf_addstr(&sb, "no webhooks\n");
	table_release(&t);
	strbuf_addf(&sb, "\n%zu %s queued, %zu failed%s\n", queued,
		    queued == 1 ? "delivery" : "deliveries", nfailed,
		    nfailed ? " (techwin notify list --failed)" : "");
write:
	cli_write(&sb);
out:
	strbuf_release(&sb);
	strbuf_release(&sc);
	notify_sub_list_release(&subs);
	notify_hook_list_release(&hooks);
	return r;
}

static int
notify_test(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	struct notify_settings ns;
	int r;

	(void)argc;
	if ((r = notify_settings_load(ctx->st, &ns, err)) < 0)
		return r;
	r = notify_send_test(ctx->st, &ns, argv[1], err);
	notify_settings_release(&ns);
	if (r == 0 && !ctx->json)
		printf("sent a test message to %s\n", argv[1]);
	return r;
}

/* techwin notify [--dry-run]: queue, then send everything queued. */
static int
notify_run(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	bool dry_run = false;
	const struct cli_opt opts[] = {
		{ "dry-run", OPT_FLAG, &dry_run },
		{ NULL, 0, NULL },
	};
	struct notify_report rep = { 0 };
	struct notify_settings ns;
	struct notify_sub_list subs = { 0 };
	FILE *out = ctx->json ? NULL : stdout;
	int r;

	if ((r = cli_options_exact(&cmd_notify_entry, argc, argv, opts, 0,
				   "unknown notify subcommand", err)) < 0)
		return r;
	if ((r = notify_settings_load(ctx->st, &ns, err)) < 0)
		return r;
	/* Digests need a server to go to: say so before queuing any. */
	r = store_sub_list(ctx->st, &subs, err);
	if (r == 0 && subs.n && !dry_run)
		r = notify_settings_mail_ok(&ns, err);
	notify_sub_list_release(&subs);
	if (r == 0)
		r = notify_queue(ctx->st, &ns, ctx->today, true, false, dry_run,
				 stdout, &rep, err);
	if (r == 0 && dry_run) {
		struct notify_delivery_list l;

		if ((r = store_delivery_due(ctx->st, 0, &l, err)) == 0)
			for (size_t i = 0; i < l.n; i++)
				printf("would send again %s to %s (%d tries "
				       "so far)\n", l.items[i].kind,
				       l.items[i].target, l.items[i].attempts);
		if (r == 0 && !rep.queued && !l.n)
			printf("nothing to send\n");
		notify_delivery_list_release(&l);
	} else if (r == 0) {
		r = notify_send_due(ctx->st, &ns, 0, out, NULL, &rep, err);
	}
	notify_settings_release(&ns);
	if (r < 0 || dry_run)
		return r;
	if (ctx->json) {
		struct strbuf sb = STRBUF_INIT;

		json_emit(json_pack("{s:i, s:i, s:i, s:i}", "queued",
				    (int)rep.queued, "sent", (int)rep.sent,
				    "retry", (int)rep.retry, "failed",
				    (int)rep.failed),
			  &sb);
		cli_write(&sb);
		strbuf_release(&sb);
	} else if (!rep.sent && !rep.retry && !rep.failed) {
		printf("nothing to send\n");
	}
	if (rep.retry || rep.failed) {
		fprintf(stderr, "error: %zu %s not delivered (%zu queued for "
			"another try, %zu given up): see techwin notify list "
			"--failed\n", rep.retry + rep.failed,
			rep.retry + rep.failed == 1 ? "message was"
						     : "messages were",
			rep.retry, rep.failed);
		return 4;
	}
	return 0;
}

static const struct subcmd subs[] = {
	{ "list", notify_list, 0, NULL },
	{ "subscribe", notify_subscribe, 0, NULL },
	{ "test", notify_test, 1, "notify test takes one webhook NAME or "
				  "EMAIL" },
	{ "unsubscribe", notify_unsubscribe, 1,
	  "notify unsubscribe takes exactly one EMAIL" },
	{ "webhook", notify_webhook, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

static int
cmd_notify_exec(struct cli_ctx *ctx, int argc, char **argv,
		struct tw_error *err)
{
	const struct subcmd *s = argc > 1 ? subcmd_find(subs, argv[1]) : NULL;

	if (s)
		return subcmd_run(&cmd_notify_entry, s, ctx, argc - 1, argv + 1,
				  err);
	if (argc > 1 && argv[1][0] != '-')
		return cmd_usage_error(&cmd_notify_entry, err,
				       "unknown subcommand 'notify %s'",
				       argv[1]);
	return notify_run(ctx, argc, argv, err);
}

const struct cmd_entry cmd_notify_entry = {
	.name = "notify", .flags = NEED_STORE, .exec = cmd_notify_exec,
};
