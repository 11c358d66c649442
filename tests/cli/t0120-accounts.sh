#!/bin/sh
# t0120-accounts: user, token and share keep secrets out of the database.
# Passwords are read with echo off on a terminal (asked twice) or as the
# first line of stdin, and stored as Argon2id hashes that verify (checked
# with libsodium itself); tokens and share links are printed once and
# stored as their SHA-256; no file of the database ever holds a password or
# a token; removing a user takes its sessions and tokens; passwd signs the
# user out and revokes its tokens (unless --keep-tokens); a locked
# database is exit 4.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
command -v sqlite3 >/dev/null || { echo "FAIL: sqlite3 CLI missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	TECHWIN_PWHASH_FAST=1 LC_ALL=C

# The secret must be in no file of the database (main, WAL, journal) and
# not in a dump of it.
not_stored() {
	for f in "$TECHWIN_DB" "$TECHWIN_DB-wal" "$TECHWIN_DB-journal"; do
		[ -f "$f" ] || continue
		if grep -aqF -e "$1" "$f"; then
			fail "$2 found in $f"
		fi
	done
	if sqlite3 "$TECHWIN_DB" .dump | grep -qF -e "$1"; then
		fail "$2 found in the dump"
	fi
}

# verify HASH PASSWORD: libsodium's own check of an Argon2id string.
verify() {
	python3 - "$1" "$2" <<'PY'
import ctypes, ctypes.util, sys
lib = ctypes.CDLL(ctypes.util.find_library("sodium"))
assert lib.sodium_init() >= 0
h, pw = sys.argv[1].encode(), sys.argv[2].encode()
sys.exit(0 if lib.crypto_pwhash_str_verify(h, pw, ctypes.c_ulonglong(len(pw))) == 0 else 1)
PY
}

sha256() {
	printf %s "$1" | sha256sum | cut -c1-64
}

expect 0 init
expect 0 deal add acme --account "Acme Corp"

# ---- passwords from stdin --------------------------------------------------

printf 'pass1234\n' | expect 0 user add alice --role admin
h=$(q "SELECT pw_hash FROM users WHERE name = 'alice'")
case $h in '$argon2id$'*) ;; *) fail "alice's hash is '$h'" ;; esac
verify "$h" pass1234 || fail "alice's hash does not verify pass1234"
! verify "$h" pass12345 || fail "alice's hash verifies a wrong password"

# Only the first line counts, without its CR LF.
printf 'editor-pw-9\r\nsecond line\n' | expect 0 user add carol --role editor
h=$(q "SELECT pw_hash FROM users WHERE name = 'carol'")
verify "$h" editor-pw-9 || fail "CR LF was kept in carol's password"
# A last line without a newline is fine.
printf 'no-newline-pw' | expect 0 user add dave --role viewer
verify "$(q "SELECT pw_hash FROM users WHERE name = 'dave'")" \
	no-newline-pw || fail "dave's password without newline"

# Refused passwords leave no user behind.
printf '\n' | expect 3 user add erin --role viewer
grep -q "empty password" err || fail "empty password: $(cat err)"
printf 'seven77\n' | expect 3 user add erin --role viewer
grep -q "shorter than 8 characters" err || fail "short: $(cat err)"
expect 3 user add erin --role viewer </dev/null
[ "$(q "SELECT count(*) FROM users WHERE name = 'erin'")" = 0 ] ||
	fail "a refused add created erin"

# ---- passwords from a terminal ----------------------------------------------

# tty NAME PW1 PW2 ARGS...: run techwin on a pseudo-terminal, answer the
# two prompts, and print what the terminal showed, then "exit N".
cat >answer-prompts.py <<'PY'
import os, pty, sys, time
pw1, pw2, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen = b""
def until(text, limit=10):
    global seen
    end = time.time() + limit
    while text not in seen and time.time() < end:
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return text in seen
if until(b"Password: "):
    os.write(fd, pw1.encode() + b"\n")
    if until(b"Retype password: "):
        os.write(fd, pw2.encode() + b"\n")
until(b"\x00", 2)
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
print("exit %d" % os.waitstatus_to_exitcode(status))
PY
python3 answer-prompts.py tty-pass-1 tty-pass-1 "$TECHWIN" user add frank --role editor \
	>tty.out
grep -q "^exit 0" tty.out || fail "terminal add: $(cat tty.out)"
grep -q "Password: " tty.out || fail "no prompt: $(cat tty.out)"
grep -q "Retype password: " tty.out || fail "no second prompt: $(cat tty.out)"
! grep -q "tty-pass-1" tty.out || fail "the password was echoed: $(cat tty.out)"
grep -q "added user 'frank' (editor)" tty.out || fail "terminal add: $(cat tty.out)"
verify "$(q "SELECT pw_hash FROM users WHERE name = 'frank'")" tty-pass-1 ||
	fail "frank's hash does not verify"

python3 answer-prompts.py tty-pass-1 tty-pass-2 "$TECHWIN" user add gina --role editor \
	>tty.out
grep -q "^exit 3" tty.out || fail "mismatch: $(cat tty.out)"
grep -q "passwords do not match" tty.out || fail "mismatch: $(cat tty.out)"
[ "$(q "SELECT count(*) FROM users WHERE name = 'gina'")" = 0 ] ||
	fail "a mismatched add created gina"

# ---- passwd signs the user out and revokes its tokens ------------------------

for s in s1:alice s2:alice s3:carol; do
	q "INSERT INTO sessions VALUES ('${s%%:*}',
	   (SELECT id FROM users WHERE name = '${s#*:}'), 'c', 4102444800)"
done
for t in old1:alice old2:alice other:carol; do
	expect 0 token add "${t%%:*}" --user "${t#*:}"
done
printf 'new-alice-pw\n' | expect 0 user passwd alice
h=$(q "SELECT pw_hash FROM users WHERE name = 'alice'")
verify "$h" new-alice-pw || fail "passwd did not store the new password"
! verify "$h" pass1234 || fail "the old password still verifies"
[ "$(q "SELECT group_concat(id_hash) FROM sessions")" = s3 ] ||
	fail "passwd left sessions: $(q "SELECT id_hash FROM sessions")"
[ "$(q "SELECT role FROM users WHERE name = 'alice'")" = admin ] ||
	fail "passwd changed the role"
[ "$(cat out)" = "changed the password of user 'alice'; its sessions are \
signed out and 2 API tokens revoked" ] || fail "passwd said: $(cat out)"
[ "$(q "SELECT group_concat(name) FROM tokens")" = other ] ||
	fail "passwd left tokens: $(q "SELECT name FROM tokens")"

# --keep-tokens: the sessions still go, the tokens stay.
expect 0 token add kept --user alice
q "INSERT INTO sessions VALUES ('s5',
   (SELECT id FROM users WHERE name = 'alice'), 'c', 4102444800)"
printf 'new-alice-pw\n' | expect 0 user passwd --keep-tokens alice
grep -q "signed out and its API tokens kept$" out || fail "passwd: $(cat out)"
[ "$(q "SELECT group_concat(name) FROM
	(SELECT name FROM tokens ORDER BY name)")" = kept,other ] ||
	fail "--keep-tokens: $(q "SELECT name FROM tokens")"
[ "$(q "SELECT count(*) FROM sessions WHERE id_hash = 's5'")" = 0 ] ||
	fail "--keep-tokens kept the session"
expect 2 user passwd --keep-tokens
expect 0 token rm kept
expect 0 token rm other

# ---- tokens ------------------------------------------------------------------

expect 0 token add ci --user alice
t1=$(cat out)
grep -q "shown only this once" err || fail "token note: $(cat err)"
expect 0 token add cal --user carol
t2=$(cat out)
for t in "$t1" "$t2"; do
	echo "$t" | grep -Eqx '[A-Za-z0-9_-]{43}' || fail "token '$t'"
done
[ "$t1" != "$t2" ] || fail "two tokens are the same"
[ "$(q "SELECT hash FROM tokens WHERE name = 'ci'")" = "$(sha256 "$t1")" ] ||
	fail "the stored hash is not the token's SHA-256"
expect 0 --json token add json --user dave
python3 -c '
import json, re
o = json.load(open("out"))
assert set(o) == {"name", "user", "token", "created"}, o
assert re.fullmatch(r"[A-Za-z0-9_-]{43}", o["token"]), o
assert o["name"] == "json" and o["user"] == "dave", o
' || fail "token add --json"
t3=$(python3 -c 'import json; print(json.load(open("out"))["token"])')
expect 0 token list
for t in "$t1" "$t2" "$t3"; do
	! grep -qF -e "$t" out || fail "token list shows a token"
	! grep -qF "$(sha256 "$t")" out || fail "token list shows a hash"
done
expect 0 --json token list
! grep -q hash out || fail "token list --json has a hash"
expect 0 --json user list
! grep -q argon2 out || fail "user list --json shows a hash"

# ---- share links -------------------------------------------------------------

expect 0 share acme --expires 2026-12-31
u1=$(cat out)
echo "$u1" | grep -Eqx 'http://127\.0\.0\.1:8080/share/[A-Za-z0-9_-]{43}' ||
	fail "share url '$u1'"
expect 0 share acme --base-url https://tw.example.com//
u2=$(cat out)
echo "$u2" | grep -Eqx 'https://tw\.example\.com/share/[A-Za-z0-9_-]{43}' ||
	fail "share url '$u2'"
s1=${u1##*/}
s2=${u2##*/}
[ "$s1" != "$s2" ] || fail "two share tokens are the same"
[ "$(q "SELECT hash FROM shares WHERE id = 1")" = "$(sha256 "$s1")" ] ||
	fail "the stored share hash is not the token's SHA-256"
[ "$(q "SELECT expires FROM shares WHERE id = 1")" = 2026-12-31 ] ||
	fail "share expiry not stored"
expect 0 share list
! grep -qF -e "$s1" out || fail "share list shows a token"

# ---- nothing secret in the database -----------------------------------------

for pw in pass1234 editor-pw-9 no-newline-pw tty-pass-1 new-alice-pw; do
	not_stored "$pw" "password '$pw'"
done
for t in "$t1" "$t2" "$t3" "$s1" "$s2"; do
	not_stored "$t" "token '$t'"
done

# ---- removal -----------------------------------------------------------------

expect 0 token rm ci
[ "$(q "SELECT count(*) FROM tokens WHERE name = 'ci'")" = 0 ] ||
	fail "token rm left the token"
expect 3 token rm ci
q "INSERT INTO sessions VALUES ('s4',
   (SELECT id FROM users WHERE name = 'carol'), 'c', 4102444800)"
expect 0 user rm carol
grep -q "revoked its sessions and 1 token" out || fail "user rm: $(cat out)"
[ "$(q "SELECT count(*) FROM sessions")" = 0 ] || fail "carol's sessions stayed"
[ "$(q "SELECT count(*) FROM tokens WHERE name = 'cal'")" = 0 ] ||
	fail "carol's token stayed"
[ "$(q "SELECT count(*) FROM tokens")" = 1 ] || fail "dave's token went too"
expect 0 share rm 1
[ "$(q "SELECT count(*) FROM shares WHERE id = 1")" = 0 ] ||
	fail "share rm left the link"

# ---- a locked database is a storage failure (exit 4), and changes nothing --

python3 - "$TECHWIN_DB" <<'PY' &
import sqlite3, sys, time, os
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
while not os.path.exists("done"):
    time.sleep(0.05)
c.execute("ROLLBACK")
PY
locker=$!
i=0
while [ ! -e locked ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e locked ] || fail "could not lock the database"
before=$(q "SELECT count(*) FROM tokens")
expect 4 token add locked --user dave
grep -q "database is locked" err || fail "locked: $(cat err)"
touch done
wait "$locker"
[ "$(q "SELECT count(*) FROM tokens")" = "$before" ] ||
	fail "a failed token add wrote a token"
