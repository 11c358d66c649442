#!/bin/sh
# The example pipeline exercises every momentum rule at least once, so the
# demo shows each of them and a rule that stops firing is noticed.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/t.db"
"$TECHWIN" --db "$db" init >/dev/null
"$TECHWIN" --db "$db" import "$TW_SRC"/examples/*.yaml >/dev/null
# As scripts/demo does: a link sent a week ago, never opened.
"$TECHWIN" --db "$db" --today 2026-11-19 share kestrel-rail >/dev/null 2>&1

status=0
"$TECHWIN" --db "$db" --today 2026-11-26 check --json >"$tmp/check.json" ||
	status=$?
[ "$status" -eq 1 ] || { echo "check exit $status, want 1"; exit 1; }

python3 - "$tmp/check.json" <<'PY'
import json, sys
want = {"no-commercial-followup", "late-commercial-followup",
        "stale-technical-win", "commercial-step-overdue", "no-next-step",
        "unframed-pass", "deadline-at-risk", "start-soon", "failed-criterion",
        "poc-overdue", "phase-unjustified", "plan-unopened",
        "buyer-step-overdue", "commercial-too-late"}
d = json.load(open(sys.argv[1]))
got = {f["rule"] for f in d["findings"]}
if got != want:
    sys.exit("rules fired: %s; missing: %s; unexpected: %s"
             % (sorted(got), sorted(want - got), sorted(got - want)))
fresh = {f["deal"]: f for f in d["freshness"]}
if "harbor-logistics" not in fresh:
    sys.exit("no freshness score for the stale win")
# Freshness decays from the progress date P, here the recap e-mail done on
# the day of the win: one done step does not freeze it at 100.
k = fresh.get("kestrel-rail")
if not k or k["technical_win"] != "2026-11-10" or k["progress"] != "2026-11-10" \
        or not 43 < k["score"] < 44:
    sys.exit("kestrel-rail freshness: %r" % (k,))
PY

# Every rule id is documented in `techwin help check`.
help=$("$TECHWIN" help check)
for r in no-commercial-followup late-commercial-followup stale-technical-win \
	commercial-step-overdue no-next-step unframed-pass deadline-at-risk \
	start-soon failed-criterion poc-overdue phase-unjustified \
	plan-unopened buyer-step-overdue date-proposed commercial-too-late; do
	echo "$help" | grep -q -- "$r" || { echo "help check lacks $r"; exit 1; }
done
echo "t0009: ok"
