#!/bin/sh
# t0202-fault-disk-full: when the disk fills up or a file reaches the file
# size limit, an import and a `criterion record` fail with exit 4 and say
# so ("disk full writing 'FILE'", "file too large writing 'FILE'"), and the
# database is unchanged: the same bytes, the same deals, integrity ok.
#
# A full disk is a 512 KiB tmpfs, mounted inside a private mount namespace
# (unshare -m; needs root, as in CI) so it goes away with the test; without
# one that part is skipped with a note. The file size limit (ulimit -f, with
# SIGXFSZ ignored so write() fails with EFBIG) needs nothing and always runs.
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
	umount "$tmp/full" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

# Like expect, under a file size limit of $1 blocks, SIGXFSZ ignored.
expect_limited() {
	blocks=$1
	want=$2
	shift 2
	set +e
	(
		trap '' XFSZ
		ulimit -f "$blocks"
		exec "$TECHWIN" "$@" >out 2>err
	)
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		cat out err >&2
		fail "techwin $* (ulimit -f $blocks) exited $got, expected $want"
	fi
}

# What a user sees of the database, with the bytes of the file and its
# integrity; the same before and after every failed command.
snapshot() {
	"$TECHWIN" --db "$1" --json deal list
	"$TECHWIN" --db "$1" --json deal show acme
	"$TECHWIN" --db "$1" --json history
	sha256sum <"$1"
	sqlite3 "$1" "PRAGMA integrity_check"
}

# new_db PATH: a small database with history, no WAL left beside it.
new_db() {
	expect 0 --db "$1" init
	expect 0 --db "$1" deal add acme --account "Acme Corp"
	expect 0 --db "$1" criterion add acme batch --metric Batch --at-most 15
	expect 0 --db "$1" criterion record acme batch 12 --on 2026-11-20
	[ ! -s "$1-wal" ] || fail "$1-wal left after the commands closed"
}

# 500 deals: a WAL of some 700 KB, more than either limit below allows.
"$TW_SRC/tests/cli/gen-deals.sh" 500 plans 1

# ---- a full disk: a 512 KiB tmpfs -----------------------------------------
mkdir full
if [ -n "${TW_FAULT_NS:-}" ] &&
	mount -t tmpfs -o size=512k,mode=0755 tmpfs "$tmp/full" 2>/dev/null; then
	db=full/t.db
	new_db "$db"
	before=$(snapshot "$db")

	# The import fills the disk half way through its transaction.
	expect 4 --db "$db" import plans/*.yaml
	error_is "disk full writing '$db'"
	[ "$(snapshot "$db")" = "$before" ] || fail "a failed import changed $db"

	# A disk that is already full: the -shm index SQLite makes beside the
	# database on opening cannot be created.
	dd if=/dev/zero of=full/filler bs=4096 2>/dev/null || true
	expect 4 --db "$db" criterion record acme batch 9
	error_is "disk full writing '$db(-shm)?'"
	rm full/filler
	[ "$(snapshot "$db")" = "$before" ] || fail "a failed record changed $db"

	# With another process holding the database open, the index exists
	# and it is the write itself that finds the disk full.
	mkfifo ctl
	sqlite3 "$db" <ctl >holder.out 2>&1 &
	holder=$!
	exec 3>ctl
	printf 'SELECT count(*) FROM deals;\n.shell touch opened\n' >&3
	n=0
	while [ ! -e opened ]; do
		n=$((n + 1))
		[ "$n" -lt 500 ] || fail "sqlite3 did not open $db: $(cat holder.out)"
		sleep 0.01
	done
	dd if=/dev/zero of=full/filler bs=4096 2>/dev/null || true
	expect 4 --db "$db" criterion record acme batch 9
	error_is "disk full writing '$db'"
	expect 4 --db "$db" import plans/*.yaml
	error_is "disk full writing '$db'"
	exec 3>&-
	wait "$holder"
	holder=
	rm full/filler
	[ "$(snapshot "$db")" = "$before" ] ||
		fail "failed writes beside another reader changed $db"

	# A new database on a full disk: init fails, and once there is space
	# init works on the file it left.
	dd if=/dev/zero of=full/filler bs=4096 2>/dev/null || true
	expect 4 --db full/new.db init
	error_is "disk full writing 'full/new.db'"
	rm full/filler
	expect 0 --db full/new.db init
	expect 0 --db full/new.db deal list
	[ "$(sqlite3 full/new.db 'PRAGMA integrity_check')" = ok ] ||
		fail "full/new.db is damaged after a failed init"

	# And with space the same commands work: it was the disk.
	rm full/new.db
	expect 0 --db "$db" criterion record acme batch 9
	umount "$tmp/full"
else
	echo "skip: disk full on a tmpfs (needs root and unshare -m to mount one)"
fi

# ---- the file size limit: ulimit -f ----------------------------------------
# In 512-byte blocks (dash; bash counts 1024): 128 leaves room for the
# 32 KiB -shm index but not for the import's WAL; 16 not for the index.
db=t.db
new_db "$db"
before=$(snapshot "$db")
expect_limited 128 4 --db "$db" import plans/*.yaml
error_is "file too large writing '$db' \(over the file size limit\)"
[ "$(snapshot "$db")" = "$before" ] || fail "an import over the size limit changed $db"
expect_limited 16 4 --db "$db" criterion record acme batch 9
error_is "file too large writing '$db(-shm)?' \(over the file size limit\)"
[ "$(snapshot "$db")" = "$before" ] || fail "a record over the size limit changed $db"
expect 0 --db "$db" criterion record acme batch 9
