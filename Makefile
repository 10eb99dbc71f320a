# kz - who said what in French news, and is it right?
#
#   make            build every program into bin/
#   make demo       install missing Debian packages, build, run the bundled example
#   make check      the same set-up, then every test (also under ASan/UBSan),
#                   the README's and docs' examples included
#   make bench      throughput figures (nothing is asserted on time)
#   make install    PREFIX=/usr/local DESTDIR= ; data goes to $(PREFIX)/share/kz,
#                   man pages to $(PREFIX)/share/man, docs to $(PREFIX)/share/doc/kz
#   make clean

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
BIN     ?= bin
CC      ?= cc
CFLAGS  ?= -O2 -g
SAN     ?=
# The kz version when the tree is not a git checkout (a tarball); in one,
# `git describe --always --dirty` says it (pipeline/version.h)
VERSION  = 0.18
KZ_VERSION := $(shell if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; \
	then git describe --always --dirty 2>/dev/null; fi)
ifeq ($(KZ_VERSION),)
KZ_VERSION := $(VERSION)
endif

PKGS      = libutf8proc yaml-0.1 jansson yajl sqlite3 libxxhash libmicrohttpd
# Debian packages for each pkg-config name, as `make deps` installs them
DEB_libutf8proc = libutf8proc-dev
DEB_yaml-0.1    = libyaml-dev
DEB_jansson     = libjansson-dev
DEB_yajl        = libyajl-dev
DEB_sqlite3     = libsqlite3-dev
DEB_libxxhash   = libxxhash-dev
DEB_libmicrohttpd = libmicrohttpd-dev
DEB_check       = check

DATADIR = $(PREFIX)/share/kz
MANDIR  = $(PREFIX)/share/man
DOCDIR  = $(PREFIX)/share/doc/kz
MAN1    = $(wildcard man/*.1)
MAN5    = $(wildcard man/*.5)
KZ_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	-DKZ_DATADIR='"$(DATADIR)"' -Ipipeline -I$(BUILD)/gen \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
KZ_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)
ifneq ($(SAN),)
KZ_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
KZ_LIBS += -fsanitize=address,undefined
endif

MAIN_SRC = $(wildcard pipeline/kz-*.c)
LIB_SRC  = $(filter-out $(MAIN_SRC),$(wildcard pipeline/*.c))
LIB_OBJ  = $(patsubst pipeline/%.c,$(BUILD)/obj/%.o,$(LIB_SRC))
# kz-review's pages (HTML, CSS, JS) are files in share/review/, compiled in
# as byte arrays so the program needs nothing installed beside it
REVIEW_ASSETS = $(sort $(wildcard share/review/*))
PROGRAMS = $(patsubst pipeline/%.c,$(BIN)/%,$(MAIN_SRC))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(BUILD)/unit-tests

SHARED ?= ../shared

.PHONY: all deps demo check unit e2e readme-test sanitize score bench install uninstall clean fuzz
all: $(PROGRAMS)

# `make V=1` shows the full commands.
Q = $(if $(V),,@)

$(BUILD)/obj/%.o: pipeline/%.c $(wildcard pipeline/*.h) | $(BUILD)/obj
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(KZ_CFLAGS) -c -o $@ $<

$(BUILD)/obj:
	mkdir -p $@

# kz-show's page (HTML template, CSS, JavaScript) and kz-review's pages
# are edited as files and embedded in the binaries as byte arrays, by the
# one script tools/embed-files.sh (xxd, from Debian's package xxd).
SHOW_ASSETS = share/show/report.html share/show/report.css share/show/report.js
$(BUILD)/gen/show_assets.h: tools/embed-files.sh $(SHOW_ASSETS)
$(BUILD)/gen/review_files.h: tools/embed-files.sh $(REVIEW_ASSETS)
$(BUILD)/gen/show_assets.h $(BUILD)/gen/review_files.h:
	@mkdir -p $(@D)
	@$(if $(V),,echo "  GEN     $@")
	$(Q)sh tools/embed-files.sh $@ $(filter-out tools/embed-files.sh,$^)
$(BUILD)/obj/show.o: $(BUILD)/gen/show_assets.h
$(BUILD)/obj/review_assets.o: $(BUILD)/gen/review_files.h

# version.o is rebuilt when the version changes (a commit, an edit that
# makes the tree dirty): the stamp is rewritten only then
$(BUILD)/obj/version.o: KZ_CFLAGS += -DKZ_VERSION='"$(KZ_VERSION)"'
$(BUILD)/obj/version.o: $(BUILD)/version.stamp
$(BUILD)/version.stamp: FORCE | $(BUILD)/obj
	@[ "$$(cat $@ 2>/dev/null)" = "$(KZ_VERSION)" ] || echo "$(KZ_VERSION)" > $@
.PHONY: FORCE
FORCE:
$(BUILD)/libkz.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BIN)/%: pipeline/%.c $(BUILD)/libkz.a $(wildcard pipeline/*.h)
	@mkdir -p $(BIN)
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(KZ_CFLAGS) -o $@ $< $(BUILD)/libkz.a $(KZ_LIBS)

# The unit runner collects every `Suite *suite_NAME(void)` in tests/unit/.
$(BUILD)/suites.h: $(UNIT_SRC) | $(BUILD)/obj
	awk '/^suite_[a-z0-9_]*\(void\)/ { match($$0, /suite_[a-z0-9_]*/); \
	    n[++k] = substr($$0, RSTART, RLENGTH) } \
	    END { for (i = 1; i <= k; i++) print "Suite *" n[i] "(void);"; \
	    printf "#define KZ_SUITES"; for (i = 1; i <= k; i++) printf " %s,", n[i]; print "" }' \
	    $(UNIT_SRC) > $@

$(UNIT_BIN): tests/unit/main.c $(UNIT_SRC) $(BUILD)/suites.h $(BUILD)/libkz.a tests/unit/kz_test.h
	@$(if $(V),,echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(KZ_CFLAGS) $(CHECK_CFLAGS) -I$(BUILD) -Itests/unit \
	    -o $@ tests/unit/main.c $(UNIT_SRC) $(BUILD)/libkz.a $(KZ_LIBS) $(CHECK_LIBS)

# ---------------------------------------------------------------- set-up
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	command -v cc >/dev/null 2>&1 || missing="$$missing gcc"; \
	command -v python3 >/dev/null 2>&1 || missing="$$missing python3"; \
	command -v jq >/dev/null 2>&1 || missing="$$missing jq"; \
	command -v man >/dev/null 2>&1 || missing="$$missing man-db"; \
	command -v mandoc >/dev/null 2>&1 || missing="$$missing mandoc"; \
	command -v valgrind >/dev/null 2>&1 || missing="$$missing valgrind"; \
	command -v xxd >/dev/null 2>&1 || missing="$$missing xxd"; \
	command -v script >/dev/null 2>&1 || missing="$$missing bsdutils"; \
	command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	command -v parallel >/dev/null 2>&1 || missing="$$missing parallel"; \
	for p in $(PKGS) check; do \
	    if ! pkg-config --exists $$p 2>/dev/null; then \
	        case $$p in \
	        libutf8proc) missing="$$missing libutf8proc-dev";; \
	        yaml-0.1) missing="$$missing libyaml-dev";; \
	        jansson) missing="$$missing libjansson-dev";; \
	        yajl) missing="$$missing libyajl-dev";; \
	        sqlite3) missing="$$missing libsqlite3-dev";; \
	        libxxhash) missing="$$missing libxxhash-dev";; \
	        libmicrohttpd) missing="$$missing libmicrohttpd-dev";; \
	        check) missing="$$missing check";; \
	        esac; \
	    fi; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "make deps: installing Debian packages:$$missing"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	else \
	    echo "make deps: all Debian packages present"; \
	fi

demo: deps
	@$(MAKE) --no-print-directory all
	@echo
	@echo "== kz on examples/article.txt =="
	@bin/kz-normalize examples/article.txt | bin/kz-tag | bin/kz-quotes | bin/kz-check | \
	    if [ -x bin/kz-show ]; then bin/kz-show; else cat; fi

# ---------------------------------------------------------------- tests
check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN)
	@$(MAKE) --no-print-directory unit e2e score linear
	@$(MAKE) --no-print-directory browser-test
	@$(MAKE) --no-print-directory sanitize
	@$(MAKE) --no-print-directory fuzz-smoke

unit: $(UNIT_BIN)
	KZ_DATA=$(CURDIR) $(UNIT_BIN)

e2e: all
	KZ_DATA=$(CURDIR) tests/e2e/run.sh $(BIN)

# Linear cost (issue 16): each stage's instructions on an article of N and
# of 4N, counted with valgrind's callgrind (tests/linear/run.sh; about
# half a minute); installs Debian's valgrind first when it is missing.
.PHONY: linear
linear: all
	@command -v valgrind >/dev/null 2>&1 || { \
	    echo "make linear: installing Debian package: valgrind"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q valgrind; }
	KZ_DATA=$(CURDIR) tests/linear/run.sh $(BIN)

# The `$ command` examples of README.md and docs/*.md, run and compared
# with what they show (also part of the e2e suite: readme.tests.sh).
readme-test: all
	tests/readme/check-readme

# The whole suite again, built with AddressSanitizer and UBSan.
sanitize:
	@echo "== unit and end-to-end tests under ASan/UBSan =="
	@$(MAKE) --no-print-directory BUILD=build/san BIN=build/san/bin SAN=1 \
	    CFLAGS="-O1 -g" all build/san/unit-tests
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    KZ_DATA=$(CURDIR) CK_FORK=yes build/san/unit-tests
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    KZ_DATA=$(CURDIR) tests/e2e/run.sh build/san/bin

# Quality floors, with the shared scorer when ../shared is there (CI has it):
# on the seed articles, and on our own articles in tests/articles.
SCORER = $(SHARED)/eval/score.py
SCORE_MIN_SEEDS = --min-entity-f1 1.0 --min-quote-f1 1.0 --min-attribution 1.0 \
	--min-flag-recall 1.0 --max-false-flags 0
SCORE_MIN_OWN = --min-entity-f1 0.97 --min-quote-f1 0.98 --min-attribution 0.9 \
	--min-flag-recall 0.9 --max-false-flags 1
# tests/articles2 was written without looking at the code, to measure how
# kz does on articles nobody tuned for; its floors sit at what is reached
SCORE_MIN_OWN2 = --min-entity-f1 0.94 --min-quote-f1 0.98 --min-attribution 0.91 \
	--min-flag-recall 0.8 --max-false-flags 1
# tests/articles3, written blind too (its README), kz first scored 0.80 /
# 0.58 on it; the floors keep what the general rules since have reached
SCORE_MIN_OWN3 = --min-entity-f1 0.91 --min-quote-f1 0.98 --min-attribution 0.93 \
	--min-flag-recall 0.65 --max-false-flags 1
# tests/articles4, written blind (its README): kz first scored entities F1
# 0.83, attribution 0.80 / 0.84, flags 1/7 on it; the floors keep what the
# general rules and gazetteer entries since have reached
SCORE_MIN_OWN4 = --min-entity-f1 0.87 --min-quote-f1 0.98 --min-attribution 0.92 \
	--min-flag-recall 0.7 --max-false-flags 1
# tests/articles5: a fifth corpus, written blind (helper session, December
# 2026, without seeing the code or kz's output) on topics and page styles
# the others lack. First figures, before anyone read its misses: entities
# F1 0.75, quotes 0.98, attribution 0.62, flags 0/1 with 1 false; the
# floors keep what the general rules since have reached (0.85 / 0.84).
SCORE_MIN_OWN5 = --min-entity-f1 0.84 --min-quote-f1 0.98 --min-attribution 0.83 \
	--max-false-flags 1
# tests/articles6: a sixth corpus, written blind (helper session, December
# 2026) after the rules of that day; first figures, before anyone read its
# misses: entities F1 0.76, quotes 0.94, attribution 0.62 / 0.73, flags 2/5
# with 2 false. The floors hold those figures; nobody has read its misses.
SCORE_MIN_OWN6 = --min-entity-f1 0.75 --min-quote-f1 0.93 --min-attribution 0.61 \
	--max-false-flags 2
# ../shared/real: 33 real pages from 33 outlets (a development set: only the
# misses of d01-d22 are read). The floors keep what has been reached, so
# that no change costs real pages what it gains on our own corpora.
REAL = $(SHARED)/real
SCORE_MIN_REAL = --min-entity-f1 0.90 --min-quote-f1 0.98 --min-attribution 0.80 \
	--min-flag-recall 1.0 --max-false-flags 0
score: all
	@if [ -f $(SCORER) ]; then \
	    echo "== scores on the seed articles ($(SHARED)/seeds) =="; \
	    python3 $(SCORER) $(SCORE_MIN_SEEDS) $(SHARED)/seeds || exit 1; \
	    echo "== scores on our own articles (tests/articles) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN) tests/articles examples || exit 1; \
	    echo "== scores on our second corpus (tests/articles2) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN2) tests/articles2 || exit 1; \
	    echo "== scores on our third corpus (tests/articles3) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN3) tests/articles3 || exit 1; \
	    echo "== scores on our fourth corpus (tests/articles4) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN4) tests/articles4 || exit 1; \
	    echo "== scores on our fifth corpus (tests/articles5) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN5) tests/articles5 || exit 1; \
	    echo "== scores on our sixth corpus (tests/articles6) =="; \
	    python3 $(SCORER) $(SCORE_MIN_OWN6) tests/articles6 || exit 1; \
	    if [ -d $(REAL) ]; then \
	    echo "== scores on real news pages ($(REAL)) =="; \
	    python3 $(SCORER) $(SCORE_MIN_REAL) $(REAL) || exit 1; fi; \
	else echo "== $(SCORER) not here: scores skipped =="; fi

bench: all
	tests/bench/run.sh

# ---------------------------------------------------------------- install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/gazetteers $(DESTDIR)$(DATADIR)/rules
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 gazetteers/*.yaml $(DESTDIR)$(DATADIR)/gazetteers/
	install -m 644 rules/*.yaml $(DESTDIR)$(DATADIR)/rules/
	install -m 644 pipeline.yaml $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	install -m 644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/

uninstall:
	rm -f $(patsubst $(BIN)/%,$(DESTDIR)$(PREFIX)/bin/%,$(PROGRAMS))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man1/%,$(MAN1))
	rm -f $(patsubst man/%,$(DESTDIR)$(MANDIR)/man5/%,$(MAN5))
	rm -rf $(DESTDIR)$(DATADIR) $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build bin

# ---------------------------------------------------------------- browser test
# kz-show --html in a real headless browser (tests/browser/run.sh), and an
# editor at kz-review's page, driven over the DevTools pipe
# (tests/browser/review.sh); installs Debian's chromium first when it is
# missing. Part of `check`.
.PHONY: browser-test
browser-test: all
	@command -v chromium >/dev/null 2>&1 || { \
	    echo "make browser-test: installing Debian package: chromium"; \
	    if [ "$$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi; \
	    $$SUDO apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }
	KZ_DATA=$(CURDIR) tests/browser/run.sh $(BIN)
	KZ_DATA=$(CURDIR) tests/browser/review.sh $(BIN)

# The README's figures of kz-review are the browser test's own screenshots
# (the queue as it loads; `c` with a quote's words fixed), taken again here.
.PHONY: review-figures
review-figures: browser-test
	cp $(BUILD)/browser/review-queue.png docs/kz-review.png
	cp $(BUILD)/browser/review-correct.png docs/kz-review-correct.png

# ---------------------------------------------------------------- fuzzing (issue 7)
# libFuzzer targets in tests/fuzz/ (clang, ASan, UBSan; docs/hostile-input.md).
#   make fuzz FUZZ_SECONDS=600   each target that long (default 60); new
#                                inputs kept in build/fuzz/corpus/
#   make fuzz-smoke              every regression input and seed, then each
#                                target a few seconds; says so and passes
#                                when clang/libFuzzer is missing
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= 1
.PHONY: fuzz fuzz-smoke
fuzz:
	tests/fuzz/run.sh --seconds $(FUZZ_SECONDS) --jobs $(FUZZ_JOBS)

fuzz-smoke:
	tests/fuzz/run.sh --smoke
