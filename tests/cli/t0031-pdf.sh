#!/bin/sh
# t0031-pdf: the PDFs techwin writes, read back with poppler-utils. The
# war-story summary and a generated deal with 30 criteria are one page of
# A4 (or Letter) with embedded fonts; pdftotext gets back the account, each
# criterion shown by its metric (never its key), the latest start date and the contract target; no
# word lies outside the page (pdftotext -bbox); cut rows are announced.
# A PDF goes to standard output only when it is not a terminal, and -o
# writes the same bytes.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
for tool in pdfinfo pdftotext pdffonts; do
	command -v $tool >/dev/null || {
		echo "skip: $tool not installed (poppler-utils)" >&2
		exit 0
	}
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-06-26 TECHWIN_USER=tester LC_ALL=C.UTF-8

# pages FILE N; size FILE "W x H"
pages() {
	got=$(pdfinfo "$1" | sed -n 's/^Pages: *//p')
	[ "$got" = "$2" ] || fail "$1 has $got pages, expected $2"
}
size() {
	pdfinfo "$1" | grep -q "^Page size: *$2 pts" ||
		fail "$1: $(pdfinfo "$1" | grep '^Page size')"
}

# Every font is embedded: the "emb" column of pdffonts says yes.
embedded() {
	pdffonts "$1" >fonts.txt
	[ "$(sed -n '3,$p' fonts.txt | wc -l)" -ge 1 ] || fail "$1 has no fonts"
	sed -n '3,$p' fonts.txt | awk '{ if ($(NF-4) != "yes") bad = 1 }
		END { exit bad }' || fail "$1 has a font not embedded: $(cat fonts.txt)"
}

# Every word's box lies within the page box.
inside() {
	pdftotext -bbox "$1" bbox.html
	awk '
	/<page / {
		match($0, /width="[0-9.]+"/); w = substr($0, RSTART + 7, RLENGTH - 8) + 0
		match($0, /height="[0-9.]+"/); h = substr($0, RSTART + 8, RLENGTH - 9) + 0
	}
	/<word / {
		n++
		split($0, a, "\"")
		# xMin, yMin, xMax, yMax are attributes 2, 4, 6, 8.
		if (a[2] < 0 || a[4] < 0 || a[6] > w || a[8] > h) {
			print "outside " w "x" h ": " $0
			bad = 1
		}
	}
	END { if (!n) { print "no words"; bad = 1 } exit bad }' bbox.html ||
		fail "$1 draws outside its page"
}

has() {
	grep -qF -- "$2" "$1" || fail "$1 lacks '$2'"
}

tw init >/dev/null
tw import "$TW_SRC/examples/lakeshore-retail.yaml" >/dev/null

# The war story on A4, as the SE sends it the day the POC ends.
tw summary lakeshore-retail --format pdf -o war.pdf
pages war.pdf 1
size war.pdf "595.276 x 841.89"
embedded war.pdf
inside war.pdf
pdftotext war.pdf war.txt
has war.txt "Lakeshore Retail Group"
has war.txt "TECHNICAL WIN SUMMARY"
for metric in "50M records" "Sustained" "p95 latency" \
	"Age of" "Source systems" "Compute cost"; do
	has war.txt "$metric"
done
for key in batch-runtime ingest-throughput query-p95 data-freshness \
	source-connectors cost-per-run; do
	grep -qF "$key" war.txt && fail "war.pdf shows the key $key"
done
has war.txt "2026-08-01"		# latest start of the November peak
has war.txt "Mon 2026-07-20"		# contract execution target
has war.txt "USD 180,000"
has war.txt "43.4%"
has war.txt "Executive summary delivered to the CFO"
grep -q "more criteria" war.txt && fail "war story rows were cut"

# Standard output (not a terminal here) gets the same bytes as -o.
tw summary lakeshore-retail --format pdf >stdout.pdf
cmp -s stdout.pdf war.pdf || fail "stdout PDF differs from -o PDF"

# Letter paper.
tw summary lakeshore-retail --format pdf --paper letter -o letter.pdf
pages letter.pdf 1
size letter.pdf "612 x 792"
inside letter.pdf

# A generated deal with 30 criteria: one page, cut with a visible line.
{
	printf 'version: 1\ndeal:\n  slug: thirty\n  account: Thirty Criteria Ltd\n'
	printf '  procurement_days: 10\ncriteria:\n'
	i=1
	while [ $i -le 30 ]; do
		k=$(printf 'crit-%02d' $i)
		printf '  - key: %s\n    metric: Check %02d of every region and every shard\n' "$k" $i
		printf '    unit: ms\n    at_most: 100\n    measured: %d\n' $((40 + i))
		printf '    measured_on: 2026-06-%02d\n    growth_pct: 30\n' $(((i % 20) + 1))
		printf '    outcome: Outcome %d in a sentence long enough to wrap over several lines of its cell and then some more words\n' $i
		i=$((i + 1))
	done
	printf 'risks:\n  - key: peak\n    title: Peak season\n    deadline: 2026-10-29\n'
	printf '    buffer: 14d\n    duration: 75d\n'
	printf 'phases:\n  - number: 1\n    name: Pilot\n    price: 50000\n    duration: 4w\n'
} >thirty.yaml
tw import thirty.yaml >/dev/null
for paper in a4 letter; do
	tw summary thirty --format pdf --paper $paper -o thirty-$paper.pdf
	pages thirty-$paper.pdf 1
	embedded thirty-$paper.pdf
	inside thirty-$paper.pdf
	pdftotext thirty-$paper.pdf thirty.txt
	has thirty.txt "Thirty Criteria Ltd"
	more=$(sed -n 's/^… and \([0-9]*\) more criteria$/\1/p' thirty.txt)
	[ -n "$more" ] || fail "30 criteria on $paper: no '… and N more criteria'"
	shown=$((30 - more))
	[ $shown -ge 10 ] || fail "30 criteria on $paper: only $shown shown"
	i=1
	while [ $i -le $shown ]; do
		has thirty.txt "$(printf 'Check %02d ' $i)"
		i=$((i + 1))
	done
	# The rows after the cut are not drawn at all.
	grep -qF "$(printf 'Check %02d ' $((shown + 1)))" thirty.txt &&
		fail "check $((shown + 1)) drawn after the cut"
	has thirty.txt "2026-08-01"		# latest start
	has thirty.txt "Contract execution target"
done

# The proposal flows over pages, numbered, fonts embedded, inside.
tw proposal lakeshore-retail --format pdf -o proposal.pdf
embedded proposal.pdf
inside proposal.pdf
n=$(pdfinfo proposal.pdf | sed -n 's/^Pages: *//p')
pdftotext proposal.pdf proposal.txt
has proposal.txt "Phase 1: Core data pipeline"
has proposal.txt "Phase 3: European operations"
has proposal.txt "Fri 2026-07-17 to Wed 2026-09-30"
has proposal.txt "page $n of $n"

# The HTML prints to one page of its paper (when chromium is here to print
# it; the file itself is checked in tests/unit/test-summary.c).
if command -v chromium >/dev/null 2>&1; then
	for paper in a4 letter; do
		tw summary lakeshore-retail --format html --paper $paper \
			-o war-$paper.html
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
			--no-pdf-header-footer \
			--print-to-pdf="$tmp/html-$paper.pdf" \
			"file://$tmp/war-$paper.html" >/dev/null 2>&1 ||
			fail "chromium could not print war-$paper.html"
		pages html-$paper.pdf 1
	done
	size html-letter.pdf "612 x 792"
fi

# A terminal does not get a PDF: exit 2 and a hint, unless -o is given.
if command -v script >/dev/null 2>&1; then
	set +e
	script -qec "\"$TECHWIN\" summary lakeshore-retail --format pdf" \
		/dev/null >tty.txt 2>&1
	st=$?
	set -e
	grep -q "refusing to write a PDF to a terminal" tty.txt ||
		fail "PDF to a terminal: $(cat tty.txt)"
	[ $st -eq 2 ] || fail "PDF to a terminal exited $st, expected 2"
	script -qec "\"$TECHWIN\" summary lakeshore-retail --format pdf -o tty.pdf" \
		/dev/null >/dev/null 2>&1 || fail "-o from a terminal failed"
	pages tty.pdf 1
fi

# -o is atomic: a failed write leaves nothing behind.
set +e
"$TECHWIN" summary lakeshore-retail --format pdf -o missing/dir/x.pdf 2>err
st=$?
set -e
[ $st -eq 3 ] || fail "-o into a missing directory exited $st"
[ ! -e missing ] || fail "-o left files behind"
ls ./*.tmp.* 2>/dev/null && fail "temporary files left behind"
exit 0
