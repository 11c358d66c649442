#!/bin/sh
# t0201-fault-kill-import: kill -9 an import of 10k deals at 50 seeded
# moments spread over its run. After every kill the database passes
# PRAGMA integrity_check and holds all of the import or none of it (every
# table, history included), and techwin opens it and lists the deals.
#
# A third of the kills are at times spread evenly over a measured
# uninterrupted import (reading the files, writing, committing, the
# checkpoint); a third wait until the WAL holds data, so they land while
# rows are written; a third wait until the checkpoint has begun copying the
# committed import into the database file. TW_FAULT_SEED and
# TW_FAULT_KILLS change the schedule (the same seed gives the same one),
# TW_FAULT_DEALS the size of the import.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
cd "$tmp"
unset TECHWIN_DB
export TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26 LC_ALL=C

seed=${TW_FAULT_SEED:-20261126}
# A sanitizer build runs the import several times slower; there the point
# is memory errors on the paths a kill leaves behind, so fewer, smaller
# imports keep `make asan` within CI's time.
if grep -q __asan_init "$TECHWIN" 2>/dev/null; then
	deals=${TW_FAULT_DEALS:-2000}
	kills=${TW_FAULT_KILLS:-12}
	echo "sanitizer build: $kills kills of a $deals-deal import"
else
	deals=${TW_FAULT_DEALS:-10000}
	kills=${TW_FAULT_KILLS:-50}
fi

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# What the database holds, as one line: row counts of every table the
# import writes, plus sums over values so that the right number of wrong
# rows would not pass.
state() {
	sqlite3 "$1" "SELECT (SELECT count(*) FROM deals) || ' deals, ' ||
		(SELECT count(*) FROM criteria) || ' criteria, ' ||
		(SELECT count(*) FROM events) || ' events, ' ||
		(SELECT count(*) FROM risks) || ' risks, ' ||
		(SELECT count(*) FROM phases) || ' phases, ' ||
		(SELECT count(*) FROM phase_criteria) || ' phase criteria, ' ||
		(SELECT count(*) FROM history) || ' history rows; sums ' ||
		(SELECT total(value) FROM deals) || ' ' ||
		(SELECT total(measured) FROM criteria) || ' ' ||
		(SELECT total(length(new)) FROM history)"
}

# The plan files, written once per run by one awk process.
"$TW_SRC/tests/cli/gen-deals.sh" "$deals" plans "$seed"
[ -f "plans/d$(printf %05d "$deals").yaml" ] || fail "gen-deals.sh wrote no plans"

# The database before the import: one deal the import leaves alone and one
# it replaces (so the import also deletes a criterion and rewrites fields).
"$TECHWIN" --db pristine.db init >/dev/null
"$TECHWIN" --db pristine.db deal add keep --account "Kept Ltd" >/dev/null
"$TECHWIN" --db pristine.db deal add deal-00001 --account "Old Name" >/dev/null
"$TECHWIN" --db pristine.db criterion add deal-00001 legacy --metric Legacy \
	--at-most 5 >/dev/null
none=$(state pristine.db)

# An uninterrupted import: its result, and when (ms from its start) its WAL
# first holds data, when the checkpoint starts copying the committed pages
# into the database file (the file grows) and when it ends. Prints
# "END WAL CHECKPOINT".
psize=$(stat -c %s pristine.db)
reference() {
	rm -f ref.db ref.db-wal ref.db-shm
	cp pristine.db ref.db
	start=$(now_ms)
	"$TECHWIN" --db ref.db import plans/*.yaml >ref.out 2>ref.err &
	pid=$!
	wal_ms=
	ckpt_ms=
	while kill -0 "$pid" 2>/dev/null; do
		t=$(($(now_ms) - start))
		if [ -z "$wal_ms" ] && [ -s ref.db-wal ]; then
			wal_ms=$t
		fi
		if [ -z "$ckpt_ms" ] && [ "$(stat -c %s ref.db)" -gt "$psize" ]; then
			ckpt_ms=$t
		fi
		sleep 0.005
	done
	set +e
	wait "$pid"
	status=$?
	set -e
	pid=
	end_ms=$(($(now_ms) - start))
	[ "$status" -eq 0 ] ||
		fail "the reference import into ref.db exited $status: $(cat ref.err)"
	echo "$end_ms ${wal_ms:-0} ${ckpt_ms:-$end_ms}"
}

# Three runs, as other jobs on the machine make one run's time noisy; the
# schedule uses the median one.
for r in 1 2 3; do
	reference >>times
	got=$(state ref.db)
	case $got in
	"$((deals + 1)) deals, $((3 * deals)) criteria, "*) ;;
	*) fail "the reference import left ref.db with $got" ;;
	esac
	[ "$r" -eq 1 ] || [ "$got" = "$all" ] ||
		fail "two uninterrupted imports differ: $all / $got"
	all=$got
done
[ "$all" != "$none" ] || fail "the import changed nothing"
read -r full_ms wal_ms ckpt_ms <<EOF
$(sort -n times | sed -n 2p)
EOF
echo "import of $deals deals: ${full_ms} ms; WAL written from ${wal_ms} ms;" \
	"checkpoint from ${ckpt_ms} ms"
echo "none: $none"
echo "all:  $all"

# The schedule, with r drawn from the seed and k = i / 3 of n / 3 kills
# of each kind:
#   time  at (k + r) / (n / 3) of 1.1 times the whole import
#   wal   once the WAL holds data, that fraction of the writing time
#   ckpt  once the checkpoint has started, that fraction of its time
awk -v n="$kills" -v seed="$seed" -v full="$full_ms" -v wal="$wal_ms" \
	-v ckpt="$ckpt_ms" '
BEGIN {
	srand(seed)
	third = int((n + 2) / 3)
	for (i = 0; i < n; i++) {
		r = rand()
		f = (int(i / 3) + r) / third
		if (i % 3 == 0)
			printf "%d time %.3f\n", i, f * full * 1.1 / 1000
		else if (i % 3 == 1)
			printf "%d wal %.3f\n", i, f * (ckpt - wal) / 1000
		else
			printf "%d ckpt %.3f\n", i, f * (full - ckpt) / 1000
	}
}' >schedule

mid_write=0
after_commit=0
early=0
finished=0
# One import killed: "kill_at I MODE DELAY". Nothing in here may read its
# standard input, the schedule.
kill_at() {
	i=$1
	mode=$2
	delay=$3
	rm -f k.db k.db-wal k.db-shm
	cp pristine.db k.db
	"$TECHWIN" --db k.db import plans/*.yaml >k.out 2>k.err &
	pid=$!
	# Polling every 10 ms: each poll starts a process or two, and more
	# often they would slow the import they are watching.
	n=0
	case $mode in
	wal)
		while [ ! -s k.db-wal ] && [ "$n" -lt 3000 ]; do
			n=$((n + 1))
			sleep 0.01
		done
		;;
	walnow)
		# Busy-wait (shell builtins only): no sleep process between
		# the WAL's first bytes and the kill.
		while [ ! -s k.db-wal ] && kill -0 "$pid" 2>/dev/null; do
			:
		done
		;;
	ckpt)
		while [ "$(stat -c %s k.db)" -le "$psize" ] && [ "$n" -lt 3000 ]; do
			n=$((n + 1))
			sleep 0.01
		done
		;;
	esac
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null || true
	set +e
	# The shell's "Killed" notice is expected here, not news.
	wait "$pid" 2>/dev/null
	status=$?
	set -e
	pid=
	wal_bytes=0
	[ ! -f k.db-wal ] || wal_bytes=$(wc -c <k.db-wal)
	case $status in
	0 | 137) ;;
	*) fail "kill $i: the import exited $status, not killed: $(cat k.err)" ;;
	esac
	what="kill $i ($mode +${delay}s, exit $status, WAL $wal_bytes bytes)"

	# Alternate who opens the killed database first, so both techwin's
	# and the sqlite3 CLI's recovery of the WAL are exercised.
	if [ $((i % 2)) -eq 0 ]; then
		"$TECHWIN" --db k.db deal list >list.out 2>list.err ||
			fail "$what: techwin deal list on k.db failed: $(cat list.err)"
	fi
	check=$(sqlite3 k.db "PRAGMA integrity_check" 2>&1 </dev/null) || true
	[ "$check" = ok ] || fail "$what: integrity_check of k.db: $check"
	got=$(state k.db </dev/null)
	if [ $((i % 2)) -eq 1 ]; then
		"$TECHWIN" --db k.db deal list >list.out 2>list.err ||
			fail "$what: techwin deal list on k.db failed: $(cat list.err)"
	fi
	rows=$(($(wc -l <list.out) - 1))

	if [ "$got" = "$none" ]; then
		[ "$status" -eq 137 ] || fail "$what: the import succeeded but k.db holds none of it"
		[ "$rows" -eq 2 ] || fail "$what: deal list shows $rows deals, not 2"
		if [ "$wal_bytes" -gt 0 ]; then
			mid_write=$((mid_write + 1))
		else
			early=$((early + 1))
		fi
	elif [ "$got" = "$all" ]; then
		[ "$rows" -eq $((deals + 1)) ] ||
			fail "$what: deal list shows $rows deals, not $((deals + 1))"
		if [ "$status" -eq 137 ]; then
			after_commit=$((after_commit + 1))
		else
			finished=$((finished + 1))
		fi
	else
		fail "$what: k.db holds part of the import: $got (none: $none; all: $all)"
	fi
}

while read -r i mode delay; do
	kill_at "$i" "$mode" "$delay"
done <schedule

# The import keeps its pages in memory until just before the commit, so
# the window in which the WAL holds uncommitted rows is short (tens of ms
# on a small import under a sanitizer). Should the schedule have missed
# it, kill again the moment the WAL holds data, up to 20 times.
extra=0
while [ "$mid_write" -lt 1 ] && [ "$extra" -lt 20 ]; do
	extra=$((extra + 1))
	kill_at $((kills + extra)) walnow 0 </dev/null
done

echo "$((kills + extra)) kills: $early before any write, $mid_write while writing" \
	"(nothing kept), $after_commit after the commit (all kept)," \
	"$finished after the import ended"
# The third of the schedule that waits for the WAL must have caught the
# import writing at least once, or this test tested nothing.
[ "$mid_write" -ge 1 ] ||
	fail "no kill landed while the import was writing (import ${full_ms} ms, WAL from ${wal_ms} ms)"
