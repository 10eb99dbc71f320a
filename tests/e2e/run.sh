#!/usr/bin/env bash
# End-to-end tests: the real binaries through real pipes.
# Usage: tests/e2e/run.sh BINDIR   (KZ_DATA must point at the data folder)
#        E2E_ONLY=REGEX tests/e2e/run.sh BINDIR   only the tests whose name matches
set -u
BIN=$(cd "${1:-bin}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
FIX="$HERE/fixtures"
EXPECT="python3 $HERE/expect.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KZ_DATA="${KZ_DATA:-$(cd "$HERE/../.." && pwd)}"
# local data (docs/gazetteers.md) only where a test puts it: none of the
# machine's /etc/kz or ~/.config/kz
export KZ_SYSCONFDIR="$TMP/no-etc-kz" XDG_CONFIG_HOME="$TMP/no-xdg-config"
passed=0 failed=0 names=""

pipeline() { "$BIN/kz-tag" | "$BIN/kz-quotes" | "$BIN/kz-check"; }

# strict BODY: runs BODY in a fresh `bash -e` that knows every function and
# the suite's variables, so it stops at the first failing command (run()
# calls tests where bash may ignore set -e). The definitions go through a
# file written once: passed as an argument they passed the kernel's 128 KiB
# limit for one argument ("Argument list too long").
strict() {
	local defs="$TMP/.definitions.sh"

	if [ ! -f "$defs" ]; then
		{ declare -p BIN TMP FIX EXPECT HERE KZ_DATA ROOT 2>/dev/null; declare -f; } > "$defs"
	fi
	bash -e -c ". \"$defs\"
set -e
$1"
}

# run NAME: runs the function t_NAME in a subshell; it fails on any error.
# The subshell must not run inside an `if` or `||`: bash ignores set -e
# there, and a test would then fail only on its last command.
run() {
	local rc

	( set -e; "t_$1" ) >"$TMP/$1.log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "  ok   $1"
	else
		failed=$((failed + 1))
		names="$names $1"
		echo "  FAIL $1"
		sed 's/^/       /' "$TMP/$1.log" | tail -n 25
	fi
}

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" != "$3" ]; then
		echo "$1: got [$2], want [$3]"
		return 1
	fi
}

# ---------------------------------------------------------------- help
t_help_everywhere() {
	for p in "$BIN"/kz-*; do
		"$p" --help > "$TMP/help" || { echo "$p --help failed"; return 1; }
		grep -q '^Usage: ' "$TMP/help" || { echo "$p: no Usage line"; return 1; }
		grep -q 'Exit status' "$TMP/help" || { echo "$p: exit codes not documented"; return 1; }
		set +e; "$p" --no-such-option 2>/dev/null </dev/null; rc=$?; set -e
		expect_eq "$p bad option exit" "$rc" 64
	done
}

# ---------------------------------------------------------------- kz-normalize
t_normalize_structure() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" > "$TMP/out"
	$EXPECT 'doc["id"] == "minsk" and doc["kz"] == 1' "$TMP/out"
	$EXPECT 'kinds(doc)[:6] == ["title", "caption", "caption", "credit", "credit", "byline"]' "$TMP/out"
	$EXPECT 'doc["blocks"][2]["same_as"] == 1' "$TMP/out"
	$EXPECT '["pullquote", "speaker-name", "speaker-title"] == [k for k in kinds(doc) if k.startswith(("pull", "speaker"))]' "$TMP/out"
	$EXPECT 'kinds(doc).count("boilerplate") == 4 and kinds(doc).count("related") == 2 and kinds(doc).count("heading") == 1' "$TMP/out"
	$EXPECT '[a["text"] for a in doc["byline"]["authors"]] == ["Claire Moreau"] and [a["text"] for a in doc["byline"]["agencies"]] == ["AFP"]' "$TMP/out"
	# nothing lost: every non-blank line lies inside some block
	$EXPECT 'all(any(b["start"] <= doc["text"].index(l) < b["end"] for b in doc["blocks"]) for l in doc["text"].split("\n") if l.strip())' "$TMP/out"
	# structure spans carry offsets only (kz/1), inside the text
	$EXPECT 'all(set(s) <= {"kind", "start", "end", "same_as"} and 0 <= s["start"] <= s["end"] <= len(doc["text"]) for s in doc["blocks"] + doc["sentences"])' "$TMP/out"
}

t_normalize_sentences() {
	printf 'Titre\n\nM. Dupont a vu V. Poutine à 8 h. Il y avait 2.030 soldats (...) et 10,5 %% de hausse. « Nous partirons. Demain. », a-t-il dit. Fin.\n' |
		"$BIN/kz-normalize" > "$TMP/out"
	$EXPECT '[doc["text"][s["start"]:s["end"]] for s in doc["sentences"]][1:] == ["M. Dupont a vu V. Poutine à 8 h.", "Il y avait 2.030 soldats (...) et 10,5 % de hausse.", "« Nous partirons. Demain. », a-t-il dit.", "Fin."]' "$TMP/out"
}

t_normalize_dateline() {
	printf 'Titre\n\nMOSCOU, 8 janvier 2022 (AFP) - Le Kremlin a parlé longuement ce matin.\n' |
		"$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] == "2022-01-08"' "$TMP/out"
	echo '{"id": "x", "text": "Titre\n\nUn texte.", "date": "2021-05-04", "url": "http://example.org/a"}' |
		"$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] == "2021-05-04" and doc["url"] == "http://example.org/a" and doc["id"] == "x"' "$TMP/out"
	# no dateline: the latest date mentioned is an estimate, not the date
	printf 'Titre

Le 6 janvier 2022, puis le 14 janvier 2022, les troupes sont parties.
' |
		"$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] is None and doc["date_estimated"] == "2022-01-14"' "$TMP/out"
}

t_normalize_nfc_and_line_ends() {
	# e + combining acute becomes é; CRLF becomes LF; quotes stay as written
	printf 'Titre\r\n\r\nLe pre\xcc\x81sident a dit \xc2\xab oui \xc2\xbb et l\xe2\x80\x99OTSC.\r\n' |
		"$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["text"] == "Titre\n\nLe président a dit « oui » et l’OTSC.\n"' "$TMP/out"
}

t_normalize_invalid_utf8() {
	set +e
	printf 'Titre\n\nUn texte \xff ici.\n' | "$BIN/kz-normalize" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq message "$(cat "$TMP/err")" "kz-normalize: stdin: 1 invalid UTF-8 sequence replaced by U+FFFD, the first at byte 16"
	$EXPECT '"\ufffd" in doc["text"] and ("invalid-utf8", "warning") in flags(doc)' "$TMP/out"
}

t_normalize_nul_byte() {
	set +e
	printf 'Titre\n\nUn\000texte.\n' | "$BIN/kz-normalize" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq message "$(cat "$TMP/err")" "kz-normalize: stdin: 1 control character replaced by U+FFFD, the first at byte 9"
	$EXPECT '"Un\ufffdtexte." in doc["text"] and ("control-character", "warning") in flags(doc)' "$TMP/out"
}

t_normalize_empty_file() {
	: > "$TMP/empty.txt"
	set +e
	"$BIN/kz-normalize" "$TMP/empty.txt" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq message "$(cat "$TMP/err")" "kz-normalize: $TMP/empty.txt: empty article: no text"
	$EXPECT 'doc["id"] == "empty" and doc["text"] == "" and doc["errors"][0]["message"] == "empty article: no text"' "$TMP/out"
}

t_normalize_only_boilerplate() {
	printf 'Partager cet article\nPUBLICITÉ\nLire les commentaires\n' > "$TMP/residue.txt"
	set +e
	"$BIN/kz-normalize" "$TMP/residue.txt" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq message "$(cat "$TMP/err")" "kz-normalize: $TMP/residue.txt: no article text: every line is web residue"
	$EXPECT 'set(kinds(doc)) == {"boilerplate"} and len(doc["blocks"]) == 3' "$TMP/out"
}

t_normalize_missing_file() {
	set +e
	"$BIN/kz-normalize" "$TMP/nope.txt" "$FIX/minsk.txt" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 66
	expect_eq message "$(cat "$TMP/err")" "kz-normalize: cannot open $TMP/nope.txt: No such file or directory"
	$EXPECT 'len(docs) == 2 and docs[0]["id"] == "nope" and docs[0]["errors"] and docs[1]["id"] == "minsk" and "title" in kinds(docs[1])' "$TMP/out"
}

t_normalize_broken_json_line() {
	printf '{"id":"a","text":"Titre A\\n\\nTexte."}\n{"id":"b","text":\n{"id":"c","text":"Titre C"}\n' > "$TMP/in.jsonl"
	set +e
	"$BIN/kz-normalize" "$TMP/in.jsonl" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	grep -q "^kz-normalize: $TMP/in.jsonl:2:[0-9]*: not valid JSON: " "$TMP/err"
	$EXPECT '[d["id"].split("/")[-1] for d in docs] == ["a", "in.jsonl:2", "c"] and docs[1]["raw"] == "{\"id\":\"b\",\"text\":"' "$TMP/out"
}

t_normalize_huge_line() {
	python3 -c 'import sys; sys.stdout.write("Titre\n\n" + "Le Kremlin parle. " * 2800000 + "\n")' > "$TMP/big.txt"
	"$BIN/kz-normalize" "$TMP/big.txt" > "$TMP/out"
	$EXPECT 'len(docs) == 1 and len(doc["text"]) > 50_000_000 and kinds(doc) == ["title", "paragraph"]' "$TMP/out"
}

t_normalize_stdin_id() {
	printf 'Titre\n\nTexte.\n' | "$BIN/kz-normalize" --id article-7 > "$TMP/out"
	$EXPECT 'doc["id"] == "article-7"' "$TMP/out"
}

# ---------------------------------------------------------------- kz-tag
t_tag_entities_and_mentions() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" > "$TMP/out"
	$EXPECT 'ents(doc).count("Alexandre Loukachenko") == 4 and "Claire Moreau" in ents(doc) and ents(doc).count("Sergueï Dmitrenko") == 2' "$TMP/out"
	$EXPECT 'all(e["ref"] is None for e in doc["entities"] if e["text"] == "Claire Moreau")' "$TMP/out"
	$EXPECT '"Lituanie" not in [e["text"] for e in doc["entities"] if e["start"] > doc["text"].index("découvrir")]' "$TMP/out"
	$EXPECT '[(m["text"], m["canonical"]) for m in doc["mentions"] if m["text"] == "Président lituanien"] == [("Président lituanien", "Gitanas Nausėda")]' "$TMP/out"
	$EXPECT 'all(doc["text"][e["start"]:e["end"]] == e["text"] for e in doc["entities"] + doc["mentions"])' "$TMP/out"
}

t_tag_keeps_unknown_fields() {
	echo '{"id":"k","text":"Titre\n\nLe Kremlin parle.","source":"test","extra":{"a":[1,2]}}' |
		"$BIN/kz-normalize" | pipeline > "$TMP/out"
	$EXPECT 'doc["source"] == "test" and doc["extra"] == {"a": [1, 2]}' "$TMP/out"
}

# A member no stage owns leaves every stage exactly as it came, down to its
# spacing and number forms; members a stage owns are replaced.
t_stages_copy_members_exactly() {
	extra='{ "n": 1.50, "e": 1E3, "s": "\u00e9\"", "l": [ ] }'
	printf '{"id":"c","text":"Le Kremlin parle.","extra":%s,"entities":"stale"}\n' \
	    "$extra" > "$TMP/in"
	"$BIN/kz-normalize" < "$TMP/in" > "$TMP/n"
	"$BIN/kz-tag" < "$TMP/n" > "$TMP/t"
	"$BIN/kz-quotes" < "$TMP/t" > "$TMP/q"
	"$BIN/kz-check" < "$TMP/q" > "$TMP/c"
	for f in n t q c; do
		grep -qF "\"extra\":$extra" "$TMP/$f" ||
		    { echo "$f lost the member's text"; exit 1; }
	done
	$EXPECT 'doc["entities"] != "stale" and ents(doc) == ["Kremlin"]' "$TMP/c"
}

t_tag_record_without_text() {
	set +e
	printf '{"id":"z","title":"no text here"}\n{"id":"y","text":"Moscou."}\n' | "$BIN/kz-tag" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	grep -q 'kz-tag: stdin:1: record z: record has no "text" string' "$TMP/err"
	$EXPECT 'len(docs) == 2 and docs[0]["errors"][0]["stage"] == "kz-tag" and ents(docs[1]) == ["Moscou"]' "$TMP/out"
}

t_tag_broken_gazetteer() {
	mkdir -p "$TMP/gz"
	printf -- '- id: x\n  type: PER\n  name: "Jean Valjean\n' > "$TMP/gz/bad.yaml"
	set +e
	echo '{"id":"a","text":"Jean Valjean"}' | "$BIN/kz-tag" --gazetteers "$TMP/gz" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "^kz-tag: $TMP/gz/bad.yaml:[0-9]*:[0-9]*: YAML syntax error" "$TMP/err"
	expect_eq "output" "$(cat "$TMP/out")" ""
	printf -- '- id: x\n  type: PER\n  name: A B\n- id: x\n  type: LOC\n  name: C\n' > "$TMP/gz/bad.yaml"
	set +e
	echo '{"id":"a","text":"A B"}' | "$BIN/kz-tag" --gazetteers "$TMP/gz" > "$TMP/out" 2> "$TMP/err"
	set -e
	grep -q "^kz-tag: $TMP/gz/bad.yaml:4:7: duplicate id 'x' (first defined at $TMP/gz/bad.yaml:1)" "$TMP/err"
	printf -- '- id: x\n  type: PER\n  name: A B\n  colour: blue\n' > "$TMP/gz/bad.yaml"
	set +e
	echo '{"id":"a","text":"A B"}' | "$BIN/kz-tag" --gazetteers "$TMP/gz" > "$TMP/out" 2> "$TMP/err"
	set -e
	grep -q "^kz-tag: $TMP/gz/bad.yaml:4:3: unknown key 'colour'" "$TMP/err"
}

# ---------------------------------------------------------------- kz-quotes
t_quotes_pipeline() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT '[(q["kind"], q["speaker"] and q["speaker"]["name"]) for q in doc["quotes"]] == [("partial", "Alexandre Loukachenko"), ("partial", "Les autorités bélarusses"), ("scare", None), ("direct", "Alexandre Loukachenko"), ("pull", "Alexandre Loukachenko"), ("direct", "Gitanas Nausėda")]' "$TMP/out"
	$EXPECT 'doc["quotes"][4]["same_as"] == 3 and doc["quotes"][3]["speaker"]["via"] == "pronoun"' "$TMP/out"
}

t_quotes_without_tagging() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT '"quotes_note" in doc and "entities" not in doc and doc["quotes"][5]["speaker"]["name"] == "Gitanas Nausėda"' "$TMP/out"
}

t_quotes_unbalanced() {
	printf 'Titre\n\n« Nous resterons, a-t-il dit. Puis il est parti.\n\nUn autre paragraphe.\n' |
		"$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT 'quotes(doc) == ["Nous resterons, a-t-il dit. Puis il est parti."] and doc["quotes"][0]["unbalanced"] and ("unbalanced-quote", "warning") in flags(doc)' "$TMP/out"
	$EXPECT '[f for f in doc["flags"] if f["rule"] == "unbalanced-quote"][0]["text"] == "«"' "$TMP/out"
}

t_quotes_multi_paragraph() {
	printf 'Titre\n\nLa ministre a conclu :\n\n« Nous tiendrons.\n\n« Nous ne céderons rien. »\n\nFin.\n' |
		"$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT 'len(doc["quotes"]) == 1 and doc["quotes"][0]["text"].startswith("Nous tiendrons.") and doc["quotes"][0]["text"].endswith("céderons rien.") and not doc["quotes"][0].get("unbalanced")' "$TMP/out"
}

t_quotes_many_marks() {
	python3 -c 'print("Titre\n\n" + "Il a dit « oui » et " * 5000 + "fin.")' |
		"$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT 'len(doc["quotes"]) == 5000' "$TMP/out"
}

t_quotes_huge_quote() {
	# a 5 MB quote in one paragraph (linear work: no timing asserted here,
	# make bench measures speed)
	python3 -c 'print("Titre\n\n« " + "Nous partirons demain matin. " * 180000 + "», a déclaré Sergueï Lavrov.")' |
		"$BIN/kz-normalize" | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/out"
	$EXPECT 'len(doc["quotes"]) == 1 and len(doc["quotes"][0]["text"]) > 5_000_000 and doc["quotes"][0]["speaker"]["name"] == "Sergueï Lavrov"' "$TMP/out"
}

t_quotes_broken_rules() {
	mkdir -p "$TMP/data"
	cp -r "$KZ_DATA/gazetteers" "$KZ_DATA/rules" "$TMP/data/"
	printf 'speaker_prepositions: [selon\npronouns: {}\n' > "$TMP/data/rules/quotes.yaml"
	set +e
	echo '{"id":"a","text":"x"}' | "$BIN/kz-quotes" --data "$TMP/data" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "^kz-quotes: $TMP/data/rules/quotes.yaml:[0-9]*:[0-9]*: YAML syntax error" "$TMP/err"
}

# ---------------------------------------------------------------- kz-check
t_check_role_mismatch() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | pipeline > "$TMP/out"
	$EXPECT '[(f["rule"], f["text"]) for f in doc["flags"] if f["severity"] == "error"] == [("role-mismatch", "Président lituanien")]' "$TMP/out"
	$EXPECT '"Gitanas Nausėda" in [f for f in doc["flags"] if f["rule"] == "role-mismatch"][0]["message"]' "$TMP/out"
	$EXPECT '[e["text"] for f in doc["flags"] if f["rule"] == "role-mismatch" for e in f["evidence"]][0] == "Le président bélarusse"' "$TMP/out"
}

t_check_correct_signature_unflagged() {
	sed 's/^Président lituanien$/Président bélarusse/' "$FIX/minsk.txt" | "$BIN/kz-normalize" | pipeline > "$TMP/out"
	$EXPECT 'not [f for f in doc["flags"] if f["severity"] in ("error", "warning")]' "$TMP/out"
}

t_check_explain() {
	"$BIN/kz-check" --explain role-mismatch > "$TMP/out"
	grep -q '^role-mismatch (error, enabled)' "$TMP/out"
	grep -q 'Example:' "$TMP/out"
	set +e
	"$BIN/kz-check" --explain no-such-rule > /dev/null 2>&1
	rc=$?
	set -e
	expect_eq exit "$rc" 64
}

t_check_bad_severity() {
	mkdir -p "$TMP/data"
	cp -r "$KZ_DATA/gazetteers" "$KZ_DATA/rules" "$TMP/data/"
	sed -i '0,/severity: error/s//severity: fatal/' "$TMP/data/rules/checks.yaml"
	set +e
	echo '{"id":"a","text":"x"}' | "$BIN/kz-check" --data "$TMP/data" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "^kz-check: $TMP/data/rules/checks.yaml:[0-9]*:[0-9]*: 'severity' must be error, warning or info, not 'fatal'" "$TMP/err"
}

t_check_missing_input() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-check" > "$TMP/out"
	$EXPECT 'sum(1 for f in doc["flags"] if f["rule"] == "missing-input") == 3' "$TMP/out"
}

t_batch_goes_on() {
	# one broken line in the middle of a batch: every article comes out
	{ "$BIN/kz-normalize" "$FIX/minsk.txt"; echo '{oops'; "$BIN/kz-normalize" "$FIX/minsk.txt"; } > "$TMP/in"
	set +e
	pipeline < "$TMP/in" > "$TMP/out" 2> "$TMP/err"
	set -e
	$EXPECT 'len(docs) == 3 and docs[1]["errors"] and docs[0]["quotes"] and docs[2]["quotes"]' "$TMP/out"
}

# more tests live beside this file, one file per program or concern
for f in "$HERE"/*.tests.sh; do
	[ -e "$f" ] && . "$f"
done

for t in $(declare -F | awk '{print $3}' | grep '^t_' | sed 's/^t_//' |
    grep -E -- "${E2E_ONLY:-.}"); do
	run "$t"
done
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
