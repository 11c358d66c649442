/*
 * Unit tests for src/render/pdf.c (and the proposal's PDF): the summary is
 * one page of the chosen paper, everything drawn stays inside the page's
 * margins, the type shrinks and then rows are cut when a deal has many
 * criteria, fonts are embedded, and the bytes are reproducible. The text
 * itself is checked with pdftotext in tests/cli/t0031-pdf.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/plan.h"
#include "render/pdf.h"
#include "render/proposal.h"
#include "util/xalloc.h"

static void
load_war_story(struct deal *d)
{
	const char *dir = getenv("TW_TEST_DATA");
	struct strbuf path = STRBUF_INIT, buf = STRBUF_INIT;
	struct tw_error err = { 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	if (dir) {
		strbuf_addf(&path, "%s/../../examples/lakeshore-retail.yaml",
			    dir);
	} else {
		const char *slash = strrchr(__FILE__, '/');

		strbuf_add(&path, __FILE__,
			   slash ? (size_t)(slash - __FILE__) : 0);
		strbuf_addstr(&path, "/../../examples/lakeshore-retail.yaml");
	}
	f = fopen(path.buf, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path.buf);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		strbuf_add(&buf, chunk, n);
	fclose(f);
	if (plan_parse(buf.buf, buf.len, path.buf, d, &err))
		fail_msg("%s", err.msg);
	strbuf_release(&path);
	strbuf_release(&buf);
}

/* Everything drawn lies inside the page, and inside its margins. */
static void
assert_inside(const struct pdf_info *info)
{
	double margin = info->page_w * 0.03;

	assert_true(info->min_x <= info->max_x);
	if (info->min_x < margin || info->min_y < margin ||
	    info->max_x > info->page_w - margin ||
	    info->max_y > info->page_h - margin)
		fail_msg("drawn from (%.1f, %.1f) to (%.1f, %.1f) on a %.1f x "
			 "%.1f page", info->min_x, info->min_y, info->max_x,
			 info->max_y, info->page_w, info->page_h);
}

static bool
contains(const struct strbuf *sb, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= sb->len; i++)
		if (!memcmp(sb->buf + i, needle, n))
			return true;
	return false;
}

static void
render(const struct deal *d, const char *today, enum paper paper,
       struct strbuf *out, struct pdf_info *info)
{
	struct holidays h = deal_holidays(d);
	struct tw_error err = { 0 };
	struct summary s;

	summary_compute(&s, d, &h, D(today));
	if (render_summary_pdf(&s, paper, out, info, &err))
		fail_msg("%s", err.msg);
	summary_release(&s);
}

static void
test_war_story(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct pdf_info info;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	render(&d, "2026-06-26", PAPER_A4, &a, &info);

	assert_true(a.len > 1000);
	assert_memory_equal(a.buf, "%PDF-", 5);
	assert_true(contains(&a, "%%EOF"));
	assert_int_equal(info.pages, 1);
	assert_true(info.page_w > 595 && info.page_w < 596);
	assert_true(info.page_h > 841 && info.page_h < 842);
	assert_inside(&info);
	/* Room for everything at the largest size, nothing cut. */
	assert_true(info.font_size == 9.0);
	assert_int_equal(info.criteria_shown, 6);
	assert_int_equal(info.risks_shown, 1);
	assert_int_equal(info.steps_shown, 5);
	assert_int_equal(info.phases_shown, 3);
	assert_int_equal(info.texts_cut, 0);
	assert_int_equal(info.unknown_glyphs, 0);
	/* Embedded TrueType subsets, and the metadata. */
	assert_true(contains(&a, "/FontFile2"));
	assert_true(contains(&a, "DejaVuSans"));
	assert_true(contains(&a, "Technical Win Summary: Lakeshore Retail "
			     "Group"));
	/* cairo 1.16 writes the date without its "D:" prefix. */
	assert_true(contains(&a, "/CreationDate (D:20260626000000") ||
		    contains(&a, "/CreationDate (20260626000000"));

	/* The same deal and day give the same bytes. */
	render(&d, "2026-06-26", PAPER_A4, &b, NULL);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);

	strbuf_reset(&b);
	render(&d, "2026-06-26", PAPER_LETTER, &b, &info);
	assert_int_equal(info.pages, 1);
	assert_true(info.page_w == 612 && info.page_h == 792);
	assert_inside(&info);
	deal_release(&d);
	strbuf_release(&a);
	strbuf_release(&b);
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, f);
	strbuf_vaddf(&sb, f, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

/* A deal with n criteria (long texts everywhere), nr risks, np phases. */
static void
big_deal(struct deal *d, int n, int nr, int np)
{
	deal_init(d);
	d->slug = xstrdup("big");
	d->account = xstrdup("An Account Whose Name Is Much Too Long For "
			     "The Title Line Of A Single Page");
	d->champion = xstrdup("Chris Lee");
	d->champion_email = xstrdup("chris.lee@a-very-long-domain-name."
				    "example");
	d->se = xstrdup("Sam");
	d->ae = xstrdup("Dana");
	for (int i = 1; i <= n; i++) {
		struct criterion *c = deal_add_criterion(d);

		c->key = fmt("c%02d", i);
		c->metric = fmt("Metric %d measured across every region, "
				"every shard and every replica of the "
				"cluster, at peak and off peak", i);
		c->unit = xstrdup("ms");
		c->direction = i % 2 ? DIR_AT_MOST : DIR_AT_LEAST;
		c->required = 100;
		c->has_measured = i % 5 != 0;
		c->measured = 50 + i;
		c->measured_on = D("2026-06-01") + i;
		c->has_growth = true;
		c->growth_pct = 30;
		c->outcome = fmt("Business outcome %d, described in a long "
				 "sentence that wraps over several lines and "
				 "is cut with an ellipsis at the end of its "
				 "cell rather than pushing the table off the "
				 "page", i);
	}
	for (int i = 1; i <= nr; i++) {
		struct risk *r = deal_add_risk(d);

		r->key = fmt("r%d", i);
		r->title = fmt("Risk %d with a title that goes on and on "
			       "about what could go wrong", i);
		r->deadline = D("2026-12-01");
		r->buffer.n = 14;
		r->duration.n = 30 + i;
	}
	for (int i = 1; i <= np; i++) {
		struct phase *p = deal_add_phase(d);

		p->number = i;
		p->name = fmt("Phase %d with a name longer than its column", i);
		p->scope = fmt("Scope %d: everything, everywhere, all at once, "
			       "in every region and for every team", i);
		p->has_price = true;
		p->price = 10000.0 * i;
		p->has_duration = true;
		p->duration.n = 4;
		p->duration.unit = DUR_WEEKS;
	}
}

static void
test_thirty_criteria(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct pdf_info info;
	struct deal d;

	(void)state;
	big_deal(&d, 30, 3, 3);
	render(&d, "2026-06-26", PAPER_A4, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	/*
	 * Shrunk to the floor, then cut with "… and N more criteria": the
	 * titles, long and with a number in them, are shown whole.
	 */
	assert_true(info.font_size == 6.5);
	assert_true(info.criteria_shown >= 5);
	assert_true(info.criteria_shown < 30);
	/* The short tables are left whole, and no figure is cut. */
	assert_int_equal(info.risks_shown, 3);
	assert_int_equal(info.phases_shown, 3);
	assert_int_equal(info.numbers_cut, 0);
	deal_release(&d);

	/* Letter is shorter than A4: fewer rows, still one page. */
	strbuf_reset(&sb);
	big_deal(&d, 30, 3, 3);
	render(&d, "2026-06-26", PAPER_LETTER, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	assert_true(info.criteria_shown < 30);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_shrinks_before_cutting(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct pdf_info info;
	struct deal d;

	(void)state;
	/* More than the war story says: smaller type, nothing cut. */
	big_deal(&d, 6, 1, 2);
	render(&d, "2026-06-26", PAPER_A4, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	assert_true(info.font_size < 9.0);
	assert_true(info.font_size > 6.5);
	assert_int_equal(info.criteria_shown, 6);
	assert_int_equal(info.texts_cut, 0);
	deal_release(&d);

	/*
	 * Almost twice as much: at the floor the spacing tightens and the
	 * long texts keep a few lines each before any row goes.
	 */
	strbuf_reset(&sb);
	big_deal(&d, 11, 1, 2);
	render(&d, "2026-06-26", PAPER_A4, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	assert_int_equal(info.criteria_shown, 11);
	assert_int_equal(info.numbers_cut, 0);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_everything_too_long(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct pdf_info info;
	struct deal d;

	(void)state;
	/* Every table too long for the page: each is cut, none vanishes. */
	big_deal(&d, 200, 40, 30);
	render(&d, "2026-06-26", PAPER_A4, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	assert_true(info.criteria_shown >= 3 && info.criteria_shown < 200);
	assert_true(info.risks_shown >= 2 && info.risks_shown < 40);
	assert_true(info.phases_shown >= 2 && info.phases_shown < 30);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_bad_utf8(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct pdf_info info;
	struct deal d;

	(void)state;
	big_deal(&d, 1, 0, 0);
	free(d.account);
	d.account = xstrdup("Bad \xff\xfe bytes \xc3");
	render(&d, "2026-06-26", PAPER_A4, &sb, &info);
	assert_int_equal(info.pages, 1);
	assert_inside(&info);
	deal_release(&d);
	strbuf_release(&sb);
}

static void
test_proposal(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	struct pdf_info info;
	struct holidays h = { .days = NULL, .n = 0 };
	struct proposal p;
	struct deal d;

	(void)state;
	deal_init(&d);
	load_war_story(&d);
	assert_int_equal(proposal_compute(&p, &d, &h, DATE_NONE,
					  D("2026-06-26"), &err),
			 0);
	assert_int_equal(render_proposal_pdf(&p, PAPER_A4, &sb, &info, &err),
			 0);
	assert_memory_equal(sb.buf, "%PDF-", 5);
	assert_true(info.pages >= 1 && info.pages <= 3);
	assert_inside(&info);
	proposal_release(&p);
	deal_release(&d);

	/* Many phases flow over pages, each one inside its page. */
	strbuf_reset(&sb);
	big_deal(&d, 30, 0, 12);
	for (size_t i = 0; i < d.nphases; i++) {
		d.phases[i].criteria = xcalloc(10, sizeof(char *));
		for (int j = 0; j < 10; j++)
			d.phases[i].criteria[d.phases[i].ncriteria++] =
				fmt("c%02d", (int)i + j + 1);
	}
	assert_int_equal(proposal_compute(&p, &d, &h, D("2026-08-03"),
					  D("2026-06-26"), &err),
			 0);
	assert_int_equal(render_proposal_pdf(&p, PAPER_LETTER, &sb, &info,
					     &err),
			 0);
	assert_true(info.pages > 3);
	assert_inside(&info);
	proposal_release(&p);
	deal_release(&d);
	strbuf_release(&sb);
}

/* One thread's documents: a deal drawn after another one. */
struct drawer {
	const struct deal *first, *then;
	struct strbuf out;
};

static void *
draw_thread(void *arg)
{
	struct drawer *w = arg;
	struct strbuf scratch = STRBUF_INIT;

	render(w->first, "2026-06-26", PAPER_A4, &scratch, NULL);
	render(w->then, "2026-06-26", PAPER_A4, &w->out, NULL);
	strbuf_release(&scratch);
	return NULL;
}

/*
 * Each thread keeps the text it laid out for the documents it draws next:
 * a document's bytes must not depend on what the thread drew before it,
 * however full the cache, nor on another thread drawing at the same time.
 */
static void
test_layout_cache(void **state)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	struct drawer w[2];
	pthread_t tid[2];
	struct deal war, big;

	(void)state;
	deal_init(&war);
	load_war_story(&war);
	big_deal(&big, 200, 40, 30);
	render(&war, "2026-06-26", PAPER_A4, &a, NULL);
	/* Far more text than the cache holds: it is swept on the way. */
	render(&big, "2026-06-26", PAPER_A4, &b, NULL);
	render(&big, "2026-06-26", PAPER_LETTER, &b, NULL);
	strbuf_reset(&b);
	render(&war, "2026-06-26", PAPER_A4, &b, NULL);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.buf, b.buf, a.len);

	for (int i = 0; i < 2; i++) {
		w[i].first = i ? &big : &war;
		w[i].then = &war;
		strbuf_init(&w[i].out, 0);
		assert_int_equal(pthread_create(&tid[i], NULL, draw_thread,
						&w[i]),
				 0);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(tid[i], NULL), 0);
		assert_int_equal(w[i].out.len, a.len);
		assert_memory_equal(w[i].out.buf, a.buf, a.len);
		strbuf_release(&w[i].out);
	}
	deal_release(&war);
	deal_release(&big);
	strbuf_release(&a);
	strbuf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_war_story),
		cmocka_unit_test(test_thirty_criteria),
		cmocka_unit_test(test_shrinks_before_cutting),
		cmocka_unit_test(test_everything_too_long),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_proposal),
		cmocka_unit_test(test_layout_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
