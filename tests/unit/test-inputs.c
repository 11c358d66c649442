/*
 * A deal's inputs (store/inputs.h) read back as the deal: every field of
 * every table, set to a value of its type (texts with the bytes the
 * format escapes), and absent; prose as whether there is any; and text
 * that is not inputs of this version refused. test-recheck holds that
 * momentum_check says the same of random deals and of their inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/schema.h"
#include "store/inputs.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* Field f of obj set to a value of its type, made from k. */
static void
set_field(const struct field *f, void *obj, int k)
{
	char *p = (char *)obj + f->off;
	bool *has = (bool *)((char *)obj + f->aux);
	char text[64];

	switch (f->type) {
	case F_STR:
		/* Every byte the format uses, and a tab and a newline. */
		snprintf(text, sizeof(text), "%s %d\x1b\x1c\x1d\x1e\x1f\t\n~,x",
			 f->name, k);
		*(char **)p = xstrdup(text);
		break;
	case F_INT_OPT:
		*has = true;
		/* fall through */
	case F_INT:
		*(int *)p = -40 + k;
		break;
	case F_REAL_OPT:
		*has = true;
		/* fall through */
	case F_REAL:
		*(double *)p = 0.1 * k + 1e-17;
		break;
	case F_BOOL:
		*(bool *)p = k % 2;
		break;
	case F_DATE:
		*(tw_date *)p = D("2027-02-26") + k;
		break;
	case F_DUR_OPT:
		*has = true;
		/* fall through */
	case F_DUR:
		*(struct duration *)p = (struct duration){ k, DUR_BDAYS };
		break;
	case F_ENUM: {
		int v = 1;

		memcpy(p, &v, sizeof(v));
		break;
	}
	case F_LIST: {
		char **l = xcalloc(2, sizeof(*l));

		l[0] = xstrdup("alpha");
		l[1] = xstrdup("b-2");
		*(char ***)p = l;
		*(size_t *)has = 2;
		break;
	}
	}
}

static void
set_all(const struct schema_table *tb, void *obj, int k)
{
	for (size_t i = 0; i < tb->nfields; i++)
		set_field(&tb->fields[i], obj, k + (int)i);
}

/* a's fields are b's; prose only as whether there is any. */
static void
assert_same(const struct schema_table *tb, const void *a, const void *b)
{
	for (size_t i = 0; i < tb->nfields; i++) {
		const struct field *f = &tb->fields[i];

		if (f->flags & FL_MULTI) {
			const char *x = *(char *const *)fptr(f, a);
			const char *y = *(char *const *)fptr(f, b);

			if (!x || !*x)
				assert_true(x == y || (y && !*y));
			else
				assert_string_equal(y, "~");
			continue;
		}
		if (!field_equal(f, a, b))
			fail_msg("%s.%s differs", tb->entity, f->name);
	}
}

static void
assert_deal_same(const struct deal *a, const struct deal *b)
{
	assert_string_equal(a->slug, b->slug);
	assert_same(&schema_deal, a, b);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		assert_int_equal(tb->count(a), tb->count(b));
		for (size_t i = 0; i < tb->count(a); i++)
			assert_same(tb, tb->at(a, i), tb->at(b, i));
	}
}

static void
roundtrip(const struct deal *d)
{
	struct strbuf sb = STRBUF_INIT;
	struct deal got;

	inputs_encode(d, &sb);
	assert_null(memchr(sb.buf, '\0', sb.len));
	deal_init(&got);
	assert_int_equal(inputs_decode(sb.buf, &got), 0);
	assert_deal_same(d, &got);
	inputs_release(&got);
	strbuf_release(&sb);
}

static void
test_every_field(void **state)
{
	struct deal d;

	(void)state;
	deal_init(&d);
	d.slug = xstrdup("acme");
	set_all(&schema_deal, &d, 1);
	for (size_t t = 0; t < SCHEMA_NTABLES; t++) {
		const struct schema_table *tb = &schema_tables[t];

		/* Three children: an array that is not a power of two. */
		for (int k = 0; k < 3; k++)
			set_all(tb, tb->add(&d), 10 * k + (int)t);
	}
	roundtrip(&d);
	deal_release(&d);
}

static void
test_every_field_absent(void **state)
{
	struct deal d;

	(void)state;
	deal_init(&d);
	d.slug = xstrdup("bare");
	roundtrip(&d);
	/* Children whose optional fields are all absent, texts empty. */
	deal_add_criterion(&d)->key = xstrdup("");
	deal_add_event(&d)->title = xstrdup("");
	deal_add_phase(&d)->justification = xstrdup("");
	roundtrip(&d);
	deal_release(&d);
}

static void
test_not_inputs(void **state)
{
	static const char *const bad[] = {
		"",
		"techwin-inputs:0000000000000000\x1f" "acme\x1f",
		"no header at all",
	};
	struct strbuf sb = STRBUF_INIT;
	struct deal d;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char *text = xstrdup(bad[i]);

		deal_init(&d);
		assert_int_equal(inputs_decode(text, &d), -1);
		free(text);
	}
	/* Real inputs, cut short anywhere or with a bad escape. */
	deal_init(&d);
	d.slug = xstrdup("acme");
	deal_add_event(&d)->key = xstrdup("kickoff");
	deal_add_holiday(&d, D("2027-01-01"));
	inputs_encode(&d, &sb);
	deal_release(&d);
	for (size_t cut = 0; cut < sb.len; cut++) {
		char *text = xmalloc(cut + 1);

		memcpy(text, sb.buf, cut);
		text[cut] = '\0';
		deal_init(&d);
		assert_int_equal(inputs_decode(text, &d), -1);
		free(text);
	}
	{
		char *text = xmalloc(sb.len + 3);
		char *slug = strstr(sb.buf, "acme");

		assert_non_null(slug);
		memcpy(text, sb.buf, (size_t)(slug - sb.buf));
		memcpy(text + (slug - sb.buf), "\x1b!", 2);
		strcpy(text + (slug - sb.buf) + 2, slug);
		deal_init(&d);
		assert_int_equal(inputs_decode(text, &d), -1);
		free(text);
	}
	strbuf_release(&sb);
	assert_true(inputs_version() != 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field),
		cmocka_unit_test(test_every_field_absent),
		cmocka_unit_test(test_not_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
