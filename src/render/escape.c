/*
 * The escaping functions of escape.h.
 */
#include "render/escape.h"

void
html_escape(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
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
		case '\'':
			strbuf_addstr(out, "&#39;");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}

void
md_escape_cell(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '|':
		case '\\':
			strbuf_addch(out, '\\');
			strbuf_addch(out, *s);
			break;
		case '\r':
			break;
		case '\n':
			strbuf_addstr(out, "<br>");
			break;
		case '<':
			/* GitHub renders raw HTML in tables; show it as text. */
			strbuf_addstr(out, "&lt;");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}

void
md_escape_text(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': case '`': case '*': case '_': case '[': case ']':
		case '#': case '|': case '!':
			strbuf_addch(out, '\\');
			strbuf_addch(out, *s);
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		default:
			strbuf_addch(out, *s);
		}
	}
}
