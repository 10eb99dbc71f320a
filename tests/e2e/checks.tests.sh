# kz-check: for every rule, a positive case and a correct article of the
# same shape that must stay unflagged. Sourced by tests/e2e/run.sh.

# checked TEXT [DATE]: run the whole pipeline on TEXT into $TMP/out
checked() {
	printf '%s' "$1" | "$BIN/kz-normalize" ${2:+--date "$2"} | "$BIN/kz-tag" |
		"$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/out"
}

# serious RULE...: the error/warning rules flagged, sorted
serious() {
	python3 -c 'import json,sys; print(" ".join(sorted(f["rule"] for f in json.load(open(sys.argv[1]))["flags"] if f["severity"] in ("error","warning"))))' "$TMP/out"
}

PULL_BODY='Titre du jour

« Nous retirerons 2 000 soldats avant l'"'"'été », a déclaré Sergueï Lavrov devant la presse.

'

t_check_speaker_mismatch() {
	checked "${PULL_BODY}Nous retirerons 2 000 soldats avant l'été.
Dmitri Peskov
Porte-parole du Kremlin

Fin de l'article, qui continue encore un peu.
" 2022-03-01
	expect_eq flags "$(serious)" "speaker-mismatch"
	checked "${PULL_BODY}Nous retirerons 2 000 soldats avant l'été.
Sergueï Lavrov
Ministre russe des Affaires étrangères

Fin de l'article, qui continue encore un peu.
" 2022-03-01
	expect_eq flags "$(serious)" ""
}

t_check_misquote() {
	checked "${PULL_BODY}Nous retirerons 3 000 soldats avant l'été.
Sergueï Lavrov
Ministre russe des Affaires étrangères

Fin de l'article, qui continue encore un peu.
" 2022-03-01
	expect_eq flags "$(serious)" "misquote"
	$EXPECT '[e["text"] for f in doc["flags"] if f["rule"] == "misquote" for e in f["evidence"]] == ["Nous retirerons 2 000 soldats avant l'"'"'été"]' "$TMP/out"
}

t_check_name_variant() {
	checked 'Titre

Kassym-Jomart Tokaïev a parlé lundi. Mardi, Tokayev a de nouveau parlé.
' 2022-01-10
	expect_eq flags "$(serious)" "name-variant"
	checked 'Titre

Kassym-Jomart Tokaïev a parlé lundi. Mardi, Tokaïev a de nouveau parlé.
' 2022-01-10
	expect_eq flags "$(serious)" ""
}

t_check_anachronism() {
	checked 'Titre

Une frappe a touché la ville de Dnipropetrovsk dans la nuit, sans faire de victimes.
' 2023-10-12
	expect_eq flags "$(serious)" "anachronism"
	checked 'Titre

Une frappe a touché la ville de Dnipro dans la nuit, sans faire de victimes.
' 2023-10-12
	expect_eq flags "$(serious)" ""
	# a former name used on purpose is not an anachronism
	checked 'Titre

La capitale, rebaptisée Nur-Sultan en 2019, a repris son nom.
' 2023-10-12
	expect_eq flags "$(serious)" ""
}

t_check_number_inconsistency() {
	checked 'Titre

Le bilan est de 164 morts selon le ministère.

Plus tard, les autorités ont évoqué 146 morts.
' 2022-01-10
	expect_eq flags "$(serious)" "number-inconsistency"
	checked 'Titre

Le bilan est de 12.000 arrestations selon le ministère.

Plus tard, les autorités ont confirmé 12 000 arrestations. En janvier, une autre vague avait fait 3 000 arrestations.
' 2022-01-10
	expect_eq flags "$(serious)" ""
}

t_check_role_conflict_in_article() {
	checked 'Titre

Le chancelier allemand Piotr Nowak a parlé. Plus tard, le président allemand Piotr Nowak a répondu.
' 2023-01-01
	expect_eq flags "$(serious)" "role-mismatch"
	checked 'Titre

Le chancelier allemand Piotr Nowak a parlé. Plus tard, le chancelier allemand Piotr Nowak a répondu.
' 2023-01-01
	expect_eq flags "$(serious)" ""
}

t_check_quote_inside_quote_is_not_a_title() {
	# "le Président de la République du Kazakhstan" inside Poutine's quote
	# is Tokaïev, not a title given to Poutine
	checked 'Titre

Vladimir Poutine a parlé :

« La durée sera décidée par le Président de la République du Kazakhstan. »
' 2022-01-10
	expect_eq flags "$(serious)" ""
	$EXPECT '[(m["text"], m["canonical"]) for m in doc["mentions"]] == [("le Président de la République du Kazakhstan", "Kassym-Jomart Tokaïev")]' "$TMP/out"
}

t_check_english_messages() {
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
		"$BIN/kz-check" --lang en > "$TMP/out"
	$EXPECT '[f["message"] for f in doc["flags"] if f["rule"] == "role-mismatch"][0].startswith("Alexandre Loukachenko is given the title")' "$TMP/out"
}

# One name with and without an accent: matching folds accents, so both
# are one person, but the rarer spelling is a misspelling. Case alone is
# no variant; nor is a compound surname cut at its hyphen.
t_check_accent_variant() {
	checked 'La course

Martine Lefèvre-Dubé a gagné samedi. Martine Lefèvre-Dubé a salué ses coéquipières. Plus tard, Martine Lefevre-Dubé a parlé de sa mère. Martine Lefèvre-Dubé a pleuré.
' 2025-08-03
	expect_eq flags "$(serious)" "name-variant"
	$EXPECT '[doc["text"][f["start"]:f["end"]] for f in doc["flags"] if f["rule"] == "name-variant"] == ["Martine Lefevre-Dubé"]' "$TMP/out"
	checked 'La course

Martine Lefèvre-Dubé a gagné samedi. MARTINE LEFÈVRE-DUBÉ a salué ses coéquipières. Martine Lefèvre-Dubé a pleuré.
' 2025-08-03
	expect_eq flags "$(serious)" ""
}

# A party written as a first name and an initial, given counsel's title.
t_check_initial_as_counsel() {
	checked 'Le verdict

Le tribunal a condamné le gérant. Me Paul Garnier et Julie M., avocats des plaignantes, ont salué la décision.
' 2025-05-13
	expect_eq flags "$(serious)" "role-mismatch"
	$EXPECT '[doc["text"][f["start"]:f["end"]] for f in doc["flags"] if f["rule"] == "role-mismatch"] == ["Julie M., avocats"]' "$TMP/out"
	checked 'Le verdict

Le tribunal a condamné le gérant. Me Paul Garnier et Me Julie Morin, avocats des plaignantes, ont salué la décision. Julie M., plaignante, a pleuré.
' 2025-05-13
	expect_eq flags "$(serious)" ""
}
