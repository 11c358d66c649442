#!/bin/sh
# t0252-champion-acts: the champion acts on the share page (issue 16),
# without an account: marks a buyer-side step done, proposes a new date
# for a step with a note, confirms the plan with a typed name. Each is a
# 303 back to the page, in history as "champion via share link N", an
# outbox event, and shown on the deal page; the step done counts as
# commercial progress and the confirmation as a touch (P moves). A
# proposed date changes nothing until the team accepts it (the deal
# page's button, the API, the CLI) or declines it, and date-proposed goes
# away once answered.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"
. "$TW_SRC/tests/web/share.sh"

export TECHWIN_NOW=2026-11-26T10:42:00Z
tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
q() { db_query "$1"; }
tw init
tw deal add acme --account 'Acme Corp' --poc-start 2026-11-02 --poc-end 2026-11-20
tw criterion add acme p95 --at-most 200 --metric 'p95 latency'
tw criterion record acme p95 150 --on 2026-11-20
tw event add acme legal --kind commercial --title 'Legal redlines' \
	--date 2026-11-27 --side buyer
tw event add acme pricing --kind commercial --title 'Pricing call' \
	--date 2026-12-03
tw event add acme sec --kind commercial --title 'Security review' \
	--date 2026-12-04 --side buyer
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null 2>&1
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
link=$("$TECHWIN" share acme 2>/dev/null)
"$TECHWIN" check --json >"$tmp/body" || true
jcheck "[f['progress'] for f in d['freshness'] if f['deal'] == 'acme'] == ['2026-11-20']"

start_server
share_open "$link"
[ "$(header Referrer-Policy)" = no-referrer ] || fail "Referrer-Policy: $(header Referrer-Policy)"
setc=$(header Set-Cookie)
case $setc in
techwin_share_1=*'; HttpOnly; SameSite=Strict; Path=/share/') ;;
*) fail "the CSRF cookie: $setc" ;;
esac
has '0 of 7 steps done'
has '<tr class="next-step" aria-current="step">'
has 'Commercial terms discussion <strong>(next step)</strong>'
has '<td data-label="Whose">Your side</td>'
has '<td data-label="Whose">Our side</td>'
has 'action="/share/'
labelled
# Only their own steps can be marked done: the seller's is not offered.
sed -n '/id="done"/,/<\/form>/p' "$tmp/body" >done.form
grep -q 'value="legal"' done.form || fail "legal not offered"
grep -q 'value="pricing"' done.form && fail "a seller step is offered to mark done"
grep -q '<option value="legal">Fri 2026-11-27: Legal redlines</option>' done.form ||
	fail "the step's label: $(grep 'value="legal"' done.form)"
# A date can be proposed for any step not done, the seller's included.
sed -n '/id="propose"/,/<\/form>/p' "$tmp/body" >propose.form
grep -q '<option value="pricing">Thu 2026-12-03: Pricing call</option>' propose.form ||
	fail "propose does not offer the seller's step: $(cat propose.form)"

# --- mark a buyer-side step done ------------------------------------------

share_post done -d event=legal -d on=2026-11-25
[ "$code" = 303 ] || fail "done: $code $(cat "$tmp/body")"
case $(header Location) in
"$spath?did=done#act") ;;
*) fail "done went to $(header Location)" ;;
esac
[ "$(header Referrer-Policy)" = no-referrer ] || fail "no Referrer-Policy on the 303"
cli_json "event list acme" "[e['done'] for e in d if e['key'] == 'legal'] == ['2026-11-25']"
[ "$(q "SELECT actor FROM history WHERE entity = 'event' AND key = 'legal' AND field = 'done'")" = \
	'champion via share link 1' ] || fail "history: $(q 'SELECT actor, entity, key, field FROM history')"
[ "$(q "SELECT payload FROM outbox WHERE type = 'champion.step_done'")" = '{"subject":"legal"}' ] ||
	fail "outbox: $(q 'SELECT type, payload FROM outbox')"
# A commercial step done is commercial progress.
"$TECHWIN" check --json >"$tmp/body" || true
jcheck "[f['progress'] for f in d['freshness'] if f['deal'] == 'acme'] == ['2026-11-25']"
expect 200 GET "$spath?did=done" -b "$sjar"
has 'the step is marked done'
has '1 of 7 steps done'
has '<td data-label="Date" class="nowrap">Wed 2026-11-25</td><td data-label="Step" class="wide">Legal redlines</td>'

# --- propose a date ----------------------------------------------------------

share_post propose -d event=pricing -d date=2026-12-09 \
	--data-urlencode 'note=Our CFO is out <that week>'
[ "$code" = 303 ] || fail "propose: $code"
cli_json "event list acme" \
	"[(e['date'], e['proposed'], e['proposed_note'], e['proposed_on']) for e in d if e['key'] == 'pricing'] == [('2026-12-03', '2026-12-09', 'Our CFO is out <that week>', '2026-11-26')]"
[ "$(q "SELECT payload FROM outbox WHERE type = 'champion.date_proposed'")" = '{"subject":"pricing"}' ] ||
	fail "outbox: $(q 'SELECT type, payload FROM outbox')"
expect 200 GET "$spath" -b "$sjar"
has 'You proposed <time'
has 'Our CFO is out &lt;that week&gt; (waiting for our answer)'
share_post propose -d event=sec -d date=2026-12-11 -d note='Legal first'
[ "$code" = 303 ] || fail "propose sec: $code"

# --- confirm the plan ----------------------------------------------------------

share_post confirm --data-urlencode 'name=  Dana Cho '
[ "$code" = 303 ] || fail "confirm: $code"
cli_json "deal show acme" "d['confirmed_by'] == 'Dana Cho'" \
	"d['confirmed_on'] == '2026-11-26'"
[ "$(q "SELECT payload FROM outbox WHERE type = 'champion.plan_confirmed'")" = '{"subject":"link 1"}' ] ||
	fail "outbox: $(q 'SELECT type, payload FROM outbox')"
[ "$(q "SELECT DISTINCT actor FROM history WHERE entity = 'deal' AND field = 'confirmed_by'")" = \
	'champion via share link 1' ] || fail "confirm history"
# Confirming the plan is a touch.
"$TECHWIN" check --json >"$tmp/body" || true
jcheck "[f['progress'] for f in d['freshness'] if f['deal'] == 'acme'] == ['2026-11-26']"
expect 200 GET "$spath" -b "$sjar"
has 'Confirmed by Dana Cho on <time'

# --- the team sees all three on the deal page --------------------------------

login alice password1
expect 200 GET /deals/acme -H "$cookie"
has '<h2 id="champion">From the champion</h2>'
has 'The champion confirmed the plan: Dana Cho, on <time'
has 'Legal redlines was marked done (2026-11-25) by the champion via share link 1'
has 'move <strong>Pricing call</strong> from Thu 2026-12-03 to <time'
has '&ldquo;Our CFO is out &lt;that week&gt;&rdquo;'
has 'action="/deals/acme/events/pricing/accept"'
has 'action="/deals/acme/events/sec/decline"'
labelled

# Two business days unanswered: date-proposed; answering takes it away.
"$TECHWIN" --today 2026-12-01 check --json >"$tmp/body" || true
jcheck "sorted(f['subject'] for f in d['findings'] if f['rule'] == 'date-proposed') == ['pricing', 'sec']"
post /deals/acme/events/pricing/accept
[ "$code" = 303 ] || fail "accept: $code"
[ "$(header Location)" = '/deals/acme?did=accepted&key=pricing#champion' ] ||
	fail "accept went to $(header Location)"
cli_json "event list acme" \
	"[(e['date'], e['proposed'], e['proposed_note']) for e in d if e['key'] == 'pricing'] == [('2026-12-09', None, None)]"
[ "$(q "SELECT actor FROM history WHERE entity = 'event' AND key = 'pricing' AND field = 'date'")" = alice ] ||
	fail "accept history"
expect 200 GET '/deals/acme?did=accepted&key=pricing' -H "$cookie"
has 'Accepted: Pricing call is now planned for <time'
hasnt 'action="/deals/acme/events/pricing/accept"'
"$TECHWIN" --today 2026-12-01 check --json >"$tmp/body" || true
jcheck "[f['subject'] for f in d['findings'] if f['rule'] == 'date-proposed'] == ['sec']"
# Nothing to accept any more: the form again, with the verb's message.
post /deals/acme/events/pricing/accept
[ "$code" = 422 ] || fail "accept again: $code"
has "event &#39;pricing&#39; has no proposed date to accept"

# The API and the CLI answer too.
auth="Authorization: Bearer $tok"
expect 422 POST /api/deals/acme/events/pricing/decline -H "$auth"
expect_error invalid None
expect 404 POST /api/deals/acme/events/nope/accept -H "$auth"
expect 200 POST /api/deals/acme/events/sec/decline -H "$auth"
jcheck "d['date'] == '2026-12-04'" "d['proposed'] is None"
"$TECHWIN" --today 2026-12-01 check --json >"$tmp/body" || true
jcheck "not [f for f in d['findings'] if f['rule'] == 'date-proposed']"
share_post propose -d event=sec -d date=2026-12-14 -d note='Again'
[ "$code" = 303 ] || fail "propose again: $code"
"$TECHWIN" event accept acme sec >out 2>&1 || fail "event accept: $(cat out)"
grep -q "event 'sec' now planned for 2026-12-14" out || fail "event accept said $(cat out)"
"$TECHWIN" event decline acme sec >out 2>&1 && fail "decline with nothing proposed passed"
grep -q "has no proposed date to decline" out || fail "decline said $(cat out)"

stop_server
grep -q "${link##*/share/}" "$tmp/server.log" && fail "the token reached the log"
grep -q 'POST /share/1 303' "$tmp/server.log" || fail "the log: $(cat "$tmp/server.log")"
exit 0
