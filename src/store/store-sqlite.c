/*
 * The SQLite backend of the store interface: one file, WAL, numbered
 * migrations tracked in PRAGMA user_version, and a deal_put that compares the
 * new deal with the stored one so only changed rows are written and each
 * changed field leaves one history row.
 *
 * Tables and their columns are described once, as field tables over the
 * model structs (store/fields.h, shared with store-pg.c); the DML, the
 * binding, the reading and the comparison are all driven by those tables, so
 * a column cannot be forgotten in one of them.
 *
 * This file opens, checks, migrates and closes a database and turns
 * SQLite's errors into tw_errs; reading, walking and writing deals are
 * store-sqlite-read.c, -walk.c and -write.c (store-sqlite.h).
 */
#include "store/diff.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store-sqlite.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "TWIN": PRAGMA application_id, so a techwin database is recognisable. */
#define TW_APPLICATION_ID 0x5457494e
#define BUSY_TIMEOUT_MS 5000

#include "store/findings.h"
#include "store/notify.h"

/*
 * Migration N (1-based) takes the schema from user_version N-1 to N. Never
 * edit one that has shipped: append a new one.
 */
static const char *const migrations[] = {
	/* 1: the initial schema. */
	"CREATE TABLE deals (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  slug TEXT NOT NULL UNIQUE,\n"
	"  account TEXT,\n"
	"  stage TEXT,\n"
	"  value REAL,\n"
	"  currency TEXT,\n"
	"  ae TEXT,\n"
	"  se TEXT,\n"
	"  procurement_days INTEGER,\n"
	"  champion TEXT,\n"
	"  champion_email TEXT,\n"
	"  poc_start TEXT,\n"
	"  poc_end TEXT,\n"
	"  close_date TEXT,\n"
	"  outcome TEXT NOT NULL\n"
	"    CHECK (outcome IN ('open', 'won', 'lost'))\n"
	") STRICT;\n"
	"CREATE TABLE holidays (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  day TEXT NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  PRIMARY KEY (deal_id, day)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE criteria (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  \"key\" TEXT NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  metric TEXT,\n"
	"  unit TEXT,\n"
	"  direction TEXT NOT NULL\n"
	"    CHECK (direction IN ('at_most', 'at_least')),\n"
	"  required REAL NOT NULL,\n"
	"  measured REAL,\n"
	"  measured_on TEXT,\n"
	"  growth_pct REAL,\n"
	"  outcome TEXT,\n"
	"  PRIMARY KEY (deal_id, \"key\")\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE events (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  \"key\" TEXT NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('technical', 'commercial')),\n"
	"  title TEXT,\n"
	"  owner TEXT,\n"
	"  \"date\" TEXT,\n"
	"  done TEXT,\n"
	"  \"after\" TEXT,\n"
	"  PRIMARY KEY (deal_id, \"key\")\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE risks (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  \"key\" TEXT NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  title TEXT,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('scaling', 'compliance',\n"
	"    'security', 'cost', 'other')),\n"
	"  deadline TEXT,\n"
	"  buffer TEXT NOT NULL,\n"
	"  duration TEXT NOT NULL,\n"
	"  PRIMARY KEY (deal_id, \"key\")\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE phases (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  number INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  name TEXT,\n"
	"  scope TEXT,\n"
	"  price REAL,\n"
	"  justification TEXT,\n"
	"  duration TEXT,\n"
	"  PRIMARY KEY (deal_id, number)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE phase_criteria (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  number INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  criterion TEXT NOT NULL,\n"
	"  PRIMARY KEY (deal_id, number, pos),\n"
	"  FOREIGN KEY (deal_id, number)\n"
	"    REFERENCES phases(deal_id, number) ON DELETE CASCADE\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE playbook (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  pos INTEGER NOT NULL,\n"
	"  title TEXT,\n"
	"  \"offset\" INTEGER NOT NULL,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('technical', 'commercial')),\n"
	"  plus_procurement INTEGER NOT NULL\n"
	"    CHECK (plus_procurement IN (0, 1)),\n"
	"  PRIMARY KEY (deal_id, pos)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE touches (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  pos INTEGER NOT NULL,\n"
	"  type TEXT,\n"
	"  \"date\" TEXT,\n"
	"  channel TEXT,\n"
	"  criterion TEXT,\n"
	"  PRIMARY KEY (deal_id, pos)\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE history (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  at TEXT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  deal TEXT NOT NULL,\n"
	"  entity TEXT NOT NULL,\n"
	"  \"key\" TEXT NOT NULL,\n"
	"  field TEXT NOT NULL,\n"
	"  old TEXT,\n"
	"  new TEXT\n"
	") STRICT;\n"
	"CREATE INDEX history_deal ON history(deal, id);\n"
	"CREATE TRIGGER history_no_update BEFORE UPDATE ON history\n"
	"BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;\n"
	"CREATE TRIGGER history_no_delete BEFORE DELETE ON history\n"
	"BEGIN SELECT RAISE(ABORT, 'history is append-only'); END;\n"
	"CREATE TABLE settings (\n"
	"  \"key\" TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") STRICT, WITHOUT ROWID;\n",
	/* 2: a snoozed deal's findings are reported as snoozed (snooze). */
	"ALTER TABLE deals ADD COLUMN snooze_until TEXT;\n"
	"ALTER TABLE deals ADD COLUMN snooze_reason TEXT;\n",
	/* 3: deals imported from a CRM keep its record id (import --from). */
	"ALTER TABLE deals ADD COLUMN crm_source TEXT;\n"
	"ALTER TABLE deals ADD COLUMN crm_id TEXT;\n"
	"CREATE UNIQUE INDEX deals_crm ON deals(crm_source, crm_id)\n"
	"  WHERE crm_id IS NOT NULL;\n",
	/*
	 * 4: accounts for techwin serve. Secrets are never stored: sessions,
	 * API tokens and share links are kept as SHA-256 hashes of the random
	 * values handed out, passwords as Argon2id strings.
	 */
	"CREATE TABLE users (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),\n"
	"  pw_hash TEXT NOT NULL,\n"
	"  created TEXT NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE sessions (\n"
	"  id_hash TEXT PRIMARY KEY,\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  csrf TEXT NOT NULL,\n"
	"  expires INTEGER NOT NULL\n"
	") STRICT, WITHOUT ROWID;\n"
	"CREATE TABLE tokens (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
	"  hash TEXT NOT NULL UNIQUE,\n"
	"  created TEXT NOT NULL\n"
	") STRICT;\n"
	"CREATE TABLE shares (\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  hash TEXT NOT NULL UNIQUE,\n"
	"  expires TEXT,\n"
	"  created TEXT NOT NULL\n"
	") STRICT;\n",
	/* 5: a criterion whose result does not move with the load. */
	"ALTER TABLE criteria ADD COLUMN scales_with_load INTEGER NOT NULL\n"
	"  DEFAULT 1 CHECK (scales_with_load IN (0, 1));\n",
	/*
	 * 6: findings as data (check). Acknowledged findings are part of the
	 * deal; each open deal's evaluation and current findings are kept
	 * with the interval [evaluated_on, recheck_on) in which they hold.
	 */
	"CREATE TABLE acks (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  pos INTEGER NOT NULL,\n"
	"  rule TEXT NOT NULL,\n"
	"  subject TEXT NOT NULL,\n"
	"  reason TEXT NOT NULL,\n"
	"  actor TEXT,\n"
	"  until TEXT NOT NULL,\n"
	"  acked_on TEXT,\n"
	"  PRIMARY KEY (deal_id, pos)\n"
	") STRICT, WITHOUT ROWID;\n"
	EVALUATION_TABLES("INTEGER", "TEXT", " STRICT", ", WITHOUT ROWID"),
	/* 7: a digest of what is kept (findings_digest): re-evaluating
	 * finds the deals whose findings did not change. */
	"ALTER TABLE evaluations ADD COLUMN digest INTEGER;\n",
	/*
	 * 8: alerts (notify): the outbox of events, e-mail subscriptions,
	 * webhooks and the deliveries queued for them.
	 */
	NOTIFY_TABLES("INTEGER PRIMARY KEY", "INTEGER", " STRICT"),
	/*
	 * 9: the champion's side (issue 16): buyer-side and internal steps,
	 * a date the champion proposed, the plan confirmed, and each share
	 * link's views (no address, no browser).
	 */
	"ALTER TABLE events ADD COLUMN side TEXT NOT NULL DEFAULT 'seller'\n"
	"  CHECK (side IN ('seller', 'buyer'));\n"
	"ALTER TABLE events ADD COLUMN internal INTEGER NOT NULL DEFAULT 0\n"
	"  CHECK (internal IN (0, 1));\n"
	"ALTER TABLE events ADD COLUMN proposed TEXT;\n"
	"ALTER TABLE events ADD COLUMN proposed_note TEXT;\n"
	"ALTER TABLE events ADD COLUMN proposed_on TEXT;\n"
	"ALTER TABLE phases ADD COLUMN internal INTEGER NOT NULL DEFAULT 0\n"
	"  CHECK (internal IN (0, 1));\n"
	"ALTER TABLE deals ADD COLUMN confirmed_by TEXT;\n"
	"ALTER TABLE deals ADD COLUMN confirmed_on TEXT;\n"
	"CREATE TABLE links (\n"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,\n"
	"  link INTEGER NOT NULL,\n"
	"  pos INTEGER NOT NULL,\n"
	"  made TEXT,\n"
	"  expires TEXT,\n"
	"  views INTEGER NOT NULL,\n"
	"  opened TEXT,\n"
	"  last_viewed TEXT,\n"
	"  PRIMARY KEY (deal_id, link)\n"
	") STRICT, WITHOUT ROWID;\n",
	/*
	 * 10: the risks a phase addresses (their keys joined by ','), and a
	 * user's e-mail address and full name, the From of their drafts.
	 */
	"ALTER TABLE phases ADD COLUMN risks TEXT;\n"
	"ALTER TABLE users ADD COLUMN email TEXT;\n"
	"ALTER TABLE users ADD COLUMN full_name TEXT;\n",
	/* 11: playbook steps have a key and an owner (ae, se); an event
	 * plan --apply made keeps the step's key (plan --apply). A deal's
	 * renames (deal rename) are history rows, found by the old slug. */
	"ALTER TABLE playbook ADD COLUMN \"key\" TEXT;\n"
	"ALTER TABLE playbook ADD COLUMN owner TEXT;\n"
	"ALTER TABLE events ADD COLUMN step TEXT;\n"
	HISTORY_RENAMES_INDEX,
	/* 12: the pipeline by value, freshness or win walks an index. */
	LISTING_INDEXES(""),
	/*
	 * 13: the workspace's playbook (config playbook): the steps of
	 * every deal without a playbook of its own; none, the built-in one.
	 */
	WORKSPACE_PLAYBOOK_TABLE(" STRICT"),
	/*
	 * 14: each evaluation's deal as the rules read it (store/inputs.h),
	 * so that a settings change re-evaluates without walking the deals.
	 */
	EVALUATION_INPUTS("INTEGER", " STRICT"),
};

/* ---- errors ---------------------------------------------------------- */

/*
 * The file an SQLite error is about. The shared-memory codes are about the
 * index SQLite keeps beside the database (on a full disk it is the file that
 * could not be made); the rest are about the database, whose WAL is part of
 * it as far as the user is concerned.
 */
static const char *
fail_file(struct sqlite_store *s, int rc, struct strbuf *sb)
{
	switch (rc) {
	case SQLITE_IOERR_SHMOPEN:
	case SQLITE_IOERR_SHMSIZE:
	case SQLITE_IOERR_SHMMAP:
	case SQLITE_IOERR_SHMLOCK:
		strbuf_addf(sb, "%s-shm", s->path);
		break;
	default:
		strbuf_addstr(sb, s->path);
	}
	return sb->buf;
}

/* 0 when the database's directory is writable, else the errno why not. */
static int
dir_writable(struct sqlite_store *s)
{
	struct strbuf dir = STRBUF_INIT;
	const char *slash = strrchr(s->path, '/');
	int e = 0;

	if (!slash)
		strbuf_addch(&dir, '.');
	else if (slash == s->path)
		strbuf_addch(&dir, '/');
	else
		strbuf_add(&dir, s->path, (size_t)(slash - s->path));
	if (access(dir.buf, W_OK) < 0)
		e = errno;
	strbuf_release(&dir);
	return e;
}

/*
 * An i/o error or a file SQLite could not open: its errmsg is only "disk
 * I/O error" or "unable to open database file", so name the cause from the
 * system error behind it. A write past the file size limit (ulimit -f)
 * fails with EFBIG, not ENOSPC, and SQLite reports it as an i/o error.
 */
int
sqlite_os_fail_errno(struct sqlite_store *s, int rc, int e,
		     struct tw_error *err)
{
	struct strbuf file = STRBUF_INIT;
	const char *f = fail_file(s, rc, &file);

	if (e == ENOSPC || e == EDQUOT)
		rc = tw_error_set(err, TW_ESTORE, "disk full writing '%s'", f);
	else if (e == EFBIG)
		rc = tw_error_set(err, TW_ESTORE,
				  "file too large writing '%s' (over the file "
				  "size limit)",
				  f);
	else if ((rc & 0xff) == SQLITE_CANTOPEN && (e = dir_writable(s)))
		/*
		 * The database itself opened, so this is its -wal or -shm.
		 * errno is no help: SQLite retries read-only and reports
		 * that ENOENT, not the EROFS or EACCES behind it.
		 */
		rc = tw_error_set(err, TW_ESTORE,
				  "cannot open database '%s': cannot create "
				  "'%s-wal' and '%s-shm' beside it: %s",
				  s->path, s->path, s->path, strerror(e));
	else if ((rc & 0xff) == SQLITE_CANTOPEN)
		rc = tw_error_set(err, TW_ESTORE,
				  "cannot open database '%s': %s", f,
				  e ? strerror(e) : sqlite3_errmsg(s->db));
	else
		rc = tw_error_set(err, TW_ESTORE, "i/o error on '%s': %s", f,
				  e ? strerror(e) : sqlite3_errmsg(s->db));
	strbuf_release(&file);
	return rc;
}

static int
os_fail(struct sqlite_store *s, int rc, struct tw_error *err)
{
	return sqlite_os_fail_errno(s, rc, sqlite3_system_errno(s->db), err);
}

/* Turn an SQLite result code into a tw_err with a message. */
int
sqlite_sql_fail(struct sqlite_store *s, int rc, struct tw_error *err)
{
	const char *msg = sqlite3_errmsg(s->db);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
		return tw_error_set(err, TW_EBUSY,
				    "database is locked: '%s' is in use by "
				    "another process",
				    s->path);
	case SQLITE_LOCKED:
		return tw_error_set(err, TW_EBUSY,
				    "database is locked: '%s' is in use",
				    s->path);
	case SQLITE_FULL:
		return tw_error_set(err, TW_ESTORE, "disk full writing '%s'",
				    s->path);
	case SQLITE_READONLY:
		return tw_error_set(err, TW_ESTORE,
				    "database '%s' is read-only", s->path);
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return tw_error_set(err, TW_ESTORE,
				    "permission denied on '%s'", s->path);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return tw_error_set(err, TW_ESTORE,
				    "database '%s' is damaged: %s", s->path,
				    msg);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return os_fail(s, rc, err);
	default:
		return tw_error_set(err, TW_ESTORE,
				    "database error on '%s': %s", s->path,
				    msg);
	}
}

int
sqlite_corrupt(struct sqlite_store *s, const char *what, const char *value,
	       struct tw_error *err)
{
	return store_corrupt(&s->base, what, value, err);
}

/* ---- the keyed-row helper (accounts.c) ----------------------------- */

/* UTC now, unless TECHWIN_NOW fixes it. */
static void
sqlite_now(struct store *st, char *buf, size_t size)
{
	(void)st;
	sqlite_now_utc(buf, size);
}

static char *
column_dup(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	return v ? xstrdup(v) : NULL;
}

/* q's statement, prepared on first use with its $N read as ?N. */
static int
row_stmt_get(struct sqlite_store *s, const struct row_stmt *q,
	     sqlite3_stmt **out, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (!s->rstmt[q->id]) {
		for (const char *p = q->sql; *p; p++)
			strbuf_addch(&sb, *p == '$' ? '?' : *p);
		rc = sqlite_prepare(s, sb.buf, &s->rstmt[q->id], err);
		strbuf_release(&sb);
		if (rc)
			return rc;
	}
	*out = s->rstmt[q->id];
	return 0;
}

/* Which constraint a failed step broke, for accounts.c's messages. */
static void
row_conflict(struct sqlite_store *s, int rc, struct row_result *out)
{
	const char *msg = sqlite3_errmsg(s->db), *col = strstr(msg, ": ");

	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		out->conflict = ROW_UNIQUE;
	else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		out->conflict = ROW_FOREIGN_KEY;
	/* "UNIQUE constraint failed: tokens.name" */
	if (out->conflict && col)
		snprintf(out->column, sizeof(out->column), "%s", col + 2);
}

/*
 * The statement of q with v bound, inside the operation q needs (its own
 * write or read transaction unless one is open).
 */
static int
row_stmt_start(struct sqlite_store *s, const struct row_stmt *q,
	       const struct row_value *v, size_t nv, sqlite3_stmt **stmt,
	       struct tw_error *err)
{
	int rc = row_stmt_get(s, q, stmt, err);

	if (rc || ((q->write || q->tx) &&
		   (rc = sqlite_op_begin(s, q->write, err))))
		return rc;
	for (size_t i = 0; i < nv; i++) {
		if (v[i].type == ROW_INT)
			sqlite3_bind_int64(*stmt, (int)i + 1, v[i].num);
		else
			sqlite_bind_text_or_null(*stmt, (int)i + 1, v[i].text,
						 false);
	}
	return 0;
}

int
sqlite_rows(struct store *st, const struct row_stmt *q,
	    const struct row_value *v, size_t nv, struct row_result *out,
	    struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = row_stmt_start(s, q, v, nv, &stmt, err)))
		return rc;
	out->ncols = (size_t)sqlite3_column_count(stmt);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ALLOC_GROW(out->cells, (out->nrows + 1) * out->ncols, alloc);
		for (size_t c = 0; c < out->ncols; c++)
			out->cells[out->nrows * out->ncols + c] =
				column_dup(stmt, (int)c);
		out->nrows++;
	}
	if (rc == SQLITE_DONE) {
		rc = 0;
		if (q->write)
			out->changes = (size_t)sqlite3_changes(s->db);
	} else {
		row_conflict(s, rc, out);
		rc = sqlite_sql_fail(s, rc, err);
	}
	sqlite_stmt_done(stmt);
	return q->write || q->tx ? sqlite_op_end(s, q->write, rc, err) : rc;
}

/* sqlite_rows without copying a row: fn reads it in place. */
int
sqlite_rows_each(struct store *st, const struct row_stmt *q,
		 const struct row_value *v, size_t nv,
		 int (*fn)(const char *const *cells, size_t ncols, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	const char *cells[32];
	sqlite3_stmt *stmt;
	size_t ncols;
	int rc;

	if ((rc = row_stmt_start(s, q, v, nv, &stmt, err)))
		return rc;
	ncols = (size_t)sqlite3_column_count(stmt);
	if (ncols > ARRAY_SIZE(cells))
		rc = tw_error_set(err, TW_ESTORE,
				  "a query of %zu columns: at most %zu can be "
				  "read in place", ncols, ARRAY_SIZE(cells));
	while (rc == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (size_t c = 0; c < ncols; c++)
			cells[c] = (const char *)sqlite3_column_text(stmt,
								     (int)c);
		if ((rc = fn(cells, ncols, arg, err)) < 0)
			break;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sqlite_sql_fail(s, rc, err);
	sqlite_stmt_done(stmt);
	return q->write || q->tx ? sqlite_op_end(s, q->write, rc, err) : rc;
}

/* ---- open, check, migrate, close ------------------------------------- */

/* Finalize what s prepared, close it and free it. */
void
sqlite_store_close(struct sqlite_store *s)
{
	for (int i = 0; i < S_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < ROW_STMT_MAX; i++)
		sqlite3_finalize(s->rstmt[i]);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++)
		for (int w = 0; w < T_MAX; w++)
			sqlite3_finalize(s->tstmt[t][w]);
	for (size_t b = 0; b <= B_HISTORY; b++)
		for (size_t n = 0; n < BATCH_MAX; n++)
			sqlite3_finalize(s->bstmt[b][n]);
	sqlite_queue_release(&s->queue);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static void
sqlite_close(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);

	if (!s)
		return;
	if (s->in_tx)
		sqlite_rollback(st);
	sqlite_store_close(s);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.begin = sqlite_begin,
	.begin_bulk = sqlite_begin_bulk,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.deal_list = sqlite_deal_list,
	.deal_get = sqlite_deal_get,
	.deal_put = sqlite_deal_put,
	.deal_delete = sqlite_deal_delete,
	.deal_each = sqlite_deal_each,
	.deal_each_parts = sqlite_deal_each_parts,
	.deal_each_unkept = sqlite_deal_each_parts_on,
	.rows = sqlite_rows,
	.now = sqlite_now,
	.rows_each = sqlite_rows_each,
	.rows_each_parts = sqlite_rows_each_parts,
};

/* A one-integer query such as a pragma; returns an SQLite code. */
int
sqlite_query_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(stmt, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(stmt);
	return rc;
}

/*
 * Decide, by reading only, whether the file is a techwin database this
 * binary can use: nothing may be written to a file we do not own.
 * *version is its schema version (0 for a new, empty database).
 */
static int
check_identity(struct sqlite_store *s, int *version, struct tw_error *err)
{
	int app_id = 0, objects = 0, rc;

	*version = 0;
	rc = sqlite_query_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = sqlite_query_int(s->db, "PRAGMA user_version", version);
	if (rc == SQLITE_OK)
		rc = sqlite_query_int(
		    s->db, "SELECT count(*) FROM sqlite_schema", &objects);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return tw_error_set(err, TW_ESTORE,
				    "'%s' is not a techwin database (not an "
				    "sqlite file)",
				    s->path);
	if (rc != SQLITE_OK)
		return sqlite_sql_fail(s, rc, err);
	if (app_id != TW_APPLICATION_ID) {
		if (app_id || *version || objects)
			return tw_error_set(err, TW_ESTORE,
					    "'%s' is not a techwin database",
					    s->path);
		return 0;
	}
	if (*version > store_schema_version())
		return tw_error_set(err, TW_ESTORE,
				    "database '%s' has schema version %d, "
				    "newer than this techwin knows (%d): "
				    "upgrade techwin",
				    s->path, *version, store_schema_version());
	return 0;
}

static int
exec(struct sqlite_store *s, const char *sql, struct tw_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : sqlite_sql_fail(s, rc, err);
}

/* Run the migrations past version, all in one transaction. */
static int
migrate(struct sqlite_store *s, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int version, rc;

	rc = exec(s, "BEGIN IMMEDIATE", err);
	if (rc)
		return rc;
	/* Another process may have migrated while we waited for the lock. */
	rc = check_identity(s, &version, err);
	for (int v = version; !rc && v < store_schema_version(); v++) {
		rc = exec(s, migrations[v], err);
		if (rc)
			tw_error_prefix(err, "migration %d", v + 1);
	}
	if (!rc && version < store_schema_version()) {
		strbuf_addf(&sb, "PRAGMA application_id = %d; "
				 "PRAGMA user_version = %d",
			    TW_APPLICATION_ID, store_schema_version());
		rc = exec(s, sb.buf, err);
	}
	if (!rc)
		rc = exec(s, "COMMIT", err);
	if (rc && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	strbuf_release(&sb);
	return rc;
}

static int
setup(struct sqlite_store *s, struct tw_error *err)
{
	int version, rc;

	if ((int)ARRAY_SIZE(migrations) != store_schema_version())
		return tw_error_set(err, TW_ESTORE,
				    "internal error: %zu sqlite migrations for "
				    "schema version %d",
				    ARRAY_SIZE(migrations),
				    store_schema_version());
	rc = check_identity(s, &version, err);
	if (rc)
		return rc;
	if (version < store_schema_version() &&
	    sqlite3_db_readonly(s->db, "main") == 1)
		return tw_error_set(err, TW_ESTORE,
				    "database '%s' is read-only and needs a "
				    "schema upgrade",
				    s->path);
	/* Only now that the file is known to be ours may anything write. */
	if (sqlite3_db_readonly(s->db, "main") != 1) {
		rc = exec(s, "PRAGMA journal_mode = WAL", err);
		if (rc)
			return rc;
	}
	rc = exec(s, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON",
		  err);
	if (!rc && version < store_schema_version())
		rc = migrate(s, err);
	if (!rc)
		rc = 0;
	return rc;
}

/*
 * SQLite counts the memory it allocates under a global mutex, on every
 * malloc and free, unless told not to before it starts: 4% of an import's
 * writing, for numbers techwin never reads.
 */
static void
sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/*
 * COLLATE "C", byte order, as SQLite's BINARY: the statements accounts.c
 * shares with PostgreSQL sort with it there.
 */
static int
collate_c(void *arg, int na, const void *a, int nb, const void *b)
{
	int c = memcmp(a, b, (size_t)(na < nb ? na : nb));

	(void)arg;
	return c ? c : na - nb;
}

/*
 * The database holds password hashes, session CSRF tokens and every deal:
 * only its owner may read it. SQLite creates a file with 0644 less the
 * umask, and its -wal, -shm and -journal with the database's own mode, so
 * a new database is made here first, empty, with 0600 (SQLite takes an
 * empty file for a new database). An existing one is left as it is.
 */
static void
create_private(const char *path)
{
	int fd;

	if (!*path || !strcmp(path, ":memory:"))
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	/* Any failure but EEXIST is SQLite's to report, as before. */
	if (fd >= 0)
		close(fd);
}

/*
 * Warn, once a process (serve opens a connection per worker), when other
 * users may read the database. Its -wal follows: SQLite gives it the
 * database's mode, even one left from before (the -shm holds no rows).
 * Not an error: the owner may mean it, and the warning says how to stop it.
 */
static void
warn_mode(const char *path)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static bool warned;
	struct stat sb;

	pthread_mutex_lock(&lock);
	if (warned) {
		pthread_mutex_unlock(&lock);
		return;
	}
	warned = true;
	pthread_mutex_unlock(&lock);
	if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 077))
		fprintf(stderr,
			"warning: other users can access '%s' (mode %04o), "
			"which holds password hashes and sessions: run "
			"'chmod 600 %s'\n",
			path, (unsigned)(sb.st_mode & 07777), path);
}

int
store_sqlite_open(struct store **out, const char *path, enum store_mode mode,
		  struct tw_error *err)
{
	static pthread_once_t configured = PTHREAD_ONCE_INIT;
	struct sqlite_store *s;
	struct stat sb;
	/*
	 * A connection is only ever used by one thread at a time (serve
	 * opens one per worker), so SQLite's per-call locking is overhead.
	 */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, rc;

	*out = NULL;
	pthread_once(&configured, sqlite_configure);
	if (mode == STORE_OPEN_EXISTING && stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return tw_error_set(err, TW_ESTORE,
					    "no database at '%s' (run 'techwin "
					    "init' or use --db)",
					    path);
		return tw_error_set(err, TW_ESTORE,
				    "cannot open database '%s': %s", path,
				    strerror(errno));
	}
	if (mode == STORE_CREATE) {
		flags |= SQLITE_OPEN_CREATE;
		create_private(path);
	}

	s = xcalloc(1, sizeof(*s));
	s->base.ops = &sqlite_ops;
	s->path = xstrdup(path);
	s->base.where = s->path;
	rc = sqlite3_open_v2(path, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		int e = s->db ? sqlite3_system_errno(s->db) : 0;

		/* Not sql_fail: that takes a failed open for the WAL's. */
		rc = tw_error_set(err, TW_ESTORE,
				  "cannot open database '%s': %s", path,
				  !s->db ? "out of memory"
				  : e	 ? strerror(e)
					 : sqlite3_errmsg(s->db));
		sqlite_close(&s->base);
		return rc;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	sqlite3_create_collation_v2(s->db, "C", SQLITE_UTF8, NULL, collate_c,
				    NULL);
	rc = setup(s, err);
	if (rc) {
		sqlite_close(&s->base);
		return rc;
	}
	warn_mode(s->path);
	*out = &s->base;
	return 0;
}

struct sqlite3 *
store_sqlite_handle(struct store *st)
{
	if (!st || st->ops != &sqlite_ops)
		return NULL;
	return to_sqlite(st)->db;
}
