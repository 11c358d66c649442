/*
 * Fuzz target: champion-message templates (core/message.h). The first byte
 * picks the message type, the rest is the template. Invariants, each an
 * abort() when broken:
 *   - message_template_check() accepts exactly the templates that render
 *     with every placeholder of the type set (an empty template aside);
 *   - a template it accepts renders for every message a real deal gives
 *     (message_compute() on the deal below): the check is what stops a
 *     template that would fail at send time;
 *   - values are inserted, never expanded again: a value holding "{{x}}"
 *     comes out as those characters;
 *   - text without "{{" renders as itself; rendering well-formed UTF-8
 *     gives well-formed UTF-8;
 *   - money reads "CUR 1,234.50": digits in groups of three, cents only
 *     when there are any, and the number is the amount, for any amount a
 *     plan file can hold.
 */
#include "fuzz.h"

#include "core/message.h"
#include "formats/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * A deal that has something to say for every message type: passed
 * criteria and a technical win, a risk, priced phases and a planned
 * technical event followed by a commercial one.
 */
static const char deal_yaml[] =
	"version: 1\n"
	"deal:\n"
	"  slug: fuzz-deal\n"
	"  account: \"Fuzz {{account}} & Co\"\n"
	"  currency: EUR\n"
	"  procurement_days: 10\n"
	"  ae: Ann Exec\n"
	"  se: Sam Eng\n"
	"  champion:\n"
	"    name: Chris Champion\n"
	"    email: chris@example.com\n"
	"criteria:\n"
	"  - key: batch-runtime\n"
	"    metric: 50M records end to end\n"
	"    unit: min\n"
	"    at_most: 15\n"
	"    measured: 9\n"
	"    measured_on: 2026-06-05\n"
	"    growth_pct: 35\n"
	"    outcome: The batch finishes before stores open\n"
	"  - key: ingest\n"
	"    metric: Sustained ingest\n"
	"    unit: events/s\n"
	"    at_least: 20000\n"
	"    measured: 26500\n"
	"    measured_on: 2026-06-12\n"
	"events:\n"
	"  - key: readout\n"
	"    kind: technical\n"
	"    title: POC readout\n"
	"    owner: Sam Eng\n"
	"    date: 2026-12-01\n"
	"  - key: terms\n"
	"    kind: commercial\n"
	"    title: Terms call\n"
	"    owner: Ann Exec\n"
	"    date: 2026-12-03\n"
	"    after: readout\n"
	"risks:\n"
	"  - key: peak\n"
	"    title: The November peak\n"
	"    kind: scaling\n"
	"    deadline: 2027-10-29\n"
	"    buffer: 14d\n"
	"    duration: 75d\n"
	"phases:\n"
	"  - number: 1\n"
	"    name: Core\n"
	"    scope: The pipeline\n"
	"    price: 180000.5\n"
	"    justification: 40 % headroom\n"
	"    criteria: [batch-runtime]\n"
	"    duration: 75d\n"
	"  - number: 2\n"
	"    name: Streaming\n"
	"    scope: Live views\n"
	"    price: 95000\n"
	"    justification: 26,500 events/s\n"
	"    criteria: [ingest]\n"
	"    duration: 8w\n";

static struct deal deal;
static struct message_list messages[MSG_NTYPES];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct tw_error err = { 0 };
	struct message_request rq = { 0 };
	struct holidays h;

	(void)argc;
	(void)argv;
	if (plan_parse(deal_yaml, sizeof(deal_yaml) - 1, "deal.yaml", &deal,
		       &err))
		fuzz_fail("the built-in deal does not parse: %s", err.msg);
	h = deal_holidays(&deal);
	date_parse("2026-11-26", &rq.today, NULL);
	for (int t = 0; t < MSG_NTYPES; t++) {
		rq.type = (enum message_type)t;
		if (message_compute(&deal, &h, &rq, &messages[t], &err))
			fuzz_fail("no %s message for the built-in deal: %s",
				  message_type_name(rq.type), err.msg);
	}
	return 0;
}

/* Every placeholder of the type is known and has the value "{{v}}". */
static const char *
type_lookup(void *arg, const char *name)
{
	const char *const *names = arg;

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(names[i], name))
			return "{{v}}";
	return NULL;
}

static bool
only_space(const char *s)
{
	return !s[strspn(s, " \t\n")];
}

static void
check_money(double amount)
{
	struct strbuf sb = STRBUF_INIT, num = STRBUF_INIT;
	const char *p;
	size_t group;

	/* What plan files and the API let through: finite, non-negative. */
	if (!isfinite(amount) || amount < 0)
		return;
	msg_fmt_money(&sb, amount, "EUR");
	if (strncmp(sb.buf, "EUR ", 4))
		fuzz_fail("money %.17g reads '%s'", amount, sb.buf);
	p = sb.buf + 4;
	group = strspn(p, "0123456789");
	if (group < 1 || group > 3 || (group > 1 && p[0] == '0'))
		goto bad;
	for (p += group; *p == ','; p += 4)
		if (strspn(p + 1, "0123456789") < 3)
			goto bad;
	if (*p == '.' && (strspn(p + 1, "0123456789") != 2 || p[3] ||
			  !strcmp(p, ".00")))
		goto bad;
	if (*p && *p != '.')
		goto bad;
	/* And it is the amount, to the cent (or the unit, past 1e15). */
	for (p = sb.buf + 4; *p; p++)
		if (*p != ',')
			strbuf_addch(&num, *p);
	if (fabs(strtod(num.buf, NULL) - amount) >
	    (amount < 1e15 ? 0.006 : 0.51) + amount * 1e-15)
		goto bad;
	strbuf_release(&sb);
	strbuf_release(&num);
	return;
bad:
	fuzz_fail("money %.17g reads '%s'", amount, sb.buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf out = STRBUF_INIT;
	struct tw_error err = { 0 };
	enum message_type t;
	const struct message_list *ml;
	const char *body;
	char *tmpl, *subject;
	int checked, rendered;

	if (size < 1)
		return 0;
	if (size >= 9) {
		double amount;

		memcpy(&amount, data + 1, sizeof(amount));
		check_money(amount);
	}
	t = (enum message_type)(data[0] % MSG_NTYPES);
	tmpl = fuzz_cstr(data + 1, size - 1);

	checked = message_template_check(t, tmpl, &err);
	rendered = message_render(tmpl, "fuzz", type_lookup,
				  (void *)message_placeholders(t), &out, &err);
	if (checked && !only_space(tmpl) && !rendered)
		fuzz_fail("template_check refuses a template that renders: "
			  "'%s'", tmpl);
	if (!checked && rendered)
		fuzz_fail("template_check accepts a template that does not "
			  "render: '%s'", tmpl);
	if (!rendered) {
		if (!strstr(tmpl, "{{") && strcmp(out.buf, tmpl))
			fuzz_fail("text without placeholders changed: '%s' -> "
				  "'%s'", tmpl, out.buf);
		if (message_is_utf8(tmpl) && !message_is_utf8(out.buf))
			fuzz_fail("rendering '%s' broke UTF-8", tmpl);
		message_split(out.buf, &subject, &body);
		if (body < out.buf || body > out.buf + out.len)
			fuzz_fail("message_split body outside the text");
		free(subject);
	}

	/* The check passed: every real message of the type must render. */
	ml = &messages[t];
	for (size_t i = 0; !checked && i < ml->n; i++) {
		strbuf_reset(&out);
		if (message_render(tmpl, "fuzz", msg_vars_lookup,
				   (void *)&ml->items[i].vars, &out, &err))
			fuzz_fail("template passed the check but fails on a "
				  "real %s message: %s", message_type_name(t),
				  err.msg);
	}
	strbuf_release(&out);
	free(tmpl);
	return 0;
}
