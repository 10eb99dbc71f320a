# Dates that name no real day (2022-02-30, 2023-02-29) are refused wherever
# a date is read: --date options, a gazetteer's role and variant dates, a
# record's date field, a dateline. Sourced by tests/e2e/run.sh.

t_dates_option_refuses_impossible_days() {
	local p rc
	for p in kz-normalize kz-tag kz-quotes kz-check; do
		for d in 2022-02-30 2023-02-29 2022-04-31 1900-02-29; do
			set +e
			"$BIN/$p" --date "$d" < /dev/null > "$TMP/out" 2> "$TMP/err"
			rc=$?
			set -e
			expect_eq "$p --date $d exit" "$rc" 64
			expect_eq "$p --date $d message" "$(cat "$TMP/err")" \
			    "$p: --date: not a real day: $d"
		done
		set +e
		"$BIN/$p" --date 2022-13-01 < /dev/null > "$TMP/out" 2> "$TMP/err"
		rc=$?
		set -e
		expect_eq "$p --date 2022-13-01 exit" "$rc" 64
		expect_eq "$p --date 2022-13-01 message" "$(cat "$TMP/err")" \
		    "$p: --date: not a YYYY-MM-DD date: 2022-13-01"
	done
	# leap days that exist
	echo '{"id":"a","text":"Titre\n\nLe Kremlin parle."}' |
	    "$BIN/kz-normalize" --jsonl --date 2024-02-29 > "$TMP/out"
	$EXPECT 'doc["date"] == "2024-02-29"' "$TMP/out"
	echo '{"id":"a","text":"Titre\n\nLe Kremlin parle."}' |
	    "$BIN/kz-normalize" --jsonl --date 2000-02-29 > "$TMP/out"
	$EXPECT 'doc["date"] == "2000-02-29"' "$TMP/out"
}

t_dates_gazetteer_impossible_day() {
	local rc
	mkdir -p "$TMP/gzd"
	printf -- '- id: x\n  type: PER\n  name: Jean Valjean\n  roles:\n    - {title: président, of: FR, from: 2022-02-30}\n' \
	    > "$TMP/gzd/bad.yaml"
	set +e
	echo '{"id":"a","text":"Jean Valjean"}' |
	    "$BIN/kz-tag" --no-cache --gazetteers "$TMP/gzd" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	expect_eq message "$(cat "$TMP/err")" \
	    "kz-tag: $TMP/gzd/bad.yaml:5:40: 'from' must be a real date: 2022-02-30 does not exist"
	expect_eq output "$(cat "$TMP/out")" ""
	printf -- '- id: x\n  type: LOC\n  name: Astana\n  variants:\n    - {name: Nour-Soultan, to: 2023-02-29}\n' \
	    > "$TMP/gzd/bad.yaml"
	set +e
	"$BIN/kz-tag" --no-cache --compile --gazetteers "$TMP/gzd" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq "variant exit" "$rc" 78
	expect_eq "variant message" "$(cat "$TMP/err")" \
	    "kz-tag: $TMP/gzd/bad.yaml:5:32: 'to' must be a real date: 2023-02-29 does not exist"
	# a real 29 February loads
	printf -- '- id: x\n  type: PER\n  name: Jean Valjean\n  roles:\n    - {title: président, of: FR, from: 2024-02-29}\n' \
	    > "$TMP/gzd/bad.yaml"
	echo '{"id":"a","text":"Jean Valjean"}' |
	    "$BIN/kz-tag" --no-cache --gazetteers "$TMP/gzd" > "$TMP/out"
	$EXPECT 'ents(doc) == ["Jean Valjean"]' "$TMP/out"
}

# A record whose date is no real day is kept: the date counts as none (the
# dateline, else --date, else null), an errors entry and a message say
# so, kz-normalize exits 65 and the next stages take the record as usual.
t_dates_record_impossible_day() {
	local rc
	python3 -c '
import json
print(json.dumps({"id": "a", "date": "2022-02-30", "url": "u",
    "text": "Titre\n\nMOSCOU, 8 janvier 2022 (AFP) - Le président kazakh a parlé."}))
print(json.dumps({"id": "b", "date": "2023-02-29T09:30:00Z",
    "text": "Titre\n\nLe Kremlin a parlé le 3 mars 2023."}))
print(json.dumps({"id": "c", "date": "2024-02-29", "text": "Titre\n\nLe Kremlin a parlé."}))' > "$TMP/in"
	set +e
	"$BIN/kz-normalize" --jsonl < "$TMP/in" > "$TMP/norm" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq messages "$(cat "$TMP/err")" \
	    "kz-normalize: a: date '2022-02-30' is not a real day: ignored
kz-normalize: b: date '2023-02-29T09:30:00Z' is not a real day: ignored"
	$EXPECT 'len(docs) == 3 and [d["id"] for d in docs] == ["a", "b", "c"]' "$TMP/norm"
	$EXPECT 'docs[0]["date"] == "2022-01-08" and docs[0]["url"] == "u" and docs[0]["errors"] == [{"stage": "kz-normalize", "message": "date '"'"'2022-02-30'"'"' is not a real day: ignored"}]' "$TMP/norm"
	$EXPECT 'docs[1]["date"] is None and docs[1]["date_estimated"] == "2023-03-03" and len(docs[1]["errors"]) == 1' "$TMP/norm"
	$EXPECT 'docs[2]["date"] == "2024-02-29" and "errors" not in docs[2]' "$TMP/norm"
	# --date stands in for the dropped date
	head -n 2 "$TMP/in" | tail -n 1 > "$TMP/in2"
	set +e
	"$BIN/kz-normalize" --jsonl --date 2023-03-01 < "$TMP/in2" > "$TMP/out" 2> /dev/null
	set -e
	$EXPECT 'doc["date"] == "2023-03-01" and len(doc["errors"]) == 1' "$TMP/out"
	# the rest of the pipeline takes the records, and the role is resolved
	# on the dateline's date
	"$BIN/kz-tag" < "$TMP/norm" | "$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/out"
	$EXPECT 'len(docs) == 3 and docs[0]["mentions"][0]["canonical"] == "Kassym-Jomart Tokaïev"' "$TMP/out"
}

# The record's date, else the dateline's, else --date.
t_dates_precedence() {
	printf 'Titre\n\nMOSCOU, 8 janvier 2022 (AFP) - Le Kremlin a parlé.\n' |
	    "$BIN/kz-normalize" --date 2023-05-05 > "$TMP/out"
	$EXPECT 'doc["date"] == "2022-01-08"' "$TMP/out"
	printf 'Titre\n\nLe Kremlin a parlé.\n' |
	    "$BIN/kz-normalize" --date 2023-05-05 > "$TMP/out"
	$EXPECT 'doc["date"] == "2023-05-05"' "$TMP/out"
	echo '{"id":"a","date":"2021-03-04","text":"Titre\n\nMOSCOU, 8 janvier 2022 (AFP) - Le Kremlin."}' |
	    "$BIN/kz-normalize" --jsonl --date 2023-05-05 > "$TMP/out"
	$EXPECT 'doc["date"] == "2021-03-04"' "$TMP/out"
}

# A dateline on a day that does not exist gives no date.
t_dates_dateline_impossible_day() {
	printf 'Titre\n\nMOSCOU, 30 février 2022 (AFP) - Le Kremlin a parlé.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] is None and "errors" not in doc' "$TMP/out"
	printf 'Titre\n\nMOSCOU, 29 février 2024 (AFP) - Le Kremlin a parlé.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] == "2024-02-29"' "$TMP/out"
	printf 'Titre\n\nPublié le 29/02/2023\n\nLe Kremlin a parlé.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] is None' "$TMP/out"
}

# The date as news pages print it, in the furniture above the article.
# Each case: the page's header lines, then one paragraph of our own.
date_of() {
	printf '%b' "$1\n\nLa mairie a voté hier le budget de la piscine, après un long débat.\n" |
	    "$BIN/kz-normalize" > "$TMP/out"
	python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["date"])' "$TMP/out"
}

t_dates_printed_forms() {
	local T="La piscine rouvre"
	expect_eq "dotted, time" "$(date_of "$T\n05.03.2024, 08:15")" 2024-03-05
	expect_eq "Publié le, 18h42" "$(date_of "$T\nPublié le 12/10/2023 à 18h42")" 2023-10-12
	expect_eq "le, à 9 h" "$(date_of "$T\nle 3 mars 2024 à 9 h")" 2024-03-03
	expect_eq "numeric alone" "$(date_of "$T\n03/03/2024")" 2024-03-03
	expect_eq "weekday" "$(date_of "$T\nmardi 13/05/2025")" 2025-05-13
	expect_eq "Mis à jour:" "$(date_of "$T\nMis à jour: 28/02/2020")" 2020-02-28
	expect_eq "0 h 48" "$(date_of "$T\nPublié le 29 avril 2025 à 0 h 48")" 2025-04-29
	# a date and a byline on one line: two blocks, the author found
	date_of "$T\nLe mardi 3 février 2026 à 0:13 par Jeanne Valmont" > /dev/null
	$EXPECT 'doc["date"] == "2026-02-03" and kinds(doc)[:3] == ["title", "dateline", "byline"] and [a["text"] for a in doc["byline"]["authors"]] == ["Jeanne Valmont"]' "$TMP/out"
	# a sentence that opens with a date is no dateline
	expect_eq "prose" "$(date_of "$T\nLe 3 mars 2024, le conseil municipal a voté contre le projet de la piscine.")" None
}

# Publication, not update: "Mis à jour" loses when both are printed,
# whichever comes first.
t_dates_publication_before_update() {
	local T="La piscine rouvre"
	expect_eq "one line" "$(date_of "$T\nPublié le 12/10/2023 - 18:42•Mis à jour le 13/10/2023 - 09:15")" 2023-10-12
	expect_eq "update first" "$(date_of "$T\nMis à jour le 14/10/2023 à 10h00\nPublié le 12/10/2023 à 18h42")" 2023-10-12
	expect_eq "update only" "$(date_of "$T\nMis à jour le 14/10/2023 à 10h00")" 2023-10-14
}

# Agency datelines open the first paragraph: the dateline is its own
# block (no speaker, no verb of saying from it), its agency is the
# byline's, its date the article's.
t_dates_agency_datelines() {
	printf 'Paris, France | AFP | mardi 13/05/2025 - Le tribunal a rendu sa décision mardi soir, après trois jours.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] == "2025-05-13" and kinds(doc) == ["dateline", "paragraph"] and [a["text"] for a in doc["byline"]["agencies"]] == ["AFP"] and doc["text"][doc["blocks"][1]["start"]:].startswith("Le tribunal")' "$TMP/out"
	printf 'Les pêcheurs inquiets\n\nDakar (AFP) - Les pêcheurs de la côte ont manifesté lundi devant le port.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] is None and kinds(doc) == ["title", "dateline", "paragraph"] and [a["text"] for a in doc["byline"]["agencies"]] == ["AFP"]' "$TMP/out"
	printf 'Les pêcheurs inquiets\n\nMOSCOU, 8 janvier 2022 (AFP) - Les pêcheurs ont manifesté lundi devant le port.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] == "2022-01-08" and kinds(doc) == ["title", "dateline", "paragraph"]' "$TMP/out"
	# a date inside the body is no publication date
	printf 'Les pêcheurs inquiets\n\nLes pêcheurs ont manifesté le 8 janvier 2022 devant le port, en colère.\n' |
	    "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'doc["date"] is None and doc["date_estimated"] == "2022-01-08"' "$TMP/out"
	# and the stages after take no speaker from the dateline
	printf 'Les pêcheurs inquiets\n\nDakar (AFP) - « Nous ne partirons pas », a déclaré lundi le pêcheur Amadou Ndiaye.\n' |
	    "$BIN/kz-normalize" | pipeline > "$TMP/out"
	$EXPECT '[q["speaker"]["text"] for q in doc["quotes"] if q.get("speaker")] == ["Amadou Ndiaye"]' "$TMP/out"
}
