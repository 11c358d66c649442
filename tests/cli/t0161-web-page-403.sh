#!/bin/sh
# t0161-web-page-403: a page a user's role does not reach (an editor's page
# for a viewer, an admin's for an editor) answers 403 with an HTML page in
# the usual frame that names the role it takes and links back, for a GET
# and for a form's post alike; the API keeps answering its JSON error.
# Also: the deal page's record form passes the Nu Html Checker: its
# required select opens with an empty placeholder option, and choosing none
# is refused by the server with the form's message.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

tw() { "$TECHWIN" "$@" >/dev/null; }
tw init
tw deal add acme --account 'Acme Corp'
tw criterion add acme p95 --metric 'p95 latency' --at-most 200 --unit ms
printf 'password1\n' | tw user add ed --role editor
printf 'password2\n' | tw user add vic --role viewer
start_server

html_403() {
	case $(header Content-Type) in
	text/html*) ;;
	*) fail "$method $path: 403 as $(header Content-Type)" ;;
	esac
	has '<h1>Forbidden</h1>'
	has "$1"
	has '<a href="/">Back to the pipeline</a>'
	has '<nav aria-label="Main">'	# the page frame
	hasnt '"error"'
}

# ---- a viewer -----------------------------------------------------------------

login vic password2
for p in /deals/new /deals/acme/edit /users; do
	expect 403 GET "$p" -H "$cookie"
	case $p in
	/users) html_403 'You need the admin role to open this page. You are signed in as vic, a viewer.' ;;
	*) html_403 'You need the editor role to open this page. You are signed in as vic, a viewer.' ;;
	esac
done
post /deals/acme/measurements -d criterion=p95 -d measured=120
[ "$code" = 403 ] || fail "a viewer's record: $code"
html_403 'You need the editor role to make this change.'
"$TECHWIN" criterion list acme --json | grep -q '"measured": null' ||
	fail "a viewer's post recorded a measurement"
# The API: JSON, as before.
expect 403 POST /api/deals -H "$cookie" -H "X-CSRF-Token: $csrf" \
	-H "Content-Type: application/json" -d '{"slug": "x"}'
expect_error forbidden None
# A viewer's deal page has no record form.
expect 200 GET /deals/acme -H "$cookie"
hasnt 'id="r-crit"'

# ---- an editor ----------------------------------------------------------------

login ed password1
expect 403 GET /users -H "$cookie"
html_403 'You need the admin role to open this page. You are signed in as ed, an editor.'
expect 403 GET /api/users -H "$cookie"
expect_error forbidden None
grep -q "user 'ed' is an editor: this needs the admin role" "$tmp/body" ||
	fail "API 403: $(cat "$tmp/body")"
expect 200 GET /deals/acme/edit -H "$cookie"

# ---- the record form ------------------------------------------------------------

expect 200 GET /deals/acme -H "$cookie"
"$PYTHON" - "$tmp/body" <<'PY' || fail "the record form's select"
import re, sys
page = open(sys.argv[1]).read()
m = re.search(r'<select id="r-crit" name="criterion" required>\n(.*?)</select>',
              page, re.S)
assert m, "no required criterion select"
opts = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', m.group(1))
assert opts[0] == ("", "Choose a criterion"), opts
assert [v for v, _ in opts[1:]] == ["p95"], opts
PY
post /deals/acme/measurements -d criterion= -d measured=120
[ "$code" = 422 ] || fail "no criterion: $code"
has 'choose a criterion'
has '<option value="">Choose a criterion</option>'
post /deals/acme/measurements -d criterion=p95 -d measured=120
[ "$code" = 303 ] || fail "record: $code"
