#!/bin/sh
# t0210-notify-cli: techwin notify's commands and settings. Each notify.*
# setting is checked before it is stored; subscribe and webhook add refuse
# what could never be delivered (a bad address or URL, an SE no deal has,
# an unreadable secret file) with exit 3 or 2 and write nothing; list shows
# whether a webhook is signed and never its secret; --dry-run says what
# would go and changes nothing in the database; a change to a deal writes
# its events in the same transaction (a refused change writes none).
set -eu
. "$(dirname "$0")/lib.sh"
: "${TECHWIN:?}" "${TW_SRC:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-11-26 TECHWIN_USER=tester \
	LC_ALL=C

tw init >/dev/null
tw import "$TW_SRC/examples/harbor-logistics.yaml" \
	"$TW_SRC/examples/kestrel-rail.yaml" >/dev/null
se=$(q "SELECT se FROM deals WHERE slug = 'kestrel-rail'")

# Settings: each refused with what was expected; nothing stored.
expect 3 config set notify.smtp_url http://mail.example.com
error_is "notify.smtp_url: expected smtp://HOST\[:PORT\] or smtps://HOST\[:PORT\], got 'http://mail.example.com'"
expect 3 config set notify.smtp_url smtp://sam:pw@mail.example.com
grep -q "no user or password in the URL" err || fail "password in URL: $(cat err)"
expect 3 config set notify.from not-an-address
error_is "notify.from: expected an e-mail address \(local@domain\), got 'not-an-address'"
expect 3 config set notify.digest_at 25:00
expect 3 config set notify.digest_at 8
expect 3 config set notify.timezone Mars/Olympus
expect 3 config set notify.timezone ../../etc/passwd
expect 3 config set notify.smtp_password_file relative/path
expect 3 config set notify.base_url ftp://x
[ -z "$(q "SELECT key FROM settings WHERE key LIKE 'notify.%'")" ] ||
	fail "a refused setting was stored"
expect 0 config set notify.digest_at 7:05
[ "$(cat out)" = "notify.digest_at = 07:05" ] || fail "digest_at: $(cat out)"
expect 0 config set notify.timezone Europe/Paris
expect 0 config set notify.base_url https://tw.example.com/
[ "$(q "SELECT value FROM settings WHERE key = 'notify.base_url'")" = \
	https://tw.example.com ] || fail "base_url not canonical"
# Where alerts go is no reason to re-evaluate every deal.
[ "$(q "SELECT count(*) FROM evaluations WHERE stale = 1")" = 0 ] ||
	fail "a notify setting made evaluations stale"

# Subscriptions.
expect 2 notify subscribe a@example.com
[ "$(head -n 1 err)" = "error: notify subscribe needs one of --se NAME, --ae NAME or --all" ] ||
	fail "no scope: $(cat err)"
expect 2 notify subscribe a@example.com --all --se "$se"
expect 3 notify subscribe nobody --all
error_is "invalid e-mail address 'nobody' \(expected local@domain\)"
expect 3 notify subscribe a@example.com --se 'Nobody Here'
grep -q "no deal has 'Nobody Here' as its SE (known: " err ||
	fail "unknown SE: $(cat err)"
expect 3 notify unsubscribe a@example.com
error_is "'a@example.com' is not subscribed \(see techwin notify list\)"
[ "$(q 'SELECT count(*) FROM subscriptions')" = 0 ] || fail "half a subscribe"
expect 0 notify subscribe a@example.com --se "$se"
expect 0 notify subscribe boss@example.com --all
expect 0 notify subscribe a@example.com --all
grep -q "^changed a@example.com" out || fail "resubscribe: $(cat out)"

# Webhooks: the secret is stored, never shown.
printf 'very-secret-value\n' >secret
expect 3 notify webhook add team ftp://hooks.example.com/x
error_is "invalid webhook URL 'ftp://hooks.example.com/x' \(expected http:// or https://\)"
expect 3 notify webhook add team https://hooks.example.com/x --secret-file nope
grep -q "^error: --secret-file: cannot read 'nope'" err || fail "$(cat err)"
expect 2 notify webhook add team https://hooks.example.com/x --format xml
expect 0 notify webhook add team https://hooks.example.com/x --format json \
	--secret-file secret
expect 3 notify webhook add team https://hooks.example.com/y
error_is "webhook 'team' already exists \(remove it first: techwin notify webhook rm team\)"
expect 0 notify list
grep -q '^team  *https://hooks.example.com/x  *json  *all  *yes$' out ||
	fail "list: $(cat out)"
expect 0 --json notify list
grep -q very-secret out && fail "the secret is shown"
expect 0 notify webhook rm team
expect 3 notify webhook rm team
error_is "unknown webhook 'team'"
expect 0 notify webhook add team https://hooks.example.com/x --format json
expect 2 notify frobnicate
expect 3 notify test nosuch
expect 0 notify --help
grep -q 'X-Techwin-Signature' out || fail "help"

# Events: in the verb's transaction; none for a refused change.
n0=$(q 'SELECT count(*) FROM outbox')
expect 3 criterion record kestrel-rail nosuch 5
[ "$(q 'SELECT count(*) FROM outbox')" = "$n0" ] || fail "refused verb wrote events"

# --dry-run: what would go, and nothing changes (no mail server needed).
# The findings kept as of today first, as check keeps them: that is all
# a dry run may write, and check has written it.
expect 1 check
sqlite3 "$TECHWIN_DB" .dump >before.sql
expect 0 notify --dry-run
grep -q '^would send a digest to a@example.com: techwin: [1-9][0-9]* new error' out ||
	fail "dry-run: $(cat out)"
sqlite3 "$TECHWIN_DB" .dump >after.sql
cmp -s before.sql after.sql || fail "--dry-run changed the database: $(diff before.sql after.sql | head)"

# Without a mail server, a run refuses before queuing anything.
expect 3 notify
error_is "e-mail needs a server: techwin config set notify.smtp_url smtp://HOST:PORT"
[ "$(q 'SELECT count(*) FROM deliveries')" = 0 ] || fail "queued without a server"
