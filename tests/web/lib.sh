# Helpers for the HTTP tests (tests/cli/t01NN-web-*.sh), sourced after
# `set -eu`. Each test gets a fresh temporary directory and database, starts
# `techwin serve` on an ephemeral loopback port (--listen 127.0.0.1:0 with
# --port-file, so tests never race for a port) and always stops it on exit.
#
#   start_server [ARGS...]    serve in the background; sets $base, $server_pid
#   stop_server               SIGTERM, wait; sets $server_status
#   req METHOD PATH [CURL ARGS...]
#                             one request; $code is the status, the body is
#                             in $tmp/body and the headers in $tmp/headers
#   expect CODE METHOD PATH [CURL ARGS...]
#                             req, failing the test unless the status is CODE
#   jcheck EXPR...            Python expressions over d, the JSON body of
#                             the last request; fails on the first false one
#   header NAME               the last response's header NAME (or empty)

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
TW_SRC=${TW_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac

# The system interpreter when there is one: a version manager's shim can
# take a third of a second to start, and the checks start it often.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

tmp=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$tmp"
# TW_WEB_DB: another database than a fresh SQLite file (a PostgreSQL URL).
export TECHWIN_DB="${TW_WEB_DB:-$tmp/t.db}" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	TECHWIN_PWHASH_FAST=1 LC_ALL=C

# The rows of SQL on the test's database, columns joined by '|'.
db_query() {
	case $TECHWIN_DB in
	postgres*://*)
		"${TW_TEST_PG_BIN:+$TW_TEST_PG_BIN/}psql" -X -q -A -t -F '|' \
			"$TECHWIN_DB" -c "$1" ;;
	*) sqlite3 -separator '|' "$TECHWIN_DB" "$1" ;;
	esac
}

fail() {
	echo "FAIL: $*" >&2
	if [ -f "$tmp/server.log" ]; then
		echo "--- server log (last 20 lines)" >&2
		tail -n 20 "$tmp/server.log" >&2
	fi
	exit 1
}

start_server() {
	rm -f "$tmp/port"
	"$TECHWIN" serve --listen 127.0.0.1:0 --port-file "$tmp/port" "$@" \
		2>>"$tmp/server.log" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 500 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			fail "techwin serve did not start"
		fi
		sleep 0.01
	done
	base="http://127.0.0.1:$(cat "$tmp/port")"
}

stop_server() {
	kill -TERM "$server_pid"
	set +e
	wait "$server_pid"
	server_status=$?
	set -e
	server_pid=
}

req() {
	method=$1
	path=$2
	shift 2
	if [ "$method" = HEAD ]; then
		set -- --head "$@"
	else
		set -- -X "$method" "$@"
	fi
	code=$(curl -sS -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
		"$@" "$base$path") || code=000
}

expect() {
	want=$1
	shift
	req "$@"
	if [ "$code" != "$want" ]; then
		cat "$tmp/body" >&2
		fail "$1 $2 answered $code, expected $want"
	fi
}

jcheck() {
	"$PYTHON" - "$tmp/body" "$@" <<'PY' || fail "JSON check failed after $method $path"
import json, sys
with open(sys.argv[1]) as f:
    text = f.read()
try:
    d = json.loads(text)
except ValueError as e:
    sys.exit("not JSON (%s): %r" % (e, text[:300]))
for expr in sys.argv[2:]:
    try:
        ok = eval("(" + expr + "\n)", {"d": d})
    except Exception as e:
        ok = False
        print("error in %s: %r" % (expr, e), file=sys.stderr)
    if not ok:
        print("false: %s\nbody: %s" % (expr, json.dumps(d, indent=1)[:2000]),
              file=sys.stderr)
        sys.exit(1)
PY
}

# The cursor a list's page gives for the NUL-separated key fields (paging.h).
cursor_of() {
	"$PYTHON" -c 'import base64, sys; print(base64.urlsafe_b64encode("\0".join(sys.argv[1:]).encode()).decode().rstrip("="))' "$@"
}

header() {
	awk -v name="$1" 'BEGIN { n = tolower(name) ": " }
		tolower(substr($0, 1, length(n))) == n {
			v = substr($0, length(n) + 1); sub(/\r$/, "", v); print v }' \
		"$tmp/headers" | tail -n 1
}

# The error of the last answer: code and field (field "None" when null).
expect_error() {
	want_code=$1
	want_field=$2
	jcheck "d['error']['code'] == '$want_code'" \
		"str(d['error']['field']) == '$want_field'" \
		"isinstance(d['error']['message'], str) and d['error']['message']"
}
