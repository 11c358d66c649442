#!/bin/sh
# t0143-web-shares-history: share links and history in the browser and the
# API. A link made on the deal page is shown once (and not on reload),
# opens the champion's page in a client with no session, and dies when
# revoked; a deal's page cannot revoke another deal's link. The API makes
# (201 with the url), lists and revokes links as techwin share does. The
# history page and GET /api/deals/{slug}/history go newest first by pages
# (limit, cursor, next, Link) that a concurrent write does not shift. The
# proposal downloads.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"

tw() { "$TECHWIN" "$@" >/dev/null 2>&1; }
tw init
tw deal add acme --account 'Acme Corp'
tw deal add beta --account 'Beta Ltd'
printf 'password1\n' | tw user add alice --role editor
printf 'password2\n' | tw user add vic --role viewer
alice_tok=$("$TECHWIN" token add alice-ci --user alice 2>/dev/null)
vic_tok=$("$TECHWIN" token add vic-ci --user vic 2>/dev/null)
start_server
json="Content-Type: application/json"
auth="Authorization: Bearer $alice_tok"
vauth="Authorization: Bearer $vic_tok"

login vic password2
vc=$cookie vcsrf=$csrf
login alice password1
links() { "$TECHWIN" --json share list "$1" 2>/dev/null; }

# --- a share link from the deal page -----------------------------------------

expect 403 POST /deals/acme/shares -H "$vc" --data-urlencode "csrf_token=$vcsrf"
expect 403 POST /deals/acme/shares -H "$cookie"
expect 200 GET /deals/acme -H "$vc"
has 'No share links.'
hasnt 'id="share"'
expect 422 POST /deals/acme/shares -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d expires=2026-11-01
has 'id="share-expires-error">&#39;2026-11-01&#39; is in the past'
has 'id="share-expires" name="expires" type="date" aria-invalid="true" aria-describedby="share-expires-error" value="2026-11-01"'
has '<label for="share-expires">Works through <span class="opt">(optional)</span></label>'
[ "$(links acme)" = "[]" ] || fail "a refused link was made: $(links acme)"

expect 303 POST /deals/acme/shares -H "$cookie" --data-urlencode "csrf_token=$csrf" \
	-d expires=2026-12-31
loc=$(header Location)
[ "$loc" = '/deals/acme?did=shared&key=1#main' ] || fail "Location: $loc"
expect 200 GET "${loc%%#*}" -H "$cookie"
url=$(sed -n 's/.*id="share-url" class="share-url" type="text" readonly value="\([^"]*\)".*/\1/p' "$tmp/body")
case $url in "$base"/share/?*) ;; *) fail "no share link on the page: '$url'" ;; esac
has 'data-copy="share-url">Copy the link</button>'
has 'it is shown only this once'
# A fresh client, with no session, opens it.
expect 200 GET "${url#"$base"}"
has 'Acme Corp'
# Reloading the page does not show it again; nor does another session.
expect 200 GET "${loc%%#*}" -H "$cookie"
hasnt "$url"
has 'Its address is shown only once'
links acme >"$tmp/body"
jcheck "len(d) == 1" "d[0]['id'] == 1" "d[0]['expires'] == '2026-12-31'" \
	"d[0]['status'] == 'active'" "'hash' not in d[0] and 'url' not in d[0]"
expect 200 GET /deals/acme -H "$vc"
has 'link 1'
hasnt 'Revoke link 1'

# Another deal's link: acme's page cannot revoke it.
other=$("$TECHWIN" share beta --base-url "$base" 2>/dev/null)
expect 404 POST /deals/acme/shares/2/revoke -H "$cookie" \
	--data-urlencode "csrf_token=$csrf"
has 'unknown share link 2 of deal &#39;acme&#39;'
expect 200 GET "${other#"$base"}"
expect 403 POST /deals/acme/shares/1/revoke -H "$vc" \
	--data-urlencode "csrf_token=$vcsrf"
expect 403 POST /deals/acme/shares/1/revoke -H "$cookie"
expect 303 POST /deals/acme/shares/1/revoke -H "$cookie" \
	--data-urlencode "csrf_token=$csrf"
[ "$(header Location)" = '/deals/acme?did=revoked&key=1#shares' ] ||
	fail "revoke went to $(header Location)"
expect 404 GET "${url#"$base"}"
[ "$(links acme)" = "[]" ] || fail "revoked link listed: $(links acme)"

# --- share links over the API --------------------------------------------------

expect 201 POST /api/deals/acme/shares -H "$auth" -H "$json" \
	-d '{"expires": "2026-12-24"}'
jcheck "d['deal'] == 'acme'" "d['expires'] == '2026-12-24'" \
	"d['status'] == 'active'" "d['url'].startswith('$base/share/')" \
	"'hash' not in d"
api_url=$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["url"])' <"$tmp/body")
api_id=$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["id"])' <"$tmp/body")
expect 200 GET "${api_url#"$base"}"
expect 201 POST /api/deals/acme/shares -H "$auth"
jcheck "d['expires'] == '2027-02-24'"
expect 201 POST /api/deals/acme/shares -H "$auth" -H "$json" -d '{"expires": "never"}'
jcheck "d['expires'] is None"
expect 422 POST /api/deals/acme/shares -H "$auth" -H "$json" \
	-d '{"expires": "2026-01-01"}'
expect_error invalid expires
expect 422 POST /api/deals/acme/shares -H "$auth" -H "$json" -d '{"x": 1}'
expect 404 POST /api/deals/nope/shares -H "$auth"
expect 403 POST /api/deals/acme/shares -H "$vauth"
expect 200 GET /api/deals/acme/shares -H "$vauth"
cp "$tmp/body" "$tmp/api.json"
links acme >"$tmp/cli.json"
cmp -s "$tmp/api.json" "$tmp/cli.json" ||
	fail "API and CLI list differ: $(cat "$tmp/api.json") $(cat "$tmp/cli.json")"
expect 404 GET /api/deals/nope/shares -H "$auth"
expect 403 DELETE "/api/deals/acme/shares/$api_id" -H "$vauth"
expect 404 DELETE /api/deals/acme/shares/2 -H "$auth"	# beta's
expect 404 DELETE /api/deals/acme/shares/x -H "$auth"
expect 204 DELETE "/api/deals/acme/shares/$api_id" -H "$auth"
expect 404 DELETE "/api/deals/acme/shares/$api_id" -H "$auth"
expect 404 GET "${api_url#"$base"}"

# --- history, newest first, by pages ----------------------------------------------

i=0
while [ $i -lt 30 ]; do
	tw deal set acme --stage "s$i"
	tw deal set acme --value "$((1000 + i))"
	i=$((i + 1))
done
"$TECHWIN" --json history acme >"$tmp/all.json"
total=$("$PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$tmp/all.json")
[ "$total" -gt 60 ] || fail "only $total history rows"

expect 200 GET /deals/acme/history -H "$vc"
[ "$(grep -c '<tr id="h-' "$tmp/body")" = 50 ] || fail "page 1 is not 50 rows"
newest=$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])' <"$tmp/all.json")
grep -o '<tr id="h-[0-9]*"' "$tmp/body" | head -n 1 | grep -q "h-$newest\"" ||
	fail "page 1 does not start with the newest change"
has 'deal value'
next=$(sed -n 's/.*rel="next" href="\([^"]*\)".*/\1/p' "$tmp/body")
[ -n "$next" ] || fail "no link to older changes"
expect 200 GET "$next" -H "$vc"
[ "$(grep -c '<tr id="h-' "$tmp/body")" = $((total - 50)) ] ||
	fail "page 2 is not the $((total - 50)) older rows"
has 'Newest changes'
hasnt 'rel="next"'
has 'created'
expect 400 GET '/deals/acme/history?cursor=x' -H "$vc"
expect 400 GET '/deals/acme/history?cursor=5' -H "$vc"
expect 404 GET /deals/nope/history -H "$vc"
# The deal page shows the newest few and links to the rest.
expect 200 GET /deals/acme -H "$vc"
has 'href="/deals/acme/history">Every change, newest first</a>'

# The API's pages: every row once, newest first, a write between pages
# shifting nothing.
seen=
path='/api/deals/acme/history?limit=25'
pages=0
while :; do
	expect 200 GET "$path" -H "$vauth"
	pages=$((pages + 1))
	ids=$("$PYTHON" -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(str(h["id"]) for h in d["history"]))' <"$tmp/body")
	seen="$seen $ids"
	link=$(header Link)
	nxt=$("$PYTHON" -c 'import json,sys; n=json.load(sys.stdin)["next"]; print(n if n else "")' <"$tmp/body")
	[ $pages = 1 ] && tw deal set acme --stage between-pages
	# The cursor is the paging one of every list: the last entry's id.
	[ -z "$nxt" ] || [ "$nxt" = "$(cursor_of "${ids##* }")" ] ||
		fail "next $nxt is not the cursor of entry ${ids##* }"
	[ -n "$nxt" ] || { [ -z "$link" ] || fail "Link on the last page"; break; }
	[ "$link" = "</api/deals/acme/history?limit=25&cursor=$nxt>; rel=\"next\"" ] ||
		fail "Link: $link"
	path=${link#<}
	path=${path%%>*}
done
[ $pages = $(((total + 24) / 25)) ] || fail "$pages pages for $total rows"
want=$("$PYTHON" -c 'import json,sys; print(" ".join(str(h["id"]) for h in reversed(json.load(sys.stdin))))' <"$tmp/all.json")
[ "$(echo $seen)" = "$want" ] || fail "pages: $seen; want $want"
expect 200 GET '/api/deals/acme/history?limit=1' -H "$vauth"
"$TECHWIN" --json history acme >"$tmp/all.json"
"$PYTHON" - "$tmp/body" "$tmp/all.json" <<'PY' || fail "history entry differs from the CLI's"
import json, sys
api = json.load(open(sys.argv[1]))
cli = json.load(open(sys.argv[2]))
assert api["history"] == [cli[-1]], (api, cli[-1])
PY
expect 200 GET /api/deals/acme/history -H "$vauth"
jcheck "len(d['history']) == min($total + 1, 100)" \
	"(d['next'] is None) == ($total + 1 <= 100)"
expect 400 GET '/api/deals/acme/history?limit=1001' -H "$vauth"
expect_error bad_request limit
expect 400 GET '/api/deals/acme/history?limit=0' -H "$vauth"
expect 400 GET '/api/deals/acme/history?cursor=abc' -H "$vauth"
expect_error bad_request cursor
expect 400 GET '/api/deals/acme/history?cursor=5' -H "$vauth"
expect_error bad_request cursor
expect 400 GET "/api/deals/acme/history?cursor=$(cursor_of 0)" -H "$vauth"
expect_error bad_request cursor
expect 400 GET '/api/deals/acme/history?page=2' -H "$vauth"
expect 404 GET /api/deals/nope/history -H "$vauth"

# --- the proposal --------------------------------------------------------------

expect 422 GET /api/deals/acme/proposal.md -H "$vauth"
tw phase add acme 1 --name Pilot --price 50000
expect 200 GET /api/deals/acme/proposal.md -H "$vauth"
has 'Pilot'
[ "$(header Content-Disposition)" = 'inline; filename="acme-proposal.md"' ] ||
	fail "proposal: $(header Content-Disposition)"
expect 200 GET '/api/deals/acme/proposal.html?paper=letter&start=2027-01-04' \
	-H "$vauth"
expect 404 GET /api/deals/acme/proposal.txt -H "$vauth"
expect 200 GET /deals/acme -H "$vc"
has 'href="/api/deals/acme/proposal.pdf">Proposal (PDF)</a>'

stop_server
[ "$server_status" = 0 ] || fail "serve exited $server_status"
