/*
 * Accounts and secrets (web/auth.c) against a real SQLite store: password
 * hashing, tokens and their hashes, constant-time comparison, sessions with
 * expiry and CSRF tokens, bearer tokens, share links, the login rate
 * limiter, and that no secret ever reaches the database file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/model.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "web/auth.h"

#define PW "correct horse"
#define TTL 3600

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX];
	struct store *st;
};

static int
setup(void **state)
{
	struct fixture *fx = xcalloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	struct tw_error err = { 0 };
	int n;

	setenv("TECHWIN_PWHASH_FAST", "1", 1);
	unsetenv("TECHWIN_NOW");
	assert_int_equal(auth_init(&err), 0);
	snprintf(fx->dir, sizeof(fx->dir), "%s/tw-auth-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(fx->dir));
	n = snprintf(fx->path, sizeof(fx->path), "%s/techwin.db", fx->dir);
	assert_true(n > 0 && (size_t)n < sizeof(fx->path));
	assert_int_equal(store_open(&fx->st, fx->path, STORE_CREATE, "tester",
				    &err),
			 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	struct dirent *de;
	DIR *dir;

	store_close(fx->st);
	dir = opendir(fx->dir);
	while (dir && (de = readdir(dir))) {
		char p[PATH_MAX * 2];

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, de->d_name);
		unlink(p);
	}
	if (dir)
		closedir(dir);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void
add_user(struct store *st, const char *name, enum role role,
	 const char *password)
{
	struct tw_error err = { 0 };

	if (auth_user_add(st, name, role, password, &err))
		fail_msg("auth_user_add: %s", err.msg);
}

/* Log in at now; returns the cookie (caller frees). */
static char *
login_ok(struct store *st, const char *name, const char *password,
	 long long now, struct principal *p)
{
	struct tw_error err = { 0 };
	char *cookie;

	if (auth_login(st, name, password, now, TTL, &cookie, p, &err))
		fail_msg("auth_login: %s", err.msg);
	assert_non_null(cookie);
	return cookie;
}

static int
session_rc(struct store *st, const char *cookie, long long now)
{
	struct tw_error err = { 0 };
	struct principal p;
	int r = auth_session(st, cookie, now, &p, &err);

	principal_release(&p);
	return r;
}

static void
assert_url_safe_token(const char *t)
{
	assert_non_null(t);
	assert_int_equal(strlen(t), 43);
	for (const char *c = t; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
			fail_msg("'%c' in token '%s'", *c, t);
}

/* ---- primitives ------------------------------------------------------- */

static void
test_roles(void **state)
{
	enum role r;

	(void)state;
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_EDITOR), "editor");
	assert_string_equal(role_name(ROLE_VIEWER), "viewer");
	assert_int_equal(role_parse("editor", &r), 0);
	assert_int_equal(r, ROLE_EDITOR);
	assert_int_equal(role_parse("admin", &r), 0);
	assert_int_equal(r, ROLE_ADMIN);
	assert_int_equal(role_parse("Admin", &r), -1);
	assert_int_equal(role_parse("", &r), -1);
	assert_int_equal(role_parse(NULL, &r), -1);
}

static void
test_hash_password(void **state)
{
	struct tw_error err = { 0 };
	char *h1, *h2;

	(void)state;
	assert_int_equal(auth_hash_password(PW, &h1, &err), 0);
	assert_int_equal(auth_hash_password(PW, &h2, &err), 0);
	assert_true(!strncmp(h1, "$argon2id$", 10));
	/* Fast mode for tests: libsodium's minimum cost. */
	assert_non_null(strstr(h1, "$m=8,t=1,"));
	/* A fresh salt each time. */
	assert_string_not_equal(h1, h2);
	assert_null(strstr(h1, PW));

	assert_true(auth_verify_password(h1, PW));
	assert_true(auth_verify_password(h2, PW));
	assert_false(auth_verify_password(h1, "correct horsE"));
	assert_false(auth_verify_password(h1, "correct hors"));
	assert_false(auth_verify_password(h1, ""));
	assert_false(auth_verify_password(h1, NULL));
	assert_false(auth_verify_password(NULL, PW));
	assert_false(auth_verify_password("not a hash", PW));
	free(h1);
	free(h2);
}

/* Without TECHWIN_PWHASH_FAST the interactive cost is used. */
static void
test_hash_password_interactive(void **state)
{
	struct tw_error err = { 0 };
	char *h;

	(void)state;
	unsetenv("TECHWIN_PWHASH_FAST");
	assert_int_equal(auth_hash_password(PW, &h, &err), 0);
	setenv("TECHWIN_PWHASH_FAST", "1", 1);
	assert_true(!strncmp(h, "$argon2id$", 10));
	assert_non_null(strstr(h, "$m=65536,t=2,"));
	/* Verifying does not depend on the mode the hash was made in. */
	assert_true(auth_verify_password(h, PW));
	assert_false(auth_verify_password(h, "wrong password"));
	free(h);
}

static void
test_random_token(void **state)
{
	char *t[50];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		t[i] = auth_random_token();
		assert_url_safe_token(t[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i], t[j]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		free(t[i]);
}

static void
test_secret_hash(void **state)
{
	char *h = auth_secret_hash("abc"), *again = auth_secret_hash("abc");
	char *other = auth_secret_hash("abd");

	(void)state;
	/* FIPS 180-2 test vector. */
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223"
			       "b00361a396177a9cb410ff61f20015ad");
	assert_string_equal(h, again);
	assert_string_not_equal(h, other);
	assert_int_equal(strlen(other), 64);
	for (const char *c = other; *c; c++)
		assert_non_null(strchr("0123456789abcdef", *c));
	free(h);
	free(again);
	free(other);
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(auth_equal("", ""));
	assert_true(auth_equal("s3cret-token", "s3cret-token"));
	assert_false(auth_equal("s3cret-token", "s3cret-tokeN"));
	assert_false(auth_equal("s3cret-token", "s3cret-toke"));
	assert_false(auth_equal("s3cret-toke", "s3cret-token"));
	assert_false(auth_equal("a", ""));
	assert_false(auth_equal(NULL, "a"));
	assert_false(auth_equal("a", NULL));
	assert_false(auth_equal(NULL, NULL));
}

static void
test_policy(void **state)
{
	struct tw_error err = { 0 };
	char long_name[66];

	(void)state;
	assert_int_equal(auth_check_name("user", "alice", &err), 0);
	assert_int_equal(auth_check_name("user", "a.b_c-d@example.com", &err),
			 0);
	assert_int_equal(auth_check_name("user", "", &err), TW_EINPUT);
	assert_string_equal(err.msg, "empty user name");
	assert_int_equal(auth_check_name("token", NULL, &err), TW_EINPUT);
	assert_int_equal(auth_check_name("user", "al ice", &err), TW_EINPUT);
	assert_int_equal(auth_check_name("user", "x'--", &err), TW_EINPUT);
	assert_int_equal(auth_check_name("user", "<b>", &err), TW_EINPUT);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[65] = '\0';
	assert_int_equal(auth_check_name("user", long_name, &err), TW_EINPUT);
	long_name[64] = '\0';
	assert_int_equal(auth_check_name("user", long_name, &err), 0);

	assert_int_equal(auth_check_password("12345678", &err), 0);
	assert_int_equal(auth_check_password("1234567", &err), TW_EINPUT);
	assert_string_equal(err.msg, "password is shorter than 8 characters");
	assert_int_equal(auth_check_password("", &err), TW_EINPUT);
	assert_string_equal(err.msg, "empty password");
	assert_int_equal(auth_check_password(NULL, &err), TW_EINPUT);
	/* Characters, not bytes: seven two-byte letters are too short. */
	assert_int_equal(auth_check_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					     "\xc3\xa9\xc3\xa9\xc3\xa9",
					     &err),
			 TW_EINPUT);
	assert_int_equal(auth_check_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
					     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
					     &err),
			 0);
}

/* ---- accounts --------------------------------------------------------- */

static void
test_user_add(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct store_user u;

	add_user(fx->st, "alice", ROLE_EDITOR, PW);
	assert_int_equal(store_user_get(fx->st, "alice", &u, &err), 0);
	assert_string_equal(u.role, "editor");
	assert_true(!strncmp(u.pw_hash, "$argon2id$", 10));
	assert_true(auth_verify_password(u.pw_hash, PW));
	store_user_release(&u);

	assert_int_equal(auth_user_add(fx->st, "alice", ROLE_ADMIN, PW, &err),
			 TW_EEXIST);
	assert_string_equal(err.msg, "user 'alice' already exists");
	assert_int_equal(auth_user_add(fx->st, "bob", ROLE_ADMIN, "short",
				       &err),
			 TW_EINPUT);
	assert_int_equal(auth_user_add(fx->st, "bob", ROLE_ADMIN, "", &err),
			 TW_EINPUT);
	assert_int_equal(auth_user_add(fx->st, "b b", ROLE_ADMIN, PW, &err),
			 TW_EINPUT);
	assert_int_equal(store_user_get(fx->st, "bob", &u, &err),
			 TW_ENOTFOUND);
	/* The role was not changed by the refused second add. */
	assert_int_equal(store_user_get(fx->st, "alice", &u, &err), 0);
	assert_string_equal(u.role, "editor");
	store_user_release(&u);
}

static void
test_login_session(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p, q;
	struct store_session se;
	char *cookie, *again, *hash;
	long long now = 1700000000;

	add_user(fx->st, "alice", ROLE_EDITOR, PW);
	cookie = login_ok(fx->st, "alice", PW, now, &p);
	assert_url_safe_token(cookie);
	assert_string_equal(p.name, "alice");
	assert_int_equal(p.role, ROLE_EDITOR);
	assert_true(p.user_id > 0);
	assert_url_safe_token(p.csrf);

	/* The store holds the cookie's hash, never the cookie. */
	hash = auth_secret_hash(cookie);
	assert_int_equal(store_session_get(fx->st, hash, &se, &err), 0);
	assert_int_equal(se.expires, now + TTL);
	assert_int_equal(se.user_id, p.user_id);
	assert_string_equal(se.csrf, p.csrf);
	store_session_release(&se);
	assert_int_equal(store_session_get(fx->st, cookie, &se, &err),
			 TW_ENOTFOUND);

	/* Resolves until now + ttl, exclusive. */
	assert_int_equal(auth_session(fx->st, cookie, now, &q, &err), 0);
	assert_string_equal(q.name, "alice");
	assert_int_equal(q.role, ROLE_EDITOR);
	assert_int_equal(q.user_id, p.user_id);
	assert_string_equal(q.csrf, p.csrf);
	principal_release(&q);
	assert_int_equal(session_rc(fx->st, cookie, now + TTL - 1), 0);
	assert_int_equal(auth_session(fx->st, cookie, now + TTL, &q, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "session expired");
	/* An expired session is gone for good, even with an earlier clock. */
	assert_int_equal(store_session_get(fx->st, hash, &se, &err),
			 TW_ENOTFOUND);
	assert_int_equal(session_rc(fx->st, cookie, now), TW_ENOTFOUND);

	/* Each login is a new session with its own CSRF token. */
	again = login_ok(fx->st, "alice", PW, now, &q);
	assert_string_not_equal(again, cookie);
	assert_string_not_equal(q.csrf, p.csrf);
	principal_release(&q);

	/* Unknown and empty cookies. */
	assert_int_equal(session_rc(fx->st, "no-such-cookie", now),
			 TW_ENOTFOUND);
	assert_int_equal(session_rc(fx->st, "", now), TW_ENOTFOUND);
	assert_int_equal(session_rc(fx->st, NULL, now), TW_ENOTFOUND);

	principal_release(&p);
	free(hash);
	free(cookie);
	free(again);
}

static void
test_login_failures(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p;
	char *cookie = (char *)1, wrong_msg[sizeof(err.msg)];
	size_t n;

	add_user(fx->st, "alice", ROLE_VIEWER, PW);
	assert_int_equal(auth_login(fx->st, "alice", "wrong password", 100,
				    TTL, &cookie, &p, &err),
			 TW_ENOTFOUND);
	assert_null(cookie);
	assert_null(p.name);
	snprintf(wrong_msg, sizeof(wrong_msg), "%s", err.msg);
	assert_string_equal(wrong_msg, "invalid user name or password");
	/* An unknown user reads exactly like a wrong password. */
	assert_int_equal(auth_login(fx->st, "mallory", PW, 100, TTL, &cookie,
				    &p, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, wrong_msg);
	assert_int_equal(auth_login(fx->st, "alice", NULL, 100, TTL, &cookie,
				    &p, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_login(fx->st, NULL, PW, 100, TTL, &cookie, &p,
				    &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_login(fx->st, "alice", PW, 100, 0, &cookie, &p,
				    &err),
			 TW_EINPUT);
	/* No failed login left a session behind. */
	assert_int_equal(store_session_delete_expired(fx->st, LLONG_MAX,
						      &n, &err),
			 0);
	assert_int_equal(n, 0);
}

static void
test_logout(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p, q;
	char *a, *b;

	add_user(fx->st, "alice", ROLE_ADMIN, PW);
	a = login_ok(fx->st, "alice", PW, 100, &p);
	b = login_ok(fx->st, "alice", PW, 100, &q);
	assert_int_equal(auth_logout(fx->st, a, &err), 0);
	assert_int_equal(session_rc(fx->st, a, 101), TW_ENOTFOUND);
	/* Only that session: the other browser stays signed in. */
	assert_int_equal(session_rc(fx->st, b, 101), 0);
	/* Logging out twice, or of nothing, is fine. */
	assert_int_equal(auth_logout(fx->st, a, &err), 0);
	assert_int_equal(auth_logout(fx->st, "", &err), 0);
	assert_int_equal(auth_logout(fx->st, NULL, &err), 0);
	principal_release(&p);
	principal_release(&q);
	free(a);
	free(b);
}

static void
test_passwd_invalidates_sessions(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p;
	char *a, *b, *bob, *c = NULL, *t1, *t2, *tb;
	size_t n = 99;

	add_user(fx->st, "alice", ROLE_EDITOR, PW);
	add_user(fx->st, "bob", ROLE_EDITOR, PW);
	a = login_ok(fx->st, "alice", PW, 100, &p);
	principal_release(&p);
	b = login_ok(fx->st, "alice", PW, 100, &p);
	principal_release(&p);
	bob = login_ok(fx->st, "bob", PW, 100, &p);
	principal_release(&p);
	assert_int_equal(auth_token_add(fx->st, "a1", "alice", &t1, &err), 0);
	assert_int_equal(auth_token_add(fx->st, "a2", "alice", &t2, &err), 0);
	assert_int_equal(auth_token_add(fx->st, "b1", "bob", &tb, &err), 0);

	/* Keeping the tokens still signs the sessions out. */
	assert_int_equal(auth_user_passwd(fx->st, "alice", "new password 1",
					  true, &n, &err),
			 0);
	assert_int_equal(n, 0);
	assert_int_equal(session_rc(fx->st, a, 101), TW_ENOTFOUND);
	assert_int_equal(auth_bearer(fx->st, t1, &p, &err), 0);
	principal_release(&p);

	/* By default the user's tokens go too, and only the user's. */
	assert_int_equal(auth_user_passwd(fx->st, "alice", "new password 2",
					  false, &n, &err),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(auth_bearer(fx->st, t1, &p, &err), TW_ENOTFOUND);
	assert_int_equal(auth_bearer(fx->st, t2, &p, &err), TW_ENOTFOUND);
	assert_int_equal(auth_bearer(fx->st, tb, &p, &err), 0);
	principal_release(&p);
	assert_int_equal(session_rc(fx->st, a, 101), TW_ENOTFOUND);
	assert_int_equal(session_rc(fx->st, b, 101), TW_ENOTFOUND);
	assert_int_equal(session_rc(fx->st, bob, 101), 0);
	assert_int_equal(auth_login(fx->st, "alice", PW, 102, TTL, &c, &p,
				    &err),
			 TW_ENOTFOUND);
	c = login_ok(fx->st, "alice", "new password 2", 102, &p);
	assert_string_equal(p.name, "alice");
	assert_int_equal(p.role, ROLE_EDITOR);	/* the role stays */
	principal_release(&p);

	assert_int_equal(auth_user_passwd(fx->st, "nobody", "new password 2",
					  false, NULL, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_user_passwd(fx->st, "alice", "short", false, NULL,
					  &err),
			 TW_EINPUT);
	/* The refused change left the password and session alone. */
	assert_int_equal(session_rc(fx->st, c, 103), 0);
	free(a);
	free(b);
	free(bob);
	free(c);
	free(t1);
	free(t2);
	free(tb);
}

static void
test_bearer(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p;
	char *tok, *other, *hash, *none;
	struct store_token t;

	add_user(fx->st, "alice", ROLE_VIEWER, PW);
	add_user(fx->st, "bob", ROLE_EDITOR, PW);
	assert_int_equal(auth_token_add(fx->st, "cal", "alice", &tok, &err),
			 0);
	assert_url_safe_token(tok);
	assert_int_equal(auth_token_add(fx->st, "ci", "bob", &other, &err), 0);
	assert_string_not_equal(tok, other);

	/* Stored as its hash only. */
	hash = auth_secret_hash(tok);
	assert_int_equal(store_token_find_by_hash(fx->st, hash, &t,
						  &err),
			 0);
	assert_string_equal(t.name, "cal");
	store_token_release(&t);
	assert_int_equal(store_token_find_by_hash(fx->st, tok, &t,
						  &err),
			 TW_ENOTFOUND);

	assert_int_equal(auth_bearer(fx->st, tok, &p, &err), 0);
	assert_string_equal(p.name, "alice");
	assert_int_equal(p.role, ROLE_VIEWER);
	assert_null(p.csrf);
	principal_release(&p);
	assert_int_equal(auth_bearer(fx->st, other, &p, &err), 0);
	assert_string_equal(p.name, "bob");
	assert_int_equal(p.role, ROLE_EDITOR);
	principal_release(&p);
	assert_int_equal(auth_bearer(fx->st, "made-up", &p, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_bearer(fx->st, "", &p, &err), TW_ENOTFOUND);
	assert_int_equal(auth_bearer(fx->st, hash, &p, &err), TW_ENOTFOUND);

	/* Bad adds write nothing and hand out nothing. */
	assert_int_equal(auth_token_add(fx->st, "cal", "bob", &none, &err),
			 TW_EEXIST);
	assert_null(none);
	assert_int_equal(auth_token_add(fx->st, "x", "nobody", &none, &err),
			 TW_ENOTFOUND);
	assert_null(none);
	assert_int_equal(auth_token_add(fx->st, "bad name", "bob", &none,
					&err),
			 TW_EINPUT);
	assert_null(none);

	/* token rm: it stops working at once. */
	assert_int_equal(store_token_delete(fx->st, "cal", &err), 0);
	assert_int_equal(auth_bearer(fx->st, tok, &p, &err), TW_ENOTFOUND);
	/* user rm takes the user's tokens with it. */
	assert_int_equal(store_user_delete(fx->st, "bob", &err), 0);
	assert_int_equal(auth_bearer(fx->st, other, &p, &err), TW_ENOTFOUND);
	free(hash);
	free(tok);
	free(other);
}

static void
test_csrf(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p, bearer;
	char *cookie, *tok, *wrong;

	add_user(fx->st, "alice", ROLE_EDITOR, PW);
	cookie = login_ok(fx->st, "alice", PW, 100, &p);
	wrong = xstrdup(p.csrf);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	assert_true(auth_csrf_ok(&p, p.csrf));
	assert_false(auth_csrf_ok(&p, wrong));
	assert_false(auth_csrf_ok(&p, ""));
	assert_false(auth_csrf_ok(&p, NULL));
	assert_false(auth_csrf_ok(&p, cookie));
	wrong[strlen(wrong) - 1] = '\0';
	assert_false(auth_csrf_ok(&p, wrong));
	assert_false(auth_csrf_ok(NULL, p.csrf));

	/* A bearer principal has no CSRF token, so none matches. */
	assert_int_equal(auth_token_add(fx->st, "ci", "alice", &tok, &err), 0);
	assert_int_equal(auth_bearer(fx->st, tok, &bearer, &err), 0);
	assert_false(auth_csrf_ok(&bearer, ""));
	assert_false(auth_csrf_ok(&bearer, p.csrf));
	principal_release(&bearer);
	principal_release(&p);
	free(cookie);
	free(tok);
	free(wrong);
}

static void
test_share(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct deal d;
	char *open_link, *dated, *slug = (char *)1;
	long long id_open, id_dated, id = 0;
	tw_date last = date_from_ymd(2026, 12, 31);

	deal_init(&d);
	d.slug = xstrdup("acme");
	assert_int_equal(store_deal_put(fx->st, &d, &err), 0);
	deal_release(&d);

	assert_int_equal(auth_share_add(fx->st, "acme", DATE_NONE, &open_link,
					&id_open, &err),
			 0);
	assert_int_equal(auth_share_add(fx->st, "acme", last, &dated,
					&id_dated, &err),
			 0);
	assert_url_safe_token(open_link);
	assert_string_not_equal(open_link, dated);
	assert_true(id_dated > id_open);

	assert_int_equal(auth_share(fx->st, dated, last - 30, &slug, &id,
				    &err),
			 0);
	assert_string_equal(slug, "acme");
	assert_true(id == id_dated);
	free(slug);
	/* The expiry day is the last day it works. */
	assert_int_equal(auth_share(fx->st, dated, last, &slug, NULL, &err),
			 0);
	free(slug);
	assert_int_equal(auth_share(fx->st, dated, last + 1, &slug, NULL,
				    &err),
			 TW_ENOTFOUND);
	assert_null(slug);
	assert_string_equal(err.msg, "share link expired");
	assert_int_equal(auth_share(fx->st, open_link, last + 1000, &slug,
				    NULL, &err),
			 0);
	free(slug);
	assert_int_equal(auth_share(fx->st, "guess", last, &slug, NULL, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_share(fx->st, "", last, &slug, NULL, &err),
			 TW_ENOTFOUND);

	/* share rm revokes one link. */
	assert_int_equal(store_share_delete(fx->st, id_dated, &err), 0);
	assert_int_equal(auth_share(fx->st, dated, last - 30, &slug, NULL,
				    &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_share(fx->st, open_link, last, &slug, NULL,
				    &err),
			 0);
	free(slug);

	/* Unknown deals get no link. */
	assert_int_equal(auth_share_add(fx->st, "nope", DATE_NONE, &slug,
					NULL, &err),
			 TW_ENOTFOUND);
	assert_null(slug);
	/* Removing the deal removes its links. */
	assert_int_equal(store_deal_delete(fx->st, "acme", &err), 0);
	assert_int_equal(auth_share(fx->st, open_link, last, &slug, NULL,
				    &err),
			 TW_ENOTFOUND);
	free(open_link);
	free(dated);
}

/*
 * auth_share_make: the checks every entry point makes (no day before
 * today, a plain http(s) base), the link under the base; a deal's
 * revoke cannot reach another deal's link.
 */
static void
test_share_make_revoke(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	tw_date today = date_from_ymd(2026, 11, 26);
	struct store_share sh;
	struct deal d;
	char *url = (char *)1, *slug;
	long long id = 0, other;

	for (int i = 0; i < 2; i++) {
		deal_init(&d);
		d.slug = xstrdup(i ? "beta" : "acme");
		/* A valid deal: the link's row is written through a verb. */
		d.account = xstrdup(i ? "Beta" : "Acme");
		assert_int_equal(store_deal_put(fx->st, &d, &err), 0);
		deal_release(&d);
	}
	assert_int_equal(auth_share_make(fx->st, "acme", today - 1, today,
					 "http://h", &sh, &url, &err),
			 TW_EINPUT);
	assert_null(url);
	assert_string_equal(err.msg, "--expires: '2026-11-25' is in the past");
	assert_int_equal(auth_share_make(fx->st, "acme", DATE_NONE, today,
					 "ftp://h", &sh, &url, &err),
			 TW_EINPUT);
	assert_int_equal(auth_share_make(fx->st, "nope", DATE_NONE, today,
					 "http://h", &sh, &url, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_share_make(fx->st, "acme", today, today,
					 "https://example.com//", &sh, &url,
					 &err),
			 0);
	assert_true(!strncmp(url, "https://example.com/share/", 26));
	assert_url_safe_token(url + 26);
	assert_string_equal(sh.deal, "acme");
	assert_true(sh.expires == today);
	assert_non_null(sh.created);
	assert_int_equal(auth_share(fx->st, url + 26, today, &slug, &id, &err),
			 0);
	assert_true(id == sh.id);
	free(slug);
	id = sh.id;
	store_share_release(&sh);
	auth_secret_free(url);
	assert_int_equal(auth_share_add(fx->st, "beta", DATE_NONE, &url,
					&other, &err),
			 0);

	assert_int_equal(auth_share_id_parse("x", &id, &err), TW_EINPUT);
	assert_int_equal(auth_share_id_parse("0", &id, &err), TW_EINPUT);
	assert_int_equal(auth_share_id_parse("", &id, &err), TW_EINPUT);
	assert_int_equal(auth_share_revoke(fx->st, "acme", other, today, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_share(fx->st, url, today, &slug, NULL, &err), 0);
	free(slug);
	assert_int_equal(auth_share_revoke(fx->st, NULL, other, today, &err), 0);
	assert_int_equal(auth_share(fx->st, url, today, &slug, NULL, &err),
			 TW_ENOTFOUND);
	assert_int_equal(auth_share_revoke(fx->st, NULL, other, today, &err),
			 TW_ENOTFOUND);
	auth_secret_free(url);
}

/* A deal's history newest first by keyset pages; other deals' not in. */
static void
test_history_page(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct history_list all, l;
	long long before = 0;
	size_t seen = 0;
	struct deal d;
	bool more;

	deal_init(&d);
	d.slug = xstrdup("acme");
	for (int i = 0; i < 7; i++) {
		d.has_procurement_days = true;
		d.procurement_days = i + 1;
		assert_int_equal(store_deal_put(fx->st, &d, &err), 0);
	}
	free(d.slug);
	d.slug = xstrdup("beta");
	assert_int_equal(store_deal_put(fx->st, &d, &err), 0);
	deal_release(&d);
	assert_int_equal(store_history(fx->st, "acme", &all, &err), 0);
	assert_true(all.n > 3);
	do {
		assert_int_equal(store_history_page(fx->st, "acme", before, 3,
						    &l, &more, &err),
				 0);
		assert_true(l.n <= 3);
		for (size_t i = 0; i < l.n; i++) {
			assert_true(l.items[i].id ==
				    all.items[all.n - 1 - seen].id);
			assert_string_equal(l.items[i].deal, "acme");
			seen++;
		}
		assert_true(more == (seen < all.n));
		before = l.n ? l.items[l.n - 1].id : 0;
		history_list_release(&l);
	} while (more);
	assert_int_equal(seen, all.n);
	assert_int_equal(store_history_page(fx->st, "nope", 0, 3, &l, &more,
					    &err),
			 0);
	assert_int_equal(l.n, 0);
	assert_false(more);
	history_list_release(&l);
	history_list_release(&all);
}

/* Whatever happened, the file holds no password, cookie or token. */
static bool
file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, alloc = 0, got;
	bool found = false;

	if (!f)
		return false;
	do {
		ALLOC_GROW(buf, n + 4096, alloc);
		got = fread(buf + n, 1, 4096, f);
		n += got;
	} while (got > 0);
	fclose(f);
	for (size_t i = 0; !found && i + strlen(needle) <= n; i++)
		found = !memcmp(buf + i, needle, strlen(needle));
	free(buf);
	return found;
}

/* In the database file or its WAL or journal. */
static bool
stored(struct fixture *fx, const char *text)
{
	static const char *const suffix[] = { "", "-wal", "-journal" };
	char p[PATH_MAX * 2];

	for (size_t i = 0; i < ARRAY_SIZE(suffix); i++) {
		snprintf(p, sizeof(p), "%s%s", fx->path, suffix[i]);
		if (file_contains(p, text))
			return true;
	}
	return false;
}

static void
test_no_secrets_stored(void **state)
{
	struct fixture *fx = *state;
	struct tw_error err = { 0 };
	struct principal p;
	struct deal d;
	char *cookie, *tok, *link, *hash;

	add_user(fx->st, "alice", ROLE_ADMIN, PW);
	cookie = login_ok(fx->st, "alice", PW, 100, &p);
	principal_release(&p);
	assert_int_equal(auth_token_add(fx->st, "ci", "alice", &tok, &err), 0);
	deal_init(&d);
	d.slug = xstrdup("acme");
	assert_int_equal(store_deal_put(fx->st, &d, &err), 0);
	deal_release(&d);
	assert_int_equal(auth_share_add(fx->st, "acme", DATE_NONE, &link, NULL,
					&err),
			 0);
	hash = auth_secret_hash(tok);
	store_close(fx->st);
	fx->st = NULL;
	/* The search can fail: the token's hash and the name are there. */
	assert_true(stored(fx, hash));
	assert_true(stored(fx, "alice"));
	assert_false(stored(fx, PW));
	assert_false(stored(fx, cookie));
	assert_false(stored(fx, tok));
	assert_false(stored(fx, link));
	assert_int_equal(store_open(&fx->st, fx->path, STORE_OPEN_EXISTING,
				    "tester", &err),
			 0);
	free(hash);
	free(cookie);
	free(tok);
	free(link);
}

/* ---- the rate limiter -------------------------------------------------- */

/* An address's failed login, and whether it is blocked. */
static void
addr_fail(struct rate_limiter *rl, const char *addr, long long now)
{
	rate_limiter_attempt(rl, addr, NULL, now);
}

static bool
blocked(struct rate_limiter *rl, const char *addr, long long now)
{
	return rate_limiter_check(rl, addr, NULL, now) != RL_OPEN;
}

static void
test_rate_limiter(void **state)
{
	struct rate_limiter *rl = rate_limiter_new(3, 60);

	(void)state;
	assert_false(blocked(rl, "10.0.0.1", 100));
	addr_fail(rl, "10.0.0.1", 100);
	addr_fail(rl, "10.0.0.1", 110);
	assert_false(blocked(rl, "10.0.0.1", 110));
	addr_fail(rl, "10.0.0.1", 120);
	assert_int_equal(rate_limiter_check(rl, "10.0.0.1", NULL, 120),
			 RL_ADDRESS);
	assert_true(blocked(rl, "10.0.0.1", 159));
	/* A blocked attempt is refused and not counted. */
	assert_int_equal(rate_limiter_attempt(rl, "10.0.0.1", "u", 130),
			 RL_ADDRESS);
	assert_int_equal(rate_limiter_check(rl, NULL, "u", 130), RL_OPEN);
	/* Other addresses are not affected. */
	assert_false(blocked(rl, "10.0.0.2", 120));
	assert_false(blocked(rl, "::1", 120));
	/* Free once the oldest of the three leaves the window... */
	assert_false(blocked(rl, "10.0.0.1", 160));
	/* ...and a sliding window: one more failure blocks again until the
	 * second one (110) is out of it. */
	addr_fail(rl, "10.0.0.1", 161);
	assert_true(blocked(rl, "10.0.0.1", 161));
	assert_true(blocked(rl, "10.0.0.1", 169));
	assert_false(blocked(rl, "10.0.0.1", 170));
	rate_limiter_success(rl, "never-seen", "nobody");
	rate_limiter_free(rl);

	/* At least one attempt and one second, whatever is asked. */
	rl = rate_limiter_new(0, 0);
	assert_false(blocked(rl, "a", 5));
	addr_fail(rl, "a", 5);
	assert_true(blocked(rl, "a", 5));
	assert_false(blocked(rl, "a", 6));
	rate_limiter_free(rl);

	/* NULL is a limiter that never blocks. */
	assert_int_equal(rate_limiter_attempt(NULL, "a", "u", 1), RL_OPEN);
	assert_int_equal(rate_limiter_check(NULL, "a", "u", 1), RL_OPEN);
	rate_limiter_success(NULL, "a", "u");
	rate_limiter_free(NULL);
}

/*
 * Failures per account, and what a success forgets: only its own
 * account's failures and its own attempt, never the address's earlier
 * failures or another account's.
 */
static void
test_rate_limiter_accounts(void **state)
{
	struct rate_limiter *rl = rate_limiter_new(3, 60);
	char addr[16];

	(void)state;
	/*
	 * A viewer alternates guesses at alice with logins of its own (the
	 * attack of issue 12): the address is blocked after 3 guesses all
	 * the same, for every account.
	 */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(rate_limiter_attempt(rl, "a", "alice", 100),
				 RL_OPEN);
		assert_int_equal(rate_limiter_attempt(rl, "a", "vic", 100),
				 RL_OPEN);
		rate_limiter_success(rl, "a", "vic");
	}
	assert_int_equal(rate_limiter_attempt(rl, "a", "alice", 100),
			 RL_OPEN);
	assert_int_equal(rate_limiter_attempt(rl, "a", "vic", 101),
			 RL_ADDRESS);
	assert_int_equal(rate_limiter_check(rl, "a", "alice", 101),
			 RL_ADDRESS);
	/* Three of alice's twelve: from three more addresses, the rest. */
	for (int i = 0; i < 9; i++) {
		snprintf(addr, sizeof(addr), "b%d", i / 3);
		assert_int_equal(rate_limiter_attempt(rl, addr, "alice", 102),
				 RL_OPEN);
	}
	/* alice is blocked from anywhere, right password or not... */
	assert_int_equal(rate_limiter_check(rl, "fresh", "alice", 103),
			 RL_ACCOUNT);
	assert_int_equal(rate_limiter_attempt(rl, "fresh", "alice", 103),
			 RL_ACCOUNT);
	/* ... and that refusal cost "fresh" nothing; vic's success there
	 * clears nothing of alice's. */
	assert_int_equal(rate_limiter_attempt(rl, "fresh", "vic", 103),
			 RL_OPEN);
	rate_limiter_success(rl, "fresh", "vic");
	assert_int_equal(rate_limiter_check(rl, "fresh2", "alice", 104),
			 RL_ACCOUNT);
	assert_int_equal(rate_limiter_check(rl, "fresh2", "bob", 104),
			 RL_OPEN);
	/* Until the window has passed. */
	assert_int_equal(rate_limiter_check(rl, "a", "vic", 159),
			 RL_ADDRESS);
	assert_int_equal(rate_limiter_check(rl, "fresh2", "alice", 159),
			 RL_ACCOUNT);
	assert_int_equal(rate_limiter_check(rl, "a", "vic", 160), RL_OPEN);
	assert_int_equal(rate_limiter_check(rl, "fresh2", "alice", 162),
			 RL_OPEN);
	rate_limiter_free(rl);

	/*
	 * alice's own success forgets alice's failures, but "c" keeps its
	 * two: one more failure of anyone's blocks it.
	 */
	rl = rate_limiter_new(3, 60);
	rate_limiter_attempt(rl, "c", "alice", 300);
	rate_limiter_attempt(rl, "c", "alice", 300);
	for (int i = 0; i < 9; i++) {
		snprintf(addr, sizeof(addr), "d%d", i / 2);
		rate_limiter_attempt(rl, addr, "alice", 300);
	}
	/* 11 of 12: alice logs in from "c" and all 11 are forgotten. */
	assert_int_equal(rate_limiter_attempt(rl, "c", "alice", 301),
			 RL_OPEN);
	rate_limiter_success(rl, "c", "alice");
	for (int i = 0; i < 11; i++) {
		snprintf(addr, sizeof(addr), "e%d", i / 2);
		rate_limiter_attempt(rl, addr, "alice", 302);
	}
	assert_int_equal(rate_limiter_check(rl, "z", "alice", 302), RL_OPEN);
	assert_int_equal(rate_limiter_check(rl, "c", NULL, 302), RL_OPEN);
	addr_fail(rl, "c", 302);
	assert_int_equal(rate_limiter_check(rl, "c", "alice", 302),
			 RL_ADDRESS);
	rate_limiter_free(rl);

	/*
	 * An attempt counts before its outcome: three in flight at once
	 * block a fourth (parallel requests cannot all pass the check).
	 */
	rl = rate_limiter_new(3, 60);
	for (int i = 0; i < 3; i++)
		assert_int_equal(rate_limiter_attempt(rl, "p", "u", 1),
				 RL_OPEN);
	assert_int_equal(rate_limiter_attempt(rl, "p", "v", 1), RL_ADDRESS);
	/* One of them succeeds: it gets its attempt back, only it. */
	rate_limiter_success(rl, "p", "u");
	assert_int_equal(rate_limiter_attempt(rl, "p", "v", 1), RL_OPEN);
	assert_int_equal(rate_limiter_attempt(rl, "p", "v", 1), RL_ADDRESS);
	rate_limiter_free(rl);
}

/* Many addresses: old ones are forgotten, recent blocks are kept. */
static void
test_rate_limiter_many(void **state)
{
	struct rate_limiter *rl = rate_limiter_new(2, 60);
	char addr[32], big[300];

	(void)state;
	for (int i = 0; i < 10000; i++) {
		snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16,
			 (i >> 8) & 255, i & 255);
		rate_limiter_attempt(rl, addr, addr, i / 100);
	}
	addr_fail(rl, "attacker", 100);
	addr_fail(rl, "attacker", 100);
	assert_true(blocked(rl, "attacker", 100));
	/* A key longer than the limiter keeps is still one key. */
	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	addr_fail(rl, big, 100);
	assert_false(blocked(rl, big, 100));
	addr_fail(rl, big, 100);
	assert_true(blocked(rl, big, 100));
	for (int i = 0; i < 8; i++)
		rate_limiter_attempt(rl, NULL, big, 100);
	assert_int_equal(rate_limiter_check(rl, NULL, big, 100), RL_ACCOUNT);
	rate_limiter_free(rl);
}

struct hammer_arg {
	struct rate_limiter *rl;
	int id;
};

static void *
hammer(void *p)
{
	struct hammer_arg *a = p;
	char addr[32];

	for (int i = 0; i < 2000; i++) {
		snprintf(addr, sizeof(addr), "%d.%d", a->id, i % 50);
		addr_fail(a->rl, addr, i);
		(void)rate_limiter_check(a->rl, "shared", addr, i);
		if (rate_limiter_attempt(a->rl, "shared", "u", i) == RL_OPEN)
			rate_limiter_success(a->rl, "shared", "u");
		addr_fail(a->rl, "shared", i);
	}
	return NULL;
}

static void
test_rate_limiter_threads(void **state)
{
	struct rate_limiter *rl = rate_limiter_new(5, 1000000);
	struct hammer_arg args[4];
	pthread_t th[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		args[i] = (struct hammer_arg){ rl, i };
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &args[i]),
				 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_true(blocked(rl, "shared", 2000));
	assert_true(blocked(rl, "3.49", 2000));
	assert_false(blocked(rl, "4.0", 2000));
	rate_limiter_free(rl);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_roles),
		T(test_hash_password),
		T(test_hash_password_interactive),
		T(test_random_token),
		T(test_secret_hash),
		T(test_equal),
		T(test_policy),
		T(test_user_add),
		T(test_login_session),
		T(test_login_failures),
		T(test_logout),
		T(test_passwd_invalidates_sessions),
		T(test_bearer),
		T(test_csrf),
		T(test_share),
		T(test_share_make_revoke),
		T(test_history_page),
		T(test_no_secrets_stored),
		T(test_rate_limiter),
		T(test_rate_limiter_accounts),
		T(test_rate_limiter_many),
		T(test_rate_limiter_threads),
	};

	return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
