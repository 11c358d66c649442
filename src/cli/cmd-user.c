/*
 * techwin user: the accounts that sign in to techwin serve. Passwords are
 * read from the terminal with echo off (or one line of stdin when it is not
 * a terminal) and stored only as Argon2id hashes.
 */
#include "cli/cli.h"
#include "formats/eml.h"
#include "formats/json.h"
#include "util/utf8.h"
#include "util/xalloc.h"
#include "web/auth.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- reading a password ----------------------------------------------- */

/*
 * The terminal settings to put back if a signal arrives while echo is off,
 * so an interrupted prompt does not leave the shell without echo.
 */
static struct termios saved_tty;
static volatile sig_atomic_t tty_changed;

static void
restore_tty_and_die(int sig)
{
	if (tty_changed)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* One line of stdin without its line ending; NULL at end of input. */
static char *
read_line(void)
{
	char *line = NULL, *out;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);

	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	out = xstrdup(line);
	/* The buffer held a password: wipe all of it, not just the string. */
	explicit_bzero(line, cap);
	free(line);
	return out;
}

/* Prompt on stderr and read one line with echo off. */
static char *
prompt_hidden(const char *prompt)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	struct sigaction sa, old[ARRAY_SIZE(sigs)];
	struct termios t;
	char *line;

	if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
		return read_line();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty_and_die;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
	t = saved_tty;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	tty_changed = 1;
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	fputs(prompt, stderr);
	fflush(stderr);
	line = read_line();
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
	tty_changed = 0;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	return line;
}

/*
 * The new password: asked twice on a terminal, else the first line of
 * stdin (for scripts: printf '%s\n' "$pw" | techwin user add ...). Either
 * way it must pass the password policy. *out is the caller's to wipe
 * (auth_secret_free).
 */
static int
read_new_password(char **out, struct tw_error *err)
{
	char *pw, *again;
	int r;

	*out = NULL;
	if (isatty(STDIN_FILENO)) {
		pw = prompt_hidden("Password: ");
		if (pw && auth_check_password(pw, err) < 0) {
			auth_secret_free(pw);
			return TW_EINPUT;
		}
		again = pw ? prompt_hidden("Retype password: ") : NULL;
		if (pw && (!again || strcmp(pw, again))) {
			auth_secret_free(pw);
			auth_secret_free(again);
			return tw_error_set(err, TW_EINPUT,
					    "passwords do not match");
		}
		auth_secret_free(again);
	} else {
		pw = read_line();
	}
	if (!pw)
		return tw_error_set(err, TW_EINPUT,
				    "no password given (stdin is empty)");
	if ((r = auth_check_password(pw, err)) < 0) {
		auth_secret_free(pw);
		return r;
	}
	*out = pw;
	return 0;
}

/* ---- subcommands ------------------------------------------------------ */

/* Fail early, before a password is typed, when name cannot be added. */
static int
check_new_user(struct cli_ctx *ctx, const char *name, struct tw_error *err)
{
	struct store_user u;
	int r;

	if ((r = auth_check_name("user", name, err)) < 0)
		return r;
	r = store_user_get(ctx->st, name, &u, err);
	if (r == 0) {
		store_user_release(&u);
		return tw_error_set(err, TW_EEXIST, "user '%s' already exists",
				    name);
	}
	return r == TW_ENOTFOUND ? 0 : r;
}

static int
user_add(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *role_text = NULL, *name;
	const struct cli_opt opts[] = {
		{ "role", OPT_STR, &role_text },
		{ NULL, 0, NULL },
	};
	struct store_user u;
	enum role role;
	char *pw;
	int r;

	r = cli_options_exact(&cmd_user_entry, argc, argv, opts, 1,
			      "user add takes exactly one NAME", err);
	if (r < 0)
		return r;
	if (!role_text)
		return cmd_usage_error(&cmd_user_entry, err,
				       "user add needs --role "
				       "admin|editor|viewer");
	name = argv[optind];
	if (role_parse(role_text, &role) < 0)
		return tw_error_set(err, TW_EINPUT,
				    "invalid role '%s' (use admin, editor or "
				    "viewer)",
				    role_text);
	if ((r = auth_init(err)) < 0 || (r = check_new_user(ctx, name, err)) < 0)
		return r;
	if ((r = read_new_password(&pw, err)) < 0)
		return r;
	r = auth_user_add(ctx->st, name, role, pw, err);
	auth_secret_free(pw);
	if (r < 0)
		return r;
	if (!ctx->json) {
		printf("added user '%s' (%s)\n", name, role_name(role));
		return 0;
	}
	if ((r = store_user_get(ctx->st, name, &u, err)) < 0)
		return r;
	{
		struct strbuf sb = STRBUF_INIT;

		json_emit(user_to_json(&u, 0), &sb);
		cli_write(&sb);
		strbuf_release(&sb);
	}
	store_user_release(&u);
	return 0;
}

/* The users and the tokens they own, for cli_print_list. */
struct users {
	struct store_user_list ul;
	struct store_token_list tl;
};

static json_t *
user_json(const struct cli_ctx *ctx, const void *arg, size_t i)
{
	const struct users *us = arg;
	const struct store_user *u = &us->ul.items[i];

	(void)ctx;
	return user_to_json(u, store_token_count(&us->tl, u->name));
}

static void
user_row(struct table *t, const struct cli_ctx *ctx, const void *arg,
	 size_t i)
{
	const struct users *us = arg;
	const struct store_user *u = &us->ul.items[i];

	(void)ctx;
	table_cell(t, u->name);
	table_cell(t, u->role);
	table_cellf(t, "%zu", store_token_count(&us->tl, u->name));
	table_cell(t, u->created);
	table_cell(t, u->email);
}

static int
user_list(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	static const char *const header[] = { "NAME", "ROLE", "TOKENS",
					      "CREATED", "EMAIL" };
	static const size_t right[] = { 2, SIZE_MAX };
	static const struct cli_list view = { header, ARRAY_SIZE(header),
					      right, user_json, user_row };
	struct users us;
	int r;

	(void)argc, (void)argv;
	if ((r = store_user_list(ctx->st, &us.ul, err)) < 0)
		return r;
	if ((r = store_token_list(ctx->st, &us.tl, err)) == 0) {
		cli_print_list(ctx, &view, &us, us.ul.n);
		store_token_list_release(&us.tl);
	}
	store_user_list_release(&us.ul);
	return r;
}

static int
user_rm(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	size_t ntokens = 0;
	int r;

	(void)argc;
	if ((r = auth_user_remove(ctx->st, argv[1], &ntokens, err)) < 0)
		return r;
	if (!ctx->json)
		printf("removed user '%s'; revoked its sessions and %zu "
		       "token%s\n",
		       argv[1], ntokens, ntokens == 1 ? "" : "s");
	return 0;
}

static int
user_role(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	enum role role;
	int r;

	(void)argc;
	if (role_parse(argv[2], &role) < 0)
		return tw_error_set(err, TW_EINPUT,
				    "invalid role '%s' (use admin, editor or "
				    "viewer)",
				    argv[2]);
	if ((r = auth_user_role(ctx->st, argv[1], role, err)) < 0)
		return r;
	if (!ctx->json)
		printf("user '%s' is now %s %s\n", argv[1],
		       role == ROLE_ADMIN ? "an" : "a", role_name(role));
	return 0;
}

static int
user_passwd(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	bool keep_tokens = false;
	const struct cli_opt opts[] = {
		{ "keep-tokens", OPT_FLAG, &keep_tokens },
		{ NULL, 0, NULL },
	};
	struct store_user u;
	size_t ntokens;
	char *pw;
	int r;

	r = cli_options_exact(&cmd_user_entry, argc, argv, opts, 1,
			      "user passwd takes exactly one NAME", err);
	if (r < 0)
		return r;
	if ((r = auth_init(err)) < 0)
		return r;
	/* An unknown user fails before a password is typed. */
	if ((r = store_user_get(ctx->st, argv[optind], &u, err)) < 0)
		return r;
	store_user_release(&u);
	if ((r = read_new_password(&pw, err)) < 0)
		return r;
	r = auth_user_passwd(ctx->st, argv[optind], pw, keep_tokens, &ntokens,
			     err);
	auth_secret_free(pw);
	if (r < 0)
		return r;
	if (ctx->json)
		return 0;
	printf("changed the password of user '%s'; its sessions are signed "
	       "out",
	       argv[optind]);
	if (keep_tokens)
		printf(" and its API tokens kept\n");
	else
		printf(" and %zu API token%s revoked\n", ntokens,
		       ntokens == 1 ? "" : "s");
	return 0;
}

/* The From of the user's drafts: --email ADDR, --full-name TEXT ("" clears). */
static int
user_set(struct cli_ctx *ctx, int argc, char **argv, struct tw_error *err)
{
	const char *email = NULL, *full_name = NULL;
	const struct cli_opt opts[] = {
		{ "email", OPT_STR, &email },
		{ "full-name", OPT_STR, &full_name },
		{ NULL, 0, NULL },
	};
	struct store_user u;
	int r;

	r = cli_options_exact(&cmd_user_entry, argc, argv, opts, 1,
			      "user set takes exactly one NAME", err);
	if (r < 0)
		return r;
	if (!email && !full_name)
		return cmd_usage_error(&cmd_user_entry, err,
				       "user set needs --email or "
				       "--full-name");
	if (email && *email && !eml_address_is_valid(email))
		return tw_error_set(err, TW_EINPUT,
				    "--email: invalid email address '%s' "
				    "(expected local@domain)",
				    email);
	if (full_name && (!utf8_valid(full_name) ||
			  strpbrk(full_name, "\r\n\t\x7f")))
		return tw_error_set(err, TW_EINPUT,
				    "--full-name: one line of UTF-8 text, "
				    "without control characters");
	if ((r = store_begin(ctx->st, err)) < 0)
		return r;
	if ((r = store_user_get(ctx->st, argv[optind], &u, err)) == 0) {
		if (email)
			xstrset(&u.email, *email ? email : NULL);
		if (full_name)
			xstrset(&u.full_name, *full_name ? full_name : NULL);
		r = store_user_put(ctx->st, &u, err);
	}
	if (r == 0)
		r = store_commit(ctx->st, err);
	if (r < 0)
		store_rollback(ctx->st);
	if (r == 0 && !ctx->json)
		printf("user '%s': e-mail %s, full name %s\n", u.name,
		       u.email ? u.email : "(none)",
		       u.full_name ? u.full_name : "(none)");
	store_user_release(&u);
	return r;
}

static const struct subcmd subs[] = {
	{ "add", user_add, 0, NULL },
	{ "list", user_list, 0, "user list takes no arguments" },
	{ "passwd", user_passwd, 0, NULL },
	{ "rm", user_rm, 1, "user rm takes exactly one NAME" },
	{ "role", user_role, 2, "user role takes a NAME and a ROLE" },
	{ "set", user_set, 0, NULL },
	{ NULL, NULL, 0, NULL },
};

const struct cmd_entry cmd_user_entry = {
	.name = "user", .flags = NEED_STORE,
	.subs = subs,
};
