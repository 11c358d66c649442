#!/bin/sh
# The example pipeline exercises every momentum rule at least once, so the
# demo shows each of them and a rule that stops firing is noticed.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/t.db"
"$TECHWIN" --db "$db" init >/dev/null
"$TECHWIN" --db "$db" import "$TW_SRC"/examples/*.yaml >/dev/null

status=0
"$TECHWIN" --db "$db" --today 2026-11-26 check --json >"$tmp/check.json" ||
	status=$?
[ "$status" -eq 1 ] || { echo "check exit $status, want 1"; exit 1; }

python3 - "$tmp/check.json" <<'PY'
import json, sys
want = {"no-commercial-followup", "late-commercial-followup",
        "stale-technical-win", "unframed-pass", "deadline-at-risk",
        "start-soon", "failed-criterion", "poc-overdue", "phase-unjustified"}
d = json.load(open(sys.argv[1]))
got = {f["rule"] for f in d["findings"]}
if got != want:
    sys.exit("rules fired: %s; missing: %s; unexpected: %s"
             % (sorted(got), sorted(want - got), sorted(got - want)))
if not any(f["deal"] == "harbor-logistics" for f in d["freshness"]):
    sys.exit("no freshness score for the stale win")
PY

# Every rule id is documented in `techwin help check`.
help=$("$TECHWIN" help check)
for r in no-commercial-followup late-commercial-followup stale-technical-win \
	unframed-pass deadline-at-risk start-soon failed-criterion poc-overdue \
	phase-unjustified; do
	echo "$help" | grep -q -- "$r" || { echo "help check lacks $r"; exit 1; }
done
echo "t0009: ok"
