#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# ifup / ifdown: QEMU's script= / downscript= replacement.

load test_helper/common

setup() {
	common_setup
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link set br0 mtu 1400 up
	run -0 tpc add tap0
	# The names QEMU's script= / downscript= would run.
	LINKS=$BATS_TEST_TMPDIR/bin
	mkdir -p "$LINKS"
	ln -s "$TAPCTL" "$LINKS/qemu-ifup"
	ln -s "$TAPCTL" "$LINKS/qemu-ifdown"
	unset TAPCTL_BRIDGE
}

teardown() { common_teardown; }

# tap0 is in bridge $1 (or none: "null"), has MTU $2 and is up or down ($3).
assert_tap() {
	local j
	j=$(link_json "${4:-tap0}")
	assert_equal "$(jq -r '.master // "null"' <<< "$j")" "$1"
	assert_equal "$(jq -r .mtu <<< "$j")" "$2"
	assert_equal "$(jq -r 'if (.flags | index("UP")) then "up" else "down" end' <<< "$j")" "$3"
}

@test "ifup --bridge: up, the bridge's MTU, in the bridge" {
	run -0 --separate-stderr tpc ifup --bridge br0 tap0
	assert_output ""
	assert_equal "$stderr" ""
	assert_tap br0 1400 up
	# The device's other settings stay as they were.
	assert_equal "$(link_field tap0 .linkinfo.info_data.persist)" true
}

@test "ifup --bridge: the tap's MAC gets the first byte fe, the bridge keeps its own, as with add" {
	ip -n "$NS" link set tap0 address 02:11:22:33:44:55
	ip -n "$NS" link add veth0 type veth peer name veth1
	ip -n "$NS" link set veth0 address 06:00:00:00:00:01 master br0
	local brmac
	brmac=$(link_field br0 .address)
	run -0 tpc ifup --bridge br0 tap0
	assert_equal "$(link_field tap0 .address)" fe:11:22:33:44:55
	assert_equal "$(link_field br0 .address)" "$brmac"
	# Already a port of that bridge: its address stays as it is.
	ip -n "$NS" link set tap0 address 02:11:22:33:44:66
	run -0 tpc ifup --bridge br0 tap0
	assert_equal "$(link_field tap0 .address)" 02:11:22:33:44:66
	# ifdown leaves the address alone.
	run -0 tpc ifdown tap0
	assert_equal "$(link_field tap0 .address)" 02:11:22:33:44:66
}

@test "ifup takes the bridge from TAPCTL_BRIDGE" {
	TAPCTL_BRIDGE=br0 run -0 tpc ifup tap0
	assert_tap br0 1400 up
}

@test "ifup --bridge wins over TAPCTL_BRIDGE" {
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link set br1 mtu 1300 up
	TAPCTL_BRIDGE=br1 run -0 tpc ifup --bridge br0 tap0
	assert_tap br0 1400 up
}

@test "a link named qemu-ifup acts as ifup, one named *ifdown as ifdown" {
	TAPCTL_BRIDGE=br0 run -0 --separate-stderr nsx "$LINKS/qemu-ifup" tap0
	assert_equal "$stderr" ""
	assert_tap br0 1400 up
	ln -s "$TAPCTL" "$LINKS/vm-ifdown"
	run -0 nsx "$LINKS/vm-ifdown" tap0
	assert_tap null 1400 down
}

@test "ifup moves a tap from one bridge to another" {
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link set br1 mtu 1300 up
	run -0 tpc ifup --bridge br0 tap0
	run -0 tpc ifup --bridge br1 tap0
	assert_tap br1 1300 up
}

@test "ifup without a bridge: the default route's bridge" {
	ip -n "$NS" route add default dev br0
	run -0 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" ""
	assert_tap br0 1400 up
}

@test "ifup: a default route through a bridge port means that bridge" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	ip -n "$NS" link set veth0 master br0
	ip -n "$NS" link set veth0 up
	ip -n "$NS" link set veth1 up
	ip -n "$NS" route add default dev veth0
	run -0 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" ""
	assert_tap br0 1400 up
}

@test "ifup: the default route with the lowest metric counts" {
	ip -n "$NS" link add br1 type bridge
	ip -n "$NS" link set br1 mtu 1300 up
	ip -n "$NS" route add default dev br0 metric 20
	ip -n "$NS" route add default dev br1 metric 10
	run -0 tpc ifup tap0
	assert_tap br1 1300 up
}

@test "ifup: an IPv6 default route when there is no IPv4 one" {
	ip -n "$NS" -6 route add default dev br0
	run -0 tpc ifup tap0
	assert_tap br0 1400 up
}

@test "ifup with no bridge anywhere: a warning, the tap up, exit 0 (as Debian's qemu-ifup)" {
	run -0 --separate-stderr tpc ifup tap0
	assert_output ""
	assert_equal "$stderr" "tapctl: ifup tap0: warning: no bridge given and no default route; bringing it up outside any bridge"
	assert_tap null 1500 up
	run -0 --separate-stderr tpc -q ifup tap0
	assert_equal "$stderr" ""
}

@test "ifup: a default route through a plain link is no bridge either" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	ip -n "$NS" link set veth0 up
	ip -n "$NS" link set veth1 up
	ip -n "$NS" route add default dev veth0
	run -0 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" "tapctl: ifup tap0: warning: no bridge given and the default route's interface veth0 is neither a bridge nor a bridge port; bringing it up outside any bridge"
	assert_tap null 1500 up
	assert_equal "$(link_field veth0 '.master // "null"')" null
}

@test "ifup: a named bridge that does not exist fails and changes nothing" {
	run -1 --separate-stderr tpc ifup --bridge nosuch tap0
	assert_equal "$stderr" 'tapctl: ifup tap0: --bridge: no such link "nosuch"'
	assert_tap null 1500 down
	TAPCTL_BRIDGE=nosuch run -1 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" 'tapctl: ifup tap0: TAPCTL_BRIDGE: no such link "nosuch"'
	assert_tap null 1500 down
}

@test "ifup: a named link that is not a bridge fails and changes nothing" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	run -1 --separate-stderr tpc ifup --bridge veth0 tap0
	assert_equal "$stderr" 'tapctl: ifup tap0: --bridge: "veth0" is not a bridge'
	assert_tap null 1500 down
	TAPCTL_BRIDGE=veth0 run -1 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" 'tapctl: ifup tap0: TAPCTL_BRIDGE: "veth0" is not a bridge'
	assert_tap null 1500 down
}

@test "ifup: invalid names are usage errors (exit 2)" {
	run -2 --separate-stderr tpc ifup --bridge a/b tap0
	assert_equal "$stderr" "tapctl: ifup tap0: --bridge: \"a/b\": interface name contains '/', ':' or white space"
	TAPCTL_BRIDGE=abcdefghijklmnopq run -2 --separate-stderr tpc ifup tap0
	assert_equal "$stderr" 'tapctl: ifup tap0: TAPCTL_BRIDGE: "abcdefghijklmnopq": interface name longer than 15 bytes'
	run -2 --separate-stderr tpc ifup --bridge br0 'ta p0'
	assert_equal "$stderr" "tapctl: ifup ta p0: interface name contains '/', ':' or white space"
	run -2 --separate-stderr tpc ifup
	assert_equal "$stderr" "tapctl: ifup: missing IFNAME"
	run -2 --separate-stderr tpc ifup tap0 tap1
	assert_equal "$stderr" 'tapctl: ifup tap0: unexpected argument "tap1"'
	run -2 --separate-stderr tpc ifdown
	assert_equal "$stderr" "tapctl: ifdown: missing IFNAME"
	run -2 --separate-stderr tpc ifdown --bridge br0 tap0
	assert_equal "$stderr" "tapctl: ifdown: --bridge: unknown option"
	assert_tap null 1500 down
}

@test "ifup / ifdown of a device that does not exist" {
	run -1 --separate-stderr tpc ifup --bridge br0 nosuch
	assert_equal "$stderr" "tapctl: ifup nosuch: no such device"
	run -1 --separate-stderr tpc ifdown nosuch
	assert_equal "$stderr" "tapctl: ifdown nosuch: no such device"
}

@test "ifup / ifdown refuse links that are not taps" {
	ip -n "$NS" link add veth0 type veth peer name veth1
	run -0 tpc add --tun tun0
	run -1 --separate-stderr tpc ifup --bridge br0 veth0
	assert_equal "$stderr" "tapctl: ifup veth0: refusing: not a tap device (kind veth)"
	run -1 --separate-stderr tpc ifup --bridge br0 tun0
	assert_equal "$stderr" "tapctl: ifup tun0: refusing: not a tap device (kind tun)"
	run -1 --separate-stderr tpc ifup --bridge br0 br0
	assert_equal "$stderr" "tapctl: ifup br0: refusing: not a tap device (kind bridge)"
	ip -n "$NS" link set veth0 master br0
	ip -n "$NS" link set veth0 up
	run -1 --separate-stderr tpc ifdown veth0
	assert_equal "$stderr" "tapctl: ifdown veth0: refusing: not a tap device (kind veth)"
	assert_equal "$(link_field veth0 .master)" br0
	assert_equal "$(link_field veth1 '.master // "null"')" null
	assert_equal "$(link_field tun0 '.flags | index("UP") != null')" false
}

@test "ifdown: out of the bridge and down" {
	run -0 tpc ifup --bridge br0 tap0
	assert_tap br0 1400 up
	run -0 --separate-stderr tpc ifdown tap0
	assert_output ""
	assert_equal "$stderr" ""
	assert_tap null 1400 down
	# Again: nothing to undo, still fine.
	run -0 tpc ifdown tap0
	assert_tap null 1400 down
	assert_equal "$(ip -n "$NS" -j link show master br0 | jq length)" 0
}

@test "ifup: when the kernel refuses the bridge, MTU and state are put back" {
	# A macvlan on the tap holds its rx handler, so the bridge cannot
	# take it: the MTU, applied first, must be undone.
	ip -n "$NS" link add mv0 link tap0 type macvlan ||
		skip "no macvlan support"
	run -1 --separate-stderr tpc ifup --bridge br0 tap0
	assert_equal "$stderr" "tapctl: ifup tap0: configure and attach to bridge: Device or resource busy"
	assert_tap null 1500 down
}

@test "ifup --help and ifdown --help" {
	run -0 tpc ifup --help
	assert_line --partial "--bridge=BR"
	assert_line --partial "[--bridge BR] [--pvid VID] [--vlan LIST] [--isolated] IFNAME"
	run -0 tpc ifdown --help
	assert_line --partial "IFNAME"
	assert_tap null 1500 down
}

@test "ifup works in batch mode" {
	printf 'ifup --bridge br0 tap0\n' > "$BATS_TEST_TMPDIR/batch"
	run -0 tpc -b "$BATS_TEST_TMPDIR/batch"
	assert_tap br0 1400 up
}

# ------------------------------------------------------------- real QEMU

@test "QEMU script=/downscript=: the tap is in the bridge while QEMU runs, out after" {
	need_cmd qemu-system-x86_64
	export TAPCTL_BRIDGE=br0
	qemu_start "tap,id=n0,ifname=tap0,script=$LINKS/qemu-ifup,downscript=$LINKS/qemu-ifdown"
	assert_success
	[[ -n $QPID ]] || fail "no QEMU pid"
	assert_tap br0 1400 up
	qemu_quit
	# tap0 is persistent, so it outlives QEMU: detached and down.
	assert_tap null 1400 down
}

@test "QEMU script=: a tap QEMU creates itself joins the bridge, and is gone after" {
	need_cmd qemu-system-x86_64
	export TAPCTL_BRIDGE=br0
	qemu_start "tap,id=n0,ifname=vmtap0,script=$LINKS/qemu-ifup,downscript=$LINKS/qemu-ifdown"
	assert_success
	assert_tap br0 1400 up vmtap0
	assert_equal "$(link_field vmtap0 .linkinfo.info_data.persist)" false
	qemu_quit
	assert_no_link vmtap0
}

@test "QEMU script=: a failing ifup fails the netdev, and nothing is left" {
	need_cmd qemu-system-x86_64
	export TAPCTL_BRIDGE=nosuch
	qemu_start "tap,id=n0,ifname=vmtap0,script=$LINKS/qemu-ifup,downscript=$LINKS/qemu-ifdown"
	assert_failure
	assert_equal "$QPID" ""
	assert_line --index 0 'tapctl: ifup vmtap0: TAPCTL_BRIDGE: no such link "nosuch"'
	assert_output --partial "network script $LINKS/qemu-ifup failed"
	assert_no_link vmtap0
	assert_tap null 1500 down
}

# ------------------------------------------ setuid root: the privilege model

# A setuid-root copy of tapctl run by uid 65534 (common.bash: suid_tapctl,
# as_suid), with a tap of the caller's own.
suid_setup() {
	suid_tapctl
	ln -s tapctl "$SUID/qemu-ifup"
	run -0 tpc add tap1 --user 65534
}

suid_run() {
	run --separate-stderr as_suid "$@"
}

@test "setuid ifup/ifdown: a user's own tap, a bridge acl.conf allows" {
	suid_setup
	printf 'allow br0\n' > "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br0 tap1
	assert_success
	assert_equal "$stderr" ""
	assert_tap br0 1400 up tap1
	suid_run "$SUID/tapctl" ifdown tap1
	assert_success
	assert_tap null 1400 down tap1
}

@test "setuid ifup: TAPCTL_BRIDGE is not trusted" {
	suid_setup
	printf 'allow all\n' > "$SUID/etc-tapctl/acl.conf"
	TAPCTL_BRIDGE=br0 suid_run "$SUID/qemu-ifup" tap1
	assert_success
	assert_equal "$stderr" "tapctl: ifup tap1: warning: no bridge given and no default route; bringing it up outside any bridge"
	assert_tap null 1500 up tap1
}

@test "setuid ifup/ifdown: someone else's tap is refused" {
	suid_setup
	printf 'allow all\n' > "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br0 tap0
	assert_failure 1
	assert_equal "$stderr" "tapctl: ifup tap0: permission denied: the device is not owned by uid 65534"
	assert_tap null 1500 down
	run -0 tpc ifup --bridge br0 tap0
	suid_run "$SUID/tapctl" ifdown tap0
	assert_failure 1
	assert_equal "$stderr" "tapctl: ifdown tap0: permission denied: the device is not owned by uid 65534"
	assert_tap br0 1400 up
}

@test "setuid ifup: a bridge acl.conf does not allow, or no acl.conf, is refused" {
	suid_setup
	ip -n "$NS" link add br1 type bridge
	printf 'allow all\ndeny br0\n' > "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br0 tap1
	assert_failure 1
	assert_equal "$stderr" 'tapctl: ifup tap1: bridge "br0": denied by /etc/tapctl/acl.conf'
	assert_tap null 1500 down tap1
	rm "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br1 tap1
	assert_failure 1
	assert_equal "$stderr" 'tapctl: ifup tap1: bridge "br1": denied: /etc/tapctl/acl.conf does not exist'
	assert_tap null 1500 down tap1
	printf 'allow-link br1\n' > "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br1 tap1
	assert_failure 1
	assert_equal "$stderr" 'tapctl: ifup tap1: bridge "br1": denied by /etc/tapctl/acl.conf'
	printf 'allow\n' > "$SUID/etc-tapctl/acl.conf"
	suid_run "$SUID/tapctl" ifup --bridge br1 tap1
	assert_failure 1
	assert_equal "$stderr" $'Invalid config line:\n  allow\n\ntapctl: ifup tap1: /etc/tapctl/acl.conf: invalid (see above)'
	assert_tap null 1500 down tap1
}
