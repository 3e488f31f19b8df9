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
