#!/bin/sh
# t0141-pg-cli: techwin on a team's PostgreSQL database, through the command
# line: init on an empty database, migrate a laptop's SQLite workspace there
# and back (the copies' exports, deal lists, history and accounts compared),
# a non-empty target refused unless --force, databases that are not
# techwin's refused and left untouched, no password in any message, and two
# writers on one deal at once losing nothing, on both stores. Runs against a
# throwaway cluster (tests/pg/with-cluster.sh).
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
if [ -z "${TW_TEST_PG_URL:-}" ]; then
	exec "$TW_SRC/tests/pg/with-cluster.sh" "$0" "$@"
fi
PSQL=psql
[ -z "${TW_TEST_PG_BIN:-}" ] || PSQL=$TW_TEST_PG_BIN/psql

tmp=$(mktemp -d)
dbs=""
cleanup() {
	for d in $dbs; do
		"$PSQL" -q "$TW_TEST_PG_URL" -c "DROP DATABASE IF EXISTS $d" \
			>/dev/null 2>&1 || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"
export TECHWIN_TODAY=2026-11-26 TECHWIN_USER=sam LC_ALL=C
unset TECHWIN_DB

# newdb NAME: an empty database; prints its URL.
newdb() {
	name=tw_cli_$$_$1
	"$PSQL" -q "$TW_TEST_PG_URL" -c "CREATE DATABASE $name" >/dev/null
	dbs="$dbs $name"
	case $TW_TEST_PG_URL in
	*\?*) echo "$TW_TEST_PG_URL&dbname=$name" ;;
	*) echo "$TW_TEST_PG_URL?dbname=$name" ;;
	esac
}

sql() {
	"$PSQL" -qtA -v ON_ERROR_STOP=1 "$1" -c "$2"
}

json_len() {
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'
}

# same_lists A B [VIEW...]: these views of the two workspaces are the same.
same_lists() {
	a=$1
	b=$2
	shift 2
	for view in "$@"; do
		# shellcheck disable=SC2086
		"$TECHWIN" --db "$a" $view >a.out 2>&1 ||
			fail "$view on $a: $(cat a.out)"
		# shellcheck disable=SC2086
		"$TECHWIN" --db "$b" $view >b.out 2>&1 ||
			fail "$view on $b: $(cat b.out)"
		cmp -s a.out b.out || {
			diff a.out b.out >&2 || true
			fail "'$view' differs between the copies"
		}
	done
}

# same A B: the two workspaces read the same through techwin, down to
# every deal's plan file.
same() {
	for view in "deal list --json" "history --json" "user list --json" \
		"token list --json" "share list --json" "config list --json" \
		"snooze acme"; do
		# shellcheck disable=SC2086
		"$TECHWIN" --db "$1" $view >a.out 2>&1 ||
			fail "$view on $1: $(cat a.out)"
		# shellcheck disable=SC2086
		"$TECHWIN" --db "$2" $view >b.out 2>&1 ||
			fail "$view on $2: $(cat b.out)"
		cmp -s a.out b.out || {
			diff a.out b.out >&2 || true
			fail "'$view' differs between the copies"
		}
	done
	"$TECHWIN" --db "$1" deal list --json >a.out
	slugs=$(python3 -c 'import json, sys
print(" ".join(d["slug"] for d in json.load(sys.stdin)))' <a.out)
	[ -n "$slugs" ] || fail "no deals to compare"
	for s in $slugs; do
		"$TECHWIN" --db "$1" export "$s" >a.out
		"$TECHWIN" --db "$2" export "$s" >b.out
		cmp -s a.out b.out || fail "export $s differs between the copies"
	done
}

# ---- a laptop's workspace, something in every table ----------------------
laptop=$tmp/laptop.db
expect 0 --db "$laptop" init
expect 0 --db "$laptop" import "$TW_SRC"/examples/*.yaml
expect 0 --db "$laptop" deal add acme --account "Acme 'Quoted' Corp" \
	--value 120000.5 --currency EUR
expect 0 --db "$laptop" criterion add acme batch --metric "Batch window" \
	--unit min --at-most 15
expect 0 --db "$laptop" criterion record acme batch 9 --on 2026-09-20
expect 0 --db "$laptop" event add acme readout --kind technical \
	--title "POC readout"
expect 0 --db "$laptop" event "done" acme readout --on 2026-09-30
expect 0 --db "$laptop" snooze acme --until 2026-12-04 --reason "budget freeze"
expect 0 --db "$laptop" message acme buying-signal --criterion batch --log
expect 0 --db "$laptop" config set momentum.max_gap 7
printf 'pass1234\n' | expect 0 --db "$laptop" user add alice --role admin
expect 0 --db "$laptop" token add ci --user alice
expect 0 --db "$laptop" share acme --expires 2026-12-31
ndeals=$("$TECHWIN" --db "$laptop" deal list --json | json_len)
nhist=$("$TECHWIN" --db "$laptop" history --json | json_len)

# ---- init on an empty PostgreSQL database; it is idempotent --------------
team=$(newdb team)
expect 0 --db "$team" init
grep -q "(schema " out || fail "init output: $(cat out)"
expect 0 --db "$team" init
expect 0 --db "$team" deal list --json
[ "$(cat out)" = "[]" ] || fail "a new team database has deals: $(cat out)"
[ "$(sql "$team" "SELECT value FROM techwin_meta WHERE key = 'application'")" \
	= techwin ] || fail "no techwin marker in the team database"

# ---- the laptop's workspace moves to the team database ------------------
expect 0 migrate --from "$laptop" --to "$team"
grep -q "^migrated '$laptop' to '.*': $ndeals deals, $nhist history rows, 1 settings, 1 users, 1 tokens, 1 share links (verified)$" out ||
	fail "migrate report: $(cat out)"
same "$laptop" "$team"
expect 0 --db "$team" --json migrate --from "$laptop" --to "$tmp/json.db"
python3 -c 'import json, sys
r = json.load(sys.stdin)
assert r["deals"] == int(sys.argv[1]) and r["verified"] is True, r' \
	"$ndeals" <out || fail "migrate --json: $(cat out)"

# It is a working team database: edits land in its history.
expect 0 --db "$team" criterion record acme batch 8 --on 2026-09-21
"$TECHWIN" --db "$team" history acme --json >h.json
python3 -c 'import json, sys
h = json.load(sys.stdin)[-2:]
assert [(e["actor"], e["field"], e["old"], e["new"]) for e in h] == [
    ("sam", "measured", "9", "8"),
    ("sam", "measured_on", "2026-09-20", "2026-09-21")], h' <h.json ||
	fail "history of an edit on PostgreSQL: $(cat h.json)"

# Not again into a workspace that has data, unless --force.
expect 3 migrate --from "$laptop" --to "$team"
grep -q "error: cannot migrate to '.*': target is not empty ($ndeals deals, $((nhist + 2)) history rows, 1 settings, 1 users, 1 tokens, 1 share links, 0 playbook steps): --force replaces everything in it" err ||
	fail "non-empty target message: $(cat err)"
expect 0 migrate --from "$laptop" --to "$team" --force
same_lists "$laptop" "$team" "deal list --json" "history --json"

# And back to a new SQLite file (the source defaults to --db).
expect 0 --db "$team" migrate --to "$tmp/back.db"
same "$laptop" "$tmp/back.db"
expect 2 --db "$team" migrate --to "$team"
expect 2 --db "$team" migrate

# ---- a password change revokes the user's API tokens here too ------------
printf 'new-pass-5678\n' | expect 0 --db "$team" user passwd alice
grep -q "and 1 API token revoked$" out || fail "passwd: $(cat out)"
[ "$(sql "$team" "SELECT count(*) FROM tokens")" = 0 ] ||
	fail "passwd left alice's token on PostgreSQL"

# ---- databases that are not techwin's ------------------------------------
foreign=$(newdb foreign)
sql "$foreign" "CREATE TABLE notes (body text);
	INSERT INTO notes VALUES ('keep me')"
for args in "deal list" "init" "migrate --from $laptop --to $foreign"; do
	# shellcheck disable=SC2086
	expect 4 --db "$foreign" $args
	grep -q "is not a techwin database" err ||
		fail "$args on a foreign database: $(cat err)"
done
[ "$(sql "$foreign" "SELECT string_agg(c.relname, ',') FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public'")" = notes ] ||
	fail "the foreign database was changed"
[ "$(sql "$foreign" "SELECT body FROM notes")" = "keep me" ] ||
	fail "the foreign table was changed"

empty=$(newdb empty)
expect 4 --db "$empty" deal list
grep -q "no techwin database at '" err || fail "empty database: $(cat err)"
[ "$(sql "$empty" "SELECT count(*) FROM pg_class c
	JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = 'public'")" = 0 ] ||
	fail "opening an empty database created tables"

sql "$team" "UPDATE techwin_meta SET value = '999'
	WHERE key = 'schema_version'"
expect 4 --db "$team" deal list
grep -q "has schema version 999, newer than this techwin knows" err ||
	fail "newer schema: $(cat err)"

# ---- no password in any message -----------------------------------------
expect 4 --db "postgresql://sam:s3cret@127.0.0.1:1/team" deal list
grep -q "s3cret" err && fail "a password was printed: $(cat err)"
grep -q "cannot connect to 'postgresql://sam:\*\*\*@127.0.0.1:1/team'" err ||
	fail "connection error: $(cat err)"
expect 4 migrate --from "$laptop" --to "postgres://127.0.0.1:1/x?password=s3cret"
grep -q "s3cret" err && fail "a password was printed: $(cat err)"

# ---- two writers on one deal at once -------------------------------------
# Through the command line, as two SEs would; the store suite runs 1,000
# writes per writer on both stores (test_concurrent_writers).
N=30
python3 -c 'import datetime, sys
d = datetime.date(2026, 1, 1)
for i in range(1, int(sys.argv[1]) + 1):
    print(d + datetime.timedelta(days=i))' $N >dates

race() {
	db=$1
	expect 0 --db "$db" init
	expect 0 --db "$db" deal add race --account Race
	expect 0 --db "$db" criterion add race c0 --metric m --at-least 1
	expect 0 --db "$db" event add race e0 --kind technical --title t
	before=$("$TECHWIN" --db "$db" history race --json | json_len)
	(
		i=1
		while [ $i -le $N ]; do
			"$TECHWIN" --db "$db" criterion record race c0 $i \
				--on 2026-01-01 >/dev/null || exit 1
			i=$((i + 1))
		done
	) &
	p1=$!
	(
		while read -r day; do
			"$TECHWIN" --db "$db" event "done" race e0 --on "$day" \
				>/dev/null || exit 1
		done <dates
	) &
	p2=$!
	wait $p1 || fail "criterion writer failed on $db"
	wait $p2 || fail "event writer failed on $db"
	after=$("$TECHWIN" --db "$db" history race --json | json_len)
	# The first measurement also sets measured_on: one row more.
	[ $((after - before)) -eq $((2 * N + 1)) ] ||
		fail "$db: $((after - before)) history rows, expected $((2 * N + 1))"
	"$TECHWIN" --db "$db" --json deal show race >show.json
	python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d["criteria"][0]["measured"] == int(sys.argv[1]), d["criteria"]
assert d["events"][0]["done"] == sys.argv[2], d["events"]' \
		$N "$(tail -n 1 dates)" <show.json ||
		fail "$db: the last writes are not what the deal holds"
}
race "$(newdb race)"
race "$tmp/race.db"
echo "t0141-pg-cli: ok"
