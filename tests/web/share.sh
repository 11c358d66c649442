# Helpers for the tests of the share page's forms (tests/cli/t025N-*.sh),
# sourced after tests/web/lib.sh and forms.sh. The champion is a browser
# without an account: a cookie jar per link, and the link's CSRF token
# the page gives.
#
#   share_open URL        GET the share page of the link URL as a fresh
#                         browser would (its own jar): sets $spath (the
#                         page's path), $scsrf (the forms' token) and
#                         $sjar (the jar, holding the link's cookie)
#   share_post ACTION [CURL ARGS...]
#                         req POST $spath/ACTION with the jar's cookie and
#                         $scsrf as the form field csrf_token
#   history_count         the number of history rows

share_open() {
	spath="/share/${1##*/share/}"
	sjar="$tmp/jar.$(printf %s "$spath" | cksum | cut -d' ' -f1)"
	rm -f "$sjar"
	expect 200 GET "$spath" -c "$sjar"
	scsrf=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' \
		"$tmp/body" | head -n 1)
	[ -n "$scsrf" ] || fail "no CSRF token on the share page"
}

share_post() {
	a=$1
	shift
	req POST "$spath/$a" -b "$sjar" --data-urlencode "csrf_token=$scsrf" "$@"
}

history_count() {
	db_query "SELECT count(*) FROM history"
}
