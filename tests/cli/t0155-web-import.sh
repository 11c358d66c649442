#!/bin/sh
# t0155-web-import: import and export in the browser. Plan files and a
# Salesforce/HubSpot export uploaded as multipart/form-data go through the
# same atomic import as `techwin import`: the result page lists what was
# added, changed and rejected; a refused import is a 422 that names every
# bad row and changes nothing. Uploads need an editor and the CSRF token
# (a text part of the form); bodies past the upload limit are 413. The
# CSV export and a deal's plan file are the CLI's bytes. An admin's .ics
# upload on /settings adds the workspace holidays as `techwin config
# holidays import` does.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

crm=$TW_SRC/tests/data/crm
"$TECHWIN" init >/dev/null
printf 'password1\n' | "$TECHWIN" user add root --role admin >/dev/null
printf 'password2\n' | "$TECHWIN" user add ed --role editor >/dev/null
printf 'password3\n' | "$TECHWIN" user add vic --role viewer >/dev/null
cp "$TW_SRC/tests/data/plan/full.yaml" nordwind.yaml
sed 's/slug: nordwind-logistics/slug: second-deal/' nordwind.yaml >second.yaml
start_server

login() {
	expect 200 POST /login -H "Content-Type: application/json" \
		-d "{\"name\": \"$1\", \"password\": \"$2\"}"
	csrf=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$tmp/body")
	c="Cookie: $(header Set-Cookie | sed 's/;.*//')"
}
has() { grep -qF -e "$1" "$tmp/body" || fail "no '$1' after $method $path"; }
hasnt() { ! grep -qF -e "$1" "$tmp/body" || fail "'$1' after $method $path"; }
deals() { "$TECHWIN" deal list --json | "$PYTHON" -c 'import json,sys; print(" ".join(sorted(d["slug"] for d in json.load(sys.stdin))))'; }

# ---- who may import -----------------------------------------------------------

login vic password3
expect 200 GET /import -H "$c"
has 'href="/export.csv"'
hasnt 'action="/import/plans"'
expect 403 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@nordwind.yaml"
login ed password2
expect 200 GET /import -H "$c"
has 'enctype="multipart/form-data"'
has '<label for="import-plans-plans">Plan files'
has '<label for="import-crm-file">Export (CSV)'
expect 403 POST /import/plans -H "$c" -F "plans=@nordwind.yaml"
expect 403 POST /import/plans -H "$c" -F "csrf_token=wrong" \
	-F "plans=@nordwind.yaml"
expect 403 POST /settings/holidays/import -H "$c" -F "csrf_token=$csrf" \
	-F "calendar=@$TW_SRC/tests/data/ics/de-berlin.ics"
[ -z "$(deals)" ] || fail "a refused upload imported deals"
# A malformed multipart body is a 400, and imports nothing.
expect 400 POST /import/plans -H "$c" \
	-H "Content-Type: multipart/form-data; boundary=XyZ" \
	--data-binary "--XyZ
no end"

# ---- plan files ------------------------------------------------------------------

expect 200 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@nordwind.yaml" -F "plans=@second.yaml"
has '<h1>Imported 2 deals</h1>'
has '2 new, 0 replaced.'
has 'href="/deals/second-deal">second-deal</a>'
[ "$(deals)" = "nordwind-logistics second-deal" ] || fail "deals: $(deals)"
# Again: both replaced, listed as changed.
expect 200 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@nordwind.yaml" -F "plans=@second.yaml"
has '0 new, 2 replaced.'
has 'Changed (replaced from its file): 2'
# One bad file among good ones: 422, the reason, nothing written.
sed 's/slug: nordwind-logistics/slug: third-deal/' nordwind.yaml >third.yaml
printf 'version: 1\ndeal:\n  slug: Bad Slug\n' >bad.yaml
expect 422 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@third.yaml" -F "plans=@bad.yaml"
has 'Nothing was imported.'
has 'bad.yaml:'
[ "$(deals)" = "nordwind-logistics second-deal" ] ||
	fail "a refused plan import wrote: $(deals)"
expect 422 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@third.yaml" -F "plans=@third.yaml"
has "deal &#39;third-deal&#39; is also in"
expect 422 POST /import/plans -H "$c" -F "csrf_token=$csrf"
has 'choose at least one plan file'

# ---- CRM exports -----------------------------------------------------------------

# Bad rows: 422, every one listed with its reason, nothing imported.
expect 422 POST /import/crm -H "$c" -F "csrf_token=$csrf" \
	-F vendor=salesforce -F "file=@$crm/salesforce-bad.csv"
has 'nothing imported'
has '<h2 id="rejected">Rejected rows:'
has 'Close Date'
has 'Opportunity ID'
has 'value="salesforce" selected'
[ "$(deals)" = "nordwind-logistics second-deal" ] ||
	fail "a refused CRM import wrote: $(deals)"
"$TECHWIN" import --from salesforce "$crm/salesforce-bad.csv" \
	2>cli.err && fail "the CLI imported the bad file"
n_cli=$(grep -c '^error: .*salesforce-bad.csv:[0-9]' cli.err)
n_web=$(grep -c '<td data-label="Reason"' "$tmp/body" || true)
[ "$n_cli" = "$n_web" ] || fail "CLI lists $n_cli bad rows, the page $n_web"
# Skipping them: the good rows imported, the bad ones listed.
expect 200 POST /import/crm -H "$c" -F "csrf_token=$csrf" \
	-F vendor=salesforce -F skip_bad=1 -F "file=@$crm/salesforce-bad.csv"
has 'Rejected rows (skipped):'
has 'href="/deals/good-one">good-one</a>'
"$TECHWIN" deal show good-one >/dev/null || fail "good-one not imported"
expect 200 POST /import/crm -H "$c" -F "csrf_token=$csrf" \
	-F vendor=salesforce -F "file=@$crm/salesforce-opportunities.csv"
has '<h1>Imported '
n=$("$TECHWIN" deal list --json | "$PYTHON" -c 'import json,sys; print(sum(1 for d in json.load(sys.stdin) if d.get("account") == "Nordwind Logistics"))')
[ "$n" -ge 1 ] || fail "the CRM rows are not in deal list"
expect 422 POST /import/crm -H "$c" -F "csrf_token=$csrf" -F vendor=zoho \
	-F "file=@$crm/salesforce-opportunities.csv"
has 'choose Salesforce or HubSpot'

# ---- downloads ---------------------------------------------------------------------

"$TECHWIN" export --to csv -o out >/dev/null
expect 200 GET /export.csv -H "$c"
cmp -s "$tmp/body" out/deals.csv || fail "/export.csv differs from the CLI's"
expect 200 GET /export/events.csv -H "$c"
cmp -s "$tmp/body" out/events.csv || fail "events.csv differs"
expect 404 GET /export/passwd -H "$c"
"$TECHWIN" export second-deal >second.out
expect 200 GET /deals/second-deal/plan.yaml -H "$c"
cmp -s "$tmp/body" second.out || fail "plan.yaml differs from techwin export"
header Content-Disposition | grep -qF 'filename="second-deal.yaml"' ||
	fail "no file name"
expect 404 GET /deals/nope/plan.yaml -H "$c"
expect 200 GET / -H "$c"
has 'href="/export.csv"'
has 'href="/import"'
expect 200 GET /deals/second-deal -H "$c"
has 'href="/deals/second-deal/plan.yaml"'

# ---- limits ------------------------------------------------------------------------

# Past 1 MiB a form is refused, an upload is not; past 32 MiB neither is.
"$PYTHON" - <<'PY'
import shutil
shutil.copy("second.yaml", "padded.yaml")
with open("padded.yaml", "a") as f:
    f.write(("# " + "x" * 98 + "\n") * 30000)
with open("huge.yaml", "w") as f:
    f.write(("# " + "x" * 98 + "\n") * 90000)
with open("over.bin", "wb") as f:
    f.write(b"x" * (33 << 20))
PY
expect 200 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@padded.yaml"
has '0 new, 1 replaced.'
expect 413 POST /deals/second-deal/snooze -H "$c" -F "csrf_token=$csrf" \
	-F "reason=@padded.yaml"
expect 422 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@huge.yaml"
has 'larger than 8 MiB'
expect 413 POST /import/plans -H "$c" -F "csrf_token=$csrf" \
	-F "plans=@over.bin"
[ "$(deals | wc -w)" -ge 3 ] || fail "deals lost"

# ---- holidays from a calendar ----------------------------------------------------

login root password1
expect 200 GET /settings -H "$c"
has 'action="/settings/holidays/import"'
has '<label for="ics-calendar">Calendar file (.ics)'
expect 422 POST /settings/holidays/import -H "$c" -F "csrf_token=$csrf" \
	-F "calendar=@$TW_SRC/tests/data/ics/de-berlin.ics" -F years=20x6
has 'years: expected FROM-TO'
printf 'BEGIN:VCALENDAR\nnot ics\n' >bad.ics
expect 422 POST /settings/holidays/import -H "$c" -F "csrf_token=$csrf" \
	-F "calendar=@bad.ics"
has 'bad.ics'
[ "$("$TECHWIN" config get holidays)" = "$(cd /tmp && TECHWIN_DB=$tmp/none.db "$TECHWIN" init >/dev/null 2>&1; TECHWIN_DB=$tmp/none.db "$TECHWIN" config get holidays)" ] ||
	fail "a refused calendar added holidays"
expect 303 POST /settings/holidays/import -H "$c" -F "csrf_token=$csrf" \
	-F "calendar=@$TW_SRC/tests/data/ics/de-berlin.ics" -F years=2027
added=$(header Location | sed -n 's/.*added=\([0-9]*\).*/\1/p')
[ "${added:-0}" -gt 0 ] || fail "no holidays added: $(header Location)"
TECHWIN_DB=$tmp/cli.db "$TECHWIN" init >/dev/null
TECHWIN_DB=$tmp/cli.db "$TECHWIN" config holidays import \
	"$TW_SRC/tests/data/ics/de-berlin.ics" --years 2027 >/dev/null
[ "$("$TECHWIN" config get holidays)" = \
  "$(TECHWIN_DB=$tmp/cli.db "$TECHWIN" config get holidays)" ] ||
	fail "the web's holidays differ from the CLI's"
echo ok
