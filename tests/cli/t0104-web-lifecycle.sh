#!/bin/sh
# t0104-web-lifecycle: starting and stopping techwin serve. Bad options
# are usage errors, a non-loopback address warns that nothing is
# encrypted, concurrent writes from many connections all land (no lost
# update across the worker threads' connections), a request in flight
# when SIGTERM arrives still gets its answer, the server exits 0 and leaves
# a consistent database with every connection closed, and --quiet
# silences the access log.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
# Without a single account nobody could log in: serve says so.
start_server --threads 1
grep -q "^warning: no users yet" server.log || fail "no warning without users"
stop_server
: >server.log
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
auth="Authorization: Bearer $tok"
json="Content-Type: application/json"

# --- options ----------------------------------------------------------------

usage() {
	set +e
	"$TECHWIN" serve "$@" >out 2>err
	st=$?
	set -e
	[ "$st" = 2 ] || fail "serve $* exited $st, expected 2"
}
usage --listen nowhere
grep -q "expected HOST:PORT" err || fail "--listen message: $(cat err)"
usage --listen 127.0.0.1:65536
usage --listen ::1:80
usage --threads 0
usage --timeout 0
usage extra-argument

# A non-loopback address works, with a warning on stderr.
start_server --threads 1 --listen 0.0.0.0:0
grep -q "^warning: listening on 0.0.0.0:[0-9]*, which is not a loopback" \
	server.log || fail "no warning for 0.0.0.0"
! grep -q "no users yet" server.log || fail "warning with a user"
expect 200 GET /api/deals -H "$auth"
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
: >server.log
# IPv6 loopback, where the machine has it.
if "$PYTHON" -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	2>/dev/null; then
	start_server --listen '[::1]:0'
	grep -q '^techwin: listening on http://\[::1\]:' server.log ||
		fail "IPv6 loopback: $(cat server.log)"
	! grep -q '^warning' server.log || fail "warning for ::1"
	stop_server
	: >server.log
fi

# --- concurrent writes and reads ------------------------------------------

# 40 connections at once from one address: past the default cap of 32.
start_server --threads 4 --connections-per-address 64
pids=
i=1
while [ $i -le 20 ]; do
	curl -sS -o "w$i.json" -w '%{http_code}' -H "$auth" -H "$json" \
		-d "{\"key\": \"e$i\", \"kind\": \"technical\",
		     \"title\": \"Event $i\", \"date\": \"2026-11-26\"}" \
		"$base/api/deals/acme/events" >"w$i.code" &
	pids="$pids $!"
	curl -sS -o "r$i.json" -w '%{http_code}' -H "$auth" \
		"$base/api/deals/acme" >"r$i.code" &
	pids="$pids $!"
	i=$((i + 1))
done
# Not a bare wait: the server is a child of this shell too.
for p in $pids; do
	wait "$p" || true
done
i=1
while [ $i -le 20 ]; do
	[ "$(cat "w$i.code")" = 201 ] || fail "write $i: $(cat "w$i.code") $(cat "w$i.json")"
	[ "$(cat "r$i.code")" = 200 ] || fail "read $i: $(cat "r$i.code")"
	i=$((i + 1))
done
expect 200 GET /api/deals/acme -H "$auth"
jcheck "sorted(e['key'] for e in d['events']) ==
	sorted('e%d' % i for i in range(1, 21))"

# --- SIGTERM with a request in flight ---------------------------------------

# About 32 KB sent at 16 KB/s: still uploading when the signal arrives.
"$PYTHON" -c 'print("{\"slug\": \"slow\", \"account\": \"" + "s" * 32000 + "\"}")' >slow.json
curl -sS -o slow.out -w '%{http_code}' --limit-rate 16K -H "$auth" -H "$json" \
	--trace-ascii slow.trace --data-binary @slow.json "$base/api/deals" \
	>slow.code &
curl_pid=$!
# Signal once the body is on its way (not before curl has connected).
i=0
until grep -q '^=> Send data' slow.trace 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || fail "curl never started sending"
	sleep 0.01
done
sleep 0.2
stop_server
wait "$curl_pid" || true
[ "$server_status" = 0 ] || fail "serve exited $server_status on SIGTERM"
[ "$(cat slow.code)" = 201 ] || fail "in-flight request: $(cat slow.code) $(cat slow.out)"
grep -q 'SIGTERM: finishing requests' server.log || fail "no shutdown message"
"$TECHWIN" deal show slow >/dev/null || fail "the in-flight write was lost"
[ "$(sqlite3 "$TECHWIN_DB" 'PRAGMA integrity_check')" = ok ] ||
	fail "integrity_check after SIGTERM"
# Every connection closed: the last one to close removes the WAL file.
[ ! -e "$TECHWIN_DB-wal" ] || fail "a database connection was left open"

# --- SIGINT, and --quiet -----------------------------------------------------

: >server.log
start_server --quiet
expect 200 GET /api/deals -H "$auth"
expect 404 GET /api/nothing -H "$auth"
kill -INT "$server_pid"
set +e
wait "$server_pid"
st=$?
set -e
server_pid=
[ "$st" = 0 ] || fail "serve exited $st on SIGINT"
! grep -q ' GET /api/' server.log || fail "--quiet still logs requests"
grep -q 'SIGINT' server.log || fail "no shutdown message on SIGINT"
echo ok
