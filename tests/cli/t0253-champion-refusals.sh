#!/bin/sh
# t0253-champion-refusals: what a share link's forms refuse (issue 16),
# each writing nothing: a seller-side step's done state, another deal's
# step, an internal step, a date after today, a proposed date in the
# past, an empty note or name (422, the page again with the input and the
# message at its field); a missing or foreign CSRF token and a cookie
# without its form (403); a write from another site (403); a revoked or
# expired link, and no link at all (404, its forms too).
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"
. "$TW_SRC/tests/web/forms.sh"
. "$TW_SRC/tests/web/share.sh"

tw() { "$TECHWIN" "$@" >/dev/null 2>&1 || fail "techwin $* failed"; }
tw init
tw deal add acme --account 'Acme Corp'
tw deal add beta --account 'Beta Bank'
tw event add acme legal --kind commercial --title 'Legal redlines' \
	--date 2026-12-02 --side buyer
tw event add acme pricing --kind commercial --title 'Pricing call' \
	--date 2026-12-03
tw event add acme desk --kind commercial --title 'Deal desk' \
	--date 2026-12-03 --side buyer --internal
tw event add beta forms --kind commercial --title 'Vendor forms' \
	--date 2026-12-02 --side buyer
acme=$("$TECHWIN" share acme 2>/dev/null)
beta=$("$TECHWIN" share beta 2>/dev/null)
gone=$("$TECHWIN" share acme 2>/dev/null)
old=$("$TECHWIN" --today 2026-11-20 share acme --expires 2026-11-25 2>/dev/null)

start_server
share_open "$beta"
beta_csrf=$scsrf beta_jar=$sjar
share_open "$gone"
gone_path=$spath gone_csrf=$scsrf gone_jar=$sjar
share_open "$acme"
hasnt 'Deal desk'
n0=$(history_count)
nothing_written() {
	[ "$(history_count)" = "$n0" ] || fail "$1 wrote: $(db_query \
		"SELECT actor, entity, key, field FROM history ORDER BY id DESC LIMIT 3")"
}

# Each refusal is the page again (422) with the message at its input.
refused() {	# ACTION FIELD MESSAGE [CURL ARGS...]
	a=$1 field=$2 msg=$3
	shift 3
	share_post "$a" "$@"
	[ "$code" = 422 ] || fail "$a $*: $code, expected 422"
	has "$msg"
	has "id=\"$a-$field\""
	grep -q "<input[^>]*id=\"$a-$field\"[^>]*aria-invalid=\"true\"\|<select[^>]*id=\"$a-$field\"[^>]*aria-invalid=\"true\"" "$tmp/body" ||
		fail "$a: the message is not at $field"
	has 'role="alert"'
	nothing_written "$a $*"
}
refused done event "&#39;Pricing call&#39; is a step on our side: we mark it done" -d event=pricing
refused done event "this plan has no step &#39;forms&#39;" -d event=forms
refused done event "this plan has no step &#39;desk&#39;" -d event=desk
refused done event "choose a step" -d event=
refused done on "2026-11-27 is after today (2026-11-26)" -d event=legal -d on=2026-11-27
refused done on "invalid date &#39;2026-02-30&#39;" -d event=legal -d on=2026-02-30
refused propose event "this plan has no step &#39;desk&#39;" -d event=desk -d date=2026-12-09 -d note=x
refused propose date "2026-11-25 is in the past" -d event=pricing -d date=2026-11-25 -d note=x
refused propose date "enter the date you propose" -d event=pricing -d note=x
refused propose note "say why the date moves" -d event=pricing -d date=2026-12-09 -d 'note=  '
# The input comes back as typed.
has 'value="2026-12-09"'
refused confirm name "type your name to confirm the plan" -d 'name= '

# The CSRF token: missing, in the form without its cookie, or another link's.
req POST "$spath/done" -b "$sjar" -d event=legal
[ "$code" = 403 ] || fail "no token: $code"
has 'without its security token'
req POST "$spath/done" --data-urlencode "csrf_token=$scsrf" -d event=legal
[ "$code" = 403 ] || fail "no cookie: $code"
req POST "$spath/done" -b "$beta_jar" --data-urlencode "csrf_token=$beta_csrf" -d event=legal
[ "$code" = 403 ] || fail "beta's token on acme: $code"
req POST "$spath/done" -b "$sjar" --data-urlencode "csrf_token=$beta_csrf" -d event=legal
[ "$code" = 403 ] || fail "beta's token in acme's form: $code"
has "is not this link"
# A token made up to look like one (a nonce with a wrong MAC).
req POST "$spath/done" -b "techwin_share_1=abc.0123456789abcdef0123456789abcdef" \
	--data-urlencode "csrf_token=abc.0123456789abcdef0123456789abcdef" -d event=legal
[ "$code" = 403 ] || fail "a made-up token: $code"
nothing_written "a bad CSRF token"

# A write from another site, even with the right token.
share_post done -d event=legal -H 'Origin: https://evil.example'
[ "$code" = 403 ] || fail "cross-site Origin: $code"
share_post done -d event=legal -H 'Sec-Fetch-Site: cross-site'
[ "$code" = 403 ] || fail "Sec-Fetch-Site cross-site: $code"
nothing_written "a cross-site write"

# A revoked link: its page and its forms are 404, as an unknown one.
"$TECHWIN" share rm 3 >/dev/null 2>&1 || fail "share rm 3"
n0=$(history_count)
req POST "$gone_path/confirm" -b "$gone_jar" --data-urlencode "csrf_token=$gone_csrf" -d name=Dana
[ "$code" = 404 ] || fail "revoked link's form: $code"
has 'This link does not work'
expect 404 GET "$gone_path"
# An expired one (its last day was yesterday) and no link at all.
expect 404 GET "/share/${old##*/share/}"
expect 404 POST "/share/${old##*/share/}/done" -d event=legal
expect 404 POST /share/no-such-token/confirm -d name=Dana
expect 405 GET "$spath/done"
nothing_written "a dead link's form"
grep -q "${gone##*/share/}\|${old##*/share/}" "$tmp/server.log" && fail "a token reached the log"

# The one that passes, after all that: the same link still works.
share_post done -d event=legal
[ "$code" = 303 ] || fail "the right post: $code"
exit 0
