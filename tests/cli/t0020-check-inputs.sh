#!/bin/sh
# t0020-check-inputs: beside each kept evaluation the database keeps the
# deal as the rules read it (store/inputs.h), and after a settings change
# check re-evaluates a whole pipeline from those rather than from the
# deals' tables. On 400 deals (more than check's walk threshold of 256):
#   - every open deal's inputs are kept once check has run;
#   - after a settings change, check (text and --json, and --today in the
#     past) prints what a full re-evaluation prints: a copy without kept
#     evaluations;
#   - it is the inputs that are read: a title changed behind techwin's
#     back (in SQL) shows in the full re-evaluation and not in check,
#     until a verb on that deal keeps its inputs again;
#   - inputs this techwin cannot read stop check with a storage error
#     naming the deal, and leave what is kept as it was.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
command -v sqlite3 >/dev/null || fail "sqlite3 CLI missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

gen_pipeline 400 t.db

# check on db with options $2..., into $1; exit 0 or 1 (findings).
run_check() {
	out=$1 db=$2
	shift 2
	"$TECHWIN" --db "$db" "$@" check >"$out" 2>err ||
		[ $? -eq 1 ] || fail "check $*: $(cat err)"
}

# What a full re-evaluation prints: a copy of t.db with nothing kept.
full() {
	rm -f full.db
	sqlite3 t.db ".backup full.db"
	sqlite3 full.db "PRAGMA foreign_keys = ON; DELETE FROM evaluations"
	[ "$(sqlite3 full.db "SELECT count(*) FROM eval_inputs")" = 0 ] ||
		fail "the kept inputs did not go with their evaluations"
	run_check "$@"
}

run_check first t.db
open=$(sqlite3 t.db "SELECT count(*) FROM deals WHERE outcome = 'open'")
[ "$open" -gt 256 ] || fail "only $open open deals: too few for the walk"
kept=$(sqlite3 t.db "SELECT count(*) FROM eval_inputs i JOIN evaluations e
	USING (deal_id) WHERE e.inputs IS NOT NULL")
[ "$kept" = "$open" ] || fail "$kept of $open open deals have inputs"

# A settings change; then check from the inputs, against a full one.
compare() {
	what=$1
	shift
	tw --db t.db config set momentum.max_gap "$max_gap"
	[ "$(sqlite3 t.db "SELECT count(*) FROM evaluations WHERE stale = 0")" = 0 ] ||
		fail "$what: the settings change left evaluations fresh"
	run_check got t.db "$@"
	full want full.db "$@"
	cmp got want || { diff got want | head >&2; fail "$what: check differs from a full re-evaluation"; }
	# Looking back keeps nothing; otherwise every evaluation is kept.
	case "$*" in *--today*) want_stale=$open ;; *) want_stale=0 ;; esac
	[ "$(sqlite3 t.db "SELECT count(*) FROM evaluations WHERE stale = 1")" = "$want_stale" ] ||
		fail "$what: check left $(sqlite3 t.db "SELECT count(*) FROM evaluations WHERE stale = 1") stale evaluations"
}
max_gap=6 compare "max_gap 6"
max_gap=3 compare "max_gap 3, --json" --json
max_gap=4 compare "max_gap 4, --today in the past" --today 2026-10-01
# A settings change seen by --today in the past keeps nothing: the next
# check re-evaluates from the inputs again.
max_gap=4 compare "after looking back"
grep -q . got || fail "check printed nothing"

# A title changed in SQL, behind every verb: the kept inputs still say
# the old one, a full re-evaluation the new one. (A deal without a
# commercial step within 5 business days of a technical one has none
# within 4 or 3 either.)
max_gap=5 compare "max_gap 5"
slug=$(sqlite3 t.db "SELECT d.slug FROM findings f JOIN deals d ON d.id = f.deal_id
	WHERE f.rule = 'no-commercial-followup' ORDER BY d.slug LIMIT 1")
[ -n "$slug" ] || fail "no deal with no-commercial-followup"
key=$(sqlite3 t.db "SELECT f.subject FROM findings f JOIN deals d ON d.id = f.deal_id
	WHERE d.slug = '$slug' AND f.rule = 'no-commercial-followup' LIMIT 1")
sqlite3 t.db "UPDATE events SET title = 'Changed behind techwin' WHERE key = '$key'
	AND deal_id = (SELECT id FROM deals WHERE slug = '$slug')"
tw --db t.db config set momentum.max_gap 4
run_check got t.db
full want full.db
grep -q "Changed behind techwin" want || fail "the full re-evaluation misses the new title"
grep -q "Changed behind techwin" got && fail "check did not read the kept inputs"
# A verb on the deal keeps its inputs again, from its tables.
tw --db t.db snooze "$slug" --until 2026-12-20 --reason "inputs again"
tw --db t.db config set momentum.max_gap 3
run_check got t.db
full want full.db
cmp got want || { diff got want | head >&2; fail "after a verb: check differs from a full re-evaluation"; }
grep -q "Changed behind techwin" got || fail "the verb did not keep the deal's inputs"

# Inputs this techwin cannot read: a storage error naming the deal, and
# nothing written.
sqlite3 t.db "UPDATE eval_inputs SET inputs = 'not inputs' WHERE deal_id =
	(SELECT id FROM deals WHERE slug = '$slug')"
tw --db t.db config set momentum.max_gap 5
before=$(sqlite3 t.db "SELECT count(*), sum(stale) FROM evaluations")
expect 4 --db t.db check
error_is "database '.*t\.db' holds kept inputs of deal '$slug' that this techwin cannot read"
[ "$(sqlite3 t.db "SELECT count(*), sum(stale) FROM evaluations")" = "$before" ] ||
	fail "a check that failed changed what is kept"
echo ok
