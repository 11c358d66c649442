#!/bin/sh
# t0001-dbpath: which database a command uses (--db beats $TECHWIN_DB beats
# ./techwin.db), and that commands other than init refuse a missing database
# with exit 4 and a clear message, without creating the file.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB TECHWIN_TODAY
export TECHWIN_USER=tester LC_ALL=C

# The slugs in the database the given global options select.
slugs() {
	"$TECHWIN" "$@" --json deal list | python3 -c '
import json, sys
print(" ".join(d["slug"] for d in json.load(sys.stdin)))'
}

# Default: ./techwin.db in the current directory.
expect 0 init
[ -f techwin.db ] || fail "init did not create ./techwin.db"
expect 0 deal add cwd --account "Current Dir"

# $TECHWIN_DB beats ./techwin.db.
TECHWIN_DB=env.db
export TECHWIN_DB
expect 0 init
[ -f env.db ] || fail "init did not create \$TECHWIN_DB"
expect 0 deal add env --account "From Env"

# --db beats $TECHWIN_DB, in both spellings and on either side of the command.
expect 0 --db flag.db init
[ -f flag.db ] || fail "init did not create --db"
expect 0 deal add flag --account "From Flag" --db=flag.db

[ "$(slugs)" = env ] || fail "\$TECHWIN_DB: got '$(slugs)'"
[ "$(slugs --db flag.db)" = flag ] || fail "--db: got '$(slugs --db flag.db)'"
[ "$(slugs --db=flag.db)" = flag ] || fail "--db=: got '$(slugs --db=flag.db)'"
unset TECHWIN_DB
[ "$(slugs)" = cwd ] || fail "./techwin.db: got '$(slugs)'"
# An empty $TECHWIN_DB means unset, not a file named "".
got=$(export TECHWIN_DB=; slugs)
[ "$got" = cwd ] || fail "empty \$TECHWIN_DB: got '$got'"

# A missing database: every command but init, help and version fails with
# exit 4, says there is no database there, and creates nothing.
printf 'version: 1\ndeal:\n  slug: x\n  account: X\n' >plan.yaml
cmds=$("$TECHWIN" help | sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || fail "no commands in 'techwin help'"
check_missing() {
	expect 4 "$@"
	grep -q "no database at 'missing.db'" err ||
		fail "techwin $*: unclear message: $(cat err)"
	[ ! -s out ] || fail "techwin $*: printed on stdout: $(cat out)"
	for f in missing.db missing.db-wal missing.db-shm missing.db-journal; do
		[ ! -e "$f" ] || fail "techwin $* created $f"
	done
}
for c in $cmds; do
	case $c in init | help | version) continue ;; esac
	check_missing --db missing.db "$c"
done
check_missing --db missing.db deal list
check_missing --db missing.db deal add x --account X
check_missing --db missing.db criterion record x k 1
check_missing --db missing.db import plan.yaml
(export TECHWIN_DB=missing.db; check_missing deal list)

# A path that cannot be created is a storage failure too.
expect 4 --db no-such-dir/t.db init
grep -q "no-such-dir/t.db" err || fail "init in a missing dir: $(cat err)"
[ ! -e no-such-dir ] || fail "init created a directory"

# init, help and version do not need a database, and only init makes one.
expect 0 --db missing.db version
expect 0 --db missing.db help
[ ! -e missing.db ] || fail "help or version created the database"
expect 0 --db missing.db init
[ -f missing.db ] || fail "init did not create missing.db"
