#!/bin/sh
# t0032-summary-all: summary --all renders the pipeline in parts, one per
# core, each on its own thread. Every file it writes is byte for byte the
# document `summary SLUG` prints in a process of its own (Markdown, HTML
# and PDF, whose layouts each thread keeps from one document to the
# next), and when files cannot be written the error is always the one of
# the first such deal in slug order, as if the deals were written one by
# one; the deals before it are all written, and no temporary file stays.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-06-26 TECHWIN_USER=tester LC_ALL=C.UTF-8

n=40
sh "$TW_SRC/tests/cli/gen-deals.sh" $n plans
tw init >/dev/null
tw import plans/*.yaml >/dev/null

formats="md html"
command -v pdfinfo >/dev/null && formats="$formats pdf"
for f in $formats; do
	out=$(tw summary --all --format $f -o $f)
	[ "$out" = "wrote $n summaries to '$f'" ] || fail "$f: $out"
	[ "$(ls $f | wc -l)" -eq $n ] || fail "$f: $(ls $f | wc -l) files"
	i=1
	while [ $i -le $n ]; do
		slug=$(printf 'deal-%05d' $i)
		tw summary $slug --format $f >one.$f
		cmp -s one.$f $f/$slug.$f ||
			fail "$f/$slug.$f differs from 'summary $slug'"
		i=$((i + 1))
	done
done

# Two deals that cannot be written, a directory standing where their
# files go: the first of the second half fails at once, the other one,
# later in the first half, is still the one reported.
mkdir -p err/deal-00015.md/x err/deal-00021.md/x
for round in 1 2 3 4 5; do
	set +e
	"$TECHWIN" summary --all -o err >out.txt 2>err.txt
	st=$?
	set -e
	[ $st -eq 4 ] || fail "round $round: exited $st: $(cat err.txt)"
	grep -q "^error: cannot write 'err/deal-00015.md': Is a directory$" \
		err.txt || fail "round $round: $(cat err.txt)"
	[ ! -s out.txt ] || fail "round $round printed $(cat out.txt)"
done
rm -r err/deal-00015.md
set +e
"$TECHWIN" summary --all -o err >out.txt 2>err.txt
st=$?
set -e
[ $st -eq 4 ] || fail "exited $st: $(cat err.txt)"
grep -q "^error: cannot write 'err/deal-00021.md': Is a directory$" err.txt ||
	fail "$(cat err.txt)"
i=1
while [ $i -lt 21 ]; do
	[ -f err/$(printf 'deal-%05d' $i).md ] ||
		fail "deal $i, before the failure, was not written"
	i=$((i + 1))
done
ls err | grep -q tmp && fail "temporary files left: $(ls err | grep tmp)"
exit 0
