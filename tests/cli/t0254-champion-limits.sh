#!/bin/sh
# t0254-champion-limits: a share link's forms are rate-limited per link
# (20 posts within 10 minutes, refused or not; the 21st is 429 with
# Retry-After and writes nothing; another link is not held back), and a
# link works 90 days unless its last day or "never" is said: from the
# CLI, the API and the deal page's form (issue 16).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"
. "$TW_SRC/tests/web/share.sh"

tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
tw init
tw deal add acme --account 'Acme Corp'
tw event add acme legal --kind commercial --title 'Legal redlines' \
	--date 2026-12-02 --side buyer
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null 2>&1
one=$("$TECHWIN" share acme 2>/dev/null)
two=$("$TECHWIN" share acme 2>/dev/null)

start_server
share_open "$two"
two_path=$spath two_csrf=$scsrf two_jar=$sjar
share_open "$one"
i=0
while [ "$i" -lt 20 ]; do
	share_post confirm -d 'name='	# refused (422), and counted
	[ "$code" = 422 ] || fail "post $i: $code"
	i=$((i + 1))
done
n0=$(history_count)
share_post confirm -d 'name=Dana Cho'
[ "$code" = 429 ] || fail "the 21st post: $code"
[ "$(header Retry-After)" = 60 ] || fail "Retry-After: $(header Retry-After)"
has 'Too many changes'
[ "$(history_count)" = "$n0" ] || fail "a post over the limit wrote"
# The page still opens; the other link still posts.
expect 200 GET "$spath" -b "$sjar"
req POST "$two_path/confirm" -b "$two_jar" --data-urlencode "csrf_token=$two_csrf" \
	-d 'name=Dana Cho'
[ "$code" = 303 ] || fail "link 2 was held back: $code"

# --- 90 days unless said ---------------------------------------------------

"$TECHWIN" --json share list acme >"$tmp/body"
jcheck "[s['expires'] for s in d] == ['2027-02-24', '2027-02-24']"
"$TECHWIN" share acme --expires never 2>err >/dev/null || fail "--expires never"
grep -q 'works until revoked' err || fail "never: $(cat err)"
"$TECHWIN" share acme --expires sometime >/dev/null 2>err && fail "--expires sometime passed"
grep -q "give a date or never" err || fail "bad --expires: $(cat err)"
login alice password1
expect 200 GET /deals/acme -H "$cookie"
has 'A link works for 90 days'
has 'name="never"'
labelled
post /deals/acme/shares -d expires=
[ "$code" = 303 ] || fail "page share: $code"
post /deals/acme/shares -d never=1
[ "$code" = 303 ] || fail "page share never: $code"
post /deals/acme/shares -d expires=2026-12-31
[ "$code" = 303 ] || fail "page share dated: $code"
"$TECHWIN" --json share list acme >"$tmp/body"
jcheck "[s['expires'] for s in d][2:] == [None, '2027-02-24', None, '2026-12-31']"
# The 90th day is the last it works.
last=$("$TECHWIN" --today 2026-11-26 share acme 2>/dev/null)
expect 200 GET "/share/${last##*/share/}"
stop_server
TECHWIN_TODAY=2027-02-24 start_server
expect 200 GET "/share/${last##*/share/}"
stop_server
TECHWIN_TODAY=2027-02-25 start_server
expect 404 GET "/share/${last##*/share/}"
exit 0
