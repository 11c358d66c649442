#!/bin/sh
# t0131-web-forms-children: a deal's criteria, events, risks and phases
# are added from collapsed forms on the deal page and edited and removed
# from their own small pages, through the CLI's verbs: each change shows
# in `techwin KIND list`. A refused add is the deal page again (422) with
# the form open, the input kept and the message at its field. A removal
# asks first and names what refers to the child (phases resting on a
# criterion, events after an event), then removes it with those
# references. A viewer sees none of it and is refused; so is a post
# without the CSRF token.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account Acme >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
start_server
login alice password1

# --- the add forms on the deal page ----------------------------------------

expect 200 GET /deals/acme -H "$cookie"
for k in criteria events risks phases; do
	has "<details class=\"add\" id=\"add-$k\">"
	has "<form method=\"post\" action=\"/deals/acme/$k\""
done
# A required select starts with an empty choice; an optional one too.
has '<select id="add-criteria-direction" name="direction" required>'
has '<option value="">Choose one</option>'
has '<select id="add-risks-kind" name="kind">'
has '<textarea rows="3" id="add-phases-scope" name="scope"></textarea>'
labelled

added() {	# KIND KEY: the 303 back to the deal page at the new row
	[ "$code" = 303 ] || fail "add $1 $2: $code"
	header Location | grep -q "^/deals/acme?added=.*&key=$2#" ||
		fail "add $1 $2 went to $(header Location)"
}
post /deals/acme/criteria -d key=p95 -d 'metric=p95 latency' -d unit=ms \
	-d direction=at_most -d required=200 -d projected_growth_pct= \
	-d scales_with_load=true
added criteria p95
[ "$(header Location)" = '/deals/acme?added=criterion&key=p95#c-p95' ] ||
	fail "criterion: $(header Location)"
post /deals/acme/criteria -d key=tput -d direction=at_least -d required=900
added criteria tput
post /deals/acme/events -d key=kickoff -d kind=technical -d title=Kickoff \
	-d date=2026-11-20
added events kickoff
post /deals/acme/events -d key=demo -d kind=commercial -d title=Demo \
	-d after=kickoff
added events demo
post /deals/acme/risks -d key=sec -d 'title=Security review' -d kind= \
	-d deadline=2027-01-15 -d duration=3w -d buffer=
added risks sec
post /deals/acme/phases -d number=1 -d name=Pilot -d price=50000 \
	-d criteria=p95,tput -d duration=4w
added phases 1
[ "$(header Location)" = '/deals/acme?added=phase&key=1#p-1' ] ||
	fail "phase: $(header Location)"
cli_json "criterion list acme" "[c['key'] for c in d] == ['p95', 'tput']" \
	"d[0]['metric'] == 'p95 latency' and d[0]['required'] == 200" \
	"d[0]['scales_with_load'] is True and d[1]['direction'] == 'at_least'"
cli_json "event list acme" "[e['key'] for e in d] == ['kickoff', 'demo']" \
	"d[1]['after'] == 'kickoff' and d[1]['kind'] == 'commercial'" \
	"d[0]['date'] == '2026-11-20'"
cli_json "risk list acme" "d[0]['key'] == 'sec' and d[0]['kind'] == 'other'" \
	"d[0]['duration'] == '3w' and d[0]['deadline'] == '2027-01-15'"
cli_json "phase list acme" "d[0]['criteria'] == ['p95', 'tput']" \
	"d[0]['price'] == 50000 and d[0]['name'] == 'Pilot'"

expect 200 GET '/deals/acme?added=criterion&key=p95' -H "$cookie"
has 'Added criterion p95.'
has '<tr id="c-p95">'
has '<tr id="e-demo">'
has '<tr id="r-sec">'
has '<tr id="p-1">'
has '<a href="/deals/acme/criteria/p95/edit">Edit<span class="vh"> criterion p95</span></a>'
has '<a href="/deals/acme/phases/1/remove">Remove<span class="vh"> phase 1</span></a>'
labelled

# A refused add: the deal page, 422, that form open with what was typed.
post /deals/acme/criteria -d key=p95 -d direction=at_least -d required=7 \
	-d 'metric=again'
[ "$code" = 422 ] || fail "taken key: $code"
has '<details class="add" id="add-criteria" open>'
has '<details class="add" id="add-events">'
has 'id="add-criteria-key-error">criterion &#39;p95&#39; already exists in deal &#39;acme&#39;'
has '<a href="#add-criteria-key">'
has 'value="again"'
has '<option value="at_least" selected>'
labelled
post /deals/acme/events -d key=x -d kind=technical -d title=X -d after=nope
[ "$code" = 422 ] || fail "after an unknown event: $code"
has 'id="add-events-after-error">'
has 'value="nope"'
post /deals/acme/risks -d key=r2 -d title=R -d deadline=2027-01-01 \
	-d duration=soon
[ "$code" = 422 ] || fail "bad duration: $code"
has 'id="add-risks-duration-error">'
post /deals/acme/phases -d number=2 -d name=Full -d criteria=nope
[ "$code" = 422 ] || fail "unknown criterion: $code"
has 'id="add-phases-criteria-error">phase 2 rests on unknown criterion &#39;nope&#39;'
post /deals/acme/criteria -d key=c2 -d direction=at_most
[ "$code" = 422 ] || fail "no required value: $code"
has 'id="add-criteria-required-error">'
cli_json "criterion list acme" "len(d) == 2"
cli_json "event list acme" "len(d) == 2"
cli_json "risk list acme" "len(d) == 1"
cli_json "phase list acme" "len(d) == 1"
post /deals/acme/widgets -d key=w
[ "$code" = 404 ] || fail "unknown kind: $code"

# --- editing -------------------------------------------------------------------

expect 200 GET /deals/acme/criteria/p95/edit -H "$cookie"
has '<form method="post" action="/deals/acme/criteria/p95/edit"'
has 'value="p95 latency"'
hasnt 'name="key"'		# the key names it, never changes
labelled
post /deals/acme/criteria/p95/edit -d 'metric=p95 read latency' -d unit=ms \
	-d direction=at_most -d required=150 -d projected_growth_pct=20 \
	-d scales_with_load=false -d outcome=
[ "$code" = 303 ] || fail "edit criterion: $code"
[ "$(header Location)" = '/deals/acme?updated=criterion&key=p95#c-p95' ] ||
	fail "edit criterion: $(header Location)"
cli_json "criterion list acme" "d[0]['metric'] == 'p95 read latency'" \
	"d[0]['required'] == 150 and d[0]['projected_growth_pct'] == 20" \
	"d[0]['scales_with_load'] is False"
post /deals/acme/criteria/p95/edit -d required=fast
[ "$code" = 422 ] || fail "bad required: $code"
has 'id="edit-required-error">required: expected a number'
has 'got &#39;fast&#39;'
hasnt 'value="fast"'		# not a number: a number input cannot hold it
labelled
post /deals/acme/events/demo/edit -d title='Demo day' -d owner=Dana \
	-d date=2026-12-01 -d after=kickoff -d kind=commercial
[ "$code" = 303 ] || fail "edit event: $code"
post /deals/acme/risks/sec/edit -d buffer=1w -d duration=2w
[ "$code" = 303 ] || fail "edit risk: $code"
post /deals/acme/phases/1/edit -d name='Pilot, paid' -d criteria=p95
[ "$code" = 303 ] || fail "edit phase: $code"
[ "$(header Location)" = '/deals/acme?updated=phase&key=1#p-1' ] ||
	fail "edit phase: $(header Location)"
post /deals/acme/phases/1/edit -d criteria=p95,ghost
[ "$code" = 422 ] || fail "phase on a ghost: $code"
has 'id="edit-criteria-error">phase 1 rests on unknown criterion &#39;ghost&#39;'
cli_json "event list acme" "d[1]['title'] == 'Demo day'" \
	"d[1]['owner'] == 'Dana' and d[1]['date'] == '2026-12-01'"
cli_json "risk list acme" "d[0]['buffer'] == '1w' and d[0]['duration'] == '2w'"
cli_json "phase list acme" "d[0]['name'] == 'Pilot, paid'" \
	"d[0]['criteria'] == ['p95']"
expect 404 GET /deals/acme/criteria/nope/edit -H "$cookie"
post /deals/acme/risks/nope/edit -d title=x
[ "$code" = 404 ] || fail "edit an unknown risk: $code"

# --- removing --------------------------------------------------------------

# What refers to it is named, and the button removes it with them.
expect 200 GET /deals/acme/criteria/p95/remove -H "$cookie"
has '<h1>Remove criterion &#39;p95&#39;?</h1>'
has 'Referred to by: <strong class="dependents">phase 1</strong>'
has '<input type="hidden" name="force" value="1">'
has 'Remove criterion &#39;p95&#39; and 1 reference</button>'
expect 200 GET /deals/acme/events/kickoff/remove -H "$cookie"
has 'Referred to by: <strong class="dependents">event &#39;demo&#39;</strong>'
expect 200 GET /deals/acme/criteria/tput/remove -H "$cookie"
hasnt 'Referred to by'
hasnt 'name="force"'
has 'Remove criterion &#39;tput&#39;</button>'

# Without force the verb refuses to leave a phase resting on nothing.
post /deals/acme/criteria/p95/remove
[ "$code" = 422 ] || fail "remove a referred criterion without force: $code"
has 'criterion &#39;p95&#39; is referred to by phase 1'
cli_json "criterion list acme" "len(d) == 2"

post /deals/acme/criteria/p95/remove -d force=1
[ "$code" = 303 ] || fail "remove criterion: $code"
[ "$(header Location)" = '/deals/acme?removed=criterion&key=p95#criteria' ] ||
	fail "remove criterion: $(header Location)"
cli_json "criterion list acme" "[c['key'] for c in d] == ['tput']"
cli_json "phase list acme" "d[0]['criteria'] == []"
post /deals/acme/events/kickoff/remove -d force=1
[ "$code" = 303 ] || fail "remove event: $code"
cli_json "event list acme" "[e['key'] for e in d] == ['demo']" \
	"d[0]['after'] is None"
post /deals/acme/risks/sec/remove
[ "$code" = 303 ] || fail "remove risk: $code"
cli_json "risk list acme" "d == []"
post /deals/acme/phases/1/remove
[ "$code" = 303 ] || fail "remove phase: $code"
cli_json "phase list acme" "d == []"
expect 200 GET '/deals/acme?removed=phase&key=1' -H "$cookie"
has 'Removed phase 1.'
post /deals/acme/phases/1/remove
[ "$code" = 404 ] || fail "remove it again: $code"

# --- without the right ---------------------------------------------------------

expect 403 POST /deals/acme/criteria -H "$cookie" -d key=evil \
	-d direction=at_most -d required=1
expect 403 POST /deals/acme/criteria/tput/edit -H "$cookie" -d required=1
expect 403 POST /deals/acme/criteria/tput/remove -H "$cookie" \
	-d csrf_token=wrong
cli_json "criterion list acme" "[c['key'] for c in d] == ['tput']" \
	"d[0]['required'] == 900"

login vic password2
expect 200 GET /deals/acme -H "$cookie"
hasnt '<details'
hasnt 'row-actions'
expect 403 GET /deals/acme/criteria/tput/edit -H "$cookie"
expect 403 GET /deals/acme/criteria/tput/remove -H "$cookie"
for p in /deals/acme/criteria /deals/acme/criteria/tput/edit \
	/deals/acme/criteria/tput/remove; do
	post "$p" -d key=evil -d direction=at_most -d required=1
	[ "$code" = 403 ] || fail "viewer's post to $p: $code"
done
cli_json "criterion list acme" "[c['key'] for c in d] == ['tput']" \
	"d[0]['required'] == 900"
exit 0
