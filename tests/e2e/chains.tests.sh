# kz-tag's chains of mentions, through the whole pipeline: every later
# stage keeps them, and a namesake is a person of their own. Sourced by
# tests/e2e/run.sh.

chained() {
	printf '%s' "$1" | "$BIN/kz-normalize" --date 2024-03-01 | "$BIN/kz-tag" |
		"$BIN/kz-quotes" | "$BIN/kz-check" > "$TMP/out"
}

t_chain_namesake_is_another_person() {
	chained 'Un boulanger fait parler de lui

Emmanuel Macron a visité la foire. Pierre Macron, boulanger à Caen et sans lien de parenté, a plaisanté : « Je vends plus de croissants que lui. »
'
	$EXPECT '[(e["text"], e["chain"], e["ref"]) for e in doc["entities"] if e["type"] == "PER"] == [("Emmanuel Macron", 0, "emmanuel-macron"), ("Pierre Macron", 1, None)]' "$TMP/out"
	$EXPECT 'doc["chains"][1]["canonical"] == "Pierre Macron" and doc["chains"][1]["gender"] == "m"' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["speaker"]["ref"] is None' "$TMP/out"
}

t_chain_first_name_and_brackets() {
	chained 'Le match du week-end

Lucas Morel a marqué deux essais. « On a tenu », a dit Lucas après le match. Son coéquipier Hugo (Bernier) a manqué la transformation, et Bernier le regrette.
'
	$EXPECT '[(e["text"], e["chain"]) for e in doc["entities"] if e["type"] == "PER"] == [("Lucas Morel", 0), ("Lucas", 0), ("Hugo", 1), ("Bernier", 1), ("Bernier", 1)]' "$TMP/out"
	$EXPECT 'len(doc["chains"]) == 2' "$TMP/out"
}

t_chain_role_description_after_apposition() {
	chained 'Assemblée générale

Le directeur général, Octave Verlaine, a présenté les comptes. Le directeur général a ensuite répondu aux questions.
'
	$EXPECT '[m.get("chain") for m in doc["mentions"]] == [0, 0]' "$TMP/out"
	$EXPECT 'doc["chains"][0]["canonical"] == "Octave Verlaine"' "$TMP/out"
}
