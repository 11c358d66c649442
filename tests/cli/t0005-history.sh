#!/bin/sh
# t0005-history: edits through criterion record, event done and deal set
# append history rows naming the actor ($TECHWIN_USER) with the old and new
# values; the history table refuses UPDATE and DELETE even from sqlite3.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=setup LC_ALL=C

# rows_since ID: the history rows after id ID as actor|entity|key|field|old|new
rows_since() {
	q "SELECT actor, entity, \"key\", field, ifnull(old, '(null)'),
	          ifnull(new, '(null)')
	   FROM history WHERE id > $1 ORDER BY id"
}

last_id() {
	q "SELECT ifnull(max(id), 0) FROM history"
}

expect 0 init
expect 0 deal add acme --account "Acme Corp" --value 100 --currency USD
expect 0 criterion add acme batch --metric "Batch window" --unit min --at-most 15
expect 0 event add acme readout --kind technical --title "POC readout"
[ "$(q 'SELECT DISTINCT actor FROM history')" = setup ] ||
	fail "setup rows name the wrong actor"

# criterion record: measured and measured_on, old none.
id=$(last_id)
TECHWIN_USER=alice expect 0 criterion record acme batch 9 --on 2026-09-20
got=$(rows_since "$id")
want="alice|criterion|batch|measured|(null)|9
alice|criterion|batch|measured_on|(null)|2026-09-20"
[ "$got" = "$want" ] || fail "criterion record history:
$got
expected:
$want"

# A second measurement records the old value.
id=$(last_id)
TECHWIN_USER=alice expect 0 criterion record acme batch 11.5 --on 2026-09-20
got=$(rows_since "$id")
[ "$got" = "alice|criterion|batch|measured|9|11.5" ] ||
	fail "re-record history: $got"

# event done.
id=$(last_id)
TECHWIN_USER=bob expect 0 event "done" acme readout --on 2026-09-30
got=$(rows_since "$id")
[ "$got" = "bob|event|readout|done|(null)|2026-09-30" ] ||
	fail "event done history: $got"

# deal set: one row per changed field, an unchanged field gives none, and
# clearing a field records the old value and no new one.
id=$(last_id)
TECHWIN_USER=carol expect 0 deal set acme --value 150 --currency USD --se Sam
got=$(rows_since "$id")
want="carol|deal||se|(null)|Sam
carol|deal||value|100|150"
[ "$(echo "$got" | sort)" = "$want" ] || fail "deal set history:
$got
expected (any order):
$want"
id=$(last_id)
TECHWIN_USER=carol expect 0 deal set acme --se=
got=$(rows_since "$id")
[ "$got" = "carol|deal||se|Sam|(null)" ] || fail "clearing se: $got"

# A command that fails writes no history.
id=$(last_id)
expect 3 deal set acme --currency usd
expect 3 criterion record acme nope 5
[ "$(last_id)" = "$id" ] || fail "failed commands wrote history"

# An edit that changes nothing writes nothing.
expect 0 deal set acme --value 150
[ "$(last_id)" = "$id" ] || fail "a no-op deal set wrote history"

# `techwin history` shows the same rows with the actor.
expect 0 history acme
grep -q "  bob  acme event 'readout' done: (none) -> 2026-09-30\$" out ||
	fail "history view lacks bob's edit: $(cat out)"
grep -q "  carol  acme deal value: 100 -> 150\$" out ||
	fail "history view lacks carol's edit: $(cat out)"
expect 0 --json history acme
python3 -c '
import json, sys
rows = json.load(open("out"))
assert rows, "empty history"
for k in ("id", "at", "actor", "deal", "entity", "key", "field", "old", "new"):
    assert all(k in r for r in rows), k
assert any(r["actor"] == "alice" and r["field"] == "measured"
           and r["old"] is None and r["new"] == "9" for r in rows), rows
' || fail "history --json"

# The history outlives the deal and cannot be changed or deleted.
expect 0 deal rm acme
n=$(q "SELECT count(*) FROM history")
[ "$(q "SELECT count(*) FROM history WHERE deal = 'acme'")" -gt 0 ] ||
	fail "deal rm deleted its history"
for sql in "DELETE FROM history" \
	"DELETE FROM history WHERE id = 1" \
	"UPDATE history SET actor = 'mallory'" \
	"UPDATE history SET new = 'x' WHERE id = 1"; do
	if sqlite3 "$TECHWIN_DB" "$sql" 2>err; then
		fail "sqlite3 could run: $sql"
	fi
	grep -q "append-only" err || fail "$sql: unexpected error $(cat err)"
done
[ "$(q "SELECT count(*) FROM history")" = "$n" ] || fail "history rows lost"
[ "$(q "SELECT count(*) FROM history WHERE actor = 'mallory'")" = 0 ] ||
	fail "history rows changed"
