#!/bin/sh
# Golden CLI cases, jq/curl style: each directory under tests/golden/ holds a
# `cmd` script and the `expected` transcript. The script runs in a fresh
# temporary directory with its own database; `run ARGS` runs techwin and
# records "$ techwin ARGS", its output (stdout and stderr) and a non-zero
# exit status. UPDATE_GOLDEN=1 rewrites the expectations (review the diff).
#
# usage: run.sh TECHWIN GOLDEN_DIR [CASE...]
set -u

TECHWIN_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
GOLDEN=$(cd "$2" && pwd)
shift 2
EXAMPLES=$(cd "$GOLDEN/../../examples" && pwd)
export TECHWIN_BIN EXAMPLES

if [ $# -eq 0 ]; then
	set -- $(cd "$GOLDEN" && ls -d */ | tr -d /)
fi

pass=0
fail=0
for c in "$@"; do
	dir="$GOLDEN/$c"
	tmp=$(mktemp -d)
	(
		cd "$tmp" || exit 1
		export CASE="$dir" TECHWIN_DB="$tmp/t.db" \
			TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
			TECHWIN_NOW=2026-11-26T12:00:00Z LC_ALL=C
		techwin() { "$TECHWIN_BIN" "$@"; }
		run() {
			echo "\$ techwin $*"
			"$TECHWIN_BIN" "$@" 2>&1
			st=$?
			[ $st -ne 0 ] && echo "[exit $st]"
			return 0
		}
		. "$dir/cmd"
	) >"$tmp/actual" 2>&1
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$tmp/actual" "$dir/expected"
	fi
	if cmp -s "$tmp/actual" "$dir/expected"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $c"
		diff -u "$dir/expected" "$tmp/actual" | head -40
	fi
	rm -rf "$tmp"
done
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
