#!/bin/sh
# t0221: phases name the risks they address (--risks on phase add/set,
# risks: [keys] in the plan file), stored and round-tripped; an unknown or
# repeated key is refused; a risk a phase names is removed only with
# --force. The proposal warns when such a phase, started on the contract
# target, ends after the risk's go-live-by date: not on the day, the day
# after it does.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2027-01-04 TECHWIN_USER=tester LC_ALL=C

tw init >/dev/null
tw deal add acme --account Acme >/dev/null
# The win on Mon 2027-01-04: the contract target +6 bd, Tue 01-12.
tw criterion add acme batch --metric "Batch window" --at-most 15 >/dev/null
tw criterion record acme batch 9 --on 2027-01-04 >/dev/null
# Live by Fri 2027-01-22 (deadline 01-29, buffer 7d).
tw risk add acme peak --title "Peak" --deadline 2027-01-29 --buffer 7d \
	--duration 1d >/dev/null
tw risk add acme audit --title "Audit" --deadline 2027-06-30 \
	--duration 1d >/dev/null

expect 3 phase add acme 1 --name Core --risks nope
error_is "phase 1 addresses unknown risk 'nope'"
expect 3 phase add acme 1 --name Core --risks peak,peak
error_is "phase 1 lists risk 'peak' twice"
expect 3 phase add acme 1 --name Core --risks peak,
error_is "--risks: expected keys separated by commas, got 'peak,'"

# 10 calendar days from Tue 01-12 end Fri 01-22: on the day, no warning.
tw phase add acme 1 --name Core --duration 10d --risks peak,audit >/dev/null
expect 0 --json phase list acme
grep -q '"risks": \[' out || fail "phase list --json: $(cat out)"
expect 0 proposal acme
grep -q warning err && fail "on the go-live day: $(cat err)"
# 11 days end Sat 01-23, the day after: a warning, and the document says it.
tw phase set acme 1 --duration 11d >/dev/null
expect 0 proposal acme
grep -q "^warning: Phase 1 (Core) addresses 'Peak', but started on the contract target Tue 2027-01-12 it ends Sat 2027-01-23, after Fri 2027-01-22, the day it must be live by.$" err ||
	fail "no warning: $(cat err)"
[ "$(wc -l <err)" -eq 1 ] || fail "one warning only: $(cat err)"
grep -q "Phase 1 (Core) addresses 'Peak'" out || fail "document: $(cat out)"

# Stored, and back through the plan file.
[ "$(q "SELECT risks FROM phases")" = "peak,audit" ] || fail "stored"
expect 0 export acme
cp out acme.yaml
grep -A3 "^    risks:" acme.yaml | grep -q -- "- audit" || fail "export: $(cat acme.yaml)"
tw phase set acme 1 --risks= >/dev/null
tw import acme.yaml >/dev/null
expect 0 export acme
cmp -s out acme.yaml || fail "round trip: $(diff acme.yaml out)"

# --risks= empties the list; a risk named by a phase needs --force.
expect 3 risk rm acme audit
error_is "risk 'audit' is referred to by phase 1 \(force removes it and those references\)"
tw risk rm acme audit --force >/dev/null 2>&1
[ "$(q "SELECT risks FROM phases")" = "peak" ] || fail "force"
tw phase set acme 1 --risks= >/dev/null
[ -z "$(q "SELECT risks FROM phases")" ] || fail "--risks= empties it"
expect 0 proposal acme
grep -q warning err && fail "no risks, no warning: $(cat err)"
echo "t0221: ok"
