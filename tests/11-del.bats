#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl del: tun/tap devices only, all names checked before any goes.

load test_helper/common
load test_helper/tun

@test "del: one device, then several of each kind at once" {
	tpc add tap0
	run -0 --separate-stderr tpc del tap0
	assert_output ""
	assert_equal "$stderr" ""
	assert_only_lo
	tpc add t1
	tpc add t2 --tun
	tpc add t3 --multi-queue --vnet-hdr
	tpc add t4 --pi -u 65534
	run -0 tpc del t1 t2 t3 t4
	assert_only_lo
}

@test "del: a multi_queue tap, which ip tuntap del cannot delete without the flag" {
	tpc add mq0 --multi-queue
	run -1 nsx ip tuntap del mq0 mode tap
	link_json mq0 >/dev/null
	run -0 tpc del mq0
	assert_only_lo
}

@test "del: a device held open by a process, persistent or not" {
	need_probe
	tpc add tap0
	hold tap0
	run -0 tpc del tap0
	assert_only_lo
	kill -0 "$HOLD_PID"
	# A transient tap, alive only through its holder.
	hold tap1
	assert_equal "$(link_field tap1 .linkinfo.info_data.persist)" false
	run -0 tpc del tap1
	assert_only_lo
}

@test "del: a port of a bridge goes, the bridge stays" {
	ip -n "$NS" link add br0 type bridge
	tpc add tap0 --bridge br0
	run -0 tpc del tap0
	assert_equal "$(links)" "lo br0"
	assert_equal "$(ip -n "$NS" -j link show master br0 | jq length)" 0
}

@test "del refuses a bridge, a veth and lo (exit 1), whatever else is asked" {
	ip -n "$NS" link add br0 type bridge
	ip -n "$NS" link add v0 type veth peer name v1
	tpc add tap0
	run -1 --separate-stderr tpc del br0
	assert_output ""
	assert_equal "$stderr" "tapctl: del br0: not a tun, tap or macvtap device (kind bridge)"
	run -1 --separate-stderr tpc del v0
	assert_equal "$stderr" "tapctl: del v0: not a tun, tap or macvtap device (kind veth)"
	run -1 --separate-stderr tpc del lo
	assert_equal "$stderr" "tapctl: del lo: not a tun, tap or macvtap device (kind none)"
	# All or nothing: tap0 is not deleted either, before or after.
	run -1 --separate-stderr tpc del tap0 br0
	assert_equal "$stderr" "tapctl: del br0: not a tun, tap or macvtap device (kind bridge)"
	run -1 --separate-stderr tpc del v1 tap0
	assert_equal "$stderr" "tapctl: del v1: not a tun, tap or macvtap device (kind veth)"
	assert_equal "$(links)" "lo br0 v1 v0 tap0"
}

@test "del of a missing device: exit 1, and the others stay" {
	tpc add tap0
	run -1 --separate-stderr tpc del nosuch
	assert_equal "$stderr" "tapctl: del nosuch: no such device"
	run -1 --separate-stderr tpc del tap0 nosuch
	assert_equal "$stderr" "tapctl: del nosuch: no such device"
	assert_equal "$(links)" "lo tap0"
}

@test "del of a bad name: exit 2, nothing deleted" {
	tpc add tap0
	run -2 --separate-stderr tpc del tap0 'a/b'
	assert_equal "$stderr" "tapctl: del a/b: interface name contains '/', ':' or white space"
	run -2 --separate-stderr tpc del 'tap%d'
	assert_equal "$stderr" "tapctl: del tap%d: '%' is only allowed in a name template for add"
	assert_equal "$(links)" "lo tap0"
}

@test "del: the same name twice is deleted once, successfully" {
	tpc add tap0
	run -0 --separate-stderr tpc del tap0 tap0
	assert_equal "$stderr" ""
	assert_only_lo
}

@test "del -n from outside the namespace" {
	tpc add tap0
	run -0 tpcn del tap0
	assert_only_lo
}

# The group of NAME as ip prints it ("default" for 0).
group_of() { ip -n "$NS" -j link show dev "$1" | jq -r '.[0].group'; }

@test "del of many: one kernel batch (one RTM_DELLINK), macvtaps' private nodes too" {
	need_cmd strace
	local i dir
	for i in $(seq 1 30); do tpc -q add "d$i" --tun; done
	STRACE_OPTS="-e trace=sendto" run -0 traced "$BATS_TEST_TMPDIR/st" \
		"$TAPCTL" del $(seq -f 'd%g' 1 30)
	run grep -c 'nlmsg_type=RTM_DELLINK' "$BATS_TEST_TMPDIR/st"
	assert_output 1
	assert_only_lo
	# Two macvtaps with private nodes (every /dev/tapN is another
	# device's) and two taps, deleted together: the nodes go too.
	ip -n "$NS" link add v0 type veth peer name v1
	# Under /dev/tapctl where /run is mounted nodev (see 30-macvtap.bats).
	local root=/run/tapctl
	[[ ,$(findmnt -no OPTIONS -T /run), != *,nodev,* ]] || root=/dev/tapctl
	dir=$root/netns-$(nsx "$BATS_TEST_DIRNAME/helpers/netns-cookie")
	defer rm -rf "$dir"
	tpc -q add t1
	tpc -q add t2
	run -0 nsx unshare -m sh -c '
		mount -t tmpfs tmpfs /dev || exit 9
		for i in $(seq 1 40); do mknod /dev/tap$i c 1 3; done
		"$1" -q add mv0 --macvtap v0 && "$1" -q add mv1 --macvtap v0 || exit 8
		ls "$2" | wc -l
		"$1" del t1 mv0 t2 mv1 || exit 6' sh "$TAPCTL" "$dir"
	assert_output 2
	[[ ! -e $dir ]]
	assert_equal "$(links)" "lo v1 v0"
}

@test "del of many with one bad name deletes none and leaves every link group as it was" {
	local i
	for i in $(seq 1 20); do tpc -q add "g$i"; done
	ip -n "$NS" link set g3 group 7
	ip -n "$NS" link set g4 group 1234
	run -1 --separate-stderr tpc del $(seq -f 'g%g' 1 10) nosuch $(seq -f 'g%g' 11 20)
	assert_equal "$stderr" "tapctl: del nosuch: no such device"
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" 20
	assert_equal "$(group_of g3) $(group_of g4) $(group_of g5)" "7 1234 default"
	# A refused kind at the end: the same.
	ip -n "$NS" link add br0 type bridge
	run -1 tpc del $(seq -f 'g%g' 1 20) br0
	assert_equal "$(ip -n "$NS" -j link show type tun | jq length)" 20
	assert_equal "$(group_of g3) $(group_of g4) $(group_of br0)" "7 1234 default"
	# And then all of them, the bridge and the groups' other links left.
	ip -n "$NS" link set br0 group 7
	run -0 tpc del $(seq -f 'g%g' 1 20)
	assert_equal "$(links)" "lo br0"
	assert_equal "$(group_of br0)" 7
}
