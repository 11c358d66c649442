# Helpers for the notify tests (t0210-t0219), sourced after tests/cli/lib.sh
# or tests/web/lib.sh, from the test's temporary directory:
#
#   start_smtpd [PORT]    aiosmtpd on 127.0.0.1 (PORT: the same one again),
#                         messages in ./mail; sets smtp_port, smtpd_pid
#   stop_smtpd            stop it, and wait
#   start_hook LOG SECRET [FAIL [SLEEP]]   the webhook receiver (hook.py);
#                         sets hook_port, hook_pid (HOOK_PORT=N: on port N)
#   stop_hook             stop it
#   wait_for FILE-TEST TIMEOUT  poll until `test FILE-TEST` holds
#   mails                 how many messages ./mail holds
#   hooks LOG             how many POSTs LOG holds
#
# Every server is stopped when the test exits (notify_cleanup, chained to
# the caller's EXIT trap by notify_trap).
NOTIFY_DIR=$TW_SRC/tests/cli/notify
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
smtpd_pid= hook_pid=

wait_port() {
	i=0
	while [ ! -s "$1" ]; do
		i=$((i + 1))
		[ "$i" -le 300 ] && kill -0 "$2" 2>/dev/null ||
			fail "$3 did not start"
		sleep 0.05
	done
}

start_smtpd() {
	rm -f smtpd.port
	"$PY" "$NOTIFY_DIR/smtpd.py" smtpd.port mail ${1:+"$1"} 2>>smtpd.log &
	smtpd_pid=$!
	wait_port smtpd.port "$smtpd_pid" "the SMTP server"
	smtp_port=$(cat smtpd.port)
}

stop_smtpd() {
	kill -TERM "$smtpd_pid" 2>/dev/null || true
	wait "$smtpd_pid" 2>/dev/null || true
	smtpd_pid=
}

start_hook() {
	rm -f hook.port
	"$PY" "$NOTIFY_DIR/hook.py" hook.port "$@" 2>>hook.err &
	hook_pid=$!
	wait_port hook.port "$hook_pid" "the webhook receiver"
	hook_port=$(cat hook.port)
}

stop_hook() {
	kill -TERM "$hook_pid" 2>/dev/null || true
	wait "$hook_pid" 2>/dev/null || true
	hook_pid=
}

notify_cleanup() {
	[ -z "$smtpd_pid" ] || kill -KILL "$smtpd_pid" 2>/dev/null || true
	[ -z "$hook_pid" ] || kill -KILL "$hook_pid" 2>/dev/null || true
}

wait_for() {
	i=0
	while ! eval "$1"; do
		i=$((i + 1))
		[ "$i" -le $(($2 * 20)) ] || fail "timed out waiting for: $1"
		sleep 0.05
	done
}

mails() {
	ls mail 2>/dev/null | grep -c '\.eml$' || true
}

hooks() {
	[ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0
}
