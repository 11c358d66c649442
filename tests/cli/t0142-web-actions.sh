#!/bin/sh
# t0142-web-actions: the deal page's actions in the browser's way (forms,
# CSRF token, 303 after success, the page again with a 422 and the input
# kept on a refusal): mark an event done, log a message as sent, snooze
# and unsnooze, acknowledge a finding and take it back, close and reopen.
# After each the CLI, on the same database, shows the change. A viewer sees
# no forms and gets a 403; a post without the session's CSRF token too.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

tw() { "$TECHWIN" "$@" >/dev/null; }
tw init
tw deal add acme --account 'Acme Corp' --champion Dana \
	--champion-email dana@acme.example --procurement-days 10
tw criterion add acme p95 --metric 'p95 latency' --at-most 200 --unit ms
tw criterion record acme p95 120 --on 2026-11-16
tw event add acme readout --kind technical --title 'POC readout' \
	--date 2026-11-16
tw event "done" acme readout --on 2026-11-16
tw event add acme pricing --kind commercial --title 'Pricing call' \
	--date 2026-11-20
printf 'password1\n' | tw user add alice --role editor
printf 'password2\n' | tw user add vic --role viewer
start_server
json="Content-Type: application/json"

login vic password2
vc=$cookie vcsrf=$csrf
login alice password1

# post CODE ACTION [FIELD=VALUE...]: the form of the deal page to
# /deals/acme/ACTION, with the session's CSRF token.
post() {
	want=$1 action=$2
	shift 2
	for kv in "$@"; do
		set -- "$@" --data-urlencode "$kv"
		shift
	done
	expect "$want" POST "/deals/acme/$action" -H "$cookie" \
		--data-urlencode "csrf_token=$csrf" "$@"
}
# The redirect after a success, followed: the page with its notice.
follow() {
	loc=$(header Location)
	[ "$loc" = "$1" ] || fail "$method $path went to '$loc', not '$1'"
	expect 200 GET "${loc%%#*}" -H "$cookie"
}
# The CLI's --json answer for the same database, checked like jcheck.
cli() {
	"$TECHWIN" --json "$@" >"$tmp/cli.json" 2>/dev/null || [ $? = 1 ] ||
		fail "techwin $*"
}
ccheck() {
	mv "$tmp/body" "$tmp/page"
	cp "$tmp/cli.json" "$tmp/body"
	jcheck "$@"
	mv "$tmp/page" "$tmp/body"
}
ack_of() {
	echo "[f for f in d['findings'] if f['rule'] == '$1'][0]"
}

actions="done touches snooze unsnooze acks unack close reopen"

# --- a viewer sees no forms and may not post ---------------------------------

expect 200 GET /deals/acme -H "$vc"
hasnt '<form method="post" action="/deals/acme/'
for a in $actions; do
	expect 403 POST "/deals/acme/$a" -H "$vc" \
		--data-urlencode "csrf_token=$vcsrf" -d reason=x
done

# --- no CSRF token, or another's: 403, and nothing written ---------------------

for a in $actions; do
	expect 403 POST "/deals/acme/$a" -H "$cookie" -d event=pricing -d on=2026-11-25
	expect 403 POST "/deals/acme/$a" -H "$cookie" \
		--data-urlencode "csrf_token=$vcsrf" -d event=pricing
done
cli event list acme
ccheck "d[1]['done'] is None"

# --- the editor's page holds the forms ---------------------------------------

expect 200 GET /deals/acme -H "$cookie"
for id in done snooze ack close share; do
	has "id=\"$id\""
done
has 'action="/deals/acme/touches"'
has '<option value="">Choose an event</option>'

# --- mark an event done --------------------------------------------------------

post 422 "done" event=pricing on=2026-11-30
has 'value="2026-11-30"'
has 'id="done-on-error">2026-11-30 is after today (2026-11-26): mark an event done once it is'
has '<option value="pricing" selected>'
post 422 "done" event= on=2026-11-25
has 'id="done-event-error">choose an event'
post 303 "done" event=pricing on=2026-11-25
follow '/deals/acme?did=done&key=pricing#timeline'
has 'Marked Pricing call done on <time datetime="2026-11-25">'
cli event list acme
ccheck "d[1]['key'] == 'pricing' and d[1]['done'] == '2026-11-25'"
# Nothing left to mark done: no form.
hasnt 'id="done"'

# --- log a message as sent, from its card ---------------------------------------

has 'name="type" value="buying-signal"'
has 'name="criterion" value="p95"'
post 422 touches card=msg-1 type=buying-signal criterion=p95 \
	on=2026-11-27 channel=email
has 'id="msg-1-on-error">2026-11-27 is after today'
has 'id="msg-1-on" name="on" type="date" required aria-invalid="true" aria-describedby="msg-1-on-error" value="2026-11-27"'
post 303 touches card=msg-1 type=buying-signal criterion=p95 \
	on=2026-11-26 channel=text
follow '/deals/acme?did=logged#messages'
has 'Logged the message as sent.'
has 'Logged as sent on <time datetime="2026-11-26">'
cli check acme
ccheck "not [f for f in d['findings'] if f['rule'] == 'unframed-pass']"
cli history acme
ccheck "[h for h in d if h['entity'] == 'touch' and h['actor'] == 'alice']"
post 303 touches card=msg-1 type=buying-signal criterion=p95 \
	on=2026-11-26 channel=text
follow '/deals/acme?did=present#messages'

# --- snooze and unsnooze ---------------------------------------------------------

post 422 snooze until=2026-11-20 reason='Champion on leave'
has 'id="snooze-until-error">&#39;2026-11-20&#39; is in the past (today is 2026-11-26)'
has 'value="Champion on leave"'
has '<details class="panel" open><summary>Snooze the deal'
post 422 snooze until=2026-12-10 reason=
has 'id="snooze-reason-error">the reason cannot be empty'
has 'id="snooze-until" name="until" type="date" required value="2026-12-10"'
has 'id="snooze-reason" name="reason" type="text" maxlength="500" required aria-invalid="true" aria-describedby="snooze-reason-error" value="">'
post 422 snooze until= reason=x
has 'id="snooze-until-error">enter the last day of the snooze'
cli snooze acme
ccheck "d['snoozed'] is False"
post 303 snooze until=2026-12-10 reason='Champion on leave'
follow '/deals/acme?did=snoozed#check'
has 'Snoozed through <time datetime="2026-12-10">'
has 'action="/deals/acme/unsnooze"'
cli snooze acme
ccheck "d['snoozed'] is True" "d['until'] == '2026-12-10'" \
	"d['reason'] == 'Champion on leave'"
post 303 unsnooze
follow '/deals/acme?did=unsnoozed#check'
cli snooze acme
ccheck "d['snoozed'] is False" "d['until'] is None"

# --- acknowledge a finding, and take it back ----------------------------------------

has '<option value="late-commercial-followup|readout">'
post 422 acks 'finding=late-commercial-followup|readout' reason=
has 'id="ack-reason-error">the reason cannot be empty'
has '<option value="late-commercial-followup|readout" selected>'
post 422 acks finding= reason=x
has 'id="ack-finding-error">choose a finding'
post 422 acks 'finding=late-commercial-followup|nope' reason=x
has 'id="ack-finding-error">no finding'
post 422 acks 'finding=late-commercial-followup|readout' reason=x until=2026-01-01
has 'id="ack-until-error">&#39;2026-01-01&#39; is in the past'
# A date that is none is refused at its own input, as every form's.
post 422 acks 'finding=late-commercial-followup|readout' reason=x until=2026-02-30
has 'id="ack-until-error">'
hasnt 'id="ack-finding-error">'
post 303 acks 'finding=late-commercial-followup|readout' reason='Waiting on legal' \
	until=2026-12-04
follow '/deals/acme?did=acked#check'
has 'Finding acknowledged.'
has 'Acknowledged by alice through <time datetime="2026-12-04">'
cli check acme
ccheck "$(ack_of late-commercial-followup)['acknowledged'] is True" \
	"$(ack_of late-commercial-followup)['acknowledged_by'] == 'alice'" \
	"$(ack_of late-commercial-followup)['acknowledged_reason'] == 'Waiting on legal'"
has 'action="/deals/acme/unack"'
post 303 unack rule=late-commercial-followup subject=readout
follow '/deals/acme?did=unacked#check'
cli check acme
ccheck "$(ack_of late-commercial-followup)['acknowledged'] is False"

# --- close won or lost, and reopen -------------------------------------------------

post 422 close close_date=2026-11-20
has 'id="close-outcome-error">choose won or lost'
has '<fieldset id="close-outcome" aria-invalid="true" aria-describedby="close-outcome-error">'
has 'Not closed: <a href="#close-outcome">choose won or lost</a>'
has 'value="2026-11-20"'
post 422 close outcome=won close_date=2026-13-01
has 'id="close-close_date-error">'
hasnt 'close_date: '
post 422 close outcome=won close_date=2026-11-30
has 'id="close-close_date-error">close date 2026-11-30 is after today (2026-11-26)'
has 'id="close-won" name="outcome" value="won" checked'
post 303 close outcome=won close_date=2026-11-25
follow '/deals/acme?did=closed#main'
has 'Closed as won on <time datetime="2026-11-25">'
has 'action="/deals/acme/reopen"'
hasnt 'id="close"'
cli deal show acme
ccheck "d['outcome'] == 'won'" "d['close_date'] == '2026-11-25'"
post 303 reopen
follow '/deals/acme?did=reopened#main'
has 'The deal is open again.'
cli deal show acme
ccheck "d['outcome'] == 'open'" "d['close_date'] is None"
post 422 reopen
has 'is already open'

# --- the deal the route names must exist -------------------------------------------

expect 404 POST /deals/nope/snooze -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d until=2026-12-10 -d reason=x
expect 404 POST /deals/nope/close -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d outcome=won

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
