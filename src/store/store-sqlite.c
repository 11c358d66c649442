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
 */
#include "store/diff.h"
#include "store/fields.h"
#include "store/store-internal.h"
#include "store/store.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "TWIN": PRAGMA application_id, so a techwin database is recognisable. */
#define TW_APPLICATION_ID 0x5457494e
#define BUSY_TIMEOUT_MS 5000

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
};

/* ---- the store ------------------------------------------------------- */

enum stmt_id {
	S_BEGIN,
	S_BEGIN_IMMEDIATE,
	S_COMMIT,
	S_ROLLBACK,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_DEAL_GET,
	S_DEAL_LIST,
	S_DEAL_INSERT,
	S_DEAL_UPDATE,
	S_DEAL_DELETE,
	S_PHASE_CRIT_GET,
	S_PHASE_CRIT_INSERT,
	S_PHASE_CRIT_DELETE,
	S_HISTORY_ALL,
	S_HISTORY_DEAL,
	S_MAX
};

static const char *const fixed_sql[S_MAX] = {
	[S_BEGIN] = "BEGIN",
	[S_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_SAVEPOINT] = "SAVEPOINT tw_op",
	[S_RELEASE] = "RELEASE tw_op",
	[S_ROLLBACK_TO] = "ROLLBACK TO tw_op",
	[S_PHASE_CRIT_GET] = "SELECT number, criterion FROM phase_criteria "
			     "WHERE deal_id = ?1 ORDER BY number, pos",
	[S_PHASE_CRIT_INSERT] = "INSERT INTO phase_criteria "
				"(deal_id, number, pos, criterion) "
				"VALUES (?1, ?2, ?3, ?4)",
	[S_PHASE_CRIT_DELETE] = "DELETE FROM phase_criteria "
				"WHERE deal_id = ?1 AND number = ?2",
	[S_HISTORY_ALL] = "SELECT id, at, actor, deal, entity, \"key\", "
			  "field, old, new FROM history ORDER BY id",
	[S_HISTORY_DEAL] = "SELECT id, at, actor, deal, entity, \"key\", "
			   "field, old, new FROM history WHERE deal = ?1 "
			   "ORDER BY id",
};

/*
 * Rows a deal_put has yet to write, so that they go in multi-row INSERTs
 * (put_flush): one statement per row was half of an import's time in
 * SQLite. The children of a new deal, in the order diff.c creates them,
 * and every history row, its text copied (diff.c reuses its buffers).
 */
struct put_queue {
	struct queued_row {
		size_t b;		/* store_tables index, or B_PHASE_CRIT */
		const void *obj;	/* the child (B_PHASE_CRIT: its phase) */
		size_t pos;		/* (B_PHASE_CRIT: the criterion's) */
	} *rows, *crit;
	size_t nrows, arows, ncrit, acrit;
	size_t (*hist)[5];	/* in text: entity, key, field, old, new */
	size_t nhist, ahist;
	struct strbuf text;
};

/* Batched INSERTs: the child tables, then these two. */
#define B_PHASE_CRIT NTABLES
#define B_HISTORY (NTABLES + 1)
/* At most this many rows per statement (and prepared statement sizes). */
#define BATCH_MAX 64

struct sqlite_store {
	struct store base;
	sqlite3 *db;
	char *path;
	bool in_tx;		/* inside an explicit begin */
	bool tx_failed;		/* a write failed half-way: rollback only */
	int tx_puts;		/* deals put in the explicit transaction */
	bool bulk;		/* bulk_cache() raised the cache */
	int cache_size;		/* PRAGMA cache_size before that */
	sqlite3_stmt *stmt[S_MAX];
	sqlite3_stmt *rstmt[ROW_STMT_MAX];	/* accounts.c's */
	sqlite3_stmt *tstmt[NTABLES][T_MAX];
	/* INSERTs of n rows at [b][n - 1], prepared on first use */
	sqlite3_stmt *bstmt[B_HISTORY + 1][BATCH_MAX];
	struct put_queue queue;
};

static struct sqlite_store *
to_sqlite(struct store *st)
{
	return (struct sqlite_store *)st;
}

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
static int
os_fail_errno(struct sqlite_store *s, int rc, int e, struct tw_error *err)
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
	return os_fail_errno(s, rc, sqlite3_system_errno(s->db), err);
}

/* Turn an SQLite result code into a tw_err with a message. */
static int
sql_fail(struct sqlite_store *s, int rc, struct tw_error *err)
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

static int
corrupt(struct sqlite_store *s, const char *what, const char *value,
	struct tw_error *err)
{
	return store_corrupt(&s->base, what, value, err);
}

/* ---- statements ------------------------------------------------------ */

static void
stmt_done(sqlite3_stmt *stmt)
{
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* Step a statement that returns no rows, then reset it. */
static int
stmt_run(struct sqlite_store *s, sqlite3_stmt *stmt, struct tw_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		rc = sql_fail(s, rc, err);
	else
		rc = 0;
	stmt_done(stmt);
	return rc;
}

static int stmt_get(struct sqlite_store *s, int id, sqlite3_stmt **out,
		    struct tw_error *err);

static int
run_fixed(struct sqlite_store *s, enum stmt_id id, struct tw_error *err)
{
	sqlite3_stmt *stmt;
	int rc = stmt_get(s, id, &stmt, err);

	return rc ? rc : stmt_run(s, stmt, err);
}

/*
 * The deals table: ?1 id, ?2 slug, ?3... the fields. Insert binds ?1 NULL
 * so SQLite picks the id.
 */
static void
deal_sql(enum stmt_id id, struct strbuf *sb)
{
	size_t n = ndeal_fields;

	switch (id) {
	case S_DEAL_GET:
	case S_DEAL_LIST:
		strbuf_addstr(sb, "SELECT id, slug");
		add_column_list(sb, deal_fields, n);
		strbuf_addstr(sb, " FROM deals ");
		strbuf_addstr(sb, id == S_DEAL_GET ? "WHERE slug = ?1"
						   : "ORDER BY slug");
		break;
	case S_DEAL_INSERT:
		strbuf_addstr(sb, "INSERT INTO deals (id, slug");
		add_column_list(sb, deal_fields, n);
		strbuf_addstr(sb, ") VALUES (?1, ?2");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", ?%zu", i + 3);
		strbuf_addch(sb, ')');
		break;
	case S_DEAL_UPDATE:
		strbuf_addstr(sb, "UPDATE deals SET slug = ?2");
		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, ", \"%s\" = ?%zu", deal_fields[i].name,
				    i + 3);
		strbuf_addstr(sb, " WHERE id = ?1");
		break;
	case S_DEAL_DELETE:
		strbuf_addstr(sb, "DELETE FROM deals WHERE id = ?1");
		break;
	default:
		break;
	}
}

static int
prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **out,
	struct tw_error *err)
{
	int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    out, NULL);

	if (rc != SQLITE_OK) {
		rc = sql_fail(s, rc, err);
		tw_error_prefix(err, "cannot prepare statement");
	}
	return rc;
}

/*
 * Statements are prepared on first use and kept for the connection's life:
 * preparing all of them at open was half of a one-deal command's time.
 */
static int
stmt_get(struct sqlite_store *s, int id, sqlite3_stmt **out,
	 struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (s->stmt[id]) {
		*out = s->stmt[id];
		return 0;
	}
	if (fixed_sql[id])
		strbuf_addstr(&sb, fixed_sql[id]);
	else
		deal_sql((enum stmt_id)id, &sb);
	rc = prepare(s, sb.buf, &s->stmt[id], err);
	strbuf_release(&sb);
	*out = s->stmt[id];
	return rc;
}

static int
tstmt_get(struct sqlite_store *s, size_t t, int which, sqlite3_stmt **out,
	  struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	if (s->tstmt[t][which]) {
		*out = s->tstmt[t][which];
		return 0;
	}
	table_sql(&store_tables[t], which, '?', &sb);
	rc = prepare(s, sb.buf, &s->tstmt[t][which], err);
	strbuf_release(&sb);
	*out = s->tstmt[t][which];
	return rc;
}

/* ---- fields: bind, read ---------------------------------------------- */

static int
bind_text_or_null(sqlite3_stmt *stmt, int i, const char *v, bool transient)
{
	if (!v)
		return sqlite3_bind_null(stmt, i);
	return sqlite3_bind_text(stmt, i, v, -1,
				 transient ? SQLITE_TRANSIENT : SQLITE_STATIC);
}

/* Strings are bound SQLITE_STATIC: the deal outlives the step. */
static int
bind_field(sqlite3_stmt *stmt, int i, const struct field *f, const void *obj)
{
	const void *p = fptr(f, obj);
	char buf[DATE_BUFSZ + DURATION_BUFSZ];

	switch (f->type) {
	case F_STR:
		return bind_text_or_null(stmt, i, *(char *const *)p, false);
	case F_INT_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_INT:
		return sqlite3_bind_int(stmt, i, *(const int *)p);
	case F_REAL_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_REAL:
		return sqlite3_bind_double(stmt, i, *(const double *)p);
	case F_BOOL:
		return sqlite3_bind_int(stmt, i, *(const bool *)p);
	case F_DATE:
		if (*(const tw_date *)p == DATE_NONE)
			return sqlite3_bind_null(stmt, i);
		return bind_text_or_null(
			stmt, i, date_format(*(const tw_date *)p, buf), true);
	case F_DUR_OPT:
		if (!fhas(f, obj))
			return sqlite3_bind_null(stmt, i);
		/* fall through */
	case F_DUR:
		return bind_text_or_null(stmt, i, duration_format(p, buf),
					 true);
	case F_ENUM:
		return bind_text_or_null(stmt, i, f->en->name(fenum(f, obj)),
					 false);
	case F_LIST:
		break;
	}
	return SQLITE_OK;
}

/* Bind fields (F_LIST skipped) to parameters first, first + 1, ... */
static int
bind_fields(sqlite3_stmt *stmt, int first, const struct field *f, size_t n,
	    const void *obj)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; i < n && rc == SQLITE_OK; i++)
		if (f[i].type != F_LIST)
			rc = bind_field(stmt, first++, &f[i], obj);
	return rc;
}

static int
read_field(struct sqlite_store *s, sqlite3_stmt *stmt, int col,
	   const struct field *f, void *obj, struct tw_error *err)
{
	void *p = (char *)obj + f->off;
	bool *has = (bool *)((char *)obj + f->aux);
	bool null;
	const char *text;

	/*
	 * Strings are most of what a walk reads (BENCHMARKS.md): SQL NULL
	 * is a NULL text, and the length is known, so neither the type nor
	 * strlen is asked for.
	 */
	if (f->type == F_STR) {
		text = (const char *)sqlite3_column_text(stmt, col);
		*(char **)p = text ? xstrndup(text, (size_t)sqlite3_column_bytes(
							    stmt, col))
				   : NULL;
		return 0;
	}
	/* Ask for the type first: a conversion would change the answer. */
	null = sqlite3_column_type(stmt, col) == SQLITE_NULL;
	switch (f->type) {
	case F_STR:
	case F_DATE:
	case F_DUR:
	case F_DUR_OPT:
	case F_ENUM:
		text = null ? NULL : (const char *)sqlite3_column_text(stmt, col);
		if (field_from_text(f, obj, text) < 0)
			return corrupt(s, f->name, text, err);
		break;
	case F_INT_OPT:
		*has = !null;
		/* fall through */
	case F_INT:
		*(int *)p = sqlite3_column_int(stmt, col);
		break;
	case F_REAL_OPT:
		*has = !null;
		/* fall through */
	case F_REAL:
		*(double *)p = sqlite3_column_double(stmt, col);
		break;
	case F_BOOL:
		*(bool *)p = sqlite3_column_int(stmt, col) != 0;
		break;
	case F_LIST:
		break;
	}
	return 0;
}

/* Read fields (F_LIST skipped) from columns first, first + 1, ... */
static int
read_fields(struct sqlite_store *s, sqlite3_stmt *stmt, int first,
	    const struct field *f, size_t n, void *obj, struct tw_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++)
		if (f[i].type != F_LIST)
			rc = read_field(s, stmt, first++, &f[i], obj, err);
	return rc;
}

/* ---- transactions ---------------------------------------------------- */

static int query_int(sqlite3 *db, const char *sql, int *out);

/*
 * A transaction that puts many deals (an import) gets a page cache of
 * BULK_CACHE_KIB until it ends. With SQLite's 2 MB, the pages at the
 * growing edge of every table and index were spilled to the WAL and read
 * back over and over: a fifth of the writer's time importing 100k deals.
 */
#define BULK_CACHE_KIB 131072

static void
bulk_cache(struct sqlite_store *s, bool on)
{
	char sql[64];

	/* Only the speed depends on it: a failure changes nothing else. */
	if (on && query_int(s->db, "PRAGMA cache_size", &s->cache_size) !=
			  SQLITE_OK)
		return;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size = %d",
		 on ? -BULK_CACHE_KIB : s->cache_size);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	s->bulk = on;
}

/*
 * Write a bulk transaction's dirty pages before its COMMIT. A write that
 * fails inside COMMIT is followed by a rollback whose system calls leave
 * sqlite3_system_errno() without the cause (a file over ulimit -f read
 * "disk I/O error"); after sqlite3_db_cacheflush() errno still has it.
 */
static int
bulk_flush(struct sqlite_store *s, struct tw_error *err)
{
	int rc = sqlite3_db_cacheflush(s->db), e = errno;

	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_IOERR)
		return os_fail_errno(s, rc, e, err);
	return sql_fail(s, rc, err);
}

/* The explicit transaction ends: back to the usual cache. */
static void
tx_end(struct sqlite_store *s)
{
	if (s->bulk)
		bulk_cache(s, false);
	s->tx_puts = 0;
	s->tx_failed = false;
	s->in_tx = false;
}

/*
 * Every operation runs between op_begin and op_end. Outside an explicit
 * transaction it gets its own (writes take the lock at once); inside one,
 * a write runs under a savepoint so a failed operation leaves no half of
 * itself behind in the caller's transaction.
 */
static int
op_begin(struct sqlite_store *s, bool write, struct tw_error *err)
{
	if (s->in_tx) {
		/*
		 * SQLite rolls back by itself after some errors (full disk);
		 * a failed put that could not be undone poisons it too.
		 */
		if (s->tx_failed || sqlite3_get_autocommit(s->db))
			return tw_error_set(err, TW_ESTORE,
					    "transaction was rolled back after "
					    "an earlier error");
		return write ? run_fixed(s, S_SAVEPOINT, err) : 0;
	}
	return run_fixed(s, write ? S_BEGIN_IMMEDIATE : S_BEGIN, err);
}

static int
op_end(struct sqlite_store *s, bool write, int rc, struct tw_error *err)
{
	if (s->in_tx) {
		if (!write || sqlite3_get_autocommit(s->db))
			return rc;
		if (rc)
			run_fixed(s, S_ROLLBACK_TO, NULL);
		run_fixed(s, S_RELEASE, NULL);
		return rc;
	}
	if (!rc)
		rc = run_fixed(s, S_COMMIT, err);
	if (rc && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	return rc;
}

static int
sqlite_begin(struct store *st, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	int rc;

	if (s->in_tx)
		return tw_error_set(err, TW_ESTORE,
				    "a transaction is already open");
	rc = run_fixed(s, S_BEGIN_IMMEDIATE, err);
	if (!rc)
		s->in_tx = true;
	return rc;
}

static int
sqlite_commit(struct store *st, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	int rc;

	if (!s->in_tx)
		return tw_error_set(err, TW_ESTORE, "no transaction is open");
	if (s->tx_failed && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	if (sqlite3_get_autocommit(s->db)) {
		tx_end(s);
		return tw_error_set(err, TW_ESTORE,
				    "transaction was rolled back after an "
				    "earlier error");
	}
	rc = s->tx_puts > 1 ? bulk_flush(s, err) : 0;
	if (!rc)
		rc = run_fixed(s, S_COMMIT, err);
	/* Never leave the write lock held after a failed commit. */
	if (rc && !sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	tx_end(s);
	return rc;
}

static void
sqlite_rollback(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);

	if (!s->in_tx)
		return;
	if (!sqlite3_get_autocommit(s->db))
		run_fixed(s, S_ROLLBACK, NULL);
	tx_end(s);
}

/* ---- reading deals ---------------------------------------------------- */

/* The deals columns of the current row of S_DEAL_GET / S_DEAL_LIST. */
static int
read_deal_row(struct sqlite_store *s, sqlite3_stmt *stmt, struct deal *d,
	      long long *id, struct tw_error *err)
{
	if (id)
		*id = sqlite3_column_int64(stmt, 0);
	d->slug = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	return read_fields(s, stmt, 2, deal_fields, ndeal_fields, d, err);
}

static int
load_phase_criteria(struct sqlite_store *s, long long id, struct deal *d,
		    struct tw_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = stmt_get(s, S_PHASE_CRIT_GET, &stmt, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int number = sqlite3_column_int(stmt, 0);
		const char *c = (const char *)sqlite3_column_text(stmt, 1);
		struct phase *p = deal_find_phase(d, number);
		size_t n;

		if (!p)
			continue;
		n = p->ncriteria + 1;
		p->criteria = xrealloc(p->criteria, n * sizeof(*p->criteria));
		p->criteria[p->ncriteria++] = xstrdup(c ? c : "");
	}
	rc = rc == SQLITE_DONE ? 0 : sql_fail(s, rc, err);
	stmt_done(stmt);
	return rc;
}

static int
load_children(struct sqlite_store *s, long long id, struct deal *d,
	      struct tw_error *err)
{
	int rc = 0;

	for (size_t t = 0; t < NTABLES && !rc; t++) {
		const struct table *tb = &store_tables[t];
		sqlite3_stmt *stmt;

		rc = tstmt_get(s, t, T_SELECT, &stmt, err);
		if (rc)
			break;
		sqlite3_bind_int64(stmt, 1, id);
		while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
			rc = read_fields(s, stmt, 1, tb->fields, tb->nfields,
					 tb->add(d), err);
		if (rc == SQLITE_DONE)
			rc = 0;
		else if (rc > 0)
			rc = sql_fail(s, rc, err);
		stmt_done(stmt);
	}
	if (!rc)
		rc = load_phase_criteria(s, id, d, err);
	return rc;
}

/*
 * The stored deal named slug, with its children when children is set.
 * TW_ENOTFOUND when absent. out is released on failure.
 */
static int
load_deal(struct sqlite_store *s, const char *slug, bool children,
	  struct deal *out, long long *id, struct tw_error *err)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = stmt_get(s, S_DEAL_GET, &stmt, err);
	if (rc)
		return rc;
	deal_init(out);
	sqlite3_bind_text(stmt, 1, slug, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = read_deal_row(s, stmt, out, id, err);
	else if (rc == SQLITE_DONE)
		rc = tw_error_set(err, TW_ENOTFOUND, "unknown deal '%s'", slug);
	else
		rc = sql_fail(s, rc, err);
	stmt_done(stmt);
	if (!rc && children)
		rc = load_children(s, *id, out, err);
	if (rc)
		deal_release(out);
	return rc;
}

static int
sqlite_deal_get(struct store *st, const char *slug, struct deal *out,
		struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	long long id;
	int rc;

	deal_init(out);
	rc = op_begin(s, false, err);
	if (rc)
		return rc;
	rc = load_deal(s, slug, true, out, &id, err);
	return op_end(s, false, rc, err);
}

static int
sqlite_deal_list(struct store *st, struct deal_list *out,
		 struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = stmt_get(s, S_DEAL_LIST, &stmt, err);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = op_begin(s, false, err);
	if (rc)
		return rc;
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		deal_init(&out->items[out->n]);
		rc = read_deal_row(s, stmt, &out->items[out->n++], NULL, err);
	}
	if (rc == SQLITE_DONE)
		rc = 0;
	else if (rc > 0)
		rc = sql_fail(s, rc, err);
	stmt_done(stmt);
	rc = op_end(s, false, rc, err);
	if (rc)
		deal_list_release(out);
	return rc;
}

/* ---- every deal, one at a time ----------------------------------------- */

/*
 * deal_each walks the deals by slug with one more cursor per child table,
 * each ordered the same way (by the deal's slug), so one pass merges them:
 * a deal's children are the rows the cursors are on while their deal id is
 * the deal's. Eight statements for the whole pipeline instead of eight per
 * deal; they are prepared per walk, not at open, since only pipeline
 * reports need them. A deal's children come in key order (the primary
 * key) and are put in position order here: ordering by position in SQL
 * costs a sorter per deal and per table, a quarter of the walk.
 */
struct each_cursor {
	sqlite3_stmt *stmt;
	bool on_row;
};

/* Where a walk is: its deals, its slugs from <= slug < to (NULL: open). */
struct each_walk {
	bool open_only;
	const char *from, *to;
	size_t part;
	int (*fn)(size_t part, const struct deal *d, void *arg,
		  struct tw_error *err);
	void *arg;
	atomic_bool *stop;	/* set by a part that failed; may be NULL */
};

static void
each_where(const struct each_walk *w, struct strbuf *sb)
{
	const char *and = " WHERE";

	if (w->open_only) {
		strbuf_addf(sb, "%s d.outcome = 'open'", and);
		and = " AND";
	}
	if (w->from) {
		strbuf_addf(sb, "%s d.slug >= ?1", and);
		and = " AND";
	}
	if (w->to)
		strbuf_addf(sb, "%s d.slug < ?2", and);
}

/*
 * SQL of cursor t: a child table, phase_criteria at NTABLES, the deals
 * themselves at NTABLES + 1.
 */
static void
each_sql(size_t t, const struct each_walk *w, struct strbuf *sb)
{
	if (t == NTABLES + 1) {
		strbuf_addstr(sb, "SELECT d.id, d.slug");
		add_column_list(sb, deal_fields, ndeal_fields);
		strbuf_addstr(sb, " FROM deals d");
		each_where(w, sb);
		strbuf_addstr(sb, " ORDER BY d.slug");
		return;
	}
	if (t == NTABLES) {
		strbuf_addstr(sb, "SELECT d.id, c.number, c.criterion "
			      "FROM deals d JOIN phase_criteria c "
			      "ON c.deal_id = d.id");
		each_where(w, sb);
		strbuf_addstr(sb, " ORDER BY d.slug, c.number, c.pos");
		return;
	}
	strbuf_addstr(sb, "SELECT d.id, c.pos");
	for (size_t i = 0; i < store_tables[t].nfields; i++)
		if (store_tables[t].fields[i].type != F_LIST)
			strbuf_addf(sb, ", c.\"%s\"",
				    store_tables[t].fields[i].name);
	strbuf_addf(sb, " FROM deals d JOIN %s c ON c.deal_id = d.id",
		    store_tables[t].sql);
	each_where(w, sb);
	strbuf_addstr(sb, " ORDER BY d.slug");
}

static int
each_step(struct sqlite_store *s, struct each_cursor *c, struct tw_error *err)
{
	int rc = sqlite3_step(c->stmt);

	c->on_row = rc == SQLITE_ROW;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : sql_fail(s, rc, err);
}

/* True while cursor c is on a row of deal id. */
static bool
each_at(const struct each_cursor *c, long long id)
{
	return c->on_row && sqlite3_column_int64(c->stmt, 0) == id;
}

/* Room for any one child, to swap two of them. */
union any_child {
	tw_date holiday;
	struct criterion criterion;
	struct event event;
	struct risk risk;
	struct phase phase;
	struct step step;
	struct touch touch;
};

/* Insertion sort of a deal's children of table tb (few) by pos. */
static void
each_sort(const struct table *tb, struct deal *d, long long *pos, size_t n)
{
	size_t size;
	union any_child tmp;

	if (n < 2)
		return;
	size = (size_t)((char *)tb->at(d, 1) - (char *)tb->at(d, 0));
	for (size_t i = 1; i < n; i++) {
		long long p = pos[i];
		size_t j = i;

		memcpy(&tmp, tb->at(d, i), size);
		for (; j > 0 && pos[j - 1] > p; j--) {
			pos[j] = pos[j - 1];
			memcpy(tb->at(d, j), tb->at(d, j - 1), size);
		}
		pos[j] = p;
		memcpy(tb->at(d, j), &tmp, size);
	}
}

/* Read deal id's children from every cursor into d, in position order. */
static int
each_children(struct sqlite_store *s, struct each_cursor *cur, long long id,
	      struct deal *d, struct tw_error *err)
{
	long long *pos = NULL;
	size_t alloc = 0;
	int rc = 0;

	for (size_t t = 0; t < NTABLES && !rc; t++) {
		const struct table *tb = &store_tables[t];
		size_t n = 0;

		while (!rc && each_at(&cur[t], id)) {
			ALLOC_GROW(pos, n + 1, alloc);
			pos[n++] = sqlite3_column_int64(cur[t].stmt, 1);
			rc = read_fields(s, cur[t].stmt, 2, tb->fields,
					 tb->nfields, tb->add(d), err);
			if (!rc)
				rc = each_step(s, &cur[t], err);
		}
		if (!rc)
			each_sort(tb, d, pos, n);
	}
	free(pos);
	while (!rc && each_at(&cur[NTABLES], id)) {
		sqlite3_stmt *stmt = cur[NTABLES].stmt;
		struct phase *p = deal_find_phase(d, sqlite3_column_int(stmt, 1));
		const char *c = (const char *)sqlite3_column_text(stmt, 2);

		if (p) {
			p->criteria = xrealloc(p->criteria,
					       (p->ncriteria + 1) *
						       sizeof(*p->criteria));
			p->criteria[p->ncriteria++] = xstrdup(c ? c : "");
		}
		rc = each_step(s, &cur[NTABLES], err);
	}
	return rc;
}

/*
 * One walk on connection s, inside a read transaction the caller holds:
 * every deal of w's run of slugs to w->fn. Stops early, returning 0, once
 * another part has failed.
 */
static int
each_walk(struct sqlite_store *s, const struct each_walk *w,
	  struct tw_error *err)
{
	struct each_cursor cur[NTABLES + 2];
	struct each_cursor *deals = &cur[NTABLES + 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	memset(cur, 0, sizeof(cur));
	for (size_t t = 0; t <= NTABLES + 1 && !rc; t++) {
		strbuf_reset(&sb);
		each_sql(t, w, &sb);
		rc = prepare(s, sb.buf, &cur[t].stmt, err);
		if (!rc && w->from)
			sqlite3_bind_text(cur[t].stmt, 1, w->from, -1,
					  SQLITE_STATIC);
		if (!rc && w->to)
			sqlite3_bind_text(cur[t].stmt, 2, w->to, -1,
					  SQLITE_STATIC);
		if (!rc && t <= NTABLES)
			rc = each_step(s, &cur[t], err);
	}
	while (!rc && !(rc = each_step(s, deals, err)) && deals->on_row) {
		struct deal d;
		long long id;

		if (w->stop && atomic_load_explicit(w->stop,
						    memory_order_relaxed))
			break;
		deal_init(&d);
		rc = read_deal_row(s, deals->stmt, &d, &id, err);
		if (!rc)
			rc = each_children(s, cur, id, &d, err);
		if (!rc)
			rc = w->fn(w->part, &d, w->arg, err);
		deal_release(&d);
	}
	if (rc && w->stop)
		atomic_store(w->stop, true);
	for (size_t t = 0; t <= NTABLES + 1; t++)
		sqlite3_finalize(cur[t].stmt);
	strbuf_release(&sb);
	return rc;
}

/* deal_each's callback, behind each_walk's. */
struct each_plain {
	int (*fn)(const struct deal *d, void *arg, struct tw_error *err);
	void *arg;
};

static int
each_plain_fn(size_t part, const struct deal *d, void *arg,
	      struct tw_error *err)
{
	struct each_plain *p = arg;

	(void)part;
	return p->fn(d, p->arg, err);
}

static int
sqlite_deal_each(struct store *st, bool open_only,
		 int (*fn)(const struct deal *d, void *arg,
			   struct tw_error *err),
		 void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct each_plain p = { fn, arg };
	struct each_walk w = { .open_only = open_only, .fn = each_plain_fn,
			       .arg = &p };
	int rc;

	rc = op_begin(s, false, err);
	if (rc)
		return rc;
	rc = each_walk(s, &w, err);
	return op_end(s, false, rc, err);
}

/* ---- every deal, in parts at once ---------------------------------------- */

/*
 * deal_each_parts: part 0 walks on the store's own connection and thread,
 * part k on a read-only connection of its own and a thread. The parts cut
 * the slugs into runs of the same number of deals (closed ones counted:
 * the slug index alone answers), found in the snapshot part 0 reads.
 *
 * One snapshot without sqlite3_snapshot_open (Debian's SQLite is built
 * without it): a connection's PRAGMA data_version changes when a read
 * transaction starts on a database another connection committed to. Each
 * helper reads it outside a transaction, then part 0's transaction starts,
 * then the helper's; when no helper's value moved, no commit landed in
 * between and all read what part 0 reads. Otherwise, or when a helper
 * cannot be opened, the walk is serial, all in part 0.
 */
#define EACH_MAX_PARTS 8

struct each_part {
	struct sqlite_store *s;		/* a helper's; part 0: the store */
	struct each_walk w;
	struct tw_error err;
	int rc;
	pthread_t thread;
	bool started;
	long long version;		/* data_version before part 0 began */
};

/* The one integer sql returns on db, or -1. */
static long long
each_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return v;
}

/* The slug at position pos in slug order (caller frees), or NULL. */
static char *
each_slug_at(sqlite3 *db, int pos)
{
	sqlite3_stmt *stmt;
	char *slug = NULL;

	if (sqlite3_prepare_v2(db, "SELECT slug FROM deals ORDER BY slug "
			       "LIMIT 1 OFFSET ?1", -1, &stmt,
			       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int(stmt, 1, pos);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		slug = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return slug;
}

/* A read-only connection to s's file, or NULL. */
static struct sqlite_store *
each_helper_open(struct sqlite_store *s)
{
	const char *file = sqlite3_db_filename(s->db, "main");
	struct sqlite_store *h;

	/* An in-memory or temporary database has no file to share. */
	if (!file || !*file)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	h->base.ops = s->base.ops;
	h->path = xstrdup(s->path);
	h->base.where = h->path;
	if (sqlite3_open_v2(file, &h->db,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		sqlite3_close(h->db);
		free(h->path);
		free(h);
		return NULL;
	}
	/*
	 * No busy timeout: a helper that cannot start reading at once makes
	 * the walk serial, and only part 0 waits for a lock, as deal_each.
	 */
	sqlite3_extended_result_codes(h->db, 1);
	return h;
}

static void
each_helper_close(struct sqlite_store *h)
{
	if (!h)
		return;
	if (!sqlite3_get_autocommit(h->db))
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(h->db);
	free(h->path);
	free(h);
}

static void *
each_thread(void *arg)
{
	struct each_part *p = arg;

	p->rc = each_walk(p->s, &p->w, &p->err);
	return NULL;
}

/*
 * Open helpers for parts 1..n-1 and set the parts' runs, in part 0's
 * transaction (already begun). Returns how many parts to walk: n, or 1
 * when the walk must be serial.
 */
static size_t
each_split(struct sqlite_store *s, struct each_part *parts, size_t n,
	   char **cuts)
{
	long long ndeals;
	size_t k;

	for (k = 1; k < n; k++) {
		parts[k].s = each_helper_open(s);
		if (!parts[k].s)
			return 1;
		parts[k].version = each_int(parts[k].s->db,
					    "PRAGMA data_version");
		if (parts[k].version < 0)
			return 1;
	}
	/* Part 0's snapshot starts here. */
	ndeals = each_int(s->db, "SELECT count(*) FROM deals");
	if (ndeals < (long long)n)
		return 1;
	for (k = 1; k < n; k++) {
		cuts[k] = each_slug_at(s->db, (int)(ndeals * (long long)k /
						    (long long)n));
		if (!cuts[k])
			return 1;
	}
	for (k = 1; k < n; k++) {
		if (sqlite3_exec(parts[k].s->db, "BEGIN", NULL, NULL,
				 NULL) != SQLITE_OK)
			return 1;
		if (each_int(parts[k].s->db, "PRAGMA data_version") !=
		    parts[k].version)
			return 1;
	}
	return n;
}

static int
sqlite_deal_each_parts(struct store *st, bool open_only, size_t nparts,
		       int (*fn)(size_t part, const struct deal *d, void *arg,
				 struct tw_error *err),
		       void *arg, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct each_part parts[EACH_MAX_PARTS];
	char *cuts[EACH_MAX_PARTS + 1] = { NULL };
	atomic_bool stop = false;
	size_t n = nparts < EACH_MAX_PARTS ? nparts : EACH_MAX_PARTS;
	int rc;

	if (n < 1)
		n = 1;
	memset(parts, 0, sizeof(parts));
	rc = op_begin(s, false, err);
	if (rc)
		return rc;
	/* Inside begin/commit, other connections cannot see our writes. */
	n = n > 1 && !s->in_tx ? each_split(s, parts, n, cuts) : 1;
	for (size_t k = 0; k < n; k++) {
		parts[k].w = (struct each_walk){ .open_only = open_only,
			.from = cuts[k], .to = k + 1 < n ? cuts[k + 1] : NULL,
			.part = k, .fn = fn, .arg = arg,
			.stop = n > 1 ? &stop : NULL };
		if (k == 0)
			continue;
		if (pthread_create(&parts[k].thread, NULL, each_thread,
				   &parts[k]) == 0) {
			parts[k].started = true;
		} else {
			parts[k].rc = tw_error_set(&parts[k].err, TW_ESTORE,
						   "cannot start a thread");
			atomic_store(&stop, true);
		}
	}
	parts[0].s = s;
	parts[0].rc = each_walk(s, &parts[0].w, &parts[0].err);
	rc = 0;
	for (size_t k = 0; k < EACH_MAX_PARTS; k++) {
		if (parts[k].started)
			pthread_join(parts[k].thread, NULL);
		if (k < n && parts[k].rc && !rc) {
			rc = parts[k].rc;
			if (err)
				*err = parts[k].err;
		}
		if (k > 0)
			each_helper_close(parts[k].s);
		free(cuts[k]);
	}
	return op_end(s, false, rc, err);
}

/* ---- writing deals ---------------------------------------------------- */

/* What one deal_put or deal_delete needs along the way. */
struct put_ctx {
	struct sqlite_store *s;
	const char *slug;
	long long id;
	bool creating;		/* a new deal: its children are queued */
	bool history_written;	/* put_flush wrote some history rows */
	char at[32];
	struct tw_error *err;
};

/* UTC now, unless TECHWIN_NOW fixes it. */
static void
now_utc(char *buf, size_t size)
{
	if (!history_fixed_now(buf, size))
		history_local_now(buf, size);
}

/* ---- the write queue (struct put_queue) ---- */

static void
queue_reset(struct put_queue *q)
{
	q->nrows = q->ncrit = q->nhist = 0;
	strbuf_reset(&q->text);
}

static void
queue_release(struct put_queue *q)
{
	free(q->rows);
	free(q->crit);
	free(q->hist);
	strbuf_release(&q->text);
}

/* Where a copy of s starts in q->text; SIZE_MAX for NULL. */
static size_t
queue_text(struct put_queue *q, const char *s)
{
	size_t off = q->text.len;

	if (!s)
		return SIZE_MAX;
	strbuf_add(&q->text, s, strlen(s) + 1);
	return off;
}

static const char *
queued_text(const struct put_queue *q, size_t off)
{
	return off == SIZE_MAX ? NULL : q->text.buf + off;
}

static void
queue_row(struct queued_row **rows, size_t *n, size_t *alloc, size_t b,
	  const void *obj, size_t pos)
{
	ALLOC_GROW(*rows, *n + 1, *alloc);
	(*rows)[(*n)++] = (struct queued_row){ b, obj, pos };
}

/* Parameters per row of batched table b (history: besides ?1-?3). */
static size_t
batch_columns(size_t b)
{
	size_t n = 2;

	if (b == B_HISTORY)
		return 5;
	if (b == B_PHASE_CRIT)
		return 4;
	for (size_t i = 0; i < store_tables[b].nfields; i++)
		n += store_tables[b].fields[i].type != F_LIST;
	return n;
}

/*
 * INSERT of rows rows into batched table b, parameters numbered row by
 * row; history rows share ?1 at, ?2 actor and ?3 deal.
 */
static void
batch_sql(size_t b, size_t rows, struct strbuf *sb)
{
	size_t k = batch_columns(b), param = b == B_HISTORY ? 4 : 1;

	if (b == B_HISTORY)
		strbuf_addstr(sb, "INSERT INTO history (at, actor, deal, "
			      "entity, \"key\", field, old, new)");
	else if (b == B_PHASE_CRIT)
		strbuf_addstr(sb, "INSERT INTO phase_criteria "
			      "(deal_id, number, pos, criterion)");
	else {
		strbuf_addf(sb, "INSERT INTO %s (deal_id, pos",
			    store_tables[b].sql);
		add_column_list(sb, store_tables[b].fields,
				store_tables[b].nfields);
		strbuf_addch(sb, ')');
	}
	strbuf_addstr(sb, " VALUES ");
	for (size_t r = 0; r < rows; r++) {
		strbuf_addstr(sb, r ? ", (" : "(");
		if (b == B_HISTORY)
			strbuf_addstr(sb, "?1, ?2, ?3, ");
		for (size_t j = 0; j < k; j++)
			strbuf_addf(sb, "%s?%zu", j ? ", " : "", param++);
		strbuf_addch(sb, ')');
	}
}

static int
batch_stmt(struct sqlite_store *s, size_t b, size_t rows, sqlite3_stmt **out,
	   struct tw_error *err)
{
	sqlite3_stmt **stmt = &s->bstmt[b][rows - 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	if (!*stmt) {
		batch_sql(b, rows, &sb);
		rc = prepare(s, sb.buf, stmt, err);
		strbuf_release(&sb);
	}
	*out = *stmt;
	return rc;
}

static int
bind_queued(sqlite3_stmt *stmt, int first, long long id,
	    const struct queued_row *q)
{
	const struct phase *p = q->obj;

	sqlite3_bind_int64(stmt, first, id);
	if (q->b != B_PHASE_CRIT) {
		sqlite3_bind_int64(stmt, first + 1, (long long)q->pos);
		return bind_fields(stmt, first + 2, store_tables[q->b].fields,
				   store_tables[q->b].nfields, q->obj);
	}
	sqlite3_bind_int(stmt, first + 1, p->number);
	sqlite3_bind_int64(stmt, first + 2, (long long)q->pos);
	return sqlite3_bind_text(stmt, first + 3, p->criteria[q->pos], -1,
				 SQLITE_STATIC);
}

/* Queued rows of one table after another, BATCH_MAX at most at once. */
static int
flush_rows(struct put_ctx *c, const struct queued_row *rows, size_t n)
{
	size_t i = 0, run, cols;
	sqlite3_stmt *stmt;
	int rc = 0;

	while (!rc && i < n) {
		for (run = 1; i + run < n && run < BATCH_MAX &&
			      rows[i + run].b == rows[i].b;
		     run++)
			;
		cols = batch_columns(rows[i].b);
		rc = batch_stmt(c->s, rows[i].b, run, &stmt, c->err);
		for (size_t r = 0; !rc && r < run; r++) {
			rc = bind_queued(stmt, (int)(r * cols + 1), c->id,
					 &rows[i + r]);
			if (rc != SQLITE_OK) {
				rc = sql_fail(c->s, rc, c->err);
				stmt_done(stmt);
			}
		}
		if (!rc)
			rc = stmt_run(c->s, stmt, c->err);
		i += run;
	}
	return rc;
}

static int
flush_history(struct put_ctx *c)
{
	const struct put_queue *q = &c->s->queue;
	const char *actor = c->s->base.actor;
	sqlite3_stmt *stmt;
	size_t run;
	int rc = 0;

	for (size_t i = 0; !rc && i < q->nhist; i += run) {
		run = q->nhist - i < BATCH_MAX ? q->nhist - i : BATCH_MAX;
		rc = batch_stmt(c->s, B_HISTORY, run, &stmt, c->err);
		if (rc)
			break;
		sqlite3_bind_text(stmt, 1, c->at, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, actor ? actor : "", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, c->slug, -1, SQLITE_STATIC);
		for (size_t r = 0; r < run; r++)
			for (size_t j = 0; j < 5; j++)
				bind_text_or_null(
					stmt, (int)(4 + 5 * r + j),
					queued_text(q, q->hist[i + r][j]),
					false);
		rc = stmt_run(c->s, stmt, c->err);
		c->history_written |= !rc;
	}
	return rc;
}

/*
 * Write what the put queued: the children (phases before the criteria
 * that refer to them), then the history, each new deal's in one
 * statement unless it has more than BATCH_MAX rows.
 */
static int
put_flush(struct put_ctx *c)
{
	struct put_queue *q = &c->s->queue;
	int rc = flush_rows(c, q->rows, q->nrows);

	if (!rc)
		rc = flush_rows(c, q->crit, q->ncrit);
	if (!rc)
		rc = flush_history(c);
	queue_reset(q);
	return rc;
}

static int
history_add(struct put_ctx *c, const char *entity, const char *key,
	    const char *field, const char *old_value, const char *new_value)
{
	struct put_queue *q = &c->s->queue;
	size_t *h;

	ALLOC_GROW(q->hist, q->nhist + 1, q->ahist);
	h = q->hist[q->nhist++];
	h[0] = queue_text(q, entity);
	h[1] = queue_text(q, key);
	h[2] = queue_text(q, field);
	h[3] = queue_text(q, old_value);
	h[4] = queue_text(q, new_value);
	return 0;
}

static int
write_phase_criteria(struct put_ctx *c, const struct phase *p, bool replace)
{
	struct put_queue *q = &c->s->queue;
	sqlite3_stmt *stmt;
	int rc = 0;

	if (c->creating) {
		for (size_t i = 0; i < p->ncriteria; i++)
			queue_row(&q->crit, &q->ncrit, &q->acrit, B_PHASE_CRIT,
				  p, i);
		return 0;
	}
	if (replace) {
		rc = stmt_get(c->s, S_PHASE_CRIT_DELETE, &stmt, c->err);
		if (rc)
			return rc;
		sqlite3_bind_int64(stmt, 1, c->id);
		sqlite3_bind_int(stmt, 2, p->number);
		rc = stmt_run(c->s, stmt, c->err);
	}
	if (!rc)
		rc = stmt_get(c->s, S_PHASE_CRIT_INSERT, &stmt, c->err);
	for (size_t i = 0; i < p->ncriteria && !rc; i++) {
		sqlite3_bind_int64(stmt, 1, c->id);
		sqlite3_bind_int(stmt, 2, p->number);
		sqlite3_bind_int64(stmt, 3, (long long)i);
		sqlite3_bind_text(stmt, 4, p->criteria[i], -1, SQLITE_STATIC);
		rc = stmt_run(c->s, stmt, c->err);
	}
	return rc;
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the row of one child. */
static int
write_child(struct put_ctx *c, size_t t, int which, const void *obj,
	    size_t pos)
{
	const struct table *tb = &store_tables[t];
	sqlite3_stmt *stmt;
	struct put_queue *q = &c->s->queue;
	int rc;

	rc = tstmt_get(c->s, t, which, &stmt, c->err);
	if (rc)
		return rc;
	if (c->creating && which == T_INSERT) {
		queue_row(&q->rows, &q->nrows, &q->arows, t, obj, pos);
		return 0;
	}
	sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_int64(stmt, 2, (long long)pos);
	rc = bind_fields(stmt, 3, tb->fields, tb->nfields, obj);
	if (rc != SQLITE_OK) {
		rc = sql_fail(c->s, rc, c->err);
		stmt_done(stmt);
		return rc;
	}
	return stmt_run(c->s, stmt, c->err);
}

/* Delete the row of one child: by its key, or by its position. */
static int
delete_child_row(struct put_ctx *c, size_t t, const void *obj, size_t pos)
{
	const struct table *tb = &store_tables[t];
	sqlite3_stmt *stmt;
	int rc = tstmt_get(c->s, t, T_DELETE, &stmt, c->err);

	if (rc)
		return rc;
	sqlite3_bind_int64(stmt, 1, c->id);
	if (tb->keyed)
		bind_field(stmt, 2, &tb->fields[0], obj);
	else
		sqlite3_bind_int64(stmt, 2, (long long)pos);
	return stmt_run(c->s, stmt, c->err);
}

/* Insert (T_INSERT) or rewrite (T_UPDATE) the deals row. */
static int
write_deal_row(struct put_ctx *c, int which, const struct deal *d)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = stmt_get(c->s, which == T_INSERT ? S_DEAL_INSERT : S_DEAL_UPDATE,
		      &stmt, c->err);
	if (rc)
		return rc;
	if (which == T_INSERT)
		sqlite3_bind_null(stmt, 1);
	else
		sqlite3_bind_int64(stmt, 1, c->id);
	sqlite3_bind_text(stmt, 2, d->slug, -1, SQLITE_STATIC);
	rc = bind_fields(stmt, 3, deal_fields, ndeal_fields, d);
	if (rc != SQLITE_OK) {
		rc = sql_fail(c->s, rc, c->err);
		stmt_done(stmt);
		return rc;
	}
	rc = stmt_run(c->s, stmt, c->err);
	if (!rc && which == T_INSERT)
		c->id = sqlite3_last_insert_rowid(c->s->db);
	return rc;
}

/* deal_put's writes, as the comparison (store/diff.h) asks for them. */
static const struct diff_ops put_ops = {
	.history = history_add,
	.write_deal = write_deal_row,
	.write_child = write_child,
	.delete_child = delete_child_row,
	.write_phase_criteria = write_phase_criteria,
};

static void
put_ctx_init(struct put_ctx *c, struct sqlite_store *s, const char *slug,
	     struct tw_error *err)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->slug = slug;
	c->err = err;
	now_utc(c->at, sizeof(c->at));
	queue_reset(&s->queue);
}

static int
create_deal(struct put_ctx *c, const struct deal *d)
{
	int rc;

	c->creating = true;
	rc = diff_create_deal(&put_ops, c, d);
	return rc ? rc : put_flush(c);
}

static int
update_deal(struct put_ctx *c, const struct deal *old, const struct deal *d)
{
	int rc = diff_update_deal(&put_ops, c, old, d);

	return rc ? rc : put_flush(c);
}

/*
 * Take a new deal that failed half-way back out of the caller's
 * transaction: its children go with its row (ON DELETE CASCADE), and its
 * history was to be written last, in one statement, so none is left.
 * When that cannot be done the transaction can only be rolled back.
 */
static void
undo_create(struct put_ctx *c)
{
	sqlite3_stmt *stmt;

	/* SQLite rolled the whole transaction back itself (full disk). */
	if (sqlite3_get_autocommit(c->s->db) || !c->id)
		return;
	if (!c->history_written &&
	    stmt_get(c->s, S_DEAL_DELETE, &stmt, NULL) == 0) {
		sqlite3_bind_int64(stmt, 1, c->id);
		if (stmt_run(c->s, stmt, NULL) == 0)
			return;
	}
	c->s->tx_failed = true;
}

/*
 * Inside the caller's transaction a new deal is written without
 * op_begin's savepoint: the savepoint copies every page the put touches
 * to a journal first (400,000 writes to a temporary file importing 10k
 * deals), and a new deal is easily taken back out instead (undo_create).
 * A stored deal is changed under the savepoint.
 */
static int
put_in_tx(struct sqlite_store *s, struct put_ctx *c, const struct deal *d)
{
	struct deal old;
	int rc = op_begin(s, false, c->err);

	if (++s->tx_puts == 2)
		bulk_cache(s, true);
	if (!rc)
		rc = load_deal(s, d->slug, true, &old, &c->id, c->err);
	if (rc == TW_ENOTFOUND) {
		tw_error_clear(c->err);
		rc = create_deal(c, d);
		if (rc)
			undo_create(c);
		return rc;
	}
	if (rc)
		return rc;
	rc = op_begin(s, true, c->err);
	if (!rc)
		rc = op_end(s, true, update_deal(c, &old, d), c->err);
	deal_release(&old);
	return rc;
}

static int
sqlite_deal_put(struct store *st, const struct deal *d, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct put_ctx c;
	struct deal old;
	int rc;

	rc = fields_check_deal(d, err);
	if (rc)
		return rc;
	put_ctx_init(&c, s, d->slug, err);
	if (s->in_tx)
		return put_in_tx(s, &c, d);
	rc = op_begin(s, true, err);
	if (rc)
		return rc;
	rc = load_deal(s, d->slug, true, &old, &c.id, err);
	if (rc == TW_ENOTFOUND) {
		tw_error_clear(err);
		rc = create_deal(&c, d);
	} else if (!rc) {
		rc = update_deal(&c, &old, d);
		deal_release(&old);
	}
	return op_end(s, true, rc, err);
}

static int
sqlite_deal_delete(struct store *st, const char *slug, struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	struct put_ctx c;
	struct deal old;
	int rc;

	rc = op_begin(s, true, err);
	if (rc)
		return rc;
	put_ctx_init(&c, s, slug, err);
	rc = load_deal(s, slug, false, &old, &c.id, err);
	if (!rc) {
		sqlite3_stmt *stmt;

		deal_release(&old);
		rc = stmt_get(s, S_DEAL_DELETE, &stmt, err);
		if (!rc) {
			sqlite3_bind_int64(stmt, 1, c.id);
			rc = stmt_run(s, stmt, err);
		}
	}
	if (!rc)
		rc = history_add(&c, "deal", "", "*", "deleted", NULL);
	if (!rc)
		rc = put_flush(&c);
	return op_end(s, true, rc, err);
}

/* ---- history and settings -------------------------------------------- */

static char *
column_dup(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	return v ? xstrdup(v) : NULL;
}

static int
sqlite_history(struct store *st, const char *slug, struct history_list *out,
	       struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *stmt;
	int rc;

	rc = stmt_get(s, slug ? S_HISTORY_DEAL : S_HISTORY_ALL, &stmt, err);
	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	rc = op_begin(s, false, err);
	if (rc)
		return rc;
	if (slug)
		sqlite3_bind_text(stmt, 1, slug, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct history_entry *h;

		ALLOC_GROW(out->items, out->n + 1, out->alloc);
		h = &out->items[out->n++];
		h->id = sqlite3_column_int64(stmt, 0);
		h->at = column_dup(stmt, 1);
		h->actor = column_dup(stmt, 2);
		h->deal = column_dup(stmt, 3);
		h->entity = column_dup(stmt, 4);
		h->key = column_dup(stmt, 5);
		h->field = column_dup(stmt, 6);
		h->old_value = column_dup(stmt, 7);
		h->new_value = column_dup(stmt, 8);
	}
	rc = rc == SQLITE_DONE ? 0 : sql_fail(s, rc, err);
	stmt_done(stmt);
	rc = op_end(s, false, rc, err);
	if (rc)
		history_list_release(out);
	return rc;
}

/* ---- the keyed-row helper (accounts.c) ----------------------------- */

/* UTC now, unless TECHWIN_NOW fixes it. */
static void
sqlite_now(struct store *st, char *buf, size_t size)
{
	(void)st;
	now_utc(buf, size);
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
		rc = prepare(s, sb.buf, &s->rstmt[q->id], err);
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

	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		out->conflict = ROW_UNIQUE;
	else if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		out->conflict = ROW_FOREIGN_KEY;
	/* "UNIQUE constraint failed: tokens.name" */
	if (out->conflict && col)
		snprintf(out->column, sizeof(out->column), "%s", col + 2);
}

static int
sqlite_rows(struct store *st, const struct row_stmt *q,
	    const struct row_value *v, size_t nv, struct row_result *out,
	    struct tw_error *err)
{
	struct sqlite_store *s = to_sqlite(st);
	sqlite3_stmt *stmt;
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = row_stmt_get(s, q, &stmt, err);
	if (rc || (q->write && (rc = op_begin(s, true, err))))
		return rc;
	for (size_t i = 0; i < nv; i++) {
		if (v[i].type == ROW_INT)
			sqlite3_bind_int64(stmt, (int)i + 1, v[i].num);
		else
			bind_text_or_null(stmt, (int)i + 1, v[i].text, false);
	}
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
		rc = sql_fail(s, rc, err);
	}
	stmt_done(stmt);
	return q->write ? op_end(s, true, rc, err) : rc;
}

/* ---- open, check, migrate, close ------------------------------------- */

static void
sqlite_close(struct store *st)
{
	struct sqlite_store *s = to_sqlite(st);

	if (!s)
		return;
	if (s->in_tx)
		sqlite_rollback(st);
	for (int i = 0; i < S_MAX; i++)
		sqlite3_finalize(s->stmt[i]);
	for (int i = 0; i < ROW_STMT_MAX; i++)
		sqlite3_finalize(s->rstmt[i]);
	for (size_t t = 0; t < NTABLES; t++)
		for (int w = 0; w < T_MAX; w++)
			sqlite3_finalize(s->tstmt[t][w]);
	for (size_t b = 0; b <= B_HISTORY; b++)
		for (size_t n = 0; n < BATCH_MAX; n++)
			sqlite3_finalize(s->bstmt[b][n]);
	queue_release(&s->queue);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

static const struct store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sqlite_close,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.deal_list = sqlite_deal_list,
	.deal_get = sqlite_deal_get,
	.deal_put = sqlite_deal_put,
	.deal_delete = sqlite_deal_delete,
	.deal_each = sqlite_deal_each,
	.deal_each_parts = sqlite_deal_each_parts,
	.history = sqlite_history,
	.rows = sqlite_rows,
	.now = sqlite_now,
};

/* A one-integer query such as a pragma; returns an SQLite code. */
static int
query_int(sqlite3 *db, const char *sql, int *out)
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
	rc = query_int(s->db, "PRAGMA application_id", &app_id);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "PRAGMA user_version", version);
	if (rc == SQLITE_OK)
		rc = query_int(s->db, "SELECT count(*) FROM sqlite_schema",
			       &objects);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return tw_error_set(err, TW_ESTORE,
				    "'%s' is not a techwin database (not an "
				    "sqlite file)",
				    s->path);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, err);
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

	return rc == SQLITE_OK ? 0 : sql_fail(s, rc, err);
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
	if (mode == STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;

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
