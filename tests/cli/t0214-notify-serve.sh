#!/bin/sh
# t0214-notify-serve: techwin serve sends alerts by itself. A measurement
# recorded through the JSON API reaches a webhook within seconds, without
# anyone running notify; a delivery given up shows a banner on the
# pipeline page; serve still stops cleanly on SIGTERM.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"
. "$TW_SRC/tests/cli/notify/lib.sh"
trap 'notify_cleanup; cleanup' EXIT
export TECHWIN_NOTIFY_INTERVAL=1
# The sender's clock: before notify.digest_at on the pinned day, so that
# no digest refresh adds finding events, whatever the wall clock says.
export TECHWIN_NOW=2026-11-26T07:00:00Z

tw() { "$TECHWIN" "$@" >/dev/null; }
q() { sqlite3 -separator '|' "$TECHWIN_DB" "$1"; }
tw init
tw deal add acme --account Acme --se Sam
tw criterion add acme p95 --metric 'p95 latency' --at-most 200 --unit ms
printf 'password1\n' | tw user add alice --role editor
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
printf 'k\n' >secret
start_hook hook.log k
tw notify webhook add team "http://127.0.0.1:$hook_port/" --format json \
	--secret-file secret
start_server

expect 200 POST /api/deals/acme/criteria/p95/measurements \
	-H "Authorization: Bearer $tok" -H "Content-Type: application/json" \
	-d '{"measured": 120}'
wait_for '[ "$(hooks hook.log)" -ge 2 ]' 15
"$PY" - hook.log <<'PY' || fail "serve's deliveries: $(cat hook.log)"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
assert [p["body"]["type"] for p in posts] == ["criterion.passed", "technical_win"], posts
assert all(p["valid"] and p["status"] == 200 for p in posts), posts
assert posts[0]["body"]["deal"] == "acme"
PY
[ "$(q "SELECT group_concat(status) FROM deliveries")" = "sent,sent" ] ||
	fail "deliveries: $(q 'SELECT kind, status FROM deliveries')"

# No banner while everything was delivered; one once a delivery is given up.
login alice password1
expect 200 GET / -H "$cookie"
grep -q 'alerts-failed' "$tmp/body" && fail "a banner with nothing failed"
sqlite3 "$TECHWIN_DB" "UPDATE deliveries SET status = 'failed' WHERE kind = 'technical_win'"
expect 200 GET / -H "$cookie"
grep -q '1 alert could not be delivered: see <code>techwin notify list --failed</code>' \
	"$tmp/body" || fail "no banner: $(grep -i alert "$tmp/body")"

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
