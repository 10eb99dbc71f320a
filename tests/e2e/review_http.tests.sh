# kz-review as a web application (issue 17), driven with curl: the API,
# decisions in the store, two editors at once, CSRF refusal, the token off
# loopback, no path out of the results folder, hostile text escaped.
# Sourced by run.sh; uses review_batch from review.tests.sh.

# review_serve [OPTIONS...]: kz-review on $TMP/res in the background; sets
# SRV_PID and SRV_URL (as printed) and stops the server when the test's
# subshell ends. Waits at most 10 s for the address. The output files are
# made first: the background shell may open them after the first look.
review_serve() {
	: > "$TMP/srv.out"
	: > "$TMP/srv.err"
	"$BIN/kz-review" "$TMP/res" --listen 127.0.0.1:0 "$@" > "$TMP/srv.out" 2> "$TMP/srv.err" &
	SRV_PID=$!
	trap 'kill $SRV_PID 2>/dev/null; wait $SRV_PID 2>/dev/null' EXIT
	for _ in $(seq 100); do
		SRV_URL=$(sed -n 's/^kz-review: open //p' "$TMP/srv.out")
		[ -n "$SRV_URL" ] && return 0
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "kz-review did not start: $(cat "$TMP/srv.err")"
	return 1
}

# csrf: the page's CSRF token
review_csrf() {
	curl -sf "$SRV_URL" | sed -n 's/.*name="kz-csrf" content="\([0-9a-f]*\)".*/\1/p'
}

# review_wrong TOKEN: the token with its last digit changed (always another
# token: a fixed digit would be the right one once in 16 runs)
review_wrong() {
	case $1 in
	*0) printf '%s1' "${1%?}" ;;
	*) printf '%s0' "${1%?}" ;;
	esac
}

# post FILE BODY [CURL OPTIONS...]: POST BODY to /api/decide with the CSRF
# token (unless options replace the headers); the status is printed, the
# body kept in FILE
review_post() {
	local out=$1 body=$2
	shift 2
	curl -s -o "$out" -w '%{http_code}' -X POST --data-binary "$body" "$@" "${SRV_URL}api/decide"
}

# the queue's item with that rule and text, as the decision body wants it
review_body() {
	python3 - "$1" "$2" "$3" "${4:-}" "$TMP/queue.json" <<'EOF'
import json, sys
rule, text, verdict, speaker, path = sys.argv[1:6]
q = json.load(open(path))
it = [i for i in q["items"] if i["rule"] == rule and i["text"] == text][0]
body = {k: it[k] for k in ("article", "rule", "start", "end", "hash", "version")}
body["verdict"] = verdict
if speaker:
    body["speaker"] = speaker
print(json.dumps(body))
EOF
}

t_review_http_queue_item_and_decisions() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	review_serve --editor anne
	grep -q "^kz-review: 3 items in $TMP/res, 3 left to review" "$TMP/srv.out"
	curl -sf "${SRV_URL}api/queue" > "$TMP/queue.json"
	$EXPECT 'doc["total"] == 3 and doc["left"] == 3 and [i["severity"] for i in doc["items"]] == ["warning", "weak", "weak"]' "$TMP/queue.json"
	$EXPECT 'doc["facets"]["rule"] == ["misquote", "speaker"] and doc["facets"]["speaker"] == ["Marie Lefèvre", "Sergueï Lavrov"]' "$TMP/queue.json"
	# filters: by rule, severity, speaker, and a search that ignores case and accents
	curl -sf "${SRV_URL}api/queue?rule=speaker&speaker=Marie%20Lef%C3%A8vre" > "$TMP/f.json"
	$EXPECT '[i["text"] for i in doc["items"]] == ["Nous verrons bien"] and doc["total"] == 3' "$TMP/f.json"
	curl -sf "${SRV_URL}api/queue?q=LEFEVRE" > "$TMP/f.json"
	$EXPECT '[i["text"] for i in doc["items"]] == ["Nous verrons bien"]' "$TMP/f.json"
	curl -sf "${SRV_URL}api/queue?severity=warning" > "$TMP/f.json"
	$EXPECT '[i["rule"] for i in doc["items"]] == ["misquote"]' "$TMP/f.json"
	# one item with its article, evidence and the people to choose from
	misq=$(python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["items"][0]; print("start=%d&end=%d" % (i["start"], i["end"]))' "$TMP/queue.json")
	curl -sf "${SRV_URL}api/item?article=a1&rule=misquote&$misq" > "$TMP/item.json"
	$EXPECT 'doc["article_text"].startswith("Titre du jour") and [s["text"] for s in doc["spans"] if s["kind"] == "evidence"] == ["Nous retirerons 2 000 soldats avant l\u2019été".replace("\u2019", "'"'"'")] and "Marie Lefèvre" in doc["people"]' "$TMP/item.json"
	expect_eq "no such item" "$(curl -s -o /dev/null -w '%{http_code}' "${SRV_URL}api/item?article=a1&rule=misquote&start=1&end=2")" 404
	# a decision through the page's API lands in the store
	csrf=$(review_csrf)
	[ -n "$csrf" ]
	body=$(review_body misquote "Nous retirerons 3 000 soldats avant l'été." reject)
	expect_eq "reject" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 200
	$EXPECT 'doc["reviewed"] == 1 and doc["left"] == 2 and doc["item"]["state"] == "reject" and doc["item"]["editor"] == "anne"' "$TMP/r.json"
	"$BIN/kz-review" "$TMP/res" --list > "$TMP/list"
	grep -q "^reject	warning	a1	misquote	" "$TMP/list"
	# a second editor who saw the item before that decision is refused
	# (409, with what is there now), not laid over it
	body2=$(review_body misquote "Nous retirerons 3 000 soldats avant l'été." accept)
	expect_eq "stale" "$(review_post "$TMP/r.json" "$body2" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 409
	$EXPECT 'doc["item"]["state"] == "reject" and "someone else" in doc["error"]' "$TMP/r.json"
	grep -q "^reject	warning	a1	misquote	" <("$BIN/kz-review" "$TMP/res" --list)
	# correct a speaker, then undo it
	body=$(review_body speaker "Nous verrons bien" correct "Sergueï Lavrov")
	expect_eq "correct" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 200
	"$BIN/kz-review" "$TMP/res" --list | grep -q "^correct	weak	a1	speaker	.*Nous verrons bien"
	body=$(python3 -c 'import json,sys; b=json.loads(sys.argv[1]); b["version"]=1; b["verdict"]="undo"; print(json.dumps(b))' "$body")
	expect_eq "undo" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 200
	$EXPECT 'doc["undone"] is True and doc["item"]["state"] == "open" and doc["reviewed"] == 1' "$TMP/r.json"
	# bad requests are refused with a reason
	expect_eq "no verdict" "$(review_post "$TMP/r.json" '{"article":"a1"}' -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 400
	expect_eq "no json" "$(review_post "$TMP/r.json" 'verdict=reject' -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 400
}

# POST /api/decide with span_start, span_end: 400 outside the text or
# reversed, 200 inside; the store and kz-quotes then have the span
t_review_http_span_correction() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	review_serve
	curl -sf "${SRV_URL}api/queue" > "$TMP/queue.json"
	csrf=$(review_csrf)
	body=$(review_body speaker "Nous verrons bien" correct)
	span() { python3 -c 'import json,sys; b=json.loads(sys.argv[1]); b["span_start"]=b["start"]+int(sys.argv[2]); b["span_end"]=b["start"]+int(sys.argv[3]); print(json.dumps(b))' "$body" "$@"; }
	expect_eq "past the text" "$(review_post "$TMP/r.json" "$(span 5 100000)" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 400
	grep -q "inside the article" "$TMP/r.json"
	expect_eq "reversed" "$(review_post "$TMP/r.json" "$(span 9 5)" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 400
	expect_eq "span" "$(review_post "$TMP/r.json" "$(span 5 17)" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf")" 200
	$EXPECT 'doc["item"]["state"] == "correct" and doc["item"]["span_end"] - doc["item"]["span_start"] == 12' "$TMP/r.json"
	review_batch "$REVIEW_ARTICLE" --decisions "$TMP/res/.kz-review.db"
	$EXPECT '[(q["text"], q["via"]) for q in doc["quotes"] if "found" in q] == [("verrons bien", "editor")]' "$TMP/res/a1.jsonl"
}

t_review_http_post_needs_csrf() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	review_serve
	curl -sf "${SRV_URL}api/queue" > "$TMP/queue.json"
	csrf=$(review_csrf)
	body=$(review_body misquote "Nous retirerons 3 000 soldats avant l'été." reject)
	expect_eq "no token" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json')" 403
	grep -q "CSRF" "$TMP/r.json"
	expect_eq "wrong token" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $(review_wrong "$csrf")")" 403
	# what an HTML form on another site can send: no JSON type, another Origin
	expect_eq "form post" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/x-www-form-urlencoded' -H "X-KZ-CSRF: $csrf")" 403
	expect_eq "other origin" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf" -H 'Origin: http://evil.example')" 403
	expect_eq "GET to decide" "$(curl -s -o /dev/null -w '%{http_code}' "${SRV_URL}api/decide?verdict=reject")" 404
	expect_eq "PUT" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "${SRV_URL}api/decide")" 405
	# nothing was decided
	! "$BIN/kz-review" "$TMP/res" --list | grep -v '^open' | grep .
	# a page that renamed itself 127.0.0.1 (DNS rebinding) is not answered
	port=${SRV_URL##*:}
	port=${port%/}
	expect_eq "foreign Host" "$(curl -s -o /dev/null -w '%{http_code}' -H "Host: evil.example:$port" "$SRV_URL")" 403
	# and with the token, the same post goes through
	expect_eq "with token" "$(review_post "$TMP/r.json" "$body" -H 'Content-Type: application/json' -H "X-KZ-CSRF: $csrf" -H "Origin: ${SRV_URL%/}")" 200
}

t_review_http_token_off_loopback() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	review_serve --listen 0.0.0.0:0
	grep -q "^kz-review: not on loopback: every request needs that token" "$TMP/srv.out"
	token=${SRV_URL##*token=}
	[ ${#token} -eq 32 ]
	base="http://127.0.0.1:$(echo "$SRV_URL" | sed 's|^http://0.0.0.0:\([0-9]*\)/.*|\1|')/"
	for path in "" api/queue app.js "api/item?article=a1&rule=misquote&start=0&end=1"; do
		expect_eq "no token: /$path" "$(curl -s -o /dev/null -w '%{http_code}' "$base$path")" 401
	done
	expect_eq "wrong token" "$(curl -s -o /dev/null -w '%{http_code}' "${base}api/queue?token=0123456789abcdef0123456789abcdef")" 401
	expect_eq "bearer" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "${base}api/queue")" 200
	# the printed address sets a cookie and leaves the address bar
	curl -s -D "$TMP/h" -o /dev/null "${base}?token=$token"
	grep -q '^HTTP/1.1 303' "$TMP/h"
	grep -qi '^Set-Cookie: kz_token=.*HttpOnly; SameSite=Strict' "$TMP/h"
	grep -qi '^Location: /' "$TMP/h"
	expect_eq "cookie" "$(curl -s -o "$TMP/q.json" -w '%{http_code}' -b "kz_token=$token" "${base}api/queue")" 200
	$EXPECT 'doc["total"] == 3' "$TMP/q.json"
}

t_review_http_no_path_leaves_the_results() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	# a link in the results folder to a record outside it is not read
	mkdir -p "$TMP/outside"
	echo '{"kz":1,"id":"secret","text":"Hors du dossier.","flags":[{"rule":"x","severity":"error","start":0,"end":3,"text":"Hor"}]}' > "$TMP/outside/s.jsonl"
	ln -sf "$TMP/outside/s.jsonl" "$TMP/res/z.jsonl"
	review_serve
	curl -sf "${SRV_URL}api/queue" > "$TMP/queue.json"
	$EXPECT '"secret" not in [i["article"] for i in doc["items"]] and doc["total"] == 3' "$TMP/queue.json"
	for path in ../../../../etc/passwd %2e%2e/%2e%2e/%2e%2e/etc/passwd app.js/../a1.jsonl \
	    a1.jsonl .kz-review.db z.jsonl index.html 'app.js%00' '..%2fa1.jsonl' //etc/passwd api/../a1.jsonl; do
		code=$(curl -s --path-as-is -o "$TMP/body" -w '%{http_code}' "$SRV_URL$path")
		expect_eq "/$path" "$code" 404
		! grep -q -e 'root:' -e 'Hors du dossier' -e '"kz":1' -e 'SQLite' "$TMP/body"
	done
	expect_eq "the page's own file" "$(curl -s -o /dev/null -w '%{http_code}' "${SRV_URL}app.css")" 200
}

t_review_http_hostile_text_escaped() {
	review_fresh
	hostile="$TMP/res/r<b>\"x'"
	mkdir -p "$hostile"
	printf '%s' "Titre <script>alert(1)</script>

« Nous retirerons 2 000 soldats avant l'été », a déclaré Sergueï Lavrov devant la presse.

Nous retirerons 3 000 soldats \"><img src=x onerror=alert(2)> avant l'été.
Sergueï Lavrov
Ministre russe des Affaires étrangères

Fin de l'article, qui continue encore un peu.
" | "$BIN/kz-normalize" --id 'a<svg onload=alert(3)>' --date 2022-03-01 | "$BIN/kz-tag" |
		"$BIN/kz-quotes" | "$BIN/kz-check" |
		python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); d["id"] += "\u001b[2J"; print(json.dumps(d))' > "$hostile/h.jsonl"
	: > "$TMP/srv.out"      # there before the first look (review_serve)
	"$BIN/kz-review" "$hostile" --listen 127.0.0.1:0 > "$TMP/srv.out" 2> "$TMP/srv.err" &
	SRV_PID=$!
	trap 'kill $SRV_PID 2>/dev/null; wait $SRV_PID 2>/dev/null' EXIT
	for _ in $(seq 100); do
		SRV_URL=$(sed -n 's/^kz-review: open //p' "$TMP/srv.out")
		[ -n "$SRV_URL" ] && break
		sleep 0.1
	done
	curl -sf "$SRV_URL" > "$TMP/page.html"
	# the folder's name is in the page as text, escaped
	grep -q "r&lt;b&gt;&quot;x&#39;" "$TMP/page.html"
	! grep -q 'r<b>' "$TMP/page.html"
	curl -sf -D "$TMP/h" "${SRV_URL}api/queue" > "$TMP/queue.json"
	grep -qi '^Content-Type: application/json' "$TMP/h"
	grep -qi '^X-Content-Type-Options: nosniff' "$TMP/h"
	grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$TMP/h"
	# JSON keeps the text exactly, with no markup a browser could run:
	# every / escaped, so no </script> can appear in it
	! grep -q '</' "$TMP/queue.json"
	! grep -q $'\x1b' "$TMP/queue.json"
	$EXPECT 'any(i["article"] == "a<svg onload=alert(3)>\x1b[2J" and "<img src=x onerror=alert(2)>" in i["text"] for i in doc["items"])' "$TMP/queue.json"
}

t_review_http_listen_errors_and_new_results() {
	review_fresh
	review_batch "$REVIEW_ARTICLE"
	set +e
	"$BIN/kz-review" "$TMP/res" --listen nonsense 2> "$TMP/err"
	rc1=$?
	"$BIN/kz-review" "$TMP/res" --listen example.org:80 2>> "$TMP/err"
	rc2=$?
	set -e
	expect_eq "bad --listen" "$rc1 $rc2" "64 64"
	grep -q "^kz-review: --listen wants ADDRESS:PORT" "$TMP/err"
	grep -q "^kz-review: --listen: 'example.org' is no IP address" "$TMP/err"
	review_serve
	port=${SRV_URL##*:}
	port=${port%/}
	set +e
	"$BIN/kz-review" "$TMP/res" --listen "127.0.0.1:$port" > /dev/null 2> "$TMP/err"
	rc=$?
	set -e
	expect_eq "port taken" "$rc" 69
	expect_eq "said once" "$(cat "$TMP/err")" "kz-review: cannot listen on 127.0.0.1:$port: Address already in use"
	# results written while it serves (cron) are in the next queue
	curl -sf "${SRV_URL}api/queue" > "$TMP/q1.json"
	sed 's/"id": *"a1"/"id":"b2"/' "$TMP/res/a1.jsonl" > "$TMP/res/b2.jsonl"
	grep -q '"id":"b2"' "$TMP/res/b2.jsonl"
	curl -sf "${SRV_URL}api/queue" > "$TMP/q2.json"
	n1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$TMP/q1.json")
	$EXPECT "doc['total'] == 2 * $n1 and 'b2' in doc['facets']['article']" "$TMP/q2.json"
}
