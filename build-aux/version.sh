#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Print tapctl's version: $TAPCTL_VERSION if set (debian/rules sets the
# package's), else `git describe` of this work tree (leading "v"
# stripped), else .tarball-version (written by `make dist`), else 0.1.
# Used by configure.ac (AC_INIT) and the Makefile's dist target.

if [ -n "${TAPCTL_VERSION:-}" ]; then
	printf '%s\n' "$TAPCTL_VERSION"
	exit 0
fi

cd "$(dirname "$0")/.." || exit 1

# Only describe a work tree whose top level is this directory: an unpacked
# tarball that happens to sit inside another repository must not take
# that repository's version.
top=$(git rev-parse --show-toplevel 2>/dev/null)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(pwd -P)" ]; then
	v=$(git describe --tags --always --dirty 2>/dev/null)
	if [ -n "$v" ]; then
		v=${v#v}
		# No tag reachable: --always gives a bare hash; keep it ordered
		# after the base version so that tarball names sort sensibly.
		case $v in
		[0-9]*.*) ;;
		*) v=0.1-g$v ;;
		esac
		printf '%s\n' "$v"
		exit 0
	fi
fi

if [ -s .tarball-version ]; then
	head -n 1 .tarball-version
	exit 0
fi

echo 0.1
