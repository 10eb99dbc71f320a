# End-to-end tests of the gazetteer importers (tools/kz-import-geonames,
# tools/kz-import-wikidata; docs/importers.md). Sourced by tests/e2e/run.sh:
# each t_import_* function runs with `set -e` in a subshell, with $BIN,
# $TMP, $EXPECT, $KZ_DATA and expect_eq from there. The samples are in
# tests/import/ (written by hand in the GeoNames and Wikidata formats).

IMPORT_TOOLS=$(cd "$HERE/../../tools" && pwd)
IMPORT_SAMPLES=$(cd "$HERE/../import" && pwd)
# the streaming test prints its memory figure on the suite's own output
exec 9>&1

geonames() { "$IMPORT_TOOLS/kz-import-geonames" "$@"; }
wikidata() { "$IMPORT_TOOLS/kz-import-wikidata" "$@"; }

# tag_json DIR DATE TEXT: kz-tag with the gazetteer folder DIR on one record
tag_json() {
	python3 -c 'import json, sys; print(json.dumps({"id": "t", "date": sys.argv[1], "text": "Titre\n\n" + sys.argv[2]}))' "$2" "$3" |
		"$BIN/kz-tag" --gazetteers "$1"
}

# absent PATTERN FILE: fails when FILE has a line matching PATTERN
# (a bare `! grep` would not stop a `set -e` test)
absent() {
	if grep -q -- "$1" "$2"; then
		echo "unexpected match for '$1' in $2:"
		grep -- "$1" "$2"
		return 1
	fi
}

# a copy of the data folder (gazetteers/ and rules/) to import into
data_copy() {
	mkdir -p "$1"
	cp -r "$KZ_DATA/gazetteers" "$KZ_DATA/rules" "$1/"
}

# check_gazetteers ROOT: tools/check-gazetteers.py --strict, when PyYAML is here
check_gazetteers() {
	if python3 -c 'import yaml' 2>/dev/null; then
		python3 "$IMPORT_TOOLS/check-gazetteers.py" --strict --quiet "$1"
	else
		echo "PyYAML missing: check-gazetteers.py skipped"
	fi
}

t_import_help() {
	for p in "$IMPORT_TOOLS/kz-import-geonames" "$IMPORT_TOOLS/kz-import-wikidata"; do
		"$p" --help > "$TMP/help"
		grep -q '^Usage: ' "$TMP/help"
		grep -q '^Exit status' "$TMP/help"
		grep -q '^Examples:' "$TMP/help"
		set +e
		"$p" --no-such-option 2> "$TMP/err" < /dev/null; rc=$?
		"$p" < /dev/null 2> /dev/null; rc2=$?
		set -e
		expect_eq "$p bad option exit" "$rc" 64
		expect_eq "$p no input exit" "$rc2" 64
		grep -q 'unrecognized arguments: --no-such-option' "$TMP/err"
	done
}

# ---------------------------------------------------------------- GeoNames

t_import_geonames_tagged() {
	mkdir -p "$TMP/gz"
	geonames --no-existing -a "$IMPORT_SAMPLES/alternateNamesV2-sample.txt" \
		-o "$TMP/gz/cities.yaml" "$IMPORT_SAMPLES/cities-sample.txt" 2> "$TMP/err"
	expect_eq summary "$(cat "$TMP/err")" "kz-import-geonames: 9 cities written to $TMP/gz/cities.yaml (9 city lines, 34 alternate names read, 9 kept; 0 already in the gazetteers; 0 errors)"
	# French names, Wikidata ids from the wkdt rows, historic names with dates
	grep -q '^- id: "moscou-ru"$' "$TMP/gz/cities.yaml"
	grep -q '^  wikidata: "Q1520"$' "$TMP/gz/cities.yaml"
	grep -qF -- '- {name: "Nour-Soultan", from: "2019-03-23", to: "2022-09-17"}' "$TMP/gz/cities.yaml"
	grep -qF -- '- {name: "Verny", from: "1855", to: "1921"}' "$TMP/gz/cities.yaml"
	# no Cyrillic, no codes (ALA, iata) nor links among the variants
	absent 'Алматы\|"ALA"\|http' "$TMP/gz/cities.yaml"
	# two cities named Aksu: the bigger one is Aksou (its French name), the
	# other keeps the plain slug
	grep -q '^- id: "aksou-kz"$' "$TMP/gz/cities.yaml"
	grep -q '^- id: "aksu-kz"$' "$TMP/gz/cities.yaml"
	tag_json "$TMP/gz" 2021-01-01 "À Almaty, l'ancienne Alma-Ata, et à Nour-Soultan, ex-Tselinograd, puis à Chymkent (Shymkent) et Aksou." > "$TMP/out"
	$EXPECT '[(e["text"], e["ref"]) for e in doc["entities"]] == [("Almaty", "almaty-kz"), ("Alma-Ata", "almaty-kz"), ("Nour-Soultan", "astana-kz"), ("Tselinograd", "astana-kz"), ("Chymkent", "chymkent-kz"), ("Shymkent", "chymkent-kz"), ("Aksou", "aksou-kz")]' "$TMP/out"
	$EXPECT 'all(e["type"] == "LOC" and e["via"] == "gazetteer" for e in doc["entities"])' "$TMP/out"
}

t_import_geonames_without_alternates() {
	geonames -q --no-existing "$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/cities.yaml"
	# the GeoNames name, and the Latin names of the alternatenames column
	grep -q '^- id: "moscow-ru"$' "$TMP/cities.yaml"
	grep -qF 'variants: ["Maskva", "Moscou", "Moscu", "Moskau", "Moskou", "Moskva", "Moskwa", "Mosca"]' "$TMP/cities.yaml"
	# a name with a common noun ("Ekibastuz qalasy") is no variant
	absent 'qalasy' "$TMP/cities.yaml"
	grep -q '^- id: "aksu-kz-9900001"$' "$TMP/cities.yaml"
	geonames -q --no-existing --max-variants 2 "$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/cities.yaml"
	grep -qF 'variants: ["Maskva", "Moscou"]' "$TMP/cities.yaml"
}

t_import_geonames_filters() {
	geonames -q --no-existing --min-population 100000 "$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/out.yaml"
	expect_eq "big cities" "$(grep -c '^- id:' "$TMP/out.yaml")" 5
	absent 'stepnogorsk\|aksu\|petit-village' "$TMP/out.yaml"
	geonames -q --no-existing --countries ru,fr --feature-codes PPLC "$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/out.yaml"
	expect_eq "capitals of RU and FR" "$(grep '^- id:' "$TMP/out.yaml")" '- id: "moscow-ru"'
	geonames -q --no-existing --prefix gn --countries FR "$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/out.yaml"
	expect_eq "prefix" "$(grep '^- id:' "$TMP/out.yaml")" '- id: "gn-petit-village-fr"'
}

t_import_geonames_into_gazetteers() {
	data_copy "$TMP/data"
	geonames -a "$IMPORT_SAMPLES/alternateNamesV2-sample.txt" --gazetteers "$TMP/data/gazetteers" \
		-o "$TMP/data/gazetteers/zz-cities.yaml" "$IMPORT_SAMPLES/cities-sample.txt" 2> "$TMP/err"
	grep -q '; 4 already in the gazetteers; 0 errors)$' "$TMP/err"
	# Moscou, Almaty, Astana, Chymkent are in places.yaml: not written again
	expect_eq ids "$(grep '^- id:' "$TMP/data/gazetteers/zz-cities.yaml" | tr '\n' ' ')" '- id: "ekibastouz-kz" - id: "stepnogorsk-kz" - id: "aksou-kz" - id: "aksu-kz" - id: "petit-village-fr" '
	check_gazetteers "$TMP/data"
	tag_json "$TMP/data/gazetteers" 2021-01-01 "Entre Almaty et Ekibastouz." > "$TMP/out"
	$EXPECT '[(e["text"], e["ref"]) for e in doc["entities"]] == [("Almaty", "almaty"), ("Ekibastouz", "ekibastouz-kz")]' "$TMP/out"
	# rerun onto its own output: that file does not count as existing
	geonames -q -a "$IMPORT_SAMPLES/alternateNamesV2-sample.txt" --gazetteers "$TMP/data/gazetteers" \
		-o "$TMP/data/gazetteers/zz-cities.yaml" "$IMPORT_SAMPLES/cities-sample.txt"
	expect_eq "same ids again" "$(grep -c '^- id:' "$TMP/data/gazetteers/zz-cities.yaml")" 5
	# --replace: the cities already there come out under their own ids
	geonames -q --replace -a "$IMPORT_SAMPLES/alternateNamesV2-sample.txt" --gazetteers "$KZ_DATA/gazetteers" \
		"$IMPORT_SAMPLES/cities-sample.txt" > "$TMP/replace.yaml"
	grep -q '^- id: "almaty"$' "$TMP/replace.yaml"
	grep -q '^- id: "moscou"$' "$TMP/replace.yaml"
}

t_import_geonames_malformed() {
	cd "$IMPORT_SAMPLES"
	set +e
	geonames --no-existing cities-malformed.txt > "$TMP/out.yaml" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq messages "$(cat "$TMP/err")" "kz-import-geonames: cities-malformed.txt:2: expected the 19 tab-separated columns of a GeoNames cities file, got 9
kz-import-geonames: cities-malformed.txt:3: population 'beaucoup' is not a number
kz-import-geonames: 2 cities written to stdout (4 city lines read, 2 kept; 0 already in the gazetteers; 2 errors)"
	# the good lines are imported all the same
	expect_eq ids "$(grep '^- id:' "$TMP/out.yaml" | tr '\n' ' ')" '- id: "almaty-kz" - id: "ekibastuz-kz" '
	set +e
	geonames --no-existing -o "$TMP/never.yaml" no-such-file.txt 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq "missing file exit" "$rc" 66
	expect_eq message "$(cat "$TMP/err")" "kz-import-geonames: cannot open no-such-file.txt: No such file or directory"
	[ ! -e "$TMP/never.yaml" ]
}

# ---------------------------------------------------------------- Wikidata

t_import_wikidata_roles() {
	# the import alone, with the countries (for the demonyms of role phrases)
	mkdir -p "$TMP/gz"
	cp "$KZ_DATA/gazetteers/countries.yaml" "$TMP/gz/"
	wikidata --no-existing --orgs --positions "$IMPORT_SAMPLES/positions-sample.yaml" \
		-o "$TMP/gz/wikidata.yaml" "$IMPORT_SAMPLES/wikidata-sample.json" 2> "$TMP/err"
	expect_eq summary "$(cat "$TMP/err")" "kz-import-wikidata: 6 persons (6 with roles, 11 roles), 1 organisations, 0 places written to $TMP/gz/wikidata.yaml; 21 lines, 19 entities read; 1 without a French label; 1 roles unmapped; 1 roles without a usable end; unmapped positions: Q900000099 (1); 0 errors"
	grep -qF -- '- {title: "président", of: "RU", from: "2000-05-07", to: "2008-05-07"}' "$TMP/gz/wikidata.yaml"
	# month and year precision; the P642 qualifier gives `of`
	grep -qF -- '- {title: "ministre des affaires étrangères", of: "KZ", from: "2021-06-01", to: "2023"}' "$TMP/gz/wikidata.yaml"
	# no end date: ended at the date of death (P570)
	grep -qF -- '- {title: "ministre des affaires étrangères", of: "KZ", from: "2010-01-01", to: "2014-05-01"}' "$TMP/gz/wikidata.yaml"
	# an organisation imported from the dump is what a role is of
	grep -qF -- '- {title: "secrétaire général", of: "organisation-de-cooperation-des-exemples", from: "2020-01-01"}' "$TMP/gz/wikidata.yaml"
	grep -qF 'acronyms: ["OCE"]' "$TMP/gz/wikidata.yaml"
	# the deprecated statement, the Cyrillic and lower-case aliases are left out
	absent '1990-01-01\|Путин\|"poutine"' "$TMP/gz/wikidata.yaml"
	text="Le président russe a reçu le Premier ministre russe. La cheffe de la diplomatie kazakhe et le secrétaire général de l'OCE étaient là. Poutine a parlé avec Dmitri Medvedev."
	tag_json "$TMP/gz" 2010-06-01 "$text" > "$TMP/out"
	$EXPECT '[(m["text"], m["ref"]) for m in doc["mentions"]] == [("Le président russe", "dmitri-medvedev"), ("le Premier ministre russe", "vladimir-poutine"), ("La cheffe de la diplomatie kazakhe", "aigerim-exemplbek"), ("le secrétaire général de l'"'"'OCE", None)]' "$TMP/out"
	$EXPECT '[(e["text"], e["ref"]) for e in doc["entities"]] == [("OCE", "organisation-de-cooperation-des-exemples"), ("Poutine", "vladimir-poutine"), ("Dmitri Medvedev", "dmitri-medvedev")]' "$TMP/out"
	tag_json "$TMP/gz" 2022-06-01 "$text" > "$TMP/out"
	$EXPECT '[(m["text"], m["ref"]) for m in doc["mentions"]] == [("Le président russe", "vladimir-poutine"), ("le Premier ministre russe", None), ("La cheffe de la diplomatie kazakhe", "marta-exemplova"), ("le secrétaire général de l'"'"'OCE", "karl-testmann")]' "$TMP/out"
	$EXPECT '[m["canonical"] for m in doc["mentions"] if m["ref"]] == ["Vladimir Poutine", "Marta Exemplova", "Karl Testmann"]' "$TMP/out"
}

t_import_wikidata_builtin_positions() {
	# without --positions only the built-in ones: Q218295, President of Russia
	wikidata -q --no-existing --require-roles "$IMPORT_SAMPLES/wikidata-sample.json" > "$TMP/out.yaml"
	expect_eq persons "$(grep '^- id:' "$TMP/out.yaml" | tr '\n' ' ')" '- id: "vladimir-poutine" - id: "dmitri-medvedev" '
	# --since leaves out the roles that ended before
	wikidata -q --no-existing --require-roles --since 2010 "$IMPORT_SAMPLES/wikidata-sample.json" > "$TMP/out.yaml"
	expect_eq "roles since 2010" "$(grep -c 'title:' "$TMP/out.yaml")" 2
}

t_import_wikidata_into_gazetteers() {
	data_copy "$TMP/data"
	wikidata --orgs --places --positions "$IMPORT_SAMPLES/positions-sample.yaml" \
		--gazetteers "$TMP/data/gazetteers" -o "$TMP/data/gazetteers/zz-wikidata.yaml" \
		"$IMPORT_SAMPLES/wikidata-sample.json" 2> "$TMP/err"
	# Poutine, Medvedev, Tokaïev, Russia, Kazakhstan, Almaty are there already
	grep -q '; 6 already in the gazetteers;' "$TMP/err"
	expect_eq ids "$(grep '^- id:' "$TMP/data/gazetteers/zz-wikidata.yaml" | tr '\n' ' ')" '- id: "organisation-de-cooperation-des-exemples" - id: "villexemple" - id: "marta-exemplova" - id: "aigerim-exemplbek" - id: "karl-testmann" '
	check_gazetteers "$TMP/data"
	tag_json "$TMP/data/gazetteers" 2022-06-01 "La cheffe de la diplomatie kazakhe est arrivée à Villexemple avec le président kazakh." > "$TMP/out"
	$EXPECT '[(m["text"], m["ref"]) for m in doc["mentions"]] == [("La cheffe de la diplomatie kazakhe", "marta-exemplova"), ("le président kazakh", "kassym-jomart-tokaiev")]' "$TMP/out"
	$EXPECT '[(e["text"], e["ref"]) for e in doc["entities"]] == [("Villexemple", "villexemple")]' "$TMP/out"
	# --replace: the ones already there come out under their own ids
	wikidata -q --replace --gazetteers "$KZ_DATA/gazetteers" "$IMPORT_SAMPLES/wikidata-sample.json" > "$TMP/replace.yaml"
	grep -q '^- id: "vladimir-poutine"$' "$TMP/replace.yaml"
	grep -q '^- id: "kassym-jomart-tokaiev"$' "$TMP/replace.yaml"
	# --prefix
	wikidata -q --no-existing --prefix wd "$IMPORT_SAMPLES/wikidata-sample.json" > "$TMP/prefix.yaml"
	grep -q '^- id: "wd-dmitri-medvedev"$' "$TMP/prefix.yaml"
}

t_import_wikidata_malformed() {
	cd "$IMPORT_SAMPLES"
	set +e
	wikidata --no-existing --positions positions-sample.yaml wikidata-malformed.jsonl > "$TMP/out.yaml" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 65
	expect_eq messages "$(cat "$TMP/err")" 'kz-import-wikidata: wikidata-malformed.jsonl:2: not a JSON entity: a line of the dump is one {...} object (with or without a trailing comma)
kz-import-wikidata: wikidata-malformed.jsonl:3: entity Q900000006: a snak is not an object: "Q5"
kz-import-wikidata: wikidata-malformed.jsonl:4:56: not valid JSON: Expecting value
kz-import-wikidata: 1 persons (1 with roles, 1 roles), 0 organisations, 0 places written to stdout; 5 lines, 4 entities read; 1 roles without of; positions without of: Q900000030 (1); 3 errors'
	# the good lines are imported all the same
	grep -q '^- id: "dmitri-medvedev"$' "$TMP/out.yaml"
	# --max-errors 1
	set +e
	wikidata -q --no-existing --max-errors 1 wikidata-malformed.jsonl > /dev/null 2> "$TMP/err"
	set -e
	expect_eq "one message" "$(cat "$TMP/err")" 'kz-import-wikidata: wikidata-malformed.jsonl:2: not a JSON entity: a line of the dump is one {...} object (with or without a trailing comma)
kz-import-wikidata: more errors: only the first 1 are shown'
}

t_import_wikidata_bad_mapping_files() {
	printf 'Q218295: {title: président}\nQ11696: {title: président, colour: bleu}\n' > "$TMP/pos.yaml"
	set +e
	wikidata --positions "$TMP/pos.yaml" -o "$TMP/never.yaml" "$IMPORT_SAMPLES/wikidata-sample.json" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	expect_eq message "$(cat "$TMP/err")" "kz-import-wikidata: $TMP/pos.yaml:2: Q11696: unknown key 'colour' (title, of, note)"
	[ ! -e "$TMP/never.yaml" ]
	printf 'Q159: RU\nQ232 KZ\nQ30: États-Unis\n' > "$TMP/countries.txt"
	set +e
	wikidata --countries "$TMP/countries.txt" "$IMPORT_SAMPLES/wikidata-sample.json" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	expect_eq message "$(cat "$TMP/err")" "kz-import-wikidata: $TMP/countries.txt:3: expected 'Q159: RU', got 'Q30': 'États-Unis'"
	# a good --countries file wins over the dump: Russia becomes XX here
	printf '{"Q159": "XX"}\n' > "$TMP/countries.json"
	wikidata -q --no-existing --countries "$TMP/countries.json" "$IMPORT_SAMPLES/wikidata-sample.json" > "$TMP/out.yaml"
	grep -q '^  nationality: "XX"$' "$TMP/out.yaml"
}

t_import_wikidata_compressed_and_stdin() {
	# compressed with Python's modules: the bzip2 program may not be installed
	python3 -c 'import bz2, gzip, shutil, sys
for mod, suffix in ((gzip, ".gz"), (bz2, ".bz2")):
    with open(sys.argv[1], "rb") as i, mod.open(sys.argv[2] + suffix, "wb") as o:
        shutil.copyfileobj(i, o)' "$IMPORT_SAMPLES/wikidata-sample.json" "$TMP/dump.json"
	wikidata -q --no-existing "$IMPORT_SAMPLES/wikidata-sample.json" | grep -v '^#' > "$TMP/plain.yaml"
	wikidata -q --no-existing "$TMP/dump.json.gz" | grep -v '^#' > "$TMP/gz.yaml"
	wikidata -q --no-existing "$TMP/dump.json.bz2" | grep -v '^#' > "$TMP/bz2.yaml"
	python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), sys.stdout.buffer)' "$TMP/dump.json.gz" |
		wikidata -q --no-existing - | grep -v '^#' > "$TMP/stdin.yaml"
	cmp "$TMP/plain.yaml" "$TMP/gz.yaml"
	cmp "$TMP/plain.yaml" "$TMP/bz2.yaml"
	cmp "$TMP/plain.yaml" "$TMP/stdin.yaml"
	grep -q '^- id: "vladimir-poutine"$' "$TMP/plain.yaml"
	# plain JSON Lines (no array, no commas) too
	grep '^{' "$IMPORT_SAMPLES/wikidata-sample.json" | sed 's/,$//' > "$TMP/dump.jsonl"
	wikidata -q --no-existing "$TMP/dump.jsonl" | grep -v '^#' > "$TMP/jsonl.yaml"
	cmp "$TMP/plain.yaml" "$TMP/jsonl.yaml"
}

t_import_yaml_quoting() {
	# names that plain YAML would misread come back as written, in kz-tag
	# and in PyYAML
	python3 - "$TMP/odd.jsonl" <<'EOF'
import json, sys
names = ['Groupe "Alpha": 50 - oui', "Null", "- Tiret #1", "Yes Oui", "Barre \\ Oblique", "L’Apostrophe & Cie", "{Accolade} [Crochet]"]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i, n in enumerate(names):
        f.write(json.dumps({"type": "item", "id": "Q9%05d" % i, "labels": {"fr": {"language": "fr", "value": n}},
                            "claims": {"P31": [{"mainsnak": {"snaktype": "value", "property": "P31",
                                       "datavalue": {"value": {"id": "Q43229"}, "type": "wikibase-entityid"}},
                                       "rank": "normal"}]}}, ensure_ascii=False) + "\n")
EOF
	mkdir -p "$TMP/gz"
	wikidata -q --no-existing --no-persons --orgs -o "$TMP/gz/odd.yaml" "$TMP/odd.jsonl"
	expect_eq entries "$(grep -c '^- id:' "$TMP/gz/odd.yaml")" 7
	tag_json "$TMP/gz" 2022-01-01 "Selon L’Apostrophe & Cie et Yes Oui." > "$TMP/out"
	$EXPECT '[e["ref"] for e in doc["entities"]] == ["l-apostrophe-cie", "yes-oui"]' "$TMP/out"
	if python3 -c 'import yaml' 2>/dev/null; then
		python3 -c 'import sys, yaml; names = [e["name"] for e in yaml.safe_load(open(sys.argv[1], encoding="utf-8"))]; assert names == ["Groupe \"Alpha\": 50 - oui", "Null", "- Tiret #1", "Yes Oui", "Barre \\ Oblique", "L’Apostrophe & Cie", "{Accolade} [Crochet]"], names' "$TMP/gz/odd.yaml"
	fi
}

t_import_wikidata_streaming() {
	# 200,000 small entities (a quarter of them persons with a role): the
	# importer's peak memory must stay bounded (a generous bound; the figure
	# is printed, nothing is asserted on time)
	python3 - "$TMP/big.json" <<'EOF'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    w = f.write
    w("[\n")
    w('{"type":"item","id":"Q159","labels":{"fr":{"language":"fr","value":"Russie"}},"claims":{"P297":[{"mainsnak":{"snaktype":"value","property":"P297","datavalue":{"value":"RU","type":"string"}},"rank":"normal"}]}},\n')
    for i in range(1, 200001):
        q = 1000000 + i
        if i % 4:
            w('{"type":"item","id":"Q%d","labels":{"fr":{"language":"fr","value":"Chose %d"}},"claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"id":"Q%d"},"type":"wikibase-entityid"}},"rank":"normal"}]}},\n' % (q, i, 10 + i % 7))
        else:
            w('{"type":"item","id":"Q%d","labels":{"fr":{"language":"fr","value":"Personne Numéro%d"}},"aliases":{"fr":[{"language":"fr","value":"Numéro%d"}]},"claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"id":"Q5"},"type":"wikibase-entityid"}},"rank":"normal"}],"P27":[{"mainsnak":{"snaktype":"value","property":"P27","datavalue":{"value":{"id":"Q159"},"type":"wikibase-entityid"}},"rank":"normal"}],"P39":[{"mainsnak":{"snaktype":"value","property":"P39","datavalue":{"value":{"id":"Q218295"},"type":"wikibase-entityid"}},"rank":"normal","qualifiers":{"P580":[{"snaktype":"value","property":"P580","datavalue":{"value":{"time":"+2001-02-03T00:00:00Z","precision":11},"type":"time"}}]}}]}},\n' % (q, i, i))
    w('{"type":"item","id":"Q9","labels":{},"claims":{}}\n]\n')
EOF
	if [ -x /usr/bin/time ] && /usr/bin/time -v true > /dev/null 2>&1; then
		/usr/bin/time -v -o "$TMP/time" "$IMPORT_TOOLS/kz-import-wikidata" --no-existing \
			-o "$TMP/big.yaml" "$TMP/big.json" 2> "$TMP/err"
		kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$TMP/time")
	else
		# ru_maxrss of the waited-for children, in kB on Linux
		kb=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True, stderr=open(sys.argv[1], "w"))
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' \
			"$TMP/err" "$IMPORT_TOOLS/kz-import-wikidata" --no-existing -o "$TMP/big.yaml" "$TMP/big.json")
	fi
	cat "$TMP/err"
	grep -q '^kz-import-wikidata: 50000 persons (50000 with roles, 50000 roles), 0 organisations, 0 places written to .*; 200004 lines, 200002 entities read; 0 errors$' "$TMP/err"
	expect_eq "persons written" "$(grep -c '^- id:' "$TMP/big.yaml")" 50000
	echo "       import_wikidata_streaming: 200,000 entities, peak memory $((kb / 1024)) MB" >&9
	[ "$kb" -gt 0 ] && [ "$kb" -lt 204800 ] || { echo "peak memory ${kb} kB is over 200 MB"; return 1; }
}
