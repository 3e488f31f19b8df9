-include config.mk
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl's committed Makefile (wireguard-tools style; autoconf only writes
# config.mk and src/config.h).  From a fresh clone, `make`, `make check` and
# `make demo` bootstrap themselves: build-aux/deps.sh installs what is
# missing, autoreconf -fi writes configure, configure writes config.mk.
#
#   make [V=1]            build ./tapctl
#   make check            unit, bats, vm, ASan/UBSan, docs and cppcheck parts;
#                         one "N passed, N failed" line at the end (run as root)
#   make check-PART       one part: unit bats vm asan (asan-unit asan-bats) docs
#                         cppcheck
#   make demo             build-aux/demo.sh
#   make bench            bench/run.sh (root; QUICK=1 for a short run)
#   make fuzz             fuzz/run.sh (FUZZ_TIME=seconds per target)
#   make install [DESTDIR=...] [prefix=...]   and uninstall
#   make deb              the Debian package, from a clean copy of the tree:
#                         ./tapctl_VERSION_ARCH.deb (logs in build/deb/)
#   make lintian          lintian --fail-on error,warning on it
#   make check-deb        as root: build, lintian, install, the bats suite
#                         against /usr/sbin/tapctl, purge (CI: CHECK_MORE=deb)
#   make check-installed [INSTALLED_TAPCTL=/usr/sbin/tapctl]   the bats
#                         suite against an installed tapctl (autopkgtest)
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
# Absolute, as configure makes them (see configure.ac); empty: not installed.
systemdsystemunitdir ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
tmpfilesdir ?= $(or $(shell $(PKG_CONFIG) --variable=tmpfilesdir systemd 2>/dev/null),/usr/lib/tmpfiles.d)
ifupdowndir ?= /etc/network
tapctlconfdir ?= /etc/tapctl
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
	$(wildcard tests/fault/*.sh tests/vm/*.sh tests/vm/init) $(BASH_COMP) \
	$(wildcard ifupdown/tapctl.in debian/tests/bats)

# Installed with @SBINDIR@ replaced by the real sbindir.
SUBST_FILES := build/tapctl.service build/ifupdown-tapctl

.PHONY: all deps check check-unit check-bats check-vm check-asan check-asan-unit \
	check-asan-bats check-docs check-deb check-installed deb lintian \
	check-cppcheck cppcheck demo bench fuzz install uninstall dist distcheck \
	clean distclean maintainer-clean help

all: tapctl

# ---------------------------------------------------------------- bootstrap
# Goals that must not run configure on a fresh clone.
NOCONFIG_GOALS := clean distclean maintainer-clean deps dist distcheck help \
	deb lintian
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

build/tapctl.service: systemd/tapctl.service.in config.mk
build/ifupdown-tapctl: ifupdown/tapctl.in config.mk
$(SUBST_FILES):
	@mkdir -p $(@D)
	$(call quiet,GEN,$@)sed 's|@SBINDIR@|$(sbindir)|g' $< > $@

-include $(OBJS:.o=.d) $(ASAN_OBJS:.o=.d) $(UNIT_OBJS:.o=.d) \
	$(ASAN_UNIT_OBJS:.o=.d) $(HELPERS:tests/helpers/%=build/tests/helpers/%.d)

# -------------------------------------------------------------------- check
# Every part writes TAP to build/check-PART.tap (and to the terminal) and
# closes each runner's output with "# exit status: N";
# build-aux/tap-summary.awk counts it.  `make check` runs all parts even
# when one fails, then prints one "N passed, N failed[, N skipped]" line
# and fails if anything failed.
# CHECK_MORE=deb adds check-deb (CI does).
CHECK_PARTS := unit bats vm asan-unit asan-bats docs cppcheck $(CHECK_MORE)

# Bats files that need CONFIG_BRIDGE_VLAN_FILTERING.  check-bats runs them
# like all the others (on a kernel without it, their tests skip); when the
# running kernel cannot make a vlan_filtering bridge (probed in a throwaway
# namespace), check-vm runs them again under Debian's own kernel in a QEMU
# (TCG) VM: tests/vm/run.sh.  No QEMU or no kernel package is a failure.
VM_BATS_FILES ?= tests/85-vlan.bats tests/86-vlan.bats
VM_TIMEOUT ?= 600

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

check-vm: tapctl $(HELPERS)
	@$(call run_part,vm,$(check_vm_sh))

# Exit 0 if the running kernel makes a VLAN-filtering bridge.
vlan_probe_sh = ns=tapctl-vprobe-$$$$; ip netns add $$ns >/dev/null 2>&1 || exit 1; \
	ip -n $$ns link add br0 type bridge vlan_filtering 1 >/dev/null 2>&1; \
	r=$$?; ip netns del $$ns; exit $$r

check_vm_sh = if [ -z "$(VM_BATS_FILES)" ]; then \
		echo "1..0 $(HASH) no VM bats files"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo 1..1; echo "ok 1 - check-vm $(HASH) skip not root"; \
	elif ( $(vlan_probe_sh) ); then \
		echo 1..1; \
		echo "ok 1 - check-vm $(HASH) skip not needed: the running kernel filters VLANs, check-bats ran $(VM_BATS_FILES) natively"; \
	else \
		echo "$(HASH) the running kernel ($$(uname -r)) cannot make a vlan_filtering bridge:"; \
		echo "$(HASH) $(VM_BATS_FILES) run again under Debian's kernel in QEMU (TCG)"; \
		BATS_FLAGS='$(BATS_FLAGS)' BATS_TEST_TIMEOUT=$(BATS_TEST_TIMEOUT) \
			VM_TIMEOUT=$(VM_TIMEOUT) tests/vm/run.sh --tapctl $(CURDIR)/tapctl \
			$(VM_BATS_FILES); \
	fi; echo "$(HASH) exit status: $$?"

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
install: tapctl $(if $(MAN_IN),build/tapctl.8) $(SUBST_FILES)
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
ifneq ($(systemdsystemunitdir),)
	install -D -m 0644 build/tapctl.service $(DESTDIR)$(systemdsystemunitdir)/tapctl.service
endif
ifneq ($(tmpfilesdir),)
	install -D -m 0644 systemd/tapctl-tmpfiles.conf $(DESTDIR)$(tmpfilesdir)/tapctl.conf
endif
ifneq ($(ifupdowndir),)
	install -D -m 0755 build/ifupdown-tapctl $(DESTDIR)$(ifupdowndir)/if-pre-up.d/tapctl
	install -D -m 0755 build/ifupdown-tapctl $(DESTDIR)$(ifupdowndir)/if-post-down.d/tapctl
endif
ifneq ($(tapctlconfdir),)
	@# An administrator's declarations are never overwritten.
	@f=$(DESTDIR)$(tapctlconfdir)/devices.conf; \
	if [ -e "$$f" ]; then echo "  keeping $$f"; \
	else echo "install -D -m 0644 etc/devices.conf $$f"; \
		install -D -m 0644 etc/devices.conf "$$f"; fi
endif

uninstall:
	rm -f $(DESTDIR)$(sbindir)/tapctl $(DESTDIR)$(mandir)/man8/tapctl.8
ifneq ($(BASH_COMPLETION_DIR),)
	rm -f $(DESTDIR)$(BASH_COMPLETION_DIR)/tapctl
endif
ifneq ($(ZSH_COMPLETION_DIR),)
	rm -f $(DESTDIR)$(ZSH_COMPLETION_DIR)/_tapctl
endif
ifneq ($(systemdsystemunitdir),)
	rm -f $(DESTDIR)$(systemdsystemunitdir)/tapctl.service
endif
ifneq ($(tmpfilesdir),)
	rm -f $(DESTDIR)$(tmpfilesdir)/tapctl.conf
endif
ifneq ($(ifupdowndir),)
	rm -f $(DESTDIR)$(ifupdowndir)/if-pre-up.d/tapctl \
		$(DESTDIR)$(ifupdowndir)/if-post-down.d/tapctl
endif
ifneq ($(tapctlconfdir),)
	@# Only the example as installed: edited declarations stay.
	@f=$(DESTDIR)$(tapctlconfdir)/devices.conf; \
	if [ -e "$$f" ] && ! cmp -s etc/devices.conf "$$f"; then \
		echo "  keeping $$f (changed)"; \
	else echo "rm -f $$f"; rm -f "$$f"; \
		rmdir "$(DESTDIR)$(tapctlconfdir)" 2>/dev/null || :; fi
endif

# ---------------------------------------------------------------------- deb
# dpkg-buildpackage in build/deb/tapctl, a copy of the tracked files (of
# everything but build output in a tree that is not a git work tree, such
# as an unpacked tarball), so that the tree's own build is left alone and
# the results land in build/deb/, never in the tree's parent.  A full
# build (source too: the .dsc is what autopkgtest and lintian's source
# checks take).  The .deb is copied here, as `make dist` leaves its
# tarball here.
DEB_DIR := build/deb

deb:
	@build-aux/deps.sh --deb
	@set -e; rm -rf $(DEB_DIR); mkdir -p $(DEB_DIR)/tapctl; \
	if [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ]; then \
		git ls-files -z | tar --null -T - -cf - | tar -C $(DEB_DIR)/tapctl -xf -; \
	else \
		tar --exclude=./build --exclude=./build-asan --exclude='./*.deb' \
			--exclude=./tapctl-\*.tar.gz -cf - . | tar -C $(DEB_DIR)/tapctl -xf -; \
	fi; \
	echo "  DPKG    $(DEB_DIR)/build.log"; \
	if ! (cd $(DEB_DIR)/tapctl && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		dpkg-buildpackage -us -uc) > $(DEB_DIR)/build.log 2>&1; then \
		tail -n 40 $(DEB_DIR)/build.log >&2; \
		echo "make deb: dpkg-buildpackage failed: see $(DEB_DIR)/build.log" >&2; \
		exit 1; \
	fi; \
	rm -f tapctl_*.deb; cp $(DEB_DIR)/tapctl_*.deb .; \
	for f in tapctl_*.deb; do echo "  DEB     $$f"; done

lintian:
	@set -- $(DEB_DIR)/tapctl_*.changes; [ -e "$$1" ] || \
		{ echo "make lintian: no package: run make deb" >&2; exit 1; }; \
	echo "lintian --fail-on error,warning $$*"; \
	lintian --fail-on error,warning "$$@"

# The bats suite against an installed tapctl (the autopkgtest runs this);
# only the test probes are built.
INSTALLED_TAPCTL ?= /usr/sbin/tapctl

check-installed: $(HELPERS)
	@$(call run_part,installed,$(call run_bats,$(INSTALLED_TAPCTL)))

# TAP for the whole round trip; see build-aux/check-deb.sh.
check-deb: $(HELPERS)
	@$(call run_part,deb,BATS="$(BATS)" BATS_FLAGS="$(BATS_FLAGS)" \
		BATS_FILES="$(BATS_FILES)" BATS_TEST_TIMEOUT=$(BATS_TEST_TIMEOUT) \
		BATS_TIMEOUT=$(BATS_TIMEOUT) MAKE="$(MAKE)" build-aux/check-deb.sh)

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
	rm -rf build build-asan tapctl $(HELPERS) tapctl_*.deb

distclean: clean
	rm -rf config.mk config.status config.log src/config.h autom4te.cache \
		configure~ src/config.h.in~

maintainer-clean: distclean
	rm -f configure aclocal.m4 src/config.h.in

help:
	@sed -n '/^#   make/,/^$$/s/^# \{0,1\}//p' Makefile
