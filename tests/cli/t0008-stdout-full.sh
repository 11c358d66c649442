#!/bin/sh
# t0008-stdout-full: output that cannot be written is an error, never a
# silent success (git's check at exit): writing to /dev/full fails.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
[ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account "Acme Corp" >/dev/null
"$TECHWIN" criterion add acme batch --metric Batch --at-most 15 >/dev/null
"$TECHWIN" risk add acme peak --title Peak --deadline 2026-10-29 --duration 75d >/dev/null
# Enough deals that the list is larger than a stdio buffer, so some writes
# fail before exit as well as at the final flush.
printf 'version: 1\ndeal:\n  slug: big\n  account: %0500d\n' 0 >big.yaml
"$TECHWIN" import big.yaml >/dev/null

for args in "deal list" "--json deal list" "deal show acme" \
	"--json deal show acme" "criterion list acme" "risk list acme" \
	"export acme" "export big" "history" "help" "help deal" "version" \
	"deal add beta --account Beta"; do
	set +e
	# shellcheck disable=SC2086
	"$TECHWIN" $args >/dev/full 2>err
	st=$?
	set -e
	[ "$st" -ne 0 ] || fail "techwin $args > /dev/full exited 0"
	grep -q '^error: ' err || fail "techwin $args > /dev/full: no error message"
done

# The same commands succeed on a real file (the failure was the output).
"$TECHWIN" deal list >list.txt
grep -q '^acme ' list.txt || fail "deal list output: $(cat list.txt)"
