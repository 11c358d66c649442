#!/bin/sh
# t0007-exitcodes: the exit status classes of DESIGN.md: 0 ok, 2 usage,
# 3 bad input, 4 storage. Every failure prints "error: ..." on stderr and
# nothing on stdout.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C

# status N ARGS...: techwin ARGS exits N; for N != 0 it says why on stderr
# and prints nothing on stdout.
status() {
	want=$1
	expect "$@"
	shift
	if [ "$want" -ne 0 ]; then
		grep -q "^error: " err || { [ "$want" -eq 2 ] && [ "$#" -eq 0 ]; } ||
			fail "techwin $*: no 'error:' line on stderr"
		[ ! -s out ] || fail "techwin $*: printed on stdout: $(cat out)"
	fi
}

printf 'version: 1\ndeal:\n  slug: planned\n  account: Planned\n' >good.yaml
printf 'version: 1\ndeal:\n  slug: bad\n  account: Bad\n  value: [1]\n' >bad.yaml
printf 'version: 1\ndeal: {slug: x, account: X\n' >broken.yaml

# 4: storage, before anything else exists.
status 4 deal list
status 4 --db "$tmp/nodir/x.db" init
printf 'not sqlite\n' >text.db
status 4 --db text.db deal list
status 4 --db text.db init

# 0: success.
status 0 version
status 0 help
status 0 help deal
status 0 deal --help
status 0 init
status 0 init
status 0 deal list
status 0 deal add acme --account "Acme Corp"
status 0 criterion add acme batch --metric Batch --at-most 15
status 0 criterion record acme batch 9
status 0 import good.yaml
status 0 export acme
status 0 history

# 2: usage.
status 2
status 2 frobnicate
status 2 deal
status 2 deal frobnicate
status 2 deal add acme2 --colour blue
status 2 deal add acme2
status 2 deal list extra
status 2 deal show
status 2 criterion add acme k --metric M
status 2 criterion record acme batch
status 2 event add acme e --kind technical
status 2 risk add acme r --title T
status 2 import
status 2 export
status 2 help frobnicate
status 2 --db
status 2 history --limit

# 3: bad input.
status 3 deal add acme --account Again
status 3 deal add Bad_Slug --account X
status 3 deal add beta --account X --poc-start 2026-02-30
status 3 deal set acme --value lots
status 3 deal show nope
status 3 deal rm nope
status 3 criterion record acme nope 1
status 3 criterion record acme batch -- -1
status 3 criterion add acme zero --metric Z --at-most 0
status 3 event add acme e --kind party --title T
status 3 risk add acme r --title T --deadline 2027-01-01 --duration 3m
status 3 --today 2026-13-01 deal list
status 3 import bad.yaml
status 3 import broken.yaml
status 3 import no-such-file.yaml
status 3 export nope

# Nothing above that failed changed the deals.
status 0 --json deal list
python3 -c '
import json, sys
slugs = sorted(d["slug"] for d in json.load(open("out")))
sys.exit(0 if slugs == ["acme", "planned"] else f"deals: {slugs}")
' || fail "failed commands changed the deals"
