#!/bin/sh
# t0222: .eml drafts carry From (the deal's SE: the user whose full name
# is the SE's, set with user set --email --full-name; or --from) and a
# Message-ID, and Python's email package reads them as a mail client
# would. A draft without a sender is refused and nothing is written. The
# compress message never promises a date that has passed.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-06-26 TECHWIN_USER=tester \
	TECHWIN_NOW=2026-06-26T09:30:00Z TECHWIN_PWHASH_FAST=1 LC_ALL=C

tw init >/dev/null
tw deal add acme --account "Acme Corp" --se "Tomás Ferreira" --ae "Dana Kim" \
	--champion "José Núñez" --champion-email jose@acme.example >/dev/null
tw criterion add acme batch --metric "Nightly batch" --unit min --at-most 15 >/dev/null
tw criterion record acme batch 9 --on 2026-06-26 >/dev/null

# No user for the SE: refused, naming the way out; no file.
expect 3 message acme compress --format eml -o d.eml
error_is "the draft needs a From: no user named 'Tomás Ferreira' \(the SE of deal 'acme'\) has an e-mail; set one with 'techwin user set NAME --email ADDRESS --full-name \"Tomás Ferreira\"', or pass --from ADDRESS"
[ ! -e d.eml ] || fail "a refused draft was written"

expect 3 user set nobody --email a@b.example
grep -q "unknown user 'nobody'" err || fail "unknown user: $(cat err)"
printf 'password1\n' | tw user add tomas --role editor >/dev/null
tw user set tomas --email tomas.ferreira@vendor.example \
	--full-name "Tomás Ferreira" >/dev/null
expect 0 history
grep -q "user 'tomas' email: (none) -> tomas.ferreira@vendor.example$" out ||
	fail "history: $(cat out)"

tw message acme compress --format eml -o d.eml
tw message acme compress --format eml -o d2.eml
tw message acme compress --format eml --from "Sam Rivera <sam@vendor.example>" -o d3.eml
/usr/bin/python3 - <<'PY' || fail "the drafts do not parse as mail"
import email, email.policy, email.utils
def load(p):
    with open(p, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)
m = load("d.eml")
assert str(m["From"]) == "Tomás Ferreira <tomas.ferreira@vendor.example>", m["From"]
assert m["From"].addresses[0].addr_spec == "tomas.ferreira@vendor.example"
assert m["From"].addresses[0].display_name == "Tomás Ferreira"
assert m["To"].addresses[0].display_name == "José Núñez", m["To"]
mid = m["Message-ID"]
assert mid and mid.startswith("<") and mid.endswith("@vendor.example>"), mid
assert email.utils.unquote(mid).count("@") == 1
assert m["X-Unsent"] == "1"
assert "next steps" in m["Subject"]
assert "Tomás Ferreira" in m.get_content()
# The same draft twice: the same id; another sender: another.
assert load("d2.eml")["Message-ID"] == mid
m3 = load("d3.eml")
assert m3["From"].addresses[0].addr_spec == "sam@vendor.example"
assert m3["From"].addresses[0].display_name == "Sam Rivera"
assert m3["Message-ID"] != mid and m3["Message-ID"].endswith("@vendor.example>")
PY

# The plan's proposal date is Tue 06-30; asked on Wed 07-01 the message
# proposes Thu 07-02 and says the plan's date has passed.
expect 0 --today 2026-07-01 message acme compress
grep -q "a proposal with you by Thursday 2 July 2026" out || fail "next business day: $(cat out)"
grep -q "The plan had the proposal for Tuesday 30 June 2026, which has passed" out ||
	fail "not said: $(cat out)"
grep -q "Tuesday 30 June" out && ! grep -q "had the proposal for Tuesday 30 June" out &&
	fail "a past date promised: $(cat out)"
grep -q "^warning: the plan's proposal date 2026-06-30 is already past" err ||
	fail "no warning: $(cat err)"
# On the proposal day itself the plan holds.
expect 0 --today 2026-06-30 message acme compress
grep -q "a proposal with you by Tuesday 30 June 2026" out || fail "on the day: $(cat out)"
grep -q "has passed" out && fail "on the day: $(cat out)"
echo "t0222: ok"
