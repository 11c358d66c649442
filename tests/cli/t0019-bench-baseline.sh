#!/bin/sh
# t0019-bench-baseline: the import benchmark's baseline (bench/gen's rows
# CSV, loaded by bench/import-baseline.sql with sqlite3) still fits the
# schema techwin's migrations make, and stores what techwin's own import
# of the same plan files stores. A column added to a table without
# bench/gen writing it breaks `make bench`; here it fails a test.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
command -v sqlite3 >/dev/null || fail "sqlite3 CLI missing"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

gen_pipeline 40 tw.db
tw --db base.db init
sqlite3 base.db "DROP INDEX deals_crm"
# -bail: the first row that does not fit stops it, with a non-zero exit.
(cd p && sqlite3 -bail "$tmp/base.db" <"$TW_SRC/bench/import-baseline.sql") \
	>load.out 2>&1 || { cat load.out >&2; fail "the baseline's load failed"; }
grep -q "expected .* columns" load.out &&
	{ cat load.out >&2; fail "a rows CSV misses columns of its table"; }

# The same rows, table by table, in the columns both write alike.
same() {
	a=$(sqlite3 tw.db "$1") b=$(sqlite3 base.db "$1")
	[ -n "$a" ] || fail "no rows for: $1"
	[ "$a" = "$b" ] || fail "techwin and the baseline differ on: $1"
}
same "SELECT id, slug, account, stage, value, outcome, poc_end
      FROM deals ORDER BY id"
same "SELECT deal_id, key, pos, direction, required, measured, measured_on,
      scales_with_load FROM criteria ORDER BY deal_id, pos"
same "SELECT deal_id, key, pos, kind, date, coalesce(done, ''), side,
      internal FROM events ORDER BY deal_id, pos"
same "SELECT deal_id, key, pos, kind, deadline, buffer, duration
      FROM risks ORDER BY deal_id, pos"
same "SELECT deal_id, number, pos, price, duration, internal
      FROM phases ORDER BY deal_id, pos"
same "SELECT * FROM phase_criteria ORDER BY deal_id, number, pos"
echo ok
