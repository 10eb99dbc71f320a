#!/usr/bin/env bash
# Browser test of the kz-review web application (issue 17): kz-review
# serves a batch, real headless Chromium (Debian `chromium`) is driven over
# the DevTools protocol (tests/browser/cdp.py) as an editor would: x on a
# false alarm, c on a wrong speaker whose quote's span is fixed too (words
# selected with the mouse, `s`, nudged with [ ] { }), progress watched.
# Then the decisions are in the store, and a re-run of the batch with
# --decisions has the flag gone and the quote with the editor's speaker
# and span. Screenshots of the queue are kept in build/browser/review-*.png.
#
# Usage: tests/browser/review.sh [BINDIR]   (`make browser-test`)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/common.sh"
mkdir -p "$W/results"

# The batch: an article with a misquote (pull quote 3 000, text 2 000) and
# a quote attributed by a pronoun (the e2e tests' fixture lavrov.txt), and
# one whose text and id are hostile.
HOSTILE="Titre <script>window.__kz_pwned = 1</script>

« Nous partirons demain matin », a déclaré Sergueï Lavrov devant la presse.

Nous partirons \"><img src=x onerror=window.__kz_pwned=2> demain soir.
Sergueï Lavrov
Ministre russe des Affaires étrangères

Fin de l'article, qui continue encore un peu.
"
batch() {
	"$BIN/kz-normalize" --id a1 --date 2022-03-01 < "$FIX/lavrov.txt" |
		"$BIN/kz-tag" | "$BIN/kz-quotes" "$@" | "$BIN/kz-check" "$@" > "$W/results/a1.jsonl"
	printf '%s' "$HOSTILE" | "$BIN/kz-normalize" --id 'h<svg onload=window.__kz_pwned=3>' --date 2022-03-01 |
		"$BIN/kz-tag" | "$BIN/kz-quotes" "$@" | "$BIN/kz-check" "$@" |
		python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["id"] += "\u001b[2J"; print(json.dumps(d))' \
		> "$W/results/h.jsonl"
}
batch
total=$("$BIN/kz-review" "$W/results" --list | wc -l)
[ "$total" -ge 4 ] || fail "the batch has $total items to review, not 4 or more"

# served as `kz-review results`, the way the README shows it (the page's
# title names the folder as given, and the screenshots are the README's)
: > "$W/srv.out"        # there before the first look below
(cd "$W" && exec "$BIN/kz-review" results --listen 127.0.0.1:0 --editor browser) > "$W/srv.out" 2> "$W/srv.err" &
SRV_PID=$!
url=
for _ in $(seq 100); do
	url=$(sed -n 's/^kz-review: open //p' "$W/srv.out")
	[ -n "$url" ] && break
	sleep 0.1
done
[ -n "$url" ] || fail "kz-review did not start: $(cat "$W/srv.err")"

rm -f "$OUT"/review-*.png
PYTHONPATH="$HERE" timeout 180 python3 "$HERE/review.py" "$url" "$OUT" "$W/profile" "$total" ||
	fail "the editor's session in Chromium (above)"
# each screenshot a PNG of the whole window, not a blank page
python3 - "$OUT"/review-queue.png "$OUT"/review-correct.png "$OUT"/review-hostile.png <<'PY' ||
import struct, sys, zlib
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path + ": not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    assert w == 1280 and h > 600, "%s: %dx%d" % (path, w, h)
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw = zlib.decompress(idat)
    colours = len(set(raw[i:i + 3] for i in range(0, len(raw), 3)))
    assert colours > 50, "%s: only %d colours, a blank page?" % (path, colours)
PY
	fail "the screenshots are missing or blank"

# the decisions are in the store, as the page made them
"$BIN/kz-review" "$W/results" --list > "$W/list"
grep -q "^reject	warning	a1	misquote	" "$W/list" || fail "x did not store a reject: $(cat "$W/list")"
grep -q "^correct	weak	a1	speaker	.*	Nous verrons bien$" "$W/list" || fail "c did not store a correction"
"$BIN/kz-review" "$W/results" --export - --jsonl > "$W/export.jsonl"
grep -q '"editor": *"browser"' "$W/export.jsonl" || fail "the editor's name is not kept"
python3 - "$W/export.jsonl" <<'PY' || fail "c did not store the fixed span"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sp = [r for r in rows if r["rule"] == "speaker"]
assert len(sp) == 1, rows
r = sp[0]
assert (r["correction"], r["span_start"] - r["start"], r["span_end"] - r["end"]) == ("Sergueï Lavrov", 5, 0), r
PY

# and they stick: the batch run again with the store
batch --decisions "$W/results/.kz-review.db"
python3 - "$W/results/a1.jsonl" <<'PY' || fail "the re-run does not show the decisions"
import json, sys
doc = json.loads(open(sys.argv[1]).read())
assert not [f for f in doc["flags"] if f["rule"] == "misquote"], "the rejected misquote is back"
assert not [q for q in doc["quotes"] if q["text"] == "Nous verrons bien"], "the quote keeps the span found"
q = [q for q in doc["quotes"] if q.get("found", {}).get("text") == "Nous verrons bien"][0]
assert (q["text"], q["via"], q["start"], q["end"]) == ("verrons bien", "editor", q["found"]["start"] + 5, q["found"]["end"]), q
assert doc["text"][q["start"]:q["end"]] == q["text"], q
sp = q["speaker"]
assert (sp["name"], sp["via"]) == ("Sergueï Lavrov", "editor"), sp
print("browser-test: re-run: quote %d-%d %r said by %s (via editor)" % (q["start"], q["end"], q["text"], sp["name"]))
PY
echo "browser-test: kz-review passed (screenshots in $OUT)"
