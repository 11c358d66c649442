#!/bin/sh
# t0261-web-playbook: the workspace playbook on /settings and in the API.
# A viewer reads it and sees no form, and its post is 403; an admin adds,
# edits and removes a step (after a confirmation page) and resets it to the
# built-in default (after another), each a 303 to the page that techwin
# config playbook shows and the history records under the admin's name. A
# refused step (no title, an offset that is no number, a kind that is none,
# a key another step has) is a 422 that keeps the input and says why at the
# field, with nothing written. Every form carries the CSRF token. The API
# (GET, PUT, DELETE /api/settings/playbook) goes through the same function.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add root --role admin >/dev/null
printf 'password3\n' | "$TECHWIN" user add vic --role viewer >/dev/null
root=$("$TECHWIN" token add root-ci --user root 2>/dev/null)
start_server
json="Content-Type: application/json"
A="Authorization: Bearer $root"
steps() { # the steps as key:offset, from techwin config playbook --json
	"$TECHWIN" config playbook --json | "$PYTHON" -c 'import json, sys
d = json.load(sys.stdin)
print(d["source"], ",".join("%s:%s" % (s["key"] or s["title"], s["offset"]) for s in d["playbook"]))'
}

# ---- a viewer -----------------------------------------------------------------

login vic password3
expect 200 GET /settings -H "$cookie"
has '<h2 id="playbook">Playbook</h2>'
has 'These are the built-in default'
has 'Executive summary to the economic buyer'
hasnt 'action="/settings/playbook"'
hasnt '/settings/playbook/1/edit'
expect 403 POST /settings/playbook -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d title=X -d offset=1
expect 403 POST /settings/playbook/1/remove -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"
expect 403 POST /settings/playbook/reset -H "$cookie" --data-urlencode \
	"csrf_token=$csrf"
expect 403 GET /settings/playbook/1/edit -H "$cookie"
[ "$(steps)" = "default exec-summary:2,terms:4,contract-review:6,contract-signed:6" ] ||
	fail "a viewer changed the playbook: $(steps)"

# ---- an admin: the form -------------------------------------------------------

login root password1
expect 200 GET /settings -H "$cookie"
has '<form method="post" action="/settings/playbook" id="playbook-form"'
has 'href="/settings/playbook/2/edit"'
has 'href="/settings/playbook/4/remove"'
hasnt 'href="/settings/playbook/reset"'
labelled
# Without the CSRF token, or with a wrong one: 403.
expect 403 POST /settings/playbook -H "$cookie" -d title=X -d offset=1
expect 403 POST /settings/playbook -H "$cookie" -d csrf_token=wrong \
	-d title=X -d offset=1

# Refused: at the field, the input kept, nothing written.
post /settings/playbook -d title=Security -d offset=ten -d kind=technical
[ "$code" = 422 ] || fail "offset ten: $code"
has 'id="add-step-offset-error"'
has 'aria-invalid="true"'
has 'ten'
has 'Security'
labelled
post /settings/playbook -d title= -d offset=3
[ "$code" = 422 ] || fail "no title: $code"
has 'id="add-step-title-error"'
has 'needs a title'
post /settings/playbook -d title=Security -d offset=3 -d kind=legal
[ "$code" = 422 ] || fail "bad kind: $code"
has 'id="add-step-kind-error"'
post /settings/playbook -d title=Security -d offset=3 -d key=terms
[ "$code" = 422 ] || fail "duplicate key: $code"
has 'id="add-step-key-error"'
has "duplicate playbook step key &#39;terms&#39;"
post /settings/playbook -d title=Security
[ "$code" = 422 ] || fail "no offset: $code"
has 'id="add-step-offset-error"'
[ "$(steps)" = "default exec-summary:2,terms:4,contract-review:6,contract-signed:6" ] ||
	fail "a refused step was written: $(steps)"

# Add: the built-in steps become the workspace's, the new one last.
post /settings/playbook -d title="Security review" -d offset=1 \
	-d kind=technical -d key=sec-review -d owner=se
[ "$code" = 303 ] || fail "add: $code $(cat "$tmp/body")"
[ "$(header Location)" = "/settings?playbook=added#playbook" ] ||
	fail "add: $(header Location)"
[ "$(steps)" = "set exec-summary:2,terms:4,contract-review:6,contract-signed:6,sec-review:1" ] ||
	fail "add: $(steps)"
expect 200 GET '/settings?playbook=added' -H "$cookie"
has 'Step added to the playbook.'
has 'These are the workspace'
has 'href="/settings/playbook/reset"'

# Edit step 2: its page, a refusal there, then the change.
expect 200 GET /settings/playbook/2/edit -H "$cookie"
has '<h1>Edit playbook step 2</h1>'
has 'value="Commercial terms discussion"'
labelled
post /settings/playbook/2/edit -d title="Terms" -d offset=x -d kind=commercial \
	-d key=terms -d owner=ae -d plus_procurement=false
[ "$code" = 422 ] || fail "edit offset x: $code"
has 'id="step-offset-error"'
has 'value="Terms"'
post /settings/playbook/2/edit -d title="Terms" -d offset=5 -d kind=commercial \
	-d key=terms -d owner=ae -d plus_procurement=false
[ "$code" = 303 ] || fail "edit: $code $(cat "$tmp/body")"
[ "$(steps)" = "set exec-summary:2,terms:5,contract-review:6,contract-signed:6,sec-review:1" ] ||
	fail "edit: $(steps)"
expect 404 GET /settings/playbook/9/edit -H "$cookie"
expect 404 GET /settings/playbook/x/edit -H "$cookie"

# Remove step 1: asked first, then gone.
expect 200 GET /settings/playbook/1/remove -H "$cookie"
has 'Remove playbook step 1?'
has 'Executive summary to the economic buyer'
has 'name="csrf_token"'
[ "$(steps)" = "set exec-summary:2,terms:5,contract-review:6,contract-signed:6,sec-review:1" ] ||
	fail "the confirmation page removed: $(steps)"
post /settings/playbook/1/remove
[ "$code" = 303 ] || fail "remove: $code"
[ "$(steps)" = "set terms:5,contract-review:6,contract-signed:6,sec-review:1" ] ||
	fail "remove: $(steps)"

# Every change is in the history, under the admin's name.
"$TECHWIN" history >hist
[ "$(grep -c "root  (workspace) setting 'playbook'" hist)" = 3 ] ||
	fail "history: $(cat hist)"

# Reset: asked first, then the built-in default again.
expect 200 GET /settings/playbook/reset -H "$cookie"
has 'Reset the playbook?'
post /settings/playbook/reset
[ "$code" = 303 ] || fail "reset: $code"
[ "$(steps)" = "default exec-summary:2,terms:4,contract-review:6,contract-signed:6" ] ||
	fail "reset: $(steps)"

# ---- the API ------------------------------------------------------------------

expect 200 GET /api/settings/playbook -H "$A"
jcheck "d['source'] == 'default'" "len(d['playbook']) == 4" \
	"d['playbook'][0]['key'] == 'exec-summary'"
expect 200 PUT /api/settings/playbook -H "$A" -H "$json" \
	-d '{"playbook": [{"title": "Security review", "offset": 1, "kind": "technical", "key": "sec-review"}, {"title": "Signature", "offset": 3, "plus_procurement": true}]}'
jcheck "d['source'] == 'set'" "[s['offset'] for s in d['playbook']] == [1, 3]" \
	"d['playbook'][1]['kind'] == 'commercial'"
[ "$(steps)" = "set sec-review:1,Signature:3" ] || fail "PUT: $(steps)"
expect 422 PUT /api/settings/playbook -H "$A" -H "$json" \
	-d '{"playbook": [{"title": "A", "offset": 1, "key": "a"}, {"title": "B", "offset": 2, "key": "a"}]}'
expect_error invalid 'playbook[1].key'
expect 422 PUT /api/settings/playbook -H "$A" -H "$json" \
	-d '{"playbook": [{"title": "A"}]}'
expect_error invalid 'playbook[0]'
expect 422 PUT /api/settings/playbook -H "$A" -H "$json" -d '{"playbook": []}'
[ "$(steps)" = "set sec-review:1,Signature:3" ] || fail "a refused PUT wrote: $(steps)"
expect 200 DELETE /api/settings/playbook -H "$A"
jcheck "d['source'] == 'default'"
[ "$(steps)" = "default exec-summary:2,terms:4,contract-review:6,contract-signed:6" ] ||
	fail "DELETE: $(steps)"
echo "t0261: ok"
