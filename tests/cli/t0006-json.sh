#!/bin/sh
# t0006-json: every read command's --json output parses and carries the
# field names the issue fixes, with JSON types (numbers as numbers, absent
# values as null); a failing command prints no partial JSON.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C

# check KIND ARGS...: run techwin --json ARGS and keep the output; one
# Python run at the end parses every output and checks the shape of KIND
# (one interpreter start instead of hundreds keeps the test fast).
n=0
check() {
	kind=$1
	shift
	expect 0 --json "$@"
	n=$((n + 1))
	cp out "out.$n.json"
	printf '%s\t%s\t%s\n' "$kind" "out.$n.json" "$*" >>checks.tsv
}

cat >shape.py <<'PY'
import json, re, sys

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DUR = re.compile(r"^\d+(d|bd|w)$")

def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

def date(v):
    return isinstance(v, str) and DATE.match(v)

def opt(pred):
    return lambda v: v is None or pred(v)

string = lambda v: isinstance(v, str)
boolean = lambda v: isinstance(v, bool)
integer = lambda v: isinstance(v, int) and not isinstance(v, bool)

DEAL = {
    "slug": string, "account": string, "stage": opt(string),
    "value": opt(num), "currency": opt(string), "ae": opt(string),
    "se": opt(string), "champion": opt(string),
    "champion_email": opt(string), "procurement_days": opt(integer),
    "poc_start": opt(date), "poc_end": opt(date), "close_date": opt(date),
    "outcome": lambda v: v in ("open", "won", "lost"),
}
CRITERION = {
    "key": string, "metric": opt(string), "unit": opt(string),
    "direction": lambda v: v in ("at_most", "at_least"),
    "required": num, "measured": opt(num),
    "status": lambda v: v in ("pass", "fail", "pending"),
    "headroom_pct": opt(num), "growth_capacity_pct": opt(num),
    "projected_growth_pct": opt(num), "scales": opt(boolean),
    "outcome": opt(string),
}
EVENT = {
    "key": string, "kind": lambda v: v in ("technical", "commercial"),
    "title": string, "owner": opt(string), "date": opt(date),
    "done": opt(date), "after": opt(string),
}
RISK = {
    "key": string, "title": string,
    "deadline": date, "buffer": lambda v: isinstance(v, str) and DUR.match(v),
    "duration": lambda v: isinstance(v, str) and DUR.match(v),
    "go_live_by": date, "latest_start": date, "slack_days": integer,
    "at_risk": boolean, "sign_by": date, "review_by": date,
}
PHASE = {
    "number": integer, "name": string, "price": opt(num),
    "criteria": lambda v: isinstance(v, list) and all(map(string, v)),
}
HISTORY = {
    "id": integer, "at": string, "actor": string, "deal": string,
    "entity": string, "field": string, "old": opt(string),
    "new": opt(string),
}

def obj(o, spec, what):
    if not isinstance(o, dict):
        sys.exit(f"{what}: not an object: {o!r}")
    for k, ok in spec.items():
        if k not in o:
            sys.exit(f"{what}: missing key {k!r} in {sorted(o)}")
        if not ok(o[k]):
            sys.exit(f"{what}: bad value for {k!r}: {o[k]!r}")

def array(a, spec, what):
    if not isinstance(a, list):
        sys.exit(f"{what}: not an array")
    for o in a:
        obj(o, spec, what)

def criterion_rules(c):
    # The computations, not just the shape (DESIGN.md).
    if c["measured"] is None:
        assert c["status"] == "pending" and c["headroom_pct"] is None, c
        return
    req, got = c["required"], c["measured"]
    at_most = c["direction"] == "at_most"
    passed = got <= req if at_most else got >= req
    assert c["status"] == ("pass" if passed else "fail"), c
    head = (req - got) / req * 100 if at_most else (got - req) / req * 100
    assert abs(c["headroom_pct"] - head) < 1e-6, c
    if at_most and got == 0:
        assert c["growth_capacity_pct"] is None, c
    else:
        cap = (req / got - 1) * 100 if at_most else (got / req - 1) * 100
        assert abs(c["growth_capacity_pct"] - cap) < 1e-6, c

def check(kind, doc):
    if kind == "deal-list":
        array(doc, DEAL, "deal list")
        assert len(doc) >= 1
    elif kind == "deal-show":
        obj(doc, DEAL, "deal show")
        array(doc["criteria"], CRITERION, "deal show criteria")
        for c in doc["criteria"]:
            criterion_rules(c)
        array(doc["events"], EVENT, "deal show events")
        array(doc["risks"], RISK, "deal show risks")
        array(doc["phases"], PHASE, "deal show phases")
    elif kind == "criterion-list":
        array(doc, CRITERION, "criterion list")
        for c in doc:
            criterion_rules(c)
    elif kind == "event-list":
        array(doc, EVENT, "event list")
    elif kind == "risk-list":
        array(doc, RISK, "risk list")
        for r in doc:
            assert r["at_risk"] == (r["slack_days"] < 0), r
            assert r["review_by"] <= r["sign_by"] <= r["latest_start"], r
    elif kind == "phase-list":
        array(doc, PHASE, "phase list")
    elif kind == "history":
        array(doc, HISTORY, "history")
    elif kind == "version":
        obj(doc, {"version": string, "schema": integer}, "version")
    elif kind == "object":
        assert isinstance(doc, dict), doc
    elif kind == "empty":
        assert doc == [], doc
    else:
        sys.exit(f"unknown kind {kind}")

failed = 0
for line in open(sys.argv[1]):
    kind, path, args = line.rstrip("\n").split("\t")
    try:
        check(kind, json.load(open(path)))
    except (ValueError, AssertionError, SystemExit, KeyError, TypeError) as e:
        print(f"techwin --json {args}: {type(e).__name__}: {e}", file=sys.stderr)
        failed += 1
sys.exit(1 if failed else 0)
PY

expect 0 init
check empty deal list
check empty history
check version version
expect 0 deal add bare --account "Bare Co"
for c in criterion event risk phase; do
	check empty "$c" list bare
done
check deal-show deal show bare

# The examples give every field something to hold.
expect 0 import "$TW_SRC"/examples/*.yaml
# And a deal made through the CLI, with a measured 0 and a failing result.
expect 0 criterion add bare zero --metric "Errors" --at-most 5
expect 0 criterion add bare fail --metric "Rate" --at-least 100 --growth 10
expect 0 criterion record bare zero 0
expect 0 criterion record bare fail 80
expect 0 risk add bare late --title "Late" --deadline 2026-12-01 --duration 2w

check deal-list deal list
slugs=$(python3 -c '
import json
for d in json.load(open("out")): print(d["slug"])')
[ "$(echo "$slugs" | wc -l)" -ge 6 ] || fail "expected the examples and bare"
for s in $slugs; do
	check deal-show deal show "$s"
	check criterion-list criterion list "$s"
	check event-list event list "$s"
	check risk-list risk list "$s"
	check phase-list phase list "$s"
	check history history "$s"
	check object plan "$s"
done
check history history
check history history --limit 3

python3 shape.py checks.tsv || fail "see above"
[ "$(wc -l <checks.tsv)" -ge 50 ] || fail "only $(wc -l <checks.tsv) outputs checked"
# The reference parser the issue names agrees on one of them.
python3 -m json.tool out.1.json >/dev/null || fail "json.tool rejects out.1.json"

# --json may come first or last.
expect 0 deal list --json
python3 -m json.tool out >/dev/null || fail "deal list --json (after): not JSON"

# Errors print a message on stderr and nothing on stdout.
for args in "deal show nope" "criterion list nope" "risk list nope" \
	"deal list extra" "frobnicate"; do
	set +e
	# shellcheck disable=SC2086
	"$TECHWIN" --json $args >out 2>err
	st=$?
	set -e
	[ "$st" -ne 0 ] || fail "techwin --json $args succeeded"
	[ ! -s out ] || fail "techwin --json $args printed on stdout: $(cat out)"
	grep -q '^error: ' err || fail "techwin --json $args: no error message"
done
