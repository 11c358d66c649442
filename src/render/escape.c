/*
 * The escaping functions of escape.h. Markdown escaping targets GitHub
 * Flavoured Markdown: text must show as typed, never as markup, links,
 * raw HTML or a new block.
 */
#include "render/escape.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

void
html_escape(struct strbuf *out, const char *s)
{
	if (!s)
		return;
	for (;;) {
		/* Copy the runs between specials whole, not byte by byte. */
		size_t run = strcspn(s, "&<>\"'");

		strbuf_add(out, s, run);
		s += run;
		if (!*s)
			break;
		switch (*s++) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		default:
			strbuf_addstr(out, "&#39;");
			break;
		}
	}
}

/* "&amp;", "&#39;", "&#x27;": Markdown would turn it into its character. */
static bool
starts_entity(const char *s)
{
	const char *p = s + 1;

	if (*p == '#')
		p++;
	if (!isalnum((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p))
		p++;
	return *p == ';';
}

/* A list marker needs a blank or the end of the line after it. */
static bool
blank_or_end(char c)
{
	return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Text at the start of a line that would open a block (CommonMark): a
 * list item ("- x", "+ x", "1. x", "1) x"), a quote ("> x"), a thematic
 * break or setext underline ("---", "==="). Returns how many bytes to
 * copy before the character to escape, or -1 for none.
 */
static int
block_start(const char *s)
{
	const char *p = s;

	if (*s == '>' || *s == '=')
		return 0;
	if ((*s == '-' && (blank_or_end(s[1]) || s[1] == '-')) ||
	    (*s == '+' && blank_or_end(s[1])))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (p > s && p - s <= 9 && (*p == '.' || *p == ')') &&
	    blank_or_end(p[1]))
		return (int)(p - s);
	return -1;
}

/*
 * Inline text escapes; text (not a table cell) may stand at the start of
 * a line, where it must not open a block either.
 */
static void
md_escape(struct strbuf *out, const char *s, bool line_start)
{
	int lead = s && line_start ? block_start(s) : -1;

	if (lead >= 0) {
		strbuf_add(out, s, (size_t)lead);
		strbuf_addch(out, '\\');
		s += lead;
	}
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '#': case '|': case '!': case '~':
			strbuf_addch(out, '\\');
			strbuf_addch(out, *s);
			break;
		case '<':
			/* GitHub renders raw HTML; show it as text. */
			strbuf_addstr(out, "&lt;");
			break;
		case '&':
			strbuf_addstr(out, starts_entity(s) ? "&amp;" : "&");
			break;
		case '\r':
			break;
		case '\n':
			/* A line break that keeps the cell or paragraph. */
			strbuf_addstr(out, "<br>");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}

void
md_escape_cell(struct strbuf *out, const char *s)
{
	md_escape(out, s, false);
}

void
md_escape_text(struct strbuf *out, const char *s)
{
	md_escape(out, s, true);
}

/* One control, as term_escape shows it (never \t or \n): its bytes. */
static void
term_escape_control(struct strbuf *out, const unsigned char *p, size_t len,
		    bool json)
{
	if (json)
		strbuf_addf(out, "\\u%04x", p[len - 1]);
	else if (*p >= '\a' && *p <= '\r')
		strbuf_addf(out, "\\%c", "abtnvfr"[*p - '\a']);
	else
		for (size_t k = 0; k < len; k++)
			strbuf_addf(out, "\\%03o", p[k]);
}

size_t
term_escape(struct strbuf *out, const char *s, size_t n, bool final,
	    bool json)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, start = 0, len;

	for (i = 0; i < n; i += len) {
		unsigned char c = p[i];

		len = 1;
		if ((c >= 0x20 && c != 0x7f && c != 0xc2) || c == '\n' ||
		    c == '\t')
			continue;
		if ((c == '\r' || c == 0xc2) && i + 1 == n && !final)
			break;	/* the next piece says what it is */
		if (c == '\r' && i + 1 < n && p[i + 1] == '\n')
			continue;
		if (c == 0xc2) {
			if (i + 1 == n || p[i + 1] < 0x80 || p[i + 1] > 0x9f)
				continue;	/* U+00A0 and up: text */
			len = 2;
		}
		strbuf_add(out, s + start, i - start);
		term_escape_control(out, p + i, len, json);
		start = i + len;
	}
	strbuf_add(out, s + start, i - start);
	return i;
}
