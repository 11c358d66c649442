#!/bin/sh
# t0106-web-login-guard: failed logins are counted per address and per
# account, and a success forgets neither the address's failures nor
# another account's (the alternating attack of issue 12).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
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

[ "$server_status" = 0 ] || fail "serve exited $server_status"
echo ok
