/*
 * Escaping for every output format: each user string reaching HTML, SVG or
 * XML goes through html_escape; Markdown table cells through md_escape_cell;
 * iCalendar text through ics_escape_text. One function per format, no ad hoc
 * replacements at call sites.
 */
#ifndef TW_ESCAPE_H
#define TW_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/strbuf.h"

/* & < > " ' as entities (valid in HTML text, attributes and XML). */
void html_escape(struct strbuf *out, const char *s);
/*
 * Markdown (GitHub flavour), so text shows as typed: \ ` * _ [ ] # | ! ~
 * backslash-escaped, '<' as &lt; (no raw HTML), '&' as &amp; where it
 * would start an entity, newlines as <br> (CR dropped) so the text stays
 * in its table row or paragraph.
 */
void md_escape_cell(struct strbuf *out, const char *s);
/*
 * The same for text that may start a line: a leading list marker ("- ",
 * "+ ", "1. ", "1) "), '>', '=' or "--" is escaped too, so it cannot open
 * a list, a quote, a heading underline or a rule.
 */
void md_escape_text(struct strbuf *out, const char *s);

/*
 * Text for a terminal, so stored text cannot move the cursor, retitle the
 * window or clear the screen: the C0 controls but line feed and tab, DEL
 * and the C1 controls (U+0080-U+009F) show as C escapes, as git quotes an
 * unusual path: \a \b \f \r \v by name, any other as octal bytes (ESC
 * is \033, U+009B is \302\233). A backslash stays as it is: the escapes
 * are for the eye, not to be parsed back. A CR just before a line feed
 * stays too (CSV, iCalendar and mail end their lines so).
 *
 * json spells them as JSON's \u00XX instead, for JSON output, which has
 * the C0 controls escaped already but not DEL or C1 (nor need it have):
 * the text stays valid JSON with the same meaning.
 *
 * For a stream written in pieces: n bytes of s, of which it returns how
 * many it used. That is all of them when final; otherwise a last CR or
 * first byte of a C1 control is left for the next piece, which decides it.
 */
size_t term_escape(struct strbuf *out, const char *s, size_t n, bool final,
		   bool json);

#endif
