#!/usr/bin/env bash
# make bench: throughput, start-up and memory figures for kz, printed side by
# side with iconv and grep measured in the same run. Nothing is asserted on
# time: the goals of the issues are printed as MET / NOT MET, and the exit
# status only says whether the bench itself could run.
#
# Usage: tests/bench/run.sh            (from `make bench`, after `make all`)
#
# Environment (defaults in brackets):
#   KZ_BENCH_MB           MB (10^6 bytes) of generated article text [100]
#   KZ_BENCH_GAZ          sizes of the generated gazetteers, in entries, on
#                         top of the shipped ones ["100000 1000000"]; "" for
#                         the shipped gazetteers only. "100000 1000000
#                         10000000" adds the 10M row (opt-in: about 1.4 GB of
#                         data generated once in 3 minutes, 2.2 GB compiled,
#                         2 minutes and 3 GB of memory to compile; see
#                         docs/bench.md)
#   KZ_BENCH_GREP_MAX     the largest generated set grep -F is run on
#                         [1000000]: GNU grep needs about 9 GB of memory per
#                         million names, so a larger set gets no grep row
#   KZ_BENCH_RUN_ARTICLES articles for the kz-run comparison [10000]
#   KZ_BENCH_TIMEOUT      seconds before one case is stopped [600]
#   KZ_BENCH_BIG_TIMEOUT  seconds before kz-tag or grep with a generated
#                         gazetteer is stopped [120]; the speed is then taken
#                         from what it got through (kz-tag: the records it
#                         wrote; grep: how far it read). GNU grep needs
#                         several minutes more with 100k or 1M names, more
#                         than the ~20 minutes the whole bench may take on 2
#                         cores allow (docs/bench.md).
#   KZ_BENCH_RUN_TIMEOUT  seconds before one kz-run case is stopped; the rate
#                         is then taken from the articles it finished [120]
#   KZ_BENCH_DIR          generated data and scratch [build/bench]
#   KZ_BENCH_KEEP         1: keep this run's outputs (build/bench/run.*) [0]
#   KZ_BENCH_BIN          programs to measure [bin]
#   KZ_BENCH_STARTUP_RUNS runs of the one-article start-up comparison [40]
#
# Generated data (articles, gazetteers, name lists) is kept in
# KZ_BENCH_DIR/data and reused while the generator and its sources are
# unchanged. Each run's outputs go to KZ_BENCH_DIR/run.XXXXXX and are removed
# at the end unless KZ_BENCH_KEEP=1; kz-tag's compiled gazetteers go to a
# cache in that folder (KZ_CACHE), so the user's ~/.cache/kz is not used.
# Nothing else is touched, except that the Debian package `time` (GNU time,
# for peak memory) is installed when /usr/bin/time is missing.
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(cd "${KZ_BENCH_BIN:-$ROOT/bin}" && pwd) || exit 2
export KZ_DATA="${KZ_DATA:-$ROOT}"
MB=${KZ_BENCH_MB:-100}
GAZ=${KZ_BENCH_GAZ-100000 1000000}
RUN_N=${KZ_BENCH_RUN_ARTICLES:-10000}
TIMEOUT=${KZ_BENCH_TIMEOUT:-600}
RUN_TIMEOUT=${KZ_BENCH_RUN_TIMEOUT:-120}
BIG_TIMEOUT=${KZ_BENCH_BIG_TIMEOUT:-120}
GREP_MAX=${KZ_BENCH_GREP_MAX:-1000000}
DIR=${KZ_BENCH_DIR:-$ROOT/build/bench}
GEN="python3 $HERE/gen.py"
cd "$ROOT" || exit 2

mkdir -p "$DIR/data" || exit 2
DIR=$(cd "$DIR" && pwd)
DATA=$DIR/data
RUN=$(mktemp -d "$DIR/run.XXXXXX") || exit 2
ROWS=$RUN/rows.tsv
GOALS=$RUN/goals.txt
# the compiled gazetteers, the parsed rules and the data snapshots go to a
# cache (KZ_CACHE): this run's own, empty at first, so that compile times
# are measured and the user's cache is neither used nor touched
export KZ_CACHE=$RUN/cache
mkdir -p "$KZ_CACHE"
: > "$ROWS"
: > "$GOALS"
cleanup() {
	if [ "${KZ_BENCH_KEEP:-0}" = 1 ]; then
		echo "outputs kept in $RUN"
	else
		rm -rf "$RUN"
	fi
}
trap cleanup EXIT
trap 'echo "bench: interrupted"; exit 130' INT TERM

say() { printf '%s\n' "$*"; }
section() { printf '\n== %s ==\n' "$*"; }
# awk arithmetic: calc 'EXPR' [printf-format]
calc() { awk "BEGIN { v = $1; printf \"${2:-%.2f}\", v }"; }
mb_of() { calc "$(stat -c %s "$1") / 1e6" '%.1f'; }

# ---------------------------------------------------------------- tools
for tool in python3 iconv grep timeout awk; do
	command -v "$tool" >/dev/null 2>&1 || { say "bench: $tool is needed"; exit 2; }
done
TIME=/usr/bin/time
if ! "$TIME" -v true >/dev/null 2>&1; then
	say "bench: GNU time (/usr/bin/time) missing: installing the Debian package 'time'"
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
	$SUDO apt-get update -q >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q time >/dev/null 2>&1
	if ! "$TIME" -v true >/dev/null 2>&1; then
		say "bench: could not install GNU time: peak memory not measured"
		TIME=
	fi
fi

# ---------------------------------------------------------------- measuring
# measure IN OUT [--limit SECONDS] CMD...: runs CMD < IN > OUT under timeout
# and GNU time. Sets SECS (wall, 3 decimals), CPU (user + system seconds of
# every process), RSS (peak resident MB of the largest process; "-" when
# unknown), STATUS, NOTE ("timeout after N s", "exit N" or ""), and PART_IN
# (bytes of IN read, sampled every second: how far a stopped case got).
measure() {
	local in=$1 out=$2 limit=$TIMEOUT pid sampler
	shift 2
	if [ "$1" = --limit ]; then limit=$2; shift 2; fi
	local tf=$RUN/time.txt t0 t1
	: > "$tf"
	rm -f "$RUN/pos"
	t0=$(date +%s%N)
	if [ -n "$TIME" ]; then
		"$TIME" -v -o "$tf" timeout -k 5 "$limit" "$@" < "$in" > "$out" 2> "$RUN/stderr" &
	else
		timeout -k 5 "$limit" "$@" < "$in" > "$out" 2> "$RUN/stderr" &
	fi
	pid=$!
	(
		while sleep 1; do
			awk '/^pos:/ { print $2 }' "/proc/$pid/fdinfo/0" > "$RUN/pos.new" 2>/dev/null &&
				mv "$RUN/pos.new" "$RUN/pos" || break
		done
	) &
	sampler=$!
	wait "$pid"
	STATUS=$?
	t1=$(date +%s%N)
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	PART_IN=$(cat "$RUN/pos" 2>/dev/null)
	[ -n "$PART_IN" ] || PART_IN=0
	SECS=$(calc "($t1 - $t0) / 1e9" '%.3f')
	RSS=$(awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tf")
	[ -n "$RSS" ] || RSS=-
	CPU=$(awk -F: '/User time/ { u = $2; n++ } /System time/ { s = $2; n++ }
		END { if (n == 2) printf "%.1f", u + s; else print "-" }' "$tf")
	case $STATUS in
	0) NOTE= ;;
	124|137) NOTE="timeout after $limit s" ;;
	*) NOTE="exit $STATUS" ;;
	esac
	if [ "$STATUS" != 0 ] && [ "$STATUS" != 65 ] && [ "$STATUS" != 124 ] && [ "$STATUS" != 137 ]; then
		say "   $* failed (exit $STATUS):"
		tail -n 5 "$RUN/stderr" | sed 's/^/     /'
	fi
}

# row STAGE TEXT_MB STDIN_MB SECS CPU RSS NOTES: one line of the final table.
# MB/s is TEXT_MB / SECS (article text per second of wall time).
row() {
	local mbs=- notes
	if [ "$2" != - ] && [ "$4" != - ]; then mbs=$(calc "$2 / ($4 > 0 ? $4 : 1e-9)" '%.2f'); fi
	notes=$(printf '%s' "$7" | sed 's/  */ /g; s/ $//')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$mbs" "$6" "$notes" >> "$ROWS"
	printf '   %-36s %8s s %8s s cpu %8s MB/s %8s MB RSS  %s\n' "$1" "$4" "$5" "$mbs" "$6" "$notes"
}

ok() { [ "$STATUS" = 0 ] || [ "$STATUS" = 65 ]; }
timed_out() { [ "$STATUS" = 124 ] || [ "$STATUS" = 137 ]; }
# done_mb OUT: MB of article text in the complete records of OUT (the first
# records of the input, in order): what a stopped stage had finished.
done_mb() {
	local n
	n=$(wc -l < "$1")
	head -n "$n" "$SIZES" | awk '{ t += $1 } END { printf "%.1f", t / 1e6 }'
}

goal() {  # goal MET|NOT-MET|N/A TEXT
	printf '  %-8s %s\n' "$1" "$2" >> "$GOALS"
}

# startup CMD...: wall time of CMD on the tiny record: six runs, or two when
# the second takes over a second. Sets FIRST (the first run) and BEST (the
# fastest) in seconds; on a timeout FIRST is "timeout after N s", BEST "-".
startup() {
	local t0 t1 s k n=1
	FIRST=- BEST=-
	for k in 1 2 3 4 5 6; do
		t0=$(date +%s%N)
		timeout -k 5 "$TIMEOUT" "$@" < "$TINY" > /dev/null 2>"$RUN/stderr"
		s=$?
		t1=$(date +%s%N)
		if [ $s = 124 ] || [ $s = 137 ]; then FIRST="timeout after $TIMEOUT s"; return; fi
		s=$(calc "($t1 - $t0) / 1e9" '%.3f')
		if [ "$k" = 1 ]; then
			FIRST=$s BEST=$s n=6
		elif [ "$k" = 2 ] && awk "BEGIN { exit !($s > 1) }"; then
			n=2    # a slow start-up is measured twice, not six times
			awk "BEGIN { exit !($s < $BEST) }" && BEST=$s
		elif awk "BEGIN { exit !($s < $BEST) }"; then
			BEST=$s
		fi
		[ "$k" -ge "$n" ] && break
	done
}

# ---------------------------------------------------------------- machine
section "machine"
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
MEM=$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
say "date     $(date '+%Y-%m-%d %H:%M %Z')"
say "machine  $(nproc) cores, $MEM RAM, ${CPU:-unknown CPU}"
say "system   $(uname -sr), $(grep --version | head -n1), iconv $(iconv --version | head -n1 | awk '{ print $NF }')"
say "load     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine skews the figures)"
say "kz       commit $REV (plus uncommitted changes, if any), programs in $BIN"
say "settings KZ_BENCH_MB=$MB KZ_BENCH_GAZ=\"$GAZ\" KZ_BENCH_RUN_ARTICLES=$RUN_N KZ_BENCH_TIMEOUT=$TIMEOUT KZ_BENCH_BIG_TIMEOUT=$BIG_TIMEOUT KZ_BENCH_RUN_TIMEOUT=$RUN_TIMEOUT KZ_BENCH_GREP_MAX=$GREP_MAX"

# ---------------------------------------------------------------- data
section "data (generated once into $DATA, reused while the sources are unchanged)"
stamp_of() { cat "$@" 2>/dev/null | md5sum | cut -c1-16; }

TEXT=$DATA/text-${MB}MB
# keyed on the generator and the articles it varies, not on the gazetteers
# (edited often): the same text from run to run, so figures compare
want=$(stamp_of "$HERE/gen.py" "$ROOT"/tests/articles/*.txt "$ROOT"/tests/articles/*.gold.json \
	"$ROOT"/examples/article.* "$ROOT"/rules/firstnames.yaml)
if [ "$(cat "$TEXT/stamp" 2>/dev/null)" != "$want" ] || [ ! -s "$TEXT/articles.jsonl" ] || [ ! -s "$TEXT/sizes" ]; then
	say "   generating $MB MB of articles ..."
	t0=$(date +%s)
	$GEN articles --mb "$MB" --out "$TEXT" || { say "bench: article generation failed"; exit 2; }
	echo "$want" > "$TEXT/stamp"
	say "   done in $(( $(date +%s) - t0 )) s"
fi
ARTICLES=$(awk '/^articles/ { print $2 }' "$TEXT/info")
TEXT_MB=$(awk '/^text_bytes/ { printf "%.1f", $2 / 1e6 }' "$TEXT/info")
JSONL=$TEXT/articles.jsonl
SIZES=$TEXT/sizes
PLAIN=$TEXT/articles.txt
JSONL_MB=$(mb_of "$JSONL")
say "   $ARTICLES articles, $TEXT_MB MB of text: $JSONL ($JSONL_MB MB as kz/1 input), $PLAIN (plain, for grep)"

# the shipped gazetteers' names, every run (they change)
NAMES_SHIP=$RUN/names-shipped.txt
$GEN names "$ROOT/gazetteers" --out "$NAMES_SHIP" || exit 2
SHIP_ENTRIES=$(cat "$ROOT"/gazetteers/*.yaml | grep -c '^- id:')

gazstamp=$(stamp_of "$HERE/gen.py" "$ROOT"/rules/firstnames.yaml)
for n in $GAZ; do
	g=$DATA/gaz-$n
	if [ "$(cat "$g/stamp" 2>/dev/null)" != "$gazstamp" ] || [ ! -s "$g/dir/bench-generated.yaml" ]; then
		say "   generating a $n-entry gazetteer ..."
		t0=$(date +%s)
		mkdir -p "$g/dir"
		$GEN gazetteer --entries "$n" --out "$g/dir/bench-generated.yaml" --names "$g/names-generated.txt" ||
			{ say "bench: gazetteer generation failed"; exit 2; }
		echo "$gazstamp" > "$g/stamp"
		say "   done in $(( $(date +%s) - t0 )) s"
	fi
	# the shipped gazetteers beside the generated file, as they are now
	find "$g/dir" -maxdepth 1 -type l -name '*.yaml' -delete
	ln -s "$ROOT"/gazetteers/*.yaml "$g/dir/"
	say "   gazetteer $g/dir: $n generated + $SHIP_ENTRIES shipped entries ($(mb_of "$g/dir/bench-generated.yaml") MB of YAML)"
done

# a tiny record, for start-up times
TINY_RAW=$RUN/tiny-raw.jsonl
TINY=$RUN/tiny.jsonl
echo '{"id": "tiny", "text": "Le président russe Vladimir Poutine a déclaré : « Nous verrons. »"}' > "$TINY_RAW"
"$BIN/kz-normalize" -q < "$TINY_RAW" > "$TINY" || { say "bench: kz-normalize fails on a tiny record"; exit 2; }

# warm the page cache, so the first case does not pay for the disk
cat "$JSONL" "$PLAIN" > /dev/null

# ---------------------------------------------------------------- kz-normalize
section "kz-normalize vs iconv -f UTF-8 -t UTF-8 (same input: $JSONL_MB MB of kz/1 records)"
NORM=$RUN/normalized.jsonl
measure "$JSONL" "$RUN/iconv.out" iconv -f UTF-8 -t UTF-8
ICONV_SECS=$SECS
row "iconv -f UTF-8 -t UTF-8" "$TEXT_MB" "$JSONL_MB" "$SECS" "$CPU" "$RSS" "baseline for kz-normalize $NOTE"
rm -f "$RUN/iconv.out"

measure "$JSONL" "$NORM" "$BIN/kz-normalize" --jsonl -q
NORM_SECS=$SECS NORM_RSS=$RSS NORM_STATUS=$STATUS
ratio=-
if ok; then
	ratio=$(calc "$ICONV_SECS / $SECS" '%.3f')
fi
row "kz-normalize" "$TEXT_MB" "$JSONL_MB" "$SECS" "$CPU" "$RSS" "speed ${ratio}x iconv's (goal >= 0.5x) $NOTE"

# streaming: peak memory on a tenth of the input
tenth=$(( ARTICLES / 10 ))
head -n "$tenth" "$JSONL" > "$RUN/tenth.jsonl"
TENTH_MB=$(mb_of "$RUN/tenth.jsonl")
TENTH_TEXT=$(calc "$TEXT_MB / 10" '%.1f')
measure "$RUN/tenth.jsonl" /dev/null "$BIN/kz-normalize" --jsonl -q
TENTH_RSS=$RSS
row "kz-normalize (first tenth)" "$TENTH_TEXT" "$TENTH_MB" "$SECS" "$CPU" "$RSS" "streaming check: peak memory vs the whole input $NOTE"
rm -f "$RUN/tenth.jsonl"
LONGEST=$(awk '{ if (length($0) > m) m = length($0) } END { printf "%.1f", m / 1e3 }' "$JSONL")

if [ "$ratio" != - ]; then
	if awk "BEGIN { exit !($ratio >= 0.5) }"; then v=MET; else v=NOT-MET; fi
	goal $v "kz-normalize at least half iconv's speed: $(calc "$TEXT_MB / $NORM_SECS" '%.1f') vs $(calc "$TEXT_MB / $ICONV_SECS" '%.1f') MB/s of text, ratio $ratio (issue 2)"
else
	goal NOT-MET "kz-normalize did not finish ($NOTE) (issue 2)"
fi
if [ "$NORM_RSS" != - ] && [ "$TENTH_RSS" != - ]; then
	if awk "BEGIN { exit !($NORM_RSS <= 1.25 * $TENTH_RSS + 4) }"; then v=MET; else v=NOT-MET; fi
	goal $v "kz-normalize streams: peak RSS $NORM_RSS MB on $TEXT_MB MB, $TENTH_RSS MB on $TENTH_TEXT MB (largest article $LONGEST KB) (issue 2)"
fi
if [ "$NORM_STATUS" != 0 ] && [ "$NORM_STATUS" != 65 ]; then
	say "bench: kz-normalize failed; the later stages need its output"; exit 1
fi
NORM_MB=$(mb_of "$NORM")

# ---------------------------------------------------------------- kz-tag
section "kz-tag vs LC_ALL=C grep -F -o -w -f names.txt (same $TEXT_MB MB of text; kz-tag reads it as kz-normalize's output, $NORM_MB MB)"
TAG_SHIP=$RUN/tagged.jsonl
declare -A SCAN TOTAL GREP_MBS WARM COLD TRSS COMPILE CRSS
# (KZ_CACHE was made empty at the start: compile times are measured)
if "$BIN/kz-tag" --help 2>&1 | grep -q -e '--compile'; then HAS_CACHE=1; else HAS_CACHE=0; fi
# kz-tag, kz-quotes and kz-check use a thread per processor by default
if "$BIN/kz-tag" --help 2>&1 | grep -q -e '--jobs'; then
	THREADS="$(nproc) threads"
	[ "$(nproc)" = 1 ] && THREADS="1 thread"
else
	THREADS="1 thread"
fi
sets="shipped $GAZ"
for set in $sets; do
	if [ "$set" = shipped ]; then
		gdir=$ROOT/gazetteers names=$NAMES_SHIP entries=$SHIP_ENTRIES
		out=$TAG_SHIP yaml_mb=$(calc "$(cat "$ROOT"/gazetteers/*.yaml | wc -c) / 1e6" '%.1f')
	else
		gdir=$DATA/gaz-$set/dir names=$RUN/names-$set.txt entries=$(( set + SHIP_ENTRIES ))
		out=$RUN/tagged-$set.jsonl yaml_mb=$(calc "$(cat "$gdir"/*.yaml | wc -c) / 1e6" '%.1f')
		cat "$NAMES_SHIP" "$DATA/gaz-$set/names-generated.txt" > "$names"
	fi
	nnames=$(wc -l < "$names")
	label=$set
	case $set in
	shipped) ;;
	*000000) label="${set%000000}M" ;;
	*000) label="${set%000}k" ;;
	esac
	say "-- $label: $entries entries, $nnames names, $yaml_mb MB of YAML"
	limit=$BIG_TIMEOUT
	[ "$set" = shipped ] && limit=$TIMEOUT

	TAG=("$BIN/kz-tag" -q --gazetteers "$gdir")
	if [ "$HAS_CACHE" = 1 ]; then
		# compile into this run's empty cache: the compile time, then warm
		# start-ups that map the compiled file. Compiling is linear in the
		# entries (10M: about 2 minutes), so it gets the general limit.
		measure /dev/null "$RUN/compile.out" "$BIN/kz-tag" --compile --gazetteers "$gdir"
		kzg=$(sed -n 's/.* compiled into the cache \(.*\)$/\1/p' "$RUN/stderr" | tail -n 1)
		[ -f "$kzg" ] || kzg=$(ls -t "$KZ_CACHE"/*.kzg 2>/dev/null | head -n 1)
		KZG_MB=$( [ -f "$kzg" ] && mb_of "$kzg" || echo -)
		CRSS[$set]=$RSS
		if ok; then
			row "kz-tag --compile ($label)" - "$yaml_mb" "$SECS" "$CPU" "$RSS" "YAML -> $KZG_MB MB compiled file"
			COMPILE[$set]=$SECS
		else
			row "kz-tag --compile ($label)" - "$yaml_mb" - "$CPU" "$RSS" "$NOTE"
			COMPILE[$set]=-
		fi
	fi
	startup "${TAG[@]}"
	COLD[$set]=$FIRST WARM[$set]=$BEST
	# and the memory of one such run (the pages of the file it reads)
	measure "$TINY" /dev/null "${TAG[@]}"
	if [ "$BEST" = - ]; then
		row "kz-tag start-up ($label)" - - - - - "$FIRST"
	elif [ "$HAS_CACHE" = 1 ]; then
		row "kz-tag start-up ($label)" - - "$BEST" - "$RSS" "tiny record, compiled gazetteer cached; best of the runs, first $FIRST s"
	else
		row "kz-tag start-up ($label)" - - "$BEST" - "$RSS" "tiny record, YAML parsed at start-up; best of the runs, first $FIRST s"
	fi

	measure "$NORM" "$out" --limit "$limit" "${TAG[@]}"
	TRSS[$set]=$RSS
	up=${BEST/-/0}
	[ "$set" = shipped ] && TAG_STATUS=$STATUS
	if ok; then
		TOTAL[$set]=$(calc "$TEXT_MB / $SECS" '%.1f')
		scan=$(calc "$SECS - $up" '%.3f')
		SCAN[$set]=$(calc "$TEXT_MB / ($scan > 0 ? $scan : 1e-9)" '%.1f')
		ents=$(grep -o '"via":"gazetteer"' "$out" | wc -l)
		row "kz-tag ($label gazetteer)" "$TEXT_MB" "$NORM_MB" "$SECS" "$CPU" "$RSS" "$THREADS; scan without start-up ${SCAN[$set]} MB/s; $ents gazetteer entities $NOTE"
	elif timed_out && [ "$set" != shipped ]; then
		# speed from the records it finished
		part=$(done_mb "$out")
		if awk "BEGIN { exit !($part > 0) }"; then
			TOTAL[$set]=$(calc "$part / $SECS" '%.2f')
			SCAN[$set]=$(calc "$part / (($SECS - $up) > 0 ? ($SECS - $up) : 1e-9)" '%.2f')
			eta=$(calc "$up + $TEXT_MB / ${SCAN[$set]}" '%.0f')
			row "kz-tag ($label gazetteer)" "$part" "$NORM_MB" "$SECS" "$CPU" "$RSS" "STOPPED after $limit s with $part of $TEXT_MB MB tagged (figures on that part); scan ${SCAN[$set]} MB/s; the whole text would take ~$eta s"
		else
			TOTAL[$set]=- SCAN[$set]=-
			row "kz-tag ($label gazetteer)" "$TEXT_MB" "$NORM_MB" - "$CPU" "$RSS" "$NOTE, nothing tagged"
		fi
	else
		TOTAL[$set]=- SCAN[$set]=-
		row "kz-tag ($label gazetteer)" "$TEXT_MB" "$NORM_MB" - "$CPU" "$RSS" "$NOTE"
	fi
	[ "$set" = shipped ] || rm -f "$out"
	# the same in one thread, for the speed per processor
	if [ "$set" = shipped ] && [ "$THREADS" != "1 thread" ]; then
		measure "$NORM" "$RUN/one-thread.jsonl" --limit "$limit" "${TAG[@]}" --jobs 1
		if ok; then
			ONE_THREAD=$(calc "$TEXT_MB / $SECS" '%.1f')
			row "kz-tag --jobs 1 ($label)" "$TEXT_MB" "$NORM_MB" "$SECS" "$CPU" "$RSS" "one thread $NOTE"
		else
			ONE_THREAD=-
			row "kz-tag --jobs 1 ($label)" "$TEXT_MB" "$NORM_MB" - "$CPU" "$RSS" "$NOTE"
		fi
		rm -f "$RUN/one-thread.jsonl"
	fi

	if [ "$set" != shipped ] && [ "$set" -gt "$GREP_MAX" ]; then
		GREP_MBS[$set]=skipped
		row "grep -F -o -w ($nnames names)" - - - - - "skipped: more than KZ_BENCH_GREP_MAX=$GREP_MAX entries (grep -F needs ~9 GB per million names)"
		STATUS=skipped
	else
		measure "$PLAIN" "$RUN/grep.out" --limit "$limit" env LC_ALL=C grep -F -o -w -f "$names"
	fi
	if [ "$STATUS" = skipped ]; then
		:
	elif [ "$STATUS" = 0 ] || [ "$STATUS" = 1 ]; then
		GREP_MBS[$set]=$(calc "$TEXT_MB / $SECS" '%.1f')
		row "grep -F -o -w ($nnames names)" "$TEXT_MB" "$(mb_of "$PLAIN")" "$SECS" "$CPU" "$RSS" "$(wc -l < "$RUN/grep.out") matches, output to a file"
	elif timed_out && awk "BEGIN { exit !($PART_IN > 0) }"; then
		part=$(calc "$PART_IN / 1e6" '%.1f')
		GREP_MBS[$set]=$(calc "$part / $SECS" '%.2f')
		row "grep -F -o -w ($nnames names)" "$part" "$(mb_of "$PLAIN")" "$SECS" "$CPU" "$RSS" "STOPPED after $limit s having read $part of $TEXT_MB MB (figures on that part); $(wc -l < "$RUN/grep.out") matches"
	else
		GREP_MBS[$set]=-
		row "grep -F -o -w ($nnames names)" "$TEXT_MB" "$(mb_of "$PLAIN")" - "$CPU" "$RSS" "$NOTE"
	fi
	rm -f "$RUN/grep.out"

	if [ "${GREP_MBS[$set]}" = skipped ]; then
		goal N/A "kz-tag as fast as grep -F, $label: kz-tag ${TOTAL[$set]} MB/s, grep not run (KZ_BENCH_GREP_MAX) (issue 3)"
	elif [ "${TOTAL[$set]}" != - ] && [ "${GREP_MBS[$set]}" != - ]; then
		if awk "BEGIN { exit !(${TOTAL[$set]} >= ${GREP_MBS[$set]}) }"; then v=MET; else v=NOT-MET; fi
		goal $v "kz-tag as fast as grep -F, $label: ${TOTAL[$set]} vs ${GREP_MBS[$set]} MB/s ($THREADS; kz-tag scan alone ${SCAN[$set]} MB/s) (issue 3)"
		if [ "$set" = shipped ] && [ "${ONE_THREAD:--}" != - ]; then
			if awk "BEGIN { exit !($ONE_THREAD >= ${GREP_MBS[$set]}) }"; then v=MET; else v=NOT-MET; fi
			goal $v "kz-tag in one thread (--jobs 1) as fast as grep -F (one thread too), $label: $ONE_THREAD vs ${GREP_MBS[$set]} MB/s (issue 3)"
		fi
	else
		goal NOT-MET "kz-tag as fast as grep -F, $label: kz-tag ${TOTAL[$set]} MB/s, grep ${GREP_MBS[$set]} MB/s (issue 3)"
	fi
	if [ "$set" != shipped ] && [ "$BEST" != - ]; then
		if awk "BEGIN { exit !($BEST < 0.05) }"; then v=MET; else v=NOT-MET; fi
		goal $v "kz-tag start-up under 50 ms, $label: $BEST s (first run ${COLD[$set]} s) (issue 3)"
	fi
	if [ "$set" != shipped ] && [ "${TRSS[$set]}" != - ]; then
		if [ "$HAS_CACHE" = 1 ] && [ "$KZG_MB" != - ]; then
			if awk "BEGIN { exit !(${TRSS[$set]} <= 2 * $KZG_MB) }"; then v=MET; else v=NOT-MET; fi
			goal $v "kz-tag memory within twice the compiled gazetteer's size, $label: peak RSS ${TRSS[$set]} MB, compiled file $KZG_MB MB (issue 3)"
		else
			goal N/A "kz-tag memory within twice the compiled gazetteer's size, $label: no compiled file; peak RSS ${TRSS[$set]} MB for $yaml_mb MB of YAML (issue 3)"
		fi
	fi
	if [ "$set" != shipped ] && [ "$HAS_CACHE" = 1 ]; then
		goal INFO "kz-tag compile time, $label: ${COMPILE[$set]} s for $yaml_mb MB of YAML (issue 3 asks it printed, sets no goal)"
		if [ "${CRSS[$set]}" != - ] && [ "$KZG_MB" != - ]; then
			if awk "BEGIN { exit !(${CRSS[$set]} <= 2 * $KZG_MB) }"; then v=MET; else v=NOT-MET; fi
			goal $v "kz-tag --compile memory within twice the compiled file's size, $label: peak RSS ${CRSS[$set]} MB, compiled file $KZG_MB MB (issue 7)"
		fi
	fi
done
last=${GAZ##* }
if [ -n "$GAZ" ] && [ "${SCAN[shipped]:--}" != - ] && [ "${SCAN[$last]:--}" != - ]; then
	r=$(calc "${SCAN[$last]} / ${SCAN[shipped]}" '%.2f')
	if awk "BEGIN { exit !($r >= 0.8) }"; then v=MET; else v=NOT-MET; fi
	goal $v "kz-tag scan speed barely depends on the gazetteer's size (within 20%): ${SCAN[$last]} MB/s with $last generated entries vs ${SCAN[shipped]} MB/s shipped, ratio $r (issue 3)"
fi
[ "$HAS_CACHE" = 1 ] || goal N/A "kz-tag gazetteer compile time: kz-tag has no compiled gazetteer cache (issue 3)"

# ---------------------------------------------------------------- later stages
section "kz-quotes and kz-check (same $TEXT_MB MB of text, after kz-tag with the shipped gazetteers)"
QUOTED=$RUN/quoted.jsonl
# the yardstick: a process that does nothing, started the same way
startup cat
row "cat start-up" - - "$BEST" - - "the same tiny record through cat, best run: the cost of a process"
for s in normalize tag quotes check; do
	startup "$BIN/kz-$s" -q
	[ "$s" = tag ] && continue    # measured above
	[ "$BEST" = - ] && row "kz-$s start-up" - - - - - "$FIRST" ||
		row "kz-$s start-up" - - "$BEST" - - "tiny record, best run; first run $FIRST s"
done
if [ "$TAG_STATUS" = 0 ] || [ "$TAG_STATUS" = 65 ]; then
	measure "$TAG_SHIP" "$QUOTED" "$BIN/kz-quotes" -q
	ok || SECS=-
	row "kz-quotes" "$TEXT_MB" "$(mb_of "$TAG_SHIP")" "$SECS" "$CPU" "$RSS" "$(grep -o '"kind":"direct"' "$QUOTED" | wc -l) direct quotes $NOTE"
	rm -f "$TAG_SHIP"
	measure "$QUOTED" "$RUN/checked.jsonl" "$BIN/kz-check" -q
	ok || SECS=-
	row "kz-check" "$TEXT_MB" "$(mb_of "$QUOTED")" "$SECS" "$CPU" "$RSS" "$(grep -o '"severity":"error"' "$RUN/checked.jsonl" | wc -l) error flags $NOTE"
	rm -f "$QUOTED" "$RUN/checked.jsonl"
else
	say "   kz-tag did not finish: kz-quotes and kz-check skipped"
	row "kz-quotes, kz-check" - - - - - "skipped: kz-tag with the shipped gazetteers did not finish"
fi
rm -f "$NORM"

# ---------------------------------------------------------------- start-up
# One small article through the hand-typed pipe against four cats, as
# cron jobs and editors' scripts run it per file (issue 16). The two are
# run in turns, N times each, so that other work on the machine weighs on
# both alike; the caches are warm (one run first).
SMALL=$ROOT/examples/article.txt
SMALL_N=${KZ_BENCH_STARTUP_RUNS:-40}
section "start-up: one $(calc "$(stat -c %s "$SMALL") / 1e3" '%.1f') KB article through the four stages vs four cats ($SMALL_N runs each, in turns)"
hand_small() {
	"$BIN/kz-normalize" -q "$SMALL" | "$BIN/kz-tag" -q | "$BIN/kz-quotes" -q |
		"$BIN/kz-check" -q > /dev/null
}
cats_small() { cat "$SMALL" | cat | cat | cat > /dev/null; }
hand_small
t_hand=0 t_cats=0
for ((k = 0; k < SMALL_N; k++)); do
	t0=$(date +%s%N); hand_small; t1=$(date +%s%N); cats_small; t2=$(date +%s%N)
	t_hand=$((t_hand + t1 - t0)) t_cats=$((t_cats + t2 - t1))
done
ms_hand=$(calc "$t_hand / $SMALL_N / 1e6" '%.2f')
ms_cats=$(calc "$t_cats / $SMALL_N / 1e6" '%.2f')
ratio=$(calc "$t_hand / $t_cats" '%.2f')
row "one article, hand pipe" - - "$(calc "$ms_hand / 1000" '%.4f')" - - "kz-normalize FILE | kz-tag | kz-quotes | kz-check: $ms_hand ms a run (mean of $SMALL_N)"
row "one article, 4 cats" - - "$(calc "$ms_cats / 1000" '%.4f')" - - "cat FILE | cat | cat | cat: $ms_cats ms a run; the pipe is ${ratio}x"
awk "BEGIN { exit !($ratio <= 1.3) }" && v=MET || v=NOT-MET
goal $v "one small article through the four stages costs little more than four process spawns (<= 1.3x four cats) (issue 16): $ms_hand vs $ms_cats ms, ${ratio}x"

# ---------------------------------------------------------------- pipeline
section "the whole pipeline, one pipe (4 processes on $(nproc) cores)"
measure "$JSONL" "$RUN/pipeline.jsonl" bash -c \
	"set -o pipefail; '$BIN/kz-normalize' --jsonl -q | '$BIN/kz-tag' -q | '$BIN/kz-quotes' -q | '$BIN/kz-check' -q"
if ok; then
	n=$(wc -l < "$RUN/pipeline.jsonl")
	aps=$(calc "$n / $SECS" '%.0f')
	row "kz-normalize|tag|quotes|check" "$TEXT_MB" "$JSONL_MB" "$SECS" "$CPU" "$RSS" "$aps articles/s ($n articles); RSS of the largest process"
else
	row "kz-normalize|tag|quotes|check" "$TEXT_MB" "$JSONL_MB" - "$CPU" "$RSS" "$NOTE"
fi
rm -f "$RUN/pipeline.jsonl"

# ---------------------------------------------------------------- kz-run
section "kz-run --jobs 1 / --jobs 2 vs the hand-typed pipe ($RUN_N articles, one file each)"
if [ ! -x "$BIN/kz-run" ]; then
	say "   $BIN/kz-run does not exist yet: skipped"
	row "kz-run" - - - - - "skipped: bin/kz-run does not exist yet"
elif ! "$BIN/kz-run" --help 2>&1 | grep -q -e '--in'; then
	say "   kz-run --help does not mention --in: skipped"
	row "kz-run" - - - - - "skipped: kz-run has no --in DIR batch mode yet"
else
	FILES=$DATA/files-${MB}MB-$RUN_N
	if [ "$(cat "$FILES.stamp" 2>/dev/null)" != "$(cat "$TEXT/stamp")" ]; then
		rm -rf "$FILES"
		$GEN files --in "$JSONL" --count "$RUN_N" --out "$FILES" || exit 2
		cp "$TEXT/stamp" "$FILES.stamp"
	fi
	nfiles=$(find "$FILES" -name '*.txt' | wc -l)
	fmb=$(calc "$(cat "$FILES"/*.txt | wc -c) / 1e6" '%.1f')
	(cd "$FILES" && ls) | sed "s|^|$FILES/|" > "$RUN/files.list"
	measure /dev/null "$RUN/hand.jsonl" bash -c \
		"set -o pipefail; xargs -a '$RUN/files.list' '$BIN/kz-normalize' -q | '$BIN/kz-tag' -q | '$BIN/kz-quotes' -q | '$BIN/kz-check' -q"
	if ok; then
		hand_aps=$(calc "$nfiles / $SECS" '%.0f')
		row "hand pipe, $nfiles files" "$fmb" - "$SECS" "$CPU" "$RSS" "$hand_aps articles/s"
	else
		row "hand pipe, $nfiles files" "$fmb" - - "$CPU" "$RSS" "$NOTE"
	fi
	rm -f "$RUN/hand.jsonl"
	# 200 articles (the cron test of issue 6): one batch through kz-run,
	# its stages started once, against the hand pipe on the same files
	mkdir -p "$RUN/files200"
	head -n 200 "$RUN/files.list" | xargs cp -t "$RUN/files200"
	n200=$(ls "$RUN/files200" | wc -l)
	# each twice, the faster kept: the first warms the page cache, and
	# other work on the machine skews one short run more than two
	hand200=- run200=-
	for _ in 1 2; do
		measure /dev/null "$RUN/hand200.jsonl" bash -c \
			"set -o pipefail; '$BIN/kz-normalize' -q '$RUN'/files200/*.txt | '$BIN/kz-tag' -q | '$BIN/kz-quotes' -q | '$BIN/kz-check' -q"
		if ok && { [ "$hand200" = - ] || awk "BEGIN { exit !($SECS < $hand200) }"; }; then
			hand200=$SECS hand200_cpu=$CPU hand200_rss=$RSS
		fi
		rm -rf "$RUN/kz-run-200"
		measure /dev/null "$RUN/kz-run.log" --limit "$RUN_TIMEOUT" \
			"$BIN/kz-run" --in "$RUN/files200" --out "$RUN/kz-run-200" --jobs 1
		if ok && { [ "$run200" = - ] || awk "BEGIN { exit !($SECS < $run200) }"; }; then
			run200=$SECS run200_cpu=$CPU run200_rss=$RSS
		fi
	done
	if [ "$hand200" != - ]; then
		row "hand pipe, $n200 files" - - "$hand200" "$hand200_cpu" "$hand200_rss" "$(calc "$n200 / $hand200" '%.0f') articles/s (the faster of 2 runs)"
	else
		row "hand pipe, $n200 files" - - - - - "failed"
	fi
	if [ "$run200" != - ] && [ "$hand200" != - ]; then
		ratio=$(calc "$hand200 / ($run200 > 0 ? $run200 : 1e-9)" '%.2f')
		row "kz-run --jobs 1, $n200 files" - - "$run200" "$run200_cpu" "$run200_rss" "$(calc "$n200 / $run200" '%.0f') articles/s, ${ratio}x the hand pipe (the faster of 2 runs)"
		if awk "BEGIN { exit !($ratio >= 0.8) }"; then r=MET; else r=NOT-MET; fi
		goal "$r" "kz-run on $n200 articles >= 0.8x the hand pipe's speed (issue 15): ${ratio}x"
	else
		row "kz-run --jobs 1, $n200 files" - - - - - "failed"
		goal NOT-MET "kz-run on $n200 articles did not finish (issue 15)"
	fi
	rm -rf "$RUN/kz-run-200" "$RUN/files200" "$RUN/hand200.jsonl"
	for j in 1 2; do
		out=$RUN/kz-run-out-$j
		rm -rf "$out"
		mkdir -p "$out"
		measure /dev/null "$RUN/kz-run.log" --limit "$RUN_TIMEOUT" \
			"$BIN/kz-run" --in "$FILES" --out "$out" --jobs "$j"
		# finished articles: OUT/NAME.jsonl (kz-run writes each whole or not at all)
		done_n=$(find "$out" -type f -name '*.jsonl' ! -name '.*' | wc -l)
		if [ "$STATUS" = 124 ] || [ "$STATUS" = 137 ]; then
			aps=$(calc "$done_n / $SECS" '%.1f')
			row "kz-run --jobs $j" "$(calc "$fmb * $done_n / $nfiles" '%.1f')" - "$SECS" "$CPU" "$RSS" "stopped after $RUN_TIMEOUT s with ~$done_n of $nfiles articles written: ~$aps articles/s"
		elif [ "$STATUS" = 0 ] || [ "$STATUS" = 1 ] || [ "$STATUS" = 65 ]; then
			aps=$(calc "$nfiles / $SECS" '%.0f')
			row "kz-run --jobs $j" "$fmb" - "$SECS" "$CPU" "$RSS" "$aps articles/s ($done_n files written) $NOTE"
		else
			row "kz-run --jobs $j" "$fmb" - - "$CPU" "$RSS" "$NOTE"
		fi
		[ "${KZ_BENCH_KEEP:-0}" = 1 ] || rm -rf "$out"
	done
fi

# ---------------------------------------------------------------- table
section "summary ($(date '+%Y-%m-%d'), $(nproc) cores, $MEM)"
say "MB = 10^6 bytes. text MB: article text the stage covers (the same $TEXT_MB MB everywhere);"
say "stdin MB: what the program actually read (kz/1 records grow at every stage)."
say "seconds: wall time, start-up included; cpu s: user + system time of every process"
say "(less skewed than wall time when other work shares the machine)."
say "MB/s = text MB / wall seconds. RSS MB = peak resident set of the largest process (GNU time)."
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
say
awk -F'\t' '
BEGIN { f = "%-32s %7s %8s %8s %8s %7s %7s  %s\n"
        printf f, "stage", "text MB", "stdin MB", "seconds", "cpu s", "MB/s", "RSS MB", "notes"
        printf f, "-----", "-------", "--------", "-------", "-----", "----", "------", "-----" }
{ printf f, $1, $2, $3, $4, $5, $6, $7, $8 }' "$ROWS"
say
say "goals:"
cat "$GOALS"
exit 0
