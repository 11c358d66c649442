#!/bin/sh
# t0103-web-limits: what a request may not be. Body, URL and header caps
# (413, 414, 431), malformed JSON (400), the wrong content type (415),
# unknown fields, wrong types and nulls (422 naming the field), unknown
# routes and methods (404, 405 with Allow), a malformed path (400), and an
# idle connection closed after --timeout; the server keeps serving after
# every one of them. techwin's own 413, 414 and 431 carry the security
# headers; the answers libmicrohttpd gives by itself, to what it cannot
# parse or hold, are the ones docs/api.md lists, echo nothing of the
# request, and show in the access log with their status.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
start_server --timeout 1
auth="Authorization: Bearer $tok"
json="Content-Type: application/json"

alive() {
	expect 200 GET /api/deals/acme -H "$auth"
}

security_headers() {
	[ "$(header X-Content-Type-Options)" = nosniff ] &&
		[ "$(header X-Frame-Options)" = DENY ] &&
		[ "$(header Cache-Control)" = no-store ] ||
		fail "security headers missing on $code for $method"
}

# --- the body cap: 1 MiB ---------------------------------------------------

"$PYTHON" - <<'PY'
# 2 MiB of JSON; and a valid deal just under 1 MiB.
big = '{"slug": "big", "account": "' + "a" * (2 * 1024 * 1024) + '"}'
open("big.json", "w").write(big)
fits = '{"slug": "fits", "account": "' + "a" * (1024 * 1024 - 100) + '"}'
open("fits.json", "w").write(fits)
PY
expect 413 POST /api/deals -H "$auth" -H "$json" --data-binary @big.json
expect_error too_large None
security_headers
# Without a Content-Length (chunked) the cap holds as the body arrives.
expect 413 POST /api/deals -H "$auth" -H "$json" \
	-H 'Transfer-Encoding: chunked' --data-binary @big.json
expect_error too_large None
expect 201 POST /api/deals -H "$auth" -H "$json" --data-binary @fits.json
jcheck "len(d['account']) == 1024 * 1024 - 100"
alive

# --- URL and header caps ---------------------------------------------------

long=$("$PYTHON" -c 'print("a" * 10240)')
expect 414 GET "/api/deals?se=$long" -H "$auth"
expect_error uri_too_long None
security_headers
expect 414 GET "/api/deals/$long" -H "$auth"
header20k=$("$PYTHON" -c 'print("b" * 20000)')
expect 431 GET /api/deals -H "$auth" -H "X-Filler: $header20k"
expect_error headers_too_large None
security_headers
set --
i=0
while [ $i -lt 120 ]; do
	set -- "$@" -H "X-Many-$i: 1"
	i=$((i + 1))
done
expect 431 GET /api/deals -H "$auth" "$@"
expect_error headers_too_large None
# Past the connection's memory, libmicrohttpd answers 431 by itself.
header100k=$("$PYTHON" -c 'print("c" * 100000)')
expect 431 GET /api/deals -H "$auth" -H "X-Filler: $header100k"
alive

# --- libmicrohttpd's own answers -------------------------------------------

# What it refuses before techwin sees the request: a short fixed page and
# Connection: close, nothing of the request in it (the marker).
"$PYTHON" - "$(cat "$tmp/port")" "$auth" <<'PY' ||
import socket, sys
m = b"MARKER<script>"
auth = sys.argv[2].encode()
big = b"c" * 70000
cases = [
    (431, b"GET /api/deals HTTP/1.1\r\nHost: x\r\nX-A: " + m + big +
     b"\r\n\r\n"),
    (414, b"GET /api/deals?" + m + big + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
    (505, b"GET /api/deals HTTP/2.0\r\nHost: x\r\nX-A: " + m +
     b"\r\n\r\n"),
    (413, b"POST /api/deals HTTP/1.1\r\nHost: x\r\nX-A: " + m +
     b"\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
    (400, b"POST /api/deals HTTP/1.1\r\nHost: x\r\n" + auth +
     b"\r\nContent-Type: application/json\r\nX-A: " + m +
     b"\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    (400, b"GET /api/deals HTTP/1.1\r\nHost: x\r\n" + m + b"\r\n\r\n"),
]
for want, req in cases:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.settimeout(5)
    try:
        s.sendall(req)
    except OSError:
        pass            # it may answer and close before all is sent
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = head.split(b"\r\n")[0]
    assert status.startswith(b"HTTP/1.1 %d " % want), (want, status)
    assert b"\r\nConnection: close" in head, (want, head)
    assert b"MARKER" not in data and len(body) < 300, (want, body)
PY
	fail "libmicrohttpd's answers"
for st in 431 413 400; do
	grep -q "^127\.0\.0\.1 [-A-Z]* /api/deals $st 0 [0-9]*us" \
		"$tmp/server.log" || fail "no access log line for its $st"
done
grep -q ' (libmicrohttpd)$' "$tmp/server.log" || fail "not marked"
alive

# --- malformed and mistyped bodies -----------------------------------------

expect 400 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "x",'
expect_error bad_request None
expect 400 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "slug": "y", "account": "X"}'
expect_error bad_request None
expect 400 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "a\u0000b"}'
printf '{"slug": "x", "account": "\377"}' >bad-utf8.json
expect 400 POST /api/deals -H "$auth" -H "$json" --data-binary @bad-utf8.json
expect_error bad_request None
expect 400 POST /api/deals -H "$auth" -H "$json" --data-binary ''
expect 422 POST /api/deals -H "$auth" -H "$json" -d '["slug", "x"]'
expect_error invalid None
expect 415 POST /api/deals -H "$auth" -H 'Content-Type: text/plain' \
	-d '{"slug": "x", "account": "X"}'
expect_error unsupported_media_type None
expect 415 POST /api/deals -H "$auth" -d 'slug=x&account=X'

expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "colour": "red"}'
expect_error invalid colour
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "value": "lots"}'
expect_error invalid value
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "procurement_days": 1.5}'
expect_error invalid procurement_days
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "poc_start": 20261101}'
expect_error invalid poc_start
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "poc_start": "2026-13-01"}'
expect_error invalid poc_start
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": null, "account": "X"}'
expect_error invalid slug
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": ["x"], "account": "X"}'
expect_error invalid slug
expect 422 POST /api/deals/acme/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "P", "criteria": "p95"}'
expect_error invalid criteria
expect 422 POST /api/deals/acme/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "P", "criteria": [1]}'
expect_error invalid criteria
expect 422 POST /api/deals/acme/events/x/done -H "$auth" -H "$json" \
	-d '{"done": "2026-11-26", "extra": 1}'
expect_error invalid extra
expect 422 POST /api/deals/acme/plan/apply -H "$auth" -H "$json" \
	-d '{"force": true}'
expect_error invalid force
alive

# --- routes, methods, paths ------------------------------------------------

expect 404 GET /api/nothing -H "$auth"
expect_error not_found None
expect 404 GET /api/deals/ -H "$auth"
expect 405 PUT /api/deals -H "$auth"
expect_error method_not_allowed None
[ "$(header Allow)" = "GET, HEAD, POST" ] || fail "Allow: $(header Allow)"
expect 405 POST /api/deals/acme -H "$auth"
[ "$(header Allow)" = "GET, HEAD, PATCH, DELETE" ] ||
	fail "Allow: $(header Allow)"
expect 400 GET /api/deals/a%zz -H "$auth"
expect_error bad_request None
expect 400 GET '/api/deals?se=%zz' -H "$auth"
# An escaped slash stays inside its segment: no route sees two segments.
expect 404 GET /api/deals/acme%2Fplan -H "$auth"
expect 200 GET /api/deals/%61cme -H "$auth"
jcheck "d['slug'] == 'acme'"

# --- a client that stops mid-request is cut off after --timeout ------------

"$PYTHON" - "$(cat "$tmp/port")" <<'PY' || fail "idle connection kept open"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/deals HTTP/1.1\r\nHost: x\r\n")
s.settimeout(5)
start = time.monotonic()
data = s.recv(100)
took = time.monotonic() - start
assert data == b"" and took < 4, (data, took)
PY
alive

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
echo ok
