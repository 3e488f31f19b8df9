-include config.mk
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl's committed Makefile (wireguard-tools style; autoconf only writes
# config.mk and src/config.h).  From a fresh clone, `make`, `make check` and
# `make demo` bootstrap themselves: build-aux/deps.sh installs what is
# missing, autoreconf -fi writes configure, configure writes config.mk.
#
#   make [V=1]            build ./tapctl
#   make check            unit, bats, ASan/UBSan, docs and cppcheck parts; one
#                         "N passed, N failed" line at the end (run as root)
#   make check-PART       one part: unit bats asan (asan-unit asan-bats) docs
#                         cppcheck
#   make demo             build-aux/demo.sh
#   make bench            bench/run.sh (root; QUICK=1 for a short run)
#   make fuzz             fuzz/run.sh (FUZZ_TIME=seconds per target)
#   make install [DESTDIR=...] [prefix=...]   and uninstall
#   make dist distcheck clean distclean maintainer-clean cppcheck deps help

SHELL := /bin/bash
.DEFAULT_GOAL := all

# Fallbacks for the first pass before configure has run (and for the few
# targets that never need it).
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
prefix ?= /usr/local
exec_prefix ?= $(prefix)
sbindir ?= $(exec_prefix)/sbin
datarootdir ?= $(prefix)/share
datadir ?= $(datarootdir)
mandir ?= $(datarootdir)/man
BASH_COMPLETION_DIR ?= $(datadir)/bash-completion/completions
ZSH_COMPLETION_DIR ?= $(datadir)/zsh/vendor-completions
VERSION ?= $(shell build-aux/version.sh)

# CI runs with CI=true: warnings are errors even with an old config.mk.
ifeq ($(CI),true)
WERROR := -Werror
CI_CONFIGURE_FLAGS := --enable-werror
endif

ifeq ($(V),1)
quiet =
else
quiet = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

HASH := \#

# -include config.h: AC_USE_SYSTEM_EXTENSIONS (_GNU_SOURCE, for setns() and
# friends) must be seen before the first system header of every file.
TAPCTL_CPPFLAGS = -Isrc -include src/config.h -D_FORTIFY_SOURCE=2 \
	$(MNL_CFLAGS) $(POPT_CFLAGS) $(EXTRA_CPPFLAGS)
TAPCTL_CFLAGS = -std=gnu11 -Wall -Wextra -MMD -MP -O2 -g \
	-fstack-protector-strong $(WERROR)
TAPCTL_LDFLAGS = -Wl,-z,relro -Wl,-z,now
LIBS = $(MNL_LIBS) $(POPT_LIBS)

# User CFLAGS come after ours so that `make CFLAGS=-O0` wins.
ALL_CFLAGS = $(TAPCTL_CPPFLAGS) $(CPPFLAGS) $(TAPCTL_CFLAGS) $(CFLAGS) $(SAN_CFLAGS)
ALL_LDFLAGS = $(CFLAGS) $(SAN_CFLAGS) $(TAPCTL_LDFLAGS) $(LDFLAGS)

# The sanitized build: -O1 for usable stacks; fortify off, as ASan does
# those checks itself and better.
ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
ASAN_CFLAGS = $(TAPCTL_CPPFLAGS) $(CPPFLAGS) -U_FORTIFY_SOURCE \
	$(TAPCTL_CFLAGS) $(CFLAGS) -O1 $(ASAN_FLAGS)
ASAN_LDFLAGS = $(CFLAGS) $(ASAN_FLAGS) $(TAPCTL_LDFLAGS) $(LDFLAGS)

SRCS := $(wildcard src/*.c)
OBJS := $(SRCS:%.c=build/%.o)
ASAN_OBJS := $(SRCS:%.c=build-asan/%.o)
# Unit tests link everything but main.o, through an archive so that each
# test pulls in only the modules it uses.
LIB_OBJS := $(filter-out build/src/main.o,$(OBJS))
ASAN_LIB_OBJS := $(filter-out build-asan/src/main.o,$(ASAN_OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_OBJS := $(UNIT_SRCS:%.c=build/%.o)
UNIT_BINS := $(UNIT_SRCS:%.c=build/%)
ASAN_UNIT_OBJS := $(UNIT_SRCS:%.c=build-asan/%.o)
ASAN_UNIT_BINS := $(UNIT_SRCS:%.c=build-asan/%)

HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPERS := $(HELPER_SRCS:%.c=%)

BATS_FILES := $(wildcard tests/*.bats)

MAN_IN := $(wildcard man/tapctl.8.in)
BASH_COMP := $(wildcard completions/tapctl.bash)
ZSH_COMP := $(wildcard completions/_tapctl)
SHELL_SCRIPTS := $(wildcard build-aux/*.sh) .ci/run tests/test_helper/common.bash \
	$(BASH_COMP)

.PHONY: all deps check check-unit check-bats check-asan check-asan-unit \
	check-asan-bats check-docs \
	check-cppcheck cppcheck demo bench fuzz install uninstall dist distcheck \
	clean distclean maintainer-clean help

all: tapctl

# ---------------------------------------------------------------- bootstrap
# Goals that must not run configure on a fresh clone.
NOCONFIG_GOALS := clean distclean maintainer-clean deps dist distcheck help
ifneq ($(MAKECMDGOALS),)
ifeq ($(filter-out $(NOCONFIG_GOALS),$(MAKECMDGOALS)),)
NOCONFIG := 1
endif
endif

ifndef NOCONFIG
# An explicit CONFIGURE_FLAGS reconfigures from scratch; otherwise keep the
# options of the last ./configure.
config.mk: configure config.mk.in
	@if [ -z "$(CONFIGURE_FLAGS)$(CI_CONFIGURE_FLAGS)" ] && [ -x config.status ] && [ -f config.mk ]; then \
		echo "./config.status --recheck"; ./config.status --recheck && ./config.status; \
	else \
		echo "./configure $(CONFIGURE_FLAGS) $(CI_CONFIGURE_FLAGS)"; \
		./configure $(CONFIGURE_FLAGS) $(CI_CONFIGURE_FLAGS); \
	fi
	@touch $@

configure: configure.ac build-aux/version.sh
	build-aux/deps.sh --build
	autoreconf -fi
	@touch $@

# config.status leaves an unchanged header alone; touch it so that a new
# config.mk (new flags) rebuilds everything.
src/config.h: config.mk
	@test -f $@ || ./config.status $@
	@touch $@
endif

deps:
	@build-aux/deps.sh

# -------------------------------------------------------------------- build
tapctl: $(OBJS)
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

build-asan/tapctl: $(ASAN_OBJS)
	$(call quiet,LD,$@)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

$(OBJS) $(UNIT_OBJS): build/%.o: %.c src/config.h
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ASAN_OBJS) $(ASAN_UNIT_OBJS): build-asan/%.o: %.c src/config.h
	@mkdir -p $(@D)
	$(call quiet,CC,$@)$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(UNIT_OBJS) $(ASAN_UNIT_OBJS): EXTRA_CPPFLAGS = -Itests/unit

build/libtapctl.a: $(LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

build-asan/libtapctl.a: $(ASAN_LIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(UNIT_BINS): build/%: build/%.o build/libtapctl.a
	$(call quiet,LD,$@)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(ASAN_UNIT_BINS): build-asan/%: build-asan/%.o build-asan/libtapctl.a
	$(call quiet,LD,$@)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

# Test probes: standalone programs, none of tapctl's objects.
$(HELPERS): tests/helpers/%: tests/helpers/%.c src/config.h
	@mkdir -p build/tests/helpers
	$(call quiet,CC,$@)$(CC) $(ALL_CFLAGS) -MF build/tests/helpers/$*.d \
		$(ALL_LDFLAGS) -o $@ $< -Wl,--as-needed $(LIBS)

build/tapctl.8: $(MAN_IN) config.mk
	@mkdir -p $(@D)
	$(call quiet,GEN,$@)sed 's/@VERSION@/$(VERSION)/g' $< > $@

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) \
	$(ASAN_UNIT_OBJS:.o=.d) $(HELPERS:tests/helpers/%=build/tests/helpers/%.d)

# -------------------------------------------------------------------- check
# Every part writes TAP to build/check-PART.tap (and to the terminal) and
# closes each runner's output with "# exit status: N";
# build-aux/tap-summary.awk counts it.  `make check` runs all parts even
# when one fails, then prints one "N passed, N failed[, N skipped]" line
# and fails if anything failed.
CHECK_PARTS := unit bats asan-unit asan-bats docs cppcheck

BATS ?= bats
BATS_FLAGS ?= --tap --timing --print-output-on-failure
# A hung test must not hang CI: per test, and for each whole bats run.
BATS_TEST_TIMEOUT ?= 120
BATS_TIMEOUT ?= 600
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1

CPPCHECK ?= cppcheck
CPPCHECK_FLAGS = --enable=warning,performance,portability --error-exitcode=1 \
	--inline-suppr -q --std=c11 -I src --include=src/config.h \
	--suppress=missingIncludeSystem

# $(1): part name, $(2): shell commands printing TAP.
run_part = mkdir -p build; { $(2); } 2>&1 | tee build/check-$(1).tap; \
	awk -f build-aux/tap-summary.awk build/check-$(1).tap

# $(1): unit-test binaries; each is its own section.
run_units = $(if $(1),for t in $(1); do echo "$(HASH) $$t"; $$t; \
	echo "$(HASH) exit status: $$?"; done,echo "1..0 $(HASH) no unit tests")

# $(1): the tapctl binary to test.
run_bats = $(if $(BATS_FILES),\
	[ "$$(id -u)" = 0 ] || echo "$(HASH) not root: the bats tests will skip"; \
	TAPCTL=$(1) BATS_TEST_TIMEOUT=$(BATS_TEST_TIMEOUT) \
		timeout -k 10 $(BATS_TIMEOUT) $(BATS) $(BATS_FLAGS) $(BATS_FILES); \
	echo "$(HASH) exit status: $$?",echo "1..0 $(HASH) no bats files")

check: deps
	@mkdir -p build; rm -f $(CHECK_PARTS:%=build/check-%.tap); \
	for p in $(CHECK_PARTS); do \
		echo "$(HASH)$(HASH) check-$$p"; \
		$(MAKE) --no-print-directory -k check-$$p || :; \
		[ -s build/check-$$p.tap ] || \
			printf 'not ok 1 - check-%s did not run: see the errors above\n' \
				"$$p" > build/check-$$p.tap; \
	done; \
	echo; awk -v total=1 -f build-aux/tap-summary.awk $(CHECK_PARTS:%=build/check-%.tap)

check-unit: $(UNIT_BINS)
	@$(call run_part,unit,$(call run_units,$(UNIT_BINS)))

check-bats: tapctl $(HELPERS)
	@$(call run_part,bats,$(call run_bats,$(CURDIR)/tapctl))

# Two parts, so that a unit test that does not build cannot hide the bats
# results, and the other way round.
check-asan:
	@rc=0; for p in asan-unit asan-bats; do \
		$(MAKE) --no-print-directory check-$$p || rc=1; \
	done; exit $$rc

check-asan-unit: $(ASAN_UNIT_BINS)
	@$(call run_part,asan-unit,export $(ASAN_ENV); $(call run_units,$(ASAN_UNIT_BINS)))

check-asan-bats: build-asan/tapctl $(HELPERS)
	@$(call run_part,asan-bats,export $(ASAN_ENV); $(call run_bats,$(CURDIR)/build-asan/tapctl))

# Shell sources must be shellcheck-clean.  The man page and the completions'
# behaviour are checked by tests/80-docs.bats and tests/70-completion.bats.
check-docs:
	@$(call run_part,docs,$(check_docs_sh))

check_docs_sh = set -- $(SHELL_SCRIPTS); echo "1..$$\#"; i=0; \
	for f; do i=$$((i + 1)); \
		if ! command -v shellcheck >/dev/null; then \
			echo "ok $$i - shellcheck $$f $(HASH) skip shellcheck not installed"; \
		elif out=$$(shellcheck "$$f" 2>&1); then \
			echo "ok $$i - shellcheck $$f"; \
		else \
			echo "not ok $$i - shellcheck $$f"; \
			printf '%s\n' "$$out" | sed 's/^/$(HASH) /'; \
		fi; \
	done; echo "$(HASH) exit status: 0"

check-cppcheck: src/config.h
	@$(call run_part,cppcheck,$(check_cppcheck_sh))

check_cppcheck_sh = echo 1..1; \
	if ! command -v $(CPPCHECK) >/dev/null; then \
		echo "ok 1 - cppcheck $(HASH) skip cppcheck not installed"; \
	elif out=$$($(CPPCHECK) $(CPPCHECK_FLAGS) src 2>&1); then \
		echo "ok 1 - cppcheck src"; \
	else \
		echo "not ok 1 - cppcheck src"; \
		printf '%s\n' "$$out" | sed 's/^/$(HASH) /'; \
	fi; echo "$(HASH) exit status: 0"

cppcheck: src/config.h
	$(CPPCHECK) $(CPPCHECK_FLAGS) src

# --------------------------------------------------------------------- demo
demo: deps tapctl
	@if [ -f build-aux/demo.sh ]; then \
		TAPCTL=$(CURDIR)/tapctl bash build-aux/demo.sh; \
	else \
		echo "make demo: build-aux/demo.sh is not there yet" >&2; exit 1; \
	fi

# ------------------------------------------------------------ bench, fuzz
# Never part of check: see bench/README.md and fuzz/README.md.
bench: tapctl
	TAPCTL=$(CURDIR)/tapctl QUICK=$(QUICK) bench/run.sh

fuzz: src/config.h
	fuzz/run.sh

# ------------------------------------------------------------------ install
install: tapctl $(if $(MAN_IN),build/tapctl.8)
	install -D -m 0755 tapctl $(DESTDIR)$(sbindir)/tapctl
ifneq ($(MAN_IN),)
	install -D -m 0644 build/tapctl.8 $(DESTDIR)$(mandir)/man8/tapctl.8
endif
ifneq ($(and $(BASH_COMP),$(BASH_COMPLETION_DIR)),)
	install -D -m 0644 $(BASH_COMP) $(DESTDIR)$(BASH_COMPLETION_DIR)/tapctl
endif
ifneq ($(and $(ZSH_COMP),$(ZSH_COMPLETION_DIR)),)
	install -D -m 0644 $(ZSH_COMP) $(DESTDIR)$(ZSH_COMPLETION_DIR)/_tapctl
endif

uninstall:
	rm -f $(DESTDIR)$(sbindir)/tapctl $(DESTDIR)$(mandir)/man8/tapctl.8
ifneq ($(BASH_COMPLETION_DIR),)
	rm -f $(DESTDIR)$(BASH_COMPLETION_DIR)/tapctl
endif
ifneq ($(ZSH_COMPLETION_DIR),)
	rm -f $(DESTDIR)$(ZSH_COMPLETION_DIR)/_tapctl
endif

# --------------------------------------------------------------------- dist
# The tracked files as they are in the work tree, plus a configure made
# inside the copy from .tarball-version, so the tarball needs no autoconf.
dist:
	@set -e; v=$$(build-aux/version.sh); d=tapctl-$$v; \
	rm -rf build/dist; mkdir -p build/dist/$$d; \
	git ls-files -z | tar --null -T - -cf - | tar -C build/dist/$$d -xf -; \
	echo "$$v" > build/dist/$$d/.tarball-version; \
	(cd build/dist/$$d && autoreconf -fi && rm -rf autom4te.cache configure~ src/config.h.in~); \
	tar -C build/dist --owner=0 --group=0 --numeric-owner --sort=name \
		-czf $$d.tar.gz $$d; \
	rm -rf build/dist; \
	echo "  DIST    $$d.tar.gz"

distcheck: dist
	@set -e; v=$$(build-aux/version.sh); d=tapctl-$$v; \
	tmp=$$(mktemp -d); trap 'chmod -R u+w "$$tmp"; rm -rf "$$tmp"' EXIT; \
	tar -C "$$tmp" -xzf $$d.tar.gz; \
	cd "$$tmp/$$d"; \
	./configure $(DISTCHECK_CONFIGURE_FLAGS); \
	$(MAKE) --no-print-directory; \
	$(MAKE) --no-print-directory check-unit; \
	$(MAKE) --no-print-directory install DESTDIR="$$tmp/inst"; \
	$(MAKE) --no-print-directory uninstall DESTDIR="$$tmp/inst"; \
	left=$$(find "$$tmp/inst" -type f); \
	if [ -n "$$left" ]; then echo "distcheck: uninstall left: $$left" >&2; exit 1; fi; \
	$(MAKE) --no-print-directory distclean; \
	echo "$$d.tar.gz is ready for distribution"

# -------------------------------------------------------------------- clean
clean:
	rm -rf build build-asan tapctl $(HELPERS)

distclean: clean
	rm -rf config.mk config.status config.log src/config.h autom4te.cache \
		configure~ src/config.h.in~

maintainer-clean: distclean
	rm -f configure aclocal.m4 src/config.h.in

help:
	@sed -n '/^#   make/,/^$$/s/^# \{0,1\}//p' Makefile
