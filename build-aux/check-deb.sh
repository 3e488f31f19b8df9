#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check-deb` (CI: `make check CHECK_MORE=deb`): the Debian package's
# round trip, as TAP for build-aux/tap-summary.awk, in three sections:
#   1. make deb, lintian --fail-on error,warning, apt-get install
#   2. the bats suite against the installed /usr/sbin/tapctl
#   3. dpkg --purge, then: no file of the package is left, nor anything
#      named *tapctl* that was not there before (unit links, dpkg and
#      deb-systemd-helper state), and /run/tapctl only if it was there.
# The machine is left as it was found.  Run as root, from the top of the
# tree; a tapctl package that is installed already is never replaced.
# Command output goes to build/deb/*.log (it holds TAP of its own: the
# unit tests') and, on failure, here as "# " comments.

set -u
cd "$(dirname "$0")/.." || exit 1

LOGS=build/deb
BATS=${BATS:-bats}
BATS_FLAGS=${BATS_FLAGS:---tap --timing --print-output-on-failure}
BATS_FILES=${BATS_FILES:-$(echo tests/*.bats)}
MAKE=${MAKE:-make}

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # skip $2"; }
comment() { sed 's/^/# /' "$@"; }

# step NAME LOG CMD...: one TAP line; the log as comments on failure.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
		tail -n 60 "$log" | comment
		return 1
	fi
}

# What the package may leave behind, outside of its file list.
tapctl_named() {
	find /etc /usr /lib /var/lib/dpkg/info /var/lib/systemd \
		-name '*tapctl*' 2>/dev/null | LC_ALL=C sort
}

mkdir -p "$LOGS"
echo "1..3"
if [ "$(id -u)" != 0 ]; then
	for s in "make deb" lintian "apt-get install"; do skip "$s" "not root"; done
	echo "# exit status: 0"
	exit 0
fi
if dpkg-query -W -f='${Status}' tapctl 2>/dev/null | grep -q ' installed$'; then
	for s in "make deb" lintian "apt-get install"; do
		skip "$s" "tapctl is installed already: not replacing it"
	done
	echo "# exit status: 0"
	exit 0
fi

# The state to come back to, taken before the package exists.
before=$(tapctl_named)
run_existed=0
[ -e /run/tapctl ] && run_existed=1
installed=0

mkdir -p "$LOGS"
if step "make deb" "$LOGS/make-deb.log" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	"$MAKE" --no-print-directory deb; then
	deb=$(ls tapctl_*.deb)
	comment "$LOGS/make-deb.log"
	step lintian "$LOGS/lintian.log" "$MAKE" --no-print-directory lintian
	comment "$LOGS/lintian.log"
	# What the package will install (dpkg-deb -c: "./etc/...", links "a -> b").
	dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p);
		if (p != "") print p }' > "$LOGS/contents"
	# Paths of it that exist already (directories such as /usr/sbin).
	while read -r p; do
		[ -e "$p" ] || [ -L "$p" ] && echo "$p"
	done < "$LOGS/contents" > "$LOGS/existed"
	if step "apt-get install ./$deb" "$LOGS/install.log" env \
		DEBIAN_FRONTEND=noninteractive apt-get install -q -y \
		--no-install-recommends -o Dpkg::Use-Pty=0 "./$deb"; then
		installed=1
	fi
else
	skip lintian "no package"
	skip "apt-get install" "no package"
fi
echo "# exit status: 0"

# 2. The suite against the installed binary.
if [ "$installed" = 1 ]; then
	echo "# bats against /usr/sbin/tapctl"
	# shellcheck disable=SC2086 # word lists
	TAPCTL=/usr/sbin/tapctl BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-120} \
		timeout -k 10 "${BATS_TIMEOUT:-600}" $BATS $BATS_FLAGS $BATS_FILES
	echo "# exit status: $?"
fi

# 3. Purge, and what it must have removed.
echo "1..3"
n=0
if [ "$installed" = 1 ]; then
	step "dpkg --purge tapctl" "$LOGS/purge.log" dpkg --purge tapctl
	left=$(while read -r p; do
		if { [ -e "$p" ] || [ -L "$p" ]; } && ! grep -qxF -- "$p" "$LOGS/existed"; then
			echo "$p"
		fi
	done < "$LOGS/contents")
	if [ -z "$left" ]; then
		ok "purge removed every file of the package"
	else
		not_ok "purge removed every file of the package"
		printf '%s\n' "$left" | sed 's/^/# left: /'
	fi
	# Made at install (tmpfiles.d); tapctl's tests make it too.
	if [ "$run_existed" = 0 ]; then
		rmdir /run/tapctl/ifupdown /run/tapctl 2>/dev/null || :
	fi
	after=$(tapctl_named)
	if [ "$before" = "$after" ]; then
		ok "nothing named *tapctl* left in /etc /usr /lib /var/lib"
	else
		not_ok "nothing named *tapctl* left in /etc /usr /lib /var/lib"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | comment
	fi
else
	skip "dpkg --purge tapctl" "not installed"
	skip "purge removed every file of the package" "not installed"
	skip "nothing named *tapctl* left" "not installed"
fi
echo "# exit status: 0"
