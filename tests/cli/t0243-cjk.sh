#!/bin/sh
# t0243-cjk: every script renders. An account named in Japanese, with a
# metric that ends in an emoji, comes out of the summary and the proposal
# PDF in embedded fonts that have its glyphs: pdffonts lists a Noto CJK
# font, embedded, and the layout log (TECHWIN_PDF_LAYOUT) counts no glyph
# that no font has (drawn as a box). The log does count them: a character
# no font has (U+E000, private use) is reported.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
for tool in pdffonts pdftotext; do
	command -v $tool >/dev/null || {
		echo "skip: $tool not installed (poppler-utils)" >&2
		exit 0
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C.UTF-8
# Under make asan: cairo's own leak when it subsets a CJK font is
# suppressed by its frame (tests/lsan.supp), which only a full unwind
# through cairo (built without frame pointers) reaches.
if [ -n "${ASAN_OPTIONS:-}" ]; then
	export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"
fi

tw init >/dev/null
tw deal add kaisha --account '株式会社サンプル物流' --se '山田 太郎' >/dev/null
tw criterion add kaisha latency --metric '応答時間 🚀' --unit ms --at-most 200 \
	--outcome '夜間バッチが朝までに終わる' >/dev/null
tw criterion record kaisha latency 120 --on 2026-11-20 >/dev/null
tw phase add kaisha 1 --name '第一段階' --price 1200000 --criteria latency >/dev/null

# unknown LOG: the glyphs no font has, over every box of the log.
unknown() {
	awk -F '\t' '{ n += $8 } END { print n + 0 }' "$1"
}

for doc in summary proposal; do
	TECHWIN_PDF_LAYOUT=$doc.log tw $doc kaisha --format pdf -o $doc.pdf
	pdffonts $doc.pdf >fonts.txt
	grep -q 'NotoSansCJK.* yes ' fonts.txt ||
		fail "$doc.pdf: no embedded CJK font: $(cat fonts.txt)"
	[ "$(unknown $doc.log)" -eq 0 ] ||
		fail "$doc.pdf: glyphs no font has: $(awk -F '\t' '$8 > 0' $doc.log)"
	grep -q '株式会社サンプル物流' $doc.log || fail "$doc.pdf: the account is not drawn"
	pdftotext $doc.pdf $doc.txt
	grep -q '株式会社サンプル物流' $doc.txt ||
		fail "$doc.pdf: pdftotext does not read the account back"
done
grep -q '応答時間 🚀' summary.log || fail "summary.pdf: the metric is not drawn"

# The count is real: a character no font has is a box, and is counted.
tw deal set kaisha --account "$(printf 'Private \356\200\200 use')" >/dev/null
TECHWIN_PDF_LAYOUT=box.log tw summary kaisha --format pdf -o box.pdf
[ "$(unknown box.log)" -ge 1 ] || fail "U+E000 is not counted as a missing glyph"
