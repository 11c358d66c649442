/*
 * findings_digest (core/findings.c): two evaluations get the same digest
 * exactly when the store would keep their findings' rows alike. A
 * re-evaluation whose digest matches the kept one writes no finding row,
 * so a field the store keeps but the digest misses would leave a stale
 * finding. first_seen is left out (findings_carry sets it from what is
 * kept), and so are W, P and recheck_on, which the evaluation's own row
 * keeps and store/deals.c compares beside the digest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "helpers.h"

#include <string.h>

#include "core/findings.h"

static struct finding
finding(const char *rule, const char *subject, const char *message)
{
	struct finding f;

	memset(&f, 0, sizeof(f));
	f.rule = rule;
	f.subject = (char *)subject;
	f.message = (char *)message;
	f.severity = SEV_ERROR;
	return f;
}

static struct momentum_report
report(struct finding *f, size_t n)
{
	struct momentum_report r;

	memset(&r, 0, sizeof(r));
	r.findings = f;
	r.n = n;
	r.technical_win = 740000;
	r.progress = 740003;
	r.recheck_on = 740010;
	return r;
}

static void
test_digest_fields(void **state)
{
	struct finding a[2], b[2];
	struct momentum_report ra, rb;
	uint64_t base;

	(void)state;
	a[0] = finding("no-next-step", "", "nothing planned");
	a[1] = finding("commercial-step-overdue", "contract", "3 business days");
	memcpy(b, a, sizeof(a));
	ra = report(a, 2);
	rb = report(b, 2);
	base = findings_digest(&ra);
	assert_true(findings_digest(&rb) == base);

	/* first_seen is not kept alike: carried, not compared. */
	b[1].first_seen = 740001;
	assert_true(findings_digest(&rb) == base);

#define DIFFERS(change, undo)                                               \
	do {                                                                \
		change;                                                     \
		assert_true(findings_digest(&rb) != base);                  \
		undo;                                                       \
		assert_true(findings_digest(&rb) == base);                  \
	} while (0)
	/* The evaluation's row, not the findings': compared, not digested. */
	rb.technical_win++;
	rb.progress++;
	rb.recheck_on++;
	assert_true(findings_digest(&rb) == base);
	rb.technical_win--;
	rb.progress--;
	rb.recheck_on--;
	DIFFERS(rb.n = 1, rb.n = 2);
	DIFFERS(b[1].rule = "no-commercial-followup",
		b[1].rule = "commercial-step-overdue");
	DIFFERS(b[1].subject = "contracts", b[1].subject = "contract");
	DIFFERS(b[1].message = "4 business days",
		b[1].message = "3 business days");
	DIFFERS(b[1].severity = SEV_WARNING, b[1].severity = SEV_ERROR);
	DIFFERS(b[1].snoozed = true, b[1].snoozed = false);
	DIFFERS(b[1].date = 740002, b[1].date = 0);
	b[1].acknowledged = true;
	b[1].ack_by = "ann";
	b[1].ack_reason = "waiting on legal";
	b[1].ack_until = 740020;
	base = findings_digest(&rb);
	assert_true(findings_digest(&ra) != base);
	DIFFERS(b[1].ack_by = "bob", b[1].ack_by = "ann");
	DIFFERS(b[1].ack_reason = NULL, b[1].ack_reason = "waiting on legal");
	DIFFERS(b[1].ack_until = 740021, b[1].ack_until = 740020);
	/* Text split differently between two fields is not the same. */
	a[0] = finding("no-next-step", "ab", "c");
	b[0] = finding("no-next-step", "a", "bc");
	ra.n = rb.n = 1;
	assert_true(findings_digest(&ra) != findings_digest(&rb));
#undef DIFFERS
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
