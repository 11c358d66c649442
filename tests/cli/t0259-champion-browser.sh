#!/bin/sh
# t0259-champion-browser: the champion's side in a real browser (issue
# 16, tests/browser/champion.test.js): the champion, with no account and
# no JavaScript, marks a buyer-side step done, proposes a date and
# confirms the plan on the share page at a phone's width; the editor sees
# all three on the deal page and accepts the date, and date-proposed
# leaves the check. Needs chromium, node and the npm modules of
# tests/browser (scripts/install-deps).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

browser_dir=$TW_SRC/tests/browser
[ -x /usr/bin/chromium ] ||
	fail "no /usr/bin/chromium: run scripts/install-deps"
command -v node >/dev/null 2>&1 || fail "no node: run scripts/install-deps"
for m in playwright-core axe-core; do
	[ -d "$browser_dir/node_modules/$m" ] ||
		fail "no $m in $browser_dir: run scripts/install-deps"
done

tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
tw init
tw deal add champ --account 'Champion Foods'
tw event add champ legal --kind commercial --title 'Legal redlines' \
	--date 2026-11-27 --side buyer
tw event add champ pricing --kind commercial --title 'Pricing call' \
	--date 2026-12-03
tw event add champ sec --kind commercial --title 'Security review' \
	--date 2026-12-04 --side buyer
tw event add champ desk --kind commercial --title 'Deal desk' \
	--date 2026-12-02 --internal
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
start_server
share=$("$TECHWIN" share champ --base-url "$base" 2>/dev/null)

TW_BASE=$base TW_SHARE=$share TECHWIN="$TECHWIN" \
	node "$browser_dir/champion.test.js" ||
	fail "browser tests failed (tests/browser/champion.test.js)"
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
