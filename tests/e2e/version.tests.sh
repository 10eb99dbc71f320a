# --version everywhere, and the `producer` entries of the records
# (issue 18): which kz and which data snapshot made a record.

t_version_same_everywhere() {
	local first="" v
	for p in "$BIN"/kz-*; do
		name=$(basename "$p")
		"$p" --version > "$TMP/v.first" || { echo "$name --version failed"; return 1; }
		v=$(head -n 1 "$TMP/v.first")
		case "$v" in
		"$name (kz) "?*) ;;
		*) echo "$name: first line [$v]"; return 1 ;;
		esac
		v=${v#"$name (kz) "}
		[ -z "$first" ] && first=$v
		expect_eq "$name version" "$v" "$first"
	done
	# the programs that load data say which snapshot, from where
	for p in kz-normalize kz-tag kz-quotes kz-check kz-run; do
		"$BIN/$p" --version | sed -n 2p > "$TMP/v.data"
		grep -Eq "^data [0-9a-f]{16} " "$TMP/v.data" || { echo "$p: [$(cat "$TMP/v.data")]"; return 1; }
	done
}

t_version_in_every_record() {
	printf 'Titre\n\nLe maire a dit : « Nous verrons. »\n' > "$TMP/v.a.txt"
	"$BIN/kz-normalize" "$TMP/v.a.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
	    "$BIN/kz-check" > "$TMP/v.out"
	for p in kz-normalize kz-tag kz-quotes kz-check; do
		"$BIN/$p" --version > "$TMP/v.$p"
	done
	# one entry a stage, in the order they ran, each what --version said
	for p in kz-normalize kz-tag kz-quotes kz-check; do
		v=$(sed -n "1s/^$p (kz) //p" "$TMP/v.$p")
		d=$(sed -n "2s/^data \([0-9a-f]*\) .*/\1/p" "$TMP/v.$p")
		echo "$p $v $d"
	done > "$TMP/v.want"
	$EXPECT "[' '.join((p['program'], p['version'], p['data'])) for p in doc['producer']] == open('$TMP/v.want').read().splitlines()" "$TMP/v.out"
	# JSON Lines into kz-normalize get theirs too, the stage after adds on
	printf '{"id": "x", "text": "Un texte."}\n' | "$BIN/kz-normalize" | "$BIN/kz-tag" > "$TMP/v.out2"
	$EXPECT '[p["program"] for p in doc["producer"]] == ["kz-normalize", "kz-tag"]' "$TMP/v.out2"
}

t_version_data_snapshot_follows_the_data() {
	rm -rf "$TMP/vdata"
	mkdir -p "$TMP/vdata"
	cp -r "$KZ_DATA/rules" "$KZ_DATA/gazetteers" "$TMP/vdata/"
	a=$("$BIN/kz-tag" --data "$TMP/vdata" --version | sed -n 2p | cut -d' ' -f2)
	b=$("$BIN/kz-tag" --version | sed -n 2p | cut -d' ' -f2)
	# the same files elsewhere: the same snapshot
	expect_eq "copied data" "$a" "$b"
	printf '\n# a local edit\n' >> "$TMP/vdata/gazetteers/places.yaml"
	c=$("$BIN/kz-tag" --data "$TMP/vdata" --version | sed -n 2p | cut -d' ' -f2)
	[ "$c" != "$a" ] || { echo "edited gazetteer, same snapshot $c"; return 1; }
	# kz-normalize does not load gazetteers: its snapshot stays
	expect_eq "normalize" "$("$BIN/kz-normalize" --data "$TMP/vdata" --version | sed -n 2p | cut -d' ' -f2)" \
	    "$("$BIN/kz-normalize" --version | sed -n 2p | cut -d' ' -f2)"
	printf 'Titre\n\nUn texte.\n' | "$BIN/kz-normalize" | "$BIN/kz-tag" --data "$TMP/vdata" > "$TMP/v.out"
	$EXPECT "doc['producer'][1]['data'] == '$c'" "$TMP/v.out"
}
