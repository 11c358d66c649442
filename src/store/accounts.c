/*
 * Accounts (users, sessions, API tokens, share links), workspace settings
 * and reading history, written once for every backend over the keyed-row helper
 * (store-internal.h): each table is described by its statements and a
 * reader of its rows, and the backends only run statements. The checks on
 * what a caller asks for, and the messages for what is absent or taken,
 * are here, so both backends answer alike.
 */
#include "core/commercial.h"
#include "store/findings.h"
#include "store/store-internal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum {
	A_HISTORY_ALL,
	A_HISTORY_DEAL,
	A_HISTORY_PAGE,
	A_SETTING_GET,
	A_SETTING_SET,
	A_SETTING_DELETE,
	A_USER_PUT,
	A_USER_GET,
	A_USER_GET_ID,
	A_USER_LIST,
	A_USER_DELETE,
	A_SESSION_PUT,
	A_SESSION_GET,
	A_SESSION_DELETE,
	A_SESSION_DELETE_USER,
	A_SESSION_DELETE_EXPIRED,
	A_TOKEN_PUT,
	A_TOKEN_FIND,
	A_TOKEN_LIST,
	A_TOKEN_DELETE,
	A_TOKEN_DELETE_USER,
	A_SHARE_PUT,
	A_SHARE_FIND,
	A_SHARE_LIST_ALL,
	A_SHARE_LIST_DEAL,
	A_SHARE_DELETE,
	A_HISTORY_ADD,
	A_DEAL_RENAME,
	A_HISTORY_RENAME,
	A_PLAYBOOK_GET,
	A_PLAYBOOK_CLEAR,
	A_PLAYBOOK_ADD,
	A_MAX
};

_Static_assert(A_MAX <= ROW_STMT_FINDINGS, "raise ROW_STMT_FINDINGS");

#define HISTORY_SELECT                                          \
	"SELECT id, at, actor, deal, entity, \"key\", field, \"old\", " \
	"\"new\" FROM history "
/*
 * A deal's history under each slug it had. names(n, upto) holds $1 and,
 * for each rename to a name there (deal rename), the slug before it, whose
 * rows count up to the rename; a name's rows count only after the last
 * rename away from it before that (the deal that had it before was
 * another deal, now under another slug). history_renames finds those.
 */
#define RENAMED_AWAY(name, below)                                          \
	"COALESCE((SELECT max(x.id) FROM history x WHERE x.\"old\" = " name  \
	" AND x.id < " below " AND x.entity = 'deal' "                     \
	"AND x.field = 'slug'), 0)"
#define HISTORY_OF_DEAL                                                    \
	"WITH RECURSIVE names(n, upto) AS ("                               \
	"SELECT CAST($1 AS TEXT), CAST(9223372036854775807 AS BIGINT) "    \
	"UNION SELECT r.\"old\", r.id FROM history r JOIN names "          \
	"ON r.deal = names.n AND r.id < names.upto "                       \
	"WHERE r.entity = 'deal' AND r.field = 'slug' "                    \
	"AND r.\"new\" = names.n) "                                        \
	"SELECT h.id, h.at, h.actor, h.deal, h.entity, h.\"key\", "         \
	"h.field, h.\"old\", h.\"new\" FROM names JOIN history h "          \
	"ON h.deal = names.n AND h.id <= names.upto "                      \
	"AND h.id > " RENAMED_AWAY("names.n", "names.upto") " "
#define USER_SELECT \
	"SELECT id, name, role, pw_hash, created, email, full_name FROM users "
#define SESSION_SELECT \
	"SELECT id_hash, user_id, csrf, expires FROM sessions "
#define TOKEN_SELECT                                               \
	"SELECT t.id, t.name, t.user_id, u.name, t.hash, t.created " \
	"FROM tokens t JOIN users u ON u.id = t.user_id "
#define SHARE_SELECT                                                    \
	"SELECT s.id, d.slug, s.hash, s.expires, s.created, "              \
	"COALESCE(l.views, 0), l.last_viewed "                            \
	"FROM shares s JOIN deals d ON d.id = s.deal_id "                 \
	"LEFT JOIN links l ON l.deal_id = s.deal_id AND l.link = s.id "

#define W true
#define R false

static const struct row_stmt stmts[A_MAX] = {
	/* Read in a transaction, as a deal and its children are. */
	[A_HISTORY_ALL] = { A_HISTORY_ALL, R, HISTORY_SELECT "ORDER BY id",
			    true },
	[A_HISTORY_DEAL] = { A_HISTORY_DEAL, R,
			     HISTORY_OF_DEAL "ORDER BY h.id", true },
	/* Keyset, newest first, over the index history_deal (deal, id). */
	[A_HISTORY_PAGE] = { A_HISTORY_PAGE, R,
			     HISTORY_OF_DEAL "WHERE h.id < $2 "
					     "ORDER BY h.id DESC LIMIT $3",
			     true },
	[A_SETTING_GET] = { A_SETTING_GET, R,
			    "SELECT value FROM settings WHERE \"key\" = $1" },
	[A_SETTING_SET] = { A_SETTING_SET, W,
			    "INSERT INTO settings (\"key\", value) "
			    "VALUES ($1, $2) ON CONFLICT (\"key\") "
			    "DO UPDATE SET value = excluded.value" },
	[A_SETTING_DELETE] = { A_SETTING_DELETE, W,
			       "DELETE FROM settings WHERE \"key\" = $1" },
	/* A user keeps its id and created when put again. */
	[A_USER_PUT] = { A_USER_PUT, W,
			 "INSERT INTO users (name, role, pw_hash, created, "
			 "email, full_name) "
			 "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) "
			 "DO UPDATE SET role = excluded.role, "
			 "pw_hash = excluded.pw_hash, email = excluded.email, "
			 "full_name = excluded.full_name "
			 "RETURNING id, created" },
	[A_USER_GET] = { A_USER_GET, R, USER_SELECT "WHERE name = $1" },
	[A_USER_GET_ID] = { A_USER_GET_ID, R, USER_SELECT "WHERE id = $1" },
	[A_USER_LIST] = { A_USER_LIST, R,
			  USER_SELECT "ORDER BY name COLLATE \"C\"" },
	[A_USER_DELETE] = { A_USER_DELETE, W,
			    "DELETE FROM users WHERE name = $1" },
	[A_SESSION_PUT] = { A_SESSION_PUT, W,
			    "INSERT INTO sessions (id_hash, user_id, csrf, "
			    "expires) VALUES ($1, $2, $3, $4)" },
	[A_SESSION_GET] = { A_SESSION_GET, R,
			    SESSION_SELECT "WHERE id_hash = $1" },
	[A_SESSION_DELETE] = { A_SESSION_DELETE, W,
			       "DELETE FROM sessions WHERE id_hash = $1" },
	[A_SESSION_DELETE_USER] = { A_SESSION_DELETE_USER, W,
				    "DELETE FROM sessions WHERE user_id = $1" },
	[A_SESSION_DELETE_EXPIRED] = { A_SESSION_DELETE_EXPIRED, W,
				       "DELETE FROM sessions "
				       "WHERE expires <= $1" },
	/* No row inserted: no such user. */
	[A_TOKEN_PUT] = { A_TOKEN_PUT, W,
			  "INSERT INTO tokens (name, user_id, hash, created) "
			  "SELECT $1, id, $3, $4 FROM users WHERE name = $2 "
			  "RETURNING id, user_id, created" },
	[A_TOKEN_FIND] = { A_TOKEN_FIND, R, TOKEN_SELECT "WHERE t.hash = $1" },
	[A_TOKEN_LIST] = { A_TOKEN_LIST, R,
			   TOKEN_SELECT "ORDER BY t.name COLLATE \"C\"" },
	[A_TOKEN_DELETE] = { A_TOKEN_DELETE, W,
			     "DELETE FROM tokens WHERE name = $1" },
	[A_TOKEN_DELETE_USER] = { A_TOKEN_DELETE_USER, W,
				  "DELETE FROM tokens WHERE user_id = $1" },
	/* No row inserted: no such deal. */
	[A_SHARE_PUT] = { A_SHARE_PUT, W,
			  "INSERT INTO shares (deal_id, hash, expires, "
			  "created) SELECT id, $2, $3, $4 FROM deals "
			  "WHERE slug = $1 RETURNING id, created" },
	[A_SHARE_FIND] = { A_SHARE_FIND, R, SHARE_SELECT "WHERE s.hash = $1" },
	[A_SHARE_LIST_ALL] = { A_SHARE_LIST_ALL, R,
			       SHARE_SELECT "ORDER BY s.id" },
	[A_SHARE_LIST_DEAL] = { A_SHARE_LIST_DEAL, R,
				SHARE_SELECT "WHERE d.slug = $1 "
					     "ORDER BY s.id" },
	[A_SHARE_DELETE] = { A_SHARE_DELETE, W,
			     "DELETE FROM shares WHERE id = $1" },
	[A_HISTORY_ADD] = { A_HISTORY_ADD, W,
			    "INSERT INTO history (at, actor, deal, entity, "
			    "\"key\", field, \"old\", \"new\") "
			    "VALUES ($1, $2, '', $3, $4, $5, $6, $7)" },
	[A_DEAL_RENAME] = { A_DEAL_RENAME, W,
			    "UPDATE deals SET slug = $2 WHERE slug = $1" },
	/* Under the new slug: history NEW finds the old name from it. */
	[A_HISTORY_RENAME] = { A_HISTORY_RENAME, W,
			       "INSERT INTO history (at, actor, deal, entity, "
			       "\"key\", field, \"old\", \"new\") "
			       "VALUES ($1, $2, $4, 'deal', $4, 'slug', $3, "
			       "$4)" },
	[A_PLAYBOOK_GET] = { A_PLAYBOOK_GET, R,
			     "SELECT title, \"offset\", kind, plus_procurement, "
			     "\"key\", owner FROM workspace_playbook "
			     "ORDER BY pos" },
	[A_PLAYBOOK_CLEAR] = { A_PLAYBOOK_CLEAR, W,
			       "DELETE FROM workspace_playbook" },
	[A_PLAYBOOK_ADD] = { A_PLAYBOOK_ADD, W,
			     "INSERT INTO workspace_playbook (pos, title, "
			     "\"offset\", kind, plus_procurement, \"key\", "
			     "owner) VALUES ($1, $2, $3, $4, $5, $6, $7)" },
};

#undef W
#undef R

/* ---- the keyed-row helper -------------------------------------------- */

void
row_result_release(struct row_result *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	memset(r, 0, sizeof(*r));
}

const char *
row_text(const struct row_result *r, size_t row, size_t col)
{
	return r->cells[row * r->ncols + col];
}

long long
row_int(const struct row_result *r, size_t row, size_t col)
{
	const char *v = row_text(r, row, col);

	return v ? strtoll(v, NULL, 10) : 0;
}

char *
row_take(struct row_result *r, size_t row, size_t col)
{
	char *v = r->cells[row * r->ncols + col];

	r->cells[row * r->ncols + col] = NULL;
	return v;
}

static int
run(struct store *st, int id, const struct row_value *v, size_t nv,
    struct row_result *out, struct tw_error *err)
{
	return st->ops->rows(st, &stmts[id], v, nv, out, err);
}

/*
 * Fill obj from the one row statement id returns; TW_ENOTFOUND with the
 * message notfound when there is none.
 */
static int
get_one(struct store *st, int id, const struct row_value *v, size_t nv,
	int (*read)(struct store *st, struct row_result *r, size_t row,
		    void *obj, struct tw_error *err),
	void *obj, const char *notfound, struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, id, v, nv, &r, err);

	if (!rc && r.nrows)
		rc = read(st, &r, 0, obj, err);
	else if (!rc)
		rc = tw_error_set(err, TW_ENOTFOUND, "%s", notfound);
	row_result_release(&r);
	return rc;
}

/*
 * Every row statement id returns, read into a list: *items grows by size
 * bytes a row, zeroed before read fills it.
 */
static int
get_all(struct store *st, int id, const struct row_value *v, size_t nv,
	int (*read)(struct store *st, struct row_result *r, size_t row,
		    void *obj, struct tw_error *err),
	void **items, size_t size, size_t *n, struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, id, v, nv, &r, err);

	if (!rc && r.nrows)
		*items = xcalloc(r.nrows, size);
	for (size_t i = 0; !rc && i < r.nrows; i++) {
		rc = read(st, &r, i, (char *)*items + i * size, err);
		(*n)++;
	}
	row_result_release(&r);
	return rc;
}

/*
 * A DELETE bound to one value: how many rows went in *n (may be NULL);
 * notfound (may be NULL) is the message when none did, else that is no
 * error.
 */
static int
delete_rows(struct store *st, int id, struct row_value v, size_t *n,
	    const char *notfound, struct tw_error *err)
{
	struct row_result r;
	int rc = run(st, id, &v, 1, &r, err);

	if (!rc && !r.changes && notfound)
		rc = tw_error_set(err, TW_ENOTFOUND, "%s", notfound);
	if (n)
		*n = rc ? 0 : r.changes;
	row_result_release(&r);
	return rc;
}

/* delete_rows, with "unknown <fmt>" when nothing went. */
static int __attribute__((format(printf, 5, 6)))
delete_known(struct store *st, int id, struct row_value v,
	     struct tw_error *err, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	strbuf_addstr(&msg, "unknown ");
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	rc = delete_rows(st, id, v, NULL, msg.buf, err);
	strbuf_release(&msg);
	return rc;
}

static bool
is_empty(const char *s)
{
	return !s || !*s;
}

/*
 * A change that takes several statements runs in the caller's
 * transaction, or in one of its own when none is open: own_begin says
 * which, own_end commits (or rolls back on rc < 0) only its own.
 */
static int
own_begin(struct store *st, bool *own, struct tw_error *err)
{
	*own = !st->in_tx;
	return *own ? store_begin(st, err) : 0;
}

static int
own_end(struct store *st, bool own, int rc, struct tw_error *err)
{
	if (own && rc == 0)
		rc = store_commit(st, err);
	if (own && rc < 0)
		store_rollback(st);
	return rc;
}

/*
 * A history row for a change to the workspace rather than a deal (deal
 * ""): a setting, a user or an API token. field "*" with old NULL is a
 * creation, with new NULL a removal, as for a deal's children. Secrets
 * never go in: a password change is recorded, never the password or its
 * hash.
 */
static int
note(struct store *st, const char *entity, const char *key,
     const char *field, const char *old, const char *new,
     struct tw_error *err)
{
	struct row_result r;
	char at[32];
	int rc;

	st->ops->now(st, at, sizeof(at));
	rc = run(st, A_HISTORY_ADD,
		 (struct row_value[]){ ROW_TEXT(at),
				       ROW_TEXT(st->actor ? st->actor : ""),
				       ROW_TEXT(entity), ROW_TEXT(key),
				       ROW_TEXT(field), ROW_TEXT(old),
				       ROW_TEXT(new) },
		 7, &r, err);
	row_result_release(&r);
	return rc;
}

int
store_deal_rename(struct store *st, const char *from, const char *to,
		  struct tw_error *err)
{
	struct row_result r;
	char at[32];
	bool own;
	int rc = own_begin(st, &own, err);

	st->ops->now(st, at, sizeof(at));
	if (rc == 0)
		rc = run(st, A_DEAL_RENAME,
			 (struct row_value[]){ ROW_TEXT(from), ROW_TEXT(to) },
			 2, &r, err);
	if (rc == 0) {
		row_result_release(&r);
		rc = run(st, A_HISTORY_RENAME,
			 (struct row_value[]){
				 ROW_TEXT(at),
				 ROW_TEXT(st->actor ? st->actor : ""),
				 ROW_TEXT(from), ROW_TEXT(to) },
			 4, &r, err);
	}
	if (rc == 0)
		row_result_release(&r);
	return own_end(st, own, rc, err);
}

static bool
same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* ---- history -------------------------------------------------------- */

static int
read_history(struct store *st, struct row_result *r, size_t row, void *obj,
	     struct tw_error *err)
{
	struct history_entry *h = obj;

	(void)st;
	(void)err;
	h->id = row_int(r, row, 0);
	h->at = row_take(r, row, 1);
	h->actor = row_take(r, row, 2);
	h->deal = row_take(r, row, 3);
	h->entity = row_take(r, row, 4);
	h->key = row_take(r, row, 5);
	h->field = row_take(r, row, 6);
	h->old_value = row_take(r, row, 7);
	h->new_value = row_take(r, row, 8);
	return 0;
}

int
store_history(struct store *st, const char *slug, struct history_list *out,
	      struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(slug) };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_all(st, slug ? A_HISTORY_DEAL : A_HISTORY_ALL, v,
		     slug ? 1 : 0, read_history, (void **)&out->items,
		     sizeof(*out->items), &out->n, err);
	out->alloc = out->n;
	if (rc)
		history_list_release(out);
	return rc;
}

int
store_history_page(struct store *st, const char *slug, long long before,
		   size_t limit, struct history_list *out, bool *more,
		   struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(slug ? slug : ""),
				 ROW_INT(before > 0 ? before : LLONG_MAX),
				 ROW_INT((long long)limit + 1) };
	int rc;

	memset(out, 0, sizeof(*out));
	*more = false;
	rc = get_all(st, A_HISTORY_PAGE, v, 3, read_history,
		     (void **)&out->items, sizeof(*out->items), &out->n, err);
	out->alloc = out->n;
	if (rc) {
		history_list_release(out);
		return rc;
	}
	/* One row more than asked says whether there is a next page. */
	if (out->n > limit) {
		*more = true;
		while (out->n > limit)
			history_entry_release(&out->items[--out->n]);
	}
	return 0;
}

/* ---- settings -------------------------------------------------------- */

int
store_setting_get(struct store *st, const char *key, char **out,
		  struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(key ? key : "") };
	struct row_result r;
	int rc = run(st, A_SETTING_GET, v, 1, &r, err);

	*out = !rc && r.nrows ? row_take(&r, 0, 0) : NULL;
	row_result_release(&r);
	return rc;
}

/* A NULL value removes the setting. */
int
store_setting_set(struct store *st, const char *key, const char *value,
		  struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(key ? key : ""), ROW_TEXT(value) };
	struct row_result r;
	char *old = NULL;
	bool own;
	int rc;

	if ((rc = own_begin(st, &own, err)) < 0)
		return rc;
	/*
	 * Any setting may change what the rules find (max_gap, half_life,
	 * holidays, ...): every evaluation is stale first, except for the
	 * notify.* ones (where alerts go). The history row is written with
	 * the change, and only when there is one.
	 */
	rc = store_setting_get(st, key, &old, err);
	if (rc == 0 && !same_text(old, value) &&
	    strncmp(key ? key : "", "notify.", 7))
		rc = store_eval_stale_all(st, err);
	if (rc == 0 && !same_text(old, value)) {
		rc = run(st, value ? A_SETTING_SET : A_SETTING_DELETE, v,
			 value ? 2 : 1, &r, err);
		row_result_release(&r);
	}
	if (rc == 0 && !same_text(old, value))
		rc = note(st, "setting", key ? key : "", "value", old, value,
			  err);
	free(old);
	return own_end(st, own, rc, err);
}

/*
 * The findings a database keeps were made by the rules of the techwin
 * that kept them. When its core differs from this one's (another
 * findings_rules_digest, core/findings.h), every evaluation is marked
 * stale once and the digest kept, as the setting STORE_RULES_KEY with no
 * history row: no user changed anything. A database this cannot write
 * is read as if it kept nothing valid (st->rules_outdated).
 */

void
store_rules_check(struct store *st)
{
	struct row_value v[] = { ROW_TEXT(STORE_RULES_KEY),
				 ROW_TEXT(findings_rules_digest) };
	struct tw_error err = { 0 };
	struct row_result r;
	char *kept = NULL;
	int rc;

	rc = store_setting_get(st, STORE_RULES_KEY, &kept, &err);
	st->rules_outdated = rc < 0 || !kept ||
			     strcmp(kept, findings_rules_digest);
	free(kept);
	tw_error_clear(&err);
	if (!st->rules_outdated || store_begin(st, &err) < 0)
		return;
	rc = store_eval_stale_all(st, &err);
	if (rc == 0) {
		rc = run(st, A_SETTING_SET, v, 2, &r, &err);
		row_result_release(&r);
	}
	if (rc == 0 && store_commit(st, &err) == 0)
		st->rules_outdated = false;
	else if (rc < 0)
		store_rollback(st);
}

/* ---- the workspace's playbook ----------------------------------------- */

int
store_playbook_get(struct store *st, struct step **out, size_t *n,
		   struct tw_error *err)
{
	struct row_result r;
	struct step *s;
	int rc = run(st, A_PLAYBOOK_GET, NULL, 0, &r, err);

	*out = NULL;
	*n = 0;
	if (rc == 0 && r.nrows)
		*out = xcalloc(r.nrows, sizeof(**out));
	for (size_t i = 0; rc == 0 && i < r.nrows; i++) {
		s = &(*out)[i];
		(*n)++;
		s->title = row_take(&r, i, 0);
		s->offset = (int)row_int(&r, i, 1);
		if (event_kind_parse(row_text(&r, i, 2), &s->kind) < 0)
			rc = store_corrupt(st, "playbook step kind",
					   row_text(&r, i, 2), err);
		s->plus_procurement = row_int(&r, i, 3) != 0;
		s->key = row_take(&r, i, 4);
		s->owner = row_take(&r, i, 5);
	}
	row_result_release(&r);
	if (rc < 0) {
		playbook_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* The history's text of a playbook: NULL for none (the default). */
static char *
playbook_text(const struct step *steps, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	if (!n)
		return NULL;
	playbook_describe(steps, n, &sb);
	return strbuf_detach(&sb, NULL);
}

int
store_playbook_set(struct store *st, const struct step *steps, size_t n,
		   struct tw_error *err)
{
	struct row_result r;
	struct step *old = NULL;
	size_t nold = 0;
	char *was = NULL, *now = playbook_text(steps, n);
	bool own;
	int rc;

	if ((rc = own_begin(st, &own, err)) < 0) {
		free(now);
		return rc;
	}
	if ((rc = store_playbook_get(st, &old, &nold, err)) == 0)
		was = playbook_text(old, nold);
	/* As a setting: nothing when the same, else findings stale first. */
	if (rc == 0 && !same_text(was, now))
		rc = store_eval_stale_all(st, err);
	if (rc == 0 && !same_text(was, now)) {
		rc = run(st, A_PLAYBOOK_CLEAR, NULL, 0, &r, err);
		row_result_release(&r);
	}
	for (size_t i = 0; rc == 0 && !same_text(was, now) && i < n; i++) {
		const struct step *s = &steps[i];
		struct row_value v[] = {
			ROW_INT((long long)i), ROW_TEXT(s->title),
			ROW_INT(s->offset), ROW_TEXT(event_kind_name(s->kind)),
			ROW_INT(s->plus_procurement ? 1 : 0),
			ROW_TEXT(s->key), ROW_TEXT(s->owner)
		};

		rc = run(st, A_PLAYBOOK_ADD, v, ARRAY_SIZE(v), &r, err);
		row_result_release(&r);
	}
	if (rc == 0 && !same_text(was, now))
		rc = note(st, "setting", "playbook", "value", was, now, err);
	playbook_free(old, nold);
	free(was);
	free(now);
	return own_end(st, own, rc, err);
}

/* ---- users ----------------------------------------------------------- */

static bool
is_role(const char *s)
{
	return s && (!strcmp(s, "admin") || !strcmp(s, "editor") ||
		     !strcmp(s, "viewer"));
}

static int
read_user(struct store *st, struct row_result *r, size_t row, void *obj,
	  struct tw_error *err)
{
	struct store_user *u = obj;

	(void)st;
	(void)err;
	u->id = row_int(r, row, 0);
	u->name = row_take(r, row, 1);
	u->role = row_take(r, row, 2);
	u->pw_hash = row_take(r, row, 3);
	u->created = row_take(r, row, 4);
	u->email = row_take(r, row, 5);
	u->full_name = row_take(r, row, 6);
	return 0;
}

int
store_user_put(struct store *st, struct store_user *u, struct tw_error *err)
{
	struct row_result r = { 0 };
	struct store_user old;
	char at[32];
	bool own;
	int rc;

	if (is_empty(u->name))
		return tw_error_set(err, TW_EINPUT, "a user needs a name");
	if (!is_role(u->role))
		return tw_error_set(err, TW_EINPUT, "invalid role '%s'",
				    u->role ? u->role : "");
	if (is_empty(u->pw_hash))
		return tw_error_set(err, TW_EINPUT,
				    "user '%s' needs a password hash",
				    u->name);
	if ((rc = own_begin(st, &own, err)) < 0)
		return rc;
	rc = store_user_get(st, u->name, &old, err);
	if (rc == TW_ENOTFOUND)
		rc = 0;
	st->ops->now(st, at, sizeof(at));
	if (rc == 0)
		rc = run(st, A_USER_PUT,
			 (struct row_value[]){ ROW_TEXT(u->name),
					       ROW_TEXT(u->role),
					       ROW_TEXT(u->pw_hash),
					       ROW_TEXT(at),
					       ROW_TEXT(u->email),
					       ROW_TEXT(u->full_name) },
			 6, &r, err);
	if (!rc && r.nrows) {
		u->id = row_int(&r, 0, 0);
		xstrset(&u->created, row_text(&r, 0, 1));
	}
	row_result_release(&r);
	/* A new user is recorded with its role, a changed one field by field. */
	if (rc == 0 && !old.name)
		rc = note(st, "user", u->name, "*", NULL, u->role, err);
	if (rc == 0 && old.name && strcmp(old.role, u->role))
		rc = note(st, "user", u->name, "role", old.role, u->role, err);
	if (rc == 0 && old.name && strcmp(old.pw_hash, u->pw_hash))
		rc = note(st, "user", u->name, "password", "(hidden)",
			  "(changed)", err);
	if (rc == 0 && old.name && !same_text(old.email, u->email))
		rc = note(st, "user", u->name, "email", old.email, u->email,
			  err);
	if (rc == 0 && old.name && !same_text(old.full_name, u->full_name))
		rc = note(st, "user", u->name, "full_name", old.full_name,
			  u->full_name, err);
	store_user_release(&old);
	return own_end(st, own, rc, err);
}

int
store_user_get(struct store *st, const char *name, struct store_user *out,
	       struct tw_error *err)
{
	struct strbuf msg = STRBUF_INIT;
	int rc;

	name = name ? name : "";
	memset(out, 0, sizeof(*out));
	strbuf_addf(&msg, "unknown user '%s'", name);
	rc = get_one(st, A_USER_GET, (struct row_value[]){ ROW_TEXT(name) },
		     1, read_user, out, msg.buf, err);
	strbuf_release(&msg);
	return rc;
}

int
store_user_get_by_id(struct store *st, long long id, struct store_user *out,
		     struct tw_error *err)
{
	struct strbuf msg = STRBUF_INIT;
	int rc;

	memset(out, 0, sizeof(*out));
	strbuf_addf(&msg, "unknown user id %lld", id);
	rc = get_one(st, A_USER_GET_ID, (struct row_value[]){ ROW_INT(id) },
		     1, read_user, out, msg.buf, err);
	strbuf_release(&msg);
	return rc;
}

int
store_user_list(struct store *st, struct store_user_list *out,
		struct tw_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_all(st, A_USER_LIST, NULL, 0, read_user,
		     (void **)&out->items, sizeof(*out->items), &out->n, err);
	out->alloc = out->n;
	if (rc)
		store_user_list_release(out);
	return rc;
}

int
store_user_delete(struct store *st, const char *name, struct tw_error *err)
{
	struct store_user old;
	bool own;
	int rc;

	name = name ? name : "";
	if ((rc = own_begin(st, &own, err)) < 0)
		return rc;
	rc = store_user_get(st, name, &old, err);
	if (rc == 0)
		rc = delete_known(st, A_USER_DELETE,
				  (struct row_value)ROW_TEXT(name), err,
				  "user '%s'", name);
	if (rc == 0)
		rc = note(st, "user", name, "*", old.role, NULL, err);
	store_user_release(&old);
	return own_end(st, own, rc, err);
}

/* ---- sessions -------------------------------------------------------- */

int
store_session_put(struct store *st, const struct store_session *se,
		  struct tw_error *err)
{
	struct row_result r;
	int rc;

	if (is_empty(se->id_hash) || is_empty(se->csrf))
		return tw_error_set(err, TW_EINPUT,
				    "a session needs a hash and a csrf token");
	rc = run(st, A_SESSION_PUT,
		 (struct row_value[]){ ROW_TEXT(se->id_hash),
				       ROW_INT(se->user_id),
				       ROW_TEXT(se->csrf),
				       ROW_INT(se->expires) },
		 4, &r, err);
	if (rc && r.conflict == ROW_FOREIGN_KEY)
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown user id %lld",
				  se->user_id);
	else if (rc && r.conflict == ROW_UNIQUE)
		rc = tw_error_set(err, TW_EEXIST, "session already exists");
	row_result_release(&r);
	return rc;
}

static int
read_session(struct store *st, struct row_result *r, size_t row, void *obj,
	     struct tw_error *err)
{
	struct store_session *se = obj;

	(void)st;
	(void)err;
	se->id_hash = row_take(r, row, 0);
	se->user_id = row_int(r, row, 1);
	se->csrf = row_take(r, row, 2);
	se->expires = row_int(r, row, 3);
	return 0;
}

int
store_session_get(struct store *st, const char *id_hash,
		  struct store_session *out, struct tw_error *err)
{
	memset(out, 0, sizeof(*out));
	/* Never echo a secret's hash into a message. */
	return get_one(st, A_SESSION_GET,
		       (struct row_value[]){ ROW_TEXT(id_hash ? id_hash : "") },
		       1, read_session, out, "unknown session", err);
}

int
store_session_delete(struct store *st, const char *id_hash,
		     struct tw_error *err)
{
	return delete_rows(st, A_SESSION_DELETE,
			   (struct row_value)ROW_TEXT(id_hash ? id_hash : ""),
			   NULL, "unknown session", err);
}

int
store_session_delete_user(struct store *st, long long user_id, size_t *n,
			  struct tw_error *err)
{
	return delete_rows(st, A_SESSION_DELETE_USER,
			   (struct row_value)ROW_INT(user_id), n, NULL, err);
}

int
store_session_delete_expired(struct store *st, long long now, size_t *n,
			     struct tw_error *err)
{
	return delete_rows(st, A_SESSION_DELETE_EXPIRED,
			   (struct row_value)ROW_INT(now), n, NULL, err);
}

/* ---- API tokens ------------------------------------------------------ */

int
store_token_put(struct store *st, struct store_token *t, struct tw_error *err)
{
	struct row_result r;
	char at[32];
	bool own;
	int rc;

	if (is_empty(t->name))
		return tw_error_set(err, TW_EINPUT, "a token needs a name");
	if (is_empty(t->user))
		return tw_error_set(err, TW_EINPUT,
				    "token '%s' needs a user", t->name);
	if (is_empty(t->hash))
		return tw_error_set(err, TW_EINPUT,
				    "token '%s' needs a hash", t->name);
	if ((rc = own_begin(st, &own, err)) < 0)
		return rc;
	st->ops->now(st, at, sizeof(at));
	rc = run(st, A_TOKEN_PUT,
		 (struct row_value[]){ ROW_TEXT(t->name), ROW_TEXT(t->user),
				       ROW_TEXT(t->hash), ROW_TEXT(at) },
		 4, &r, err);
	if (!rc && r.nrows) {
		t->id = row_int(&r, 0, 0);
		t->user_id = row_int(&r, 0, 1);
		xstrset(&t->created, row_text(&r, 0, 2));
	} else if (!rc) {
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown user '%s'",
				  t->user);
	} else if (r.conflict == ROW_UNIQUE &&
		   !strcmp(r.column, "tokens.name")) {
		rc = tw_error_set(err, TW_EEXIST,
				  "token '%s' already exists", t->name);
	} else if (r.conflict == ROW_UNIQUE) {
		rc = tw_error_set(err, TW_EEXIST, "token hash already in use");
	}
	row_result_release(&r);
	/* The token's user, never its value or hash. */
	if (rc == 0)
		rc = note(st, "token", t->name, "*", NULL, t->user, err);
	return own_end(st, own, rc, err);
}

static int
read_token(struct store *st, struct row_result *r, size_t row, void *obj,
	   struct tw_error *err)
{
	struct store_token *t = obj;

	(void)st;
	(void)err;
	t->id = row_int(r, row, 0);
	t->name = row_take(r, row, 1);
	t->user_id = row_int(r, row, 2);
	t->user = row_take(r, row, 3);
	t->hash = row_take(r, row, 4);
	t->created = row_take(r, row, 5);
	return 0;
}

int
store_token_find_by_hash(struct store *st, const char *hash,
			 struct store_token *out, struct tw_error *err)
{
	memset(out, 0, sizeof(*out));
	return get_one(st, A_TOKEN_FIND,
		       (struct row_value[]){ ROW_TEXT(hash ? hash : "") }, 1,
		       read_token, out, "unknown token", err);
}

int
store_token_list(struct store *st, struct store_token_list *out,
		 struct tw_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_all(st, A_TOKEN_LIST, NULL, 0, read_token,
		     (void **)&out->items, sizeof(*out->items), &out->n, err);
	out->alloc = out->n;
	if (rc)
		store_token_list_release(out);
	return rc;
}

int
store_token_delete(struct store *st, const char *name, struct tw_error *err)
{
	bool own;
	int rc;

	name = name ? name : "";
	if ((rc = own_begin(st, &own, err)) < 0)
		return rc;
	rc = delete_known(st, A_TOKEN_DELETE, (struct row_value)ROW_TEXT(name),
			  err, "token '%s'", name);
	if (rc == 0)
		rc = note(st, "token", name, "*", name, NULL, err);
	return own_end(st, own, rc, err);
}

int
store_token_delete_user(struct store *st, long long user_id, size_t *n,
			struct tw_error *err)
{
	return delete_rows(st, A_TOKEN_DELETE_USER,
			   (struct row_value)ROW_INT(user_id), n, NULL, err);
}

/* ---- share links ----------------------------------------------------- */

int
store_share_put(struct store *st, struct store_share *sh, struct tw_error *err)
{
	struct row_result r;
	char at[32], day[DATE_BUFSZ];
	int rc;

	if (is_empty(sh->deal))
		return tw_error_set(err, TW_EINPUT, "a share link needs a deal");
	if (is_empty(sh->hash))
		return tw_error_set(err, TW_EINPUT,
				    "a share link needs a hash");
	st->ops->now(st, at, sizeof(at));
	rc = run(st, A_SHARE_PUT,
		 (struct row_value[]){
			 ROW_TEXT(sh->deal), ROW_TEXT(sh->hash),
			 ROW_DATE(sh->expires != DATE_NONE
					  ? date_format(sh->expires, day)
					  : NULL),
			 ROW_TEXT(at) },
		 4, &r, err);
	if (!rc && r.nrows) {
		sh->id = row_int(&r, 0, 0);
		xstrset(&sh->created, row_text(&r, 0, 1));
	} else if (!rc) {
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'",
				  sh->deal);
	} else if (r.conflict == ROW_UNIQUE) {
		rc = tw_error_set(err, TW_EEXIST,
				  "share link hash already in use");
	}
	row_result_release(&r);
	return rc;
}

static int
read_share(struct store *st, struct row_result *r, size_t row, void *obj,
	   struct tw_error *err)
{
	struct store_share *sh = obj;
	const char *day = row_text(r, row, 3);

	sh->id = row_int(r, row, 0);
	sh->deal = row_take(r, row, 1);
	sh->hash = row_take(r, row, 2);
	sh->created = row_take(r, row, 4);
	sh->views = (int)row_int(r, row, 5);
	sh->last_viewed = row_take(r, row, 6);
	sh->expires = DATE_NONE;
	if (day && date_parse(day, &sh->expires, NULL) < 0)
		return store_corrupt(st, "share link expiry date", day, err);
	return 0;
}

int
store_share_find_by_hash(struct store *st, const char *hash,
			 struct store_share *out, struct tw_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_one(st, A_SHARE_FIND,
		     (struct row_value[]){ ROW_TEXT(hash ? hash : "") }, 1,
		     read_share, out, "unknown share link", err);
	if (rc)
		store_share_release(out);
	return rc;
}

int
store_share_list(struct store *st, const char *slug,
		 struct store_share_list *out, struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(slug) };
	int rc;

	memset(out, 0, sizeof(*out));
	rc = get_all(st, slug ? A_SHARE_LIST_DEAL : A_SHARE_LIST_ALL, v,
		     slug ? 1 : 0, read_share, (void **)&out->items,
		     sizeof(*out->items), &out->n, err);
	out->alloc = out->n;
	if (rc)
		store_share_list_release(out);
	return rc;
}

int
store_share_delete(struct store *st, long long id, struct tw_error *err)
{
	return delete_known(st, A_SHARE_DELETE, (struct row_value)ROW_INT(id),
			    err, "share link %lld", id);
}
