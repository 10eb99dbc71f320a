# End-to-end tests of kz-show (sourced by tests/e2e/run.sh).

# These tests run strictly: tests/e2e/run.sh calls each t_NAME inside an
# `if`, where bash ignores `set -e`, so each test body (tb_NAME) runs in a
# fresh `bash -e` that stops at the first failing command. `refute CMD`
# fails when CMD succeeds (a plain `! CMD` never stops `set -e`).
kz_strict() { strict "$1"; }

refute() {
	if "$@"; then
		echo "unexpectedly true: $*"
		return 1
	fi
}

# show_work NAME: a fresh folder $W, and $W/minsk.jsonl checked by the
# real pipeline
show_work() {
	W="$TMP/$1"
	rm -rf "$W"
	mkdir -p "$W"
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-tag" | "$BIN/kz-quotes" |
		"$BIN/kz-check" > "$W/minsk.jsonl"
}

tb_show_text_report() {
	show_work show_text_report
	"$BIN/kz-show" --width 100 < "$W/minsk.jsonl" > "$W/out"
	cat "$W/out"
	# the id and title first, then FLAGS, QUOTES, ENTITIES in that order
	head -1 "$W/out" | grep -q "^minsk  Le Bélarus ferme sa frontière avec la Lituanie"
	expect_eq "sections" "$(grep -E '^[A-Z]+$' "$W/out" | tr '\n' ' ')" "FLAGS QUOTES ENTITIES "
	# the flag: severity and rule, the offending line marked, the message,
	# the evidence lines
	grep -q '^  error    role-mismatch  line 24$' "$W/out"
	grep -A1 '^    24 │ Président lituanien$' "$W/out" | grep -q '^       │ ^^^^^^^^^^^^^^^^^^^$'
	grep -q 'désigne Gitanas Nausėda' "$W/out"
	expect_eq "evidence lines" "$(grep -c '│ ~~~~~~~~~~~~~~~~~~~~~~$' "$W/out")" 3
	# quotes: kind, speaker and how, cue; the flag on the pull quote
	grep -q '^  4 direct   Alexandre Loukachenko, via pronoun « Il » (Le président bélarusse), cue « déclaré »$' "$W/out"
	grep -A1 '^  5 pull ' "$W/out" | grep -q '⚑ error role-mismatch'
	grep -q '^  3 scare    no speaker$' "$W/out"
	# entities grouped by type, with counts
	grep -q '^  PER   Alexandre Loukachenko ×4, Sergueï Dmitrenko ×2, Claire Moreau, Gitanas Nausėda$' "$W/out"
	grep -q '^  LOC   Minsk ×4, Lituanie ×2, Bélarus, Vilnius$' "$W/out"
	# no colour when not on a terminal
	refute grep -q $'\033' "$W/out"
}

tb_show_colour() {
	show_work show_colour
	"$BIN/kz-show" --color=always < "$W/minsk.jsonl" > "$W/out"
	grep -q $'\033\\[1;31mPrésident lituanien\033\\[0m' "$W/out"
	NO_COLOR=1 "$BIN/kz-show" < "$W/minsk.jsonl" > "$W/out"
	refute grep -q $'\033' "$W/out"
	"$BIN/kz-show" --color=never < "$W/minsk.jsonl" > "$W/out"
	refute grep -q $'\033' "$W/out"
	set +e
	"$BIN/kz-show" --color=sometimes < "$W/minsk.jsonl" > /dev/null 2>&1
	rc=$?
	set -e
	expect_eq "bad --color" "$rc" 64
}

tb_show_partial_records() {
	show_work show_partial_records
	# only kz-normalize: no flags, quotes or entities sections
	"$BIN/kz-normalize" "$FIX/minsk.txt" | "$BIN/kz-show" > "$W/out"
	expect_eq "sections" "$(grep -cE '^(FLAGS|QUOTES|ENTITIES)$' "$W/out" || true)" 0
	grep -q '^minsk  Le Bélarus' "$W/out"
	# a bare record, a record whose spans point nowhere, one without text
	printf '%s\n' '{"id":"bare"}' \
		'{"id":"odd","text":"Court.","flags":[{"rule":"r","severity":"warning","start":50,"end":90,"text":"ailleurs","message":"m","evidence":[{"start":-3,"end":2}]}],"quotes":[{"kind":"direct","text":"x","start":9,"end":2,"speaker":{"name":7}}],"entities":[{"text":"A"},{"type":"PER"}]}' \
		'{"id":"notext","flags":[{"rule":"r2","severity":"info","message":"sans texte"}],"quotes":"nope","entities":{}}' |
		"$BIN/kz-show" > "$W/out"
	cat "$W/out"
	grep -q '^bare$' "$W/out"
	grep -q '^  warning  r$' "$W/out"
	grep -q '« ailleurs »' "$W/out"
	grep -q '^  info     r2$' "$W/out"
	grep -q 'sans texte' "$W/out"
}

tb_show_error_records() {
	show_work show_error_records
	{ head -c 300 "$W/minsk.jsonl"; echo; cat "$W/minsk.jsonl"; } > "$W/in"
	set +e
	"$BIN/kz-show" < "$W/in" > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "exit" "$rc" 65
	grep -q '^kz-show: stdin:1:[0-9]*: not valid JSON' "$W/err"
	grep -q '^stdin:1$' "$W/out"
	grep -q '^ERRORS$' "$W/out"
	grep -q '^  kz-show  not valid JSON at column' "$W/out"
	grep -q '^  raw line: {"kz":1,"id":"minsk"' "$W/out"
	# the good record after it is shown whole
	grep -q '^  error    role-mismatch  line 24$' "$W/out"
	# a stand-in made upstream (kz-tag) is shown the same way
	printf '{oops\n' | "$BIN/kz-tag" 2>/dev/null | "$BIN/kz-show" > "$W/out" || true
	grep -q '^  kz-tag  not valid JSON' "$W/out"
	# files, and a file that is not there
	set +e
	"$BIN/kz-show" "$W/nope.jsonl" "$W/minsk.jsonl" > "$W/out" 2> "$W/err"
	rc=$?
	set -e
	expect_eq "missing file exit" "$rc" 66
	grep -q "^kz-show: cannot open $W/nope.jsonl" "$W/err"
	grep -q '^minsk ' "$W/out"
}

tb_show_terminal_safe() {
	show_work show_terminal_safe
	# escape sequences in an article never reach the terminal
	printf '%s\n' '{"id":"x\u001b[2J","text":"Titre \u001b]0;pwned\u0007 fin\u009b31m","flags":[{"rule":"r","severity":"error","start":6,"end":10,"text":"\u001b]0;","message":"\u001b[31mrouge"}]}' |
		"$BIN/kz-show" --color=never > "$W/out"
	refute grep -q $'\033' "$W/out"
	refute grep -q $'\007' "$W/out"
	refute grep -q $'\xc2\x9b' "$W/out"
}

tb_show_tsv() {
	show_work show_tsv
	"$BIN/kz-show" --tsv < "$W/minsk.jsonl" > "$W/out"
	expect_eq "header" "$(head -1 "$W/out")" "$(printf 'id\tspeaker\tquote\tcue\tkind\tflags')"
	expect_eq "rows" "$(tail -n +2 "$W/out" | wc -l)" 6
	expect_eq "pull row" "$(sed -n 6p "$W/out")" "$(printf 'minsk\tAlexandre Loukachenko\tNous ne laisserons personne menacer notre pays.\t\tpull\trole-mismatch:error')"
	expect_eq "columns" "$(awk -F'\t' '{print NF}' "$W/out" | sort -u)" 6
	# tabs, newlines and backslashes inside fields are escaped
	printf '%s\n' '{"id":"t\tab","text":"x","quotes":[{"kind":"direct","text":"un\tdeux\ntrois \\ quatre","start":0,"end":1,"speaker":{"name":"A\nB"},"cue":{"text":"dit"}}]}' |
		"$BIN/kz-show" --format tsv > "$W/out"
	expect_eq "escaped row" "$(sed -n 2p "$W/out")" 't\tab	A\nB	un\tdeux\ntrois \\ quatre	dit	direct	'
	expect_eq "lines" "$(wc -l < "$W/out")" 2
	# no quotes: the header alone
	echo '{"id":"a","text":"b"}' | "$BIN/kz-show" --tsv > "$W/out"
	expect_eq "header only" "$(wc -l < "$W/out")" 1
}

tb_show_html_page() {
	show_work show_html_page
	printf '%s\n' '{"id":"<x&y>","text":"<script>alert(1)</script> \"q\" it'"'"'s","flags":[{"rule":"r<1>","severity":"error","start":0,"end":8,"text":"<script>","message":"<b>no</b>","evidence":[]}]}' > "$W/evil.jsonl"
	cat "$W/minsk.jsonl" "$W/evil.jsonl" "$W/minsk.jsonl" | "$BIN/kz-show" --html > "$W/page.html"
	# one page for the batch
	expect_eq "doctype" "$(grep -c '<!DOCTYPE html>' "$W/page.html")" 1
	expect_eq "articles" "$(grep -c '<section class="art"' "$W/page.html")" 3
	grep -q '</html>' "$W/page.html"
	# self-contained: nothing fetched (no src, no external href)
	refute grep -qiE '(src|href)="(https?:)?//' "$W/page.html"
	refute grep -qiE '<(link|img|iframe|object|embed)[ >]' "$W/page.html"
	refute grep -qiE '@import|url\(' "$W/page.html"
	grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$W/page.html"
	# every record string escaped
	refute grep -q '<script>alert' "$W/page.html"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &quot;q&quot; it&#39;s' "$W/page.html"
	grep -q '&lt;x&amp;y&gt;' "$W/page.html"
	refute grep -q '<b>no</b>' "$W/page.html"
	# the flag beside its line, with message and evidence links
	python3 - "$W/page.html" <<'EOF'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
row = re.search(r'<div class="ln[^"]*" id="a1-l24">(.*?)</div></div>\n', page).group(1)
assert "Président lituanien" in row and 'class="card fe"' in row and "role-mismatch" in row, row
assert row.count('href="#a1-l') >= 4, row    # the line's own link and 3 evidence
assert 'class="e eP"' in page and 'class="q qd"' in page and 'class="sp"' in page
assert page.count("<script>") == 1    # ours, at the end
EOF
	# the page is share/show's files, embedded at build time: the style and
	# the script byte for byte, every slot of the template filled
	python3 - "$W/page.html" "$HERE/../../share/show" <<'EOF'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
tpl = lambda n: open(sys.argv[2] + "/" + n, encoding="utf-8").read()
assert "<style>\n" + tpl("report.css") + "</style>\n" in page
assert "<script>\n" + tpl("report.js") + "</script>\n" in page
assert page.startswith(tpl("report.html").split("{{")[0]) and "{{" not in page
EOF
	# an empty input is still a whole page
	"$BIN/kz-show" --html < /dev/null > "$W/empty.html"
	grep -q 'No articles in the input' "$W/empty.html"
	grep -q '</html>' "$W/empty.html"
}

tb_show_output_error() {
	show_work show_output_error
	[ -w /dev/full ] || { echo "no /dev/full: skipped"; return 0; }
	for f in "" --html --tsv; do
		set +e
		"$BIN/kz-show" $f < "$W/minsk.jsonl" > /dev/full 2> "$W/err"
		rc=$?
		set -e
		expect_eq "exit $f" "$rc" 74
		grep -q '^kz-show: cannot write output' "$W/err"
	done
}

# on_tty CMD: runs the shell command CMD with a pseudo-terminal as its
# standard output and error (script(1), util-linux); its exit status is
# CMD's. Environment variables set for on_tty reach CMD.
on_tty() {
	script -qec "$1" /dev/null < /dev/null
}

# fake_pager NAME: $W/bin/NAME, a pager that says it ran, with its
# arguments and $LESS, then keeps what it is given, in the file $W/paged
fake_pager() {
	mkdir -p "$W/bin"
	cat > "$W/bin/$1" <<EOF
#!/bin/sh
{ echo "paged by $1 \$* LESS=\$LESS"; cat; } > "$W/paged"
EOF
	chmod +x "$W/bin/$1"
}

tb_show_pager() {
	show_work show_pager
	fake_pager mypager
	# on a terminal, the report goes through $PAGER, with LESS=FRX
	PAGER="$W/bin/mypager -x" on_tty "'$BIN/kz-show' '$W/minsk.jsonl'" > "$W/tty"
	expect_eq "pager" "$(head -1 "$W/paged")" "paged by mypager -x LESS=FRX"
	grep -q 'role-mismatch.*line 24' "$W/paged"
	refute grep -q 'role-mismatch' "$W/tty"
	# $KZ_PAGER before $PAGER; a LESS of the user's own is kept
	rm -f "$W/paged"
	KZ_PAGER="$W/bin/mypager -k" PAGER=false LESS=S on_tty "'$BIN/kz-show' '$W/minsk.jsonl'" > "$W/tty"
	expect_eq "KZ_PAGER" "$(head -1 "$W/paged")" "paged by mypager -k LESS=S"
	# no $PAGER: less -R from the PATH, but not on a dumb terminal
	fake_pager less
	rm -f "$W/paged"
	env -u PAGER -u KZ_PAGER -u LESS PATH="$W/bin:$PATH" TERM=xterm \
		script -qec "'$BIN/kz-show' '$W/minsk.jsonl'" /dev/null < /dev/null > "$W/tty"
	expect_eq "default pager" "$(head -1 "$W/paged")" "paged by less -R LESS=FRX"
	rm -f "$W/paged"
	env -u PAGER -u KZ_PAGER PATH="$W/bin:$PATH" TERM=dumb \
		script -qec "'$BIN/kz-show' '$W/minsk.jsonl'" /dev/null < /dev/null > "$W/tty"
	test ! -e "$W/paged"
	grep -q 'role-mismatch.*line 24' "$W/tty"
	# --no-pager, PAGER=cat or empty: straight to the terminal
	for how in "PAGER='$W/bin/mypager' '$BIN/kz-show' --no-pager" "PAGER=cat '$BIN/kz-show'" \
	    "PAGER= '$BIN/kz-show'"; do
		rm -f "$W/paged"
		on_tty "$how '$W/minsk.jsonl'" > "$W/tty"
		test ! -e "$W/paged"
		grep -q 'role-mismatch.*line 24' "$W/tty"
	done
	# not a terminal: never a pager
	PAGER="$W/bin/mypager" "$BIN/kz-show" "$W/minsk.jsonl" | cat > "$W/out"
	test ! -e "$W/paged"
	grep -q '^  error    role-mismatch  line 24$' "$W/out"
}

tb_show_no_pager_under_kz_run() {
	show_work show_no_pager_under_kz_run
	fake_pager mypager
	# kz-run's stages run in a process group of their own: a pager there
	# could not read the terminal; kz-run's text goes to it unpaged
	printf 'stages:\n  - run: %s/kz-normalize\n  - run: %s/kz-tag\n  - run: %s/kz-quotes\n  - run: %s/kz-check\n' \
		"$BIN" "$BIN" "$BIN" "$BIN" > "$W/p.yaml"
	PAGER="$W/bin/mypager" on_tty "'$BIN/kz-run' --config '$W/p.yaml' --format text < '$FIX/minsk.txt'" > "$W/tty"
	test ! -e "$W/paged"
	grep -q 'role-mismatch.*line 24' "$W/tty"
}

tb_show_pager_quit_early() {
	show_work show_pager_quit_early
	# far more than a pipe holds, to a pager that reads nothing: no
	# message, and the status of what was shown
	for i in $(seq 200); do cat "$W/minsk.jsonl"; done > "$W/big.jsonl"
	PAGER=true on_tty "'$BIN/kz-show' '$W/big.jsonl' 2> '$W/err'; echo \$? > '$W/rc'" > "$W/tty"
	expect_eq "exit" "$(cat "$W/rc")" 0
	expect_eq "messages" "$(cat "$W/err")" ""
	refute grep -q 'role-mismatch' "$W/tty"
	PAGER="head -c 100 > /dev/null" on_tty "'$BIN/kz-show' '$W/big.jsonl' 2> '$W/err'; echo \$? > '$W/rc'" > "$W/tty"
	expect_eq "exit after head" "$(cat "$W/rc")" 0
	expect_eq "messages after head" "$(cat "$W/err")" ""
	# a broken line before: 65 still
	{ echo '{oops'; cat "$W/big.jsonl"; } > "$W/bad.jsonl"
	PAGER=true on_tty "'$BIN/kz-show' -q '$W/bad.jsonl' 2> '$W/err'; echo \$? > '$W/rc'" > "$W/tty"
	expect_eq "exit with a bad line" "$(cat "$W/rc")" 65
	expect_eq "messages with a bad line" "$(cat "$W/err")" ""
}

# t_NAME, as run.sh finds them: each runs tb_NAME strictly
for _tb in $(declare -F | awk '{print $3}' | grep '^tb_show_'); do
	eval "t_${_tb#tb_}() { kz_strict $_tb; }"
done
unset _tb
