/*
 * Findings as data (findings.h): each open deal's evaluation, kept in the
 * evaluations and findings tables, over the keyed-row helper.
 */
#include "store/findings.h"
#include "core/pipeline.h"
#include "formats/json.h"
#include "store/inputs.h"
#include "store/notify.h"
#include "store/store-internal.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum {
	F_KEPT = ROW_STMT_FINDINGS,
	F_FORGET,
	F_KEPT_ROWS,
	F_EVAL_SAME,
	F_EVAL_UPSERT,
	F_FINDING_UPSERT,
	F_FINDING_TRIM,
	F_STALE_ALL,
	F_WRITE_PROBE,
	F_DATA_VERSION,
	F_EACH_SQLITE,
	F_EACH_PG,
	F_HEADS_SQLITE,
	F_HEADS_PG,
	F_OPEN_DAYS,
	F_EACH_PART_SQLITE,
	F_UNKEPT,
	F_FRESHEN,
	F_INPUTS_PUT,
	F_INPUTS_PART_SQLITE,
	F_INPUTS_GUARD,
	F_EVAL_COUNT,
	F_MAX
};

_Static_assert(F_MAX <= ROW_STMT_LISTING, "raise ROW_STMT_LISTING");

#define W true
#define R false

/*
 * Walks by slug: SQLite's index on slug is in byte order already; a
 * PostgreSQL database may sort text otherwise, so it says COLLATE "C".
 */
#define EACH_SELECT                                                        \
	"SELECT d.slug, d.snooze_until, d.snooze_reason, e.evaluated_on, " \
	"e.recheck_on, e.stale, e.technical_win, e.progress, f.rule, "     \
	"f.subject, f.severity, f.snoozed, f.message, f.\"date\", "        \
	"f.first_seen, f.ack_by, f.ack_until, f.ack_reason "               \
	"FROM deals d LEFT JOIN evaluations e ON e.deal_id = d.id "         \
	"LEFT JOIN findings f ON f.deal_id = e.deal_id "                    \
	"WHERE d.outcome = 'open' " EACH_RUN "ORDER BY d.slug"
/*
 * The heads of the deals not kept as valid on $1 (kept_eval's valid, in
 * SQL), or of every deal when $2 is 1: the scan reads all, returns few.
 */
#define HEADS_SELECT                                                       \
	"SELECT d.slug, d.snooze_until, d.snooze_reason, e.evaluated_on, " \
	"e.recheck_on, e.stale, e.technical_win, e.progress, e.digest, "   \
	"e.inputs "                                                         \
	"FROM deals d LEFT JOIN evaluations e ON e.deal_id = d.id "         \
	"WHERE d.outcome = 'open' AND (e.deal_id IS NULL OR e.stale = 1 "   \
	"OR e.evaluated_on > $1 OR e.recheck_on <= $1 OR $2 = 1) "         \
	"ORDER BY d.slug"

static const struct row_stmt stmts[F_MAX - ROW_STMT_FINDINGS] = {
#define S(id, w, sql, tx) [id - ROW_STMT_FINDINGS] = { id, w, sql, tx }
	S(F_KEPT, R,
	  "SELECT f.rule, f.subject, f.first_seen FROM findings f "
	  "JOIN deals d ON d.id = f.deal_id WHERE d.slug = $1 ORDER BY f.pos",
	  false),
	/* The findings go with it (ON DELETE CASCADE). */
	S(F_FORGET, W,
	  "DELETE FROM evaluations WHERE deal_id = "
	  "(SELECT id FROM deals WHERE slug = $1)",
	  false),
	/* Columns as store_eval_put compares them: FINDING_COLS first. */
	S(F_KEPT_ROWS, R,
	  "SELECT f.rule, f.subject, f.severity, f.snoozed, f.message, "
	  "f.\"date\", f.first_seen, f.ack_by, f.ack_until, f.ack_reason "
	  "FROM findings f JOIN deals d ON d.id = f.deal_id "
	  "WHERE d.slug = $1 ORDER BY f.pos",
	  false),
	/*
	 * In place: a deal's evaluation and findings mostly stay put. Its
	 * win and P most of all: set only when they changed, so that the
	 * indexes on them are left alone (listing.c's sorts).
	 */
	S(F_EVAL_SAME, W,
	  "UPDATE evaluations SET evaluated_on = $4, recheck_on = $5, "
	  "stale = 0, worst = $6, digest = $7, "
	  "inputs = coalesce($8, inputs) WHERE deal_id = "
	  "(SELECT id FROM deals WHERE slug = $1) AND technical_win IS NOT "
	  "DISTINCT FROM $2 AND progress IS NOT DISTINCT FROM $3",
	  false),
	S(F_EVAL_UPSERT, W,
	  "INSERT INTO evaluations (deal_id, technical_win, progress, "
	  "evaluated_on, recheck_on, stale, worst, digest, inputs) "
	  "SELECT id, $2, $3, $4, $5, 0, $6, $7, $8 FROM deals "
	  "WHERE slug = $1 "
	  "ON CONFLICT (deal_id) DO UPDATE SET "
	  "technical_win = excluded.technical_win, "
	  "progress = excluded.progress, "
	  "evaluated_on = excluded.evaluated_on, "
	  "recheck_on = excluded.recheck_on, stale = 0, "
	  "worst = excluded.worst, digest = excluded.digest, "
	  "inputs = coalesce(excluded.inputs, evaluations.inputs)",
	  false),
	/* After the evaluation's row, which it refers to. */
	S(F_INPUTS_PUT, W,
	  "INSERT INTO eval_inputs (deal_id, inputs) "
	  "SELECT id, $2 FROM deals WHERE slug = $1 "
	  "ON CONFLICT (deal_id) DO UPDATE SET inputs = excluded.inputs",
	  false),
	S(F_FINDING_UPSERT, W,
	  "INSERT INTO findings (deal_id, pos, rule, subject, severity, "
	  "snoozed, message, \"date\", first_seen, ack_by, ack_until, "
	  "ack_reason) SELECT id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	  "$12 FROM deals WHERE slug = $1 "
	  "ON CONFLICT (deal_id, pos) DO UPDATE SET rule = excluded.rule, "
	  "subject = excluded.subject, severity = excluded.severity, "
	  "snoozed = excluded.snoozed, message = excluded.message, "
	  "\"date\" = excluded.\"date\", "
	  "first_seen = excluded.first_seen, ack_by = excluded.ack_by, "
	  "ack_until = excluded.ack_until, ack_reason = excluded.ack_reason",
	  false),
	S(F_FINDING_TRIM, W,
	  "DELETE FROM findings WHERE deal_id = "
	  "(SELECT id FROM deals WHERE slug = $1) AND pos >= $2",
	  false),
	S(F_STALE_ALL, W, "UPDATE evaluations SET stale = 1 WHERE stale = 0",
	  false),
	/* Takes the write lock, changes nothing. */
	S(F_WRITE_PROBE, W, "UPDATE evaluations SET stale = 1 WHERE 0 = 1",
	  false),
	S(F_DATA_VERSION, R, "PRAGMA data_version", false),
	/* One snapshot: read in a transaction. */
#define EACH_RUN ""
	S(F_EACH_SQLITE, R, EACH_SELECT ", f.pos", false),
#undef EACH_RUN
	/* A part's run of slugs (store_eval_each_parts). */
#define EACH_RUN "AND d.slug >= ?1 AND d.slug < ?2 "
	S(F_EACH_PART_SQLITE, R, EACH_SELECT ", f.pos", false),
#undef EACH_RUN
#define EACH_RUN ""
	S(F_EACH_PG, R, EACH_SELECT " COLLATE \"C\", f.pos", false),
#undef EACH_RUN
	/*
	 * The open deals' own holidays, by slug: read once beside the walk
	 * (a subquery a row cost a quarter of it, even with no holiday).
	 * From the holidays (SQLite's CROSS JOIN keeps that order): most
	 * deals have none.
	 */
	S(F_OPEN_DAYS, R,
	  "SELECT d.slug, h.day FROM holidays h CROSS JOIN deals d "
	  "WHERE d.id = h.deal_id AND d.outcome = 'open' "
	  "ORDER BY d.slug COLLATE \"C\", h.day",
	  false),
	S(F_FRESHEN, W,
	  "UPDATE evaluations SET stale = 0, evaluated_on = $1 "
	  "WHERE stale = 1 AND evaluated_on <= $1",
	  false),
	/* Is an open deal not kept as valid on $1? (kept_eval's valid) */
	S(F_UNKEPT, R,
	  "SELECT EXISTS (SELECT 1 FROM deals d WHERE d.outcome = 'open' AND "
	  "NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.deal_id = d.id "
	  "AND e.stale = 0 AND e.evaluated_on <= $1 AND e.recheck_on > $1))",
	  false),
	/*
	 * The inputs of a part's run of slugs ?1 to ?2, of inputs_version
	 * ?3: every open deal's when ?4 is 1, else those not valid on ?5.
	 */
	S(F_INPUTS_PART_SQLITE, R,
	  "SELECT d.slug, d.snooze_until, d.snooze_reason, e.evaluated_on, "
	  "e.recheck_on, e.stale, e.technical_win, e.progress, e.digest, "
	  "e.inputs, i.inputs FROM deals d "
	  "JOIN evaluations e ON e.deal_id = d.id "
	  "JOIN eval_inputs i ON i.deal_id = d.id "
	  "WHERE d.outcome = 'open' AND d.slug >= ?1 AND d.slug < ?2 "
	  "AND e.inputs = ?3 AND (?4 = 1 OR e.stale = 1 "
	  "OR e.evaluated_on > ?5 OR e.recheck_on <= ?5) ORDER BY d.slug",
	  false),
	/* How many of those have no inputs of version $1: none, or no walk. */
	S(F_INPUTS_GUARD, R,
	  "SELECT count(*) FROM deals d "
	  "LEFT JOIN evaluations e ON e.deal_id = d.id "
	  "WHERE d.outcome = 'open' AND (e.inputs IS NULL OR e.inputs <> $1) "
	  "AND ($2 = 1 OR e.stale IS NULL OR e.stale = 1 "
	  "OR e.evaluated_on > $3 OR e.recheck_on <= $3)",
	  false),
	/*
	 * What the heads scan would find on $2 (kept_eval's valid, in SQL;
	 * every deal when $3 is 1), counted: the open deals, those looking
	 * back before their evaluation, those to re-evaluate and keep, and
	 * how many of these have inputs of version $1.
	 */
#define VALID "(e.stale = 0 AND $3 = 0 AND e.evaluated_on <= $2 AND " \
	      "e.recheck_on > $2)"
	S(F_EVAL_COUNT, R,
	  "SELECT count(*), "
	  "coalesce(sum(CASE WHEN " VALID " THEN 0 "
	  "WHEN e.evaluated_on > $2 THEN 1 ELSE 0 END), 0), "
	  "coalesce(sum(CASE WHEN " VALID " THEN 0 "
	  "WHEN e.evaluated_on > $2 THEN 0 ELSE 1 END), 0), "
	  "coalesce(sum(CASE WHEN " VALID " THEN 0 "
	  "WHEN e.evaluated_on > $2 THEN 0 WHEN e.inputs = $1 THEN 1 "
	  "ELSE 0 END), 0) "
	  "FROM deals d LEFT JOIN evaluations e ON e.deal_id = d.id "
	  "WHERE d.outcome = 'open'",
	  true),
#undef VALID
	S(F_HEADS_SQLITE, R, HEADS_SELECT, true),
	S(F_HEADS_PG, R, HEADS_SELECT " COLLATE \"C\"", true),
#undef S
};

#undef W
#undef R

static const struct row_stmt *
stmt(int id)
{
	return &stmts[id - ROW_STMT_FINDINGS];
}

/* Statement id with v; *changes (when not NULL) the rows it changed. */
static int
run_n(struct store *st, int id, const struct row_value *v, size_t nv,
      size_t *changes, struct tw_error *err)
{
	struct row_result r;
	int rc = st->ops->rows(st, stmt(id), v, nv, &r, err);

	if (changes)
		*changes = rc == 0 ? r.changes : 0;
	row_result_release(&r);
	return rc;
}

static int
run(struct store *st, int id, const struct row_value *v, size_t nv,
    struct tw_error *err)
{
	return run_n(st, id, v, nv, NULL, err);
}

void
kept_findings_release(struct kept_findings *k)
{
	for (size_t i = 0; i < k->ntext; i++)
		free(k->text[i]);
	free(k->text);
	free(k->keys);
	memset(k, 0, sizeof(*k));
}

/* A date column: DATE_NONE for NULL, -1 for what no date is. */
static int
cell_date(const char *text, tw_date *out)
{
	*out = DATE_NONE;
	return text && date_parse(text, out, NULL) < 0 ? -1 : 0;
}

int
store_eval_kept(struct store *st, const char *slug, struct kept_findings *out,
		struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(slug) };
	struct row_result r;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = st->ops->rows(st, stmt(F_KEPT), v, 1, &r, err)) < 0)
		return rc;
	out->keys = xcalloc(r.nrows + 1, sizeof(*out->keys));
	out->text = xcalloc(2 * r.nrows + 1, sizeof(*out->text));
	for (size_t i = 0; i < r.nrows && !rc; i++) {
		struct finding_key *k = &out->keys[out->n++];

		k->rule = out->text[out->ntext++] = row_take(&r, i, 0);
		k->subject = out->text[out->ntext++] = row_take(&r, i, 1);
		if (cell_date(row_text(&r, i, 2), &k->first_seen) < 0)
			rc = store_corrupt(st, "first_seen",
					   row_text(&r, i, 2), err);
	}
	row_result_release(&r);
	if (rc)
		kept_findings_release(out);
	return rc;
}

int
store_eval_forget(struct store *st, const char *slug, struct tw_error *err)
{
	struct row_value v[] = { ROW_TEXT(slug) };

	return run(st, F_FORGET, v, 1, err);
}

int
store_eval_freshen(struct store *st, tw_date today, struct tw_error *err)
{
	char day[DATE_BUFSZ];
	struct row_value v[] = { ROW_DATE(date_format(today, day)) };

	return run(st, F_FRESHEN, v, ARRAY_SIZE(v), err);
}

int
store_eval_stale_all(struct store *st, struct tw_error *err)
{
	return run(st, F_STALE_ALL, NULL, 0, err);
}

static bool
same_cell(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Kept row i (F_KEPT_ROWS) is an error that is neither snoozed nor acked. */
static bool
kept_alerts(const struct row_result *old, size_t i)
{
	return same_cell(row_text(old, i, 2), "error") &&
	       row_int(old, i, 3) == 0 && !row_text(old, i, 7);
}

static bool
alerts(const struct finding *f)
{
	return f->severity == SEV_ERROR && !f->snoozed && !f->acknowledged;
}

/* An error event of slug (notify.h) about rule and subject. */
static int
error_event(struct store *st, const char *type, const char *slug,
	    const char *rule, const char *subject, const char *message,
	    tw_date date, tw_date first_seen, struct tw_error *err)
{
	char dd[DATE_BUFSZ], fs[DATE_BUFSZ];
	struct strbuf text = STRBUF_INIT;
	json_t *o = json_object();
	int rc;

	json_object_set_new(o, "rule", json_string(rule));
	json_object_set_new(o, "subject", json_string(subject));
	json_object_set_new(o, "message", json_string(message ? message : ""));
	json_object_set_new(o, "date", date ? json_string(date_format(date, dd))
					    : json_null());
	if (first_seen)
		json_object_set_new(o, "first_seen",
				    json_string(date_format(first_seen, fs)));
	json_emit_compact(o, &text);
	rc = store_outbox_add(st, type, slug, text.buf, err);
	strbuf_release(&text);
	return rc;
}

/*
 * The outbox events of a re-evaluation (notify.h): finding.new for each
 * error of r that was not an error before, finding.resolved for each
 * kept error that is gone (or snoozed, or acknowledged). Only a deal whose
 * findings changed gets here from check, so a daily refresh writes events
 * for those alone.
 */
static int
error_events(struct store *st, const char *slug, const struct row_result *old,
	     const struct momentum_report *r, const struct holidays *h,
	     const struct momentum_settings *s, struct tw_error *err)
{
	struct strbuf text = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const struct finding *f = &r->findings[i];
		bool was = false;

		if (!alerts(f))
			continue;
		for (size_t k = 0; k < old->nrows && !was; k++)
			was = kept_alerts(old, k) &&
			      same_cell(row_text(old, k, 0), f->rule) &&
			      same_cell(row_text(old, k, 1), f->subject);
		if (!was)
			rc = error_event(st, NOTIFY_FINDING_NEW, slug, f->rule,
					 f->subject, f->message, f->date,
					 f->first_seen, err);
	}
	for (size_t k = 0; k < old->nrows && rc == 0; k++) {
		bool still = false;
		tw_date day = DATE_NONE;

		if (!kept_alerts(old, k))
			continue;
		for (size_t i = 0; i < r->n && !still; i++)
			still = alerts(&r->findings[i]) &&
				same_cell(row_text(old, k, 0),
					  r->findings[i].rule) &&
				same_cell(row_text(old, k, 1),
					  r->findings[i].subject);
		if (still)
			continue;
		(void)cell_date(row_text(old, k, 5), &day);
		strbuf_reset(&text);
		finding_render(row_text(old, k, 4) ? row_text(old, k, 4) : "",
			       s, h, &text);
		rc = error_event(st, NOTIFY_FINDING_RESOLVED, slug,
				 row_text(old, k, 0), row_text(old, k, 1),
				 text.buf, day, DATE_NONE, err);
	}
	strbuf_release(&text);
	return rc;
}

/*
 * Keep r in place of what was kept, row by row: the evaluation is
 * updated in place and a finding's row is written only when it differs
 * from the one kept at its position (after a settings change most do
 * not), so a refresh of the whole pipeline writes little.
 */
int
store_eval_lock(struct store *st, struct tw_error *err)
{
	return run(st, F_WRITE_PROBE, NULL, 0, err);
}

long long
store_eval_version(struct store *st)
{
	struct tw_error err = { 0 };
	struct row_result r;
	long long v = -1;

	if (strcmp(st->ops->name, "sqlite"))
		return -1;
	if (st->ops->rows(st, stmt(F_DATA_VERSION), NULL, 0, &r, &err) == 0 &&
	    r.nrows == 1 && row_text(&r, 0, 0))
		v = row_int(&r, 0, 0);
	row_result_release(&r);
	tw_error_clear(&err);
	return v;
}

/* The evaluation's own row, and its inputs when given. */
static int
put_head(struct store *st, const struct deal *d,
	 const struct momentum_report *r, tw_date today, const char *inputs,
	 struct tw_error *err)
{
	char win[DATE_BUFSZ], p[DATE_BUFSZ], on[DATE_BUFSZ], re[DATE_BUFSZ];
	struct row_value v[] = {
		ROW_TEXT(d->slug),
		ROW_DATE(r->technical_win ? date_format(r->technical_win, win)
					  : NULL),
		ROW_DATE(r->progress ? date_format(r->progress, p) : NULL),
		ROW_DATE(date_format(today, on)),
		ROW_DATE(date_format(r->recheck_on, re)),
		ROW_INT(findings_worst(r)),
		ROW_INT((long long)findings_digest(r)),
		ROW_TEXT(NULL),		/* inputs: as they are */
	};
	size_t same = 0;
	int rc;

	if (inputs)
		v[7] = (struct row_value)ROW_INT(inputs_version());
	rc = run_n(st, F_EVAL_SAME, v, ARRAY_SIZE(v), &same, err);
	if (rc == 0 && !same)
		rc = run(st, F_EVAL_UPSERT, v, ARRAY_SIZE(v), err);
	if (rc == 0 && inputs) {
		struct row_value w[] = { ROW_TEXT(d->slug), ROW_TEXT(inputs) };

		rc = run(st, F_INPUTS_PUT, w, ARRAY_SIZE(w), err);
	}
	return rc;
}

int
store_eval_put(struct store *st, const struct deal *d,
	       struct momentum_report *r, const struct holidays *h,
	       const struct momentum_settings *s, tw_date today,
	       const char *inputs, bool same_rows, struct tw_error *err)
{
	struct row_value key[] = { ROW_TEXT(d->slug) };
	struct finding_key *keys;
	struct row_result old;
	int rc;

	if (d->outcome != OUTCOME_OPEN)
		return store_eval_forget(st, d->slug, err);
	/* The rows kept are r's: the evaluation's is all that changes. */
	if (same_rows)
		return put_head(st, d, r, today, inputs, err);
	if ((rc = st->ops->rows(st, stmt(F_KEPT_ROWS), key, 1, &old, err)) < 0)
		return rc;
	keys = xcalloc(old.nrows + 1, sizeof(*keys));
	for (size_t i = 0; i < old.nrows && !rc; i++) {
		keys[i].rule = row_text(&old, i, 0);
		keys[i].subject = row_text(&old, i, 1);
		if (cell_date(row_text(&old, i, 6), &keys[i].first_seen) < 0)
			rc = store_corrupt(st, "first_seen",
					   row_text(&old, i, 6), err);
	}
	if (rc == 0)
		findings_carry(r, keys, old.nrows, today);
	free(keys);
	if (rc == 0)
		rc = put_head(st, d, r, today, inputs, err);
	for (size_t i = 0; i < r->n && rc == 0; i++) {
		const struct finding *f = &r->findings[i];
		char dd[DATE_BUFSZ], fs[DATE_BUFSZ], au[DATE_BUFSZ];
		struct row_value v[] = {
			ROW_TEXT(d->slug),
			ROW_INT((long long)i),
			ROW_TEXT(f->rule),
			ROW_TEXT(f->subject),
			ROW_TEXT(severity_name(f->severity)),
			ROW_INT(f->snoozed),
			ROW_TEXT(finding_stored(f)),
			ROW_DATE(f->date ? date_format(f->date, dd) : NULL),
			ROW_DATE(date_format(f->first_seen, fs)),
			ROW_TEXT(f->acknowledged ? f->ack_by : NULL),
			ROW_DATE(f->acknowledged ? date_format(f->ack_until, au)
						 : NULL),
			ROW_TEXT(f->acknowledged ? f->ack_reason : NULL),
		};
		bool same = i < old.nrows;

		/* Columns 2.. of v are the kept row's 0..; snoozed is 0 or 1. */
		for (size_t c = 0; c < 10 && same; c++)
			same = c == 3 ? row_int(&old, i, c) == v[c + 2].num
				      : same_cell(row_text(&old, i, c),
						  v[c + 2].text);
		if (!same)
			rc = run(st, F_FINDING_UPSERT, v, ARRAY_SIZE(v), err);
	}
	if (rc == 0 && old.nrows > r->n) {
		struct row_value v[] = { ROW_TEXT(d->slug),
					 ROW_INT((long long)r->n) };

		rc = run(st, F_FINDING_TRIM, v, ARRAY_SIZE(v), err);
	}
	if (rc == 0)
		rc = error_events(st, d->slug, &old, r, h, s, err);
	row_result_release(&old);
	return rc;
}

int
store_eval_deal(struct store *st, const struct deal *d,
		const struct holidays *h, const struct momentum_settings *s,
		tw_date today, struct tw_error *err)
{
	struct momentum_report r;
	struct strbuf in = STRBUF_INIT;
	int rc;

	findings_evaluate(d, today, h, s, &r);
	inputs_encode(d, &in);
	rc = store_eval_put(st, d, &r, h, s, today, in.buf, false, err);
	strbuf_release(&in);
	momentum_report_release(&r);
	return rc;
}

/* ---- reading what is kept ---------------------------------------------- */

struct each_state {
	struct store *st;
	tw_date today;
	bool heads_only;
	int (*fn)(struct kept_eval *e, void *arg, struct tw_error *err);
	int (*part_fn)(size_t part, struct kept_eval *e, void *arg,
		       struct tw_error *err);
	size_t part;
	void *arg;
	const struct row_result *days;	/* store_open_holidays, or NULL */
	struct kept_eval e;
	bool open;		/* e holds a deal not yet handed to fn */
};

static int
bad(struct each_state *s, const char *what, const char *value,
    struct tw_error *err)
{
	return store_corrupt(s->st, what, value, err);
}

/* Hand the deal e holds to fn, and empty e. */
static int
each_flush(struct each_state *s, struct tw_error *err)
{
	int rc = 0;

	if (s->open)
		rc = s->part_fn ? s->part_fn(s->part, &s->e, s->arg, err)
				: s->fn(&s->e, s->arg, err);
	deal_release(&s->e.deal);
	momentum_report_release(&s->e.rep);
	memset(&s->e, 0, sizeof(s->e));
	deal_init(&s->e.deal);
	s->open = false;
	return rc;
}

/* The deal's columns: cells 0 to 7 (with heads_only, 0 to 9). */
static int
each_head(struct each_state *s, const char *const *c, struct tw_error *err)
{
	struct kept_eval *e = &s->e;
	tw_date win, p;

	e->deal.slug = xstrdup(c[0]);
	if (cell_date(c[1], &e->deal.snooze_until) < 0)
		return bad(s, "snooze_until", c[1], err);
	e->deal.snooze_reason = xstrdup_or_null(c[2]);
	if (s->days && store_holidays_of(s->st, s->days, c[0], &e->deal,
					 err) < 0)
		return -1;
	e->kept = c[3] != NULL;
	if (!e->kept)
		return 0;
	if (cell_date(c[3], &e->evaluated_on) < 0 || !e->evaluated_on)
		return bad(s, "evaluated_on", c[3], err);
	if (cell_date(c[4], &e->recheck_on) < 0 || !e->recheck_on)
		return bad(s, "recheck_on", c[4], err);
	if (cell_date(c[6], &win) < 0)
		return bad(s, "technical_win", c[6], err);
	if (cell_date(c[7], &p) < 0)
		return bad(s, "progress", c[7], err);
	/* Heads only: the digest (NULL when kept before it existed). */
	if (s->heads_only && c[8]) {
		e->has_digest = true;
		e->digest = (uint64_t)strtoll(c[8], NULL, 10);
	}
	/* Heads only: whether the deal's inputs are kept, and readable. */
	e->has_inputs = s->heads_only && c[9] &&
			strtoll(c[9], NULL, 10) == inputs_version();
	/* Another core's findings are stale, written so or not. */
	e->stale = (c[5] && strcmp(c[5], "0")) || s->st->rules_outdated;
	e->valid = !e->stale && e->evaluated_on <= s->today &&
		   s->today < e->recheck_on;
	e->rep.technical_win = win;
	e->rep.has_freshness = win != DATE_NONE;
	e->rep.progress = p;
	e->rep.recheck_on = e->recheck_on;
	return 0;
}

/* A finding's columns: cells 8 to 17. */
static int
each_finding(struct each_state *s, const char *const *c, struct tw_error *err)
{
	struct momentum_report *r = &s->e.rep;
	struct finding *f;

	ALLOC_GROW(r->findings, r->n + 1, r->alloc);
	f = &r->findings[r->n++];
	memset(f, 0, sizeof(*f));
	/* The rule names live as long as the program: intern them. */
	f->rule = finding_rule_name(c[8]);
	if (!f->rule)
		return bad(s, "rule", c[8], err);
	f->subject = xstrdup(c[9] ? c[9] : "");
	if (!c[10] || (strcmp(c[10], "error") && strcmp(c[10], "warning")))
		return bad(s, "severity", c[10], err);
	f->severity = strcmp(c[10], "error") ? SEV_WARNING : SEV_ERROR;
	f->snoozed = c[11] && strcmp(c[11], "0");
	f->message = xstrdup(c[12] ? c[12] : "");
	if (cell_date(c[13], &f->date) < 0)
		return bad(s, "date", c[13], err);
	if (cell_date(c[14], &f->first_seen) < 0)
		return bad(s, "first_seen", c[14], err);
	if (cell_date(c[16], &f->ack_until) < 0)
		return bad(s, "ack_until", c[16], err);
	f->acknowledged = f->ack_until != DATE_NONE;
	f->ack_by = xstrdup_or_null(c[15]);
	f->ack_reason = xstrdup_or_null(c[17]);
	return 0;
}

static int
each_row(const char *const *c, size_t ncols, void *arg, struct tw_error *err)
{
	struct each_state *s = arg;
	int rc = 0;

	if (ncols < (s->heads_only ? 10u : 18u) || !c[0])
		return bad(s, "row", "", err);
	if (!s->open || strcmp(s->e.deal.slug, c[0])) {
		if ((rc = each_flush(s, err)) < 0 ||
		    (rc = each_head(s, c, err)) < 0)
			return rc;
		s->open = true;
	}
	if (!s->heads_only && c[8])
		rc = each_finding(s, c, err);
	return rc;
}

int
store_eval_each(struct store *st, tw_date today, bool heads_only,
		int (*fn)(struct kept_eval *e, void *arg,
			  struct tw_error *err),
		void *arg, struct tw_error *err)
{
	bool pg = strcmp(st->ops->name, "sqlite") != 0;
	int id = heads_only ? (pg ? F_HEADS_PG : F_HEADS_SQLITE)
			    : (pg ? F_EACH_PG : F_EACH_SQLITE);
	char day[DATE_BUFSZ];
	struct row_value v[] = { ROW_DATE(day),
				 ROW_INT(st->rules_outdated ? 1 : 0) };
	struct row_result days = { 0 };
	struct each_state s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.st = st;
	s.today = today;
	s.heads_only = heads_only;
	s.fn = fn;
	s.arg = arg;
	s.days = heads_only ? NULL : &days;
	deal_init(&s.e.deal);
	date_format(today, day);
	rc = heads_only ? 0 : store_open_holidays(st, &days, err);
	if (rc == 0)
		rc = store_rows_each(st, stmt(id), heads_only ? v : NULL,
				     heads_only ? ARRAY_SIZE(v) : 0, each_row,
				     &s, err);
	if (rc == 0)
		rc = each_flush(&s, err);
	s.open = false;
	each_flush(&s, NULL);
	row_result_release(&days);
	return rc;
}

int
store_open_holidays(struct store *st, struct row_result *out,
		    struct tw_error *err)
{
	return st->ops->rows(st, stmt(F_OPEN_DAYS), NULL, 0, out, err);
}

int
store_holidays_of(struct store *st, const struct row_result *days,
		  const char *slug, struct deal *d, struct tw_error *err)
{
	size_t lo = 0, hi = days->nrows;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(row_text(days, mid, 0), slug) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < days->nrows && !strcmp(row_text(days, lo, 0), slug); lo++) {
		tw_date t;

		if (cell_date(row_text(days, lo, 1), &t) < 0 || !t)
			return store_corrupt(st, "holiday",
					     row_text(days, lo, 1), err);
		deal_add_holiday(d, t);
	}
	return 0;
}

/* The parts' states, and the row callback behind each. */
struct each_parts {
	struct each_state s[8];
};

static int
each_part_row(size_t part, const char *const *c, size_t ncols, void *arg,
	      struct tw_error *err)
{
	struct each_parts *ps = arg;

	return each_row(c, ncols, &ps->s[part], err);
}

int
store_eval_each_parts(struct store *st, tw_date today, size_t nparts,
		      int (*fn)(size_t part, struct kept_eval *e,
				void *arg, struct tw_error *err),
		      void *arg, struct tw_error *err)
{
	struct each_parts *ps;
	struct row_result days = { 0 };
	char day[DATE_BUFSZ];
	struct row_value v[] = { ROW_DATE(date_format(today, day)) };
	int rc;

	if (!st->ops->rows_each_parts || nparts < 2)
		return 1;
	if (nparts > ARRAY_SIZE(ps->s))
		nparts = ARRAY_SIZE(ps->s);
	/* Read by every part's thread, written by none. */
	if ((rc = store_open_holidays(st, &days, err)) < 0)
		return rc;
	ps = xcalloc(1, sizeof(*ps));
	for (size_t p = 0; p < nparts; p++) {
		ps->s[p].st = st;
		ps->s[p].today = today;
		ps->s[p].part_fn = fn;
		ps->s[p].part = p;
		ps->s[p].arg = arg;
		ps->s[p].days = &days;
		deal_init(&ps->s[p].e.deal);
	}
	rc = st->ops->rows_each_parts(st, stmt(F_EACH_PART_SQLITE),
				      stmt(F_UNKEPT), v, ARRAY_SIZE(v),
				      nparts, each_part_row, ps, err);
	for (size_t p = 0; p < nparts; p++) {
		/* Each part's last deal, once every part is through. */
		if (rc == 0)
			rc = each_flush(&ps->s[p], err);
		ps->s[p].open = false;
		each_flush(&ps->s[p], NULL);
	}
	free(ps);
	row_result_release(&days);
	return rc;
}

/* ---- re-evaluating from the inputs kept ----------------------------------- */

struct inputs_parts {
	int (*fn)(size_t part, struct kept_eval *e, void *arg,
		  struct tw_error *err);
	void *arg;
	struct each_state s[8];	/* a part's, for each_head's checks */
	struct strbuf buf[8];	/* a part's copy of the text it decodes */
};

/* The heads' columns (each_head reads them), then the inputs (cell 10). */
static int
inputs_part_row(size_t part, const char *const *c, size_t ncols, void *arg,
		struct tw_error *err)
{
	struct inputs_parts *ip = arg;
	struct each_state *s = &ip->s[part];
	struct kept_eval *e = &s->e;
	struct strbuf *sb = &ip->buf[part];
	struct deal d;
	int rc;

	if (ncols < 11 || !c[0])
		return bad(s, "row", "", err);
	memset(e, 0, sizeof(*e));
	deal_init(&e->deal);
	rc = each_head(s, c, err);
	deal_release(&e->deal);	/* the inputs say all of it */
	if (rc < 0)
		return rc;
	strbuf_reset(sb);
	strbuf_addstr(sb, c[10] ? c[10] : "");
	deal_init(&d);
	/* Another deal's inputs would be as wrong as unreadable ones. */
	if (inputs_decode(sb->buf, &d) == 0 && strcmp(d.slug, c[0]))
		inputs_release(&d);
	if (!d.slug)
		return tw_error_set(err, TW_ESTORE, "database '%s' holds kept "
				    "inputs of deal '%s' that this techwin "
				    "cannot read", s->st->where, c[0]);
	e->deal = d;
	rc = ip->fn(part, e, ip->arg, err);
	inputs_release(&e->deal);
	return rc;
}

int
store_eval_count(struct store *st, tw_date today, struct eval_count *out,
		 struct tw_error *err)
{
	char day[DATE_BUFSZ];
	struct row_value v[] = { ROW_INT(inputs_version()),
				 ROW_DATE(date_format(today, day)),
				 ROW_INT(st->rules_outdated ? 1 : 0) };
	struct row_result r;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = st->ops->rows(st, stmt(F_EVAL_COUNT), v, ARRAY_SIZE(v), &r,
				err)) < 0)
		return rc;
	if (r.nrows == 1 && r.ncols == 4) {
		out->nopen = (size_t)row_int(&r, 0, 0);
		out->nback = (size_t)row_int(&r, 0, 1);
		out->nkeep = (size_t)row_int(&r, 0, 2);
		out->ninputs = (size_t)row_int(&r, 0, 3);
	} else {
		rc = store_corrupt(st, "count", "", err);
	}
	row_result_release(&r);
	return rc;
}

int
store_eval_inputs_each_parts(struct store *st, tw_date today, bool all,
			     size_t nparts,
			     int (*fn)(size_t part, struct kept_eval *e,
				       void *arg, struct tw_error *err),
			     void *arg, struct tw_error *err)
{
	struct inputs_parts *ip;
	char day[DATE_BUFSZ];
	struct row_value v[] = { ROW_INT(inputs_version()),
				 ROW_INT(all || st->rules_outdated),
				 ROW_DATE(date_format(today, day)) };
	int rc;

	if (!st->ops->rows_each_parts || nparts < 1)
		return 1;
	ip = xcalloc(1, sizeof(*ip));
	if (nparts > ARRAY_SIZE(ip->buf))
		nparts = ARRAY_SIZE(ip->buf);
	ip->fn = fn;
	ip->arg = arg;
	for (size_t p = 0; p < nparts; p++) {
		ip->s[p].st = st;
		ip->s[p].today = today;
		ip->s[p].heads_only = true;
		strbuf_init(&ip->buf[p], 4096);
	}
	rc = st->ops->rows_each_parts(st, stmt(F_INPUTS_PART_SQLITE),
				      stmt(F_INPUTS_GUARD), v, ARRAY_SIZE(v),
				      nparts, inputs_part_row, ip, err);
	for (size_t p = 0; p < nparts; p++)
		strbuf_release(&ip->buf[p]);
	free(ip);
	return rc;
}
