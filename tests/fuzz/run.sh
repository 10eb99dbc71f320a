#!/usr/bin/env bash
# tests/fuzz/run.sh - build and run kz's libFuzzer targets (issue 7).
#
# Usage: tests/fuzz/run.sh [--smoke] [--seconds N] [--jobs J] [TARGET...]
#
#   (default)      fuzz each target N seconds (default 60), one after the
#                  other (--jobs 2: two at a time), under nice; new inputs
#                  go to build/fuzz/corpus/TARGET, which grows run after run
#   --smoke        replay every regression input (tests/fuzz/regressions/
#                  TARGET/) and every seed (tests/fuzz/corpus/TARGET/), then
#                  fuzz each target a few seconds (--seconds, default 3) from
#                  a scratch copy of the seeds; what `make fuzz-smoke` runs
#   --seconds N    fuzzing time per target
#   --jobs J       targets run at the same time (default 1)
#   --list         print the targets that can be built here, and exit
#   TARGET...      only these (record input normalize gazetteer quotes stages
#                  rules yaml show pipeline gzcache; default: every target
#                  whose module is here)
#
# Targets are tests/fuzz/fuzz_TARGET.c, built by tests/fuzz/fuzz.mk with
# clang -fsanitize=fuzzer,address,undefined into build/fuzz/. A crash,
# hang (-timeout=10 s), leak, sanitizer report or broken invariant is a
# failure: the input is saved in build/fuzz/artifacts/TARGET/ and the script
# says how to keep it as a regression input. The figures (executions,
# coverage, exec/s) of each run are printed at the end and appended to
# build/fuzz/stats.tsv.
#
# Without clang or libFuzzer, the script installs them as `make deps` does
# (Debian: clang, libclang-rt-14-dev; not with FUZZ_NO_INSTALL=1); when
# that fails too, --smoke says so and exits 0 (the rest of `make check`
# goes on), and a real fuzzing run exits 1.
#
# Exit status: 0 no finding; 1 a target failed (or cannot be built).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_CC=${FUZZ_CC:-clang}
export KZ_DATA="${KZ_DATA:-$ROOT}"
# the compiled gazetteer cache of the targets that load the real data: in
# the build folder, not in the user's ~/.cache
case $FUZZ_BUILD in /*) cache="$FUZZ_BUILD/cache" ;; *) cache="$ROOT/$FUZZ_BUILD/cache" ;; esac
export KZ_CACHE="${KZ_CACHE:-$cache}"

smoke=0 seconds="" jobs=1 list=0 targets=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1 ;;
	--seconds) seconds=$2; shift ;;
	--seconds=*) seconds=${1#*=} ;;
	--jobs) jobs=$2; shift ;;
	--jobs=*) jobs=${1#*=} ;;
	--list) list=1 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1 (try --help)" >&2; exit 1 ;;
	*) targets+=("$1") ;;
	esac
	shift
done
if [ -z "$seconds" ]; then
	if [ $smoke = 1 ]; then seconds=3; else seconds=60; fi
fi
case $seconds$jobs in *[!0-9]*)
	echo "run.sh: --seconds and --jobs take whole numbers" >&2; exit 1 ;;
esac

# ---------------------------------------------------------------- tools
no_fuzzer() {
	echo "== fuzz: $1 =="
	echo "   The fuzz targets need clang with libFuzzer (Debian: apt-get install clang;"
	echo "   if -fsanitize=fuzzer does not link: apt-get install libclang-rt-14-dev)."
	if [ $smoke = 1 ]; then
		echo "   fuzz-smoke skipped."
		exit 0
	fi
	exit 1
}
mkdir -p "$FUZZ_BUILD"
probe="$FUZZ_BUILD/probe"
can_fuzz() {
	command -v "$FUZZ_CC" > /dev/null 2>&1 || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' > "$probe.c"
	"$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" \
	    > "$probe.log" 2>&1
}
# Like `make deps`: install what is missing (Debian), and say so, unless
# FUZZ_NO_INSTALL is set or the compiler is not the default clang.
if ! can_fuzz && [ "$FUZZ_CC" = clang ] && [ -z "${FUZZ_NO_INSTALL:-}" ] &&
    command -v apt-get > /dev/null 2>&1; then
	if [ "$(id -u)" != 0 ]; then SUDO="sudo -n"; else SUDO=; fi
	echo "== fuzz: installing Debian packages: clang libclang-rt-14-dev =="
	{ $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    $SUDO apt-get install -y -q clang libclang-rt-14-dev; } > "$probe.apt" 2>&1 ||
	    tail -n 3 "$probe.apt" | sed 's/^/   /'
fi
if ! can_fuzz; then
	if command -v "$FUZZ_CC" > /dev/null 2>&1; then
		sed 's/^/   /' "$probe.log" | head -5
		no_fuzzer "$FUZZ_CC cannot link -fsanitize=fuzzer,address,undefined"
	fi
	no_fuzzer "$FUZZ_CC not found"
fi
rm -f "$probe" "$probe.c" "$probe.log" "$probe.apt"

all_targets=$(make --no-print-directory -f tests/fuzz/fuzz.mk FUZZ_BUILD="$FUZZ_BUILD" list)
if [ $list = 1 ]; then
	echo "$all_targets"
	exit 0
fi
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<< "$all_targets"
for t in "${targets[@]}"; do
	case " $all_targets " in *" $t "*) ;; *)
		echo "run.sh: no target '$t' here (targets: $all_targets)" >&2
		exit 1 ;;
	esac
done

echo "== fuzz: building ${targets[*]} =="
if ! make --no-print-directory -f tests/fuzz/fuzz.mk FUZZ_BUILD="$FUZZ_BUILD" \
    FUZZ_CC="$FUZZ_CC" TARGETS="${targets[*]}" -j"$(nproc 2>/dev/null || echo 1)"; then
	echo "== fuzz: build failed =="
	exit 1
fi

# Longest input libFuzzer makes for each target (long enough for an
# article, a gazetteer file or a rules file).
max_len() {
	case $1 in
	normalize|stages|show) echo 16384 ;;
	rules) echo 40000 ;;
	pipeline) echo 4096 ;;
	*) echo 8192 ;;
	esac
}

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LOGS="$FUZZ_BUILD/logs"
mkdir -p "$LOGS"

# replay TARGET: every regression input and seed, once each
replay() {
	local t=$1 bin="$FUZZ_BUILD/fuzz_$1" files=() d
	for d in "tests/fuzz/regressions/$t" "tests/fuzz/corpus/$t"; do
		[ -d "$d" ] || continue
		while IFS= read -r -d '' f; do files+=("$f"); done \
		    < <(find "$d" -type f ! -name '*.md' -print0 | sort -z)
	done
	[ ${#files[@]} -eq 0 ] && return 0
	if "$bin" -timeout=10 -rss_limit_mb=2048 "${files[@]}" \
	    > "$LOGS/$t.replay.log" 2>&1; then
		echo "  ok   $t: ${#files[@]} regression and seed inputs replayed"
		return 0
	fi
	echo "  FAIL $t: a regression or seed input fails (log: $LOGS/$t.replay.log)"
	grep -m1 -E 'ERROR|runtime error|invariant|Running: ' "$LOGS/$t.replay.log" |
	    sed 's/^/       /'
	tail -n 20 "$LOGS/$t.replay.log" | sed 's/^/       /'
	return 1
}

# fuzz TARGET: libFuzzer for $seconds; figures into $LOGS/TARGET.stats
fuzz() {
	local t=$1 bin="$FUZZ_BUILD/fuzz_$1" work art dict=() rc
	if [ $smoke = 1 ]; then
		work="$FUZZ_BUILD/smoke/$t"
		rm -rf "$work"
	else
		work="$FUZZ_BUILD/corpus/$t"
	fi
	art="$FUZZ_BUILD/artifacts/$t"
	mkdir -p "$work" "$art"
	[ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
	nice -n 10 "$bin" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -max_len="$(max_len "$t")" -print_final_stats=1 \
	    "${dict[@]}" -artifact_prefix="$art/" "$work" "tests/fuzz/corpus/$t" \
	    > "$LOGS/$t.log" 2>&1
	rc=$?
	# figures: the last status line, and the final stats
	awk -v t="$t" -v s="$seconds" -v rc="$rc" '
	    /^#[0-9]+/ && / cov: / { for (i = 1; i <= NF; i++) {
	        if ($i == "cov:") cov = $(i + 1); if ($i == "ft:") ft = $(i + 1);
	        if ($i == "corp:") corp = $(i + 1); if ($i == "exec/s:") eps = $(i + 1) } }
	    /^stat::number_of_executed_units:/ { runs = $2 }
	    /^stat::average_exec_per_sec:/ { eps = $2 }
	    /^stat::peak_rss_mb:/ { rss = $2 }
	    END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t, s, runs + 0,
	          cov + 0, ft + 0, corp, eps + 0, rss + 0, rc == 0 ? "ok" : "FAIL" }' \
	    "$LOGS/$t.log" > "$LOGS/$t.stats"
	if [ $rc -eq 0 ]; then
		return 0
	fi
	echo "  FAIL $t: libFuzzer found a problem (log: $LOGS/$t.log)"
	grep -m3 -E '^==[0-9]+==ERROR|runtime error|invariant broken|ALARM|out-of-memory|Test unit written' \
	    "$LOGS/$t.log" | sed 's/^/       /'
	echo "       keep it: cp $art/<crash-file> tests/fuzz/regressions/$t/NAME"
	return 1
}

# one TARGET: replay (smoke), then fuzz
one() {
	local t=$1 status=0
	if [ $smoke = 1 ]; then
		replay "$t" || status=1
	fi
	if [ "$seconds" -gt 0 ]; then
		fuzz "$t" || status=1
	fi
	return $status
}

if [ $smoke = 1 ]; then
	echo "== fuzz-smoke: regressions, seeds, then ${seconds}s per target =="
else
	echo "== fuzz: ${seconds}s per target, $jobs at a time =="
fi
# each target in the background, at most $jobs at a time; its status
# goes to $LOGS/TARGET.status
for t in "${targets[@]}"; do
	rm -f "$LOGS/$t.status" "$LOGS/$t.stats"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	( one "$t"; echo $? > "$LOGS/$t.status" ) &
done
wait
failed=0
for t in "${targets[@]}"; do
	[ "$(cat "$LOGS/$t.status" 2> /dev/null)" = 0 ] || failed=$((failed + 1))
done

if [ "$seconds" -gt 0 ]; then
	printf '%-10s %6s %11s %6s %7s %12s %7s %6s  %s\n' target secs execs cov ft corpus exec/s rss_mb result
	for t in "${targets[@]}"; do
		[ -f "$LOGS/$t.stats" ] || continue
		awk -F'\t' '{ printf "%-10s %6s %11s %6s %7s %12s %7s %6s  %s\n",
		    $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$LOGS/$t.stats"
		[ $smoke = 1 ] || { printf '%s\t' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; cat "$LOGS/$t.stats"; } \
		    >> "$FUZZ_BUILD/stats.tsv"
	done
fi
if [ $failed -ne 0 ]; then
	echo "== fuzz: $failed target(s) failed =="
	exit 1
fi
echo "== fuzz: no finding =="
