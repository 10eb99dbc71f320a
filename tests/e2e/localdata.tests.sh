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

t_localdata_rules_file_replaces_the_shipped_one() {
	local_layers
	# a newsroom that wants role-mismatch as a warning
	sed '0,/severity: error/s//severity: warning/' "$KZ_DATA/rules/checks.yaml" > "$TMP/ld.etc/rules/checks.yaml"
	"$BIN/kz-check" --list | grep -q '^role-mismatch *error'
	KZ_SYSCONFDIR="$TMP/ld.etc" "$BIN/kz-check" --list | grep -q '^role-mismatch *warning'
	# the same file in the user's layer wins over /etc/kz
	mkdir -p "$TMP/ld.xdg/kz/rules"
	cp "$KZ_DATA/rules/checks.yaml" "$TMP/ld.xdg/kz/rules/checks.yaml"
	KZ_SYSCONFDIR="$TMP/ld.etc" XDG_CONFIG_HOME="$TMP/ld.xdg" "$BIN/kz-check" --list | grep -q '^role-mismatch *error'
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
	grep -qxF "rules/quotes.yaml	user	$TMP/ld.xdg/kz/rules/quotes.yaml" "$TMP/ld.pd"
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
