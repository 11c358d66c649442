/*
 * Escaping for every output format: each user string reaching HTML, SVG or
 * XML goes through html_escape; Markdown table cells through md_escape_cell;
 * iCalendar text through ics_escape_text. One function per format, no ad hoc
 * replacements at call sites.
 */
#ifndef TW_ESCAPE_H
#define TW_ESCAPE_H

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

#endif
