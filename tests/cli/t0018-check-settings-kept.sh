#!/bin/sh
# t0018-check-settings-kept: a kept finding's message leaves what the
# settings decide (max_gap, overdue_grace and the days their windows end)
# to be filled in as it is read. A change of those settings rewrites no
# finding row whose rule, subject and dates stayed, and every reader says
# what the new settings say: check, text and --json, equal to the named
# check (which recomputes), across the deal's and the workspace's
# holidays; and the
# finding.resolved event a verb writes.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source tree}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2027-02-15 TECHWIN_USER=ann LC_ALL=C
slug=harbor-logistics

"$TECHWIN" init >/dev/null
"$TECHWIN" import "$TW_SRC/examples/$slug.yaml" >/dev/null

# $1: what this run is; the rest: check's options. The whole pipeline's
# check (kept findings) prints what the named one (recomputed) prints.
same() {
	what=$1
	shift
	"$TECHWIN" "$@" check >whole 2>err || [ $? -eq 1 ] || fail "$what: check failed: $(cat err)"
	"$TECHWIN" "$@" check "$slug" >named 2>err || [ $? -eq 1 ] || fail "$what: check $slug failed: $(cat err)"
	cmp whole named || { diff whole named >&2; fail "$what: kept and recomputed differ"; }
}

# Every write to the findings table, counted.
writes() {
	sqlite3 "$TECHWIN_DB" "SELECT n FROM writes"
}

same "first check"
# The deal's own holiday, Tue 2026-11-10 (a verb: the deal is evaluated
# again and kept): the kept read and the digests take it from the store.
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t0018//EN\r\nBEGIN:VEVENT\r\nUID:1@t0018\r\nDTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261110\r\nSUMMARY:Port closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >port.ics
"$TECHWIN" deal holidays import "$slug" port.ics --years 2026-2026 >/dev/null
[ "$(sqlite3 "$TECHWIN_DB" "SELECT group_concat(day) FROM holidays")" = 2026-11-10 ] || fail "the holiday was not imported"
same "the deal's own holiday"
sqlite3 "$TECHWIN_DB" "
	CREATE TABLE writes (n INTEGER NOT NULL); INSERT INTO writes VALUES (0);
	CREATE TRIGGER findings_ins AFTER INSERT ON findings
		BEGIN UPDATE writes SET n = n + 1; END;
	CREATE TRIGGER findings_upd AFTER UPDATE ON findings
		BEGIN UPDATE writes SET n = n + 1; END;
	CREATE TRIGGER findings_del AFTER DELETE ON findings
		BEGIN UPDATE writes SET n = n + 1; END;"
# The two whose words depend on the settings keep tokens in their place.
[ "$(sqlite3 "$TECHWIN_DB" "SELECT group_concat(rule, ' ') FROM (SELECT rule FROM findings WHERE instr(message, char(31)) > 0 ORDER BY rule)")" = \
	"commercial-step-overdue stale-technical-win" ] ||
	fail "kept with tokens: $(sqlite3 "$TECHWIN_DB" "SELECT rule FROM findings WHERE instr(message, char(31)) > 0")"

# overdue_grace 2 -> 3: the step planned Thu 2026-11-12 is still overdue,
# its grace now ends Tue 11-17; nothing kept is written again.
"$TECHWIN" config set momentum.overdue_grace 3 >/dev/null
same "overdue_grace 3"
grep -q "'Pricing conversation with the head of operations' was planned for 2026-11-12 and is not done, more than 3 business days later (the grace ended 2026-11-17)" whole ||
	fail "overdue_grace 3: $(grep commercial-step-overdue whole)"
[ "$(writes)" -eq 0 ] || fail "overdue_grace 3 wrote $(writes) finding rows"

# max_gap 5 -> 8: the same findings, the window after the win of Fri
# 2026-11-06 now ends Thu 11-19 (the deal's holiday on Tue 11-10).
"$TECHWIN" config set momentum.max_gap 8 >/dev/null
same "max_gap 8"
grep -q "since the technical win of 2026-11-06, more than 8 business days ago (the window ended 2026-11-19)" whole ||
	fail "max_gap 8: $(grep stale-technical-win whole)"
[ "$(writes)" -eq 0 ] || fail "max_gap 8 wrote $(writes) finding rows"
# max_gap 1 finds more (follow-ups now late): those are written.
"$TECHWIN" config set momentum.max_gap 1 >/dev/null
same "max_gap 1"
[ "$(writes)" -gt 0 ] || fail "max_gap 1 found more and wrote nothing"
"$TECHWIN" config set momentum.max_gap 8 >/dev/null

# A workspace holiday on Mon 11-09 moves the window's end to Fri 11-20,
# as it is read; the unframed pass of Fri 11-06 is due a day later too.
"$TECHWIN" config set holidays 2026-11-09 >/dev/null
same "a holiday"
grep -q "more than 8 business days ago (the window ended 2026-11-20)" whole ||
	fail "holiday: $(grep stale-technical-win whole)"
"$TECHWIN" --json check >whole.json || [ $? -eq 1 ] || fail "check --json failed"
"$TECHWIN" --json check "$slug" >named.json || [ $? -eq 1 ] || fail "check --json $slug failed"
cmp whole.json named.json || { diff whole.json named.json >&2; fail "--json: kept and recomputed differ"; }
grep -q '"message": "no commercial step has been done since the technical win of 2026-11-06, more than 8 business days ago (the window ended 2026-11-20)"' whole.json ||
	fail "--json does not render the kept message"
grep -q "$(printf '\037')" whole whole.json && fail "a token reached check's output"

# The step done: the overdue error resolves, and its event says what the
# settings said of it.
"$TECHWIN" event "done" "$slug" pricing-call --on 2027-02-15 >/dev/null
sqlite3 "$TECHWIN_DB" "SELECT payload FROM outbox WHERE type = 'finding.resolved'" >resolved
grep -q '"rule": *"commercial-step-overdue"' resolved || fail "no finding.resolved: $(cat resolved)"
grep -q 'more than 3 business days later (the grace ended 2026-11-17)' resolved ||
	fail "finding.resolved: $(cat resolved)"
grep -q "$(printf '\037')" resolved && fail "a token reached the event"
same "after the step was done"
echo ok
