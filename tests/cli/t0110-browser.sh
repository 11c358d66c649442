#!/bin/sh
# t0110-browser: the web pages in a real browser. Starts `techwin serve` on
# an ephemeral loopback port over the deals in tests/browser/fixtures, with
# an editor, a viewer, an admin and two share links to acme (one revoked),
# and runs in turn, on the same database:
#   pages.test.js    the pages' behaviour: playwright-core driving chromium
#   day.test.js      an editor's whole day, each step checked with the CLI
#   quality.test.js  axe-core and the Nu Html Checker (vnu.jar, on Java) on
#                    every page and every form's error state; phone width
# scripts/install-deps installs them (chromium and Java from Debian, the
# npm modules from tests/browser/package-lock.json). Screenshots go to
# $TW_SHOTS when it is set, to look at; else pages.test.js takes its own
# and throws them away.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

browser_dir=$TW_SRC/tests/browser
[ -x /usr/bin/chromium ] ||
	fail "no /usr/bin/chromium: run scripts/install-deps"
command -v node >/dev/null 2>&1 || fail "no node: run scripts/install-deps"
for m in playwright-core axe-core vnu-jar; do
	[ -d "$browser_dir/node_modules/$m" ] ||
		fail "no $m in $browser_dir: run scripts/install-deps"
done
command -v java >/dev/null 2>&1 || fail "no java: run scripts/install-deps"

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$browser_dir"/fixtures/*.yaml >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
printf 'password3\n' | "$TECHWIN" user add root --role admin >/dev/null
start_server
share=$("$TECHWIN" share acme --base-url "$base" 2>/dev/null)
revoked=$("$TECHWIN" share acme --base-url "$base" 2>/dev/null)
"$TECHWIN" share rm 2 >/dev/null 2>&1 || fail "share rm 2"

TW_BASE=$base TW_SHARE=$share TW_REVOKED=$revoked \
	TW_SHOTS=${TW_SHOTS:-$tmp/shots} \
	node "$browser_dir/pages.test.js" ||
	fail "browser tests failed (tests/browser/pages.test.js)"
TW_BASE=$base TECHWIN="$TECHWIN" \
	node "$browser_dir/day.test.js" ||
	fail "browser tests failed (tests/browser/day.test.js)"
TW_BASE=$base TW_SHARE=$share TW_ADMIN_PASSWORD=password3 \
	TW_SHOTS=${TW_SHOTS:-} \
	node "$browser_dir/quality.test.js" ||
	fail "browser tests failed (tests/browser/quality.test.js)"

# A clean exit: under ASan a leak or a memory error would show here.
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
