#!/bin/sh
# t0250-champion-sides: events have a side (seller or buyer) and events and
# phases may be internal (issue 16). Both fields come from the CLI, the API
# and the deal page's forms, round-trip through the plan file, and an
# internal step or phase never reaches what the prospect sees: the share
# page, the proposal and the shared calendar (ics --shared).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
tw init
tw deal add acme --account 'Acme Corp'
tw event add acme sec-review --kind commercial --title 'Security review' \
	--date 2026-12-02 --side buyer
tw event add acme deal-desk --kind commercial --title 'Deal desk approval' \
	--date 2026-12-03 --internal
tw event add acme kickoff --kind technical --title 'Kickoff call' \
	--date 2026-12-01 --internal true
tw event set acme kickoff --internal false
tw criterion add acme p95 --at-most 200 --metric 'p95 latency'
tw phase add acme 1 --name 'Pilot rollout' --price 1000 --criteria p95
tw phase add acme 2 --name 'Margin reserve' --price 500 --internal
"$TECHWIN" event set acme kickoff --side nobody >out 2>err && fail "a bad side passed"
grep -q "expected seller or buyer, got 'nobody'" err || fail "side error: $(cat err)"

# --- the plan file -----------------------------------------------------------

"$TECHWIN" export acme >acme.yaml
grep -q '^    side: buyer$' acme.yaml || fail "no side in the export"
[ "$(grep -c '^    internal: true$' acme.yaml)" -eq 2 ] ||
	fail "internal event and phase not exported: $(cat acme.yaml)"
grep -q 'side: seller' acme.yaml && fail "the default side was written"
sed 's/acme/acme2/; s/Acme Corp/Acme Two/' acme.yaml >acme2.yaml
tw import acme2.yaml
"$TECHWIN" export acme2 >acme2.out
sed 's/acme/acme2/; s/Acme Corp/Acme Two/' acme.yaml | cmp - acme2.out ||
	fail "the plan file does not round-trip"
"$TECHWIN" --json event list acme >ev.json
"$PYTHON" - ev.json <<'PY' || fail "event list --json: $(cat ev.json)"
import json, sys
ev = {e["key"]: e for e in json.load(open(sys.argv[1]))}
assert ev["sec-review"]["side"] == "buyer" and not ev["sec-review"]["internal"]
assert ev["deal-desk"]["side"] == "seller" and ev["deal-desk"]["internal"]
assert not ev["kickoff"]["internal"]
PY

# --- what the prospect gets --------------------------------------------------

"$TECHWIN" ics acme --shared >shared.ics
grep -q 'Security review' shared.ics || fail "a shared step left the calendar"
grep -q 'Deal desk' shared.ics && fail "an internal step is in the shared calendar"
"$TECHWIN" ics acme | grep -q 'Deal desk' || fail "the team's calendar lost it"
"$TECHWIN" proposal acme >proposal.md
grep -q 'Pilot rollout' proposal.md || fail "no phase 1 in the proposal"
grep -q 'Margin reserve' proposal.md && fail "an internal phase is in the proposal"

printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null 2>&1
alice_tok=$("$TECHWIN" token add alice-ci --user alice 2>/dev/null)
link=$("$TECHWIN" share acme --expires 2027-01-31 2>/dev/null)
start_server
expect 200 GET "/share/${link##*/share/}"
has 'Security review'
has 'Kickoff call'
hasnt 'Deal desk'
hasnt 'Margin reserve'

# --- the API and the deal page's forms --------------------------------------

auth="Authorization: Bearer $alice_tok"
expect 201 POST /api/deals/acme/events -H "$auth" -H "Content-Type: application/json" \
	-d '{"key": "legal", "kind": "commercial", "title": "Legal redlines", "side": "buyer", "internal": false}'
jcheck "d['side'] == 'buyer'" "d['internal'] is False"
expect 422 POST /api/deals/acme/events -H "$auth" -H "Content-Type: application/json" \
	-d '{"key": "x", "kind": "commercial", "title": "X", "side": "them"}'
login alice password1
expect 200 GET /deals/acme -H "$cookie"
has 'name="side"'
has 'name="internal"'
expect 200 GET /deals/acme/events/sec-review/edit -H "$cookie"
has 'name="side"'
post /deals/acme/events/deal-desk/edit -d kind=commercial \
	-d 'title=Deal desk approval' -d side=buyer -d internal=false
[ "$code" = 303 ] || fail "the event form answered $code"
"$TECHWIN" --json event list acme >ev.json
"$PYTHON" - ev.json <<'PY' || fail "the form did not set side/internal: $(cat ev.json)"
import json, sys
ev = {e["key"]: e for e in json.load(open(sys.argv[1]))}
assert ev["deal-desk"]["side"] == "buyer" and not ev["deal-desk"]["internal"]
PY
