# Names no gazetteer knows, found by how news introduces them: a noun
# that presents the name after it, an acronym defined in brackets. Our
# own sentences. Sourced by tests/e2e/run.sh.

tagged() {
	printf '%s' "$1" | "$BIN/kz-normalize" --date 2026-03-01 | "$BIN/kz-tag" > "$TMP/out"
}

ents='[(e["type"], e["text"]) for e in doc["entities"]]'

t_names_introduced_by_a_noun() {
	tagged 'Transferts

L'\''arrière Théodore Vasquelin rejoint le groupe Orvalis, qui possède aussi le réseau social Pikoto. La plateforme ZKTV diffusera les matchs.
'
	$EXPECT "$ents"' == [("PER", "Théodore Vasquelin"), ("ORG", "Orvalis"), ("ORG", "Pikoto"), ("ORG", "ZKTV")]' "$TMP/out"
}

t_names_introducer_single_word_needs_first_name() {
	# "l'attaquant Vasquelin": one word, no first name: not taken on the
	# noun's word alone; "le coach Mathilde" is
	tagged 'Entraînement

L'\''attaquant Vasquelin est blessé, et le coach Mathilde le regrette.
'
	$EXPECT "$ents"' == [("PER", "Mathilde")]' "$TMP/out"
}

t_names_acronym_defined_in_brackets() {
	tagged 'Épidémie

Selon l'\''Office régional des eaux vives (OREV), la crue monte. L'\''OREV relève une hausse, et le Bureau national de veille (BNV) aussi.
'
	$EXPECT "$ents"' == [("ORG", "Office régional des eaux vives"), ("ORG", "OREV"), ("ORG", "OREV"), ("ORG", "Bureau national de veille"), ("ORG", "BNV")]' "$TMP/out"
}

t_names_acronym_long_form_replaces_a_place() {
	# "France" inside the long form is no place of its own
	tagged 'Santé

Santé publique France (SPF) publie son bulletin. Pour SPF, la vague recule.
'
	$EXPECT "$ents"' == [("ORG", "Santé publique France"), ("ORG", "SPF"), ("ORG", "SPF")]' "$TMP/out"
}

t_names_acronym_must_fit_its_words() {
	# the letters do not match the words before: nothing is made of it
	tagged 'Note

Le comité de suivi (ZQX) se réunit.
'
	$EXPECT '[e for e in doc["entities"] if e["text"] == "ZQX" or "comité" in e["text"]] == []' "$TMP/out"
}

t_names_no_person_from_an_honorific_ending_a_sentence() {
	# "a confié M." ends on the singer's stage name, not on "Monsieur":
	# the elided "C'" of the next quote is nobody, and a letter alone
	# after "à" is no place; "M. D'Aubry" is a person
	tagged 'Victoires de la musique

Le trophée est revenu à M pour son album. « C'\''est un message de paix », a confié M. « C'\''est une année de bonheur. » M. D'\''Aubry a applaudi.
'
	$EXPECT "$ents"' == [("PER", "D'\''Aubry")]' "$TMP/out"
}

t_names_after_a_demonym_noun() {
	# "la Norvégienne X Y": the demonym is a noun that presents the person;
	# after a masculine one, a single word may be a firm and is not taken
	tagged 'Cyclisme

La Norvégienne Ingvild Traastad devance la Belge Lotte Verbeeck. Le Japonais Kaminoda rachète une usine.
'
	$EXPECT "$ents"' == [("PER", "Ingvild Traastad"), ("PER", "Lotte Verbeeck")]' "$TMP/out"
}

t_names_items_of_a_list_beside_a_person() {
	# a list opened by a known person names persons: forward after commas
	# and "et", backward before "et" a person; "Ravel Quartet," opens its
	# sentence before a comma and a person and is no list item
	tagged 'Sélection

Milieux : Antoine Dupuis, Koffi Zanmé, Loïc Ferrandi et Dalko Vrsić. Ils rejoignent Tiko Abessolo et Bastien Morel. Ravel Quartet, Bastien Morel le dit, jouera.
'
	$EXPECT "$ents"' == [("PER", "Antoine Dupuis"), ("PER", "Koffi Zanmé"), ("PER", "Loïc Ferrandi"), ("PER", "Dalko Vrsić"), ("PER", "Tiko Abessolo"), ("PER", "Bastien Morel"), ("PER", "Bastien Morel")]' "$TMP/out"
}

t_names_town_as_a_surname() {
	# a one-word town after a known first name is the surname; a town
	# described as a person ("X, un ingénieur de 36 ans") is a person; a
	# small town with a compound name is a place
	tagged 'Reportage

Pierre Firminy habite Montreuil-Bellay. Devant la mairie, Bayeux, un ingénieur de 36 ans, attend.
'
	$EXPECT "$ents"' == [("PER", "Pierre Firminy"), ("LOC", "Montreuil-Bellay"), ("PER", "Bayeux")]' "$TMP/out"
}

t_names_first_name_after_an_adjective() {
	# "la talentueuse Margaux": a determiner, a word and a first name
	# alone name a person; not after a noun of things ("la tempête
	# Bérénice") or a word that ranks things ("la première Victoire")
	tagged 'Gala

La talentueuse Margaux est arrivée pieds nus. La tempête Bérénice a couché des arbres. La première Victoire est allée au groupe.
'
	$EXPECT "$ents"' == [("PER", "Margaux")]' "$TMP/out"
}

t_names_first_name_alone_in_a_list() {
	# a known first name alone is a list item beside persons ("puis"
	# joins items too), and is found again where it recurs; one that
	# opens its sentence is not taken so
	tagged 'Gala

Plus tard, Maëlys reçoit son prix. Il a écouté Maëlys, Jeanne Verdier puis Odile Sarran. Clément, Jeanne Verdier le dit, chantera.
'
	$EXPECT "$ents"' == [("PER", "Maëlys"), ("PER", "Maëlys"), ("PER", "Jeanne Verdier"), ("PER", "Odile Sarran"), ("PER", "Jeanne Verdier")]' "$TMP/out"
}

t_names_regions_of_france_and_their_surnames() {
	# the former régions, provinces and "l'Hexagone" are places; a
	# province's name after a first name is a family name
	tagged 'Terroirs

Hélène Touraine est arrivée hier. Elle a grandi en Touraine, puis en Poitou-Charentes et en Lorraine, avant de quitter l'\''Hexagone.
'
	$EXPECT "$ents"' == [("PER", "Hélène Touraine"), ("LOC", "Touraine"), ("LOC", "Poitou-Charentes"), ("LOC", "Lorraine"), ("LOC", "Hexagone")]' "$TMP/out"
	$EXPECT '[e["ref"] for e in doc["entities"] if e["text"] == "Hexagone"] == ["france"]' "$TMP/out"
}

t_names_venues_and_passes() {
	# a venue's noun and its name are one place, the name after "de" or at
	# once; a club named like a venue ("Stade Brestois", an adjective)
	# is not; a mountain pass is a natural feature
	tagged 'Sports

Le match aura lieu au stade Marcel-Picot, puis au Parc des Sports de Gerland. Le Stade Brestois y jouera. Le peloton a franchi le col de la Croix-Fry.
'
	$EXPECT '[(t, x) for t, x in '"$ents"' if t == "LOC"] == [("LOC", "stade Marcel-Picot"), ("LOC", "Parc des Sports"), ("LOC", "col de la Croix-Fry")]' "$TMP/out"
	$EXPECT '"Stade Brestois" not in [e["text"] for e in doc["entities"] if e["type"] == "LOC"]' "$TMP/out"
}

t_names_a_capital_is_no_first_name() {
	# "Paris" folds like the first name "Pâris": the capital followed by a
	# capitalised word is still the capital, not a person
	tagged 'Tennis

Il a gagné le Paris Masters et le tournoi de Paris.
'
	$EXPECT '[t for t, x in '"$ents"' if t == "PER"] == []' "$TMP/out"
}

t_names_surname_alone_of_a_known_person() {
	# a person the gazetteer knows by full name only is found again by
	# the surname alone, in the same chain
	tagged 'Tennis

Jannik Sinner a gagné en trois sets. Plus tard, Sinner a salué le public.
'
	$EXPECT "$ents"' == [("PER", "Jannik Sinner"), ("PER", "Sinner")]' "$TMP/out"
	$EXPECT 'doc["entities"][0]["chain"] == doc["entities"][1]["chain"] and doc["chains"][doc["entities"][1]["chain"]]["ref"] == "jannik-sinner"' "$TMP/out"
}
