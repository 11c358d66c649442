#!/bin/sh
# t0011-text-fields: text that cannot be shown cannot be stored. A line
# break or another control character in a single-line field (account,
# names, titles, metric, unit, keys, emails) and a champion email that is
# not one address are refused with exit 3 and a message naming the field,
# from the CLI, a plan file (with line and column) and a CRM import (with
# line and column name); nothing is stored. Multi-line fields (outcome,
# scope, justification) keep their line feeds. The JSON API's side is in
# t0101-web-api.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C

nl='
'
cr=$(printf '\r')
single="must be a single line without control characters, found"

# The deals and the history, to compare before and after a refusal.
snapshot() {
	"$TECHWIN" --json deal list >"$1"
	"$TECHWIN" history >>"$1"
}

expect 0 init

# --- the CLI -------------------------------------------------------------

expect 3 deal add x --account "A${nl}B"
error_is "deal account $single line feed U\\+000A at character 2"
expect 0 --json deal list
[ "$(cat out)" = "[]" ] || fail "a refused deal was stored: $(cat out)"

expect 3 deal add x --account "Acme" --champion "Dana${cr}${nl}Bcc: eve@evil.example"
error_is "deal champion name $single carriage return U\\+000D at character 5"
expect 3 deal add x --account "Acme" --se "$(printf 'Sam\tLee')"
error_is "deal se $single tab U\\+0009 at character 4"
expect 3 deal add x --account "$(printf 'Acme\033[31m')"
error_is "deal account $single control character U\\+001B at character 5"
expect 3 deal add x --account "$(printf 'Acme \302\205')"
error_is "deal account $single control character U\\+0085 at character 6"
for bad in 'a@x, b@y' not-an-email 'a@' '@b' 'a b@c' 'Dana <dana@x.example>'; do
	expect 3 deal add x --account Acme --champion-email "$bad"
	error_is "deal champion email '$bad' must be one address \\(an RFC 5322 addr-spec such as name@example.com\\)"
done
expect 0 --json deal list
[ "$(cat out)" = "[]" ] || fail "a refused deal was stored: $(cat out)"

expect 0 deal add acme --account "Acme Corp" \
	--champion "Dana Reyes" --champion-email dana.reyes+poc@example.co.uk
expect 0 criterion add acme p95 --metric "p95 latency" --at-most 200 \
	--unit ms --outcome "Checkout stays fast${nl}even at peak."
expect 0 phase add acme 1 --name Pilot --scope "Line one${nl}	Line two" \
	--justification "Proven by p95."
snapshot before

expect 3 deal set acme --account "Acme${nl}Bcc: eve@evil.example"
error_is "deal account $single line feed U\\+000A at character 5"
expect 3 deal set acme --champion-email "dana@x.example, eve@evil.example"
error_is "deal champion email 'dana@x.example, eve@evil.example' must be one address .*"
expect 3 criterion add acme p99 --metric "p99${nl}latency" --at-most 500
error_is "criterion 'p99' metric $single line feed U\\+000A at character 4"
expect 3 criterion add acme p99 --metric "p99 latency" --at-most 500 \
	--unit "m${cr}s"
error_is "criterion 'p99' unit $single carriage return U\\+000D at character 2"
expect 3 criterion add acme p99 --metric "p99 latency" --at-most 500 \
	--outcome "Windows line${cr}${nl}"
error_is "criterion 'p99' outcome may hold line feeds and tabs but no other control character, found carriage return U\\+000D at character 13"
expect 3 event add acme readout --kind technical --title "Readout${cr}"
error_is "event 'readout' title $single carriage return U\\+000D at character 8"
expect 3 event add acme readout --kind technical --title Readout \
	--owner "Al${nl}ice"
error_is "event 'readout' owner $single line feed U\\+000A at character 3"
expect 3 risk add acme peak --title "Peak${nl}season" --deadline 2027-03-01 \
	--duration 30d
error_is "risk 'peak' title $single line feed U\\+000A at character 5"
expect 3 phase add acme 2 --name "Full${nl}rollout"
error_is "phase 2 name $single line feed U\\+000A at character 5"
expect 3 snooze acme --until 2026-12-10 --reason "on leave${nl}back soon"
error_is "deal snooze reason $single line feed U\\+000A at character 9"
snapshot after
cmp -s before after || fail "a refused change was stored: $(diff before after)"

# The multi-line fields kept their line feeds and the tab.
expect 0 --json deal show acme
python3 - out <<'PY' || fail "multi-line fields changed: $(cat out)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["criteria"][0]["outcome"] == "Checkout stays fast\neven at peak.", d
assert d["phases"][0]["scope"] == "Line one\n\tLine two", d
PY

# --- a plan file: line and column of the value ---------------------------

cat >plan.yaml <<'EOF'
version: 1
deal:
  slug: planned
  account: "Planned\nBcc: eve@evil.example"
EOF
expect 3 import plan.yaml
error_is "plan.yaml:4:12: deal account $single line feed U\\+000A at character 8"

cat >plan.yaml <<'EOF'
version: 1
deal:
  slug: planned
  account: Planned
  champion:
    name: Dana
    email: dana@x.example, eve@evil.example
criteria:
  - key: p95
    at_most: 200
EOF
expect 3 import plan.yaml
error_is "plan.yaml:7:12: deal champion email 'dana@x.example, eve@evil.example' must be one address .*"

cat >plan.yaml <<'EOF'
version: 1
deal: {slug: planned, account: Planned}
criteria:
  - key: p95
    metric: "p95\rlatency"
    at_most: 200
    outcome: "fast\nand steady"
events:
  - key: readout
    kind: technical
    title: "Readout\u0085"
EOF
expect 3 import plan.yaml
error_is "plan.yaml:5:13: criterion 'p95' metric $single carriage return U\\+000D at character 4"
sed -i 's/p95\\rlatency/p95 latency/' plan.yaml
expect 3 import plan.yaml
error_is "plan.yaml:11:12: event 'readout' title $single control character U\\+0085 at character 8"
sed -i 's/Readout\\u0085/Readout/' plan.yaml
expect 0 import plan.yaml
expect 0 --json deal show planned
grep -q '"outcome": "fast\\nand steady"' out ||
	fail "the outcome lost its line feed: $(cat out)"

cat >plan.yaml <<'EOF'
version: 1
deal: {slug: planned2, account: Planned}
criteria:
  - {key: p95, at_most: 200}
phases:
  - number: 1
    name: Pilot
    scope: "one\r\ntwo"
EOF
expect 3 import plan.yaml
error_is "plan.yaml:8:12: phase 1 scope may hold line feeds and tabs but no other control character, found carriage return U\\+000D at character 4"

# --- a CRM import: line and column of the row ----------------------------

printf '%s\r\n' \
	'Opportunity ID,Opportunity Name,Account Name,Close Date,Opportunity Owner' \
	'006A,Good Deal,Good Co,12/18/2026,Dana Whitfield' \
	'006B,Split Deal,"Split Co' \
	'Bcc: eve@evil.example",12/18/2026,Dana Whitfield' \
	'006C,Tab Deal,Tab Co,12/18/2026,"Dana	Whitfield"' >crm.csv
expect 3 import --from salesforce crm.csv
[ "$(wc -l <err)" -eq 3 ] || fail "expected three error lines: $(cat err)"
grep -qx "error: crm.csv:3: column 'Account Name': deal account $single carriage return U+000D at character 9" err ||
	fail "no row/column for the account: $(cat err)"
grep -qx "error: crm.csv:5: column 'Opportunity Owner': deal ae $single tab U+0009 at character 5" err ||
	fail "no row/column for the owner: $(cat err)"
expect 0 --json deal list
python3 - out <<'PY' || fail "a bad CRM import stored deals: $(cat out)"
import json, sys
slugs = sorted(d["slug"] for d in json.load(open(sys.argv[1])))
assert slugs == ["acme", "planned"], slugs
PY

echo "t0011: ok"
