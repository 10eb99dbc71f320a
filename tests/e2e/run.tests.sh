# End-to-end tests of kz-run and pipeline.yaml (sourced by tests/e2e/run.sh).
# Every test makes its own folders under $TMP; nothing asserts a timing.

# These tests run strictly: tests/e2e/run.sh calls each t_NAME inside an
# `if`, where bash ignores `set -e`, so each test body (tb_NAME) runs in a
# fresh `bash -e` that stops at the first failing command. `refute CMD`
# fails when CMD succeeds (a plain `! CMD` never stops `set -e`).
kz_strict() { strict "$1"; }

refute() {
	if "$@"; then
		echo "unexpectedly true: $*"
		return 1
	fi
}

ROOT=$(cd "$HERE/../.." && pwd)

# summary_has FILE KEY=VALUE...: the key=value line a batch ends with when
# standard error is no terminal (docs/kz-run.md) holds each of these pairs
summary_has() {
	local f=$1 line pair
	shift
	line=$(grep '^kz-run: articles=' "$f" | tail -n 1)
	if [ -z "$line" ]; then
		echo "no key=value line in $f:"
		cat "$f"
		return 1
	fi
	for pair in "$@"; do
		case " ${line#kz-run: } " in
		*" $pair "*) ;;
		*) echo "want $pair in: $line"; return 1 ;;
		esac
	done
}

# work NAME: a fresh folder $W for one test ($TMP is shared by all tests)
work() {
	W="$TMP/$1"
	rm -rf "$W"
	mkdir -p "$W"
}

# run_cfg: a pipeline.yaml naming the real stages of $BIN by path, so the
# tests run the binaries under test (also the sanitizer build).
run_cfg() {
	cat > "$1" <<EOF
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: $BIN/kz-tag
  - run: $BIN/kz-quotes
  - run: $BIN/kz-check
    args: [--lang, \$lang]
lang: fr
EOF
}

# gen_articles DIR N: N variations of the fixture, a1.txt .. aN.txt
gen_articles() {
	mkdir -p "$1"
	for i in $(seq 1 "$2"); do
		sed "s/point presse à Vilnius/point presse à Vilnius (dépêche $i)/" \
			"$FIX/minsk.txt" > "$1/a$i.txt"
	done
}

# every_output_parses DIR [--any-stage]: each *.jsonl in DIR is whole kz/1
# JSON Lines, with the id of its file (and flags, unless --any-stage)
every_output_parses() {
	python3 - "$1" "${2:-}" <<'EOF'
import glob, json, os, sys
d, any_stage = sys.argv[1], sys.argv[2] == "--any-stage"
for p in glob.glob(os.path.join(d, "*.jsonl")):
    lines = open(p, encoding="utf-8").read().splitlines()
    assert lines, p + ": empty"
    for l in lines:
        rec = json.loads(l)
        assert rec["id"] == os.path.basename(p)[:-6], p + ": wrong id"
        assert any_stage or "flags" in rec, p + ": no flags"
EOF
}

tb_run_same_bytes_as_hand_pipe() {
	work run_same_bytes_as_hand_pipe
	run_cfg "$W/p.yaml"
	"$BIN/kz-run" --config "$W/p.yaml" < "$FIX/minsk.txt" > "$W/run.out"
	"$BIN/kz-normalize" < "$FIX/minsk.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
		"$BIN/kz-check" --lang fr > "$W/pipe.out"
	cmp "$W/run.out" "$W/pipe.out"
	# --id reaches $id; the shipped pipeline.yaml gives the same bytes
	"$BIN/kz-run" --config "$W/p.yaml" --id minsk < "$FIX/minsk.txt" > "$W/run.out"
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
		"$BIN/kz-check" > "$W/pipe.out"
	cmp "$W/run.out" "$W/pipe.out"
	"$BIN/kz-run" --config "$ROOT/pipeline.yaml" --id minsk < "$FIX/minsk.txt" > "$W/run2.out"
	cmp "$W/run2.out" "$W/pipe.out"
}

tb_run_formats_through_kz_show() {
	work run_formats_through_kz_show
	run_cfg "$W/p.yaml"
	"$BIN/kz-run" --config "$W/p.yaml" --format tsv < "$FIX/minsk.txt" > "$W/run.tsv"
	"$BIN/kz-run" --config "$W/p.yaml" < "$FIX/minsk.txt" | "$BIN/kz-show" --tsv > "$W/pipe.tsv"
	cmp "$W/run.tsv" "$W/pipe.tsv"
	grep -q 'role-mismatch:error' "$W/run.tsv"
	"$BIN/kz-run" --config "$W/p.yaml" --print > "$W/print"
	grep -q "kz-normalize --id stdin | .*kz-tag | .*kz-quotes | .*kz-check --lang fr" "$W/print"
}

# config_refused WHAT PATTERN: kz-run on $W/bad.yaml stops before running
# anything, exit 78, saying PATTERN
config_refused() {
	local rc=0

	"$BIN/kz-run" --config "$W/bad.yaml" < /dev/null > "$W/out" 2> "$W/err" || rc=$?
	expect_eq "$1 exit" "$rc" 78
	grep -q "$2" "$W/err"
}

tb_run_config_errors() {
	work run_config_errors
	printf 'stages:\n  - run: kz-tag\n    args: [--quiet\n' > "$W/bad.yaml"
	config_refused "broken yaml" "^kz-run: $W/bad.yaml:[0-9]*:[0-9]*: YAML syntax error"
	printf 'stages:\n  - run: %s/kz-tag\n  - run: kz-tagg\n' "$BIN" > "$W/bad.yaml"
	config_refused "unknown stage" "^kz-run: $W/bad.yaml:3:10: unknown stage 'kz-tagg'"
	printf 'stages: [kz-tag]\nlanguage: fr\n' > "$W/bad.yaml"
	config_refused "unknown key" "^kz-run: $W/bad.yaml:2:1: unknown key 'language'"
	printf 'stages:\n  - {run: kz-tag, options: [-q]}\n' > "$W/bad.yaml"
	config_refused "unknown stage key" "^kz-run: $W/bad.yaml:2:19: unknown key 'options' in a stage"
	rm -f "$W/bad.yaml"
	config_refused "missing config" "bad.yaml"
}

tb_run_worst_stage_status() {
	work run_worst_stage_status
	cat > "$W/die.sh" <<'EOF'
#!/bin/sh
cat > /dev/null
kill -SEGV $$
EOF
	cat > "$W/bad65.sh" <<'EOF'
#!/bin/sh
cat
exit 65
EOF
	chmod +x "$W/die.sh" "$W/bad65.sh"
	printf 'stages:\n  - run: ./bad65.sh\n  - run: cat\n' > "$W/p.yaml"
	set +e
	echo '{"id":"x"}' | "$BIN/kz-run" --config "$W/p.yaml" > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit 65 passed on" "$rc" 65
	expect_eq "output still passed on" "$(cat "$W/out")" '{"id":"x"}'
	printf 'stages:\n  - run: ./bad65.sh\n  - run: ./die.sh\n' > "$W/p.yaml"
	set +e
	echo '{"id":"x"}' | "$BIN/kz-run" --config "$W/p.yaml" > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "a stage killed by a signal" "$rc" 70
	grep -q '^kz-run: die.sh killed by signal 11' "$W/err"
}

tb_run_batch_twice_then_edit() {
	work run_batch_twice_then_edit
	n=200   # the cron test of issue 6: 200 articles
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" $n
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 3 2> "$W/err"
	summary_has "$W/err" articles=$n done=$n unchanged=0 failed=0 errors=$n warnings=0 info=$n
	expect_eq "outputs" "$(ls "$W/out" | wc -l)" $n
	every_output_parses "$W/out"
	test ! -e "$W/out/failures.tsv"
	# the same bytes as the hand-typed pipe, for one of them
	"$BIN/kz-normalize" "$W/in/a17.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" | "$BIN/kz-check" > "$W/a17"
	cmp "$W/a17" "$W/out/a17.jsonl"
	# the second run does nothing and says so on one line
	md5sum "$W"/out/*.jsonl > "$W/sums"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 3 2> "$W/err"
	summary_has "$W/err" articles=$n done=0 unchanged=$n failed=0
	expect_eq "stderr lines" "$(wc -l < "$W/err")" 1
	# one article edited: only it is redone
	sed -i 's/Nous ne laisserons personne menacer notre pays\. Les/Nous ne laisserons personne menacer le pays. Les/' "$W/in/a9.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=$n done=1 unchanged=$((n - 1)) failed=0 redone=1 redone_article=1
	md5sum "$W"/out/*.jsonl > "$W/sums2"
	expect_eq "changed outputs" "$(diff "$W/sums" "$W/sums2" | grep '^>' | sed 's/.*\///')" "a9.jsonl"
	$EXPECT '"le pays" in doc["text"]' "$W/out/a9.jsonl"
	# a deleted output is made again
	rm "$W/out/a3.jsonl"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=$n done=1 unchanged=$((n - 1)) redone_missing=1
}

# An article the stages cannot read (empty: a record with `errors`) fails
# alone and is retried; one kz-normalize could read with a warning (a
# stray byte replaced by U+FFFD, exit 65) is a success with its flag.
tb_run_batch_broken_article() {
	work run_batch_broken_article
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 5
	printf 'Titre\n\nUn texte \xff ici.\n' > "$W/in/latin1.txt"
	: > "$W/in/broken.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" -j 2 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	grep -q '^kz-run: broken.txt: kz-normalize: empty article: no text$' "$W/err"
	summary_has "$W/err" articles=7 done=6 unchanged=0 failed=1
	expect_eq "failures header" "$(head -1 "$W/out/failures.tsv")" "$(printf 'file\treason\thash\ttime')"
	expect_eq "failed files" "$(tail -n +2 "$W/out/failures.tsv" | cut -f1)" "broken.txt"
	test ! -e "$W/out/broken.jsonl"
	$EXPECT 'any(f["rule"] == "invalid-utf8" and f["severity"] == "warning" for f in doc["flags"])' "$W/out/latin1.jsonl"
	every_output_parses "$W/out"
	# retried next run; once mended, done, and failures.tsv is gone
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit again" "$rc" 65
	summary_has "$W/err" articles=7 done=0 unchanged=6 failed=1
	printf 'Titre\n\nUn texte ici.\n' > "$W/in/broken.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=7 done=1 unchanged=6 failed=0
	test ! -e "$W/out/failures.tsv"
}

# The same bytes failing --max-attempts runs in a row (default 3) are
# quarantined: listed in failures.tsv, not run, not a failure of the run;
# run again when they change or with --retry-quarantined.
tb_run_batch_quarantine() {
	work run_batch_quarantine
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 2
	: > "$W/in/broken.txt"
	for i in 1 2 3; do
		set +e
		"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
		rc=$?
		set -e
		expect_eq "exit of run $i" "$rc" 65
		summary_has "$W/err" articles=3 failed=1
	done
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	expect_eq "stderr lines" "$(wc -l < "$W/err")" 1
	summary_has "$W/err" articles=3 done=0 unchanged=2 failed=0 quarantined=1 status=0
	expect_eq "listed" "$(tail -n +2 "$W/out/failures.tsv" | cut -f1,2)" \
		"$(printf 'broken.txt\tquarantined after 3 failed attempts (edit it, or --retry-quarantined): kz-normalize: empty article: no text')"
	# asked to, it runs once more (and fails once more)
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --retry-quarantined 2> "$W/err"
	rc=$?
	set -e
	expect_eq "retried" "$rc" 65
	grep -q '^kz-run: broken.txt: kz-normalize: empty article' "$W/err"
	# other bytes: attempts count afresh
	printf '\n\n' > "$W/in/broken.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "changed" "$rc" 65
	summary_has "$W/err" failed=1
	printf 'Titre\n\nUn texte enfin.\n' > "$W/in/broken.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=1 unchanged=2 failed=0
	test ! -e "$W/out/failures.tsv"
	# --max-attempts 1: set aside after one failure; 0: never
	: > "$W/in/broken.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/o1" --max-attempts 1 2> "$W/err" || true
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/o1" --max-attempts 1 2> "$W/err"
	summary_has "$W/err" quarantined=1
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/o1" --max-attempts 0 2> "$W/err"
	rc=$?
	set -e
	expect_eq "never quarantined" "$rc" 65
}

# Outside a terminal (cron) a batch ends with one key=value line, whose
# keys and order docs/kz-run.md promises; on a terminal, the sentence.
tb_run_batch_log_line() {
	work run_batch_log_line
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 3
	: > "$W/in/broken.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	# the failure as it happens, then the one line
	expect_eq "lines" "$(wc -l < "$W/err")" 2
	grep -q '^kz-run: broken.txt: kz-normalize: empty article: no text$' "$W/err"
	parse_log_line() {
		python3 - "$1" <<'PY'
import re, sys
keys = ("articles done unchanged failed quarantined errors warnings info "
        "open_errors open_warnings open_info redone redone_article "
        "redone_missing redone_pipeline redone_data redone_version "
        "redone_forced seconds status").split()
line = open(sys.argv[1]).read().splitlines()[-1]
assert line.startswith("kz-run: "), line
pairs = [p.split("=", 1) for p in line[len("kz-run: "):].split(" ")]
assert [k for k, _ in pairs] == keys, line
v = dict(pairs)
assert re.fullmatch(r"[0-9]+\.[0-9]{2}", v.pop("seconds")), line
print(" ".join("%s=%d" % (k, int(x)) for k, x in v.items()))
PY
	}
	expect_eq "first run" "$(parse_log_line "$W/err")" \
		"articles=4 done=3 unchanged=0 failed=1 quarantined=0 errors=3 warnings=0 info=3 open_errors=3 open_warnings=0 open_info=3 redone=0 redone_article=0 redone_missing=0 redone_pipeline=0 redone_data=0 redone_version=0 redone_forced=0 status=65"
	# --no-progress is the same; one article edited: redone, and the
	# folder's flags still counted
	echo 'Une phrase de plus.' >> "$W/in/a2.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --no-progress 2> "$W/err"
	set -e
	expect_eq "second run" "$(parse_log_line "$W/err")" \
		"articles=4 done=1 unchanged=2 failed=1 quarantined=0 errors=1 warnings=0 info=1 open_errors=3 open_warnings=0 open_info=3 redone=1 redone_article=1 redone_missing=0 redone_pipeline=0 redone_data=0 redone_version=0 redone_forced=0 status=65"
	# every run ends with it, one that found the lock taken too
	set +e
	flock "$W/out/.kz-lock" "$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" \
		--out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "locked" "$rc" 75
	grep -q '^kz-run: .*another kz-run' "$W/err"
	summary_has "$W/err" articles=0 done=0 status=75
	# a terminal's summary is the sentence (--progress stands for one)
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --progress --force 2> "$W/err"
	set -e
	tr '\r' '\n' < "$W/err" | sed 's/\x1b\[K//g' > "$W/said"
	grep -q '^kz-run: 4 articles: 3 done, 0 skipped, 1 failed (.*failures.tsv); flags: 3 errors, 0 warnings, 3 info; in the folder: 3 errors, 0 warnings, 3 info; 3 redone (--force 3); [0-9.]* s$' "$W/said"
	grep -q '^kz-run \[.*\] 4/4 ' "$W/said"
	refute grep -q 'articles=' "$W/err"
	# and on a real terminal (script(1) gives kz-run one), without options
	echo 'Encore une phrase.' >> "$W/in/a3.txt"
	script -qec "'$BIN/kz-run' --config '$W/p.yaml' --in '$W/in' --out '$W/out'" \
		/dev/null > "$W/tty" || true
	tr '\r' '\n' < "$W/tty" | sed 's/\x1b\[K//g' > "$W/said"
	# (broken.txt failed three runs: quarantined now)
	grep -aq '^kz-run: 4 articles: 1 done, 2 skipped, 0 failed, 1 quarantined (see failures.tsv); flags: 1 error,' "$W/said"
	refute grep -aq 'articles=' "$W/said"
}

# The output folder's disk fills up (a tmpfs of a few pages, mounted in a
# user and mount namespace of the test's own: `unshare -rm`, no root
# needed), then has room again. kz-run names each output it could not
# write, stops feeding articles, exits 74 (docs/exit-codes.md), leaves no
# partial or temporary file, and does not count the full disk as a failed
# attempt of the article (with --max-attempts 1 it would be quarantined);
# the run after, with room, completes every article exactly once.
tb_run_batch_disk_full() {
	work run_batch_disk_full
	if ! unshare -rm true 2> "$W/unshare.err"; then
		echo "unshare -rm does not work here (user namespaces off?): $(cat "$W/unshare.err")"
		return 1
	fi
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 6
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/clean" 2> "$W/err"
	summary_has "$W/err" done=6 status=0
	cat > "$W/disk.sh" <<'EOF'
set -e
W=$1 BIN=$2 jobs=$3
out=$W/out$jobs
mkdir "$out"
# 48 KiB: room for a few outputs of about 10 KB, not for six
mount -t tmpfs -o size=48k,mode=0755 tmpfs "$out"
# a journal line of an article long gone: .kz-failed has a page of its
# own, so appending to it still works on the full disk
printf 'gone.txt\t%016x\t1\tsome reason\n' 0 > "$out/.kz-failed"
chmod 600 "$out/.kz-failed"
run() {
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$out" --jobs "$jobs" \
		--max-attempts 1 2> "$W/err$1.$jobs"
	echo $? > "$W/rc$1.$jobs"
	set -e
	rm -rf "$W/after$1.$jobs"
	cp -a "$out" "$W/after$1.$jobs"
}
run 1
df "$out" > "$W/df.$jobs"
# room again
mount -o remount,size=4m "$out"
run 2
run 3
EOF
	for jobs in 1 3; do
		unshare -rm bash "$W/disk.sh" "$W" "$BIN" "$jobs"
		expect_eq "full disk, --jobs $jobs: exit" "$(cat "$W/rc1.$jobs")" 74
		grep -q ' 100% ' "$W/df.$jobs"
		# each output not written is named, with the reason
		grep '^kz-run: a[0-9].txt: ' "$W/err1.$jobs" > "$W/named"
		test -s "$W/named"
		refute grep -v "^kz-run: a\([0-9]\).txt: cannot write $W/out$jobs/a\1.jsonl: No space left on device\$" "$W/named"
		grep -q "^kz-run: cannot write $W/out$jobs/a[0-9].jsonl: No space left on device: the output folder takes no more, the run stopped; [0-9]* articles\? left for the next run\$" "$W/err1.$jobs"
		summary_has "$W/err1.$jobs" articles=6 status=74
		# no partial file: what is there is whole, as a clean run wrote it
		expect_eq "temporary files" "$(ls -A "$W/after1.$jobs" | grep -c '^\.kz-tmp' || true)" 0
		n=0
		for f in "$W/after1.$jobs"/a*.jsonl; do
			[ -e "$f" ] || continue
			cmp "$W/clean/$(basename "$f")" "$f"
			n=$((n + 1))
		done
		[ "$n" -lt 6 ]
		# the full disk is no attempt of the articles': none is recorded
		refute grep -q '^a[0-9]' "$W/after1.$jobs/.kz-failed"
		# room again: every article done, none quarantined, each output
		# byte for byte the clean run's
		expect_eq "room again, --jobs $jobs: exit" "$(cat "$W/rc2.$jobs")" 0
		summary_has "$W/err2.$jobs" articles=6 failed=0 quarantined=0 status=0
		expect_eq "outputs" "$(cd "$W/after2.$jobs" && ls)" "$(cd "$W/clean" && ls)"
		for i in 1 2 3 4 5 6; do
			cmp "$W/clean/a$i.jsonl" "$W/after2.$jobs/a$i.jsonl"
		done
		expect_eq "temporary files" "$(ls -A "$W/after2.$jobs" | grep -c '^\.kz-tmp' || true)" 0
		# and then nothing is left to do
		summary_has "$W/err3.$jobs" articles=6 done=0 unchanged=6 status=0
	done
}

# kz-run --status OUT: what the next run would find, from the journals a
# run keeps and the input folder it recorded; it runs and writes nothing.
tb_run_status() {
	work run_status
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 1
	: > "$W/in/broken.txt"
	# no run yet: no input folder recorded
	mkdir "$W/out"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" > "$W/st" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "nothing recorded" "$rc" 66
	grep -q "give --in DIR" "$W/err"
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" --in "$W/in" > "$W/st"
	expect_eq "before any run" "$(sed -n '3,$p' "$W/st")" \
		"$(printf 'articles\t2\ndone\t0\nfailed\t0\nquarantined\t0\npending\t2')"
	# one good, one bad: a failure, retried by the next run
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err" || true
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" > "$W/st"
	expect_eq "after one run" "$(cat "$W/st")" \
		"$(printf 'out\t%s\nin\t%s\narticles\t2\ndone\t1\nfailed\t1\nquarantined\t0\npending\t0\nfailed\tbroken.txt\tkz-normalize: empty article: no text' "$W/out" "$(cd "$W/in" && pwd -P)")"
	# failed --max-attempts (3) runs: quarantined; one article more
	# (pending), and a file that is no article
	for i in 2 3; do
		"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err" || true
	done
	sed 's/Vilnius/Kaunas/' "$W/in/a1.txt" > "$W/in/a2.txt"
	echo notes > "$W/in/README.md"
	(cd "$W/out" && ls -lA --time-style=full-iso && md5sum .kz-* ./*) > "$W/before"
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" > "$W/st"
	expect_eq "quarantined and pending" "$(sed -n '3,$p' "$W/st")" \
		"$(printf 'articles\t3\ndone\t1\nfailed\t0\nquarantined\t1\npending\t1\nquarantined\tbroken.txt\tquarantined after 3 failed attempts (edit it, or --retry-quarantined): kz-normalize: empty article: no text')"
	(cd "$W/out" && ls -lA --time-style=full-iso && md5sum .kz-* ./*) > "$W/after"
	cmp "$W/before" "$W/after"
	# another pipeline: every output is stale, so pending; the next run
	# with it does exactly those
	sed 's/^lang: fr/lang: en/' "$W/p.yaml" > "$W/p2.yaml"
	"$BIN/kz-run" --config "$W/p2.yaml" --status "$W/out" > "$W/st"
	expect_eq "another pipeline" "$(sed -n '4,7p' "$W/st" | cut -f2 | tr '\n' ' ')" "0 0 1 2 "
	# the run does what was pending: status then has none left
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=1 unchanged=1 failed=0 quarantined=1
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" > "$W/st"
	expect_eq "after the run" "$(sed -n '3,7p' "$W/st" | cut -f2 | tr '\n' ' ')" "3 2 0 1 0 "
	# --status names the output folder: no --out beside it
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --status "$W/out" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "with --out" "$rc" 64
}

tb_run_batch_crashing_stage() {
	work run_batch_crashing_stage
	# a stage that kills itself on one article, and one that hangs on another
	cat > "$W/crashy.sh" <<'EOF'
#!/bin/sh
case "$1" in
a3) kill -KILL $$ ;;
a5) sleep 60 ;;
esac
exec cat
EOF
	chmod +x "$W/crashy.sh"
	cat > "$W/p.yaml" <<EOF
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: ./crashy.sh
    args: [\$id]
EOF
	gen_articles "$W/in" 8
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 4 --timeout 5 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	summary_has "$W/err" articles=8 done=6 unchanged=0 failed=2
	expect_eq "reasons" "$(tail -n +2 "$W/out/failures.tsv" | cut -f1,2 | sort)" \
		"$(printf 'a3.txt\tcrashy.sh killed by signal 9 (Killed)\na5.txt\ttimed out after 5 s')"
	expect_eq "outputs" "$(ls "$W/out" | tr '\n' ' ')" "a1.jsonl a2.jsonl a4.jsonl a6.jsonl a7.jsonl a8.jsonl failures.tsv "
	every_output_parses "$W/out" --any-stage
	# no stage left behind
	refute pgrep -f "$W/crashy.sh" > /dev/null
}

# kill -9 at several moments of a 200-article batch, then a run that
# completes it: every output whole and byte for byte a clean run's, every
# article once. A last stage that passes each record on after a short
# pause keeps the batch running long enough to be killed in the middle
# (streamed, 200 articles take well under a second).
tb_run_batch_kill9_then_rerun() {
	work run_batch_kill9_then_rerun
	cat > "$W/slow.sh" <<'EOF'
#!/bin/sh
while IFS= read -r line; do
	printf '%s\n' "$line"
	sleep 0.02
done
EOF
	chmod +x "$W/slow.sh"
	run_cfg "$W/p.yaml"
	sed -i 's|^lang: fr$|  - run: ./slow.sh|' "$W/p.yaml"
	gen_articles "$W/in" 200
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/clean" --jobs 2 2> "$W/err0"
	for at in 5 60 130; do
		"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 2 2> "$W/err1" &
		pid=$!
		# wait until that many outputs are there, then kill -9 in the middle
		for _ in $(seq 1 1200); do
			n=$(ls "$W/out" 2>/dev/null | grep -c 'jsonl$' || true)
			[ "$n" -ge "$at" ] && break
			sleep 0.05
		done
		kill -KILL "$pid"
		wait "$pid" || true
		n=$(ls "$W/out" | grep -c 'jsonl$' || true)
		echo "killed after $n outputs"
		[ "$n" -lt 200 ] || { echo "the run ended before the kill"; return 1; }
		# what is there is whole; stages died with kz-run (no orphans writing)
		every_output_parses "$W/out"
		sleep 0.2
		refute pgrep -f "$BIN/kz-(normalize|tag|quotes|check)" -P 1 > /dev/null
		refute pgrep -f "$W/slow.sh" > /dev/null
	done
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 2 2> "$W/err"
	cat "$W/err"
	summary_has "$W/err" articles=200 failed=0
	done_n=$(sed -n 's/^kz-run: .* done=\([0-9]*\) unchanged=\([0-9]*\) .*/\1+\2/p' "$W/err")
	expect_eq "done + skipped" "$((done_n))" 200
	# every article once, whole, as a clean run wrote it; no temporary file
	expect_eq "outputs" "$(ls "$W/out" | wc -l)" 200
	expect_eq "temporary files" "$(ls -a "$W/out" | grep -c '^\.kz-tmp' || true)" 0
	for i in $(seq 1 200); do
		cmp "$W/clean/a$i.jsonl" "$W/out/a$i.jsonl"
	done
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=200 done=0 unchanged=200 failed=0
}

tb_run_batch_lock() {
	work run_batch_lock
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 2
	mkdir -p "$W/out"
	# another run holds the lock: this one says so and does nothing
	flock "$W/out/.kz-lock" sleep 30 &
	holder=$!
	for _ in $(seq 1 100); do
		flock -n "$W/out/.kz-lock" true || break
		sleep 0.05
	done
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 75
	grep -q "^kz-run: $W/out: another kz-run (pid .*) is working on this folder; nothing done (--wait to wait for it)" "$W/err"
	expect_eq "outputs" "$(ls "$W/out" | wc -l)" 0
	# with --wait it goes on once the other run is over
	( sleep 0.3; kill "$holder" ) &
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --wait 2> "$W/err"
	summary_has "$W/err" articles=2 done=2
	wait
}

tb_run_batch_usage() {
	work run_batch_usage
	set +e
	"$BIN/kz-run" --in "$W" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "--in without --out" "$rc" 64
	set +e
	"$BIN/kz-run" --config "$ROOT/pipeline.yaml" --in "$W/none" --out "$W/o" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "missing input folder" "$rc" 66
	grep -q "^kz-run: $W/none: cannot read the input folder" "$W/err"
}

# GNU parallel runs the stages unchanged: the same records in the same
# order as one process, over a JSON Lines batch.
tb_run_gnu_parallel() {
	work run_gnu_parallel
	# `make deps` installs it: a machine without it fails, never skips
	if ! command -v parallel > /dev/null 2>&1; then
		echo "GNU parallel is not installed: make deps (apt-get install parallel)"
		return 1
	fi
	parallel --version | grep -q '^GNU parallel'
	gen_articles "$W/in" 12
	"$BIN/kz-normalize" "$W"/in/*.txt > "$W/batch.jsonl"
	expect_eq "records" "$(wc -l < "$W/batch.jsonl")" 12
	"$BIN/kz-tag" < "$W/batch.jsonl" | "$BIN/kz-quotes" | "$BIN/kz-check" > "$W/single.jsonl"
	parallel --will-cite --pipe --keep-order -N 2 -j 3 \
		"$BIN/kz-tag | $BIN/kz-quotes | $BIN/kz-check" < "$W/batch.jsonl" > "$W/parallel.jsonl"
	cmp "$W/single.jsonl" "$W/parallel.jsonl"
	# and kz-run itself as the command, on JSON Lines input
	printf 'stages: [%s/kz-tag, %s/kz-quotes, %s/kz-check]\n' "$BIN" "$BIN" "$BIN" > "$W/p.yaml"
	parallel --will-cite --pipe --keep-order -N 5 -j 2 \
		"$BIN/kz-run --config $W/p.yaml" < "$W/batch.jsonl" > "$W/parallel2.jsonl"
	cmp "$W/single.jsonl" "$W/parallel2.jsonl"
	# the -S form of docs/kz-run.md, on this machine only (':', no ssh)
	parallel --will-cite --pipe --keep-order -N 3 -S 2/: \
		"$BIN/kz-tag | $BIN/kz-quotes | $BIN/kz-check" < "$W/batch.jsonl" > "$W/parallel3.jsonl"
	cmp "$W/single.jsonl" "$W/parallel3.jsonl"
}

# The Hadoop Streaming mapper of docs/kz-run.md, as the page writes it, run
# as a task runs it: in a folder holding the shipped programs, scraped
# JSON Lines in; a bad record is in the output and fails no task.
tb_run_hadoop_mapper_script() {
	work run_hadoop_mapper_script
	sed -n "/^    cat > kz-map.sh <<'EOF'\$/,/^    EOF\$/p" "$ROOT/docs/kz-run.md" |
		sed '1d;$d;s/^    //' > "$W/kz-map.sh"
	grep -q '^\./kz-normalize --jsonl | ./kz-tag | ./kz-quotes | ./kz-check' "$W/kz-map.sh"
	for p in kz-normalize kz-tag kz-quotes kz-check; do ln -s "$BIN/$p" "$W/$p"; done
	gen_articles "$W/in" 3
	for i in 1 2 3; do
		jq -Rsc --arg id "a$i" '{id: $id, text: .}' "$W/in/a$i.txt"
	done > "$W/scraped.jsonl"
	(cd "$W" && sh kz-map.sh < scraped.jsonl > mapped.jsonl)
	"$BIN/kz-normalize" --jsonl < "$W/scraped.jsonl" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
		"$BIN/kz-check" > "$W/hand.jsonl"
	cmp "$W/hand.jsonl" "$W/mapped.jsonl"
	# an empty record: exit 65 from the stages, 0 from the mapper
	echo '{"id": "empty", "text": ""}' >> "$W/scraped.jsonl"
	(cd "$W" && sh kz-map.sh < scraped.jsonl > mapped.jsonl 2> err)
	expect_eq "records" "$(wc -l < "$W/mapped.jsonl")" 4
	$EXPECT 'docs[3]["errors"]' "$W/mapped.jsonl"
	# a crash still fails the task
	printf '#!/bin/sh\nkill -SEGV $$\n' > "$W/crash"
	chmod +x "$W/crash"
	rm "$W/kz-check"
	ln -s "$W/crash" "$W/kz-check"
	set +e
	(cd "$W" && sh kz-map.sh < scraped.jsonl > mapped.jsonl 2> err)
	rc=$?
	set -e
	refute [ "$rc" -eq 0 ]
}

# failures.tsv fields are escaped as every message is (esc.h): an ESC, a
# bidi override or a backslash in a file name is shown, never obeyed,
# and a tab in it cannot shift the columns.
tb_run_failures_escaped() {
	work run_failures_escaped
	run_cfg "$W/p.yaml"
	mkdir -p "$W/in"
	: > "$W/in/$(printf 'b\033[2Jx\\y\tz\342\200\256.txt')"    # empty: it fails
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	refute grep -q "$(printf '\033')" "$W/out/failures.tsv"
	refute grep -q "$(printf '\342\200\256')" "$W/out/failures.tsv"
	expect_eq "columns" "$(tail -n +2 "$W/out/failures.tsv" | awk -F '\t' '{print NF}')" 4
	expect_eq "name" "$(tail -n +2 "$W/out/failures.tsv" | cut -f1)" \
		'b\e[2Jx\\y\tz\u202e.txt'
}

# a journal line torn by kill -9 does not take the next entry with it:
# an article edited after the tear is recorded once redone, and skipped on
# the run after (t_reliab_run_torn_journal covers an unchanged batch).
tb_run_torn_journal_line() {
	work run_torn_journal_line
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 3
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	printf '00c0ffee' >> "$W/out/.kz-state"
	echo 'Une phrase de plus.' >> "$W/in/a2.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=1 unchanged=2
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=0 unchanged=3
}

# Only files matching --include are articles (default *.txt, *.jsonl): a
# README.md or a notes file in the input folder gets no output, no failure.
tb_run_batch_include() {
	work run_batch_include
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 2
	printf '# Articles\n\nDéposés ici par le robot.\n' > "$W/in/README.md"
	printf 'notes\n' > "$W/in/notes.csv"
	"$BIN/kz-normalize" "$W/in/a1.txt" > "$W/in/feed.jsonl"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3 unchanged=0 failed=0
	expect_eq "outputs" "$(ls "$W/out" | tr '\n' ' ')" "a1.jsonl a2.jsonl feed.jsonl "
	# patterns of one's own, repeatable; the default is then off
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out2" \
		--include '*.md' --include 'a1.*' 2> "$W/err"
	summary_has "$W/err" articles=2 done=2 unchanged=0 failed=0
	expect_eq "outputs" "$(ls "$W/out2" | tr '\n' ' ')" "README.jsonl a1.jsonl "
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out3" --include '' 2> "$W/err"
	rc=$?
	set -e
	expect_eq "empty pattern" "$rc" 64
}

# Exit statuses as documented: a stage that crashes is 70 even when the
# stage before it dies of SIGPIPE for it (that read as 74); a custom
# stage's own status (3) is mapped to 70, not passed on; `kz-run | head`
# ends quietly of SIGPIPE, as cat does.
tb_run_exit_statuses() {
	work run_exit_statuses
	cat > "$W/crash.sh" <<'EOF'
#!/bin/sh
head -c 1 > /dev/null
kill -SEGV $$
EOF
	cat > "$W/three.sh" <<'EOF'
#!/bin/sh
cat
exit 3
EOF
	chmod +x "$W/crash.sh" "$W/three.sh"
	printf 'stages:\n  - run: yes\n  - run: ./crash.sh\n' > "$W/p.yaml"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" < /dev/null > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "a crash after a writer" "$rc" 70
	grep -q '^kz-run: crash.sh killed by signal 11' "$W/err"
	refute grep -q 'signal 13' "$W/err"
	printf 'stages:\n  - run: ./three.sh\n  - run: cat\n' > "$W/p.yaml"
	set +e
	echo '{"id":"x"}' | "$BIN/kz-run" --config "$W/p.yaml" > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "a custom stage's exit 3" "$rc" 70
	grep -q '^kz-run: three.sh exited with status 3' "$W/err"
	# our reader stops: no message, SIGPIPE as a filter ends
	printf 'stages:\n  - run: yes\n' > "$W/p.yaml"
	set +e
	( set -o pipefail; "$BIN/kz-run" --config "$W/p.yaml" < /dev/null 2> "$W/err" | head -n 1 > "$W/out" )
	rc=$?
	set -e
	expect_eq "kz-run | head" "$rc" 141
	expect_eq "stderr" "$(cat "$W/err")" ""
	# a stage's own reader that stops early is no failure
	printf 'stages:\n  - run: yes\n  - {run: head, args: [-n, "2"]}\n' > "$W/p.yaml"
	"$BIN/kz-run" --config "$W/p.yaml" < /dev/null > "$W/out" 2> "$W/err"
	expect_eq "lines" "$(wc -l < "$W/out")" 2
	expect_eq "stderr" "$(cat "$W/err")" ""
}

# A file name with no room for the output's extension (255 bytes with
# .txt) gets a shortened output name with a hash suffix, instead of
# stopping the batch with "File name too long" on every run.
tb_run_batch_long_names() {
	work run_batch_long_names
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 2
	long=$(printf 'x%.0s' $(seq 1 251))
	accents=$(printf 'é%.0s' $(seq 1 125))
	cp "$W/in/a1.txt" "$W/in/$long.txt"
	cp "$W/in/a2.txt" "$W/in/${long}y.tx"
	cp "$W/in/a2.txt" "$W/in/$accents.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" \
		--include '*.txt' --include '*.tx' 2> "$W/err"
	summary_has "$W/err" articles=5 done=5 unchanged=0 failed=0
	expect_eq "outputs" "$(ls "$W/out" | wc -l)" 5
	python3 - "$W/out" <<'EOF'
import os, re, sys
names = [n for n in os.listdir(sys.argv[1].encode()) if not n.startswith(b".")]
short = [n for n in names if not re.match(rb"a[12]\.jsonl$", n)]
assert len(short) == 3, names
for n in short:
    assert len(n) <= 255, (len(n), n)
    n.decode("utf-8")                  # cut at a character boundary
    assert re.search(rb"-[0-9a-f]{16}\.jsonl$", n), n
EOF
	# the record keeps its whole id; the next run skips them all
	grep -q "\"id\":\"$long\"" "$W"/out/xxx*
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" \
		--include '*.txt' --include '*.tx' 2> "$W/err"
	summary_has "$W/err" articles=5 done=0 unchanged=5 failed=0
}

# The summary counts the flags of the whole folder too (a run with nothing
# new no longer says "0 errors" over a folder that holds some), and
# --fail-on error|warning exits 1 when an output written by the run has a
# flag of that severity or worse.
tb_run_batch_fail_on() {
	work run_batch_fail_on
	run_cfg "$W/p.yaml"
	gen_articles "$W/in" 3
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" errors=3 warnings=0 info=3 open_errors=3 open_warnings=0 open_info=3
	# nothing new: this run's flags are none, the folder's are still there
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --fail-on error 2> "$W/err"
	summary_has "$W/err" articles=3 done=0 unchanged=3 failed=0 errors=0 warnings=0 info=0 open_errors=3 open_warnings=0 open_info=3
	# one redone: its error flag fails the run with --fail-on error
	echo 'Une phrase de plus.' >> "$W/in/a2.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --fail-on error 2> "$W/err"
	rc=$?
	set -e
	expect_eq "--fail-on error" "$rc" 1
	summary_has "$W/err" done=1 unchanged=2 failed=0 errors=1 warnings=0 info=1 open_errors=3 status=1
	# warnings only: --fail-on error passes, --fail-on warning does not
	printf 'Titre\n\nUn texte \377 ici.\n' > "$W/in/w.txt"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --fail-on error 2> "$W/err"
	summary_has "$W/err" done=1 unchanged=3 failed=0 errors=0 warnings=1
	printf 'Titre\n\nUn autre texte \377 ici.\n' > "$W/in/w.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --fail-on warning 2> "$W/err"
	rc=$?
	set -e
	expect_eq "--fail-on warning" "$rc" 1
	summary_has "$W/err" open_errors=3 open_warnings=1
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --fail-on info 2> "$W/err"
	rc=$?
	set -e
	expect_eq "bad severity" "$rc" 64
}

# An output is redone when what made it changes, not only its article:
# the data files (a rule edited), the pipeline (another argument), kz's
# programs (a rebuilt stage). .kz-made records, for each output, the
# hashes of the pipeline and of the data and kz's version; the summary
# says how many were redone and why.
tb_run_batch_stale_outputs() {
	work run_batch_stale_outputs
	mkdir -p "$W/data" "$W/bin"
	cp -r "$ROOT/gazetteers" "$ROOT/rules" "$W/data/"
	for p in kz-normalize kz-tag kz-quotes kz-check; do cp "$BIN/$p" "$W/bin/"; done
	cat > "$W/p.yaml" <<EOF
stages:
  - run: $W/bin/kz-normalize
    args: [--id, \$id]
  - run: $W/bin/kz-tag
  - run: $W/bin/kz-quotes
  - run: $W/bin/kz-check
data: $W/data
EOF
	gen_articles "$W/in" 3
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3 unchanged=0 failed=0
	summary_has "$W/err" redone=0
	# each output's maker: pipeline hash, data hash, version, flag counts
	expect_eq "made lines" "$(awk -F'\t' 'NF == 7 && length($2) == 16 && length($3) == 16' "$W/out/.kz-made" | wc -l)" 3
	# what the results say, beside producer (whose data snapshot changes)
	for f in "$W"/out/*.jsonl; do jq -c 'del(.producer)' "$f"; done > "$W/said"
	# the data: a comment added to a rules file
	printf '\n# relu le 7 décembre\n' >> "$W/data/rules/checks.yaml"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3 unchanged=0 failed=0 redone=3 redone_data=3
	for f in "$W"/out/*.jsonl; do jq -c 'del(.producer)' "$f"; done > "$W/said2"
	cmp "$W/said" "$W/said2"            # same results, made again
	refute cmp -s "$W/out/a1.jsonl" /dev/null
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=0 unchanged=3
	# the pipeline: another argument
	sed -i "s|  - run: $W/bin/kz-check|  - run: $W/bin/kz-check\n    args: [--lang, fr]|" "$W/p.yaml"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3 unchanged=0 failed=0 redone=3 redone_pipeline=3
	# kz's programs: a stage rebuilt (bytes appended still run)
	printf 'rebuilt' >> "$W/bin/kz-tag"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3 unchanged=0 failed=0 redone=3 redone_version=3
	# an article edited, an output deleted: said as well
	echo 'Une phrase de plus.' >> "$W/in/a1.txt"
	rm "$W/out/a2.jsonl"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=2 unchanged=1 failed=0 redone=2 redone_article=1 redone_missing=1
	# an output folder of an older kz-run (no .kz-made): redone once
	rm "$W/out/.kz-made"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" redone=3 redone_version=3
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=0 unchanged=3
}

# One pipeline per batch and per --jobs worker: each stage starts once
# (not once per article) and the articles stream through it as kz/1
# records; every output is still byte for byte the hand-typed pipe's.
tb_run_batch_streams() {
	work run_batch_streams
	cat > "$W/count.sh" <<EOF
#!/bin/sh
echo started >> "$W/starts"
exec cat
EOF
	chmod +x "$W/count.sh"
	cat > "$W/p.yaml" <<EOF
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: $BIN/kz-tag
  - run: ./count.sh
  - run: $BIN/kz-quotes
  - run: $BIN/kz-check
    args: [--lang, \$lang]
EOF
	gen_articles "$W/in" 30
	printf '   \n\n' > "$W/in/blank.txt"     # a record with errors, in the stream
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 2 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	summary_has "$W/err" articles=31 done=30 unchanged=0 failed=1
	grep -q '^kz-run: blank.txt: kz-normalize: empty article: no text$' "$W/err"
	expect_eq "starts for 31 articles, 2 jobs" "$(wc -l < "$W/starts")" 2
	for i in $(seq 1 30); do
		"$BIN/kz-normalize" "$W/in/a$i.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
			"$BIN/kz-check" > "$W/hand"
		cmp "$W/hand" "$W/out/a$i.jsonl"
	done
	# other formats are rendered per article as before
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/tsv" --format tsv 2> "$W/err" || true
	"$BIN/kz-show" --tsv "$W/out/a7.jsonl" > "$W/a7.tsv"
	cmp "$W/a7.tsv" "$W/tsv/a7.tsv"
}

# A stage that dies on one record, or hangs on another, mid-stream: the
# pipeline is started again after the last good record, the article it
# died on is run alone (and fails alone), every other output is whole and
# the same as a clean run's.
tb_run_batch_stream_crash() {
	work run_batch_stream_crash
	cat > "$W/crashy.sh" <<'EOF'
#!/bin/sh
while IFS= read -r line; do
	case "$line" in
	*'"id":"a13"'*) kill -SEGV $$ ;;
	*'"id":"a21"'*) sleep 60 ;;
	esac
	printf '%s\n' "$line"
done
EOF
	chmod +x "$W/crashy.sh"
	cat > "$W/p.yaml" <<EOF
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: ./crashy.sh
  - run: $BIN/kz-tag
EOF
	printf 'stages:\n  - run: %s/kz-normalize\n  - run: %s/kz-tag\n' "$BIN" "$BIN" > "$W/clean.yaml"
	gen_articles "$W/in" 30
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --jobs 2 --timeout 3 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	summary_has "$W/err" articles=30 done=28 unchanged=0 failed=2
	expect_eq "reasons" "$(tail -n +2 "$W/out/failures.tsv" | cut -f1,2 | sort)" \
		"$(printf 'a13.txt\tcrashy.sh killed by signal 11 (Segmentation fault)\na21.txt\ttimed out after 3 s')"
	"$BIN/kz-run" --config "$W/clean.yaml" --in "$W/in" --out "$W/clean" 2> "$W/err"
	for i in $(seq 1 30); do
		case $i in 13|21) test ! -e "$W/out/a$i.jsonl"; continue ;; esac
		cmp "$W/clean/a$i.jsonl" "$W/out/a$i.jsonl"
	done
	refute pgrep -f "$W/crashy.sh" > /dev/null
}

# Articles streamed as records read as their files do: line ends of every
# kind, decomposed accents, no final newline, tabs, emoji, a BOM inside,
# backslashes and quotes that JSON escapes. Each output is the hand pipe's.
tb_run_batch_stream_same_as_files() {
	work run_batch_stream_same_as_files
	run_cfg "$W/p.yaml"
	mkdir -p "$W/in"
	python3 - "$FIX/minsk.txt" "$W/in" <<'EOF'
import sys, unicodedata
base = open(sys.argv[1], encoding="utf-8").read()
arts = {
    "crlf": base.replace("\n", "\r\n"),
    "cr": base.replace("\n", "\r"),
    "nfd": unicodedata.normalize("NFD", base),
    "nofinal": base.rstrip("\n"),
    "tabs": base.replace(" ", "\t", 20),
    "spaces": "   \n\n" + base + "\n\n\n   ",
    "oneline": base.replace("\n", " "),
    "marks": "Titre «\u00a0x\u00a0»\n\n« Bonjour », a dit le maire.\u2028Fin\u2029.\n",
    "emoji": "Titre 😀\n\nLe maire 👍 a parlé, zéro\u200blargeur, \ufeff au milieu.\n",
    "escapes": 'Titre \\ "guillemets" \\n\n\nTexte \\u00e9 et \\t.\n',
}
for name, text in arts.items():
    with open("%s/%s.txt" % (sys.argv[2], name), "w", encoding="utf-8", newline="") as f:
        f.write(text)
EOF
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=10 done=10
	for f in "$W"/in/*.txt; do
		id=$(basename "$f" .txt)
		"$BIN/kz-normalize" "$f" 2> /dev/null | "$BIN/kz-tag" | "$BIN/kz-quotes" |
			"$BIN/kz-check" > "$W/hand"
		cmp "$W/hand" "$W/out/$id.jsonl"
	done
}

# A stage that leaves a child behind holding its output: once every stage
# has exited and every record is out, the batch ends, and the child goes
# with the pipeline's process group instead of outliving the run.
tb_run_batch_stage_child_left() {
	work run_batch_stage_child_left
	cat > "$W/leaves.sh" <<EOF
#!/bin/sh
( sleep 300; echo ended > "$W/ended" ) &
exec cat
EOF
	chmod +x "$W/leaves.sh"
	cat > "$W/p.yaml" <<EOF
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: ./leaves.sh
EOF
	gen_articles "$W/in" 3
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=3 done=3
	test ! -e "$W/ended"
	refute pgrep -f "$W/leaves.sh" > /dev/null
}

# t_NAME, as run.sh finds them: each runs tb_NAME strictly
for _tb in $(declare -F | awk '{print $3}' | grep '^tb_run_'); do
	eval "t_${_tb#tb_}() { kz_strict $_tb; }"
done
unset _tb

# an edit of the local data (here $XDG_CONFIG_HOME/kz) is an edit of the
# data the stages read: yesterday's outputs are redone, as for the shipped
t_run_local_data_edit_redoes() {
	work run_localdata
	run_cfg "$W/pipeline.yaml"
	mkdir -p "$W/in" "$W/xdg/kz/gazetteers"
	gen_articles "$W/in" 2
	printf -- '- id: odile-fictive\n  type: PER\n  name: Odile Fictive\n' > "$W/xdg/kz/gazetteers/local.yaml"
	XDG_CONFIG_HOME="$W/xdg" "$BIN/kz-run" --config "$W/pipeline.yaml" --in "$W/in" --out "$W/out" 2> "$W/e1"
	summary_has "$W/e1" done=2
	XDG_CONFIG_HOME="$W/xdg" "$BIN/kz-run" --config "$W/pipeline.yaml" --in "$W/in" --out "$W/out" 2> "$W/e2"
	summary_has "$W/e2" done=0 unchanged=2
	printf -- '- id: paul-fictif\n  type: PER\n  name: Paul Fictif\n' >> "$W/xdg/kz/gazetteers/local.yaml"
	XDG_CONFIG_HOME="$W/xdg" "$BIN/kz-run" --config "$W/pipeline.yaml" --in "$W/in" --out "$W/out" 2> "$W/e3"
	summary_has "$W/e3" done=2 redone=2 redone_data=2
}
