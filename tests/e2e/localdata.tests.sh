# Local data (issue 18): gazetteers and rules in $XDG_CONFIG_HOME/kz and
# /etc/kz (KZ_SYSCONFDIR in tests) add to or override the shipped ones;
# --data DIR is all there is; --print-data says what is loaded from where.

# an article naming one person no gazetteer knows, and one by a variant a
# local entry adds to a shipped id
local_article() {
	printf 'Titre\n\nOdile Fictive et Brigitte Trogneux ont parlé.\n' > "$TMP/la.txt"
	"$BIN/kz-normalize" "$TMP/la.txt" > "$TMP/la.jsonl"
}

local_layers() {
	rm -rf "$TMP/ld.etc" "$TMP/ld.xdg"
	mkdir -p "$TMP/ld.etc/gazetteers" "$TMP/ld.etc/rules" "$TMP/ld.xdg/kz/gazetteers"
	cat > "$TMP/ld.etc/gazetteers/newsroom.yaml" <<'YAML'
- id: odile-fictive
  type: PER
  name: Odile Fictive
  gender: f
  variants: [Odile F.]
YAML
	cat > "$TMP/ld.xdg/kz/gazetteers/mine.yaml" <<'YAML'
- id: brigitte-macron
  type: PER
  name: Brigitte Macron
  gender: f
  variants: [Brigitte Trogneux]
- id: odile-fictive
  type: PER
  name: Odile Fictive-Martin
  gender: f
  variants: [Odile Fictive]
YAML
}

t_localdata_adds_and_overrides_by_id() {
	local_article
	local_layers
	# without local data: both found by rule, neither by the gazetteer
	"$BIN/kz-tag" < "$TMP/la.jsonl" > "$TMP/ld.out"
	$EXPECT '[e["via"] for e in doc["entities"]] == ["rule", "rule"]' "$TMP/ld.out"
	# /etc/kz alone adds Odile Fictive
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-tag" < "$TMP/la.jsonl" > "$TMP/ld.out"
	$EXPECT '[(e["text"], e["canonical"], e["via"]) for e in doc["entities"]][0] == ("Odile Fictive", "Odile Fictive", "gazetteer")' "$TMP/ld.out"
	# XDG over /etc over shipped: its odile-fictive wins, and its
	# brigitte-macron replaces the shipped one (which lacks the variant)
	KZ_SYSCONFDIR="$TMP/ld.etc" XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-tag" < "$TMP/la.jsonl" > "$TMP/ld.out"
	$EXPECT '[(e["text"], e["canonical"], e["via"]) for e in doc["entities"]] == [("Odile Fictive", "Odile Fictive-Martin", "gazetteer"), ("Brigitte Trogneux", "Brigitte Macron", "gazetteer")]' "$TMP/ld.out"
	# HOME/.config/kz when XDG_CONFIG_HOME is not set
	mkdir -p "$TMP/ld.home/.config"
	cp -r "$TMP/ld.xdg/kz" "$TMP/ld.home/.config/"
	env -u XDG_CONFIG_HOME HOME="$TMP/ld.home" "$BIN/kz-tag" < "$TMP/la.jsonl" > "$TMP/ld.out"
	$EXPECT 'doc["entities"][1]["canonical"] == "Brigitte Macron"' "$TMP/ld.out"
	# --data DIR: that folder only, the local layers are not read
	KZ_SYSCONFDIR="$TMP/ld.etc" XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-tag" --data "$KZ_DATA" < "$TMP/la.jsonl" > "$TMP/ld.out"
	$EXPECT '[e["via"] for e in doc["entities"]] == ["rule", "rule"]' "$TMP/ld.out"
	# kz-quotes and kz-check read the same gazetteers: the speaker is the
	# local entry
	printf 'Titre\n\n« Nous verrons », a déclaré Odile Fictive.\n' |
	    "$BIN/kz-normalize" | XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-tag" |
	    XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-quotes" > "$TMP/ld.out"
	$EXPECT 'doc["quotes"][0]["speaker"]["name"] == "Odile Fictive-Martin"' "$TMP/ld.out"
}

t_localdata_one_layer_still_refuses_a_duplicate_id() {
	local_article
	local_layers
	cp "$TMP/ld.xdg/kz/gazetteers/mine.yaml" "$TMP/ld.xdg/kz/gazetteers/mine2.yaml"
	set +e
	XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-tag" < "$TMP/la.jsonl" > /dev/null 2> "$TMP/ld.err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "duplicate id 'brigitte-macron'" "$TMP/ld.err"
}

# an article with four flags of four checks (docs/kz-check.md's)
local_flagged_article() {
	printf 'Titre\n\nLe président kazakh Emmanuel Macron a parlé. L’attaque a fait 164 morts, à Dniepropetrovsk. Les secours comptent 146 morts dans la soirée.\n\n« Nous ne céderons pas », a déclaré Emmanuel Macron.\n\nNous ne céderons jamais.\nEmmanuel Macron\nPrésident français\n' |
	    "$BIN/kz-normalize" --date 2024-05-28 | "$BIN/kz-tag" | "$BIN/kz-quotes" > "$TMP/lf.jsonl"
}

# "rule:severity ..." of the flags kz-check writes, with the layers of $@
local_flags() {
	env "$@" "$BIN/kz-check" < "$TMP/lf.jsonl" |
	    python3 -c 'import json, sys; print(" ".join("%s:%s" % (f["rule"], f["severity"]) for f in json.load(sys.stdin)["flags"]))'
}

t_localdata_rules_merge_by_id() {
	local_layers
	local_flagged_article
	all='role-mismatch:error misquote:warning anachronism:warning number-inconsistency:warning'
	expect_eq shipped "$(local_flags)" "$all"
	# a newsroom that wants role-mismatch as a warning writes just that:
	# the other checks, and role-mismatch's messages, stay the shipped ones
	printf 'checks:\n  role-mismatch:\n    severity: warning\n' > "$TMP/ld.etc/rules/checks.yaml"
	expect_eq "/etc/kz severity" "$(local_flags KZ_SYSCONFDIR="$TMP/ld.etc")" \
	    'role-mismatch:warning misquote:warning anachronism:warning number-inconsistency:warning'
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --list | grep -q '^role-mismatch *warning'
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --explain role-mismatch | grep -q '^role-mismatch (warning, enabled)'
	# a --rules file is read as it is, with nothing merged over it
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --rules "$KZ_DATA/rules/checks.yaml" --list | grep -q '^role-mismatch *error'
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --rules "$KZ_DATA/rules/checks.yaml" --print-data > "$TMP/ld.pd"
	expect_eq "--rules --print-data" "$(grep -c '^rules/checks.yaml	' "$TMP/ld.pd")" 1
	# the user's layer merges over /etc/kz's: one check off, the severity
	# from /etc/kz kept
	mkdir -p "$TMP/ld.xdg/kz/rules"
	printf 'checks:\n  anachronism: {enabled: false}\n' > "$TMP/ld.xdg/kz/rules/checks.yaml"
	expect_eq "both layers" "$(local_flags KZ_SYSCONFDIR="$TMP/ld.etc" XDG_CONFIG_HOME="$TMP/ld.xdg")" \
	    'role-mismatch:warning misquote:warning number-inconsistency:warning'
	# --data DIR: the local layers are not read
	expect_eq "--data" "$(KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --data "$KZ_DATA" < "$TMP/lf.jsonl" |
	    python3 -c 'import json, sys; print(" ".join("%s:%s" % (f["rule"], f["severity"]) for f in json.load(sys.stdin)["flags"]))')" "$all"
	# lists merge by id in every stage: a speech verb disabled in
	# speech-verbs.yaml, a word added to normalize.yaml's residue
	printf 'Titre\n\n« Nous tiendrons », a martelé Odile Fictive.\n' | "$BIN/kz-normalize" | "$BIN/kz-tag" > "$TMP/lv.jsonl"
	"$BIN/kz-quotes" < "$TMP/lv.jsonl" > "$TMP/lv.out"
	$EXPECT 'doc["quotes"][0]["cue"]["text"] == "a martelé"' "$TMP/lv.out"
	printf 'verbs:\n  - {lemma: marteler, disabled: true}\n' > "$TMP/ld.etc/rules/speech-verbs.yaml"
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-quotes" < "$TMP/lv.jsonl" > "$TMP/lv.out"
	$EXPECT 'doc["quotes"][0].get("cue") is None' "$TMP/lv.out"
	printf 'Titre\n\nVotre avis nous intéresse\n\nUn paragraphe.\n' > "$TMP/lr.txt"
	"$BIN/kz-normalize" "$TMP/lr.txt" > "$TMP/lr.out"
	$EXPECT '[b["kind"] for b in doc["blocks"]] == ["title", "heading", "paragraph"]' "$TMP/lr.out"
	printf 'boilerplate_lines: [Votre avis nous intéresse]\n' > "$TMP/ld.etc/rules/normalize.yaml"
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-normalize" "$TMP/lr.txt" > "$TMP/lr.out"
	$EXPECT '[b["kind"] for b in doc["blocks"]] == ["title", "boilerplate", "paragraph"]' "$TMP/lr.out"
}

t_localdata_rules_errors_name_the_local_file() {
	local_layers
	printf 'checks:\n  role-mismatch:\n    severity: loud\n' > "$TMP/ld.etc/rules/checks.yaml"
	set +e
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --list > /dev/null 2> "$TMP/ld.err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -qF "$TMP/ld.etc/rules/checks.yaml:3:15: " "$TMP/ld.err"
	printf 'verbs:\n  - {lemma: déclarerr, disabled: true}\n' > "$TMP/ld.etc/rules/speech-verbs.yaml"
	set +e
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-quotes" < /dev/null 2> "$TMP/ld.err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -qF "$TMP/ld.etc/rules/speech-verbs.yaml:2:5: nothing to disable: no entry 'déclarerr'" "$TMP/ld.err"
}

t_localdata_print_data_says_from_where() {
	local_layers
	mkdir -p "$TMP/ld.xdg/kz/rules"
	cp "$KZ_DATA/rules/quotes.yaml" "$TMP/ld.xdg/kz/rules/quotes.yaml"
	KZ_SYSCONFDIR="$TMP/ld.etc" XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-quotes" --print-data > "$TMP/ld.pd"
	grep -qxF "layer	system	$TMP/ld.etc" "$TMP/ld.pd"
	grep -qxF "layer	user	$TMP/ld.xdg/kz" "$TMP/ld.pd"
	grep -qxF "gazetteers/mine.yaml	user	$TMP/ld.xdg/kz/gazetteers/mine.yaml" "$TMP/ld.pd"
	grep -qxF "gazetteers/newsroom.yaml	system	$TMP/ld.etc/gazetteers/newsroom.yaml" "$TMP/ld.pd"
	grep -qE "^rules/quotes.yaml	shipped	.*/rules/quotes.yaml$" "$TMP/ld.pd"
	grep -qxF "rules/quotes.yaml	user	$TMP/ld.xdg/kz/rules/quotes.yaml" "$TMP/ld.pd"
	# in merge order: the shipped file first, the user's over it
	[ "$(grep '^rules/quotes.yaml	' "$TMP/ld.pd" | cut -f2 | tr '\n' ' ')" = "shipped user " ]
	grep -qE "^rules/speech-verbs.yaml	shipped	.*/rules/speech-verbs.yaml$" "$TMP/ld.pd"
	grep -qE "^gazetteers/countries.yaml	shipped	" "$TMP/ld.pd"
	# the other data-reading stages say it too; --rules is an option's
	for p in kz-normalize kz-tag kz-check; do
		"$BIN/$p" --print-data | grep -q "	shipped	"
	done
	"$BIN/kz-check" --rules "$KZ_DATA/rules/checks.yaml" --print-data |
	    grep -qxF "rules/checks.yaml	option	$KZ_DATA/rules/checks.yaml"
	# and the data snapshot follows the local data
	a=$("$BIN/kz-tag" --version | sed -n 2p | cut -d' ' -f2)
	b=$(XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-tag" --version | sed -n 2p | cut -d' ' -f2)
	[ "$a" != "$b" ] || { echo "local gazetteer, same snapshot $a"; return 1; }
}
