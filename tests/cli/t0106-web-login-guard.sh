#!/bin/sh
# t0106-web-login-guard: failed logins are counted per address and per
# account, and a success forgets neither the address's failures nor
# another account's (the alternating attack of issue 12); writes from
# another site, the login form included, are refused by Sec-Fetch-Site or
# Origin, while bearer requests and clients that send neither still work.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
alice_tok=$("$TECHWIN" token add alice-ci --user alice 2>/dev/null)
json="Content-Type: application/json"
guess='{"name": "alice", "password": "guess"}'
alice='{"name": "alice", "password": "password1"}'
vic='{"name": "vic", "password": "password2"}'

# --- item 1: a viewer alternates 4 guesses at alice with its own login -----

start_server
answers=
for round in 1 2 3; do
	for i in 1 2 3 4; do
		req POST /login -H "$json" -d "$guess"
		answers="$answers $code"
	done
	req POST /login -H "$json" -d "$vic"
	answers="$answers vic:$code"
done
# Five guesses in all, then the address is blocked, vic's logins included.
[ "$answers" = " 401 401 401 401 vic:200 401 429 429 429 vic:429 429 429 429 429 vic:429" ] ||
	fail "alternating guesses and logins: $answers"
expect 429 POST /login -H "$json" -d "$alice"
expect_error too_many_requests None
grep -q 'from this address' "$tmp/body" || fail "429 says why: $(cat "$tmp/body")"
[ "$(header Retry-After)" = 300 ] || fail "Retry-After: $(header Retry-After)"
expect 429 POST /login -d name=alice -d password=password1
grep -q 'Too many failed logins from this address' "$tmp/body" ||
	fail "the form's 429 says why"
stop_server

# --- per account, from many addresses (behind a trusted proxy) ------------

start_server --trust-proxy
from() { echo "X-Forwarded-For: 192.0.2.$1"; }
n401=0
for a in 1 2 3 4; do
	for i in 1 2 3 4 5; do
		req POST /login -H "$(from "$a")" -H "$json" -d "$guess"
		[ "$code" = 401 ] && n401=$((n401 + 1))
	done
	expect 429 POST /login -H "$(from "$a")" -H "$json" -d "$guess"
done
[ "$n401" = 20 ] || fail "$n401 guesses at alice before the block, not 20"
# Twenty failures block alice from a fresh address, right password or not,
expect 429 POST /login -H "$(from 9)" -H "$json" -d "$alice"
grep -q 'for this account' "$tmp/body" || fail "429 says why: $(cat "$tmp/body")"
# ... but not vic, and vic's success there does not free alice.
expect 200 POST /login -H "$(from 9)" -H "$json" -d "$vic"
expect 429 POST /login -H "$(from 10)" -H "$json" -d "$alice"
# An unknown name is counted the same way: its 429 tells nothing.
for a in 11 12 13 14; do
	for i in 1 2 3 4 5; do
		req POST /login -H "$(from "$a")" -H "$json" \
			-d '{"name": "ghost", "password": "x"}'
	done
done
expect 429 POST /login -H "$(from 15)" -H "$json" \
	-d '{"name": "ghost", "password": "x"}'
grep -q 'for this account' "$tmp/body" || fail "unknown name's 429"
stop_server

# alice's own login forgets alice's failures, and only its attempt.
start_server --trust-proxy
for a in 1 2 3 4; do
	for i in 1 2 3 4; do
		expect 401 POST /login -H "$(from "$a")" -H "$json" -d "$guess"
	done
done
expect 200 POST /login -H "$(from 4)" -H "$json" -d "$alice"
for a in 5 6 7 8; do
	for i in 1 2 3 4; do
		expect 401 POST /login -H "$(from "$a")" -H "$json" -d "$guess"
	done
done
expect 200 POST /login -H "$(from 9)" -H "$json" -d "$alice"
# 192.0.2.4 kept its four failures: one more blocks it.
expect 401 POST /login -H "$(from 4)" -H "$json" -d "$guess"
expect 429 POST /login -H "$(from 4)" -H "$json" -d "$vic"
stop_server

# --- item 8: writes from another site ----------------------------------------

start_server
evil="Origin: http://evil.example"
login_form() { expect "$1" POST /login "$@" -d name=alice -d password=password1; }
no_cookie() {
	[ -z "$(header Set-Cookie)" ] || fail "a session for $*: $(header Set-Cookie)"
}
# A page elsewhere posts the login form: refused, and no session.
for h in "$evil" 'Origin: null' "Origin: https://127.0.0.1.evil.example" \
	"Origin: $base.evil.example" "Origin: $base/" 'Sec-Fetch-Site: cross-site' \
	'Sec-Fetch-Site: same-site'; do
	expect 403 POST /login -H "$h" -d name=alice -d password=password1
	expect_error forbidden None
	grep -q 'another site' "$tmp/body" || fail "403 says why: $(cat "$tmp/body")"
	no_cookie "$h"
done
expect 403 POST /login -H "$evil" -H "$json" -d "$alice"
no_cookie "a JSON login from another site"
# Basic credentials are sent by browsers on their own: no exemption.
expect 403 POST /login -H "$evil" -H 'Authorization: Basic YTpi' \
	-d name=alice -d password=password1
# Sec-Fetch-Site decides over Origin (a proxy may rewrite Host).
expect 303 POST /login -H 'Sec-Fetch-Site: same-origin' -H "$evil" \
	-d name=alice -d password=password1
expect 303 POST /login -H 'Sec-Fetch-Site: none' -d name=alice \
	-d password=password1
# This server's own origin, as an older browser sends it; a proxy that
# terminates TLS keeps the Host; no Origin at all is curl.
expect 303 POST /login -H "Origin: $base" -d name=alice -d password=password1
expect 303 POST /login -H "Origin: https://${base#http://}" \
	-d name=alice -d password=password1
expect 303 POST /login -H "Origin: http://localhost" -H "Host: localhost:80" \
	-d name=alice -d password=password1
expect 303 POST /login -d name=alice -d password=password1
cookie=$(header Set-Cookie)
c="Cookie: ${cookie%%;*}"
expect 200 GET /api/session -H "$c"
csrf=$(cat "$tmp/body" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
# A session's write from another site is refused even with its token ...
expect 403 POST /deals/acme/measurements -H "$c" -H "$evil" \
	--data-urlencode "csrf_token=$csrf" -d criterion=nope -d measured=5
expect 403 POST /logout -H "$c" -H 'Sec-Fetch-Site: cross-site' \
	-H "X-CSRF-Token: $csrf"
expect 200 GET /api/session -H "$c"
# ... reads are not writes ...
expect 200 GET /api/deals -H "$c" -H "$evil" -H 'Sec-Fetch-Site: cross-site'
# ... and a bearer token is never sent by a browser on its own.
expect 201 POST /api/deals -H "Authorization: Bearer $alice_tok" -H "$evil" \
	-H 'Sec-Fetch-Site: cross-site' -H "$json" \
	-d '{"slug": "by-token", "account": "X"}'
expect 204 POST /logout -H "$c" -H "Origin: $base" -H "X-CSRF-Token: $csrf"
stop_server

# Behind a trusted proxy: the forwarded host and scheme are this server's.
start_server --trust-proxy
tls="X-Forwarded-Proto: https"
expect 303 POST /login -H "$tls" -H 'X-Forwarded-Host: techwin.example' \
	-H 'Origin: https://techwin.example' -d name=alice -d password=password1
expect 403 POST /login -H "$tls" -H 'X-Forwarded-Host: techwin.example' \
	-H 'Origin: http://techwin.example' -d name=alice -d password=password1
expect 403 POST /login -H "$tls" -H "Origin: http://${base#http://}" \
	-d name=alice -d password=password1
expect 303 POST /login -H "$tls" -H "Origin: https://${base#http://}" \
	-d name=alice -d password=password1
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
echo ok
