#!/bin/sh
# t0152-web-users: the /users page, for admins only. Add a user, change a
# role, reset a password, remove a user (after a page that names what goes
# with it), make an API token (shown once, on the answer) and revoke it,
# each through the function techwin user / techwin token call: the CLI then
# shows the change and the history names the admin. Refused input is a 422
# (or 409 for a taken name, 404 for an unknown user) with the input kept
# and the message at the field; an editor's or viewer's post is 403, a post
# without the CSRF token too; the only admin cannot be demoted or removed.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add root --role admin >/dev/null
printf 'password2\n' | "$TECHWIN" user add ed --role editor >/dev/null
start_server

role_of() { "$TECHWIN" user list --json | "$PYTHON" -c 'import json,sys; print([u["role"] for u in json.load(sys.stdin) if u["name"] == sys.argv[1]][0])' "$1"; }

# ---- editors and viewers ----------------------------------------------------

login ed password2
expect 403 GET /users -H "$cookie"
for w in /users /users/root/role /users/root/password /users/root/remove \
	/tokens /tokens/x/revoke; do
	expect 403 POST "$w" -H "$cookie" --data-urlencode "csrf_token=$csrf" \
		-d name=x -d role=admin -d password=password9
done
expect 200 GET /settings -H "$cookie"
hasnt 'href="/users"'
[ "$(role_of ed)" = editor ] || fail "an editor made itself admin"

# ---- the page ---------------------------------------------------------------

login root password1
expect 200 GET /users -H "$cookie"
has '<h1>Users</h1>'
has '<label for="role-root">Role of root</label>'
has '<label for="pw-ed">New password for ed</label>'
has '<form method="post" action="/users" class="panel" id="add-user"'
has 'href="/users/ed/remove"'
expect 403 POST /users -H "$cookie" -d name=amy -d role=viewer \
	-d password=password9

# ---- add --------------------------------------------------------------------

expect 422 POST /users -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=amy -d role=viewer -d password=short
has 'value="amy"'
has 'id="u-password-error">password is shorter than 8 characters</p>'
expect 422 POST /users -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d 'name=amy smith' -d role=viewer -d password=password9
has 'id="u-name-error">invalid user name &#39;amy smith&#39;'
expect 422 POST /users -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=amy -d role=boss -d password=password9
has 'id="u-role-error">invalid role &#39;boss&#39;'
expect 409 POST /users -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=ed -d role=viewer -d password=password9
has "id=\"u-name-error\">user &#39;ed&#39; already exists</p>"
"$TECHWIN" user list >list
grep -q '^amy' list && fail "a refused add made amy"
expect 303 POST /users -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=amy -d role=viewer -d password=password9
[ "$(header Location)" = "/users?added=amy#main" ] ||
	fail "add: $(header Location)"
[ "$(role_of amy)" = viewer ] || fail "amy was not added"
expect 200 POST /login -H "Content-Type: application/json" \
	-d '{"name": "amy", "password": "password9"}'
login root password1

# ---- role -------------------------------------------------------------------

expect 303 POST /users/amy/role -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d role=editor
[ "$(role_of amy)" = editor ] || fail "role"
expect 422 POST /users/root/role -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d role=viewer
has 'id="role-root-error">cannot demote user &#39;root&#39;: it is the only admin'
[ "$(role_of root)" = admin ] || fail "the only admin was demoted"
expect 404 POST /users/nobody/role -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d role=viewer
has "unknown user &#39;nobody&#39;"

# ---- tokens -----------------------------------------------------------------

expect 201 POST /tokens -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=amy-ci -d user=amy
has 'Copy it now: it is not shown again.'
has 'data-copy="new-token"'
tok=$(sed -n 's/.*id="new-token" readonly size="44" value="\([^"]*\)".*/\1/p' "$tmp/body")
[ ${#tok} -ge 40 ] || fail "no token on the page"
[ "$(header Cache-Control)" = no-store ] || fail "the token page may be kept"
expect 200 GET /api/session -H "Authorization: Bearer $tok"
jcheck "d['name'] == 'amy'"
expect 200 GET /users -H "$cookie"
hasnt "$tok"
has '<td data-label="Token" class="wide">amy-ci</td>'
expect 409 POST /tokens -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=amy-ci -d user=amy
has "id=\"t-name-error\">token &#39;amy-ci&#39; already exists</p>"
expect 422 POST /tokens -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d 'name=bad name' -d user=amy
has 'value="bad name"'
expect 404 POST /tokens -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d name=x -d user=nobody
has "id=\"t-user-error\">unknown user &#39;nobody&#39;</p>"
expect 303 POST /tokens/amy-ci/revoke -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"
[ "$(header Location)" = "/users?revoked=amy-ci#tokens" ] ||
	fail "revoke: $(header Location)"
expect 401 GET /api/session -H "Authorization: Bearer $tok"
expect 404 POST /tokens/amy-ci/revoke -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"

# ---- password ---------------------------------------------------------------

expect 422 POST /users/amy/password -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d password=short
has 'id="pw-amy-error">password is shorter than 8 characters</p>'
expect 303 POST /users/amy/password -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d password=newpassword
expect 401 POST /login -H "Content-Type: application/json" \
	-d '{"name": "amy", "password": "password9"}'
expect 200 POST /login -H "Content-Type: application/json" \
	-d '{"name": "amy", "password": "newpassword"}'
login root password1

# ---- remove -----------------------------------------------------------------

"$TECHWIN" token add amy-cal --user amy >/dev/null 2>&1
expect 200 GET /users/amy/remove -H "$cookie"
has '<h1>Remove user amy?</h1>'
has 'its sessions and its 1 API token go with it: amy-cal.'
has '<form method="post" action="/users/amy/remove"'
expect 404 GET /users/nobody/remove -H "$cookie"
expect 422 POST /users/root/remove -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"
has 'cannot remove user &#39;root&#39;: it is the only admin'
expect 303 POST /users/amy/remove -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"
[ "$(header Location)" = "/users?removed=amy#main" ] ||
	fail "remove: $(header Location)"
"$TECHWIN" user list >list
grep -q '^amy' list && fail "amy is still there"
"$TECHWIN" token list >list
grep -q amy-cal list && fail "amy's token is still there"

# ---- the history names the admin, never a secret ----------------------------

"$TECHWIN" history >hist
sed 's/^[^ ]*  //' hist | grep "^root " >got || fail "nothing by root"
cat >want <<'EOF'
root  (workspace) user 'amy' created
root  (workspace) user 'amy' role: viewer -> editor
root  (workspace) token 'amy-ci' created
root  (workspace) token 'amy-ci' deleted
root  (workspace) user 'amy' password: (hidden) -> (changed)
root  (workspace) user 'amy' deleted
EOF
diff -u want got || fail "the history of the users page"
grep -qF -e "$tok" hist && fail "the token is in the history"
grep -q newpassword hist && fail "the password is in the history"
exit 0
