#!/bin/sh
# t0050-modules: cairo (PDF, PNG), libpq, libmicrohttpd and libical (holiday
# calendars, with ICU) are modules that
# techwin loads on first use, not libraries it links. The executable needs
# none of those libraries; `cmake --install` puts the modules where an
# installed techwin finds them, and that techwin renders a PDF; commands
# that need no module run without any; a missing or broken module is an
# error that names the module and dlerror()'s reason, with exit 4 and no
# output file, never a crash.
set -eu
. "$(dirname "$0")/lib.sh"

: "${TECHWIN:?set TECHWIN to the techwin binary}"
: "${TW_SRC:?set TW_SRC to the source directory}"
case $TECHWIN in /*) ;; *) TECHWIN=$(pwd)/$TECHWIN ;; esac
case $TW_SRC in /*) ;; *) TW_SRC=$(pwd)/$TW_SRC ;; esac
build=$(dirname "$TECHWIN")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
unset TECHWIN_MODULE_DIR
export TECHWIN_DB="$tmp/t.db" TECHWIN_TODAY=2026-06-26 TECHWIN_USER=tester \
	LC_ALL=C

# expect STATUS TECHWIN ARGS...: stdout in out, stderr in err.
expect() {
	want=$1
	shift
	set +e
	"$@" >out 2>err
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		cat out err >&2
		fail "$* exited $got, expected $want"
	fi
}

has() {
	grep -qF -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"
}

# The executable does not link the heavy libraries.
ldd "$TECHWIN" >libs.txt
for lib in libpq libcairo libpango libmicrohttpd libgnutls libglib libical \
	libicu libcurl; do
	grep -q "$lib" libs.txt && fail "$TECHWIN links $lib: $(cat libs.txt)"
done

# Installed into a fresh prefix, with the modules under lib*/techwin.
cmake --install "$build" --prefix "$tmp/prefix" >install.log ||
	fail "cmake --install: $(cat install.log)"
tw="$tmp/prefix/bin/techwin"
[ -x "$tw" ] || fail "no $tw"
moddir=$(dirname "$(find "$tmp/prefix" -name techwin-cairo.so)")
case $moddir in
"$tmp"/prefix/lib*/techwin) ;;
*) fail "modules installed in '$moddir'" ;;
esac
for m in cairo pg web ical notify; do
	[ -f "$moddir/techwin-$m.so" ] || fail "techwin-$m.so not installed"
done

expect 0 "$tw" init
expect 0 "$tw" import "$TW_SRC/examples/lakeshore-retail.yaml"
expect 0 "$tw" summary lakeshore-retail --format pdf -o war.pdf
[ "$(head -c 5 war.pdf)" = "%PDF-" ] || fail "war.pdf is not a PDF"
if command -v pdftotext >/dev/null; then
	pdftotext war.pdf war.txt
	has war.txt "Lakeshore Retail Group"
fi
# The same bytes as the build tree's techwin writes.
expect 0 "$TECHWIN" summary lakeshore-retail --format pdf -o build.pdf
cmp -s war.pdf build.pdf || fail "installed and built techwin differ"
# The pg module loads (every symbol it needs is there): the connection, not
# the module, is what fails here; migrate copies through it.
expect 4 "$tw" --db postgresql://sam:secret@127.0.0.1:1/x deal list
grep -q module err && fail "pg module did not load: $(cat err)"
expect 0 "$tw" migrate --to copy.db
# The ical module reads a holiday calendar.
printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >cal.ics
expect 0 "$tw" --db copy.db config holidays import cal.ics --years 2026-2027
has out "added 2 holidays to the workspace"
expect 0 "$tw" --db copy.db deal show lakeshore-retail

# Without any module: what needs none works.
mkdir empty
export TECHWIN_MODULE_DIR="$tmp/empty"
expect 0 "$tw" version
expect 0 "$tw" deal show lakeshore-retail
has out "Lakeshore Retail Group"
expect 0 "$tw" summary lakeshore-retail --format md
expect 0 "$tw" chart timeline lakeshore-retail -o chart.svg
expect 0 "$tw" config set holidays 2026-12-25

# What needs one says which, where it looked and why it failed.
missing() {
	has err "error: cannot load module '$1' (needed for $2): "
	has err "$tmp/empty/techwin-$1.so: cannot open shared object file"
	[ "$(wc -l <err)" -eq 1 ] || fail "more than one line: $(cat err)"
}
expect 4 "$tw" summary lakeshore-retail --format pdf -o none.pdf
missing cairo "PDF and PNG output"
[ ! -e none.pdf ] || fail "none.pdf written without the module"
expect 4 "$tw" proposal lakeshore-retail --format pdf -o none.pdf
missing cairo "PDF and PNG output"
[ ! -e none.pdf ] || fail "proposal written without the module"
expect 4 "$tw" chart timeline lakeshore-retail --png -o none.png
missing cairo "PDF and PNG output"
expect 4 "$tw" serve --listen 127.0.0.1:0
missing web "techwin serve"
expect 4 "$tw" --db postgresql://sam:secret@127.0.0.1:1/x deal list
missing pg "PostgreSQL stores and migrate"
grep -q secret err && fail "password in the message: $(cat err)"
expect 4 "$tw" config holidays import cal.ics
missing ical "calendar import"

# Installed, the module is looked for next to techwin, then in lib.
unset TECHWIN_MODULE_DIR
mv "$moddir/techwin-cairo.so" "$tmp/cairo.so"
expect 4 "$tw" summary lakeshore-retail --format pdf -o none.pdf
has err "$moddir/techwin-cairo.so: cannot open shared object file"
has err "(also looked in $tmp/prefix/bin)"

# A file that is not a module, and a module without the functions.
echo "not a module" >"$moddir/techwin-cairo.so"
expect 4 "$tw" summary lakeshore-retail --format pdf -o none.pdf
has err "error: cannot load module 'cairo' (needed for PDF and PNG output): "
has err "$moddir/techwin-cairo.so: "
cp "$moddir/techwin-pg.so" "$moddir/techwin-cairo.so"
expect 4 "$tw" summary lakeshore-retail --format pdf -o none.pdf
has err "error: module 'cairo' is broken: "
has err "render_summary_pdf"
[ ! -e none.pdf ] || fail "none.pdf written with a broken module"

# Put back, it works again.
mv "$tmp/cairo.so" "$moddir/techwin-cairo.so"
expect 0 "$tw" summary lakeshore-retail --format pdf -o again.pdf
cmp -s again.pdf war.pdf || fail "again.pdf differs"

echo "t0050-modules: ok"
