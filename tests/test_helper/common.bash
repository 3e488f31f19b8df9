# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Loaded by every tests/*.bats file:  load test_helper/common
#
# Every test runs in its own network namespace $NS, made in setup and
# deleted (after killing what runs in it) in teardown.  Each file checks
# that the host's links and namespaces are as they were.  Run as root;
# as anyone else every test skips.
#
# A file may define its own setup/teardown/setup_file/teardown_file: it
# must then call common_setup / common_teardown / common_setup_file /
# common_teardown_file from them.
#
# Helpers:
#   tpc ARGS...            tapctl inside $NS (ip netns exec: the ns's /sys too)
#   tpcn ARGS...           tapctl -n $NS ARGS... (exercises -n itself)
#   nsx CMD...             run CMD inside $NS
#   new_ns                 make one more namespace for this test, print its
#                          name (NS2=$(new_ns)); teardown deletes it too
#   link_json NAME         `ip -d -j link show` object of NAME in $NS
#   link_field NAME EXPR   jq -r EXPR on that object
#   sysfs NAME ATTR        /sys/class/net/NAME/ATTR as seen inside $NS
#   assert_only_lo         $NS holds exactly one link, lo
#   assert_no_link NAME    $NS has no link NAME
#   as_uid UID CMD...      CMD as UID:UID, no groups, no capabilities (host ns;
#                          use nsx_as_uid to run inside $NS); a CMD given as
#                          a path runs from a copy that UID can reach
#   reach_dir              a directory every user can reach (0755, under
#                          /tmp), made for this test; teardown removes it
#   reachable FILE         prints the path of a copy of FILE in reach_dir:
#                          the tree may sit where other users cannot go
#                          (a clone in root's 0700 home)
#   as_uid_setuid UID CMD... the same, but keeping the bounding set so that a
#                          setuid-root or file-capability binary gains privilege
#   need_cmd CMD           skip unless CMD is installed
#   wait_for CMD...        poll CMD until it succeeds (20 s at most)
#   bg_tpc ARGS...         tapctl in $NS in the background; BGPID its pid
#   defer CMD...           run CMD in teardown (last registered runs first)
#   tun_open_for_all       chmod 0666 /dev/net/tun until teardown
#   tun_mode MODE          chmod MODE /dev/net/tun until teardown
#   need_vlan_filtering    skip unless the kernel makes VLAN-filtering bridges
#                          (probed in $NS); tests/vm/run.sh runs such files
#                          under Debian's kernel (make check-vm)
#   vlan_bridge NAME       a VLAN-filtering bridge NAME in $NS, up

bats_require_minimum_version 1.5.0

# Debian installs bats-support and bats-assert under /usr/lib/bats.
case ":${BATS_LIB_PATH:-}:" in
*:/usr/lib/bats:*) ;;
*) BATS_LIB_PATH=${BATS_LIB_PATH:+$BATS_LIB_PATH:}/usr/lib/bats ;;
esac
export BATS_LIB_PATH
bats_load_library bats-support
bats_load_library bats-assert

TAPCTL=${TAPCTL:-$BATS_TEST_DIRNAME/../tapctl}

# ------------------------------------------------------------------ setup

common_setup() {
	NS=
	_TAPCTL_DEFER=()
	[[ $EUID -eq 0 ]] || skip "needs root"
	if [[ ! -x $TAPCTL ]]; then
		fail "TAPCTL=$TAPCTL is not executable: run make"
		return 1
	fi
	NS=tapctl-$BATS_TEST_NUMBER-$$-$RANDOM
	_ns_create "$NS"
}

# Record first, so that teardown finds it even if creation half-failed.
_ns_create() {
	echo "$1" >> "$BATS_FILE_TMPDIR/namespaces"
	ip netns add "$1" && ip -n "$1" link set lo up
}

# A further namespace for this test; prints its name.  Safe inside $(...):
# teardown finds it through the record, not through a variable.
new_ns() {
	local ns=tapctl-$BATS_TEST_NUMBER-$$-$RANDOM
	_ns_create "$ns" || return 1
	echo "$ns"
}

# Idempotent, and safe after a failed or skipped setup.
common_teardown() {
	local i ns
	for ((i = ${#_TAPCTL_DEFER[@]} - 1; i >= 0; i--)); do
		eval "${_TAPCTL_DEFER[i]}" || true
	done
	_TAPCTL_DEFER=()
	if [[ -n ${BATS_TEST_TMPDIR:-} && -s $BATS_TEST_TMPDIR/reach_dir ]]; then
		rm -rf "$(<"$BATS_TEST_TMPDIR/reach_dir")"
		rm -f "$BATS_TEST_TMPDIR/reach_dir"
	fi
	# $NS and every new_ns of this test ($$ is the same in subshells).
	if [[ -f $BATS_FILE_TMPDIR/namespaces ]]; then
		while read -r ns; do
			[[ $ns == "tapctl-$BATS_TEST_NUMBER-$$-"* ]] && _ns_destroy "$ns"
		done < "$BATS_FILE_TMPDIR/namespaces"
	fi
	NS=
}

# Kill what runs in the namespace (TERM, then KILL), then delete it.
_ns_destroy() {
	local ns=$1 pids i
	[[ -e /run/netns/$ns ]] || return 0
	pids=$(ip netns pids "$ns" 2>/dev/null) || true
	if [[ -n $pids ]]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null || true
		for ((i = 0; i < 20; i++)); do
			pids=$(ip netns pids "$ns" 2>/dev/null) || true
			[[ -z $pids ]] && break
			sleep 0.1
		done
		# shellcheck disable=SC2086
		[[ -z $pids ]] || kill -9 $pids 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
}

# What "the host is untouched" means: its links (name, index, kind, MAC,
# MTU, master, admin state; not carrier or counters, which move by
# themselves). Namespaces are not compared: other runs on the same machine
# make and delete theirs at any moment; our own are checked through the
# record that every test keeps (see common_teardown_file).
_host_snapshot() {
	ip -d -j link show | jq -S '[.[] | {ifindex, ifname, address, mtu,
		master, kind: .linkinfo.info_kind,
		up: (.flags | any(. == "UP"))}]'
}

common_setup_file() {
	[[ $EUID -eq 0 ]] || return 0
	_host_snapshot > "$BATS_FILE_TMPDIR/host.before"
}

common_teardown_file() {
	local ns leaked=
	[[ $EUID -eq 0 ]] || return 0
	# A namespace of ours still there means a teardown failed: remove it,
	# and fail the file.
	if [[ -f $BATS_FILE_TMPDIR/namespaces ]]; then
		while read -r ns; do
			if [[ -e /run/netns/$ns ]]; then
				leaked+=" $ns"
				_ns_destroy "$ns"
			fi
		done < "$BATS_FILE_TMPDIR/namespaces"
	fi
	# Not relying on errexit: bats runs teardown_file without it.
	if [[ -n $leaked ]]; then
		fail "namespaces left behind (now deleted):$leaked"
		return 1
	fi
	[[ -f $BATS_FILE_TMPDIR/host.before ]] || return 0
	_host_snapshot > "$BATS_FILE_TMPDIR/host.after"
	if ! diff -u "$BATS_FILE_TMPDIR/host.before" "$BATS_FILE_TMPDIR/host.after" >&2; then
		fail "the host's links changed (diff above)"
		return 1
	fi
}

setup_file() { common_setup_file; }
teardown_file() { common_teardown_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# ---------------------------------------------------------------- helpers

defer() {
	local q
	printf -v q '%q ' "$@"
	_TAPCTL_DEFER+=("$q")
}

tpc() { ip netns exec "$NS" "$TAPCTL" "$@"; }
tpcn() { "$TAPCTL" -n "$NS" "$@"; }
nsx() { ip netns exec "$NS" "$@"; }

link_json() { ip -n "$NS" -d -j link show dev "$1" | jq '.[0]'; }
link_field() { link_json "$1" | jq -r "$2"; }
sysfs() { nsx cat "/sys/class/net/$1/$2"; }

assert_only_lo() {
	local links
	links=$(ip -n "$NS" -j link show | jq -r '[.[].ifname] | join(" ")')
	assert_equal "$links" "lo"
}

assert_no_link() {
	if ip -n "$NS" link show dev "$1" >/dev/null 2>&1; then
		fail "link $1 exists in $NS"
	fi
}

# Programs run as another user must not live under a directory that user
# cannot search: the bats temporary directories are 0700, and so may be
# the tree itself. One directory per test, recorded in a file so that
# a call inside $(...) and teardown see the same one.
reach_dir() {
	local rec=$BATS_TEST_TMPDIR/reach_dir d
	if [[ -s $rec ]]; then
		cat "$rec"
		return 0
	fi
	d=$(mktemp -d /tmp/tapctl-reach.XXXXXX) || return 1
	chmod 0755 "$d"
	echo "$d" > "$rec"
	echo "$d"
}

reachable() {
	local d f
	d=$(reach_dir) || return 1
	f=$d/${1##*/}
	if [[ ! -e $f ]]; then
		cp "$(readlink -f "$1")" "$f" && chmod 0755 "$f" || return 1
	fi
	echo "$f"
}

# $1 as a program to run as another user: a copy if it is a path.
_as_prog() {
	if [[ $1 == */* ]]; then
		reachable "$1"
	else
		echo "$1"
	fi
}

as_uid() {
	local uid=$1 prog
	shift
	prog=$(_as_prog "$1") || return 1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$prog" "$@"
}

nsx_as_uid() {
	local uid=$1 prog
	shift
	prog=$(_as_prog "$1") || return 1
	shift
	nsx setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		--inh-caps=-all --bounding-set=-all -- "$prog" "$@"
}

# An empty bounding set would stop a setuid-root or file-capability tapctl
# from gaining anything, so the privileged-helper tests keep it.
as_uid_setuid() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		--inh-caps=-all -- "$@"
}

# wait_for CMD...: polls CMD (bounded, 20 s) until it succeeds.
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out waiting for: $*"
}

# tapctl inside $NS in the background, without bats's fd 3; BGPID is its
# pid: ip netns exec and tapctl exec both exec, so that is PROGRAM's pid
# in the end (or, for a transient macvtap, tapctl's as PROGRAM's parent).
bg_tpc() {
	ip netns exec "$NS" "$TAPCTL" "$@" 3>&- &
	# shellcheck disable=SC2034 # read by the test files
	BGPID=$!
}

need_cmd() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"
}

tun_mode() {
	local old
	old=$(stat -c %a /dev/net/tun)
	defer chmod "$old" /dev/net/tun
	chmod "$1" /dev/net/tun
}

tun_open_for_all() { tun_mode 0666; }

# ------------------------------------------------------------------ VLANs

# Probed in $NS, so the host is never touched.  A kernel without
# CONFIG_BRIDGE_VLAN_FILTERING makes the bridge but refuses the option
# (EOPNOTSUPP).
need_vlan_filtering() {
	if ! ip -n "$NS" link add tapctl-vprobe type bridge >/dev/null 2>&1; then
		skip "the kernel makes no bridges (CONFIG_BRIDGE)"
	fi
	ip -n "$NS" link del tapctl-vprobe
	if ! ip -n "$NS" link add tapctl-vprobe type bridge vlan_filtering 1 >/dev/null 2>&1; then
		skip "kernel lacks CONFIG_BRIDGE_VLAN_FILTERING: these tests run in the VM part (make check-vm)"
	fi
	ip -n "$NS" link del tapctl-vprobe
}

vlan_bridge() {
	ip -n "$NS" link add "$1" type bridge vlan_filtering 1 &&
		ip -n "$NS" link set "$1" up
}

# ------------------------------------------------------ the privileged mode

# A setuid-root copy of tapctl at $SUID/tapctl. as_suid runs a command as
# uid 65534 inside $NS, in a private mount namespace whose /etc/tapctl and
# /etc/qemu are $SUID/etc-tapctl and $SUID/etc-qemu (an overlay on /etc
# only makes the mount points): the host's /etc is never touched.
suid_tapctl() {
	SUID=$(mktemp -d /tmp/tapctl-suid.XXXXXX)
	defer rm -rf "$SUID"
	chmod 0755 "$SUID"
	install -m 4755 -o root -g root "$TAPCTL" "$SUID/tapctl"
	mkdir -p "$SUID/up" "$SUID/work" "$SUID/etc-tapctl" "$SUID/etc-qemu"
}

as_suid() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
		mkdir -p /etc/tapctl /etc/qemu
		mount --bind "$1/etc-tapctl" /etc/tapctl
		mount --bind "$1/etc-qemu" /etc/qemu
		set +e
		ns=$2
		shift 2
		exec ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 \
			--clear-groups --inh-caps=-all -- "$@"
	' _ "$SUID" "$NS" "$@"
}

# ---------------------------------------------------------------- real QEMU

# qemu_start NETDEV: a paused TCG QEMU in $NS with one virtio-net-pci on
# the netdev n0 (bats `run`: its status and output); QPID is its pid once
# -daemonize has returned, after the netdev, and any script, was set up.
qemu_start() {
	local pidfile=$BATS_TEST_TMPDIR/qemu.pid
	rm -f "$pidfile"
	# -daemonize returns once the netdev is set up and its script ran.
	run nsx timeout 60 qemu-system-x86_64 -M q35 \
		-nodefaults -S -display none -netdev "$1" \
		-device virtio-net-pci,netdev=n0 \
		-daemonize -pidfile "$pidfile"
	QPID=
	[[ -s $pidfile ]] && QPID=$(cat "$pidfile")
	return 0
}

# qemu_quit: SIGTERM; QEMU shuts down cleanly and runs any downscript.
qemu_quit() {
	local i
	kill -TERM "$QPID"
	for ((i = 0; i < 100; i++)); do
		[[ -e /proc/$QPID ]] || return 0
		sleep 0.1
	done
	fail "QEMU $QPID did not quit"
}

