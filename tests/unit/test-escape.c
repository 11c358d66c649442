/*
 * Unit tests for src/render/escape.c: HTML entities, and Markdown text and
 * table cells that show as typed (no markup, raw HTML, entities or new
 * blocks), including NULL and empty input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render/escape.h"

typedef void (*escape_fn)(struct strbuf *out, const char *s);

static void
check(escape_fn fn, const char *in, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	fn(&sb, in);
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_html(void **state)
{
	(void)state;
	check(html_escape, "<script>alert(1)</script>",
	      "&lt;script&gt;alert(1)&lt;/script&gt;");
	check(html_escape, "AT&T \"quoted\" 'single'",
	      "AT&amp;T &quot;quoted&quot; &#39;single&#39;");
	check(html_escape, "&amp;", "&amp;amp;");
	check(html_escape, "plain ≤ 15 min", "plain ≤ 15 min");
	check(html_escape, "", "");
	check(html_escape, NULL, "");
}

static void
test_html_appends(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_addstr(&sb, "<b>");
	html_escape(&sb, "a<b");
	assert_string_equal(sb.buf, "<b>a&lt;b");
	strbuf_release(&sb);
}

static void
test_md_cell(void **state)
{
	(void)state;
	check(md_escape_cell, "a|b", "a\\|b");
	check(md_escape_cell, "C:\\dir", "C:\\\\dir");
	check(md_escape_cell, "line1\nline2", "line1<br>line2");
	check(md_escape_cell, "dos\r\nline", "dos<br>line");
	check(md_escape_cell, "<script>alert(1)</script>",
	      "&lt;script>alert(1)&lt;/script>");
	check(md_escape_cell, "*bold* _it_ `code` [link](x) ~~s~~ !img #h",
	      "\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\~\\~s\\~\\~ "
	      "\\!img \\#h");
	check(md_escape_cell, "", "");
	check(md_escape_cell, NULL, "");
}

static void
test_md_text(void **state)
{
	(void)state;
	check(md_escape_text, "Lakeshore Retail Group",
	      "Lakeshore Retail Group");
	check(md_escape_text, "a|b*c", "a\\|b\\*c");
	check(md_escape_text, "a\nb", "a<br>b");
	/* Only what Markdown would read as an entity is escaped. */
	check(md_escape_text, "AT&T & co", "AT&T & co");
	check(md_escape_text, "&lt; &#60; &#x3c;", "&amp;lt; &amp;\\#60; "
						    "&amp;\\#x3c;");
	check(md_escape_text, "& ;", "& ;");
	check(md_escape_text, "≤ 15 min, 40.0%", "≤ 15 min, 40.0%");
}

static void
test_md_block_starts(void **state)
{
	(void)state;
	check(md_escape_text, "- item", "\\- item");
	check(md_escape_text, "+ item", "\\+ item");
	check(md_escape_text, "-", "\\-");
	check(md_escape_text, "---", "\\---");
	check(md_escape_text, "> quote", "\\> quote");
	check(md_escape_text, "===", "\\===");
	check(md_escape_text, "1. first", "1\\. first");
	check(md_escape_text, "12) twelfth", "12\\) twelfth");
	check(md_escape_text, "3.", "3\\.");
	/* Not a block: no blank after the marker, or not at the start. */
	check(md_escape_text, "2026 budget", "2026 budget");
	check(md_escape_text, "1.5x faster", "1.5x faster");
	check(md_escape_text, "-5%", "-5%");
	check(md_escape_text, "+1", "+1");
	check(md_escape_text, "a - b", "a - b");
	check(md_escape_text, "1234567890. ten digits", "1234567890. ten "
						       "digits");
	/* A table cell never starts a block. */
	check(md_escape_cell, "- item", "- item");
	check(md_escape_cell, "40.0%", "40.0%");
	check(md_escape_cell, "1. first", "1. first");
}

/* term_escape of all of in at once, final. */
static void
check_term(const char *in, bool json, const char *want)
{
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(term_escape(&sb, in, strlen(in), true, json),
			 strlen(in));
	assert_string_equal(sb.buf, want);
	strbuf_release(&sb);
}

static void
test_term(void **state)
{
	(void)state;
	/* Text, tabs, line feeds, UTF-8 and a CR LF line end pass. */
	check_term("plain\ttext\n\xc3\xa9t\xc3\xa9 \xc2\xa0\r\n", false,
		   "plain\ttext\n\xc3\xa9t\xc3\xa9 \xc2\xa0\r\n");
	/* What the attack stored: a window title, a bell, a screen clear. */
	check_term("\x1b]0;PWNED\x07\x1b[2J", false,
		   "\\033]0;PWNED\\a\\033[2J");
	check_term("a\rb\bc\fd\ve\x7f\x01", false,
		   "a\\rb\\bc\\fd\\ve\\177\\001");
	check_term("x\r", false, "x\\r");
	/* C1 controls (CSI is U+009B), as their UTF-8 bytes. */
	check_term("\xc2\x9b" "31m \xc2\x80", false,
		   "\\302\\23331m \\302\\200");
	/* A backslash is left alone. */
	check_term("C:\\033", false, "C:\\033");
	/* JSON: the same controls, as \u00XX. */
	check_term("{\"a\": \"\xc2\x9b\x7f\"}\n", true,
		   "{\"a\": \"\\u009b\\u007f\"}\n");
}

/* A stream in pieces: a CR or C1 lead byte at the end waits for more. */
static void
test_term_pieces(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_int_equal(term_escape(&sb, "ab\r", 3, false, false), 2);
	assert_string_equal(sb.buf, "ab");
	assert_int_equal(term_escape(&sb, "\r\n", 2, false, false), 2);
	assert_int_equal(term_escape(&sb, "\rx\xc2", 3, false, false), 2);
	assert_string_equal(sb.buf, "ab\r\n\\rx");
	assert_int_equal(term_escape(&sb, "\xc2\x9b", 2, false, false), 2);
	assert_int_equal(term_escape(&sb, "\xc2", 1, true, false), 1);
	assert_string_equal(sb.buf, "ab\r\n\\rx\\302\\233\xc2");
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_appends),
		cmocka_unit_test(test_md_cell),
		cmocka_unit_test(test_md_text),
		cmocka_unit_test(test_md_block_starts),
		cmocka_unit_test(test_term),
		cmocka_unit_test(test_term_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
