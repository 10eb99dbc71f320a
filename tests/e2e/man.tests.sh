# Man pages (issue 18): installed by `make install`, readable by man, and
# never behind the program: every long option --help lists is in its page.

t_man_pages_installed() {
	root=$(cd "$HERE/../.." && pwd)
	make -s -C "$root" install DESTDIR="$TMP/dest" PREFIX=/usr > "$TMP/log" 2>&1 ||
	    { cat "$TMP/log"; return 1; }
	man1="$TMP/dest/usr/share/man/man1"
	for p in kz-normalize kz-tag kz-quotes kz-check kz-show kz-run kz-review; do
		[ -f "$man1/$p.1" ] || { echo "no $p.1 installed"; return 1; }
		MANWIDTH=80 man -l "$man1/$p.1" > "$TMP/page" 2> "$TMP/err"
		grep -q "^NAME" "$TMP/page"
		grep -q "$p" "$TMP/page"
		[ ! -s "$TMP/err" ] || { cat "$TMP/err"; return 1; }
		if command -v mandoc > /dev/null; then
			mandoc -Tlint -Wwarning "$man1/$p.1"
		fi
	done
	MANWIDTH=80 man -l "$TMP/dest/usr/share/man/man5/kz.5" | grep -q "kz/1"
	[ -f "$TMP/dest/usr/share/doc/kz/format.md" ]
	[ -f "$TMP/dest/usr/share/doc/kz/README.md" ]
}

t_man_pages_list_every_option() {
	root=$(cd "$HERE/../.." && pwd)
	for p in kz-normalize kz-tag kz-quotes kz-check kz-show kz-run kz-review; do
		# the options list: lines that start with an option
		"$BIN/$p" --help | grep -E -- '^ +(-[a-z], )?--' |
		    grep -o -- '--[a-z][a-z-]*' | sort -u |
		while read -r opt; do
			# the page writes an option as Fl \-name
			grep -qF -- "Fl \\${opt#-}" "$root/man/$p.1" ||
			    { echo "$p.1 lacks $opt"; exit 1; }
		done
	done
}
