#!/usr/bin/env bash
# Browser test of `kz-show --html`: the page is loaded in a real headless
# Chromium (Debian `chromium`), which must run its script without a console
# error or a refused fetch, and render the flags an editor must see; a
# screenshot is kept in build/browser/report.png.
#
# Usage: tests/browser/run.sh [BINDIR]   (`make browser-test` installs
# chromium first when it is missing)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"

# Headless Chromium as root in a container: no sandbox, no GPU, nothing
# from the network, a throw-away profile.
browse() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --disable-default-apps \
		--user-data-dir="$W/profile" --enable-logging=stderr --v=0 "$@"
}

# The batch: the fixture (signed "Président lituanien"), the same article
# signed "Président kazakh", and the example article.
pipe() { "$BIN/kz-normalize" "$@" | "$BIN/kz-tag" | "$BIN/kz-quotes" | "$BIN/kz-check"; }
sed 's/^Président lituanien$/Président kazakh/' "$FIX/minsk.txt" > "$W/minsk-kz.txt"
{
	pipe "$FIX/minsk.txt"
	pipe "$W/minsk-kz.txt"
	pipe "$ROOT/examples/article.txt"
} > "$W/batch.jsonl"
"$BIN/kz-show" --html < "$W/batch.jsonl" > "$W/report.html"

# 1. The DOM after the page's own script ran.
browse --dump-dom "file://$W/report.html" > "$W/dom.html" 2> "$W/dom.err" ||
	fail "chromium --dump-dom failed: $(tail -3 "$W/dom.err")"
if grep -E 'CONSOLE.*(Uncaught|Refused|Error)' "$W/dom.err"; then
	fail "the page logged errors in the browser console"
fi
python3 - "$W/dom.html" <<'EOF' || fail "the rendered page is not what it should be"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
def need(cond, what):
    if not cond:
        print("  missing:", what, file=sys.stderr)
        sys.exit(1)
need(re.search(r'<body[^>]*data-ready="1"', dom), "the page script ran to its end (body data-ready=1)")
need(dom.count('<section class="art"') == 3, "three articles")
need(len(re.findall(r'<li data-flags="\d+"><a href="#a\d">', dom)) == 3, "the index of three articles")
cards = re.findall(r'<div class="card fe" data-k="\d+">(.*?)</div>', dom)
for title in ("Président lituanien", "Président kazakh", "Chancelier allemand"):
    need(any("role-mismatch" in c and title in c for c in cards), "the role-mismatch flag on " + title)
# the flag sits beside the line it points at
row = re.search(r'id="a2-l24">(.*?)</div></div>', dom, re.S)
need(row and "Président kazakh" in row.group(1) and 'class="card fe"' in row.group(1), "the flag beside line 24")
need('class="e eP"' in dom and 'class="q qd"' in dom and 'class="sp"' in dom, "entities, quotes and speakers highlighted")
need(not re.search(r'(src|href)="(https?:)?//', dom), "no network resource")
print("browser-test: DOM ok (3 articles, flags on Président lituanien / kazakh / Chancelier allemand)")
EOF

# 2. A screenshot, kept for people to look at.
rm -f "$OUT/report.png"
browse --screenshot="$OUT/report.png" --window-size=1400,2000 --hide-scrollbars \
	"file://$W/report.html" > /dev/null 2> "$W/shot.err" ||
	fail "chromium --screenshot failed: $(tail -3 "$W/shot.err")"
python3 - "$OUT/report.png" <<'EOF' || fail "the screenshot is missing or blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", data[16:24])
assert (w, h) == (1400, 2000), (w, h)
assert len(data) > 40000, "only %d bytes: a blank page?" % len(data)
# decode the image: a page with text has many distinct colours
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
colours = len(set(raw[i:i + 3] for i in range(0, min(len(raw), 3_000_000), 3)))
assert colours > 50, "only %d colours: a blank page?" % colours
print("browser-test: screenshot ok: %s (%dx%d, %d bytes)" % (sys.argv[1], w, h, len(data)))
EOF
echo "browser-test: passed"
