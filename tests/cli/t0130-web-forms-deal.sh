#!/bin/sh
# t0130-web-forms-deal: the pages that create a deal (/deals/new) and
# edit its fields (/deals/SLUG/edit) run the CLI's verbs: what they save
# is what `techwin deal show` then shows; a refusal is the form again
# (422) with what was typed and the verb's message at its field; a viewer
# gets no forms and a 403; a post without the session's CSRF token is 403
# and writes nothing.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
start_server
login alice password1

# --- a new deal ----------------------------------------------------------------

expect 200 GET /deals/new -H "$cookie"
has '<form method="post" action="/deals/new"'
has 'name="csrf_token"'
has '<input id="new-slug" name="slug" type="text" required'
has '<input id="new-poc_start" name="poc_start" type="date"'
has '<input id="new-champion_email" name="champion_email" type="email"'
hasnt 'name="outcome"'		# read-only: its own verb's
hasnt 'name="snooze_until"'
labelled

post /deals/new -d slug=acme --data-urlencode 'account=Acme & <Sons>' \
	-d value=415000 -d currency=USD -d se=sam -d poc_start=2026-11-02 \
	-d poc_end=2026-11-20 -d procurement_days= -d stage=
[ "$code" = 303 ] || fail "create: $code"
[ "$(header Location)" = '/deals/acme?added=deal' ] ||
	fail "create went to $(header Location)"
cli_json "deal show acme" "d['account'] == 'Acme & <Sons>'" \
	"d['value'] == 415000 and d['currency'] == 'USD'" \
	"d['se'] == 'sam' and d['ae'] is None" \
	"d['poc_start'] == '2026-11-02' and d['poc_end'] == '2026-11-20'" \
	"d['stage'] == 'poc'" "d['procurement_days'] is None"
"$TECHWIN" history acme | grep -q 'alice  acme deal created' ||
	fail "history does not say alice created the deal"
expect 200 GET '/deals/acme?added=deal' -H "$cookie"
has 'Deal created.'
has 'Acme &amp; &lt;Sons&gt;'

# A taken slug: 422, the form again with the input kept and the message
# at the slug, linked from the summary; nothing changes.
post /deals/new -d slug=acme -d account=Other -d currency=EUR
[ "$code" = 422 ] || fail "taken slug: $code"
has '<span class="field-error" id="new-slug-error">deal &#39;acme&#39; already exists</span>'
has '<input id="new-slug" name="slug" type="text" required aria-invalid="true" aria-describedby="new-slug-hint new-slug-error" value="acme">'
has 'value="Other"'
has 'value="EUR"'
has '<a href="#new-slug">deal &#39;acme&#39; already exists</a>'
labelled
cli_json "deal show acme" "d['account'] == 'Acme & <Sons>'"

# The validator's refusals land at their fields too.
post /deals/new -d 'slug=Not A Slug' -d account=X
[ "$code" = 422 ] || fail "bad slug: $code"
has 'id="new-slug-error">invalid deal slug'
post /deals/new -d slug=beta -d account=
[ "$code" = 422 ] || fail "no account: $code"
has 'id="new-account-error">deal add needs account'
post /deals/new -d slug=beta -d account=Beta -d value=lots
[ "$code" = 422 ] || fail "bad value: $code"
has 'id="new-value-error">value: expected a number, got &#39;lots&#39;'
# A number input cannot hold it (HTML forbids the value): the message
# quotes it instead.
hasnt 'value="lots"'
post /deals/new -d slug=beta -d account=Beta -d poc_start=2026-11-20 \
	-d poc_end=2026-11-02
[ "$code" = 422 ] || fail "POC ends before it starts: $code"
has 'id="new-poc_end-error">'
"$TECHWIN" deal list | grep -q beta && fail "a refused form made a deal"

# --- a deal's fields -----------------------------------------------------------

expect 200 GET /deals/acme -H "$cookie"
has '<a class="button secondary" href="/deals/acme/edit">Edit the deal</a>'
expect 200 GET /deals/acme/edit -H "$cookie"
has '<form method="post" action="/deals/acme/edit"'
has 'value="Acme &amp; &lt;Sons&gt;"'
has '<input id="deal-poc_end" name="poc_end" type="date" value="2026-11-20">'
labelled

# The form posts every field: changed ones change, an emptied one clears.
post /deals/acme/edit --data-urlencode 'account=Acme & <Sons>' \
	-d stage=proposal -d value=415000 -d currency=USD -d ae=alex -d se= \
	-d procurement_days=15 -d champion=Cam -d champion_email=cam@acme.test \
	-d poc_start=2026-11-02 -d poc_end=2026-11-20
[ "$code" = 303 ] || fail "edit: $code"
[ "$(header Location)" = '/deals/acme?updated=deal' ] ||
	fail "edit went to $(header Location)"
cli_json "deal show acme" "d['stage'] == 'proposal'" "d['ae'] == 'alex'" \
	"d['se'] is None" "d['procurement_days'] == 15" \
	"d['champion_email'] == 'cam@acme.test'" \
	"d['account'] == 'Acme & <Sons>'"
expect 200 GET '/deals/acme?updated=deal' -H "$cookie"
has 'Deal saved.'

post /deals/acme/edit -d account=Acme -d champion_email='cam at acme'
[ "$code" = 422 ] || fail "bad email: $code"
has 'id="deal-champion_email-error">'
has 'value="cam at acme"'
post /deals/acme/edit -d account=
[ "$code" = 422 ] || fail "emptied account: $code"
has 'id="deal-account-error">deal account is required'
post /deals/acme/edit -d poc_end=2026-10-01
[ "$code" = 422 ] || fail "POC end before start: $code"
has 'id="deal-poc_end-error">'
cli_json "deal show acme" "d['account'] == 'Acme & <Sons>'" \
	"d['champion_email'] == 'cam@acme.test'" "d['poc_end'] == '2026-11-20'"
post /deals/nope/edit -d stage=x
[ "$code" = 404 ] || fail "unknown deal: $code"

# --- without the right: a viewer, a post without the CSRF token -----------------

for p in /deals/new /deals/acme/edit; do
	expect 403 POST "$p" -H "$cookie" -d slug=evil -d account=Evil
	expect 403 POST "$p" -H "$cookie" -d csrf_token=wrong -d slug=evil \
		-d account=Evil
done
cli_json "deal show acme" "d['account'] == 'Acme & <Sons>'"
"$TECHWIN" deal list | grep -q evil && fail "a post without CSRF wrote"

login vic password2
expect 200 GET /deals/acme -H "$cookie"
hasnt 'Edit the deal'
hasnt '/edit"'
for p in /deals/new /deals/acme/edit; do
	expect 403 GET "$p" -H "$cookie"
	post "$p" -d slug=evil -d account=Evil
	[ "$code" = 403 ] || fail "viewer's post to $p: $code"
done
cli_json "deal show acme" "d['account'] == 'Acme & <Sons>'"
"$TECHWIN" deal list | grep -q evil && fail "a viewer's post wrote"
exit 0
