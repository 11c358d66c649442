#!/bin/sh
# t0102-web-auth: who may do what over HTTP. No credentials or a bad token
# is 401, a viewer's write is 403, a session's write needs its CSRF token
# (bearer tokens do not), ?token= counts only on calendar feeds, the
# session cookie's attributes, logout, the login form, the security
# headers on every answer, and the limit on failed logins per address.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account 'Acme Corp' >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
alice_tok=$("$TECHWIN" token add alice-ci --user alice 2>/dev/null)
vic_tok=$("$TECHWIN" token add vic-ci --user vic 2>/dev/null)
start_server
json="Content-Type: application/json"
newdeal() { printf '{"slug": "%s", "account": "X"}' "$1"; }

# The headers every answer carries, errors included.
security_headers() {
	[ "$(header X-Content-Type-Options)" = nosniff ] &&
		[ "$(header Referrer-Policy)" = no-referrer ] &&
		[ "$(header X-Frame-Options)" = DENY ] &&
		header Content-Security-Policy | grep -q "^default-src 'self'" ||
		fail "security headers missing after $method $path"
}

# --- without credentials, with bad ones ----------------------------------

expect 401 GET /api/deals
expect_error unauthorized None
security_headers
header WWW-Authenticate | grep -q '^Bearer' || fail "no WWW-Authenticate"
expect 401 POST /api/deals -H "$json" -d "$(newdeal x)"
expect 401 GET /api/deals -H 'Authorization: Bearer not-a-token'
expect_error unauthorized None
expect 401 GET /api/deals -H "Authorization: Basic $alice_tok"
expect 401 GET /api/deals -H 'Cookie: techwin_session=forged'
expect_error unauthorized None
# A token in the query counts only on the calendar feeds.
expect 401 GET "/api/deals?token=$alice_tok"
expect 401 GET "/api/deals/acme/summary.md?token=$alice_tok"

# --- bearer tokens and roles ----------------------------------------------

expect 200 GET /api/deals -H "Authorization: Bearer $vic_tok"
security_headers
expect 403 POST /api/deals -H "Authorization: Bearer $vic_tok" -H "$json" \
	-d "$(newdeal x)"
expect_error forbidden None
expect 403 DELETE /api/deals/acme -H "Authorization: Bearer $vic_tok"
expect 403 POST /api/deals/acme/plan/apply -H "Authorization: Bearer $vic_tok"
# Every route that changes a deal is an editor's.
writes="PATCH:/api/deals/acme/criteria/k DELETE:/api/deals/acme/criteria/k
PATCH:/api/deals/acme/events/k DELETE:/api/deals/acme/events/k
PATCH:/api/deals/acme/risks/k DELETE:/api/deals/acme/risks/k
PATCH:/api/deals/acme/phases/1 DELETE:/api/deals/acme/phases/1
POST:/api/deals/acme/close POST:/api/deals/acme/reopen
POST:/api/deals/acme/snooze DELETE:/api/deals/acme/snooze
POST:/api/deals/acme/touches"
for w in $writes; do
	expect 403 "${w%%:*}" "${w#*:}" -H "Authorization: Bearer $vic_tok" \
		-H "$json" -d '{}'
	expect_error forbidden None
done
# Bearer requests need no CSRF token: a browser never sends one by itself.
expect 201 POST /api/deals -H "Authorization: Bearer $alice_tok" -H "$json" \
	-d "$(newdeal by-token)"
expect 200 GET "/api/calendar.ics?token=$vic_tok"
grep -q BEGIN:VCALENDAR "$tmp/body" || fail "feed by ?token="
expect 200 GET "/api/deals/acme/calendar.ics?token=$vic_tok"
expect 401 GET "/api/calendar.ics?token=wrong"
# A revoked token stops working at once.
"$TECHWIN" token rm vic-ci >/dev/null 2>&1
expect 401 GET /api/deals -H "Authorization: Bearer $vic_tok"

# --- login, sessions and CSRF ------------------------------------------------

expect 401 POST /login -H "$json" -d '{"name": "alice", "password": "nope"}'
expect_error unauthorized None
msg_wrong=$(cat "$tmp/body")
expect 401 POST /login -H "$json" -d '{"name": "ghost", "password": "nope"}'
[ "$(cat "$tmp/body")" = "$msg_wrong" ] ||
	fail "an unknown user is told apart from a wrong password"
expect 422 POST /login -H "$json" -d '{"name": "alice"}'
expect_error invalid password
expect 422 POST /login -H "$json" -d '{"name": "alice", "password": 1}'
expect_error invalid password

expect 200 POST /login -H "$json" -d '{"name": "alice",
	"password": "password1"}'
jcheck "d['name'] == 'alice'" "d['role'] == 'editor'" \
	"len(d['csrf_token']) >= 32"
csrf=$(cat "$tmp/body" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
cookie=$(header Set-Cookie)
case $cookie in
techwin_session=*"; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200") ;;
*) fail "session cookie: $cookie" ;;
esac
case $cookie in *Secure*) fail "Secure without TLS: $cookie" ;; esac
sess=${cookie%%;*}
sess=${sess#techwin_session=}
[ ${#sess} -ge 32 ] || fail "short session id '$sess'"
c="Cookie: techwin_session=$sess"

expect 200 GET /api/session -H "$c"
jcheck "d == {'name': 'alice', 'role': 'editor', 'csrf_token': '$csrf'}"
expect 200 GET /api/deals -H "$c"
expect 403 POST /api/deals -H "$c" -H "$json" -d "$(newdeal s1)"
expect_error forbidden None
expect 403 POST /api/deals -H "$c" -H "$json" -H 'X-CSRF-Token: wrong' \
	-d "$(newdeal s1)"
expect_error forbidden None
expect 403 PATCH /api/deals/acme -H "$c" -H "$json" -d '{"stage": "x"}'
expect 403 DELETE /api/deals/acme -H "$c"
for w in $writes; do
	expect 403 "${w%%:*}" "${w#*:}" -H "$c" -H "$json" -d '{}'
	expect_error forbidden None
done
# The deal page's forms run the same verbs: an unknown criterion is the
# verb's 404 (the page with the notice), a plan without a win its 422.
expect 404 POST /deals/acme/measurements -H "$c" --data-urlencode \
	"csrf_token=$csrf" -d criterion=nope -d measured=5
grep -q "unknown criterion &#39;nope&#39; in deal &#39;acme&#39;" \
	"$tmp/body" || fail "record form: no notice of the unknown criterion"
expect 422 POST /deals/acme/plan/apply -H "$c" --data-urlencode \
	"csrf_token=$csrf"
grep -q 'notice error' "$tmp/body" || fail "apply button: no notice"
expect 201 POST /api/deals -H "$c" -H "$json" -H "X-CSRF-Token: $csrf" \
	-d "$(newdeal s1)"
# Another session's token does not do.
expect 200 POST /login -H "$json" -d '{"name": "alice",
	"password": "password1"}'
other_csrf=$(cat "$tmp/body" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
[ "$other_csrf" != "$csrf" ] || fail "two sessions share a CSRF token"
expect 403 POST /api/deals -H "$c" -H "$json" -H "X-CSRF-Token: $other_csrf" \
	-d "$(newdeal s2)"

# A viewer's session: reads yes, writes no, CSRF token or not.
expect 200 POST /login -H "$json" -d '{"name": "vic", "password": "password2"}'
vcsrf=$(cat "$tmp/body" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
vcookie=$(header Set-Cookie)
vc="Cookie: ${vcookie%%;*}"
expect 200 GET /api/deals/acme -H "$vc"
expect 403 POST /api/deals -H "$vc" -H "$json" -H "X-CSRF-Token: $vcsrf" \
	-d "$(newdeal v1)"
expect_error forbidden None

# Logout needs the CSRF token too, then the session is gone.
expect 403 POST /logout -H "$c"
expect 204 POST /logout -H "$c" -H "X-CSRF-Token: $csrf"
case $(header Set-Cookie) in
"techwin_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0") ;;
*) fail "logout cookie: $(header Set-Cookie)" ;;
esac
expect 401 GET /api/deals -H "$c"
expect 400 POST /logout -H "Authorization: Bearer $alice_tok"

# --- the login form ----------------------------------------------------------

expect 200 GET '/login?next=/x%22%3E%3Cscript%3Ealert(1)%3C/script%3E'
grep -q '<form method="post" action="/login">' "$tmp/body" || fail "no form"
! grep -q '<script>' "$tmp/body" || fail "next is not escaped"
grep -q 'value="/x&quot;&gt;&lt;script&gt;' "$tmp/body" || fail "next lost"
security_headers
expect 303 POST /login --data-urlencode name=alice \
	--data-urlencode password=password1 --data-urlencode next=/api/session
[ "$(header Location)" = /api/session ] || fail "next: $(header Location)"
fcookie=$(header Set-Cookie)
fc="Cookie: ${fcookie%%;*}"
expect 200 GET /api/session -H "$fc"
fcsrf=$(cat "$tmp/body" | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
# A form sends the CSRF token as a field.
expect 403 POST /logout -H "$fc" -d csrf_token=wrong
expect 303 POST /logout -H "$fc" --data-urlencode "csrf_token=$fcsrf"
[ "$(header Location)" = /login ] || fail "logout form: $(header Location)"
expect 401 GET /api/session -H "$fc"
# Never off to another site after login.
expect 303 POST /login -d name=alice -d password=password1 \
	--data-urlencode next=//evil.example/
[ "$(header Location)" = / ] || fail "open redirect: $(header Location)"
expect 401 POST /login -d name=alice -d password=wrong
grep -q 'Wrong name or password' "$tmp/body" || fail "form error message"

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"

# --- behind a proxy: Secure cookies, and failed logins per address --------

start_server --trust-proxy
proxy="X-Forwarded-Proto: https"
expect 200 POST /login -H "$json" -H "$proxy" \
	-d '{"name": "alice", "password": "password1"}'
header Set-Cookie | grep -q '; Secure$' || fail "no Secure: $(header Set-Cookie)"
for i in 1 2 3 4 5; do
	expect 401 POST /login -H "$json" -H 'X-Forwarded-For: 192.0.2.7' \
		-d '{"name": "alice", "password": "wrong"}'
done
# The sixth attempt is refused, right password or not ...
expect 429 POST /login -H "$json" -H 'X-Forwarded-For: 192.0.2.7' \
	-d '{"name": "alice", "password": "password1"}'
expect_error too_many_requests None
[ "$(header Retry-After)" = 300 ] || fail "Retry-After: $(header Retry-After)"
# ... from that address only.
expect 200 POST /login -H "$json" -H 'X-Forwarded-For: 192.0.2.8' \
	-d '{"name": "alice", "password": "password1"}'
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"

# Without --trust-proxy the forwarded headers are ignored.
start_server
expect 200 POST /login -H "$json" -H "$proxy" \
	-d '{"name": "alice", "password": "password1"}'
case $(header Set-Cookie) in *Secure*) fail "Secure from an untrusted header" ;; esac
stop_server
echo ok
