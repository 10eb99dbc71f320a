#!/usr/bin/env bash
# Linear cost (issue 16): every stage's work on an article of size N and on
# one of 4N, counted in instructions (valgrind's callgrind, the Ir total),
# never timed. Cost proportional to the length gives a ratio near 4; a pass
# inside a pass (quadratic) gives near 16. A ratio above KZ_LINEAR_MAX (5)
# fails. Two shapes from tests/linear/gen.py: a long article (paragraphs,
# quotes, people named again and again) and a live blog of short timed
# entries, up to 10,000 sentences. The start-up (the count on a one-line
# article) is taken off both, so that it does not hide the growth.
#
# Usage: tests/linear/run.sh [BINDIR]    (KZ_DATA: the data folder)
set -u
BIN=$(cd "${1:-bin}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export KZ_DATA="${KZ_DATA:-$(cd "$HERE/../.." && pwd)}"
MAX=${KZ_LINEAR_MAX:-5}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# the data and caches this test sees: the shipped data only, its own cache
export KZ_SYSCONFDIR="$TMP/no-etc-kz" XDG_CONFIG_HOME="$TMP/no-xdg-config"
export KZ_CACHE="$TMP/cache"

command -v valgrind >/dev/null 2>&1 || { echo "linear: valgrind is needed (Debian package valgrind)"; exit 2; }

STAGES="normalize tag quotes check"
DATE=2024-05-01

# chain NAME: NAME.txt through every stage (natively), keeping each input
chain() {
	"$BIN/kz-normalize" -q --date "$DATE" "$TMP/$1.txt" > "$TMP/$1.tag.in" &&
	"$BIN/kz-tag" -q -j 1 --date "$DATE" < "$TMP/$1.tag.in" > "$TMP/$1.quotes.in" &&
	"$BIN/kz-quotes" -q -j 1 --date "$DATE" < "$TMP/$1.quotes.in" > "$TMP/$1.check.in" &&
	"$BIN/kz-check" -q -j 1 --date "$DATE" < "$TMP/$1.check.in" > /dev/null
}

# count STAGE NAME: instructions of one stage on NAME's input
count() {
	local out=$TMP/cg.out
	if [ "$1" = normalize ]; then
		valgrind --tool=callgrind --callgrind-out-file="$out" \
			"$BIN/kz-normalize" -q --date "$DATE" "$TMP/$2.txt" > /dev/null 2>"$TMP/vg.err"
	else
		valgrind --tool=callgrind --callgrind-out-file="$out" \
			"$BIN/kz-$1" -q -j 1 --date "$DATE" < "$TMP/$2.$1.in" > /dev/null 2>"$TMP/vg.err"
	fi
	awk '/^summary:/ { print $2 }' "$out"
}

failed=0
printf '%-6s %-13s %10s %10s %14s %14s %6s\n' shape stage "N bytes" "4N bytes" "Ir N" "Ir 4N" ratio
printf 'Titre\n\nUne phrase.\n' > "$TMP/tiny.txt"
chain tiny || { echo "linear: the pipe fails on a one-line article"; exit 1; }
for shape in long blog; do
	case $shape in
	long) n=150 ;;         # paragraphs: 38 KB and 154 KB of text
	blog) n=2500 ;;        # sentences: 2,500 and 10,000
	esac
	python3 "$HERE/gen.py" $shape $n > "$TMP/$shape-1.txt"
	python3 "$HERE/gen.py" $shape $((4 * n)) > "$TMP/$shape-4.txt"
	chain "$shape-1" && chain "$shape-4" || { echo "linear: the pipe fails on the $shape article"; exit 1; }
	for s in $STAGES; do
		base=$(count "$s" tiny)
		one=$(count "$s" "$shape-1")
		four=$(count "$s" "$shape-4")
		if [ -z "$base" ] || [ -z "$one" ] || [ -z "$four" ]; then
			echo "linear: kz-$s: no count"; cat "$TMP/vg.err"; exit 1
		fi
		if [ "$s" = normalize ]; then in1=$TMP/$shape-1.txt in4=$TMP/$shape-4.txt
		else in1=$TMP/$shape-1.$s.in in4=$TMP/$shape-4.$s.in; fi
		ratio=$(awk "BEGIN { printf \"%.2f\", ($four - $base) / ($one - $base) }")
		verdict=ok
		awk "BEGIN { exit !($ratio > $MAX) }" && { verdict="FAIL (over $MAX)"; failed=1; }
		printf '%-6s %-13s %10s %10s %14s %14s %6s  %s\n' $shape "kz-$s" \
			"$(stat -c %s "$in1")" "$(stat -c %s "$in4")" $((one - base)) $((four - base)) "$ratio" "$verdict"
	done
done
[ "$failed" = 0 ] && echo "linear: every stage's work grows in proportion to the article" ||
	echo "linear: some stage does more than linear work (a pass inside a pass?)"
exit "$failed"
