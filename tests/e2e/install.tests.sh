# make install: the programs find their data where it was installed.
# Sourced by tests/e2e/run.sh.

t_install_finds_data() {
	top=$(cd "$HERE/../.." && pwd)
	# only for the main build: the sanitizer pass has its own bin dir
	if [ "$BIN" != "$top/bin" ]; then
		echo "(skipped for $BIN)"
		return 0
	fi
	make -C "$top" --no-print-directory install PREFIX=/opt/kz DESTDIR="$TMP/root" > "$TMP/install.log"
	test -x "$TMP/root/opt/kz/bin/kz-tag"
	test -f "$TMP/root/opt/kz/share/kz/rules/checks.yaml"
	test -f "$TMP/root/opt/kz/share/kz/gazetteers/countries.yaml"
	# no KZ_DATA: the installed program looks beside itself
	printf 'Titre\n\nLe Kremlin a parlé à Moscou.\n' |
		env -u KZ_DATA "$TMP/root/opt/kz/bin/kz-normalize" |
		env -u KZ_DATA "$TMP/root/opt/kz/bin/kz-tag" > "$TMP/out"
	$EXPECT 'ents(doc) == ["Kremlin", "Moscou"]' "$TMP/out"
}
