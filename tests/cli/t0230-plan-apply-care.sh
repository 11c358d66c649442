#!/bin/sh
# t0230-plan-apply-care: `plan --apply` (issue 17). Each event it adds is
# keyed by its playbook step's short key, owned by the deal's AE or SE as
# the step says, and keeps the step's key (in the database and the plan
# file); --dry-run prints the same events and changes nothing; a step that
# an event already covers (a similar title within 1 business day, or the
# event made from it) is never added again.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-09 TECHWIN_USER=ann LC_ALL=C

tw init >/dev/null
tw deal add acme --account Acme --ae "Daniel Okafor" --se "Priya Raman" \
	--procurement-days 10 >/dev/null
tw criterion add acme batch --metric "Batch minutes" --at-most 15 >/dev/null
tw criterion record acme batch 9 --on 2026-11-06 >/dev/null
# Written by hand before anyone applied the plan: the terms call, a day
# after the step's Thursday 2026-11-12.
tw event add acme terms-call --kind commercial \
	--title "Commercial terms" --date 2026-11-13 >/dev/null

# --dry-run: what would be added, and nothing written.
"$TECHWIN" history acme >hist0
expect 0 plan acme --apply --dry-run
grep -q "^would add 3 planned events to deal 'acme' (dry run: nothing changed)$" out ||
	fail "dry run header: $(cat out)"
grep -Eq '^  2026-11-10 Tue  exec-summary +Executive summary to the economic buyer \(owner: Priya Raman\)$' out ||
	fail "dry run lists exec-summary with the SE: $(cat out)"
grep -Eq '^  2026-11-30 Mon  contract-signed +Contract execution target \(owner: Daniel Okafor\)$' out ||
	fail "dry run lists contract-signed with the AE: $(cat out)"
grep -q terms out && fail "the terms step is covered by terms-call: $(cat out)"
"$TECHWIN" history acme >hist1
cmp -s hist0 hist1 || fail "--dry-run wrote history"
[ "$(q "SELECT count(*) FROM events")" = 1 ] || fail "--dry-run added events"
expect 0 --json plan acme --apply --dry-run
python3 -c '
import json, sys
d = json.load(open("out"))
assert d["dry_run"] is True and d["added"] == 3, d
assert [e["key"] for e in d["added_events"]] == \
	["exec-summary", "contract-review", "contract-signed"], d
' || fail "--json dry run: $(cat out)"
expect 2 plan acme --dry-run
grep -q "^error: --dry-run goes with --apply$" err || fail "$(cat err)"

# The real thing adds what the dry run said, with the step kept.
expect 0 plan acme --apply
grep -q "^added 3 planned events to deal 'acme'$" out || fail "$(cat out)"
[ "$(q "SELECT \"key\", owner, step FROM events WHERE step IS NOT NULL
	ORDER BY \"date\"")" = "exec-summary|Priya Raman|exec-summary
contract-review|Daniel Okafor|contract-review
contract-signed|Daniel Okafor|contract-signed" ] ||
	fail "events: $(q 'SELECT * FROM events')"
expect 0 plan acme --apply
grep -q "^added 0 planned events" out || fail "applied twice: $(cat out)"

# The step is the event's, whatever it is renamed or moved to: still
# covered. The plan file carries it, and imports back the same.
tw event set acme contract-review --title "Legal" --date 2026-12-01 >/dev/null
expect 0 plan acme --apply
grep -q "^added 0 planned events" out || fail "a moved event: $(cat out)"
tw export acme -o acme.yaml
grep -q '^    step: contract-review$' acme.yaml || fail "no step in the plan file"
tw import acme.yaml >/dev/null
tw export acme -o again.yaml
cmp -s acme.yaml again.yaml || fail "the plan file does not round-trip"

# A custom playbook with keys and owners, and one without.
cat >pb.yaml <<'YAML'
version: 1
deal:
  slug: nordwind
  account: Nordwind
  ae: Ann
  se: Sam
criteria:
  - key: p95
    metric: p95 ms
    at_most: 10
    measured: 5
    measured_on: 2026-11-06
playbook:
  - title: Demo to the CFO
    offset: 1
    key: cfo-demo
    owner: se
  - title: Signature
    offset: 5
YAML
tw import pb.yaml >/dev/null
expect 0 plan nordwind --apply
[ "$(q "SELECT e.\"key\", coalesce(e.owner, '-'), e.step FROM events e
	JOIN deals d ON d.id = e.deal_id WHERE d.slug = 'nordwind'")" = "cfo-demo|Sam|cfo-demo
plan-signature|-|plan-signature" ] || fail "custom playbook: $(q 'SELECT * FROM events')"

# Bad owners and keys are refused where the file says them.
sed 's/owner: se/owner: cto/' pb.yaml >bad.yaml
expect 3 import bad.yaml
grep -q "playbook step 'Demo to the CFO' owner must be ae or se, got 'cto'" err ||
	fail "bad owner: $(cat err)"
sed 's/key: cfo-demo/key: CFO Demo/' pb.yaml >bad.yaml
expect 3 import bad.yaml
grep -q "invalid playbook step key 'CFO Demo'" err || fail "bad key: $(cat err)"
