# Helpers for the tests of the pages' forms (tests/cli/t013N-web-forms-*.sh),
# sourced after tests/web/lib.sh.
#
#   login NAME PASSWORD   a session: sets $cookie ("Cookie: ...") and $csrf
#   post PATH [CURL ARGS...]
#                         req POST PATH as that session, with its CSRF
#                         token as the form field csrf_token
#   cli_json "ARGS" EXPR...
#                         Python expressions over d, what `techwin ARGS
#                         --json` prints for the same database
#   has TEXT              the last body contains TEXT (fixed string)
#   hasnt TEXT            ... does not
#   labelled              every input of the last page has a <label for>
#                         or sits inside its <label>,
#                         and no id is used twice

login() {
	expect 200 POST /login -H "Content-Type: application/json" \
		-d "{\"name\": \"$1\", \"password\": \"$2\"}"
	csrf=$("$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' <"$tmp/body")
	cookie="Cookie: $(header Set-Cookie | sed 's/;.*//')"
}

post() {
	p=$1
	shift
	req POST "$p" -H "$cookie" --data-urlencode "csrf_token=$csrf" "$@"
}

cli_json() {
	cli_args=$1
	shift
	# shellcheck disable=SC2086
	"$TECHWIN" $cli_args --json >"$tmp/cli.json" ||
		fail "techwin $cli_args --json failed"
	mv "$tmp/body" "$tmp/body.page"
	cp "$tmp/cli.json" "$tmp/body"
	jcheck "$@"
	mv "$tmp/body.page" "$tmp/body"
}

has() {
	grep -qF -- "$1" "$tmp/body" ||
		fail "$method $path: no '$1' in the answer"
}

hasnt() {
	! grep -qF -- "$1" "$tmp/body" ||
		fail "$method $path: '$1' in the answer"
}

labelled() {
	"$PYTHON" - "$tmp/body" <<'PY' || fail "$method $path: inputs without labels"
import re, sys
html = open(sys.argv[1]).read()
ids = re.findall(r'\sid="([^"]*)"', html)
dup = {i for i in ids if ids.count(i) > 1}
if dup:
    sys.exit("ids used twice: %s" % sorted(dup))
fors = set(re.findall(r'<label for="([^"]*)"', html))
# An input inside its <label> is labelled by it (radio buttons, checkboxes).
for inner in re.findall(r'<label\b[^>]*>(.*?)</label>', html, re.S):
    fors.update(re.findall(r'<(?:input|select|textarea)\b[^>]*\sid="([^"]*)"', inner))
for tag in re.findall(r'<(?:input|select|textarea)\b[^>]*>', html):
    if 'type="hidden"' in tag:
        continue
    m = re.search(r'\sid="([^"]*)"', tag)
    if not m or m.group(1) not in fors:
        sys.exit("no label for %s" % tag)
PY
}
