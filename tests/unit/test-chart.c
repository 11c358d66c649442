/*
 * Unit tests for src/render/chart.c: every SVG parses with libxml2 without
 * an error or warning and is an SVG document with a title and its size;
 * labels are <text> (event titles, today, the technical win, the median,
 * the selected deal); user text with markup characters round-trips; the
 * gap band appears exactly when a gap exceeds max_gap (planned, done,
 * open, holidays, merged); done vs planned follows today; playbook steps
 * already scheduled are not drawn twice; labels do not overlap; PNGs
 * carry the signature and twice the SVG's size.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <pango/pangocairo.h>

#include "render/chart.h"
#include "util/xalloc.h"

#define SVG_NS "http://www.w3.org/2000/svg"

/* ---- parsing --------------------------------------------------------- */

static int xml_problems;

static void
count_problem(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	print_error("libxml2: %s", e && e->message ? e->message : "?\n");
	xml_problems++;
}

/* Parse an SVG, failing the test on any error or warning. */
static xmlDocPtr
parse_svg(const struct strbuf *sb)
{
	xmlDocPtr doc;
	xmlNodePtr root;

	xml_problems = 0;
	xmlSetStructuredErrorFunc(NULL, count_problem);
	doc = xmlReadMemory(sb->buf, (int)sb->len, "chart.svg", NULL,
			    XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	assert_non_null(doc);
	assert_int_equal(xml_problems, 0);
	root = xmlDocGetRootElement(doc);
	assert_non_null(root);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, SVG_NS);
	return doc;
}

static char *
attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static bool
has_class(xmlNodePtr n, const char *cls)
{
	char *v = attr(n, "class");
	bool found = false;

	/* Whole words of the class list. */
	for (char *tok = v ? strtok(v, " ") : NULL; tok && !found;
	     tok = strtok(NULL, " "))
		found = !strcmp(tok, cls);
	free(v);
	return found;
}

static xmlNodePtr
first_element(xmlNodePtr parent)
{
	xmlNodePtr n = parent->children;

	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	assert_non_null(n);
	return n;
}

typedef void (*visit_fn)(xmlNodePtr n, void *arg);

static void
walk(xmlNodePtr n, visit_fn fn, void *arg)
{
	for (; n; n = n->next) {
		if (n->type == XML_ELEMENT_NODE) {
			fn(n, arg);
			walk(n->children, fn, arg);
		}
	}
}

struct find {
	const char *name;	/* element name */
	const char *cls;	/* NULL: any */
	const char *text;	/* NULL: any; else exact content */
	size_t n;
};

static void
find_visit(xmlNodePtr n, void *arg)
{
	struct find *f = arg;
	xmlChar *c;

	if (strcmp((const char *)n->name, f->name))
		return;
	if (f->cls && !has_class(n, f->cls))
		return;
	if (f->text) {
		c = xmlNodeGetContent(n);
		if (strcmp((const char *)c, f->text)) {
			xmlFree(c);
			return;
		}
		xmlFree(c);
	}
	f->n++;
}

static size_t
count(xmlDocPtr doc, const char *name, const char *cls, const char *text)
{
	struct find f = { name, cls, text, 0 };

	walk(xmlDocGetRootElement(doc), find_visit, &f);
	return f.n;
}

/* A <text> element with exactly this content exists. */
#define assert_text(doc, s) assert_true(count((doc), "text", NULL, (s)) > 0)

/* ---- deals ----------------------------------------------------------- */

static struct event *
add_event(struct deal *d, const char *key, enum event_kind kind,
	  const char *title, const char *date, const char *done)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = kind;
	e->title = xstrdup_or_null(title);
	e->date = D(date);
	e->done = done ? D(done) : DATE_NONE;
	return e;
}

static void
add_criterion(struct deal *d, const char *key, const char *on)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->metric = xstrdup(key);
	c->direction = DIR_AT_MOST;
	c->required = 10;
	c->has_measured = true;
	c->measured = 5;
	c->measured_on = D(on);
}

static void
mkdeal(struct deal *d, const char *slug, const char *account)
{
	deal_init(d);
	d->slug = xstrdup(slug);
	d->account = xstrdup(account);
}

/* The war story, as examples/lakeshore-retail.yaml has it. */
static void
war_story(struct deal *d)
{
	mkdeal(d, "lakeshore-retail", "Lakeshore Retail Group");
	d->poc_start = D("2026-05-18");
	d->poc_end = D("2026-06-26");
	d->has_procurement_days = true;
	d->procurement_days = 10;
	add_criterion(d, "batch-runtime", "2026-06-05");
	add_criterion(d, "cost-per-run", "2026-06-26");
	add_event(d, "poc-kickoff", EVENT_TECHNICAL,
		  "POC kickoff with the data engineering team", "2026-05-18",
		  "2026-05-18");
	add_event(d, "arch-signoff", EVENT_TECHNICAL,
		  "Architecture sign-off by the platform lead", "2026-06-10",
		  "2026-06-10");
	add_event(d, "scoping-call", EVENT_COMMERCIAL,
		  "Phase scoping call with the AE and the champion",
		  "2026-06-12", "2026-06-12");
	add_event(d, "poc-readout", EVENT_TECHNICAL,
		  "POC results and Technical Win Summary to the CTO",
		  "2026-06-26", "2026-06-26");
	add_event(d, "exec-summary", EVENT_COMMERCIAL,
		  "Executive summary delivered to the CFO", "2026-06-30",
		  "2026-06-30");
	add_event(d, "terms-discussion", EVENT_COMMERCIAL,
		  "Commercial terms discussion", "2026-07-02", "2026-07-02");
	add_event(d, "contract-review", EVENT_COMMERCIAL,
		  "Contract review begins with procurement", "2026-07-06",
		  "2026-07-06");
	add_event(d, "contract-signed", EVENT_COMMERCIAL,
		  "Contract signed for phase 1", "2026-07-17", "2026-07-17");
}

static void
render_timeline(const struct deal *d, const char *today, int max_gap,
		const struct holidays *h, enum chart_format fmt,
		struct strbuf *out)
{
	struct chart_timeline_opts o = { D(today), max_gap, h };
	struct tw_error err = { 0 };

	assert_int_equal(chart_render_timeline(d, &o, fmt, out, &err), 0);
}

static xmlDocPtr
timeline_doc(const struct deal *d, const char *today, int max_gap,
	     const struct holidays *h)
{
	struct strbuf sb = STRBUF_INIT;
	xmlDocPtr doc;

	render_timeline(d, today, max_gap, h, CHART_SVG, &sb);
	doc = parse_svg(&sb);
	strbuf_release(&sb);
	return doc;
}

/* ---- timeline -------------------------------------------------------- */

static void
test_timeline_valid_svg(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	xmlDocPtr doc;
	xmlNodePtr root, child;
	struct deal d;
	char *v;

	(void)state;
	war_story(&d);
	render_timeline(&d, "2026-07-08", 5, NULL, CHART_SVG, &sb);
	doc = parse_svg(&sb);
	root = xmlDocGetRootElement(doc);
	v = attr(root, "width");
	assert_string_equal(v, "960");
	free(v);
	v = attr(root, "height");
	assert_non_null(v);
	assert_true(atof(v) > 300);
	free(v);
	v = attr(root, "viewBox");
	assert_non_null(v);
	assert_int_equal(strncmp(v, "0 0 960 ", 8), 0);
	free(v);
	v = attr(root, "font-family");
	assert_string_equal(v, "DejaVu Sans, sans-serif");
	free(v);
	/* The first element is the title, naming the account. */
	child = first_element(root);
	assert_string_equal((const char *)child->name, "title");
	v = (char *)xmlNodeGetContent(child);
	assert_non_null(strstr(v, "Lakeshore Retail Group"));
	xmlFree(v);
	/* Text is text, not paths. */
	assert_int_equal(count(doc, "path", NULL, NULL), 0);
	xmlFreeDoc(doc);
	strbuf_release(&sb);
	deal_release(&d);
}

static void
test_timeline_labels(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	war_story(&d);
	doc = timeline_doc(&d, "2026-07-08", 5, NULL);
	assert_text(doc, "today");
	assert_text(doc, "Wed 8 Jul");
	assert_text(doc, "technical win");
	assert_text(doc, "Fri 26 Jun");
	assert_text(doc, "Commercial terms discussion");
	assert_text(doc, "Contract signed for phase 1");
	assert_text(doc, "Technical");
	assert_text(doc, "Commercial");
	/* Long titles wrap onto two lines. */
	assert_text(doc, "POC results and Technical Win");
	assert_text(doc, "Summary to the CTO");
	/* As of 8 July the signing on the 17th is still planned. */
	assert_text(doc, "planned Fri 17 Jul");
	assert_text(doc, "done Thu 2 Jul");
	assert_int_equal(count(doc, "circle", "done", NULL), 7);
	assert_int_equal(count(doc, "circle", "planned", NULL), 1);
	/* Month ticks. */
	assert_text(doc, "Jun");
	assert_text(doc, "Jul");
	/*
	 * Win Fri 26 Jun: the first three playbook steps (30 Jun, 2 Jul,
	 * 6 Jul) are already events on those days; only the contract
	 * target, +6 and +10 procurement business days = Mon 20 Jul, is a
	 * step of its own.
	 */
	assert_int_equal(count(doc, "circle", "step", NULL), 1);
	assert_text(doc, "Contract execution target");
	assert_text(doc, "playbook Mon 20 Jul");
	/* Kickoff Mon 18 May to the scoping call Fri 12 Jun: 19 bd. */
	assert_int_equal(count(doc, "rect", "gap", NULL), 1);
	assert_text(doc, "19 bd gap");
	xmlFreeDoc(doc);
	deal_release(&d);
}

static void
test_timeline_done_follows_today(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	war_story(&d);
	doc = timeline_doc(&d, "2026-07-20", 5, NULL);
	assert_int_equal(count(doc, "circle", "done", NULL), 8);
	assert_int_equal(count(doc, "circle", "planned", NULL), 0);
	assert_text(doc, "done Fri 17 Jul");
	xmlFreeDoc(doc);
	/* Looking back before the readout: it is planned, not done. */
	doc = timeline_doc(&d, "2026-06-20", 5, NULL);
	assert_text(doc, "planned Fri 26 Jun");
	assert_int_equal(count(doc, "circle", "done", NULL), 3);
	xmlFreeDoc(doc);
	deal_release(&d);
}

static void
test_timeline_escaping(void **state)
{
	static const char *const nasty = "R&D <beta> \"review\" & O'Neil";
	struct strbuf sb = STRBUF_INIT;
	struct deal d;
	xmlDocPtr doc;
	char *t;

	(void)state;
	mkdeal(&d, "acme", "Smith & <Sons>");
	add_event(&d, "t", EVENT_TECHNICAL, nasty, "2026-11-19",
		  "2026-11-19");
	/* A control character and a malformed byte still give XML. */
	add_event(&d, "c", EVENT_COMMERCIAL, "bell\a and \xff byte",
		  "2026-11-20", NULL);
	render_timeline(&d, "2026-11-26", 5, NULL, CHART_SVG, &sb);
	assert_null(strstr(sb.buf, "<beta>"));
	assert_null(strstr(sb.buf, "Smith & <"));
	doc = parse_svg(&sb);
	assert_text(doc, nasty);
	assert_text(doc, "bell  and \xEF\xBF\xBD byte");
	t = (char *)xmlNodeGetContent(
		first_element(xmlDocGetRootElement(doc)));
	assert_non_null(strstr(t, "Smith & <Sons>"));
	xmlFree(t);
	assert_text(doc, "Smith & <Sons> \xE2\x80\x94 deal timeline");
	xmlFreeDoc(doc);
	strbuf_release(&sb);
	deal_release(&d);
}

/*
 * One technical event done Thu 2026-11-19 and one commercial event on
 * date; the number of gap bands with max_gap and holidays h.
 */
static size_t
gaps_with(const char *commercial, const char *today, int max_gap,
	  const struct holidays *h, const char *label)
{
	struct deal d;
	xmlDocPtr doc;
	size_t n;

	mkdeal(&d, "acme", "Acme");
	add_event(&d, "readout", EVENT_TECHNICAL, "POC readout", "2026-11-19",
		  "2026-11-19");
	if (commercial)
		add_event(&d, "pricing", EVENT_COMMERCIAL, "Pricing call",
			  commercial, NULL);
	doc = timeline_doc(&d, today, max_gap, h);
	n = count(doc, "rect", "gap", NULL);
	assert_int_equal(count(doc, "text", "gap-label", NULL), n);
	if (label)
		assert_text(doc, label);
	xmlFreeDoc(doc);
	deal_release(&d);
	return n;
}

static void
test_timeline_gap_threshold(void **state)
{
	tw_date hol = D("2026-11-23");
	struct holidays h = { .days = &hol, .n = 1 };

	(void)state;
	/* Thu 19 + 5 bd = Thu 26: on the limit, no gap; Fri 27 is one. */
	assert_int_equal(gaps_with("2026-11-26", "2026-11-20", 5, NULL, NULL),
			 0);
	assert_int_equal(gaps_with("2026-11-27", "2026-11-20", 5, NULL,
				   "6 bd gap"), 1);
	/* The gap is a setting. */
	assert_int_equal(gaps_with("2026-11-27", "2026-11-20", 6, NULL, NULL),
			 0);
	assert_int_equal(gaps_with("2026-11-26", "2026-11-20", 4, NULL,
				   "5 bd gap"), 1);
	/* A holiday on Mon 23 moves the limit to Fri 27. */
	assert_int_equal(gaps_with("2026-11-27", "2026-11-20", 5, &h, NULL),
			 0);
	assert_int_equal(gaps_with("2026-11-30", "2026-11-20", 5, &h,
				   "6 bd gap"), 1);
	/* A commercial event before the technical one does not follow it. */
	assert_int_equal(gaps_with("2026-11-18", "2026-11-26", 5, NULL, NULL),
			 0);
	assert_int_equal(gaps_with("2026-11-18", "2026-11-27", 5, NULL,
				   "6 bd gap so far"), 1);
	/* Nothing commercial: open once more than 5 bd have passed. */
	assert_int_equal(gaps_with(NULL, "2026-11-26", 5, NULL, NULL), 0);
	assert_int_equal(gaps_with(NULL, "2026-11-27", 5, NULL,
				   "6 bd gap so far"), 1);
}

static void
test_timeline_gap_needs_done(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	/* A technical event only planned leaves no gap behind it. */
	mkdeal(&d, "acme", "Acme");
	add_event(&d, "readout", EVENT_TECHNICAL, "POC readout", "2026-11-02",
		  NULL);
	add_event(&d, "pricing", EVENT_COMMERCIAL, "Pricing call",
		  "2026-11-30", NULL);
	doc = timeline_doc(&d, "2026-11-26", 5, NULL);
	assert_int_equal(count(doc, "rect", "gap", NULL), 0);
	assert_text(doc, "planned Mon 2 Nov, overdue");
	xmlFreeDoc(doc);
	deal_release(&d);
}

static void
test_timeline_gaps_merge(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	/*
	 * Two technical events (Mon 2 and Wed 4 Nov) waiting for the same
	 * commercial one (Mon 16 Nov) share one band from the first: 10 bd.
	 * A later technical event followed in time adds nothing.
	 */
	mkdeal(&d, "acme", "Acme");
	add_event(&d, "t1", EVENT_TECHNICAL, "Kickoff", "2026-11-02",
		  "2026-11-02");
	add_event(&d, "t2", EVENT_TECHNICAL, "Load test", "2026-11-04",
		  "2026-11-04");
	add_event(&d, "c1", EVENT_COMMERCIAL, "Pricing", "2026-11-16",
		  "2026-11-16");
	add_event(&d, "t3", EVENT_TECHNICAL, "Readout", "2026-11-17",
		  "2026-11-17");
	add_event(&d, "c2", EVENT_COMMERCIAL, "Proposal", "2026-11-19",
		  NULL);
	doc = timeline_doc(&d, "2026-11-26", 5, NULL);
	assert_int_equal(count(doc, "rect", "gap", NULL), 1);
	assert_text(doc, "10 bd gap");
	xmlFreeDoc(doc);
	deal_release(&d);
}

static void
test_timeline_steps_without_events(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	/* A win on Friday 2026-11-06 and no commercial events yet. */
	mkdeal(&d, "acme", "Acme");
	add_criterion(&d, "latency", "2026-11-06");
	doc = timeline_doc(&d, "2026-11-09", 5, NULL);
	assert_int_equal(count(doc, "circle", "step", NULL), 4);
	/* Wider than a label: wrapped at a space. */
	assert_text(doc, "Executive summary to the");
	assert_text(doc, "economic buyer");
	assert_text(doc, "playbook Tue 10 Nov");
	assert_text(doc, "playbook Thu 12 Nov");
	assert_text(doc, "playbook Mon 16 Nov");
	assert_int_equal(count(doc, "line", "technical-win", NULL), 1);
	xmlFreeDoc(doc);
	/* Applied as events with the steps' titles: not drawn twice. */
	add_event(&d, "plan-exec", EVENT_COMMERCIAL,
		  "Executive summary to the economic buyer", "2026-11-11",
		  NULL);
	doc = timeline_doc(&d, "2026-11-09", 5, NULL);
	assert_int_equal(count(doc, "circle", "step", NULL), 3);
	assert_int_equal(count(doc, "circle", "planned", NULL), 1);
	xmlFreeDoc(doc);
	deal_release(&d);
}

static void
test_timeline_empty(void **state)
{
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	mkdeal(&d, "acme", "Acme");
	doc = timeline_doc(&d, "2026-11-26", 5, NULL);
	assert_text(doc, "no dated events yet");
	assert_text(doc, "today");
	assert_int_equal(count(doc, "line", "technical-win", NULL), 0);
	assert_int_equal(count(doc, "circle", "event", NULL), 0);
	assert_int_equal(count(doc, "circle", "step", NULL), 0);
	xmlFreeDoc(doc);
	deal_release(&d);
}

/* ---- label overlap --------------------------------------------------- */

struct box {
	double x1, y1, x2, y2;
};

struct boxes {
	struct box *b;
	size_t n;
	double *leader_x, *leader_y1, *leader_y2;
	size_t nl;
};

static double
num_attr(xmlNodePtr n, const char *name)
{
	char *v = attr(n, name);
	double x = v ? atof(v) : 0;

	free(v);
	return x;
}

/* The box each label text covers, from its anchor and DejaVu widths. */
static void
box_visit(xmlNodePtr n, void *arg)
{
	struct boxes *b = arg;
	char *anchor;
	xmlChar *c;
	double x, y, size, w;
	bool bold;

	if (!strcmp((const char *)n->name, "line") && has_class(n, "leader")) {
		b->leader_x = xrealloc(b->leader_x,
				       (b->nl + 1) * sizeof(double));
		b->leader_y1 = xrealloc(b->leader_y1,
					(b->nl + 1) * sizeof(double));
		b->leader_y2 = xrealloc(b->leader_y2,
					(b->nl + 1) * sizeof(double));
		x = num_attr(n, "y1");
		y = num_attr(n, "y2");
		b->leader_x[b->nl] = num_attr(n, "x1");
		b->leader_y1[b->nl] = fmin(x, y);
		b->leader_y2[b->nl] = fmax(x, y);
		b->nl++;
		return;
	}
	if (strcmp((const char *)n->name, "text") ||
	    !(has_class(n, "event-title") || has_class(n, "event-date")))
		return;
	x = num_attr(n, "x");
	y = num_attr(n, "y");
	size = num_attr(n, "font-size");
	anchor = attr(n, "font-weight");
	bold = anchor && !strcmp(anchor, "bold");
	free(anchor);
	c = xmlNodeGetContent(n);
	w = chart_text_width((const char *)c, size, bold);
	xmlFree(c);
	anchor = attr(n, "text-anchor");
	if (anchor && !strcmp(anchor, "end"))
		x -= w;
	else if (anchor && !strcmp(anchor, "middle"))
		x -= w / 2;
	free(anchor);
	b->b = xrealloc(b->b, (b->n + 1) * sizeof(*b->b));
	b->b[b->n++] = (struct box){ x, y - 0.75 * size, x + w,
				     y + 0.2 * size };
}

/*
 * No two label lines overlap, and no leader line runs through a label
 * other than along its own edge.
 */
static void
assert_no_overlap(xmlDocPtr doc)
{
	struct boxes b = { 0 };

	walk(xmlDocGetRootElement(doc), box_visit, &b);
	assert_true(b.n > 0);
	for (size_t i = 0; i < b.n; i++) {
		for (size_t j = i + 1; j < b.n; j++) {
			bool overlap = b.b[i].x1 < b.b[j].x2 &&
				       b.b[j].x1 < b.b[i].x2 &&
				       b.b[i].y1 < b.b[j].y2 &&
				       b.b[j].y1 < b.b[i].y2;

			if (overlap)
				print_error("labels %zu and %zu overlap\n", i,
					    j);
			assert_false(overlap);
		}
		for (size_t l = 0; l < b.nl; l++) {
			bool cross = b.leader_x[l] > b.b[i].x1 + 1 &&
				     b.leader_x[l] < b.b[i].x2 - 1 &&
				     b.leader_y1[l] < b.b[i].y2 &&
				     b.b[i].y1 < b.leader_y2[l];

			if (cross)
				print_error("leader at x=%g crosses label "
					    "%zu\n", b.leader_x[l], i);
			assert_false(cross);
		}
	}
	free(b.b);
	free(b.leader_x);
	free(b.leader_y1);
	free(b.leader_y2);
}

static void
test_timeline_no_overlap(void **state)
{
	static const char *const days[] = { "2026-03-02", "2026-03-03",
		"2026-03-03", "2026-03-05", "2026-03-09", "2026-03-10",
		"2026-03-11", "2026-03-12", "2026-04-10", "2026-05-20",
		"2026-05-21", "2026-05-22" };
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	war_story(&d);
	doc = timeline_doc(&d, "2026-07-08", 5, NULL);
	assert_no_overlap(doc);
	xmlFreeDoc(doc);
	deal_release(&d);

	/* Crowded days in both lanes, long titles, the right edge. */
	mkdeal(&d, "crowd", "Crowd");
	add_criterion(&d, "x", "2026-04-08");
	for (size_t i = 0; i < ARRAY_SIZE(days); i++) {
		char key[8] = { 't', (char)('a' + i), 0 };

		add_event(&d, key, EVENT_TECHNICAL,
			  i % 3 ? "Short" : "A technical milestone with a "
			  "title long enough to wrap onto a second line",
			  days[i], i < 9 ? days[i] : NULL);
		key[0] = 'c';
		add_event(&d, key, EVENT_COMMERCIAL,
			  i % 2 ? "Pricing conversation with the CFO"
				: "Legal",
			  days[i], i < 6 ? days[i] : NULL);
	}
	doc = timeline_doc(&d, "2026-04-20", 5, NULL);
	assert_no_overlap(doc);
	xmlFreeDoc(doc);
	deal_release(&d);
}

/*
 * The lines of the technical win and of today, and every text, in the
 * order they are drawn: a text is painted over what came before it.
 */
struct ref_check {
	struct { double x, y1, y2; size_t at; } line[4];
	size_t nlines, order, crossings;
	struct { struct box b; size_t at; bool halo; char *text; } *t;
	size_t nt;
};

static void
ref_visit(xmlNodePtr n, void *arg)
{
	struct ref_check *rc = arg;
	char *v;
	xmlChar *c;
	double x, y, size, w;
	bool bold;

	rc->order++;
	if (!strcmp((const char *)n->name, "line") &&
	    (has_class(n, "technical-win") || has_class(n, "today"))) {
		assert_true(rc->nlines < 4);
		rc->line[rc->nlines].x = num_attr(n, "x1");
		rc->line[rc->nlines].y1 = fmin(num_attr(n, "y1"),
					       num_attr(n, "y2"));
		rc->line[rc->nlines].y2 = fmax(num_attr(n, "y1"),
					       num_attr(n, "y2"));
		rc->line[rc->nlines++].at = rc->order;
		return;
	}
	if (strcmp((const char *)n->name, "text"))
		return;
	x = num_attr(n, "x");
	y = num_attr(n, "y");
	size = num_attr(n, "font-size");
	v = attr(n, "font-weight");
	bold = v && !strcmp(v, "bold");
	free(v);
	c = xmlNodeGetContent(n);
	w = chart_text_width((const char *)c, size, bold);
	v = attr(n, "text-anchor");
	if (v && !strcmp(v, "end"))
		x -= w;
	else if (v && !strcmp(v, "middle"))
		x -= w / 2;
	free(v);
	rc->t = xrealloc(rc->t, (rc->nt + 1) * sizeof(*rc->t));
	rc->t[rc->nt].b = (struct box){ x, y - 0.75 * size, x + w,
					y + 0.2 * size };
	rc->t[rc->nt].at = rc->order;
	v = attr(n, "stroke");
	rc->t[rc->nt].halo = v != NULL;
	free(v);
	rc->t[rc->nt++].text = xstrdup((const char *)c);
	xmlFree(c);
}

/*
 * Neither the technical win's line nor today's runs through a label: a
 * label it crosses is drawn after it, with a halo that hides it. Returns
 * how many labels the lines cross (each one haloed), so a test can tell
 * that it checked a crossing at all.
 */
static size_t
assert_refs_clear(xmlDocPtr doc)
{
	struct ref_check rc = { 0 };

	walk(xmlDocGetRootElement(doc), ref_visit, &rc);
	assert_true(rc.nlines >= 1);
	for (size_t l = 0; l < rc.nlines; l++) {
		for (size_t i = 0; i < rc.nt; i++) {
			const struct box *b = &rc.t[i].b;
			bool cross = rc.line[l].x > b->x1 - 1 &&
				     rc.line[l].x < b->x2 + 1 &&
				     rc.line[l].y1 < b->y2 &&
				     b->y1 < rc.line[l].y2;

			if (!cross)
				continue;
			rc.crossings++;
			if (rc.t[i].at < rc.line[l].at || !rc.t[i].halo)
				fail_msg("the line at x=%g runs through '%s' "
					 "(%s, %s)", rc.line[l].x, rc.t[i].text,
					 rc.t[i].at < rc.line[l].at
						 ? "drawn before it"
						 : "drawn after it",
					 rc.t[i].halo ? "with a halo"
						      : "without a halo");
		}
	}
	for (size_t i = 0; i < rc.nt; i++)
		free(rc.t[i].text);
	free(rc.t);
	return rc.crossings;
}

static void
test_timeline_refs_clear_labels(void **state)
{
	static const char *const todays[] = { "2026-05-20", "2026-06-12",
		"2026-06-26", "2026-06-30", "2026-07-08", "2026-08-20" };
	struct holidays h = { .days = NULL, .n = 0 };
	size_t crossings = 0;
	struct deal d;
	xmlDocPtr doc;

	(void)state;
	/* The war story through the POC and after: today moves across
	 * the labels, the POC band and the win. */
	for (size_t i = 0; i < ARRAY_SIZE(todays); i++) {
		war_story(&d);
		doc = timeline_doc(&d, todays[i], 5, &h);
		crossings += assert_refs_clear(doc);
		xmlFreeDoc(doc);
		deal_release(&d);
	}
	/*
	 * A win inside an open gap: the gap's label is centred where the
	 * win's line runs, today in the middle of the POC's label.
	 */
	mkdeal(&d, "gap", "Gap");
	d.poc_start = D("2026-03-02");
	d.poc_end = D("2026-04-30");
	add_criterion(&d, "x", "2026-03-20");
	add_event(&d, "t1", EVENT_TECHNICAL, "Kickoff", "2026-03-02",
		  "2026-03-02");
	add_event(&d, "t2", EVENT_TECHNICAL, "Readout", "2026-03-09",
		  "2026-03-09");
	doc = timeline_doc(&d, "2026-03-31", 5, &h);
	crossings += assert_refs_clear(doc);
	xmlFreeDoc(doc);
	deal_release(&d);
	/* The lines do cross labels: the check is not vacuous. */
	assert_true(crossings > 0);
}

/* ---- cycle ----------------------------------------------------------- */

static void
add_won(struct deal *deals, size_t *n, const char *slug, const char *account,
	int days)
{
	struct deal *d = &deals[(*n)++];

	mkdeal(d, slug, account);
	d->outcome = OUTCOME_WON;
	d->poc_end = D("2026-01-05");
	d->close_date = d->poc_end + days;
}

/* The stats-pipeline team: 21 .. 91 days, median and mean 56. */
static size_t
team(struct deal *deals)
{
	size_t n = 0;

	add_won(deals, &n, "lakeshore-retail", "Lakeshore & <Retail>", 21);
	add_won(deals, &n, "harbor-bank", "Harbor Bank", 35);
	add_won(deals, &n, "corvid-freight", "Corvid Freight", 49);
	add_won(deals, &n, "tidewater", "Tidewater", 56);
	add_won(deals, &n, "pinecrest", "Pinecrest", 63);
	add_won(deals, &n, "meridian", "Meridian", 77);
	add_won(deals, &n, "quarry", "Quarry", 91);
	/* Open and lost deals take no part. */
	mkdeal(&deals[n++], "open-deal", "Open");
	mkdeal(&deals[n], "lost-deal", "Lost");
	deals[n].outcome = OUTCOME_LOST;
	deals[n].poc_end = D("2026-01-05");
	deals[n++].close_date = D("2026-02-05");
	return n;
}

static void
render_cycle(const struct deal *deals, size_t n, const char *selected,
	     enum chart_format fmt, struct strbuf *out)
{
	static const struct momentum_settings s = { 5, 10, 2 };
	struct cycle_report rep;
	struct tw_error err = { 0 };

	cycle_report_compute(deals, n, &s, NULL, NULL, &rep);
	assert_int_equal(chart_render_cycle(&rep, selected, fmt, out, &err),
			 0);
	cycle_report_release(&rep);
}

static void
test_cycle_svg(void **state)
{
	struct deal deals[10];
	struct strbuf sb = STRBUF_INIT;
	size_t n = team(deals);
	xmlDocPtr doc;

	(void)state;
	render_cycle(deals, n, "lakeshore-retail", CHART_SVG, &sb);
	doc = parse_svg(&sb);
	assert_text(doc, "team median 8 weeks (56 days)");
	assert_text(doc, "Lakeshore & <Retail>: 3 weeks vs the team's 8");
	assert_int_equal(count(doc, "rect", "deal", NULL), 7);
	assert_int_equal(count(doc, "rect", "selected", NULL), 1);
	assert_int_equal(count(doc, "line", "median", NULL), 1);
	assert_int_equal(count(doc, "line", "selected", NULL), 1);
	/* Bins are weeks: 21 days sits in week 3, 91 days in week 13. */
	assert_text(doc, "3");
	assert_text(doc, "13");
	assert_text(doc, "weeks from POC end to close");
	xmlFreeDoc(doc);
	strbuf_reset(&sb);

	/* Without --deal: nothing highlighted, the median still marked. */
	render_cycle(deals, n, NULL, CHART_SVG, &sb);
	doc = parse_svg(&sb);
	assert_int_equal(count(doc, "rect", "selected", NULL), 0);
	assert_int_equal(count(doc, "line", "median", NULL), 1);
	xmlFreeDoc(doc);
	strbuf_release(&sb);
	for (size_t i = 0; i < n; i++)
		deal_release(&deals[i]);
}

static void
test_cycle_median_between(void **state)
{
	struct deal deals[4];
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	xmlDocPtr doc;

	(void)state;
	/* Two deals, 10 and 20 days: median 15 = 2.1 weeks. */
	add_won(deals, &n, "a", "A", 10);
	add_won(deals, &n, "b", "B", 20);
	render_cycle(deals, n, "b", CHART_SVG, &sb);
	doc = parse_svg(&sb);
	assert_text(doc, "team median 2.1 weeks (15 days)");
	assert_text(doc, "B: 2.9 weeks vs the team's 2.1");
	xmlFreeDoc(doc);
	strbuf_release(&sb);
	for (size_t i = 0; i < n; i++)
		deal_release(&deals[i]);
}

static void
test_cycle_empty(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	xmlDocPtr doc;

	(void)state;
	render_cycle(NULL, 0, NULL, CHART_SVG, &sb);
	doc = parse_svg(&sb);
	assert_text(doc,
		    "no closed-won deal with a POC end and a close date yet");
	assert_int_equal(count(doc, "line", "median", NULL), 0);
	xmlFreeDoc(doc);
	strbuf_release(&sb);
}

/* ---- PNG ------------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* The PNG signature, then IHDR with twice the SVG's width and height. */
static void
assert_png_matches(const struct strbuf *png, const struct strbuf *svg)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n' };
	const unsigned char *p = (const unsigned char *)png->buf;
	xmlDocPtr doc = parse_svg(svg);
	xmlNodePtr root = xmlDocGetRootElement(doc);
	double w = num_attr(root, "width"), h = num_attr(root, "height");

	assert_true(png->len > 33);
	assert_memory_equal(p, sig, 8);
	assert_int_equal(be32(p + 8), 13);
	assert_memory_equal(p + 12, "IHDR", 4);
	assert_int_equal(be32(p + 16), (uint32_t)ceil(w) * CHART_PNG_SCALE);
	assert_int_equal(be32(p + 20), (uint32_t)ceil(h) * CHART_PNG_SCALE);
	xmlFreeDoc(doc);
}

static void
test_png(void **state)
{
	struct strbuf svg = STRBUF_INIT, png = STRBUF_INIT;
	struct deal deals[10];
	struct deal d;
	size_t n;

	(void)state;
	war_story(&d);
	render_timeline(&d, "2026-07-08", 5, NULL, CHART_SVG, &svg);
	render_timeline(&d, "2026-07-08", 5, NULL, CHART_PNG, &png);
	assert_png_matches(&png, &svg);
	deal_release(&d);

	strbuf_reset(&svg);
	strbuf_reset(&png);
	n = team(deals);
	render_cycle(deals, n, "quarry", CHART_SVG, &svg);
	render_cycle(deals, n, "quarry", CHART_PNG, &png);
	assert_png_matches(&png, &svg);
	for (size_t i = 0; i < n; i++)
		deal_release(&deals[i]);
	strbuf_release(&svg);
	strbuf_release(&png);
}

static void
test_text_width(void **state)
{
	(void)state;
	/* DejaVu Sans: 'i' 278, 'm' 974 units; bold wider; UTF-8 whole. */
	assert_true(fabs(chart_text_width("i", 1000, false) - 278) < 1e-9);
	assert_true(fabs(chart_text_width("m", 10, false) - 9.74) < 1e-9);
	assert_true(chart_text_width("Pricing", 12, true) >
		    chart_text_width("Pricing", 12, false));
	assert_true(fabs(chart_text_width("\xE2\x80\xA6", 10, false) - 10) <
		    1e-9);
	assert_true(chart_text_width("", 12, false) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_timeline_valid_svg),
		cmocka_unit_test(test_timeline_labels),
		cmocka_unit_test(test_timeline_refs_clear_labels),
		cmocka_unit_test(test_timeline_done_follows_today),
		cmocka_unit_test(test_timeline_escaping),
		cmocka_unit_test(test_timeline_gap_threshold),
		cmocka_unit_test(test_timeline_gap_needs_done),
		cmocka_unit_test(test_timeline_gaps_merge),
		cmocka_unit_test(test_timeline_steps_without_events),
		cmocka_unit_test(test_timeline_empty),
		cmocka_unit_test(test_timeline_no_overlap),
		cmocka_unit_test(test_cycle_svg),
		cmocka_unit_test(test_cycle_median_between),
		cmocka_unit_test(test_cycle_empty),
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_text_width),
	};
	int r;

	xmlInitParser();
	r = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	/* Pango keeps its fonts for the life of the process; let them go
	 * so that LeakSanitizer reports only leaks of ours. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	return r;
}
