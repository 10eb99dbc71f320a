# The rules cache (pipeline/yamlcache.h): parsed rules files kept beside
# the compiled gazetteers, keyed on the file's bytes, so an edit is seen at
# the very next run, a damaged image is parsed again and rewritten, and a
# cache that cannot be written changes nothing. Sourced by tests/e2e/run.sh.

# rc_norm CACHE RULES OUT: kz-normalize the residue fixture with RULES
rc_norm() {
	printf 'Titre\n\nZorglub fantastique du jour, a dit le maire de la ville.\n\nLe ministre a parlé à Moscou hier soir.\n' |
		KZ_CACHE=$1 "$BIN/kz-normalize" --rules "$2" > "$3"
}

t_rulescache_edit_seen_at_next_run() {
	local c=$TMP/rc-edit r=$TMP/rc-edit-rules/normalize.yaml
	mkdir -p "$(dirname "$r")"
	cp "$KZ_DATA/rules/normalize.yaml" "$r"
	rc_norm "$c" "$r" "$TMP/out"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "paragraph"]' "$TMP/out"
	expect_eq "rules images" "$(ls "$c" | grep '^rules-' | sed 's/[0-9a-f]\{16\}/S/')" "rules-S.kzy"
	cp "$c"/rules-*.kzy "$TMP/first.kzy"
	rc_norm "$c" "$r" "$TMP/again"
	cmp "$TMP/out" "$TMP/again"
	cmp "$c"/rules-*.kzy "$TMP/first.kzy"     # read, not rewritten
	# an edit in the same second is seen at once
	sed -i 's/^boilerplate_prefixes:$/&\n  - Zorglub fantastique/' "$r"
	rc_norm "$c" "$r" "$TMP/out"
	$EXPECT 'kinds(doc) == ["title", "boilerplate", "paragraph"]' "$TMP/out"
	# and so is one that keeps the file's size and mtime
	cp -p "$r" "$TMP/stamp"
	sed -i 's/  - Zorglub fantastique/  - Zorglub fantastiqux/' "$r"
	touch -r "$TMP/stamp" "$r"
	expect_eq size "$(stat -c %s "$r")" "$(stat -c %s "$TMP/stamp")"
	rc_norm "$c" "$r" "$TMP/out"
	$EXPECT 'kinds(doc) == ["title", "paragraph", "paragraph"]' "$TMP/out"
	# a broken file is said by the parser, line and column, cache or not
	printf 'boilerplate_prefixes: [\n' >> "$r"
	set +e
	rc_norm "$c" "$r" "$TMP/out" 2> "$TMP/err"
	local rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "^kz-normalize: $r:[0-9]*:[0-9]*: YAML syntax error" "$TMP/err"
}

t_rulescache_damaged_image_rebuilt() {
	local c=$TMP/rc-damage r=$KZ_DATA/rules/normalize.yaml img
	rc_norm off "$r" "$TMP/want"
	rc_norm "$c" "$r" "$TMP/got"
	cmp "$TMP/want" "$TMP/got"
	img=$(ls "$c"/rules-*.kzy)
	cp "$img" "$TMP/good.kzy"
	for damage in truncate flip header line garbage empty; do
		case $damage in
		truncate) head -c 3000 "$TMP/good.kzy" > "$img" ;;
		# one byte in every 1000, past the header
		flip|header) python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for o in (range(20, 40) if sys.argv[2] == "header" else range(100, len(b), 1000)):
    b[o] ^= 0x5a
open(sys.argv[1], "wb").write(b)' "$img" "$damage" ;;
		# the second node's line number: nothing but the checksum sees it
		line) python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[56 + 24 + 8] ^= 1
open(sys.argv[1], "wb").write(b)' "$img" ;;
		garbage) head -c 20000 /dev/urandom > "$img" ;;
		empty) : > "$img" ;;
		esac
		rc_norm "$c" "$r" "$TMP/got"
		cmp "$TMP/want" "$TMP/got" || { echo "$damage: normalized differently"; return 1; }
		cmp "$img" "$TMP/good.kzy" || { echo "$damage: image not rebuilt"; return 1; }
	done
}

t_rulescache_unwritable_changes_nothing() {
	local r=$KZ_DATA/rules/normalize.yaml
	rc_norm off "$r" "$TMP/want"
	: > "$TMP/rc-a-file"
	rc_norm "$TMP/rc-a-file" "$r" "$TMP/got" 2> "$TMP/err"
	cmp "$TMP/want" "$TMP/got"
	expect_eq stderr "$(cat "$TMP/err")" ""
	# a folder it may not write in (root writes anywhere: not tried)
	if [ "$(id -u)" != 0 ]; then
		mkdir -p "$TMP/rc-ro"
		chmod 500 "$TMP/rc-ro"
		rc_norm "$TMP/rc-ro" "$r" "$TMP/got" 2> "$TMP/err"
		chmod 700 "$TMP/rc-ro"
		cmp "$TMP/want" "$TMP/got"
		expect_eq stderr "$(cat "$TMP/err")" ""
	fi
	# the whole pipe, with every rules file from the cache, as without it
	local c=$TMP/rc-pipe
	for i in 1 2; do
		KZ_CACHE=$c "$BIN/kz-normalize" "$FIX/minsk.txt" | KZ_CACHE=$c "$BIN/kz-tag" |
			KZ_CACHE=$c "$BIN/kz-quotes" | KZ_CACHE=$c "$BIN/kz-check" > "$TMP/pipe$i"
	done
	KZ_CACHE=off "$BIN/kz-normalize" "$FIX/minsk.txt" | KZ_CACHE=off "$BIN/kz-tag" |
		KZ_CACHE=off "$BIN/kz-quotes" | KZ_CACHE=off "$BIN/kz-check" > "$TMP/pipe-off"
	cmp "$TMP/pipe1" "$TMP/pipe-off"
	cmp "$TMP/pipe2" "$TMP/pipe-off"
	expect_eq "rules images" "$(ls "$c" | grep -c "^rules-")" 7
}

# A local rules file ($XDG_CONFIG_HOME/kz/rules, docs/gazetteers.md "Local
# data") merged over a shipped one whose tree comes from a warm cache: an
# edit to it is seen at the next run, even one that keeps its size and
# mtime, and the --version data snapshot follows it.
t_rulescache_local_rules_edit_seen_warm() {
	local c=$TMP/rc-local x=$TMP/rc-local-xdg
	local l=$TMP/rc-local-xdg/kz/rules/speech-verbs.yaml
	rm -rf "$c" "$x"
	mkdir -p "$(dirname "$l")"
	printf 'Titre\n\n« Nous tiendrons », a martelé Odile Fictive.\n' |
		"$BIN/kz-normalize" | "$BIN/kz-tag" > "$TMP/rcl.jsonl"
	printf 'verbs:\n  - {lemma: affirmer, disabled: true}\n' > "$l"
	# twice: the second run reads the shipped and the local trees back
	for i in 1 2; do
		KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-quotes" < "$TMP/rcl.jsonl" > "$TMP/rcl.out"
		$EXPECT 'doc["quotes"][0]["cue"]["text"] == "a martelé"' "$TMP/rcl.out"
	done
	[ "$(ls "$c" | grep -c '^rules-')" -ge 2 ] || { ls "$c"; echo "no rules images"; return 1; }
	local v1
	v1=$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-quotes" --version | sed -n 2p | cut -d' ' -f2)
	# the same size, the same mtime, another verb off
	cp -p "$l" "$TMP/rcl.stamp"
	sed -i 's/affirmer/marteler/' "$l"
	touch -r "$TMP/rcl.stamp" "$l"
	expect_eq size "$(stat -c %s "$l")" "$(stat -c %s "$TMP/rcl.stamp")"
	KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-quotes" < "$TMP/rcl.jsonl" > "$TMP/rcl.out"
	$EXPECT 'doc["quotes"][0].get("cue") is None' "$TMP/rcl.out"
	# and the same as with no cache at all
	KZ_CACHE=off XDG_CONFIG_HOME=$x "$BIN/kz-quotes" < "$TMP/rcl.jsonl" > "$TMP/rcl.off"
	cmp "$TMP/rcl.out" "$TMP/rcl.off"
	local v2
	v2=$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-quotes" --version | sed -n 2p | cut -d' ' -f2)
	[ "$v1" != "$v2" ] || { echo "local edit, same data snapshot $v1"; return 1; }
	# the local file gone: the shipped rules again
	rm "$l"
	KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-quotes" < "$TMP/rcl.jsonl" > "$TMP/rcl.out"
	$EXPECT 'doc["quotes"][0]["cue"]["text"] == "a martelé"' "$TMP/rcl.out"
}

# The data snapshot (version.h) is kept as a stamp of the files' stat:
# once the files are old enough for the stamp to vouch for them, an edit,
# even one that keeps the size and the mtime, still changes the snapshot.
t_rulescache_snapshot_stamp_sees_an_edit() {
	local c=$TMP/rc-snap d=$TMP/rc-snap-data a b e
	rm -rf "$d"
	mkdir -p "$d"
	cp -r "$KZ_DATA/rules" "$KZ_DATA/gazetteers" "$d/"
	sleep 3         # past the stamp's two seconds of "racily clean"
	a=$(KZ_CACHE=$c "$BIN/kz-tag" --data "$d" --version | sed -n 2p)
	ls "$c"/snap-*.stamp > /dev/null
	b=$(KZ_CACHE=$c "$BIN/kz-tag" --data "$d" --version | sed -n 2p)
	expect_eq "stamped" "$b" "$a"
	expect_eq "as without the cache" "$(KZ_CACHE=off "$BIN/kz-tag" --data "$d" --version | sed -n 2p)" "$a"
	cp -p "$d/rules/names.yaml" "$TMP/names.before"
	sed -i 's/^not_names:/not_nameZ:/' "$d/rules/names.yaml"     # same size
	touch -r "$TMP/names.before" "$d/rules/names.yaml"
	expect_eq size "$(stat -c %s "$d/rules/names.yaml")" "$(stat -c %s "$TMP/names.before")"
	e=$(KZ_CACHE=$c "$BIN/kz-tag" --data "$d" --version | sed -n 2p)
	[ "$e" != "$a" ] || { echo "edited rules, same snapshot: $e"; return 1; }
	expect_eq "edited, as without the cache" "$(KZ_CACHE=off "$BIN/kz-tag" --data "$d" --version | sed -n 2p)" "$e"
	# a local rules file merged over the shipped one (docs/gazetteers.md,
	# "Local data") is in the snapshot too: its coming, an edit to it
	# that keeps size and mtime, its going
	local x=$TMP/rc-snap-xdg l=$TMP/rc-snap-xdg/kz/rules/names.yaml f g h
	rm -rf "$x"
	mkdir -p "$(dirname "$l")"
	printf 'not_names: [Zorglub]\n' > "$l"
	sleep 3
	f=$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)
	[ "$f" != "$(KZ_CACHE=$c "$BIN/kz-tag" --version | sed -n 2p)" ] ||
		{ echo "a local file, same snapshot: $f"; return 1; }
	expect_eq "local, stamped" "$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)" "$f"
	expect_eq "local, as without the cache" "$(KZ_CACHE=off XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)" "$f"
	cp -p "$l" "$TMP/names.local"
	sed -i 's/Zorglub/Zorglux/' "$l"
	touch -r "$TMP/names.local" "$l"
	g=$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)
	[ "$g" != "$f" ] || { echo "edited local file, same snapshot: $g"; return 1; }
	expect_eq "local edited, as without the cache" "$(KZ_CACHE=off XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)" "$g"
	rm "$l"
	h=$(KZ_CACHE=$c XDG_CONFIG_HOME=$x "$BIN/kz-tag" --version | sed -n 2p)
	expect_eq "local gone" "$h" "$(KZ_CACHE=off "$BIN/kz-tag" --version | sed -n 2p)"
}

# What kz-tag and kz-quotes build from the rules (buildcache.h: the word
# lists of names.yaml and firstnames.yaml, the roles of roles.yaml, the
# phrase sets of quotes.yaml and speech-verbs.yaml) is cached too: an edit is seen at the next run,
# a damaged file is built again, and the results are those of no cache.
t_rulescache_built_lists_follow_the_rules() {
	local c=$TMP/rcb-cache d=$TMP/rcb-data f
	rm -rf "$d" "$c"
	mkdir -p "$d"
	cp -r "$KZ_DATA/rules" "$KZ_DATA/gazetteers" "$d/"
	printf 'Titre\n\nZorglub Bidule a parlé hier à Lyon devant la presse.\n\n« Nous partirons demain », a zorgluté Jean Dupont devant la presse.\n\n« Nous resterons », a déclaré Paul Martin.\n\nLe zorglubier de Lyon a parlé hier.\n' |
		"$BIN/kz-normalize" > "$TMP/rcb.in"
	rcb() { KZ_CACHE=$1 "$BIN/kz-tag" --data "$d" < "$TMP/rcb.in" |
		KZ_CACHE=$1 "$BIN/kz-quotes" --data "$d" > "$2"; }
	rcb "$c" "$TMP/rcb1"
	$EXPECT '"Zorglub Bidule" not in [e["text"] for e in doc["entities"]]' "$TMP/rcb1"
	# zorgluter is no verb yet: the first quote has no cue, and is not
	# Jean Dupont's (kz-quotes may give it to the article's sole speaker)
	$EXPECT '[q["cue"] is None for q in doc["quotes"]] == [True, False]' "$TMP/rcb1"
	$EXPECT '[(q["speaker"] or {}).get("text") for q in doc["quotes"]][0] != "Jean Dupont"' "$TMP/rcb1"
	$EXPECT '[(q["speaker"] or {}).get("text") for q in doc["quotes"]][1] == "Paul Martin"' "$TMP/rcb1"
	$EXPECT '"zorglubier" not in [m["role"] for m in doc["mentions"]]' "$TMP/rcb1"
	expect_eq "built" "$(ls "$c" | grep '\.kzb$' | sed 's/[0-9a-f]\{16\}/S/' | tr '\n' ' ')" "names-S.kzb quotes-S.kzb roles-S.kzb "
	rcb "$c" "$TMP/rcb2"
	cmp "$TMP/rcb1" "$TMP/rcb2"
	# a first name, a speech verb and a role added: all seen at the next run
	sed -i 's/^firstnames:$/&\n  - Zorglub/' "$d/rules/firstnames.yaml"
	sed -i 's/^roles:$/&\n  - key: zorglubier\n    forms: [zorglubier]/' "$d/rules/roles.yaml"
	sed -i 's/^verbs:$/&\n  - lemma: zorgluter\n    kind: speech\n    pronominal: false\n    forms: [zorgluté]/' "$d/rules/speech-verbs.yaml"
	rcb "$c" "$TMP/rcb3"
	$EXPECT '[e["type"] for e in doc["entities"] if e["text"] == "Zorglub Bidule"] == ["PER"]' "$TMP/rcb3"
	$EXPECT '[(q["speaker"] or {}).get("text") for q in doc["quotes"]] == ["Jean Dupont", "Paul Martin"]' "$TMP/rcb3"
	$EXPECT '"zorglubier" in [m["role"] for m in doc["mentions"]]' "$TMP/rcb3"
	rcb off "$TMP/rcb-off"
	cmp "$TMP/rcb3" "$TMP/rcb-off"
	# damaged files are built again, the same
	for f in "$c"/*.kzb; do
		cp "$f" "$f.good"
		python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x20
open(sys.argv[1], "wb").write(b)' "$f"
	done
	rcb "$c" "$TMP/rcb4"
	cmp "$TMP/rcb3" "$TMP/rcb4"
	for f in "$c"/*.kzb; do
		cmp "$f" "$f.good" || { echo "$f: not rebuilt"; return 1; }
		head -c 100 "$f.good" > "$f"
	done
	rcb "$c" "$TMP/rcb5"
	cmp "$TMP/rcb3" "$TMP/rcb5"
	for f in "$c"/*.kzb; do
		cmp "$f" "$f.good" || { echo "$f: not rebuilt after truncation"; return 1; }
	done
}

# The same for what kz-tag builds from names.yaml and roles.yaml (the build
# cache, buildcache.h): a local file's edit between two warm runs is seen.
t_rulescache_local_names_roles_edit_seen_warm() {
	local c=$TMP/rc-lnr x=$TMP/rc-lnr-xdg
	local d=$TMP/rc-lnr-xdg/kz/rules
	rm -rf "$c" "$x"
	mkdir -p "$d"
	printf 'Titre\n\nOdile Fictive et Brigitte Trogneux ont parlé. Le porte-parole Jean Fictif aussi.\n' |
		"$BIN/kz-normalize" > "$TMP/rclnr.jsonl"
	# "PERSONS | ROLES" kz-tag finds, with the cache and without it
	rclnr_tags() {
		KZ_CACHE=$1 XDG_CONFIG_HOME=$x "$BIN/kz-tag" < "$TMP/rclnr.jsonl" |
			python3 -c 'import json, sys; d = json.load(sys.stdin); print(",".join(e["text"] for e in d["entities"]), "|", ",".join(m["role"] for m in d["mentions"]))'
	}
	printf 'not_names: [Oxile]\n' > "$d/names.yaml"
	printf 'roles:\n  - {key: chancelier, disabled: true}\n' > "$d/roles.yaml"
	rclnr_tags "$c" > /dev/null
	expect_eq "warm" "$(rclnr_tags "$c")" "Odile Fictive,Brigitte Trogneux,Jean Fictif | porte-parole"
	ls "$c" | grep -q '^names-.*\.kzb$' || { ls "$c"; echo "no names build cache"; return 1; }
	ls "$c" | grep -q '^roles-.*\.kzb$' || { ls "$c"; echo "no roles build cache"; return 1; }
	printf 'not_names: [Odile]\n' > "$d/names.yaml"
	expect_eq "names edited" "$(rclnr_tags "$c")" "Brigitte Trogneux,Jean Fictif | porte-parole"
	printf 'roles:\n  - {key: porte-parole, disabled: true}\n' > "$d/roles.yaml"
	expect_eq "roles edited" "$(rclnr_tags "$c")" "$(rclnr_tags off)"
	[ "$(rclnr_tags "$c")" != "Brigitte Trogneux,Jean Fictif | porte-parole" ] ||
		{ echo "roles edit not seen"; return 1; }
}
