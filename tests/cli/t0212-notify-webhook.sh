#!/bin/sh
# t0212-notify-webhook: events to webhooks as they happen, through a real
# HTTP receiver on loopback. The json format carries {"type", "id", "at",
# "deal", "url", ...} signed with the secret (X-Techwin-Signature: the
# HMAC-SHA256 of the raw body) and X-Techwin-Delivery; the slack format
# {"text", "blocks"}. A receiver that answers 500 twice and then 200 gets
# what it refused again, with the same delivery id and body (notify exits
# 4, then 0). A webhook that fails for more than a day is given up:
# notify list --failed shows it.
set -eu
. "$(dirname "$0")/lib.sh"
: "${TECHWIN:?}" "${TW_SRC:?}"
tmp=$(mktemp -d)
. "$TW_SRC/tests/cli/notify/lib.sh"
trap 'notify_cleanup; rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	TECHWIN_NOW=2026-11-26T09:00:00Z LC_ALL=C

tw init >/dev/null
tw deal add acme --account Acme --se Sam >/dev/null
tw criterion add acme p95 --metric 'p95 latency' --at-most 200 --unit ms >/dev/null
tw criterion add acme err --metric 'error rate' --at-most 1 --unit % >/dev/null
tw criterion record acme err 0.5 >/dev/null

printf 'hook-secret\n' >secret
start_hook json.log hook-secret 2
tw config set notify.base_url https://tw.example.com >/dev/null
tw notify webhook add team "http://127.0.0.1:$hook_port/json" --format json \
	--secret-file secret >/dev/null
tw notify webhook add chat "http://127.0.0.1:$hook_port/slack" --se Sam >/dev/null
expect 3 notify webhook add elsewhere "http://127.0.0.1:$hook_port/x" --se Nobody

# The last criterion passes: criterion.passed and technical_win.
tw criterion record acme p95 150 >/dev/null
# The receiver answers its first two POSTs 500: those two deliveries stay
# queued (exit 4), and the next run sends them again, same ids.
expect 4 notify
[ "$(grep -c '^failed .*answered HTTP 500 (queued for another try)$' out)" = 2 ] ||
	fail "first run: $(cat out)"
expect 0 notify
[ "$(grep -c '^sent ' out)" = 2 ] || fail "second run: $(cat out)"
expect 0 notify
[ "$(cat out)" = "nothing to send" ] || fail "third run: $(cat out)"

"$PY" - json.log <<'PY' || fail "the webhook deliveries are not as expected"
import json, sys
posts = [json.loads(l) for l in open(sys.argv[1])]
by_id = {}
for p in posts:
    by_id.setdefault(p["delivery"], []).append(p)
# 4 deliveries (2 events x 2 webhooks); the first two POSTs failed and
# came again with their ids.
assert len(by_id) == 4, by_id.keys()
assert [p["status"] for p in posts].count(500) == 2
for d, ps in by_id.items():
    assert ps[-1]["status"] == 200, ps
    assert len({json.dumps(p["body"], sort_keys=True) for p in ps}) == 1
    assert len(d) == 32
signed = [p for p in posts if p["signature"]]
slack = [p for p in posts if not p["signature"]]
assert signed and all(p["valid"] for p in signed), signed
assert all(p["content_type"] == "application/json" for p in posts)
events = {p["body"]["type"]: p["body"] for p in signed}
cp = events["criterion.passed"]
assert cp["deal"] == "acme" and cp["criterion"] == "p95", cp
assert cp["headroom_pct"] == 25, cp
assert cp["url"] == "https://tw.example.com/deals/acme"
assert cp["message_path"] == "/deals/acme#messages"
assert isinstance(cp["id"], int) and cp["at"].endswith("Z")
tw = events["technical_win"]
assert tw["technical_win"] == "2026-11-26", tw
assert tw["steps"] and all({"title", "date", "applied"} <= set(s) for s in tw["steps"])
assert tw["id"] > cp["id"]
for p in slack:
    b = p["body"]
    assert set(b) == {"text", "blocks"}, b
    assert b["blocks"][0]["text"]["text"] == b["text"]
texts = " ".join(p["body"]["text"] for p in slack)
assert "criterion p95 passed with 25.0% headroom" in texts, texts
assert "https://tw.example.com/deals/acme#messages" in texts, texts
assert "Technical win on acme (2026-11-26)" in texts, texts
PY

# A receiver that is gone: retried, and given up a day after it was queued.
tw notify webhook rm chat >/dev/null
tw notify webhook add dead "http://127.0.0.1:1/gone" --format json >/dev/null
tw event add acme sync --kind technical --title Sync --date 2026-11-10 >/dev/null
tw event "done" acme sync --on 2026-11-10 >/dev/null
expect 4 notify
grep -q "^failed finding.new (event [0-9]*) to webhook dead: POST to http://127.0.0.1:1/gone failed: .*(queued for another try)" out ||
	fail "dead: $(cat out)"
expect 0 --json notify list
"$PY" -c 'import json,sys; d=json.load(open("out")); assert d["failed"] == 0 and d["queued"] >= 1, d' ||
	fail "list --json: $(cat out)"
TECHWIN_NOW=2026-11-27T09:00:01Z expect 4 notify
grep -q "(a day of tries: given up)" out || fail "not given up: $(cat out)"
expect 0 notify list --failed
grep -q "^[0-9a-f]\{32\}  *failed  *dead  *finding.new  *2  *POST to" out ||
	fail "list --failed: $(cat out)"
# Given up is given up: later runs leave it.
TECHWIN_NOW=2026-11-28T09:00:00Z expect 0 notify
