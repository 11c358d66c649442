#!/bin/sh
# t0220: a risk sets the commercial deadline (seed practice 3). risk list
# --json gives sign_by (the latest business day on or before the latest
# start) and review_by (sign_by - the deal's procurement days), and check
# reports commercial-too-late when the contract target comes after the
# earliest sign_by: the day before and of the edge are on time, the
# business day after (over a weekend, then over a holiday) is not.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2027-01-04 TECHWIN_USER=tester LC_ALL=C

tw init >/dev/null
# The worked example: latest start Sat 2027-04-17, procurement 12 bd.
tw deal add acme --account Acme --procurement-days 12 >/dev/null
tw risk add acme peak --title "Spring peak" --deadline 2027-04-17 \
	--duration 0d >/dev/null
expect 0 --json risk list acme
python3 - out <<'PY' || fail "risk list --json: $(cat out)"
import json, sys
r = json.load(open(sys.argv[1]))[0]
assert r["latest_start"] == "2027-04-17", r
assert r["sign_by"] == "2027-04-16", r
assert r["review_by"] == "2027-03-31", r
PY
expect 0 risk list acme
grep -q "2027-04-16  2027-03-31" out || fail "risk list: $(cat out)"

# Without procurement days on record, review begins on the sign-by day.
tw deal set acme --procurement-days= >/dev/null
expect 0 --json risk list acme
grep -q '"review_by": "2027-04-16"' out || fail "no procurement: $(cat out)"

# The win on WIN gives the default plan's contract target WIN + 6 bd.
target_check() { # WIN STATUS
	tw criterion add acme batch --metric "Batch window" --at-most 15 \
		>/dev/null
	tw criterion record acme batch 9 --on "$1" >/dev/null
	expect "$2" check acme
	tw criterion rm acme batch >/dev/null
}
# Win Thu 04-08: target Fri 04-16, the sign-by day itself: on time.
target_check 2027-04-07 0
grep -q commercial-too-late out && fail "a day early: $(cat out)"
target_check 2027-04-08 0
grep -q commercial-too-late out && fail "on the day: $(cat out)"
# Win Fri 04-09: target Mon 04-19, over the weekend: too late.
target_check 2027-04-09 1
grep -q "commercial-too-late .*peak .*target 2027-04-19 (computed from the technical win) is 1 business day after 2027-04-16" out ||
	fail "the business day after: $(cat out)"

# A holiday on Fri 04-16: sign by Thu 04-15, and a win on Thu 04-08 now
# gives Mon 04-19 too (the holiday and the weekend skipped).
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:h1\r\nDTSTAMP:20270101T000000Z\r\nDTSTART;VALUE=DATE:20270416\r\nSUMMARY:Holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >h.ics
tw deal holidays import acme h.ics >/dev/null
expect 0 --json risk list acme
grep -q '"sign_by": "2027-04-15"' out || fail "holiday: $(cat out)"
target_check 2027-04-07 0
grep -q commercial-too-late out && fail "holiday, on the day: $(cat out)"
target_check 2027-04-08 1
grep -q "target 2027-04-19 (computed from the technical win) is 1 business day after 2027-04-15" out ||
	fail "holiday, the business day after: $(cat out)"

# A closed deal is not checked.
tw criterion add acme batch --metric "Batch window" --at-most 15 >/dev/null
tw criterion record acme batch 9 --on 2027-04-08 >/dev/null
tw --today 2027-04-20 deal close acme --won >/dev/null
expect 1 --today 2027-04-20 check acme
grep -q commercial-too-late out && fail "closed deal: $(cat out)"

# techwin help check documents the rule, techwin help risk the dates.
expect 0 help check
grep -q "commercial-too-late" out || fail "help check"
expect 0 help risk
grep -q "sign_by" out || fail "help risk"
echo "t0220: ok"
