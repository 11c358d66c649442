#!/bin/sh
# t0012-write-special: -o writes a regular file atomically (a temporary file
# renamed over it), but what is not a regular file is written in place: a
# FIFO is read by whoever listens to it and stays a FIFO (so -o /dev/null
# or -o /dev/stdout never puts a file where the device stood).
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C
examples=$(cd "$(dirname "$0")/../../examples" && pwd)

tw init >/dev/null
tw import "$examples/lakeshore-retail.yaml" >/dev/null

# A regular file: written whole, and no temporary file left beside it.
tw summary lakeshore-retail -o sum.md
grep -q "Technical Win Summary" sum.md || fail "sum.md has no summary"
[ "$(ls | grep -c tmp)" -eq 0 ] || fail "a temporary file was left: $(ls)"

# A FIFO: the reader gets the document and the FIFO is still a FIFO.
mkfifo pipe
timeout 20 cat pipe >got.md &
reader=$!
tw summary lakeshore-retail -o pipe
wait $reader || fail "nothing was written to the FIFO"
[ -p pipe ] || fail "the FIFO was replaced by a regular file"
cmp -s sum.md got.md || fail "the FIFO's reader did not get the summary"
[ "$(ls | grep -c tmp)" -eq 0 ] || fail "a temporary file was left: $(ls)"
echo "t0012: ok"
