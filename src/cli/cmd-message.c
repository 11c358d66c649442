/*
 * techwin message SLUG TYPE: a message to the champion drafted from the
 * engine's numbers (practices 1-5), as text or as an .eml draft, and
 * `message template` to keep a workspace's own wording for each type.
 */
#include "cli/cli.h"
#include "cli/workspace.h"
#include "core/message.h"
#include "formats/eml.h"
#include "formats/json.h"
#include "util/xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A template is a page or two of text; far more is a mistake. */
#define TEMPLATE_MAX (64 * 1024)

enum msg_opt { O_CRITERION = 256, O_RISK, O_FORMAT, O_LOG, O_ON, O_FROM };

enum out_format { FMT_TEXT, FMT_EML };

/* The settings key that holds a workspace's template for t. */
static char *
template_key(enum message_type t)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "template.%s", message_type_name(t));
	return strbuf_detach(&sb, NULL);
}

/* The workspace's template for t, else the built-in one (caller frees). */
static int
load_template(struct cli_ctx *ctx, enum message_type t, char **out,
	      bool *custom, struct tw_error *err)
{
	char *key = template_key(t);
	int r = store_setting_get(ctx->st, key, out, err);

	free(key);
	if (r < 0)
		return r;
	*custom = *out != NULL;
	if (!*out)
		*out = xstrdup(message_default_template(t));
	return 0;
}

/* One message, rendered. */
struct draft {
	const struct message *m;
	char *text;		/* the whole rendered template */
	char *subject;		/* NULL without a Subject line */
	const char *body;	/* into text */
};

static void
drafts_release(struct draft *dr, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(dr[i].text);
		free(dr[i].subject);
	}
	free(dr);
}

static int
render_drafts(enum message_type t, const char *tmpl,
	      const struct message_list *list, struct draft **out,
	      struct tw_error *err)
{
	struct draft *dr = xcalloc(list->n, sizeof(*dr));

	for (size_t i = 0; i < list->n; i++) {
		struct strbuf sb = STRBUF_INIT;
		int r = message_render(tmpl, message_type_name(t),
				       msg_vars_lookup,
				       (void *)&list->items[i].vars, &sb, err);

		if (r < 0) {
			strbuf_release(&sb);
			drafts_release(dr, list->n);
			return r;
		}
		if (!sb.len || sb.buf[sb.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
		dr[i].m = &list->items[i];
		dr[i].text = strbuf_detach(&sb, NULL);
		message_split(dr[i].text, &dr[i].subject, &dr[i].body);
	}
	*out = dr;
	return 0;
}

static json_t *
drafts_to_json(enum message_type t, const struct deal *d,
	       const struct draft *dr, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "type",
				    json_string(message_type_name(t)));
		json_object_set_new(o, "criterion",
				    json_str(dr[i].m->criterion));
		json_object_set_new(o, "risk", json_str(dr[i].m->risk));
		json_object_set_new(o, "to", json_str(d->champion));
		json_object_set_new(o, "email", json_str(d->champion_email));
		json_object_set_new(o, "subject", json_str(dr[i].subject));
		json_object_set_new(o, "body", json_string(dr[i].body));
		json_array_append_new(a, o);
	}
	return a;
}

struct send_opts {
	const char *criterion;
	const char *risk;
	const char *output;
	const char *from;	/* --from "Name <addr>" or "addr" */
	enum out_format format;
	bool log;
	tw_date on;		/* --on: the day it was sent */
};

static int
parse_send_opts(struct cli_ctx *ctx, int argc, char **argv,
		struct send_opts *o, enum message_type *type,
		struct tw_error *err)
{
	static const struct option opts[] = {
		{ "criterion", required_argument, NULL, O_CRITERION },
		{ "risk", required_argument, NULL, O_RISK },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "log", no_argument, NULL, O_LOG },
		{ "on", required_argument, NULL, O_ON },
		{ "from", required_argument, NULL, O_FROM },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	optind = 0;
	while ((c = cli_getopt_output(argc, argv, opts, err)) != -1) {
		if (c < 0)
			return c;
		switch (c) {
		case O_CRITERION:
			o->criterion = optarg;
			break;
		case O_RISK:
			o->risk = optarg;
			break;
		case O_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = FMT_TEXT;
			else if (!strcmp(optarg, "eml"))
				o->format = FMT_EML;
			else
				return cmd_usage_error(&cmd_message_entry, err,
						       "unknown format '%s' "
						       "(expected text or eml)",
						       optarg);
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_LOG:
			o->log = true;
			break;
		case O_ON:
			if ((r = opt_date("--on", optarg, &o->on, err)) < 0)
				return r;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		}
	}
	if (optind != argc - 2)
		return cmd_usage_error(&cmd_message_entry, err,
				       "message takes a SLUG and a TYPE");
	if (o->on && !o->log)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--on goes with --log");
	if (o->on && (r = verb_touch_date_check(o->on, ctx->today, err)) < 0)
		return r;
	if ((r = message_type_parse(argv[optind + 1], type, err)) < 0)
		return r;
	if (o->criterion && *type != MSG_BUYING_SIGNAL)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--criterion applies to buying-signal "
				       "messages only");
	if (o->risk && *type != MSG_URGENCY)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--risk applies to urgency messages "
				       "only");
	if (o->from && o->format != FMT_EML)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--from goes with --format eml");
	if (ctx->json && o->format == FMT_EML)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--json and --format eml do not go "
				       "together");
	return 0;
}

/*
 * The draft's sender from --from: "Name <addr>" or "addr". Sets *name
 * (NULL without one, else malloc'd) and *email (malloc'd).
 */
static int
parse_from(const char *s, char **name, char **email, struct tw_error *err)
{
	const char *lt = strrchr(s, '<'), *end = s + strlen(s);

	*name = *email = NULL;
	if (!lt) {
		*email = xstrdup(s);
	} else {
		const char *n = lt;

		while (end > lt && end[-1] == ' ')
			end--;
		if (end == lt || end[-1] != '>')
			return tw_error_set(err, TW_EINPUT,
					    "--from: expected 'Name <addr>' or "
					    "'addr', got '%s'", s);
		*email = xstrndup(lt + 1, (size_t)(end - lt - 2));
		while (n > s && n[-1] == ' ')
			n--;
		while (s < n && (*s == ' ' || *s == '"'))
			s++;
		while (n > s && n[-1] == '"')
			n--;
		if (n > s)
			*name = xstrndup(s, (size_t)(n - s));
	}
	if (!eml_address_is_valid(*email)) {
		tw_error_set(err, TW_EINPUT,
			     "--from: invalid email address '%s' (expected "
			     "local@domain)", *email);
		free(*name);
		free(*email);
		*name = *email = NULL;
		return TW_EINPUT;
	}
	return 0;
}

/*
 * The sender of d's drafts: --from, else the deal's SE as a user (techwin
 * user set NAME --email ADDR [--full-name TEXT]): the user whose full name,
 * else whose name, is the deal's SE, and who has an e-mail.
 */
static int
draft_sender(struct cli_ctx *ctx, const struct deal *d, const char *from,
	     char **name, char **email, struct tw_error *err)
{
	struct store_user_list ul;
	const struct store_user *u = NULL;
	int r;

	if (from)
		return parse_from(from, name, email, err);
	*name = *email = NULL;
	if (!d->se || !*d->se)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no SE to send the draft "
				    "from (set one with 'techwin deal set %s "
				    "--se NAME', or pass --from ADDRESS)",
				    d->slug, d->slug);
	if ((r = store_user_list(ctx->st, &ul, err)) < 0)
		return r;
	for (size_t i = 0; i < ul.n && !u; i++)
		if (ul.items[i].email && ul.items[i].full_name &&
		    !strcmp(ul.items[i].full_name, d->se))
			u = &ul.items[i];
	for (size_t i = 0; i < ul.n && !u; i++)
		if (ul.items[i].email && !strcmp(ul.items[i].name, d->se))
			u = &ul.items[i];
	if (u) {
		*name = xstrdup(d->se);
		*email = xstrdup(u->email);
	} else {
		r = tw_error_set(err, TW_EINPUT,
				 "the draft needs a From: no user named '%s' "
				 "(the SE of deal '%s') has an e-mail; set one "
				 "with 'techwin user set NAME --email ADDRESS "
				 "--full-name \"%s\"', or pass --from ADDRESS",
				 d->se, d->slug, d->se);
	}
	store_user_list_release(&ul);
	return r;
}

static int
format_eml(struct cli_ctx *ctx, const struct deal *d, enum message_type t,
	   const struct draft *dr, size_t n, const char *from,
	   struct strbuf *out, struct tw_error *err)
{
	struct strbuf subject = STRBUF_INIT;
	char *from_name = NULL, *from_email = NULL;
	struct eml_draft e = { 0 };
	int r;

	if (!d->champion_email || !*d->champion_email)
		return tw_error_set(err, TW_EINPUT,
				    "deal '%s' has no champion email (set "
				    "one with 'techwin deal set %s "
				    "--champion-email ADDRESS')",
				    d->slug, d->slug);
	/* A draft file holds one message; say how to pick one. */
	if (n > 1)
		return cmd_usage_error(&cmd_message_entry, err,
				       "--format eml writes one message and "
				       "deal '%s' has %zu %s messages (choose "
				       "one with %s)",
				       d->slug, n, message_type_name(t),
				       t == MSG_URGENCY ? "--risk KEY"
							: "--criterion KEY");
	if ((r = draft_sender(ctx, d, from, &from_name, &from_email,
			      err)) < 0)
		return r;
	if (dr[0].subject)
		strbuf_addstr(&subject, dr[0].subject);
	else
		strbuf_addf(&subject, "%s: following up",
			    d->account ? d->account : d->slug);
	e.to_name = d->champion;
	e.to_email = d->champion_email;
	e.subject = subject.buf;
	e.body = dr[0].body;
	e.date = date_now_fixed();
	e.from_name = from_name;
	e.from_email = from_email;
	r = eml_write(&e, out, err);
	if (r < 0)
		tw_error_prefix(err, "deal '%s'", d->slug);
	strbuf_release(&subject);
	free(from_name);
	free(from_email);
	return r;
}

static void
format_text(const struct draft *dr, size_t n, struct strbuf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_addstr(out, "\n---\n\n");
		strbuf_addstr(out, dr[i].text);
	}
}

static void
report_log(const struct verb_call *c, const struct verb_result *res,
	   const char *slug, tw_date today)
{
	char b[DATE_BUFSZ];

	date_format(c->on ? c->on : today, b);
	if (res->added)
		fprintf(stderr, "logged %zu %s touch%s on deal '%s' (%s, %s)\n",
			res->added, c->touch_type,
			res->added == 1 ? "" : "es", slug, c->channel, b);
	if (res->present)
		fprintf(stderr, "%zu %s touch%s already logged on %s\n",
			res->present, c->touch_type,
			res->present == 1 ? " was" : "es were", b);
}

/* One touch per buying-signal criterion, one for any other type. */
static int
log_touches(struct cli_ctx *ctx, const struct deal *d,
	    const struct send_opts *o, enum message_type type,
	    const struct message_list *list, struct tw_error *err)
{
	const char **crit = xcalloc(list->n + 1, sizeof(*crit));
	struct cli_run run;
	int r;

	cli_run_init(&run, ctx, V_TOUCH, NULL);
	run.c.touch_type = message_type_name(type);
	run.c.channel = o->format == FMT_EML ? "email" : "text";
	run.c.on = o->on;
	for (size_t i = 0; type == MSG_BUYING_SIGNAL && i < list->n; i++)
		crit[run.c.ncriteria++] = list->items[i].criterion;
	run.c.criteria = crit;
	fflush(stdout);
	if ((r = cli_run_verb(ctx, &run, d->slug, err)) == 0)
		report_log(&run.c, &run.res, d->slug, ctx->today);
	r = cli_run_finish(&run, r);
	free(crit);
	return r;
}

static int
message_send(struct cli_ctx *ctx, int argc, char **argv,
	     struct tw_error *err)
{
	struct send_opts o = { 0 };
	struct message_request rq = { 0 };
	struct message_list list = { 0 };
	struct strbuf sb = STRBUF_INIT;
	struct draft *dr = NULL;
	enum message_type type;
	char *tmpl = NULL;
	struct deal_ctx dc;
	const struct deal *d = &dc.deal;
	bool custom;
	int r;

	if ((r = parse_send_opts(ctx, argc, argv, &o, &type, err)) < 0)
		return r;
	/* The same business days as `techwin plan`, so the dates agree. */
	if ((r = cli_load_ctx(ctx, argv[optind], &dc, err)) < 0)
		return r;
	rq.type = type;
	rq.criterion = o.criterion;
	rq.risk = o.risk;
	rq.today = ctx->today;
	if ((r = message_compute(d, &dc.hol, &rq, &list, err)) < 0)
		goto out;
	if ((r = load_template(ctx, type, &tmpl, &custom, err)) < 0)
		goto out;
	if ((r = render_drafts(type, tmpl, &list, &dr, err)) < 0)
		goto out;

	if (o.format == FMT_EML) {
		if ((r = format_eml(ctx, d, type, dr, list.n, o.from, &sb,
				       err)) < 0)
			goto out;
	} else if (ctx->json) {
		json_emit(drafts_to_json(type, d, dr, list.n), &sb);
	} else {
		format_text(dr, list.n, &sb);
	}
	for (size_t i = 0; i < list.n; i++)
		if (list.items[i].warning)
			fprintf(stderr, "warning: %s\n", list.items[i].warning);
	if (o.output) {
		if ((r = cli_write_file(o.output, &sb, err)) < 0)
			goto out;
	} else {
		cli_write(&sb);
	}

	if (o.log)
		r = log_touches(ctx, d, &o, type, &list, err);
out:
	if (dr)
		drafts_release(dr, list.n);
	free(tmpl);
	strbuf_release(&sb);
	message_list_release(&list);
	deal_ctx_release(&dc);
	return r;
}

/* ---- message template set|show|reset ------------------------------------ */

/* Read FILE ("-" for standard input) as template text with LF line ends. */
static int
read_template(const char *path, struct strbuf *out, struct tw_error *err)
{
	FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char buf[4096];
	size_t n;
	int failed;

	if (!fp)
		return tw_error_set(err, TW_EINPUT, "cannot read '%s': %s",
				    path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0) {
		for (size_t i = 0; i < n; i++) {
			/* CRLF files from other editors render the same. */
			if (buf[i] == '\r')
				continue;
			if (buf[i] == '\0') {
				if (fp != stdin)
					fclose(fp);
				return tw_error_set(err, TW_EINPUT,
						    "template file '%s' is "
						    "not text (it has a NUL "
						    "byte)",
						    path);
			}
			strbuf_addch(out, buf[i]);
		}
		if (out->len > TEMPLATE_MAX)
			break;
	}
	failed = ferror(fp);
	if (fp != stdin)
		fclose(fp);
	if (failed)
		return tw_error_set(err, TW_EINPUT, "cannot read '%s'", path);
	if (out->len > TEMPLATE_MAX)
		return tw_error_set(err, TW_EINPUT,
				    "template file '%s' is larger than %d "
				    "bytes",
				    path, TEMPLATE_MAX);
	if (!message_is_utf8(out->buf))
		return tw_error_set(err, TW_EINPUT,
				    "template file '%s' is not UTF-8", path);
	return 0;
}

static int
template_set(struct cli_ctx *ctx, int argc, char **argv,
	     struct tw_error *err)
{
	struct strbuf text = STRBUF_INIT;
	enum message_type t;
	char *key;
	int r;

	(void)argc;
	if ((r = message_type_parse(argv[1], &t, err)) < 0)
		return r;
	if ((r = read_template(argv[2], &text, err)) < 0)
		goto out;
	if ((r = message_template_check(t, text.buf, err)) < 0)
		goto out;
	key = template_key(t);
	r = store_setting_set(ctx->st, key, text.buf, err);
	free(key);
	if (r < 0)
		goto out;
	if (!ctx->json)
		printf("template '%s' set\n", message_type_name(t));
out:
	strbuf_release(&text);
	return r;
}

static int
template_show(struct cli_ctx *ctx, int argc, char **argv,
	      struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	enum message_type t;
	char *tmpl;
	bool custom;
	int r;

	(void)argc;
	if ((r = message_type_parse(argv[1], &t, err)) < 0)
		return r;
	if ((r = load_template(ctx, t, &tmpl, &custom, err)) < 0)
		return r;
	if (ctx->json) {
		json_t *o = json_object();

		json_object_set_new(o, "type",
				    json_string(message_type_name(t)));
		json_object_set_new(o, "source",
				    json_string(custom ? "workspace"
						       : "built-in"));
		json_object_set_new(o, "template", json_string(tmpl));
		json_emit(o, &sb);
	} else {
		strbuf_addstr(&sb, tmpl);
		if (!sb.len || sb.buf[sb.len - 1] != '\n')
			strbuf_addch(&sb, '\n');
	}
	cli_write(&sb);
	strbuf_release(&sb);
	free(tmpl);
	return 0;
}

static int
template_reset(struct cli_ctx *ctx, int argc, char **argv,
	       struct tw_error *err)
{
	enum message_type t;
	char *key;
	int r;

	(void)argc;
	if ((r = message_type_parse(argv[1], &t, err)) < 0)
		return r;
	key = template_key(t);
	r = store_setting_set(ctx->st, key, NULL, err);
	free(key);
	if (r < 0)
		return r;
	if (!ctx->json)
		printf("template '%s' reset to the built-in one\n",
		       message_type_name(t));
	return 0;
}

static const struct subcmd template_subs[] = {
	{ "reset", template_reset, 1, "message template reset takes a TYPE" },
	{ "set", template_set, 2,
	  "message template set takes a TYPE and a FILE" },
	{ "show", template_show, 1, "message template show takes a TYPE" },
	{ NULL, NULL, 0, NULL },
};

static int
cmd_message_exec(struct cli_ctx *ctx, int argc, char **argv,
		 struct tw_error *err)
{
	/*
	 * "message template show TYPE" and a deal called "template" cannot
	 * be confused: no message type is named set, show or reset.
	 */
	if (argc >= 2 && !strcmp(argv[1], "template")) {
		const struct subcmd *s;

		if (argc == 2)
			return cmd_usage_error(&cmd_message_entry, err,
					       "'message template' needs set, "
					       "show or reset");
		s = subcmd_find(template_subs, argv[2]);
		if (s)
			return subcmd_run(&cmd_message_entry, s, ctx, argc - 2,
					  argv + 2, err);
	}
	return message_send(ctx, argc, argv, err);
}

const struct cmd_entry cmd_message_entry = {
	.name = "message", .flags = NEED_STORE, .exec = cmd_message_exec,
};
