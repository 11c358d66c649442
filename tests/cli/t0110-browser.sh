#!/bin/sh
# t0110-browser: the web pages in a real browser. Starts `techwin serve` on
# an ephemeral loopback port over the deals in tests/browser/fixtures, with
# an editor, a viewer and two share links to acme (one revoked), and runs
# tests/browser/pages.test.js: playwright-core driving Debian's chromium.
# scripts/install-deps installs both (chromium from Debian, playwright-core
# from tests/browser/package-lock.json). Screenshots go to $TW_SHOTS when
# it is set, to look at; else they are taken and thrown away.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

browser_dir=$TW_SRC/tests/browser
[ -x /usr/bin/chromium ] ||
	fail "no /usr/bin/chromium: run scripts/install-deps"
command -v node >/dev/null 2>&1 || fail "no node: run scripts/install-deps"
[ -d "$browser_dir/node_modules/playwright-core" ] ||
	fail "no playwright-core in $browser_dir: run scripts/install-deps"

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$browser_dir"/fixtures/*.yaml >/dev/null
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
printf 'password2\n' | "$TECHWIN" user add vic --role viewer >/dev/null
start_server
share=$("$TECHWIN" share acme --base-url "$base" 2>/dev/null)
revoked=$("$TECHWIN" share acme --base-url "$base" 2>/dev/null)
"$TECHWIN" share rm 2 >/dev/null 2>&1 || fail "share rm 2"

TW_BASE=$base TW_SHARE=$share TW_REVOKED=$revoked \
	TW_SHOTS=${TW_SHOTS:-$tmp/shots} \
	node "$browser_dir/pages.test.js" ||
	fail "browser tests failed (tests/browser/pages.test.js)"

# A clean exit: under ASan a leak or a memory error would show here.
stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
