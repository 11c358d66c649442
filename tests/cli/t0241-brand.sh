#!/bin/sh
# t0241-brand: config brand.name, brand.color and brand.logo. Values are
# checked before they are stored (a colour #rrggbb; a logo that is a PNG or
# an SVG of at most 64 KiB, read from a file), with an error that says
# what was wrong. The summary and the proposal, in PDF and HTML, and the
# share page carry the logo and the colour, and their footer reads
# "Prepared by BRAND for ACCOUNT", never "Prepared with techwin" or a slug.
set -eu
: "${TW_SRC:?set TW_SRC to the source directory}"
. "$TW_SRC/tests/web/lib.sh"

tw() { "$TECHWIN" "$@" || fail "techwin $* exited $?"; }
# refused KEY VALUE PATTERN: config set fails (exit 3, bad input), says PATTERN,
# and the setting is not stored.
refused() {
	set +e
	"$TECHWIN" config set "$1" "$2" >out 2>err
	st=$?
	set -e
	[ $st -eq 3 ] || fail "config set $1 '$2' exited $st"
	grep -Eq "^error: $3" err || fail "config set $1 '$2': $(cat err)"
	[ ! -s out ] || fail "a refused setting printed: $(cat out)"
	"$TECHWIN" --json config get "$1" | grep -q '"source": "default"' ||
		fail "$1 was stored: $("$TECHWIN" config get "$1")"
}

tw init >/dev/null
tw import "$TW_SRC/examples/lakeshore-retail.yaml" >/dev/null

# A PNG of 8 x 4 pixels, and an SVG.
"$PYTHON" - <<'PY'
import struct, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
raw = b"".join(b"\0" + b"\x1a\x7f\x37" * 8 for _ in range(4))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 4, 8, 2, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("logo.png", "wb").write(png)
open("big.png", "wb").write(png + b"\0" * 70000)
PY
printf '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#1a7f37"/></svg>\n' >logo.svg
printf 'hello\n' >logo.txt

refused brand.color red "brand.color: expected a colour #rrggbb \(six hexadecimal digits\), got 'red'"
refused brand.color '#12345' "brand.color: expected a colour #rrggbb"
refused brand.logo logo.txt "brand.logo: 'logo.txt' is neither a PNG nor an SVG image"
refused brand.logo big.png "brand.logo: 'big.png' is [0-9]+ bytes or more; the limit is 65536 bytes \(64 KiB\)"
refused brand.logo missing.png "brand.logo: cannot read 'missing.png': No such file or directory"
refused brand.logo 'data:text/html;base64,PGI+' "brand.logo: expected a PNG or SVG file"
refused brand.name '' "brand.name: expected a name of 1 to 80 bytes"

[ "$(tw config set brand.color '#1A7F37')" = "brand.color = #1a7f37" ] ||
	fail "brand.color is not stored in lower case"
tw config set brand.name 'Northwind Data' >/dev/null
tw config set brand.logo logo.png >/dev/null
"$TECHWIN" config get brand.logo | grep -q '^data:image/png;base64,iVBORw0KGgo' ||
	fail "brand.logo: $("$TECHWIN" config get brand.logo)"

# The PDFs: the footer, the logo drawn as an image.
tw summary lakeshore-retail --format pdf -o summary.pdf
tw proposal lakeshore-retail --format pdf -o proposal.pdf
for doc in summary proposal; do
	pdftotext -raw $doc.pdf $doc.txt
	grep -q "Prepared by Northwind Data for Lakeshore Retail Group on Thu 26 Nov 2026" $doc.txt ||
		fail "$doc.pdf: no branded footer: $(grep Prepared $doc.txt)"
	grep -q "techwin\|lakeshore-retail" $doc.txt &&
		fail "$doc.pdf names the tool or the slug: $(grep 'techwin\|lakeshore-retail' $doc.txt)"
	[ "$(pdfimages -list $doc.pdf | sed -n '3,$p' | awk '$4 == 8 && $5 == 4' | wc -l)" -ge 1 ] ||
		fail "$doc.pdf: the 8x4 logo is not embedded: $(pdfimages -list $doc.pdf)"
done

# The HTML documents: the logo inline, allowed by their policy; the colour.
for doc in summary proposal; do
	tw $doc lakeshore-retail --format html >$doc.html
	grep -q '<img class="logo" src="data:image/png;base64,iVBORw0KGgo[^"]*" alt="Northwind Data">' $doc.html ||
		fail "$doc.html: no logo"
	grep -q "img-src data:" $doc.html || fail "$doc.html: the policy forbids the logo"
	grep -q "h1,h2,h3{color:#1a7f37}" $doc.html || fail "$doc.html: no brand colour"
	grep -q "<footer>Prepared by Northwind Data for Lakeshore Retail Group on Thu 26 Nov 2026.</footer>" $doc.html ||
		fail "$doc.html: $(grep footer $doc.html)"
done

# An SVG logo: drawn as vectors into the PDF, inline in the HTML.
tw config set brand.logo logo.svg >/dev/null
tw summary lakeshore-retail --format pdf -o svg.pdf
pdftoppm -r 72 -png svg.pdf svg
"$PYTHON" - svg-1.png <<'PY' || fail "svg.pdf: the SVG logo is not drawn"
import sys, zlib, struct
# The brand's green (#1a7f37) fills the logo at the top right of the page.
data = open(sys.argv[1], "rb").read()
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, t = struct.unpack(">I4s", data[pos:pos + 8])
    if t == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", data[pos + 8:pos + 18])
    if t == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = 3 if ctype == 2 else 4
stride = w * bpp + 1
# Undo the PNG filters, row by row.
rows, prev = [], bytearray(w * bpp)
for y in range(h):
    f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line); prev = line
green = sum(1 for y in range(h // 8) for x in range(w // 2, w)
            if abs(rows[y][x * bpp] - 0x1a) < 8 and abs(rows[y][x * bpp + 1] - 0x7f) < 8
            and abs(rows[y][x * bpp + 2] - 0x37) < 8)
sys.exit(0 if green > 200 else 1)
PY

# The share page: logo, colour bar, footer, and a policy that allows them.
url=$("$TECHWIN" share lakeshore-retail --base-url http://x 2>/dev/null)
start_server
expect 200 GET "/share/${url##*/}"
grep -q '<img class="share-logo" src="data:image/svg+xml;base64,' "$tmp/body" || fail "share page: no logo"
grep -q "<img class=\"share-bar\" alt=\"\" src=\"data:image/svg+xml,.*fill='%231a7f37'" "$tmp/body" ||
	fail "share page: no brand colour"
grep -q 'Prepared by Northwind Data for Lakeshore Retail Group on Thu 26 Nov 2026' "$tmp/body" ||
	fail "share page: no branded footer"
header Content-Security-Policy | grep -q "img-src 'self' data:" ||
	fail "share page policy: $(header Content-Security-Policy)"

# Unset, the documents go back to the house style, the SE preparing them.
tw config unset brand.name >/dev/null
tw summary lakeshore-retail --format html >plain.html
grep -q "<footer>Prepared by Priya Raman for Lakeshore Retail Group on Thu 26 Nov 2026.</footer>" plain.html ||
	fail "without brand.name: $(grep footer plain.html)"
