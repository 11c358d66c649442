#!/bin/sh
# t0017-check-kept: the daily check re-evaluates only the deals whose kept
# findings are not valid for its today (stale, never kept), walking just
# those in parts, keeps them, then reads what is kept in parts at once
# (store_check_kept, check_few). Whatever path it takes, its output is
# the one of `check SLUG...` (which recomputes every deal), and what it
# re-evaluated is kept: no evaluation is stale after it. A read-only
# database and a --today before the evaluations keep nothing and still
# print the recomputed answer. check --json of the whole pipeline reads
# what is kept the same way (first_seen included), and says what
# check --json SLUG... says. Findings kept by another techwin's rules are
# all re-evaluated once.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester LC_ALL=C

"$TECHWIN" init >/dev/null
sh "$TW_SRC/tests/cli/gen-deals.sh" 400 plans 11
"$TECHWIN" import plans/*.yaml >/dev/null
"$TECHWIN" deal close deal-00007 --won --date 2026-11-20 >/dev/null
"$TECHWIN" snooze deal-00150 --until 2026-12-01 --reason "on leave" >/dev/null
as=
open=$(seq -f 'deal-%05g' 400 | grep -v 'deal-00007$')

# $1: what this run is; the rest: check's options. Compares the whole
# pipeline's check with the named one's, which recomputes every deal.
same() {
	what=$1
	shift
	set +e
	$as "$TECHWIN" "$@" check >whole 2>err
	whole_rc=$?
	$as "$TECHWIN" "$@" check $open >named 2>>err
	named_rc=$?
	set -e
	grep -v 'can access' err >err.real || true
	[ -s err.real ] && { cat err.real >&2; fail "$what: check wrote to stderr"; }
	[ "$whole_rc" -eq "$named_rc" ] ||
		fail "$what: check exited $whole_rc, check SLUG... $named_rc"
	cmp whole named || { diff whole named | head -20 >&2; fail "$what: outputs differ"; }
	tail -1 whole | grep -q '^399 deals checked: ' || fail "$what: count: $(tail -1 whole)"
}

# The same for check --json, the whole pipeline first (so it is the one
# that re-evaluates what is stale).
same_json() {
	what="$1 (--json)"
	shift
	set +e
	$as "$TECHWIN" --json "$@" check >whole.json 2>err
	whole_rc=$?
	$as "$TECHWIN" --json "$@" check $open >named.json 2>>err
	named_rc=$?
	set -e
	grep -v 'can access' err >err.real || true
	[ -s err.real ] && { cat err.real >&2; fail "$what: check wrote to stderr"; }
	[ "$whole_rc" -eq "$named_rc" ] ||
		fail "$what: check exited $whole_rc, check SLUG... $named_rc"
	cmp whole.json named.json || { diff whole.json named.json | head -20 >&2; fail "$what: outputs differ"; }
	grep -q '"first_seen": "20' whole.json || fail "$what: no first_seen"
}

stale() {
	sqlite3 "$TECHWIN_DB" "SELECT count(*) FROM evaluations WHERE stale = 1"
}

same "first check: every deal evaluated and kept"
[ "$(sqlite3 "$TECHWIN_DB" "SELECT count(*) FROM evaluations")" -eq 399 ] ||
	fail "not every open deal was kept"

# A few stale, spread over both halves of the slugs (both parts).
sqlite3 "$TECHWIN_DB" "UPDATE evaluations SET stale = 1 WHERE deal_id % 17 = 0"
n=$(stale)
[ "$n" -gt 10 ] || fail "only $n stale"
same_json "a few stale"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after check --json"
sqlite3 "$TECHWIN_DB" "UPDATE evaluations SET stale = 1 WHERE deal_id % 17 = 0"
same "a few stale"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after check"

# Some never kept at all.
sqlite3 "$TECHWIN_DB" "DELETE FROM evaluations WHERE deal_id % 13 = 0"
same "a few never kept"
[ "$(sqlite3 "$TECHWIN_DB" "SELECT count(*) FROM evaluations")" -eq 399 ] ||
	fail "the deals never kept were not kept"

# Nothing to do: everything read from what is kept.
same "all kept"

# A settings change that changes findings, and one that changes none
# (half_life: freshness is computed from P as it is read): every deal
# re-evaluated; what changed is kept, what did not is dated today.
"$TECHWIN" config set momentum.max_gap 4 >/dev/null
same_json "after max_gap changed"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after check --json"
"$TECHWIN" config set momentum.max_gap 3 >/dev/null
[ "$(stale)" -eq 399 ] || fail "a settings change did not stale every evaluation"
same "after max_gap changed"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after max_gap changed"
same "read back after max_gap changed"
"$TECHWIN" config set momentum.half_life 7 >/dev/null
same "after half_life changed"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after half_life changed"
[ "$(sqlite3 "$TECHWIN_DB" "SELECT count(*) FROM evaluations WHERE evaluated_on <> '2026-11-26'")" -eq 0 ] ||
	fail "an evaluation found unchanged was not dated today"
same "read back after half_life changed"

# check --json re-evaluates and keeps as check does.
sqlite3 "$TECHWIN_DB" "UPDATE evaluations SET stale = 1 WHERE deal_id % 7 = 0"
"$TECHWIN" --json check >json || [ $? -eq 1 ] || fail "check --json failed"
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after check --json"
grep -q '"deal": "deal-00399"' json || fail "check --json lost a deal"

# A later today: the deals whose recheck date passed are re-evaluated.
same_json "two weeks later" --today 2026-12-09
same "two weeks later" --today 2026-12-10
# Looking back before the evaluations: recomputed, nothing kept.
before=$(sqlite3 "$TECHWIN_DB" "SELECT group_concat(evaluated_on) FROM (SELECT DISTINCT evaluated_on FROM evaluations ORDER BY 1)")
same "looking back" --today 2026-11-02
same_json "looking back" --today 2026-11-02
after=$(sqlite3 "$TECHWIN_DB" "SELECT group_concat(evaluated_on) FROM (SELECT DISTINCT evaluated_on FROM evaluations ORDER BY 1)")
[ "$before" = "$after" ] || fail "looking back changed what is kept: $before -> $after"

# Findings kept by another techwin (its core's digest differs, as after
# an upgrade that changed a rule): every one is re-evaluated once, and
# the digest of this techwin's core is kept.
rules=$(sqlite3 "$TECHWIN_DB" "SELECT value FROM settings WHERE \"key\" = 'techwin.rules'")
[ ${#rules} -eq 32 ] || fail "the rules' digest kept is '$rules'"
older() {	# $1: a database (the digests kept are of what older rules said)
	sqlite3 "$1" "UPDATE settings SET value = 'an older techwin' WHERE \"key\" = 'techwin.rules';
		UPDATE findings SET message = message || ' (as older rules said it)' WHERE deal_id % 3 = 0;
		UPDATE evaluations SET digest = digest + 1 WHERE deal_id % 3 = 0"
}
older "$TECHWIN_DB"
same "kept by another techwin's rules" --today 2026-12-10
[ "$(stale)" -eq 0 ] || fail "$(stale) evaluations still stale after the rules changed"
[ "$(sqlite3 "$TECHWIN_DB" "SELECT value FROM settings WHERE \"key\" = 'techwin.rules'")" = "$rules" ] ||
	fail "the rules' digest was not kept again"
same "read back after the rules changed" --today 2026-12-10
"$TECHWIN" history | grep -q 'techwin.rules' && fail "the rules' digest is in the history"

# A database that cannot be written: recomputed, nothing kept, no error,
# whatever rules kept its findings.
sqlite3 "$TECHWIN_DB" "UPDATE evaluations SET stale = 1 WHERE deal_id % 5 = 0"
n=$(stale)
# A copy not in WAL mode: a reader of a WAL database writes its -shm.
mkdir ro && cp "$TECHWIN_DB" ro/t.db
sqlite3 ro/t.db "PRAGMA journal_mode = DELETE" >/dev/null
older ro/t.db
chmod 0444 ro/t.db && chmod 0555 ro
export TECHWIN_DB="$tmp/ro/t.db"
if [ "$(id -u)" -eq 0 ]; then
	# root writes a 0444 file: read it as nobody.
	as="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 0755 "$tmp"
fi
same "read-only"
same_json "read-only"
[ "$(stale)" -eq "$n" ] || fail "a read-only check changed what is kept"
echo ok
