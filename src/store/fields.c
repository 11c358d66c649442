/*
 * The field tables of the store and what can be done with them whatever the
 * database (store/fields.h): compare two values, write one as history text,
 * check a deal before it is written, build a child table's DML. Both
 * backends read, bind and compare through these tables, so SQLite and
 * PostgreSQL keep the same columns and record history the same way.
 */
#include "store/fields.h"
#include "util/keymap.h"
#include "util/xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
check_keys(const struct schema_table *tb, const struct deal *d, struct strbuf *sb,
	   struct tw_error *err)
{
	struct keymap seen = KEYMAP_INIT;
	size_t n = tb->count(d), len;
	int rc = 0;

	for (size_t i = 0; tb->keyed && i < n && !rc; i++) {
		const void *obj = tb->at(d, i);
		const void *key = table_key_bytes(tb, obj, &len);

		if (!field_text(&tb->fields[0], obj, sb))
			rc = tw_error_set(err, TW_EINPUT, "%s without a %s",
					  tb->entity, tb->fields[0].name);
		else if (keymap_add(&seen, key, len, i) != KEYMAP_NONE)
			rc = tw_error_set(err, TW_EINPUT, "duplicate %s '%s'",
					  tb->entity,
					  field_text(&tb->fields[0], obj, sb));
	}
	keymap_release(&seen);
	return rc;
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
	rc = check_fields("deal", schema_deal.fields, schema_deal.nfields, d,
			  err);
	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++) {
		const struct schema_table *tb = &schema_tables[t];

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
		if (field_in_row(&f[i]))
			strbuf_addf(sb, ", \"%s\"", f[i].name);
}

void
table_sql(const struct schema_table *t, int which, char mark, struct strbuf *sb)
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
			if (field_in_row(&f[i]))
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
			if (!field_in_row(&f[i]))
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
