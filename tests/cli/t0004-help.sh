#!/bin/sh
# t0004-help: every command listed by `techwin help` answers `techwin help
# CMD` and `techwin CMD --help` (exit 0, a usage line), and it and each of
# its subcommands are documented in docs/techwin.1. A new command or
# subcommand without help or a man page entry fails here.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_DB TECHWIN_TODAY
export LC_ALL=C
man=$TW_SRC/docs/techwin.1

[ -f "$man" ] || fail "no man page at $man"
# The COMMANDS section of the man page, where each command is an item.
sed -n '/^\.SH COMMANDS/,/^\.SH /p' "$man" >commands.man
[ -s commands.man ] || fail "docs/techwin.1 has no COMMANDS section"

# documented WORDS: an item line (.B/.BI/.BR) that starts with WORDS.
documented() {
	grep -Eq "^\.(B|BI|BR) \"?$1([ \"]|\$)" commands.man
}

expect 0 help
cp out help.txt
grep -q '^usage: techwin ' help.txt || fail "techwin help has no usage line"
cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' help.txt)
[ "$(echo "$cmds" | wc -w)" -ge 12 ] || fail "too few commands listed: $cmds"
# `techwin --help` and `techwin -h` are the same list.
expect 0 --help
cmp -s out help.txt || fail "techwin --help differs from techwin help"
expect 0 -h
cmp -s out help.txt || fail "techwin -h differs from techwin help"

for c in $cmds; do
	expect 0 help "$c"
	cp out "help-$c.txt"
	[ ! -s err ] || fail "techwin help $c wrote to stderr: $(cat err)"
	head -n 1 "help-$c.txt" | grep -q "^usage: techwin $c\\b" ||
		fail "techwin help $c does not start with 'usage: techwin $c'"
	# The summary from the list is repeated in the command's help.
	summary=$(sed -n "s/^  $c  *//p" help.txt)
	grep -qF "$summary" "help-$c.txt" ||
		fail "techwin help $c lacks its summary '$summary'"

	expect 0 "$c" --help
	cmp -s out "help-$c.txt" || fail "techwin $c --help differs from help $c"
	expect 0 "$c" -h
	cmp -s out "help-$c.txt" || fail "techwin $c -h differs from help $c"

	documented "$c" || fail "command '$c' is not documented in docs/techwin.1"

	# Subcommands: "usage: techwin deal add ..." / "   or: techwin deal list".
	subs=$(sed -n "s/^\\(usage\\|   or\\): techwin $c \\([a-z][a-z-]*\\).*/\\2/p" \
		"help-$c.txt" | sort -u)
	for s in $subs; do
		# Only lowercase words match: SLUG, FILE, COMMAND are
		# placeholders, not subcommands.
		documented "$c $s" ||
			fail "'$c $s' is not documented in docs/techwin.1"
		expect 0 "$c" "$s" --help
		cmp -s out "help-$c.txt" ||
			fail "techwin $c $s --help differs from help $c"
	done
done

# Asking for help never needs a database.
[ ! -e techwin.db ] || fail "help created ./techwin.db"

# Help for an unknown command is a usage error.
expect 2 help no-such-command
grep -q "unknown command 'no-such-command'" err || fail "help unknown: $(cat err)"
