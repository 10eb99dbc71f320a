# Hostile input (issue 7): limits every program must hold, through the real
# binaries. Sourced by tests/e2e/run.sh; docs/hostile-input.md lists every
# case with what each program answers. The fuzz targets are in tests/fuzz/.
#
# tests/e2e/run.sh runs each t_NAME inside an `if`, where bash ignores
# `set -e`; so each test here runs its body (hb_NAME) in a fresh `bash -e`,
# which stops at the first failing command.

hostile() { strict "$1"; }

# hostile_run PROG ARGS... < input: runs PROG, output in $TMP/h.out,
# messages in $TMP/h.err, exit status in $TMP/h.rc (never fails itself)
hostile_run() {
	local rc=0
	"$@" > "$TMP/h.out" 2> "$TMP/h.err" || rc=$?
	echo "$rc" > "$TMP/h.rc"
}

# hostile_stages: the filters that read kz/1 (kz-normalize reads it with
# --jsonl), and kz-show when it is built
hostile_stages() {
	echo "kz-normalize --jsonl"
	echo kz-tag
	echo kz-quotes
	echo kz-check
	[ -x "$BIN/kz-show" ] && echo kz-show
	return 0
}

# ------------------------------------------------------------ long lines
hb_hostile_long_line() {
	python3 -c '
import json
print(json.dumps({"id": "a", "text": "Titre\n\nLe Kremlin parle."}))
print(json.dumps({"id": "big", "text": "Titre\n\n" + "x" * 2_000_000}))
print(json.dumps({"id": "c", "text": "Titre\n\nMoscou parle."}))' > "$TMP/long.jsonl"
	hostile_stages | while read -r p opt; do
		hostile_run "$BIN/$p" $opt --max-line 1M < "$TMP/long.jsonl"
		expect_eq "$p exit" "$(cat "$TMP/h.rc")" 65
		expect_eq "$p message" "$(cat "$TMP/h.err")" \
		    "$p: stdin:2: line longer than the maximum of 1048576 bytes (--max-line)"
		[ "$p" = kz-show ] && continue
		$EXPECT 'len(docs) == 3 and [d["id"] for d in docs] == ["a", "stdin:2", "c"] and "raw" not in docs[1] and docs[1]["errors"][0]["message"].startswith("line longer than the maximum")' "$TMP/h.out"
	done
	# the same line fits under the default (64 MiB)
	"$BIN/kz-tag" < "$TMP/long.jsonl" > "$TMP/h.out"
	$EXPECT 'len(docs) == 3 and len(docs[1]["text"]) > 2_000_000' "$TMP/h.out"
}
t_hostile_long_line() { hostile hb_hostile_long_line; }

# A raw article over --max-line: a record that says so, the next file
# read; JSON Lines on standard input are told by their first line and
# stream (the long line after them is the reader's business).
hb_hostile_large_article() {
	python3 -c 'print("Titre\n\n" + "Le Kremlin parle. " * 100000)' > "$TMP/huge.txt"
	printf 'Titre\n\nMoscou parle.\n' > "$TMP/small.txt"
	hostile_run "$BIN/kz-normalize" --max-line 1M "$TMP/huge.txt" "$TMP/small.txt"
	expect_eq exit "$(cat "$TMP/h.rc")" 65
	expect_eq message "$(cat "$TMP/h.err")" \
	    "kz-normalize: $TMP/huge.txt: article larger than the maximum of 1048576 bytes (--max-line)"
	$EXPECT 'len(docs) == 2 and docs[0]["id"] == "huge" and docs[0]["errors"][0]["message"].startswith("article larger") and docs[1]["id"] == "small" and docs[1]["blocks"]' "$TMP/h.out"
	hostile_run "$BIN/kz-normalize" --max-line 1M < "$TMP/huge.txt"
	expect_eq "stdin exit" "$(cat "$TMP/h.rc")" 65
	$EXPECT 'len(docs) == 1 and docs[0]["id"] == "stdin" and "errors" in docs[0]' "$TMP/h.out"
	python3 -c '
import json
print()
print(json.dumps({"id": "a", "text": "Titre\n\nLe Kremlin parle."}))
print(json.dumps({"id": "b", "text": "Titre\n\n" + "Moscou parle. " * 100000}))' > "$TMP/stream.jsonl"
	hostile_run "$BIN/kz-normalize" --max-line 1M < "$TMP/stream.jsonl"
	expect_eq "stream exit" "$(cat "$TMP/h.rc")" 65
	$EXPECT 'len(docs) == 2 and docs[0]["id"] == "a" and docs[0]["blocks"] and docs[1]["id"] == "stdin:3"' "$TMP/h.out"
}
t_hostile_large_article() { hostile hb_hostile_large_article; }

hb_hostile_max_line_values() {
	for bad in 0 -5 12Q 1.5M 17179869185G 99999999999999999999; do
		hostile_run "$BIN/kz-tag" --max-line "$bad" < /dev/null
		expect_eq "--max-line $bad exit" "$(cat "$TMP/h.rc")" 64
		expect_eq "--max-line $bad message" "$(cat "$TMP/h.err")" \
		    "kz-tag: --max-line: not a size: $bad"
	done
}
t_hostile_max_line_values() { hostile hb_hostile_max_line_values; }

# A NUL byte inside a line must not swallow the next line.
hb_hostile_nul_in_line() {
	printf '{"id":"a","text":"x"}\000junk\n{"id":"b","text":"Moscou."}\n' |
	    hostile_run "$BIN/kz-tag"
	expect_eq exit "$(cat "$TMP/h.rc")" 65
	grep -q '^kz-tag: stdin:1:[0-9]*: not valid JSON' "$TMP/h.err"
	$EXPECT 'len(docs) == 2 and docs[0]["id"] == "stdin:1" and docs[0]["raw"] == "{\"id\":\"a\",\"text\":\"x\"}\ufffdjunk" and docs[1]["id"] == "b" and ents(docs[1]) == ["Moscou"]' "$TMP/h.out"
}
t_hostile_nul_in_line() { hostile hb_hostile_nul_in_line; }

# ------------------------------------------------------------ deep JSON
hb_hostile_deep_json() {
	python3 -c '
print("[" * 100000 + "]" * 100000)
print("{\"id\": \"x\", \"text\": \"Moscou.\", \"deep\": " + "[" * 100000 + "]" * 100000 + "}")
print("{\"id\": \"y\", \"text\": \"Moscou.\"}")' > "$TMP/deep.jsonl"
	hostile_stages | while read -r p opt; do
		hostile_run "$BIN/$p" $opt < "$TMP/deep.jsonl"
		expect_eq "$p exit" "$(cat "$TMP/h.rc")" 65
		expect_eq "$p messages" "$(cut -d: -f1,2,3 "$TMP/h.err" | tr '\n' ' ')" \
		    "$p: stdin:1 $p: stdin:2 "
		grep -q 'not valid JSON: maximum parsing depth reached' "$TMP/h.err"
		[ "$p" = kz-show ] && continue
		$EXPECT 'len(docs) == 3 and docs[0]["errors"] and docs[1]["errors"] and docs[2]["id"] == "y"' "$TMP/h.out"
	done
}
t_hostile_deep_json() { hostile hb_hostile_deep_json; }

# ------------------------------------------------------------ YAML
# hostile_data NAME: a copy of the data folder in $TMP/NAME
hostile_data() {
	rm -rf "$TMP/$1"
	mkdir -p "$TMP/$1"
	cp -r "$KZ_DATA/gazetteers" "$KZ_DATA/rules" "$TMP/$1/"
}

hostile_laughs() {
	printf '%s' 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
'
}

hb_hostile_billion_laughs() {
	hostile_data laughs
	mkdir -p "$TMP/laughs/gz"
	hostile_laughs > "$TMP/laughs/gz/laughs.yaml"
	echo '{"id":"a","text":"Moscou."}' |
	    hostile_run "$BIN/kz-tag" --gazetteers "$TMP/laughs/gz"
	expect_eq "kz-tag exit" "$(cat "$TMP/h.rc")" 78
	expect_eq "kz-tag message" "$(cat "$TMP/h.err")" \
	    "kz-tag: $TMP/laughs/gz/laughs.yaml:1:4: YAML anchors (&a) are not allowed in kz files"
	expect_eq "kz-tag output" "$(cat "$TMP/h.out")" ""
	for f in normalize roles quotes checks; do
		cp "$TMP/laughs/gz/laughs.yaml" "$TMP/laughs/rules/$f.yaml"
	done
	for p in kz-normalize kz-tag kz-quotes kz-check; do
		echo '{"id":"a","text":"Moscou."}' |
		    hostile_run "$BIN/$p" --data "$TMP/laughs"
		expect_eq "$p exit" "$(cat "$TMP/h.rc")" 78
		grep -q "^$p: $TMP/laughs/rules/[a-z]*.yaml:1:4: YAML anchors (&a) are not allowed in kz files\$" "$TMP/h.err"
	done
	# an alias without its anchor is a syntax error, never a crash
	printf 'checks: *nowhere\n' > "$TMP/laughs/rules/checks.yaml"
	hostile_run "$BIN/kz-check" --rules "$TMP/laughs/rules/checks.yaml" --list
	expect_eq "undefined alias exit" "$(cat "$TMP/h.rc")" 78
	grep -q "^kz-check: $TMP/laughs/rules/checks.yaml:1:9: " "$TMP/h.err"
	if [ -x "$BIN/kz-run" ]; then
		printf 'stages: &s\n  - run: %s\nx: *s\n' "$BIN/kz-tag" > "$TMP/laughs/pipeline.yaml"
		hostile_run "$BIN/kz-run" --config "$TMP/laughs/pipeline.yaml" --print
		expect_eq "kz-run exit" "$(cat "$TMP/h.rc")" 78
		expect_eq "kz-run message" "$(cat "$TMP/h.err")" \
		    "kz-run: $TMP/laughs/pipeline.yaml:1:9: YAML anchors (&s) are not allowed in kz files"
	fi
}
t_hostile_billion_laughs() { hostile hb_hostile_billion_laughs; }

hb_hostile_deep_yaml() {
	hostile_data deepy
	python3 -c 'print("checks: " + "[" * 100000 + "]" * 100000)' > "$TMP/deepy/rules/checks.yaml"
	hostile_run "$BIN/kz-check" --data "$TMP/deepy" --list
	expect_eq "exit" "$(cat "$TMP/h.rc")" 78
	expect_eq "message" "$(cat "$TMP/h.err")" \
	    "kz-check: $TMP/deepy/rules/checks.yaml:1:73: nesting deeper than 64 levels"
	python3 -c 'print("".join("  " * i + "- \n" for i in range(1000)))' > "$TMP/deepy/rules/roles.yaml"
	echo '{"id":"a","text":"x"}' | hostile_run "$BIN/kz-tag" --data "$TMP/deepy"
	expect_eq "block exit" "$(cat "$TMP/h.rc")" 78
	grep -q "^kz-tag: $TMP/deepy/rules/roles.yaml:[0-9]*:[0-9]*: nesting deeper than 64 levels\$" "$TMP/h.err"
}
t_hostile_deep_yaml() { hostile hb_hostile_deep_yaml; }

# A second YAML document (a stray '---') in a gazetteer, a rules file or
# pipeline.yaml is refused at its line and column: it used to be dropped
# without a word, with every entry after it.
hb_hostile_second_document() {
	local msg="a second YAML document ('---') is not allowed in kz files: one document per file"
	hostile_data twodocs
	mkdir -p "$TMP/twodocs/gz"
	printf -- '- id: a\n  type: LOC\n  name: Aktobe\n---\n- id: b\n  type: LOC\n  name: Atyrau\n' \
	    > "$TMP/twodocs/gz/two.yaml"
	echo '{"id":"a","text":"Atyrau."}' |
	    hostile_run "$BIN/kz-tag" --no-cache --gazetteers "$TMP/twodocs/gz"
	expect_eq "gazetteer exit" "$(cat "$TMP/h.rc")" 78
	expect_eq "gazetteer message" "$(cat "$TMP/h.err")" \
	    "kz-tag: $TMP/twodocs/gz/two.yaml:4:1: $msg"
	expect_eq "gazetteer output" "$(cat "$TMP/h.out")" ""
	# the same with '--compile', and with a broken second document
	printf -- '- id: a\n  type: LOC\n  name: Aktobe\n--- [\n' > "$TMP/twodocs/gz/two.yaml"
	hostile_run "$BIN/kz-tag" --no-cache --compile --gazetteers "$TMP/twodocs/gz"
	expect_eq "compile exit" "$(cat "$TMP/h.rc")" 78
	expect_eq "compile message" "$(cat "$TMP/h.err")" \
	    "kz-tag: $TMP/twodocs/gz/two.yaml:4:1: $msg"
	# a rules file
	{ cat "$TMP/twodocs/rules/checks.yaml"; printf -- '---\nchecks: {}\n'; } > "$TMP/twodocs/checks.yaml"
	lines=$(wc -l < "$TMP/twodocs/rules/checks.yaml")
	hostile_run "$BIN/kz-check" --rules "$TMP/twodocs/checks.yaml" --list
	expect_eq "rules exit" "$(cat "$TMP/h.rc")" 78
	expect_eq "rules message" "$(cat "$TMP/h.err")" \
	    "kz-check: $TMP/twodocs/checks.yaml:$((lines + 1)):1: $msg"
	# pipeline.yaml
	if [ -x "$BIN/kz-run" ]; then
		printf 'stages:\n  - run: kz-tag\n---\nstages: []\n' > "$TMP/twodocs/pipeline.yaml"
		hostile_run "$BIN/kz-run" --config "$TMP/twodocs/pipeline.yaml" --print
		expect_eq "kz-run exit" "$(cat "$TMP/h.rc")" 78
		expect_eq "kz-run message" "$(cat "$TMP/h.err")" \
		    "kz-run: $TMP/twodocs/pipeline.yaml:3:1: $msg"
	fi
	# an explicit '---' before the only document, and a closing '...', are fine
	printf -- '---\n- id: b\n  type: LOC\n  name: Atyrau\n...\n' > "$TMP/twodocs/gz/two.yaml"
	echo '{"id":"a","text":"Atyrau."}' |
	    hostile_run "$BIN/kz-tag" --no-cache --gazetteers "$TMP/twodocs/gz"
	expect_eq "one document exit" "$(cat "$TMP/h.rc")" 0
	$EXPECT 'ents(doc) == ["Atyrau"]' "$TMP/h.out"
}
t_hostile_second_document() { hostile hb_hostile_second_document; }

# A mapping of 200,000 keys: refused on its first unknown key, and its
# duplicate keys found in linear time (this took minutes when every key
# was compared with every other).
hb_hostile_many_keys() {
	python3 -c '
print("checks:")
for i in range(200000): print(f"  k{i}: x")
print("  k77: y")' > "$TMP/many.yaml"
	hostile_run timeout 60 "$BIN/kz-check" --rules "$TMP/many.yaml" --list
	expect_eq exit "$(cat "$TMP/h.rc")" 78
	expect_eq message "$(cat "$TMP/h.err")" \
	    "kz-check: $TMP/many.yaml:200002:3: duplicate key 'k77' (first at line 79)"
}
t_hostile_many_keys() { hostile hb_hostile_many_keys; }

# ------------------------------------------------------------ garbage
# 200 kB of random bytes through the whole pipeline: every stage exits
# normally (no signal), one record comes out, with its text repaired.
hb_hostile_garbage() {
	python3 -c '
import random, sys
r = random.Random(7)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(200000)))' > "$TMP/garbage.bin"
	set +e
	"$BIN/kz-normalize" "$TMP/garbage.bin" 2> "$TMP/h.err" | "$BIN/kz-tag" |
	    "$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/h.out"
	st="${PIPESTATUS[*]}"
	set -e
	expect_eq "exit statuses" "$st" "65 0 0 0"
	grep -q "^kz-normalize: $TMP/garbage.bin: [0-9]* invalid UTF-8 sequences replaced by U+FFFD, the first at byte 0\$" "$TMP/h.err"
	$EXPECT 'len(docs) == 1 and "\ufffd" in doc["text"] and all(k in doc for k in ("entities", "quotes", "flags"))' "$TMP/h.out"
	# and as kz/1 lines, with a broken record between good ones
	{ echo '{"id":"a","text":"Moscou."}'; head -c 5000 "$TMP/garbage.bin"; echo
	  echo '{"id":"b","text":"Minsk."}'; } > "$TMP/garbage.jsonl"
	set +e
	"$BIN/kz-tag" < "$TMP/garbage.jsonl" 2> /dev/null | "$BIN/kz-quotes" |
	    "$BIN/kz-check" > "$TMP/h.out"
	st="${PIPESTATUS[*]}"
	set -e
	expect_eq "kz/1 exit statuses" "$st" "65 0 0"
	$EXPECT 'docs[0]["id"] == "a" and docs[-1]["id"] == "b" and ents(docs[-1]) == ["Minsk"] and all(d["errors"] for d in docs[1:-1])' "$TMP/h.out"
}
t_hostile_garbage() { hostile hb_hostile_garbage; }

# 30,000 opening marks in one paragraph: marks nested deeper than eight
# levels are text, so the output stays linear in the input (it was 1.3 GB
# of quotes, each the whole paragraph, from 60 kB).
hb_hostile_many_open_quotes() {
	python3 -c 'print("Titre\n\n" + "« " * 30000)' |
	    "$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/h.out"
	expect_eq "output under 2 MB" "$(( $(wc -c < "$TMP/h.out") < 2000000 ))" 1
	$EXPECT 'len(doc["quotes"]) == 8 and all(q["unbalanced"] for q in doc["quotes"]) and sum(1 for f in doc["flags"] if f["rule"] == "unbalanced-quote") == 8' "$TMP/h.out"
}
t_hostile_many_open_quotes() { hostile hb_hostile_many_open_quotes; }

# Records whose fields have the wrong types or absurd offsets: kz-quotes
# and kz-check read them as they come (no retagging) and must neither
# crash nor write a span out of range.
hb_hostile_wrong_types() {
	cat > "$TMP/types.jsonl" <<'EOF'
{"id":"t1","text":"Titre\n\nLe président russe a dit « oui ».","blocks":[{"start":9,"end":2,"kind":"paragraph"},{"start":-1,"end":99999,"kind":"pullquote"},"x",{"kind":7}],"entities":[{"start":0,"end":400,"text":"x","type":"PER","ref":"vladimir-poutine"},{"start":"a"},null,{"start":0,"end":5,"ref":"vladimir-poutine"}],"mentions":[{"start":3,"end":1,"role":"président","of":"RU"}],"quotes":[{"start":30,"end":33,"kind":"pull","same_as":99,"speaker":{"name":null}}],"sentences":{"a":1},"date":"2022-13-45","flags":[{"rule":"unbalanced-quote","start":1,"end":0}]}
{"id":"t2","text":"Moscou.","blocks":"no","entities":{},"mentions":7,"quotes":"x","date":20220101,"byline":[1]}
{"id":"t3","text":"Moscou.","entities":[{"start":0,"end":6,"text":"Moscou","type":"LOC","ref":"no-such-id","candidates":[1,null,"x"]}],"quotes":[{"start":0,"end":6,"speaker":{"ref":"vladimir-poutine","start":5,"end":1}}]}
EOF
	"$BIN/kz-quotes" < "$TMP/types.jsonl" > "$TMP/q.out" 2> "$TMP/h.err"
	"$BIN/kz-check" < "$TMP/q.out" > "$TMP/h.out" 2>> "$TMP/h.err"
	$EXPECT 'len(docs) == 3 and all(0 <= q["start"] <= q["end"] <= len(d["text"]) and d["text"][q["start"]:q["end"]] == q["text"] for d in docs for q in d["quotes"] if isinstance(d.get("quotes"), list) and isinstance(q, dict) and "text" in q)' "$TMP/h.out"
}
t_hostile_wrong_types() { hostile hb_hostile_wrong_types; }

# ------------------------------------------------------------ writes
# Every program writes its output and nothing else: no file appears or
# changes in the working folder, the data folder, HOME or TMPDIR. The one
# exception is the compiled gazetteer cache (kz-tag, kz-quotes, kz-check),
# in $XDG_CACHE_HOME/kz. With strace, every file opened for writing (and
# every rename, unlink, mkdir...) is checked against that list too.
hb_hostile_writes_nothing_else() {
	local S="$TMP/sandbox" p
	rm -rf "$S"
	mkdir -p "$S/cwd" "$S/home" "$S/tmp" "$S/cache" "$S/in"
	hostile_data sandbox/data
	cp "$FIX/minsk.txt" "$S/in/minsk.txt"
	sleep 1
	touch "$S/.mark"
	sleep 1
	(
		cd "$S/cwd"
		export HOME="$S/home" TMPDIR="$S/tmp" XDG_CACHE_HOME="$S/cache" \
		    KZ_DATA="$S/data"
		unset KZ_CACHE
		# under strace, LeakSanitizer cannot run (it needs ptrace itself)
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		run() { # NAME PROG ARGS...: stdin and stdout as redirected
			local name=$1
			shift
			if command -v strace > /dev/null 2>&1; then
				strace -ff -qq -o "$S/trace.$name" \
				    -e trace=%file,rename,renameat,renameat2 "$@"
			else
				"$@"
			fi
		}
		run normalize "$BIN/kz-normalize" "$S/in/minsk.txt" > "$S/1.jsonl"
		run tag "$BIN/kz-tag" < "$S/1.jsonl" > "$S/2.jsonl"
		run quotes "$BIN/kz-quotes" < "$S/2.jsonl" > "$S/3.jsonl"
		run check "$BIN/kz-check" < "$S/3.jsonl" > "$S/4.jsonl"
		if [ -x "$BIN/kz-show" ]; then
			run show "$BIN/kz-show" < "$S/4.jsonl" > "$S/5.txt"
		fi
		if [ -x "$BIN/kz-run" ]; then
			run_cfg "$S/pipeline.yaml"     # run.tests.sh's
			run run "$BIN/kz-run" --config "$S/pipeline.yaml" < "$S/in/minsk.txt" > "$S/6.jsonl"
		fi
	)
	$EXPECT 'len(docs) == 1 and doc["quotes"] and doc["flags"]' "$S/4.jsonl"
	# files created or changed since the mark, but the outputs and traces
	find "$S" -newer "$S/.mark" ! -type d | sed "s|^$S/||" |
	    grep -v -E '^([0-9]\.(jsonl|txt)|trace\..*|cache/kz/.*|pipeline\.yaml)$' > "$TMP/h.changed" || true
	expect_eq "files written outside the output" "$(cat "$TMP/h.changed")" ""
	if command -v strace > /dev/null 2>&1; then
		# opens for writing, and calls that change the file system, on
		# any path but the cache and /dev/null (ASan and the C library
		# open nothing else for writing)
		cat "$S"/trace.* | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|^[0-9]+ +(rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|link|linkat|symlink|symlinkat|truncate|chmod|fchmodat|chown|utimensat)\(' |
		    grep -v -E "\"($S/cache/kz[^\"]*|$S/cache|/dev/null|/dev/tty)\"" |
		    grep -v -E ' = -1 ' > "$TMP/h.writes" || true
		expect_eq "writes seen by strace" "$(cat "$TMP/h.writes")" ""
	fi
}
t_hostile_writes_nothing_else() { hostile hb_hostile_writes_nothing_else; }

# ------------------------------------------------------------ gazetteer cache
# A compiled gazetteer in the cache that is corrupted or truncated is
# detected and rebuilt, never trusted: the tags stay those of the YAML.
hb_hostile_gazetteer_cache() {
	local C="$TMP/gzcache" img
	rm -rf "$C"
	mkdir -p "$C"
	"$BIN/kz-normalize" "$FIX/minsk.txt" > "$C/in.jsonl"
	KZ_CACHE=off "$BIN/kz-tag" < "$C/in.jsonl" > "$C/want.jsonl"
	unset KZ_CACHE
	XDG_CACHE_HOME="$C/cache" "$BIN/kz-tag" < "$C/in.jsonl" > "$C/got.jsonl"
	cmp "$C/want.jsonl" "$C/got.jsonl"
	img=$(ls "$C"/cache/kz/*.kzg 2> /dev/null | head -n 1)
	if [ -z "$img" ]; then
		echo "no compiled gazetteer cache in this build: nothing more to test"
		return 0
	fi
	cp "$img" "$C/good.kzg"
	size=$(stat -c %s "$img")
	for how in truncate-half truncate-header zero-middle flip-end garbage empty; do
		cp "$C/good.kzg" "$img"
		case $how in
		truncate-half) truncate -s $((size / 2)) "$img" ;;
		truncate-header) truncate -s 100 "$img" ;;
		zero-middle) dd if=/dev/zero of="$img" bs=1 seek=$((size / 2)) count=64 conv=notrunc 2> /dev/null ;;
		flip-end) printf '\377' | dd of="$img" bs=1 seek=$((size - 9)) conv=notrunc 2> /dev/null ;;
		garbage) head -c "$size" "$C/good.kzg" | tr 'a-z' 'b-za' > "$img" ;;
		empty) : > "$img" ;;
		esac
		XDG_CACHE_HOME="$C/cache" "$BIN/kz-tag" < "$C/in.jsonl" > "$C/got.jsonl" 2> "$C/err" ||
		    { echo "$how: kz-tag failed: $(cat "$C/err")"; return 1; }
		cmp "$C/want.jsonl" "$C/got.jsonl" || { echo "$how: tags differ"; return 1; }
		# damage the header or the block table shows at once: the image
		# is rebuilt; a damaged body block is found when it is read
		# (and then rebuilt), so only the tags are checked for it
		[ "$how" = zero-middle ] && continue
		cmp "$img" "$C/good.kzg" || { echo "$how: cache not rebuilt"; return 1; }
	done
}
t_hostile_gazetteer_cache() { hostile hb_hostile_gazetteer_cache; }

# ------------------------------------------------------------ role resolution
# Issue 13: a live blog that says "le président" again and again between
# the names of presidents. Resolving each role mention looked through every
# person mention, and for each through them all again: 128 kB took 25 s in
# kz-tag, 1 MB more than ten minutes (and kz-quotes, which tags an untagged
# record itself, the same). The work is counted, not timed: callgrind's
# instruction count for four times the text must stay near four times
# (cubic was 64, quadratic 16).
hb_hostile_role_resolution_linear() {
	if ! command -v valgrind > /dev/null; then
		echo "valgrind not installed (make deps installs it)"; return 1
	fi
	if grep -q __asan_init "$BIN/kz-tag"; then
		return 0        # the sanitizer build: valgrind cannot run it
	fi
	python3 - "$TMP" <<'PY'
import sys
names = ["Vladimir Poutine", "Emmanuel Macron", "Kassym-Jomart Tokaïev",
         "Joe Biden", "Recep Tayyip Erdogan", "Xi Jinping",
         "Alexandre Loukachenko", "Volodymyr Zelensky"]
for kb in (32, 128):
    out, i = ["Le direct de la journée", ""], 0
    while sum(len(l) + 2 for l in out) < kb * 1024:
        out.append("%s est arrivé. Le président a parlé longuement, et le chef"
                   " de l'État a ajouté un mot." % names[i % len(names)])
        i += 1
    open("%s/live%d.txt" % (sys.argv[1], kb), "w").write("\n\n".join(out))
PY
	for kb in 32 128; do
		"$BIN/kz-normalize" "$TMP/live$kb.txt" > "$TMP/live$kb.jsonl"
	done
	"$BIN/kz-tag" < "$TMP/live32.jsonl" > /dev/null    # the cache, built once
	for prog in kz-tag kz-quotes; do
		for kb in 32 128; do
			valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.$prog.$kb" \
			    "$BIN/$prog" -j 1 < "$TMP/live$kb.jsonl" > "$TMP/out.$kb" 2> /dev/null
			# the work is all there: every role mention (kz-tag), the
			# record tagged on the side (kz-quotes, "quotes_note")
			$EXPECT 'len(doc.get("mentions", [])) > 100 or "quotes_note" in doc' "$TMP/out.$kb"
		done
		python3 - "$TMP/cg.$prog.32" "$TMP/cg.$prog.128" "$prog" <<'PY'
import sys
def total(path):
    for line in open(path):
        if line.startswith("totals:") or line.startswith("summary:"):
            return int(line.split()[1])
    raise SystemExit("no total in " + path)
small, large = total(sys.argv[1]), total(sys.argv[2])
ratio = large / small
print("%s: %d -> %d instructions, x%.1f for x4 text" % (sys.argv[3], small, large, ratio))
assert ratio < 6, "%s grows faster than the text: x%.1f" % (sys.argv[3], ratio)
PY
	done
}
t_hostile_role_resolution_linear() { hostile hb_hostile_role_resolution_linear; }
