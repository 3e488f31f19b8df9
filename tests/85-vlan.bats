#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# VLAN-filtering bridges (issue 14).  They need a kernel with
# CONFIG_BRIDGE_VLAN_FILTERING: where the running one lacks it every test
# here skips, and `make check` runs this file under Debian's own kernel in
# a VM instead (tests/vm/run.sh, the check-vm part).
#
# First section: the harness itself, with ip and bridge only: a filtering
# bridge in $NS, ports' VLAN sets as `bridge -j vlan show` reports them,
# and frames that cross the bridge in the right VLAN only.  tapctl's own
# --pvid/--vlan tests go in the sections after it, with the same helpers:
#   vlan_bridge NAME           (common.bash) a filtering bridge in $NS, up
#   veth_port PORT [BRIDGE]    veth PORT (in BRIDGE, default br0) and its
#                              peer PORTp outside the bridge, both up
#   port_vlans PORT            "VID [FLAG...]" per VLAN of PORT, one a line
#                              ("20 PVID Egress Untagged", "30")
#   recv_bg NAME IFNAME [VID:|any:]ETHERTYPE   a frame receiver on IFNAME,
#                              in the background (tests/helpers/frame recv);
#                              recv_got NAME LINE waits for what it printed

load test_helper/common

FRAME=$BATS_TEST_DIRNAME/helpers/frame
ETHERTYPE=88b5

setup() {
	common_setup
	need_vlan_filtering
	[[ -x $FRAME ]] || fail "$FRAME is not built: run make $FRAME"
	RECV_PIDS=()
}

teardown() {
	local p
	for p in "${RECV_PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	common_teardown
}

veth_port() {
	local port=$1 br=${2:-br0}
	ip -n "$NS" link add "$port" type veth peer name "${port}p"
	ip -n "$NS" link set "$port" master "$br"
	ip -n "$NS" link set "$port" up
	ip -n "$NS" link set "${port}p" up
}

port_vlans() {
	bridge -n "$NS" -j vlan show dev "$1" |
		jq -r '.[] | .vlans[] | [.vlan, (.flags // [])[]] | join(" ")'
}

# Polls (10 s at most, a VM under TCG is slow) until CMD succeeds.
# recv_bg NAME IFNAME [VID:|any:]ETHERTYPE [SECONDS]: `frame recv` in $NS,
# in the background (SECONDS 30: it ends at the first matching frame);
# its output goes to $BATS_TEST_TMPDIR/NAME, its status to NAME.rc.
recv_bg() {
	local out=$BATS_TEST_TMPDIR/$1
	rm -f "$out" "$out.rc"
	# Not "cmd; echo $?": bats runs tests under set -e.
	(rc=0; nsx "$FRAME" recv "$2" "$3" "${4:-30}" > "$out" 2>&1 || rc=$?
		echo "$rc" > "$out.rc") 3>&- &
	RECV_PIDS+=("$!")
	wait_for grep -q ready "$out"
}

# recv_got NAME LINE: the receiver's first matching frame printed LINE.
# A frame that must not arrive is checked with an any: receiver: send it,
# then one that must arrive, and expect the second ("untagged PAYLOAD" or
# "vlan VID PAYLOAD"); frames through one bridge keep their order.
recv_got() {
	local i out=$BATS_TEST_TMPDIR/$1
	for ((i = 0; i < 400; i++)); do
		[[ -s $out.rc ]] && break
		sleep 0.1
	done
	[[ -s $out.rc ]] || fail "receiver $1 never ended"
	assert_equal "$(cat "$out")" "ready
$2"
	assert_equal "$(cat "$out.rc")" 0
}

# br0 with an access port a0 (VLAN 20, untagged) and a trunk t0 (20 and
# 30 tagged, no PVID); their peers a0p and t0p are the outside ends.
access_and_trunk() {
	vlan_bridge br0
	veth_port a0
	veth_port t0
	bridge -n "$NS" vlan add dev a0 vid 20 pvid untagged
	bridge -n "$NS" vlan del dev a0 vid 1
	bridge -n "$NS" vlan add dev t0 vid 20
	bridge -n "$NS" vlan add dev t0 vid 30
	bridge -n "$NS" vlan del dev t0 vid 1
}

# ------------------------------------------------------------ the harness

@test "vlan harness: a vlan_filtering bridge in the namespace" {
	vlan_bridge br0
	assert_equal "$(link_field br0 .linkinfo.info_data.vlan_filtering)" 1
	assert_equal "$(link_field br0 .linkinfo.info_data.vlan_default_pvid)" 1
	# The bridge itself is in its default VLAN 1, untagged.
	assert_equal "$(port_vlans br0)" "1 PVID Egress Untagged"
	# And the host saw none of it.
	run ip link show dev br0
	assert_failure
}

@test "vlan harness: bridge vlan gives a port exactly the VLANs asked" {
	vlan_bridge br0
	veth_port p0
	assert_equal "$(port_vlans p0)" "1 PVID Egress Untagged"
	bridge -n "$NS" vlan add dev p0 vid 20 pvid untagged
	bridge -n "$NS" vlan del dev p0 vid 1
	assert_equal "$(port_vlans p0)" "20 PVID Egress Untagged"
	bridge -n "$NS" vlan add dev p0 vid 30
	bridge -n "$NS" vlan add dev p0 vid 31
	assert_equal "$(port_vlans p0)" "20 PVID Egress Untagged
30
31"
	# The peer outside the bridge is no port: it has no VLANs.
	assert_equal "$(bridge -n "$NS" -j vlan show dev p0p | jq length)" 0
}

@test "vlan harness: tagged 20 on the trunk leaves the access port untagged; tagged 30 and untagged do not" {
	access_and_trunk
	recv_bg a0p a0p "any:$ETHERTYPE"
	# Not a VLAN of a0; untagged, while the trunk has no PVID: dropped.
	nsx "$FRAME" send t0p "30:$ETHERTYPE" in-vlan-30
	nsx "$FRAME" send t0p "$ETHERTYPE" no-vlan
	nsx "$FRAME" send t0p "20:$ETHERTYPE" in-vlan-20
	recv_got a0p "untagged in-vlan-20"
}

@test "vlan harness: untagged from the access port leaves the trunk tagged 20; tagged 30 does not" {
	access_and_trunk
	recv_bg t0p t0p "any:$ETHERTYPE"
	# Tagged 30 on the access port is not in one of its VLANs.  (Tagged
	# 20 would pass: membership is per VID, "untagged" is for egress.)
	nsx "$FRAME" send a0p "30:$ETHERTYPE" tagged-on-access
	nsx "$FRAME" send a0p "$ETHERTYPE" from-access
	recv_got t0p "vlan 20 from-access"
}

@test "vlan harness: without vlan_filtering a frame tagged 30 floods (the frame checks can fail)" {
	ip -n "$NS" link add br0 type bridge vlan_filtering 0
	ip -n "$NS" link set br0 up
	veth_port a0
	veth_port t0
	recv_bg a0p a0p "any:$ETHERTYPE"
	nsx "$FRAME" send t0p "30:$ETHERTYPE" in-vlan-30
	recv_got a0p "vlan 30 in-vlan-30"
	# And a tagged-only receiver sees it too; an untagged-only one would not.
	recv_bg tagged a0p "30:$ETHERTYPE"
	nsx "$FRAME" send t0p "$ETHERTYPE" untagged-first
	nsx "$FRAME" send t0p "30:$ETHERTYPE" tagged-second
	recv_got tagged tagged-second
}
