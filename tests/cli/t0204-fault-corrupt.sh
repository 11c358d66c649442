#!/bin/sh
# t0204-fault-corrupt: a damaged database file (cut short, or a page in the
# middle overwritten) and one from a newer techwin. Every command that
# meets the damage, reading or writing, exits 4 with a message naming the
# file, and leaves its bytes as they were, with no -wal or -shm behind.
# (t0002 covers files that are not techwin databases at all.)
#
# SQLite finds damage when it reads a damaged page; a command that reads
# only intact pages still works. So the overwritten page is chosen, through
# the sqlite3 CLI's dbstat table, as a leaf of the deals table near the
# middle of the file, and the commands below all read it.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

# refused DB PATTERN COMMAND...: each COMMAND (one string of arguments)
# exits 4 with exactly one "error: " line matching PATTERN, prints nothing
# on stdout, and leaves DB byte for byte as it was, with nothing beside it.
refused() {
	db=$1
	pattern=$2
	shift 2
	sum=$(sha256sum <"$db")
	for args in "$@"; do
		# shellcheck disable=SC2086
		expect 4 --db "$db" $args
		[ "$(wc -l <err)" -eq 1 ] && grep -Eq "^error: $pattern\$" err ||
			fail "techwin --db $db $args: expected 'error: $pattern', got: $(cat err)"
		[ ! -s out ] || fail "techwin --db $db $args printed: $(cat out)"
		[ "$(sha256sum <"$db")" = "$sum" ] ||
			fail "techwin --db $db $args changed the file"
		for f in "$db-wal" "$db-shm" "$db-journal"; do
			[ ! -e "$f" ] || fail "techwin --db $db $args left $f"
		done
	done
}

# A database of 300 deals: some 120 pages, the deals table over several.
"$TW_SRC/tests/cli/gen-deals.sh" 300 plans 5
expect 0 --db good.db init
expect 0 --db good.db import plans/*.yaml
pages=$(sqlite3 good.db "PRAGMA page_count")
size=$(wc -c <good.db)
[ "$size" -eq $((pages * 4096)) ] || fail "good.db: $size bytes for $pages pages"

# ---- cut short ------------------------------------------------------------
# At half the file, and in the middle of a page near the start.
for cut in $((size / 2)) 10000; do
	cp good.db cut.db
	truncate -s "$cut" cut.db
	refused cut.db "database 'cut.db' is damaged: database disk image is malformed" \
		"deal list" "deal show deal-00001" "check" "history" \
		"criterion record deal-00001 c3 5" "deal add new --account New" \
		"import plans/d00001.yaml" "init"
done

# ---- a page in the middle overwritten ----------------------------------------
# The deals leaf nearest the middle of the file, and the first deal on it
# (leaves in path order hold the rows in id order).
leaf=$(sqlite3 good.db "SELECT pageno || ' ' || path FROM dbstat
	WHERE name = 'deals' AND pagetype = 'leaf'
	ORDER BY abs(pageno - $pages / 2), pageno LIMIT 1" 2>/dev/null) || leaf=
if [ -n "$leaf" ]; then
	page=${leaf%% *}
	path=${leaf#* }
	slug=$(sqlite3 good.db "SELECT slug FROM deals ORDER BY id LIMIT 1 OFFSET
		(SELECT coalesce(sum(ncell), 0) FROM dbstat WHERE name = 'deals'
		 AND pagetype = 'leaf' AND path < '$path')")
	[ -n "$slug" ] || fail "no deal on page $page of good.db"
	[ "$page" -gt 2 ] && [ "$page" -lt "$pages" ] ||
		fail "page $page of $pages is not in the middle of good.db"
	cp good.db page.db
	yes 'overwritten by a fault test' | head -c 4096 |
		dd of=page.db bs=4096 seek=$((page - 1)) conv=notrunc 2>/dev/null
	cmp -s good.db page.db && fail "page $page of page.db was not overwritten"
	file=plans/d${slug#deal-}.yaml
	[ -f "$file" ] || fail "no plan file $file for $slug"
	refused page.db "database 'page.db' is damaged: database disk image is malformed" \
		"deal list" "--json deal list" "deal show $slug" "export $slug" \
		"check" "criterion record $slug c3 5" "deal set $slug --stage won" \
		"import $file"
else
	echo "skip: overwritten page (this sqlite3 CLI has no dbstat table)"
fi

# ---- a newer schema ---------------------------------------------------------
cp good.db new.db
schema=$(sqlite3 new.db "PRAGMA user_version")
sqlite3 new.db "PRAGMA user_version = $((schema + 1))"
refused new.db "database 'new.db' has schema version $((schema + 1)), newer than this techwin knows \\($schema\\): upgrade techwin" \
	"deal list" "check" "criterion record deal-00001 c3 5" \
	"import plans/d00001.yaml" "init" "serve --listen 127.0.0.1:0"

# Nothing was migrated away: with its version put back it is the database
# it was.
sqlite3 new.db "PRAGMA user_version = $schema"
expect 0 --db new.db --json deal show deal-00150
cp out new.json
expect 0 --db good.db --json deal show deal-00150
cmp -s out new.json || fail "new.db differs from good.db after the refusals"
