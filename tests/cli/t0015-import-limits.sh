#!/bin/sh
# t0015-import-limits: what the importers refuse before it costs memory,
# time or a signal (issue 12), each with exit 3 and a message naming it,
# the database unchanged:
#   - a path that is not a regular file (a device through a symlink, a
#     FIFO, a directory), for plan files, CRM exports and mapping files;
#     a symlink to a regular file is fine;
#   - a plan file over 8 MiB, from a path or endless standard input;
#   - aliases that expand a plan past 8 MiB (at the alias's line), and
#     nesting deeper than 32 levels (at its line), both in well under a
#     second.
# And past the file size limit (ulimit -f), with SIGXFSZ at its default,
# an import exits 4 saying so instead of dying of the signal (153).
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB=$tmp/t.db TECHWIN_USER=tester TECHWIN_TODAY=2026-11-26
export LC_ALL=C

# Like expect, but a hang is a failure too: every refusal is immediate.
expect_soon() {
	want=$1
	shift
	set +e
	timeout 20 "$TECHWIN" "$@" >out 2>err </dev/null
	got=$?
	set -e
	[ "$got" -ne 124 ] || fail "techwin $* still ran after 20 s"
	if [ "$got" -ne "$want" ]; then
		cat out err >&2
		fail "techwin $* exited $got, expected $want"
	fi
}

no_deals() {
	tw --json deal list >list
	[ "$(cat list)" = "[]" ] || fail "a refused import wrote: $(cat list)"
}

tw init >/dev/null
cp "$TW_SRC/examples/alder-energy.yaml" plan.yaml

# ---- not a regular file ----------------------------------------------------
ln -s /dev/zero zero.yaml
expect_soon 3 import zero.yaml
error_is "cannot read 'zero.yaml': it is a device, not a regular file"
mkfifo fifo.yaml
expect_soon 3 import fifo.yaml
error_is "cannot read 'fifo.yaml': it is a FIFO, not a regular file"
mkdir dir.yaml
expect_soon 3 import plan.yaml dir.yaml
error_is "cannot read 'dir.yaml': it is a directory, not a regular file"
expect_soon 3 import --from salesforce zero.yaml
error_is "cannot read 'zero.yaml': it is a device, not a regular file"
expect_soon 3 import --from hubspot --map fifo.yaml plan.yaml
error_is "cannot read 'fifo.yaml': it is a FIFO, not a regular file"
no_deals

# ---- too large -------------------------------------------------------------
# 9 MiB of comment: a valid plan file but for its size.
cat plan.yaml >big.yaml
head -c 9437184 /dev/zero | tr '\0' '#' >>big.yaml
expect_soon 3 import big.yaml
error_is "'big.yaml' is larger than 8 MiB, the limit for a plan file"
set +e
timeout 20 "$TECHWIN" import - </dev/zero >out 2>err
got=$?
set -e
[ "$got" -eq 3 ] || fail "import - </dev/zero exited $got, expected 3"
error_is "standard input is larger than 8 MiB, the limit for a plan file"
no_deals

# A symlink to a regular file is read like the file.
ln -s plan.yaml link.yaml
expect 0 import link.yaml
tw deal rm alder-energy >/dev/null

# ---- aliases and nesting ---------------------------------------------------
# A 1.1 MB file: 2,000 aliases of a 1 MiB value. The 8th passes 8 MiB.
python3 - >bomb.yaml <<'EOF'
print("version: 1\ndeal:\n  slug: bomb\n  account: &big " + "x" * (1 << 20))
print("events:")
for i in range(2000):
    print("  - {key: e%d, kind: technical, title: *big}" % i)
EOF
expect_soon 3 import bomb.yaml
error_is "bomb.yaml:12:39: aliases expand the plan past 8 MiB, the limit for a plan file"
python3 -c 'print("version: 1\ndeal: " + "[" * 100000 + "]" * 100000)' >deep.yaml
expect_soon 3 import deep.yaml
error_is "deep.yaml:2:38: nested deeper than 32 levels, the limit for a plan file"
python3 -c 'print("version: 1\ndeal: " + "{a: " * 100000)' >deep.yaml
expect_soon 3 import deep.yaml
error_is "deep.yaml:2:131: nested deeper than 32 levels, the limit for a plan file"
no_deals

# ---- the file size limit ---------------------------------------------------
# 300 deals make a WAL of some 400 KB; 100 KiB is less. SIGXFSZ is set to
# its default here, whatever this shell inherited.
"$TW_SRC/tests/cli/gen-deals.sh" 300 plans 1
set +e
python3 - "$TECHWIN" plans/*.yaml >out 2>err <<'EOF'
import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
resource.setrlimit(resource.RLIMIT_FSIZE, (100 << 10, 100 << 10))
os.execv(sys.argv[1], [sys.argv[1], "import"] + sys.argv[2:])
EOF
got=$?
set -e
[ "$got" -eq 4 ] || fail "import past ulimit -f exited $got, expected 4: $(cat err)"
error_is "file too large writing '$TECHWIN_DB' \(over the file size limit\)"
no_deals
