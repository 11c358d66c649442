/*
 * A loader for the small part of YAML that plan files use, building the
 * node tree libyaml's yaml_parser_load() would, with the same node ids,
 * values, styles and start marks, in one pass over the text and two
 * allocations. libyaml goes a character at a time through its reader,
 * scanner, parser and composer, allocating every token, event and node:
 * three quarters of an import's parsing (BENCHMARKS.md).
 *
 * What it takes: a block mapping at the top; block mappings and sequences
 * nested by indentation with spaces; one key (letters, digits, '_', '-')
 * and its value per line, or "- " and an item; scalars on one line, plain,
 * single-quoted, or double-quoted without escapes. Anything else (blank
 * lines, comments, tabs, flow style, anchors, tags, directives, several
 * documents, multi-line scalars, an empty value, characters libyaml would
 * refuse, more than 65,535 lines) is declined, and the caller loads the
 * text with libyaml, which also words every error.
 */
#ifndef TW_YAML_FAST_H
#define TW_YAML_FAST_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

struct yaml_fast {
	yaml_document_t doc;	/* valid after yaml_fast_load() said true */
	char *text;		/* the scalars' bytes, NUL-terminated */
	void *mem;		/* nodes, pairs, items */
};

/*
 * Load len bytes into f->doc; false when they are not in the subset (f
 * then holds nothing). Either way, yaml_fast_release() frees f. The
 * document is read-only: never pass it to yaml_document_delete().
 */
bool yaml_fast_load(struct yaml_fast *f, const char *buf, size_t len);
void yaml_fast_release(struct yaml_fast *f);

#endif
