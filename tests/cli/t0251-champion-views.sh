#!/bin/sh
# t0251-champion-views: each opening of the share page is counted (issue
# 16), once within 30 minutes, with no address kept; a HEAD is no opening.
# techwin share list --json gives views and last_viewed, the deal page
# "opened N times, last DAY HH:MM UTC", history names the actor
# "champion via share link N", and a revoked link's row leaves the deal.
# An opening re-evaluates the deal: plan-unopened goes from the kept
# findings.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

export TECHWIN_NOW=2026-11-26T10:42:00Z
tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
q() { sqlite3 -separator "|" "$TECHWIN_DB" "$1"; }
tw init
tw deal add acme --account 'Acme Corp'
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null 2>&1
link=$("$TECHWIN" share acme --expires 2027-01-31 2>/dev/null)
spath="/share/${link##*/share/}"
views() { "$TECHWIN" --json share list acme >"$tmp/body"; jcheck "$@"; }
views "d[0]['views'] == 0" "d[0]['last_viewed'] is None"

start_server
expect 200 HEAD "$spath"
views "d[0]['views'] == 0"
expect 200 GET "$spath"
expect 200 GET "$spath"
views "d[0]['views'] == 1" "d[0]['last_viewed'] == '2026-11-26T10:42:00Z'"
stop_server
grep -q "${link##*/share/}" "$tmp/server.log" && fail "the token reached the log"
[ "$(q "SELECT views, opened FROM links")" = '1|2026-11-26' ] ||
	fail "links: $(q 'SELECT * FROM links')"
q "SELECT actor, field FROM history WHERE entity = 'link'" >hist
grep -q '^champion via share link 1|views$' hist || fail "history: $(cat hist)"
# The first opening is an outbox event (webhooks get it), once.
[ "$(q "SELECT type, deal, payload FROM outbox WHERE type = 'share.opened'")" = \
	'share.opened|acme|{"subject":"link 1"}' ] ||
	fail "outbox: $(q 'SELECT type, deal, payload FROM outbox')"

# 31 minutes later it counts again.
export TECHWIN_NOW=2026-11-26T11:13:00Z
start_server
expect 200 GET "$spath"
views "d[0]['views'] == 2" "d[0]['last_viewed'] == '2026-11-26T11:13:00Z'"
[ "$(q "SELECT count(*) FROM outbox WHERE type = 'share.opened'")" = 1 ] ||
	fail "a second opening the same day raised share.opened again"
login alice password1
expect 200 GET /deals/acme -H "$cookie"
has 'opened 2 times, last Thu 11:13 UTC'
expect 303 POST /deals/acme/shares/1/revoke -H "$cookie" \
	--data-urlencode "csrf_token=$csrf"
[ "$(q "SELECT count(*) FROM links")" = 0 ] || fail "a revoked link kept its row"
expect 404 GET "$spath"

# A link sent a week ago and never opened is plan-unopened in the kept
# findings; opening it is a write that re-evaluates the deal at once.
old=$("$TECHWIN" --today 2026-11-19 share acme 2>/dev/null)
"$TECHWIN" check --json >"$tmp/body" || true
jcheck "len([f for f in d['findings'] if f['rule'] == 'plan-unopened']) == 1"
expect 200 GET "/share/${old##*/share/}"
"$TECHWIN" check --json >"$tmp/body" || true
jcheck "not [f for f in d['findings'] if f['rule'] == 'plan-unopened']"
[ "$(q "SELECT count(*) FROM findings WHERE rule = 'plan-unopened'")" = 0 ] ||
	fail "the kept findings still say plan-unopened"
