# The compiled gazetteer cache (docs/gazetteers.md, "The compiled cache"):
# reused, rebuilt when a source changes, never trusted when damaged, never
# a reason to fail. Sourced by tests/e2e/run.sh.

# gz_tag OUT [kz-tag options]: tag the Minsk fixture
gz_tag() {
	local out=$1
	shift
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" "$@" > "$out"
}

t_gazcache_compile_and_reuse() {
	local c=$TMP/gzc-reuse
	"$BIN/kz-tag" --compile --cache "$c" 2> "$TMP/err"
	grep -q "^kz-tag: .*/gazetteers: [0-9]* entries compiled into the cache $c/gaz-[0-9a-f]*\.kzg$" "$TMP/err"
	"$BIN/kz-tag" --compile --cache "$c" 2> "$TMP/err"
	grep -q "entries loaded from the cache $c/" "$TMP/err"
	"$BIN/kz-tag" --compile --cache "$c" -q 2> "$TMP/err"
	expect_eq "quiet" "$(cat "$TMP/err")" ""
	gz_tag "$TMP/cached" --cache "$c"
	gz_tag "$TMP/nocache" --no-cache
	KZ_CACHE=off gz_tag "$TMP/off"
	KZ_CACHE=$c gz_tag "$TMP/env"
	cmp "$TMP/cached" "$TMP/nocache"
	cmp "$TMP/cached" "$TMP/off"
	cmp "$TMP/cached" "$TMP/env"
	$EXPECT 'ents(doc).count("Alexandre Loukachenko") == 4' "$TMP/cached"
	# the rules files the stages parsed are cached there too (yamlcache.h),
	# what they built from them (buildcache.h), and the stamps of their
	# data snapshots (version.h)
	expect_eq "cache files" "$(ls "$c" | grep -v '^rules-\|^snap-\|\.kzb$' | sed 's/[0-9a-f]\{16\}/S/' | sort | tr '\n' ' ')" "gaz-S.kzg gaz-S.stamp "
}

t_gazcache_damaged_file_rebuilt() {
	local c=$TMP/gzc-damage
	"$BIN/kz-tag" --compile --cache "$c" -q
	local img
	img=$(ls "$c"/gaz-*.kzg)
	cp "$img" "$TMP/good.kzg"
	gz_tag "$TMP/want" --no-cache
	for damage in truncate flip garbage empty; do
		case $damage in
		truncate) head -c 5000 "$TMP/good.kzg" > "$img" ;;
		# one byte in every 4 KiB block, header left alone
		flip) python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for o in range(300, len(b) - 64, 4000):
    b[o] ^= 0x5a
open(sys.argv[1], "wb").write(b)' "$img" ;;
		garbage) head -c 100000 /dev/urandom > "$img" ;;
		empty) : > "$img" ;;
		esac
		gz_tag "$TMP/got" --cache "$c"
		cmp "$TMP/want" "$TMP/got" || { echo "$damage: tagged differently"; return 1; }
		cmp "$img" "$TMP/good.kzg" || { echo "$damage: cache not rebuilt"; return 1; }
	done
	# --compile checks every block, and says it rebuilt
	python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 1
open(sys.argv[1], "wb").write(b)' "$img"
	"$BIN/kz-tag" --compile --cache "$c" 2> "$TMP/err"
	grep -q "compiled into the cache $img (the file there was damaged)" "$TMP/err"
	cmp "$img" "$TMP/good.kzg"
}

t_gazcache_edit_rebuilds() {
	local c=$TMP/gzc-edit
	mkdir -p "$TMP/gzedit"
	cp "$KZ_DATA"/gazetteers/*.yaml "$TMP/gzedit/"
	printf 'Titre\n\nLe ministre Zorglub Tartempion a parlé à Moscou.\n' |
		"$BIN/kz-normalize" > "$TMP/in"
	"$BIN/kz-tag" --cache "$c" --gazetteers "$TMP/gzedit" < "$TMP/in" > "$TMP/out"
	$EXPECT '"Zorglub Tartempion" not in [e["text"] for e in doc["entities"] if e["via"] == "gazetteer"]' "$TMP/out"
	printf -- '- id: zorglub-tartempion\n  type: PER\n  name: Zorglub Tartempion\n' >> "$TMP/gzedit/persons-france.yaml"
	"$BIN/kz-tag" --cache "$c" --gazetteers "$TMP/gzedit" < "$TMP/in" > "$TMP/out"
	$EXPECT '[e["ref"] for e in doc["entities"] if e["text"] == "Zorglub Tartempion"] == ["zorglub-tartempion"]' "$TMP/out"
	# a new file counts too, and so does its removal
	printf -- '- id: tartempion\n  type: LOC\n  name: Moscou-sur-Tartempion\n' > "$TMP/gzedit/zz.yaml"
	"$BIN/kz-tag" --compile --cache "$c" --gazetteers "$TMP/gzedit" 2> "$TMP/err"
	grep -q "compiled into the cache" "$TMP/err"
	rm "$TMP/gzedit/zz.yaml"
	"$BIN/kz-tag" --compile --cache "$c" --gazetteers "$TMP/gzedit" 2> "$TMP/err"
	grep -q "compiled into the cache" "$TMP/err"
	# a broken file is reported as ever, and nothing is tagged
	printf -- '- id: x\n  type: PER\n  name: "Jean Valjean\n' >> "$TMP/gzedit/persons-france.yaml"
	set +e
	"$BIN/kz-tag" --cache "$c" --gazetteers "$TMP/gzedit" < "$TMP/in" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 78
	grep -q "^kz-tag: $TMP/gzedit/persons-france.yaml:[0-9]*:[0-9]*: " "$TMP/err"
	expect_eq "output" "$(cat "$TMP/out")" ""
}

t_gazcache_unusable_folder() {
	: > "$TMP/not-a-folder"
	gz_tag "$TMP/out" --cache "$TMP/not-a-folder/kz" 2> "$TMP/err"
	expect_eq "stderr" "$(cat "$TMP/err")" ""
	$EXPECT 'ents(doc).count("Alexandre Loukachenko") == 4' "$TMP/out"
	set +e
	"$BIN/kz-tag" --compile --cache "$TMP/not-a-folder/kz" 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq exit "$rc" 74
	grep -q "compiled in memory (cannot use the cache folder $TMP/not-a-folder/kz: " "$TMP/err"
}
