#!/bin/sh
# t0232-crm-slugs-rename: Salesforce and HubSpot imports that explain
# themselves (issue 17). A new deal's slug is cut to 40 characters after a
# whole word; --slug-column takes it from another column; a column with
# values that no field takes is named on stderr with the --map hint, not
# dropped without a word. `deal rename OLD NEW` keeps the deal: its
# children, share links, acknowledgements and its history, shown under the
# new slug.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=ann LC_ALL=C

tw init >/dev/null
cat >sf.csv <<'CSV'
Opportunity ID,Opportunity Name,Account Name,Stage,Short Name,Region,Notes
006A,Globex Corporation Enterprise Observability Platform Renewal 2027,Globex,Prospecting,globex-obs,EMEA,
006B,Initech,Initech,Prospecting,,,
CSV
expect 0 import --from salesforce sf.csv
[ "$(q "SELECT slug FROM deals ORDER BY crm_id")" = "globex-corporation-enterprise
initech" ] || fail "slugs: $(q 'SELECT slug FROM deals')"
# Short Name and Region hold values and feed nothing: said, with the hint.
# Notes is empty in every row: nothing to say.
grep -q "^warning: sf.csv: 2 columns with values not imported: 'Short Name', 'Region'$" err ||
	fail "unmapped columns: $(cat err)"
grep -q "^hint: map a column to a field with --map FILE, a line 'Short Name = FIELD' .*'Short Name = ignore'" err ||
	fail "no --map hint: $(cat err)"
printf 'Short Name = ignore\nRegion = ignore\n' >quiet.txt
expect 0 import --from salesforce --map quiet.txt sf.csv
[ ! -s err ] || fail "ignored columns still reported: $(cat err)"
expect 0 --json import --from salesforce sf.csv
python3 -c 'import json; d = json.load(open("out")); assert d["unmapped_columns"] == ["Short Name", "Region"], d' ||
	fail "--json: $(cat out)"

# --slug-column: a new deal's slug from that column (else the name).
sed 's/^006/007/' sf.csv >sf2.csv
expect 0 import --from salesforce --slug-column "short name" sf2.csv
[ "$(q "SELECT slug FROM deals WHERE crm_id LIKE '007%' ORDER BY crm_id")" = "globex-obs
initech-2" ] || fail "--slug-column: $(q 'SELECT slug, crm_id FROM deals')"
expect 3 import --from salesforce --slug-column "Shortname" sf2.csv
error_is "sf2.csv: no column 'Shortname' for --slug-column \(did you mean 'Short Name'\?\)"
expect 2 import sf.csv --slug-column x
grep -q "^error: --map, --date-order, --skip-bad, --reject and --slug-column go with --from$" err ||
	fail "$(cat err)"

# deal rename keeps the deal and what hangs off it.
tw criterion add globex-obs p95 --metric "p95 ms" --at-most 10 >/dev/null
tw share globex-obs >/dev/null 2>&1
tw criterion record globex-obs p95 5 --on 2026-11-02 >/dev/null
tw check ack globex-obs stale-technical-win --reason "budget" >/dev/null
before=$("$TECHWIN" history globex-obs | wc -l)
expect 0 deal rename globex-obs globex
grep -q "^renamed deal 'globex-obs' to 'globex'$" out || fail "$(cat out)"
"$TECHWIN" history globex >hist
[ "$(wc -l <hist)" -gt "$before" ] || fail "history lost: $(cat hist)"
grep -q "criterion 'p95' created" hist || fail "old history not under the new slug: $(cat hist)"
grep -q "deal 'globex' slug: globex-obs -> globex" hist || fail "no rename in the history: $(cat hist)"
[ "$(q "SELECT count(*) FROM shares s JOIN deals d ON d.id = s.deal_id
	WHERE d.slug = 'globex'")" = 1 ] || fail "share link lost"
[ "$(q "SELECT subject FROM acks a JOIN deals d ON d.id = a.deal_id
	WHERE d.slug = 'globex' AND rule = 'stale-technical-win'")" = globex ] ||
	fail "ack subject: $(q 'SELECT * FROM acks')"
[ "$(q "SELECT crm_id FROM deals WHERE slug = 'globex'")" = 007A ] || fail "crm id lost"
# The CRM record keeps updating the renamed deal.
expect 0 import --from salesforce sf2.csv
[ "$(q "SELECT count(*) FROM deals")" = 4 ] || fail "a re-import made a new deal"
expect 3 deal show globex-obs
expect 3 deal rename globex initech
grep -q "deal 'initech' already exists" err || fail "$(cat err)"
expect 3 deal rename globex "Bad Slug"
grep -q "invalid slug 'Bad Slug'" err || fail "$(cat err)"
expect 3 deal rename nobody x
expect 2 deal rename globex
# The acknowledgement still holds: the finding is reported acknowledged.
"$TECHWIN" check globex >chk || true
grep -q "stale-technical-win" chk || fail "no finding: $(cat chk)"
grep "stale-technical-win" chk | grep -q "acknowledged\|ack" ||
	fail "the ack does not follow the rename: $(cat chk)"
# A later deal under the old slug does not take the renamed one's history.
tw deal add globex-obs --account Other >/dev/null
"$TECHWIN" history globex-obs >h2
grep -q "p95" h2 && fail "the new globex-obs shows the old deal's history: $(cat h2)"
"$TECHWIN" history globex >h3
cmp -s hist h3 || fail "the renamed deal's history changed: $(diff hist h3)"
true
