/*
 * Accounts and secrets for techwin serve and the user, token and share
 * commands, on libsodium: Argon2id password hashes, random tokens that are
 * handed out once and stored only as SHA-256 hashes, constant-time
 * comparison, sessions with a CSRF token each, bearer tokens, share links,
 * and a limiter for failed logins per address and per account.
 */
#include "web/auth.h"
#include "store/links.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_BYTES 32
#define NAME_MAX_LEN 64
#define PASSWORD_MIN_CHARS 8
/*
 * Distinct addresses, and distinct accounts, the limiter remembers (older
 * ones are forgotten); each key is kept to RL_KEY_MAX bytes.
 */
#define RL_MAX_KEYS 4096
#define RL_KEY_MAX 128

static const char *const role_names[] = {
	[ROLE_VIEWER] = "viewer",
	[ROLE_EDITOR] = "editor",
	[ROLE_ADMIN] = "admin",
};

const char *
role_name(enum role r)
{
	if ((size_t)r < ARRAY_SIZE(role_names))
		return role_names[r];
	return "viewer";
}

int
role_parse(const char *s, enum role *out)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(role_names); i++) {
		if (!strcmp(s, role_names[i])) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

void
principal_release(struct principal *p)
{
	if (!p)
		return;
	free(p->name);
	auth_secret_free(p->csrf);
	memset(p, 0, sizeof(*p));
}

int
auth_init(struct tw_error *err)
{
	/* 1 means already initialised, which is fine. */
	if (sodium_init() < 0)
		return tw_error_set(err, TW_ESTORE,
				    "cannot initialise libsodium");
	return 0;
}

/* ---- primitives ------------------------------------------------------- */

static bool
pwhash_fast(void)
{
	const char *v = getenv("TECHWIN_PWHASH_FAST");

	return v && !strcmp(v, "1");
}

int
auth_hash_password(const char *password, char **out, struct tw_error *err)
{
	char buf[crypto_pwhash_STRBYTES];
	unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
	size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

	*out = NULL;
	if (pwhash_fast()) {
		ops = crypto_pwhash_OPSLIMIT_MIN;
		mem = crypto_pwhash_MEMLIMIT_MIN;
	}
	/* crypto_pwhash_str is Argon2id (crypto_pwhash_ALG_DEFAULT). */
	if (crypto_pwhash_str(buf, password, strlen(password), ops, mem) != 0)
		return tw_error_set(err, TW_ESTORE,
				    "cannot hash the password: out of memory");
	*out = xstrdup(buf);
	return 0;
}

bool
auth_verify_password(const char *hash, const char *password)
{
	if (!hash || !password)
		return false;
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

char *
auth_random_token(void)
{
	unsigned char raw[TOKEN_BYTES];
	size_t n = sodium_base64_ENCODED_LEN(
		TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = xmalloc(n);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, n, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return out;
}

char *
auth_secret_hash(const char *secret)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char *out = xmalloc(crypto_hash_sha256_BYTES * 2 + 1);

	crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
	sodium_bin2hex(out, crypto_hash_sha256_BYTES * 2 + 1, h, sizeof(h));
	return out;
}

bool
auth_equal(const char *a, const char *b)
{
	size_t n;

	if (!a || !b)
		return false;
	/* Lengths are public: every token techwin makes has the same one. */
	n = strlen(a);
	if (n != strlen(b))
		return false;
	return sodium_memcmp(a, b, n) == 0;
}

void
auth_secret_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

/* ---- policy ----------------------------------------------------------- */

int
auth_check_name(const char *what, const char *name, struct tw_error *err)
{
	size_t n = name ? strlen(name) : 0;

	if (!n)
		return tw_error_set(err, TW_EINPUT, "empty %s name", what);
	if (n > NAME_MAX_LEN)
		return tw_error_set(err, TW_EINPUT,
				    "%s name '%s' is longer than %d characters",
				    what, name, NAME_MAX_LEN);
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '@' || c == '-'))
			return tw_error_set(err, TW_EINPUT,
					    "invalid %s name '%s' (use letters, "
					    "digits, '.', '_', '@' and '-')",
					    what, name);
	}
	return 0;
}

int
auth_check_password(const char *password, struct tw_error *err)
{
	size_t chars = 0;

	if (!password || !*password)
		return tw_error_set(err, TW_EINPUT, "empty password");
	/* Characters, not bytes: count UTF-8 lead bytes. */
	for (const char *p = password; *p; p++)
		if (((unsigned char)*p & 0xC0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_CHARS)
		return tw_error_set(err, TW_EINPUT,
				    "password is shorter than %d characters",
				    PASSWORD_MIN_CHARS);
	return 0;
}

/* ---- account changes -------------------------------------------------- */

/*
 * The hash of a user's new password, after checking both. Called before
 * taking the write lock: hashing is the slow part.
 */
static int
new_password_hash(const char *name, const char *password, char **hash,
		  struct tw_error *err)
{
	int r;

	if ((r = auth_check_name("user", name, err)) < 0 ||
	    (r = auth_check_password(password, err)) < 0)
		return r;
	return auth_hash_password(password, hash, err);
}

/*
 * Give the user name a new password: a new user with *role, or (role
 * NULL) an existing one, whose sessions are then signed out and, unless
 * keep_tokens, its API tokens revoked (their number in *tokens).
 */
static int
put_user(struct store *st, const char *name, const enum role *role,
	 const char *password, bool keep_tokens, size_t *tokens,
	 struct tw_error *err)
{
	struct store_user u = { 0 };
	char *hash = NULL;
	int r;

	if ((r = new_password_hash(name, password, &hash, err)) < 0)
		return r;
	if ((r = store_begin(st, err)) < 0)
		goto out;
	r = store_user_get(st, name, &u, err);
	if (role && r == 0) {
		r = tw_error_set(err, TW_EEXIST, "user '%s' already exists",
				 name);
	} else if (role && r == TW_ENOTFOUND) {
		u.name = xstrdup(name);
		u.role = xstrdup(role_name(*role));
		r = 0;
	}
	if (r == 0) {
		free(u.pw_hash);
		u.pw_hash = hash;
		hash = NULL;
		r = store_user_put(st, &u, err);
	}
	/*
	 * Whoever knew the old password must not stay signed in, and a
	 * token that may have leaked with it goes too, unless the caller
	 * says the tokens are safe.
	 */
	if (tokens)
		*tokens = 0;
	if (r == 0 && !role)
		r = store_session_delete_user(st, u.id, NULL, err);
	if (r == 0 && !role && !keep_tokens)
		r = store_token_delete_user(st, u.id, tokens, err);
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0)
		store_rollback(st);
out:
	store_user_release(&u);
	free(hash);
	return r;
}

int
auth_user_add(struct store *st, const char *name, enum role role,
	      const char *password, struct tw_error *err)
{
	return put_user(st, name, &role, password, true, NULL, err);
}

int
auth_user_passwd(struct store *st, const char *name, const char *password,
		 bool keep_tokens, size_t *tokens, struct tw_error *err)
{
	return put_user(st, name, NULL, password, keep_tokens, tokens, err);
}

/*
 * TW_EINPUT when u is the only admin, so what would demote or remove it
 * must not: nobody could then manage the accounts from the browser.
 */
static int
not_last_admin(struct store *st, const struct store_user *u, const char *what,
	       struct tw_error *err)
{
	struct store_user_list ul;
	size_t admins = 0;
	int r;

	if (strcmp(u->role, "admin"))
		return 0;
	if ((r = store_user_list(st, &ul, err)) < 0)
		return r;
	for (size_t i = 0; i < ul.n; i++)
		admins += !strcmp(ul.items[i].role, "admin");
	store_user_list_release(&ul);
	if (admins > 1)
		return 0;
	return tw_error_set(err, TW_EINPUT, "cannot %s user '%s': it is the "
			    "only admin (make another user admin first)",
			    what, u->name);
}

int
auth_user_role(struct store *st, const char *name, enum role role,
	       struct tw_error *err)
{
	struct store_user u;
	int r;

	if ((r = store_begin(st, err)) < 0)
		return r;
	r = store_user_get(st, name, &u, err);
	if (r == 0 && role != ROLE_ADMIN)
		r = not_last_admin(st, &u, "demote", err);
	if (r == 0) {
		xstrset(&u.role, role_name(role));
		r = store_user_put(st, &u, err);
	}
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0)
		store_rollback(st);
	store_user_release(&u);
	return r;
}

int
auth_user_remove(struct store *st, const char *name, size_t *tokens,
		 struct tw_error *err)
{
	struct store_token_list tl;
	struct store_user u;
	size_t n = 0;
	int r;

	if (tokens)
		*tokens = 0;
	if ((r = store_begin(st, err)) < 0)
		return r;
	r = store_user_get(st, name, &u, err);
	if (r == 0)
		r = not_last_admin(st, &u, "remove", err);
	/* Count what goes with the user, in the transaction that drops it. */
	if (r == 0 && (r = store_token_list(st, &tl, err)) == 0) {
		for (size_t i = 0; i < tl.n; i++)
			n += !strcmp(tl.items[i].user, name);
		store_token_list_release(&tl);
	}
	if (r == 0)
		r = store_user_delete(st, name, err);
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0)
		store_rollback(st);
	else if (tokens)
		*tokens = n;
	store_user_release(&u);
	return r;
}

int
auth_token_add(struct store *st, const char *name, const char *user,
	       char **token, struct tw_error *err)
{
	struct store_token t = { 0 };
	char *value;
	int r;

	*token = NULL;
	if ((r = auth_check_name("token", name, err)) < 0)
		return r;
	value = auth_random_token();
	t.name = xstrdup(name);
	t.user = xstrdup(user ? user : "");
	t.hash = auth_secret_hash(value);
	/* One put: the store runs it in a transaction of its own. */
	r = store_token_put(st, &t, err);
	store_token_release(&t);
	if (r < 0)
		auth_secret_free(value);
	else
		*token = value;
	return r;
}

/* A new link to slug: sh gets its row (id, created), *token the value. */
static int
share_put(struct store *st, const char *slug, tw_date expires,
	  struct store_share *sh, char **token, struct tw_error *err)
{
	char *value = auth_random_token();
	int r;

	*token = NULL;
	memset(sh, 0, sizeof(*sh));
	sh->deal = xstrdup(slug ? slug : "");
	sh->hash = auth_secret_hash(value);
	sh->expires = expires;
	/* One put: the store runs it in a transaction of its own. */
	r = store_share_put(st, sh, err);
	if (r < 0)
		auth_secret_free(value);
	else
		*token = value;
	return r;
}

int
auth_share_add(struct store *st, const char *slug, tw_date expires,
	       char **token, long long *id, struct tw_error *err)
{
	struct store_share sh;
	int r = share_put(st, slug, expires, &sh, token, err);

	if (r == 0 && id)
		*id = sh.id;
	store_share_release(&sh);
	return r;
}

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
parse_base_url(const char *s, size_t *len, struct tw_error *err)
{
	const char *host;
	size_t n = strlen(s);

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
	*len = n;
	return 0;
}

int
auth_share_make(struct store *st, const char *slug, tw_date expires,
		tw_date today, const char *base, struct store_share *made,
		char **url, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	char day[DATE_BUFSZ], *token;
	size_t n = 0;
	int r;

	*url = NULL;
	memset(made, 0, sizeof(*made));
	if (expires != DATE_NONE && expires < today)
		return tw_error_set(err, TW_EINPUT,
				    "--expires: '%s' is in the past",
				    date_format(expires, day));
	if ((r = parse_base_url(base, &n, err)) < 0)
		return r;
	/* The link and its row on the deal (made today) go together. */
	if ((r = store_begin(st, err)) < 0)
		return r;
	if ((r = share_put(st, slug, expires, made, &token, err)) == 0 &&
	    (r = store_link_run(st, slug, made->id, V_LINK_ADD, today,
				expires, NULL, NULL, err)) < 0)
		auth_secret_free(token);
	if (r == 0)
		r = store_commit(st, err);
	if (r < 0) {
		store_rollback(st);
		store_share_release(made);
		return r;
	}
	strbuf_add(&sb, base, n);
	strbuf_addf(&sb, "/share/%s", token);
	auth_secret_free(token);
	*url = strbuf_detach(&sb, NULL);
	return 0;
}

int
auth_share_expires_parse(const char *text, tw_date today, tw_date *out,
			 struct tw_error *err)
{
	struct tw_error why = { 0 };

	*out = DATE_NONE;
	if (!text || !*text) {
		*out = today + SHARE_DEFAULT_DAYS;
		return 0;
	}
	if (!strcmp(text, "never"))
		return 0;
	if (date_parse(text, out, &why) < 0)
		return tw_error_set(err, TW_EINPUT, "--expires: %s; give a "
				    "date or never", why.msg);
	return 0;
}

int
auth_share_id_parse(const char *s, long long *id, struct tw_error *err)
{
	char *end;

	errno = 0;
	*id = strtoll(s, &end, 10);
	if (!*s || *end || errno || *id < 1)
		return tw_error_set(err, TW_EINPUT,
				    "ID: expected a share link number (see "
				    "'techwin share list'), got '%s'",
				    s);
	return 0;
}

int
auth_share_revoke(struct store *st, const char *slug, long long id,
		  tw_date today, struct tw_error *err)
{
	struct store_share_list l;
	char *deal = NULL;
	int r;

	if ((r = store_share_list(st, slug, &l, err)) < 0)
		return r;
	for (size_t i = 0; i < l.n && !deal; i++)
		if (l.items[i].id == id)
			deal = xstrdup(l.items[i].deal);
	store_share_list_release(&l);
	if (!deal && slug)
		return tw_error_set(err, TW_ENOTFOUND,
				    "unknown share link %lld of deal '%s'", id,
				    slug);
	if (!deal)
		return store_share_delete(st, id, err);
	/* The link and its row on the deal go together. */
	if ((r = store_begin(st, err)) < 0) {
		free(deal);
		return r;
	}
	if ((r = store_share_delete(st, id, err)) == 0 &&
	    (r = store_link_run(st, deal, id, V_LINK_REMOVE, today, DATE_NONE,
				NULL, NULL, err)) == 0)
		r = store_commit(st, err);
	if (r < 0)
		store_rollback(st);
	free(deal);
	return r;
}

/* ---- sessions, bearer tokens, share links ------------------------------ */

static const char bad_login[] = "invalid user name or password";

/*
 * A hash to verify against when the user does not exist, so an unknown
 * name costs the same Argon2id work as a wrong password and the response
 * time does not tell which names exist.
 */
static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy_hash(void)
{
	char *pw = auth_random_token();

	if (auth_hash_password(pw, &dummy_hash, NULL) < 0)
		dummy_hash = NULL;
	auth_secret_free(pw);
}

static void
burn_verify(const char *password)
{
	pthread_once(&dummy_once, make_dummy_hash);
	if (dummy_hash)
		(void)auth_verify_password(dummy_hash, password);
}

/* A principal for user u; csrf is copied (NULL for bearer tokens). */
static int
principal_from_user(const struct store_user *u, const char *csrf,
		    struct principal *out, struct tw_error *err)
{
	enum role role;

	if (role_parse(u->role, &role) < 0)
		return tw_error_set(err, TW_ESTORE,
				    "user '%s' has an invalid role '%s'",
				    u->name, u->role ? u->role : "");
	out->user_id = u->id;
	out->name = xstrdup(u->name);
	out->role = role;
	out->csrf = xstrdup_or_null(csrf);
	return 0;
}

int
auth_login(struct store *st, const char *user, const char *password,
	   long long now, long long ttl, char **cookie, struct principal *out,
	   struct tw_error *err)
{
	struct store_user u;
	struct store_session se = { 0 };
	char *value = NULL;
	int r;

	*cookie = NULL;
	memset(out, 0, sizeof(*out));
	if (ttl <= 0)
		return tw_error_set(err, TW_EINPUT,
				    "session lifetime must be positive");
	if (!password)
		password = "";
	r = store_user_get(st, user ? user : "", &u, err);
	if (r == TW_ENOTFOUND) {
		burn_verify(password);
		return tw_error_set(err, TW_ENOTFOUND, "%s", bad_login);
	}
	if (r < 0)
		return r;
	if (!auth_verify_password(u.pw_hash, password)) {
		r = tw_error_set(err, TW_ENOTFOUND, "%s", bad_login);
		goto out;
	}
	/* Housekeeping: logins are rare enough to sweep old sessions. */
	if ((r = store_session_delete_expired(st, now, NULL, err)) < 0)
		goto out;
	value = auth_random_token();
	se.id_hash = auth_secret_hash(value);
	se.user_id = u.id;
	se.csrf = auth_random_token();
	se.expires = now + ttl;
	if ((r = store_session_put(st, &se, err)) < 0)
		goto out;
	if ((r = principal_from_user(&u, se.csrf, out, err)) < 0) {
		store_session_delete(st, se.id_hash, NULL);
		goto out;
	}
	*cookie = value;
	value = NULL;
out:
	auth_secret_free(value);
	free(se.id_hash);
	auth_secret_free(se.csrf);
	store_user_release(&u);
	return r;
}

int
auth_session(struct store *st, const char *cookie, long long now,
	     struct principal *out, struct tw_error *err)
{
	struct store_session se;
	struct store_user u;
	char *hash;
	int r;

	memset(out, 0, sizeof(*out));
	if (!cookie || !*cookie)
		return tw_error_set(err, TW_ENOTFOUND, "no session");
	hash = auth_secret_hash(cookie);
	r = store_session_get(st, hash, &se, err);
	if (r < 0) {
		free(hash);
		return r;
	}
	if (now >= se.expires) {
		store_session_delete(st, hash, NULL);
		r = tw_error_set(err, TW_ENOTFOUND, "session expired");
	} else if ((r = store_user_get_by_id(st, se.user_id, &u, err)) == 0) {
		r = principal_from_user(&u, se.csrf, out, err);
		store_user_release(&u);
	}
	free(hash);
	store_session_release(&se);
	return r;
}

int
auth_logout(struct store *st, const char *cookie, struct tw_error *err)
{
	char *hash;
	int r;

	if (!cookie || !*cookie)
		return 0;
	hash = auth_secret_hash(cookie);
	r = store_session_delete(st, hash, err);
	free(hash);
	return r == TW_ENOTFOUND ? 0 : r;
}

int
auth_bearer(struct store *st, const char *token, struct principal *out,
	    struct tw_error *err)
{
	struct store_token t;
	struct store_user u;
	char *hash;
	int r;

	memset(out, 0, sizeof(*out));
	if (!token || !*token)
		return tw_error_set(err, TW_ENOTFOUND, "unknown token");
	hash = auth_secret_hash(token);
	r = store_token_find_by_hash(st, hash, &t, err);
	free(hash);
	if (r < 0)
		return r;
	r = store_user_get_by_id(st, t.user_id, &u, err);
	if (r == 0) {
		r = principal_from_user(&u, NULL, out, err);
		store_user_release(&u);
	}
	store_token_release(&t);
	return r;
}

bool
auth_csrf_ok(const struct principal *p, const char *submitted)
{
	if (!p || !p->csrf || !*p->csrf || !submitted || !*submitted)
		return false;
	return auth_equal(p->csrf, submitted);
}

int
auth_share(struct store *st, const char *token, tw_date today, char **slug,
	   long long *id, struct tw_error *err)
{
	struct store_share sh;
	char *hash;
	int r;

	*slug = NULL;
	if (!token || !*token)
		return tw_error_set(err, TW_ENOTFOUND, "unknown share link");
	hash = auth_secret_hash(token);
	r = store_share_find_by_hash(st, hash, &sh, err);
	free(hash);
	if (r < 0)
		return r;
	/* The expiry day is the last day the link works. */
	if (sh.expires != DATE_NONE && today > sh.expires) {
		r = tw_error_set(err, TW_ENOTFOUND, "share link expired");
	} else {
		*slug = sh.deal;
		sh.deal = NULL;
		if (id)
			*id = sh.id;
	}
	store_share_release(&sh);
	return r;
}

/* ---- the login rate limiter ------------------------------------------- */

/* An address or an account: the times of its last max failures, oldest
 * at head. */
struct rl_entry {
	char *key;
	long long *fails;
	int n, head;
	long long last;
};

/* The entries of one kind, each blocked after max failures. */
struct rl_table {
	int max;
	struct rl_entry *items;
	size_t n, alloc;
};

struct rate_limiter {
	pthread_mutex_t lock;
	int window;
	struct rl_table addrs, accounts;
};

struct rate_limiter *
rate_limiter_new(int max_attempts, int window)
{
	struct rate_limiter *rl = xcalloc(1, sizeof(*rl));

	pthread_mutex_init(&rl->lock, NULL);
	rl->addrs.max = max_attempts < 1 ? 1 : max_attempts;
	rl->accounts.max = rl->addrs.max > INT_MAX / RL_ACCOUNT_FACTOR
				   ? INT_MAX
				   : rl->addrs.max * RL_ACCOUNT_FACTOR;
	rl->window = window < 1 ? 1 : window;
	return rl;
}

/* Keys are kept to RL_KEY_MAX bytes; compare them the same way. */
static struct rl_entry *
rl_find(struct rl_table *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strncmp(t->items[i].key, key, RL_KEY_MAX))
			return &t->items[i];
	return NULL;
}

static void
rl_remove(struct rl_table *t, size_t i)
{
	free(t->items[i].key);
	free(t->items[i].fails);
	t->items[i] = t->items[--t->n];
}

/*
 * Make room for one more key: forget those whose last failure is out of
 * the window (they block nothing), else the one idle the longest.
 */
static void
rl_make_room(struct rl_table *t, int window, long long now)
{
	size_t oldest = 0;

	for (size_t i = t->n; i-- > 0;)
		if (now - t->items[i].last >= window)
			rl_remove(t, i);
	if (t->n < RL_MAX_KEYS)
		return;
	for (size_t i = 1; i < t->n; i++)
		if (t->items[i].last < t->items[oldest].last)
			oldest = i;
	rl_remove(t, oldest);
}

static void
rl_fail(struct rl_table *t, int window, const char *key, long long now)
{
	struct rl_entry *e = rl_find(t, key);

	if (!e) {
		if (t->n >= RL_MAX_KEYS)
			rl_make_room(t, window, now);
		ALLOC_GROW(t->items, t->n + 1, t->alloc);
		e = &t->items[t->n++];
		memset(e, 0, sizeof(*e));
		e->key = xstrndup(key, RL_KEY_MAX);
		e->fails = xcalloc((size_t)t->max, sizeof(*e->fails));
	}
	if (e->n < t->max) {
		e->fails[(e->head + e->n) % t->max] = now;
		e->n++;
	} else {
		e->fails[e->head] = now;
		e->head = (e->head + 1) % t->max;
	}
	e->last = now;
}

/* Blocked while the oldest of the last max failures is recent. */
static bool
rl_blocked(struct rl_table *t, int window, const char *key, long long now)
{
	struct rl_entry *e = key ? rl_find(t, key) : NULL;

	return e && e->n >= t->max && now - e->fails[e->head] < window;
}

static enum rl_block
rl_check(struct rate_limiter *rl, const char *addr, const char *user,
	 long long now)
{
	if (rl_blocked(&rl->addrs, rl->window, addr, now))
		return RL_ADDRESS;
	if (rl_blocked(&rl->accounts, rl->window, user, now))
		return RL_ACCOUNT;
	return RL_OPEN;
}

/*
 * The check, and with count the attempt counted when it passes, under one
 * lock: parallel requests cannot all pass before the first is counted.
 */
static enum rl_block
rl_step(struct rate_limiter *rl, const char *addr, const char *user,
	long long now, bool count)
{
	enum rl_block b;

	if (!rl)
		return RL_OPEN;
	pthread_mutex_lock(&rl->lock);
	b = rl_check(rl, addr, user, now);
	if (count && b == RL_OPEN && addr)
		rl_fail(&rl->addrs, rl->window, addr, now);
	if (count && b == RL_OPEN && user)
		rl_fail(&rl->accounts, rl->window, user, now);
	pthread_mutex_unlock(&rl->lock);
	return b;
}

enum rl_block
rate_limiter_check(struct rate_limiter *rl, const char *addr,
		   const char *user, long long now)
{
	return rl_step(rl, addr, user, now, false);
}

enum rl_block
rate_limiter_attempt(struct rate_limiter *rl, const char *addr,
		     const char *user, long long now)
{
	return rl_step(rl, addr, user, now, true);
}

void
rate_limiter_success(struct rate_limiter *rl, const char *addr,
		     const char *user)
{
	struct rl_entry *e;

	if (!rl)
		return;
	pthread_mutex_lock(&rl->lock);
	/* The newest failure was this attempt, or as recent as it. */
	if (addr && (e = rl_find(&rl->addrs, addr)) && e->n)
		e->n--;
	if (user && (e = rl_find(&rl->accounts, user)))
		rl_remove(&rl->accounts, (size_t)(e - rl->accounts.items));
	pthread_mutex_unlock(&rl->lock);
}

static void
rl_clear(struct rl_table *t)
{
	while (t->n)
		rl_remove(t, t->n - 1);
	free(t->items);
}

void
rate_limiter_free(struct rate_limiter *rl)
{
	if (!rl)
		return;
	rl_clear(&rl->addrs);
	rl_clear(&rl->accounts);
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}
