#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl set: every option on an existing tun/tap, only what was asked,
# flags kept where tunctl clears them, held devices, and all or nothing.

load test_helper/common
load test_helper/tun

# The link as ip -d -j shows it, less what moves by itself (operstate)
# and the fields named.
stable() {
	local name=$1
	shift
	link_json "$name" | jq -S "del(.operstate, .linkinfo.info_data.user, .linkinfo.info_data.group${*:+, }$(IFS=,; echo "$*"))"
}

@test "set --mac, --mac random, --mtu, --txqueuelen one at a time" {
	tpc add tap0 >/dev/null
	run -0 --separate-stderr tpc set tap0 --mac 02:00:00:00:00:42
	assert_output ""
	assert_equal "$stderr" ""
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:42
	tpc set tap0 --mac random
	local m
	m=$(link_field tap0 .address)
	[[ $m != 02:00:00:00:00:42 ]]
	(( (0x${m:0:2} & 3) == 2 )) || fail "$m is not unicast and locally administered"
	tpc set tap0 --mtu 9000
	assert_equal "$(link_field tap0 .mtu)" 9000
	tpc set tap0 --mtu 65521
	assert_equal "$(link_field tap0 .mtu)" 65521
	tpc set tap0 --txqueuelen 5
	assert_equal "$(link_field tap0 .txqlen)" 5
	tpc add tun0 --tun >/dev/null
	tpc set tun0 --mtu 65535
	assert_equal "$(link_field tun0 .mtu)" 65535
}

@test "set --up and --down" {
	tpc add tap0 >/dev/null
	tpc set tap0 --up
	assert_equal "$(is_up tap0)" true
	tpc set tap0 --down
	assert_equal "$(is_up tap0)" false
}

@test "set --user, --group: by name and number, seen by an unprivileged opener" {
	need_probe
	tpc add tap0 >/dev/null
	tpc set tap0 --user 65534
	assert_equal "$(sysfs tap0 owner)" 65534
	assert_equal "$(sysfs tap0 group)" -1
	tpc set tap0 -g 65533
	assert_equal "$(sysfs tap0 group)" 65533
	tpc set tap0 -u "$(id -nu 65534)" -g "$(getent group 65534 | cut -d: -f1)"
	assert_equal "$(sysfs tap0 owner) $(sysfs tap0 group)" "65534 65534"
	tun_open_for_all
	run -0 nsx_as_uid 65534 "$TUN_ATTACH" tap0
	run -1 --separate-stderr nsx_as_uid 65533 "$TUN_ATTACH" tap0
	assert_equal "$stderr" "tun-attach: TUNSETIFF: Operation not permitted"
	# A new owner replaces the old one.
	tpc set tap0 -u 65533 -g 65533
	run -0 nsx_as_uid 65533 "$TUN_ATTACH" tap0
	run -1 nsx_as_uid 65534 "$TUN_ATTACH" tap0
}

@test "set -u - and -g -: exit 2, the kernel cannot clear them, nothing changes" {
	tpc add tap0 -u 65534 -g 65534 >/dev/null
	local before
	before=$(link_json tap0)
	run -2 --separate-stderr tpc set tap0 -u - --mtu 1400
	assert_output ""
	assert_equal "$stderr" "tapctl: set tap0: --user: the kernel cannot clear an owner once it is set"
	run -2 --separate-stderr tpc set tap0 -g -
	assert_equal "$stderr" "tapctl: set tap0: --group: the kernel cannot clear a group once it is set"
	assert_equal "$(link_json tap0)" "$before"
	assert_equal "$(sysfs tap0 owner) $(sysfs tap0 group)" "65534 65534"
}

@test "set --bridge: joins, up, the bridge's MTU, MAC fe:..., the bridge's MAC kept" {
	bridge_with_port br0
	ip -n "$NS" link set br0 mtu 1400
	local brmac
	brmac=$(link_field br0 .address)
	tpc add tap0 --mac 02:00:00:00:00:05 >/dev/null
	run -0 tpc set tap0 --bridge br0
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(is_up tap0)" true
	assert_equal "$(link_field tap0 .mtu)" 1400
	# Only the first byte changes.
	assert_equal "$(link_field tap0 .address)" fe:00:00:00:00:05
	assert_equal "$(link_field br0 .address)" "$brmac"
	assert_equal "$(link_field br0 .mtu)" 1400
	# Asked again while already a port: nothing moves.
	tpc set tap0 --mac 02:00:00:00:00:06
	tpc set tap0 --bridge br0
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:06
}

@test "set --bridge with --mac, --mtu, --down; --nobridge; moving between bridges" {
	bridge_with_port br0
	bridge_with_port br1
	tpc add tap0 >/dev/null
	tpc set tap0 --bridge br0 --mac 02:00:00:00:00:07 --mtu 1300 --down
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(link_field tap0 .address)" 02:00:00:00:00:07
	assert_equal "$(link_field tap0 .mtu)" 1300
	assert_equal "$(is_up tap0)" false
	tpc set tap0 --bridge br1 --up --mac fe:00:00:00:00:07
	assert_equal "$(link_field tap0 .master)" br1
	assert_equal "$(ip -n "$NS" -j link show master br0 | jq -r 'map(.ifname) | join(" ")')" br0-p
	tpc set tap0 --nobridge
	assert_equal "$(link_field tap0 .master)" null
	# --nobridge alone does not take the link down.
	assert_equal "$(is_up tap0)" true
	run -0 tpc set tap0 --nobridge
	assert_equal "$(link_field tap0 .master)" null
}

@test "set with every option at once" {
	bridge_with_port br0
	tpc add tap0 >/dev/null
	run -0 tpc set tap0 -u 65534 -g 65534 --mac 02:11:22:33:44:55 --mtu 1450 \
		--txqueuelen 200 --up --bridge br0 --persist
	assert_equal "$(link_json tap0 | jq -r '[.address, .mtu, .txqlen, .master] | map(tostring) | join(" ")')" \
		"02:11:22:33:44:55 1450 200 br0"
	assert_equal "$(sysfs tap0 owner) $(sysfs tap0 group)" "65534 65534"
	assert_equal "$(is_up tap0)" true
	assert_equal "$(tun_data tap0)" "tap false false false true"
}

@test "set changes only what it is asked" {
	bridge_with_port br0
	tpc add tap0 -u 65534 --vnet-hdr --mac 02:00:00:00:00:01 --mtu 1400 \
		--txqueuelen 33 --up --bridge br0 >/dev/null
	local before
	before=$(stable tap0)
	tpc set tap0 --mtu 1300
	assert_equal "$(stable tap0 .mtu)" "$(jq -S 'del(.mtu)' <<<"$before")"
	tpc set tap0 --txqueuelen 44
	assert_equal "$(stable tap0 .mtu .txqlen)" "$(jq -S 'del(.mtu, .txqlen)' <<<"$before")"
	tpc set tap0 -g 65534
	assert_equal "$(stable tap0 .mtu .txqlen)" "$(jq -S 'del(.mtu, .txqlen)' <<<"$before")"
	assert_equal "$(sysfs tap0 owner)" 65534
	tpc set tap0 --persist
	assert_equal "$(stable tap0 .mtu .txqlen)" "$(jq -S 'del(.mtu, .txqlen)' <<<"$before")"
	# Nothing asked, nothing done.
	run -0 tpc set tap0
	assert_equal "$(stable tap0 .mtu .txqlen)" "$(jq -S 'del(.mtu, .txqlen)' <<<"$before")"
}

@test "set -u keeps vnet_hdr, pi and multi_queue (tunctl -t clears vnet_hdr)" {
	tpc add vh0 --vnet-hdr >/dev/null
	tpc add pv0 --pi --vnet-hdr >/dev/null
	tpc add mq0 --multi-queue --vnet-hdr >/dev/null
	for t in vh0 pv0 mq0; do
		tpc set "$t" -u 65534 -g 65534
		tpc set "$t" --persist
		assert_equal "$(sysfs "$t" owner)" 65534
	done
	assert_equal "$(tun_data vh0)" "tap false true false true"
	assert_equal "$(sysfs vh0 tun_flags)" 0x5802
	assert_equal "$(tun_data pv0)" "tap true true false true"
	assert_equal "$(sysfs pv0 tun_flags)" 0x4802
	assert_equal "$(tun_data mq0)" "tap false true true true"
	assert_equal "$(sysfs mq0 tun_flags)" 0x5902
	# The contrast: tunctl re-attaches with IFF_TAP|IFF_NO_PI and the
	# kernel takes those as the device's new features.
	need_cmd tunctl
	run -0 nsx tunctl -t vh0 -u 65534
	assert_output "Set 'vh0' persistent and owned by uid 65534"
	assert_equal "$(tun_data vh0)" "tap false false false true"
	assert_equal "$(sysfs vh0 tun_flags)" 0x1802
}

@test "set on a device held by a process: the holder's descriptor is borrowed" {
	tpc add tap0 --vnet-hdr >/dev/null
	hold tap0 vnet_hdr
	run -0 --separate-stderr tpc set tap0 -u 65534 -g 65534 --mtu 1400
	assert_equal "$stderr" ""
	assert_equal "$(sysfs tap0 owner) $(sysfs tap0 group)" "65534 65534"
	assert_equal "$(link_field tap0 .mtu)" 1400
	# The holder is still attached, the flags are the same.
	grep -q $'^iff:\ttap0$' /proc/"$HOLD_PID"/fdinfo/*
	assert_equal "$(sysfs tap0 tun_flags)" 0x5802
	run -0 tpc -j list -d tap0
	assert_equal "$(jq -c '.[0].holders | map(.pid)' <<<"$output")" "[$HOLD_PID]"
}

@test "set on a multi_queue device in use adds no queue of its own" {
	need_cmd strace
	tpc add mq0 --multi-queue >/dev/null
	hold mq0 multi_queue
	STRACE_OPTS="-e trace=openat,ioctl" run -0 traced "$BATS_TEST_TMPDIR/st" \
		"$TAPCTL" set mq0 -g 65534
	assert_equal "$(sysfs mq0 group)" 65534
	run grep -c TUNSETIFF "$BATS_TEST_TMPDIR/st"
	assert_output 0
	run grep -c TUNSETGROUP "$BATS_TEST_TMPDIR/st"
	assert_output 1
	run -0 tpc -j list mq0
	assert_equal "$(jq '.[0].queues' <<<"$output")" 1
}

@test "set --no-persist: a held device goes when its holder closes it" {
	tpc add tap0 >/dev/null
	hold tap0
	tpc set tap0 --no-persist
	assert_equal "$(link_field tap0 .linkinfo.info_data.persist)" false
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	assert_no_link tap0
}

@test "set --no-persist on a device nobody holds removes it at once" {
	tpc add tap0 >/dev/null
	run -0 tpc set tap0 --no-persist
	assert_no_link tap0
}

@test "set --persist: a transient device outlives its holder" {
	hold tap0
	assert_equal "$(link_field tap0 .linkinfo.info_data.persist)" false
	tpc set tap0 --persist
	kill "$HOLD_PID"
	wait "$HOLD_PID" || true
	assert_equal "$(tun_data tap0)" "tap false false false true"
}

@test "libvirt managed='no' made with add then set; uid 65534 opens it" {
	need_probe
	bridge_with_port br0
	local brmac
	brmac=$(link_field br0 .address)
	tpc add mytap0 >/dev/null
	run -0 tpc set mytap0 -u 65534 --mac fe:54:00:12:34:56 --up --bridge br0
	assert_equal "$(link_field br0 .address)" "$brmac"
	tun_open_for_all
	run -0 nsx_as_uid 65534 "$TUN_ATTACH" mytap0 vnet_hdr write
	assert_line --index 0 "attached mytap0: tap vnet_hdr persist"
	assert_line --index 1 "wrote 70 bytes"
	assert_equal "$(ip -n "$NS" -s -j link show mytap0 | jq '.[0].stats64.rx.packets')" 1
}

@test "set -n from outside the namespace" {
	tpc add tap0 >/dev/null
	run -0 tpcn set tap0 --mtu 1280 -u 65534
	assert_equal "$(link_field tap0 .mtu)" 1280
	assert_equal "$(sysfs tap0 owner)" 65534
}

@test "set: one RTM_NEWLINK carries every link change" {
	need_cmd strace
	bridge_with_port br0
	tpc add tap0 >/dev/null
	STRACE_OPTS="-e trace=sendto,sendmsg" run -0 traced "$BATS_TEST_TMPDIR/st" \
		"$TAPCTL" set tap0 --mac 02:00:00:00:00:09 --mtu 1400 --txqueuelen 9 \
		--up --bridge br0
	run grep -c RTM_NEWLINK "$BATS_TEST_TMPDIR/st"
	assert_output 1
	run grep -c 'socket(' "$BATS_TEST_TMPDIR/st"
	assert_output 0
	assert_equal "$(link_field tap0 .master) $(link_field tap0 .mtu)" "br0 1400"
	STRACE_OPTS="-e trace=sendto,sendmsg" run -0 traced "$BATS_TEST_TMPDIR/st2" \
		"$TAPCTL" add tap1 --mac 02:00:00:00:00:0a --mtu 1400 --txqueuelen 9 \
		--up --bridge br0
	run grep -c RTM_NEWLINK "$BATS_TEST_TMPDIR/st2"
	assert_output 1
}

@test "set of a missing device: exit 1; of another kind: exit 1, left alone" {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link add v0 type veth peer name v1
	run -1 --separate-stderr tpc set nosuch --mtu 1400
	assert_equal "$stderr" "tapctl: set nosuch: no such device"
	local before
	before=$(link_json v0)
	run -1 --separate-stderr tpc set v0 --mtu 1400
	assert_equal "$stderr" "tapctl: set v0: not a tun, tap or macvtap device (kind veth)"
	run -1 --separate-stderr tpc set br0 --up
	assert_equal "$stderr" "tapctl: set br0: not a tun, tap or macvtap device (kind bridge)"
	run -1 --separate-stderr tpc set lo --mtu 1400
	assert_equal "$stderr" "tapctl: set lo: not a tun, tap or macvtap device (kind none)"
	assert_equal "$(link_json v0)" "$before"
	assert_equal "$(is_up br0)" false
}

@test "set: invalid input is exit 2, even for a device that does not exist" {
	tpc add tap0 -u 65534 >/dev/null
	local before
	before=$(link_json tap0)
	local d
	for d in tap0 nosuch; do
		run -2 --separate-stderr tpc set "$d" --mac 01:00:00:00:00:01
		assert_equal "$stderr" "tapctl: set $d: --mac: \"01:00:00:00:00:01\": a multicast MAC address cannot be assigned to an interface"
		run -2 --separate-stderr tpc set "$d" --mac 0
		assert_equal "$stderr" "tapctl: set $d: --mac: \"0\": not a MAC address (expected six hex pairs: 02:00:00:00:00:01)"
		run -2 --separate-stderr tpc set "$d" --mac 00:00:00:00:00:00
		assert_equal "$stderr" "tapctl: set $d: --mac: \"00:00:00:00:00:00\": the all-zeros MAC address cannot be assigned"
		run -2 --separate-stderr tpc set "$d" --mtu abc
		assert_equal "$stderr" "tapctl: set $d: --mtu: \"abc\" is not a decimal number"
		run -2 --separate-stderr tpc set "$d" --user no-such-user-tapctl
		assert_equal "$stderr" "tapctl: set $d: --user: no such user \"no-such-user-tapctl\""
		run -2 --separate-stderr tpc set "$d" --up --down
		assert_equal "$stderr" "tapctl: set $d: --up and --down exclude each other"
		run -2 --separate-stderr tpc set "$d" --persist --no-persist
		assert_equal "$stderr" "tapctl: set $d: --persist and --no-persist exclude each other"
		run -2 --separate-stderr tpc set "$d" --bridge br0 --nobridge
		assert_equal "$stderr" "tapctl: set $d: --bridge and --nobridge exclude each other"
		run -2 --separate-stderr tpc set "$d" -u -
		assert_equal "$stderr" "tapctl: set $d: --user: the kernel cannot clear an owner once it is set"
	done
	# The device's own range.
	run -2 --separate-stderr tpc set tap0 --mtu 65522
	assert_equal "$stderr" 'tapctl: set tap0: --mtu: "65522" is out of range 68..65521'
	run -2 --separate-stderr tpc set tap0 --mtu 67
	assert_equal "$stderr" 'tapctl: set tap0: --mtu: "67" is out of range 68..65521'
	run -2 --separate-stderr tpc set tap0 --mode vepa
	assert_equal "$stderr" "tapctl: set tap0: --mode: only for macvtap links"
	# add-only options are not set options.
	for o in --tun --tap --vnet-hdr --multi-queue --pi; do
		run -2 --separate-stderr tpc set tap0 "$o"
		assert_equal "$stderr" "tapctl: set: $o: unknown option"
	done
	run -2 --separate-stderr tpc set 'tap%d' --up
	assert_equal "$stderr" "tapctl: set tap%d: '%' is only allowed in a name template for add"
	assert_equal "$(link_json tap0)" "$before"
}

@test "set on a tun: no MAC, no bridge (exit 2)" {
	ip -n "$NS" link add br0 type bridge
	tpc add tun0 --tun >/dev/null
	run -2 --separate-stderr tpc set tun0 --mac 02:00:00:00:00:01
	assert_equal "$stderr" "tapctl: set tun0: --mac: a tun device has no MAC address (use --tap)"
	run -2 --separate-stderr tpc set tun0 --bridge br0
	assert_equal "$stderr" "tapctl: set tun0: --bridge: a tun device has no link layer and cannot join a bridge (use --tap)"
	assert_equal "$(link_field tun0 .master)" null
}

@test "set --bridge: missing bridge, non-bridge, MTU that does not fit: exit 1, unchanged" {
	ip -n "$NS" link add v0 type veth peer name v1
	ip -n "$NS" link add big type bridge
	ip -n "$NS" link set big mtu 65535
	tpc add tap0 --mac 02:00:00:00:00:05 >/dev/null
	local before
	before=$(link_json tap0)
	run -1 --separate-stderr tpc set tap0 --bridge br9
	assert_equal "$stderr" 'tapctl: set tap0: --bridge: no such link "br9"'
	run -1 --separate-stderr tpc set tap0 --bridge v0
	assert_equal "$stderr" 'tapctl: set tap0: --bridge: "v0" is not a bridge'
	run -1 --separate-stderr tpc set tap0 --bridge big
	assert_equal "$stderr" 'tapctl: set tap0: --bridge: the MTU of "big" (65535) is outside this device'"'"'s range 68..65521: give --mtu'
	assert_equal "$(link_json tap0)" "$before"
}

@test "set --bridge to a full bridge: exit 1, clear message, the tap exactly as before" {
	bridge_with_port br0
	ip -n "$NS" link add brf type bridge
	for i in $(seq 1 1023); do
		echo "link add p$i master brf type veth peer name q$i"
	done | ip -n "$NS" -batch -
	tpc add tap0 --mac 02:00:00:00:00:05 --mtu 1500 -u 65534 >/dev/null
	local before
	before=$(stable tap0)
	run -1 --separate-stderr tpc set tap0 --bridge brf --mtu 1400 --mac 02:00:00:00:00:09 --txqueuelen 3 -g 65534
	assert_output ""
	assert_equal "$stderr" "tapctl: set tap0: attach to bridge brf: the bridge is full (a bridge has at most 1023 ports)"
	assert_equal "$(stable tap0)" "$before"
	assert_equal "$(sysfs tap0 group)" -1
	# From one bridge to a full one: back in the first, as it was.
	tpc set tap0 --bridge br0 --mac fe:00:00:00:00:05
	before=$(stable tap0)
	run -1 tpc set tap0 --bridge brf
	assert_equal "$(stable tap0)" "$before"
	assert_equal "$(link_field tap0 .master)" br0
	assert_equal "$(ip -n "$NS" -j link show master brf | jq length)" 1023
}

@test "set: a failure half-way puts back what the kernel had already applied" {
	ip -n "$NS" link add br0 type bridge
	tpc add tap0 --mac 02:00:00:00:00:05 >/dev/null
	# A macvlan on the tap takes its rx_handler, so the bridge cannot:
	# the kernel applies MAC, MTU and the up flag, then fails at IFLA_MASTER.
	ip -n "$NS" link add mv0 link tap0 type macvlan
	local before
	# The qdisc that the first up attaches stays: kernel bookkeeping, not
	# a setting.
	before=$(stable tap0 .qdisc)
	run -1 --separate-stderr tpc set tap0 --bridge br0 --mtu 1400 --mac 02:00:00:00:00:09 --txqueuelen 7
	assert_equal "$stderr" "tapctl: set tap0: configure and attach to bridge br0: Device or resource busy"
	assert_equal "$(stable tap0 .qdisc)" "$before"
	assert_equal "$(link_field tap0 .address) $(link_field tap0 .mtu)" "02:00:00:00:00:05 1500"
	assert_equal "$(is_up tap0)" false
}
