#!/bin/sh
# t0108-web-slow-clients: slow clients cannot lock others out. A connection
# that trickles a header line every half second, which resets the idle
# timeout each time, is still cut off --timeout seconds after it opened;
# one address holds at most --connections-per-address connections
# (default 32). Then 600 such connections from 127.0.0.2 for
# $SLOW_SECONDS seconds (default 20, as issue 12 asks; at most 60) while a
# normal client on 127.0.0.1 sends a request every 0.2 s: every one of
# its requests is answered, and libmicrohttpd's messages about the refused
# connections do not flood the log. Loopback only (Linux routes all of
# 127/8 to lo).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

slow() {
	"$PYTHON" "$TW_SRC/tests/web/slowloris.py" "$(cat "$tmp/port")" "$@" \
		>slow.json || fail "slowloris.py failed"
}

# Check the last slowloris.py result: Python expressions over d.
slow_check() {
	"$PYTHON" - slow.json "$@" <<'PY' ||
import json, sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr, {"d": d}):
        sys.exit("false: " + expr)
PY
		fail "slow clients: $(cat slow.json)"
}

"$TECHWIN" init >/dev/null

# Option checks.
"$TECHWIN" serve --connections-per-address -1 2>err && fail "-1 accepted"
grep -q -- "--connections-per-address: expected 0 (no limit) to 512" err ||
	fail "message: $(cat err)"
"$TECHWIN" serve --connections-per-address 513 2>err && fail "513 accepted"
"$TECHWIN" serve --connections-per-address x 2>err && fail "x accepted"
[ "$(grep -c . err)" -ge 1 ] || fail "no message for x"

# --- the header deadline ---------------------------------------------------

start_server --timeout 2
# One connection sends a header line every 0.5 s (under the 2 s idle
# timeout) and never ends its headers: it must be cut off at the 2 s
# deadline (checked every quarter second), not live for all 6 s.
slow --connections 1 --interval 0.5 --seconds 6 --attack-from 127.0.0.2
slow_check "d['opened'] >= 2" "1.5 <= d['life_max'] <= 4.5" \
	"d['normal'] >= 10 and d['statuses'] == [200] * d['normal']"
grep -q '^127\.0\.0\.2 - / - 0 [0-9]*us (timeout)$' "$tmp/server.log" ||
	fail "no timeout line in the access log"
# A client that sends its requests whole keeps its connection between
# them, for as long as it sends them within the idle timeout.
"$PYTHON" - "$(cat "$tmp/port")" <<'PY' || fail "keep-alive cut off"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
for i in range(3):
    s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
    data = b""
    while b"</html>" not in data:
        chunk = s.recv(65536)
        assert chunk, "closed after %d requests" % i
        data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data[:100]
    time.sleep(1)
PY
stop_server

# --- one address's share ---------------------------------------------------

start_server --timeout 5 --connections-per-address 2
"$PYTHON" - "$(cat "$tmp/port")" <<'PY' || fail "per-address limit"
import socket, sys, time
port = int(sys.argv[1])
def conn(src):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.settimeout(1)
    try:
        s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n")
    except OSError:
        pass            # closed at once: closed() says so
    return s
def closed(s, wait=1):
    # Waits less than the server's 5 s timeout, which would close it too.
    s.settimeout(wait)
    try:
        return s.recv(100) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
a, b = conn("127.0.0.2"), conn("127.0.0.2")
c = conn("127.0.0.2")
# Closed at once; 3 s for a machine busy with other tests (under ASan, 1 s
# was once too little).
assert closed(c, 3), "a third connection from one address was kept"
d = conn("127.0.0.3")
assert not closed(a) and not closed(d), "the others were closed"
d.sendall(b"\r\n")
assert d.recv(100).startswith(b"HTTP/1.1 200")
PY
stop_server

# --- 600 slow connections from one address, one normal client --------------

: >"$tmp/server.log"
start_server --timeout 2
seconds=${SLOW_SECONDS:-20}
slow --connections 600 --interval 1 --seconds "$seconds"
slow_check "d['normal'] >= 2 * $seconds" \
	"d['statuses'] == [200] * d['normal']" \
	"d['held_max'] <= 32" "d['life_max'] <= 4.5" "d['opened'] > 600"
# Thousands of connections were refused: a few lines say so.
n=$(grep -c '^techwin: http: ' "$tmp/server.log" || true)
[ "$n" -le $((seconds / 10 * 4 + 8)) ] ||
	fail "$n libmicrohttpd lines for one attack"
grep -q '^techwin: http: .*(and [0-9]* more like it before)$' \
	"$tmp/server.log" || [ "$seconds" -lt 10 ] ||
	fail "no count of the messages left out"
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
echo ok
