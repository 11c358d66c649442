#!/bin/sh
# t0122-web-api-paging: GET /api/deals and GET /api/check page by limit
# (default 100, at most 1000) and cursor, answer "next" (a cursor or
# null) with a Link: <...>; rel="next" header that keeps the query, take
# the pipeline page's filters and sorts, and give the CLI's JSON: the
# pages of /api/deals put together are `techwin deal list --json`, those
# of /api/check are `techwin check --json`, even with writes between the
# pages. Bad limits, sorts, outcomes and cursors are 400 naming the field.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$TW_SRC"/examples/*.yaml >/dev/null
printf 'password1\n' | "$TECHWIN" user add vi --role viewer >/dev/null
auth="Authorization: Bearer $("$TECHWIN" token add v --user vi 2>/dev/null)"
start_server

# Walk every page of $1 (a path with a query), following "next" and
# checking Link against it; the items of key $2, one JSON per line, go to
# $tmp/items, and the number of pages to $pages.
walk() {
	url=$1
	: >"$tmp/items"
	pages=0
	while :; do
		expect 200 GET "$url" -H "$auth"
		pages=$((pages + 1))
		next=$("$PYTHON" - "$tmp/body" "$2" "$tmp/items" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
with open(sys.argv[3], "a") as f:
    for x in d[sys.argv[2]]:
        f.write(json.dumps(x, sort_keys=True) + "\n")
print(d["next"] or "")
PY
)
		link=$(header Link)
		if [ -z "$next" ]; then
			[ -z "$link" ] || fail "Link on the last page: $link"
			break
		fi
		base_url=${url%%\?*}
		case $link in
		"<$base_url?"*"cursor=$next>; rel=\"next\"") ;;
		*) fail "Link '$link' for next '$next'" ;;
		esac
		url=$(printf '%s' "$link" | sed 's/^<//; s/>; rel="next"$//')
		[ $pages -lt 50 ] || fail "more than 50 pages"
	done
}

# Default: every deal by slug, one page of at most 100: the CLI's list.
"$TECHWIN" deal list --json | "$PYTHON" -c 'import json, sys
for x in json.load(sys.stdin): print(json.dumps(x, sort_keys=True))' >cli-deals
walk /api/deals deals
[ $pages = 1 ] || fail "$pages pages at the default limit"
cmp -s cli-deals "$tmp/items" || fail "/api/deals is not deal list --json"
# Two a page: seven pages, the same deals in the same order.
walk '/api/deals?limit=2' deals
[ $pages = 6 ] || fail "$pages pages of 2"
cmp -s cli-deals "$tmp/items" || fail "pages of 2 differ from deal list"
# The Link keeps the filters and the sort.
expect 200 GET '/api/deals?limit=1&outcome=won&sort=value' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['lakeshore-retail']"
case $(header Link) in
'</api/deals?limit=1&outcome=won&sort=value&cursor='*'>; rel="next"') ;;
*) fail "Link: $(header Link)" ;;
esac

# Writes between pages: a deal added before the cursor and one removed
# before it shift nothing (an OFFSET would repeat or skip one).
expect 200 GET '/api/deals?limit=3' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['alder-energy', 'brightwave-media', 'cobalt-shipping']"
cur=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["next"])' "$tmp/body")
"$TECHWIN" deal add aaa-first --account "First" >/dev/null
"$TECHWIN" deal rm brightwave-media >/dev/null
expect 200 GET "/api/deals?limit=3&cursor=$cur" -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['corvid-freight', 'ferrolux-security', 'harbor-logistics']"
"$TECHWIN" import "$TW_SRC"/examples/brightwave-media.yaml >/dev/null
"$TECHWIN" deal rm aaa-first >/dev/null

# Filters and sorts as the pipeline page's.
expect 200 GET '/api/deals?outcome=open&sort=urgency' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['harbor-logistics', \
	'kestrel-rail', 'corvid-freight', 'ferrolux-security', \
	'meridian-health', 'pinecrest-bank']" "d['next'] is None"
expect 200 GET '/api/deals?se=Priya+Raman&sort=value' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['lakeshore-retail', \
	'cobalt-shipping', 'kestrel-rail']"
expect 200 GET '/api/deals?q=Bank&ae=Marcus+Bell&stage=poc' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['pinecrest-bank']"
expect 200 GET '/api/deals?errors=1&limit=3&sort=urgency' -H "$auth"
jcheck "[x['slug'] for x in d['deals']] == ['harbor-logistics', \
	'kestrel-rail', 'corvid-freight']" "d['next'] is not None"
walk '/api/deals?errors=1&limit=1&sort=freshness' deals
[ $pages = 4 ] || fail "$pages pages of deals with errors"
walk '/api/deals?outcome=all&limit=5&sort=win' deals
[ "$(wc -l <"$tmp/items")" = 12 ] || fail "sort=win does not list all"
# Every sort and outcome, a deal a page (the keyset after each row, the
# open deals' walks of an index): the one page of them all, row for row.
for s in urgency value freshness win; do
	for o in open all won; do
		walk "/api/deals?outcome=$o&sort=$s&limit=1000" deals
		mv "$tmp/items" one-page
		walk "/api/deals?outcome=$o&sort=$s&limit=1" deals
		cmp -s one-page "$tmp/items" ||
			fail "sort=$s outcome=$o: pages of one differ"
		[ $pages -ge "$(wc -l <one-page)" ] || fail "$s $o: $pages pages"
	done
done

# /api/check, a page of deals at a time: put together, check --json.
"$TECHWIN" check --json >cli-check.json || true
"$PYTHON" - cli-check.json <<'PY' >cli-findings
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    print(json.dumps(f, sort_keys=True))
PY
walk '/api/check?limit=2' findings
[ $pages = 3 ] || fail "$pages pages of the check"
sort cli-findings >a
sort "$tmp/items" >b
cmp -s a b || fail "/api/check's pages are not check --json's findings"
walk '/api/check?limit=2' freshness
[ "$(wc -l <"$tmp/items")" = 3 ] || fail "freshness of the pages"
expect 200 GET '/api/check?se=Priya+Raman' -H "$auth"
jcheck "{f['deal'] for f in d['findings']} == {'kestrel-rail'}" \
	"d['next'] is None"
expect 200 GET '/api/check?deal=harbor-logistics&deal=kestrel-rail' -H "$auth"
jcheck "{f['deal'] for f in d['findings']} == {'harbor-logistics', 'kestrel-rail'}"
expect 200 GET '/api/check?q=no-such-deal' -H "$auth"
jcheck "d == {'findings': [], 'freshness': [], 'next': None}"

# Bad requests name their field.
for l in 0 1001 -1 abc 1.5 ''; do
	expect 400 GET "/api/deals?limit=$l" -H "$auth"
	expect_error bad_request limit
done
expect 400 GET '/api/check?limit=5000' -H "$auth"
expect_error bad_request limit
expect 400 GET '/api/deals?cursor=%25%25' -H "$auth"
expect_error bad_request cursor
expect 400 GET '/api/deals?cursor=YWJj%3D' -H "$auth"
expect_error bad_request cursor
# A slug cursor is no urgency cursor; an urgency cursor of text is none.
expect 200 GET '/api/deals?limit=1' -H "$auth"
cur=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["next"])' "$tmp/body")
expect 400 GET "/api/deals?sort=urgency&cursor=$cur" -H "$auth"
expect_error bad_request cursor
bad=$("$PYTHON" -c 'import base64; print(base64.urlsafe_b64encode(b"x\0y\0z").decode().rstrip("="))')
expect 400 GET "/api/deals?sort=urgency&cursor=$bad" -H "$auth"
expect_error bad_request cursor
expect 400 GET "/api/check?sort=value&cursor=$bad" -H "$auth"
expect_error bad_request cursor
expect 400 GET '/api/deals?sort=colour' -H "$auth"
expect_error bad_request sort
expect 400 GET '/api/deals?outcome=maybe' -H "$auth"
expect_error bad_request outcome
expect 400 GET '/api/deals?errors=yes' -H "$auth"
expect_error bad_request errors
