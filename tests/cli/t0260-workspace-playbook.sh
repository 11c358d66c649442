#!/bin/sh
# t0260: the workspace playbook (config playbook). It starts as the built-in
# default; 'set FILE' replaces it for every deal without a playbook of its
# own (plan, check), a deal's own playbook still wins, the plan file of a
# deal keeps no playbook it does not have; show prints a file set takes
# back (no change then, no history row); a bad file is refused at its line
# with nothing written; reset goes back to the default. check after a
# change reports what the new offsets give, not the kept findings.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2027-01-04 TECHWIN_USER=tester LC_ALL=C

tw init >/dev/null
expect 0 config playbook
head -1 out | grep -q "built-in default" || fail "default: $(cat out)"
grep -q "key: exec-summary" out || fail "default steps: $(cat out)"
expect 0 --json config playbook
grep -q '"source": "default"' out || fail "default --json: $(cat out)"

# A risk whose sign-by day is Fri 2027-04-16 (t0220's worked example); the
# win on Thu 04-08 gives the default plan's target +6 bd: that Friday.
tw deal add acme --account Acme >/dev/null
tw risk add acme peak --title "Spring peak" --deadline 2027-04-17 \
	--duration 0d >/dev/null
tw criterion add acme batch --metric "Batch window" --at-most 15 >/dev/null
tw criterion record acme batch 9 --on 2027-04-08 >/dev/null
expect 0 check acme
grep -q commercial-too-late out && fail "default plan is on time: $(cat out)"
# A deal with a playbook of its own, which the workspace's must not touch.
tw export acme -o own.yaml
sed -i 's/^  slug: acme$/  slug: own/' own.yaml
cat >>own.yaml <<'EOF'
playbook:
  - title: Own step
    offset: 1
EOF
tw import own.yaml >/dev/null
# The whole pipeline checked: its findings kept (check, not check SLUG,
# reads what is kept).
expect 0 check
[ "$(q 'SELECT count(*) FROM evaluations WHERE stale = 0')" = 2 ] ||
	fail "evaluations not kept: $(q 'SELECT * FROM evaluations')"

cat >pb.yaml <<'EOF'
playbook:
  - title: Security review
    offset: 1
    kind: technical
    key: sec-review
    owner: se
  - title: Signature
    offset: 7
    key: signature
    owner: ae
EOF
expect 0 config playbook set pb.yaml
grep -q "the workspace playbook has 2 steps" out || fail "set: $(cat out)"
[ "$(q "SELECT group_concat(title || ':' || \"offset\", ',') FROM workspace_playbook")" = \
	"Security review:1,Signature:7" ] || fail "stored: $(q 'SELECT * FROM workspace_playbook')"

# The kept evaluation of acme is stale: check computes the target with +7,
# Mon 04-19, a business day after the sign-by day.
[ "$(q 'SELECT count(*) FROM evaluations WHERE stale = 1')" = 2 ] ||
	fail "evaluations not stale: $(q 'SELECT * FROM evaluations')"
expect 1 check
grep -q "acme .*commercial-too-late .*peak .*target 2027-04-19 (computed from the technical win)" out ||
	fail "check after the change: $(cat out)"
grep -q "own .*commercial-too-late" out && fail "own playbook: $(cat out)"
expect 0 --json plan acme
python3 - out <<'PY' || fail "plan --json: $(cat out)"
import json, sys
p = json.load(open(sys.argv[1]))
steps = [(s["key"], s["date"], s["kind"], s["owner"]) for s in p["steps"]]
assert steps == [("sec-review", "2027-04-09", "technical", "se"),
                 ("signature", "2027-04-19", "commercial", "ae")], steps
PY
expect 0 --json plan own
grep -q '"title": "Own step"' out || fail "own playbook: $(cat out)"
grep -q "Signature" out && fail "own playbook replaced: $(cat out)"
# plan --apply makes the workspace's steps; export embeds no playbook.
tw plan acme --apply >/dev/null
[ "$(q "SELECT group_concat(e.step, ',') FROM events e JOIN deals d ON d.id = e.deal_id WHERE d.slug = 'acme'")" = \
	"sec-review,signature" ] || fail "apply: $(q 'SELECT "key", step FROM events')"
expect 0 export acme
grep -q "^playbook:" out && fail "export embeds the workspace playbook: $(cat out)"

# show prints a file set takes back: the same steps, no change, no row.
expect 0 config playbook
head -1 out | grep -q "workspace playbook" || fail "show: $(cat out)"
cp out shown.yaml
nhist=$(q "SELECT count(*) FROM history WHERE \"key\" = 'playbook'")
[ "$nhist" = 1 ] || fail "history rows: $nhist"
expect 0 config playbook set shown.yaml
[ "$(q "SELECT count(*) FROM history WHERE \"key\" = 'playbook'")" = 1 ] ||
	fail "the same playbook made a history row"
expect 0 history
grep -q "setting 'playbook' value: (none) -> Security review +1 (technical, key sec-review, SE); Signature +7 (key signature, AE)" out ||
	fail "history: $(cat out)"

# Refused files: nothing written, the error at its line and column.
printf 'playbook:\n  - title: A\n    offset: x\n' >bad.yaml
expect 3 config playbook set bad.yaml
error_is "bad.yaml:3:13: expected an integer for 'offset', got 'x'"
printf 'playbook:\n  - title: A\n    offset: 1\n    key: a\n  - title: B\n    offset: 2\n    key: a\n' >dup.yaml
expect 3 config playbook set dup.yaml
error_is "dup.yaml:7:10: duplicate playbook step key 'a'"
printf 'playbook:\n  - offset: 2\n' >notitle.yaml
expect 3 config playbook set notitle.yaml
error_is "notitle.yaml:2:5: playbook step 1 needs a title"
printf 'playbook:\n  - title: A\n    offset: 1\n    kind: legal\n' >kind.yaml
expect 3 config playbook set kind.yaml
grep -q "kind.yaml:4:11: expected one of technical, commercial for 'kind', got 'legal'" err ||
	fail "bad kind: $(cat err)"
printf 'steps:\n  - title: A\n' >field.yaml
expect 3 config playbook set field.yaml
grep -q "field.yaml:1:1: unknown field 'steps'" err || fail "unknown field: $(cat err)"
printf 'playbook: []\n' >empty.yaml
expect 3 config playbook set empty.yaml
error_is "empty.yaml: the playbook has no steps \('techwin config playbook reset' goes back to the built-in default\)"
expect 3 config playbook set missing.yaml
error_is "cannot open 'missing.yaml': No such file or directory"
expect 2 config playbook set
expect 2 config playbook frob
[ "$(q 'SELECT count(*) FROM workspace_playbook')" = 2 ] ||
	fail "a refused file wrote something"

# reset: the built-in default again, and check on time again.
expect 0 config playbook reset
grep -q "built-in default" out || fail "reset: $(cat out)"
[ "$(q 'SELECT count(*) FROM workspace_playbook')" = 0 ] || fail "reset left rows"
tw deal add beta --account Beta >/dev/null
tw risk add beta peak --title "Spring peak" --deadline 2027-04-17 \
	--duration 0d >/dev/null
tw criterion add beta batch --metric "Batch window" --at-most 15 >/dev/null
tw criterion record beta batch 9 --on 2027-04-08 >/dev/null
expect 0 check beta
grep -q commercial-too-late out && fail "after reset: $(cat out)"

expect 0 help config
grep -q "config playbook set FILE" out || fail "help config"
echo "t0260: ok"
