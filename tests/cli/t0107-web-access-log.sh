#!/bin/sh
# t0107-web-access-log: what the access log may hold. No secret reaches
# it: a share link shows as /share/ID (or /share/- when it names no link),
# however the path is spelt and whatever the method; neither a query's
# token nor a login's password appears. With --trust-proxy only an IP
# address in X-Forwarded-For is taken as the client's (canonical form);
# anything else leaves the peer's. Every field is escaped, so each line
# has the same fields and no control byte, whatever the client sent.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
"$TECHWIN" deal add beta --account 'Beta Inc' >/dev/null
printf 'Secret-pass-9\n' | "$TECHWIN" user add alice --role editor >/dev/null
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
"$TECHWIN" share beta >/dev/null 2>&1	# link 1: another deal's
link=$("$TECHWIN" share acme 2>share.err)
grep -q '^share link 2 ' share.err || fail "share: $(cat share.err)"
secret=${link##*/share/}
[ ${#secret} -ge 20 ] || fail "share link: $link"
start_server --trust-proxy

# --- share links -----------------------------------------------------------

expect 200 GET "/share/$secret"
expect 200 HEAD "/share/$secret"
expect 405 POST "/share/$secret"
expect 404 GET "/share/$secret/"
expect 404 GET "/Share/$secret"
expect 200 GET "/%73hare/$secret"
expect 400 GET "/share/$secret%zz"
expect 404 GET "/share/x$secret"
req GET "//share/$secret" --path-as-is
req GET "/share/../share/$secret" --path-as-is
# The calendar feed's token is in the query; the login's password in a body.
expect 200 GET "/api/calendar.ics?token=$tok"
expect 200 POST /login -H 'Content-Type: application/json' \
	-d '{"name": "alice", "password": "Secret-pass-9"}'

# --- X-Forwarded-For -------------------------------------------------------

xff() {
	expect 404 GET /nothing -H "X-Forwarded-For: $1"
}
xff '192.0.2.7'
xff '10.9.9.9, 198.51.100.4'
xff '2001:DB8:0:0::1'
xff '10.0.0.1, 203.0.113.9 x'
xff 'evil'
xff '10.0.0.1, 999.1.1.1'
# Bytes curl will not send: a raw request with ESC, BEL and a tab in the
# forwarded address, the method and the path.
"$PYTHON" - "$(cat "$tmp/port")" <<'PY' || fail "raw request"
import socket, sys
for req in (b"GET /nothing HTTP/1.1\r\nHost: x\r\n"
            b"X-Forwarded-For: 10.0.0.1\x1b]0;PWNED\x07\tfake 200\r\n\r\n",
            b"GET /a\x1b[2J\xff\"b HTTP/1.1\r\nHost: x\r\n\r\n",
            b"G\x1bT /nothing HTTP/1.1\r\nHost: x\r\n\r\n"):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.settimeout(5)
    s.sendall(req)
    assert s.recv(100).startswith(b"HTTP/1.1 "), req
    s.close()
PY
stop_server
log=$tmp/server.log

# Nothing secret, anywhere in the log.
! grep -F -e "$secret" -e "$tok" -e 'Secret-pass-9' "$log" ||
	fail "a secret reached the log"
# Each share request shows the link's number, or none.
[ "$(grep -c '^127\.0\.0\.1 GET /share/2 200 ' "$log")" = 2 ] ||
	fail "GET /share/ID not logged twice"
grep -q '^127\.0\.0\.1 HEAD /share/2 200 ' "$log" || fail "HEAD"
grep -q '^127\.0\.0\.1 POST /share/- 405 ' "$log" || fail "POST"
[ "$(grep -c '^127\.0\.0\.1 GET /share/- 40[04] ' "$log")" = 6 ] ||
	fail "mangled share links not logged as /share/-"
grep -q '^127\.0\.0\.1 GET /api/calendar\.ics 200 ' "$log" || fail "ics"
grep -q '^127\.0\.0\.1 POST /login 200 ' "$log" || fail "login"

# Only an IP address is the client's; the canonical form is logged.
for want in 192.0.2.7 198.51.100.4 2001:db8::1; do
	grep -q "^$want GET /nothing 404 " "$log" || fail "XFF $want not logged"
done
[ "$(grep -c '^127\.0\.0\.1 GET /nothing 404 ' "$log")" = 4 ] ||
	fail "a bad X-Forwarded-For was not replaced by the peer's address"
grep -q '^127\.0\.0\.1 GET /a\\x1b\[2J\\xff\\x22b 404 ' "$log" ||
	fail "path not escaped"
grep -q '^127\.0\.0\.1 G\\x1bT /nothing 404 ' "$log" ||
	fail "method not escaped"

# Every access line has the same six fields; no control byte anywhere.
awk '/^(127\.|192\.|198\.|2001:)/ && NF != 6 { print; bad = 1 }
	END { exit bad }' "$log" || fail "an access line with a split field"
! LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$log" ||
	fail "a control byte reached the log"
echo ok
