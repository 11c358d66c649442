/*
 * Accounts and secrets for techwin serve (libsodium): password hashing with
 * Argon2id, random tokens, secrets stored only as hashes, constant-time
 * comparison, sessions with CSRF tokens, bearer tokens, share links, and a
 * limiter for failed logins per address and per account.
 */
#ifndef TW_AUTH_H
#define TW_AUTH_H

#include <stdbool.h>

#include "core/date.h"
#include "store/store.h"
#include "util/error.h"

enum role { ROLE_VIEWER, ROLE_EDITOR, ROLE_ADMIN };
const char *role_name(enum role r);
int role_parse(const char *s, enum role *out);

/* Who a request acts as. */
struct principal {
	long long user_id;
	char *name;
	enum role role;
	char *csrf;	/* the session's CSRF token; NULL for bearer tokens */
};
void principal_release(struct principal *p);

/*
 * sodium_init(); 0 or TW_ESTORE. Call once before anything below. The
 * functions that take a store use its prepared statements, so, like any
 * store call, they must not run concurrently on one struct store.
 */
int auth_init(struct tw_error *err);

/*
 * Argon2id (crypto_pwhash_str) of password into *out (caller frees), at
 * libsodium's interactive cost. TECHWIN_PWHASH_FAST=1 in the environment
 * picks the minimum cost instead: for test suites only, never for real
 * accounts (the cost is recorded in the hash, so verifying works either
 * way).
 */
int auth_hash_password(const char *password, char **out, struct tw_error *err);
bool auth_verify_password(const char *hash, const char *password);

/* 32 random bytes, URL-safe base64 without padding (caller frees). */
char *auth_random_token(void);
/* Hex SHA-256 of a secret: the only form in which secrets are stored. */
char *auth_secret_hash(const char *secret);
/* Constant-time string equality (sodium_memcmp on equal lengths). */
bool auth_equal(const char *a, const char *b);
/* Wipe a secret (a password, a token) and free it; NULL is fine. */
void auth_secret_free(char *s);

/*
 * Names of users and tokens: 1 to 64 of A-Z a-z 0-9 . _ @ -, so they print
 * safely in tables and logs. what names the thing in the message.
 */
int auth_check_name(const char *what, const char *name, struct tw_error *err);
/* The password policy: at least 8 characters. TW_EINPUT otherwise. */
int auth_check_password(const char *password, struct tw_error *err);

/*
 * Account changes, each in one transaction of its own (so none may be open
 * on st). auth_user_add creates a user (TW_EEXIST when the name is taken);
 * auth_user_passwd replaces a user's password and deletes every session
 * of that user and, unless keep_tokens, every API token, counting those in
 * *tokens (may be NULL) (TW_ENOTFOUND for an unknown user). Both apply
 * auth_check_name and auth_check_password.
 */
int auth_user_add(struct store *st, const char *name, enum role role,
		  const char *password, struct tw_error *err);
int auth_user_passwd(struct store *st, const char *name,
		     const char *password, bool keep_tokens, size_t *tokens,
		     struct tw_error *err);
/*
 * auth_user_role gives the user name another role; auth_user_remove
 * deletes the user with its sessions and API tokens (their number in
 * *tokens, may be NULL). Either refuses (TW_EINPUT) to leave the
 * workspace without an admin: the last admin can be neither demoted nor
 * removed. TW_ENOTFOUND for an unknown user. One transaction each.
 */
int auth_user_role(struct store *st, const char *name, enum role role,
		   struct tw_error *err);
int auth_user_remove(struct store *st, const char *name, size_t *tokens,
		     struct tw_error *err);
/*
 * A new API token named name for user; *token gets the value, which is
 * stored only hashed and so can be shown only now (caller frees).
 */
int auth_token_add(struct store *st, const char *name, const char *user,
		   char **token, struct tw_error *err);
/*
 * A new share link to the deal slug that works through the day expires
 * (DATE_NONE: until revoked); *token as for auth_token_add, *id the
 * link's number for share list and share rm (id may be NULL).
 */
int auth_share_add(struct store *st, const char *slug, tw_date expires,
		   char **token, long long *id, struct tw_error *err);
/*
 * A share link as techwin share and the deal page make it: refuses an
 * expiry before today and a base that is not a plain http(s) URL
 * (TW_EINPUT), then adds the link; made gets its row (caller releases)
 * and *url "BASE/share/TOKEN", which can be shown only now (caller frees
 * with auth_secret_free).
 */
int auth_share_make(struct store *st, const char *slug, tw_date expires,
		    tw_date today, const char *base, struct store_share *made,
		    char **url, struct tw_error *err);
/*
 * A share link's last day as the user gave it (--expires, the API's and
 * the form's "expires"): a date, or "never" said explicitly; none (NULL
 * or "") is SHARE_DEFAULT_DAYS days after today. TW_EINPUT naming
 * --expires for anything else.
 */
#define SHARE_DEFAULT_DAYS 90
int auth_share_expires_parse(const char *text, tw_date today, tw_date *out,
			     struct tw_error *err);
/* A share link's number as the user typed it ("3"); TW_EINPUT else. */
int auth_share_id_parse(const char *s, long long *id, struct tw_error *err);
/*
 * Revoke link id; with slug, only a link of that deal (TW_ENOTFOUND for
 * another deal's, so a deal's page cannot revoke another's links).
 */
int auth_share_revoke(struct store *st, const char *slug, long long id,
		      tw_date today, struct tw_error *err);

/*
 * Sessions. auth_login checks the password and creates a session valid
 * until now + ttl seconds; *cookie gets the random value for the cookie.
 * A wrong password and an unknown user are the same TW_ENOTFOUND, with
 * the same message and about the same time. auth_session resolves a
 * cookie value (TW_ENOTFOUND when unknown or expired). Logout deletes the
 * session; logging out of an unknown or expired session is not an error.
 */
int auth_login(struct store *st, const char *user, const char *password,
	       long long now, long long ttl, char **cookie,
	       struct principal *out, struct tw_error *err);
int auth_session(struct store *st, const char *cookie, long long now,
		 struct principal *out, struct tw_error *err);
int auth_logout(struct store *st, const char *cookie, struct tw_error *err);
/* An API bearer token (techwin token add). TW_ENOTFOUND when unknown. */
int auth_bearer(struct store *st, const char *token, struct principal *out,
		struct tw_error *err);
/* The submitted CSRF token matches the session's (constant time). */
bool auth_csrf_ok(const struct principal *p, const char *submitted);
/* A share link's deal slug (caller frees) and, when id is not NULL, its
 * number; TW_ENOTFOUND when unknown, revoked or expired on today. */
int auth_share(struct store *st, const char *token, tw_date today,
	       char **slug, long long *id, struct tw_error *err);

/*
 * Failed logins, counted per address and per account (the user name
 * tried, whether it exists or not). An address is blocked while its last
 * max_attempts failures all lie within the last window seconds (a sliding
 * window); an account likewise after RL_ACCOUNT_FACTOR times as many, from
 * any addresses, so that a guesser who moves between addresses is still
 * stopped but one address alone cannot lock an account. Both numbers are
 * at least 1. A successful login forgets only its own account's failures:
 * never its address's (else a user could log in between guesses at
 * another account) and never another account's. Thread-safe; a NULL
 * limiter never blocks.
 */
#define RL_ACCOUNT_FACTOR 4
/*
 * The same limiter counts the posts of each share link's forms ("link
 * N", no account): at most SHARE_POSTS_MAX within SHARE_POSTS_WINDOW
 * seconds, refused or not.
 */
#define SHARE_POSTS_MAX 20
#define SHARE_POSTS_WINDOW 600
struct rate_limiter;
struct rate_limiter *rate_limiter_new(int max_attempts, int window);
enum rl_block {
	RL_OPEN,	/* may try */
	RL_ADDRESS,	/* the address has used up its attempts */
	RL_ACCOUNT,	/* the account has */
};
/* May a login from addr as user be tried now? (NULL: not checked.) */
enum rl_block rate_limiter_check(struct rate_limiter *rl, const char *addr,
				 const char *user, long long now);
/*
 * The same check, and when it passes the attempt is counted at once as a
 * failure of both addr and user (NULL: not counted), before the password
 * is even looked at.
 */
enum rl_block rate_limiter_attempt(struct rate_limiter *rl,
				   const char *addr, const char *user,
				   long long now);
/*
 * The attempt succeeded: addr gets back the one failure it was counted
 * (its earlier ones stay), and user's failures are forgotten.
 */
void rate_limiter_success(struct rate_limiter *rl, const char *addr,
			  const char *user);
void rate_limiter_free(struct rate_limiter *rl);

#endif
