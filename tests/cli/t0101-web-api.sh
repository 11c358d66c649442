#!/bin/sh
# t0101-web-api: every /api route against a live `techwin serve`: status,
# JSON shape and the computed values (checked by hand against DESIGN.md),
# validation errors naming their field, and that changes made over HTTP
# land in the same store, history included, as the CLI's.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
start_server
auth="Authorization: Bearer $tok"
json="Content-Type: application/json"

# --- session and deals ----------------------------------------------------

expect 200 GET /api/session -H "$auth"
jcheck "d == {'name': 'alice', 'role': 'editor', 'csrf_token': None}"

expect 200 GET /api/deals -H "$auth"
jcheck "d == {'deals': [], 'next': None}"

expect 201 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "acme",
	"account": "Acme Corp", "value": 180000, "currency": "USD",
	"se": "Sam", "ae": "Ada", "champion": "Elena",
	"champion_email": "elena@acme.example", "procurement_days": 10,
	"poc_start": "2026-11-02", "poc_end": "2026-11-20"}'
[ "$(header Location)" = /api/deals/acme ] || fail "Location: $(header Location)"
jcheck "d['slug'] == 'acme'" "d['account'] == 'Acme Corp'" \
	"d['stage'] == 'poc'" "d['value'] == 180000" \
	"d['procurement_days'] == 10" "d['poc_end'] == '2026-11-20'" \
	"d['outcome'] == 'open'" "d['close_date'] is None" \
	"d['criteria'] == [] and d['events'] == [] and d['risks'] == []"

expect 409 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "acme", "account": "Again"}'
expect_error conflict None
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "Bad Slug", "account": "X"}'
expect_error invalid slug
expect 422 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "x"}'
expect_error invalid account
# A misspelt field: named, with the one meant.
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "acount": "X"}'
expect_error invalid acount
jcheck "d['error']['message'] == \"unknown field 'acount' (did you mean 'account'?)\""
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "currency": "usd"}'
expect_error invalid currency
expect 422 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "x",
	"account": "X", "poc_start": "2026-11-10", "poc_end": "2026-11-01"}'
expect_error invalid poc_end
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "x", "account": "X", "outcome": "won"}'
expect_error invalid outcome

expect 201 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "won-deal",
	"account": "Won Inc", "se": "Kim", "poc_start": "2026-09-01",
	"poc_end": "2026-10-01"}'
expect 200 POST /api/deals/won-deal/close -H "$auth" -H "$json" \
	-d '{"outcome": "won", "close_date": "2026-10-22"}'
jcheck "d['outcome'] == 'won'" "d['close_date'] == '2026-10-22'"
expect 422 POST /api/deals/won-deal/close -H "$auth" -H "$json" \
	-d '{"outcome": "open"}'
expect_error invalid outcome
expect 404 POST /api/deals/nope/close -H "$auth" -H "$json" \
	-d '{"outcome": "lost"}'
expect_error not_found None

expect 200 GET /api/deals -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['acme', 'won-deal']"
expect 200 GET '/api/deals?se=Kim' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['won-deal']"
expect 200 GET '/api/deals?outcome=open' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['acme']"
expect 400 GET '/api/deals?outcome=maybe' -H "$auth"
expect_error bad_request outcome
expect 400 GET '/api/deals?colour=red' -H "$auth"
expect_error bad_request colour

expect 200 PATCH /api/deals/acme -H "$auth" -H "$json" \
	-d '{"stage": "technical-win", "ae": null, "value": 200000.5}'
jcheck "d['stage'] == 'technical-win'" "d['ae'] is None" \
	"d['value'] == 200000.5" "d['se'] == 'Sam'"
expect 422 PATCH /api/deals/acme -H "$auth" -H "$json" -d '{"slug": "b"}'
expect_error invalid slug
expect 422 PATCH /api/deals/acme -H "$auth" -H "$json" -d '{"account": null}'
expect_error invalid account
expect 422 PATCH /api/deals/acme -H "$auth" -H "$json" \
	-d '{"procurement_days": -1}'
expect_error invalid procurement_days
expect 404 PATCH /api/deals/nope -H "$auth" -H "$json" -d '{"stage": "x"}'
expect_error not_found None
# A PATCH that changes nothing is refused, like one of a criterion.
expect 400 PATCH /api/deals/acme -H "$auth" -H "$json" -d '{}'

# --- criteria, events, risks, phases ---------------------------------------

expect 201 POST /api/deals/acme/criteria -H "$auth" -H "$json" -d '{
	"key": "p95", "metric": "p95 report time", "unit": "min",
	"direction": "at_most", "required": 15, "projected_growth_pct": 35,
	"outcome": "Reports before the morning meeting"}'
jcheck "d['key'] == 'p95'" "d['status'] == 'pending'" \
	"d['measured'] is None" "d['headroom_pct'] is None" \
	"d['projected_growth_pct'] == 35" "d['scales'] is None"
expect 201 POST /api/deals/acme/criteria -H "$auth" -H "$json" -d '{
	"key": "tput", "direction": "at_least", "required": 1000}'
expect 409 POST /api/deals/acme/criteria -H "$auth" -H "$json" \
	-d '{"key": "p95", "direction": "at_most", "required": 1}'
expect_error conflict None
expect 422 POST /api/deals/acme/criteria -H "$auth" -H "$json" \
	-d '{"key": "z", "direction": "at_most", "required": 0}'
expect_error invalid required
expect 422 POST /api/deals/acme/criteria -H "$auth" -H "$json" \
	-d '{"key": "z", "direction": "sideways", "required": 1}'
expect_error invalid direction
expect 422 POST /api/deals/acme/criteria -H "$auth" -H "$json" \
	-d '{"key": "z", "direction": "at_most", "required": 1, "measured": 2}'
expect_error invalid measured

# 15 min required, 9 measured: headroom 40 %, absorbs 66.7 % growth, which
# covers the projected 35 %.
expect 200 POST /api/deals/acme/criteria/p95/measurements -H "$auth" \
	-H "$json" -d '{"measured": 9, "measured_on": "2026-11-20"}'
jcheck "d['status'] == 'pass'" "d['measured'] == 9" \
	"d['measured_on'] == '2026-11-20'" "d['headroom_pct'] == 40" \
	"abs(d['growth_capacity_pct'] - 200 / 3) < 1e-9" "d['scales'] is True"
# Without measured_on the measurement is dated today.
expect 200 POST /api/deals/acme/criteria/tput/measurements -H "$auth" \
	-H "$json" -d '{"measured": 800}'
jcheck "d['status'] == 'fail'" "d['measured_on'] == '2026-11-26'" \
	"d['headroom_pct'] == -20"
expect 200 POST /api/deals/acme/criteria/tput/measurements -H "$auth" \
	-H "$json" -d '{"measured": 1200, "measured_on": "2026-11-19"}'
jcheck "d['status'] == 'pass'" "d['headroom_pct'] == 20"
expect 404 POST /api/deals/acme/criteria/nope/measurements -H "$auth" \
	-H "$json" -d '{"measured": 1}'
expect_error not_found None
expect 422 POST /api/deals/acme/criteria/p95/measurements -H "$auth" \
	-H "$json" -d '{"measured": -1}'
expect_error invalid measured

expect 201 POST /api/deals/acme/events -H "$auth" -H "$json" -d '{
	"key": "readout", "kind": "technical", "title": "POC readout",
	"owner": "Sam", "date": "2026-11-20"}'
jcheck "d == {'key': 'readout', 'kind': 'technical', 'title': 'POC readout',
	'owner': 'Sam', 'date': '2026-11-20', 'done': None, 'after': None,
	'side': 'seller', 'internal': False, 'proposed': None,
	'proposed_note': None, 'proposed_on': None,
	'step': None}"
expect 422 POST /api/deals/acme/events -H "$auth" -H "$json" -d '{
	"key": "call", "kind": "commercial", "title": "Pricing call",
	"after": "nope"}'
expect_error invalid after
expect 422 POST /api/deals/acme/events -H "$auth" -H "$json" \
	-d '{"key": "call", "kind": "social", "title": "Party"}'
expect_error invalid kind
expect 200 POST /api/deals/acme/events/readout/done -H "$auth" -H "$json" \
	-d '{"done": "2026-11-20"}'
jcheck "d['done'] == '2026-11-20'"
expect 201 POST /api/deals/acme/events -H "$auth" -H "$json" -d '{
	"key": "call", "kind": "commercial", "title": "Pricing call",
	"after": "readout"}'
# No body: done today.
expect 200 POST /api/deals/acme/events/call/done -H "$auth"
jcheck "d['done'] == '2026-11-26'" "d['after'] == 'readout'"
expect 404 POST /api/deals/acme/events/nope/done -H "$auth"
expect_error not_found None

# DESIGN.md: deadline 2026-10-29, buffer 14d, duration 75d: go-live
# 2026-10-15, latest start 2026-08-01, 117 days before today.
expect 201 POST /api/deals/acme/risks -H "$auth" -H "$json" -d '{
	"key": "dora", "title": "DORA reporting", "kind": "compliance",
	"deadline": "2026-10-29", "buffer": "14d", "duration": "75d"}'
jcheck "d['go_live_by'] == '2026-10-15'" "d['latest_start'] == '2026-08-01'" \
	"d['slack_days'] == -117" "d['at_risk'] is True" \
	"d['kind'] == 'compliance'" "d['buffer'] == '14d'"
expect 422 POST /api/deals/acme/risks -H "$auth" -H "$json" -d '{
	"key": "x", "title": "X", "deadline": "2026-02-30", "duration": "1d"}'
expect_error invalid deadline
expect 422 POST /api/deals/acme/risks -H "$auth" -H "$json" -d '{
	"key": "x", "title": "X", "deadline": "2026-12-01", "duration": "soon"}'
expect_error invalid duration

expect 201 POST /api/deals/acme/phases -H "$auth" -H "$json" -d '{
	"number": 1, "name": "Pilot", "price": 60000, "scope": "One site",
	"justification": "p95 proven", "criteria": ["p95", "tput"],
	"duration": "3w"}'
jcheck "d == {'number': 1, 'name': 'Pilot', 'scope': 'One site',
	'price': 60000, 'justification': 'p95 proven',
	'criteria': ['p95', 'tput'], 'duration': '3w', 'internal': False,
	'risks': []}"
expect 422 POST /api/deals/acme/phases -H "$auth" -H "$json" \
	-d '{"number": 2, "name": "Rollout", "criteria": ["ghost"]}'
expect_error invalid criteria
expect 409 POST /api/deals/acme/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "Again"}'
expect_error conflict None

expect 200 GET /api/deals/acme -H "$auth"
jcheck "[c['key'] for c in d['criteria']] == ['p95', 'tput']" \
	"[e['key'] for e in d['events']] == ['readout', 'call']" \
	"[r['key'] for r in d['risks']] == ['dora']" \
	"[p['number'] for p in d['phases']] == [1]"
expect 404 GET /api/deals/nope -H "$auth"
expect_error not_found None
# HEAD: the headers of the GET, no body (curl --head stores the headers
# where the body would go).
req HEAD /api/deals/acme -H "$auth"
[ "$code" = 200 ] && ! grep -q '"slug"' "$tmp/body" ||
	fail "HEAD answered $code with a body"

# --- text that cannot be shown --------------------------------------------

# A line break or another control character in a single-line field, or a
# champion email that is not one address, is refused with 422 naming the
# field, and nothing is stored; multi-line fields keep their line feeds.
expect 422 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "texts", "account": "A\nB"}'
expect_error invalid account
jcheck "d['error']['message'] == 'deal account must be a single line without control characters, found line feed U+000A at character 2'"
expect 404 GET /api/deals/texts -H "$auth"
expect 201 POST /api/deals -H "$auth" -H "$json" \
	-d '{"slug": "texts", "account": "Texts Inc", "champion": "Dana",
	"champion_email": "dana.reyes+poc@example.co.uk"}'
expect 422 PATCH /api/deals/texts -H "$auth" -H "$json" \
	-d '{"champion": "Dana\r\nBcc: eve@evil.example"}'
expect_error invalid champion
jcheck "'carriage return U+000D at character 5' in d['error']['message']"
expect 422 PATCH /api/deals/texts -H "$auth" -H "$json" \
	-d '{"account": "Texts\u0085Inc"}'
expect_error invalid account
for bad in 'a@x, b@y' not-an-email 'a@' '@b' 'a b@c'; do
	expect 422 PATCH /api/deals/texts -H "$auth" -H "$json" \
		-d "{\"champion_email\": \"$bad\"}"
	expect_error invalid champion_email
done
expect 422 POST /api/deals/texts/criteria -H "$auth" -H "$json" -d '{
	"key": "p95", "metric": "p95\nlatency", "direction": "at_most",
	"required": 1}'
expect_error invalid metric
expect 422 POST /api/deals/texts/criteria -H "$auth" -H "$json" -d '{
	"key": "p95", "unit": "m\ts", "direction": "at_most", "required": 1}'
expect_error invalid unit
expect 422 POST /api/deals/texts/criteria -H "$auth" -H "$json" -d '{
	"key": "p95", "outcome": "bell\u0007", "direction": "at_most",
	"required": 1}'
expect_error invalid outcome
expect 201 POST /api/deals/texts/criteria -H "$auth" -H "$json" -d '{
	"key": "p95", "outcome": "fast\n\tand steady", "direction": "at_most",
	"required": 1}'
jcheck "d['outcome'] == 'fast\n\tand steady'"
expect 422 POST /api/deals/texts/events -H "$auth" -H "$json" \
	-d '{"key": "readout", "kind": "technical", "title": "Readout\r"}'
expect_error invalid title
expect 422 POST /api/deals/texts/events -H "$auth" -H "$json" -d '{
	"key": "readout", "kind": "technical", "title": "Readout",
	"owner": "Sam\n"}'
expect_error invalid owner
expect 422 POST /api/deals/texts/risks -H "$auth" -H "$json" -d '{
	"key": "peak", "title": "Peak\nseason", "deadline": "2026-12-01",
	"duration": "1d"}'
expect_error invalid title
expect 422 POST /api/deals/texts/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "Pilot\n"}'
expect_error invalid name
expect 422 POST /api/deals/texts/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "Pilot", "scope": "one\r\ntwo"}'
expect_error invalid scope
expect 201 POST /api/deals/texts/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "Pilot", "scope": "one\ntwo"}'
expect 200 GET /api/deals/texts -H "$auth"
jcheck "d['account'] == 'Texts Inc'" "d['champion'] == 'Dana'" \
	"d['champion_email'] == 'dana.reyes+poc@example.co.uk'" \
	"[c['key'] for c in d['criteria']] == ['p95']" \
	"d['events'] == [] and d['risks'] == []" \
	"[p['scope'] for p in d['phases']] == ['one\ntwo']"
expect 204 DELETE /api/deals/texts -H "$auth"

# --- plan ------------------------------------------------------------------

# The win is the last pass, Friday 2026-11-20: +2, +4, +6 business days
# are Tue 11-24, Thu 11-26, Mon 11-30; the contract target 10 procurement
# days later, Mon 12-14.
expect 200 GET /api/deals/acme/plan -H "$auth"
jcheck "d['technical_win_date'] == '2026-11-20'" "d['blocking'] == []" \
	"[s['date'] for s in d['steps']] == ['2026-11-24', '2026-11-26',
		'2026-11-30', '2026-12-14']" \
	"d['contract_target'] == '2026-12-14'" "'added' not in d"
# A dry run answers what it would add and keeps nothing.
expect 200 POST /api/deals/acme/plan/apply -H "$auth" -H "$json" \
	-d '{"dry_run": true}'
jcheck "d['added'] == 4" "d['dry_run'] is True" \
	"[e['key'] for e in d['added_events']] == ['exec-summary', 'terms',
		'contract-review', 'contract-signed']" \
	"[e['step'] for e in d['added_events']] == ['exec-summary', 'terms',
		'contract-review', 'contract-signed']"
expect 200 GET /api/deals/acme -H "$auth"
jcheck "len(d['events']) == 2"
expect 200 POST /api/deals/acme/plan/apply -H "$auth"
jcheck "d['added'] == 4" "d['contract_target'] == '2026-12-14'" \
	"d['dry_run'] is False"
expect 200 POST /api/deals/acme/plan/apply -H "$auth" -H "$json" -d '{}'
jcheck "d['added'] == 0"
expect 422 POST /api/deals/won-deal/plan/apply -H "$auth"
expect_error invalid None
expect 200 GET /api/deals/acme -H "$auth"
jcheck "len(d['events']) == 6" \
	"d['events'][2]['key'] == 'exec-summary'" \
	"d['events'][5]['date'] == '2026-12-14'"

# Rename: the same deal under another slug; a taken or bad one refused.
expect 200 POST /api/deals/won-deal/rename -H "$auth" -H "$json" \
	-d '{"slug": "won-deal-2"}'
jcheck "d['slug'] == 'won-deal-2'"
expect 409 POST /api/deals/won-deal-2/rename -H "$auth" -H "$json" \
	-d '{"slug": "acme"}'
expect 422 POST /api/deals/won-deal-2/rename -H "$auth" -H "$json" \
	-d '{"slug": "Bad"}'
expect_error invalid slug
expect 200 POST /api/deals/won-deal-2/rename -H "$auth" -H "$json" \
	-d '{"slug": "won-deal"}'

# --- check and stats -------------------------------------------------------

# acme's risk is past its latest start: an error, and the applied plan's
# contract target is after the day the contract had to be signed for it
# (another). The commercial event done today after the win is its latest
# progress: freshness 100.
expect 200 GET /api/check -H "$auth"
jcheck "[f['rule'] for f in d['findings'][:2]] == ['commercial-too-late', 'deadline-at-risk']" \
	"d['findings'][0]['severity'] == 'error'" \
	"d['findings'][0]['deal'] == 'acme'" \
	"set(f['deal'] for f in d['findings']) == {'acme'}" \
	"d['freshness'] == [{'deal': 'acme', 'technical_win': '2026-11-20', \
	  'progress': '2026-11-26', 'score': 100}]"
expect 200 GET '/api/check?deal=won-deal' -H "$auth"
jcheck "d == {'findings': [], 'freshness': [], 'next': None}"
expect 404 GET '/api/check?deal=ghost' -H "$auth"
expect_error not_found deal

# won-deal: POC end 2026-10-01, won 2026-10-22: 21 days, the whole team,
# so no rest of the team to compare it with.
expect 200 GET /api/stats -H "$auth"
jcheck "d['team']['n'] == 1" "d['team']['median_days'] == 21" \
	"d['team']['baseline_days'] is None" \
	"d['deals'] == [{'slug': 'won-deal', 'se': 'Kim',
		'days_poc_to_close': 21, 'others_mean_days': None,
		'vs_team_mean_days': None, 'momentum': 'unknown',
		'lost_rule': None}]" \
	"d['by_se'][0]['se'] == 'Kim'"
expect 200 GET '/api/stats?se=Kim' -H "$auth"
jcheck "len(d['deals']) == 1"
expect 404 GET '/api/stats?se=Nobody' -H "$auth"
expect_error not_found se
expect 422 GET '/api/stats?deal=acme' -H "$auth"
expect_error invalid deal
expect 400 GET '/api/stats?deal=won-deal&se=Kim' -H "$auth"
expect_error bad_request deal

# --- documents and calendars -----------------------------------------------

expect 200 GET /api/deals/acme/summary.md -H "$auth"
[ "$(header Content-Type)" = "text/markdown; charset=utf-8" ] ||
	fail "summary.md type $(header Content-Type)"
grep -q '^# Technical Win Summary: Acme Corp' "$tmp/body" ||
	fail "summary.md has no title"
expect 200 GET '/api/deals/acme/summary.html?paper=letter' -H "$auth"
grep -q '<!DOCTYPE html>' "$tmp/body" || fail "summary.html is not HTML"
grep -q 'size:letter' "$tmp/body" || fail "summary.html ignores paper"
header Content-Security-Policy | grep -q "style-src 'unsafe-inline'" ||
	fail "summary.html CSP: $(header Content-Security-Policy)"
expect 200 GET /api/deals/acme/summary.pdf -H "$auth"
[ "$(header Content-Type)" = application/pdf ] || fail "pdf type"
[ "$(head -c 5 "$tmp/body")" = "%PDF-" ] || fail "summary.pdf is not a PDF"
expect 404 GET /api/deals/acme/summary.txt -H "$auth"
expect 404 GET /api/deals/nope/summary.md -H "$auth"
expect 400 GET '/api/deals/acme/summary.md?paper=a3' -H "$auth"
expect_error bad_request paper

expect 200 GET /api/deals/acme/calendar.ics -H "$auth"
[ "$(header Content-Type)" = "text/calendar; charset=utf-8" ] ||
	fail "ics type"
grep -q '^X-WR-CALNAME:techwin: Acme Corp' "$tmp/body" || fail "deal calendar"
grep -q 'Contract execution target' "$tmp/body" || fail "plan step missing"
expect 200 GET /api/calendar.ics -H "$auth"
grep -q '^X-WR-CALNAME:techwin: pipeline' "$tmp/body" || fail "pipeline ics"
# Closed deals are not in the pipeline's calendar.
! grep -q 'Won Inc' "$tmp/body" || fail "closed deal in the pipeline feed"

# --- the verbs: change, remove, reopen, snooze, touches --------------------

expect 201 POST /api/deals -H "$auth" -H "$json" -d '{"slug": "beta",
	"account": "Beta GmbH", "poc_start": "2026-11-02",
	"poc_end": "2026-11-30"}'
jcheck "d['snooze_until'] is None" "d['snooze_reason'] is None"
expect 201 POST /api/deals/beta/criteria -H "$auth" -H "$json" -d '{
	"key": "lat", "metric": "latency", "direction": "at_most",
	"required": 100}'
expect 201 POST /api/deals/beta/criteria -H "$auth" -H "$json" \
	-d '{"key": "err", "direction": "at_most", "required": 1}'
expect 201 POST /api/deals/beta/phases -H "$auth" -H "$json" \
	-d '{"number": 1, "name": "Pilot", "criteria": ["lat"]}'
expect 201 POST /api/deals/beta/events -H "$auth" -H "$json" \
	-d '{"key": "kickoff", "kind": "technical", "title": "Kickoff"}'
expect 201 POST /api/deals/beta/events -H "$auth" -H "$json" -d '{
	"key": "review", "kind": "technical", "title": "Review",
	"after": "kickoff"}'
# Without kind a risk is "other".
expect 201 POST /api/deals/beta/risks -H "$auth" -H "$json" -d '{
	"key": "gdpr", "title": "GDPR", "deadline": "2027-06-30",
	"duration": "30d"}'
jcheck "d['kind'] == 'other'" "d['buffer'] == '0d'" \
	"d['go_live_by'] == '2027-06-30'"

# PATCH a criterion: null clears, the key and answer-only values cannot
# change, the rules still hold.
expect 200 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"required": 80, "unit": "ms", "metric": null}'
jcheck "d['required'] == 80" "d['unit'] == 'ms'" "d['metric'] is None" \
	"d['direction'] == 'at_most'" "d['key'] == 'lat'"
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"key": "lat2"}'
expect_error invalid key
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"measured": 5}'
expect_error invalid measured
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"status": "pass"}'
expect_error invalid status
jcheck "'read-only' in d['error']['message']"
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"direction": null}'
expect_error invalid direction
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"required": -1}'
expect_error invalid required
expect 422 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" \
	-d '{"colour": "red"}'
expect_error invalid colour
expect 400 PATCH /api/deals/beta/criteria/lat -H "$auth" -H "$json" -d '{}'
expect_error bad_request None
expect 404 PATCH /api/deals/beta/criteria/nope -H "$auth" -H "$json" \
	-d '{"unit": "s"}'
expect_error not_found None
# A result the load does not move: no growth capacity, no scales; true
# brings them back, and only true or false is a value.
expect 201 POST /api/deals/beta/criteria -H "$auth" -H "$json" -d '{
	"key": "acc", "direction": "at_least", "required": 95,
	"projected_growth_pct": 35, "scales_with_load": false}'
expect 200 POST /api/deals/beta/criteria/acc/measurements -H "$auth" \
	-H "$json" -d '{"measured": 97.5}'
jcheck "d['scales_with_load'] is False" "d['status'] == 'pass'" \
	"d['growth_capacity_pct'] is None" "d['scales'] is None"
expect 200 PATCH /api/deals/beta/criteria/acc -H "$auth" -H "$json" \
	-d '{"scales_with_load": true}'
jcheck "d['scales_with_load'] is True" "d['scales'] is False" \
	"abs(d['growth_capacity_pct'] - 250 / 95) < 1e-9"
expect 422 PATCH /api/deals/beta/criteria/acc -H "$auth" -H "$json" \
	-d '{"scales_with_load": "no"}'
expect_error invalid scales_with_load
expect 204 DELETE /api/deals/beta/criteria/acc -H "$auth"
expect 404 PATCH /api/deals/nope/criteria/lat -H "$auth" -H "$json" \
	-d '{"unit": "s"}'
expect_error not_found None

expect 200 PATCH /api/deals/beta/events/kickoff -H "$auth" -H "$json" \
	-d '{"owner": "Sam", "date": "2026-11-03"}'
jcheck "d['owner'] == 'Sam'" "d['date'] == '2026-11-03'" \
	"d['title'] == 'Kickoff'"
expect 422 PATCH /api/deals/beta/events/kickoff -H "$auth" -H "$json" \
	-d '{"done": "2026-11-03"}'
expect_error invalid done
expect 422 PATCH /api/deals/beta/events/review -H "$auth" -H "$json" \
	-d '{"after": "ghost"}'
expect_error invalid after
expect 404 PATCH /api/deals/beta/events/nope -H "$auth" -H "$json" \
	-d '{"owner": "Sam"}'
expect_error not_found None

expect 200 PATCH /api/deals/beta/risks/gdpr -H "$auth" -H "$json" \
	-d '{"buffer": "1w", "kind": "compliance"}'
jcheck "d['buffer'] == '1w'" "d['kind'] == 'compliance'" \
	"d['go_live_by'] == '2027-06-23'"
expect 422 PATCH /api/deals/beta/risks/gdpr -H "$auth" -H "$json" \
	-d '{"go_live_by": "2027-01-01"}'
expect_error invalid go_live_by
expect 404 PATCH /api/deals/beta/risks/nope -H "$auth" -H "$json" \
	-d '{"title": "X"}'
expect_error not_found None

expect 200 PATCH /api/deals/beta/phases/1 -H "$auth" -H "$json" \
	-d '{"price": 5000, "criteria": ["lat", "err"]}'
jcheck "d['price'] == 5000" "d['criteria'] == ['lat', 'err']" \
	"d['name'] == 'Pilot'"
expect 422 PATCH /api/deals/beta/phases/1 -H "$auth" -H "$json" \
	-d '{"number": 2}'
expect_error invalid number
expect 404 PATCH /api/deals/beta/phases/9 -H "$auth" -H "$json" \
	-d '{"name": "X"}'
expect_error not_found None

# DELETE: refused while something refers to the child, naming it; with
# ?force=true the references go too.
expect 422 DELETE /api/deals/beta/criteria/lat -H "$auth"
expect_error invalid None
jcheck "'phase 1' in d['error']['message']"
expect 400 DELETE '/api/deals/beta/criteria/lat?force=maybe' -H "$auth"
expect_error bad_request force
expect 204 DELETE '/api/deals/beta/criteria/lat?force=true' -H "$auth"
[ ! -s "$tmp/body" ] || fail "204 with a body"
expect 200 GET /api/deals/beta -H "$auth"
jcheck "[c['key'] for c in d['criteria']] == ['err']" \
	"d['phases'][0]['criteria'] == ['err']"
expect 404 DELETE /api/deals/beta/criteria/lat -H "$auth"
expect_error not_found None
expect 422 DELETE /api/deals/beta/events/kickoff -H "$auth"
expect_error invalid None
jcheck "\"event 'review'\" in d['error']['message']"
expect 204 DELETE '/api/deals/beta/events/kickoff?force=true' -H "$auth"
expect 200 GET /api/deals/beta -H "$auth"
jcheck "[e['key'] for e in d['events']] == ['review']" \
	"d['events'][0]['after'] is None"
expect 404 DELETE /api/deals/beta/events/kickoff -H "$auth"
expect 204 DELETE /api/deals/beta/risks/gdpr -H "$auth"
expect 404 DELETE /api/deals/beta/risks/gdpr -H "$auth"
expect_error not_found None
expect 204 DELETE /api/deals/beta/phases/1 -H "$auth"
expect 404 DELETE /api/deals/beta/phases/1 -H "$auth"
expect 404 DELETE /api/deals/nope/phases/1 -H "$auth"

# Close refuses a date after today; reopen undoes a close.
expect 422 POST /api/deals/beta/close -H "$auth" -H "$json" \
	-d '{"outcome": "won", "close_date": "2026-11-27"}'
expect_error invalid close_date
expect 200 POST /api/deals/beta/close -H "$auth" -H "$json" \
	-d '{"outcome": "lost"}'
jcheck "d['outcome'] == 'lost'" "d['close_date'] == '2026-11-26'"
expect 200 POST /api/deals/beta/reopen -H "$auth"
jcheck "d['outcome'] == 'open'" "d['close_date'] is None"
expect 422 POST /api/deals/beta/reopen -H "$auth"
expect_error invalid None
expect 422 POST /api/deals/beta/reopen -H "$auth" -H "$json" \
	-d '{"outcome": "open"}'
expect_error invalid outcome
expect 404 POST /api/deals/nope/reopen -H "$auth"
expect_error not_found None

# Snooze and unsnooze.
expect 200 POST /api/deals/beta/snooze -H "$auth" -H "$json" \
	-d '{"until": "2026-12-10", "reason": "Budget freeze"}'
jcheck "d['snooze_until'] == '2026-12-10'" \
	"d['snooze_reason'] == 'Budget freeze'"
expect 422 POST /api/deals/beta/snooze -H "$auth" -H "$json" \
	-d '{"until": "2026-11-01", "reason": "Late"}'
expect_error invalid None
expect 422 POST /api/deals/beta/snooze -H "$auth" -H "$json" \
	-d '{"reason": "Forever"}'
expect_error invalid until
expect 404 POST /api/deals/nope/snooze -H "$auth" -H "$json" \
	-d '{"until": "2026-12-10", "reason": "X"}'
expect 200 DELETE /api/deals/beta/snooze -H "$auth"
jcheck "d['snooze_until'] is None" "d['snooze_reason'] is None"
expect 404 DELETE /api/deals/nope/snooze -H "$auth"

# Acknowledge a finding, see it on the deal page, end it.
expect 200 GET /api/check -H "$auth"
set -- $("$PYTHON" -c 'import json, sys
f = [f for f in json.load(open(sys.argv[1]))["findings"]
     if not f["acknowledged"] and f["subject"]][0]
print(f["deal"], f["rule"], f["subject"])' "$tmp/body")
deal=$1 rule=$2 subject=$3
expect 422 POST "/api/deals/$deal/acks" -H "$auth" -H "$json" \
	-d '{"rule": "no-such-rule", "reason": "x"}'
expect_error invalid None
expect 200 POST "/api/deals/$deal/acks" -H "$auth" -H "$json" \
	-d "{\"rule\": \"$rule\", \"subject\": \"$subject\",
	     \"reason\": \"Waiting on legal\", \"until\": \"2026-12-10\"}"
expect 200 GET /api/check -H "$auth"
jcheck "[(f['acknowledged_by'], f['acknowledged_until'],
	  f['acknowledged_reason']) for f in d['findings']
	 if f['deal'] == '$deal' and f['rule'] == '$rule' and
	    f['subject'] == '$subject'] ==
	[('alice', '2026-12-10', 'Waiting on legal')]"
expect 200 GET "/deals/$deal" -H "$auth"
grep -q '>acknowledged<' "$tmp/body" &&
	grep -q 'Acknowledged by alice through .*: Waiting on legal' "$tmp/body" ||
	fail "the deal page does not show the acknowledged finding"
expect 200 DELETE "/api/deals/$deal/acks/$rule?subject=$subject" -H "$auth"
expect 200 GET "/deals/$deal" -H "$auth"
! grep -q 'acknowledged<\|Acknowledged by' "$tmp/body" ||
	fail "the deal page still shows an ended acknowledgement"

# A message sent on an earlier day, logged once.
expect 201 POST /api/deals/beta/touches -H "$auth" -H "$json" -d '{
	"type": "buying-signal", "on": "2026-11-20", "channel": "email",
	"criteria": ["err"]}'
jcheck "d['added'] == 1" "d['present'] == 0" \
	"d['touches'] == [{'type': 'buying-signal', 'date': '2026-11-20',
		'channel': 'email', 'criterion': 'err'}]"
expect 200 POST /api/deals/beta/touches -H "$auth" -H "$json" -d '{
	"type": "buying-signal", "on": "2026-11-20", "channel": "email",
	"criteria": ["err"]}'
jcheck "d['added'] == 0" "d['present'] == 1"
expect 201 POST /api/deals/beta/touches -H "$auth" -H "$json" \
	-d '{"type": "urgency"}'
jcheck "d['touches'][1]['date'] == '2026-11-26'"
expect 422 POST /api/deals/beta/touches -H "$auth" -H "$json" \
	-d '{"type": "urgency", "on": "2026-11-27"}'
expect_error invalid None
expect 422 POST /api/deals/beta/touches -H "$auth" -H "$json" \
	-d '{"type": "gossip"}'
expect_error invalid type
expect 422 POST /api/deals/beta/touches -H "$auth" -H "$json" \
	-d '{"on": "2026-11-20"}'
expect_error invalid type
expect 404 POST /api/deals/nope/touches -H "$auth" -H "$json" \
	-d '{"type": "urgency"}'
expect_error not_found None
expect 204 DELETE /api/deals/beta -H "$auth"

# --- delete, and the CLI sees it all --------------------------------------

expect 204 DELETE /api/deals/won-deal -H "$auth"
[ ! -s "$tmp/body" ] || fail "204 with a body"
expect 404 GET /api/deals/won-deal -H "$auth"
expect 404 DELETE /api/deals/won-deal -H "$auth"

"$TECHWIN" --json deal show acme >cli.json
"$PYTHON" - cli.json <<'PY' || fail "CLI does not see the API's changes"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["stage"] == "technical-win" and len(d["events"]) == 6, d
PY
"$TECHWIN" --json history acme >hist.json
"$PYTHON" - hist.json <<'PY' || fail "history does not name the API user"
import json, sys
h = json.load(open(sys.argv[1]))
assert h and all(e["actor"] == "alice" for e in h), h
PY

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
grep -q ' POST /api/deals/acme/criteria 201 ' server.log ||
	fail "no access log line"
echo ok
