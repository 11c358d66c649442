#!/bin/sh
# t0013-db-mode: the database holds password hashes, sessions and every
# deal, so only its owner may read it. init makes it 0600 whatever the
# umask, and the -wal and -shm beside it follow (SQLite gives them the
# database's mode). Opening one that others can access warns, once a
# process, naming the file and the fix, and still works.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
server_pid=
cleanup() {
	[ -z "$server_pid" ] || kill -KILL "$server_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C

mode() {
	stat -c %a "$1"
}

# serve_while CMD...: run techwin serve (its stderr in ./serve.err), run
# CMD once it listens on $base, then stop it.
serve_while() {
	rm -f port
	"$TECHWIN" serve --listen 127.0.0.1:0 --port-file port 2>serve.err &
	server_pid=$!
	i=0
	while [ ! -s port ]; do
		i=$((i + 1))
		[ "$i" -le 500 ] && kill -0 "$server_pid" 2>/dev/null ||
			fail "serve did not start: $(cat serve.err)"
		sleep 0.01
	done
	base="http://127.0.0.1:$(cat port)"
	"$@"
	kill -TERM "$server_pid"
	wait "$server_pid" || true
	server_pid=
}

# The -wal and -shm that serve keeps open beside the database are private.
wal_private() {
	for f in t.db-wal t.db-shm; do
		[ -f "$f" ] || fail "no $f while serve runs"
		[ "$(mode "$f")" = 600 ] || fail "$f is $(mode "$f")"
	done
}

for mask in 022 000; do
	rm -f t.db
	(umask $mask && "$TECHWIN" init >out 2>err) ||
		fail "init under umask $mask: $(cat err)"
	[ "$(mode t.db)" = 600 ] ||
		fail "init under umask $mask made t.db $(mode t.db)"
	[ ! -s err ] || fail "init warned: $(cat err)"
done
umask 022
expect 0 deal add acme --account "Acme Corp"
[ ! -s err ] || fail "a private database warned: $(cat err)"
[ "$(mode t.db)" = 600 ] || fail "a write changed the mode to $(mode t.db)"

# While serve has it open, the -wal and -shm are there, and private too.
serve_while wal_private
! grep -q "other users" serve.err || fail "serve warned: $(cat serve.err)"

# A database others can read: a warning, the command still works.
chmod 644 t.db
expect 0 deal list
grep -q '^acme ' out || fail "deal list: $(cat out)"
[ "$(cat err)" = "warning: other users can access '$TECHWIN_DB' (mode 0644), \
which holds password hashes and sessions: run 'chmod 600 $TECHWIN_DB'" ] ||
	fail "warning: $(cat err)"
chmod 640 t.db
expect 0 --json deal list
grep -q "(mode 0640)" err || fail "group-readable: $(cat err)"
[ "$(mode t.db)" = 640 ] || fail "techwin changed the mode itself"

# Once a process, though serve opens a connection per worker.
get_login() {
	curl -s -o page.html "$base/login" || fail "serve did not answer"
}
serve_while get_login
[ "$(grep -c "other users can access" serve.err)" = 1 ] ||
	fail "serve warned other than once: $(cat serve.err)"

chmod 600 t.db
expect 0 deal list
[ ! -s err ] || fail "warned after chmod 600: $(cat err)"
echo "t0013-db-mode: ok"
