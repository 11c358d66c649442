#!/bin/sh
# t0231-csv-roundtrip: `export --to csv -o DIR` then `import --from techwin
# DIR` is lossless (issue 17): on the demo pipeline (examples/) and on a
# deal with awkward text (commas, quotes, line breaks, a leading = or ',
# UTF-8), a closed deal's outcome and close date and a CRM record id, the
# second export is byte-identical to the first, and so is every plan
# file. The formula guard is removed on the way in. Bad tables are listed,
# every problem at once, and import nothing.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_TODAY=2026-11-26 TECHWIN_USER=ann LC_ALL=C

export TECHWIN_DB="$tmp/a.db"
tw init >/dev/null
tw import "$TW_SRC"/examples/*.yaml >/dev/null
cat >awkward.yaml <<'YAML'
version: 1
deal:
  slug: awkward
  account: "=HYPERLINK(\"http://x\"), \"Quoted\" & Co"
  stage: "'Negotiation"
  value: 1250000.5
  currency: EUR
  ae: "-Zoë Ünal"
  se: "@Søren 東京"
  procurement_days: 7
  champion:
    name: "+Ana, María"
    email: ana@example.com
  poc:
    start: 2026-05-04
    end: 2026-06-12
  close:
    date: 2026-07-20
    outcome: lost
holidays:
  - 2026-05-25
criteria:
  - key: p95
    metric: "p95 latency, \"checkout\""
    unit: ms
    at_most: 200
    measured: 150.25
    measured_on: 2026-06-10
    growth_pct: 12.5
    outcome: "Checkout stays fast,\nall year\twith tabs"
  - key: accuracy
    metric: "=1+1"
    at_least: 99.5
    scales_with_load: false
events:
  - key: kickoff
    kind: technical
    title: "Kickoff, \"day one\""
    owner: "'Sam"
    date: 2026-05-04
    done: 2026-05-04
  - key: terms
    kind: commercial
    title: "-terms-"
    date: 2026-06-16
    after: kickoff
    step: terms
risks:
  - key: peak
    title: "Peak, \"Black Friday\"\u00a0🛒"
    kind: scaling
    deadline: 2026-11-27
    buffer: 10bd
    duration: 6w
phases:
  - number: 1
    name: "=Pilot"
    scope: "One region,\nthen \"two\""
    price: 80000
    justification: "@risk"
    criteria:
      - p95
      - accuracy
    duration: 3w
playbook:
  - title: "=Sign, \"now\""
    offset: 3
    kind: commercial
    plus_procurement: true
    key: sign
    owner: ae
YAML
tw import awkward.yaml >/dev/null
q "UPDATE deals SET crm_source = 'hubspot', crm_id = '=42' WHERE slug = 'awkward'"
n=$(q "SELECT count(*) FROM deals")

tw export --to csv -o one >/dev/null
for f in deals criteria events risks phases playbook holidays; do
	[ -s "one/$f.csv" ] || fail "no $f.csv"
done
# The guard is there in the file...
grep -q '^awkward,"'"'"'=HYPERLINK' one/deals.csv || fail "no formula guard: $(grep awkward one/deals.csv)"
grep -q ",''Negotiation," one/deals.csv || fail "a leading quote is not doubled"

export TECHWIN_DB="$tmp/b.db"
tw init >/dev/null
expect 0 import --from techwin one
grep -q "^imported $n deals from 'one' ($n new, 0 replaced)$" out || fail "$(cat out)"
tw export --to csv -o two >/dev/null
for f in one/*.csv; do
	cmp "$f" "two/${f#one/}" || fail "${f#one/} differs after the round trip"
done
# ... and gone in the database: the values are the plan file's.
[ "$(q "SELECT account, stage, ae, outcome, close_date, crm_id FROM deals
	WHERE slug = 'awkward'")" = '=HYPERLINK("http://x"), "Quoted" & Co|'"'"'Negotiation|-Zoë Ünal|lost|2026-07-20|=42' ] ||
	fail "awkward deal: $(q "SELECT * FROM deals WHERE slug = 'awkward'")"
for s in $(q "SELECT slug FROM deals ORDER BY slug"); do
	TECHWIN_DB="$tmp/a.db" "$TECHWIN" export "$s" >a.yaml
	"$TECHWIN" export "$s" >b.yaml
	cmp -s a.yaml b.yaml || fail "plan file of $s differs: $(diff a.yaml b.yaml)"
done

# Importing again replaces, and changes nothing.
"$TECHWIN" history >h0
expect 0 import --from techwin two
grep -q "($n replaced)\|0 new, $n replaced" out || fail "$(cat out)"
"$TECHWIN" history >h1
cmp -s h0 h1 || fail "an identical import wrote history"

# Bad tables: every problem of every file, and nothing imported.
cp -r one bad
sed -i 's/^awkward,p95,\(.*\),at_most,200,/awkward,p95,\1,at_most,lots,/' bad/criteria.csv
sed -i '1s/,title,/,titel,/' bad/risks.csv
sed -i 's/^awkward,kickoff,technical,/nobody,kickoff,technical,/' bad/events.csv
sed -i 's/^corvid-freight,2,/corvid-freight,0,/' bad/phases.csv
export TECHWIN_DB="$tmp/c.db"
tw init >/dev/null
expect 3 import --from techwin bad
grep -q "^error: bad/criteria.csv:[0-9]*: required: expected a number, got 'lots'$" err ||
	fail "bad number: $(cat err)"
grep -q "^error: bad/risks.csv:1: unknown column 'titel' (did you mean 'title'?)$" err ||
	fail "unknown column: $(cat err)"
grep -q "^error: bad/events.csv:[0-9]*: column 'deal': deal 'nobody' is not in deals.csv$" err ||
	fail "unknown deal: $(cat err)"
grep -q "^error: bad/phases.csv:[0-9]*: column 'number': phase number must be 1 or more, got 0$" err ||
	fail "validation error: $(cat err)"
grep -q "^error: 4 errors in the CSV tables, nothing imported$" err || fail "$(cat err)"
[ "$(q "SELECT count(*) FROM deals")" = 0 ] || fail "a bad import wrote deals"
expect 3 import --from techwin nowhere
grep -q "'nowhere' is not a directory" err || fail "$(cat err)"
expect 2 import --from techwin one --skip-bad
