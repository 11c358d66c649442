#!/bin/sh
# t0124-api-import: plan files and CRM exports through the JSON API
# (POST /api/import/plans, /api/import/crm), run by the import techwin
# import runs: the answers are techwin import --json's, all of it is
# written or none, bad rows are listed with their reasons, and a refused
# import changes nothing. Editors only; a session's write needs its CSRF
# token; unknown or mistyped fields are a 422 that names them.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

crm=$TW_SRC/tests/data/crm
"$TECHWIN" init >/dev/null
printf 'password2\n' | "$TECHWIN" user add ed --role editor >/dev/null
printf 'password3\n' | "$TECHWIN" user add vic --role viewer >/dev/null
ed=$("$TECHWIN" token add ed-ci --user ed 2>/dev/null)
vic=$("$TECHWIN" token add vic-ci --user vic 2>/dev/null)
start_server
json="Content-Type: application/json"
E="Authorization: Bearer $ed"
deals() { "$TECHWIN" deal list --json | "$PYTHON" -c 'import json,sys; print(" ".join(sorted(d["slug"] for d in json.load(sys.stdin))))'; }

# A JSON body {"files": [{"name", "text"}...]} from plan files on disk.
plans_body() {
	"$PYTHON" -c 'import json, sys; print(json.dumps({"files": [{"name": f, "text": open(f).read()} for f in sys.argv[1:]]}))' "$@" >body.json
}
crm_body() {
	"$PYTHON" -c 'import json, sys; d = {"vendor": sys.argv[1], "csv": open(sys.argv[2]).read(), "name": sys.argv[2].rsplit("/", 1)[-1]}; d.update(json.loads(sys.argv[3])); print(json.dumps(d))' "$@" >body.json
}

cp "$TW_SRC/tests/data/plan/full.yaml" nordwind.yaml
sed 's/slug: nordwind-logistics/slug: second-deal/' nordwind.yaml >second.yaml
sed 's/slug: nordwind-logistics/slug: third-deal/' nordwind.yaml >third.yaml
printf 'version: 1\ndeal:\n  slug: Bad Slug\n' >bad.yaml

# ---- who may import -------------------------------------------------------

plans_body nordwind.yaml
expect 403 POST /api/import/plans -H "Authorization: Bearer $vic" -H "$json" \
	-d @body.json
expect_error forbidden None
expect 401 POST /api/import/plans -H "$json" -d @body.json
[ -z "$(deals)" ] || fail "a refused import wrote: $(deals)"

# ---- plan files ---------------------------------------------------------------

plans_body nordwind.yaml second.yaml
expect 200 POST /api/import/plans -H "$E" -H "$json" -d @body.json
jcheck "d['imported'] == 2 and d['new'] == 2 and d['replaced'] == 0" \
	"[(x['slug'], x['action']) for x in d['deals']] == [('nordwind-logistics', 'new'), ('second-deal', 'new')]"
[ "$(deals)" = "nordwind-logistics second-deal" ] || fail "deals: $(deals)"
# The same answer as the CLI's --json for the same files, replaced.
expect 200 POST /api/import/plans -H "$E" -H "$json" -d @body.json
cp "$tmp/body" api.json
"$TECHWIN" --json import nordwind.yaml second.yaml >cli.json
"$PYTHON" -c 'import json, sys; a, c = (json.load(open(f)) for f in sys.argv[1:]); sys.exit(a != c or a["replaced"] != 2)' \
	api.json cli.json || fail "API and CLI answers differ: $(cat api.json cli.json)"
"$TECHWIN" --json history second-deal | "$PYTHON" -c 'import json, sys; sys.exit(not any(h["actor"] == "ed" for h in json.load(sys.stdin)))' ||
	fail "the history does not name the API's user"

# One bad file among good ones: 422 naming it, nothing written.
plans_body third.yaml bad.yaml
expect 422 POST /api/import/plans -H "$E" -H "$json" -d @body.json
expect_error invalid files
jcheck "'bad.yaml' in d['error']['message']"
[ "$(deals)" = "nordwind-logistics second-deal" ] ||
	fail "a refused plan import wrote: $(deals)"
# Unnamed files are named by their place.
"$PYTHON" -c 'import json; print(json.dumps({"files": [{"text": open("third.yaml").read()}, {"text": "version: 1\n"}]}))' >body.json
expect 422 POST /api/import/plans -H "$E" -H "$json" -d @body.json
jcheck "'files[1]' in d['error']['message']"
# Shapes refused before anything is read.
expect 422 POST /api/import/plans -H "$E" -H "$json" -d '{"files": []}'
expect_error invalid files
expect 422 POST /api/import/plans -H "$E" -H "$json" -d '{"files": [{"text": 3}]}'
expect_error invalid 'files[0]'
expect 422 POST /api/import/plans -H "$E" -H "$json" \
	-d '{"files": [{"text": "", "path": "/etc/passwd"}]}'
expect_error invalid path
expect 422 POST /api/import/plans -H "$E" -H "$json" -d '{"file": []}'
expect_error invalid file
expect 400 POST '/api/import/plans?x=1' -H "$E" -H "$json" -d '{}'
[ "$(deals)" = "nordwind-logistics second-deal" ] || fail "deals: $(deals)"

# ---- CRM exports ----------------------------------------------------------------

# Bad rows: 422, every one listed with its reason, nothing imported.
crm_body salesforce "$crm/salesforce-bad.csv" '{}'
expect 422 POST /api/import/crm -H "$E" -H "$json" -d @body.json
expect_error invalid csv
"$TECHWIN" import --from salesforce "$crm/salesforce-bad.csv" \
	2>cli.err && fail "the CLI imported the bad file"
n_cli=$(grep -c '^error: .*salesforce-bad.csv:[0-9]' cli.err)
jcheck "len(d['import']['bad_rows']) == $n_cli" \
	"all(b['line'] and b['error'] for b in d['import']['bad_rows'])" \
	"d['import']['file'] == 'salesforce-bad.csv'"
[ "$(deals)" = "nordwind-logistics second-deal" ] ||
	fail "a refused CRM import wrote: $(deals)"
# Skipping them: the good rows imported, the bad ones listed.
crm_body salesforce "$crm/salesforce-bad.csv" '{"skip_bad": true}'
expect 200 POST /api/import/crm -H "$E" -H "$json" -d @body.json
jcheck "d['bad'] == $n_cli and d['new'] >= 1" \
	"'good-one' in [x['slug'] for x in d['deals'] if x['action'] == 'new']"
"$TECHWIN" deal show good-one >/dev/null || fail "good-one not imported"
# A HubSpot export with its mapping, day first: as the CLI does it.
"$PYTHON" -c 'import json, sys; print(json.dumps({"vendor": "hubspot", "csv": open(sys.argv[1]).read(), "map": open(sys.argv[2]).read()}))' \
	"$crm/hubspot-deals.csv" "$crm/hubspot-map.txt" >body.json
expect 200 POST /api/import/crm -H "$E" -H "$json" -d @body.json
jcheck "d['source'] == 'hubspot' and d['file'] == 'export.csv'" \
	"d['imported'] == d['new'] + d['updated'] + d['unchanged'] > 0"
# Refused shapes.
for bad in '{"vendor": "pipedrive", "csv": ""}:vendor' \
	'{"vendor": "salesforce"}:csv' \
	'{"vendor": "salesforce", "csv": "", "date_order": "ymd"}:date_order' \
	'{"vendor": "salesforce", "csv": "", "skip_bad": "yes"}:skip_bad' \
	'{"vendor": "salesforce", "csv": "", "map": 1}:map' \
	'{"vendor": "salesforce", "csv": "", "mapping": ""}:mapping'; do
	expect 422 POST /api/import/crm -H "$E" -H "$json" -d "${bad%:*}"
	expect_error invalid "${bad##*:}"
done

# ---- a browser session needs its CSRF token -------------------------------------

expect 200 POST /login -H "$json" -d '{"name": "ed", "password": "password2"}'
cookie="Cookie: $(header Set-Cookie | sed 's/;.*//')"
plans_body third.yaml
expect 403 POST /api/import/plans -H "$cookie" -H "$json" -d @body.json
[ -z "$("$TECHWIN" deal list --json | grep third-deal)" ] ||
	fail "an import without the CSRF token wrote"
