#!/bin/sh
# t0151-web-settings: the /settings page. Anyone signed in reads the
# settings, holidays and default playbook; only an admin sees the forms,
# and only an admin's post changes anything (an editor's or a viewer's is
# 403, a post without the CSRF token too). A refused value is a 422 that
# keeps what was typed and says why at the field, with nothing written; a
# done change is a 303 to the page, shows in techwin config and is in the
# history under the admin's name.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add root --role admin >/dev/null
printf 'password2\n' | "$TECHWIN" user add ed --role editor >/dev/null
printf 'password3\n' | "$TECHWIN" user add vic --role viewer >/dev/null
start_server

# ---- reading ----------------------------------------------------------------

expect 303 GET /settings
[ "$(header Location)" = "/login?next=/settings" ] || fail "not signed in"
login vic password3
expect 200 GET /settings -H "$cookie"
has '<h1>Settings</h1>'
has 'momentum.max_gap'
has 'Read only: an admin changes the settings.'
has 'Executive summary'
hasnt '<form method="post" action="/settings"'
hasnt 'action="/settings/holidays"'
has 'href="/settings" aria-current="page"'
hasnt 'href="/users"'

# ---- who may change them ----------------------------------------------------

expect 403 POST /settings -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d momentum.max_gap=9
expect 403 POST /settings/holidays -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=2026-12-24
login ed password2
expect 403 POST /settings -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d momentum.max_gap=9
expect 403 POST /settings/holidays/remove -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=2026-12-24
login root password1
expect 403 POST /settings -H "$cookie" -d momentum.max_gap=9
expect 403 POST /settings -H "$cookie" -d csrf_token=wrong -d momentum.max_gap=9
[ "$("$TECHWIN" config get momentum.max_gap)" = 5 ] ||
	fail "a refused post changed max_gap"
expect 200 GET /settings -H "$cookie"
has '<form method="post" action="/settings"'
has '<label for="set-momentum-max_gap">momentum.max_gap</label>'
has 'href="/users"'

# ---- momentum settings ------------------------------------------------------

expect 422 POST /settings -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d momentum.max_gap=abc -d momentum.half_life=12 \
	-d momentum.overdue_grace=-1
has 'value="abc"'
has 'value="12"'
has 'id="set-momentum-max_gap-error">momentum.max_gap: expected an integer from 0 to 1000 (business days), got &#39;abc&#39;</p>'
has 'id="set-momentum-overdue_grace-error">momentum.overdue_grace: expected'
has 'aria-describedby="set-momentum-max_gap-error"'
# Nothing was written, not even the good value.
[ "$("$TECHWIN" config get momentum.half_life)" = 10 ] ||
	fail "a refused form set half_life"

expect 303 POST /settings -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d momentum.max_gap=08 -d momentum.half_life=12 \
	-d momentum.overdue_grace= -d stats.baseline_days=90
[ "$(header Location)" = "/settings?saved=1#momentum" ] ||
	fail "settings: $(header Location)"
"$TECHWIN" config list >list
grep -q '^momentum.max_gap  *8  *set$' list || fail "max_gap: $(cat list)"
grep -q '^momentum.half_life  *12  *set$' list || fail "half_life"
grep -q '^momentum.overdue_grace  *2  *default$' list || fail "grace"
grep -q '^stats.baseline_days  *90  *set$' list || fail "baseline"
expect 200 GET '/settings?saved=1' -H "$cookie"
has 'Settings saved.'
has 'value="8"'
# Emptied is back to the default.
expect 303 POST /settings -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d momentum.max_gap= -d momentum.half_life=12 \
	-d stats.baseline_days=90
[ "$("$TECHWIN" config get momentum.max_gap)" = 5 ] || fail "unset max_gap"

# ---- holidays ---------------------------------------------------------------

expect 422 POST /settings/holidays -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=2026-13-01
hasnt 'value="2026-13-01"'	# not a date: a date input cannot hold it
has 'id="h-day-error">'
has '&#39;2026-13-01&#39;'		# the message quotes it
expect 422 POST /settings/holidays -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=
has 'id="h-day-error">enter a day (YYYY-MM-DD)</p>'
for d in 2026-12-25 2026-12-24; do
	expect 303 POST /settings/holidays -H "$cookie" --data-urlencode \
		"csrf_token=$csrf" -d day=$d
done
[ "$(header Location)" = "/settings?added=1#holidays" ] ||
	fail "holiday: $(header Location)"
expect 303 POST /settings/holidays -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=2026-12-24
[ "$(header Location)" = "/settings?added=0#holidays" ] ||
	fail "a holiday twice: $(header Location)"
[ "$("$TECHWIN" config get holidays)" = 2026-12-24,2026-12-25 ] ||
	fail "holidays: $("$TECHWIN" config get holidays)"
expect 200 GET /settings -H "$cookie"
has '<time datetime="2026-12-24">'
has 'aria-label="Remove the holiday 2026-12-25"'
expect 303 POST /settings/holidays/remove -H "$cookie" --data-urlencode \
	"csrf_token=$csrf" -d day=2026-12-24
[ "$(header Location)" = "/settings?removed=1#holidays" ] ||
	fail "remove: $(header Location)"
[ "$("$TECHWIN" config get holidays)" = 2026-12-25 ] ||
	fail "after remove: $("$TECHWIN" config get holidays)"

# ---- the history names the admin --------------------------------------------

"$TECHWIN" history >hist
grep -q "  root  (workspace) setting 'momentum.max_gap' value: (none) -> 8\$" hist ||
	fail "max_gap not in the history: $(cat hist)"
grep -q "  root  (workspace) setting 'stats.baseline_days' value: (none) -> 90\$" hist ||
	fail "baseline not in the history"
grep -q "  root  (workspace) setting 'holidays' value: 2026-12-24,2026-12-25 -> 2026-12-25\$" hist ||
	fail "holiday removal not in the history"
# Refused posts and unchanged values left no rows.
[ "$(grep -c "setting 'momentum.half_life'" hist)" = 1 ] ||
	fail "half_life recorded more than once: $(cat hist)"
exit 0
