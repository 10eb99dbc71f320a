# Who said it, by the structure of the sentence: definite descriptions,
# cues that close the sentence, complements that are no subject. Our own
# sentences, written for these tests. Sourced by tests/e2e/run.sh.

attributed() {
	printf '%s' "$1" | "$BIN/kz-normalize" --date 2026-03-01 | "$BIN/kz-tag" |
		"$BIN/kz-quotes" > "$TMP/out"
}

speakers='[(q["text"], (q.get("speaker") or {}).get("name")) for q in doc["quotes"]]'

t_attr_description_refers_back() {
	attributed 'Match nul à Brest

Gaëtan Morvan a fait tourner son effectif. « Nous avons manqué de justesse », a répondu sèchement le coach brestois devant la presse.
'
	$EXPECT "$speakers"' == [("Nous avons manqué de justesse", "Gaëtan Morvan")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["speaker"]["via"] == "anaphora" and doc["quotes"][0]["speaker"]["text"] == "le coach"' "$TMP/out"
}

t_attr_description_gender_must_fit() {
	# "la syndicaliste" is not the man named last
	attributed 'Grève aux chantiers

Odile Garnier, déléguée syndicale, a reçu le directeur Paul Vasseur. « Rien n'\''est réglé », estime la syndicaliste.
'
	$EXPECT "$speakers"' == [("Rien n'\''est réglé", "Odile Garnier")]' "$TMP/out"
}

t_attr_cue_closes_the_sentence() {
	attributed 'Hôpitaux sous tension

Élise Marchand a visité les urgences. « Les équipes sont épuisées » en raison de l'\''afflux de patients, a assuré mardi Élise Marchand devant les soignants.
'
	$EXPECT "$speakers"' == [("Les équipes sont épuisées", "Élise Marchand")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["cue"]["text"] == "a assuré"' "$TMP/out"
}

t_attr_complement_is_no_subject() {
	# the man named after "par son conseiller" is a complement: the
	# candidate named as the subject before is who "il" stands for
	attributed 'Campagne municipale

Bernard Lucas a présenté son programme. Il a été rédigé par son conseiller Jean Fabre, après des mois de travail. « Nous tiendrons parole », a-t-il promis.
'
	$EXPECT "$speakers"' == [("Nous tiendrons parole", "Bernard Lucas")]' "$TMP/out"
}
