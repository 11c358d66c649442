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
/* A Markdown table cell: pipes and backslashes escaped, newlines as <br>. */
void md_escape_cell(struct strbuf *out, const char *s);
/* Markdown inline text: characters that would start markup are escaped. */
void md_escape_text(struct strbuf *out, const char *s);

#endif
