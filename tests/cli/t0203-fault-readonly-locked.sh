#!/bin/sh
# t0203-fault-readonly-locked: a database techwin may not write. Read-only
# (file mode 0444, or for root, who ignores modes, an immutable file or a
# read-only mount): reads work where SQLite can, every write exits 4 naming
# the file and why, and the file's bytes are unchanged. Locked (another
# process holds BEGIN EXCLUSIVE through the sqlite3 CLI): reads still work
# (WAL), a write waits for the busy timeout and then exits 4 "database is
# locked", and a write whose lock is released in time succeeds.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }

# Into a private mount namespace first, where mounts need no cleanup.
if [ -z "${TW_FAULT_NS:-}" ] && [ "$(id -u)" -eq 0 ] &&
	command -v unshare >/dev/null && unshare -m true 2>/dev/null; then
	TW_FAULT_NS=1 exec unshare -m "$0" "$@"
fi

tmp=$(mktemp -d)
holder=
cleanup() {
	if [ -n "$holder" ]; then
		kill "$holder" 2>/dev/null || true
		wait "$holder" 2>/dev/null || true
	fi
	umount "$tmp/ro" 2>/dev/null || true
	for f in "$tmp/imm/t.db" "$tmp/old.db"; do
		chattr -i "$f" 2>/dev/null || true
	done
	chmod -R u+w "$tmp" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

printf 'version: 1\ndeal:\n  slug: planned\n  account: Planned Inc\n' >plan.yaml

# new_db PATH: a small database with history, no WAL beside it.
new_db() {
	mkdir -p "$(dirname "$1")"
	expect 0 --db "$1" init
	expect 0 --db "$1" deal add acme --account "Acme Corp"
	expect 0 --db "$1" criterion add acme batch --metric Batch --at-most 15
	expect 0 --db "$1" criterion record acme batch 12 --on 2026-11-20
}

# The writes every read-only case refuses; $1 is the database, $2 the
# expected message. The file's bytes must not change.
refuse_writes() {
	sum=$(sha256sum <"$1")
	for args in "deal add beta --account Beta" \
		"criterion record acme batch 9" "import plan.yaml" \
		"deal rm acme"; do
		# shellcheck disable=SC2086
		expect 4 --db "$1" $args
		error_is "$2"
		[ "$(sha256sum <"$1")" = "$sum" ] ||
			fail "techwin --db $1 $args changed the file"
	done
}

# The reads that work when SQLite can make its -wal and -shm files.
reads_work() {
	expect 0 --db "$1" deal list
	grep -q '^acme ' out || fail "deal list on $1 lost acme: $(cat out)"
	expect 0 --db "$1" --json deal show acme
	grep -q '"measured": 12' out || fail "deal show on $1: $(cat out)"
	expect 0 --db "$1" history
}

# ---- read-only ----------------------------------------------------------
ran=
if [ "$(id -u)" -ne 0 ]; then
	new_db mode/t.db
	chmod 0444 mode/t.db
	reads_work mode/t.db
	refuse_writes mode/t.db "database 'mode/t.db' is read-only"
	ran="$ran mode-0444"
fi

# chattr +i only works on some file systems (not tmpfs): check it took.
new_db imm/t.db
if chattr +i imm/t.db 2>/dev/null && ! (: >>imm/t.db) 2>/dev/null; then
	reads_work imm/t.db
	refuse_writes imm/t.db "database 'imm/t.db' is read-only"
	# An older schema cannot be upgraded in place: said so, not migrated.
	chattr -i imm/t.db
	cp imm/t.db old.db
	sqlite3 old.db "PRAGMA user_version = 3"
	chattr +i old.db
	expect 4 --db old.db deal list
	error_is "database 'old.db' is read-only and needs a schema upgrade"
	chattr -i old.db
	[ "$(sqlite3 old.db 'PRAGMA user_version')" = 3 ] ||
		fail "a read-only old.db was migrated"
	ran="$ran immutable"
fi

# A read-only mount: SQLite cannot create the -wal and -shm files it needs
# even to read a WAL database, so reads fail too, and say why.
if [ -n "${TW_FAULT_NS:-}" ]; then
	new_db ro/t.db
	if mount --bind ro ro 2>/dev/null &&
		mount -o remount,bind,ro ro 2>/dev/null; then
		why="cannot open database 'ro/t.db': cannot create 'ro/t.db-wal' and 'ro/t.db-shm' beside it: Read-only file system"
		expect 4 --db ro/t.db deal list
		error_is "$why"
		refuse_writes ro/t.db "$why"
		umount ro
		ran="$ran read-only-mount"
	fi
fi
[ -z "$ran" ] || echo "read-only cases:$ran"
[ -n "$ran" ] ||
	echo "skip: read-only database (root without chattr +i or a mount namespace)"

# ---- locked ---------------------------------------------------------------
db=lock.db
new_db "$db"
before=$("$TECHWIN" --db "$db" --json deal show acme)

# start_holder SQL: a sqlite3 CLI on $db runs SQL and keeps its connection
# (and transaction) open until stop_holder.
start_holder() {
	rm -f ctl held
	mkfifo ctl
	sqlite3 "$db" <ctl >holder.out 2>&1 &
	holder=$!
	exec 3>ctl
	printf '%s\n.shell touch held\n' "$1" >&3
	n=0
	while [ ! -e held ]; do
		n=$((n + 1))
		[ "$n" -lt 500 ] || fail "sqlite3 did not run '$1': $(cat holder.out)"
		sleep 0.01
	done
}

stop_holder() {
	printf '%s\n' "$1" >&3
	exec 3>&-
	wait "$holder" || fail "sqlite3 holding $db failed: $(cat holder.out)"
	holder=
}

start_holder "BEGIN EXCLUSIVE; INSERT INTO settings VALUES ('held', 'yes');"

# Readers see the last commit, without waiting.
reads_work "$db"
[ "$("$TECHWIN" --db "$db" --json deal show acme)" = "$before" ] ||
	fail "a reader saw a change while $db was locked"

# Writers give up after the busy timeout (5 s), not at once.
for args in "criterion record acme batch 9" "import plan.yaml"; do
	start=$(date +%s)
	# shellcheck disable=SC2086
	expect 4 --db "$db" $args
	waited=$(($(date +%s) - start))
	error_is "database is locked: '$db' is in use by another process"
	[ "$waited" -ge 4 ] || fail "techwin $args gave up after ${waited} s, not the busy timeout"
	[ "$waited" -le 30 ] || fail "techwin $args waited ${waited} s"
done
stop_holder "ROLLBACK;"
[ "$("$TECHWIN" --db "$db" --json deal show acme)" = "$before" ] ||
	fail "writes refused while $db was locked changed it"
[ -z "$(sqlite3 "$db" "SELECT value FROM settings WHERE key = 'held'")" ] ||
	fail "the holder's rolled back insert is in $db"

# A writer that finds the lock held waits for it: released after a second,
# the write goes through.
start_holder "BEGIN EXCLUSIVE;"
"$TECHWIN" --db "$db" criterion record acme batch 9 >w.out 2>w.err &
writer=$!
sleep 1
stop_holder "COMMIT;"
wait "$writer" || fail "a write waiting for the lock failed: $(cat w.err)"
expect 0 --db "$db" --json deal show acme
grep -q '"measured": 9' out || fail "the waiting write is not in $db: $(cat out)"
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || fail "$db is damaged"
