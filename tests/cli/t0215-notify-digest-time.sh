#!/bin/sh
# t0215-notify-digest-time: techwin serve sends the daily digest by itself
# at notify.digest_at, on business days only, in notify.timezone, and once
# a day. Serve runs with its clock set (TECHWIN_NOW) and its sender every
# second: on a Saturday, and on a Monday before the hour, no mail; after
# the hour, one digest, and still one after more rounds; a workspace
# holiday is no business day either; and 08:00 in New York is 13:00 UTC.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/cli/notify/lib.sh"
trap 'notify_cleanup; cleanup' EXIT
export TECHWIN_NOTIFY_INTERVAL=1
unset TECHWIN_TODAY TECHWIN_SMTP_PASSWORD

tw() { "$TECHWIN" "$@" >/dev/null; }
tw init
# An open deal with errors: kestrel-rail (no-next-step and more).
tw import "$TW_SRC/examples/kestrel-rail.yaml"
start_smtpd
tw config set notify.smtp_url "smtp://127.0.0.1:$smtp_port"
tw config set notify.from alerts@techwin.example
tw config set notify.digest_at 08:00
tw notify subscribe manager@example.com --all

# serve_at NOW SECONDS: serve with its clock at NOW for SECONDS.
serve_at() {
	TECHWIN_NOW=$1 start_server
	sleep "$2"
	stop_server
	[ "$server_status" = 0 ] || fail "serve exited $server_status"
}

serve_at 2026-12-05T10:00:00Z 3		# a Saturday
[ "$(mails)" = 0 ] || fail "a digest on a Saturday"
serve_at 2026-12-07T07:59:00Z 3		# Monday, before 08:00
[ "$(mails)" = 0 ] || fail "a digest before notify.digest_at"
TECHWIN_NOW=2026-12-07T08:01:00Z start_server
wait_for '[ "$(mails)" -ge 1 ]' 20
sleep 3					# more rounds: still one
stop_server
[ "$(mails)" = 1 ] || fail "$(mails) digests on Monday, expected 1"
"$PY" - mail <<'PY' || fail "the digest: $(cat mail/* | head -20)"
import email, os, sys
from email import policy
d = sys.argv[1]
m = email.message_from_binary_file(open(os.path.join(d, os.listdir(d)[0]), "rb"),
                                   policy=policy.default)
assert m["To"] == "manager@example.com", m["To"]
assert "kestrel-rail" in m.get_body().get_content(), m.get_body().get_content()
PY

# A workspace holiday is no business day: nothing on Tuesday the 8th, not
# even for a new subscriber, to whom every open error is new.
rm -f mail/*
tw notify subscribe new@example.com --all
tw config set holidays 2026-12-08
serve_at 2026-12-08T09:00:00Z 3
[ "$(mails)" = 0 ] || fail "a digest on a workspace holiday"

# In New York, 08:00 is 13:00 UTC in December.
if [ -e /usr/share/zoneinfo/America/New_York ]; then
	tw config set notify.timezone America/New_York
	serve_at 2026-12-09T12:30:00Z 3	# 07:30 in New York
	[ "$(mails)" = 0 ] || fail "a digest before 08:00 in New York"
	TECHWIN_NOW=2026-12-09T13:05:00Z start_server
	wait_for '[ "$(mails)" -ge 1 ]' 20
	stop_server
	[ "$(mails)" = 1 ] || fail "$(mails) digests at 08:05 in New York"
	grep -l 'new@example.com' mail/* >/dev/null ||
		fail "the digest in New York was not the new subscriber's"
else
	echo "skip: no tzdata for America/New_York"
fi
