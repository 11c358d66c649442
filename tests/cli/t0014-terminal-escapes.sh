#!/bin/sh
# t0014-terminal-escapes: text stored before input was checked (ESC, BEL,
# CR, BS, DEL, a C1 CSI) cannot drive the terminal of whoever lists it.
# On a terminal every command's output shows such controls as C escapes
# (\033, \a, \r, \b, \177, \302\233), tabs and line feeds as they are;
# --json spells them \u00XX and stays JSON with the same text. A pipe gets
# the bytes as stored, for scripts.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C

# on_tty ARGS...: run techwin ARGS on a pseudo-terminal (output post-
# processing off, so the bytes are techwin's own); its output in ./tty.
cat >on-tty.py <<'PY'
import os, pty, sys, termios
pid, fd = pty.fork()
if pid == 0:
    a = termios.tcgetattr(1)
    a[1] &= ~termios.OPOST
    termios.tcsetattr(1, termios.TCSANOW, a)
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, status = os.waitpid(pid, 0)
open("tty", "wb").write(out)
sys.exit(os.waitstatus_to_exitcode(status))
PY
on_tty() {
	"$PYTHON" on-tty.py "$TECHWIN" "$@" || fail "techwin $* on a tty exited $?"
}

# no_controls: ./tty has no control byte but tab, line feed and CR LF.
no_controls() {
	"$PYTHON" - "$1" <<'PY' || fail "$1 on a tty: raw controls: $(od -c tty | head)"
import re, sys
b = open("tty", "rb").read().replace(b"\r\n", b"\n")
sys.exit(1 if re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]", b) else 0)
PY
}

tw init >/dev/null
tw deal add acme --account "Acme Corp" >/dev/null
# What the attack stored, as the importers once let it in.
q "UPDATE deals SET
   account = 'Acme' || char(27) || ']0;PWNED' || char(7) || char(27) ||
	     '[2J' || char(13) || 'x' || char(8) || char(127) || char(155) ||
	     '31m',
   champion = 'Dana' || char(9) || 'Lee' || char(27) || '[1A'
   WHERE slug = 'acme'"
shown='Acme\033]0;PWNED\a\033[2J\rx\b\177\302\23331m'

for cmd in "deal list" "deal show acme"; do
	# shellcheck disable=SC2086
	on_tty $cmd
	no_controls "$cmd"
	grep -qF "$shown" tty || fail "$cmd on a tty: $(cat tty)"
done
grep -qF "$(printf 'Dana\tLee\\033[1A')" tty ||
	fail "deal show: the champion with its tab: $(cat tty)"
# Every command goes the same way, not only the two above.
on_tty history acme
no_controls history

# --json on a terminal: still JSON, and it reads back as stored.
on_tty --json deal show acme
no_controls "--json deal show"
stored=$(q "SELECT hex(account) FROM deals WHERE slug = 'acme'")
"$PYTHON" -c 'import json, sys
d = json.load(open("tty", encoding="utf-8"))
assert d["account"].encode().hex().upper() == sys.argv[1], d["account"]' \
	"$stored" || fail "--json on a tty: $(cat tty)"

# A pipe gets the bytes as stored.
expect 0 deal show acme
[ "$(head -n 1 out | od -An -tx1 | tr -d ' \n')" = \
	"$(printf 'deal acme: ' | od -An -tx1 | tr -d ' \n')$(echo "$stored" |
		tr 'A-F' 'a-f')0a" ] || fail "a pipe got changed bytes: $(od -c out)"
echo "t0014-terminal-escapes: ok"
