#!/bin/sh
# t0150-admin-history: changes to the workspace rather than a deal are in
# the history, written by the one store function each goes through (so the
# CLI, the pages and the API record them alike): settings (config set,
# unset, holidays import), users (add, role, passwd, rm) and API tokens
# (add, rm), never with a password, a hash or a token. A setting set to
# what it holds is no change. user role changes a role; the only admin can
# be neither demoted nor removed.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
: "${TW_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	TECHWIN_PWHASH_FAST=1 LC_ALL=C TECHWIN_NOW=2026-11-26T10:00:00Z

expect 0 init
expect 0 deal add acme --account "Acme Corp"
n0=$(q "SELECT count(*) FROM history")

# ---- settings ---------------------------------------------------------------

expect 0 config set momentum.max_gap 07
expect 0 config set momentum.max_gap 7
expect 0 config unset momentum.half_life
expect 3 config set momentum.max_gap -1
expect 0 config holidays import "$TW_SRC/tests/data/ics/de-berlin.ics" \
	--years 2026
expect 0 config unset momentum.max_gap
expect 0 history
grep -q "^2026-11-26T10:00:00Z  tester  (workspace) setting 'momentum.max_gap' value: (none) -> 7\$" out ||
	fail "config set not in the history: $(cat out)"
grep -q "(workspace) setting 'momentum.max_gap' value: 7 -> (none)\$" out ||
	fail "config unset not in the history: $(cat out)"
grep -q "(workspace) setting 'holidays' value: (none) -> 2026-01-01," out ||
	fail "holidays import not in the history: $(cat out)"
# Setting what is there, unsetting what is unset and a refused value: none.
[ "$(grep -c "setting 'momentum" out)" = 2 ] ||
	fail "a no-op or refused change was recorded: $(cat out)"
expect 0 history acme
grep -q workspace out && fail "history SLUG lists workspace changes"
expect 0 history --json
"${PYTHON:-python3}" - out <<'PY' || fail "history --json of a setting"
import json, sys
rows = json.load(open(sys.argv[1]))
s = [r for r in rows if r["entity"] == "setting"]
assert s[0] == {"id": s[0]["id"], "at": "2026-11-26T10:00:00Z",
                "actor": "tester", "deal": "", "entity": "setting",
                "key": "momentum.max_gap", "field": "value", "old": None,
                "new": "7"}, s[0]
PY

# ---- users and tokens -------------------------------------------------------

printf 'pass1234\n' | expect 0 user add alice --role admin
printf 'pass5678\n' | expect 0 user add bob --role editor
expect 0 user role bob viewer
[ "$(cat out)" = "user 'bob' is now a viewer" ] || fail "role: $(cat out)"
[ "$(q "SELECT role FROM users WHERE name = 'bob'")" = viewer ] ||
	fail "user role did not change the role"
expect 3 user role bob boss
error_is "invalid role 'boss' \\(use admin, editor or viewer\\)"
expect 3 user role nobody editor
error_is "unknown user 'nobody'"
expect 2 user role bob
# The only admin stays one, and stays.
expect 3 user role alice editor
error_is "cannot demote user 'alice': it is the only admin \\(make another user admin first\\)"
expect 3 user rm alice
error_is "cannot remove user 'alice': it is the only admin \\(make another user admin first\\)"
[ "$(q "SELECT role FROM users WHERE name = 'alice'")" = admin ] ||
	fail "a refused change changed alice"
"$TECHWIN" token add ci --user bob >token 2>/dev/null || fail "token add"
tok=$(cat token)
printf 'newpass99\n' | expect 0 user passwd bob --keep-tokens
expect 0 token rm ci
expect 0 user role bob admin
expect 0 user role alice viewer
expect 0 user rm alice
expect 0 history
sed 's/^[^ ]*  tester  //' out | grep "(workspace) [ut]" >got
cat >want <<'EOF'
(workspace) user 'alice' created
(workspace) user 'bob' created
(workspace) user 'bob' role: editor -> viewer
(workspace) token 'ci' created
(workspace) user 'bob' password: (hidden) -> (changed)
(workspace) token 'ci' deleted
(workspace) user 'bob' role: viewer -> admin
(workspace) user 'alice' role: admin -> viewer
(workspace) user 'alice' deleted
EOF
diff -u want got || fail "users and tokens in the history"
# No secret reaches the history.
q "SELECT coalesce(old, '') || ' ' || coalesce(new, '') FROM history" >vals
for secret in pass1234 pass5678 newpass99 "$tok" argon2id; do
	grep -qF -e "$secret" vals && fail "the history holds '$secret'"
done
n1=$(q "SELECT count(*) FROM history")
[ "$n1" -gt "$n0" ] || fail "nothing recorded"
exit 0
