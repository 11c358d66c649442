#!/bin/sh
# t0002-not-a-db: a file that is not a techwin database (a text file, some
# other program's SQLite database, a techwin database from a newer version)
# is refused with exit 4 and a clear message, and its bytes are unchanged.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB TECHWIN_TODAY
export TECHWIN_USER=tester LC_ALL=C

printf 'version: 1\ndeal:\n  slug: x\n  account: X\n' >plan.yaml

# refused FILE PATTERN: every kind of command, reading or writing, exits 4
# with a message matching PATTERN and leaves FILE byte for byte as it was,
# with no journal or WAL file beside it.
refused() {
	db=$1
	pattern=$2
	before=$(sha256sum <"$db")
	for args in "init" "deal list" "deal add x --account X" \
		"import plan.yaml" "history" "deal show x"; do
		# shellcheck disable=SC2086
		expect 4 --db "$db" $args
		grep -q "$pattern" err ||
			fail "techwin --db $db $args: unclear message: $(cat err)"
		[ "$(sha256sum <"$db")" = "$before" ] ||
			fail "techwin --db $db $args changed the file"
		for f in "$db-wal" "$db-shm" "$db-journal"; do
			[ ! -e "$f" ] || fail "techwin --db $db $args left $f"
		done
	done
}

# A text file.
printf 'meeting notes\nnot a database\n' >notes.txt
refused notes.txt "'notes.txt' is not a techwin database"

# Some other program's SQLite database.
sqlite3 foreign.db "CREATE TABLE t(x); INSERT INTO t VALUES (42);"
refused foreign.db "'foreign.db' is not a techwin database"
[ "$(sqlite3 foreign.db 'SELECT x FROM t')" = 42 ] || fail "foreign data lost"

# Another program's database that happens to have a user_version.
sqlite3 versioned.db "PRAGMA user_version = 1;"
refused versioned.db "'versioned.db' is not a techwin database"

# A techwin database written by a newer techwin (schema bumped).
expect 0 --db new.db init
expect 0 --db new.db deal add acme --account "Acme Corp"
schema=$(sqlite3 new.db "PRAGMA user_version")
[ "$schema" -ge 1 ] || fail "init left user_version at '$schema'"
sqlite3 new.db "PRAGMA user_version = $((schema + 1))"
refused new.db "schema version $((schema + 1)), newer than"
# Put the version back: the data is still there, nothing was migrated away.
sqlite3 new.db "PRAGMA user_version = $schema"
expect 0 --db new.db deal list
grep -q '^acme ' out || fail "deal lost after the refused opens: $(cat out)"
