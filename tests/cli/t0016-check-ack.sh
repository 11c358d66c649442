#!/bin/sh
# t0016-check-ack: `check ack` and `check unack` (issue 13). An
# acknowledged finding stays listed, says who, why and through when, and
# does not fail the check; it returns after --until, or after 10 business
# days; acking a finding the deal does not have is bad input naming its
# findings. Findings are kept: the whole-pipeline check reads them, and
# what it prints equals what the named check (a full re-evaluation)
# prints, after a setting change and for a --today in the past.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2027-02-15 TECHWIN_USER=ann LC_ALL=C

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$TW_SRC/examples/harbor-logistics.yaml" >/dev/null

set +e
"$TECHWIN" check harbor-logistics >before
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check exited $rc before the ack, not 1"
grep -q '^error .*stale-technical-win' before || fail "no stale-technical-win"

# A finding the deal does not have: exit 3, naming what it has.
set +e
"$TECHWIN" check ack harbor-logistics no-such-rule --reason x 2>err
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "ack of a missing finding exited $rc, not 3"
grep -q "no finding 'no-such-rule': the deal has .*stale-technical-win" err ||
	fail "unexpected error: $(cat err)"
# Several subjects: name one.
set +e
"$TECHWIN" check ack harbor-logistics unframed-pass --reason x 2>err
rc=$?
set -e
[ "$rc" -eq 3 ] && grep -q "has 3 subjects" err ||
	fail "ack without a subject: $rc $(cat err)"

"$TECHWIN" check ack harbor-logistics stale-technical-win \
	--reason "AE on leave" >out
grep -q "acknowledged through 2027-03-01" out ||
	fail "default until is not 10 business days: $(cat out)"
set +e
"$TECHWIN" check harbor-logistics >mid
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check exited $rc with an error not acknowledged"
"$TECHWIN" check ack harbor-logistics commercial-step-overdue pricing-call \
	--reason "AE on leave" --until 2027-03-01 >/dev/null
"$TECHWIN" check harbor-logistics >after ||
	fail "check still exits 1 with every error acknowledged"
grep -q '^acknowledged .*stale-technical-win.*\[error, acknowledged by ann through 2027-03-01: AE on leave\]' after ||
	fail "acknowledged row: $(cat after)"
grep -q ', 2 acknowledged$' after || fail "summary: $(tail -1 after)"
"$TECHWIN" --json check harbor-logistics >json
python3 - json <<'PY' || fail "json"
import json, sys
f = [x for x in json.load(open(sys.argv[1]))["findings"]
     if x["rule"] == "stale-technical-win"][0]
assert f["acknowledged"] is True, f
assert f["acknowledged_by"] == "ann", f
assert f["acknowledged_until"] == "2027-03-01", f
assert f["first_seen"] == "2027-02-15", f
PY

# The whole-pipeline check reads the kept findings: the same output.
"$TECHWIN" check >whole || fail "whole check exits 1"
cmp whole after || fail "kept and recomputed outputs differ"

# The day after --until the error returns.
set +e
"$TECHWIN" --today 2027-03-02 check >back
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check exited $rc after the ack ended, not 1"
"$TECHWIN" --today 2027-03-02 check harbor-logistics >back-named || true
cmp back back-named || fail "kept and recomputed differ on 2027-03-02"

# Looking back before the evaluation, and after a setting changed.
"$TECHWIN" --today 2027-01-04 check >past || true
"$TECHWIN" --today 2027-01-04 check harbor-logistics >past-named || true
cmp past past-named || fail "kept and recomputed differ looking back"
"$TECHWIN" config set momentum.half_life 3 >/dev/null
"$TECHWIN" check >set-whole || true
"$TECHWIN" check harbor-logistics >set-named || true
cmp set-whole set-named || fail "a setting change left stale findings"

"$TECHWIN" check unack harbor-logistics stale-technical-win >out
set +e
"$TECHWIN" check >/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "check exited $rc after unack, not 1"
"$TECHWIN" history harbor-logistics | grep -q 'ack' ||
	fail "the ack left no history"

# Many deals to evaluate at once (a fresh import, then a setting change):
# the check keeps them in one walk, and says what recomputing says.
export TECHWIN_DB="$tmp/many.db" TECHWIN_TODAY=2026-11-26
"$TECHWIN" init >/dev/null
sh "$TW_SRC/tests/cli/gen-deals.sh" 400 plans 7
"$TECHWIN" import plans/*.yaml >/dev/null
for round in import setting; do
	"$TECHWIN" check >many-whole 2>err || true
	[ -s err ] && fail "check wrote to stderr: $(cat err)"
	"$TECHWIN" check $(seq -f 'deal-%05g' 400) >many-named || true
	cmp many-whole many-named || fail "kept and recomputed differ ($round)"
	kept=$(q "SELECT count(*) FROM evaluations WHERE stale = 0")
	[ "$kept" -eq 400 ] || fail "$kept of 400 evaluations kept ($round)"
	"$TECHWIN" config set momentum.max_gap 3 >/dev/null
done

# The text check keeps what its parallel walk evaluated (spooled, written
# after it); --json keeps them one deal at a time. Both keep the same rows,
# and a check from those rows prints what the walk printed.
dump() {
	q "SELECT d.slug, e.technical_win, e.progress, e.evaluated_on,
	   e.recheck_on, e.stale, e.worst, f.pos, f.rule, f.subject,
	   f.severity, f.snoozed, f.message, f.\"date\", f.first_seen,
	   f.ack_by, f.ack_until, f.ack_reason
	   FROM deals d JOIN evaluations e ON e.deal_id = d.id
	   LEFT JOIN findings f ON f.deal_id = d.id ORDER BY d.slug, f.pos"
}
for how in text json; do
	export TECHWIN_DB="$tmp/many-$how.db"
	"$TECHWIN" init >/dev/null
	"$TECHWIN" import plans/*.yaml >/dev/null
	"$TECHWIN" snooze deal-00009 --until 2026-12-04 --reason t >/dev/null
	"$TECHWIN" check ack deal-00011 commercial-step-overdue pricing \
		--reason t >/dev/null
	"$TECHWIN" config set momentum.half_life 7 >/dev/null
	if [ $how = text ]; then
		"$TECHWIN" check >walked || true
		"$TECHWIN" check >from-kept || true
		cmp walked from-kept || fail "the kept rows print otherwise"
	else
		"$TECHWIN" check --json >/dev/null || true
	fi
	dump >"kept-$how"
done
[ "$(wc -l <kept-text)" -gt 400 ] || fail "too few findings kept"
cmp kept-text kept-json || fail "the walk kept other rows than one by one"
