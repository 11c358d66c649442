#!/bin/sh
# t0132-web-deal-remove-holidays: the two deal verbs that had no page or
# no API route. Removing a deal (techwin deal rm, V_DEAL_REMOVE): the
# deal's edit page links a page that asks first and names what goes with
# the deal; its post removes it and goes to the pipeline. A deal's
# holidays from a calendar (techwin deal holidays import, V_HOLIDAYS):
# an .ics upload on the edit page, and POST /api/deals/{slug}/holidays
# with dates or a calendar's text, both answered as the CLI counts them.
# Refusals change nothing; viewers and posts without the CSRF token are
# refused.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

ics=$TW_SRC/tests/data/ics/de-berlin.ics
"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account Acme >/dev/null
"$TECHWIN" deal add beta --account Beta >/dev/null
"$TECHWIN" criterion add acme p95 --metric "p95 latency" --unit ms \
	--at-most 200 >/dev/null
"$TECHWIN" event add acme kickoff --title Kickoff --date 2026-11-02 \
	--kind technical >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
vic=$("$TECHWIN" token add vic-ci --user vic 2>/dev/null)
ed=$("$TECHWIN" token add ed-ci --user alice 2>/dev/null)
start_server
json="Content-Type: application/json"
holidays() { "$TECHWIN" deal show "$1" --json | "$PYTHON" -c 'import json,sys; print(" ".join(json.load(sys.stdin)["holidays"] or []))'; }
slugs() { "$TECHWIN" deal list --json | "$PYTHON" -c 'import json,sys; print(" ".join(sorted(d["slug"] for d in json.load(sys.stdin))))'; }

# ---- a deal's holidays through the API ----------------------------------------

A="Authorization: Bearer $ed"
expect 200 POST /api/deals/acme/holidays -H "$A" -H "$json" \
	-d '{"days": ["2026-12-24", "2026-12-31"]}'
jcheck "d == {'deal': 'acme', 'added': 2, 'present': 0}"
expect 200 POST /api/deals/acme/holidays -H "$A" -H "$json" \
	-d '{"days": ["2026-12-31"]}'
jcheck "d['added'] == 0 and d['present'] == 1"
[ "$(holidays acme)" = "2026-12-24 2026-12-31" ] || fail "holidays: $(holidays acme)"
"$TECHWIN" --json history acme | "$PYTHON" -c 'import json,sys; sys.exit(not any(h["actor"] == "alice" and h["entity"] == "holiday" for h in json.load(sys.stdin)))' ||
	fail "the history does not record alice's holidays"
# From a calendar's text: as techwin deal holidays import counts them.
"$PYTHON" -c 'import json,sys; print(json.dumps({"calendar": open(sys.argv[1]).read(), "years": "2027"}))' "$ics" >body.json
expect 200 POST /api/deals/beta/holidays -H "$A" -H "$json" -d @body.json
cp "$tmp/body" api.json
"$TECHWIN" deal add gamma --account Gamma >/dev/null
"$TECHWIN" --json deal holidays import gamma "$ics" --years 2027 >cli.json
"$PYTHON" -c 'import json,sys; a, c = (json.load(open(f)) for f in sys.argv[1:]); keys = ("added", "present", "from_year", "to_year", "skipped_events"); sys.exit(any(a[k] != c[k] for k in keys) or a["added"] < 5)' \
	api.json cli.json || fail "API and CLI differ: $(cat api.json cli.json)"
[ "$(holidays beta)" = "$(holidays gamma)" ] || fail "beta and gamma differ"
# Refusals: nothing written.
before=$(holidays acme)
for bad in '{"days": ["2026-02-30"]}:days' '{"days": []}:days' \
	'{"days": [20261224]}:days' \
	'{"days": ["2026-12-25"], "calendar": "x"}:days' '{}:calendar' \
	'{"calendar": "BEGIN:VCALENDAR"}:calendar' \
	'{"calendar": "", "years": "20x6"}:years' \
	'{"years": "2027"}:calendar' '{"day": "2026-12-25"}:day'; do
	expect 422 POST /api/deals/acme/holidays -H "$A" -H "$json" -d "${bad%:*}"
	expect_error invalid "${bad##*:}"
done
[ "$(holidays acme)" = "$before" ] || fail "a refused import wrote"
expect 404 POST /api/deals/nope/holidays -H "$A" -H "$json" \
	-d '{"days": ["2026-12-25"]}'
expect 403 POST /api/deals/acme/holidays -H "Authorization: Bearer $vic" \
	-H "$json" -d '{"days": ["2026-12-25"]}'
[ "$(holidays acme)" = "$before" ] || fail "a viewer wrote"

# ---- a deal's holidays on its edit page -----------------------------------------

login alice password1
expect 200 GET /deals/acme/edit -H "$cookie"
has '<h2 id="holidays">Holidays of this deal</h2>'
has 'action="/deals/acme/holidays/import"'
has '<time datetime="2026-12-24">'
has 'href="/deals/acme/remove"'
labelled
req POST /deals/acme/holidays/import -H "$cookie" -F "csrf_token=$csrf" \
	-F "calendar=@$ics" -F years=2028
[ "$code" = 303 ] || fail "the upload answered $code"
loc=$(header Location)
case $loc in /deals/acme/edit\?added=[1-9]*\#holidays) ;;
*) fail "redirected to $loc" ;; esac
expect 200 GET "$loc" -H "$cookie"
has 'holidays added.</p>'
holidays acme | grep -q 2028-12-25 || fail "no 2028 holidays: $(holidays acme)"
before=$(holidays acme)
expect 422 POST /deals/acme/holidays/import -H "$cookie" -F "csrf_token=$csrf" \
	-F "calendar=@$ics" -F years=20x6
has 'Nothing was changed.'
has 'aria-invalid="true"'
has 'href="/deals/acme/edit#holidays">Back to the deal'
expect 422 POST /deals/acme/holidays/import -H "$cookie" -F "csrf_token=$csrf"
has 'choose a calendar file (.ics)'
expect 403 POST /deals/acme/holidays/import -H "$cookie" -F "calendar=@$ics"
[ "$(holidays acme)" = "$before" ] || fail "a refused upload wrote"

# ---- removing a deal ----------------------------------------------------------------

expect 200 GET /deals/acme/remove -H "$cookie"
has '<h1>Remove Acme?</h1>'
has '<strong class="dependents">1 criterion, 1 event</strong>'
has 'action="/deals/acme/remove"'
labelled
expect 403 POST /deals/acme/remove -H "$cookie"
[ "$(slugs)" = "acme beta gamma" ] || fail "removed without the CSRF token"
post /deals/acme/remove
[ "$code" = 303 ] || fail "the removal answered $code"
[ "$(header Location)" = "/?removed=1" ] || fail "went to $(header Location)"
expect 200 GET "/?removed=1" -H "$cookie"
has 'Deal removed.'
[ "$(slugs)" = "beta gamma" ] || fail "deals: $(slugs)"
expect 404 GET /deals/acme/remove -H "$cookie"
post /deals/acme/remove
[ "$code" = 404 ] || fail "removing a removed deal answered $code"

# A viewer sees no link and is refused.
login vic password2
expect 403 GET /deals/beta/remove -H "$cookie"
post /deals/beta/remove
[ "$code" = 403 ] || fail "a viewer's removal answered $code"
[ "$(slugs)" = "beta gamma" ] || fail "a viewer removed a deal"
