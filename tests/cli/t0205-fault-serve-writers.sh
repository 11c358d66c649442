#!/bin/sh
# t0205-fault-serve-writers: two CLI processes record measurements on one
# deal while `techwin serve` answers a bounded load of GETs from three
# clients and takes measurements over HTTP as a third writer, all on
# loopback. No update is lost (every writer's values are in the history,
# in order, each once, and the last one stands) and no request is answered
# with a 5xx or anything but its success status.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

writes=60	# per writer
rounds=200	# at most, per GET client, of one request to each of $paths
paths="/api/deals /api/deals/acme /api/deals/acme/plan /api/check
/api/deals/acme/summary.html /api/stats"

"$TECHWIN" init >/dev/null
"$TECHWIN" deal add acme --account "Acme Corp" --poc-start 2026-11-02 \
	--poc-end 2026-11-20 >/dev/null
for k in a b c; do
	"$TECHWIN" criterion add acme "$k" --metric "Metric $k" \
		--at-least 1 >/dev/null
done
printf 'password1\n' | "$TECHWIN" user add alice --role editor >/dev/null
tok=$("$TECHWIN" token add ci --user alice 2>/dev/null)
start_server --threads 4 --quiet
auth="Authorization: Bearer $tok"

# Every path answers on its own first, so a failure below is the load's.
for p in $paths; do
	expect 200 GET "$p" -H "$auth"
done

# A curl config of one GET per path, with "next" between them (not after
# the last) and so every option again for each; each reader runs it round
# by round until the writers are done (or rounds run out), one keep-alive
# connection per round, writing one status per request.
for p in $paths; do
	printf 'url = "%s%s"\noutput = "/dev/null"\nheader = "%s"\n' \
		"$base" "$p" "$auth"
	printf 'write-out = "%%{http_code}\\n"\nnext\n'
done | sed '$d' >get.cfg
reader() {
	r=0
	while [ "$r" -lt "$rounds" ] && [ ! -e writers.done ]; do
		r=$((r + 1))
		curl -sS -K get.cfg >>"codes.$1" 2>>"curl.$1" ||
			echo "curl exit $?" >>"codes.$1"
	done
}

# The HTTP writer: one POST per value, in order, one connection.
i=0
while [ "$i" -lt "$writes" ]; do
	i=$((i + 1))
	printf 'url = "%s/api/deals/acme/criteria/c/measurements"\n' "$base"
	printf 'data = "{\\"measured\\": %d}"\n' "$i"
	printf 'header = "%s"\nheader = "Content-Type: application/json"\n' "$auth"
	printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n'
done | sed '$d' >post.cfg

# cli_writer KEY: the values 1..$writes in order, each its own process.
cli_writer() {
	i=0
	while [ "$i" -lt "$writes" ]; do
		i=$((i + 1))
		"$TECHWIN" criterion record acme "$1" "$i" >/dev/null 2>>"err.$1" ||
			echo "criterion record acme $1 $i exited $?" >>"fail.$1"
	done
}

reader 1 &
r1=$!
reader 2 &
r2=$!
reader 3 &
r3=$!
cli_writer a &
wa=$!
cli_writer b &
wb=$!
curl -sS -K post.cfg >codes.post 2>curl.post ||
	echo "curl exit $?" >>codes.post
wait "$wa" "$wb"
: >writers.done
wait "$r1" "$r2" "$r3"

# ---- no lost update -----------------------------------------------------------
for k in a b; do
	[ ! -s "fail.$k" ] || fail "writer $k: $(head -n 3 "fail.$k") ($(head -n 3 "err.$k"))"
done
[ "$(grep -c '^200$' codes.post)" -eq "$writes" ] ||
	fail "HTTP writer: $(sort codes.post | uniq -c | tr '\n' ' ') $(cat curl.post)"

# The measured values of each criterion as history recorded them.
want=$(awk -v n="$writes" 'BEGIN {
	s = "-:1"
	for (i = 2; i <= n; i++)
		s = s " " (i - 1) ":" i
	print s
}')
for k in a b c; do
	got=$(sqlite3 "$TECHWIN_DB" "SELECT group_concat(o || ':' || n, ' ') FROM
		(SELECT coalesce(old, '-') AS o, new AS n FROM history
		 WHERE deal = 'acme' AND entity = 'criterion' AND \"key\" = '$k'
		 AND field = 'measured' ORDER BY id)")
	[ "$got" = "$want" ] ||
		fail "criterion $k: history of measured is '$got', expected 1..$writes in order"
done
expect 200 GET /api/deals/acme -H "$auth"
jcheck "[c['measured'] for c in d['criteria']] == [$writes] * 3"
[ "$(sqlite3 "$TECHWIN_DB" 'PRAGMA integrity_check')" = ok ] ||
	fail "the database is damaged after the concurrent writes"

# ---- no 5xx, no failed request ------------------------------------------------
nget=0
npaths=$(echo $paths | wc -w)
for c in 1 2 3; do
	[ ! -s "curl.$c" ] || fail "GET client $c: $(head -n 3 "curl.$c")"
	bad=$(grep -v '^200$' "codes.$c" | sort | uniq -c | tr '\n' ' ')
	[ -z "$bad" ] || fail "GET client $c: answers other than 200: $bad"
	n=$(wc -l <"codes.$c")
	[ "$n" -ge "$npaths" ] || fail "GET client $c sent $n requests, not a round"
	nget=$((nget + n))
done
echo "$nget GETs, $((3 * writes)) writes"

stop_server
[ "$server_status" -eq 0 ] || fail "techwin serve exited $server_status"
