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

t_attr_incise_without_comma() {
	attributed 'Inondations

Les pompiers sont intervenus toute la nuit. « On n'\''avait jamais vu ça » raconte Josiane Perrot, riveraine du canal.
'
	$EXPECT "$speakers"' == [("On n'\''avait jamais vu ça", "Josiane Perrot")]' "$TMP/out"
}

t_attr_role_tied_to_nobody_refers_back() {
	# "l'élu" is a role kz-tag resolves to nobody: it is the mayor named
	# before, not a new speaker called "l'élu"
	attributed 'Conseil municipal

Le maire, Rémi Castagnet, a présenté le budget. « Nous ne toucherons pas aux impôts », a promis l'\''élu devant le conseil.
'
	$EXPECT "$speakers"' == [("Nous ne toucherons pas aux impôts", "Rémi Castagnet")]' "$TMP/out"
}

t_attr_role_with_name_in_apposition() {
	attributed 'Grève chez Norvel

Les salariés ont cessé le travail. « Nous tiendrons », a déclaré la présidente du syndicat, Ingrid Solberg.
'
	$EXPECT "$speakers"' == [("Nous tiendrons", "Ingrid Solberg")]' "$TMP/out"
}

t_attr_quote_paragraph_goes_on() {
	# a paragraph that is only a quote, after a paragraph ending on the
	# same speaker's quote: the speaker goes on; a new name stops it
	attributed 'Fin de saison

« Nous avons tout donné », a reconnu Hugo Lemaire après la défaite.

« La saison prochaine, nous reviendrons plus forts. »

Son adjoint Paul Girard est resté discret.

« Rien à dire. »
'
	$EXPECT "$speakers"' == [("Nous avons tout donné", "Hugo Lemaire"), ("La saison prochaine, nous reviendrons plus forts.", "Hugo Lemaire"), ("Rien à dire.", None)]' "$TMP/out"
	$EXPECT 'doc["quotes"][1]["speaker"]["via"] == "continued"' "$TMP/out"
}

t_attr_sentence_shares_its_cue() {
	attributed 'Industrie

Nadia Ferhat dirige le syndicat. « Le plan est un échec » puisque « nos usines ferment », juge la syndicaliste.
'
	$EXPECT "$speakers"' == [("Le plan est un échec", "Nadia Ferhat"), ("nos usines ferment", "Nadia Ferhat")]' "$TMP/out"
}

t_attr_headline_quote_then_colon() {
	attributed '« Nous avons été trop naïfs » : Armand Téchiné recadre ses joueurs

Le club a perdu samedi.
'
	$EXPECT "$speakers"' == [("Nous avons été trop naïfs", "Armand Téchiné")]' "$TMP/out"
}

t_attr_colon_paragraph_before() {
	attributed 'Défaite à Agen

De retour au vestiaire, le pilier Maxence Dorval n'\''a pas caché sa colère :

« On répète les mêmes fautes chaque semaine. »
'
	$EXPECT "$speakers"' == [("On répète les mêmes fautes chaque semaine.", "Maxence Dorval")]' "$TMP/out"
}

t_attr_reflexive_verb_of_saying() {
	attributed 'Brigades

Odette Ferrand est maire depuis 2020. « C'\''est une grande déception », se désole l'\''élue.
'
	$EXPECT "$speakers"' == [("C'\''est une grande déception", "Odette Ferrand")]' "$TMP/out"
}

t_attr_organisation_in_a_complement_is_no_subject() {
	# "du PS": the party is the complement of the description, not who speaks
	attributed 'Budget

Olivier Faure a été reçu à Matignon. Le premier secrétaire du PS demande « une copie complète » du projet.
'
	$EXPECT "$speakers"' == [("une copie complète", "Olivier Faure")]' "$TMP/out"
}

t_attr_name_in_brackets_is_no_antecedent() {
	attributed 'Prix littéraire

Hélène Varin a reçu le prix pour Les Heures (Brunel), un roman familial. « Je n'\''y crois pas encore », a-t-elle confié.
'
	$EXPECT "$speakers"' == [("Je n'\''y crois pas encore", "Hélène Varin")]' "$TMP/out"
}

t_attr_next_sentence_quote_goes_on() {
	# the second quote opens its sentence: the minister just quoted goes
	# on, not the board named in the sentence before
	attributed 'Usine menacée

Le ministre Sébastien Ravel recevra la direction du groupe Norvel. « Je demanderai toutes les options », a déclaré Sébastien Ravel dans un message. « L'\''Etat sera vigilant. »
'
	$EXPECT "$speakers"' == [("Je demanderai toutes les options", "Sébastien Ravel"), ("L'\''Etat sera vigilant.", "Sébastien Ravel")]' "$TMP/out"
}

t_attr_inverted_clitic_marks_the_incise() {
	# "élude" and "tranche" are not verbs of saying, but the inverted
	# subject after the quote makes them an incise all the same
	attributed 'Transferts

Nadia Benali ne veut pas parler de son avenir. « On verra après la saison », élude-t-elle. Son agent, Marc Texier, a confirmé des contacts. « Rien n'\''est signé », a-t-il tranché.
'
	$EXPECT "$speakers"' == [("On verra après la saison", "Nadia Benali"), ("Rien n'\''est signé", "Marc Texier")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["cue"]["text"] == "élude-t-elle"' "$TMP/out"
}

t_attr_sole_speaker_of_the_article() {
	# a press conference followed live: the coach is the one person
	# quoted with a cue, his cue-less answers are his; the paragraph that
	# names a player may be quoting the player and is left alone
	attributed 'Conférence de presse en direct

15h02 : Sylvie Marceau arrive en salle de presse, l'\''air détendu.

15h05 : Sylvie Marceau : « Le groupe vit bien. »

15h09 : Une question sur la gardienne. « Elle a toute ma confiance. »

15h12 : Le nom de Julie Ferrand revient dans les questions.

« On ne lâche rien. »
'
	$EXPECT "$speakers"' == [("Le groupe vit bien.", "Sylvie Marceau"), ("Elle a toute ma confiance.", "Sylvie Marceau"), ("On ne lâche rien.", None)]' "$TMP/out"
	$EXPECT 'doc["quotes"][1]["speaker"]["via"] == "sole_speaker"' "$TMP/out"
}

t_attr_plural_pronoun_for_coordinated_persons() {
	# a joint statement of two people named together goes to the first
	# named; "elles" with no such pair stays unattributed
	attributed 'Procès en appel

Me Carine Dufour et Amélie Karsenti, avocates des plaignantes, ont salué la décision. « C'\''est une belle décision », ont-elles martelé. Les infirmières ont manifesté. « Nous sommes épuisées », ont-elles dit.
'
	$EXPECT "$speakers"' == [("C'\''est une belle décision", "Carine Dufour"), ("Nous sommes épuisées", None)]' "$TMP/out"
}

t_attr_inverted_clitic_without_comma() {
	# the same incise with no comma after the closing mark
	attributed 'Mercato

Nadia Benali sourit. « On verra après la saison » élude-t-elle.
'
	$EXPECT "$speakers"' == [("On verra après la saison", "Nadia Benali")]' "$TMP/out"
}

t_attr_lead_quote_then_its_speaker() {
	# a paragraph opening on a quote nothing attributes, then a sentence
	# about a person (after a fronted clause too): the words are theirs;
	# a quote in the middle of a paragraph is not given so
	attributed 'Fermetures de classes

La carte scolaire a été publiée lundi soir.

« Nous avions fait tout ce qu'\''on nous demandait. » Comme plusieurs maires du canton, Hélène Rouvier a découvert la nouvelle par courriel.

« On se battra. » Gilles Aubertin, directeur de l'\''école, prépare une pétition.

La réunion a duré deux heures. « Rien ne bouge. » Marc Tessier a quitté la salle.
'
	$EXPECT "$speakers"' == [("Nous avions fait tout ce qu'\''on nous demandait.", "Hélène Rouvier"), ("On se battra.", "Gilles Aubertin"), ("Rien ne bouge.", None)]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["speaker"]["via"] == "next_sentence"' "$TMP/out"
}

t_attr_headline_quote_repeated_in_the_body() {
	# the title's quote is the body's, where its speaker is said; a
	# subheading's word too, found whole in a body quote
	attributed '« Le village a été oublié » : colère après la fermeture de la poste

La poste de Saint-Véran fermera en mars.

« Le village a été oublié, une fois de plus », regrette Paulette Giraud, qui tient l'\''épicerie. « C'\''est un départ brutal », déplore Odile Marchal, la postière.

Un départ "brutal"

Les habitants ont appris la nouvelle par un courrier de la direction régionale, sans réunion.

Les élus écrivent au ministre

Le conseil municipal votera une motion lundi soir, a annoncé la mairie dans un communiqué.
'
	$EXPECT "$speakers"' == [("Le village a été oublié", "Paulette Giraud"), ("Le village a été oublié, une fois de plus", "Paulette Giraud"), ("C'\''est un départ brutal", "Odile Marchal"), ("brutal", "Odile Marchal")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["speaker"]["via"] == "headline"' "$TMP/out"
}

t_attr_interview_answers_without_marks() {
	# an interview printed as questions and answers: each answer (the
	# paragraphs up to the next question; after the last, one paragraph)
	# is the words of the person the paragraph before the questions names
	# last (one question at least speaks to someone: "vous"); a single
	# question in a report makes no interview
	attributed 'Entretien

Léo Garnier, le président, a salué la saison. Nous avons rencontré la capitaine Inès Moreau au lendemain de la finale.

Que reste-t-il de cette finale ?

Une immense fierté. Nous avons tenu jusqu'\''au bout.

Et la suite pour vous ?

Je veux d'\''abord me reposer.

Le club annoncera son recrutement en juin.
'
	$EXPECT "$speakers"' == [("Une immense fierté. Nous avons tenu jusqu'\''au bout.", "Inès Moreau"), ("Je veux d'\''abord me reposer.", "Inès Moreau")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["speaker"]["via"] == "interview" and doc["quotes"][0]["kind"] == "direct"' "$TMP/out"
	attributed 'Pollution

Pourquoi la rivière est-elle si basse ? Les pêcheurs se le demandent, vous aussi ?

La sécheresse dure depuis avril, explique la préfecture.
'
	$EXPECT 'doc["quotes"] == []' "$TMP/out"
}

t_attr_report_quoted_in_passing() {
	# an agency's report: the agency quoted by name, then called back as
	# "l'agence" (no name starts so), a fronted "Selon X," reaching a
	# quote far into its sentence, and words quoted in passing later in
	# the paragraph going on with it; "la préfecture maritime", headed
	# by another noun than the body quoted last, is not that body
	attributed 'Canicule

La chaleur atteint « un niveau rare pour un mois de juin », indique Météo-France. Selon le dernier bulletin de l'\''agence régionale sur les températures relevées dans les stations de la côte et de l'\''arrière-pays, la nuit de samedi a été la plus chaude depuis des années « sans doute en raison du vent de sud ». Les sols sont « très secs ».

Le ministère de la Mer a jugé la situation « préoccupante ». Selon la préfecture maritime, les plages resteront « ouvertes ».
'
	$EXPECT "$speakers"' == [("un niveau rare pour un mois de juin", "Météo-France"), ("sans doute en raison du vent de sud", "Météo-France"), ("très secs", "Météo-France"), ("préoccupante", "ministère de la Mer"), ("ouvertes", "la préfecture")]' "$TMP/out"
}

t_attr_collective_noun_for_the_organisation_named_before() {
	# "l'agence" stands for the organisation named just before, not
	# quoted yet; "la préfecture" after the ministry is another body
	attributed 'Grippe

Un médecin juge la vague « sérieuse », a déclaré Paul Ravel. Météo-France se montre plus prudente. L'\''agence évoque une « tendance encourageante ».

Le ministère de la Santé publie ses chiffres. La préfecture parle de « pics attendus ».
'
	$EXPECT "$speakers"' == [("sérieuse", "Paul Ravel"), ("tendance encourageante", "Météo-France"), ("pics attendus", "La préfecture")]' "$TMP/out"
}

t_attr_participle_of_a_noun_is_no_cue() {
	# "les travaux contestés": the participle describes the noun before
	# it; the verb of saying is further back, and its subject speaks
	attributed 'Procès

L'\''avocat a cité la directrice, Amandine Colas. Celle-ci avait expliqué devant le tribunal que les travaux contestés « étaient terminés à temps ».
'
	$EXPECT "$speakers"' == [("étaient terminés à temps", "Amandine Colas")]' "$TMP/out"
	$EXPECT 'doc["quotes"][0]["cue"]["text"] == "expliqué"' "$TMP/out"
}

t_attr_passive_verb_has_no_speaker() {
	# "ses albums sont certifiés": a verb of saying in the passive gives
	# its subject no words; "ils sont convenus de" is active
	attributed 'Musique

La tournée est passée par Londres et Dakar. Ses albums sont certifiés.

« Elle a changé la chanson »

Jean-Marc Ferrand et Paul Ravel sont convenus de « travailler ensemble ».
'
	$EXPECT '[(q["text"], (q.get("cue") or {}).get("text")) for q in doc["quotes"]][0] == ("Elle a changé la chanson", None)' "$TMP/out"
	$EXPECT '[(q["text"], (q.get("speaker") or {}).get("name")) for q in doc["quotes"]][1] == ("travailler ensemble", "Jean-Marc Ferrand")' "$TMP/out"
}

t_attr_whose_communique() {
	# "selon un communiqué": the one who issued it, named after it or
	# just before; with nobody to own it, the text itself
	attributed 'Usine

La direction de Renault a annoncé mardi la fermeture du site. Le groupe s'\''engage à proposer « un reclassement à chaque salarié », selon un communiqué. Le Congrès a dénoncé « un verdict honteux », selon un communiqué du Kremlin.
'
	$EXPECT "$speakers"' == [("un reclassement à chaque salarié", "Renault"), ("un verdict honteux", "Kremlin")]' "$TMP/out"
	attributed 'Usine

Le site fermera « avant l'\''été », selon un communiqué.
'
	$EXPECT "$speakers"' == [("avant l'\''été", "un communiqué")]' "$TMP/out"
}

t_attr_role_completed_by_an_organisation() {
	# "la présidente du groupe X a jugé": the role speaks, not the
	# organisation that completes it; a name after a role ("le président
	# de gauche Y") is still the subject; a communiqué described by the
	# sentence is its subject's
	attributed 'Budget

« Nous voterons contre », a déclaré Marine Le Pen. La présidente du groupe RN a jugé que le texte était « injuste ». Au Chili, le président de gauche Gabriel Boric a jugé les résultats « douteux ». Le ministère syrien des Affaires étrangères a publié un communiqué évoquant des discussions « franches ».
'
	$EXPECT "$speakers"' == [("Nous voterons contre", "Marine Le Pen"), ("injuste", "Marine Le Pen"), ("douteux", "Gabriel Boric"), ("franches", "ministère syrien des Affaires étrangères")]' "$TMP/out"
}

t_attr_guillemets_the_wrong_way_round() {
	# "a déclaré : » … « …": the marks typed reversed after a colon still
	# make a quote, up to the next «, with the colon's speaker; the mark
	# is flagged for the editor
	attributed 'Espace

Anne Durand, responsable de l'\''équipe, a déclaré : » Le télescope ouvre une fenêtre nouvelle. « C'\''est important pour comprendre les planètes.
'
	$EXPECT "$speakers"' == [("Le télescope ouvre une fenêtre nouvelle.", "Anne Durand"), ("C'\''est important pour comprendre les planètes.", "Anne Durand")]' "$TMP/out"
	$EXPECT '[f["rule"] for f in doc.get("flags", [])].count("unbalanced-quote") >= 1' "$TMP/out"
}

t_attr_sole_speaker_answers_questions_about_others() {
	# a press conference followed live: a paragraph naming a player as
	# what a question is about does not name her as a speaker, and the
	# coach's words quoted in passing there are the coach's too
	attributed 'Conférence de presse en direct

15h05 : Sylvie Marceau : « Le groupe vit bien. »

15h09 : La porte reste ouverte mais « à elle de confirmer en club cette saison et ensuite on verra », sur une question à propos de Julie Ferrand.
'
	$EXPECT "$speakers"' == [("Le groupe vit bien.", "Sylvie Marceau"), ("à elle de confirmer en club cette saison et ensuite on verra", "Sylvie Marceau")]' "$TMP/out"
}

t_attr_name_apposed_to_a_role_with_an_adjective() {
	# "selon le chef de l'opposition libérale, X": the apposed name is
	# the speaker, past the adjective that ends the role
	attributed 'Référendum

Le vote « a divisé le pays », selon le chef de l'\''opposition conservatrice, Hugo Tessier, qui appelait au non.
'
	$EXPECT "$speakers"' == [("a divisé le pays", "Hugo Tessier")]' "$TMP/out"
}
