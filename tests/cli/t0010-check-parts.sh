#!/bin/sh
# t0010-check-parts: `techwin check` over the whole pipeline walks it in
# parts, one per core, on as many threads, and merges what the parts found
# (cmd-check.c, store_each_deal_parts). Its output must be the one of
# `check SLUG...` naming every open deal in slug order, which loads the
# deals and renders them in one piece: the same rows in the same order,
# the same column widths (the longest slug, last, widens
# every row before it), snoozed rows and closed deals included.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C

"$TECHWIN" init >/dev/null
sh "$TW_SRC/tests/cli/gen-deals.sh" 240 plans 7
"$TECHWIN" import plans/*.yaml >/dev/null
# Closed deals in both halves, a snoozed one, and the widest cells last.
"$TECHWIN" deal close deal-00003 --won --date 2026-11-20 >/dev/null
"$TECHWIN" deal close deal-00200 --lost >/dev/null
"$TECHWIN" snooze deal-00150 --until 2026-12-01 --reason "on leave" >/dev/null
"$TECHWIN" deal add zz-the-last-deal-of-the-pipeline --account "Zürich" >/dev/null
"$TECHWIN" phase add zz-the-last-deal-of-the-pipeline 1 --name "Phâse ünïcödé with a very long name" >/dev/null

set +e
"$TECHWIN" check >whole 2>err
whole_rc=$?
"$TECHWIN" check $(seq -f 'deal-%05g' 240 | grep -v 'deal-00003$\|deal-00200$') \
	zz-the-last-deal-of-the-pipeline >named 2>>err
named_rc=$?
set -e
[ -s err ] && { cat err >&2; fail "check wrote to stderr"; }
[ "$whole_rc" -eq "$named_rc" ] ||
	fail "check exited $whole_rc, check SLUG... $named_rc"
cmp whole named || { diff whole named | head -20 >&2; fail "outputs differ"; }
grep -q '^snoozed ' whole || fail "no snoozed row"
grep -q 'zz-the-last-deal-of-the-pipeline .*Phâse ünïcödé' whole || fail "no row of the last deal"
grep -q 'deal-00003\|deal-00200' whole && fail "a closed deal was checked"
tail -1 whole | grep -q '^239 deals checked: ' || fail "count: $(tail -1 whole)"
echo ok
