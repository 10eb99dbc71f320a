# Issue 13: no silent data loss, no trust in what a record or a name says.
# Sourced by tests/e2e/run.sh; docs/hostile-input.md has every case.

# slow_writer FILE: writes FILE to stdout 100 bytes first, then in pieces
# with pauses, as a scraper or `parallel --pipe` feeds a pipe
slow_writer() {
	python3 -c '
import sys, time
data = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
out.write(data[:100]); out.flush(); time.sleep(0.3)
for i in range(100, len(data), 700):
    out.write(data[i:i + 700]); out.flush(); time.sleep(0.02)' "$1"
}

# A record's text survives a writer that pauses after its first bytes:
# kz-normalize looked at the first line through stdio, then read on with
# read(2), and lost what stdio had buffered.
t_reliab_slow_writer() {
	python3 -c '
import json
for i in range(300):
    print(json.dumps({"id": "r%d" % i, "text": "Titre %d\n\nLe maire a parlé. " % i * 30}))' > "$TMP/slow.jsonl"
	slow_writer "$TMP/slow.jsonl" | "$BIN/kz-normalize" > "$TMP/out"
	python3 - "$TMP/slow.jsonl" "$TMP/out" <<'PY'
import json, sys
want = [json.loads(l) for l in open(sys.argv[1])]
got = [json.loads(l) for l in open(sys.argv[2])]
assert [d["id"] for d in got] == [d["id"] for d in want], "records lost"
assert all(g["text"] == w["text"] for g, w in zip(got, want)), "text changed"
PY
	# and a raw article fed the same way is read whole
	python3 -c 'print("Titre\n\n" + "Le maire a parlé longuement. " * 400)' > "$TMP/slow.txt"
	slow_writer "$TMP/slow.txt" | "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["text"] == open("'"$TMP/slow.txt"'", encoding="utf-8").read()' "$TMP/out"
}

# JSON Lines that start with a byte order mark are JSON Lines, with or
# without --jsonl, and every stage reads them.
t_reliab_bom_jsonl() {
	printf '\xEF\xBB\xBF{"id":"a","text":"Titre\\n\\nBonjour."}\n{"id":"b","text":"Au revoir."}\n' > "$TMP/bom.jsonl"
	for opt in "" --jsonl; do
		"$BIN/kz-normalize" $opt < "$TMP/bom.jsonl" > "$TMP/out"
		$EXPECT '[d["id"] for d in docs] == ["a", "b"] and docs[0]["text"] == "Titre\n\nBonjour." and not any("errors" in d for d in docs)' "$TMP/out"
	done
	"$BIN/kz-tag" < "$TMP/bom.jsonl" > "$TMP/out"
	$EXPECT '[d["id"] for d in docs] == ["a", "b"] and not any("errors" in d for d in docs)' "$TMP/out"
}

# Standard input that starts with '{' but is no JSON object is read as one
# raw article, every byte kept, and the user is told so.
t_reliab_unsure_detection() {
	printf '{pas du JSON}\nLe maire a parlé.\n' | "$BIN/kz-normalize" > "$TMP/out" 2> "$TMP/err"
	$EXPECT 'len(docs) == 1 and doc["text"] == "{pas du JSON}\nLe maire a parlé.\n"' "$TMP/out"
	grep -q "^kz-normalize: stdin: starts with '{' but its first line is no JSON object: read as one raw article" "$TMP/err"
}

# Ids are kept as the caller gave them; missing ones get a name of their
# own, unique in the input, and the user is told.
t_reliab_ids() {
	printf '{"id":42,"text":"a"}\n{"text":"b"}\n{"id":null,"text":"c"}\n{"id":"x","text":"d"}\n{"id":true,"text":"e"}\n' |
	    "$BIN/kz-normalize" > "$TMP/out" 2> "$TMP/err"
	$EXPECT '[d["id"] for d in docs] == ["42", "stdin#2", "stdin#3", "x", "stdin#5"]' "$TMP/out"
	expect_eq messages "$(wc -l < "$TMP/err")" 3
	grep -q '^kz-normalize: stdin: record 2 has no "id": named "stdin#2"$' "$TMP/err"
	# a file name that is no UTF-8 still gives a string id
	printf 'Titre\n\nTexte.\n' > "$TMP/$(printf 'caf\xe9')".txt
	"$BIN/kz-normalize" "$TMP/$(printf 'caf\xe9')".txt > "$TMP/out" 2> "$TMP/err"
	$EXPECT 'doc["id"] == "caf\ufffd"' "$TMP/out"
	grep -q 'the file name is no UTF-8' "$TMP/err"
}

# A record of a newer format is never misread as kz/1: every stage says
# so and passes it on, its line kept.
t_reliab_version() {
	echo '{"kz":2,"id":"a","text":"Titre\n\nBonjour."}' > "$TMP/v2.jsonl"
	hostile_stages | while read -r p opt; do
		set +e
		"$BIN/$p" $opt < "$TMP/v2.jsonl" > "$TMP/out" 2> "$TMP/err"
		rc=$?
		set -e
		expect_eq "$p exit" "$rc" 65
		grep -q "^$p: stdin:1: record is kz/2, newer than the kz/1 this kz reads" "$TMP/err"
		[ "$p" = kz-show ] && continue
		$EXPECT 'len(docs) == 1 and docs[0]["raw"] == open("'"$TMP/v2.jsonl"'").read().strip() and docs[0]["errors"]' "$TMP/out"
	done
}

# One huge number in a member no stage reads (as Python's json writes
# 1e400 or a 30-digit integer) costs nothing: the record is tagged and the
# number passes through as its bytes.
t_reliab_huge_numbers() {
	printf '{"id":"a","text":"Titre\\n\\nEmmanuel Macron a parlé.","score":1e400,"n":123456789012345678901234567890}\n' > "$TMP/big.jsonl"
	"$BIN/kz-normalize" < "$TMP/big.jsonl" | "$BIN/kz-tag" | "$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/out"
	grep -q '"score":1e400,"n":123456789012345678901234567890' "$TMP/out"
	grep -q '"canonical":"Emmanuel Macron"' "$TMP/out"
	! grep -q '"errors"' "$TMP/out"
	"$BIN/kz-show" < "$TMP/out" > "$TMP/shown"
	grep -q 'Emmanuel Macron' "$TMP/shown"
}

# Control characters in ids, file names and reasons reach the terminal as
# visible escapes, never as commands.
t_reliab_messages_escaped() {
	printf '{"id":"x\\u001b[2J\\u0007y\\u009b"}\n' | "$BIN/kz-tag" > /dev/null 2> "$TMP/err" || true
	! grep -q "$(printf '\033')" "$TMP/err"
	! grep -q "$(printf '\a')" "$TMP/err"
	grep -qF 'record x\e[2J\ay\u009b: record has no "text" string' "$TMP/err"
	set +e
	"$BIN/kz-normalize" "$TMP/$(printf 'a\033]52;c;SGVsbG8=\a')" > /dev/null 2> "$TMP/err"
	set -e
	! grep -q "$(printf '\033')" "$TMP/err"
	grep -qF 'a\e]52;c;SGVsbG8=\a' "$TMP/err"
}

# kz-show --format tsv writes ESC, BEL and C1 controls of a record as
# visible escapes: a TSV opened in a terminal runs no command.
t_reliab_tsv_escaped() {
	# kz-normalize replaces controls in text it reads; a record from
	# elsewhere can carry them, so put them back one code point for one
	printf 'Titre\n\nLe maire a dit : « un § mot ¤ ici ¦ ». Fin.\n' |
	    "$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
	    sed 's/§/\\u001b/g; s/¤/\\u0007/g; s/¦/\\u009b/g' > "$TMP/rec"
	"$BIN/kz-show" --format tsv "$TMP/rec" > "$TMP/out"
	! grep -q "$(printf '\033')" "$TMP/out"
	! grep -q "$(printf '\a')" "$TMP/out"
	! grep -q "$(printf '\302\233')" "$TMP/out"
	grep -qF 'un \e mot \a ici \u009b' "$TMP/out"
}

# A bidi override inside a quote is shown by name in the terminal report,
# the TSV and the HTML page, never obeyed (it would show the quote reversed).
t_reliab_bidi_visible() {
	printf 'Titre\n\nLe maire a dit : « \342\200\256cba\342\200\254 bonjour ». Fin.\n' |
	    "$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/rec"
	rlo=$(printf '\342\200\256')
	for fmt in text html tsv; do
		"$BIN/kz-show" --format "$fmt" "$TMP/rec" > "$TMP/out.$fmt"
		! grep -qF "$rlo" "$TMP/out.$fmt"
	done
	grep -qF '[U+202E]cba[U+202C] bonjour' "$TMP/out.text"
	grep -qF '[U+202E]cba[U+202C] bonjour' "$TMP/out.html"
	grep -qF '\u202ecba\u202c bonjour' "$TMP/out.tsv"
}

# Data that would make a stage run on nothing is a configuration error:
# a gazetteer folder without a .yaml file (empty, or .yml only), a name
# that is only white space, a severity that is a list.
t_reliab_data_refused() {
	mkdir -p "$TMP/empty" "$TMP/yml"
	cp "$KZ_DATA/gazetteers/"*.yaml "$TMP/yml/"
	for f in "$TMP/yml/"*.yaml; do mv "$f" "${f%.yaml}.yml"; done
	for dir in empty yml; do
		set +e
		echo '{"id":"a","text":"x"}' | "$BIN/kz-tag" --no-cache \
		    --gazetteers "$TMP/$dir" > /dev/null 2> "$TMP/err"
		rc=$?
		set -e
		expect_eq exit "$rc" 78
		grep -qF "kz-tag: $TMP/$dir: no gazetteer in this folder" "$TMP/err"
	done
	mkdir -p "$TMP/blank"
	printf -- "- id: t1\n  type: PER\n  name: \"  \"\n" > "$TMP/blank/t.yaml"
	set +e
	echo '{"id":"a","text":"x"}' | "$BIN/kz-tag" --no-cache \
	    --gazetteers "$TMP/blank" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -qF "'name' must be a non-empty string" "$TMP/err"
	mkdir -p "$TMP/data"
	cp -r "$KZ_DATA/gazetteers" "$KZ_DATA/rules" "$TMP/data/"
	sed -i '0,/severity: error/s//severity: [error]/' "$TMP/data/rules/checks.yaml"
	set +e
	echo '{"id":"a","text":"x"}' | "$BIN/kz-check" --data "$TMP/data" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -qF "'severity' must be error, warning or info, not a list" "$TMP/err"
}

# rel_batch: a folder $W with in/ (two articles) and a pipeline of the
# binaries under test
rel_batch() {
	W="$TMP/$1"
	rm -rf "$W"
	mkdir -p "$W/in"
	printf 'Titre un\n\nLe maire a parlé.\n' > "$W/in/a.txt"
	printf 'Titre deux\n\nLe préfet a parlé.\n' > "$W/in/b.txt"
	cat > "$W/p.yaml" <<EOF2
stages:
  - run: $BIN/kz-normalize
    args: [--id, \$id]
  - run: $BIN/kz-tag
EOF2
}

# Links planted in --out where kz-run writes its lock and its journal:
# refused, and the files they point at untouched.
t_reliab_run_planted_links() {
	for f in .kz-lock .kz-state .kz-failed .kz-made; do
		rel_batch "links$f"
		mkdir -p "$W/out"
		echo "precious" > "$W/victim"
		ln -s "$W/victim" "$W/out/$f"
		set +e
		"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
		rc=$?
		set -e
		expect_eq "exit with a planted $f" "$rc" 77
		grep -qF "$f is a symbolic link: refusing it" "$W/err"
		expect_eq "victim of $f" "$(cat "$W/victim")" precious
		# a hard link to a file of ours is no plain file of its own either
		rm "$W/out/$f"
		ln "$W/victim" "$W/out/$f"
		set +e
		"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
		rc=$?
		set -e
		expect_eq "exit with a hard-linked $f" "$rc" 77
		grep -qF "$f is not a plain file of this user's with one name" "$W/err"
		expect_eq "victim of hard-linked $f" "$(cat "$W/victim")" precious
	done
	# and on a clean folder the batch runs
	rel_batch links-clean
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	[ -f "$W/out/a.jsonl" ] && [ -f "$W/out/b.jsonl" ]
}

# An output folder that other users can write is refused.
t_reliab_run_out_writable_by_others() {
	rel_batch writable
	mkdir -p "$W/out"
	chmod 0777 "$W/out"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 77
	grep -qF "the output folder can be written by other users: refusing it" "$W/err"
	[ ! -e "$W/out/a.jsonl" ]
	chmod 0755 "$W/out"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	[ -f "$W/out/a.jsonl" ]
}

# A link in --in to a file outside it is not read (its text would be
# published in the results) unless --follow-symlinks; a link to a file of
# the folder itself is that file.
t_reliab_run_links_in_input() {
	rel_batch inlinks
	echo "root:x:0:0:secret line:/root:/bin/bash" > "$W/outside.txt"
	ln -s "$W/outside.txt" "$W/in/passwd.txt"
	ln -s a.txt "$W/in/same-as-a.txt"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	[ ! -e "$W/out/passwd.jsonl" ]
	! grep -rq "secret line" "$W/out"
	grep -qF "passwd.txt" "$W/out/failures.tsv"
	grep -qF "a symbolic link out of the input folder" "$W/out/failures.tsv"
	[ ! -e "$W/out/same-as-a.jsonl" ]
	[ -f "$W/out/a.jsonl" ] && [ -f "$W/out/b.jsonl" ]
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" --follow-symlinks 2> "$W/err"
	grep -q "secret line" "$W/out/passwd.jsonl"
}

# File names with ESC, BEL, a C1 control and a byte that is no UTF-8:
# escaped in failures.tsv and on stderr, and found again in the journal
# (the next run skips them instead of redoing them forever).
t_reliab_run_hostile_names() {
	rel_batch names
	good=$(printf 'x\033]52;c;SGk=\a\302\233y.txt')
	bad=$(printf 'b\033[2J\351.txt')
	printf 'Titre\n\nLe maire a parlé.\n' > "$W/in/$good"
	: > "$W/in/$bad"       # an empty article: a record with errors, a failure
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	set -e
	for f in "$W/err" "$W/out/failures.tsv"; do
		! grep -q "$(printf '\033')" "$f"
		! grep -q "$(printf '\a')" "$f"
		! grep -q "$(printf '\302\233')" "$f"
	done
	grep -qF 'b\e[2J\xe9.txt' "$W/out/failures.tsv"
	set +e
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	set -e
	summary_has "$W/err" unchanged=3
}

# Out of file descriptors at the start of a pipeline (a busy machine, a
# low ulimit): the article waits for a running one to finish instead of
# being charged a failure. The smallest limit under which one article at a
# time gets through must let four at a time through too.
t_reliab_run_throttles_on_emfile() {
	rel_batch emfile
	for i in 1 2 3 4 5 6 7 8 9 10; do
		printf 'Titre %s\n\nLe maire a parlé.\n' "$i" > "$W/in/n$i.txt"
	done
	low=""
	for n in $(seq 10 40); do
		rm -rf "$W/out"
		if (ulimit -n "$n"; "$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" \
		    --out "$W/out" -j 1 2> /dev/null); then
			low=$n
			break
		fi
	done
	[ -n "$low" ] || { echo "no limit up to 40 lets one article through"; return 1; }
	for n in "$low" $((low + 2)); do
		rm -rf "$W/out"
		set +e
		(ulimit -n "$n"; "$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" \
		    --out "$W/out" -j 4 2> "$W/err")
		rc=$?
		set -e
		expect_eq "exit at ulimit -n $n, -j 4" "$rc" 0
		summary_has "$W/err" articles=12 done=12
	done
}

# A journal line torn by a kill is cut off before the next run appends:
# appended to, it took the next line with it, and that article was redone
# once more for nothing.
t_reliab_run_torn_journal() {
	rel_batch torn
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	size=$(stat -c %s "$W/out/.kz-state")
	truncate -s $((size - 4)) "$W/out/.kz-state"
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=2 done=1 unchanged=1
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err"
	summary_has "$W/err" articles=2 done=0 unchanged=2
	# every line of the journal whole
	awk -F'\t' 'NF != 2 || length($1) != 16 { exit 1 }' "$W/out/.kz-state"
}

# args: that exec(2) would refuse is a load-time error with its line, not
# exit 127 of every article later.
t_reliab_run_args_too_long() {
	python3 -c "
print('stages:\n  - run: $BIN/kz-normalize\n    args: [' + ', '.join(['--quiet'] * 1000000) + ']')" > "$TMP/bigargs.yaml"
	set +e
	printf 'Titre\n\nTexte.\n' | "$BIN/kz-run" --config "$TMP/bigargs.yaml" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -qF "$TMP/bigargs.yaml:3:11: 'args' too long: 1000000 arguments" "$TMP/err"
}

# What a custom stage starts dies with kz-run, even by kill -9: the stage
# gets SIGKILL from the kernel, its own children from kz-run's sentinel,
# which kills the article's process group.
t_reliab_run_kill9_takes_stage_children() {
	rel_batch kill9
	cat > "$W/stage.sh" <<'EOF2'
#!/bin/sh
sleep 300 &
echo $! > "$1/child.pid"
cat > /dev/null
wait
EOF2
	chmod +x "$W/stage.sh"
	cat > "$W/p.yaml" <<EOF2
stages:
  - run: $W/stage.sh
    args: [$W]
EOF2
	"$BIN/kz-run" --config "$W/p.yaml" --in "$W/in" --out "$W/out" 2> "$W/err" &
	run_pid=$!
	for _ in $(seq 1 200); do
		[ -s "$W/child.pid" ] && break
		sleep 0.05
	done
	[ -s "$W/child.pid" ] || { echo "the stage never started"; return 1; }
	child=$(cat "$W/child.pid")
	kill -9 "$run_pid"
	wait "$run_pid" 2> /dev/null || true
	# the sentinel has the group killed as soon as kz-run's pipe ends
	for _ in $(seq 1 200); do
		kill -0 "$child" 2> /dev/null || break
		sleep 0.05
	done
	if kill -0 "$child" 2> /dev/null; then
		kill "$child"
		echo "the stage's child $child outlived kz-run"
		return 1
	fi
}
