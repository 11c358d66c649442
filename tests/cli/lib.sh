# Helpers for the CLI scripts (tests/cli/tNNNN-*.sh), kept once as git's
# t/test-lib.sh keeps them. Each script sources it after `set -eu`, before
# it changes directory, with
#
#	. "$(dirname "$0")/lib.sh"
#
# (ctest runs the scripts by absolute path). The HTTP tests use
# tests/web/lib.sh instead, whose fail() also shows the server's log.
#
#   fail MESSAGE...           print "FAIL: MESSAGE" on stderr and exit 1
#   expect STATUS ARGS...     run "$TECHWIN" ARGS with stdout in ./out and
#                             stderr in ./err; fail unless it exits STATUS
#   error_is PATTERN          stderr is exactly one "error: " line matching
#                             the extended regular expression PATTERN, and
#                             stdout is empty
#   tw ARGS...                run "$TECHWIN" ARGS; fail unless it succeeds
#   q SQL                     run SQL on $TECHWIN_DB with sqlite3, columns
#                             separated by '|'
#   gen_pipeline N DB         bench/gen's pipeline of N deals (the gen
#                             beside $TECHWIN, an absolute path) in ./p,
#                             imported into the new database DB (in .)

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

expect() {
	want=$1
	shift
	set +e
	"$TECHWIN" "$@" >out 2>err
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		cat out err >&2
		fail "techwin $* exited $got, expected $want"
	fi
}

error_is() {
	[ "$(wc -l <err)" -eq 1 ] && grep -Eq "^error: $1\$" err ||
		fail "expected 'error: $1', got: $(cat err)"
	[ ! -s out ] || fail "a failed command printed on stdout: $(cat out)"
}

tw() {
	"$TECHWIN" "$@" || fail "techwin $* exited $?"
}

q() {
	sqlite3 -separator '|' "$TECHWIN_DB" "$1"
}

gen_pipeline() {
	gen=$(dirname "$TECHWIN")/bench/gen
	[ -x "$gen" ] || fail "no bench/gen beside $TECHWIN"
	"$gen" "$1" p >/dev/null || fail "bench/gen $1 failed"
	"$TECHWIN" --db "$2" init >/dev/null || fail "init $2 failed"
	db=$(pwd)/$2
	(cd p/plans && "$TECHWIN" --db "$db" import *.yaml >/dev/null) ||
		fail "importing bench/gen's plans failed"
}
