# kz-review and the decisions fed back (issue 17): decide on a batch,
# re-run it with --decisions, and the decisions stick. Sourced by run.sh.

# an article with a misquote (pull quote 3 000, text 2 000) and a quote
# attributed by a pronoun, shared with tests/browser/review.sh; $(...)
# drops the file's last line end, put back
REVIEW_ARTICLE="$(cat "$FIX/lavrov.txt")
"

# review_fresh: an empty results folder, $TMP/res (TMP is shared by tests)
review_fresh() { rm -rf "$TMP/res"; mkdir -p "$TMP/res"; }

# review_batch TEXT [OPTIONS...]: the pipeline on TEXT into $TMP/res/a1.jsonl
review_batch() {
	local text=$1
	shift
	mkdir -p "$TMP/res"
	printf '%s' "$text" | "$BIN/kz-normalize" --id a1 --date 2022-03-01 |
		"$BIN/kz-tag" | "$BIN/kz-quotes" "$@" | "$BIN/kz-check" "$@" \
		> "$TMP/res/a1.jsonl"
}

# item RULE TEXT: "START END" of the queue item with that rule and text
review_item() {
	"$BIN/kz-review" "$TMP/res" --list | awk -F '\t' -v r="$1" -v t="$2" \
		'$4 == r && $7 == t { print $5, $6; exit }'
}

t_review_decisions_stick() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	misq=$(review_item misquote "Nous retirerons 3 000 soldats avant l'été.")
	weak=$(review_item speaker "Nous verrons bien")
	[ -n "$misq" ] && [ -n "$weak" ]
	$EXPECT '[q["speaker"]["name"] for q in doc["quotes"] if q["text"] == "Nous verrons bien"] == ["Marie Lefèvre"]' "$TMP/res/a1.jsonl"
	"$BIN/kz-review" "$TMP/res" --decide a1 misquote $misq reject --note "même chiffre" --editor ed
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak correct --speaker "Sergueï Lavrov"
	"$BIN/kz-review" "$TMP/res" --list > "$TMP/list"
	grep -q "^reject	warning	a1	misquote" "$TMP/list"
	grep -q "^correct	weak	a1	speaker	${weak% *}	${weak#* }	" "$TMP/list"
	db="$TMP/res/.kz-review.db"
	review_batch "$REVIEW_ARTICLE" --decisions "$db"
	$EXPECT 'not [f for f in doc["flags"] if f["rule"] == "misquote"]' "$TMP/res/a1.jsonl"
	$EXPECT '[(q["speaker"]["name"], q["speaker"]["via"], q["speaker"]["ref"] is not None, q["reviewed"]) for q in doc["quotes"] if q["text"] == "Nous verrons bien"] == [("Sergueï Lavrov", "editor", True, True)]' "$TMP/res/a1.jsonl"
	# the other flags and quotes are as they were
	$EXPECT '[q["speaker"]["name"] for q in doc["quotes"] if q["kind"] != "pull"][0] == "Sergueï Lavrov" and "reviewed" not in doc["quotes"][0]' "$TMP/res/a1.jsonl"
	# an article whose text changed gets its flags back
	review_batch "${REVIEW_ARTICLE/devant la presse/devant les journalistes}" --decisions "$db"
	$EXPECT '[f["rule"] for f in doc["flags"] if f["rule"] == "misquote"] == ["misquote"]' "$TMP/res/a1.jsonl"
	$EXPECT '[q["speaker"]["via"] for q in doc["quotes"] if q["text"] == "Nous verrons bien"] == ["pronoun"]' "$TMP/res/a1.jsonl"
}

t_review_accept_marks_reviewed_and_undo() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	misq=$(review_item misquote "Nous retirerons 3 000 soldats avant l'été.")
	db="$TMP/res/.kz-review.db"
	"$BIN/kz-review" "$TMP/res" --decide a1 misquote $misq accept
	review_batch "$REVIEW_ARTICLE" --decisions "$db"
	$EXPECT '[f.get("reviewed") for f in doc["flags"] if f["rule"] == "misquote"] == [True]' "$TMP/res/a1.jsonl"
	"$BIN/kz-review" "$TMP/res" --decide a1 misquote $misq reject
	"$BIN/kz-review" "$TMP/res" --undo a1 misquote $misq
	review_batch "$REVIEW_ARTICLE" --decisions "$db"
	$EXPECT '[f.get("reviewed") for f in doc["flags"] if f["rule"] == "misquote"] == [True]' "$TMP/res/a1.jsonl"
	"$BIN/kz-review" "$TMP/res" --undo a1 misquote $misq
	review_batch "$REVIEW_ARTICLE" --decisions "$db"
	$EXPECT '[f.get("reviewed") for f in doc["flags"] if f["rule"] == "misquote"] == [None]' "$TMP/res/a1.jsonl"
}

# a span an editor fixed: kz-quotes gives the quote the editor's words
# (via editor), keeps the span it found in "found", and the decision is
# still found on the re-run results
t_review_corrected_span_applied() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	weak=$(review_item speaker "Nous verrons bien")
	set -- $weak
	s=$(( $1 + 5 ))
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak correct --span "$s:$2"
	"$BIN/kz-review" "$TMP/res" --export - --jsonl > "$TMP/d.jsonl"
	$EXPECT "[(d['span_start'], d['span_end'], d['correction']) for d in docs] == [($s, $2, None)]" "$TMP/d.jsonl"
	review_batch "$REVIEW_ARTICLE" --decisions "$TMP/res/.kz-review.db"
	$EXPECT "[(q['start'], q['end'], q['text'], q['via'], q['found'], q['reviewed']) for q in doc['quotes'] if q.get('found')] == [($s, $2, 'verrons bien', 'editor', {'start': $1, 'end': $2, 'text': 'Nous verrons bien'}, True)]" "$TMP/res/a1.jsonl"
	$EXPECT "all(doc['text'][q['start']:q['end']] == q['text'] for q in doc['quotes'])" "$TMP/res/a1.jsonl"
	# the speaker was not corrected: still the one found
	$EXPECT "[q['speaker']['via'] for q in doc['quotes'] if q.get('found')] == ['pronoun']" "$TMP/res/a1.jsonl"
	# the item keeps its key: still decided in the queue of the new results
	grep -q "^correct	weak	a1	speaker	$1	$2	verrons bien$" <("$BIN/kz-review" "$TMP/res" --list)
	# a span outside the text, reversed, or on a flag is refused
	set +e
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak correct --span "$s:99999" 2> "$TMP/err"
	rc1=$?
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak correct --span "$2:$s" 2>> "$TMP/err"
	rc2=$?
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak accept --span "$s:$2" 2>> "$TMP/err"
	rc3=$?
	set -e
	expect_eq "bad spans exit" "$rc1 $rc2 $rc3" "64 64 64"
	grep -q "not inside the text of a1" "$TMP/err"
}

t_review_missing_db_is_no_decision_broken_db_an_error() {
	review_fresh
	review_batch "$REVIEW_ARTICLE" --decisions "$TMP/none.db"
	$EXPECT '[f["rule"] for f in doc["flags"] if f["rule"] == "misquote"] == ["misquote"]' "$TMP/res/a1.jsonl"
	[ ! -e "$TMP/none.db" ]
	echo "no database here, only words that are long enough" > "$TMP/bad.db"
	set +e
	echo '{"id":"x","text":"Un texte."}' | "$BIN/kz-check" --decisions "$TMP/bad.db" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq "broken db exit" "$rc" 78
	grep -q "bad.db" "$TMP/err"
}

t_review_unknown_item_and_bad_verdict() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	set +e
	"$BIN/kz-review" "$TMP/res" --decide a1 misquote 1 2 reject 2> "$TMP/err"
	rc1=$?
	"$BIN/kz-review" "$TMP/res" --decide a1 misquote 1 2 maybe 2>> "$TMP/err"
	rc2=$?
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker 1 2 correct 2>> "$TMP/err"
	rc3=$?
	set -e
	expect_eq exits "$rc1 $rc2 $rc3" "64 64 64"
	grep -q "no item a1 misquote 1-2" "$TMP/err"
}

t_review_export_csv_and_jsonl() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	weak=$(review_item speaker "Nous verrons bien")
	"$BIN/kz-review" "$TMP/res" --decide a1 speaker $weak correct \
		--speaker "Sergueï Lavrov" --note '=HYPERLINK("x"), dit-il
	et "puis"'
	"$BIN/kz-review" "$TMP/res" --export "$TMP/d.csv"
	"$BIN/kz-review" "$TMP/res" --export - --jsonl > "$TMP/d.jsonl"
	python3 "$HERE/review_check.py" export "$TMP/d.csv" "$TMP/d.jsonl"
}

# kz-show --csv: one row per flag and per quote, RFC 4180, fields from the
# input escaped; a quote with commas, double quotes and a newline survives.
t_show_csv_flags_and_quotes() {
	printf '%s' "Titre du jour

« Nous retirerons 2 000 soldats avant l'été », a déclaré Sergueï Lavrov devant la presse.

Nous retirerons 3 000 soldats avant l'été.
Sergueï Lavrov
Ministre russe des Affaires étrangères

« Oui, non, \"peut-être\", et puis

« voilà », a dit Marie Lefèvre.

Fin de l'article, qui continue encore un peu.
" | "$BIN/kz-normalize" --id 'c1,"x"' --date 2022-03-01 | "$BIN/kz-tag" |
		"$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/c.jsonl"
	python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); d["id"]="c1,\"x\"\u001b[2J"; print(json.dumps(d))' "$TMP/c.jsonl" > "$TMP/c2.jsonl"
	"$BIN/kz-show" --csv "$TMP/c2.jsonl" > "$TMP/c.csv"
	"$BIN/kz-show" --format csv < /dev/null > "$TMP/empty.csv"
	python3 "$HERE/review_check.py" show_csv "$TMP/c2.jsonl" "$TMP/c.csv" "$TMP/empty.csv"
}

# kz-run with `decisions:` in pipeline.yaml: kz-quotes and kz-check get
# --decisions, and an article decided on since the last run is redone
# (its bytes did not change) so the batch shows only what is undecided.
t_run_decisions_from_pipeline_yaml() {
	rm -rf "$TMP/nr"
	mkdir -p "$TMP/nr/in"
	printf '%s' "$REVIEW_ARTICLE" > "$TMP/nr/in/a1.txt"
	{ grep -v '^lang:' "$KZ_DATA/pipeline.yaml"; echo 'lang: fr'; echo 'decisions: out/.kz-review.db'; } > "$TMP/nr/p.yaml"
	"$BIN/kz-run" --config "$TMP/nr/p.yaml" --print > "$TMP/nr/print"
	grep -q "kz-quotes --decisions $TMP/nr/out/.kz-review.db" "$TMP/nr/print"
	grep -q "kz-check --lang fr --decisions $TMP/nr/out/.kz-review.db" "$TMP/nr/print"
	! grep -q "kz-tag --decisions" "$TMP/nr/print"
	"$BIN/kz-run" --config "$TMP/nr/p.yaml" --in "$TMP/nr/in" --out "$TMP/nr/out" 2> /dev/null
	$EXPECT '[f["rule"] for f in doc["flags"] if f["rule"] == "misquote"] == ["misquote"]' "$TMP/nr/out/a1.jsonl"
	misq=$("$BIN/kz-review" "$TMP/nr/out" --list | awk -F '\t' '$4 == "misquote" { print $5, $6 }')
	weak=$("$BIN/kz-review" "$TMP/nr/out" --list | awk -F '\t' '$4 == "speaker" && $7 == "Nous verrons bien" { print $5, $6 }')
	"$BIN/kz-review" "$TMP/nr/out" --decide a1 misquote $misq reject
	"$BIN/kz-review" "$TMP/nr/out" --decide a1 speaker $weak correct --speaker "Sergueï Lavrov"
	"$BIN/kz-run" --config "$TMP/nr/p.yaml" --in "$TMP/nr/in" --out "$TMP/nr/out" 2> /dev/null
	$EXPECT 'not [f for f in doc["flags"] if f["rule"] == "misquote"]' "$TMP/nr/out/a1.jsonl"
	$EXPECT '[q["speaker"]["via"] for q in doc["quotes"] if q["text"] == "Nous verrons bien"] == ["editor"]' "$TMP/nr/out/a1.jsonl"
	# nothing decided since: the article is not redone
	touch -d '2001-01-01' "$TMP/nr/out/a1.jsonl"
	"$BIN/kz-run" --config "$TMP/nr/p.yaml" --in "$TMP/nr/in" --out "$TMP/nr/out" 2> /dev/null
	[ "$(stat -c %Y "$TMP/nr/out/a1.jsonl")" = "$(date -d 2001-01-01 +%s)" ]
	# an empty name is an error naming the place
	printf 'stages:\n  - run: kz-normalize\ndecisions: ""\n' > "$TMP/nr/bad.yaml"
	set +e
	"$BIN/kz-run" --config "$TMP/nr/bad.yaml" --print > /dev/null 2> "$TMP/nr/err"
	rc=$?
	set -e
	expect_eq "empty decisions exit" "$rc" 78
	grep -q "bad.yaml:3:[0-9]*: decisions: a file name" "$TMP/nr/err"
}
