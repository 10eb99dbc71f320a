# Page furniture as real French news pages print it: bylines, web residue,
# embedded posts, pull quotes. Every sentence here is our own. Sourced by
# tests/e2e/run.sh.

norm_text() {
	printf '%b' "$1" | "$BIN/kz-normalize" > "$TMP/out"
}

# authors(FILE) and agencies(FILE): the byline's names, one line
authors() {
	python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print("|".join(a["text"] for a in r["byline"]["authors"]))' "$TMP/out"
}
agencies() {
	python3 -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print("|".join(a["text"] for a in r["byline"]["agencies"]))' "$TMP/out"
}

P="\n\nLa mairie a voté hier le budget de la piscine, après un long débat.\n"

t_furniture_bylines() {
	norm_text "La piscine rouvre\nPar la rédaction$P"
	expect_eq "Par la rédaction" "$(agencies)" "la rédaction"
	norm_text "La piscine rouvre\nLa rédaction avec AFP$P"
	expect_eq "La rédaction avec AFP" "$(agencies)" "La rédaction|AFP"
	norm_text "La piscine rouvre\nJeanne Valmont avec AFP$P"
	expect_eq "X avec AFP: author" "$(authors)" "Jeanne Valmont"
	expect_eq "X avec AFP: agency" "$(agencies)" "AFP"
	norm_text "La piscine rouvre\nAFP / Lyon / Jeanne Valmont$P"
	expect_eq "slashes: author" "$(authors)" "Jeanne Valmont"
	expect_eq "slashes: agency" "$(agencies)" "AFP"
	norm_text "La piscine rouvre\nPar Jeanne Valmont | AFP$P"
	expect_eq "pipe" "$(authors)/$(agencies)" "Jeanne Valmont/AFP"
	norm_text "La piscine rouvre\nL'Obs - - Vie locale - JEANNE VALMONT$P"
	expect_eq "rubric and capitals" "$(authors)/$(agencies)" "JEANNE VALMONT/L'Obs"
	# a name alone under the title, and one alone at the foot
	norm_text "La piscine rouvre\nJeanne Valmont$P"
	expect_eq "name under title" "$(authors)" "Jeanne Valmont"
	norm_text "La piscine rouvre$P\nPaul Martin-Roche\n"
	expect_eq "name at foot" "$(authors)" "Paul Martin-Roche"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "byline"]' "$TMP/out"
	# the outlet that signs a pull quote's words
	norm_text "La piscine rouvre$P\nÀ la rédaction web de Radio Vallée\n"
	expect_eq "outlet prefix" "$(authors)/$(agencies)" "/Radio Vallée"
	# a prose line opening with "Avec" is no byline
	norm_text "La piscine rouvre\n\nAvec la rentrée, la mairie a voté le budget de la piscine, après un long débat.\n"
	expect_eq "prose" "$(authors)$(agencies)" ""
}

t_furniture_residue() {
	norm_text "La piscine rouvre\nplaceholder video\n3 Commentaires\nTable of Contents\nLire aussi : Le stade ferme ses portes$P"
	$EXPECT 'kinds(doc) == ["title", "boilerplate", "boilerplate", "boilerplate", "related", "paragraph"]' "$TMP/out"
	# an embedded post: its account line is a credit, its date is not the
	# article's, its names are still tagged
	norm_text "La piscine rouvre$P\nLe bassin est prêt pour vous !\n— Emmanuel Macron (@EmmanuelMacron) 2 juin 2021\nVoir sur X\n"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "paragraph", "credit", "credit"] and doc.get("date_estimated") is None' "$TMP/out"
	"$BIN/kz-tag" < "$TMP/out" > "$TMP/tag"
	$EXPECT '"Emmanuel Macron" in " ".join(ents(doc))' "$TMP/tag"
}

t_furniture_pull_quotes() {
	# a pull quote signed "Name, role" past a blank line
	norm_text "La piscine rouvre$P\nOn attendait ce bassin depuis dix ans, et les enfants aussi.\n\nMarthe Bellanger, adjointe aux sports\n\nLa suite du chantier est prévue en mai, selon la mairie du village.\n"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "pullquote", "speaker-name", "speaker-title", "paragraph"]' "$TMP/out"
	"$BIN/kz-tag" < "$TMP/out" | "$BIN/kz-quotes" > "$TMP/q"
	$EXPECT '[(q["kind"], q["speaker"]["text"]) for q in doc["quotes"] if q["kind"] == "pull"] == [("pull", "Marthe Bellanger")]' "$TMP/q"
	# a pull quote without its final full stop
	norm_text "La piscine rouvre$P\n« Un bassin pour tous les enfants du canton »\nMarthe Bellanger\n\nLa suite du chantier est prévue en mai, selon la mairie du village.\n"
	$EXPECT 'kinds(doc)[2:4] == ["pullquote", "speaker-name"]' "$TMP/out"
}

t_furniture_caption_with_bracketed_credit() {
	# a photo's caption inside the article, ending in its credit between
	# brackets (agency / photographer), is a caption wherever it stands;
	# a paragraph ending in brackets of prose is not; and the caption's
	# verb gives the quote that opens the next paragraph no speaker
	printf '%s' 'La grève s'\''étend

Les dockers ont cessé le travail mardi matin dans trois ports de la façade atlantique.

Maud Lérins, secrétaire du syndicat, lors du rassemblement de mardi où les dockers sont venus réclamer des « hausses de salaire ». ( AFP / Paul VERNEY )

« Nous tiendrons aussi longtemps qu'\''il le faudra. » Sur les quais, personne ne parle de reprise.

Le trafic reprendra selon la direction (ou du moins elle le dit).
' | "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "caption", "credit", "paragraph", "paragraph"]' "$TMP/out"
	$EXPECT '[doc["text"][b["start"]:b["end"]] for b in doc["blocks"] if b["kind"] == "credit"] == ["( AFP / Paul VERNEY )"]' "$TMP/out"
	"$BIN/kz-tag" < "$TMP/out" | "$BIN/kz-quotes" > "$TMP/q"
	$EXPECT '[q["text"][:9] for q in doc["quotes"]] == ["hausses d", "Nous tien"] and doc["quotes"][1].get("cue") is None' "$TMP/q"
}

t_furniture_newsletter_box_is_residue() {
	# what the site tells its reader about its newsletter, inside a line
	# that starts with the outlet's name, is residue; its quoted rubric
	# is no quote
	printf '%s' 'La piscine rouvre

La mairie a voté hier le budget de la piscine, après un long débat.

Radio Valbonne utilise votre adresse e-mail afin de vous envoyer la newsletter "Vie locale". Vous pouvez vous désinscrire à tout moment.

Les travaux commenceront en juin, selon l'\''adjointe aux sports.
' | "$BIN/kz-normalize" > "$TMP/out"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "boilerplate", "paragraph"]' "$TMP/out"
}

t_furniture_rubric_above_the_title() {
	# the page's rubric ("Sport | Voile") above the title is residue and
	# the next line is the title; a title with its outlet after a pipe
	# stays the title
	norm_text "Sport | Voile\nLa skippeuse bretonne franchit la ligne en tête après douze jours de course$P"
	$EXPECT 'kinds(doc) == ["rubric", "title", "paragraph"]' "$TMP/out"
	norm_text "La piscine rouvre | AFP\nLa mairie a voté hier le budget de la piscine, après un long débat qui a duré.\n"
	$EXPECT 'kinds(doc)[0] == "title"' "$TMP/out"
}
