#!/bin/sh
# t0240-pdf-fit: the summary and the proposal fit before they cut, and
# never cut a number, a date or a unit. Every demo deal and a deal with 30
# criteria of wide figures are rendered with the layout log on
# (TECHWIN_PDF_LAYOUT): no box holding a digit is ellipsized or has a word
# split, and the demo deals, which leave room on the page, have nothing cut
# at all. pdftotext cannot see a cut (the text layer keeps the whole string
# under the clip), so the pages are also read as a person reads them:
# rasterized with pdftoppm and read with tesseract, the figures of the
# layout log must be there, whole.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
for tool in pdftoppm tesseract; do
	command -v $tool >/dev/null || {
		echo "skip: $tool not installed (poppler-utils, tesseract-ocr)" >&2
		exit 0
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester
export LC_ALL=C.UTF-8 OMP_THREAD_LIMIT=1

tw init >/dev/null
tw import "$TW_SRC"/examples/*.yaml >/dev/null

# A deal of 30 criteria with figures as wide as a column gets: the page is
# full, rows are cut, figures are not.
{
	printf 'version: 1\ndeal:\n  slug: thirty\n  account: Thirty Criteria Ltd\n'
	printf '  procurement_days: 10\ncriteria:\n'
	i=1
	while [ $i -le 30 ]; do
		printf '  - key: crit-%02d\n' $i
		printf '    metric: Meter readings ingested per hour in region %d\n' $i
		printf '    unit: readings/h\n    at_least: %d000000\n' $((i % 9 + 1))
		printf '    measured: %d600000\n' $((i % 9 + 1))
		printf '    measured_on: 2026-06-%02d\n    growth_pct: 30\n' $(((i % 20) + 1))
		printf '    outcome: Outcome %d in a sentence long enough to wrap over several lines of its cell\n' $i
		i=$((i + 1))
	done
	printf 'risks:\n  - key: peak\n    title: Peak season\n    deadline: 2026-10-29\n'
	printf '    buffer: 14d\n    duration: 75d\n'
	printf 'phases:\n  - number: 1\n    name: Pilot\n    price: 1250000\n    duration: 4w\n'
	printf '    criteria: [crit-01, crit-02, crit-03]\n'
} >thirty.yaml
tw import thirty.yaml >/dev/null

# render KIND SLUG: KIND is summary or proposal; the PDF and its log.
render() {
	TECHWIN_PDF_LAYOUT="$1-$2.log" tw "$1" "$2" --format pdf -o "$1-$2.pdf"
	[ -s "$1-$2.log" ] || fail "$1 $2: no layout log"
}

# No box with a digit was cut, whatever the page held.
numbers_whole() {
	awk -F '\t' '$7 != "whole" && $9 ~ /[0-9]/ { print; bad = 1 }
		END { exit bad }' "$1" >cut.txt ||
		fail "$1: a number, date or unit was cut: $(cat cut.txt)"
}

# Nothing at all was cut: the page had room for every word.
all_whole() {
	awk -F '\t' '$7 != "whole" { print; bad = 1 } END { exit bad }' \
		"$1" >cut.txt || fail "$1: text cut on a page with room: $(cat cut.txt)"
}

# The page as a person reads it: each figure of the layout log (a run of
# at least four digits and separators, "2,000,000", "2026-06-26",
# "40.0%") is read whole by OCR. OCR misreads a character now and then, so
# nine in ten must be found; a figure ending in an ellipsis never.
ocr_figures() {
	pdf=$1 log=$2
	rm -f page-*.png
	pdftoppm -r 200 -gray -png "$pdf" page
	: >ocr.txt
	for png in page-*.png; do
		tesseract "$png" stdout -l eng 2>/dev/null >>ocr.txt
	done
	if grep -E '[0-9](…|\.\.\.)' ocr.txt >cut.txt; then
		fail "$pdf: OCR reads a figure cut short: $(cat cut.txt)"
	fi
	cut -f 9 "$log" | grep -oE '[0-9][0-9,.:-]{2,}[0-9]' | sort -u >figures.txt
	total=0 found=0 missing=""
	while read -r fig; do
		total=$((total + 1))
		if grep -qF -- "$fig" ocr.txt; then
			found=$((found + 1))
		else
			missing="$missing $fig"
		fi
	done <figures.txt
	[ "$total" -gt 0 ] || fail "$pdf: no figures in the layout log"
	[ $((found * 10)) -ge $((total * 9)) ] ||
		fail "$pdf: OCR found $found of $total figures; missing:$missing"
}

for slug in $(cd "$TW_SRC/examples" && ls *.yaml | sed 's/\.yaml$//') thirty; do
	render summary "$slug"
	numbers_whole "summary-$slug.log"
	[ "$slug" = thirty ] || all_whole "summary-$slug.log"
	ocr_figures "summary-$slug.pdf" "summary-$slug.log"
	if [ "$(tw phase list "$slug" | wc -l)" -gt 1 ]; then
		render proposal "$slug"
		numbers_whole "proposal-$slug.log"
		all_whole "proposal-$slug.log"
	fi
done

# The figure that used to read as a wrong number: 2,000,000 readings/h.
grep -qF "2,000,000" summary-alder-energy.log || fail "alder: no 2,000,000"
pdftoppm -r 200 -gray -png summary-alder-energy.pdf alder
tesseract alder-1.png stdout -l eng 2>/dev/null >alder.txt
grep -qF "2,000,000" alder.txt || fail "alder: OCR does not read 2,000,000: $(cat alder.txt)"

# The full page cut rows, not figures, and says so.
grep -q "more criteria" summary-thirty.log || fail "thirty: no rows were cut"
