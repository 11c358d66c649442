#!/bin/sh
# with-cluster.sh CMD [ARGS...]: run CMD against a throwaway PostgreSQL
# cluster, so the PostgreSQL tests need no server set up beforehand.
#
# initdb makes the cluster in a fresh temporary directory; the server listens
# on a Unix socket in that directory only (no TCP), on a free port number,
# with durability off (fsync) since the data is thrown away. It runs as an
# unprivileged user: initdb refuses root, so as root (CI) the cluster belongs
# to the system user techwin-test, created when missing; otherwise to the
# caller. The server is stopped and the directory removed however CMD ends.
#
# CMD sees:
#   TW_TEST_PG_URL   postgresql:// URL of the cluster's "postgres" database
#   TW_TEST_PG_HOST  the socket directory
#   TW_TEST_PG_PORT  the port
#   TW_TEST_PG_USER  the cluster's superuser ("techwin")
#   TW_TEST_PG_BIN   the directory of the server's programs (psql, ...)
# and its exit status is this script's.
set -eu
# useradd and runuser live in sbin, not always on a root's PATH in CI.
PATH=$PATH:/usr/sbin:/sbin

[ $# -gt 0 ] || { echo "usage: with-cluster.sh CMD [ARGS...]" >&2; exit 2; }

# The newest server on the machine (Debian: /usr/lib/postgresql/N/bin).
bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
	if [ -x "$d/initdb" ]; then
		bindir=$d
		break
	fi
done
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
	bindir=$(dirname "$(command -v initdb)")
fi
if [ -z "$bindir" ]; then
	echo "with-cluster: no PostgreSQL server found (initdb); run" \
	     "scripts/install-deps" >&2
	exit 1
fi

owner=""
if [ "$(id -u)" -eq 0 ]; then
	owner=techwin-test
	# Tests run in parallel: another may be creating the user right now.
	tries=0
	until id "$owner" >/dev/null 2>&1; do
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$owner" 2>/dev/null || true
		tries=$((tries + 1))
		if [ $tries -ge 10 ]; then
			echo "with-cluster: cannot create user $owner" >&2
			exit 1
		fi
		id "$owner" >/dev/null 2>&1 || sleep 1
	done
fi

# From /: the caller's directory (a CI clone under /root) may be closed to
# the owner, and the server's programs want to stand somewhere they can.
as_owner() {
	if [ -n "$owner" ]; then
		(cd / && runuser -u "$owner" -- "$@")
	else
		"$@"
	fi
}

# Short and under /tmp: a socket path must fit in 107 bytes.
dir=$(mktemp -d /tmp/tw-pg.XXXXXX)
started=""
cleanup() {
	if [ -n "$started" ]; then
		as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w \
			stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
[ -z "$owner" ] || chown "$owner" "$dir"
chmod 700 "$dir"

if ! as_owner "$bindir/initdb" -D "$dir/data" -U techwin -A trust -E UTF8 \
	--locale=C --no-sync >"$dir/initdb.log" 2>&1; then
	cat "$dir/initdb.log" >&2
	echo "with-cluster: initdb failed" >&2
	exit 1
fi

# A free TCP port, though the server only names its socket after it.
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) || port=$((20000 + $$ % 20000))

opts="-c listen_addresses='' -k $dir -p $port -c fsync=off"
opts="$opts -c synchronous_commit=off -c full_page_writes=off"
opts="$opts -c max_connections=40 -c shared_buffers=16MB"
started=yes
if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
	-t 60 -o "$opts" start >/dev/null 2>&1; then
	cat "$dir/server.log" >&2 2>/dev/null || true
	echo "with-cluster: the server did not start" >&2
	exit 1
fi

export TW_TEST_PG_HOST="$dir" TW_TEST_PG_PORT="$port" TW_TEST_PG_USER=techwin
export TW_TEST_PG_BIN="$bindir"
export TW_TEST_PG_URL="postgresql:///postgres?host=$dir&port=$port&user=techwin"

# In the background, so a signal interrupts the wait and the trap stops
# the server now, not once CMD is done; CMD keeps this script's stdin.
exec 3<&0
"$@" <&3 3<&- &
child=$!
exec 3<&-
trap 'kill "$child" 2>/dev/null; exit 129' HUP
trap 'kill "$child" 2>/dev/null; exit 130' INT
trap 'kill "$child" 2>/dev/null; exit 143' TERM
set +e
wait "$child"
status=$?
set -e
if [ $status -ne 0 ] && [ -s "$dir/server.log" ]; then
	echo "--- with-cluster: server log" >&2
	tail -n 30 "$dir/server.log" >&2
fi
exit $status
