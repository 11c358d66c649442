/*
 * Unit tests for src/formats/yaml-fast.c: whatever the fast loader takes,
 * libyaml's yaml_parser_load() must read as the same tree (node by node:
 * type, style, bytes, start line and column, children), for hand-made
 * edge cases and for every .yaml file under tests/ and examples/; plan
 * files as plan_emit() writes them must be taken, and what is outside
 * the subset must be declined.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/plan.h"
#include "formats/yaml-fast.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static void
same_node(yaml_document_t *a, int ia, yaml_document_t *b, int ib,
	  const char *what)
{
	yaml_node_t *x = yaml_document_get_node(a, ia);
	yaml_node_t *y = yaml_document_get_node(b, ib);

	if (!x || !y)
		fail_msg("%s: node %d/%d missing", what, ia, ib);
	if (ia != ib || x->type != y->type ||
	    x->start_mark.line != y->start_mark.line ||
	    x->start_mark.column != y->start_mark.column)
		fail_msg("%s: node %d differs (type %d/%d at %zu:%zu/%zu:%zu)",
			 what, ia, x->type, y->type,
			 (size_t)x->start_mark.line,
			 (size_t)x->start_mark.column,
			 (size_t)y->start_mark.line,
			 (size_t)y->start_mark.column);
	switch (x->type) {
	case YAML_SCALAR_NODE:
		if (x->data.scalar.style != y->data.scalar.style ||
		    x->data.scalar.length != y->data.scalar.length ||
		    memcmp(x->data.scalar.value, y->data.scalar.value,
			   x->data.scalar.length))
			fail_msg("%s: scalar %d differs: '%s' / '%s'", what, ia,
				 (char *)x->data.scalar.value,
				 (char *)y->data.scalar.value);
		break;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *p = x->data.sequence.items.start;
		yaml_node_item_t *q = y->data.sequence.items.start;

		if (x->data.sequence.items.top - p !=
		    y->data.sequence.items.top - q)
			fail_msg("%s: sequence %d length differs", what, ia);
		for (; p < x->data.sequence.items.top; p++, q++)
			same_node(a, *p, b, *q, what);
		break;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *p = x->data.mapping.pairs.start;
		yaml_node_pair_t *q = y->data.mapping.pairs.start;

		if (x->data.mapping.pairs.top - p !=
		    y->data.mapping.pairs.top - q)
			fail_msg("%s: mapping %d length differs", what, ia);
		for (; p < x->data.mapping.pairs.top; p++, q++) {
			same_node(a, p->key, b, q->key, what);
			same_node(a, p->value, b, q->value, what);
		}
		break;
	}
	default:
		fail_msg("%s: node %d has no type", what, ia);
	}
}

/* The loader's verdict on text; when it takes it, libyaml must agree. */
static bool
check_text(const char *buf, size_t len, const char *what)
{
	struct yaml_fast f;
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	bool taken = yaml_fast_load(&f, buf, len);

	if (taken) {
		assert_true(yaml_parser_initialize(&parser));
		yaml_parser_set_input_string(&parser,
					     (const unsigned char *)buf, len);
		if (!yaml_parser_load(&parser, &doc))
			fail_msg("%s: taken, but libyaml refuses it: %s", what,
				 parser.problem);
		assert_int_equal(doc.nodes.top - doc.nodes.start,
				 f.doc.nodes.top - f.doc.nodes.start);
		same_node(&f.doc, 1, &doc, 1, what);
		/* One document, nothing after it. */
		assert_true(yaml_parser_load(&parser, &extra));
		assert_null(yaml_document_get_root_node(&extra));
		yaml_document_delete(&extra);
		yaml_document_delete(&doc);
		yaml_parser_delete(&parser);
	}
	yaml_fast_release(&f);
	return taken;
}

static bool
check(const char *text)
{
	return check_text(text, strlen(text), text);
}

static void
test_taken(void **state)
{
	(void)state;
	assert_true(check("version: 1\n"));
	assert_true(check("version: 1"));
	assert_true(check("a: b\nc:\n  d: e\n  f:\n    - g\n    - h\ni: j\n"));
	assert_true(check("a:\n  - k: 1\n    l: 2\n  -   m: 3\n  - n\n"));
	assert_true(check("a:   spaced out   \nb: x\n"));
	assert_true(check("a: 'it''s: #quoted'\nb: \"x: y # z\"\n"));
	assert_true(check("a: ''\nb: \"\"\nc: ~\nd: -5\ne: :x\nf: ?y\n"));
	assert_true(check("a: C# and F#\nb: x:y\nc: not [flow] {x}, y\n"));
	assert_true(check("a: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\n"));
	assert_true(check("a:\n    b:\n        - c\n        - d: e\nf: g\n"));
	assert_true(check("a: 'x'   \nb: it's\n"));
}

static void
test_declined(void **state)
{
	static const char *const texts[] = {
		"",
		"\n",
		"a: b\n\nc: d\n",		/* blank line */
		"a: b\n  \nc: d\n",		/* blank line of spaces */
		"# comment\na: b\n",
		"a: b # comment\n",
		"a: b\n  c\n",			/* plain scalar goes on */
		"a:\nb: c\n",			/* empty value */
		"a:\n",
		"a:\n- b\n",			/* indentless sequence */
		"a: [b, c]\n",
		"a: {b: c}\n",
		"a: &x b\nc: *x\n",
		"a: !!str b\n",
		"a: |\n  b\n",
		"a: >\n  b\n",
		"a: \"b\\nc\"\n",		/* escape */
		"a: 'b\n  c'\n",		/* quote over two lines */
		"a:\tb\n",
		"a: b\r\n",
		"---\na: b\n",
		"a: b\n---\nc: d\n",
		"a: b\n...\n",
		"%YAML 1.1\n---\na: b\n",
		"  a: b\n",			/* indented root */
		"a: b\n c: d\n",		/* deeper line after a scalar */
		"a:\n    b: c\n  d: e\n",	/* between two indents */
		"a: b: c\n",
		"a: b:\n",
		"- a\n",
		"a:\n  - - b\n",
		"a:\n  -\n    b: c\n",
		"a:\n  - {}\n",
		"a: - b\n",
		"? a\n: b\n",
		"a : b\n",
		"a:b\n",
		"a: @b\n",
		"a: `b\n",
		"a: b\xc2\x85\n",		/* NEL */
		"a: b\xe2\x80\xa8\n",		/* line separator */
		"\xef\xbb\xbf" "a: b\n",	/* byte order mark */
		"a: \xff\n",			/* not UTF-8 */
		"a: \xc0\xae\n",		/* overlong */
		"a: \xed\xa0\x80\n",		/* surrogate */
		"a: 'x' y\n",
		"a: \"x\" y\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (check(texts[i]))
			fail_msg("taken: '%s'", texts[i]);
	/* A NUL inside: libyaml refuses the file. */
	assert_false(check_text("a: b\0c\n", 7, "NUL"));
}

/* Every plan file techwin writes takes the fast path. */
static void
test_emitted_plans_are_taken(void **state)
{
	static const char plan[] =
		"version: 1\n"
		"deal:\n"
		"  slug: acme\n"
		"  account: 'yes'\n"
		"  stage: poc\n"
		"  value: 1.5\n"
		"  champion:\n"
		"    name: Ann O'Neil\n"
		"holidays:\n"
		"  - 2026-12-24\n"
		"criteria:\n"
		"  - key: p95\n"
		"    metric: 'p95: latency'\n"
		"    at_most: 200\n"
		"    outcome: \"tab\\there\"\n"
		"events:\n"
		"  - key: kickoff\n"
		"    kind: technical\n"
		"phases:\n"
		"  - number: 1\n"
		"    criteria:\n"
		"      - p95\n";
	struct tw_error err = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct deal d;
	char *nl;

	(void)state;
	assert_int_equal(plan_parse(plan, sizeof(plan) - 1, "t.yaml", &d, &err),
			 0);
	/* A tab is written as an escape, which the fast path declines. */
	xstrset(&d.criteria[0].outcome, "no tab");
	plan_emit(&d, &out);
	assert_true(check(out.buf));
	/* Each prefix of whole lines too, unless it ends in an empty value. */
	for (nl = strchr(out.buf, '\n'); nl; nl = strchr(nl + 1, '\n')) {
		size_t len = (size_t)(nl - out.buf) + 1;

		check_text(out.buf, len, "prefix");
	}
	strbuf_release(&out);
	deal_release(&d);
}

/*
 * Copies of a file the loader took, each with a byte replaced, inserted
 * or deleted where YAML is touchy: whichever the loader takes, libyaml
 * must read the same way (a fixed seed, so a failure repeats).
 */
static void
mutate(const char *buf, size_t len, const char *path)
{
	static const char touchy[] = " :-#'\"\n\t[]{}&*!|>%@`~?,\\xa0";
	static unsigned long seed = 20261126;
	char *m = xmalloc(len + 2);

	for (int k = 0; k < 2000; k++) {
		size_t at, n = len;
		char c;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		at = (size_t)(seed >> 33) % (len + 1);
		c = touchy[(seed >> 17) % (sizeof(touchy) - 1)];
		memcpy(m, buf, len);
		switch ((seed >> 8) % 3) {
		case 0:
			if (at < len)
				m[at] = c;
			break;
		case 1:
			memmove(m + at + 1, m + at, len - at);
			m[at] = c;
			n++;
			break;
		default:
			if (at < len) {
				memmove(m + at, m + at + 1, len - at - 1);
				n--;
			}
		}
		check_text(m, n, path);
	}
	free(m);
}

/* The files the loader took, of those walk() saw. */
static size_t taken_files;

static void
check_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		fail_msg("cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&sb, chunk, n);
	fclose(f);
	if (check_text(sb.buf, sb.len, path)) {
		taken_files++;
		mutate(sb.buf, sb.len, path);
	}
	strbuf_release(&sb);
}

/* Every .yaml file below dir; returns how many. */
static size_t
walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct strbuf path = STRBUF_INIT;
		struct stat st;
		size_t len = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		strbuf_addf(&path, "%s/%s", dir, e->d_name);
		if (stat(path.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
			n += walk(path.buf);
		} else if (len > 5 && !strcmp(e->d_name + len - 5, ".yaml")) {
			check_file(path.buf);
			n++;
		}
		strbuf_release(&path);
	}
	closedir(d);
	return n;
}

static void
test_files(void **state)
{
	struct strbuf dir = STRBUF_INIT;
	const char *data = getenv("TW_TEST_DATA");
	size_t n;

	(void)state;
	if (data) {
		strbuf_addf(&dir, "%s/..", data);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(&dir, __FILE__,
			   slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addstr(&dir, "/..");
	}
	n = walk(dir.buf);
	strbuf_addstr(&dir, "/../examples");
	n += walk(dir.buf);
	print_message("%zu of %zu files taken\n", taken_files, n);
	/* The examples and most golden plans are in the subset. */
	assert_true(n > 100 && taken_files > n / 4);
	strbuf_release(&dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taken),
		cmocka_unit_test(test_declined),
		cmocka_unit_test(test_emitted_plans_are_taken),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
