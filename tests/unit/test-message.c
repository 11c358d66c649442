/*
 * Unit tests for src/core/message.c: the {{placeholder}} renderer and its
 * errors, subject splitting, number and date formatting, and the variables
 * each message type computes from a deal (the seed's war-story numbers).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "core/message.h"
#include "util/xalloc.h"

/* ---- rendering ------------------------------------------------------- */

struct kv {
	const char *k, *v;
};

static const char *
kv_lookup(void *arg, const char *name)
{
	for (const struct kv *p = arg; p->k; p++)
		if (!strcmp(p->k, name))
			return p->v;
	return NULL;
}

static const struct kv vars[] = {
	{ "champion", "Elena" }, { "ae", "Daniel" }, { "pct", "40.0%" },
	{ "empty", "" }, { "multi", "a\nb" }, { NULL, NULL },
};

/* Render tmpl; returns the code and leaves text or the error in *out. */
static int
render(const char *tmpl, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	int r = message_render(tmpl, "buying-signal", kv_lookup,
			       (void *)vars, &sb, &err);

	*out = r < 0 ? xstrdup(err.msg) : strbuf_detach(&sb, NULL);
	strbuf_release(&sb);
	return r;
}

static void
expect_text(const char *tmpl, const char *want)
{
	char *got;

	assert_int_equal(render(tmpl, &got), 0);
	assert_string_equal(got, want);
	free(got);
}

static void
expect_error(const char *tmpl, const char *want)
{
	char *got;

	assert_int_equal(render(tmpl, &got), TW_EINPUT);
	assert_string_equal(got, want);
	free(got);
}

static void
test_render_placeholders(void **state)
{
	(void)state;
	expect_text("Hi {{champion}}, ask {{ae}}: {{pct}} headroom.",
		    "Hi Elena, ask Daniel: 40.0% headroom.");
	expect_text("{{champion}}{{ae}}", "ElenaDaniel");
	expect_text("{{ champion }}", "Elena");
	expect_text("[{{empty}}]", "[]");
	expect_text("x\n{{multi}}\ny", "x\na\nb\ny");
	expect_text("", "");
	expect_text("no placeholders\n", "no placeholders\n");
}

static void
test_render_literal_braces(void **state)
{
	(void)state;
	expect_text("{a} } { {b }", "{a} } { {b }");
	expect_text("json {\"k\": 1}", "json {\"k\": 1}");
	expect_text("}} stays", "}} stays");
	expect_text("{{{champion}}}", "{Elena}");
	expect_text("{ {champion} }", "{ {champion} }");
}

static void
test_render_unknown(void **state)
{
	(void)state;
	expect_error("line 1\nline 2\nHi {{foo}}\n",
		     "unknown placeholder '{{foo}}' in template "
		     "'buying-signal', line 3");
	expect_error("{{champion}} {{Champion}}",
		     "unknown placeholder '{{Champion}}' in template "
		     "'buying-signal', line 1");
}

static void
test_render_malformed(void **state)
{
	(void)state;
	expect_error("a\n{{champion",
		     "unterminated '{{' in template 'buying-signal', line 2");
	expect_error("{{champion\n}}",
		     "unterminated '{{' in template 'buying-signal', line 1");
	expect_error("ok {{champion}} then {{",
		     "unterminated '{{' in template 'buying-signal', line 1");
	expect_error("{{foo bar}}",
		     "invalid placeholder '{{foo bar}}' in template "
		     "'buying-signal', line 1 (names are letters, digits, '_' "
		     "and '-')");
	expect_error("\n\n{{}}",
		     "invalid placeholder '{{}}' in template 'buying-signal', "
		     "line 3 (names are letters, digits, '_' and '-')");
}

static void
test_template_check(void **state)
{
	struct tw_error err = { 0 };

	(void)state;
	for (int i = 0; i < MSG_NTYPES; i++) {
		enum message_type t = (enum message_type)i;

		assert_int_equal(message_template_check(
					 t, message_default_template(t), &err),
				 0);
	}
	/* A placeholder of another type is unknown here. */
	assert_int_equal(message_template_check(MSG_BUYING_SIGNAL,
						"Start by {{latest_start}}",
						&err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "unknown placeholder '{{latest_start}}' "
				     "in template 'buying-signal', line 1");
	assert_int_equal(message_template_check(MSG_URGENCY,
						"Start by {{latest_start}}",
						&err),
			 0);
	assert_int_equal(message_template_check(MSG_PRICING, " \n\n", &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "template 'pricing' is empty");
}

static void
test_type_names(void **state)
{
	struct tw_error err = { 0 };
	enum message_type t;

	(void)state;
	for (int i = 0; i < MSG_NTYPES; i++) {
		const char *name = message_type_name((enum message_type)i);

		assert_int_equal(message_type_parse(name, &t, &err), 0);
		assert_int_equal(t, i);
	}
	assert_int_equal(message_type_parse("teaser", &t, &err), TW_EUSAGE);
	assert_non_null(strstr(err.msg, "unknown message type 'teaser'"));
}

static void
test_split(void **state)
{
	char *subject;
	const char *body;

	(void)state;
	message_split("Subject:  Hello there \n\n\nHi,\nbody\n", &subject,
		      &body);
	assert_string_equal(subject, "Hello there");
	assert_string_equal(body, "Hi,\nbody\n");
	free(subject);

	message_split("Hi,\nSubject: not a header\n", &subject, &body);
	assert_null(subject);
	assert_string_equal(body, "Hi,\nSubject: not a header\n");

	message_split("Subject: only", &subject, &body);
	assert_string_equal(subject, "only");
	assert_string_equal(body, "");
	free(subject);

	message_split("Subject:\nbody", &subject, &body);
	assert_null(subject);
	assert_string_equal(body, "body");
}

/* ---- formatting ------------------------------------------------------ */

#define FMT(call, want)                                                      \
	do {                                                                 \
		struct strbuf sb_ = STRBUF_INIT;                             \
		call;                                                        \
		assert_string_equal(sb_.buf, want);                          \
		strbuf_release(&sb_);                                        \
	} while (0)

static void
test_format(void **state)
{
	struct duration dur;

	(void)state;
	FMT(msg_fmt_pct(&sb_, 40.0), "40.0%");
	FMT(msg_fmt_pct(&sb_, 200.0 / 3.0), "66.7%");
	FMT(msg_fmt_pct(&sb_, -0.04), "0.0%");
	FMT(msg_fmt_pct(&sb_, -12.25), "-12.2%");
	FMT(msg_fmt_money(&sb_, 1234567, "USD"), "USD 1,234,567");
	FMT(msg_fmt_money(&sb_, 999, "EUR"), "EUR 999");
	FMT(msg_fmt_money(&sb_, 1000, NULL), "1,000");
	FMT(msg_fmt_money(&sb_, 100000, "GBP"), "GBP 100,000");
	FMT(msg_fmt_money(&sb_, 80000.75, "USD"), "USD 80,000.75");
	FMT(msg_fmt_money(&sb_, 0.5, "USD"), "USD 0.50");
	FMT(msg_fmt_money(&sb_, 0, "USD"), "USD 0");
	FMT(msg_fmt_date(&sb_, D("2026-06-16")), "Tuesday 16 June 2026");
	FMT(msg_fmt_date(&sb_, D("2026-08-01")), "Saturday 1 August 2026");
	FMT(msg_fmt_date(&sb_, D("2027-01-03")), "Sunday 3 January 2027");
	dur.n = 14;
	dur.unit = DUR_DAYS;
	FMT(msg_fmt_duration(&sb_, &dur), "14 days");
	dur.n = 1;
	FMT(msg_fmt_duration(&sb_, &dur), "1 day");
	dur.unit = DUR_WEEKS;
	FMT(msg_fmt_duration(&sb_, &dur), "1 week");
	dur.n = 60;
	dur.unit = DUR_BDAYS;
	FMT(msg_fmt_duration(&sb_, &dur), "60 business days");
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(message_is_utf8("plain"));
	assert_true(message_is_utf8("Tom\xc3\xa1s \xe2\x82\xac "
				    "\xf0\x9f\x93\x88"));
	assert_false(message_is_utf8("\xc3"));
	assert_false(message_is_utf8("\xc0\xaf"));		/* overlong */
	assert_false(message_is_utf8("\xed\xa0\x80"));		/* surrogate */
	assert_false(message_is_utf8("\xf4\x90\x80\x80"));	/* > U+10FFFF */
	assert_false(message_is_utf8("\xff"));
}

/* ---- the variables of each type -------------------------------------- */

static struct criterion *
add_crit(struct deal *d, const char *key, enum direction dir,
	 double required, const char *unit)
{
	struct criterion *c = deal_add_criterion(d);

	c->key = xstrdup(key);
	c->metric = xstrdup(key);
	c->unit = xstrdup_or_null(unit);
	c->direction = dir;
	c->required = required;
	return c;
}

static void
measure(struct criterion *c, double v, const char *on)
{
	c->has_measured = true;
	c->measured = v;
	c->measured_on = D(on);
}

static struct event *
add_event(struct deal *d, const char *key, enum event_kind kind,
	  const char *date, const char *after)
{
	struct event *e = deal_add_event(d);

	e->key = xstrdup(key);
	e->kind = kind;
	e->title = xstrdup(key);
	e->date = D(date);
	e->after = xstrdup_or_null(after);
	return e;
}

/* The war story's deal: 50M records in 9 of 15 minutes, the November peak. */
static void
war_story(struct deal *d)
{
	struct criterion *c;
	struct risk *r;

	deal_init(d);
	d->slug = xstrdup("lakeshore");
	d->account = xstrdup("Lakeshore Retail Group");
	d->champion = xstrdup("Elena Marsh");
	d->champion_email = xstrdup("elena@lakeshore.example");
	d->ae = xstrdup("Daniel Okafor");
	d->se = xstrdup("Priya Raman");
	d->currency = xstrdup("USD");
	d->has_procurement_days = true;
	d->procurement_days = 10;
	c = add_crit(d, "batch", DIR_AT_MOST, 15, "min");
	c->has_growth = true;
	c->growth_pct = 35;
	c->outcome = xstrdup("The nightly batch finishes before stores open");
	measure(c, 9, "2026-06-05");
	c = add_crit(d, "ingest", DIR_AT_LEAST, 20000, "events/s");
	c->has_growth = true;
	c->growth_pct = 40;
	measure(c, 26500, "2026-06-26");	/* a Friday: the win */
	r = deal_add_risk(d);
	r->key = xstrdup("peak");
	r->title = xstrdup("Batch breaks at the November peak");
	r->deadline = D("2026-10-29");
	r->buffer.n = 14;
	r->buffer.unit = DUR_DAYS;
	r->duration.n = 75;
	r->duration.unit = DUR_DAYS;
}

static int
compute(const struct deal *d, enum message_type t, const char *today,
	const char *criterion, struct message_list *out,
	struct tw_error *err)
{
	struct message_request rq = { t, criterion, NULL, D(today) };
	struct holidays h = deal_holidays(d);

	return message_compute(d, &h, &rq, out, err);
}

static const char *
var(const struct message_list *l, size_t i, const char *name)
{
	const char *v;

	assert_true(i < l->n);
	v = msg_vars_get(&l->items[i].vars, name);
	if (!v)
		fail_msg("variable '%s' is not set", name);
	return v;
}

/*
 * Every placeholder of the type is set, nothing else is, and the default
 * template renders against the variables.
 */
static void
assert_vars_complete(enum message_type t, const struct message *m)
{
	const char *const *names = message_placeholders(t);
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	size_t n = 0;

	for (; names[n]; n++)
		if (!msg_vars_get(&m->vars, names[n]))
			fail_msg("%s: '%s' not set", message_type_name(t),
				 names[n]);
	assert_int_equal(m->vars.n, n);
	assert_int_equal(message_render(message_default_template(t),
					message_type_name(t), msg_vars_lookup,
					(void *)&m->vars, &sb, &err),
			 0);
	assert_null(strstr(sb.buf, "{{"));

	/* A template of every placeholder renders to every value, in order. */
	{
		struct strbuf all = STRBUF_INIT, want = STRBUF_INIT;

		strbuf_reset(&sb);
		for (size_t i = 0; names[i]; i++) {
			strbuf_addf(&all, "{{%s}}|", names[i]);
			strbuf_addf(&want, "%s|",
				    msg_vars_get(&m->vars, names[i]));
		}
		assert_int_equal(message_template_check(t, all.buf, &err), 0);
		assert_int_equal(message_render(all.buf, message_type_name(t),
						msg_vars_lookup,
						(void *)&m->vars, &sb, &err),
				 0);
		assert_string_equal(sb.buf, want.buf);
		strbuf_release(&all);
		strbuf_release(&want);
	}
	strbuf_release(&sb);
}

static void
test_buying_signal_war_story(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct deal d;

	(void)state;
	war_story(&d);
	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", NULL,
				 &l, &err),
			 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.items[0].criterion, "batch");
	assert_string_equal(var(&l, 0, "measured"), "9");
	assert_string_equal(var(&l, 0, "required"), "15");
	assert_string_equal(var(&l, 0, "unit"), "min");
	assert_string_equal(var(&l, 0, "result"), "9 min");
	assert_string_equal(var(&l, 0, "requirement"), "at most 15 min");
	assert_string_equal(var(&l, 0, "headroom_pct"), "40.0%");
	assert_string_equal(var(&l, 0, "growth_capacity_pct"), "66.7%");
	assert_string_equal(var(&l, 0, "projected_growth_pct"), "35.0%");
	assert_string_equal(var(&l, 0, "scales"), "yes");
	assert_string_equal(var(&l, 0, "measured_on"), "Friday 5 June 2026");
	assert_string_equal(var(&l, 0, "champion"), "Elena Marsh");
	assert_string_equal(var(&l, 0, "ae"), "Daniel Okafor");
	assert_string_equal(var(&l, 0, "growth"),
			    "Your workload can grow by 66.7% before this "
			    "requirement is at risk, which covers the 35.0% "
			    "growth you project, without re-architecture.");
	assert_string_equal(var(&l, 0, "meaning"),
			    "For your team, this means: The nightly batch "
			    "finishes before stores open. Your workload can "
			    "grow by 66.7% before this requirement is at "
			    "risk, which covers the 35.0% growth you project, "
			    "without re-architecture.");
	assert_vars_complete(MSG_BUYING_SIGNAL, &l.items[0]);

	/* 26500 vs at least 20000: 32.5 %, short of a projected 40 %. */
	assert_string_equal(var(&l, 1, "headroom_pct"), "32.5%");
	assert_string_equal(var(&l, 1, "growth_capacity_pct"), "32.5%");
	assert_string_equal(var(&l, 1, "scales"), "no");
	assert_string_equal(var(&l, 1, "requirement"),
			    "at least 20000 events/s");
	assert_non_null(strstr(var(&l, 1, "growth"),
			       "short of the 40.0% growth you project"));
	/* No outcome: the meaning is the growth sentence alone. */
	assert_string_equal(var(&l, 1, "meaning"), var(&l, 1, "growth"));
	assert_string_equal(var(&l, 1, "outcome"), "");
	message_list_release(&l);

	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", "ingest",
				 &l, &err),
			 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].criterion, "ingest");
	message_list_release(&l);
	deal_release(&d);
}

static void
test_buying_signal_edges(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct criterion *c;
	struct deal d;

	(void)state;
	deal_init(&d);
	d.slug = xstrdup("acme");
	c = add_crit(&d, "fails", DIR_AT_MOST, 10, "s");
	measure(c, 12, "2026-06-01");
	add_crit(&d, "pending", DIR_AT_LEAST, 5, NULL);

	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", NULL,
				 &l, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'acme' has no passed criterion to "
				     "frame as a buying signal");
	assert_int_equal(l.n, 0);
	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", "fails",
				 &l, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "criterion 'fails' has not passed (fail): "
				     "only a passed criterion is a buying "
				     "signal");
	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", "nope",
				 &l, &err),
			 TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown criterion 'nope' in deal 'acme'");

	/* Fallbacks, a percent unit, no projection, zero measured. */
	c = add_crit(&d, "acc", DIR_AT_LEAST, 95, "%");
	measure(c, 95, "2026-06-02");
	c = add_crit(&d, "errors", DIR_AT_MOST, 3, NULL);
	measure(c, 0, "2026-06-03");
	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", NULL,
				 &l, &err),
			 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(var(&l, 0, "champion"), "acme team");
	assert_string_equal(var(&l, 0, "ae"), "our account executive");
	assert_string_equal(var(&l, 0, "result"), "95%");
	assert_string_equal(var(&l, 0, "headroom_pct"), "0.0%");
	assert_string_equal(var(&l, 0, "projected_growth_pct"), "n/a");
	assert_string_equal(var(&l, 0, "scales"), "n/a");
	assert_non_null(strstr(var(&l, 0, "growth"),
			       "right at the requirement"));
	assert_string_equal(var(&l, 1, "result"), "0");
	assert_string_equal(var(&l, 1, "growth_capacity_pct"), "unbounded");
	assert_string_equal(var(&l, 1, "growth"),
			    "Workload growth cannot push this result past the "
			    "requirement.");
	assert_vars_complete(MSG_BUYING_SIGNAL, &l.items[1]);
	message_list_release(&l);
	deal_release(&d);
}

static void
test_compress(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct criterion *c;
	struct deal d;

	(void)state;
	war_story(&d);
	/* Won on Friday 26 June: Tuesday, Thursday, next Monday, +10 bd. */
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-06-26", NULL, &l,
				 &err),
			 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(var(&l, 0, "technical_win_date"),
			    "Friday 26 June 2026");
	assert_string_equal(var(&l, 0, "proposal_date"),
			    "Tuesday 30 June 2026");
	assert_string_equal(var(&l, 0, "proposal_step"),
			    "Executive summary to the economic buyer");
	assert_string_equal(var(&l, 0, "contract_target"),
			    "Monday 20 July 2026");
	assert_string_equal(var(&l, 0, "criteria_count"), "2");
	assert_string_equal(var(&l, 0, "criteria_summary"),
			    "both of your success criteria");
	assert_string_equal(var(&l, 0, "procurement"), "10 business days");
	assert_string_equal(var(&l, 0, "steps"),
			    "- Tuesday 30 June 2026: Executive summary to the "
			    "economic buyer\n"
			    "- Thursday 2 July 2026: Commercial terms "
			    "discussion\n"
			    "- Monday 6 July 2026: Contract review begins\n"
			    "- Monday 20 July 2026: Contract execution target");
	assert_string_equal(var(&l, 0, "results"),
			    "- batch: 9 min against at most 15 min (40.0% "
			    "headroom)\n"
			    "- ingest: 26500 events/s against at least 20000 "
			    "events/s (32.5% headroom)");
	assert_null(l.items[0].warning);
	assert_vars_complete(MSG_COMPRESS, &l.items[0]);
	message_list_release(&l);

	/*
	 * Asked on the proposal date, the plan holds; asked the day after
	 * (Wed 1 July), no date that has passed: the proposal moves to the
	 * next business day, Thu 2 July, and the steps with it by 2
	 * business days. The message and a warning say so.
	 */
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-06-30", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "proposal_date"),
			    "Tuesday 30 June 2026");
	assert_string_equal(var(&l, 0, "rescheduled"), "");
	assert_null(l.items[0].warning);
	message_list_release(&l);
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-07-01", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "proposal_date"),
			    "Thursday 2 July 2026");
	assert_string_equal(var(&l, 0, "contract_target"),
			    "Wednesday 22 July 2026");
	assert_string_equal(var(&l, 0, "steps"),
			    "- Thursday 2 July 2026: Executive summary to the "
			    "economic buyer\n"
			    "- Monday 6 July 2026: Commercial terms "
			    "discussion\n"
			    "- Wednesday 8 July 2026: Contract review begins\n"
			    "- Wednesday 22 July 2026: Contract execution "
			    "target");
	assert_string_equal(var(&l, 0, "rescheduled"),
			    "The plan had the proposal for Tuesday 30 June "
			    "2026, which has passed, so these dates start "
			    "from the next business day. ");
	assert_string_equal(l.items[0].warning,
			    "the plan's proposal date 2026-06-30 is already "
			    "past (the technical win is 3 business days old): "
			    "the message proposes the next business day, "
			    "2026-07-02, and moves the steps after it as much");
	message_list_release(&l);
	/* Over a weekend: asked Friday 3 July, the proposal is Monday. */
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-07-03", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "proposal_date"),
			    "Monday 6 July 2026");
	message_list_release(&l);

	/* A step that says "proposal" is the proposal date. */
	{
		struct step *s = deal_add_step(&d);

		s->title = xstrdup("Kickoff with procurement");
		s->offset = 1;
		s->kind = EVENT_COMMERCIAL;
		s = deal_add_step(&d);
		s->title = xstrdup("Written Proposal to the CFO");
		s->offset = 3;
		s->kind = EVENT_COMMERCIAL;
	}
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-06-26", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "proposal_date"),
			    "Wednesday 1 July 2026");
	assert_string_equal(var(&l, 0, "contract_target"),
			    "Wednesday 1 July 2026");
	message_list_release(&l);

	/* Blocked: the error names every blocking criterion. */
	c = add_crit(&d, "p99", DIR_AT_MOST, 100, "ms");
	measure(c, 140, "2026-06-20");
	add_crit(&d, "mttr", DIR_AT_MOST, 30, "min");
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-06-26", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'lakeshore' has no technical win "
				     "yet: blocked by 'p99' (fail), 'mttr' "
				     "(pending)");
	deal_release(&d);

	deal_init(&d);
	d.slug = xstrdup("empty");
	assert_int_equal(compute(&d, MSG_COMPRESS, "2026-06-26", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'empty' has no success criteria, "
				     "so there is no technical win to build "
				     "on");
	deal_release(&d);
}

static void
urgency_at(const struct deal *d, const char *today, struct message_list *l)
{
	struct tw_error err = { 0 };

	assert_int_equal(compute(d, MSG_URGENCY, today, NULL, l, &err), 0);
	assert_int_equal(l->n, 1);
}

static void
test_urgency(void **state)
{
	struct message_request rq;
	struct message_list l;
	struct tw_error err = { 0 };
	struct holidays h;
	struct deal d;

	(void)state;
	war_story(&d);
	urgency_at(&d, "2026-07-20", &l);
	assert_string_equal(l.items[0].risk, "peak");
	assert_string_equal(var(&l, 0, "deadline"),
			    "Thursday 29 October 2026");
	assert_string_equal(var(&l, 0, "go_live_by"),
			    "Thursday 15 October 2026");
	assert_string_equal(var(&l, 0, "latest_start"),
			    "Saturday 1 August 2026");
	assert_string_equal(var(&l, 0, "buffer"), "14 days");
	assert_string_equal(var(&l, 0, "duration"), "75 days");
	assert_string_equal(var(&l, 0, "no_buffer_start"),
			    "Saturday 15 August 2026");
	assert_string_equal(var(&l, 0, "slack_days"), "12");
	assert_string_equal(var(&l, 0, "slack"), "12 days from today");
	assert_string_equal(var(&l, 0, "later_start"),
			    "Every day we start after Saturday 1 August 2026 "
			    "comes out of the 14 days of buffer, and a start "
			    "after Saturday 15 August 2026 puts the Thursday "
			    "29 October 2026 deadline itself at risk.");
	assert_vars_complete(MSG_URGENCY, &l.items[0]);
	message_list_release(&l);

	urgency_at(&d, "2026-08-01", &l);
	assert_string_equal(var(&l, 0, "slack"), "today");
	message_list_release(&l);

	/* Past the latest start: the buffer is being spent. */
	urgency_at(&d, "2026-08-02", &l);
	assert_string_equal(var(&l, 0, "slack"), "1 day ago");
	assert_string_equal(var(&l, 0, "later_start"),
			    "The latest safe start, Saturday 1 August 2026, "
			    "was 1 day ago, so part of the 14 days of buffer "
			    "is already gone; a start after Saturday 15 "
			    "August 2026 puts the Thursday 29 October 2026 "
			    "deadline itself at risk.");
	message_list_release(&l);

	/* Starting on deadline - duration still just makes it. */
	urgency_at(&d, "2026-08-15", &l);
	assert_non_null(strstr(var(&l, 0, "later_start"), "14 days ago"));
	message_list_release(&l);
	urgency_at(&d, "2026-08-16", &l);
	assert_string_equal(var(&l, 0, "later_start"),
			    "Even a start today would not fit the 75 days of "
			    "implementation before the Thursday 29 October "
			    "2026 deadline, so we should agree now on what "
			    "can be live by then.");
	message_list_release(&l);

	/* No buffer: the latest start is the last possible one. */
	d.risks[0].buffer.n = 0;
	urgency_at(&d, "2026-07-20", &l);
	assert_string_equal(var(&l, 0, "latest_start"),
			    "Saturday 15 August 2026");
	assert_string_equal(var(&l, 0, "later_start"),
			    "There is no buffer: a start after Saturday 15 "
			    "August 2026 puts the Thursday 29 October 2026 "
			    "deadline at risk.");
	message_list_release(&l);

	/* --risk picks one; an unknown one is not found. */
	h = deal_holidays(&d);
	memset(&rq, 0, sizeof(rq));
	rq.type = MSG_URGENCY;
	rq.today = D("2026-07-20");
	rq.risk = "nope";
	assert_int_equal(message_compute(&d, &h, &rq, &l, &err), TW_ENOTFOUND);
	assert_string_equal(err.msg, "unknown risk 'nope' in deal 'lakeshore'");
	deal_release(&d);

	deal_init(&d);
	d.slug = xstrdup("calm");
	assert_int_equal(compute(&d, MSG_URGENCY, "2026-07-20", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg,
			    "deal 'calm' has no risks to create urgency from");
	deal_release(&d);
}

static struct phase *
add_phase(struct deal *d, int number, const char *name, double price)
{
	struct phase *p = deal_add_phase(d);

	p->number = number;
	p->name = xstrdup(name);
	p->has_price = true;
	p->price = price;
	return p;
}

static void
test_pricing(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct phase *p;
	struct deal d;

	(void)state;
	war_story(&d);
	/* Written out of order: phase 1 is still the initial commitment. */
	p = add_phase(&d, 2, "Real-time streaming", 95000);
	p->justification = xstrdup("26,500 events/s against 20,000");
	p->criteria = xcalloc(1, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("ingest");
	p->ncriteria = 1;
	p = add_phase(&d, 1, "Core data pipeline", 180000);
	p->scope = xstrdup("Batch ingestion");
	p->justification = xstrdup("Meets the batch window");
	p->criteria = xcalloc(1, sizeof(*p->criteria));
	p->criteria[0] = xstrdup("batch");
	p->ncriteria = 1;
	p->has_duration = true;
	p->duration.n = 75;
	p->duration.unit = DUR_DAYS;
	add_phase(&d, 3, "European operations", 140000);

	assert_int_equal(compute(&d, MSG_PRICING, "2026-06-26", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "initial_phase"),
			    "Phase 1 (Core data pipeline)");
	assert_string_equal(var(&l, 0, "initial_commitment"), "USD 180,000");
	assert_string_equal(var(&l, 0, "total"), "USD 415,000");
	assert_string_equal(var(&l, 0, "remaining"), "USD 235,000");
	/* 180000 / 415000 = 43.37 % */
	assert_string_equal(var(&l, 0, "initial_share_pct"), "43.4%");
	assert_string_equal(var(&l, 0, "phase_count"), "3");
	assert_string_equal(var(&l, 0, "phases"),
			    "Phase 1, Core data pipeline: USD 180,000\n"
			    "  Scope: Batch ingestion\n"
			    "  Technical reason: Meets the batch window\n"
			    "  Rests on: batch (9 min against at most 15 min)\n"
			    "  Duration: 75 days\n"
			    "\n"
			    "Phase 2, Real-time streaming: USD 95,000\n"
			    "  Technical reason: 26,500 events/s against "
			    "20,000\n"
			    "  Rests on: ingest (26500 events/s against at "
			    "least 20000 events/s)\n"
			    "\n"
			    "Phase 3, European operations: USD 140,000");
	assert_vars_complete(MSG_PRICING, &l.items[0]);
	message_list_release(&l);

	/* An unpriced phase would make the total wrong. */
	d.phases[2].has_price = false;
	assert_int_equal(compute(&d, MSG_PRICING, "2026-06-26", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "phase 3 of deal 'lakeshore' has no "
				     "price; every phase needs one for a "
				     "pricing message");
	deal_release(&d);

	deal_init(&d);
	d.slug = xstrdup("bare");
	assert_int_equal(compute(&d, MSG_PRICING, "2026-06-26", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'bare' has no phases to price");
	deal_release(&d);
}

static void
test_next_event(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct event *e;
	struct deal d;

	(void)state;
	war_story(&d);
	/* Done, past and commercial events are not the next technical one. */
	e = add_event(&d, "kickoff", EVENT_TECHNICAL, "2026-06-01", NULL);
	e->done = D("2026-06-01");
	add_event(&d, "old-review", EVENT_TECHNICAL, "2026-06-10", NULL);
	add_event(&d, "cto-readout", EVENT_TECHNICAL, "2026-06-25", NULL);
	d.events[2].owner = xstrdup("Priya Raman");
	add_event(&d, "arch-signoff", EVENT_TECHNICAL, "2026-07-08", NULL);
	add_event(&d, "lunch", EVENT_COMMERCIAL, "2026-06-25", NULL);
	add_event(&d, "pricing-call", EVENT_COMMERCIAL, "2026-06-29",
		  "cto-readout");

	/* The event whose `after` names it wins over an earlier one. */
	assert_int_equal(compute(&d, MSG_NEXT_EVENT, "2026-06-20", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "tech_event_key"), "cto-readout");
	assert_string_equal(var(&l, 0, "tech_date"), "Thursday 25 June 2026");
	assert_string_equal(var(&l, 0, "tech_owner"), "Priya Raman");
	assert_string_equal(var(&l, 0, "commercial_event_key"),
			    "pricing-call");
	assert_string_equal(var(&l, 0, "commercial_date"),
			    "Monday 29 June 2026");
	/* Thursday to Monday: Friday and Monday. */
	assert_string_equal(var(&l, 0, "gap"), "2 business days later");
	assert_string_equal(var(&l, 0, "commercial_owner"), "Daniel Okafor");
	assert_vars_complete(MSG_NEXT_EVENT, &l.items[0]);
	message_list_release(&l);

	/* Without the link: the next open commercial event on or after it. */
	free(d.events[5].after);
	d.events[5].after = NULL;
	assert_int_equal(compute(&d, MSG_NEXT_EVENT, "2026-06-20", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "commercial_event_key"), "lunch");
	assert_string_equal(var(&l, 0, "gap"), "the same day");
	assert_string_equal(var(&l, 0, "tech_owner"), "Priya Raman");
	message_list_release(&l);

	/* After the readout: the sign-off has no commercial event after it. */
	assert_int_equal(compute(&d, MSG_NEXT_EVENT, "2026-06-26", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "no commercial event follows technical "
				     "event 'arch-signoff' in deal "
				     "'lakeshore' (add one with --after "
				     "arch-signoff)");
	add_event(&d, "terms", EVENT_COMMERCIAL, "2026-07-09", NULL);
	assert_int_equal(compute(&d, MSG_NEXT_EVENT, "2026-06-26", NULL, &l,
				 &err),
			 0);
	assert_string_equal(var(&l, 0, "gap"), "the next business day");
	assert_string_equal(var(&l, 0, "tech_owner"), "our team");
	message_list_release(&l);

	assert_int_equal(compute(&d, MSG_NEXT_EVENT, "2026-07-09", NULL, &l,
				 &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "deal 'lakeshore' has no planned "
				     "technical event on or after 2026-07-09");
	deal_release(&d);
}

/* The default templates end to end: numbers land in the text. */
static void
test_default_buying_signal_text(void **state)
{
	struct message_list l;
	struct tw_error err = { 0 };
	struct strbuf sb = STRBUF_INIT;
	const char *body;
	char *subject;
	struct deal d;

	(void)state;
	war_story(&d);
	assert_int_equal(compute(&d, MSG_BUYING_SIGNAL, "2026-06-26", "batch",
				 &l, &err),
			 0);
	assert_int_equal(message_render(message_default_template(
						MSG_BUYING_SIGNAL),
					"buying-signal", msg_vars_lookup,
					&l.items[0].vars, &sb, &err),
			 0);
	message_split(sb.buf, &subject, &body);
	assert_string_equal(subject, "POC result: batch, 40.0% headroom");
	assert_true(!strncmp(body, "Hi Elena Marsh,\n", 16));
	assert_non_null(strstr(body, "9 min, against a requirement of at "
				     "most 15 min"));
	assert_non_null(strstr(body, "bring Daniel Okafor in"));
	assert_non_null(strstr(body, "\nPriya Raman\n"));
	free(subject);
	strbuf_release(&sb);
	message_list_release(&l);
	deal_release(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_placeholders),
		cmocka_unit_test(test_render_literal_braces),
		cmocka_unit_test(test_render_unknown),
		cmocka_unit_test(test_render_malformed),
		cmocka_unit_test(test_template_check),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_buying_signal_war_story),
		cmocka_unit_test(test_buying_signal_edges),
		cmocka_unit_test(test_compress),
		cmocka_unit_test(test_urgency),
		cmocka_unit_test(test_pricing),
		cmocka_unit_test(test_next_event),
		cmocka_unit_test(test_default_buying_signal_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
