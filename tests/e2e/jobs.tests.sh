# Threads (--jobs of kz-tag, kz-quotes, kz-check): the same records,
# messages and exit status as one thread, in the same order. Sourced by tests/e2e/run.sh.

# jobs_input N: N short articles through kz-normalize, with a broken line
# and a record without text among them, to $TMP/jobs.jsonl
jobs_input() {
	python3 -c '
import json, sys
n = int(sys.argv[1])
people = ["Vladimir Poutine", "Kassym-Jomart Tokaïev", "Emmanuel Macron",
          "Olaf Scholz", "Nikol Pachinian"]
for i in range(n):
    who = people[i % len(people)]
    print(json.dumps({"id": "a%d" % i, "date": "2022-01-%02d" % (1 + i % 28),
        "text": "Article %d\n\nLe président russe a parlé à %s à Moscou. "
                "« Nous verrons », a déclaré %s.\n" % (i, who, who)},
        ensure_ascii=False))' "$1" | "$BIN/kz-normalize" --jsonl > "$TMP/jobs.ok"
	awk 'NR == 70 { print "{\"id\": \"broken\", \"text\": " }
	     NR == 150 { print "{\"id\": \"notext\"}" }
	     { print }' "$TMP/jobs.ok" > "$TMP/jobs.jsonl"
}

t_jobs_same_as_one() {
	jobs_input 400
	set +e
	"$BIN/kz-tag" --jobs 1 < "$TMP/jobs.jsonl" > "$TMP/one.out" 2> "$TMP/one.err"
	rc1=$?
	"$BIN/kz-tag" --jobs 3 < "$TMP/jobs.jsonl" > "$TMP/three.out" 2> "$TMP/three.err"
	rc3=$?
	set -e
	expect_eq "exit, one thread" "$rc1" 65
	expect_eq "exit, three threads" "$rc3" 65
	cmp "$TMP/one.out" "$TMP/three.out"
	cmp "$TMP/one.err" "$TMP/three.err"
	# every record is there, in order, tagged
	$EXPECT 'len(docs) == 402 and docs[69]["id"] == "stdin:70" and docs[150]["id"] == "notext" and docs[0]["entities"] and all(d["id"] == "a%d" % i for i, d in enumerate(x for x in docs if x["id"].startswith("a")))' "$TMP/three.out"
	grep -q '^kz-tag: stdin:70:' "$TMP/three.err"
	# and the next stages, on what kz-tag wrote
	for p in kz-quotes kz-check; do
		set +e
		"$BIN/$p" --jobs 1 < "$TMP/one.out" > "$TMP/$p.one" 2> "$TMP/one.err"
		rc1=$?
		"$BIN/$p" --jobs 3 < "$TMP/one.out" > "$TMP/$p.three" 2> "$TMP/three.err"
		rc3=$?
		set -e
		expect_eq "$p exit" "$rc3" "$rc1"
		cmp "$TMP/$p.one" "$TMP/$p.three"
		cmp "$TMP/one.err" "$TMP/three.err"
		cp "$TMP/$p.one" "$TMP/one.out"
	done
	$EXPECT 'len(docs) == 402 and sum(len(d.get("quotes", [])) for d in docs) >= 390' "$TMP/one.out"
}

# Records that arrive slowly are not held back, by one thread (stdio's
# buffer) or by several (a batch waiting to be full).
stream_through() {
	rm -f "$TMP/slow" "$TMP/seen80" "$TMP/gave-up"
	mkfifo "$TMP/slow"
	# the first 80 records, then the rest only once 80 came out; if they
	# were held back, the writer gives up waiting after 30 s and says so
	( head -n 80 "$TMP/jobs.ok"; n=0
	  while [ ! -s "$TMP/seen80" ]; do
		sleep 0.1
		n=$((n + 1))
		if [ $n -ge 300 ]; then echo "held back" > "$TMP/gave-up"; break; fi
	  done
	  tail -n +81 "$TMP/jobs.ok" ) > "$TMP/slow" &
	: > "$TMP/streamed"
	timeout 60 "$BIN/kz-tag" "$@" < "$TMP/slow" | while IFS= read -r line; do
		echo "$line" >> "$TMP/streamed"
		if [ "$(wc -l < "$TMP/streamed")" -eq 80 ]; then
			echo yes > "$TMP/seen80"
		fi
	done
	wait
	expect_eq "records ($*)" "$(wc -l < "$TMP/streamed")" 100
	test ! -e "$TMP/gave-up"
}

t_tag_streams() {
	jobs_input 100
	stream_through --jobs 1
	stream_through --jobs 2
}

t_jobs_bad_value() {
	for p in kz-tag kz-quotes kz-check; do
		for v in 0 65 two ""; do
			set +e
			"$BIN/$p" --jobs "$v" < /dev/null 2> "$TMP/err"
			rc=$?
			set -e
			expect_eq "$p --jobs '$v' exit" "$rc" 64
			grep -q "^$p: --jobs: not a number of threads from 1 to 64: $v\$" "$TMP/err"
		done
	done
}

# When no thread can be started (a tight process limit), the records go
# through one thread: none is lost, and the run says so once. Simulated
# with a pthread_create that always fails (LD_PRELOAD), so not under
# AddressSanitizer, whose runtime must come first.
t_jobs_without_threads() {
	if ldd "$BIN/kz-tag" 2>/dev/null | grep -q libasan; then
		echo "skipped under ASan"
		return 0
	fi
	cat > "$TMP/nothreads.c" <<'C'
#include <errno.h>
#include <pthread.h>
int pthread_create(pthread_t *t, const pthread_attr_t *a,
    void *(*f)(void *), void *arg)
{
	(void)t; (void)a; (void)f; (void)arg;
	return EAGAIN;
}
C
	${CC:-cc} -shared -fPIC -o "$TMP/nothreads.so" "$TMP/nothreads.c"
	jobs_input 200
	set +e
	"$BIN/kz-tag" --jobs 1 < "$TMP/jobs.jsonl" > "$TMP/one.out" 2> "$TMP/one.err"
	rc1=$?
	LD_PRELOAD="$TMP/nothreads.so" timeout 60 "$BIN/kz-tag" --jobs 2 \
	    < "$TMP/jobs.jsonl" \
	    > "$TMP/none.out" 2> "$TMP/none.err"
	rc2=$?
	set -e
	expect_eq "exit" "$rc2" "$rc1"
	cmp "$TMP/one.out" "$TMP/none.out"
	expect_eq "messages" "$(grep -c 'cannot start threads' "$TMP/none.err")" 1
	grep -v 'cannot start threads' "$TMP/none.err" | cmp - "$TMP/one.err"
}
