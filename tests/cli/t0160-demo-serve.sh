#!/bin/sh
# t0160-demo-serve: make demo-serve (scripts/demo-serve) loads the demo
# database as make demo does, prints a demo editor account with a password
# made for the run, and serves the demo pipeline: logging in with what it
# printed opens the pipeline, the war-story deal and its edit page. make
# demo ends by naming the command.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

# scripts/demo reads examples/ from the source directory; the database and
# documents go to $tmp/demo-out.
serve_demo() {
	rm -f "$tmp/port"
	(cd "$TW_SRC" && DEMO_OUT="$tmp/demo-out" exec ./scripts/demo-serve \
		"$TECHWIN" 2026-11-26 0 --port-file "$tmp/port") \
		>"$tmp/out$1" 2>>"$tmp/server.log" &
	server_pid=$!
	i=0
	while [ ! -s "$tmp/port" ]; do
		i=$((i + 1))
		if [ "$i" -gt 1000 ] || ! kill -0 "$server_pid" 2>/dev/null; then
			cat "$tmp/out$1" >&2
			fail "scripts/demo-serve did not start a server"
		fi
		sleep 0.01
	done
	base="http://127.0.0.1:$(cat "$tmp/port")"
	user=$(sed -n 's/^log in as: *//p' "$tmp/out$1")
	pass=$(sed -n 's/^password: *//p' "$tmp/out$1")
}

serve_demo 1
[ "$user" = demo ] || fail "account name '$user': $(cat "$tmp/out1")"
[ ${#pass} -ge 16 ] || fail "short password '$pass'"
grep -q 'techwin import examples/' "$tmp/out1" ||
	fail "the demo database was not loaded as make demo does"
expect 200 POST /login -H "Content-Type: application/json" \
	-d "{\"name\": \"$user\", \"password\": \"$pass\"}"
c="Cookie: $(header Set-Cookie | sed 's/;.*//')"
expect 200 GET / -H "$c"
# The pipeline shows the demo database's open deals.
TECHWIN_DB="$tmp/demo-out/demo.db" "$TECHWIN" deal list --json >deals.json
open=$("$PYTHON" -c 'import json,sys; print(" ".join(d["slug"] for d in json.load(open(sys.argv[1])) if d["outcome"] in (None, "open")))' deals.json)
[ -n "$open" ] || fail "no open deal in the demo database"
for s in $open; do
	grep -q "href=\"/deals/$s\"" "$tmp/body" || fail "$s is not on the pipeline"
done
expect 200 GET /deals/lakeshore-retail -H "$c"
# An editor: the deal's forms are there.
expect 200 GET /deals/lakeshore-retail/edit -H "$c"
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status on SIGTERM"

# A new run, a new password; the old one no longer logs in.
serve_demo 2
pass1=$(sed -n 's/^password: *//p' "$tmp/out1")
[ "$pass" != "$pass1" ] || fail "the same password twice: $pass"
expect 401 POST /login -H "Content-Type: application/json" \
	-d "{\"name\": \"demo\", \"password\": \"$pass1\"}"
expect 200 POST /login -H "Content-Type: application/json" \
	-d "{\"name\": \"demo\", \"password\": \"$pass\"}"
stop_server

# make demo ends by naming the command.
(cd "$TW_SRC" && DEMO_OUT="$tmp/demo-full" ./scripts/demo "$TECHWIN") \
	>demo.out 2>&1 || fail "scripts/demo failed: $(tail -n 5 demo.out)"
[ "$(tail -n 1 demo.out)" = \
	"open the demo pipeline in the browser: make demo-serve" ] ||
	fail "make demo ends with: $(tail -n 1 demo.out)"
grep -q '^demo-serve:' "$TW_SRC/Makefile" || fail "no make demo-serve"
