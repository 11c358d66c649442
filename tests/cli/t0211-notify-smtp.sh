#!/bin/sh
# t0211-notify-smtp: digests by e-mail through a real SMTP server (Debian's
# python3-aiosmtpd on a loopback port). Each message parses with Python's
# email package: From, To, Subject, Date, Message-ID, a UTF-8 body with the
# new error, its next step and its link. A second notify with nothing new
# sends nothing. With the server stopped, notify exits 4 and keeps the
# digest queued; once the server is back, the next notify delivers it, and
# every message arrives exactly once. A new error later is in the next
# digest, alone as new.
set -eu
. "$(dirname "$0")/lib.sh"
: "${TECHWIN:?}" "${TW_SRC:?}"
tmp=$(mktemp -d)
. "$TW_SRC/tests/cli/notify/lib.sh"
trap 'notify_cleanup; rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C
unset TECHWIN_SMTP_PASSWORD

tw init >/dev/null
tw deal add zurich --account 'Zürich Versicherung' --se 'Zoë Brandt' \
	--ae 'Åsa Lind' >/dev/null
tw event add zurich review --kind technical \
	--title 'Revue technique — équipe Zürich' --date 2026-11-02 >/dev/null
tw event "done" zurich review --on 2026-11-02 >/dev/null
# The deal's own holiday on Wed 11-04: the window ends Tue 11-10.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t0211//EN\r\nBEGIN:VEVENT\r\nUID:1@t0211\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261104\r\nSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >zurich.ics
tw deal holidays import zurich zurich.ics --years 2026-2026 >/dev/null
tw deal add other --account Other --se 'Sam Other' >/dev/null

start_smtpd
tw config set notify.smtp_url "smtp://127.0.0.1:$smtp_port" >/dev/null
tw config set notify.from alerts@techwin.example >/dev/null
tw config set notify.base_url https://tw.example.com >/dev/null
tw notify subscribe zoe@example.com --se 'Zoë Brandt' >/dev/null
tw notify subscribe sam@example.com --se 'Sam Other' >/dev/null

expect 0 notify
grep -q '^sent digest to zoe@example.com$' out || fail "notify: $(cat out)"
[ "$(mails)" = 1 ] || fail "$(mails) messages, expected 1 (sam's is empty)"

# check MESSAGE TO PATTERN...: the message parses, with the headers a mail
# client needs, and its decoded body matches each PATTERN (a regex).
check() {
	"$PY" - "$@" <<'PY' || fail "message $1 does not parse as expected"
import email, email.policy, email.utils, re, sys
path, to, patterns = sys.argv[1], sys.argv[2], sys.argv[3:]
raw = open(path, "rb").read()
assert b"\r\n" in raw, "not CRLF"
m = email.message_from_bytes(raw, policy=email.policy.default)
assert m["From"] == "alerts@techwin.example", m["From"]
assert m["To"] == to, m["To"]
assert email.utils.parsedate_to_datetime(m["Date"]) is not None
mid = m["Message-ID"]
assert re.fullmatch(r"<[0-9a-f]{32}@techwin\.example>", mid), mid
assert m["MIME-Version"] == "1.0"
assert m.get_content_type() == "text/plain"
assert m.get_content_charset() == "utf-8"
body = m.get_content()
assert "\x1f" not in body, "a kept message's token in:\n%s" % body
for p in patterns:
    assert re.search(p, body), "no %r in:\n%s" % (p, body)
print(m["Subject"])
PY
}
check mail/0001.eml zoe@example.com \
	"New since the last digest: 1 error on the deals where Zoë Brandt is the SE" \
	"\* zurich: no-commercial-followup \(review\)" \
	"'Revue technique — équipe Zürich' was done on 2026-11-02 and no commercial step followed within 5 business days \\(by 2026-11-10\\)" \
	"Next step: Schedule the commercial follow-up" \
	"https://tw.example.com/deals/zurich" >subject
grep -q '^techwin: 1 new error, 1 open on the deals where Zoë Brandt is the SE$' subject ||
	fail "subject: $(cat subject)"
[ "$(cat mail/0001.env)" = "alerts@techwin.example
zoe@example.com" ] || fail "envelope: $(cat mail/0001.env)"

# Nothing new: nothing sent.
expect 0 notify
[ "$(cat out)" = "nothing to send" ] || fail "second run: $(cat out)"
[ "$(mails)" = 1 ] || fail "a second notify sent again"

# A new error on Sam's deal, with the server down: queued, exit 4.
tw event add other pilot --kind technical --title 'Pilot' \
	--date 2026-11-03 >/dev/null
tw event "done" other pilot --on 2026-11-03 >/dev/null
stop_smtpd
expect 4 notify
grep -q "^failed digest to sam@example.com: mail to <sam@example.com> failed: " out ||
	fail "down: $(cat out)"
grep -q "^error: 1 message was not delivered (1 queued for another try, 0 given up)" err ||
	fail "down: $(cat err)"
expect 0 notify list --failed
grep -q "queued  *sam@example.com  *digest  *1  *mail to" out || fail "list --failed: $(cat out)"
# Queued counts as sent for what is new: a run while down queues no more.
expect 4 notify
[ "$(q "SELECT count(*) FROM deliveries")" = 2 ] ||
	fail "a digest was queued twice: $(q 'SELECT kind, target, status FROM deliveries')"

start_smtpd "$smtp_port"
expect 0 notify
grep -q '^sent digest to sam@example.com$' out || fail "back up: $(cat out)"
expect 0 notify
[ "$(cat out)" = "nothing to send" ] || fail "after delivery: $(cat out)"
[ "$(mails)" = 2 ] || fail "$(mails) messages, expected each exactly once"
check mail/0002.eml sam@example.com "\* other: no-commercial-followup \(pilot\)" \
	"Still open: 1 error in all, all of them new" >/dev/null
# Every Message-ID once.
[ "$(grep -h '^Message-ID:' mail/*.eml | sort -u | wc -l)" = 2 ] ||
	fail "a message arrived twice"
