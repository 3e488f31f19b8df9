#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl exec: descriptors, environment, tokens, exit statuses, transient
# devices, privilege drop, frames through the descriptor, and QEMU as the
# real consumer of fd=, fds= and a macvtap's mac=.

load test_helper/common

FDR=$BATS_TEST_DIRNAME/helpers/fd-report
FRAME=$BATS_TEST_DIRNAME/helpers/frame
ETHERTYPE=88b5

setup() {
	common_setup
	QPID=
	QFD=
}

teardown() {
	if [[ -n ${QFD:-} ]]; then
		exec {QFD}>&-
	fi
	if [[ -n ${QPID:-} ]]; then
		kill -9 "$QPID" 2>/dev/null || true
		wait "$QPID" 2>/dev/null || true
	fi
	common_teardown
}

# Polls (10 s at most) until CMD succeeds.
# A lower link for macvtaps: a veth NAME, up, with its peer NAMEp.
add_lower() {
	ip -n "$NS" link add "$1" type veth peer name "$1p"
	ip -n "$NS" link set "$1" up
	ip -n "$NS" link set "$1p" up
}

# Starts tapctl "$@" (exec ... -- qemu ... -monitor stdio) in $NS in the
# background with QEMU's monitor on a fifo; QPID is QEMU's pid.
qemu_start() {
	mkfifo "$BATS_TEST_TMPDIR/mon.in"
	# Not through bg_tpc: a redirection of a function call is opened by
	# this shell, and opening a fifo blocks until its other end opens.
	ip netns exec "$NS" "$TAPCTL" "$@" < "$BATS_TEST_TMPDIR/mon.in" \
		> "$BATS_TEST_TMPDIR/mon.out" 2>&1 3>&- &
	QPID=$!
	exec {QFD}> "$BATS_TEST_TMPDIR/mon.in"
}

# Sends a monitor command and waits for a line matching REGEX.
qemu_cmd() {
	echo "$1" >&"$QFD"
	wait_for grep -Eq "$2" "$BATS_TEST_TMPDIR/mon.out"
}

qemu_quit() {
	echo quit >&"$QFD"
	exec {QFD}>&-
	QFD=
	wait "$QPID"
	QPID=
}

qemu_args() {
	echo qemu-system-x86_64 -M q35 -nodefaults -S -display none -monitor stdio
}

# ------------------------------------------------------------ descriptors

@test "exec: the tap is fd 3, the only descriptor besides 0-2, and is the device" {
	tpc add tap0
	run -0 tpc exec tap0 -- "$FDR" 3
	assert_line "fds 0 1 2 3"
	# TUNGETIFF: tap0, IFF_TAP|IFF_NO_PI|IFF_PERSIST as it was made.
	assert_line "iff 3 tap0 0x1802"
	assert_equal "$(sysfs tap0 tun_flags)" 0x1802
}

@test "exec --fd N: the descriptor is N; inherited descriptors are closed" {
	tpc add tap0
	# 3 and 7 are open (and not close-on-exec) in tapctl: 7 is replaced,
	# 3 and 9 are closed.
	run -0 tpc exec --fd 7 tap0 -- "$FDR" 7 3</dev/null 7</dev/null 9>/dev/null
	assert_line "fds 0 1 2 7"
	assert_line "iff 7 tap0 0x1802"
	assert_line "env TAPCTL_FD=7"
	assert_line "env TAPCTL_FDS=7"
}

@test "exec: descriptors closed when tapctl started stay closed in PROGRAM" {
	tpc add tap0
	# shellcheck disable=SC2016
	run -0 nsx sh -c 'exec "$@" 0<&-' sh "$TAPCTL" exec tap0 -- "$FDR" 3
	assert_line "fds 1 2 3"
	assert_line "iff 3 tap0 0x1802"
	# shellcheck disable=SC2016
	run -0 nsx sh -c 'exec "$@" 0<&- 2>&-' sh "$TAPCTL" exec --fd 4 tap0 -- "$FDR" 4
	assert_line "fds 1 4"
	assert_line "iff 4 tap0 0x1802"
}

@test "tapctl -n NS exec: the device of NS, and PROGRAM runs in NS" {
	tpc add tap0
	run -0 tpcn exec tap0 -- sh -c "\"$FDR\" 3; readlink /proc/self/ns/net"
	assert_line "iff 3 tap0 0x1802"
	assert_line "$(stat -L -c 'net:[%i]' "/run/netns/$NS")"
}

@test "exec: environment TAPCTL_FD, TAPCTL_FDS, TAPCTL_IFNAME, TAPCTL_MAC" {
	tpc add tap0 --mac 02:00:00:aa:bb:cc
	TAPCTL_VHOSTFDS=99 run -0 tpc exec tap0 -- "$FDR"
	assert_line "env TAPCTL_FD=3"
	assert_line "env TAPCTL_FDS=3"
	assert_line "env TAPCTL_IFNAME=tap0"
	assert_line "env TAPCTL_MAC=02:00:00:aa:bb:cc"
	# Not given: an inherited value must not pass for tapctl's.
	refute_line --partial TAPCTL_VHOSTFDS
}

@test "exec: exact tokens are replaced inside PROGRAM's arguments" {
	tpc add mq0 --multi-queue --mac 02:00:00:00:00:42
	run -0 tpc exec --fd 5 --queues 2 mq0 -- printf '%s\n' \
		'fd={fd}' 'fds={fds}' '{ifname}' 'mac={mac}' '{fd}{fd}' \
		'{unknown}' 'fd={fd' '{FD}' '{{fd}}'
	assert_equal "$output" "fd=5
fds=5:6
mq0
mac=02:00:00:00:00:42
55
{unknown}
fd={fd
{FD}
{5}"
}

@test "exec --queues: N..N+Q-1 are queues of the multi-queue tap" {
	tpc add mq0 --multi-queue --vnet-hdr
	run -0 tpc exec --queues 3 --fd 4 mq0 -- sh -c \
		"\"$FDR\" 4 5 6 && ip -d -j link show dev mq0"
	assert_line "fds 0 1 2 4 5 6"
	assert_line "iff 4 mq0 0x5902"
	assert_line "iff 5 mq0 0x5902"
	assert_line "iff 6 mq0 0x5902"
	assert_line "env TAPCTL_FDS=4:5:6"
	# The kernel's own count of attached queues while PROGRAM runs.
	assert_equal "$(tail -n 1 <<< "$output" | jq '.[0].linkinfo.info_data.numqueues')" 3
}

@test "exec --queues 2 on a single-queue tap: exit 125, device unchanged" {
	tpc add tap0
	run -125 --separate-stderr tpc exec --queues 2 tap0 -- true
	assert_equal "$stderr" "tapctl: exec tap0: --queues: not a multi-queue device (make it with add --multi-queue)"
	assert_equal "$(sysfs tap0 tun_flags)" 0x1802
}

@test "exec: a single-queue tap held by another process: exit 125" {
	tpc add tap0
	bg_tpc exec tap0 -- sleep 60
	wait_for grep -qs 'iff:.tap0' /proc/$BGPID/fdinfo/3
	run -125 --separate-stderr tpc exec tap0 -- true
	assert_equal "$stderr" "tapctl: exec tap0: the device is in use: a single-queue tap takes one descriptor at a time"
}

@test "exec --vhost: one /dev/vhost-net per queue after the tap fds" {
	[[ -c /dev/vhost-net ]] || skip "no /dev/vhost-net on this machine (vhost_net module not available)"
	tpc add mq0 --multi-queue
	run -0 tpc exec --vhost --queues 2 mq0 -- sh -c \
		"\"$FDR\" 3 4; readlink /proc/self/fd/5 /proc/self/fd/6"
	assert_line "fds 0 1 2 3 4 5 6"
	assert_line "env TAPCTL_VHOSTFDS=5:6"
	assert_equal "$(grep -c '^/dev/vhost-net$' <<< "$output")" 2
}

@test "exec --vhost without /dev/vhost-net: exit 125, no transient tap left" {
	[[ ! -e /dev/vhost-net ]] || skip "this machine has /dev/vhost-net"
	run -125 --separate-stderr tpc exec --vhost --create tapv -- true
	assert_equal "$stderr" "tapctl: exec tapv: --vhost: /dev/vhost-net does not exist (is the vhost_net module loaded?)"
	assert_only_lo
}

@test "exec --vnet-hdr / --no-vnet-hdr: the default keeps the device's flags" {
	tpc add tap0 --vnet-hdr
	run -0 tpc exec tap0 -- "$FDR" 3
	assert_line "iff 3 tap0 0x5802"
	assert_equal "$(link_field tap0 .linkinfo.info_data.vnet_hdr)" true
	# vnet_hdr belongs to the whole tap device: the first queue sets it.
	run -0 tpc exec --no-vnet-hdr tap0 -- "$FDR" 3
	assert_line "iff 3 tap0 0x1802"
	assert_equal "$(link_field tap0 .linkinfo.info_data.vnet_hdr)" false
	run -0 tpc exec --vnet-hdr tap0 -- "$FDR" 3
	assert_line "iff 3 tap0 0x5802"
	assert_equal "$(link_field tap0 .linkinfo.info_data.vnet_hdr)" true
}

@test "exec --no-vnet-hdr while other queues hold vnet_hdr: exit 125" {
	tpc add mq0 --multi-queue --vnet-hdr
	bg_tpc exec mq0 -- sleep 60
	wait_for grep -qs 'iff:.mq0' /proc/$BGPID/fdinfo/3
	run -125 --separate-stderr tpc exec --no-vnet-hdr mq0 -- true
	assert_equal "$stderr" "tapctl: exec mq0: --no-vnet-hdr: other queues hold the device open with vnet_hdr; it changes only while none is attached"
	assert_equal "$(link_field mq0 .linkinfo.info_data.vnet_hdr)" true
}

# ------------------------------------------------------------ exit status

@test "exec: PROGRAM's own exit status" {
	tpc add tap0
	run -42 tpc exec tap0 -- sh -c 'exit 42'
	run -0 tpc exec tap0 -- true
	run -1 tpc exec tap0 -- false
}

@test "exec: PROGRAM not found: exit 127" {
	tpc add tap0
	run -127 --separate-stderr tpc exec tap0 -- tapctl-no-such-program
	assert_equal "$stderr" "tapctl: exec tap0: tapctl-no-such-program: No such file or directory"
	run -127 --separate-stderr tpc exec tap0 -- /nonexistent/prog
	assert_equal "$stderr" "tapctl: exec tap0: /nonexistent/prog: No such file or directory"
}

@test "exec: PROGRAM not executable: exit 126" {
	tpc add tap0
	printf 'x\n' > "$BATS_TEST_TMPDIR/noexec"
	chmod 0644 "$BATS_TEST_TMPDIR/noexec"
	run -126 --separate-stderr tpc exec tap0 -- "$BATS_TEST_TMPDIR/noexec"
	assert_equal "$stderr" "tapctl: exec tap0: $BATS_TEST_TMPDIR/noexec: Permission denied"
	run -126 --separate-stderr tpc exec tap0 -- "$BATS_TEST_TMPDIR"
	assert_equal "$stderr" "tapctl: exec tap0: $BATS_TEST_TMPDIR: Permission denied"
}

@test "exec: PROGRAM is looked up in PATH" {
	tpc add tap0
	mkdir "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\necho "mine $TAPCTL_FD"\n' > "$BATS_TEST_TMPDIR/bin/tapctl-test-prog"
	chmod 0755 "$BATS_TEST_TMPDIR/bin/tapctl-test-prog"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run -0 tpc exec tap0 -- tapctl-test-prog
	assert_output "mine 3"
}

@test "exec: a missing device or another kind of link: exit 125" {
	run -125 --separate-stderr tpc exec tap9 -- true
	assert_equal "$stderr" "tapctl: exec tap9: no such device"
	run -125 --separate-stderr tpc exec lo -- true
	assert_equal "$stderr" "tapctl: exec lo: not a tun, tap or macvtap device (kind none)"
	add_lower v0
	run -125 --separate-stderr tpc exec v0 -- true
	assert_equal "$stderr" "tapctl: exec v0: not a tun, tap or macvtap device (kind veth)"
}

@test "exec: usage errors are exit 125 and change nothing" {
	run -125 --separate-stderr tpc exec --fd 2 --create tapu -- true
	assert_equal "$stderr" 'tapctl: exec tapu: --fd: "2" is out of range 3..1048575'
	run -125 --separate-stderr tpc exec --fd 03x --create tapu -- true
	assert_equal "$stderr" 'tapctl: exec tapu: --fd: "03x" is not a decimal number'
	run -125 --separate-stderr tpc exec --queues 0 --create tapu -- true
	assert_equal "$stderr" 'tapctl: exec tapu: --queues: "0" is out of range 1..256'
	run -125 --separate-stderr tpc exec --queues 257 --create tapu -- true
	assert_equal "$stderr" 'tapctl: exec tapu: --queues: "257" is out of range 1..256'
	run -125 --separate-stderr tpc exec --vnet-hdr --no-vnet-hdr --create tapu -- true
	assert_equal "$stderr" "tapctl: exec tapu: --vnet-hdr and --no-vnet-hdr exclude each other"
	run -125 --separate-stderr tpc exec --mtu 1400 tapu -- true
	assert_equal "$stderr" "tapctl: exec tapu: --mtu: only with --create"
	run -125 --separate-stderr tpc exec --create tapu true
	assert_equal "$stderr" 'tapctl: exec tapu: unexpected argument "true": PROGRAM and its arguments go after --'
	run -125 --separate-stderr tpc exec --create tapu --
	assert_equal "$stderr" "tapctl: exec tapu: missing PROGRAM after --"
	run -125 --separate-stderr tpc exec --create tapu
	assert_equal "$stderr" "tapctl: exec tapu: missing -- PROGRAM"
	run -125 --separate-stderr tpc exec -- true
	assert_equal "$stderr" "tapctl: exec: missing NAME"
	run -125 --separate-stderr tpc exec --bogus tapu -- true
	assert_equal "$stderr" "tapctl: exec: --bogus: unknown option"
	run -125 --separate-stderr tpc exec 'tap%d' -- true
	assert_equal "$stderr" "tapctl: exec tap%d: '%' is only allowed in a name template for add"
	run -125 --separate-stderr tpc exec --setuid no-such-user-x --create tapu -- true
	assert_equal "$stderr" 'tapctl: exec tapu: --setuid: no such user "no-such-user-x"'
	run -125 --separate-stderr tpc exec --create tapu -- echo '{vhostfds}'
	assert_equal "$stderr" "tapctl: exec tapu: {vhostfds}: only with --vhost"
	local lim
	lim=$(ulimit -n)
	if ((lim <= 1048575)); then
		run -125 --separate-stderr tpc exec --fd "$lim" --create tapu -- true
		assert_equal "$stderr" "tapctl: exec tapu: --fd: descriptor $lim is over the limit of open files ($lim)"
	fi
	assert_only_lo
}

@test "exec --help: exit 0, lists exec's options and the add options" {
	run -0 tpc exec --help
	assert_line --partial "--fd=N"
	assert_line --partial "--queues=Q"
	assert_line --partial "--vhost"
	assert_line --partial "--no-vnet-hdr"
	assert_line --partial "--create"
	assert_line --partial "--setuid=USER|UID"
	assert_line --partial "--macvtap=LOWER"
	assert_line --partial "--mtu=N"
}

# --------------------------------------------------------- transient tap

@test "exec --create: a transient tap while PROGRAM runs, gone after" {
	run -0 tpc exec --create --up --mtu 1400 tapt -- ip -d -j link show dev tapt
	assert_equal "$(jq -r '.[0].linkinfo.info_data.persist' <<< "$output")" false
	assert_equal "$(jq -r '.[0].mtu' <<< "$output")" 1400
	assert_equal "$(jq -r '.[0].flags | index("UP") != null' <<< "$output")" true
	assert_only_lo
}

@test "exec --create with a name template: TAPCTL_IFNAME is the kernel's name" {
	run -0 tpc exec --create 'tt%d' -- sh -c \
		'echo "$TAPCTL_IFNAME {ifname}"; cat /sys/class/net/tt0/tun_flags'
	assert_equal "$output" "tt0 tt0
0x1002"
	assert_only_lo
}

@test "exec --create --queues 2: a transient multi-queue tap" {
	run -0 tpc exec --create --queues 2 --vnet-hdr tapq -- "$FDR" 3 4
	assert_line "iff 3 tapq 0x5102"
	assert_line "iff 4 tapq 0x5102"
	assert_only_lo
}

@test "exec --create of an existing tap uses it as it is" {
	tpc add tap0 --mtu 1300
	run -0 tpc exec --create --mtu 1400 tap0 -- "$FDR" 3
	assert_line "iff 3 tap0 0x1802"
	assert_equal "$(link_field tap0 .mtu)" 1300
	run -125 --separate-stderr tpc exec --create --tun tap0 -- true
	assert_equal "$stderr" "tapctl: exec tap0: --create: the device exists and is a tap, not a tun"
}

@test "exec --create: the transient tap goes when PROGRAM is killed by a signal" {
	run -137 tpc exec --create tapk -- sh -c 'kill -KILL $$'
	assert_only_lo
	run -143 tpc exec --create tapk -- sh -c 'kill -TERM $$'
	assert_only_lo
}

@test "exec --create: no transient tap is left when tapctl fails before exec" {
	run -127 tpc exec --create tapf -- tapctl-no-such-program
	assert_only_lo
	run -126 tpc exec --create tapf -- /etc
	assert_only_lo
	run -125 --separate-stderr tpc exec --create --tun tunf -- echo '{mac}'
	assert_equal "$stderr" "tapctl: exec tunf: {mac}: a tun device has no MAC address"
	assert_only_lo
	run -125 --separate-stderr tpc exec --create --bridge nobr tapf -- true
	assert_equal "$stderr" 'tapctl: exec tapf: --bridge: no such link "nobr"'
	assert_only_lo
}

@test "exec --create --tun: TAPCTL_MAC is not set for a tun" {
	TAPCTL_MAC=stale run -0 tpc exec --create --tun tun0 -- "$FDR" 3
	assert_line "iff 3 tun0 0x1001"
	assert_line "env TAPCTL_IFNAME=tun0"
	refute_line --partial TAPCTL_MAC
	assert_only_lo
}

# ---------------------------------------------------------------- macvtap

@test "exec on a macvtap: its queue at fd 3 with vnet_hdr, TAPCTL_MAC is the link's" {
	add_lower v0
	tpc add mvt0 --macvtap v0 --mac 02:00:00:00:01:01
	run -0 tpc exec mvt0 -- "$FDR" 3
	assert_line "fds 0 1 2 3"
	# A new macvtap queue starts with IFF_VNET_HDR, which QEMU wants.
	assert_line "iff 3 mvt0 0x5002"
	assert_line "env TAPCTL_MAC=02:00:00:00:01:01"
	assert_line "env TAPCTL_IFNAME=mvt0"
	# Not transient: it stays.
	assert_equal "$(link_field mvt0 .linkinfo.info_kind)" macvtap
}

@test "exec on a macvtap: --no-vnet-hdr and --queues set each queue's flags" {
	add_lower v0
	tpc add mvt0 --macvtap v0
	run -0 tpc exec --no-vnet-hdr mvt0 -- "$FDR" 3
	assert_line "iff 3 mvt0 0x1002"
	run -0 tpc exec --queues 2 mvt0 -- "$FDR" 3 4
	assert_line "fds 0 1 2 3 4"
	assert_line "iff 3 mvt0 0x5102"
	assert_line "iff 4 mvt0 0x5102"
}

@test "exec --create --macvtap: transient, deleted when PROGRAM ends, its status passed on" {
	add_lower v0
	run -7 tpc exec --create --macvtap v0 mvt0 -- sh -c \
		"\"$FDR\" 3; ip -d -j link show dev mvt0; exit 7"
	assert_line "iff 3 mvt0 0x5002"
	assert_equal "$(tail -n 1 <<< "$output" | jq -r '.[0].linkinfo.info_kind')" macvtap
	assert_no_link mvt0
}

@test "exec --create --macvtap: deleted when PROGRAM is killed by a signal" {
	add_lower v0
	run -137 tpc exec --create --macvtap v0 mvt0 -- sh -c 'kill -KILL $$'
	assert_no_link mvt0
	run -143 tpc exec --create --macvtap v0 mvt0 -- sh -c 'kill -TERM $$'
	assert_no_link mvt0
}

@test "exec --create --macvtap: SIGTERM, SIGINT, SIGHUP to tapctl reach PROGRAM" {
	local sig st
	add_lower v0
	for sig in TERM INT HUP; do
		# An asynchronous command of a shell without job control
		# starts with SIGINT ignored: let sleep have it back.
		bg_tpc exec --create --macvtap v0 mvt0 -- \
			env --default-signal=INT,TERM,HUP sleep 60
		wait_for pgrep -P "$BGPID" -x sleep
		# tapctl stays as PROGRAM's parent.
		assert_equal "$(cat /proc/$BGPID/comm)" tapctl
		kill -"$sig" "$BGPID"
		st=0
		wait "$BGPID" || st=$?
		assert_equal "$st" "$((128 + $(kill -l "$sig")))"
		assert_no_link mvt0
		run ! pgrep -x -P "$BGPID" sleep
	done
}

@test "exec --create --macvtap: no link left when tapctl fails before exec" {
	add_lower v0
	run -127 tpc exec --create --macvtap v0 mvt0 -- tapctl-no-such-program
	assert_no_link mvt0
	if [[ ! -e /dev/vhost-net ]]; then
		run -125 tpc exec --vhost --create --macvtap v0 mvt0 -- true
		assert_no_link mvt0
	fi
	run -125 --separate-stderr tpc exec --create --macvtap v0 --pi mvt0 -- true
	assert_equal "$stderr" "tapctl: exec mvt0: --vnet-hdr, --multi-queue and --pi are tun/tap flags (a macvtap takes them per descriptor: see exec)"
	assert_no_link mvt0
}

# ------------------------------------------------------------ privileges

@test "exec --setuid nobody: ids, no groups, no capabilities, the fd still works" {
	tpc add tap0
	nsx ip link set tap0 up
	run -0 tpc exec --setuid 65534 tap0 -- "$(reachable "$FDR")" 3
	assert_line "iff 3 tap0 0x1802"
	assert_line "uid 65534 65534 65534"
	assert_line "gid 65534 65534 65534"
	assert_line "groups"
	assert_line "CapInh 0000000000000000"
	assert_line "CapPrm 0000000000000000"
	assert_line "CapEff 0000000000000000"
	assert_line "CapBnd 0000000000000000"
	assert_line "CapAmb 0000000000000000"
	assert_line "NoNewPrivs 1"
	# And a frame written as nobody comes out of tap0.
	nsx "$FRAME" recv tap0 "$ETHERTYPE" 10 > "$BATS_TEST_TMPDIR/recv" 3>&- &
	wait_for grep -q ready "$BATS_TEST_TMPDIR/recv"
	run -0 tpc exec --setuid nobody tap0 -- "$(reachable "$FRAME")" write '{fd}' "$ETHERTYPE" from-nobody
	wait $!
	assert_equal "$(cat "$BATS_TEST_TMPDIR/recv")" "ready
from-nobody"
}

@test "exec --setgid alone: the group changes, the user stays, capabilities go" {
	tpc add tap0
	run -0 tpc exec --setgid 100 tap0 -- "$(reachable "$FDR")"
	assert_line "uid 0 0 0"
	assert_line "gid 100 100 100"
	assert_line "groups"
	assert_line "CapEff 0000000000000000"
	assert_line "CapBnd 0000000000000000"
}

@test "exec --setuid UID without a passwd entry needs --setgid" {
	tpc add tap0
	run -125 --separate-stderr tpc exec --setuid 54321 tap0 -- true
	assert_equal "$stderr" "tapctl: exec tap0: --setuid: uid 54321 has no passwd entry to take a group from: give --setgid too"
	run -0 tpc exec --setuid 54321 --setgid 54321 tap0 -- "$(reachable "$FDR")"
	assert_line "uid 54321 54321 54321"
	assert_line "gid 54321 54321 54321"
}

@test "exec privileged for another user: drops to that user; only their devices" {
	local bin fdr
	bin=$(reach_dir)/tapctl-suid
	[[ $(findmnt -no OPTIONS --target "${bin%/*}") != *nosuid* ]] ||
		skip "${bin%/*} is mounted nosuid"
	install -m 4755 "$TAPCTL" "$bin"
	fdr=$(reachable "$FDR")
	tpc add mine --user 65534
	tpc add theirs
	run -0 nsx setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all -- "$bin" exec mine -- "$fdr" 3
	assert_line "iff 3 mine 0x1802"
	assert_line "uid 65534 65534 65534"
	assert_line "CapEff 0000000000000000"
	assert_line "CapPrm 0000000000000000"
	assert_line "NoNewPrivs 1"
	run -125 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$bin" exec theirs -- true
	assert_equal "$stderr" "tapctl: exec theirs: not yours: when tapctl runs for another user it opens only devices whose owner or group is theirs"
	run -125 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$bin" exec --setuid 0 mine -- true
	assert_equal "$stderr" "tapctl: exec mine: --setuid: only root may run PROGRAM as another user"
	run -125 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$bin" exec --create --bridge br0 new0 -- true
	# No /etc/tapctl/acl.conf on the host: no bridge is allowed.
	assert_equal "$stderr" 'tapctl: exec new0: bridge "br0": denied: /etc/tapctl/acl.conf does not exist'
	assert_no_link new0
	# --create makes the device the caller's.
	run -0 nsx setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all -- "$bin" exec --create new0 -- \
		sh -c 'cat /sys/class/net/new0/owner; "$0" 3' "$fdr"
	assert_line 65534
	assert_line "iff 3 new0 0x1002"
	assert_line "uid 65534 65534 65534"
	assert_no_link new0
}

@test "exec privileged for another user: a macvtap whose node is theirs" {
	local bin fdr
	bin=$(reach_dir)/tapctl-suid
	[[ $(findmnt -no OPTIONS --target "${bin%/*}") != *nosuid* ]] ||
		skip "${bin%/*} is mounted nosuid"
	install -m 4755 "$TAPCTL" "$bin"
	fdr=$(reachable "$FDR")
	add_lower v0
	tpc add mine --macvtap v0 -u 65534
	tpc add theirs --macvtap v0
	run -0 nsx setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all -- "$bin" exec mine -- "$fdr" 3
	assert_line "iff 3 mine 0x5002"
	assert_line "uid 65534 65534 65534"
	assert_line "CapEff 0000000000000000"
	run -125 --separate-stderr nsx setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all -- "$bin" exec theirs -- true
	assert_equal "$stderr" "tapctl: exec theirs: not yours: when tapctl runs for another user it opens only macvtap devices whose node is theirs"
}

# ----------------------------------------------------------------- frames

@test "exec: a frame PROGRAM writes to the fd comes out of the tap" {
	tpc add tap0
	nsx ip link set tap0 up
	nsx "$FRAME" recv tap0 "$ETHERTYPE" 10 > "$BATS_TEST_TMPDIR/recv" 3>&- &
	wait_for grep -q ready "$BATS_TEST_TMPDIR/recv"
	run -0 tpc exec tap0 -- "$FRAME" write '{fd}' "$ETHERTYPE" hello-from-program
	wait $!
	assert_equal "$(cat "$BATS_TEST_TMPDIR/recv")" "ready
hello-from-program"
}

@test "exec: a frame sent into the tap is read by PROGRAM (with vnet_hdr too)" {
	local name pid
	for name in tap0 tapv; do
		if [[ $name = tapv ]]; then tpc add tapv --vnet-hdr; else tpc add tap0; fi
		nsx ip link set "$name" up
		bg_tpc exec "$name" -- "$FRAME" read '{fd}' "$ETHERTYPE" 10 \
			> "$BATS_TEST_TMPDIR/read"
		pid=$BGPID
		wait_for grep -q ready "$BATS_TEST_TMPDIR/read"
		nsx "$FRAME" send "$name" "$ETHERTYPE" "hello-to-$name"
		wait "$pid"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/read")" "ready
hello-to-$name"
	done
}

@test "exec on a macvtap: frames both ways through its queue" {
	local pid
	add_lower v0
	tpc add mvt0 --macvtap v0 --up
	# A frame from PROGRAM leaves through the lower link to its peer.
	nsx "$FRAME" recv v0p "$ETHERTYPE" 10 > "$BATS_TEST_TMPDIR/recv" 3>&- &
	pid=$!
	wait_for grep -q ready "$BATS_TEST_TMPDIR/recv"
	run -0 tpc exec mvt0 -- "$FRAME" write '{fd}' "$ETHERTYPE" out-of-macvtap
	wait "$pid"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/recv")" "ready
out-of-macvtap"
	# A broadcast that arrives on the lower link reaches the queue.
	bg_tpc exec mvt0 -- "$FRAME" read '{fd}' "$ETHERTYPE" 10 \
		> "$BATS_TEST_TMPDIR/read"
	pid=$BGPID
	wait_for grep -q ready "$BATS_TEST_TMPDIR/read"
	nsx "$FRAME" send v0p "$ETHERTYPE" into-macvtap
	wait "$pid"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/read")" "ready
into-macvtap"
}

# ------------------------------------------------------------------- QEMU

@test "QEMU: -netdev tap,fd={fd} takes the tap" {
	need_cmd qemu-system-x86_64
	tpc add tap0
	# shellcheck disable=SC2046
	qemu_start exec tap0 -- $(qemu_args) \
		-netdev tap,id=n0,fd='{fd}' -device virtio-net-pci,netdev=n0
	qemu_cmd "info network" 'n0: index=0,type=tap,fd=3'
	# QEMU, not tapctl, holds the queue now.
	assert_equal "$(cat /proc/$QPID/comm)" qemu-system-x86
	run -0 grep -s 'iff:' "/proc/$QPID/fdinfo/3"
	assert_output $'iff:\ttap0'
	qemu_quit
}

@test "QEMU: -netdev tap,fds={fds} takes two queues of a multi-queue tap" {
	need_cmd qemu-system-x86_64
	tpc add mq0 --multi-queue --vnet-hdr
	# shellcheck disable=SC2046
	qemu_start exec --queues 2 mq0 -- $(qemu_args) \
		-netdev tap,id=n0,fds='{fds}' \
		-device virtio-net-pci,netdev=n0,mq=on,vectors=6
	qemu_cmd "info network" 'n0: index=1,type=tap,fd=4'
	grep -q 'n0: index=0,type=tap,fd=3' "$BATS_TEST_TMPDIR/mon.out"
	# Both queues are QEMU's; it disables the second (TUNSETQUEUE) until
	# the guest's driver turns multi-queue on.
	assert_equal "$(link_field mq0 '.linkinfo.info_data | .numqueues + .numdisabled')" 2
	qemu_quit
}

@test "QEMU: a macvtap with fd={fd} and mac={mac}" {
	need_cmd qemu-system-x86_64
	add_lower v0
	tpc add mvt0 --macvtap v0 --mac 02:00:00:00:02:02
	# shellcheck disable=SC2046
	qemu_start exec mvt0 -- $(qemu_args) \
		-netdev tap,id=n0,fd='{fd}' \
		-device virtio-net-pci,netdev=n0,mac='{mac}'
	qemu_cmd "info network" 'n0: index=0,type=tap,fd=3'
	grep -q 'macaddr=02:00:00:00:02:02' "$BATS_TEST_TMPDIR/mon.out"
	# QEMU holds the macvtap's character device.
	run -0 readlink "/proc/$QPID/fd/3"
	assert_output --regexp '/tap[0-9]+$'
	qemu_quit
}

@test "exec shares add's options: each one is in exec --help, and refused without --create" {
	local line opt arg n=0
	while read -r line; do
		[[ $line =~ (--[a-z-]+)(=[^ ]+)? ]] || continue
		opt=${BASH_REMATCH[1]}
		arg=${BASH_REMATCH[2]:+1}
		[[ $opt == --help ]] && continue
		run -0 "$TAPCTL" exec --help
		assert_output --partial -- "$opt"
		# exec gives --vnet-hdr a meaning of its own, with or without --create.
		[[ $opt == --vnet-hdr ]] && continue
		run -125 --separate-stderr tpc exec "$opt" ${arg:+"$arg"} tapu -- true
		assert_equal "$stderr" "tapctl: exec tapu: $opt: only with --create"
		n=$((n + 1))
	done < <("$TAPCTL" add --help)
	# Every add option but --help and --vnet-hdr was tried.
	assert_equal "$n" 20
	assert_only_lo
}
