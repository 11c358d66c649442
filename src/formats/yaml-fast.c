/*
 * The fast YAML loader (formats/yaml-fast.h). A first pass checks every
 * character as libyaml's reader would and counts the lines, which bounds
 * the nodes, pairs and items; then a recursive descent over the lines
 * builds the tree, node ids in the order libyaml's composer gives them.
 * Scalars are cut out of a copy of the text in place. Whatever the rules
 * below do not recognise is declined, never guessed at.
 */
#include "formats/yaml-fast.h"
#include "formats/plan.h"
#include "util/xalloc.h"

#include <string.h>

/* Deeper nesting goes to libyaml, which refuses it with its line. */
#define MAX_DEPTH PLAN_MAX_DEPTH
/*
 * Longer files go to libyaml: the nodes are allocated up front, up to
 * three a line ("- key: value"), and plan files have a few hundred lines.
 */
#define MAX_LINES (1u << 16)

struct loader {
	char *s;			/* the text, cut into scalars */
	size_t len;
	size_t pos;			/* the cursor */
	size_t line, line_start;	/* the cursor's line */
	int depth;
	yaml_node_t *nodes;
	size_t nnodes, maxnodes;
	/* Open mappings and sequences collect on the stacks. */
	yaml_node_pair_t *pairs, *pair_stack;
	size_t npairs, npair_stack;
	yaml_node_item_t *items, *item_stack;
	size_t nitems, nitem_stack;
};

/*
 * What libyaml's reader takes and its scanner treats as text: printable
 * ASCII, '\n', and UTF-8 for U+00A0 to U+10FFFF without surrogates, the
 * line and paragraph separators (line breaks to YAML), U+FEFF (a byte
 * order mark) and U+FFFE, U+FFFF. Tabs, '\r', NUL and the rest decline.
 */
static bool
text_ok(const unsigned char *s, size_t n, size_t *lines)
{
	size_t i = 0, nl = 0, w;
	unsigned long cp;

	while (i < n) {
		while (i < n && s[i] >= 0x20 && s[i] < 0x7f)
			i++;
		if (i == n)
			break;
		if (s[i] == '\n') {
			nl++;
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			w = 2, cp = s[i] & 0x1fu;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			w = 3, cp = s[i] & 0x0fu;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			w = 4, cp = s[i] & 0x07u;
		else
			return false;
		if (n - i < w)
			return false;
		for (size_t k = 1; k < w; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (cp < 0xa0 || (w == 3 && cp < 0x800) ||
		    (w == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0xfeff || cp == 0xfffe ||
		    cp == 0xffff)
			return false;
		i += w;
	}
	*lines = nl + 1;
	return *lines < MAX_LINES;
}

static bool
at_eol(const struct loader *l, size_t p)
{
	return p >= l->len || l->s[p] == '\n';
}

/* Past the end of the line at eol (its '\n', or the end of the text). */
static void
next_line(struct loader *l, size_t eol)
{
	if (eol >= l->len) {
		l->pos = l->len;
		return;
	}
	l->pos = eol + 1;
	l->line++;
	l->line_start = l->pos;
}

/*
 * The indentation of the line at the cursor: -1 at the end of the text,
 * -2 for a line of nothing but spaces (declined: blank lines can belong
 * to scalars).
 */
static long
indent_of(const struct loader *l)
{
	size_t p = l->pos;

	if (p >= l->len)
		return -1;
	while (p < l->len && l->s[p] == ' ')
		p++;
	return at_eol(l, p) ? -2 : (long)(p - l->pos);
}

static int
add_node(struct loader *l, yaml_node_type_t type, size_t pos)
{
	yaml_node_t *n;

	if (l->nnodes == l->maxnodes)
		return 0;
	n = &l->nodes[l->nnodes++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	/* All before a node on its line is ASCII: columns are bytes. */
	n->start_mark.index = pos;
	n->start_mark.line = l->line;
	n->start_mark.column = pos - l->line_start;
	n->end_mark = n->start_mark;
	return (int)l->nnodes;
}

/* A scalar node of the bytes start..end, its mark at mark. */
static int
add_scalar(struct loader *l, size_t mark, size_t start, size_t end,
	   yaml_scalar_style_t style)
{
	int id = add_node(l, YAML_SCALAR_NODE, mark);
	yaml_node_t *n;

	if (!id)
		return 0;
	n = &l->nodes[id - 1];
	l->s[end] = '\0';
	n->data.scalar.value = (yaml_char_t *)l->s + start;
	n->data.scalar.length = end - start;
	n->data.scalar.style = style;
	return id;
}

static bool
key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Where the ':' of a key at p is ("name:" then a space or EOL), or 0. */
static size_t
key_end(const struct loader *l, size_t p)
{
	size_t e = p;

	if (p >= l->len || !key_char(l->s[p]) || l->s[p] == '-')
		return 0;
	while (e < l->len && key_char(l->s[e]))
		e++;
	if (e >= l->len || l->s[e] != ':')
		return 0;
	return e + 1 < l->len && l->s[e + 1] != ' ' && l->s[e + 1] != '\n'
		       ? 0
		       : e;
}

/* Nothing but spaces from p to the end of the line, found at *eol. */
static bool
rest_blank(const struct loader *l, size_t p, size_t *eol)
{
	while (p < l->len && l->s[p] == ' ')
		p++;
	*eol = p;
	return at_eol(l, p);
}

/*
 * The scalar that starts at p and ends its line; *eol is the line's end.
 * Quoted ones hold no line break, and no escape in double quotes; a plain
 * one starts with no indicator and holds no ": " or " #".
 */
static int
inline_scalar(struct loader *l, size_t p, size_t *eol)
{
	char c = l->s[p];
	size_t e, w, last;

	if (c == '\'') {
		for (e = w = p + 1;; e++, w++) {
			if (at_eol(l, e))
				return 0;
			if (l->s[e] == '\'' && e + 1 < l->len &&
			    l->s[e + 1] == '\'')
				e++;
			else if (l->s[e] == '\'')
				break;
			l->s[w] = l->s[e];
		}
		if (!rest_blank(l, e + 1, eol))
			return 0;
		return add_scalar(l, p, p + 1, w,
				  YAML_SINGLE_QUOTED_SCALAR_STYLE);
	}
	if (c == '"') {
		for (e = p + 1; !at_eol(l, e) && l->s[e] != '"'; e++)
			if (l->s[e] == '\\')
				return 0;
		if (at_eol(l, e) || !rest_blank(l, e + 1, eol))
			return 0;
		return add_scalar(l, p, p + 1, e,
				  YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	}
	if (strchr(",[]{}#&*!|>%@`", c))
		return 0;
	if ((c == '-' || c == '?' || c == ':') &&
	    (at_eol(l, p + 1) || l->s[p + 1] == ' '))
		return 0;
	for (e = last = p; !at_eol(l, e); e++) {
		if (l->s[e] == ':' && (at_eol(l, e + 1) || l->s[e + 1] == ' '))
			return 0;
		if (l->s[e] == '#' && l->s[e - 1] == ' ')
			return 0;
		if (l->s[e] != ' ')
			last = e + 1;
	}
	*eol = e;
	return add_scalar(l, p, p, last, YAML_PLAIN_SCALAR_STYLE);
}

static int mapping(struct loader *l, size_t indent);
static int sequence(struct loader *l, size_t indent);

/* The value of a key that ended its line: lines indented deeper. */
static int
block(struct loader *l, size_t parent)
{
	long in = indent_of(l);

	if (in < 0 || in <= (long)parent)
		return 0;
	l->pos += (size_t)in;
	if (l->s[l->pos] == '-' &&
	    (at_eol(l, l->pos + 1) || l->s[l->pos + 1] == ' '))
		return sequence(l, (size_t)in);
	return mapping(l, (size_t)in);
}

/* Whether the next line continues a block at indent (else it ended). */
static bool
block_goes_on(struct loader *l, size_t indent, bool *ok)
{
	long next = indent_of(l);

	*ok = next == -1 || (next >= 0 && next <= (long)indent);
	if (next != (long)indent)
		return false;
	l->pos += indent;
	return true;
}

/* A block mapping whose first key is at the cursor, in column indent. */
static int
mapping(struct loader *l, size_t indent)
{
	size_t base = l->npair_stack, k, e, q, eol;
	int id = add_node(l, YAML_MAPPING_NODE, l->pos), key, value;
	yaml_node_t *n;
	bool ok;

	if (!id || ++l->depth > MAX_DEPTH)
		return 0;
	do {
		if (!(e = key_end(l, l->pos)))
			return 0;
		key = add_scalar(l, l->pos, l->pos, e,
				 YAML_PLAIN_SCALAR_STYLE);
		for (q = e + 1; q < l->len && l->s[q] == ' '; q++)
			;
		if (at_eol(l, q)) {
			next_line(l, q);
			value = block(l, indent);
		} else if ((value = inline_scalar(l, q, &eol))) {
			next_line(l, eol);
		}
		if (!key || !value)
			return 0;
		l->pair_stack[l->npair_stack].key = key;
		l->pair_stack[l->npair_stack++].value = value;
	} while (block_goes_on(l, indent, &ok));
	if (!ok)
		return 0;
	n = &l->nodes[id - 1];
	k = l->npair_stack - base;
	memcpy(l->pairs + l->npairs, l->pair_stack + base,
	       k * sizeof(*l->pairs));
	n->data.mapping.pairs.start = l->pairs + l->npairs;
	n->data.mapping.pairs.top = n->data.mapping.pairs.end =
		l->pairs + l->npairs + k;
	n->data.mapping.style = YAML_BLOCK_MAPPING_STYLE;
	l->npairs += k;
	l->npair_stack = base;
	l->depth--;
	return id;
}

/* A block sequence whose first "-" is at the cursor, in column indent. */
static int
sequence(struct loader *l, size_t indent)
{
	size_t base = l->nitem_stack, k, p, eol;
	int id = add_node(l, YAML_SEQUENCE_NODE, l->pos), item;
	yaml_node_t *n;
	bool ok;

	if (!id || ++l->depth > MAX_DEPTH)
		return 0;
	do {
		p = l->pos + 1;
		if (l->s[l->pos] != '-' || at_eol(l, p) || l->s[p] != ' ')
			return 0;
		while (p < l->len && l->s[p] == ' ')
			p++;
		if (at_eol(l, p))
			return 0;
		if (key_end(l, p)) {
			l->pos = p;
			item = mapping(l, p - l->line_start);
		} else if ((item = inline_scalar(l, p, &eol))) {
			next_line(l, eol);
		}
		if (!item)
			return 0;
		l->item_stack[l->nitem_stack++] = item;
	} while (block_goes_on(l, indent, &ok));
	if (!ok)
		return 0;
	n = &l->nodes[id - 1];
	k = l->nitem_stack - base;
	memcpy(l->items + l->nitems, l->item_stack + base,
	       k * sizeof(*l->items));
	n->data.sequence.items.start = l->items + l->nitems;
	n->data.sequence.items.top = n->data.sequence.items.end =
		l->items + l->nitems + k;
	n->data.sequence.style = YAML_BLOCK_SEQUENCE_STYLE;
	l->nitems += k;
	l->nitem_stack = base;
	l->depth--;
	return id;
}

bool
yaml_fast_load(struct yaml_fast *f, const char *buf, size_t len)
{
	struct loader l;
	size_t lines;
	char *mem;

	memset(f, 0, sizeof(*f));
	memset(&l, 0, sizeof(l));
	if (!len || !text_ok((const unsigned char *)buf, len, &lines))
		return false;
	f->text = xmalloc(len + 1);
	memcpy(f->text, buf, len);
	f->text[len] = '\0';
	l.s = f->text;
	l.len = len;
	/* Each line holds at most one key or "-" and two more nodes. */
	l.maxnodes = 3 * lines + 1;
	mem = xmalloc(l.maxnodes * sizeof(*l.nodes) +
		      2 * lines * (sizeof(*l.pairs) + sizeof(*l.items)));
	f->mem = mem;
	l.nodes = (yaml_node_t *)(void *)mem;
	l.pairs = (yaml_node_pair_t *)(void *)(l.nodes + l.maxnodes);
	l.pair_stack = l.pairs + lines;
	l.items = (yaml_node_item_t *)(void *)(l.pair_stack + lines);
	l.item_stack = l.items + lines;

	/* The root: a mapping from the first column of the first line. */
	if (indent_of(&l) != 0 || !mapping(&l, 0) || l.pos < l.len)
		return false;
	f->doc.nodes.start = l.nodes;
	f->doc.nodes.top = f->doc.nodes.end = l.nodes + l.nnodes;
	f->doc.start_implicit = f->doc.end_implicit = 1;
	return true;
}

void
yaml_fast_release(struct yaml_fast *f)
{
	free(f->text);
	free(f->mem);
	memset(f, 0, sizeof(*f));
}
