/*
 * What techwin notify sends, without a network (formats/notify-format.c,
 * notify/send.c's signature): the digest's text, the webhook bodies in
 * both formats, the e-mail around a digest, and the HMAC of a body.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "formats/notify-format.h"
#include "notify/send.h"

static void
test_digest_text(void **state)
{
	struct notify_digest dg = { 0 };
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	const char *fresh, *open;

	(void)state;
	notify_digest_add(&dg, false, "old", "deadline-at-risk", "r1",
			  "'Audit' starts late");
	notify_digest_add(&dg, true, "zurich", "no-commercial-followup",
			  "review", "'Revue — équipe' was done");
	notify_digest_text(&dg, "the deals where Zoë is the SE",
			   "https://tw.example.com/", "z@example.com", &subject,
			   &body);
	assert_string_equal(subject.buf, "techwin: 1 new error, 2 open on the "
					 "deals where Zoë is the SE");
	/* New first, then the count of the open ones, each with a step. */
	fresh = strstr(body.buf, "* zurich: no-commercial-followup (review)\n"
				 "  'Revue — équipe' was done\n"
				 "  Next step: Schedule the commercial "
				 "follow-up: add a commercial event dated "
				 "within the gap (techwin event add zurich KEY "
				 "--kind commercial).\n"
				 "  https://tw.example.com/deals/zurich\n");
	open = strstr(body.buf, "Still open: 2 errors in all; 1 of them from "
				"before:\n\n* old: deadline-at-risk (r1)");
	assert_non_null(fresh);
	assert_non_null(open);
	assert_true(fresh < open);
	assert_non_null(strstr(body.buf, "https://tw.example.com/deals/old"));
	assert_non_null(strstr(body.buf, "notify unsubscribe z@example.com"));
	notify_digest_release(&dg);
	strbuf_release(&subject);
	strbuf_release(&body);
}

static void
test_digest_caps_and_links(void **state)
{
	struct notify_digest dg = { 0 };
	struct strbuf s = STRBUF_INIT, b = STRBUF_INIT;

	(void)state;
	for (int i = 0; i < DIGEST_LIST_MAX + 3; i++)
		notify_digest_add(&dg, true, "d", "no-next-step", "d", "m");
	assert_int_equal(dg.fresh_total, DIGEST_LIST_MAX + 3);
	assert_int_equal(dg.nfresh, DIGEST_LIST_MAX);
	/* Without notify.base_url, the command that shows the deal. */
	notify_digest_text(&dg, "every deal", NULL, "m@example.com", &s, &b);
	assert_non_null(strstr(b.buf, "... and 3 more (techwin check)."));
	assert_non_null(strstr(b.buf, "  techwin check d\n"));
	notify_digest_release(&dg);
	strbuf_release(&s);
	strbuf_release(&b);
}

static json_t *
body_of(const char *format, const struct notify_event *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	json_t *j;

	assert_int_equal(notify_event_body(format, e, "https://tw.example.com",
					   &sb, &err),
			 0);
	j = json_loads(sb.buf, 0, NULL);
	assert_non_null(j);
	strbuf_release(&sb);
	return j;
}

static void
test_event_bodies(void **state)
{
	struct notify_event e = {
		7, "criterion.passed", "acme", "2026-11-26T09:00:00Z",
		"{\"criterion\":\"p95\",\"headroom_pct\":25.0,"
		"\"message_path\":\"/deals/acme#messages\","
		"\"message_command\":\"techwin message acme buying-signal "
		"--criterion p95\"}",
	};
	struct notify_event bad = { 8, "finding.new", "acme", "x", "[1]" };
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };
	json_t *j;

	(void)state;
	j = body_of("json", &e);
	assert_string_equal(json_string_value(json_object_get(j, "type")),
			    "criterion.passed");
	assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
	assert_string_equal(json_string_value(json_object_get(j, "at")),
			    "2026-11-26T09:00:00Z");
	assert_string_equal(json_string_value(json_object_get(j, "deal")),
			    "acme");
	assert_string_equal(json_string_value(json_object_get(j, "url")),
			    "https://tw.example.com/deals/acme");
	assert_string_equal(json_string_value(json_object_get(j, "criterion")),
			    "p95");
	json_decref(j);
	j = body_of("slack", &e);
	assert_int_equal(json_object_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(j, "text")),
			    "acme: criterion p95 passed with 25.0% headroom. "
			    "Send the buying-signal message: "
			    "https://tw.example.com/deals/acme#messages");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_array_get(json_object_get(j,
								       "blocks"),
						       0),
					"text"),
			"type")),
		"mrkdwn");
	json_decref(j);
	assert_int_equal(notify_event_body("json", &bad, NULL, &sb, &err),
			 TW_EINPUT);
	assert_int_equal(notify_event_body("xml", &e, NULL, &sb, &err),
			 TW_EINPUT);
	assert_string_equal(err.msg, "unknown webhook format 'xml' (known: "
				     "slack, json)");
	strbuf_release(&sb);
}

static void
test_mail(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct tw_error err = { 0 };

	(void)state;
	assert_int_equal(notify_mail("alerts@tw.example", "z@example.com",
				     "techwin: 1 new error", "Zoë — é\n",
				     (time_t)1795694400,
				     "0123@tw.example", &sb, &err),
			 0);
	assert_non_null(strstr(sb.buf, "Date: Thu, 26 Nov 2026 12:00:00 "
					"+0000\r\nFrom: <alerts@tw.example>\r\n"
					"To: <z@example.com>\r\nMessage-ID: "
					"<0123@tw.example>\r\n"));
	assert_non_null(strstr(sb.buf, "Content-Type: text/plain; "
					"charset=UTF-8\r\n"
					"Content-Transfer-Encoding: "
					"quoted-printable\r\n\r\n"
					"Zo=C3=AB =E2=80=94 =C3=A9\r\n"));
	assert_null(strstr(sb.buf, "X-Unsent"));
	strbuf_reset(&sb);
	/* Nothing can be injected through an address or the id. */
	assert_int_equal(notify_mail("a@b.example", "x@y.example\r\nBcc: z@z",
				     "s", "b", 0, "i@d", &sb, &err),
			 TW_EINPUT);
	assert_int_equal(notify_mail("a@b.example", "x@y.example", "s", "b", 0,
				     "i@d>\r\nBcc: <z", &sb, &err),
			 TW_EINPUT);
	strbuf_release(&sb);
}

static void
test_signature(void **state)
{
	char sig[NOTIFY_SIGNATURE_SIZE];

	(void)state;
	/* RFC 4231 test case 2: key "Jefe". */
	notify_signature("Jefe", "what do ya want for nothing?", 28, sig);
	assert_string_equal(sig, "sha256=5bdcc146bf60754e6a042426089575c75a00"
				 "3f089d2739839dec58b964ec3843");
}

static void
test_next_steps(void **state)
{
	(void)state;
	assert_non_null(strstr(notify_next_step("commercial-step-overdue"),
			       "event done"));
	assert_non_null(strstr(notify_next_step("no-such-rule"), "Review"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_text),
		cmocka_unit_test(test_digest_caps_and_links),
		cmocka_unit_test(test_event_bodies),
		cmocka_unit_test(test_mail),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_next_steps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
