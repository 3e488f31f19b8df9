#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl apply: declarations made true with the least change, idempotent,
# all or nothing, --dry-run, --prune, and its reports.

load test_helper/common

setup() {
	common_setup
	CONF=$BATS_TEST_TMPDIR/devices.conf
}

# Everything of $NS that apply could change, less what moves by itself.
ns_state() {
	ip -n "$NS" -d -j link show | jq -S '[.[] | del(.operstate,
		.linkinfo.info_slave_data, .linkinfo.info_data.user,
		.linkinfo.info_data.group, .linkinfo.info_data.gc_timer,
		.linkinfo.info_data.hello_timer, .linkinfo.info_data.tcn_timer,
		.linkinfo.info_data.topology_change_timer,
		.qdisc, .tso_max_size, .tso_max_segs) | .flags |= map(select(. != "LOWER_UP" and
		. != "NO-CARRIER"))]'
}

declare_() { printf '%s\n' "$@" > "$CONF"; }

# LeakSanitizer cannot run under ptrace: the ASan run's tapctl, traced,
# goes without it (as traced in tun.bash does).
NOLEAKS=ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# Link events of $NS between monitor_start and monitor_stop, which prints
# them. Events still due from earlier changes (carrier, qdisc: the kernel
# sends them late) are let pass first: a marker change of lo's MTU must
# come alone.
monitor_start() {
	MON=$BATS_TEST_TMPDIR/monitor
	ip -n "$NS" monitor link > "$MON" 2>&1 &
	MONPID=$!
	defer kill "$MONPID"
	local i n=0
	for ((i = 0; i < 50; i++)); do
		: > "$MON"
		n=$((n + 1))
		ip -n "$NS" link set lo mtu $((60000 + n))
		if wait_marker $((60000 + n)) && ! others; then
			: > "$MON"
			return 0
		fi
	done
	fail "link events of $NS do not settle"
}

# Events of links other than lo in $MON.
others() { grep -E '^[0-9]+: ' "$MON" | grep -v '^[0-9]*: lo:'; }

wait_marker() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q "^1: lo: .* mtu $1 " "$MON" && return 0
		sleep 0.02
	done
	return 1
}

monitor_stop() {
	ip -n "$NS" link set lo mtu 59999
	wait_marker 59999 || fail "no end marker"
	kill "$MONPID"
	ip -n "$NS" link set lo mtu 65536
	others || true
}

bridge_ns() {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 1400 up
}

@test "apply creates what is declared, as add would" {
	bridge_ns
	ip -n "$NS" link add veth0 type veth peer name veth1
	declare_ "# taps for the VMs" \
		"" \
		"tap0 --user 65534 --bridge br0   # in br0" \
		"tun0 --tun --mtu 9000 --multi-queue" \
		"mvt0 --macvtap veth0 --mode vepa --mac 02:00:00:00:00:07 --group 65533"
	run -0 --separate-stderr tpc apply "$CONF"
	assert_equal "$output" "created tap0
created tun0
created mvt0"
	assert_equal "$stderr" ""
	assert_equal "$(sysfs tap0 owner)" 65534
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(link_field tap0 .mtu)" 1400
	assert_equal "$(link_field tap0 '.flags | any(. == "UP")')" true
	assert_equal "$(link_field tap0 '.address[0:2]')" fe
	assert_equal "$(link_field tun0 .linkinfo.info_data.type)" tun
	assert_equal "$(link_field tun0 .linkinfo.info_data.multi_queue)" true
	assert_equal "$(link_field tun0 .mtu)" 9000
	assert_equal "$(sysfs tun0 tun_flags)" 0x1901
	assert_equal "$(link_field mvt0 .linkinfo.info_kind)" macvtap
	assert_equal "$(link_field mvt0 .linkinfo.info_data.mode)" vepa
	assert_equal "$(link_field mvt0 .link)" veth0
	assert_equal "$(link_field mvt0 .address)" 02:00:00:00:00:07
	run -0 tpc -j list mvt0
	local node
	node=$(jq -r '.[0].chardev' <<< "$output")
	assert_equal "$(stat -c '%g %a' "$node")" "65533 660"
}

@test "a second apply changes nothing in the kernel and says so" {
	bridge_ns
	ip -n "$NS" link add veth0 type veth peer name veth1
	declare_ "tap0 -u 65534 --bridge br0 --mac random --txqueuelen 100" \
		"tap1 --down --vnet-hdr" "mvt0 --macvtap veth0 -u 65534"
	tpc apply "$CONF" >/dev/null
	local before
	before=$(ns_state)
	monitor_start
	run -0 --separate-stderr tpc apply "$CONF"
	assert_equal "$output" "unchanged tap0
unchanged tap1
unchanged mvt0"
	assert_equal "$(monitor_stop)" ""
	assert_equal "$(ns_state)" "$before"
}

@test "only the settings that differ are changed, each reported" {
	bridge_ns
	ip -n "$NS" link add br1 type bridge
	declare_ "tap0 --user 65534 --mtu 1300 --up" "tap1 --bridge br0" \
		"tap2 --txqueuelen 7"
	tpc apply "$CONF" >/dev/null
	ip -n "$NS" link set tap0 mtu 1500
	ip -n "$NS" link set tap1 nomaster
	ip -n "$NS" link set tap2 txqueuelen 9 up
	local mac1
	mac1=$(link_field tap1 .address)
	run -0 --separate-stderr tpc apply "$CONF"
	assert_equal "$output" "changed tap0: mtu
changed tap1: master
changed tap2: txqueuelen"
	assert_equal "$(link_field tap0 .mtu)" 1300
	assert_equal "$(link_field tap1 .master)" br0
	assert_equal "$(link_field tap1 .address)" "$mac1"
	# tap2 declares no state: brought up by ip, it stays up.
	assert_equal "$(link_field tap2 .txqlen)" 7
	assert_equal "$(link_field tap2 '.flags | any(. == "UP")')" true
	declare_ "tap0 --user 65533 --mtu 1300 --down" "tap1 --bridge br1" \
		"tap2 --txqueuelen 8"
	run -0 --separate-stderr tpc -j apply "$CONF"
	assert_equal "$(jq -c '.[]' <<< "$output")" \
'{"ifname":"tap0","action":"changed","changes":["owner","up"]}
{"ifname":"tap1","action":"changed","changes":["mtu","master"]}
{"ifname":"tap2","action":"changed","changes":["txqueuelen"]}'
	assert_equal "$(sysfs tap0 owner)" 65533
	assert_equal "$(link_field tap0 '.flags | any(. == "UP")')" false
	assert_equal "$(link_field tap1 .master)" br1
	assert_equal "$(link_field tap2 .txqlen)" 8
}

@test "an undeclared tun flag is not compared; a declared one that differs is refused" {
	tpc add tap0 --vnet-hdr >/dev/null
	declare_ "tap0"
	run -0 tpc apply "$CONF"
	assert_output "unchanged tap0"
	tpc add tap1 >/dev/null
	declare_ "tap1 --vnet-hdr --mtu 1000"
	local before
	before=$(ns_state)
	run -1 --separate-stderr tpc apply "$CONF"
	assert_output ""
	assert_equal "$stderr" "tapctl: $CONF:1: apply tap1: declared with --vnet-hdr, which the device was not made with (flags are fixed at creation)"
	assert_equal "$(ns_state)" "$before"
}

@test "conflicts exit 1 and change nothing: another kind, another lower, not a managed device" {
	bridge_ns
	ip -n "$NS" link add veth0 type veth peer name veth1
	ip -n "$NS" link add veth2 type veth peer name veth3
	ip -n "$NS" link add mvt0 link veth0 type macvtap
	tpc add tap0 >/dev/null
	local before
	before=$(ns_state)
	declare_ "new0" "tap0 --tun"
	run -1 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply tap0: declared a tun, but the device is a tap (delete it to make it anew)"
	declare_ "new0" "mvt0 --macvtap veth2"
	run -1 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply mvt0: declared on --macvtap veth2, but the macvtap is on another lower link"
	declare_ "new0" "br0 --mtu 1400"
	run -1 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply br0: a bridge of this name exists, not a tun, tap or macvtap device"
	declare_ "new0" "veth1"
	run -1 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply veth1: a veth of this name exists, not a tun, tap or macvtap device"
	assert_output ""
	assert_equal "$(ns_state)" "$before"
	assert_no_link new0
}

@test "an invalid file exits 2 naming FILE:LINE, and nothing changes" {
	local before
	before=$(ns_state)
	declare_ "tap0" "tap1 --mtu 70000"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply tap1: --mtu: \"70000\" is out of range 68..65521"
	declare_ "tap0" "" "# x" "tap1 --colour blue"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:4: apply: --colour: unknown option"
	declare_ "tap0" "tap%d"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply tap%d: '%' is only allowed in a name template for add"
	declare_ "tap0 --mtu 1400" "tap1" "tap0"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:3: apply tap0: declared twice (first at $CONF:1)"
	declare_ "tap0 --user no-such-user-here"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:1: apply tap0: --user: no such user \"no-such-user-here\""
	declare_ "tap0 --persist"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:1: apply: --persist: unknown option"
	declare_ "tap0" "tap1 'unterminated"
	run -2 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply tap1: unexpected argument \"unterminated\""
	assert_output ""
	assert_equal "$(ns_state)" "$before"
	run -1 --separate-stderr tpc apply "$BATS_TEST_TMPDIR/missing.conf"
	assert_equal "$stderr" "tapctl: apply: $BATS_TEST_TMPDIR/missing.conf: No such file or directory"
	assert_only_lo
}

@test "a bridge or lower link that does not exist: exit 1 before anything changes" {
	declare_ "tap0" "tap1 --bridge br9"
	run -1 --separate-stderr tpc apply "$CONF"
	assert_equal "$stderr" "tapctl: $CONF:2: apply tap1: --bridge: no such link \"br9\""
	assert_only_lo
}

@test "--dry-run changes nothing and lists what the real run then does" {
	bridge_ns
	tpc add tap1 --mtu 1000 >/dev/null
	ip -n "$NS" link add old0 type tun 2>/dev/null || true
	declare_ "tap0 --bridge br0" "tap1 --mtu 1200" "tap2 --tun"
	local before
	before=$(ns_state)
	run -0 --separate-stderr tpc apply --dry-run "$CONF"
	assert_equal "$output" "would create tap0
would change tap1: mtu
would create tap2"
	assert_equal "$(ns_state)" "$before"
	run -0 tpc -j apply --dry-run "$CONF"
	assert_equal "$(jq -c '[.[] | .action]' <<< "$output")" '["created","changed","created"]'
	assert_equal "$(ns_state)" "$before"
	run -0 tpc apply "$CONF"
	assert_equal "$output" "created tap0
changed tap1: mtu
created tap2"
	assert_equal "$(link_field tap1 .mtu)" 1200
}

@test "--prune deletes only devices an earlier apply made" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	declare_ "tap0" "tap1" "mvt0 --macvtap veth0"
	tpc apply "$CONF" >/dev/null
	tpc add byadd0 >/dev/null
	ip -n "$NS" tuntap add dev byip0 mode tap
	assert_equal "$(link_field tap0 .ifalias)" "tapctl:apply"
	declare_ "tap1"
	run -0 tpc apply --prune --dry-run "$CONF"
	assert_equal "$output" "unchanged tap1
would delete mvt0
would delete tap0"
	link_json tap0 >/dev/null
	run -0 tpc apply --prune "$CONF"
	assert_equal "$output" "unchanged tap1
deleted mvt0
deleted tap0"
	assert_no_link tap0
	assert_no_link mvt0
	link_json tap1 | jq -e . >/dev/null
	link_json byadd0 | jq -e . >/dev/null
	link_json byip0 | jq -e . >/dev/null
	# Without --prune, a device no file declares stays.
	declare_ "byadd0"
	run -0 tpc apply "$CONF"
	assert_output "unchanged byadd0"
	link_json tap1 | jq -e . >/dev/null
	# A device apply did not create is never pruned, even once declared.
	: > "$CONF"
	run -0 tpc apply --prune "$CONF"
	assert_output "deleted tap1"
	link_json byadd0 | jq -e . >/dev/null
	link_json byip0 | jq -e . >/dev/null
}

@test "-q prints nothing, -j a JSON array, -n applies inside a namespace" {
	declare_ "tap0 --mtu 1400"
	run -0 --separate-stderr "$TAPCTL" -n "$NS" -q apply "$CONF"
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(link_field tap0 .mtu)" 1400
	run -0 tpcn -j apply "$CONF"
	assert_equal "$output" '[{"ifname":"tap0","action":"unchanged","changes":[]}]'
	: > "$CONF"
	run -0 tpcn -j apply "$CONF"
	assert_equal "$output" '[]'
	run -0 tpcn apply - <<< "tap1 --txqueuelen 3"
	assert_output "created tap1"
	assert_equal "$(link_field tap1 .txqlen)" 3
}

@test "files are read in order; with no FILE, devices.conf then devices.d/*.conf in name order" {
	local etc=$BATS_TEST_TMPDIR/etc-tapctl
	mkdir -p "$etc/devices.d" "$BATS_TEST_TMPDIR/up" "$BATS_TEST_TMPDIR/work"
	echo "tap0" > "$etc/devices.conf"
	echo "tap2" > "$etc/devices.d/b.conf"
	echo "tap1" > "$etc/devices.d/a.conf"
	echo "tap9" > "$etc/devices.d/c.conf.disabled"
	# /etc/tapctl of a private mount namespace: the host's is never touched.
	# shellcheck disable=SC2016 # expanded by the inner shell
	run -0 unshare -m --propagation private bash -c '
		set -e
		mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc
		mkdir -p /etc/tapctl
		mount --bind "$2" /etc/tapctl
		exec ip netns exec "$3" "$4" apply
	' _ "$BATS_TEST_TMPDIR" "$etc" "$NS" "$TAPCTL"
	assert_output "created tap0
created tap1
created tap2"
	assert_no_link tap9
	declare_ "tap5"
	echo "tap4" > "$BATS_TEST_TMPDIR/second.conf"
	run -0 tpc apply "$CONF" "$BATS_TEST_TMPDIR/second.conf"
	assert_output "created tap5
created tap4"
	echo "tap5" > "$BATS_TEST_TMPDIR/second.conf"
	run -2 --separate-stderr tpc apply "$CONF" "$BATS_TEST_TMPDIR/second.conf"
	assert_equal "$stderr" "tapctl: $BATS_TEST_TMPDIR/second.conf:1: apply tap5: declared twice (first at $CONF:1)"
}

# A stopped tapctl among the descendants of $1 (strace's tracee).
stopped_tapctl() {
	ps -e -o pid=,ppid=,stat=,comm= | awk -v root="$1" '
		{ parent[$1] = $2; stat[$1] = $3; comm[$1] = $4 }
		END {
			for (p in parent) {
				if (comm[p] != "tapctl" || stat[p] !~ /^[Tt]/)
					continue
				for (q = parent[p]; q > 1; q = parent[q])
					if (q == root) { print p; exit }
			}
		}'
}

# The state before: br0 (MTU 1400) and tap0 (MTU 1000, in no bridge).
half_setup() {
	# An address of its own: else the kernel gives a bridge its lowest
	# port's, and 00:00:00:00:00:00 once the last port leaves.
	ip -n "$1" link add br0 address 02:00:00:00:0b:00 type bridge
	ip -n "$1" link set br0 mtu 1400 up
	ip netns exec "$1" "$TAPCTL" add tap0 --mtu 1000 >/dev/null
}

@test "a failure half-way undoes the whole apply" {
	need_cmd strace
	local ns2 before k
	ns2=$(new_ns)
	declare_ "tap0 --mtu 1200 --bridge br0" "tap1 --user 65534" "tap2" "tap3"
	# Which ioctl is the second TUNSETIFF (tap2's creation)? Counted in a
	# namespace of the same state.
	half_setup "$ns2"
	ip netns exec "$ns2" env "$NOLEAKS" strace -qq -e trace=ioctl -o "$BATS_TEST_TMPDIR/trace" \
		"$TAPCTL" apply "$CONF" >/dev/null
	k=$(grep -n TUNSETIFF "$BATS_TEST_TMPDIR/trace" | sed -n 2p | cut -d: -f1)
	[[ -n $k ]] || fail "no second TUNSETIFF in $(cat "$BATS_TEST_TMPDIR/trace")"
	half_setup "$NS"
	before=$(ns_state)
	run -1 --separate-stderr nsx env "$NOLEAKS" strace -qq -o /dev/null -e trace=ioctl \
		-e inject=ioctl:error=EIO:when="$k" "$TAPCTL" apply "$CONF"
	assert_output ""
	assert_equal "$stderr" "tapctl: apply tap2: create tap: Input/output error"
	assert_equal "$(ns_state)" "$before"
	assert_no_link tap1
	assert_equal "$(link_field tap0 .mtu)" 1000
	assert_equal "$(link_field tap0 .master)" null
}

@test "a bridge deleted between validation and execution: the whole apply is undone" {
	need_cmd strace
	local ns2 before k pid i
	ns2=$(new_ns)
	declare_ "tap0 --mtu 1200" "tap1 --bridge br0"
	half_setup "$ns2"
	ip netns exec "$ns2" env "$NOLEAKS" strace -qq -e trace=ioctl -o "$BATS_TEST_TMPDIR/trace" \
		"$TAPCTL" apply "$CONF" >/dev/null
	# tapctl stops itself at tap1's TUNSETIFF, after every check was made.
	k=$(grep -n TUNSETIFF "$BATS_TEST_TMPDIR/trace" | sed -n 1p | cut -d: -f1)
	half_setup "$NS"
	before=$(ns_state | jq -S 'map(select(.ifname != "br0"))')
	nsx env "$NOLEAKS" strace -qq -o "$BATS_TEST_TMPDIR/stop" -e trace=ioctl \
		-e inject=ioctl:signal=STOP:when="$k" "$TAPCTL" apply "$CONF" \
		> "$BATS_TEST_TMPDIR/out" 2> "$BATS_TEST_TMPDIR/err" &
	pid=$!
	defer kill -9 "$pid"
	# strace says when the stop took: ps alone cannot tell it from the
	# brief stop at each traced system call (both are state t).
	local tp=
	for ((i = 0; i < 200; i++)); do
		grep -q '^--- stopped by SIGSTOP ---' "$BATS_TEST_TMPDIR/stop" &&
			tp=$(stopped_tapctl "$pid") && [[ -n $tp ]] && break
		sleep 0.1
	done
	[[ -n $tp ]] || fail "tapctl did not stop: $(cat "$BATS_TEST_TMPDIR/stop")"
	ip -n "$NS" link del br0
	kill -CONT "$tp"
	local st=0
	wait "$pid" || st=$?
	assert_equal "$st" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/out")" ""
	grep -q "^tapctl: apply tap1: " "$BATS_TEST_TMPDIR/err" || fail "$(cat "$BATS_TEST_TMPDIR/err")"
	assert_equal "$(ns_state | jq -S 'map(select(.ifname != "br0"))')" "$before"
	assert_equal "$(link_field tap0 .mtu)" 1000
	assert_no_link tap1
}

@test "refused when privileged for another user" {
	suid_tapctl
	declare_ "tap0"
	chmod 0644 "$CONF"
	chmod 0755 "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr as_suid "$SUID/tapctl" apply "$CONF"
	assert_equal "$stderr" "tapctl: apply: not available to unprivileged users"
	assert_only_lo
}

@test "apply --help" {
	run -0 tpc apply --help
	assert_line --partial "--dry-run"
	assert_line --partial "--prune"
}

@test "a report that cannot be written undoes the apply (exit 1)" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	nsx ip tuntap add tap1 mode tap
	before=$(ns_state)
	declare_ "tap0 --mtu 1400" "mvt0 --macvtap veth0" "tap1 --txqueuelen 77"
	run -1 --separate-stderr nsx sh -c 'exec "$1" apply "$2" > /dev/full' sh "$TAPCTL" "$CONF"
	assert_equal "$stderr" "tapctl: apply: write the report to standard output: No space left on device"
	assert_equal "$(ns_state)" "$before"
	# -q reports nothing: nothing to fail.
	run -0 nsx sh -c 'exec "$1" -q apply "$2" > /dev/full' sh "$TAPCTL" "$CONF"
	assert_equal "$(link_field tap1 .txqlen)" 77
}
