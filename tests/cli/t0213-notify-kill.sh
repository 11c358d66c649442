#!/bin/sh
# t0213-notify-kill: techwin notify killed with SIGKILL in the middle of a
# send loop (the receiver holds the first POST) loses nothing: the rerun
# delivers every event, the one in flight again with the same delivery id
# (at most once more), the others once.
set -eu
. "$(dirname "$0")/lib.sh"
: "${TECHWIN:?}" "${TW_SRC:?}"
tmp=$(mktemp -d)
. "$TW_SRC/tests/cli/notify/lib.sh"
notify_pid=
trap 'notify_cleanup; [ -z "$notify_pid" ] || kill -KILL "$notify_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C

tw init >/dev/null
tw deal add acme --account Acme >/dev/null
for k in a b c; do
	tw criterion add acme "$k" --metric "$k" --at-most 10 >/dev/null
done
# The receiver logs the first POST, then holds it for 20 s.
start_hook hook.log "" 0 20
tw notify webhook add team "http://127.0.0.1:$hook_port/" --format json >/dev/null
for k in a b c; do
	tw criterion record acme "$k" 5 >/dev/null
done
# 3 criterion.passed and a technical_win.
[ "$(q "SELECT count(*) FROM outbox")" = 4 ] || fail "events: $(q 'SELECT type FROM outbox')"

"$TECHWIN" notify >run1.out 2>&1 &
notify_pid=$!
wait_for '[ "$(hooks hook.log)" -ge 1 ]' 10
[ "$(q "SELECT count(*) FROM deliveries WHERE status = 'sending'")" = 1 ] ||
	fail "not marked sending: $(q 'SELECT kind, status FROM deliveries')"
kill -KILL "$notify_pid"
wait "$notify_pid" 2>/dev/null || true
notify_pid=
stop_hook

export HOOK_PORT="$hook_port"
start_hook hook.log ""
unset HOOK_PORT
expect 0 notify
[ "$(grep -c '^sent ' out)" = 4 ] || fail "rerun: $(cat out)"
expect 0 notify
[ "$(cat out)" = "nothing to send" ] || fail "third run: $(cat out)"

"$PY" - hook.log <<'PY' || fail "not each exactly once: $(cat hook.log)"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
ids = [p["delivery"] for p in posts]
assert len(set(ids)) == 4, ids
# The one in flight when killed came again, with its id; no other did.
assert ids.count(ids[0]) == 2 and len(ids) == 5, ids
assert posts[0]["body"] == posts[1]["body"]
assert sorted(p["body"]["id"] for p in posts[1:]) == [1, 2, 3, 4]
PY
