#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install, on Debian 12, the packages tapctl needs to build (--build) or to
# build, test and demo (default).  Idempotent: asks dpkg what is missing
# and runs apt-get (update once, then install) only for that.
#
#   build-aux/deps.sh [--build|--deb] [--check]
#     --build   only what `./configure && make` needs
#     --deb     what `make deb` needs: --build's, debhelper, lintian, and
#               systemd.pc (debian/control's Build-Depends)
#     --check   list what is missing and exit 1 if anything is; install nothing
#
# SKIP_DEPS=1 in the environment turns this into a no-op.

set -eu

# busybox-static, cpio and kmod: tests/vm/run.sh's initramfs and module
# tree for Debian's kernel (which it fetches itself with apt-get download).
# automake only for aclocal (it brings pkg.m4's PKG_CHECK_MODULES into
# aclocal.m4); tapctl itself has no Makefile.am.
BUILD_PKGS="build-essential autoconf automake pkg-config libmnl-dev libpopt-dev"
TEST_PKGS="bats bats-support bats-assert jq iproute2 groff-base mandoc
shellcheck cppcheck util-linux libcap2-bin procps uml-utilities tmux
qemu-system-x86 bash-completion zsh strace busybox-static cpio kmod ifupdown
systemd"

# systemd.pc: systemd-dev from Debian 13, systemd before.
DEB_PKGS="debhelper dpkg-dev lintian linux-libc-dev"

mode=all
check_only=0
for arg; do
	case $arg in
	--build) mode=build ;;
	--deb) mode=deb ;;
	--check) check_only=1 ;;
	-h|--help) sed -n '4,15s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "deps.sh: unknown argument: $arg" >&2; exit 2 ;;
	esac
done

[ "${SKIP_DEPS:-0}" = 1 ] && exit 0

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps.sh: not a Debian system; install the equivalents of: $BUILD_PKGS $TEST_PKGS" >&2
	exit 0
fi

pkgs=$BUILD_PKGS
[ "$mode" = all ] && pkgs="$pkgs $TEST_PKGS"
if [ "$mode" = deb ]; then
	pkgs="$pkgs $DEB_PKGS"
	if apt-cache show systemd-dev >/dev/null 2>&1; then
		pkgs="$pkgs systemd-dev"
	else
		pkgs="$pkgs systemd"
	fi
fi

missing() {
	# One dpkg-query for all: unknown packages print nothing on stdout.
	# shellcheck disable=SC2086
	installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs 2>/dev/null |
		awk '$NF == "installed" { sub(/:.*/, "", $1); print $1 }')
	for p in $pkgs; do
		printf '%s\n' "$installed" | grep -qxF "$p" || printf '%s ' "$p"
	done
}

qemu_ok() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 || return 1
	echo quit | timeout 30 qemu-system-x86_64 -M q35 -nodefaults -S \
		-display none -monitor stdio >/dev/null 2>&1
}

apt_install() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: $*" >&2
		echo "deps.sh: run as root: apt-get install $*" >&2
		exit 1
	fi
	if [ "$updated" = 0 ]; then
		apt-get update -q
		updated=1
	fi
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
		--no-install-recommends -o Dpkg::Use-Pty=0 "$@"
}

updated=0
todo=$(missing)
if [ "$check_only" = 1 ]; then
	[ -z "$todo" ] && exit 0
	echo "missing: $todo"
	exit 1
fi

if [ -n "$todo" ]; then
	echo "deps.sh: installing: $todo"
	# shellcheck disable=SC2086
	apt_install $todo
fi

if [ "$mode" = all ] && ! qemu_ok; then
	# Its firmware is in Depends, but a package removed by hand breaks it.
	echo "deps.sh: qemu-system-x86_64 does not start; reinstalling its firmware"
	apt_install qemu-system-data seabios ipxe-qemu
	qemu_ok || echo "deps.sh: warning: qemu-system-x86_64 still does not start; QEMU tests will skip" >&2
fi

# tun and macvtap may be modules; in a container this may not be possible,
# and the tests skip or fail with a clear message then.
if [ "$mode" = all ] && [ "$(id -u)" = 0 ] && command -v modprobe >/dev/null 2>&1; then
	modprobe -q tun 2>/dev/null || :
	modprobe -q macvtap 2>/dev/null || :
fi
exit 0
