/*
 * The field tables of the store and what can be done with them whatever the
 * database (store/fields.h): compare two values, write one as history text,
 * check a deal before it is written, build a child table's DML. Both
 * backends read, bind and compare through these tables, so SQLite and
 * PostgreSQL keep the same columns and record history the same way.
 */
#include "store/fields.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ---- field tables ---------------------------------------------------- */

/* The enums are read and written through int, so they must be int-sized. */
#define ENUM_DESC(type)                                                      \
	_Static_assert(sizeof(enum type) == sizeof(int), #type " size");     \
	static const char *type##_name_int(int v)                            \
	{                                                                    \
		return type##_name((enum type)v);                            \
	}                                                                    \
	static int type##_parse_int(const char *s, int *out)                 \
	{                                                                    \
		enum type v;                                                 \
		if (type##_parse(s, &v) < 0)                                 \
			return -1;                                           \
		*out = (int)v;                                               \
		return 0;                                                    \
	}                                                                    \
	static const struct enum_desc type##_desc = { type##_name_int,       \
						      type##_parse_int };

ENUM_DESC(direction)
ENUM_DESC(event_kind)
ENUM_DESC(risk_kind)
ENUM_DESC(outcome)

#define FLD(st, m, t) { #m, t, offsetof(struct st, m), 0, NULL }
#define FLD_OPT(st, m, t, has) \
	{ #m, t, offsetof(struct st, m), offsetof(struct st, has), NULL }
#define FLD_ENUM(st, m, e) \
	{ #m, F_ENUM, offsetof(struct st, m), 0, &e##_desc }

const struct field deal_fields[] = {
	FLD(deal, account, F_STR),
	FLD(deal, stage, F_STR),
	FLD_OPT(deal, value, F_REAL_OPT, has_value),
	FLD(deal, currency, F_STR),
	FLD(deal, ae, F_STR),
	FLD(deal, se, F_STR),
	FLD_OPT(deal, procurement_days, F_INT_OPT, has_procurement_days),
	FLD(deal, champion, F_STR),
	FLD(deal, champion_email, F_STR),
	FLD(deal, poc_start, F_DATE),
	FLD(deal, poc_end, F_DATE),
	FLD(deal, close_date, F_DATE),
	FLD_ENUM(deal, outcome, outcome),
	FLD(deal, snooze_until, F_DATE),
	FLD(deal, snooze_reason, F_STR),
	FLD(deal, crm_source, F_STR),
	FLD(deal, crm_id, F_STR),
};
const size_t ndeal_fields = ARRAY_SIZE(deal_fields);

/* A holiday is a bare tw_date: its value is its key. */
static const struct field holiday_fields[] = {
	{ "day", F_DATE, 0, 0, NULL },
};

static const struct field criterion_fields[] = {
	FLD(criterion, key, F_STR),
	FLD(criterion, metric, F_STR),
	FLD(criterion, unit, F_STR),
	FLD_ENUM(criterion, direction, direction),
	FLD(criterion, required, F_REAL),
	FLD_OPT(criterion, measured, F_REAL_OPT, has_measured),
	FLD(criterion, measured_on, F_DATE),
	FLD_OPT(criterion, growth_pct, F_REAL_OPT, has_growth),
	FLD(criterion, outcome, F_STR),
};

static const struct field event_fields[] = {
	FLD(event, key, F_STR),
	FLD_ENUM(event, kind, event_kind),
	FLD(event, title, F_STR),
	FLD(event, owner, F_STR),
	FLD(event, date, F_DATE),
	FLD(event, done, F_DATE),
	FLD(event, after, F_STR),
};

static const struct field risk_fields[] = {
	FLD(risk, key, F_STR),
	FLD(risk, title, F_STR),
	FLD_ENUM(risk, kind, risk_kind),
	FLD(risk, deadline, F_DATE),
	FLD(risk, buffer, F_DUR),
	FLD(risk, duration, F_DUR),
};

static const struct field phase_fields[] = {
	FLD(phase, number, F_INT),
	FLD(phase, name, F_STR),
	FLD(phase, scope, F_STR),
	FLD_OPT(phase, price, F_REAL_OPT, has_price),
	FLD(phase, justification, F_STR),
	FLD_OPT(phase, criteria, F_LIST, ncriteria),
	FLD_OPT(phase, duration, F_DUR_OPT, has_duration),
};

static const struct field step_fields[] = {
	FLD(step, title, F_STR),
	FLD(step, offset, F_INT),
	FLD_ENUM(step, kind, event_kind),
	FLD(step, plus_procurement, F_BOOL),
};

static const struct field touch_fields[] = {
	FLD(touch, type, F_STR),
	FLD(touch, date, F_DATE),
	FLD(touch, channel, F_STR),
	FLD(touch, criterion, F_STR),
};

/* Array access to one kind of child of a deal. */
#define CHILD_ACCESS(name, arr, n, add)                                      \
	static size_t name##_count(const struct deal *d)                     \
	{                                                                    \
		return d->n;                                                 \
	}                                                                    \
	static void *name##_at(const struct deal *d, size_t i)               \
	{                                                                    \
		return &d->arr[i];                                           \
	}                                                                    \
	static void *name##_add(struct deal *d)                              \
	{                                                                    \
		return add(d);                                               \
	}

/*
 * Rows come back in pos order, which is the sorted order deal_add_holiday
 * would produce, so append without re-sorting on every row.
 */
static tw_date *
holiday_append(struct deal *d)
{
	d->holidays = xrealloc(d->holidays,
			       (d->nholidays + 1) * sizeof(*d->holidays));
	d->holidays[d->nholidays] = DATE_NONE;
	return &d->holidays[d->nholidays++];
}

CHILD_ACCESS(holiday, holidays, nholidays, holiday_append)
CHILD_ACCESS(criterion, criteria, ncriteria, deal_add_criterion)
CHILD_ACCESS(event, events, nevents, deal_add_event)
CHILD_ACCESS(risk, risks, nrisks, deal_add_risk)
CHILD_ACCESS(phase, phases, nphases, deal_add_phase)
CHILD_ACCESS(step, playbook, nplaybook, deal_add_step)
CHILD_ACCESS(touch, touches, ntouches, deal_add_touch)

#define TABLE(ent, sqlname, keyed, fields, acc)                              \
	{ ent, sqlname, keyed, fields, ARRAY_SIZE(fields), acc##_count,      \
	  acc##_at, acc##_add }

const struct table store_tables[NTABLES] = {
	TABLE("holiday", "holidays", true, holiday_fields, holiday),
	TABLE("criterion", "criteria", true, criterion_fields, criterion),
	TABLE("event", "events", true, event_fields, event),
	TABLE("risk", "risks", true, risk_fields, risk),
	TABLE("phase", "phases", true, phase_fields, phase),
	TABLE("step", "playbook", false, step_fields, step),
	TABLE("touch", "touches", false, touch_fields, touch),
};

/* ---- values ----------------------------------------------------------- */

static bool
str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool
dur_equal(const struct duration *a, const struct duration *b)
{
	return a->n == b->n && a->unit == b->unit;
}

bool
field_equal(const struct field *f, const void *a, const void *b)
{
	const void *pa = fptr(f, a), *pb = fptr(f, b);

	switch (f->type) {
	case F_STR:
		return str_equal(*(char *const *)pa, *(char *const *)pb);
	case F_INT:
	case F_DATE:
		return *(const int *)pa == *(const int *)pb;
	case F_INT_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) || *(const int *)pa == *(const int *)pb;
	case F_REAL:
		return *(const double *)pa == *(const double *)pb;
	case F_REAL_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) ||
		       *(const double *)pa == *(const double *)pb;
	case F_BOOL:
		return *(const bool *)pa == *(const bool *)pb;
	case F_DUR:
		return dur_equal(pa, pb);
	case F_DUR_OPT:
		if (fhas(f, a) != fhas(f, b))
			return false;
		return !fhas(f, a) || dur_equal(pa, pb);
	case F_ENUM:
		return fenum(f, a) == fenum(f, b);
	case F_LIST: {
		size_t na, nb;
		char *const *la = flist(f, a, &na);
		char *const *lb = flist(f, b, &nb);

		if (na != nb)
			return false;
		for (size_t i = 0; i < na; i++)
			if (!str_equal(la[i], lb[i]))
				return false;
		return true;
	}
	}
	return false;
}

bool
table_key_equal(const struct table *tb, const void *a, const void *b)
{
	return field_equal(&tb->fields[0], a, b);
}

void
format_real(double v, char *buf, size_t size)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

const char *
field_text(const struct field *f, const void *obj, struct strbuf *sb)
{
	const void *p = fptr(f, obj);
	char buf[DATE_BUFSZ + DURATION_BUFSZ + 40];

	strbuf_reset(sb);
	switch (f->type) {
	case F_STR:
		return *(char *const *)p;
	case F_INT_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_INT:
		strbuf_addf(sb, "%d", *(const int *)p);
		break;
	case F_REAL_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_REAL:
		format_real(*(const double *)p, buf, sizeof(buf));
		strbuf_addstr(sb, buf);
		break;
	case F_BOOL:
		strbuf_addstr(sb, *(const bool *)p ? "true" : "false");
		break;
	case F_DATE:
		if (*(const tw_date *)p == DATE_NONE)
			return NULL;
		strbuf_addstr(sb, date_format(*(const tw_date *)p, buf));
		break;
	case F_DUR_OPT:
		if (!fhas(f, obj))
			return NULL;
		/* fall through */
	case F_DUR:
		strbuf_addstr(sb, duration_format(p, buf));
		break;
	case F_ENUM:
		strbuf_addstr(sb, f->en->name(fenum(f, obj)));
		break;
	case F_LIST: {
		size_t n;
		char *const *l = flist(f, obj, &n);

		for (size_t i = 0; i < n; i++)
			strbuf_addf(sb, "%s%s", i ? "," : "", l[i]);
		break;
	}
	}
	return sb->buf;
}

int
field_from_text(const struct field *f, void *obj, const char *text)
{
	void *p = (char *)obj + f->off;
	struct tw_error e;
	int v;

	switch (f->type) {
	case F_STR:
		*(char **)p = text ? xstrdup(text) : NULL;
		break;
	case F_DATE:
		*(tw_date *)p = DATE_NONE;
		if (text && date_parse(text, (tw_date *)p, &e) < 0)
			return -1;
		break;
	case F_DUR_OPT:
		*(bool *)((char *)obj + f->aux) = text != NULL;
		/* fall through */
	case F_DUR:
		memset(p, 0, sizeof(struct duration));
		if (text && duration_parse(text, p, &e) < 0)
			return -1;
		break;
	case F_ENUM:
		if (!text || f->en->parse(text, &v) < 0)
			return -1;
		memcpy(p, &v, sizeof(v));
		break;
	case F_INT:
	case F_INT_OPT:
	case F_REAL:
	case F_REAL_OPT:
	case F_BOOL:
	case F_LIST:
		break;
	}
	return 0;
}

/* ---- checks before writing ------------------------------------------- */

/* Values the databases cannot hold faithfully, checked field by field. */
static int
check_fields(const char *entity, const struct field *f, size_t n,
	     const void *obj, struct tw_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct field *fi = &f[i];
		bool real = fi->type == F_REAL ||
			    (fi->type == F_REAL_OPT && fhas(fi, obj));
		char *const *l;
		size_t nl;
		int v;

		/*
		 * SQLite stores NaN as NULL; PostgreSQL refuses it too, to
		 * keep both backends alike.
		 */
		if (real && !isfinite(*(const double *)fptr(fi, obj)))
			return tw_error_set(err, TW_EINPUT,
					    "%s %s is not a finite number",
					    entity, fi->name);
		if (fi->type == F_ENUM &&
		    fi->en->parse(fi->en->name(fenum(fi, obj)), &v) < 0)
			return tw_error_set(err, TW_EINPUT,
					    "%s %s is out of range", entity,
					    fi->name);
		if (fi->type != F_LIST)
			continue;
		l = flist(fi, obj, &nl);
		for (size_t j = 0; j < nl; j++)
			if (!l[j])
				return tw_error_set(err, TW_EINPUT,
						    "%s %s has an empty entry",
						    entity, fi->name);
	}
	return 0;
}

/* Keys are primary keys: present and unique within the deal. */
static int
check_keys(const struct table *tb, const struct deal *d, struct strbuf *sb,
	   struct tw_error *err)
{
	size_t n = tb->count(d);

	for (size_t i = 0; tb->keyed && i < n; i++) {
		const void *obj = tb->at(d, i);

		if (!field_text(&tb->fields[0], obj, sb))
			return tw_error_set(err, TW_EINPUT, "%s without a %s",
					    tb->entity, tb->fields[0].name);
		for (size_t j = 0; j < i; j++)
			if (table_key_equal(tb, tb->at(d, j), obj))
				return tw_error_set(
					err, TW_EINPUT, "duplicate %s '%s'",
					tb->entity,
					field_text(&tb->fields[0], obj, sb));
	}
	return 0;
}

/*
 * The meaning of a deal (references resolve, values in range) is
 * deal_validate's business, not the store's.
 */
int
fields_check_deal(const struct deal *d, struct tw_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc = 0;

	if (!slug_is_valid(d->slug))
		return tw_error_set(err, TW_EINPUT, "invalid deal slug '%s'",
				    d->slug ? d->slug : "");
	rc = check_fields("deal", deal_fields, ndeal_fields, d, err);
	for (size_t t = 0; t < NTABLES && !rc; t++) {
		const struct table *tb = &store_tables[t];

		rc = check_keys(tb, d, &sb, err);
		for (size_t i = 0; i < tb->count(d) && !rc; i++)
			rc = check_fields(tb->entity, tb->fields, tb->nfields,
					  tb->at(d, i), err);
	}
	strbuf_release(&sb);
	return rc;
}

/* ---- history timestamps ----------------------------------------------- */

bool
history_is_timestamp(const char *s)
{
	static const char pattern[] = "9999-99-99T99:99:99Z";

	if (strlen(s) != sizeof(pattern) - 1)
		return false;
	for (size_t i = 0; pattern[i]; i++)
		if (pattern[i] == '9' ? !(s[i] >= '0' && s[i] <= '9')
				      : s[i] != pattern[i])
			return false;
	return true;
}

bool
history_fixed_now(char *buf, size_t size)
{
	const char *env = getenv("TECHWIN_NOW");

	if (!env || !history_is_timestamp(env))
		return false;
	snprintf(buf, size, "%s", env);
	return true;
}

void
history_local_now(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- SQL from the field tables ------------------------------------------ */

void
add_column_list(struct strbuf *sb, const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].type != F_LIST)
			strbuf_addf(sb, ", \"%s\"", f[i].name);
}

void
table_sql(const struct table *t, int which, char mark, struct strbuf *sb)
{
	const struct field *f = t->fields;
	int param = 3;
	const char *sep = "";

	switch (which) {
	case T_INSERT:
		strbuf_addf(sb, "INSERT INTO %s (deal_id, pos", t->sql);
		add_column_list(sb, f, t->nfields);
		strbuf_addf(sb, ") VALUES (%c1, %c2", mark, mark);
		for (size_t i = 0; i < t->nfields; i++)
			if (f[i].type != F_LIST)
				strbuf_addf(sb, ", %c%d", mark, param++);
		strbuf_addch(sb, ')');
		break;
	case T_UPDATE:
		strbuf_addf(sb, "UPDATE %s SET ", t->sql);
		if (t->keyed) {
			strbuf_addf(sb, "pos = %c2", mark);
			sep = ", ";
		}
		for (size_t i = 0; i < t->nfields; i++) {
			if (f[i].type == F_LIST)
				continue;
			if (!(t->keyed && i == 0)) {
				strbuf_addf(sb, "%s\"%s\" = %c%d", sep,
					    f[i].name, mark, param);
				sep = ", ";
			}
			param++;
		}
		if (t->keyed)
			strbuf_addf(sb, " WHERE deal_id = %c1 AND \"%s\" = %c3",
				    mark, f[0].name, mark);
		else
			strbuf_addf(sb, " WHERE deal_id = %c1 AND pos = %c2",
				    mark, mark);
		break;
	case T_DELETE:
		strbuf_addf(sb, "DELETE FROM %s WHERE deal_id = %c1 AND ",
			    t->sql, mark);
		if (t->keyed)
			strbuf_addf(sb, "\"%s\" = %c2", f[0].name, mark);
		else
			strbuf_addf(sb, "pos = %c2", mark);
		break;
	case T_SELECT:
		strbuf_addstr(sb, "SELECT pos");
		add_column_list(sb, f, t->nfields);
		strbuf_addf(sb, " FROM %s WHERE deal_id = %c1 ORDER BY pos",
			    t->sql, mark);
		break;
	}
}
