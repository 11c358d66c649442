/*
 * The comparison behind every deal_put (store/diff.h): which children of a
 * deal were created, changed or deleted, which fields changed, and the
 * history rows that say so. Written once for both backends, which supply
 * only the statements that carry each change out.
 */
#include "store/diff.h"
#include "store/fields.h"
#include "util/keymap.h"
#include "util/strbuf.h"

/* One comparison: the backend's calls and the text of the values. */
struct diff {
	const struct diff_ops *ops;
	struct put_ctx *c;
	struct strbuf old_text, new_text, key_text;
};

static void
diff_init(struct diff *df, const struct diff_ops *ops, struct put_ctx *c)
{
	df->ops = ops;
	df->c = c;
	strbuf_init(&df->old_text, 0);
	strbuf_init(&df->new_text, 0);
	strbuf_init(&df->key_text, 0);
}

static void
diff_release(struct diff *df)
{
	strbuf_release(&df->old_text);
	strbuf_release(&df->new_text);
	strbuf_release(&df->key_text);
}

/* Text naming a child in history: its key, or its 1-based position. */
static const char *
child_key(struct diff *df, const struct schema_table *t, const void *obj, size_t pos)
{
	if (t->keyed)
		return field_text(&t->fields[0], obj, &df->key_text);
	strbuf_reset(&df->key_text);
	strbuf_addf(&df->key_text, "%zu", pos + 1);
	return df->key_text.buf;
}

/*
 * One history row per field that differs between a and b; *changed says
 * whether any did. The key of a keyed table is equal by construction.
 */
static int
diff_fields(struct diff *df, const char *entity, const char *key,
	    const struct field *f, size_t n, size_t skip, const void *a,
	    const void *b, bool *changed)
{
	int rc = 0;

	*changed = false;
	for (size_t i = skip; i < n && !rc; i++) {
		if (field_equal(&f[i], a, b))
			continue;
		*changed = true;
		rc = df->ops->history(df->c, entity, key, f[i].name,
				      field_text(&f[i], a, &df->old_text),
				      field_text(&f[i], b, &df->new_text));
	}
	return rc;
}

/*
 * Only phases have a list kept in a table of its own (their criteria, in
 * phase_criteria); a joined list (FL_JOINED) is a column of the row.
 */
static bool
has_list(const struct schema_table *tb)
{
	for (size_t i = 0; i < tb->nfields; i++)
		if (!field_in_row(&tb->fields[i]))
			return true;
	return false;
}

static bool
list_changed(const struct schema_table *tb, const void *a, const void *b)
{
	for (size_t i = 0; i < tb->nfields; i++)
		if (!field_in_row(&tb->fields[i]) &&
		    !field_equal(&tb->fields[i], a, b))
			return true;
	return false;
}

static int
create_child(struct diff *df, size_t t, const void *obj, size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	int rc = df->ops->write_child(df->c, t, T_INSERT, obj, pos);

	if (!rc && has_list(tb))
		rc = df->ops->write_phase_criteria(df->c, obj, false);
	if (!rc)
		rc = df->ops->history(df->c, tb->entity,
				      child_key(df, tb, obj, pos), "*", NULL,
				      "created");
	return rc;
}

static int
delete_child(struct diff *df, size_t t, const void *obj, size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	const char *key = child_key(df, tb, obj, pos);
	int rc = df->ops->delete_child(df->c, t, obj, pos);

	if (!rc)
		rc = df->ops->history(df->c, tb->entity, key, "*", "deleted",
				      NULL);
	return rc;
}

/* Bring a stored child (a, at old_pos) to b at pos. */
static int
update_child(struct diff *df, size_t t, const void *a, size_t old_pos,
	     const void *b, size_t pos)
{
	const struct schema_table *tb = &schema_tables[t];
	const char *key = child_key(df, tb, b, pos);
	bool changed;
	int rc;

	rc = diff_fields(df, tb->entity, key, tb->fields, tb->nfields,
			 tb->keyed ? 1 : 0, a, b, &changed);
	/* A move alone rewrites pos but is not a field change in history. */
	if (!rc && (changed || old_pos != pos))
		rc = df->ops->write_child(df->c, t, T_UPDATE, b, pos);
	if (!rc && changed && list_changed(tb, a, b))
		rc = df->ops->write_phase_criteria(df->c, b, true);
	return rc;
}

/* The keys of d's children of keyed table tb, to their indexes. */
static void
index_keys(const struct schema_table *tb, const struct deal *d,
	   struct keymap *m)
{
	size_t len;

	for (size_t i = 0; i < tb->count(d); i++) {
		const void *key = table_key_bytes(tb, tb->at(d, i), &len);

		if (key)
			keymap_add(m, key, len, i);
	}
}

static size_t
find_key(const struct schema_table *tb, const struct keymap *m,
	 const void *obj)
{
	size_t len;
	const void *key = table_key_bytes(tb, obj, &len);

	return key ? keymap_get(m, key, len) : KEYMAP_NONE;
}

static int
diff_table(struct diff *df, size_t t, const struct deal *old,
	   const struct deal *d)
{
	struct keymap old_keys = KEYMAP_INIT, new_keys = KEYMAP_INIT;
	const struct schema_table *tb = &schema_tables[t];
	size_t nold = tb->count(old), nnew = tb->count(d);
	int rc = 0;

	if (!tb->keyed) {
		for (size_t i = 0; i < nold && i < nnew && !rc; i++)
			rc = update_child(df, t, tb->at(old, i), i,
					  tb->at(d, i), i);
		for (size_t i = nnew; i < nold && !rc; i++)
			rc = delete_child(df, t, tb->at(old, i), i);
		for (size_t i = nold; i < nnew && !rc; i++)
			rc = create_child(df, t, tb->at(d, i), i);
		return rc;
	}

	/*
	 * Children match by key, found through a map of each side's keys
	 * (the first child with a key wins, as in a scan): thousands of
	 * children must not cost millions of comparisons.
	 */
	index_keys(tb, old, &old_keys);
	index_keys(tb, d, &new_keys);
	/* Deletions first, so a re-added key never collides. */
	for (size_t j = 0; j < nold && !rc; j++) {
		const void *a = tb->at(old, j);

		if (find_key(tb, &new_keys, a) == KEYMAP_NONE)
			rc = delete_child(df, t, a, j);
	}
	for (size_t i = 0; i < nnew && !rc; i++) {
		const void *b = tb->at(d, i);
		size_t j = find_key(tb, &old_keys, b);

		if (j == KEYMAP_NONE)
			rc = create_child(df, t, b, i);
		else
			rc = update_child(df, t, tb->at(old, j), j, b, i);
	}
	keymap_release(&old_keys);
	keymap_release(&new_keys);
	return rc;
}

int
diff_create_deal(const struct diff_ops *ops, struct put_ctx *c,
		 const struct deal *d)
{
	struct diff df;
	int rc;

	diff_init(&df, ops, c);
	rc = ops->write_deal(c, T_INSERT, d);
	if (!rc)
		rc = ops->history(c, "deal", "", "*", NULL, "created");
	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++)
		for (size_t i = 0; i < schema_tables[t].count(d) && !rc; i++)
			rc = create_child(&df, t, schema_tables[t].at(d, i), i);
	diff_release(&df);
	return rc;
}

int
diff_update_deal(const struct diff_ops *ops, struct put_ctx *c,
		 const struct deal *old, const struct deal *d)
{
	struct diff df;
	bool changed;
	int rc;

	diff_init(&df, ops, c);
	rc = diff_fields(&df, "deal", "", schema_deal.fields,
			 schema_deal.nfields, 0, old, d, &changed);
	if (!rc && changed)
		rc = ops->write_deal(c, T_UPDATE, d);
	for (size_t t = 0; t < SCHEMA_NTABLES && !rc; t++)
		rc = diff_table(&df, t, old, d);
	diff_release(&df);
	return rc;
}
