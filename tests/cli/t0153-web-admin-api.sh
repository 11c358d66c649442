#!/bin/sh
# t0153-web-admin-api: the admin API routes (docs/api.md): settings,
# workspace holidays, users and API tokens, with the CLI's --json field
# names, through the functions the CLI calls (so techwin config, user list
# and token list show the change, and the history records it). Lists take
# limit and cursor and answer "next" and a Link header. An editor is 403
# on every route; a session's write needs its CSRF token.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add root --role admin >/dev/null
printf 'password2\n' | "$TECHWIN" user add ed --role editor >/dev/null
root=$("$TECHWIN" token add root-ci --user root 2>/dev/null)
ed=$("$TECHWIN" token add ed-ci --user ed 2>/dev/null)
start_server
json="Content-Type: application/json"
A="Authorization: Bearer $root"

# ---- editors ------------------------------------------------------------------

for r in GET:/api/settings GET:/api/settings/momentum.max_gap \
	PUT:/api/settings/momentum.max_gap DELETE:/api/settings/holidays \
	POST:/api/settings/holidays DELETE:/api/settings/holidays/2026-12-24 \
	GET:/api/users POST:/api/users GET:/api/users/ed PATCH:/api/users/ed \
	DELETE:/api/users/root GET:/api/tokens POST:/api/tokens \
	DELETE:/api/tokens/root-ci; do
	expect 403 "${r%%:*}" "${r#*:}" -H "Authorization: Bearer $ed" \
		-H "$json" -d '{"value": 9, "role": "admin"}'
	expect_error forbidden None
done
[ "$("$TECHWIN" config get momentum.max_gap)" = 5 ] || fail "editor wrote"

# ---- settings -----------------------------------------------------------------

expect 200 GET /api/settings -H "$A"
"$TECHWIN" config list --json >cli.json
jcheck "d['next'] is None" \
	"d['items'] == $(cat cli.json | tr -d '\n' | sed 's/null/None/g')"
expect 200 GET '/api/settings?limit=2' -H "$A"
# The cursor is the paging one of every list: the last key, opaque.
cur=$(cursor_of brand.logo)
jcheck "[s['key'] for s in d['items']] == ['brand.color', 'brand.logo']" \
	"d['next'] == '$cur'"
[ "$(header Link)" = "</api/settings?limit=2&cursor=$cur>; rel=\"next\"" ] ||
	fail "Link: $(header Link)"
expect 200 GET "/api/settings?limit=2&cursor=$(cursor_of brand.name)" -H "$A"
cur=$(cursor_of momentum.half_life)
jcheck "[s['key'] for s in d['items']] == ['holidays', 'momentum.half_life']" \
	"d['next'] == '$cur'"
expect 200 GET "/api/settings?limit=2&cursor=$cur" -H "$A"
jcheck "[s['key'] for s in d['items']] == ['momentum.max_gap', 'momentum.overdue_grace']"
# The notify.* keys (where alerts go) sort between them.
expect 200 GET "/api/settings?limit=2&cursor=$(cursor_of notify.timezone)" -H "$A"
jcheck "[s['key'] for s in d['items']] == ['stats.baseline_days']" \
	"d['next'] is None"
[ -z "$(header Link)" ] || fail "a Link on the last page"
expect 400 GET '/api/settings?limit=0' -H "$A"
expect_error bad_request limit
expect 400 GET '/api/settings?limit=1001' -H "$A"
expect 400 GET '/api/settings?cursor=momentum.half_life' -H "$A"
expect_error bad_request cursor
expect 400 GET "/api/settings?cursor=$(cursor_of a b)" -H "$A"
expect_error bad_request cursor
expect 400 GET '/api/settings?page=2' -H "$A"

expect 200 PUT /api/settings/momentum.max_gap -H "$A" -H "$json" \
	-d '{"value": 8}'
jcheck "d == {'key': 'momentum.max_gap', 'value': 8, 'source': 'set'}"
expect 200 PUT /api/settings/momentum.half_life -H "$A" -H "$json" \
	-d '{"value": "12.5"}'
jcheck "d['value'] == 12.5"
expect 422 PUT /api/settings/momentum.max_gap -H "$A" -H "$json" \
	-d '{"value": -1}'
expect_error invalid value
jcheck "'expected an integer from 0 to 1000' in d['error']['message']"
expect 422 PUT /api/settings/momentum.max_gap -H "$A" -H "$json" \
	-d '{"value": {}}'
expect_error invalid value
expect 404 PUT /api/settings/momentum.nope -H "$A" -H "$json" \
	-d '{"value": 1}'
expect 200 PUT /api/settings/holidays -H "$A" -H "$json" \
	-d '{"value": ["2026-12-25", "2026-12-24"]}'
jcheck "d['value'] == ['2026-12-24', '2026-12-25']"
expect 200 GET /api/settings/momentum.max_gap -H "$A"
"$TECHWIN" config get momentum.max_gap --json >cli.json
jcheck "d == $(tr -d '\n' <cli.json)"
expect 200 DELETE /api/settings/momentum.max_gap -H "$A"
jcheck "d == {'key': 'momentum.max_gap', 'value': 5, 'source': 'default'}"
[ "$("$TECHWIN" config get momentum.max_gap)" = 5 ] || fail "unset"

expect 200 POST /api/settings/holidays -H "$A" -H "$json" \
	-d '{"days": ["2026-12-31", "2026-12-24"]}'
jcheck "d == {'added': 1, 'present': 1}"
expect 422 POST /api/settings/holidays -H "$A" -H "$json" \
	-d '{"days": ["2026-02-30"]}'
expect_error invalid days
expect 204 DELETE /api/settings/holidays/2026-12-24 -H "$A"
expect 404 DELETE /api/settings/holidays/2026-12-24 -H "$A"
[ "$("$TECHWIN" config get holidays)" = 2026-12-25,2026-12-31 ] ||
	fail "holidays: $("$TECHWIN" config get holidays)"

# ---- users ----------------------------------------------------------------------

expect 201 POST /api/users -H "$A" -H "$json" \
	-d '{"name": "amy", "role": "viewer", "password": "password9"}'
jcheck "d['name'] == 'amy'" "d['role'] == 'viewer'" "d['tokens'] == 0" \
	"sorted(d) == ['created', 'email', 'full_name', 'name', 'role', 'tokens']"
expect 422 POST /api/users -H "$A" -H "$json" \
	-d '{"name": "bo", "role": "viewer", "password": "short"}'
expect_error invalid password
expect 422 POST /api/users -H "$A" -H "$json" \
	-d '{"name": "bo", "role": "boss", "password": "password9"}'
expect_error invalid role
expect 409 POST /api/users -H "$A" -H "$json" \
	-d '{"name": "amy", "role": "viewer", "password": "password9"}'
expect_error conflict name
expect 422 POST /api/users -H "$A" -H "$json" \
	-d '{"name": "bo", "role": "viewer", "password": "password9", "x": 1}'
expect_error invalid x
expect 200 GET /api/users -H "$A"
"$TECHWIN" user list --json >cli.json
jcheck "d['items'] == $(tr -d '\n' <cli.json | sed 's/\bnull\b/None/g')" "d['next'] is None"
expect 200 GET "/api/users?limit=1&cursor=$(cursor_of amy)" -H "$A"
jcheck "[u['name'] for u in d['items']] == ['ed']" \
	"d['next'] == '$(cursor_of ed)'"
expect 200 PATCH /api/users/amy -H "$A" -H "$json" -d '{"role": "editor"}'
jcheck "d['role'] == 'editor'"
expect 422 PATCH /api/users/root -H "$A" -H "$json" -d '{"role": "viewer"}'
expect_error invalid role
expect 404 PATCH /api/users/nobody -H "$A" -H "$json" -d '{"role": "viewer"}'
expect 200 PATCH /api/users/amy -H "$A" -H "$json" \
	-d '{"password": "newpassword"}'
expect 200 POST /login -H "$json" \
	-d '{"name": "amy", "password": "newpassword"}'
expect 422 PATCH /api/users/amy -H "$A" -H "$json" -d '{"keep_tokens": true}'
expect_error invalid keep_tokens

# ---- tokens ---------------------------------------------------------------------

expect 201 POST /api/tokens -H "$A" -H "$json" -d '{"name": "amy-ci", "user": "amy"}'
jcheck "d['name'] == 'amy-ci'" "d['user'] == 'amy'" "len(d['token']) >= 40"
tok=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$tmp/body")
expect 200 GET /api/session -H "Authorization: Bearer $tok"
expect 200 GET /api/tokens -H "$A"
"$TECHWIN" token list --json >cli.json
jcheck "d['items'] == $(tr -d '\n' <cli.json)"
grep -qF -e "$tok" "$tmp/body" && fail "the token list shows a token"
expect 409 POST /api/tokens -H "$A" -H "$json" -d '{"name": "amy-ci", "user": "amy"}'
expect_error conflict name
expect 404 POST /api/tokens -H "$A" -H "$json" -d '{"name": "x", "user": "nobody"}'
expect_error not_found user
expect 204 DELETE /api/tokens/amy-ci -H "$A"
expect 401 GET /api/session -H "Authorization: Bearer $tok"
expect 404 DELETE /api/tokens/amy-ci -H "$A"

expect 204 DELETE /api/users/amy -H "$A"
expect 404 GET /api/users/amy -H "$A"
expect 422 DELETE /api/users/root -H "$A"

# ---- a session's writes need the CSRF token ---------------------------------

expect 200 POST /login -H "$json" -d '{"name": "root", "password": "password1"}'
csrf=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$tmp/body")
c="Cookie: $(header Set-Cookie | sed 's/;.*//')"
expect 403 PUT /api/settings/momentum.max_gap -H "$c" -H "$json" -d '{"value": 9}'
expect 200 PUT /api/settings/momentum.max_gap -H "$c" -H "$json" \
	-H "X-CSRF-Token: $csrf" -d '{"value": 9}'

# ---- the history ----------------------------------------------------------------

"$TECHWIN" history >hist
for line in "root  (workspace) setting 'momentum.max_gap' value: (none) -> 8" \
	"root  (workspace) user 'amy' created" \
	"root  (workspace) user 'amy' role: viewer -> editor" \
	"root  (workspace) token 'amy-ci' deleted" \
	"root  (workspace) user 'amy' deleted"; do
	grep -qF -e "$line" hist || fail "not in the history: $line"
done
exit 0
