#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapctl's bridge-port VLANs: add/set --pvid, --vlan, set --novlan, and
# list's pvid and vlans. They need a kernel with CONFIG_BRIDGE_VLAN_FILTERING:
# where the running one lacks it every test skips, and `make check` runs
# this file under Debian's own kernel in a VM instead (check-vm).
# What needs no VLAN filtering (refusals, isolation) is in 25-brport.bats.
#
# Effects are read with `bridge -j vlan show` and `ip -d -j link show`,
# and frames (helpers/frame, [VID:]88b5) cross the bridge between taps
# that tapctl exec holds open (a tap's port forwards only while it is).

load test_helper/common

FRAME=$BATS_TEST_DIRNAME/helpers/frame
ETHERTYPE=88b5

setup() {
	common_setup
	need_vlan_filtering
	[[ -x $FRAME ]] || fail "$FRAME is not built: run make $FRAME"
}

# Polls (20 s at most: a VM under TCG is slow) until CMD succeeds.
# "VID FLAGS" per VLAN of PORT, one a line, as the bridge reports them.
port_vlans() {
	bridge -n "$NS" -j vlan show dev "$1" |
		jq -r '.[] | .vlans[] | "\(.vlan) \(.flags // [] | join(","))"'
}

port_forwarding() {
	[[ $(bridge -n "$NS" -j link show dev "$1" | jq -r '.[0].state') == forwarding ]]
}

# Reads tap $1's descriptor for $3 seconds in the background, for frames
# of [VID:]TYPE $2: what it read into $BATS_TEST_TMPDIR/$1, LPID the
# reader. Returns once its bridge port forwards.
listen() {
	ip netns exec "$NS" "$TAPCTL" exec "$1" -- "$FRAME" read '{fd}' "$2" "$3" \
		> "$BATS_TEST_TMPDIR/$1" 3>&- &
	LPID=$!
	wait_for grep -q ready "$BATS_TEST_TMPDIR/$1"
	wait_for port_forwarding "$1"
}

# A frame of [VID:]TYPE $2 with payload $3 into the bridge through tap
# $1's descriptor, once its port forwards.
send_from() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	tpc exec "$1" -- sh -c 'i=0
		until bridge -j link show dev "$TAPCTL_IFNAME" | grep -q "\"state\":\"forwarding\""; do
			i=$((i + 1)); [ $i -lt 200 ] || exit 1; sleep 0.1
		done
		exec "$0" write "$TAPCTL_FD" "$1" "$2"' "$FRAME" "$2" "$3"
}

# The reader $1 read payload $2.
assert_read() {
	wait "$1"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/$2")" "ready
$3"
}

# The reader $1 (of tap $2) read nothing in time.
assert_none() {
	local rc=0
	wait "$1" || rc=$?
	assert_equal "$rc" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/$2")" ready
}

# ------------------------------------------------------------- the sets
# (Few tests, each doing much: under TCG every test costs seconds.)

@test "add --bridge --pvid 20: an access port; --vlan 20,30: a trunk; list shows them" {
	vlan_bridge br0
	run -0 tpc add acc --bridge br0 --pvid 20
	assert_equal "$(port_vlans acc)" "20 PVID,Egress Untagged"
	assert_equal "$(link_field acc .master)" br0
	# It went up after its VLANs were set, as --bridge implies.
	assert_equal "$(link_field acc '.flags | index("UP") != null')" true
	run -0 tpc add tr --bridge br0 --vlan 20,30
	assert_equal "$(port_vlans tr)" "20 
30 "
	run -0 tpc add tr2 --bridge br0 --pvid 5 --vlan 100-102,7
	assert_equal "$(port_vlans tr2)" "5 PVID,Egress Untagged
7 
100 
101 
102 "
	run -0 tpc -j list
	assert_equal "$(jq -c '[.[] | [.ifname, .pvid, .vlans, .isolated]]' <<< "$output")" \
		'[["acc",20,[],false],["tr",null,[20,30],false],["tr2",5,[7,100,101,102],false]]'
	run -0 tpc list -d tr2
	assert_line '    bridge port: pvid 5, tagged 7,100-102, not isolated'
}

@test "frames: tagged 20 from the trunk leaves the access port untagged, tagged 30 does not; and back" {
	vlan_bridge br0
	tpc add tr --bridge br0 --vlan 20,30
	tpc add acc --bridge br0 --pvid 20
	listen acc "$ETHERTYPE" 20
	local p=$LPID
	send_from tr "20:$ETHERTYPE" in-vlan-20
	assert_read "$p" acc in-vlan-20

	listen acc "$ETHERTYPE" 3
	p=$LPID
	send_from tr "30:$ETHERTYPE" in-vlan-30
	assert_none "$p" acc

	# Untagged from the access port: on the trunk tagged 20.
	listen tr "20:$ETHERTYPE" 20
	p=$LPID
	send_from acc "$ETHERTYPE" from-access
	assert_read "$p" tr from-access
}

@test "set --vlan and --pvid replace the whole set; --novlan: the bridge's default VLAN alone" {
	ip -n "$NS" link add br7 type bridge vlan_filtering 1 vlan_default_pvid 7
	ip -n "$NS" link set br7 up
	tpc add p0 --bridge br7 --pvid 20 --vlan 30
	run -0 tpc set p0 --vlan 40-42
	assert_equal "$(port_vlans p0)" "40 
41 
42 "
	run -0 tpc set p0 --pvid 41 --vlan 40,42
	assert_equal "$(port_vlans p0)" "40 
41 PVID,Egress Untagged
42 "
	run -0 tpc set p0 --novlan
	assert_equal "$(port_vlans p0)" "7 PVID,Egress Untagged"
	# The same again changes nothing and succeeds.
	run -0 tpc set p0 --pvid 7
	assert_equal "$(port_vlans p0)" "7 PVID,Egress Untagged"
	# Into another bridge: its VLANs there are those given.
	vlan_bridge br0
	run -0 tpc set p0 --bridge br0 --vlan 9 --isolated
	assert_equal "$(link_field p0 .master)" br0
	assert_equal "$(port_vlans p0)" "9 "
	# It was up: it joined down, and is up again after its VLANs.
	assert_equal "$(link_field p0 '.flags | index("UP") != null')" true
	assert_equal "$(link_field p0 .linkinfo.info_slave_data.isolated)" true
	run -0 tpc set p0 --novlan
	assert_equal "$(port_vlans p0)" "1 PVID,Egress Untagged"
}

@test "exec --create --bridge --pvid: the transient tap is in its VLAN" {
	vlan_bridge br0
	run -0 tpc exec --create t0 --bridge br0 --pvid 33 -- \
		bridge -j vlan show dev t0
	assert_equal "$(jq -c '.[0].vlans' <<< "$output")" '[{"vlan":33,"flags":["PVID","Egress Untagged"]}]'
	assert_no_link t0
}

@test "ifup --bridge --pvid --vlan: QEMU's script= tap joins in its VLANs" {
	vlan_bridge br0
	tpc add t0
	run -0 tpc ifup --bridge br0 --pvid 20 --vlan 30 t0
	assert_equal "$(port_vlans t0)" "20 PVID,Egress Untagged
30 "
	assert_equal "$(link_field t0 '.flags | index("UP") != null')" true
}

@test "apply: --pvid and --vlan are declared, compared and reported; a second run changes nothing" {
	vlan_bridge br0
	local conf=$BATS_TEST_TMPDIR/devices.conf
	printf '%s\n' "acc --bridge br0 --pvid 20" "tr --bridge br0 --vlan 20,30" > "$conf"
	run -0 tpc apply "$conf"
	assert_equal "$(port_vlans acc)" "20 PVID,Egress Untagged"
	assert_equal "$(port_vlans tr)" "20 
30 "
	run -0 tpc apply "$conf"
	assert_equal "$output" $'unchanged acc\nunchanged tr'
	bridge -n "$NS" vlan add dev tr vid 40
	bridge -n "$NS" vlan add dev acc vid 21 pvid untagged
	run -0 tpc -j apply "$conf"
	assert_equal "$(jq -c '.[] | [.ifname, .changes]' <<< "$output")" \
'["acc",["pvid"]]
["tr",["vlans"]]'
	assert_equal "$(port_vlans acc)" "20 PVID,Egress Untagged"
	assert_equal "$(port_vlans tr)" "20 
30 "
}

# ------------------------------------------------------------- refusals

@test "VID 0, 4095, abc, 10-5, no bridge: exit 2; a bridge without VLAN filtering: exit 1; nothing changed" {
	vlan_bridge br0
	tpc add p0 --bridge br0 --pvid 20 --vlan 30
	local v
	for v in 0 4095 abc; do
		run -2 --separate-stderr tpc set p0 --pvid "$v"
		assert_regex "$stderr" "^tapctl: set p0: --pvid: \"$v\": "
		run -2 --separate-stderr tpc set p0 --vlan "30,$v"
		assert_regex "$stderr" "^tapctl: set p0: --vlan: \"30,$v\": \"$v\": "
	done
	run -2 --separate-stderr tpc set p0 --vlan 10-5
	assert_equal "$stderr" 'tapctl: set p0: --vlan: "10-5": a range goes from the lower VID to the higher'
	run -2 --separate-stderr tpc set p0 --nobridge --pvid 20
	assert_equal "$stderr" "tapctl: set p0: --nobridge excludes --pvid, --vlan, --novlan, --isolated and --no-isolated"
	assert_equal "$(port_vlans p0)" "20 PVID,Egress Untagged
30 "
	run -2 --separate-stderr tpc add p1 --bridge br0 --vlan 10-5
	run -2 --separate-stderr tpc add p1 --pvid 20
	assert_equal "$stderr" "tapctl: add p1: --pvid: not a bridge port (give --bridge BR)"
	assert_no_link p1

	ip -n "$NS" link add br1 type bridge vlan_filtering 0
	run -1 --separate-stderr tpc add p1 --bridge br1 --pvid 20
	assert_equal "$stderr" "tapctl: add p1: --pvid: bridge br1 does not filter VLANs (vlan_filtering 0)"
	assert_no_link p1
	tpc add p2 --bridge br1
	local before
	before=$(port_vlans p2)
	run -1 --separate-stderr tpc set p2 --vlan 30 --mtu 1400
	assert_equal "$stderr" "tapctl: set p2: --vlan: bridge br1 does not filter VLANs (vlan_filtering 0)"
	run -1 --separate-stderr tpc set p2 --novlan
	assert_equal "$stderr" "tapctl: set p2: --novlan: bridge br1 does not filter VLANs (vlan_filtering 0)"
	assert_equal "$(port_vlans p2)" "$before"
	assert_equal "$(link_field p2 .mtu)" 1500
}
