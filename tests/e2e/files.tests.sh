# Every stage takes files and - like cat (issue 18); kz-show says what to
# run when it is given text instead of kz/1.

t_files_every_stage_reads_files_and_dash() {
	printf 'Titre un\n\nLe maire a dit : « Nous verrons. »\n' > "$TMP/f1.txt"
	printf 'Titre deux\n\nLe préfet a parlé.\n' > "$TMP/f2.txt"
	"$BIN/kz-normalize" "$TMP/f1.txt" > "$TMP/n1.jsonl"
	# kz-normalize: a file, then - for standard input
	"$BIN/kz-normalize" "$TMP/f1.txt" - < "$TMP/f2.txt" > "$TMP/n.jsonl"
	$EXPECT '[d["id"] for d in docs] == ["f1", "stdin"]' "$TMP/n.jsonl"
	"$BIN/kz-normalize" "$TMP/f2.txt" > "$TMP/n2.jsonl"
	for stage in kz-tag kz-quotes kz-check; do
		# FILE - FILE: records in that order, - read from standard input
		"$BIN/$stage" "$TMP/n1.jsonl" - "$TMP/n1.jsonl" < "$TMP/n2.jsonl" > "$TMP/out"
		$EXPECT '[d["id"] for d in docs] == ["f1", "f2", "f1"]' "$TMP/out"
		# the same as through a pipe
		cat "$TMP/n1.jsonl" | "$BIN/$stage" > "$TMP/piped"
		"$BIN/$stage" "$TMP/n1.jsonl" > "$TMP/named"
		cmp "$TMP/piped" "$TMP/named"
		# a missing file is said, the others are read, exit 66
		set +e
		"$BIN/$stage" "$TMP/nope.jsonl" "$TMP/n1.jsonl" > "$TMP/out" 2> "$TMP/err"
		rc=$?
		set -e
		expect_eq "$stage exit" "$rc" 66
		grep -qF "$stage: $TMP/nope.jsonl: cannot open: No such file or directory" "$TMP/err"
		$EXPECT '[d["id"] for d in docs] == ["f1"]' "$TMP/out"
	done
}

t_files_kz_show_says_run_the_pipeline() {
	printf 'Titre\n\nLe maire a parlé.\nUne autre ligne.\n' > "$TMP/raw.txt"
	set +e
	"$BIN/kz-show" "$TMP/raw.txt" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	# one hint, not one "not valid JSON" per line
	expect_eq "hint lines" "$(grep -c 'this is text, not kz/1 records' "$TMP/err")" 1
	grep -qF "kz-normalize $TMP/raw.txt | kz-tag | kz-quotes | kz-check | kz-show" "$TMP/err"
	! grep -q "not valid JSON" "$TMP/err"
	# kz/1 records are still shown as before
	"$BIN/kz-normalize" "$TMP/raw.txt" | "$BIN/kz-show" > "$TMP/out" 2> "$TMP/err"
	grep -q "Titre" "$TMP/out"
}
