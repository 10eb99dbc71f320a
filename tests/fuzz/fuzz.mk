# tests/fuzz/fuzz.mk - build the libFuzzer targets of tests/fuzz/.
# Run from the repository root (tests/fuzz/run.sh does):
#     make -f tests/fuzz/fuzz.mk [FUZZ_BUILD=build/fuzz] [TARGETS="record yaml"]
#
# The library (pipeline/*.c but the programs' mains, pipeline/kz-*.c) is
# compiled with clang, ASan, UBSan and libFuzzer's coverage; each target is
# tests/fuzz/fuzz_TARGET.c linked against it.

FUZZ_CC    ?= clang
FUZZ_BUILD ?= build/fuzz
PKGS        = libutf8proc yaml-0.1 jansson yajl sqlite3 libxxhash libmicrohttpd

SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
           -fno-omit-frame-pointer
FUZZ_CFLAGS ?= -g -O1
BASE     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Ipipeline \
           -I$(FUZZ_BUILD)/gen \
           $(shell pkg-config --cflags $(PKGS)) $(FUZZ_CFLAGS) $(SAN)
LIB_CFLAGS     = $(BASE) -fsanitize=fuzzer-no-link -Wall -Wextra \
           -Wno-unused-parameter -DKZ_DATADIR='"/nonexistent/kz"'
HARNESS_CFLAGS = $(BASE) -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror -Wno-unused-function \
           -DKZ_FUZZ_ROOT='"$(CURDIR)"'
LIBS     = $(shell pkg-config --libs $(PKGS)) -lm -lpthread

# LIB_EXCLUDE: library sources to leave out (a module someone is halfway
# through writing, that nothing linked here needs yet).
LIB_EXCLUDE ?=
LIB_SRC  = $(filter-out pipeline/kz-%.c $(LIB_EXCLUDE),$(wildcard pipeline/*.c))
LIB_OBJ  = $(patsubst pipeline/%.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRC))

# Targets that need a module only build when it is there.
ALL_TARGETS = record input normalize gazetteer quotes stages rules yaml \
    $(if $(wildcard pipeline/show.c),show) \
    $(if $(wildcard pipeline/runner.c),pipeline) \
    $(if $(wildcard pipeline/gazcache.c),gzcache)
TARGETS ?= $(ALL_TARGETS)

all: $(patsubst %,$(FUZZ_BUILD)/fuzz_%,$(TARGETS))

list:
	@echo $(ALL_TARGETS)

$(FUZZ_BUILD)/obj/%.o: pipeline/%.c $(wildcard pipeline/*.h) | $(FUZZ_BUILD)/obj
	@echo "  CC      $< (fuzz)"
	@$(FUZZ_CC) $(LIB_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/obj:
	@mkdir -p $@

# kz-show's and kz-review's pages, embedded as the main Makefile does
SHOW_ASSETS = share/show/report.html share/show/report.css share/show/report.js
REVIEW_ASSETS = $(sort $(wildcard share/review/*))
$(FUZZ_BUILD)/gen/show_assets.h: tools/embed-files.sh $(SHOW_ASSETS)
$(FUZZ_BUILD)/gen/review_files.h: tools/embed-files.sh $(REVIEW_ASSETS)
$(FUZZ_BUILD)/gen/show_assets.h $(FUZZ_BUILD)/gen/review_files.h:
	@mkdir -p $(@D)
	@sh tools/embed-files.sh $@ $(filter-out tools/embed-files.sh,$^)
$(FUZZ_BUILD)/obj/show.o: $(FUZZ_BUILD)/gen/show_assets.h
$(FUZZ_BUILD)/obj/review_assets.o: $(FUZZ_BUILD)/gen/review_files.h

$(FUZZ_BUILD)/libkz-fuzz.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h \
    $(FUZZ_BUILD)/libkz-fuzz.a
	@echo "  LINK    $@"
	@$(FUZZ_CC) $(HARNESS_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_BUILD)/libkz-fuzz.a $(LIBS)

.PHONY: all list
