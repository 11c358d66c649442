#!/bin/sh
# t0121-web-pipeline: the pipeline page (GET /) filters by SE, AE, stage,
# outcome, "has errors" and a search over account and slug; sorts by
# urgency (default), value, freshness and days since the win; shows 50 a
# page with a Next link whose cursor survives writes between the pages
# (a deal removed from the first page does not shift the second, as an
# OFFSET would); totals match what `techwin check --json` finds; editors
# see "New deal", viewers do not; bad sort, outcome and cursor are 400.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$TW_SRC"/examples/*.yaml >/dev/null
printf 'password1\n' | "$TECHWIN" user add ed --role editor >/dev/null
printf 'password1\n' | "$TECHWIN" user add vi --role viewer >/dev/null
edit="Authorization: Bearer $("$TECHWIN" token add e --user ed 2>/dev/null)"
view="Authorization: Bearer $("$TECHWIN" token add v --user vi 2>/dev/null)"
# One thread, one connection: the totals it keeps must see its own writes.
start_server --threads 1

# The deals of the page, in order (the links of the table's first column).
listed() {
	sed -n '/<tbody>/,/<\/tbody>/p' "$tmp/body" |
		grep -o 'href="/deals/[a-z0-9-]*"' | sed 's|href="/deals/||; s|"||' |
		tr '\n' ' ' | sed 's/ $//'
}
page() {
	expect 200 GET "$1" -H "$edit"
	got=$(listed)
	[ "$got" = "$2" ] || fail "GET $1 listed '$got', expected '$2'"
}

# Urgency: errors, then warnings; within each the stalest P first (harbor
# 11-06, kestrel 11-10), deals without a technical win after them.
page / "harbor-logistics kestrel-rail corvid-freight ferrolux-security meridian-health pinecrest-bank"
# A row's first finding, kept with the settings as tokens, says what the
# settings say (max_gap 5 from the win of Fri 11-06: Fri 11-13).
grep -q 'more than 5 business days ago (the window ended 2026-11-13)' "$tmp/body" ||
	fail "the first page does not render harbor's stale-technical-win"
grep -q "$(printf '\037')" "$tmp/body" && fail "a token reached the page"
page '/?sort=urgency&outcome=open' "harbor-logistics kestrel-rail corvid-freight ferrolux-security meridian-health pinecrest-bank"
# Value: the largest first (the number, whatever the currency).
page '/?sort=value' "meridian-health ferrolux-security harbor-logistics kestrel-rail corvid-freight pinecrest-bank"
# Freshness: the oldest P first; days since the win: the oldest win first.
page '/?sort=freshness' "harbor-logistics kestrel-rail meridian-health corvid-freight ferrolux-security pinecrest-bank"
page '/?sort=win' "harbor-logistics kestrel-rail meridian-health corvid-freight ferrolux-security pinecrest-bank"

# Filters, alone and together.
page '/?se=Priya+Raman' "kestrel-rail"
page '/?se=Priya+Raman&outcome=won&sort=value' "lakeshore-retail cobalt-shipping"
page '/?ae=Marcus+Bell' "ferrolux-security pinecrest-bank"
page '/?stage=poc' "corvid-freight ferrolux-security pinecrest-bank"
page '/?q=BANK' "pinecrest-bank"
page '/?q=freight&sort=value' "kestrel-rail corvid-freight"
page '/?q=100%25' ""
grep -q 'No deal matches these filters' "$tmp/body" || fail "no empty notice"
page '/?errors=1&sort=value' "ferrolux-security harbor-logistics kestrel-rail corvid-freight"
page '/?outcome=lost' "tidewater-insurance"
page '/?outcome=all&q=tide' "tidewater-insurance"
# What was asked stays in the form.
expect 200 GET '/?q=%3Cb%3E&ae=Marcus+Bell&sort=win&errors=1' -H "$edit"
grep -q 'id="f-ae" name="ae" value="Marcus Bell"' "$tmp/body" &&
	grep -q 'id="f-q" name="q" value="&lt;b&gt;"' "$tmp/body" &&
	grep -q '<option value="win" selected>' "$tmp/body" &&
	grep -q 'id="f-errors" name="errors" value="1" checked' "$tmp/body" ||
	fail "the form does not keep the filters"

# Totals: the deals with an error neither snoozed nor acknowledged, as
# check finds them, and their value by currency.
"$TECHWIN" check --json >check.json || true
nerr=$("$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(len({f["deal"] for f in d["findings"] if f["severity"] == "error"
           and not f["snoozed"] and not f["acknowledged"]}))' check.json)
[ "$nerr" = 4 ] || fail "check finds $nerr deals with errors"
expect 200 GET / -H "$edit"
grep -q "id=\"totals\">6 open deals: $nerr with errors, value at stake EUR 198,000 + GBP 280,000 + USD 220,000\.<" "$tmp/body" ||
	fail "totals: $(grep -o 'id="totals">[^<]*' "$tmp/body")"
expect 200 GET '/?se=Priya+Raman' -H "$edit"
grep -q 'id="totals">1 open deal: 1 with errors, value at stake GBP 142,000\.<' "$tmp/body" ||
	fail "filtered totals: $(grep -o 'id="totals">[^<]*' "$tmp/body")"
# A snooze takes the deal's errors out of the value at stake.
"$TECHWIN" snooze kestrel-rail --until 2026-12-10 --reason "Board meeting" >/dev/null
expect 200 GET / -H "$edit"
grep -q 'id="totals">6 open deals: 3 with errors, value at stake EUR 198,000 + GBP 138,000 + USD 220,000\.<' "$tmp/body" ||
	fail "totals after a snooze: $(grep -o 'id="totals">[^<]*' "$tmp/body")"
page '/?q=rail' "kestrel-rail"
grep -q '>snoozed<' "$tmp/body" || fail "the snoozed deal does not say so"
"$TECHWIN" snooze kestrel-rail --clear >/dev/null
expect 200 GET / -H "$edit"
grep -q 'id="totals">6 open deals: 4 with errors' "$tmp/body" || fail "totals after unsnooze"
# A write through the server itself (its own connection) counts as well.
expect 200 POST /api/deals/harbor-logistics/snooze -H "$edit" \
	-H "Content-Type: application/json" \
	-d '{"until": "2026-12-10", "reason": "Holidays"}'
expect 200 GET / -H "$edit"
grep -q 'id="totals">6 open deals: 3 with errors, value at stake GBP 280,000 + USD 220,000\.<' "$tmp/body" ||
	fail "totals after a snooze over HTTP: $(grep -o 'id="totals">[^<]*' "$tmp/body")"
expect 200 DELETE /api/deals/harbor-logistics/snooze -H "$edit"
# The import kept no findings: the first page evaluated and kept them.
# A settings change makes them all stale: the page evaluates them again,
# with the new setting, as check does.
"$TECHWIN" config set momentum.max_gap 30 >/dev/null
"$TECHWIN" check --json >check.json || true
nerr=$("$PYTHON" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(len({f["deal"] for f in d["findings"] if f["severity"] == "error"
           and not f["snoozed"] and not f["acknowledged"]}))' check.json)
[ "$nerr" -lt 4 ] || fail "max_gap 30 leaves $nerr deals with errors"
"$TECHWIN" config set momentum.max_gap 5 >/dev/null
"$TECHWIN" config set momentum.max_gap 30 >/dev/null
expect 200 GET / -H "$edit"
grep -q "id=\"totals\">6 open deals: $nerr with errors" "$tmp/body" ||
	fail "totals after a settings change: $(grep -o 'id="totals">[^<]*' "$tmp/body")"
grep -q 'more than 5 business days' "$tmp/body" &&
	fail "the page still says max_gap 5 after it changed to 30"
"$TECHWIN" config unset momentum.max_gap >/dev/null

# New deal: editors only.
expect 200 GET / -H "$edit"
grep -q '<a class="button" id="new-deal" href="/deals/new">New deal</a>' "$tmp/body" ||
	fail "an editor sees no New deal"
expect 200 GET / -H "$view"
! grep -q 'New deal\|/deals/new' "$tmp/body" || fail "a viewer sees New deal"

# Bad requests.
expect 400 GET '/?sort=colour' -H "$edit"
expect 400 GET '/?sort=slug' -H "$edit"
expect 400 GET '/?outcome=maybe' -H "$edit"
expect 400 GET '/?cursor=%21%21' -H "$edit"
grep -q 'not one the pipeline made' "$tmp/body" || fail "bad cursor message"
# A cursor of another sort is refused, not misread.
cur=$("$PYTHON" -c 'import base64; print(base64.urlsafe_b64encode(b"x\0y").decode().rstrip("="))')
expect 400 GET "/?sort=urgency&cursor=$cur" -H "$edit"
expect 400 GET "/?sort=value&cursor=$cur" -H "$edit"

# 50 a page: 60 deals without findings follow the six, by id.
i=10
while [ $i -lt 70 ]; do
	"$TECHWIN" deal add "filler-$i" --account "Filler $i" --se Kim >/dev/null
	i=$((i + 1))
done
expect 200 GET / -H "$edit"
first=$(listed)
set -- $first
[ $# = 50 ] || fail "the first page lists $# deals"
[ "$1 ${50}" = "harbor-logistics filler-53" ] || fail "first page: $1 ... ${50}"
grep -q 'id="totals">66 open deals: 4 with errors' "$tmp/body" || fail "totals of 66"
next=$(grep -o 'id="next" rel="next" href="[^"]*"' "$tmp/body" |
	sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
case $next in "/?cursor="*) ;; *) fail "next link: '$next'" ;; esac
! grep -q 'id="first"' "$tmp/body" || fail "a First page link on the first page"
# Writes between the pages: a deal of the first page goes, one is added
# after the last. The second page is still the rest, once each.
"$TECHWIN" deal rm filler-20 >/dev/null
"$TECHWIN" deal add filler-70 --account "Filler 70" >/dev/null
expect 200 GET "$next" -H "$edit"
second=$(listed)
[ "$second" = "filler-54 filler-55 filler-56 filler-57 filler-58 filler-59 filler-60 filler-61 filler-62 filler-63 filler-64 filler-65 filler-66 filler-67 filler-68 filler-69 filler-70" ] ||
	fail "second page: $second"
! grep -q 'id="next"' "$tmp/body" || fail "a Next link on the last page"
grep -q '<a class="button secondary" id="first" href="/">First page</a>' "$tmp/body" ||
	fail "no First page link"
# The filters go with the cursor: 59 deals of SE Kim (filler-20 went).
expect 200 GET '/?se=Kim&sort=value' -H "$edit"
set -- $(listed)
[ $# = 50 ] || fail "filtered first page lists $#"
next=$(grep -o 'id="next" rel="next" href="[^"]*"' "$tmp/body" |
	sed 's/.*href="//; s/"$//; s/&amp;/\&/g')
case $next in "/?se=Kim&sort=value&cursor="*) ;; *) fail "next: '$next'" ;; esac
expect 200 GET "$next" -H "$edit"
set -- $(listed)
[ $# = 9 ] || fail "filtered second page lists $#"
grep -q 'href="/?se=Kim&amp;sort=value">First page' "$tmp/body" ||
	fail "First page link loses the filters"
