#!/bin/sh
# t0233-errors-explain: errors that explain themselves (issue 17). A plan
# file import lists every error of every file (up to 50) in one run and
# still imports nothing; an unknown plan-file key, command, subcommand or
# option gets "did you mean"; a negative number is a value, not an
# option, without a '--' first.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=ann LC_ALL=C

tw init >/dev/null
cat >a.yaml <<'YAML'
version: 1
deal:
  slug: a
  acount: A
  value: abc
criteria:
  - key: p95
    metrc: x
    at_most: 5
  - key: p99
    at_most: lots
YAML
cat >b.yaml <<'YAML'
version: 1
deal:
  slug: b
  account: B
  value: -5
YAML
cat >c.yaml <<'YAML'
version: 1
deal:
  slug: c
  account: [unclosed
YAML
expect 3 import "$TW_SRC/examples/lakeshore-retail.yaml" a.yaml b.yaml c.yaml
cat >want <<'EOF2'
error: a.yaml:4:3: unknown field 'acount' in deal (did you mean 'account'?)
error: a.yaml:5:10: expected a number for 'value', got 'abc'
error: a.yaml:8:5: unknown field 'metrc' in criterion (did you mean 'metric'?)
error: a.yaml:11:14: expected a number for 'at_most', got 'lots'
error: b.yaml:5:10: deal value must be 0 or more, got -5
EOF2
head -5 err >got
cmp -s want got || fail "errors: $(diff want got)"
grep -q "^error: c.yaml:" err || fail "c.yaml's syntax error: $(cat err)"
grep -q "^error: 6 errors in 3 of 4 files, nothing imported$" err || fail "$(cat err)"
[ "$(q "SELECT count(*) FROM deals")" = 0 ] || fail "a bad import wrote deals"

# Past 50 errors: the first 50, and how many more.
{
	echo "version: 1"
	echo "deal:"
	echo "  slug: many"
	echo "  account: M"
	echo "criteria:"
	i=0
	while [ $i -lt 60 ]; do
		echo "  - key: c$i"
		echo "    at_most: x$i"
		i=$((i + 1))
	done
} >many.yaml
expect 3 import many.yaml b.yaml
[ "$(grep -c "^error: many.yaml:" err)" = 50 ] || fail "not 50 listed: $(grep -c . err)"
grep -q "^\.\.\. and 11 more errors$" err || fail "$(tail -3 err)"
grep -q "^error: 61 errors in 2 of 2 files, nothing imported$" err || fail "$(tail -2 err)"

# A good import still says what it did.
expect 0 import "$TW_SRC/examples/lakeshore-retail.yaml"
[ ! -s err ] || fail "$(cat err)"

# Did you mean: commands, subcommands, options, a holidays subcommand.
expect 2 dael list
grep -q "^error: unknown command 'dael' (did you mean 'deal'?)$" err || fail "$(cat err)"
expect 2 deal lst
grep -q "^error: unknown subcommand 'deal lst' (did you mean 'list'?)$" err || fail "$(cat err)"
expect 2 deal set lakeshore-retail --acount X
grep -q "^error: unknown option '--acount' (did you mean '--account'?)$" err || fail "$(cat err)"
expect 2 deal set lakeshore-retail --acount=X
grep -q "^error: unknown option '--acount' (did you mean '--account'?)$" err || fail "$(cat err)"
expect 2 config holidays imprt x.ics
grep -q "(did you mean 'import'?)$" err || fail "$(cat err)"
expect 2 deal frobnicate
grep -q "^error: unknown subcommand 'deal frobnicate'$" err || fail "$(cat err)"

# Negative numbers: values wherever they stand, refused by the checks
# (a measured value is never negative), not by the option parser.
tw criterion add lakeshore-retail neg --metric "Delta" --at-least 1 >/dev/null
expect 3 criterion record lakeshore-retail neg -5
grep -q "^error: measured value must be 0 or more, got -5$" err || fail "$(cat err)"
expect 3 criterion record lakeshore-retail neg -2.5 --on 2026-11-02
grep -q "got -2.5$" err || fail "$(cat err)"
expect 3 deal set lakeshore-retail --value -5
grep -q "^error: deal value must be 0 or more, got -5$" err || fail "$(cat err)"
expect 3 criterion set lakeshore-retail neg --growth -5
grep -q "^error: growth_pct must be 0 or more, got -5$" err || fail "$(cat err)"
expect 0 criterion record lakeshore-retail neg 7 --on 2026-11-02
# Still an unknown option when it is not a number.
expect 2 criterion record lakeshore-retail neg -x
grep -q "^error: unknown option '-x'$" err || fail "$(cat err)"
